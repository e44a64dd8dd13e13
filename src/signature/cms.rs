//! The CMS `SignedData` in a signature's `/Contents`: finds the signer's certificate and
//! checks that the signer signed exactly the bytes the `/ByteRange` names (RFC 5652, 5).

use chrono::{DateTime, Utc};
use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerIdentifier};
use const_oid::db::{rfc5280, rfc5911};
use der::asn1::OctetString;
use der::{Decode, Encode};
use x509_cert::ext::pkix::SubjectKeyIdentifier;
use x509_cert::Certificate;

use super::crypto::{DigestAlgorithm, Scheme};
use super::raw;
use super::trust::{to_chrono, Cert};

/// A signature whose value verified.
pub(crate) struct Verified<'a> {
    pub signer: Cert<'a>,
    /// Every certificate the signature carries (the signer's among them).
    pub certificates: Vec<Cert<'a>>,
    pub algorithm: String,
    /// The signed attribute `signingTime`.
    pub signing_time: Option<DateTime<Utc>>,
    /// The signature timestamp (PAdES B-T), verified.
    pub timestamp: Option<Timestamp>,
}

/// A verified RFC 3161 timestamp.
pub(crate) struct Timestamp {
    pub time: DateTime<Utc>,
    pub authority: String,
}

/// Verifies a document timestamp's token over the signed stretches of the file.
pub(crate) fn verify_document_timestamp(
    _token: &[u8],
    _signed: &[&[u8]],
) -> Result<Timestamp, String> {
    Err("document timestamps are not verified yet (merge pending)".into())
}

/// Verifies the CMS structure `cms` over the signed stretches `signed` of the file.
pub(crate) fn verify<'a>(cms: &'a [u8], signed: &[&[u8]]) -> Result<Verified<'a>, String> {
    let unparseable = |e: der::Error| format!("the signature's CMS structure cannot be read: {e}");
    let info = ContentInfo::from_der(cms).map_err(unparseable)?;
    if info.content_type != rfc5911::ID_SIGNED_DATA {
        return Err("the signature's CMS structure is not SignedData".into());
    }
    let data: SignedData = info.content.decode_as().map_err(unparseable)?;
    if data.encap_content_info.econtent.is_some() {
        return Err(
            "the signature's CMS structure carries its own content; a PDF signature is detached"
                .into(),
        );
    }
    let signers = &data.signer_infos.0;
    let raw = raw::signed_data(cms)
        .ok_or("the signature's CMS structure is not DER (BER is not supported)")?;
    if signers.len() != 1 || raw.signer_infos.len() != 1 {
        return Err(format!(
            "the signature's CMS structure has {} signers instead of one",
            signers.len()
        ));
    }
    let info = signers.iter().next().ok_or("no signer")?;
    let certificates: Vec<Cert<'a>> = raw
        .certificates
        .iter()
        .filter_map(|der| {
            Certificate::from_der(der)
                .ok()
                .map(|cert| Cert { der, cert })
        })
        .collect();

    let signer = certificates
        .iter()
        .position(|c| identifies(&info.sid, &c.cert))
        .ok_or("the signer's certificate is not among the signature's certificates")?;

    let digest = DigestAlgorithm::from_oid(&info.digest_alg.oid)?;
    let content_digest = digest.digest(signed);
    let mut signing_time = None;
    let hashed =
        match raw::signed_attributes(raw.signer_infos[0]).ok_or("the signer info is not DER")? {
            Some(attributes) => {
                let attrs = info.signed_attrs.as_ref().ok_or("no signed attributes")?;
                let value = |oid| {
                    attrs
                        .iter()
                        .find(|a| a.oid == oid)
                        .and_then(|a| a.values.iter().next())
                };
                let message_digest = value(rfc5911::ID_MESSAGE_DIGEST)
                    .and_then(|v| v.decode_as::<OctetString>().ok())
                    .ok_or("the signed attributes have no messageDigest")?;
                if message_digest.as_bytes() != content_digest {
                    return Err(format!(
                        "the {} digest of the signed byte ranges does not match the messageDigest \
                     the signer signed: the signed part of the file was changed after signing",
                        digest.name()
                    ));
                }
                signing_time = value(rfc5911::ID_SIGNING_TIME)
                    .and_then(|v| v.to_der().ok())
                    .and_then(|der| x509_cert::time::Time::from_der(&der).ok())
                    .map(to_chrono);
                digest.digest(&[&attributes])
            }
            // Without signed attributes the signature is over the content's digest itself.
            None => content_digest,
        };
    let scheme = Scheme::from_identifier(&info.signature_algorithm, Some(digest))?;
    let algorithm = scheme
        .verify(
            &certificates[signer]
                .cert
                .tbs_certificate
                .subject_public_key_info,
            &hashed,
            info.signature.as_bytes(),
        )
        .map_err(|e| format!("the signer's signature is not valid: {e}"))?;
    let signer = Cert {
        der: certificates[signer].der,
        cert: certificates[signer].cert.clone(),
    };
    Ok(Verified {
        signer,
        certificates,
        algorithm,
        signing_time,
        timestamp: None,
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
