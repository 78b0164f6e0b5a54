//! `chartship release`: the whole job a tag-triggered workflow needs: check the tag, vendor
//! dependencies, lint, package, publish, verify, report. Every step that touches the chart runs
//! in the sandbox; only dependency downloads and the publish step use the network.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::Args;

use super::Outcome;
use super::dependency;
use super::lint::Format;
use super::package::{resolve_chart_dir, write_archive};
use super::remote::RemoteArgs;
use crate::deps;
use crate::exit;
use crate::registry::{self, ChartArtifact, PublishError, Target, tag_for_version};
use crate::report::{self, Release};
use crate::sandbox::{PackageOptions, Sandbox, Severity};
use crate::source_date;
use crate::tag;

/// Where `release` publishes when `--to` is not given: an OCI image layout in the working
/// directory, so the job runs without any registry.
pub const DEFAULT_TARGET: &str = "oci-layout:dist/oci";

#[derive(Debug, Args)]
pub struct ReleaseArgs {
    /// The chart directory to release.
    #[arg(value_name = "CHART")]
    chart: PathBuf,
    /// Where to publish: `oci://host[:port]/namespace/repository` (the exact repository) or
    /// `oci-layout:<dir>`.
    #[arg(long, value_name = "TARGET", default_value = DEFAULT_TARGET)]
    to: String,
    /// The git tag being released (default: GITHUB_REF_NAME when GITHUB_REF_TYPE=tag). It must
    /// be SemVer, optionally with a leading `v`, and equal the chart version.
    #[arg(long, value_name = "TAG")]
    tag: Option<String>,
    /// Set the chart version from the tag instead of requiring them to be equal.
    #[arg(long)]
    version_from_tag: bool,
    /// Append the chart name to the target repository, as `helm push` does.
    #[arg(long)]
    append_chart_name: bool,
    /// Fail on lint warnings too.
    #[arg(long)]
    strict: bool,
    /// Replace a different chart already published under the same version.
    #[arg(long)]
    force: bool,
    /// Do everything but publish.
    #[arg(long)]
    dry_run: bool,
    /// Also keep the packaged archive in this directory.
    #[arg(long, short = 'd', value_name = "DIR")]
    destination: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Re-resolve dependencies (`dependency update`) even when Chart.lock exists; without it
    /// the locked versions are restored (`dependency build`).
    #[arg(long)]
    dependency_update: bool,
    /// Fetch the chart repository <ORIGINAL-URL> from <MIRROR> instead: a URL, or a directory
    /// holding index.yaml and the archives (repeatable).
    #[arg(long = "repo-mirror", value_name = "ORIGINAL-URL=MIRROR")]
    repo_mirror: Vec<String>,
    #[command(flatten)]
    remote: RemoteArgs,
}

