//! The guide model — what one leader's guide holds — and the pipeline that turns it into
//! PDF bytes: templates → markup → blocks → layout → PDF.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::base::fonts::FontSet;
use crate::compose::error::Result;
use crate::compose::templates::Templates;
use crate::layout::blocks::Block;
use crate::layout::{self, Document, Footer};
use crate::model::followup::Carried;
use crate::model::framework::{Framework, Level, Placement, Principle, Topic, Value};
use crate::model::identity::GuideIdentity;
use crate::pdf::{self, Metadata};

pub use crate::model::people::People;

/// One leader's guide, resolved against a framework.
#[derive(Debug, Clone)]
pub struct Guide<'f> {
    pub framework: &'f Framework,
    pub level: &'f Level,
    /// The focus principles, in framework order.
    pub focus: Vec<&'f Principle>,
    pub people: People,
    /// The date of the dialogue.
    pub date: NaiveDate,
    /// The PDF creation time, seconds since the epoch (from the date, or
    /// `SOURCE_DATE_EPOCH`).
    pub created: i64,
    /// Make the guide a fillable form with two signature fields (the default; `--no-form`
    /// makes a print-only guide).
    pub form: bool,
    /// Last year's guide, whose plan and ratings this one follows up (`--previous`).
    pub previous: Option<&'f Carried>,
}

/// A finished guide.
pub struct Rendered {
    pub id: String,
    pub pages: usize,
    pub pdf: Vec<u8>,
}

