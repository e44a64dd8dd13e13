//! A returned guide's answers: the values filled into its form, read from its final
//! revision, typed by what the field names say (plan row and column, expectation and
//! rater, question), with whether the guide is signed and when it was last signed.
//!
//! Only what the yearly cycle carries over leaves this module: the development plan and
//! the ratings ([`Carried`]). Reflections and free-text answers are read and typed here
//! but never returned: they stay in last year's PDF.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use lopdf::Object;
use thiserror::Error;

use crate::archive::choice::{self, Choice};
use crate::archive::{judge, ArchivedGuide, Policy, Status};
use crate::model::identity::{GuideIdentity, IdentityError};
use crate::signature::{self, SignatureStatus, StructureError};

pub use crate::model::followup::{Carried, PlanRow, Rating, Signing, PLAN_COLUMNS};

/// Why a file's answers cannot be read.
#[derive(Debug, Error)]
pub enum AnswersError {
    /// Not a guide made by mus (no identity), or not a readable PDF.
    #[error("{0}")]
    Identity(#[from] IdentityError),
    /// Readable one way only, or not at all (see `signature::revisions`).
    #[error("the PDF is refused: {0}")]
    Structure(#[from] StructureError),
}

/// The day a moment falls on in Denmark (Europe/Copenhagen, summer time included): a
/// guide signed at 23:30 UTC on 14 January was signed on 15 January, as the leader who
/// signed it would say.
pub fn danish_day(moment: chrono::DateTime<chrono::Utc>) -> NaiveDate {
    moment
        .with_timezone(&chrono_tz::Europe::Copenhagen)
        .date_naive()
}

/// What a form field is, by its name.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Field {
    /// `plan.<row>.<column>`.
    Plan { row: u32, column: usize },
    /// `<principle>.forventning<n>.<rater>`: `leder` or `leders-leder`.
    Rating {
        principle: String,
        number: u32,
        manager: bool,
    },
    /// `<principle>.forventning<n>.refleksion` / `.lederens-blik`, `<section>.spm<n>`,
    /// and any other text: never carried over.
    FreeText,
}

impl Field {
    fn from_name(name: &str) -> Field {
        let parts: Vec<&str> = name.split('.').collect();
        match parts.as_slice() {
            ["plan", row, column] => match (
                row.parse::<u32>(),
                PLAN_COLUMNS.iter().position(|c| c == column),
            ) {
                (Ok(row), Some(column)) if row > 0 => Field::Plan { row, column },
                _ => Field::FreeText,
            },
            [principle, expectation, rater] => {
                let number = expectation
                    .strip_prefix("forventning")
                    .and_then(|n| n.parse::<u32>().ok());
                match (number, *rater) {
                    (Some(number), "leder" | "leders-leder") => Field::Rating {
                        principle: principle.to_string(),
                        number,
                        manager: *rater == "leders-leder",
                    },
                    _ => Field::FreeText,
                }
            }
            _ => Field::FreeText,
        }
    }
}

/// Reads what `pdf`, a returned guide, carries over to next year's guide, judging its
/// signatures as the archive does (without trust anchors). The file is parsed once.
pub fn read(pdf: &[u8]) -> Result<Carried, AnswersError> {
    GuideIdentity::sniff(pdf)?;
    let (history, doc) = signature::read(pdf)?;
    let identity = GuideIdentity::from_document(&doc)?;
    let inspection = signature::inspect_read(pdf, &history, &doc, &[]);
    let signing = signing(&inspection, &identity);
    Ok(Recorded::read(identity, &doc).carried(signing))
}

/// [`read`] for a file from the archive, which judged the whole file when it took it in
/// (`mus archive add`): `signing` is that verdict. The caller checks that `pdf` is still
/// that file (its SHA-256 in the index). Only what is carried over is then read from the
/// last revision — the catalog, the form's fields and values, the XMP — not every page
/// and font: a batch following up 1,000 guides reads them in a fraction of the time. (A
/// file with a rating read from its buttons' appearances is read whole: see
/// `choice::read_from_appearances`.)
pub fn read_archived(pdf: &[u8], signing: Signing) -> Result<Carried, AnswersError> {
    GuideIdentity::sniff(pdf)?;
    let mut doc = signature::read_form(pdf)?;
    let mut answers = form_answers(&doc);
    if answers.from_appearances {
        // The reading above keeps only the keys of a dictionary that lead to the answers:
        // an appearance dictionary in an object of its own reads as unknown there, and
        // would let any value stand. (mus, and every reader that saves a form, write
        // `/AS`.)
        (_, doc) = signature::read(pdf)?;
        answers = form_answers(&doc);
    }
    let identity = GuideIdentity::from_document(&doc)?;
    Ok(Recorded::of_answers(identity, answers).carried(signing))
}

/// What the archived `guide`, whose file is at `path`, carries into next year's guide,
/// signed as the index says it was when archived; and whether its file was read for it.
/// From `record`, the index's ([`Recorded`]), while the file is still there with its
/// archived size (`mus archive verify` re-hashes it and compares the record); else from
/// the file, which must still have its archived SHA-256 (then only the form's values and
/// the identity are read, or the whole file for a rating read from its buttons'
/// appearances: see [`read_archived`]). Why not, as a sentence, when neither.
pub fn of_archived(
    path: &Path,
    guide: &ArchivedGuide,
    record: Option<&str>,
) -> std::result::Result<(Carried, bool), String> {
    if let Some(recorded) = record.and_then(Recorded::from_json) {
        let size = std::fs::metadata(path).map_err(|e| e.to_string())?.len();
        if size != guide.size {
            return Err(no_longer("size"));
        }
        return Ok((recorded.carried(archived_signing(guide)), false));
    }
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    if crate::base::files::sha256_hex(&bytes) != guide.sha256 {
        return Err(no_longer("SHA-256"));
    }
    let carried = read_archived(&bytes, archived_signing(guide)).map_err(|e| e.to_string())?;
    Ok((carried, true))
}

/// Why an archived file whose `what` (SHA-256, size) is not the one the index recorded
/// is not used.
fn no_longer(what: &str) -> String {
    format!(
        "it is no longer the file the archive took in (its {what} differs; see `mus archive \
         verify`)"
    )
}

/// Whether `guide` was signed, as the index says it was when archived.
fn archived_signing(guide: &ArchivedGuide) -> Signing {
    match guide.status {
        Status::Signed => Signing::Signed {
            // "2027-01-14T23:30:00Z" (RFC 3339, UTC): the last personal signature, on the
            // day it was in Denmark (15 January).
            last: guide
                .signatures
                .iter()
                .filter(|s| ["leader", "manager", "other"].contains(&s.role.as_str()))
                .filter_map(|s| s.signing_time.as_deref())
                .filter_map(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                .map(|t| t.with_timezone(&chrono::Utc))
                .max()
                .map(danish_day),
        },
        Status::Unsigned => Signing::Unsigned {
            reason: "archived as unsigned".into(),
        },
    }
}

/// What an archived guide carries into next year's, but its signing (which the archive
/// judges): recorded in the archive's index when it takes the file in, so a batch
/// following up 1,000 guides need not read their files again (`archive::previous`).
/// Stored as JSON; a record of another [`Recorded::FORMAT`] is not used, and the file is
/// read instead.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Recorded {
    format: u32,
    identity: GuideIdentity,
    plan: Vec<PlanRow>,
    ratings: Vec<Rating>,
    unclear: Vec<String>,
}

impl Recorded {
    /// Changes whenever what is read from a guide (its form, its identity from the XMP),
    /// how, or how it is written here (the fields of `GuideIdentity`, `PlanRow` and
    /// `Rating`) changes: a batch then reads the files of guides an earlier mus recorded,
    /// and records them again. 2: a rating read from its buttons' appearances (no button
    /// says its state) is read from the whole file; format 1 could take a value no reader
    /// shows from a file whose appearances are objects of their own.
    pub const FORMAT: u32 = 2;

