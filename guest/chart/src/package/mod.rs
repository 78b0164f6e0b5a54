//! Writing a chart archive like `helm package`: the same entries in the same order, Chart.yaml
//! and Chart.lock re-serialised as helm does, subcharts expanded; but reproducible: every entry
//! carries the source-date-epoch instead of a file mtime, and subcharts come in sorted order.

mod chartfile;
mod gzip;
mod tar;

use sha2::{Digest, Sha256};

pub(crate) use chartfile::metadata_value;
pub use chartfile::{chart_lock, chart_yaml};

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

/// Packages `chart` into a `.tgz` (helm `package` steps 5–9: overrides, dependency check,
/// validation, archive).
pub fn package(chart: &Chart, options: &PackageOptions) -> Result<Packaged, LoadError> {
    let mut chart = chart.clone();
    // helm ignores empty flags, then checks whatever version the chart ends up with.
    if let Some(version) = options.version.as_ref().filter(|v| !v.is_empty()) {
        chart.metadata.version = version.clone();
    }
    crate::semver::Version::parse(&chart.metadata.version)
        .map_err(|e| LoadError::Invalid(e.to_string()))?;
    if let Some(app_version) = options.app_version.as_ref().filter(|v| !v.is_empty()) {
        chart.metadata.app_version = app_version.clone();
    }
    check_dependencies(&chart)?;
    let tar = archive_tar(&mut chart, options.source_date_epoch)
        .map_err(|e| LoadError::Invalid(format!("failed to save: {e}")))?;
    let archive = gzip::gzip(&tar).map_err(|e| LoadError::Io(format!("failed to save: {e}")))?;
    let sha256 = hex(&Sha256::digest(&archive));
    let metadata = chart.metadata;
    Ok(Packaged {
        file_name: format!("{}-{}.tgz", metadata.name, metadata.version),
        archive,
        sha256,
        metadata,
    })
}

/// helm's `CheckDependencies`: every dependency declared in Chart.yaml must name a chart
/// present in `charts/` (aliases, versions and conditions are not looked at).
fn check_dependencies(chart: &Chart) -> Result<(), LoadError> {
    let missing: Vec<&str> = chart
        .metadata
        .dependencies
        .iter()
        .flatten()
        .filter(|d| {
            !chart
                .dependencies
                .iter()
                .any(|sub| sub.metadata.name == d.name)
        })
        .map(|d| d.name.as_str())
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(LoadError::Invalid(format!(
            "found in Chart.yaml, but missing in charts/ directory: {}",
            missing.join(", ")
        )))
    }
}

/// The uncompressed archive (helm's `Save` after validation).
fn archive_tar(chart: &mut Chart, mtime: i64) -> Result<Vec<u8>, String> {
    chart
        .metadata
        .validate()
        .map_err(|e| format!("chart validation: {e}"))?;
    let mut tar = tar::TarWriter::default();
    write_chart(&mut tar, chart, "", mtime)?;
    Ok(tar.finish())
}

/// helm's `writeTarContents` for `chart` under `prefix`.
fn write_chart(
    tar: &mut tar::TarWriter,
    chart: &Chart,
    prefix: &str,
    mtime: i64,
) -> Result<(), String> {
    let md = &chart.metadata;
    let base = if prefix.is_empty() {
        md.name.clone()
    } else {
        format!("{prefix}/{}", md.name)
    };
    tar.append(
        &format!("{base}/Chart.yaml"),
        chart_yaml(md).as_bytes(),
        mtime,
    );
    if md.api_version == "v2"
        && let Some(lock) = &chart.lock
    {
        tar.append(
            &format!("{base}/Chart.lock"),
            chart_lock(lock).as_bytes(),
            mtime,
        );
    }
    if let Some(values) = &chart.values {
        tar.append(&format!("{base}/values.yaml"), values, mtime);
    }
    if let Some(schema) = chart.schema.as_ref().filter(|s| !s.is_empty()) {
        if serde_json::from_slice::<serde::de::IgnoredAny>(schema).is_err() {
            return Err("invalid JSON in values.schema.json".into());
        }
        tar.append(&format!("{base}/values.schema.json"), schema, mtime);
    }
    for f in chart.templates.iter().chain(&chart.files) {
        tar.append(&format!("{base}/{}", f.name), &f.data, mtime);
    }
    let mut subcharts: Vec<&Chart> = chart.dependencies.iter().collect();
    subcharts.sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));
    let sub_prefix = format!("{base}/charts");
    for sub in subcharts {
        write_chart(tar, sub, &sub_prefix, mtime)?;
    }
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
