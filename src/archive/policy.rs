//! The archive's rule for "signed by both, unchanged since": which signatures a guide
//! carries, whose they are, and whether they let it in.
//!
//! A guide names the people who must sign it (its identity's signers: a slot — the
//! signature field the guide was made with — a role and a printed name). Each is signed
//! when its own field is signed, or — as Danish signing services do it (Penneo, Visma,
//! NemLog-in) — when a signature in a field the guide did not have is by a certificate in
//! that person's name. Other signatures (a service's seal, a certification signature) and
//! document timestamps are recorded but sign for nobody. Refused, always: a broken
//! signature or timestamp; a change after any signature beyond signing, form filling
//! before the last personal signature and validation data; two people's signatures made
//! with one key; a signature in one person's field by a certificate in another's name;
//! with trust anchors, an untrusted or revoked signer, or one whose name is nobody's.

use crate::matching::normalize;
use crate::signature::{Coverage, Inspection, Signature, SignatureStatus, Trust};

use super::index::{Status, StoredSignature};
use super::{Refusal, RequiredSigner, SignerRole};

/// How strictly `add` judges signatures.
pub struct Policy {
    /// Archive a guide signed on paper, or only partly signed, as `unsigned`.
    pub allow_unsigned: bool,
    /// Certificates signers must chain to; empty means signers are not checked.
    pub anchors: Vec<crate::signature::TrustAnchor>,
}

/// Whether a certificate's name is this person's: the same words, folded as names are
/// everywhere in mus (case, æ/ø/å or ae/oe/aa), possibly with more after them
/// ("Bodil Kjærgård (MitID)").
pub fn names_person(certificate_name: &str, person: &str) -> bool {
    let person = normalize(person);
    if person.is_empty() {
        return false;
    }
    let name = normalize(certificate_name);
    let words: String = name
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect();
    words == person
        || words
            .strip_prefix(&person)
            .is_some_and(|rest| rest.starts_with('-'))
}

fn who(signer: &RequiredSigner) -> String {
    match signer.role {
        SignerRole::Leader => "leader's".into(),
        SignerRole::Manager => "manager's".into(),
        SignerRole::Other => format!("{}'s", signer.label.to_lowercase()),
    }
}

/// "the leader's signature (underskrift.leder.underskrift)", or "the signature in X" for a
/// field that is nobody's slot.
pub(crate) fn label(field: &str, signers: &[RequiredSigner]) -> String {
    match signers.iter().find(|s| s.slot == field) {
        Some(signer) => format!("the {} signature ({field})", who(signer)),
        None => format!("the signature in {field}"),
    }
}

