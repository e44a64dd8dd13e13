//! The operations every front end calls — make a guide, check and run a batch, add to and
//! read the archive, the MED report and the plans, the frameworks and templates — with
//! typed requests in and typed results out (what was written, what was refused and why,
//! the figures).
//!
//! Not here: printing, progress bars, exit codes, clap types, signal handlers and the
//! environment. The command line ([`crate::cli`]) and the web pages turn their input into
//! these requests and render the results; they decide nothing the other would have to
//! copy. Progress is reported through [`batch::Progress`], which the caller implements.

pub mod archive;
pub mod batch;
pub mod error;
pub mod framework;
pub mod guide;
pub mod inputs;
pub mod templates;

use std::path::PathBuf;

pub use crate::app::error::{Error, Result};

/// A file an operation reads: a path on this machine, or bytes a browser uploaded.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    Path(PathBuf),
    Upload(Upload),
}

/// A file uploaded in memory. The label (the original file name) is used only in messages
/// and, for a roster, to help tell its format by its extension; nothing is written under it.
#[derive(Debug, Clone, PartialEq)]
pub struct Upload {
    pub label: String,
    pub bytes: Vec<u8>,
}

impl Input {
    /// How messages name the file: its path as given, or the upload's label.
    pub fn label(&self) -> String {
        match self {
            Input::Path(path) => path.display().to_string(),
            Input::Upload(upload) => upload.label.clone(),
        }
    }

    /// The file's bytes.
    pub(crate) fn read(&self) -> Result<Vec<u8>> {
        match self {
            Input::Path(path) => std::fs::read(path).map_err(|e| Error::io(path, e)),
            Input::Upload(upload) => Ok(upload.bytes.clone()),
        }
    }
}

impl From<PathBuf> for Input {
    fn from(path: PathBuf) -> Input {
        Input::Path(path)
    }
}

impl From<Upload> for Input {
    fn from(upload: Upload) -> Input {
        Input::Upload(upload)
    }
}

/// The form field (named like the command-line option, without `--`) an error concerns,
/// where it concerns one, so a form can show the error beside it.
pub fn field(error: &Error) -> Option<&'static str> {
    const FIELDS: [&str; 16] = [
        "role",
        "focus",
        "name",
        "manager",
        "unit",
        "date",
        "previous",
        "roster",
        "sheet",
        "year",
        "min_group",
        "jobs",
        "framework",
        "templates",
        "out_dir",
        "trust",
    ];
    use crate::base::error::Error as Base;
    use crate::compose::error::Error as Compose;
    use crate::model::error::Error as Model;
    if let Error::Previous { .. } = error {
        return Some("previous");
    }
    if let Some(Model::Sheet { .. }) = error.model() {
        return Some("sheet");
    }
    if let Some(Model::Roster { .. } | Model::Rows { .. }) = error.model() {
        return Some("roster");
    }
    if let Some(Model::FrameworkSyntax { .. } | Model::FrameworkInvalid { .. }) = error.model() {
        return Some("framework");
    }
    if let Some(Compose::Template { .. } | Compose::TemplateOther { .. }) = error.compose() {
        return Some("templates");
    }
    if let Some(crate::signature::error::Error::TrustAnchors { .. }) = error.signature() {
        return Some("trust");
    }
    let option = match error.base()? {
        Base::UnknownId { kind, .. } => {
            return Some(if *kind == "role" { "role" } else { "focus" })
        }
        Base::Value { option, .. } | Base::Date { option, .. } | Base::Empty { option, .. } => {
            option.as_str()
        }
        Base::MissingGlyph { field, .. } => field.as_str(),
        _ => return None,
    };
    let option = option.trim_start_matches("--").replace('-', "_");
    FIELDS.into_iter().find(|f| *f == option)
}
