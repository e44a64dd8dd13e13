//! The guide's identity end to end: written into the XMP by the PDF writer, read back by
//! `GuideIdentity::from_pdf`, with the signers the layout laid out.

mod common;

use std::path::Path;

use chrono::NaiveDate;
use common::{mus, pdf, PEOPLE};
use lopdf::{Document, Object};
use mus::base::fonts::FontSet;
use mus::layout::{Color, FontStyle, Item, Page, SignatureArea};
use mus::model::identity::{GuideIdentity, RequiredSigner, SignerRole};
use mus::pdf::Metadata;

/// A file of tests/fixtures.
fn fixture(name: &str) -> Vec<u8> {
    common::read(&common::fixture(name))
}

#[test]
fn an_identity_round_trips_through_the_pdf_writer() {
    let hostile = "Ærø <Æ&Ø> \"Å\" Ågård";
    let areas = [
        (
            "underskrift.leder.underskrift",
            "leder",
            "Leder",
            "Łukasz Øster-Ågård",
        ),
        (
            "underskrift.leders-leder.underskrift",
            "leders-leder",
            "Leders leder",
            hostile,
        ),
        (
            "underskrift.tr.underskrift",
            "tr",
            "Tillidsrepræsentant & co",
            "",
        ),
    ];
    let identity = GuideIdentity {
        guide_id: "2027-1A2B3C4D".into(),
        leader: "Łukasz Øster-Ågård".into(),
        manager: hostile.into(),
        unit: "Børn & Unge <Nord>".into(),
        level: "leder-af-medarbejdere".into(),
        focus: vec!["saet-retning".into(), "opdyrk-potentialer".into()],
        dialogue_date: NaiveDate::from_ymd_opt(2027, 1, 15).unwrap(),
        framework: "soenderborg-ledelsesgrundlag 1.0".into(),
        employee_id: Some("A-17 \"ø\"".into()),
        signers: areas
            .iter()
            .zip([SignerRole::Leader, SignerRole::Manager, SignerRole::Other])
            .map(|((slot, _, label, name), role)| RequiredSigner {
                slot: slot.to_string(),
                role,
                label: label.to_string(),
                name: name.to_string(),
            })
            .collect(),
    };
    let document = mus::layout::Document {
        structure: Default::default(),
        width: 595.0,
        height: 842.0,
        pages: vec![Page {
            items: vec![Item::Text {
                x: 72.0,
                y: 72.0,
                size: 11.0,
                style: FontStyle::Regular,
                color: Color(0.0, 0.0, 0.0),
                text: "Underskrifter".into(),
            }],
            bookmarks: Vec::new(),
        }],
        signatures: areas
            .iter()
            .map(|(slot, key, label, name)| SignatureArea {
                slot: slot.to_string(),
                key: key.to_string(),
                label: label.to_string(),
                name: name.to_string(),
            })
            .collect(),
    };
    let meta = Metadata {
        title: "Samtaleguide".into(),
        author: identity.leader.clone(),
        subject: String::new(),
        keywords: vec![],
        creator: "mus test".into(),
        language: "da-DK".into(),
        created: 0,
        key: vec![1],
        // The writer lists the document's signature areas, whatever the caller says.
        identity: Some(GuideIdentity {
            signers: Vec::new(),
            ..identity.clone()
        }),
    };
    let pdf = mus::pdf::write(&document, FontSet::builtin(), &meta).unwrap();
    assert_eq!(GuideIdentity::from_pdf(&pdf).unwrap(), identity);
}

/// `guide-before-signers.pdf` is `tests/fixtures/signed/unsigned.pdf` as mus wrote it
/// before guides listed their signers, manager and employee id.
#[test]
fn a_guide_made_before_signers_were_listed_has_the_two_standard_signers() {
    let identity = GuideIdentity::from_pdf(&fixture("identity/guide-before-signers.pdf")).unwrap();
    assert_eq!(identity.leader, "Łukasz Øster-Ågård");
    assert_eq!(identity.manager, "");
    assert_eq!(identity.employee_id, None);
    assert_eq!(
        identity.signers,
        [
            RequiredSigner {
                slot: "underskrift.leder.underskrift".into(),
                role: SignerRole::Leader,
                label: "Leder".into(),
                name: "Łukasz Øster-Ågård".into(),
            },
            RequiredSigner {
                slot: "underskrift.leders-leder.underskrift".into(),
                role: SignerRole::Manager,
                label: "Leders leder".into(),
                name: String::new(),
            },
        ]
    );
}

