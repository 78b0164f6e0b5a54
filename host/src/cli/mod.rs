//! The command line: parsing, dispatch and the exit code. Each command lives in its own module;
//! this is the only layer that uses `anyhow` and prints error chains.

mod dependency;
mod lint;
mod package;
mod push;
mod registry;
mod release;
mod remote;

pub use lint::Format;
pub use release::DEFAULT_TARGET;

use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use crate::exit;
use crate::sandbox::{DEFAULT_MEMORY_LIMIT, DEFAULT_TIME_LIMIT, Limits, Sandbox, SandboxError};

/// Release Helm charts from a git tag to an OCI registry; chart handling runs sandboxed.
#[derive(Debug, Parser)]
#[command(name = "chartship", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    #[command(flatten)]
    sandbox: SandboxArgs,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Examine charts for possible issues, like `helm lint`.
    Lint(lint::LintArgs),
    /// Package a chart directory into a reproducible chart archive, like `helm package`.
    Package(package::PackageArgs),
    /// Push a chart archive or directory to an OCI registry or layout.
    Push(push::PushArgs),
    /// Release a chart: check the tag, lint, package, publish, verify, report.
    Release(release::ReleaseArgs),
    /// Manage a chart's dependencies, like `helm dependency`.
    #[command(subcommand)]
    Dependency(dependency::DependencyCommand),
    /// Log in to or out of a registry.
    #[command(subcommand)]
    Registry(registry::RegistryCommand),
}

/// Limits of the sandbox the chart core runs in.
#[derive(Debug, Args)]
struct SandboxArgs {
    /// Memory the chart core may use, in MiB.
    #[arg(long, global = true, value_name = "MIB", default_value_t = DEFAULT_MEMORY_LIMIT / (1024 * 1024))]
    memory_limit: usize,
    /// Time one chart-core operation may take, in seconds.
    #[arg(long, global = true, value_name = "SECONDS", default_value_t = DEFAULT_TIME_LIMIT.as_secs_f64())]
    timeout: f64,
}

impl SandboxArgs {
    fn limits(&self) -> anyhow::Result<Limits> {
        let time = Duration::try_from_secs_f64(self.timeout)
            .ok()
            .filter(|t| !t.is_zero())
            .ok_or_else(|| anyhow::anyhow!("--timeout must be a positive number of seconds"))?;
        let memory = self
            .memory_limit
            .checked_mul(1024 * 1024)
            .filter(|m| *m > 0)
            .ok_or_else(|| anyhow::anyhow!("--memory-limit must be a positive number of MiB"))?;
        Ok(Limits { memory, time })
    }
}

/// What a command reports back: its exit code (0 or a documented failure code).
pub type Outcome = anyhow::Result<u8>;

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return ExitCode::from(if err.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            });
        }
    };
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            eprintln!("Error: {err:#}");
            ExitCode::from(exit_code_of(&err))
        }
    }
}

fn run(cli: Cli) -> Outcome {
    let limits = cli.sandbox.limits()?;
    match cli.command {
        Command::Lint(args) => lint::run(args, &open_sandbox(limits)?),
        Command::Package(args) => package::run(args, &open_sandbox(limits)?),
        Command::Push(args) => push::run(args, &open_sandbox(limits)?),
        Command::Release(args) => release::run(args, &open_sandbox(limits)?),
        Command::Dependency(command) => dependency::run(command, &open_sandbox(limits)?),
        Command::Registry(command) => registry::run(command),
    }
}

fn open_sandbox(limits: Limits) -> anyhow::Result<Sandbox> {
    Ok(Sandbox::new(limits)?)
}

/// Failures that have their own exit code keep it however deep in the chain they are.
fn exit_code_of(err: &anyhow::Error) -> u8 {
    for cause in err.chain() {
        if let Some(SandboxError::Limit(_)) = cause.downcast_ref::<SandboxError>() {
            return exit::LIMIT;
        }
    }
    exit::FAILURE
}
