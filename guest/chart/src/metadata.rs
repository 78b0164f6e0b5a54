//! Chart.yaml and Chart.lock as helm reads them (`sigs.k8s.io/yaml` on top of `encoding/json`):
//! case-insensitive keys, scalars coerced into string fields (`version: 1.0` → `"1"`), Go's
//! `json: cannot unmarshal …` errors, plus `sanitizeString` and `Metadata.Validate`.

use crate::chart::{Dependency, Lock, Maintainer, Metadata};
use crate::yaml::{self, Value};

/// Go's `filepath.Base` for `/`-separated names.
pub(crate) fn go_base(name: &str) -> &str {
    if name.is_empty() {
        return ".";
    }
    let trimmed = name.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/";
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed)
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 32)`, which sigs.k8s.io/yaml uses to put a YAML float
/// into a string field.
pub fn format_float32(f: f64) -> String {
    // Narrowing to f32 is the point: helm formats with float32 precision.
    #[allow(clippy::cast_possible_truncation)]
    let x = f as f32;
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    format_g_shortest(&format!("{x:e}"))
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 64)`.
pub fn format_float64(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    format_g_shortest(&format!("{f:e}"))
}

/// Turns Rust's shortest `{:e}` rendering (`-1.25e-7`) into Go's shortest `%g`.
fn format_g_shortest(sci: &str) -> String {
    let (neg, sci) = match sci.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, sci),
    };
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let digits = if digits.trim_start_matches('0').is_empty() {
        "0".to_string()
    } else {
        digits
    };
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    // Go uses %e when the exponent is < -4 or >= 6 for shortest formatting.
    if digits == "0" {
        out.push('0');
    } else if !(-4..6).contains(&exp) {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        out.push_str(&format!("{:02}", exp.unsigned_abs()));
    } else if exp < 0 {
        out.push_str("0.");
        for _ in 0..(-exp - 1) {
            out.push('0');
        }
        out.push_str(&digits);
    } else {
        let point = usize::try_from(exp).unwrap_or(0) + 1;
        if digits.len() <= point {
            out.push_str(&digits);
            for _ in digits.len()..point {
                out.push('0');
            }
        } else {
            out.push_str(&digits[..point]);
            out.push('.');
            out.push_str(&digits[point..]);
        }
    }
    out
}

/// Go's `unicode.IsPrint` for runes that are not spaces: letters, marks, numbers, punctuation
/// and symbols. Without Unicode tables this refuses controls, format characters, private use,
/// surrogates and noncharacters; unassigned code points are let through.
fn is_print(c: char) -> bool {
    let u = u32::from(c);
    !(c.is_control()
        || matches!(u,
            0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x890..=0x891 | 0x8E2 | 0x180E
            | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x206F | 0xFEFF
            | 0xFFF9..=0xFFFB | 0x110BD | 0x110CD | 0x13430..=0x1343F | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A | 0xE0001 | 0xE0020..=0xE007F
            | 0xE000..=0xF8FF | 0xF0000..=0x10FFFF | 0xFDD0..=0xFDEF)
        || (u & 0xFFFE) == 0xFFFE)
}

/// helm's `sanitizeString`: every white-space rune becomes a space, non-printable runes go.
pub fn sanitize_string(s: &str) -> String {
    s.chars()
        .filter_map(|c| {
            if c.is_whitespace() {
                Some(' ')
            } else if is_print(c) {
                Some(c)
            } else {
                None
            }
        })
        .collect()
}

/// `Metadata.Validate` failed; displays as helm's `validation: …`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("validation: {0}")]
pub struct ValidationError(pub String);

/// A file could not be decoded; `Display` is sigs.k8s.io/yaml's error text, e.g.
/// `error unmarshaling JSON: while decoding JSON: json: unknown field "x"`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct DecodeError {
    pub message: String,
    /// 1-based line of a YAML syntax error.
    pub line: Option<u32>,
}

impl DecodeError {
    fn yaml(e: &yaml::YamlError) -> Self {
        DecodeError {
            message: format!("error converting YAML to JSON: {e}"),
            line: e.line,
        }
    }

    fn json(message: String) -> Self {
        DecodeError {
            message: format!("error unmarshaling JSON: while decoding JSON: {message}"),
            line: None,
        }
    }
}

/// Parses Chart.yaml like `chartutil.LoadChartfile` (unknown keys ignored).
pub fn parse_chart_yaml(text: &str) -> Result<Metadata, DecodeError> {
    let mut md = Metadata::default();
    decode_into(text, &mut md, false)?;
    Ok(md)
}

