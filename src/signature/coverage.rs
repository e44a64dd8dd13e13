//! What changed in what a file shows after a signature: the signed revision against the
//! final one, over everything a viewer reaches from the trailer (`/Root`, `/Info`) — not
//! over what the cross-reference lists. A small cousin of pyHanko's `DiffPolicy`.
//!
//! Every object reachable in the final revision is reached along one of four kinds of
//! path, and judged by the strictest kind it is reached by:
//! - **shown**: from the catalog and `/Info`, except through the three doors below. Such an
//!   object may change only in the ways signing and form filling change it: a field or
//!   widget its `/V`, `/AS`, `/AP`, `/MK` (a signature field only while it was unsigned);
//!   the form its `/Fields` (new signature fields), `/SigFlags`, `/DR`, `/NeedAppearances`;
//!   the catalog its `/AcroForm`, `/DSS`, `/Extensions`, `/Version`; a page its `/Annots`
//!   (widgets of new signature fields appended); `/Info` only `/ModDate` and `/Producer`
//!   (compared by content, wherever the trailer points); the XMP packet only its dates and
//!   producer. A new object on such a path is a new signature field or what an allowed
//!   change points to. An object the signed revision referred to but did not have
//!   (a dangling reference) may not appear later: that is content planted before signing.
//! - **appearance**: through a field's `/AP`. Form filling when the field is not a
//!   signature field; never for a signature field that was signed; for one signed later,
//!   its signature's appearance. A signature field that stays unsigned may not gain a
//!   visible appearance.
//! - **value**: through a field's `/V` (signature dictionaries, long text values).
//! - **validation data**: through the catalog's `/DSS`; such objects must parse as
//!   certificates, OCSP responses or CRLs — an object also reachable otherwise is judged
//!   as that.
//!
//! Anything else — a page's content, a font, a field's `/Rect`, a deleted object, a new
//! `/Root`, `/Info` saying something new — is a change the archive refuses.

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};

use lopdf::{Dictionary, Document, Object, ObjectId};

use super::fields;

/// How many disallowed changes a description names before it says "and N more".
const NAMED: usize = 3;

/// The kinds of path an object is reached along (a bit set).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Kinds(u8);

const SHOWN: u8 = 1;
const APPEARANCE: u8 = 2;
const VALUE: u8 = 4;
const VALIDATION: u8 = 8;

impl Kinds {
    fn has(self, kind: u8) -> bool {
        self.0 & kind != 0
    }
}

/// What a walk from the trailer reaches.
struct Reach {
    kinds: HashMap<ObjectId, Kinds>,
    /// For objects reached through a field's `/AP` or `/V`: every such field's node id
    /// (one appearance stream can serve several fields; each counts).
    owners: HashMap<ObjectId, BTreeSet<ObjectId>>,
    /// References to objects the document does not have, with who refers to them.
    dangling: HashMap<ObjectId, ObjectId>,
    /// References whose object number exists with another generation: viewers that go by
    /// number alone show that object, others show nothing.
    mismatched: BTreeSet<(ObjectId, u16)>,
}

/// The form's fields and widgets of one document, by object id.
struct Form<'a> {
    doc: &'a Document,
    nodes: HashMap<ObjectId, fields::Node<'a>>,
}

impl<'a> Form<'a> {
    fn of(doc: &'a Document) -> Self {
        let nodes = fields::walk(doc)
            .into_iter()
            .filter_map(|n| n.id.map(|id| (id, n)))
            .collect();
        Form { doc, nodes }
    }

    fn is_signature(&self, id: ObjectId) -> bool {
        self.nodes
            .get(&id)
            .is_some_and(|n| n.field_type == Some(b"Sig".as_slice()))
    }

    /// A signature field whose value is a signature dictionary (`/V null`, or anything
    /// else, is no signature: `inspect` calls such a field empty or invalid).
    fn is_signed(&self, id: ObjectId) -> bool {
        self.nodes.get(&id).is_some_and(|n| {
            n.field_type == Some(b"Sig".as_slice()) && is_signature_value(self.doc, n.value)
        })
    }
}

/// Whether a field's `/V` is a signature dictionary.
fn is_signature_value(doc: &Document, value: Option<&Object>) -> bool {
    value
        .and_then(|v| doc.dereference(v).ok())
        .is_some_and(|(_, v)| v.as_dict().is_ok())
}

impl Reach {
    fn of(doc: &Document, form: &Form) -> Reach {
        let mut reach = Reach {
            kinds: HashMap::new(),
            owners: HashMap::new(),
            dangling: HashMap::new(),
            mismatched: BTreeSet::new(),
        };
        let generations: HashMap<u32, u16> = doc.objects.keys().map(|&(n, g)| (n, g)).collect();
        let mut visited: HashSet<(ObjectId, u8, Option<ObjectId>)> = HashSet::new();
        let catalog = doc.trailer.get(b"Root").and_then(Object::as_reference).ok();
        let mut queue: VecDeque<(ObjectId, u8, Option<ObjectId>)> = VecDeque::new();
        for key in [b"Root".as_slice(), b"Info"] {
            if let Ok(id) = doc.trailer.get(key).and_then(Object::as_reference) {
                queue.push_back((id, SHOWN, None));
            }
        }
        let mut from = (0, 0);
        while let Some((id, kind, owner)) = queue.pop_front() {
            let Some(object) = doc.objects.get(&id) else {
                reach.dangling.entry(id).or_insert(from);
                continue;
            };
            if !visited.insert((id, kind, owner)) {
                continue;
            }
            reach.kinds.entry(id).or_default().0 |= kind;
            if let Some(owner) = owner {
                reach.owners.entry(id).or_default().insert(owner);
            }
            from = id;
            let is_node = form.nodes.contains_key(&id);
            let mut push = |child: &Object, kind: u8, owner: Option<ObjectId>| {
                let mut references = Vec::new();
                references_in(child, &mut references);
                for r in references {
                    if doc.objects.contains_key(&r) {
                        queue.push_back((r, kind, owner));
                    } else {
                        reach.dangling.entry(r).or_insert(id);
                        if let Some(&other) = generations.get(&r.0) {
                            reach.mismatched.insert((r, other));
                        }
                    }
                }
            };
            match dictionary(object) {
                Some(dict) => {
                    for (key, value) in dict.iter() {
                        let key = key.as_slice();
                        if kind == SHOWN && Some(id) == catalog && key == b"DSS" {
                            push(value, VALIDATION, None);
                        } else if kind == SHOWN && is_node && key == b"AP" {
                            push(value, APPEARANCE, Some(id));
                        } else if kind == SHOWN && is_node && key == b"V" {
                            push(value, VALUE, Some(id));
                        } else {
                            push(value, kind, owner);
                        }
                    }
                }
                None => push(object, kind, owner),
            }
        }
        reach
    }
}

