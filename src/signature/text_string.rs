//! PDF text strings (ISO 32000-2, 7.9.2.2) as a reader shows them: UTF-16BE or UTF-8 with
//! their byte-order marks, else PDFDocEncoding — with its tab, line feed and carriage
//! return (Annex D.2), which lopdf's table leaves out, so that a line typed into a
//! multi-line form field is still a line break when it is read back.

use lopdf::Object;

/// The bytes PDFDocEncoding shares with ASCII's control characters.
fn is_control(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\r')
}

/// The text of a string object; `None` for anything else or an undecodable string.
pub fn decode(object: &Object) -> Option<String> {
    let bytes = object.as_str().ok()?;
    if bytes.starts_with(b"\xFE\xFF") || bytes.starts_with(b"\xEF\xBB\xBF") {
        return lopdf::decode_text_string(object).ok();
    }
    // lopdf decodes everything else; only the three control characters are ours.
    let mut out = String::with_capacity(bytes.len());
    for run in bytes.split_inclusive(|b| is_control(*b)) {
        let (text, control) = match run.split_last() {
            Some((&c, text)) if is_control(c) => (text, Some(c)),
            _ => (run, None),
        };
        if !text.is_empty() {
            let piece = Object::String(text.to_vec(), lopdf::StringFormat::Literal);
            out.push_str(&lopdf::decode_text_string(&piece).ok()?);
        }
        out.extend(control.map(char::from));
    }
    Some(out)
}

/// A form field's text with its line breaks as one line feed each, as a spreadsheet cell
/// holds them: viewers store the break typed into a multi-line field as CR (Acrobat), LF
/// (pypdf, pdf.js) or CR LF.
pub fn field_text(object: &Object) -> Option<String> {
    Some(decode(object)?.replace("\r\n", "\n").replace('\r', "\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::StringFormat;

    fn literal(bytes: &[u8]) -> Object {
        Object::String(bytes.to_vec(), StringFormat::Literal)
    }

    #[test]
    fn pdfdoc_encoding_keeps_tab_and_line_breaks() {
        // As pypdf writes "to moduler⏎med opfølgning": PDFDocEncoding, ø as 0xF8.
        let pypdf = literal(b"to moduler\nmed opf\xf8lgning");
        assert_eq!(decode(&pypdf).unwrap(), "to moduler\nmed opfølgning");
        assert_eq!(
            decode(&literal(b"a\tb\r\x95ukasz \x85 \x80")).unwrap(),
            "a\tb\rŁukasz – •"
        );
        assert_eq!(decode(&literal(b"")).unwrap(), "");
        assert_eq!(decode(&Object::Integer(3)), None);
    }

    #[test]
    fn utf16_and_utf8_are_lopdfs() {
        let mut utf16 = vec![0xFE, 0xFF];
        for u in "Ærø\nŁ".encode_utf16() {
            utf16.extend(u.to_be_bytes());
        }
        assert_eq!(decode(&literal(&utf16)).unwrap(), "Ærø\nŁ");
    }

    #[test]
    fn every_line_break_becomes_a_line_feed() {
        for text in [
            &b"to moduler\rmed"[..],
            b"to moduler\r\nmed",
            b"to moduler\nmed",
        ] {
            assert_eq!(field_text(&literal(text)).unwrap(), "to moduler\nmed");
        }
        assert_eq!(field_text(&literal(b"a\r\rb")).unwrap(), "a\n\nb");
    }
}
