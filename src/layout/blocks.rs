//! Document blocks: what the rendered templates say, before anything is measured.
//!
//! The markup parser produces them; the layout stage places them. They carry no
//! positions and no fonts, only structure and styled text.

use crate::base::fonts::FontStyle;
use crate::layout::tooltip::Tooltip;

/// A run of text in one style. A `"\n"` span is a forced line break.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Span {
    pub text: String,
    pub style: FontStyle,
}

impl Span {
    pub fn new(text: impl Into<String>, style: FontStyle) -> Self {
        Span {
            text: text.into(),
            style,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ListItem {
    pub spans: Vec<Span>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Party {
    /// The party's part of field names, e.g. `leder`.
    pub key: String,
    /// What the party is, e.g. "Leder".
    pub role: String,
    /// The printed name; empty leaves a line to write it on.
    pub name: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Heading {
        level: u8,
        spans: Vec<Span>,
    },
    Paragraph {
        spans: Vec<Span>,
    },
    /// `start` is the first number of an ordered list, `None` for bullets.
    List {
        start: Option<u64>,
        depth: u8,
        items: Vec<ListItem>,
    },
    /// A shaded box with paragraphs (a Markdown block quote).
    Callout {
        paragraphs: Vec<Vec<Span>>,
    },
    Rule,
    PageBreak,
    /// Ruled lines to write an answer on; with a name, also a form field.
    ///
    /// A field's `tooltip` is the template's `tooltip:` line; without one the layout
    /// names the field by the text before it (`crate::layout::tooltip`).
    Answer {
        lines: u32,
        name: Option<String>,
        tooltip: Option<Tooltip>,
    },
    /// A row of check boxes `min..=max` for each rater (key, label); with a name, one
    /// radio group per rater, `<name>.<key>`.
    Scale {
        min: u8,
        max: u8,
        raters: Vec<(String, String)>,
        name: Option<String>,
        /// Slots `{rater}`, `{min}`, `{max}`.
        tooltip: Option<Tooltip>,
    },
    /// A table with a header row of (key, label), the printed rows `cells`, and `rows`
    /// empty rows; with a name, a field per empty cell, `<name>.<row>.<column key>`.
    Table {
        columns: Vec<(String, String)>,
        widths: Vec<f32>,
        cells: Vec<Vec<String>>,
        rows: u32,
        name: Option<String>,
        /// Slots `{row}` (1, 2 …) and `{column}` (its header).
        tooltip: Option<Tooltip>,
    },
    /// One choice among labelled options (key, label), e.g. nået / delvist / ikke nået;
    /// with a name, one radio group `<name>` whose buttons' values are the keys.
    Choice {
        label: String,
        options: Vec<(String, String)>,
        name: Option<String>,
        tooltip: Option<Tooltip>,
    },
    /// With a name, each party's signature area is the slot `<name>.<key>.underskrift`,
    /// and with `form` also that signature field and `.navn` and `.dato` fields. A
    /// print-only guide (`form: false`) keeps the name: its slots still say who signs.
    Signatures {
        parties: Vec<Party>,
        name: Option<String>,
        form: bool,
    },
    /// Label/value rows, e.g. the title block: (key, label, value). With a name, the rows
    /// whose keys are in `editable` are fields `<name>.<key>`.
    Fields {
        rows: Vec<(String, String, String)>,
        name: Option<String>,
        editable: Vec<String>,
    },
    /// The principles around the core task; `true` marks a highlighted principle. `alt`
    /// replaces the figure's description for readers who cannot see it (by default it
    /// names the centre, the principles and the highlighted ones).
    Figure {
        center: String,
        items: Vec<(String, bool)>,
        alt: Option<String>,
    },
}
