//! Writing results: atomically (temporary file, then rename) and readable by the owner
//! only, since guides carry personal data.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::{Duration, SystemTime};

use crate::base::error::{Error, Result};

/// Writes `bytes` to `path` so that `path` is either the old file or the complete new
/// one, never a half-written one. New files are created with mode 0600.
///
/// A symbolic link is written through (its target is replaced, the link kept); a path
/// that is not a regular file — `/dev/null`, `/dev/stdout`, a pipe — is written directly,
/// since it cannot be replaced by a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let target = resolve_links(path);
    match std::fs::metadata(&target) {
        Ok(meta) if meta.is_dir() => {
            return Err(Error::Io {
                path: path.to_path_buf(),
                message: "is a folder; give a file name".into(),
            })
        }
        Ok(meta) if !meta.is_file() => {
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .open(&target)
                .map_err(|e| Error::io(path, e))?;
            return file.write_all(bytes).map_err(|e| Error::io(path, e));
        }
        _ => {}
    }
    replace_file(&target, bytes).map_err(|e| match e {
        Error::Io { path: p, message } if p == target => Error::Io {
            path: path.to_path_buf(),
            message,
        },
        other => other,
    })
}

/// Writes `bytes` to `path` atomically (temporary file in the same folder, fsync, rename)
/// without following a symbolic link at `path`: a link there is replaced, never written
/// through. For files in a folder mus owns (`batch --out-dir`), where a link could point
/// anywhere.
pub fn replace_file(path: &Path, bytes: &[u8]) -> Result<()> {
    replaceable(path)?;
    write_durably(path, bytes, 0o600, Replace::Yes)
}

/// The folder of `path`, where a file replacing it is written first: refused if the
/// folder is missing or `path` is a read-only file.
fn replaceable(path: &Path) -> Result<PathBuf> {
    refuse_read_only(path)?;
    let dir = folder_of(path);
    if !dir.is_dir() {
        return Err(Error::Io {
            path: dir,
            message: "the folder does not exist".into(),
        });
    }
    Ok(dir)
}

/// [`replace_file`] of what `write` writes, streamed to the temporary file instead of
/// held in memory (a batch's manifest of 10,000 guides is megabytes), unless `path` is
/// already a regular file of exactly those bytes: then it is left as it is, its time
/// unchanged, and `Ok(false)` says so. A failure of `write` leaves `path` as it was.
pub fn replace_file_if_changed(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<bool> {
    let dir = replaceable(path)?;
    let (mut file, _in_flight) = temporary_file(&dir)?;
    {
        let mut out = std::io::BufWriter::with_capacity(1 << 16, file.as_file_mut());
        write(&mut out)
            .and_then(|()| out.flush())
            .map_err(|e| Error::io(path, e))?;
    }
    if same_contents(file.as_file_mut(), path) {
        return Ok(false);
    }
    set_mode(file.as_file(), path, 0o600)?;
    file.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    file.persist(path).map_err(|e| Error::io(path, e.error))?;
    sync_dir(&dir)?;
    Ok(true)
}

/// Whether `path` is a regular file (not a link) with the same bytes as `new`, read
/// from its start; compared a block at a time, neither file held whole.
fn same_contents(new: &mut std::fs::File, path: &Path) -> bool {
    use std::io::{BufRead, Seek};
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return false;
    };
    let Ok(new_meta) = new.metadata() else {
        return false;
    };
    if !meta.is_file() || meta.len() != new_meta.len() || new.rewind().is_err() {
        return false;
    }
    let Ok(old) = std::fs::File::open(path) else {
        return false;
    };
    let (mut old, mut new) = (
        std::io::BufReader::with_capacity(1 << 16, old),
        std::io::BufReader::with_capacity(1 << 16, new),
    );
    loop {
        let (Ok(a), Ok(b)) = (old.fill_buf(), new.fill_buf()) else {
            return false;
        };
        let n = a.len().min(b.len());
        if n == 0 {
            return a.is_empty() && b.is_empty();
        }
        if a[..n] != b[..n] {
            return false;
        }
        old.consume(n);
        new.consume(n);
    }
}

