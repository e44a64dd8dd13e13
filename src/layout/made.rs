//! A block's fragments made once per process: the framework's blocks (an expectation, its
//! scale and answer lines) are the same in every guide of a level and focus, so a batch
//! lays each out once and copies it after.
//!
//! What a block makes depends on the block, the metrics, and the blocks before it that a
//! field without a tooltip is named by (`flow::Context`); the key holds all of them, as
//! bytes, so a block is found again only where it would be made the same. The structure
//! elements a block adds are kept numbered from the first it added, and numbered again
//! from where the structure stands when they are copied.

use super::blocks::{Block, Span};
use super::paginate::Fragment;
use super::structure::{Mark, Node, NodeId, Structure};
use super::{Item, Measure};
use crate::base::memo::{Repeated, Weight};

/// What a block made: its fragments and the elements it added, numbered from 0 (the
/// first it added; the document element stays `Structure::DOCUMENT`, which no block adds).
pub struct Made {
    fragments: Vec<Fragment>,
    nodes: Vec<Node>,
}

impl Weight for Made {
    fn weight(&self) -> usize {
        let texts: usize = self
            .fragments
            .iter()
            .flat_map(|f| &f.items)
            .map(|item| match item {
                Item::Text { text, .. } => text.len(),
                Item::Field { name, tooltip, .. } => name.len() + tooltip.len(),
                _ => 0,
            })
            .sum();
        let items: usize = self.fragments.iter().map(|f| f.items.len()).sum();
        texts + items * std::mem::size_of::<Item>() + self.nodes.len() * 64
    }
}

/// The fragments `make` gives for `block`, made once per process for the same key (see
/// the module's text); `key` says what else they depend on. Without metrics that name
/// themselves ([`Measure::memo_id`]) nothing is remembered.
pub fn once(
    block: &Block,
    context: impl FnOnce(&mut Vec<u8>),
    m: &dyn Measure,
    s: &mut Structure,
    make: impl FnOnce(&mut Structure) -> Vec<Fragment>,
) -> Vec<Fragment> {
    /// 16 MB: the blocks of a few dozen combinations.
    static MADE: Repeated<Made> = Repeated::new(16 << 20);
    once_in(&MADE, block, context, m, s, make)
}

fn once_in(
    memo: &Repeated<Made>,
    block: &Block,
    context: impl FnOnce(&mut Vec<u8>),
    m: &dyn Measure,
    s: &mut Structure,
    make: impl FnOnce(&mut Structure) -> Vec<Fragment>,
) -> Vec<Fragment> {
    let Some(id) = m.memo_id() else {
        return make(s);
    };
    let mut key = Vec::with_capacity(512);
    key.extend_from_slice(&id.to_le_bytes());
    write_block(&mut key, block);
    context(&mut key);
    let first = s.nodes.len();
    let mut fresh = None;
    let made = memo.get_or_make(&[&key], || {
        let fragments = make(s);
        let made = numbered_from(first, &fragments, &s.nodes[first..]);
        fresh = Some(fragments);
        made.ok_or(())
    });
    // Made now, what it made stands as it is (kept or not); else it was found.
    match (fresh, made) {
        (Some(fragments), _) => fragments,
        (None, made) => copied(&made.expect("only a block made now can fail"), s),
    }
}

/// What a block made numbered from 0, or `None` if it names an element it did not add
/// (other than the document): then it is not remembered.
fn numbered_from(first: NodeId, fragments: &[Fragment], added: &[Node]) -> Option<Made> {
    let renumber = |node: NodeId| match node {
        Structure::DOCUMENT => Some(node),
        n if n >= first => Some(n - first + 1),
        _ => None,
    };
    let mut kept = fragments.to_vec();
    for item in kept.iter_mut().flat_map(|f| &mut f.items) {
        if let Item::Mark(Mark::Content(node)) = item {
            *node = renumber(*node)?;
        }
    }
    let nodes = added
        .iter()
        .map(|node| {
            let parent = match node.parent {
                Some(p) => Some(renumber(p)?),
                None => None,
            };
            Some(Node {
                parent,
                ..node.clone()
            })
        })
        .collect::<Option<Vec<Node>>>()?;
    Some(Made {
        fragments: kept,
        nodes,
    })
}

/// `made` copied into a document whose structure stands at `s`: its elements added and
/// its marks numbered as they are there.
fn copied(made: &Made, s: &mut Structure) -> Vec<Fragment> {
    let first = s.nodes.len();
    let place = |node: NodeId| match node {
        Structure::DOCUMENT => node,
        n => n - 1 + first,
    };
    s.nodes.extend(made.nodes.iter().map(|node| Node {
        parent: node.parent.map(place),
        ..node.clone()
    }));
    let mut fragments = made.fragments.clone();
    for item in fragments.iter_mut().flat_map(|f| &mut f.items) {
        if let Item::Mark(Mark::Content(node)) = item {
            *node = place(*node);
        }
    }
    fragments
}

