//! Revocation data and what it says about a signer's certificate.
//!
//! The data comes from the signature itself (the signed attribute
//! adbe-revocationInfoArchival, and `SignedData.crls`) and from the PDF's Document
//! Security Store (`/DSS` in the catalog, PAdES B-LT: `/Certs`, `/OCSPs`, `/CRLs` and
//! per-signature `/VRI` dictionaries holding the same arrays of streams). None of it is
//! trusted as found: an OCSP response counts only when signed by the certificate's issuer
//! or by a responder the issuer delegated (id-kp-OCSPSigning), a CRL only when signed by
//! the issuer. Not handled: delta CRLs, indirect CRLs, issuing distribution points, and
//! `certificateHold` being lifted (a listed certificate is revoked).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use const_oid::db::{rfc5280, rfc5912, rfc6960};
use const_oid::ObjectIdentifier;
use der::{Decode, Encode};
use lopdf::{Document, Object};
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha384, Sha512};
use x509_cert::crl::CertificateList;
use x509_cert::Certificate;
use x509_ocsp::{
    BasicOcspResponse, CertId, CertStatus, OcspResponse, OcspResponseStatus, ResponderId,
};

use super::certs::{self, to_chrono, Cert};
use super::crypto::{CryptoError, Scheme};
use super::raw;

/// adbe-revocationInfoArchival (Adobe, PDF Reference 1.7, 12.8.3.3.2): a signed attribute.
pub(crate) const ID_ADBE_REVOCATION_INFO_ARCHIVAL: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113583.1.1.8");
/// id-ri-ocsp-response (RFC 5940, 4.1): an OCSP response among a SignedData's `crls`.
const ID_RI_OCSP_RESPONSE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.16.2");

/// The most one DSS stream may decompress to; a certificate, CRL or OCSP response of a
/// municipality's signing service is a few kilobytes, a CA's full CRL a few megabytes.
const MAX_DSS_ITEM: usize = 16 << 20;
/// The most all DSS streams together may decompress to.
const MAX_DSS_TOTAL: usize = 64 << 20;

/// Certificates, OCSP responses and CRLs, each as DER; nothing checked yet.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RevocationData {
    pub certificates: Vec<Vec<u8>>,
    /// Whole `OCSPResponse`s (RFC 6960, 4.2.1), as PAdES and Adobe store them.
    pub ocsp_responses: Vec<Vec<u8>>,
    pub crls: Vec<Vec<u8>>,
}

impl RevocationData {
    pub fn is_empty(&self) -> bool {
        self.certificates.is_empty() && self.ocsp_responses.is_empty() && self.crls.is_empty()
    }

    /// Adds what `other` holds that this does not.
    pub fn extend(&mut self, other: &RevocationData) {
        fn add(to: &mut Vec<Vec<u8>>, from: &[Vec<u8>]) {
            for item in from {
                if !to.contains(item) {
                    to.push(item.clone());
                }
            }
        }
        add(&mut self.certificates, &other.certificates);
        add(&mut self.ocsp_responses, &other.ocsp_responses);
        add(&mut self.crls, &other.crls);
    }

    /// The value of adbe-revocationInfoArchival: `SEQUENCE { crl [0] EXPLICIT SEQUENCE OF
    /// CertificateList OPTIONAL, ocsp [1] EXPLICIT SEQUENCE OF OCSPResponse OPTIONAL,
    /// otherRevInfo [2] ... }`. What cannot be read is left out (it cannot count).
    pub(crate) fn add_archival(&mut self, der: &[u8]) {
        let Some((outer, _)) = raw::read(der) else {
            return;
        };
        for field in raw::children(outer.content).unwrap_or_default() {
            let items = raw::read(field.content)
                .and_then(|(list, _)| raw::children(list.content))
                .unwrap_or_default();
            let to = match field.tag {
                0xA0 => &mut self.crls,
                0xA1 => &mut self.ocsp_responses,
                _ => continue,
            };
            to.extend(items.into_iter().map(|i| i.raw.to_vec()));
        }
    }

