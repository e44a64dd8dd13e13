//! The revisions of a PDF, read strictly: the chain of cross-reference sections from the
//! last `startxref`, the way PDF 1.5 readers (qpdf, poppler, pyHanko) resolve it — or a
//! refusal, when readers could disagree about which objects the file holds.
//!
//! A signed PDF is a stack of revisions: the signer signs the bytes up to the end of one,
//! later signers append more. Known attacks on PDF signatures (Mladenov et al., "1 Trillion
//! Dollar Refund", CCS 2019: incremental saving, signature wrapping; Mainka et al., "Shadow
//! Attacks", NDSS 2021) make a viewer show one revision while a validator checks another,
//! or plant content the signed revision lists but does not show. So this reader accepts
//! only files in which every revision is unambiguous:
//! - the file starts with `%PDF-` and ends with `%%EOF` (white space after it only);
//! - every cross-reference section is followed by `startxref <its own offset> %%EOF`, which
//!   ends its revision, and every `startxref` and `%%EOF` in the file ends a revision of
//!   the chain (no decoys);
//! - `/Prev` goes strictly backwards, each section lies in its own revision's bytes, and a
//!   revision's entries point only into its own bytes (no shadow objects from signed bytes);
//! - no object is listed twice in one revision (two subsections, a table and its
//!   `/XRefStm`, or an object stream listing it twice), and an object-stream entry names the
//!   object the cross-reference says it is.
//!
//! Objects are then parsed by lopdf, from the locations this reader resolved — not from
//! lopdf's own resolution, which differs for hybrid files and lets object streams define
//! objects no cross-reference lists.

use std::collections::hash_map::Entry as Slot;
use std::collections::{BTreeMap, HashMap, HashSet};

use lopdf::xref::{Xref, XrefEntry, XrefType};
use lopdf::{Dictionary, Document, Object, ObjectId, ObjectStream, Reader};

use super::lexer::{is_white, Lexer};

/// The largest stream decompressed while reading (object and cross-reference streams): a
/// guide needs well under a megabyte; a decompression bomb would need far more.
pub(crate) const MAX_DECOMPRESSED: usize = 256 << 20;

/// Why a file cannot be read as an unambiguous stack of revisions.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StructureError {
    #[error("the file is empty")]
    Empty,
    #[error("it does not start with a %PDF- header")]
    NoHeader,
    #[error("it ends without %%EOF after {len} bytes: it was cut short")]
    CutShort { len: usize },
    #[error(
        "it is ambiguous: it has {bytes} bytes after its last %%EOF that are not white \
         space, an update that some readers show and others do not"
    )]
    AfterEof { bytes: usize },
    #[error(
        "it is ambiguous: its last %%EOF is not preceded by `startxref` and an offset, so \
         readers rebuild its structure each their own way"
    )]
    NoStartxref,
    #[error(
        "it is ambiguous: the cross-reference section at byte {offset} cannot be read \
         ({what}), so readers rebuild its structure each their own way"
    )]
    Section { offset: usize, what: String },
    #[error("object {id} {generation} (at byte {offset}) cannot be read: {what}")]
    Object {
        id: u32,
        generation: u16,
        offset: usize,
        what: String,
    },
    #[error("it is ambiguous, readers could disagree about what it shows: {0}")]
    Ambiguous(String),
}

type Result<T> = std::result::Result<T, StructureError>;

/// Where a revision's cross-reference puts an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Entry {
    Direct { offset: usize, generation: u16 },
    Compressed { container: u32, index: usize },
    Free,
}

/// One revision: its bytes, its trailer and the objects its cross-reference section lists.
#[derive(Debug, Clone)]
pub(crate) struct Revision {
    /// Where its bytes start (the end of the revision before; 0 for the first).
    pub start: usize,
    /// Just after its `%%EOF`.
    pub eof_end: usize,
    /// Just after the end-of-line that follows its `%%EOF` (for the last revision: the end
    /// of the file).
    pub end: usize,
    pub xref_offset: usize,
    /// A hybrid file's `/XRefStm`, the cross-reference stream beside the table.
    pub hidden_offset: Option<usize>,
    pub trailer: Dictionary,
    pub entries: BTreeMap<u32, Entry>,
}

/// Every revision of a file, oldest first.
#[derive(Debug, Clone)]
pub(crate) struct History {
    pub revisions: Vec<Revision>,
}

impl History {
    /// Reads the revision chain of `pdf`, refusing a file whose revisions are ambiguous.
    pub fn read(pdf: &[u8]) -> Result<History> {
        let first = last_xref_offset(pdf)?;
        let mut newest_first: Vec<Revision> = Vec::new();
        let mut next = Some(first);
        while let Some(offset) = next {
            if let Some(later) = newest_first.last() {
                if offset >= later.xref_offset {
                    return Err(StructureError::Ambiguous(format!(
                        "the cross-reference section at byte {} points back (/Prev) to byte \
                         {offset}, which is not before it",
                        later.xref_offset
                    )));
                }
            }
            let revision = read_revision(pdf, offset)?;
            next = integer(&revision.trailer, b"Prev")?;
            newest_first.push(revision);
            if newest_first.len() > 10_000 {
                return Err(StructureError::Ambiguous(
                    "it has over 10,000 revisions".into(),
                ));
            }
        }
        let mut revisions = newest_first;
        revisions.reverse();
        if let Some(last) = revisions.last_mut() {
            last.end = pdf.len();
        }
        place(&mut revisions)?;
        let history = History { revisions };
        history.check_markers(pdf)?;
        Ok(history)
    }

