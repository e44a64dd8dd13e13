//! How large a roster may be, in one place: the command line and the web front end (which
//! takes rosters from uploads) refuse the same files, early and in bounded memory.
//!
//! A municipality has thousands of leaders, not millions: Copenhagen, the largest, employs
//! about 45,000 people in all. The limits leave room for every real roster many times
//! over, and keep what a hostile or broken file can make mus hold in memory to a few
//! hundred megabytes.

/// The most data rows a roster may have: twice the staff of the largest Danish
/// municipality, every one a leader.
pub const MAX_ROWS: usize = 100_000;

/// The most bytes a roster file may have on disk, in any format. A CSV of 100,000 leaders
/// with the seven columns mus reads is about 20 MB; an HR export of a few thousand
/// leaders with thirty columns, a few MB. Read whole, with its decoded text beside it, a
/// file of this size costs mus at most about 100 MB.
pub const MAX_FILE_BYTES: u64 = 32_000_000;

/// The most bytes the parts of a workbook (`.xlsx`, `.ods`: zip archives) may unpack to,
/// all parts together, and the most text the cells mus keeps may hold. A sheet of
/// 100,000 rows of thirty filled columns unpacks to about 100 MB; a roster of a few
/// thousand leaders, to a few MB. A workbook that unpacks to more is refused before
/// its sheet is read, whatever its parts declare (they are counted as they unpack).
pub const MAX_UNPACKED_BYTES: u64 = 128_000_000;

/// `bytes` for a person: `1.5 GB`, `5.1 MB`, `640 KB`, `12 bytes` (decimal units, as
/// file managers show sizes).
pub fn size(bytes: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1_000_000_000, "GB"), (1_000_000, "MB"), (1_000, "KB")];
    for (unit, name) in UNITS {
        if bytes >= unit {
            let number = format!("{:.1}", bytes as f64 / unit as f64);
            let number = number.strip_suffix(".0").unwrap_or(&number);
            return format!("{number} {name}");
        }
    }
    format!("{bytes} bytes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_file_managers_show_them() {
        assert_eq!(size(1_536_000_000), "1.5 GB");
        assert_eq!(size(5_100_000), "5.1 MB");
        assert_eq!(size(999), "999 bytes");
        assert_eq!(size(MAX_FILE_BYTES), "32 MB");
        assert_eq!(size(MAX_UNPACKED_BYTES), "128 MB");
    }
}
