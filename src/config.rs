//! Raw command-line arguments → resolved configuration: the framework and templates
//! loaded, the date parsed, names checked against the fonts, the output chosen. Nothing
//! below this module sees clap types.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::cli::{GuideArgs, SourceArgs};
use crate::error::{Error, Result};
use crate::fonts::FontSet;
use crate::framework::Framework;
use crate::guide::{Guide, People};
use crate::templates::Templates;

/// Where a guide goes.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    Stdout,
    File(PathBuf),
}

/// Everything `mus guide` needs, resolved and validated.
pub struct GuideConfig {
    pub framework: Framework,
    pub templates: Templates,
    pub level: String,
    pub focus: Vec<String>,
    pub people: People,
    pub date: NaiveDate,
    pub created: i64,
    pub output: Output,
}

impl GuideConfig {
    pub fn from_args(args: &GuideArgs) -> Result<GuideConfig> {
        let framework = load_framework(&args.source)?;
        let level = framework.resolve_level(&args.role)?.id.clone();
        let focus = framework
            .resolve_focus(&args.focus)?
            .iter()
            .map(|p| p.id.clone())
            .collect();
        let fonts = FontSet::builtin();
        let people = People {
            name: clean(&args.name),
            manager: clean(&args.manager),
            unit: clean(&args.unit),
        };
        fonts.check_coverage("--name", &people.name)?;
        fonts.check_coverage("--manager", &people.manager)?;
        fonts.check_coverage("--unit", &people.unit)?;
        let epoch = source_date_epoch()?;
        let date = match &args.date {
            Some(text) => parse_date("--date", text)?,
            None => match epoch {
                Some(seconds) => chrono::DateTime::from_timestamp(seconds, 0)
                    .unwrap_or_default()
                    .date_naive(),
                None => chrono::Local::now().date_naive(),
            },
        };
        let created = epoch.unwrap_or_else(|| {
            date.and_hms_opt(0, 0, 0)
                .unwrap_or_default()
                .and_utc()
                .timestamp()
        });
        let templates = match &args.templates {
            Some(dir) => Templates::from_dir(dir)?,
            None => Templates::builtin()?,
        };
        let output = match &args.output {
            Some(path) if path == Path::new("-") => Output::Stdout,
            Some(path) => Output::File(path.clone()),
            None => Output::File(PathBuf::from(default_file_name(&people.name, &level, date))),
        };
        Ok(GuideConfig {
            framework,
            templates,
            level,
            focus,
            people,
            date,
            created,
            output,
        })
    }

    /// The guide this configuration describes.
    pub fn guide(&self) -> Guide<'_> {
        Guide {
            framework: &self.framework,
            level: self
                .framework
                .level(&self.level)
                .expect("resolved in from_args"),
            focus: self
                .focus
                .iter()
                .filter_map(|id| self.framework.principle(id))
                .collect(),
            people: self.people.clone(),
            date: self.date,
            created: self.created,
        }
    }
}

/// The built-in framework, or the one `--framework` names.
pub fn load_framework(source: &SourceArgs) -> Result<Framework> {
    match &source.framework {
        Some(path) => Framework::from_path(path),
        None => Framework::builtin(),
    }
}

/// Trims a name; white space inside is folded to single spaces.
fn clean(value: &Option<String>) -> String {
    value
        .as_deref()
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Parses an ISO date (`2027-01-15`).
pub fn parse_date(option: &str, text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| Error::Date {
        option: option.to_string(),
        value: text.to_string(),
    })
}

/// `SOURCE_DATE_EPOCH` (reproducible-builds.org): when set, the PDF's creation time.
fn source_date_epoch() -> Result<Option<i64>> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(text) if !text.trim().is_empty() => {
            text.trim()
                .parse::<i64>()
                .map(Some)
                .map_err(|_| Error::Date {
                    option: "SOURCE_DATE_EPOCH".into(),
                    value: text,
                })
        }
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

/// Safe ASCII for file names, Danish letters spelled the Danish way (Ø → oe, Å → aa).
pub fn slug(text: &str) -> String {
    let mut spelled = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            'æ' | 'Æ' => spelled.push_str("ae"),
            'ø' | 'Ø' => spelled.push_str("oe"),
            'å' | 'Å' => spelled.push_str("aa"),
            _ => spelled.push(c),
        }
    }
    let ascii = deunicode::deunicode(&spelled).to_lowercase();
    let mut out = String::new();
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-');
    out.chars()
        .take(60)
        .collect::<String>()
        .trim_end_matches('-')
        .to_string()
}

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
    fn dates_must_be_real() {
        assert!(parse_date("--date", "2027-02-30").is_err());
        assert_eq!(
            parse_date("--date", "2027-01-15").unwrap().to_string(),
            "2027-01-15"
        );
    }
}
