//! Why a file is not a guide whose identity can be read.

use thiserror::Error;

use super::NAMESPACE;

/// Why a PDF is not a guide made by mus, or its identity cannot be read. Every message
/// is written for a person: `mus archive` prints it as the reason a file was refused.
#[derive(Debug, Error)]
pub enum IdentityError {
    #[error("not a PDF (it does not start with %PDF-)")]
    NotPdf,
    #[error("the PDF is truncated or damaged (it does not end with %%EOF)")]
    Truncated,
    /// Not readable, or not readable one way only (see `signature::revisions`).
    #[error("the PDF is refused: {0}")]
    Structure(#[from] crate::signature::StructureError),
    #[error(
        "not a guide made by mus: the PDF has no XMP metadata (no /Metadata stream in its catalog)"
    )]
    NoMetadata,
    #[error("not a guide made by mus: its XMP metadata is encoded other than plain or deflated")]
    UnknownEncoding,
    #[error("not a guide made by mus: its XMP metadata cannot be inflated ({0})")]
    Inflate(#[source] std::io::Error),
    #[error("not a guide made by mus: its XMP metadata inflates to more than 1 MiB")]
    TooLarge,
    #[error("not a guide made by mus: its XMP metadata is not UTF-8")]
    NotUtf8,
    #[error("not a guide made by mus: its XMP metadata is not well-formed XML ({0})")]
    NotXml(#[source] roxmltree::Error),
    #[error(
        "not a guide made by mus: its XMP metadata has no mus:{property} (namespace {NAMESPACE})"
    )]
    Missing { property: &'static str },
    #[error(
        "not a guide made by mus: mus:guideId '{value}' is not a guide id (like 2027-7K3M-Q9XD-4HZP-B2N8, or 2027-1A2B3C4D from older guides)"
    )]
    BadGuideId { value: String },
    #[error("not a guide made by mus: mus:dialogueDate '{value}' is not a date (YYYY-MM-DD)")]
    BadDate { value: String },
    #[error("not a guide made by mus: mus:signers is not a list of signers (an rdf:Seq)")]
    SignersNotAList,
    #[error("not a guide made by mus: signer {number} in mus:signers has no slot (the signature field's name)")]
    SignerWithoutSlot { number: usize },
    #[error(
        "not a guide made by mus: signer {number} in mus:signers has the role '{role}'; \
         valid roles are leader, manager and other"
    )]
    UnknownRole { number: usize, role: String },
    #[error("not a guide made by mus: mus:signers names the slot '{slot}' twice")]
    DuplicateSlot { slot: String },
}
