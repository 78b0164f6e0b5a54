//! What `release` tells its reader: human text or JSON on stdout, and in GitHub Actions also
//! workflow annotations, a step summary and step outputs (see `github`).

mod github;

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::cli::Format;
use crate::sandbox::Diagnostic;

/// The outcome of a release, as reported.
#[derive(Debug, Clone, Serialize)]
pub struct Release {
    pub chart: String,
    pub version: String,
    pub app_version: String,
    /// `host/repository:tag` or `oci-layout:<dir>:tag`.
    pub reference: String,
    /// What `helm pull` takes (`oci://host/repository`), or the layout.
    pub pull_ref: String,
    /// Manifest digest.
    pub digest: String,
    pub archive_sha256: String,
    pub archive_size: u64,
    /// The same chart was already there; nothing was written.
    pub already_published: bool,
    pub dry_run: bool,
    pub tag: Option<String>,
}

/// Collects and prints a release's progress.
pub struct Reporter {
    format: Format,
    chart_arg: PathBuf,
    github: Option<github::Actions>,
    diagnostics: Vec<Diagnostic>,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    ok: bool,
    diagnostics: &'a [Diagnostic],
    release: Option<&'a Release>,
}

impl Reporter {
    pub fn new(format: Format, chart_arg: &Path) -> Self {
        Reporter {
            format,
            chart_arg: chart_arg.to_path_buf(),
            github: github::Actions::from_env(),
            diagnostics: Vec::new(),
        }
    }

    /// Lint findings: helm's lines in text mode, annotations in GitHub Actions.
    pub fn lint(&mut self, diagnostics: &[Diagnostic]) -> anyhow::Result<()> {
        self.diagnostics = diagnostics.to_vec();
        if self.format == Format::Text {
            let mut out = std::io::stdout().lock();
            writeln!(out, "==> Linting {}", self.chart_arg.display())?;
            for d in diagnostics {
                writeln!(out, "[{}] {}: {}", d.severity.label(), d.path, d.message)?;
            }
            writeln!(out)?;
        }
        if let Some(gh) = &self.github {
            gh.annotate(&self.chart_arg, diagnostics)?;
        }
        Ok(())
    }

    pub fn released(&mut self, release: &Release) -> anyhow::Result<()> {
        let mut out = std::io::stdout().lock();
        match self.format {
            Format::Json => {
                serde_json::to_writer_pretty(
                    &mut out,
                    &JsonReport {
                        ok: true,
                        diagnostics: &self.diagnostics,
                        release: Some(release),
                    },
                )?;
                writeln!(out)?;
            }
            Format::Text => print_release(&mut out, release)?,
        }
        if let Some(gh) = &self.github {
            gh.summary(release)?;
            gh.outputs(release)?;
        }
        Ok(())
    }

    /// Called before a failure is returned: JSON readers still get a document.
    pub fn finish_failed(&mut self) -> anyhow::Result<()> {
        if self.format == Format::Json {
            let mut out = std::io::stdout().lock();
            serde_json::to_writer_pretty(
                &mut out,
                &JsonReport {
                    ok: false,
                    diagnostics: &self.diagnostics,
                    release: None,
                },
            )?;
            writeln!(out)?;
        }
        Ok(())
    }
}

fn print_release(out: &mut impl Write, r: &Release) -> anyhow::Result<()> {
    writeln!(
        out,
        "Packaged: {}-{}.tgz ({} bytes, sha256:{})",
        r.chart, r.version, r.archive_size, r.archive_sha256
    )?;
    let verb = if r.dry_run {
        "Would publish"
    } else if r.already_published {
        "Already published (nothing written)"
    } else {
        "Published"
    };
    writeln!(out, "{verb}: {}", r.reference)?;
    writeln!(out, "Digest: {}", r.digest)?;
    if r.pull_ref.starts_with("oci://") {
        writeln!(
            out,
            "Pull: helm pull {} --version {}",
            r.pull_ref, r.version
        )?;
    }
    Ok(())
}
