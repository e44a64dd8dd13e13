//! What a choice field — a radio group or a check box — shows, read the way readers show
//! it: the one place every answer that is a choice (a rating, a plan's status) is read.
//!
//! Readers draw a button from its widget's appearance state (`/AS`), not from the field's
//! value (`/V`), and fillers disagree about `/V`: PDFium, pdf.js and MuPDF write it as a
//! name (`/3`), pypdf 6 as a text string with the slash (`(/3)`), others as a string
//! without it. So `/V` is read in all three spellings and then checked against the
//! widgets: where it is missing, names no widget's on-state, or disagrees with the
//! widgets, the state of the widget that is on is what the leader saw and is the answer;
//! none on is no answer, and several on (different states) is no answer either, said as
//! [`Choice::Ambiguous`] so a caller can tell the person. Not for text fields.

use lopdf::{Dictionary, Document, Object};

/// What a choice field shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    /// Nothing is chosen (every button off, or no value and no buttons).
    None,
    /// The chosen button's export name, without the slash ("3", "naaet").
    Chosen(String),
    /// Several buttons with different states are on: a reader shows them all checked, so
    /// no one answer can be read. Their states, sorted.
    Ambiguous(Vec<String>),
}

impl Choice {
    /// The chosen button's name, if exactly one is chosen.
    pub fn chosen(&self) -> Option<&str> {
        match self {
            Choice::Chosen(state) => Some(state),
            _ => None,
        }
    }
}

/// One widget (button) of a choice field, as far as the choice is concerned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Button {
    /// `/AS`, without the slash; `None` when the widget has none.
    pub state: Option<String>,
    /// The names of its normal appearances other than `Off` (`/AP /N`): the state it
    /// shows when on. Empty when the appearance dictionary is not known.
    pub on_states: Vec<String>,
}

/// What the choice field `field` shows; `value` is its `/V`, inherited from a parent where
/// the field has none (see `signature::fields`). The widgets are the field's kids that are
/// not fields (no `/T`), or the field itself when it has no kids (a field merged with its
/// only widget).
pub(crate) fn read(doc: &Document, field: &Dictionary, value: Option<&Object>) -> Choice {
    let value = value.and_then(|v| value_name(doc, v));
    let buttons: Vec<Button> = widgets(doc, field).iter().map(|w| button(doc, w)).collect();
    decide(value.as_deref(), &buttons)
}

/// Whether what `field` shows is read from its widgets' appearances: none of them says
/// its state (`/AS`), so [`read`] takes the value only where an appearance (`/AP /N`)
/// bears its name, or where none is known.
pub(crate) fn read_from_appearances(doc: &Document, field: &Dictionary) -> bool {
    widgets(doc, field).iter().all(|w| !w.has(b"AS"))
}

/// The widgets of the choice field `field`: its kids that are not fields (no `/T`), or
/// the field itself when it has no kids (a field merged with its only widget).
fn widgets<'d>(doc: &'d Document, field: &'d Dictionary) -> Vec<&'d Dictionary> {
    let kids: Vec<&Dictionary> = field
        .get(b"Kids")
        .ok()
        .and_then(|k| doc.dereference(k).ok())
        .and_then(|(_, k)| k.as_array().ok())
        .map(|kids| {
            kids.iter()
                .filter_map(|k| doc.dereference(k).ok())
                .filter_map(|(_, k)| k.as_dict().ok())
                .filter(|k| !k.has(b"T"))
                .collect()
        })
        .unwrap_or_default();
    if kids.is_empty() && !field.has(b"Kids") {
        vec![field]
    } else {
        kids
    }
}

