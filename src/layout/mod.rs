//! Layout: document blocks → pages of positioned items (measure → wrap → paginate).
//!
//! The result is plain data ([`Document`]); it never touches the PDF library, and the PDF
//! writer never decides where a line breaks. Text is measured through [`Measure`], so
//! tests can lay out with fixed-width metrics, independent of font files.

pub mod blocks;
mod flow;
mod made;
mod paginate;
mod structure;
pub mod theme;
pub mod tooltip;
pub mod wrap;

use std::sync::Arc;

use serde::Serialize;

use crate::layout::blocks::Block;

pub use crate::base::fonts::{FixedWidth, FontStyle, Measure};
pub use flow::fragments;
pub use paginate::{paginate, Fragment};
pub use structure::{Mark, Node, NodeId, Role, Scope, Structure};

/// An RGB colour, components 0–1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Color(pub f32, pub f32, pub f32);

/// A stroke: line width in points and colour.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Stroke {
    pub width: f32,
    pub color: Color,
}

/// One segment of a path.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum Segment {
    MoveTo(f32, f32),
    LineTo(f32, f32),
    /// Control point 1, control point 2, end point.
    CubicTo([f32; 6]),
}

/// What a form field is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum FieldKind {
    /// A text field. Its `value` is shown by the field itself, as `lines` (already broken
    /// by layout) at `size`, `leading` apart, the first baseline `baseline` below the
    /// field's top; size 0 lets the reader size typed text (auto-size). A field with a
    /// value also has it drawn as page text beneath, so text extractors find it; its
    /// appearance covers that text with `background`, as readers do when it is edited.
    Text {
        multiline: bool,
        value: String,
        lines: Vec<String>,
        size: f32,
        leading: f32,
        baseline: f32,
        background: Option<Color>,
    },
    /// One button of a radio group (the field's name); `value` is what choosing it means,
    /// `label` what the page shows beside it ("3", "nået").
    Radio { value: Arc<str>, label: Arc<str> },
    /// An empty signature field.
    Signature,
}

/// Something drawn at a fixed position. Coordinates are points from the page's top-left
/// corner; `y` of text is its baseline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Item {
    Text {
        x: f32,
        y: f32,
        size: f32,
        style: FontStyle,
        color: Color,
        /// Shared, not copied, by the layouts that take a block from the memo.
        text: Arc<str>,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        stroke: Stroke,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<Color>,
        stroke: Option<Stroke>,
    },
    Path {
        segments: Vec<Segment>,
        closed: bool,
        fill: Option<Color>,
        stroke: Option<Stroke>,
    },
    /// A form field's widget over the rectangle (`y` is its top). `tooltip` is what a
    /// screen reader calls the field (a radio button: its group), never empty.
    Field {
        name: Arc<str>,
        tooltip: Arc<str>,
        kind: FieldKind,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
    },
    /// What the items after it belong to in the document's structure (draws nothing).
    Mark(Mark),
    /// Where a page's body goes on in a content stream of its own (draws nothing): after
    /// the title block, which names the leader, and before the signatures, which name
    /// both parties, so the rest of their pages is the same bytes in every guide of a
    /// level and focus, and is written once in a batch.
    Cut,
}

impl Item {
    /// The same item moved by `dx`, `dy`.
    pub fn translated(mut self, dx: f32, dy: f32) -> Item {
        match &mut self {
            Item::Text { x, y, .. } | Item::Rect { x, y, .. } | Item::Field { x, y, .. } => {
                *x += dx;
                *y += dy;
            }
            Item::Line { x1, y1, x2, y2, .. } => {
                *x1 += dx;
                *x2 += dx;
                *y1 += dy;
                *y2 += dy;
            }
            Item::Mark(_) | Item::Cut => {}
            Item::Path { segments, .. } => {
                for s in segments {
                    match s {
                        Segment::MoveTo(x, y) | Segment::LineTo(x, y) => {
                            *x += dx;
                            *y += dy;
                        }
                        Segment::CubicTo(p) => {
                            for i in 0..3 {
                                p[2 * i] += dx;
                                p[2 * i + 1] += dy;
                            }
                        }
                    }
                }
            }
        }
        self
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Page {
    pub items: Vec<Item>,
    /// The section headings that start on this page, for the document outline.
    pub bookmarks: Vec<Bookmark>,
}

/// An entry of the document outline: a section heading and the top of its first line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bookmark {
    pub title: String,
    pub y: f32,
}

/// A place where someone signs the guide, as the layout made it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SignatureArea {
    /// The signature field's fully qualified name, e.g. `underskrift.leder.underskrift`;
    /// in a print-only guide, the name the field would have.
    pub slot: String,
    /// The party's key in the signatures directive, e.g. `leder`.
    pub key: String,
    /// The printed label, e.g. "Leders leder".
    pub label: String,
    /// The printed name; empty leaves a line to write it on.
    pub name: String,
}

/// A finished layout: A4 pages of positioned items, and who signs where.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Document {
    pub width: f32,
    pub height: f32,
    pub pages: Vec<Page>,
    /// Every signature area on the pages, in document order.
    pub signatures: Vec<SignatureArea>,
    /// The logical structure the pages' marks refer to.
    pub structure: Structure,
}

impl Document {
    /// The text of each page, line by line, for tests and snapshots: items with the same
    /// baseline joined left to right.
    pub fn page_texts(&self) -> Vec<String> {
        self.pages
            .iter()
            .map(|page| {
                let mut texts: Vec<(i32, f32, &str)> = page
                    .items
                    .iter()
                    .filter_map(|item| match item {
                        Item::Text { x, y, text, .. } => {
                            Some(((y * 10.0).round() as i32, *x, &**text))
                        }
                        _ => None,
                    })
                    .collect();
                texts.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
                let mut out = String::new();
                let mut last_y = None;
                for (y, _, text) in texts {
                    if last_y.is_some() {
                        out.push(if last_y == Some(y) { ' ' } else { '\n' });
                    }
                    out.push_str(text);
                    last_y = Some(y);
                }
                out
            })
            .collect()
    }
}

/// The running footer; `{page}` and `{pages}` in any part are replaced per page.
#[derive(Debug, Clone, Default)]
pub struct Footer {
    pub left: String,
    pub center: String,
    pub right: String,
}

/// Lays out `blocks` on A4 pages and adds the footer to each.
pub fn layout(blocks: &[Block], measure: &dyn Measure, footer: &Footer) -> Document {
    let mut structure = Structure::default();
    let fragments = flow::fragments(blocks, measure, &mut structure);
    let mut pages = paginate(fragments);
    let total = pages.len();
    for (i, page) in pages.iter_mut().enumerate() {
        theme::footer(page, footer, i + 1, total, measure);
    }
    Document {
        width: theme::PAGE_WIDTH,
        height: theme::PAGE_HEIGHT,
        pages,
        signatures: flow::signature_areas(blocks),
        structure,
    }
}
