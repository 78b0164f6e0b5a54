//! The Values group (`pkg/chart/v2/lint/rules/values.go`): values.yaml exists and parses as one
//! YAML map; a non-empty values.schema.json next to it must be well-formed JSON and the values
//! must satisfy it.

use super::{Linter, gojson, schema};
use crate::loader::{json_kind, non_finite};
use crate::metadata::format_float64;
use crate::source::Kind;
use crate::yaml::{self, Value};
use crate::{LoadError, Severity};

const PATH: &str = "values.yaml";
const SCHEMA: &str = "values.schema.json";

pub(super) fn run(l: &mut Linter<'_>) -> Result<(), LoadError> {
    let Some(kind) = l.stat(&[PATH])? else {
        l.add(
            Severity::Info,
            "values.missing",
            PATH,
            None,
            "file does not exist".into(),
        );
        return Ok(());
    };
    if kind == Kind::Dir {
        let m = format!(
            "unable to parse YAML: read {}/{PATH}: is a directory",
            l.chart_dir
        );
        l.add(Severity::Error, "values.parse", PATH, None, m);
        return Ok(());
    }
    let data = l.read(&[PATH])?.unwrap_or_default();
    let text = String::from_utf8_lossy(&data);
    // helm's `common.ReadValues`: a single document unmarshalled into `common.Values`.
    let parsed = yaml::parse(&text);
    let problem = match &parsed {
        Err(e) => Some((e.line, format!("error converting YAML to JSON: {e}"))),
        Ok(v) => match non_finite(v) {
            Some(f) => Some((
                None,
                format!(
                    "error converting YAML to JSON: json: unsupported value: {}",
                    format_float64(f)
                ),
            )),
            None => match v {
                Value::Null | Value::Map(_) => None,
                other => Some((
                    None,
                    format!(
                        "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type common.Values",
                        json_kind(other)
                    ),
                )),
            },
        },
    };
    if let Some((line, e)) = problem {
        l.add(
            Severity::Error,
            "values.parse",
            PATH,
            line,
            format!("unable to parse YAML: {e}"),
        );
        return Ok(());
    }
    let schema_bytes = l.read(&[SCHEMA])?.unwrap_or_default();
    if schema_bytes.is_empty() {
        return Ok(());
    }
    if let Err(e) = gojson::check(&schema_bytes) {
        l.add(Severity::Error, "values.schema-invalid", PATH, None, e);
        return Ok(());
    }
    let values = schema::values_for_schema(&parsed.unwrap_or(Value::Null));
    match schema::validate(&schema_bytes, &values) {
        schema::Outcome::Valid => {}
        schema::Outcome::Invalid(message) => {
            l.add(Severity::Error, "values.schema", PATH, None, message);
        }
        // A schema that needs the network is not checked (helm would fetch it).
        schema::Outcome::Skipped => {}
    }
    Ok(())
}
