//! go-yaml's error shape: `yaml: line N: <problem>`.

use std::fmt;

use yaml_rust2::scanner::Marker;

/// A YAML document could not be read. Displays like go-yaml v2 (`yaml: line 3: did not find
/// expected key`), which is what helm prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// 1-based line the problem was found on, when known.
    pub line: Option<u32>,
    pub message: String,
}

impl YamlError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        YamlError {
            line: None,
            message: message.into(),
        }
    }

    pub(crate) fn at(mark: Marker, message: &str) -> Self {
        let line = u32::try_from(mark.line()).ok().filter(|&l| l > 0);
        YamlError {
            line,
            message: message.to_string(),
        }
    }
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "yaml: line {line}: {}", self.message),
            None => write!(f, "yaml: {}", self.message),
        }
    }
}

impl std::error::Error for YamlError {}
