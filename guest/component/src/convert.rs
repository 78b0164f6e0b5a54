//! Conversions from the chart core's Rust types to the WIT types: the only place they meet.

use chartship_chart::{LoadError, Severity, lint, oci};

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
        dependencies: m
            .dependencies
            .iter()
            .flatten()
            .map(|d| wit::Dependency {
                name: d.name.clone(),
                version: d.version.clone(),
                repository: d.repository.clone(),
                alias: d.alias.clone(),
                condition: d.condition.clone(),
            })
            .collect(),
    }
}

pub fn oci(d: oci::OciDescription) -> wit::OciDescription {
    wit::OciDescription {
        config_json: d.config_json,
        annotations: d.annotations,
    }
}
