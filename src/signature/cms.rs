//! A CMS `SignedData` (RFC 5652, 5): finds the signer's certificate and checks that the
//! signer signed exactly the content. One verifier for both shapes a PDF meets: a
//! signature's detached `/Contents`, whose content is the bytes the `/ByteRange` names, and
//! an RFC 3161 timestamp token, whose content (a TSTInfo) is inside it.
//!
//! For a PDF signature it also verifies the signature timestamps among the unsigned
//! attributes (PAdES B-T) and collects the revocation data the structure carries.
//!
//! RFC 3161 timestamp tokens live here too, since the two verify each other: a PDF
//! signature carries timestamp tokens, and a token is itself a `SignedData`.
//!
//! A timestamp token is a TSA's CMS signature over a TSTInfo that names a time
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
use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerIdentifier, SignerInfo};
use const_oid::db::{rfc5280, rfc5911};
use const_oid::ObjectIdentifier;
use der::asn1::OctetString;
use der::{Decode, Encode};
use x509_cert::ext::pkix::SubjectKeyIdentifier;
use x509_cert::Certificate;
use x509_tsp::MessageImprint;

use super::certs::{self, to_chrono, Cert};
use super::crypto::{oid_name, CryptoError, DigestAlgorithm, Scheme};
use super::raw;
use super::revocation::RevocationData;
use super::trust::{self, TrustAnchor};
use super::Trust;

/// id-ct-TSTInfo (RFC 3161, 2.4.2): the content type of a timestamp token.
pub(crate) const ID_CT_TST_INFO: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4");
/// id-aa-signatureTimeStampToken (RFC 3161, appendix A): an unsigned attribute.
pub(crate) const ID_AA_SIGNATURE_TIME_STAMP_TOKEN: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.14");

/// What content a `SignedData` signs.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Content<'s> {
    /// A PDF signature: the content is outside the structure, these parts one after the
    /// other (the `/ByteRange`).
    Detached(&'s [&'s [u8]]),
    /// A timestamp token: the content is the TSTInfo inside it.
    TimestampToken,
}

/// Which structure an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Structure {
    Signature,
    TimestampToken,
}

impl fmt::Display for Structure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Signature => "signature",
            Self::TimestampToken => "timestamp token",
        })
    }
}

/// Why a CMS structure does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CmsError {
    #[error("the {of}'s CMS structure cannot be read: {error}")]
    Unreadable { of: Structure, error: der::Error },
    #[error("the {of}'s CMS structure is not SignedData")]
    NotSignedData { of: Structure },
    #[error("the signature's CMS structure carries its own content; a PDF signature is detached")]
    NotDetached,
    #[error("the timestamp token carries no TSTInfo (its content is missing)")]
    NoContent,
    #[error("the timestamp token's content is {found}, not a TSTInfo")]
    NotTstInfo { found: String },
    #[error("the {of}'s CMS structure is not DER (BER is not supported)")]
    NotDer { of: Structure },
    #[error("the {of}'s CMS structure has {count} signers instead of one")]
    SignerCount { of: Structure, count: usize },
    #[error("the signer's certificate is not among the {of}'s certificates")]
    SignerCertificateMissing { of: Structure },
    #[error("the signer info is not DER")]
    SignerInfoNotDer,
    #[error("no signed attributes")]
    NoSignedAttributes,
    #[error("the signed attributes have no messageDigest")]
    NoMessageDigest,
    #[error(
        "the {digest} digest of the signed byte ranges does not match the messageDigest the \
         signer signed: the signed part of the file was changed after signing"
    )]
    ContentChanged { digest: &'static str },
    #[error(
        "the {digest} digest of the timestamp token's TSTInfo does not match the \
         messageDigest the TSA signed: the token was changed after it was issued"
    )]
    TstInfoChanged { digest: &'static str },
    #[error(
        "the timestamp token's signed contentType is not id-ct-TSTInfo (RFC 5652, 11.1 \
         requires it to name the content)"
    )]
    ContentTypeMismatch,
    #[error(transparent)]
    Algorithm(#[from] CryptoError),
    #[error("the signer's signature is not valid: {0}")]
    SignatureInvalid(CryptoError),
    #[error("the TSA's signature on the timestamp token is not valid: {0}")]
    TokenSignatureInvalid(CryptoError),
    #[error("its signature timestamp is not valid: {0}")]
    Timestamp(Box<TimestampError>),
}

/// A `SignedData` whose signature value verified.
pub(crate) struct Verified<'a> {
    pub signer: Cert<'a>,
    /// Every certificate the structure carries (the signer's among them).
    pub certificates: Vec<Cert<'a>>,
    pub algorithm: String,
    /// The signed attribute `signingTime`: what the signer claims.
    pub signing_time: Option<DateTime<Utc>>,
    /// The encapsulated content's octets (a timestamp token's TSTInfo); `None` when
    /// detached.
    pub content: Option<&'a [u8]>,
    /// A PDF signature's verified signature timestamp (the earliest if several); always
    /// `None` for a timestamp token.
    pub timestamp: Option<Timestamp>,
    /// CRLs and OCSP responses from the signed attribute adbe-revocationInfoArchival and
    /// the `crls` field.
    pub revocation: RevocationData,
}

