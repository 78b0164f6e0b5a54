//! The Templates group (`pkg/chart/v2/lint/rules/template.go`), minus everything that needs
//! rendering: the directory must exist and be a directory, the chart must load, its values must
//! satisfy its schema, and every template must have an allowed extension.

use super::{Linter, gojson, schema};
use crate::chart::Chart;
use crate::source::Kind;
use crate::yaml::{self, Value};
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
    let (names, schema_problem) = match l.load()? {
        Ok(chart) => (
            chart
                .templates
                .iter()
                .map(|t| t.name.clone())
                .collect::<Vec<_>>(),
            render_values_problem(chart),
        ),
        Err(e) => {
            l.add(Severity::Error, "templates.load", PATH, None, e);
            return Ok(());
        }
    };
    // helm validates the values before rendering; a failure stops the group.
    if let Some(message) = schema_problem {
        l.add(
            Severity::Error,
            "templates.values-schema",
            PATH,
            None,
            message,
        );
        return Ok(());
    }
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

/// helm's `ToRenderValuesWithSchemaValidation` for a chart without subcharts: the loaded
/// values (all documents merged, top-level nulls dropped by coalescing) against the chart's
/// schema. Charts with subcharts are not checked here (their values are coalesced with each
/// subchart's defaults, which needs the render-time dependency processing).
fn render_values_problem(chart: &Chart) -> Option<String> {
    let schema = chart.schema.as_deref().filter(|s| !s.is_empty())?;
    if !chart.dependencies.is_empty() {
        return None;
    }
    let head = format!(
        "values don't meet the specifications of the schema(s) in the following chart(s):\n{}:\n",
        chart.metadata.name
    );
    if let Err(e) = gojson::check(schema) {
        return Some(format!("{head}{e}"));
    }
    let text = chart
        .values
        .as_deref()
        .map(String::from_utf8_lossy)
        .unwrap_or_default();
    let docs = yaml::parse_documents(&text).ok()?;
    let mut values = Value::Map(Vec::new());
    for doc in docs {
        if let Value::Map(_) = doc {
            values = merge_maps(values, doc);
        }
    }
    if let Value::Map(entries) = &mut values {
        entries.retain(|(_, v)| *v != Value::Null);
    }
    match schema::validate(schema, &values) {
        schema::Outcome::Invalid(errors) => Some(format!("{head}{errors}")),
        schema::Outcome::Valid | schema::Outcome::Skipped => None,
    }
}

/// helm's `MergeMaps`: maps merge recursively, anything else is replaced.
fn merge_maps(a: Value, b: Value) -> Value {
    let (Value::Map(mut out), Value::Map(b)) = (a, b) else {
        return Value::Null;
    };
    for (k, v) in b {
        match out.iter_mut().find(|(key, _)| *key == k) {
            Some((_, existing)) => {
                if matches!((&*existing, &v), (Value::Map(_), Value::Map(_))) {
                    let old = std::mem::replace(existing, Value::Null);
                    *existing = merge_maps(old, v);
                } else {
                    *existing = v;
                }
            }
            None => out.push((k, v)),
        }
    }
    Value::Map(out)
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
