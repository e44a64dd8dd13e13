//! The archive's index: an SQLite database beside the archived files that records, per
//! archived file, which guide it is (and the employee id it names), where it lies, its
//! SHA-256, its signatures, and what it carries into next year's guide.
//!
//! Not responsible for the files themselves (`archive`). Of a guide's answers it holds
//! only what the guide carries into next year's — the plan and the ratings, as
//! [`crate::archive::answers::Recorded`] — so a batch following up last year's guides
//! need not read their files again; never reflections or other free text. The schema is
//! versioned with `PRAGMA user_version`; [`migrate`] brings an older index up to date and
//! refuses one written by a newer mus.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OpenFlags, TransactionBehavior};
use serde::Serialize;

use super::stored::{StoredCoverage, StoredRevocation, StoredRole, StoredTimeSource, StoredTrust};
use crate::archive::answers::Recorded;
use crate::archive::error::{Error, Result};

/// The index's file name in the archive folder; SQLite keeps `-wal` and `-shm` beside it.
pub const INDEX_FILE: &str = "index.sqlite";

/// How long mus waits for an index another mus is writing (storing a file takes two
/// fsyncs and a commit; on a busy disk or a network drive, seconds each) before it gives up.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// How long recording what a batch read from files ([`Index::record_learned`]) waits for
/// another mus writing the index.
const RECORD_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// The schema version this mus writes.
pub const SCHEMA_VERSION: i64 = 4;

/// The oldest schema this mus reads as it is, in an index it may not write: what came
/// after it (schema 3: the employee id; 4: what a guide carries over; NULL where not
/// recorded) reads as not recorded.
const READABLE_FROM: i64 = 2;

/// Each step brings the schema from version `i` to `i + 1`.
const MIGRATIONS: [&str; 4] = ["
CREATE TABLE guides (
    id            INTEGER PRIMARY KEY,
    guide_id      TEXT    NOT NULL,
    version       INTEGER NOT NULL CHECK (version >= 1),
    leader        TEXT    NOT NULL,
    unit          TEXT    NOT NULL,
    level         TEXT    NOT NULL,
    focus         TEXT    NOT NULL, -- principle ids, comma-separated
    dialogue_date TEXT    NOT NULL, -- YYYY-MM-DD
    year          INTEGER NOT NULL,
    framework     TEXT    NOT NULL, -- '<id> <version>'
    path          TEXT    NOT NULL UNIQUE, -- relative to the archive folder, '/'-separated
    sha256        TEXT    NOT NULL UNIQUE,
    size          INTEGER NOT NULL,
    status        TEXT    NOT NULL CHECK (status IN ('signed', 'unsigned')),
    added_at      TEXT    NOT NULL, -- RFC 3339, UTC
    UNIQUE (guide_id, version)
);
CREATE INDEX guides_by_year ON guides (year, unit, leader);
CREATE TABLE signatures (
    guide              INTEGER NOT NULL REFERENCES guides (id),
    field              TEXT    NOT NULL,
    signer             TEXT    NOT NULL,
    signing_time       TEXT,   -- RFC 3339, UTC; NULL when the signature has none
    algorithm          TEXT    NOT NULL,
    certificate_sha256 TEXT    NOT NULL,
    coverage           TEXT    NOT NULL, -- whole-file | signing | signing-and-form-filling
    trust              TEXT    NOT NULL, -- not-checked | trusted: <anchor>
    PRIMARY KEY (guide, field)
);
", "
ALTER TABLE signatures ADD COLUMN role TEXT NOT NULL DEFAULT ''; -- leader | manager | other | extra | document-timestamp
ALTER TABLE signatures ADD COLUMN signer_name TEXT NOT NULL DEFAULT '';
ALTER TABLE signatures ADD COLUMN time_source TEXT NOT NULL DEFAULT 'claimed'; -- claimed | timestamp
ALTER TABLE signatures ADD COLUMN revocation TEXT NOT NULL DEFAULT 'not-checked'; -- not-checked | checked | revoked | no-data
", "
ALTER TABLE guides ADD COLUMN employee_id TEXT; -- '' when the guide names none; NULL when archived by a mus that did not record it
", "
ALTER TABLE guides ADD COLUMN carried TEXT; -- JSON (archive::answers::Recorded): what it carries into next year's guide (identity, plan, ratings); NULL when archived by a mus that did not record it
"];

/// Whether both signatures were there and sound when the file was archived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Signed,
    /// Archived with `--allow-unsigned`: signed on paper, or partly signed.
    Unsigned,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Signed => "signed",
            Status::Unsigned => "unsigned",
        }
    }

    fn from_str(text: &str) -> Status {
        if text == "signed" {
            Status::Signed
        } else {
            Status::Unsigned
        }
    }
}