/// The references directly inside an object (not following them).
fn references_in(object: &Object, out: &mut Vec<ObjectId>) {
    match object {
        Object::Reference(id) => out.push(*id),
        Object::Array(items) => items.iter().for_each(|o| references_in(o, out)),
        Object::Dictionary(d) => d.iter().for_each(|(_, o)| references_in(o, out)),
        Object::Stream(s) => s.dict.iter().for_each(|(_, o)| references_in(o, out)),
        _ => {}
    }
}

fn dictionary(object: &Object) -> Option<&Dictionary> {
    match object {
        Object::Dictionary(d) => Some(d),
        Object::Stream(s) => Some(&s.dict),
        _ => None,
    }
}

/// `Ok` with the fields filled in after signing (empty when only signing and validation
/// data followed) when every change from `signed` to `full` is allowed; otherwise a
/// description of the other changes.
pub(crate) fn check(signed: &Document, full: &Document) -> Result<BTreeSet<String>, String> {
    let comparison = Comparison::of(signed, full);
    let mut problems: Vec<(ObjectId, String)> = Vec::new();
    let mut filled = BTreeSet::new();

    trailer_changes(signed, full, &mut problems);
    comparison.reached_objects(&mut problems, &mut filled);
    comparison.mismatched_generations(&mut problems);
    comparison.deleted_objects(&mut problems);
    comparison.new_unsigned_fields_that_show(&mut problems);
    comparison.unsigned_fields_given_appearance(&mut problems);
    if problems.is_empty() {
        return Ok(filled);
    }
    Err(summary(problems))
}

/// The signed revision and the final one, each with its form and what a walk from its
/// trailer reaches.
struct Comparison<'a> {
    signed: &'a Document,
    full: &'a Document,
    signed_form: Form<'a>,
    full_form: Form<'a>,
    before: Reach,
    after: Reach,
}

impl<'a> Comparison<'a> {
    fn of(signed: &'a Document, full: &'a Document) -> Self {
        let signed_form = Form::of(signed);
        let full_form = Form::of(full);
        let before = Reach::of(signed, &signed_form);
        let after = Reach::of(full, &full_form);
        Comparison {
            signed,
            full,
            signed_form,
            full_form,
            before,
            after,
        }
    }

    /// Every object the final revision reaches, in order of id: new ones and changed ones,
    /// each judged by the strictest kind of path it is reached along.
    fn reached_objects(
        &self,
        problems: &mut Vec<(ObjectId, String)>,
        filled: &mut BTreeSet<String>,
    ) {
        let roles = Roles::of(self.signed, self.full);
        let mut ids: Vec<&ObjectId> = self.after.kinds.keys().collect();
        ids.sort();
        for &id in ids {
            let kinds = self.after.kinds[&id];
            let new = &self.full.objects[&id];
            let problem = match self.signed.objects.get(&id) {
                None => self.added(id, kinds, new),
                Some(old) if same(old, new) => None,
                Some(old) if kinds.has(SHOWN) => {
                    roles.judge(id, old, new, &self.signed_form, filled)
                }
                Some(old) if kinds.has(APPEARANCE) || kinds.has(VALUE) => {
                    let owners = self.after.owners.get(&id).cloned().unwrap_or_default();
                    owned_change(id, old, &owners, &self.signed_form, &self.full_form, filled)
                }
                Some(_) => validation_data(id, new),
            };
            if let Some(problem) = problem {
                problems.push((id, problem));
            }
        }
    }

    /// An object the signed revision did not have: planted under a dangling reference, or
    /// judged as new by the strictest kind of path it is reached along.
    fn added(&self, id: ObjectId, kinds: Kinds, new: &Object) -> Option<String> {
        if let Some(referrer) = self.before.dangling.get(&id) {
            Some(format!(
                "object {} {} was referred to by {} when it was signed but did not \
                 exist; it was added afterwards",
                id.0,
                id.1,
                describe(
                    *referrer,
                    self.signed.objects.get(referrer).unwrap_or(&Object::Null)
                )
            ))
        } else if kinds.has(SHOWN) {
            new_shown(id, new, &self.full_form, &self.signed_form)
        } else if kinds.has(VALIDATION) && !kinds.has(APPEARANCE) && !kinds.has(VALUE) {
            validation_data(id, new)
        } else {
            None
        }
    }

    /// References to an object number with another generation, in either revision.
    fn mismatched_generations(&self, problems: &mut Vec<(ObjectId, String)>) {
        for (reference, other) in self.before.mismatched.iter().chain(&self.after.mismatched) {
            problems.push((
                *reference,
                format!(
                    "object {} is referred to as generation {} but exists as generation {other}: \
                     viewers that go by the number alone show it, others do not",
                    reference.0, reference.1
                ),
            ));
        }
    }

