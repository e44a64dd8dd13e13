//! `mus batch` end to end: rosters in every format, validation, safe file names,
//! idempotent re-runs and the manifest.

mod common;

use std::path::Path;

use assert_cmd::Command;
use common::{mus, pdfs_in, squeeze, stderr_of};
use mus::model::framework::Framework;
use sha2::{Digest, Sha256};

const FIRST: [&str; 12] = [
    "Søren", "Mette", "Åse", "Jørgen", "Birthe", "Ærling", "Kirsten", "Bjørn", "Hanne", "Rasmus",
    "Maja", "Frederik",
];
const LAST: [&str; 10] = [
    "Østergård",
    "Kjærgaard",
    "Sørensen",
    "Ærø",
    "Nielsen",
    "Bæk",
    "Holm",
    "Lindqvist",
    "Dahl",
    "Møller-Andersen",
];
const ROLES: [&str; 8] = [
    "Leder af medarbejdere",
    "leder-af-medarbejdere",
    "Leder af ledere",
    "chef",
    "Chefer",
    "Direktionen",
    "LEDER AF MEDARBEJDERE",
    "leder af ledere",
];
const FOCUS: [&str; 6] = [
    "Sæt retning; Opdyrk potentialer",
    "retning, potentialer",
    "",
    "følgeskab|handlekraft",
    "Skab sammenhængskraft",
    "sæt-retning",
];
const DATES: [&str; 4] = ["15-01-2027", "15.01.2027", "2027-01-18", "19/1/2027"];

/// One roster row: name, role, focus, manager, unit, date (as written), id.
type Row = [String; 7];

fn roster_rows(n: usize) -> Vec<Row> {
    (0..n)
        .map(|i| {
            [
                format!("{} {}", FIRST[i % FIRST.len()], LAST[(i / 3) % LAST.len()]),
                ROLES[i % ROLES.len()].to_string(),
                FOCUS[i % FOCUS.len()].to_string(),
                format!(
                    "{} {}",
                    FIRST[(i + 5) % FIRST.len()],
                    LAST[(i + 2) % LAST.len()]
                ),
                if i % 17 == 0 {
                    "Skole; Nord\r\nafdeling 2".to_string()
                } else {
                    format!("Enhed {}", i % 9)
                },
                DATES[i % DATES.len()].to_string(),
                format!("{}", 10_000 + i),
            ]
        })
        .collect()
}

const HEADER: [&str; 8] = [
    "Navn",
    "Rolle",
    "Fokus",
    "Leder",
    "Afdeling",
    "Dato",
    "Medarbejdernr",
    "Ekstra kolonne",
];

fn csv_text(rows: &[Row]) -> String {
    let quote = |c: &str| {
        if c.contains([';', '"', '\n', '\r']) {
            format!("\"{}\"", c.replace('"', "\"\""))
        } else {
            c.to_string()
        }
    };
    let mut text = HEADER.join(";") + "\r\n";
    for r in rows {
        let mut cells: Vec<String> = r.iter().map(|c| quote(c)).collect();
        cells.push("ignoreres".into());
        text.push_str(&cells.join(";"));
        text.push_str("\r\n");
    }
    text
}

fn write_windows_1252(path: &Path, rows: &[Row]) {
    let text = csv_text(rows);
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&text);
    assert!(!unmappable);
    let mut out = b"\xEF\xBB\xBF".to_vec();
    out.extend_from_slice(&bytes);
    std::fs::write(path, out).unwrap();
}

fn write_xlsx(path: &Path, rows: &[Row]) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let date_format = rust_xlsxwriter::Format::new().set_num_format("dd-mm-yyyy");
    for (c, h) in HEADER.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, value) in row.iter().enumerate() {
            if c == 5 {
                let d = mus::app::batch::produce::parse_roster_date(value).unwrap();
                use chrono::Datelike;
                let excel = rust_xlsxwriter::ExcelDateTime::from_ymd(
                    d.year() as u16,
                    d.month() as u8,
                    d.day() as u8,
                )
                .unwrap();
                sheet
                    .write_datetime_with_format(r, c as u16, &excel, &date_format)
                    .unwrap();
            } else if c == 6 {
                sheet
                    .write_number(r, c as u16, value.parse::<f64>().unwrap())
                    .unwrap();
            } else {
                sheet.write_string(r, c as u16, value).unwrap();
            }
        }
    }
    book.save(path).unwrap();
}

fn write_json(path: &Path, rows: &[Row]) {
    let items: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| {
            serde_json::json!({
                "name": r[0], "role": r[1], "focus": r[2], "manager": r[3], "unit": r[4], "date": r[5], "id": r[6],
            })
        })
        .collect();
    std::fs::write(path, serde_json::to_string_pretty(&items).unwrap()).unwrap();
}

#[test]
fn a_windows_1252_roster_of_120_gives_120_correct_guides_identical_across_formats() {
    let dir = tempfile::tempdir().unwrap();
    let rows = roster_rows(120);
    let csv = dir.path().join("afdeling.csv");
    write_windows_1252(&csv, &rows);
    let out = dir.path().join("cp1252");
    mus()
        .arg("batch")
        .arg(&csv)
        .arg("--out-dir")
        .arg(&out)
        .arg("--quiet")
        .assert()
        .code(0);

    let files = pdfs_in(&out);
    assert_eq!(files.len(), 120);
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let guides = manifest["guides"].as_array().unwrap();
    assert_eq!(guides.len(), 120);
    let framework = Framework::builtin().unwrap();
    for (i, g) in guides.iter().enumerate() {
        assert_eq!(
            g["row"],
            i + 2,
            "rows are numbered as the spreadsheet numbers them"
        );
        let path = out.join(g["file"].as_str().unwrap());
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(
            g["sha256"].as_str().unwrap(),
            format!("{:x}", Sha256::digest(&bytes))
        );
        assert_eq!(g["name"], rows[i][0]);

        let doc = lopdf::Document::load_mem(&bytes).unwrap();
        let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
        let text = squeeze(&doc.extract_text(&pages).unwrap());
        assert!(
            text.contains(&squeeze(&rows[i][0])),
            "row {}: name missing",
            i + 2
        );
        let level = framework.resolve_level(&rows[i][1]).unwrap();
        let focus: Vec<String> = g["focus"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap().to_string())
            .collect();
        for e in &level.expectations {
            let present = text.contains(&squeeze(&e.text));
            assert_eq!(
                present,
                focus.contains(&e.principle),
                "row {}: {}",
                i + 2,
                e.text
            );
        }
    }
    let csv_manifest = std::fs::read(out.join("manifest.csv")).unwrap();
    assert!(csv_manifest.starts_with(b"\xEF\xBB\xBFR\xC3\xA6kke;Id;Navn;Rolle;Fokus"));
    // White space inside a cell (a line break in a unit) is folded, so one line per guide.
    assert_eq!(
        String::from_utf8(csv_manifest)
            .unwrap()
            .matches("\r\n")
            .count(),
        121
    );

    // The same roster as UTF-8, as .xlsx and as JSON gives byte-identical guides.
    let utf8 = dir.path().join("utf8.csv");
    std::fs::write(&utf8, csv_text(&rows)).unwrap();
    let xlsx = dir.path().join("afdeling.xlsx");
    write_xlsx(&xlsx, &rows);
    let json = dir.path().join("afdeling.json");
    write_json(&json, &rows);
    for (roster, name) in [(&utf8, "utf8"), (&xlsx, "xlsx"), (&json, "json")] {
        let other = dir.path().join(name);
        mus()
            .arg("batch")
            .arg(roster)
            .arg("--out-dir")
            .arg(&other)
            .arg("--quiet")
            .assert()
            .code(0);
        let other_files = pdfs_in(&other);
        assert_eq!(other_files.len(), 120, "{name}");
        for (a, b) in files.iter().zip(&other_files) {
            assert_eq!(a.file_name(), b.file_name(), "{name}");
            assert!(
                std::fs::read(a).unwrap() == std::fs::read(b).unwrap(),
                "{name}: {} differs",
                b.display()
            );
        }
    }
}

