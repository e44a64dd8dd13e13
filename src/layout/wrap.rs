//! Line breaking: styled spans → lines of positioned runs, first fit, with Danish
//! hyphenation (`hypher`) where a long compound would otherwise leave a ragged gap or
//! run past the margin.

use crate::base::memo::Memo;
use crate::layout::blocks::Span;
use crate::layout::{FontStyle, Measure};

/// A piece of a line in one style, `x` from the line's left edge.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub x: f32,
    pub text: String,
    pub style: FontStyle,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Line {
    pub runs: Vec<Run>,
    pub width: f32,
}

impl Line {
    pub fn text(&self) -> String {
        self.runs.iter().map(|r| r.text.as_str()).collect()
    }
}

/// What a paragraph's lines depend on: the metrics ([`Measure::memo_id`]), the spans, the
/// size and width (as bits) and whether lines are filled.
type Paragraph = (usize, Vec<Span>, u32, u32, bool);

/// A word: the text between two spaces, possibly in several styles ("**Dialog**:").
type Word = Vec<(FontStyle, String)>;

enum Token {
    Word(Word),
    Break,
}

/// A hyphenated break is only worth making when the line would otherwise be left
/// emptier than this share of its width.
const HYPHENATE_WHEN_GAP_EXCEEDS: f32 = 0.18;
/// Words shorter than this are never hyphenated.
const MIN_HYPHENATED_CHARS: usize = 7;

/// Breaks `spans` into lines no wider than `width` at font `size`, hyphenating long
/// words where that fills a line noticeably better.
pub fn wrap(spans: &[Span], measure: &dyn Measure, size: f32, width: f32) -> Vec<Line> {
    wrap_with(spans, measure, size, width, true)
}

/// As [`wrap`]; without `fill`, a word is only hyphenated when it is wider than a whole
/// line (short centred labels read better unbroken).
///
/// The lines are made once per process for the same text, size, width and metrics: a
/// batch's guides share most of their paragraphs.
pub fn wrap_with(
    spans: &[Span],
    measure: &dyn Measure,
    size: f32,
    width: f32,
    fill: bool,
) -> Vec<Line> {
    /// Some 4,000 paragraphs (about 3 MB): the framework's text for dozens of
    /// combinations of level and focus.
    static WRAPPED: Memo<Paragraph, Vec<Line>> = Memo::new(4096);
    let Some(id) = measure.memo_id() else {
        return wrap_now(spans, measure, size, width, fill);
    };
    let key = (id, spans.to_vec(), size.to_bits(), width.to_bits(), fill);
    let lines = WRAPPED.get_or_make(key, |_| {
        Ok::<_, std::convert::Infallible>(wrap_now(spans, measure, size, width, fill))
    });
    match lines {
        Ok(lines) => Vec::clone(&lines),
        Err(never) => match never {},
    }
}

fn wrap_now(spans: &[Span], measure: &dyn Measure, size: f32, width: f32, fill: bool) -> Vec<Line> {
    let mut builder = LineBuilder {
        measure,
        size,
        width,
        fill,
        lines: Vec::new(),
        current: Vec::new(),
        current_width: 0.0,
    };
    for token in tokenize(spans) {
        match token {
            Token::Break => builder.finish_line(),
            Token::Word(word) => builder.add_word(word),
        }
    }
    if !builder.current.is_empty() || builder.lines.is_empty() {
        builder.finish_line();
    }
    builder.lines
}

fn tokenize(spans: &[Span]) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut word: Word = Vec::new();
    for span in spans {
        if span.text == "\n" {
            if !word.is_empty() {
                tokens.push(Token::Word(std::mem::take(&mut word)));
            }
            tokens.push(Token::Break);
            continue;
        }
        for (i, part) in span.text.split(char::is_whitespace).enumerate() {
            if i > 0 && !word.is_empty() {
                tokens.push(Token::Word(std::mem::take(&mut word)));
            }
            if !part.is_empty() {
                word.push((span.style, part.to_string()));
            }
        }
    }
    if !word.is_empty() {
        tokens.push(Token::Word(word));
    }
    tokens
}

struct LineBuilder<'a> {
    measure: &'a dyn Measure,
    size: f32,
    width: f32,
    fill: bool,
    lines: Vec<Line>,
    /// Pieces of the current line; a space is its own piece.
    current: Word,
    current_width: f32,
}

