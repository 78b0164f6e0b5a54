//! `chartship dependency update|build|list`: helm's dependency commands, with every downloaded
//! archive opened only in the sandbox (see `crate::deps`).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, Subcommand};

use super::Outcome;
use super::package::resolve_chart_dir;
use super::remote::RemoteArgs;
use crate::deps::{self, Mirror};
use crate::exit;
use crate::registry::ClientOptions;
use crate::sandbox::Sandbox;
use crate::source_date;

#[derive(Debug, Subcommand)]
pub enum DependencyCommand {
    /// Resolve Chart.yaml's dependencies, vendor them into charts/ and write Chart.lock.
    Update(DependencyArgs),
    /// Restore charts/ from Chart.lock exactly (like `update` when there is no lock).
    Build(DependencyArgs),
    /// List the dependencies of a chart and their status in charts/.
    List(ListArgs),
}

#[derive(Debug, Args)]
pub struct DependencyArgs {
    /// The chart directory.
    #[arg(value_name = "CHART", default_value = ".")]
    chart: PathBuf,
    #[command(flatten)]
    repositories: RepositoryArgs,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// The chart directory.
    #[arg(value_name = "CHART", default_value = ".")]
    chart: PathBuf,
}

/// How to reach chart repositories; shared with `release`.
#[derive(Debug, Args, Clone)]
pub struct RepositoryArgs {
    /// Fetch the repository <ORIGINAL-URL> from <MIRROR> instead: a URL, or a directory holding
    /// index.yaml and the archives (repeatable).
    #[arg(long = "repo-mirror", value_name = "ORIGINAL-URL=MIRROR")]
    pub repo_mirror: Vec<String>,
    #[command(flatten)]
    pub remote: RemoteArgs,
}

impl RepositoryArgs {
    /// The options `deps` needs for `chart_dir`.
    pub fn options(&self, chart_dir: &Path) -> anyhow::Result<deps::Options> {
        let credentials = self.remote.explicit_credentials()?;
        options(&self.repo_mirror, &self.remote, credentials, chart_dir)
    }
}

/// `deps` options from `--repo-mirror` rules and the registry flags; shared with `release`,
/// which passes no explicit credentials (stdin is read once, for the publish step; dependency
/// registries then use helm's lookup: CHARTSHIP_USERNAME/PASSWORD or `registry login`).
pub fn options(
    repo_mirror: &[String],
    remote: &RemoteArgs,
    credentials: Option<crate::auth::Credentials>,
    chart_dir: &Path,
) -> anyhow::Result<deps::Options> {
    let mirrors = repo_mirror
        .iter()
        .map(|m| Mirror::parse(m).map_err(anyhow::Error::msg))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let (source_date_epoch, _) = source_date::resolve(chart_dir).map_err(anyhow::Error::msg)?;
    Ok(deps::Options {
        mirrors,
        credentials,
        client: ClientOptions {
            plain_http: remote.plain_http,
            ca_file: remote.ca_file.clone(),
            insecure_skip_tls_verify: remote.insecure_skip_tls_verify,
            ..ClientOptions::default()
        },
        source_date_epoch,
    })
}

pub fn run(command: DependencyCommand, sandbox: &Sandbox) -> Outcome {
    let mut out = std::io::stdout().lock();
    match command {
        DependencyCommand::Update(args) => {
            let chart_dir = resolve_chart_dir(&args.chart)?;
            let options = args.repositories.options(&chart_dir)?;
            deps::update(sandbox, &chart_dir, &options, &mut out).with_context(|| {
                format!("updating the dependencies of {}", args.chart.display())
            })?;
        }
        DependencyCommand::Build(args) => {
            let chart_dir = resolve_chart_dir(&args.chart)?;
            let options = args.repositories.options(&chart_dir)?;
            deps::build(sandbox, &chart_dir, &options, &mut out).with_context(|| {
                format!("building the dependencies of {}", args.chart.display())
            })?;
        }
        DependencyCommand::List(args) => {
            let chart_dir = resolve_chart_dir(&args.chart)?;
            deps::list(sandbox, &args.chart, &mut out).map_err(|e| {
                anyhow::anyhow!("listing the dependencies of {}: {e}", chart_dir.display())
            })?;
        }
    }
    out.flush()?;
    Ok(exit::OK)
}