/// The names of the signature fields (`/FT /Sig`) of a PDF's form, fully qualified.
fn signature_fields(pdf: &[u8]) -> Vec<String> {
    signature_field_values(pdf)
        .into_iter()
        .map(|(name, _)| name)
        .collect()
}

/// The signature fields by full name, each with whether it holds a signature (`/V`).
fn signature_field_values(pdf: &[u8]) -> Vec<(String, bool)> {
    let doc = Document::load_mem(pdf).unwrap();
    let Ok(form) = doc.catalog().unwrap().get(b"AcroForm") else {
        return Vec::new();
    };
    let form = pdf::resolve(&doc, form);
    let mut stack: Vec<(Object, String)> = form
        .as_dict()
        .unwrap()
        .get(b"Fields")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f.clone(), String::new()))
        .collect();
    let mut out = Vec::new();
    while let Some((field, prefix)) = stack.pop() {
        let field = pdf::resolve(&doc, &field);
        let dict = field.as_dict().unwrap();
        let name = match dict.get(b"T") {
            Ok(t) if prefix.is_empty() => pdf::string(&doc, t),
            Ok(t) => format!("{prefix}.{}", pdf::string(&doc, t)),
            Err(_) => prefix.clone(),
        };
        if dict.get(b"FT").ok().and_then(|t| t.as_name().ok()) == Some(b"Sig".as_slice()) {
            out.push((name.clone(), dict.has(b"V")));
        }
        if let Ok(kids) = dict.get(b"Kids").and_then(Object::as_array) {
            stack.extend(kids.iter().map(|k| (k.clone(), name.clone())));
        }
    }
    out.sort();
    out
}

/// A custom template whose signatures directive has a third line.
fn three_signer_templates(dir: &Path) {
    mus()
        .args(["templates", "export"])
        .arg(dir)
        .assert()
        .success();
    let path = dir.join("guide.md.hbs");
    let template = std::fs::read_to_string(&path).unwrap();
    let line = "leders-leder | Leders leder | {{leader.manager}}\n";
    assert!(template.contains(line), "the exported template changed");
    std::fs::write(
        &path,
        template.replace(
            line,
            &format!("{line}tr | Tillidsrepræsentant | Tove Ræv\n"),
        ),
    )
    .unwrap();
}

/// The guide of Łukasz, one principle in focus, made with `templates`.
fn guide_with(templates: &Path, out: &Path, extra: &[&str]) -> Vec<u8> {
    let role = ["--role", "leder-af-medarbejdere", "--focus", "saet-retning"];
    let templates = ["--templates", templates.to_str().unwrap()];
    common::read(&common::guide_to(
        out,
        &[&role[..], &PEOPLE, &templates, extra].concat(),
    ))
}

#[test]
fn a_custom_template_with_a_third_signer_lists_three_signers_and_has_three_fields() {
    let dir = tempfile::tempdir().unwrap();
    let templates = dir.path().join("templates");
    three_signer_templates(&templates);
    let pdf = guide_with(&templates, &dir.path().join("guide.pdf"), &[]);
    assert_eq!(
        signature_fields(&pdf),
        [
            "underskrift.leder.underskrift",
            "underskrift.leders-leder.underskrift",
            "underskrift.tr.underskrift",
        ]
    );
    let identity = GuideIdentity::from_pdf(&pdf).unwrap();
    let signers: Vec<(&str, SignerRole, &str, &str)> = identity
        .signers
        .iter()
        .map(|s| (s.slot.as_str(), s.role, s.label.as_str(), s.name.as_str()))
        .collect();
    assert_eq!(
        signers,
        [
            (
                "underskrift.leder.underskrift",
                SignerRole::Leader,
                "Leder",
                "Łukasz Øster-Ågård"
            ),
            (
                "underskrift.leders-leder.underskrift",
                SignerRole::Manager,
                "Leders leder",
                "Bodil Kjærgård"
            ),
            (
                "underskrift.tr.underskrift",
                SignerRole::Other,
                "Tillidsrepræsentant",
                "Tove Ræv"
            ),
        ]
    );
    assert_eq!(identity.manager, "Bodil Kjærgård");
    assert_eq!(
        identity.signer(SignerRole::Manager).unwrap().name,
        "Bodil Kjærgård"
    );

    // Print-only, the same people sign on paper: the slots are listed, no field is made.
    let paper = guide_with(&templates, &dir.path().join("paper.pdf"), &["--no-form"]);
    assert!(signature_fields(&paper).is_empty());
    assert_eq!(
        GuideIdentity::from_pdf(&paper).unwrap().signers,
        identity.signers
    );
}

