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
//! before the last personal signature and validation data; any change but validation data
//! and document timestamps after a certification that permits none (DocMDP P=1, which
//! forbids signing too); two people's signatures made
//! with one key; a signature in one person's field by a certificate in another's name;
//! with trust anchors, an untrusted or revoked signer, or one whose name is nobody's.

use crate::base::text::keys;
use crate::signature::{
    ChangeKind, Coverage, DocMdp, Inspection, Signature, SignatureStatus, Trust,
};

use super::index::{Status, StoredSignature};
use super::{Fault, Refusal, RequiredSigner, SignerRole};

/// How strictly `add` judges signatures.
pub struct Policy {
    /// Archive a guide signed on paper, or only partly signed, as `unsigned`.
    pub allow_unsigned: bool,
    /// Certificates signers must chain to; empty means signers are not checked.
    pub anchors: Vec<crate::signature::TrustAnchor>,
}

/// Whether a certificate's name is this person's: the same name, folded as names are
/// everywhere in mus (case, spaces and hyphens; æ/ø/å or ae/oe/aa; accents dropped from
/// Latin letters, Ł as L), with at most a parenthesised remark after it ("Bodil Kjærgård
/// (MitID)"). Letters of other scripts are kept as they are, so a Cyrillic "о" in a
/// Latin name is another name, and a name in Cyrillic matches only itself.
pub fn names_person(certificate_name: &str, person: &str) -> bool {
    let certificate_name = certificate_name.trim();
    let without_remark = certificate_name
        .strip_suffix(')')
        .and_then(|rest| rest.rsplit_once('('))
        .map_or(certificate_name, |(name, _)| name);
    // Both foldings (æ → ae and æ → a), each compared with its own kind.
    let fold = |text: &str| keys(text).map(|k| strip_latin_accents(&k));
    let (names, people) = (fold(without_remark), fold(person));
    !people[0].is_empty() && (names[0] == people[0] || names[1] == people[1])
}

/// Drops combining accents from Latin letters (é → e) and spells out the Latin letters
/// that do not decompose (ł → l, đ → d, ß → ss, œ → oe, þ → th); every other character
/// stays as it is.
fn strip_latin_accents(text: &str) -> String {
    use unicode_normalization::char::is_combining_mark;
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::with_capacity(text.len());
    for c in text.nfd() {
        match c {
            'ł' => out.push('l'),
            'đ' => out.push('d'),
            'ß' => out.push_str("ss"),
            'œ' => out.push_str("oe"),
            'þ' => out.push_str("th"),
            c if is_combining_mark(c) => {}
            c => out.push(c),
        }
    }
    out
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

/// A required signer, the field whose signature signs for them, and that signature.
type Assigned<'a> = (&'a RequiredSigner, &'a str, &'a Signature);

/// Decides whether a guide that needs `signers` is signed by them, and what to record.
///
/// Two lists are kept apart: what is broken (refused whatever the policy) and what is
/// missing (refused unless `allow_unsigned`). Each check adds to them in the order the
/// reasons are reported.
pub fn judge(
    inspection: &Inspection,
    signers: &[RequiredSigner],
    policy: &Policy,
) -> Result<(Status, Vec<StoredSignature>), Refusal> {
    let trusting = !policy.anchors.is_empty();
    let mut unsigned: Vec<String> = Vec::new();
    if signers.is_empty() {
        unsigned.push(
            "the guide names nobody who must sign it (its template has no `signatures` \
             directive with a name=)"
                .to_string(),
        );
    }

    let mut broken = not_intact(inspection, signers);
    let of = |fault: Fault| move |reason: String| (fault, reason);
    broken.extend(
        forbidden_by_certifications(inspection, signers)
            .into_iter()
            .map(of(Fault::ForbiddenByCertification)),
    );
    let (assigned, missing) = assign(inspection, signers);
    unsigned.extend(missing);
    broken.extend(wrong_signers(&assigned, signers, trusting));
    broken.extend(shared_keys(&assigned).into_iter().map(of(Fault::SharedKey)));
    broken.extend(unaccounted(inspection, &assigned));
    if unsigned.is_empty() {
        broken.extend(filled_after_last_signature(&assigned).map(of(Fault::FilledInAfterSigning)));
    }

    let stored = record(inspection, &assigned);
    verdict(broken, unsigned, stored, policy)
}

