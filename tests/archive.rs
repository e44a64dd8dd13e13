//! `mus archive` end to end: guides made by the binary are added, refused, versioned,
//! listed, verified and matched against a roster.
//!
//! Signed guides come from `tests/fixtures/signed` (signed by pyHanko; see its README):
//! accepted when both fields are signed and intact, refused when a byte changed, when the
//! file was edited after signing, when a field is empty, or when a signer is not trusted.

mod common;

use std::path::{Path, PathBuf};

use common::{archive, archive_add, committed, mus, sha256, signed, stderr_of, stdout_of};

const TRUST_NOTE: &str = "note: signatures are checked to be intact, but their signers are not verified against a trust anchor (give --trust FILE.pem to verify them)\n";

/// A form guide for `name` in `unit` (dialogue 2027-01-15), and its guide id. `epoch`
/// changes the creation time, and so the bytes, but not the guide id.
fn make_guide(
    dir: &Path,
    file: &str,
    name: &str,
    unit: &str,
    epoch: Option<&str>,
) -> (PathBuf, String) {
    let out = dir.join(file);
    let mut cmd = mus();
    if let Some(epoch) = epoch {
        cmd.env("SOURCE_DATE_EPOCH", epoch);
    }
    let done = cmd
        .args([
            "guide",
            "--role",
            "leder-af-medarbejdere",
            "--focus",
            "saet-retning",
        ])
        .args([
            "--name",
            name,
            "--manager",
            "Bodil Kjærgård",
            "--unit",
            unit,
        ])
        .args(["--date", "2027-01-15", "-o"])
        .arg(&out)
        .assert()
        .success();
    let stderr = stderr_of(&done);
    let id = stderr
        .trim_end()
        .strip_suffix(')')
        .and_then(|s| s.rsplit_once("guide "))
        .map(|(_, id)| id.to_string())
        .unwrap_or_else(|| panic!("no guide id in {stderr:?}"));
    (out, id)
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Every file under `dir`, relative, sorted.
fn files_under(dir: &Path) -> Vec<String> {
    fn walk(dir: &Path, base: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, base, out);
            } else {
                out.push(
                    path.strip_prefix(base)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// A valid one-page PDF that mus did not make; with `xmp`, a catalog /Metadata stream.
fn foreign_pdf(xmp: Option<&str>) -> Vec<u8> {
    use lopdf::{dictionary, Document, Object, Stream};
    let mut doc = Document::with_version("1.7");
    let pages = doc.new_object_id();
    let content = doc.add_object(Stream::new(dictionary! {}, b"".to_vec()));
    let page = doc.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        "Contents" => content,
    });
    doc.objects.insert(
        pages,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
        ),
    );
    let mut catalog = dictionary! { "Type" => "Catalog", "Pages" => pages };
    if let Some(xmp) = xmp {
        let mut stream = Stream::new(
            dictionary! { "Type" => "Metadata", "Subtype" => "XML" },
            xmp.as_bytes().to_vec(),
        );
        stream.allows_compression = false;
        catalog.set("Metadata", doc.add_object(stream));
    }
    let catalog = doc.add_object(catalog);
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

#[test]
fn an_unsigned_guide_is_accepted_with_allow_unsigned_and_listed() {
    let tmp = tempfile::tempdir().unwrap();
    let (guide, id) = make_guide(
        tmp.path(),
        "g.pdf",
        "Łukasz Øster-Ågård",
        "Dagtilbud Nord",
        None,
    );
    let dir = tmp.path().join("arkiv");
    let stored = format!(
        "2027/dagtilbud-nord/lukasz-oester-aagaard-{}.pdf",
        id.to_lowercase()
    );
    let out = archive(&dir)
        .args(["add", "--allow-unsigned"])
        .arg(&guide)
        .assert()
        .code(0);
    assert_eq!(
        stdout_of(&out),
        format!(
            "accepted: {} → {stored} (guide {id} version 1, unsigned)\n",
            guide.display()
        )
    );
    assert_eq!(
        stderr_of(&out),
        format!(
            "{TRUST_NOTE}mus archive add: 1 file — 1 accepted, 0 unchanged, 0 refused → {}\n",
            dir.display()
        )
    );
    // Stored byte for byte.
    assert_eq!(
        std::fs::read(dir.join(&stored)).unwrap(),
        std::fs::read(&guide).unwrap()
    );
    let out = archive(&dir).arg("list").assert().code(0);
    assert_eq!(
        stdout_of(&out),
        format!(
            "year  unit            leader              level                  guide                     version  status    signers\n\
             2027  Dagtilbud Nord  Łukasz Øster-Ågård  leder-af-medarbejdere  {id}  1        unsigned  -\n"
        )
    );
}

#[test]
fn an_unsigned_guide_is_refused_naming_both_empty_fields() {
    let tmp = tempfile::tempdir().unwrap();
    let (guide, _) = make_guide(tmp.path(), "g.pdf", "Åse Holm", "Syd", None);
    let dir = tmp.path().join("arkiv");
    let out = mus()
        .env("MUS_ARCHIVE", &dir)
        .args(["archive", "add"])
        .arg(&guide)
        .assert()
        .code(1);
    assert_eq!(stdout_of(&out), "");
    assert_eq!(
        stderr_of(&out),
        format!(
            "{TRUST_NOTE}refused: {}: the leader's signature field (underskrift.leder.underskrift) is empty; \
             the manager's signature field (underskrift.leders-leder.underskrift) is empty\n\
             hint: a guide signed on paper (or only partly signed) is archived as unsigned with --allow-unsigned\n\
             mus archive add: 1 file — 0 accepted, 0 unchanged, 1 refused → {}\n",
            guide.display(),
            dir.display()
        )
    );
    assert_eq!(files_under(&dir), ["index.sqlite"], "nothing stored");
}

#[test]
fn a_guide_without_a_form_has_no_signature_fields_and_is_refused_saying_so() {
    let tmp = tempfile::tempdir().unwrap();
    let guide = tmp.path().join("plain.pdf");
    mus()
        .args([
            "guide",
            "--role",
            "chef",
            "--name",
            "Bo Dahl",
            "--date",
            "2027-02-01",
            "--no-form",
            "-o",
        ])
        .arg(&guide)
        .assert()
        .success();
    let out = archive(&tmp.path().join("arkiv"))
        .arg("add")
        .arg(&guide)
        .assert()
        .code(1);
    assert!(stderr_of(&out).contains(&format!(
        "refused: {}: the leader's signature field (underskrift.leder.underskrift) is missing (was the guide made with --no-form?); \
         the manager's signature field (underskrift.leders-leder.underskrift) is missing (was the guide made with --no-form?)\n",
        guide.display()
    )));
}

#[test]
fn the_identical_file_again_is_not_stored_again_and_fills_in_what_was_not_recorded() {
    let tmp = tempfile::tempdir().unwrap();
    let (guide, id) = make_guide(tmp.path(), "g.pdf", "Åse Holm", "Syd", None);
    let dir = tmp.path().join("arkiv");
    archive_add(&dir, [&guide]);
    let stored = dir.join(format!("2027/syd/aase-holm-{}.pdf", id.to_lowercase()));
    let before = std::fs::metadata(&stored).unwrap().modified().unwrap();
    let copy = tmp.path().join("kopi.pdf");
    std::fs::copy(&guide, &copy).unwrap();
    // As a mus that recorded neither the employee id nor what the guide carries over left
    // the row: the identical file fills in both, and only them.
    let index = rusqlite::Connection::open(dir.join("index.sqlite")).unwrap();
    let row = |index: &rusqlite::Connection| -> (Option<String>, Option<String>, String) {
        index
            .query_row(
                "SELECT employee_id, carried, added_at FROM guides",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap()
    };
    let recorded = row(&index);
    assert!(
        recorded
            .1
            .as_deref()
            .is_some_and(|r| r.contains("Åse Holm")),
        "{recorded:?}"
    );
    index
        .execute("UPDATE guides SET employee_id = NULL, carried = NULL", [])
        .unwrap();
    let out = archive(&dir)
        .args(["add", "--allow-unsigned"])
        .arg(&copy)
        .assert()
        .code(0);
    assert_eq!(row(&index), recorded);
    drop(index);
    assert_eq!(
        stdout_of(&out),
        format!(
            "unchanged: {} is archived already as 2027/syd/aase-holm-{}.pdf (guide {id} version 1)\n",
            copy.display(),
            id.to_lowercase()
        )
    );
    assert!(stderr_of(&out).ends_with(&format!(
        "1 file — 0 accepted, 1 unchanged, 0 refused → {}\n",
        dir.display()
    )));
    assert_eq!(
        std::fs::metadata(&stored).unwrap().modified().unwrap(),
        before
    );
    assert_eq!(
        files_under(&dir),
        [
            "2027/syd/aase-holm-".to_string() + &id.to_lowercase() + ".pdf",
            "index.sqlite".into()
        ]
    );
    let list: serde_json::Value = serde_json::from_slice(
        &archive(&dir)
            .args(["list", "--json"])
            .assert()
            .code(0)
            .get_output()
            .stdout,
    )
    .unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
}

#[test]
fn a_different_file_for_the_same_guide_is_kept_as_version_2_and_the_first_stays() {
    let tmp = tempfile::tempdir().unwrap();
    let (first, id) = make_guide(tmp.path(), "a.pdf", "Åse Holm", "Syd", None);
    let (second, id2) = make_guide(tmp.path(), "b.pdf", "Åse Holm", "Syd", Some("1800000000"));
    assert_eq!(id, id2, "the same guide");
    assert_ne!(sha256(&first), sha256(&second), "different bytes");
    let dir = tmp.path().join("arkiv");
    archive_add(&dir, [&first]);
    let out = archive(&dir)
        .args(["add", "--allow-unsigned"])
        .arg(&second)
        .assert()
        .code(0);
    let lower = id.to_lowercase();
    assert_eq!(
        stdout_of(&out),
        format!(
            "accepted: {} → 2027/syd/aase-holm-{lower}-v2.pdf (guide {id} version 2, unsigned)\n",
            second.display()
        )
    );
    assert_eq!(
        sha256(&dir.join(format!("2027/syd/aase-holm-{lower}.pdf"))),
        sha256(&first)
    );
    assert_eq!(
        sha256(&dir.join(format!("2027/syd/aase-holm-{lower}-v2.pdf"))),
        sha256(&second)
    );

    let out = archive(&dir).args(["list", "--json"]).assert().code(0);
    let list: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    for (entry, (version, file)) in list.iter().zip([(1, &first), (2, &second)]) {
        assert_eq!(entry["guide_id"], id.as_str());
        assert_eq!(entry["version"], version);
        assert_eq!(entry["leader"], "Åse Holm");
        assert_eq!(entry["unit"], "Syd");
        assert_eq!(entry["level"], "leder-af-medarbejdere");
        assert_eq!(entry["focus"], serde_json::json!(["saet-retning"]));
        assert_eq!(entry["dialogue_date"], "2027-01-15");
        assert_eq!(entry["year"], 2027);
        assert_eq!(entry["status"], "unsigned");
        assert_eq!(entry["sha256"], sha256(file).as_str());
        assert_eq!(entry["size"], std::fs::metadata(file).unwrap().len());
        assert_eq!(entry["signatures"], serde_json::json!([]));
        assert!(
            entry["framework"]
                .as_str()
                .unwrap()
                .starts_with("soenderborg"),
            "{entry}"
        );
        assert!(
            entry["added_at"].as_str().unwrap().ends_with('Z'),
            "{entry}"
        );
    }
}

#[test]
fn a_pdf_mus_did_not_make_a_truncated_file_and_garbage_are_refused_each_on_its_own() {
    let tmp = tempfile::tempdir().unwrap();
    let (guide, id) = make_guide(tmp.path(), "g.pdf", "Åse Holm", "Syd", None);
    let foreign = tmp.path().join("foreign.pdf");
    std::fs::write(&foreign, foreign_pdf(None)).unwrap();
    let other_xmp = tmp.path().join("other-xmp.pdf");
    std::fs::write(
        &other_xmp,
        foreign_pdf(Some(
            "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\
             <rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:format>application/pdf</dc:format>\
             </rdf:Description></rdf:RDF></x:xmpmeta>",
        )),
    )
    .unwrap();
    let truncated = tmp.path().join("truncated.pdf");
    let bytes = std::fs::read(&guide).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let garbage = tmp.path().join("garbage.pdf");
    std::fs::write(&garbage, "Navn;Rolle\r\nÅse;chef\r\n").unwrap();
    let dir = tmp.path().join("arkiv");
    let out = archive(&dir)
        .args(["add", "--allow-unsigned"])
        .args([&foreign, &other_xmp, &truncated, &guide, &garbage])
        .assert()
        .code(1);
    assert_eq!(
        stdout_of(&out),
        format!(
            "accepted: {} → 2027/syd/aase-holm-{}.pdf (guide {id} version 1, unsigned)\n",
            guide.display(),
            id.to_lowercase()
        )
    );
    assert_eq!(
        stderr_of(&out),
        format!(
            "{TRUST_NOTE}\
             refused: {}: not a guide made by mus: the PDF has no XMP metadata (no /Metadata stream in its catalog)\n\
             refused: {}: not a guide made by mus: its XMP metadata has no mus:guideId (namespace urn:mus:guide:1.0/)\n\
             refused: {}: the PDF is truncated or damaged (it does not end with %%EOF)\n\
             refused: {}: not a PDF (it does not start with %PDF-)\n\
             mus archive add: 5 files — 1 accepted, 0 unchanged, 4 refused → {}\n",
            foreign.display(),
            other_xmp.display(),
            truncated.display(),
            garbage.display(),
            dir.display()
        )
    );
    assert_eq!(files_under(&dir).len(), 2, "the guide and the index");
}

#[cfg(unix)]
#[test]
fn the_archive_is_owner_only_folders_0700_files_0400_index_0600() {
    let tmp = tempfile::tempdir().unwrap();
    let (guide, id) = make_guide(tmp.path(), "g.pdf", "Åse Holm", "Syd", None);
    let dir = tmp.path().join("ny").join("arkiv");
    archive_add(&dir, [&guide]);
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&dir.join("2027")), 0o700);
    assert_eq!(mode(&dir.join("2027/syd")), 0o700);
    assert_eq!(
        mode(&dir.join(format!("2027/syd/aase-holm-{}.pdf", id.to_lowercase()))),
        0o400
    );
    assert_eq!(mode(&dir.join("index.sqlite")), 0o600);
}

