//! The guide as a PDF form: a widget for every field the layout placed (answers, scales,
//! plan cells, names, dates) and two empty signature fields, each with its appearance
//! stream, so any reader shows them, fills them and signs them without regenerating
//! anything (no `NeedAppearances`).
//!
//! printpdf has no form fields; they are added to the lopdf document it produced.

use std::collections::BTreeMap;

use lopdf::{Dictionary, Object, ObjectId, Stream};

use super::{compact_text_string, text_string};
use crate::layout::{Color, Document, FieldKind, Item};
use crate::pdf::error::{Error, Result};

/// What people type, in the field font's subset (one subset shared by every field), so
/// a typed answer shows in every reader: printable ASCII, Latin-1, Latin Extended-A (the
/// letters of Polish, Czech, Turkish, Hungarian … names) and the punctuation Danish text
/// uses. Greek and Cyrillic stay out: they would cost 8 KB more per guide (+3.4 and
/// +4.8 KB), and names in them are printed as page text, not typed (BENCHMARKS.md).
pub fn typed_characters() -> impl Iterator<Item = char> {
    let ranges = [(0x20, 0x7E), (0xA0, 0xFF), (0x100, 0x17F)];
    ranges
        .into_iter()
        .flat_map(|(a, b)| (a..=b).filter_map(char::from_u32))
        .chain("–—‘’‚“”„‹›…•€".chars())
}

/// The form's maps, by field name: looked up a few hundred times a guide, never iterated
/// (the order is `Form::roots`' and each node's `kids`), so a fast hasher, seeded alike
/// in every process.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;

/// The text colour of field values.
const INK: Color = crate::layout::theme::INK;

/// The font field text is set in: its resource name, its object, and its glyph ids.
pub struct FieldFont<'f> {
    pub resource: &'f str,
    pub object: ObjectId,
    pub glyphs: &'f BTreeMap<u32, u16>,
}

/// A field of the form tree: a name part, and either kids or the widgets of one field.
#[derive(Default)]
struct Node {
    kids: Vec<String>,
    terminal: Option<Terminal>,
    /// A radio group's tooltip (`/TU`); other fields carry theirs on their widget.
    tooltip: Option<String>,
}

enum Terminal {
    /// A text or signature field merged with its one widget.
    Widget(ObjectId),
    /// A radio group and its buttons.
    Radio(Vec<ObjectId>),
}

/// Adds every field of `layout` to `doc` and the form dictionary to the catalog.
pub fn apply(
    doc: &mut lopdf::Document,
    layout: &Document,
    catalog: ObjectId,
    font: &FieldFont,
) -> Result<()> {
    let pages: Vec<ObjectId> = doc.get_pages().values().copied().collect();
    let mut form = Form {
        font,
        nodes: HashMap::default(),
        roots: Vec::new(),
        shared: HashMap::default(),
    };
    for (page, page_id) in layout.pages.iter().zip(&pages) {
        let mut annots = Vec::new();
        for item in &page.items {
            let Item::Field {
                name,
                tooltip,
                kind,
                x,
                y,
                w,
                h,
            } = item
            else {
                continue;
            };
            let rect = Object::Array(
                [*x, layout.height - y - h, x + w, layout.height - y]
                    .iter()
                    .map(|v| Object::Real(round(*v)))
                    .collect(),
            );
            let widget = Widget {
                name,
                tooltip,
                w: *w,
                h: *h,
                dict: Dictionary::from_iter(vec![
                    ("Type", Object::Name(b"Annot".to_vec())),
                    ("Subtype", Object::Name(b"Widget".to_vec())),
                    ("Rect", rect),
                    // Print, and nothing that hides it: PDF/A wants printed widgets.
                    ("F", Object::Integer(4)),
                    ("P", Object::Reference(*page_id)),
                ]),
            };
            let id = match kind {
                FieldKind::Radio { value, label } => form.radio(doc, widget, value, label)?,
                FieldKind::Text { .. } | FieldKind::Signature => {
                    form.text_or_signature(doc, widget, kind)?
                }
            };
            annots.push(Object::Reference(id));
        }
        if !annots.is_empty() {
            let page = doc
                .get_object_mut(*page_id)
                .and_then(Object::as_dict_mut)
                .map_err(pdf_error)?;
            page.set("Annots", Object::Array(annots));
        }
    }
    form.finish(doc, catalog)
}