    /// Every `startxref … %%EOF` ending in the file must end a revision of the chain: one
    /// that does not is a decoy some readers follow. Only markers that stand at the start
    /// of a line count — the way writers put them, and what readers look for — so a
    /// leader who types "%%EOF" into an answer is not refused.
    fn check_markers(&self, pdf: &[u8]) -> Result<()> {
        let eofs: HashSet<usize> = self.revisions.iter().map(|r| r.eof_end - 5).collect();
        let at_line_start = |at: usize| at == 0 || matches!(pdf[at - 1], b'\r' | b'\n');
        for at in find_all(pdf, b"%%EOF").filter(|&at| at_line_start(at)) {
            if !eofs.contains(&at) {
                return Err(StructureError::Ambiguous(format!(
                    "the %%EOF at byte {at} ends no revision of the file's cross-reference \
                     chain"
                )));
            }
        }
        let startxrefs = find_all(pdf, b"startxref")
            .filter(|&at| at_line_start(at))
            .count();
        if startxrefs != self.revisions.len() {
            return Err(StructureError::Ambiguous(format!(
                "it has {startxrefs} `startxref` markers for {} revisions: a decoy that \
                 readers may follow",
                self.revisions.len()
            )));
        }
        Ok(())
    }

    /// The revision whose bytes end where a signature's `/ByteRange` ends.
    pub fn ending_at(&self, end: usize) -> Option<usize> {
        self.revisions
            .iter()
            .position(|r| r.end == end || r.eof_end == end)
    }

    /// The document as it stands after revision `upto` (0-based).
    pub fn document(&self, pdf: &[u8], upto: usize) -> Result<Document> {
        let resolved = self.resolved(upto);
        let reader = self.reader(pdf, upto, &resolved);
        let mut objects: BTreeMap<ObjectId, Object> = BTreeMap::new();
        let mut compressed: BTreeMap<u32, Vec<(u32, usize)>> = BTreeMap::new();
        for (&id, &(entry, number)) in &resolved {
            match entry {
                Entry::Direct { offset, generation } => {
                    let object = parse_object(&reader, id, generation, offset)?;
                    objects.insert((id, generation), object);
                }
                Entry::Compressed { container, index } => {
                    self.check_container(id, container, number)?;
                    compressed.entry(container).or_default().push((id, index));
                }
                Entry::Free => {}
            }
        }
        for (container, members) in compressed {
            let stream = objects
                .iter()
                .find(|((id, _), _)| *id == container)
                .and_then(|(_, o)| o.as_stream().ok())
                .filter(|s| s.dict.has_type(b"ObjStm"))
                .cloned()
                .ok_or_else(|| not_an_object_stream(members[0].0, container))?;
            for (id, object) in object_stream(container, stream, &members)? {
                objects.insert((id, 0), object);
            }
        }
        Ok(self.finish(pdf, upto, reader, objects))
    }

    /// The document as revision `upto` shows it, holding only the objects reached from its
    /// trailer through the dictionary keys `keys` accepts (and through arrays), and of
    /// their dictionaries only those keys; nothing else is built. Each object is read from
    /// the location this reader resolved and must be the object it says it is, as in
    /// [`History::document`]; a stream (the XMP) is read whole, by lopdf.
    ///
    /// For a file whose every object was judged before — an archived guide, whose SHA-256
    /// is still the one the archive took in — a reader that needs only the form's values
    /// and the XMP need not parse every page, font and appearance.
    pub fn document_reaching(
        &self,
        pdf: &[u8],
        upto: usize,
        keys: &dyn Fn(&[u8]) -> bool,
    ) -> Result<Document> {
        let follow = keys;
        let resolved = self.resolved(upto);
        let reader = self.reader(pdf, upto, &resolved);
        let mut objects: BTreeMap<ObjectId, Object> = BTreeMap::new();
        // Object streams read so far, inflated, with where each member starts: only the
        // members reached are parsed (a guide's form shares its stream with fonts,
        // annotations and pages that a reading of the form never needs).
        let mut streams: HashMap<u32, Members> = HashMap::new();
        let mut queue = Vec::new();
        for (key, value) in &self.revisions[upto].trailer {
            if follow(key) {
                references(value, follow, &mut queue);
            }
        }
        let mut seen = HashSet::new();
        while let Some(id) = queue.pop() {
            if !seen.insert(id) {
                continue;
            }
            // A reference to nothing is left out, as lopdf leaves it out: it reads as null.
            let Some(&(entry, number)) = resolved.get(&id) else {
                continue;
            };
            let (generation, object) = match entry {
                Entry::Direct { offset, generation } => {
                    let object = match parse_keeping(reader.buffer, id, generation, offset, keys)? {
                        Some(object) => object,
                        None => parse_object(&reader, id, generation, offset)?,
                    };
                    (generation, object)
                }
                Entry::Compressed { container, .. } => {
                    self.check_container(id, container, number)?;
                    let members = match streams.entry(container) {
                        Slot::Occupied(slot) => slot.into_mut(),
                        Slot::Vacant(slot) => {
                            slot.insert(container_members(&reader, &resolved, id, container)?)
                        }
                    };
                    (0, members.parse(id, keys)?)
                }
                Entry::Free => continue,
            };
            references(&object, follow, &mut queue);
            objects.insert((id, generation), object);
        }
        Ok(self.finish(pdf, upto, reader, objects))
    }

    /// Where each object stands after revision `upto`, and which revision wrote it.
    fn resolved(&self, upto: usize) -> BTreeMap<u32, (Entry, usize)> {
        let mut resolved = BTreeMap::new();
        for (number, revision) in self.revisions[..=upto].iter().enumerate() {
            for (&id, &entry) in &revision.entries {
                resolved.insert(id, (entry, number));
            }
        }
        resolved
    }

