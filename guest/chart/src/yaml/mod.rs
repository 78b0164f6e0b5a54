//! YAML as helm reads and writes it: YAML 1.1 scalar resolution on the way in (go-yaml v2 via
//! sigs.k8s.io/yaml), go-yaml v2's `Marshal` layout on the way out.

mod emit;
mod error;
mod lines;
mod parse;
mod resolve;
mod value;

pub use emit::to_string;
pub use error::YamlError;
pub use lines::line_of_key;
pub use value::Value;

/// Parses the first YAML document of `text` as helm does (`sigs.k8s.io/yaml.Unmarshal`):
/// YAML 1.1 typing of plain scalars, quoted scalars always strings, aliases and `<<` merge
/// keys expanded, map keys turned into strings, duplicate keys keeping the last value.
/// An empty document (or one with only comments) is [`Value::Null`].
pub fn parse(text: &str) -> Result<Value, YamlError> {
    match parse::first_document(text)? {
        Some(node) => parse::to_value(&node),
        None => Ok(Value::Null),
    }
}

/// Splits `text` into documents like the Kubernetes YAML reader helm 4 uses for values files
/// (a line starting with `---`, followed only by spaces or a comment, separates documents;
/// empty chunks are skipped) and parses each with [`parse`]. Line numbers in errors are
/// relative to the document, as in helm.
pub fn parse_documents(text: &str) -> Result<Vec<Value>, YamlError> {
    split_documents(text)?.into_iter().map(parse).collect()
}

/// The Kubernetes `YAMLReader` split.
fn split_documents(text: &str) -> Result<Vec<&str>, YamlError> {
    let mut docs = Vec::new();
    let mut start = 0;
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix("---") {
            let trimmed = rest.trim();
            if !trimmed.is_empty() && !trimmed.starts_with('#') {
                return Err(YamlError::new(format!(
                    "invalid Yaml document separator: {trimmed}"
                )));
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
    Ok(docs)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod emit_tests;
