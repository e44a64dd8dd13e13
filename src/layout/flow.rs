//! Blocks → fragments: each block measured, wrapped and cut into the unbreakable pieces
//! the paginator places.

use super::made;
use super::paginate::Fragment;
use super::structure::{Mark, NodeId, Role, Scope, Structure};
use super::theme::*;
use super::wrap::{wrap, wrap_with, Line};
use super::{Color, FieldKind, FontStyle, Item, Measure, Segment, SignatureArea, Stroke};
use crate::layout::blocks::{Block, ListItem, Party, Span};
use crate::layout::tooltip::{self, Tooltip};

/// Indent of list text from the list's left edge.
const LIST_INDENT: f32 = 20.0;
/// The distance of ruled answer lines: the line height PDFium and pdf.js give typed text
/// at their default size (12 pt × 1.35), so typed lines fall on the rules.
pub const ANSWER_PITCH: f32 = 16.2;
/// How far above the field's top edge the first rule lies from the answer's top: the
/// field's top is one pitch above the first rule, its bottom on the last.
const ANSWER_TOP: f32 = 2.0;

/// What a sighted reader has just read when they reach a field: the fallback for its
/// tooltip when the template gives none. Kept as the blocks themselves and made into
/// text only for a field that needs it (most fields' tooltips come from the template).
#[derive(Default)]
struct Context<'b> {
    /// The last paragraph or list item (a question, an expectation).
    before: Recent<'b>,
    /// The last heading (a table's section).
    heading: Recent<'b>,
    /// The last list item since the last field: what a scale rates, even with a
    /// paragraph between them ("Sidste år: 3 · 4").
    item: Option<Recent<'b>>,
}

/// A block's text, with its number if it is an item of a numbered list.
#[derive(Default, Clone, Copy)]
struct Recent<'b> {
    spans: &'b [Span],
    number: Option<u64>,
}

impl Recent<'_> {
    fn text(&self) -> String {
        match self.number {
            Some(n) => format!("{n}. {}", plain(self.spans)),
            None => plain(self.spans),
        }
    }
}

impl<'b> Context<'b> {
    /// What a field's fallback tooltip may be made of, as bytes (a memo's key).
    fn write_key(&self, key: &mut Vec<u8>) {
        for recent in [Some(self.before), Some(self.heading), self.item] {
            match recent {
                None => key.push(0),
                Some(Recent { spans, number }) => {
                    key.push(1);
                    key.extend_from_slice(&number.map_or([0xFF; 8], u64::to_le_bytes));
                    key.push(u8::from(number.is_some()));
                    made::write_spans(key, spans);
                }
            }
        }
    }

    fn read(&mut self, block: &'b Block) {
        match block {
            Block::Heading { spans, .. } => {
                self.heading = Recent {
                    spans,
                    number: None,
                };
                self.before = self.heading;
                self.item = None;
            }
            Block::Paragraph { spans } => {
                self.before = Recent {
                    spans,
                    number: None,
                }
            }
            Block::List { start, items, .. } => {
                if let Some(last) = items.last() {
                    self.before = Recent {
                        spans: &last.spans,
                        number: start.map(|first| first + items.len() as u64 - 1),
                    };
                    self.item = Some(self.before);
                }
            }
            Block::Answer { .. }
            | Block::Scale { .. }
            | Block::Table { .. }
            | Block::Choice { .. }
            | Block::Signatures { .. }
            | Block::Fields { .. } => self.item = None,
            _ => {}
        }
    }
}

/// The text of `spans` as one line.
fn plain(spans: &[Span]) -> String {
    tooltip::clean_parts(
        spans
            .iter()
            .map(|s| if s.text == "\n" { " " } else { s.text.as_str() }),
    )
}

/// A field's tooltip: the template's pattern with `slots` filled, or `fallback`'s.
fn name_field(
    pattern: Option<&Tooltip>,
    slots: &[(&str, &str)],
    fallback: impl FnOnce() -> String,
) -> String {
    let named = pattern.map(|t| {
        t.fill(|slot| {
            slots
                .iter()
                .find(|(k, _)| *k == slot)
                .map(|(_, v)| v.to_string())
        })
    });
    match named {
        Some(n) if !n.is_empty() => n,
        _ => tooltip::clean(&fallback()),
    }
}

