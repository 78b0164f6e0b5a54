//! Loading charts from directories and archives (stub, being written).

use std::path::Path;

use crate::{Chart, LoadError};

/// Loads the chart directory at `root` the way helm's `loader.LoadDir` does.
pub fn load_dir(root: &Path) -> Result<Chart, LoadError> {
    Err(LoadError::NotFound(format!("loading {} is not implemented yet", root.display())))
}

/// Loads a chart archive (`.tgz` bytes) with helm's path-safety and size checks.
pub fn load_archive(bytes: &[u8]) -> Result<Chart, LoadError> {
    let _ = bytes;
    Err(LoadError::Invalid("loading archives is not implemented yet".into()))
}