/// Whether [`write_durably`] may replace a file already at its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Replace {
    Yes,
    /// Fail with `AlreadyExists` instead (the archive never replaces an archived file).
    Never,
}

/// The one durable write of mus: a temporary file in `path`'s folder (recorded so a
/// signal removes it), the bytes, fsync, `mode`, rename (or link, without replacing),
/// fsync of the folder — so after a crash `path` is the old file or the whole new one,
/// and a completed write survives a power cut. The folder must exist.
pub(crate) fn write_durably(path: &Path, bytes: &[u8], mode: u32, replace: Replace) -> Result<()> {
    let dir = folder_of(path);
    let (file, _in_flight) = write_temporary(&dir, path, bytes, mode)?;
    file.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    match replace {
        Replace::Yes => file.persist(path).map(drop),
        Replace::Never => file.persist_noclobber(path).map(drop),
    }
    .map_err(|e| Error::io(path, e.error))?;
    sync_dir(&dir)
}

/// The folder `path` is in (`.` for a bare file name).
fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// `bytes` for `path` in a new temporary file in `dir` with `mode`, recorded as in flight;
/// not yet synced.
fn write_temporary(
    dir: &Path,
    path: &Path,
    bytes: &[u8],
    mode: u32,
) -> Result<(tempfile::NamedTempFile, InFlight)> {
    let (mut file, in_flight) = temporary_file(dir)?;
    file.write_all(bytes).map_err(|e| Error::io(path, e))?;
    set_mode(file.as_file(), path, mode)?;
    Ok((file, in_flight))
}

/// Gives the temporary file for `path` its `mode` (on Unix).
fn set_mode(file: &std::fs::File, path: &Path, mode: u32) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(|e| Error::io(path, e))?;
    }
    #[cfg(not(unix))]
    let _ = (file, path, mode);
    Ok(())
}

/// Many files written durably together, for a batch: each is written to a temporary file
/// in its folder without waiting for the disk, and every `group` of them is made durable
/// at once — one flush of the file system (`syncfs`) instead of one fsync per file, which
/// cost a batch more time than writing the bytes — then renamed into place, then the
/// folder synced once. A file is in place only after its bytes are on disk, so after a
/// crash each path is the old file or the whole new one, as with [`replace_file`].
/// Where `syncfs` is missing (not Linux) each file is synced on its own.
///
/// Groups are committed by a thread of their own, so the threads making the files never
/// wait for the disk; groups that wait meanwhile are committed together.
pub struct Staging {
    group: usize,
    staged: Mutex<Vec<Staged>>,
    /// To the committing thread; `None` if it could not be started (then each group is
    /// committed by the writer that filled it).
    groups: Option<std::sync::mpsc::Sender<Vec<Staged>>>,
    committer: Option<std::thread::JoinHandle<Vec<(PathBuf, Error)>>>,
    /// Failures of groups committed in place.
    failed: Mutex<Vec<(PathBuf, Error)>>,
}

/// A file written to its temporary name, waiting for its group to reach the disk.
struct Staged {
    path: PathBuf,
    dir: PathBuf,
    temp: tempfile::TempPath,
    _in_flight: InFlight,
}

impl Staging {
    /// Files are made durable `group` at a time (and the rest by [`Staging::finish`]).
    pub fn new(group: usize) -> Self {
        let (sender, receiver) = std::sync::mpsc::channel::<Vec<Staged>>();
        let committer = std::thread::Builder::new()
            .name("mus-commit".into())
            .spawn(move || {
                let mut failed = Vec::new();
                while let Ok(mut group) = receiver.recv() {
                    // Those that came while the last group reached the disk go with this.
                    group.extend(receiver.try_iter().flatten());
                    commit(group, &mut failed);
                }
                failed
            })
            .ok();
        Staging {
            group: group.max(1),
            staged: Mutex::new(Vec::new()),
            groups: committer.as_ref().map(|_| sender),
            committer,
            failed: Mutex::new(Vec::new()),
        }
    }

