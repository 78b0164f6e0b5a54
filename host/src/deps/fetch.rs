//! Fetching repository files: HTTP(S) with the registry client's TLS settings, or a local
//! mirror directory. The bytes are not interpreted here; the guest does that.

use std::sync::Arc;
use std::time::Duration;

use super::Options;
use super::repository::{Location, Source};
use crate::auth::Credentials;
use crate::registry::ClientOptions;

/// Largest index or archive read into memory. Bitnami's full classic index was ~20 MiB; a
/// chart archive may hold at most 100 MiB uncompressed.
pub const MAX_DOWNLOAD: u64 = 128 * 1024 * 1024;
/// Connection set-up limit.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
/// Whole-request limit: a large index over a slow link still fits.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(300);

/// Reads repository files.
pub struct Fetcher {
    agent: Result<ureq::Agent, String>,
    credentials: Option<Credentials>,
    client: ClientOptions,
}

impl Fetcher {
    pub fn new(options: &Options) -> Self {
        let agent = tls_config(options).map(|tls| {
            let config = ureq::Agent::config_builder()
                .http_status_as_error(false)
                .user_agent(&options.client.user_agent)
                .accept_encoding("identity")
                .timeout_connect(Some(CONNECT_TIMEOUT))
                .timeout_global(Some(REQUEST_TIMEOUT))
                .tls_config(tls)
                .build();
            ureq::Agent::new_with_config(config)
        });
        Fetcher {
            agent,
            credentials: options.credentials.clone(),
            client: options.client.clone(),
        }
    }

    /// Registry client options for `oci://` repositories, with the command line's credentials.
    pub fn client_options(&self) -> ClientOptions {
        ClientOptions {
            credentials: self.credentials.clone(),
            ..self.client.clone()
        }
    }

    /// The bytes at `location`. Credentials go only to the repository's own scheme and host
    /// (helm's rule without `--pass-credentials`).
    pub fn get(&self, location: &Location, repository: &Source) -> Result<Vec<u8>, String> {
        match location {
            Location::File(path) => {
                std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
            }
            Location::Refused(r) => Err(format!(
                "{r} is outside the mirror directory; a mirror serves only its own files"
            )),
            Location::Url(url) => {
                let agent = self.agent.as_ref().map_err(Clone::clone)?;
                let mut req = agent
                    .get(url)
                    .header("Accept", "application/gzip,application/octet-stream,*/*");
                if let (Some(c), Source::Url(base)) = (&self.credentials, repository)
                    && origin(base) == origin(url)
                {
                    req = req.header("Authorization", c.basic_authorization());
                }
                let mut reply = req.call().map_err(|e| e.to_string())?;
                let status = reply.status().as_u16();
                if status != 200 {
                    return Err(format!("failed to fetch {url} : {status}"));
                }
                reply
                    .body_mut()
                    .with_config()
                    .limit(MAX_DOWNLOAD)
                    .read_to_vec()
                    .map_err(|e| e.to_string())
            }
        }
    }
}

/// `scheme://host[:port]` of a URL.
fn origin(url: &str) -> &str {
    let start = url.find("://").map_or(0, |i| i + 3);
    match url[start..].find(['/', '?', '#']) {
        Some(i) => &url[..start + i],
        None => url,
    }
}

/// The registry client's TLS rules: `--ca-file` replaces the system roots,
/// `--insecure-skip-tls-verify` skips verification.
fn tls_config(options: &Options) -> Result<ureq::tls::TlsConfig, String> {
    use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig};
    let builder = TlsConfig::builder();
    if options.client.insecure_skip_tls_verify {
        return Ok(builder.disable_verification(true).build());
    }
    let roots: Vec<Certificate<'static>> = match &options.client.ca_file {
        Some(path) => {
            let pem = std::fs::read(path)
                .map_err(|e| format!("cannot read CA file {}: {e}", path.display()))?;
            let certs: Vec<Certificate<'static>> = ureq::tls::parse_pem(&pem)
                .filter_map(|item| match item {
                    Ok(PemItem::Certificate(c)) => Some(c.to_owned()),
                    _ => None,
                })
                .collect();
            if certs.is_empty() {
                return Err(format!(
                    "no certificate found in CA file {}",
                    path.display()
                ));
            }
            certs
        }
        None => rustls_native_certs::load_native_certs()
            .certs
            .into_iter()
            .map(|der| Certificate::from_der(der.as_ref()).to_owned())
            .collect(),
    };
    Ok(builder
        .root_certs(RootCerts::Specific(Arc::new(roots)))
        .build())
}
