//! Serialises the finished lopdf document: every dictionary and array object packed into
//! deflated object streams (those that name the leader apart from the rest, which are the
//! same in every guide of a combination), the streams after them, and a deflated
//! cross-reference stream (PDF 1.5, ISO 32000-1, 7.5.7–7.5.8).
//!
//! lopdf's own writer leaves the cross-reference stream unfiltered, builds each object
//! stream with a fresh compressor, and writes strings a byte at a time; for a guide with
//! a form (some 300 small objects) that was a fifth of its time and 2 KB of its size.

use std::io::Write;

use lopdf::{Dictionary, Object, StringFormat};

use crate::pdf::deflate::{self, Deflater};

/// Where an object ended up, for the cross-reference stream.
#[derive(Clone, Copy)]
enum Entry {
    Free,
    /// At this byte offset of the file.
    Direct(usize),
    /// The `index`th object of the object stream `stream`.
    Packed {
        stream: u32,
        index: u16,
    },
}

/// Objects serialised by whoever made them, for an object stream of their own: the
/// structure tree (see `tags`) is a third of the objects' bytes, written straight from
/// the layout's structure rather than built as lopdf objects.
pub struct Packed {
    /// Each object's number and where it starts in `body`.
    objects: Vec<(u32, usize)>,
    body: Vec<u8>,
}

impl Packed {
    pub fn new() -> Packed {
        Packed {
            objects: Vec::new(),
            body: Vec::with_capacity(32 * 1024),
        }
    }

    /// Adds object `id`, whose bytes `write` appends.
    pub fn push(&mut self, id: u32, write: impl FnOnce(&mut Vec<u8>)) {
        self.objects.push((id, self.body.len()));
        write(&mut self.body);
        self.body.push(b'\n');
    }
}

/// Stream objects serialised whole by whoever made them (`id 0 obj … endobj`): the empty
/// appearances of a form's text and signature fields, some 60 a guide, which as lopdf
/// streams cost more to build, keep and write than their few bytes. They are written
/// among `doc`'s streams in the order of their numbers, as those are.
#[derive(Default)]
pub struct Direct {
    /// Each object's number and where it starts in `body`, numbers rising.
    objects: Vec<(u32, usize)>,
    body: Vec<u8>,
}

impl Direct {
    /// Adds object `id`, a number above every one added before, whose whole indirect
    /// object `write` appends.
    pub fn push(&mut self, id: u32, write: impl FnOnce(&mut Vec<u8>)) {
        debug_assert!(self.objects.last().is_none_or(|(last, _)| *last < id));
        self.objects.push((id, self.body.len()));
        write(&mut self.body);
    }

    /// The objects' numbers and bytes, in order.
    fn iter(&self) -> impl Iterator<Item = (u32, &[u8])> {
        let ends = self.objects.iter().skip(1).map(|(_, start)| *start);
        self.objects
            .iter()
            .zip(ends.chain([self.body.len()]))
            .map(|((id, start), end)| (*id, &self.body[*start..end]))
    }
}

