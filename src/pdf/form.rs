//! The guide as a PDF form: a widget for every field the layout placed (answers, scales,
//! plan cells, names, dates) and two empty signature fields, each with its appearance
//! stream, so any reader shows them, fills them and signs them without regenerating
//! anything (no `NeedAppearances`).
//!
//! printpdf has no form fields; they are added to the lopdf document it produced. The
//! appearance streams are lopdf streams (the writer deflates them); the fields' and
//! widgets' dictionaries, some 150 a guide, are written straight into object-stream
//! bytes ([`Written`]), as the structure tree is: built as lopdf dictionaries, looked up
//! and serialised again, they were a fifth of a guide's time.

use std::collections::BTreeMap;
use std::io::Write;

use lopdf::{Dictionary, Object, ObjectId, Stream};

use super::{save, write_compact_text, write_compact_text_string, write_text_string};
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

/// The form's dictionaries, serialised: those that are the same bytes in every guide of
/// a level and focus (`shared`: empty fields, scales, the field tree), and those that
/// name the leader (`own`: a field with a value — the leader's name, unit, date — and the
/// signature fields, whose tooltips name their signers). Which one an object goes to
/// decides only how often its object stream is deflated in a batch, never its bytes.
pub struct Written {
    pub shared: save::Packed,
    pub own: save::Packed,
    /// The empty appearance streams, serialised whole.
    pub direct: save::Direct,
}

impl Written {
    /// No dictionaries yet (a document without fields has none).
    pub fn new() -> Written {
        Written {
            shared: save::Packed::new(),
            own: save::Packed::new(),
            direct: save::Direct::default(),
        }
    }
}

/// A field of the form tree, by its full name (borrowed from the layout, as are its
/// kids' names: a group's name is the start of its kids'): either kids or the widgets
/// of one field.
#[derive(Default)]
struct Node<'i> {
    kids: Vec<&'i str>,
    terminal: Option<Terminal>,
    /// A radio group's tooltip (`/TU`); other fields carry theirs on their widget.
    tooltip: Option<&'i str>,
}

/// Indices into `Form::widgets`.
enum Terminal {
    /// A text or signature field merged with its one widget.
    Widget(usize),
    /// A radio group and its buttons.
    Radio(Vec<usize>),
}

/// Adds every field of `layout` to `doc` (`/Annots` on its pages, the appearance
/// streams, the form dictionary in the catalog) and returns the fields' and widgets'
/// dictionaries. When `tagged`, each widget carries its `/StructParent`: one key each,
/// after the pages' keys, in page and `/Annots` order (the parent tree `tags` writes).
pub fn apply(
    doc: &mut lopdf::Document,
    layout: &Document,
    catalog: ObjectId,
    font: &FieldFont,
    tagged: bool,
) -> Result<Written> {
    let pages: Vec<ObjectId> = doc.get_pages().values().copied().collect();
    let mut form = Form {
        font,
        da_tail: format!(" Tf {} rg", rgb(INK)),
        nodes: HashMap::default(),
        roots: Vec::new(),
        shared: HashMap::default(),
        widgets: Vec::new(),
        empty: save::Direct::default(),
    };
    let mut key = tagged.then_some(pages.len() as i64);
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
            let id = doc.new_object_id().0;
            let appearance = form.appearance(doc, kind, *w, *h);
            let widget = Widget {
                id,
                page: page_id.0,
                rect: [*x, layout.height - y - h, x + w, layout.height - y],
                h: *h,
                name,
                tooltip,
                kind,
                appearance,
                struct_parent: key,
                parent: None,
            };
            key = key.map(|k| k + 1);
            annots.push(Object::Reference((widget.id, 0)));
            form.add(widget)?;
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

/// A widget: its object, page, rectangle and height, its field's full name, tooltip and
/// kind, its appearance, and its places in the structure and field trees.
struct Widget<'i> {
    id: u32,
    page: u32,
    rect: [f32; 4],
    /// Its height, which a multi-line field's border is chosen for.
    h: f32,
    name: &'i str,
    tooltip: &'i str,
    kind: &'i FieldKind,
    appearance: Appearance,
    struct_parent: Option<i64>,
    /// The field it is a kid of: its radio group, or the group its dotted name implies.
    parent: Option<u32>,
}

/// A widget's normal appearance: one stream, or a scale box's two states.
enum Appearance {
    Stream(u32),
    Radio { on: u32, off: u32 },
}

