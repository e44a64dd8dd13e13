//! `mus::signature::inspect` on real signed guides: pyHanko signed them (see
//! tests/fixtures/signed/README.md). `MUS_SIGNED_FIXTURES=DIR` runs the same tests on a
//! freshly made set (scripts/signature-roundtrip.sh does that).

mod common;

use std::path::PathBuf;

use common::{LEADER, MANAGER};
use mus::signature::error::Error;
use mus::signature::{
    inspect, load_trust_anchors, Coverage, Inspection, Signature, SignatureStatus, Trust,
    TrustAnchor,
};

/// A signed fixture, or one of a fresh set (`MUS_SIGNED_FIXTURES`).
fn fixture(name: &str) -> PathBuf {
    common::signed(name)
}

fn anchors(name: &str) -> Vec<TrustAnchor> {
    load_trust_anchors(&fixture(name)).unwrap()
}

fn inspect_fixture(name: &str, anchors: &[TrustAnchor]) -> Inspection {
    let pdf = std::fs::read(fixture(name)).unwrap();
    inspect(&pdf, anchors).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn names(inspection: &Inspection) -> Vec<&str> {
    inspection.fields.iter().map(|f| f.name.as_str()).collect()
}

fn signed<'a>(inspection: &'a Inspection, field: &str) -> &'a Signature {
    let status = &inspection
        .fields
        .iter()
        .find(|f| f.name == field)
        .unwrap_or_else(|| panic!("no field {field}"))
        .status;
    match status {
        SignatureStatus::Signed(signature) => signature,
        other => panic!("{field} is not signed: {other:?}"),
    }
}

fn invalid_reason(inspection: &Inspection, field: &str) -> String {
    match &inspection
        .fields
        .iter()
        .find(|f| f.name == field)
        .unwrap()
        .status
    {
        SignatureStatus::Invalid { reason } => reason.clone(),
        other => panic!("{field} is not invalid: {other:?}"),
    }
}

#[test]
fn unsigned_guide_has_two_empty_signature_fields() {
    let inspection = inspect_fixture("unsigned.pdf", &[]);
    assert_eq!(names(&inspection), [LEADER, MANAGER]);
    assert!(inspection
        .fields
        .iter()
        .all(|f| matches!(f.status, SignatureStatus::Empty)));
}

#[test]
fn signed_leader_has_leader_signed_and_manager_empty() {
    let inspection = inspect_fixture("signed-leader.pdf", &[]);
    assert_eq!(names(&inspection), [LEADER, MANAGER]);
    let leader = signed(&inspection, LEADER);
    assert_eq!(leader.coverage, Coverage::WholeFile);
    assert_eq!(leader.trust, Trust::NotChecked);
    assert!(matches!(
        inspection.fields[1].status,
        SignatureStatus::Empty
    ));
}

#[test]
fn signed_both_has_two_intact_signatures() {
    let inspection = inspect_fixture("signed-both.pdf", &[]);
    assert_eq!(names(&inspection), [LEADER, MANAGER]);

    let leader = signed(&inspection, LEADER);
    assert!(
        leader.signer.contains("CN=Łukasz Øster-Ågård"),
        "{}",
        leader.signer
    );
    assert_eq!(leader.algorithm, "RSA PKCS#1 v1.5 with SHA-256");
    assert_eq!(leader.sub_filter, "adbe.pkcs7.detached");
    // The manager's signature came later: signing is an allowed change.
    assert_eq!(leader.coverage, Coverage::Signing);
    assert_eq!(leader.trust, Trust::NotChecked);

    let manager = signed(&inspection, MANAGER);
    assert!(
        manager.signer.contains("CN=Bodil Kjærgård"),
        "{}",
        manager.signer
    );
    assert_eq!(manager.algorithm, "ECDSA P-256 with SHA-256");
    assert_eq!(manager.sub_filter, "ETSI.CAdES.detached");
    assert_eq!(manager.coverage, Coverage::WholeFile);

    for s in [leader, manager] {
        let time = s.signing_time.expect("a signing time");
        assert!(time.timestamp() > 1_700_000_000, "{time}");
        assert_eq!(s.certificate_sha256.len(), 64);
        assert!(s.certificate_sha256.bytes().all(|b| b.is_ascii_hexdigit()));
    }
    assert_ne!(leader.certificate_sha256, manager.certificate_sha256);
    assert!(leader.signing_time <= manager.signing_time);
    assert!(leader.signed_bytes < manager.signed_bytes);
}

