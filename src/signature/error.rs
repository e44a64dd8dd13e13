//! Why signatures could not be checked at all: a file that is no readable PDF, trust
//! anchors that hold no certificate. (What a signature proves or fails to prove is not an
//! error: it is the [`super::Inspection`].)

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Base(#[from] crate::base::error::Error),

    /// A file handed in as a signed guide that cannot be read as a PDF at all.
    #[error("{origin} is not a readable PDF: {message}")]
    UnreadablePdf { origin: String, message: String },

    /// A trust-anchor file that holds no usable certificate.
    #[error("{path}: {message}")]
    TrustAnchors { path: PathBuf, message: String },
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
            Error::UnreadablePdf { .. } => Some(
                "a cut-short file is usually an incomplete download or copy: fetch the returned \
                 guide again from where it was signed"
                    .into(),
            ),
            Error::TrustAnchors { .. } => Some(
                "give a PEM file with one or more '-----BEGIN CERTIFICATE-----' blocks, e.g. the \
                 CA certificate the signing service issues its certificates from"
                    .into(),
            ),
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, err: std::io::Error) -> Self {
        Error::Base(crate::base::error::Error::io(path, err))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
