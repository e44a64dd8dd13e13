//! The writer's errors: printpdf or lopdf refusing what it was given, a character the
//! fonts lack.

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Base(#[from] crate::base::error::Error),

    #[error("PDF: {message}")]
    Pdf { message: String },
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
            Error::Pdf { .. } => None,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