/// Every signature and timestamp must be intact and cover the file.
fn not_intact(inspection: &Inspection, signers: &[RequiredSigner]) -> Vec<(Fault, String)> {
    let mut broken = Vec::new();
    let label = |field: &str| label(field, signers);
    for field in &inspection.fields {
        match &field.status {
            SignatureStatus::Invalid { reason } => broken.push((
                Fault::InvalidSignature,
                format!("{} is invalid: {reason}", label(&field.name)),
            )),
            SignatureStatus::Signed(Signature {
                coverage: Coverage::OtherChanges { description },
                ..
            }) => broken.push((
                Fault::ChangedAfterSigning,
                format!(
                    "{} no longer covers the file: it was changed after signing ({description})",
                    label(&field.name)
                ),
            )),
            SignatureStatus::Timestamp(t) => {
                if let Coverage::OtherChanges { description } = &t.coverage {
                    broken.push((
                        Fault::ChangedAfterSigning,
                        format!(
                            "the document timestamp in {} no longer covers the file: it was \
                         changed after it ({description})",
                            field.name
                        ),
                    ));
                }
            }
            _ => {}
        }
    }
    broken
}

/// A certification that permits no changes (P=1) forbids signing after it too.
fn forbidden_by_certifications(inspection: &Inspection, signers: &[RequiredSigner]) -> Vec<String> {
    let mut broken = Vec::new();
    for field in &inspection.fields {
        if let SignatureStatus::Signed(s) = &field.status {
            if let Some(refusal) = forbidden_by_certification(&field.name, s, inspection, signers) {
                broken.push(refusal);
            }
        }
    }
    broken
}

/// Who signed for whom: the person's own field, else a new field in their name. Returns
/// the signers who signed, and why each of the others did not (nothing for a signer
/// whose own field holds an invalid signature: that is reported as broken).
fn assign<'a>(
    inspection: &'a Inspection,
    signers: &'a [RequiredSigner],
) -> (Vec<Assigned<'a>>, Vec<String>) {
    let slots: Vec<&str> = signers.iter().map(|s| s.slot.as_str()).collect();
    let mut assigned: Vec<Assigned> = Vec::new();
    let mut unsigned: Vec<String> = Vec::new();
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
                        if s.certification.is_none()
                            && names_person(&s.signer_name, &signer.name) =>
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
    (assigned, unsigned)
}

/// Each signature by the person it signs for: not a certificate in another signer's
/// name in this one's place, and with trust anchors, by this very person and trusted.
fn wrong_signers(
    assigned: &[Assigned],
    signers: &[RequiredSigner],
    trusting: bool,
) -> Vec<(Fault, String)> {
    let mut broken = Vec::new();
    for &(signer, field, s) in assigned {
        // A certificate in another signer's name, in this one's place.
        if !names_person(&s.signer_name, &signer.name) {
            if let Some(other) = signers
                .iter()
                .find(|o| o.slot != signer.slot && names_person(&s.signer_name, &o.name))
            {
                broken.push((
                    Fault::WrongSigner,
                    format!(
                        "the {} signature ({field}) is by a certificate in the name of {} ({}), \
                     who signs as the {}",
                        who(signer),
                        other.name,
                        s.signer_name,
                        who(other).trim_end_matches("'s")
                    ),
                ));
            } else if trusting && !signer.name.is_empty() {
                broken.push((
                    Fault::WrongSigner,
                    format!(
                        "the {} signature ({field}) is by {}, who is not {} (nor anyone else who \
                     must sign)",
                        who(signer),
                        s.signer_name,
                        signer.name
                    ),
                ));
            } else if trusting {
                broken.push((
                    Fault::WrongSigner,
                    format!(
                        "the guide does not name its {} (it was made without that name), so \
                     --trust cannot check that {} is who signed ({field}); make the guide with \
                     the name",
                        signer.label.to_lowercase(),
                        s.signer_name
                    ),
                ));
            }
        }
        if let Trust::Untrusted { reason } = &s.trust {
            broken.push((
                Fault::NotTrusted,
                format!(
                    "the {} signer ({}, {field}) is not trusted: {reason}",
                    who(signer),
                    s.signer
                ),
            ));
        }
    }
    broken
}

