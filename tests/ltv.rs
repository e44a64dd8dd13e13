//! PAdES B-T/B-LT/B-LTA guides (tests/fixtures/ltv, made by scripts/make-ltv-fixtures.py)
//! through the public API: both personal signatures verify with their signature
//! timestamps, and a timestamp token changed inside the signature makes it invalid.
//! What the archive decides about each file is tested with the archive.

mod common;

use common::{LEADER, MANAGER};
use mus::signature::{inspect, load_trust_anchors, SignatureStatus};

/// id-ct-TSTInfo, DER-encoded with its tag and length.
const TST_INFO_OID: [u8; 13] = [
    0x06, 0x0B, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x10, 0x01, 0x04,
];

fn fixture(name: &str) -> Vec<u8> {
    common::read(&common::fixture("ltv").join(name))
}

fn status<'a>(inspection: &'a mus::signature::Inspection, field: &str) -> &'a SignatureStatus {
    &inspection
        .fields
        .iter()
        .find(|f| f.name == field)
        .unwrap_or_else(|| panic!("no field {field}"))
        .status
}

#[test]
fn both_personal_signatures_of_every_ltv_fixture_verify() {
    let anchors = load_trust_anchors(&common::fixture("ltv/root.pem")).unwrap();
    for name in [
        "b-t.pdf",
        "b-lt.pdf",
        "b-lta.pdf",
        "b-lt-adbe.pdf",
        "b-lt-revoked.pdf",
        "b-lt-revoked-ca.pdf",
    ] {
        let inspection = inspect(&fixture(name), &anchors).unwrap();
        for (field, who) in [(LEADER, "Łukasz Øster-Ågård"), (MANAGER, "Bodil Kjærgård")] {
            match status(&inspection, field) {
                SignatureStatus::Signed(signature) => {
                    assert!(
                        signature.signer.contains(who),
                        "{name} {field}: {}",
                        signature.signer
                    )
                }
                other => panic!("{name} {field}: {other:?}"),
            }
        }
    }
}

/// The length of the DER header at `b` and of the content after it.
fn der_header(b: &[u8]) -> (usize, usize) {
    match b[1] {
        n if n < 0x80 => (2, usize::from(n)),
        n => {
            let count = usize::from(n & 0x7F);
            let len = b[2..2 + count]
                .iter()
                .fold(0usize, |l, &x| l << 8 | usize::from(x));
            (2 + count, len)
        }
    }
}

#[test]
fn a_timestamp_token_changed_inside_the_signature_makes_it_invalid() {
    let mut pdf = fixture("b-t.pdf");
    // The manager's /Contents (the last signature: no other covers it): the hole between
    // the last /ByteRange's two stretches.
    let at = pdf.windows(11).rposition(|w| w == b"/ByteRange ").unwrap();
    let text = String::from_utf8_lossy(&pdf[at..at + 120]).into_owned();
    let numbers: Vec<usize> = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .take(4)
        .map(|s| s.parse().unwrap())
        .collect();
    let (hole_start, hole_end) = (numbers[1] + 1, numbers[2] - 1); // inside < and >
    let hex = std::str::from_utf8(&pdf[hole_start..hole_end]).unwrap();
    let cms: Vec<u8> = (0..hex.len() / 2)
        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    // The token's eContentType, then [0] { OCTET STRING { TSTInfo } }.
    let oid = cms
        .windows(TST_INFO_OID.len())
        .position(|w| w == TST_INFO_OID)
        .expect("a timestamp token in the signature");
    let explicit = oid + TST_INFO_OID.len();
    assert_eq!(cms[explicit], 0xA0);
    let octets = explicit + der_header(&cms[explicit..]).0;
    assert_eq!(cms[octets], 0x04);
    let (header, len) = der_header(&cms[octets..]);
    let last_of_tst_info = octets + header + len - 1;
    // Flip the TSTInfo's last byte in the hex, keeping the file's length.
    let offset = hole_start + 2 * last_of_tst_info;
    let flipped = format!("{:02X}", cms[last_of_tst_info] ^ 0x01);
    pdf[offset..offset + 2].copy_from_slice(flipped.as_bytes());

    let inspection = inspect(&pdf, &[]).unwrap();
    match status(&inspection, MANAGER) {
        SignatureStatus::Invalid { reason } => assert!(
            reason.contains("signature timestamp is not valid")
                && reason.contains("TSTInfo does not match the messageDigest"),
            "{reason}"
        ),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        status(&inspection, LEADER),
        SignatureStatus::Signed(_)
    ));
}