impl LineBuilder<'_> {
    fn word_width(&self, word: &[(FontStyle, String)]) -> f32 {
        word.iter()
            .map(|(style, text)| self.measure.width(*style, text, self.size))
            .sum()
    }

    fn space_width(&self, style: FontStyle) -> f32 {
        self.measure.width(style, " ", self.size)
    }

    fn add_word(&mut self, word: Word) {
        let whole = f64::from(self.word_width(&word));
        // Measured character by character only once a break inside the word is looked
        // for, so every break costs only the characters it moves past: linear in the
        // word, however long (re-measuring each candidate head made a 10,000-character
        // word take seconds).
        let mut long: Option<LongWord> = None;
        let mut start = 0;
        loop {
            let first_style = long.as_ref().map_or(word[0].0, |l| l.chars[start].0);
            let space = if self.current.is_empty() {
                0.0
            } else {
                self.space_width(first_style)
            };
            let rest = long
                .as_ref()
                .map_or(whole, |l| l.width(start, l.chars.len()));
            if f64::from(self.current_width + space) + rest <= f64::from(self.width) + 0.01 {
                let piece = match &long {
                    Some(l) => l.piece(start, l.chars.len(), false),
                    None => word,
                };
                self.push(piece, space);
                return;
            }
            let available = self.width - self.current_width - space;
            let gap_is_large = self.fill && available > self.width * HYPHENATE_WHEN_GAP_EXCEEDS;
            let must_split = self.current.is_empty(); // the rest alone is wider than a line
            if must_split || gap_is_large {
                let l = long.get_or_insert_with(|| LongWord::new(&word, self.measure, self.size));
                if let Some((at, hyphen)) = l.split(start, available, must_split) {
                    let head = l.piece(start, at, hyphen);
                    self.push(head, space);
                    self.finish_line();
                    start = at;
                    continue;
                }
            }
            self.finish_line();
        }
    }

    fn push(&mut self, word: Word, space: f32) {
        if !self.current.is_empty() {
            self.current.push((word[0].0, " ".into()));
        }
        self.current_width += space + self.word_width(&word);
        self.current.extend(word);
    }

    fn finish_line(&mut self) {
        let mut runs: Vec<Run> = Vec::new();
        let mut x = 0.0;
        for (style, text) in self.current.drain(..) {
            let w = self.measure.width(style, &text, self.size);
            match runs.last_mut() {
                Some(last) if last.style == style => last.text.push_str(&text),
                _ => runs.push(Run { x, text, style }),
            }
            x += w;
        }
        self.lines.push(Line { runs, width: x });
        self.current_width = 0.0;
    }
}

/// Where a word may break, as (char index, needs a hyphen): after a hyphen or slash it
/// already has, and between the syllables Danish hyphenation patterns allow.
fn break_points(chars: &[char]) -> Vec<(usize, bool)> {
    let mut points = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_alphabetic() {
            let start = i;
            while i < chars.len() && chars[i].is_alphabetic() {
                i += 1;
            }
            let segment: String = chars[start..i].iter().collect();
            if i - start >= 5 {
                let mut at = start;
                let syllables: Vec<&str> =
                    hypher::hyphenate(&segment, hypher::Lang::Danish).collect();
                for syllable in &syllables[..syllables.len().saturating_sub(1)] {
                    at += syllable.chars().count();
                    points.push((at, true));
                }
            }
        } else {
            if (chars[i] == '-' || chars[i] == '/') && i > 0 && i + 1 < chars.len() {
                points.push((i + 1, false));
            }
            i += 1;
        }
    }
    points.sort_unstable();
    points
}

/// A word too wide for the rest of its line, measured once: its characters with their
/// styles, the running width before each character, and where it may break.
struct LongWord {
    chars: Vec<(FontStyle, char)>,
    /// `offsets[i]` is the width of the first `i` characters (f64: sums over 100,000
    /// characters stay exact to far below a point).
    offsets: Vec<f64>,
    /// Break points over the whole word, ascending (see [`break_points`]).
    breaks: Vec<(usize, bool)>,
    /// The width of a hyphen in each style the word uses.
    hyphen: Vec<(FontStyle, f64)>,
}

impl LongWord {
    fn new(word: &Word, measure: &dyn Measure, size: f32) -> LongWord {
        let mut chars = Vec::new();
        let mut offsets = vec![0.0];
        let mut hyphen: Vec<(FontStyle, f64)> = Vec::new();
        let mut buf = [0u8; 4];
        let mut total = 0.0;
        for (style, text) in word {
            if !hyphen.iter().any(|(s, _)| s == style) {
                hyphen.push((*style, f64::from(measure.width(*style, "-", size))));
            }
            for c in text.chars() {
                total += f64::from(measure.width(*style, c.encode_utf8(&mut buf), size));
                chars.push((*style, c));
                offsets.push(total);
            }
        }
        let plain: Vec<char> = chars.iter().map(|(_, c)| *c).collect();
        LongWord {
            breaks: break_points(&plain),
            chars,
            offsets,
            hyphen,
        }
    }

    /// The width of characters `from..to`.
    fn width(&self, from: usize, to: usize) -> f64 {
        self.offsets[to] - self.offsets[from]
    }

    fn hyphen_width(&self, style: FontStyle) -> f64 {
        self.hyphen
            .iter()
            .find(|(s, _)| *s == style)
            .map_or(0.0, |(_, w)| *w)
    }