/// A widget being made: its field's full name and tooltip, its size, and its annotation
/// dictionary so far.
struct Widget<'i> {
    name: &'i str,
    tooltip: &'i str,
    w: f32,
    h: f32,
    dict: Dictionary,
}

/// The form as it is made: the field tree so far, and the appearances widgets share.
struct Form<'f> {
    font: &'f FieldFont<'f>,
    nodes: HashMap<String, Node>,
    roots: Vec<String>,
    /// The states of scale boxes of one size are one shared object. Text and signature
    /// appearances are never shared: filling a field replaces its appearance, and some
    /// clients (pypdf) rewrite the stream in place — a shared one would show the answer
    /// in every field.
    shared: HashMap<(u32, u32, bool), ObjectId>,
}

impl Form<'_> {
    /// The shared appearance of a scale box of `w` × `h`, checked (`on`) or not.
    fn appearance(&mut self, doc: &mut lopdf::Document, w: f32, h: f32, on: bool) -> ObjectId {
        *self
            .shared
            .entry((w.to_bits(), h.to_bits(), on))
            .or_insert_with(|| {
                let content = if on { check_mark(w, h) } else { Vec::new() };
                doc.add_object(form_xobject(w, h, content, None))
            })
    }

    /// A text or signature field, merged with its one widget; returns the widget.
    fn text_or_signature(
        &mut self,
        doc: &mut lopdf::Document,
        widget: Widget,
        kind: &FieldKind,
    ) -> Result<ObjectId> {
        let Widget {
            name,
            tooltip,
            w,
            h,
            dict: mut widget,
        } = widget;
        let partial = name.rsplit('.').next().unwrap_or(name).to_string();
        widget.set("T", text_string(&partial));
        widget.set("TU", compact_text_string(tooltip));
        let stream = match kind {
            FieldKind::Text {
                multiline,
                value,
                lines,
                size,
                leading,
                baseline,
                background,
            } => {
                widget.set("FT", Object::Name(b"Tx".to_vec()));
                let da = format!("/{} {size} Tf {} rg", self.font.resource, rgb(INK));
                widget.set("DA", Object::string_literal(da));
                widget.set("Ff", Object::Integer(if *multiline { 1 << 12 } else { 0 }));
                if *multiline {
                    // So that MuPDF, redrawing it, prints whole lines only.
                    let (b, _) = super::mupdf::border_width(h, *size);
                    let bs = Dictionary::from_iter(vec![("W", Object::Real(b))]);
                    widget.set("BS", bs);
                }
                if !value.is_empty() {
                    widget.set("V", text_string(value));
                }
                if let Some(bg) = background {
                    // Readers that draw an edited value paint this first, so a
                    // new value never stands on the page text of the old one.
                    let c = [bg.0, bg.1, bg.2].map(|v| Object::Real(round(v)));
                    widget.set(
                        "MK",
                        Dictionary::from_iter(vec![("BG", Object::Array(c.to_vec()))]),
                    );
                }
                let text = TextStyle {
                    size: *size,
                    leading: *leading,
                    baseline: *baseline,
                    background: *background,
                };
                text_appearance(self.font, w, h, lines, &text)
            }
            _ => {
                widget.set("FT", Object::Name(b"Sig".to_vec()));
                form_xobject(w, h, Vec::new(), None)
            }
        };
        let ap = doc.add_object(stream);
        widget.set(
            "AP",
            Dictionary::from_iter(vec![("N", Object::Reference(ap))]),
        );
        let id = doc.add_object(widget);
        add_terminal(&mut self.nodes, &mut self.roots, name, Terminal::Widget(id))?;
        Ok(id)
    }

    /// A button of the radio group `widget.name`, the group made with its first button;
    /// returns the button.
    fn radio(
        &mut self,
        doc: &mut lopdf::Document,
        widget: Widget,
        value: &str,
        label: &str,
    ) -> Result<ObjectId> {
        let Widget {
            name,
            tooltip,
            w,
            h,
            dict: mut widget,
        } = widget;
        // The group is named for screen readers (ISO 14289-1, 7.18.1), and so is
        // each button: pdf.js and others read `/TU` from the widget itself.
        widget.set("TU", compact_text_string(&format!("{tooltip}: {label}")));
        let on = self.appearance(doc, w, h, true);
        let off = self.appearance(doc, w, h, false);
        widget.set("AS", Object::Name(b"Off".to_vec()));
        widget.set(
            "AP",
            Dictionary::from_iter(vec![(
                "N",
                Object::Dictionary(Dictionary::from_iter(vec![
                    (value, Object::Reference(on)),
                    ("Off", Object::Reference(off)),
                ])),
            )]),
        );
        widget.set(
            "MK",
            Dictionary::from_iter(vec![("CA", Object::string_literal("l"))]),
        );
        let id = doc.add_object(widget);
        match self.nodes.get_mut(name).and_then(|n| n.terminal.as_mut()) {
            Some(Terminal::Radio(buttons)) => buttons.push(id),
            Some(_) => return Err(duplicate(name)),
            None => {
                add_terminal(
                    &mut self.nodes,
                    &mut self.roots,
                    name,
                    Terminal::Radio(vec![id]),
                )?;
                if let Some(node) = self.nodes.get_mut(name) {
                    node.tooltip = Some(tooltip.to_string());
                }
            }
        }
        Ok(id)
    }

    /// Writes the field tree and puts the form dictionary in the catalog (if there are
    /// fields at all).
    fn finish(self, doc: &mut lopdf::Document, catalog: ObjectId) -> Result<()> {
        if self.roots.is_empty() {
            return Ok(());
        }
        let font = self.font;
        let da = format!("/{} 10 Tf {} rg", font.resource, rgb(INK));
        let fields = self
            .roots
            .iter()
            .map(|r| build(doc, &self.nodes, r, None))
            .collect::<Result<Vec<_>>>()?;
        let form = Dictionary::from_iter(vec![
            (
                "Fields",
                Object::Array(fields.into_iter().map(Object::Reference).collect()),
            ),
            ("DA", Object::string_literal(da)),
            (
                "DR",
                Object::Dictionary(Dictionary::from_iter(vec![(
                    "Font",
                    Object::Dictionary(Dictionary::from_iter(vec![(
                        font.resource,
                        Object::Reference(font.object),
                    )])),
                )])),
            ),
        ]);
        let catalog = doc
            .get_object_mut(catalog)
            .and_then(Object::as_dict_mut)
            .map_err(pdf_error)?;
        catalog.set("AcroForm", form);
        Ok(())
    }
}

