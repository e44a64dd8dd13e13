//! Last year's guide in this year's: `mus guide --previous` and `mus batch --previous` on
//! the guides of tests/fixtures/previous (scripts/make-previous-fixtures.sh: filled in with
//! pypdf, one signed by both with pyHanko), read back from the new guide's pages and form.
//! The fixtures were made before guide ids grew to 80 bits: their 32-bit ids
//! (`2026-B3DCFE74`) are read, archived and followed up as before.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{mus, pdf, squeeze};
use lopdf::{Document, Object};

/// A file of tests/fixtures/previous.
fn fixture(name: &str) -> PathBuf {
    common::fixture("previous").join(name)
}

/// The 300-character goal scripts/fill-guide.py writes into plan row 1.
const GOAL: &str = "Styrke den fælles retning i Dagtilbud Nord, så hver medarbejder kan forklare, \
    hvordan »Sæt retning« hænger sammen med hverdagen, og bruge det, når der skal prioriteres \
    mellem opgaver; målet følges op på hvert personalemøde og i den årlige trivselsmåling, så \
    vi ser fremskridt og kan justere undervejs";

/// All text of a PDF, its pages joined.
/// Text without white space and hyphens, so words wrapped or hyphenated still match.
fn text_of(doc: &Document, o: &Object) -> String {
    let o = match o {
        Object::Reference(id) => doc.get_object(*id).unwrap(),
        o => o,
    };
    match o {
        Object::String(..) => lopdf::decode_text_string(o)
            .unwrap()
            .trim_start_matches('\u{FEFF}')
            .to_string(),
        Object::Name(n) => String::from_utf8_lossy(n).into_owned(),
        _ => String::new(),
    }
}

/// Every terminal field by full name: its type, its value, and its widgets' "on" states.
fn form_fields(path: &Path) -> BTreeMap<String, (String, String, Vec<String>)> {
    fn walk(
        doc: &Document,
        id: lopdf::ObjectId,
        prefix: &str,
        out: &mut BTreeMap<String, (String, String, Vec<String>)>,
    ) {
        let dict = doc.get_dictionary(id).unwrap();
        let name = match dict.get(b"T") {
            Ok(t) if prefix.is_empty() => text_of(doc, t),
            Ok(t) => format!("{prefix}.{}", text_of(doc, t)),
            Err(_) => prefix.to_string(),
        };
        let kids: Vec<lopdf::ObjectId> = dict
            .get(b"Kids")
            .and_then(Object::as_array)
            .map(|k| k.iter().map(|o| o.as_reference().unwrap()).collect())
            .unwrap_or_default();
        let kid_fields: Vec<_> = kids
            .iter()
            .filter(|k| doc.get_dictionary(**k).unwrap().has(b"T"))
            .copied()
            .collect();
        if kid_fields.is_empty() {
            let kind = dict.get(b"FT").map(|f| text_of(doc, f)).unwrap_or_default();
            let value = dict.get(b"V").map(|v| text_of(doc, v)).unwrap_or_default();
            let states = kids
                .iter()
                .filter_map(|k| {
                    let ap = doc.get_dictionary(*k).ok()?.get(b"AP").ok()?;
                    let ap = doc.dereference(ap).ok()?.1.as_dict().ok()?.clone();
                    let n = doc.dereference(ap.get(b"N").ok()?).ok()?.1.as_dict().ok()?;
                    n.iter()
                        .map(|(k, _)| String::from_utf8_lossy(k).into_owned())
                        .find(|k| k != "Off")
                })
                .collect();
            out.insert(name, (kind, value, states));
        } else {
            for kid in kid_fields {
                walk(doc, kid, &name, out);
            }
        }
    }
    let doc = Document::load(path).unwrap();
    let form = doc.catalog().unwrap().get(b"AcroForm").unwrap();
    let form = doc.dereference(form).unwrap().1.as_dict().unwrap().clone();
    let mut out = BTreeMap::new();
    for field in form.get(b"Fields").unwrap().as_array().unwrap() {
        walk(&doc, field.as_reference().unwrap(), "", &mut out);
    }
    out
}

