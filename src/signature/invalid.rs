//! Why a signature (or document timestamp) is not valid: each reason a sentence a person
//! can act on, typed so callers and tests can tell them apart.

use super::byte_range::ByteRangeError;
use super::cms::CmsError;
use super::cms::TimestampError;
use super::raw::ContentsError;
use super::revisions::StructureError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidSignature {
    #[error("the field's /V points to an object that is not in the file")]
    ValueMissing,
    #[error("the field's /V is not a signature dictionary")]
    NotADictionary,
    #[error("the signature dictionary has no /SubFilter")]
    NoSubFilter,
    #[error("the signature's /SubFilter is /{found}; only {supported} supported")]
    SubFilter { found: String, supported: String },
    #[error("the signature dictionary has no /ByteRange")]
    NoByteRange,
    #[error("the /ByteRange is not four whole numbers")]
    ByteRangeNotNumbers,
    #[error(transparent)]
    ByteRange(#[from] ByteRangeError),
    #[error("the signature's /Contents is not the string the /ByteRange leaves unsigned")]
    ContentsElsewhere,
    #[error(
        "its /ByteRange ends at byte {end}, which is not the end of a revision of the file \
         (so what was signed is not what any reader shows)"
    )]
    NotARevision { end: usize },
    #[error("the signed revision (the first {end} bytes) cannot be read: {source}")]
    SignedRevision { end: usize, source: StructureError },
    #[error("the signature dictionary is not the one in the revision its /ByteRange signs")]
    NotTheSignedDictionary,
    #[error("the signer's certificate cannot be read again: {0}")]
    Certificate(der::Error),
    #[error(transparent)]
    Contents(#[from] ContentsError),
    /// The CMS structure, the signature value, its timestamp or the signer's chain.
    #[error(transparent)]
    Cms(#[from] CmsError),
    #[error(transparent)]
    DocumentTimestamp(#[from] TimestampError),
}
