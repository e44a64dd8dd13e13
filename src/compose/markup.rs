//! Parses the guide's markup — the Markdown-like text the templates render — into
//! [`Block`]s with `pulldown-cmark`.
//!
//! Besides headings, paragraphs, lists, block quotes and emphasis, a fenced code block
//! is a *block directive*; its info string names it:
//!
//! | directive | arguments | body |
//! |---|---|---|
//! | `answer` | `lines=N` | — |
//! | `scale` | `min=1 max=5` | one rater label per line |
//! | `table` | `rows=N` | header cells `a \| b \| c`, optionally a second line of relative widths, then printed rows `> a \| b \| c` (a table with printed rows has no empty rows unless `rows=N` asks) |
//! | `choice` | — | `label: text` first, then one option per line: `key \| label` |
//! | `signatures` | — | one party per line: `role \| printed name` |
//! | `fields` | — | one `label: value` per line |
//! | `figure` | `alt="text"` (optional; or in single quotes) | `center: text`, then one principle per line, `*` before a highlighted one |
//! | `pagebreak` | — | — |
//!
//! `answer`, `scale`, `table` and `choice` take a `tooltip:` line in their body: what a
//! screen reader calls their fields (see [`crate::layout::tooltip`]); `scale` fills `{rater}`,
//! `{min}` and `{max}`, `table` fills `{row}` and `{column}`.
//!
//! Values the templates insert are Markdown-escaped (see [`escape`]); directive bodies
//! are taken literally, so the parser undoes that escaping there.

use std::collections::BTreeMap;

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

use crate::base::fonts::FontStyle;
use crate::base::memo::{Repeated, Weight};
use crate::compose::error::{Error, Result};
use crate::layout::blocks::{Block, ListItem, Party, Span};
use crate::layout::tooltip::Tooltip;

/// Escapes text so Markdown shows it as written: every ASCII punctuation character that
/// could start markup gets a backslash (CommonMark allows escaping any of them), and line
/// breaks become spaces, so a value cannot start a heading, list or directive.
pub fn escape(text: &str) -> String {
    // Leading white space would make a value an indented code block.
    let text = text.trim();
    let mut out = String::with_capacity(text.len() + 8);
    // What needs escaping is ASCII, and no byte of a longer UTF-8 sequence is: the text
    // between is copied a run at a time (every paragraph of a guide passes through here).
    let mut run = 0;
    for (i, byte) in text.bytes().enumerate() {
        match byte {
            b'\\' | b'`' | b'*' | b'_' | b'{' | b'}' | b'[' | b']' | b'(' | b')' | b'#' | b'+'
            | b'-' | b'.' | b'!' | b'|' | b'<' | b'>' | b'~' | b'&' | b'"' | b'\'' | b':'
            | b'=' => {
                out.push_str(&text[run..i]);
                out.push('\\');
                out.push(byte as char);
            }
            b'\n' | b'\r' | b'\t' => {
                out.push_str(&text[run..i]);
                out.push(' ');
            }
            _ => continue,
        }
        run = i + 1;
    }
    out.push_str(&text[run..]);
    out
}

/// Splits `line` at `separator` where it is not escaped; the parts stay escaped.
fn split_unescaped(line: &str, separator: char, limit: usize) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == separator && parts.len() + 1 < limit {
            parts.push(&line[start..i]);
            start = i + c.len_utf8();
        }
    }
    parts.push(&line[start..]);
    parts
}

/// The cells of a directive line: split at unescaped `separator`, then unescaped, so a
/// value containing the separator stays one cell.
fn cells(line: &str, separator: char, limit: usize) -> Vec<String> {
    split_unescaped(line, separator, limit)
        .into_iter()
        .map(|c| unescape(c.trim()))
        .collect()
}

/// Undoes [`escape`] inside directive bodies, where Markdown does not.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(&next) = chars.peek() {
                if next.is_ascii_punctuation() {
                    out.push(next);
                    chars.next();
                    continue;
                }
            }
        }
        out.push(c);
    }
    out
}

