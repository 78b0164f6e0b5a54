//! Reading YAML the way helm does (`sigs.k8s.io/yaml` over go-yaml v2): events from an
//! event-level parser (which keeps scalar styles), aliases expanded, then go-yaml v2's typing,
//! merge keys and `sigs.k8s.io/yaml`'s key stringification.

use yaml_rust2::parser::{Event, Parser, Tag};
use yaml_rust2::scanner::{Marker, ScanError, TScalarStyle};

use super::error::YamlError;
use super::resolve::{Resolved, resolve_plain};
use super::value::Value;
use crate::gojson::format_float;

/// Deeper documents are refused so that building, converting and dropping values stays well
/// within a WebAssembly stack.
const MAX_DEPTH: usize = 1000;

/// Nodes that alias expansion may create in one document (go-yaml refuses "billion laughs"
/// documents too, with the same message).
const MAX_ALIAS_NODES: usize = 4_000_000;

const YAML_TAG_PREFIX: &str = "tag:yaml.org,2002:";

/// A parsed node before typing.
#[derive(Debug, Clone)]
pub(crate) enum Node {
    Scalar {
        value: String,
        plain: bool,
        tag: Option<String>,
    },
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Node {
    fn size(&self) -> usize {
        match self {
            Node::Scalar { .. } => 1,
            Node::Seq(items) => 1 + items.iter().map(Node::size).sum::<usize>(),
            Node::Map(entries) => {
                1 + entries
                    .iter()
                    .map(|(k, v)| k.size() + v.size())
                    .sum::<usize>()
            }
        }
    }
}

enum Frame {
    Seq(Vec<Node>, usize),
    /// Entries so far, a pending key, and the anchor id of the mapping.
    Map(Vec<(Node, Node)>, Option<Node>, usize),
}

/// Reads the first document of `text` into a node tree (`None` for an empty stream).
pub(crate) fn first_document(text: &str) -> Result<Option<Node>, YamlError> {
    let mut text = std::borrow::Cow::Borrowed(text);
    for _ in 0..MAX_TAB_SEPARATOR_RETRIES {
        match document_once(&text) {
            Err(Failure::TabAfterColon(at)) => {
                // go-yaml accepts a tab between `key:` and its value; the event parser does
                // not. The tab is only separation, so a space means the same.
                let mut owned = text.into_owned();
                owned.replace_range(at..=at, " ");
                text = std::borrow::Cow::Owned(owned);
            }
            Err(Failure::Yaml(e)) => return Err(e),
            Ok(node) => return Ok(node),
        }
    }
    document_once(&text).map_err(|f| match f {
        Failure::Yaml(e) => e,
        Failure::TabAfterColon(_) => YamlError::new("found character that cannot start any token"),
    })
}

const MAX_TAB_SEPARATOR_RETRIES: usize = 64;

enum Failure {
    Yaml(YamlError),
    /// Byte index of a tab right after a `:` value indicator.
    TabAfterColon(usize),
}

impl From<YamlError> for Failure {
    fn from(e: YamlError) -> Self {
        Failure::Yaml(e)
    }
}

fn failure(text: &str, e: ScanError) -> Failure {
    if e.info() == "':' must be followed by a valid YAML whitespace" {
        let upto = e.marker().index().min(text.len());
        let head = text.get(..upto).unwrap_or("");
        if let Some(colon) = head.rfind(':')
            && text.as_bytes().get(colon + 1) == Some(&b'\t')
        {
            return Failure::TabAfterColon(colon + 1);
        }
    }
    Failure::Yaml(scan_error(text, e))
}

fn document_once(text: &str) -> Result<Option<Node>, Failure> {
    let mut parser = Parser::new_from_str(text);
    let mut anchors: Vec<(usize, Node)> = Vec::new();
    let mut alias_nodes = 0usize;
    let mut stack: Vec<Frame> = Vec::new();
    let mut tabs = TabCheck::default();
    loop {
        let (event, mark) = parser.next_token().map_err(|e| failure(text, e))?;
        tabs.event(text, &event, mark);
        let node = match event {
            Event::StreamEnd => return Ok(None),
            Event::StreamStart | Event::DocumentStart | Event::Nothing => continue,
            Event::DocumentEnd => {
                tabs.check(text, mark.line())?;
                return Ok(Some(null_node()));
            }
            Event::Alias(id) => {
                let Some((_, node)) = anchors.iter().rev().find(|(a, _)| *a == id) else {
                    return Err(unknown_anchor(text, mark).into());
                };
                alias_nodes += node.size();
                if alias_nodes > MAX_ALIAS_NODES {
                    return Err(YamlError::new("document contains excessive aliasing").into());
                }
                node.clone()
            }
            Event::Scalar(value, style, anchor, tag) => {
                let node = Node::Scalar {
                    value,
                    plain: style == TScalarStyle::Plain,
                    tag: tag.map(tag_name),
                };
                if anchor > 0 {
                    anchors.push((anchor, node.clone()));
                }
                node
            }
            Event::SequenceStart(anchor, _) => {
                push(&mut stack, Frame::Seq(Vec::new(), anchor), mark)?;
                continue;
            }
            Event::MappingStart(anchor, _) => {
                push(&mut stack, Frame::Map(Vec::new(), None, anchor), mark)?;
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor) = match stack.pop() {
                    Some(Frame::Seq(items, anchor)) => (Node::Seq(items), anchor),
                    Some(Frame::Map(entries, _, anchor)) => (Node::Map(entries), anchor),
                    None => return Err(YamlError::at(mark, "unexpected end of collection").into()),
                };
                if anchor > 0 {
                    anchors.push((anchor, node.clone()));
                }
                node
            }
        };
        match stack.last_mut() {
            None => {
                // go-yaml reads up to the document end, so errors right after the root count.
                loop {
                    let (event, mark) = parser.next_token().map_err(|e| failure(text, e))?;
                    tabs.event(text, &event, mark);
                    if matches!(event, Event::DocumentEnd | Event::StreamEnd) {
                        tabs.check(text, mark.line())?;
                        return Ok(Some(node));
                    }
                }
            }
            Some(Frame::Seq(items, _)) => items.push(node),
            Some(Frame::Map(entries, pending, _)) => match pending.take() {
                None => *pending = Some(node),
                Some(key) => entries.push((key, node)),
            },
        }
    }
}