/// This year's guide for Mette Søgaard, following up `previous`.
fn guide_after(dir: &Path, previous: &Path) -> PathBuf {
    common::guide(
        dir,
        "2027.pdf",
        &[
            "--role",
            "leder-af-medarbejdere",
            "--focus",
            "saet-retning,opdyrk-potentialer",
            "--name",
            "Mette Søgaard",
            "--manager",
            "Henrik Bæk",
            "--unit",
            "Dagtilbud Nord",
            "--previous",
            previous.to_str().unwrap(),
        ],
    )
}

#[test]
fn a_signed_guides_plan_and_ratings_open_next_years_guide() {
    let dir = tempfile::tempdir().unwrap();
    let out = guide_after(dir.path(), &fixture("signed.pdf"));
    let text = pdf::text(&out);
    let flat = squeeze(&text);
    for cell in [
        GOAL,
        "Månedlige møder om «retning» med alle teams",
        "Åse Ærø",
        "1. juni 2027",
        "Ved næste MUS",
        "Lære at uddelegere",
        "Lederuddannelse, modul 2",
        "Bodil Kjærgård",
        "Efteråret 2027",
    ] {
        assert!(flat.contains(&squeeze(cell)), "{cell} is not on the pages");
    }
    assert!(
        text.contains("Aftalt og underskrevet "),
        "the signing line: {text}"
    );
    assert!(!text.contains("Ikke underskrevet"));
    // Reflections and free-text answers stay in last year's PDF.
    assert!(!text.contains("HEMMELIG"));

    // Last year's ratings stand beside the expectations in focus both years: 1 and 2
    // (Sæt retning). This year's 3 is Opdyrk potentialer's; last year's 3 was Få
    // følgeskab's, rated 4 by the leader, and must not show up here.
    let framework = mus::model::framework::Framework::builtin().unwrap();
    let level = framework.level("leder-af-medarbejdere").unwrap();
    let retning: Vec<&str> = level
        .expectations
        .iter()
        .filter(|e| e.principle == "saet-retning")
        .map(|e| e.text.as_str())
        .collect();
    let at = |needle: &str| {
        flat.find(&squeeze(needle))
            .unwrap_or_else(|| panic!("{needle} is not on the pages"))
    };
    let (first, second) = (at(retning[0]), at(retning[1]));
    let rating_1 = at("Sidste år: 3 · 4");
    let rating_2 = at("Sidste år: 5 · 2");
    assert!(first < rating_1 && rating_1 < second && second < rating_2);
    assert_eq!(
        text.matches("Sidste år").count(),
        2,
        "only two expectations"
    );

    let fields = form_fields(&out);
    for row in [1, 2] {
        let (kind, value, states) = &fields[&format!("opfoelgning.plan.{row}.status")];
        assert_eq!((kind.as_str(), value.as_str()), ("Btn", "Off"));
        assert_eq!(states, &["naaet", "delvist", "ikke-naaet"]);
        assert_eq!(fields[&format!("opfoelgning.plan.{row}.kommentar")].0, "Tx");
    }
    assert!(!fields.contains_key("opfoelgning.plan.3.status"));
    // This year's own plan is empty and its fields are where they always were.
    assert_eq!(fields["plan.1.maal"].1, "");
    assert!(fields.values().all(|(_, v, _)| !v.contains("HEMMELIG")));
}

#[test]
fn an_unsigned_previous_guide_is_marked_as_such_wherever_shown() {
    let dir = tempfile::tempdir().unwrap();
    let out = guide_after(dir.path(), &fixture("unsigned.pdf"));
    let text = pdf::text(&out);
    assert!(!text.contains("Aftalt og underskrevet"));
    assert!(squeeze(&text).contains(&squeeze(
        "Ikke underskrevet: sidste års guide (samtalen 14. januar 2026) blev ikke underskrevet af alle"
    )));
    assert!(text.contains("Sidste år (ikke underskrevet): 3 · 4"));
    assert!(squeeze(&text).contains(&squeeze(GOAL)));
}