/// The fragments of `blocks`, their elements added to `s` as they are placed.
pub fn fragments(blocks: &[Block], measure: &dyn Measure, s: &mut Structure) -> Vec<Fragment> {
    let mut out: Vec<Fragment> = Vec::new();
    let mut context = Context::default();
    // The body of the last item of the lists at each depth: a deeper list right after
    // belongs to that item.
    let mut lists: Vec<NodeId> = Vec::new();
    for (i, block) in blocks.iter().enumerate() {
        let mut frags = match block {
            Block::List {
                start,
                depth,
                items,
            } => {
                let depth = (*depth as usize).min(lists.len());
                let parent = depth
                    .checked_sub(1)
                    .map_or(Structure::DOCUMENT, |d| lists[d]);
                let (frags, body) = list(*start, depth as u8, items, measure, s, parent);
                lists.truncate(depth);
                lists.extend(body);
                frags
            }
            _ => {
                lists.clear();
                made::once(
                    block,
                    |key| context.write_key(key),
                    measure,
                    s,
                    |s| block_fragments(block, measure, s, &context),
                )
            }
        };
        context.read(block);
        // What introduces an answer area, a scale, a list or a table stays with it.
        let next = blocks.get(i + 1);
        let introduces = matches!(
            next,
            Some(Block::Answer { .. } | Block::Scale { .. } | Block::Choice { .. })
        ) || (matches!(block, Block::Paragraph { .. } | Block::Callout { .. })
            && matches!(
                next,
                Some(
                    Block::List { .. }
                        | Block::Table { .. }
                        | Block::Signatures { .. }
                        | Block::Figure { .. }
                )
            ));
        // A printed table (last year's plan) stays with the question about it that
        // follows ("Aftale 1: Hvordan er det gået?" and its choice): apart, the question
        // on the next page read as about nothing.
        let asks_about = matches!(block, Block::Table { cells, .. } if !cells.is_empty())
            && matches!(next, Some(Block::Paragraph { .. }))
            && matches!(
                blocks.get(i + 2),
                Some(Block::Choice { .. } | Block::Answer { .. } | Block::Scale { .. })
            );
        // A rating row stays with the question after it: at the foot of a page, alone,
        // it read as finished, its questions stood on the next page, and poppler read
        // the footer into the row. What introduces a scale (an expectation, then "last
        // year's ratings") stays with it in turn.
        let after_next = blocks.get(i + 2);
        let holds_on = (matches!(block, Block::Scale { .. })
            && matches!(next, Some(Block::Paragraph { .. } | Block::Answer { .. })))
            || (matches!(block, Block::List { .. })
                && matches!(next, Some(Block::Paragraph { .. }))
                && matches!(after_next, Some(Block::Scale { .. })));
        if introduces || holds_on || asks_about {
            if let Some(last) = frags.last_mut() {
                last.keep_with_next = true;
            }
        }
        out.extend(frags);
    }
    out
}

/// Makes every fragment start with `mark`, so what a block draws before its own marks
/// belongs to the block's element, never to the block before it.
fn marked(mut frags: Vec<Fragment>, mark: Mark) -> Vec<Fragment> {
    for f in &mut frags {
        f.items.insert(0, Item::Mark(mark));
    }
    frags
}

fn block_fragments(
    block: &Block,
    m: &dyn Measure,
    s: &mut Structure,
    context: &Context,
) -> Vec<Fragment> {
    let doc = Structure::DOCUMENT;
    let mut element = |role| Mark::Content(s.add(role, doc));
    match block {
        Block::Heading { level, spans } => marked(
            vec![heading_fragment(*level, spans, m)],
            element(Role::Heading((*level).clamp(1, 6))),
        ),
        Block::Paragraph { spans } => marked(
            text_fragments(
                spans,
                m,
                0.0,
                CONTENT_WIDTH,
                BODY_SIZE,
                BODY_LEADING,
                INK,
                PARAGRAPH_GAP,
            ),
            element(Role::P),
        ),
        // Laid out by `fragments`, which knows the list it nests in.
        Block::List {
            start,
            depth,
            items,
        } => list(*start, *depth, items, m, s, doc).0,
        Block::Callout { paragraphs } => vec![callout(paragraphs, m, s)],
        Block::Rule => vec![rule()],
        Block::PageBreak => vec![Fragment {
            page_break: true,
            ..Fragment::default()
        }],
        // The ruled lines are decoration; the field, if any, is the answer.
        Block::Answer {
            lines,
            name,
            tooltip,
        } => {
            let mark = match name {
                Some(_) => element(Role::Form),
                None => Mark::Artifact,
            };
            let tooltip = name_field(tooltip.as_ref(), &[], || context.before.text());
            marked(vec![answer(*lines, name.as_deref(), &tooltip)], mark)
        }
        Block::Scale {
            min,
            max,
            raters,
            name,
            tooltip,
        } => {
            let tooltips = scale_tooltips(*min, *max, raters, tooltip.as_ref(), context);
            vec![scale(*min, *max, raters, name.as_deref(), &tooltips, m, s)]
        }
        Block::Table {
            columns,
            widths,
            cells,
            rows,
            name,
            tooltip,
        } => {
            let cell_tooltip =
                |row: u32, column: &str| cell_tooltip(tooltip.as_ref(), context, row, column);
            table(
                columns,
                widths,
                cells,
                *rows,
                name.as_deref(),
                &cell_tooltip,
                m,
                s,
            )
        }
        Block::Choice {
            label,
            options,
            name,
            tooltip,
        } => {
            let tooltip = name_field(tooltip.as_ref(), &[], || {
                format!("{} {label}", context.before.text())
            });
            vec![choice(label, options, name.as_deref(), &tooltip, m, s)]
        }
        Block::Signatures {
            parties,
            name,
            form,
        } => signatures(parties, name.as_deref().filter(|_| *form), m, s),
        Block::Fields {
            rows,
            name,
            editable,
        } => vec![fields(rows, name.as_deref(), editable, m, s)],
        Block::Figure { center, items, alt } => {
            let figure_node = s.add(Role::Figure, doc);
            s.nodes[figure_node].alt = Some(match alt {
                Some(alt) => alt.clone(),
                None => figure_alt(center, items),
            });
            marked(vec![figure(center, items, m)], Mark::Content(figure_node))
        }
    }
}

/// A hairline across the text column, as decoration.
fn rule() -> Fragment {
    Fragment {
        height: 14.0,
        space_before: 4.0,
        items: vec![
            Item::Mark(Mark::Artifact),
            Item::Line {
                x1: MARGIN_LEFT,
                y1: 7.0,
                x2: MARGIN_LEFT + CONTENT_WIDTH,
                y2: 7.0,
                stroke: HAIRLINE,
            },
        ],
        ..Fragment::default()
    }
}

