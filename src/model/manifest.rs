//! The manifest `mus batch` leaves beside the guides: `manifest.json` (what the next run
//! and `mus archive status` read) and `manifest.csv` (for HR, in Excel). Also how a run
//! recognises the files an earlier run wrote.

use std::io::Write;
use std::path::Path;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::base::error::Error as BaseError;
use crate::model::error::{Error, Result};
use crate::model::identity::{GuideIdentity, IdentityError};
use crate::model::people::People;

/// The manifest's file names in the output folder.
pub const MANIFEST_JSON: &str = "manifest.json";
pub const MANIFEST_CSV: &str = "manifest.csv";

/// A line of the manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub row: usize,
    pub id: String,
    pub name: String,
    pub role: String,
    pub focus: Vec<String>,
    pub manager: String,
    pub unit: String,
    pub date: String,
    pub file: String,
    pub guide_id: String,
    pub sha256: String,
    pub bytes: usize,
}

/// The manifest: which roster and framework a batch made its guides from, and a record of
/// each.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub mus_version: String,
    pub roster: String,
    pub framework: String,
    pub guides: Vec<Record>,
}

/// What a batch writes of itself into its manifest, its records apart: the
/// [`Manifest`]'s other fields, in its order.
#[derive(Debug, Clone, Copy)]
pub struct About<'a> {
    pub mus_version: &'a str,
    pub roster: &'a str,
    pub framework: &'a str,
}

/// The manifest an earlier run left, if any: it tells which files mus wrote. A link is
/// not read: a manifest elsewhere could claim any file in the folder as mus's.
pub fn read_manifest(dir: &Path) -> Option<Manifest> {
    let path = dir.join(MANIFEST_JSON);
    if !std::fs::symlink_metadata(&path).ok()?.is_file() {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    serde_json::from_str(&text).ok()
}

/// A manifest file is replaced only if mus wrote it, as guides are: it must be a regular
/// file (a link could point outside --out-dir) that reads as mus's manifest — JSON in
/// the manifest's shape, or CSV that starts with the manifest's header.
pub fn check_own_manifest(path: &Path) -> Result<()> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(_) => return Ok(()),
    };
    let refuse = |message: &str| {
        Err(BaseError::Io {
            path: path.to_path_buf(),
            message: message.into(),
        }
        .into())
    };
    if meta.file_type().is_symlink() {
        return refuse(
            "is a symbolic link; mus never writes through one (remove it, and mus writes the manifest here)",
        );
    }
    if !meta.is_file() {
        return refuse("exists and is not a regular file; it is left as it is");
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let ours = if path.extension().is_some_and(|e| e == "json") {
        serde_json::from_slice::<Manifest>(&bytes).is_ok()
    } else {
        let mut header = Vec::new();
        write_csv(&mut header, std::iter::empty()).map_err(|e| Error::io(path, e))?;
        bytes.starts_with(&header)
    };
    if ours {
        Ok(())
    } else {
        refuse("exists and was not written by mus; it is left as it is (move it away, and mus writes the manifest here)")
    }
}

