//! The PDF writer: a laid-out [`Document`] → PDF bytes. The only module that touches
//! printpdf.
//!
//! printpdf draws the pages; fonts are subset here (typst's `subsetter`) and handed to
//! printpdf already subset, and the document-level entries printpdf leaves out or fills
//! from a process-wide counter (`/Lang`, `/ID`, the Info dictionary) are set on the lopdf
//! document before it is saved, so the same document always gives the same bytes.

mod content;
mod deflate;
mod embed;
pub mod error;
mod form;
mod mupdf;
mod outline;
mod pdfa;
mod save;
mod tags;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use lopdf::{Object, StringFormat};
use printpdf::{
    FontMetrics, FontType, ParsedFont, PdfDocument, PdfFontMetricsStub, PdfPage, PdfSaveOptions, Pt,
};
use sha2::{Digest, Sha256};

use crate::base::fonts::{FontFace, FontSet};
use crate::base::memo::{self, Memo};
use crate::layout::{Color, Document, FieldKind, FontStyle, Item, Mark, Segment, Stroke};
use crate::model::identity::{GuideIdentity, RequiredSigner, SignerRole};
use crate::pdf::content::Content;
use crate::pdf::error::{Error, Result};

/// Document metadata, written to the Info dictionary and the catalog.
#[derive(Debug, Clone)]
pub struct Metadata {
    pub title: String,
    pub author: String,
    pub subject: String,
    pub keywords: Vec<String>,
    /// `mus <version>`.
    pub creator: String,
    /// BCP 47, e.g. `da-DK`.
    pub language: String,
    /// Seconds since the Unix epoch, UTC.
    pub created: i64,
    /// What makes this document this document (e.g. a digest of its markup): the file
    /// identifier (`/ID`) is derived from it with the rest of the metadata.
    pub key: Vec<u8>,
    /// What identifies the guide, written into its XMP so an archive can recognise the
    /// file without reading its text. Its `signers` are not taken from here: the writer
    /// lists the signature areas the layout made. `None` for what is not a guide (the MED
    /// report), which an archive must never take for one.
    pub identity: Option<GuideIdentity>,
}

impl Metadata {
    /// The Info dictionary's `/Producer`, also `pdf:Producer` in the XMP.
    pub fn producer(&self) -> String {
        format!("{} (printpdf)", self.creator)
    }
}

pub use crate::model::identity::NAMESPACE as MUS_NAMESPACE;

/// Writes `document` as a tagged PDF/A-2a and PDF/UA-1.
pub fn write(document: &Document, fonts: &FontSet, meta: &Metadata) -> Result<Vec<u8>> {
    write_with(document, fonts, meta, true)
}

/// What a guide is written as. Every guide mus makes is both; the benchmarks weigh what
/// each costs.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// PDF/A: the metadata packet and the output intent.
    pub pdf_a: bool,
    /// Tagged (PDF/UA-1, and PDF/A level A): marked content and the structure tree.
    pub tagged: bool,
}

/// Writes `document` tagged, as PDF/A or without its metadata packet and output intent.
pub fn write_with(
    document: &Document,
    fonts: &FontSet,
    meta: &Metadata,
    pdf_a: bool,
) -> Result<Vec<u8>> {
    write_as(
        document,
        fonts,
        meta,
        Options {
            pdf_a,
            tagged: true,
        },
    )
}

/// Writes `document` as `options` say.
pub fn write_as(
    document: &Document,
    fonts: &FontSet,
    meta: &Metadata,
    options: Options,
) -> Result<Vec<u8>> {
    let Options { pdf_a, tagged } = options;
    // Who must sign is what the layout laid out, so the identity can never name a slot
    // the guide lacks, nor miss one it has.
    let meta = &Metadata {
        identity: meta.identity.as_ref().map(|identity| GuideIdentity {
            signers: document
                .signatures
                .iter()
                .map(|area| RequiredSigner {
                    slot: area.slot.clone(),
                    role: SignerRole::from_key(&area.key),
                    label: area.label.clone(),
                    name: area.name.clone(),
                })
                .collect(),
            ..identity.clone()
        }),
        ..meta.clone()
    };
    let mut pdf = PdfDocument::new(&meta.title);
    let mut used = used_characters(document);
    if tagged {
        // Tagged text ends a line with the space it broke at (see `tags::line_ends`).
        for chars in used.values_mut() {
            chars.insert(' ');
        }
    }
    let has_form = document
        .pages
        .iter()
        .any(|p| p.items.iter().any(|i| matches!(i, Item::Field { .. })));
    let faces = faces(fonts, &used)?;
    let mut tagger = tagged.then(|| tags::Tagger::new(&document.structure));
    let footer = shared_footer(document);
    let contents: Vec<Vec<Stream>> = document
        .pages
        .iter()
        .map(|page| {
            let mut tags = tagger.as_mut().map(|t| t.page());
            let footer = footer.as_deref();
            page_content(&page.items, document.height, &faces, tags.as_mut(), footer)
        })
        .collect();
    pdf.pages = (0..contents.len())
        .map(|_| {
            PdfPage::new(
                Pt(document.width).into(),
                Pt(document.height).into(),
                vec![],
            )
        })
        .collect();

    let options = PdfSaveOptions {
        optimize: false,
        subset_fonts: false,
        secure: true,
        image_optimization: None,
    };
    let mut warnings = Vec::new();
    let mut doc = pdf.to_lopdf_document(&options, &mut warnings);
    if let Some(w) = warnings.iter().find(|w| format!("{w:?}").contains("Error")) {
        return Err(Error::Pdf {
            message: format!("{w:?}"),
        });
    }
    set_contents(&mut doc, contents)?;
    if let Some(items) = &footer {
        add_footer_form(&mut doc, items, document, &faces)?;
    }
    let root = finish(&mut doc, meta, &document_id(meta), pdf_a, tagged)?;
    let objects: BTreeMap<FontStyle, lopdf::ObjectId> = faces
        .iter()
        .map(|(style, (_, subset))| {
            let object = embed::add_font(&mut doc, &subset.font, &subset.objects);
            (*style, object)
        })
        .collect();
    let resources = embed::font_resources(&mut doc)?;
    for (style, (resource, _)) in &faces {
        resources.set(resource.as_str(), Object::Reference(objects[style]));
    }
    outline::apply(&mut doc, document, root)?;
    tab_order(&mut doc)?;
    // Field text is set in the regular face, whose widths and ToUnicode map cover every
    // glyph of its subset (field values and typed answers use glyphs the page text may
    // not).
    let field_face = faces.get(&FontStyle::Regular).filter(|_| has_form);
    let fields = match (field_face, objects.get(&FontStyle::Regular)) {
        (Some((resource, subset)), Some(&object)) => {
            let font = form::FieldFont {
                resource,
                object,
                glyphs: &subset.font.codepoint_to_glyph,
            };
            form::apply(&mut doc, document, root, &font, tagged)?
        }
        _ => form::Written::new(),
    };
    let tags = Vec::from_iter(tagger.map(|t| t.write(&mut doc, root)).transpose()?);
    let form::Written {
        shared,
        own,
        direct,
    } = fields;
    let bytes = deflate::with_deflater(|deflater| {
        compress(&mut doc, deflater);
        save::save(&doc, shared, own, &tags, &direct, deflater)
    })
    .map_err(|message| Error::Pdf { message })?;
    Ok(bytes)
}

/// Each face a document is set in: its resource name (`F1`) and its subset.
type Faces = BTreeMap<FontStyle, (String, Arc<Subset>)>;

