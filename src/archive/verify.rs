//! `mus archive verify`: every archived file still there, unchanged, read-only, and
//! judged again by today's rules; nothing in the folder the index does not know.

use std::collections::BTreeSet;

use super::storage::{Entry, ReadError};
use super::stored::StoredRole;
use super::{
    identity_changed_after_signing, judge, required_signers, storage, Archive, ArchivedGuide,
    GuideInfo, Policy, Status,
};
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
    NotInIndex {
        path: String,
    },
    Writable {
        path: String,
        mode: u32,
    },
    Signature {
        path: String,
        message: String,
    },
    /// A symbolic link inside the archive folder: to a file, or to a folder with archived
    /// guides (`behind`) in it.
    Link {
        path: String,
        target: String,
        behind: Vec<String>,
    },
    /// A temporary file an `add` killed before it finished left (half a guide).
    Temporary {
        path: String,
    },
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
            Problem::NotInIndex { path } => {
                write!(f, "not in the index: {path} is in the archive folder but the index does not know it")
            }
            Problem::Writable { path, mode } => write!(
                f,
                "writable: {path} has mode {mode:04o}; archived files are read-only (0400)"
            ),
            Problem::Signature { path, message } => write!(f, "signature: {path}: {message}"),
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
                "temporary: {path} was left by an interrupted add (can be deleted)"
            ),
        }
    }
}

/// Re-hashes every archived file, re-checks its signatures, and finds files the index
/// does not know. Returns the number of files checked and every problem.
pub(crate) fn verify(archive: &Archive, anchors: &[TrustAnchor]) -> Result<(usize, Vec<Problem>)> {
    let guides = archive.guides()?;
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
        let full = archive.dir.join(&guide.path);
        let actual = sha256_hex(&bytes);
        if actual != guide.sha256 {
            problems.push(Problem::Changed {
                path: guide.path.clone(),
                guide: who,
                expected: guide.sha256.clone(),
                actual,
            });
            continue;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            if let Ok(meta) = std::fs::symlink_metadata(&full) {
                let mode = meta.permissions().mode() & 0o7777;
                if mode & 0o222 != 0 {
                    problems.push(Problem::Writable {
                        path: guide.path.clone(),
                        mode,
                    });
                }
            }
        }
        for message in recheck(&bytes, guide, anchors) {
            problems.push(Problem::Signature {
                path: guide.path.clone(),
                message,
            });
        }
    }
    let known: BTreeSet<&str> = guides.iter().map(|g| g.path.as_str()).collect();
    let on_disk = storage::walk(&archive.dir).map_err(|e| Error::io(&archive.dir, e))?;
    let mut more = Vec::new();
    for entry in on_disk {
        match entry {
            Entry::File(path) | Entry::Other(path) if !known.contains(path.as_str()) => {
                more.push(Problem::NotInIndex { path })
            }
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
            _ => {}
        }
    }
    problems.extend(more);
    Ok((guides.len(), problems))
}

/// What is wrong now with the signatures recorded when `guide` was archived.
fn recheck(bytes: &[u8], guide: &ArchivedGuide, anchors: &[TrustAnchor]) -> Vec<String> {
    // Read once, strictly: the signatures and (below) the identity.
    let (history, doc) = match signature::read(bytes) {
        Ok(read) => read,
        Err(e) => {
            let e = crate::signature::error::Error::UnreadablePdf {
                origin: "the file".into(),
                message: e.to_string(),
            };
            return vec![format!("its signatures cannot be read: {e}")];
        }
    };
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
        match GuideInfo::from_document(&doc) {
            Err(reason) => problems.push(reason.to_string()),
            Ok(info) => {
                if let Err(refusal) = judge(&inspection, required_signers(&info), &policy) {
                    problems.push(refusal.reason);
                } else if let Some(reason) =
                    identity_changed_after_signing(bytes, &info, &inspection)
                {
                    problems.push(reason);
                }
            }
        }
    }
    problems
}