fn pdf_error(e: lopdf::Error) -> Error {
    Error::Pdf {
        message: format!("form: {e}"),
    }
}

fn duplicate(name: &str) -> Error {
    Error::Pdf {
        message: format!(
            "two form fields are named '{name}'; field names in the templates must be unique"
        ),
    }
}

/// Registers a terminal field and the chain of parents its dotted name implies.
fn add_terminal(
    nodes: &mut HashMap<String, Node>,
    roots: &mut Vec<String>,
    name: &str,
    terminal: Terminal,
) -> Result<()> {
    if nodes.contains_key(name) {
        return Err(duplicate(name));
    }
    nodes.insert(
        name.to_string(),
        Node {
            terminal: Some(terminal),
            ..Node::default()
        },
    );
    let mut child = name.to_string();
    while let Some((parent, _)) = child.rsplit_once('.') {
        let parent = parent.to_string();
        let node = nodes.entry(parent.clone()).or_default();
        if node.terminal.is_some() {
            return Err(Error::Pdf {
                message: format!(
                    "the field '{parent}' cannot also be a group of fields ('{name}')"
                ),
            });
        }
        let known = node.kids.contains(&child);
        if !known {
            node.kids.push(child.clone());
        }
        if known || node.kids.len() > 1 {
            return Ok(());
        }
        child = parent;
    }
    if !roots.contains(&child) {
        roots.push(child);
    }
    Ok(())
}