#[test]
fn verify_passes_on_an_untouched_archive() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, _) = make_guide(tmp.path(), "a.pdf", "Åse Holm", "Syd", None);
    let (b, _) = make_guide(tmp.path(), "b.pdf", "Bo Dahl", "Nord", None);
    let dir = tmp.path().join("arkiv");
    archive_add(&dir, [&a, &b]);
    let out = archive(&dir).arg("verify").assert().code(0);
    assert_eq!(stdout_of(&out), "");
    assert_eq!(
        stderr_of(&out),
        format!(
            "{TRUST_NOTE}mus archive verify: 2 files checked in {} — all intact\n",
            dir.display()
        )
    );
}

/// An archive with one guide; returns (archive folder, stored path relative, guide id).
fn one_guide_archive(tmp: &Path) -> (PathBuf, String, String) {
    let (guide, id) = make_guide(tmp, "g.pdf", "Åse Holm", "Syd", None);
    let dir = tmp.join("arkiv");
    archive_add(&dir, [&guide]);
    (
        dir,
        format!("2027/syd/aase-holm-{}.pdf", id.to_lowercase()),
        id,
    )
}

#[cfg(unix)]
#[test]
fn verify_names_a_changed_file() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let (dir, stored, id) = one_guide_archive(tmp.path());
    let path = dir.join(&stored);
    let recorded = sha256(&path);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend_from_slice(b"\n% changed\n");
    std::fs::write(&path, &bytes).unwrap();
    let out = archive(&dir).arg("verify").assert().code(1);
    assert_eq!(
        stdout_of(&out),
        format!(
            "changed: {stored} (guide {id} version 1) has SHA-256 {}, the index recorded {recorded}\n",
            sha256(&path)
        )
    );
    assert!(stderr_of(&out).ends_with(&format!(
        "mus archive verify: 1 file checked in {} — 1 problem\n",
        dir.display()
    )));
}

#[cfg(unix)]
#[test]
fn verify_names_a_file_made_writable() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let (dir, stored, _) = one_guide_archive(tmp.path());
    std::fs::set_permissions(dir.join(&stored), std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = archive(&dir).arg("verify").assert().code(1);
    assert_eq!(
        stdout_of(&out),
        format!("writable: {stored} has mode 0644; archived files are read-only (0400)\n")
    );
}

#[test]
fn verify_names_a_deleted_file() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, stored, id) = one_guide_archive(tmp.path());
    std::fs::remove_file(dir.join(&stored)).unwrap();
    let out = archive(&dir).arg("verify").assert().code(1);
    assert_eq!(
        stdout_of(&out),
        format!("missing: {stored} (guide {id} version 1) is in the index but not in the archive folder\n")
    );
}

