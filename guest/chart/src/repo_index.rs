//! A chart repository's `index.yaml`, read as strictly as helm reads it (`repo.LoadIndexFile`:
//! unknown fields refuse the whole file, `apiVersion` required), and the version helm's
//! dependency resolver picks from it (helm-behaviour.md §6.3). The index is untrusted input
//! from the network, so it is parsed only here, in the sandbox.

use crate::constraint::{Constraint, ConstraintError};
use crate::metadata::{DEPENDENCY_FIELDS, MAINTAINER_FIELDS, METADATA_FIELDS};
use crate::semver::Version;
use crate::yaml::{self, Value};

/// Why an index could not be used; the texts are helm's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndexError {
    #[error("empty index.yaml file")]
    Empty,
    #[error("no API version specified")]
    NoApiVersion,
    /// The file is not YAML/JSON of the index's shape.
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Constraint(#[from] ConstraintError),
}

/// One chart version offered by the repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexEntry {
    pub name: String,
    /// The version exactly as written in the index (helm locks this string).
    pub version: String,
    /// Download URLs, absolute or relative to the repository URL.
    pub urls: Vec<String>,
    /// Lower-case hex sha256 of the archive, empty when the index gives none.
    pub digest: String,
}

/// The parsed index: entries per chart name, each list sorted highest version first.
#[derive(Debug, Clone, Default)]
pub struct Index {
    pub entries: Vec<(String, Vec<IndexEntry>)>,
}

const TOP_FIELDS: &[&str] = &[
    "apiVersion",
    "generated",
    "entries",
    "serverInfo",
    "publicKeys",
    "annotations",
];

/// `ChartVersion`: the Chart.yaml metadata inline ([`METADATA_FIELDS`]) plus these fields of
/// the repository's own.
const ENTRY_FIELDS: &[&str] = &[
    "urls",
    "created",
    "removed",
    "digest",
    "checksum",
    "engine",
    "tillerVersion",
    "url",
];

/// encoding/json matches field names case-insensitively; `DisallowUnknownFields` refuses the rest.
fn check_fields(v: &Value, allowed: &[&[&str]]) -> Result<(), IndexError> {
    if let Value::Map(entries) = v {
        for (k, _) in entries {
            if !allowed
                .iter()
                .flat_map(|set| set.iter())
                .any(|a| a.eq_ignore_ascii_case(k))
            {
                return Err(IndexError::Invalid(format!(
                    "error unmarshaling JSON: while decoding JSON: json: unknown field {}",
                    crate::gojson::string(k)
                )));
            }
        }
    }
    Ok(())
}

fn field<'a>(v: &'a Value, name: &str) -> Option<&'a Value> {
    match v {
        Value::Map(entries) => entries
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .or_else(|| {
                entries
                    .iter()
                    .rev()
                    .find(|(k, _)| k.eq_ignore_ascii_case(name))
            })
            .map(|(_, v)| v),
        _ => None,
    }
}

fn string_of(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Int(i)) => i.to_string(),
        Some(Value::Float(f)) => crate::metadata::format_float32(*f),
        Some(Value::Bool(b)) => b.to_string(),
        _ => String::new(),
    }
}

fn type_error(what: &str, path: &str) -> IndexError {
    IndexError::Invalid(format!(
        "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {what} into Go struct field {path}"
    ))
}

/// Parses `index.yaml` bytes (JSON is YAML too) like `repo.loadIndex`.
pub fn parse(bytes: &[u8]) -> Result<Index, IndexError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(IndexError::Empty);
    }
    let text = String::from_utf8_lossy(bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let doc = yaml::parse(text)
        .map_err(|e| IndexError::Invalid(format!("error converting YAML to JSON: {e}")))?;
    if !matches!(doc, Value::Map(_)) {
        return Err(type_error("value", "IndexFile (the document is not a map)"));
    }
    check_fields(&doc, &[TOP_FIELDS])?;
    let mut index = Index::default();
    match field(&doc, "entries") {
        None | Some(Value::Null) => {}
        Some(Value::Map(charts)) => {
            for (name, versions) in charts {
                let list = match versions {
                    Value::Null => Vec::new(),
                    Value::Seq(items) => items.iter().collect(),
                    _ => return Err(type_error("value", "IndexFile.entries")),
                };
                let mut entries = Vec::new();
                for item in list {
                    if matches!(item, Value::Null) {
                        continue; // helm drops null entries with a warning
                    }
                    if !matches!(item, Value::Map(_)) {
                        return Err(type_error("value", "IndexFile.entries"));
                    }
                    check_fields(item, &[METADATA_FIELDS, ENTRY_FIELDS])?;
                    for (key, allowed) in [
                        ("maintainers", MAINTAINER_FIELDS),
                        ("dependencies", DEPENDENCY_FIELDS),
                    ] {
                        if let Some(Value::Seq(xs)) = field(item, key) {
                            for x in xs {
                                check_fields(x, &[allowed])?;
                            }
                        }
                    }
                    let urls = match field(item, "urls") {
                        Some(Value::Seq(us)) => us.iter().map(|u| string_of(Some(u))).collect(),
                        None | Some(Value::Null) => Vec::new(),
                        Some(_) => return Err(type_error("value", "ChartVersion.urls")),
                    };
                    entries.push(IndexEntry {
                        name: string_of(field(item, "name")),
                        version: string_of(field(item, "version")),
                        urls,
                        digest: string_of(field(item, "digest")),
                    });
                }
                sort_descending(&mut entries);
                index.entries.push((name.clone(), entries));
            }
        }
        Some(_) => return Err(type_error("value", "IndexFile.entries")),
    }
    if string_of(field(&doc, "apiVersion")).is_empty() {
        return Err(IndexError::NoApiVersion);
    }
    Ok(index)
}

