//! `mus archive`: a folder of signed guides, stored byte for byte and read-only, with an
//! index (SQLite) that records which guide each file is and what its signatures prove.
//!
//! A file is made durable (temporary file, fsync, rename, fsync of the folder) before its
//! row is committed, so a crash can leave at most a file the index does not know yet —
//! which the next `add` of that file adopts and `verify` names — never a row without its
//! file.

pub mod config;
pub mod guide_info;
pub mod index;
pub mod run;
pub mod status;

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::batch::safe_file_stem;
use crate::error::{Error, Result};
use crate::matching::slug;
use crate::output::sha256_hex;
use crate::signature::{self, Coverage, Inspection, SignatureStatus, Trust, TrustAnchor};

pub use guide_info::GuideInfo;
pub use index::{ArchivedGuide, Index, Status, StoredSignature, INDEX_FILE};

/// The leader's signature field of a guide made with `--form`.
pub const LEADER_FIELD: &str = "underskrift.leder.underskrift";
/// The leader's manager's signature field.
pub const MANAGER_FIELD: &str = "underskrift.leders-leder.underskrift";

/// The two signature fields, with who signs each, in words.
pub const SIGNATURE_FIELDS: [(&str, &str); 2] =
    [(LEADER_FIELD, "leader's"), (MANAGER_FIELD, "manager's")];

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
    pub reason: String,
    /// Only missing or empty signatures stood in the way: `--allow-unsigned` would take it.
    pub unsigned_only: bool,
}

impl Refusal {
    fn new(reason: impl Into<String>) -> Refusal {
        Refusal {
            reason: reason.into(),
            unsigned_only: false,
        }
    }
}

/// How strictly `add` judges signatures.
pub struct Policy {
    /// Archive a guide signed on paper, or only partly signed, as `unsigned`.
    pub allow_unsigned: bool,
    /// Certificates signers must chain to; empty means signers are not checked.
    pub anchors: Vec<TrustAnchor>,
}

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
            Err(_) if create => create_private_dir(dir)?,
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

    /// Every archived file.
    pub fn guides(&self) -> Result<Vec<ArchivedGuide>> {
        self.index.all()
    }

    /// Judges one file and, when it is a guide with its signatures in order, stores it
    /// and records it. `Err` only when the archive itself fails (a fatal error).
    pub fn add(&mut self, bytes: &[u8], policy: &Policy) -> Result<Added> {
        let info = match GuideInfo::from_pdf(bytes) {
            Ok(info) => info,
            Err(reason) => return Ok(Added::Refused(Refusal::new(reason.to_string()))),
        };
        let inspection = match signature::inspect(bytes, &policy.anchors) {
            Ok(i) => i,
            Err(e) => {
                return Ok(Added::Refused(Refusal::new(format!(
                    "its signatures cannot be read: {e}"
                ))))
            }
        };
        let (status, signatures) = match judge(&inspection, policy) {
            Ok(judged) => judged,
            Err(refusal) => return Ok(Added::Refused(refusal)),
        };
        if let Some(reason) = identity_changed_after_signing(bytes, &info, &inspection) {
            return Ok(Added::Refused(Refusal::new(reason)));
        }
        let sha256 = sha256_hex(bytes);
        let dir = self.dir.clone();
        let index_path = self.index.path().to_path_buf();
        let db = |e: rusqlite::Error| Error::Archive {
            path: index_path.clone(),
            message: format!("the index cannot be read or updated: {e}"),
        };
        let tx = self.index.begin()?;
        if let Some(existing) = index::find_by_sha256(&tx, &sha256).map_err(db)? {
            return Ok(Added::Unchanged(existing));
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
        };
        let target = dir.join(&path);
        match std::fs::symlink_metadata(&target) {
            // Left by an `add` that stopped between storing the file and recording it.
            Ok(meta) if meta.is_file() && std::fs::read(&target).is_ok_and(|b| b == bytes) => {}
            Ok(_) => {
                return Ok(Added::Refused(Refusal::new(format!(
                    "{path} is already in the archive folder but not in the index; \
                     run `mus archive verify` and move that file away"
                ))))
            }
            Err(_) => store(&dir, &path, bytes)?,
        }
        index::insert(&tx, &guide).map_err(db)?;
        tx.commit().map_err(db)?;
        Ok(Added::New(guide))
    }

    /// Re-hashes every archived file, re-checks its signatures, and finds files the
    /// index does not know. Returns the number of files checked and every problem.
    pub fn verify(&self, anchors: &[TrustAnchor]) -> Result<(usize, Vec<Problem>)> {
        let guides = self.guides()?;
        let mut problems = Vec::new();
        for guide in &guides {
            let who = format!("guide {} version {}", guide.guide_id, guide.version);
            let full = self.dir.join(&guide.path);
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
        let known: std::collections::BTreeSet<&str> =
            guides.iter().map(|g| g.path.as_str()).collect();
        let mut on_disk = Vec::new();
        walk(&self.dir, "", &mut on_disk).map_err(|e| Error::io(&self.dir, e))?;
        for path in on_disk {
            if !known.contains(path.as_str()) {
                problems.push(Problem::NotInIndex { path });
            }
        }
        Ok((guides.len(), problems))
    }
}

