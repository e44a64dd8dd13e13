//! The report's charts as layout fragments: rectangles, rules and labels in the guide's
//! fonts and colours, vector-drawn by the same PDF writer. Colour never carries meaning
//! alone: every series also has its own pattern (solid, hatched, open) and the numbers
//! are printed.

use crate::layout::theme::{
    ACCENT, ACCENT_LIGHT, BOX_STROKE, CONTENT_WIDTH, HAIRLINE, INK, MARGIN_LEFT, MUTED, TINT, WHITE,
};
use crate::layout::{Color, FontStyle, Fragment, Item, Measure, Stroke};

use super::csv::{decimal, TOO_FEW};
use super::figures::{Cell, Completion, Series, Tally};

/// Completion: the height of a unit's bar, and the width of the unit's label column.
pub const COMPLETION_BAR_HEIGHT: f32 = 14.0;
const LABEL_WIDTH: f32 = 118.0;
/// The longest bar: the unit with the most leaders.
pub const COMPLETION_BAR_MAX: f32 = 250.0;

/// Profile: each bar's width, and the height of the chart area: a bar's height is its
/// share of the rater's ratings in the cell, on one scale for every panel, whose top
/// ([`profile_scale`]) is the largest share shown, rounded up to the next 10 %.
pub const PROFILE_BAR_WIDTH: f32 = 9.0;
pub const PROFILE_FULL_HEIGHT: f32 = 50.0;
pub const PANELS_PER_ROW: usize = 3;
const PANEL_GAP: f32 = 12.0;
const PANEL_HEIGHT: f32 = 112.0;

/// The signed series (completion) and the self-ratings (profile): solid accent.
pub const SOLID: Color = ACCENT;
/// The unsigned series and the managers' ratings: light, outlined and hatched.
pub const HATCHED: Color = ACCENT_LIGHT;
const HATCH: Stroke = Stroke {
    width: 0.5,
    color: ACCENT,
};
const GRID: Color = Color(0.85, 0.87, 0.89);
const OUTLINE: Stroke = Stroke {
    width: 0.6,
    color: ACCENT,
};

fn text(x: f32, y: f32, size: f32, style: FontStyle, color: Color, text: &str) -> Item {
    Item::Text {
        x,
        y,
        size,
        style,
        color,
        text: text.into(),
    }
}

fn centred(
    m: &dyn Measure,
    cx: f32,
    y: f32,
    size: f32,
    style: FontStyle,
    color: Color,
    t: &str,
) -> Item {
    text(cx - m.width(style, t, size) / 2.0, y, size, style, color, t)
}

/// `t` shortened with an ellipsis until it fits `max`.
fn fit(m: &dyn Measure, t: &str, size: f32, style: FontStyle, max: f32) -> String {
    if m.width(style, t, size) <= max {
        return t.to_string();
    }
    let mut chars: Vec<char> = t.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let c = chars.iter().collect::<String>().trim_end().to_string() + "…";
        if m.width(style, &c, size) <= max {
            return c;
        }
    }
    String::new()
}

/// Diagonal hatching inside a rectangle (45°, `step` apart), clipped to it by hand.
fn hatch(items: &mut Vec<Item>, x: f32, y: f32, w: f32, h: f32, step: f32) {
    if w <= 0.5 || h <= 0.5 {
        return;
    }
    // Lines x' = x + k + t, y' = y + h - t (bottom-left to top-right), for k in steps.
    let mut k = -h + step / 2.0;
    while k < w {
        let t0 = (-k).max(0.0);
        let t1 = h.min(w - k);
        if t1 > t0 {
            items.push(Item::Line {
                x1: x + k + t0,
                y1: y + h - t0,
                x2: x + k + t1,
                y2: y + h - t1,
                stroke: HATCH,
            });
        }
        k += step;
    }
}

/// A hatched, outlined box: the second series' look.
fn hatched_box(items: &mut Vec<Item>, x: f32, y: f32, w: f32, h: f32) {
    items.push(Item::Rect {
        x,
        y,
        w,
        h,
        fill: Some(HATCHED),
        stroke: None,
    });
    hatch(items, x, y, w, h, 3.0);
    items.push(Item::Rect {
        x,
        y,
        w,
        h,
        fill: None,
        stroke: Some(OUTLINE),
    });
}

