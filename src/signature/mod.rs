//! The signatures of a returned guide: for each signature field, whether it is empty,
//! signed and intact, or signed but broken — and for a signature, who signed, when, with
//! what, whether the file changed afterwards beyond signing and form filling, and whether
//! the signer chains to a trusted certificate.
//!
//! Reading only: nothing here signs, and nothing here decides what the archive keeps.
//! The stages: the form's field tree, the `/ByteRange`, the CMS structure and its
//! signature value, the changes after the signed revision, trust.

mod byte_range;
mod cms;
mod coverage;
mod crypto;
mod fields;
mod ltv;
mod raw;
mod revocation;
mod timestamp;
mod trust;

use std::path::Path;

use chrono::{DateTime, Utc};
use lopdf::{Document, Object};

pub use byte_range::ByteRange;
pub use cms::{CmsError, Structure};
pub use crypto::CryptoError;
pub use ltv::{verify_pdf_signature, CmsSignature, TimeSource};
pub use raw::{trim_padding, ContentsError};
pub use revocation::{
    check_dss_item, read_dss, Dss, DssError, DssItemKind, Revocation, RevocationData,
    RevocationProblem, RevocationSource, SigningTime,
};
pub use timestamp::{verify_document_timestamp, Imprinted, Timestamp, TimestampError};
pub use trust::{load_trust_anchors, ChainError, TrustAnchor};

use crate::error::{Error, Result};

/// Every signature field of a guide.
#[derive(Debug, Clone)]
pub struct Inspection {
    /// In document order of the AcroForm field tree.
    pub fields: Vec<SignatureField>,
}

#[derive(Debug, Clone)]
pub struct SignatureField {
    /// Fully qualified, e.g. "underskrift.leder.underskrift".
    pub name: String,
    pub status: SignatureStatus,
}

#[derive(Debug, Clone)]
pub enum SignatureStatus {
    /// A signature field without a value.
    Empty,
    /// Signed, and cryptographically intact.
    Signed(Signature),
    /// Signed but broken; `reason` is a plain-English sentence saying what is wrong.
    Invalid { reason: String },
}