/// One archived file, as the index records it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArchivedGuide {
    pub guide_id: String,
    pub version: u32,
    pub leader: String,
    pub unit: String,
    pub level: String,
    pub focus: Vec<String>,
    pub dialogue_date: String,
    pub year: i32,
    pub framework: String,
    /// Relative to the archive folder, `/`-separated.
    pub path: String,
    pub sha256: String,
    pub size: u64,
    pub status: Status,
    pub added_at: String,
    pub signatures: Vec<StoredSignature>,
    /// The employee id the guide's identity names, as the index recorded it (kept out of
    /// `archive list --json`, which names people by name and unit).
    #[serde(skip)]
    pub employee_id: EmployeeId,
}

/// What a batch read from the file of a guide whose index row lacks it — archived by a
/// mus that did not record it, or recorded in another `Recorded::FORMAT` — for
/// [`Index::record_learned`].
#[derive(Debug, Clone, PartialEq)]
pub struct Learned {
    /// The file's, which names its row.
    pub sha256: String,
    pub employee_id: EmployeeId,
    pub recorded: Recorded,
}

/// The employee id an archived guide names, as its index row has it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum EmployeeId {
    /// Archived by a mus that did not record it (schema 2): only the file tells.
    #[default]
    NotRecorded,
    /// The guide names none.
    Absent,
    Id(String),
}

impl EmployeeId {
    /// As the guide's identity has it.
    pub fn of(id: Option<&str>) -> EmployeeId {
        match id {
            Some(id) if !id.is_empty() => EmployeeId::Id(id.to_string()),
            _ => EmployeeId::Absent,
        }
    }

    /// The id, when one is known.
    pub fn id(&self) -> Option<&str> {
        match self {
            EmployeeId::Id(id) => Some(id),
            EmployeeId::NotRecorded | EmployeeId::Absent => None,
        }
    }

    /// As the index column keeps it: NULL, '' or the id.
    fn column(&self) -> Option<&str> {
        match self {
            EmployeeId::NotRecorded => None,
            EmployeeId::Absent => Some(""),
            EmployeeId::Id(id) => Some(id),
        }
    }

    fn from_column(column: Option<String>) -> EmployeeId {
        match column {
            None => EmployeeId::NotRecorded,
            Some(id) => EmployeeId::of(Some(&id)),
        }
    }
}

/// A signature as it was when the file was archived.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredSignature {
    pub field: String,
    /// Whom it signs for.
    pub role: StoredRole,
    pub signer: String,
    /// The certificate's common name.
    pub signer_name: String,
    pub signing_time: Option<String>,
    /// Where `signing_time` comes from.
    pub time_source: StoredTimeSource,
    pub algorithm: String,
    pub certificate_sha256: String,
    pub coverage: StoredCoverage,
    pub trust: StoredTrust,
    pub revocation: StoredRevocation,
}

/// How SQLite keeps a transaction's changes until they are committed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Journal {
    /// Write-ahead log: readers do not wait for a writer. Needs shared memory (the `-shm`
    /// file, mapped by every process), which only a local file system gives.
    Wal,
    /// Rollback journal: works wherever the file system's locks work, network drives
    /// included; a reader waits while a writer commits.
    Delete,
}

impl Journal {
    /// The journal for an index in `dir`: WAL on a local file system, the rollback
    /// journal on a network or user-space one (NFS, SMB/CIFS, FUSE, …) — and wherever the
    /// kind of file system cannot be told.
    pub(crate) fn for_folder(dir: &Path) -> Journal {
        match super::storage::file_system_is_local(dir) {
            Some(true) => Journal::Wal,
            Some(false) | None => Journal::Delete,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Journal::Wal => "wal",
            Journal::Delete => "delete",
        }
    }
}

/// The open index of one archive.
pub struct Index {
    conn: Connection,
    path: PathBuf,
}

