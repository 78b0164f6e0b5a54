//! Registry failures, classified so each says what happened and what to do next.
//! No variant ever holds a credential or token: fields are hosts, repositories, digests and
//! registry error text that has been scrubbed of the client's secrets.

use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::reference::ReferenceError;

/// A failed registry operation.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("cannot read CA file {path}: {reason}")]
    CaFile { path: PathBuf, reason: String },
    #[error(
        "no system root certificates found ({reason}); install the ca-certificates package or pass --ca-file"
    )]
    NoSystemRoots { reason: String },
    #[error(
        "cannot resolve registry host {host}: {detail}; check the host name and your DNS/network"
    )]
    Dns { host: String, detail: String },
    #[error(
        "cannot connect to {host}: {detail}; check that the registry is reachable (host, port, proxy)"
    )]
    Connection { host: String, detail: String },
    #[error(
        "request to {host} timed out ({detail}); the registry is slow or unreachable, try again later"
    )]
    Timeout { host: String, detail: String },
    #[error(
        "TLS failure talking to {host}: {detail}; pass --ca-file <pem> for a private CA, --insecure-skip-tls-verify \
         to skip verification, or --plain-http if the registry speaks plain HTTP"
    )]
    Tls { host: String, detail: String },
    #[error(
        "{host} requires authentication ({detail}); provide credentials with --username and --password-stdin, \
         CHARTSHIP_USERNAME/CHARTSHIP_PASSWORD, or `chartship registry login {host}`"
    )]
    AuthenticationRequired { host: String, detail: String },
    #[error(
        "{host} rejected the credentials for user \"{username}\" ({detail}); check the username (on Docker Hub the \
         Docker ID, not the e-mail) and the password or access token"
    )]
    BadCredentials {
        host: String,
        username: String,
        detail: String,
    },
    #[error(
        "the token for {host} lacks push access to repository \"{repository}\" ({detail}); the account or access \
         token needs read & write (push) permission on that repository, and the namespace must be yours or your \
         organisation's"
    )]
    InsufficientScope {
        host: String,
        repository: String,
        detail: String,
    },
    #[error(
        "{host} denied access to repository \"{repository}\" ({detail}); check the account's permissions on it"
    )]
    Denied {
        host: String,
        repository: String,
        detail: String,
    },
    #[error(
        "{host} refused repository name \"{repository}\" ({detail}); use a lowercase namespace/name path the registry accepts"
    )]
    InvalidRepositoryName {
        host: String,
        repository: String,
        detail: String,
    },
    #[error("{host} is rate limiting requests (HTTP 429){}", retry_hint(*.retry_after))]
    RateLimited {
        host: String,
        retry_after: Option<Duration>,
    },
    #[error("{host} answered {method} {path} with HTTP {status}: {detail}")]
    Status {
        host: String,
        method: String,
        path: String,
        status: u16,
        detail: String,
    },
    #[error(
        "{what} from {host} is incomplete or corrupt (expected {expected}, got {actual}); try again"
    )]
    Corrupt {
        host: String,
        what: String,
        expected: String,
        actual: String,
    },
    #[error("unexpected answer from {host}: {detail}")]
    Protocol { host: String, detail: String },
}

fn retry_hint(after: Option<Duration>) -> String {
    match after {
        Some(d) => format!(
            "; retry after {} s (at {} UTC)",
            d.as_secs(),
            clock_after(d)
        ),
        None => {
            "; wait a few minutes and retry (Docker Hub: authenticate to get a higher limit)".into()
        }
    }
}

/// `HH:MM:SS` of now + `d`, UTC.
fn clock_after(d: Duration) -> String {
    let secs = (SystemTime::now() + d)
        .duration_since(UNIX_EPOCH)
        .map(|t| t.as_secs())
        .unwrap_or(0);
    let day = secs % 86_400;
    format!("{:02}:{:02}:{:02}", day / 3600, day % 3600 / 60, day % 60)
}

