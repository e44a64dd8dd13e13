//! A small, strict reader of PDF direct objects (ISO 32000-1, 7.2 and 7.3) that knows
//! where each object ends — what the revision reader needs for trailers and
//! cross-reference streams, and what lopdf's parser does not expose.
//!
//! It produces lopdf [`Object`]s, so the rest of the code sees one object model. Objects
//! inside the body of a revision are parsed by lopdf itself (`revisions::Loader`).

use std::borrow::Cow;

use lopdf::{Dictionary, Object, StringFormat};

/// How deep arrays and dictionaries may nest in a trailer or xref stream dictionary.
const MAX_DEPTH: usize = 32;

pub(crate) struct Lexer<'a> {
    pdf: &'a [u8],
    pub pos: usize,
}

/// PDF white-space characters (7.2.2).
pub(crate) fn is_white(b: u8) -> bool {
    matches!(b, 0 | b'\t' | b'\n' | 0x0C | b'\r' | b' ')
}

fn is_delimiter(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

fn is_regular(b: u8) -> bool {
    !is_white(b) && !is_delimiter(b)
}

/// A name's bytes with its `#xx` escapes decoded (borrowed when it has none); `None` for
/// a broken escape.
fn decode_name(raw: &[u8]) -> Option<Cow<'_, [u8]>> {
    if !raw.contains(&b'#') {
        return Some(Cow::Borrowed(raw));
    }
    let mut name = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'#' {
            let hex = std::str::from_utf8(raw.get(i + 1..i + 3)?).ok()?;
            name.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            name.push(raw[i]);
            i += 1;
        }
    }
    Some(Cow::Owned(name))
}

impl<'a> Lexer<'a> {
    pub fn new(pdf: &'a [u8], pos: usize) -> Self {
        Lexer { pdf, pos }
    }

    fn peek(&self) -> Option<u8> {
        self.pdf.get(self.pos).copied()
    }

    /// Skips white space and comments.
    pub fn skip_white(&mut self) {
        while let Some(b) = self.peek() {
            if is_white(b) {
                self.pos += 1;
            } else if b == b'%' {
                while let Some(c) = self.peek() {
                    if c == b'\r' || c == b'\n' {
                        break;
                    }
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    /// Skips white space only (no comments): where a comment would hide a marker.
    pub fn skip_plain_white(&mut self) {
        while self.peek().is_some_and(is_white) {
            self.pos += 1;
        }
    }

    /// A run of regular characters (a keyword or a number), without moving past it.
    fn word_at(&self, at: usize) -> &'a [u8] {
        let end = self.pdf[at.min(self.pdf.len())..]
            .iter()
            .position(|&b| !is_regular(b))
            .map_or(self.pdf.len(), |n| at + n);
        &self.pdf[at.min(end)..end]
    }

    /// Takes the keyword `word` (followed by a non-regular character or the end).
    pub fn keyword(&mut self, word: &[u8]) -> bool {
        if self.word_at(self.pos) == word {
            self.pos += word.len();
            true
        } else {
            false
        }
    }

    /// An unsigned decimal integer.
    pub fn unsigned(&mut self) -> Option<u64> {
        let word = self.word_at(self.pos);
        if word.is_empty() || word.len() > 19 || !word.iter().all(u8::is_ascii_digit) {
            return None;
        }
        self.pos += word.len();
        std::str::from_utf8(word).ok()?.parse().ok()
    }

    /// One direct object; `N G R` becomes a reference.
    pub fn object(&mut self, depth: usize) -> Option<Object> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.skip_white();
        match self.peek()? {
            b'/' => self.name().map(Object::Name),
            b'(' => self.literal_string(),
            b'<' if self.pdf.get(self.pos + 1) == Some(&b'<') => {
                self.dictionary(depth).map(Object::Dictionary)
            }
            b'<' => self.hex_string(),
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_white();
                    if self.peek()? == b']' {
                        self.pos += 1;
                        return Some(Object::Array(items));
                    }
                    items.push(self.object(depth + 1)?);
                }
            }
            _ => self.number_reference_or_keyword(),
        }
    }