/// Each rater's row of a scale named: the template's pattern, or the rater and what
/// the scale rates.
fn scale_tooltips(
    min: u8,
    max: u8,
    raters: &[(String, String)],
    pattern: Option<&Tooltip>,
    context: &Context,
) -> Vec<String> {
    let (lo, hi) = (min.to_string(), max.to_string());
    raters
        .iter()
        .map(|(_, rater)| {
            name_field(
                pattern,
                &[("rater", rater), ("min", &lo), ("max", &hi)],
                || {
                    let rated = context.item.unwrap_or(context.before).text();
                    format!("{rater}: {rated}, {lo}–{hi}")
                },
            )
        })
        .collect()
}

/// A table cell's field named: the template's pattern, or the section, column and row.
fn cell_tooltip(pattern: Option<&Tooltip>, context: &Context, row: u32, column: &str) -> String {
    let row = row.to_string();
    name_field(pattern, &[("row", &row), ("column", column)], || {
        format!("{}, {column}, {row}", context.heading.text())
    })
}

/// What the principles figure shows, in words: the highlight is colour only.
fn figure_alt(center: &str, principles: &[(String, bool)]) -> String {
    let names: Vec<&str> = principles.iter().map(|(p, _)| p.as_str()).collect();
    let focus: Vec<&str> = principles
        .iter()
        .filter(|(_, h)| *h)
        .map(|(p, _)| p.as_str())
        .collect();
    let mut alt = format!(
        "Figur: {center} i midten, omgivet af {} principper: {}.",
        names.len(),
        names.join(", ")
    );
    if !focus.is_empty() {
        alt.push_str(&format!(" Årets fokus: {}.", focus.join(", ")));
    }
    alt
}

/// Where the baseline of a line of `size` sits below the top of its `leading`-high slot.
fn baseline(size: f32, leading: f32) -> f32 {
    leading * 0.5 + size * 0.35
}

/// The text items of one wrapped line, left edge at `x`, baseline at `y`.
fn line_items(
    line: &Line,
    x: f32,
    y: f32,
    size: f32,
    color: Color,
) -> impl Iterator<Item = Item> + '_ {
    line.runs
        .iter()
        .filter(|r| !r.text.trim().is_empty())
        .map(move |r| Item::Text {
            x: x + r.x,
            y,
            size,
            style: r.style,
            color,
            text: r.text.as_str().into(),
        })
}

/// Wrapped text as one fragment per line, with orphan and widow control: the first two
/// and the last two lines of a paragraph always share a page.
#[allow(clippy::too_many_arguments)]
fn text_fragments(
    spans: &[Span],
    m: &dyn Measure,
    indent: f32,
    width: f32,
    size: f32,
    leading: f32,
    color: Color,
    space_before: f32,
) -> Vec<Fragment> {
    let lines = wrap(spans, m, size, width);
    let n = lines.len();
    lines
        .iter()
        .enumerate()
        .map(|(i, line)| Fragment {
            height: leading,
            space_before: if i == 0 { space_before } else { 0.0 },
            keep_with_next: n >= 2 && (i == 0 || i == n - 2),
            page_break: false,
            bookmark: None,
            items: line_items(
                line,
                MARGIN_LEFT + indent,
                baseline(size, leading),
                size,
                color,
            )
            .collect(),
        })
        .collect()
}

fn heading_fragment(level: u8, spans: &[Span], m: &dyn Measure) -> Fragment {
    let (size, leading, color, before, after) = heading(level);
    let bold: Vec<Span> = spans
        .iter()
        .map(|s| Span::new(s.text.clone(), FontStyle::Bold))
        .collect();
    let lines = wrap(&bold, m, size, CONTENT_WIDTH);
    let mut items = Vec::new();
    let mut y = 0.0;
    for line in &lines {
        items.extend(line_items(
            line,
            MARGIN_LEFT,
            y + baseline(size, leading),
            size,
            color,
        ));
        y += leading;
    }
    if level == 2 {
        items.push(Item::Line {
            x1: MARGIN_LEFT,
            y1: y + 3.0,
            x2: MARGIN_LEFT + CONTENT_WIDTH,
            y2: y + 3.0,
            stroke: Stroke {
                width: 0.8,
                color: ACCENT,
            },
        });
        y += 3.0;
    }
    // Sections (H2) are the outline: 9–15 pages of them are worth a table of contents.
    let title = spans.iter().map(|s| s.text.as_str()).collect::<String>();
    Fragment {
        height: y + after,
        space_before: before,
        keep_with_next: true,
        page_break: false,
        bookmark: (level == 2).then(|| tooltip::clean(&title)),
        items,
    }
}

/// A list's fragments (an `L` under `parent`, an `LI` with `Lbl` and `LBody` per item),
/// and the body of its last item.
fn list(
    start: Option<u64>,
    depth: u8,
    items: &[ListItem],
    m: &dyn Measure,
    s: &mut Structure,
    parent: NodeId,
) -> (Vec<Fragment>, Option<NodeId>) {
    let indent = depth as f32 * LIST_INDENT;
    let mut out = Vec::new();
    let l = s.add(Role::L, parent);
    let mut last = None;
    for (i, item) in items.iter().enumerate() {
        let li = s.add(Role::LI, l);
        let label = s.add(Role::Lbl, li);
        let body = s.add(Role::LBody, li);
        last = Some(body);
        let gap = if i == 0 { PARAGRAPH_GAP } else { 3.0 };
        let frags = text_fragments(
            &item.spans,
            m,
            indent + LIST_INDENT,
            CONTENT_WIDTH - indent - LIST_INDENT,
            BODY_SIZE,
            BODY_LEADING,
            INK,
            gap,
        );
        let y = baseline(BODY_SIZE, BODY_LEADING);
        let marker = match start {
            Some(first) => {
                let label = format!("{}.", first + i as u64);
                let w = m.width(FontStyle::Bold, &label, BODY_SIZE);
                Item::Text {
                    x: MARGIN_LEFT + indent + LIST_INDENT - 4.0 - w,
                    y,
                    size: BODY_SIZE,
                    style: FontStyle::Bold,
                    color: ACCENT,
                    text: label.into(),
                }
            }
            None => Item::Text {
                x: MARGIN_LEFT + indent + 5.0,
                y,
                size: BODY_SIZE,
                style: FontStyle::Bold,
                color: ACCENT,
                text: "•".into(),
            },
        };
        let mut frags = marked(frags, Mark::Content(body));
        if let Some(first) = frags.first_mut() {
            first
                .items
                .splice(0..0, [Item::Mark(Mark::Content(label)), marker]);
        }
        out.extend(frags);
    }
    (out, last)
}