    /// One element of `SignedData.crls` (RFC 5652, 10.2.1): a CRL, or an OCSP response in
    /// `[1] IMPLICIT OtherRevocationInfoFormat` (RFC 5940).
    pub(crate) fn add_revocation_info_choice(&mut self, tlv: &raw::Tlv<'_>) {
        match tlv.tag {
            0x30 => self.crls.push(tlv.raw.to_vec()),
            0xA1 => {
                let parts = raw::children(tlv.content).unwrap_or_default();
                let is_ocsp = parts
                    .first()
                    .and_then(|oid| ObjectIdentifier::from_der(oid.raw).ok())
                    == Some(ID_RI_OCSP_RESPONSE);
                if let (true, Some(response)) = (is_ocsp, parts.get(1)) {
                    self.ocsp_responses.push(response.raw.to_vec());
                }
            }
            _ => {}
        }
    }
}

/// What a DSS stream claims to be, by the array that lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DssItemKind {
    Certificate,
    OcspResponse,
    Crl,
}

impl DssItemKind {
    fn key(self) -> &'static str {
        match self {
            Self::Certificate => "Certs",
            Self::OcspResponse => "OCSPs",
            Self::Crl => "CRLs",
        }
    }
}

/// Why a DSS cannot be read, or one of its streams is not what its array says.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DssError {
    #[error("the /DSS is not a dictionary")]
    NotADictionary,
    #[error("the /DSS /{key} is not an array of streams")]
    NotAnArray { key: &'static str },
    #[error("the /DSS /VRI is not a dictionary of dictionaries")]
    BadVri,
    #[error("item {index} of the /DSS /{key} is not a stream")]
    NotAStream { key: &'static str, index: usize },
    #[error("item {index} of the /DSS /{key} cannot be decompressed: {reason}")]
    Undecodable {
        key: &'static str,
        index: usize,
        reason: String,
    },
    #[error(
        "the /DSS streams decompress to more than {} MiB together",
        MAX_DSS_TOTAL >> 20
    )]
    TooLarge,
    #[error("item {index} of the /DSS /{key} is not {expected}: {reason}")]
    NotWhatItClaims {
        key: &'static str,
        index: usize,
        expected: &'static str,
        reason: String,
    },
}

/// Whether `bytes` parse as the kind of object a DSS array says they are: a DER X.509
/// certificate, a DER `OCSPResponse` (any status), a DER CRL. Nothing else may ride in a
/// DSS added after signing.
///
/// `Err` is `der`'s reason (`from_der` also refuses bytes after the structure).
pub fn check_dss_item(kind: DssItemKind, bytes: &[u8]) -> Result<(), der::Error> {
    match kind {
        DssItemKind::Certificate => Certificate::from_der(bytes).map(|_| ()),
        DssItemKind::OcspResponse => OcspResponse::from_der(bytes).and_then(|r| {
            // A successful response must carry a basic response that parses too.
            match r.response_bytes {
                Some(b) if b.response_type == rfc6960::ID_PKIX_OCSP_BASIC => {
                    BasicOcspResponse::from_der(b.response.as_bytes()).map(|_| ())
                }
                Some(_) => Ok(()),
                None => Ok(()),
            }
        }),
        DssItemKind::Crl => CertificateList::from_der(bytes).map(|_| ()),
    }
}

/// A PDF's Document Security Store.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dss {
    /// The top-level `/Certs`, `/OCSPs` and `/CRLs` with every `/VRI` entry's added.
    pub data: RevocationData,
    /// Each `/VRI` entry by its key (the upper-case hex SHA-1 of a signature's
    /// `/Contents`).
    pub vri: BTreeMap<String, RevocationData>,
}