/// go-yaml never skips a tab at the start of a line in block context, where the event parser
/// we use is lenient; this finds such lines outside quoted/block scalars and flow collections.
#[derive(Default)]
struct TabCheck {
    /// Line spans (start, end] whose lines may start with a tab.
    spans: Vec<(usize, usize)>,
    open_scalar: Option<usize>,
    flow: Vec<usize>,
}

impl TabCheck {
    fn event(&mut self, text: &str, event: &Event, mark: Marker) {
        if let Some(start) = self.open_scalar.take() {
            self.spans.push((start, mark.line()));
        }
        match event {
            Event::Scalar(_, style, ..) if *style != TScalarStyle::Plain => {
                self.open_scalar = Some(mark.line());
            }
            Event::SequenceStart(..) | Event::MappingStart(..)
                if matches!(text.as_bytes().get(mark.index()), Some(b'[' | b'{')) =>
            {
                self.flow.push(mark.line());
            }
            Event::SequenceEnd | Event::MappingEnd if !self.flow.is_empty() => {
                if let Some(start) = self.flow.pop() {
                    self.spans.push((start, mark.line()));
                }
            }
            _ => {}
        }
    }

    fn check(&self, text: &str, last_line: usize) -> Result<(), YamlError> {
        let mut previous = "";
        for (i, line) in text.lines().enumerate().take(last_line) {
            let n = i + 1;
            if line.starts_with('\t') && !self.spans.iter().any(|&(a, b)| n > a && n <= b) {
                let after_plain = !previous.is_empty()
                    && !previous.ends_with([':', '-', '\'', '"', ']', '}', '|', '>']);
                let message = if after_plain {
                    "found a tab character that violates indentation"
                } else {
                    "found character that cannot start any token"
                };
                let mut e = YamlError::new(message);
                e.line = u32::try_from(n).ok().filter(|&l| l >= 2);
                return Err(e);
            }
            let content = line.trim();
            if !content.is_empty() && !content.starts_with('#') {
                previous = content;
            }
        }
        Ok(())
    }
}

fn push(stack: &mut Vec<Frame>, frame: Frame, mark: Marker) -> Result<(), YamlError> {
    if stack.len() >= MAX_DEPTH {
        return Err(YamlError::at(
            mark,
            &format!("exceeded max depth of {MAX_DEPTH}"),
        ));
    }
    stack.push(frame);
    Ok(())
}

fn null_node() -> Node {
    Node::Scalar {
        value: String::new(),
        plain: true,
        tag: None,
    }
}

fn tag_name(tag: Tag) -> String {
    format!("{}{}", tag.handle, tag.suffix)
}

