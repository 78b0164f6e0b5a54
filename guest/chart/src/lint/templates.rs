//! The Templates group (`pkg/chart/v2/lint/rules/template.go`), minus everything that needs
//! rendering: the directory must exist and be a directory, the chart must load, and every
//! template must have an allowed extension.

use super::Linter;
use crate::source::Kind;
use crate::{LoadError, Severity};

const PATH: &str = "templates/";
const VALID_EXTENSIONS: [&str; 4] = [".yaml", ".yml", ".tpl", ".txt"];

pub(super) fn run(l: &mut Linter<'_>) -> Result<(), LoadError> {
    match l.stat(&["templates"])? {
        None => {
            l.add(
                Severity::Warning,
                "templates.missing",
                PATH,
                None,
                "directory does not exist".into(),
            );
            return Ok(());
        }
        Some(Kind::Dir) => {}
        Some(_) => {
            l.add(
                Severity::Error,
                "templates.not-a-directory",
                PATH,
                None,
                "not a directory".into(),
            );
            return Ok(());
        }
    }
    let names: Vec<String> = match l.load()? {
        Ok(chart) => chart.templates.iter().map(|t| t.name.clone()).collect(),
        Err(e) => {
            l.add(Severity::Error, "templates.load", PATH, None, e);
            return Ok(());
        }
    };
    for name in names {
        let ext = go_ext(&name);
        if !VALID_EXTENSIONS.contains(&ext) {
            let m = format!(
                "file extension '{ext}' not valid. Valid extensions are .yaml, .yml, .tpl, or .txt"
            );
            l.add(Severity::Error, "templates.extension", &name, None, m);
        }
    }
    Ok(())
}

/// Go's `filepath.Ext`: from the last dot of the base name, or empty.
pub(super) fn go_ext(name: &str) -> &str {
    let base_start = name.rfind('/').map_or(0, |i| i + 1);
    match name[base_start..].rfind('.') {
        Some(i) => &name[base_start + i..],
        None => "",
    }
}

#[cfg(test)]
mod tests {
    use super::go_ext;

    #[test]
    fn extensions_like_go() {
        assert_eq!(go_ext("templates/a.yaml"), ".yaml");
        assert_eq!(go_ext("templates/NOTES"), "");
        assert_eq!(go_ext("templates/x.d/NOTES"), "");
        assert_eq!(go_ext("templates/.hidden"), ".hidden");
        assert_eq!(go_ext("templates/b.YAML"), ".YAML");
    }
}