#[test]
fn bad_rows_are_all_reported_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("afdeling.csv");
    std::fs::write(
        &csv,
        "navn;rolle;fokus;dato\r\nAne Bæk;chef;retning;15-01-2027\r\nBo Holm;Leder af ledre;;15-01-2027\r\nCarl Dahl;chef;retning, følgskab;\r\nDorte Ravn;chef;;31-02-2027\r\n",
    )
    .unwrap();
    let out = dir.path().join("ud");
    let result = mus()
        .arg("batch")
        .arg(&csv)
        .arg("--out-dir")
        .arg(&out)
        .args(["--date", "2027-01-20"])
        .assert()
        .code(2);
    let err = stderr_of(&result);
    let file = csv.display();
    for expected in [
        format!("error: {file}:3: rolle: unknown role 'Leder af ledre' — did you mean 'leder-af-ledere'?"),
        format!("error: {file}:4: fokus: unknown principle 'følgskab' — did you mean 'faa-foelgeskab'?"),
        format!("error: {file}:5: dato: '31-02-2027' is not a valid date — use 2027-01-15, 15-01-2027, 15.01.2027 or 15/1/2027"),
    ] {
        assert!(err.contains(&expected), "missing:\n{expected}\nin:\n{err}");
    }
    assert!(err.contains("nothing was written"), "{err}");
    assert!(!out.exists(), "nothing may be written, not even the folder");

    let result = mus()
        .arg("batch")
        .arg(&csv)
        .arg("--out-dir")
        .arg(&out)
        .args(["--date", "2027-01-20", "--keep-going"])
        .assert()
        .code(1);
    assert!(stderr_of(&result).contains("3: rolle: unknown role"));
    let files: Vec<String> = pdfs_in(&out)
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files, ["ane-baek-chef-2027-01-15.pdf"]);
}

#[test]
fn hostile_names_give_safe_files_inside_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("r.json");
    std::fs::write(
        &json,
        r#"[{"navn": "../../x", "rolle": "chef"}, {"navn": "CON", "rolle": "chef"}, {"navn": ".hidden/..\\evil", "rolle": "chef"},
            {"navn": "Ole Ørum", "rolle": "chef", "id": "A/1"}, {"navn": "Ole Ørum", "rolle": "chef", "id": "B 2"}, {"navn": "Ole Ørum", "rolle": "chef"}]"#,
    )
    .unwrap();
    let out = dir.path().join("ud");
    mus()
        .arg("batch")
        .arg(&json)
        .arg("--out-dir")
        .arg(&out)
        .args(["--date", "2027-01-15", "--quiet"])
        .assert()
        .code(0);
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "con-chef-2027-01-15.pdf",
            "hidden-evil-chef-2027-01-15.pdf",
            "manifest.csv",
            "manifest.json",
            "ole-oerum-chef-2027-01-15-a-1.pdf",
            "ole-oerum-chef-2027-01-15-b-2.pdf",
            "ole-oerum-chef-2027-01-15-raekke-6.pdf",
            "x-chef-2027-01-15.pdf",
        ]
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        2,
        "nothing outside --out-dir"
    );
}

#[test]
fn a_rerun_is_idempotent_and_never_touches_foreign_files() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("r.csv");
    std::fs::write(
        &csv,
        "navn;rolle;dato\nAne Bæk;chef;15-01-2027\nBo Holm;chef;15-01-2027\n",
    )
    .unwrap();
    let out = dir.path().join("ud");
    mus()
        .arg("batch")
        .arg(&csv)
        .arg("--out-dir")
        .arg(&out)
        .assert()
        .code(0);
    let ane = out.join("ane-baek-chef-2027-01-15.pdf");
    let first = std::fs::metadata(&ane).unwrap().modified().unwrap();
    let manifest = std::fs::read(out.join("manifest.json")).unwrap();
    let written = |name: &str| {
        std::fs::metadata(out.join(name))
            .unwrap()
            .modified()
            .unwrap()
    };
    let manifests = [written("manifest.json"), written("manifest.csv")];

    std::thread::sleep(std::time::Duration::from_millis(20));
    let result = mus()
        .arg("batch")
        .arg(&csv)
        .arg("--out-dir")
        .arg(&out)
        .assert()
        .code(0);
    assert!(
        stderr_of(&result).contains("0 written, 2 unchanged, 0 failed"),
        "{}",
        stderr_of(&result)
    );
    assert_eq!(
        std::fs::metadata(&ane).unwrap().modified().unwrap(),
        first,
        "an identical file is left as it is"
    );
    assert_eq!(std::fs::read(out.join("manifest.json")).unwrap(), manifest);
    assert_eq!(
        [written("manifest.json"), written("manifest.csv")],
        manifests,
        "manifests of the same bytes are left as they are"
    );
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| !n.ends_with(".tmp")),
        "no temporary file is left: {names:?}"
    );

    // A changed row replaces the file mus wrote; a file mus did not write is never touched.
    std::fs::write(&csv, "navn;rolle;dato;enhed\nAne Bæk;chef;15-01-2027;Ny enhed\nBo Holm;chef;15-01-2027;\nCai Ask;chef;15-01-2027;\n").unwrap();
    let foreign = out.join("cai-ask-chef-2027-01-15.pdf");
    std::fs::write(&foreign, b"my own notes").unwrap();
    let result = mus()
        .arg("batch")
        .arg(&csv)
        .arg("--out-dir")
        .arg(&out)
        .arg("--keep-going")
        .assert()
        .code(1);
    let err = stderr_of(&result);
    assert!(
        err.contains("cai-ask-chef-2027-01-15.pdf exists and is not a PDF; it is left as it is"),
        "{err}"
    );
    assert!(err.contains("1 written, 1 unchanged, 1 failed"), "{err}");
    assert_eq!(std::fs::read(&foreign).unwrap(), b"my own notes");
    let text = lopdf::Document::load(&ane)
        .unwrap()
        .extract_text(&[1])
        .unwrap();
    assert!(text.contains("Ny enhed"));
}

