//! The sandbox: runs chartship's chart core (a WASI component) under wasmtime.
//!
//! What the guest can see, and the test that proves each line
//! (`tests/tests/sandbox.rs` unless named otherwise):
//! - exactly one directory, the chart, preopened read-only at `/chart`: it cannot write there
//!   and cannot open any other host path (`guest_cannot_read_outside_the_chart`);
//! - no symlink out of the chart: the guest refuses to follow one, and wasmtime's capability
//!   filesystem would refuse it too (`symlink_to_etc_passwd_is_refused`);
//! - no environment variables, no arguments, no stdin (`environment_is_invisible_to_the_guest`);
//! - no network: `wasi:sockets` and `wasi:http` are not linked at all, so a guest that imported
//!   them could not even be instantiated (`sockets_are_not_linked` in `wasi.rs`);
//! - no real clock and no real randomness: both are fixed, so results depend only on inputs;
//! - bounded memory and time ([`Limits`]); hitting either ends the call with
//!   [`SandboxError::Limit`], which the CLI reports with its own exit code
//!   (`memory_limit_is_reported_as_a_limit`, `time_limit_is_reported_as_a_limit`).
//!
//! Untrusted archives (`.tgz` to push or lint) are handed to the guest as bytes: the host never
//! unpacks them itself. The same holds for dependencies (`crate::deps`): repository indexes are
//! parsed and every downloaded archive is opened in the guest, before anything is written to
//! `charts/` (`hostile_archives_are_refused_in_the_sandbox_and_leave_no_file` in
//! `tests/tests/dependency.rs`).

mod cache;
mod convert;
mod limits;
mod wasi;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

use wasmtime::component::Linker;
use wasmtime::{Config, Engine, Store, Trap};

pub use convert::{ArchiveInfo, ChartMetadata, Diagnostic, LintReport, PackagedChart, Severity};
pub use convert::{Dependency, IndexEntry, LockFile, LockStatus, LockedDependency};
pub use limits::{DEFAULT_MEMORY_LIMIT, DEFAULT_TIME_LIMIT, EPOCH_TICK, Limits};

/// The guest component, built by `build.rs` from `guest/component`.
pub(crate) const GUEST_WASM: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/chartship_guest.wasm"));
/// sha256 of [`GUEST_WASM`], computed at build time so start-up does not hash it.
const GUEST_SHA256: &str = include_str!(concat!(env!("OUT_DIR"), "/guest.sha256"));

/// Where the guest finds the chart directory; fixed by `wit/chart.wit`.
pub const GUEST_CHART_DIR: &str = "/chart";

#[allow(clippy::all, unsafe_code)]
mod bindings {
    wasmtime::component::bindgen!({
        world: "chart-core",
        path: "../wit",
    });
}

/// Why a sandboxed operation did not produce a result.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// The guest hit a resource limit; the operation was stopped.
    #[error("{0}")]
    Limit(LimitHit),
    /// The chart core could not run on this input (no chart, unreadable file, invalid chart).
    #[error("{message}")]
    Chart {
        kind: ChartErrorKind,
        message: String,
    },
    /// The host could not set up or run the sandbox.
    #[error("sandbox: {0:#}")]
    Host(#[from] wasmtime::Error),
}

/// Which of the WIT `error` cases the guest returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartErrorKind {
    NotFound,
    Io,
    TooLarge,
    Invalid,
}

/// A limit the guest ran into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LimitHit {
    #[error(
        "the chart core needed more than the memory limit of {} MiB; raise it with --memory-limit",
        .0 / (1024 * 1024)
    )]
    Memory(usize),
    #[error(
        "the chart core ran longer than the time limit of {}s; raise it with --timeout",
        .0.as_secs_f64()
    )]
    Time(Duration),
}

/// The sandbox: engine and pre-linked component, built once and reused by every operation,
/// each of which gets a fresh store.
pub struct Sandbox {
    engine: Engine,
    pre: bindings::ChartCorePre<wasi::GuestState>,
    limits: Limits,
    /// Stops the epoch ticker thread when the sandbox is dropped.
    ticker_stop: Arc<AtomicBool>,
}

impl Sandbox {
    /// Builds the engine, loads the guest (from the precompiled cache when possible) and links
    /// the minimal WASI surface.
    pub fn new(limits: Limits) -> Result<Self, SandboxError> {
        let mut config = Config::new();
        config.epoch_interruption(true);
        let engine = Engine::new(&config)?;
        let component = cache::load_component(&engine, GUEST_WASM, GUEST_SHA256.trim())?;
        let mut linker = Linker::new(&engine);
        wasi::add_to_linker(&mut linker)?;
        let pre = bindings::ChartCorePre::new(linker.instantiate_pre(&component)?)?;
        let ticker_stop = Arc::new(AtomicBool::new(false));
        start_epoch_ticker(engine.clone(), ticker_stop.clone());
        Ok(Sandbox {
            engine,
            pre,
            limits,
            ticker_stop,
        })
    }

    /// Lints the chart directory `chart_dir` (preopened read-only).
    pub fn lint_dir(&self, chart_dir: &Path) -> Result<LintReport, SandboxError> {
        self.call(Some(chart_dir), |core, store| {
            core.call_lint(
                store,
                &bindings::chartship::chart::types::ChartSource::Directory,
            )
        })
        .map(|r| convert::lint_report(r, Some(chart_dir)))
    }

