//! helm lint's rules that need no template rendering, with helm 4.1.4's messages, severities and
//! paths. Groups run in helm's order: Chartfile → Values → Templates → Dependencies → Crds.
//! Findings are data ([`Diagnostic`]); only "could not run" (I/O, a refused link, too large) is
//! an error.

mod chartfile;
mod crds;
mod dependencies;
mod gojson;
mod schema;
mod templates;
mod validators;
mod values;

use std::path::Path;

use crate::chart::Chart;
use crate::loader;
use crate::source::{FsSource, Kind, Source};
use crate::{Diagnostic, LoadError, Metadata, Severity};

/// The outcome of linting one chart.
#[derive(Debug, Clone, Default)]
pub struct LintReport {
    pub metadata: Option<Metadata>,
    pub diagnostics: Vec<Diagnostic>,
}

impl LintReport {
    /// Whether helm would count the chart as failed (`strict`: warnings fail too).
    pub fn failed(&self, strict: bool) -> bool {
        let limit = if strict {
            Severity::Warning
        } else {
            Severity::Error
        };
        self.diagnostics.iter().any(|d| d.severity >= limit)
    }
}

/// Lints the chart directory at `root`. Messages that helm prints with the absolute chart
/// directory (the Dependencies group) use `root` made absolute.
pub fn lint_dir(root: &Path) -> Result<LintReport, LoadError> {
    let shown = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    lint_dir_as(root, &shown.display().to_string())
}

/// Like [`lint_dir`], but messages name the chart directory `shown_as`: inside the sandbox the
/// chart is always `/chart`, while the user knows it by its real path.
pub fn lint_dir_as(root: &Path, shown_as: &str) -> Result<LintReport, LoadError> {
    let src = FsSource::shown_as(root, shown_as);
    lint_source(&src, shown_as)
}

/// Lints a packaged chart handed over as bytes, as `helm lint x.tgz` does: the archive is
/// checked and expanded (here: in memory) under its chart name, then linted like a directory.
pub fn lint_archive(bytes: &[u8]) -> Result<LintReport, LoadError> {
    let files = match loader::load_archive_files_for_lint(bytes) {
        Ok(files) => files,
        Err(LoadError::TooLarge(m)) => return Err(LoadError::TooLarge(m)),
        Err(e) => {
            let mut report = LintReport::default();
            report.diagnostics.push(Diagnostic {
                severity: Severity::Error,
                rule: "lint.archive-invalid",
                path: String::new(),
                line: None,
                message: format!("unable to extract tarball: {e}"),
            });
            return Ok(report);
        }
    };
    let (name, files) = files;
    let src = loader::expanded_source(files, name.clone());
    lint_source(&src, &name)
}

/// Everything a rule group needs: where the files are and the findings so far.
pub(crate) struct Linter<'a> {
    src: &'a dyn Source,
    /// How helm prints the chart directory (Dependencies group messages).
    chart_dir: String,
    report: LintReport,
    /// helm's `loader.Load(chartDir)`, shared by the groups that load the chart.
    loaded: Option<Result<Chart, LoadError>>,
}

impl<'a> Linter<'a> {
    fn add(
        &mut self,
        severity: Severity,
        rule: &'static str,
        path: &str,
        line: Option<u32>,
        message: String,
    ) {
        self.report.diagnostics.push(Diagnostic {
            severity,
            rule,
            path: path.to_string(),
            line,
            message,
        });
    }

    /// What `os.Stat` says (links followed, never out of the chart); `None` if absent.
    fn stat(&self, rel: &[&str]) -> Result<Option<Kind>, LoadError> {
        let rel: Vec<String> = rel.iter().map(|s| s.to_string()).collect();
        loader::stat_following(self.src, &rel)
    }

    /// Reads a chart file (links followed inside the chart); `Ok(None)` if it does not exist.
    fn read(&self, rel: &[&str]) -> Result<Option<Vec<u8>>, LoadError> {
        let rel: Vec<String> = rel.iter().map(|s| s.to_string()).collect();
        loader::read_following(self.src, &rel)
    }

    /// The chart loaded as helm's lint rules load it; an I/O failure stops linting.
    fn load(&mut self) -> Result<Result<&Chart, String>, LoadError> {
        if self.loaded.is_none() {
            self.loaded = Some(loader::load_source(self.src));
        }
        match self.loaded.as_ref() {
            Some(Ok(chart)) => Ok(Ok(chart)),
            // helm reports an irregular file as a finding; other I/O failures stop linting.
            Some(Err(LoadError::Io(m))) if m.starts_with(loader::IRREGULAR_FILE) => {
                Ok(Err(m.clone()))
            }
            Some(Err(LoadError::Io(m))) => Err(LoadError::Io(m.clone())),
            Some(Err(e)) => Ok(Err(e.to_string())),
            None => Err(LoadError::Io("chart was not loaded".into())),
        }
    }
}

fn lint_source(src: &dyn Source, chart_dir: &str) -> Result<LintReport, LoadError> {
    let mut linter = Linter {
        src,
        chart_dir: chart_dir.to_string(),
        report: LintReport::default(),
        loaded: None,
    };
    // helm's guard: `os.Stat(<path>/Chart.yaml)` must succeed, else the chart fails unlinted.
    if linter.stat(&["Chart.yaml"])?.is_none() {
        let path = format!("{chart_dir}/Chart.yaml");
        linter.add(
            Severity::Error,
            "lint.chart-not-found",
            "",
            None,
            format!(
                "unable to check Chart.yaml file in chart: stat {path}: no such file or directory"
            ),
        );
        return Ok(linter.report);
    }
    chartfile::run(&mut linter)?;
    values::run(&mut linter)?;
    templates::run(&mut linter)?;
    dependencies::run(&mut linter)?;
    crds::run(&mut linter)?;
    Ok(linter.report)
}
