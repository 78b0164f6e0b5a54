//! values.yaml against values.schema.json, reported like helm 4 (santhosh-tekuri/jsonschema v6:
//! `- at '/path': <message>`, nested causes indented). Validation is done by `boon`, the Rust
//! library of the same author; the messages are rewritten to the Go library's wording.
//! Schemas that reference remote documents cannot be compiled in the sandbox (no network);
//! they are skipped rather than reported, so that chartship never fails a chart helm accepts.

use boon::{Compiler, ErrorKind, Schemas, ValidationError};
use serde_json::Value as Json;

use crate::yaml::Value;

const SCHEMA_URL: &str = "file:///values.schema.json";

/// The outcome of validating values against a schema.
pub(super) enum Outcome {
    Valid,
    /// helm's message: one `- at …` line per error, ending with a newline.
    Invalid(String),
    /// The schema could not be compiled without fetching something.
    Skipped,
}

pub(super) fn validate(schema: &[u8], values: &Value) -> Outcome {
    let schema: Json = match serde_json::from_slice(schema) {
        Ok(s) => s,
        Err(_) => return Outcome::Skipped,
    };
    let mut schemas = Schemas::new();
    let mut compiler = Compiler::new();
    if compiler.add_resource(SCHEMA_URL, schema).is_err() {
        return Outcome::Skipped;
    }
    let id = match compiler.compile(SCHEMA_URL, &mut schemas) {
        Ok(id) => id,
        Err(_) => return Outcome::Skipped,
    };
    let instance = to_json(values);
    match schemas.validate(&instance, id) {
        Ok(()) => Outcome::Valid,
        Err(e) => {
            let mut out = String::new();
            for cause in &e.causes {
                write_error(cause, 0, &mut out);
            }
            if e.causes.is_empty() {
                write_error(&e, 0, &mut out);
            }
            Outcome::Invalid(out)
        }
    }
}

/// Values as helm validates them: the JSON form of the YAML (an empty file is `{}`).
fn to_json(v: &Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => Json::from(*i),
        Value::Float(f) => {
            // Go decodes every number as float64; integral floats are integers to the schema.
            #[allow(clippy::cast_possible_truncation)]
            if f.fract() == 0.0 && f.abs() < 9.0e15 {
                Json::from(*f as i64)
            } else {
                serde_json::Number::from_f64(*f).map_or(Json::Null, Json::Number)
            }
        }
        Value::String(s) => Json::String(s.clone()),
        Value::Seq(items) => Json::Array(items.iter().map(to_json).collect()),
        Value::Map(entries) => Json::Object(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), to_json(v)))
                .collect(),
        ),
    }
}

pub(super) fn values_for_schema(v: &Value) -> Value {
    match v {
        Value::Null => Value::Map(Vec::new()),
        other => other.clone(),
    }
}

fn write_error(e: &ValidationError<'_, '_>, depth: usize, out: &mut String) {
    // A `$ref` with a single cause is transparent, as in the Go library.
    if matches!(e.kind, ErrorKind::Reference { .. }) && e.causes.len() == 1 {
        return write_error(&e.causes[0], depth, out);
    }
    for _ in 0..depth {
        out.push_str("  ");
    }
    out.push_str(&format!(
        "- at {}: {}\n",
        quote(&e.instance_location.to_string()),
        message(&e.kind)
    ));
    for cause in &e.causes {
        write_error(cause, depth + 1, out);
    }
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "\\'"))
}

fn quoted_list(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| quote(s))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A JSON value as the Go library prints it in messages: strings quoted, the rest as JSON.
fn show(v: &Json) -> String {
    match v {
        Json::String(s) => quote(s),
        other => other.to_string(),
    }
}

