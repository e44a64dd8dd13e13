//! A multi-line field's border width chosen so that MuPDF, which redraws a filled field
//! itself, prints whole lines only: never a line cut through by the field's edge.
//!
//! What MuPDF does (source/pdf/pdf-appearance.c, `pdf_write_tx_widget_appearance` and
//! `write_variable_text`; PyMuPDF's `Widget.update` goes the same way):
//! - it ignores auto-size in a multi-line field: a `/DA` size of 0 becomes 12 pt;
//! - it sets the text in Helvetica, lines `1.116 × size` apart, the first baseline
//!   `2b + 1.116 × size` below the top, where `b` is the border width (`/BS /W`; PyMuPDF
//!   writes 1 for 0 or none);
//! - it clips to the rectangle inset by `b`, and draws every line, so a long answer's next
//!   line is cut wherever the rectangle ends.
//!
//! The rectangle must stay on the printed rules (PDFium and pdf.js set auto-sized lines
//! 16.2 pt apart, on them), so the one thing left to choose is `b`: it moves MuPDF's lines
//! down by `2b` and its clip up by `b`. The width is picked so that the clip falls between
//! the descenders of MuPDF's last whole line and the ascenders of the next. Without `/MK
//! /BC` no reader strokes a border, so nothing else changes on paper; PDFium insets its
//! own text by the width (at most 4.7 pt).
//!
//! Text outside Windows-1252 (an `Ł`, say) goes through MuPDF's HTML layout instead, 1.2
//! lines and its own metrics: there a long answer can still end in a cut line.

/// Helvetica's extent above the baseline for every lowercase letter, accented ones
/// included (`å`: 756/1000), and below it (`ç`, `g`: 225, 220). Taking the middle of what
/// they allow leaves 0.79 pt (at 12 pt) on either side: a reader that substitutes its own
/// font for MuPDF's non-embedded Helvetica stays whole up to 0.825 of the size (Arial's
/// `å`), not DejaVu Sans's `å` (0.878). Capitals with accents (`Å`: 939) may show their
/// tops.
const ASCENT: f32 = 0.76;
const DESCENT: f32 = 0.225;
/// MuPDF's line height and first baseline, in font sizes.
const LINE: f32 = 1.116;
/// Thinner borders are not worth one: PyMuPDF turns 0 into 1.
const THINNEST: f32 = 0.25;

/// The border width for a multi-line field `h` high whose `/DA` asks for `size` (0:
/// auto), and how many lines MuPDF then prints whole.
pub fn border_width(h: f32, size: f32) -> (f32, usize) {
    let size = if size > 0.0 { size } else { 12.0 };
    let line = LINE * size;
    // Line m's baseline sits at h - 2b - m·line above the bottom; the clip at b. Line m
    // hidden:        h - 2b - m·line + ascent ≤ b
    // line m-1 whole: h - 2b - (m-1)·line - descent ≥ b
    // so 3b lies in [h - m·line + ascent, h - m·line + line - descent]: take the middle,
    // for the largest m that leaves a border.
    let middle = (ASCENT * size + line - DESCENT * size) / 2.0;
    let mut m = ((h + middle - 3.0 * THINNEST) / line).floor();
    while m > 1.0 && (h - m * line + middle) / 3.0 < THINNEST {
        m -= 1.0;
    }
    let b = (h - m * line + middle) / 3.0;
    ((b * 100.0).round() / 100.0, (m as usize).saturating_sub(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where MuPDF puts each line of a field, and whether the clip cuts one.
    fn cut_lines(h: f32, size: f32, b: f32) -> Vec<usize> {
        let size = if size > 0.0 { size } else { 12.0 };
        (1..40)
            .filter(|m| {
                let baseline = h - 2.0 * b - *m as f32 * LINE * size;
                let top = baseline + ASCENT * size;
                let bottom = baseline - DESCENT * size;
                top > b && bottom < b
            })
            .collect()
    }

    #[test]
    fn mupdf_prints_whole_lines_in_answer_fields_of_any_height() {
        for rules in 1..=12 {
            let h = rules as f32 * 16.2;
            let (b, lines) = border_width(h, 0.0);
            assert!(
                (THINNEST..=THINNEST + 4.5).contains(&b),
                "{rules} rules: {b}"
            );
            assert!(cut_lines(h, 0.0, b).is_empty(), "{rules} rules, b {b}");
            assert!(cut_lines(h, 0.0, 1.0).len() <= 1);
            // Whole lines: as many as 13.4 pt lines fit, less at most one.
            assert!(
                lines + 1 >= (h / 13.392) as usize - 1,
                "{rules} rules: {lines}"
            );
        }
        // The guide's answer fields: 2, 3 and 4 rules.
        assert_eq!(border_width(32.4, 0.0), (0.71, 2));
        assert_eq!(border_width(48.6, 0.0), (1.65, 3));
        assert_eq!(border_width(64.8, 0.0), (2.58, 4));
        // Without the border, MuPDF cuts a line in 3 and 4 rules.
        assert_eq!(cut_lines(48.6, 0.0, 1.0), [4]);
        assert_eq!(cut_lines(64.8, 0.0, 1.0), [5]);
    }

    #[test]
    fn fields_with_a_fixed_size_get_a_border_for_that_size() {
        let (b, lines) = border_width(34.0, 9.0);
        assert!(cut_lines(34.0, 9.0, b).is_empty());
        assert_eq!(lines, 3);
    }
}
