//! The one error every front end sees: each layer's error, wrapped as it is (its message
//! and its hint unchanged), and the few that only the operations can meet. `Display` is
//! the `error:` line; [`Error::hint`] the `hint:` line below it.
//!
//! It lives here, above the layers it wraps: no module below `app` names it.

use std::path::PathBuf;

use crate::{archive, base, compose, model, pdf, report, signature};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Base(#[from] base::error::Error),

    #[error(transparent)]
    Signature(#[from] signature::error::Error),

    #[error(transparent)]
    Model(#[from] model::error::Error),

    #[error(transparent)]
    Pdf(#[from] pdf::error::Error),

    #[error(transparent)]
    Compose(#[from] compose::error::Error),

    #[error(transparent)]
    Archive(#[from] archive::error::Error),

    #[error(transparent)]
    Report(#[from] report::error::Error),

    /// Neither `--archive` nor `MUS_ARCHIVE` names the archive folder.
    #[error("no archive folder: give --archive DIR or set MUS_ARCHIVE")]
    NoArchive,

    /// `--previous` names a file whose plan and ratings cannot be read.
    #[error("{}: cannot follow up this guide: {source}", path.display())]
    Previous {
        path: PathBuf,
        source: archive::answers::AnswersError,
    },
}

impl Error {
    /// A second line that tells the user what would be valid, where there is one.
    pub fn hint(&self) -> Option<String> {
        match self {
            Error::Base(e) => e.hint(),
            Error::Signature(e) => e.hint(),
            Error::Model(e) => e.hint(),
            Error::Pdf(e) => e.hint(),
            Error::Compose(e) => e.hint(),
            Error::Archive(e) => e.hint(),
            Error::Report(e) => e.hint(),
            Error::NoArchive => Some(
                "e.g. `mus archive --archive /srv/mus-arkiv add guide.pdf`; the first `add` \
                 creates the folder (readable by its owner only)"
                    .into(),
            ),
            Error::Previous { .. } => Some(
                "--previous takes last year's guide as mus made it and it came back (filled in, \
                 signed), e.g. the file in the archive"
                    .into(),
            ),
        }
    }

    /// The foundation's error inside, through whichever layers wrapped it.
    pub fn base(&self) -> Option<&base::error::Error> {
        match self {
            Error::Base(e) => Some(e),
            Error::Signature(e) => e.base(),
            Error::Model(e) => e.base(),
            Error::Pdf(e) => e.base(),
            Error::Compose(e) => e.base(),
            Error::Archive(e) => e.base(),
            Error::Report(e) => e.base(),
            Error::NoArchive | Error::Previous { .. } => None,
        }
    }

    /// The model's error inside, through whichever layers wrapped it.
    pub fn model(&self) -> Option<&model::error::Error> {
        match self {
            Error::Model(e) => Some(e),
            Error::Compose(e) => e.model(),
            Error::Archive(e) => e.model(),
            Error::Report(e) => e.model(),
            _ => None,
        }
    }

    /// The compose layer's error, if that is what this is.
    pub fn compose(&self) -> Option<&compose::error::Error> {
        match self {
            Error::Compose(e) => Some(e),
            _ => None,
        }
    }

    /// The signature layer's error inside, through whichever layers wrapped it.
    pub fn signature(&self) -> Option<&signature::error::Error> {
        match self {
            Error::Signature(e) => Some(e),
            Error::Archive(e) => e.signature(),
            Error::Report(e) => e.signature(),
            _ => None,
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, err: std::io::Error) -> Self {
        Error::Base(base::error::Error::io(path, err))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
