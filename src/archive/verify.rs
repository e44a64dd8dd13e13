//! `mus archive verify`: every archived file still there, unchanged, read-only, and
//! judged again by today's rules; nothing in the folder the index does not know.

use std::collections::BTreeSet;

use super::{
    identity_changed_after_signing, judge, required_signers, storage, Archive, ArchivedGuide,
    GuideInfo, Policy, Status,
};
use crate::error::{Error, Result};
use crate::output::sha256_hex;
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
        let full = archive.dir.join(&guide.path);
        let bytes = match std::fs::read(&full) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                problems.push(Problem::Missing {
                    path: guide.path.clone(),
                    guide: who,
                });
                continue;
            }
            Err(e) => {
                problems.push(Problem::Unreadable {
                    path: guide.path.clone(),
                    message: e.to_string(),
                });
                continue;
            }
        };
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
            if let Ok(meta) = std::fs::metadata(&full) {
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
    let mut on_disk = Vec::new();
    storage::walk(&archive.dir, "", &mut on_disk).map_err(|e| Error::io(&archive.dir, e))?;
    for path in on_disk {
        if !known.contains(path.as_str()) {
            problems.push(Problem::NotInIndex { path });
        }
    }
    Ok((guides.len(), problems))
}

/// What is wrong now with the signatures recorded when `guide` was archived.
fn recheck(bytes: &[u8], guide: &ArchivedGuide, anchors: &[TrustAnchor]) -> Vec<String> {
    let inspection = match signature::inspect(bytes, anchors) {
        Ok(i) => i,
        Err(e) => return vec![format!("its signatures cannot be read: {e}")],
    };
    let mut problems = Vec::new();
    for recorded in &guide.signatures {
        let who = match recorded.role.as_str() {
            "leader" => "leader's",
            "manager" => "manager's",
            "document-timestamp" => "timestamp's",
            _ => "other",
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
        match GuideInfo::from_pdf(bytes) {
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