/// Two people, two keys: a renewed certificate keeps its key.
fn shared_keys(assigned: &[Assigned]) -> Vec<String> {
    let mut broken = Vec::new();
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
    broken
}

/// Every other signature and timestamp: with trust anchors, trusted too (a service's
/// seal must chain to an anchor like the people do); after the last personal signature,
/// invisible — nobody who must sign covers what it draws.
fn unaccounted(inspection: &Inspection, assigned: &[Assigned]) -> Vec<(Fault, String)> {
    let mut broken = Vec::new();
    let last_personal = assigned.iter().map(|(_, _, s)| s.signed_bytes).max();
    for field in &inspection.fields {
        if assigned.iter().any(|(_, f, _)| *f == field.name) {
            continue;
        }
        let (trust, visible, signed_bytes, what) = match &field.status {
            SignatureStatus::Signed(s) => (&s.trust, s.visible, s.signed_bytes, "signature"),
            SignatureStatus::Timestamp(t) => {
                (&t.trust, t.visible, t.signed_bytes, "document timestamp")
            }
            _ => continue,
        };
        if let Trust::Untrusted { reason } = trust {
            broken.push((
                Fault::NotTrusted,
                format!("the {what} in {} is not trusted: {reason}", field.name),
            ));
        }
        if visible && last_personal.is_none_or(|last| signed_bytes > last) {
            broken.push((
                Fault::Unaccounted,
                format!(
                    "the {what} in {} was made after the last personal signature and draws on \
                 the page (or acts), which nobody who must sign covers",
                    field.name
                ),
            ));
        }
    }
    broken
}

/// Form filling after a signature is fine while a later personal signature covers it;
/// after the last one, nobody signed the answers as they now stand (a service's seal
/// signs for nobody). Asked only when every required signer signed.
fn filled_after_last_signature(assigned: &[Assigned]) -> Option<String> {
    let (signer, field, s) = assigned.iter().max_by_key(|(_, _, s)| s.signed_bytes)?;
    match &s.coverage {
        Coverage::SigningAndFormFilling { fields } => Some(format!(
            "the form was filled in after the last signature, the {} ({field}), and no \
             signature covers that: {} changed",
            who(signer),
            fields.join(", ")
        )),
        _ => None,
    }
}

/// The outcome: refused for anything broken (the missing signatures named after it);
/// otherwise signed, or — with `allow_unsigned` — archived as unsigned when a signature
/// is missing.
fn verdict(
    broken: Vec<(Fault, String)>,
    mut unsigned: Vec<String>,
    stored: Vec<StoredSignature>,
    policy: &Policy,
) -> Result<(Status, Vec<StoredSignature>), Refusal> {
    if let Some(&(fault, _)) = broken.first() {
        let mut reasons: Vec<String> = broken.into_iter().map(|(_, r)| r).collect();
        reasons.extend(unsigned);
        return Err(Refusal::new(fault, reasons.join("; ")));
    }
    if unsigned.is_empty() {
        return Ok((Status::Signed, stored));
    }
    let others: Vec<String> = stored
        .iter()
        .filter(|s| s.role == "extra")
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
        Err(Refusal::new(Fault::Unsigned, unsigned.join("; ")))
    }
}