#[test]
fn without_previous_the_guide_has_no_follow_up_of_a_plan() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plain.pdf");
    mus()
        .args([
            "guide",
            "--role",
            "leder-af-medarbejdere",
            "--date",
            "2027-01-15",
            "-o",
        ])
        .arg(&out)
        .assert()
        .success();
    let text = pdf::text(&out);
    assert!(!text.contains("sidste års udviklingsplan") && !text.contains("Sidste år"));
    assert!(!form_fields(&out)
        .keys()
        .any(|k| k.starts_with("opfoelgning.plan")));
}

#[test]
fn a_previous_file_that_is_not_a_guide_is_refused_with_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("last-year.pdf");
    std::fs::write(&bad, b"not a pdf").unwrap();
    let out = mus()
        .args(["guide", "--role", "chef", "--previous"])
        .arg(&bad)
        .arg("-o")
        .arg(dir.path().join("x.pdf"))
        .assert()
        .code(2);
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert_eq!(
        stderr.lines().next().unwrap(),
        format!(
            "error: {}: cannot follow up this guide: not a PDF (it does not start with %PDF-)",
            bad.display()
        )
    );
    assert!(!dir.path().join("x.pdf").exists());
}

/// An archive of last year's guides: Mette Søgaard's (signed), Łukasz Øster's (since
/// renamed and moved, same employee id) and two of Eleni Papadopoulou's namesakes.
fn last_years_archive(dir: &Path) -> PathBuf {
    common::archive_of(
        dir,
        ["signed", "renamed", "namesake-a", "namesake-b"].map(|f| fixture(&format!("{f}.pdf"))),
    )
}

fn example_roster() -> PathBuf {
    common::root().join("examples/afdeling.csv")
}