/// Decides whether a guide's signatures let it in: both fields signed, covering the file
/// (or only later signing and form filling), and, with trust anchors, by trusted signers.
/// Missing or empty fields are allowed with `--allow-unsigned`; an invalid signature, one
/// the file was changed after, or an untrusted signer never are.
pub fn judge(
    inspection: &Inspection,
    policy: &Policy,
) -> std::result::Result<(Status, Vec<StoredSignature>), Refusal> {
    let mut unsigned = Vec::new();
    let mut broken = Vec::new();
    let mut stored = Vec::new();
    let mut signed = Vec::new();
    for (field, who) in SIGNATURE_FIELDS {
        match inspection.fields.iter().find(|f| f.name == field) {
            None => unsigned.push(format!(
                "the {who} signature field ({field}) is missing (was the guide made with --no-form?)"
            )),
            Some(f) => match &f.status {
                SignatureStatus::Empty => {
                    unsigned.push(format!("the {who} signature field ({field}) is empty"))
                }
                SignatureStatus::Invalid { reason } => {
                    broken.push(format!("the {who} signature ({field}) is invalid: {reason}"))
                }
                SignatureStatus::Signed(s) => {
                    signed.push((field, who, s));
                    if let Coverage::OtherChanges { description } = &s.coverage {
                        broken.push(format!(
                            "the {who} signature ({field}) no longer covers the file: it was changed after signing ({description})"
                        ));
                    }
                    if let Trust::Untrusted { reason } = &s.trust {
                        broken.push(format!(
                            "the {who} signer ({}, {field}) is not trusted: {reason}",
                            s.signer
                        ));
                    }
                    stored.push(StoredSignature {
                        field: field.to_string(),
                        signer: s.signer.clone(),
                        signing_time: s.signing_time.map(|t| {
                            t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                        }),
                        algorithm: s.algorithm.clone(),
                        certificate_sha256: s.certificate_sha256.clone(),
                        coverage: match &s.coverage {
                            Coverage::WholeFile => "whole-file".into(),
                            Coverage::Signing => "signing".into(),
                            Coverage::SigningAndFormFilling { .. } => {
                                "signing-and-form-filling".into()
                            }
                            Coverage::OtherChanges { description } => {
                                format!("other-changes: {description}")
                            }
                        },
                        trust: match &s.trust {
                            Trust::NotChecked => "not-checked".into(),
                            Trust::Trusted { anchor } => format!("trusted: {anchor}"),
                            Trust::Untrusted { reason } => format!("untrusted: {reason}"),
                        },
                    });
                }
            },
        }
    }
    // Form filling after a signature is fine while a later signature covers it; after the
    // last one, nobody signed the answers as they now stand.
    let last = signed.iter().max_by_key(|(_, _, s)| s.signed_bytes);
    if let (true, Some((field, who, s))) = (unsigned.is_empty(), last) {
        if let Coverage::SigningAndFormFilling { fields } = &s.coverage {
            broken.push(format!(
                "the form was filled in after the last signature, the {who} ({field}), and no \
                 signature covers that: {} changed",
                fields.join(", ")
            ));
        }
    }
    // The leader and the manager are two people: one certificate on both fields means one
    // of them signed for the other.
    if let [(_, _, a), (_, _, b)] = signed.as_slice() {
        if a.certificate_sha256 == b.certificate_sha256 {
            broken.push(format!(
                "one certificate ({}) signed both the leader's and the manager's field: each \
                 signs with their own",
                a.signer
            ));
        }
    }
    if !broken.is_empty() {
        broken.extend(unsigned);
        return Err(Refusal::new(broken.join("; ")));
    }
    if unsigned.is_empty() {
        Ok((Status::Signed, stored))
    } else if policy.allow_unsigned {
        Ok((Status::Unsigned, stored))
    } else {
        Err(Refusal {
            reason: unsigned.join("; "),
            unsigned_only: true,
        })
    }
}

