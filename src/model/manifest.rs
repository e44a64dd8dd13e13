//! The manifest `mus batch` leaves beside the guides: `manifest.json` (what the next run
//! and `mus archive status` read) and `manifest.csv` (for HR, in Excel). Also how a run
//! recognises the files an earlier run wrote.

use std::borrow::Borrow;
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
/// each. `R` is [`Record`] when read; a batch writes it with `&Record`, the records its
/// guides' outcomes hold, so 10,000 rows are not copied once more at the end.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest<R = Record> {
    pub mus_version: String,
    pub roster: String,
    pub framework: String,
    pub guides: Vec<R>,
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
        let header = manifest_csv(&Manifest {
            mus_version: String::new(),
            roster: String::new(),
            framework: String::new(),
            guides: Vec::<Record>::new(),
        });
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

fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<()> {
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file())
        && std::fs::read(path).is_ok_and(|old| old == bytes)
    {
        return Ok(());
    }
    Ok(crate::base::files::replace_file(path, bytes)?)
}

/// The manifest as CSV that opens in Danish Excel: UTF-8 with BOM, `;`, CRLF.
fn manifest_csv<R: Borrow<Record>>(manifest: &Manifest<R>) -> Vec<u8> {
    let header = [
        "Række", "Id", "Navn", "Rolle", "Fokus", "Leder", "Enhed", "Dato", "Fil", "Guide-id",
        "SHA-256",
    ]
    .map(String::from);
    let rows = manifest.guides.iter().map(|r| {
        let r = r.borrow();
        [
            r.row.to_string(),
            r.id.clone(),
            r.name.clone(),
            r.role.clone(),
            r.focus.join(", "),
            r.manager.clone(),
            r.unit.clone(),
            r.date.clone(),
            r.file.clone(),
            r.guide_id.clone(),
            r.sha256.clone(),
        ]
    });
    crate::base::files::excel_csv(std::iter::once(header).chain(rows))
}

/// Writes both manifest files into `dir`, each only if it changed. The caller has checked
/// them with [`check_own_manifest`].
pub fn write<R: Borrow<Record> + Serialize>(dir: &Path, manifest: &Manifest<R>) -> Result<()> {
    let mut json = serde_json::to_vec_pretty(manifest).expect("serializes");
    json.push(b'\n');
    write_if_changed(&dir.join(MANIFEST_JSON), &json)?;
    write_if_changed(&dir.join(MANIFEST_CSV), &manifest_csv(manifest))
}
