//! `chartship push`: publish one chart (an archive, or a directory packaged on the way) to a
//! target. Archives are opened by the guest: the host never parses untrusted archives.

use std::fs;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use super::Outcome;
use super::package::resolve_chart_dir;
use super::release::publish_exit_code;
use super::remote::RemoteArgs;
use crate::exit;
use crate::registry::{self, ChartArtifact, tag_for_version};
use crate::sandbox::{PackageOptions, Sandbox};
use crate::source_date;

#[derive(Debug, Args)]
pub struct PushArgs {
    /// A packaged chart (.tgz) or a chart directory.
    #[arg(value_name = "CHART")]
    chart: PathBuf,
    /// `oci://host[:port]/namespace/repository` (the exact repository) or `oci-layout:<dir>`.
    #[arg(value_name = "TARGET")]
    target: String,
    /// Append the chart name to the target repository, as `helm push` does.
    #[arg(long)]
    append_chart_name: bool,
    /// Replace a different chart already published under the same version.
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    remote: RemoteArgs,
}

pub fn run(args: PushArgs, sandbox: &Sandbox) -> Outcome {
    let (name, version, artifact) = if args.chart.is_dir() {
        let dir = resolve_chart_dir(&args.chart)?;
        let (epoch, _) = source_date::resolve(&dir).map_err(anyhow::Error::msg)?;
        let p = sandbox.package(
            &dir,
            &PackageOptions {
                source_date_epoch: epoch,
                ..PackageOptions::default()
            },
        )?;
        let artifact = ChartArtifact {
            archive: p.archive,
            config_json: p.config_json,
            annotations: p.annotations,
        };
        (p.metadata.name, p.metadata.version, artifact)
    } else {
        let archive = fs::read(&args.chart)
            .with_context(|| format!("{}: no such file", args.chart.display()))?;
        let epoch = archive_epoch(&args.chart)?;
        let info = sandbox
            .inspect_archive(&archive, epoch)
            .with_context(|| format!("opening {}", args.chart.display()))?;
        let artifact = ChartArtifact {
            archive,
            config_json: info.config_json,
            annotations: info.annotations,
        };
        (info.metadata.name, info.metadata.version, artifact)
    };
    let target = registry::parse_target(
        &args.target,
        args.append_chart_name.then_some(name.as_str()),
    )?;
    let tag = tag_for_version(&version);
    let options = args.remote.client_options(&target)?;
    match registry::publish(&target, &artifact, &tag, &options, args.force) {
        Ok(p) => {
            let verb = if p.already_published {
                "Already published (nothing written)"
            } else {
                "Pushed"
            };
            // helm prints these status lines on stderr.
            eprintln!("{verb}: {}", p.reference);
            eprintln!("Digest: {}", p.digest);
            Ok(exit::OK)
        }
        Err(err) => {
            eprintln!("Error: {err}");
            Ok(publish_exit_code(&err))
        }
    }
}

/// helm stamps `created` with the archive's mtime; chartship prefers SOURCE_DATE_EPOCH.
fn archive_epoch(path: &std::path::Path) -> anyhow::Result<i64> {
    if std::env::var_os("SOURCE_DATE_EPOCH").is_some() {
        return source_date::resolve(path)
            .map(|(e, _)| e)
            .map_err(anyhow::Error::msg);
    }
    let modified = fs::metadata(path)?.modified()?;
    Ok(modified
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0))
}