#[test]
fn dry_run_validates_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let roster = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/afdeling.csv");
    let out = dir.path().join("ud");
    let result = mus()
        .args([
            "batch",
            roster,
            "--dry-run",
            "--date",
            "2027-01-25",
            "--out-dir",
        ])
        .arg(&out)
        .assert()
        .code(0);
    let stdout = String::from_utf8(result.get_output().stdout.clone()).unwrap();
    assert_eq!(stdout.lines().count(), 7, "{stdout}");
    assert!(stdout.contains(":3: Łukasz Øster-Ågård · leder-af-medarbejdere · saet-retning, opdyrk-potentialer · 2027-01-15 → "), "{stdout}");
    assert!(!out.exists());
}

#[test]
fn the_example_rosters_agree() {
    let dir = tempfile::tempdir().unwrap();
    let mut outputs = Vec::new();
    for ext in ["csv", "xlsx", "json"] {
        let roster = format!("{}/examples/afdeling.{ext}", env!("CARGO_MANIFEST_DIR"));
        let out = dir.path().join(ext);
        mus()
            .args([
                "batch",
                &roster,
                "--quiet",
                "--date",
                "2027-01-25",
                "--out-dir",
            ])
            .arg(&out)
            .assert()
            .code(0);
        outputs.push(std::fs::read(out.join("manifest.json")).unwrap());
    }
    let strip = |m: &[u8]| {
        let mut v: serde_json::Value = serde_json::from_slice(m).unwrap();
        v.as_object_mut().unwrap().remove("roster");
        // A JSON roster numbers items, a spreadsheet rows (after its header).
        for g in v["guides"].as_array_mut().unwrap() {
            g.as_object_mut().unwrap().remove("row");
        }
        v
    };
    assert_eq!(strip(&outputs[0]), strip(&outputs[1]));
    assert_eq!(strip(&outputs[0]), strip(&outputs[2]));
}

#[test]
fn a_roster_without_a_role_column_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("r.csv");
    std::fs::write(&csv, "navn;stilling\nAne;chef\n").unwrap();
    let result = mus()
        .arg("batch")
        .arg(&csv)
        .arg("--out-dir")
        .arg(dir.path().join("ud"))
        .assert()
        .code(2);
    assert_eq!(
        stderr_of(&result),
        format!(
            "error: {}: no role column; name one of: rolle, niveau, role, level, ledelsesniveau (found: navn)\n",
            csv.display()
        )
    );
}

/// Issue 11: a roster name `=HYPERLINK(…)` went raw into manifest.csv, where Excel runs it.
/// Cells that start with = + - @ (or tab, CR) get a leading ' (OWASP's CSV-injection
/// advice); manifest.json keeps the real value.
#[test]
fn formulas_in_roster_cells_are_neutralised_in_manifest_csv() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("r.json");
    let names = [
        r#"=HYPERLINK("http://x";"klik")"#,
        "+cmd|'/c calc'!A0",
        "@SUM(1)",
        "-2+3",
        "Ane Bæk",
    ];
    let items: Vec<serde_json::Value> = names
        .iter()
        .enumerate()
        .map(|(i, n)| serde_json::json!({"navn": n, "rolle": "chef", "enhed": "=1+1", "id": format!("-{i}")}))
        .collect();
    std::fs::write(&json, serde_json::to_string(&items).unwrap()).unwrap();
    let out = dir.path().join("ud");
    mus()
        .arg("batch")
        .arg(&json)
        .arg("--out-dir")
        .arg(&out)
        .args(["--date", "2027-01-15", "--quiet"])
        .assert()
        .code(0);
    let bytes = std::fs::read(out.join("manifest.csv")).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(&bytes[3..]);
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let csv_names: Vec<&str> = rows.iter().map(|r| &r[2]).collect();
    assert_eq!(
        csv_names,
        [
            r#"'=HYPERLINK("http://x";"klik")"#,
            "'+cmd|'/c calc'!A0",
            "'@SUM(1)",
            "'-2+3",
            "Ane Bæk",
        ]
    );
    assert!(rows.iter().all(|r| &r[6] == "'=1+1"), "{rows:?}");
    assert_eq!(&rows[1][1], "'-1");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let json_names: Vec<&str> = manifest["guides"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    assert_eq!(json_names, names);
}

/// Issue 11: manifest.json and manifest.csv that were symbolic links to files outside
/// --out-dir were written through, and a manifest mus did not write was replaced. Both
/// are refused before any guide is written, and the files stay as they were.
#[cfg(unix)]
#[test]
fn manifests_that_are_links_or_foreign_files_are_never_written() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("r.csv");
    std::fs::write(&csv, "navn;rolle\nAne Bæk;chef\n").unwrap();
    let outside = dir.path().join("outside.txt");
    let run = |out: &Path| {
        mus()
            .arg("batch")
            .arg(&csv)
            .arg("--out-dir")
            .arg(out)
            .args(["--date", "2027-01-15", "--quiet"])
            .assert()
    };
    for manifest in ["manifest.json", "manifest.csv"] {
        let out = dir.path().join(format!("ud-link-{manifest}"));
        std::fs::create_dir(&out).unwrap();
        std::fs::write(&outside, b"not yours").unwrap();
        std::os::unix::fs::symlink(&outside, out.join(manifest)).unwrap();
        let result = run(&out).code(2);
        assert_eq!(
            stderr_of(&result),
            format!(
                "error: {}: is a symbolic link; mus never writes through one (remove it, and mus writes the manifest here)\n",
                out.join(manifest).display()
            )
        );
        assert_eq!(std::fs::read(&outside).unwrap(), b"not yours");
        assert!(pdfs_in(&out).is_empty(), "nothing is written");

        let out = dir.path().join(format!("ud-foreign-{manifest}"));
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join(manifest), b"my own list").unwrap();
        let result = run(&out).code(2);
        assert_eq!(
            stderr_of(&result),
            format!(
                "error: {}: exists and was not written by mus; it is left as it is (move it away, and mus writes the manifest here)\n",
                out.join(manifest).display()
            )
        );
        assert_eq!(std::fs::read(out.join(manifest)).unwrap(), b"my own list");
        assert!(pdfs_in(&out).is_empty(), "nothing is written");
    }

    // A manifest mus wrote is still replaced when the roster changes.
    let out = dir.path().join("ud");
    run(&out).code(0);
    std::fs::write(&csv, "navn;rolle\nAne Bæk;chef\nBo Holm;chef\n").unwrap();
    run(&out).code(0);
    let manifest = std::fs::read_to_string(out.join("manifest.csv")).unwrap();
    assert!(manifest.contains("Bo Holm"), "{manifest}");
}