/// Whether `bytes`, a file in the output folder that no manifest claims (the run that
/// wrote it was killed before its manifest), is the guide mus made for this roster row:
/// its identity (in the XMP) names the same leader, unit and date, and no employee id
/// that differs; and nobody has filled it in or signed it since (it has one revision).
/// Such a file may be replaced. Anything else is not, and the error says what it is, to
/// follow "<file> exists and …".
pub fn check_own_guide(
    bytes: &[u8],
    people: &People,
    date: NaiveDate,
) -> std::result::Result<(), String> {
    let not_ours = |e: IdentityError| match e {
        IdentityError::NotPdf => "is not a PDF".to_string(),
        IdentityError::Truncated => {
            "is a truncated or damaged PDF (it does not end with %%EOF)".into()
        }
        IdentityError::Structure(e) => format!("is a PDF mus cannot read ({e})"),
        other => {
            let message = other.to_string();
            let reason = message
                .strip_prefix("not a guide made by mus: ")
                .unwrap_or(&message);
            format!("is a PDF not made by mus: {reason}")
        }
    };
    GuideIdentity::sniff(bytes).map_err(not_ours)?;
    let (history, document) =
        crate::signature::read(bytes).map_err(|e| not_ours(IdentityError::Structure(e)))?;
    let identity = GuideIdentity::from_document(&document).map_err(not_ours)?;
    let describe = |leader: &str, unit: &str, date: NaiveDate| {
        let leader = if leader.is_empty() { "no name" } else { leader };
        match unit {
            "" => format!("{leader}, no unit, {date}"),
            unit => format!("{leader}, {unit}, {date}"),
        }
    };
    let ids_agree = match (&identity.employee_id, &people.employee_id) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    };
    if identity.leader != people.name
        || identity.unit != people.unit
        || identity.dialogue_date != date
        || !ids_agree
    {
        let id = |id: &Option<String>| match (id, ids_agree) {
            (Some(id), false) => format!(", employee id {id}"),
            _ => String::new(),
        };
        return Err(format!(
            "is a guide mus made for another roster row ({}{}; this row: {}{})",
            describe(&identity.leader, &identity.unit, identity.dialogue_date),
            id(&identity.employee_id),
            describe(&people.name, &people.unit, date),
            id(&people.employee_id),
        ));
    }
    if history.revisions.len() > 1 {
        return Err(format!(
            "is the guide mus made for this row, changed since (filled in or signed: {} revisions)",
            history.revisions.len()
        ));
    }
    Ok(())
}

/// The manifest as CSV that opens in Danish Excel (UTF-8 with BOM, `;`, CRLF), written to
/// `out` a record at a time.
fn write_csv(out: &mut dyn Write, records: impl Iterator<Item = Record>) -> std::io::Result<()> {
    let header = [
        "Række", "Id", "Navn", "Rolle", "Fokus", "Leder", "Enhed", "Dato", "Fil", "Guide-id",
        "SHA-256",
    ]
    .map(String::from);
    let rows = records.map(|r| {
        [
            r.row.to_string(),
            r.id,
            r.name,
            r.role,
            r.focus.join(", "),
            r.manager,
            r.unit,
            r.date,
            r.file,
            r.guide_id,
            r.sha256,
        ]
    });
    crate::base::files::write_excel_csv(out, std::iter::once(header).chain(rows), &[])
}

/// A [`Manifest`] with its records made as they are written, in the same fields and
/// order.
#[derive(Serialize)]
struct Writing<'a, F: Fn() -> I, I: Iterator<Item = Record>> {
    mus_version: &'a str,
    roster: &'a str,
    framework: &'a str,
    #[serde(serialize_with = "made_as_written")]
    guides: &'a F,
    #[serde(skip)]
    records: std::marker::PhantomData<I>,
}

/// The records `make` gives, serialized as an array as they come.
fn made_as_written<F, I, S>(make: &&F, serializer: S) -> std::result::Result<S::Ok, S::Error>
where
    F: Fn() -> I,
    I: Iterator<Item = Record>,
    S: serde::Serializer,
{
    serializer.collect_seq(make())
}

/// Writes both manifest files into `dir`, each only if it changed: `about` the batch and
/// the records `records` gives, made one at a time as each file is written (it is called
/// once for each), so 10,000 records are never held in memory at once. The caller has
/// checked the files with [`check_own_manifest`]. The JSON reads back as a [`Manifest`].
pub fn write<F, I>(dir: &Path, about: About<'_>, records: F) -> Result<()>
where
    F: Fn() -> I,
    I: Iterator<Item = Record>,
{
    use crate::base::files::replace_file_if_changed;
    replace_file_if_changed(&dir.join(MANIFEST_JSON), |out| {
        let manifest = Writing {
            mus_version: about.mus_version,
            roster: about.roster,
            framework: about.framework,
            guides: &records,
            records: std::marker::PhantomData,
        };
        serde_json::to_writer_pretty(&mut *out, &manifest)?;
        out.write_all(b"\n")
    })?;
    replace_file_if_changed(&dir.join(MANIFEST_CSV), |out| write_csv(out, records()))?;
    Ok(())
}