/// The form as it is made: the field tree so far, the widgets, and the appearances
/// widgets share.
struct Form<'f, 'i> {
    font: &'f FieldFont<'f>,
    /// What a text field's default appearance (`/DA`) says after its font size.
    da_tail: String,
    nodes: HashMap<&'i str, Node<'i>>,
    roots: Vec<&'i str>,
    /// The states of scale boxes of one size are one shared object. Text and signature
    /// appearances are never shared: filling a field replaces its appearance, and some
    /// clients (pypdf) rewrite the stream in place — a shared one would show the answer
    /// in every field.
    shared: HashMap<(u32, u32, bool), u32>,
    widgets: Vec<Widget<'i>>,
    /// The empty appearances (of text and signature fields), serialised whole.
    empty: save::Direct,
}

impl<'i> Form<'_, 'i> {
    /// The appearance of a widget of `kind`, `w` × `h`: a stream of its own, or a scale
    /// box's two shared states.
    fn appearance(
        &mut self,
        doc: &mut lopdf::Document,
        kind: &FieldKind,
        w: f32,
        h: f32,
    ) -> Appearance {
        let stream = match kind {
            FieldKind::Radio { .. } => {
                return Appearance::Radio {
                    on: self.scale_box(doc, w, h, true),
                    off: self.scale_box(doc, w, h, false),
                };
            }
            FieldKind::Text {
                lines,
                size,
                leading,
                baseline,
                background,
                ..
            } if lines.iter().any(|l| !l.is_empty()) => {
                let text = TextStyle {
                    size: *size,
                    leading: *leading,
                    baseline: *baseline,
                    background: *background,
                };
                text_appearance(self.font, lines, w, h, &text)
            }
            // An empty field's appearance is empty: a reader that fills it writes its own.
            FieldKind::Text { .. } | FieldKind::Signature => {
                let id = doc.new_object_id().0;
                self.empty
                    .push(id, |out| write_empty_xobject(out, id, w, h));
                return Appearance::Stream(id);
            }
        };
        Appearance::Stream(doc.add_object(stream).0)
    }

    /// The shared appearance of a scale box of `w` × `h`, checked (`on`) or not.
    fn scale_box(&mut self, doc: &mut lopdf::Document, w: f32, h: f32, on: bool) -> u32 {
        *self
            .shared
            .entry((w.to_bits(), h.to_bits(), on))
            .or_insert_with(|| {
                let content = if on { check_mark(w, h) } else { Vec::new() };
                doc.add_object(form_xobject(w, h, content, None)).0
            })
    }

    /// Adds `widget` to its field: a radio button to its group (made with its first
    /// button), a text or signature field as its own.
    fn add(&mut self, widget: Widget<'i>) -> Result<()> {
        let index = self.widgets.len();
        let (name, tooltip, radio) = (
            widget.name,
            widget.tooltip,
            matches!(widget.kind, FieldKind::Radio { .. }),
        );
        self.widgets.push(widget);
        if !radio {
            return add_terminal(
                &mut self.nodes,
                &mut self.roots,
                name,
                Terminal::Widget(index),
            );
        }
        match self.nodes.get_mut(name).and_then(|n| n.terminal.as_mut()) {
            Some(Terminal::Radio(buttons)) => buttons.push(index),
            Some(_) => return Err(duplicate(name)),
            None => {
                add_terminal(
                    &mut self.nodes,
                    &mut self.roots,
                    name,
                    Terminal::Radio(vec![index]),
                )?;
                if let Some(node) = self.nodes.get_mut(name) {
                    node.tooltip = Some(tooltip);
                }
            }
        }
        Ok(())
    }

    /// Writes the field tree and the widgets, and puts the form dictionary in the catalog
    /// (if there are fields at all).
    fn finish(mut self, doc: &mut lopdf::Document, catalog: ObjectId) -> Result<Written> {
        let mut written = Written::new();
        written.direct = std::mem::take(&mut self.empty);
        if self.roots.is_empty() {
            return Ok(written);
        }
        let font = self.font;
        let da = format!("/{} 10{}", font.resource, self.da_tail);
        let mut fields = Vec::with_capacity(self.roots.len());
        for root in self.roots.iter().copied() {
            let id = build(
                doc,
                &self.nodes,
                &mut self.widgets,
                &mut written.shared,
                root,
                None,
            );
            fields.push(Object::Reference((id, 0)));
        }
        for widget in &self.widgets {
            let own = match widget.kind {
                FieldKind::Text { value, .. } => !value.is_empty(),
                FieldKind::Signature => true,
                FieldKind::Radio { .. } => false,
            };
            let packed = if own {
                &mut written.own
            } else {
                &mut written.shared
            };
            packed.push(widget.id, |out| {
                write_widget(out, widget, font, &self.da_tail)
            });
        }
        let form = Dictionary::from_iter(vec![
            ("Fields", Object::Array(fields)),
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
        Ok(written)
    }
}

/// A widget's dictionary; a text or signature field's also holds the field's entries
/// (they are one object).
fn write_widget(out: &mut Vec<u8>, widget: &Widget, font: &FieldFont, da_tail: &str) {
    out.extend_from_slice(b"<</Type/Annot/Subtype/Widget/Rect[");
    for (i, v) in widget.rect.iter().enumerate() {
        if i > 0 {
            out.push(b' ');
        }
        save::write_real(out, round(*v));
    }
    // Print, and nothing that hides it: PDF/A wants printed widgets.
    out.extend_from_slice(b"]/F 4/P ");
    write_ref(out, widget.page);
    match widget.kind {
        FieldKind::Radio { value, label } => {
            // The group is named for screen readers (ISO 14289-1, 7.18.1), and so is
            // each button: pdf.js and others read `/TU` from the widget itself.
            out.extend_from_slice(b"/TU");
            write_compact_text(out, &[widget.tooltip, ": ", label]);
            out.extend_from_slice(b"/AS/Off/AP<</N<<");
            if let Appearance::Radio { on, off } = widget.appearance {
                save::write_name(out, value.as_bytes());
                out.push(b' ');
                write_ref(out, on);
                out.extend_from_slice(b"/Off ");
                write_ref(out, off);
            }
            out.extend_from_slice(b">>>>/MK<</CA(l)>>");
        }
        FieldKind::Text {
            multiline,
            value,
            size,
            background,
            ..
        } => {
            write_names(out, widget);
            out.extend_from_slice(b"/FT/Tx/DA(/");
            out.extend_from_slice(font.resource.as_bytes());
            let _ = write!(out, " {size}");
            out.extend_from_slice(da_tail.as_bytes());
            out.push(b')');
            out.extend_from_slice(if *multiline { b"/Ff 4096" } else { b"/Ff 0" });
            if *multiline {
                // So that MuPDF, redrawing it, prints whole lines only.
                let (b, _) = super::mupdf::border_width(widget.h, *size);
                out.extend_from_slice(b"/BS<</W ");
                save::write_real(out, b);
                out.extend_from_slice(b">>");
            }
            if !value.is_empty() {
                out.extend_from_slice(b"/V");
                write_text_string(out, value);
            }
            if let Some(bg) = background {
                // Readers that draw an edited value paint this first, so a new value
                // never stands on the page text of the old one.
                out.extend_from_slice(b"/MK<</BG[");
                for (i, v) in [bg.0, bg.1, bg.2].iter().enumerate() {
                    if i > 0 {
                        out.push(b' ');
                    }
                    save::write_real(out, round(*v));
                }
                out.extend_from_slice(b"]>>");
            }
            write_stream_appearance(out, widget);
        }
        FieldKind::Signature => {
            write_names(out, widget);
            out.extend_from_slice(b"/FT/Sig");
            write_stream_appearance(out, widget);
        }
    }
    if let Some(parent) = widget.parent {
        out.extend_from_slice(b"/Parent ");
        write_ref(out, parent);
    }
    if let Some(key) = widget.struct_parent {
        out.extend_from_slice(b"/StructParent ");
        save::write_int(out, key);
    }
    out.extend_from_slice(b">>");
}

/// A text or signature field's partial name (`/T`) and tooltip (`/TU`).
fn write_names(out: &mut Vec<u8>, widget: &Widget) {
    let partial = widget.name.rsplit('.').next().unwrap_or(widget.name);
    out.extend_from_slice(b"/T");
    write_text_string(out, partial);
    out.extend_from_slice(b"/TU");
    write_compact_text_string(out, widget.tooltip);
}

fn write_stream_appearance(out: &mut Vec<u8>, widget: &Widget) {
    if let Appearance::Stream(id) = widget.appearance {
        out.extend_from_slice(b"/AP<</N ");
        write_ref(out, id);
        out.extend_from_slice(b">>");
    }
}

fn write_ref(out: &mut Vec<u8>, id: u32) {
    save::write_int(out, i64::from(id));
    out.extend_from_slice(b" 0 R");
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
fn add_terminal<'i>(
    nodes: &mut HashMap<&'i str, Node<'i>>,
    roots: &mut Vec<&'i str>,
    name: &'i str,
    terminal: Terminal,
) -> Result<()> {
    if nodes.contains_key(name) {
        return Err(duplicate(name));
    }
    nodes.insert(
        name,
        Node {
            terminal: Some(terminal),
            ..Node::default()
        },
    );
    let mut child = name;
    while let Some((parent, _)) = child.rsplit_once('.') {
        let node = nodes.entry(parent).or_default();
        if node.terminal.is_some() {
            return Err(Error::Pdf {
                message: format!(
                    "the field '{parent}' cannot also be a group of fields ('{name}')"
                ),
            });
        }
        let known = node.kids.contains(&child);
        if !known {
            node.kids.push(child);
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

/// Writes the field tree below `name` into `packed` (a widget's `/Parent` is set, the
/// widget itself written later); returns the object of `name`'s field.
fn build(
    doc: &mut lopdf::Document,
    nodes: &HashMap<&str, Node>,
    widgets: &mut [Widget],
    packed: &mut save::Packed,
    name: &str,
    parent: Option<u32>,
) -> u32 {
    let node = &nodes[name];
    let partial = name.rsplit('.').next().unwrap_or(name);
    match &node.terminal {
        Some(Terminal::Widget(index)) => {
            widgets[*index].parent = parent;
            widgets[*index].id
        }
        Some(Terminal::Radio(buttons)) => {
            let id = doc.new_object_id().0;
            packed.push(id, |out| {
                out.extend_from_slice(b"<</FT/Btn/T");
                write_text_string(out, partial);
                // Radio, and no toggling back to "none chosen" by a second click.
                out.extend_from_slice(b"/Ff ");
                save::write_int(out, (1 << 15) | (1 << 14));
                out.extend_from_slice(b"/V/Off/Kids[");
                for (i, button) in buttons.iter().enumerate() {
                    if i > 0 {
                        out.push(b' ');
                    }
                    write_ref(out, widgets[*button].id);
                }
                out.push(b']');
                if let Some(tooltip) = node.tooltip {
                    out.extend_from_slice(b"/TU");
                    write_compact_text_string(out, tooltip);
                }
                if let Some(parent) = parent {
                    out.extend_from_slice(b"/Parent ");
                    write_ref(out, parent);
                }
                out.extend_from_slice(b">>");
            });
            for button in buttons {
                widgets[*button].parent = Some(id);
            }
            id
        }
        None => {
            let id = doc.new_object_id().0;
            let kids: Vec<u32> = node
                .kids
                .iter()
                .map(|kid| build(doc, nodes, widgets, packed, kid, Some(id)))
                .collect();
            packed.push(id, |out| {
                out.extend_from_slice(b"<</T");
                write_text_string(out, partial);
                out.extend_from_slice(b"/Kids[");
                for (i, kid) in kids.iter().enumerate() {
                    if i > 0 {
                        out.push(b' ');
                    }
                    write_ref(out, *kid);
                }
                out.push(b']');
                if let Some(parent) = parent {
                    out.extend_from_slice(b"/Parent ");
                    write_ref(out, parent);
                }
                out.extend_from_slice(b">>");
            });
            id
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

/// The whole indirect object `id`: an empty form XObject of `w` × `h`, as
/// [`form_xobject`] and `save` would write it.
fn write_empty_xobject(out: &mut Vec<u8>, id: u32, w: f32, h: f32) {
    save::write_int(out, i64::from(id));
    out.extend_from_slice(b" 0 obj\n<</Subtype/Form/BBox[0 0 ");
    save::write_real(out, round(w));
    out.push(b' ');
    save::write_real(out, round(h));
    out.extend_from_slice(b"]/Length 0>>stream\n\nendstream\nendobj\n");
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
    lines: &[String],
    w: f32,
    h: f32,
    style: &TextStyle,
) -> Stream {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_appearance_written_whole_is_the_stream_object_save_writes() {
        for (id, w, h) in [
            (7, 471.28, 48.6),
            (1234, 214.64, 14.0),
            (70, 0.0, 0.0),
            (99_999, 187.234_56, 13.005),
            (5, 9.0, 9.0),
        ] {
            let stream = form_xobject(w, h, Vec::new(), None);
            let mut expected = Vec::new();
            save::write_stream_object(&mut expected, id, &stream.dict, &stream.content);
            let mut written = Vec::new();
            write_empty_xobject(&mut written, id, w, h);
            assert_eq!(
                String::from_utf8_lossy(&written),
                String::from_utf8_lossy(&expected)
            );
        }
    }
}