fn write_str(key: &mut Vec<u8>, s: &str) {
    key.extend_from_slice(&s.len().to_le_bytes());
    key.extend_from_slice(s.as_bytes());
}

fn write_option(key: &mut Vec<u8>, s: Option<&str>) {
    match s {
        None => key.push(0),
        Some(s) => {
            key.push(1);
            write_str(key, s);
        }
    }
}

pub fn write_spans(key: &mut Vec<u8>, spans: &[Span]) {
    key.extend_from_slice(&spans.len().to_le_bytes());
    for span in spans {
        key.push(span.style as u8);
        write_str(key, &span.text);
    }
}

fn write_pairs(key: &mut Vec<u8>, pairs: &[(String, String)]) {
    key.extend_from_slice(&pairs.len().to_le_bytes());
    for (a, b) in pairs {
        write_str(key, a);
        write_str(key, b);
    }
}

fn write_tooltip(key: &mut Vec<u8>, tooltip: Option<&super::tooltip::Tooltip>) {
    match tooltip {
        None => key.push(0),
        Some(t) => {
            key.push(1);
            t.write_key(key);
        }
    }
}

/// Every field of `block`, as bytes: one `match` over a closed set (the block kinds),
/// exhaustive so that a field added to a block cannot be left out of the key.
fn write_block(key: &mut Vec<u8>, block: &Block) {
    match block {
        Block::Heading { level, spans } => {
            key.extend_from_slice(&[b'H', *level]);
            write_spans(key, spans);
        }
        Block::Paragraph { spans } => {
            key.push(b'P');
            write_spans(key, spans);
        }
        Block::List {
            start,
            depth,
            items,
        } => {
            key.extend_from_slice(&[b'L', *depth]);
            key.extend_from_slice(&start.map_or([0xFF; 8], u64::to_le_bytes));
            key.push(u8::from(start.is_some()));
            key.extend_from_slice(&items.len().to_le_bytes());
            for item in items {
                write_spans(key, &item.spans);
            }
        }
        Block::Callout { paragraphs } => {
            key.push(b'C');
            key.extend_from_slice(&paragraphs.len().to_le_bytes());
            for spans in paragraphs {
                write_spans(key, spans);
            }
        }
        Block::Rule => key.push(b'R'),
        Block::PageBreak => key.push(b'B'),
        Block::Answer {
            lines,
            name,
            tooltip,
        } => {
            key.push(b'A');
            key.extend_from_slice(&lines.to_le_bytes());
            write_option(key, name.as_deref());
            write_tooltip(key, tooltip.as_ref());
        }
        Block::Scale {
            min,
            max,
            raters,
            name,
            tooltip,
        } => {
            key.extend_from_slice(&[b'S', *min, *max]);
            write_pairs(key, raters);
            write_option(key, name.as_deref());
            write_tooltip(key, tooltip.as_ref());
        }
        Block::Table {
            columns,
            widths,
            cells,
            rows,
            name,
            tooltip,
        } => {
            key.push(b'T');
            write_pairs(key, columns);
            key.extend_from_slice(&widths.len().to_le_bytes());
            for w in widths {
                key.extend_from_slice(&w.to_bits().to_le_bytes());
            }
            key.extend_from_slice(&cells.len().to_le_bytes());
            for row in cells {
                key.extend_from_slice(&row.len().to_le_bytes());
                for cell in row {
                    write_str(key, cell);
                }
            }
            key.extend_from_slice(&rows.to_le_bytes());
            write_option(key, name.as_deref());
            write_tooltip(key, tooltip.as_ref());
        }
        Block::Choice {
            label,
            options,
            name,
            tooltip,
        } => {
            key.push(b'O');
            write_str(key, label);
            write_pairs(key, options);
            write_option(key, name.as_deref());
            write_tooltip(key, tooltip.as_ref());
        }
        Block::Signatures {
            parties,
            name,
            form,
        } => {
            key.extend_from_slice(&[b'G', u8::from(*form)]);
            key.extend_from_slice(&parties.len().to_le_bytes());
            for party in parties {
                write_str(key, &party.key);
                write_str(key, &party.role);
                write_str(key, &party.name);
            }
            write_option(key, name.as_deref());
        }
        Block::Fields {
            rows,
            name,
            editable,
        } => {
            key.push(b'F');
            key.extend_from_slice(&rows.len().to_le_bytes());
            for (k, label, value) in rows {
                write_str(key, k);
                write_str(key, label);
                write_str(key, value);
            }
            write_option(key, name.as_deref());
            key.extend_from_slice(&editable.len().to_le_bytes());
            for e in editable {
                write_str(key, e);
            }
        }
        Block::Figure { center, items, alt } => {
            key.push(b'I');
            write_str(key, center);
            key.extend_from_slice(&items.len().to_le_bytes());
            for (item, highlighted) in items {
                write_str(key, item);
                key.push(u8::from(*highlighted));
            }
            write_option(key, alt.as_deref());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::fonts::{FontSet, FontStyle};
    use crate::layout::{layout, Footer};

    /// The built-in metrics, under another name each time: nothing measured with them is
    /// remembered from before.
    struct Unremembered;

    impl Measure for Unremembered {
        fn width(&self, style: FontStyle, text: &str, size: f32) -> f32 {
            FontSet::builtin().width(style, text, size)
        }
    }

    fn paragraph(text: &str) -> Block {
        Block::Paragraph {
            spans: vec![Span::new(text, FontStyle::Regular)],
        }
    }

    #[test]
    fn blocks_from_the_memo_lay_out_as_blocks_made_anew_wherever_they_stand() {
        let shared = [
            paragraph("Vurder forventningen fra 1 til 5."),
            Block::Scale {
                min: 1,
                max: 5,
                raters: vec![
                    ("leder".into(), "Din vurdering".into()),
                    ("leders-leder".into(), "Lederens vurdering".into()),
                ],
                name: Some("saet-retning.forventning1".into()),
                tooltip: None,
            },
            Block::Answer {
                lines: 2,
                name: Some("saet-retning.forventning1.refleksion".into()),
                tooltip: None,
            },
        ];
        let footer = Footer::default();
        let heading = Block::Heading {
            level: 2,
            spans: vec![Span::new("Sæt retning", FontStyle::Bold)],
        };
        // Made twice (kept the second time) as the first blocks…
        let short: Vec<Block> = [heading.clone()]
            .into_iter()
            .chain(shared.iter().cloned())
            .collect();
        for _ in 0..2 {
            layout(&short, FontSet::builtin(), &footer);
        }
        // …then found after a table, which adds other elements first and leaves what a
        // field is named by as it was.
        let long: Vec<Block> = [
            Block::Table {
                columns: vec![
                    ("maal".into(), "Mål".into()),
                    ("frist".into(), "Frist".into()),
                ],
                widths: vec![2.0, 1.0],
                cells: Vec::new(),
                rows: 2,
                name: Some("plan".into()),
                tooltip: None,
            },
            heading,
        ]
        .into_iter()
        .chain(shared.iter().cloned())
        .collect();
        let found = layout(&long, FontSet::builtin(), &footer);
        let anew = layout(&long, &Unremembered, &footer);
        assert_eq!(found, anew);
        assert!(found.structure.nodes.len() > 8, "{:?}", found.structure);
    }

    #[test]
    fn a_block_is_made_twice_then_copied_renumbered_where_the_structure_stands() {
        let memo = Repeated::new(1 << 20);
        let block = paragraph("Hvad er du lykkedes med?");
        // Adds an element under the document and one under it, and marks both.
        let make = |s: &mut Structure| {
            let p = s.add(crate::layout::Role::P, Structure::DOCUMENT);
            let form = s.add(crate::layout::Role::Form, p);
            vec![Fragment {
                height: 20.0,
                items: vec![
                    Item::Mark(Mark::Content(p)),
                    Item::Mark(Mark::Content(form)),
                ],
                ..Fragment::default()
            }]
        };
        let made = std::cell::Cell::new(0);
        let at = |before: usize| {
            let mut s = Structure::default();
            for _ in 0..before {
                s.add(crate::layout::Role::P, Structure::DOCUMENT);
            }
            let fragments = once_in(
                &memo,
                &block,
                |_| {},
                FontSet::builtin(),
                &mut s,
                |s| {
                    made.set(made.get() + 1);
                    make(s)
                },
            );
            (fragments, s)
        };
        at(1);
        at(4);
        assert_eq!(made.get(), 2);
        let (fragments, s) = at(7);
        assert_eq!(made.get(), 2, "the third time it is copied");
        let mut anew = Structure::default();
        for _ in 0..7 {
            anew.add(crate::layout::Role::P, Structure::DOCUMENT);
        }
        assert_eq!(fragments, make(&mut anew));
        assert_eq!(s, anew);
    }

    #[test]
    fn a_block_that_names_an_element_it_did_not_add_is_not_remembered() {
        let fragment = |node| Fragment {
            items: vec![Item::Mark(Mark::Content(node))],
            ..Fragment::default()
        };
        let node = |parent| Node {
            role: crate::layout::Role::P,
            parent: Some(parent),
            alt: None,
        };
        // Added at 5: renumbered from 1, the document stays 0.
        let made = numbered_from(5, &[fragment(5)], &[node(0)]).unwrap();
        assert!(matches!(
            made.fragments[0].items[0],
            Item::Mark(Mark::Content(1))
        ));
        assert_eq!(made.nodes[0].parent, Some(0));
        let mut s = Structure::default();
        s.add(crate::layout::Role::P, 0);
        let copied = copied(&made, &mut s);
        assert!(matches!(copied[0].items[0], Item::Mark(Mark::Content(2))));
        assert_eq!(s.nodes.len(), 3);
        // Element 3 is older than the block.
        assert!(numbered_from(5, &[fragment(3)], &[]).is_none());
        assert!(numbered_from(5, &[], &[node(3)]).is_none());
    }
}
