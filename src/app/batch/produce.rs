//! A batch: one guide per row of an HR roster, validated in full before anything is
//! written, made in parallel, with a manifest HR keeps. Resolving a request into a
//! [`BatchConfig`] and deciding what to do with problems is [`crate::app::batch`]'s;
//! telling a person is the front end's.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::app::error::{Error, Result};
use crate::app::inputs::{self, clean};
use crate::archive::answers::Carried;
use crate::base::files::Staging;
use crate::base::fonts::FontSet;
use crate::compose::guide::{Guide, People};
use crate::compose::templates::Templates;
use crate::model::framework::Framework;
use crate::model::roster::{Column, Row};

use crate::base::error::Error as BaseError;
use crate::model::error::Error as ModelError;
use crate::model::manifest::{check_own_guide, check_own_manifest, read_manifest, About, Record};
// The archive reads manifests and names its files through these re-exports until it
// imports `manifest` and `naming` directly.
pub use crate::model::manifest::{Manifest, MANIFEST_CSV, MANIFEST_JSON};
pub use crate::model::naming::safe_file_stem;

/// Everything a batch needs, resolved.
pub struct BatchConfig {
    /// The roster, as messages name it.
    pub origin: String,
    pub framework: Framework,
    pub templates: Templates,
    pub out_dir: PathBuf,
    /// For rows without a date.
    pub default_date: NaiveDate,
    /// `SOURCE_DATE_EPOCH`, when set: the creation time of every guide.
    pub epoch: Option<i64>,
    pub jobs: Option<usize>,
    pub keep_going: bool,
    pub form: bool,
    /// The archive of last year's guides (`--previous`).
    pub previous: Option<PathBuf>,
}

/// One valid roster row: the guide it asks for and the file it goes to.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub row: usize,
    pub id: String,
    pub people: People,
    pub level: String,
    pub focus: Vec<String>,
    pub date: NaiveDate,
    pub file: String,
}

/// A problem in one roster row, as `--dry-run` names it:
/// `roster.csv:3: rolle: unknown role 'x' — did you mean 'chef'?`.
#[derive(Debug, Clone, PartialEq)]
pub struct RowProblem {
    /// The roster, as named in messages.
    pub origin: String,
    /// The row as the roster numbers it (a CSV's header is row 1).
    pub row: usize,
    /// The column's header as the roster spells it.
    pub column: String,
    pub message: String,
}

impl std::fmt::Display for RowProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.origin, self.row, self.column, self.message
        )
    }
}

/// Told as a batch runs: the caller's progress bar or counter. Called from the worker
/// threads, hence `Sync`.
pub trait Progress: Sync {
    /// Before the first guide: how many there will be.
    fn start(&self, _total: usize) {}
    /// One guide done (written, unchanged or failed).
    fn done(&self, _outcome: &Outcome) {}
    /// After the last guide, before the manifest is written.
    fn finish(&self) {}
}

/// No progress to report.
pub struct NoProgress;

impl Progress for NoProgress {}

/// What became of one row.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Written(Made),
    Unchanged(Made),
    Failed { row: usize, message: String },
}

/// A guide made for a roster row: what its manifest record adds to the row's [`Entry`]
/// ([`Entry::record`]). A batch keeps one per row until its manifest is written, so it
/// holds no copy of what the entry has.
#[derive(Debug, Clone, PartialEq)]
pub struct Made {
    pub row: usize,
    pub guide_id: String,
    pub sha256: [u8; 32],
    pub bytes: usize,
}

impl Entry {
    /// The manifest's record of this row's guide, made from `framework`: its focus is the
    /// principles the guide takes up (every one when the row named none).
    pub fn record(&self, made: &Made, framework: &Framework) -> Record {
        Record {
            row: self.row,
            id: self.id.clone(),
            name: self.people.name.clone(),
            role: self.level.clone(),
            focus: framework.focus(&self.focus).map(|p| p.id.clone()).collect(),
            manager: self.people.manager.clone(),
            unit: self.people.unit.clone(),
            date: self.date.to_string(),
            file: self.file.clone(),
            guide_id: made.guide_id.clone(),
            sha256: crate::base::files::hex(&made.sha256),
            bytes: made.bytes,
        }
    }
}

/// The tally printed at the end.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Summary {
    /// Temporary files of an interrupted earlier run, removed before this one.
    pub stale_removed: usize,
    pub written: usize,
    pub unchanged: usize,
    pub failed: usize,
    pub seconds: f64,
}

