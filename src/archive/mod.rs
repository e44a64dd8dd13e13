//! `mus archive`: a folder of signed guides, stored byte for byte and read-only, with an
//! index (SQLite) that records which guide each file is, what its signatures prove, and
//! what it carries into next year's guide (its plan and ratings).
//!
//! A file is made durable (temporary file, fsync, rename, fsync of the folder) before its
//! row is committed, so a crash can leave at most a file the index does not know yet —
//! which the next `add` of that file adopts and `verify` names — never a row without its
//! file. The parts: [`policy`] (what "signed by both, unchanged since" means),
//! [`verify`] (checking the archive again), [`storage`] (where files lie and how they are
//! written and read — never through a link), [`index`] and the typed values it keeps
//! ([`stored`]), [`rebuild`] (a new index from the files), [`status`] and [`plans`]; the
//! MED report is [`crate::report`]. The operations on an archive are
//! [`crate::app::archive`]'s, the command line [`crate::cli`]'s.

pub mod answers;
pub mod choice;
pub mod error;
pub mod guide_info;
pub mod index;
pub mod plans;
pub mod policy;
pub mod previous;
pub mod rebuild;
pub mod status;
pub mod storage;
pub mod stored;
pub mod verify;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::archive::answers::Recorded;
use crate::archive::error::{Error, Result};
use crate::base::files::sha256_hex;
use crate::signature::{self, Inspection, SignatureStatus};

pub use guide_info::GuideInfo;
pub use index::{ArchivedGuide, EmployeeId, Index, Learned, Status, StoredSignature, INDEX_FILE};
pub use policy::{judge, Policy};
pub use storage::relative_path;
pub use stored::{
    StoredCoverage, StoredRevocation, StoredRole, StoredTimeSource, StoredTrust, UnknownValue,
};
pub use verify::{InProgress, Problem, Stray, Verified};

pub use guide_info::{RequiredSigner, SignerRole, LEADER_SLOT, MANAGER_SLOT};

/// Who must sign the guide `info` describes: the signers its identity lists (guides made
/// before guides listed them: the leader's and the manager's standard fields).
pub fn required_signers(info: &GuideInfo) -> &[RequiredSigner] {
    &info.signers
}

/// An archive folder and its index.
pub struct Archive {
    dir: PathBuf,
    index: Index,
}

/// What `add` did with one file.
#[derive(Debug, Clone, PartialEq)]
pub enum Added {
    /// Stored and recorded.
    New(ArchivedGuide),
    /// The identical file (same SHA-256) was archived already; nothing changed.
    Unchanged(ArchivedGuide),
    /// Not archived, and why.
    Refused(Refusal),
}

/// Why a file was not archived.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    /// Every reason, in the order the rules ask them (the command line prints this).
    pub reason: String,
    /// The kind of the first reason, for a front end that says it in its own words.
    pub fault: Fault,
}

/// What kind of rule refused a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Not a PDF, or not one mus can read one way only (cut short, damaged, ambiguous).
    Unreadable,
    /// A PDF, but not a guide made by mus (no or a foreign identity in its XMP).
    NotAGuide,
    /// What the guide says it is (leader, unit, date…) changed after it was signed.
    IdentityChanged,
    /// Its guide id belongs to another guide in the archive.
    GuideIdTaken,
    /// A file of the name it would get lies in the archive folder but not in the index.
    NotIndexed,
    /// A signature is invalid: its value, its structure or what it says it signs.
    InvalidSignature,
    /// The file was changed after a signature or a document timestamp.
    ChangedAfterSigning,
    /// A certification signature permits no changes, and the file changed after it.
    ForbiddenByCertification,
    /// A signature is by someone else than the person it signs for.
    WrongSigner,
    /// A signer (or a service's seal) does not chain to a trust anchor, or was revoked.
    NotTrusted,
    /// One key (or one signature) counted for two people.
    SharedKey,
    /// Another signature or timestamp draws on the page after the last personal signature.
    Unaccounted,
    /// The form was filled in after the last signature.
    FilledInAfterSigning,
    /// A signature someone must give is missing or empty.
    Unsigned,
}

impl Refusal {
    fn new(fault: Fault, reason: impl Into<String>) -> Refusal {
        Refusal {
            reason: reason.into(),
            fault,
        }
    }

    /// Only missing or empty signatures stood in the way: `--allow-unsigned` would take it.
    pub fn unsigned_only(&self) -> bool {
        self.fault == Fault::Unsigned
    }
}