/// One legend entry per series: its swatch and its name.
pub fn legend(entries: &[(&str, Swatch)], m: &dyn Measure) -> Fragment {
    let mut items = Vec::new();
    let mut x = MARGIN_LEFT;
    for (label, swatch) in entries {
        swatch.draw(&mut items, x, 1.0, 10.0, 8.0);
        items.push(text(x + 14.0, 8.0, 7.5, FontStyle::Regular, INK, label));
        x += 14.0 + m.width(FontStyle::Regular, label, 7.5) + 16.0;
    }
    Fragment {
        height: 12.0,
        space_before: 6.0,
        items,
        ..Fragment::default()
    }
}

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Swatch {
    Solid,
    Hatched,
    Open,
}

impl Swatch {
    fn draw(self, items: &mut Vec<Item>, x: f32, y: f32, w: f32, h: f32) {
        match self {
            Swatch::Solid => items.push(Item::Rect {
                x,
                y,
                w,
                h,
                fill: Some(SOLID),
                stroke: None,
            }),
            Swatch::Hatched => hatched_box(items, x, y, w, h),
            Swatch::Open => items.push(Item::Rect {
                x,
                y,
                w,
                h,
                fill: Some(WHITE),
                stroke: Some(BOX_STROKE),
            }),
        }
    }
}

/// Completion as horizontal stacked bars, one per unit (and one for all): signed (solid),
/// unsigned (hatched), missing (open), each segment's count printed in or beside it, and
/// the share with a plan at the bar's end. Bars share one scale: the largest group's
/// leaders fill [`COMPLETION_BAR_MAX`].
pub fn completion(
    units: &[Completion],
    total: Option<&Completion>,
    m: &dyn Measure,
) -> Vec<Fragment> {
    let most = units
        .iter()
        .chain(total)
        .map(|c| c.leaders)
        .max()
        .unwrap_or(0)
        .max(1) as f32;
    let scale = COMPLETION_BAR_MAX / most;
    let mut out = Vec::new();
    for (i, c) in units.iter().chain(total).enumerate() {
        let is_total = total.is_some() && i == units.len();
        let mut items = Vec::new();
        let style = if is_total {
            FontStyle::Bold
        } else {
            FontStyle::Regular
        };
        let label = fit(m, &c.unit, 8.5, style, LABEL_WIDTH - 6.0);
        items.push(text(MARGIN_LEFT, 10.5, 8.5, style, INK, &label));
        let mut x = MARGIN_LEFT + LABEL_WIDTH;
        for (count, swatch) in [
            (c.signed, Swatch::Solid),
            (c.unsigned, Swatch::Hatched),
            (c.missing, Swatch::Open),
        ] {
            if count == 0 {
                continue;
            }
            let w = count as f32 * scale;
            swatch.draw(&mut items, x, 0.0, w, COMPLETION_BAR_HEIGHT);
            let label = count.to_string();
            let lw = m.width(FontStyle::Bold, &label, 7.5);
            // The count inside its segment, on a white tag over hatching; or, when the
            // segment is too narrow, nothing here — the table above has every count.
            if w >= lw + 4.0 {
                let cx = x + w / 2.0;
                let color = if swatch == Swatch::Solid { WHITE } else { INK };
                if swatch == Swatch::Hatched {
                    items.push(Item::Rect {
                        x: cx - lw / 2.0 - 1.5,
                        y: 3.0,
                        w: lw + 3.0,
                        h: 8.5,
                        fill: Some(WHITE),
                        stroke: None,
                    });
                }
                items.push(centred(m, cx, 10.0, 7.5, FontStyle::Bold, color, &label));
            }
            x += w;
        }
        items.push(text(
            x + 6.0,
            10.0,
            7.5,
            FontStyle::Regular,
            MUTED,
            &format!("med plan: {} %", decimal(c.plan_share(), 0)),
        ));
        out.push(Fragment {
            height: COMPLETION_BAR_HEIGHT + 6.0,
            space_before: if is_total { 6.0 } else { 0.0 },
            keep_with_next: true,
            items,
            ..Fragment::default()
        });
    }
    if let Some(last) = out.last_mut() {
        last.keep_with_next = false;
    }
    out
}

/// The share at the top of every panel's chart: the largest share of a rater's ratings in
/// any shown cell, rounded up to the next 10 % (at least 10 %).
pub fn profile_scale<'c>(cells: impl IntoIterator<Item = &'c Cell>) -> f32 {
    let mut top: f32 = 0.0;
    for cell in cells {
        for (series, counts) in [
            (Series::Own, &cell.tally.own),
            (Series::Manager, &cell.tally.manager),
        ] {
            if !cell.shows(series) {
                continue;
            }
            let of: u32 = counts.iter().sum();
            if of > 0 {
                let most = *counts.iter().max().unwrap_or(&0);
                top = top.max(most as f32 / of as f32);
            }
        }
    }
    // In tenths, so the gridlines fall on whole tens of per cent.
    ((top * 10.0 - 1e-4).ceil().max(1.0)) / 10.0
}