impl Index {
    /// Opens the index in `dir`, creating it (readable by its owner only) when `create`
    /// and the folder holds no archived guide yet. Several `add` at once into a new
    /// folder may all get here: creating the file and the schema tolerates the others.
    ///
    /// When this user may not write the folder or the index (a read-only copy), the index
    /// is opened read-only and immutable: SQLite then needs neither its `-shm` file nor a
    /// lock, which a read-only folder cannot give it.
    pub fn open(dir: &Path, create: bool) -> Result<Index> {
        let path = dir.join(INDEX_FILE);
        ensure_file(dir, &path, create)?;
        let writable = may_write(dir) && may_write(&path);
        if create && !writable {
            return Err(Error::Archive {
                path: dir.to_path_buf(),
                message: "this user may not write the archive folder or its index; `add` \
                          needs write access (list, status and verify work without it)"
                    .into(),
            });
        }
        let conn = connect(dir, &path, writable)?;
        let index = Index { conn, path };
        // Before anything that writes: another mus may hold the lock while creating it, or
        // while storing a file (two fsyncs and a commit; on a busy disk, seconds each).
        index
            .conn
            .busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| index.error(e))?;
        let mut index = index.refuse_empty_beside_guides(dir)?;
        if !writable {
            return index.check_read_only_version();
        }
        index.configure(Journal::for_folder(dir))?;
        migrate(&mut index.conn).map_err(|e| match e {
            Error::Archive { message, .. } => Error::Archive {
                path: index.path.clone(),
                message,
            },
            other => other,
        })?;
        Ok(index)
    }

    /// What is there, read before anything is written: an empty or damaged index beside
    /// archived guides must stay as it is for `rebuild`.
    fn refuse_empty_beside_guides(self, dir: &Path) -> Result<Index> {
        let tables: i64 = match self
            .conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
        {
            Ok(n) => n,
            Err(e) if is_damage(&e) => {
                return Err(Error::IndexUnusable {
                    path: self.path,
                    problem: format!("is damaged ({e})"),
                    guide: super::storage::first_guide(dir),
                })
            }
            Err(e) => return Err(self.error(e)),
        };
        let count_tables = |conn: &Connection| {
            conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
                r.get::<_, i64>(0)
            })
        };
        if tables == 0 {
            // A guide another `add` stored after creating the schema a moment ago is no
            // reason to refuse: read again after looking (it creates the schema first).
            if let Some(guide) = super::storage::first_guide(dir)
                .filter(|_| count_tables(&self.conn).is_ok_and(|n| n == 0))
            {
                return Err(Error::IndexUnusable {
                    path: self.path,
                    problem: "is empty".into(),
                    guide: Some(guide),
                });
            }
        }
        Ok(self)
    }

    /// A read-only index is used as it is, so it must have a schema this mus reads
    /// without bringing it up to date ([`READABLE_FROM`] to [`SCHEMA_VERSION`]).
    fn check_read_only_version(self) -> Result<Index> {
        let version = schema_version(&self.conn).map_err(|e| self.error(e))?;
        if !(READABLE_FROM..=SCHEMA_VERSION).contains(&version) {
            return Err(Error::Archive {
                path: self.path,
                message: format!(
                    "the index has schema version {version}, this mus reads {READABLE_FROM} to \
                     {SCHEMA_VERSION}; a read-only archive cannot be brought up to date (open \
                     it once with write access, or use the mus that wrote it)"
                ),
            });
        }
        Ok(self)
    }

    /// Records what a batch read from the files of guides whose rows lacked it ([`Learned`]):
    /// the employee id where none is recorded, and what the guide carries over. How many
    /// rows changed; none when this index may not be written. A cache for the next batch,
    /// so it waits for another mus writing the index a moment ([`RECORD_WAIT`]), not a
    /// minute.
    pub fn record_learned(&mut self, learned: &[Learned]) -> Result<usize> {
        let read_only = self
            .conn
            .is_readonly(rusqlite::MAIN_DB)
            .map_err(|e| self.error(e))?;
        if read_only || learned.is_empty() {
            return Ok(0);
        }
        let path = self.path.clone();
        let record = |conn: &mut Connection| -> rusqlite::Result<usize> {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let mut updated = 0;
            for learned in learned {
                updated += learn(&tx, learned)?;
            }
            tx.commit()?;
            Ok(updated)
        };
        self.conn
            .busy_timeout(RECORD_WAIT)
            .map_err(|e| db_error(&path, e))?;
        let updated = record(&mut self.conn);
        // Back to the wait of everything else this index does.
        let restored = self.conn.busy_timeout(BUSY_TIMEOUT);
        let updated = updated.map_err(|e| db_error(&path, e))?;
        restored.map_err(|e| db_error(&path, e))?;
        Ok(updated)
    }

    /// A new index at `path` (a temporary file `rebuild` renames into place later), with
    /// the current schema and a rollback journal: a WAL beside a temporary name would be
    /// left behind by the rename.
    pub(crate) fn create_at(path: &Path) -> Result<Index> {
        let conn = Connection::open(path).map_err(|e| db_error(path, e))?;
        let mut index = Index {
            conn,
            path: path.to_path_buf(),
        };
        index
            .conn
            .execute_batch("PRAGMA journal_mode = DELETE; PRAGMA synchronous = FULL;")
            .map_err(|e| index.error(e))?;
        migrate(&mut index.conn)?;
        Ok(index)
    }

    /// The journal the folder's file system can share (WAL on a local disk, the rollback
    /// journal on a network drive), synchronous writes and foreign keys.
    fn configure(&self, journal: Journal) -> Result<()> {
        let current: String = self
            .conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .map_err(|e| self.error(e))?;
        if !current.eq_ignore_ascii_case(journal.as_str()) {
            self.switch_journal(journal)?;
        }
        // FULL: a committed row survives a power cut, not just a crash of mus.
        self.conn
            .execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")
            .map_err(|e| self.error(e))
    }

    /// Switching the journal needs the index to itself. SQLite does not wait for that
    /// (the busy timeout does not apply: the statement already holds a read lock when it
    /// asks for the write lock), so another mus opening the same new index at the same
    /// moment would make it fail with "database is locked": wait here instead, as the
    /// busy timeout would.
    fn switch_journal(&self, journal: Journal) -> Result<()> {
        let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
        let mut pause = std::time::Duration::from_millis(1);
        loop {
            let switched = self.conn.query_row(
                &format!("PRAGMA journal_mode = {}", journal.as_str()),
                [],
                |r| r.get::<_, String>(0),
            );
            match switched {
                Ok(mode) if mode.eq_ignore_ascii_case(journal.as_str()) => return Ok(()),
                Ok(mode) => {
                    return Err(Error::Archive {
                        path: self.path.clone(),
                        message: format!(
                            "cannot switch the index to the {} journal (it stays in '{mode}')",
                            journal.as_str()
                        ),
                    })
                }
                Err(e) if is_busy(&e) && std::time::Instant::now() < deadline => {
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(std::time::Duration::from_millis(50));
                }
                Err(e) => return Err(self.error(e)),
            }
        }
    }

    /// The index file, for messages.
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn error(&self, e: rusqlite::Error) -> Error {
        db_error(&self.path, e)
    }

    /// Starts a write transaction that holds the index's lock from the first read, so two
    /// `mus archive add` at once cannot both take the same version number.
    pub fn begin(&mut self) -> Result<rusqlite::Transaction<'_>> {
        self.conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| db_error(&self.path, e))
    }

    /// Every archived file, ordered by year, unit, leader, guide id and version.
    pub fn all(&self) -> Result<Vec<ArchivedGuide>> {
        select(&self.conn, "1 = 1", []).map_err(|e| self.error(e))
    }

    /// What each archived file carries into next year's guide, as recorded, by its
    /// SHA-256, as JSON to be read with `Recorded::from_json` when needed; files without
    /// a record are left out (an index before schema 4 has none).
    pub fn recorded(&self) -> Result<HashMap<String, String>> {
        let read = || -> rusqlite::Result<HashMap<String, String>> {
            if schema_version(&self.conn)? < 4 {
                return Ok(HashMap::new());
            }
            let mut statement = self
                .conn
                .prepare("SELECT sha256, carried FROM guides WHERE carried IS NOT NULL")?;
            let rows = statement.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect()
        };
        read().map_err(|e| self.error(e))
    }
}