    /// What the signed revision showed must still be there.
    fn deleted_objects(&self, problems: &mut Vec<(ObjectId, String)>) {
        for (&id, _) in self.before.kinds.iter() {
            if !self.full.objects.contains_key(&id) {
                let old = &self.signed.objects[&id];
                problems.push((id, format!("{} was deleted", describe(id, old))));
            }
        }
    }

    /// New signature fields that stay unsigned may neither draw nor act.
    fn new_unsigned_fields_that_show(&self, problems: &mut Vec<(ObjectId, String)>) {
        for (&id, node) in &self.full_form.nodes {
            let existed = self.signed_form.nodes.contains_key(&id);
            if existed || node.field_type != Some(b"Sig".as_slice()) || self.full_form.is_signed(id)
            {
                continue;
            }
            if let Some(how) = draws_or_acts(self.full, node.dict) {
                problems.push((
                    id,
                    format!(
                        "a new signature field ({}) that nobody signed was added, and it {how}",
                        node.name
                    ),
                ));
            }
        }
    }

    /// An existing signature field that is still unsigned may not gain an appearance.
    fn unsigned_fields_given_appearance(&self, problems: &mut Vec<(ObjectId, String)>) {
        for (&id, node) in &self.full_form.nodes {
            if node.field_type == Some(b"Sig".as_slice())
                && !self.full_form.is_signed(id)
                && self.signed_form.nodes.get(&id).is_some_and(|old| {
                    old.dict.get(b"AP").ok() != node.dict.get(b"AP").ok()
                        && draws_or_acts(self.full, node.dict).is_some()
                })
            {
                problems.push((
                    id,
                    format!(
                        "the unsigned signature field {} was given a visible appearance",
                        node.name
                    ),
                ));
            }
        }
    }
}

/// The first few problems in order of object id, and how many more there are.
fn summary(mut problems: Vec<(ObjectId, String)>) -> String {
    problems.sort_by_key(|(id, _)| *id);
    problems.dedup();
    let mut text: Vec<String> = problems
        .iter()
        .take(NAMED)
        .map(|(_, p)| p.clone())
        .collect();
    if problems.len() > NAMED {
        text.push(format!("and {} more", problems.len() - NAMED));
    }
    text.join("; ")
}

/// The trailer: `/Root` stays, nothing is encrypted, `/Info` says the same (wherever it is).
fn trailer_changes(signed: &Document, full: &Document, problems: &mut Vec<(ObjectId, String)>) {
    for key in [b"Root".as_slice(), b"Encrypt"] {
        if signed.trailer.get(key).ok() != full.trailer.get(key).ok() {
            problems.push((
                (0, 0),
                format!("the trailer's /{} changed", String::from_utf8_lossy(key)),
            ));
        }
    }
    let info = |doc: &Document| -> Option<Object> {
        let (_, object) = doc.dereference(doc.trailer.get(b"Info").ok()?).ok()?;
        Some(object.clone())
    };
    let (old, new) = (info(signed), info(full));
    if old != new {
        let empty = Object::Dictionary(Dictionary::new());
        if let Some(problem) = info_changes(
            old.as_ref().unwrap_or(&empty),
            new.as_ref().unwrap_or(&empty),
        ) {
            problems.push((
                (0, 0),
                format!("the document information (/Info): {problem}"),
            ));
        }
    }
}

/// A new object on a shown path: a new field or widget must be a signature field.
fn new_shown(id: ObjectId, new: &Object, full: &Form, signed: &Form) -> Option<String> {
    let node = full.nodes.get(&id)?;
    if signed.nodes.contains_key(&id) || node.field_type == Some(b"Sig".as_slice()) {
        return None;
    }
    Some(format!(
        "a new form field {} ({}) was added",
        node.name,
        describe(id, new)
    ))
}

/// A change below a field's `/AP` or `/V`, judged by the strictest of the fields that
/// reach it: part of a field signed when this revision was signed — never; part of a
/// signature field signed later — only new objects may be (an existing object changed
/// there would be drawn as that signature's appearance); otherwise it is form filling.
fn owned_change(
    id: ObjectId,
    old: &Object,
    owners: &BTreeSet<ObjectId>,
    signed: &Form,
    full: &Form,
    filled: &mut BTreeSet<String>,
) -> Option<String> {
    let name = |owner: &ObjectId| {
        full.nodes
            .get(owner)
            .or_else(|| signed.nodes.get(owner))
            .map_or("?".to_string(), |n| n.name.clone())
    };
    if let Some(owner) = owners.iter().find(|o| signed.is_signed(**o)) {
        return Some(format!(
            "{}, part of the signed field {}, changed",
            describe(id, old),
            name(owner)
        ));
    }
    if let Some(owner) = owners.iter().find(|o| full.is_signature(**o)) {
        return Some(format!(
            "{}, which existed when it was signed, changed as part of the signature field {}",
            describe(id, old),
            name(owner)
        ));
    }
    if owners.is_empty() {
        return Some(format!("{} changed", describe(id, old)));
    }
    filled.extend(owners.iter().map(name));
    None
}

/// A `/DSS` object: a dictionary or array, or a stream holding a certificate, an OCSP
/// response or a CRL.
fn validation_data(id: ObjectId, object: &Object) -> Option<String> {
    let Object::Stream(stream) = object else {
        return None;
    };
    let bytes = match stream.decompressed_content_with_limit(super::revisions::MAX_DECOMPRESSED) {
        Ok(b) => b,
        Err(_) if stream.dict.get(b"Filter").is_err() => stream.content.clone(),
        Err(e) => {
            return Some(format!(
                "{}: its data cannot be read ({e})",
                describe(id, object)
            ))
        }
    };
    if super::is_validation_data(&bytes) {
        None
    } else {
        Some(format!(
            "{} in the validation data (/DSS) is not a certificate, an OCSP response or a CRL",
            describe(id, object)
        ))
    }
}

