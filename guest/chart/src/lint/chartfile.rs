//! The Chartfile group (`pkg/chart/v2/lint/rules/chartfile.go`): Chart.yaml parsed leniently,
//! strictly and as a generic map, then checked field by field.

use super::{Linter, validators};
use crate::metadata;
use crate::semver::Version;
use crate::source::Kind;
use crate::yaml::{self, Value};
use crate::{LoadError, Metadata, Severity};

const PATH: &str = "Chart.yaml";

pub(super) fn run(l: &mut Linter<'_>) -> Result<(), LoadError> {
    let is_dir = l.stat(&[PATH])? == Some(Kind::Dir);
    if is_dir {
        l.add(
            Severity::Error,
            "chartfile.not-a-file",
            PATH,
            None,
            "should be a file, not a directory".into(),
        );
    }
    let Some(data) = l.read(&[PATH])? else {
        let what = if is_dir {
            "is a directory"
        } else {
            "no such file or directory"
        };
        let message = format!(
            "unable to parse YAML\n\tread {}/{PATH}: {what}",
            l.chart_dir
        );
        l.add(Severity::Error, "chartfile.parse", PATH, None, message);
        return Ok(());
    };
    let text = String::from_utf8_lossy(&data).into_owned();
    let md = match metadata::parse_chart_yaml(&text) {
        Ok(md) => md,
        Err(e) => {
            l.add(
                Severity::Error,
                "chartfile.parse",
                PATH,
                e.line,
                format!("unable to parse YAML\n\t{e}"),
            );
            return Ok(());
        }
    };
    l.report.metadata = Some(md.clone());
    if let Err(e) = metadata::parse_chart_yaml_strict(&text) {
        let message = format!("failed to strictly parse chart metadata file\n\t{e}");
        l.add(
            Severity::Warning,
            "chartfile.strict-parse",
            PATH,
            e.line,
            message,
        );
    }
    // helm ignores errors of the generic parse: the map is then empty and no type is checked.
    let generic = yaml::parse(&text)
        .ok()
        .filter(|v| crate::loader::non_finite(v).is_none());
    let line = |key: &str| yaml::line_of_key(&text, &[key]);
    let mut err = |rule: &'static str, key: &str, message: String| {
        l.add(Severity::Error, rule, PATH, line(key), message);
    };

    if md.name.is_empty() {
        err("chartfile.name-required", "name", "name is required".into());
    } else if metadata::go_base(&md.name) != md.name {
        err(
            "chartfile.name-invalid",
            "name",
            format!("chart name {:?} is invalid", md.name),
        );
    }
    if md.api_version.is_empty() {
        err(
            "chartfile.api-version-required",
            "apiVersion",
            "apiVersion is required. The value must be either \"v1\" or \"v2\"".into(),
        );
    } else if md.api_version != "v1" && md.api_version != "v2" {
        let m = format!(
            "apiVersion '{}' is not valid. The value must be either \"v1\" or \"v2\"",
            md.api_version
        );
        err("chartfile.api-version-invalid", "apiVersion", m);
    }
    if let Some(t) = generic
        .as_ref()
        .and_then(|g| go_type_if_not_string(g, "version"))
    {
        err(
            "chartfile.version-type",
            "version",
            format!("version should be of type string but it's of type {t}"),
        );
    }
    if let Some(m) = version_problem(&md) {
        let rule = if md.version.is_empty() {
            "chartfile.version-required"
        } else if m.ends_with("is not a valid SemVer") {
            "chartfile.version-semver"
        } else {
            "chartfile.version-range"
        };
        err(rule, "version", m);
    }
    if let Some(t) = generic
        .as_ref()
        .and_then(|g| go_type_if_not_string(g, "appVersion"))
    {
        let m = format!("appVersion should be of type string but it's of type {t}");
        err("chartfile.app-version-type", "appVersion", m);
    }
    if let Some(m) = maintainer_problem(&md) {
        err("chartfile.maintainer-invalid", "maintainers", m);
    }
    if let Some(s) = md
        .sources
        .iter()
        .find(|s| s.is_empty() || !validators::is_request_url(s))
    {
        err(
            "chartfile.source-invalid",
            "sources",
            format!("invalid source URL '{s}'"),
        );
    }
    if md.icon.is_empty() {
        l.add(
            Severity::Info,
            "chartfile.icon-recommended",
            PATH,
            None,
            "icon is recommended".into(),
        );
    } else if !validators::is_request_url(&md.icon) {
        l.add(
            Severity::Error,
            "chartfile.icon-invalid",
            PATH,
            line("icon"),
            format!("invalid icon URL '{}'", md.icon),
        );
    }
    let mut err = |rule: &'static str, key: &str, message: String| {
        l.add(Severity::Error, rule, PATH, line(key), message);
    };
    if !md.chart_type.is_empty() && md.api_version != "v2" {
        let m = format!(
            "chart type is not valid in apiVersion '{}'. It is valid in apiVersion 'v2'",
            md.api_version
        );
        err("chartfile.type-api-version", "type", m);
    }
    if !md.dependencies.is_empty() && md.api_version != "v2" {
        let m = format!(
            "dependencies are not valid in the Chart file with apiVersion '{}'. They are valid in apiVersion 'v2'",
            md.api_version
        );
        err("chartfile.dependencies-api-version", "dependencies", m);
    }
    if Version::parse_strict(&md.version).is_err() {
        let m = format!("version '{}' is not a valid SemVerV2", md.version);
        l.add(
            Severity::Warning,
            "chartfile.version-semver-v2",
            PATH,
            line("version"),
            m,
        );
    }
    Ok(())
}

/// Go's `%T` of a value decoded through JSON into `map[string]any`, unless it is a string.
fn go_type_if_not_string(generic: &Value, key: &str) -> Option<&'static str> {
    let v = match generic {
        Value::Map(entries) => entries
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)?,
        _ => return None,
    };
    match v {
        Value::String(_) => None,
        Value::Null => Some("<nil>"),
        Value::Bool(_) => Some("bool"),
        Value::Int(_) | Value::Float(_) => Some("float64"),
        Value::Seq(_) => Some("[]interface {}"),
        Value::Map(_) => Some("map[string]interface {}"),
    }
}

/// Rules 9–11: required, loose SemVer, and the constraint `>0.0.0-0`.
fn version_problem(md: &Metadata) -> Option<String> {
    if md.version.is_empty() {
        return Some("version is required".into());
    }
    let Ok(v) = Version::parse(&md.version) else {
        return Some(format!("version '{}' is not a valid SemVer", md.version));
    };
    let floor = Version::parse("0.0.0-0").ok()?;
    // Masterminds' `>` check: the constraint has a prerelease, so prereleases may pass.
    (v <= floor).then(|| format!("version {v} is less than or equal to 0.0.0-0"))
}

fn maintainer_problem(md: &Metadata) -> Option<String> {
    for m in &md.maintainers {
        let Some(m) = m else {
            return Some("a maintainer entry is empty".into());
        };
        if m.name.is_empty() {
            return Some("each maintainer requires a name".into());
        } else if !m.email.is_empty() && !validators::is_email(&m.email) {
            return Some(format!(
                "invalid email '{}' for maintainer '{}'",
                m.email, m.name
            ));
        } else if !m.url.is_empty() && !validators::is_url(&m.url) {
            return Some(format!(
                "invalid url '{}' for maintainer '{}'",
                m.url, m.name
            ));
        }
    }
    None
}