/// Writes the field tree below `name`; returns the object of `name`'s field.
fn build(
    doc: &mut lopdf::Document,
    nodes: &HashMap<String, Node>,
    name: &str,
    parent: Option<ObjectId>,
) -> Result<ObjectId> {
    let node = &nodes[name];
    let partial = name.rsplit('.').next().unwrap_or(name);
    match &node.terminal {
        Some(Terminal::Widget(id)) => {
            if let Some(parent) = parent {
                let widget = doc
                    .get_object_mut(*id)
                    .and_then(Object::as_dict_mut)
                    .map_err(pdf_error)?;
                widget.set("Parent", Object::Reference(parent));
            }
            Ok(*id)
        }
        Some(Terminal::Radio(buttons)) => {
            let mut group = Dictionary::from_iter(vec![
                ("FT", Object::Name(b"Btn".to_vec())),
                ("T", text_string(partial)),
                // Radio, and no toggling back to "none chosen" by a second click.
                ("Ff", Object::Integer((1 << 15) | (1 << 14))),
                ("V", Object::Name(b"Off".to_vec())),
                (
                    "Kids",
                    Object::Array(buttons.iter().map(|b| Object::Reference(*b)).collect()),
                ),
            ]);
            if let Some(tooltip) = &node.tooltip {
                group.set("TU", compact_text_string(tooltip));
            }
            if let Some(parent) = parent {
                group.set("Parent", Object::Reference(parent));
            }
            let id = doc.add_object(group);
            for button in buttons {
                let widget = doc
                    .get_object_mut(*button)
                    .and_then(Object::as_dict_mut)
                    .map_err(pdf_error)?;
                widget.set("Parent", Object::Reference(id));
            }
            Ok(id)
        }
        None => {
            let id = doc.new_object_id();
            let mut kids = Vec::new();
            for kid in &node.kids {
                kids.push(Object::Reference(build(doc, nodes, kid, Some(id))?));
            }
            let mut dict = Dictionary::from_iter(vec![
                ("T", text_string(partial)),
                ("Kids", Object::Array(kids)),
            ]);
            if let Some(parent) = parent {
                dict.set("Parent", Object::Reference(parent));
            }
            doc.objects.insert(id, Object::Dictionary(dict));
            Ok(id)
        }
    }
}

fn round(v: f32) -> f32 {
    (v * 100.0).round() / 100.0
}

fn rgb(c: Color) -> String {
    format!("{} {} {}", round(c.0), round(c.1), round(c.2))
}

/// A form XObject of `w` × `h` with the given content.
fn form_xobject(w: f32, h: f32, content: Vec<u8>, font: Option<&FieldFont>) -> Stream {
    // /Type is optional for a form XObject; with some 150 appearance streams per guide,
    // every byte of their dictionaries counts.
    let mut dict = Dictionary::from_iter(vec![
        ("Subtype", Object::Name(b"Form".to_vec())),
        (
            "BBox",
            Object::Array(vec![
                Object::Real(0.0),
                Object::Real(0.0),
                Object::Real(round(w)),
                Object::Real(round(h)),
            ]),
        ),
    ]);
    if let Some(font) = font {
        dict.set(
            "Resources",
            Dictionary::from_iter(vec![(
                "Font",
                Object::Dictionary(Dictionary::from_iter(vec![(
                    font.resource,
                    Object::Reference(font.object),
                )])),
            )]),
        );
    }
    Stream::new(dict, content)
}

/// How a text field's value is set.
struct TextStyle {
    size: f32,
    leading: f32,
    baseline: f32,
    background: Option<Color>,
}

/// A text field's appearance: its background, then its value, line by line as layout
/// broke it.
fn text_appearance(
    font: &FieldFont,
    w: f32,
    h: f32,
    lines: &[String],
    style: &TextStyle,
) -> Stream {
    // An empty field's appearance is empty: a reader that fills it writes its own.
    if lines.iter().all(|l| l.is_empty()) {
        return form_xobject(w, h, Vec::new(), None);
    }
    let mut content = b"/Tx BMC\nq ".to_vec();
    if let Some(bg) = style.background {
        content.extend(format!("{} rg 0 0 {} {} re f ", rgb(bg), round(w), round(h)).as_bytes());
    }
    // Auto-sized fields (size 0) get the size readers start from.
    let size = if style.size > 0.0 { style.size } else { 12.0 };
    content.extend(format!("BT /{} {size} Tf {} rg\n", font.resource, rgb(INK)).as_bytes());
    for (i, line) in lines.iter().enumerate() {
        let y = round(h - style.baseline - i as f32 * style.leading);
        let hex: String = line
            .chars()
            .map(|c| format!("{:04X}", font.glyphs.get(&(c as u32)).copied().unwrap_or(0)))
            .collect();
        content.extend(format!("1 0 0 1 0 {y} Tm <{hex}> Tj\n").as_bytes());
    }
    content.extend(b"ET Q\nEMC\n");
    form_xobject(w, h, content, Some(font))
}

/// The chosen mark of a scale box: a filled square inside it.
fn check_mark(w: f32, h: f32) -> Vec<u8> {
    let c = crate::layout::theme::ACCENT;
    format!(
        "q {} rg 1.8 1.8 {} {} re f Q\n",
        rgb(c),
        round(w - 3.6),
        round(h - 3.6)
    )
    .into_bytes()
}
