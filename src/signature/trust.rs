//! Trust: whether a signer's certificate chains to one of the certificates the archive
//! trusts, through the intermediates the signature carries.
//!
//! Deliberately small: issuer and subject names must match, every certificate's
//! signature must verify with its issuer's key, intermediates must be CA certificates,
//! and every certificate must be valid at the signing time (a signature timestamp's time
//! when there is one). The signer certificate's revocation status is checked against the
//! OCSP responses and CRLs the signature and the PDF carry (see [`super::revocation`]);
//! intermediates' status is not. No name or policy constraints, no key-usage checks on
//! the signer: an archive of a municipality's own signing service does not need them, and
//! a full path validator would (RFC 5280, 6).

use std::path::Path;

use chrono::{DateTime, Utc};
use der::Decode;
use x509_cert::Certificate;

pub use super::certs::ChainError;
use super::certs::{is_ca, issued_by, valid_at, Cert, MAX_CHAIN};
use super::revocation::{self, Revocation, RevocationData, SigningTime};
use super::Trust;
use crate::signature::error::{Error, Result};

/// A certificate the archive trusts: a signer certificate it issued (or it itself) is
/// trusted.
#[derive(Debug, Clone)]
pub struct TrustAnchor {
    pub certificate: Certificate,
    /// The certificate's subject, RFC 4514.
    pub subject: String,
    der: Vec<u8>,
}

impl TrustAnchor {
    /// A trust anchor from a certificate's DER.
    pub fn from_der(der: &[u8]) -> std::result::Result<Self, der::Error> {
        let certificate = Certificate::from_der(der)?;
        Ok(TrustAnchor {
            subject: certificate.tbs_certificate.subject.to_string(),
            certificate,
            der: der.to_vec(),
        })
    }
}

/// Reads every certificate of a PEM file (other PEM blocks, such as keys, are skipped).
pub fn load_trust_anchors(path: &Path) -> Result<Vec<TrustAnchor>> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let problem = |message: String| Error::TrustAnchors {
        path: path.to_path_buf(),
        message,
    };
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| problem("not a PEM file (it is not text)".into()))?;
    let mut anchors = Vec::new();
    for (number, block) in pem_blocks(text).into_iter().enumerate() {
        let (label, der) = der::pem::decode_vec(block.as_bytes())
            .map_err(|e| problem(format!("PEM block {} is garbled: {e}", number + 1)))?;
        if label != "CERTIFICATE" {
            continue;
        }
        let anchor = TrustAnchor::from_der(&der).map_err(|e| {
            problem(format!(
                "PEM block {} is not an X.509 certificate: {e}",
                number + 1
            ))
        })?;
        anchors.push(anchor);
    }
    if anchors.is_empty() {
        return Err(problem("no certificate in the file".into()));
    }
    Ok(anchors)
}

/// The `-----BEGIN …-----` … `-----END …-----` blocks of a PEM text.
fn pem_blocks(text: &str) -> Vec<&str> {
    let mut blocks = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("-----BEGIN ") {
        let after = &rest[start..];
        let Some(end) = after.find("-----END ") else {
            // An unterminated block: hand it on, so decoding says what is wrong.
            blocks.push(after);
            break;
        };
        let close = after[end + 9..]
            .find("-----")
            .map_or(after.len(), |i| end + 9 + i + 5);
        blocks.push(&after[..close]);
        rest = &after[close..];
    }
    blocks
}