/// Parses Chart.yaml like `chartutil.StrictLoadChartfile` (unknown keys are errors).
pub fn parse_chart_yaml_strict(text: &str) -> Result<Metadata, DecodeError> {
    let mut md = Metadata::default();
    decode_into(text, &mut md, true)?;
    Ok(md)
}

/// Unmarshals a v1 `requirements.yaml` over already loaded metadata, as helm's loader does.
pub fn overlay_requirements(text: &str, md: &mut Metadata) -> Result<(), DecodeError> {
    decode_into(text, md, false)
}

fn decode_into(text: &str, md: &mut Metadata, strict: bool) -> Result<(), DecodeError> {
    let value = yaml::parse(text).map_err(|e| DecodeError::yaml(&e))?;
    if strict {
        let duplicates = duplicate_keys(text);
        if !duplicates.is_empty() {
            let lines: String = duplicates
                .iter()
                .map(|(line, key)| format!("\n  line {line}: key {key} already set in map"))
                .collect();
            return Err(DecodeError {
                message: format!("error converting YAML to JSON: yaml: unmarshal errors:{lines}"),
                line: duplicates.first().map(|(l, _)| *l),
            });
        }
    }
    check_json_encodable(&value, &METADATA)?;
    let mut dec = Decoder {
        strict,
        error: None,
    };
    dec.metadata(&value, md);
    match dec.error {
        Some(e) => Err(DecodeError::json(e)),
        None => Ok(()),
    }
}

/// Keys set twice in one mapping of the first document, as go-yaml v2's `UnmarshalStrict`
/// reports them: (1-based line of the repeated key, the key as Go's `%#v` prints it).
fn duplicate_keys(text: &str) -> Vec<(u32, String)> {
    use yaml_rust2::parser::{Event, Parser};
    use yaml_rust2::scanner::TScalarStyle;

    struct Open {
        map: bool,
        expect_key: bool,
        keys: Vec<String>,
    }
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Open> = Vec::new();
    let mut out = Vec::new();
    let value_done = |stack: &mut Vec<Open>| {
        if let Some(top) = stack.last_mut()
            && top.map
        {
            top.expect_key = !top.expect_key;
        }
    };
    while let Ok((event, mark)) = parser.next_token() {
        match event {
            Event::DocumentEnd | Event::StreamEnd => break,
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                // A collection in key position is not tracked; either way the parent flips.
                value_done(&mut stack);
                let map = matches!(event, Event::MappingStart(..));
                stack.push(Open {
                    map,
                    expect_key: true,
                    keys: Vec::new(),
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                stack.pop();
            }
            Event::Scalar(value, style, ..) => {
                if let Some(top) = stack.last_mut()
                    && top.map
                    && top.expect_key
                    && value != "<<"
                {
                    let plain = style == TScalarStyle::Plain;
                    let shown = if plain && !value.is_empty() && value.parse::<i64>().is_ok() {
                        value.clone()
                    } else {
                        format!("{value:?}")
                    };
                    if top.keys.contains(&shown) {
                        out.push((u32::try_from(mark.line()).unwrap_or(0), shown));
                    } else {
                        top.keys.push(shown);
                    }
                }
                value_done(&mut stack);
            }
            Event::Alias(_) => value_done(&mut stack),
            _ => {}
        }
    }
    out
}

/// Parses Chart.lock / requirements.lock (helm's `chart.Lock`).
pub fn parse_lock(text: &str) -> Result<Lock, DecodeError> {
    let value = yaml::parse(text).map_err(|e| DecodeError::yaml(&e))?;
    check_json_encodable(&value, &LOCK)?;
    let mut dec = Decoder {
        strict: false,
        error: None,
    };
    let mut lock = Lock::default();
    match &value {
        Value::Null => {}
        Value::Map(_) => {
            for (key, v) in sorted_entries(&value) {
                match field_for(&LOCK, key) {
                    Some("generated") => dec.time(v, &mut lock.generated),
                    Some("digest") => dec.string(v, "Lock", "digest", &mut lock.digest),
                    Some("dependencies") => {
                        let mut deps = Vec::new();
                        dec.dependencies(v, "Lock", &mut deps);
                        lock.dependencies = deps.into_iter().flatten().collect();
                    }
                    _ => {}
                }
            }
        }
        other => dec.fail(format!(
            "json: cannot unmarshal {} into Go value of type v2.Lock",
            kind(other)
        )),
    }
    match dec.error {
        Some(e) => Err(DecodeError::json(e)),
        None => Ok(lock),
    }
}

/// The field names of one Go struct, as its json tags spell them.
struct StructDef {
    fields: &'static [&'static str],
    /// Fields typed as strings, which receive coerced scalars.
    string_fields: &'static [&'static str],
    /// Fields holding structs, with their definition.
    nested: &'static [(&'static str, &'static StructDef)],
}

