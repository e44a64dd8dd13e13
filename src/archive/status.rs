//! `mus archive status`: for each leader on a roster (or a batch `manifest.json`), whether
//! a signed guide is archived for the year, an unsigned one, or none.
//!
//! A roster row is matched to archived guides by guide id when it has one (a manifest),
//! else by name folded as `matching::normalize` does (case, spaces, æ/ø/å spellings), and
//! by unit when both the row and the guide name one.

use std::path::Path;

use crate::archive::error::{Error, Result};
use crate::archive::{ArchivedGuide, Status};
use crate::base::text::normalize;
use crate::model::error::Error as ModelError;
use crate::model::manifest::Manifest;
use crate::model::roster::{Column, Roster};

/// A leader as the roster names them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Person {
    /// The row as the roster numbers it (for a manifest, its roster row).
    pub row: usize,
    /// The roster's own id (employee number), if any.
    pub id: String,
    pub name: String,
    pub unit: String,
    /// The guide made for this row, when the roster is a batch manifest.
    pub guide_id: Option<String>,
}

/// Where a leader stands for the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    Signed,
    Unsigned,
    Missing,
}

impl Standing {
    pub fn as_str(self) -> &'static str {
        match self {
            Standing::Signed => "signed",
            Standing::Unsigned => "unsigned",
            Standing::Missing => "missing",
        }
    }

    /// The word in the CSV, which HR opens in a Danish Excel.
    fn danish(self) -> &'static str {
        match self {
            Standing::Signed => "underskrevet",
            Standing::Unsigned => "ikke underskrevet",
            Standing::Missing => "mangler",
        }
    }
}

/// One roster row and the archived guide that settles it (the latest signed version,
/// else the latest version).
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub person: Person,
    pub standing: Standing,
    pub guide: Option<ArchivedGuide>,
}

/// The status of a roster for one year.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusReport {
    pub origin: String,
    pub year: i32,
    pub lines: Vec<Line>,
    /// Guides archived for the year that no roster row matches.
    pub unmatched: Vec<ArchivedGuide>,
}

/// The leaders of a roster or a batch manifest.
pub fn read_people(path: &Path, sheet: Option<&str>) -> Result<(String, Vec<Person>)> {
    let origin = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    people_from_bytes(origin, bytes, sheet)
}

/// The leaders of a roster or a batch manifest given as bytes; `origin` names it in
/// messages (and its extension helps tell a roster's format).
pub fn people_from_bytes(
    origin: String,
    bytes: Vec<u8>,
    sheet: Option<&str>,
) -> Result<(String, Vec<Person>)> {
    let (text, _) = crate::model::roster::decode(&bytes);
    if text.trim_start().starts_with('{') {
        let manifest: Manifest = serde_json::from_str(&text).map_err(|e| ModelError::Roster {
            origin: origin.clone(),
            message: format!(
                "is neither a roster (a JSON array) nor a batch manifest.json: line {} column {}: {e}",
                e.line(),
                e.column()
            ),
        })?;
        let people = manifest
            .guides
            .into_iter()
            .map(|r| Person {
                row: r.row,
                id: r.id,
                name: r.name,
                unit: r.unit,
                guide_id: Some(r.guide_id).filter(|g| !g.is_empty()),
            })
            .collect();
        return Ok((origin, people));
    }
    let roster = Roster::from_bytes_any(&origin, bytes, sheet)?;
    if !roster.rows.is_empty() && !roster.rows.iter().any(|r| r.has(Column::Name)) {
        return Err(ModelError::Roster {
            origin,
            message: format!(
                "no name column; name one of: {}",
                Column::Name.headers().join(", ")
            ),
        }
        .into());
    }
    let people = roster
        .rows
        .iter()
        .map(|r| Person {
            row: r.number,
            id: r.get(Column::Id).to_string(),
            name: r.get(Column::Name).to_string(),
            unit: r.get(Column::Unit).to_string(),
            guide_id: None,
        })
        .collect();
    Ok((roster.origin, people))
}

impl StatusReport {
    /// Matches every person to the guides archived for `year`.
    pub fn from_people(
        origin: &str,
        people: Vec<Person>,
        guides: &[ArchivedGuide],
        year: i32,
    ) -> StatusReport {
        let of_year: Vec<&ArchivedGuide> = guides.iter().filter(|g| g.year == year).collect();
        let mut used = vec![false; of_year.len()];
        let mut lines = Vec::new();
        for person in people {
            let by_id: Vec<usize> = match &person.guide_id {
                Some(id) => (0..of_year.len())
                    .filter(|&i| &of_year[i].guide_id == id)
                    .collect(),
                None => Vec::new(),
            };
            let matched = if by_id.is_empty() {
                (0..of_year.len())
                    .filter(|&i| same_leader(&person, of_year[i]))
                    .collect()
            } else {
                by_id
            };
            for &i in &matched {
                used[i] = true;
            }
            // Versions are ordered, so the last one of a kind is the latest.
            let signed = matched
                .iter()
                .rev()
                .find(|&&i| of_year[i].status == Status::Signed);
            let (standing, guide) = match (signed, matched.last()) {
                (Some(&i), _) => (Standing::Signed, Some(of_year[i].clone())),
                (None, Some(&i)) => (Standing::Unsigned, Some(of_year[i].clone())),
                (None, None) => (Standing::Missing, None),
            };
            lines.push(Line {
                person,
                standing,
                guide,
            });
        }
        let unmatched = of_year
            .iter()
            .zip(&used)
            .filter(|(_, used)| !**used)
            .map(|(g, _)| (*g).clone())
            .collect();
        StatusReport {
            origin: origin.to_string(),
            year,
            lines,
            unmatched,
        }
    }

