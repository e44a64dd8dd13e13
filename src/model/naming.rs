//! File names for guides: `<name>-<role>-<date>.pdf` in safe ASCII, namesakes told apart,
//! and a stem that is safe on every system. Used by `batch` (one file per roster row) and
//! the archive (one file per leader and guide).

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;

use crate::base::text::slug;

/// What a guide's file is named after.
#[derive(Debug, Clone, Copy)]
pub struct NameParts<'a> {
    /// The roster row, to tell namesakes apart when they have no id.
    pub row: usize,
    pub name: &'a str,
    pub id: &'a str,
    pub level: &'a str,
    pub date: NaiveDate,
}

/// File names, one per item and all distinct: `<name>-<role>-<date>.pdf` in safe ASCII;
/// leaders who would share a name are told apart by their id, else by their row.
pub fn file_names(items: &[NameParts]) -> Vec<String> {
    let stem = |e: &NameParts| {
        let name = slug(e.name);
        let name = if name.is_empty() {
            "uden-navn".to_string()
        } else {
            name
        };
        format!("{name}-{}-{}", e.level, e.date)
    };
    let mut count: HashMap<String, usize> = HashMap::new();
    for e in items {
        *count.entry(stem(e)).or_default() += 1;
    }
    let mut taken = BTreeSet::new();
    let mut names = Vec::with_capacity(items.len());
    for e in items {
        let base = stem(e);
        let mut name = if count[&base] > 1 {
            let id = slug(e.id);
            if id.is_empty() {
                format!("{base}-raekke-{}", e.row)
            } else {
                format!("{base}-{id}")
            }
        } else {
            base
        };
        if !taken.insert(safe_file_stem(&name)) {
            name = format!("{name}-raekke-{}", e.row);
            taken.insert(safe_file_stem(&name));
        }
        names.push(format!("{}.pdf", safe_file_stem(&name)));
    }
    names
}

/// Windows reserves these names, whatever the extension.
const RESERVED: [&str; 22] = [
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// A file stem that is safe on every system: ASCII letters, digits and `-`, no leading
/// dot, not a reserved device name, at most 120 characters.
pub fn safe_file_stem(stem: &str) -> String {
    let mut out: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    out = out.trim_matches('-').to_string();
    if out.is_empty() {
        out = "guide".into();
    }
    if RESERVED.contains(&out.split('-').next().unwrap_or_default())
        && RESERVED.contains(&out.as_str())
    {
        out = format!("{out}-guide");
    }
    out.chars()
        .take(120)
        .collect::<String>()
        .trim_end_matches('-')
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_stems_are_safe() {
        assert_eq!(safe_file_stem("../../x"), "x");
        assert_eq!(safe_file_stem("con"), "con-guide");
        assert_eq!(safe_file_stem(".hidden"), "hidden");
        assert_eq!(safe_file_stem(""), "guide");
        assert_eq!(safe_file_stem(&"a".repeat(300)).len(), 120);
    }

    #[test]
    fn namesakes_get_distinct_files() {
        let date = NaiveDate::from_ymd_opt(2027, 1, 15).unwrap();
        let item = |row, name, id| NameParts {
            row,
            name,
            id,
            level: "chef",
            date,
        };
        let files = file_names(&[
            item(2, "Ole Ørum", "17"),
            item(3, "Ole Ørum", ""),
            item(4, "Åse", ""),
            item(5, "CON", ""),
        ]);
        assert_eq!(
            files,
            [
                "ole-oerum-chef-2027-01-15-17.pdf",
                "ole-oerum-chef-2027-01-15-raekke-3.pdf",
                "aase-chef-2027-01-15.pdf",
                "con-chef-2027-01-15.pdf",
            ]
        );
    }
}