    /// A lopdf reader of revision `upto`'s bytes that finds objects where `resolved` says.
    fn reader<'p>(
        &self,
        pdf: &'p [u8],
        upto: usize,
        resolved: &BTreeMap<u32, (Entry, usize)>,
    ) -> Reader<'p> {
        let mut xref = Xref::new(0, XrefType::CrossReferenceStream);
        for (&id, &(entry, _)) in resolved {
            match entry {
                Entry::Direct { offset, generation } => xref.insert(
                    id,
                    XrefEntry::Normal {
                        offset: u32::try_from(offset).unwrap_or(u32::MAX),
                        generation,
                    },
                ),
                Entry::Compressed { container, index } => xref.insert(
                    id,
                    XrefEntry::Compressed {
                        container,
                        index: u16::try_from(index).unwrap_or(u16::MAX),
                    },
                ),
                Entry::Free => {}
            }
        }
        let mut document = Document::new();
        document.reference_table = xref;
        Reader {
            buffer: &pdf[..self.revisions[upto].end],
            document,
            encryption_state: None,
            raw_objects: BTreeMap::new(),
            password: None,
            strict: false,
            max_decompressed_size: Some(MAX_DECOMPRESSED),
        }
    }

    /// Object `id`, listed in object stream `container` by revision `number` (0-based):
    /// the container must be an object the same revision wrote.
    fn check_container(&self, id: u32, container: u32, number: usize) -> Result<()> {
        match self.revisions[number].entries.get(&container) {
            Some(Entry::Direct { .. }) => Ok(()),
            _ => Err(StructureError::Ambiguous(format!(
                "revision {} lists object {id} in object stream {container}, which that \
                 revision did not write",
                number + 1
            ))),
        }
    }

    /// The document of revision `upto`, holding `objects`.
    fn finish(
        &self,
        pdf: &[u8],
        upto: usize,
        reader: Reader,
        objects: BTreeMap<ObjectId, Object>,
    ) -> Document {
        let mut document = reader.document;
        document.objects = objects;
        document.trailer = self.revisions[upto].trailer.clone();
        document.trailer.remove(b"Prev");
        document.max_id = document.objects.keys().map(|k| k.0).max().unwrap_or(0);
        document.version = version(pdf);
        document
    }
}

/// An object stream's members as [`Members`]: inflated and its header checked as
/// [`object_stream`] checks it, but no member parsed yet.
fn container_members(
    reader: &Reader,
    resolved: &BTreeMap<u32, (Entry, usize)>,
    id: u32,
    container: u32,
) -> Result<Members> {
    let (mut stream, members) = container_stream(reader, resolved, id, container)?;
    let (first, header) = object_stream_header(container, &mut stream, &members)?;
    let starts = header
        .into_iter()
        .filter(|(member, _)| members.iter().any(|(m, _)| m == member))
        .collect();
    Ok(Members {
        container,
        content: stream.content,
        first,
        starts,
    })
}

/// The members of one object stream that the cross-reference lists there, each parsed
/// when it is first reached.
struct Members {
    container: u32,
    content: Vec<u8>,
    first: usize,
    /// Where each member starts, from `first`.
    starts: HashMap<u32, usize>,
}

impl Members {
    /// Member `id`, with only the dictionary entries `keys` accepts. An object in an
    /// object stream is never a stream itself.
    fn parse(&mut self, id: u32, keys: &dyn Fn(&[u8]) -> bool) -> Result<Object> {
        let container = self.container;
        let failed = || StructureError::Object {
            id,
            generation: 0,
            offset: 0,
            what: format!("it cannot be read from object stream {container}"),
        };
        let start = self.starts.remove(&id).ok_or_else(failed)?;
        let offset = self.first.checked_add(start).ok_or_else(failed)?;
        if offset >= self.content.len() {
            return Err(failed());
        }
        Lexer::new(&self.content, offset)
            .object_keeping(keys)
            .ok_or_else(failed)
    }
}

/// Object stream `container` (that `id` is listed in) and the members the cross-reference
/// puts in it, with their indexes.
fn container_stream(
    reader: &Reader,
    resolved: &BTreeMap<u32, (Entry, usize)>,
    id: u32,
    container: u32,
) -> Result<(lopdf::Stream, Vec<(u32, usize)>)> {
    let members: Vec<(u32, usize)> = resolved
        .iter()
        .filter_map(|(&member, &(entry, _))| match entry {
            Entry::Compressed {
                container: c,
                index,
            } if c == container => Some((member, index)),
            _ => None,
        })
        .collect();
    let stream = match resolved.get(&container) {
        Some(&(Entry::Direct { offset, generation }, _)) => {
            parse_object(reader, container, generation, offset)?
        }
        _ => return Err(not_an_object_stream(id, container)),
    };
    let stream = stream
        .as_stream()
        .ok()
        .filter(|s| s.dict.has_type(b"ObjStm"))
        .cloned()
        .ok_or_else(|| not_an_object_stream(id, container))?;
    Ok((stream, members))
}

fn not_an_object_stream(id: u32, container: u32) -> StructureError {
    StructureError::Ambiguous(format!(
        "object {id} is listed in object {container}, which is not an object stream"
    ))
}

/// The objects `object` refers to, through arrays and the dictionary keys `follow`
/// accepts, pushed onto `out`.
fn references(object: &Object, follow: &dyn Fn(&[u8]) -> bool, out: &mut Vec<u32>) {
    match object {
        Object::Reference((id, _)) => out.push(*id),
        Object::Array(items) => {
            for item in items {
                references(item, follow, out);
            }
        }
        Object::Dictionary(dict) => dictionary_references(dict, follow, out),
        Object::Stream(stream) => dictionary_references(&stream.dict, follow, out),
        _ => {}
    }
}

fn dictionary_references(dict: &Dictionary, follow: &dyn Fn(&[u8]) -> bool, out: &mut Vec<u32>) {
    for (key, value) in dict {
        if follow(key) {
            references(value, follow, out);
        }
    }
}

fn version(pdf: &[u8]) -> String {
    pdf[5..pdf.len().min(12)]
        .iter()
        .take_while(|b| b.is_ascii_digit() || **b == b'.')
        .map(|&b| b as char)
        .collect()
}

/// Parses the indirect object the cross-reference puts at `offset`, which must be that
/// object.
fn parse_object(reader: &Reader, id: u32, generation: u16, offset: usize) -> Result<Object> {
    let failed = |what: String| StructureError::Object {
        id,
        generation,
        offset,
        what,
    };
    let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        reader.get_object((id, generation), &mut HashSet::new())
    }));
    match parsed {
        Ok(Ok(object)) => Ok(object),
        Ok(Err(lopdf::Error::ObjectIdMismatch)) => Err(StructureError::Ambiguous(format!(
            "the cross-reference puts object {id} {generation} at byte {offset}, where \
             another object stands"
        ))),
        Ok(Err(e)) => Err(failed(e.to_string())),
        Err(_) => Err(failed("the PDF parser failed".into())),
    }
}

