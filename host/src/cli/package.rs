//! `chartship package`: helm package's command line, with a reproducible archive.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::Args;

use super::Outcome;
use crate::exit;
use crate::sandbox::{PackageOptions, Sandbox};
use crate::source_date;

#[derive(Debug, Args)]
pub struct PackageArgs {
    /// The chart directory to package.
    #[arg(value_name = "CHART")]
    chart: PathBuf,
    /// Location to write the chart.
    #[arg(short = 'd', long, value_name = "DIR", default_value = ".")]
    destination: PathBuf,
    /// Set the version on the chart to this semver version.
    #[arg(long)]
    version: Option<String>,
    /// Set the appVersion on the chart to this version.
    #[arg(long)]
    app_version: Option<String>,
}

pub fn run(args: PackageArgs, sandbox: &Sandbox) -> Outcome {
    let chart_dir = resolve_chart_dir(&args.chart)?;
    let (source_date_epoch, _) = source_date::resolve(&chart_dir).map_err(anyhow::Error::msg)?;
    let options = PackageOptions {
        version: args.version,
        app_version: args.app_version,
        source_date_epoch,
    };
    let packaged = sandbox
        .package(&chart_dir, &options)
        .with_context(|| format!("packaging {}", args.chart.display()))?;

    // helm replaces the default "." by the absolute working directory.
    let destination = if args.destination == Path::new(".") {
        std::env::current_dir()?
    } else {
        args.destination
    };
    let path = write_archive(&destination, &packaged.file_name, &packaged.archive)?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "Successfully packaged chart and saved it to: {}",
        path.display()
    )?;
    writeln!(out, "sha256: {}", packaged.sha256)?;
    Ok(exit::OK)
}

/// The canonical chart directory, with helm's errors for a missing path or a file.
pub fn resolve_chart_dir(chart: &Path) -> anyhow::Result<PathBuf> {
    let meta = fs::metadata(chart)
        .with_context(|| format!("stat {}: no such file or directory", chart.display()))?;
    if !meta.is_dir() {
        bail!(
            "{} is not a chart directory; package takes a directory holding Chart.yaml",
            chart.display()
        );
    }
    Ok(fs::canonicalize(chart)?)
}

/// Writes via a temporary file in the destination and renames it, so a failed write never
/// leaves a partial archive under the final name.
pub fn write_archive(destination: &Path, file_name: &str, bytes: &[u8]) -> anyhow::Result<PathBuf> {
    match fs::metadata(destination) {
        Ok(m) if !m.is_dir() => bail!("is not a directory: {}", destination.display()),
        Ok(_) => {}
        Err(_) => fs::create_dir_all(destination)
            .with_context(|| format!("creating {}", destination.display()))?,
    }
    let path = destination.join(file_name);
    let tmp = destination.join(format!(".{file_name}.tmp{}", std::process::id()));
    let result = fs::write(&tmp, bytes).and_then(|()| fs::rename(&tmp, &path));
    if let Err(err) = result {
        let _ = fs::remove_file(&tmp);
        return Err(err).with_context(|| format!("failed to save: {}", path.display()));
    }
    Ok(path)
}