/// The built-in template's guide lists exactly the two fields the archive looks for.
#[test]
fn the_built_in_guide_lists_its_two_signature_fields() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("guide.pdf");
    mus()
        .args([
            "guide",
            "--role",
            "chef",
            "--name",
            "Åse Ærø",
            "--date",
            "2027-01-15",
            "-o",
        ])
        .arg(&out)
        .assert()
        .success();
    let pdf = std::fs::read(&out).unwrap();
    let identity = GuideIdentity::from_pdf(&pdf).unwrap();
    let slots: Vec<&str> = identity.signers.iter().map(|s| s.slot.as_str()).collect();
    assert_eq!(slots, signature_fields(&pdf));
    assert_eq!(
        slots,
        [
            mus::model::identity::LEADER_SLOT,
            mus::model::identity::MANAGER_SLOT
        ]
    );
    assert_eq!(
        identity.signers[1].name, "",
        "no --manager, no printed name"
    );
}

/// The three-signer fixtures keep their identity through pyHanko's three incremental
/// updates, which rewrite the XMP packet in its compact form.
#[test]
fn the_three_signer_fixtures_list_three_signers_after_signing() {
    for file in ["three-signers.pdf", "three-signers-two-signed.pdf"] {
        let pdf = fixture(&format!("signed/{file}"));
        let identity = GuideIdentity::from_pdf(&pdf).unwrap();
        let roles: Vec<(&str, SignerRole, &str)> = identity
            .signers
            .iter()
            .map(|s| (s.slot.as_str(), s.role, s.name.as_str()))
            .collect();
        assert_eq!(
            roles,
            [
                (
                    "underskrift.leder.underskrift",
                    SignerRole::Leader,
                    "Łukasz Øster-Ågård"
                ),
                (
                    "underskrift.leders-leder.underskrift",
                    SignerRole::Manager,
                    "Bodil Kjærgård"
                ),
                ("underskrift.tr.underskrift", SignerRole::Other, "Tove Ræv"),
            ],
            "{file}"
        );
        assert_eq!(
            identity.signer(SignerRole::Other).unwrap().label,
            "Tillidsrepræsentant"
        );
        let signed: Vec<bool> = signature_field_values(&pdf)
            .into_iter()
            .map(|(_, signed)| signed)
            .collect();
        let expected = if file == "three-signers.pdf" {
            [true, true, true]
        } else {
            [true, true, false]
        };
        assert_eq!(signed, expected, "{file}");
    }
}

/// `mus batch` records the roster's employee id, and tells namesakes apart by it.
#[test]
fn a_batch_guide_carries_the_roster_s_employee_id() {
    let dir = tempfile::tempdir().unwrap();
    let roster = dir.path().join("roster.csv");
    std::fs::write(
        &roster,
        "navn;rolle;medarbejdernr\nOle Ørum;chef;17\nOle Ørum;chef;18\nÅse Ærø;chef;\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    mus()
        .args(["batch", "--quiet", "--date", "2027-01-15", "--out-dir"])
        .arg(&out)
        .arg(&roster)
        .assert()
        .success();
    let mut identities: Vec<GuideIdentity> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .map(|p| GuideIdentity::from_pdf(&std::fs::read(p).unwrap()).unwrap())
        .collect();
    identities.sort_by(|a, b| a.employee_id.cmp(&b.employee_id));
    let ids: Vec<(Option<&str>, &str)> = identities
        .iter()
        .map(|i| (i.employee_id.as_deref(), i.leader.as_str()))
        .collect();
    assert_eq!(
        ids,
        [
            (None, "Åse Ærø"),
            (Some("17"), "Ole Ørum"),
            (Some("18"), "Ole Ørum")
        ]
    );
    assert_ne!(
        identities[1].guide_id, identities[2].guide_id,
        "namesakes get their own guide ids"
    );
}
