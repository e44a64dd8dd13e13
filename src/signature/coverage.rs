//! What changed in a file after a signature: the signed revision (the bytes up to the end
//! of its `/ByteRange`) against the whole file, object by object — a small cousin of
//! pyHanko's `DiffPolicy`.
//!
//! Allowed after signing, because signing the next field and filling in the form need
//! them (and nothing else a guide's later signer does):
//! - new objects of any kind: they are inert until a changed object refers to them, and
//!   every changed object is checked below;
//! - a field or widget changing only `/V`, `/AS`, `/AP` and `/MK` — a signature field
//!   only while it had no `/V` (signing it): a signed one, its signature and its
//!   appearance, stay as they were;
//! - the appearance streams (and appearance dictionaries) of fields other than signed
//!   signature fields changing;
//! - the AcroForm changing only `/SigFlags`, `/DR`, `/NeedAppearances` (`/Fields` stays);
//! - the catalog changing only `/AcroForm` (as above), `/DSS` (validation data),
//!   `/Extensions` and `/Version` (for a PAdES signature pyHanko declares the ESIC
//!   extension, for an ECDSA one the ISO 32002 extension and PDF 2.0);
//! - the Info dictionary changing only `/ModDate` and `/Producer` (and how its other text
//!   strings are encoded, not what they say), the XMP metadata stream changing (pyHanko
//!   updates both when it signs), `/DSS` objects changing;
//! - cross-reference and object streams coming and going (they are file structure).
//!
//! Anything else — a page, its `/Annots` or `/Contents`, a font, a field's `/Rect`, a
//! deleted object, a new `/Root` — is a change the archive refuses.

use std::collections::{BTreeSet, HashMap, HashSet};

use lopdf::{Dictionary, Document, Object, ObjectId};

use super::fields;

/// How many disallowed changes a description names before it says "and N more".
const NAMED: usize = 3;

/// `Ok` when every change from `signed` to `full` is one that signing or form filling
/// makes, with the fields that were filled in (empty when only signing followed);
/// otherwise a description of the other changes.
pub(crate) fn check(signed: &Document, full: &Document) -> Result<BTreeSet<String>, String> {
    let allowed = Allowed::of(signed);
    let mut problems: Vec<(ObjectId, String)> = Vec::new();
    let mut filled = BTreeSet::new();

    for key in [b"Root".as_slice(), b"Encrypt"] {
        if signed.trailer.get(key).ok() != full.trailer.get(key).ok() {
            problems.push((
                (0, 0),
                format!("the trailer's /{} changed", String::from_utf8_lossy(key)),
            ));
        }
    }
    for (&id, new) in &full.objects {
        let Some(old) = signed.objects.get(&id) else {
            continue;
        };
        if same(old, new) || (is_file_structure(old) && is_file_structure(new)) {
            continue;
        }
        if let Some(problem) = allowed.judge(id, old, new, &mut filled) {
            problems.push((id, problem));
        }
    }
    for (&id, old) in &signed.objects {
        if !full.objects.contains_key(&id) && !is_file_structure(old) {
            problems.push((id, format!("{} was deleted", describe(id, old))));
        }
    }
    if problems.is_empty() {
        return Ok(filled);
    }
    problems.sort_by_key(|(id, _)| *id);
    let mut text: Vec<String> = problems
        .iter()
        .take(NAMED)
        .map(|(_, p)| p.clone())
        .collect();
    if problems.len() > NAMED {
        text.push(format!("and {} more", problems.len() - NAMED));
    }
    Err(text.join("; "))
}

/// The objects of the signed revision that signing and form filling may change.
struct Allowed {
    catalog: Option<ObjectId>,
    acroform: Option<ObjectId>,
    info: Option<ObjectId>,
    metadata: Option<ObjectId>,
    /// Field and widget dictionaries: whether each is a signature field already signed,
    /// and the field's name unless it is a signature field (changing it is form filling).
    fields: Vec<(ObjectId, bool, Option<String>)>,
    /// Appearance streams and dictionaries, with the field's name as in `fields`.
    appearances: HashMap<ObjectId, Option<String>>,
    dss: HashSet<ObjectId>,
}