/// Whether `signer` chains to one of `anchors` at `time`.
pub(crate) fn check(
    signer: &Cert<'_>,
    intermediates: &[Cert<'_>],
    anchors: &[TrustAnchor],
    time: DateTime<Utc>,
) -> Trust {
    if anchors.is_empty() {
        return Trust::NotChecked;
    }
    match chain(signer, intermediates, anchors, time) {
        Ok(found) => Trust::Trusted {
            anchor: found.anchor,
        },
        Err(reason) => Trust::Untrusted {
            reason: reason.to_string(),
        },
    }
}

/// [`check`] at `at` (a signature timestamp's time when there is one), and then the
/// revocation status, from `data`, of the signer's certificate (returned) and of each
/// intermediate on the way to the anchor. A revoked signer or intermediate is
/// [`Trust::Untrusted`], saying when and by what it was revoked; an intermediate without
/// data is not held against the signature. `intermediates` also serve as candidates for a
/// delegated OCSP responder.
pub(crate) fn check_with_revocation(
    signer: &Cert<'_>,
    intermediates: &[Cert<'_>],
    anchors: &[TrustAnchor],
    at: SigningTime,
    data: &RevocationData,
) -> (Trust, Revocation) {
    if anchors.is_empty() {
        return (Trust::NotChecked, Revocation::NotChecked);
    }
    let found = match chain(signer, intermediates, anchors, at.time) {
        Ok(found) => found,
        Err(reason) => {
            return (
                Trust::Untrusted {
                    reason: reason.to_string(),
                },
                Revocation::NotChecked,
            )
        }
    };
    let trusted = Trust::Trusted {
        anchor: found.anchor.clone(),
    };
    let Some((_, issuer)) = found.links.first() else {
        // The signer's certificate is itself an anchor: trusted as such, nothing to ask.
        return (trusted, Revocation::NotChecked);
    };
    let status = revocation::status(&signer.cert, issuer, data, intermediates, at);
    let since = |when: &DateTime<Utc>| {
        format!(
            "{}{}",
            when.format("%Y-%m-%d %H:%M:%S UTC"),
            if at.proven {
                format!(
                    ", before the timestamped signing time {}",
                    at.time.format("%Y-%m-%d %H:%M:%S UTC")
                )
            } else {
                ", and no signature timestamp proves the signature is older".to_string()
            }
        )
    };
    if let Revocation::Revoked { at: when, source } = &status {
        let reason = format!(
            "the signer's certificate {} was revoked on {} ({source} from its issuer says so)",
            signer.subject(),
            since(when)
        );
        return (Trust::Untrusted { reason }, status);
    }
    for (cert, issuer) in found.links.iter().skip(1) {
        if let Revocation::Revoked { at: when, source } =
            revocation::status(cert, issuer, data, intermediates, at)
        {
            let reason = format!(
                "the intermediate certificate {} in the signer's chain was revoked on {} \
                 ({source} from its issuer says so)",
                cert.tbs_certificate.subject,
                since(&when)
            );
            return (Trust::Untrusted { reason }, status);
        }
    }
    (trusted, status)
}

/// A chain that reached an anchor.
struct Found {
    /// The anchor's subject.
    anchor: String,
    /// Each certificate below the anchor with the certificate that issued it, the
    /// signer's first (none when the signer's certificate is an anchor itself).
    links: Vec<(Certificate, Certificate)>,
}

fn chain(
    signer: &Cert<'_>,
    intermediates: &[Cert<'_>],
    anchors: &[TrustAnchor],
    time: DateTime<Utc>,
) -> std::result::Result<Found, ChainError> {
    let mut current = (signer.der, &signer.cert);
    let mut links: Vec<(Certificate, Certificate)> = Vec::new();
    for _ in 0..MAX_CHAIN {
        let (der, cert) = current;
        valid_at(cert, time)?;
        if let Some(anchor) = anchors.iter().find(|a| a.der == der) {
            return Ok(Found {
                anchor: anchor.subject.clone(),
                links,
            });
        }
        let issuer = &cert.tbs_certificate.issuer;
        let name = cert.tbs_certificate.subject.to_string();
        // An anchor that issued it ends the chain.
        let from_anchor = anchors
            .iter()
            .filter(|a| a.certificate.tbs_certificate.subject == *issuer)
            .find(|a| issued_by(der, cert, &a.certificate).is_ok());
        if let Some(anchor) = from_anchor {
            valid_at(&anchor.certificate, time)?;
            links.push((cert.clone(), anchor.certificate.clone()));
            return Ok(Found {
                anchor: anchor.subject.clone(),
                links,
            });
        }
        // Otherwise an intermediate from the signature that issued it, and on up.
        let candidates: Vec<&Cert<'_>> = intermediates
            .iter()
            .filter(|c| c.cert.tbs_certificate.subject == *issuer && c.der != der)
            .collect();
        if candidates.is_empty() {
            return Err(if cert.tbs_certificate.subject == *issuer {
                ChainError::SelfSignedNotAnchor {
                    name,
                    anchors: anchor_names(anchors),
                }
            } else {
                ChainError::UnknownIssuer {
                    name,
                    issuer: issuer.to_string(),
                    anchors: anchor_names(anchors),
                }
            });
        }
        let mut last_error = None;
        let next = candidates.into_iter().find(|c| {
            match issued_by(der, cert, &c.cert).and_then(|()| is_ca(&c.cert, &c.subject())) {
                Ok(()) => true,
                Err(e) => {
                    last_error = Some(e);
                    false
                }
            }
        });
        match next {
            Some(next) => {
                links.push((cert.clone(), next.cert.clone()));
                current = (next.der, &next.cert);
            }
            // Every candidate was tried, so there is an error to tell.
            None => return Err(last_error.unwrap_or(ChainError::TooLong)),
        }
    }
    Err(ChainError::TooLong)
}

fn anchor_names(anchors: &[TrustAnchor]) -> String {
    anchors
        .iter()
        .map(|a| a.subject.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_blocks_are_split_and_labelled() {
        let text = "junk\n-----BEGIN A-----\nQUJD\n-----END A-----\nmore\n-----BEGIN B-----\nREVG\n-----END B-----\n";
        let blocks = pem_blocks(text);
        assert_eq!(blocks.len(), 2);
        assert!(blocks[0].starts_with("-----BEGIN A") && blocks[0].ends_with("-----END A-----"));
        assert!(blocks[1].starts_with("-----BEGIN B") && blocks[1].ends_with("-----END B-----"));
        assert_eq!(pem_blocks("-----BEGIN C-----\nQUJD\n").len(), 1);
        assert!(pem_blocks("no pem here").is_empty());
    }
}