/// Types a node tree like go-yaml v2 decoding into `interface{}` followed by
/// `sigs.k8s.io/yaml`'s conversion to JSON-able values.
pub(crate) fn to_value(node: &Node) -> Result<Value, YamlError> {
    match node {
        Node::Scalar { value, plain, tag } => scalar(value, *plain, tag.as_deref()),
        Node::Seq(items) => items
            .iter()
            .map(to_value)
            .collect::<Result<_, _>>()
            .map(Value::Seq),
        Node::Map(entries) => {
            let mut out = MapOut::default();
            insert_entries(entries, &mut out)?;
            Ok(Value::Map(out.entries))
        }
    }
}

/// Map entries in first-seen order, with an index so that large maps stay linear.
#[derive(Default)]
struct MapOut {
    entries: Vec<(String, Value)>,
    index: std::collections::HashMap<String, usize>,
}

impl MapOut {
    /// A repeated key keeps its first position and takes the last value.
    fn set(&mut self, key: String, value: Value) {
        match self.index.get(&key) {
            Some(&i) => self.entries[i].1 = value,
            None => {
                self.index.insert(key.clone(), self.entries.len());
                self.entries.push((key, value));
            }
        }
    }
}

fn insert_entries(entries: &[(Node, Node)], out: &mut MapOut) -> Result<(), YamlError> {
    for (key, value) in entries {
        if is_merge_key(key) {
            merge(value, out)?;
            continue;
        }
        let key = key_string(key)?;
        let value = to_value(value)?;
        out.set(key, value);
    }
    Ok(())
}

/// go-yaml v2 merges by decoding the merged mapping(s) into the same map, so a merged key
/// overwrites an earlier explicit one and is overwritten by a later one. In a sequence of
/// maps, earlier maps take precedence.
fn merge(value: &Node, out: &mut MapOut) -> Result<(), YamlError> {
    const WANT_MAP: &str = "map merge requires map or sequence of maps as the value";
    match value {
        Node::Map(entries) => insert_entries(entries, out),
        Node::Seq(items) => {
            for item in items.iter().rev() {
                match item {
                    Node::Map(entries) => insert_entries(entries, out)?,
                    _ => return Err(YamlError::new(WANT_MAP)),
                }
            }
            Ok(())
        }
        Node::Scalar { .. } => Err(YamlError::new(WANT_MAP)),
    }
}

fn is_merge_key(node: &Node) -> bool {
    match node {
        Node::Scalar {
            value,
            plain,
            tag: None,
        } => *plain && value == "<<",
        Node::Scalar { tag: Some(t), .. } => t == "tag:yaml.org,2002:merge",
        _ => false,
    }
}

/// `sigs.k8s.io/yaml` turns every map key into a JSON object key.
fn key_string(node: &Node) -> Result<String, YamlError> {
    Ok(match to_value(node)? {
        Value::String(s) => s,
        Value::Int(i) => i.to_string(),
        Value::Float(f) => float_key(f),
        Value::Bool(b) => b.to_string(),
        // sigs.k8s.io/yaml v1.6 refuses null keys.
        Value::Null => {
            return Err(YamlError::new(
                "unsupported map key of type: %!s(<nil>), key: <nil>",
            ));
        }
        Value::Seq(_) | Value::Map(_) => {
            return Err(YamlError::new(
                "invalid map key: a sequence or mapping cannot be a key",
            ));
        }
    })
}

fn float_key(f: f64) -> String {
    if f.is_nan() {
        ".nan".into()
    } else if f == f64::INFINITY {
        ".inf".into()
    } else if f == f64::NEG_INFINITY {
        "-.inf".into()
    } else {
        format_float(f, 'g', 32)
    }
}

fn scalar(value: &str, plain: bool, tag: Option<&str>) -> Result<Value, YamlError> {
    let resolved = match tag {
        None if plain => resolve_plain(value),
        None => return Ok(Value::String(value.to_string())),
        Some(tag) => {
            let Some(short) = tag.strip_prefix(YAML_TAG_PREFIX) else {
                // Local and non-specific tags: go-yaml keeps the text.
                return Ok(Value::String(value.to_string()));
            };
            let resolved = resolve_plain(value);
            let ok = match (short, &resolved) {
                ("binary", _) => return decode_binary(value),
                ("str" | "merge", _) => {
                    return Ok(Value::String(value.to_string()));
                }
                ("timestamp", Resolved::Timestamp) => true,
                ("null", Resolved::Null) | ("bool", Resolved::Bool(_)) => true,
                ("int", Resolved::Int(_) | Resolved::Uint(_)) => true,
                ("float", Resolved::Float(_)) => true,
                ("float", Resolved::Int(i)) => return Ok(Value::Float(*i as f64)),
                ("float", Resolved::Uint(u)) => return Ok(Value::Float(*u as f64)),
                ("int" | "float" | "bool" | "null" | "timestamp", _) => false,
                _ => return Ok(Value::String(value.to_string())),
            };
            if !ok {
                return Err(YamlError::new(format!(
                    "cannot decode {} `{value}` as a !!{short}",
                    short_tag(&resolved)
                )));
            }
            resolved
        }
    };
    Ok(match resolved {
        Resolved::Null => Value::Null,
        Resolved::Bool(b) => Value::Bool(b),
        Resolved::Int(i) => Value::Int(i),
        Resolved::Uint(u) => Value::Float(u as f64),
        Resolved::Float(f) => Value::Float(f),
        Resolved::Timestamp | Resolved::Str => Value::String(value.to_string()),
    })
}

