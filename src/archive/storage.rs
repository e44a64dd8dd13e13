//! Where archived files lie (`<year>/<unit>/<leader>-<guide id>[-vN].pdf`) and how they
//! are written and read: durably, read-only, never over an existing file, and never
//! through a symbolic link — a folder inside the archive replaced by a link to a folder
//! elsewhere must not make `add` write a guide there, nor `verify` vouch for a file there.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::{GuideInfo, INDEX_FILE};
use crate::error::{Error, Result};
use crate::matching::slug;
use crate::naming::safe_file_stem;
use crate::output::{self, Replace};

/// The largest file `add` reads. A guide is about 50–80 KB; a file a thousand times that
/// is no guide, and is refused before it is read.
pub const MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

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

/// A symbolic link found inside the archive folder.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// Relative to the archive folder, `/`-separated.
    pub path: String,
    pub target: PathBuf,
}

impl Link {
    fn at(archive: &Path, relative: String) -> Link {
        let target = std::fs::read_link(archive.join(&relative)).unwrap_or_default();
        Link {
            path: relative,
            target,
        }
    }

    pub(crate) fn into_error(self, archive: &Path) -> Error {
        Error::Archive {
            path: archive.join(&self.path),
            message: format!(
                "is a symbolic link (to {}); mus never follows a link inside the archive \
                 folder (put the folder itself there)",
                self.target.display()
            ),
        }
    }
}

/// The first symbolic link on the way to `relative` (its folders, then itself), if any.
/// The archive folder itself may be a link: that is where the user keeps it.
pub fn link_on_the_way(archive: &Path, relative: &str) -> Option<Link> {
    let mut current = String::new();
    for part in relative.split('/') {
        if !current.is_empty() {
            current.push('/');
        }
        current.push_str(part);
        match std::fs::symlink_metadata(archive.join(&current)) {
            Ok(meta) if meta.file_type().is_symlink() => return Some(Link::at(archive, current)),
            Ok(_) => {}
            Err(_) => return None,
        }
    }
    None
}

/// Writes a new archived file durably and read-only (0400), never over an existing file,
/// creating its folders (0700) — never through a link.
pub(crate) fn store(archive: &Path, relative: &str, bytes: &[u8]) -> Result<()> {
    let target = archive.join(relative);
    let mut current = archive.to_path_buf();
    let mut shown = String::new();
    for part in Path::new(relative)
        .parent()
        .into_iter()
        .flat_map(|p| p.iter())
    {
        let parent = current.clone();
        current.push(part);
        if !shown.is_empty() {
            shown.push('/');
        }
        shown.push_str(&part.to_string_lossy());
        match std::fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(Link::at(archive, shown).into_error(archive))
            }
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => {
                return Err(Error::Archive {
                    path: current,
                    message: "is a file where the archive needs a folder".into(),
                })
            }
            Err(_) => {
                output::create_private_dir(&current)?;
                // Made by another mus meanwhile: check again that it is a folder.
                if let Some(link) = link_on_the_way(archive, &shown) {
                    return Err(link.into_error(archive));
                }
                output::sync_dir(&parent)?;
            }
        }
    }
    output::write_durably(&target, bytes, 0o400, Replace::Never)
}

/// Why an archived file could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// A link on the way, or the file itself.
    Link(Link),
    NotAFile,
    Io(std::io::Error),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Link(link) => write!(
                f,
                "{} is a symbolic link (to {})",
                link.path,
                link.target.display()
            ),
            ReadError::NotAFile => write!(f, "is not a regular file"),
            ReadError::Io(e) => write!(f, "{e}"),
        }
    }
}

/// Reads an archived file without following a link anywhere under the archive folder.
pub(crate) fn read(archive: &Path, relative: &str) -> std::result::Result<Vec<u8>, ReadError> {
    if let Some(link) = link_on_the_way(archive, relative) {
        return Err(ReadError::Link(link));
    }
    let mut file = open_regular(&archive.join(relative), false)?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).map_err(ReadError::Io)?;
    Ok(bytes)
}

/// Opens a regular file without blocking on a FIFO or device (O_NONBLOCK) and, unless
/// `follow`, without following a link at its last component (O_NOFOLLOW); what was opened
/// is checked to be a regular file.
fn open_regular(path: &Path, follow: bool) -> std::result::Result<std::fs::File, ReadError> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let mut flags = libc::O_NONBLOCK;
        if !follow {
            flags |= libc::O_NOFOLLOW;
        }
        options.custom_flags(flags);
    }
    let file = options.open(path).map_err(|e| {
        #[cfg(unix)]
        if e.raw_os_error() == Some(libc::ELOOP) {
            return ReadError::NotAFile;
        }
        ReadError::Io(e)
    })?;
    match file.metadata() {
        Ok(meta) if meta.is_file() => Ok(file),
        Ok(_) => Err(ReadError::NotAFile),
        Err(e) => Err(ReadError::Io(e)),
    }
}