#[test]
fn signers_chaining_to_the_test_ca_are_trusted() {
    let inspection = inspect_fixture("signed-both.pdf", &anchors("ca.pem"));
    for field in [LEADER, MANAGER] {
        match &signed(&inspection, field).trust {
            Trust::Trusted { anchor } => assert!(anchor.contains("CN=MUS Test CA"), "{anchor}"),
            other => panic!("{field}: {other:?}"),
        }
    }
}

#[test]
fn signers_not_chaining_to_the_other_ca_are_untrusted_with_a_reason() {
    let inspection = inspect_fixture("signed-both.pdf", &anchors("other-ca.pem"));
    for field in [LEADER, MANAGER] {
        match &signed(&inspection, field).trust {
            Trust::Untrusted { reason } => {
                assert!(reason.contains("CN=MUS Test CA"), "{reason}");
                assert!(reason.contains("not one of the trust anchors"), "{reason}");
                assert!(reason.contains("CN=Other Test CA"), "{reason}");
            }
            other => panic!("{field}: {other:?}"),
        }
    }
}

#[test]
fn tampered_page_content_breaks_both_digests() {
    let inspection = inspect_fixture("signed-both-tampered.pdf", &anchors("ca.pem"));
    // The flipped byte lies in the first revision, which both signatures cover.
    for field in [LEADER, MANAGER] {
        let reason = invalid_reason(&inspection, field);
        assert!(reason.contains("digest"), "{reason}");
        assert!(reason.contains("changed after signing"), "{reason}");
    }
}

#[test]
fn an_annotation_added_after_signing_is_an_other_change() {
    let inspection = inspect_fixture("signed-both-then-edited.pdf", &[]);
    for field in [LEADER, MANAGER] {
        match &signed(&inspection, field).coverage {
            Coverage::OtherChanges { description } => {
                assert!(
                    description.contains(
                        "(/Page): its annotations changed (an entry that is not a new \
                         signature field was added)"
                    ),
                    "{description}"
                );
                assert!(!description.contains("Catalog"), "{description}");
            }
            other => panic!("{field}: {other:?}"),
        }
    }
}