/// Decides whether a guide that needs `signers` is signed by them, and what to record.
pub fn judge(
    inspection: &Inspection,
    signers: &[RequiredSigner],
    policy: &Policy,
) -> Result<(Status, Vec<StoredSignature>), Refusal> {
    let trusting = !policy.anchors.is_empty();
    let mut broken: Vec<String> = Vec::new();
    let mut unsigned: Vec<String> = Vec::new();
    let slots: Vec<&str> = signers.iter().map(|s| s.slot.as_str()).collect();

    // Every signature and timestamp must be intact and cover the file.
    let label = |field: &str| label(field, signers);
    for field in &inspection.fields {
        match &field.status {
            SignatureStatus::Invalid { reason } => {
                broken.push(format!("{} is invalid: {reason}", label(&field.name)))
            }
            SignatureStatus::Signed(Signature {
                coverage: Coverage::OtherChanges { description },
                ..
            }) => broken.push(format!(
                "{} no longer covers the file: it was changed after signing ({description})",
                label(&field.name)
            )),
            SignatureStatus::Timestamp(t) => {
                if let Coverage::OtherChanges { description } = &t.coverage {
                    broken.push(format!(
                        "the document timestamp in {} no longer covers the file: it was \
                         changed after it ({description})",
                        field.name
                    ));
                }
            }
            _ => {}
        }
    }

    // Who signed for whom: the person's own field, else a new field in their name.
    let mut assigned: Vec<(&RequiredSigner, &str, &Signature)> = Vec::new();
    for signer in signers {
        let own = inspection.fields.iter().find(|f| f.name == signer.slot);
        let in_own_field = match own.map(|f| &f.status) {
            Some(SignatureStatus::Signed(s)) => Some((own.map(|f| f.name.as_str()), s)),
            _ => None,
        };
        let elsewhere = || {
            inspection
                .fields
                .iter()
                .filter(|f| !slots.contains(&f.name.as_str()))
                .find_map(|f| match &f.status {
                    SignatureStatus::Signed(s)
                        if !s.certification && names_person(&s.signer_name, &signer.name) =>
                    {
                        Some((Some(f.name.as_str()), s))
                    }
                    _ => None,
                })
        };
        match in_own_field.or_else(elsewhere) {
            Some((Some(field), s)) => assigned.push((signer, field, s)),
            _ => unsigned.push(match own.map(|f| &f.status) {
                None => format!(
                    "the {} signature field ({}) is missing (was the guide made with \
                     --no-form?)",
                    who(signer),
                    signer.slot,
                ),
                Some(SignatureStatus::Invalid { .. }) => continue,
                _ => format!(
                    "the {} signature field ({}) is empty",
                    who(signer),
                    signer.slot
                ),
            }),
        }
    }

    for &(signer, field, s) in &assigned {
        // A certificate in another signer's name, in this one's place.
        if !names_person(&s.signer_name, &signer.name) {
            if let Some(other) = signers
                .iter()
                .find(|o| o.slot != signer.slot && names_person(&s.signer_name, &o.name))
            {
                broken.push(format!(
                    "the {} signature ({field}) is by a certificate in the name of {} ({}), \
                     who signs as the {}",
                    who(signer),
                    other.name,
                    s.signer_name,
                    who(other).trim_end_matches("'s")
                ));
            } else if trusting && !signer.name.is_empty() {
                broken.push(format!(
                    "the {} signature ({field}) is by {}, who is not {} (nor anyone else who \
                     must sign)",
                    who(signer),
                    s.signer_name,
                    signer.name
                ));
            }
        }
        if let Trust::Untrusted { reason } = &s.trust {
            broken.push(format!(
                "the {} signer ({}, {field}) is not trusted: {reason}",
                who(signer),
                s.signer
            ));
        }
    }
    // Two people, two keys: a renewed certificate keeps its key.
    for (i, &(a, a_field, sa)) in assigned.iter().enumerate() {
        for &(b, b_field, sb) in &assigned[i + 1..] {
            if std::ptr::eq(sa, sb) {
                broken.push(format!(
                    "one signature ({a_field}) is counted for both the {} and the {}: each \
                     signs with their own",
                    who(a),
                    who(b)
                ));
            } else if sa.public_key_sha256 == sb.public_key_sha256 {
                broken.push(format!(
                    "the {} signature ({a_field}, {}) and the {} signature ({b_field}, {}) were \
                     made with the same key: each signs with their own",
                    who(a),
                    sa.signer,
                    who(b),
                    sb.signer
                ));
            }
        }
    }
    // Form filling after a signature is fine while a later personal signature covers it;
    // after the last one, nobody signed the answers as they now stand (a service's seal
    // signs for nobody).
    let last = assigned.iter().max_by_key(|(_, _, s)| s.signed_bytes);
    if let (true, Some((signer, field, s))) = (unsigned.is_empty(), last) {
        if let Coverage::SigningAndFormFilling { fields } = &s.coverage {
            broken.push(format!(
                "the form was filled in after the last signature, the {} ({field}), and no \
                 signature covers that: {} changed",
                who(signer),
                fields.join(", ")
            ));
        }
    }

    let stored = record(inspection, &assigned);
    if !broken.is_empty() {
        broken.extend(unsigned);
        return Err(Refusal::new(broken.join("; ")));
    }
    if unsigned.is_empty() {
        return Ok((Status::Signed, stored));
    }
    let others: Vec<String> = stored
        .iter()
        .filter(|s| s.role == "other")
        .map(|s| format!("{} ({})", s.signer_name, s.field))
        .collect();
    if !others.is_empty() {
        unsigned.push(format!(
            "it carries only other signatures, which sign for nobody who must sign: {}",
            others.join(", ")
        ));
    }
    if policy.allow_unsigned {
        Ok((Status::Unsigned, stored))
    } else {
        Err(Refusal {
            reason: unsigned.join("; "),
            unsigned_only: true,
        })
    }
}

/// What the index keeps of every signature and timestamp: who (for whom), when and
/// from where the time comes, with what, and what it covers — nothing of the answers.
fn record(
    inspection: &Inspection,
    assigned: &[(&RequiredSigner, &str, &Signature)],
) -> Vec<StoredSignature> {
    let time = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
    };
    inspection
        .fields
        .iter()
        .filter_map(|f| match &f.status {
            SignatureStatus::Signed(s) => {
                let role = assigned
                    .iter()
                    .find(|(_, field, _)| *field == f.name)
                    .map_or("other", |(signer, _, _)| signer.role.as_str());
                Some(StoredSignature {
                    field: f.name.clone(),
                    role: role.into(),
                    signer: s.signer.clone(),
                    signer_name: s.signer_name.clone(),
                    signing_time: time(s.signing_time),
                    time_source: s.time_source.as_str().into(),
                    algorithm: s.algorithm.clone(),
                    certificate_sha256: s.certificate_sha256.clone(),
                    coverage: s.coverage.as_str().into(),
                    trust: match &s.trust {
                        Trust::NotChecked => "not-checked".into(),
                        Trust::Trusted { anchor } => format!("trusted: {anchor}"),
                        Trust::Untrusted { reason } => format!("untrusted: {reason}"),
                    },
                    revocation: s.revocation.as_str().into(),
                })
            }
            SignatureStatus::Timestamp(t) => Some(StoredSignature {
                field: f.name.clone(),
                role: "document-timestamp".into(),
                signer: t.authority.clone(),
                signer_name: t.authority.clone(),
                signing_time: time(t.time),
                time_source: "timestamp".into(),
                algorithm: String::new(),
                certificate_sha256: String::new(),
                coverage: t.coverage.as_str().into(),
                trust: "not-checked".into(),
                revocation: "not-checked".into(),
            }),
            _ => None,
        })
        .collect()
}
