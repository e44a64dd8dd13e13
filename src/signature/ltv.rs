//! A PDF signature's CMS judged as PAdES judges it: the signature value, its signature
//! timestamp (B-T), the chain at the time the timestamp proves, and the signer
//! certificate's revocation status from the signature's and the DSS's data (B-LT).
//! What the PDF around it says (`/ByteRange`, revisions, the DSS's place) is the
//! caller's.

use chrono::{DateTime, Utc};

use super::cms::Timestamp;
use super::cms::{self, CmsError};
use super::revocation::{Revocation, RevocationData, SigningTime};
use super::trust::{self, TrustAnchor};
use super::Trust;

/// Where a signature's signing time comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeSource {
    /// A verified signature timestamp's genTime.
    Timestamp,
    /// What the signer claims (the signed attribute signingTime, else the signature
    /// dictionary's /M).
    Claimed,
    /// Nothing says; the time of checking was used for the chain.
    None,
}

/// A verified PDF signature's CMS.
#[derive(Debug, Clone)]
pub struct CmsSignature {
    /// The signer certificate's subject, RFC 4514.
    pub signer: String,
    /// The signer certificate's DER.
    pub certificate: Vec<u8>,
    /// The signer certificate's SubjectPublicKeyInfo DER: two certificates on one key
    /// have the same.
    pub public_key: Vec<u8>,
    /// E.g. "RSA PKCS#1 v1.5 with SHA-256".
    pub algorithm: String,
    /// The signed attribute signingTime, else the `claimed` the caller passed.
    pub claimed_time: Option<DateTime<Utc>>,
    /// The verified signature timestamp, the earliest if several.
    pub timestamp: Option<Timestamp>,
    /// The timestamp's time if there is one, else the claimed time.
    pub signing_time: Option<DateTime<Utc>>,
    pub time_source: TimeSource,
    /// The signer's chain at `signing_time`, and the TSA's at genTime; Untrusted when
    /// the signer was revoked.
    pub trust: Trust,
    pub revocation: Revocation,
}

/// Verifies the detached CMS signature `cms` over `signed` (the `/ByteRange` stretches),
/// with its signature timestamp; with `anchors`, checks the chain and revocation using
/// the signature's own revocation data plus `extra` (the DSS's). `claimed` is the
/// signature dictionary's /M, used when the CMS has no signingTime.
///
/// `Err` when the signature or its timestamp does not verify: a present but broken
/// timestamp makes the signature invalid.
pub fn verify_pdf_signature(
    cms: &[u8],
    signed: &[&[u8]],
    anchors: &[TrustAnchor],
    extra: Option<&RevocationData>,
    claimed: Option<DateTime<Utc>>,
) -> Result<CmsSignature, CmsError> {
    let verified = cms::verify(cms, signed)?;
    let claimed_time = verified.signing_time.or(claimed);
    let (time, time_source) = match (&verified.timestamp, claimed_time) {
        (Some(t), _) => (t.time, TimeSource::Timestamp),
        (None, Some(c)) => (c, TimeSource::Claimed),
        (None, None) => (Utc::now(), TimeSource::None),
    };
    let mut data = verified.revocation.clone();
    if let Some(extra) = extra {
        data.extend(extra);
    }
    let at = SigningTime {
        time,
        proven: time_source == TimeSource::Timestamp,
    };
    let (mut trust, revocation) =
        trust::check_with_revocation(&verified.signer, &verified.certificates, anchors, at, &data);
    // A time the signer leans on must come from a TSA the archive trusts too.
    if let (Trust::Trusted { .. }, Some(timestamp)) = (&trust, &verified.timestamp) {
        if let Trust::Untrusted { reason } = timestamp.trust(anchors) {
            trust = Trust::Untrusted {
                reason: format!("its signature timestamp is not trusted: {reason}"),
            };
        }
    }
    let public_key =
        der::Encode::to_der(&verified.signer.cert.tbs_certificate.subject_public_key_info)
            .unwrap_or_default();
    Ok(CmsSignature {
        signer: verified.signer.subject(),
        certificate: verified.signer.der.to_vec(),
        public_key,
        algorithm: verified.algorithm,
        claimed_time,
        signing_time: (time_source != TimeSource::None).then_some(time),
        timestamp: verified.timestamp,
        time_source,
        trust,
        revocation,
    })
}

