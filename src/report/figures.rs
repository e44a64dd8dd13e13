//! The report's figures: completion per unit (from `archive status`'s matching of roster
//! and archive), and the anonymised leadership profile with its suppression. Plain data;
//! the PDF and the CSV only show what is here.

use std::collections::BTreeMap;

use crate::archive::status::{Standing, StatusReport};
use crate::base::text::normalize;
use crate::model::followup::Rating;

/// The ratings' scale.
pub const SCALE: std::ops::RangeInclusive<u8> = 1..=5;

/// One roster leader as the report sees them.
#[derive(Debug, Clone, PartialEq)]
pub struct Leader {
    pub unit: String,
    /// The level of the leader's archived guide ("" when none is archived).
    pub level: String,
    pub standing: Standing,
    /// A signed guide with at least one non-empty plan row.
    pub has_plan: bool,
    /// The signed guide's ratings (none for an unsigned or missing guide).
    pub ratings: Vec<Rating>,
}

/// Completion of one unit (or of all).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Completion {
    pub unit: String,
    pub leaders: usize,
    pub signed: usize,
    pub unsigned: usize,
    pub missing: usize,
    /// Leaders whose signed guide holds a written development plan.
    pub with_plan: usize,
}

impl Completion {
    /// The share of the unit's leaders with a signed plan, in per cent.
    pub fn plan_share(&self) -> f64 {
        if self.leaders == 0 {
            0.0
        } else {
            100.0 * self.with_plan as f64 / self.leaders as f64
        }
    }

    fn count(&mut self, leader: &Leader) {
        self.leaders += 1;
        match leader.standing {
            Standing::Signed => self.signed += 1,
            Standing::Unsigned => self.unsigned += 1,
            Standing::Missing => self.missing += 1,
        }
        self.with_plan += usize::from(leader.has_plan);
    }
}

/// Whom a profile cell describes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    All,
    Level(String),
    Unit(String),
}

/// The ratings of one principle in one group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tally {
    /// Leaders with at least one rating of the principle, by anyone.
    pub leaders: usize,
    /// Leaders behind each figure ([`Series`]): with at least one self-rating of the
    /// principle, with at least one rating by their manager, with at least one expectation
    /// both rated.
    pub behind: [usize; 3],
    /// Self-ratings 1–5 (index 0 is 1).
    pub own: [u32; 5],
    /// The managers' ratings 1–5.
    pub manager: [u32; 5],
    /// The sum of (self − manager) over expectations both rated, and how many.
    pub gap_sum: i64,
    pub gap_pairs: u32,
}

/// The figures of a cell, each shown or hidden on its own: the self-ratings (distribution
/// and mean), the managers' ratings (distribution and mean), and the mean gap between them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Series {
    Own = 0,
    Manager = 1,
    Gap = 2,
}

impl Series {
    pub const ALL: [Series; 3] = [Series::Own, Series::Manager, Series::Gap];
}

impl Tally {
    fn add(&mut self, ratings: &[&Rating]) {
        if ratings.is_empty() {
            return;
        }
        self.leaders += 1;
        let mut rated = [false; 3];
        for r in ratings {
            if let Some(s) = r.leader.filter(|s| SCALE.contains(s)) {
                self.own[usize::from(s - 1)] += 1;
                rated[Series::Own as usize] = true;
            }
            if let Some(s) = r.manager.filter(|s| SCALE.contains(s)) {
                self.manager[usize::from(s - 1)] += 1;
                rated[Series::Manager as usize] = true;
            }
            if let (Some(a), Some(b)) = (r.leader, r.manager) {
                if SCALE.contains(&a) && SCALE.contains(&b) {
                    self.gap_sum += i64::from(a) - i64::from(b);
                    self.gap_pairs += 1;
                    rated[Series::Gap as usize] = true;
                }
            }
        }
        for (n, r) in self.behind.iter_mut().zip(rated) {
            *n += usize::from(r);
        }
    }

    /// How many leaders a figure is built from.
    pub fn behind(&self, series: Series) -> usize {
        self.behind[series as usize]
    }

