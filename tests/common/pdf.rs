//! PDFs read back with lopdf: their text as lopdf extracts it through the fonts' ToUnicode
//! maps (with the form XObjects a page shows), and their objects' strings.

use std::path::Path;

use lopdf::{Document, Object};

/// A PDF file, loaded.
pub fn load(path: &Path) -> Document {
    Document::load(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// All text of a loaded PDF, its pages in order.
pub fn all_text(doc: &Document) -> String {
    let doc = as_shown(doc);
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    doc.extract_text(&pages).unwrap()
}

/// `doc` with the content of every form XObject a page shows (`/Name Do`, as the running
/// footer is) appended to the page's own content, so lopdf, which reads page content
/// only, extracts the text a reader shows. The footer's form is drawn in page
/// coordinates with the page's fonts, so its operators mean the same on the page.
pub fn as_shown(doc: &Document) -> Document {
    let mut doc = doc.clone();
    for page in doc.get_pages().into_values() {
        let shown = doc.get_page_content(page);
        let Ok((_, resources)) = doc.get_page_resources(page) else {
            continue;
        };
        let mut forms = Vec::new();
        for resources in resources {
            let Ok(xobjects) = doc
                .get_dictionary(resources)
                .and_then(|r| r.get(b"XObject"))
                .and_then(Object::as_dict)
            else {
                continue;
            };
            for (name, form) in xobjects.iter() {
                let call = [b"/", &name[..], b" Do"].concat();
                if !shown.windows(call.len()).any(|w| w == call) {
                    continue;
                }
                let stream = resolve(&doc, form).as_stream().unwrap();
                if stream.dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Form") {
                    forms.push(stream.decompressed_content().unwrap());
                }
            }
        }
        for content in forms {
            doc.add_page_contents(page, content).unwrap();
        }
    }
    doc
}

/// All text of a PDF file.
pub fn text(path: &Path) -> String {
    all_text(&load(path))
}

/// All text of a PDF in memory.
pub fn text_of_bytes(pdf: &[u8]) -> String {
    all_text(&Document::load_mem(pdf).unwrap())
}

/// The text of each page of a PDF file.
pub fn page_texts(path: &Path) -> Vec<String> {
    let doc = as_shown(&load(path));
    doc.get_pages()
        .keys()
        .map(|&p| doc.extract_text(&[p]).unwrap())
        .collect()
}

/// The object a reference points to, or the object itself.
pub fn resolve<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    match o {
        Object::Reference(id) => doc.get_object(*id).unwrap(),
        o => o,
    }
}

/// A string or name object as text: UTF-16BE after its byte order mark, else the bytes as
/// UTF-8; anything else is "".
pub fn string(doc: &Document, o: &Object) -> String {
    match resolve(doc, o) {
        Object::String(bytes, _) => match bytes.strip_prefix(&[0xFE, 0xFF]) {
            Some(u) => String::from_utf16(
                &u.chunks(2)
                    .map(|c| u16::from_be_bytes([c[0], c[1]]))
                    .collect::<Vec<_>>(),
            )
            .unwrap(),
            None => String::from_utf8_lossy(bytes).into_owned(),
        },
        Object::Name(n) => String::from_utf8_lossy(n).into_owned(),
        _ => String::new(),
    }
}