/// Parses rendered markup into blocks.
///
/// Markup that [`sections`] can cut at its top-level headings is parsed a section at a
/// time, and a section met before (a principle's expectations, in every guide of a
/// batch that has it in focus) is taken from a memo instead of parsed again: the same
/// blocks, as the whole would have given them.
pub fn parse(markup: &str) -> Result<Vec<Block>> {
    /// 4 MB: the sections of a few dozen combinations.
    static PARSED: Repeated<Parsed> = Repeated::new(4 << 20);
    let Some(starts) = sections(markup) else {
        return parse_range(markup, 0..markup.len());
    };
    let mut blocks = Vec::new();
    let ends = starts.iter().skip(1).copied().chain([markup.len()]);
    for (start, end) in starts.iter().copied().zip(ends) {
        let section = &markup[start..end];
        let parsed = PARSED.get_or_make(&[section.as_bytes()], || {
            parse_range(markup, start..end).map(|blocks| Parsed {
                weight: section.len() * 4 + blocks.len() * std::mem::size_of::<Block>(),
                blocks,
            })
        })?;
        blocks.extend(parsed.blocks.iter().cloned());
    }
    Ok(blocks)
}

/// `markup` parsed whole, as [`parse`] must give it.
#[cfg(test)]
pub fn parse_whole(markup: &str) -> Result<Vec<Block>> {
    parse_range(markup, 0..markup.len())
}

/// A section's blocks, and about what they take in memory.
struct Parsed {
    blocks: Vec<Block>,
    weight: usize,
}

impl Weight for Parsed {
    fn weight(&self) -> usize {
        self.weight
    }
}

/// Where `markup`'s sections start: at 0 and at every line that is a top-level ATX
/// heading (`#` to `######` at the margin, then a space, a tab or the line's end) outside
/// a fenced block. Each section then parses to the blocks the whole gives for it: such a
/// heading closes every open paragraph, list and block quote (it is neither indented nor
/// a lazy continuation), and a block is parsed from its own lines only.
///
/// `None` where that is not certain, and the markup is parsed whole: a line that could
/// start an HTML block (its first character `<`), which can run past a heading; a link
/// reference definition (`]:`), which counts in the whole document; a fence (three
/// backticks or tildes) anywhere but at the margin, where telling whether it opens, closes
/// or is inside a list or quote would need the whole parse. Inserted values are escaped
/// ([`escape`]), so they never cause any of these.
pub(crate) fn sections(markup: &str) -> Option<Vec<usize>> {
    let bytes = markup.as_bytes();
    if memchr::memmem::find(bytes, b"]:").is_some() {
        return None;
    }
    let mut starts = vec![0];
    // The open fence's character and length.
    let mut fence: Option<(u8, usize)> = None;
    let mut start = 0;
    while start < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i + 1);
        let line = &bytes[start..end];
        let line = line.strip_suffix(b"\n").unwrap_or(line);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let at = start;
        start = end;
        if line.trim_ascii_start().first() == Some(&b'<') {
            return None;
        }
        // Where a run of three backticks or tildes starts, if the line has one.
        let marked = memchr::memchr2(b'`', b'~', line).and_then(|_| {
            memchr::memmem::find(line, b"```").or_else(|| memchr::memmem::find(line, b"~~~"))
        });
        match (marked, fence) {
            (Some(0), Some((c, n))) => {
                let run = line.iter().take_while(|&&b| b == c).count();
                if run >= n && line[run..].trim_ascii().is_empty() {
                    fence = None;
                }
            }
            (Some(0), None) => {
                let c = line[0];
                let run = line.iter().take_while(|&&b| b == c).count();
                // A backtick fence's info string has no backtick (else it is code text).
                if c == b'~' || !line[run..].contains(&b'`') {
                    fence = Some((c, run));
                }
            }
            (Some(_), _) => return None,
            (None, Some(_)) => {}
            (None, None) => {
                let hashes = line.iter().take_while(|&&b| b == b'#').count();
                let after = line.get(hashes);
                if (1..=6).contains(&hashes) && matches!(after, None | Some(b' ' | b'\t')) && at > 0
                {
                    starts.push(at);
                }
            }
        }
    }
    Some(starts)
}

