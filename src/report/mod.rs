//! `mus archive report`: the yearly report to the MED committee, as a PDF (and CSV).
//!
//! Completion per unit comes from `archive status`'s own matching of roster and archive
//! ([`StatusReport`]); the leadership profile from the ratings in the signed guides
//! (read by [`crate::archive::answers`], which returns no free text). The parts: [`figures`] (what
//! is counted, and what is suppressed), [`csv`], [`charts`] and [`document`] (the pages).

pub mod charts;
pub mod csv;
pub mod document;
pub mod error;
pub mod figures;

use std::path::Path;

use crate::archive::plans::read_answers;
use crate::archive::status::{Person, Standing, StatusReport};
use crate::archive::Archive;
use crate::report::error::Result;

pub use figures::{Figures, Order};

/// What to report on.
pub struct Request<'a> {
    pub year: i32,
    pub unit: Option<&'a str>,
    pub min_group: usize,
}

/// Matches `people` (a roster) against the archive in `dir` as `archive status` does, reads
/// the signed guides' plans and ratings, and counts.
pub fn figures(
    dir: &Path,
    origin: &str,
    people: Vec<Person>,
    request: &Request,
    order: &Order,
) -> Result<Figures> {
    let archive = Archive::open(dir, false)?;
    let guides = archive.guides()?;
    let recorded = archive.recorded()?;
    let status = StatusReport::from_people(origin, people, &guides, request.year);
    let mut leaders = Vec::with_capacity(status.lines.len());
    for line in &status.lines {
        let guide = line.guide.as_ref();
        let unit = [line.person.unit.trim(), guide.map_or("", |g| g.unit.trim())]
            .into_iter()
            .find(|u| !u.is_empty())
            .unwrap_or("(ingen enhed)")
            .to_string();
        let (has_plan, ratings) = match (line.standing, guide) {
            (Standing::Signed, Some(g)) => {
                let carried = read_answers(archive.dir(), g, &recorded)?;
                (!carried.plan.is_empty(), carried.ratings)
            }
            _ => (false, Vec::new()),
        };
        leaders.push(figures::Leader {
            unit,
            level: guide.map(|g| g.level.clone()).unwrap_or_default(),
            standing: line.standing,
            has_plan,
            ratings,
        });
    }
    Ok(Figures::from_leaders(
        &status,
        &leaders,
        order,
        request.unit,
        request.min_group,
    ))
}