/// A shaded box: a `BlockQuote` of paragraphs.
fn callout(paragraphs: &[Vec<Span>], m: &dyn Measure, s: &mut Structure) -> Fragment {
    let (size, leading, pad) = (9.5, 13.5, 10.0);
    let quote = s.add(Role::BlockQuote, Structure::DOCUMENT);
    let mut items = Vec::new();
    let mut y = pad;
    for (i, spans) in paragraphs.iter().enumerate() {
        if i > 0 {
            y += 5.0;
        }
        items.push(Item::Mark(Mark::Content(s.add(Role::P, quote))));
        for line in wrap(spans, m, size, CONTENT_WIDTH - 2.0 * pad - 4.0) {
            items.extend(line_items(
                &line,
                MARGIN_LEFT + pad + 4.0,
                y + baseline(size, leading),
                size,
                INK,
            ));
            y += leading;
        }
    }
    let height = y + pad;
    // A tinted box with an accent bar down its left edge, behind the text.
    backdrop(&mut items, height, ACCENT_LIGHT, (3.0, height));
    items.insert(0, Item::Mark(Mark::Artifact));
    Fragment {
        height,
        space_before: 10.0,
        keep_with_next: false,
        page_break: false,
        bookmark: None,
        items,
    }
}

fn answer(lines: u32, name: Option<&str>, tooltip: &str) -> Fragment {
    let mut items: Vec<Item> = (1..=lines)
        .map(|i| {
            let y = ANSWER_TOP + i as f32 * ANSWER_PITCH;
            Item::Line {
                x1: MARGIN_LEFT,
                y1: y,
                x2: MARGIN_LEFT + CONTENT_WIDTH,
                y2: y,
                stroke: HAIRLINE,
            }
        })
        .collect();
    if let Some(name) = name {
        // The field covers exactly the ruled lines, one pitch per line. Its text is
        // auto-sized: at the readers' default 12 pt its lines fall on the rules, and a
        // long answer shrinks until all of it shows instead of printing a clipped line.
        items.push(Item::Field {
            name: name.into(),
            tooltip: tooltip.into(),
            kind: text_field(
                true,
                "",
                Vec::new(),
                0.0,
                ANSWER_PITCH,
                ANSWER_PITCH - 2.5,
                None,
            ),
            x: MARGIN_LEFT,
            y: ANSWER_TOP,
            w: CONTENT_WIDTH,
            h: lines as f32 * ANSWER_PITCH,
        });
    }
    Fragment {
        height: ANSWER_TOP + lines as f32 * ANSWER_PITCH + 2.0,
        space_before: 0.0,
        keep_with_next: false,
        page_break: false,
        bookmark: None,
        items,
    }
}

fn text_field(
    multiline: bool,
    value: &str,
    lines: Vec<String>,
    size: f32,
    leading: f32,
    baseline: f32,
    background: Option<Color>,
) -> FieldKind {
    FieldKind::Text {
        multiline,
        value: value.to_string(),
        lines,
        size,
        leading,
        baseline,
        background,
    }
}

/// A row of boxes per rater: one `P` per rater (its label and the numbers), holding a
/// `Form` per button, in reading order.
fn scale(
    min: u8,
    max: u8,
    raters: &[(String, String)],
    name: Option<&str>,
    tooltips: &[String],
    m: &dyn Measure,
    s: &mut Structure,
) -> Fragment {
    let size = SMALL_SIZE;
    let box_size = 9.0;
    let step = 25.0;
    let x0 = MARGIN_LEFT + LIST_INDENT;
    let column = (CONTENT_WIDTH - LIST_INDENT) / raters.len() as f32;
    let label_width = raters
        .iter()
        .map(|(_, r)| m.width(FontStyle::Regular, r, size))
        .fold(0.0, f32::max);
    let mut items = Vec::new();
    let y = 13.0;
    for (i, ((key, rater), tooltip)) in raters.iter().zip(tooltips).enumerate() {
        let x = x0 + i as f32 * column;
        let p = s.add(Role::P, Structure::DOCUMENT);
        let group = Item::Mark(Mark::Content(p));
        items.push(group.clone());
        items.push(Item::Text {
            x,
            y,
            size,
            style: FontStyle::Regular,
            color: MUTED,
            text: rater.as_str().into(),
        });
        let boxes = x + label_width + 8.0;
        for (k, value) in (min..=max).enumerate() {
            let bx = boxes + k as f32 * step;
            let top = y - box_size + 1.0;
            items.push(Item::Rect {
                x: bx,
                y: top,
                w: box_size,
                h: box_size,
                fill: None,
                stroke: Some(BOX_STROKE),
            });
            if let Some(name) = name {
                items.push(Item::Mark(Mark::Content(s.add(Role::Form, p))));
                items.push(Item::Field {
                    name: format!("{name}.{key}").into(),
                    tooltip: tooltip.as_str().into(),
                    kind: FieldKind::Radio {
                        value: value.to_string().into(),
                        label: value.to_string().into(),
                    },
                    x: bx,
                    y: top,
                    w: box_size,
                    h: box_size,
                });
                items.push(group.clone());
            }
            items.push(Item::Text {
                x: bx + box_size + 3.0,
                y,
                size: 7.5,
                style: FontStyle::Regular,
                color: MUTED,
                text: value.to_string().into(),
            });
        }
    }
    Fragment {
        height: 20.0,
        space_before: 2.0,
        keep_with_next: false,
        page_break: false,
        bookmark: None,
        items,
    }
}

