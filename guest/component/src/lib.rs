//! chartship's chart core as a WASI component: wit-bindgen glue and type conversion only.
//!
//! All chart logic lives in `chartship-chart`; this crate maps its Rust types to the WIT types of
//! `wit/chart.wit` (in `convert`) and reads the chart from the one preopened directory.

mod convert;

use std::path::Path;

use chartship_chart::{lint, loader, oci, package};

/// The bindings wit-bindgen generates from `wit/chart.wit`; its ABI glue is the only unsafe code.
#[allow(unsafe_code)]
mod bindings {
    wit_bindgen::generate!({
        world: "chart-core",
        path: "../../wit",
    });
    use super::ChartCore;
    export!(ChartCore);
}

use bindings::exports::chartship::chart::chart::Guest;
use bindings::chartship::chart::types::{
    ArchiveInfo, ChartSource, Error, LintReport, PackageOptions, PackagedChart,
};

/// Where the host preopens the chart directory (see `wit/chart.wit`).
const CHART_DIR: &str = "/chart";

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
}

/// Lower-case hex sha256, as `sha256sum` prints it.
fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