/// Whether a signature field's widget draws something or acts, and how: an annotation
/// other than a widget (viewers draw those themselves), an appearance with content (normal,
/// rollover or down), or an action. `None` for an invisible widget: hidden, with an empty
/// rectangle, or with nothing to draw.
pub(crate) fn draws_or_acts(doc: &Document, widget: &Dictionary) -> Option<&'static str> {
    const HIDDEN: i64 = 2;
    const NO_VIEW: i64 = 32;
    if widget.has(b"A") || widget.has(b"AA") {
        return Some("carries an action");
    }
    let flags = widget.get(b"F").and_then(Object::as_i64).unwrap_or(0);
    if flags & (HIDDEN | NO_VIEW) != 0 {
        return None;
    }
    let rect: Vec<f32> = widget
        .get(b"Rect")
        .and_then(Object::as_array)
        .map(|r| r.iter().filter_map(|v| v.as_float().ok()).collect())
        .unwrap_or_default();
    if rect.len() == 4 && ((rect[2] - rect[0]).abs() < 0.01 || (rect[3] - rect[1]).abs() < 0.01) {
        return None;
    }
    match widget.get(b"Subtype").and_then(Object::as_name) {
        Ok(b"Widget") | Err(_) => {}
        Ok(_) => return Some("is an annotation a viewer draws itself"),
    }
    let Ok((_, Object::Dictionary(ap))) = widget.get(b"AP").and_then(|ap| doc.dereference(ap))
    else {
        return None;
    };
    let draws = |object: &Object| -> bool {
        match doc.dereference(object) {
            Ok((_, Object::Stream(s))) => {
                let content = s
                    .decompressed_content_with_limit(super::revisions::MAX_DECOMPRESSED)
                    .unwrap_or_else(|_| s.content.clone());
                content.iter().any(|b| !b.is_ascii_whitespace())
            }
            Ok((_, Object::Dictionary(states))) => !states.is_empty(),
            _ => false,
        }
    };
    ap.iter()
        .any(|(_, appearance)| draws(appearance))
        .then_some("draws on the page")
}

/// The objects of the signed revision that signing and form filling may change, by role.
struct Roles {
    catalog: Option<ObjectId>,
    acroform: Option<ObjectId>,
    metadata: Option<ObjectId>,
    /// Indirect `/Fields` and `/Annots` arrays.
    field_lists: HashSet<ObjectId>,
    annots: HashSet<ObjectId>,
    pages: HashSet<ObjectId>,
    /// The Info dictionaries (compared by content, see `trailer_changes`).
    info: HashSet<ObjectId>,
    /// New signature fields' nodes in the final revision (what `/Annots` and `/Fields` may
    /// gain).
    new_signature_nodes: HashSet<ObjectId>,
}

impl Roles {
    fn of(signed: &Document, full: &Document) -> Self {
        let reference = |object: Option<&Object>| object.and_then(|o| o.as_reference().ok());
        let catalog = signed.catalog().ok();
        let mut field_lists = HashSet::new();
        if let Some(Object::Reference(id)) =
            fields::acroform(signed).and_then(|(_, f)| f.get(b"Fields").ok())
        {
            field_lists.insert(*id);
        }
        let mut pages = HashSet::new();
        let mut annots = HashSet::new();
        for (_, page) in signed.get_pages() {
            pages.insert(page);
            if let Ok(Object::Reference(id)) =
                signed.get_dictionary(page).and_then(|p| p.get(b"Annots"))
            {
                annots.insert(*id);
            }
        }
        let signed_form = Form::of(signed);
        let new_signature_nodes = Form::of(full)
            .nodes
            .iter()
            .filter(|(id, n)| {
                !signed_form.nodes.contains_key(id) && n.field_type == Some(b"Sig".as_slice())
            })
            .map(|(id, _)| *id)
            .collect();
        let info = [signed, full]
            .iter()
            .filter_map(|d| reference(d.trailer.get(b"Info").ok()))
            .collect();
        Roles {
            info,
            catalog: reference(signed.trailer.get(b"Root").ok()),
            acroform: fields::acroform(signed).and_then(|(id, _)| id),
            metadata: reference(catalog.and_then(|c| c.get(b"Metadata").ok())),
            field_lists,
            annots,
            pages,
            new_signature_nodes,
        }
    }