impl Archive {
    /// Opens the archive in `dir`; with `create`, makes the folder (0700) and the index
    /// when they are missing.
    pub fn open(dir: &Path, create: bool) -> Result<Archive> {
        match std::fs::metadata(dir) {
            Ok(meta) if !meta.is_dir() => {
                return Err(Error::Archive {
                    path: dir.to_path_buf(),
                    message: "is a file, not a folder".into(),
                })
            }
            Ok(_) => {}
            Err(_) if create => crate::base::files::create_private_dir(dir)?,
            Err(_) => {
                return Err(Error::Archive {
                    path: dir.to_path_buf(),
                    message: "the archive folder does not exist".into(),
                })
            }
        }
        let index = Index::open(dir, create)?;
        Ok(Archive {
            dir: dir.to_path_buf(),
            index,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The folder's mode, when others can read or enter it.
    pub fn open_to_others(&self) -> Option<u32> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&self.dir).ok()?.permissions().mode() & 0o777;
            (mode & 0o077 != 0).then_some(mode)
        }
        #[cfg(not(unix))]
        None
    }

    /// Re-hashes every archived file, re-checks its signatures and what the index records
    /// it carries over, and names every other
    /// file in the folder.
    pub fn verify(&self, anchors: &[signature::TrustAnchor]) -> Result<Verified> {
        verify::verify(self, anchors)
    }

    /// Every archived file.
    pub fn guides(&self) -> Result<Vec<ArchivedGuide>> {
        self.index.all()
    }

    /// What each archived file carries into next year's guide, as the index recorded it
    /// (see [`Index::recorded`]).
    pub fn recorded(&self) -> Result<HashMap<String, String>> {
        self.index.recorded()
    }

    /// Records what a batch read from the files of guides whose rows lacked it (see
    /// [`Index::record_learned`]); nothing where the index may not be written.
    pub fn record_learned(&mut self, learned: &[Learned]) -> Result<usize> {
        self.index.record_learned(learned)
    }

    /// Judges one file and, when it is a guide with its signatures in order, stores it
    /// and records it. `Err` only when the archive itself fails (a fatal error).
    pub fn add(&mut self, bytes: &[u8], policy: &Policy) -> Result<Added> {
        let Judged {
            info,
            status,
            signatures,
            recorded,
        } = match judge_file(bytes, policy) {
            Ok(judged) => judged,
            Err(refusal) => return Ok(Added::Refused(refusal)),
        };
        let sha256 = sha256_hex(bytes);
        let dir = self.dir.clone();
        let index_path = self.index.path().to_path_buf();
        let db = |e: rusqlite::Error| Error::Archive {
            path: index_path.clone(),
            message: format!("the index cannot be read or updated: {e}"),
        };
        let tx = self.index.begin()?;
        if let Some(existing) = index::find_by_sha256(&tx, &sha256).map_err(db)? {
            // What it carries over and its employee id, recorded now from this reading of
            // the whole file where the row lacks them (archived by a mus that did not
            // record them) or has a record of an earlier format or another reading.
            let learned = Learned {
                sha256,
                employee_id: EmployeeId::of(info.employee_id.as_deref()),
                recorded,
            };
            if index::learn(&tx, &learned).map_err(db)? > 0 {
                tx.commit().map_err(db)?;
            }
            return Ok(Added::Unchanged(existing));
        }
        // A guide id names one guide: a later file of it (filled in, signed) is a new
        // version; another leader's guide under the same id is not.
        for other in index::find_by_guide_id(&tx, &info.guide_id).map_err(db)? {
            if let Some(reason) = different_guide(&other, &info) {
                return Ok(Added::Refused(Refusal::new(
                    Fault::GuideIdTaken,
                    format!(
                        "its guide id {} already belongs to another guide in the archive ({}, \
                     {}): {reason}",
                        info.guide_id, other.leader, other.path
                    ),
                )));
            }
        }
        let version = index::latest_version(&tx, &info.guide_id).map_err(db)? + 1;
        let path = relative_path(&info, version);
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
            path: path.clone(),
            sha256,
            size: bytes.len() as u64,
            status,
            added_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            signatures,
            employee_id: EmployeeId::of(info.employee_id.as_deref()),
        };
        if let Some(link) = storage::link_on_the_way(&dir, &path) {
            return Err(link.into_error(&dir));
        }
        let target = dir.join(&path);
        match std::fs::symlink_metadata(&target) {
            // Left by an `add` that stopped between storing the file and recording it.
            Ok(meta) if meta.is_file() && std::fs::read(&target).is_ok_and(|b| b == bytes) => {}
            Ok(_) => {
                return Ok(Added::Refused(Refusal::new(
                    Fault::NotIndexed,
                    format!(
                        "{path} is already in the archive folder but not in the index; \
                     run `mus archive verify` and move that file away"
                    ),
                )))
            }
            Err(_) => storage::store(&dir, &path, bytes)?,
        }
        index::insert(&tx, &guide, Some(&recorded)).map_err(db)?;
        tx.commit().map_err(db)?;
        Ok(Added::New(guide))
    }
}

