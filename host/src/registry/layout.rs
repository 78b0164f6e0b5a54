//! Writing a chart into an OCI image layout directory (OCI image-spec `image-layout.md`): the
//! `oci-layout` marker, `blobs/sha256/<hex>`, and `index.json` naming the tag through the
//! `org.opencontainers.image.ref.name` annotation — what `oras` and `skopeo` read as `oci:<dir>:<tag>`.
//! Every file is written to a temporary name and renamed; blobs first, `index.json` last, so a
//! failure never leaves the index pointing at missing content.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use super::manifest::{
    ANNOTATION_REF_NAME, ChartArtifact, OCI_INDEX_MEDIA_TYPE, OCI_MANIFEST_MEDIA_TYPE,
    inspect_manifest,
};

/// Content of the `oci-layout` marker file.
pub const LAYOUT_MARKER: &str = r#"{"imageLayoutVersion":"1.0.0"}"#;

/// A layout error: path and what went wrong.
#[derive(Debug)]
pub struct LayoutError {
    pub path: PathBuf,
    pub detail: String,
}

fn io_err(path: &Path, e: std::io::Error) -> LayoutError {
    LayoutError {
        path: path.to_path_buf(),
        detail: e.to_string(),
    }
}

/// An OCI layout directory.
pub struct Layout {
    root: PathBuf,
}

/// What a tag in the layout points at.
pub struct Existing {
    pub digest: String,
    pub config_media_type: Option<String>,
    pub media_type: String,
}

impl Layout {
    pub fn new(root: &Path) -> Self {
        Self {
            root: root.to_path_buf(),
        }
    }

    fn blob_path(&self, digest: &str) -> Result<PathBuf, LayoutError> {
        match digest.strip_prefix("sha256:") {
            Some(hex) if hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
                Ok(self.root.join("blobs/sha256").join(hex))
            }
            _ => Err(LayoutError {
                path: self.root.clone(),
                detail: format!("unsupported digest {digest}"),
            }),
        }
    }

    fn read_index(&self) -> Result<Option<Value>, LayoutError> {
        let path = self.root.join("index.json");
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|e| LayoutError {
                    path,
                    detail: format!("index.json is not valid JSON: {e}"),
                }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io_err(&path, e)),
        }
    }

    /// What `tag` points at, if anything.
    pub fn resolve(&self, tag: &str) -> Result<Option<Existing>, LayoutError> {
        let Some(index) = self.read_index()? else {
            return Ok(None);
        };
        let Some(entry) = manifests(&index).iter().find(|m| ref_name(m) == Some(tag)) else {
            return Ok(None);
        };
        let digest = entry
            .get("digest")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let media_type = entry
            .get("mediaType")
            .and_then(Value::as_str)
            .unwrap_or(OCI_MANIFEST_MEDIA_TYPE)
            .to_string();
        let path = self.blob_path(&digest)?;
        let config_media_type = match std::fs::read(&path) {
            Ok(bytes) => {
                inspect_manifest(&bytes, Some(&media_type)).and_then(|i| i.config_media_type)
            }
            Err(_) => None,
        };
        Ok(Some(Existing {
            digest,
            config_media_type,
            media_type,
        }))
    }

    /// Writes the artifact's blobs and manifest, then points `tag` at it in `index.json`
    /// (replacing any entry with that tag).
    pub fn write(&self, artifact: &ChartArtifact, tag: &str) -> Result<(String, u64), LayoutError> {
        std::fs::create_dir_all(self.root.join("blobs/sha256"))
            .map_err(|e| io_err(&self.root, e))?;
        let marker = self.root.join("oci-layout");
        if !marker.exists() {
            write_atomic(&marker, LAYOUT_MARKER.as_bytes())?;
        }
        for (descriptor, bytes) in artifact.blobs() {
            self.write_blob(&descriptor.digest, bytes)?;
        }
        let manifest = artifact.manifest();
        self.write_blob(&manifest.digest, &manifest.bytes)?;
        let mut index = self
            .read_index()?
            .unwrap_or_else(|| json!({"schemaVersion": 2, "manifests": []}));
        let Some(obj) = index.as_object_mut() else {
            return Err(LayoutError {
                path: self.root.join("index.json"),
                detail: "index.json is not an object".into(),
            });
        };
        obj.entry("mediaType")
            .or_insert_with(|| Value::String(OCI_INDEX_MEDIA_TYPE.into()));
        let mut entries: Vec<Value> = manifests(&Value::Object(obj.clone()))
            .iter()
            .filter(|m| ref_name(m) != Some(tag))
            .cloned()
            .collect();
        let mut annotations = Map::new();
        annotations.insert(ANNOTATION_REF_NAME.into(), Value::String(tag.into()));
        entries.push(json!({
            "mediaType": OCI_MANIFEST_MEDIA_TYPE,
            "digest": manifest.digest,
            "size": manifest.bytes.len(),
            "annotations": annotations,
        }));
        obj.insert("manifests".into(), Value::Array(entries));
        let bytes = serde_json::to_vec(&index).map_err(|e| LayoutError {
            path: self.root.clone(),
            detail: e.to_string(),
        })?;
        write_atomic(&self.root.join("index.json"), &bytes)?;
        Ok((manifest.digest, manifest.bytes.len() as u64))
    }

    fn write_blob(&self, digest: &str, bytes: &[u8]) -> Result<(), LayoutError> {
        let path = self.blob_path(digest)?;
        if std::fs::metadata(&path).is_ok_and(|m| m.len() == bytes.len() as u64) {
            return Ok(()); // content-addressed: same name, same bytes
        }
        write_atomic(&path, bytes)
    }
}

fn manifests(index: &Value) -> &[Value] {
    index
        .get("manifests")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn ref_name(entry: &Value) -> Option<&str> {
    entry.get("annotations")?.get(ANNOTATION_REF_NAME)?.as_str()
}

/// Writes `bytes` to a temporary file in the same directory, syncs it, and renames it over `path`.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), LayoutError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io_err(path, e)
    })
}
