//! A page's content stream written straight into bytes (ISO 32000-1, 7.8.2), in the
//! form printpdf 0.12 writes it: an operation's operands each followed by a space, then
//! the operator; operations separated by a line feed. Positions (of text lines, lines,
//! rectangles and paths) are written to a hundredth of a point, and each text line is
//! placed relative to the one before it (`Td`): the moves from line to line are then the
//! same few bytes, which deflate well, where absolute positions (`Tm`) never repeat.
//!
//! printpdf built a `Vec` of operations per page, turned each into lopdf objects (a
//! `String` per glyph run, a `Vec` per operand list), looked every character up in a
//! `BTreeMap`, and formatted each glyph id through `{:02X}`: a third of the writer's
//! instructions. Here the same bytes cost a table lookup per character and a copy.

use std::collections::BTreeMap;

use crate::layout::{Color, Segment};
use crate::pdf::save;

/// The code of each character in one embedded face: its glyph id in the face's subset
/// (Identity-H, two bytes a glyph), or 0 (`.notdef`) for a character the subset lacks,
/// as printpdf wrote it.
pub struct Glyphs {
    /// By code point, below U+2200: Latin, Greek, Cyrillic and the punctuation.
    dense: Vec<u16>,
    rest: BTreeMap<u32, u16>,
}

impl Glyphs {
    const DENSE: usize = 0x2200;

    pub fn new(codepoint_to_glyph: &BTreeMap<u32, u16>) -> Glyphs {
        let mut dense = vec![0; Glyphs::DENSE];
        let mut rest = BTreeMap::new();
        for (&c, &gid) in codepoint_to_glyph {
            match dense.get_mut(c as usize) {
                Some(slot) => *slot = gid,
                None => {
                    rest.insert(c, gid);
                }
            }
        }
        Glyphs { dense, rest }
    }

    fn get(&self, c: char) -> u16 {
        match self.dense.get(c as usize) {
            Some(gid) => *gid,
            None => self.rest.get(&(c as u32)).copied().unwrap_or(0),
        }
    }
}

/// One page's operations, as bytes.
#[derive(Default)]
pub struct Content {
    out: Vec<u8>,
    /// Where the current text line starts, in hundredths of a point: `BT` puts it at the
    /// origin, and each `Td` moves it by what it says.
    line_start: (i64, i64),
}

impl Content {
    pub fn with_capacity(bytes: usize) -> Content {
        Content {
            out: Vec::with_capacity(bytes),
            line_start: (0, 0),
        }
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.out
    }

    /// Starts an operation: operations are separated by a line feed.
    fn start(&mut self) {
        if !self.out.is_empty() {
            self.out.push(b'\n');
        }
    }

    /// An operand and its space.
    fn real(&mut self, value: f32) {
        write_real(&mut self.out, value);
        self.out.push(b' ');
    }

    fn operator(&mut self, operator: &[u8]) {
        self.out.extend_from_slice(operator);
    }

    /// An operation of reals.
    fn reals(&mut self, values: &[f32], operator: &[u8]) {
        self.start();
        for &value in values {
            self.real(value);
        }
        self.operator(operator);
    }

    /// An operation of positions and lengths, each to a hundredth of a point.
    fn positions(&mut self, values: &[f32], operator: &[u8]) {
        self.start();
        for &value in values {
            save::write_fixed(&mut self.out, hundredths(value), 2);
            self.out.push(b' ');
        }
        self.operator(operator);
    }

    /// An operation without operands.
    pub fn bare(&mut self, operator: &[u8]) {
        self.start();
        self.operator(operator);
    }

    /// `BT`: a text object, its first line at the origin.
    pub fn begin_text(&mut self) {
        self.bare(b"BT");
        self.line_start = (0, 0);
    }

    /// `/Name Do`: draws the form XObject `name` of the page's resources.
    pub fn xobject(&mut self, name: &str) {
        self.start();
        self.out.push(b'/');
        self.out.extend_from_slice(name.as_bytes());
        self.out.extend_from_slice(b" Do");
    }

    pub fn end_text(&mut self) {
        self.bare(b"ET");
    }

    /// `/F1 11 Tf`: `resource` is the font's name in the page's resources.
    pub fn font(&mut self, resource: &str, size: f32) {
        self.start();
        self.out.push(b'/');
        self.out.extend_from_slice(resource.as_bytes());
        self.out.push(b' ');
        self.real(size);
        self.operator(b"Tf");
    }

    pub fn fill_color(&mut self, c: Color) {
        self.reals(&[c.0, c.1, c.2], b"rg");
    }

    pub fn stroke_color(&mut self, c: Color) {
        self.reals(&[c.0, c.1, c.2], b"RG");
    }

    pub fn line_width(&mut self, width: f32) {
        self.reals(&[width], b"w");
    }

    /// `dx dy Td`: the next text line starts at `(x, y)`, written as the move from where
    /// the line before it started (the text matrix is only ever moved). Kept in whole
    /// hundredths, so the moves add up to the position exactly, however many there are.
    pub fn text_position(&mut self, x: f32, y: f32) {
        let to = (hundredths(x), hundredths(y));
        let (from_x, from_y) = std::mem::replace(&mut self.line_start, to);
        self.start();
        save::write_fixed(&mut self.out, to.0 - from_x, 2);
        self.out.push(b' ');
        save::write_fixed(&mut self.out, to.1 - from_y, 2);
        self.out.extend_from_slice(b" Td");
    }

