//! The report's errors: what the archive it reads and the writer it uses refuse.

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Archive(#[from] crate::archive::error::Error),

    #[error(transparent)]
    Pdf(#[from] crate::pdf::error::Error),
}

impl Error {
    pub fn hint(&self) -> Option<String> {
        match self {
            Error::Archive(e) => e.hint(),
            Error::Pdf(e) => e.hint(),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
