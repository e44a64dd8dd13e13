//! What the integration tests share: the `mus` binary as a command, fixture paths, guides
//! and archives made in a temporary folder, PDFs read back with lopdf (`pdf`), and text
//! compared the way a reader sees it. Each test file names it with `mod common;`.

// Each test binary compiles this module on its own and uses only some of it.
#![allow(dead_code)]

pub mod pdf;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use assert_cmd::assert::Assert;
use assert_cmd::Command;
use sha2::{Digest, Sha256};

/// The full names of the built-in guide's two signature fields.
pub const LEADER: &str = "underskrift.leder.underskrift";
pub const MANAGER: &str = "underskrift.leders-leder.underskrift";

/// The custom framework of another municipality in `examples/`.
pub const EXAMPLE_FRAMEWORK: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/framework-egeskov.json"
);

/// The example guide's people: `--name`, `--manager` and `--unit` as the README gives them.
pub const PEOPLE: [&str; 6] = [
    "--name",
    "Łukasz Øster-Ågård",
    "--manager",
    "Bodil Kjærgård",
    "--unit",
    "Dagtilbud Nord",
];

/// The `mus` binary, free of the caller's `SOURCE_DATE_EPOCH` and `MUS_ARCHIVE`: a test
/// that wants either sets it.
pub fn mus() -> Command {
    let mut cmd = Command::cargo_bin("mus").unwrap();
    cmd.env_remove("SOURCE_DATE_EPOCH");
    cmd.env_remove("MUS_ARCHIVE");
    cmd
}

/// `mus archive --archive DIR`, to which a test adds the subcommand.
pub fn archive(dir: &Path) -> Command {
    let mut cmd = mus();
    cmd.arg("archive").arg("--archive").arg(dir);
    cmd
}

/// `mus archive --archive DIR add --allow-unsigned FILES`, which must succeed.
pub fn archive_add<I, S>(dir: &Path, files: I)
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    archive(dir)
        .args(["add", "--allow-unsigned"])
        .args(files)
        .assert()
        .code(0);
}

/// An archive `arkiv` in `tmp` holding `files` (unsigned ones allowed); its folder.
pub fn archive_of<I, S>(tmp: &Path, files: I) -> PathBuf
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let dir = tmp.join("arkiv");
    archive_add(&dir, files);
    dir
}

/// What a finished command printed on standard output.
pub fn stdout_of(out: &Assert) -> String {
    String::from_utf8(out.get_output().stdout.clone()).unwrap()
}

/// What a finished command printed on standard error.
pub fn stderr_of(out: &Assert) -> String {
    String::from_utf8(out.get_output().stderr.clone()).unwrap()
}

/// `mus guide ARGS --date 2027-01-15 -o OUT`, which must succeed; `out`.
pub fn guide_to(out: &Path, args: &[&str]) -> PathBuf {
    mus()
        .arg("guide")
        .args(args)
        .args(["--date", "2027-01-15", "-o"])
        .arg(out)
        .assert()
        .success();
    out.to_path_buf()
}

/// A guide written by `mus guide ARGS` (dialogue 2027-01-15) as `file` in `dir`.
pub fn guide(dir: &Path, file: &str, args: &[&str]) -> PathBuf {
    guide_to(&dir.join(file), args)
}

/// The README's example guide as `file` in `dir`: Łukasz, a leader of employees, two
/// principles in focus, with the form.
pub fn example_guide(dir: &Path, file: &str) -> PathBuf {
    let role = [
        "--role",
        "leder-af-medarbejdere",
        "--focus",
        "saet-retning",
        "--focus",
        "opdyrk-potentialer",
    ];
    guide(dir, file, &[&role[..], &PEOPLE].concat())
}

/// The repository's root folder.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A path under `tests/fixtures`.
pub fn fixture(path: &str) -> PathBuf {
    root().join("tests/fixtures").join(path)
}

/// The fixture folder `tests/fixtures/FOLDER`, or the folder `variable` names when it is
/// set (a script made a fresh set).
pub fn fixtures_or(variable: &str, folder: &str) -> PathBuf {
    std::env::var_os(variable)
        .map(PathBuf::from)
        .unwrap_or_else(|| fixture(folder))
}

/// A signed fixture (`tests/fixtures/signed`, made by pyHanko; see its README), or from
/// `MUS_SIGNED_FIXTURES` when `scripts/signature-roundtrip.sh` made a fresh set.
pub fn signed(name: &str) -> PathBuf {
    fixtures_or("MUS_SIGNED_FIXTURES", "signed").join(name)
}

/// A committed signed fixture, never one of a fresh set.
pub fn committed(name: &str) -> PathBuf {
    fixture("signed").join(name)
}

/// A file's bytes; a missing file panics naming it.
pub fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The PDF files directly in `dir`, sorted.
pub fn pdfs_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    files.sort();
    files
}

/// A file's SHA-256 in lower-case hex.
pub fn sha256(path: &Path) -> String {
    Sha256::digest(std::fs::read(path).unwrap())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The rows of a CSV as mus writes it: UTF-8 with a BOM (which must be there), `;` between
/// cells.
pub fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").expect("UTF-8 with BOM");
    csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .from_reader(bytes)
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// Text compared without white space and hyphens, so words wrapped or hyphenated at a line
/// end still match.
pub fn squeeze(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect()
}

/// `squeeze`, and without soft hyphens either (the layout hyphenates with them).
pub fn squeeze_soft(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '-' && *c != '\u{AD}')
        .collect()
}
