//! The model's errors: a framework that cannot be read or does not hold together, a roster
//! that cannot be read or has bad rows.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Base(#[from] crate::base::error::Error),

    #[error("{origin}:{line}:{column}: {message}")]
    FrameworkSyntax {
        origin: String,
        line: usize,
        column: usize,
        message: String,
    },

    #[error("{origin}: the framework has {} problem{}:\n{}", problems.len(), if problems.len() == 1 { "" } else { "s" }, problems.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n"))]
    FrameworkInvalid {
        origin: String,
        problems: Vec<String>,
    },

    #[error("{origin}: {message}")]
    Roster { origin: String, message: String },

    /// The workbook has no sheet of the name asked for (`--sheet`).
    #[error("{origin}: has no sheet '{wanted}'; its sheets are: {}", sheets.join(", "))]
    Sheet {
        origin: String,
        wanted: String,
        sheets: Vec<String>,
    },

    /// Problems in roster rows, each already located (`file:row: column: …`).
    #[error("{}", problems.join("\n"))]
    Rows { problems: Vec<String> },
}

impl Error {
    /// The foundation's error inside, if this wraps one.
    pub fn base(&self) -> Option<&crate::base::error::Error> {
        match self {
            Error::Base(e) => Some(e),
            _ => None,
        }
    }

    pub fn hint(&self) -> Option<String> {
        match self {
            Error::Base(e) => e.hint(),
            Error::FrameworkSyntax { .. } | Error::FrameworkInvalid { .. } => Some(
                "run `mus framework export > framework.json` for a complete, valid example".into(),
            ),
            Error::Roster { .. } | Error::Sheet { .. } | Error::Rows { .. } => None,
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, err: std::io::Error) -> Self {
        Error::Base(crate::base::error::Error::io(path, err))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
