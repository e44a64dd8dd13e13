//! Guides that survive the readers leaders fill them in (issue 10): what the file must
//! hold for PDFium, pdf.js, MuPDF and poppler, read back with lopdf. The engines
//! themselves are driven by `scripts/check-readers.py`.

mod common;

use std::path::Path;

use common::example_guide;
use common::pdf::{self, resolve};
use lopdf::{Document, Object};

#[test]
fn the_xmp_metadata_stream_is_unfiltered_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let doc = Document::load(example_guide(dir.path(), "guide.pdf")).unwrap();
    let catalog = doc.catalog().unwrap();
    let metadata = resolve(&doc, catalog.get(b"Metadata").unwrap())
        .as_stream()
        .unwrap();
    // PDFium saves a deflated metadata stream without its /Filter; only an unfiltered
    // one reaches the archive intact after a leader saves the guide in Chrome or Edge.
    assert!(
        metadata.dict.get(b"Filter").is_err(),
        "the metadata stream has a filter: {:?}",
        metadata.dict
    );
    let xmp = std::str::from_utf8(&metadata.content).expect("raw UTF-8");
    assert!(xmp.starts_with("<?xpacket begin=\"\u{feff}\""));
    assert!(
        xmp.contains("mus:guideId=\"2027-") && xmp.contains("mus:leader=\"Łukasz Øster-Ågård\""),
        "{xmp}"
    );
    assert_eq!(
        metadata.dict.get(b"Length").unwrap().as_i64().unwrap() as usize,
        metadata.content.len()
    );
}

/// The Unicode text each glyph id of a ToUnicode CMap stands for.
fn to_unicode(cmap: &str) -> std::collections::BTreeMap<u16, String> {
    let hex = |s: &str| u32::from_str_radix(s.trim_matches(['<', '>']), 16).unwrap();
    let utf16 = |s: &str| {
        let s = s.trim_matches(['<', '>']);
        let units: Vec<u16> = (0..s.len())
            .step_by(4)
            .map(|i| u16::from_str_radix(&s[i..i + 4], 16).unwrap())
            .collect();
        String::from_utf16(&units).unwrap()
    };
    let mut map = std::collections::BTreeMap::new();
    let mut mode = "";
    for line in cmap.lines() {
        if line.ends_with("beginbfchar") || line.ends_with("beginbfrange") {
            mode = if line.ends_with("bfchar") {
                "char"
            } else {
                "range"
            };
            continue;
        }
        if line.starts_with("end") {
            mode = "";
            continue;
        }
        let parts: Vec<&str> = line.split_whitespace().collect();
        match (mode, parts.as_slice()) {
            ("char", [gid, text]) => {
                map.insert(hex(gid) as u16, utf16(text));
            }
            ("range", [lo, hi, first]) => {
                let start = utf16(first).chars().next().unwrap() as u32;
                for (k, gid) in (hex(lo)..=hex(hi)).enumerate() {
                    let c = char::from_u32(start + k as u32).unwrap();
                    map.insert(gid as u16, c.to_string());
                }
            }
            _ => {}
        }
    }
    map
}

/// Issue 18: Ghostscript read Ł as "A" and – as "3" in the example guide. Every `bfrange`
/// of every ToUnicode map varies its source and its destination in the last byte only (ISO
/// 32000-1, 9.10.3: `<0060> <00F0> <00A0>` carried past 0xFF), maps below U+0100 (where
/// Ghostscript 10.0 reads ranges right), and every block holds at most 100 entries.
#[test]
fn every_to_unicode_range_stays_within_its_last_byte() {
    let dir = tempfile::tempdir().unwrap();
    let doc = Document::load(example_guide(dir.path(), "guide.pdf")).unwrap();
    let mut maps = 0;
    for object in doc.objects.values() {
        let Ok(font) = object.as_dict() else { continue };
        let Ok(cmap) = font.get(b"ToUnicode") else {
            continue;
        };
        let cmap = resolve(&doc, cmap).as_stream().unwrap();
        let cmap = String::from_utf8(cmap.decompressed_content().unwrap()).unwrap();
        maps += 1;
        let mut mode = "";
        let mut block = (0, 0);
        for line in cmap.lines() {
            let parts: Vec<&str> = line.split_whitespace().collect();
            match (mode, parts.as_slice()) {
                (_, [n, "beginbfchar" | "beginbfrange"]) => {
                    mode = parts[1];
                    block = (n.parse::<usize>().unwrap(), 0);
                    assert!(block.0 <= 100, "{line}");
                }
                (_, ["endbfchar" | "endbfrange"]) => {
                    assert_eq!(block.0, block.1, "{mode} block");
                    mode = "";
                }
                ("beginbfchar", [_, _]) => block.1 += 1,
                ("beginbfrange", [lo, hi, dst]) => {
                    block.1 += 1;
                    let hex =
                        |s: &str| u32::from_str_radix(s.trim_matches(['<', '>']), 16).unwrap();
                    let (lo, hi, dst) = (hex(lo), hex(hi), hex(dst));
                    assert_eq!(lo >> 8, hi >> 8, "the source carries: {line}");
                    assert!(
                        (dst & 0xFF) + (hi - lo) <= 0xFF,
                        "the destination carries past its last byte: {line}"
                    );
                    // Ghostscript 10.0 misreads a range's destination above U+00FF.
                    assert!(dst <= 0xFF, "a range above U+00FF: {line}");
                }
                _ => {}
            }
        }
    }
    assert!(maps >= 3, "{maps} ToUnicode maps");
}