/// The file: `doc`'s objects and those already serialised, with its trailer's `/Root`,
/// `/Info` and `/ID`. `doc`'s dictionaries and arrays join `shared` (the same bytes in
/// every guide of a level and focus, so their object stream is deflated once in a batch),
/// its Info dictionary joins `own` (the objects that name this guide's leader); `extra`
/// are object streams of their own; `direct` are streams written as they are. Every object
/// must have generation 0, as in any document built in memory (a fresh file has no reused
/// object numbers); the serialised objects' numbers must be free in `doc`.
pub fn save(
    doc: &lopdf::Document,
    mut shared: Packed,
    mut own: Packed,
    extra: &[Packed],
    direct: &Direct,
    deflater: &mut Deflater,
) -> Result<Vec<u8>, String> {
    if let Some((id, generation)) = doc.objects.keys().find(|(_, g)| *g != 0) {
        return Err(format!(
            "object {id} {generation}: only generation 0 can be written"
        ));
    }
    let max_id = doc
        .objects
        .keys()
        .map(|(id, _)| *id)
        .chain(
            [&shared, &own]
                .into_iter()
                .chain(extra)
                .flat_map(|p| p.objects.iter().map(|(id, _)| *id)),
        )
        .chain(direct.objects.iter().map(|(id, _)| *id))
        .max()
        .unwrap_or(0);
    if let Some((id, _)) = direct
        .objects
        .iter()
        .find(|(id, _)| doc.objects.contains_key(&(*id, 0)))
    {
        return Err(format!("object {id} is written twice"));
    }
    let packed_id = max_id + 1;
    let xref_id = packed_id + 2 + extra.len() as u32;
    let mut entries = vec![Entry::Free; xref_id as usize + 1];

    // Every object but the streams lives in an object stream.
    let info = doc.trailer.get(b"Info").and_then(Object::as_reference).ok();
    for (&(id, generation), object) in &doc.objects {
        if matches!(object, Object::Stream(_)) {
            continue;
        }
        let packed = if Some((id, generation)) == info {
            &mut own
        } else {
            &mut shared
        };
        packed.push(id, |body| write_object(body, object));
    }

    // The streams as they are, the object streams deflated to a third or less.
    let streams: usize = doc
        .objects
        .values()
        .filter_map(|object| match object {
            Object::Stream(stream) => Some(stream.content.len() + 128),
            _ => None,
        })
        .sum();
    let packed: usize = [&shared, &own]
        .into_iter()
        .chain(extra)
        .map(|p| p.body.len() / 3)
        .sum();
    let mut out = Vec::with_capacity(streams + direct.body.len() + packed + 16 * 1024);
    out.extend_from_slice(b"%PDF-");
    out.extend_from_slice(doc.version.as_bytes());
    // A comment of bytes above 127 marks the file as binary (ISO 19005-2, 6.1.2).
    out.extend_from_slice(b"\n%\xE2\xE3\xCF\xD3\n");

    let mut written = direct.iter().peekable();
    let mut write_direct_below = |out: &mut Vec<u8>, entries: &mut [Entry], below: u32| {
        while let Some((id, bytes)) = written.next_if(|(id, _)| *id < below) {
            entries[id as usize] = Entry::Direct(out.len());
            out.extend_from_slice(bytes);
        }
    };
    for (&(id, _), object) in &doc.objects {
        let Object::Stream(stream) = object else {
            continue;
        };
        write_direct_below(&mut out, &mut entries, id);
        entries[id as usize] = Entry::Direct(out.len());
        write_stream_object(&mut out, id, &stream.dict, &stream.content);
    }
    write_direct_below(&mut out, &mut entries, u32::MAX);

    for (stream, packed) in (packed_id..).zip([&shared, &own].into_iter().chain(extra)) {
        if packed.objects.is_empty() {
            continue;
        }
        write_object_stream(&mut out, &mut entries, stream, packed, deflater)?;
    }
    write_xref(&mut out, &mut entries, xref_id, &doc.trailer, deflater);
    Ok(out)
}

/// `packed` as the object stream `stream`, its objects' entries set.
fn write_object_stream(
    out: &mut Vec<u8>,
    entries: &mut [Entry],
    stream: u32,
    packed: &Packed,
    deflater: &mut Deflater,
) -> Result<(), String> {
    let mut header = Vec::with_capacity(packed.objects.len() * 10 + packed.body.len());
    for (index, (id, offset)) in packed.objects.iter().enumerate() {
        if entries
            .get(*id as usize)
            .is_none_or(|e| !matches!(e, Entry::Free))
        {
            return Err(format!("object {id} is written twice"));
        }
        entries[*id as usize] = Entry::Packed {
            stream,
            index: index as u16,
        };
        write_int(&mut header, *id as i64);
        header.push(b' ');
        write_int(&mut header, *offset as i64);
        header.push(b' ');
    }
    let first = header.len();
    header.extend_from_slice(&packed.body);
    let data = deflate::once(deflater, &header);
    entries[stream as usize] = Entry::Direct(out.len());
    let dict = Dictionary::from_iter(vec![
        ("Type", Object::Name(b"ObjStm".to_vec())),
        ("N", Object::Integer(packed.objects.len() as i64)),
        ("First", Object::Integer(first as i64)),
        ("Filter", Object::Name(b"FlateDecode".to_vec())),
    ]);
    write_stream_object(out, stream, &dict, &data);
    Ok(())
}