/// Why a guide is refused when `s` (in `field`) is a certification that permits no
/// changes and the file was changed after it; `None` otherwise.
fn forbidden_by_certification(
    field: &str,
    s: &Signature,
    inspection: &Inspection,
    signers: &[RequiredSigner],
) -> Option<String> {
    let certification = s.certification.as_ref()?;
    if certification.permissions != DocMdp::NoChanges || certification.forbidden.is_empty() {
        return None;
    }
    // What each later revision did, in order: "revision 3 of 4 adds … and fills in …".
    let mut revisions: Vec<(usize, Vec<String>)> = Vec::new();
    for change in &certification.forbidden {
        let what = match &change.kind {
            ChangeKind::Signature { field } => format!("adds {}", label(field, signers)),
            ChangeKind::FormFilling { fields } => format!("fills in {}", fields.join(", ")),
            ChangeKind::NewField { field } => format!("adds the field {field}"),
            ChangeKind::Other { description } => format!("changes the file ({description})"),
        };
        match revisions.last_mut() {
            Some((revision, whats)) if *revision == change.revision => whats.push(what),
            _ => revisions.push((change.revision, vec![what])),
        }
    }
    let changes: Vec<String> = revisions
        .into_iter()
        .map(|(revision, whats)| {
            format!(
                "revision {revision} of {} {}",
                inspection.revisions,
                whats.join(" and ")
            )
        })
        .collect();
    Some(format!(
        "the certification signature in {field} by {} permits no changes (DocMDP P=1), not \
         even signatures, yet the file was changed after it: {}; a guide that is to be signed \
         after it is certified must be certified with P=2 (form filling and signing allowed)",
        s.signer_name,
        changes.join(", then ")
    ))
}

