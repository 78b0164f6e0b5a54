//! The generic value tree helm's YAML layer produces.

/// A YAML document after helm's resolution, i.e. what `sigs.k8s.io/yaml` turns into JSON:
/// map keys are strings, maps keep document order (a duplicate key keeps its first position and
/// its last value).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// A YAML integer (decimal, `0o`/`0` octal, `0x` hex, `0b` binary, with `_` separators).
    Int(i64),
    Float(f64),
    String(String),
    Seq(Vec<Value>),
    Map(Vec<(String, Value)>),
}

impl Value {
    /// A copy with every map's keys sorted bytewise, at any depth: what Go's encoding/json
    /// writes for values it decoded into maps (e.g. `import-values` entries).
    pub fn with_sorted_maps(&self) -> Value {
        match self {
            Value::Map(entries) => {
                let mut sorted: Vec<(String, Value)> = entries
                    .iter()
                    .map(|(k, v)| (k.clone(), v.with_sorted_maps()))
                    .collect();
                sorted.sort_by(|a, b| a.0.cmp(&b.0));
                Value::Map(sorted)
            }
            Value::Seq(items) => Value::Seq(items.iter().map(Value::with_sorted_maps).collect()),
            other => other.clone(),
        }
    }

    /// The value under `key` if this is a map.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}