/// The cross-reference stream `xref_id` (its own entry set here), rows of (type, offset
/// or stream, generation or index), with the PNG Up predictor so the deflated rows shrink
/// to almost nothing; it carries the `/Root`, `/Info` and `/ID` of `trailer`. Then the
/// file's end.
fn write_xref(
    out: &mut Vec<u8>,
    entries: &mut [Entry],
    xref_id: u32,
    trailer: &Dictionary,
    deflater: &mut Deflater,
) {
    let xref_offset = out.len();
    entries[xref_id as usize] = Entry::Direct(xref_offset);
    let width = (usize::BITS - xref_offset.leading_zeros())
        .div_ceil(8)
        .max(1) as usize;
    let columns = 1 + width + 2;
    let mut rows = Vec::with_capacity(entries.len() * (columns + 1));
    let mut previous = vec![0u8; columns];
    let mut row = vec![0u8; columns];
    for (id, entry) in entries.iter().enumerate() {
        let (kind, field2, field3) = match *entry {
            Entry::Free if id == 0 => (0, 0, 0xFFFF),
            Entry::Free => (0, 0, 0),
            Entry::Direct(offset) => (1, offset, 0),
            Entry::Packed { stream, index } => (2, stream as usize, index),
        };
        row[0] = kind;
        row[1..1 + width].copy_from_slice(&field2.to_be_bytes()[size_of::<usize>() - width..]);
        row[1 + width..].copy_from_slice(&field3.to_be_bytes());
        rows.push(2); // PNG "Up"
        rows.extend(row.iter().zip(&previous).map(|(b, p)| b.wrapping_sub(*p)));
        std::mem::swap(&mut row, &mut previous);
    }
    let data = deflater.deflate(&rows);
    let mut dict = Dictionary::from_iter(vec![
        ("Type", Object::Name(b"XRef".to_vec())),
        ("Size", Object::Integer(entries.len() as i64)),
        (
            "W",
            Object::Array(vec![
                Object::Integer(1),
                Object::Integer(width as i64),
                Object::Integer(2),
            ]),
        ),
        ("Filter", Object::Name(b"FlateDecode".to_vec())),
        (
            "DecodeParms",
            Object::Dictionary(Dictionary::from_iter(vec![
                ("Predictor", Object::Integer(12)),
                ("Columns", Object::Integer(columns as i64)),
            ])),
        ),
    ]);
    for key in [&b"Root"[..], b"Info", b"ID"] {
        if let Ok(value) = trailer.get(key) {
            dict.set(key.to_vec(), value.clone());
        }
    }
    write_stream_object(out, xref_id, &dict, &data);
    out.extend_from_slice(b"startxref\n");
    write_int(out, xref_offset as i64);
    out.extend_from_slice(b"\n%%EOF\n");
}

/// `id 0 obj <<dict /Length n>>stream … endstream endobj`.
pub(super) fn write_stream_object(out: &mut Vec<u8>, id: u32, dict: &Dictionary, content: &[u8]) {
    write_int(out, id as i64);
    out.extend_from_slice(b" 0 obj\n<<");
    for (key, value) in dict.iter() {
        if key == b"Length" {
            continue;
        }
        write_name(out, key);
        write_value(out, value);
    }
    out.extend_from_slice(b"/Length ");
    write_int(out, content.len() as i64);
    // ISO 19005-2, 6.1.7.1: `stream` and `endstream` each on a line of their own.
    out.extend_from_slice(b">>stream\n");
    out.extend_from_slice(content);
    out.extend_from_slice(b"\nendstream\nendobj\n");
}

/// Whether `object`'s first byte is a regular character, so it needs a space before it.
fn starts_regular(object: &Object) -> bool {
    matches!(
        object,
        Object::Null
            | Object::Boolean(_)
            | Object::Integer(_)
            | Object::Real(_)
            | Object::Reference(_)
    )
}

