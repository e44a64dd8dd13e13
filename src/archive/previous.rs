//! `mus batch --previous ARCHIVE`: for each roster row, the leader's newest archived guide
//! from an earlier year — found by employee id, else by name and unit folded as `archive
//! status` folds them — or why there is none to follow up. Never a guess: when two
//! different guides of that year could both be the leader's, neither is used.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use rayon::prelude::*;

use crate::archive::answers::{self, Carried, Recorded};
use crate::archive::error::Result;
use crate::archive::{Archive, ArchivedGuide, EmployeeId, Learned};
use crate::base::text::normalize;
use crate::model::people::People;

/// An archived guide and what it carries over, or why it cannot be read.
#[derive(Debug, Clone)]
struct Candidate {
    /// Its employee id as the index recorded it; for a guide archived by a mus that did
    /// not record it there, as its file says (read when the archive is opened).
    guide: ArchivedGuide,
    path: PathBuf,
    /// What it carries over as the index recorded it (JSON, [`Recorded`]), if it did.
    recorded: Option<String>,
    /// Taken the first time a row's lookup chooses the guide (or for its employee id):
    /// what it carries over and whether its file had to be read for it, or why not.
    carried_over: OnceLock<CarriedOver>,
}

type CarriedOver = std::result::Result<(Box<Carried>, bool), String>;

impl Candidate {
    /// What the guide carries over, as the index recorded it or from its file
    /// ([`answers::of_archived`]).
    fn carried_over(&self) -> &CarriedOver {
        self.carried_over.get_or_init(|| {
            answers::of_archived(&self.path, &self.guide, self.recorded.as_deref())
                .map(|(carried, from_file)| (Box::new(carried), from_file))
        })
    }
}

/// The guides of an archive, found by employee id and by folded name: a row's lookup
/// looks only at the guides that could be its leader's, so a batch of n rows against an
/// archive of m guides costs n + m, not n × m. What a guide carries over is read from the
/// index, where the archive recorded it when it took the file in; a guide's file is read
/// only when the index has no record of it (archived by an earlier mus), once, however
/// many rows follow it up — and for its employee id when the index has none, until a
/// batch records both there.
pub struct PreviousArchive {
    dir: PathBuf,
    candidates: Vec<Candidate>,
    /// Indices into `candidates`, ascending, by the employee id the guide names.
    by_employee_id: HashMap<String, Vec<usize>>,
    /// Indices into `candidates`, ascending, by the leader's name as `normalize` folds it.
    by_name: HashMap<String, Vec<usize>>,
}

/// What was found for one row.
#[derive(Debug)]
pub enum Lookup {
    /// The newest earlier guide, read.
    Found {
        path: PathBuf,
        carried: Box<Carried>,
    },
    /// No archived guide from an earlier year is this leader's.
    None,
    /// Several guides of the newest earlier year could be this leader's (their archive
    /// paths); none is used.
    Several(Vec<String>),
    /// The one guide found cannot be read.
    Unreadable { path: PathBuf, message: String },
}

impl PreviousArchive {
    /// Opens the archive in `dir`: who each guide is for, and what it carries over, from
    /// the index. Of a guide archived in several versions, the newest counts. The
    /// signatures are not checked again: the archive judged them when it took the file.
    pub fn open(dir: &Path) -> Result<PreviousArchive> {
        let archive = Archive::open(dir, false)?;
        let mut guides = archive.guides()?;
        guides.sort_by(|a, b| (&a.guide_id, b.version).cmp(&(&b.guide_id, a.version)));
        guides.dedup_by(|later, kept| later.guide_id == kept.guide_id);
        let mut recorded = archive.recorded()?;
        let root = archive.dir().to_path_buf();
        drop(archive);
        // A guide an earlier mus archived has no employee id in the index: what it carries
        // over says it (the index's record, else its file, read now), and a batch that
        // goes ahead records it later.
        let candidates: Vec<Candidate> = guides
            .into_iter()
            .map(|guide| Candidate {
                path: root.join(&guide.path),
                recorded: recorded.remove(&guide.sha256),
                guide,
                carried_over: OnceLock::new(),
            })
            .collect::<Vec<_>>()
            .into_par_iter()
            .map(|mut candidate| {
                if candidate.guide.employee_id == EmployeeId::NotRecorded {
                    if let Ok((carried, _)) = candidate.carried_over() {
                        candidate.guide.employee_id =
                            EmployeeId::of(carried.identity.employee_id.as_deref());
                    }
                }
                candidate
            })
            .collect();
        Ok(PreviousArchive::new(dir, candidates))
    }

