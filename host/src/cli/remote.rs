//! Flags shared by every command that talks to a registry: credentials and transport.
//! Credentials never come from argv values: a password is read from stdin or the environment.

use std::io::Read;
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::Args;

use crate::auth::{self, Credentials};
use crate::registry::{ClientOptions, Target};

#[derive(Debug, Args, Clone)]
pub struct RemoteArgs {
    /// Registry username (the password is read from stdin with --password-stdin).
    #[arg(long, short = 'u', value_name = "NAME")]
    pub username: Option<String>,
    /// Read the registry password or access token from stdin.
    #[arg(long)]
    pub password_stdin: bool,
    /// Use plain HTTP for the registry (only when asked: never a silent fallback).
    #[arg(long)]
    pub plain_http: bool,
    /// Verify the registry's certificate with this PEM bundle instead of the system roots.
    #[arg(long, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
    /// Skip TLS certificate verification of the registry.
    #[arg(long)]
    pub insecure_skip_tls_verify: bool,
}

impl RemoteArgs {
    /// Credentials given on this command line: `--username` with a password from stdin.
    pub fn explicit_credentials(&self) -> anyhow::Result<Option<Credentials>> {
        match (&self.username, self.password_stdin) {
            (None, false) => Ok(None),
            (None, true) => bail!("--password-stdin needs --username"),
            (Some(_), false) => bail!(
                "--username needs the password on stdin (--password-stdin) or in CHARTSHIP_PASSWORD; \
                 chartship never takes a password as an argument"
            ),
            (Some(user), true) => {
                let password = read_password_stdin()?;
                if password.is_empty() {
                    bail!("password required: stdin was empty");
                }
                Ok(Some(Credentials::new(user.clone(), password)))
            }
        }
    }

    /// Client options for `target`, with credentials looked up in helm's order.
    pub fn client_options(&self, target: &Target) -> anyhow::Result<ClientOptions> {
        let explicit = self.explicit_credentials()?;
        let credentials = match target {
            Target::Oci { registry, .. } => auth::lookup(registry, explicit),
            Target::Layout(_) => None,
        };
        Ok(ClientOptions {
            plain_http: self.plain_http,
            ca_file: self.ca_file.clone(),
            insecure_skip_tls_verify: self.insecure_skip_tls_verify,
            credentials,
            ..ClientOptions::default()
        })
    }
}

/// Reads all of stdin and strips one trailing `\n` and then one `\r`, as helm does.
fn read_password_stdin() -> anyhow::Result<String> {
    let mut raw = String::new();
    std::io::stdin()
        .read_to_string(&mut raw)
        .context("reading the password from stdin")?;
    if raw.ends_with('\n') {
        raw.pop();
    }
    if raw.ends_with('\r') {
        raw.pop();
    }
    Ok(raw)
}
