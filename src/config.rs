//! The rules a guide's inputs are resolved by, shared by every operation: the framework
//! loaded, names cleaned, dates parsed, `SOURCE_DATE_EPOCH` read, the default file name.
//! Requests are resolved with these in [`crate::app`]; no clap type reaches this module.

use std::path::Path;

use chrono::{Datelike, NaiveDate};

use crate::error::{Error, Result};
use crate::framework::Framework;

/// The built-in framework, or the one in `path` (`--framework`).
pub fn load_framework(path: Option<&Path>) -> Result<Framework> {
    match path {
        Some(path) => Framework::from_path(path),
        None => Framework::builtin(),
    }
}

/// The longest name, manager or unit accepted: far beyond any real one, short enough
/// that the title block always fits its page.
pub const MAX_FIELD_CHARS: usize = 120;

/// Trims a name, folds white space inside to single spaces and composes characters (NFC):
/// text pasted from macOS may spell "Å" as "A" plus a combining ring.
pub fn clean(option: &str, value: &Option<String>) -> Result<String> {
    use unicode_normalization::UnicodeNormalization;
    let text: String = value
        .as_deref()
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let text: String = text.nfc().collect();
    if let Some(c) = text.chars().find(|c| c.is_control()) {
        return Err(Error::Value {
            option: option.into(),
            message: format!("contains the control character U+{:04X}", c as u32),
        });
    }
    let count = text.chars().count();
    if count > MAX_FIELD_CHARS {
        return Err(Error::Value {
            option: option.into(),
            message: format!("is {count} characters long; at most {MAX_FIELD_CHARS} fit the guide"),
        });
    }
    Ok(text)
}

/// Parses an ISO date (`2027-01-15`) with a year from 1900 to 2999.
pub fn parse_date(option: &str, text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| (1900..=2999).contains(&d.year()))
        .ok_or_else(|| Error::Date {
            option: option.to_string(),
            value: text.to_string(),
        })
}

/// The date of the dialogue: `--date`, else the day of `SOURCE_DATE_EPOCH`, else today.
pub fn dialogue_date(option: Option<&str>, epoch: Option<i64>) -> Result<NaiveDate> {
    match (option, epoch) {
        (Some(text), _) => parse_date("--date", text),
        (None, Some(seconds)) => Ok(chrono::DateTime::from_timestamp(seconds, 0)
            .unwrap_or_default()
            .date_naive()),
        (None, None) => Ok(chrono::Local::now().date_naive()),
    }
}

/// The PDF's creation time: `SOURCE_DATE_EPOCH`, else midnight (UTC) of the dialogue date,
/// so the same inputs give the same bytes.
pub fn creation_time(date: NaiveDate, epoch: Option<i64>) -> i64 {
    epoch.unwrap_or_else(|| {
        date.and_hms_opt(0, 0, 0)
            .unwrap_or_default()
            .and_utc()
            .timestamp()
    })
}

/// `SOURCE_DATE_EPOCH` (reproducible-builds.org): when set, the PDF's creation time.
pub fn source_date_epoch() -> Result<Option<i64>> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(text) if !text.trim().is_empty() => text
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|s| {
                chrono::DateTime::from_timestamp(*s, 0)
                    .is_some_and(|t| (1900..=2999).contains(&t.year()))
            })
            .map(Some)
            .ok_or(Error::Value {
                option: "SOURCE_DATE_EPOCH".into(),
                message: format!(
                    "'{text}' is not seconds since 1970 (UTC) for a date from 1900 to 2999"
                ),
            }),
        _ => Ok(None),
    }
}

/// `mus-lukasz-oester-aagaard-2027-01-15.pdf`, or `mus-<level>-<date>.pdf` without a name.
pub fn default_file_name(name: &str, level: &str, date: NaiveDate) -> String {
    let stem = slug(name);
    let stem = if stem.is_empty() {
        level.to_string()
    } else {
        stem
    };
    format!("mus-{stem}-{date}.pdf")
}

pub use crate::matching::slug;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_safe_ascii() {
        let date = NaiveDate::from_ymd_opt(2027, 1, 15).unwrap();
        assert_eq!(
            default_file_name("Łukasz Øster-Ågård", "x", date),
            "mus-lukasz-oester-aagaard-2027-01-15.pdf"
        );
        assert_eq!(
            default_file_name("../../etc", "chef", date),
            "mus-etc-2027-01-15.pdf"
        );
        assert_eq!(
            default_file_name("", "chef", date),
            "mus-chef-2027-01-15.pdf"
        );
        assert_eq!(slug("Дмитрий Иванов"), "dmitrii-ivanov");
    }

    #[test]
    fn names_are_composed_trimmed_and_bounded() {
        let decomposed = Some("  A\u{30A}se   Bjo\u{308}rk ".to_string());
        assert_eq!(clean("--name", &decomposed).unwrap(), "Åse Björk");
        assert!(clean("--name", &Some("x".repeat(121))).is_err());
        assert_eq!(slug(&clean("--name", &decomposed).unwrap()), "aase-bjork");
    }

    #[test]
    fn dates_must_be_real() {
        assert!(parse_date("--date", "2027-02-30").is_err());
        assert!(parse_date("--date", "0001-01-01").is_err());
        assert_eq!(
            parse_date("--date", "2027-01-15").unwrap().to_string(),
            "2027-01-15"
        );
    }
}