/// The object the cross-reference puts at `offset`, which must be `id generation`, with
/// only the dictionary entries `keys` accepts (see [`Lexer::dictionary_keeping`]); `None`
/// when it is a stream, whose data lopdf reads.
fn parse_keeping(
    bytes: &[u8],
    id: u32,
    generation: u16,
    offset: usize,
    keys: &dyn Fn(&[u8]) -> bool,
) -> Result<Option<Object>> {
    let failed = |what: &str| StructureError::Object {
        id,
        generation,
        offset,
        what: what.into(),
    };
    let mut lexer = Lexer::new(bytes, offset);
    lexer.skip_white();
    let number = lexer.unsigned();
    lexer.skip_white();
    let stated = lexer.unsigned();
    lexer.skip_white();
    if number.is_none() || stated.is_none() || !lexer.keyword(b"obj") {
        return Err(failed("it does not start with `N G obj`"));
    }
    if number != Some(u64::from(id)) || stated != Some(u64::from(generation)) {
        return Err(StructureError::Ambiguous(format!(
            "the cross-reference puts object {id} {generation} at byte {offset}, where \
             another object stands"
        )));
    }
    lexer.skip_white();
    if !bytes[lexer.pos.min(bytes.len())..].starts_with(b"<<") {
        return lexer
            .object(0)
            .map(Some)
            .ok_or_else(|| failed("it cannot be read"));
    }
    let dict = lexer
        .dictionary_keeping(0, keys)
        .ok_or_else(|| failed("its dictionary cannot be read"))?;
    lexer.skip_white();
    if lexer.keyword(b"stream") {
        return Ok(None);
    }
    Ok(Some(Object::Dictionary(dict)))
}

/// The objects `members` (id, index) of an object stream, each checked to be the object
/// the stream's own header lists at that index.
fn object_stream(
    container: u32,
    mut stream: lopdf::Stream,
    members: &[(u32, usize)],
) -> Result<Vec<(u32, Object)>> {
    object_stream_header(container, &mut stream, members)?;
    let unreadable = |what: String| StructureError::Object {
        id: container,
        generation: 0,
        offset: 0,
        what,
    };
    let parsed = ObjectStream::new_with_limit(&mut stream, Some(MAX_DECOMPRESSED))
        .map_err(|e| unreadable(format!("its object stream cannot be read: {e}")))?;
    let mut by_id: HashMap<u32, Object> = parsed
        .objects
        .into_iter()
        .map(|((id, _), object)| (id, object))
        .collect();
    members
        .iter()
        .map(|&(id, _)| {
            by_id
                .remove(&id)
                .map(|o| (id, o))
                .ok_or(StructureError::Object {
                    id,
                    generation: 0,
                    offset: 0,
                    what: format!("it cannot be read from object stream {container}"),
                })
        })
        .collect()
}

/// Inflates an object stream and reads its header: `/First` and, per member, its object
/// number and where it starts. Refused: a header that names an object twice, or that does
/// not put a member at the index the cross-reference gives.
fn object_stream_header(
    container: u32,
    stream: &mut lopdf::Stream,
    members: &[(u32, usize)],
) -> Result<(usize, HashMap<u32, usize>)> {
    let unreadable = |what: String| StructureError::Object {
        id: container,
        generation: 0,
        offset: 0,
        what,
    };
    stream
        .decompress_with_limit(MAX_DECOMPRESSED)
        .map_err(|e| unreadable(format!("its object stream cannot be decompressed: {e}")))?;
    let count = stream
        .dict
        .get(b"N")
        .and_then(Object::as_i64)
        .ok()
        .and_then(|n| usize::try_from(n).ok())
        .ok_or_else(|| unreadable("its object stream has no /N".into()))?;
    let first = stream
        .dict
        .get(b"First")
        .and_then(Object::as_i64)
        .ok()
        .and_then(|n| usize::try_from(n).ok())
        .filter(|&f| f <= stream.content.len())
        .ok_or_else(|| unreadable("its object stream has no valid /First".into()))?;
    let mut lexer = Lexer::new(&stream.content[..first], 0);
    let mut header = Vec::with_capacity(count.min(100_000));
    for _ in 0..count {
        lexer.skip_white();
        let id = lexer.unsigned();
        lexer.skip_white();
        let offset = lexer.unsigned();
        match (
            id.and_then(|i| u32::try_from(i).ok()),
            offset.and_then(|o| usize::try_from(o).ok()),
        ) {
            (Some(id), Some(offset)) => header.push((id, offset)),
            _ => return Err(unreadable("its object stream's header is damaged".into())),
        }
    }
    let mut seen = HashSet::new();
    for (id, _) in &header {
        if !seen.insert(id) {
            return Err(StructureError::Ambiguous(format!(
                "object stream {container} holds object {id} twice"
            )));
        }
    }
    for &(id, index) in members {
        if header.get(index).map(|(o, _)| *o) != Some(id) {
            return Err(StructureError::Ambiguous(format!(
                "the cross-reference puts object {id} at index {index} of object stream \
                 {container}, where {} stands",
                header
                    .get(index)
                    .map_or("nothing".to_string(), |(o, _)| format!("object {o}"))
            )));
        }
    }
    Ok((first, header.into_iter().collect()))
}