    /// What [`record_learned`] records for the next batch, once the lookups are done:
    /// what was read from the files of guides the index had no record of (or one of an
    /// earlier format).
    pub fn into_learned(self) -> Vec<Learned> {
        self.candidates
            .into_iter()
            .filter_map(|candidate| {
                let (carried, from_file) = candidate.carried_over.into_inner()?.ok()?;
                from_file.then(|| Learned {
                    sha256: candidate.guide.sha256,
                    employee_id: EmployeeId::of(carried.identity.employee_id.as_deref()),
                    recorded: Recorded::of(&carried),
                })
            })
            .collect()
    }

    /// The archive in `dir` of these guides, found by id and by name.
    fn new(dir: &Path, candidates: Vec<Candidate>) -> PreviousArchive {
        let mut by_employee_id: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (index, candidate) in candidates.iter().enumerate() {
            if let Some(id) = candidate.guide.employee_id.id() {
                by_employee_id
                    .entry(id.to_string())
                    .or_default()
                    .push(index);
            }
            let name = normalize(&candidate.guide.leader);
            if !name.is_empty() {
                by_name.entry(name).or_default().push(index);
            }
        }
        PreviousArchive {
            dir: dir.to_path_buf(),
            candidates,
            by_employee_id,
            by_name,
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The candidates at `indices` from before `year`.
    fn before<'a>(
        &'a self,
        indices: Option<&'a [usize]>,
        year: i32,
    ) -> impl Iterator<Item = &'a Candidate> {
        indices
            .unwrap_or_default()
            .iter()
            .map(|&i| &self.candidates[i])
            .filter(move |c| c.guide.year < year)
    }

    /// The newest archived guide from before `year` that is `people`'s, read.
    pub fn lookup(&self, people: &People, year: i32) -> Lookup {
        // By employee id alone when a guide has the row's: a name or unit that changed
        // since does not matter. Guides with another id are other people's.
        let mut matches: Vec<&Candidate> = match &people.employee_id {
            Some(id) => self
                .before(self.by_employee_id.get(id).map(Vec::as_slice), year)
                .collect(),
            None => Vec::new(),
        };
        if matches.is_empty() {
            // The same name, folded (the map's key), as `archive status` folds it.
            matches = self
                .before(
                    self.by_name
                        .get(&normalize(&people.name))
                        .map(Vec::as_slice),
                    year,
                )
                .filter(|c| c.guide.employee_id.id().is_none() || people.employee_id.is_none())
                .filter(|c| same_unit(people, &c.guide))
                .collect();
        }
        let Some(newest) = matches.iter().map(|c| c.guide.year).max() else {
            return Lookup::None;
        };
        let mut newest: Vec<&Candidate> = matches
            .into_iter()
            .filter(|c| c.guide.year == newest)
            .collect();
        if newest.len() > 1 {
            newest.sort_by(|a, b| a.guide.path.cmp(&b.guide.path));
            return Lookup::Several(newest.iter().map(|c| c.guide.path.clone()).collect());
        }
        let candidate = newest[0];
        match candidate.carried_over() {
            Ok((carried, _)) => Lookup::Found {
                path: candidate.path.clone(),
                carried: carried.clone(),
            },
            Err(message) => Lookup::Unreadable {
                path: candidate.path.clone(),
                message: message.clone(),
            },
        }
    }
}

/// The same unit as `archive status` has it, for a leader of the same name: folded, and
/// any unit when either names none.
fn same_unit(people: &People, guide: &ArchivedGuide) -> bool {
    people.unit.trim().is_empty()
        || guide.unit.trim().is_empty()
        || normalize(&people.unit) == normalize(&guide.unit)
}