/// Verifies the detached PDF signature `cms` over the signed stretches `signed` of the file.
pub(crate) fn verify<'a>(cms: &'a [u8], signed: &[&[u8]]) -> Result<Verified<'a>, CmsError> {
    verify_content(cms, Content::Detached(signed))
}

/// Verifies the CMS structure `cms` over `content`.
pub(crate) fn verify_content<'a>(
    cms: &'a [u8],
    content: Content<'_>,
) -> Result<Verified<'a>, CmsError> {
    let of = match content {
        Content::Detached(_) => Structure::Signature,
        Content::TimestampToken => Structure::TimestampToken,
    };
    let unreadable = |error: der::Error| CmsError::Unreadable { of, error };
    let info = ContentInfo::from_der(cms).map_err(unreadable)?;
    if info.content_type != rfc5911::ID_SIGNED_DATA {
        return Err(CmsError::NotSignedData { of });
    }
    let data: SignedData = info.content.decode_as().map_err(unreadable)?;
    let econtent = encapsulated_octets(cms, content, &data, of)?;
    let raw = raw::signed_data(cms).ok_or(CmsError::NotDer { of })?;
    let info = only_signer(&data, &raw, of)?;
    let certificates: Vec<Cert<'a>> = Cert::parse_all(raw.certificates.iter().copied());

    let signer = certificates
        .iter()
        .position(|c| identifies(&info.sid, &c.cert))
        .ok_or(CmsError::SignerCertificateMissing { of })?;

    let digest = DigestAlgorithm::from_oid(&info.digest_alg.oid)?;
    let content_digest = match (content, econtent) {
        (Content::Detached(parts), _) => digest.digest(parts),
        (_, Some(octets)) => digest.digest(&[octets]),
        (Content::TimestampToken, None) => return Err(CmsError::NoContent),
    };
    let SignedInput {
        hashed,
        signing_time,
        mut revocation,
    } = signed_input(content, info, raw.signer_infos[0], digest, content_digest)?;
    for crl in &raw.crls {
        revocation.add_revocation_info_choice(crl);
    }
    let scheme = Scheme::from_identifier(&info.signature_algorithm, Some(digest))?;
    let signature_value = info.signature.as_bytes();
    let algorithm = scheme
        .verify(
            &certificates[signer]
                .cert
                .tbs_certificate
                .subject_public_key_info,
            &hashed,
            signature_value,
        )
        .map_err(|e| match content {
            Content::Detached(_) => CmsError::SignatureInvalid(e),
            Content::TimestampToken => CmsError::TokenSignatureInvalid(e),
        })?;

    // PAdES B-T: a timestamp over the signature value proves the signature existed then.
    let timestamp = match content {
        Content::Detached(_) => earliest_signature_timestamp(info, signature_value, of)?,
        Content::TimestampToken => None,
    };

    let signer = Cert {
        der: certificates[signer].der,
        cert: certificates[signer].cert.clone(),
    };
    Ok(Verified {
        signer,
        certificates,
        algorithm,
        signing_time,
        content: econtent,
        timestamp,
        revocation,
    })
}

/// The encapsulated content's octets as they are in `cms`: none for a detached PDF
/// signature, a TSTInfo for a timestamp token.
fn encapsulated_octets<'a>(
    cms: &'a [u8],
    content: Content<'_>,
    data: &SignedData,
    of: Structure,
) -> Result<Option<&'a [u8]>, CmsError> {
    let encapsulated = data.encap_content_info.econtent.as_ref();
    match (content, encapsulated) {
        (Content::Detached(_), None) => Ok(None),
        (Content::Detached(_), Some(_)) => Err(CmsError::NotDetached),
        (Content::TimestampToken, None) => Err(CmsError::NoContent),
        (Content::TimestampToken, Some(_)) => {
            if data.encap_content_info.econtent_type != ID_CT_TST_INFO {
                return Err(CmsError::NotTstInfo {
                    found: oid_name(&data.encap_content_info.econtent_type),
                });
            }
            // The octets as they are in `cms` (the `Any` above is a copy).
            Ok(Some(
                raw::encapsulated_content(cms).ok_or(CmsError::NotDer { of })?,
            ))
        }
    }
}

/// The one signer of the structure: decoded and as encoded, both must count exactly one.
fn only_signer<'d>(
    data: &'d SignedData,
    raw: &raw::RawSignedData<'_>,
    of: Structure,
) -> Result<&'d SignerInfo, CmsError> {
    let signers = &data.signer_infos.0;
    if signers.len() != 1 || raw.signer_infos.len() != 1 {
        return Err(CmsError::SignerCount {
            of,
            count: signers.len(),
        });
    }
    signers
        .iter()
        .next()
        .ok_or(CmsError::SignerCount { of, count: 0 })
}