/// How many guides are made durable at once, at least (see [`Staging`]): at a thousand
/// guides a second, a group reaches the disk about every 60 ms.
const GROUP: usize = 64;

/// Accepted date forms: ISO and the Danish day-first forms.
const DATE_FORMATS: [&str; 4] = ["%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y"];

/// Parses a roster date (`2027-01-15`, `15-01-2027`, `15.01.2027`, `15/1/2027`). The
/// whole cell must be the date: anything after it (`15.01.2027 eller 16.01`) is refused,
/// except a valid time of day, which Excel may add to a date cell (`2027-01-15 00:00:00`,
/// `2027-01-15T09:30`).
pub fn parse_roster_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    let (date, time) = match text.split_once([' ', 'T']) {
        Some((date, time)) => (date, Some(time.trim())),
        None => (text, None),
    };
    if let Some(time) = time {
        let valid = ["%H:%M:%S%.f", "%H:%M"]
            .iter()
            .any(|f| chrono::NaiveTime::parse_from_str(time, f).is_ok());
        if !valid {
            return None;
        }
    }
    DATE_FORMATS
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(date, f).ok())
}

impl BatchConfig {
    /// Checks every row against the framework and the fonts. Returns the valid entries,
    /// with file names assigned, and every problem, located by row and column.
    pub fn validate(&self, rows: &[Row]) -> (Vec<Entry>, Vec<RowProblem>) {
        // Sized for every row at once: doubling it leaves up to half of 10,000 entries'
        // room unused while the batch runs.
        let mut entries = Vec::with_capacity(rows.len());
        let mut problems = Vec::new();
        for row in rows {
            match self.entry(row) {
                Ok(entry) => entries.push(entry),
                Err(mut p) => problems.append(&mut p),
            }
        }
        assign_file_names(&mut entries);
        (entries, problems)
    }

    fn entry(&self, row: &Row) -> std::result::Result<Entry, Vec<RowProblem>> {
        let mut problems = Vec::new();
        let at = |column: Column, message: String| RowProblem {
            origin: self.origin.clone(),
            row: row.number,
            column: row.header(column).to_string(),
            message,
        };
        let fonts = FontSet::builtin();
        let mut text = |column: Column| -> String {
            let value = Some(row.get(column).to_string());
            match clean(row.header(column), &value).and_then(|v| {
                fonts
                    .check_coverage(row.header(column), &v)
                    .map(|_| v)
                    .map_err(Into::into)
            }) {
                Ok(v) => v,
                Err(e) => {
                    let message = e.to_string();
                    let message = message
                        .strip_prefix(&format!("{}: ", row.header(column)))
                        .unwrap_or(&message)
                        .to_string();
                    problems.push(at(column, message));
                    String::new()
                }
            }
        };
        let id = text(Column::Id);
        let people = People {
            name: text(Column::Name),
            manager: text(Column::Manager),
            unit: text(Column::Unit),
            employee_id: Some(id.clone()).filter(|id| !id.is_empty()),
        };
        if people.name.is_empty() && row.get(Column::Name).is_empty() {
            problems.push(at(
                Column::Name,
                "is empty; every row needs the leader's name".into(),
            ));
        }
        let level = match self.framework.resolve_level(row.get(Column::Role)) {
            Ok(level) => level.id.clone(),
            Err(e) => {
                problems.push(at(Column::Role, unknown(&e, row.get(Column::Role))));
                String::new()
            }
        };
        let mut focus = Vec::new();
        for part in row
            .get(Column::Focus)
            .split([',', ';', '|'])
            .filter(|p| !p.trim().is_empty())
        {
            match self.framework.resolve_principle(part) {
                Ok(p) if !focus.contains(&p.id) => focus.push(p.id.clone()),
                Ok(_) => {}
                Err(e) => problems.push(at(Column::Focus, unknown(&e, part.trim()))),
            }
        }
        // Framework order, as `mus guide` has it.
        focus.sort_by_key(|id| self.framework.principles.iter().position(|p| &p.id == id));
        let date = match row.get(Column::Date) {
            "" => self.default_date,
            text => match parse_roster_date(text)
                .filter(|d| (1900..=2999).contains(&chrono::Datelike::year(d)))
            {
                Some(d) => d,
                None => {
                    problems.push(at(
                        Column::Date,
                        format!("'{text}' is not a valid date — use 2027-01-15, 15-01-2027, 15.01.2027 or 15/1/2027"),
                    ));
                    self.default_date
                }
            },
        };
        if problems.is_empty() {
            Ok(Entry {
                row: row.number,
                id,
                people,
                level,
                focus,
                date,
                file: String::new(),
            })
        } else {
            Err(problems)
        }
    }