pub fn run(args: ReleaseArgs, sandbox: &Sandbox) -> Outcome {
    let chart_dir = resolve_chart_dir(&args.chart)?;
    let mut reporter = report::Reporter::new(args.format, &args.chart);

    let tag = args.tag.clone().or_else(tag::from_github_env);
    let tag_version = tag.as_deref().map(tag::version_of).transpose()?;

    // Dependencies first: lint and package need charts/. Their progress goes to stderr so that
    // --format json keeps stdout clean. No explicit credentials here: stdin belongs to publish.
    let deps_options = dependency::options(&args.repo_mirror, &args.remote, None, &chart_dir)?;
    let mut progress = std::io::stderr();
    if let Err(err) = deps::prepare(
        sandbox,
        &chart_dir,
        args.dependency_update,
        &deps_options,
        &mut progress,
    ) {
        // A chart too broken to resolve its dependencies is usually a lint problem: show the
        // findings (and their annotations) rather than only the loader's one-line error.
        if let Ok(lint) = sandbox.lint_dir(&chart_dir)
            && lint
                .diagnostics
                .iter()
                .any(|d| d.severity == Severity::Error)
        {
            reporter.lint(&lint.diagnostics)?;
            reporter.finish_failed()?;
            bail!(
                "{} has lint errors; fix them before releasing (its dependencies could not be \
                 resolved either: {err})",
                args.chart.display()
            );
        }
        reporter.finish_failed()?;
        return Err(anyhow::Error::new(err).context(format!(
            "vendoring the dependencies of {}",
            args.chart.display()
        )));
    }

    let lint = sandbox
        .lint_dir(&chart_dir)
        .with_context(|| format!("linting {}", args.chart.display()))?;
    reporter.lint(&lint.diagnostics)?;
    let threshold = if args.strict {
        Severity::Warning
    } else {
        Severity::Error
    };
    if lint.diagnostics.iter().any(|d| d.severity >= threshold) {
        reporter.finish_failed()?;
        bail!(
            "{} has lint {}; fix them before releasing",
            args.chart.display(),
            if args.strict {
                "errors or warnings"
            } else {
                "errors"
            }
        );
    }
    let metadata = lint
        .metadata
        .context("the chart core returned no metadata for a chart without lint errors")?;

    let version_override = match (&tag_version, args.version_from_tag) {
        (Some(v), true) => Some(v.clone()),
        (None, true) => {
            bail!("--version-from-tag needs a tag (--tag, or GITHUB_REF_NAME in a tag build)")
        }
        (Some(v), false) => {
            tag::check_matches(tag.as_deref().unwrap_or_default(), v, &metadata.version)?;
            None
        }
        (None, false) => None,
    };

    let target = registry::parse_target(
        &args.to,
        args.append_chart_name.then_some(metadata.name.as_str()),
    )?;

    let (source_date_epoch, _) = source_date::resolve(&chart_dir).map_err(anyhow::Error::msg)?;
    let packaged = sandbox
        .package(
            &chart_dir,
            &PackageOptions {
                version: version_override,
                app_version: None,
                source_date_epoch,
            },
        )
        .with_context(|| format!("packaging {}", args.chart.display()))?;
    if let Some(dir) = &args.destination {
        write_archive(dir, &packaged.file_name, &packaged.archive)?;
    }
    let version = packaged.metadata.version.clone();
    let oci_tag = tag_for_version(&version);
    let artifact = ChartArtifact {
        archive: packaged.archive,
        config_json: packaged.config_json,
        annotations: with_git_annotations(packaged.annotations, &chart_dir),
    };
    let manifest = artifact.manifest();
    let mut release = Release {
        chart: packaged.metadata.name.clone(),
        version: version.clone(),
        app_version: packaged.metadata.app_version.clone(),
        reference: target.reference(&oci_tag),
        pull_ref: pull_ref(&target),
        digest: manifest.digest.clone(),
        archive_sha256: packaged.sha256.clone(),
        archive_size: artifact.archive.len() as u64,
        already_published: false,
        dry_run: args.dry_run,
        tag,
    };
    if args.dry_run {
        reporter.released(&release)?;
        return Ok(exit::OK);
    }

    let options = args.remote.client_options(&target)?;
    let published = match registry::publish(&target, &artifact, &oci_tag, &options, args.force) {
        Ok(p) => p,
        Err(err) => {
            reporter.finish_failed()?;
            let code = publish_exit_code(&err);
            eprintln!("Error: {err}");
            return Ok(code);
        }
    };
    // Verify: resolving the tag again must find exactly what was just published.
    let check = registry::publish(&target, &artifact, &oci_tag, &options, false)
        .context("verifying the published tag")?;
    if !check.already_published || check.digest != published.digest {
        bail!(
            "verification failed: {} resolves to {} after publishing {}",
            published.reference,
            check.digest,
            published.digest
        );
    }
    release.digest = published.digest;
    release.already_published = published.already_published;
    reporter.released(&release)?;
    Ok(exit::OK)
}

/// Exit codes that tell a workflow what happened: conflicts have their own.
pub fn publish_exit_code(err: &PublishError) -> u8 {
    err.exit_code()
}

/// `oci://host/repository` for helm, or the layout path.
fn pull_ref(target: &Target) -> String {
    match target {
        Target::Oci {
            registry,
            repository,
        } => format!("oci://{registry}/{repository}"),
        Target::Layout(dir) => format!("oci-layout:{}", dir.display()),
    }
}

/// Adds `org.opencontainers.image.source` and `.revision` from git (or the GitHub Actions
/// environment) unless the chart already sets them.
fn with_git_annotations(
    mut annotations: Vec<(String, String)>,
    chart_dir: &Path,
) -> Vec<(String, String)> {
    const SOURCE: &str = "org.opencontainers.image.source";
    const REVISION: &str = "org.opencontainers.image.revision";
    let has = |a: &[(String, String)], k: &str| a.iter().any(|(key, _)| key == k);
    if !has(&annotations, SOURCE)
        && let Some(url) = crate::git::source_url(chart_dir)
    {
        annotations.push((SOURCE.to_string(), url));
    }
    if !has(&annotations, REVISION)
        && let Some(rev) = crate::git::revision(chart_dir)
    {
        annotations.push((REVISION.to_string(), rev));
    }
    annotations.sort();
    annotations
}