/// Where the file's last cross-reference section is, from the `startxref` before its
/// final `%%EOF`; refuses a file without a header, cut short, or with more after that
/// `%%EOF` than white space.
fn last_xref_offset(pdf: &[u8]) -> Result<usize> {
    if pdf.is_empty() {
        return Err(StructureError::Empty);
    }
    if !pdf.starts_with(b"%PDF-") {
        return Err(StructureError::NoHeader);
    }
    let content_end = pdf.len() - pdf.iter().rev().take_while(|&&b| is_white(b)).count();
    if !pdf[..content_end].ends_with(b"%%EOF") {
        let last_eof = rfind(pdf, b"%%EOF");
        return Err(match last_eof {
            Some(at) => StructureError::AfterEof {
                bytes: pdf[at + 5..].iter().filter(|&&b| !is_white(b)).count(),
            },
            None => StructureError::CutShort { len: pdf.len() },
        });
    }
    last_startxref(pdf, content_end - 5)
}

/// The revision whose cross-reference section is at `offset` (with a hybrid file's
/// `/XRefStm` merged in), ending at the `%%EOF` after it; its `start` is set later.
fn read_revision(pdf: &[u8], offset: usize) -> Result<Revision> {
    let section = read_section(pdf, offset)?;
    let (eof_end, end) = section_end(pdf, offset, section.end)?;
    let mut trailer = section.trailer;
    let mut entries = section.entries;
    let mut hidden_offset = None;
    if let Some(stream_offset) = integer(&trailer, b"XRefStm")? {
        if section.is_stream {
            return Err(StructureError::Ambiguous(format!(
                "the cross-reference stream at byte {offset} has an /XRefStm"
            )));
        }
        merge_xref_stream(pdf, offset, stream_offset, &mut entries)?;
        trailer.remove(b"XRefStm");
        hidden_offset = Some(stream_offset);
    }
    Ok(Revision {
        start: 0,
        eof_end,
        end,
        xref_offset: offset,
        hidden_offset,
        trailer,
        entries,
    })
}

/// Adds to `entries`, the cross-reference table at `offset`, those of its `/XRefStm` at
/// `stream_offset`; refuses an object listed in both.
fn merge_xref_stream(
    pdf: &[u8],
    offset: usize,
    stream_offset: usize,
    entries: &mut BTreeMap<u32, Entry>,
) -> Result<()> {
    if stream_offset >= offset {
        return Err(StructureError::Ambiguous(format!(
            "the /XRefStm of the section at byte {offset} lies after it (byte \
             {stream_offset})"
        )));
    }
    let hidden = read_section(pdf, stream_offset)?;
    if !hidden.is_stream {
        return Err(StructureError::Section {
            offset: stream_offset,
            what: "the /XRefStm does not point at a cross-reference stream".into(),
        });
    }
    // PDF 1.5 (7.5.8.4): the stream supplements the table; an object in both
    // is read differently by older and newer readers.
    for (id, entry) in hidden.entries {
        if entries.insert(id, entry).is_some() && id != 0 {
            return Err(StructureError::Ambiguous(format!(
                "object {id} is listed both in the cross-reference table at byte \
                 {offset} and in its /XRefStm at byte {stream_offset}"
            )));
        }
    }
    Ok(())
}

/// Gives each revision (oldest first) its start, the end of the one before, and checks
/// that its cross-reference section, its `/XRefStm` and every object it lists lie in its
/// own bytes.
fn place(revisions: &mut [Revision]) -> Result<()> {
    for i in 0..revisions.len() {
        let start = if i == 0 { 0 } else { revisions[i - 1].end };
        let number = i + 1;
        let revision = &mut revisions[i];
        revision.start = start;
        if revision.xref_offset < start {
            return Err(StructureError::Ambiguous(format!(
                "the cross-reference section of revision {number} (byte {}) lies inside \
                 revision {i}",
                revision.xref_offset
            )));
        }
        if revision.hidden_offset.is_some_and(|at| at < start) {
            return Err(StructureError::Ambiguous(format!(
                "the /XRefStm of revision {number} points into an earlier revision"
            )));
        }
        for (&id, entry) in &revision.entries {
            if let Entry::Direct { offset, .. } = *entry {
                if offset < start || offset > revision.xref_offset {
                    return Err(StructureError::Ambiguous(format!(
                        "revision {number} points object {id} at byte {offset}, outside its \
                         own bytes ({start} to {}): an object from another revision \
                         brought back",
                        revision.xref_offset
                    )));
                }
            }
        }
    }
    Ok(())
}

/// A cross-reference section: a classic table with its trailer, or a stream.
struct Section {
    entries: BTreeMap<u32, Entry>,
    trailer: Dictionary,
    /// Just after `trailer << … >>` or the stream's `endobj`.
    end: usize,
    is_stream: bool,
}

