//! One registry conversation: HTTP(S) with rustls, the Basic/Bearer authentication dance
//! (helm-behaviour.md §5.3), and retries of idempotent requests. Everything that touches the network
//! goes through [`Transport::send`], so credentials are added in one place and never leave it.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ureq::http;

use super::error::{RegistryError, describe_error_body};
use super::retry::{RetryPolicy, parse_retry_after};
use crate::auth::{self, Challenge, Credentials, Scopes, Secret};

/// Largest response body read into memory for manifests, token answers and error bodies.
pub const MAX_SMALL_BODY: u64 = 4 * 1024 * 1024;
/// Connection set-up limit; a registry that does not accept a connection by then is unreachable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
/// Waiting for response headers; generous because registries verify a whole blob before answering its PUT.
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(120);
/// A token is renewed this long before it expires, so it does not expire in flight.
const TOKEN_EXPIRY_MARGIN: Duration = Duration::from_secs(10);

/// TLS and plain-HTTP settings.
#[derive(Debug, Clone, Default)]
pub struct TlsOptions<'a> {
    pub plain_http: bool,
    pub ca_file: Option<&'a Path>,
    pub insecure_skip_tls_verify: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Head,
    Get,
    Post,
    Put,
    Patch,
}

impl Method {
    fn as_str(self) -> &'static str {
        match self {
            Method::Head => "HEAD",
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
        }
    }
}

/// A request to the registry. `url` is absolute or a path starting with `/v2/`.
pub struct Request<'a> {
    pub method: Method,
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Option<&'a [u8]>,
    /// Scope of the Bearer token this request needs (`repository:<name>:pull[,push]`), if any.
    pub scope: Option<String>,
    /// Whether transient failures are retried here (false for requests inside an upload session,
    /// which restart the whole session instead).
    pub retry: bool,
    /// Largest body read from the response.
    pub body_limit: u64,
}

impl<'a> Request<'a> {
    pub fn new(method: Method, url: impl Into<String>, scope: Option<String>) -> Self {
        Self {
            method,
            url: url.into(),
            headers: Vec::new(),
            body: None,
            scope,
            retry: true,
            body_limit: MAX_SMALL_BODY,
        }
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    pub fn body(mut self, body: &'a [u8]) -> Self {
        self.body = Some(body);
        self
    }

    pub fn no_retry(mut self) -> Self {
        self.retry = false;
        self
    }

    pub fn body_limit(mut self, limit: u64) -> Self {
        self.body_limit = limit;
        self
    }
}

/// A response with its body read.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: http::HeaderMap,
    pub body: Vec<u8>,
    /// The URL that answered (after redirects), for resolving relative `Location`s.
    pub url: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

enum Scheme {
    Unknown,
    Basic,
    Bearer {
        realm: String,
        service: Option<String>,
    },
}

struct CachedToken {
    token: Secret,
    valid_until: Instant,
}

struct AuthState {
    scheme: Scheme,
    tokens: HashMap<String, CachedToken>,
}

/// HTTP client for one registry host.
pub struct Transport {
    agent: ureq::Agent,
    /// `https://host[:port]` or `http://host[:port]`.
    pub base: String,
    /// `host[:port]` as contacted.
    pub host: String,
    credentials: Option<Credentials>,
    retry: RetryPolicy,
    auth: Mutex<AuthState>,
}

impl Transport {
    pub fn new(
        host: &str,
        tls: TlsOptions<'_>,
        credentials: Option<Credentials>,
        user_agent: &str,
        retry: RetryPolicy,
    ) -> Result<Self, RegistryError> {
        let tls_config = tls_config(host, &tls)?;
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .user_agent(user_agent)
            .accept_encoding("identity")
            .timeout_connect(Some(CONNECT_TIMEOUT))
            .timeout_recv_response(Some(RESPONSE_TIMEOUT))
            .tls_config(tls_config)
            .build();
        let scheme = if tls.plain_http { "http" } else { "https" };
        Ok(Self {
            agent: ureq::Agent::new_with_config(config),
            base: format!("{scheme}://{host}"),
            host: host.to_string(),
            credentials,
            retry,
            auth: Mutex::new(AuthState {
                scheme: Scheme::Unknown,
                tokens: HashMap::new(),
            }),
        })
    }

    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// Absolute URL for a path or a registry-supplied `Location` (which may be relative).
    pub fn absolute(&self, url: &str) -> String {
        if url.starts_with("http://") || url.starts_with("https://") {
            url.to_string()
        } else if url.starts_with('/') {
            format!("{}{url}", self.base)
        } else {
            format!("{}/{url}", self.base)
        }
    }