/// `IndexFile.SortEntries`: highest SemVer first; versions that do not parse sort lowest.
fn sort_descending(entries: &mut [IndexEntry]) {
    entries.sort_by(
        |a, b| match (Version::parse(&a.version), Version::parse(&b.version)) {
            (Ok(x), Ok(y)) => y.cmp(&x),
            (Ok(_), Err(_)) => std::cmp::Ordering::Less,
            (Err(_), Ok(_)) => std::cmp::Ordering::Greater,
            (Err(_), Err(_)) => std::cmp::Ordering::Equal,
        },
    );
}

impl Index {
    /// The versions offered for `name`, highest first (empty when the chart is not there).
    pub fn versions(&self, name: &str) -> &[IndexEntry] {
        self.entries
            .iter()
            .find(|(n, _)| n == name)
            .map_or(&[], |(_, v)| v.as_slice())
    }

    /// What `helm dependency update` locks for `name` and `constraint`: the highest entry
    /// whose version parses, satisfies the constraint and has at least one URL.
    pub fn resolve(&self, name: &str, constraint: &str) -> Result<Option<IndexEntry>, IndexError> {
        let c = Constraint::parse(constraint)?;
        Ok(self
            .versions(name)
            .iter()
            .find(|e| !e.urls.is_empty() && Version::parse(&e.version).is_ok_and(|v| c.check(&v)))
            .cloned())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const INDEX: &str = r#"apiVersion: v1
entries:
  postgresql:
  - apiVersion: v2
    name: postgresql
    version: 16.7.26
    urls: [postgresql-16.7.26.tgz]
    digest: aa
    created: "2026-01-01T00:00:00Z"
  - apiVersion: v2
    name: postgresql
    version: 17.0.0-rc.1
    urls: [postgresql-17.0.0-rc.1.tgz]
  - apiVersion: v2
    name: postgresql
    version: 16.7.30
    urls: [https://example.com/charts/postgresql-16.7.30.tgz]
    digest: bb
  - apiVersion: v2
    name: postgresql
    version: 16.8.0
    urls: [postgresql-16.8.0.tgz]
  - apiVersion: v2
    name: postgresql
    version: 16.7.31
    urls: []
generated: "2026-01-01T00:00:00Z"
"#;

    #[test]
    fn picks_the_highest_satisfying_version_with_urls() {
        let index = parse(INDEX.as_bytes()).unwrap();
        let e = index.resolve("postgresql", "~16.7.27").unwrap().unwrap();
        assert_eq!(e.version, "16.7.30");
        assert_eq!(e.digest, "bb");
        assert_eq!(
            e.urls,
            ["https://example.com/charts/postgresql-16.7.30.tgz"]
        );
        assert_eq!(
            index
                .resolve("postgresql", ">=17.0.0-0")
                .unwrap()
                .unwrap()
                .version,
            "17.0.0-rc.1"
        );
        assert_eq!(index.resolve("postgresql", "~15").unwrap(), None);
        assert_eq!(index.resolve("mysql", "*").unwrap(), None);
        assert!(index.resolve("postgresql", "nope").is_err());
    }

    #[test]
    fn strict_like_helm() {
        let unknown = INDEX.replace("    digest: aa\n", "    digest: aa\n    extraUnknown: 1\n");
        assert_eq!(
            parse(unknown.as_bytes()).unwrap_err().to_string(),
            "error unmarshaling JSON: while decoding JSON: json: unknown field \"extraUnknown\""
        );
        assert_eq!(parse(b"").unwrap_err(), IndexError::Empty);
        assert_eq!(
            parse(b"entries: {}\n").unwrap_err(),
            IndexError::NoApiVersion
        );
        // Field names match case-insensitively, as in encoding/json.
        assert!(parse(INDEX.replace("    digest: aa", "    Digest: aa").as_bytes()).is_ok());
        // JSON is accepted too.
        let json = br#"{"apiVersion":"v1","entries":{"a":[{"name":"a","version":"1.0.0","urls":["a-1.0.0.tgz"]}]}}"#;
        assert_eq!(parse(json).unwrap().versions("a").len(), 1);
    }
}