/// Subsets each face to the characters `used` of it (a subset made once per process, see
/// [`subset_once`]), with its resource name (`F1`).
fn faces(fonts: &FontSet, used: &BTreeMap<FontStyle, BTreeSet<char>>) -> Result<Faces> {
    let mut faces = Faces::new();
    for (style, chars) in used {
        let subset = subset_once(fonts.face(*style), chars)?;
        faces.insert(*style, (format!("F{}", *style as u8 + 1), subset));
    }
    Ok(faces)
}

/// The resource name of the form XObject that draws the running footer's parts that are
/// the same on every page.
const FOOTER: &str = "Fo1";

/// The running footer's items that every page has alike (the hairline, the guide's
/// name and identifier: all but the page number, as the templates place it), if the
/// document has more than one page. They are drawn once, in a form XObject every page
/// shows ([`FOOTER`]): nine copies of the same footer, each a stream of its own, were a
/// deflate each (the leader's name is in it, so no guide shares them) and 2.6 KB a guide.
fn shared_footer(document: &Document) -> Option<Vec<Item>> {
    fn footer_of(items: &[Item]) -> &[Item] {
        let start = items
            .iter()
            .position(|i| matches!(i, Item::Mark(Mark::Footer)));
        start.map_or(&[], |s| &items[s + 1..])
    }
    let (first, rest) = document.pages.split_first()?;
    if rest.is_empty() {
        return None;
    }
    let mut shared = footer_of(&first.items).to_vec();
    for page in rest {
        let footer = footer_of(&page.items);
        shared.retain(|item| footer.contains(item));
    }
    shared.retain(|item| !matches!(item, Item::Mark(_) | Item::Field { .. }));
    (!shared.is_empty()).then_some(shared)
}

/// The form XObject [`FOOTER`] drawing `items` as a page of `document` would (its bounding
/// box is the page), entered in every page's resources. Its content is marked
/// as nothing: every page shows it inside its footer's artifact.
fn add_footer_form(
    doc: &mut lopdf::Document,
    items: &[Item],
    document: &Document,
    faces: &Faces,
) -> Result<()> {
    let mut page = PageOps::new(document.height, faces, 1 << 10);
    page.draw(items, &[], None, None);
    let content = page.content.into_bytes();
    let fonts = embed::shared_fonts(doc)?;
    let bbox = [0.0, 0.0, document.width, document.height];
    let form = lopdf::Stream::new(
        lopdf::Dictionary::from_iter(vec![
            ("Subtype", Object::Name(b"Form".to_vec())),
            (
                "BBox",
                Object::Array(bbox.iter().map(|v| Object::Real(*v)).collect()),
            ),
            (
                "Resources",
                Object::Dictionary(lopdf::Dictionary::from_iter(vec![(
                    "Font",
                    Object::Reference(fonts),
                )])),
            ),
        ]),
        content,
    );
    let form = doc.add_object(form);
    for page in doc.get_pages().into_values() {
        let resources = embed::page_resources(doc, page)?;
        doc.get_object_mut(resources)
            .and_then(Object::as_dict_mut)
            .map_err(|e| Error::Pdf {
                message: format!("page resources: {e}"),
            })?
            .set(
                "XObject",
                lopdf::Dictionary::from_iter(vec![(FOOTER, Object::Reference(form))]),
            );
    }
    Ok(())
}

/// Gives each page its content streams, in page order.
fn set_contents(doc: &mut lopdf::Document, contents: Vec<Vec<Stream>>) -> Result<()> {
    let pages: Vec<lopdf::ObjectId> = doc.get_pages().values().copied().collect();
    if pages.len() != contents.len() {
        return Err(Error::Pdf {
            message: format!("printpdf wrote {} pages of {}", pages.len(), contents.len()),
        });
    }
    for (page, streams) in pages.into_iter().zip(contents) {
        let broken = |e: lopdf::Error| Error::Pdf {
            message: format!("page {} {}: no content stream: {e}", page.0, page.1),
        };
        let first = doc
            .get_dictionary(page)
            .and_then(|p| p.get(b"Contents"))
            .and_then(Object::as_reference)
            .map_err(broken)?;
        let mut ids = Vec::new();
        for (i, content) in streams.into_iter().enumerate() {
            let mut stream = lopdf::Stream::new(lopdf::Dictionary::new(), content.bytes);
            if content.deflated {
                // As `compress` marks what it deflates (after `/Length`).
                stream
                    .dict
                    .set("Filter", Object::Name(b"FlateDecode".to_vec()));
            }
            let stream = Object::Stream(stream);
            let id = if i == 0 {
                doc.objects.insert(first, stream);
                first
            } else {
                doc.add_object(stream)
            };
            ids.push(Object::Reference(id));
        }
        if ids.len() > 1 {
            doc.get_object_mut(page)
                .and_then(Object::as_dict_mut)
                .map_err(broken)?
                .set("Contents", Object::Array(ids));
        }
    }
    Ok(())
}

/// `/Tabs /S` on every page: Tab moves through the fields in the order of the structure
/// tree, which is reading order (ISO 14289-1, 7.18.3), not in the order of `/Annots`.
fn tab_order(doc: &mut lopdf::Document) -> Result<()> {
    let pages: Vec<lopdf::ObjectId> = doc.get_pages().values().copied().collect();
    for id in pages {
        doc.get_object_mut(id)
            .and_then(Object::as_dict_mut)
            .map_err(|e| Error::Pdf {
                message: format!("page {} {}: {e}", id.0, id.1),
            })?
            .set("Tabs", Object::Name(b"S".to_vec()));
    }
    Ok(())
}

/// Every character each face shows, so each can be subset to exactly that.
fn used_characters(document: &Document) -> BTreeMap<FontStyle, BTreeSet<char>> {
    let mut used: BTreeMap<FontStyle, CharSet> = BTreeMap::new();
    let mut fields = false;
    for page in &document.pages {
        for item in &page.items {
            match item {
                Item::Text { style, text, .. } => used.entry(*style).or_default().extend(text),
                Item::Field {
                    kind: FieldKind::Text { value, lines, .. },
                    ..
                } => {
                    let regular = used.entry(FontStyle::Regular).or_default();
                    regular.extend(value);
                    for line in lines {
                        regular.extend(line);
                    }
                    fields = true;
                }
                _ => {}
            }
        }
    }
    // Field text is set in the regular face, with room for typed Danish text.
    if fields {
        let regular = used.entry(FontStyle::Regular).or_default();
        for c in form::typed_characters() {
            regular.insert(c);
        }
    }
    used.into_iter()
        .map(|(style, chars)| {
            // In order, so the set is built in bulk, not a character at a time.
            let mut seen = Vec::with_capacity(512);
            for (word, bits) in chars.seen.iter().enumerate() {
                let mut bits = *bits;
                while bits != 0 {
                    let bit = bits.trailing_zeros();
                    bits &= bits - 1;
                    seen.extend(char::from_u32(word as u32 * 64 + bit));
                }
            }
            let set = seen
                .into_iter()
                .chain(chars.rest)
                .filter(|c| !c.is_control())
                .collect();
            (style, set)
        })
        .collect()
}

/// A set of characters with a bitmap for those up to U+21FF (Latin, Greek, Cyrillic and
/// the punctuation), which are nearly all a guide has: a guide's 30,000 characters went
/// into a `BTreeSet` one by one for a tenth of the writer's time.
struct CharSet {
    seen: [u64; CharSet::WORDS],
    rest: BTreeSet<char>,
}

impl CharSet {
    const WORDS: usize = 0x2200 / 64;