    pub fn count(&self, standing: Standing) -> usize {
        self.lines.iter().filter(|l| l.standing == standing).count()
    }

    /// The summary line.
    pub fn summary(&self) -> String {
        format!(
            "MUS {}: {} leaders on {} — {} signed, {} unsigned, {} missing",
            self.year,
            self.lines.len(),
            self.origin,
            self.count(Standing::Signed),
            self.count(Standing::Unsigned),
            self.count(Standing::Missing)
        )
    }

    /// The status as CSV that opens in a Danish Excel: UTF-8 with BOM, `;`, CRLF (like
    /// the batch's manifest.csv).
    pub fn csv(&self) -> Vec<u8> {
        let header = [
            "År", "Række", "Id", "Navn", "Enhed", "Status", "Guide-id", "Version", "Dato", "Fil",
        ]
        .map(String::from);
        let rows = self.lines.iter().map(|line| {
            let g = line.guide.as_ref();
            let p = &line.person;
            [
                self.year.to_string(),
                p.row.to_string(),
                p.id.clone(),
                p.name.clone(),
                p.unit.clone(),
                line.standing.danish().to_string(),
                g.map_or_else(String::new, |g| g.guide_id.clone()),
                g.map_or_else(String::new, |g| g.version.to_string()),
                g.map_or_else(String::new, |g| g.dialogue_date.clone()),
                g.map_or_else(String::new, |g| g.path.clone()),
            ]
        });
        crate::base::files::excel_csv(std::iter::once(header).chain(rows))
    }
}

/// The same leader: the same name, folded, and the same unit when both name one.
fn same_leader(person: &Person, guide: &ArchivedGuide) -> bool {
    let name = normalize(&person.name);
    !name.is_empty()
        && name == normalize(&guide.leader)
        && (person.unit.trim().is_empty()
            || guide.unit.trim().is_empty()
            || normalize(&person.unit) == normalize(&guide.unit))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guide(id: &str, version: u32, leader: &str, unit: &str, status: Status) -> ArchivedGuide {
        ArchivedGuide {
            guide_id: id.into(),
            version,
            leader: leader.into(),
            unit: unit.into(),
            level: "chef".into(),
            focus: vec![],
            dialogue_date: format!("{}-01-15", &id[..4]),
            year: id[..4].parse().unwrap(),
            framework: "x 1".into(),
            path: format!("2027/x/{id}-v{version}.pdf"),
            sha256: String::new(),
            size: 0,
            status,
            added_at: String::new(),
            signatures: vec![],
            employee_id: crate::archive::EmployeeId::NotRecorded,
        }
    }

    fn person(row: usize, name: &str, unit: &str, guide_id: Option<&str>) -> Person {
        Person {
            row,
            name: name.into(),
            unit: unit.into(),
            guide_id: guide_id.map(str::to_string),
            ..Person::default()
        }
    }

    #[test]
    fn names_fold_units_must_agree_and_a_signed_version_wins() {
        let guides = vec![
            guide(
                "2027-AAAA0001",
                1,
                "Søren Ærø",
                "Skole Nord",
                Status::Signed,
            ),
            guide(
                "2027-AAAA0001",
                2,
                "Søren Ærø",
                "Skole Nord",
                Status::Unsigned,
            ),
            guide("2027-BBBB0002", 1, "Åse Holm", "Syd", Status::Unsigned),
            guide("2026-CCCC0003", 1, "Bo Dahl", "", Status::Signed),
        ];
        let people = vec![
            person(2, "SOEREN  aeroe", "skole nord", None),
            person(3, "Åse Holm", "Nord", None),
            person(4, "Bo Dahl", "", None),
            person(5, "Anyone", "", Some("2027-BBBB0002")),
        ];
        let report = StatusReport::from_people("r.csv", people, &guides, 2027);
        let got: Vec<(Standing, Option<(String, u32)>)> = report
            .lines
            .iter()
            .map(|l| {
                (
                    l.standing,
                    l.guide.as_ref().map(|g| (g.guide_id.clone(), g.version)),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (Standing::Signed, Some(("2027-AAAA0001".into(), 1))),
                (Standing::Missing, None),
                (Standing::Missing, None),
                (Standing::Unsigned, Some(("2027-BBBB0002".into(), 1))),
            ]
        );
        assert!(report.unmatched.is_empty());
    }
}