/// What the signer's signature value is over, and what its signed attributes say.
struct SignedInput {
    /// The bytes the signature value signs: the signed attributes' DER, or without them
    /// the content's digest.
    hashed: Vec<u8>,
    /// The signed attribute `signingTime`.
    signing_time: Option<DateTime<Utc>>,
    /// From the signed attribute adbe-revocationInfoArchival.
    revocation: RevocationData,
}

/// Checks the signed attributes of `info` (encoded as `raw_info`) against the content's
/// digest and reads what they claim; without signed attributes the signature is over the
/// content's digest itself.
fn signed_input(
    content: Content<'_>,
    info: &SignerInfo,
    raw_info: &[u8],
    digest: DigestAlgorithm,
    content_digest: Vec<u8>,
) -> Result<SignedInput, CmsError> {
    let Some(attributes) = raw::signed_attributes(raw_info).ok_or(CmsError::SignerInfoNotDer)?
    else {
        return Ok(SignedInput {
            hashed: content_digest,
            signing_time: None,
            revocation: RevocationData::default(),
        });
    };
    let attrs = info
        .signed_attrs
        .as_ref()
        .ok_or(CmsError::NoSignedAttributes)?;
    let value = |oid| {
        attrs
            .iter()
            .find(|a| a.oid == oid)
            .and_then(|a| a.values.iter().next())
    };
    let message_digest = value(rfc5911::ID_MESSAGE_DIGEST)
        .and_then(|v| v.decode_as::<OctetString>().ok())
        .ok_or(CmsError::NoMessageDigest)?;
    if message_digest.as_bytes() != content_digest {
        return Err(match content {
            Content::Detached(_) => CmsError::ContentChanged {
                digest: digest.name(),
            },
            Content::TimestampToken => CmsError::TstInfoChanged {
                digest: digest.name(),
            },
        });
    }
    if matches!(content, Content::TimestampToken) {
        let content_type =
            value(rfc5911::ID_CONTENT_TYPE).and_then(|v| v.decode_as::<ObjectIdentifier>().ok());
        if content_type != Some(ID_CT_TST_INFO) {
            return Err(CmsError::ContentTypeMismatch);
        }
    }
    let signing_time = value(rfc5911::ID_SIGNING_TIME)
        .and_then(|v| v.to_der().ok())
        .and_then(|der| x509_cert::time::Time::from_der(&der).ok())
        .map(to_chrono);
    // Adobe's revocation archive is signed, so it is the signer's own claim
    // about the revocation status; verified like any other data later.
    let mut revocation = RevocationData::default();
    for attribute in attrs
        .iter()
        .filter(|a| a.oid == super::revocation::ID_ADBE_REVOCATION_INFO_ARCHIVAL)
    {
        for value in attribute.values.iter() {
            if let Ok(der) = value.to_der() {
                revocation.add_archival(&der);
            }
        }
    }
    Ok(SignedInput {
        hashed: digest.digest(&[&attributes]),
        signing_time,
        revocation,
    })
}

/// The earliest of the signature timestamps among the unsigned attributes of a PDF
/// signature's `info`, each verified over `signature_value`; any that does not verify
/// makes the signature invalid.
fn earliest_signature_timestamp(
    info: &SignerInfo,
    signature_value: &[u8],
    of: Structure,
) -> Result<Option<Timestamp>, CmsError> {
    let mut timestamp: Option<Timestamp> = None;
    let tokens = info
        .unsigned_attrs
        .iter()
        .flat_map(|attrs| attrs.iter())
        .filter(|a| a.oid == ID_AA_SIGNATURE_TIME_STAMP_TOKEN)
        .flat_map(|a| a.values.iter());
    for token in tokens {
        let der = token
            .to_der()
            .map_err(|error| CmsError::Unreadable { of, error })?;
        let verified = verify_signature_timestamp(&der, signature_value)
            .map_err(|e| CmsError::Timestamp(Box::new(e)))?;
        if timestamp.as_ref().is_none_or(|t| verified.time < t.time) {
            timestamp = Some(verified);
        }
    }
    Ok(timestamp)
}

/// Whether `sid` names `cert`: by issuer and serial number, or by subject key identifier.
fn identifies(sid: &SignerIdentifier, cert: &Certificate) -> bool {
    let tbs = &cert.tbs_certificate;
    match sid {
        SignerIdentifier::IssuerAndSerialNumber(id) => {
            id.issuer == tbs.issuer && id.serial_number == tbs.serial_number
        }
        SignerIdentifier::SubjectKeyIdentifier(id) => tbs
            .extensions
            .iter()
            .flatten()
            .filter(|e| e.extn_id == rfc5280::ID_CE_SUBJECT_KEY_IDENTIFIER)
            .filter_map(|e| SubjectKeyIdentifier::from_der(e.extn_value.as_bytes()).ok())
            .any(|ski| ski == *id),
    }
}

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
    let verified = verify_content(token, Content::TimestampToken)?;
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
        if !certs::has_extended_key_usage(&tsa.cert, const_oid::db::rfc5280::ID_KP_TIME_STAMPING) {
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
