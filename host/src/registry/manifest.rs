//! What is uploaded for a chart: config blob, chart layer and the manifest tying them together,
//! byte for byte as helm builds it (helm-behaviour.md §4.2), plus reading manifests back.

use sha2::{Digest as _, Sha256};

/// Helm's config media type (helm `pkg/registry/constants.go` `ConfigMediaType`).
pub const HELM_CONFIG_MEDIA_TYPE: &str = "application/vnd.cncf.helm.config.v1+json";
/// Helm's chart layer media type (helm `pkg/registry/constants.go` `ChartLayerMediaType`).
pub const HELM_CHART_LAYER_MEDIA_TYPE: &str = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";
/// Helm's provenance layer media type (helm `pkg/registry/constants.go` `ProvLayerMediaType`).
pub const HELM_PROVENANCE_MEDIA_TYPE: &str = "application/vnd.cncf.helm.chart.provenance.v1.prov";
/// OCI image manifest (OCI image-spec `media-types.md`).
pub const OCI_MANIFEST_MEDIA_TYPE: &str = "application/vnd.oci.image.manifest.v1+json";
/// OCI image index (OCI image-spec `media-types.md`).
pub const OCI_INDEX_MEDIA_TYPE: &str = "application/vnd.oci.image.index.v1+json";
/// OCI image config, i.e. a container image (OCI image-spec `media-types.md`).
pub const OCI_IMAGE_CONFIG_MEDIA_TYPE: &str = "application/vnd.oci.image.config.v1+json";
/// Docker image manifest v2 schema 2 (distribution `docs/spec/manifest-v2-2.md`).
pub const DOCKER_MANIFEST_MEDIA_TYPE: &str = "application/vnd.docker.distribution.manifest.v2+json";
/// Docker manifest list (distribution `docs/spec/manifest-v2-2.md`).
pub const DOCKER_MANIFEST_LIST_MEDIA_TYPE: &str =
    "application/vnd.docker.distribution.manifest.list.v2+json";
/// Annotation naming a manifest's tag in an OCI layout's `index.json` (OCI image-spec `annotations.md`).
pub const ANNOTATION_REF_NAME: &str = "org.opencontainers.image.ref.name";

/// `Accept` for manifest reads: helm's list (helm-behaviour.md §4.5). An OCI type must be present,
/// or distribution 2.8 answers 404 for OCI manifests (test-infrastructure.md §1(e)).
pub const MANIFEST_ACCEPT: &str = "application/vnd.docker.distribution.manifest.v2+json, \
application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.manifest.v1+json, \
application/vnd.oci.image.index.v1+json, application/vnd.oci.artifact.manifest.v1+json";

/// `sha256:<hex>` of `bytes`.
pub fn sha256_digest(bytes: &[u8]) -> String {
    let hash = Sha256::digest(bytes);
    let mut out = String::with_capacity(71);
    out.push_str("sha256:");
    for b in hash {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// A content descriptor: media type, digest, size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Descriptor {
    pub media_type: String,
    pub digest: String,
    pub size: u64,
}

impl Descriptor {
    pub fn of(media_type: &str, bytes: &[u8]) -> Self {
        Self {
            media_type: media_type.into(),
            digest: sha256_digest(bytes),
            size: bytes.len() as u64,
        }
    }

    fn write_json(&self, out: &mut String) {
        out.push_str("{\"mediaType\":");
        go_json_string(&self.media_type, out);
        out.push_str(",\"digest\":");
        go_json_string(&self.digest, out);
        out.push_str(&format!(",\"size\":{}}}", self.size));
    }
}

/// One chart as it goes to a registry. `config_json` and `annotations` come from the guest
/// (`chartship_chart::oci::describe`); the archive bytes are uploaded unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartArtifact {
    pub archive: Vec<u8>,
    pub config_json: String,
    pub annotations: Vec<(String, String)>,
}

/// Manifest bytes and their digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    pub bytes: Vec<u8>,
    pub digest: String,
}

impl ChartArtifact {
    pub fn config_descriptor(&self) -> Descriptor {
        Descriptor::of(HELM_CONFIG_MEDIA_TYPE, self.config_json.as_bytes())
    }

    pub fn layer_descriptor(&self) -> Descriptor {
        Descriptor::of(HELM_CHART_LAYER_MEDIA_TYPE, &self.archive)
    }

    /// The blobs to upload, config first: (descriptor, bytes).
    pub fn blobs(&self) -> [(Descriptor, &[u8]); 2] {
        [
            (self.config_descriptor(), self.config_json.as_bytes()),
            (self.layer_descriptor(), &self.archive),
        ]
    }