    /// Sends `req`, answering authentication challenges and retrying transient failures of retryable
    /// requests. Returns every final status (including 4xx) except 401 and, after retries, 429.
    pub fn send(&self, req: &Request<'_>) -> Result<Reply, RegistryError> {
        let url = self.absolute(&req.url);
        let mut attempt = 0;
        let mut auth_rounds = 0;
        loop {
            attempt += 1;
            let authorization = self.authorization(req.scope.as_deref(), &url)?;
            let result = self.exchange(req, &url, authorization.as_ref().map(|a| a.expose()));
            let failure = match result {
                Ok(reply) if reply.status == 401 && auth_rounds < 3 => {
                    self.answer_challenge(&reply, req, authorization.is_some(), auth_rounds)?;
                    auth_rounds += 1;
                    attempt -= 1; // an auth round is not a failed attempt
                    continue;
                }
                Ok(reply) if reply.status == 401 => return Err(self.unauthorized(&reply, req)),
                Ok(reply) if reply.status == 429 => RegistryError::RateLimited {
                    host: self.host.clone(),
                    retry_after: reply.header("retry-after").and_then(parse_retry_after),
                },
                Ok(reply)
                    if reply.status == 408 || (reply.status >= 500 && reply.status != 501) =>
                {
                    self.status_error(&reply, req)
                }
                Ok(reply) => return Ok(reply),
                Err(e) => e,
            };
            if !req.retry || !failure.is_transient() {
                return Err(failure);
            }
            match self.retry.delay(attempt, failure.retry_after()) {
                Some(wait) => std::thread::sleep(wait),
                None => return Err(failure),
            }
        }
    }

    /// An error for an unexpected status, classified by the registry's error codes.
    pub fn status_error(&self, reply: &Reply, req: &Request<'_>) -> RegistryError {
        let (codes, detail) = describe_error_body(&reply.body);
        let detail = self.scrub(&detail);
        let repository = repository_of(&req.url);
        let has = |c: &str| codes.iter().any(|x| x == c);
        match reply.status {
            400 if has("NAME_INVALID") => RegistryError::InvalidRepositoryName {
                host: self.host.clone(),
                repository,
                detail,
            },
            403 => RegistryError::Denied {
                host: self.host.clone(),
                repository,
                detail,
            },
            429 => RegistryError::RateLimited {
                host: self.host.clone(),
                retry_after: reply.header("retry-after").and_then(parse_retry_after),
            },
            status => RegistryError::Status {
                host: self.host.clone(),
                method: req.method.as_str().into(),
                path: path_of(&req.url),
                status,
                detail: if status == 400 && self.base.starts_with("http:") {
                    format!("{detail} (if the registry speaks HTTPS, drop --plain-http)")
                } else {
                    detail
                },
            },
        }
    }

    fn scrub(&self, text: &str) -> String {
        match &self.credentials {
            Some(c) => auth::scrub(text, &[c.password.expose()]),
            None => text.to_string(),
        }
    }

    /// The `Authorization` header for a request needing `scope`, fetching a token if the registry
    /// is known to want one.
    fn authorization(
        &self,
        scope: Option<&str>,
        url: &str,
    ) -> Result<Option<Secret>, RegistryError> {
        if !url.starts_with(&self.base) {
            return Ok(None); // a redirect to blob storage: never send our credentials there
        }
        let (realm, service) = {
            let state = self.auth.lock().unwrap_or_else(|p| p.into_inner());
            match &state.scheme {
                Scheme::Unknown => return Ok(None),
                Scheme::Basic => {
                    return Ok(self
                        .credentials
                        .as_ref()
                        .map(|c| Secret::new(c.basic_authorization())));
                }
                Scheme::Bearer { realm, service } => (realm.clone(), service.clone()),
            }
        };
        let mut scopes = Scopes::new();
        if let Some(s) = scope {
            scopes.add(s);
        }
        let token = self.token(&realm, service.as_deref(), &scopes, &scopes.key(), false)?;
        Ok(Some(Secret::new(format!("Bearer {}", token.expose()))))
    }

