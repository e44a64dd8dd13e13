//! The application layer called directly, as a front end other than the command line
//! calls it: typed requests in (files given as uploads in memory), typed results out,
//! nothing printed. Where the command line does the same, the results are compared with
//! what the binary writes.

mod common;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use common::pdf;
use mus::app::archive::{self, AddOptions, Verdict};
use mus::app::batch::{self, BatchRequest, Outcome, Progress};
use mus::app::guide::{make_guide, GuideRequest};
use mus::app::{self as app, Input, Upload};
use mus::archive::status::Standing;
use mus::archive::Status;

/// 2027-01-15 08:00 UTC.
const EPOCH: i64 = 1_800_000_000;

fn request(name: &str) -> GuideRequest {
    GuideRequest {
        role: "leder-af-medarbejdere".into(),
        focus: vec!["saet-retning".into()],
        name: Some(name.into()),
        manager: Some("Bodil Kjærgård".into()),
        unit: Some("Dagtilbud Nord".into()),
        date: Some("2027-01-15".into()),
        form: true,
        epoch: Some(EPOCH),
        ..GuideRequest::default()
    }
}

fn upload(label: &str, bytes: impl Into<Vec<u8>>) -> Input {
    Input::Upload(Upload {
        label: label.into(),
        bytes: bytes.into(),
    })
}

/// A committed signed fixture's bytes.
fn signed(name: &str) -> Vec<u8> {
    common::read(&common::committed(name))
}

#[test]
fn make_guide_returns_the_pdf_with_the_leaders_name_and_the_clis_file_name() {
    let made = make_guide(&request("Åse Ærø Holm")).unwrap();
    assert!(made.pdf.starts_with(b"%PDF-"));
    let text = pdf::text_of_bytes(&made.pdf);
    assert!(text.contains("Åse Ærø Holm"), "{text}");
    assert!(text.contains("Bodil Kjærgård"), "{text}");
    assert_eq!(made.file_name, "mus-aase-aeroe-holm-2027-01-15.pdf");
    assert!(made.id.starts_with("2027-"), "{}", made.id);
    let pages = lopdf::Document::load_mem(&made.pdf)
        .unwrap()
        .get_pages()
        .len();
    assert_eq!(made.pages, pages);
    assert!(made.notes.is_empty());
}

#[test]
fn make_guide_gives_the_bytes_the_command_line_writes() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("g.pdf");
    common::mus()
        .env("SOURCE_DATE_EPOCH", EPOCH.to_string())
        .args(["guide", "--role", "leder-af-medarbejdere"])
        .args(["--focus", "saet-retning", "--name", "Åse Ærø Holm"])
        .args(["--manager", "Bodil Kjærgård", "--unit", "Dagtilbud Nord"])
        .args(["--date", "2027-01-15", "-o"])
        .arg(&out)
        .assert()
        .success();
    let made = make_guide(&request("Åse Ærø Holm")).unwrap();
    assert!(std::fs::read(&out).unwrap() == made.pdf, "the bytes differ");
}

#[test]
fn make_guide_errors_name_the_field_they_concern() {
    let field = |request: GuideRequest| match make_guide(&request) {
        Ok(_) => panic!("made a guide of a bad request"),
        Err(e) => app::field(&e),
    };
    assert_eq!(
        field(GuideRequest {
            role: "bestyrer".into(),
            ..request("Bo")
        }),
        Some("role")
    );
    assert_eq!(
        field(GuideRequest {
            focus: vec!["mod".into()],
            ..request("Bo")
        }),
        Some("focus")
    );
    assert_eq!(field(request("Bo\u{7}")), Some("name"));
    assert_eq!(
        field(GuideRequest {
            date: Some("2027-02-30".into()),
            ..request("Bo")
        }),
        Some("date")
    );
    assert_eq!(
        field(GuideRequest {
            previous: Some(upload("sidste-aar.pdf", b"not a pdf".to_vec())),
            ..request("Bo")
        }),
        Some("previous")
    );
}

#[test]
fn a_guide_following_up_an_uploaded_guide_of_someone_else_says_so() {
    let made = make_guide(&GuideRequest {
        date: Some("2028-01-14".into()),
        previous: Some(upload("sidste-aar.pdf", signed("signed-both.pdf"))),
        ..request("Bo Dahl")
    })
    .unwrap();
    assert_eq!(made.notes.len(), 1, "{:?}", made.notes);
    assert!(
        made.notes[0].starts_with("it is the guide of Łukasz Øster-Ågård"),
        "{:?}",
        made.notes
    );
}

fn batch_request(roster: &str, out_dir: &Path) -> BatchRequest {
    BatchRequest {
        roster: upload("afdeling.csv", roster.as_bytes().to_vec()),
        sheet: None,
        out_dir: out_dir.to_path_buf(),
        framework: None,
        templates: None,
        date: Some("2027-01-15".into()),
        epoch: Some(EPOCH),
        jobs: Some(2),
        keep_going: false,
        form: true,
        previous: None,
    }
}

