//! Where a dependency comes from: the `repository` field of Chart.yaml (helm-behaviour.md §6.1)
//! and the `--repo-mirror` rules that redirect a repository URL to another URL or to a local
//! directory (air-gapped builds, tests).

use std::fmt;
use std::path::{Component, Path, PathBuf};

/// One `--repo-mirror <original-url>=<mirror>` rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mirror {
    /// The repository URL as written in Chart.yaml (compared like helm's `urlutil.Equal`).
    pub original: String,
    pub target: MirrorTarget,
}

/// What a mirror points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MirrorTarget {
    /// Another HTTP(S) chart repository, or an `oci://` location (for an `oci://` original, or
    /// for an HTTP(S) repository whose charts are also published to a registry).
    Url(String),
    /// A directory holding `index.yaml` and the archives it names.
    Directory(PathBuf),
}

impl Mirror {
    /// Parses `<original-url>=<mirror>`; a mirror that is not a URL is a directory.
    pub fn parse(rule: &str) -> Result<Mirror, String> {
        let (original, mirror) = rule
            .split_once('=')
            .filter(|(o, m)| !o.is_empty() && !m.is_empty())
            .ok_or_else(|| {
                format!("--repo-mirror {rule:?} must be <original-url>=<mirror-url-or-directory>")
            })?;
        let target = if has_scheme(mirror) {
            MirrorTarget::Url(mirror.to_string())
        } else {
            let dir = PathBuf::from(mirror);
            if !dir.join("index.yaml").is_file() {
                return Err(format!(
                    "--repo-mirror {rule:?}: {} holds no index.yaml",
                    dir.display()
                ));
            }
            MirrorTarget::Directory(dir)
        };
        Ok(Mirror {
            original: original.to_string(),
            target,
        })
    }
}

fn has_scheme(s: &str) -> bool {
    ["http://", "https://", "oci://"]
        .iter()
        .any(|p| s.starts_with(p))
}

/// helm's `urlutil.Equal`, reduced to what matters for repository URLs: a trailing slash (or
/// an empty path) does not make a difference.
fn same_url(a: &str, b: &str) -> bool {
    a.trim_end_matches('/') == b.trim_end_matches('/')
}

/// A place holding a chart repository's files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// `http(s)://…` base URL of the repository.
    Url(String),
    /// A local mirror directory; `original` is the URL it stands for, so absolute archive URLs
    /// under it are served from the directory too.
    Directory { dir: PathBuf, original: String },
}

/// A file to fetch: over HTTP(S), or from a mirror directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    Url(String),
    File(PathBuf),
    /// A reference a mirror directory cannot serve (it leaves the directory).
    Refused(String),
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Url(u) | Location::Refused(u) => f.write_str(u),
            Location::File(p) => write!(f, "{}", p.display()),
        }
    }
}

impl Source {
    /// Resolves `reference` (an index `urls` entry, or `index.yaml`) against the repository the
    /// way helm's `ResolveReferenceURL` does: relative to the repository path with a trailing
    /// slash, keeping the repository URL's query.
    pub fn resolve(&self, reference: &str) -> Location {
        match self {
            Source::Url(base) => Location::Url(resolve_url(base, reference)),
            Source::Directory { dir, original } => {
                let relative = if has_scheme(reference) {
                    let prefix = format!("{}/", original.trim_end_matches('/'));
                    match reference.strip_prefix(&prefix) {
                        Some(rest) => rest,
                        // An absolute URL elsewhere: fetched from there.
                        None => return Location::Url(reference.to_string()),
                    }
                } else {
                    reference
                };
                let relative = relative.split(['?', '#']).next().unwrap_or_default();
                let path = Path::new(relative);
                if relative.is_empty()
                    || path
                        .components()
                        .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
                {
                    return Location::Refused(reference.to_string());
                }
                Location::File(dir.join(path))
            }
        }
    }
}

/// RFC 3986 reference resolution for the cases chart repositories use.
pub fn resolve_url(base: &str, reference: &str) -> String {
    if has_scheme(reference) {
        return reference.to_string();
    }
    let (base_no_query, query) = match base.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (base, None),
    };
    let scheme_end = base_no_query.find("://").map_or(0, |i| i + 3);
    let origin_end = base_no_query[scheme_end..]
        .find('/')
        .map_or(base_no_query.len(), |i| scheme_end + i);
    let origin = &base_no_query[..origin_end];
    let mut path = if reference.starts_with('/') {
        String::new()
    } else {
        let base_path = &base_no_query[origin_end..];
        format!("{}/", base_path.trim_end_matches('/'))
    };
    path.push_str(reference);
    let mut segments: Vec<&str> = Vec::new();
    for seg in path.split('/').skip(1) {
        match seg {
            "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    let mut url = format!("{origin}/{}", segments.join("/"));
    if let Some(q) = query.filter(|_| !reference.contains('?')) {
        url.push('?');
        url.push_str(q);
    }
    url
}

/// A dependency's repository, after mirrors are applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Repository {
    /// `repository: ""`: the chart is expected in `charts/<name>`.
    Local,
    /// `file://<path>`, relative to the chart directory.
    File { dir: PathBuf },
    /// `oci://host/namespace` (the chart is `<namespace>/<name>` on `host`).
    Oci { reference: String },
    /// An HTTP(S) chart repository with an `index.yaml`.
    Http { source: Source },
}