/// Records `learned` in the row of its file: the employee id where none is recorded, and
/// the record where there is none, or one of an earlier [`Recorded::FORMAT`], or one of
/// this format that says otherwise (read by an earlier reading of this format, or
/// edited). A record a newer mus made (a later format, which this one cannot read) stays:
/// that mus would read the file again otherwise. 1 if the row changed.
pub(crate) fn learn(conn: &Connection, learned: &Learned) -> rusqlite::Result<usize> {
    let id = conn.execute(
        "UPDATE guides SET employee_id = ?1 WHERE sha256 = ?2 AND employee_id IS NULL",
        params![learned.employee_id.column(), learned.sha256],
    )?;
    let record = conn.execute(
        "UPDATE guides SET carried = ?1
         WHERE sha256 = ?2 AND carried IS NOT ?1
           AND (carried IS NULL OR NOT json_valid(carried)
                OR COALESCE(json_extract(carried, '$.format'), 0) <= ?3)",
        params![learned.recorded.to_json(), learned.sha256, Recorded::FORMAT],
    )?;
    Ok(id.max(record))
}

/// The archived file with this SHA-256, if any.
pub fn find_by_sha256(conn: &Connection, sha256: &str) -> rusqlite::Result<Option<ArchivedGuide>> {
    Ok(select(conn, "g.sha256 = ?1", [sha256])?.into_iter().next())
}

/// The highest version archived of a guide (0 when none).
pub fn latest_version(conn: &Connection, guide_id: &str) -> rusqlite::Result<u32> {
    conn.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM guides WHERE guide_id = ?1",
        [guide_id],
        |r| r.get(0),
    )
}

/// Every archived version of the guide with this id.
pub fn find_by_guide_id(conn: &Connection, guide_id: &str) -> rusqlite::Result<Vec<ArchivedGuide>> {
    select(conn, "g.guide_id = ?1", [guide_id])
}

/// Records one archived file, its signatures, and what it carries into next year's guide.
pub fn insert(
    conn: &Connection,
    guide: &ArchivedGuide,
    recorded: Option<&Recorded>,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO guides (guide_id, version, leader, unit, level, focus, dialogue_date, year,
                             framework, path, sha256, size, status, added_at, employee_id,
                             carried)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        params![
            guide.guide_id,
            guide.version,
            guide.leader,
            guide.unit,
            guide.level,
            guide.focus.join(","),
            guide.dialogue_date,
            guide.year,
            guide.framework,
            guide.path,
            guide.sha256,
            guide.size as i64,
            guide.status.as_str(),
            guide.added_at,
            guide.employee_id.column(),
            recorded.map(Recorded::to_json),
        ],
    )?;
    let row = conn.last_insert_rowid();
    for s in &guide.signatures {
        conn.execute(
            "INSERT INTO signatures (guide, field, signer, signing_time, algorithm,
                                     certificate_sha256, coverage, trust, role, signer_name,
                                     time_source, revocation)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![
                row,
                s.field,
                s.signer,
                s.signing_time,
                s.algorithm,
                s.certificate_sha256,
                s.coverage,
                s.trust,
                s.role,
                s.signer_name,
                s.time_source,
                s.revocation
            ],
        )?;
    }
    Ok(())
}