    /// A cached (under `key`) or new token for `scopes`; `fresh` forces a new one.
    fn token(
        &self,
        realm: &str,
        service: Option<&str>,
        scopes: &Scopes,
        key: &str,
        fresh: bool,
    ) -> Result<Secret, RegistryError> {
        let key = key.to_string();
        {
            let mut state = self.auth.lock().unwrap_or_else(|p| p.into_inner());
            if fresh {
                state.tokens.remove(&key);
            } else if let Some(t) = state
                .tokens
                .get(&key)
                .filter(|t| t.valid_until > Instant::now())
            {
                return Ok(t.token.clone());
            }
        }
        let url = auth::token_url(realm, service, scopes);
        let mut req =
            Request::new(Method::Get, url.clone(), None).body_limit(auth::MAX_TOKEN_RESPONSE);
        if let Some(c) = &self.credentials {
            req = req.header("authorization", c.basic_authorization());
        }
        let mut attempt = 0;
        let reply = loop {
            attempt += 1;
            let failure = match self.exchange(&req, &url, None) {
                Ok(r) if r.status == 429 || r.status >= 500 => self.status_error(&r, &req),
                Ok(r) => break r,
                Err(e) => e,
            };
            match self
                .retry
                .delay(attempt, failure.retry_after())
                .filter(|_| failure.is_transient())
            {
                Some(wait) => std::thread::sleep(wait),
                None => return Err(failure),
            }
        };
        let realm_host = host_of(realm);
        if reply.status == 401 || reply.status == 403 {
            let (_, detail) = describe_error_body(&reply.body);
            let detail = self.scrub(&format!(
                "token service {realm_host} answered {}: {detail}",
                reply.status
            ));
            return Err(match &self.credentials {
                Some(c) => RegistryError::BadCredentials {
                    host: self.host.clone(),
                    username: c.username.clone(),
                    detail,
                },
                None => RegistryError::AuthenticationRequired {
                    host: self.host.clone(),
                    detail,
                },
            });
        }
        if reply.status != 200 {
            let (_, detail) = describe_error_body(&reply.body);
            return Err(RegistryError::Protocol {
                host: self.host.clone(),
                detail: self.scrub(&format!(
                    "token service {realm_host} answered HTTP {}: {detail}",
                    reply.status
                )),
            });
        }
        let token =
            auth::parse_token_response(&reply.body).ok_or_else(|| RegistryError::Protocol {
                host: self.host.clone(),
                detail: format!("token service {realm_host} returned no token"),
            })?;
        let valid_until = Instant::now()
            + token
                .lifetime
                .saturating_sub(TOKEN_EXPIRY_MARGIN)
                .max(Duration::from_secs(1));
        let mut state = self.auth.lock().unwrap_or_else(|p| p.into_inner());
        state.tokens.insert(
            key,
            CachedToken {
                token: token.token.clone(),
                valid_until,
            },
        );
        Ok(token.token)
    }

    /// Reacts to a 401: learns the scheme and fetches a token with the challenge's scope merged in.
    /// A 401 for credentials already sent once more in this request is final.
    fn answer_challenge(
        &self,
        reply: &Reply,
        req: &Request<'_>,
        sent_auth: bool,
        round: u32,
    ) -> Result<(), RegistryError> {
        if sent_auth && round > 0 {
            return Err(self.unauthorized(reply, req));
        }
        match reply
            .header("www-authenticate")
            .and_then(auth::parse_challenge)
        {
            Some(Challenge::Basic) => {
                if self.credentials.is_none() || sent_auth {
                    return Err(self.unauthorized(reply, req));
                }
                self.auth.lock().unwrap_or_else(|p| p.into_inner()).scheme = Scheme::Basic;
                Ok(())
            }
            Some(Challenge::Bearer {
                realm,
                service,
                scope,
                ..
            }) => {
                let mut wanted = Scopes::new();
                if let Some(s) = &req.scope {
                    wanted.add(s);
                }
                let cache_key = wanted.key();
                if let Some(s) = &scope {
                    wanted.add(s);
                }
                self.auth.lock().unwrap_or_else(|p| p.into_inner()).scheme = Scheme::Bearer {
                    realm: realm.clone(),
                    service: service.clone(),
                };
                // A token we sent was refused (expired or revoked): get a new one.
                self.token(&realm, service.as_deref(), &wanted, &cache_key, sent_auth)?;
                Ok(())
            }
            _ => Err(self.unauthorized(reply, req)),
        }
    }