    /// The plan and the ratings in `doc`'s form, whose identity is `identity`.
    pub fn read(identity: GuideIdentity, doc: &lopdf::Document) -> Recorded {
        Recorded::of_answers(identity, form_answers(doc))
    }

    fn of_answers(identity: GuideIdentity, answers: FormAnswers) -> Recorded {
        let FormAnswers {
            plan,
            ratings,
            unclear,
            ..
        } = answers;
        Recorded {
            format: Recorded::FORMAT,
            identity,
            plan,
            ratings,
            unclear,
        }
    }

    /// What was read from `carried`, a guide's file.
    pub fn of(carried: &Carried) -> Recorded {
        Recorded {
            format: Recorded::FORMAT,
            identity: carried.identity.clone(),
            plan: carried.plan.clone(),
            ratings: carried.ratings.clone(),
            unclear: carried.unclear.clone(),
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a record of plain data serialises")
    }

    /// The record `json` holds, when it is one of this [`Recorded::FORMAT`].
    pub fn from_json(json: &str) -> Option<Recorded> {
        serde_json::from_str::<Recorded>(json)
            .ok()
            .filter(|r| r.format == Recorded::FORMAT)
    }

    pub fn carried(self, signing: Signing) -> Carried {
        Carried {
            identity: self.identity,
            plan: self.plan,
            ratings: self.ratings,
            unclear: self.unclear,
            signing,
        }
    }
}

/// What a guide's form says that is carried over.
struct FormAnswers {
    /// The plan's rows that have anything written in them.
    plan: Vec<PlanRow>,
    /// The rated expectations.
    ratings: Vec<Rating>,
    /// The ratings that cannot be read (several buttons on).
    unclear: Vec<String>,
    /// Whether a rating was read from its buttons' appearances (see
    /// [`choice::read_from_appearances`]).
    from_appearances: bool,
}

/// What `doc`'s form says that is carried over.
fn form_answers(doc: &lopdf::Document) -> FormAnswers {
    let mut rows: BTreeMap<u32, PlanRow> = BTreeMap::new();
    let mut ratings: BTreeMap<u32, Rating> = BTreeMap::new();
    let mut unclear = Vec::new();
    let mut from_appearances = false;
    for node in signature::fields::walk(doc) {
        if !node.terminal {
            continue;
        }
        match Field::from_name(&node.name) {
            Field::Plan { row, column } => {
                let Some(value) = node.value.and_then(|v| text(doc, v)) else {
                    continue;
                };
                let entry = rows.entry(row).or_insert_with(|| PlanRow {
                    row,
                    ..PlanRow::default()
                });
                let cell = match column {
                    0 => &mut entry.maal,
                    1 => &mut entry.handling,
                    2 => &mut entry.hvem,
                    3 => &mut entry.frist,
                    _ => &mut entry.opfoelgning,
                };
                *cell = value;
            }
            Field::Rating {
                principle,
                number,
                manager,
            } => {
                // A radio group: the chosen button's export name, as a reader shows it;
                // anything not a number on the scale is no rating.
                from_appearances |= choice::read_from_appearances(doc, node.dict);
                let score = match choice::read(doc, node.dict, node.value) {
                    Choice::Chosen(name) => name.parse::<u8>().ok(),
                    Choice::Ambiguous(_) => {
                        unclear.push(node.name.clone());
                        None
                    }
                    Choice::None => None,
                };
                let Some(score) = score.filter(|s| (1..=10).contains(s)) else {
                    continue;
                };
                let entry = ratings.entry(number).or_insert_with(|| Rating {
                    principle,
                    number,
                    leader: None,
                    manager: None,
                });
                if manager {
                    entry.manager = Some(score);
                } else {
                    entry.leader = Some(score);
                }
            }
            Field::FreeText => {}
        }
    }
    let plan = rows
        .into_values()
        .filter(|r| {
            [&r.maal, &r.handling, &r.hvem, &r.frist, &r.opfoelgning]
                .iter()
                .any(|c| !c.is_empty())
        })
        .collect();
    FormAnswers {
        plan,
        ratings: ratings.into_values().collect(),
        unclear,
        from_appearances,
    }
}

/// A text field's value, trimmed; `None` when empty. (A choice is read by
/// [`choice::read`].)
fn text(doc: &lopdf::Document, value: &Object) -> Option<String> {
    let value = match value {
        Object::Reference(id) => doc.get_object(*id).ok()?,
        other => other,
    };
    let text = match value {
        Object::String(..) => crate::signature::text_string::field_text(value)?,
        Object::Name(name) => String::from_utf8_lossy(name).into_owned(),
        _ => return None,
    };
    let text = text.trim_start_matches('\u{FEFF}').trim().to_string();
    (!text.is_empty() && text != "Off").then_some(text)
}

/// Whether every signer the guide names signed, soundly and last: the archive's own
/// judgement, without trust anchors.
fn signing(inspection: &signature::Inspection, identity: &GuideIdentity) -> Signing {
    let policy = Policy {
        allow_unsigned: true,
        anchors: Vec::new(),
    };
    match judge(inspection, &identity.signers, &policy) {
        Ok((Status::Signed, _)) => {
            let slots: Vec<&str> = identity.signers.iter().map(|s| s.slot.as_str()).collect();
            let last = inspection
                .fields
                .iter()
                .filter(|f| slots.contains(&f.name.as_str()))
                .filter_map(|f| match &f.status {
                    SignatureStatus::Signed(s) => s.signing_time,
                    _ => None,
                })
                .max()
                .map(danish_day);
            Signing::Signed { last }
        }
        Ok((Status::Unsigned, _)) => Signing::Unsigned {
            reason: "not every signer has signed".into(),
        },
        Err(refusal) => Signing::Unsigned {
            reason: refusal.reason,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A guide of `tests/fixtures/previous`.
    fn previous_fixture(name: &str) -> Vec<u8> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/previous")
            .join(name);
        std::fs::read(path).unwrap()
    }

    /// The archive's fast path reads the same plan, ratings and identity as the full
    /// strict reading, from a pypdf-filled guide and from one signed twice by pyHanko
    /// (three revisions).
    #[test]
    fn an_archived_guide_reads_the_same_through_the_fast_path() {
        for name in ["signed.pdf", "unsigned.pdf", "renamed.pdf"] {
            let pdf = previous_fixture(name);
            let full = read(&pdf).unwrap();
            assert!(!full.plan.is_empty(), "{name}");
            let fast = read_archived(&pdf, full.signing.clone()).unwrap();
            assert_eq!(fast, full, "{name}");
        }
        // Guides signed or saved by others, several of them with the form in object
        // streams (pyHanko's updates): wherever the full reading reads them, the fast path
        // reads the same.
        let mut compared = 0;
        for folder in ["attacks", "redteam"] {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures")
                .join(folder);
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.extension().is_none_or(|e| e != "pdf") {
                    continue;
                }
                let pdf = std::fs::read(&path).unwrap();
                let Ok(full) = read(&pdf) else { continue };
                let fast = read_archived(&pdf, full.signing.clone()).unwrap();
                assert_eq!(fast, full, "{}", path.display());
                compared += 1;
            }
        }
        assert!(compared >= 10, "{compared}");
        // An object the cross-reference places where another object stands is refused
        // there too.
        let pdf = previous_fixture("unsigned.pdf");
        let at = memchr::memmem::find(&pdf, b"\n1 0 obj").unwrap() + 1;
        let mut moved = pdf.clone();
        moved[at] = b'9';
        let refused = read_archived(
            &moved,
            Signing::Unsigned {
                reason: String::new(),
            },
        )
        .unwrap_err()
        .to_string();
        assert!(refused.contains("another object stands"), "{refused}");
    }

    /// A rating none of whose buttons says its state (`/AS`), with the buttons'
    /// appearances in objects of their own: the value names no appearance, so readers
    /// show no rating, and neither may the archive's fast path (whose reading of the form
    /// steps over the appearances).
    #[test]
    fn a_rating_read_from_its_appearances_reads_the_same_through_the_fast_path() {
        let pdf = previous_fixture("unsigned.pdf");
        let mut doc = lopdf::Document::load_mem(&pdf).unwrap();
        let field = signature::fields::walk(&doc)
            .into_iter()
            .find(|n| n.terminal && matches!(Field::from_name(&n.name), Field::Rating { .. }))
            .map(|n| {
                (
                    n.name,
                    n.dict.get(b"Kids").unwrap().as_array().unwrap().clone(),
                )
            })
            .unwrap();
        let (name, kids) = field;
        for value in ["7", "3"] {
            for kid in &kids {
                let id = kid.as_reference().unwrap();
                let widget = doc.get_object(id).unwrap().as_dict().unwrap().clone();
                let appearance = widget.get(b"AP").unwrap().clone();
                let appearance = match appearance {
                    Object::Dictionary(d) => Object::Reference(doc.add_object(d)),
                    indirect => indirect,
                };
                let widget = doc.get_object_mut(id).unwrap().as_dict_mut().unwrap();
                widget.remove(b"AS");
                widget.set("AP", appearance);
            }
            let parent = doc
                .get_object(kids[0].as_reference().unwrap())
                .unwrap()
                .as_dict()
                .unwrap()
                .get(b"Parent")
                .unwrap()
                .as_reference()
                .unwrap();
            let group = doc.get_object_mut(parent).unwrap().as_dict_mut().unwrap();
            group.set("V", Object::Name(value.as_bytes().to_vec()));
            let mut changed = Vec::new();
            doc.save_to(&mut changed).unwrap();
            let full = read(&changed).unwrap();
            let fast = read_archived(&changed, full.signing.clone()).unwrap();
            assert_eq!(fast, full, "{name} = /{value}");
            // The reading of the form alone, without reading the file whole, shows the
            // value either way.
            let form = signature::read_form(&changed).unwrap();
            let identity = GuideIdentity::from_document(&form).unwrap();
            let form = Recorded::read(identity, &form).carried(full.signing.clone());
            let Field::Rating {
                number, manager, ..
            } = Field::from_name(&name)
            else {
                unreachable!()
            };
            let shown = |c: &Carried| {
                c.ratings
                    .iter()
                    .filter(|r| r.number == number)
                    .any(|r| if manager { r.manager } else { r.leader } == value.parse().ok())
            };
            assert!(shown(&form), "{name} = /{value}");
            assert_eq!(shown(&full), value == "3", "{name} = /{value}");
        }
    }

    /// What the index records of a guide reads back as what the file carries over, holds
    /// none of its free text, and a record of another format is not used.
    #[test]
    fn a_record_for_the_index_is_what_the_file_carries_over_and_no_free_text() {
        let pdf = previous_fixture("signed.pdf");
        let carried = read(&pdf).unwrap();
        assert!(!carried.plan.is_empty() && !carried.ratings.is_empty());
        let json = Recorded::of(&carried).to_json();
        // The fixture's reflection and answer (scripts/fill-guide.py) stay in the PDF.
        assert!(!json.contains("HEMMELIG"), "{json}");
        let back = Recorded::from_json(&json).unwrap();
        assert_eq!(back.carried(carried.signing.clone()), carried);
        let other = json.replacen(
            &format!("\"format\":{}", Recorded::FORMAT),
            &format!("\"format\":{}", Recorded::FORMAT + 1),
            1,
        );
        assert_ne!(other, json);
        assert_eq!(Recorded::from_json(&other), None);
        assert_eq!(Recorded::from_json("{}"), None);
    }

    #[test]
    fn the_signing_day_is_the_day_in_copenhagen() {
        let day = |text: &str| {
            danish_day(
                chrono::DateTime::parse_from_rfc3339(text)
                    .unwrap()
                    .with_timezone(&chrono::Utc),
            )
            .to_string()
        };
        // Winter (UTC+1): 23:30 UTC on 14 January is 00:30 on the 15th in Denmark.
        assert_eq!(day("2027-01-14T23:30:00Z"), "2027-01-15");
        assert_eq!(day("2027-01-14T22:59:59Z"), "2027-01-14");
        assert_eq!(day("2027-01-14T23:00:00Z"), "2027-01-15");
        // Summer (UTC+2): midnight is at 22:00 UTC.
        assert_eq!(day("2027-06-14T21:59:59Z"), "2027-06-14");
        assert_eq!(day("2027-06-14T22:00:00Z"), "2027-06-15");
    }

    #[test]
    fn field_names_say_what_the_field_is() {
        assert_eq!(
            Field::from_name("plan.3.frist"),
            Field::Plan { row: 3, column: 3 }
        );
        assert_eq!(
            Field::from_name("saet-retning.forventning7.leders-leder"),
            Field::Rating {
                principle: "saet-retning".into(),
                number: 7,
                manager: true
            }
        );
        for free in [
            "saet-retning.forventning7.refleksion",
            "saet-retning.spm2",
            "opfoelgning.spm1",
            "plan.0.maal",
            "plan.1.andet",
            "samtale.samtalens-dato",
        ] {
            assert_eq!(Field::from_name(free), Field::FreeText, "{free}");
        }
    }
}
