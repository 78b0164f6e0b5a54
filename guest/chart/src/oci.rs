//! How helm describes a chart to an OCI registry: config blob and manifest annotations
//! (stub, being written).

use crate::Metadata;

/// Config JSON and manifest annotations for one chart archive.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OciDescription {
    pub config_json: String,
    /// Sorted by key.
    pub annotations: Vec<(String, String)>,
}

/// Describes `metadata` the way `helm push` does, with `created` from `source_date_epoch` (UTC).
pub fn describe(metadata: &Metadata, source_date_epoch: i64) -> OciDescription {
    let _ = (metadata, source_date_epoch);
    OciDescription::default()
}