    /// Where to break the rest of the word (from `start`) so its head, with a hyphen where
    /// one is needed, fits `available`: the last break point that fits, else (with
    /// `force`) after the last character that fits, at least one. Only the break points
    /// up to the first that is too wide are looked at.
    fn split(&self, start: usize, available: f32, force: bool) -> Option<(usize, bool)> {
        let n = self.chars.len();
        let limit = f64::from(available) + 0.01;
        let mut best = None;
        if n - start >= MIN_HYPHENATED_CHARS || force {
            // A break point of the rest: after the rest's first character (a hyphen the
            // rest starts with is no break) and before its last.
            let first = self.breaks.partition_point(|(at, _)| *at < start + 2);
            for &(at, hyphen) in &self.breaks[first..] {
                if at >= n {
                    break;
                }
                let head = self.width(start, at);
                if head > limit {
                    break;
                }
                let extra = if hyphen {
                    self.hyphen_width(self.chars[at - 1].0)
                } else {
                    0.0
                };
                if head + extra <= limit {
                    best = Some((at, hyphen));
                }
            }
        }
        match best {
            Some(b) => Some(b),
            None if force && n - start > 1 => {
                // The widths only grow, so the last character that fits is found by bisection.
                let fitting = self.offsets[start + 1..n]
                    .partition_point(|offset| offset - self.offsets[start] <= limit);
                Some((start + fitting.max(1), false))
            }
            None => None,
        }
    }

    /// Characters `from..to` as a word (runs of one style), with a hyphen after them.
    fn piece(&self, from: usize, to: usize, hyphen: bool) -> Word {
        let mut word: Word = Vec::new();
        for &(style, c) in &self.chars[from..to] {
            match word.last_mut() {
                Some((s, text)) if *s == style => text.push(c),
                _ => word.push((style, c.to_string())),
            }
        }
        if hyphen {
            let style = word.last().map_or(FontStyle::Regular, |p| p.0);
            word.push((style, "-".into()));
        }
        word
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::fonts::FixedWidth;

    fn lines(text: &str, width_chars: f32) -> Vec<String> {
        let spans = [Span::new(text, FontStyle::Regular)];
        wrap(&spans, &FixedWidth, 10.0, width_chars * 5.0)
            .iter()
            .map(Line::text)
            .collect()
    }

    #[test]
    fn first_fit_breaks_at_spaces() {
        assert_eq!(
            lines("Vi sætter retning og skaber klare rammer", 20.0),
            vec!["Vi sætter retning og", "skaber klare rammer",]
        );
    }

    #[test]
    fn a_long_compound_is_hyphenated_instead_of_leaving_a_gap() {
        let out = lines("Vi skaber sammenhængskraft", 16.0);
        assert_eq!(out.len(), 2, "{out:?}");
        assert!(
            out[0].ends_with('-') && out[0].starts_with("Vi skaber sam"),
            "{out:?}"
        );
        assert_eq!(out.concat().replace('-', ""), "Vi skaber sammenhængskraft");
    }

    #[test]
    fn no_line_is_wider_than_the_measure() {
        let text = "Kompetenceudviklingsmedarbejderforpligtigelse Øster-Ågård-Christiansen x";
        for w in [4.0, 7.0, 12.0, 30.0] {
            for line in lines(text, w) {
                assert!(line.chars().count() as f32 <= w, "{line:?} wider than {w}");
            }
        }
    }

    #[test]
    fn forced_breaks_and_styles_are_kept() {
        let spans = [
            Span::new("Dialog", FontStyle::Bold),
            Span::new(": tale\n", FontStyle::Regular),
            Span::new("\n", FontStyle::Regular),
            Span::new("sammen", FontStyle::Italic),
        ];
        let out = wrap(&spans, &FixedWidth, 10.0, 200.0);
        assert_eq!(out.len(), 2);
        assert_eq!(
            out[0].runs[0],
            Run {
                x: 0.0,
                text: "Dialog".into(),
                style: FontStyle::Bold
            }
        );
        assert_eq!(out[0].runs[1].x, 30.0);
        assert_eq!(out[1].runs[0].style, FontStyle::Italic);
    }

    /// Issue 11: one unbroken word of 10,000 characters took seconds, 200,000 never
    /// finished. Now broken in linear time; its lines each fit and give the word back.
    #[test]
    fn a_very_long_word_is_broken_into_lines_that_fit_and_give_it_back() {
        let fonts = crate::base::fonts::FontSet::builtin();
        // No hyphen of its own, so every hyphen that ends a line was added by the layout.
        let word: String = "sammenhængskraft/ÆØÅxyz"
            .chars()
            .cycle()
            .take(200_000)
            .collect();
        let spans = [
            Span::new("Før ", FontStyle::Regular),
            Span::new(word.clone(), FontStyle::Bold),
            Span::new(" efter", FontStyle::Regular),
        ];
        let width = 200.0;
        let out = wrap(&spans, fonts, 10.0, width);
        assert!(out.len() > 1000, "{} lines", out.len());
        let mut rebuilt = String::new();
        for line in &out {
            let measured: f32 = line
                .runs
                .iter()
                .map(|r| fonts.width(r.style, &r.text, 10.0))
                .sum();
            assert!(
                measured <= width + 0.01,
                "{:?} is {measured} wide",
                line.text()
            );
            let text = line.text();
            rebuilt.push_str(text.strip_suffix('-').unwrap_or(&text));
        }
        assert_eq!(rebuilt.replace(' ', ""), format!("Før{word}efter"));
        assert!(out[0].text().starts_with("Før "), "{:?}", out[0].text());
    }
}