    /// Helm's manifest: Go `json.Marshal` of `{schemaVersion, config, layers, annotations}` — compact,
    /// no `mediaType`/`artifactType` field, layers sorted by digest, annotation keys sorted bytewise,
    /// `annotations` omitted when empty, strings HTML-escaped as Go does.
    pub fn manifest(&self) -> Manifest {
        let mut out = String::with_capacity(600);
        out.push_str("{\"schemaVersion\":2,\"config\":");
        self.config_descriptor().write_json(&mut out);
        out.push_str(",\"layers\":[");
        self.layer_descriptor().write_json(&mut out);
        out.push(']');
        let mut annotations: Vec<&(String, String)> = self.annotations.iter().collect();
        annotations.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        annotations.dedup_by(|a, b| a.0 == b.0);
        if !annotations.is_empty() {
            out.push_str(",\"annotations\":{");
            for (i, (key, value)) in annotations.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                go_json_string(key, &mut out);
                out.push(':');
                go_json_string(value, &mut out);
            }
            out.push('}');
        }
        out.push('}');
        let bytes = out.into_bytes();
        Manifest {
            digest: sha256_digest(&bytes),
            bytes,
        }
    }
}

/// A JSON string as Go's `encoding/json` writes it: `<`, `>`, `&`, U+2028 and U+2029 escaped as
/// `\u00XX`/`\u20XX`, `\b \f \n \r \t` short escapes, other control characters as `\u00XX`.
pub fn go_json_string(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// What a fetched manifest says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestInfo {
    /// `mediaType` field, else the `Content-Type` it was served with.
    pub media_type: String,
    /// `config.mediaType` (absent for indexes).
    pub config_media_type: Option<String>,
    /// Layer descriptors (empty for indexes).
    pub layers: Vec<Descriptor>,
    pub config: Option<Descriptor>,
}

/// Reads the fields chartship needs from a manifest body; `None` if it is not JSON.
pub fn inspect_manifest(bytes: &[u8], content_type: Option<&str>) -> Option<ManifestInfo> {
    let value: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    let descriptor = |v: &serde_json::Value| -> Option<Descriptor> {
        Some(Descriptor {
            media_type: v.get("mediaType")?.as_str()?.to_string(),
            digest: v.get("digest")?.as_str()?.to_string(),
            size: v.get("size")?.as_u64()?,
        })
    };
    let config = value.get("config").and_then(descriptor);
    let media_type = value
        .get("mediaType")
        .and_then(|m| m.as_str())
        .map(str::to_string)
        .or_else(|| content_type.map(|c| c.split(';').next().unwrap_or(c).trim().to_string()))
        .unwrap_or_else(|| {
            if value.get("manifests").is_some() {
                OCI_INDEX_MEDIA_TYPE
            } else {
                OCI_MANIFEST_MEDIA_TYPE
            }
            .to_string()
        });
    let layers = value
        .get("layers")
        .and_then(|l| l.as_array())
        .map(|l| l.iter().filter_map(descriptor).collect())
        .unwrap_or_default();
    Some(ManifestInfo {
        media_type,
        config_media_type: config.as_ref().map(|c| c.media_type.clone()),
        layers,
        config,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_bytes_match_helms_shape() {
        let artifact = ChartArtifact {
            archive: b"chart bytes".to_vec(),
            config_json: r#"{"name":"mychart","version":"0.1.0","apiVersion":"v2"}"#.into(),
            annotations: vec![
                ("org.opencontainers.image.version".into(), "0.1.0".into()),
                (
                    "org.opencontainers.image.description".into(),
                    "A <b> & c".into(),
                ),
                (
                    "org.opencontainers.image.created".into(),
                    "2026-11-29T09:25:57Z".into(),
                ),
            ],
        };
        let m = artifact.manifest();
        let text = String::from_utf8(m.bytes.clone()).expect("utf8");
        let expected = format!(
            "{{\"schemaVersion\":2,\"config\":{{\"mediaType\":\"application/vnd.cncf.helm.config.v1+json\",\"digest\":\"{}\",\"size\":{}}},\"layers\":[{{\"mediaType\":\"application/vnd.cncf.helm.chart.content.v1.tar+gzip\",\"digest\":\"{}\",\"size\":11}}],\"annotations\":{{\"org.opencontainers.image.created\":\"2026-11-29T09:25:57Z\",\"org.opencontainers.image.description\":\"A \\u003cb\\u003e \\u0026 c\",\"org.opencontainers.image.version\":\"0.1.0\"}}}}",
            sha256_digest(artifact.config_json.as_bytes()),
            artifact.config_json.len(),
            sha256_digest(b"chart bytes"),
        );
        assert_eq!(text, expected);
        assert_eq!(m.digest, sha256_digest(&m.bytes));
        let info = inspect_manifest(&m.bytes, Some("application/vnd.oci.image.manifest.v1+json"))
            .expect("json");
        assert_eq!(
            info.config_media_type.as_deref(),
            Some(HELM_CONFIG_MEDIA_TYPE)
        );
        assert_eq!(info.media_type, OCI_MANIFEST_MEDIA_TYPE);
    }

    #[test]
    fn no_annotations_field_when_empty() {
        let artifact = ChartArtifact {
            archive: vec![1],
            config_json: "{}".into(),
            annotations: vec![],
        };
        let text = String::from_utf8(artifact.manifest().bytes).expect("utf8");
        assert!(!text.contains("annotations"), "{text}");
        assert!(text.ends_with("]}"), "{text}");
    }

    #[test]
    fn known_digest() {
        assert_eq!(
            sha256_digest(b""),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
