//! Chart dependencies: `dependency update`, `build` and `list` as helm does them
//! (helm-behaviour.md §6), split along the sandbox boundary. This host side only moves bytes:
//! it fetches repository indexes, tag lists and archives (HTTP(S), `oci://`, `file://`, or a
//! `--repo-mirror`), and writes `charts/` and `Chart.lock`. Everything that interprets those
//! bytes — index parsing, version constraints, the lock digest, and opening every archive with
//! helm's path-safety and size rules — runs in the guest. An archive is written to `charts/`
//! only after the guest has opened it and found the expected chart name and version, and only
//! once every dependency has been fetched and checked.
//!
//! Not supported: `@alias` / `alias:` repository names and `repositories.yaml` (use the URL),
//! and apiVersion v1 charts (`requirements.yaml`).
//!
//! Proved by `tests/tests/dependency.rs` against real helm 4 and a real registry.

mod fetch;
mod oci;
mod repository;
mod vendor;

use std::collections::HashMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

pub use repository::{Mirror, MirrorTarget};

use crate::auth::Credentials;
use crate::registry::{ClientOptions, RegistryError};
use crate::sandbox::{
    ChartErrorKind, Dependency, LockStatus, LockedDependency, PackageOptions, Sandbox, SandboxError,
};
use fetch::Fetcher;
use repository::Repository;
use vendor::Vendored;

/// helm's `dependency build` text for a lock that does not match Chart.yaml.
pub const OUT_OF_SYNC: &str = "the lock file (Chart.lock) is out of sync with the dependencies file (Chart.yaml). Please update the dependencies";

/// Where the charts of the most used repository moved when its classic index was trimmed.
const BITNAMI_HTTP: &str = "charts.bitnami.com";
const BITNAMI_OCI: &str = "oci://registry-1.docker.io/bitnamicharts";

/// How to reach repositories.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--repo-mirror` rules, first match wins.
    pub mirrors: Vec<Mirror>,
    /// Credentials given on the command line: sent (Basic) to HTTP repositories on the
    /// repository's own host, and to OCI registries (else helm's credential lookup applies).
    pub credentials: Option<Credentials>,
    /// TLS and plain-HTTP settings, shared with the registry client.
    pub client: ClientOptions,
    /// Seconds since the epoch: Chart.lock's `generated`, and the time stamped into archives
    /// of `file://` dependencies.
    pub source_date_epoch: i64,
}