/// A `Table`: a header row of `TH` (column scope), then printed and empty rows of `TD`,
/// an empty row's cells each holding its field's `Form`.
#[allow(clippy::too_many_arguments)]
fn table(
    columns: &[(String, String)],
    widths: &[f32],
    cells: &[Vec<String>],
    rows: u32,
    name: Option<&str>,
    tooltip: &dyn Fn(u32, &str) -> String,
    m: &dyn Measure,
    s: &mut Structure,
) -> Vec<Fragment> {
    let table = s.add(Role::Table, Structure::DOCUMENT);
    let row = |s: &mut Structure, role: Role| -> Vec<NodeId> {
        let tr = s.add(Role::TR, table);
        (0..widths.len()).map(|_| s.add(role, tr)).collect()
    };
    let total: f32 = widths.iter().sum();
    let xs: Vec<(f32, f32)> = widths
        .iter()
        .scan(MARGIN_LEFT, |x, w| {
            let width = CONTENT_WIDTH * w / total;
            let start = *x;
            *x += width;
            Some((start, width))
        })
        .collect();
    let header_cells = row(s, Role::TH(Scope::Column));
    let (header_height, header) = text_row(
        &xs,
        |i| columns.get(i).map_or("", |(_, label)| label.as_str()),
        FontStyle::Bold,
        (Some(ACCENT_LIGHT), ACCENT),
        0,
        m,
        &header_cells,
    );
    let mut out = vec![Fragment {
        height: header_height,
        space_before: PARAGRAPH_GAP,
        keep_with_next: true,
        page_break: false,
        bookmark: None,
        items: header,
    }];
    // A printed table's rows stay together (and with the empty rows after them), as the
    // empty rows do: a table taller than a page still breaks where it must.
    let count = cells.len();
    for (i, printed) in cells.iter().enumerate() {
        let row_cells = row(s, Role::TD);
        let mut fragment = printed_row(&xs, printed, m, &row_cells);
        fragment.keep_with_next = i + 1 < count || rows > 0;
        out.push(fragment);
    }
    let row_height = 36.0;
    for r in 0..rows {
        let mut items = Vec::new();
        let tds = row(s, Role::TD);
        for (((x, w), (key, label)), td) in xs.iter().zip(columns).zip(tds) {
            items.push(Item::Mark(Mark::Content(td)));
            items.push(Item::Rect {
                x: *x,
                y: 0.0,
                w: *w,
                h: row_height,
                fill: None,
                stroke: Some(BOX_STROKE),
            });
            if let Some(name) = name {
                items.push(Item::Mark(Mark::Content(s.add(Role::Form, td))));
                items.push(Item::Field {
                    name: format!("{name}.{}.{key}", r + 1).into(),
                    tooltip: tooltip(r + 1, label).into(),
                    kind: text_field(true, "", Vec::new(), 9.0, 11.0, 11.0, None),
                    x: x + 1.0,
                    y: 1.0,
                    w: w - 2.0,
                    h: row_height - 2.0,
                });
            }
        }
        out.push(Fragment {
            height: row_height,
            space_before: 0.0,
            keep_with_next: r + 1 < rows,
            page_break: false,
            bookmark: None,
            items,
        });
    }
    out
}

/// A table's printed row: each cell's text wrapped in its column (and element), the row
/// as high as its tallest cell.
fn printed_row(xs: &[(f32, f32)], row: &[String], m: &dyn Measure, cells: &[NodeId]) -> Fragment {
    let (height, items) = text_row(
        xs,
        |i| row.get(i).map_or("", String::as_str),
        FontStyle::Regular,
        (None, INK),
        1,
        m,
        cells,
    );
    Fragment {
        height,
        space_before: 0.0,
        keep_with_next: false,
        page_break: false,
        bookmark: None,
        items,
    }
}

/// One row of a table with text: per column a box (filled with `colors.0`, if any) and
/// the column's text wrapped in it (in `colors.1`); the row is as high as its tallest
/// cell, and at least `min_lines` lines. Each column's text belongs to its element of
/// `cells`.
fn text_row<'t>(
    xs: &[(f32, f32)],
    text: impl Fn(usize) -> &'t str,
    style: FontStyle,
    colors: (Option<Color>, Color),
    min_lines: usize,
    m: &dyn Measure,
    cells: &[NodeId],
) -> (f32, Vec<Item>) {
    let (size, leading, pad) = (SMALL_SIZE, 11.0, 5.0);
    let wrapped: Vec<Vec<Line>> = xs
        .iter()
        .enumerate()
        .map(|(i, (_, w))| wrap(&[Span::new(text(i), style)], m, size, w - 2.0 * pad))
        .collect();
    let lines = wrapped
        .iter()
        .map(Vec::len)
        .max()
        .unwrap_or(1)
        .max(min_lines);
    let height = lines as f32 * leading + 2.0 * pad;
    let mut items = Vec::new();
    for (((x, w), lines), cell) in xs.iter().zip(&wrapped).zip(cells) {
        items.push(Item::Mark(Mark::Content(*cell)));
        items.push(Item::Rect {
            x: *x,
            y: 0.0,
            w: *w,
            h: height,
            fill: colors.0,
            stroke: Some(BOX_STROKE),
        });
        for (i, line) in lines.iter().enumerate() {
            items.extend(line_items(
                line,
                x + pad,
                pad + i as f32 * leading + baseline(size, leading),
                size,
                colors.1,
            ));
        }
    }
    (height, items)
}

