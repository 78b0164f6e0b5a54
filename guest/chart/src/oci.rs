//! How helm describes a chart to an OCI registry (`pkg/registry/chart.go`, `client.go Push`):
//! the config blob is `json.Marshal(metadata)` and the manifest carries annotations derived
//! from Chart.yaml. `created` comes from the source-date-epoch, never a clock.

use std::collections::BTreeMap;

use crate::Metadata;
use crate::gojson;
use crate::package::metadata_value;

/// Media type of the config blob (helm `ConfigMediaType`).
pub const CONFIG_MEDIA_TYPE: &str = "application/vnd.cncf.helm.config.v1+json";
/// Media type of the chart layer (helm `ChartLayerMediaType`).
pub const CHART_LAYER_MEDIA_TYPE: &str = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";
/// Media type of the provenance layer (helm `ProvLayerMediaType`).
pub const PROV_LAYER_MEDIA_TYPE: &str = "application/vnd.cncf.helm.chart.provenance.v1.prov";

/// OCI image-spec annotation keys helm sets (`ocispec.Annotation*`).
pub const ANNOTATION_DESCRIPTION: &str = "org.opencontainers.image.description";
pub const ANNOTATION_TITLE: &str = "org.opencontainers.image.title";
pub const ANNOTATION_VERSION: &str = "org.opencontainers.image.version";
pub const ANNOTATION_URL: &str = "org.opencontainers.image.url";
pub const ANNOTATION_CREATED: &str = "org.opencontainers.image.created";
pub const ANNOTATION_SOURCE: &str = "org.opencontainers.image.source";
pub const ANNOTATION_AUTHORS: &str = "org.opencontainers.image.authors";

/// Config JSON and manifest annotations for one chart archive.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OciDescription {
    pub config_json: String,
    /// Sorted by key.
    pub annotations: Vec<(String, String)>,
}

/// Describes `metadata` the way `helm push` does, with `created` from `source_date_epoch` (UTC).
pub fn describe(metadata: &Metadata, source_date_epoch: i64) -> OciDescription {
    OciDescription {
        config_json: config_json(metadata),
        annotations: annotations(metadata, &rfc3339_utc(source_date_epoch))
            .into_iter()
            .collect(),
    }
}

/// `json.Marshal(metadata)`: Go struct field order, omitempty, map keys sorted, HTML-escaped,
/// compact, no trailing newline.
pub fn config_json(metadata: &Metadata) -> String {
    let mut out = String::new();
    gojson::write_value_in_order(&mut out, &metadata_value(metadata, true));
    out
}

/// helm's `generateOCIAnnotations`.
fn annotations(md: &Metadata, created: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut add = |key: &str, value: &str| {
        if !value.trim().is_empty() {
            out.insert(key.to_string(), value.to_string());
        }
    };
    add(ANNOTATION_DESCRIPTION, &md.description);
    add(ANNOTATION_TITLE, &md.name);
    add(ANNOTATION_VERSION, &md.version);
    add(ANNOTATION_URL, &md.home);
    add(ANNOTATION_CREATED, created);
    if let Some(source) = md.sources.first() {
        add(ANNOTATION_SOURCE, source);
    }
    if !md.maintainers.is_empty() {
        let authors: Vec<String> = md
            .maintainers
            .iter()
            .map(|m| {
                let Some(m) = m else { return String::new() };
                if m.email.is_empty() {
                    m.name.clone()
                } else {
                    format!("{} ({})", m.name, m.email)
                }
            })
            .collect();
        add(ANNOTATION_AUTHORS, &authors.join(", "));
    }
    for (key, value) in &md.annotations {
        if key != ANNOTATION_TITLE && key != ANNOTATION_VERSION {
            out.insert(key.clone(), value.clone());
        }
    }
    out
}

/// `time.Unix(epoch, 0).UTC().Format(time.RFC3339)`.
pub fn rfc3339_utc(epoch: i64) -> String {
    let days = epoch.div_euclid(86_400);
    let secs = epoch.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// Proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Dependency, Maintainer};

    #[test]
    fn helm_create_config_blob() {
        let md = Metadata {
            api_version: "v2".into(),
            name: "mychart".into(),
            description: "A Helm chart for Kubernetes".into(),
            chart_type: "application".into(),
            version: "0.1.0".into(),
            app_version: "1.16.0".into(),
            ..Metadata::default()
        };
        assert_eq!(
            config_json(&md),
            r#"{"name":"mychart","version":"0.1.0","description":"A Helm chart for Kubernetes","apiVersion":"v2","appVersion":"1.16.0","type":"application"}"#
        );
    }

    #[test]
    fn config_blob_escapes_html_and_orders_fields() {
        let md = Metadata {
            api_version: "v2".into(),
            name: "c".into(),
            version: "1.0.0".into(),
            kube_version: ">=1.20.0-0".into(),
            deprecated: true,
            annotations: [
                ("b".to_string(), "<&>".to_string()),
                ("a".into(), "x".into()),
            ]
            .into(),
            maintainers: vec![
                Some(Maintainer {
                    name: "A".into(),
                    ..Maintainer::default()
                }),
                None,
            ],
            dependencies: vec![Some(Dependency {
                name: "d".into(),
                ..Dependency::default()
            })],
            ..Metadata::default()
        };
        assert_eq!(
            config_json(&md),
            r#"{"name":"c","version":"1.0.0","maintainers":[{"name":"A"},null],"apiVersion":"v2","deprecated":true,"annotations":{"a":"x","b":"\u003c\u0026\u003e"},"kubeVersion":"\u003e=1.20.0-0","dependencies":[{"name":"d","repository":""}]}"#
        );
    }

    #[test]
    fn manifest_annotations_like_helm() {
        let md = Metadata {
            name: "mychart".into(),
            version: "0.1.0+b".into(),
            description: "desc".into(),
            home: "https://home".into(),
            sources: vec!["https://s1".into(), "https://s2".into()],
            maintainers: vec![
                Some(Maintainer {
                    name: "Alice".into(),
                    email: "alice@example.com".into(),
                    url: String::new(),
                }),
                Some(Maintainer {
                    name: "Bob".into(),
                    ..Maintainer::default()
                }),
            ],
            annotations: [
                (ANNOTATION_TITLE.to_string(), "nope".to_string()),
                (ANNOTATION_URL.to_string(), "https://override".to_string()),
                ("custom".to_string(), "v".to_string()),
            ]
            .into(),
            ..Metadata::default()
        };
        let d = describe(&md, 1_767_323_045);
        let get = |k: &str| {
            d.annotations
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(get(ANNOTATION_CREATED), Some("2026-01-02T03:04:05Z"));
        assert_eq!(get(ANNOTATION_TITLE), Some("mychart"));
        assert_eq!(get(ANNOTATION_VERSION), Some("0.1.0+b"));
        assert_eq!(get(ANNOTATION_URL), Some("https://override"));
        assert_eq!(get(ANNOTATION_SOURCE), Some("https://s1"));
        assert_eq!(
            get(ANNOTATION_AUTHORS),
            Some("Alice (alice@example.com), Bob")
        );
        assert_eq!(get("custom"), Some("v"));
        let keys: Vec<&String> = d.annotations.iter().map(|(k, _)| k).collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
    }

    #[test]
    fn civil_dates() {
        assert_eq!(rfc3339_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339_utc(-1), "1969-12-31T23:59:59Z");
        assert_eq!(rfc3339_utc(4_102_444_799), "2099-12-31T23:59:59Z");
    }
}
