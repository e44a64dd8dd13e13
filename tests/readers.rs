//! Guides that survive the readers leaders fill them in (issue 10): what the file must
//! hold for PDFium, pdf.js, MuPDF and poppler, read back with lopdf. The engines
//! themselves are driven by `scripts/check-readers.py`.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use lopdf::{Document, Object};

/// The README's example guide, written into `dir`.
fn example_guide(dir: &Path) -> PathBuf {
    let out = dir.join("guide.pdf");
    Command::cargo_bin("mus")
        .unwrap()
        .env_remove("SOURCE_DATE_EPOCH")
        .args(["guide", "--role", "leder-af-medarbejdere"])
        .args(["--focus", "saet-retning", "--focus", "opdyrk-potentialer"])
        .args([
            "--name",
            "Łukasz Øster-Ågård",
            "--manager",
            "Bodil Kjærgård",
        ])
        .args(["--unit", "Dagtilbud Nord", "--date", "2027-01-15", "-o"])
        .arg(&out)
        .assert()
        .success();
    out
}

/// The object `o` stands for, following a reference.
fn resolve<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    match o {
        Object::Reference(id) => doc.get_object(*id).unwrap(),
        o => o,
    }
}

#[test]
fn the_xmp_metadata_stream_is_unfiltered_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let doc = Document::load(example_guide(dir.path())).unwrap();
    let catalog = doc.catalog().unwrap();
    let metadata = resolve(&doc, catalog.get(b"Metadata").unwrap())
        .as_stream()
        .unwrap();
    // PDFium saves a deflated metadata stream without its /Filter; only an unfiltered
    // one reaches the archive intact after a leader saves the guide in Chrome or Edge.
    assert!(
        metadata.dict.get(b"Filter").is_err(),
        "the metadata stream has a filter: {:?}",
        metadata.dict
    );
    let xmp = std::str::from_utf8(&metadata.content).expect("raw UTF-8");
    assert!(xmp.starts_with("<?xpacket begin=\"\u{feff}\""));
    assert!(xmp.contains("<mus:guideId>2027-51881156</mus:guideId>"));
    assert_eq!(
        metadata.dict.get(b"Length").unwrap().as_i64().unwrap() as usize,
        metadata.content.len()
    );
}
