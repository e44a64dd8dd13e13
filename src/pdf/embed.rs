//! The embedded fonts' objects (ISO 32000-1, 9.7): for each face a Type 0 font with
//! Identity-H encoding over a `CIDFontType2` descendant, its descriptor, its TrueType
//! program and its ToUnicode map.
//!
//! Everything in them depends on the face's subset alone, so it is made once with the
//! subset ([`FontObjects::new`], memoised in `subset_once`) and each guide only adds the
//! objects. printpdf registered the fonts until issue 21: it rebuilt their widths and
//! ToUnicode map for every guide, from a page showing each character once, and mus then
//! replaced both — a tenth of a batch's time.

use lopdf::{Dictionary, Object, ObjectId, Stream, StringFormat};
use printpdf::ParsedFont;

use crate::pdf::error::{Error, Result};

/// A face subset's font objects, all but the object numbers.
pub struct FontObjects {
    /// `/BaseFont` and `/FontName`: the subset tag and the PostScript name.
    base_font: Vec<u8>,
    /// `/W`: a width for every glyph of the subset, in thousandths of an em, so field
    /// text typed in any reader is measured as the font draws it.
    widths: Object,
    to_unicode: Vec<u8>,
    /// The descriptor's entries, all but `/FontFile2`.
    descriptor: Dictionary,
}

impl FontObjects {
    /// The objects of `font` (a subset made by `pdf::subset`), with `to_unicode` its
    /// ToUnicode CMap.
    pub fn new(font: &ParsedFont, to_unicode: String) -> FontObjects {
        let upm = i64::from(font.units_per_em.max(1));
        let scale = |v: i64| (v * 1000 + upm / 2).div_euclid(upm);
        let last = font.glyph_widths.keys().copied().max().unwrap_or(0);
        let widths: Vec<Object> = (0..=last)
            .map(|gid| {
                let w = font.glyph_widths.get(&gid).copied().unwrap_or(0);
                Object::Integer(scale(i64::from(w)))
            })
            .collect();
        let m = &font.pdf_font_metrics;
        // The slant in degrees, counter-clockwise from vertical: negative for italic.
        let italic_angle = if m.caret_slope_rise == 0 {
            0
        } else {
            (-f32::from(m.caret_slope_run).atan2(f32::from(m.caret_slope_rise)))
                .to_degrees()
                .round() as i64
        };
        // Nonsymbolic (Latin characters), and italic by the slant (ISO 32000-1, Table 123).
        let flags = (1 << 5) | if italic_angle != 0 { 1 << 6 } else { 0 };
        // No table holds the stem width: estimated from the weight class, as producers do.
        let stem_v = match m.us_weight_class {
            0 => 80,
            weight => 50 + (f32::from(weight) / 65.0).powi(2).round() as i64,
        };
        let ascent = scale(i64::from(font.font_metrics.ascent));
        let base_font = font.font_name.clone().unwrap_or_default().into_bytes();
        let descriptor = Dictionary::from_iter(vec![
            ("Type", Object::Name(b"FontDescriptor".to_vec())),
            ("FontName", Object::Name(base_font.clone())),
            ("Ascent", Object::Integer(ascent)),
            (
                "Descent",
                Object::Integer(scale(i64::from(font.font_metrics.descent))),
            ),
            // The faces give no cap height apart; the ascent stands for it.
            ("CapHeight", Object::Integer(ascent)),
            ("ItalicAngle", Object::Integer(italic_angle)),
            ("Flags", Object::Integer(flags)),
            ("StemV", Object::Integer(stem_v)),
            (
                "FontBBox",
                Object::Array(
                    [m.x_min, m.y_min, m.x_max, m.y_max]
                        .iter()
                        .map(|v| Object::Integer(scale(i64::from(*v))))
                        .collect(),
                ),
            ),
        ]);
        FontObjects {
            base_font,
            widths: Object::Array(vec![Object::Integer(0), Object::Array(widths)]),
            to_unicode: to_unicode.into_bytes(),
            descriptor,
        }
    }
}

/// Adds the font objects of `font` (whose objects `objects` are) to `doc`; returns the
/// Type 0 font's object.
pub fn add_font(doc: &mut lopdf::Document, font: &ParsedFont, objects: &FontObjects) -> ObjectId {
    let program = &font.original_bytes;
    let length1 = Object::Integer(program.len() as i64);
    let program = doc.add_object(Stream::new(
        Dictionary::from_iter(vec![("Length1", length1)]),
        program.clone(),
    ));
    let to_unicode = doc.add_object(Stream::new(Dictionary::new(), objects.to_unicode.clone()));
    let mut descriptor = objects.descriptor.clone();
    descriptor.set("FontFile2", Object::Reference(program));
    let descriptor = doc.add_object(descriptor);
    let name = || Object::Name(objects.base_font.clone());
    let literal = |s: &str| Object::String(s.as_bytes().to_vec(), StringFormat::Literal);
    let descendant = Dictionary::from_iter(vec![
        ("Type", Object::Name(b"Font".to_vec())),
        ("BaseFont", name()),
        ("Subtype", Object::Name(b"CIDFontType2".to_vec())),
        (
            "CIDSystemInfo",
            Object::Dictionary(Dictionary::from_iter(vec![
                ("Registry", literal("Adobe")),
                ("Ordering", literal("Identity")),
                ("Supplement", Object::Integer(0)),
            ])),
        ),
        ("W", objects.widths.clone()),
        ("DW", Object::Integer(1000)),
        ("FontDescriptor", Object::Reference(descriptor)),
        ("CIDToGIDMap", Object::Name(b"Identity".to_vec())),
    ]);
    doc.add_object(Dictionary::from_iter(vec![
        ("Type", Object::Name(b"Font".to_vec())),
        ("Subtype", Object::Name(b"Type0".to_vec())),
        ("BaseFont", name()),
        ("Encoding", Object::Name(b"Identity-H".to_vec())),
        ("ToUnicode", Object::Reference(to_unicode)),
        (
            "DescendantFonts",
            Object::Array(vec![Object::Dictionary(descendant)]),
        ),
    ]))
}

/// The font resource dictionary every page of `doc` shares (printpdf gives each page's
/// resources the same one), for the fonts to be entered in.
pub fn font_resources(doc: &mut lopdf::Document) -> Result<&mut Dictionary> {
    let fonts = shared_fonts(doc)?;
    doc.get_object_mut(fonts)
        .and_then(Object::as_dict_mut)
        .map_err(|_| missing("font resource dictionary"))
}

/// The font resource dictionary every page's resources of `doc` name (printpdf gives each
/// page resources of its own, with the same font resource dictionary).
pub fn shared_fonts(doc: &lopdf::Document) -> Result<ObjectId> {
    let page = doc
        .get_pages()
        .values()
        .next()
        .copied()
        .ok_or_else(|| missing("page"))?;
    let resources = page_resources(doc, page)?;
    doc.get_dictionary(resources)
        .and_then(|r| r.get(b"Font"))
        .and_then(Object::as_reference)
        .map_err(|_| missing("font resources"))
}

/// The resource dictionary of `page` (printpdf writes it as an object of its own).
pub fn page_resources(doc: &lopdf::Document, page: ObjectId) -> Result<ObjectId> {
    doc.get_dictionary(page)
        .and_then(|p| p.get(b"Resources"))
        .and_then(Object::as_reference)
        .map_err(|_| missing("page resources"))
}

fn missing(what: &str) -> Error {
    Error::Pdf {
        message: format!("printpdf wrote no {what}"),
    }
}