fn read_section(pdf: &[u8], offset: usize) -> Result<Section> {
    let bad = |what: &str| StructureError::Section {
        offset,
        what: what.to_string(),
    };
    if offset >= pdf.len() {
        return Err(bad("it lies past the end of the file"));
    }
    let mut lexer = Lexer::new(pdf, offset);
    if lexer.keyword(b"xref") {
        return read_table(pdf, offset, lexer);
    }
    // `N G obj << … >> stream … endstream endobj`
    let header = (|| {
        let id = lexer.unsigned()?;
        lexer.skip_white();
        lexer.unsigned()?;
        lexer.skip_white();
        lexer.keyword(b"obj").then_some(id)
    })();
    if header.is_none() {
        return Err(bad(
            "there is neither `xref` nor a cross-reference stream there",
        ));
    }
    let dict = lexer
        .dictionary(0)
        .ok_or_else(|| bad("its dictionary cannot be read"))?;
    // PDFium (Chrome, Edge) writes its incremental cross-reference streams without
    // /Type /XRef (and without `endobj`); every reader follows `startxref` to them all
    // the same, so an untyped stream with /W and /Size there is taken as one.
    let untyped_xref = dict.get(b"Type").is_err() && dict.has(b"W") && dict.has(b"Size");
    if !dict.has_type(b"XRef") && !untyped_xref {
        return Err(bad(
            "the object there is not a cross-reference stream (/Type /XRef)",
        ));
    }
    lexer.skip_white();
    if !lexer.keyword(b"stream") {
        return Err(bad("its stream is missing"));
    }
    let mut data_start = lexer.pos;
    if pdf[data_start..].starts_with(b"\r\n") {
        data_start += 2;
    } else if pdf[data_start..].starts_with(b"\n") {
        data_start += 1;
    } else {
        return Err(bad("`stream` is not followed by an end of line"));
    }
    let length = match dict.get(b"Length") {
        Ok(Object::Integer(n)) => {
            usize::try_from(*n).map_err(|_| bad("its /Length is negative"))?
        }
        _ => return Err(bad("its /Length is not a direct whole number")),
    };
    let data_end = data_start
        .checked_add(length)
        .filter(|&e| e <= pdf.len())
        .ok_or_else(|| bad("its /Length runs past the end of the file"))?;
    let mut after = Lexer::new(pdf, data_end);
    after.skip_plain_white();
    if !after.keyword(b"endstream") {
        return Err(bad(
            "its data is not followed by `endstream` where /Length says",
        ));
    }
    after.skip_plain_white();
    // `endobj` may be missing (PDFium): `startxref` must then follow at once.
    if !after.keyword(b"endobj") && !pdf[after.pos..].starts_with(b"startxref") {
        return Err(bad("it is not closed by `endobj`"));
    }
    let stream = lopdf::Stream::new(dict.clone(), pdf[data_start..data_end].to_vec());
    let data = stream
        .decompressed_content_with_limit(MAX_DECOMPRESSED)
        .map_err(|e| bad(&format!("its data cannot be decompressed ({e})")))?;
    let entries = stream_entries(&dict, &data).map_err(|what| bad(&what))?;
    let mut trailer = dict;
    for key in [
        b"Type".as_slice(),
        b"W",
        b"Index",
        b"Length",
        b"Filter",
        b"DecodeParms",
    ] {
        trailer.remove(key);
    }
    Ok(Section {
        entries,
        trailer,
        end: after.pos,
        is_stream: true,
    })
}

/// The entries of a cross-reference stream (7.5.8.2, 7.5.8.3).
fn stream_entries(
    dict: &Dictionary,
    data: &[u8],
) -> std::result::Result<BTreeMap<u32, Entry>, String> {
    let numbers = |key: &[u8]| -> std::result::Result<Vec<u64>, String> {
        dict.get(key)
            .and_then(Object::as_array)
            .map_err(|_| format!("/{} is missing", String::from_utf8_lossy(key)))?
            .iter()
            .map(|o| {
                o.as_i64()
                    .ok()
                    .and_then(|n| u64::try_from(n).ok())
                    .ok_or_else(|| format!("/{} holds a non-number", String::from_utf8_lossy(key)))
            })
            .collect()
    };
    let widths = numbers(b"W")?;
    if widths.len() != 3 || widths.iter().any(|&w| w > 8) {
        return Err("/W is not three widths of at most 8 bytes".into());
    }
    let widths: Vec<usize> = widths.into_iter().map(|w| w as usize).collect();
    let row = widths.iter().sum::<usize>();
    if row == 0 {
        return Err("/W gives rows of 0 bytes".into());
    }
    let size = dict
        .get(b"Size")
        .and_then(Object::as_i64)
        .map_err(|_| "/Size is missing".to_string())?;
    let index = if dict.has(b"Index") {
        numbers(b"Index")?
    } else {
        vec![0, u64::try_from(size).map_err(|_| "/Size is negative")?]
    };
    if index.len() % 2 != 0 {
        return Err("/Index has an odd number of numbers".into());
    }
    let mut rows = data.chunks_exact(row);
    let mut entries = BTreeMap::new();
    for pair in index.chunks(2) {
        for id in pair[0]..pair[0].saturating_add(pair[1]) {
            let id = u32::try_from(id).map_err(|_| "an object number is too large")?;
            let row = rows
                .next()
                .ok_or("the stream has fewer rows than /Index lists")?;
            let field = |n: usize, default: u64| -> u64 {
                let start: usize = widths[..n].iter().sum();
                let bytes = &row[start..start + widths[n]];
                if bytes.is_empty() {
                    default
                } else {
                    bytes.iter().fold(0, |v, &b| v << 8 | u64::from(b))
                }
            };
            let entry = match field(0, 1) {
                0 => Entry::Free,
                1 => Entry::Direct {
                    offset: usize::try_from(field(1, 0)).map_err(|_| "an offset is too large")?,
                    generation: u16::try_from(field(2, 0))
                        .map_err(|_| "a generation is too large")?,
                },
                2 => Entry::Compressed {
                    container: u32::try_from(field(1, 0))
                        .map_err(|_| "an object-stream number is too large")?,
                    index: usize::try_from(field(2, 0)).map_err(|_| "an index is too large")?,
                },
                // Other types are reserved: a reader treats them as null references.
                _ => Entry::Free,
            };
            if entries.insert(id, entry).is_some() {
                return Err(format!(
                    "object {id} is listed twice (overlapping /Index ranges)"
                ));
            }
        }
    }
    Ok(entries)
}