#[test]
fn the_field_font_has_a_glyph_width_and_unicode_for_what_people_type() {
    let dir = tempfile::tempdir().unwrap();
    let doc = Document::load(example_guide(dir.path(), "guide.pdf")).unwrap();
    let form = resolve(&doc, doc.catalog().unwrap().get(b"AcroForm").unwrap())
        .as_dict()
        .unwrap();
    let fonts = resolve(&doc, form.get(b"DR").unwrap())
        .as_dict()
        .unwrap()
        .get(b"Font")
        .unwrap();
    let fonts = resolve(&doc, fonts).as_dict().unwrap();
    assert_eq!(fonts.len(), 1, "one font shared by every field");
    let (_, font) = fonts.iter().next().unwrap();
    let font = resolve(&doc, font).as_dict().unwrap();
    let cmap = resolve(&doc, font.get(b"ToUnicode").unwrap())
        .as_stream()
        .unwrap();
    let cmap = to_unicode(&String::from_utf8(cmap.decompressed_content().unwrap()).unwrap());
    let by_char: std::collections::BTreeMap<String, u16> =
        cmap.iter().map(|(g, s)| (s.clone(), *g)).collect();
    let descendant = resolve(
        &doc,
        &font.get(b"DescendantFonts").unwrap().as_array().unwrap()[0],
    )
    .as_dict()
    .unwrap();
    // W as `0 [w0 w1 …]` or `first [w …]` runs: the width of every glyph id.
    let mut widths = std::collections::BTreeMap::new();
    let w = descendant.get(b"W").unwrap().as_array().unwrap();
    for pair in w.chunks(2) {
        let first = pair[0].as_i64().unwrap();
        for (k, width) in resolve(&doc, &pair[1])
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
        {
            let width = width
                .as_float()
                .map(|f| f as i64)
                .or(width.as_i64())
                .unwrap();
            widths.insert((first + k as i64) as u16, width);
        }
    }
    let mut typed: Vec<char> = (0x20..=0x7Eu32)
        .chain(0xA0..=0x17F)
        .filter_map(char::from_u32)
        .collect();
    typed.extend("–—‘’‚“”„«»…•€§".chars());
    typed.extend("Fjordvej 3, Łódź – „citat“ »fra« François… 100 € § 7 •".chars());
    for c in typed {
        let gid = by_char
            .get(&c.to_string())
            .unwrap_or_else(|| panic!("the field font lacks {c:?} (U+{:04X})", c as u32));
        let width = widths.get(gid).copied().unwrap_or(0);
        // A no-break space is as wide as a space; every other character has ink.
        assert!(width > 0, "{c:?} (glyph {gid}) has no width");
    }
    assert!(!by_char.contains_key("Ж"), "no Cyrillic in the field font");
}

/// All text of each page, as lopdf extracts it through the fonts' ToUnicode maps (page
/// content only: widget appearances are not page text).
fn page_texts(path: &Path) -> Vec<String> {
    pdf::page_texts(path)
        .iter()
        .map(|text| text.split_whitespace().collect::<String>())
        .collect()
}