    /// Writes `bytes` for `path` (mode 0600; a symbolic link at `path` is replaced, never
    /// followed, as [`replace_file`] does). The file is in place once its group is
    /// committed, at the latest by [`Staging::finish`]. An error here means nothing was
    /// staged; a failed commit is told by [`Staging::finish`].
    pub fn write(&self, path: &Path, bytes: &[u8]) -> Result<()> {
        refuse_read_only(path)?;
        let dir = folder_of(path);
        let (file, in_flight) = write_temporary(&dir, path, bytes, 0o600)?;
        let staged = Staged {
            path: path.to_path_buf(),
            dir,
            // Closed now: a batch of ten thousand must not hold ten thousand descriptors.
            temp: file.into_temp_path(),
            _in_flight: in_flight,
        };
        let full = {
            let mut all = self.staged.lock().unwrap_or_else(PoisonError::into_inner);
            all.push(staged);
            if all.len() < self.group {
                return Ok(());
            }
            std::mem::take(&mut *all)
        };
        self.send(full);
        Ok(())
    }

    /// Commits what is still staged and waits for every group to be committed; returns
    /// every file that could not be put in place, with why (those paths are unchanged).
    pub fn finish(mut self) -> Vec<(PathBuf, Error)> {
        let rest = std::mem::take(&mut *self.staged.lock().unwrap_or_else(PoisonError::into_inner));
        if !rest.is_empty() {
            self.send(rest);
        }
        // Closing the channel ends the committing thread once it has committed all.
        drop(self.groups.take());
        let mut failed =
            std::mem::take(&mut *self.failed.lock().unwrap_or_else(PoisonError::into_inner));
        if let Some(committer) = self.committer.take() {
            match committer.join() {
                Ok(mut f) => failed.append(&mut f),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        failed
    }

    /// Hands `group` to the committing thread, or commits it here without one.
    fn send(&self, group: Vec<Staged>) {
        let group = match &self.groups {
            Some(sender) => match sender.send(group) {
                Ok(()) => return,
                Err(std::sync::mpsc::SendError(group)) => group,
            },
            None => group,
        };
        let mut failed = self.failed.lock().unwrap_or_else(PoisonError::into_inner);
        commit(group, &mut failed);
    }
}

/// Brings `group` to the disk, then renames each file into place and syncs the folders;
/// what fails goes to `failed`.
fn commit(group: Vec<Staged>, failed: &mut Vec<(PathBuf, Error)>) {
    let mut dirs: Vec<PathBuf> = Vec::new();
    for staged in &group {
        if !dirs.contains(&staged.dir) {
            dirs.push(staged.dir.clone());
        }
    }
    for staged in make_durable(group, &dirs, failed) {
        if let Err(e) = staged.temp.persist(&staged.path) {
            failed.push((staged.path.clone(), Error::io(&staged.path, e.error)));
        }
    }
    for dir in &dirs {
        if let Err(e) = sync_dir(dir) {
            failed.push((dir.clone(), e));
        }
    }
}

/// Brings a group's temporary files to the disk: one `syncfs` per file system their
/// folders are on, which also reports an error in writing any of them back (Linux 5.8 and
/// later). Returns the files that are on disk; the others go to `failed`.
#[cfg(target_os = "linux")]
fn make_durable(
    group: Vec<Staged>,
    dirs: &[PathBuf],
    failed: &mut Vec<(PathBuf, Error)>,
) -> Vec<Staged> {
    use std::os::fd::AsRawFd;
    let mut broken: Vec<(PathBuf, String)> = Vec::new();
    for dir in dirs {
        let synced = std::fs::File::open(dir).and_then(|folder| {
            // SAFETY: syncfs only reads the descriptor, which `folder` holds open.
            match unsafe { libc::syncfs(folder.as_raw_fd()) } {
                0 => Ok(()),
                _ => Err(std::io::Error::last_os_error()),
            }
        });
        if let Err(e) = synced {
            broken.push((dir.clone(), plain(&e)));
        }
    }
    group
        .into_iter()
        .filter_map(
            |staged| match broken.iter().find(|(d, _)| *d == staged.dir) {
                None => Some(staged),
                Some((_, message)) => {
                    failed.push((
                        staged.path.clone(),
                        Error::Io {
                            path: staged.path.clone(),
                            message: format!("cannot be saved to disk: {message}"),
                        },
                    ));
                    None
                }
            },
        )
        .collect()
}

/// Without `syncfs`: each temporary file is synced on its own (the same guarantee, one
/// flush per file).
#[cfg(not(target_os = "linux"))]
fn make_durable(
    group: Vec<Staged>,
    _dirs: &[PathBuf],
    failed: &mut Vec<(PathBuf, Error)>,
) -> Vec<Staged> {
    group
        .into_iter()
        .filter_map(|staged| {
            let synced = std::fs::OpenOptions::new()
                .write(true)
                .open(&staged.temp)
                .and_then(|f| f.sync_all());
            match synced {
                Ok(()) => Some(staged),
                Err(e) => {
                    failed.push((staged.path.clone(), Error::io(&staged.path, e)));
                    None
                }
            }
        })
        .collect()
}

/// Makes a folder's new entries (a renamed file, a new subfolder) survive a power cut.
pub(crate) fn sync_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| Error::io(dir, e))?;
    Ok(())
}

