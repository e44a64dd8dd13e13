//! Document blocks: what the rendered templates say, before anything is measured.
//!
//! The markup parser produces them; the layout stage places them. They carry no
//! positions and no fonts, only structure and styled text.

use crate::layout::FontStyle;

/// A run of text in one style. A `"\n"` span is a forced line break.
#[derive(Debug, Clone, PartialEq)]
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
    /// Ruled lines to write an answer on.
    Answer {
        lines: u32,
    },
    /// A row of check boxes `min..=max` for each rater.
    Scale {
        min: u8,
        max: u8,
        raters: Vec<String>,
    },
    /// A table with a header row and `rows` empty rows.
    Table {
        columns: Vec<String>,
        widths: Vec<f32>,
        rows: u32,
    },
    Signatures {
        parties: Vec<Party>,
    },
    /// Label/value pairs, e.g. the title block.
    Fields {
        rows: Vec<(String, String)>,
    },
    /// The principles around the core task; `true` marks a highlighted principle.
    Figure {
        center: String,
        items: Vec<(String, bool)>,
    },
}
