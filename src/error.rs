//! The one error type of `mus`: every variant carries what a person needs to act on it.

use std::path::PathBuf;

/// Everything that can stop `mus`. `Display` is the `error:` line; [`Error::hint`] the
/// `hint:` line below it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {message}")]
    Io { path: PathBuf, message: String },

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

    #[error(
        "{field}: the character '{character}' (U+{code:04X}) is not in the guide's fonts ({font})"
    )]
    MissingGlyph {
        field: String,
        character: char,
        code: u32,
        font: String,
    },

    #[error("{file}:{line}:{column}: {message}")]
    Template {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },

    #[error("template {file}: {message}")]
    TemplateOther { file: String, message: String },

    #[error("{origin}: {message}")]
    Roster { origin: String, message: String },

    /// Problems in roster rows, each already located (`file:row: column: …`).
    #[error("{}", problems.join("\n"))]
    Rows { problems: Vec<String> },

    #[error("the guide's markup: {message}")]
    Markup { message: String },

    #[error("PDF: {message}")]
    Pdf { message: String },

    /// Neither `--archive` nor `MUS_ARCHIVE` names the archive folder.
    #[error("no archive folder: give --archive DIR or set MUS_ARCHIVE")]
    NoArchive,

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

    /// A file handed in as a signed guide that cannot be read as a PDF at all.
    #[error("{origin} is not a readable PDF: {message}")]
    UnreadablePdf { origin: String, message: String },

    /// `--previous` names a file whose plan and ratings cannot be read.
    #[error("{}: cannot follow up this guide: {source}", path.display())]
    Previous {
        path: PathBuf,
        source: crate::archive::answers::AnswersError,
    },

    /// A trust-anchor file that holds no usable certificate.
    #[error("{path}: {message}")]
    TrustAnchors { path: PathBuf, message: String },
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
            Error::FrameworkSyntax { .. } | Error::FrameworkInvalid { .. } => Some(
                "run `mus framework export > framework.json` for a complete, valid example".into(),
            ),
            Error::Markup { .. } => Some(
                "the markup is what the templates rendered; look for the quoted line in your \
                 --templates (or run `mus templates export DIR` for working ones)"
                    .into(),
            ),
            Error::Template { .. } | Error::TemplateOther { .. } => {
                Some("run `mus templates export DIR` for the built-in templates".into())
            }
            Error::NoArchive => Some(
                "e.g. `mus archive --archive /srv/mus-arkiv add guide.pdf`; the first `add` \
                 creates the folder (readable by its owner only)"
                    .into(),
            ),
            Error::NotAnArchive { .. } => Some(
                "check --archive / MUS_ARCHIVE; `mus archive add FILE` starts an archive".into(),
            ),
            Error::IndexUnusable { .. } => Some(
                "`mus archive rebuild` re-creates the index from the archived guides (re-read \
                 and judged again; the old index is kept as index.sqlite.bak)"
                    .into(),
            ),
            Error::UnreadablePdf { .. } => Some(
                "a cut-short file is usually an incomplete download or copy: fetch the returned \
                 guide again from where it was signed"
                    .into(),
            ),
            Error::Previous { .. } => Some(
                "--previous takes last year's guide as mus made it and it came back (filled in, \
                 signed), e.g. the file in the archive"
                    .into(),
            ),
            Error::TrustAnchors { .. } => Some(
                "give a PEM file with one or more '-----BEGIN CERTIFICATE-----' blocks, e.g. the \
                 CA certificate the signing service issues its certificates from"
                    .into(),
            ),
            _ => None,
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