/// Chart.yaml's keys (Go's `Metadata` struct), also the inline part of an index entry.
pub(crate) const METADATA_FIELDS: &[&str] = &[
    "name",
    "home",
    "sources",
    "version",
    "description",
    "keywords",
    "maintainers",
    "icon",
    "apiVersion",
    "condition",
    "tags",
    "appVersion",
    "deprecated",
    "annotations",
    "kubeVersion",
    "dependencies",
    "type",
];

/// A maintainer entry's keys.
pub(crate) const MAINTAINER_FIELDS: &[&str] = &["name", "email", "url"];

/// A dependency entry's keys (Go's `Dependency` struct).
pub(crate) const DEPENDENCY_FIELDS: &[&str] = &[
    "name",
    "version",
    "repository",
    "condition",
    "tags",
    "enabled",
    "import-values",
    "alias",
];

const METADATA: StructDef = StructDef {
    fields: METADATA_FIELDS,
    string_fields: &[
        "name",
        "home",
        "sources",
        "version",
        "description",
        "keywords",
        "icon",
        "apiVersion",
        "condition",
        "tags",
        "appVersion",
        "annotations",
        "kubeVersion",
        "type",
    ],
    nested: &[("maintainers", &MAINTAINER), ("dependencies", &DEPENDENCY)],
};

const MAINTAINER: StructDef = StructDef {
    fields: MAINTAINER_FIELDS,
    string_fields: &["name", "email", "url"],
    nested: &[],
};

const DEPENDENCY: StructDef = StructDef {
    fields: DEPENDENCY_FIELDS,
    string_fields: &[
        "name",
        "version",
        "repository",
        "condition",
        "tags",
        "alias",
    ],
    nested: &[],
};

const LOCK: StructDef = StructDef {
    fields: &["generated", "digest", "dependencies"],
    string_fields: &["digest"],
    nested: &[("dependencies", &DEPENDENCY)],
};

/// encoding/json's key matching: exact name first, else ASCII/Unicode simple case folding.
fn field_for(def: &StructDef, key: &str) -> Option<&'static str> {
    if let Some(f) = def.fields.iter().find(|f| **f == key) {
        return Some(f);
    }
    let folded = fold(key);
    def.fields.iter().find(|f| fold(f) == folded).copied()
}