/// Reads the catalog's `/DSS`: `Ok(None)` when there is none. Every stream must parse as
/// what its array claims.
pub fn read_dss(doc: &Document) -> Result<Option<Dss>, DssError> {
    let Some(dss) = doc
        .catalog()
        .ok()
        .and_then(|c| c.get(b"DSS").ok())
        .map(|o| deref(doc, o))
    else {
        return Ok(None);
    };
    let dss = dss.as_dict().map_err(|_| DssError::NotADictionary)?;
    let mut total = 0usize;
    let mut result = Dss {
        data: read_arrays(doc, dss, &mut total)?,
        vri: BTreeMap::new(),
    };
    if let Ok(vri) = dss.get(b"VRI") {
        let vri = deref(doc, vri).as_dict().map_err(|_| DssError::BadVri)?;
        for (key, entry) in vri.iter() {
            let entry = deref(doc, entry).as_dict().map_err(|_| DssError::BadVri)?;
            let data = read_arrays(doc, entry, &mut total)?;
            result.data.extend(&data);
            result
                .vri
                .insert(String::from_utf8_lossy(key).into_owned(), data);
        }
    }
    Ok(Some(result))
}

fn deref<'a>(doc: &'a Document, object: &'a Object) -> &'a Object {
    doc.dereference(object).map_or(object, |(_, o)| o)
}

fn read_arrays(
    doc: &Document,
    dict: &lopdf::Dictionary,
    total: &mut usize,
) -> Result<RevocationData, DssError> {
    let mut data = RevocationData::default();
    for kind in [
        DssItemKind::Certificate,
        DssItemKind::OcspResponse,
        DssItemKind::Crl,
    ] {
        let key = kind.key();
        let Ok(array) = dict.get(key.as_bytes()) else {
            continue;
        };
        let array = deref(doc, array)
            .as_array()
            .map_err(|_| DssError::NotAnArray { key })?;
        for (index, item) in array.iter().enumerate() {
            let stream = deref(doc, item)
                .as_stream()
                .map_err(|_| DssError::NotAStream { key, index })?;
            let bytes = stream
                .get_plain_content_with_limit(MAX_DSS_ITEM)
                .map_err(|e| DssError::Undecodable {
                    key,
                    index,
                    reason: e.to_string(),
                })?;
            *total += bytes.len();
            if *total > MAX_DSS_TOTAL {
                return Err(DssError::TooLarge);
            }
            check_dss_item(kind, &bytes).map_err(|reason| DssError::NotWhatItClaims {
                key,
                index,
                expected: match kind {
                    DssItemKind::Certificate => "a DER X.509 certificate",
                    DssItemKind::OcspResponse => "a DER OCSP response",
                    DssItemKind::Crl => "a DER CRL",
                },
                reason: reason.to_string(),
            })?;
            match kind {
                DssItemKind::Certificate => data.certificates.push(bytes),
                DssItemKind::OcspResponse => data.ocsp_responses.push(bytes),
                DssItemKind::Crl => data.crls.push(bytes),
            }
        }
    }
    Ok(data)
}

/// Where a revocation status came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevocationSource {
    Ocsp,
    Crl,
}

impl std::fmt::Display for RevocationSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Ocsp => "an OCSP response",
            Self::Crl => "a CRL",
        })
    }
}

/// The signer certificate's revocation status at the signing time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Revocation {
    /// No trust anchors were given, or the chain did not reach one.
    NotChecked,
    /// Neither the signature nor the PDF holds revocation data about the certificate.
    NoData,
    /// Verified data says the certificate was not revoked at the signing time.
    Good { source: RevocationSource },
    /// Verified data says the certificate was revoked at `at`.
    Revoked {
        at: DateTime<Utc>,
        source: RevocationSource,
    },
    /// There is data about the certificate, but none that verifies or speaks about the
    /// signing time.
    Unverifiable { reason: RevocationProblem },
}