/// Parses `markup[range]`, which ends where a block does; an error names the line of
/// the whole `markup`.
fn parse_range(markup: &str, range: std::ops::Range<usize>) -> Result<Vec<Block>> {
    let mut p = BlockParser::default();
    let offset = range.start;
    let parser = Parser::new_ext(&markup[range], Options::empty()).into_offset_iter();
    for (event, range) in parser {
        p.event(event).map_err(|message| {
            let line = line_of(markup, offset + range.start);
            let text = markup.lines().nth(line - 1).unwrap_or_default().trim();
            Error::Markup {
                message: format!("line {line} ('{text}'): {message}"),
            }
        })?;
    }
    Ok(p.blocks)
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

#[derive(Default)]
struct BlockParser {
    blocks: Vec<Block>,
    spans: Vec<Span>,
    bold: u32,
    italic: u32,
    /// Open lists: (start, items so far).
    lists: Vec<(Option<u64>, Vec<ListItem>)>,
    quote: Option<Vec<Vec<Span>>>,
    code: Option<(String, String)>,
}

impl BlockParser {
    fn style(&self) -> FontStyle {
        if self.bold > 0 {
            FontStyle::Bold
        } else if self.italic > 0 {
            FontStyle::Italic
        } else {
            FontStyle::Regular
        }
    }

    fn push_text(&mut self, text: &str) {
        let style = self.style();
        match self.spans.last_mut() {
            Some(last) if last.style == style && last.text != "\n" => last.text.push_str(text),
            _ => self.spans.push(Span::new(text, style)),
        }
    }

    fn take_spans(&mut self) -> Vec<Span> {
        let mut spans = std::mem::take(&mut self.spans);
        // Leading and trailing white space would only push text off its grid.
        if let Some(first) = spans.first_mut() {
            first.text = first.text.trim_start().to_string();
        }
        if let Some(last) = spans.last_mut() {
            last.text = last.text.trim_end().to_string();
        }
        spans.retain(|s| !s.text.is_empty());
        spans
    }

    /// Ends a list item's text, if one is being collected.
    fn flush_item(&mut self) {
        if self.spans.is_empty() {
            return;
        }
        let spans = self.take_spans();
        if let Some((_, items)) = self.lists.last_mut() {
            items.push(ListItem { spans });
        }
    }

    fn event(&mut self, event: Event<'_>) -> std::result::Result<(), String> {
        match event {
            Event::Start(Tag::Emphasis) => self.italic += 1,
            Event::End(TagEnd::Emphasis) => self.italic -= 1,
            Event::Start(Tag::Strong) => self.bold += 1,
            Event::End(TagEnd::Strong) => self.bold -= 1,
            Event::Start(Tag::Heading { .. }) | Event::Start(Tag::Paragraph) => {}
            Event::End(TagEnd::Heading(level)) => {
                let spans = self.take_spans();
                self.blocks.push(Block::Heading {
                    level: level as u8,
                    spans,
                });
            }
            Event::End(TagEnd::Paragraph) => {
                if !self.lists.is_empty() {
                    // A paragraph inside a (loose) list item ends with the item.
                    self.push_text(" ");
                } else if let Some(quote) = &mut self.quote {
                    let spans = std::mem::take(&mut self.spans);
                    quote.push(spans);
                } else {
                    let spans = self.take_spans();
                    if !spans.is_empty() {
                        self.blocks.push(Block::Paragraph { spans });
                    }
                }
            }
            Event::Start(Tag::List(start)) => {
                self.flush_item();
                self.lists.push((start, Vec::new()));
            }
            Event::End(TagEnd::List(_)) => {
                self.flush_item();
                let (start, items) = self.lists.pop().expect("balanced lists");
                let depth = self.lists.len() as u8;
                self.blocks.push(Block::List {
                    start,
                    depth,
                    items,
                });
            }
            Event::Start(Tag::Item) => {}
            Event::End(TagEnd::Item) => self.flush_item(),
            Event::Start(Tag::BlockQuote(_)) => self.quote = Some(Vec::new()),
            Event::End(TagEnd::BlockQuote(_)) => {
                let paragraphs = self.quote.take().unwrap_or_default();
                self.blocks.push(Block::Callout { paragraphs });
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let info = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => {
                        return Err("indented text is a code block; remove the indentation".into())
                    }
                };
                self.code = Some((info, String::new()));
            }
            Event::End(TagEnd::CodeBlock) => {
                let (info, body) = self.code.take().unwrap_or_default();
                self.blocks.push(directive(&info, &body)?);
            }
            Event::Text(text) => match &mut self.code {
                Some((_, body)) => body.push_str(&text),
                None => self.push_text(&text),
            },
            Event::Code(text) | Event::Html(text) | Event::InlineHtml(text) => {
                self.push_text(&text)
            }
            Event::SoftBreak => self.push_text(" "),
            Event::HardBreak => self.spans.push(Span::new("\n", FontStyle::Regular)),
            Event::Rule => self.blocks.push(Block::Rule),
            // Links, images and the like show their text only: a printed guide has no use
            // for targets.
            _ => {}
        }
        Ok(())
    }
}

