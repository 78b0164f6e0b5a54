//! `oci://` dependencies: helm's version choice from the tag list and the chart layer pull,
//! with the registry client (same auth, TLS and retry code as `push`).

use super::DepsError;
use super::fetch::Fetcher;
use crate::auth;
use crate::registry::{Client, HELM_CHART_LAYER_MEDIA_TYPE, Target, parse_target, tag_for_version};
use crate::sandbox::{Dependency, LockedDependency, Sandbox};

/// The pre-OCI-spec layer media type helm still pulls (with a deprecation warning).
const LEGACY_CHART_LAYER_MEDIA_TYPE: &str = "application/tar+gzip";

/// Registry and repository of `<reference>/<name>`.
fn locate(reference: &str, name: &str) -> Result<(String, String), DepsError> {
    match parse_target(&format!("{}/{name}", reference.trim_end_matches('/')), None) {
        Ok(Target::Oci {
            registry,
            repository,
        }) => Ok((registry, repository)),
        Ok(Target::Layout(_)) => Err(DepsError::Resolve(format!(
            "{reference} is not an oci:// repository"
        ))),
        Err(e) => Err(DepsError::Resolve(format!("{reference}/{name}: {e}"))),
    }
}

fn client(fetcher: &Fetcher, registry: &str) -> Result<Client, DepsError> {
    let mut options = fetcher.client_options();
    options.credentials = auth::lookup(registry, options.credentials.take());
    Ok(Client::new(registry, options)?)
}

/// helm's resolver for OCI: a version that is already (loose) SemVer is locked as written;
/// otherwise the highest strict-SemVer tag satisfying the constraint.
pub fn resolve(
    sandbox: &Sandbox,
    fetcher: &Fetcher,
    reference: &str,
    dep: &Dependency,
) -> Result<String, DepsError> {
    // Every loose SemVer version is >= 0.0.0-0 and only those parse: "is it a version?".
    if sandbox.satisfies(&dep.version, ">=0.0.0-0")? {
        return Ok(dep.version.clone());
    }
    let (registry, repository) = locate(reference, &dep.name)?;
    let tags = client(fetcher, &registry)?
        .list_tags(&repository)
        .map_err(|e| {
            DepsError::Resolve(format!(
                "could not retrieve list of tags for repository {}/{}: {e}",
                dep.repository, dep.name
            ))
        })?;
    let tags: Vec<String> = tags.iter().map(|t| t.replace('_', "+")).collect();
    // helm's quirk: no match is not a resolution error; the download then fails.
    Ok(sandbox
        .select_version(&tags, &dep.version)?
        .unwrap_or_else(|| dep.version.clone()))
}

/// Pulls the chart layer of `<reference>/<name>:<version>`.
pub fn pull(
    fetcher: &Fetcher,
    reference: &str,
    dep: &LockedDependency,
) -> Result<Vec<u8>, DepsError> {
    let (registry, repository) = locate(reference, &dep.name)?;
    let shown = format!("{}/{}", dep.repository.trim_end_matches('/'), dep.name);
    let tag = tag_for_version(&dep.version);
    if crate::registry::reference::validate_tag(&tag).is_err() {
        return Err(DepsError::Fetch {
            url: shown,
            reason: format!(
                "could not locate a version matching provided version string {}",
                dep.version
            ),
        });
    }
    let client = client(fetcher, &registry)?;
    let manifest = client
        .fetch_manifest(&repository, &tag)?
        .ok_or_else(|| DepsError::Fetch {
            url: format!("{shown}:{}", dep.version),
            reason: "not found".into(),
        })?;
    let json: serde_json::Value =
        serde_json::from_slice(&manifest.bytes).map_err(|e| DepsError::Fetch {
            url: format!("{shown}:{}", dep.version),
            reason: format!("manifest is not JSON: {e}"),
        })?;
    let layer = json
        .get("layers")
        .and_then(serde_json::Value::as_array)
        .and_then(|layers| {
            layers.iter().find(|l| {
                matches!(
                    l.get("mediaType").and_then(serde_json::Value::as_str),
                    Some(HELM_CHART_LAYER_MEDIA_TYPE | LEGACY_CHART_LAYER_MEDIA_TYPE)
                )
            })
        })
        .and_then(|l| l.get("digest").and_then(serde_json::Value::as_str))
        .ok_or_else(|| DepsError::Fetch {
            url: format!("{shown}:{}", dep.version),
            reason: format!(
                "manifest does not contain a layer with mediatype {HELM_CHART_LAYER_MEDIA_TYPE}"
            ),
        })?;
    Ok(client.fetch_blob(&repository, layer)?)
}