impl Allowed {
    fn of(doc: &Document) -> Self {
        let reference = |object: Option<&Object>| object.and_then(|o| o.as_reference().ok());
        let catalog_id = reference(doc.trailer.get(b"Root").ok());
        let catalog = doc.catalog().ok();
        let mut fields = Vec::new();
        let mut appearances = HashMap::new();
        for node in fields::walk(doc) {
            let signature = node.field_type == Some(b"Sig".as_slice());
            let signed_signature = signature && node.dict.has(b"V");
            let filled = (!signature).then(|| node.name.clone());
            if let Some(id) = node.id {
                fields.push((id, signed_signature, filled.clone()));
            }
            // A signed signature's appearance is part of what was signed.
            if let (Ok(ap), false) = (node.dict.get(b"AP"), signed_signature) {
                let mut reachable = HashSet::new();
                collect(doc, ap, 2, &mut reachable);
                for id in reachable {
                    appearances.insert(id, filled.clone());
                }
            }
        }
        let mut dss = HashSet::new();
        if let Some(d) = catalog.and_then(|c| c.get(b"DSS").ok()) {
            collect(doc, d, 4, &mut dss);
        }
        Allowed {
            catalog: catalog_id,
            acroform: fields::acroform(doc).and_then(|(id, _)| id),
            info: reference(doc.trailer.get(b"Info").ok()),
            metadata: reference(catalog.and_then(|c| c.get(b"Metadata").ok())),
            fields,
            appearances,
            dss,
        }
    }

    /// `None` when the change of object `id` from `old` to `new` is allowed (adding the
    /// field to `filled` when it is form filling); else what changed.
    fn judge(
        &self,
        id: ObjectId,
        old: &Object,
        new: &Object,
        filled: &mut BTreeSet<String>,
    ) -> Option<String> {
        let what = describe(id, old);
        let only = |keys: &[&[u8]]| -> Option<String> {
            let (Ok(a), Ok(b)) = (old.as_dict(), new.as_dict()) else {
                return Some(format!("{what} was replaced by a different kind of object"));
            };
            let changed: Vec<String> = changed_keys(a, b)
                .into_iter()
                .filter(|k| !keys.contains(&k.as_slice()))
                .map(|k| format!("/{}", String::from_utf8_lossy(&k)))
                .collect();
            (!changed.is_empty()).then(|| format!("{what}: {} changed", changed.join(", ")))
        };
        if Some(id) == self.catalog {
            if let Some(problem) = only(&[b"AcroForm", b"DSS", b"Extensions", b"Version"]) {
                return Some(problem);
            }
            fn form(o: &Object) -> Option<&Object> {
                o.as_dict().ok().and_then(|c| c.get(b"AcroForm").ok())
            }
            return match (form(old), form(new)) {
                (Some(Object::Dictionary(a)), Some(Object::Dictionary(b))) => {
                    acroform_changes(a, b).map(|p| format!("{what}: the form's {p}"))
                }
                (a, b) if a == b => None,
                _ => Some(format!("{what}: /AcroForm was replaced")),
            };
        }
        if Some(id) == self.acroform {
            let (Ok(a), Ok(b)) = (old.as_dict(), new.as_dict()) else {
                return Some(format!("{what} was replaced by a different kind of object"));
            };
            return acroform_changes(a, b).map(|p| format!("{what}: {p}"));
        }
        if let Some((_, signed_signature, name)) = self.fields.iter().find(|(f, ..)| *f == id) {
            if *signed_signature {
                // The signature dictionary a field already points to must stay: the
                // fields may be signed once each.
                return only(&[]).map(|p| format!("{p} (a field that was already signed)"));
            }
            let problem = only(&[b"V", b"AS", b"AP", b"MK"]);
            if let (None, Some(name)) = (&problem, name) {
                filled.insert(name.clone());
            }
            return problem;
        }
        if Some(id) == self.info {
            return info_changes(old, new).map(|p| format!("{what}: {p}"));
        }
        if Some(id) == self.metadata {
            return match new {
                Object::Stream(s) if s.dict.has_type(b"Metadata") => None,
                _ => Some(format!("{what} is no longer a metadata stream")),
            };
        }
        if let Some(name) = self.appearances.get(&id) {
            filled.extend(name.clone());
            return None;
        }
        if self.dss.contains(&id) {
            return None;
        }
        let detail = match (old, new) {
            (Object::Stream(a), Object::Stream(b)) => {
                let mut keys: Vec<String> = changed_keys(&a.dict, &b.dict)
                    .into_iter()
                    .filter(|k| k != b"Length")
                    .map(|k| format!("/{}", String::from_utf8_lossy(&k)))
                    .collect();
                if a.content != b.content {
                    keys.push("its content".into());
                }
                format!("{} changed", keys.join(", "))
            }
            (Object::Dictionary(a), Object::Dictionary(b)) => {
                let keys: Vec<String> = changed_keys(a, b)
                    .into_iter()
                    .map(|k| format!("/{}", String::from_utf8_lossy(&k)))
                    .collect();
                format!("{} changed", keys.join(", "))
            }
            _ => "changed".into(),
        };
        Some(format!("{what}: {detail}"))
    }
}