#[test]
fn verify_names_a_file_the_index_does_not_know() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, _, _) = one_guide_archive(tmp.path());
    std::fs::write(dir.join("2027/syd/stray.pdf"), foreign_pdf(None)).unwrap();
    std::fs::write(dir.join("noter.txt"), "x").unwrap();
    let out = archive(&dir).arg("verify").assert().code(1);
    assert_eq!(
        stdout_of(&out),
        "not in the index: 2027/syd/stray.pdf is a PDF the index does not know; if it is a guide, \
         take it in with `mus archive add` or `mus archive rebuild`, else move \
         it out of the archive folder\n\
         not in the index: noter.txt is not a PDF; the archive folder holds only guides: move it \
         elsewhere\n"
    );
    assert!(stderr_of(&out).ends_with("— 2 problems\n"));
}

/// Issue 18: a `.mus-abc123.tmp` (or any other file) in the archive's folders that is not
/// an indexed guide was not named. Every such file is named, with what to do about it; a
/// temporary file a running mus is writing is named too, but is no problem.
#[cfg(unix)]
#[test]
fn verify_names_every_file_that_is_not_an_indexed_guide_and_what_to_do_about_it() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, stored, id) = one_guide_archive(tmp.path());
    // Fresh, and named by an older mus without the process id: nobody can tell its writer.
    std::fs::write(dir.join(".mus-abc123.tmp"), b"half a guide").unwrap();
    // No process has an id above 2^22 (Linux's largest pid_max).
    std::fs::write(dir.join("2027/syd/.mus-4194305-AbCdEf.tmp"), b"half").unwrap();
    std::fs::copy(dir.join(&stored), dir.join("2027/kopi.pdf")).unwrap();
    std::fs::write(dir.join("2027/syd/stray.pdf"), foreign_pdf(None)).unwrap();
    std::fs::write(dir.join("2027/syd/scan.PDF.txt"), b"%PDF-1.7 not really").unwrap();
    std::fs::write(dir.join("noter.txt"), "x").unwrap();
    let fifo = std::process::Command::new("mkfifo")
        .arg(dir.join("2027/rør"))
        .status()
        .unwrap();
    assert!(fifo.success());
    // This test's own process is running: a mus with this id would be writing it now.
    let running = format!("2027/syd/.mus-{}-QwErTy.tmp", std::process::id());
    std::fs::write(dir.join(&running), b"being written").unwrap();
    let out = archive(&dir).arg("verify").assert().code(1);
    assert_eq!(
        stdout_of(&out),
        format!(
            "temporary: .mus-abc123.tmp is a temporary file of mus; if no mus is adding to the \
             archive now, it was left by an interrupted add and can be deleted (the next add \
             deletes it once it is an hour old)\n\
             not in the index: 2027/kopi.pdf is a copy of the archived {stored} (guide {id} \
             version 1); it can be deleted\n\
             not in the index: 2027/rør is a named pipe (FIFO), not a file; the archive folder \
             holds only guides: remove it\n\
             temporary: 2027/syd/.mus-4194305-AbCdEf.tmp was left by an interrupted add or \
             rebuild (no mus is writing it); it can be deleted, and the next add deletes it\n\
             not in the index: 2027/syd/scan.PDF.txt is a PDF the index does not know; if it is \
             a guide, take it in with `mus archive add` or `mus archive \
             rebuild`, else move it out of the archive folder\n\
             not in the index: 2027/syd/stray.pdf is a PDF the index does not know; if it is a \
             guide, take it in with `mus archive add` or `mus archive \
             rebuild`, else move it out of the archive folder\n\
             not in the index: noter.txt is not a PDF; the archive folder holds only guides: \
             move it elsewhere\n"
        )
    );
    let note = format!(
        "note: {running} is a temporary file a running mus (process {}) is writing now; it \
         goes when that mus finishes (if it stays, run `mus archive verify` again)\n",
        std::process::id()
    );
    assert!(stderr_of(&out).contains(&note), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).ends_with(&format!(
            "mus archive verify: 1 file checked in {} — 7 problems\n",
            dir.display()
        )),
        "{}",
        stderr_of(&out)
    );
    // With only the file being written left, the archive is intact: named, exit 0.
    for stray in [
        ".mus-abc123.tmp",
        "2027/syd/.mus-4194305-AbCdEf.tmp",
        "2027/kopi.pdf",
        "2027/syd/stray.pdf",
        "2027/syd/scan.PDF.txt",
        "noter.txt",
        "2027/rør",
    ] {
        std::fs::remove_file(dir.join(stray)).unwrap();
    }
    let out = archive(&dir).arg("verify").assert().code(0);
    assert_eq!(stdout_of(&out), "");
    assert_eq!(
        stderr_of(&out),
        format!(
            "{TRUST_NOTE}{note}mus archive verify: 1 file checked in {} — all intact\n",
            dir.display()
        )
    );
}

/// An add that stopped after storing the file but before recording it leaves a file the
/// index does not know; adding the same file again records it.
#[cfg(unix)]
#[test]
fn a_file_left_by_an_interrupted_add_is_adopted_by_the_next_add() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let (dir, _, _) = one_guide_archive(tmp.path());
    let (guide, id) = make_guide(tmp.path(), "b.pdf", "Bo Dahl", "Nord", None);
    let stored = format!("2027/nord/bo-dahl-{}.pdf", id.to_lowercase());
    let path = dir.join(&stored);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::copy(&guide, &path).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o400)).unwrap();
    let out = archive(&dir).arg("verify").assert().code(1);
    assert!(stdout_of(&out).starts_with(&format!("not in the index: {stored} ")));
    let out = archive(&dir)
        .args(["add", "--allow-unsigned"])
        .arg(&guide)
        .assert()
        .code(0);
    assert_eq!(
        stdout_of(&out),
        format!(
            "accepted: {} → {stored} (guide {id} version 1, unsigned)\n",
            guide.display()
        )
    );
    archive(&dir).arg("verify").assert().code(0);
}

const ROSTER: &str = "Navn;Rolle;Enhed;Medarbejdernr\r\n\
    Søren Østergård;chef;Skole Nord;101\r\n\
    Mette Kjærgaard;chef;Skole Nord;102\r\n\
    Aase Holm;leder af medarbejdere;Syd;103\r\n\
    Jørgen Ærø;chef;Syd;104\r\n\
    Birthe Bæk;chef;;105\r\n";

/// Five leaders on the roster; Søren's and Åse's (spelled "Aase" on the roster) guides
/// are archived.
fn status_fixture(tmp: &Path) -> (PathBuf, PathBuf, String, String) {
    let (soeren, soeren_id) = make_guide(tmp, "s.pdf", "Søren Østergård", "Skole Nord", None);
    let (aase, aase_id) = make_guide(tmp, "a.pdf", "Åse Holm", "Syd", None);
    let dir = tmp.join("arkiv");
    archive_add(&dir, [&soeren, &aase]);
    let roster = tmp.join("ledere.csv");
    std::fs::write(&roster, ROSTER).unwrap();
    (dir, roster, soeren_id, aase_id)
}

#[test]
fn status_names_the_three_missing_leaders_in_the_table_and_the_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, roster, soeren, aase) = status_fixture(tmp.path());
    let csv = tmp.path().join("status.csv");
    let out = archive(&dir)
        .args(["status", "--year", "2027", "--roster"])
        .arg(&roster)
        .arg("--csv")
        .arg(&csv)
        .assert()
        .code(0);
    assert_eq!(
        stdout_of(&out),
        format!(
            "MUS 2027: 5 leaders on {} — 0 signed, 2 unsigned, 3 missing\n\
             row  name             unit        status    guide                        date\n\
             2    Søren Østergård  Skole Nord  unsigned  {soeren} v1  2027-01-15\n\
             3    Mette Kjærgaard  Skole Nord  missing\n\
             4    Aase Holm        Syd         unsigned  {aase} v1  2027-01-15\n\
             5    Jørgen Ærø       Syd         missing\n\
             6    Birthe Bæk                   missing\n",
            roster.display()
        )
    );
    assert_eq!(stderr_of(&out), format!("wrote {}\n", csv.display()));
    let expected_csv = format!(
        "\u{feff}År;Række;Id;Navn;Enhed;Status;Guide-id;Version;Dato;Fil\r\n\
         2027;2;101;Søren Østergård;Skole Nord;ikke underskrevet;{soeren};1;2027-01-15;2027/skole-nord/soeren-oestergaard-{}.pdf\r\n\
         2027;3;102;Mette Kjærgaard;Skole Nord;mangler;;;;\r\n\
         2027;4;103;Aase Holm;Syd;ikke underskrevet;{aase};1;2027-01-15;2027/syd/aase-holm-{}.pdf\r\n\
         2027;5;104;Jørgen Ærø;Syd;mangler;;;;\r\n\
         2027;6;105;Birthe Bæk;;mangler;;;;\r\n",
        soeren.to_lowercase(),
        aase.to_lowercase()
    );
    assert_eq!(std::fs::read_to_string(&csv).unwrap(), expected_csv);

    // `--csv -`: the CSV on standard output instead of the table.
    let out = archive(&dir)
        .args(["status", "--year", "2027", "--csv", "-", "--roster"])
        .arg(&roster)
        .assert()
        .code(0);
    assert_eq!(stdout_of(&out), expected_csv);
    assert_eq!(
        stderr_of(&out),
        format!(
            "MUS 2027: 5 leaders on {} — 0 signed, 2 unsigned, 3 missing\n",
            roster.display()
        )
    );
}

