//! `mus archive verify`: every archived file still there, unchanged, read-only, judged
//! again by today's rules, and what it carries over recorded as it says; nothing in the
//! folder the index does not know.

use std::collections::BTreeSet;

use super::storage::{Entry, ReadError};
use super::stored::StoredRole;
use super::{
    identity_changed_after_signing, judge, required_signers, storage, Archive, ArchivedGuide,
    GuideInfo, Policy, Status,
};
use crate::archive::answers::Recorded;
use crate::archive::error::{Error, Result};
use crate::base::files::sha256_hex;
use crate::signature::{self, Coverage, SignatureStatus, Trust, TrustAnchor};

/// One thing `verify` found wrong, with the file it concerns (relative to the archive).
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    Missing {
        path: String,
        guide: String,
    },
    Changed {
        path: String,
        guide: String,
        expected: String,
        actual: String,
    },
    Unreadable {
        path: String,
        message: String,
    },
    /// A file the index does not know, and what it is.
    NotInIndex {
        path: String,
        stray: Stray,
    },
    Writable {
        path: String,
        mode: u32,
    },
    Signature {
        path: String,
        message: String,
    },
    /// The index's record of what the guide carries into next year's is not what its file
    /// says: a batch following it up would print the index's.
    Record {
        path: String,
    },
    /// A symbolic link inside the archive folder: to a file, or to a folder with archived
    /// guides (`behind`) in it.
    Link {
        path: String,
        target: String,
        behind: Vec<String>,
    },
    /// A temporary file of mus that no running mus is writing: left by an `add` (or
    /// `rebuild`) killed before it finished (half a guide, or half an index).
    Temporary {
        path: String,
    },
    /// A temporary file of mus whose writer cannot be told from its name (an older mus
    /// named them without the process id) and that is less than an hour old.
    TemporaryOfUnknownWriter {
        path: String,
    },
}

/// What a file the index does not know is, which says what to do about it.
#[derive(Debug, Clone, PartialEq)]
pub enum Stray {
    /// The same bytes as an archived guide, at another place.
    CopyOf { path: String, guide: String },
    /// A PDF: a guide an interrupted `add` stored, one copied in by hand, or another PDF.
    Pdf,
    /// A regular file that is not a PDF.
    OtherFile,
    /// A named pipe, socket or device (described).
    Special(&'static str),
}

/// A file in the archive folder that is not a problem, named all the same: a temporary
/// file a running mus is writing now.
#[derive(Debug, Clone, PartialEq)]
pub struct InProgress {
    pub path: String,
    pub process: u32,
}

impl std::fmt::Display for InProgress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "note: {} is a temporary file a running mus (process {}) is writing now; it \
             goes when that mus finishes (if it stays, run `mus archive verify` again)",
            self.path, self.process
        )
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Missing { path, guide } => write!(
                f,
                "missing: {path} ({guide}) is in the index but not in the archive folder"
            ),
            Problem::Changed {
                path,
                guide,
                expected,
                actual,
            } => write!(
                f,
                "changed: {path} ({guide}) has SHA-256 {actual}, the index recorded {expected}"
            ),
            Problem::Unreadable { path, message } => write!(f, "unreadable: {path}: {message}"),
            Problem::NotInIndex { path, stray } => match stray {
                Stray::CopyOf {
                    path: archived,
                    guide,
                } => write!(
                    f,
                    "not in the index: {path} is a copy of the archived {archived} ({guide}); \
                     it can be deleted"
                ),
                Stray::Pdf => write!(
                    f,
                    "not in the index: {path} is a PDF the index does not know; if it is a \
                     guide, take it in with `mus archive add` or `mus archive rebuild`, \
                     else move it out of the archive folder"
                ),
                Stray::OtherFile => write!(
                    f,
                    "not in the index: {path} is not a PDF; the archive folder holds only \
                     guides: move it elsewhere"
                ),
                Stray::Special(kind) => write!(
                    f,
                    "not in the index: {path} is {kind}, not a file; the archive folder holds \
                     only guides: remove it"
                ),
            },
            Problem::Writable { path, mode } => write!(
                f,
                "writable: {path} has mode {mode:04o}; archived files are read-only (0400)"
            ),
            Problem::Signature { path, message } => write!(f, "signature: {path}: {message}"),
            Problem::Record { path } => write!(
                f,
                "record: {path}: the index's record of what it carries into next year's guide \
                 (plan, ratings) is not what the file says, and `batch --previous` would print \
                 the index's; `mus archive rebuild` records it again from the files"
            ),
            Problem::Link {
                path,
                target,
                behind,
            } => {
                write!(
                    f,
                    "link: {path} is a symbolic link (to {target}); the archive holds files, \
                     never links"
                )?;
                match behind.as_slice() {
                    [] => Ok(()),
                    [one] => write!(f, " ({one} lies behind it)"),
                    many => write!(f, " ({} lie behind it)", many.join(", ")),
                }
            }
            Problem::Temporary { path } => write!(
                f,
                "temporary: {path} was left by an interrupted add or rebuild (no mus is \
                 writing it); it can be deleted, and the next add deletes it"
            ),
            Problem::TemporaryOfUnknownWriter { path } => write!(
                f,
                "temporary: {path} is a temporary file of mus; if no mus is adding to the \
                 archive now, it was left by an interrupted add and can be deleted (the next \
                 add deletes it once it is an hour old)"
            ),
        }
    }
}

