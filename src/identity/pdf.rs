//! Finding a guide's XMP packet in its PDF bytes.

use lopdf::{Document, Object};

use super::{GuideIdentity, IdentityError};

/// The most an XMP packet may inflate to: mus writes a few KB; a deflate bomb would
/// otherwise be inflated whole into memory.
pub(super) const MAX_XMP: usize = 1 << 20;

impl GuideIdentity {
    /// Reads a guide's identity from its PDF: the XMP packet of the catalog's
    /// `/Metadata`. The error says, for a person, why the file is not a guide made by
    /// mus (not a PDF, truncated, no metadata, a property missing).
    pub fn from_pdf(bytes: &[u8]) -> Result<GuideIdentity, IdentityError> {
        // ISO 32000-1, 7.5.2: the header may follow some bytes of junk, within the first 1024.
        let head = &bytes[..bytes.len().min(1024)];
        if !head.windows(5).any(|w| w == b"%PDF-") {
            return Err(IdentityError::NotPdf);
        }
        let tail = &bytes[bytes.len().saturating_sub(1024)..];
        if !tail.windows(5).any(|w| w == b"%%EOF") {
            return Err(IdentityError::Truncated);
        }
        let doc = crate::signature::parse(bytes).map_err(|e| IdentityError::Damaged(e.into()))?;
        let stream = metadata_stream(&doc).ok_or(IdentityError::NoMetadata)?;
        let packet = String::from_utf8(inflate_xmp(stream)?).map_err(|_| IdentityError::NotUtf8)?;
        GuideIdentity::from_xmp(&packet)
    }
}

/// The catalog's `/Metadata` stream.
fn metadata_stream(doc: &Document) -> Option<&lopdf::Stream> {
    let reference = doc.catalog().ok()?.get(b"Metadata").ok()?;
    match reference {
        Object::Reference(id) => doc.get_object(*id).ok()?.as_stream().ok(),
        other => other.as_stream().ok(),
    }
}

/// The bytes of an XMP stream, plain or deflated (PDF/A-2 allows either).
pub(super) fn inflate_xmp(stream: &lopdf::Stream) -> Result<Vec<u8>, IdentityError> {
    let filters = stream.filters().unwrap_or_default();
    let bytes = match filters.as_slice() {
        [] => stream.content.clone(),
        [filter] if *filter == b"FlateDecode" && !stream.dict.has(b"DecodeParms") => {
            use std::io::Read;
            let mut out = Vec::new();
            flate2::read::ZlibDecoder::new(stream.content.as_slice())
                .take(MAX_XMP as u64 + 1)
                .read_to_end(&mut out)
                .map_err(IdentityError::Inflate)?;
            out
        }
        _ => return Err(IdentityError::UnknownEncoding),
    };
    if bytes.len() > MAX_XMP {
        return Err(IdentityError::TooLarge);
    }
    Ok(bytes)
}