#[test]
fn status_defaults_to_source_date_epochs_year_and_another_year_has_nobody() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, roster, _, _) = status_fixture(tmp.path());
    let out = archive(&dir)
        .env("SOURCE_DATE_EPOCH", "1800000000") // 2027-01-15
        .args(["status", "--roster"])
        .arg(&roster)
        .assert()
        .code(0);
    assert!(stdout_of(&out).starts_with("MUS 2027: 5 leaders on "));
    assert!(stdout_of(&out).contains(" — 0 signed, 2 unsigned, 3 missing\n"));
    let out = archive(&dir)
        .args(["status", "--year", "2028", "--roster"])
        .arg(&roster)
        .assert()
        .code(0);
    assert!(stdout_of(&out).contains(" — 0 signed, 0 unsigned, 5 missing\n"));
}

#[test]
fn status_against_a_batch_manifest_matches_by_guide_id_and_names_guides_not_on_it() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, _, soeren, aase) = status_fixture(tmp.path());
    // The manifest spells Søren's name another way; his guide id still finds his guide.
    let record = |row: usize, name: &str, guide_id: &str| {
        serde_json::json!({
            "row": row, "id": "", "name": name, "role": "chef", "focus": [], "manager": "",
            "unit": "", "date": "2027-01-15", "file": "x.pdf", "guide_id": guide_id,
            "sha256": "", "bytes": 0
        })
    };
    let manifest = serde_json::json!({
        "mus_version": "0.1.0", "roster": "ledere.csv", "framework": "x",
        "guides": [record(2, "S. Østergård", &soeren), record(3, "Mette Kjærgaard", "2027-00000000")]
    });
    let path = tmp.path().join("manifest.json");
    std::fs::write(&path, manifest.to_string()).unwrap();
    let out = archive(&dir)
        .args(["status", "--year", "2027", "--roster"])
        .arg(&path)
        .assert()
        .code(0);
    assert_eq!(
        stdout_of(&out),
        format!(
            "MUS 2027: 2 leaders on {} — 0 signed, 1 unsigned, 1 missing\n\
             row  name             unit  status    guide                        date\n\
             2    S. Østergård           unsigned  {soeren} v1  2027-01-15\n\
             3    Mette Kjærgaard        missing\n\
             archived for 2027 but not on the roster: Åse Holm (Syd, {aase} v1)\n",
            path.display()
        )
    );
}

#[test]
fn without_an_archive_folder_the_error_says_how_to_name_one() {
    let tmp = tempfile::tempdir().unwrap();
    let out = mus().args(["archive", "list"]).assert().code(2);
    assert_eq!(
        stderr_of(&out),
        "error: no archive folder: give --archive DIR or set MUS_ARCHIVE\n\
         hint: e.g. `mus archive --archive /srv/mus-arkiv add guide.pdf`; the first `add` creates the folder (readable by its owner only)\n"
    );
    let missing = tmp.path().join("nowhere");
    let out = archive(&missing).arg("verify").assert().code(2);
    assert_eq!(
        stderr_of(&out),
        format!(
            "error: {}: the archive folder does not exist\n",
            missing.display()
        )
    );
    let out = archive(tmp.path()).arg("list").assert().code(2);
    assert_eq!(
        stderr_of(&out),
        format!(
            "error: {}: is not a mus archive (it has no index.sqlite)\n\
             hint: check --archive / MUS_ARCHIVE; `mus archive add FILE` starts an archive\n",
            tmp.path().display()
        )
    );
}

#[test]
fn list_filters_by_year_and_unit() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, _, soeren, _) = status_fixture(tmp.path());
    let out = archive(&dir)
        .args(["list", "--year", "2027", "--unit", "skole nord"])
        .assert()
        .code(0);
    let text = stdout_of(&out);
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(text.lines().nth(1).unwrap().contains(&soeren), "{text}");
    let out = archive(&dir)
        .args(["list", "--year", "2026", "--json"])
        .assert()
        .code(0);
    assert_eq!(stdout_of(&out), "[]\n");
}

#[test]
fn trust_files_are_loaded_and_the_note_is_given_only_without_them() {
    let tmp = tempfile::tempdir().unwrap();
    let (guide, _) = make_guide(tmp.path(), "g.pdf", "Åse Holm", "Syd", None);
    let dir = tmp.path().join("arkiv");
    let not_pem = tmp.path().join("ca.pem");
    std::fs::write(&not_pem, "hello").unwrap();
    let out = archive(&dir)
        .args(["add", "--allow-unsigned", "--trust"])
        .arg(&not_pem)
        .arg(&guide)
        .assert()
        .code(2);
    assert_eq!(
        stderr_of(&out),
        format!(
            "error: {}: no certificate in the file\nhint: give a PEM file with one or more \
             '-----BEGIN CERTIFICATE-----' blocks, e.g. the CA certificate the signing service \
             issues its certificates from\n",
            not_pem.display()
        )
    );
    let pem = signed("ca.pem");
    let out = archive(&dir)
        .args(["add", "--allow-unsigned", "--trust"])
        .arg(&pem)
        .arg(&guide)
        .assert()
        .code(0);
    assert!(!stderr_of(&out).contains("note:"), "{}", stderr_of(&out));
}

#[test]
fn a_guide_signed_in_both_fields_is_accepted_listed_with_its_signers_and_counted_as_done() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("arkiv");
    let out = archive(&dir)
        .args(["add", "--trust"])
        .arg(signed("ca.pem"))
        .arg(signed("signed-both.pdf"))
        .assert()
        .code(0);
    let stdout = stdout_of(&out);
    assert!(
        stdout.starts_with(&format!(
            "accepted: {} → 2027/dagtilbud-nord/lukasz-oester-aagaard-2027-",
            signed("signed-both.pdf").display()
        )) && stdout.ends_with(" version 1, signed)\n"),
        "{stdout}"
    );
    assert!(
        !stderr_of(&out).contains("note:"),
        "trust anchors were given"
    );

    let out = archive(&dir).args(["list", "--json"]).assert().code(0);
    let list: serde_json::Value = serde_json::from_str(&stdout_of(&out)).unwrap();
    let guide = &list[0];
    assert_eq!(guide["status"], "signed");
    assert_eq!(guide["leader"], "Łukasz Øster-Ågård");
    assert_eq!(guide["unit"], "Dagtilbud Nord");
    assert_eq!(guide["sha256"], sha256(&signed("signed-both.pdf")));
    let signatures = guide["signatures"].as_array().unwrap();
    assert_eq!(signatures.len(), 2);
    let leader = &signatures[0];
    assert_eq!(leader["field"], "underskrift.leder.underskrift");
    assert_eq!(leader["signer"], "CN=Łukasz Øster-Ågård,O=MUS Test Kommune");
    assert_eq!(leader["algorithm"], "RSA PKCS#1 v1.5 with SHA-256");
    assert_eq!(leader["coverage"], "signing");
    assert_eq!(
        leader["trust"],
        "trusted: CN=MUS Test CA,O=MUS Test Kommune"
    );
    assert_eq!(leader["certificate_sha256"].as_str().unwrap().len(), 64);
    assert!(leader["signing_time"].as_str().unwrap().starts_with("20"));
    let manager = &signatures[1];
    assert_eq!(manager["field"], "underskrift.leders-leder.underskrift");
    assert_eq!(manager["signer"], "CN=Bodil Kjærgård,O=MUS Test Kommune");
    assert_eq!(manager["algorithm"], "ECDSA P-256 with SHA-256");
    assert_eq!(manager["coverage"], "whole-file");

    // Done, in the completion report.
    let roster = tmp.path().join("ledere.csv");
    std::fs::write(
        &roster,
        "Navn;Enhed;Niveau\nŁukasz Øster-Ågård;Dagtilbud Nord;Leder af medarbejdere\nBo Dahl;Syd;Chef\n",
    )
    .unwrap();
    let out = archive(&dir)
        .args(["status", "--year", "2027", "--csv", "-", "--roster"])
        .arg(&roster)
        .assert()
        .code(0);
    let csv = stdout_of(&out);
    let rows: Vec<&str> = csv.split("\r\n").collect();
    assert!(
        rows[1].contains(";Łukasz Øster-Ågård;Dagtilbud Nord;underskrevet;2027-"),
        "{csv}"
    );
    assert!(rows[2].contains(";Bo Dahl;Syd;mangler;"), "{csv}");
    assert!(
        stderr_of(&out).contains("1 signed, 0 unsigned, 1 missing"),
        "{}",
        stderr_of(&out)
    );

    // verify re-checks the signatures, here against the wrong anchor.
    archive(&dir).arg("verify").assert().code(0);
    let out = archive(&dir)
        .args(["verify", "--trust"])
        .arg(signed("other-ca.pem"))
        .assert()
        .code(1);
    let report = stdout_of(&out);
    assert!(report.contains("not trusted"), "{report}");
    assert!(report.contains("lukasz-oester-aagaard-2027-"), "{report}");
}