    /// `<< /Key value … >>`.
    pub fn dictionary(&mut self, depth: usize) -> Option<Dictionary> {
        self.dictionary_keeping(depth, &|_| true)
    }

    /// `<< /Key value … >>` holding only the entries whose key `keep` accepts; the other
    /// values are stepped over without being built. For a reader that needs a few keys of
    /// many dictionaries (a form's field tree: `/T`, `/V`, `/Kids`, not the appearances).
    pub fn dictionary_keeping(
        &mut self,
        depth: usize,
        keep: &dyn Fn(&[u8]) -> bool,
    ) -> Option<Dictionary> {
        self.skip_white();
        if !self.pdf[self.pos..].starts_with(b"<<") {
            return None;
        }
        self.pos += 2;
        let mut dict = Dictionary::new();
        loop {
            self.skip_white();
            if self.pdf[self.pos..].starts_with(b">>") {
                self.pos += 2;
                return Some(dict);
            }
            // A key is copied only when kept (most of a field tree's are not).
            let key = decode_name(self.raw_name()?)?;
            if !keep(&key) {
                self.skip_object(depth + 1)?;
                continue;
            }
            let value = self.object(depth + 1)?;
            if dict.has(&key) {
                // A key twice: readers keep either the first or the last.
                return None;
            }
            dict.set(key.into_owned(), value);
        }
    }

    /// One direct object, a dictionary holding only the entries `keep` accepts (see
    /// [`Lexer::dictionary_keeping`]).
    pub fn object_keeping(&mut self, keep: &dyn Fn(&[u8]) -> bool) -> Option<Object> {
        self.skip_white();
        if self.pdf[self.pos.min(self.pdf.len())..].starts_with(b"<<") {
            self.dictionary_keeping(0, keep).map(Object::Dictionary)
        } else {
            self.object(0)
        }
    }

    /// Moves past one direct object (`N G R` included) without building it; `None` where
    /// [`Lexer::object`] would find none.
    pub fn skip_object(&mut self, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.skip_white();
        match self.peek()? {
            b'/' => {
                self.pos += 1;
                self.pos += self.word_at(self.pos).len();
            }
            b'(' => {
                self.pos += 1;
                let mut open = 0usize;
                loop {
                    match self.peek()? {
                        b'\\' => self.pos += 1,
                        b'(' => open += 1,
                        b')' if open == 0 => break,
                        b')' => open -= 1,
                        _ => {}
                    }
                    self.pos += 1;
                }
                self.pos += 1;
            }
            b'<' if self.pdf.get(self.pos + 1) == Some(&b'<') => {
                self.pos += 2;
                loop {
                    self.skip_white();
                    if self.pdf[self.pos..].starts_with(b">>") {
                        self.pos += 2;
                        break;
                    }
                    if self.peek()? != b'/' {
                        return None;
                    }
                    self.skip_object(depth + 1)?;
                    self.skip_object(depth + 1)?;
                }
            }
            b'<' => {
                self.pos += 1;
                loop {
                    let b = self.peek()?;
                    self.pos += 1;
                    match b {
                        b'>' => break,
                        b if is_white(b) || b.is_ascii_hexdigit() => {}
                        _ => return None,
                    }
                }
            }
            b'[' => {
                self.pos += 1;
                loop {
                    self.skip_white();
                    if self.peek()? == b']' {
                        self.pos += 1;
                        break;
                    }
                    self.skip_object(depth + 1)?;
                }
            }
            _ => {
                let word = self.word_at(self.pos);
                if word.is_empty() {
                    return None;
                }
                self.pos += word.len();
                // `N G R` is one object.
                if word.iter().all(u8::is_ascii_digit) {
                    let after = self.pos;
                    self.skip_white();
                    if self.unsigned().is_some() {
                        self.skip_white();
                        if self.keyword(b"R") {
                            return Some(());
                        }
                    }
                    self.pos = after;
                }
            }
        }
        Some(())
    }

    fn name(&mut self) -> Option<Vec<u8>> {
        decode_name(self.raw_name()?).map(Cow::into_owned)
    }

