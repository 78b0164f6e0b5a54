//! The Dependencies group (`pkg/chart/v2/lint/rules/dependencies.go`): subcharts in `charts/`
//! against the dependencies declared in Chart.yaml. helm prints the absolute chart directory
//! as the path of these messages, and an empty path when the chart does not load.

use super::Linter;
use crate::{LoadError, Severity};

pub(super) fn run(l: &mut Linter<'_>) -> Result<(), LoadError> {
    let (declared, aliases, present) = match l.load()? {
        Ok(chart) => {
            let declared: Vec<String> = chart
                .metadata
                .declared_dependencies()
                .map(|d| d.name.clone())
                .collect();
            let aliases: Vec<String> = chart
                .metadata
                .declared_dependencies()
                .map(|d| {
                    if d.alias.is_empty() {
                        d.name.clone()
                    } else {
                        d.alias.clone()
                    }
                })
                .collect();
            let present: Vec<String> = chart
                .dependencies
                .iter()
                .map(|c| c.metadata.name.clone())
                .collect();
            (declared, aliases, present)
        }
        Err(e) => {
            l.add(
                Severity::Error,
                "dependencies.load",
                "",
                None,
                format!("unable to load chart\n\t{e}"),
            );
            return Ok(());
        }
    };
    let dir = l.chart_dir.clone();
    let undeclared: Vec<&str> = present
        .iter()
        .filter(|p| !declared.contains(p))
        .map(String::as_str)
        .collect();
    if !undeclared.is_empty() {
        let m = format!(
            "chart metadata is missing these dependencies: {}",
            undeclared.join(",")
        );
        l.add(Severity::Error, "dependencies.undeclared", &dir, None, m);
    }
    let mut seen: Vec<&str> = Vec::new();
    let mut shadowing: Vec<&str> = Vec::new();
    for key in &aliases {
        if seen.contains(&key.as_str()) {
            shadowing.push(key);
        }
        seen.push(key);
    }
    if !shadowing.is_empty() {
        let m = format!(
            "multiple dependencies with name or alias: {}",
            shadowing.join(",")
        );
        l.add(Severity::Error, "dependencies.not-unique", &dir, None, m);
    }
    let missing: Vec<&str> = declared
        .iter()
        .filter(|d| !present.contains(d))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        let m = format!(
            "chart directory is missing these dependencies: {}",
            missing.join(",")
        );
        l.add(Severity::Warning, "dependencies.missing", &dir, None, m);
    }
    Ok(())
}