/// What may change in the form dictionary: `None` when only that did.
fn acroform_changes(old: &Dictionary, new: &Dictionary) -> Option<String> {
    let changed: Vec<String> = changed_keys(old, new)
        .into_iter()
        .filter(|k| ![b"SigFlags".as_slice(), b"DR", b"NeedAppearances"].contains(&k.as_slice()))
        .map(|k| format!("/{}", String::from_utf8_lossy(&k)))
        .collect();
    (!changed.is_empty()).then(|| format!("{} changed", changed.join(", ")))
}

/// What may change in the Info dictionary: `/ModDate` and `/Producer`, and the encoding
/// of the other text strings (pyHanko writes them anew, in PDFDocEncoding where it can).
fn info_changes(old: &Object, new: &Object) -> Option<String> {
    let (Ok(a), Ok(b)) = (old.as_dict(), new.as_dict()) else {
        return Some("was replaced by a different kind of object".into());
    };
    let text = |d: &Dictionary, k: &[u8]| {
        d.get(k).ok().map(|v| match lopdf::decode_text_string(v) {
            Ok(t) => Object::string_literal(t.trim_start_matches('\u{FEFF}')),
            Err(_) => v.clone(),
        })
    };
    let changed: Vec<String> = changed_keys(a, b)
        .into_iter()
        .filter(|k| ![b"ModDate".as_slice(), b"Producer"].contains(&k.as_slice()))
        .filter(|k| text(a, k) != text(b, k))
        .map(|k| format!("/{}", String::from_utf8_lossy(&k)))
        .collect();
    (!changed.is_empty()).then(|| format!("{} changed", changed.join(", ")))
}

/// The keys whose values differ between two dictionaries (added and removed ones too),
/// sorted.
fn changed_keys(a: &Dictionary, b: &Dictionary) -> BTreeSet<Vec<u8>> {
    a.iter()
        .chain(b.iter())
        .map(|(k, _)| k)
        .filter(|k| a.get(k).ok() != b.get(k).ok())
        .cloned()
        .collect()
}

/// Whether two objects are the same, streams by dictionary and content (not by where
/// they sit in the file).
fn same(a: &Object, b: &Object) -> bool {
    match (a, b) {
        (Object::Stream(a), Object::Stream(b)) => a.dict == b.dict && a.content == b.content,
        _ => a == b,
    }
}

/// Cross-reference and object streams: how the file is stored, not what it says.
fn is_file_structure(object: &Object) -> bool {
    matches!(object, Object::Stream(s) if s.dict.has_type(b"XRef") || s.dict.has_type(b"ObjStm"))
}

