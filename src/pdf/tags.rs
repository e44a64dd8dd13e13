//! Tagged PDF (ISO 32000-1, 14.7–14.8; PDF/UA-1): the pages' content as marked-content
//! sequences, each tied to the structure element the layout gave it, and the structure
//! tree that reads them in order, with the form's widgets in `Form` elements.
//!
//! Text is content of its element; rules, boxes and fills are artifacts, the footer a
//! pagination artifact; a figure's shapes are the figure. Marked-content sequences never
//! cross a text object's bounds: one begun inside `BT … ET` ends there.

use lopdf::{Dictionary, Object, ObjectId};

use super::content::Content;
use super::save;
use crate::layout::{Item, Mark, Node, NodeId, Role, Scope, Structure};
use crate::pdf::error::{Error, Result};

/// What a structure element holds, in reading order.
#[derive(Debug, Clone, Copy)]
enum Kid {
    Element(NodeId),
    /// A marked-content sequence: page index and MCID.
    Content {
        page: usize,
        mcid: i64,
    },
    /// A widget: page index and its place among the page's fields.
    Widget {
        page: usize,
        index: usize,
    },
}

/// A marked-content sequence as written.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Sequence {
    Element(NodeId),
    Artifact,
    Footer,
}

/// Collects, while the pages' operations are made, which element each MCID and each
/// widget belongs to, and the elements' order.
pub struct Tagger<'a> {
    structure: &'a Structure,
    kids: Vec<Vec<Kid>>,
    seen: Vec<bool>,
    /// Per page, the element of each MCID.
    mcids: Vec<Vec<NodeId>>,
    /// Per page, the `Form` element of each field, in the page's item order (the order
    /// of its `/Annots`).
    widgets: Vec<Vec<NodeId>>,
}

/// The operations state of one page being tagged.
pub struct PageTags<'t, 'a> {
    tagger: &'t mut Tagger<'a>,
    page: usize,
    mark: Mark,
    open: Option<Sequence>,
    open_in_text: bool,
    /// What the page's operations did to the tree so far, while [`PageTags::record`]
    /// asked for it.
    log: Option<Vec<Event>>,
}

/// What making a page's operations does to the structure tree, in order: all the tree
/// needs of a page whose operations were made before ([`PageTags::replay`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Event {
    /// An element (and its ancestors) placed in the tree.
    Touch(NodeId),
    /// A widget of the element.
    Widget(NodeId),
    /// The page's next MCID, content of the element.
    Content(NodeId),
}