/// A label, then a check box and its label for each option; with a name, the boxes are
/// one radio group whose values are the options' keys.
/// In the structure, one `P` (label and options) holding a `Form` per button.
fn choice(
    label: &str,
    options: &[(String, String)],
    name: Option<&str>,
    tooltip: &str,
    m: &dyn Measure,
    s: &mut Structure,
) -> Fragment {
    let size = SMALL_SIZE;
    let box_size = 9.0;
    let y = 13.0;
    let mut x = MARGIN_LEFT + LIST_INDENT;
    let p = s.add(Role::P, Structure::DOCUMENT);
    let mut items = vec![Item::Mark(Mark::Content(p))];
    if !label.is_empty() {
        items.push(Item::Text {
            x,
            y,
            size,
            style: FontStyle::Regular,
            color: MUTED,
            text: label.into(),
        });
        x += m.width(FontStyle::Regular, label, size) + 10.0;
    }
    for (key, text) in options {
        let top = y - box_size + 1.0;
        items.push(Item::Rect {
            x,
            y: top,
            w: box_size,
            h: box_size,
            fill: None,
            stroke: Some(BOX_STROKE),
        });
        if let Some(name) = name {
            items.push(Item::Mark(Mark::Content(s.add(Role::Form, p))));
            items.push(Item::Field {
                name: name.into(),
                tooltip: tooltip.into(),
                kind: FieldKind::Radio {
                    value: key.as_str().into(),
                    label: text.as_str().into(),
                },
                x,
                y: top,
                w: box_size,
                h: box_size,
            });
            items.push(Item::Mark(Mark::Content(p)));
        }
        items.push(Item::Text {
            x: x + box_size + 4.0,
            y,
            size,
            style: FontStyle::Regular,
            color: INK,
            text: text.as_str().into(),
        });
        x += box_size + 4.0 + m.width(FontStyle::Regular, text, size) + 16.0;
    }
    Fragment {
        height: 20.0,
        space_before: 2.0,
        keep_with_next: false,
        page_break: false,
        bookmark: None,
        items,
    }
}

/// The word printed in a signature box, and the start of its field's tooltip.
const SIGNATURE_LABEL: &str = "Underskrift";

/// The fully qualified name of a party's signature field: the one place it is spelled.
fn signature_slot(directive: &str, key: &str) -> String {
    format!("{directive}.{key}.underskrift")
}

/// The signature areas `blocks` lay out, in document order: each named signatures
/// directive's parties, with or without a form (a print-only guide is signed on paper,
/// by the same people). An unnamed directive's boxes have no slot and are not listed.
pub fn signature_areas(blocks: &[Block]) -> Vec<SignatureArea> {
    blocks
        .iter()
        .filter_map(|block| match block {
            Block::Signatures {
                parties,
                name: Some(name),
                ..
            } => Some(parties.iter().map(move |party| SignatureArea {
                slot: signature_slot(name, &party.key),
                key: party.key.clone(),
                label: party.role.clone(),
                name: party.name.clone(),
            })),
            _ => None,
        })
        .flatten()
        .collect()
}

/// In the structure, a `Div` per party: its role, the signature field's `Form` with its
/// caption, and a `P` for the name and the date, each with its field's `Form`.
fn signatures(
    parties: &[Party],
    name: Option<&str>,
    m: &dyn Measure,
    s: &mut Structure,
) -> Vec<Fragment> {
    let gap = 28.0;
    let width = (CONTENT_WIDTH - gap) / 2.0;
    parties
        .chunks(2)
        .map(|pair| {
            let mut items = Vec::new();
            let mut bottom: f32 = 0.0;
            for (i, party) in pair.iter().enumerate() {
                let column = Column {
                    x: MARGIN_LEFT + i as f32 * (width + gap),
                    width,
                    directive: name,
                    div: s.add(Role::Div, Structure::DOCUMENT),
                };
                let y = column.party(&mut items, party, m, s);
                bottom = bottom.max(y - 14.0);
            }
            // The parties are named: what comes before them on the page stands apart.
            items.insert(0, Item::Cut);
            Fragment {
                height: bottom,
                space_before: 12.0,
                keep_with_next: false,
                page_break: false,
                bookmark: None,
                items,
            }
        })
        .collect()
}

/// A party's column of the signatures: where it stands, the signatures directive's field
/// name (if it has a form), and the party's `Div`.
struct Column<'a> {
    x: f32,
    width: f32,
    directive: Option<&'a str>,
    div: NodeId,
}

