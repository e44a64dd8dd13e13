//! The attack corpus and the signing-service matrix: every file under
//! `tests/fixtures/attacks` and `tests/fixtures/ltv` is judged by `mus archive add` as its
//! folder's `expected.json` says (made with pyHanko and certomancer by
//! `scripts/make-attack-fixtures.py` and `scripts/make-ltv-fixtures.py`; their READMEs say
//! how each file was built and what pyHanko says of it).
//!
//! A refused file is also planted in an archive the way an older mus, which let it in,
//! would have left it — the file stored read-only and a row in the index — and `mus
//! archive verify` must then name it: `verify` agrees with `add`.
//!
//! `MUS_ATTACK_FIXTURES=DIR` and `MUS_LTV_FIXTURES=DIR` point at freshly made sets
//! (`scripts/signature-matrix.py` does that in CI).

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::fixtures_or;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Expected {
    /// accepted | refused | unsigned
    mus: String,
    #[serde(default)]
    trust: bool,
    #[serde(default)]
    allow_unsigned: bool,
    #[serde(default)]
    reason_contains: Vec<String>,
    /// Files to add first, in order (e.g. the guide whose id this one reuses).
    #[serde(default, rename = "archive_before")]
    after: Vec<String>,
    /// The file, when the case is another way of judging one (`wrong-name-trusted`).
    #[serde(default)]
    file: Option<String>,
    /// The trust anchors' file in the folder, when not `ca.pem` / `root.pem`.
    #[serde(default)]
    trust_file: Option<String>,
}

fn expectations(dir: &Path) -> BTreeMap<String, Expected> {
    let text = std::fs::read_to_string(dir.join("expected.json"))
        .unwrap_or_else(|e| panic!("{}: {e}", dir.join("expected.json").display()));
    serde_json::from_str(&text).unwrap()
}

fn trust_file(dir: &Path, expected: &Expected) -> PathBuf {
    match &expected.trust_file {
        Some(name) => dir.join(name),
        None => ["ca.pem", "root.pem"]
            .iter()
            .map(|n| dir.join(n))
            .find(|p| p.exists())
            .expect("a ca.pem or root.pem beside the fixtures"),
    }
}

/// `mus archive add` of one file into `archive`: exit code and what it printed.
fn add(archive: &Path, dir: &Path, file: &str, expected: &Expected) -> (i32, String) {
    let mut cmd = common::archive(archive);
    cmd.arg("add");
    if expected.trust {
        cmd.arg("--trust").arg(trust_file(dir, expected));
    }
    if expected.allow_unsigned {
        cmd.arg("--allow-unsigned");
    }
    let out = cmd.arg(dir.join(file)).output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    (out.status.code().unwrap_or(-1), text)
}

/// Judges every file of a folder; returns what went against the expectations.
fn judge_folder(dir: &Path) -> Vec<String> {
    let mut failures = Vec::new();
    for (case, expected) in expectations(dir) {
        let file = expected.file.clone().unwrap_or_else(|| case.clone());
        let tmp = tempfile::tempdir().unwrap();
        let archive = tmp.path().join("arkiv");
        for first in &expected.after {
            let (code, text) = add(&archive, dir, first, &expected);
            if code != 0 {
                failures.push(format!("{file}: adding {first} first failed: {text}"));
            }
        }
        let (code, text) = add(&archive, dir, &file, &expected);
        let verdict = match (code, text.contains(", unsigned)")) {
            (0, true) => "unsigned",
            (0, false) => "accepted",
            (1, _) => "refused",
            _ => "error",
        };
        if verdict != expected.mus {
            failures.push(format!(
                "{case}: expected {}, mus said {verdict}:\n{text}",
                expected.mus
            ));
            continue;
        }
        // The keywords must be in the verdict's own line, not in a note.
        let lower = text
            .lines()
            .filter(|l| l.starts_with("refused:") || l.starts_with("accepted:"))
            .collect::<Vec<_>>()
            .join("\n")
            .to_lowercase();
        for needle in &expected.reason_contains {
            if !lower.contains(&needle.to_lowercase()) {
                failures.push(format!(
                    "{file}: the reason does not say {needle:?}:\n{text}"
                ));
            }
        }
        if verdict == "refused" && expected.after.is_empty() {
            if let Some(problem) = verify_after_older_mus(dir, &file, &expected) {
                failures.push(format!("{file}: {problem}"));
            }
        }
    }
    failures
}

