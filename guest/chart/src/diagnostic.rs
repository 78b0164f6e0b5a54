//! Lint findings: data, never errors.

/// helm lint's severities, in increasing order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    /// The label helm prints: `INFO`, `WARNING`, `ERROR`.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Info => "INFO",
            Severity::Warning => "WARNING",
            Severity::Error => "ERROR",
        }
    }
}

/// One finding, printed by helm as `[SEVERITY] path: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable rule id, e.g. `chartfile.icon-recommended`.
    pub rule: &'static str,
    pub path: String,
    pub line: Option<u32>,
    pub message: String,
}
