//! Composing a guide's errors: a template that does not render, markup that does not
//! parse, and what the model and the writer below refuse.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Base(#[from] crate::base::error::Error),

    #[error(transparent)]
    Model(#[from] crate::model::error::Error),

    #[error(transparent)]
    Pdf(#[from] crate::pdf::error::Error),

    #[error("{file}:{line}:{column}: {message}")]
    Template {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },

    #[error("template {file}: {message}")]
    TemplateOther { file: String, message: String },

    #[error("the guide's markup: {message}")]
    Markup { message: String },
}

impl Error {
    /// The foundation's error inside, through whichever layers wrapped it.
    pub fn base(&self) -> Option<&crate::base::error::Error> {
        match self {
            Error::Base(e) => Some(e),
            Error::Model(e) => e.base(),
            Error::Pdf(e) => e.base(),
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

    pub fn hint(&self) -> Option<String> {
        match self {
            Error::Base(e) => e.hint(),
            Error::Model(e) => e.hint(),
            Error::Pdf(e) => e.hint(),
            Error::Markup { .. } => Some(
                "the markup is what the templates rendered; look for the quoted line in your \
                 --templates (or run `mus templates export DIR` for working ones)"
                    .into(),
            ),
            Error::Template { .. } | Error::TemplateOther { .. } => {
                Some("run `mus templates export DIR` for the built-in templates".into())
            }
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, err: std::io::Error) -> Self {
        Error::Base(crate::base::error::Error::io(path, err))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
