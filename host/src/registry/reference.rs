//! Where a chart goes: `oci://host[:port]/ns/repo` (the exact repository, or helm's
//! "append the chart name" convention on request) or `oci-layout:<dir>`. Decided without network,
//! including Docker Hub's two-segment rule (user-needs.md §2.1, §3).

use std::path::PathBuf;

use crate::auth::DOCKER_HUB_HOSTS;

/// The host Docker Hub's registry API answers on; `docker.io` and `index.docker.io` are aliases
/// (oras `Reference.Host`).
pub const DOCKER_HUB_REGISTRY: &str = "registry-1.docker.io";
/// Prefix of an OCI image layout target.
pub const LAYOUT_PREFIX: &str = "oci-layout:";
/// Prefix of a registry target.
pub const OCI_PREFIX: &str = "oci://";

/// A parsed push target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A repository in a registry. `registry` is `host[:port]` as the user wrote it.
    Oci {
        registry: String,
        repository: String,
    },
    /// An OCI image layout directory (what `oras` and `skopeo` read as `oci:<dir>`).
    Layout(PathBuf),
}

impl Target {
    /// `host/repository:tag` or `oci-layout:<dir>:tag`, for messages.
    pub fn reference(&self, tag: &str) -> String {
        match self {
            Target::Oci {
                registry,
                repository,
            } => format!("{registry}/{repository}:{tag}"),
            Target::Layout(dir) => format!("{LAYOUT_PREFIX}{}:{tag}", dir.display()),
        }
    }
}

/// Why a target was refused. The first three carry helm's own texts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReferenceError {
    #[error("invalid chart URL format: {target}")]
    InvalidUrl { target: String },
    #[error("scheme prefix missing from remote (e.g. \"oci://\")")]
    SchemeMissing { target: String },
    #[error("scheme \"{scheme}\" not supported")]
    SchemeNotSupported { scheme: String },
    #[error("invalid reference: invalid registry \"{registry}\"")]
    InvalidRegistry { registry: String },
    #[error(
        "invalid reference: invalid repository \"{repository}\": repository names are lowercase letters, digits and \
         separators (. _ __ -) in /-separated path components"
    )]
    InvalidRepository { repository: String },
    #[error(
        "target {target} names only a registry: give the repository too, e.g. {target}/<namespace>/<chart>, or pass \
         --append-chart-name with {target}/<namespace>"
    )]
    NoRepository { target: String },
    #[error(
        "target {target} contains a tag or digest (\"{found}\"): give the repository only; chartship tags the chart \
         with its version (\"+\" written as \"_\")"
    )]
    TagInTarget { target: String, found: String },
    #[error("target {target} has no directory after \"oci-layout:\"")]
    EmptyLayoutPath { target: String },
    #[error("{message}")]
    DockerHubPath { repository: String, message: String },
    #[error(
        "invalid tag \"{tag}\": tags are 1-128 characters of letters, digits, _ . - and cannot start with . or -"
    )]
    InvalidTag { tag: String },
}

/// Parses a push target. With `append_chart_name` = `Some(name)`, helm's convention applies and the
/// repository is the target path + `/<name>`; with `None` the path is the exact repository.
pub fn parse_target(
    target: &str,
    append_chart_name: Option<&str>,
) -> Result<Target, ReferenceError> {
    if let Some(dir) = target.strip_prefix(LAYOUT_PREFIX) {
        if dir.is_empty() {
            return Err(ReferenceError::EmptyLayoutPath {
                target: target.into(),
            });
        }
        return Ok(Target::Layout(PathBuf::from(dir)));
    }
    let rest = strip_scheme(target)?;
    let segments: Vec<&str> = rest
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    let Some((&registry, path)) = segments.split_first() else {
        return Err(ReferenceError::InvalidUrl {
            target: target.into(),
        });
    };
    if !valid_registry(registry) {
        return Err(ReferenceError::InvalidRegistry {
            registry: registry.into(),
        });
    }
    if let Some(last) = path.last()
        && let Some(i) = last.find([':', '@'])
    {
        return Err(ReferenceError::TagInTarget {
            target: target.into(),
            found: last[i..].into(),
        });
    }
    let mut path: Vec<&str> = path.to_vec();
    if let Some(name) = append_chart_name {
        path.push(name);
    }
    if path.is_empty() {
        return Err(ReferenceError::NoRepository {
            target: format!("{OCI_PREFIX}{registry}"),
        });
    }
    let repository = path.join("/");
    if !valid_repository(&repository) {
        return Err(ReferenceError::InvalidRepository { repository });
    }
    if is_docker_hub(registry) && path.len() != 2 {
        return Err(docker_hub_error(registry, &repository, append_chart_name));
    }
    Ok(Target::Oci {
        registry: registry.into(),
        repository,
    })
}