impl<'f> Guide<'f> {
    /// The guide for a level and focus principles given by id, already resolved against
    /// `framework` (`mus guide` from its arguments, `mus batch` from a validated row): the
    /// focus in framework order, every principle when it is empty.
    pub fn from_ids(
        framework: &'f Framework,
        level: &str,
        focus: &[String],
        people: People,
        date: NaiveDate,
        created: i64,
        form: bool,
    ) -> Guide<'f> {
        Guide {
            framework,
            level: framework
                .level(level)
                .expect("the level was resolved against this framework"),
            focus: framework.focus(focus).collect(),
            people,
            date,
            created,
            form,
            previous: None,
        }
    }

    /// The same guide, following up `previous`.
    pub fn with_previous(self, previous: Option<&'f Carried>) -> Guide<'f> {
        Guide { previous, ..self }
    }

    /// The guide's id, `2027-7K3M-Q9XD-4HZP-B2N8`: the year and 80 bits of a digest of
    /// everything that makes it this guide, so the same inputs give the same id, and the
    /// archive can recognise a returned guide. 80 bits keep a municipality's decades of
    /// guides apart (10,000 a year for 100 years: a collision with probability about
    /// 10^-12); the 32 bits of guides made before (`2027-1A2B3C4D`, about 1 % among
    /// 10,000) are still read everywhere, since ids are compared, never parsed.
    pub fn id(&self) -> String {
        let mut hash = Sha256::new();
        for part in [
            self.framework.id.as_str(),
            self.framework.version.as_str(),
            self.level.id.as_str(),
            &self
                .focus
                .iter()
                .map(|p| p.id.as_str())
                .collect::<Vec<_>>()
                .join(","),
            &self.people.name,
            &self.people.manager,
            &self.people.unit,
            &self.date.to_string(),
        ] {
            hash.update(part.as_bytes());
            hash.update([0]);
        }
        // Namesakes with the same manager, unit and date are told apart by their employee
        // id; a guide without one keeps the id it always had.
        if let Some(employee_id) = &self.people.employee_id {
            hash.update(employee_id.as_bytes());
            hash.update([0]);
        }
        let digest = hash.finalize();
        format!("{}-{}", self.date.year(), readable_id(&digest))
    }

    /// What the templates see.
    pub fn context(&self) -> Context<'_> {
        let last_year = self.previous.map(|p| self.last_years_numbers(p));
        let mut number = 0;
        let focus = self
            .focus
            .iter()
            .map(|p| FocusContext {
                id: &p.id,
                name: &p.name,
                summary: &p.summary,
                description: &p.description,
                questions: &p.questions,
                expectations: self
                    .level
                    .expectations
                    .iter()
                    .filter(|e| e.principle == p.id)
                    .map(|e| {
                        number += 1;
                        ExpectationContext {
                            number,
                            text: &e.text,
                            self_question: &e.self_question,
                            manager_question: &e.manager_question,
                            previous_rating: last_year.as_ref().and_then(|numbers| {
                                let previous = self.previous?;
                                let then = numbers.get(&(p.id.as_str(), e.text.as_str()))?;
                                let rating = previous.rating(*then)?;
                                let score =
                                    |s: Option<u8>| s.map_or("–".to_string(), |s| s.to_string());
                                Some(PreviousRating {
                                    leader: score(rating.leader),
                                    manager: score(rating.manager),
                                })
                            }),
                        }
                    })
                    .collect(),
            })
            .collect();
        let topics = |placement| {
            self.framework
                .topics
                .iter()
                .filter(|t| t.placement == placement)
                .collect()
        };
        Context {
            guide_id: self.id(),
            mus_version: env!("CARGO_PKG_VERSION"),
            date: danish_date(self.date),
            date_iso: self.date.to_string(),
            leader: &self.people,
            level: LevelContext {
                id: &self.level.id,
                name: &self.level.name,
            },
            framework: FrameworkContext {
                organisation: &self.framework.organisation,
                name: &self.framework.name,
                version: &self.framework.version,
                core_task: &self.framework.core_task,
                values_intro: &self.framework.values_intro,
            },
            values: &self.framework.values,
            figure: self
                .framework
                .principles
                .iter()
                .map(|p| FigureItem {
                    name: &p.name,
                    focus: self.focus.iter().any(|f| f.id == p.id),
                })
                .collect(),
            all_focus: self.focus.len() == self.framework.principles.len(),
            focus_names: danish_list(self.focus.iter().map(|p| p.name.as_str())),
            focus,
            opening_topics: topics(Placement::Opening),
            closing_topics: topics(Placement::Closing),
            previous: self.previous.map(|p| PreviousContext {
                signed: p.signed(),
                date: danish_date(p.date()),
                date_iso: p.date().to_string(),
                dialogue_date: danish_date(p.identity.dialogue_date),
                plan: &p.plan,
            }),
        }
    }

    /// How last year's guide numbered its expectations (`<principle>.forventning<n>`),
    /// by principle and text: the framework's expectations of last year's level, in
    /// last year's focus, numbered through the guide as [`Guide::context`] numbers them.
    /// An expectation is the same one this year when its principle and text are; a level
    /// that is gone from the framework numbers nothing.
    fn last_years_numbers<'a>(
        &'a self,
        previous: &'a Carried,
    ) -> std::collections::HashMap<(&'a str, &'a str), u32> {
        let mut numbers = std::collections::HashMap::new();
        let Some(level) = self.framework.level(&previous.identity.level) else {
            return numbers;
        };
        let focus = &previous.identity.focus;
        let mut number = 0;
        for principle in self
            .framework
            .principles
            .iter()
            .filter(|p| focus.is_empty() || focus.contains(&p.id))
        {
            for e in level
                .expectations
                .iter()
                .filter(|e| e.principle == principle.id)
            {
                number += 1;
                numbers.insert((principle.id.as_str(), e.text.as_str()), number);
            }
        }
        numbers
    }

    /// Lays the guide out, without writing PDF.
    pub fn layout(&self, templates: &Templates, fonts: &FontSet) -> Result<Document> {
        self.layout_markup(&templates.render(&self.context())?, fonts)
    }

    fn layout_markup(&self, markup: &str, fonts: &FontSet) -> Result<Document> {
        let mut blocks = crate::compose::markup::parse(markup)?;
        if !self.form {
            // Without a form, every value the form would show is printed on the page.
            for block in &mut blocks {
                match block {
                    Block::Answer { name, .. }
                    | Block::Scale { name, .. }
                    | Block::Table { name, .. }
                    | Block::Choice { name, .. }
                    | Block::Fields { name, .. } => *name = None,
                    // Paper signing needs to know who signs too: the slots stay.
                    Block::Signatures { form, .. } => *form = false,
                    _ => {}
                }
            }
        }
        let footer = Footer {
            left: "Side {page} af {pages}".into(),
            center: format!("Guide {}", self.id()),
            right: format!(
                "{} · {} {}",
                self.framework.organisation, self.framework.name, self.framework.version
            ),
        };
        Ok(layout::layout(&blocks, fonts, &footer))
    }

    /// Makes the guide's PDF.
    pub fn render(&self, templates: &Templates, fonts: &FontSet) -> Result<Rendered> {
        let markup = templates.render(&self.context())?;
        let document = self.layout_markup(&markup, fonts)?;
        // The markup determines the layout, so it (with the program's version) keys the
        // file identifier.
        let key = Sha256::new()
            .chain_update(env!("CARGO_PKG_VERSION"))
            .chain_update(&markup)
            .finalize()
            .to_vec();
        let pdf = pdf::write(&document, fonts, &self.metadata(key))?;
        Ok(Rendered {
            id: self.id(),
            pages: document.pages.len(),
            pdf,
        })
    }

    /// The PDF's metadata; `key` is what the file identifier is derived from.
    pub fn metadata(&self, key: Vec<u8>) -> Metadata {
        let focus: Vec<&str> = self.focus.iter().map(|p| p.name.as_str()).collect();
        let who = if self.people.name.is_empty() {
            self.level.name.clone()
        } else {
            self.people.name.clone()
        };
        let mut keywords = vec![
            "MUS".to_string(),
            "LUS".into(),
            "MUS med Mening".into(),
            self.level.name.clone(),
        ];
        keywords.extend(focus.iter().map(|f| f.to_string()));
        keywords.push(format!("guide {}", self.id()));
        Metadata {
            title: format!("Samtaleguide til MUS – {who} – {}", danish_date(self.date)),
            author: if self.people.name.is_empty() {
                self.framework.organisation.clone()
            } else {
                self.people.name.clone()
            },
            subject: format!(
                "Forberedelse til MUS med Mening: {} · {} {} · fokus: {}",
                self.level.name,
                self.framework.organisation,
                self.framework.name,
                focus.join(", ")
            ),
            keywords,
            creator: format!("mus {}", env!("CARGO_PKG_VERSION")),
            language: if self.framework.language == "da" {
                "da-DK".into()
            } else {
                self.framework.language.clone()
            },
            created: self.created,
            key,
            identity: Some(self.identity()),
        }
    }
}