/// Why dependencies could not be updated or built.
#[derive(Debug, thiserror::Error)]
pub enum DepsError {
    /// A dependency could not be resolved to a version; the text is helm's.
    #[error("{0}")]
    Resolve(String),
    /// A repository, index or archive could not be fetched.
    #[error("could not download {url}: {reason}")]
    Fetch { url: String, reason: String },
    /// A downloaded archive is not the chart it should be; nothing was written.
    #[error("refusing {what}: {reason}; charts/ was left unchanged")]
    Refused { what: String, reason: String },
    #[error("{action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Registry(#[from] RegistryError),
    #[error(transparent)]
    Sandbox(#[from] SandboxError),
}

impl DepsError {
    fn io(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> DepsError {
        let path = path.to_path_buf();
        move |source| DepsError::Io {
            action,
            path,
            source,
        }
    }
}

/// `helm dependency update`: resolve every dependency, vendor the archives, write Chart.lock.
pub fn update(
    sandbox: &Sandbox,
    chart_dir: &Path,
    options: &Options,
    out: &mut dyn Write,
) -> Result<(), DepsError> {
    let status = sandbox.lock_status(chart_dir)?;
    if status.requested.is_empty() {
        return Ok(());
    }
    let mut session = Session::new(sandbox, chart_dir, options);
    session.announce_unmanaged(&status.requested, out)?;
    let locked = session.resolve(&status.requested)?;
    session.download_all(&locked, &status.requested, out)?;
    let lock = sandbox.lock(chart_dir, &locked, options.source_date_epoch)?;
    if lock.digest != status.lock_digest {
        vendor::write_lock(chart_dir, &lock.text)?;
    }
    Ok(())
}

/// `helm dependency build`: restore exactly the locked versions; no lock means `update`.
pub fn build(
    sandbox: &Sandbox,
    chart_dir: &Path,
    options: &Options,
    out: &mut dyn Write,
) -> Result<(), DepsError> {
    let status = sandbox.lock_status(chart_dir)?;
    let Some(locked) = status.locked.clone() else {
        return update(sandbox, chart_dir, options, out);
    };
    if !status.in_sync {
        return Err(DepsError::Resolve(OUT_OF_SYNC.into()));
    }
    let mut session = Session::new(sandbox, chart_dir, options);
    session.download_all(&locked, &status.requested, out)
}

/// What `release` does before linting: nothing for a chart without dependencies; `build`
/// from Chart.lock when there is one; `update` when there is none or when `force_update`.
/// Returns whether the chart has dependencies.
pub fn prepare(
    sandbox: &Sandbox,
    chart_dir: &Path,
    force_update: bool,
    options: &Options,
    out: &mut dyn Write,
) -> Result<bool, DepsError> {
    let status: LockStatus = sandbox.lock_status(chart_dir)?;
    if status.requested.is_empty() {
        return Ok(false);
    }
    if force_update || status.locked.is_none() {
        update(sandbox, chart_dir, options, out)?;
    } else {
        build(sandbox, chart_dir, options, out)?;
    }
    Ok(true)
}

/// One update or build: the repositories seen so far and their indexes.
struct Session<'a> {
    sandbox: &'a Sandbox,
    chart_dir: &'a Path,
    options: &'a Options,
    fetcher: Fetcher,
    indexes: HashMap<String, Vec<u8>>,
}

impl<'a> Session<'a> {
    fn new(sandbox: &'a Sandbox, chart_dir: &'a Path, options: &'a Options) -> Self {
        Session {
            sandbox,
            chart_dir,
            options,
            fetcher: Fetcher::new(options),
            indexes: HashMap::new(),
        }
    }

    fn repository(&self, dep_name: &str, repository: &str) -> Result<Repository, DepsError> {
        Repository::parse(repository, self.chart_dir, &self.options.mirrors)
            .map_err(|reason| DepsError::Resolve(format!("dependency {dep_name:?}: {reason}")))
    }

    /// helm's "unmanaged repositories" step: every HTTP repository index is fetched once.
    fn announce_unmanaged(
        &mut self,
        requested: &[Dependency],
        out: &mut dyn Write,
    ) -> Result<(), DepsError> {
        let mut urls: Vec<&str> = Vec::new();
        for d in requested {
            if let Repository::Http { .. } = self.repository(&d.name, &d.repository)?
                && !urls.contains(&d.repository.as_str())
            {
                urls.push(&d.repository);
            }
        }
        if urls.is_empty() {
            return Ok(());
        }
        let _ = writeln!(out, "Getting updates for unmanaged Helm repositories...");
        for url in urls {
            self.index(url)?;
            let _ = writeln!(
                out,
                "...Successfully got an update from the {url:?} chart repository"
            );
        }
        Ok(())
    }

    /// The index of the HTTP repository `url`, fetched once.
    fn index(&mut self, url: &str) -> Result<Vec<u8>, DepsError> {
        if let Some(bytes) = self.indexes.get(url) {
            return Ok(bytes.clone());
        }
        let Repository::Http { source } = self.repository("", url)? else {
            return Err(DepsError::Resolve(format!(
                "{url} is not an HTTP repository"
            )));
        };
        let location = source.resolve("index.yaml");
        let bytes = self.fetcher.get(&location, &source).map_err(|reason| DepsError::Fetch {
            url: location.to_string(),
            reason: format!(
                "looks like {url:?} is not a valid chart repository or cannot be reached: {reason}"
            ),
        })?;
        self.indexes.insert(url.to_string(), bytes.clone());
        Ok(bytes)
    }

