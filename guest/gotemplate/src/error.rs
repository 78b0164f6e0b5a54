//! Errors with Go's exact text, so that callers (Helm's error reformatting, lint output) can
//! rely on the message as Go prints it.

use std::fmt;

/// A failure while executing a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecError {
    /// The name of the template being executed.
    pub template: String,
    /// `NAME:LINE:COL` of the node being executed, if known.
    pub location: Option<String>,
    /// The node being executed, as Go prints it (`.Values.x`).
    pub context: Option<String>,
    /// What went wrong (`nil pointer evaluating interface {}.x`).
    pub message: String,
}

impl fmt::Display for ExecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.location, &self.context) {
            (Some(loc), Some(ctx)) => write!(
                f,
                "template: {loc}: executing {} at <{ctx}>: {}",
                crate::gofmt::quote(&self.template),
                self.message
            ),
            _ => write!(f, "template: {}: {}", self.template, self.message),
        }
    }
}

/// Everything that can go wrong parsing or executing templates.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The template text is malformed: `template: NAME:LINE: MESSAGE`.
    #[error("{0}")]
    Parse(String),
    /// Execution failed: `template: NAME:LINE:COL: executing "NAME" at <NODE>: MESSAGE`.
    #[error("{0}")]
    Exec(ExecError),
    /// There is no template of that name in the set.
    #[error("template: no template {} associated with template {}", crate::gofmt::quote(.name), crate::gofmt::quote(.set))]
    NoTemplate { name: String, set: String },
    /// The template exists but has no body.
    #[error("template: {name}: {} is an incomplete or empty template", crate::gofmt::quote(.name))]
    Incomplete { name: String },
    /// The output grew beyond the configured limit.
    #[error(
        "template: {template}: output exceeds the limit of {limit} bytes; raise Limits::max_output if this is expected"
    )]
    OutputLimit { template: String, limit: usize },
    /// Execution took more steps than the configured limit.
    #[error(
        "template: {template}: execution exceeds the limit of {limit} steps; raise Limits::max_steps if this is expected"
    )]
    StepLimit { template: String, limit: u64 },
}
