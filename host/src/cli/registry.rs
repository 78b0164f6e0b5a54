//! `chartship registry login|logout`: helm-compatible credential storage for people who want
//! it. The release workflow never needs it: it passes credentials through the environment.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};

use super::Outcome;
use super::remote::RemoteArgs;
use crate::auth::{self, Environment};
use crate::exit;
use crate::registry::{Client, Target};

#[derive(Debug, Subcommand)]
pub enum RegistryCommand {
    /// Log in to a registry and store the credential in helm's registry config.
    Login(LoginArgs),
    /// Remove a stored credential.
    Logout(LogoutArgs),
}

#[derive(Debug, Args)]
pub struct LoginArgs {
    /// The registry host, e.g. registry-1.docker.io or 127.0.0.1:5000.
    host: String,
    /// Path to the registry config file (default: helm's).
    #[arg(long, value_name = "FILE")]
    registry_config: Option<PathBuf>,
    #[command(flatten)]
    remote: RemoteArgs,
}

#[derive(Debug, Args)]
pub struct LogoutArgs {
    /// The registry host.
    host: String,
    /// Path to the registry config file (default: helm's).
    #[arg(long, value_name = "FILE")]
    registry_config: Option<PathBuf>,
}

fn config_path(given: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    given
        .or_else(|| auth::helm_registry_config_path(&Environment::from_process()))
        .context("no registry config path: set HELM_REGISTRY_CONFIG or --registry-config")
}

pub fn run(command: RegistryCommand) -> Outcome {
    match command {
        RegistryCommand::Login(args) => {
            let creds = args
                .remote
                .explicit_credentials()?
                .or_else(|| auth::lookup(&args.host, None))
                .context("no credentials: pass --username with --password-stdin")?;
            let target = Target::Oci {
                registry: args.host.clone(),
                repository: String::new(),
            };
            let mut options = args.remote.client_options(&target)?;
            options.credentials = Some(creds.clone());
            Client::new(&args.host, options)?
                .ping()
                .with_context(|| format!("authenticating to {:?}", args.host))?;
            auth::login(&args.host, &creds, &config_path(args.registry_config)?)?;
            eprintln!("Login Succeeded");
            Ok(exit::OK)
        }
        RegistryCommand::Logout(args) => {
            auth::logout(&args.host, &config_path(args.registry_config)?)?;
            eprintln!("Removing login credentials for {}", args.host);
            Ok(exit::OK)
        }
    }
}