    /// Resolves every dependency to an exact version (helm's `Resolver.Resolve`).
    fn resolve(&mut self, requested: &[Dependency]) -> Result<Vec<LockedDependency>, DepsError> {
        let mut locked = Vec::new();
        let mut missing = Vec::new();
        let mut hints = Vec::new();
        for d in requested {
            // Every constraint must parse, whatever the repository kind.
            self.sandbox
                .satisfies("0.0.0", &d.version)
                .map_err(|e| invalid_constraint(d, e))?;
            let version = match self.repository(&d.name, &d.repository)? {
                Repository::Local => {
                    let dir = self.chart_dir.join("charts").join(&d.name);
                    if !dir.is_dir() {
                        return Err(DepsError::Resolve(format!(
                            "directory {} not found",
                            dir.display()
                        )));
                    }
                    Some(d.version.clone())
                }
                Repository::File { dir } => {
                    let md = self.sandbox.lint_dir(&dir).ok().and_then(|r| r.metadata);
                    let Some(md) = md else {
                        return Err(DepsError::Resolve(format!(
                            "directory {} not found",
                            dir.display()
                        )));
                    };
                    self.sandbox
                        .satisfies(&md.version, &d.version)?
                        .then_some(md.version)
                }
                Repository::Oci { reference } => {
                    Some(oci::resolve(self.sandbox, &self.fetcher, &reference, d)?)
                }
                Repository::Http { .. } => {
                    let index = self.index(&d.repository)?;
                    match self.sandbox.resolve_from_index(&index, &d.name, &d.version) {
                        Ok(entry) => Some(entry.version),
                        Err(SandboxError::Chart {
                            kind: ChartErrorKind::NotFound,
                            message,
                        }) => {
                            hints.push(message);
                            if d.repository.contains(BITNAMI_HTTP) {
                                hints.push(format!(
                                    "Bitnami trims its classic index to recent versions; for older ones use repository: \"{BITNAMI_OCI}\", or keep the URL and add --repo-mirror {}={BITNAMI_OCI}",
                                    d.repository
                                ));
                            }
                            None
                        }
                        Err(e) => {
                            return Err(DepsError::Resolve(format!(
                                "looks like {:?} is not a valid chart repository or cannot be reached: {e}",
                                d.repository
                            )));
                        }
                    }
                }
            };
            match version {
                Some(version) => locked.push(LockedDependency {
                    name: d.name.clone(),
                    version,
                    repository: d.repository.clone(),
                }),
                None => missing.push(format!(
                    "{:?} (repository {:?}, version {:?})",
                    d.name, d.repository, d.version
                )),
            }
        }
        if !missing.is_empty() {
            let mut text = format!(
                "can't get a valid version for {} subchart(s): {}. Make sure a matching chart version exists in the repo, or change the version constraint in Chart.yaml",
                missing.len(),
                missing.join(", ")
            );
            for hint in hints {
                text.push_str("\n\t");
                text.push_str(&hint);
            }
            return Err(DepsError::Resolve(text));
        }
        Ok(locked)
    }

    /// Fetches and checks every locked dependency, then moves them into `charts/` together.
    fn download_all(
        &mut self,
        locked: &[LockedDependency],
        requested: &[Dependency],
        out: &mut dyn Write,
    ) -> Result<(), DepsError> {
        let _ = writeln!(out, "Saving {} charts", locked.len());
        let mut fetched: Vec<Vendored> = Vec::new();
        let mut local_names = Vec::new();
        for dep in locked {
            let result = self.download(dep, out);
            match result {
                Ok(Some(v)) => fetched.push(v),
                Ok(None) => local_names.push(dep.name.clone()),
                Err(e) => {
                    let _ = writeln!(out, "Save error occurred:  {e}");
                    return Err(e);
                }
            }
        }
        // Nothing has been written so far; every archive passed the guest's checks.
        vendor::install(
            self.sandbox,
            self.chart_dir,
            &fetched,
            &local_names,
            requested,
        )?;
        let _ = writeln!(out, "Deleting outdated charts");
        Ok(())
    }

