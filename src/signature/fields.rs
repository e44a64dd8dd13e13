//! The form's field tree (ISO 32000-1, 12.7.3): every field and widget reachable from
//! the AcroForm's `/Fields`, in document order, with fully qualified names and inherited
//! field types and values.

use std::collections::HashSet;

use lopdf::{Dictionary, Document, Object, ObjectId};

/// How deep a field tree may nest before the rest is ignored (a guard against loops and
/// absurd files; real forms nest a handful of levels).
const MAX_DEPTH: usize = 32;

/// A field or a widget of one.
pub(crate) struct Node<'a> {
    /// The object, when it is an indirect one (it nearly always is).
    pub id: Option<ObjectId>,
    pub dict: &'a Dictionary,
    /// Fully qualified: the `/T` of it and its ancestors joined with '.'.
    pub name: String,
    /// `/FT`, inherited.
    pub field_type: Option<&'a [u8]>,
    /// `/V`, inherited.
    pub value: Option<&'a Object>,
    /// A terminal field (one that has a value), as opposed to a non-terminal field or a
    /// widget below a terminal field.
    pub terminal: bool,
}

/// The catalog's form dictionary, and its object id when it is an indirect object.
pub(crate) fn acroform(doc: &Document) -> Option<(Option<ObjectId>, &Dictionary)> {
    let catalog = doc.catalog().ok()?;
    let (id, object) = doc.dereference(catalog.get(b"AcroForm").ok()?).ok()?;
    Some((id, object.as_dict().ok()?))
}

/// Every field and widget of `doc`'s form, depth first in the order of `/Fields` and
/// `/Kids`.
pub(crate) fn walk(doc: &Document) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    let Some((_, form)) = acroform(doc) else {
        return out;
    };
    let Ok(fields) = form.get(b"Fields").and_then(|f| doc.dereference(f)) else {
        return out;
    };
    let Ok(fields) = fields.1.as_array() else {
        return out;
    };
    let mut seen = HashSet::new();
    for field in fields {
        visit(doc, field, "", None, None, 0, &mut seen, &mut out);
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn visit<'a>(
    doc: &'a Document,
    object: &'a Object,
    parent_name: &str,
    field_type: Option<&'a [u8]>,
    value: Option<&'a Object>,
    depth: usize,
    seen: &mut HashSet<ObjectId>,
    out: &mut Vec<Node<'a>>,
) {
    if depth > MAX_DEPTH {
        return;
    }
    let Ok((id, object)) = doc.dereference(object) else {
        return;
    };
    if let Some(id) = id {
        if !seen.insert(id) {
            return;
        }
    }
    let Ok(dict) = object.as_dict() else {
        return;
    };
    let partial = dict
        .get(b"T")
        .ok()
        .and_then(|t| lopdf::decode_text_string(t).ok());
    let name = match partial {
        // lopdf keeps a UTF-8 byte-order mark in the string.
        Some(p) if !p.is_empty() => {
            let p = p.trim_start_matches('\u{FEFF}');
            if parent_name.is_empty() {
                p.to_string()
            } else {
                format!("{parent_name}.{p}")
            }
        }
        _ => parent_name.to_string(),
    };
    let field_type = dict
        .get(b"FT")
        .and_then(Object::as_name)
        .ok()
        .or(field_type);
    let value = dict.get(b"V").ok().or(value);
    let kids: Vec<&Object> = dict
        .get(b"Kids")
        .and_then(|k| doc.dereference(k))
        .and_then(|(_, k)| k.as_array())
        .map(|k| k.iter().collect())
        .unwrap_or_default();
    // A field's kids are fields (with /T) or its widgets (without).
    let kid_is_field = |kid: &&Object| {
        doc.dereference(kid)
            .ok()
            .and_then(|(_, k)| k.as_dict().ok())
            .is_some_and(|k| k.has(b"T"))
    };
    // Below the top level, a dictionary without /T is a widget of its parent field.
    let is_field = depth == 0 || dict.has(b"T");
    let terminal = is_field && !kids.iter().any(kid_is_field);
    out.push(Node {
        id,
        dict,
        name: name.clone(),
        field_type,
        value,
        terminal,
    });
    for kid in kids {
        visit(doc, kid, &name, field_type, value, depth + 1, seen, out);
    }
}