/// Returns the text after `oci://`, or helm's error for a missing or other scheme.
fn strip_scheme(target: &str) -> Result<&str, ReferenceError> {
    if let Some(rest) = target.strip_prefix(OCI_PREFIX) {
        return Ok(rest);
    }
    // Go's url.Parse: a scheme is a letter followed by letters, digits, + - . before the first ':'.
    let first = target.split('/').next().unwrap_or("");
    match first.split_once(':') {
        None => Err(ReferenceError::SchemeMissing {
            target: target.into(),
        }),
        Some((scheme, _)) => {
            let valid = scheme
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
            if valid {
                Err(ReferenceError::SchemeNotSupported {
                    scheme: scheme.to_ascii_lowercase(),
                })
            } else {
                Err(ReferenceError::InvalidUrl {
                    target: target.into(),
                })
            }
        }
    }
}

/// Whether `host` is one of Docker Hub's names.
pub fn is_docker_hub(host: &str) -> bool {
    DOCKER_HUB_HOSTS.contains(&host)
}

/// The host to connect to for `registry`: Docker Hub aliases go to `registry-1.docker.io`.
pub fn connect_host(registry: &str) -> &str {
    if is_docker_hub(registry) {
        DOCKER_HUB_REGISTRY
    } else {
        registry
    }
}

fn docker_hub_error(registry: &str, repository: &str, append: Option<&str>) -> ReferenceError {
    let segments = repository.split('/').count();
    let mut message = format!(
        "Docker Hub repositories are exactly two segments, namespace/name, but the target names \"{repository}\" \
         ({segments} segment{}). ",
        if segments == 1 { "" } else { "s" }
    );
    if segments == 1 {
        message.push_str(&format!(
            "Write oci://{registry}/{repository}/<name> for that exact repository, or pass --append-chart-name to \
             use helm's convention ({repository}/<chart name>)."
        ));
    } else {
        let helm_path = match append {
            Some(_) => repository.to_string(),
            None => format!("{repository}/<chart name>"),
        };
        let namespace = repository.split('/').next().unwrap_or(repository);
        message.push_str(&format!(
            "Docker Hub refuses deeper paths, and only with a misleading 401 Unauthorized. `helm push` to this \
             target would have pushed to \"{helm_path}\" and failed that way. Use oci://{registry}/{namespace}/<name> \
             (the exact repository), or oci://{registry}/{namespace} with --append-chart-name."
        ));
    }
    ReferenceError::DockerHubPath {
        repository: repository.into(),
        message,
    }
}

/// `host[:port]`: DNS labels, an IPv4 address or a bracketed IPv6 address, optional numeric port.
fn valid_registry(registry: &str) -> bool {
    let (host, port) = if let Some(rest) = registry.strip_prefix('[') {
        let Some((v6, tail)) = rest.split_once(']') else {
            return false;
        };
        if v6.parse::<std::net::Ipv6Addr>().is_err() {
            return false;
        }
        match tail.strip_prefix(':') {
            Some(p) => (None, Some(p)),
            None if tail.is_empty() => (None, None),
            None => return false,
        }
    } else {
        match registry.rsplit_once(':') {
            Some((h, p)) => (Some(h), Some(p)),
            None => (Some(registry), None),
        }
    };
    if let Some(port) = port
        && (port.is_empty() || port.len() > 5 || !port.bytes().all(|b| b.is_ascii_digit()))
    {
        return false;
    }
    match host {
        None => true,
        Some(h) => {
            !h.is_empty()
                && h.split('.').all(|label| {
                    !label.is_empty()
                        && label
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                        && !label.starts_with('-')
                        && !label.ends_with('-')
                })
        }
    }
}

/// The OCI distribution repository grammar (helm-behaviour.md §4.1):
/// `[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*` components joined by `/`.
pub fn valid_repository(repository: &str) -> bool {
    !repository.is_empty() && repository.len() <= 255 && repository.split('/').all(valid_component)
}

fn valid_component(component: &str) -> bool {
    let b = component.as_bytes();
    let alnum = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    let mut i = 0;
    let run = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && alnum(b[*i]) {
            *i += 1;
        }
        *i > start
    };
    if !run(&mut i) {
        return false;
    }
    while i < b.len() {
        // separator: "." | "_" | "__" | "-"* (one or more dashes)
        match b[i] {
            b'.' => i += 1,
            b'_' => {
                i += 1;
                if i < b.len() && b[i] == b'_' {
                    i += 1;
                }
            }
            b'-' => {
                while i < b.len() && b[i] == b'-' {
                    i += 1;
                }
            }
            _ => return false,
        }
        if !run(&mut i) {
            return false;
        }
    }
    true
}