#[test]
fn a_signed_guide_with_one_byte_changed_is_refused_and_so_is_one_edited_after_signing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("arkiv");
    for allow in [false, true] {
        let mut cmd = archive(&dir);
        cmd.arg("add");
        if allow {
            // A broken signature is never let in, not even as "unsigned".
            cmd.arg("--allow-unsigned");
        }
        let out = cmd
            .arg(signed("signed-both-tampered.pdf"))
            .arg(signed("signed-both-then-edited.pdf"))
            .assert()
            .code(1);
        let stderr = stderr_of(&out);
        assert!(
            stderr.contains(&format!(
                "refused: {}: the leader's signature (underskrift.leder.underskrift) is invalid: \
                 the SHA-256 digest of the signed byte ranges does not match the messageDigest",
                signed("signed-both-tampered.pdf").display()
            )),
            "{stderr}"
        );
        assert!(
            stderr.contains(&format!(
                "refused: {}: the leader's signature (underskrift.leder.underskrift) no longer \
                 covers the file: it was changed after signing (object ",
                signed("signed-both-then-edited.pdf").display()
            )) && stderr.contains(
                "(/Page): its annotations changed (an entry that is not a new signature field \
                 was added)"
            ),
            "{stderr}"
        );
        assert!(
            stderr.contains("0 accepted, 0 unchanged, 2 refused"),
            "{stderr}"
        );
    }
    assert!(!dir.join("2027").exists(), "nothing was stored");
}

#[test]
fn a_guide_signed_only_by_the_leader_is_refused_naming_the_managers_field() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("arkiv");
    let out = archive(&dir)
        .arg("add")
        .arg(signed("signed-leader.pdf"))
        .assert()
        .code(1);
    assert!(stderr_of(&out).contains(&format!(
        "refused: {}: the manager's signature field (underskrift.leders-leder.underskrift) is empty\n",
        signed("signed-leader.pdf").display()
    )));
    // As a partly signed copy it goes in, recorded as unsigned.
    let out = archive(&dir)
        .args(["add", "--allow-unsigned"])
        .arg(signed("signed-leader.pdf"))
        .assert()
        .code(0);
    assert!(
        stdout_of(&out).ends_with(" version 1, unsigned)\n"),
        "{}",
        stdout_of(&out)
    );
}

#[test]
fn an_untrusted_signer_a_truncated_file_and_a_pdf_that_is_no_guide_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("arkiv");
    let out = archive(&dir)
        .args(["add", "--trust"])
        .arg(signed("other-ca.pem"))
        .arg(signed("signed-both.pdf"))
        .arg(signed("truncated.pdf"))
        .arg(signed("not-a-guide.pdf"))
        .arg(signed("unsigned.pdf"))
        .assert()
        .code(1);
    let stderr = stderr_of(&out);
    for (file, reason) in [
        (
            "signed-both.pdf",
            "the leader's signer (CN=Łukasz Øster-Ågård,O=MUS Test Kommune, \
             underskrift.leder.underskrift) is not trusted: the chain ends at the self-signed \
             certificate CN=MUS Test CA,O=MUS Test Kommune, which is not one of the trust \
             anchors (CN=Other Test CA,O=Andet Firma)",
        ),
        (
            "truncated.pdf",
            "the PDF is truncated or damaged (it does not end with %%EOF)",
        ),
        (
            "not-a-guide.pdf",
            "not a guide made by mus: the PDF has no XMP metadata",
        ),
        (
            "unsigned.pdf",
            "the leader's signature field (underskrift.leder.underskrift) is empty; the \
             manager's signature field (underskrift.leders-leder.underskrift) is empty",
        ),
    ] {
        let line = format!("refused: {}: {reason}", signed(file).display());
        assert!(stderr.contains(&line), "{line}\nnot in\n{stderr}");
    }
}

#[test]
fn verify_names_an_archived_signed_guide_changed_on_disk() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("arkiv");
    let out = archive(&dir)
        .arg("add")
        .arg(signed("signed-both.pdf"))
        .assert()
        .code(0);
    let stored = stdout_of(&out);
    let relative = stored
        .split(" → ")
        .nth(1)
        .and_then(|s| s.split(" (").next())
        .unwrap()
        .to_string();
    let path = dir.join(&relative);
    let mut bytes = std::fs::read(&path).unwrap();
    let middle = bytes.len() / 3;
    bytes[middle] ^= 0x01;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    std::fs::write(&path, &bytes).unwrap();
    let out = archive(&dir).arg("verify").assert().code(1);
    let report = stdout_of(&out);
    assert!(report.contains(&format!("changed: {relative}")), "{report}");
}

/// Regression: the XMP metadata stream may change after signing (pyHanko updates it), and
/// the archive took the guide's identity from the latest one — so an update after both
/// signatures could file a signed guide under another leader, unit, year or guide id.
#[test]
fn a_signed_guide_whose_xmp_names_another_leader_after_signing_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("arkiv");
    for allow in [false, true] {
        let mut cmd = archive(&dir);
        cmd.arg("add");
        if allow {
            cmd.arg("--allow-unsigned");
        }
        let out = cmd
            .arg(signed("signed-both-then-relabelled.pdf"))
            .assert()
            .code(1);
        // The relabelling renames the leader, the unit and the leader's signer.
        let start = format!(
            "refused: {}: its XMP metadata was changed after the leader's signature \
             (underskrift.leder.underskrift): the signed guide is for Łukasz Øster-Ågård, \
             Dagtilbud Nord, signers Leder Łukasz Øster-Ågård",
            signed("signed-both-then-relabelled.pdf").display()
        );
        let stderr = stderr_of(&out);
        assert!(stderr.contains(&start), "{stderr}");
        assert!(
            stderr.contains(
                "but the file now says Mallory Madsen, Skole Syd, signers Leder Mallory Madsen"
            ),
            "{stderr}"
        );
    }
    assert!(!dir.join("2027").exists(), "nothing was stored");
}

/// Regression: form filling after a signature was allowed even after the last one, so the
/// development plan could be rewritten after both had signed and the guide still went in
/// as signed. Filling in between the signatures is fine (the later one covers it).
#[test]
fn a_guide_filled_in_after_both_signatures_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("arkiv");
    let out = archive(&dir)
        .arg("add")
        .arg(signed("signed-both-then-filled-in.pdf"))
        .assert()
        .code(1);
    let line = format!(
        "refused: {}: the form was filled in after the last signature, the manager's \
         (underskrift.leders-leder.underskrift), and no signature covers that: plan.1.maal \
         changed\n",
        signed("signed-both-then-filled-in.pdf").display()
    );
    assert!(stderr_of(&out).contains(&line), "{}", stderr_of(&out));
    assert!(!dir.join("2027").exists(), "nothing was stored");
}