#[derive(Debug, Clone)]
pub struct Signature {
    /// The signer certificate's subject, RFC 4514.
    pub signer: String,
    /// The CMS signed attribute signingTime, else the signature dictionary's /M.
    pub signing_time: Option<DateTime<Utc>>,
    /// E.g. "RSA PKCS#1 v1.5 with SHA-256", "ECDSA P-256 with SHA-256".
    pub algorithm: String,
    /// The SHA-256 of the signer certificate's DER, lower-case hex.
    pub certificate_sha256: String,
    pub coverage: Coverage,
    pub trust: Trust,
    /// The signature dictionary's /SubFilter: "adbe.pkcs7.detached" or
    /// "ETSI.CAdES.detached".
    pub sub_filter: String,
    /// Where the signed revision ends: `pdf[..signed_bytes]` is what was signed.
    pub signed_bytes: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Coverage {
    /// The signature covers the whole file.
    WholeFile,
    /// Later incremental updates only sign other fields (and update metadata and
    /// validation data).
    Signing,
    /// Later incremental updates also fill in these fields (fully qualified names).
    SigningAndFormFilling { fields: Vec<String> },
    /// Later updates change something else; `description` names the objects and keys.
    OtherChanges { description: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trust {
    /// No trust anchors were given.
    NotChecked,
    /// The signer's certificate chains to the anchor with this subject.
    Trusted {
        anchor: String,
    },
    Untrusted {
        reason: String,
    },
}

/// The largest stream lopdf decompresses while loading (object and xref streams): a guide
/// needs well under a megabyte; a decompression bomb would need far more.
const MAX_DECOMPRESSED: usize = 256 << 20;

/// Inspects every signature field of the PDF `pdf`. `Err` only when `pdf` is not a
/// readable PDF; an unsigned or broken signature is `Ok` with that status.
pub fn inspect(pdf: &[u8], anchors: &[TrustAnchor]) -> Result<Inspection> {
    inspect_named(pdf, "the file", anchors)
}

/// [`inspect`] for a file, naming it in errors.
pub fn inspect_file(path: &Path, anchors: &[TrustAnchor]) -> Result<Inspection> {
    let pdf = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    inspect_named(&pdf, &path.display().to_string(), anchors)
}

fn inspect_named(pdf: &[u8], origin: &str, anchors: &[TrustAnchor]) -> Result<Inspection> {
    let doc = load(pdf).map_err(|message| Error::UnreadablePdf {
        origin: origin.to_string(),
        message,
    })?;
    let fields = fields::walk(&doc)
        .into_iter()
        .filter(|n| n.terminal && n.field_type == Some(b"Sig".as_slice()))
        .map(|node| SignatureField {
            status: match node.value {
                None | Some(Object::Null) => SignatureStatus::Empty,
                Some(value) => match verify(pdf, &doc, &node.name, value, anchors) {
                    Ok(signature) => SignatureStatus::Signed(signature),
                    Err(reason) => SignatureStatus::Invalid { reason },
                },
            },
            name: node.name,
        })
        .collect();
    Ok(Inspection { fields })
}

/// Loads a PDF (the latest revision, with every incremental update), saying in plain
/// words why not where it cannot.
fn load(pdf: &[u8]) -> std::result::Result<Document, String> {
    let head = &pdf[..pdf.len().min(1024)];
    if !contains(head, b"%PDF-") {
        return Err(if pdf.is_empty() {
            "the file is empty".into()
        } else {
            "it does not start with a %PDF- header".into()
        });
    }
    let loaded = parse(pdf);
    let tail = &pdf[pdf.len().saturating_sub(1024)..];
    let cut_short = || {
        format!(
            "it ends without %%EOF after {} bytes: it was cut short",
            pdf.len()
        )
    };
    match loaded {
        Ok(doc) if doc.catalog().is_ok() => Ok(doc),
        _ if !contains(tail, b"%%EOF") => Err(cut_short()),
        Ok(_) => Err("it has no document catalog".into()),
        Err(e) => Err(format!("its structure cannot be read ({e})")),
    }
}

/// lopdf's loader, with decompression capped and a panic turned into an error: lopdf is
/// a lenient parser, not a hardened one, and a hostile file must become an answer, not
/// take the archive down. Every reading of a handed-in PDF goes through here.
pub(crate) fn parse(pdf: &[u8]) -> std::result::Result<Document, String> {
    let options = lopdf::LoadOptions {
        max_decompressed_size: Some(MAX_DECOMPRESSED),
        ..Default::default()
    };
    match std::panic::catch_unwind(|| Document::load_mem_with_options(pdf, options)) {
        Ok(Ok(doc)) => Ok(doc),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("the PDF parser failed".into()),
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Verifies the signature of field `name` whose `/V` is `value`.
fn verify(
    pdf: &[u8],
    doc: &Document,
    name: &str,
    value: &Object,
    anchors: &[TrustAnchor],
) -> std::result::Result<Signature, String> {
    let (_, value) = doc
        .dereference(value)
        .map_err(|_| "the field's /V points to an object that is not in the file".to_string())?;
    let sig = value
        .as_dict()
        .map_err(|_| "the field's /V is not a signature dictionary".to_string())?;
    if sig.has_type(b"DocTimeStamp") {
        return Err("the field holds a document timestamp, not a signature".into());
    }
    let sub_filter = sig
        .get(b"SubFilter")
        .and_then(Object::as_name)
        .map_err(|_| "the signature dictionary has no /SubFilter".to_string())?;
    let sub_filter = String::from_utf8_lossy(sub_filter).into_owned();
    if sub_filter != "adbe.pkcs7.detached" && sub_filter != "ETSI.CAdES.detached" {
        return Err(format!(
            "the signature's /SubFilter is /{sub_filter}; only adbe.pkcs7.detached and \
             ETSI.CAdES.detached are supported"
        ));
    }
    let values: Vec<i64> = sig
        .get(b"ByteRange")
        .and_then(|r| doc.dereference(r))
        .and_then(|(_, r)| r.as_array())
        .map_err(|_| "the signature dictionary has no /ByteRange".to_string())?
        .iter()
        .map(Object::as_i64)
        .collect::<std::result::Result<_, _>>()
        .map_err(|_| "the /ByteRange is not four whole numbers".to_string())?;
    let range = ByteRange::from_values(&values, pdf)?;
    let contents = range.contents(pdf);
    if sig.get(b"Contents").and_then(Object::as_str).ok() != Some(contents.as_slice()) {
        return Err(
            "the signature's /Contents is not the string the /ByteRange leaves unsigned".into(),
        );
    }
    let verified = cms::verify(trim_padding(&contents)?, &range.ranges(pdf))?;
    let signing_time = verified.signing_time.or_else(|| {
        sig.get(b"M")
            .and_then(Object::as_str)
            .ok()
            .and_then(pdf_date)
    });

    let coverage = if range.end() == pdf.len() {
        Coverage::WholeFile
    } else {
        let revision = load(&pdf[..range.end()]).map_err(|e| {
            format!(
                "the signed revision (the first {} bytes) is not a readable PDF: {e}",
                range.end()
            )
        })?;
        // What the signer signed must be this very signature dictionary.
        let signed_value = fields::walk(&revision)
            .into_iter()
            .find(|n| n.terminal && n.name == name)
            .and_then(|n| n.value)
            .and_then(|v| revision.dereference(v).ok())
            .map(|(_, v)| v.clone());
        if signed_value.as_ref() != Some(value) {
            return Err(
                "the signature dictionary is not the one in the revision its /ByteRange signs"
                    .into(),
            );
        }
        match coverage::check(&revision, doc) {
            Ok(filled) if filled.is_empty() => Coverage::Signing,
            Ok(filled) => Coverage::SigningAndFormFilling {
                fields: filled.into_iter().collect(),
            },
            Err(description) => Coverage::OtherChanges { description },
        }
    };

    let time = signing_time.unwrap_or_else(Utc::now);
    let trust = trust::check(&verified.signer, &verified.certificates, anchors, time);
    Ok(Signature {
        signer: verified.signer.cert.tbs_certificate.subject.to_string(),
        signing_time,
        algorithm: verified.algorithm,
        certificate_sha256: crate::output::sha256_hex(verified.signer.der),
        coverage,
        trust,
        sub_filter,
        signed_bytes: range.end(),
    })
}

/// A PDF date, `D:YYYYMMDDHHmmSS` with an optional `Z` or `+HH'mm'` (ISO 32000-1, 7.9.4);
/// missing trailing fields default as the standard says.
fn pdf_date(bytes: &[u8]) -> Option<DateTime<Utc>> {
    let text = std::str::from_utf8(bytes).ok()?;
    let text = text.strip_prefix("D:").unwrap_or(text);
    let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
    if digits.len() < 4 || !digits.len().is_multiple_of(2) || digits.len() > 14 {
        return None;
    }
    let field = |at: usize, default: u32| -> Option<u32> {
        digits
            .get(at..at + 2)
            .map_or(Some(default), |d| d.parse().ok())
    };
    let year: i32 = digits[..4].parse().ok()?;
    let date = chrono::NaiveDate::from_ymd_opt(year, field(4, 1)?, field(6, 1)?)?;
    let local = date.and_hms_opt(field(8, 0)?, field(10, 0)?, field(12, 0)?)?;
    let rest = &text[digits.len()..];
    let offset_seconds = match rest.chars().next() {
        Some(sign @ ('+' | '-')) => {
            let numbers: Vec<i64> = rest[1..]
                .split(|c: char| !c.is_ascii_digit())
                .filter(|s| !s.is_empty())
                .filter_map(|s| s.parse().ok())
                .collect();
            let seconds = numbers.first().copied().unwrap_or(0) * 3600
                + numbers.get(1).copied().unwrap_or(0) * 60;
            if sign == '-' {
                -seconds
            } else {
                seconds
            }
        }
        _ => 0,
    };
    Some(local.and_utc() - chrono::Duration::seconds(offset_seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdf_dates_with_and_without_offsets() {
        let utc = |s: &str| pdf_date(s.as_bytes()).map(|d| d.to_rfc3339());
        assert_eq!(
            utc("D:20270115103000Z").as_deref(),
            Some("2027-01-15T10:30:00+00:00")
        );
        assert_eq!(
            utc("D:20270115103000+01'00'").as_deref(),
            Some("2027-01-15T09:30:00+00:00")
        );
        assert_eq!(
            utc("D:20270115103000-05'30").as_deref(),
            Some("2027-01-15T16:00:00+00:00")
        );
        assert_eq!(utc("D:2027").as_deref(), Some("2027-01-01T00:00:00+00:00"));
        assert_eq!(utc("D:20271345"), None);
        assert_eq!(utc("yesterday"), None);
    }

    #[test]
    fn load_says_why_a_file_is_not_a_pdf() {
        assert_eq!(load(b"").unwrap_err(), "the file is empty");
        assert!(load(b"GIF89a....").unwrap_err().contains("%PDF- header"));
        assert!(load(b"%PDF-1.7\n1 0 obj\n<<")
            .unwrap_err()
            .contains("cut short"));
    }
}