/// Creates `dir` (and missing parents) readable by its owner only (0700). A folder that
/// exists already — made by another mus a moment ago — is fine; anything else there is
/// an error.
pub(crate) fn create_private_dir(dir: &Path) -> Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    match builder.create(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && dir.is_dir() => Ok(()),
        Err(e) => Err(Error::io(dir, e)),
    }
}

/// A temporary file mus writes in `dir`, recorded as in flight until dropped (for the
/// archive's index, which SQLite builds in place before it is renamed).
pub(crate) fn temporary_file_in(dir: &Path) -> Result<(tempfile::NamedTempFile, InFlight)> {
    temporary_file(dir)
}

/// Temporary files are named `.mus-<pid>-<random>.tmp`: hidden, recognisably mus's, and
/// telling which process writes them, so a later run can tell a stale one from one being
/// written (see [`remove_stale_temporary_files`]).
const TEMP_PREFIX: &str = ".mus-";
const TEMP_SUFFIX: &str = ".tmp";
/// A temporary file older than this is stale whoever made it: writing one takes
/// milliseconds.
const STALE_AFTER: Duration = Duration::from_secs(3600);

/// The temporary files this process is writing now, for [`remove_temporary_files_on_signal`].
static IN_FLIGHT: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// A temporary file's place in [`IN_FLIGHT`], given up when the file is renamed or gone.
pub(crate) struct InFlight(PathBuf);

impl Drop for InFlight {
    fn drop(&mut self) {
        let mut in_flight = IN_FLIGHT.lock().unwrap_or_else(PoisonError::into_inner);
        // The path is the one recorded, byte for byte: compared as bytes, not parsed into
        // components, as the lock is held (a batch's committer gives up 64 at a time).
        let mine = self.0.as_os_str();
        if let Some(i) = in_flight.iter().position(|p| p.as_os_str() == mine) {
            in_flight.swap_remove(i);
        }
    }
}

/// A new temporary file in `dir`, recorded as in flight. It is made while holding the
/// record, so a signal handler that holds it sees every temporary file there is.
fn temporary_file(dir: &Path) -> Result<(tempfile::NamedTempFile, InFlight)> {
    let mut in_flight = IN_FLIGHT.lock().unwrap_or_else(PoisonError::into_inner);
    let file = tempfile::Builder::new()
        .prefix(&format!("{TEMP_PREFIX}{}-", std::process::id()))
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)
        .map_err(|e| Error::Io {
            path: dir.to_path_buf(),
            message: format!("cannot write here: {}", plain(&e)),
        })?;
    in_flight.push(file.path().to_path_buf());
    let guard = InFlight(file.path().to_path_buf());
    Ok((file, guard))
}