impl RegistryError {
    /// Whether trying again later may succeed (429, 408, 5xx, connection failures, truncated data).
    pub fn is_transient(&self) -> bool {
        match self {
            RegistryError::Connection { .. }
            | RegistryError::Timeout { .. }
            | RegistryError::RateLimited { .. }
            | RegistryError::Corrupt { .. } => true,
            RegistryError::Status { status, .. } => {
                *status == 408 || (*status >= 500 && *status != 501)
            }
            _ => false,
        }
    }

    /// The wait the registry asked for, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            RegistryError::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// A failed publish.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error(transparent)]
    Reference(#[from] ReferenceError),
    #[error(transparent)]
    Registry(#[from] RegistryError),
    #[error(
        "{reference} already holds a different chart (existing {existing}, new {new}); the published tag was left \
         unchanged. Bump the chart version, or pass --force to replace it"
    )]
    Conflict {
        reference: String,
        existing: String,
        new: String,
    },
    #[error(
        "{reference} holds something that is not a Helm chart ({what}, digest {existing}); refusing to overwrite it \
         (even with --force). Push the chart to a repository of its own"
    )]
    NotAChart {
        reference: String,
        what: String,
        existing: String,
    },
    #[error("OCI layout {path}: {detail}")]
    Layout { path: PathBuf, detail: String },
}

impl PublishError {
    /// Process exit code: [`crate::exit::CONFLICT`] when the tag already holds something
    /// else (another chart, or not a chart at all), [`crate::exit::FAILURE`] otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            PublishError::Conflict { .. } | PublishError::NotAChart { .. } => crate::exit::CONFLICT,
            _ => crate::exit::FAILURE,
        }
    }
}

/// Reads an OCI error body (`{"errors":[{"code","message","detail"}]}`) into `CODE: message; …`,
/// or a short prefix of the raw body.
pub fn describe_error_body(body: &[u8]) -> (Vec<String>, String) {
    #[derive(serde::Deserialize)]
    struct Body {
        errors: Vec<Item>,
    }
    #[derive(serde::Deserialize)]
    struct Item {
        #[serde(default)]
        code: String,
        #[serde(default)]
        message: String,
    }
    if let Ok(parsed) = serde_json::from_slice::<Body>(body) {
        let codes = parsed.errors.iter().map(|e| e.code.clone()).collect();
        let text = parsed
            .errors
            .iter()
            .map(|e| {
                if e.message.is_empty() {
                    e.code.clone()
                } else {
                    format!("{}: {}", e.code, e.message)
                }
            })
            .collect::<Vec<_>>()
            .join("; ");
        return (codes, text);
    }
    let raw = String::from_utf8_lossy(body);
    let raw = raw.trim();
    let short: String = raw.chars().take(200).collect();
    (
        Vec::new(),
        if short.is_empty() {
            "no details".into()
        } else {
            short
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conflicts_and_non_charts_have_their_own_exit_code() {
        let c = PublishError::Conflict {
            reference: "r".into(),
            existing: "a".into(),
            new: "b".into(),
        };
        assert_eq!(c.exit_code(), crate::exit::CONFLICT);
        let n = PublishError::NotAChart {
            reference: "r".into(),
            what: "x".into(),
            existing: "a".into(),
        };
        assert_eq!(n.exit_code(), crate::exit::CONFLICT);
    }

    #[test]
    fn rate_limit_says_when() {
        let e = RegistryError::RateLimited {
            host: "h".into(),
            retry_after: Some(Duration::from_secs(120)),
        };
        assert!(e.to_string().contains("retry after 120 s"), "{e}");
    }

    #[test]
    fn error_body() {
        let (codes, text) = describe_error_body(
            br#"{"errors":[{"code":"NAME_INVALID","message":"invalid name"}]}"#,
        );
        assert_eq!(codes, vec!["NAME_INVALID"]);
        assert_eq!(text, "NAME_INVALID: invalid name");
    }
}