/// The guide says who must sign: a custom template's third signer (a union
/// representative) must sign too, and is recorded with the leader and the manager.
#[test]
fn a_guide_with_a_third_signer_needs_all_three() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("arkiv");
    let out = archive(&dir)
        .arg("add")
        .arg("--trust")
        .arg(committed("three-signers-ca.pem"))
        .arg(committed("three-signers-two-signed.pdf"))
        .assert()
        .code(1);
    assert!(
        stderr_of(&out).contains(&format!(
            "refused: {}: the tillidsrepræsentant's signature field (underskrift.tr.underskrift) \
             is empty\n",
            committed("three-signers-two-signed.pdf").display()
        )),
        "{}",
        stderr_of(&out)
    );
    archive(&dir)
        .arg("add")
        .arg("--trust")
        .arg(committed("three-signers-ca.pem"))
        .arg(committed("three-signers.pdf"))
        .assert()
        .success();
    let out = archive(&dir).args(["list", "--json"]).assert().success();
    let list: serde_json::Value = serde_json::from_str(&stdout_of(&out)).unwrap();
    let signatures = list[0]["signatures"].as_array().unwrap();
    let who: Vec<(&str, &str, &str)> = signatures
        .iter()
        .map(|s| {
            (
                s["field"].as_str().unwrap(),
                s["role"].as_str().unwrap(),
                s["signer_name"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        who,
        [
            (
                "underskrift.leder.underskrift",
                "leader",
                "Łukasz Øster-Ågård"
            ),
            (
                "underskrift.leders-leder.underskrift",
                "manager",
                "Bodil Kjærgård"
            ),
            ("underskrift.tr.underskrift", "other", "Tove Ræv"),
        ]
    );
    assert!(signatures
        .iter()
        .all(|s| s["trust"].as_str().unwrap().starts_with("trusted: ")));
}

/// PAdES B-LTA as a signing service makes it: the signing time is the timestamp's, the
/// signers' revocation is checked from the file's DSS, and the document timestamp is
/// recorded as signing for nobody.
#[test]
fn a_b_lta_guide_is_archived_with_its_timestamps_and_revocation_checks() {
    let ltv = |name: &str| common::fixture("ltv").join(name);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("arkiv");
    archive(&dir)
        .arg("add")
        .arg("--trust")
        .arg(ltv("root.pem"))
        .arg(ltv("b-lta.pdf"))
        .assert()
        .success();
    let out = archive(&dir).args(["list", "--json"]).assert().success();
    let list: serde_json::Value = serde_json::from_str(&stdout_of(&out)).unwrap();
    let signatures = list[0]["signatures"].as_array().unwrap();
    let personal: Vec<&serde_json::Value> = signatures
        .iter()
        .filter(|s| s["role"] == "leader" || s["role"] == "manager")
        .collect();
    assert_eq!(personal.len(), 2, "{signatures:?}");
    for s in &personal {
        assert_eq!(s["time_source"], "timestamp", "{s}");
        assert_eq!(s["revocation"], "checked", "{s}");
        assert!(s["signing_time"].as_str().is_some(), "{s}");
    }
    let stamps: Vec<&serde_json::Value> = signatures
        .iter()
        .filter(|s| s["role"] == "document-timestamp")
        .collect();
    assert_eq!(stamps.len(), 1, "{signatures:?}");
    assert_eq!(stamps[0]["time_source"], "timestamp");
}

// ---- Issue 11: hardening ----------------------------------------------------------

/// Issue 11: a year folder replaced by a link to a folder outside made `add` write the
/// guide outside the archive. Links inside the archive are never followed.
#[cfg(unix)]
#[test]
fn add_never_writes_through_a_year_folder_linked_outside_the_archive() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, _, _) = one_guide_archive(tmp.path());
    let outside = tmp.path().join("udenfor");
    std::fs::rename(dir.join("2027"), &outside).unwrap();
    std::os::unix::fs::symlink(&outside, dir.join("2027")).unwrap();
    let (guide, _) = make_guide(tmp.path(), "b.pdf", "Bo Dahl", "Nord", None);
    let out = archive(&dir)
        .args(["add", "--allow-unsigned"])
        .arg(&guide)
        .assert()
        .code(2);
    assert_eq!(
        stderr_of(&out),
        format!(
            "{TRUST_NOTE}error: {}: is a symbolic link (to {}); mus never follows a link inside the \
             archive folder (put the folder itself there)\n",
            dir.join("2027").display(),
            outside.display()
        )
    );
    assert!(
        !outside.join("nord").exists(),
        "written outside the archive"
    );
}

/// Issue 11: `verify` said nothing when an archived file was replaced by a link to an
/// outside copy with the same bytes, nor about a linked folder.
#[cfg(unix)]
#[test]
fn verify_names_an_archived_file_replaced_by_a_link_and_a_linked_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, stored, _) = one_guide_archive(tmp.path());
    let (guide, id) = make_guide(tmp.path(), "b.pdf", "Bo Dahl", "Nord", None);
    archive_add(&dir, [&guide]);
    let copy = tmp.path().join("kopi.pdf");
    std::fs::copy(dir.join(&stored), &copy).unwrap();
    std::fs::remove_file(dir.join(&stored)).unwrap();
    std::os::unix::fs::symlink(&copy, dir.join(&stored)).unwrap();
    let outside = tmp.path().join("nord-kopi");
    std::fs::rename(dir.join("2027/nord"), &outside).unwrap();
    std::os::unix::fs::symlink(&outside, dir.join("2027/nord")).unwrap();
    let out = archive(&dir).arg("verify").assert().code(1);
    assert_eq!(
        stdout_of(&out),
        format!(
            "link: 2027/nord is a symbolic link (to {}); the archive holds files, never links \
             (guide {id} version 1 lies behind it)\n\
             link: {stored} is a symbolic link (to {}); the archive holds files, never links\n",
            outside.display(),
            copy.display(),
        )
    );
}

/// Issue 11: temporary files an interrupted `add` left (half a guide: personal data) are
/// named by `verify` and removed by the next `add`: those whose process is gone, or
/// older than an hour.
#[cfg(unix)]
#[test]
fn temporary_files_left_by_an_interrupted_add_are_named_by_verify_and_removed_by_the_next_add() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, _, _) = one_guide_archive(tmp.path());
    // No process has an id above 2^22 (Linux's largest pid_max).
    let dead = dir.join("2027/syd/.mus-4194305-AbCdEf.tmp");
    std::fs::write(&dead, b"half a guide").unwrap();
    let old = dir.join(".mus-Xy12Ab.tmp");
    let file = std::fs::File::create(&old).unwrap();
    file.set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(7200))
        .unwrap();
    drop(file);
    let out = archive(&dir).arg("verify").assert().code(1);
    assert_eq!(
        stdout_of(&out),
        "temporary: .mus-Xy12Ab.tmp was left by an interrupted add or rebuild (no mus is writing \
         it); it can be deleted, and the next add deletes it\n\
         temporary: 2027/syd/.mus-4194305-AbCdEf.tmp was left by an interrupted add or rebuild (no \
         mus is writing it); it can be deleted, and the next add deletes it\n"
    );
    let (guide, _) = make_guide(tmp.path(), "b.pdf", "Bo Dahl", "Nord", None);
    let out = archive(&dir)
        .args(["add", "--allow-unsigned"])
        .arg(&guide)
        .assert()
        .code(0);
    assert!(
        stderr_of(&out).contains(&format!(
            "mus archive add: removed 2 temporary files an interrupted add left in {}\n",
            dir.display()
        )),
        "{}",
        stderr_of(&out)
    );
    assert!(!dead.exists() && !old.exists());
    archive(&dir).arg("verify").assert().code(0);
}

/// Issue 11: `archive add` of a FIFO blocked forever; a multi-GB file was read whole.
/// Both are refused before their contents are read.
#[cfg(unix)]
#[test]
fn a_fifo_is_refused_without_blocking_and_an_oversized_file_without_reading_it() {
    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("guide.pdf");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let big = tmp.path().join("big.pdf");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(65 * 1024 * 1024)
        .unwrap();
    let dir = tmp.path().join("arkiv");
    let out = archive(&dir)
        .args(["add", "--allow-unsigned"])
        .args([&fifo, &big])
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(1);
    let stderr = stderr_of(&out);
    for line in [
        format!(
            "refused: {}: is a named pipe (FIFO), not a file; only PDF files are archived\n",
            fifo.display()
        ),
        format!(
            "refused: {}: is 65.0 MiB; a guide is about 50–80 KB, and mus archives files of at \
             most 64 MiB\n",
            big.display()
        ),
    ] {
        assert!(stderr.contains(&line), "{line}\nnot in\n{stderr}");
    }
}