/// A dictionary value after its key.
fn write_value(out: &mut Vec<u8>, value: &Object) {
    if starts_regular(value) {
        out.push(b' ');
    }
    write_object(out, value);
}

pub fn write_object(out: &mut Vec<u8>, object: &Object) {
    match object {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Boolean(true) => out.extend_from_slice(b"true"),
        Object::Boolean(false) => out.extend_from_slice(b"false"),
        Object::Integer(i) => write_int(out, *i),
        Object::Real(r) => write_real(out, *r),
        Object::Name(name) => write_name(out, name),
        Object::String(bytes, StringFormat::Literal) => write_literal_slice(out, bytes),
        Object::String(bytes, StringFormat::Hexadecimal) => write_hex(out, bytes),
        Object::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 && starts_regular(item) {
                    out.push(b' ');
                }
                write_object(out, item);
            }
            out.push(b']');
        }
        Object::Dictionary(dict) => {
            out.extend_from_slice(b"<<");
            for (key, value) in dict.iter() {
                write_name(out, key);
                write_value(out, value);
            }
            out.extend_from_slice(b">>");
        }
        // A stream is always an indirect object of its own (see `save`); one nested in
        // another object would be invalid PDF, so only its dictionary could be written.
        Object::Stream(stream) => write_object(out, &Object::Dictionary(stream.dict.clone())),
        Object::Reference((id, generation)) => {
            write_int(out, *id as i64);
            out.push(b' ');
            write_int(out, *generation as i64);
            out.extend_from_slice(b" R");
        }
    }
}

pub fn write_int(out: &mut Vec<u8>, value: i64) {
    let mut buffer = itoa::Buffer::new();
    out.extend_from_slice(buffer.format(value).as_bytes());
}

/// A real without an exponent (PDF has none), to at most four decimals (a
/// ten-thousandth of a point; an f32 holds about seven digits).
pub fn write_real(out: &mut Vec<u8>, value: f32) {
    let scaled = (value as f64 * 10_000.0).round();
    // Out of PDF's range for reals anyway (ISO 32000-1, C.2), or not a number.
    if !scaled.is_finite() || scaled.abs() > 1e15 {
        out.push(b'0');
        return;
    }
    write_fixed(out, scaled as i64, 4);
}

/// `scaled` units of `10^-decimals` as a PDF real, without trailing zeros: -150 at two
/// decimals is `-1.5`, 7 is `0.07`, 1200 is `12`.
pub fn write_fixed(out: &mut Vec<u8>, scaled: i64, decimals: u32) {
    let scale = 10_u64.pow(decimals);
    if scaled < 0 {
        out.push(b'-');
    }
    let (whole, mut fraction) = (scaled.unsigned_abs() / scale, scaled.unsigned_abs() % scale);
    write_int(out, whole as i64);
    if fraction != 0 {
        let mut digits = decimals as usize;
        while fraction % 10 == 0 {
            fraction /= 10;
            digits -= 1;
        }
        out.push(b'.');
        let text = itoa::Buffer::new().format(fraction).len();
        out.extend(std::iter::repeat_n(b'0', digits - text));
        write_int(out, fraction as i64);
    }
}

pub fn write_name(out: &mut Vec<u8>, name: &[u8]) {
    out.push(b'/');
    for &byte in name {
        if b" \t\n\r\x0C()<>[]{}/%#".contains(&byte) || !(33..=126).contains(&byte) {
            let _ = write!(out, "#{byte:02X}");
        } else {
            out.push(byte);
        }
    }
}

/// `bytes` as a literal string, byte by byte: what [`write_literal_slice`] must write.
#[cfg(test)]
fn write_literal(out: &mut Vec<u8>, bytes: impl IntoIterator<Item = u8>) {
    out.push(b'(');
    for byte in bytes {
        write_literal_byte(out, byte);
    }
    out.push(b')');
}