    /// A name as written, `#xx` escapes and all (without its `/`).
    fn raw_name(&mut self) -> Option<&'a [u8]> {
        if self.peek()? != b'/' {
            return None;
        }
        self.pos += 1;
        let raw = self.word_at(self.pos);
        self.pos += raw.len();
        Some(raw)
    }

    fn literal_string(&mut self) -> Option<Object> {
        self.pos += 1;
        let mut out = Vec::new();
        let mut depth = 0usize;
        loop {
            let b = self.peek()?;
            self.pos += 1;
            match b {
                b'(' => {
                    depth += 1;
                    out.push(b);
                }
                b')' if depth == 0 => break,
                b')' => {
                    depth -= 1;
                    out.push(b);
                }
                b'\\' => {
                    let e = self.peek()?;
                    self.pos += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'\r' => {
                            if self.peek() == Some(b'\n') {
                                self.pos += 1;
                            }
                        }
                        b'\n' => {}
                        b'0'..=b'7' => {
                            let mut value = u32::from(e - b'0');
                            for _ in 0..2 {
                                match self.peek() {
                                    Some(d @ b'0'..=b'7') => {
                                        value = value * 8 + u32::from(d - b'0');
                                        self.pos += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push((value & 0xFF) as u8);
                        }
                        other => out.push(other),
                    }
                }
                other => out.push(other),
            }
        }
        Some(Object::String(out, StringFormat::Literal))
    }

    fn hex_string(&mut self) -> Option<Object> {
        self.pos += 1;
        let mut digits = Vec::new();
        loop {
            let b = self.peek()?;
            self.pos += 1;
            match b {
                b'>' => break,
                b if is_white(b) => {}
                b if b.is_ascii_hexdigit() => digits.push((b as char).to_digit(16)? as u8),
                _ => return None,
            }
        }
        if digits.len() % 2 == 1 {
            digits.push(0);
        }
        let bytes = digits.chunks(2).map(|p| p[0] << 4 | p[1]).collect();
        Some(Object::String(bytes, StringFormat::Hexadecimal))
    }

    fn number_reference_or_keyword(&mut self) -> Option<Object> {
        let word = self.word_at(self.pos);
        if word.is_empty() {
            return None;
        }
        let start = self.pos;
        self.pos += word.len();
        match word {
            b"true" => return Some(Object::Boolean(true)),
            b"false" => return Some(Object::Boolean(false)),
            b"null" => return Some(Object::Null),
            _ => {}
        }
        let text = std::str::from_utf8(word).ok()?;
        if let Ok(integer) = text.parse::<i64>() {
            // `N G R`?
            let after = self.pos;
            if integer >= 0 {
                self.skip_white();
                if let Some(generation) = self.unsigned() {
                    self.skip_white();
                    if self.keyword(b"R") {
                        return Some(Object::Reference((
                            u32::try_from(integer).ok()?,
                            u16::try_from(generation).ok()?,
                        )));
                    }
                }
            }
            self.pos = after;
            return Some(Object::Integer(integer));
        }
        let valid_real = text
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-' || b == b'+');
        match text.parse::<f32>() {
            Ok(real) if valid_real => Some(Object::Real(real)),
            _ => {
                self.pos = start;
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Option<(Object, usize)> {
        let mut lexer = Lexer::new(text.as_bytes(), 0);
        lexer.object(0).map(|o| (o, lexer.pos))
    }

    #[test]
    fn reads_trailer_dictionaries_and_knows_where_they_end() {
        let text =
            "<< /Size 12 /Root 1 0 R /Info 7 0 R /ID [<0A0b> (a\\(b\\)c)] /Prev 1234 >>\nstartxref";
        let (object, end) = parse(text).unwrap();
        assert_eq!(&text[end..], "\nstartxref");
        let dict = object.as_dict().unwrap();
        assert_eq!(dict.get(b"Root").unwrap(), &Object::Reference((1, 0)));
        assert_eq!(dict.get(b"Prev").unwrap(), &Object::Integer(1234));
        let id = dict.get(b"ID").unwrap().as_array().unwrap();
        assert_eq!(id[0].as_str().unwrap(), &[0x0A, 0x0B]);
        assert_eq!(id[1].as_str().unwrap(), b"a(b)c");
    }

    #[test]
    fn names_numbers_and_keywords() {
        assert_eq!(parse("/A#20B").unwrap().0, Object::Name(b"A B".to_vec()));
        assert_eq!(parse("-12").unwrap().0, Object::Integer(-12));
        assert_eq!(parse("3.5").unwrap().0, Object::Real(3.5));
        assert_eq!(parse("null").unwrap().0, Object::Null);
        assert_eq!(parse("[1 2 R 3]").unwrap().0.as_array().unwrap().len(), 2);
        assert_eq!(parse("(\\101\\n)").unwrap().0.as_str().unwrap(), b"A\n");
    }

    #[test]
    fn a_kept_key_is_compared_and_kept_decoded() {
        let keep = |k: &[u8]| k == b"T";
        let mut lexer = Lexer::new(b"<< /#54 (a) /T#20x 1 /Q#3 2 >>", 0);
        assert_eq!(lexer.dictionary_keeping(0, &keep), None, "a broken escape");
        let mut lexer = Lexer::new(b"<< /#54 (a) /T#20x 1 /V 2 >>", 0);
        let dict = lexer.dictionary_keeping(0, &keep).unwrap();
        assert_eq!(
            dict.iter().map(|(k, _)| k.as_slice()).collect::<Vec<_>>(),
            [b"T"]
        );
        // The same key escaped and plain is a key twice.
        let mut lexer = Lexer::new(b"<< /#54 (a) /T (b) >>", 0);
        assert_eq!(lexer.dictionary_keeping(0, &keep), None);
    }

    #[test]
    fn a_dictionary_can_keep_some_keys_and_step_over_the_rest() {
        let text =
            "<< /AP << /N << /1 5 0 R /Off 6 0 R >> >> /T (a\\)\\\\\\(b) /Rect [1 2.5 -3 4] \
                    /Contents <0A 0b> /P 49 0 R /V /1 /Kids [7 0 R 8 0 R] /M (x(y)z) >> endobj";
        let keep = |k: &[u8]| matches!(k, b"T" | b"V" | b"Kids");
        let mut lexer = Lexer::new(text.as_bytes(), 0);
        let dict = lexer.dictionary_keeping(0, &keep).unwrap();
        assert_eq!(&text[lexer.pos..], " endobj");
        assert_eq!(
            dict.iter().map(|(k, _)| k.as_slice()).collect::<Vec<_>>(),
            [b"T".as_slice(), b"V", b"Kids"]
        );
        assert_eq!(dict.get(b"T").unwrap().as_str().unwrap(), b"a)\\(b");
        assert_eq!(dict.get(b"Kids").unwrap().as_array().unwrap().len(), 2);
        // Every object `object` reads, `skip_object` steps over to the same place.
        for text in [
            "<< /A [1 0 R (s) <00>] >>",
            "12 0 R",
            "12 0",
            "-3.5",
            "/N#20x",
            "(a\\(b)",
            "[[[]] true null]",
        ] {
            let (mut built, mut skipped) = (
                Lexer::new(text.as_bytes(), 0),
                Lexer::new(text.as_bytes(), 0),
            );
            built.object(0).unwrap();
            skipped.skip_object(0).unwrap();
            assert_eq!(built.pos, skipped.pos, "{text}");
        }
        assert!(Lexer::new(b"<zz>", 0).skip_object(0).is_none());
        assert!(Lexer::new(b"<< /A (open >>", 0).skip_object(0).is_none());
        assert!(Lexer::new("[".repeat(100).as_bytes(), 0)
            .skip_object(0)
            .is_none());
    }

    #[test]
    fn refuses_what_readers_could_read_two_ways() {
        assert!(parse("<< /Root 1 0 R /Root 2 0 R >>").is_none());
        assert!(parse("<< /Root 1 0 R").is_none());
        assert!(parse("<zz>").is_none());
        assert!(parse(&"[".repeat(100)).is_none());
    }
}
