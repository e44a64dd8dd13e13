//! Ratings as readers show them (issue 18, point 1): last year's guides of
//! tests/fixtures/choices (scripts/make-choice-fixtures.sh), the same answers filled in by
//! pypdf 6 (each radio group's `/V` a string `(/3)`), PDFium, pdf.js and MuPDF (names), and
//! one whose `/V` disagrees with its widgets in every way a file can, all signed by the
//! leader and the manager with pyHanko. Every reader shows the leader's 3 and the manager's
//! 4 on expectation 1 and 5 and 2 on expectation 2; `guide --previous`, `batch --previous`,
//! `archive report` and `archive plans` must read the same from every one of them.

mod common;

use std::path::{Path, PathBuf};

use common::{csv_rows, mus, pdf};

/// The fixtures, each with the leader whose guide it is.
const FILLED: [(&str, &str); 5] = [
    ("pypdf", "Karen Lund"),
    ("pdfium", "Mads Østergaard"),
    ("pdfjs", "Inger Bøgh"),
    ("mupdf", "Niels Kjær"),
    ("disagree", "Tove Ærø"),
];

const GOAL: &str = "Styrke den fælles retning";

/// A file of tests/fixtures/choices, or of the folder MUS_CHOICE_FIXTURES names (.ci/run
/// makes a fresh set with today's engines and runs these tests on it too).
fn fixture(name: &str) -> PathBuf {
    common::fixtures_or("MUS_CHOICE_FIXTURES", "choices").join(name)
}

/// What next year's guide must say of last year's: the plan, signed, and both ratings.
fn check_followed_up(engine: &str, text: &str) -> Vec<String> {
    let mut wrong = Vec::new();
    for needle in [
        "Sidste år: 3 · 4",
        "Sidste år: 5 · 2",
        "Aftalt og underskrevet",
        GOAL,
    ] {
        if !text.contains(needle) {
            wrong.push(format!(
                "{engine}: \"{needle}\" is not in next year's guide"
            ));
        }
    }
    wrong
}

/// An archive of every engine's guide.
fn archive(dir: &Path) -> PathBuf {
    common::archive_of(dir, FILLED.map(|(f, _)| fixture(&format!("{f}.pdf"))))
}

