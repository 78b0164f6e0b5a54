//! Writing `charts/` and `Chart.lock`. Archives arrive here only after the guest has opened
//! them (helm's archive rules) and found the expected chart; they are staged in a directory
//! next to the chart and moved into `charts/` together, so a failure leaves `charts/` as it was.

use std::fs;
use std::path::{Path, PathBuf};

use super::DepsError;
use crate::sandbox::{Dependency, LockedDependency, Sandbox, SandboxError};

/// A checked archive waiting to be moved into `charts/`.
pub struct Vendored {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// Opens `bytes` in the sandbox and requires the chart `dep` names, at the locked version.
pub fn check(
    sandbox: &Sandbox,
    dep: &LockedDependency,
    file_name: &str,
    bytes: &[u8],
    what: &str,
    source_date_epoch: i64,
) -> Result<(), DepsError> {
    let refused = |reason: String| DepsError::Refused {
        what: what.to_string(),
        reason,
    };
    if !is_plain_file_name(file_name) {
        return Err(refused(format!(
            "its file name {file_name:?} is not a plain .tgz name"
        )));
    }
    let info = match sandbox.inspect_archive(bytes, source_date_epoch) {
        Ok(info) => info,
        Err(SandboxError::Chart { message, .. }) => return Err(refused(message)),
        Err(e) => return Err(e.into()),
    };
    if info.metadata.name != dep.name {
        return Err(refused(format!(
            "it holds chart {:?}, not {:?}",
            info.metadata.name, dep.name
        )));
    }
    if info.metadata.version != dep.version {
        return Err(refused(format!(
            "it holds {} version {:?}, not the locked {:?}",
            dep.name, info.metadata.version, dep.version
        )));
    }
    Ok(())
}

/// A name that stays in `charts/`: no separators, not hidden, ends in `.tgz`.
fn is_plain_file_name(name: &str) -> bool {
    name.ends_with(".tgz")
        && !name.starts_with('.')
        && !name.contains(['/', '\\', '\0'])
        && name.len() <= 255
}

/// The file name helm saves an HTTP download under: the last segment of the URL path.
pub fn file_name_from_url(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let name = path.rsplit('/').next()?;
    is_plain_file_name(name).then(|| name.to_string())
}

/// Moves `fetched` into `charts/` and deletes archives that are no longer wanted: loadable
/// charts not among the new ones and not a local (`repository: ""`) dependency, as helm does.
pub fn install(
    sandbox: &Sandbox,
    chart_dir: &Path,
    fetched: &[Vendored],
    local_names: &[String],
    _requested: &[Dependency],
) -> Result<(), DepsError> {
    let charts = chart_dir.join("charts");
    let staging = staging_dir(chart_dir);
    fs::create_dir_all(&staging).map_err(DepsError::io("creating", &staging))?;
    let result = stage_and_move(&staging, &charts, fetched);
    let _ = fs::remove_dir_all(&staging);
    result?;
    let keep: Vec<&str> = fetched.iter().map(|v| v.file_name.as_str()).collect();
    let entries = fs::read_dir(&charts).map_err(DepsError::io("reading", &charts))?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if !name.ends_with(".tgz") || keep.contains(&name.as_str()) || !path.is_file() {
            continue;
        }
        let Ok(bytes) = fs::read(&path) else { continue };
        if let Ok(info) = sandbox.inspect_archive(&bytes, 0)
            && !local_names.contains(&info.metadata.name)
        {
            fs::remove_file(&path).map_err(DepsError::io("deleting", &path))?;
        }
    }
    Ok(())
}

/// `<parent>/.<chart>-deps-<pid>`: beside the chart (same file system, so the moves are
/// renames), never inside it (a leftover would be packaged).
fn staging_dir(chart_dir: &Path) -> PathBuf {
    let name = chart_dir
        .file_name()
        .map_or_else(|| "chart".into(), |n| n.to_string_lossy().into_owned());
    let parent = chart_dir.parent().unwrap_or(chart_dir);
    parent.join(format!(".{name}-deps-{}", std::process::id()))
}