#[test]
fn a_truncated_file_is_an_error_saying_it_was_cut_short() {
    let pdf = std::fs::read(fixture("truncated.pdf")).unwrap();
    let err = inspect(&pdf, &[]).unwrap_err();
    assert!(matches!(err, Error::UnreadablePdf { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!(
            "the file is not a readable PDF: it ends without %%EOF after {} bytes: it was cut short",
            pdf.len()
        )
    );
    assert!(err.hint().unwrap().contains("incomplete download"));
}

#[test]
fn a_pdf_without_a_form_has_no_fields() {
    assert!(inspect_fixture("not-a-guide.pdf", &[]).fields.is_empty());
}

#[test]
fn garbage_and_cut_files_never_panic() {
    let pdf = std::fs::read(fixture("signed-both.pdf")).unwrap();
    for len in [
        0,
        1,
        5,
        100,
        1000,
        pdf.len() / 2,
        pdf.len() - 10,
        pdf.len() - 1,
    ] {
        // Either an error or an answer; the last few bytes missing may still load.
        let _ = inspect(&pdf[..len], &[]);
    }
    assert!(inspect(b"not a pdf at all", &[]).is_err());
    let mut noisy = pdf.clone();
    for i in (0..noisy.len()).step_by(997) {
        noisy[i] ^= 0x55;
    }
    let _ = inspect(&noisy, &[]);
}

#[test]
fn signature_contents_that_are_not_der_give_a_reason() {
    // Overwrite the leader's /Contents hex digits with a valid-hex non-DER pattern.
    let mut pdf = std::fs::read(fixture("signed-leader.pdf")).unwrap();
    let start = find(&pdf, b"/Contents <").expect("a /Contents string") + b"/Contents <".len();
    for b in &mut pdf[start..start + 8] {
        *b = b'f';
    }
    let inspection = inspect(&pdf, &[]).unwrap();
    let reason = invalid_reason(&inspection, LEADER);
    assert!(reason.contains("/Contents"), "{reason}");
}

#[test]
fn an_absurd_byte_range_gives_a_reason() {
    // Same width, so the file's offsets stay right: "[ 0 " becomes "[ 9 ".
    let mut pdf = std::fs::read(fixture("signed-leader.pdf")).unwrap();
    let at = find(&pdf, b"/ByteRange [0 ")
        .map(|i| i + b"/ByteRange [".len())
        .or_else(|| find(&pdf, b"/ByteRange [ 0 ").map(|i| i + b"/ByteRange [ ".len()))
        .expect("a /ByteRange");
    pdf[at] = b'9';
    let inspection = inspect(&pdf, &[]).unwrap();
    let reason = invalid_reason(&inspection, LEADER);
    assert!(reason.contains("/ByteRange starts at byte 9"), "{reason}");
}

#[test]
fn trust_anchor_files_without_certificates_are_errors_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.pem");
    std::fs::write(&empty, "no certificates here\n").unwrap();
    let err = load_trust_anchors(&empty).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("{}: no certificate in the file", empty.display())
    );
    assert!(err.hint().unwrap().contains("BEGIN CERTIFICATE"));

    let garbled = dir.path().join("garbled.pem");
    std::fs::write(
        &garbled,
        "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    let err = load_trust_anchors(&garbled).unwrap_err().to_string();
    assert!(err.starts_with(&garbled.display().to_string()), "{err}");
    assert!(
        err.contains("PEM block 1 is not an X.509 certificate"),
        "{err}"
    );

    let missing = dir.path().join("missing.pem");
    assert!(load_trust_anchors(&missing).is_err());

    // Both committed anchors load, one certificate each.
    assert_eq!(anchors("ca.pem").len(), 1);
    assert_eq!(
        anchors("other-ca.pem")[0].subject,
        "CN=Other Test CA,O=Andet Firma"
    );
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[test]
fn a_field_filled_in_after_both_signatures_is_named_in_the_coverage() {
    let inspection = inspect_fixture("signed-both-then-filled-in.pdf", &[]);
    let filled = Coverage::SigningAndFormFilling {
        fields: vec!["plan.1.maal".into()],
    };
    assert_eq!(signed(&inspection, MANAGER).coverage, filled);
    assert_eq!(signed(&inspection, LEADER).coverage, filled);
}

#[test]
fn rsa_pss_and_ecdsa_p384_signatures_verify_and_chain_to_the_ca() {
    let ca = anchors("ca.pem");
    let inspection = inspect_fixture("signed-both-pss-p384.pdf", &ca);
    let leader = signed(&inspection, LEADER);
    assert!(
        leader.algorithm.starts_with("RSASSA-PSS"),
        "{}",
        leader.algorithm
    );
    assert_eq!(leader.coverage, Coverage::Signing);
    assert!(
        matches!(leader.trust, Trust::Trusted { .. }),
        "{:?}",
        leader.trust
    );
    let manager = signed(&inspection, MANAGER);
    assert!(
        manager.algorithm.starts_with("ECDSA P-384"),
        "{}",
        manager.algorithm
    );
    assert_eq!(manager.coverage, Coverage::WholeFile);
    assert!(
        matches!(manager.trust, Trust::Trusted { .. }),
        "{:?}",
        manager.trust
    );
    assert_ne!(leader.certificate_sha256, manager.certificate_sha256);
}

/// Issue 18, 7: what a certification permits, read from its DocMDP transform, and for
/// P=1 every later change, by revision.
#[test]
fn a_certification_says_what_it_permits_and_p1_names_every_later_signature() {
    use mus::signature::{ChangeKind, DocMdp, LaterChange};
    let dir = common::fixtures_or("MUS_ATTACK_FIXTURES", "attacks");
    let certification = |file: &str| {
        let pdf = std::fs::read(dir.join(file)).unwrap();
        let inspection = inspect(&pdf, &[]).unwrap();
        for field in [LEADER, MANAGER] {
            assert_eq!(signed(&inspection, field).certification, None, "{file}");
        }
        signed(&inspection, "Certificering")
            .certification
            .clone()
            .unwrap_or_else(|| panic!("{file}: no certification"))
    };
    let no_changes = certification("certified-no-changes.pdf");
    assert_eq!(no_changes.permissions, DocMdp::NoChanges);
    let signature = |revision, field: &str| LaterChange {
        revision,
        kind: ChangeKind::Signature {
            field: field.into(),
        },
    };
    assert_eq!(
        no_changes.forbidden,
        vec![signature(3, LEADER), signature(4, MANAGER)]
    );
    for (file, permissions) in [
        ("certified-form-filling.pdf", DocMdp::FormFilling),
        ("certified-first.pdf", DocMdp::FormFilling),
        ("certified-annotations.pdf", DocMdp::Annotations),
    ] {
        let c = certification(file);
        assert_eq!(
            (c.permissions, c.forbidden),
            (permissions, vec![]),
            "{file}"
        );
    }
}