fn select<P: rusqlite::Params>(
    conn: &Connection,
    condition: &str,
    params: P,
) -> rusqlite::Result<Vec<ArchivedGuide>> {
    // A read-only index of schema 2 has no employee ids: none is recorded.
    let employee_id = if schema_version(conn)? >= 3 {
        "g.employee_id"
    } else {
        "NULL"
    };
    let mut statement = conn.prepare(&format!(
        "SELECT g.id, g.guide_id, g.version, g.leader, g.unit, g.level, g.focus, g.dialogue_date,
                g.year, g.framework, g.path, g.sha256, g.size, g.status, g.added_at,
                {employee_id}
         FROM guides g WHERE {condition}
         ORDER BY g.year, g.unit, g.leader, g.guide_id, g.version"
    ))?;
    let rows = statement.query_map(params, |r| {
        let focus: String = r.get(6)?;
        let status: String = r.get(13)?;
        let size: i64 = r.get(12)?;
        Ok((
            r.get::<_, i64>(0)?,
            ArchivedGuide {
                guide_id: r.get(1)?,
                version: r.get(2)?,
                leader: r.get(3)?,
                unit: r.get(4)?,
                level: r.get(5)?,
                focus: focus
                    .split(',')
                    .filter(|f| !f.is_empty())
                    .map(str::to_string)
                    .collect(),
                dialogue_date: r.get(7)?,
                year: r.get(8)?,
                framework: r.get(9)?,
                path: r.get(10)?,
                sha256: r.get(11)?,
                size: size.max(0) as u64,
                status: Status::from_str(&status),
                added_at: r.get(14)?,
                signatures: Vec::new(),
                employee_id: EmployeeId::from_column(r.get(15)?),
            },
        ))
    })?;
    let mut signatures = conn.prepare(
        "SELECT field, signer, signing_time, algorithm, certificate_sha256, coverage, trust,
                role, signer_name, time_source, revocation
         FROM signatures WHERE guide = ?1 ORDER BY field",
    )?;
    let mut out = Vec::new();
    for row in rows {
        let (id, mut guide) = row?;
        guide.signatures = signatures
            .query_map([id], |r| {
                Ok(StoredSignature {
                    field: r.get(0)?,
                    signer: r.get(1)?,
                    signing_time: r.get(2)?,
                    algorithm: r.get(3)?,
                    certificate_sha256: r.get(4)?,
                    coverage: r.get(5)?,
                    trust: r.get(6)?,
                    role: r.get(7)?,
                    signer_name: r.get(8)?,
                    time_source: r.get(9)?,
                    revocation: r.get(10)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        out.push(guide);
    }
    Ok(out)
}

fn schema_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.pragma_query_value(None, "user_version", |r| r.get(0))
}

/// Brings the schema to [`SCHEMA_VERSION`], all steps in one transaction.
pub fn migrate(conn: &mut Connection) -> Result<()> {
    let error = |e: rusqlite::Error| Error::Archive {
        path: PathBuf::from(INDEX_FILE),
        message: format!("the index cannot be read or updated: {e}"),
    };
    let newer = |current: i64| Error::Archive {
        path: PathBuf::from(INDEX_FILE),
        message: format!(
            "the index has schema version {current}, this mus knows up to {SCHEMA_VERSION}; \
             use a newer mus"
        ),
    };
    // An index that is up to date is not written to, so list, status and verify work on
    // an archive this user may only read.
    let current = schema_version(conn).map_err(error)?;
    match current.cmp(&SCHEMA_VERSION) {
        std::cmp::Ordering::Equal => return Ok(()),
        std::cmp::Ordering::Greater => return Err(newer(current)),
        std::cmp::Ordering::Less => {}
    }
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(error)?;
    // Read again under the lock: another mus may have migrated meanwhile.
    let current: i64 = tx
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(error)?;
    if current > SCHEMA_VERSION {
        return Err(newer(current));
    }
    for (from, step) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        tx.execute_batch(step).map_err(error)?;
        tx.pragma_update(None, "user_version", from as i64 + 1)
            .map_err(error)?;
    }
    tx.commit().map_err(error)
}

/// Makes sure the index file at `path` exists (creating it, readable by its owner only,
/// when `create`) and is a regular file; refuses a missing index beside archived guides.
fn ensure_file(dir: &Path, path: &Path, create: bool) -> Result<()> {
    let path = path.to_path_buf();
    match std::fs::symlink_metadata(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if let Some(guide) = super::storage::first_guide(dir) {
                return Err(Error::IndexUnusable {
                    path,
                    problem: "is missing".into(),
                    guide: Some(guide),
                });
            }
            if !create {
                return Err(Error::NotAnArchive {
                    path: dir.to_path_buf(),
                    index: INDEX_FILE,
                });
            }
            create_file(dir, path)
        }
        Err(e) => Err(Error::io(&path, e)),
        Ok(meta) if !meta.is_file() => Err(Error::Archive {
            path,
            message: "is not a regular file (a link, or a folder); the index must be a file \
                      in the archive folder"
                .into(),
        }),
        Ok(_) => Ok(()),
    }
}

/// Creates the missing index file `path`, tolerating another mus that made it a moment ago.
fn create_file(dir: &Path, path: PathBuf) -> Result<()> {
    // SQLite gives the -wal and -shm files the database file's mode.
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(&path) {
        Ok(_) => {
            // An index made now, beside guides stored meanwhile under an index
            // that was deleted, would start the archive over: take it back.
            if let Some(guide) = super::storage::first_guide(dir) {
                let _ = std::fs::remove_file(&path);
                return Err(Error::IndexUnusable {
                    path,
                    problem: "is missing".into(),
                    guide: Some(guide),
                });
            }
            Ok(())
        }
        // Another mus made it a moment ago.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(Error::io(&path, e)),
    }
}

/// A connection to the index at `path`: read-write when `writable`, else read-only.
fn connect(dir: &Path, path: &Path, writable: bool) -> Result<Connection> {
    if writable {
        Connection::open(path)
    } else {
        // Rows still in a write-ahead log, or a commit a rollback journal would undo,
        // would be missed by an immutable open; SQLite then needs to read the index
        // the ordinary way (and may say it cannot).
        let immutable = ["-wal", "-journal"].iter().all(|suffix| {
            let log = dir.join(format!("{INDEX_FILE}{suffix}"));
            !std::fs::metadata(&log).is_ok_and(|m| m.len() > 0)
        });
        Connection::open_with_flags(
            read_only_uri(path, immutable),
            OpenFlags::SQLITE_OPEN_READ_ONLY
                | OpenFlags::SQLITE_OPEN_URI
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
    }
    .map_err(|e| db_error(path, e))
}

/// Whether this user may write `path` (access(2): root may write anything).
fn may_write(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let Ok(c_path) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
            return false;
        };
        // SAFETY: a valid, NUL-terminated path; access(2) only reads it.
        unsafe { libc::access(c_path.as_ptr(), libc::W_OK) == 0 }
    }
    #[cfg(not(unix))]
    std::fs::metadata(path).is_ok_and(|m| !m.permissions().readonly())
}

