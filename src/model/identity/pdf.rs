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
        GuideIdentity::sniff(bytes)?;
        let doc = crate::signature::parse(bytes)?;
        GuideIdentity::from_document(&doc)
    }

    /// Whether `bytes` look like a whole PDF, before anything is parsed: a person is told
    /// "not a PDF" or "truncated" rather than a parser's complaint.
    pub(crate) fn sniff(bytes: &[u8]) -> Result<(), IdentityError> {
        // ISO 32000-1, 7.5.2: the header may follow some bytes of junk, within the first 1024.
        let head = &bytes[..bytes.len().min(1024)];
        if !head.windows(5).any(|w| w == b"%PDF-") {
            return Err(IdentityError::NotPdf);
        }
        let tail = &bytes[bytes.len().saturating_sub(1024)..];
        if !tail.windows(5).any(|w| w == b"%%EOF") {
            return Err(IdentityError::Truncated);
        }
        Ok(())
    }

    /// [`GuideIdentity::from_pdf`] for a document already read strictly (with
    /// `signature::read`), so a caller that needs more from the file parses it once.
    pub(crate) fn from_document(doc: &Document) -> Result<GuideIdentity, IdentityError> {
        let stream = metadata_stream(doc).ok_or(IdentityError::NoMetadata)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression: the XMP stream was inflated without a limit, so a file of under a
    /// megabyte could make `add` allocate gigabytes.
    #[test]
    fn a_metadata_stream_that_inflates_beyond_the_limit_is_refused() {
        use std::io::Write;
        let mut deflate = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        deflate.write_all(&vec![b' '; MAX_XMP + 1]).unwrap();
        let compressed = deflate.finish().unwrap();
        let stream = lopdf::Stream::new(
            lopdf::dictionary! { "Type" => "Metadata", "Filter" => "FlateDecode" },
            compressed,
        );
        assert_eq!(
            inflate_xmp(&stream).unwrap_err().to_string(),
            "not a guide made by mus: its XMP metadata inflates to more than 1 MiB"
        );
        let small = lopdf::Stream::new(
            lopdf::dictionary! { "Type" => "Metadata" },
            b"<x:xmpmeta/>".to_vec(),
        );
        assert_eq!(inflate_xmp(&small).unwrap(), b"<x:xmpmeta/>");
    }

    #[test]
    fn not_pdf_and_truncated_are_told_apart() {
        assert_eq!(
            GuideIdentity::from_pdf(b"hello").unwrap_err().to_string(),
            "not a PDF (it does not start with %PDF-)"
        );
        assert_eq!(
            GuideIdentity::from_pdf(b"%PDF-1.7\n1 0 obj")
                .unwrap_err()
                .to_string(),
            "the PDF is truncated or damaged (it does not end with %%EOF)"
        );
    }
}