/// `bytes` as a literal string: `(`, `)` and `\\` escaped, and CR and LF, which a reader
/// would take for a line end (ISO 32000-1, 7.3.4.2); the runs between escapes copied whole.
pub fn write_literal_slice(out: &mut Vec<u8>, bytes: &[u8]) {
    out.reserve(bytes.len() + 2);
    out.push(b'(');
    let mut rest = bytes;
    while let Some(at) = rest
        .iter()
        .position(|b| matches!(b, b'(' | b')' | b'\\' | b'\r' | b'\n'))
    {
        out.extend_from_slice(&rest[..at]);
        write_literal_byte(out, rest[at]);
        rest = &rest[at + 1..];
    }
    out.extend_from_slice(rest);
    out.push(b')');
}

/// One byte of a literal string's body (see [`write_literal_slice`]).
#[inline]
pub fn write_literal_byte(out: &mut Vec<u8>, byte: u8) {
    match byte {
        b'(' | b')' | b'\\' => out.extend_from_slice(&[b'\\', byte]),
        b'\r' => out.extend_from_slice(b"\\r"),
        b'\n' => out.extend_from_slice(b"\\n"),
        _ => out.push(byte),
    }
}

fn write_hex(out: &mut Vec<u8>, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    out.reserve(bytes.len() * 2 + 2);
    out.push(b'<');
    for &byte in bytes {
        out.push(DIGITS[(byte >> 4) as usize]);
        out.push(DIGITS[(byte & 15) as usize]);
    }
    out.push(b'>');
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::Stream;

    fn sample() -> lopdf::Document {
        let mut doc = lopdf::Document::with_version("1.7");
        let content = doc.add_object(Stream::new(
            Dictionary::new(),
            b"BT /F1 12 Tf (Hej) Tj ET".to_vec(),
        ));
        let page = doc.add_object(Dictionary::from_iter(vec![
            ("Type", Object::Name(b"Page".to_vec())),
            (
                "MediaBox",
                Object::Array(vec![
                    0.into(),
                    0.into(),
                    Object::Real(595.28),
                    841.89.into(),
                ]),
            ),
            ("Contents", Object::Reference(content)),
            ("Odd name", Object::Name(b"a b#".to_vec())),
            (
                "Text",
                Object::String(b"(x) \\ y\r".to_vec(), StringFormat::Literal),
            ),
            (
                "Hex",
                Object::String(vec![0xFE, 0xFF, 0x00, 0xE6], StringFormat::Hexadecimal),
            ),
            ("Nothing", Object::Null),
            ("Yes", Object::Boolean(true)),
        ]));
        let pages = doc.add_object(Dictionary::from_iter(vec![
            ("Type", Object::Name(b"Pages".to_vec())),
            ("Kids", Object::Array(vec![Object::Reference(page)])),
            ("Count", Object::Integer(1)),
        ]));
        doc.get_object_mut(page)
            .unwrap()
            .as_dict_mut()
            .unwrap()
            .set("Parent", Object::Reference(pages));
        let catalog = doc.add_object(Dictionary::from_iter(vec![
            ("Type", Object::Name(b"Catalog".to_vec())),
            ("Pages", Object::Reference(pages)),
        ]));
        doc.trailer.set("Root", Object::Reference(catalog));
        doc
    }

    /// `doc` saved with nothing serialised beforehand but `extra`.
    fn saved(doc: &lopdf::Document, extra: &[Packed]) -> Result<Vec<u8>, String> {
        let (shared, own) = (Packed::new(), Packed::new());
        save(
            doc,
            shared,
            own,
            extra,
            &Direct::default(),
            &mut Deflater::new(),
        )
    }

    #[test]
    fn lopdf_reads_back_every_object_as_written() {
        let doc = sample();
        let bytes = saved(&doc, &[]).unwrap();
        let back = lopdf::Document::load_mem(&bytes).expect("a readable file");
        for (id, object) in &doc.objects {
            let read = back.get_object(*id).expect("every object is found");
            match (object, read) {
                (Object::Stream(a), Object::Stream(b)) => {
                    assert_eq!(a.content, b.content);
                }
                (Object::Dictionary(a), Object::Dictionary(b)) => {
                    for (key, value) in a.iter() {
                        let got = b.get(key).expect("key kept");
                        match (value, got) {
                            (Object::Real(x), Object::Real(y)) => assert!((x - y).abs() < 1e-3),
                            _ => assert_eq!(value, got, "key {}", String::from_utf8_lossy(key)),
                        }
                    }
                }
                _ => assert_eq!(object, read),
            }
        }
        assert_eq!(
            back.trailer.get(b"Root").unwrap(),
            doc.trailer.get(b"Root").unwrap()
        );
        assert!(bytes.ends_with(b"%%EOF\n"));
    }

    #[test]
    fn objects_packed_by_their_maker_are_read_back_from_their_stream() {
        let mut doc = sample();
        let first = doc.new_object_id();
        let second = doc.new_object_id();
        let (mut shared, mut own) = (Packed::new(), Packed::new());
        let (shared_id, own_id) = (doc.new_object_id(), doc.new_object_id());
        shared.push(shared_id.0, |out| out.extend_from_slice(b"<</T(delt)>>"));
        own.push(own_id.0, |out| {
            out.extend_from_slice("<</V(Ł)>>".as_bytes())
        });
        let mut packed = Packed::new();
        packed.push(first.0, |out| out.extend_from_slice(b"<</S/P/K 3>>"));
        packed.push(second.0, |out| {
            out.extend_from_slice(b"[");
            write_int(out, 7);
            out.extend_from_slice(b" (x)]");
        });
        let bytes = save(
            &doc,
            shared,
            own,
            &[packed],
            &Direct::default(),
            &mut Deflater::new(),
        )
        .unwrap();
        let back = lopdf::Document::load_mem(&bytes).expect("a readable file");
        let text = |id, key: &[u8]| {
            let dict = back.get_dictionary(id).unwrap();
            dict.get(key).unwrap().as_str().unwrap().to_vec()
        };
        assert_eq!(text(shared_id, b"T"), b"delt");
        assert_eq!(text(own_id, b"V"), "Ł".as_bytes());
        let element = back.get_dictionary(first).unwrap();
        assert_eq!(element.get(b"S").unwrap().as_name().unwrap(), b"P");
        assert_eq!(element.get(b"K").unwrap().as_i64().unwrap(), 3);
        let array = back.get_object(second).unwrap().as_array().unwrap();
        assert_eq!(array[0].as_i64().unwrap(), 7);
        assert_eq!(array[1].as_str().unwrap(), b"x");
        // The document's own objects are still there.
        for id in doc.objects.keys() {
            assert!(back.get_object(*id).is_ok(), "object {id:?}");
        }
    }

    #[test]
    fn a_packed_object_with_a_taken_number_is_refused() {
        let doc = sample();
        let taken = *doc.objects.keys().next().unwrap();
        let mut packed = Packed::new();
        packed.push(taken.0, |out| out.extend_from_slice(b"null"));
        let err = saved(&doc, &[packed]).unwrap_err();
        assert_eq!(err, format!("object {} is written twice", taken.0));
    }

    #[test]
    fn an_object_of_another_generation_is_refused_not_dropped() {
        let mut doc = sample();
        doc.objects.insert((99, 1), Object::Integer(7));
        assert_eq!(
            saved(&doc, &[]).unwrap_err(),
            "object 99 1: only generation 0 can be written"
        );
    }

    #[test]
    fn a_literal_from_a_slice_is_the_literal_byte_by_byte() {
        for text in [
            &b""[..],
            b"Hej",
            b"(a) \\ b\r\n)(",
            b"\xE6\xF8\xE5 (Sp\xF8rgsm\xE5l 1: 1 til 5)",
        ] {
            let (mut slice, mut bytes) = (Vec::new(), Vec::new());
            write_literal_slice(&mut slice, text);
            write_literal(&mut bytes, text.iter().copied());
            assert_eq!(slice, bytes, "{text:?}");
        }
    }

    #[test]
    fn reals_have_no_exponent_and_no_trailing_zeros() {
        let mut out = Vec::new();
        for r in [
            0.0,
            -0.0,
            1.5,
            595.2756,
            1e-9,
            123456.0,
            f32::NAN,
            -0.05,
            0.00012,
            -2.0,
        ] {
            write_real(&mut out, r);
            out.push(b' ');
        }
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "0 0 1.5 595.2756 0 123456 0 -0.05 0.0001 -2 "
        );
    }
}