/// The choice `value` (`/V`, read as a name) and `buttons` show together (see the module's
/// documentation).
pub(crate) fn decide(value: Option<&str>, buttons: &[Button]) -> Choice {
    let value = value.filter(|v| !v.is_empty() && *v != "Off");
    if buttons.iter().all(|b| b.state.is_none()) {
        // No widget says what it shows: the value stands, unless the appearances are
        // known and none of them is the one it names.
        let known: Vec<&String> = buttons.iter().flat_map(|b| &b.on_states).collect();
        return match value {
            Some(v) if known.is_empty() || known.iter().any(|s| *s == v) => {
                Choice::Chosen(v.to_string())
            }
            _ => Choice::None,
        };
    }
    let mut on: Vec<String> = buttons
        .iter()
        .filter_map(|b| b.state.clone())
        .filter(|s| s != "Off" && !s.is_empty())
        .collect();
    on.sort();
    on.dedup();
    match on.len() {
        0 => Choice::None,
        1 => Choice::Chosen(on.remove(0)),
        _ => Choice::Ambiguous(on),
    }
}

/// A widget's `/AS` and on-states.
fn button(doc: &Document, widget: &Dictionary) -> Button {
    let state = widget
        .get(b"AS")
        .ok()
        .map(|s| value_name(doc, s).unwrap_or_default());
    let on_states = widget
        .get(b"AP")
        .ok()
        .and_then(|ap| doc.dereference(ap).ok())
        .and_then(|(_, ap)| ap.as_dict().ok())
        .and_then(|ap| ap.get(b"N").ok())
        .and_then(|n| doc.dereference(n).ok())
        .and_then(|(_, n)| n.as_dict().ok())
        .map(|n| {
            n.iter()
                .map(|(k, _)| String::from_utf8_lossy(k).into_owned())
                .filter(|k| k != "Off")
                .collect()
        })
        .unwrap_or_default();
    Button { state, on_states }
}