    /// `(…) Tj`: `text`, with a space after it if `spaced`, as the two-byte codes of
    /// `glyphs`, in a literal string: half the bytes of hexadecimal, and a fifth less
    /// once deflated.
    pub fn show(&mut self, text: &str, spaced: bool, glyphs: &Glyphs) {
        self.start();
        self.out.reserve(text.len() * 2 + 8);
        self.out.push(b'(');
        for c in text.chars().chain(spaced.then_some(' ')) {
            for byte in glyphs.get(c).to_be_bytes() {
                save::write_literal_byte(&mut self.out, byte);
            }
        }
        self.out.extend_from_slice(b") Tj");
    }

    /// A stroked line from `a` to `b`.
    pub fn line(&mut self, a: (f32, f32), b: (f32, f32)) {
        self.positions(&[a.0, a.1], b"m");
        self.positions(&[b.0, b.1], b"l");
        self.bare(b"S");
    }

    /// `x y w h re`, then filled, stroked or both.
    pub fn rect(&mut self, (x, y, w, h): (f32, f32, f32, f32), fill: bool, stroke: bool) {
        self.positions(&[x, y, w, h], b"re");
        self.bare(match (fill, stroke) {
            (true, true) => b"B",
            (false, true) => b"S",
            _ => b"f",
        });
    }

    /// A closed path, filled (non-zero winding), stroked or both; a fill and stroke
    /// closes it again (`b`), as printpdf wrote it. `segments` are in PDF coordinates.
    pub fn path(&mut self, segments: impl Iterator<Item = Segment>, fill: bool, stroke: bool) {
        for segment in segments {
            match segment {
                Segment::MoveTo(x, y) => self.positions(&[x, y], b"m"),
                Segment::LineTo(x, y) => self.positions(&[x, y], b"l"),
                Segment::CubicTo(points) => self.positions(&points, b"c"),
            }
        }
        self.bare(b"h");
        self.bare(match (fill, stroke) {
            (true, true) => b"b",
            (false, true) => b"S",
            _ => b"f",
        });
    }

    /// `/Tag BMC`.
    pub fn begin_marked(&mut self, tag: &str) {
        self.start();
        self.out.push(b'/');
        self.out.extend_from_slice(tag.as_bytes());
        self.out.extend_from_slice(b" BMC");
    }

    /// `/Tag <</MCID n>> BDC`.
    pub fn begin_marked_content(&mut self, tag: &str, mcid: i64) {
        self.start();
        self.out.push(b'/');
        self.out.extend_from_slice(tag.as_bytes());
        self.out.extend_from_slice(b" <</MCID ");
        save::write_int(&mut self.out, mcid);
        self.out.extend_from_slice(b">> BDC");
    }

    /// `/Artifact <</Subtype/Footer/Type/Pagination>> BDC`.
    pub fn begin_footer(&mut self) {
        self.start();
        self.out
            .extend_from_slice(b"/Artifact <</Subtype/Footer/Type/Pagination>> BDC");
    }

    pub fn end_marked(&mut self) {
        self.bare(b"EMC");
    }
}

/// `value` in whole hundredths of a point (0.0035 mm: finer than any printer or screen
/// draws), rounded half away from zero.
fn hundredths(value: f32) -> i64 {
    let scaled = (f64::from(value) * 100.0).round();
    // Not a position on any page (PDF's reals end at about 3.4e38, its pages at 14,400).
    if scaled.is_finite() && scaled.abs() < 1e15 {
        scaled as i64
    } else {
        0
    }
}