/// Plants `file` in a fresh archive as an older mus that accepted it would have left it,
/// then runs `verify`: `None` when verify names the file.
fn verify_after_older_mus(dir: &Path, file: &str, expected: &Expected) -> Option<String> {
    use mus::archive::{index, ArchivedGuide, Index, Status};
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("arkiv");
    std::fs::create_dir(&archive).unwrap();
    // The index first: an index made beside archived guides would start the archive over,
    // and is refused.
    let mut idx = Index::open(&archive, true).unwrap();
    let bytes = std::fs::read(dir.join(file)).unwrap();
    let relative = format!("2027/planted/{}", file);
    let target = archive.join(&relative);
    std::fs::create_dir_all(target.parent().unwrap()).unwrap();
    std::fs::write(&target, &bytes).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o400)).unwrap();
    }
    let tx = idx.begin().unwrap();
    let guide = ArchivedGuide {
        guide_id: format!("2027-{:08X}", bytes.len()),
        version: 1,
        leader: "Łukasz Øster-Ågård".into(),
        unit: "Dagtilbud Nord".into(),
        level: "leder-af-medarbejdere".into(),
        focus: vec!["saet-retning".into()],
        dialogue_date: "2027-01-15".into(),
        year: 2027,
        framework: "soenderborg-ledelsesgrundlag 1.0".into(),
        path: relative.clone(),
        sha256: mus::base::files::sha256_hex(&bytes),
        size: bytes.len() as u64,
        status: Status::Signed,
        added_at: "2027-02-01T10:00:00Z".into(),
        signatures: Vec::new(),
        employee_id: index::EmployeeId::Id("100042".into()),
    };
    index::insert(&tx, &guide, None).unwrap();
    tx.commit().unwrap();
    drop(idx);
    let mut cmd = common::archive(&archive);
    cmd.arg("verify");
    if expected.trust {
        cmd.arg("--trust").arg(trust_file(dir, expected));
    }
    let out = cmd.output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    let named = text
        .lines()
        .any(|l| l.contains(&relative) && !l.starts_with("ok"));
    if out.status.code() == Some(1) && named {
        None
    } else {
        Some(format!(
            "verify of an archive an older mus let it into did not name it (exit {:?}):\n{text}",
            out.status.code()
        ))
    }
}

#[test]
fn every_attack_is_refused_and_every_service_style_guide_judged_as_expected() {
    let failures = judge_folder(&fixtures_or("MUS_ATTACK_FIXTURES", "attacks"));
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn what_the_red_team_built_is_refused_and_typed_markers_are_not() {
    let failures = judge_folder(&fixtures_or("MUS_REDTEAM_FIXTURES", "redteam"));
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn pades_b_t_b_lt_b_lta_and_a_revoked_signer_are_judged_as_expected() {
    let failures = judge_folder(&fixtures_or("MUS_LTV_FIXTURES", "ltv"));
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Issue 18, 7: a certification that permits no changes (DocMDP P=1), then both signed.
/// Its P=2 and P=3 twins, made the same way, are accepted.
#[test]
fn a_guide_certified_permitting_no_changes_then_signed_is_refused_naming_the_certification() {
    let dir = fixtures_or("MUS_ATTACK_FIXTURES", "attacks");
    let all = expectations(&dir);
    let case = |name: &str| &all[name];
    let file = "certified-no-changes.pdf";
    let (code, text) = add(
        &tempfile::tempdir().unwrap().path().join("arkiv"),
        &dir,
        file,
        case(file),
    );
    assert_eq!(code, 1, "{text}");
    assert_eq!(
        text.lines().find(|l| l.starts_with("refused:")),
        Some(
            format!(
                "refused: {}: the certification signature in Certificering by Sønderborg \
                 Kommune permits no changes (DocMDP P=1), not even signatures, yet the file was \
                 changed after it: revision 3 of 4 adds the leader's signature \
                 (underskrift.leder.underskrift), then revision 4 of 4 adds the manager's \
                 signature (underskrift.leders-leder.underskrift); a guide that is to be signed \
                 after it is certified must be certified with P=2 (form filling and signing \
                 allowed)",
                dir.join(file).display()
            )
            .as_str()
        ),
        "{text}"
    );
    for twin in ["certified-form-filling.pdf", "certified-annotations.pdf"] {
        let (code, text) = add(
            &tempfile::tempdir().unwrap().path().join("arkiv"),
            &dir,
            twin,
            case(twin),
        );
        assert_eq!(code, 0, "{twin}: {text}");
        assert!(text.contains(", signed)"), "{twin}: {text}");
    }
}