    /// `None` when the change of shown object `id` from `old` to `new` is allowed (adding
    /// the field to `filled` when it is form filling); else what changed.
    fn judge(
        &self,
        id: ObjectId,
        old: &Object,
        new: &Object,
        form: &Form,
        filled: &mut BTreeSet<String>,
    ) -> Option<String> {
        if self.info.contains(&id) {
            return None;
        }
        let what = describe(id, old);
        let only = |keys: &[&[u8]]| -> Option<String> {
            let (Some(a), Some(b)) = (dictionary(old), dictionary(new)) else {
                return Some(format!("{what} was replaced by a different kind of object"));
            };
            let changed: Vec<String> = changed_keys(a, b)
                .into_iter()
                .filter(|k| !keys.contains(&k.as_slice()))
                .map(|k| format!("/{}", String::from_utf8_lossy(&k)))
                .collect();
            let content = matches!((old, new), (Object::Stream(a), Object::Stream(b)) if a.content != b.content);
            match (changed.is_empty(), content) {
                (true, false) => None,
                (true, true) => Some(format!("{what}: its content changed")),
                (false, _) => Some(format!("{what}: {} changed", changed.join(", "))),
            }
        };
        if Some(id) == self.catalog {
            if let Some(problem) = only(&[b"AcroForm", b"DSS", b"Extensions", b"Version"]) {
                return Some(problem);
            }
            let form_of = |o: &Object| dictionary(o).and_then(|c| c.get(b"AcroForm").ok()).cloned();
            return match (form_of(old), form_of(new)) {
                (Some(Object::Dictionary(a)), Some(Object::Dictionary(b))) => self
                    .acroform_changes(&a, &b)
                    .map(|p| format!("{what}: the form's {p}")),
                (a, b) if a == b => None,
                _ => Some(format!("{what}: /AcroForm was replaced")),
            };
        }
        if Some(id) == self.acroform {
            let (Some(a), Some(b)) = (dictionary(old), dictionary(new)) else {
                return Some(format!("{what} was replaced by a different kind of object"));
            };
            return self.acroform_changes(a, b).map(|p| format!("{what}: {p}"));
        }
        if let Some(node) = form.nodes.get(&id) {
            let signature = node.field_type == Some(b"Sig".as_slice());
            if form.is_signed(id) {
                return only(&[]).map(|p| format!("{p} (a field that was already signed)"));
            }
            // /M is the widget's modification date: pdf.js sets it when a field is filled.
            let problem = only(&[b"V", b"AS", b"AP", b"MK", b"M"]);
            if problem.is_none() && !signature {
                filled.insert(node.name.clone());
            }
            return problem;
        }
        if Some(id) == self.metadata {
            return match new {
                Object::Stream(s) if s.dict.has_type(b"Metadata") => {
                    xmp_changes(old, new).map(|p| format!("{what}: the XMP metadata's {p} changed"))
                }
                _ => Some(format!("{what} is no longer a metadata stream")),
            };
        }
        if self.pages.contains(&id) {
            if let Some(problem) = only(&[b"Annots"]) {
                return Some(problem);
            }
            let annots = |o: &Object| dictionary(o).and_then(|d| d.get(b"Annots").ok()).cloned();
            return match (annots(old), annots(new)) {
                (Some(Object::Array(a)), Some(Object::Array(b))) => self
                    .appended(&a, &b)
                    .map(|p| format!("{what}: its annotations changed ({p})")),
                (None, Some(Object::Array(b))) => self
                    .appended(&[], &b)
                    .map(|p| format!("{what}: its annotations changed ({p})")),
                (a, b) if a == b => None,
                _ => Some(format!("{what}: /Annots was replaced")),
            };
        }
        if self.annots.contains(&id) || self.field_lists.contains(&id) {
            if let (Object::Array(a), Object::Array(b)) = (old, new) {
                return self.appended(a, b).map(|p| format!("{what}: {p}"));
            }
        }
        let detail = match (dictionary(old), dictionary(new)) {
            (Some(a), Some(b)) => {
                let mut keys: Vec<String> = changed_keys(a, b)
                    .into_iter()
                    .filter(|k| k != b"Length")
                    .map(|k| format!("/{}", String::from_utf8_lossy(&k)))
                    .collect();
                if let (Object::Stream(a), Object::Stream(b)) = (old, new) {
                    if a.content != b.content {
                        keys.push("its content".into());
                    }
                }
                format!("{} changed", keys.join(", "))
            }
            _ => "changed".into(),
        };
        Some(format!("{what}: {detail}"))
    }

    /// What may change in the form dictionary: `None` when only that did.
    fn acroform_changes(&self, old: &Dictionary, new: &Dictionary) -> Option<String> {
        let changed: Vec<String> = changed_keys(old, new)
            .into_iter()
            .filter(|k| {
                ![b"SigFlags".as_slice(), b"DR", b"NeedAppearances", b"Fields"]
                    .contains(&k.as_slice())
            })
            .map(|k| format!("/{}", String::from_utf8_lossy(&k)))
            .collect();
        if !changed.is_empty() {
            return Some(format!("{} changed", changed.join(", ")));
        }
        // Asking viewers to draw the fields anew from their values and the form's fonts
        // would show values that no signed appearance shows.
        let needs = |d: &Dictionary| matches!(d.get(b"NeedAppearances"), Ok(Object::Boolean(true)));
        if needs(new) && !needs(old) {
            return Some("/NeedAppearances was turned on".into());
        }
        if let Some(problem) = resources_changed(old.get(b"DR").ok(), new.get(b"DR").ok()) {
            return Some(format!("/DR: {problem}"));
        }
        match (old.get(b"Fields").ok(), new.get(b"Fields").ok()) {
            (Some(Object::Array(a)), Some(Object::Array(b))) => {
                self.appended(a, b).map(|p| format!("/Fields: {p}"))
            }
            (a, b) if a == b => None,
            _ => Some("/Fields was replaced".into()),
        }
    }

    /// `old` followed by references to new signature fields' nodes only.
    fn appended(&self, old: &[Object], new: &[Object]) -> Option<String> {
        if new.len() < old.len() || new[..old.len()] != *old {
            return Some("entries were removed or replaced".into());
        }
        let others = new[old.len()..]
            .iter()
            .filter(|o| {
                !o.as_reference()
                    .is_ok_and(|id| self.new_signature_nodes.contains(&id))
            })
            .count();
        match others {
            0 => None,
            1 => Some("an entry that is not a new signature field was added".into()),
            n => Some(format!(
                "{n} entries that are not new signature fields were added"
            )),
        }
    }
}

/// The form's default resources may gain entries (a signature's font), never change one:
/// a field drawn anew with a swapped font shows other text.
fn resources_changed(old: Option<&Object>, new: Option<&Object>) -> Option<String> {
    let (Some(Object::Dictionary(old)), Some(Object::Dictionary(new))) = (old, new) else {
        return (old.is_some() && old != new).then(|| "was replaced".to_string());
    };
    for (category, entries) in old.iter() {
        let Ok(Object::Dictionary(entries)) = Ok::<_, ()>(entries) else {
            if new.get(category).ok() != Some(entries) {
                return Some(format!("/{} changed", String::from_utf8_lossy(category)));
            }
            continue;
        };
        let Ok(Object::Dictionary(now)) = new.get(category) else {
            return Some(format!(
                "/{} was removed",
                String::from_utf8_lossy(category)
            ));
        };
        for (name, value) in entries.iter() {
            if now.get(name).ok() != Some(value) {
                return Some(format!(
                    "/{} /{} changed",
                    String::from_utf8_lossy(category),
                    String::from_utf8_lossy(name)
                ));
            }
        }
    }
    None
}