    pub fn mean(counts: &[u32; 5]) -> Option<f64> {
        let n: u32 = counts.iter().sum();
        (n > 0).then(|| {
            counts
                .iter()
                .enumerate()
                .map(|(i, c)| (i + 1) as f64 * *c as f64)
                .sum::<f64>()
                / n as f64
        })
    }

    /// The mean of (self − manager): positive when leaders rate themselves higher.
    pub fn mean_gap(&self) -> Option<f64> {
        (self.gap_pairs > 0).then(|| self.gap_sum as f64 / self.gap_pairs as f64)
    }
}

/// Whether a cell is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    Yes,
    /// Built from fewer leaders than the minimum.
    TooFew,
    /// Large enough, but hidden so that a too-small cell cannot be derived from the total.
    Complementary,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub group: Group,
    pub principle: String,
    pub tally: Tally,
    /// Whether each figure ([`Series`]) is shown.
    pub shown: [Shown; 3],
}

impl Cell {
    pub fn shown(&self, series: Series) -> Shown {
        self.shown[series as usize]
    }

    /// Whether the figure is shown.
    pub fn shows(&self, series: Series) -> bool {
        self.shown(series) == Shown::Yes
    }

    /// Whether none of the cell's ratings is shown (the self-ratings and the managers').
    pub fn hidden(&self) -> bool {
        !self.shows(Series::Own) && !self.shows(Series::Manager)
    }
}

/// What the report says.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    pub year: i32,
    pub roster: String,
    /// `--unit`, as the roster spells it.
    pub unit: Option<String>,
    pub min_group: usize,
    pub completion: Vec<Completion>,
    pub total: Completion,
    /// Principle ids in the framework's order.
    pub principles: Vec<String>,
    /// Level ids in the framework's order.
    pub levels: Vec<String>,
    pub units: Vec<String>,
    pub cells: Vec<Cell>,
    /// Guides archived for the year that no roster row matches.
    pub unmatched: usize,
}

impl Figures {
    /// Counts and tallies `leaders` (the whole roster), suppresses, and keeps `unit`'s
    /// part when one is given: a unit's figures are then those the whole report shows for
    /// it, so two reports cannot be subtracted from each other.
    pub fn from_leaders(
        report: &StatusReport,
        leaders: &[Leader],
        order: &Order,
        unit: Option<&str>,
        min_group: usize,
    ) -> Figures {
        let units = roster_units(leaders);
        let mut principles: Vec<String> = leaders
            .iter()
            .flat_map(|l| l.ratings.iter().map(|r| r.principle.clone()))
            .collect();
        principles.sort_by_key(|p| order.principle(p));
        principles.dedup();
        let mut levels: Vec<String> = leaders
            .iter()
            .filter(|l| !l.level.is_empty())
            .map(|l| l.level.clone())
            .collect();
        levels.sort_by_key(|l| order.level(l));
        levels.dedup();

        let Counts {
            completion,
            total,
            tallies,
        } = Counts::from_leaders(leaders, &units, &principles);
        let unit_names: Vec<String> = units.into_iter().map(|(_, u)| u).collect();
        let mut cells = cells(&principles, &levels, &unit_names, &tallies);
        suppress(&mut cells, min_group);

        let (completion, total, units, levels) = match unit.map(normalize) {
            None => (
                completion.into_values().collect(),
                total,
                unit_names,
                levels,
            ),
            Some(key) => {
                let mine: Vec<Completion> = completion
                    .into_values()
                    .filter(|c| normalize(&c.unit) == key)
                    .collect();
                let total = mine.first().cloned().unwrap_or_else(|| Completion {
                    unit: unit.unwrap_or_default().to_string(),
                    ..Completion::default()
                });
                let name = total.unit.clone();
                cells.retain(|c| c.group == Group::Unit(name.clone()));
                (mine, total, vec![name], Vec::new())
            }
        };
        Figures {
            year: report.year,
            roster: report.origin.clone(),
            unit: unit.map(|_| total.unit.clone()),
            min_group,
            completion,
            total,
            principles,
            levels,
            units,
            cells,
            unmatched: report.unmatched.len(),
        }
    }

