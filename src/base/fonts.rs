//! The guide's embedded fonts (Noto Sans regular, bold and italic, SIL OFL 1.1; see
//! `fonts/OFL.txt`): glyph lookup and advances for layout, coverage checks for names.
//!
//! Not responsible for embedding: the PDF writer subsets the faces it is given.

use std::sync::OnceLock;

use crate::base::error::{Error, Result};

const REGULAR: &[u8] = include_bytes!("../../fonts/NotoSans-Regular.ttf");
const BOLD: &[u8] = include_bytes!("../../fonts/NotoSans-Bold.ttf");
const ITALIC: &[u8] = include_bytes!("../../fonts/NotoSans-Italic.ttf");

/// Characters below this are looked up once, when the face is loaded; the rest on demand.
const FAST_RANGE: usize = 0x250;

/// One face: its bytes, its parsed tables and the metrics the PDF font descriptor needs.
pub struct FontFace {
    pub style: FontStyle,
    pub data: &'static [u8],
    pub face: ttf_parser::Face<'static>,
    /// The PostScript name, e.g. `NotoSans-Bold`.
    pub postscript_name: String,
    pub units_per_em: u16,
    pub ascender: i16,
    pub descender: i16,
    pub cap_height: i16,
    pub bbox: [i16; 4],
    pub italic_angle: f32,
    pub weight: u16,
    fast: Vec<Option<(u16, u16)>>,
}

impl FontFace {
    fn from_static(style: FontStyle, data: &'static [u8]) -> Self {
        let face = ttf_parser::Face::parse(data, 0).expect("embedded fonts are valid");
        let postscript_name = face
            .names()
            .into_iter()
            .find(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
            .and_then(|n| n.to_string())
            .unwrap_or_else(|| format!("NotoSans-{style:?}"));
        let bbox = face.global_bounding_box();
        let fast = (0..FAST_RANGE)
            .map(|c| char::from_u32(c as u32).and_then(|c| lookup(&face, c)))
            .collect();
        FontFace {
            style,
            data,
            postscript_name,
            units_per_em: face.units_per_em(),
            ascender: face.ascender(),
            descender: face.descender(),
            cap_height: face.capital_height().unwrap_or(714),
            bbox: [bbox.x_min, bbox.y_min, bbox.x_max, bbox.y_max],
            italic_angle: face.italic_angle(),
            weight: face.weight().to_number(),
            face,
            fast,
        }
    }

    /// The glyph id and advance (font units) of `c`, or `None` when the face lacks it.
    pub fn glyph(&self, c: char) -> Option<(u16, u16)> {
        match self.fast.get(c as usize) {
            Some(hit) => *hit,
            None => lookup(&self.face, c),
        }
    }
}

fn lookup(face: &ttf_parser::Face<'_>, c: char) -> Option<(u16, u16)> {
    let gid = face.glyph_index(c)?;
    Some((gid.0, face.glyph_hor_advance(gid).unwrap_or(0)))
}

/// The three faces the guide is set in.
pub struct FontSet {
    faces: [FontFace; 3],
}

impl FontSet {
    /// The embedded fonts, parsed once per process.
    pub fn builtin() -> &'static FontSet {
        static FONTS: OnceLock<FontSet> = OnceLock::new();
        FONTS.get_or_init(|| FontSet {
            faces: [
                FontFace::from_static(FontStyle::Regular, REGULAR),
                FontFace::from_static(FontStyle::Bold, BOLD),
                FontFace::from_static(FontStyle::Italic, ITALIC),
            ],
        })
    }

    pub fn face(&self, style: FontStyle) -> &FontFace {
        &self.faces[style as usize]
    }

    /// Fails with a clear error when `text` (the value of `field`) has a character that
    /// any of the faces lacks: a name must never come out as empty boxes.
    pub fn check_coverage(&self, field: &str, text: &str) -> Result<()> {
        for c in text
            .chars()
            .filter(|c| !c.is_whitespace() && !c.is_control())
        {
            if let Some(face) = self.faces.iter().find(|f| f.glyph(c).is_none()) {
                return Err(Error::MissingGlyph {
                    field: field.to_string(),
                    character: c,
                    code: c as u32,
                    font: face.postscript_name.clone(),
                });
            }
        }
        Ok(())
    }
}

impl Measure for FontSet {
    /// A font set is only ever the embedded one ([`FontSet::builtin`]), which lives as
    /// long as the process: its address names it.
    fn memo_id(&self) -> Option<usize> {
        Some(self as *const FontSet as usize)
    }

    fn width(&self, style: FontStyle, text: &str, size: f32) -> f32 {
        let face = self.face(style);
        let units: u32 = text
            .chars()
            .map(|c| face.glyph(c).map_or(face.units_per_em / 2, |(_, adv)| adv) as u32)
            .sum();
        units as f32 * size / face.units_per_em as f32
    }
}

/// The three faces of the guide. The discriminant indexes the font set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub enum FontStyle {
    Regular = 0,
    Bold = 1,
    Italic = 2,
}

impl FontStyle {
    pub const ALL: [FontStyle; 3] = [FontStyle::Regular, FontStyle::Bold, FontStyle::Italic];
}

/// Measures text. Implemented by the embedded fonts, and by [`FixedWidth`] in tests.
pub trait Measure {
    /// The advance width of `text` in points at font size `size`.
    fn width(&self, style: FontStyle, text: &str, size: f32) -> f32;

    /// What names these metrics for as long as the process runs, so what was measured
    /// with them can be remembered ([`crate::base::memo`]); `None` remembers nothing.
    fn memo_id(&self) -> Option<usize> {
        None
    }
}

/// Every character is half an em wide: layout tests that do not depend on font files.
pub struct FixedWidth;

impl Measure for FixedWidth {
    fn width(&self, _style: FontStyle, text: &str, size: f32) -> f32 {
        text.chars().count() as f32 * size * 0.5
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covers_latin_extended_greek_and_cyrillic_in_every_face() {
        let fonts = FontSet::builtin();
        for text in [
            "Łukasz Øster-Ågård æøå ÆØÅ",
            "Ελένη Παπαδοπούλου",
            "Дмитрий Иванов",
            "Čapek Şahin Ğ ő",
        ] {
            fonts.check_coverage("name", text).unwrap();
        }
    }

    #[test]
    fn a_missing_character_is_named_with_its_field() {
        let err = FontSet::builtin()
            .check_coverage("--name", "Li 李")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "--name: the character '李' (U+674E) is not in the guide's fonts (NotoSans-Regular)"
        );
    }

    #[test]
    fn bold_is_wider_than_regular() {
        let fonts = FontSet::builtin();
        let regular = fonts.width(FontStyle::Regular, "Sammenhængskraft", 10.0);
        let bold = fonts.width(FontStyle::Bold, "Sammenhængskraft", 10.0);
        assert!(regular > 50.0 && bold > regular, "{regular} {bold}");
    }
}
