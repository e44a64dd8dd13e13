//! A form field's tooltip (`/TU`): the name a screen reader says for the field, which
//! is what a sighted reader sees beside it ("Din refleksion: Hvordan sikrer du …").
//!
//! A template may spell it out in a directive's `tooltip:` line, as a pattern whose
//! `{slots}` the layout fills per field (`{rater}`, `{row}`, `{column}` …); without one,
//! the layout takes the text that stands before the field (see `layout::flow`), so a
//! custom template gets named fields without doing anything.

/// The longest tooltip, in characters: a screen reader says all of it each time the
/// field gets focus, so a long paragraph before a field is cut at a word.
pub const MAX_CHARS: usize = 200;

/// One part of a tooltip pattern.
#[derive(Debug, Clone, PartialEq)]
enum Part {
    Text(String),
    Slot(String),
}

/// A tooltip pattern from a template: literal text and named slots.
#[derive(Debug, Clone, PartialEq)]
pub struct Tooltip(Vec<Part>);

impl Tooltip {
    /// The pattern as bytes, for a memo's key: each part, its kind and its text.
    pub fn write_key(&self, key: &mut Vec<u8>) {
        key.extend_from_slice(&self.0.len().to_le_bytes());
        for part in &self.0 {
            let (kind, text) = match part {
                Part::Text(t) => (b't', t),
                Part::Slot(s) => (b's', s),
            };
            key.push(kind);
            key.extend_from_slice(&text.len().to_le_bytes());
            key.extend_from_slice(text.as_bytes());
        }
    }

    /// Parses a directive's `tooltip:` line as the template rendered it, still
    /// Markdown-escaped: an unescaped `{name}` is a slot, and a `{` a value brought in
    /// arrives escaped (`\{`), so a value never becomes a slot. Slots must be among
    /// `slots`; the error names the one that is not and the valid ones.
    pub fn parse(escaped: &str, slots: &[&str]) -> Result<Tooltip, String> {
        let mut parts = Vec::new();
        let mut text = String::new();
        let mut chars = escaped.trim().chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some(next) if next.is_ascii_punctuation() => text.push(next),
                    Some(next) => {
                        text.push('\\');
                        text.push(next);
                    }
                    None => text.push('\\'),
                },
                '{' => {
                    let mut name = String::new();
                    let mut closed = false;
                    for n in chars.by_ref() {
                        if n == '}' {
                            closed = true;
                            break;
                        }
                        name.push(n);
                    }
                    if !closed || !slots.contains(&name.as_str()) {
                        let valid = if slots.is_empty() {
                            "this directive has none".to_string()
                        } else {
                            slots
                                .iter()
                                .map(|s| format!("{{{s}}}"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        };
                        return Err(format!(
                            "tooltip: '{{{name}{}' is not a slot; valid slots: {valid}",
                            if closed { "}" } else { "" }
                        ));
                    }
                    if !text.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut text)));
                    }
                    parts.push(Part::Slot(name));
                }
                _ => text.push(c),
            }
        }
        if !text.is_empty() {
            parts.push(Part::Text(text));
        }
        Ok(Tooltip(parts))
    }

    /// The tooltip with every slot filled by `value` (a slot without a value is left
    /// out), its white space collapsed and its length capped at [`MAX_CHARS`].
    pub fn fill(&self, value: impl Fn(&str) -> Option<String>) -> String {
        let mut out = String::new();
        for part in &self.0 {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Slot(s) => out.push_str(&value(s).unwrap_or_default()),
            }
        }
        clean(&out)
    }
}

/// `text` with its white space collapsed and cut to [`MAX_CHARS`].
pub fn clean(text: &str) -> String {
    clean_parts([text])
}