    /// The cell of `principle` for `group`.
    pub fn cell(&self, principle: &str, group: &Group) -> Option<&Cell> {
        self.cells
            .iter()
            .find(|c| c.principle == principle && &c.group == group)
    }
}

/// The roster's units as it first spells them, each with its folded key (units are
/// compared folded).
fn roster_units(leaders: &[Leader]) -> Vec<(String, String)> {
    let mut units: Vec<(String, String)> = Vec::new();
    for l in leaders {
        let key = normalize(&l.unit);
        if !units.iter().any(|(k, _)| *k == key) {
            units.push((key, l.unit.clone()));
        }
    }
    units
}

/// The roster counted: completion per unit (by the unit's place in the roster) and in
/// total, and the signed guides' ratings tallied per principle and group.
struct Counts {
    completion: BTreeMap<usize, Completion>,
    total: Completion,
    tallies: BTreeMap<(String, Group), Tally>,
}

impl Counts {
    /// `units` as [`roster_units`] gives them.
    fn from_leaders(
        leaders: &[Leader],
        units: &[(String, String)],
        principles: &[String],
    ) -> Counts {
        let unit_of = |l: &Leader| {
            let key = normalize(&l.unit);
            units
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, u)| u.clone())
                .unwrap_or_default()
        };
        let mut completion: BTreeMap<usize, Completion> = BTreeMap::new();
        let mut total = Completion {
            unit: "I alt".into(),
            ..Completion::default()
        };
        let mut tallies: BTreeMap<(String, Group), Tally> = BTreeMap::new();
        for l in leaders {
            let name = unit_of(l);
            let position = units.iter().position(|(_, u)| *u == name).unwrap_or(0);
            completion
                .entry(position)
                .or_insert_with(|| Completion {
                    unit: name.clone(),
                    ..Completion::default()
                })
                .count(l);
            total.count(l);
            if l.standing != Standing::Signed {
                continue;
            }
            for p in principles {
                let of: Vec<&Rating> = l.ratings.iter().filter(|r| &r.principle == p).collect();
                for group in [
                    Group::All,
                    Group::Level(l.level.clone()),
                    Group::Unit(name.clone()),
                ] {
                    tallies.entry((p.clone(), group)).or_default().add(&of);
                }
            }
        }
        Counts {
            completion,
            total,
            tallies,
        }
    }
}

/// A cell per principle for all leaders, each level and each unit, in that order, all
/// shown until [`suppress`] has judged them.
fn cells(
    principles: &[String],
    levels: &[String],
    units: &[String],
    tallies: &BTreeMap<(String, Group), Tally>,
) -> Vec<Cell> {
    let mut cells = Vec::new();
    for p in principles {
        let groups = std::iter::once(Group::All)
            .chain(levels.iter().cloned().map(Group::Level))
            .chain(units.iter().cloned().map(Group::Unit));
        for group in groups {
            let tally = tallies
                .get(&(p.clone(), group.clone()))
                .copied()
                .unwrap_or_default();
            cells.push(Cell {
                group,
                principle: p.clone(),
                tally,
                shown: [Shown::Yes; 3],
            });
        }
    }
    cells
}

/// Suppression, per principle and per figure ([`Series`]), on the leaders behind that
/// figure: a figure from fewer than `min` leaders is not shown; and in each breakdown of
/// the total (by level, by unit), as long as the hidden figures together rest on fewer
/// than `min` leaders — so that the total minus the shown ones would give away a too-small
/// group — the smallest shown one is hidden too. The gap is hidden wherever either rating
/// is (with the self-ratings' mean it would give the managers' mean away), and then
/// suppressed as the others are.
pub fn suppress(cells: &mut [Cell], min: usize) {
    let principles: Vec<String> = {
        let mut p: Vec<String> = cells.iter().map(|c| c.principle.clone()).collect();
        p.dedup();
        p
    };
    for p in principles {
        for series in Series::ALL {
            let s = series as usize;
            for c in cells.iter_mut().filter(|c| c.principle == p) {
                let n = c.tally.behind(series);
                if n > 0 && n < min {
                    c.shown[s] = Shown::TooFew;
                } else if series == Series::Gap {
                    let rater = [
                        c.shown[Series::Own as usize],
                        c.shown[Series::Manager as usize],
                    ];
                    if let Some(&why) = rater.iter().find(|&&r| r != Shown::Yes) {
                        c.shown[s] = why;
                    }
                }
            }
            complement(cells, &p, series, min);
        }
    }
}