/// On SIGINT (Ctrl-C), SIGTERM or SIGHUP: removes the temporary files being written —
/// half a guide is personal data nobody would find and delete — and exits with 128 + the
/// signal's number, as a shell reports a process the signal ended. Files already renamed
/// into place are complete (each is synced before its rename). Installed once; if the
/// handler cannot be installed, the signals keep their default effect and the next run
/// removes what is left ([`remove_stale_temporary_files`]).
pub fn remove_temporary_files_on_signal() {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
            return;
        };
        std::thread::spawn(move || {
            if let Some(signal) = signals.forever().next() {
                // Held until exit: no new temporary file can be made after this point.
                let in_flight = IN_FLIGHT.lock().unwrap_or_else(PoisonError::into_inner);
                for path in in_flight.iter() {
                    let _ = std::fs::remove_file(path);
                }
                std::process::exit(128 + signal);
            }
        });
    });
}

/// Removes the temporary files an earlier, interrupted run of mus left in `dir` (killed
/// with -9, a power cut): regular files named `.mus-*.tmp` whose process is gone, or that
/// are older than an hour (files named before the process id was part of the name).
/// A file another mus is writing now is left alone. Returns how many were removed.
pub fn remove_stale_temporary_files(dir: &Path) -> Result<usize> {
    let mut removed = 0;
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(middle) = name
            .to_str()
            .and_then(|n| n.strip_prefix(TEMP_PREFIX))
            .and_then(|n| n.strip_suffix(TEMP_SUFFIX))
        else {
            continue;
        };
        let Ok(meta) = std::fs::symlink_metadata(entry.path()) else {
            continue;
        };
        if is_stale(middle, &meta) && std::fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    Ok(removed)
}

/// Whether the file named `name` is a temporary file of mus that no running mus is
/// writing: a regular file named `.mus-*.tmp` whose process is gone, or older than an hour.
pub(crate) fn is_stale_temporary_file(name: &str, meta: &std::fs::Metadata) -> bool {
    name.strip_prefix(TEMP_PREFIX)
        .and_then(|n| n.strip_suffix(TEMP_SUFFIX))
        .is_some_and(|middle| is_stale(middle, meta))
}

fn is_stale(middle: &str, meta: &std::fs::Metadata) -> bool {
    if !meta.is_file() {
        return false;
    }
    let writer_gone = middle
        .split_once('-')
        .and_then(|(pid, _)| pid.parse::<u32>().ok())
        .is_some_and(|pid| !process_alive(pid));
    let old = meta
        .modified()
        .ok()
        .and_then(|m| SystemTime::now().duration_since(m).ok())
        .is_some_and(|age| age > STALE_AFTER);
    writer_gone || old
}

/// The process that writes the temporary file named `name`, when its name tells
/// (`.mus-<pid>-<random>.tmp`; older mus named them without the process id).
pub(crate) fn temporary_file_writer(name: &str) -> Option<u32> {
    name.strip_prefix(TEMP_PREFIX)?
        .strip_suffix(TEMP_SUFFIX)?
        .split_once('-')?
        .0
        .parse()
        .ok()
}

/// Whether `name` is how mus names its temporary files (`.mus-*.tmp`).
pub(crate) fn is_temporary_name(name: &str) -> bool {
    name.len() > TEMP_PREFIX.len() + TEMP_SUFFIX.len()
        && name.starts_with(TEMP_PREFIX)
        && name.ends_with(TEMP_SUFFIX)
}

/// Whether a process with this id runs, where `/proc` tells; elsewhere assumed so (only
/// the age then makes a temporary file stale).
fn process_alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.join("self").exists() || proc.join(pid.to_string()).exists()
}

/// A read-only file is one somebody meant to keep (a signed copy, an archived guide):
/// replacing it by a rename would succeed (the folder is writable) and drop its mode. The
/// owner's write bit is checked, not whether opening for writing fails: root may write
/// any file, and the rename would never try.
fn refuse_read_only(path: &Path) -> Result<()> {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return Ok(());
    };
    #[cfg(unix)]
    let read_only = {
        use std::os::unix::fs::PermissionsExt;
        meta.is_file() && meta.permissions().mode() & 0o200 == 0
    };
    #[cfg(not(unix))]
    let read_only = meta.is_file() && meta.permissions().readonly();
    if read_only {
        return Err(Error::Io {
            path: path.to_path_buf(),
            message:
                "is read-only; mus does not replace a read-only file (make it writable, or write elsewhere)"
                    .into(),
        });
    }
    Ok(())
}