/// What `add` (and `rebuild`) make of one file.
pub(crate) struct Judged {
    /// The guide it is.
    pub info: GuideInfo,
    /// Whether its signatures let it in, and which they are.
    pub status: Status,
    pub signatures: Vec<StoredSignature>,
    /// What it carries into next year's guide, for the index.
    pub recorded: Recorded,
}

/// What `add` (and `rebuild`) make of one file: the guide it is, and whether its
/// signatures let it in — read, inspected and judged by today's rules.
pub(crate) fn judge_file(bytes: &[u8], policy: &Policy) -> std::result::Result<Judged, Refusal> {
    // Read once, strictly: the identity and the signatures come from the same reading.
    let refuse = |reason: guide_info::IdentityError| {
        let fault = match reason {
            guide_info::IdentityError::NotPdf
            | guide_info::IdentityError::Truncated
            | guide_info::IdentityError::Structure(_) => Fault::Unreadable,
            _ => Fault::NotAGuide,
        };
        Refusal::new(fault, reason.to_string())
    };
    GuideInfo::sniff(bytes).map_err(refuse)?;
    let (history, doc) = signature::read(bytes).map_err(|e| refuse(e.into()))?;
    let info = GuideInfo::from_document(&doc).map_err(refuse)?;
    let inspection = signature::inspect_read(bytes, &history, &doc, &policy.anchors);
    // Said first: "filed under another name" is clearer than "the XMP changed".
    if let Some(reason) = identity_changed_after_signing(bytes, &info, &inspection) {
        return Err(Refusal::new(Fault::IdentityChanged, reason));
    }
    let (status, signatures) = judge(&inspection, required_signers(&info), policy)?;
    let recorded = Recorded::read(info.clone(), &doc);
    Ok(Judged {
        info,
        status,
        signatures,
        recorded,
    })
}

/// Why an archived guide with the same id is not the guide `info` describes, if it is not.
pub(crate) fn different_guide(archived: &ArchivedGuide, info: &GuideInfo) -> Option<String> {
    let mut differences = Vec::new();
    if archived.leader != info.leader {
        differences.push(format!(
            "leader {} instead of {}",
            info.leader, archived.leader
        ));
    }
    if archived.unit != info.unit {
        differences.push(format!("unit {} instead of {}", info.unit, archived.unit));
    }
    if archived.dialogue_date != info.dialogue_date.to_string() {
        differences.push(format!(
            "dialogue date {} instead of {}",
            info.dialogue_date, archived.dialogue_date
        ));
    }
    (!differences.is_empty()).then(|| {
        format!(
            "this file is for {}; a guide id is never reused",
            differences.join(", ")
        )
    })
}

/// Why the guide's identity now differs from what a signer signed, if it does. It is read
/// from the latest XMP, which a later revision may replace (signing does: pyHanko updates
/// it), so an update after both signatures could otherwise file a signed guide under
/// another leader, unit, year or guide id.
pub(crate) fn identity_changed_after_signing(
    bytes: &[u8],
    info: &GuideInfo,
    inspection: &Inspection,
) -> Option<String> {
    let signers = required_signers(info);
    for field in &inspection.fields {
        let (signed_bytes, who) = match &field.status {
            SignatureStatus::Signed(s) => (s.signed_bytes, policy::label(&field.name, signers)),
            SignatureStatus::Timestamp(t) => (
                t.signed_bytes,
                format!("the document timestamp ({})", field.name),
            ),
            _ => continue,
        };
        if signed_bytes >= bytes.len() {
            continue;
        }
        let signed = match GuideInfo::from_pdf(&bytes[..signed_bytes]) {
            Ok(signed) => signed,
            Err(reason) => {
                return Some(format!(
                    "the revision {who} signs is not a guide made by \
                     mus: {reason}"
                ))
            }
        };
        let (was, now) = signed.differences(info);
        if !was.is_empty() {
            return Some(format!(
                "its XMP metadata was changed after {who}: the signed \
                 guide is for {was}, but the file now says {now}"
            ));
        }
    }
    None
}