/// Runs `mus archive --archive DIR ARGS` as the unprivileged user `nobody` (root reads and
/// writes everything, which would hide what a read-only archive does); `None`, with the
/// reason printed, when privileges cannot be dropped.
#[cfg(unix)]
fn as_nobody(dir: &Path, args: &[&str]) -> Option<std::process::Output> {
    let bin = assert_cmd::cargo::cargo_bin("mus");
    let mut cmd = if unsafe_is_root() {
        let mut cmd = std::process::Command::new("setpriv");
        cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&bin);
        cmd
    } else {
        std::process::Command::new(&bin)
    };
    cmd.arg("archive")
        .arg("--archive")
        .arg(dir)
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .env_remove("MUS_ARCHIVE");
    match cmd.output() {
        Ok(out) if out.status.code() == Some(127) || out.status.code() == Some(126) => {
            eprintln!(
                "skipped: cannot run mus as nobody: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            None
        }
        Ok(out) => Some(out),
        Err(e) => {
            eprintln!("skipped: cannot drop privileges (setpriv: {e})");
            None
        }
    }
}

#[cfg(unix)]
fn unsafe_is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout == b"0\n")
}

/// Issue 11: a read-only archive (a copy the user may only read) could not be listed or
/// verified: "attempt to write a readonly database".
#[cfg(unix)]
#[test]
fn list_status_and_verify_work_on_a_read_only_archive() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let (dir, stored, id) = one_guide_archive(tmp.path());
    let roster = tmp.path().join("r.csv");
    std::fs::write(&roster, "Navn;Rolle;Enhed\nÅse Holm;chef;Syd\n").unwrap();
    // As root, the archive is given to nobody, who runs the commands below: its owner,
    // but without a write bit anywhere. As a normal user the archive is already its own.
    if unsafe_is_root() {
        let chown = std::process::Command::new("chown")
            .args(["-R", "65534:65534"])
            .arg(&dir)
            .status()
            .unwrap();
        assert!(chown.success());
    }
    for path in [tmp.path(), roster.as_path()] {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    for folder in [dir.join("2027/syd"), dir.join("2027"), dir.clone()] {
        std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o500)).unwrap();
    }
    let index = dir.join("index.sqlite");
    std::fs::set_permissions(&index, std::fs::Permissions::from_mode(0o400)).unwrap();
    let Some(list) = as_nobody(&dir, &["list"]) else {
        return;
    };
    let text = |o: &std::process::Output| {
        (
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    assert_eq!(list.status.code(), Some(0), "{:?}", text(&list));
    assert!(text(&list).0.contains(&id), "{:?}", text(&list));
    let verify = as_nobody(&dir, &["verify"]).unwrap();
    assert_eq!(verify.status.code(), Some(0), "{:?}", text(&verify));
    assert!(
        text(&verify).1.ends_with(&format!(
            "mus archive verify: 1 file checked in {} — all intact\n",
            dir.display()
        )),
        "{:?}",
        text(&verify)
    );
    let roster_arg = roster.to_string_lossy().into_owned();
    let status = as_nobody(&dir, &["status", "--roster", &roster_arg, "--year", "2027"]).unwrap();
    assert_eq!(status.status.code(), Some(0), "{:?}", text(&status));
    assert!(text(&status).0.contains("Åse Holm"), "{:?}", text(&status));
    let guide = tmp.path().join("g.pdf");
    let guide_arg = guide.to_string_lossy().into_owned();
    let add = as_nobody(&dir, &["add", "--allow-unsigned", &guide_arg]).unwrap();
    assert_eq!(add.status.code(), Some(2), "{:?}", text(&add));
    assert!(
        text(&add).1.contains(&format!(
            "error: {}: this user may not write the archive folder or its index; `add` needs \
             write access (list, status and verify work without it)\n",
            dir.display()
        )),
        "{:?}",
        text(&add)
    );
    assert!(dir.join(&stored).is_file());
}

/// Issue 11: a 0-byte index made `list` say "no archived guide matches" and silently
/// re-created an empty schema; a damaged one gave SQLite's words only.
#[test]
fn an_empty_or_damaged_index_beside_archived_files_says_how_to_rebuild() {
    for (content, what) in [
        (&b""[..], "is empty"),
        (
            &b"SQLite format 3\0 this is not a database"[..],
            "is damaged (file is not a database)",
        ),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let (dir, _, _) = one_guide_archive(tmp.path());
        for suffix in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(dir.join(format!("index.sqlite{suffix}")));
        }
        let index = dir.join("index.sqlite");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&index, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        std::fs::write(&index, content).unwrap();
        for command in ["list", "verify"] {
            let out = archive(&dir).arg(command).assert().code(2);
            let stderr = stderr_of(&out);
            assert!(
                stderr.contains(&format!(
                    "error: {}: the index {what}, but the archive folder holds archived guides",
                    index.display()
                )) && stderr.contains("hint: `mus archive rebuild` re-creates the index"),
                "{command}: {stderr}"
            );
        }
        assert_eq!(
            std::fs::read(&index).unwrap(),
            content,
            "the index was rewritten"
        );
    }
}

/// Issue 11: with the index deleted, `add` silently started a new, empty one beside the
/// archived files.
#[test]
fn add_beside_archived_files_without_an_index_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, _, _) = one_guide_archive(tmp.path());
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(dir.join(format!("index.sqlite{suffix}")));
    }
    let (guide, _) = make_guide(tmp.path(), "b.pdf", "Bo Dahl", "Nord", None);
    let out = archive(&dir)
        .args(["add", "--allow-unsigned"])
        .arg(&guide)
        .assert()
        .code(2);
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains(&format!(
            "error: {}: the index is missing, but the archive folder holds archived guides",
            dir.join("index.sqlite").display()
        )) && stderr.contains("hint: `mus archive rebuild` re-creates the index"),
        "{stderr}"
    );
    assert!(!dir.join("index.sqlite").exists());
    assert!(!dir.join("2027/nord").exists());
}

/// `mus archive rebuild` re-reads every archived PDF, judges it by today's rules and
/// writes a new index; the old one is kept as index.sqlite.bak. Signed guides stay
/// signed, unsigned ones unsigned; a file today's rules refuse is named and not indexed.
#[test]
fn rebuild_recreates_the_index_and_names_files_todays_rules_refuse() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, _, _) = one_guide_archive(tmp.path());
    archive(&dir)
        .arg("add")
        .arg(signed("signed-both.pdf"))
        .assert()
        .code(0);
    let (guide, _) = make_guide(tmp.path(), "b.pdf", "Åse Holm", "Syd", Some("1800000000"));
    archive_add(&dir, [&guide]);
    let before = stdout_of(&archive(&dir).args(["list", "--json"]).assert().code(0));
    let index = dir.join("index.sqlite");
    std::fs::write(&index, b"").unwrap();
    std::fs::copy(
        signed("signed-both-tampered.pdf"),
        dir.join("2027/syd/tampered.pdf"),
    )
    .unwrap();
    std::fs::write(dir.join("noter.txt"), "x").unwrap();
    let out = archive(&dir).arg("rebuild").assert().code(1);
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains("not indexed: 2027/syd/tampered.pdf: today's rules refuse it: "),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "mus archive rebuild: 3 guides indexed, 1 refused → {}\n",
            index.display()
        )),
        "{stderr}"
    );
    assert_eq!(std::fs::read(dir.join("index.sqlite.bak")).unwrap(), b"");
    let after = stdout_of(&archive(&dir).args(["list", "--json"]).assert().code(0));
    let strip = |text: &str| {
        let mut list: serde_json::Value = serde_json::from_str(text).unwrap();
        for g in list.as_array_mut().unwrap() {
            g.as_object_mut().unwrap().remove("added_at");
        }
        list
    };
    assert_eq!(strip(&after), strip(&before));
    let out = archive(&dir).arg("verify").assert().code(1);
    assert_eq!(
        stdout_of(&out),
        "not in the index: 2027/syd/tampered.pdf is a PDF the index does not know; if it is a \
         guide, take it in with `mus archive add` or `mus archive rebuild`, else move it out of \
         the archive folder\n\
         not in the index: noter.txt is not a PDF; the archive folder holds only guides: move it \
         elsewhere\n"
    );
}

