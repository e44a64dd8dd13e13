//! The archive's operations: add signed guides (a verdict per file), list them, the status
//! of a roster, the development plans, the MED report, verify and rebuild. Each takes the
//! archive folder; what they find is returned, never printed.

use std::path::Path;

use chrono::Datelike;

use crate::app::{Input, Result};
use crate::archive::plans::PlanLine;
use crate::archive::rebuild::Rebuilt;
use crate::archive::status::{people_from_bytes, StatusReport};
use crate::archive::{storage, Added, Archive, ArchivedGuide, Policy, Refusal};
use crate::base::error::Error as BaseError;
use crate::base::text::normalize;
use crate::report::{Figures, Order};
use crate::signature::TrustAnchor;

/// How `add` judges files.
#[derive(Debug, Clone, Default)]
pub struct AddOptions {
    /// Also take guides whose signature fields are empty or missing, as unsigned.
    pub allow_unsigned: bool,
    /// Certificates signers must chain to; none: signatures are checked to be intact, but
    /// their signers are not verified.
    pub anchors: Vec<TrustAnchor>,
}

/// What became of one file handed to `add`.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Stored and recorded (signed or unsigned: `.status`).
    Accepted(ArchivedGuide),
    /// The identical file was archived already; nothing changed.
    Unchanged(ArchivedGuide),
    /// Judged and not archived, and why.
    Refused(Refusal),
    /// Not read at all (too large, not a regular file, unreadable): the whole message,
    /// naming the file.
    Unreadable(String),
}

/// An archive opened for adding files, one at a time.
pub struct Adding {
    archive: Archive,
    policy: Policy,
    /// Temporary files an interrupted add left, removed on opening.
    pub stale_removed: usize,
    /// The folder's mode, when others can read or enter it.
    pub open_to_others: Option<u32>,
}

/// What `add` did with every file.
#[derive(Debug, Clone, PartialEq)]
pub struct AddReport {
    pub stale_removed: usize,
    pub open_to_others: Option<u32>,
    /// Per file, its label and its verdict, in the order given.
    pub verdicts: Vec<(String, Verdict)>,
}

/// Opens the archive in `dir` for adding, creating it (0700) when missing, and removes the
/// temporary files an interrupted add left.
pub fn start_adding(dir: &Path, options: AddOptions) -> Result<Adding> {
    let archive = Archive::open(dir, true)?;
    let stale_removed = storage::remove_stale_temporary_files(dir)?;
    let open_to_others = archive.open_to_others();
    Ok(Adding {
        archive,
        policy: Policy {
            allow_unsigned: options.allow_unsigned,
            anchors: options.anchors,
        },
        stale_removed,
        open_to_others,
    })
}

impl Adding {
    pub fn dir(&self) -> &Path {
        self.archive.dir()
    }

    /// Reads, judges and (when its signatures let it in) archives one file. `Err` only
    /// when the archive itself fails.
    pub fn add(&mut self, file: &Input) -> Result<Verdict> {
        let bytes = match file {
            Input::Path(path) => match storage::read_input(path) {
                Ok(bytes) => bytes,
                Err(reason) => return Ok(Verdict::Unreadable(reason)),
            },
            Input::Upload(upload) if upload.bytes.len() as u64 > storage::MAX_FILE_SIZE => {
                return Ok(Verdict::Unreadable(storage::too_big(
                    &upload.label,
                    upload.bytes.len() as u64,
                )))
            }
            Input::Upload(upload) => upload.bytes.clone(),
        };
        Ok(match self.archive.add(&bytes, &self.policy)? {
            Added::New(guide) => Verdict::Accepted(guide),
            Added::Unchanged(guide) => Verdict::Unchanged(guide),
            Added::Refused(refusal) => Verdict::Refused(refusal),
        })
    }
}

/// Adds every file to the archive in `dir` (see [`start_adding`], [`Adding::add`]).
pub fn add(dir: &Path, files: &[Input], options: AddOptions) -> Result<AddReport> {
    let mut adding = start_adding(dir, options)?;
    let mut verdicts = Vec::with_capacity(files.len());
    for file in files {
        verdicts.push((file.label(), adding.add(file)?));
    }
    Ok(AddReport {
        stale_removed: adding.stale_removed,
        open_to_others: adding.open_to_others,
        verdicts,
    })
}

/// Which archived guides to list.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub year: Option<i32>,
    /// Compared ignoring case and æ/ø/å spelling.
    pub unit: Option<String>,
}

/// The archived files, every version, in the index's order.
pub fn list(dir: &Path, filter: &ListFilter) -> Result<Vec<ArchivedGuide>> {
    let archive = Archive::open(dir, false)?;
    let unit = filter.unit.as_deref().map(normalize);
    Ok(archive
        .guides()?
        .into_iter()
        .filter(|g| filter.year.is_none_or(|y| g.year == y))
        .filter(|g| unit.as_ref().is_none_or(|u| &normalize(&g.unit) == u))
        .collect())
}

/// Whose status to find: a roster (or a batch's manifest.json) and the year.
#[derive(Debug, Clone)]
pub struct StatusRequest {
    pub roster: Input,
    pub sheet: Option<String>,
    pub year: i32,
}