impl Guide<'_> {
    /// What identifies the guide in its XMP metadata: an archive reads it instead of
    /// guessing from the text. Its `signers` are left empty: the PDF writer lists the
    /// signature areas the layout made.
    pub fn identity(&self) -> GuideIdentity {
        GuideIdentity {
            guide_id: self.id(),
            leader: self.people.name.clone(),
            manager: self.people.manager.clone(),
            unit: self.people.unit.clone(),
            level: self.level.id.clone(),
            focus: self.focus.iter().map(|f| f.id.clone()).collect(),
            dialogue_date: self.date,
            framework: format!("{} {}", self.framework.id, self.framework.version),
            employee_id: self.people.employee_id.clone(),
            signers: Vec::new(),
        }
    }
}

#[derive(Serialize)]
pub struct Context<'a> {
    pub guide_id: String,
    pub mus_version: &'static str,
    pub date: String,
    pub date_iso: String,
    pub leader: &'a People,
    pub level: LevelContext<'a>,
    pub framework: FrameworkContext<'a>,
    pub values: &'a [Value],
    pub figure: Vec<FigureItem<'a>>,
    /// Every principle is in focus (no `--focus`).
    pub all_focus: bool,
    /// "Sæt retning og Opdyrk potentialer".
    pub focus_names: String,
    pub focus: Vec<FocusContext<'a>>,
    pub opening_topics: Vec<&'a Topic>,
    pub closing_topics: Vec<&'a Topic>,
    /// Last year's guide (`--previous`); `null` without one.
    pub previous: Option<PreviousContext<'a>>,
}

/// What the templates see of last year's guide: its plan, whether it was signed, and when.
#[derive(Serialize)]
pub struct PreviousContext<'a> {
    /// Signed by everyone it names, and nothing filled in after the last signature.
    pub signed: bool,
    /// The day of the last signature ("15. januar 2027"), or of last year's dialogue when
    /// it was not signed.
    pub date: String,
    pub date_iso: String,
    pub dialogue_date: String,
    /// The rows with anything written in them: `row`, `maal`, `handling`, `hvem`, `frist`,
    /// `opfoelgning`.
    pub plan: &'a [crate::model::followup::PlanRow],
}

/// Last year's two ratings of an expectation, "–" where one is missing.
#[derive(Serialize)]
pub struct PreviousRating {
    pub leader: String,
    pub manager: String,
}

#[derive(Serialize)]
pub struct LevelContext<'a> {
    pub id: &'a str,
    pub name: &'a str,
}

#[derive(Serialize)]
pub struct FrameworkContext<'a> {
    pub organisation: &'a str,
    pub name: &'a str,
    pub version: &'a str,
    pub core_task: &'a str,
    pub values_intro: &'a str,
}

#[derive(Serialize)]
pub struct FigureItem<'a> {
    pub name: &'a str,
    pub focus: bool,
}