impl Column<'_> {
    /// The top of the signature box, its height, and the leading of a wrapped name.
    const TOP: f32 = 18.0;
    const AREA: f32 = 62.0;
    const LEADING: f32 = 13.0;

    /// The party's role, signature box (and field) and the lines for name and date;
    /// returns where the next line would start.
    fn party(
        &self,
        items: &mut Vec<Item>,
        party: &Party,
        m: &dyn Measure,
        s: &mut Structure,
    ) -> f32 {
        let (x, width, top, area) = (self.x, self.width, Self::TOP, Self::AREA);
        items.push(Item::Mark(Mark::Content(s.add(Role::P, self.div))));
        items.push(Item::Text {
            x,
            y: 11.0,
            size: BODY_SIZE,
            style: FontStyle::Bold,
            color: INK,
            text: party.role.as_str().into(),
        });
        items.push(Item::Rect {
            x,
            y: top,
            w: width,
            h: area,
            fill: Some(TINT),
            stroke: Some(HAIRLINE),
        });
        items.push(Item::Mark(Mark::Content(s.add(Role::P, self.div))));
        items.push(Item::Text {
            x: x + 6.0,
            y: top + area - 6.0,
            size: 7.0,
            style: FontStyle::Regular,
            color: MUTED,
            text: SIGNATURE_LABEL.into(),
        });
        if let Some(name) = self.directive {
            let signer = if party.name.is_empty() {
                party.role.clone()
            } else {
                format!("{}, {}", party.role, party.name)
            };
            items.push(Item::Mark(Mark::Content(s.add(Role::Form, self.div))));
            items.push(Item::Field {
                name: signature_slot(name, &party.key).into(),
                tooltip: tooltip::clean(&format!("{SIGNATURE_LABEL}: {signer}")).into(),
                kind: FieldKind::Signature,
                x,
                y: top,
                w: width,
                h: area,
            });
        }
        let mut y = top + area + 16.0;
        for line in [("Navn", "navn", party.name.as_str()), ("Dato", "dato", "")] {
            y = self.written_line(items, party, line, y, m, s);
        }
        y
    }

    /// A labelled line at `y` (the name, the date): its value as page text and, with a
    /// form, as a field over it; returns where the next line starts.
    fn written_line(
        &self,
        items: &mut Vec<Item>,
        party: &Party,
        (label, key, value): (&str, &str, &str),
        y: f32,
        m: &dyn Measure,
        s: &mut Structure,
    ) -> f32 {
        let (x, width, leading) = (self.x, self.width, Self::LEADING);
        let lw = m.width(FontStyle::Regular, label, SMALL_SIZE);
        let p = s.add(Role::P, self.div);
        items.push(Item::Mark(Mark::Content(p)));
        items.push(Item::Text {
            x,
            y,
            size: SMALL_SIZE,
            style: FontStyle::Regular,
            color: MUTED,
            text: label.into(),
        });
        let vx = x + lw.max(28.0) + 6.0;
        // A name is never hyphenated by choice, only broken where it must be.
        let lines = wrap_with(
            &[Span::new(value, FontStyle::Regular)],
            m,
            BODY_SIZE,
            x + width - vx,
            false,
        );
        let n = lines.len().max(1);
        // The value is page text (extractors read it), and as a field it is
        // also shown by the field, whose appearance covers the page text.
        for (k, line) in lines.iter().enumerate() {
            items.extend(line_items(line, vx, y + k as f32 * leading, BODY_SIZE, INK));
        }
        if let Some(name) = self.directive {
            items.push(Item::Mark(Mark::Content(s.add(Role::Form, p))));
            items.push(Item::Field {
                name: format!("{name}.{}.{key}", party.key).into(),
                tooltip: tooltip::clean(&format!("{label}, {}", party.role)).into(),
                kind: text_field(
                    n > 1,
                    value,
                    lines.iter().map(Line::text).collect(),
                    BODY_SIZE,
                    leading,
                    10.0,
                    Some(WHITE),
                ),
                x: vx,
                y: y - 10.0,
                w: x + width - vx,
                h: (n - 1) as f32 * leading + 13.0,
            });
        }
        let rule = y + (n - 1) as f32 * leading + 3.5;
        items.push(Item::Line {
            x1: vx,
            y1: rule,
            x2: x + width,
            y2: rule,
            stroke: HAIRLINE,
        });
        rule + 18.5
    }
}

/// In the structure, a `Table` of one row per field: its label a `TH` (row scope), its
/// value a `TD` holding the field's `Form` if it is editable.
fn fields(
    rows: &[(String, String, String)],
    name: Option<&str>,
    editable: &[String],
    m: &dyn Measure,
    s: &mut Structure,
) -> Fragment {
    let table = s.add(Role::Table, Structure::DOCUMENT);
    let pad = 12.0;
    let gap = 18.0;
    let width = (CONTENT_WIDTH - 2.0 * pad - gap) / 2.0;
    let (label_size, value_size, value_leading) = (7.5, 11.0, 14.0);
    let mut items = Vec::new();
    let mut y = pad;
    for pair in rows.chunks(2) {
        let mut row_height: f32 = 0.0;
        for (i, (key, label, value)) in pair.iter().enumerate() {
            let x = MARGIN_LEFT + pad + i as f32 * (width + gap);
            let tr = s.add(Role::TR, table);
            items.push(Item::Mark(Mark::Content(s.add(Role::TH(Scope::Row), tr))));
            let td = s.add(Role::TD, tr);
            items.push(Item::Text {
                x,
                y: y + 8.0,
                size: label_size,
                style: FontStyle::Bold,
                color: MUTED,
                text: label.to_uppercase().into(),
            });
            let shown = if value.is_empty() {
                "—"
            } else {
                value.as_str()
            };
            let lines = wrap_with(
                &[Span::new(shown, FontStyle::Regular)],
                m,
                value_size,
                width,
                false,
            );
            let top = y + 12.0;
            let field = name.filter(|_| editable.contains(key));
            items.push(Item::Mark(Mark::Content(td)));
            // A value is page text (extractors read it); a field over it shows it too,
            // its appearance covering the page text. An empty field's dash is only shown.
            if field.is_none() || !value.is_empty() {
                for (k, line) in lines.iter().enumerate() {
                    items.extend(line_items(
                        line,
                        x,
                        top + k as f32 * value_leading + baseline(value_size, value_leading),
                        value_size,
                        INK,
                    ));
                }
            }
            if let Some(name) = field {
                items.push(Item::Mark(Mark::Content(s.add(Role::Form, td))));
                items.push(Item::Field {
                    name: format!("{name}.{key}").into(),
                    tooltip: tooltip::clean(label).into(),
                    kind: text_field(
                        lines.len() > 1,
                        value,
                        lines.iter().map(Line::text).collect(),
                        value_size,
                        value_leading,
                        baseline(value_size, value_leading),
                        Some(TINT),
                    ),
                    x,
                    y: top,
                    w: width,
                    h: lines.len() as f32 * value_leading,
                });
            }
            row_height = row_height.max(12.0 + lines.len() as f32 * value_leading);
        }
        y += row_height + 8.0;
    }
    let height = y - 8.0 + pad;
    // A tinted box with an accent rule along its top, behind the fields.
    backdrop(&mut items, height, TINT, (CONTENT_WIDTH, 2.0));
    items.insert(0, Item::Mark(Mark::Artifact));
    // The rows name the leader, their unit and the date: what follows them on the page
    // goes on in a stream of its own.
    items.push(Item::Cut);
    Fragment {
        height,
        space_before: 8.0,
        keep_with_next: false,
        page_break: false,
        bookmark: None,
        items,
    }
}