/// Issue 11: rosters with no rows (an empty file, a header only, no header row, the roster
/// on another sheet than the first) made "0 rows — 0 written" and exit 0. Each is an
/// error saying what was found.
#[test]
fn rosters_without_rows_are_errors_that_say_what_was_found() {
    let dir = tempfile::tempdir().unwrap();
    let refused = |roster: &Path, extra: &[&str]| {
        let result = mus()
            .arg("batch")
            .arg(roster)
            .args(extra)
            .arg("--out-dir")
            .arg(dir.path().join("ud"))
            .assert()
            .code(2);
        assert!(!dir.path().join("ud").exists());
        stderr_of(&result)
    };
    let names = "navn, name, leder navn, fulde navn";
    let cases: [(&str, &[u8], String); 5] = [
        (
            "tom.csv",
            b"",
            format!("is empty; a roster has a header row with a name column ({names}) and a row per leader"),
        ),
        (
            "blank.csv",
            b"\xEF\xBB\xBF\r\n  \r\n",
            format!("is empty; a roster has a header row with a name column ({names}) and a row per leader"),
        ),
        (
            "header.csv",
            b"navn;rolle\r\n",
            "has a header row (navn;rolle) but no rows under it".into(),
        ),
        (
            "headerless.csv",
            "Ane Bæk;chef\r\nBo Holm;chef\r\n".as_bytes(),
            format!("no header row with a name column ({names}); the first row is 'Ane Bæk;chef'"),
        ),
        (
            "tom.json",
            b"[]",
            "is an empty list; a roster has an object per leader".into(),
        ),
    ];
    for (file, bytes, message) in cases {
        let path = dir.path().join(file);
        std::fs::write(&path, bytes).unwrap();
        assert_eq!(
            refused(&path, &[]),
            format!("error: {}: {message}\n", path.display()),
            "{file}"
        );
    }

    // The roster on the second sheet of a workbook whose first sheet is empty.
    let xlsx = dir.path().join("r.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet().set_name("Forside").unwrap();
    let sheet = book.add_worksheet().set_name("Ledere").unwrap();
    sheet.write_string(0, 0, "navn").unwrap();
    sheet.write_string(0, 1, "rolle").unwrap();
    sheet.write_string(1, 0, "Ane Bæk").unwrap();
    sheet.write_string(1, 1, "chef").unwrap();
    let empty = book.add_worksheet().set_name("Tom").unwrap();
    empty.write_string(0, 0, "").unwrap();
    book.save(&xlsx).unwrap();
    assert_eq!(
        refused(&xlsx, &[]),
        format!(
            "error: {}: the first sheet, 'Forside', is empty; its sheets are: Forside, Ledere, Tom (choose one with --sheet)\n",
            xlsx.display()
        )
    );
    assert_eq!(
        refused(&xlsx, &["--sheet", "Tom"]),
        format!(
            "error: {}: the sheet 'Tom' is empty; its sheets are: Forside, Ledere, Tom (choose one with --sheet)\n",
            xlsx.display()
        )
    );
    mus()
        .arg("batch")
        .arg(&xlsx)
        .args([
            "--sheet",
            "Ledere",
            "--quiet",
            "--date",
            "2027-01-15",
            "--out-dir",
        ])
        .arg(dir.path().join("ud"))
        .assert()
        .code(0);
}

/// Issue 11: a JSON roster took an object or a number as a name (`{"fornavn": …}` became
/// the name `{"efternavn":"Hansen",…}`). Known columns take text (or null); focus also a
/// list of texts, id also a whole number.
#[test]
fn json_rosters_take_only_text_in_known_columns() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("r.json");
    std::fs::write(
        &json,
        r#"[{"navn": {"fornavn": "Ane", "efternavn": "Hansen"}, "rolle": "chef"},
            {"navn": "Bo Holm", "rolle": "chef", "leder": 42, "fokus": ["retning", 3], "id": 17, "ekstra": {"x": 1}},
            {"navn": "Cai Ask", "rolle": true, "enhed": null, "id": 1.5}]"#,
    )
    .unwrap();
    let result = mus()
        .arg("batch")
        .arg(&json)
        .arg("--out-dir")
        .arg(dir.path().join("ud"))
        .assert()
        .code(2);
    let origin = json.display();
    assert_eq!(
        stderr_of(&result),
        format!(
            "error: {origin}:1: navn: is an object ({{\"efternavn\":\"Hansen\",\"fornavn\":\"Ane\"}}); give it as text in quotes\n\
             {origin}:2: fokus: item 2 of the list is a number (3); give it as text in quotes\n\
             {origin}:2: leder: is a number (42); give it as text in quotes\n\
             {origin}:3: id: is a number (1.5); give it as text in quotes\n\
             {origin}:3: rolle: is true or false (true); give it as text in quotes\n"
        )
    );
    assert!(!dir.path().join("ud").exists());
}

/// The hidden temporary files (`.mus-*.tmp`) in `dir`.
fn temporary_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".mus-") && n.ends_with(".tmp"))
        .collect();
    names.sort();
    names
}

/// Issue 11: a batch stopped by SIGTERM or Ctrl-C left hidden `.mus-*.tmp` files (a
/// guide's personal data, half written) that no later run removed. Interrupted, it now
/// removes its own and exits 128 + the signal's number.
#[cfg(unix)]
#[test]
fn an_interrupted_batch_leaves_no_temporary_files() {
    for (signal, code) in [("-TERM", 143), ("-INT", 130)] {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("r.csv");
        std::fs::write(&csv, csv_text(&roster_rows(400))).unwrap();
        let out = dir.path().join("ud");
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("mus"))
            .arg("batch")
            .arg(&csv)
            .arg("--out-dir")
            .arg(&out)
            .args(["--quiet", "--jobs", "4"])
            .env_remove("SOURCE_DATE_EPOCH")
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Signalled while guides are being written.
        while !out.is_dir() || pdfs_in(&out).len() < 8 {
            assert!(
                child.try_wait().unwrap().is_none(),
                "the batch ended before it could be interrupted"
            );
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        let kill = std::process::Command::new("kill")
            .arg(signal)
            .arg(child.id().to_string())
            .status()
            .unwrap();
        assert!(kill.success());
        let output = child.wait_with_output().unwrap();
        let written = pdfs_in(&out).len();
        assert!(
            written < 400,
            "{written} guides: the batch was not interrupted"
        );
        assert_eq!(
            output.status.code(),
            Some(code),
            "{signal}: {:?} {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(temporary_files(&out), Vec::<String>::new(), "{signal}");
    }
}

/// Issue 11: temporary files an earlier run left (killed with -9, a power cut) are
/// removed by the next run into the folder: those whose process is gone, or older than
/// an hour. A running process's fresh file and anything else are left alone.
#[cfg(unix)]
#[test]
fn stale_temporary_files_of_an_earlier_run_are_removed() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("r.csv");
    std::fs::write(&csv, "navn;rolle\nAne Bæk;chef\n").unwrap();
    let out = dir.path().join("ud");
    std::fs::create_dir(&out).unwrap();
    // No process has an id above 2^22 (Linux's largest pid_max).
    let dead = out.join(".mus-4194305-AbCdEf.tmp");
    std::fs::write(&dead, b"half a guide").unwrap();
    let old = out.join(".mus-Xy12Ab.tmp");
    let file = std::fs::File::create(&old).unwrap();
    file.set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(7200))
        .unwrap();
    drop(file);
    let live = out.join(format!(".mus-{}-Qw12Er.tmp", std::process::id()));
    std::fs::write(&live, b"being written").unwrap();
    let other = out.join(".mus-notes.txt");
    std::fs::write(&other, b"mine").unwrap();
    let result = mus()
        .arg("batch")
        .arg(&csv)
        .arg("--out-dir")
        .arg(&out)
        .args(["--date", "2027-01-15"])
        .assert()
        .code(0);
    assert!(
        stderr_of(&result).contains(&format!(
            "mus batch: removed 2 temporary files an interrupted run left in {}\n",
            out.display()
        )),
        "{}",
        stderr_of(&result)
    );
    assert!(!dead.exists() && !old.exists());
    assert!(live.exists() && other.exists());
    assert_eq!(
        temporary_files(&out),
        [live.file_name().unwrap().to_string_lossy()]
    );
}

