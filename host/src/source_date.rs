//! The source-date-epoch stamped into archives: `SOURCE_DATE_EPOCH`, else the last commit time
//! of the chart directory, else a fixed date. Never the clock: a rebuild of the same commit must
//! give the same bytes.

use std::path::Path;
use std::process::Command;

/// Used when neither `SOURCE_DATE_EPOCH` nor git history is available:
/// 1980-01-01T00:00:00Z, the earliest time ZIP and many reproducible-build tools can represent.
pub const FALLBACK_EPOCH: i64 = 315_532_800;

/// Where the value came from, for reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Env,
    GitCommit,
    Fallback,
}

/// Resolves the source-date-epoch for `chart_dir`.
pub fn resolve(chart_dir: &Path) -> Result<(i64, Origin), String> {
    if let Some(raw) = std::env::var_os("SOURCE_DATE_EPOCH") {
        let raw = raw.to_string_lossy();
        return raw
            .trim()
            .parse::<i64>()
            .map(|v| (v, Origin::Env))
            .map_err(|_| {
                format!(
                    "SOURCE_DATE_EPOCH={raw:?} is not a whole number of seconds since 1970-01-01"
                )
            });
    }
    if let Some(epoch) = last_commit_time(chart_dir) {
        return Ok((epoch, Origin::GitCommit));
    }
    Ok((FALLBACK_EPOCH, Origin::Fallback))
}

fn last_commit_time(dir: &Path) -> Option<i64> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["log", "-1", "--format=%ct", "--", "."])
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    String::from_utf8(output.stdout).ok()?.trim().parse().ok()
}
