//! GitHub Actions integration: workflow-command annotations, the step summary and step
//! outputs. Everything chart authors control is escaped so it cannot inject workflow commands.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::Release;
use crate::sandbox::{Diagnostic, Severity};

/// Set when running inside GitHub Actions (`GITHUB_ACTIONS=true`).
pub struct Actions {
    summary: Option<PathBuf>,
    output: Option<PathBuf>,
}

impl Actions {
    pub fn from_env() -> Option<Self> {
        if std::env::var("GITHUB_ACTIONS").ok().as_deref() != Some("true") {
            return None;
        }
        let path = |name| {
            std::env::var_os(name)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        Some(Actions {
            summary: path("GITHUB_STEP_SUMMARY"),
            output: path("GITHUB_OUTPUT"),
        })
    }

    /// One `::error|warning|notice file=…,line=…::message` line per diagnostic, on stdout where
    /// the runner reads workflow commands.
    pub fn annotate(&self, chart_arg: &Path, diagnostics: &[Diagnostic]) -> std::io::Result<()> {
        let mut out = std::io::stdout().lock();
        for d in diagnostics {
            writeln!(out, "{}", annotation(chart_arg, d))?;
        }
        Ok(())
    }

    /// Appends a Markdown summary of the release to `$GITHUB_STEP_SUMMARY`.
    pub fn summary(&self, r: &Release) -> std::io::Result<()> {
        let Some(path) = &self.summary else {
            return Ok(());
        };
        let state = if r.dry_run {
            "dry run: nothing published"
        } else if r.already_published {
            "already published: nothing written"
        } else {
            "published"
        };
        let mut text = format!(
            "### Helm chart {} {}: {}\n\n| | |\n|---|---|\n",
            md(&r.chart),
            md(&r.version),
            state
        );
        for (k, v) in [
            ("Chart", r.chart.as_str()),
            ("Version", r.version.as_str()),
            ("App version", r.app_version.as_str()),
            ("Reference", r.reference.as_str()),
            ("Digest", r.digest.as_str()),
            ("Archive sha256", r.archive_sha256.as_str()),
        ] {
            text.push_str(&format!("| {k} | `{}` |\n", md(v)));
        }
        text.push_str(&format!("| Size | {} bytes |\n", r.archive_size));
        if r.pull_ref.starts_with("oci://") {
            text.push_str(&format!(
                "\nPull and install:\n\n```sh\nhelm pull {0} --version {1}\nhelm install {2} {0} --version {1}\n```\n",
                r.pull_ref, r.version, r.chart
            ));
        }
        append(path, &text)
    }

    /// Appends `ref=`, `digest=` and `version=` to `$GITHUB_OUTPUT`.
    pub fn outputs(&self, r: &Release) -> std::io::Result<()> {
        let Some(path) = &self.output else {
            return Ok(());
        };
        let line = |k: &str, v: &str| format!("{k}={}\n", v.replace(['\r', '\n'], " "));
        let text = [
            line("ref", &r.reference),
            line("digest", &r.digest),
            line("version", &r.version),
        ]
        .concat();
        append(path, &text)
    }
}

fn append(path: &Path, text: &str) -> std::io::Result<()> {
    let mut file = OpenOptions::new().create(true).append(true).open(path)?;
    file.write_all(text.as_bytes())
}

/// The workflow command for one diagnostic.
pub fn annotation(chart_arg: &Path, d: &Diagnostic) -> String {
    let level = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    let file = if Path::new(&d.path).is_absolute() || d.path.is_empty() {
        chart_arg.join("Chart.yaml")
    } else {
        chart_arg.join(d.path.trim_end_matches('/'))
    };
    let mut props = format!("file={}", escape_property(&file.display().to_string()));
    if let Some(line) = d.line {
        props.push_str(&format!(",line={line}"));
    }
    props.push_str(&format!(",title={}", escape_property(&d.rule)));
    format!("::{level} {props}::{}", escape_data(&d.message))
}

/// Escaping for the message part of a workflow command.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping for a property value (also `:` and `,`).
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Keeps chart text from breaking the Markdown table.
fn md(s: &str) -> String {
    s.replace(['|', '`', '\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diag(message: &str, path: &str) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            rule: "chartfile.x".into(),
            path: path.into(),
            line: Some(3),
            message: message.into(),
        }
    }

    #[test]
    fn chart_text_cannot_inject_workflow_commands() {
        let a = annotation(
            Path::new("helm/c"),
            &diag("bad\n::set-output name=x::y\r%0A", "Chart.yaml"),
        );
        assert_eq!(
            a,
            "::error file=helm/c/Chart.yaml,line=3,title=chartfile.x::bad%0A::set-output name=x::y%0D%250A"
        );
        assert_eq!(a.lines().count(), 1);
    }

    #[test]
    fn property_values_escape_separators() {
        let a = annotation(Path::new("a,b:c"), &diag("m", "values.yaml"));
        assert!(
            a.starts_with("::error file=a%2Cb%3Ac/values.yaml,line=3,"),
            "{a}"
        );
    }
}
