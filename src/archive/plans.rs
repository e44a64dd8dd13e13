//! `mus archive plans`: the agreed development plans of a year, for HR's
//! competence-development budget — per plan row the leader, unit, level, year, goal,
//! action, who and deadline. Only the plan leaves the guides, as the index recorded it or
//! read from the file ([`crate::archive::answers::of_archived`]); nothing else they hold.
//!
//! Also which archived guides settle a leader's year and what they carried
//! ([`settling_versions`], [`read_answers`]), which `mus archive report` shares.

use std::collections::HashMap;
use std::path::Path;

use crate::archive::answers::{self, Carried, PlanRow};
use crate::archive::error::{Error, Result};
use crate::archive::{ArchivedGuide, Status};
use crate::base::text::normalize;
use crate::model::framework::Framework;

/// One plan row of one archived guide.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanLine {
    pub guide: ArchivedGuide,
    pub row: PlanRow,
}

/// Of every archived guide, the version that settles it: the latest signed version, else
/// (only with `include_unsigned`) the latest version. As `archive status` counts them.
pub fn settling_versions(guides: &[ArchivedGuide], include_unsigned: bool) -> Vec<ArchivedGuide> {
    let mut by_id: std::collections::BTreeMap<&str, &ArchivedGuide> = Default::default();
    for g in guides {
        let better = match by_id.get(g.guide_id.as_str()) {
            None => true,
            Some(kept) => {
                let rank = |g: &ArchivedGuide| (g.status == Status::Signed, g.version);
                rank(g) > rank(kept)
            }
        };
        if better {
            by_id.insert(&g.guide_id, g);
        }
    }
    let mut kept: Vec<ArchivedGuide> = by_id
        .into_values()
        .filter(|g| include_unsigned || g.status == Status::Signed)
        .cloned()
        .collect();
    kept.sort_by(|a, b| {
        (
            a.year,
            normalize(&a.unit),
            normalize(&a.leader),
            &a.guide_id,
        )
            .cmp(&(
                b.year,
                normalize(&b.unit),
                normalize(&b.leader),
                &b.guide_id,
            ))
    });
    kept
}

/// The plan and ratings of an archived guide in `dir`, as the index recorded them
/// (`recorded`, by SHA-256: [`crate::archive::Archive::recorded`]) or read from its file
/// ([`answers::of_archived`]).
pub fn read_answers(
    dir: &Path,
    guide: &ArchivedGuide,
    recorded: &HashMap<String, String>,
) -> Result<Carried> {
    let path = dir.join(&guide.path);
    let record = recorded.get(&guide.sha256).map(String::as_str);
    match answers::of_archived(&path, guide, record) {
        Ok((carried, _)) => Ok(carried),
        Err(message) => Err(Error::Archive {
            path,
            message: format!("its answers cannot be read: {message}"),
        }),
    }
}

/// Every non-empty plan row of the settling versions of the archive's guides of `year`
/// (all years without one) and `unit` (folded as `archive status` folds it).
pub fn plans(
    dir: &Path,
    guides: &[ArchivedGuide],
    recorded: &HashMap<String, String>,
    year: Option<i32>,
    unit: Option<&str>,
    include_unsigned: bool,
) -> Result<Vec<PlanLine>> {
    let unit = unit.map(normalize);
    let chosen: Vec<ArchivedGuide> = guides
        .iter()
        .filter(|g| year.is_none_or(|y| g.year == y))
        .filter(|g| unit.as_ref().is_none_or(|u| &normalize(&g.unit) == u))
        .cloned()
        .collect();
    let mut lines = Vec::new();
    for guide in settling_versions(&chosen, include_unsigned) {
        let carried = read_answers(dir, &guide, recorded)?;
        lines.extend(carried.plan.into_iter().map(|row| PlanLine {
            guide: guide.clone(),
            row,
        }));
    }
    Ok(lines)
}

/// A level's name in the built-in framework ("Leder af ledere"), else its id as recorded.
pub fn level_name(id: &str) -> String {
    static BUILTIN: std::sync::OnceLock<Option<Framework>> = std::sync::OnceLock::new();
    BUILTIN
        .get_or_init(|| Framework::builtin().ok())
        .as_ref()
        .and_then(|f| f.level(id))
        .map_or_else(|| id.to_string(), |l| l.name.clone())
}

/// The plans as CSV for a Danish Excel (UTF-8 with BOM, `;`, CRLF, formulas neutralised).
pub fn csv(lines: &[PlanLine]) -> Vec<u8> {
    let header = [
        "År",
        "Enhed",
        "Leder",
        "Niveau",
        "Status",
        "Række",
        "Mål",
        "Handling",
        "Hvem",
        "Frist",
        "Opfølgning",
        "Guide-id",
    ]
    .map(String::from);
    let rows = lines.iter().map(|l| {
        [
            l.guide.year.to_string(),
            l.guide.unit.clone(),
            l.guide.leader.clone(),
            level_name(&l.guide.level),
            match l.guide.status {
                Status::Signed => "underskrevet".to_string(),
                Status::Unsigned => "ikke underskrevet".to_string(),
            },
            l.row.row.to_string(),
            l.row.maal.clone(),
            l.row.handling.clone(),
            l.row.hvem.clone(),
            l.row.frist.clone(),
            l.row.opfoelgning.clone(),
            l.guide.guide_id.clone(),
        ]
    });
    crate::base::files::excel_csv(std::iter::once(header).chain(rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guide(id: &str, version: u32, status: Status) -> ArchivedGuide {
        ArchivedGuide {
            guide_id: id.into(),
            version,
            leader: "Bo".into(),
            unit: "Nord".into(),
            level: "chef".into(),
            focus: vec![],
            dialogue_date: "2027-01-15".into(),
            year: 2027,
            framework: "x 1".into(),
            path: format!("{id}-v{version}.pdf"),
            sha256: String::new(),
            size: 0,
            status,
            added_at: String::new(),
            signatures: vec![],
            employee_id: crate::archive::EmployeeId::NotRecorded,
        }
    }

    #[test]
    fn the_latest_signed_version_settles_a_guide_and_unsigned_ones_only_when_asked() {
        let guides = vec![
            guide("A", 1, Status::Signed),
            guide("A", 2, Status::Unsigned),
            guide("B", 1, Status::Unsigned),
            guide("B", 2, Status::Unsigned),
        ];
        let got = |all| {
            settling_versions(&guides, all)
                .iter()
                .map(|g| (g.guide_id.clone(), g.version))
                .collect::<Vec<_>>()
        };
        assert_eq!(got(false), vec![("A".to_string(), 1)]);
        assert_eq!(got(true), vec![("A".to_string(), 1), ("B".to_string(), 2)]);
    }
}