/// A classic cross-reference table (7.5.4) and its trailer (7.5.5).
fn read_table(pdf: &[u8], offset: usize, mut lexer: Lexer) -> Result<Section> {
    let bad = |what: String| StructureError::Section { offset, what };
    let mut entries = BTreeMap::new();
    loop {
        lexer.skip_white();
        if lexer.keyword(b"trailer") {
            break;
        }
        let first = lexer.unsigned();
        lexer.skip_white();
        let count = lexer.unsigned();
        let (Some(first), Some(count)) = (first, count) else {
            return Err(bad("a subsection header is not two numbers".into()));
        };
        // The header's line ends; then `count` entries of exactly 20 bytes.
        while lexer.pos < pdf.len() && matches!(pdf[lexer.pos], b' ' | b'\t') {
            lexer.pos += 1;
        }
        if pdf[lexer.pos..].starts_with(b"\r\n") {
            lexer.pos += 2;
        } else if lexer.pos < pdf.len() && matches!(pdf[lexer.pos], b'\r' | b'\n') {
            lexer.pos += 1;
        } else {
            return Err(bad("a subsection header does not end its line".into()));
        }
        for n in 0..count {
            let id = u32::try_from(first + n)
                .map_err(|_| bad("an object number is too large".into()))?;
            let line = pdf
                .get(lexer.pos..lexer.pos + 20)
                .ok_or_else(|| bad("the table runs past the end of the file".into()))?;
            let text = std::str::from_utf8(&line[..18]).ok();
            let parsed = text.and_then(|t| {
                let offset: usize = t.get(0..10)?.parse().ok()?;
                let generation: u32 = t.get(11..16)?.parse().ok()?;
                let kind = t.as_bytes().get(17)?;
                (t.as_bytes()[10] == b' ' && t.as_bytes()[16] == b' ')
                    .then_some((offset, generation, *kind))
            });
            let eol_ok = matches!(&line[18..], b" \n" | b" \r" | b"\r\n");
            let Some((at, generation, kind)) = parsed.filter(|_| eol_ok) else {
                return Err(bad(format!(
                    "the entry for object {id} is not 20 bytes as the standard says"
                )));
            };
            let entry = match kind {
                b'n' => Entry::Direct {
                    offset: at,
                    generation: u16::try_from(generation)
                        .map_err(|_| bad(format!("object {id}'s generation is too large")))?,
                },
                b'f' => Entry::Free,
                _ => return Err(bad(format!("the entry for object {id} is neither n nor f"))),
            };
            if entries.insert(id, entry).is_some() {
                return Err(StructureError::Ambiguous(format!(
                    "object {id} is listed twice in the cross-reference table at byte {offset}"
                )));
            }
            lexer.pos += 20;
        }
    }
    let trailer = lexer
        .dictionary(0)
        .ok_or_else(|| bad("its trailer dictionary cannot be read".into()))?;
    Ok(Section {
        entries,
        trailer,
        end: lexer.pos,
        is_stream: false,
    })
}

/// After a section ending at `end`: `startxref <offset> %%EOF` and an end of line. Returns
/// where `%%EOF` ends and where the revision ends.
fn section_end(pdf: &[u8], offset: usize, end: usize) -> Result<(usize, usize)> {
    let mut lexer = Lexer::new(pdf, end);
    lexer.skip_plain_white();
    let pointer = (|| {
        if !lexer.keyword(b"startxref") {
            return None;
        }
        lexer.skip_plain_white();
        let value = lexer.unsigned()?;
        lexer.skip_plain_white();
        pdf[lexer.pos..].starts_with(b"%%EOF").then_some(value)
    })();
    match pointer {
        Some(value) if value == offset as u64 => {}
        Some(value) => {
            return Err(StructureError::Ambiguous(format!(
                "the cross-reference section at byte {offset} is followed by `startxref \
                 {value}`, not by its own offset"
            )))
        }
        None => {
            return Err(StructureError::Ambiguous(format!(
                "the cross-reference section at byte {offset} is not followed by `startxref \
                 {offset} %%EOF`"
            )))
        }
    }
    let eof_end = lexer.pos + 5;
    let end = if pdf[eof_end..].starts_with(b"\r\n") {
        eof_end + 2
    } else if pdf.get(eof_end).is_some_and(|&b| b == b'\r' || b == b'\n') {
        eof_end + 1
    } else {
        eof_end
    };
    Ok((eof_end, end))
}

/// The offset in the last `startxref` of the file, whose `%%EOF` starts at `eof`.
fn last_startxref(pdf: &[u8], eof: usize) -> Result<usize> {
    let before = &pdf[..eof];
    let digits_end = before.len() - before.iter().rev().take_while(|&&b| is_white(b)).count();
    let digits_start = digits_end
        - before[..digits_end]
            .iter()
            .rev()
            .take_while(|b| b.is_ascii_digit())
            .count();
    let keyword_end = digits_start
        - before[..digits_start]
            .iter()
            .rev()
            .take_while(|&&b| is_white(b))
            .count();
    if digits_start == digits_end
        || digits_start == keyword_end
        || !before[..keyword_end].ends_with(b"startxref")
        || digits_end - digits_start > 19
    {
        return Err(StructureError::NoStartxref);
    }
    std::str::from_utf8(&before[digits_start..digits_end])
        .ok()
        .and_then(|d| d.parse().ok())
        .ok_or(StructureError::NoStartxref)
}

/// A non-negative whole number under `key`, if present.
fn integer(dict: &Dictionary, key: &[u8]) -> Result<Option<usize>> {
    match dict.get(key) {
        Err(_) => Ok(None),
        Ok(Object::Integer(n)) if *n >= 0 => Ok(Some(*n as usize)),
        Ok(_) => Err(StructureError::Ambiguous(format!(
            "the trailer's /{} is not a whole number",
            String::from_utf8_lossy(key)
        ))),
    }
}