/// Issue 11: the first `add` from several processes at once into a new archive: some
/// exited 2 with "index.sqlite: File exists (os error 17)".
#[test]
fn six_first_adds_at_once_into_a_new_archive_all_succeed() {
    let tmp = tempfile::tempdir().unwrap();
    let names = [
        "Ane Bæk",
        "Bo Dahl",
        "Carl Eg",
        "Dorte Fog",
        "Eva Gram",
        "Finn Holm",
    ];
    let guides: Vec<PathBuf> = names
        .iter()
        .enumerate()
        .map(|(i, name)| make_guide(tmp.path(), &format!("{i}.pdf"), name, "Syd", None).0)
        .collect();
    // Several rounds, each into a fresh folder: the window is small.
    for round in 0..4 {
        let dir = tmp.path().join(format!("ny-arkiv-{round}"));
        let children: Vec<std::process::Child> = guides
            .iter()
            .map(|guide| {
                std::process::Command::new(assert_cmd::cargo::cargo_bin("mus"))
                    .arg("archive")
                    .arg("--archive")
                    .arg(&dir)
                    .args(["add", "--allow-unsigned"])
                    .arg(guide)
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert_eq!(
                out.status.code(),
                Some(0),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let out = archive(&dir).args(["list", "--json"]).assert().code(0);
        let list: serde_json::Value = serde_json::from_str(&stdout_of(&out)).unwrap();
        let mut leaders: Vec<&str> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["leader"].as_str().unwrap())
            .collect();
        leaders.sort();
        assert_eq!(leaders, names);
    }
}

/// Issue 11: an `add` stopped by SIGTERM or Ctrl-C could leave its temporary file (half a
/// guide) in the archive. Interrupted, it removes it and exits 128 + the signal's number.
#[cfg(unix)]
#[test]
fn an_interrupted_add_leaves_no_temporary_file() {
    let tmp = tempfile::tempdir().unwrap();
    let csv = tmp.path().join("r.csv");
    let mut roster = String::from("navn;rolle;enhed\n");
    for i in 0..120 {
        roster.push_str(&format!("Person Nummer{i};chef;Syd\n"));
    }
    std::fs::write(&csv, roster).unwrap();
    let guides = tmp.path().join("ud");
    mus()
        .arg("batch")
        .arg(&csv)
        .arg("--out-dir")
        .arg(&guides)
        .args(["--date", "2027-01-15", "--quiet"])
        .assert()
        .code(0);
    let files: Vec<PathBuf> = files_under(&guides)
        .into_iter()
        .filter(|f| f.ends_with(".pdf"))
        .map(|f| guides.join(f))
        .collect();
    assert_eq!(files.len(), 120);
    for (signal, code) in [("-TERM", 143), ("-INT", 130)] {
        // On a loaded machine this thread may not look before the add is done: then again.
        let mut attempt = 0;
        let (dir, child) = loop {
            attempt += 1;
            let dir = tmp.path().join(format!("arkiv{signal}-{attempt}"));
            let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("mus"))
                .arg("archive")
                .arg("--archive")
                .arg(&dir)
                .args(["add", "--allow-unsigned"])
                .args(&files)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            // Signalled while guides are being stored.
            let stored = |dir: &Path| {
                dir.join("2027/syd").is_dir()
                    && files_under(dir)
                        .iter()
                        .filter(|f| f.ends_with(".pdf"))
                        .count()
                        >= 5
            };
            let mut ended = false;
            while !stored(&dir) {
                if child.try_wait().unwrap().is_some() {
                    ended = true;
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
            if !ended {
                break (dir, child);
            }
            match child.wait_with_output() {
                Ok(output) if output.status.success() && attempt < 5 => {
                    eprintln!("the add ended before it could be interrupted; again")
                }
                output => panic!("the add ended before it could be interrupted: {output:?}"),
            }
        };
        let kill = std::process::Command::new("kill")
            .arg(signal)
            .arg(child.id().to_string())
            .status()
            .unwrap();
        assert!(kill.success());
        let output = child.wait_with_output().unwrap();
        assert_eq!(
            output.status.code(),
            Some(code),
            "{signal}: {:?} {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        let left: Vec<String> = files_under(&dir)
            .into_iter()
            .filter(|f| f.ends_with(".tmp"))
            .collect();
        assert_eq!(left, Vec::<String>::new(), "{signal}");
        let stored = files_under(&dir)
            .iter()
            .filter(|f| f.ends_with(".pdf"))
            .count();
        assert!(stored < 120, "{stored} guides: the add was not interrupted");
    }
}

/// Issue 18: the race behind "database is locked", made certain. While one mus holds the
/// write lock of a new index (creating it), another that opens it must wait; it failed
/// at once when switching the new index's journal, which SQLite does not wait for.
#[test]
fn an_add_waits_for_another_that_holds_the_lock_of_a_new_index() {
    let tmp = tempfile::tempdir().unwrap();
    let (guide, _) = make_guide(tmp.path(), "g.pdf", "Åse Holm", "Syd", None);
    let dir = tmp.path().join("arkiv");
    std::fs::create_dir(&dir).unwrap();
    // What another mus does when it creates the index: the file, then the write lock.
    let other = rusqlite::Connection::open(dir.join("index.sqlite")).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("mus"))
        .env_remove("MUS_ARCHIVE")
        .arg("archive")
        .arg("--archive")
        .arg(&dir)
        .args(["add", "--allow-unsigned"])
        .arg(&guide)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Long enough for the add to reach the index (it opens it before reading any file).
    std::thread::sleep(std::time::Duration::from_secs(2));
    other.execute_batch("COMMIT").unwrap();
    drop(other);
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = archive(&dir).args(["list", "--json"]).assert().code(0);
    let list: serde_json::Value = serde_json::from_str(&stdout_of(&out)).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
}

/// Issue 18: two `mus archive add` of the same 24 guides in opposite orders into a new
/// archive failed with exit 2 ("the index cannot be read or updated: database is
/// locked") in 2 of 4 tries. Processes, not threads: SQLite's locks are per process.
#[test]
fn two_adds_of_the_same_guides_in_opposite_orders_both_succeed_and_store_each_once() {
    let tmp = tempfile::tempdir().unwrap();
    let csv = tmp.path().join("r.csv");
    // The smallest guides (one focus principle): judging each file is most of the time.
    let mut roster = String::from("navn;rolle;enhed;fokus\n");
    for i in 0..24 {
        roster.push_str(&format!(
            "Leder Nummer{i};leder af medarbejdere;Enhed {};saet-retning\n",
            i % 3
        ));
    }
    std::fs::write(&csv, roster).unwrap();
    let made = tmp.path().join("ud");
    mus()
        .arg("batch")
        .arg(&csv)
        .arg("--out-dir")
        .arg(&made)
        .args(["--date", "2027-01-15", "--quiet"])
        .assert()
        .code(0);
    let forward: Vec<PathBuf> = files_under(&made)
        .into_iter()
        .filter(|f| f.ends_with(".pdf"))
        .map(|f| made.join(f))
        .collect();
    assert_eq!(forward.len(), 24);
    let backward: Vec<PathBuf> = forward.iter().rev().cloned().collect();
    let add = |dir: &Path, files: &[PathBuf]| {
        std::process::Command::new(assert_cmd::cargo::cargo_bin("mus"))
            .env_remove("MUS_ARCHIVE")
            .arg("archive")
            .arg("--archive")
            .arg(dir)
            .args(["add", "--allow-unsigned"])
            .args(files)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let mut failures = Vec::new();
    for round in 0..20 {
        let dir = tmp.path().join(format!("arkiv-{round}"));
        let children = [add(&dir, &forward), add(&dir, &backward)];
        let mut accepted = 0;
        for child in children {
            let out = child.wait_with_output().unwrap();
            let stdout = String::from_utf8_lossy(&out.stdout);
            accepted += stdout
                .lines()
                .filter(|l| l.starts_with("accepted: "))
                .count();
            if out.status.code() != Some(0) {
                failures.push(format!(
                    "round {round}: exit {:?}: {}",
                    out.status.code(),
                    String::from_utf8_lossy(&out.stderr)
                ));
            }
        }
        if !failures.is_empty() {
            continue;
        }
        // Each guide accepted by one of the two, and reported unchanged by the other.
        assert_eq!(accepted, 24, "round {round}");
        let out = archive(&dir).args(["list", "--json"]).assert().code(0);
        let list: serde_json::Value = serde_json::from_str(&stdout_of(&out)).unwrap();
        let mut ids: Vec<(&str, u64)> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|g| {
                (
                    g["guide_id"].as_str().unwrap(),
                    g["version"].as_u64().unwrap(),
                )
            })
            .collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 24, "round {round}: {ids:?}");
        assert!(ids.iter().all(|(_, v)| *v == 1), "round {round}: {ids:?}");
        let stored: Vec<String> = files_under(&dir)
            .into_iter()
            .filter(|f| !f.starts_with("index.sqlite"))
            .collect();
        assert_eq!(stored.len(), 24, "round {round}: {stored:?}");
        assert!(stored.iter().all(|f| f.ends_with(".pdf")), "{stored:?}");
        if round == 0 {
            archive(&dir).arg("verify").assert().code(0);
        }
    }
    assert_eq!(failures, Vec::<String>::new());
}
