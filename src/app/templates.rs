//! The built-in templates, exported for customising.

use std::path::{Path, PathBuf};

use crate::app::Result;

/// Writes the built-in templates into `dir` (created if missing); returns the files written.
pub fn export(dir: &Path) -> Result<Vec<PathBuf>> {
    crate::templates::export(dir)
}
