//! Walking DER by hand, where a signature needs bytes exactly as the signer encoded them.
//!
//! Decoding with `der` and encoding again is not always the same bytes: a `SET OF` is
//! sorted on decoding, so the signed attributes and a certificate's to-be-signed part are
//! taken from the original encoding instead. Only definite-length DER is read; BER with
//! indefinite lengths is refused (callers say so in their reason).

/// One DER element: its tag, its whole encoding and its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tlv<'a> {
    pub tag: u8,
    pub raw: &'a [u8],
    pub content: &'a [u8],
}

/// Tags of the elements this module looks for.
const SEQUENCE: u8 = 0x30;
const SET: u8 = 0x31;
const CONTEXT_0: u8 = 0xA0;
const CONTEXT_1: u8 = 0xA1;
const OCTET_STRING: u8 = 0x04;

/// Why a signature's `/Contents` is not a CMS structure followed by zero padding.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContentsError {
    #[error("the signature's /Contents is empty (only zero padding)")]
    Empty,
    #[error("the signature's /Contents is not a DER-encoded CMS structure")]
    NotDer,
    #[error(
        "the signature's /Contents does not start with a DER SEQUENCE (it starts with byte \
         0x{tag:02X}), so it is not a CMS structure"
    )]
    NotSequence { tag: u8 },
    #[error("the signature's /Contents has data after its CMS structure that is not zero padding")]
    TrailingData,
}

/// The element at the start of `bytes` and what follows it; `None` when it is not
/// definite-length DER or runs past the end.
pub(crate) fn read(bytes: &[u8]) -> Option<(Tlv<'_>, &[u8])> {
    let (&tag, rest) = bytes.split_first()?;
    if tag & 0x1F == 0x1F {
        // High tag numbers do not occur in CMS or X.509.
        return None;
    }
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        // 0x80 is BER's indefinite length; more than four length octets is absurd here.
        let n = usize::from(first & 0x7F);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |len, &b| len << 8 | usize::from(b));
        (len, &rest[n..])
    };
    if rest.len() < len {
        return None;
    }
    let header = bytes.len() - rest.len();
    Some((
        Tlv {
            tag,
            raw: &bytes[..header + len],
            content: &rest[..len],
        },
        &rest[len..],
    ))
}

/// The elements inside a constructed element's content.
pub(crate) fn children(content: &[u8]) -> Option<Vec<Tlv<'_>>> {
    let mut out = Vec::new();
    let mut rest = content;
    while !rest.is_empty() {
        let (tlv, next) = read(rest)?;
        out.push(tlv);
        rest = next;
    }
    Some(out)
}

/// The CMS structure in a signature's `/Contents`, without the zero padding a signer
/// leaves after it (the hole is reserved before the signature's size is known).
pub fn trim_padding(contents: &[u8]) -> Result<&[u8], ContentsError> {
    if contents.iter().all(|&b| b == 0) {
        return Err(ContentsError::Empty);
    }
    let Some((tlv, rest)) = read(contents) else {
        return Err(ContentsError::NotDer);
    };
    if tlv.tag != SEQUENCE {
        return Err(ContentsError::NotSequence { tag: tlv.tag });
    }
    if rest.iter().any(|&b| b != 0) {
        return Err(ContentsError::TrailingData);
    }
    Ok(tlv.raw)
}

/// The parts of a CMS `SignedData` that are needed as encoded.
#[derive(Debug)]
pub(crate) struct RawSignedData<'a> {
    /// Each certificate's whole DER (the `certificates` field's elements).
    pub certificates: Vec<&'a [u8]>,
    /// Each element of the `crls` field (`RevocationInfoChoice`, RFC 5652, 10.2.1): a
    /// CRL's whole DER, or an `[1] IMPLICIT OtherRevocationInfoFormat`.
    pub crls: Vec<Tlv<'a>>,
    /// Each `SignerInfo`'s whole DER.
    pub signer_infos: Vec<&'a [u8]>,
}

/// Finds certificates and signer infos in a `ContentInfo` holding `SignedData`
/// (RFC 5652, 3 and 5.1).
pub(crate) fn signed_data(content_info: &[u8]) -> Option<RawSignedData<'_>> {
    let (outer, _) = read(content_info)?;
    let parts = children(outer.content)?;
    let explicit = parts.iter().find(|t| t.tag == CONTEXT_0)?;
    let (signed, _) = read(explicit.content)?;
    if signed.tag != SEQUENCE {
        return None;
    }
    let fields = children(signed.content)?;
    let certificates = match fields.iter().find(|t| t.tag == CONTEXT_0) {
        Some(set) => children(set.content)?
            .into_iter()
            .filter(|c| c.tag == SEQUENCE)
            .map(|c| c.raw)
            .collect(),
        None => Vec::new(),
    };
    let crls = match fields.iter().find(|t| t.tag == CONTEXT_1) {
        Some(set) => children(set.content)?,
        None => Vec::new(),
    };
    // signerInfos is the last field, a SET after the optional [0] and [1].
    let last = fields.last()?;
    if last.tag != SET || fields.len() < 4 {
        return None;
    }
    let signer_infos = children(last.content)?.into_iter().map(|c| c.raw).collect();
    Some(RawSignedData {
        certificates,
        crls,
        signer_infos,
    })
}