/// Complementary suppression of one figure of one principle, in each breakdown.
fn complement(cells: &mut [Cell], principle: &str, series: Series, min: usize) {
    let s = series as usize;
    let partitions: [fn(&Group) -> bool; 2] = [
        |g| matches!(g, Group::Level(_)),
        |g| matches!(g, Group::Unit(_)),
    ];
    for in_partition in partitions {
        loop {
            let members: Vec<usize> = (0..cells.len())
                .filter(|&i| cells[i].principle == principle && in_partition(&cells[i].group))
                .filter(|&i| cells[i].tally.behind(series) > 0)
                .collect();
            let hidden: usize = members
                .iter()
                .filter(|&&i| cells[i].shown[s] != Shown::Yes)
                .map(|&i| cells[i].tally.behind(series))
                .sum();
            if hidden == 0 || hidden >= min {
                break;
            }
            let smallest = members
                .iter()
                .copied()
                .filter(|&i| cells[i].shown[s] == Shown::Yes)
                .min_by_key(|&i| (cells[i].tally.behind(series), i));
            match smallest {
                Some(i) => cells[i].shown[s] = Shown::Complementary,
                None => break,
            }
        }
    }
}

/// The order and names of principles and levels (the built-in framework's, then others
/// alphabetically by id).
#[derive(Debug, Clone, Default)]
pub struct Order {
    pub principles: Vec<(String, String)>,
    pub levels: Vec<(String, String)>,
}

impl Order {
    pub fn builtin() -> Order {
        match crate::model::framework::Framework::builtin() {
            Ok(f) => Order {
                principles: f
                    .principles
                    .iter()
                    .map(|p| (p.id.clone(), p.name.clone()))
                    .collect(),
                levels: f
                    .levels
                    .iter()
                    .map(|l| (l.id.clone(), l.name.clone()))
                    .collect(),
            },
            Err(_) => Order::default(),
        }
    }

    fn principle(&self, id: &str) -> (usize, String) {
        rank(&self.principles, id)
    }

    fn level(&self, id: &str) -> (usize, String) {
        rank(&self.levels, id)
    }

    pub fn principle_name(&self, id: &str) -> String {
        name(&self.principles, id)
    }

    pub fn level_name(&self, id: &str) -> String {
        name(&self.levels, id)
    }
}

fn rank(list: &[(String, String)], id: &str) -> (usize, String) {
    let i = list.iter().position(|(k, _)| k == id).unwrap_or(list.len());
    (i, id.to_string())
}