/// A principle's cells as small multiples, three to a row, kept on one page.
pub fn panels(cells: &[(&Cell, String)], scale: f32, m: &dyn Measure) -> Vec<Fragment> {
    let w = (CONTENT_WIDTH - PANEL_GAP * (PANELS_PER_ROW - 1) as f32) / PANELS_PER_ROW as f32;
    let rows = cells.len().div_ceil(PANELS_PER_ROW);
    cells
        .chunks(PANELS_PER_ROW)
        .enumerate()
        .map(|(r, row)| {
            let mut items = Vec::new();
            for (i, (cell, label)) in row.iter().enumerate() {
                let x = MARGIN_LEFT + i as f32 * (w + PANEL_GAP);
                panel(&mut items, cell, label, x, w, scale, m);
            }
            Fragment {
                height: PANEL_HEIGHT,
                space_before: 6.0,
                keep_with_next: r + 1 < rows,
                items,
                ..Fragment::default()
            }
        })
        .collect()
}

/// One panel: the group and its n, then per rating 1–5 the self-ratings (solid) and the
/// managers' ratings (hatched), each bar its share of the rater's ratings with the count
/// above it; the means and the mean gap below. A suppressed figure is not drawn and says
/// so; a cell with both ratings suppressed says so and nothing more.
fn panel(
    items: &mut Vec<Item>,
    cell: &Cell,
    label: &str,
    x: f32,
    w: f32,
    scale: f32,
    m: &dyn Measure,
) {
    let mut p = Panel { items, x, w, m };
    p.items.push(Item::Rect {
        x,
        y: 0.0,
        w,
        h: PANEL_HEIGHT,
        fill: None,
        stroke: Some(HAIRLINE),
    });
    let title = fit(m, label, 8.0, FontStyle::Bold, w - 12.0);
    p.items
        .push(text(x + 6.0, 11.0, 8.0, FontStyle::Bold, INK, &title));
    if cell.hidden() {
        p.hidden();
        return;
    }
    p.header(cell);
    let t: &Tally = &cell.tally;
    let own: u32 = if cell.shows(Series::Own) {
        t.own.iter().sum()
    } else {
        0
    };
    let manager: u32 = if cell.shows(Series::Manager) {
        t.manager.iter().sum()
    } else {
        0
    };
    if own + manager == 0 {
        p.centred_note(8.0, "ingen vurderinger");
        return;
    }
    p.grid(scale);
    p.bars(cell, [own, manager], scale);
    p.means(cell);
}

/// The baseline of a panel's bars, from the panel's top.
const PANEL_BASE: f32 = 84.0;

/// A panel being drawn: where it stands and what it draws into.
struct Panel<'a> {
    items: &'a mut Vec<Item>,
    x: f32,
    w: f32,
    m: &'a dyn Measure,
}