/// `file:<path>?mode=ro` (and `&immutable=1`), the path's `%`, `?` and `#` escaped as
/// RFC 3986 asks.
fn read_only_uri(path: &Path, immutable: bool) -> String {
    let mut uri = String::from("file:");
    for c in path.to_string_lossy().chars() {
        match c {
            '%' => uri.push_str("%25"),
            '?' => uri.push_str("%3F"),
            '#' => uri.push_str("%23"),
            c => uri.push(c),
        }
    }
    uri.push_str("?mode=ro");
    if immutable {
        uri.push_str("&immutable=1");
    }
    uri
}

/// Whether SQLite says another connection holds the lock.
fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// Whether SQLite says the file is not a database, or a damaged one.
fn is_damage(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt)
    )
}

fn db_error(path: &Path, e: rusqlite::Error) -> Error {
    Error::Archive {
        path: path.to_path_buf(),
        message: format!("the index cannot be read or updated: {e}"),
    }
}

/// Looks a guide up by SHA-256 outside a transaction (for `verify`).
pub fn lookup(index: &Index, sha256: &str) -> Result<Option<ArchivedGuide>> {
    find_by_sha256(&index.conn, sha256).map_err(|e| index.error(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_only_uri_escapes_what_a_uri_would_read_as_its_query() {
        assert_eq!(
            read_only_uri(Path::new("/srv/a?b#c%d/index.sqlite"), true),
            "file:/srv/a%3Fb%23c%25d/index.sqlite?mode=ro&immutable=1"
        );
        assert_eq!(
            read_only_uri(Path::new("/srv/arkiv/index.sqlite"), false),
            "file:/srv/arkiv/index.sqlite?mode=ro"
        );
    }

    #[test]
    fn a_new_index_gets_the_current_schema_and_a_newer_one_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let index = Index::open(dir.path(), true).unwrap();
        let version: i64 = index
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);
        let mode: String = index
            .conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, Journal::for_folder(dir.path()).as_str());
        index
            .conn
            .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        drop(index);
        let err = Index::open(dir.path(), false).err().unwrap().to_string();
        assert!(
            err.ends_with(&format!(
                "index.sqlite: the index has schema version {}, this mus knows up to {SCHEMA_VERSION}; use a newer mus",
                SCHEMA_VERSION + 1
            )),
            "{err}"
        );
    }

    /// Guide `n` of 2026, as the tests of what is recorded need one.
    fn archived(n: u8, employee_id: EmployeeId) -> ArchivedGuide {
        ArchivedGuide {
            guide_id: format!("2026-{n}"),
            version: 1,
            leader: format!("Leder {n}"),
            unit: "Syd".into(),
            level: "chef".into(),
            focus: vec!["saet-retning".into()],
            dialogue_date: "2026-01-15".into(),
            year: 2026,
            framework: "soenderborg 2024".into(),
            path: format!("2026/syd/{n}.pdf"),
            sha256: format!("{n:02x}").repeat(32),
            size: 1234,
            status: Status::Signed,
            added_at: "2026-02-01T10:00:00Z".into(),
            signatures: Vec::new(),
            employee_id,
        }
    }

    /// What guide `n` carries over: one plan row.
    fn recorded(n: u8) -> Recorded {
        Recorded::of(&crate::archive::answers::Carried {
            identity: Default::default(),
            plan: vec![crate::archive::answers::PlanRow {
                row: 1,
                maal: format!("Mål {n}"),
                ..Default::default()
            }],
            ratings: Vec::new(),
            unclear: Vec::new(),
            signing: crate::archive::answers::Signing::Signed { last: None },
        })
    }

    /// An index an earlier mus made (schema 3 without what guides carry over, schema 2
    /// without employee ids either) is read as it is where it may not be written: what it
    /// lacks is not recorded. One older than that, or newer than this mus, is refused
    /// with what to do.
    #[test]
    fn a_read_only_index_of_schema_2_or_3_is_read_with_less_recorded() {
        let dir = tempfile::tempdir().unwrap();
        let mut index = Index::open(dir.path(), true).unwrap();
        let guide = archived(1, EmployeeId::Id("100042".into()));
        let tx = index.begin().unwrap();
        insert(&tx, &guide, Some(&recorded(1))).unwrap();
        tx.commit().unwrap();
        let by_sha256 = |index: &Index| {
            index
                .recorded()
                .unwrap()
                .into_iter()
                .map(|(sha, json)| (sha, Recorded::from_json(&json).unwrap()))
                .collect::<Vec<_>>()
        };
        assert_eq!(by_sha256(&index), [(guide.sha256.clone(), recorded(1))]);
        index
            .conn
            .execute_batch("ALTER TABLE guides DROP COLUMN carried; PRAGMA user_version = 3;")
            .unwrap();
        let index = index.check_read_only_version().unwrap();
        assert_eq!(by_sha256(&index), []);
        assert_eq!(index.all().unwrap(), std::slice::from_ref(&guide));
        index
            .conn
            .execute_batch("ALTER TABLE guides DROP COLUMN employee_id; PRAGMA user_version = 2;")
            .unwrap();
        let index = index.check_read_only_version().unwrap();
        assert_eq!(
            index.all().unwrap(),
            vec![ArchivedGuide {
                employee_id: EmployeeId::NotRecorded,
                ..guide
            }]
        );
        for version in [1, SCHEMA_VERSION + 1] {
            index
                .conn
                .pragma_update(None, "user_version", version)
                .unwrap();
            let err = Index {
                conn: Connection::open(&index.path).unwrap(),
                path: index.path.clone(),
            }
            .check_read_only_version()
            .err()
            .unwrap()
            .to_string();
            assert!(
                err.ends_with(&format!(
                    "the index has schema version {version}, this mus reads 2 to \
                     {SCHEMA_VERSION}; a read-only archive cannot be brought up to date (open \
                     it once with write access, or use the mus that wrote it)"
                )),
                "{err}"
            );
        }
    }

    /// What a batch read from files is recorded by SHA-256: an employee id only where
    /// none is, what the guide carries over where it is missing, unreadable or of an
    /// earlier format — never over a newer mus's record.
    #[test]
    fn what_a_batch_read_is_recorded_where_the_index_lacks_it() {
        let dir = tempfile::tempdir().unwrap();
        let mut index = Index::open(dir.path(), true).unwrap();
        let guides = [
            // Archived by the mus of two versions ago (schema 2): neither.
            archived(1, EmployeeId::NotRecorded),
            archived(2, EmployeeId::NotRecorded),
            // Both recorded.
            archived(3, EmployeeId::Id("7".into())),
            // Archived by the mus before this one (schema 3): the id only.
            archived(4, EmployeeId::Id("9".into())),
        ];
        let tx = index.begin().unwrap();
        insert(&tx, &guides[0], None).unwrap();
        insert(&tx, &guides[1], None).unwrap();
        insert(&tx, &guides[2], Some(&recorded(3))).unwrap();
        insert(&tx, &guides[3], None).unwrap();
        tx.commit().unwrap();
        let learned = |n: usize, employee_id: EmployeeId| Learned {
            sha256: guides[n].sha256.clone(),
            employee_id,
            recorded: recorded(n as u8 + 1),
        };
        let learned = [
            learned(0, EmployeeId::Id("100001".into())),
            learned(1, EmployeeId::Absent),
            // The index has an id and the same record: left as it is.
            learned(2, EmployeeId::Id("8".into())),
            learned(3, EmployeeId::Id("9".into())),
        ];
        assert_eq!(index.record_learned(&learned).unwrap(), 3);
        let state = |index: &Index| {
            let recorded = index.recorded().unwrap();
            index
                .all()
                .unwrap()
                .into_iter()
                .map(|g| (g.employee_id, recorded.get(&g.sha256).cloned()))
                .collect::<Vec<_>>()
        };
        let json = |n: u8| Some(recorded(n).to_json());
        assert_eq!(
            state(&index),
            [
                (EmployeeId::Id("100001".into()), json(1)),
                (EmployeeId::Absent, json(2)),
                (EmployeeId::Id("7".into()), json(3)),
                (EmployeeId::Id("9".into()), json(4)),
            ]
        );
        assert_eq!(index.record_learned(&learned).unwrap(), 0);
        // A record of an earlier format, or one that is not JSON, is replaced; the id
        // stays. A newer mus's record stays as it is.
        let set = |index: &Index, n: usize, carried: &str| {
            index
                .conn
                .execute(
                    "UPDATE guides SET carried = ?1 WHERE sha256 = ?2",
                    [carried, &guides[n].sha256],
                )
                .unwrap();
        };
        set(&index, 2, "{\"format\":0}");
        set(&index, 3, "{\"form");
        assert_eq!(index.record_learned(&learned).unwrap(), 2);
        assert_eq!(state(&index)[2], (EmployeeId::Id("7".into()), json(3)));
        assert_eq!(state(&index)[3], (EmployeeId::Id("9".into()), json(4)));
        let newer = format!("{{\"format\":{}}}", Recorded::FORMAT + 1);
        set(&index, 2, &newer);
        assert_eq!(index.record_learned(&learned).unwrap(), 0);
        assert_eq!(state(&index)[2].1, Some(newer));
    }

    /// Issue 18: on a network drive the index keeps a rollback journal; one that was
    /// switched to WAL elsewhere (on the server's own disk) is switched back.
    #[test]
    fn the_journal_follows_the_file_system_both_ways() {
        let dir = tempfile::tempdir().unwrap();
        let index = Index::open(dir.path(), true).unwrap();
        let mode = |index: &Index| -> String {
            index
                .conn
                .pragma_query_value(None, "journal_mode", |r| r.get(0))
                .unwrap()
        };
        for journal in [Journal::Wal, Journal::Delete, Journal::Delete, Journal::Wal] {
            index.configure(journal).unwrap();
            assert_eq!(mode(&index), journal.as_str());
        }
        index.configure(Journal::Delete).unwrap();
        drop(index);
        assert!(!dir.path().join("index.sqlite-wal").exists());
        assert!(!dir.path().join("index.sqlite-shm").exists());
    }

    #[test]
    fn rows_round_trip_with_signatures() {
        let dir = tempfile::tempdir().unwrap();
        let mut index = Index::open(dir.path(), true).unwrap();
        let guide = ArchivedGuide {
            guide_id: "2027-1A2B3C4D".into(),
            version: 1,
            leader: "Åse".into(),
            unit: "Syd".into(),
            level: "chef".into(),
            focus: vec!["saet-retning".into(), "opdyrk-potentialer".into()],
            dialogue_date: "2027-01-15".into(),
            year: 2027,
            framework: "soenderborg 2024".into(),
            path: "2027/syd/aase-2027-1a2b3c4d.pdf".into(),
            sha256: "ab".repeat(32),
            size: 1234,
            status: Status::Signed,
            added_at: "2027-02-01T10:00:00Z".into(),
            signatures: vec![StoredSignature {
                field: "underskrift.leder.underskrift".into(),
                signer: "CN=Åse".into(),
                signing_time: None,
                algorithm: "sha256WithRSAEncryption".into(),
                certificate_sha256: "cd".repeat(32),
                coverage: StoredCoverage::WholeFile,
                trust: StoredTrust::Trusted {
                    anchor: "CN=Test CA".into(),
                },
                role: StoredRole::Leader,
                signer_name: "Åse".into(),
                time_source: StoredTimeSource::Timestamp,
                revocation: StoredRevocation::Checked,
            }],
            employee_id: EmployeeId::Id("100042".into()),
        };
        let tx = index.begin().unwrap();
        insert(&tx, &guide, None).unwrap();
        assert_eq!(latest_version(&tx, "2027-1A2B3C4D").unwrap(), 1);
        tx.commit().unwrap();
        assert_eq!(index.all().unwrap(), vec![guide.clone()]);
        assert_eq!(lookup(&index, &guide.sha256).unwrap(), Some(guide.clone()));
        // A guide that names no employee id, and one archived before the index recorded
        // them (NULL), are told apart.
        let others = [
            (EmployeeId::Absent, "Bo", "ef"),
            (EmployeeId::NotRecorded, "Cai", "01"),
        ]
        .map(|(employee_id, leader, sha)| ArchivedGuide {
            guide_id: format!("2027-{leader}"),
            leader: leader.into(),
            path: format!("2027/syd/{leader}.pdf"),
            sha256: sha.repeat(32),
            signatures: Vec::new(),
            employee_id,
            ..guide.clone()
        });
        let tx = index.begin().unwrap();
        for other in &others {
            insert(&tx, other, None).unwrap();
        }
        tx.commit().unwrap();
        for other in others {
            assert_eq!(lookup(&index, &other.sha256).unwrap(), Some(other));
        }
        // A word this mus does not know is named, not taken as text.
        index
            .conn
            .execute("UPDATE signatures SET coverage = 'everything'", [])
            .unwrap();
        let err = index.all().unwrap_err().to_string();
        assert!(
            err.contains("unknown coverage 'everything' in the index"),
            "{err}"
        );
    }
}
