//! Frameworks: the built-in one or a file, listed, shown for a level, exported as JSON,
//! and checked.

use std::path::{Path, PathBuf};

use crate::app::Result;
use crate::framework::{Framework, BUILTIN_JSON};

/// The framework in `path`, or the built-in one.
pub fn load(path: Option<&Path>) -> Result<Framework> {
    crate::config::load_framework(path)
}

/// The levels and principles with their ids, as text.
pub fn list(path: Option<&Path>) -> Result<String> {
    Ok(crate::show::list(&load(path)?))
}

/// A level's expectations and questions (for the focus principles; none: all), as text.
pub fn show<S: AsRef<str>>(path: Option<&Path>, role: &str, focus: &[S]) -> Result<String> {
    let framework = load(path)?;
    let level = framework.resolve_level(role)?;
    let focus = framework.resolve_focus(focus)?;
    Ok(crate::show::level(&framework, level, &focus))
}

/// The framework's JSON: the built-in one exactly as shipped, a file's as read.
pub fn export(path: Option<&Path>) -> Result<String> {
    Ok(match path {
        Some(_) => load(path)?.to_json(),
        None => BUILTIN_JSON.to_string(),
    })
}

/// A framework file found valid, and what it holds.
#[derive(Debug, Clone, PartialEq)]
pub struct FrameworkCheck {
    pub origin: PathBuf,
    pub organisation: String,
    pub name: String,
    pub version: String,
    pub levels: usize,
    pub principles: usize,
    pub expectations: usize,
}

/// Validates a framework file; every problem is in the error.
pub fn check(path: &Path) -> Result<FrameworkCheck> {
    let framework = Framework::from_path(path)?;
    Ok(FrameworkCheck {
        origin: path.to_path_buf(),
        expectations: framework.levels.iter().map(|l| l.expectations.len()).sum(),
        levels: framework.levels.len(),
        principles: framework.principles.len(),
        organisation: framework.organisation,
        name: framework.name,
        version: framework.version,
    })
}
