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
    pub fn hint(&self) -> Option<String> {
        match self {
            Error::Base(e) => e.hint(),
            Error::Pdf { .. } => None,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
