//! The guide's page grid, type sizes and colours — one place, so every block keeps to
//! the same grid.

use super::{Color, FontStyle, Item, Measure, Page, Stroke};

/// A4 in points.
pub const PAGE_WIDTH: f32 = 595.276;
pub const PAGE_HEIGHT: f32 = 841.89;
pub const MARGIN_LEFT: f32 = 62.0;
pub const MARGIN_RIGHT: f32 = 62.0;
pub const MARGIN_TOP: f32 = 58.0;
/// Where body text ends; the footer sits below.
pub const CONTENT_BOTTOM: f32 = PAGE_HEIGHT - 72.0;
pub const CONTENT_WIDTH: f32 = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT;

pub const BODY_SIZE: f32 = 10.0;
pub const BODY_LEADING: f32 = 14.5;
pub const SMALL_SIZE: f32 = 8.5;
pub const PARAGRAPH_GAP: f32 = 6.0;

pub const INK: Color = Color(0.13, 0.14, 0.16);
pub const MUTED: Color = Color(0.40, 0.43, 0.47);
pub const ACCENT: Color = Color(0.03, 0.32, 0.44);
pub const ACCENT_LIGHT: Color = Color(0.90, 0.95, 0.97);
pub const TINT: Color = Color(0.955, 0.96, 0.965);
pub const RULE: Color = Color(0.70, 0.72, 0.75);
pub const BOX: Color = Color(0.33, 0.36, 0.40);
pub const WHITE: Color = Color(1.0, 1.0, 1.0);

pub const HAIRLINE: Stroke = Stroke {
    width: 0.5,
    color: RULE,
};
pub const BOX_STROKE: Stroke = Stroke {
    width: 0.7,
    color: BOX,
};

/// Size, leading, colour, space before and after of heading `level`.
pub fn heading(level: u8) -> (f32, f32, Color, f32, f32) {
    match level {
        1 => (21.0, 26.0, ACCENT, 0.0, 8.0),
        2 => (14.5, 19.0, ACCENT, 22.0, 8.0),
        3 => (11.5, 15.5, INK, 14.0, 3.0),
        _ => (10.0, 14.5, INK, 10.0, 2.0),
    }
}

/// Draws the running footer: a hairline and three parts of small text.
pub fn footer(
    page: &mut Page,
    footer: &super::Footer,
    number: usize,
    total: usize,
    measure: &dyn Measure,
) {
    let fill = |s: &str| {
        s.replace("{page}", &number.to_string())
            .replace("{pages}", &total.to_string())
    };
    let y = PAGE_HEIGHT - 40.0;
    page.items.push(Item::Mark(super::Mark::Footer));
    page.items.push(Item::Line {
        x1: MARGIN_LEFT,
        y1: y - 11.0,
        x2: PAGE_WIDTH - MARGIN_RIGHT,
        y2: y - 11.0,
        stroke: HAIRLINE,
    });
    let size = 7.5;
    let width = |t: &str| measure.width(FontStyle::Regular, t, size);
    let (left, center, right) = (
        fill(&footer.left),
        fill(&footer.center),
        fill(&footer.right),
    );
    // The centre part stays whole; the outer parts give way to it rather than overlap.
    let side = (CONTENT_WIDTH - width(&center)) / 2.0 - 10.0;
    let parts = [
        (fit(&left, side, &width), 0.0),
        (center, 0.5),
        (fit(&right, side, &width), 1.0),
    ];
    for (text, align) in parts {
        if text.is_empty() {
            continue;
        }
        let w = width(&text);
        page.items.push(Item::Text {
            x: MARGIN_LEFT + (CONTENT_WIDTH - w) * align,
            y,
            size,
            style: FontStyle::Regular,
            color: MUTED,
            text: text.into(),
        });
    }
}

/// `text`, shortened with an ellipsis until it is no wider than `max`.
fn fit(text: &str, max: f32, width: &dyn Fn(&str) -> f32) -> String {
    if width(text) <= max {
        return text.to_string();
    }
    let mut chars: Vec<char> = text.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let candidate: String = chars.iter().collect::<String>().trim_end().to_string() + "…";
        if width(&candidate) <= max {
            return candidate;
        }
    }
    String::new()
}