/// The `error:` lines of a run, sorted (guides are made in parallel).
fn error_lines(err: &str) -> Vec<String> {
    let mut lines: Vec<String> = err
        .lines()
        .filter(|l| l.starts_with("error: "))
        .map(str::to_string)
        .collect();
    lines.sort();
    lines
}

/// Issue 18: a batch killed before its manifest was written, then run again, refused its
/// own guide with "… exists and was not written by mus".
#[test]
fn a_rerun_after_a_batch_killed_before_its_manifest_replaces_its_own_guides() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("r.csv");
    let out = dir.path().join("ud");
    let batch = |roster: &str, code: i32| {
        std::fs::write(&csv, roster).unwrap();
        let result = mus()
            .arg("batch")
            .arg(&csv)
            .arg("--out-dir")
            .arg(&out)
            .assert()
            .code(code);
        stderr_of(&result)
    };
    batch(
        "navn;rolle;enhed;dato\nAnne Hansen;chef;Skole Nord;20-01-2027\nBo Holm;chef;;20-01-2027\n",
        0,
    );
    // The kill: guides written, no manifest.
    std::fs::remove_file(out.join("manifest.json")).unwrap();
    std::fs::remove_file(out.join("manifest.csv")).unwrap();
    let err = batch(
        "navn;rolle;enhed;dato;fokus\nAnne Hansen;chef;Skole Nord;20-01-2027;Sæt retning\nBo Holm;chef;;20-01-2027;\n",
        0,
    );
    assert!(err.contains("1 written, 1 unchanged, 0 failed"), "{err}");
    let anne = std::fs::read(out.join("anne-hansen-chef-2027-01-20.pdf")).unwrap();
    let identity = mus::model::identity::GuideIdentity::from_pdf(&anne).unwrap();
    assert_eq!(identity.focus, ["saet-retning"]);
    let manifest: mus::app::batch::produce::Manifest =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest.guides.len(), 2);
}

/// Issue 18: without a manifest, a file where a guide goes is replaced only if it is the
/// guide mus made for that row; anything else is left alone with a message saying what it
/// is.
#[test]
fn files_no_manifest_claims_are_left_alone_saying_what_they_are() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("r.csv");
    let out = dir.path().join("ud");
    std::fs::write(
        &csv,
        "navn;rolle;enhed;dato\nAnne Hansen;chef;Skole Nord;20-01-2027\n",
    )
    .unwrap();
    mus()
        .arg("batch")
        .arg(&csv)
        .arg("--out-dir")
        .arg(&out)
        .assert()
        .code(0);
    std::fs::remove_file(out.join("manifest.json")).unwrap();
    std::fs::remove_file(out.join("manifest.csv")).unwrap();
    let anne = std::fs::read(out.join("anne-hansen-chef-2027-01-20.pdf")).unwrap();
    let signed = common::fixture("signed");
    let placed: [(&str, Vec<u8>); 5] = [
        // A guide mus made, for another leader.
        ("bo-holm-chef-2027-01-20.pdf", anne.clone()),
        (
            "cai-ask-chef-2027-01-20.pdf",
            std::fs::read(signed.join("not-a-guide.pdf")).unwrap(),
        ),
        ("dea-berg-chef-2027-01-20.pdf", b"my own notes".to_vec()),
        // This row's guide, signed by the leader since.
        (
            "lukasz-oester-aagaard-leder-af-medarbejdere-2027-01-15.pdf",
            std::fs::read(signed.join("signed-leader.pdf")).unwrap(),
        ),
        (
            "eva-lund-chef-2027-01-20.pdf",
            std::fs::read(signed.join("truncated.pdf")).unwrap(),
        ),
    ];
    for (file, bytes) in &placed {
        std::fs::write(out.join(file), bytes).unwrap();
    }
    // Anne's unit changed: her guide is for another row now.
    std::fs::write(
        &csv,
        "navn;rolle;enhed;dato;leder;fokus\n\
         Anne Hansen;chef;Skole Syd;20-01-2027;;\n\
         Bo Holm;chef;;20-01-2027;;\n\
         Cai Ask;chef;;20-01-2027;;\n\
         Dea Berg;chef;;20-01-2027;;\n\
         Łukasz Øster-Ågård;leder-af-medarbejdere;Dagtilbud Nord;2027-01-15;Bodil Kjærgård;saet-retning\n\
         Eva Lund;chef;;20-01-2027;;\n\
         Finn Ravn;chef;;20-01-2027;;\n",
    )
    .unwrap();
    let result = mus()
        .arg("batch")
        .arg(&csv)
        .arg("--out-dir")
        .arg(&out)
        .arg("--keep-going")
        .assert()
        .code(1);
    let err = stderr_of(&result);
    let csv = csv.display();
    let left = "it is left as it is (move it away to make this guide)";
    assert_eq!(
        error_lines(&err),
        [
            format!("error: {csv}:2: anne-hansen-chef-2027-01-20.pdf exists and is a guide mus made for another roster row (Anne Hansen, Skole Nord, 2027-01-20; this row: Anne Hansen, Skole Syd, 2027-01-20); {left}"),
            format!("error: {csv}:3: bo-holm-chef-2027-01-20.pdf exists and is a guide mus made for another roster row (Anne Hansen, Skole Nord, 2027-01-20; this row: Bo Holm, no unit, 2027-01-20); {left}"),
            format!("error: {csv}:4: cai-ask-chef-2027-01-20.pdf exists and is a PDF not made by mus: the PDF has no XMP metadata (no /Metadata stream in its catalog); {left}"),
            format!("error: {csv}:5: dea-berg-chef-2027-01-20.pdf exists and is not a PDF; {left}"),
            format!("error: {csv}:6: lukasz-oester-aagaard-leder-af-medarbejdere-2027-01-15.pdf exists and is the guide mus made for this row, changed since (filled in or signed: 2 revisions); {left}"),
            format!("error: {csv}:7: eva-lund-chef-2027-01-20.pdf exists and is a truncated or damaged PDF (it does not end with %%EOF); {left}"),
        ],
        "{err}"
    );
    assert!(err.contains("1 written, 0 unchanged, 6 failed"), "{err}");
    assert_eq!(
        std::fs::read(out.join("anne-hansen-chef-2027-01-20.pdf")).unwrap(),
        anne
    );
    for (file, bytes) in &placed {
        assert_eq!(&std::fs::read(out.join(file)).unwrap(), bytes, "{file}");
    }
}