const DIRECTIVES: &str = "answer, scale, table, choice, signatures, fields, figure, pagebreak";

/// The words of a directive's info string: split at white space, except inside double
/// or single quotes (`alt="Tre cirkler"`, `alt='Om "kerneopgaven"'`), which are dropped.
/// (CommonMark has already undone backslash escapes in an info string.)
fn words(info: &str) -> std::result::Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quote: Option<char> = None;
    let mut started = false;
    for c in info.chars() {
        match (c, quote) {
            ('"' | '\'', None) => {
                quote = Some(c);
                started = true;
            }
            (c, Some(q)) if c == q => quote = None,
            (c, None) if c.is_whitespace() => {
                if started {
                    words.push(std::mem::take(&mut word));
                    started = false;
                }
            }
            (c, _) => {
                word.push(c);
                started = true;
            }
        }
    }
    if quote.is_some() {
        return Err(format!("'{}': a quote is not closed", info.trim()));
    }
    if started {
        words.push(word);
    }
    Ok(words)
}

/// A block directive as a [`Block`]; an error says what is wrong with it.
fn directive(info: &str, body: &str) -> std::result::Result<Block, String> {
    let d = Directive::parse(info, body)?;
    let field_name = d.field_name()?;
    match d.name.as_str() {
        "answer" => Ok(Block::Answer {
            lines: d.number("lines", 3, 40)?,
            name: field_name,
            tooltip: d.tooltip(&[])?,
        }),
        "scale" => d.scale(field_name),
        "table" => d.table(field_name),
        "choice" => d.choice(field_name),
        "signatures" => Ok(d.signatures(field_name)),
        "fields" => d.fields(field_name),
        "figure" => d.figure(),
        "pagebreak" => Ok(Block::PageBreak),
        other => Err(format!(
            "unknown block directive '{other}'; the directives are: {DIRECTIVES}"
        )),
    }
}

/// A directive's parts: its name, its `key=value` arguments, and the lines of its body
/// (still escaped) apart from the `tooltip:` line.
struct Directive<'b> {
    name: String,
    args: BTreeMap<String, String>,
    lines: Vec<&'b str>,
    /// A `tooltip:` line names the directive's fields for screen readers (any position).
    tooltip_line: Option<String>,
}

