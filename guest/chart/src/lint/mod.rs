//! helm lint's rules that need no template rendering (stub, being written).

use std::path::Path;

use crate::{Diagnostic, LoadError, Metadata};

/// The outcome of linting one chart.
#[derive(Debug, Clone, Default)]
pub struct LintReport {
    pub metadata: Option<Metadata>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Lints the chart directory at `root`.
pub fn lint_dir(root: &Path) -> Result<LintReport, LoadError> {
    let _ = root;
    Ok(LintReport::default())
}

/// Lints a packaged chart handed over as bytes.
pub fn lint_archive(bytes: &[u8]) -> Result<LintReport, LoadError> {
    let _ = bytes;
    Ok(LintReport::default())
}
