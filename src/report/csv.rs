//! The report's figures as CSV in long format — one figure per line: unit, level,
//! principle, measure, value, n — for a pivot table in a Danish Excel (UTF-8 with BOM,
//! `;`, decimal comma). n is the number of leaders behind the line's figure. A suppressed
//! figure is one line saying so, without its values or n.

use super::figures::{Cell, Completion, Figures, Group, Order, Series, Tally};

/// All units or all levels.
pub const ALL: &str = "Alle";
/// What a suppressed cell says instead of its figures.
pub const TOO_FEW: &str = "for få til at vise";

/// A number with a decimal comma and `decimals` places.
pub fn decimal(value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    // -0.0 is 0.
    let text = if text.trim_start_matches(['-', '0', '.']).is_empty() {
        text.trim_start_matches('-').to_string()
    } else {
        text
    };
    text.replace('.', ",")
}

pub fn csv(figures: &Figures, order: &Order) -> Vec<u8> {
    let mut rows: Vec<[String; 6]> =
        vec![["Enhed", "Niveau", "Princip", "Mål", "Værdi", "n"].map(String::from)];
    let completion_rows = |c: &Completion, unit: &str, rows: &mut Vec<[String; 6]>| {
        let n = c.leaders.to_string();
        for (measure, value) in [
            ("ledere", c.leaders.to_string()),
            ("underskrevet", c.signed.to_string()),
            ("ikke_underskrevet", c.unsigned.to_string()),
            ("mangler", c.missing.to_string()),
            ("med_plan", c.with_plan.to_string()),
            ("andel_med_plan_pct", decimal(c.plan_share(), 1)),
        ] {
            rows.push([
                unit.to_string(),
                ALL.to_string(),
                String::new(),
                measure.to_string(),
                value,
                n.clone(),
            ]);
        }
    };
    for c in &figures.completion {
        completion_rows(c, &c.unit, &mut rows);
    }
    if figures.unit.is_none() {
        completion_rows(&figures.total, ALL, &mut rows);
    }
    for cell in &figures.cells {
        let (unit, level) = match &cell.group {
            Group::All => (ALL.to_string(), ALL.to_string()),
            Group::Level(l) => (ALL.to_string(), order.level_name(l)),
            Group::Unit(u) => (u.clone(), ALL.to_string()),
        };
        let principle = order.principle_name(&cell.principle);
        for (measure, value, n) in measures(cell) {
            rows.push([
                unit.clone(),
                level.clone(),
                principle.clone(),
                measure,
                value,
                n,
            ]);
        }
    }
    crate::base::files::excel_csv_with_numbers(rows, &[4])
}

/// A cell's lines: (measure, value, n), where n is the number of leaders behind that
/// figure. A hidden figure is one line saying so (`leders_leder_for_få_til_at_vise`),
/// without a value or an n.
fn measures(cell: &Cell) -> Vec<(String, String, String)> {
    let t: &Tally = &cell.tally;
    let hidden = |prefix: &str| {
        (
            format!("{prefix}_{}", TOO_FEW.replace(' ', "_")),
            String::new(),
            String::new(),
        )
    };
    let mean = |m: Option<f64>| m.map_or_else(String::new, |m| decimal(m, 2));
    let mut out = Vec::new();
    let raters = [
        (Series::Own, "selv", &t.own),
        (Series::Manager, "leders_leder", &t.manager),
    ];
    for (series, prefix, counts) in raters {
        if !cell.shows(series) {
            out.push(hidden(prefix));
            continue;
        }
        let n = t.behind(series).to_string();
        for (i, c) in counts.iter().enumerate() {
            out.push((format!("{prefix}_{}", i + 1), c.to_string(), n.clone()));
        }
    }
    for (series, prefix, counts) in raters {
        if cell.shows(series) {
            let n = t.behind(series).to_string();
            out.push((format!("{prefix}_gns"), mean(Tally::mean(counts)), n));
        }
    }
    if cell.shows(Series::Gap) {
        let n = t.behind(Series::Gap).to_string();
        out.push(("forskel_gns".into(), mean(t.mean_gap()), n));
    } else {
        out.push(hidden("forskel"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_have_a_comma_and_no_negative_zero() {
        assert_eq!(decimal(3.456, 2), "3,46");
        assert_eq!(decimal(-0.25, 2), "-0,25");
        assert_eq!(decimal(-0.001, 2), "0,00");
        assert_eq!(decimal(44.444, 1), "44,4");
    }
}