#[test]
fn every_engines_ratings_are_read_as_readers_show_them() {
    let mut wrong = Vec::new();
    for (engine, leader) in FILLED {
        let pdf = std::fs::read(fixture(&format!("{engine}.pdf"))).unwrap();
        let carried = mus::archive::answers::read(&pdf).unwrap();
        assert_eq!(carried.identity.leader, leader);
        assert!(carried.signed(), "{engine}: {:?}", carried.signing);
        let got: Vec<(u32, Option<u8>, Option<u8>)> = carried
            .ratings
            .iter()
            .map(|r| (r.number, r.leader, r.manager))
            .collect();
        if got != [(1, Some(3), Some(4)), (2, Some(5), Some(2))] {
            wrong.push(format!("{engine}: {got:?}"));
        }
        assert!(carried.unclear.is_empty(), "{engine}");
        // The archive's targeted reading reads what the full reading reads.
        let fast = mus::archive::answers::read_archived(&pdf, carried.signing.clone()).unwrap();
        assert_eq!(fast, carried, "{engine}");
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn guide_previous_shows_every_engines_ratings() {
    let dir = tempfile::tempdir().unwrap();
    let mut wrong = Vec::new();
    for (engine, leader) in FILLED {
        let out = dir.path().join(format!("{engine}-2028.pdf"));
        mus()
            .args(["guide", "--role", "leder-af-medarbejdere"])
            .args(["--focus", "saet-retning,opdyrk-potentialer"])
            .args(["--name", leader, "--manager", "Henrik Bæk"])
            .args(["--unit", "Dagtilbud Nord", "--date", "2028-01-15"])
            .arg("--previous")
            .arg(fixture(&format!("{engine}.pdf")))
            .arg("-o")
            .arg(&out)
            .assert()
            .success();
        wrong.extend(check_followed_up(engine, &pdf::text(&out)));
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn batch_previous_shows_every_engines_ratings() {
    let dir = tempfile::tempdir().unwrap();
    let archive = archive(dir.path());
    let out_dir = dir.path().join("2028");
    mus()
        .arg("batch")
        .arg(fixture("this-year.csv"))
        .arg("--out-dir")
        .arg(&out_dir)
        .arg("--previous")
        .arg(&archive)
        .assert()
        .success();
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("manifest.json")).unwrap()).unwrap();
    let guides = manifest["guides"].as_array().unwrap();
    assert_eq!(guides.len(), FILLED.len());
    let mut wrong = Vec::new();
    for (row, (engine, _)) in FILLED.iter().enumerate() {
        let guide = guides
            .iter()
            .find(|g| g["row"] == row + 2)
            .unwrap_or_else(|| panic!("row {} of this-year.csv: {manifest}", row + 2));
        let text = pdf::text(&out_dir.join(guide["file"].as_str().unwrap()));
        wrong.extend(check_followed_up(engine, &text));
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn the_report_counts_every_engines_ratings() {
    let dir = tempfile::tempdir().unwrap();
    let archive = archive(dir.path());
    let (pdf, csv) = (
        dir.path().join("rapport.pdf"),
        dir.path().join("rapport.csv"),
    );
    mus()
        .args(["archive", "--archive"])
        .arg(&archive)
        .args(["report", "--roster"])
        .arg(fixture("last-year.csv"))
        .args(["--year", "2027", "-o"])
        .arg(&pdf)
        .arg("--csv")
        .arg(&csv)
        .assert()
        .success();
    let rows = csv_rows(&std::fs::read(&csv).unwrap());
    assert_eq!(rows[0], ["Enhed", "Niveau", "Princip", "Mål", "Værdi", "n"]);
    let figure = |measure: &str| {
        rows.iter()
            .find(|r| r[..4] == ["Alle", "Alle", "Sæt retning", measure])
            .map(|r| (r[4].clone(), r[5].clone()))
    };
    let five = |v: &str| Some((v.to_string(), "5".to_string()));
    // Five leaders, each rated 3 and 5 by themselves, 4 and 2 by their manager.
    for (measure, want) in [
        ("selv_1", five("0")),
        ("selv_3", five("5")),
        ("selv_5", five("5")),
        ("leders_leder_2", five("5")),
        ("leders_leder_3", five("0")),
        ("leders_leder_4", five("5")),
        ("selv_gns", five("4,00")),
        ("leders_leder_gns", five("3,00")),
        ("forskel_gns", five("1,00")),
    ] {
        assert_eq!(figure(measure), want, "{measure}: {rows:?}");
    }
    let text = pdf::text(&pdf);
    assert!(!text.contains("har vurderinger endnu"), "{text}");
}

#[test]
fn the_plans_of_every_engines_guides_are_listed() {
    let dir = tempfile::tempdir().unwrap();
    let archive = archive(dir.path());
    let run = mus()
        .args(["archive", "--archive"])
        .arg(&archive)
        .args(["plans", "--year", "2027", "--csv", "-"])
        .assert()
        .success();
    let rows = csv_rows(&run.get_output().stdout);
    assert_eq!(rows[0][2], "Leder");
    let mut leaders: Vec<&str> = rows[1..].iter().map(|r| r[2].as_str()).collect();
    leaders.sort();
    let mut want: Vec<&str> = FILLED.iter().map(|(_, l)| *l).collect();
    want.sort();
    assert_eq!(leaders, want);
    for row in &rows[1..] {
        assert_eq!(
            (row[4].as_str(), row[5].as_str(), row[6].as_str()),
            ("underskrevet", "1", GOAL),
            "{row:?}"
        );
    }
}