/// The Go library's wording, measured with helm 4.1.4 for each kind below; kinds that were
/// not measured keep boon's text.
fn message(kind: &ErrorKind<'_, '_>) -> String {
    use ErrorKind as K;
    match kind {
        K::Group | K::Schema { .. } => "validation failed".into(),
        K::FalseSchema => "false schema".into(),
        K::Type { got, want } => {
            let got = match got.to_string().as_str() {
                "integer" => "number".to_string(),
                g => g.to_string(),
            };
            let want: Vec<String> = want.iter().map(|t| t.to_string()).collect();
            format!("got {got}, want {}", want.join(" or "))
        }
        K::Enum { want } => {
            format!(
                "value must be one of {}",
                want.iter().map(show).collect::<Vec<_>>().join(", ")
            )
        }
        K::Const { want } => format!("value must be {}", show(want)),
        K::Format { got, want, err } => format!("{} is not valid {want}: {err}", show(got)),
        K::MinProperties { got, want } => format!("minProperties: got {got}, want {want}"),
        K::MaxProperties { got, want } => format!("maxProperties: got {got}, want {want}"),
        K::AdditionalProperties { got } => {
            let got: Vec<&str> = got.iter().map(|s| s.as_ref()).collect();
            format!("additional properties {} not allowed", quoted_list(&got))
        }
        K::Required { want } if want.len() == 1 => {
            format!("missing property {}", quoted_list(want))
        }
        K::Required { want } => format!("missing properties {}", quoted_list(want)),
        K::Dependency { prop, missing } | K::DependentRequired { prop, missing } => {
            format!(
                "properties {} required, if {} exists",
                quoted_list(missing),
                quote(prop)
            )
        }
        K::MinItems { got, want } => format!("minItems: got {got}, want {want}"),
        K::MaxItems { got, want } => format!("maxItems: got {got}, want {want}"),
        K::UniqueItems { got } => format!("items at {} and {} are equal", got[0], got[1]),
        K::MinLength { got, want } => format!("minLength: got {got}, want {want}"),
        K::MaxLength { got, want } => format!("maxLength: got {got}, want {want}"),
        K::Pattern { got, want } => {
            format!("{} does not match pattern {}", quote(got), quote(want))
        }
        K::Minimum { got, want } => format!("minimum: got {got}, want {want}"),
        K::Maximum { got, want } => format!("maximum: got {got}, want {want}"),
        K::ExclusiveMinimum { got, want } => format!("exclusiveMinimum: got {got}, want {want}"),
        K::ExclusiveMaximum { got, want } => format!("exclusiveMaximum: got {got}, want {want}"),
        K::MultipleOf { got, want } => format!("multipleOf: got {got}, want {want}"),
        K::Not => "'not' failed".into(),
        K::AllOf => "'allOf' failed".into(),
        K::AnyOf => "'anyOf' failed".into(),
        K::OneOf(None) => "'oneOf' failed, none matched".into(),
        K::OneOf(Some((i, j))) => format!("'oneOf' failed, subschemas {i}, {j} matched"),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(values: &str, schema: &str) -> String {
        let values = values_for_schema(&crate::yaml::parse(values).expect("values parse"));
        match validate(schema.as_bytes(), &values) {
            Outcome::Valid => "valid".into(),
            Outcome::Invalid(m) => m,
            Outcome::Skipped => "skipped".into(),
        }
    }

    /// Each expected text was printed by `helm4 lint` (v4.1.4) for the same values and schema.
    #[test]
    fn messages_measured_with_helm4() {
        assert_eq!(
            check(
                "a: 1\n",
                r#"{"oneOf": [{"required": ["x"]}, {"required": ["y"]}]}"#
            ),
            "- at '': 'oneOf' failed, none matched\n  - at '': missing property 'x'\n  - at '': missing property 'y'\n"
        );
        assert_eq!(
            check(
                "a: 1\n",
                r#"{"allOf": [{"required": ["x"]}, {"required": ["y"]}]}"#
            ),
            "- at '': 'allOf' failed\n  - at '': missing property 'x'\n  - at '': missing property 'y'\n"
        );
        assert_eq!(
            check("a: 1\nb: 2\n", r#"{"additionalProperties": false}"#),
            "- at '': additional properties 'a', 'b' not allowed\n"
        );
        assert_eq!(
            check("a: 1\n", r#"{"properties": {"a": false}}"#),
            "- at '/a': false schema\n"
        );
        assert_eq!(
            check("b: x\n", r#"{"properties": {"b": {"const": "y"}}}"#),
            "- at '/b': value must be 'y'\n"
        );
        assert_eq!(
            check("a: 3\n", r#"{"properties": {"a": {"enum": [1, 2, "z"]}}}"#),
            "- at '/a': value must be one of 1, 2, 'z'\n"
        );
        assert_eq!(
            check(
                "a: [x]\n",
                r#"{"$schema": "https://json-schema.org/draft/2020-12/schema", "dependentRequired": {"a": ["b", "c"]}}"#
            ),
            "- at '': properties 'b', 'c' required, if 'a' exists\n"
        );
        assert_eq!(
            check(
                "b: 2.5\nc: 12345678\n",
                r#"{"properties": {"b": {"maximum": 1.5}, "c": {"type": "string"}}}"#
            ),
            "- at '/b': maximum: got 2.5, want 1.5\n- at '/c': got number, want string\n"
        );
        assert_eq!(
            check(
                "fmt: not-an-email\n",
                r#"{"$schema": "http://json-schema.org/draft-07/schema#", "properties": {"fmt": {"format": "email"}}}"#
            ),
            "- at '/fmt': 'not-an-email' is not valid email: missing @\n"
        );
    }

    #[test]
    fn formats_are_annotations_in_2020_12_like_helm4() {
        assert_eq!(
            check(
                "a: 2024-01-02T03:04:05\nb: x\n",
                r#"{"properties": {"a": {"format": "date-time"}, "b": {"format": "ipv4"}}}"#
            ),
            "valid"
        );
    }

    #[test]
    fn integral_floats_are_integers_and_empty_values_are_an_object() {
        assert_eq!(
            check("a: 1.0\n", r#"{"properties": {"a": {"type": "integer"}}}"#),
            "valid"
        );
        assert_eq!(check("", r#"{"type": "object"}"#), "valid");
    }

    #[test]
    fn remote_references_are_skipped_not_fetched() {
        // helm4 fetches the document (and fails offline); the sandbox has no network.
        assert_eq!(
            check(
                "a: 1\n",
                r#"{"properties": {"a": {"$ref": "https://example.com/nope.json"}}}"#
            ),
            "skipped"
        );
    }
}