/// What `verify` found.
#[derive(Debug, Clone, PartialEq)]
pub struct Verified {
    /// How many archived files were checked.
    pub checked: usize,
    pub problems: Vec<Problem>,
    /// Temporary files running mus are writing now: named, but no problem.
    pub in_progress: Vec<InProgress>,
}

/// Re-hashes every archived file, re-checks its signatures and the index's record of what
/// it carries over, and names every other file in the folder: the index does not know it,
/// or it is a temporary file.
pub(crate) fn verify(archive: &Archive, anchors: &[TrustAnchor]) -> Result<Verified> {
    let guides = archive.guides()?;
    let recorded = archive.recorded()?;
    let mut problems = Vec::new();
    for guide in &guides {
        let who = format!("guide {} version {}", guide.guide_id, guide.version);
        let bytes = match storage::read(&archive.dir, &guide.path) {
            Ok(b) => b,
            Err(ReadError::Link(link)) => {
                let behind = (link.path != guide.path).then(|| who.clone());
                let existing = problems.iter_mut().find_map(|p| match p {
                    Problem::Link { path, behind, .. } if *path == link.path => Some(behind),
                    _ => None,
                });
                match existing {
                    Some(list) => list.extend(behind),
                    None => problems.push(Problem::Link {
                        path: link.path,
                        target: link.target.display().to_string(),
                        behind: behind.into_iter().collect(),
                    }),
                }
                continue;
            }
            Err(ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
                problems.push(Problem::Missing {
                    path: guide.path.clone(),
                    guide: who,
                });
                continue;
            }
            Err(ReadError::Io(e)) => {
                problems.push(Problem::Unreadable {
                    path: guide.path.clone(),
                    message: e.to_string(),
                });
                continue;
            }
            Err(ReadError::NotAFile) => {
                problems.push(Problem::Unreadable {
                    path: guide.path.clone(),
                    message: "is not a regular file".into(),
                });
                continue;
            }
        };
        let record = recorded.get(&guide.sha256).map(String::as_str);
        problems.extend(check_file(archive, guide, who, &bytes, anchors, record));
    }
    let known: BTreeSet<&str> = guides.iter().map(|g| g.path.as_str()).collect();
    let on_disk = storage::walk(&archive.dir).map_err(|e| Error::io(&archive.dir, e))?;
    let mut more = Vec::new();
    let mut in_progress = Vec::new();
    for entry in on_disk {
        match entry {
            Entry::File(path) if !known.contains(path.as_str()) => {
                let stray = what_stray_file_is(archive, &path, &guides);
                more.push(Problem::NotInIndex { path, stray })
            }
            Entry::Other(path, kind) => more.push(Problem::NotInIndex {
                path,
                stray: Stray::Special(kind),
            }),
            Entry::Link(link) => {
                let named = problems
                    .iter()
                    .any(|p| matches!(p, Problem::Link { path, .. } if *path == link.path));
                if !named {
                    more.push(Problem::Link {
                        path: link.path,
                        target: link.target.display().to_string(),
                        behind: Vec::new(),
                    });
                }
            }
            Entry::StaleTemporary(path) => more.push(Problem::Temporary { path }),
            Entry::Temporary(path) => {
                let name = path.rsplit('/').next().unwrap_or(&path);
                match crate::base::files::temporary_file_writer(name) {
                    Some(process) => in_progress.push(InProgress { path, process }),
                    None => more.push(Problem::TemporaryOfUnknownWriter { path }),
                }
            }
            Entry::File(_) => {}
        }
    }
    problems.extend(more);
    Ok(Verified {
        checked: guides.len(),
        problems,
        in_progress,
    })
}

/// What is wrong with the file of `guide` (`who`, as problems name it), read as `bytes`:
/// changed, writable, its signatures no longer as archived, or `record` (the index's
/// record of what it carries over) not what it says.
fn check_file(
    archive: &Archive,
    guide: &ArchivedGuide,
    who: String,
    bytes: &[u8],
    anchors: &[TrustAnchor],
    record: Option<&str>,
) -> Vec<Problem> {
    let actual = sha256_hex(bytes);
    if actual != guide.sha256 {
        return vec![Problem::Changed {
            path: guide.path.clone(),
            guide: who,
            expected: guide.sha256.clone(),
            actual,
        }];
    }
    let mut problems = Vec::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::symlink_metadata(archive.dir.join(&guide.path)) {
            let mode = meta.permissions().mode() & 0o7777;
            if mode & 0o222 != 0 {
                problems.push(Problem::Writable {
                    path: guide.path.clone(),
                    mode,
                });
            }
        }
    }
    let (signatures, record_differs) = recheck(bytes, guide, anchors, record);
    problems.extend(signatures.into_iter().map(|message| Problem::Signature {
        path: guide.path.clone(),
        message,
    }));
    if record_differs {
        problems.push(Problem::Record {
            path: guide.path.clone(),
        });
    }
    problems
}