/// `mus` limited to `bytes` of address space (RLIMIT_AS), as a small server or a
/// container would: a roster that makes it allocate beyond that aborts it.
fn mus_within(bytes: u64) -> Command {
    use std::os::unix::process::CommandExt;
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("mus"));
    cmd.env_remove("SOURCE_DATE_EPOCH");
    // SAFETY: setrlimit is async-signal-safe; nothing else runs between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            let limit = libc::rlimit {
                rlim_cur: bytes,
                rlim_max: bytes,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    Command::from_std(cmd)
}

const GIB: u64 = 1 << 30;

/// Writes a zip archive by hand, each part `(name, declared size, crc, method, data)`.
fn write_zip(path: &Path, parts: &[(&str, u32, u32, u16, Vec<u8>)]) {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, size, crc, method, data) in parts {
        let offset = out.len() as u32;
        let fields = |out: &mut Vec<u8>| {
            out.extend_from_slice(&20u16.to_le_bytes()); // version needed
            out.extend_from_slice(&0u16.to_le_bytes()); // flags
            out.extend_from_slice(&method.to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes()); // time
            out.extend_from_slice(&0x21u16.to_le_bytes()); // date: 1980-01-01
            out.extend_from_slice(&crc.to_le_bytes());
            out.extend_from_slice(&(data.len() as u32).to_le_bytes());
            out.extend_from_slice(&size.to_le_bytes());
            out.extend_from_slice(&(name.len() as u16).to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes()); // extra
        };
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        fields(&mut out);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        central.extend_from_slice(&20u16.to_le_bytes()); // made by
        fields(&mut central);
        central.extend_from_slice(&[0; 6]); // comment, disk, internal attributes
        central.extend_from_slice(&0u32.to_le_bytes()); // external attributes
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let central_at = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&(parts.len() as u16).to_le_bytes());
    out.extend_from_slice(&(parts.len() as u16).to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&central_at.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    std::fs::write(path, out).unwrap();
}

/// A stored (uncompressed) zip part.
fn stored<'a>(name: &'a str, text: &str) -> (&'a str, u32, u32, u16, Vec<u8>) {
    let mut crc = flate2::Crc::new();
    crc.update(text.as_bytes());
    (
        name,
        text.len() as u32,
        crc.sum(),
        0,
        text.as_bytes().to_vec(),
    )
}

/// A raw deflate segment of `data` that refers to nothing before it and ends on a byte
/// boundary, so segments can be concatenated (and one repeated) into one stream.
fn deflate_segment(data: &[u8], last: bool) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(data).unwrap();
    if last {
        return encoder.finish().unwrap();
    }
    // A sync flush: the blocks so far, and an empty stored block that ends on a byte.
    encoder.flush().unwrap();
    std::mem::take(encoder.get_mut())
}

/// An `.xlsx` roster whose sheet is a header (`navn`, `rolle`) and `rows` rows of one
/// leader, written without ever holding the sheet: the rows are one deflated chunk,
/// repeated. The sheet's part declares `declared` bytes (its true size when `None`).
fn write_xlsx_of_one_leader(path: &Path, rows: usize, declared: Option<u32>) {
    let cell = |t: &str| format!("<c t=\"inlineStr\"><is><t>{t}</t></is></c>");
    let head = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData><row>{}{}</row>",
        cell("navn"),
        cell("rolle")
    );
    let row = format!("<row>{}{}</row>", cell("Anne Hansen"), cell("chef"));
    let tail = "</sheetData></worksheet>";
    const CHUNK: usize = 10_000;
    let chunk = row.repeat(CHUNK);
    let rest = row.repeat(rows % CHUNK);

    let mut data = deflate_segment(head.as_bytes(), false);
    let mut crc = flate2::Crc::new();
    crc.update(head.as_bytes());
    let packed_chunk = deflate_segment(chunk.as_bytes(), false);
    let mut chunk_crc = flate2::Crc::new();
    chunk_crc.update(chunk.as_bytes());
    for _ in 0..rows / CHUNK {
        data.extend_from_slice(&packed_chunk);
        crc.combine(&chunk_crc);
    }
    data.extend_from_slice(&deflate_segment(rest.as_bytes(), false));
    crc.update(rest.as_bytes());
    data.extend_from_slice(&deflate_segment(tail.as_bytes(), true));
    crc.update(tail.as_bytes());
    let size = (head.len() + rows * row.len() + tail.len()) as u64;
    let declared = declared.unwrap_or_else(|| u32::try_from(size).expect("under 4 GB"));

    write_zip(
        path,
        &[
            stored(
                "[Content_Types].xml",
                r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
            ),
            stored(
                "_rels/.rels",
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
            ),
            stored(
                "xl/workbook.xml",
                r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Ledere" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
            ),
            stored(
                "xl/_rels/workbook.xml.rels",
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
            ),
            ("xl/worksheets/sheet1.xml", declared, crc.sum(), 8, data),
        ],
    );
}