/// What the index keeps of every signature and timestamp: who (for whom), when and
/// from where the time comes, with what, and what it covers — nothing of the answers.
fn record(inspection: &Inspection, assigned: &[Assigned]) -> Vec<StoredSignature> {
    use super::stored::{StoredRevocation, StoredRole, StoredTimeSource, StoredTrust};
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
                    .map_or(StoredRole::Extra, |(signer, _, _)| signer.role.into());
                Some(StoredSignature {
                    field: f.name.clone(),
                    role,
                    signer: s.signer.clone(),
                    signer_name: s.signer_name.clone(),
                    signing_time: time(s.signing_time),
                    time_source: s.time_source.into(),
                    algorithm: s.algorithm.clone(),
                    certificate_sha256: s.certificate_sha256.clone(),
                    coverage: (&s.coverage).into(),
                    trust: (&s.trust).into(),
                    revocation: (&s.revocation).into(),
                })
            }
            SignatureStatus::Timestamp(t) => Some(StoredSignature {
                field: f.name.clone(),
                role: StoredRole::DocumentTimestamp,
                signer: t.authority.clone(),
                signer_name: t.authority.clone(),
                signing_time: time(t.time),
                time_source: StoredTimeSource::Timestamp,
                algorithm: String::new(),
                certificate_sha256: String::new(),
                coverage: (&t.coverage).into(),
                trust: StoredTrust::NotChecked,
                revocation: StoredRevocation::NotChecked,
            }),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::{LEADER_SLOT as LEADER_FIELD, MANAGER_SLOT as MANAGER_FIELD};
    use crate::signature::{Certification, LaterChange, Revocation, SignatureField, TimeSource};

    const LEADER: &str = "Łukasz Øster-Ågård";
    const MANAGER: &str = "Bodil Kjærgård";

    fn signers() -> Vec<RequiredSigner> {
        vec![
            RequiredSigner {
                slot: LEADER_FIELD.into(),
                role: SignerRole::Leader,
                label: "Leder".into(),
                name: LEADER.into(),
            },
            RequiredSigner {
                slot: MANAGER_FIELD.into(),
                role: SignerRole::Manager,
                label: "Leders leder".into(),
                name: MANAGER.into(),
            },
        ]
    }

    /// A signature by `name` with key `key`, signing the first `bytes` bytes.
    fn by(name: &str, key: &str, bytes: usize, coverage: Coverage) -> SignatureStatus {
        SignatureStatus::Signed(Signature {
            signer: format!("CN={name},O=MUS Test Kommune"),
            signer_name: name.into(),
            signing_time: chrono::DateTime::from_timestamp(1_800_000_000, 0),
            time_source: TimeSource::Claimed,
            algorithm: "ECDSA P-256 with SHA-256".into(),
            certificate_sha256: format!("cert-of-{key}-{bytes}"),
            public_key_sha256: format!("key-{key}"),
            coverage,
            trust: Trust::NotChecked,
            revocation: Revocation::NotChecked,
            certification: None,
            visible: false,
            sub_filter: "ETSI.CAdES.detached".into(),
            signed_bytes: bytes,
        })
    }

    fn file(fields: Vec<(&str, SignatureStatus)>) -> Inspection {
        Inspection {
            revisions: fields.len() + 1,
            fields: fields
                .into_iter()
                .map(|(name, status)| SignatureField {
                    name: name.into(),
                    status,
                })
                .collect(),
        }
    }

    fn policy(allow_unsigned: bool, trusting: bool) -> Policy {
        let anchors = if trusting {
            let pem = std::fs::read(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fixtures/signed/ca.pem"
            ))
            .unwrap();
            let (_, der) = der::pem::decode_vec(&pem).unwrap();
            vec![crate::signature::TrustAnchor::from_der(&der).unwrap()]
        } else {
            Vec::new()
        };
        Policy {
            allow_unsigned,
            anchors,
        }
    }

    #[test]
    fn names_fold_case_and_danish_letters_and_allow_a_suffix() {
        assert!(names_person("BODIL KJAERGAARD", MANAGER));
        assert!(names_person("Bodil Kjærgård (MitID)", MANAGER));
        assert!(names_person("LUKASZ OESTER-AAGAARD", LEADER));
        assert!(names_person("Lukasz Oster-Agard", LEADER));
        assert!(!names_person("Bodil Kjærgårdsen", MANAGER));
        assert!(!names_person("Bodil", MANAGER));
        assert!(!names_person("Bodil Kjærgård", ""));
    }

    #[test]
    fn both_own_fields_signed_is_signed_with_roles() {
        let i = file(vec![
            (LEADER_FIELD, by(LEADER, "a", 100, Coverage::Signing)),
            (MANAGER_FIELD, by(MANAGER, "b", 200, Coverage::WholeFile)),
        ]);
        let (status, stored) = judge(&i, &signers(), &policy(false, false)).unwrap();
        assert_eq!(status, Status::Signed);
        let roles: Vec<&str> = stored.iter().map(|s| s.role.as_str()).collect();
        assert_eq!(roles, ["leader", "manager"]);
        assert_eq!(stored[0].time_source, "claimed");
        assert_eq!(stored[1].coverage, "whole-file");
    }

    #[test]
    fn signatures_in_fields_of_their_own_count_by_the_certificates_name() {
        let i = file(vec![
            (LEADER_FIELD, SignatureStatus::Empty),
            (MANAGER_FIELD, SignatureStatus::Empty),
            (
                "Signature1",
                by("LUKASZ OESTER-AAGAARD", "a", 100, Coverage::Signing),
            ),
            ("Signature2", by(MANAGER, "b", 200, Coverage::Signing)),
            ("Seal", by("Penneo A/S Seal", "p", 300, Coverage::WholeFile)),
        ]);
        let (status, stored) = judge(&i, &signers(), &policy(false, false)).unwrap();
        assert_eq!(status, Status::Signed);
        let roles: Vec<(&str, &str)> = stored
            .iter()
            .map(|s| (s.field.as_str(), s.role.as_str()))
            .collect();
        assert_eq!(
            roles,
            [
                ("Signature1", "leader"),
                ("Signature2", "manager"),
                ("Seal", "extra")
            ]
        );
    }

    /// A certification by Sønderborg Kommune permitting `permissions`, over the first
    /// 50 bytes, with `forbidden` after it.
    fn certified(permissions: DocMdp, forbidden: Vec<LaterChange>) -> SignatureStatus {
        let SignatureStatus::Signed(mut s) = by("Sønderborg Kommune", "k", 50, Coverage::Signing)
        else {
            unreachable!()
        };
        s.certification = Some(Certification {
            permissions,
            forbidden,
        });
        SignatureStatus::Signed(s)
    }

    #[test]
    fn a_certification_permitting_no_changes_refuses_what_came_after_it_by_revision() {
        let signing = |revision, field: &str| LaterChange {
            revision,
            kind: ChangeKind::Signature {
                field: field.into(),
            },
        };
        let filling = LaterChange {
            revision: 3,
            kind: ChangeKind::FormFilling {
                fields: vec!["plan.1.maal".into(), "plan.1.handling".into()],
            },
        };
        let forbidden = vec![signing(3, LEADER_FIELD), filling, signing(4, MANAGER_FIELD)];
        let i = file(vec![
            ("Certificering", certified(DocMdp::NoChanges, forbidden)),
            (LEADER_FIELD, by(LEADER, "a", 100, Coverage::Signing)),
            (MANAGER_FIELD, by(MANAGER, "b", 200, Coverage::WholeFile)),
        ]);
        let refusal = judge(&i, &signers(), &policy(false, false)).unwrap_err();
        assert_eq!(
            refusal.reason,
            "the certification signature in Certificering by Sønderborg Kommune permits no \
             changes (DocMDP P=1), not even signatures, yet the file was changed after it: \
             revision 3 of 4 adds the leader's signature (underskrift.leder.underskrift) and \
             fills in plan.1.maal, plan.1.handling, then revision 4 of 4 adds the manager's \
             signature (underskrift.leders-leder.underskrift); a guide that is to be signed after \
             it is certified must be certified with P=2 (form filling and signing allowed)"
        );
        assert!(!refusal.unsigned_only());
    }

    #[test]
    fn a_certification_permitting_form_filling_or_annotations_lets_both_sign() {
        for permissions in [DocMdp::FormFilling, DocMdp::Annotations] {
            let i = file(vec![
                ("Certificering", certified(permissions, Vec::new())),
                (LEADER_FIELD, by(LEADER, "a", 100, Coverage::Signing)),
                (MANAGER_FIELD, by(MANAGER, "b", 200, Coverage::WholeFile)),
            ]);
            let (status, stored) = judge(&i, &signers(), &policy(false, false)).unwrap();
            assert_eq!(status, Status::Signed);
            assert_eq!(stored[0].role.as_str(), "extra");
        }
    }

    #[test]
    fn a_seal_alone_signs_for_nobody() {
        let i = file(vec![
            (LEADER_FIELD, SignatureStatus::Empty),
            (MANAGER_FIELD, SignatureStatus::Empty),
            ("Seal", by("Penneo A/S Seal", "p", 300, Coverage::WholeFile)),
        ]);
        let refusal = judge(&i, &signers(), &policy(false, false)).unwrap_err();
        assert!(refusal.unsigned_only());
        assert!(
            refusal.reason.ends_with(
                "it carries only other signatures, which sign for nobody who must sign: \
                 Penneo A/S Seal (Seal)"
            ),
            "{}",
            refusal.reason
        );
        let (status, stored) = judge(&i, &signers(), &policy(true, false)).unwrap();
        assert_eq!(status, Status::Unsigned);
        assert_eq!(stored[0].signer_name, "Penneo A/S Seal");
        assert_eq!(stored[0].role, "extra");
    }

    #[test]
    fn one_key_for_two_people_is_refused_even_with_renewed_certificates() {
        let i = file(vec![
            (LEADER_FIELD, by(LEADER, "same", 100, Coverage::Signing)),
            (MANAGER_FIELD, by(MANAGER, "same", 200, Coverage::WholeFile)),
        ]);
        let refusal = judge(&i, &signers(), &policy(true, false)).unwrap_err();
        assert!(!refusal.unsigned_only());
        assert_eq!(
            refusal.reason,
            "the leader's signature (underskrift.leder.underskrift, CN=Łukasz Øster-Ågård,O=MUS \
             Test Kommune) and the manager's signature (underskrift.leders-leder.underskrift, \
             CN=Bodil Kjærgård,O=MUS Test Kommune) were made with the same key: each signs \
             with their own"
        );
    }

    #[test]
    fn a_certificate_in_the_other_persons_name_is_refused() {
        let i = file(vec![
            (LEADER_FIELD, by(MANAGER, "m2", 100, Coverage::Signing)),
            (MANAGER_FIELD, by(MANAGER, "m", 200, Coverage::WholeFile)),
        ]);
        let refusal = judge(&i, &signers(), &policy(false, false)).unwrap_err();
        assert_eq!(
            refusal.reason,
            "the leader's signature (underskrift.leder.underskrift) is by a certificate in the \
             name of Bodil Kjærgård (Bodil Kjærgård), who signs as the manager"
        );
    }

    #[test]
    fn a_stranger_is_accepted_without_trust_anchors_and_refused_with_them() {
        let i = file(vec![
            (
                LEADER_FIELD,
                by("Mallory Madsen", "x", 100, Coverage::Signing),
            ),
            (MANAGER_FIELD, by(MANAGER, "m", 200, Coverage::WholeFile)),
        ]);
        assert!(judge(&i, &signers(), &policy(false, false)).is_ok());
        let refusal = judge(&i, &signers(), &policy(false, true)).unwrap_err();
        assert_eq!(
            refusal.reason,
            "the leader's signature (underskrift.leder.underskrift) is by Mallory Madsen, who is \
             not Łukasz Øster-Ågård (nor anyone else who must sign)"
        );
    }

    #[test]
    fn filling_after_the_last_personal_signature_is_refused_even_under_a_seal() {
        let filled = Coverage::SigningAndFormFilling {
            fields: vec!["plan.1.maal".into()],
        };
        let i = file(vec![
            (LEADER_FIELD, by(LEADER, "a", 100, filled.clone())),
            (MANAGER_FIELD, by(MANAGER, "b", 200, filled)),
            ("Seal", by("Penneo A/S Seal", "p", 300, Coverage::WholeFile)),
        ]);
        let refusal = judge(&i, &signers(), &policy(true, false)).unwrap_err();
        assert_eq!(
            refusal.reason,
            "the form was filled in after the last signature, the manager's \
             (underskrift.leders-leder.underskrift), and no signature covers that: plan.1.maal \
             changed"
        );
        // Filled between the two personal signatures: the manager signed the answers.
        let i = file(vec![
            (
                LEADER_FIELD,
                by(
                    LEADER,
                    "a",
                    100,
                    Coverage::SigningAndFormFilling {
                        fields: vec!["plan.1.maal".into()],
                    },
                ),
            ),
            (MANAGER_FIELD, by(MANAGER, "b", 200, Coverage::Signing)),
            ("Seal", by("Penneo A/S Seal", "p", 300, Coverage::WholeFile)),
        ]);
        assert_eq!(
            judge(&i, &signers(), &policy(false, false)).unwrap().0,
            Status::Signed
        );
    }

    #[test]
    fn broken_and_changed_signatures_are_refused_even_when_unsigned_is_allowed() {
        let i = file(vec![
            (
                LEADER_FIELD,
                by(
                    LEADER,
                    "a",
                    100,
                    Coverage::OtherChanges {
                        description: "object 18 0 (/Page): /Contents changed".into(),
                    },
                ),
            ),
            (
                MANAGER_FIELD,
                SignatureStatus::Invalid {
                    reason: "the digest does not match".into(),
                },
            ),
        ]);
        let refusal = judge(&i, &signers(), &policy(true, false)).unwrap_err();
        assert_eq!(
            refusal.reason,
            "the leader's signature (underskrift.leder.underskrift) no longer covers the file: \
             it was changed after signing (object 18 0 (/Page): /Contents changed); the \
             manager's signature (underskrift.leders-leder.underskrift) is invalid: the digest \
             does not match"
        );
        assert!(!refusal.unsigned_only());
    }

    #[test]
    fn a_visible_signature_after_the_last_personal_one_is_refused_and_trust_covers_seals() {
        let visible_seal = match by("Penneo A/S Seal", "p", 300, Coverage::WholeFile) {
            SignatureStatus::Signed(s) => SignatureStatus::Signed(Signature { visible: true, ..s }),
            other => other,
        };
        let i = file(vec![
            (LEADER_FIELD, by(LEADER, "a", 100, Coverage::Signing)),
            (MANAGER_FIELD, by(MANAGER, "b", 200, Coverage::Signing)),
            ("Seal", visible_seal),
        ]);
        assert_eq!(
            judge(&i, &signers(), &policy(false, false))
                .unwrap_err()
                .reason,
            "the signature in Seal was made after the last personal signature and draws on \
             the page (or acts), which nobody who must sign covers"
        );
        let untrusted_seal = match by("Penneo A/S Seal", "p", 300, Coverage::WholeFile) {
            SignatureStatus::Signed(s) => SignatureStatus::Signed(Signature {
                trust: Trust::Untrusted {
                    reason: "no chain to an anchor".into(),
                },
                ..s
            }),
            other => other,
        };
        let i = file(vec![
            (LEADER_FIELD, by(LEADER, "a", 100, Coverage::Signing)),
            (MANAGER_FIELD, by(MANAGER, "b", 200, Coverage::Signing)),
            ("Seal", untrusted_seal),
        ]);
        assert_eq!(
            judge(&i, &signers(), &policy(false, false))
                .unwrap_err()
                .reason,
            "the signature in Seal is not trusted: no chain to an anchor"
        );
    }

    #[test]
    fn with_trust_a_signer_the_guide_does_not_name_cannot_be_checked() {
        let mut unnamed = signers();
        unnamed[1].name.clear();
        let i = file(vec![
            (LEADER_FIELD, by(LEADER, "a", 100, Coverage::Signing)),
            (
                MANAGER_FIELD,
                by("Mallory Madsen", "m", 200, Coverage::WholeFile),
            ),
        ]);
        assert!(judge(&i, &unnamed, &policy(false, false)).is_ok());
        let refusal = judge(&i, &unnamed, &policy(false, true)).unwrap_err();
        assert!(
            refusal
                .reason
                .starts_with("the guide does not name its leders leder"),
            "{}",
            refusal.reason
        );
    }

    #[test]
    fn names_are_not_prefixes_homoglyphs_or_other_spellings() {
        assert!(!names_person("Bodil Kjærgård Hansen", MANAGER));
        assert!(
            !names_person("B\u{043e}dil Kjærgård", MANAGER),
            "Cyrillic o"
        );
        assert!(!names_person("BODIL KJAERGÅRD-MALLORY", MANAGER));
        assert!(
            !names_person("Bodil Kjær\u{200b}gård", MANAGER),
            "zero-width space"
        );
        assert!(names_person("Bodil Kjærgård (MitID)", MANAGER));
        assert!(
            names_person("Бодил", "Бодил"),
            "a name in Cyrillic matches itself"
        );
        assert!(!names_person("Бодил", "Bodil"));
    }

    #[test]
    fn a_guide_that_names_nobody_is_not_signed_by_anybody() {
        let i = file(vec![(
            "Signature1",
            by(LEADER, "a", 100, Coverage::WholeFile),
        )]);
        let refusal = judge(&i, &[], &policy(false, false)).unwrap_err();
        assert!(refusal.unsigned_only());
        assert!(refusal
            .reason
            .starts_with("the guide names nobody who must sign it"));
    }

    #[test]
    fn missing_fields_are_named() {
        let refusal = judge(&file(vec![]), &signers(), &policy(false, false)).unwrap_err();
        assert_eq!(
            refusal.reason,
            "the leader's signature field (underskrift.leder.underskrift) is missing (was the \
             guide made with --no-form?); the manager's signature field \
             (underskrift.leders-leder.underskrift) is missing (was the guide made with \
             --no-form?)"
        );
    }
}
