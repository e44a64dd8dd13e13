//! The archive's errors: a folder that is no archive, an index that cannot be used, a file
//! that cannot be stored or read back; and what the layers below refuse.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Base(#[from] crate::base::error::Error),

    #[error(transparent)]
    Model(#[from] crate::model::error::Error),

    #[error(transparent)]
    Signature(#[from] crate::signature::error::Error),

    #[error("{}: is not a mus archive (it has no {index})", path.display())]
    NotAnArchive { path: PathBuf, index: &'static str },

    /// The archive's index is missing, empty or damaged (beside archived guides).
    #[error("{}: the index {problem}{}", path.display(), guide.as_ref().map(|g| format!(", but the archive folder holds archived guides (such as {g})")).unwrap_or_default())]
    IndexUnusable {
        path: PathBuf,
        problem: String,
        guide: Option<String>,
    },

    /// The archive's index or folder cannot be used.
    #[error("{}: {message}", path.display())]
    Archive { path: PathBuf, message: String },
}

impl Error {
    /// The foundation's error inside, through whichever layers wrapped it.
    pub fn base(&self) -> Option<&crate::base::error::Error> {
        match self {
            Error::Base(e) => Some(e),
            Error::Model(e) => e.base(),
            Error::Signature(e) => e.base(),
            _ => None,
        }
    }

    /// The model's error inside, if this wraps one.
    pub fn model(&self) -> Option<&crate::model::error::Error> {
        match self {
            Error::Model(e) => Some(e),
            _ => None,
        }
    }

    /// The signature layer's error inside, if this wraps one.
    pub fn signature(&self) -> Option<&crate::signature::error::Error> {
        match self {
            Error::Signature(e) => Some(e),
            _ => None,
        }
    }

    pub fn hint(&self) -> Option<String> {
        match self {
            Error::Base(e) => e.hint(),
            Error::Model(e) => e.hint(),
            Error::Signature(e) => e.hint(),
            Error::NotAnArchive { .. } => Some(
                "check --archive / MUS_ARCHIVE; `mus archive add FILE` starts an archive".into(),
            ),
            Error::IndexUnusable { .. } => Some(
                "`mus archive rebuild` re-creates the index from the archived guides (re-read \
                 and judged again; the old index is kept as index.sqlite.bak)"
                    .into(),
            ),
            Error::Archive { .. } => None,
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, err: std::io::Error) -> Self {
        Error::Base(crate::base::error::Error::io(path, err))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