    /// The error for a 401 that authentication could not fix.
    fn unauthorized(&self, reply: &Reply, req: &Request<'_>) -> RegistryError {
        let detail = if reply.body.is_empty() {
            format!("HTTP 401 for {} {}", req.method.as_str(), path_of(&req.url))
        } else {
            self.scrub(&describe_error_body(&reply.body).1)
        };
        let challenge = reply
            .header("www-authenticate")
            .and_then(auth::parse_challenge);
        let insufficient = matches!(&challenge, Some(Challenge::Bearer { error: Some(e), .. }) if e == "insufficient_scope");
        let wants_push = req.scope.as_deref().is_some_and(|s| s.contains("push"));
        match &self.credentials {
            None => RegistryError::AuthenticationRequired {
                host: self.host.clone(),
                detail,
            },
            Some(_)
                if insufficient
                    || wants_push && matches!(challenge, Some(Challenge::Bearer { .. })) =>
            {
                RegistryError::InsufficientScope {
                    host: self.host.clone(),
                    repository: repository_of(&req.url),
                    detail,
                }
            }
            Some(c) => RegistryError::BadCredentials {
                host: self.host.clone(),
                username: c.username.clone(),
                detail,
            },
        }
    }

    /// One HTTP exchange, body read. Connection-level failures are classified here.
    fn exchange(
        &self,
        req: &Request<'_>,
        url: &str,
        authorization: Option<&str>,
    ) -> Result<Reply, RegistryError> {
        let mut builder = http::Request::builder()
            .method(req.method.as_str())
            .uri(url);
        for (name, value) in &req.headers {
            builder = builder.header(*name, value.as_str());
        }
        if let Some(a) = authorization {
            builder = builder.header("authorization", a);
        }
        let result = match (req.method, req.body) {
            (Method::Head | Method::Get, None) => builder.body(()).map(|r| self.agent.run(r)),
            (_, body) => builder.body(body.unwrap_or(&[])).map(|r| self.agent.run(r)),
        };
        let response = match result {
            Ok(r) => r.map_err(|e| self.classify(e))?,
            Err(e) => {
                return Err(RegistryError::Protocol {
                    host: self.host.clone(),
                    detail: format!("bad request: {e}"),
                });
            }
        };
        let status = response.status().as_u16();
        let (parts, mut body) = response.into_parts();
        let body = if req.method == Method::Head {
            Vec::new()
        } else {
            body.with_config()
                .limit(req.body_limit)
                .read_to_vec()
                .map_err(|e| self.classify(e))?
        };
        Ok(Reply {
            status,
            headers: parts.headers,
            body,
            url: url.to_string(),
        })
    }

    fn classify(&self, e: ureq::Error) -> RegistryError {
        let host = self.host.clone();
        let detail = self.scrub(&e.to_string());
        match e {
            ureq::Error::HostNotFound => RegistryError::Dns {
                host,
                detail: "host not found".into(),
            },
            ureq::Error::Timeout(_) => RegistryError::Timeout { host, detail },
            ureq::Error::Tls(_) | ureq::Error::Pem(_) | ureq::Error::Rustls(_) => {
                RegistryError::Tls { host, detail }
            }
            ureq::Error::Io(io) if detail.contains("failed to lookup address") => {
                RegistryError::Dns {
                    host,
                    detail: self.scrub(&io.to_string()),
                }
            }
            ureq::Error::Io(io)
                if io.kind() == std::io::ErrorKind::InvalidData
                    && self.base.starts_with("https") =>
            {
                RegistryError::Tls {
                    host,
                    detail: self.scrub(&io.to_string()),
                }
            }
            ureq::Error::BodyExceedsLimit(n) => RegistryError::Protocol {
                host,
                detail: format!("response body larger than {n} bytes"),
            },
            _ => RegistryError::Connection { host, detail },
        }
    }