    /// Lints a chart archive handed over as bytes; no directory is preopened.
    pub fn lint_archive(&self, archive: Vec<u8>) -> Result<LintReport, SandboxError> {
        let source = bindings::chartship::chart::types::ChartSource::Archive(archive);
        self.call(None, |core, store| core.call_lint(store, &source))
            .map(|r| convert::lint_report(r, None))
    }

    /// Packages the chart directory `chart_dir` reproducibly.
    pub fn package(
        &self,
        chart_dir: &Path,
        options: &PackageOptions,
    ) -> Result<PackagedChart, SandboxError> {
        let options = bindings::chartship::chart::types::PackageOptions {
            version: options.version.clone(),
            app_version: options.app_version.clone(),
            source_date_epoch: options.source_date_epoch,
        };
        self.call(Some(chart_dir), |core, store| {
            core.call_package(store, &options)
        })
        .map(convert::packaged)
    }

    /// Opens an untrusted chart archive inside the sandbox and describes it.
    pub fn inspect_archive(
        &self,
        archive: &[u8],
        source_date_epoch: i64,
    ) -> Result<ArchiveInfo, SandboxError> {
        self.call(None, |core, store| {
            core.call_inspect_archive(store, archive, source_date_epoch)
        })
        .map(convert::archive_info)
    }

    /// Picks the highest strict-SemVer tag satisfying `constraint` (OCI dependencies).
    pub fn select_version(
        &self,
        versions: &[String],
        constraint: &str,
    ) -> Result<Option<String>, SandboxError> {
        self.call(None, |core, store| {
            core.call_select_version(store, versions, constraint)
        })
    }

    /// Whether `version` satisfies `constraint` (Masterminds semantics, evaluated in the guest).
    pub fn satisfies(&self, version: &str, constraint: &str) -> Result<bool, SandboxError> {
        self.call(None, |core, store| {
            core.call_satisfies(store, version, constraint)
        })
    }

    /// Parses an untrusted repository index and picks the entry helm locks for `name`.
    pub fn resolve_from_index(
        &self,
        index: &[u8],
        name: &str,
        constraint: &str,
    ) -> Result<IndexEntry, SandboxError> {
        self.call(None, |core, store| {
            core.call_resolve_from_index(store, index, name, constraint)
        })
        .map(convert::index_entry)
    }

    /// The Chart.lock for `chart_dir` with these resolved dependencies.
    pub fn lock(
        &self,
        chart_dir: &Path,
        locked: &[LockedDependency],
        source_date_epoch: i64,
    ) -> Result<LockFile, SandboxError> {
        let locked: Vec<_> = locked.iter().map(convert::locked_to_wit).collect();
        self.call(Some(chart_dir), |core, store| {
            core.call_lock(store, &locked, source_date_epoch)
        })
        .map(convert::lock_file)
    }

    /// How `chart_dir`'s Chart.lock stands against its Chart.yaml.
    pub fn lock_status(&self, chart_dir: &Path) -> Result<LockStatus, SandboxError> {
        self.call(Some(chart_dir), |core, store| core.call_read_lock(store))
            .map(convert::lock_status)
    }

    /// Runs one export in a fresh store, mapping traps to limits and guest errors to
    /// [`SandboxError::Chart`].
    fn call<R>(
        &self,
        chart_dir: Option<&Path>,
        f: impl FnOnce(
            &bindings::exports::chartship::chart::chart::Guest,
            &mut Store<wasi::GuestState>,
        ) -> wasmtime::Result<Result<R, bindings::chartship::chart::types::Error>>,
    ) -> Result<R, SandboxError> {
        let state = wasi::GuestState::new(chart_dir, &self.limits)?;
        let mut store = Store::new(&self.engine, state);
        store.limiter(|s| &mut s.limiter);
        store.set_epoch_deadline(self.limits.epoch_ticks());
        let outcome = self
            .pre
            .instantiate(&mut store)
            .and_then(|instance| f(instance.chartship_chart_chart(), &mut store));
        match outcome {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(err)) => Err(convert::chart_error(err, chart_dir)),
            Err(err) => Err(self.classify_trap(err, &store)),
        }
    }

    fn classify_trap(&self, err: wasmtime::Error, store: &Store<wasi::GuestState>) -> SandboxError {
        if store.data().limiter.memory_limit_hit() {
            return SandboxError::Limit(LimitHit::Memory(self.limits.memory));
        }
        if err.downcast_ref::<Trap>() == Some(&Trap::Interrupt) {
            return SandboxError::Limit(LimitHit::Time(self.limits.time));
        }
        SandboxError::Host(err)
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.ticker_stop.store(true, Ordering::Relaxed);
    }
}

/// Host-side package options (see `package-options` in the WIT).
#[derive(Debug, Clone, Default)]
pub struct PackageOptions {
    pub version: Option<String>,
    pub app_version: Option<String>,
    pub source_date_epoch: i64,
}

/// Advances the engine's epoch every [`EPOCH_TICK`] so that a store's deadline, counted in
/// ticks, bounds the guest's running time.
fn start_epoch_ticker(engine: Engine, stop: Arc<AtomicBool>) {
    thread::spawn(move || {
        while !stop.load(Ordering::Relaxed) {
            thread::sleep(EPOCH_TICK);
            engine.increment_epoch();
        }
    });
}

/// The directory for precompiled guests, if the user has one (`CHARTSHIP_CACHE_DIR`, else the
/// XDG cache directory).
pub fn cache_dir() -> Option<PathBuf> {
    cache::cache_dir()
}
