//! The logical structure of a laid-out guide: what a screen reader reads, in reading
//! order (headings, paragraphs, lists, tables, the figure, the form fields).
//!
//! Layout builds it from the blocks while it places them, so every template, the custom
//! ones included, gets it without saying anything. Items name their element with
//! [`Mark`]s in the page's item list; the PDF writer turns that into marked content and a
//! structure tree (see `pdf::tags`).

use serde::Serialize;

/// An element's index in [`Structure::nodes`].
pub type NodeId = usize;

/// The standard structure types used (ISO 32000-1, 14.8.4); no role map is needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Role {
    Document,
    /// `H1`…`H6`.
    Heading(u8),
    P,
    L,
    LI,
    Lbl,
    LBody,
    BlockQuote,
    Table,
    TR,
    /// A header cell, with its scope.
    TH(Scope),
    TD,
    Figure,
    Form,
    Div,
}

impl Role {
    /// The structure type's name in the PDF.
    pub fn name(self) -> &'static str {
        match self {
            Role::Document => "Document",
            Role::Heading(1) => "H1",
            Role::Heading(2) => "H2",
            Role::Heading(3) => "H3",
            Role::Heading(4) => "H4",
            Role::Heading(5) => "H5",
            Role::Heading(_) => "H6",
            Role::P => "P",
            Role::L => "L",
            Role::LI => "LI",
            Role::Lbl => "Lbl",
            Role::LBody => "LBody",
            Role::BlockQuote => "BlockQuote",
            Role::Table => "Table",
            Role::TR => "TR",
            Role::TH(_) => "TH",
            Role::TD => "TD",
            Role::Figure => "Figure",
            Role::Form => "Form",
            Role::Div => "Div",
        }
    }
}

/// Which cells a header cell heads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Scope {
    Column,
    Row,
}

/// One structure element.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Node {
    pub role: Role,
    /// `None` only for the document element.
    pub parent: Option<NodeId>,
    /// The alternate description (`/Alt`) a figure needs.
    pub alt: Option<String>,
}

/// The structure elements; the first is the document. Children are read in the order in
/// which their content is placed on the pages.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Structure {
    pub nodes: Vec<Node>,
}

impl Default for Structure {
    fn default() -> Self {
        Structure {
            nodes: vec![Node {
                role: Role::Document,
                parent: None,
                alt: None,
            }],
        }
    }
}

impl Structure {
    pub const DOCUMENT: NodeId = 0;

    /// A new element of `role` under `parent`.
    pub fn add(&mut self, role: Role, parent: NodeId) -> NodeId {
        self.nodes.push(Node {
            role,
            parent: Some(parent),
            alt: None,
        });
        self.nodes.len() - 1
    }
}

/// What the items after a [`super::Item::Mark`] (up to the next mark) belong to.
///
/// Text belongs to the element; boxes, rules and fills around it are drawn as artifacts
/// all the same, except inside a figure, whose shapes are its content. Items before the
/// first mark of a fragment belong to the element its block was given.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum Mark {
    Content(NodeId),
    /// Decoration only: not read out.
    Artifact,
    /// The running footer: a pagination artifact.
    Footer,
}