    /// The guide an entry asks for.
    pub fn guide<'f>(&'f self, entry: &Entry) -> Guide<'f> {
        Guide::from_ids(
            &self.framework,
            &entry.level,
            &entry.focus,
            entry.people.clone(),
            entry.date,
            inputs::creation_time(entry.date, self.epoch),
            self.form,
        )
    }

    /// Makes every guide, writes what changed, and the manifest. Each row's outcome is
    /// told to `progress` as it happens.
    pub fn produce(
        &self,
        entries: &[Entry],
        progress: &dyn Progress,
    ) -> Result<(Vec<Outcome>, Summary)> {
        self.produce_following(entries, &HashMap::new(), progress)
    }

    /// [`BatchConfig::produce`], each row's guide following up `previous[row]`, last
    /// year's guide, where there is one.
    pub fn produce_following(
        &self,
        entries: &[Entry],
        following: &HashMap<usize, &Carried>,
        progress: &dyn Progress,
    ) -> Result<(Vec<Outcome>, Summary)> {
        let started = Instant::now();
        create_private_dir(&self.out_dir)?;
        // Refused before any guide is written, so a run stops whole, not half done.
        for file in [MANIFEST_JSON, MANIFEST_CSV] {
            check_own_manifest(&self.out_dir.join(file))?;
        }
        let stale_removed = crate::base::files::remove_stale_temporary_files(&self.out_dir)?;
        // Only the files an earlier run's manifest names are kept, not its records.
        let ours: BTreeSet<String> = read_manifest(&self.out_dir)
            .into_iter()
            .flat_map(|m| m.guides.into_iter().map(|r| r.file))
            .collect();

        progress.start(entries.len());
        // No job waits for the disk (see `Staging`): one job per core.
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let staging = Staging::new(GROUP);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(self.jobs.unwrap_or(cores))
            .build()
            .map_err(|e| BaseError::Value {
                option: "--jobs".into(),
                message: e.to_string(),
            })?;
        let mut outcomes: Vec<Outcome> = pool.install(|| {
            entries
                .par_iter()
                // Every guide can be stolen on its own: rayon otherwise hands a core a run
                // of rows it works through alone, and the other cores sit idle at the end
                // while it finishes that run.
                .with_max_len(1)
                .map(|entry| {
                    let outcome = self.produce_one(
                        entry,
                        following.get(&entry.row).copied(),
                        &ours,
                        &staging,
                    );
                    progress.done(&outcome);
                    outcome
                })
                .collect()
        });
        // The last group reaches the disk; a guide that could not be put in place failed.
        let unsaved: HashMap<PathBuf, String> = staging
            .finish()
            .into_iter()
            .map(|(path, e)| (path, e.to_string()))
            .collect();
        for (outcome, entry) in outcomes.iter_mut().zip(entries) {
            if let (Outcome::Written(_), Some(message)) =
                (&outcome, unsaved.get(&self.out_dir.join(&entry.file)))
            {
                *outcome = Outcome::Failed {
                    row: entry.row,
                    message: format!("{}:{}: {message}", self.origin, entry.row),
                };
            }
        }
        progress.finish();

        let roster = Path::new(&self.origin)
            .file_name()
            .map_or_else(|| self.origin.clone(), |f| f.to_string_lossy().into_owned());
        let framework = format!(
            "{} {} {}",
            self.framework.organisation, self.framework.name, self.framework.version
        );
        let about = About {
            mus_version: env!("CARGO_PKG_VERSION"),
            roster: &roster,
            framework: &framework,
        };
        crate::model::manifest::write(&self.out_dir, about, || {
            entries
                .iter()
                .zip(&outcomes)
                .filter_map(|(entry, outcome)| match outcome {
                    Outcome::Written(made) | Outcome::Unchanged(made) => {
                        Some(entry.record(made, &self.framework))
                    }
                    Outcome::Failed { .. } => None,
                })
        })?;

        let mut summary = Summary {
            stale_removed,
            seconds: started.elapsed().as_secs_f64(),
            ..Summary::default()
        };
        for o in &outcomes {
            match o {
                Outcome::Written(_) => summary.written += 1,
                Outcome::Unchanged(_) => summary.unchanged += 1,
                Outcome::Failed { .. } => summary.failed += 1,
            }
        }
        Ok((outcomes, summary))
    }

    fn produce_one(
        &self,
        entry: &Entry,
        previous: Option<&Carried>,
        ours: &BTreeSet<String>,
        staging: &Staging,
    ) -> Outcome {
        let failed = |message: String| Outcome::Failed {
            row: entry.row,
            message: format!("{}:{}: {message}", self.origin, entry.row),
        };
        let guide = self.guide(entry).with_previous(previous);
        let rendered = match guide.render(&self.templates, FontSet::builtin()) {
            Ok(r) => r,
            Err(e) => return failed(e.to_string()),
        };
        let made = Made {
            row: entry.row,
            guide_id: rendered.id.clone(),
            sha256: crate::base::files::sha256(&rendered.pdf),
            bytes: rendered.pdf.len(),
        };
        let path = self.out_dir.join(&entry.file);
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.is_file() => {
                let old = std::fs::read(&path);
                if old.as_ref().is_ok_and(|old| *old == rendered.pdf) {
                    return Outcome::Unchanged(made);
                }
                // A file no manifest claims is replaced only if it is this row's guide
                // (a run killed before its manifest left it).
                let own = match &old {
                    _ if ours.contains(&entry.file) => Ok(()),
                    Ok(old) => check_own_guide(old, &entry.people, entry.date),
                    Err(e) => Err(format!("cannot be read ({e})")),
                };
                if let Err(what) = own {
                    return failed(format!(
                        "{} exists and {what}; it is left as it is (move it away to make this guide)",
                        entry.file
                    ));
                }
            }
            Ok(_) => {
                return failed(format!(
                    "{} exists and is not a regular file; it is left as it is",
                    entry.file
                ))
            }
            Err(_) => {}
        }
        // Checked above to be no link; staging also never follows one made since.
        match staging.write(&path, &rendered.pdf) {
            Ok(()) => Outcome::Written(made),
            Err(e) => failed(e.to_string()),
        }
    }
}

