//! Where archived files lie (`<year>/<unit>/<leader>-<guide id>[-vN].pdf`) and how they
//! are written: durably, read-only, never over an existing file.

use std::io::Write;
use std::path::Path;

use super::{GuideInfo, INDEX_FILE};
use crate::batch::safe_file_stem;
use crate::error::{Error, Result};
use crate::matching::slug;

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
pub(crate) fn store(archive: &Path, relative: &str, bytes: &[u8]) -> Result<()> {
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

pub(crate) fn create_private_dir(dir: &Path) -> Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|e| Error::io(dir, e))
}

/// Every file under `dir` except the index's own, as `/`-separated relative paths.
pub(crate) fn walk(dir: &Path, prefix: &str, out: &mut Vec<String>) -> std::io::Result<()> {
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