    fn insert(&mut self, c: char) {
        let i = c as usize;
        match self.seen.get_mut(i / 64) {
            Some(word) => *word |= 1 << (i % 64),
            None => {
                self.rest.insert(c);
            }
        }
    }

    fn extend(&mut self, text: &str) {
        for c in text.chars() {
            self.insert(c);
        }
    }
}

impl Default for CharSet {
    fn default() -> CharSet {
        CharSet {
            seen: [0; CharSet::WORDS],
            rest: BTreeSet::new(),
        }
    }
}

/// The ToUnicode CMap (ISO 32000-1, 9.10.3) for `glyphs` (character -> glyph id): runs of
/// consecutive glyphs for consecutive characters (a subset keeps the font's order, and
/// accented letters come in alphabet order) are one `bfrange` line each, the other glyphs
/// one `bfchar` line each, at most 100 lines a block.
///
/// A range's source and destination each vary in their last byte only (`<0060> <00F0>
/// <00A0>` carried the destination past 0xFF: Ghostscript read Ł, U+0141, as "A"), and a
/// range's destination lies below U+0100: Ghostscript 10.0 reads a range's destination
/// wrongly when its first byte is not 0 (`<004D> <004E> <2013>` gave "3" and "4" for the
/// dashes), and reads the same as a `bfchar` right. So Latin-1 runs are ranges, the rest
/// of the text (ŁŻ, dashes, quotes, €) one line a glyph.
fn to_unicode_cmap(glyphs: &BTreeMap<u32, u16>) -> String {
    let mut by_gid: Vec<(u16, u32)> = glyphs.iter().map(|(c, g)| (*g, *c)).collect();
    by_gid.sort_unstable();
    by_gid.dedup_by_key(|(g, _)| *g);
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    let mut runs: Vec<(u16, u16, u32)> = Vec::new();
    for &(gid, c) in &by_gid {
        match runs.last_mut() {
            Some((first, last, start))
                if gid == *last + 1
                    && c == *start + u32::from(gid - *first)
                    && gid >> 8 == *first >> 8
                    && c >> 8 == *start >> 8
                    && c <= 0xFF =>
            {
                *last = gid
            }
            _ => runs.push((gid, gid, c)),
        }
    }
    let utf16 = |c: u32| -> String {
        char::from_u32(c)
            .map(|ch| {
                ch.encode_utf16(&mut [0; 2])
                    .iter()
                    .map(|u| format!("{u:04X}"))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (singles, ranges): (Vec<_>, Vec<_>) = runs.iter().partition(|(a, b, _)| a == b);
    for chunk in singles.chunks(100) {
        cmap.push_str(&format!("{} beginbfchar\n", chunk.len()));
        for (gid, _, c) in chunk {
            cmap.push_str(&format!("<{gid:04X}> <{}>\n", utf16(*c)));
        }
        cmap.push_str("endbfchar\n");
    }
    for chunk in ranges.chunks(100) {
        cmap.push_str(&format!("{} beginbfrange\n", chunk.len()));
        for (first, last, c) in chunk {
            cmap.push_str(&format!("<{first:04X}> <{last:04X}> <{}>\n", utf16(*c)));
        }
        cmap.push_str("endbfrange\n");
    }
    cmap.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    cmap
}

/// A face subset to a character set, and the codes page content shows its characters by.
struct Subset {
    /// Which subset this is, never given to another in this process: what was made
    /// with it (a page body) is found again by it.
    serial: u64,
    font: ParsedFont,
    glyphs: content::Glyphs,
    /// Its font objects but for their numbers.
    objects: embed::FontObjects,
}

/// [`subset`] and its codes, made once per process for each face and character set (a
/// few dozen sets cover a batch of names from every alphabet; see [`Memo`]).
fn subset_once(face: &FontFace, chars: &BTreeSet<char>) -> Result<Arc<Subset>> {
    static SUBSETS: Memo<(usize, BTreeSet<char>), Subset> = Memo::new(256);
    SUBSETS.get_or_make((face.data.as_ptr() as usize, chars.clone()), |_| {
        let font = subset(face, chars)?;
        let glyphs = content::Glyphs::new(&font.codepoint_to_glyph);
        let objects = embed::FontObjects::new(&font, to_unicode_cmap(&font.codepoint_to_glyph));
        static SERIAL: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        Ok(Subset {
            serial: SERIAL.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            font,
            glyphs,
            objects,
        })
    })
}

/// A printpdf font holding only `chars` of `face`, with glyph ids renumbered and the
/// subset tag (ISO 32000-1, 9.6.4) derived from the glyph set, not from a counter.
fn subset(face: &FontFace, chars: &BTreeSet<char>) -> Result<ParsedFont> {
    let mut glyphs = BTreeMap::new();
    for &c in chars {
        let (gid, _) = face
            .glyph(c)
            .ok_or_else(|| crate::base::error::Error::MissingGlyph {
                field: "the guide's text".into(),
                character: c,
                code: c as u32,
                font: face.postscript_name.clone(),
            })?;
        glyphs.insert(c, gid);
    }
    let mut gids: Vec<u16> = glyphs.values().copied().collect();
    gids.sort_unstable();
    gids.dedup();
    let mut remapper = subsetter::GlyphRemapper::new();
    for gid in &gids {
        remapper.remap(*gid);
    }
    let bytes = subsetter::subset(face.data, 0, &remapper).map_err(|e| Error::Pdf {
        message: format!("subsetting {}: {e}", face.postscript_name),
    })?;

    let mut codepoint_to_glyph = BTreeMap::new();
    let mut glyph_widths = BTreeMap::new();
    for (&c, &gid) in &glyphs {
        let new = remapper.get(gid).expect("every used glyph was remapped");
        codepoint_to_glyph.insert(c as u32, new);
        glyph_widths.insert(new, face.glyph(c).map_or(0, |(_, adv)| adv));
    }

    let mut hash = Sha256::new();
    hash.update(face.postscript_name.as_bytes());
    for gid in &gids {
        hash.update(gid.to_be_bytes());
    }
    let tag: String = hash.finalize()[..6]
        .iter()
        .map(|b| (b'A' + b % 26) as char)
        .collect();

    Ok(ParsedFont {
        original_bytes: bytes,
        font_index: 0,
        font_name: Some(format!("{tag}+{}", face.postscript_name)),
        codepoint_to_glyph,
        glyph_widths,
        units_per_em: face.units_per_em,
        font_metrics: FontMetrics {
            ascent: face.ascender,
            descent: face.descender,
        },
        font_type: FontType::TrueType,
        pdf_font_metrics: PdfFontMetricsStub {
            units_per_em: face.units_per_em,
            x_min: face.bbox[0],
            y_min: face.bbox[1],
            x_max: face.bbox[2],
            y_max: face.bbox[3],
            caret_slope_rise: if face.italic_angle == 0.0 { 1 } else { 1000 },
            caret_slope_run: if face.italic_angle == 0.0 {
                0
            } else {
                (-(face.italic_angle.to_radians().tan()) * 1000.0).round() as i16
            },
            us_weight_class: face.weight,
        },
    })
}

/// A content stream as it goes into the file: deflated already or not yet.
struct Stream {
    bytes: Vec<u8>,
    deflated: bool,
}

impl Stream {
    /// `bytes` as `deflate` gives them, where that is worth it: a stream of 256 bytes or
    /// more that deflating makes smaller. (A page's running footer, 186 to 194 bytes,
    /// deflates to about 140: 9 such calls cost a cold guide 1 % more instructions, to save
    /// 0.5 % of its bytes.)
    fn flate(bytes: Vec<u8>, deflate: impl FnOnce(&[u8]) -> Vec<u8>) -> Stream {
        if bytes.len() < 256 {
            return Stream {
                bytes,
                deflated: false,
            };
        }
        let out = deflate(&bytes);
        let deflated = out.len() < bytes.len();
        Stream {
            bytes: if deflated { out } else { bytes },
            deflated,
        }
    }
}

/// A page's body as written ([`page_body`]): its stream, deflated if that made it
/// smaller, and what making it did to the structure tree.
struct Body {
    stream: Stream,
    events: Vec<tags::Event>,
}

impl crate::base::memo::Weight for Body {
    fn weight(&self) -> usize {
        self.stream.bytes.len() + self.events.len() * std::mem::size_of::<tags::Event>()
    }
}

/// The content streams of one page, as marked content if `tags` is given: the page's
/// body, then its running footer, which alone names the guide and the page number (the
/// items of `footer` it shows as the footer's form XObject, [`shared_footer`]). A page
/// of the framework's text is then the same body in every guide with the same level
/// and focus, and is made and deflated once in a batch ([`page_body`]). Layout measures
/// from the top; PDF from the bottom.
fn page_content(
    items: &[Item],
    height: f32,
    fonts: &Faces,
    mut tags: Option<&mut tags::PageTags>,
    footer: Option<&[Item]>,
) -> Vec<Stream> {
    let spaced = if tags.is_some() {
        tags::line_ends(items)
    } else {
        Vec::new()
    };
    let split = items
        .iter()
        .position(|item| matches!(item, Item::Mark(Mark::Footer)));
    let (body, rest) = items.split_at(split.unwrap_or(items.len()));
    let (body_spaced, rest_spaced) = spaced.split_at(spaced.len().min(body.len()));
    /// 16 MB: the bodies of a few hundred combinations' pages.
    static BODIES: memo::Repeated<Body> = memo::Repeated::new(16 << 20);
    // The body, a stream for each run of items between cuts (what names people stands
    // apart from the rest of its page); a page with nothing on it still has one.
    let cuts = (0..body.len()).filter(|&i| matches!(body[i], Item::Cut));
    let mut streams = Vec::with_capacity(3);
    let mut start = 0;
    for end in cuts.chain([body.len()]) {
        let last = end == body.len();
        if end > start || (last && streams.is_empty()) {
            streams.push(page_body(
                &BODIES,
                &body[start..end],
                &body_spaced[start.min(body_spaced.len())..end.min(body_spaced.len())],
                height,
                fonts,
                tags.as_deref_mut(),
            ));
        }
        start = end + 1;
    }
    if split.is_some() {
        let mut page = PageOps::new(height, fonts, 1 << 10);
        page.draw(rest, rest_spaced, tags, footer);
        streams.push(Stream {
            bytes: page.content.into_bytes(),
            deflated: false,
        });
    }
    streams
}

/// The stream of a page's body (its items before the running footer), made and deflated
/// once per process for the same items in the same faces (`bodies`): the framework's
/// pages are the same in every guide of a combination. Made again, its events are
/// replayed into `tags`, so the structure tree is the same either way.
fn page_body(
    bodies: &memo::Repeated<Body>,
    items: &[Item],
    spaced: &[bool],
    height: f32,
    fonts: &Faces,
    mut tags: Option<&mut tags::PageTags>,
) -> Stream {
    let key = body_key(items, spaced, height, fonts, tags.as_deref());
    let mut made = false;
    let body = bodies.get_or_make_ok(&[&key], || {
        made = true;
        if let Some(tags) = tags.as_deref_mut() {
            tags.record();
        }
        let mut page = PageOps::new(height, fonts, 16 << 10);
        page.draw(items, spaced, tags.as_deref_mut(), None);
        let bytes = page.content.into_bytes();
        let events = tags
            .as_deref_mut()
            .map(|t| t.recorded())
            .unwrap_or_default();
        let stream = Stream::flate(bytes, |bytes| deflate::with_deflater(|d| d.deflate(bytes)));
        Body { stream, events }
    });
    if let Some(tags) = tags {
        if !made {
            tags.replay(&body.events);
        }
        tags.passed(items);
    }
    Stream {
        bytes: body.stream.bytes.clone(),
        deflated: body.stream.deflated,
    }
}

/// Everything a page body's stream and its events depend on, as bytes: the faces
/// (each subset by its serial number), the page's height, whether it is tagged, and each
/// item as [`PageOps::draw`] reads it ([`write_item_key`]).
fn body_key(
    items: &[Item],
    spaced: &[bool],
    height: f32,
    fonts: &Faces,
    tags: Option<&tags::PageTags>,
) -> Vec<u8> {
    let mut key = Vec::with_capacity(8 << 10);
    for (style, (resource, subset)) in fonts {
        key.push(*style as u8);
        key.extend_from_slice(&resource.len().to_le_bytes());
        key.extend_from_slice(resource.as_bytes());
        key.extend_from_slice(&subset.serial.to_le_bytes());
    }
    write_real_key(&mut key, height);
    key.push(u8::from(tags.is_some()));
    if let Some((mcids, mark)) = tags.map(tags::PageTags::state) {
        key.extend_from_slice(&mcids.to_le_bytes());
        write_item_key(&mut key, &Item::Mark(mark), false, tags);
    }
    for (index, item) in items.iter().enumerate() {
        let spaced = spaced.get(index).copied().unwrap_or(false);
        write_item_key(&mut key, item, spaced, tags);
    }
    key
}

fn write_real_key(key: &mut Vec<u8>, x: f32) {
    key.extend_from_slice(&x.to_bits().to_le_bytes());
}

fn write_paint_key(key: &mut Vec<u8>, fill: Option<Color>, stroke: Option<Stroke>) {
    for (color, width) in [
        (fill, None),
        (stroke.map(|s| s.color), stroke.map(|s| s.width)),
    ] {
        match color {
            None => key.push(0),
            Some(Color(r, g, b)) => {
                key.push(1);
                for x in [r, g, b].into_iter().chain(width) {
                    write_real_key(key, x);
                }
            }
        }
    }
}

/// An item of a page's body as bytes: what it draws, and for a mark the role of the
/// element it marks content of (a field draws nothing; tagged, it is a widget of the
/// element it is in, so only where it stands counts).
fn write_item_key(key: &mut Vec<u8>, item: &Item, spaced: bool, tags: Option<&tags::PageTags>) {
    match item {
        Item::Text {
            x,
            y,
            size,
            style,
            color,
            text,
        } => {
            key.extend_from_slice(&[b'T', *style as u8, u8::from(spaced)]);
            for v in [*x, *y, *size] {
                write_real_key(key, v);
            }
            write_paint_key(key, Some(*color), None);
            key.extend_from_slice(&text.len().to_le_bytes());
            key.extend_from_slice(text.as_bytes());
        }
        Item::Line {
            x1,
            y1,
            x2,
            y2,
            stroke,
        } => {
            key.push(b'L');
            for v in [*x1, *y1, *x2, *y2] {
                write_real_key(key, v);
            }
            write_paint_key(key, None, Some(*stroke));
        }
        Item::Rect {
            x,
            y,
            w,
            h,
            fill,
            stroke,
        } => {
            key.push(b'R');
            for v in [*x, *y, *w, *h] {
                write_real_key(key, v);
            }
            write_paint_key(key, *fill, *stroke);
        }
        Item::Path {
            segments,
            closed,
            fill,
            stroke,
        } => {
            key.extend_from_slice(&[b'P', u8::from(*closed)]);
            key.extend_from_slice(&segments.len().to_le_bytes());
            for segment in segments {
                let (tag, points) = match segment {
                    Segment::MoveTo(x, y) => (b'm', [*x, *y, 0.0, 0.0, 0.0, 0.0]),
                    Segment::LineTo(x, y) => (b'l', [*x, *y, 0.0, 0.0, 0.0, 0.0]),
                    Segment::CubicTo(p) => (b'c', *p),
                };
                key.push(tag);
                for v in points {
                    write_real_key(key, v);
                }
            }
            write_paint_key(key, *fill, *stroke);
        }
        Item::Field { .. } => key.push(b'F'),
        Item::Mark(Mark::Content(node)) => {
            key.push(b'C');
            key.extend_from_slice(&node.to_le_bytes());
            if let Some(tags) = tags {
                key.extend_from_slice(tags.role(*node).name().as_bytes());
            }
            key.push(0);
        }
        Item::Mark(Mark::Artifact) => key.push(b'A'),
        Item::Mark(Mark::Footer) => key.push(b'O'),
        Item::Cut => key.push(b'X'),
    }
}

/// A page's content as it is written: whether a text object is open, and the state
/// already set. Coordinates in are the layout's (from the top of a page `height` high).
struct PageOps<'f> {
    content: Content,
    in_text: bool,
    state: GraphicsState,
    height: f32,
    fonts: &'f Faces,
}

impl<'f> PageOps<'f> {
    fn new(height: f32, fonts: &'f Faces, capacity: usize) -> PageOps<'f> {
        PageOps {
            content: Content::with_capacity(capacity),
            in_text: false,
            state: GraphicsState::default(),
            height,
            fonts,
        }
    }

    /// Draws `items` into a stream of its own (`spaced` as [`tags::line_ends`] gave for
    /// them), ending its marked content and text object. Items of `footer` are shown as
    /// the footer's form XObject, where the first of them is.
    fn draw(
        &mut self,
        items: &[Item],
        spaced: &[bool],
        mut tags: Option<&mut tags::PageTags>,
        footer: Option<&[Item]>,
    ) {
        let mut footer_shown = false;
        for (index, item) in items.iter().enumerate() {
            if footer.is_some_and(|s| s.contains(item)) {
                if !footer_shown {
                    footer_shown = true;
                    self.end_text(tags.as_deref_mut());
                    if let Some(tags) = tags.as_deref_mut() {
                        tags.draw(item, false, &mut self.content);
                    }
                    self.content.xobject(FOOTER);
                }
                continue;
            }
            if let Some(tags) = tags.as_deref_mut() {
                tags.item(item);
            }
            let spaced = matches!(spaced.get(index), Some(true));
            self.item(item, spaced, tags.as_deref_mut());
        }
        if let Some(tags) = tags {
            tags.finish(&mut self.content);
        }
        if self.in_text {
            self.content.end_text();
            self.in_text = false;
        }
    }

    /// Pushes the operations of one item (none for a mark or a field: fields are widget
    /// annotations, added after printpdf, see `form`).
    fn item(&mut self, item: &Item, spaced: bool, mut tags: Option<&mut tags::PageTags>) {
        if matches!(item, Item::Mark(_) | Item::Field { .. } | Item::Cut) {
            return;
        }
        let is_text = matches!(item, Item::Text { .. });
        if !is_text {
            self.end_text(tags.as_deref_mut());
        }
        if let Some(tags) = tags.as_deref_mut() {
            if is_text && !self.in_text {
                tags.before_begin_text(&mut self.content);
            }
            // Opened inside the text object when the item is text (its `BT` comes first).
            if !is_text {
                tags.draw(item, false, &mut self.content);
            }
        }
        match item {
            Item::Text {
                x,
                y,
                size,
                style,
                color,
                text,
            } => {
                self.begin_text();
                if let Some(tags) = tags {
                    tags.draw(item, true, &mut self.content);
                }
                self.text((*x, *y), *size, *style, *color, text, spaced);
            }
            Item::Line {
                x1,
                y1,
                x2,
                y2,
                stroke,
            } => self.line((*x1, *y1), (*x2, *y2), *stroke),
            Item::Rect {
                x,
                y,
                w,
                h,
                fill,
                stroke,
            } => self.rect((*x, *y, *w, *h), *fill, *stroke),
            Item::Path {
                segments,
                closed: _,
                fill,
                stroke,
            } => self.path(segments, *fill, *stroke),
            Item::Field { .. } | Item::Mark(_) | Item::Cut => {}
        }
    }

    /// Ends the text object if one is open (and the marked content begun in it).
    fn end_text(&mut self, tags: Option<&mut tags::PageTags>) {
        if self.in_text {
            if let Some(tags) = tags {
                tags.before_end_text(&mut self.content);
            }
            self.content.end_text();
            self.in_text = false;
        }
    }

    /// Opens a text object unless one is open; a new one has no font set yet.
    fn begin_text(&mut self) {
        if !self.in_text {
            self.content.begin_text();
            self.in_text = true;
            self.state.font = None;
        }
    }

    /// A run of text, its baseline starting at `(x, y)`, in an open text object; shown
    /// with a space after it if `spaced` (see `tags::line_ends`).
    fn text(
        &mut self,
        (x, y): (f32, f32),
        size: f32,
        style: FontStyle,
        color: Color,
        text: &str,
        spaced: bool,
    ) {
        let (resource, subset) = &self.fonts[&style];
        if self.state.font != Some((style, size)) {
            self.content.font(resource, size);
            self.state.font = Some((style, size));
        }
        self.state.fill(&mut self.content, color);
        self.content.text_position(x, self.height - y);
        self.content.show(text, spaced, &subset.glyphs);
    }

    fn line(&mut self, (x1, y1): (f32, f32), (x2, y2): (f32, f32), stroke: Stroke) {
        self.state.stroke(&mut self.content, stroke);
        self.content
            .line((x1, self.height - y1), (x2, self.height - y2));
    }

    fn rect(
        &mut self,
        (x, y, w, h): (f32, f32, f32, f32),
        fill: Option<Color>,
        stroke: Option<Stroke>,
    ) {
        self.state.paint(&mut self.content, fill, stroke);
        self.content.rect(
            (x, self.height - y - h, w, h),
            fill.is_some(),
            stroke.is_some(),
        );
    }

    fn path(&mut self, segments: &[Segment], fill: Option<Color>, stroke: Option<Stroke>) {
        let height = self.height;
        self.state.paint(&mut self.content, fill, stroke);
        let flipped = segments.iter().map(|segment| match *segment {
            Segment::MoveTo(x, y) => Segment::MoveTo(x, height - y),
            Segment::LineTo(x, y) => Segment::LineTo(x, height - y),
            Segment::CubicTo([x1, y1, x2, y2, x, y]) => {
                Segment::CubicTo([x1, height - y1, x2, height - y2, x, height - y])
            }
        });
        self.content.path(flipped, fill.is_some(), stroke.is_some());
    }
}

/// The colour and line state already set, so each is written only when it changes.
#[derive(Default)]
struct GraphicsState {
    font: Option<(FontStyle, f32)>,
    fill: Option<Color>,
    stroke: Option<Stroke>,
}

impl GraphicsState {
    fn fill(&mut self, content: &mut Content, color: Color) {
        if self.fill != Some(color) {
            content.fill_color(color);
            self.fill = Some(color);
        }
    }

    /// Sets what a shape is filled and stroked with.
    fn paint(&mut self, content: &mut Content, fill: Option<Color>, stroke: Option<Stroke>) {
        if let Some(color) = fill {
            self.fill(content, color);
        }
        if let Some(s) = stroke {
            self.stroke(content, s);
        }
    }

    fn stroke(&mut self, content: &mut Content, stroke: Stroke) {
        if self.stroke != Some(stroke) {
            content.stroke_color(stroke.color);
            content.line_width(stroke.width);
            self.stroke = Some(stroke);
        }
    }
}

/// A stable document id: a digest of the document's key and its metadata.
fn document_id(meta: &Metadata) -> [u8; 16] {
    let mut hash = Sha256::new();
    hash.update(&meta.key);
    for part in [
        &meta.title,
        &meta.author,
        &meta.subject,
        &meta.creator,
        &meta.language,
    ] {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    hash.update(meta.keywords.join("\u{1f}").as_bytes());
    hash.update(meta.created.to_be_bytes());
    hash.finalize()[..16].try_into().expect("16 bytes")
}

/// Deflates every stream that is not yet filtered and gains from it.
///
/// lopdf's own `compress` builds a new compressor (and clears its hash tables) for every
/// stream; one compressor, reset between streams, does the same work in far less time.
///
/// A stream met before in this process (a font program, a page of the framework's text)
/// takes the bytes it gave then ([`deflate::once`]): the same bytes, in less time.
///
/// In sequence: deflating one guide's streams on every core made a cold `mus guide` no
/// faster (starting rayon's threads cost what it saved; BENCHMARKS.md).
fn compress(doc: &mut lopdf::Document, deflater: &mut deflate::Deflater) {
    for object in doc.objects.values_mut() {
        let Object::Stream(stream) = object else {
            continue;
        };
        if !stream.allows_compression || stream.dict.has(b"Filter") {
            continue;
        }
        let content = std::mem::take(&mut stream.content);
        let out = Stream::flate(content, |bytes| deflate::once(deflater, bytes));
        if out.deflated {
            stream
                .dict
                .set("Filter", Object::Name(b"FlateDecode".to_vec()));
            stream.set_content(out.bytes);
        } else {
            stream.content = out.bytes;
        }
    }
}

/// A PDF text string: PDFDocEncoding is not enough for names in every alphabet, so
/// anything beyond ASCII is written as UTF-16BE with a byte-order mark.
fn text_string(s: &str) -> Object {
    if s.is_ascii() {
        return Object::String(s.as_bytes().to_vec(), StringFormat::Literal);
    }
    let mut bytes = vec![0xFE, 0xFF];
    for unit in s.encode_utf16() {
        bytes.extend(unit.to_be_bytes());
    }
    Object::String(bytes, StringFormat::Hexadecimal)
}

/// A PDF text string, one byte a character where PDFDocEncoding has them all (Danish
/// text does: æ, ø, å, …, –), else as [`text_string`]. For the many field tooltips,
/// where UTF-16 would double their size.
fn compact_text_string(s: &str) -> Object {
    let pdfdoc: Option<Vec<u8>> = s.chars().map(pdfdoc_byte).collect();
    match pdfdoc {
        Some(bytes) => Object::String(bytes, StringFormat::Literal),
        None => text_string(s),
    }
}

/// [`compact_text_string`] serialised into `out`, without building it first.
fn write_compact_text_string(out: &mut Vec<u8>, s: &str) {
    write_compact_text(out, &[s]);
}

/// [`write_compact_text_string`] of `parts` joined, in one pass: printable ASCII is
/// copied a run at a time, and a character PDFDocEncoding lacks undoes what was written
/// and writes the whole as [`text_string`] (some 150 tooltips a guide pass through here).
fn write_compact_text(out: &mut Vec<u8>, parts: &[&str]) {
    let mark = out.len();
    out.reserve(parts.iter().map(|p| p.len()).sum::<usize>() + 2);
    out.push(b'(');
    for part in parts {
        let mut rest = *part;
        // Up to the next byte that is not printable ASCII, or is a parenthesis or a
        // backslash (a byte of a longer UTF-8 sequence never is printable ASCII).
        while let Some(at) = rest
            .bytes()
            .position(|b| !(b' '..=b'~').contains(&b) || matches!(b, b'(' | b')' | b'\\'))
        {
            out.extend_from_slice(&rest.as_bytes()[..at]);
            let c = rest[at..].chars().next().unwrap_or_default();
            rest = &rest[at + c.len_utf8()..];
            match pdfdoc_byte(c) {
                Some(byte) => save::write_literal_byte(out, byte),
                None => {
                    out.truncate(mark);
                    save::write_object(out, &text_string(&parts.concat()));
                    return;
                }
            }
        }
        out.extend_from_slice(rest.as_bytes());
    }
    out.push(b')');
}

/// [`text_string`] serialised into `out`, without building it first.
fn write_text_string(out: &mut Vec<u8>, s: &str) {
    if s.is_ascii() {
        save::write_literal_slice(out, s.as_bytes());
    } else {
        save::write_object(out, &text_string(s));
    }
}

/// `c` in PDFDocEncoding (ISO 32000-1, D.2), for the characters it shares with Latin-1
/// and the punctuation Danish text uses.
fn pdfdoc_byte(c: char) -> Option<u8> {
    match c {
        ' '..='~' => Some(c as u8),
        '\u{A1}'..='\u{FF}' if c != '\u{AD}' => Some(c as u32 as u8),
        '•' => Some(0x80),
        '…' => Some(0x83),
        '—' => Some(0x84),
        '–' => Some(0x85),
        '„' => Some(0x8C),
        '“' => Some(0x8D),
        '”' => Some(0x8E),
        '‘' => Some(0x8F),
        '’' => Some(0x90),
        _ => None,
    }
}

/// `D:YYYYMMDDHHmmSSZ` (ISO 32000-1, 7.9.4).
fn pdf_date(unix: i64) -> String {
    let t = chrono::DateTime::from_timestamp(unix, 0).unwrap_or_default();
    t.format("D:%Y%m%d%H%M%SZ").to_string()
}

/// Sets what printpdf leaves out or fills from a process-wide counter.
/// Returns the catalog's object id.
fn finish(
    doc: &mut lopdf::Document,
    meta: &Metadata,
    id: &[u8; 16],
    pdf_a: bool,
    tagged: bool,
) -> Result<lopdf::ObjectId> {
    doc.version = "1.7".into();
    let missing = |what: &str| Error::Pdf {
        message: format!("printpdf wrote no {what}"),
    };

    let info = lopdf::Dictionary::from_iter(vec![
        ("Title", text_string(&meta.title)),
        ("Author", text_string(&meta.author)),
        ("Subject", text_string(&meta.subject)),
        ("Keywords", text_string(&meta.keywords.join(", "))),
        ("Creator", text_string(&meta.creator)),
        (
            "Producer",
            text_string(&format!("{} (printpdf)", meta.creator)),
        ),
        (
            "CreationDate",
            Object::string_literal(pdf_date(meta.created)),
        ),
        ("ModDate", Object::string_literal(pdf_date(meta.created))),
    ]);
    let info_id = doc
        .trailer
        .get(b"Info")
        .and_then(Object::as_reference)
        .map_err(|_| missing("Info"))?;
    doc.objects.insert(info_id, Object::Dictionary(info));

    let root = doc
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(|_| missing("catalog"))?;
    let catalog = doc
        .get_object_mut(root)
        .and_then(Object::as_dict_mut)
        .map_err(|_| missing("catalog"))?;
    catalog.set("Lang", text_string(&meta.language));
    catalog.set(
        "ViewerPreferences",
        lopdf::Dictionary::from_iter(vec![("DisplayDocTitle", Object::Boolean(true))]),
    );
    catalog.remove(b"Metadata");
    if pdf_a {
        pdfa::apply(doc, root, meta, tagged).map_err(|e| Error::Pdf {
            message: format!("PDF/A: {e}"),
        })?;
    }

    let id = Object::String(id.to_vec(), StringFormat::Hexadecimal);
    doc.trailer.set("ID", Object::Array(vec![id.clone(), id]));
    Ok(root)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `MUS_WRITE_KNOWN=1 cargo test known_streams` writes them anew (after updating the
    /// fonts, subsetter or libdeflate); otherwise they must be what the build makes.
    #[test]
    fn the_known_streams_are_what_subsetting_and_deflating_give_now() {
        let face = FontSet::builtin().face(FontStyle::Regular);
        let typed: BTreeSet<char> = form::typed_characters().collect();
        let raw = subset(face, &typed).unwrap().original_bytes;
        let deflated = deflate::Deflater::new().deflate(&raw);
        let [(raw_file, deflated_file)] = deflate::KNOWN_FILES else {
            panic!("one known stream")
        };
        if std::env::var_os("MUS_WRITE_KNOWN").is_some() {
            let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
            std::fs::write(root.join(raw_file), &raw).unwrap();
            std::fs::write(root.join(deflated_file), &deflated).unwrap();
            return;
        }
        let [(known_raw, known_deflated)] = deflate::KNOWN else {
            panic!("one known stream")
        };
        assert!(
            raw == *known_raw && deflated == *known_deflated,
            "{raw_file} or {deflated_file} is not what this build's fonts, subsetter and \
             libdeflate make ({} and {} bytes; kept: {} and {}): write them anew with \
             MUS_WRITE_KNOWN=1 cargo test known_streams",
            raw.len(),
            deflated.len(),
            known_raw.len(),
            known_deflated.len(),
        );
    }

    fn footer_text(x: f32, text: &str) -> Item {
        Item::Text {
            x,
            y: 800.0,
            size: 7.5,
            style: FontStyle::Regular,
            color: Color(0.4, 0.43, 0.47),
            text: text.into(),
        }
    }

    /// A page with some body text and a footer of a hairline, its number and the
    /// guide's identifier.
    fn page(number: usize, body: &str) -> crate::layout::Page {
        crate::layout::Page {
            items: vec![
                footer_text(62.0, body),
                Item::Mark(Mark::Footer),
                Item::Line {
                    x1: 62.0,
                    y1: 790.0,
                    x2: 533.0,
                    y2: 790.0,
                    stroke: Stroke {
                        width: 0.5,
                        color: Color(0.7, 0.72, 0.75),
                    },
                },
                footer_text(62.0, &format!("Side {number}")),
                footer_text(234.0, "Guide 2027-A641"),
            ],
            bookmarks: Vec::new(),
        }
    }

    fn document(pages: Vec<crate::layout::Page>) -> Document {
        Document {
            width: 595.0,
            height: 842.0,
            pages,
            signatures: Vec::new(),
            structure: Default::default(),
        }
    }

    #[test]
    fn the_shared_footer_is_what_every_page_footer_has_alike_and_nothing_of_a_body() {
        // The body text is the same on both pages, yet it is not the footer's.
        let doc = document(vec![page(1, "Samme tekst"), page(2, "Samme tekst")]);
        let shared = shared_footer(&doc).expect("two pages share a footer");
        let hairline = doc.pages[0].items[2].clone();
        assert_eq!(
            shared,
            vec![hairline, footer_text(234.0, "Guide 2027-A641")]
        );
        // A page shows the shared part once, where its first item was, inside the
        // footer artifact, and draws its own number itself.
        let faces = faces(FontSet::builtin(), &used_characters(&doc)).unwrap();
        let streams = page_content(&doc.pages[1].items, doc.height, &faces, None, Some(&shared));
        assert_eq!(streams.len(), 2, "body and footer");
        let footer = text_of(&streams[1]);
        assert_eq!(footer.matches("/Fo1 Do").count(), 1, "{footer}");
        assert!(
            !footer.contains(" l\nS"),
            "the hairline is the form's: {footer}"
        );
        assert_eq!(
            footer.matches("Tj").count(),
            1,
            "only the page number: {footer}"
        );
        assert!(!text_of(&streams[0]).contains("Do"));
    }

    #[test]
    fn a_page_body_from_the_memo_is_the_same_stream_and_the_same_tree() {
        use crate::layout::{Node, Role, Structure};
        let structure = |role| Structure {
            nodes: vec![
                Node {
                    role: Role::Document,
                    parent: None,
                    alt: None,
                },
                Node {
                    role,
                    parent: Some(Structure::DOCUMENT),
                    alt: None,
                },
                Node {
                    role: Role::Form,
                    parent: Some(1),
                    alt: None,
                },
            ],
        };
        let field = Item::Field {
            name: "svar".into(),
            tooltip: "Svar".into(),
            kind: FieldKind::Signature,
            x: 62.0,
            y: 100.0,
            w: 200.0,
            h: 40.0,
        };
        let mut items = vec![
            Item::Mark(Mark::Content(1)),
            footer_text(62.0, &"Hvad vil du udvikle i år? ".repeat(12)),
            footer_text(62.0, "og hvordan?"),
            Item::Mark(Mark::Content(2)),
            field,
        ];
        items.extend(page(1, "").items.into_iter().skip(1));
        let doc = document(vec![crate::layout::Page {
            items,
            bookmarks: Vec::new(),
        }]);
        let faces = faces(FontSet::builtin(), &used_characters(&doc)).unwrap();
        let bodies = memo::Repeated::new(1 << 20);
        let made = |role| {
            let structure = structure(role);
            let mut tagger = tags::Tagger::new(&structure);
            let items = &doc.pages[0].items;
            let spaced = tags::line_ends(items);
            let mut page = tagger.page();
            let split = items
                .iter()
                .position(|i| matches!(i, Item::Mark(Mark::Footer)));
            let n = split.unwrap();
            let stream = page_body(
                &bodies,
                &items[..n],
                &spaced[..n],
                842.0,
                &faces,
                Some(&mut page),
            );
            (text_of(&stream), stream.deflated, tagger.placed())
        };
        // Made, made again and kept, then taken from the memo with its events replayed.
        let first = made(Role::P);
        assert!(first.1, "a long body is deflated");
        assert!(first.0.contains("/P <</MCID 0>> BDC"), "{}", first.0);
        assert_eq!(
            first.2,
            "0: [element 1]; 1: [mcid 0 on 0, element 2]; 2: [widget 0 on 0]"
        );
        assert_eq!(made(Role::P), first);
        assert_eq!(made(Role::P), first);
        // The same items marking content of another role are another body.
        let heading = made(Role::Heading(2));
        assert!(heading.0.contains("/H2 <</MCID 0>> BDC"), "{}", heading.0);
    }

    /// A content stream's operations, inflated if it is deflated.
    fn text_of(stream: &Stream) -> String {
        let mut bytes = stream.bytes.clone();
        if stream.deflated {
            use std::io::Read;
            bytes.clear();
            flate2::read::ZlibDecoder::new(&stream.bytes[..])
                .read_to_end(&mut bytes)
                .unwrap();
        }
        String::from_utf8_lossy(&bytes).into_owned()
    }

    #[test]
    fn a_single_page_or_footers_with_nothing_alike_share_no_footer() {
        assert!(shared_footer(&document(vec![page(1, "Tekst")])).is_none());
        let mut other = page(2, "Tekst");
        other.items.truncate(2);
        other.items.push(footer_text(62.0, "Side 2"));
        let doc = document(vec![page(1, "Tekst"), other]);
        assert!(shared_footer(&doc).is_none());
    }

    #[test]
    fn a_compact_text_string_written_in_one_pass_is_the_object_serialised() {
        let texts = [
            "",
            "Plain ASCII, 1 til 5",
            "Din vurdering (forventning 1): Overs\u{e6}tter \\ tydeligt \u{2026}",
            "Ældre – „Øst“ • ’s",
            "Soft\u{ad}hyphen",
            "Line\nbreak",
            "Tab\there",
            "Łukasz Ж 👩🏽‍💼",
            ")(",
        ];
        for text in texts {
            let mut expected = Vec::new();
            save::write_object(&mut expected, &compact_text_string(text));
            let mut written = b"<<".to_vec();
            write_compact_text_string(&mut written, text);
            assert_eq!(written[2..], expected[..], "{text}");
            let mid = (0..=text.len() / 2)
                .rev()
                .find(|&i| text.is_char_boundary(i))
                .unwrap_or(0);
            let (head, tail) = text.split_at(mid);
            let mut parts = Vec::new();
            write_compact_text(&mut parts, &[head, ": ", tail]);
            let mut joined = Vec::new();
            save::write_object(
                &mut joined,
                &compact_text_string(&[head, ": ", tail].concat()),
            );
            assert_eq!(parts, joined, "{text}");
        }
    }

    #[test]
    fn the_character_set_holds_what_was_put_in_once_each() {
        let text = "Sæt retning – „fælles“ Łódź 𝔄 € ÿ\u{21FF}\u{2200}";
        let mut set = CharSet::default();
        set.extend(text);
        set.extend(text);
        let mut back: BTreeSet<char> = set.rest.clone();
        for (word, bits) in set.seen.iter().enumerate() {
            for bit in 0..64 {
                if bits >> bit & 1 == 1 {
                    back.extend(char::from_u32(word as u32 * 64 + bit));
                }
            }
        }
        assert_eq!(back, text.chars().collect::<BTreeSet<char>>());
        // Above the bitmap, only what lies there.
        assert_eq!(set.rest, BTreeSet::from(['\u{2200}', '𝔄']));
    }

    /// A ToUnicode CMap read as ISO 32000-1, 9.10.3 and Ghostscript read it: a
    /// `bfrange` adds to the last byte of its destination only (carrying nowhere). Gives
    /// glyph id -> text, the ranges as (first, last, destination bytes) and the number of
    /// entries each block announced with the lines it held.
    #[allow(clippy::type_complexity)]
    fn read_cmap(
        cmap: &str,
    ) -> (
        BTreeMap<u16, String>,
        Vec<(u16, u16, Vec<u8>)>,
        Vec<(usize, usize)>,
    ) {
        let bytes = |s: &str| -> Vec<u8> {
            let s = s.trim_matches(['<', '>']);
            (0..s.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
                .collect()
        };
        let text = |b: &[u8]| {
            let units: Vec<u16> = b
                .chunks(2)
                .map(|u| u16::from_be_bytes([u[0], u[1]]))
                .collect();
            String::from_utf16(&units).unwrap()
        };
        let code = |s: &str| u16::from_be_bytes(bytes(s).try_into().unwrap());
        let (mut map, mut ranges, mut blocks) = (BTreeMap::new(), Vec::new(), Vec::new());
        let mut mode = "";
        for line in cmap.lines() {
            let parts: Vec<&str> = line.split_whitespace().collect();
            match (mode, parts.as_slice()) {
                (_, [n, "beginbfchar"]) | (_, [n, "beginbfrange"]) => {
                    mode = if line.ends_with("bfchar") {
                        "char"
                    } else {
                        "range"
                    };
                    blocks.push((n.parse().unwrap(), 0));
                }
                (_, ["endbfchar"]) | (_, ["endbfrange"]) => mode = "",
                ("char", [src, dst]) => {
                    blocks.last_mut().unwrap().1 += 1;
                    map.insert(code(src), text(&bytes(dst)));
                }
                ("range", [lo, hi, dst]) => {
                    blocks.last_mut().unwrap().1 += 1;
                    let (lo, hi, dst) = (code(lo), code(hi), bytes(dst));
                    for k in 0..=hi.wrapping_sub(lo) {
                        let mut b = dst.clone();
                        let last = b.len() - 1;
                        b[last] = b[last].wrapping_add(k as u8);
                        map.insert(lo.wrapping_add(k), text(&b));
                    }
                    ranges.push((lo, hi, dst));
                }
                _ => {}
            }
        }
        (map, ranges, blocks)
    }

    /// Glyph sets that test the writer: the example guide's case (Latin-1 and Latin
    /// Extended-A at consecutive glyphs from 0x60: U+00A0..U+017F, through glyph 0x100),
    /// 250 lone glyphs and 250 two-glyph runs, and letters outside the BMP.
    fn glyph_sets() -> Vec<BTreeMap<u32, u16>> {
        let latin: BTreeMap<u32, u16> = (0xA0..=0x17Fu32)
            .map(|c| (c, 0x60 + (c - 0xA0) as u16))
            .collect();
        let mut many = BTreeMap::new();
        for k in 0..250u32 {
            many.insert(0x400 + 3 * k, (2 * k) as u16);
            many.insert(0x1000 + 5 * k, (1000 + 3 * k) as u16);
            many.insert(0x1001 + 5 * k, (1001 + 3 * k) as u16);
        }
        let astral: BTreeMap<u32, u16> = [(0x1D504, 7), (0x1D505, 8), (0x20AC, 9), (0x20AD, 10)]
            .into_iter()
            .collect();
        let dashes: BTreeMap<u32, u16> = "–—‘’‚“”„«»…•€§Łłæøå"
            .chars()
            .enumerate()
            .map(|(k, c)| (c as u32, 0xF0 + k as u16))
            .collect();
        vec![latin, many, astral, dashes]
    }

    #[test]
    fn a_to_unicode_range_varies_the_last_byte_only_of_source_and_destination() {
        for glyphs in glyph_sets() {
            let (_, ranges, _) = read_cmap(&to_unicode_cmap(&glyphs));
            for (lo, hi, dst) in ranges {
                let range = format!("<{lo:04X}> <{hi:04X}> {dst:02X?}");
                assert!(lo < hi && lo >> 8 == hi >> 8, "source: {range}");
                assert_eq!(dst.len(), 2, "one UTF-16 unit: {range}");
                assert_eq!(
                    dst[0], 0,
                    "Ghostscript misreads a range above U+00FF: {range}"
                );
                assert!(
                    usize::from(dst[1]) + usize::from(hi - lo) <= 0xFF,
                    "the destination carries past its last byte: {range}"
                );
            }
        }
    }

    #[test]
    fn a_to_unicode_block_holds_at_most_100_entries() {
        for glyphs in glyph_sets() {
            let (_, _, blocks) = read_cmap(&to_unicode_cmap(&glyphs));
            for (announced, held) in blocks {
                assert!((1..=100).contains(&announced), "{announced} entries");
                assert_eq!(announced, held);
            }
        }
    }

    #[test]
    fn a_to_unicode_cmap_read_back_maps_every_glyph_to_its_character() {
        for glyphs in glyph_sets() {
            let (map, _, _) = read_cmap(&to_unicode_cmap(&glyphs));
            let want: BTreeMap<u16, String> = glyphs
                .iter()
                .map(|(c, g)| (*g, char::from_u32(*c).unwrap().to_string()))
                .collect();
            assert_eq!(map, want);
        }
    }
}