/// The file a chain of symbolic links ends at (which need not exist yet).
fn resolve_links(path: &Path) -> PathBuf {
    let mut current = path.to_path_buf();
    for _ in 0..32 {
        match std::fs::read_link(&current) {
            Ok(next) => {
                current = match current.parent() {
                    Some(parent) if next.is_relative() => parent.join(next),
                    _ => next,
                }
            }
            Err(_) => break,
        }
    }
    current
}

/// An I/O error without the path tempfile appends (the temporary name means nothing to
/// the user).
fn plain(e: &std::io::Error) -> String {
    match e.raw_os_error() {
        Some(code) => std::io::Error::from_raw_os_error(code).to_string(),
        None => e.kind().to_string(),
    }
}

/// Writes to standard output; a closed pipe (`mus guide … | head`) is not an error.
pub fn write_stdout(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|_| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::io("<stdout>", e)),
        _ => Ok(()),
    }
}

/// CSV that opens in a Danish Excel as it is: UTF-8 with a byte-order mark, `;` between
/// fields, CRLF line ends. The first record is the header.
///
/// A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return would be read by
/// Excel as a formula (`=HYPERLINK(…)` in a roster name runs when HR opens the file), so
/// it gets a leading `'`, as OWASP's CSV-injection advice says
/// (<https://owasp.org/www-community/attacks/CSV_Injection>). That holds for every cell:
/// the numbers mus writes are never negative, so only text from people's data is changed,
/// and the JSON beside the CSV keeps the real value.
pub fn excel_csv<R, F>(records: R) -> Vec<u8>
where
    R: IntoIterator,
    R::Item: IntoIterator<Item = F>,
    F: AsRef<[u8]>,
{
    excel_csv_with_numbers(records, &[])
}

/// [`excel_csv`], except that in the columns `numeric` (0-based) a plain negative number
/// (`-0,25`: `-`, digits, at most one decimal comma or point) is written as it is, so
/// Excel reads it as a number. Only for columns the program itself fills with numbers
/// (the report's values), never for what a roster or a form brought in.
pub fn excel_csv_with_numbers<R, F>(records: R, numeric: &[usize]) -> Vec<u8>
where
    R: IntoIterator,
    R::Item: IntoIterator<Item = F>,
    F: AsRef<[u8]>,
{
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = write_excel_csv(&mut out, records, numeric);
    out
}

/// [`excel_csv_with_numbers`] written to `out` as it goes, record by record.
pub fn write_excel_csv<W, R, F>(mut out: W, records: R, numeric: &[usize]) -> std::io::Result<()>
where
    W: Write,
    R: IntoIterator,
    R::Item: IntoIterator<Item = F>,
    F: AsRef<[u8]>,
{
    out.write_all(b"\xEF\xBB\xBF")?;
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    for record in records {
        let record = record.into_iter().enumerate().map(|(i, cell)| {
            let cell = cell.as_ref();
            if numeric.contains(&i) && plain_negative_number(cell) {
                cell.to_vec()
            } else {
                neutralise_formula(cell)
            }
        });
        writer.write_record(record)?;
    }
    writer.flush()
}

/// A cell as Excel will show it and never run: see [`excel_csv`].
fn neutralise_formula(cell: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(cell.len() + 1);
    if let Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') = cell.first() {
        out.push(b'\'');
    }
    out.extend_from_slice(cell);
    out
}

/// `-` and digits, with at most one decimal comma or point between digits.
fn plain_negative_number(cell: &[u8]) -> bool {
    let Some(rest) = cell.strip_prefix(b"-") else {
        return false;
    };
    let mut parts = rest.splitn(2, |b| *b == b',' || *b == b'.');
    let digits = |p: &[u8]| !p.is_empty() && p.iter().all(u8::is_ascii_digit);
    parts.next().is_some_and(digits) && parts.next().is_none_or(digits)
}

/// The SHA-256 of `bytes` as lower-case hex, as manifests, the archive index and
/// certificate fingerprints record it.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&sha256(bytes))
}

/// The SHA-256 digest of `bytes`.
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).into()
}