impl<'b> Directive<'b> {
    fn parse(info: &str, body: &'b str) -> std::result::Result<Directive<'b>, String> {
        let mut words = words(info)?.into_iter();
        let name = words.next().unwrap_or_default();
        let mut args = BTreeMap::new();
        for word in words {
            let (key, value) = word.split_once('=').ok_or_else(|| {
                format!("'{name}': argument '{word}' is not of the form key=value")
            })?;
            args.insert(key.to_string(), value.to_string());
        }
        // Lines stay escaped until they are split, so a value cannot add a cell or a marker.
        let mut lines: Vec<&str> = body
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let tooltip_line = lines
            .iter()
            .position(|l| l.starts_with("tooltip:"))
            .map(|i| lines.remove(i)["tooltip:".len()..].to_string());
        Ok(Directive {
            name,
            args,
            lines,
            tooltip_line,
        })
    }

    /// The tooltip, its `slots` checked.
    fn tooltip(&self, slots: &[&str]) -> std::result::Result<Option<Tooltip>, String> {
        self.tooltip_line
            .as_deref()
            .map(|t| Tooltip::parse(t, slots).map_err(|e| format!("'{}': {e}", self.name)))
            .transpose()
    }

    /// The whole number argument `key`, from 1 to `max`; `default` if it is not given.
    fn number(&self, key: &str, default: u32, max: u32) -> std::result::Result<u32, String> {
        match self.args.get(key) {
            None => Ok(default),
            Some(v) => v
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=max).contains(n))
                .ok_or_else(|| {
                    format!(
                        "'{}': {key}={v} is not a whole number from 1 to {max}",
                        self.name
                    )
                }),
        }
    }

    /// The `name=` argument: a field name, dot-separated parts of a-z, 0-9 and '-'.
    fn field_name(&self) -> std::result::Result<Option<String>, String> {
        self.args
            .get("name")
            .map(|n| {
                let valid = !n.is_empty()
                    && n.split('.').all(|part| {
                        !part.is_empty() && part.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                    });
                if valid {
                    Ok(n.to_string())
                } else {
                    Err(format!("'{}': name={n} is not a field name (dot-separated parts of a-z, 0-9 and '-')", self.name))
                }
            })
            .transpose()
    }

    fn scale(&self, field_name: Option<String>) -> std::result::Result<Block, String> {
        let min = self.number("min", 1, 10)? as u8;
        let max = self.number("max", 5, 10)? as u8;
        if min >= max {
            return Err(format!("'scale': min={min} must be less than max={max}"));
        }
        if self.lines.is_empty() {
            return Err("'scale' needs one rater label per line, e.g. 'Din vurdering'".into());
        }
        Ok(Block::Scale {
            min,
            max,
            raters: self.lines.iter().map(|l| keyed(l)).collect(),
            name: field_name,
            tooltip: self.tooltip(&["rater", "min", "max"])?,
        })
    }

    fn table(&self, field_name: Option<String>) -> std::result::Result<Block, String> {
        // Printed rows are marked with '>', which a value cannot start a line with
        // (it is escaped), so a value never adds a row.
        let (printed, lines): (Vec<&str>, Vec<&str>) =
            self.lines.iter().partition(|l| l.starts_with('>'));
        let cells: Vec<Vec<String>> = printed.iter().map(|l| split(l[1..].trim())).collect();
        let columns: Vec<(String, String)> = lines
            .first()
            .map(|l| {
                split(l)
                    .into_iter()
                    .map(|c| (crate::base::text::slug(&c), c))
                    .collect()
            })
            .ok_or("'table' needs a header line, e.g. 'Mål | Handling | Frist'")?;
        let widths = match lines.get(1) {
            Some(line) => split(line)
                .iter()
                .map(|w| w.parse::<f32>().ok().filter(|w| *w > 0.0))
                .collect::<Option<Vec<f32>>>()
                .filter(|w| w.len() == columns.len())
                .ok_or_else(|| {
                    format!("'table': the widths line '{line}' must give one positive number per column ({})", columns.len())
                })?,
            None => vec![1.0; columns.len()],
        };
        if let Some(row) = cells.iter().find(|r| r.len() > columns.len()) {
            return Err(format!(
                "'table': the printed row '{}' has {} cells; the table has {} columns",
                row.join(" | "),
                row.len(),
                columns.len()
            ));
        }
        let rows = if cells.is_empty() || self.args.contains_key("rows") {
            self.number("rows", 5, 40)?
        } else {
            0
        };
        Ok(Block::Table {
            columns,
            widths,
            cells,
            rows,
            name: field_name,
            tooltip: self.tooltip(&["row", "column"])?,
        })
    }

    fn choice(&self, field_name: Option<String>) -> std::result::Result<Block, String> {
        let (label, options) = match self.lines.split_first() {
            Some((first, rest)) if first.starts_with("label:") => {
                (unescape(first["label:".len()..].trim()), rest)
            }
            _ => (String::new(), self.lines.as_slice()),
        };
        if options.len() < 2 {
            return Err("'choice' needs at least two options, one per line: 'key | label'".into());
        }
        Ok(Block::Choice {
            label,
            options: options.iter().map(|l| keyed(l)).collect(),
            name: field_name,
            tooltip: self.tooltip(&[])?,
        })
    }

    fn signatures(&self, field_name: Option<String>) -> Block {
        Block::Signatures {
            // "key | role | printed name", or "role | printed name" with the role's slug as key.
            parties: self
                .lines
                .iter()
                .map(|l| {
                    let cells = split(l);
                    let (key, role, name) = match cells.as_slice() {
                        [key, role, name, ..] => (key.clone(), role.clone(), name.clone()),
                        [role, name] => (role.clone(), role.clone(), name.clone()),
                        [role] => (role.clone(), role.clone(), String::new()),
                        [] => Default::default(),
                    };
                    Party {
                        key: crate::base::text::slug(&key),
                        role,
                        name,
                    }
                })
                .collect(),
            name: field_name,
            form: true,
        }
    }

    fn fields(&self, field_name: Option<String>) -> std::result::Result<Block, String> {
        Ok(Block::Fields {
            rows: self
                .lines
                .iter()
                .map(|l| match cells(l, ':', 2).as_slice() {
                    [k, v] => Ok((crate::base::text::slug(k), k.clone(), v.clone())),
                    _ => Err(format!(
                        "'fields': the line '{l}' is not of the form 'label: value'"
                    )),
                })
                .collect::<std::result::Result<_, _>>()?,
            name: field_name,
            editable: self
                .args
                .get("editable")
                .map(|e| e.split(',').map(str::to_string).collect())
                .unwrap_or_default(),
        })
    }

    fn figure(&self) -> std::result::Result<Block, String> {
        let mut center = String::new();
        let mut items = Vec::new();
        for line in &self.lines {
            if let Some(c) = line.strip_prefix("center:") {
                center = unescape(c.trim());
            } else if let Some(item) = line.strip_prefix('*') {
                items.push((unescape(item.trim()), true));
            } else {
                items.push((unescape(line), false));
            }
        }
        if items.is_empty() {
            return Err("'figure' needs one principle per line".into());
        }
        // The figure's description for those who cannot see it, if the default
        // (centre, principles, highlighted ones) does not say what it shows.
        let alt = match self.args.get("alt") {
            Some(alt) if alt.trim().is_empty() => {
                return Err("'figure': alt=\"\" would leave the figure undescribed".into())
            }
            alt => alt.map(|a| a.trim().to_string()),
        };
        Ok(Block::Figure { center, items, alt })
    }
}