/// Why revocation data about a certificate does not count.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RevocationProblem {
    #[error("the OCSP responder does not know the signer's certificate (status unknown)")]
    OcspUnknown,
    #[error(
        "the OCSP response only says the certificate was good at {this_update}, before the \
         signing time {signing_time}"
    )]
    OcspTooOld {
        this_update: String,
        signing_time: String,
    },
    #[error("the OCSP response is not DER")]
    OcspNotDer,
    #[error("the OCSP response's signature: {0}")]
    OcspAlgorithm(CryptoError),
    #[error("the OCSP response's signature is malformed")]
    OcspMalformedSignature,
    #[error(
        "the OCSP response is signed by {responder}, which the signer's issuer {issuer} did \
         not issue"
    )]
    ResponderNotIssuedByIssuer { responder: String, issuer: String },
    #[error(
        "the OCSP response is signed by {responder}, which is not an OCSP responder (no \
         id-kp-OCSPSigning)"
    )]
    NotAResponder { responder: String },
    #[error("the OCSP responder's certificate {responder} was not valid when it answered ({at})")]
    ResponderNotValid { responder: String, at: String },
    #[error("the OCSP response's signature does not verify with its responder {responder}'s key")]
    OcspSignature { responder: String },
    #[error(
        "the OCSP response's signature does not verify with the signer's issuer's key, and its \
         responder's certificate is not in the file"
    )]
    ResponderMissing,
    #[error("the CRL is not DER")]
    CrlNotDer,
    #[error("the CRL's signature: {0}")]
    CrlAlgorithm(CryptoError),
    #[error("the CRL's signature is malformed")]
    CrlMalformedSignature,
    #[error("the CRL naming {issuer} as issuer is not signed with that issuer's key")]
    CrlSignature { issuer: String },
    #[error("the newest CRL is from {this_update}, before the signing time {signing_time}")]
    CrlTooOld {
        this_update: String,
        signing_time: String,
    },
}

/// When the signature was made, and whether a timestamp proves it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SigningTime {
    pub time: DateTime<Utc>,
    /// From a verified signature timestamp, not the signer's own claim.
    pub proven: bool,
}