#[test]
fn the_dialogue_date_and_printed_names_are_page_text_of_a_form_guide() {
    let dir = tempfile::tempdir().unwrap();
    let path = example_guide(dir.path(), "guide.pdf");
    let pages = page_texts(&path);
    assert!(pages[0].contains("15.januar2027"), "page 1: {}", pages[0]);
    let last = pages.last().unwrap();
    for name in ["ŁukaszØster-Ågård", "BodilKjærgård"] {
        assert!(last.contains(name), "last page lacks {name}: {last}");
    }
    // … and the fields still carry them, over the page text, on a background that hides
    // it once a reader draws an edited value.
    let doc = Document::load(&path).unwrap();
    let mut found = 0;
    for (_, page) in doc.get_pages() {
        let page = doc.get_dictionary(page).unwrap();
        let Ok(annots) = page.get(b"Annots") else {
            continue;
        };
        for annot in resolve(&doc, annots).as_array().unwrap() {
            let annot = resolve(&doc, annot).as_dict().unwrap();
            let name = annot
                .get(b"T")
                .map(|t| t.as_str().unwrap_or_default().to_vec());
            if !matches!(name.as_deref(), Ok(b"samtalens-dato" | b"navn")) {
                continue;
            }
            found += 1;
            assert!(annot.get(b"V").is_ok(), "the field keeps its value");
            let bg = annot.get(b"MK").unwrap().as_dict().unwrap().get(b"BG");
            assert_eq!(
                bg.unwrap().as_array().unwrap().len(),
                3,
                "an RGB background"
            );
            let ap = resolve(&doc, annot.get(b"AP").unwrap()).as_dict().unwrap();
            let stream = resolve(&doc, ap.get(b"N").unwrap()).as_stream().unwrap();
            let content = stream
                .decompressed_content()
                .unwrap_or_else(|_| stream.content.clone());
            let content = String::from_utf8_lossy(&content);
            assert!(
                content.contains(" re f "),
                "the appearance paints its background first"
            );
        }
    }
    assert_eq!(found, 3, "the date and two names");
}

#[test]
fn answer_fields_cover_exactly_their_ruled_lines_at_the_readers_line_height() {
    use mus::base::fonts::FontSet;
    use mus::compose::guide::{Guide, People};
    use mus::compose::templates::Templates;
    use mus::layout::{FieldKind, Item};
    use mus::model::framework::Framework;

    let framework = Framework::builtin().unwrap();
    let templates = Templates::builtin().unwrap();
    let level = &framework.levels[0];
    let guide = Guide {
        framework: &framework,
        level,
        focus: framework.principles.iter().collect(),
        people: People {
            name: "Łukasz Øster-Ågård".into(),
            manager: "Bodil Kjærgård".into(),
            unit: "Dagtilbud Nord".into(),
            employee_id: None,
        },
        date: chrono::NaiveDate::from_ymd_opt(2027, 1, 15).unwrap(),
        created: 0,
        form: true,
        previous: None,
    };
    let doc = guide.layout(&templates, FontSet::builtin()).unwrap();
    // pdf.js sets auto-sized multi-line text at 12 pt, 1.35 apart (LINE_FACTOR), and so,
    // within a tenth of a point per line, does PDFium with Noto Sans.
    let readers_line_height = 12.0 * 1.35;
    let mut answers = 0;
    for (p, page) in doc.pages.iter().enumerate() {
        for item in &page.items {
            let Item::Field {
                name,
                tooltip: _,
                kind:
                    FieldKind::Text {
                        multiline: true,
                        size,
                        ..
                    },
                x,
                y,
                w,
                h,
            } = item
            else {
                continue;
            };
            if *size != 0.0 {
                continue; // plan cells and names: fixed sizes in boxes, not on rules
            }
            answers += 1;
            let rules: Vec<f32> = page
                .items
                .iter()
                .filter_map(|i| match i {
                    Item::Line { x1, y1, x2, y2, .. }
                        if (x1 - x).abs() < 0.01
                            && (x2 - (x + w)).abs() < 0.01
                            && y1 == y2
                            && *y1 > *y - 0.01
                            && *y1 < y + h + 0.01 =>
                    {
                        Some(*y1)
                    }
                    _ => None,
                })
                .collect();
            let lines = (h / readers_line_height).round();
            assert!(
                (h - lines * readers_line_height).abs() < 0.01,
                "page {}: {name} is {h} high, not a whole number of lines",
                p + 1
            );
            assert_eq!(rules.len(), lines as usize, "page {}: {name}", p + 1);
            for (k, rule) in rules.iter().enumerate() {
                let want = y + (k + 1) as f32 * readers_line_height;
                assert!(
                    (rule - want).abs() < 0.01,
                    "page {}: {name}: rule {} at {rule}, line {} ends at {want}",
                    p + 1,
                    k + 1,
                    k + 1
                );
            }
        }
    }
    assert!(answers > 10, "only {answers} answer fields");
}