const ROSTER: &str =
    "navn;rolle;enhed\nAnne Ås;chef;Nord\nBo Dahl;bestyrer;Syd\nCarl Ørn;leder-af-ledere;Vest\n";

#[test]
fn batch_check_reports_a_bad_rows_problem_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("guides");
    let check = batch::check(&batch_request(ROSTER, &out_dir)).unwrap();
    assert_eq!(check.rows, 3);
    assert_eq!(
        check.entries.iter().map(|e| e.row).collect::<Vec<_>>(),
        [2, 4]
    );
    assert_eq!(check.problems.len(), 1);
    let problem = &check.problems[0];
    assert_eq!((problem.row, problem.column.as_str()), (3, "rolle"));
    let shown = problem.to_string();
    assert!(
        shown.starts_with("afdeling.csv:3: rolle: unknown role 'bestyrer'"),
        "{shown}"
    );
    assert_eq!(check.problems_of(3).count(), 1);
    assert!(!check.proceeds());
    assert!(!out_dir.exists());
    // Refused as a whole without keep_going: nothing is written.
    let err = batch::run(&batch_request(ROSTER, &out_dir), &batch::NoProgress).unwrap_err();
    assert!(
        matches!(err.model(), Some(mus::model::error::Error::Rows { .. })),
        "{err}"
    );
    assert!(!out_dir.exists());
}

/// Counts what a batch tells its progress.
#[derive(Default)]
struct Counter {
    total: AtomicUsize,
    done: AtomicUsize,
    failed: AtomicUsize,
}

impl Progress for Counter {
    fn start(&self, total: usize) {
        self.total.store(total, Ordering::SeqCst);
    }
    fn done(&self, outcome: &Outcome) {
        self.done.fetch_add(1, Ordering::SeqCst);
        if matches!(outcome, Outcome::Failed { .. }) {
            self.failed.fetch_add(1, Ordering::SeqCst);
        }
    }
}

#[test]
fn batch_run_with_keep_going_writes_the_valid_rows_and_the_manifest() {
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("guides");
    let counter = Counter::default();
    let request = BatchRequest {
        keep_going: true,
        ..batch_request(ROSTER, &out_dir)
    };
    let (check, report) = batch::run(&request, &counter).unwrap();
    assert_eq!(check.problems.len(), 1);
    assert_eq!(counter.total.load(Ordering::SeqCst), 2);
    assert_eq!(counter.done.load(Ordering::SeqCst), 2);
    assert_eq!(counter.failed.load(Ordering::SeqCst), 0);
    assert_eq!((report.summary.written, report.failed()), (2, 1));
    let mut files: Vec<String> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let written: Vec<PathBuf> = report
        .outcomes
        .iter()
        .zip(&check.entries)
        .map(|(o, e)| match o {
            Outcome::Written(made) if made.row == e.row => out_dir.join(&e.file),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(files.len(), 4, "{files:?}");
    assert!(
        files.contains(&batch::MANIFEST_JSON.to_string()),
        "{files:?}"
    );
    assert!(
        files.contains(&batch::MANIFEST_CSV.to_string()),
        "{files:?}"
    );
    let text = pdf::text_of_bytes(&std::fs::read(&written[1]).unwrap());
    assert!(text.contains("Carl Ørn"), "{text}");
    // The same roster again changes nothing.
    let (_, again) = batch::run(&request, &batch::NoProgress).unwrap();
    assert_eq!((again.summary.written, again.summary.unchanged), (0, 2));
}

#[test]
fn archive_add_of_uploads_returns_a_verdict_per_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("arkiv");
    let files = [
        upload("underskrevet.pdf", signed("signed-both.pdf")),
        upload("igen.pdf", signed("signed-both.pdf")),
        upload("aendret.pdf", signed("signed-both-tampered.pdf")),
        upload("tom.pdf", signed("unsigned.pdf")),
        upload("kaempe.pdf", vec![b' '; 65 * 1024 * 1024]),
    ];
    let report = archive::add(&dir, &files, AddOptions::default()).unwrap();
    let labels: Vec<&str> = report.verdicts.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(
        labels,
        [
            "underskrevet.pdf",
            "igen.pdf",
            "aendret.pdf",
            "tom.pdf",
            "kaempe.pdf"
        ]
    );
    let [(_, accepted), (_, unchanged), (_, tampered), (_, empty), (_, huge)] =
        &report.verdicts[..]
    else {
        panic!()
    };
    let Verdict::Accepted(guide) = accepted else {
        panic!("{accepted:?}")
    };
    assert_eq!(guide.status, Status::Signed);
    assert_eq!(guide.leader, "Łukasz Øster-Ågård");
    assert!(dir.join(&guide.path).is_file());
    assert!(matches!(unchanged, Verdict::Unchanged(g) if g.path == guide.path));
    assert!(
        matches!(tampered, Verdict::Refused(r) if !r.unsigned_only() && !r.reason.is_empty()),
        "{tampered:?}"
    );
    assert!(
        matches!(empty, Verdict::Refused(r) if r.unsigned_only()),
        "{empty:?}"
    );
    assert!(
        matches!(huge, Verdict::Unreadable(m) if m.starts_with("kaempe.pdf: is 65.0 MiB")),
        "{huge:?}"
    );

    // What the archive now holds, read through the other operations.
    let listed = archive::list(&dir, &archive::ListFilter::default()).unwrap();
    assert_eq!(listed, vec![guide.clone()]);
    let roster = "navn;enhed\nŁukasz Øster-Ågård;Dagtilbud Nord\nBo Dahl;Syd\n";
    let status = archive::status(
        &dir,
        &archive::StatusRequest {
            roster: upload("afdeling.csv", roster.as_bytes().to_vec()),
            sheet: None,
            year: 2027,
        },
    )
    .unwrap();
    let standings: Vec<Standing> = status.lines.iter().map(|l| l.standing).collect();
    assert_eq!(standings, [Standing::Signed, Standing::Missing]);
    assert_eq!(status.origin, "afdeling.csv");
    let verified = archive::verify(&dir, &[]).unwrap();
    assert_eq!((verified.checked, verified.problems.len()), (1, 0));
    let plans = archive::plans(&dir, &archive::PlansRequest::default()).unwrap();
    assert_eq!(plans.guides, plans.lines.len().min(1));
    assert!(plans.csv.starts_with("\u{feff}År;Enhed;Leder".as_bytes()));
    let report = archive::report(
        &dir,
        &archive::ReportRequest {
            roster: upload("afdeling.csv", roster.as_bytes().to_vec()),
            sheet: None,
            year: 2027,
            unit: None,
            min_group: 1,
            created: EPOCH,
        },
    )
    .unwrap();
    assert_eq!(
        (report.figures.total.leaders, report.figures.total.signed),
        (2, 1)
    );
    assert!(pdf::text_of_bytes(&report.pdf).contains("2027"));
    assert!(!report.csv.is_empty());
}

#[test]
fn archive_operations_on_a_missing_archive_are_errors_not_archives() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ingen");
    assert!(archive::list(&dir, &archive::ListFilter::default()).is_err());
    assert!(archive::verify(&dir, &[]).is_err());
    assert!(!dir.exists());
}

