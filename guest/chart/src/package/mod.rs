//! Writing a chart archive like `helm package`, reproducibly (stub, being written).

use crate::{Chart, LoadError, Metadata};

/// Options of `package`, mirroring helm's `--version` and `--app-version`.
#[derive(Debug, Clone, Default)]
pub struct PackageOptions {
    pub version: Option<String>,
    pub app_version: Option<String>,
    /// Seconds since the epoch stamped on every entry.
    pub source_date_epoch: i64,
}

/// A packaged chart.
#[derive(Debug, Clone)]
pub struct Packaged {
    /// `<name>-<version>.tgz`
    pub file_name: String,
    pub archive: Vec<u8>,
    /// Lower-case hex sha256 of `archive`.
    pub sha256: String,
    pub metadata: Metadata,
}

/// Packages `chart` into a `.tgz`.
pub fn package(chart: &Chart, options: &PackageOptions) -> Result<Packaged, LoadError> {
    let _ = (chart, options);
    Err(LoadError::Invalid("packaging is not implemented yet".into()))
}
