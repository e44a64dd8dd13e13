//! Line breaking: styled spans → lines of positioned runs, first fit, with Danish
//! hyphenation (`hypher`) where a long compound would otherwise leave a ragged gap or
//! run past the margin.

use crate::blocks::Span;
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
pub fn wrap_with(
    spans: &[Span],
    measure: &dyn Measure,
    size: f32,
    width: f32,
    fill: bool,
) -> Vec<Line> {
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

    fn add_word(&mut self, mut word: Word) {
        loop {
            let style = word[0].0;
            let space = if self.current.is_empty() {
                0.0
            } else {
                self.space_width(style)
            };
            let w = self.word_width(&word);
            if self.current_width + space + w <= self.width + 0.01 {
                self.push(word, space);
                return;
            }
            let available = self.width - self.current_width - space;
            let gap_is_large = self.fill && available > self.width * HYPHENATE_WHEN_GAP_EXCEEDS;
            let must_split = self.current.is_empty(); // the word alone is wider than a line
            if must_split || gap_is_large {
                if let Some((head, tail)) = self.split(&word, available, must_split) {
                    self.push(head, space);
                    self.finish_line();
                    word = tail;
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

    /// Splits `word` so the head (with a hyphen where one is needed) fits `available`.
    /// With `force`, falls back to breaking between any two characters.
    fn split(&self, word: &Word, available: f32, force: bool) -> Option<(Word, Word)> {
        let text: String = word.iter().map(|(_, t)| t.as_str()).collect();
        let chars: Vec<char> = text.chars().collect();
        let mut candidates = break_points(&chars);
        if chars.len() < MIN_HYPHENATED_CHARS && !force {
            candidates.clear();
        }
        let fits = |at: usize, hyphen: bool| {
            let (mut head, _) = split_word(word, at);
            if hyphen {
                let style = head.last().map_or(FontStyle::Regular, |p| p.0);
                head.push((style, "-".into()));
            }
            self.word_width(&head) <= available + 0.01
        };
        let best = candidates
            .iter()
            .rev()
            .find(|(at, hyphen)| fits(*at, *hyphen))
            .copied();
        let (at, hyphen) = match best {
            Some(b) => b,
            None if force => (
                (1..chars.len())
                    .rev()
                    .find(|at| fits(*at, false))
                    .unwrap_or(1),
                false,
            ),
            None => return None,
        };
        if at == 0 || at >= chars.len() {
            return None;
        }
        let (mut head, tail) = split_word(word, at);
        if hyphen {
            let style = head.last().map_or(FontStyle::Regular, |p| p.0);
            head.push((style, "-".into()));
        }
        Some((head, tail))
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

/// Splits a multi-style word at a char index.
fn split_word(word: &Word, at: usize) -> (Word, Word) {
    let mut head = Vec::new();
    let mut tail = Vec::new();
    let mut seen = 0;
    for (style, text) in word {
        let n = text.chars().count();
        if seen + n <= at {
            head.push((*style, text.clone()));
        } else if seen >= at {
            tail.push((*style, text.clone()));
        } else {
            let cut = text
                .char_indices()
                .nth(at - seen)
                .map_or(text.len(), |(b, _)| b);
            head.push((*style, text[..cut].to_string()));
            tail.push((*style, text[cut..].to_string()));
        }
        seen += n;
    }
    (head, tail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::FixedWidth;

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
}