/// Why the guide's identity now differs from what a signer signed, if it does. It is read
/// from the latest XMP, which a later revision may replace (signing does: pyHanko updates
/// it), so an update after both signatures could otherwise file a signed guide under
/// another leader, unit, year or guide id.
fn identity_changed_after_signing(
    bytes: &[u8],
    info: &GuideInfo,
    inspection: &Inspection,
) -> Option<String> {
    for (field, who) in SIGNATURE_FIELDS {
        let status = inspection.fields.iter().find(|f| f.name == field);
        let Some(SignatureStatus::Signed(s)) = status.map(|f| &f.status) else {
            continue;
        };
        if s.signed_bytes >= bytes.len() {
            continue;
        }
        let signed = match GuideInfo::from_pdf(&bytes[..s.signed_bytes]) {
            Ok(signed) => signed,
            Err(reason) => {
                return Some(format!(
                    "the revision the {who} signature ({field}) signs is not a guide made by \
                     mus: {reason}"
                ))
            }
        };
        let (was, now) = signed.differences(info);
        if !was.is_empty() {
            return Some(format!(
                "its XMP metadata was changed after the {who} signature ({field}): the signed \
                 guide is for {was}, but the file now says {now}"
            ));
        }
    }
    None
}

/// What is wrong now with the signatures recorded when `guide` was archived.
fn recheck(bytes: &[u8], guide: &ArchivedGuide, anchors: &[TrustAnchor]) -> Vec<String> {
    let inspection = match signature::inspect(bytes, anchors) {
        Ok(i) => i,
        Err(e) => return vec![format!("its signatures cannot be read: {e}")],
    };
    let mut problems = Vec::new();
    for recorded in &guide.signatures {
        let who = SIGNATURE_FIELDS
            .iter()
            .find(|(f, _)| *f == recorded.field)
            .map_or("", |(_, who)| *who);
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
            anchors: Vec::new(),
        };
        if let Err(refusal) = judge(&inspection, &policy) {
            problems.push(refusal.reason);
        } else if let Some(reason) = GuideInfo::from_pdf(bytes)
            .ok()
            .and_then(|info| identity_changed_after_signing(bytes, &info, &inspection))
        {
            problems.push(reason);
        }
    }
    problems
}