/// What a file the index does not know is: a copy of an archived guide (same SHA-256),
/// a PDF, or another file.
fn what_stray_file_is(archive: &Archive, path: &str, guides: &[ArchivedGuide]) -> Stray {
    // A guide is at most MAX_FILE_SIZE; a larger file is read no further than its size.
    let small = std::fs::symlink_metadata(archive.dir.join(path))
        .is_ok_and(|m| m.len() <= storage::MAX_FILE_SIZE);
    if let Some(Ok(bytes)) = small.then(|| storage::read(&archive.dir, path)) {
        let sha256 = sha256_hex(&bytes);
        if let Some(guide) = guides.iter().find(|g| g.sha256 == sha256) {
            return Stray::CopyOf {
                path: guide.path.clone(),
                guide: format!("guide {} version {}", guide.guide_id, guide.version),
            };
        }
        if bytes.starts_with(b"%PDF-") {
            return Stray::Pdf;
        }
    }
    if path.to_ascii_lowercase().ends_with(".pdf") {
        Stray::Pdf
    } else {
        Stray::OtherFile
    }
}

/// What is wrong now with the signatures recorded when `guide` was archived; and whether
/// `record`, the index's record of what it carries over, differs from what the file says
/// (a record another mus made in another format is not compared: a batch does not use it).
fn recheck(
    bytes: &[u8],
    guide: &ArchivedGuide,
    anchors: &[TrustAnchor],
    record: Option<&str>,
) -> (Vec<String>, bool) {
    // Read once, strictly: the signatures, (below) the identity and the record.
    let (history, doc) = match signature::read(bytes) {
        Ok(read) => read,
        Err(e) => {
            let e = crate::signature::error::Error::UnreadablePdf {
                origin: "the file".into(),
                message: e.to_string(),
            };
            return (vec![format!("its signatures cannot be read: {e}")], false);
        }
    };
    let info = GuideInfo::from_document(&doc);
    let record_differs = record.and_then(Recorded::from_json).is_some_and(|record| {
        info.as_ref()
            .map_or(true, |info| Recorded::read(info.clone(), &doc) != record)
    });
    let inspection = signature::inspect_read(bytes, &history, &doc, anchors);
    let mut problems = Vec::new();
    for recorded in &guide.signatures {
        let who = match recorded.role {
            StoredRole::Leader => "leader's",
            StoredRole::Manager => "manager's",
            StoredRole::DocumentTimestamp => "timestamp's",
            StoredRole::Other | StoredRole::Extra => "other",
        };
        let field = &recorded.field;
        match inspection.fields.iter().find(|f| &f.name == field) {
            None => problems.push(format!("the {who} signature field ({field}) is gone")),
            Some(f) => match &f.status {
                SignatureStatus::Empty => {
                    problems.push(format!("the {who} signature field ({field}) is now empty"))
                }
                SignatureStatus::Invalid { reason } => problems.push(format!(
                    "the {who} signature ({field}) is invalid: {reason}"
                )),
                SignatureStatus::Timestamp(t) => {
                    if let Coverage::OtherChanges { description } = &t.coverage {
                        problems.push(format!(
                            "the document timestamp ({field}) no longer covers the file ({description})"
                        ));
                    }
                }
                SignatureStatus::Signed(s) => {
                    if s.certificate_sha256 != recorded.certificate_sha256 {
                        problems.push(format!(
                            "the {who} signature ({field}) is now by another certificate ({})",
                            s.signer
                        ));
                    }
                    if let Coverage::OtherChanges { description } = &s.coverage {
                        problems.push(format!(
                            "the {who} signature ({field}) no longer covers the file ({description})"
                        ));
                    }
                    if let Trust::Untrusted { reason } = &s.trust {
                        problems.push(format!(
                            "the {who} signer ({}, {field}) is not trusted: {reason}",
                            s.signer
                        ));
                    }
                }
            },
        }
    }
    // The rules `add` applies to the whole file, again: a guide archived before a rule
    // existed is judged by it now.
    if problems.is_empty() && guide.status == Status::Signed {
        let policy = Policy {
            allow_unsigned: false,
            anchors: anchors.to_vec(),
        };
        match &info {
            Err(reason) => problems.push(reason.to_string()),
            Ok(info) => {
                if let Err(refusal) = judge(&inspection, required_signers(info), &policy) {
                    problems.push(refusal.reason);
                } else if let Some(reason) =
                    identity_changed_after_signing(bytes, info, &inspection)
                {
                    problems.push(reason);
                }
            }
        }
    }
    (problems, record_differs)
}