/// The octets of the encapsulated content of a `ContentInfo` holding `SignedData`
/// (`encapContentInfo.eContent`, RFC 5652, 5.2), as encoded; `None` when there is none or
/// it is not a primitive DER OCTET STRING.
pub(crate) fn encapsulated_content(content_info: &[u8]) -> Option<&[u8]> {
    let (outer, _) = read(content_info)?;
    let parts = children(outer.content)?;
    let explicit = parts.iter().find(|t| t.tag == CONTEXT_0)?;
    let (signed, _) = read(explicit.content)?;
    // version, digestAlgorithms, encapContentInfo.
    let encap = *children(signed.content)?.get(2)?;
    if encap.tag != SEQUENCE {
        return None;
    }
    let fields = children(encap.content)?;
    let explicit = fields.get(1).filter(|t| t.tag == CONTEXT_0)?;
    let (octets, rest) = read(explicit.content)?;
    (octets.tag == OCTET_STRING && rest.is_empty()).then_some(octets.content)
}

/// A `SignerInfo`'s signed attributes as the signature covers them: the DER of the
/// `[0] IMPLICIT` field with its tag turned into SET (0x31), RFC 5652, 5.4. `Ok(None)`
/// when there are none.
pub(crate) fn signed_attributes(signer_info: &[u8]) -> Option<Option<Vec<u8>>> {
    let (info, _) = read(signer_info)?;
    let fields = children(info.content)?;
    // version, sid, digestAlgorithm, then [0] signedAttrs if present.
    match fields.get(3) {
        Some(attrs) if attrs.tag == CONTEXT_0 => {
            let mut bytes = attrs.raw.to_vec();
            bytes[0] = SET;
            Some(Some(bytes))
        }
        Some(_) => Some(None),
        None => None,
    }
}

/// The signed part of a signed X.509-style structure, as encoded: a certificate's
/// `tbsCertificate` (RFC 5280, 4.1), a CRL's `tbsCertList` (5.1), a basic OCSP response's
/// `tbsResponseData` (RFC 6960, 4.2.1) — each the first element of the outer SEQUENCE.
pub(crate) fn to_be_signed(certificate: &[u8]) -> Option<&[u8]> {
    let (cert, _) = read(certificate)?;
    if cert.tag != SEQUENCE {
        return None;
    }
    let (tbs, _) = read(cert.content)?;
    (tbs.tag == SEQUENCE).then_some(tbs.raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trim_padding_keeps_exactly_the_der_element() {
        // SEQUENCE { INTEGER 5 } then zero padding.
        let padded = [0x30, 0x03, 0x02, 0x01, 0x05, 0, 0, 0, 0];
        assert_eq!(trim_padding(&padded), Ok(&padded[..5]));
    }

    #[test]
    fn trim_padding_keeps_trailing_zeros_inside_the_element() {
        // The element itself ends in zero bytes: they belong to it, not to the padding.
        let padded = [0x30, 0x04, 0x04, 0x02, 0x00, 0x00, 0, 0];
        assert_eq!(trim_padding(&padded), Ok(&padded[..6]));
    }

    #[test]
    fn trim_padding_reads_long_form_lengths() {
        let mut bytes = vec![0x30, 0x82, 0x01, 0x00];
        bytes.extend(std::iter::repeat_n(0x01, 256));
        bytes.extend([0u8; 100]);
        assert_eq!(trim_padding(&bytes).map(<[u8]>::len), Ok(260));
    }

    #[test]
    fn trim_padding_refuses_what_is_not_padded_der() {
        let err = |bytes: &[u8]| trim_padding(bytes).unwrap_err().to_string();
        assert!(err(&[0; 16]).contains("empty"));
        assert!(err(&[]).contains("empty"));
        assert!(err(b"hello world").contains("not a DER-encoded"));
        assert!(err(&[0x04, 0x01, 0x05, 0]).contains("does not start with a DER SEQUENCE"));
        // Length runs past the end.
        assert!(err(&[0x30, 0x10, 0x02, 0x01]).contains("not a DER-encoded"));
        // BER indefinite length.
        assert!(err(&[0x30, 0x80, 0x02, 0x01, 0x05, 0, 0]).contains("not a DER-encoded"));
        // Absurd length octets.
        assert!(err(&[0x30, 0x89, 1, 2, 3, 4, 5, 6, 7, 8, 9]).contains("not a DER-encoded"));
        // Something after the element that is not zero.
        assert!(err(&[0x30, 0x03, 0x02, 0x01, 0x05, 0, 7, 0]).contains("not zero padding"));
    }

    #[test]
    fn signed_attributes_are_retagged_as_a_set() {
        // SignerInfo: version, sid, digestAlgorithm, [0] { attr }, ...
        let info = [
            0x30, 0x0F, //
            0x02, 0x01, 0x01, // version
            0x04, 0x01, 0xAA, // sid (stand-in)
            0x30, 0x00, // digestAlgorithm (stand-in)
            0xA0, 0x03, 0x30, 0x01, 0x00, // [0] signedAttrs
            0x04, 0x00, // signature
        ];
        assert_eq!(
            signed_attributes(&info),
            Some(Some(vec![0x31, 0x03, 0x30, 0x01, 0x00]))
        );
        let without = [
            0x30, 0x0A, 0x02, 0x01, 0x01, 0x04, 0x01, 0xAA, 0x30, 0x00, 0x04, 0x00,
        ];
        assert_eq!(signed_attributes(&without), Some(None));
    }
}
