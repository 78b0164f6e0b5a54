//! The Crds group (`pkg/chart/v2/lint/rules/crds.go`, helm 4 only): every `crds/` manifest of
//! the chart and its subcharts must be a CustomResourceDefinition of `apiextensions.k8s.io`.

use super::Linter;
use super::templates::go_ext;
use crate::chart::Chart;
use crate::loader::json_kind;
use crate::metadata::format_float32;
use crate::source::Kind;
use crate::yaml::{self, Value};
use crate::{LoadError, Severity};

const PATH: &str = "crds/";

pub(super) fn run(l: &mut Linter<'_>) -> Result<(), LoadError> {
    match l.stat(&["crds"])? {
        None => return Ok(()),
        Some(Kind::Dir) => {}
        Some(_) => {
            l.add(
                Severity::Error,
                "crds.not-a-directory",
                PATH,
                None,
                "not a directory".into(),
            );
            return Ok(());
        }
    }
    let crds = match l.load()? {
        Ok(chart) => {
            let mut out = Vec::new();
            crd_objects(chart, &mut out);
            out
        }
        Err(e) => {
            l.add(Severity::Error, "crds.load", PATH, None, e);
            return Ok(());
        }
    };
    for (name, data) in crds {
        let text = String::from_utf8_lossy(&data);
        // Documents are decoded one by one: findings of earlier ones come before a later
        // document's syntax error, as with helm's streaming decoder.
        let mut docs = Vec::new();
        let mut failure = None;
        let (chunks, bad_separator) = split_documents(&text);
        for chunk in chunks {
            match yaml::parse(chunk) {
                Ok(doc) => docs.push(doc),
                Err(e) => {
                    failure = Some((e.line, format!("error converting YAML to JSON: {e}")));
                    break;
                }
            }
        }
        if failure.is_none() {
            failure = bad_separator.map(|e| (None, e));
        }
        for doc in docs {
            match &doc {
                Value::Null => {}
                Value::Map(_) => {
                    let field = |key: &str| -> Result<String, String> {
                        match doc.get(key) {
                            None | Some(Value::Null) => Ok(String::new()),
                            Some(Value::String(s)) => Ok(s.clone()),
                            Some(Value::Int(i)) => Ok(i.to_string()),
                            Some(Value::Float(f)) => Ok(format_float32(*f)),
                            Some(Value::Bool(b)) => Ok(b.to_string()),
                            Some(other) => Err(format!(
                                "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go struct field k8sYamlStruct.{key} of type string",
                                json_kind(other)
                            )),
                        }
                    };
                    let (api_version, kind) = match (field("apiVersion"), field("kind")) {
                        (Ok(a), Ok(k)) => (a, k),
                        (Err(e), _) | (_, Err(e)) => {
                            l.add(
                                Severity::Error,
                                "crds.parse",
                                &name,
                                None,
                                format!("unable to parse YAML: {e}"),
                            );
                            return Ok(());
                        }
                    };
                    if !api_version.starts_with("apiextensions.k8s.io") {
                        let m = "apiVersion is not in 'apiextensions.k8s.io'".to_string();
                        l.add(Severity::Error, "crds.api-version", &name, None, m);
                    }
                    if kind != "CustomResourceDefinition" {
                        let m = "object kind is not 'CustomResourceDefinition'".to_string();
                        l.add(Severity::Error, "crds.kind", &name, None, m);
                    }
                }
                other => {
                    let m = format!(
                        "unable to parse YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type rules.k8sYamlStruct",
                        json_kind(other)
                    );
                    l.add(Severity::Error, "crds.parse", &name, None, m);
                    return Ok(());
                }
            }
        }
        if let Some((line, e)) = failure {
            l.add(
                Severity::Error,
                "crds.parse",
                &name,
                line,
                format!("unable to parse YAML: {e}"),
            );
            return Ok(());
        }
    }
    Ok(())
}

/// The Kubernetes `YAMLReader` split: a line starting with `---` (then only spaces or a
/// comment) ends a document; empty documents are dropped. A bad separator ends the stream
/// with an error after the documents before it.
fn split_documents(text: &str) -> (Vec<&str>, Option<String>) {
    let mut docs = Vec::new();
    let (mut start, mut pos) = (0, 0);
    for line in text.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix("---") {
            let trimmed = rest.trim();
            if !trimmed.is_empty() && !trimmed.starts_with('#') {
                return (
                    docs,
                    Some(format!("invalid Yaml document separator: {trimmed}")),
                );
            }
            if pos > start {
                docs.push(&text[start..pos]);
            }
            start = pos + line.len();
        }
        pos += line.len();
    }
    if pos > start {
        docs.push(&text[start..pos]);
    }
    (docs, None)
}

/// helm's `Chart.CRDObjects`: `crds/*.{yaml,yml,json}` (any case) of the chart, then of its
/// subcharts, each named relative to its own chart.
fn crd_objects(chart: &Chart, out: &mut Vec<(String, Vec<u8>)>) {
    for f in &chart.files {
        let ext = go_ext(&f.name).to_ascii_lowercase();
        if f.name.starts_with("crds/") && matches!(ext.as_str(), ".yaml" | ".yml" | ".json") {
            out.push((f.name.clone(), f.data.clone()));
        }
    }
    for dep in &chart.dependencies {
        crd_objects(dep, out);
    }
}

#[cfg(test)]
mod tests {
    use super::split_documents;

    #[test]
    fn documents_split_like_the_kubernetes_reader() {
        let (docs, err) = split_documents("a: 1\n---\n---  # c\nb: 2\n");
        assert_eq!((docs, err), (vec!["a: 1\n", "b: 2\n"], None));
        // The document before a bad separator is lost, as helm4 showed with
        // `apiVersion: v1 / kind: CustomResourceDefinition / --- bad` (only the error).
        let (docs, err) = split_documents("a: 1\n--- x\nb: 2\n");
        assert!(docs.is_empty());
        assert_eq!(err.as_deref(), Some("invalid Yaml document separator: x"));
        let (docs, err) = split_documents("a: 1\n---\nb: 2\n--- x\n");
        assert_eq!(docs, vec!["a: 1\n"]);
        assert_eq!(err.as_deref(), Some("invalid Yaml document separator: x"));
    }
}