/// `<year>/<unit>/<leader>-<guide id>[-vN].pdf`, every part safe ASCII.
pub fn relative_path(info: &GuideInfo, version: u32) -> String {
    let part = |text: &str, empty: &str| {
        let s = slug(text);
        if s.is_empty() {
            empty.to_string()
        } else {
            safe_file_stem(&s)
        }
    };
    let unit = part(&info.unit, "uden-enhed");
    let leader = part(&info.leader, "uden-navn");
    let id = safe_file_stem(&info.guide_id);
    let suffix = if version > 1 {
        format!("-v{version}")
    } else {
        String::new()
    };
    format!("{}/{unit}/{leader}-{id}{suffix}.pdf", info.year())
}

/// Writes a new file durably and read-only: a temporary file in the same folder, fsync,
/// mode 0400, rename (never over an existing file), fsync of the folder.
fn store(archive: &Path, relative: &str, bytes: &[u8]) -> Result<()> {
    let target = archive.join(relative);
    let dir = target.parent().unwrap_or(archive);
    let mut current = archive.to_path_buf();
    for part in Path::new(relative)
        .parent()
        .into_iter()
        .flat_map(|p| p.iter())
    {
        let parent = current.clone();
        current.push(part);
        if !current.is_dir() {
            create_private_dir(&current)?;
            sync_dir(&parent)?;
        }
    }
    let mut file = tempfile::Builder::new()
        .prefix(".mus-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| Error::io(dir, e))?;
    file.write_all(bytes).map_err(|e| Error::io(&target, e))?;
    file.as_file()
        .sync_all()
        .map_err(|e| Error::io(&target, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o400))
            .map_err(|e| Error::io(&target, e))?;
    }
    file.persist_noclobber(&target)
        .map_err(|e| Error::io(&target, e.error))?;
    sync_dir(dir)
}

fn sync_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| Error::io(dir, e))?;
    Ok(())
}

fn create_private_dir(dir: &Path) -> Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|e| Error::io(dir, e))
}

/// Every file under `dir` except the index's own, as `/`-separated relative paths.
fn walk(dir: &Path, prefix: &str, out: &mut Vec<String>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<std::io::Result<_>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let relative = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}/{name}")
        };
        let kind = entry.file_type()?;
        if kind.is_dir() {
            walk(&entry.path(), &relative, out)?;
        } else if !(prefix.is_empty() && is_index_file(&name)) {
            out.push(relative);
        }
    }
    Ok(())
}