/// `mus batch ROSTER --dry-run` within 1 GiB of memory: its exit code and standard error.
fn dry_run_within_1_gib(roster: &Path) -> (Option<i32>, String) {
    let output = mus_within(GIB)
        .args(["batch", "--dry-run", "--date", "2027-01-20"])
        .arg(roster)
        .arg("--out-dir")
        .arg(roster.with_extension("ud"))
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Issue 18: a 5 MB workbook whose sheet unpacks to 1.5 GB (16 million rows of one name)
/// made `mus batch --dry-run` grow to 7.2 GB and abort.
#[test]
fn a_workbook_that_unpacks_to_gigabytes_is_refused_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("bombe.xlsx");
    write_xlsx_of_one_leader(&xlsx, 16_000_000, None);
    let on_disk = std::fs::metadata(&xlsx).unwrap().len();
    assert!(on_disk < 10_000_000, "{on_disk} bytes");
    let (code, err) = dry_run_within_1_gib(&xlsx);
    assert_eq!(
        err,
        format!(
            "error: {}: unpacks to 1.6 GB (xl/worksheets/sheet1.xml alone to 1.6 GB); a roster workbook may unpack to at most 128 MB (a roster of 100,000 leaders unpacks to far less) — is this the right file?\n",
            xlsx.display()
        )
    );
    assert_eq!(code, Some(2));

    // The same sheet declaring a size of 1 MB: counted as it unpacks, refused at the limit.
    write_xlsx_of_one_leader(&xlsx, 16_000_000, Some(1_000_000));
    let (code, err) = dry_run_within_1_gib(&xlsx);
    assert_eq!(
        err,
        format!(
            "error: {}: unpacks to more than 128 MB (xl/worksheets/sheet1.xml holds more than it declares); a roster workbook may unpack to at most 128 MB (a roster of 100,000 leaders unpacks to far less) — is this the right file?\n",
            xlsx.display()
        )
    );
    assert_eq!(code, Some(2));
}

/// The row limit, the same in every format: 100,000 leaders are read, one more is refused.
#[test]
fn rosters_of_more_than_100000_leaders_are_refused_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let too_many = |what: &str, number: &str| {
        format!("has more than 100,000 leaders ({what} {number} is one too many); a roster may have at most 100,000 — split it, or check that this is the right file")
    };

    let xlsx = dir.path().join("r.xlsx");
    write_xlsx_of_one_leader(&xlsx, 100_001, None);
    let (code, err) = dry_run_within_1_gib(&xlsx);
    assert_eq!(
        err,
        format!(
            "error: {}: {}\n",
            xlsx.display(),
            too_many("row", "100,002")
        )
    );
    assert_eq!(code, Some(2));

    let csv = dir.path().join("r.csv");
    std::fs::write(
        &csv,
        "navn;rolle\n".to_string() + &"Anne Hansen;chef\n".repeat(100_001),
    )
    .unwrap();
    let (code, err) = dry_run_within_1_gib(&csv);
    assert_eq!(
        err,
        format!("error: {}: {}\n", csv.display(), too_many("row", "100,002"))
    );
    assert_eq!(code, Some(2));

    let json = dir.path().join("r.json");
    let item = r#"{"navn": "Anne Hansen", "rolle": "chef", "ekstra": [1, 2, 3]}"#;
    std::fs::write(&json, format!("[{}]", vec![item; 100_001].join(",\n"))).unwrap();
    let (code, err) = dry_run_within_1_gib(&json);
    assert_eq!(
        err,
        format!(
            "error: {}: {}\n",
            json.display(),
            too_many("item", "100,001")
        )
    );
    assert_eq!(code, Some(2));
}

/// A roster file over the size limit is refused before it is read.
#[test]
fn a_roster_file_over_32_mb_is_refused_unread() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["r.csv", "r.json", "r.xlsx"] {
        let path = dir.path().join(name);
        // Sparse: 40 MB that take no room on disk.
        std::fs::File::create(&path)
            .unwrap()
            .set_len(40_000_000)
            .unwrap();
        let (code, err) = dry_run_within_1_gib(&path);
        assert_eq!(
            err,
            format!("error: {}: is 40 MB; a roster file may be at most 32 MB (a roster of 100,000 leaders is far smaller) — is this the right file?\n", path.display()),
        );
        assert_eq!(code, Some(2));
    }
}

/// Rows for the batch-versus-alone test: names from several alphabets (so the fonts'
/// subsets differ from guide to guide), every level, focus or none, with and without a
/// manager and a unit; no employee id, which `mus guide` has no flag for.
fn alone_rows() -> Vec<[String; 6]> {
    let names = [
        "Łukasz Øster-Ågård",
        "Ελένη Παπαδοπούλου",
        "Дмитрий Иванов",
        "Aylin Yılmaz",
        "Søren Bæk",
        "Ngoc Anh Nguyen",
        "Mette Søgaard",
        "Ærø Ødegård",
    ];
    let roles = [
        "leder-af-medarbejdere",
        "leder-af-ledere",
        "chef",
        "direktion",
    ];
    let focus = [
        "saet-retning, opdyrk-potentialer",
        "",
        "skab-sammenhaengskraft",
    ];
    (0..16)
        .map(|i| {
            [
                names[i % names.len()].to_string(),
                roles[i % roles.len()].to_string(),
                focus[i % focus.len()].to_string(),
                if i % 5 == 0 {
                    String::new()
                } else {
                    names[(i + 3) % names.len()].to_string()
                },
                if i % 4 == 0 {
                    String::new()
                } else {
                    format!("Enhed {}", i % 3)
                },
                format!("2027-01-{:02}", 10 + i % 3),
            ]
        })
        .collect()
}

/// Runs a batch of `rows` into `out`; returns each row's guide by its cells.
fn batch_guides(roster: &Path, out: &Path, rows: &[[String; 6]]) -> Vec<([String; 6], Vec<u8>)> {
    let mut text = String::from("Navn;Rolle;Fokus;Leder;Afdeling;Dato\r\n");
    for r in rows {
        text.push_str(&r.join(";"));
        text.push_str("\r\n");
    }
    std::fs::write(roster, text).unwrap();
    mus()
        .env("SOURCE_DATE_EPOCH", "1796083200")
        .arg("batch")
        .arg(roster)
        .arg("--out-dir")
        .arg(out)
        .arg("--quiet")
        .assert()
        .code(0);
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let guides = manifest["guides"].as_array().unwrap();
    assert_eq!(guides.len(), rows.len());
    guides
        .iter()
        .map(|g| {
            let row = g["row"].as_u64().unwrap() as usize - 2;
            let bytes = std::fs::read(out.join(g["file"].as_str().unwrap())).unwrap();
            (rows[row].clone(), bytes)
        })
        .collect()
}