/// The cells of a directive's line, split at `|`.
fn split(line: &str) -> Vec<String> {
    cells(line, '|', usize::MAX)
}

/// "key | label", or a label alone, whose key is its slug.
fn keyed(line: &str) -> (String, String) {
    match split(line).as_slice() {
        [key, label, ..] => (crate::base::text::slug(key), label.clone()),
        [label] => (crate::base::text::slug(label), label.clone()),
        [] => (String::new(), String::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(spans: &[Span]) -> String {
        spans.iter().map(|s| s.text.as_str()).collect()
    }

    /// `markup` parsed by sections, three times (made, made and kept, taken from the
    /// memo), is what it is parsed whole, blocks or error alike; returns its sections.
    fn parses_as_whole(markup: &str) -> Option<Vec<usize>> {
        let whole = parse_whole(markup).map_err(|e| e.to_string());
        for _ in 0..3 {
            assert_eq!(parse(markup).map_err(|e| e.to_string()), whole, "{markup}");
        }
        sections(markup)
    }

    #[test]
    fn markup_cut_at_its_headings_parses_to_what_the_whole_gives() {
        // Cut, each part closed by the heading after it.
        let cut = [
            "# A\n\n- one\n- two\n\n  more of two\n# B\ntext\n## C\n> quoted\nlazy line\n### D\n",
            "Intro *open\n# A *closed?\n1. one\n2. two\n#\n#\tTab\n## B ##\nSetext\n===\n# C\n",
            "```fields\nLeder: Åse\n# not a heading\n```\n# A\n````\n```\n# still code\n````\n# B\n~~~answer\n```\n# code\n~~~\n# C\nend\n",
            "# A\r\n\r\npara\r\n# B\r\n```answer lines=2\r\n```\r\n# C\r\n",
            // Not a fence (a backtick in the info string) and not headings.
            "```a`b\n# A\n#hashtag\n####### seven\n \\# escaped\n",
            // A fence never closed runs to the end.
            "Intro\n# A\n```answer\n# B\n",
            // An error in a later section names the line of the whole.
            "# A\n\ntext\n\n## B\n\n```scael\n```\n",
            "Intro\n# A\n\n```answer name=Spm.1\n```\n",
        ];
        for markup in cut {
            let starts = parses_as_whole(markup).expect(markup);
            assert!(starts.len() > 1, "{markup}: {starts:?}");
        }
        // Parsed whole: what a heading might not close, or what counts in the whole.
        let whole = [
            "- item\n  ```\n# A\n  ```\n# B\n",
            "> ```\n# A\n> ```\n# B\n",
            "<!--\n# A\n-->\n# B\n",
            "  <div>\n# A\n</div>\n",
            "[x][r]\n# A\n[r]: https://example.org\n",
            "# A\n ```\n# B\n ```\n",
        ];
        for markup in whole {
            assert_eq!(parses_as_whole(markup), None, "{markup}");
        }
        let err = parse("# A\n\ntext\n\n## B\n\n```scael\n```\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 7 ('```scael')"), "{err}");
    }

    #[test]
    fn escape_backslashes_markup_and_flattens_line_breaks_in_any_alphabet() {
        assert_eq!(
            escape("  Łukasz *Ø*\tÅ_1.\r\n„Ж“ 👩🏽‍💼 a=b:c|d ~e  "),
            "Łukasz \\*Ø\\* Å\\_1\\.  „Ж“ 👩🏽‍💼 a\\=b\\:c\\|d \\~e"
        );
        assert_eq!(escape("Øst"), "Øst");
        assert_eq!(escape("-"), "\\-");
        assert_eq!(escape(""), "");
    }

    #[test]
    fn escaped_values_read_back_literally() {
        let name = "*Ane* [1] #2 - Øster_Ågård \\ 3. <b>";
        let blocks = parse(&format!("Navn: {}\n", escape(name))).unwrap();
        match &blocks[..] {
            [Block::Paragraph { spans }] => assert_eq!(text(spans), format!("Navn: {name}")),
            other => panic!("{other:?}"),
        }
        let blocks = parse(&format!("```fields\nNavn: {}\n```\n", escape(name))).unwrap();
        assert_eq!(
            blocks,
            vec![Block::Fields {
                rows: vec![("navn".into(), "Navn".into(), name.into())],
                name: None,
                editable: vec![]
            }]
        );
    }

    #[test]
    fn styles_and_lists() {
        let blocks = parse("# Titel\n\n**Dialog** er *vigtig*.\n\n1. en\n2. to\n").unwrap();
        assert_eq!(blocks.len(), 3);
        match &blocks[1] {
            Block::Paragraph { spans } => {
                assert_eq!(spans[0], Span::new("Dialog", FontStyle::Bold));
                assert_eq!(spans[2], Span::new("vigtig", FontStyle::Italic));
            }
            other => panic!("{other:?}"),
        }
        match &blocks[2] {
            Block::List {
                start: Some(1),
                items,
                ..
            } => assert_eq!(text(&items[1].spans), "to"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn printed_table_rows_and_choices() {
        let value = escape("> » 1 | 2 « \\");
        let blocks = parse(&format!(
            "```table\nMål | Frist\n3 | 1\n> {value} | 1. juni\n> b\n```\n\n```choice name=o.plan.1.status\nlabel: Status\nnaaet | nået\nikke-naaet | ikke nået\n```\n"
        ))
        .unwrap();
        match &blocks[0] {
            Block::Table {
                cells, rows, name, ..
            } => {
                assert_eq!(
                    cells,
                    &vec![
                        vec!["> » 1 | 2 « \\".to_string(), "1. juni".to_string()],
                        vec!["b".to_string()]
                    ]
                );
                assert_eq!((*rows, name), (0, &None));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            blocks[1],
            Block::Choice {
                label: "Status".into(),
                options: vec![
                    ("naaet".into(), "nået".into()),
                    ("ikke-naaet".into(), "ikke nået".into())
                ],
                name: Some("o.plan.1.status".into()),
                tooltip: None,
            }
        );
        let error = parse("```table\na | b\n> 1 | 2 | 3\n```\n").unwrap_err();
        assert!(error
            .to_string()
            .contains("has 3 cells; the table has 2 columns"));
    }

    #[test]
    fn directives_parse_and_bad_ones_are_located() {
        let blocks = parse(
            "```answer lines=4 name=saet-retning.spm1\n```\n\n```scale name=x.forventning1\nleder | Dig\nLederens vurdering\n```\n",
        )
        .unwrap();
        assert_eq!(
            blocks[0],
            Block::Answer {
                lines: 4,
                name: Some("saet-retning.spm1".into()),
                tooltip: None,
            }
        );
        assert_eq!(
            blocks[1],
            Block::Scale {
                min: 1,
                max: 5,
                raters: vec![
                    ("leder".into(), "Dig".into()),
                    ("lederens-vurdering".into(), "Lederens vurdering".into())
                ],
                name: Some("x.forventning1".into()),
                tooltip: None,
            }
        );
        let err = parse("```answer name=Spm.1\n```\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.ends_with(
                "name=Spm.1 is not a field name (dot-separated parts of a-z, 0-9 and '-')"
            ),
            "{err}"
        );
        let err = parse("Tekst\n\n```scael\n```\n").unwrap_err().to_string();
        assert_eq!(
            err,
            "the guide's markup: line 3 ('```scael'): unknown block directive 'scael'; the directives are: \
             answer, scale, table, choice, signatures, fields, figure, pagebreak"
        );
    }

    #[test]
    fn a_tooltip_line_names_fields_and_is_no_rater_or_header() {
        let blocks = parse(&format!(
            "```scale name=x.forventning1\nleder | Din vurdering\ntooltip: {{rater}} af {}, {{min}} til {{max}}\n```\n",
            escape("{row} | 1. mål")
        ))
        .unwrap();
        let Block::Scale {
            raters, tooltip, ..
        } = &blocks[0]
        else {
            panic!("{blocks:?}");
        };
        assert_eq!(raters, &vec![("leder".into(), "Din vurdering".into())]);
        let filled = tooltip
            .as_ref()
            .unwrap()
            .fill(|slot| Some(slot.to_uppercase()));
        assert_eq!(filled, "RATER af {row} | 1. mål, MIN til MAX");
        let err = parse("```table name=plan\ntooltip: Plan {rækk}\nMål | Frist\n```\n")
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "the guide's markup: line 1 ('```table name=plan'): 'table': tooltip: '{rækk}' is \
             not a slot; valid slots: {row}, {column}"
        );
    }

    #[test]
    fn a_value_cannot_add_cells_or_markers_to_a_directive() {
        let name = "Ane | B: c";
        let markup = format!(
            "```signatures\nLeder | {}\n```\n\n```fields\nNavn: {}\n```\n\n```figure\ncenter: {}\n{}\n* {}\n```\n",
            escape(name),
            escape(name),
            escape("Kerne"),
            escape("* Stjerne"),
            escape("center: X")
        );
        let blocks = parse(&markup).unwrap();
        assert_eq!(
            blocks[0],
            Block::Signatures {
                parties: vec![Party {
                    key: "leder".into(),
                    role: "Leder".into(),
                    name: name.into()
                }],
                name: None,
                form: true,
            }
        );
        assert_eq!(
            blocks[1],
            Block::Fields {
                rows: vec![("navn".into(), "Navn".into(), name.into())],
                name: None,
                editable: vec![]
            }
        );
        assert_eq!(
            blocks[2],
            Block::Figure {
                center: "Kerne".into(),
                items: vec![("* Stjerne".into(), false), ("center: X".into(), true)],
                alt: None,
            }
        );
    }

    #[test]
    fn a_figure_takes_an_alt_text_in_quotes() {
        let figure = |info: &str| parse(&format!("```figure {info}\ncenter: K\nA\n```\n"));
        let alt = |info: &str| match &figure(info).unwrap()[0] {
            Block::Figure { alt, .. } => alt.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(alt(""), None);
        assert_eq!(alt("alt=\"Tre  cirkler\""), Some("Tre  cirkler".into()));
        assert_eq!(
            alt("alt='Om \"kerneopgaven\"'"),
            Some("Om \"kerneopgaven\"".into())
        );
        let err = figure("alt=\"Tre").unwrap_err().to_string();
        assert!(
            err.ends_with("'figure alt=\"Tre': a quote is not closed"),
            "{err}"
        );
        let err = figure("alt=\" \"").unwrap_err().to_string();
        assert!(err.ends_with("would leave the figure undescribed"), "{err}");
    }
}