fn name(list: &[(String, String)], id: &str) -> String {
    list.iter()
        .find(|(k, _)| k == id)
        .map_or_else(|| id.to_string(), |(_, n)| n.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(group: Group, leaders: usize) -> Cell {
        Cell {
            group,
            principle: "p".into(),
            tally: Tally {
                leaders,
                behind: [leaders; 3],
                ..Tally::default()
            },
            shown: [Shown::Yes; 3],
        }
    }

    /// The self-ratings' visibility (the same for every figure when every leader was
    /// rated by both).
    fn shown(cells: &[Cell]) -> Vec<Shown> {
        for c in cells {
            assert!(c.shown.iter().all(|s| *s == c.shown[0]), "{c:?}");
        }
        cells.iter().map(|c| c.shown[0]).collect()
    }

    #[test]
    fn one_small_unit_takes_the_next_smallest_with_it() {
        let mut cells = vec![
            cell(Group::All, 25),
            cell(Group::Unit("a".into()), 12),
            cell(Group::Unit("b".into()), 3),
            cell(Group::Unit("c".into()), 10),
        ];
        suppress(&mut cells, 5);
        use Shown::*;
        assert_eq!(shown(&cells), vec![Yes, Yes, TooFew, Complementary]);
    }

    #[test]
    fn hidden_cells_together_must_hold_the_minimum() {
        // 1 + 2 hidden are still a group of 3 by subtraction: 4 goes too.
        let mut cells = vec![
            cell(Group::All, 20),
            cell(Group::Level("x".into()), 1),
            cell(Group::Level("y".into()), 2),
            cell(Group::Level("z".into()), 4),
            cell(Group::Level("w".into()), 13),
        ];
        suppress(&mut cells, 5);
        use Shown::*;
        assert_eq!(
            shown(&cells),
            vec![Yes, TooFew, TooFew, TooFew, Yes],
            "4 is itself too few"
        );
        let mut cells = vec![
            cell(Group::All, 20),
            cell(Group::Level("x".into()), 2),
            cell(Group::Level("z".into()), 6),
            cell(Group::Level("w".into()), 12),
        ];
        suppress(&mut cells, 5);
        assert_eq!(shown(&cells), vec![Yes, TooFew, Complementary, Yes]);
    }

    #[test]
    fn a_small_total_hides_everything_and_nothing_small_means_nothing_hidden() {
        let mut cells = vec![cell(Group::All, 4), cell(Group::Unit("a".into()), 4)];
        suppress(&mut cells, 5);
        assert_eq!(shown(&cells), vec![Shown::TooFew, Shown::TooFew]);
        let mut cells = vec![
            cell(Group::All, 10),
            cell(Group::Unit("a".into()), 5),
            cell(Group::Unit("b".into()), 5),
            cell(Group::Unit("c".into()), 0),
        ];
        suppress(&mut cells, 5);
        assert!(cells.iter().all(|c| c.shown == [Shown::Yes; 3]));
    }

    #[test]
    fn a_figure_is_suppressed_on_the_leaders_behind_it_not_the_group() {
        // A unit of 3 where one manager rated nothing of the principle: the self-ratings
        // rest on 3, the managers' ratings and the gap on 2.
        let behind = |own: usize, manager: usize| Tally {
            leaders: own.max(manager),
            behind: [own, manager, own.min(manager)],
            ..Tally::default()
        };
        let mut cells: Vec<Cell> = [
            (Group::All, behind(22, 21)),
            (Group::Unit("a".into()), behind(9, 9)),
            (Group::Unit("b".into()), behind(10, 10)),
            (Group::Unit("c".into()), behind(3, 2)),
        ]
        .into_iter()
        .map(|(group, tally)| Cell {
            group,
            principle: "p".into(),
            tally,
            shown: [Shown::Yes; 3],
        })
        .collect();
        suppress(&mut cells, 3);
        use Shown::*;
        let got: Vec<[Shown; 3]> = cells.iter().map(|c| c.shown).collect();
        assert_eq!(
            got,
            vec![
                [Yes, Yes, Yes],
                // The next smallest unit's managers' figures go with the small one's.
                [Yes, Complementary, Complementary],
                [Yes, Yes, Yes],
                [Yes, TooFew, TooFew],
            ]
        );
    }

    #[test]
    fn the_gap_goes_where_either_rating_goes() {
        let mut cells = vec![
            cell(Group::All, 20),
            cell(Group::Unit("a".into()), 10),
            cell(Group::Unit("b".into()), 10),
        ];
        cells[1].tally.behind = [10, 10, 4];
        cells[2].tally.behind = [10, 10, 10];
        cells[0].tally.behind = [20, 20, 14];
        suppress(&mut cells, 5);
        use Shown::*;
        let got: Vec<[Shown; 3]> = cells.iter().map(|c| c.shown).collect();
        assert_eq!(
            got,
            vec![
                [Yes, Yes, Yes],
                [Yes, Yes, TooFew],
                [Yes, Yes, Complementary]
            ]
        );
    }
}
