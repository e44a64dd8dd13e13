//! RFC 3161 timestamp tokens: a TSA's CMS signature over a TSTInfo that names a time
//! (genTime) and the digest of some data (messageImprint).
//!
//! Two kinds meet a signed guide: a signature timestamp (PAdES B-T), the unsigned
//! attribute id-aa-signatureTimeStampToken of a SignerInfo, whose imprint is the digest of
//! that signer's signature value (RFC 3161, appendix A); and a document timestamp (PAdES
//! B-LTA), a `/DocTimeStamp` signature dictionary with `/SubFilter /ETSI.RFC3161`, whose
//! imprint is the digest of the bytes its `/ByteRange` names.
//!
//! genTime is read by hand rather than with `x509-tsp`'s TSTInfo: RFC 3161 (2.4.2) allows
//! fractions of a second there and TSAs send them, while `der`'s GeneralizedTime refuses
//! them. Fractions are accepted on purpose and dropped (the time is whole seconds).

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use der::Decode;
use x509_tsp::MessageImprint;

use super::cms::{self, CmsError, Content};
use super::crypto::{CryptoError, DigestAlgorithm};
use super::raw;
use super::trust::{self, Cert, TrustAnchor};
use super::Trust;

/// A verified timestamp.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timestamp {
    /// The TSTInfo's genTime, whole seconds.
    pub time: DateTime<Utc>,
    /// The subject of the TSA certificate that signed the token, RFC 4514.
    pub tsa: String,
    /// The SHA-256 of the TSA certificate's DER, lower-case hex.
    pub tsa_certificate_sha256: String,
    /// The digest algorithm of the message imprint, e.g. "SHA-256".
    pub imprint_algorithm: &'static str,
    /// The DER of every certificate in the token, the TSA's first (for chaining it).
    certificates: Vec<Vec<u8>>,
}

/// What a timestamp's message imprint is expected to be the digest of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Imprinted {
    SignatureValue,
    ByteRanges,
}

impl fmt::Display for Imprinted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::SignatureValue => "the signature value it timestamps",
            Self::ByteRanges => "the byte ranges its /ByteRange names",
        })
    }
}

/// Why a timestamp token does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimestampError {
    #[error(transparent)]
    Cms(#[from] CmsError),
    #[error("the timestamp token's TSTInfo cannot be read: {0}")]
    TstInfo(String),
    #[error("the timestamp token's genTime {value:?} is not a GeneralizedTime in UTC")]
    GenTime { value: String },
    #[error("the timestamp's message imprint: {0}")]
    ImprintDigest(CryptoError),
    #[error(
        "the timestamp's message imprint is not the {digest} digest of {over}: the \
         timestamp belongs to other data"
    )]
    ImprintMismatch {
        digest: &'static str,
        over: Imprinted,
    },
}

/// Verifies a signature timestamp: `token` (a TimeStampToken's DER) must be validly signed
/// by the certificate in it, and its imprint the digest of `signature_value`.
pub(crate) fn verify_signature_timestamp(
    token: &[u8],
    signature_value: &[u8],
) -> Result<Timestamp, TimestampError> {
    verify_token(token, &[signature_value], Imprinted::SignatureValue)
}

/// Verifies a document timestamp: `token` is the `/Contents` of a `/DocTimeStamp` (without
/// its zero padding), `signed` the stretches of the file its `/ByteRange` names.
pub fn verify_document_timestamp(
    token: &[u8],
    signed: &[&[u8]],
) -> Result<Timestamp, TimestampError> {
    verify_token(token, signed, Imprinted::ByteRanges)
}

fn verify_token(
    token: &[u8],
    imprinted: &[&[u8]],
    over: Imprinted,
) -> Result<Timestamp, TimestampError> {
    let verified = cms::verify_content(token, Content::TimestampToken)?;
    let tst_info = verified.content.ok_or(CmsError::NoContent)?;
    let (imprint, time) = read_tst_info(tst_info)?;
    let digest = DigestAlgorithm::from_oid(&imprint.hash_algorithm.oid)
        .map_err(TimestampError::ImprintDigest)?;
    if imprint.hashed_message.as_bytes() != digest.digest(imprinted) {
        return Err(TimestampError::ImprintMismatch {
            digest: digest.name(),
            over,
        });
    }
    let mut certificates = vec![verified.signer.der.to_vec()];
    certificates.extend(
        verified
            .certificates
            .iter()
            .filter(|c| c.der != verified.signer.der)
            .map(|c| c.der.to_vec()),
    );
    Ok(Timestamp {
        time,
        tsa: verified.signer.cert.tbs_certificate.subject.to_string(),
        tsa_certificate_sha256: crate::base::files::sha256_hex(verified.signer.der),
        imprint_algorithm: digest.name(),
        certificates,
    })
}

