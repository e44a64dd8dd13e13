//! Certificates as the signature code handles them: each with its DER, whether one issued
//! another, whether one may issue at all and was valid at a time, and why a chain fails.
//! Used by [`super::trust`] to build chains and by [`super::revocation`] to check an OCSP
//! responder's certificate; neither needs the other for this.

use chrono::{DateTime, Utc};
use der::Decode;
use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage};
use x509_cert::Certificate;

use super::crypto::{CryptoError, Scheme};
use super::raw;

/// The longest chain followed before giving up (a loop guard, too).
pub(crate) const MAX_CHAIN: usize = 8;

/// Why a certificate does not chain to a trust anchor.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    #[error(
        "the chain ends at the self-signed certificate {name}, which is not one of the trust \
         anchors ({anchors})"
    )]
    SelfSignedNotAnchor { name: String, anchors: String },
    #[error(
        "the certificate {name} was issued by {issuer}, which is neither a trust anchor \
         ({anchors}) nor among the signature's certificates"
    )]
    UnknownIssuer {
        name: String,
        issuer: String,
        anchors: String,
    },
    #[error(
        "no trust anchor within {} certificates of the signer's certificate",
        MAX_CHAIN
    )]
    TooLong,
    #[error("the certificate {name} is not DER-encoded")]
    NotDer { name: String },
    #[error("the certificate {name}: {error}")]
    Algorithm { name: String, error: CryptoError },
    #[error("the certificate {name} has a malformed signature")]
    MalformedSignature { name: String },
    #[error("the certificate {name} does not carry a valid signature of its issuer {issuer}")]
    NotIssuedBy { name: String, issuer: String },
    #[error("the certificate {name} issued the next one in the chain but is not a CA certificate")]
    NotCa { name: String },
    #[error("the certificate {name} was not valid at {at} (valid from {from} to {to})")]
    NotValidAt {
        name: String,
        at: String,
        from: String,
        to: String,
    },
}

/// A certificate of the signature's certificate set, as encoded and as decoded.
pub(crate) struct Cert<'a> {
    pub der: &'a [u8],
    pub cert: Certificate,
}

impl<'a> Cert<'a> {
    /// Every certificate of a list that parses, each with its DER (an unreadable one is
    /// skipped: it can neither sign nor chain).
    pub(crate) fn parse_all<D: AsRef<[u8]> + ?Sized + 'a>(
        ders: impl IntoIterator<Item = &'a D>,
    ) -> Vec<Cert<'a>> {
        ders.into_iter()
            .filter_map(|der| {
                let der = der.as_ref();
                Certificate::from_der(der)
                    .ok()
                    .map(|cert| Cert { der, cert })
            })
            .collect()
    }

    pub(crate) fn subject(&self) -> String {
        self.cert.tbs_certificate.subject.to_string()
    }
}

/// Whether `cert` names `usage` among its extended key usages (RFC 5280, 4.2.1.12).
pub(crate) fn has_extended_key_usage(
    cert: &Certificate,
    usage: const_oid::ObjectIdentifier,
) -> bool {
    cert.tbs_certificate
        .extensions
        .iter()
        .flatten()
        .filter(|e| e.extn_id == const_oid::db::rfc5280::ID_CE_EXT_KEY_USAGE)
        .filter_map(|e| ExtendedKeyUsage::from_der(e.extn_value.as_bytes()).ok())
        .any(|eku| eku.0.contains(&usage))
}

/// Whether `issuer`'s key made `cert`'s signature.
pub(crate) fn issued_by(
    der: &[u8],
    cert: &Certificate,
    issuer: &Certificate,
) -> std::result::Result<(), ChainError> {
    let name = || cert.tbs_certificate.subject.to_string();
    let tbs = raw::to_be_signed(der).ok_or_else(|| ChainError::NotDer { name: name() })?;
    let scheme = Scheme::from_identifier(&cert.signature_algorithm, None).map_err(|error| {
        ChainError::Algorithm {
            name: name(),
            error,
        }
    })?;
    let signature = cert
        .signature
        .as_bytes()
        .ok_or_else(|| ChainError::MalformedSignature { name: name() })?;
    scheme
        .verify(
            &issuer.tbs_certificate.subject_public_key_info,
            &scheme.digest.digest(&[tbs]),
            signature,
        )
        .map(|_| ())
        .map_err(|_| ChainError::NotIssuedBy {
            name: name(),
            issuer: issuer.tbs_certificate.subject.to_string(),
        })
}

/// Whether an intermediate may issue certificates (basicConstraints cA, RFC 5280, 4.2.1.9).
pub(crate) fn is_ca(cert: &Certificate, name: &str) -> std::result::Result<(), ChainError> {
    let ca = cert
        .tbs_certificate
        .extensions
        .iter()
        .flatten()
        .find(|e| e.extn_id == const_oid::db::rfc5280::ID_CE_BASIC_CONSTRAINTS)
        .and_then(|e| BasicConstraints::from_der(e.extn_value.as_bytes()).ok())
        .is_some_and(|b| b.ca);
    if ca {
        Ok(())
    } else {
        Err(ChainError::NotCa {
            name: name.to_string(),
        })
    }
}

pub(crate) fn valid_at(
    cert: &Certificate,
    time: DateTime<Utc>,
) -> std::result::Result<(), ChainError> {
    let validity = &cert.tbs_certificate.validity;
    let from = to_chrono(validity.not_before);
    let to = to_chrono(validity.not_after);
    if time < from || time > to {
        let format = |t: DateTime<Utc>| t.format("%Y-%m-%d %H:%M:%S UTC").to_string();
        return Err(ChainError::NotValidAt {
            name: cert.tbs_certificate.subject.to_string(),
            at: format(time),
            from: format(from),
            to: format(to),
        });
    }
    Ok(())
}

pub(crate) fn to_chrono(time: x509_cert::time::Time) -> DateTime<Utc> {
    let secs = time.to_unix_duration().as_secs();
    DateTime::from_timestamp(i64::try_from(secs).unwrap_or(i64::MAX), 0).unwrap_or_default()
}