/// `value` as Rust's `Display` writes an `f32` (and so lopdf and printpdf did): the
/// shortest digits that read back as the same number, never an exponent.
fn write_real(out: &mut Vec<u8>, value: f32) {
    // Whole numbers an f32 holds exactly (below 2^24) are their digits.
    if value.fract() == 0.0 && value.abs() < 16_777_216.0 && !value.is_sign_negative() {
        save::write_int(out, value as i64);
        return;
    }
    if value.is_finite() {
        let mut buffer = ryu::Buffer::new();
        let text = buffer.format_finite(value);
        if !text.contains(['e', 'E']) {
            // ryu writes a whole number (-0) with a ".0" that `Display` leaves out.
            let text = text.strip_suffix(".0").unwrap_or(text);
            out.extend_from_slice(text.as_bytes());
            return;
        }
    }
    use std::io::Write;
    let _ = write!(out, "{value}");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every real reads back as the same `f32`, with no exponent (PDF has none), in as
    /// few digits as `Display` writes it: the same text but where the shortest digits
    /// tie (`Display` rounds -1911262.25 to "-1911262.3", ryu to "-1911262.2").
    #[test]
    fn reals_are_the_shortest_text_that_reads_back() {
        let mut state = 0x2545_f491_u32;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state
        };
        let mut values = vec![
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.5,
            0.03,
            0.955,
            237.23676,
            763.54004,
            1e-7,
            123456790.0,
            1e12,
            -3.25,
            0.1,
            7.5,
            16_777_216.0,
            -1911262.3,
        ];
        for _ in 0..200_000 {
            // Page coordinates, colours and some raw bit patterns.
            values.push((next() % 900_000) as f32 / 997.0);
            values.push((next() % 1000) as f32 / 1000.0);
            let bits = f32::from_bits(next());
            if bits.is_finite() {
                values.push(bits);
            }
        }
        let mut differ = 0;
        for value in values {
            let mut out = Vec::new();
            write_real(&mut out, value);
            let text = String::from_utf8(out).unwrap();
            let display = format!("{value}");
            assert!(!text.contains(['e', 'E']), "{value:?} as {text}");
            assert_eq!(
                text.parse::<f32>().unwrap().to_bits(),
                value.to_bits(),
                "{text}"
            );
            assert_eq!(
                text.len(),
                display.len(),
                "{value:?}: {text} against {display}"
            );
            differ += usize::from(text != display);
        }
        // Ties are rare: a few hundred in 600,000, nearly all of raw bit patterns.
        assert!(differ < 1_000, "{differ} differ from Display");
    }

    #[test]
    fn operations_are_separated_by_line_feeds() {
        let mut glyphs = BTreeMap::new();
        glyphs.insert('A' as u32, 0x24);
        glyphs.insert('Ł' as u32, 0x1F3);
        // Codes whose bytes a literal string must escape.
        glyphs.insert('(' as u32, 0x0028);
        glyphs.insert(')' as u32, 0x2900);
        glyphs.insert('\\' as u32, 0x5C0D);
        let glyphs = Glyphs::new(&glyphs);
        let mut content = Content::default();
        content.begin_text();
        content.begin_marked_content("P", 3);
        content.font("F1", 11.0);
        content.fill_color(Color(0.03, 0.32, 0.44));
        content.text_position(62.0, 763.54);
        content.show("AŁ€", false, &glyphs);
        content.show("()\\", true, &glyphs);
        content.end_marked();
        content.end_text();
        content.rect((1.0, 2.5, 3.0, 4.0), true, false);
        assert_eq!(
            content.into_bytes(),
            b"BT\n/P <</MCID 3>> BDC\n/F1 11 Tf\n0.03 0.32 0.44 rg\n62 763.54 Td\n\
              (\0$\x01\xF3\0\0) Tj\n(\0\\(\\)\0\\\\\\r\0\0) Tj\nEMC\nET\n1 2.5 3 4 re\nf"
        );
    }

    /// Each line is placed by its move from the line before, in whole hundredths: the
    /// moves add up to where the line is, with no drift however many lines a page has.
    #[test]
    fn text_lines_move_from_the_line_before_and_add_up_exactly() {
        let mut content = Content::default();
        content.begin_text();
        let mut expected = vec![(0_i64, 0_i64)];
        let mut y = 772.115_f32;
        for line in 0..60 {
            let x = if line % 3 == 0 { 62.0 } else { 159.504 };
            content.text_position(x, y);
            expected.push((hundredths(x), hundredths(y)));
            y -= 14.5;
        }
        content.end_text();
        let text = String::from_utf8(content.into_bytes()).unwrap();
        let moves: Vec<(i64, i64)> = text
            .lines()
            .filter_map(|l| l.strip_suffix(" Td"))
            .map(|l| {
                let (dx, dy) = l.split_once(' ').unwrap();
                let read = |v: &str| (v.parse::<f64>().unwrap() * 100.0).round() as i64;
                (read(dx), read(dy))
            })
            .collect();
        assert_eq!(moves.len(), 60);
        let mut at = (0, 0);
        for (index, (dx, dy)) in moves.iter().enumerate() {
            at = (at.0 + dx, at.1 + dy);
            assert_eq!(at, expected[index + 1], "line {index}");
        }
        assert!(text.starts_with("BT\n62 772.11 Td\n97.5 -14.5 Td\n0 -14.5 Td\n-97.5 -14.5 Td"));
        // A new text object starts at the origin again.
        let mut content = Content::default();
        content.begin_text();
        content.text_position(10.0, 20.0);
        content.end_text();
        content.begin_text();
        content.text_position(10.0, 20.0);
        assert_eq!(content.into_bytes(), b"BT\n10 20 Td\nET\nBT\n10 20 Td");
    }

    #[test]
    fn hundredths_are_written_as_the_shortest_real() {
        for (value, text) in [
            (0, "0"),
            (7, "0.07"),
            (-5, "-0.05"),
            (10, "0.1"),
            (-150, "-1.5"),
            (1200, "12"),
            (77215, "772.15"),
            (-100, "-1"),
        ] {
            let mut out = Vec::new();
            save::write_fixed(&mut out, value, 2);
            assert_eq!(String::from_utf8(out).unwrap(), text);
        }
        assert_eq!(hundredths(377.52673), 37753);
        assert_eq!(hundredths(-0.004), 0);
        assert_eq!(hundredths(f32::NAN), 0);
    }
}