/// Reads a file handed to `add`: only a regular file (a FIFO would block forever, a
/// device never end), and only up to [`MAX_FILE_SIZE`] — both checked before reading.
/// `Err` is the reason it is refused.
pub fn read_input(path: &Path) -> std::result::Result<Vec<u8>, String> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e).to_string())?;
    let kind = meta.file_type();
    if !kind.is_file() {
        return Err(format!(
            "{}: is {}, not a file; only PDF files are archived",
            path.display(),
            describe(&kind)
        ));
    }
    let too_big = |size: u64| too_big(&path.display().to_string(), size);
    if meta.len() > MAX_FILE_SIZE {
        return Err(too_big(meta.len()));
    }
    let file = open_regular(path, true).map_err(|e| match e {
        ReadError::Io(e) => Error::io(path, e).to_string(),
        _ => format!(
            "{}: is no longer a regular file; only PDF files are archived",
            path.display()
        ),
    })?;
    // The file may grow between the check and the read.
    let mut bytes = Vec::new();
    file.take(MAX_FILE_SIZE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e).to_string())?;
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Err(too_big(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Why a file of `size` bytes handed to `add` (`shown` as messages name it) is refused.
pub fn too_big(shown: &str, size: u64) -> String {
    format!(
        "{shown}: is {:.1} MiB; a guide is about 50–80 KB, and mus archives files of at most {} MiB",
        size as f64 / (1024.0 * 1024.0),
        MAX_FILE_SIZE / (1024 * 1024)
    )
}

fn describe(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_block_device() || kind.is_char_device() {
            return "a device";
        }
    }
    if kind.is_dir() {
        "a folder"
    } else {
        "not a regular file"
    }
}

/// What the archive folder holds, found without following links.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    File(String),
    Link(Link),
    /// A temporary file of mus that no running mus is writing.
    StaleTemporary(String),
    /// A temporary file a running mus is writing now.
    Temporary(String),
    /// A FIFO, socket or device.
    Other(String),
}

/// Everything under the archive folder except the index's own files, sorted by path,
/// `/`-separated; links are reported, never followed.
pub(crate) fn walk(archive: &Path) -> std::io::Result<Vec<Entry>> {
    let mut out = Vec::new();
    walk_in(archive, archive, "", &mut out)?;
    Ok(out)
}

fn walk_in(archive: &Path, dir: &Path, prefix: &str, out: &mut Vec<Entry>) -> std::io::Result<()> {
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
        if kind.is_symlink() {
            out.push(Entry::Link(Link::at(archive, relative)));
        } else if kind.is_dir() {
            walk_in(archive, &entry.path(), &relative, out)?;
        } else if prefix.is_empty() && is_index_file(&name) {
        } else if output::is_temporary_name(&name) {
            let stale = std::fs::symlink_metadata(entry.path())
                .is_ok_and(|meta| output::is_stale_temporary_file(&name, &meta));
            out.push(if stale {
                Entry::StaleTemporary(relative)
            } else {
                Entry::Temporary(relative)
            });
        } else if kind.is_file() {
            out.push(Entry::File(relative));
        } else {
            out.push(Entry::Other(relative));
        }
    }
    Ok(())
}

/// The first archived guide (a `.pdf` file) in the folder, if there is one.
pub(crate) fn first_guide(archive: &Path) -> Option<String> {
    walk(archive).ok()?.into_iter().find_map(|e| match e {
        Entry::File(path) if path.ends_with(".pdf") => Some(path),
        _ => None,
    })
}

/// Removes the temporary files interrupted runs of mus left anywhere in the archive.
pub fn remove_stale_temporary_files(archive: &Path) -> Result<usize> {
    let mut removed = 0;
    for entry in walk(archive).map_err(|e| Error::io(archive, e))? {
        if let Entry::StaleTemporary(path) = entry {
            if std::fs::remove_file(archive.join(&path)).is_ok() {
                removed += 1;
            }
        }
    }
    Ok(removed)
}

/// The index, its SQLite companions, and the copy `rebuild` keeps.
fn is_index_file(name: &str) -> bool {
    [INDEX_FILE.to_string(), format!("{INDEX_FILE}.bak")]
        .iter()
        .any(|base| {
            name.strip_prefix(base.as_str())
                .is_some_and(|rest| ["", "-wal", "-shm", "-journal"].contains(&rest))
        })
}