#[test]
fn a_batch_follows_up_exactly_the_rows_whose_last_guide_is_archived() {
    let dir = tempfile::tempdir().unwrap();
    let archive = last_years_archive(dir.path());
    let out_dir = dir.path().join("2027");
    let stderr = batch_following_up(&archive, &out_dir, &[]);

    let mut with_plan = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 7);
    for file in &files {
        let text = pdf::text(file);
        if text.contains("Opfølgning på sidste års udviklingsplan") {
            assert!(squeeze(&text).contains(&squeeze(GOAL)));
            with_plan.push(file.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    // Mette Søgaard by her id; Łukasz Øster-Ågård (last year Łukasz Øster, Dagtilbud
    // Syd) by his id alone.
    assert_eq!(
        with_plan,
        [
            "lukasz-oester-aagaard-leder-af-medarbejdere-2027-01-15.pdf",
            "mette-soegaard-leder-af-medarbejdere-2027-01-15.pdf"
        ]
    );
    let mette = pdf::text(&out_dir.join("mette-soegaard-leder-af-medarbejdere-2027-01-15.pdf"));
    assert!(mette.contains("Aftalt og underskrevet") && mette.contains("Sidste år: 3 · 4"));
    let lukasz =
        pdf::text(&out_dir.join("lukasz-oester-aagaard-leder-af-medarbejdere-2027-01-15.pdf"));
    assert!(lukasz.contains("Ikke underskrevet"));

    // Eleni Papadopoulou: two archived guides could be hers; neither is used, and the row
    // says so.
    let roster = example_roster().display().to_string();
    let eleni = stderr
        .lines()
        .find(|l| l.starts_with(&format!("note: {roster}:5: ")))
        .unwrap_or_else(|| panic!("row 5 is not reported: {stderr}"));
    assert!(
        eleni.contains("2 guides in")
            && eleni.contains("2026/social-og-sundhed/eleni-papadopoulou-2026-")
            && eleni.contains("none is used"),
        "{eleni}"
    );
    assert!(stderr.contains(&format!("note: {roster}:4: no guide from an earlier year")));
    assert!(stderr.contains(": 2 guides follow up last year's, 4 rows have none, 1 have several candidates (none used)"), "{stderr}");
}

#[test]
fn a_dry_run_says_per_row_what_would_be_followed_up() {
    let dir = tempfile::tempdir().unwrap();
    let archive = last_years_archive(dir.path());
    let lines = dry_run_lines(dir.path(), &archive);
    assert!(
        lines[0].contains(" · follows up ")
            && lines[0].contains("2026/dagtilbud-nord/mette-soegaard-2026-"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].contains(" · follows up ")
            && lines[1].contains("2026/dagtilbud-syd/lukasz-oester-2026-")
    );
    assert!(lines[2].ends_with(" · no previous guide"));
    assert!(lines[3].ends_with(" · 2 possible previous guides, none used"));
    assert!(!dir.path().join("2027").exists());
}

/// What a dry run against `archive` says of the example roster's rows.
fn dry_run_lines(dir: &Path, archive: &Path) -> Vec<String> {
    let run = mus()
        .arg("batch")
        .arg(example_roster())
        .arg("--out-dir")
        .arg(dir.join("2027"))
        .arg("--previous")
        .arg(archive)
        .args(["--date", "2027-02-01", "--dry-run"])
        .assert()
        .success();
    let stdout = String::from_utf8(run.get_output().stdout.clone()).unwrap();
    stdout.lines().map(str::to_string).collect()
}

/// `mus batch` of the example roster dated 2027-02-01 following up `archive`, written to
/// `out`, with `more` arguments; what it says on standard error.
fn batch_following_up(archive: &Path, out: &Path, more: &[&str]) -> String {
    let run = mus()
        .arg("batch")
        .arg(example_roster())
        .arg("--out-dir")
        .arg(out)
        .arg("--previous")
        .arg(archive)
        .args(["--date", "2027-02-01"])
        .args(more)
        .assert()
        .success();
    String::from_utf8(run.get_output().stderr.clone()).unwrap()
}

/// Per archived guide, its leader, the employee id and what it carries over (JSON) as the
/// index at `index` records them.
fn recorded(index: &Path) -> Vec<(String, Option<String>, Option<String>)> {
    let conn = rusqlite::Connection::open(index).unwrap();
    let mut statement = conn
        .prepare("SELECT leader, employee_id, carried FROM guides ORDER BY leader, guide_id")
        .unwrap();
    statement
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// This year's guides of the example roster following up `archive`, written to `out`, by
/// file name.
fn batch_following(archive: &Path, out: &Path) -> BTreeMap<String, Vec<u8>> {
    batch_following_up(archive, out, &["--quiet"]);
    std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect()
}

/// The index records the employee id each archived guide names and what it carries over,
/// so `--previous` finds a renamed leader's guide without reading every archived file; an
/// archive whose index an earlier mus made (schema 2, neither column) is brought up to
/// date, its guides' ids and answers are read from their files, with the same result, and
/// recorded by a batch that goes ahead — as `archive add` recorded them.
#[test]
fn ids_and_plans_come_from_the_index_and_from_the_files_of_an_older_index() {
    let dir = tempfile::tempdir().unwrap();
    let archive = last_years_archive(dir.path());
    let index = archive.join("index.sqlite");
    let as_added = recorded(&index);
    assert_eq!(as_added.len(), 4);
    // Łukasz Øster's guide names his employee id; Eleni Papadopoulou's namesakes none.
    assert!(
        as_added
            .iter()
            .any(|(leader, id, _)| leader == "Łukasz Øster"
                && id.as_deref().is_some_and(|i| !i.is_empty())),
        "{as_added:?}"
    );
    assert!(
        as_added
            .iter()
            .filter(|(leader, _, _)| leader == "Eleni Papadopoulou")
            .all(|(_, id, _)| id.as_deref() == Some("")),
        "{as_added:?}"
    );
    // Mette Søgaard's plan is recorded; every guide has a record.
    assert!(as_added
        .iter()
        .all(|(_, _, carried)| carried.as_deref().is_some_and(|c| c.contains("\"plan\""))));
    assert!(as_added
        .iter()
        .any(|(leader, _, carried)| leader == "Mette Søgaard"
            && squeeze(carried.as_deref().unwrap()).contains(&squeeze(GOAL))));
    let from_index = dry_run_lines(dir.path(), &archive);
    assert!(from_index[1].contains("2026/dagtilbud-syd/lukasz-oester-2026-"));
    let guides = batch_following(&archive, &dir.path().join("from-index"));

    // The index as the mus of two versions ago left it.
    {
        let conn = rusqlite::Connection::open(&index).unwrap();
        conn.execute_batch(
            "ALTER TABLE guides DROP COLUMN carried;
             ALTER TABLE guides DROP COLUMN employee_id;
             PRAGMA user_version = 2;",
        )
        .unwrap();
    }
    assert_eq!(dry_run_lines(dir.path(), &archive), from_index);
    // Brought up to date, with nothing recorded (NULL): each file says its own, and a dry
    // run writes none of it.
    let conn = rusqlite::Connection::open(&index).unwrap();
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, 4);
    assert!(recorded(&index)
        .iter()
        .all(|(_, id, carried)| id.is_none() && carried.is_none()));
    // A batch that goes ahead makes the same guides from the files, and records what it
    // read for the next one: exactly what `archive add` recorded.
    assert_eq!(
        batch_following(&archive, &dir.path().join("from-files")),
        guides
    );
    assert_eq!(recorded(&index), as_added);
    assert_eq!(dry_run_lines(dir.path(), &archive), from_index);
}

/// A batch takes what last year's guides carry over from the archive's index, not from
/// their files, when the index has it — but only while the file is there as archived;
/// `archive verify` says when the record is not what the file says. The index holds the
/// plan but no reflection or other free text.
#[test]
fn a_batch_reads_last_years_plan_from_the_index_while_the_file_is_there() {
    let dir = tempfile::tempdir().unwrap();
    let archive = last_years_archive(dir.path());
    let index = archive.join("index.sqlite");
    let mut stored = std::fs::read(&index).unwrap();
    stored.extend(std::fs::read(archive.join("index.sqlite-wal")).unwrap_or_default());
    let has = |text: &str| memchr::memmem::find(&stored, text.as_bytes()).is_some();
    // scripts/fill-guide.py's reflection and answer are in the archived PDF, not here.
    assert!(has(&GOAL[..40]) && !has("HEMMELIG"));

    // The record says another goal than the file: the guide shows the record's.
    let mette = "mette-soegaard-leder-af-medarbejdere-2027-01-15.pdf";
    let conn = rusqlite::Connection::open(&index).unwrap();
    let (path, carried): (String, String) = conn
        .query_row(
            "SELECT path, carried FROM guides WHERE leader = 'Mette Søgaard'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let goal = GOAL
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ");
    assert!(carried.contains(&goal), "{carried}");
    conn.execute(
        "UPDATE guides SET carried = ?1 WHERE leader = 'Mette Søgaard'",
        [carried.replacen(&goal, "Målet som indekset har det", 1)],
    )
    .unwrap();
    let out = dir.path().join("2027");
    batch_following(&archive, &out);
    let text = squeeze(&pdf::text(&out.join(mette)));
    assert!(
        text.contains(&squeeze("Målet som indekset har det")),
        "{text}"
    );
    assert!(!text.contains(&squeeze(&goal)));
    // `archive plans` (and the report) take the plan from the record too.
    let plans = common::archive(&archive)
        .args(["plans", "--csv", "-"])
        .assert()
        .success();
    let csv = String::from_utf8_lossy(&plans.get_output().stdout).into_owned();
    assert!(
        csv.contains("Målet som indekset har det") && !csv.contains(&goal),
        "{csv}"
    );
    let verify = common::archive(&archive).arg("verify").assert().code(1);
    let said = String::from_utf8(verify.get_output().stdout.clone()).unwrap()
        + &String::from_utf8(verify.get_output().stderr.clone()).unwrap();
    assert!(
        said.contains(&format!(
            "record: {path}: the index's record of what it carries into next year's guide"
        )),
        "{said}"
    );
    assert_eq!(said.matches("record: ").count(), 1, "{said}");

    // What her row says when the file is no longer as archived; her guide then follows
    // nothing up.
    let file = archive.join(&path);
    let original = std::fs::read(&file).unwrap();
    let note_on_her_row = |file_now: Option<Vec<u8>>| -> String {
        let _ = std::fs::remove_file(&file);
        if let Some(bytes) = file_now {
            std::fs::write(&file, bytes).unwrap();
        }
        let stderr = batch_following_up(&archive, &out, &[]);
        assert!(!pdf::text(&out.join(mette)).contains("Opfølgning på sidste års udviklingsplan"));
        let roster = example_roster().display().to_string();
        let note = stderr
            .lines()
            .find(|l| l.starts_with(&format!("note: {roster}:2: ")))
            .unwrap_or_else(|| panic!("{stderr}"))
            .to_string();
        assert!(
            note.contains(&format!(
                "last year's guide {} cannot be read: ",
                file.display()
            )),
            "{note}"
        );
        note
    };
    // Longer by a byte: the size tells, without reading it.
    let mut longer = original.clone();
    longer.push(b'\n');
    let note = note_on_her_row(Some(longer));
    assert!(
        note.contains("it is no longer the file the archive took in (its size differs"),
        "{note}"
    );
    // Without a record, the file is read, and one changed byte tells.
    conn.execute("UPDATE guides SET carried = NULL", [])
        .unwrap();
    let mut changed = original.clone();
    changed[original.len() / 2] ^= 1;
    let note = note_on_her_row(Some(changed));
    assert!(note.contains("(its SHA-256 differs"), "{note}");
    // Gone.
    let note = note_on_her_row(None);
    assert!(note.contains("No such file"), "{note}");
    let plans = common::archive(&archive)
        .args(["plans", "--csv", "-"])
        .assert()
        .failure();
    let said = String::from_utf8_lossy(&plans.get_output().stderr).into_owned();
    assert!(
        said.contains(&format!("{path}: its answers cannot be read: No such file")),
        "{said}"
    );
}

#[test]
fn a_leader_whose_level_changed_keeps_the_plan_and_only_the_ratings_that_still_apply() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("chef.pdf");
    mus()
        .args(["guide", "--role", "chef", "--focus", "saet-retning"])
        .args([
            "--name",
            "Mette Søgaard",
            "--date",
            "2027-01-15",
            "--previous",
        ])
        .arg(fixture("signed.pdf"))
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let text = pdf::text(&out);
    assert!(squeeze(&text).contains(&squeeze(GOAL)));
    // Last year's rated expectations (leder-af-medarbejdere, Sæt retning 1 and 2) count
    // only where a chef's expectation has the same text.
    let framework = mus::model::framework::Framework::builtin().unwrap();
    let texts = |level: &str| -> Vec<String> {
        framework
            .level(level)
            .unwrap()
            .expectations
            .iter()
            .filter(|e| e.principle == "saet-retning")
            .map(|e| e.text.clone())
            .collect()
    };
    let (then, now) = (texts("leder-af-medarbejdere"), texts("chef"));
    let shared = now.iter().filter(|t| then[..2].contains(t)).count();
    assert_eq!(text.matches("Sidste år").count(), shared);
}

#[test]
fn someone_elses_or_a_later_guide_is_followed_up_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let previous = fixture("unsigned.pdf");
    let run = mus()
        .args([
            "guide",
            "--role",
            "chef",
            "--name",
            "Bo Holm",
            "--date",
            "2026-01-01",
        ])
        .arg("--previous")
        .arg(&previous)
        .arg("-o")
        .arg(dir.path().join("bo.pdf"))
        .assert()
        .success();
    let stderr = String::from_utf8(run.get_output().stderr.clone()).unwrap();
    let at = format!("note: {}: ", previous.display());
    let notes: Vec<&str> = stderr.lines().filter_map(|l| l.strip_prefix(&at)).collect();
    assert_eq!(notes.len(), 3, "{stderr}");
    assert!(notes[0].starts_with("it is the guide of Mette Søgaard (2026-"));
    assert!(notes[0].ends_with("), and this one is for Bo Holm"));
    assert_eq!(
        notes[1],
        "its dialogue (2026-01-14) is not before this one (2026-01-01)"
    );
    assert_eq!(
        notes[2],
        "it is not signed by everyone it names: the plan is shown as not signed"
    );
}

/// Last year's guides of tests/fixtures/cycle (scripts/make-cycle-fixtures.sh), archived.
fn cycle_archive(dir: &Path) -> PathBuf {
    let files = common::pdfs_in(&common::fixture("cycle"));
    assert_eq!(files.len(), 7);
    common::archive_of(dir, files)
}

/// The 120-row example roster (scripts/make-roster.py 120) against an archive holding last
/// year's guides of five of its leaders, one since renamed and moved, and two guides of a
/// sixth's namesakes without an employee id.
#[test]
fn a_batch_of_120_follows_up_exactly_the_archived_rows() {
    let dir = tempfile::tempdir().unwrap();
    let archive = cycle_archive(dir.path());
    let roster = common::fixture("cycle/roster-120.csv");
    let roster_name = roster.display().to_string();
    // Rows 2, 9, 12 and 13 by id, name and unit as last year; row 32 by id alone (last
    // year "Dmitrij Holm" in Skoler Syd, now "Maja Sørensen" in Sundhedsplejen).
    let followed = [2, 9, 12, 13, 32];

    let dry = mus()
        .arg("batch")
        .arg(&roster)
        .arg("--out-dir")
        .arg(dir.path().join("2027"))
        .arg("--previous")
        .arg(&archive)
        .arg("--dry-run")
        .assert()
        .success();
    let stdout = String::from_utf8(dry.get_output().stdout.clone()).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 120);
    for (i, line) in lines.iter().enumerate() {
        let row = i + 2;
        assert!(
            line.starts_with(&format!("{roster_name}:{row}: ")),
            "{line}"
        );
        if followed.contains(&row) {
            assert!(line.contains(" · follows up "), "{line}");
        } else if row == 47 {
            assert!(
                line.ends_with(" · 2 possible previous guides, none used"),
                "{line}"
            );
        } else {
            assert!(line.ends_with(" · no previous guide"), "{line}");
        }
    }
    assert!(
        lines[30].contains("2026/skoler-syd/dmitrij-holm-2026-"),
        "{}",
        lines[30]
    );

    let out_dir = dir.path().join("2027");
    let run = mus()
        .arg("batch")
        .arg(&roster)
        .arg("--out-dir")
        .arg(&out_dir)
        .arg("--previous")
        .arg(&archive)
        .assert()
        .success();
    let stderr = String::from_utf8(run.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.contains(": 5 guides follow up last year's, 114 rows have none, 1 have several candidates (none used)"),
        "{stderr}"
    );
    let ambiguous = stderr
        .lines()
        .find(|l| l.starts_with(&format!("note: {roster_name}:47: ")))
        .unwrap_or_else(|| panic!("row 47 is not reported: {stderr}"));
    assert!(
        ambiguous.contains("2 guides in")
            && ambiguous
                .matches("2026/jobcenter/aerling-papadopoulou-2026-")
                .count()
                == 2
            && ambiguous.contains("none is used"),
        "{ambiguous}"
    );

    // Read back from every guide: exactly the followed rows carry last year's plan.
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("manifest.json")).unwrap()).unwrap();
    let records = manifest["guides"].as_array().unwrap();
    assert_eq!(records.len(), 120);
    let mut with_plan = Vec::new();
    for record in records {
        let row = record["row"].as_u64().unwrap() as usize;
        let text = pdf::text(&out_dir.join(record["file"].as_str().unwrap()));
        let has_plan = text.contains("Opfølgning på sidste års udviklingsplan");
        assert_eq!(
            has_plan,
            squeeze(&text).contains(&squeeze(GOAL)),
            "row {row}: the heading and last year's goal go together"
        );
        if has_plan {
            assert!(text.contains("Ikke underskrevet"), "row {row}");
            with_plan.push(row);
        }
    }
    with_plan.sort();
    // Row 82 (Søren Østergård, Dagtilbud Nord, id 100080) shares row 2's name and unit
    // but not its id: last year's guide is row 2's alone.
    assert_eq!(with_plan, followed);
}