fn fold(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{17F}' => 's',
            '\u{212A}' => 'k',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// Map entries in the order encoding/json sees them: sigs.k8s.io/yaml goes through a Go map,
/// so keys arrive sorted bytewise.
fn sorted_entries(v: &Value) -> Vec<(&str, &Value)> {
    let mut entries: Vec<(&str, &Value)> = match v {
        Value::Map(m) => m.iter().map(|(k, v)| (k.as_str(), v)).collect(),
        _ => Vec::new(),
    };
    entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    entries
}

/// sigs.k8s.io/yaml marshals to JSON first: a NaN or infinity that is not headed for a string
/// field cannot be encoded (`json: unsupported value: NaN`).
fn check_json_encodable(v: &Value, def: &StructDef) -> Result<(), DecodeError> {
    fn walk(v: &Value, def: Option<&StructDef>, stringy: bool) -> Result<(), String> {
        match v {
            Value::Float(f) if !f.is_finite() && !stringy => {
                Err(format!("json: unsupported value: {}", format_float64(*f)))
            }
            Value::Seq(items) => items.iter().try_for_each(|i| walk(i, def, stringy)),
            Value::Map(entries) => {
                for (k, item) in entries {
                    match def {
                        Some(d) => {
                            let field = field_for(d, k);
                            let nested = field
                                .and_then(|f| d.nested.iter().find(|(n, _)| *n == f))
                                .map(|(_, d)| *d);
                            let s = field.is_some_and(|f| d.string_fields.contains(&f));
                            walk(item, nested, s)?;
                        }
                        // Inside a map[string]string every value is headed for a string.
                        None => walk(item, None, stringy)?,
                    }
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
    walk(v, Some(def), false).map_err(|message| DecodeError {
        message: format!("error converting YAML to JSON: {message}"),
        line: None,
    })
}

/// JSON's name for the kind of a value, as in `cannot unmarshal <kind> into …`.
fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Int(_) | Value::Float(_) => "number",
        Value::String(_) => "string",
        Value::Seq(_) => "array",
        Value::Map(_) => "object",
    }
}

/// A tiny `encoding/json` decoder for the chart structs: keeps the first error, like Go.
struct Decoder {
    strict: bool,
    error: Option<String>,
}

impl Decoder {
    fn fail(&mut self, message: String) {
        if self.error.is_none() {
            self.error = Some(message);
        }
    }

    fn mismatch(&mut self, v: &Value, strukt: &str, path: &str, ty: &str) {
        self.fail(format!(
            "json: cannot unmarshal {} into Go struct field {strukt}.{path} of type {ty}",
            kind(v)
        ));
    }

    fn unknown(&mut self, key: &str) {
        if self.strict {
            self.fail(format!("json: unknown field {key:?}"));
        }
    }

    /// A scalar headed for a string field, coerced as sigs.k8s.io/yaml does.
    fn coerce(v: &Value) -> Option<Option<String>> {
        match v {
            Value::Null => Some(None),
            Value::String(s) => Some(Some(s.clone())),
            Value::Int(i) => Some(Some(i.to_string())),
            Value::Float(f) => Some(Some(format_float32(*f))),
            Value::Bool(b) => Some(Some(b.to_string())),
            Value::Seq(_) | Value::Map(_) => None,
        }
    }

    fn string(&mut self, v: &Value, strukt: &str, path: &str, out: &mut String) {
        match Self::coerce(v) {
            Some(Some(s)) => *out = s,
            Some(None) => {}
            None => self.mismatch(v, strukt, path, "string"),
        }
    }

    fn strings(&mut self, v: &Value, strukt: &str, path: &str, out: &mut Vec<String>) {
        match v {
            Value::Null => out.clear(),
            Value::Seq(items) => {
                *out = items
                    .iter()
                    .map(|item| {
                        let mut s = String::new();
                        self.string(item, strukt, path, &mut s);
                        s
                    })
                    .collect();
            }
            other => self.mismatch(other, strukt, path, "[]string"),
        }
    }

    fn boolean(&mut self, v: &Value, strukt: &str, path: &str, out: &mut bool) {
        match v {
            Value::Null => {}
            Value::Bool(b) => *out = *b,
            other => self.mismatch(other, strukt, path, "bool"),
        }
    }

    fn time(&mut self, v: &Value, out: &mut String) {
        match v {
            Value::Null => {}
            Value::String(s) => match parse_rfc3339_error(s) {
                None => *out = s.clone(),
                Some(e) => self.fail(e),
            },
            _ => self.fail("Time.UnmarshalJSON: input is not a JSON string".into()),
        }
    }

    fn metadata(&mut self, v: &Value, md: &mut Metadata) {
        let s = "Metadata";
        match v {
            Value::Null => return,
            Value::Map(_) => {}
            other => {
                self.fail(format!(
                    "json: cannot unmarshal {} into Go value of type v2.Metadata",
                    kind(other)
                ));
                return;
            }
        }
        for (key, v) in sorted_entries(v) {
            let Some(field) = field_for(&METADATA, key) else {
                self.unknown(key);
                continue;
            };
            match field {
                "name" => self.string(v, s, field, &mut md.name),
                "home" => self.string(v, s, field, &mut md.home),
                "sources" => self.strings(v, s, field, &mut md.sources),
                "version" => self.string(v, s, field, &mut md.version),
                "description" => self.string(v, s, field, &mut md.description),
                "keywords" => self.strings(v, s, field, &mut md.keywords),
                "maintainers" => self.maintainers(v, &mut md.maintainers),
                "icon" => self.string(v, s, field, &mut md.icon),
                "apiVersion" => self.string(v, s, field, &mut md.api_version),
                "condition" => self.string(v, s, field, &mut md.condition),
                "tags" => self.string(v, s, field, &mut md.tags),
                "appVersion" => self.string(v, s, field, &mut md.app_version),
                "deprecated" => self.boolean(v, s, field, &mut md.deprecated),
                "annotations" => self.annotations(v, md),
                "kubeVersion" => self.string(v, s, field, &mut md.kube_version),
                "dependencies" => self.dependencies(v, s, &mut md.dependencies),
                _ => self.string(v, s, field, &mut md.chart_type),
            }
        }
    }

    fn annotations(&mut self, v: &Value, md: &mut Metadata) {
        match v {
            Value::Null => md.annotations.clear(),
            Value::Map(_) => {
                for (k, item) in sorted_entries(v) {
                    let mut s = String::new();
                    match Self::coerce(item) {
                        Some(Some(text)) => s = text,
                        Some(None) => {}
                        None => {
                            self.mismatch(item, "Metadata", "annotations", "string");
                            continue;
                        }
                    }
                    md.annotations.insert(k.to_string(), s);
                }
            }
            other => self.mismatch(other, "Metadata", "annotations", "map[string]string"),
        }
    }

    fn maintainers(&mut self, v: &Value, out: &mut Vec<Option<Maintainer>>) {
        let items = match v {
            Value::Null => {
                out.clear();
                return;
            }
            Value::Seq(items) => items,
            other => return self.mismatch(other, "Metadata", "maintainers", "[]*v2.Maintainer"),
        };
        *out = items
            .iter()
            .map(|item| match item {
                Value::Null => None,
                Value::Map(_) => {
                    let mut m = Maintainer::default();
                    for (key, v) in sorted_entries(item) {
                        let path = match field_for(&MAINTAINER, key) {
                            Some(f) => format!("maintainers.{f}"),
                            None => {
                                self.unknown(key);
                                continue;
                            }
                        };
                        let target = match path.as_str() {
                            "maintainers.name" => &mut m.name,
                            "maintainers.email" => &mut m.email,
                            _ => &mut m.url,
                        };
                        self.string(v, "Maintainer", &path, target);
                    }
                    Some(m)
                }
                other => {
                    self.mismatch(other, "Metadata", "maintainers", "v2.Maintainer");
                    Some(Maintainer::default())
                }
            })
            .collect();
    }

    fn dependencies(&mut self, v: &Value, parent: &str, out: &mut Vec<Option<Dependency>>) {
        let items = match v {
            Value::Null => {
                out.clear();
                return;
            }
            Value::Seq(items) => items,
            other => return self.mismatch(other, parent, "dependencies", "[]*v2.Dependency"),
        };
        *out = items
            .iter()
            .map(|item| match item {
                Value::Null => None,
                Value::Map(_) => Some(self.dependency(item)),
                other => {
                    self.mismatch(other, parent, "dependencies", "v2.Dependency");
                    Some(Dependency::default())
                }
            })
            .collect();
    }

    fn dependency(&mut self, v: &Value) -> Dependency {
        let s = "Dependency";
        let mut d = Dependency::default();
        for (key, v) in sorted_entries(v) {
            let Some(field) = field_for(&DEPENDENCY, key) else {
                self.unknown(key);
                continue;
            };
            let path = format!("dependencies.{field}");
            match field {
                "name" => self.string(v, s, &path, &mut d.name),
                "version" => self.string(v, s, &path, &mut d.version),
                "repository" => self.string(v, s, &path, &mut d.repository),
                "condition" => self.string(v, s, &path, &mut d.condition),
                "tags" => self.strings(v, s, &path, &mut d.tags),
                "enabled" => self.boolean(v, s, &path, &mut d.enabled),
                "import-values" => match v {
                    Value::Null => d.import_values.clear(),
                    Value::Seq(items) => d.import_values = items.clone(),
                    other => self.mismatch(other, s, &path, "[]interface {}"),
                },
                _ => self.string(v, s, &path, &mut d.alias),
            }
        }
        d
    }
}

/// Go's `time.Parse(time.RFC3339, s)` error text, or `None` if `s` parses.
fn parse_rfc3339_error(s: &str) -> Option<String> {
    const LAYOUT: &str = "2006-01-02T15:04:05Z07:00";
    let fail = |rest: &str, elem: &str| {
        Some(format!(
            "parsing time {s:?} as {LAYOUT:?}: cannot parse {rest:?} as {elem:?}"
        ))
    };
    // (layout element, number of digits or 0 for a literal)
    let elements: [(&str, usize); 11] = [
        ("2006", 4),
        ("-", 0),
        ("01", 2),
        ("-", 0),
        ("02", 2),
        ("T", 0),
        ("15", 2),
        (":", 0),
        ("04", 2),
        (":", 0),
        ("05", 2),
    ];
    let mut rest = s;
    let mut fields = Vec::new();
    for (elem, digits) in elements {
        if digits == 0 {
            match rest.strip_prefix(elem) {
                Some(r) => rest = r,
                None => return fail(rest, elem),
            }
        } else {
            let n = rest
                .bytes()
                .take(digits)
                .take_while(u8::is_ascii_digit)
                .count();
            if n < digits {
                return fail(rest, elem);
            }
            fields.push(rest[..digits].parse::<u32>().unwrap_or(0));
            rest = &rest[digits..];
        }
    }
    // Fractional seconds are accepted after the seconds even though the layout has none.
    if let Some(r) = rest.strip_prefix('.') {
        let n = r.bytes().take_while(u8::is_ascii_digit).count();
        if n > 0 {
            rest = &r[n..];
        }
    }
    let zone_ok = match rest.as_bytes() {
        [b'Z', ..] => {
            rest = &rest[1..];
            true
        }
        [b'+' | b'-', h1, h2, b':', m1, m2, ..]
            if [h1, h2, m1, m2].iter().all(|d| d.is_ascii_digit()) =>
        {
            rest = &rest[6..];
            true
        }
        _ => false,
    };
    if !zone_ok {
        return fail(rest, "Z07:00");
    }
    if !rest.is_empty() {
        return Some(format!("parsing time {s:?}: extra text: {rest:?}"));
    }
    let range = |what: &str| Some(format!("parsing time {s:?}: {what} out of range"));
    match fields[..] {
        [_, m, ..] if !(1..=12).contains(&m) => range("month"),
        [_, _, d, ..] if !(1..=31).contains(&d) => range("day"),
        [_, _, _, h, ..] if h > 23 => range("hour"),
        [_, _, _, _, mi, ..] if mi > 59 => range("minute"),
        [_, _, _, _, _, sec] if sec > 59 => range("second"),
        _ => None,
    }
}

const ALIAS_CHARS: fn(char) -> bool = |c| c.is_ascii_alphanumeric() || c == '_' || c == '-';

impl Metadata {
    /// helm's `Metadata.Validate`: sanitises the free-text fields in place, then checks them in
    /// helm's order and returns the first problem.
    pub fn validate(&mut self) -> Result<(), ValidationError> {
        for s in [
            &mut self.name,
            &mut self.description,
            &mut self.home,
            &mut self.icon,
            &mut self.condition,
            &mut self.tags,
            &mut self.app_version,
            &mut self.kube_version,
        ] {
            *s = sanitize_string(s);
        }
        for s in self.sources.iter_mut().chain(self.keywords.iter_mut()) {
            *s = sanitize_string(s);
        }
        let err = |m: String| Err(ValidationError(m));
        if self.api_version.is_empty() {
            return err("chart.metadata.apiVersion is required".into());
        }
        if self.name.is_empty() {
            return err("chart.metadata.name is required".into());
        }
        if self.name == "." || self.name == ".." {
            return err(format!(
                "chart.metadata.name {:?} is not allowed",
                self.name
            ));
        }
        if self.name != go_base(&self.name) {
            return err(format!("chart.metadata.name {:?} is invalid", self.name));
        }
        if self.version.is_empty() {
            return err("chart.metadata.version is required".into());
        }
        if crate::semver::Version::parse(&self.version).is_err() {
            return err(format!(
                "chart.metadata.version {:?} is invalid",
                self.version
            ));
        }
        if !matches!(self.chart_type.as_str(), "" | "application" | "library") {
            return err("chart.metadata.type must be application or library".into());
        }
        for m in &mut self.maintainers {
            let Some(m) = m else {
                return err("maintainers must not contain empty or null nodes".into());
            };
            for s in [&mut m.name, &mut m.email, &mut m.url] {
                *s = sanitize_string(s);
            }
        }
        let mut keys: Vec<String> = Vec::new();
        for d in &mut self.dependencies {
            let Some(d) = d else {
                return err("dependencies must not contain empty or null nodes".into());
            };
            d.sanitize();
            if !d.alias.is_empty() && !d.alias.chars().all(ALIAS_CHARS) {
                return err(format!(
                    "dependency {:?} has disallowed characters in the alias",
                    d.name
                ));
            }
            let key = if d.alias.is_empty() {
                d.name.clone()
            } else {
                d.alias.clone()
            };
            if keys.contains(&key) {
                return err(format!(
                    "more than one dependency with name or alias {key:?}"
                ));
            }
            keys.push(key);
        }
        Ok(())
    }

    /// The dependencies that are not `null` entries.
    pub fn declared_dependencies(&self) -> impl Iterator<Item = &Dependency> {
        self.dependencies.iter().flatten()
    }
}

impl Dependency {
    /// helm's `Dependency.Validate` sanitising of name, version, repository, condition, tags.
    pub fn sanitize(&mut self) {
        for s in [
            &mut self.name,
            &mut self.version,
            &mut self.repository,
            &mut self.condition,
        ] {
            *s = sanitize_string(s);
        }
        for t in &mut self.tags {
            *t = sanitize_string(t);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err_of(text: &str) -> String {
        match parse_chart_yaml(text) {
            Ok(_) => "ok".into(),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn float32_g_formatting() {
        assert_eq!(format_float32(1.0), "1");
        assert_eq!(format_float32(1.10), "1.1");
        assert_eq!(format_float32(0.1), "0.1");
        assert_eq!(format_float32(1e6), "1e+06");
        assert_eq!(format_float32(123456.0), "123456");
        assert_eq!(format_float32(0.0001), "0.0001");
        assert_eq!(format_float32(0.00001), "1e-05");
        assert_eq!(format_float32(1.23456789), "1.2345679");
        assert_eq!(format_float32(-2.5), "-2.5");
        assert_eq!(format_float32(1e40), "+Inf");
        assert_eq!(format_float32(0.0), "0");
        assert_eq!(format_float64(1e21), "1e+21");
        assert_eq!(format_float64(12345678.0), "1.2345678e+07");
    }

    #[test]
    fn coercion_and_case_insensitive_keys() {
        let md = parse_chart_yaml(
            "APIVERSION: v2\nName: c\nversion: 1.0\nappVersion: 1.10\nkeywords: [1, true, ~, x]\n\
             annotations: {a: 1, b: no}\nfoo: bar\n",
        )
        .expect("parses");
        assert_eq!(md.api_version, "v2");
        assert_eq!(md.name, "c");
        assert_eq!(md.version, "1");
        assert_eq!(md.app_version, "1.1");
        assert_eq!(md.keywords, ["1", "true", "", "x"]);
        assert_eq!(md.annotations.get("b").map(String::as_str), Some("false"));
    }

    #[test]
    fn go_json_errors_measured_with_helm4() {
        // Each expected text was printed by `helm4 lint` (v4.1.4) for the same Chart.yaml.
        let j = "error unmarshaling JSON: while decoding JSON: json: ";
        assert_eq!(
            err_of("apiVersion: v2\nname: c1\nversion: 1.0.0\nmaintainers: bob\n"),
            format!(
                "{j}cannot unmarshal string into Go struct field Metadata.maintainers of type []*v2.Maintainer"
            )
        );
        assert_eq!(
            err_of(
                "apiVersion: v2\nname: c2\nversion: 1.0.0\nmaintainers:\n- name: [a]\n  foo: 1\n"
            ),
            format!(
                "{j}cannot unmarshal array into Go struct field Maintainer.maintainers.name of type string"
            )
        );
        assert_eq!(
            err_of("- a\n- b\n"),
            format!("{j}cannot unmarshal array into Go value of type v2.Metadata")
        );
        assert_eq!(
            err_of(
                "apiVersion: v2\nname: c4\nversion: 1.0\ndependencies:\n- name: x\n  enabled: \"yes\"\n"
            ),
            format!(
                "{j}cannot unmarshal string into Go struct field Dependency.dependencies.enabled of type bool"
            )
        );
        assert_eq!(
            err_of("apiVersion: v2\nname: c6\nversion: 1.0.0\nannotations:\n  a: [1]\n"),
            format!(
                "{j}cannot unmarshal array into Go struct field Metadata.annotations of type string"
            )
        );
        assert_eq!(
            err_of("apiVersion: v2\nname: c8\nversion: 1.0\ndeprecated: .nan\n"),
            "error converting YAML to JSON: json: unsupported value: NaN"
        );
        assert_eq!(err_of("kubeVersion: .inf\n"), "ok");
    }

    #[test]
    fn yaml_syntax_error_like_helm4() {
        assert_eq!(
            err_of("apiVersion: v2\nname: c12\nversion: 1.2.3\nname: [1\n"),
            "error converting YAML to JSON: yaml: line 4: did not find expected ',' or ']'"
        );
    }

    #[test]
    fn strict_parse_reports_unknown_fields() {
        let e = parse_chart_yaml_strict(
            "apiVersion: v2\nname: c\nversion: 1.2.3\nmaintainers:\n- name: x\n  foo: 1\n",
        );
        assert_eq!(
            e.map(|_| ()).map_err(|e| e.to_string()),
            Err("error unmarshaling JSON: while decoding JSON: json: unknown field \"foo\"".into())
        );
        assert!(parse_chart_yaml_strict("apiVersion: v2\nNAME: c\n").is_ok());
        // helm4 lint: `line 6: key "name" already set in map` for this Chart.yaml.
        let text = "apiVersion: v2\nname: c5\nName: C5\nversion: 1.0.0\nfoo: 1\nname: c5\n";
        assert_eq!(
            parse_chart_yaml_strict(text).map(|_| ()).map_err(|e| e.to_string()),
            Err("error converting YAML to JSON: yaml: unmarshal errors:\n  line 6: key \"name\" already set in map".into())
        );
        assert!(
            parse_chart_yaml(text).is_ok(),
            "duplicates are fine when not strict"
        );
        // helm4 lint lists every duplicate, nested ones included, in document order.
        let text = "apiVersion: v2\nname: d1\nversion: 1.0.0\nmaintainers:\n- name: a\n  name: b\n1: x\n1: y\nversion: 1.0.0\n";
        assert_eq!(
            parse_chart_yaml_strict(text).map(|_| ()).map_err(|e| e.to_string()),
            Err("error converting YAML to JSON: yaml: unmarshal errors:\n  line 6: key \"name\" already set in map\n  line 8: key 1 already set in map\n  line 9: key \"version\" already set in map".into())
        );
    }

    #[test]
    fn validate_messages() {
        let check = |yaml: &str| {
            let mut md = parse_chart_yaml(yaml).expect("parses");
            md.validate().map_err(|e| e.to_string())
        };
        assert_eq!(
            check("apiVersion: v2\nversion: 1\n"),
            Err("validation: chart.metadata.name is required".into())
        );
        assert_eq!(
            check("apiVersion: v2\nname: ..\nversion: 1\n"),
            Err("validation: chart.metadata.name \"..\" is not allowed".into())
        );
        assert_eq!(
            check("apiVersion: v2\nname: a/b\nversion: 1\n"),
            Err("validation: chart.metadata.name \"a/b\" is invalid".into())
        );
        assert_eq!(
            check("apiVersion: v2\nname: a\n"),
            Err("validation: chart.metadata.version is required".into())
        );
        assert_eq!(
            check("apiVersion: v2\nname: a\nversion: 1.2.3.4\n"),
            Err("validation: chart.metadata.version \"1.2.3.4\" is invalid".into())
        );
        assert_eq!(
            check("apiVersion: v2\nname: a\nversion: 1\ntype: x\n"),
            Err("validation: chart.metadata.type must be application or library".into())
        );
        assert_eq!(
            check("apiVersion: v2\nname: a\nversion: 1\nmaintainers: [~]\n"),
            Err("validation: maintainers must not contain empty or null nodes".into())
        );
        assert_eq!(
            check("apiVersion: v2\nname: a\nversion: 1\ndependencies: [~]\n"),
            Err("validation: dependencies must not contain empty or null nodes".into())
        );
        assert_eq!(
            check("apiVersion: v2\nname: a\nversion: 1\ndependencies: [{name: x, alias: a.b}]\n"),
            Err("validation: dependency \"x\" has disallowed characters in the alias".into())
        );
        assert_eq!(
            check(
                "apiVersion: v2\nname: a\nversion: 1\ndependencies: [{name: x}, {name: y, alias: x}]\n"
            ),
            Err("validation: more than one dependency with name or alias \"x\"".into())
        );
        assert_eq!(check("apiVersion: v2\nname: a\nversion: 1\n"), Ok(()));
    }

    #[test]
    fn sanitising() {
        assert_eq!(
            sanitize_string("Multi\tline\ndesc\u{7}\u{200B}é"),
            "Multi line descé"
        );
        let mut md =
            parse_chart_yaml("apiVersion: v2\nname: a\nversion: 1\ndescription: \"a\\tb\"\n")
                .expect("parses");
        md.validate().expect("valid");
        assert_eq!(md.description, "a b");
    }

    #[test]
    fn lock_parsing() {
        let lock = parse_lock(
            "dependencies:\n- name: localdep\n  repository: file://../localdep\n  version: 1.2.3\n\
             digest: sha256:bca4\ngenerated: \"2026-11-29T09:28:21.575908583Z\"\n",
        )
        .expect("parses");
        assert_eq!(lock.dependencies.len(), 1);
        assert_eq!(lock.dependencies[0].version, "1.2.3");
        assert_eq!(lock.digest, "sha256:bca4");
        assert_eq!(lock.generated, "2026-11-29T09:28:21.575908583Z");
        // helm4 show chart with these Chart.lock `generated:` values.
        let lock_err = |g: &str| {
            parse_lock(&format!("generated: {g}\ndigest: x\ndependencies: []\n"))
                .map(|_| ())
                .map_err(|e| e.to_string())
        };
        let j = "error unmarshaling JSON: while decoding JSON: ";
        assert_eq!(
            lock_err("\"nope\""),
            Err(format!(
                "{j}parsing time \"nope\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"nope\" as \"2006\""
            ))
        );
        assert_eq!(
            lock_err("12"),
            Err(format!("{j}Time.UnmarshalJSON: input is not a JSON string"))
        );
        assert_eq!(
            lock_err("2026-11-29"),
            Err(format!(
                "{j}parsing time \"2026-11-29\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"\" as \"T\""
            ))
        );
        assert_eq!(lock_err("\"2026-11-29T09:28:21Z\""), Ok(()));
        assert_eq!(lock_err("\"2026-11-29T09:28:21.5+05:30\""), Ok(()));
    }
}
