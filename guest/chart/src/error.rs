//! Why the chart core could not run. Each variant maps to one case of the WIT `error` variant.

/// A chart could not be loaded or packaged. Messages follow helm's wording.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    /// No chart at the place asked for.
    #[error("{0}")]
    NotFound(String),
    /// A file could not be read or is not allowed (escaping symlink, irregular file).
    #[error("{0}")]
    Io(String),
    /// A size limit was exceeded.
    #[error("{0}")]
    TooLarge(String),
    /// The content is invalid; the message is helm's.
    #[error("{0}")]
    Invalid(String),
}