#[cfg(test)]
mod tests {
    //! Against the certomancer/pyHanko fixtures of tests/fixtures/ltv (see its README).

    use super::*;
    use crate::signature::byte_range::ByteRange;
    use crate::signature::cms::verify_document_timestamp;
    use crate::signature::raw;
    use crate::signature::revocation::{read_dss, RevocationSource};
    use lopdf::{Dictionary, Document, Object};
    use std::path::Path;

    const LEADER: &str = "Łukasz Øster-Ågård";
    const MANAGER: &str = "Bodil Kjærgård";

    fn fixture(name: &str) -> Vec<u8> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/ltv")
            .join(name);
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    fn anchors() -> Vec<TrustAnchor> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ltv/root.pem");
        crate::signature::load_trust_anchors(&path).unwrap()
    }

    /// Every signature dictionary in the file (signatures and document timestamps): its
    /// /Type, its CMS without padding, and the signed stretches of `pdf`.
    fn signatures(pdf: &[u8]) -> Vec<(String, Vec<u8>, ByteRange)> {
        signatures_with_m(pdf)
            .into_iter()
            .map(|(kind, cms, range, _)| (kind, cms, range))
            .collect()
    }

    /// [`signatures`] with each dictionary's /M.
    #[allow(clippy::type_complexity)]
    fn signatures_with_m(pdf: &[u8]) -> Vec<(String, Vec<u8>, ByteRange, Option<DateTime<Utc>>)> {
        let doc = crate::signature::parse(pdf).unwrap();
        let mut found = Vec::new();
        for object in doc.objects.values() {
            let Ok(dict) = object.as_dict() else { continue };
            let (Ok(range), Ok(contents)) = (dict.get(b"ByteRange"), dict.get(b"Contents")) else {
                continue;
            };
            let values: Vec<i64> = range
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_i64().unwrap())
                .collect();
            let range = ByteRange::from_values(&values, pdf).unwrap();
            let kind = dict
                .get(b"Type")
                .and_then(Object::as_name)
                .map(|n| String::from_utf8_lossy(n).into_owned())
                .unwrap_or_default();
            let cms = raw::trim_padding(contents.as_str().unwrap())
                .unwrap()
                .to_vec();
            let m = dict
                .get(b"M")
                .and_then(Object::as_str)
                .ok()
                .and_then(utc_pdf_date);
            found.push((kind, cms, range, m));
        }
        found.sort_by_key(|(_, _, r, _)| r.end());
        found
    }

    /// pyHanko's /M, `D:YYYYMMDDHHmmSS+00'00'` (UTC).
    fn utc_pdf_date(bytes: &[u8]) -> Option<DateTime<Utc>> {
        let text = std::str::from_utf8(bytes).ok()?.strip_prefix("D:")?;
        let (digits, zone) = text.split_at_checked(14)?;
        assert!(
            zone.is_empty() || zone.starts_with('Z') || zone.starts_with("+00"),
            "{zone}"
        );
        chrono::NaiveDateTime::parse_from_str(digits, "%Y%m%d%H%M%S")
            .ok()
            .map(|t| t.and_utc())
    }

    fn verify_all(
        pdf: &[u8],
        anchors: &[TrustAnchor],
        extra: Option<&RevocationData>,
    ) -> Vec<CmsSignature> {
        signatures_with_m(pdf)
            .into_iter()
            .filter(|(kind, _, _, _)| kind != "DocTimeStamp")
            .map(|(_, cms, range, m)| {
                verify_pdf_signature(&cms, &range.ranges(pdf), anchors, extra, m).unwrap()
            })
            .collect()
    }

    fn plausible(time: DateTime<Utc>) {
        let from = DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z").unwrap();
        assert!(
            time > from && time < Utc::now() + chrono::Duration::days(1),
            "{time}"
        );
    }

    #[test]
    fn b_t_signatures_carry_verified_timestamps_and_chain_at_their_time() {
        let pdf = fixture("b-t.pdf");
        let sigs = verify_all(&pdf, &anchors(), None);
        assert_eq!(sigs.len(), 2);
        assert!(sigs[0].signer.contains(LEADER), "{}", sigs[0].signer);
        assert!(sigs[1].signer.contains(MANAGER), "{}", sigs[1].signer);
        for sig in &sigs {
            let ts = sig.timestamp.as_ref().expect("a signature timestamp");
            plausible(ts.time);
            assert!(ts.tsa.contains("CN=MUS LTV Test TSA"), "{}", ts.tsa);
            assert_eq!(ts.imprint_algorithm, "SHA-256");
            assert_eq!(sig.time_source, TimeSource::Timestamp);
            assert_eq!(sig.signing_time, Some(ts.time));
            // The timestamp follows the claimed time within seconds.
            // PAdES has no signingTime attribute: the claim is the dictionary's /M.
            let claimed = sig.claimed_time.expect("/M");
            assert!((ts.time - claimed).num_seconds().abs() < 120);
            assert!(
                matches!(&sig.trust, Trust::Trusted { anchor } if anchor.contains("MUS LTV Test Root CA")),
                "{:?}",
                sig.trust
            );
            assert_eq!(sig.revocation, Revocation::NoData);
            assert_eq!(ts.trust(&anchors()), sig.trust);
        }
        // Without anchors nothing is judged, but the timestamp is still verified.
        let sigs = verify_all(&pdf, &[], None);
        assert!(sigs.iter().all(|s| s.trust == Trust::NotChecked
            && s.revocation == Revocation::NotChecked
            && s.timestamp.is_some()));
    }

    #[test]
    fn a_timestamp_from_a_tsa_outside_the_anchors_makes_the_signature_untrusted() {
        // The signers chain to the LTV root, the TSA's chain is cut off: only the
        // intermediate is an anchor, and it did not issue the TSA's certificate.
        let pdf = fixture("b-t.pdf");
        let (_, cms, range) = signatures(&pdf).remove(0);
        let verified = crate::signature::cms::verify(&cms, &range.ranges(&pdf)).unwrap();
        let intermediate = verified
            .certificates
            .iter()
            .find(|c| c.subject().contains("Intermediate CA"))
            .unwrap();
        let anchors = vec![TrustAnchor::from_der(intermediate.der).unwrap()];
        let sig = verify_pdf_signature(&cms, &range.ranges(&pdf), &anchors, None, None).unwrap();
        let Trust::Untrusted { reason } = &sig.trust else {
            panic!("{:?}", sig.trust)
        };
        assert!(
            reason.starts_with("its signature timestamp is not trusted: ")
                && reason.contains("MUS LTV Test Root CA"),
            "{reason}"
        );
    }

    #[test]
    fn b_lt_dss_parses_and_ocsp_says_good() {
        let pdf = fixture("b-lt.pdf");
        let doc = crate::signature::parse(&pdf).unwrap();
        let dss = read_dss(&doc).unwrap().expect("a DSS");
        assert_eq!(dss.data.ocsp_responses.len(), 2);
        assert!(!dss.data.crls.is_empty());
        assert!(!dss.data.certificates.is_empty());
        assert_eq!(dss.vri.len(), 2);
        assert!(
            dss.vri.keys().all(|k| k.len() == 40),
            "{:?}",
            dss.vri.keys()
        );
        let sigs = verify_all(&pdf, &anchors(), Some(&dss.data));
        assert_eq!(sigs.len(), 2);
        for sig in &sigs {
            assert_eq!(
                sig.revocation,
                Revocation::Good {
                    source: RevocationSource::Ocsp
                }
            );
            assert!(
                matches!(sig.trust, Trust::Trusted { .. }),
                "{:?}",
                sig.trust
            );
        }
        // Only the CRLs: the root's CRL is not about the signers (the intermediate issued
        // them), so there is no data about them.
        let crls_only = RevocationData {
            crls: dss.data.crls.clone(),
            ..Default::default()
        };
        let sigs = verify_all(&pdf, &anchors(), Some(&crls_only));
        assert!(sigs.iter().all(|s| s.revocation == Revocation::NoData));
    }

    #[test]
    fn adobe_style_revocation_data_inside_the_cms_is_used() {
        let pdf = fixture("b-lt-adbe.pdf");
        let doc = crate::signature::parse(&pdf).unwrap();
        assert_eq!(read_dss(&doc).unwrap(), None, "Adobe-style: no DSS");
        let sigs = verify_all(&pdf, &anchors(), None);
        assert_eq!(sigs.len(), 2);
        for sig in &sigs {
            assert!(sig.timestamp.is_some());
            assert_eq!(
                sig.revocation,
                Revocation::Good {
                    source: RevocationSource::Ocsp
                }
            );
            assert!(
                matches!(sig.trust, Trust::Trusted { .. }),
                "{:?}",
                sig.trust
            );
        }
        // The data is the signature's own: it came out of the CMS.
        let (_, cms, range) = signatures(&pdf).remove(0);
        let verified = crate::signature::cms::verify(&cms, &range.ranges(&pdf)).unwrap();
        assert!(!verified.revocation.ocsp_responses.is_empty());
    }

    #[test]
    fn b_lta_document_timestamp_covers_its_byte_range() {
        let pdf = fixture("b-lta.pdf");
        let all = signatures(&pdf);
        let (_, token, range) = all
            .iter()
            .find(|(kind, _, _)| kind == "DocTimeStamp")
            .expect("a document timestamp");
        // pyHanko adds the TSA's revocation data in one more DSS update after it.
        assert!(range.end() < pdf.len());
        let ts = verify_document_timestamp(token, &range.ranges(&pdf)).unwrap();
        plausible(ts.time);
        assert!(ts.tsa.contains("CN=MUS LTV Test TSA"));
        assert!(matches!(ts.trust(&anchors()), Trust::Trusted { .. }));
        let sigs = verify_all(&pdf, &anchors(), None);
        assert!(sigs
            .iter()
            .all(|s| s.timestamp.as_ref().is_some_and(|t| t.time <= ts.time)));
        // Over other bytes its imprint does not match.
        let err = verify_document_timestamp(token, &[&pdf[..100]]).unwrap_err();
        assert!(
            err.to_string()
                .contains("is not the SHA-256 digest of the byte ranges its /ByteRange names"),
            "{err}"
        );
        // A document timestamp is not a signature: as one, it carries its own content.
        let err = crate::signature::cms::verify(token, &range.ranges(&pdf))
            .err()
            .unwrap();
        assert!(err.to_string().contains("carries its own content"), "{err}");
    }

    #[test]
    fn revoked_signer_is_untrusted_by_ocsp_and_by_crl() {
        let pdf = fixture("b-lt-revoked.pdf");
        let doc = crate::signature::parse(&pdf).unwrap();
        let dss = read_dss(&doc).unwrap().expect("a DSS");
        let revoked_on = DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z").unwrap();
        let sigs = verify_all(&pdf, &anchors(), Some(&dss.data));
        assert!(
            matches!(sigs[0].trust, Trust::Trusted { .. }),
            "{:?}",
            sigs[0].trust
        );
        assert_eq!(
            sigs[0].revocation,
            Revocation::Good {
                source: RevocationSource::Ocsp
            }
        );
        assert_eq!(
            sigs[1].revocation,
            Revocation::Revoked {
                at: revoked_on.into(),
                source: RevocationSource::Ocsp
            }
        );
        let Trust::Untrusted { reason } = &sigs[1].trust else {
            panic!("{:?}", sigs[1].trust)
        };
        assert!(
            reason.contains(MANAGER)
                && reason.contains("was revoked on 2026-01-01 00:00:00 UTC")
                && reason.contains("before the timestamped signing time"),
            "{reason}"
        );
        // The intermediate's CRL alone says so too.
        let crls_only = RevocationData {
            crls: dss.data.crls.clone(),
            ..Default::default()
        };
        let sigs = verify_all(&pdf, &anchors(), Some(&crls_only));
        assert_eq!(
            sigs[1].revocation,
            Revocation::Revoked {
                at: revoked_on.into(),
                source: RevocationSource::Crl
            }
        );
        assert_eq!(
            sigs[0].revocation,
            Revocation::Good {
                source: RevocationSource::Crl
            }
        );
        // Without the DSS there is nothing to say it.
        let sigs = verify_all(&pdf, &anchors(), None);
        assert_eq!(sigs[1].revocation, Revocation::NoData);
        assert!(matches!(sigs[1].trust, Trust::Trusted { .. }));
    }

    #[test]
    fn a_signer_under_a_revoked_intermediate_is_untrusted() {
        let pdf = fixture("b-lt-revoked-ca.pdf");
        let doc = crate::signature::parse(&pdf).unwrap();
        let dss = read_dss(&doc).unwrap().expect("a DSS");
        let sigs = verify_all(&pdf, &anchors(), Some(&dss.data));
        // The leader's own certificate is good (its CA's CRL does not list it) ...
        assert_eq!(
            sigs[0].revocation,
            Revocation::Good {
                source: RevocationSource::Crl
            }
        );
        // ... but the root revoked that CA before the signature.
        let Trust::Untrusted { reason } = &sigs[0].trust else {
            panic!("{:?}", sigs[0].trust)
        };
        assert!(
            reason.starts_with(
                "the intermediate certificate CN=MUS LTV Test Revoked Intermediate CA"
            ) && reason.contains("was revoked on 2026-01-01 00:00:00 UTC")
                && reason.contains("a CRL from its issuer says so"),
            "{reason}"
        );
        assert!(
            matches!(sigs[1].trust, Trust::Trusted { .. }),
            "{:?}",
            sigs[1].trust
        );
        // Without the root's CRL nothing says so.
        let without_root_crl = RevocationData {
            crls: dss
                .data
                .crls
                .iter()
                .filter(|crl| {
                    let crl =
                        <x509_cert::crl::CertificateList as der::Decode>::from_der(crl).unwrap();
                    !crl.tbs_cert_list.issuer.to_string().contains("Root CA")
                })
                .cloned()
                .collect(),
            ..dss.data.clone()
        };
        assert_eq!(without_root_crl.crls.len(), dss.data.crls.len() - 1);
        let sigs = verify_all(&pdf, &anchors(), Some(&without_root_crl));
        assert!(
            matches!(sigs[0].trust, Trust::Trusted { .. }),
            "{:?}",
            sigs[0].trust
        );
    }

    #[test]
    fn a_revocation_after_a_proven_time_leaves_the_signature_but_not_after_a_claimed_one() {
        use crate::signature::revocation::{status, SigningTime};
        let pdf = fixture("b-lt-revoked.pdf");
        let doc = crate::signature::parse(&pdf).unwrap();
        let dss = read_dss(&doc).unwrap().unwrap();
        let (_, cms, range) = signatures(&pdf).remove(1);
        let verified = crate::signature::cms::verify(&cms, &range.ranges(&pdf)).unwrap();
        let issuer = verified
            .certificates
            .iter()
            .find(|c| c.subject().contains("Intermediate CA"))
            .expect("the intermediate in the signature");
        let before = DateTime::parse_from_rfc3339("2025-06-01T00:00:00Z")
            .unwrap()
            .into();
        let judge = |proven| {
            status(
                &verified.signer.cert,
                &issuer.cert,
                &dss.data,
                &verified.certificates,
                SigningTime {
                    time: before,
                    proven,
                },
            )
        };
        assert!(
            matches!(judge(true), Revocation::Good { .. }),
            "{:?}",
            judge(true)
        );
        assert!(
            matches!(judge(false), Revocation::Revoked { .. }),
            "{:?}",
            judge(false)
        );
    }

    #[test]
    fn revocation_data_signed_by_someone_else_does_not_count() {
        let pdf = fixture("b-lt-revoked.pdf");
        let doc = crate::signature::parse(&pdf).unwrap();
        let dss = read_dss(&doc).unwrap().unwrap();
        // Break each OCSP response's and CRL's signature value.
        use der::{Decode, Encode};
        let flip = |bits: &der::asn1::BitString| {
            let mut bytes = bits.raw_bytes().to_vec();
            bytes[10] ^= 0x01;
            der::asn1::BitString::from_bytes(&bytes).unwrap()
        };
        let spoil_ocsp = |der: &Vec<u8>| {
            let mut response = x509_ocsp::OcspResponse::from_der(der).unwrap();
            let bytes = response.response_bytes.as_mut().unwrap();
            let mut basic =
                x509_ocsp::BasicOcspResponse::from_der(bytes.response.as_bytes()).unwrap();
            basic.signature = flip(&basic.signature);
            bytes.response = der::asn1::OctetString::new(basic.to_der().unwrap()).unwrap();
            response.to_der().unwrap()
        };
        let spoil_crl = |der: &Vec<u8>| {
            let mut crl = x509_cert::crl::CertificateList::from_der(der).unwrap();
            crl.signature = flip(&crl.signature);
            crl.to_der().unwrap()
        };
        let spoiled = RevocationData {
            certificates: dss.data.certificates.clone(),
            ocsp_responses: dss.data.ocsp_responses.iter().map(spoil_ocsp).collect(),
            crls: dss.data.crls.iter().map(spoil_crl).collect(),
        };
        let sigs = verify_all(&pdf, &anchors(), Some(&spoiled));
        for sig in &sigs {
            let Revocation::Unverifiable { reason } = &sig.revocation else {
                panic!("{:?}", sig.revocation)
            };
            let reason = reason.to_string();
            assert!(
                reason.contains("does not verify")
                    || reason.contains("not signed")
                    || reason.contains("did not issue"),
                "{reason}"
            );
        }
    }

    #[test]
    fn a_tampered_timestamp_token_makes_the_signature_invalid() {
        let pdf = fixture("b-t.pdf");
        let (_, cms, range) = signatures(&pdf).remove(0);
        // Find the token's TSTInfo in the CMS and change its message imprint's last byte.
        let verified = crate::signature::cms::verify(&cms, &range.ranges(&pdf)).unwrap();
        assert!(verified.timestamp.is_some());
        let token_at = (0..cms.len())
            .find(|&i| {
                raw::read(&cms[i..]).is_some_and(|(tlv, _)| {
                    tlv.tag == 0x30 && raw::encapsulated_content(tlv.raw).is_some()
                }) && i > 0
            })
            .expect("the token inside the signature");
        let (token, _) = raw::read(&cms[token_at..]).unwrap();
        let tst = raw::encapsulated_content(token.raw).unwrap();
        let tst_at = token_at + token.raw.windows(tst.len()).position(|w| w == tst).unwrap();
        let fields = raw::children(raw::read(tst).unwrap().0.content).unwrap();
        let imprint = fields[2];
        let imprint_end =
            tst_at + (imprint.raw.as_ptr() as usize - tst.as_ptr() as usize) + imprint.raw.len();
        let mut tampered = cms.clone();
        tampered[imprint_end - 1] ^= 0x01;
        let err = crate::signature::cms::verify(&tampered, &range.ranges(&pdf))
            .err()
            .expect("refused");
        let text = err.to_string();
        assert!(
            text.starts_with("its signature timestamp is not valid: ")
                && text.contains("TSTInfo does not match the messageDigest"),
            "{text}"
        );
        // The same token over another signature value: the imprint does not match.
        let err =
            crate::signature::cms::verify_signature_timestamp(token.raw, b"other").unwrap_err();
        assert!(
            err.to_string()
                .contains("the signature value it timestamps"),
            "{err}"
        );
    }

    #[test]
    fn a_dss_item_that_is_not_what_its_array_says_is_refused() {
        let pdf = fixture("b-lt.pdf");
        let doc = crate::signature::parse(&pdf).unwrap();
        let dss = read_dss(&doc).unwrap().unwrap();
        use crate::signature::revocation::{check_dss_item, DssItemKind};
        let cert = &dss.data.certificates[0];
        assert!(check_dss_item(DssItemKind::Certificate, cert).is_ok());
        assert!(check_dss_item(DssItemKind::Crl, cert).is_err());
        assert!(check_dss_item(DssItemKind::OcspResponse, cert).is_err());
        assert!(check_dss_item(DssItemKind::OcspResponse, &dss.data.ocsp_responses[0]).is_ok());
        assert!(check_dss_item(DssItemKind::Crl, &dss.data.crls[0]).is_ok());
        let mut trailing = cert.clone();
        trailing.push(0);
        assert!(check_dss_item(DssItemKind::Certificate, &trailing).is_err());

        // A DSS whose /Certs holds a page's content stream.
        let mut doc = Document::with_version("1.7");
        let content = doc.add_object(lopdf::Stream::new(Dictionary::new(), b"BT ET".to_vec()));
        let dss =
            doc.add_object(lopdf::dictionary! { "Certs" => vec![Object::Reference(content)] });
        let catalog = doc.add_object(lopdf::dictionary! { "Type" => "Catalog", "DSS" => dss });
        doc.trailer.set("Root", catalog);
        let err = read_dss(&doc).unwrap_err().to_string();
        assert!(
            err.starts_with("item 0 of the /DSS /Certs is not a DER X.509 certificate"),
            "{err}"
        );
        // No DSS at all.
        let mut doc = Document::with_version("1.7");
        let catalog = doc.add_object(lopdf::dictionary! { "Type" => "Catalog" });
        doc.trailer.set("Root", catalog);
        assert_eq!(read_dss(&doc).unwrap(), None);
    }
}
