//! The OCI distribution operations chartship needs: resolve a tag, check and upload blobs
//! (monolithic, or chunked for large ones), put a manifest by tag, read blobs back.
//! Wire sequence after helm's (helm-behaviour.md §4.3), minus the manifest-by-digest PUT:
//! the tag is written last and only once every blob is in place.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Mutex;

use super::error::RegistryError;
use super::manifest::{
    ChartArtifact, Descriptor, MANIFEST_ACCEPT, OCI_MANIFEST_MEDIA_TYPE, inspect_manifest,
    sha256_digest,
};
use super::reference::connect_host;
use super::retry::RetryPolicy;
use super::transport::{Method, Reply, Request, TlsOptions, Transport, resolve_location};
use crate::auth::{Credentials, percent_encode, repository_scope};

/// Blobs larger than this are uploaded in chunks of this size (PATCH), smaller ones in one PUT.
/// 8 MiB keeps each request short enough to survive flaky CI networks while charts (usually
/// < 1 MiB) still go in a single request.
pub const CHUNK_SIZE: usize = 8 * 1024 * 1024;
/// Pages of a tag list followed before giving up (a registry looping its `Link` header).
const MAX_TAG_PAGES: usize = 100;
/// Largest blob `fetch_blob` reads into memory (a chart archive is far smaller).
pub const MAX_BLOB_SIZE: u64 = 512 * 1024 * 1024;

/// How to reach a registry.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Use `http://` (only when asked; never a silent fallback).
    pub plain_http: bool,
    /// PEM bundle replacing the system roots.
    pub ca_file: Option<PathBuf>,
    pub insecure_skip_tls_verify: bool,
    pub credentials: Option<Credentials>,
    pub user_agent: String,
    pub retry: RetryPolicy,
    /// Blobs above this size are uploaded in chunks of this size.
    pub chunk_size: usize,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            plain_http: false,
            ca_file: None,
            insecure_skip_tls_verify: false,
            credentials: None,
            user_agent: format!("chartship/{}", env!("CARGO_PKG_VERSION")),
            retry: RetryPolicy::default(),
            chunk_size: CHUNK_SIZE,
        }
    }
}

/// What a tag points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// Manifest digest.
    pub digest: String,
    /// Manifest media type.
    pub media_type: String,
    /// `config.mediaType` (None for an index / manifest list).
    pub config_media_type: Option<String>,
}

/// The result of a push.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pushed {
    /// Manifest digest.
    pub digest: String,
    /// Manifest size in bytes.
    pub size: u64,
}

/// A manifest as served: bytes, their digest (verified against `Docker-Content-Digest`), content type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchedManifest {
    pub bytes: Vec<u8>,
    pub digest: String,
    pub content_type: Option<String>,
}

/// A client for one registry.
pub struct Client {
    transport: Transport,
    chunk_size: usize,
    /// Repositories that will be pushed to: every request to them asks for `pull,push` up front,
    /// so a registry that answers pull-only tokens for new repositories (Quay, helm/helm#32144)
    /// is not tripped up.
    push_repositories: Mutex<HashSet<String>>,
}

impl Client {
    /// A client for `registry` (`host[:port]`; Docker Hub aliases are contacted as `registry-1.docker.io`).
    pub fn new(registry: &str, options: ClientOptions) -> Result<Client, RegistryError> {
        let tls = TlsOptions {
            plain_http: options.plain_http,
            ca_file: options.ca_file.as_deref(),
            insecure_skip_tls_verify: options.insecure_skip_tls_verify,
        };
        let transport = Transport::new(
            connect_host(registry),
            tls,
            options.credentials,
            &options.user_agent,
            options.retry,
        )?;
        Ok(Client {
            transport,
            chunk_size: options.chunk_size.max(1),
            push_repositories: Mutex::new(HashSet::new()),
        })
    }

    /// The host contacted.
    pub fn host(&self) -> &str {
        &self.transport.host
    }

    /// Declares that `repository` will be pushed to, so tokens carry push scope from the first request.
    pub fn intend_push(&self, repository: &str) {
        self.push_repositories
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(repository.to_string());
    }

    fn scope(&self, repository: &str, push: bool) -> Option<String> {
        let push = push
            || self
                .push_repositories
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .contains(repository);
        Some(repository_scope(repository, push))
    }

    /// `GET /v2/`: checks that the registry answers and the credentials are accepted.
    pub fn ping(&self) -> Result<(), RegistryError> {
        let req = Request::new(Method::Get, "/v2/", None);
        let reply = self.transport.send(&req)?;
        match reply.status {
            200 => Ok(()),
            _ => Err(self.transport.status_error(&reply, &req)),
        }
    }