impl Lookup {
    /// What a batch's summary says about the row, `None` when a guide was found and read.
    pub fn problem(&self, archive: &Path) -> Option<String> {
        match self {
            Lookup::Found { .. } => None,
            Lookup::None => Some(format!(
                "no guide from an earlier year in {} is this leader's (by employee id, name or \
                 unit): the guide has no follow-up of last year's plan",
                archive.display()
            )),
            Lookup::Several(paths) => Some(format!(
                "{} guides in {} could be this leader's last year's ({}); none is used: they \
                 share the name and unit, and no employee id tells them apart",
                paths.len(),
                archive.display(),
                paths.join(", ")
            )),
            Lookup::Unreadable { path, message } => Some(format!(
                "last year's guide {} cannot be read: {message}; none is used",
                path.display()
            )),
        }
    }

    pub fn carried(&self) -> Option<&Carried> {
        match self {
            Lookup::Found { carried, .. } => Some(carried),
            _ => None,
        }
    }
}

/// Records in the index of the archive in `dir` what a batch read from the files of
/// guides the index had no record of, so the next batch need not read them (where the
/// index may be written; see `Index::record_learned`). How many rows were updated.
pub fn record_learned(dir: &Path, learned: &[Learned]) -> Result<usize> {
    if learned.is_empty() {
        return Ok(0);
    }
    Archive::open(dir, false)?.record_learned(learned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::Status;

    fn candidate(
        id: &str,
        year: i32,
        leader: &str,
        unit: &str,
        employee: Option<&str>,
    ) -> Candidate {
        Candidate {
            guide: ArchivedGuide {
                guide_id: id.into(),
                version: 1,
                leader: leader.into(),
                unit: unit.into(),
                level: "chef".into(),
                focus: Vec::new(),
                dialogue_date: format!("{year}-01-15"),
                year,
                framework: String::new(),
                path: format!("{year}/{id}.pdf"),
                sha256: String::new(),
                size: 0,
                status: Status::Signed,
                added_at: String::new(),
                signatures: Vec::new(),
                employee_id: EmployeeId::of(employee),
            },
            path: PathBuf::from(format!("/nonexistent/{id}.pdf")),
            recorded: None,
            carried_over: OnceLock::new(),
        }
    }

    fn people(name: &str, unit: &str, id: Option<&str>) -> People {
        People {
            name: name.into(),
            manager: String::new(),
            unit: unit.into(),
            employee_id: id.map(str::to_string),
        }
    }

    #[test]
    fn ids_decide_names_fold_and_two_of_the_newest_year_are_not_guessed_between() {
        let archive = PreviousArchive::new(
            Path::new("/arkiv"),
            vec![
                // A namesake with another employee id is someone else.
                candidate("2026-A", 2026, "Åse Ærø", "Nord", Some("2")),
                // This year's own guide is not last year's.
                candidate("2027-B", 2027, "Åse Ærø", "Nord", Some("1")),
                candidate("2025-C", 2025, "Aase Aeroe", "nord", None),
                candidate("2026-D", 2026, "Åse Ærø", "Nord", None),
                candidate("2026-E", 2026, "Åse Ærø", "", None),
            ],
        );
        // With id 1: no guide has it, so those without an id and the same name count;
        // two of 2026 (the unit-less one matches any unit).
        match archive.lookup(&people("Åse Ærø", "Nord", Some("1")), 2027) {
            Lookup::Several(paths) => assert_eq!(paths, ["2026/2026-D.pdf", "2026/2026-E.pdf"]),
            other => panic!("{other:?}"),
        }
        // With id 2 the namesake of 2026 is found by id alone, under another name and
        // unit too (its file is missing here, so it is found but unreadable).
        match archive.lookup(&people("Åse Hansen", "Syd", Some("2")), 2027) {
            Lookup::Unreadable { path, .. } => assert!(path.ends_with("2026-A.pdf")),
            other => panic!("{other:?}"),
        }
        // Before 2026, only the folded spelling of 2025 is left.
        match archive.lookup(&people("ÅSE  ÆRØ", "Nord", None), 2026) {
            Lookup::Unreadable { path, .. } => assert!(path.ends_with("2025-C.pdf")),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            archive.lookup(&people("Bo Ærø", "Nord", None), 2027),
            Lookup::None
        ));
    }
}