impl<'a> Tagger<'a> {
    pub fn new(structure: &'a Structure) -> Tagger<'a> {
        let n = structure.nodes.len();
        Tagger {
            structure,
            kids: vec![Vec::new(); n],
            seen: vec![false; n],
            mcids: Vec::new(),
            widgets: Vec::new(),
        }
    }

    /// Starts the next page.
    pub fn page(&mut self) -> PageTags<'_, 'a> {
        self.mcids.push(Vec::new());
        self.widgets.push(Vec::new());
        PageTags {
            page: self.mcids.len() - 1,
            tagger: self,
            mark: Mark::Artifact,
            open: None,
            open_in_text: false,
            log: None,
        }
    }

    /// What the pages placed in the tree so far, for tests: each element with kids and
    /// its kids, as `node: [kid, …]`.
    #[cfg(test)]
    pub fn placed(&self) -> String {
        let kid = |k: &Kid| match k {
            Kid::Element(node) => format!("element {node}"),
            Kid::Content { page, mcid } => format!("mcid {mcid} on {page}"),
            Kid::Widget { page, index } => format!("widget {index} on {page}"),
        };
        self.kids
            .iter()
            .enumerate()
            .filter(|(_, kids)| !kids.is_empty())
            .map(|(node, kids)| {
                let kids: Vec<String> = kids.iter().map(kid).collect();
                format!("{node}: [{}]", kids.join(", "))
            })
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// Places `node` (and its ancestors) in the tree the first time anything of it comes.
    fn touch(&mut self, node: NodeId) {
        if self.seen[node] {
            return;
        }
        self.seen[node] = true;
        if let Some(parent) = self.structure.nodes[node].parent {
            self.touch(parent);
            self.kids[parent].push(Kid::Element(node));
        }
    }
}

impl PageTags<'_, '_> {
    /// Takes note of `item` before its operations are pushed: a mark changes what follows
    /// belongs to; a field is a widget of the current element.
    pub fn item(&mut self, item: &Item) {
        match item {
            Item::Mark(mark) => {
                if let Mark::Content(node) = mark {
                    self.apply(Event::Touch(*node));
                }
                self.mark = *mark;
            }
            Item::Field { .. } => {
                let node = match self.mark {
                    Mark::Content(node) => node,
                    // A field the layout left outside any element is still reachable.
                    _ => Structure::DOCUMENT,
                };
                self.apply(Event::Widget(node));
            }
            _ => {}
        }
    }

    /// Keeps what the page's operations do to the tree from now on, for
    /// [`PageTags::recorded`].
    pub fn record(&mut self) {
        self.log = Some(Vec::new());
    }

    /// What the page's operations did to the tree since [`PageTags::record`].
    pub fn recorded(&mut self) -> Vec<Event> {
        self.log.take().unwrap_or_default()
    }

    /// Does to the tree what making operations did before, without making them.
    pub fn replay(&mut self, events: &[Event]) {
        for event in events {
            self.apply(*event);
        }
    }

    fn apply(&mut self, event: Event) {
        if let Some(log) = &mut self.log {
            log.push(event);
        }
        let tagger = &mut *self.tagger;
        match event {
            Event::Touch(node) => tagger.touch(node),
            Event::Widget(node) => {
                tagger.touch(node);
                let widgets = &mut tagger.widgets[self.page];
                tagger.kids[node].push(Kid::Widget {
                    page: self.page,
                    index: widgets.len(),
                });
                widgets.push(node);
            }
            Event::Content(node) => {
                let mcids = &mut tagger.mcids[self.page];
                tagger.kids[node].push(Kid::Content {
                    page: self.page,
                    mcid: mcids.len() as i64,
                });
                mcids.push(node);
            }
        }
    }

    /// Takes note of the marks of `items`, drawn before or found drawn in a memo (whose
    /// replayed events place them in the tree): what the items after them belong to.
    pub fn passed(&mut self, items: &[Item]) {
        if let Some(mark) = items.iter().rev().find_map(|item| match item {
            Item::Mark(mark) => Some(*mark),
            _ => None,
        }) {
            self.mark = mark;
        }
    }

    /// Where a run of a page's items drawn from here starts: the marked-content ids the
    /// page has used, and what the items belong to until the run's first mark.
    pub fn state(&self) -> (usize, Mark) {
        (self.tagger.mcids[self.page].len(), self.mark)
    }

    /// The role of `node`, which marks its content.
    pub fn role(&self, node: NodeId) -> Role {
        self.tagger.structure.nodes[node].role
    }

    /// The sequence a drawing item belongs in.
    fn wanted(&self, item: &Item) -> Sequence {
        match self.mark {
            Mark::Content(node)
                if matches!(item, Item::Text { .. })
                    || self.tagger.structure.nodes[node].role == Role::Figure =>
            {
                Sequence::Element(node)
            }
            Mark::Footer => Sequence::Footer,
            _ => Sequence::Artifact,
        }
    }

    /// Ends the open sequence if it began inside the text object about to end.
    pub fn before_end_text(&mut self, content: &mut Content) {
        if self.open.is_some() && self.open_in_text {
            content.end_marked();
            self.open = None;
        }
    }

    /// Ends the open sequence if it began outside the text object about to begin.
    pub fn before_begin_text(&mut self, content: &mut Content) {
        if self.open.is_some() && !self.open_in_text {
            content.end_marked();
            self.open = None;
        }
    }

    /// Opens the sequence `item` belongs in, unless it is open; `in_text` says whether
    /// a text object is open.
    pub fn draw(&mut self, item: &Item, in_text: bool, content: &mut Content) {
        let wanted = self.wanted(item);
        if self.open == Some(wanted) {
            return;
        }
        if self.open.is_some() {
            content.end_marked();
        }
        match wanted {
            Sequence::Element(node) => {
                let mcid = self.tagger.mcids[self.page].len() as i64;
                self.apply(Event::Content(node));
                content.begin_marked_content(self.role(node).name(), mcid);
            }
            Sequence::Artifact => content.begin_marked("Artifact"),
            Sequence::Footer => content.begin_footer(),
        }
        self.open = Some(wanted);
        self.open_in_text = in_text;
    }

    /// Ends what is open at the end of the page (before its last `ET`, if any).
    pub fn finish(&mut self, content: &mut Content) {
        if self.open.take().is_some() {
            content.end_marked();
        }
    }
}

/// Which text items end a line that the same element's text goes on from: they are
/// shown with the space the line broke at, which draws nothing, so whoever reads the
/// element's content as a string (a screen reader, `pdfinfo -struct-text`) reads two
/// words, not one. A line broken after a hyphen keeps it as it is.
pub fn line_ends(items: &[Item]) -> Vec<bool> {
    let mut ends = vec![false; items.len()];
    let mut mark = Mark::Artifact;
    // The last text item: its index, its mark, its baseline, and whether it may take a
    // space (it ends in none and in no hyphen).
    let mut last: Option<(usize, Mark, f32, bool)> = None;
    for (i, item) in items.iter().enumerate() {
        match item {
            Item::Mark(m) => mark = *m,
            Item::Text { y, text, .. } => {
                if let Some((j, m, last_y, open)) = last {
                    ends[j] = open
                        && m == mark
                        && matches!(mark, Mark::Content(_))
                        && (y - last_y).abs() > 0.01;
                }
                let open = !text.ends_with(|c: char| c.is_whitespace() || c == '-');
                last = Some((i, mark, *y, open));
            }
            _ => {}
        }
    }
    ends
}

fn broken(what: &str) -> Error {
    Error::Pdf {
        message: format!("tagging: {what}"),
    }
}

/// `id 0 R`.
fn write_ref(out: &mut Vec<u8>, id: ObjectId) {
    save::write_int(out, id.0 as i64);
    out.push(b' ');
    save::write_int(out, id.1 as i64);
    out.extend_from_slice(b" R");
}

impl Tagger<'_> {
    /// Writes the structure tree (after the form, whose widgets it names): the elements,
    /// the parent tree and the tree root, serialised into an object stream of their own,
    /// which is returned; `/StructParents` on pages, and `/MarkInfo` and
    /// `/StructTreeRoot` in the catalog are set in `doc` (the widgets carry their
    /// `/StructParent` from `form::apply`).
    pub fn write(self, doc: &mut lopdf::Document, catalog: ObjectId) -> Result<save::Packed> {
        let pages: Vec<ObjectId> = doc.get_pages().values().copied().collect();
        if pages.len() != self.mcids.len() {
            return Err(broken(
                "the document has another number of pages than its layout",
            ));
        }
        let annots = page_widgets(doc, &pages, &self.widgets)?;
        let root = doc.new_object_id();
        let mut ids: Vec<Option<ObjectId>> = vec![None; self.kids.len()];
        for (node, seen) in self.seen.iter().enumerate() {
            if *seen || node == Structure::DOCUMENT {
                ids[node] = Some(doc.new_object_id());
            }
        }
        let refs = Refs { pages, annots, ids };

        let mut packed = save::Packed::new();
        for (node, kids) in self.kids.iter().enumerate() {
            let Some(object) = refs.ids[node] else {
                continue;
            };
            let element = &self.structure.nodes[node];
            let parent = element.parent.map_or(root, |p| refs.id(p));
            packed.push(object.0, |out| {
                write_element(out, element, kids, parent, &refs)
            });
        }
        set_struct_parents(doc, &refs)?;
        packed.push(root.0, |out| self.write_root(out, &refs));
        let catalog = doc
            .get_object_mut(catalog)
            .and_then(Object::as_dict_mut)
            .map_err(|_| broken("the catalog is not a dictionary"))?;
        catalog.set("StructTreeRoot", Object::Reference(root));
        catalog.set(
            "MarkInfo",
            Dictionary::from_iter(vec![("Marked", Object::Boolean(true))]),
        );
        Ok(packed)
    }

    /// The tree root and its parent tree: each page's MCIDs (keys 0…), then each widget
    /// (one key each).
    fn write_root(&self, out: &mut Vec<u8>, refs: &Refs) {
        out.extend_from_slice(b"<</Type/StructTreeRoot/K ");
        write_ref(out, refs.id(Structure::DOCUMENT));
        out.extend_from_slice(b"/ParentTree<</Nums[");
        for (i, mcids) in self.mcids.iter().enumerate() {
            if i > 0 {
                out.push(b' ');
            }
            save::write_int(out, i as i64);
            out.push(b'[');
            for (j, node) in mcids.iter().enumerate() {
                if j > 0 {
                    out.push(b' ');
                }
                write_ref(out, refs.id(*node));
            }
            out.push(b']');
        }
        let mut key = refs.pages.len() as i64;
        for node in self.widgets.iter().flatten() {
            out.push(b' ');
            save::write_int(out, key);
            out.push(b' ');
            write_ref(out, refs.id(*node));
            key += 1;
        }
        out.extend_from_slice(b"]>>/ParentTreeNextKey ");
        save::write_int(out, key);
        out.extend_from_slice(b">>");
    }
}

/// The objects the structure tree names: the pages, each page's widgets (its
/// `/Annots`), and each placed element's object.
struct Refs {
    pages: Vec<ObjectId>,
    annots: Vec<Vec<ObjectId>>,
    ids: Vec<Option<ObjectId>>,
}

impl Refs {
    fn id(&self, node: NodeId) -> ObjectId {
        self.ids[node].expect("every placed element has an object")
    }
}

/// Each page's widgets, which must be as many as the fields the tagger saw on it.
fn page_widgets(
    doc: &lopdf::Document,
    pages: &[ObjectId],
    widgets: &[Vec<NodeId>],
) -> Result<Vec<Vec<ObjectId>>> {
    let mut annots: Vec<Vec<ObjectId>> = Vec::with_capacity(pages.len());
    for (page, widgets) in pages.iter().zip(widgets) {
        let ids: Vec<ObjectId> = doc
            .get_dictionary(*page)
            .ok()
            .and_then(|p| p.get(b"Annots").ok())
            .and_then(|a| a.as_array().ok())
            .map(|a| a.iter().filter_map(|o| o.as_reference().ok()).collect())
            .unwrap_or_default();
        if ids.len() != widgets.len() {
            return Err(broken("a page has another number of widgets than fields"));
        }
        annots.push(ids);
    }
    Ok(annots)
}

/// One structure element's dictionary.
fn write_element(out: &mut Vec<u8>, element: &Node, kids: &[Kid], parent: ObjectId, refs: &Refs) {
    // The element's page is that of its first content or widget; content on
    // other pages names its page itself.
    let home = kids.iter().find_map(|k| match k {
        Kid::Content { page, .. } | Kid::Widget { page, .. } => Some(*page),
        _ => None,
    });
    // `/Type /StructElem` is optional, and 5 KB (before deflating) of the
    // guide.
    out.extend_from_slice(b"<</S/");
    out.extend_from_slice(element.role.name().as_bytes());
    out.extend_from_slice(b"/P ");
    write_ref(out, parent);
    if let Some(page) = home {
        out.extend_from_slice(b"/Pg ");
        write_ref(out, refs.pages[page]);
    }
    if !kids.is_empty() {
        out.extend_from_slice(b"/K");
        if kids.len() > 1 {
            out.push(b'[');
        }
        for (i, kid) in kids.iter().enumerate() {
            write_kid(out, *kid, i > 0 || kids.len() == 1, home, refs);
        }
        if kids.len() > 1 {
            out.push(b']');
        }
    }
    if let Some(alt) = &element.alt {
        out.extend_from_slice(b"/Alt");
        save::write_object(out, &super::text_string(alt));
    }
    if let Role::TH(scope) = element.role {
        out.extend_from_slice(match scope {
            Scope::Column => b"/A<</O/Table/Scope/Column>>",
            Scope::Row => b"/A<</O/Table/Scope/Row>>",
        });
    }
    out.extend_from_slice(b">>");
}

/// One kid of an element whose page is `home`; a bare reference or MCID is preceded by a
/// space where `spaced` (it follows another kid or `/K`).
fn write_kid(out: &mut Vec<u8>, kid: Kid, spaced: bool, home: Option<usize>, refs: &Refs) {
    match kid {
        Kid::Element(child) => {
            if spaced {
                out.push(b' ');
            }
            write_ref(out, refs.id(child));
        }
        Kid::Content { page, mcid } if Some(page) == home => {
            if spaced {
                out.push(b' ');
            }
            save::write_int(out, mcid);
        }
        Kid::Content { page, mcid } => {
            out.extend_from_slice(b"<</Type/MCR/Pg ");
            write_ref(out, refs.pages[page]);
            out.extend_from_slice(b"/MCID ");
            save::write_int(out, mcid);
            out.extend_from_slice(b">>");
        }
        Kid::Widget { page, index } => {
            out.extend_from_slice(b"<</Type/OBJR/Obj ");
            write_ref(out, refs.annots[page][index]);
            if Some(page) != home {
                out.extend_from_slice(b"/Pg ");
                write_ref(out, refs.pages[page]);
            }
            out.extend_from_slice(b">>");
        }
    }
}

/// The keys of the parent tree on the pages: `/StructParents`, each page's index. The
/// widgets' `/StructParent` (one key each, after the pages', in page and `/Annots` order)
/// is written with them (`form::apply`).
fn set_struct_parents(doc: &mut lopdf::Document, refs: &Refs) -> Result<()> {
    for (i, page) in refs.pages.iter().enumerate() {
        doc.get_object_mut(*page)
            .and_then(Object::as_dict_mut)
            .map_err(|_| broken("a page is not a dictionary"))?
            .set("StructParents", Object::Integer(i as i64));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{Color, FontStyle};

    fn text(y: f32, text: &str) -> Item {
        Item::Text {
            x: 0.0,
            y,
            size: 10.0,
            style: FontStyle::Regular,
            color: Color(0.0, 0.0, 0.0),
            text: text.into(),
        }
    }

    #[test]
    fn a_line_the_same_element_goes_on_from_ends_in_a_space() {
        let items = vec![
            Item::Mark(Mark::Content(1)),
            text(10.0, "fremad"),
            text(10.0, "rettet"), // the same line, another run
            text(20.0, "samtale"),
            text(30.0, "Børne-"), // broken after a hyphen
            text(40.0, "og"),
            Item::Mark(Mark::Content(2)),
            text(50.0, "ny"), // another element
            Item::Mark(Mark::Footer),
            text(60.0, "Side"),
            text(70.0, "1"),
        ];
        let ends = line_ends(&items);
        let spaced: Vec<usize> = (0..items.len()).filter(|i| ends[*i]).collect();
        assert_eq!(spaced, [2, 3]);
    }
}
