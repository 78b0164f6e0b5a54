//! Conversions from the chart core's Rust types to the WIT types: the only place they meet.

use chartship_chart::{Dependency, LoadError, Severity, lint, oci, repo_index};

use crate::bindings::chartship::chart::types as wit;

pub fn error(err: LoadError) -> wit::Error {
    match err {
        LoadError::NotFound(m) => wit::Error::NotFound(m),
        LoadError::Io(m) => wit::Error::Io(m),
        LoadError::TooLarge(m) => wit::Error::TooLarge(m),
        LoadError::Invalid(m) => wit::Error::Invalid(m),
    }
}

fn severity(s: Severity) -> wit::Severity {
    match s {
        Severity::Info => wit::Severity::Info,
        Severity::Warning => wit::Severity::Warning,
        Severity::Error => wit::Severity::Error,
    }
}

pub fn lint_report(report: lint::LintReport) -> wit::LintReport {
    wit::LintReport {
        metadata: report.metadata.as_ref().map(metadata),
        diagnostics: report
            .diagnostics
            .into_iter()
            .map(|d| wit::Diagnostic {
                severity: severity(d.severity),
                rule: d.rule.to_string(),
                path: d.path,
                line: d.line,
                message: d.message,
            })
            .collect(),
    }
}

pub fn metadata(m: &chartship_chart::Metadata) -> wit::ChartMetadata {
    wit::ChartMetadata {
        name: m.name.clone(),
        version: m.version.clone(),
        app_version: m.app_version.clone(),
        api_version: m.api_version.clone(),
        chart_type: m.chart_type.clone(),
        description: m.description.clone(),
        home: m.home.clone(),
        sources: m.sources.clone(),
        maintainers: m
            .maintainers
            .iter()
            .flatten()
            .map(|x| wit::Maintainer {
                name: x.name.clone(),
                email: x.email.clone(),
                url: x.url.clone(),
            })
            .collect(),
        annotations: m
            .annotations
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        dependencies: m.dependencies.iter().flatten().map(dependency).collect(),
    }
}

pub fn oci(d: oci::OciDescription) -> wit::OciDescription {
    wit::OciDescription {
        config_json: d.config_json,
        annotations: d.annotations,
    }
}

pub fn dependency(d: &Dependency) -> wit::Dependency {
    wit::Dependency {
        name: d.name.clone(),
        version: d.version.clone(),
        repository: d.repository.clone(),
        alias: d.alias.clone(),
        condition: d.condition.clone(),
    }
}

pub fn index_entry(e: repo_index::IndexEntry) -> wit::IndexEntry {
    wit::IndexEntry {
        name: e.name,
        version: e.version,
        urls: e.urls,
        digest: e.digest,
    }
}

/// The not-found text of `resolve-from-index`: what the index does offer for `name`.
pub fn offered(index: &repo_index::Index, name: &str) -> String {
    let versions = index.versions(name);
    if versions.is_empty() {
        return format!("the index has no chart named {name:?}");
    }
    let shown: Vec<&str> = versions
        .iter()
        .take(10)
        .map(|e| e.version.as_str())
        .collect();
    let more = if versions.len() > shown.len() {
        ", …"
    } else {
        ""
    };
    format!(
        "the index offers {name} only in versions {}{more}",
        shown.join(", ")
    )
}

pub fn locked_in(d: wit::LockedDependency) -> Dependency {
    Dependency {
        name: d.name,
        version: d.version,
        repository: d.repository,
        ..Dependency::default()
    }
}

pub fn locked_out(d: &Dependency) -> wit::LockedDependency {
    wit::LockedDependency {
        name: d.name.clone(),
        version: d.version.clone(),
        repository: d.repository.clone(),
    }
}