/// Who on the roster has a signed guide archived for the year, who an unsigned one, and
/// who none.
pub fn status(dir: &Path, request: &StatusRequest) -> Result<StatusReport> {
    let (origin, people) = read_people(&request.roster, request.sheet.as_deref())?;
    let archive = Archive::open(dir, false)?;
    Ok(StatusReport::from_people(
        &origin,
        people,
        &archive.guides()?,
        request.year,
    ))
}

fn read_people(
    roster: &Input,
    sheet: Option<&str>,
) -> Result<(String, Vec<crate::archive::status::Person>)> {
    people_from_bytes(roster.label(), roster.read()?, sheet).map_err(Into::into)
}

/// Which plans to collect.
#[derive(Debug, Clone, Default)]
pub struct PlansRequest {
    pub year: Option<i32>,
    pub unit: Option<String>,
    pub include_unsigned: bool,
}

/// The development plans collected.
#[derive(Debug, Clone)]
pub struct Plans {
    pub lines: Vec<PlanLine>,
    /// How many guides the lines come from.
    pub guides: usize,
    /// The lines as CSV for a Danish Excel.
    pub csv: Vec<u8>,
}

/// The agreed development plans, row by row (signed guides only, unless asked).
pub fn plans(dir: &Path, request: &PlansRequest) -> Result<Plans> {
    let archive = Archive::open(dir, false)?;
    let lines = crate::archive::plans::plans(
        archive.dir(),
        &archive.guides()?,
        &archive.recorded()?,
        request.year,
        request.unit.as_deref(),
        request.include_unsigned,
    )?;
    let csv = crate::archive::plans::csv(&lines);
    let guides = lines
        .iter()
        .map(|l| &l.guide.guide_id)
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    Ok(Plans { lines, guides, csv })
}

/// What the MED report covers.
#[derive(Debug, Clone)]
pub struct ReportRequest {
    /// The roster (or a batch's manifest.json) of the leaders reported on.
    pub roster: Input,
    pub sheet: Option<String>,
    pub year: i32,
    /// Only this unit's leaders.
    pub unit: Option<String>,
    /// The fewest leaders a profile figure may be built from.
    pub min_group: usize,
    /// The report's date, in seconds since 1970 (`SOURCE_DATE_EPOCH`, else now).
    pub created: i64,
}

/// The MED report made.
#[derive(Debug, Clone)]
pub struct ReportMade {
    pub figures: Figures,
    pub pdf: Vec<u8>,
    /// The figures as CSV (long format, for Excel).
    pub csv: Vec<u8>,
}

/// The report to the MED committee: completion per unit and the anonymised leadership
/// profile, with small groups suppressed.
pub fn report(dir: &Path, request: &ReportRequest) -> Result<ReportMade> {
    let (origin, people) = read_people(&request.roster, request.sheet.as_deref())?;
    let mut units: Vec<&str> = people
        .iter()
        .map(|p| p.unit.trim())
        .filter(|u| !u.is_empty())
        .collect();
    units.sort_unstable();
    units.dedup();
    let units = units.join(", ");
    let order = Order::builtin();
    let figures = crate::report::figures(
        dir,
        &origin,
        people,
        &crate::report::Request {
            year: request.year,
            unit: request.unit.as_deref(),
            min_group: request.min_group,
        },
        &order,
    )?;
    if let Some(u) = &request.unit {
        if figures.total.leaders == 0 {
            return Err(BaseError::Value {
                option: "--unit".into(),
                message: format!("no leader on {origin} is in the unit '{u}'; its units: {units}"),
            }
            .into());
        }
    }
    let pdf = crate::report::document::pdf(
        &figures,
        &order,
        request.created,
        crate::base::fonts::FontSet::builtin(),
    )?;
    let csv = crate::report::csv::csv(&figures, &order);
    Ok(ReportMade { figures, pdf, csv })
}

pub use crate::archive::verify::Verified;

/// Re-hashes every archived file, re-checks its signatures, and finds files that are
/// missing, changed, or not in the index.
pub fn verify(dir: &Path, anchors: &[TrustAnchor]) -> Result<Verified> {
    verify_opened(&open(dir)?, anchors)
}

/// [`verify`] of an archive already opened (a front end may say something between).
pub fn verify_opened(archive: &Archive, anchors: &[TrustAnchor]) -> Result<Verified> {
    Ok(archive.verify(anchors)?)
}

/// Opens the existing archive in `dir` (an error when there is none).
pub fn open(dir: &Path) -> Result<Archive> {
    Archive::open(dir, false).map_err(Into::into)
}

/// Re-creates the index from the archived files (the old one kept as index.sqlite.bak).
pub fn rebuild(dir: &Path, anchors: &[TrustAnchor]) -> Result<Rebuilt> {
    crate::archive::rebuild::rebuild(dir, anchors).map_err(Into::into)
}

/// The year `status` and `report` cover by default: `epoch`'s (`SOURCE_DATE_EPOCH`), else
/// this year.
pub fn current_year(epoch: Option<i64>) -> i32 {
    match epoch.and_then(|s| chrono::DateTime::from_timestamp(s, 0)) {
        Some(t) => t.year(),
        None => chrono::Local::now().year(),
    }
}