/// A value as the name it stands for: a name as it is, a text string with or without a
/// leading slash (pypdf 6 writes `(/3)`); `None` for anything else or an empty one.
pub(crate) fn value_name(doc: &Document, value: &Object) -> Option<String> {
    let value = match value {
        Object::Reference(id) => doc.get_object(*id).ok()?,
        other => other,
    };
    let name = match value {
        Object::Name(name) => String::from_utf8_lossy(name).into_owned(),
        Object::String(..) => {
            let text = lopdf::decode_text_string(value).ok()?;
            let text = text.trim_start_matches('\u{FEFF}').trim();
            text.strip_prefix('/').unwrap_or(text).to_string()
        }
        _ => return None,
    };
    (!name.is_empty()).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on(state: &str) -> Button {
        Button {
            state: Some(state.into()),
            on_states: vec![state.into()],
        }
    }

    fn off(state: &str) -> Button {
        Button {
            state: Some("Off".into()),
            on_states: vec![state.into()],
        }
    }

    /// A five-button rating scale with `chosen` on (0: none).
    fn scale(chosen: usize) -> Vec<Button> {
        (1..=5)
            .map(|n| {
                if n == chosen {
                    on(&n.to_string())
                } else {
                    off(&n.to_string())
                }
            })
            .collect()
    }

    fn chosen(s: &str) -> Choice {
        Choice::Chosen(s.into())
    }

    #[test]
    fn a_value_reads_as_a_name_or_as_a_string_with_or_without_the_slash() {
        let doc = Document::with_version("1.7");
        for (object, name) in [
            (Object::Name(b"3".to_vec()), Some("3")),
            (Object::string_literal("/3"), Some("3")),
            (Object::string_literal("3"), Some("3")),
            (Object::string_literal(" /naaet "), Some("naaet")),
            (
                Object::String(
                    b"\xFE\xFF\x00/\x00n\x00a\x00a\x00e\x00t".to_vec(),
                    lopdf::StringFormat::Hexadecimal,
                ),
                Some("naaet"),
            ),
            (Object::string_literal(""), None),
            (Object::Integer(3), None),
        ] {
            assert_eq!(value_name(&doc, &object).as_deref(), name, "{object:?}");
        }
    }

    #[test]
    fn a_value_the_buttons_agree_with_is_the_choice() {
        assert_eq!(decide(Some("3"), &scale(3)), chosen("3"));
    }

    #[test]
    fn a_missing_value_is_read_from_the_button_that_is_on() {
        assert_eq!(decide(None, &scale(4)), chosen("4"));
    }

    #[test]
    fn a_value_that_names_no_button_or_another_one_gives_way_to_the_button_that_is_on() {
        assert_eq!(decide(Some("7"), &scale(3)), chosen("3"));
        assert_eq!(decide(Some("2"), &scale(3)), chosen("3"));
        // Every button off: a reader shows nothing chosen, whatever /V says.
        assert_eq!(decide(Some("2"), &scale(0)), Choice::None);
        assert_eq!(decide(Some("Off"), &scale(0)), Choice::None);
        assert_eq!(decide(None, &scale(0)), Choice::None);
    }

    #[test]
    fn several_buttons_on_are_no_choice_and_say_so() {
        let mut buttons = scale(2);
        buttons[4] = on("5");
        assert_eq!(
            decide(Some("2"), &buttons),
            Choice::Ambiguous(vec!["2".into(), "5".into()])
        );
        // Two widgets of one state on (radios in unison) are one choice.
        let mut twins = scale(2);
        twins.push(on("2"));
        assert_eq!(decide(None, &twins), chosen("2"));
    }

    #[test]
    fn without_appearance_states_the_value_stands_if_it_names_a_button() {
        let plain = |s: &str| Button {
            state: None,
            on_states: vec![s.into()],
        };
        let buttons = [plain("1"), plain("2")];
        assert_eq!(decide(Some("2"), &buttons), chosen("2"));
        assert_eq!(decide(Some("9"), &buttons), Choice::None);
        // Nothing known about the widgets: the value is all there is.
        assert_eq!(decide(Some("Yes"), &[Button::default()]), chosen("Yes"));
        assert_eq!(decide(Some("Yes"), &[]), chosen("Yes"));
        assert_eq!(decide(None, &[]), Choice::None);
    }

    /// The field tree as a reader has it: a radio group whose /V is pypdf's string and
    /// whose kids are widgets, read through [`read`].
    #[test]
    fn a_radio_group_is_read_from_its_widgets() {
        let mut doc = Document::with_version("1.7");
        let widget = |doc: &mut Document, state: &str, on_state: &str| {
            let mut n = Dictionary::new();
            n.set(on_state, Object::Null);
            n.set("Off", Object::Null);
            let mut ap = Dictionary::new();
            ap.set("N", Object::Dictionary(n));
            let mut w = Dictionary::new();
            w.set("AS", Object::Name(state.as_bytes().to_vec()));
            w.set("AP", Object::Dictionary(ap));
            doc.add_object(Object::Dictionary(w))
        };
        let kids: Vec<Object> = ["Off", "2", "Off"]
            .iter()
            .zip(["1", "2", "3"])
            .map(|(state, on_state)| Object::Reference(widget(&mut doc, state, on_state)))
            .collect();
        let mut field = Dictionary::new();
        field.set("FT", Object::Name(b"Btn".to_vec()));
        field.set("Kids", Object::Array(kids));
        let value = Object::string_literal("/2");
        assert_eq!(read(&doc, &field, Some(&value)), chosen("2"));
        let other = Object::Name(b"3".to_vec());
        assert_eq!(read(&doc, &field, Some(&other)), chosen("2"));
        // A check box: the field is its own widget.
        let mut check = Dictionary::new();
        check.set("V", Object::Name(b"Yes".to_vec()));
        check.set("AS", Object::Name(b"Off".to_vec()));
        assert_eq!(read(&doc, &check, check.get(b"V").ok()), Choice::None);
        check.set("AS", Object::Name(b"Yes".to_vec()));
        assert_eq!(read(&doc, &check, check.get(b"V").ok()), chosen("Yes"));
    }
}
