//! A department's guides from an HR roster: [`load`] the roster and what the guides are
//! made from, [`Batch::check`] every row (what `--dry-run` sees, and which of last year's
//! guides each row follows up), [`Checked::run`] to write the guides and the manifest
//! (and, with `previous`, what it had to read from archived files — employee ids, plans
//! and ratings — into the archive's index).
//!
//! A roster with problems is written only with `keep_going` (the valid rows); otherwise
//! nothing is written at all.

pub mod produce;

use std::collections::HashMap;
use std::path::PathBuf;

use chrono::Datelike;
use rayon::prelude::*;

use crate::app::inputs;
use crate::app::{Input, Result};
use crate::archive::answers::Carried;
use crate::archive::previous::{self, Lookup, PreviousArchive};
use crate::archive::Learned;
use crate::base::error::Error as BaseError;
use crate::compose::templates::Templates;
use crate::model::error::Error as ModelError;
use crate::model::roster::{Roster, Row};

pub use crate::app::batch::produce::{
    BatchConfig, Entry, NoProgress, Outcome, Progress, RowProblem, Summary,
};
pub use crate::model::manifest::{Manifest, Record, MANIFEST_CSV, MANIFEST_JSON};

/// What a batch is to make: the options of `mus batch` (and the fields of the web form).
#[derive(Debug, Clone)]
pub struct BatchRequest {
    /// The roster: CSV, Excel (.xlsx) or a JSON array.
    pub roster: Input,
    /// The Excel sheet; `None` is the first.
    pub sheet: Option<String>,
    /// Where the guides and the manifest go (created if missing).
    pub out_dir: PathBuf,
    pub framework: Option<PathBuf>,
    pub templates: Option<PathBuf>,
    /// The date for rows without one; `None` is the day of `epoch`, else today.
    pub date: Option<String>,
    /// `SOURCE_DATE_EPOCH`: the creation time of every guide.
    pub epoch: Option<i64>,
    /// How many guides to make at once; `None` is one per core.
    pub jobs: Option<usize>,
    /// Make the valid rows when some rows are bad.
    pub keep_going: bool,
    pub form: bool,
    /// The archive of last year's guides, for each row to follow up.
    pub previous: Option<PathBuf>,
}

/// A batch loaded: the roster read, the framework and templates loaded. Its rows are
/// checked once, by [`Batch::validate`] or [`Batch::check`], which turn them into the
/// entries a run makes and let them go: a roster of 10,000 rows is megabytes a batch
/// need not keep while it makes the guides.
pub struct Batch {
    config: BatchConfig,
    rows: Vec<Row>,
}

/// A batch whose rows are checked: what follows them up and runs them.
pub struct Checked {
    config: BatchConfig,
}

/// Every row checked; nothing written.
#[derive(Debug)]
pub struct RosterCheck {
    /// The roster, as messages name it.
    pub origin: String,
    /// How many rows the roster has.
    pub rows: usize,
    /// The valid rows: the guide each asks for and its file name.
    pub entries: Vec<Entry>,
    /// Every problem, row by row.
    pub problems: Vec<RowProblem>,
    /// The framework's level ids and principle ids: what a role and a focus may be.
    pub roles: Vec<String>,
    pub principles: Vec<String>,
    /// Last year's guide of each entry, when `previous` is given and the batch goes ahead.
    pub previous: Option<FollowUps>,
    pub keep_going: bool,
}

/// Last year's guides, one lookup per entry (in the order of [`RosterCheck::entries`]).
#[derive(Debug)]
pub struct FollowUps {
    /// The archive they were looked up in.
    pub dir: PathBuf,
    pub lookups: Vec<Lookup>,
    /// What was read from the files of guides the archive's index has no record of, or one
    /// in an earlier format (archived by an earlier mus): recorded in the index when the
    /// batch runs (a dry run records none).
    pub learned: Vec<Learned>,
}

/// What a run did.
#[derive(Debug)]
pub struct BatchReport {
    pub outcomes: Vec<Outcome>,
    pub summary: Summary,
    /// Rows in the roster, and of them the ones with problems (not made).
    pub rows: usize,
    pub invalid_rows: usize,
    /// With `previous`: guides that follow up last year's, and rows with several
    /// candidates (none used).
    pub followed: usize,
    pub several: usize,
    pub out_dir: PathBuf,
}

impl RosterCheck {
    /// Whether the batch goes ahead: no problems, or `keep_going`.
    pub fn proceeds(&self) -> bool {
        self.problems.is_empty() || self.keep_going
    }

    /// The problems of one roster row.
    pub fn problems_of(&self, row: usize) -> impl Iterator<Item = &RowProblem> {
        self.problems.iter().filter(move |p| p.row == row)
    }
}

impl BatchReport {
    /// Rows not made: guides that failed and rows with problems.
    pub fn failed(&self) -> usize {
        self.summary.failed + self.invalid_rows
    }
}