#[derive(Serialize)]
pub struct FocusContext<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub summary: &'a str,
    pub description: &'a [String],
    pub questions: &'a [String],
    pub expectations: Vec<ExpectationContext<'a>>,
}

#[derive(Serialize)]
pub struct ExpectationContext<'a> {
    /// Numbered through the whole guide, so the dialogue can refer to "forventning 7".
    pub number: usize,
    pub text: &'a str,
    pub self_question: &'a str,
    pub manager_question: &'a str,
    /// Last year's ratings when the expectation was in focus then too; `null` otherwise.
    pub previous_rating: Option<PreviousRating>,
}

/// Crockford's base 32 (digits and capitals without I, L, O and U): read aloud and typed
/// without confusing 0/O or 1/I/L.
const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// The first 80 bits of `digest` as four groups of four Crockford base-32 characters.
fn readable_id(digest: &[u8]) -> String {
    let bits = digest[..10]
        .iter()
        .fold(0u128, |acc, b| (acc << 8) | u128::from(*b));
    let chars: Vec<char> = (0..16)
        .rev()
        .map(|i| CROCKFORD[((bits >> (5 * i)) & 31) as usize] as char)
        .collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

const MONTHS: [&str; 12] = [
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
];

/// "15. januar 2027".
pub fn danish_date(date: NaiveDate) -> String {
    format!(
        "{}. {} {}",
        date.day(),
        MONTHS[date.month0() as usize],
        date.year()
    )
}

/// "a", "a og b", "a, b og c".
fn danish_list<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let items: Vec<&str> = items.collect();
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => last.to_string(),
        Some((last, rest)) => format!("{} og {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_guide_parses_in_sections_as_whole_however_its_templates_are_compiled() {
        let framework = Framework::builtin().unwrap();
        let templates = Templates::builtin().unwrap();
        // What `mus guide` without `--previous` compiles: all but the follow-up section.
        let fresh = Templates::builtin_for(false).unwrap();
        assert!(!fresh.has("follow-up") && templates.has("follow-up"));
        // The templates as written, their opening comments too, which are compiled
        // without them.
        let as_written = Templates::builtin_as_written().unwrap();
        let focuses: Vec<Vec<&Principle>> = std::iter::once(framework.principles.iter().collect())
            .chain(framework.principles.iter().map(|p| vec![p]))
            .collect();
        for level in &framework.levels {
            for focus in &focuses {
                let guide = Guide {
                    framework: &framework,
                    level,
                    focus: focus.clone(),
                    people: People {
                        name: "# Ane [1]: <b> ```x".into(),
                        manager: "Łukasz Øster-Ågård".into(),
                        unit: "~~~ Ældre > Vest".into(),
                        employee_id: None,
                    },
                    date: NaiveDate::from_ymd_opt(2027, 1, 15).unwrap(),
                    created: 0,
                    form: true,
                    previous: None,
                };
                let markup = templates.render(&guide.context()).unwrap();
                assert_eq!(fresh.render(&guide.context()).unwrap(), markup);
                assert_eq!(as_written.render(&guide.context()).unwrap(), markup);
                let sections = crate::compose::markup::sections(&markup).expect(&markup);
                // The title, "Om samtalen", the values, the principles, the plan …
                assert!(sections.len() >= 6 + focus.len(), "{sections:?}");
                let whole = crate::compose::markup::parse_whole(&markup).unwrap();
                for _ in 0..3 {
                    assert_eq!(crate::compose::markup::parse(&markup).unwrap(), whole);
                }
            }
        }
    }

    #[test]
    fn dates_and_lists_read_as_danish() {
        assert_eq!(
            danish_date(NaiveDate::from_ymd_opt(2027, 1, 15).unwrap()),
            "15. januar 2027"
        );
        assert_eq!(danish_list(["a", "b", "c"].into_iter()), "a, b og c");
        assert_eq!(danish_list(["a"].into_iter()), "a");
    }

    #[test]
    fn ids_are_80_bits_in_four_groups_of_crockford_base_32() {
        assert_eq!(readable_id(&[0; 32]), "0000-0000-0000-0000");
        assert_eq!(readable_id(&[0xFF; 32]), "ZZZZ-ZZZZ-ZZZZ-ZZZZ");
        // 0x08 0x42 ... : the bits 00001 00001 00001 ... are all 1s in base 32.
        assert_eq!(
            readable_id(&[0x08, 0x42, 0x10, 0x84, 0x21, 0x08, 0x42, 0x10, 0x84, 0x21, 0xFF]),
            "1111-1111-1111-1111"
        );
    }
}