/// `bytes` in lowercase hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut hex = String::with_capacity(2 * bytes.len());
    for b in bytes {
        hex.push(char::from(DIGITS[usize::from(b >> 4)]));
        hex.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    hex
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names in `dir`, sorted.
    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn digests_are_lower_case_hex() {
        assert_eq!(hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
        // FIPS 180-2's example.
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn a_streamed_file_replaces_only_what_differs_and_a_failed_write_keeps_the_old() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("manifest.json");
        let write = |bytes: &'static [u8]| {
            replace_file_if_changed(&path, |out| {
                // In pieces, as a serializer writes.
                bytes.chunks(3).try_for_each(|piece| out.write_all(piece))
            })
            .unwrap()
        };
        assert!(write(b"first version"));
        assert_eq!(std::fs::read(&path).unwrap(), b"first version");
        #[cfg(unix)]
        {
            use std::os::unix::fs::{MetadataExt, PermissionsExt};
            let meta = std::fs::metadata(&path).unwrap();
            assert_eq!(meta.permissions().mode() & 0o777, 0o600);
            // The same bytes: the file is left as it is (the same inode, not a copy).
            assert!(!write(b"first version"));
            assert_eq!(std::fs::metadata(&path).unwrap().ino(), meta.ino());
        }
        // The same length, one byte apart; then shorter; then longer.
        for bytes in [&b"first versioN"[..], b"first", b"first and longer"] {
            assert!(replace_file_if_changed(&path, |out| out.write_all(bytes)).unwrap());
            assert_eq!(std::fs::read(&path).unwrap(), bytes);
        }
        let failed = replace_file_if_changed(&path, |out| {
            out.write_all(b"half")?;
            Err(std::io::Error::other("the serializer stopped"))
        });
        assert!(failed
            .unwrap_err()
            .to_string()
            .contains("the serializer stopped"));
        assert_eq!(std::fs::read(&path).unwrap(), b"first and longer");
        assert_eq!(names(dir.path()), ["manifest.json"]);
    }

    #[test]
    fn staged_files_are_in_place_only_when_their_group_is_committed() {
        let dir = tempfile::tempdir().unwrap();
        let staging = Staging::new(3);
        let path = |i: usize| dir.path().join(format!("guide-{i}.pdf"));
        std::fs::write(path(0), b"last year's").unwrap();
        for i in 0..2 {
            staging
                .write(&path(i), format!("guide {i}").as_bytes())
                .unwrap();
        }
        // Two of a group of three: both still under temporary names, the old file kept.
        assert_eq!(std::fs::read(path(0)).unwrap(), b"last year's");
        assert!(!path(1).exists());
        assert_eq!(
            names(dir.path())
                .iter()
                .filter(|n| is_temporary_name(n))
                .count(),
            2
        );
        // The third fills the group, which the committing thread puts in place; the
        // fourth waits for `finish`.
        staging.write(&path(2), b"guide 2").unwrap();
        staging.write(&path(3), b"guide 3").unwrap();
        assert!(staging.finish().is_empty());
        for i in 0..4 {
            assert_eq!(
                std::fs::read(path(i)).unwrap(),
                format!("guide {i}").as_bytes()
            );
        }
        assert_eq!(
            names(dir.path()),
            ["guide-0.pdf", "guide-1.pdf", "guide-2.pdf", "guide-3.pdf"]
        );
        #[cfg(unix)]
        for i in 0..4 {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path(i)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "guide-{i}.pdf");
        }
    }

    #[test]
    fn a_staged_file_that_cannot_be_put_in_place_is_told_and_nothing_is_left() {
        let dir = tempfile::tempdir().unwrap();
        // A folder where the file should go: the rename fails, the folder stays.
        let blocked = dir.path().join("blocked.pdf");
        std::fs::create_dir(&blocked).unwrap();
        std::fs::write(blocked.join("inside"), b"kept").unwrap();
        let fine = dir.path().join("fine.pdf");
        let staging = Staging::new(10);
        staging.write(&blocked, b"new").unwrap();
        staging.write(&fine, b"new").unwrap();
        // A folder that does not exist fails at once: nothing is staged.
        let nowhere = dir.path().join("missing").join("x.pdf");
        assert!(staging.write(&nowhere, b"new").is_err());
        let failed = staging.finish();
        assert_eq!(failed.len(), 1, "{failed:?}");
        assert_eq!(failed[0].0, blocked);
        assert_eq!(std::fs::read(blocked.join("inside")).unwrap(), b"kept");
        assert_eq!(std::fs::read(&fine).unwrap(), b"new");
        assert_eq!(names(dir.path()), ["blocked.pdf", "fine.pdf"]);
    }

    #[test]
    fn a_symlink_is_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.pdf");
        std::fs::write(&real, b"old").unwrap();
        let link = dir.path().join("link.pdf");
        #[cfg(unix)]
        std::os::unix::fs::symlink("real.pdf", &link).unwrap();
        #[cfg(unix)]
        {
            write_atomic(&link, b"new").unwrap();
            assert!(std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink());
            assert_eq!(std::fs::read(&real).unwrap(), b"new");
        }
    }

    #[test]
    fn devices_are_written_directly_and_folders_refused() {
        write_atomic(Path::new("/dev/null"), b"x").unwrap();
        assert!(
            !std::fs::metadata("/dev/null").unwrap().is_file(),
            "/dev/null must stay a device"
        );
        let dir = tempfile::tempdir().unwrap();
        let err = write_atomic(dir.path(), b"x").unwrap_err().to_string();
        assert!(err.ends_with(": is a folder; give a file name"), "{err}");
        let err = write_atomic(&dir.path().join("missing/x.pdf"), b"x")
            .unwrap_err()
            .to_string();
        assert!(err.ends_with("missing: the folder does not exist"), "{err}");
    }

    #[test]
    fn negative_numbers_stay_numbers_only_in_numeric_columns() {
        let csv = excel_csv_with_numbers(
            [
                ["-1", "-0,25"],
                ["-1", "-1.5"],
                ["-1", "-2+3"],
                ["-1", "-1,"],
            ],
            &[1],
        );
        assert_eq!(
            String::from_utf8(csv[3..].to_vec()).unwrap(),
            "'-1;-0,25\r\n'-1;-1.5\r\n'-1;'-2+3\r\n'-1;'-1,\r\n"
        );
    }

    #[test]
    fn a_line_break_in_a_cell_is_kept_and_quoted_as_excel_writes_it() {
        let csv = excel_csv([
            ["Mål", "Handling"],
            ["Lære at uddelegere", "to moduler\nmed opfølgning"],
            ["a;b", "\"citat\""],
        ]);
        let text = String::from_utf8(csv[3..].to_vec()).unwrap();
        assert_eq!(
            text,
            "Mål;Handling\r\n\
             Lære at uddelegere;\"to moduler\nmed opfølgning\"\r\n\
             \"a;b\";\"\"\"citat\"\"\"\r\n"
        );
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(b';')
            .from_reader(&csv[3..]);
        let rows: Vec<Vec<String>> = reader
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect();
        assert_eq!(
            rows,
            [
                ["Lære at uddelegere", "to moduler\nmed opfølgning"],
                ["a;b", "\"citat\""]
            ]
        );
    }

    #[test]
    fn excel_csv_neutralises_cells_excel_would_run_as_formulas() {
        let csv = excel_csv([
            ["Navn", "Enhed"],
            ["=HYPERLINK(\"http://x\";\"klik\")", "+cmd|'/c calc'!A0"],
            ["@SUM(1)", "-2+3"],
            ["\t=1", "\r=1"],
            ["Ane = Bo", "2027-01-15"],
        ]);
        let text = String::from_utf8(csv[3..].to_vec()).unwrap();
        assert_eq!(
            text,
            "Navn;Enhed\r\n\
             \"'=HYPERLINK(\"\"http://x\"\";\"\"klik\"\")\";'+cmd|'/c calc'!A0\r\n\
             '@SUM(1);'-2+3\r\n\
             '\t=1;\"'\r=1\"\r\n\
             Ane = Bo;2027-01-15\r\n"
        );
    }
}