#[test]
fn a_guide_made_in_a_batch_is_byte_identical_to_the_same_guide_made_alone_in_any_order() {
    let dir = tempfile::tempdir().unwrap();
    let rows = alone_rows();
    let in_order = batch_guides(&dir.path().join("a.csv"), &dir.path().join("a"), &rows);
    // The same rows in another order (a fixed permutation: 7 is prime to 16), and a batch
    // of only the last few: what else is in a batch, and when, must not reach the bytes.
    let shuffled: Vec<[String; 6]> = (0..rows.len())
        .map(|i| rows[(i * 7 + 3) % rows.len()].clone())
        .collect();
    let mut other = batch_guides(&dir.path().join("b.csv"), &dir.path().join("b"), &shuffled);
    other.extend(batch_guides(
        &dir.path().join("c.csv"),
        &dir.path().join("c"),
        &rows[12..],
    ));
    for (row, bytes) in &other {
        let (_, first) = in_order.iter().find(|(r, _)| r == row).unwrap();
        assert!(first == bytes, "{row:?}: differs between batches");
    }
    for (i, (row, bytes)) in in_order.iter().enumerate() {
        let out = dir.path().join(format!("alone-{i}.pdf"));
        let mut cmd = mus();
        cmd.env("SOURCE_DATE_EPOCH", "1796083200")
            .arg("guide")
            .args(["--role", &row[1], "--name", &row[0], "--date", &row[5]])
            .arg("-o")
            .arg(&out);
        for f in row[2].split(", ").filter(|f| !f.is_empty()) {
            cmd.args(["--focus", f]);
        }
        if !row[3].is_empty() {
            cmd.args(["--manager", &row[3]]);
        }
        if !row[4].is_empty() {
            cmd.args(["--unit", &row[4]]);
        }
        cmd.assert().code(0);
        let alone = std::fs::read(&out).unwrap();
        assert!(alone.starts_with(b"%PDF-"));
        assert!(
            &alone == bytes,
            "{row:?}: the guide made alone differs from the one made in the batch"
        );
    }
}

/// Each page's content streams as written (deflated) and as read (decoded).
fn page_streams(pdf: &[u8]) -> Vec<Vec<(Vec<u8>, Vec<u8>)>> {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    doc.get_pages()
        .values()
        .map(|&page| {
            let contents = doc.get_dictionary(page).unwrap().get(b"Contents").unwrap();
            let refs = match contents {
                lopdf::Object::Array(refs) => refs.clone(),
                single => vec![single.clone()],
            };
            refs.iter()
                .map(|r| {
                    let stream = doc
                        .get_object(r.as_reference().unwrap())
                        .unwrap()
                        .as_stream()
                        .unwrap();
                    (
                        stream.content.clone(),
                        stream.decompressed_content().unwrap(),
                    )
                })
                .collect()
        })
        .collect()
}

/// The pages of the framework's text are the same stream, deflated the same, in every
/// guide of one level and focus: the running footer, which names the guide and the page,
/// is a stream of its own (the page number, and a form XObject with the rest), and so are
/// the title block and the signatures, which name the leader and the manager. Of the
/// form's dictionaries and the structure tree, the objects that name the leader are an
/// object stream of their own. So a batch deflates each of the rest once (issue 21).
#[test]
fn the_framework_pages_are_one_stream_in_every_guide_of_a_combination() {
    let dir = tempfile::tempdir().unwrap();
    let rows: Vec<[String; 6]> = [
        [
            "Anna Berg",
            "Bodil Kjærgård",
            "Dagtilbud Nord",
            "2027-01-15",
        ],
        ["Łukasz Øster-Ågård", "Jens Ærø", "Skole Syd", "2027-02-03"],
    ]
    .iter()
    .map(|[name, manager, unit, date]| {
        [
            name.to_string(),
            "leder-af-medarbejdere".into(),
            "saet-retning, opdyrk-potentialer".into(),
            manager.to_string(),
            unit.to_string(),
            date.to_string(),
        ]
    })
    .collect();
    let guides = batch_guides(&dir.path().join("r.csv"), &dir.path().join("out"), &rows);
    let (a, b) = (page_streams(&guides[0].1), page_streams(&guides[1].1));
    assert_eq!(a.len(), b.len());
    let last = a.len() - 1;
    // The body runs that differ: (page, run).
    let mut own = Vec::new();
    for (page, (a, b)) in a.iter().zip(&b).enumerate() {
        // The cover's title block and the last page's signatures stand apart.
        let n = if page == 0 || page == last { 3 } else { 2 };
        assert_eq!(
            (a.len(), b.len()),
            (n, n),
            "page {}: body (in runs) and footer",
            page + 1
        );
        for streams in [a, b] {
            for (_, body) in &streams[..n - 1] {
                assert!(!body.windows(10).any(|w| w == b"Pagination"));
            }
            assert!(streams[n - 1]
                .1
                .starts_with(b"/Artifact <</Subtype/Footer/Type/Pagination>> BDC"));
        }
        // A page's footer shows the page number and the footer's form XObject.
        assert_eq!(a[n - 1].1, b[n - 1].1, "page {}: the footers", page + 1);
        assert!(a[n - 1].1.windows(7).any(|w| w == b"/Fo1 Do"));
        for (run, (x, y)) in a[..n - 1].iter().zip(&b[..n - 1]).enumerate() {
            if x.1 == y.1 {
                assert_eq!(x.0, y.0, "page {}: deflated alike", page + 1);
            } else {
                own.push((page + 1, run));
            }
        }
    }
    // All but the title block (the leader's name, unit, date) and the signatures (the
    // names).
    assert_eq!(own, vec![(1, 0), (last + 1, 1)], "of {} pages", a.len());
    // The footer's form XObject, which every page shows, names the guide.
    let footer_form = |pdf: &[u8]| -> Vec<u8> {
        let doc = lopdf::Document::load_mem(pdf).unwrap();
        let forms: std::collections::BTreeSet<Vec<u8>> = doc
            .get_pages()
            .values()
            .map(|&page| {
                let resources = doc.get_page_resources(page).unwrap().1;
                let resources = doc.get_dictionary(resources[0]).unwrap();
                let xobjects = resources.get(b"XObject").unwrap().as_dict().unwrap();
                let form = xobjects.get(b"Fo1").unwrap().as_reference().unwrap();
                let stream = doc.get_object(form).unwrap().as_stream().unwrap();
                stream.decompressed_content().unwrap()
            })
            .collect();
        assert_eq!(forms.len(), 1, "one footer form for every page");
        forms.into_iter().next().unwrap()
    };
    assert_ne!(footer_form(&guides[0].1), footer_form(&guides[1].1));

    // The form's dictionaries and the structure tree are object streams of the same bytes
    // in both; only the few objects that name the leader are not.
    let object_streams = |pdf: &[u8]| -> Vec<Vec<u8>> {
        let doc = lopdf::Document::load_mem(pdf).unwrap();
        doc.objects
            .values()
            .filter_map(|o| o.as_stream().ok())
            .filter(|s| s.dict.get(b"Type").and_then(|t| t.as_name()).ok() == Some(b"ObjStm"))
            .map(|s| s.content.clone())
            .collect()
    };
    let (a, b) = (object_streams(&guides[0].1), object_streams(&guides[1].1));
    assert_eq!((a.len(), b.len()), (3, 3));
    let alike: Vec<bool> = a.iter().zip(&b).map(|(a, b)| a == b).collect();
    assert_eq!(alike.iter().filter(|s| **s).count(), 2, "{alike:?}");
    let big = |streams: &[Vec<u8>]| streams.iter().map(Vec::len).max().unwrap();
    let own = a.iter().zip(&b).find(|(a, b)| a != b).unwrap().0.len();
    assert!(
        own * 4 < big(&a),
        "the leader's own objects are few: {own} bytes"
    );
}
