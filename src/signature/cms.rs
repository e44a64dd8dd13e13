//! A CMS `SignedData` (RFC 5652, 5): finds the signer's certificate and checks that the
//! signer signed exactly the content. One verifier for both shapes a PDF meets: a
//! signature's detached `/Contents`, whose content is the bytes the `/ByteRange` names, and
//! an RFC 3161 timestamp token, whose content (a TSTInfo) is inside it.
//!
//! For a PDF signature it also verifies the signature timestamps among the unsigned
//! attributes (PAdES B-T) and collects the revocation data the structure carries.

use std::fmt;

use chrono::{DateTime, Utc};
use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerIdentifier};
use const_oid::db::{rfc5280, rfc5911};
use const_oid::ObjectIdentifier;
use der::asn1::OctetString;
use der::{Decode, Encode};
use x509_cert::ext::pkix::SubjectKeyIdentifier;
use x509_cert::Certificate;

use super::crypto::{oid_name, CryptoError, DigestAlgorithm, Scheme};
use super::raw;
use super::revocation::RevocationData;
use super::timestamp::{self, Timestamp, TimestampError};
use super::trust::{to_chrono, Cert};

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
    let encapsulated = data.encap_content_info.econtent.as_ref();
    let econtent: Option<&'a [u8]> = match (content, encapsulated) {
        (Content::Detached(_), None) => None,
        (Content::Detached(_), Some(_)) => return Err(CmsError::NotDetached),
        (Content::TimestampToken, None) => return Err(CmsError::NoContent),
        (Content::TimestampToken, Some(_)) => {
            if data.encap_content_info.econtent_type != ID_CT_TST_INFO {
                return Err(CmsError::NotTstInfo {
                    found: oid_name(&data.encap_content_info.econtent_type),
                });
            }
            // The octets as they are in `cms` (the `Any` above is a copy).
            Some(raw::encapsulated_content(cms).ok_or(CmsError::NotDer { of })?)
        }
    };
    let signers = &data.signer_infos.0;
    let raw = raw::signed_data(cms).ok_or(CmsError::NotDer { of })?;
    if signers.len() != 1 || raw.signer_infos.len() != 1 {
        return Err(CmsError::SignerCount {
            of,
            count: signers.len(),
        });
    }
    let info = signers
        .iter()
        .next()
        .ok_or(CmsError::SignerCount { of, count: 0 })?;
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
    let mut signing_time = None;
    let mut revocation = RevocationData::default();
    let hashed =
        match raw::signed_attributes(raw.signer_infos[0]).ok_or(CmsError::SignerInfoNotDer)? {
            Some(attributes) => {
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
                    let content_type = value(rfc5911::ID_CONTENT_TYPE)
                        .and_then(|v| v.decode_as::<ObjectIdentifier>().ok());
                    if content_type != Some(ID_CT_TST_INFO) {
                        return Err(CmsError::ContentTypeMismatch);
                    }
                }
                signing_time = value(rfc5911::ID_SIGNING_TIME)
                    .and_then(|v| v.to_der().ok())
                    .and_then(|der| x509_cert::time::Time::from_der(&der).ok())
                    .map(to_chrono);
                // Adobe's revocation archive is signed, so it is the signer's own claim
                // about the revocation status; verified like any other data later.
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
                digest.digest(&[&attributes])
            }
            // Without signed attributes the signature is over the content's digest itself.
            None => content_digest,
        };
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
    let mut timestamp: Option<Timestamp> = None;
    if matches!(content, Content::Detached(_)) {
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
            let verified = timestamp::verify_signature_timestamp(&der, signature_value)
                .map_err(|e| CmsError::Timestamp(Box::new(e)))?;
            if timestamp.as_ref().is_none_or(|t| verified.time < t.time) {
                timestamp = Some(verified);
            }
        }
    }

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
