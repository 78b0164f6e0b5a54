//! chartship's chart core as a WASI component: wit-bindgen glue and type conversion only.
//!
//! All chart logic lives in `chartship-chart`; this crate maps its Rust types to the WIT types of
//! `wit/chart.wit` (in `convert`) and reads the chart from the one preopened directory.

mod convert;

use std::path::Path;

use chartship_chart::{constraint, lint, loader, lock, metadata, oci, package, repo_index};

/// The bindings wit-bindgen generates from `wit/chart.wit`; its ABI glue is the only unsafe code.
#[allow(unsafe_code)]
mod bindings {
    wit_bindgen::generate!({
        world: "chart-core",
        path: "../../wit",
    });
    // The component ABI exports only exist in the wasm build: natively (for `cargo build
    // --workspace`, clippy and tests) their symbol names are not valid linker symbols.
    #[cfg(target_arch = "wasm32")]
    use super::ChartCore;
    #[cfg(target_arch = "wasm32")]
    export!(ChartCore);
}

use bindings::chartship::chart::types::{
    ArchiveInfo, ChartSource, Error, IndexEntry, LintReport, LockFile, LockStatus,
    LockedDependency, PackageOptions, PackagedChart,
};
use bindings::exports::chartship::chart::chart::Guest;

/// Where the host preopens the chart directory (see `wit/chart.wit`).
const CHART_DIR: &str = "/chart";

#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
struct ChartCore;

impl Guest for ChartCore {
    fn lint(source: ChartSource) -> Result<LintReport, Error> {
        let report = match source {
            ChartSource::Directory => lint::lint_dir(Path::new(CHART_DIR)),
            ChartSource::Archive(bytes) => lint::lint_archive(&bytes),
        }
        .map_err(convert::error)?;
        Ok(convert::lint_report(report))
    }

    fn package(options: PackageOptions) -> Result<PackagedChart, Error> {
        let chart = loader::load_dir(Path::new(CHART_DIR)).map_err(convert::error)?;
        let options = package::PackageOptions {
            version: options.version,
            app_version: options.app_version,
            source_date_epoch: options.source_date_epoch,
        };
        let packaged = package::package(&chart, &options).map_err(convert::error)?;
        let description = oci::describe(&packaged.metadata, options.source_date_epoch);
        Ok(PackagedChart {
            file_name: packaged.file_name,
            archive: packaged.archive,
            sha256: packaged.sha256,
            metadata: convert::metadata(&packaged.metadata),
            oci: convert::oci(description),
        })
    }

    fn inspect_archive(archive: Vec<u8>, source_date_epoch: i64) -> Result<ArchiveInfo, Error> {
        let chart = loader::load_archive(&archive).map_err(convert::error)?;
        let description = oci::describe(&chart.metadata, source_date_epoch);
        Ok(ArchiveInfo {
            metadata: convert::metadata(&chart.metadata),
            sha256: sha256_hex(&archive),
            oci: convert::oci(description),
        })
    }
    fn select_version(versions: Vec<String>, constraint: String) -> Result<Option<String>, Error> {
        constraint::select_version(&versions, &constraint)
            .map_err(|e| Error::Invalid(e.to_string()))
    }

    fn satisfies(version: String, constraint: String) -> Result<bool, Error> {
        constraint::satisfies(&version, &constraint).map_err(|e| Error::Invalid(e.to_string()))
    }

    fn resolve_from_index(
        index: Vec<u8>,
        name: String,
        constraint: String,
    ) -> Result<IndexEntry, Error> {
        let parsed = repo_index::parse(&index).map_err(|e| Error::Invalid(e.to_string()))?;
        match parsed.resolve(&name, &constraint) {
            Ok(Some(entry)) => Ok(convert::index_entry(entry)),
            Ok(None) => Err(Error::NotFound(convert::offered(&parsed, &name))),
            Err(e) => Err(Error::Invalid(e.to_string())),
        }
    }

    fn lock(locked: Vec<LockedDependency>, source_date_epoch: i64) -> Result<LockFile, Error> {
        let generated = oci::rfc3339_utc(source_date_epoch);
        let requested = requested()?;
        let locked: Vec<_> = locked.into_iter().map(convert::locked_in).collect();
        let lock = lock::lock(&requested, &locked, &generated);
        Ok(LockFile {
            text: lock::lock_text(&lock),
            digest: lock.digest,
        })
    }

    fn read_lock() -> Result<LockStatus, Error> {
        let requested = requested()?;
        let existing = match read_chart_file("Chart.lock")? {
            Some(text) => Some(
                metadata::parse_lock(&text)
                    .map_err(|e| Error::Invalid(format!("cannot load Chart.lock: {e}")))?,
            ),
            None => None,
        };
        Ok(LockStatus {
            in_sync: existing
                .as_ref()
                .is_some_and(|l| lock::in_sync(&requested, l)),
            lock_digest: existing
                .as_ref()
                .map(|l| l.digest.clone())
                .unwrap_or_default(),
            locked: existing.map(|l| l.dependencies.iter().map(convert::locked_out).collect()),
            requested: requested.iter().map(convert::dependency).collect(),
        })
    }
}

/// Reads a file of the chart directory as text; `None` when it does not exist.
fn read_chart_file(name: &str) -> Result<Option<String>, Error> {
    match std::fs::read(Path::new(CHART_DIR).join(name)) {
        Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::Io(format!("{CHART_DIR}/{name}: {e}"))),
    }
}

/// The dependencies `/chart/Chart.yaml` declares, sanitised.
fn requested() -> Result<Vec<chartship_chart::Dependency>, Error> {
    let text = read_chart_file("Chart.yaml")?
        .ok_or_else(|| Error::NotFound(format!("could not find {CHART_DIR}/Chart.yaml")))?;
    lock::requested(&text).map_err(convert::error)
}

/// Lower-case hex sha256, as `sha256sum` prints it.
fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