/// The revocation status of `cert`, issued by `issuer`, at `at`, from `data`. `known` are
/// further certificates (the signature's, the DSS's) among which a delegated OCSP
/// responder may be found.
///
/// A revocation after the signing time leaves the signature valid only when a timestamp
/// proves that time; with a time the signer merely claims, any revocation counts (whoever
/// holds a compromised key can claim any time).
pub(crate) fn status(
    cert: &Certificate,
    issuer: &Certificate,
    data: &RevocationData,
    known: &[Cert<'_>],
    at: SigningTime,
) -> Revocation {
    let mut revoked: Option<(DateTime<Utc>, RevocationSource)> = None;
    let mut good: Option<RevocationSource> = None;
    let mut problems: Vec<RevocationProblem> = Vec::new();
    let mut found = |finding: Finding| match finding {
        Finding::NotAbout => {}
        Finding::Revoked(when, source) => {
            if at.proven && when > at.time {
                good.get_or_insert(source);
            } else if revoked.is_none_or(|(earliest, _)| when < earliest) {
                revoked = Some((when, source));
            }
        }
        Finding::Good(source) => {
            good.get_or_insert(source);
        }
        Finding::Problem(reason) => problems.push(reason),
    };
    for response in &data.ocsp_responses {
        found(ocsp_finding(response, cert, issuer, data, known, at.time));
    }
    for crl in &data.crls {
        found(crl_finding(crl, cert, issuer, at.time));
    }
    match (revoked, good, problems.into_iter().next()) {
        (Some((at, source)), _, _) => Revocation::Revoked { at, source },
        (None, Some(source), _) => Revocation::Good { source },
        (None, None, Some(reason)) => Revocation::Unverifiable { reason },
        (None, None, None) => Revocation::NoData,
    }
}

enum Finding {
    /// The data is about another certificate (or another issuer's).
    NotAbout,
    Revoked(DateTime<Utc>, RevocationSource),
    Good(RevocationSource),
    Problem(RevocationProblem),
}

fn format_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// A hash named by an OCSP CertID; SHA-1 is what most responders use there (it only
/// identifies, RFC 6960, 4.1.1), so it is accepted here and nowhere else.
fn cert_id_hash(oid: &ObjectIdentifier, data: &[u8]) -> Option<Vec<u8>> {
    Some(match *oid {
        rfc5912::ID_SHA_1 => Sha1::digest(data).to_vec(),
        rfc5912::ID_SHA_256 => Sha256::digest(data).to_vec(),
        rfc5912::ID_SHA_384 => Sha384::digest(data).to_vec(),
        rfc5912::ID_SHA_512 => Sha512::digest(data).to_vec(),
        _ => return None,
    })
}

fn cert_id_matches(id: &CertId, cert: &Certificate, issuer: &Certificate) -> bool {
    if id.serial_number != cert.tbs_certificate.serial_number {
        return false;
    }
    let Ok(name) = cert.tbs_certificate.issuer.to_der() else {
        return false;
    };
    let key = issuer
        .tbs_certificate
        .subject_public_key_info
        .subject_public_key
        .raw_bytes();
    let oid = &id.hash_algorithm.oid;
    cert_id_hash(oid, &name).as_deref() == Some(id.issuer_name_hash.as_bytes())
        && cert_id_hash(oid, key).as_deref() == Some(id.issuer_key_hash.as_bytes())
}

fn ocsp_finding(
    der: &[u8],
    cert: &Certificate,
    issuer: &Certificate,
    data: &RevocationData,
    known: &[Cert<'_>],
    time: DateTime<Utc>,
) -> Finding {
    let Ok(response) = OcspResponse::from_der(der) else {
        return Finding::NotAbout;
    };
    let Some(bytes) = response
        .response_bytes
        .as_ref()
        .filter(|_| response.response_status == OcspResponseStatus::Successful)
    else {
        return Finding::NotAbout;
    };
    if bytes.response_type != rfc6960::ID_PKIX_OCSP_BASIC {
        return Finding::NotAbout;
    }
    let basic_der = bytes.response.as_bytes();
    let Ok(basic) = BasicOcspResponse::from_der(basic_der) else {
        return Finding::NotAbout;
    };
    let Some(single) = basic
        .tbs_response_data
        .responses
        .iter()
        .find(|r| cert_id_matches(&r.cert_id, cert, issuer))
    else {
        return Finding::NotAbout;
    };
    let this_update = to_chrono(x509_cert::time::Time::GeneralTime(single.this_update.0));
    let next_update = single
        .next_update
        .map(|t| to_chrono(x509_cert::time::Time::GeneralTime(t.0)));
    let produced_at = to_chrono(x509_cert::time::Time::GeneralTime(
        basic.tbs_response_data.produced_at.0,
    ));
    if let Err(reason) = verify_ocsp_signature(basic_der, &basic, issuer, data, known, produced_at)
    {
        return Finding::Problem(reason);
    }
    match single.cert_status {
        CertStatus::Revoked(info) => Finding::Revoked(
            to_chrono(x509_cert::time::Time::GeneralTime(info.revocation_time.0)),
            RevocationSource::Ocsp,
        ),
        CertStatus::Unknown(_) => Finding::Problem(RevocationProblem::OcspUnknown),
        CertStatus::Good(_) => {
            if this_update >= time || next_update.is_some_and(|n| n >= time) {
                Finding::Good(RevocationSource::Ocsp)
            } else {
                Finding::Problem(RevocationProblem::OcspTooOld {
                    this_update: format_time(this_update),
                    signing_time: format_time(time),
                })
            }
        }
    }
}

/// Checks a basic OCSP response's signature: by the issuer itself, or by a responder
/// certificate the issuer issued with id-kp-OCSPSigning (RFC 6960, 4.2.2.2).
fn verify_ocsp_signature(
    basic_der: &[u8],
    basic: &BasicOcspResponse,
    issuer: &Certificate,
    data: &RevocationData,
    known: &[Cert<'_>],
    produced_at: DateTime<Utc>,
) -> Result<(), RevocationProblem> {
    let tbs = raw::to_be_signed(basic_der).ok_or(RevocationProblem::OcspNotDer)?;
    let scheme = Scheme::from_identifier(&basic.signature_algorithm, None)
        .map_err(RevocationProblem::OcspAlgorithm)?;
    let signature = basic
        .signature
        .as_bytes()
        .ok_or(RevocationProblem::OcspMalformedSignature)?;
    let names = |candidate: &Certificate| match &basic.tbs_response_data.responder_id {
        ResponderId::ByName(name) => *name == candidate.tbs_certificate.subject,
        ResponderId::ByKey(hash) => {
            Sha1::digest(
                candidate
                    .tbs_certificate
                    .subject_public_key_info
                    .subject_public_key
                    .raw_bytes(),
            )
            .as_slice()
                == hash.as_bytes()
        }
    };
    let verifies = |candidate: &Certificate| {
        scheme
            .verify(
                &candidate.tbs_certificate.subject_public_key_info,
                &scheme.digest.digest(&[tbs]),
                signature,
            )
            .is_ok()
    };
    if names(issuer) && verifies(issuer) {
        return Ok(());
    }
    // A delegated responder: in the response, the DSS or the signature.
    let mut candidates: Vec<Vec<u8>> = basic
        .certs
        .iter()
        .flatten()
        .filter_map(|c| c.to_der().ok())
        .collect();
    candidates.extend(data.certificates.iter().cloned());
    candidates.extend(known.iter().map(|c| c.der.to_vec()));
    let mut first_problem = None;
    for der in &candidates {
        let Ok(candidate) = Certificate::from_der(der) else {
            continue;
        };
        if !names(&candidate) {
            continue;
        }
        let responder = candidate.tbs_certificate.subject.to_string();
        let validity = &candidate.tbs_certificate.validity;
        let problem = if candidate.tbs_certificate.issuer != issuer.tbs_certificate.subject
            || certs::issued_by(der, &candidate, issuer).is_err()
        {
            RevocationProblem::ResponderNotIssuedByIssuer {
                responder,
                issuer: issuer.tbs_certificate.subject.to_string(),
            }
        } else if !certs::has_extended_key_usage(&candidate, rfc5280::ID_KP_OCSP_SIGNING) {
            RevocationProblem::NotAResponder { responder }
        } else if produced_at < to_chrono(validity.not_before)
            || produced_at > to_chrono(validity.not_after)
        {
            RevocationProblem::ResponderNotValid {
                responder,
                at: format_time(produced_at),
            }
        } else if verifies(&candidate) {
            return Ok(());
        } else {
            RevocationProblem::OcspSignature { responder }
        };
        first_problem.get_or_insert(problem);
    }
    Err(first_problem.unwrap_or(RevocationProblem::ResponderMissing))
}

fn crl_finding(
    der: &[u8],
    cert: &Certificate,
    issuer: &Certificate,
    time: DateTime<Utc>,
) -> Finding {
    let Ok(crl) = CertificateList::from_der(der) else {
        return Finding::NotAbout;
    };
    let tbs = &crl.tbs_cert_list;
    if tbs.issuer != cert.tbs_certificate.issuer {
        return Finding::NotAbout;
    }
    let verified = raw::to_be_signed(der)
        .ok_or(RevocationProblem::CrlNotDer)
        .and_then(|signed| {
            let scheme = Scheme::from_identifier(&crl.signature_algorithm, None)
                .map_err(RevocationProblem::CrlAlgorithm)?;
            let signature = crl
                .signature
                .as_bytes()
                .ok_or(RevocationProblem::CrlMalformedSignature)?;
            scheme
                .verify(
                    &issuer.tbs_certificate.subject_public_key_info,
                    &scheme.digest.digest(&[signed]),
                    signature,
                )
                .map_err(|_| RevocationProblem::CrlSignature {
                    issuer: tbs.issuer.to_string(),
                })
        });
    if let Err(reason) = verified {
        return Finding::Problem(reason);
    }
    let listed = tbs
        .revoked_certificates
        .iter()
        .flatten()
        .find(|r| r.serial_number == cert.tbs_certificate.serial_number);
    if let Some(entry) = listed {
        return Finding::Revoked(to_chrono(entry.revocation_date), RevocationSource::Crl);
    }
    let this_update = to_chrono(tbs.this_update);
    let next_update = tbs.next_update.map(to_chrono);
    if this_update >= time || next_update.is_some_and(|n| n >= time) {
        Finding::Good(RevocationSource::Crl)
    } else {
        Finding::Problem(RevocationProblem::CrlTooOld {
            this_update: format_time(this_update),
            signing_time: format_time(time),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One DER element.
    fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        match content.len() {
            n if n < 0x80 => out.push(n as u8),
            n if n < 0x100 => out.extend([0x81, n as u8]),
            n => out.extend([0x82, (n >> 8) as u8, n as u8]),
        }
        out.extend_from_slice(content);
        out
    }

    // Stand-ins: the archive is only split here, each item is checked where it is used.
    const CRL: &[u8] = &[0x30, 0x03, 0x02, 0x01, 0x07];
    const OCSP: &[u8] = &[0x30, 0x03, 0x0A, 0x01, 0x00];

    #[test]
    fn adobe_revocation_archive_is_split_into_crls_and_ocsp_responses() {
        let crls = tlv(0xA0, &tlv(0x30, &[CRL, CRL].concat()));
        let ocsps = tlv(0xA1, &tlv(0x30, OCSP));
        let other = tlv(0xA2, &tlv(0x30, &[]));
        let archive = tlv(0x30, &[crls, ocsps, other].concat());
        let mut data = RevocationData::default();
        data.add_archival(&archive);
        assert_eq!(data.crls, vec![CRL.to_vec(), CRL.to_vec()]);
        assert_eq!(data.ocsp_responses, vec![OCSP.to_vec()]);
        assert!(data.certificates.is_empty());
        // Garbage adds nothing and does not panic.
        let mut data = RevocationData::default();
        data.add_archival(&[0x30, 0x80, 0x00]);
        data.add_archival(&[]);
        assert!(data.is_empty());
    }

    #[test]
    fn signed_data_crls_hold_crls_and_rfc5940_ocsp_responses() {
        let oid = ID_RI_OCSP_RESPONSE.to_der().unwrap();
        let other = tlv(0xA1, &[oid, OCSP.to_vec()].concat());
        let unknown_oid = ObjectIdentifier::new_unwrap("1.2.3.4").to_der().unwrap();
        let unknown = tlv(0xA1, &[unknown_oid, OCSP.to_vec()].concat());
        let mut data = RevocationData::default();
        for item in [CRL.to_vec(), other, unknown] {
            let (tlv, _) = raw::read(&item).unwrap();
            data.add_revocation_info_choice(&tlv);
        }
        assert_eq!(data.crls, vec![CRL.to_vec()]);
        assert_eq!(data.ocsp_responses, vec![OCSP.to_vec()]);
    }

    #[test]
    fn extend_adds_only_what_is_new() {
        let mut a = RevocationData {
            crls: vec![CRL.to_vec()],
            ..Default::default()
        };
        let b = RevocationData {
            crls: vec![CRL.to_vec()],
            ocsp_responses: vec![OCSP.to_vec()],
            ..Default::default()
        };
        a.extend(&b);
        assert_eq!(a, b);
    }
}