fn find_all<'a>(haystack: &'a [u8], needle: &'a [u8]) -> impl Iterator<Item = usize> + 'a {
    memchr::memmem::find_iter(haystack, needle)
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::rfind(haystack, needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Appends objects (`(id, body)`) and a classic cross-reference section to `pdf`,
    /// with `extra` trailer entries; `tail` follows the trailer (normally
    /// `startxref N %%EOF`, written by the caller through `{xref}`).
    fn update(pdf: &mut Vec<u8>, objects: &[(u32, &str)], extra: &str, tail: &str) -> usize {
        let mut offsets = Vec::new();
        for (id, body) in objects {
            offsets.push((*id, pdf.len()));
            pdf.extend(format!("{id} 0 obj\n{body}\nendobj\n").as_bytes());
        }
        let xref = pdf.len();
        pdf.extend(b"xref\n");
        if !extra.contains("/Prev") {
            pdf.extend(b"0 1\n0000000000 65535 f \n");
        }
        for (id, offset) in offsets {
            pdf.extend(format!("{id} 1\n{offset:010} 00000 n \n").as_bytes());
        }
        pdf.extend(format!("trailer\n<< /Size 10 /Root 1 0 R {extra} >>\n").as_bytes());
        pdf.extend(tail.replace("{xref}", &xref.to_string()).as_bytes());
        xref
    }

    const EOF: &str = "startxref\n{xref}\n%%EOF\n";

    fn original() -> (Vec<u8>, usize) {
        let mut pdf = b"%PDF-1.7\n".to_vec();
        let xref = update(
            &mut pdf,
            &[
                (1, "<< /Type /Catalog /Pages 2 0 R >>"),
                (2, "<< /Type /Pages /Kids [] /Count 0 >>"),
            ],
            "",
            EOF,
        );
        (pdf, xref)
    }

    #[test]
    fn an_incremental_update_is_a_second_revision() {
        let (mut pdf, first) = original();
        let end = pdf.len();
        update(
            &mut pdf,
            &[(2, "<< /Type /Pages /Kids [] /Count 0 /X 1 >>")],
            &format!("/Prev {first}"),
            EOF,
        );
        let history = History::read(&pdf).unwrap();
        assert_eq!(history.revisions.len(), 2);
        assert_eq!(history.ending_at(end), Some(0));
        assert_eq!(
            history.ending_at(end - 1),
            Some(0),
            "the %%EOF without its newline"
        );
        assert_eq!(history.ending_at(end - 2), None);
        let old = history.document(&pdf, 0).unwrap();
        let new = history.document(&pdf, 1).unwrap();
        assert!(!old.get_dictionary((2, 0)).unwrap().has(b"X"));
        assert!(new.get_dictionary((2, 0)).unwrap().has(b"X"));
    }

    #[test]
    fn a_decoy_startxref_or_eof_is_refused() {
        let (mut pdf, first) = original();
        let decoy = format!("startxref\n{first}\n%%EOF\nstartxref\n{{xref}}\n%%EOF\n");
        update(
            &mut pdf,
            &[(2, "<< /Count 1 >>")],
            &format!("/Prev {first}"),
            &decoy,
        );
        let err = History::read(&pdf).unwrap_err().to_string();
        assert!(
            err.contains(&format!("followed by `startxref {first}`")),
            "{err}"
        );

        let (mut pdf, first) = original();
        update(
            &mut pdf,
            &[(2, "<< /Count 1 >>")],
            &format!("/Prev {first}"),
            "startxref\n{xref}\n",
        );
        let err = History::read(&pdf).unwrap_err().to_string();
        assert!(err.contains("after its last %%EOF"), "{err}");

        // A whole revision nobody chains to, hiding in the middle.
        let (mut pdf, first) = original();
        update(
            &mut pdf,
            &[(2, "<< /Count 2 >>")],
            &format!("/Prev {first}"),
            EOF,
        );
        update(
            &mut pdf,
            &[(2, "<< /Count 1 >>")],
            &format!("/Prev {first}"),
            EOF,
        );
        let err = History::read(&pdf).unwrap_err().to_string();
        assert!(err.contains("ends no revision"), "{err}");
    }

    #[test]
    fn objects_listed_twice_or_from_another_revision_are_refused() {
        let (mut pdf, first) = original();
        let xref = pdf.len();
        pdf.extend(format!(
            "xref\n2 1\n{:010} 00000 n \n2 1\n{:010} 00000 n \ntrailer\n<< /Size 3 /Root 1 0 R /Prev {first} >>\nstartxref\n{xref}\n%%EOF\n",
            9, 9
        ).as_bytes());
        let err = History::read(&pdf).unwrap_err().to_string();
        assert!(err.contains("object 2 is listed twice"), "{err}");

        // An update that points an object back into the first revision's bytes.
        let (mut pdf, first) = original();
        let old_catalog = 9;
        let xref = pdf.len();
        pdf.extend(format!(
            "xref\n2 1\n{old_catalog:010} 00000 n \ntrailer\n<< /Size 3 /Root 1 0 R /Prev {first} >>\nstartxref\n{xref}\n%%EOF\n"
        ).as_bytes());
        let err = History::read(&pdf).unwrap_err().to_string();
        assert!(err.contains("outside its own bytes"), "{err}");
    }

    /// PDFium (Chrome, Edge) saves incrementally with an untyped cross-reference stream,
    /// a type column of width 0, and no `endobj`.
    #[test]
    fn pdfiums_untyped_cross_reference_stream_is_read() {
        let (mut pdf, first) = original();
        let at = pdf.len();
        pdf.extend(b"2 0 obj\r\n<< /Type /Pages /Kids [] /Count 0 /X 1 >>\r\nendobj\r\n");
        let xref = pdf.len();
        let mut row = (at as u32).to_be_bytes().to_vec();
        row.push(0);
        pdf.extend(
            format!(
                "3 0 obj <</Root 1 0 R /Size 4/Prev {first}/W[0 4 1]/Index[2 1 ]/Length {}>>stream\r\n",
                row.len()
            )
            .as_bytes(),
        );
        pdf.extend(&row);
        pdf.extend(format!("\r\nendstream\r\nstartxref\r\n{xref}\r\n%%EOF\r\n").as_bytes());
        let history = History::read(&pdf).unwrap();
        assert_eq!(history.revisions.len(), 2);
        let doc = history.document(&pdf, 1).unwrap();
        assert!(doc.get_dictionary((2, 0)).unwrap().has(b"X"));
    }

    #[test]
    fn an_entry_pointing_at_another_object_is_refused() {
        let (mut pdf, first) = original();
        let at = pdf.len();
        pdf.extend(b"3 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n");
        let xref = pdf.len();
        pdf.extend(format!(
            "xref\n2 1\n{at:010} 00000 n \ntrailer\n<< /Size 4 /Root 1 0 R /Prev {first} >>\nstartxref\n{xref}\n%%EOF\n"
        ).as_bytes());
        let history = History::read(&pdf).unwrap();
        let err = history.document(&pdf, 1).unwrap_err().to_string();
        assert!(err.contains("where another object stands"), "{err}");
    }
}