/// `unknown role 'x' — did you mean 'y'?` from a matching error.
fn unknown(e: &ModelError, input: &str) -> String {
    let ModelError::Base(base) = e else {
        return e.to_string();
    };
    match base {
        BaseError::UnknownId { kind, valid, .. } if input.is_empty() => {
            format!("is empty; the {kind}s are: {}", valid.join(", "))
        }
        BaseError::UnknownId {
            kind,
            closest: Some(c),
            ..
        } => format!("unknown {kind} '{input}' — did you mean '{c}'?"),
        other => other.to_string(),
    }
}

/// Gives every entry its file name (see [`crate::model::naming::file_names`]).
pub fn assign_file_names(entries: &mut [Entry]) {
    let names = crate::model::naming::file_names(
        &entries
            .iter()
            .map(|e| crate::model::naming::NameParts {
                row: e.row,
                name: &e.people.name,
                id: &e.id,
                level: &e.level,
                date: e.date,
            })
            .collect::<Vec<_>>(),
    );
    for (entry, name) in entries.iter_mut().zip(names) {
        entry.file = name;
    }
}

fn create_private_dir(dir: &Path) -> Result<()> {
    if dir.exists() {
        return if dir.is_dir() {
            Ok(())
        } else {
            Err(BaseError::Io {
                path: dir.to_path_buf(),
                message: "is a file, not a folder".into(),
            }
            .into())
        };
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|e| Error::io(dir, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn danish_and_iso_dates() {
        let d = NaiveDate::from_ymd_opt(2027, 1, 15).unwrap();
        for text in [
            "2027-01-15",
            "15-01-2027",
            "15.01.2027",
            "15/1/2027",
            "15/01/2027",
            "2027-01-15 00:00:00",
        ] {
            assert_eq!(parse_roster_date(text), Some(d), "{text}");
        }
        assert_eq!(parse_roster_date("31-02-2027"), None);
        assert_eq!(parse_roster_date("januar"), None);
    }

    /// Issue 11: `2027-01-15T25:00` and `15.01.2027 eller 16.01` became 2027-01-15.
    #[test]
    fn dates_with_trailing_text_are_refused() {
        let d = NaiveDate::from_ymd_opt(2027, 1, 15).unwrap();
        for text in [
            "2027-01-15T25:00",
            "15.01.2027 eller 16.01",
            "2027-01-15 kl. 10",
            "2027-01-15T",
            "15-01-2027 x",
            "2027-01-15TT00:00",
        ] {
            assert_eq!(parse_roster_date(text), None, "{text}");
        }
        for text in [
            "2027-01-15T09:30",
            "2027-01-15T00:00:00.000",
            " 15.01.2027 ",
        ] {
            assert_eq!(parse_roster_date(text), Some(d), "{text}");
        }
    }
}