/// `!!binary` scalars decode from standard base64 (go-yaml keeps the bytes as a string).
fn decode_binary(text: &str) -> Result<Value, YamlError> {
    let invalid = || YamlError::new("!!binary value contains invalid base64 data");
    let b = text.as_bytes();
    if !b.len().is_multiple_of(4) {
        return Err(invalid());
    }
    let sextet = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let mut out = Vec::with_capacity(b.len() / 4 * 3);
    let chunks = b.len() / 4;
    for (i, chunk) in b.chunks(4).enumerate() {
        let pad = chunk.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || (pad > 0 && i + 1 != chunks) {
            return Err(invalid());
        }
        let mut n = 0u32;
        for &c in &chunk[..4 - pad] {
            n = (n << 6) | sextet(c).ok_or_else(invalid)?;
        }
        n <<= 6 * pad as u32;
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..4 - pad]);
    }
    Ok(Value::String(String::from_utf8_lossy(&out).into_owned()))
}

fn short_tag(r: &Resolved) -> &'static str {
    match r {
        Resolved::Null => "!!null",
        Resolved::Bool(_) => "!!bool",
        Resolved::Int(_) | Resolved::Uint(_) => "!!int",
        Resolved::Float(_) => "!!float",
        Resolved::Timestamp => "!!timestamp",
        Resolved::Str => "!!str",
    }
}

fn unknown_anchor(text: &str, mark: Marker) -> YamlError {
    let name: String = text
        .get(mark.index()..)
        .unwrap_or("")
        .trim_start_matches('*')
        .chars()
        .take_while(|c| !c.is_whitespace() && !matches!(c, ',' | '[' | ']' | '{' | '}'))
        .collect();
    YamlError::new(format!("unknown anchor '{name}' referenced"))
}

/// Converts a parser error into go-yaml's wording and line. go-yaml v2 prints a scanner
/// error's 1-based line, a parser error's 0-based line (so one less), and no line at all
/// when that number is 0.
fn scan_error(text: &str, err: ScanError) -> YamlError {
    let mark = *err.marker();
    let info = err.info();
    let problem = match info.strip_prefix("while ") {
        Some(rest) => rest.split_once(", ").map_or(info, |(_, p)| p),
        None => info,
    };
    let line = mark.line();
    let line_after = |from: usize, pred: &dyn Fn(&str) -> bool| -> usize {
        text.get(from..)
            .unwrap_or("")
            .split_inclusive('\n')
            .skip(1)
            .position(pred)
            .map_or(line, |i| line + 1 + i)
    };
    let tab_in_indent = |l: &str| {
        l.chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .any(|c| c == '\t')
    };
    let (message, shown, parser) = match problem {
        p if p.contains("found unknown anchor") => return unknown_anchor(text, mark),
        "found a tab" => (
            "found a tab character that violates indentation",
            line_after(mark.index(), &tab_in_indent),
            false,
        ),
        "a block scalar content cannot start with a tab" => (
            "found a tab character where an indentation space is expected",
            line_after(mark.index(), &tab_in_indent),
            false,
        ),
        "found unexpected end of stream" => (
            "found unexpected end of stream",
            text.matches('\n').count() + 1,
            false,
        ),
        p if p.starts_with("unexpected character") => {
            ("found character that cannot start any token", line, false)
        }
        "simple key expect ':'" => ("could not find expected ':'", line, false),
        "expected ',' or ']'" => ("did not find expected ',' or ']'", line, true),
        p if p.starts_with("did not find expected")
            && !p.contains("whitespace")
            && !p.contains("comment or line break")
            && !p.contains("alphabetic") =>
        {
            (p, line, true)
        }
        p => (p, line, false),
    };
    let shown = if parser {
        shown.saturating_sub(1)
    } else {
        shown
    };
    let mut e = YamlError::new(message);
    e.line = u32::try_from(shown)
        .ok()
        .filter(|&l| l >= 1 && (parser || l >= 2));
    e
}
