//! `mus archive rebuild`: a new index made from the archived files themselves, for an
//! index that is missing, empty or damaged. Every PDF in the archive folder is read again
//! (links and temporary files are skipped, as `verify` names them) and judged by today's
//! rules, the way `add` judges a file; the new index is built as a temporary file in the
//! folder and renamed into place, the old one kept as `index.sqlite.bak`.
//!
//! Whether a guide was archived with `--allow-unsigned` cannot be known from the file, so
//! it is judged as if it had been: a guide whose signatures are in order is recorded as
//! signed, one without them as unsigned, and one today's rules refuse outright (a broken
//! signature, a change after signing) is not indexed and is named — it stays in the folder.

use std::path::{Path, PathBuf};

use super::index::{self, Index, INDEX_FILE};
use super::storage::{self, Entry};
use super::{
    different_guide, judge_file, relative_path, ArchivedGuide, EmployeeId, GuideInfo, Judged,
    Policy,
};
use crate::archive::answers::Recorded;
use crate::archive::error::{Error, Result};
use crate::base::files::{self, sha256_hex};
use crate::signature::TrustAnchor;

/// What `rebuild` did.
#[derive(Debug)]
pub struct Rebuilt {
    /// The new index.
    pub index: PathBuf,
    pub indexed: usize,
    /// Files not indexed (relative path) and why.
    pub refused: Vec<(String, String)>,
}

/// Re-creates the index of the archive in `dir` from its files.
pub fn rebuild(dir: &Path, anchors: &[TrustAnchor]) -> Result<Rebuilt> {
    if !std::fs::metadata(dir).is_ok_and(|m| m.is_dir()) {
        return Err(Error::Archive {
            path: dir.to_path_buf(),
            message: "the archive folder does not exist".into(),
        });
    }
    let entries = storage::walk(dir).map_err(|e| Error::io(dir, e))?;
    let (file, _in_flight) = files::temporary_file_in(dir)?;
    let policy = Policy {
        allow_unsigned: true,
        anchors: anchors.to_vec(),
    };
    let mut refused = Vec::new();
    let mut indexed = 0;
    {
        let mut index = Index::create_at(file.path())?;
        let db = |e: rusqlite::Error| Error::Archive {
            path: file.path().to_path_buf(),
            message: format!("the new index cannot be written: {e}"),
        };
        let tx = index.begin()?;
        for entry in entries {
            let Entry::File(path) = entry else { continue };
            if !path.ends_with(".pdf") {
                continue;
            }
            match judge_entry(dir, path, &policy, &tx).map_err(db)? {
                Ok((guide, recorded)) => {
                    index::insert(&tx, &guide, Some(&recorded)).map_err(db)?;
                    indexed += 1;
                }
                Err(refusal) => refused.push(refusal),
            }
        }
        tx.commit().map_err(db)?;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(|e| Error::io(file.path(), e))?;
    }
    file.as_file()
        .sync_all()
        .map_err(|e| Error::io(file.path(), e))?;
    keep_old_index(dir)?;
    let target = dir.join(INDEX_FILE);
    file.persist_noclobber(&target)
        .map_err(|e| Error::io(&target, e.error))?;
    files::sync_dir(dir)?;
    // Opened once the ordinary way: the index gets its folder's journal like every other.
    Index::open(dir, false)?;
    Ok(Rebuilt {
        index: target,
        indexed,
        refused,
    })
}

/// The archived file at `path` (relative to `dir`) as the new index records it (with what
/// it carries into next year's guide), judged by today's rules and against the files
/// indexed before it in `tx`; or, when it is not indexed, its path and why.
fn judge_entry(
    dir: &Path,
    path: String,
    policy: &Policy,
    tx: &rusqlite::Transaction<'_>,
) -> rusqlite::Result<std::result::Result<(ArchivedGuide, Recorded), (String, String)>> {
    let bytes = match storage::read(dir, &path) {
        Ok(bytes) if bytes.len() as u64 <= storage::MAX_FILE_SIZE => bytes,
        Ok(_) => return Ok(Err((path, "is larger than any guide".into()))),
        Err(e) => return Ok(Err((path, format!("cannot be read: {e}")))),
    };
    let Judged {
        info,
        status,
        signatures,
        recorded,
    } = match judge_file(&bytes, policy) {
        Ok(judged) => judged,
        Err(refusal) => {
            return Ok(Err((
                path,
                format!("today's rules refuse it: {}", refusal.reason),
            )))
        }
    };
    let sha256 = sha256_hex(&bytes);
    if let Some(same) = index::find_by_sha256(tx, &sha256)? {
        return Ok(Err((path, format!("is the same file as {}", same.path))));
    }
    let versions = index::find_by_guide_id(tx, &info.guide_id)?;
    if let Some(reason) = versions.iter().find_map(|o| different_guide(o, &info)) {
        return Ok(Err((
            path,
            format!(
                "its guide id {} belongs to another archived guide: {reason}",
                info.guide_id
            ),
        )));
    }
    let taken = |v: u32| versions.iter().any(|o| o.version == v);
    let version = version_in_path(&info, &path)
        .filter(|v| !taken(*v))
        .unwrap_or_else(|| versions.iter().map(|o| o.version).max().unwrap_or(0) + 1);
    let added_at = std::fs::symlink_metadata(dir.join(&path))
        .and_then(|m| m.modified())
        .map(chrono::DateTime::<chrono::Utc>::from)
        .unwrap_or_else(|_| chrono::Utc::now())
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let guide = ArchivedGuide {
        guide_id: info.guide_id.clone(),
        version,
        leader: info.leader.clone(),
        unit: info.unit.clone(),
        level: info.level.clone(),
        focus: info.focus.clone(),
        dialogue_date: info.dialogue_date.to_string(),
        year: info.year(),
        framework: info.framework.clone(),
        path,
        sha256,
        size: bytes.len() as u64,
        status,
        added_at,
        signatures,
        employee_id: EmployeeId::of(info.employee_id.as_deref()),
    };
    Ok(Ok((guide, recorded)))
}

/// Moves the old index to `.bak` together with its log: SQLite applies a `-wal` to the
/// database that bears its name, so the new index must not find the old one's.
fn keep_old_index(dir: &Path) -> Result<()> {
    let name = |suffix: &str| dir.join(format!("{INDEX_FILE}{suffix}"));
    for suffix in ["", "-wal", "-shm"] {
        let (old, bak) = (name(suffix), name(&format!(".bak{suffix}")));
        let renamed = match std::fs::symlink_metadata(&old) {
            Ok(_) => std::fs::rename(&old, &bak).map_err(|e| Error::io(&old, e)),
            Err(_) => match std::fs::remove_file(&bak) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io(&bak, e)),
                _ => Ok(()),
            },
        };
        renamed?;
    }
    Ok(())
}

/// The version a file's name gives it (`…-v3.pdf` is version 3), if the name is the one
/// `add` gives that version of this guide.
fn version_in_path(info: &GuideInfo, path: &str) -> Option<u32> {
    let version = path
        .strip_suffix(".pdf")
        .and_then(|p| p.rsplit_once("-v"))
        .and_then(|(_, v)| v.parse::<u32>().ok())
        .filter(|v| *v > 1)
        .unwrap_or(1);
    (relative_path(info, version) == path).then_some(version)
}