fn is_index_file(name: &str) -> bool {
    name.strip_prefix(INDEX_FILE)
        .is_some_and(|rest| ["", "-wal", "-shm", "-journal"].contains(&rest))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::{Signature, SignatureField};

    fn signed(coverage: Coverage, trust: Trust) -> SignatureStatus {
        SignatureStatus::Signed(Signature {
            signer: "CN=Bodil Kjærgård".into(),
            signing_time: chrono::DateTime::from_timestamp(1_800_000_000, 0),
            algorithm: "sha256WithRSAEncryption".into(),
            certificate_sha256: "ab".repeat(32),
            coverage,
            trust,
            sub_filter: "adbe.pkcs7.detached".into(),
            signed_bytes: 1000,
        })
    }

    /// The two fields as given; the manager's signature (if any) with a certificate of its
    /// own.
    fn inspection(leader: SignatureStatus, mut manager: SignatureStatus) -> Inspection {
        if let SignatureStatus::Signed(s) = &mut manager {
            s.certificate_sha256 = "cd".repeat(32);
        }
        Inspection {
            fields: vec![
                SignatureField {
                    name: LEADER_FIELD.into(),
                    status: leader,
                },
                SignatureField {
                    name: MANAGER_FIELD.into(),
                    status: manager,
                },
            ],
        }
    }

    fn policy(allow_unsigned: bool) -> Policy {
        Policy {
            allow_unsigned,
            anchors: Vec::new(),
        }
    }

    /// A guide filled in after both signatures, as an archive made before that rule
    /// would hold it: `verify` judges it by today's rules.
    #[test]
    fn recheck_applies_the_rules_of_add_to_guides_archived_before_them() {
        let bytes = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/signed/signed-both-then-filled-in.pdf"
        ))
        .unwrap();
        let inspection = signature::inspect(&bytes, &[]).unwrap();
        let signatures = inspection
            .fields
            .iter()
            .map(|f| match &f.status {
                SignatureStatus::Signed(s) => StoredSignature {
                    field: f.name.clone(),
                    signer: s.signer.clone(),
                    signing_time: None,
                    algorithm: s.algorithm.clone(),
                    certificate_sha256: s.certificate_sha256.clone(),
                    coverage: "whole-file".into(),
                    trust: "not-checked".into(),
                },
                other => panic!("{}: {other:?}", f.name),
            })
            .collect();
        let guide = ArchivedGuide {
            guide_id: "2027-00000000".into(),
            version: 1,
            leader: "Łukasz Øster-Ågård".into(),
            unit: "Dagtilbud Nord".into(),
            level: "leder-af-medarbejdere".into(),
            focus: vec!["saet-retning".into()],
            dialogue_date: "2027-01-15".into(),
            year: 2027,
            framework: "soenderborg-ledelsesgrundlag 1.0".into(),
            path: "2027/x.pdf".into(),
            sha256: String::new(),
            size: bytes.len() as u64,
            status: Status::Signed,
            added_at: String::new(),
            signatures,
        };
        let problems = recheck(&bytes, &guide, &[]);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].starts_with("the form was filled in after the last signature"),
            "{problems:?}"
        );
        // Recorded as unsigned (signed on paper), the same file is not held to it.
        let unsigned = ArchivedGuide {
            status: Status::Unsigned,
            ..guide
        };
        assert_eq!(recheck(&bytes, &unsigned, &[]), Vec::<String>::new());
    }

    #[test]
    fn one_certificate_on_both_fields_is_refused() {
        let i = Inspection {
            fields: vec![
                SignatureField {
                    name: LEADER_FIELD.into(),
                    status: signed(Coverage::Signing, Trust::NotChecked),
                },
                SignatureField {
                    name: MANAGER_FIELD.into(),
                    status: signed(Coverage::WholeFile, Trust::NotChecked),
                },
            ],
        };
        let refusal = judge(&i, &policy(true)).unwrap_err();
        assert_eq!(
            refusal.reason,
            "one certificate (CN=Bodil Kjærgård) signed both the leader's and the manager's \
             field: each signs with their own"
        );
    }

    #[test]
    fn both_signed_is_signed_and_recorded() {
        let i = inspection(
            signed(Coverage::WholeFile, Trust::NotChecked),
            signed(
                Coverage::Signing,
                Trust::Trusted {
                    anchor: "CN=KommuneCA".into(),
                },
            ),
        );
        let (status, stored) = judge(&i, &policy(false)).unwrap();
        assert_eq!(status, Status::Signed);
        assert_eq!(stored.len(), 2);
        assert_eq!(stored[0].field, LEADER_FIELD);
        assert_eq!(stored[0].coverage, "whole-file");
        assert_eq!(
            stored[0].signing_time.as_deref(),
            Some("2027-01-15T08:00:00Z")
        );
        assert_eq!(stored[1].coverage, "signing");
        assert_eq!(stored[1].trust, "trusted: CN=KommuneCA");
    }

    #[test]
    fn form_filling_is_accepted_only_when_a_later_signature_covers_it() {
        let at = |status: SignatureStatus, bytes: usize| match status {
            SignatureStatus::Signed(s) => SignatureStatus::Signed(Signature {
                signed_bytes: bytes,
                ..s
            }),
            other => other,
        };
        let filled = || Coverage::SigningAndFormFilling {
            fields: vec!["plan.1.maal".into()],
        };
        // The leader's signature is followed by filling, then the manager signs it all.
        let i = inspection(
            at(signed(filled(), Trust::NotChecked), 1000),
            at(signed(Coverage::WholeFile, Trust::NotChecked), 2000),
        );
        assert_eq!(judge(&i, &policy(false)).unwrap().0, Status::Signed);
        // Filled in after both signed: nobody signed the plan as it stands.
        let i = inspection(
            at(signed(filled(), Trust::NotChecked), 1000),
            at(signed(filled(), Trust::NotChecked), 2000),
        );
        let refusal = judge(&i, &policy(true)).unwrap_err();
        assert_eq!(
            refusal.reason,
            "the form was filled in after the last signature, the manager's \
             (underskrift.leders-leder.underskrift), and no signature covers that: plan.1.maal \
             changed"
        );
        assert!(!refusal.unsigned_only);
    }

    #[test]
    fn an_empty_field_is_refused_unless_unsigned_is_allowed() {
        let i = inspection(
            signed(Coverage::WholeFile, Trust::NotChecked),
            SignatureStatus::Empty,
        );
        assert_eq!(
            judge(&i, &policy(false)).unwrap_err(),
            Refusal {
                reason:
                    "the manager's signature field (underskrift.leders-leder.underskrift) is empty"
                        .into(),
                unsigned_only: true
            }
        );
        let (status, stored) = judge(&i, &policy(true)).unwrap();
        assert_eq!(status, Status::Unsigned);
        assert_eq!(stored.len(), 1);
    }

    #[test]
    fn changes_after_signing_invalid_and_untrusted_are_refused_even_when_unsigned_is_allowed() {
        let i = inspection(
            signed(
                Coverage::OtherChanges {
                    description: "page 2 was rewritten".into(),
                },
                Trust::NotChecked,
            ),
            SignatureStatus::Invalid {
                reason: "the digest does not match".into(),
            },
        );
        assert_eq!(
            judge(&i, &policy(true)).unwrap_err().reason,
            "the leader's signature (underskrift.leder.underskrift) no longer covers the file: it was changed after signing (page 2 was rewritten); \
             the manager's signature (underskrift.leders-leder.underskrift) is invalid: the digest does not match"
        );
        let i = inspection(
            signed(
                Coverage::WholeFile,
                Trust::Untrusted {
                    reason: "no chain to an anchor".into(),
                },
            ),
            SignatureStatus::Empty,
        );
        assert_eq!(
            judge(&i, &policy(true)).unwrap_err().reason,
            "the leader's signer (CN=Bodil Kjærgård, underskrift.leder.underskrift) is not trusted: no chain to an anchor; \
             the manager's signature field (underskrift.leders-leder.underskrift) is empty"
        );
    }

    #[test]
    fn missing_fields_are_named() {
        let refusal = judge(&Inspection { fields: vec![] }, &policy(false)).unwrap_err();
        assert_eq!(
            refusal.reason,
            "the leader's signature field (underskrift.leder.underskrift) is missing (was the guide made with --no-form?); \
             the manager's signature field (underskrift.leders-leder.underskrift) is missing (was the guide made with --no-form?)"
        );
    }

    #[test]
    fn paths_are_safe_and_versioned() {
        let info = GuideInfo {
            guide_id: "2027-1A2B3C4D".into(),
            leader: "Łukasz Øster-Ågård".into(),
            unit: "../Dagtilbud Nord".into(),
            level: "chef".into(),
            focus: vec![],
            dialogue_date: chrono::NaiveDate::from_ymd_opt(2027, 1, 15).unwrap(),
            framework: "x 1".into(),
            ..GuideInfo::default()
        };
        assert_eq!(
            relative_path(&info, 1),
            "2027/dagtilbud-nord/lukasz-oester-aagaard-2027-1a2b3c4d.pdf"
        );
        let nobody = GuideInfo {
            leader: String::new(),
            unit: "…".into(),
            ..info
        };
        assert_eq!(
            relative_path(&nobody, 3),
            "2027/uden-enhed/uden-navn-2027-1a2b3c4d-v3.pdf"
        );
    }
}