impl Repository {
    pub fn parse(repository: &str, chart_dir: &Path, mirrors: &[Mirror]) -> Result<Self, String> {
        if repository.is_empty() {
            return Ok(Repository::Local);
        }
        if let Some(path) = repository.strip_prefix("file://") {
            let dir = chart_dir.join(path);
            if !dir.is_dir() {
                return Err(format!("directory {} not found", dir.display()));
            }
            return Ok(Repository::File { dir });
        }
        let mirrored = mirrors.iter().find(|m| same_url(&m.original, repository));
        if repository.starts_with("oci://") {
            let reference = match mirrored.map(|m| &m.target) {
                Some(MirrorTarget::Url(u)) if u.starts_with("oci://") => u.clone(),
                Some(_) => return Err(format!("the mirror of {repository} must be an oci:// URL")),
                None => repository.to_string(),
            };
            return Ok(Repository::Oci { reference });
        }
        if repository.starts_with("http://") || repository.starts_with("https://") {
            // A classic repository whose charts also live in a registry (Bitnami's moved to
            // oci://registry-1.docker.io/bitnamicharts); the lock keeps the original URL.
            if let Some(MirrorTarget::Url(u)) = mirrored.map(|m| &m.target)
                && u.starts_with("oci://")
            {
                return Ok(Repository::Oci {
                    reference: u.clone(),
                });
            }
            let source = match mirrored.map(|m| &m.target) {
                Some(MirrorTarget::Url(u)) => Source::Url(u.clone()),
                Some(MirrorTarget::Directory(dir)) => Source::Directory {
                    dir: dir.clone(),
                    original: repository.to_string(),
                },
                None => Source::Url(repository.to_string()),
            };
            return Ok(Repository::Http { source });
        }
        let mut message = format!(
            "no repository definition for {repository}. chartship does not read helm's repositories.yaml: use the repository URL"
        );
        if !repository.contains("//")
            && !repository.starts_with('@')
            && !repository.starts_with("alias:")
        {
            message.push_str(
                "\nNote that repositories must be URLs or aliases. For example, to refer to the \"example\"\nrepository, use \"https://charts.example.com/\" or \"@example\" instead of\n\"example\". Don't forget to add the repo, too ('helm repo add').",
            );
        }
        Err(message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_resolve_like_helm() {
        assert_eq!(
            resolve_url("https://charts.bitnami.com/bitnami", "index.yaml"),
            "https://charts.bitnami.com/bitnami/index.yaml"
        );
        assert_eq!(
            resolve_url("https://h/x/", "sub/a-1.0.0.tgz"),
            "https://h/x/sub/a-1.0.0.tgz"
        );
        assert_eq!(
            resolve_url("https://h/x?t=1", "a.tgz"),
            "https://h/x/a.tgz?t=1"
        );
        assert_eq!(resolve_url("https://h/x", "/a.tgz"), "https://h/a.tgz");
        assert_eq!(
            resolve_url("http://h:8/x", "https://o/a.tgz"),
            "https://o/a.tgz"
        );
        assert_eq!(
            resolve_url("https://h", "index.yaml"),
            "https://h/index.yaml"
        );
    }

    #[test]
    fn an_http_repository_may_be_mirrored_by_a_registry() {
        let mirrors = [Mirror {
            original: "https://charts.bitnami.com/bitnami".into(),
            target: MirrorTarget::Url("oci://registry-1.docker.io/bitnamicharts".into()),
        }];
        assert_eq!(
            Repository::parse(
                "https://charts.bitnami.com/bitnami/",
                Path::new("."),
                &mirrors
            ),
            Ok(Repository::Oci {
                reference: "oci://registry-1.docker.io/bitnamicharts".into()
            })
        );
    }

    #[test]
    fn mirror_directories_serve_only_their_own_files() {
        let src = Source::Directory {
            dir: PathBuf::from("/m"),
            original: "https://charts.bitnami.com/bitnami".into(),
        };
        assert_eq!(src.resolve("a-1.tgz"), Location::File("/m/a-1.tgz".into()));
        assert_eq!(
            src.resolve("https://charts.bitnami.com/bitnami/a-1.tgz"),
            Location::File("/m/a-1.tgz".into())
        );
        assert!(matches!(src.resolve("../etc/passwd"), Location::Refused(_)));
        assert!(matches!(src.resolve("/etc/passwd"), Location::Refused(_)));
    }
}