/// Object ids reachable from `object` within `depth` references.
fn collect(doc: &Document, object: &Object, depth: usize, out: &mut HashSet<ObjectId>) {
    match object {
        Object::Reference(id) if out.insert(*id) && depth > 0 => {
            if let Ok(target) = doc.get_object(*id) {
                collect(doc, target, depth - 1, out);
            }
        }
        Object::Dictionary(d) => d.iter().for_each(|(_, v)| collect(doc, v, depth, out)),
        Object::Array(a) => a.iter().for_each(|v| collect(doc, v, depth, out)),
        // An appearance stream's own resources are not appearances: stop at the stream.
        _ => {}
    }
}

/// "object 24 0 (/Page)": the object and its type, for a person.
fn describe(id: ObjectId, object: &Object) -> String {
    let dict = match object {
        Object::Dictionary(d) => Some(d),
        Object::Stream(s) => Some(&s.dict),
        _ => None,
    };
    let name = |key: &[u8]| {
        dict.and_then(|d| d.get(key).ok())
            .and_then(|v| v.as_name().ok())
            .map(|n| format!("/{}", String::from_utf8_lossy(n)))
    };
    let kind = match (name(b"Type"), name(b"Subtype"), name(b"FT")) {
        (Some(t), Some(s), _) => format!("{t} {s}"),
        (Some(t), None, _) => t,
        (None, Some(s), _) => s,
        (None, None, Some(ft)) => format!("{ft} field"),
        _ => match object {
            Object::Stream(_) => "stream".into(),
            Object::Dictionary(_) => "dictionary".into(),
            Object::Array(_) => "array".into(),
            _ => "value".into(),
        },
    };
    format!("object {} {} ({kind})", id.0, id.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dict(entries: Vec<(&str, Object)>) -> Object {
        Object::Dictionary(Dictionary::from_iter(entries))
    }

    #[test]
    fn changed_keys_names_added_removed_and_changed() {
        let a = Dictionary::from_iter(vec![("A", 1.into()), ("B", 2.into()), ("C", 3.into())]);
        let b = Dictionary::from_iter(vec![("A", 1.into()), ("B", 5.into()), ("D", 4.into())]);
        let keys: Vec<&[u8]> = vec![b"B", b"C", b"D"];
        assert_eq!(
            changed_keys(&a, &b),
            keys.into_iter().map(<[u8]>::to_vec).collect()
        );
    }

    /// A one-page form: catalog 1, page 2, a text field 3 with appearance 4, a signed
    /// signature field 5 with signature 6, Info 7.
    fn form() -> Document {
        let mut doc = Document::with_version("1.7");
        let name = |n: &str| Object::Name(n.as_bytes().to_vec());
        let ap = |id: u32| dict(vec![("N", Object::Reference((id, 0)))]);
        doc.objects.insert(
            (1, 0),
            dict(vec![
                ("Type", name("Catalog")),
                (
                    "AcroForm",
                    dict(vec![(
                        "Fields",
                        Object::Array(vec![Object::Reference((3, 0)), Object::Reference((5, 0))]),
                    )]),
                ),
            ]),
        );
        doc.objects.insert(
            (2, 0),
            dict(vec![
                ("Type", name("Page")),
                (
                    "Annots",
                    Object::Array(vec![Object::Reference((3, 0)), Object::Reference((5, 0))]),
                ),
            ]),
        );
        doc.objects.insert(
            (3, 0),
            dict(vec![
                ("FT", name("Tx")),
                ("T", Object::string_literal("svar")),
                ("AP", ap(4)),
            ]),
        );
        doc.objects.insert(
            (4, 0),
            Object::Stream(lopdf::Stream::new(Dictionary::new(), Vec::new())),
        );
        doc.objects.insert(
            (5, 0),
            dict(vec![
                ("FT", name("Sig")),
                ("T", Object::string_literal("underskrift")),
                ("V", Object::Reference((6, 0))),
            ]),
        );
        doc.objects
            .insert((6, 0), dict(vec![("Type", name("Sig"))]));
        doc.objects.insert(
            (7, 0),
            dict(vec![
                ("Title", Object::string_literal("Guide")),
                ("ModDate", Object::string_literal("D:2027")),
            ]),
        );
        doc.trailer.set("Root", Object::Reference((1, 0)));
        doc.trailer.set("Info", Object::Reference((7, 0)));
        doc
    }

    fn set(doc: &mut Document, id: u32, key: &str, value: Object) {
        doc.get_dictionary_mut((id, 0)).unwrap().set(key, value);
    }

    #[test]
    fn filling_a_field_and_updating_metadata_are_allowed() {
        let signed = form();
        let mut full = form();
        set(&mut full, 3, "V", Object::string_literal("Et svar"));
        set(
            &mut full,
            3,
            "AP",
            dict(vec![("N", Object::Reference((8, 0)))]),
        );
        full.objects.insert(
            (8, 0),
            Object::Stream(lopdf::Stream::new(Dictionary::new(), b"BT ET".to_vec())),
        );
        // The old appearance rewritten in place (pypdf does that) is allowed too.
        full.objects.insert(
            (4, 0),
            Object::Stream(lopdf::Stream::new(Dictionary::new(), b"BT ET".to_vec())),
        );
        set(&mut full, 7, "ModDate", Object::string_literal("D:2028"));
        // The same title, encoded anew as UTF-16.
        set(
            &mut full,
            7,
            "Title",
            Object::String(
                vec![0xFE, 0xFF, 0, b'G', 0, b'u', 0, b'i', 0, b'd', 0, b'e'],
                lopdf::StringFormat::Hexadecimal,
            ),
        );
        assert_eq!(
            check(&signed, &full),
            Ok(BTreeSet::from(["svar".to_string()]))
        );
        // Metadata alone is no form filling.
        let mut full = form();
        set(&mut full, 7, "ModDate", Object::string_literal("D:2028"));
        assert_eq!(check(&signed, &full), Ok(BTreeSet::new()));
    }

    #[test]
    fn changes_beyond_signing_and_filling_are_named() {
        let signed = form();
        let changed = |f: &dyn Fn(&mut Document)| {
            let mut full = form();
            f(&mut full);
            check(&signed, &full).unwrap_err()
        };
        assert_eq!(
            changed(&|d| set(d, 2, "Annots", Object::Array(vec![]))),
            "object 2 0 (/Page): /Annots changed"
        );
        assert_eq!(
            changed(&|d| set(d, 3, "Rect", Object::Array(vec![]))),
            "object 3 0 (/Tx field): /Rect changed"
        );
        assert_eq!(
            changed(&|d| set(d, 5, "V", Object::Reference((9, 0)))),
            "object 5 0 (/Sig field): /V changed (a field that was already signed)"
        );
        assert_eq!(
            changed(&|d| set(d, 5, "AP", Object::Null)),
            "object 5 0 (/Sig field): /AP changed (a field that was already signed)"
        );
        assert_eq!(
            changed(&|d| set(d, 7, "Title", Object::string_literal("Other"))),
            "object 7 0 (dictionary): /Title changed"
        );
        assert_eq!(
            changed(&|d| {
                d.objects.remove(&(6, 0));
            }),
            "object 6 0 (/Sig) was deleted"
        );
        assert_eq!(
            changed(&|d| set(d, 1, "OpenAction", Object::Null)),
            "object 1 0 (/Catalog): /OpenAction changed"
        );
        assert_eq!(
            changed(&|d| d.trailer.set("Root", Object::Reference((9, 0)))),
            "the trailer's /Root changed"
        );
        let fields = changed(&|d| {
            let catalog = d.get_dictionary_mut((1, 0)).unwrap();
            let form = catalog.get_mut(b"AcroForm").unwrap().as_dict_mut().unwrap();
            form.set("Fields", Object::Array(vec![]));
        });
        assert_eq!(fields, "object 1 0 (/Catalog): the form's /Fields changed");
    }

    #[test]
    fn describe_names_type_and_subtype() {
        let page = dict(vec![("Type", Object::Name(b"Page".to_vec()))]);
        assert_eq!(describe((24, 0), &page), "object 24 0 (/Page)");
        let annot = dict(vec![
            ("Type", Object::Name(b"Annot".to_vec())),
            ("Subtype", Object::Name(b"Widget".to_vec())),
        ]);
        assert_eq!(describe((7, 0), &annot), "object 7 0 (/Annot /Widget)");
    }
}
