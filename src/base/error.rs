//! The foundation's errors: a file that cannot be read or written, a character the fonts
//! lack, a name that matches no id, an option given a value that cannot be used. Every
//! layer above wraps these in its own error.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {message}")]
    Io { path: PathBuf, message: String },

    #[error(
        "{field}: the character '{character}' (U+{code:04X}) is not in the guide's fonts ({font})"
    )]
    MissingGlyph {
        field: String,
        character: char,
        code: u32,
        font: String,
    },

    #[error("unknown {kind} '{input}'")]
    UnknownId {
        /// "role" or "principle"
        kind: &'static str,
        input: String,
        closest: Option<String>,
        valid: Vec<String>,
    },

    #[error("{option} is empty: {what}")]
    Empty { option: String, what: String },

    #[error("{option}: {message}")]
    Value { option: String, message: String },

    #[error("{option}: '{value}' is not a valid date")]
    Date { option: String, value: String },
}

impl Error {
    /// A second line that tells the user what would be valid, where there is one.
    pub fn hint(&self) -> Option<String> {
        match self {
            Error::UnknownId { closest, valid, .. } => {
                let mut hint = String::new();
                if let Some(closest) = closest {
                    hint.push_str(&format!("did you mean '{closest}'? "));
                }
                hint.push_str(&format!("valid values: {}", valid.join(", ")));
                Some(hint)
            }
            Error::Date { .. } => {
                Some("use YYYY-MM-DD with a year from 1900 to 2999, e.g. 2027-01-15".into())
            }
            Error::MissingGlyph { .. } => Some(
                "the embedded fonts cover Latin (incl. Latin Extended-A), Greek and Cyrillic; \
                 write the name in one of those scripts"
                    .into(),
            ),
            Error::Io { .. } | Error::Empty { .. } | Error::Value { .. } => None,
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, err: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            message: err.to_string(),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