/// The tag for a chart version: every `+` becomes `_` (helm's convention, OCI tags have no `+`).
pub fn tag_for_version(version: &str) -> String {
    version.replace('+', "_")
}

/// Checks a tag against `^[\w][\w.-]{0,127}$`.
pub fn validate_tag(tag: &str) -> Result<(), ReferenceError> {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let ok = tag.len() <= 128
        && tag.chars().next().is_some_and(word)
        && tag.chars().all(|c| word(c) || c == '.' || c == '-');
    if ok {
        Ok(())
    } else {
        Err(ReferenceError::InvalidTag { tag: tag.into() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oci(registry: &str, repository: &str) -> Target {
        Target::Oci {
            registry: registry.into(),
            repository: repository.into(),
        }
    }

    #[test]
    fn exact_repository_and_append_convention() {
        assert_eq!(
            parse_target(
                "oci://registry-1.docker.io/savantly/nexus-command-helm",
                None
            ),
            Ok(oci("registry-1.docker.io", "savantly/nexus-command-helm"))
        );
        assert_eq!(
            parse_target("oci://127.0.0.1:5055/charts/sub/", None),
            Ok(oci("127.0.0.1:5055", "charts/sub"))
        );
        assert_eq!(
            parse_target("oci://127.0.0.1:5055//charts/sub", Some("mychart")),
            Ok(oci("127.0.0.1:5055", "charts/sub/mychart"))
        );
        assert_eq!(
            parse_target("oci://docker.io/savantly", Some("nexus")),
            Ok(oci("docker.io", "savantly/nexus"))
        );
        assert_eq!(
            parse_target("oci-layout:out/oci", None),
            Ok(Target::Layout("out/oci".into()))
        );
    }

    #[test]
    fn helm_error_texts() {
        let e = |t: &str| parse_target(t, None).expect_err(t).to_string();
        assert_eq!(
            e("127.0.0.1:5055/x"),
            "invalid chart URL format: 127.0.0.1:5055/x"
        );
        assert_eq!(
            e("example.com/x"),
            "scheme prefix missing from remote (e.g. \"oci://\")"
        );
        assert_eq!(e("https://example.com/x"), "scheme \"https\" not supported");
        assert!(
            e("oci://h/x/MyChart")
                .starts_with("invalid reference: invalid repository \"x/MyChart\"")
        );
        assert_eq!(
            e("oci://bad_host/x"),
            "invalid reference: invalid registry \"bad_host\""
        );
        assert!(e("oci://h/x:1.0").contains("contains a tag or digest (\":1.0\")"));
        assert!(e("oci://h/x@sha256:abc").contains("tag or digest"));
        assert!(e("oci://h").contains("names only a registry"));
    }

    #[test]
    fn docker_hub_two_segment_rule() {
        let e = parse_target("oci://registry-1.docker.io/savantly/charts/nexus", None)
            .expect_err("3 levels");
        let text = e.to_string();
        assert!(text.contains("exactly two segments"), "{text}");
        assert!(
            text.contains("savantly/charts/nexus/<chart name>"),
            "{text}"
        );
        assert!(text.contains("401"), "{text}");
        let e = parse_target("oci://index.docker.io/savantly/charts", Some("nexus"))
            .expect_err("helm layout 3 levels");
        assert!(e.to_string().contains("\"savantly/charts/nexus\""), "{e}");
        let e = parse_target("oci://docker.io/savantly", None).expect_err("namespace only");
        assert!(e.to_string().contains("--append-chart-name"), "{e}");
        // Other registries allow any depth.
        assert!(parse_target("oci://ghcr.io/a/b/c/d", None).is_ok());
    }

    #[test]
    fn repository_grammar() {
        for ok in ["a", "a/b", "a-b", "a--b", "a__b", "a.b", "a_b/c0"] {
            assert!(valid_repository(ok), "{ok}");
        }
        for bad in ["A", "a/", "-a", "a-", "a___b", "a..b", "a/B", "a b"] {
            assert!(!valid_repository(bad), "{bad}");
        }
    }

    #[test]
    fn tags() {
        assert_eq!(tag_for_version("0.1.5+build.7"), "0.1.5_build.7");
        assert!(validate_tag("0.1.5_build.7").is_ok());
        assert!(validate_tag(".x").is_err());
        assert_eq!(connect_host("docker.io"), DOCKER_HUB_REGISTRY);
        assert_eq!(connect_host("127.0.0.1:5000"), "127.0.0.1:5000");
    }
}