/// What may change in the Info dictionary: `/ModDate` and `/Producer`, and the encoding
/// of the other text strings (pyHanko writes them anew, in PDFDocEncoding where it can).
fn info_changes(old: &Object, new: &Object) -> Option<String> {
    let (Some(a), Some(b)) = (dictionary(old), dictionary(new)) else {
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

/// The XMP properties (other than dates, producer and the instance id) that differ: a
/// viewer shows `dc:title`, and the archive files a guide by its `mus:` properties.
fn xmp_changes(old: &Object, new: &Object) -> Option<String> {
    let properties = |o: &Object| -> Option<BTreeSet<(String, String)>> {
        let Object::Stream(s) = o else { return None };
        let bytes = s
            .decompressed_content_with_limit(1 << 20)
            .ok()
            .or_else(|| s.dict.get(b"Filter").is_err().then(|| s.content.clone()))?;
        let text = String::from_utf8(bytes).ok()?;
        let xml = roxmltree::Document::parse(text.trim_start_matches('\u{feff}')).ok()?;
        // Bookkeeping a signing or saving tool rewrites: dates, the producer and tool, and
        // Adobe's media management (instance ids, the history of saves).
        const IGNORED: [&str; 4] = ["ModifyDate", "MetadataDate", "Producer", "CreatorTool"];
        const MEDIA_MANAGEMENT: [&str; 3] = [
            "http://ns.adobe.com/xap/1.0/mm/",
            "http://ns.adobe.com/xap/1.0/sType/ResourceEvent#",
            "http://ns.adobe.com/xap/1.0/sType/ResourceRef#",
        ];
        const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
        let bookkeeping = |namespace: Option<&str>, name: &str| {
            IGNORED.contains(&name) || namespace.is_some_and(|n| MEDIA_MANAGEMENT.contains(&n))
        };
        let mut out = BTreeSet::new();
        for node in xml.descendants().filter(|n| n.is_element()) {
            if node
                .ancestors()
                .filter(|a| a.is_element())
                .any(|a| bookkeeping(a.tag_name().namespace(), a.tag_name().name()))
            {
                continue;
            }
            for attribute in node.attributes() {
                if attribute.namespace().is_some()
                    && !bookkeeping(attribute.namespace(), attribute.name())
                {
                    out.insert((attribute.name().to_string(), attribute.value().to_string()));
                }
            }
            let name = node
                .ancestors()
                .find(|a| a.is_element() && a.tag_name().namespace() != Some(RDF))
                .map_or("", |a| a.tag_name().name());
            if !node.children().any(|c| c.is_element()) {
                let text: String = node.text().unwrap_or("").trim().to_string();
                if !text.is_empty() {
                    out.insert((name.to_string(), text));
                }
            }
        }
        Some(out)
    };
    match (properties(old), properties(new)) {
        (Some(a), Some(b)) if a == b => None,
        (Some(a), Some(b)) => {
            let names: BTreeSet<&str> = a
                .symmetric_difference(&b)
                .map(|(name, _)| name.as_str())
                .collect();
            Some(names.into_iter().collect::<Vec<_>>().join(", "))
        }
        _ => Some("packet (no longer readable)".into()),
    }
}

/// The keys whose values differ between two dictionaries (added and removed ones too),
/// sorted.
fn changed_keys(a: &Dictionary, b: &Dictionary) -> BTreeSet<Vec<u8>> {
    a.iter()
        .chain(b.iter())
        .map(|(k, _)| k)
        .filter(|k| a.get(k).ok() != b.get(k).ok())
        .filter(|k| !(TEXT_KEYS.contains(&k.as_slice()) && same_text(a.get(k), b.get(k))))
        .cloned()
        .collect()
}

/// A field's text strings: its name, its tooltip (what a screen reader says) and its
/// export name. A signing client that writes a field anew may store the same text in
/// another encoding — pyHanko writes `/TU` in PDFDocEncoding where our UTF-16 was — and
/// the text, all anyone sees or hears, is unchanged.
const TEXT_KEYS: [&[u8]; 3] = [b"T", b"TU", b"TM"];

/// Whether two values are strings with the same text (PDFDocEncoding or UTF-16BE).
fn same_text(a: lopdf::Result<&Object>, b: lopdf::Result<&Object>) -> bool {
    let text = |v: &Object| match v {
        Object::String(..) => lopdf::decode_text_string(v).ok(),
        _ => None,
    };
    match (a.ok().and_then(text), b.ok().and_then(text)) {
        (Some(a), Some(b)) => a.trim_start_matches('\u{FEFF}') == b.trim_start_matches('\u{FEFF}'),
        _ => false,
    }
}

/// Whether two objects are the same, streams by dictionary and content (not by where
/// they sit in the file).
fn same(a: &Object, b: &Object) -> bool {
    match (a, b) {
        (Object::Stream(a), Object::Stream(b)) => {
            let mut da = a.dict.clone();
            let mut db = b.dict.clone();
            da.remove(b"Length");
            db.remove(b"Length");
            da == db && a.content == b.content
        }
        _ => a == b,
    }
}

/// "object 24 0 (/Page)": the object and its type, for a person.
pub(crate) fn describe(id: ObjectId, object: &Object) -> String {
    let dict = dictionary(object);
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
    use lopdf::Stream;

    fn dict(entries: Vec<(&str, Object)>) -> Object {
        Object::Dictionary(Dictionary::from_iter(entries))
    }

    fn name(n: &str) -> Object {
        Object::Name(n.as_bytes().to_vec())
    }

    fn r(id: u32) -> Object {
        Object::Reference((id, 0))
    }

    fn stream(content: &[u8]) -> Object {
        Object::Stream(Stream::new(Dictionary::new(), content.to_vec()))
    }

    /// A one-page form: catalog 1, pages 2, page 3 with content 4, a text field 5 with
    /// appearance 6, a signed signature field 7 with signature 8 and appearance 9, Info 10.
    fn form() -> Document {
        let mut doc = Document::with_version("1.7");
        let o = &mut doc.objects;
        o.insert(
            (1, 0),
            dict(vec![
                ("Type", name("Catalog")),
                ("Pages", r(2)),
                (
                    "AcroForm",
                    dict(vec![("Fields", Object::Array(vec![r(5), r(7)]))]),
                ),
            ]),
        );
        o.insert(
            (2, 0),
            dict(vec![
                ("Type", name("Pages")),
                ("Kids", Object::Array(vec![r(3)])),
                ("Count", 1.into()),
            ]),
        );
        o.insert(
            (3, 0),
            dict(vec![
                ("Type", name("Page")),
                ("Parent", r(2)),
                ("Contents", r(4)),
                ("Annots", Object::Array(vec![r(5), r(7)])),
            ]),
        );
        o.insert((4, 0), stream(b"BT (Guide) Tj ET"));
        o.insert(
            (5, 0),
            dict(vec![
                ("FT", name("Tx")),
                ("T", Object::string_literal("svar")),
                ("Subtype", name("Widget")),
                ("P", r(3)),
                ("AP", dict(vec![("N", r(6))])),
            ]),
        );
        o.insert((6, 0), stream(b""));
        o.insert(
            (7, 0),
            dict(vec![
                ("FT", name("Sig")),
                ("T", Object::string_literal("underskrift")),
                ("Subtype", name("Widget")),
                ("P", r(3)),
                ("V", r(8)),
                ("AP", dict(vec![("N", r(9))])),
            ]),
        );
        o.insert((8, 0), dict(vec![("Type", name("Sig"))]));
        o.insert((9, 0), stream(b"BT (Signed) Tj ET"));
        o.insert(
            (10, 0),
            dict(vec![
                ("Title", Object::string_literal("Guide")),
                ("ModDate", Object::string_literal("D:2027")),
            ]),
        );
        doc.trailer.set("Root", r(1));
        doc.trailer.set("Info", r(10));
        doc
    }

    fn changed(edit: impl Fn(&mut Document)) -> Result<BTreeSet<String>, String> {
        let signed = form();
        let mut full = form();
        edit(&mut full);
        check(&signed, &full)
    }

    fn set(doc: &mut Document, id: u32, key: &str, value: Object) {
        doc.get_dictionary_mut((id, 0)).unwrap().set(key, value);
    }

    #[test]
    fn filling_in_and_new_dates_are_allowed() {
        let filled = changed(|d| {
            set(d, 5, "V", Object::string_literal("Et svar"));
            set(d, 5, "AP", dict(vec![("N", r(11))]));
            d.objects.insert((11, 0), stream(b"BT (Et svar) Tj ET"));
            // pypdf rewrites the old appearance in place: allowed too.
            d.objects.insert((6, 0), stream(b"BT (Et svar) Tj ET"));
            set(d, 10, "ModDate", Object::string_literal("D:2028"));
        });
        assert_eq!(filled, Ok(BTreeSet::from(["svar".to_string()])));
        assert_eq!(
            changed(|d| set(d, 10, "ModDate", Object::string_literal("D:2028"))),
            Ok(BTreeSet::new())
        );
    }

    /// pdf.js stamps a filled widget's /M (modification date).
    #[test]
    fn a_filled_widgets_modification_date_may_change() {
        let filled = changed(|d| {
            set(d, 5, "V", Object::string_literal("Et svar"));
            set(d, 5, "M", Object::string_literal("D:20270116"));
        });
        assert_eq!(filled, Ok(BTreeSet::from(["svar".to_string()])));
    }

    /// pyHanko writes the field it signs anew, its tooltip in PDFDocEncoding where the
    /// guide had UTF-16 (`Ł` is 0x95 in PDFDocEncoding): the same text, allowed. Another
    /// text is not.
    #[test]
    fn a_tooltip_re_encoded_with_the_same_text_is_no_change() {
        let utf16 = |t: &str| {
            let mut bytes = vec![0xFE, 0xFF];
            bytes.extend(t.encode_utf16().flat_map(u16::to_be_bytes));
            Object::String(bytes, lopdf::StringFormat::Hexadecimal)
        };
        let with_tooltip =
            |tooltip: Object| move |d: &mut Document| set(d, 7, "TU", tooltip.clone());
        let signed = {
            let mut d = form();
            with_tooltip(utf16("Underskrift: Leder, Łukasz Øster-Ågård"))(&mut d);
            d
        };
        let check_against = |tooltip: Object| {
            let mut full = signed.clone();
            with_tooltip(tooltip)(&mut full);
            check(&signed, &full)
        };
        let pdfdoc = b"Underskrift: Leder, \x95ukasz \xd8ster-\xc5g\xe5rd".to_vec();
        assert_eq!(
            check_against(Object::String(pdfdoc, lopdf::StringFormat::Literal)),
            Ok(BTreeSet::new())
        );
        assert!(check_against(utf16("Underskrift: Leder, Mallory Madsen"))
            .unwrap_err()
            .contains("/TU changed"));
    }

    #[test]
    fn what_a_viewer_shows_may_not_change() {
        assert_eq!(
            changed(|d| {
                d.objects.insert((4, 0), stream(b"BT (Mallory) Tj ET"));
            }),
            Err("object 4 0 (stream): its content changed".into())
        );
        assert_eq!(
            changed(|d| set(d, 5, "Rect", Object::Array(vec![]))),
            Err("object 5 0 (/Widget): /Rect changed".into())
        );
        assert_eq!(
            changed(|d| {
                d.objects.insert((9, 0), stream(b"BT (Forged) Tj ET"));
            }),
            Err("object 9 0 (stream), part of the signed field underskrift, changed".into())
        );
        assert_eq!(
            changed(|d| {
                d.objects.remove(&(4, 0));
            }),
            Err("object 4 0 (stream) was deleted".into())
        );
    }

    #[test]
    fn a_reference_that_pointed_nowhere_may_not_be_filled_later() {
        let signed = {
            let mut d = form();
            set(&mut d, 3, "Contents", Object::Array(vec![r(4), r(900)]));
            d
        };
        let mut full = signed.clone();
        full.objects.insert((900, 0), stream(b"BT (Planted) Tj ET"));
        assert_eq!(
            check(&signed, &full),
            Err(
                "object 900 0 was referred to by object 3 0 (/Page) when it was signed but \
                 did not exist; it was added afterwards"
                    .into()
            )
        );
    }

    #[test]
    fn validation_data_is_judged_as_what_else_reaches_it() {
        // A /DSS whose "certificate" is page 1's content stream.
        let signed = {
            let mut d = form();
            set(
                &mut d,
                1,
                "DSS",
                dict(vec![("Certs", Object::Array(vec![r(4)]))]),
            );
            d
        };
        let mut full = signed.clone();
        full.objects.insert((4, 0), stream(b"BT (Mallory) Tj ET"));
        assert_eq!(
            check(&signed, &full),
            Err("object 4 0 (stream): its content changed".into())
        );
        // A new /DSS with something that is no certificate, OCSP response or CRL.
        let mut full = form();
        set(
            &mut full,
            1,
            "DSS",
            dict(vec![("Certs", Object::Array(vec![r(12)]))]),
        );
        full.objects.insert((12, 0), stream(b"not DER"));
        assert_eq!(
            check(&form(), &full),
            Err(
                "object 12 0 (stream) in the validation data (/DSS) is not a certificate, an \
                 OCSP response or a CRL"
                    .into()
            )
        );
    }

    #[test]
    fn the_document_information_is_compared_wherever_the_trailer_points() {
        let moved = changed(|d| {
            d.objects.insert(
                (13, 0),
                dict(vec![
                    ("Title", Object::string_literal("Guide")),
                    ("ModDate", Object::string_literal("D:2029")),
                ]),
            );
            d.trailer.set("Info", r(13));
        });
        assert_eq!(moved, Ok(BTreeSet::new()));
        let retitled = changed(|d| {
            d.objects.insert(
                (13, 0),
                dict(vec![(
                    "Title",
                    Object::string_literal("Samtaleguide – Mallory"),
                )]),
            );
            d.trailer.set("Info", r(13));
        });
        assert_eq!(
            retitled,
            Err("the document information (/Info): /Title changed".into())
        );
    }

    #[test]
    fn a_new_signature_field_may_come_but_not_draw_unsigned() {
        let add_field = |d: &mut Document, signed: bool| {
            let mut field = vec![
                ("FT", name("Sig")),
                ("T", Object::string_literal("Segl")),
                ("Subtype", name("Widget")),
                ("P", r(3)),
                (
                    "Rect",
                    Object::Array(vec![0.into(), 0.into(), 100.into(), 50.into()]),
                ),
                ("AP", dict(vec![("N", r(15))])),
            ];
            if signed {
                field.push(("V", r(16)));
            }
            d.objects.insert((14, 0), dict(field));
            d.objects.insert((15, 0), stream(b"BT (Segl) Tj ET"));
            d.objects.insert((16, 0), dict(vec![("Type", name("Sig"))]));
            set(d, 3, "Annots", Object::Array(vec![r(5), r(7), r(14)]));
            let catalog = d.get_dictionary_mut((1, 0)).unwrap();
            let form = catalog.get_mut(b"AcroForm").unwrap().as_dict_mut().unwrap();
            form.set("Fields", Object::Array(vec![r(5), r(7), r(14)]));
        };
        assert_eq!(changed(|d| add_field(d, true)), Ok(BTreeSet::new()));
        assert_eq!(
            changed(|d| add_field(d, false)),
            Err(
                "a new signature field (Segl) that nobody signed was added, and it draws on \
                 the page"
                    .into()
            )
        );
        // Anything else added to a page is not signing.
        assert_eq!(
            changed(|d| {
                d.objects
                    .insert((14, 0), dict(vec![("Subtype", name("Square"))]));
                set(d, 3, "Annots", Object::Array(vec![r(5), r(7), r(14)]));
            }),
            Err(
                "object 3 0 (/Page): its annotations changed (an entry that is not a new \
                 signature field was added)"
                    .into()
            )
        );
    }

    #[test]
    fn xmp_bookkeeping_may_change_but_not_what_the_guide_says() {
        let packet = |title: &str, leader: &str, date: &str| {
            stream(
                format!(
                    r#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/" xmlns:mus="urn:mus:guide:1.0/">
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
<xmp:ModifyDate>{date}</xmp:ModifyDate>
<xmpMM:InstanceID>uuid:{date}</xmpMM:InstanceID>
<xmpMM:History><rdf:Seq><rdf:li rdf:parseType="Resource"><stEvt:action xmlns:stEvt="http://ns.adobe.com/xap/1.0/sType/ResourceEvent#">saved</stEvt:action></rdf:li></rdf:Seq></xmpMM:History>
<mus:leader>{leader}</mus:leader>
</rdf:Description></rdf:RDF></x:xmpmeta>"#
                )
                .as_bytes(),
            )
        };
        let old = packet("Guide", "Åse", "2027-01-15");
        assert_eq!(
            xmp_changes(&old, &packet("Guide", "Åse", "2027-02-01")),
            None
        );
        assert_eq!(
            xmp_changes(&old, &packet("Guide – Mallory", "Åse", "2027-01-15")),
            Some("title".into())
        );
        assert_eq!(
            xmp_changes(&old, &packet("Guide", "Mallory", "2027-01-15")),
            Some("leader".into())
        );
    }
}
