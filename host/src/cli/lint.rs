//! `chartship lint`: helm lint's output and exit behaviour for the rules the chart core runs.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, ValueEnum};
use serde::Serialize;

use super::Outcome;
use crate::exit;
use crate::sandbox::{LintReport, Sandbox, SandboxError, Severity};

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Chart directories or packaged charts (.tgz) to lint.
    #[arg(required = true, value_name = "CHART")]
    charts: Vec<PathBuf>,
    /// Fail on lint warnings.
    #[arg(long)]
    strict: bool,
    /// Print only warnings and errors.
    #[arg(long)]
    quiet: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// One linted chart, as printed with `--format json`.
#[derive(Debug, Serialize)]
struct ChartResult {
    path: String,
    failed: bool,
    /// Set when the chart could not be linted at all.
    error: Option<String>,
    #[serde(flatten)]
    report: Option<LintReport>,
}

pub fn run(args: LintArgs, sandbox: &Sandbox) -> Outcome {
    let threshold = if args.strict {
        Severity::Warning
    } else {
        Severity::Error
    };
    let mut results = Vec::new();
    for chart in &args.charts {
        results.push(lint_one(sandbox, chart, threshold)?);
    }
    let failed = results.iter().filter(|r| r.failed).count();
    let summary = format!(
        "{} chart(s) linted, {failed} chart(s) failed",
        results.len()
    );
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &results)?;
            writeln!(out)?;
        }
        Format::Text => print_text(&mut out, &results, args.quiet, &summary, failed > 0)?,
    }
    if failed > 0 {
        // helm returns the summary as the command's error: `Error: …` on stderr, exit 1.
        eprintln!("Error: {summary}");
        return Ok(exit::FAILURE);
    }
    Ok(exit::OK)
}

fn lint_one(sandbox: &Sandbox, chart: &Path, threshold: Severity) -> anyhow::Result<ChartResult> {
    let path = chart.display().to_string();
    let outcome = if is_archive(chart) {
        let bytes = fs::read(chart).with_context(|| format!("reading {path}"))?;
        sandbox.lint_archive(bytes)
    } else {
        match chart_dir(chart) {
            Ok(dir) => sandbox.lint_dir(&dir),
            Err(message) => {
                return Ok(ChartResult {
                    path,
                    failed: true,
                    error: Some(message),
                    report: None,
                });
            }
        }
    };
    match outcome {
        Ok(report) => Ok(ChartResult {
            failed: report.diagnostics.iter().any(|d| d.severity >= threshold),
            path,
            error: None,
            report: Some(report),
        }),
        // A limit is not a lint finding: it fails the whole command with its own exit code.
        Err(err @ SandboxError::Limit(_)) | Err(err @ SandboxError::Host(_)) => {
            Err(anyhow::Error::new(err).context(format!("linting {path}")))
        }
        Err(SandboxError::Chart { message, .. }) => Ok(ChartResult {
            path,
            failed: true,
            error: Some(message),
            report: None,
        }),
    }
}

fn is_archive(path: &Path) -> bool {
    let name = path.to_string_lossy();
    (name.ends_with(".tgz") || name.ends_with(".tar.gz")) && path.is_file()
}

/// The directory to preopen; helm's guard message when there is no Chart.yaml to look at.
fn chart_dir(chart: &Path) -> Result<PathBuf, String> {
    // Go's filepath.Join cleans the result: `.` + `Chart.yaml` is `Chart.yaml`.
    let chart_yaml: PathBuf = chart
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect::<PathBuf>()
        .join("Chart.yaml");
    if let Err(err) = fs::metadata(&chart_yaml) {
        return Err(format!(
            "unable to check Chart.yaml file in chart: stat {}: {}",
            chart_yaml.display(),
            io_reason(&err)
        ));
    }
    fs::canonicalize(chart).map_err(|e| format!("{}: {}", chart.display(), io_reason(&e)))
}

/// The OS reason without Rust's ` (os error N)` suffix, as Go prints it.
fn io_reason(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        std::io::ErrorKind::NotADirectory => "not a directory".to_string(),
        _ => err.to_string(),
    }
}

fn print_text(
    out: &mut impl Write,
    results: &[ChartResult],
    quiet: bool,
    summary: &str,
    failed: bool,
) -> anyhow::Result<()> {
    let mut any_printed = false;
    for result in results {
        let diagnostics: Vec<_> = result
            .report
            .iter()
            .flat_map(|r| &r.diagnostics)
            .filter(|d| !quiet || d.severity > Severity::Info)
            .collect();
        if quiet && diagnostics.is_empty() && result.error.is_none() {
            continue;
        }
        any_printed = true;
        writeln!(out, "==> Linting {}", result.path)?;
        if let Some(error) = &result.error {
            writeln!(out, "Error {error}")?;
        }
        for d in diagnostics {
            writeln!(out, "[{}] {}: {}", d.severity.label(), d.path, d.message)?;
        }
        writeln!(out)?;
    }
    if !failed && (!quiet || any_printed) {
        writeln!(out, "{summary}")?;
    }
    Ok(())
}