/// Puts a full-width box of `fill`, `height` high, behind `items`, with an accent bar of
/// `bar` (width, height) at its top-left corner.
fn backdrop(items: &mut Vec<Item>, height: f32, fill: Color, bar: (f32, f32)) {
    let rect = |w, h, fill| Item::Rect {
        x: MARGIN_LEFT,
        y: 0.0,
        w,
        h,
        fill: Some(fill),
        stroke: None,
    };
    items.splice(
        0..0,
        [
            rect(CONTENT_WIDTH, height, fill),
            rect(bar.0, bar.1, ACCENT),
        ],
    );
}

/// The principles as circles around the core task, highlighted ones filled.
fn figure(center: &str, principles: &[(String, bool)], m: &dyn Measure) -> Fragment {
    let (r_center, r_item, distance) = (42.0, 38.0, 84.0);
    let height = 2.0 * (distance + r_item) + 8.0;
    let cx = MARGIN_LEFT + CONTENT_WIDTH / 2.0;
    let cy = height / 2.0 + 4.0;
    let n = principles.len() as f32;
    let mut items = Vec::new();
    let positions: Vec<(f32, f32)> = (0..principles.len())
        .map(|i| {
            let angle = -std::f32::consts::FRAC_PI_2 + i as f32 * std::f32::consts::TAU / n;
            (cx + distance * angle.cos(), cy + distance * angle.sin())
        })
        .collect();
    for &(x, y) in &positions {
        items.push(Item::Line {
            x1: cx,
            y1: cy,
            x2: x,
            y2: y,
            stroke: Stroke {
                width: 1.0,
                color: RULE,
            },
        });
    }
    items.push(circle(
        cx,
        cy,
        r_center,
        Some(WHITE),
        Some(Stroke {
            width: 1.4,
            color: ACCENT,
        }),
    ));
    items.extend(centered_text(
        center,
        cx,
        cy,
        2.0 * r_center - 6.0,
        9.0,
        FontStyle::Bold,
        INK,
        m,
    ));
    for ((name, highlighted), &(x, y)) in principles.iter().zip(&positions) {
        let (fill, stroke, color, style) = if *highlighted {
            (ACCENT, None, WHITE, FontStyle::Bold)
        } else {
            (
                ACCENT_LIGHT,
                Some(Stroke {
                    width: 0.8,
                    color: ACCENT,
                }),
                ACCENT,
                FontStyle::Regular,
            )
        };
        items.push(circle(x, y, r_item, Some(fill), stroke));
        items.extend(centered_text(
            name,
            x,
            y,
            2.0 * r_item - 6.0,
            8.2,
            style,
            color,
            m,
        ));
    }
    Fragment {
        height,
        space_before: 10.0,
        keep_with_next: false,
        page_break: false,
        bookmark: None,
        items,
    }
}

/// A circle as four cubic Béziers (the usual 0.5523 handle length).
fn circle(cx: f32, cy: f32, r: f32, fill: Option<Color>, stroke: Option<Stroke>) -> Item {
    let k = 0.552_284_8 * r;
    let segments = vec![
        Segment::MoveTo(cx + r, cy),
        Segment::CubicTo([cx + r, cy + k, cx + k, cy + r, cx, cy + r]),
        Segment::CubicTo([cx - k, cy + r, cx - r, cy + k, cx - r, cy]),
        Segment::CubicTo([cx - r, cy - k, cx - k, cy - r, cx, cy - r]),
        Segment::CubicTo([cx + k, cy - r, cx + r, cy - k, cx + r, cy]),
    ];
    Item::Path {
        segments,
        closed: true,
        fill,
        stroke,
    }
}

/// Text wrapped to `width` and centred on (`cx`, `cy`), line by line.
#[allow(clippy::too_many_arguments)]
fn centered_text(
    text: &str,
    cx: f32,
    cy: f32,
    width: f32,
    size: f32,
    style: FontStyle,
    color: Color,
    m: &dyn Measure,
) -> Vec<Item> {
    let leading = size * 1.25;
    let lines = wrap_with(&[Span::new(text, style)], m, size, width, false);
    let top = cy - lines.len() as f32 * leading / 2.0;
    lines
        .iter()
        .enumerate()
        .flat_map(|(i, line)| {
            let x = cx - line.width / 2.0;
            line_items(
                line,
                x,
                top + i as f32 * leading + baseline(size, leading),
                size,
                color,
            )
            .collect::<Vec<_>>()
        })
        .collect()
}
