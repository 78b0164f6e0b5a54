//! Conversions from the WIT types the guest returns to the host's own types: the only place
//! the two meet on the host side.

use std::path::Path;

use serde::Serialize;

use super::bindings::chartship::chart::types as wit;
use super::{ChartErrorKind, GUEST_CHART_DIR, SandboxError};

/// helm lint's severities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    /// The label helm prints.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Info => "INFO",
            Severity::Warning => "WARNING",
            Severity::Error => "ERROR",
        }
    }
}

/// One lint finding, with guest paths translated to host paths.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub rule: String,
    pub path: String,
    pub line: Option<u32>,
    pub message: String,
}

/// The chart metadata the guest reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChartMetadata {
    pub name: String,
    pub version: String,
    pub app_version: String,
    pub api_version: String,
    pub chart_type: String,
    pub description: String,
    pub home: String,
    pub sources: Vec<String>,
    pub annotations: Vec<(String, String)>,
    pub dependencies: Vec<Dependency>,
}

/// A declared dependency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dependency {
    pub name: String,
    pub version: String,
    pub repository: String,
    pub alias: String,
    pub condition: String,
}

/// The outcome of a lint run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LintReport {
    pub metadata: Option<ChartMetadata>,
    pub diagnostics: Vec<Diagnostic>,
}

/// A packaged chart and what a registry needs to store it.
#[derive(Debug, Clone)]
pub struct PackagedChart {
    pub file_name: String,
    pub archive: Vec<u8>,
    pub sha256: String,
    pub metadata: ChartMetadata,
    pub config_json: String,
    pub annotations: Vec<(String, String)>,
}

/// What the guest found in an untrusted archive.
#[derive(Debug, Clone)]
pub struct ArchiveInfo {
    pub metadata: ChartMetadata,
    pub sha256: String,
    pub config_json: String,
    pub annotations: Vec<(String, String)>,
}

/// A guest error, with the guest's `/chart` paths in its text shown as the user's directory.
pub fn chart_error(err: wit::Error, chart_dir: Option<&Path>) -> SandboxError {
    let (kind, message) = match err {
        wit::Error::NotFound(m) => (ChartErrorKind::NotFound, m),
        wit::Error::Io(m) => (ChartErrorKind::Io, m),
        wit::Error::TooLarge(m) => (ChartErrorKind::TooLarge, m),
        wit::Error::Invalid(m) => (ChartErrorKind::Invalid, m),
    };
    SandboxError::Chart {
        kind,
        message: host_message(message, chart_dir),
    }
}

/// Replaces the guest's `/chart` prefix by the host directory the user named.
fn host_path(path: String, chart_dir: Option<&Path>) -> String {
    let Some(dir) = chart_dir else { return path };
    if path == GUEST_CHART_DIR {
        return dir.display().to_string();
    }
    match path
        .strip_prefix(GUEST_CHART_DIR)
        .and_then(|p| p.strip_prefix('/'))
    {
        Some(rest) => dir.join(rest).display().to_string(),
        None => path,
    }
}

pub fn lint_report(report: wit::LintReport, chart_dir: Option<&Path>) -> LintReport {
    LintReport {
        metadata: report.metadata.map(metadata),
        diagnostics: report
            .diagnostics
            .into_iter()
            .map(|d| Diagnostic {
                severity: match d.severity {
                    wit::Severity::Info => Severity::Info,
                    wit::Severity::Warning => Severity::Warning,
                    wit::Severity::Error => Severity::Error,
                },
                rule: d.rule,
                path: host_path(d.path, chart_dir),
                line: d.line,
                message: host_message(d.message, chart_dir),
            })
            .collect(),
    }
}

/// Messages may quote the guest path too (helm's `stat <dir>/Chart.yaml: …`).
fn host_message(message: String, chart_dir: Option<&Path>) -> String {
    match chart_dir {
        Some(dir) if message.contains(GUEST_CHART_DIR) => {
            message.replace(GUEST_CHART_DIR, &dir.display().to_string())
        }
        _ => message,
    }
}

pub fn metadata(m: wit::ChartMetadata) -> ChartMetadata {
    ChartMetadata {
        name: m.name,
        version: m.version,
        app_version: m.app_version,
        api_version: m.api_version,
        chart_type: m.chart_type,
        description: m.description,
        home: m.home,
        sources: m.sources,
        annotations: m.annotations,
        dependencies: m
            .dependencies
            .into_iter()
            .map(|d| Dependency {
                name: d.name,
                version: d.version,
                repository: d.repository,
                alias: d.alias,
                condition: d.condition,
            })
            .collect(),
    }
}

pub fn packaged(p: wit::PackagedChart) -> PackagedChart {
    PackagedChart {
        file_name: p.file_name,
        archive: p.archive,
        sha256: p.sha256,
        metadata: metadata(p.metadata),
        config_json: p.oci.config_json,
        annotations: p.oci.annotations,
    }
}

pub fn archive_info(a: wit::ArchiveInfo) -> ArchiveInfo {
    ArchiveInfo {
        metadata: metadata(a.metadata),
        sha256: a.sha256,
        config_json: a.oci.config_json,
        annotations: a.oci.annotations,
    }
}

/// One chart version a repository index offers (see `index-entry` in the WIT).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexEntry {
    pub name: String,
    pub version: String,
    pub urls: Vec<String>,
    /// Bare lower-case hex sha256, empty when the index gives none.
    pub digest: String,
}

/// A resolved dependency as Chart.lock records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockedDependency {
    pub name: String,
    pub version: String,
    pub repository: String,
}

/// A Chart.lock written by the guest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockFile {
    pub text: String,
    pub digest: String,
}

/// A chart's Chart.lock against its Chart.yaml.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockStatus {
    pub requested: Vec<Dependency>,
    pub locked: Option<Vec<LockedDependency>>,
    pub lock_digest: String,
    pub in_sync: bool,
}

fn dependency(d: wit::Dependency) -> Dependency {
    Dependency {
        name: d.name,
        version: d.version,
        repository: d.repository,
        alias: d.alias,
        condition: d.condition,
    }
}

pub fn index_entry(e: wit::IndexEntry) -> IndexEntry {
    IndexEntry {
        name: e.name,
        version: e.version,
        urls: e.urls,
        digest: e.digest,
    }
}

pub fn locked_to_wit(d: &LockedDependency) -> wit::LockedDependency {
    wit::LockedDependency {
        name: d.name.clone(),
        version: d.version.clone(),
        repository: d.repository.clone(),
    }
}

fn locked_from_wit(d: wit::LockedDependency) -> LockedDependency {
    LockedDependency {
        name: d.name,
        version: d.version,
        repository: d.repository,
    }
}

pub fn lock_file(l: wit::LockFile) -> LockFile {
    LockFile {
        text: l.text,
        digest: l.digest,
    }
}

pub fn lock_status(s: wit::LockStatus) -> LockStatus {
    LockStatus {
        requested: s.requested.into_iter().map(dependency).collect(),
        locked: s
            .locked
            .map(|l| l.into_iter().map(locked_from_wit).collect()),
        lock_digest: s.lock_digest,
        in_sync: s.in_sync,
    }
}