#[test]
fn answer_fields_are_auto_sized_in_the_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let doc = Document::load(example_guide(dir.path(), "guide.pdf")).unwrap();
    let mut auto = 0;
    for (_, page) in doc.get_pages() {
        let page = doc.get_dictionary(page).unwrap();
        let Ok(annots) = page.get(b"Annots") else {
            continue;
        };
        for annot in resolve(&doc, annots).as_array().unwrap() {
            let annot = resolve(&doc, annot).as_dict().unwrap();
            let (Ok(name), Ok(da)) = (annot.get(b"T"), annot.get(b"DA")) else {
                continue; // radio buttons: named by their group, no text
            };
            let name = String::from_utf8_lossy(name.as_str().unwrap());
            let da = String::from_utf8_lossy(da.as_str().unwrap()).into_owned();
            if name.starts_with("spm") || name == "refleksion" {
                assert!(da.contains(" 0 Tf "), "{name}: {da}");
                auto += 1;
            }
        }
    }
    assert!(auto > 10, "{auto}");
}

/// MuPDF redraws a filled multi-line field itself (source/pdf/pdf-appearance.c,
/// `pdf_write_tx_widget_appearance`, `write_variable_text`): Helvetica at the `/DA` size
/// (12 pt for 0), lines 1.116 sizes apart, the first baseline 2w + 1.116 sizes below the
/// top, clipped to the rectangle inset by the border width w (`/BS /W`; PyMuPDF writes
/// 1 for none). No line of a long answer may straddle that clip: Helvetica's lowercase
/// letters reach 0.756 of the size above the baseline (å) and 0.225 below (ç).
#[test]
fn mupdf_prints_a_long_answer_in_whole_lines_in_every_multi_line_field() {
    let dir = tempfile::tempdir().unwrap();
    let doc = Document::load(example_guide(dir.path(), "guide.pdf")).unwrap();
    let number = |o: &Object| match o {
        Object::Integer(i) => *i as f32,
        Object::Real(r) => *r,
        o => panic!("not a number: {o:?}"),
    };
    let mut fields = 0;
    for (_, page) in doc.get_pages() {
        let page = doc.get_dictionary(page).unwrap();
        let Ok(annots) = page.get(b"Annots") else {
            continue;
        };
        for annot in resolve(&doc, annots).as_array().unwrap() {
            let annot = resolve(&doc, annot).as_dict().unwrap();
            let multiline = annot
                .get(b"Ff")
                .is_ok_and(|f| f.as_i64().unwrap() & (1 << 12) != 0);
            if !multiline {
                continue;
            }
            fields += 1;
            let name = String::from_utf8_lossy(annot.get(b"T").unwrap().as_str().unwrap());
            let rect: Vec<f32> = annot
                .get(b"Rect")
                .unwrap()
                .as_array()
                .unwrap()
                .iter()
                .map(number)
                .collect();
            let h = rect[3] - rect[1];
            let da =
                String::from_utf8_lossy(annot.get(b"DA").unwrap().as_str().unwrap()).into_owned();
            let words: Vec<&str> = da.split_whitespace().collect();
            let tf = words.iter().position(|w| *w == "Tf").unwrap();
            let size = match words[tf - 1].parse::<f32>().unwrap() {
                s if s > 0.0 => s,
                _ => 12.0,
            };
            let border = annot
                .get(b"BS")
                .and_then(|bs| resolve(&doc, bs).as_dict().unwrap().get(b"W"))
                .map(number)
                .unwrap_or(1.0);
            let mut whole = 0;
            for line in 1..60 {
                let baseline = h - 2.0 * border - line as f32 * 1.116 * size;
                let (top, bottom) = (baseline + 0.756 * size, baseline - 0.225 * size);
                assert!(
                    !(top > border && bottom < border),
                    "{name} ({h} pt high, border {border}): MuPDF cuts line {line}"
                );
                whole += usize::from(bottom >= border);
            }
            // Whole lines: no fewer than MuPDF's line height allows, less one.
            assert!(
                whole + 1 >= (h / (1.116 * size)) as usize - 1,
                "{name}: only {whole} lines"
            );
        }
    }
    assert!(fields > 30, "{fields} multi-line fields");
}