    /// One dependency's archive, checked in the sandbox; `None` for a local (`charts/`) one.
    fn download(
        &mut self,
        dep: &LockedDependency,
        out: &mut dyn Write,
    ) -> Result<Option<Vendored>, DepsError> {
        let (file_name, bytes, what) = match self.repository(&dep.name, &dep.repository)? {
            Repository::Local => {
                let _ = writeln!(
                    out,
                    "Dependency {} did not declare a repository. Assuming it exists in the charts directory",
                    dep.name
                );
                return Ok(None);
            }
            Repository::File { dir } => {
                let packaged = self.sandbox.package(
                    &dir,
                    &PackageOptions {
                        source_date_epoch: self.options.source_date_epoch,
                        ..PackageOptions::default()
                    },
                )?;
                (
                    packaged.file_name,
                    packaged.archive,
                    dir.display().to_string(),
                )
            }
            Repository::Oci { reference } => {
                let _ = writeln!(out, "Downloading {} from repo {}", dep.name, dep.repository);
                let bytes = oci::pull(&self.fetcher, &reference, dep)?;
                (
                    format!("{}-{}.tgz", dep.name, dep.version),
                    bytes,
                    format!("{}/{}:{}", dep.repository, dep.name, dep.version),
                )
            }
            Repository::Http { source } => {
                let _ = writeln!(out, "Downloading {} from repo {}", dep.name, dep.repository);
                let index = self.index(&dep.repository)?;
                let constraint = format!("={}", dep.version);
                let entry = self
                    .sandbox
                    .resolve_from_index(&index, &dep.name, &constraint)
                    .map_err(|e| {
                        DepsError::Resolve(format!(
                            "chart {:?} version {:?} not found in {} repository: {e}",
                            dep.name, dep.version, dep.repository
                        ))
                    })?;
                let url = entry.urls.first().cloned().unwrap_or_default();
                let location = source.resolve(&url);
                let bytes =
                    self.fetcher
                        .get(&location, &source)
                        .map_err(|reason| DepsError::Fetch {
                            url: location.to_string(),
                            reason,
                        })?;
                if !entry.digest.is_empty() {
                    let actual = crate::registry::sha256_digest(&bytes);
                    if actual.strip_prefix("sha256:") != Some(entry.digest.as_str()) {
                        return Err(DepsError::Refused {
                            what: location.to_string(),
                            reason: format!(
                                "its digest is {actual}, the index says sha256:{}",
                                entry.digest
                            ),
                        });
                    }
                }
                let file_name = vendor::file_name_from_url(&url)
                    .unwrap_or_else(|| format!("{}-{}.tgz", dep.name, dep.version));
                (file_name, bytes, location.to_string())
            }
        };
        vendor::check(
            self.sandbox,
            dep,
            &file_name,
            &bytes,
            &what,
            self.options.source_date_epoch,
        )?;
        Ok(Some(Vendored { file_name, bytes }))
    }
}

fn invalid_constraint(d: &Dependency, e: SandboxError) -> DepsError {
    match e {
        SandboxError::Chart { message, .. } => DepsError::Resolve(format!(
            "dependency {:?} has an invalid version/constraint format: {message}",
            d.name
        )),
        other => DepsError::Sandbox(other),
    }
}

/// `helm dependency list`: one row per dependency with its status in `charts/`.
pub fn list(sandbox: &Sandbox, chart_dir: &Path, out: &mut dyn Write) -> Result<(), DepsError> {
    let status = sandbox.lock_status(chart_dir)?;
    if status.requested.is_empty() {
        let _ = writeln!(
            out,
            "WARNING: no dependencies at {}",
            chart_dir.join("charts").display()
        );
        return Ok(());
    }
    let mut rows = vec![[
        "NAME".to_string(),
        "VERSION".to_string(),
        "REPOSITORY".to_string(),
        "STATUS".to_string(),
    ]];
    for d in &status.requested {
        let state = vendor::status(sandbox, chart_dir, d)?;
        rows.push([
            d.name.clone(),
            d.version.clone(),
            d.repository.clone(),
            state,
        ]);
    }
    let widths: Vec<usize> = (0..4)
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    for row in &rows {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        let _ = writeln!(out, "{}", cells.join("\t"));
    }
    let _ = writeln!(out);
    let _ = fs::metadata(chart_dir);
    Ok(())
}