/// [`clean`] of `parts` joined. Words past [`MAX_CHARS`] are never looked at: a tooltip
/// is taken from every paragraph a field may follow, and paragraphs run long.
pub fn clean_parts<'t>(parts: impl IntoIterator<Item = &'t str>) -> String {
    let mut out = String::new();
    let mut chars = 0;
    // Whether white space came since the last word (within a part or between parts).
    let mut space = false;
    'parts: for part in parts {
        let mut rest = part;
        loop {
            let start = rest.len() - rest.trim_start().len();
            space |= start > 0;
            rest = &rest[start..];
            if rest.is_empty() {
                break;
            }
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            if space && !out.is_empty() {
                out.push(' ');
                chars += 1;
            }
            space = false;
            out.push_str(&rest[..end]);
            chars += rest[..end].chars().count();
            rest = &rest[end..];
            // `shorten` cuts what is longer than MAX_CHARS within its first MAX_CHARS
            // characters, so nothing further changes the result.
            if chars > MAX_CHARS {
                break 'parts;
            }
        }
    }
    if chars <= MAX_CHARS {
        // `shorten` would return it as it is.
        return out;
    }
    shorten(&out, MAX_CHARS)
}

/// `text` cut at the last word boundary within `max` characters, with " …" after it;
/// text that fits is returned as it is.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    // Room for " …".
    let limit = max.saturating_sub(2);
    let cut: String = text.chars().take(limit + 1).collect();
    let head = match cut.rfind(' ') {
        Some(space) if space > 0 => &cut[..space],
        _ => {
            let end = cut.char_indices().nth(limit).map_or(cut.len(), |(i, _)| i);
            &cut[..end]
        }
    };
    format!(
        "{} …",
        head.trim_end_matches(|c: char| c.is_whitespace() || ",;:–-".contains(c))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleaning_parts_is_cleaning_them_joined() {
        let long = "ord ".repeat(80);
        let cases: [&[&str]; 8] = [
            &["  Giver  klare\tmål ", "og\nretning "],
            &["Giver", " klare", "mål"],
            &["Gi", "ver"],
            &["", "  ", "a"],
            &["æ ø å ", &long, "slut"],
            &[&long],
            &[&"x".repeat(300)],
            &["a ", &"ø".repeat(199), "b"],
        ];
        for parts in cases {
            let joined: String = parts.concat();
            let expected = shorten(
                &joined.split_whitespace().collect::<Vec<_>>().join(" "),
                MAX_CHARS,
            );
            assert_eq!(clean_parts(parts.iter().copied()), expected, "{parts:?}");
            assert_eq!(clean(&joined), expected, "{parts:?}");
        }
    }

    #[test]
    fn slots_are_filled_and_escaped_braces_stay_text() {
        let t = Tooltip::parse(
            r"{rater} af forventning 1: Giver \{row\} klare mål, {min} til {max}",
            &["rater", "min", "max"],
        )
        .unwrap();
        let filled = t.fill(|s| match s {
            "rater" => Some("Din vurdering".into()),
            "min" => Some("1".into()),
            "max" => Some("5".into()),
            _ => None,
        });
        assert_eq!(
            filled,
            "Din vurdering af forventning 1: Giver {row} klare mål, 1 til 5"
        );
    }

    #[test]
    fn an_unknown_slot_is_named_with_the_valid_ones() {
        let err = Tooltip::parse("Plan, {rækk}", &["row", "column"]).unwrap_err();
        assert_eq!(
            err,
            "tooltip: '{rækk}' is not a slot; valid slots: {row}, {column}"
        );
        let err = Tooltip::parse("Plan {row", &["row"]).unwrap_err();
        assert_eq!(err, "tooltip: '{row' is not a slot; valid slots: {row}");
    }

    #[test]
    fn long_text_is_cut_at_a_word() {
        assert_eq!(
            shorten("Giver tydelige udmeldinger", 80),
            "Giver tydelige udmeldinger"
        );
        assert_eq!(
            shorten("Giver tydelige udmeldinger om retning", 20),
            "Giver tydelige …"
        );
        let long = "x".repeat(30);
        assert_eq!(shorten(&long, 10).chars().count(), 10);
        let text = "ord, ".repeat(100);
        let short = clean(&text);
        assert!(short.chars().count() <= MAX_CHARS, "{short}");
        assert!(short.ends_with("ord …"), "{short}");
    }
}