    /// The manifest digest `tag` points at (`HEAD`), or `None` if the tag or repository does not exist.
    pub fn head_tag(&self, repository: &str, tag: &str) -> Result<Option<String>, RegistryError> {
        let req = Request::new(
            Method::Head,
            format!("/v2/{repository}/manifests/{tag}"),
            self.scope(repository, false),
        )
        .header("accept", MANIFEST_ACCEPT);
        let reply = self.transport.send(&req)?;
        match reply.status {
            200 => match reply.header("docker-content-digest") {
                Some(d) => Ok(Some(d.to_string())),
                None => Ok(self.fetch_manifest(repository, tag)?.map(|m| m.digest)),
            },
            404 => Ok(None),
            _ => Err(self.transport.status_error(&reply, &req)),
        }
    }

    /// Fetches a manifest by tag or digest, `None` if absent.
    /// The digest is computed from the bytes and checked against `Docker-Content-Digest`, so a
    /// truncated answer is detected (and retried).
    pub fn fetch_manifest(
        &self,
        repository: &str,
        reference: &str,
    ) -> Result<Option<FetchedManifest>, RegistryError> {
        let policy = self.transport.retry_policy().clone();
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.fetch_manifest_once(repository, reference) {
                Err(e @ RegistryError::Corrupt { .. }) => match policy.delay(attempt, None) {
                    Some(wait) => std::thread::sleep(wait),
                    None => return Err(e),
                },
                other => return other,
            }
        }
    }

    fn fetch_manifest_once(
        &self,
        repository: &str,
        reference: &str,
    ) -> Result<Option<FetchedManifest>, RegistryError> {
        let req = Request::new(
            Method::Get,
            format!("/v2/{repository}/manifests/{reference}"),
            self.scope(repository, false),
        )
        .header("accept", MANIFEST_ACCEPT);
        let reply = self.transport.send(&req)?;
        match reply.status {
            200 => {}
            404 => return Ok(None),
            _ => return Err(self.transport.status_error(&reply, &req)),
        }
        let digest = sha256_digest(&reply.body);
        let expected = reply
            .header("docker-content-digest")
            .map(str::to_string)
            .or_else(|| {
                reference
                    .starts_with("sha256:")
                    .then(|| reference.to_string())
            });
        if let Some(expected) = expected.filter(|e| e.starts_with("sha256:"))
            && expected != digest
        {
            return Err(RegistryError::Corrupt {
                host: self.transport.host.clone(),
                what: format!("manifest {repository}:{reference}"),
                expected,
                actual: digest,
            });
        }
        let content_type = reply.header("content-type").map(str::to_string);
        Ok(Some(FetchedManifest {
            bytes: reply.body,
            digest,
            content_type,
        }))
    }

    /// What `tag` points at, or `None` if it does not exist.
    pub fn resolve_tag(
        &self,
        repository: &str,
        tag: &str,
    ) -> Result<Option<Resolved>, RegistryError> {
        let Some(FetchedManifest {
            bytes,
            digest,
            content_type,
        }) = self.fetch_manifest(repository, tag)?
        else {
            return Ok(None);
        };
        let info = inspect_manifest(&bytes, content_type.as_deref()).ok_or_else(|| {
            RegistryError::Protocol {
                host: self.transport.host.clone(),
                detail: format!("manifest of {repository}:{tag} is not JSON"),
            }
        })?;
        Ok(Some(Resolved {
            digest,
            media_type: info.media_type,
            config_media_type: info.config_media_type,
        }))
    }

    /// Whether a blob exists in `repository`.
    pub fn blob_exists(&self, repository: &str, digest: &str) -> Result<bool, RegistryError> {
        let req = Request::new(
            Method::Head,
            format!("/v2/{repository}/blobs/{digest}"),
            self.scope(repository, false),
        );
        let reply = self.transport.get_following_redirects(req)?;
        match reply.status {
            200 => Ok(true),
            404 => Ok(false),
            _ => Err(self.transport.status_error(
                &reply,
                &Request::new(
                    Method::Head,
                    format!("/v2/{repository}/blobs/{digest}"),
                    None,
                ),
            )),
        }
    }

    /// Every tag of `repository` (`GET /v2/<repository>/tags/list`, following `Link`
    /// pagination on the same registry, as oras does); empty when the repository is unknown.
    pub fn list_tags(&self, repository: &str) -> Result<Vec<String>, RegistryError> {
        let mut url = format!("/v2/{repository}/tags/list");
        let mut tags = Vec::new();
        for _ in 0..MAX_TAG_PAGES {
            let req = Request::new(Method::Get, url.clone(), self.scope(repository, false));
            let reply = self.transport.send(&req)?;
            match reply.status {
                200 => {}
                404 => return Ok(tags),
                _ => return Err(self.transport.status_error(&reply, &req)),
            }
            let protocol = |detail: String| RegistryError::Protocol {
                host: self.transport.host.clone(),
                detail,
            };
            let body: serde_json::Value = serde_json::from_slice(&reply.body)
                .map_err(|e| protocol(format!("tag list of {repository} is not JSON: {e}")))?;
            if let Some(list) = body.get("tags").and_then(serde_json::Value::as_array) {
                tags.extend(list.iter().filter_map(|t| t.as_str().map(str::to_string)));
            }
            let Some(next) = reply.header("link").and_then(next_link) else {
                return Ok(tags);
            };
            let next = resolve_location(&reply.url, next);
            // Only follow pages on this registry: credentials must not travel elsewhere.
            url = match next.strip_prefix(&self.transport.base) {
                Some(path) if path.starts_with('/') => path.to_string(),
                _ => return Err(protocol(format!("tag list page on another host: {next}"))),
            };
        }
        Err(RegistryError::Protocol {
            host: self.transport.host.clone(),
            detail: format!("tag list of {repository} has more than {MAX_TAG_PAGES} pages"),
        })
    }

    /// Reads a blob (following redirects to storage), verifying its digest; retried when truncated.
    pub fn fetch_blob(&self, repository: &str, digest: &str) -> Result<Vec<u8>, RegistryError> {
        let policy = self.transport.retry_policy().clone();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let req = Request::new(
                Method::Get,
                format!("/v2/{repository}/blobs/{digest}"),
                self.scope(repository, false),
            )
            .body_limit(MAX_BLOB_SIZE)
            .no_retry(); // this loop retries every transient failure, truncated bodies included
            let result = self
                .transport
                .get_following_redirects(req)
                .and_then(|reply| match reply.status {
                    200 => {
                        let actual = sha256_digest(&reply.body);
                        if actual == digest {
                            Ok(reply.body)
                        } else {
                            Err(RegistryError::Corrupt {
                                host: self.transport.host.clone(),
                                what: format!("blob {digest}"),
                                expected: digest.to_string(),
                                actual,
                            })
                        }
                    }
                    _ => Err(self.transport.status_error(
                        &reply,
                        &Request::new(
                            Method::Get,
                            format!("/v2/{repository}/blobs/{digest}"),
                            None,
                        ),
                    )),
                });
            match result {
                Err(e) if e.is_transient() => match policy.delay(attempt, e.retry_after()) {
                    Some(wait) => std::thread::sleep(wait),
                    None => return Err(e),
                },
                other => return other,
            }
        }
    }

    /// Uploads `bytes` as a blob unless it already exists. Returns its descriptor (media type empty).
    pub fn push_blob(&self, repository: &str, bytes: &[u8]) -> Result<Descriptor, RegistryError> {
        self.intend_push(repository);
        let descriptor = Descriptor {
            media_type: String::new(),
            digest: sha256_digest(bytes),
            size: bytes.len() as u64,
        };
        if !self.blob_exists(repository, &descriptor.digest)? {
            self.upload_blob(repository, &descriptor.digest, bytes)?;
        }
        Ok(descriptor)
    }

    /// Uploads a blob; a failed session is abandoned and a new one started (never a chunk replayed).
    fn upload_blob(
        &self,
        repository: &str,
        digest: &str,
        bytes: &[u8],
    ) -> Result<(), RegistryError> {
        let policy = self.transport.retry_policy().clone();
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.upload_session(repository, digest, bytes) {
                Err(e) if e.is_transient() => {
                    // The upload may have completed although its answer was lost.
                    if matches!(self.blob_exists(repository, digest), Ok(true)) {
                        return Ok(());
                    }
                    match policy.delay(attempt, e.retry_after()) {
                        Some(wait) => std::thread::sleep(wait),
                        None => return Err(e),
                    }
                }
                other => return other,
            }
        }
    }

    fn upload_session(
        &self,
        repository: &str,
        digest: &str,
        bytes: &[u8],
    ) -> Result<(), RegistryError> {
        let scope = self.scope(repository, true);
        let start = Request::new(
            Method::Post,
            format!("/v2/{repository}/blobs/uploads/"),
            scope.clone(),
        )
        .body(&[])
        .no_retry();
        let reply = self.transport.send(&start)?;
        if reply.status == 201 {
            return Ok(()); // completed (e.g. a registry that mounted or accepted it at once)
        }
        if reply.status != 202 {
            return Err(self.transport.status_error(&reply, &start));
        }
        let mut location = self.location(&reply)?;
        if bytes.len() > self.chunk_size {
            let mut offset = 0;
            for chunk in bytes.chunks(self.chunk_size) {
                let end = offset + chunk.len() - 1;
                let req = Request::new(Method::Patch, location.clone(), scope.clone())
                    .header("content-type", "application/octet-stream")
                    .header("content-range", format!("{offset}-{end}"))
                    .body(chunk)
                    .no_retry();
                let reply = self.transport.send(&req)?;
                if reply.status != 202 {
                    return Err(self.transport.status_error(&reply, &req));
                }
                location = self.location(&reply)?;
                offset = end + 1;
            }
            let req = Request::new(Method::Put, with_digest(&location, digest), scope)
                .body(&[])
                .no_retry();
            return self.expect_created(&req);
        }
        let req = Request::new(Method::Put, with_digest(&location, digest), scope)
            .header("content-type", "application/octet-stream")
            .body(bytes)
            .no_retry();
        self.expect_created(&req)
    }

    fn expect_created(&self, req: &Request<'_>) -> Result<(), RegistryError> {
        let reply = self.transport.send(req)?;
        match reply.status {
            201 | 204 => Ok(()),
            _ => Err(self.transport.status_error(&reply, req)),
        }
    }

    fn location(&self, reply: &Reply) -> Result<String, RegistryError> {
        let location = reply
            .header("location")
            .ok_or_else(|| RegistryError::Protocol {
                host: self.transport.host.clone(),
                detail: format!("upload answer {} has no Location header", reply.status),
            })?;
        Ok(resolve_location(&reply.url, location))
    }

    /// Puts a manifest under `reference` (a tag or digest). Returns its digest.
    pub fn put_manifest(
        &self,
        repository: &str,
        reference: &str,
        media_type: &str,
        bytes: &[u8],
    ) -> Result<String, RegistryError> {
        let digest = sha256_digest(bytes);
        let req = Request::new(
            Method::Put,
            format!("/v2/{repository}/manifests/{reference}"),
            self.scope(repository, true),
        )
        .header("content-type", media_type)
        .body(bytes);
        let reply = self.transport.send(&req)?;
        if reply.status != 201 && reply.status != 200 {
            return Err(self.transport.status_error(&reply, &req));
        }
        match reply.header("docker-content-digest") {
            Some(d) if d.starts_with("sha256:") && d != digest => Err(RegistryError::Corrupt {
                host: self.transport.host.clone(),
                what: format!("manifest stored as {repository}:{reference}"),
                expected: digest,
                actual: d.to_string(),
            }),
            _ => Ok(digest),
        }
    }

    /// Pushes a chart: blobs first (skipping those present), then the manifest by tag — so the tag
    /// changes only when everything else succeeded.
    pub fn push(
        &self,
        repository: &str,
        tag: &str,
        artifact: &ChartArtifact,
    ) -> Result<Pushed, RegistryError> {
        self.intend_push(repository);
        for (descriptor, bytes) in artifact.blobs() {
            if !self.blob_exists(repository, &descriptor.digest)? {
                self.upload_blob(repository, &descriptor.digest, bytes)?;
            }
        }
        let manifest = artifact.manifest();
        let digest =
            self.put_manifest(repository, tag, OCI_MANIFEST_MEDIA_TYPE, &manifest.bytes)?;
        Ok(Pushed {
            digest,
            size: manifest.bytes.len() as u64,
        })
    }
}

/// The target of a `Link: <url>; rel="next"` header.
fn next_link(header: &str) -> Option<&str> {
    header.split(',').find_map(|part| {
        let (target, params) = part.trim().split_once(';')?;
        params
            .contains("rel=\"next\"")
            .then(|| target.trim().strip_prefix('<')?.strip_suffix('>'))
            .flatten()
    })
}

/// Adds `digest=<d>` to an upload location (which may already carry a query).
fn with_digest(location: &str, digest: &str) -> String {
    let sep = if location.contains('?') { '&' } else { '?' };
    format!("{location}{sep}digest={}", percent_encode(digest))
}