    /// Follows redirects of a blob GET (registries send blobs from storage, e.g. S3): the redirect
    /// target never receives the registry credentials.
    pub fn get_following_redirects(&self, req: Request<'_>) -> Result<Reply, RegistryError> {
        const MAX_REDIRECTS: usize = 5;
        let mut req = req;
        for _ in 0..=MAX_REDIRECTS {
            let reply = self.send(&req)?;
            if !matches!(reply.status, 301 | 302 | 303 | 307 | 308) {
                return Ok(reply);
            }
            let location = reply
                .header("location")
                .ok_or_else(|| RegistryError::Protocol {
                    host: self.host.clone(),
                    detail: format!("redirect {} without Location", reply.status),
                })?;
            let next = resolve_location(&reply.url, location);
            req = Request { url: next, ..req };
        }
        Err(RegistryError::Protocol {
            host: self.host.clone(),
            detail: "too many redirects".into(),
        })
    }
}

fn tls_config(host: &str, tls: &TlsOptions<'_>) -> Result<ureq::tls::TlsConfig, RegistryError> {
    use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig};
    let builder = TlsConfig::builder();
    if tls.plain_http {
        return Ok(builder.build());
    }
    if tls.insecure_skip_tls_verify {
        return Ok(builder.disable_verification(true).build());
    }
    let roots: Vec<Certificate<'static>> = match tls.ca_file {
        Some(path) => {
            let err = |reason: String| RegistryError::CaFile {
                path: path.to_path_buf(),
                reason,
            };
            let pem = std::fs::read(path).map_err(|e| err(e.to_string()))?;
            let certs: Vec<Certificate<'static>> = ureq::tls::parse_pem(&pem)
                .filter_map(|item| match item {
                    Ok(PemItem::Certificate(c)) => Some(Ok(c.to_owned())),
                    Ok(_) => None,
                    Err(e) => Some(Err(e)),
                })
                .collect::<Result<_, _>>()
                .map_err(|e| err(e.to_string()))?;
            if certs.is_empty() {
                return Err(err(
                    "failed to append certificates from pem block: no certificate found".into(),
                ));
            }
            certs
        }
        None => {
            let loaded = rustls_native_certs::load_native_certs();
            if loaded.certs.is_empty() {
                let reason = loaded
                    .errors
                    .first()
                    .map_or("none in the system store".to_string(), |e| e.to_string());
                return Err(RegistryError::NoSystemRoots {
                    reason: format!("for {host}: {reason}"),
                });
            }
            loaded
                .certs
                .into_iter()
                .map(|der| Certificate::from_der(der.as_ref()).to_owned())
                .collect()
        }
    };
    Ok(builder
        .root_certs(RootCerts::Specific(Arc::new(roots)))
        .build())
}

/// Resolves a `Location` against the URL that sent it.
pub fn resolve_location(base_url: &str, location: &str) -> String {
    if location.starts_with("http://") || location.starts_with("https://") {
        return location.to_string();
    }
    let origin_end = base_url.find("://").map_or(0, |i| i + 3);
    let origin = match base_url[origin_end..].find('/') {
        Some(i) => &base_url[..origin_end + i],
        None => base_url,
    };
    if location.starts_with('/') {
        format!("{origin}{location}")
    } else {
        let dir = base_url.rsplit_once('/').map_or(base_url, |(d, _)| d);
        format!("{dir}/{location}")
    }
}

/// `/v2/<repo>/(manifests|blobs|tags)/…` → `<repo>`.
fn repository_of(url: &str) -> String {
    let path = path_of(url);
    let rest = path.strip_prefix("/v2/").unwrap_or(&path);
    for marker in ["/manifests/", "/blobs/", "/tags/"] {
        if let Some(i) = rest.find(marker) {
            return rest[..i].to_string();
        }
    }
    rest.trim_end_matches('/').to_string()
}

/// The path of a URL, without query.
fn path_of(url: &str) -> String {
    let after_scheme = url.find("://").map_or(url, |i| &url[i + 3..]);
    let path = after_scheme.find('/').map_or("/", |i| &after_scheme[i..]);
    path.split('?').next().unwrap_or(path).to_string()
}

fn host_of(url: &str) -> String {
    let after_scheme = url.find("://").map_or(url, |i| &url[i + 3..]);
    after_scheme
        .split('/')
        .next()
        .unwrap_or(after_scheme)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations() {
        assert_eq!(
            resolve_location(
                "http://h:1/v2/a/blobs/uploads/",
                "/v2/a/blobs/uploads/x?y=1"
            ),
            "http://h:1/v2/a/blobs/uploads/x?y=1"
        );
        assert_eq!(
            resolve_location("http://h:1/v2/a/b", "https://s3/x"),
            "https://s3/x"
        );
        assert_eq!(
            repository_of("http://h/v2/ns/name/blobs/uploads/"),
            "ns/name"
        );
        assert_eq!(
            path_of("https://h:5/v2/x/manifests/1?q"),
            "/v2/x/manifests/1"
        );
    }
}