impl Panel<'_> {
    /// A cell with both ratings suppressed: a tinted area that says so.
    fn hidden(&mut self) {
        let (x, w) = (self.x, self.w);
        self.items.push(Item::Rect {
            x: x + 6.0,
            y: 20.0,
            w: w - 12.0,
            h: PANEL_HEIGHT - 26.0,
            fill: Some(TINT),
            stroke: None,
        });
        self.centred_note(8.5, TOO_FEW);
    }

    /// An italic note in the middle of the panel.
    fn centred_note(&mut self, size: f32, note: &str) {
        self.items.push(centred(
            self.m,
            self.x + self.w / 2.0,
            PANEL_HEIGHT / 2.0 + 8.0,
            size,
            FontStyle::Italic,
            MUTED,
            note,
        ));
    }

    /// The n behind the shown ratings, and which rater's ratings are too few to show.
    fn header(&mut self, cell: &Cell) {
        let t = &cell.tally;
        let (show_own, show_manager) = (cell.shows(Series::Own), cell.shows(Series::Manager));
        let n = match (show_own, show_manager) {
            (true, true) if t.behind(Series::Own) == t.behind(Series::Manager) => {
                format!("n = {} ledere", t.behind(Series::Own))
            }
            (true, true) => format!(
                "n = {} ledere (selv) · {} (leders leder)",
                t.behind(Series::Own),
                t.behind(Series::Manager)
            ),
            (true, false) => format!("n = {} ledere (selv)", t.behind(Series::Own)),
            _ => format!("n = {} ledere (leders leder)", t.behind(Series::Manager)),
        };
        self.items
            .push(text(self.x + 6.0, 20.5, 7.0, FontStyle::Regular, MUTED, &n));
        if !(show_own && show_manager) {
            let which = if show_own {
                "Leders leders vurdering"
            } else {
                "Selvvurdering"
            };
            self.items.push(text(
                self.x + 6.0,
                28.5,
                6.0,
                FontStyle::Italic,
                MUTED,
                &format!("{which}: {TOO_FEW}"),
            ));
        }
    }

    /// A faint rule at every 10 %, up to the scale's top (labelled), and the baseline.
    fn grid(&mut self, scale: f32) {
        let (x, w, base) = (self.x, self.w, PANEL_BASE);
        let tenths = (scale * 10.0).round() as usize;
        for k in 1..=tenths {
            let y = base - PROFILE_FULL_HEIGHT * k as f32 / tenths as f32;
            self.items.push(Item::Line {
                x1: x + 6.0,
                y1: y,
                x2: x + w - 6.0,
                y2: y,
                stroke: Stroke {
                    width: 0.3,
                    color: GRID,
                },
            });
        }
        self.items.push(text(
            x + w
                - 6.0
                - self
                    .m
                    .width(FontStyle::Regular, &format!("{} %", tenths * 10), 5.5),
            base - PROFILE_FULL_HEIGHT - 2.0,
            5.5,
            FontStyle::Regular,
            MUTED,
            &format!("{} %", tenths * 10),
        ));
        self.items.push(Item::Line {
            x1: x + 6.0,
            y1: base,
            x2: x + w - 6.0,
            y2: base,
            stroke: Stroke {
                width: 0.6,
                color: MUTED,
            },
        });
    }

    /// Per rating 1–5 a pair of bars, self (solid) and manager (hatched), each with its
    /// count above it; `of` is each shown rater's number of ratings (0 when hidden).
    fn bars(&mut self, cell: &Cell, of: [u32; 2], scale: f32) {
        let t = &cell.tally;
        let shown = [cell.shows(Series::Own), cell.shows(Series::Manager)];
        let base = PANEL_BASE;
        let group_w = (self.w - 12.0) / 5.0;
        for score in 0..5 {
            let gx = self.x + 6.0 + score as f32 * group_w;
            let cx = gx + group_w / 2.0;
            for (k, (count, of, swatch)) in [
                (t.own[score], of[0], Swatch::Solid),
                (t.manager[score], of[1], Swatch::Hatched),
            ]
            .into_iter()
            .enumerate()
            {
                if !shown[k] {
                    continue;
                }
                let bx = cx - PROFILE_BAR_WIDTH - 0.5 + k as f32 * (PROFILE_BAR_WIDTH + 1.0);
                let h = if of == 0 {
                    0.0
                } else {
                    PROFILE_FULL_HEIGHT * count as f32 / of as f32 / scale
                };
                if count > 0 {
                    swatch.draw(self.items, bx, base - h, PROFILE_BAR_WIDTH, h);
                }
                self.items.push(centred(
                    self.m,
                    bx + PROFILE_BAR_WIDTH / 2.0,
                    base - h - 2.0,
                    6.0,
                    FontStyle::Regular,
                    INK,
                    &count.to_string(),
                ));
            }
            self.items.push(centred(
                self.m,
                cx,
                base + 8.5,
                7.0,
                FontStyle::Bold,
                MUTED,
                &(score + 1).to_string(),
            ));
        }
    }

    /// The means of the shown ratings and the mean gap, below the chart.
    fn means(&mut self, cell: &Cell) {
        let t = &cell.tally;
        let mean = |series: Series, v: Option<f64>| {
            if !cell.shows(series) {
                return "skjult".to_string();
            }
            v.map_or_else(|| "–".to_string(), |v| decimal(v, 2))
        };
        let gap = match t.mean_gap() {
            _ if !cell.shows(Series::Gap) => "skjult".to_string(),
            None => "–".to_string(),
            Some(g) => {
                let d = decimal(g, 2);
                if g > 0.0 && d != "0,00" {
                    format!("+{d}")
                } else {
                    d.replace('-', "–")
                }
            }
        };
        self.items.push(text(
            self.x + 6.0,
            PANEL_BASE + 17.5,
            6.5,
            FontStyle::Regular,
            INK,
            &format!(
                "Gns.: selv {} · leders leder {}",
                mean(Series::Own, Tally::mean(&t.own)),
                mean(Series::Manager, Tally::mean(&t.manager))
            ),
        ));
        self.items.push(text(
            self.x + 6.0,
            PANEL_BASE + 25.0,
            6.5,
            FontStyle::Regular,
            INK,
            &format!("Forskel (selv – leders leder): {gap}"),
        ));
    }
}