#[test]
fn frameworks_are_listed_shown_exported_and_checked() {
    let list = app::framework::list(None).unwrap();
    assert!(list.contains("leder-af-medarbejdere"), "{list}");
    let show = app::framework::show(None, "chef", &["saet-retning"]).unwrap();
    assert!(!show.is_empty());
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("f.json");
    std::fs::write(&file, app::framework::export(None).unwrap()).unwrap();
    let check = app::framework::check(&file).unwrap();
    assert_eq!(check.levels, 4);
    assert_eq!(check.principles, 5);
    assert_eq!(check.organisation, "Sønderborg Kommune");
}

/// A refusal names the kind of its first reason, for a front end that says it in its own
/// words (the web pages in Danish): one attack of each kind from the attack corpus.
#[test]
fn a_refusal_names_the_kind_of_rule_that_refused_it() {
    use mus::archive::Fault;
    let attacks = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/attacks");
    let anchors = mus::signature::load_trust_anchors(&attacks.join("ca.pem")).unwrap();
    let docmdp = mus::signature::load_trust_anchors(&attacks.join("docmdp-ca.pem")).unwrap();
    let cases: &[(&[&str], &str, Fault, &[mus::signature::TrustAnchor])] = &[
        (&[], "isa-decoy-eof.pdf", Fault::Unreadable, &[]),
        (&[], "shadow-hide.pdf", Fault::ChangedAfterSigning, &[]),
        (
            &[],
            "shadow-replace-field.pdf",
            Fault::FilledInAfterSigning,
            &[],
        ),
        (&[], "usf-contents-empty.pdf", Fault::InvalidSignature, &[]),
        (&[], "manager-in-leader-field.pdf", Fault::WrongSigner, &[]),
        (&[], "same-key-renewed.pdf", Fault::SharedKey, &anchors),
        (&[], "wrong-name.pdf", Fault::WrongSigner, &anchors),
        (&[], "seal-only.pdf", Fault::Unsigned, &anchors),
        (
            &[],
            "certified-no-changes.pdf",
            Fault::ForbiddenByCertification,
            &docmdp,
        ),
        (
            &["same-guide-id-first.pdf"],
            "same-guide-id-other-leader.pdf",
            Fault::GuideIdTaken,
            &[],
        ),
    ];
    let mut wrong = Vec::new();
    for (before, file, fault, anchors) in cases {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("arkiv");
        let files: Vec<Input> = before
            .iter()
            .chain([file])
            .map(|f| upload(f, std::fs::read(attacks.join(f)).unwrap()))
            .collect();
        let options = AddOptions {
            allow_unsigned: false,
            anchors: anchors.to_vec(),
        };
        let report = archive::add(&dir, &files, options).unwrap();
        match &report.verdicts.last().unwrap().1 {
            Verdict::Refused(r) if r.fault == *fault => {
                assert_eq!(r.unsigned_only(), *fault == Fault::Unsigned, "{file}");
            }
            other => wrong.push(format!("{file}: expected {fault:?}, got {other:?}")),
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
