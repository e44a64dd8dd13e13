//! The report's errors: what the archive it reads and the writer it uses refuse.

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Archive(#[from] crate::archive::error::Error),

    #[error(transparent)]
    Pdf(#[from] crate::pdf::error::Error),
}

impl Error {
    /// The foundation's error inside, through whichever layers wrapped it.
    pub fn base(&self) -> Option<&crate::base::error::Error> {
        match self {
            Error::Archive(e) => e.base(),
            Error::Pdf(e) => e.base(),
        }
    }

    /// The model's error inside, through the archive that wrapped it.
    pub fn model(&self) -> Option<&crate::model::error::Error> {
        match self {
            Error::Archive(e) => e.model(),
            Error::Pdf(_) => None,
        }
    }

    /// The signature layer's error inside, through the archive that wrapped it.
    pub fn signature(&self) -> Option<&crate::signature::error::Error> {
        match self {
            Error::Archive(e) => e.signature(),
            Error::Pdf(_) => None,
        }
    }

    pub fn hint(&self) -> Option<String> {
        match self {
            Error::Archive(e) => e.hint(),
            Error::Pdf(e) => e.hint(),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
