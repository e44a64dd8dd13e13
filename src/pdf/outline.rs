//! The document outline (bookmarks): one entry per section heading the layout marked, in
//! reading order, each opening its page at the heading.
//!
//! The catalog gets no `/PageMode /UseOutlines`: readers show the outline on request
//! (and screen readers list it), but opening every guide with a side panel narrows the
//! page that most readers are there to fill in.

use lopdf::{Dictionary, Object, ObjectId};

use super::compact_text_string;
use crate::layout::Document;
use crate::pdf::error::{Error, Result};

/// Adds the outline of `layout`'s bookmarks to `doc`, if it has any.
pub fn apply(doc: &mut lopdf::Document, layout: &Document, catalog: ObjectId) -> Result<()> {
    let pages: Vec<ObjectId> = doc.get_pages().values().copied().collect();
    let entries: Vec<(ObjectId, &str, f32)> = layout
        .pages
        .iter()
        .zip(&pages)
        .flat_map(|(page, id)| {
            page.bookmarks
                .iter()
                .map(move |b| (*id, b.title.as_str(), layout.height - b.y))
        })
        .collect();
    if entries.is_empty() {
        return Ok(());
    }
    let root = doc.new_object_id();
    let ids: Vec<ObjectId> = entries.iter().map(|_| doc.new_object_id()).collect();
    for (i, ((page, title, top), id)) in entries.iter().zip(&ids).enumerate() {
        let mut item = Dictionary::from_iter(vec![
            ("Title", compact_text_string(title)),
            ("Parent", Object::Reference(root)),
            (
                "Dest",
                Object::Array(vec![
                    Object::Reference(*page),
                    Object::Name(b"XYZ".to_vec()),
                    Object::Null,
                    Object::Real((top * 100.0).round() / 100.0),
                    Object::Null,
                ]),
            ),
        ]);
        if i > 0 {
            item.set("Prev", Object::Reference(ids[i - 1]));
        }
        if let Some(next) = ids.get(i + 1) {
            item.set("Next", Object::Reference(*next));
        }
        doc.objects.insert(*id, Object::Dictionary(item));
    }
    let outlines = Dictionary::from_iter(vec![
        ("Type", Object::Name(b"Outlines".to_vec())),
        ("First", Object::Reference(ids[0])),
        ("Last", Object::Reference(ids[ids.len() - 1])),
        ("Count", Object::Integer(ids.len() as i64)),
    ]);
    doc.objects.insert(root, Object::Dictionary(outlines));
    doc.get_object_mut(catalog)
        .and_then(Object::as_dict_mut)
        .map_err(|e| Error::Pdf {
            message: format!("outline: {e}"),
        })?
        .set("Outlines", Object::Reference(root));
    Ok(())
}