impl Timestamp {
    /// Whether the TSA's certificate chains to one of `anchors` at genTime and is a TSA
    /// certificate (extended key usage id-kp-timeStamping, RFC 3161, 2.3).
    pub fn trust(&self, anchors: &[TrustAnchor]) -> Trust {
        if anchors.is_empty() {
            return Trust::NotChecked;
        }
        let certs: Vec<Cert<'_>> = Cert::parse_all(&self.certificates);
        let Some(tsa) = certs.first() else {
            return Trust::Untrusted {
                reason: "the timestamp token's certificate cannot be read".into(),
            };
        };
        if !trust::has_extended_key_usage(&tsa.cert, const_oid::db::rfc5280::ID_KP_TIME_STAMPING) {
            return Trust::Untrusted {
                reason: format!(
                    "the timestamp's signer {} is not a time-stamping authority (its \
                     certificate lacks the extended key usage id-kp-timeStamping)",
                    self.tsa
                ),
            };
        }
        trust::check(tsa, &certs, anchors, self.time)
    }
}

/// The message imprint and genTime of a TSTInfo (RFC 3161, 2.4.2): version, policy,
/// messageImprint, serialNumber, genTime, ...
fn read_tst_info(der: &[u8]) -> Result<(MessageImprint, DateTime<Utc>), TimestampError> {
    let broken = |what: &str| TimestampError::TstInfo(what.to_string());
    let (outer, _) = raw::read(der).ok_or_else(|| broken("it is not DER"))?;
    let fields = raw::children(outer.content).ok_or_else(|| broken("it is not DER"))?;
    let tags: Vec<u8> = fields.iter().take(5).map(|f| f.tag).collect();
    if outer.tag != 0x30 || tags != [0x02, 0x06, 0x30, 0x02, 0x18] {
        return Err(broken(
            "it does not start with version, policy, messageImprint, serialNumber and genTime",
        ));
    }
    let imprint = MessageImprint::from_der(fields[2].raw)
        .map_err(|e| TimestampError::TstInfo(format!("its messageImprint: {e}")))?;
    let time = generalized_time(fields[4].content).ok_or_else(|| TimestampError::GenTime {
        value: String::from_utf8_lossy(fields[4].content).into_owned(),
    })?;
    Ok((imprint, time))
}

/// `YYYYMMDDhhmmss[.f...]Z`: RFC 3161's genTime, whole seconds kept.
fn generalized_time(text: &[u8]) -> Option<DateTime<Utc>> {
    let text = std::str::from_utf8(text).ok()?.strip_suffix('Z')?;
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (text, None),
    };
    if whole.len() != 14 || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // X.690 11.7: a fraction has digits and no trailing zero.
    if let Some(f) = fraction {
        if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) || f.ends_with('0') {
            return None;
        }
    }
    let n = |at: usize, len: usize| whole[at..at + len].parse::<u32>().ok();
    let date = NaiveDate::from_ymd_opt(i32::try_from(n(0, 4)?).ok()?, n(4, 2)?, n(6, 2)?)?;
    Some(date.and_hms_opt(n(8, 2)?, n(10, 2)?, n(12, 2)?)?.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gen_time_takes_fractions_and_refuses_what_der_forbids() {
        let t = |s: &str| generalized_time(s.as_bytes()).map(|d| d.to_rfc3339());
        assert_eq!(
            t("20261129193018Z").as_deref(),
            Some("2026-11-29T19:30:18+00:00")
        );
        assert_eq!(
            t("20261129193018.123456Z").as_deref(),
            Some("2026-11-29T19:30:18+00:00")
        );
        assert_eq!(t("20261129193018.120Z"), None, "trailing zero");
        assert_eq!(t("20261129193018."), None);
        assert_eq!(t("20261129193018"), None, "no Z: local time");
        assert_eq!(t("202611291930Z"), None, "no seconds");
        assert_eq!(t("20261329193018Z"), None, "month 13");
    }
}