/// Reads the roster and loads the framework and templates.
pub fn load(request: &BatchRequest) -> Result<Batch> {
    let roster = match &request.roster {
        Input::Path(path) => Roster::from_path(path, request.sheet.as_deref())?,
        Input::Upload(upload) => Roster::from_upload(
            &upload.label,
            upload.bytes.clone(),
            request.sheet.as_deref(),
        )?,
    };
    let framework = inputs::load_framework(request.framework.as_deref())?;
    let templates = match &request.templates {
        Some(dir) => Templates::from_dir(dir)?,
        None => Templates::builtin()?,
    };
    let default_date = inputs::dialogue_date(request.date.as_deref(), request.epoch)?;
    if request.jobs == Some(0) {
        return Err(BaseError::Value {
            option: "--jobs".into(),
            message: "must be at least 1".into(),
        }
        .into());
    }
    Ok(Batch {
        rows: roster.rows,
        config: BatchConfig {
            origin: roster.origin,
            framework,
            templates,
            out_dir: request.out_dir.clone(),
            default_date,
            epoch: request.epoch,
            jobs: request.jobs,
            keep_going: request.keep_going,
            form: request.form,
            previous: request.previous.clone(),
        },
    })
}

/// [`load`] and [`Batch::check`].
pub fn check(request: &BatchRequest) -> Result<RosterCheck> {
    Ok(load(request)?.check()?.1)
}

/// [`load`], [`Batch::check`] and [`Checked::run`]: a roster with problems is refused
/// ([`Error::Rows`]) unless `keep_going`.
pub fn run(request: &BatchRequest, progress: &dyn Progress) -> Result<(RosterCheck, BatchReport)> {
    let (batch, check) = load(request)?.check()?;
    let report = batch.run(&check, progress)?;
    Ok((check, report))
}

impl Batch {
    /// Checks every row; with `previous`, and when the batch goes ahead, finds each row's
    /// guide of last year (what is not found, or found twice, is in the lookups).
    pub fn check(self) -> Result<(Checked, RosterCheck)> {
        let (batch, mut check) = self.validate();
        batch.follow_up(&mut check)?;
        Ok((batch, check))
    }

    /// Checks every row against the framework and the fonts; last year's guides are not
    /// looked up yet ([`Checked::follow_up`]).
    pub fn validate(self) -> (Checked, RosterCheck) {
        let Batch { config, rows } = self;
        let (entries, problems) = config.validate(&rows);
        let check = RosterCheck {
            origin: config.origin.clone(),
            rows: rows.len(),
            entries,
            problems,
            roles: config
                .framework
                .levels
                .iter()
                .map(|l| l.id.clone())
                .collect(),
            principles: config
                .framework
                .principles
                .iter()
                .map(|p| p.id.clone())
                .collect(),
            previous: None,
            keep_going: config.keep_going,
        };
        (Checked { config }, check)
    }
}

impl Checked {
    pub fn config(&self) -> &BatchConfig {
        &self.config
    }

    /// With `previous`, and when the batch goes ahead: each entry's guide of last year,
    /// looked up before anything is written.
    pub fn follow_up(&self, check: &mut RosterCheck) -> Result<()> {
        if let (Some(dir), true) = (&self.config.previous, check.proceeds()) {
            let archive = PreviousArchive::open(dir)?;
            let lookups = check
                .entries
                .par_iter()
                .map(|e| archive.lookup(&e.people, e.date.year()))
                .collect();
            check.previous = Some(FollowUps {
                dir: archive.dir().to_path_buf(),
                lookups,
                learned: archive.into_learned(),
            });
        }
        Ok(())
    }

    /// Makes the guides `check` found valid, writes what changed and the manifest; with
    /// `previous`, then records in the archive's index what was read from files
    /// ([`FollowUps::learned`]). Refused, with nothing written, when `check` does not
    /// proceed.
    pub fn run(&self, check: &RosterCheck, progress: &dyn Progress) -> Result<BatchReport> {
        if !check.proceeds() {
            return Err(ModelError::Rows {
                problems: check.problems.iter().map(ToString::to_string).collect(),
            }
            .into());
        }
        let following: HashMap<usize, &Carried> = match &check.previous {
            Some(follow) => check
                .entries
                .iter()
                .zip(&follow.lookups)
                .filter_map(|(e, l)| Some((e.row, l.carried()?)))
                .collect(),
            None => HashMap::new(),
        };
        let (outcomes, summary) =
            self.config
                .produce_following(&check.entries, &following, progress)?;
        if let Some(follow) = &check.previous {
            // For the next batch, which then reads none of these files. Only that is
            // lost where the index cannot be written (a read-only share, another mus
            // writing it for more than a moment): the guides are made.
            let _ = previous::record_learned(&follow.dir, &follow.learned);
        }
        let several = check.previous.as_ref().map_or(0, |f| {
            f.lookups
                .iter()
                .filter(|l| matches!(l, Lookup::Several(_)))
                .count()
        });
        Ok(BatchReport {
            outcomes,
            summary,
            rows: check.rows,
            invalid_rows: check.rows - check.entries.len(),
            followed: following.len(),
            several,
            out_dir: self.config.out_dir.clone(),
        })
    }
}
