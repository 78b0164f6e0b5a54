//! Publishing charts: to an OCI registry (the only network code in chartship, and the only place
//! credentials are used) or to an OCI image layout directory. [`publish`] is the safe, re-runnable
//! entry point: it resolves the tag first and writes nothing when the same chart is already there.
//!
//! Proved against a real distribution registry and real helm by `tests/tests/registry_publish.rs`
//! (re-runs, conflicts, non-charts, helm 3.9/3.18/4 pulls, blobs and manifest identical to `helm push`,
//! OCI layout), `registry_auth.rs` (htpasswd, Bearer tokens, TLS, canary passwords) and
//! `registry_faults.rs` (429/503/resets/truncation/redirects through a fault-injecting proxy).

mod client;
mod error;
mod layout;
mod manifest;
pub mod reference;
mod retry;
mod transport;

pub use client::{
    CHUNK_SIZE, Client, ClientOptions, FetchedManifest, MAX_BLOB_SIZE, Pushed, Resolved,
};
pub use error::{PublishError, RegistryError};
pub use layout::LAYOUT_MARKER;
pub use manifest::{
    ANNOTATION_REF_NAME, ChartArtifact, DOCKER_MANIFEST_LIST_MEDIA_TYPE,
    DOCKER_MANIFEST_MEDIA_TYPE, Descriptor, HELM_CHART_LAYER_MEDIA_TYPE, HELM_CONFIG_MEDIA_TYPE,
    HELM_PROVENANCE_MEDIA_TYPE, MANIFEST_ACCEPT, Manifest, ManifestInfo,
    OCI_IMAGE_CONFIG_MEDIA_TYPE, OCI_INDEX_MEDIA_TYPE, OCI_MANIFEST_MEDIA_TYPE, go_json_string,
    inspect_manifest, sha256_digest,
};
pub use reference::{Target, parse_target, tag_for_version};
pub use retry::RetryPolicy;

/// The outcome of [`publish`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    /// `host/repository:tag` or `oci-layout:<dir>:tag`.
    pub reference: String,
    /// Manifest digest now under the tag.
    pub digest: String,
    /// Manifest size in bytes.
    pub size: u64,
    /// The tag already held exactly this manifest; nothing was written.
    pub already_published: bool,
    /// A different chart under the tag was replaced (`force`).
    pub replaced: Option<String>,
}

/// Publishes `artifact` under `tag`. The tag is resolved first: absent → push; same manifest digest →
/// success with no writes; a different chart → [`PublishError::Conflict`] unless `force`; anything
/// that is not a Helm chart → [`PublishError::NotAChart`], always. A failed push leaves the tag as it was.
pub fn publish(
    target: &Target,
    artifact: &ChartArtifact,
    tag: &str,
    options: &ClientOptions,
    force: bool,
) -> Result<Published, PublishError> {
    reference::validate_tag(tag)?;
    match target {
        Target::Oci {
            registry,
            repository,
        } => {
            // A target built by hand gets the same checks as a parsed one, before any network call.
            parse_target(
                &format!("{}{registry}/{repository}", reference::OCI_PREFIX),
                None,
            )?;
            let client = Client::new(registry, options.clone())?;
            publish_to_registry(
                &client,
                &target.reference(tag),
                repository,
                artifact,
                tag,
                force,
            )
        }
        Target::Layout(dir) => publish_to_layout(dir, &target.reference(tag), artifact, tag, force),
    }
}

fn publish_to_registry(
    client: &Client,
    reference: &str,
    repository: &str,
    artifact: &ChartArtifact,
    tag: &str,
    force: bool,
) -> Result<Published, PublishError> {
    client.intend_push(repository);
    let new = artifact.manifest();
    // HEAD first: cheap, and not counted against Docker Hub's pull limit.
    let replaced = match client.head_tag(repository, tag)? {
        None => None,
        Some(existing) if existing == new.digest => {
            return Ok(Published {
                reference: reference.into(),
                digest: new.digest,
                size: new.bytes.len() as u64,
                already_published: true,
                replaced: None,
            });
        }
        Some(_) => match client.resolve_tag(repository, tag)? {
            None => None, // deleted meanwhile
            Some(resolved) => {
                check_clash(
                    reference,
                    &resolved.digest,
                    &resolved.media_type,
                    resolved.config_media_type.as_deref(),
                    &new.digest,
                    force,
                )?;
                Some(resolved.digest)
            }
        },
    };
    let pushed = client.push(repository, tag, artifact)?;
    Ok(Published {
        reference: reference.into(),
        digest: pushed.digest,
        size: pushed.size,
        already_published: false,
        replaced,
    })
}

fn publish_to_layout(
    dir: &std::path::Path,
    reference: &str,
    artifact: &ChartArtifact,
    tag: &str,
    force: bool,
) -> Result<Published, PublishError> {
    let layout_err = |e: layout::LayoutError| PublishError::Layout {
        path: e.path,
        detail: e.detail,
    };
    let layout = layout::Layout::new(dir);
    let new = artifact.manifest();
    let replaced = match layout.resolve(tag).map_err(layout_err)? {
        None => None,
        Some(existing) if existing.digest == new.digest => {
            // Re-write the blobs quietly if something removed them; the index already names this manifest.
            return Ok(Published {
                reference: reference.into(),
                digest: new.digest,
                size: new.bytes.len() as u64,
                already_published: true,
                replaced: None,
            });
        }
        Some(existing) => {
            check_clash(
                reference,
                &existing.digest,
                &existing.media_type,
                existing.config_media_type.as_deref(),
                &new.digest,
                force,
            )?;
            Some(existing.digest)
        }
    };
    let (digest, size) = layout.write(artifact, tag).map_err(layout_err)?;
    Ok(Published {
        reference: reference.into(),
        digest,
        size,
        already_published: false,
        replaced,
    })
}

/// Refuses to replace a non-chart always, and a different chart unless `force`.
fn check_clash(
    reference: &str,
    existing: &str,
    media_type: &str,
    config_media_type: Option<&str>,
    new: &str,
    force: bool,
) -> Result<(), PublishError> {
    if config_media_type != Some(HELM_CONFIG_MEDIA_TYPE) {
        let what = match config_media_type {
            Some(OCI_IMAGE_CONFIG_MEDIA_TYPE)
            | Some("application/vnd.docker.container.image.v1+json") => {
                "a container image".to_string()
            }
            Some(other) => format!("an artifact with config media type {other}"),
            None => format!(
                "a manifest of type {media_type} with no config, e.g. a multi-platform index"
            ),
        };
        return Err(PublishError::NotAChart {
            reference: reference.into(),
            what,
            existing: existing.into(),
        });
    }
    if !force {
        return Err(PublishError::Conflict {
            reference: reference.into(),
            existing: existing.into(),
            new: new.into(),
        });
    }
    Ok(())
}