fn stage_and_move(staging: &Path, charts: &Path, fetched: &[Vendored]) -> Result<(), DepsError> {
    for v in fetched {
        let path = staging.join(&v.file_name);
        fs::write(&path, &v.bytes).map_err(DepsError::io("writing", &path))?;
    }
    if !charts.is_dir() {
        fs::create_dir_all(charts).map_err(DepsError::io("creating", charts))?;
    }
    for v in fetched {
        let from = staging.join(&v.file_name);
        let to = charts.join(&v.file_name);
        if fs::rename(&from, &to).is_err() {
            // Another file system after all: copy, then rename inside charts/.
            let tmp = charts.join(format!(".{}.tmp{}", v.file_name, std::process::id()));
            fs::write(&tmp, &v.bytes)
                .and_then(|()| fs::rename(&tmp, &to))
                .map_err(DepsError::io("writing", &to))?;
        }
    }
    Ok(())
}

/// Writes Chart.lock (0644) via a temporary file; refuses a symlink, as helm does.
pub fn write_lock(chart_dir: &Path, text: &str) -> Result<(), DepsError> {
    let path = chart_dir.join("Chart.lock");
    if let Ok(target) = fs::read_link(&path) {
        return Err(DepsError::Resolve(format!(
            "the Chart.lock file is a symlink to {:?}",
            target.display().to_string()
        )));
    }
    let tmp = chart_dir.join(format!(".Chart.lock.tmp{}", std::process::id()));
    fs::write(&tmp, text)
        .and_then(|()| fs::rename(&tmp, &path))
        .map_err(|e| {
            let _ = fs::remove_file(&tmp);
            DepsError::Io {
                action: "writing",
                path: path.clone(),
                source: e,
            }
        })
}

/// helm's `dependency list` status of `dep` in `chart_dir/charts`.
pub fn status(sandbox: &Sandbox, chart_dir: &Path, dep: &Dependency) -> Result<String, DepsError> {
    let charts = chart_dir.join("charts");
    let prefix = format!("{}-", dep.name);
    let mut archives: Vec<PathBuf> = fs::read_dir(&charts)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with(&prefix) && n.ends_with(".tgz"))
                })
                .collect()
        })
        .unwrap_or_default();
    archives.sort();
    if archives.len() > 1 {
        archives.retain(|p| {
            let stem = p
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_suffix(".tgz"))
                .and_then(|n| n.strip_prefix(&prefix))
                .unwrap_or_default();
            is_strict_semver(stem)
        });
        if archives.len() > 1 {
            return Ok("too many matches".into());
        }
    }
    if let Some(archive) = archives.first() {
        let Ok(bytes) = fs::read(archive) else {
            return Ok("corrupt".into());
        };
        let info = match sandbox.inspect_archive(&bytes, 0) {
            Ok(info) => info,
            Err(SandboxError::Chart { .. }) => return Ok("corrupt".into()),
            Err(e) => return Err(e.into()),
        };
        if info.metadata.name != dep.name {
            return Ok("misnamed".into());
        }
        return version_status(sandbox, &info.metadata.version, dep, "ok");
    }
    let dir = charts.join(&dep.name);
    if dir.join("Chart.yaml").is_file()
        && let Ok(report) = sandbox.lint_dir(&dir)
        && let Some(md) = report.metadata
    {
        return version_status(sandbox, &md.version, dep, "unpacked");
    }
    Ok("missing".into())
}

fn version_status(
    sandbox: &Sandbox,
    version: &str,
    dep: &Dependency,
    good: &str,
) -> Result<String, DepsError> {
    if version == dep.version {
        return Ok(good.into());
    }
    match sandbox.satisfies(version, &dep.version) {
        Ok(true) => Ok(good.into()),
        Ok(false) if sandbox.satisfies(version, ">=0.0.0-0").unwrap_or(false) => {
            Ok("wrong version".into())
        }
        Ok(false) | Err(SandboxError::Chart { .. }) => Ok("invalid version".into()),
        Err(e) => Err(e.into()),
    }
}

/// `semver.StrictNewVersion` shape, enough to pick among `<name>-*.tgz` candidates.
fn is_strict_semver(s: &str) -> bool {
    let core = s.split(['-', '+']).next().unwrap_or_default();
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes().all(|b| b.is_ascii_digit())
                && (p.len() == 1 || !p.starts_with('0'))
        })
}
