//! The framework model: values, principles, leadership levels and their expectations, the
//! reflection questions and the general MUS topics — loaded from JSON and validated.
//!
//! The built-in framework (Sønderborg Kommune's Ledelsesgrundlag) is embedded at compile
//! time; any other organisation's framework is the same schema in a file.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::base::error::Error as BaseError;
use crate::base::text::{self, Candidate};
use crate::model::error::{Error, Result};

/// The built-in framework, as shipped in `framework/soenderborg.json`.
pub const BUILTIN_JSON: &str = include_str!("../../framework/soenderborg.json");
/// What the built-in framework is called in messages.
pub const BUILTIN_ORIGIN: &str = "<built-in framework>";

/// The schema version this build reads and writes.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Framework {
    pub schema_version: u32,
    pub id: String,
    pub organisation: String,
    pub name: String,
    pub version: String,
    #[serde(default = "default_language")]
    pub language: String,
    pub source: String,
    /// The centre of the principles figure ("Kerneopgaven").
    pub core_task: String,
    pub values_intro: String,
    pub values: Vec<Value>,
    pub principles: Vec<Principle>,
    pub levels: Vec<Level>,
    pub topics: Vec<Topic>,
    #[serde(default)]
    pub notes: Notes,
}

fn default_language() -> String {
    "da".into()
}

/// A personnel-policy value (dialog, anerkendelse, …).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Value {
    pub id: String,
    pub name: String,
    pub description: String,
    #[serde(default)]
    pub questions: Vec<String>,
}

/// A principle of good leadership, in the framework's fixed order.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Principle {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub summary: String,
    /// The principle's description, one string per paragraph.
    pub description: Vec<String>,
    pub questions: Vec<String>,
}

/// A leadership level of the pipeline with what is expected of a leader there.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Level {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub expectations: Vec<Expectation>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expectation {
    /// The id of the principle this expectation stands under.
    pub principle: String,
    pub text: String,
    /// For the leader's own reflection.
    pub self_question: String,
    /// For the manager's view of the leader.
    pub manager_question: String,
    /// Why the expectation stands under this principle, where that was a judgement call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A general MUS topic (follow-up, well-being, development, support).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Topic {
    pub id: String,
    pub title: String,
    pub placement: Placement,
    pub intro: String,
    pub questions: Vec<String>,
}

/// Where in the dialogue a topic belongs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Placement {
    /// Before the principles: follow-up, well-being.
    Opening,
    /// After the principles, before the development plan.
    Closing,
}

/// How the framework file was made from its source: corrections and judgement calls.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Notes {
    #[serde(default)]
    pub corrections: Vec<Correction>,
    #[serde(default)]
    pub judgements: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Correction {
    pub original: String,
    pub corrected: String,
    pub location: String,
}

impl Framework {
    /// The built-in framework. It is tested, so a failure here is a build defect. Its
    /// problems are not looked for at every start: the same text and the same fonts give
    /// the same answer, and `the_builtin_framework_has_no_problems` finds none. (Looking
    /// checks every printed character against three faces: 3 % of a cold `mus guide`.)
    pub fn builtin() -> Result<Framework> {
        Framework::parse(BUILTIN_JSON, BUILTIN_ORIGIN)
    }

    /// Reads and validates a framework file.
    pub fn from_path(path: &std::path::Path) -> Result<Framework> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let text = String::from_utf8(bytes).map_err(|e| BaseError::Io {
            path: path.to_path_buf(),
            message: format!(
                "is not UTF-8 text (byte {} is not valid UTF-8); save it as UTF-8",
                e.utf8_error().valid_up_to() + 1
            ),
        })?;
        Framework::from_json(&text, &path.display().to_string())
    }

    /// Parses and validates a framework; `origin` names it in messages.
    pub fn from_json(text: &str, origin: &str) -> Result<Framework> {
        let framework = Framework::parse(text, origin)?;
        let problems = framework.problems();
        if problems.is_empty() {
            Ok(framework)
        } else {
            Err(Error::FrameworkInvalid {
                origin: origin.to_string(),
                problems,
            })
        }
    }

    /// Parses a framework, without looking for its [`Framework::problems`].
    fn parse(text: &str, origin: &str) -> Result<Framework> {
        // Editors on Windows save UTF-8 with a byte-order mark; JSON does not allow one.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let framework: Framework =
            serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
                let path = e.path().to_string();
                let inner = e.into_inner();
                let message = inner
                    .to_string()
                    .split(" at line ")
                    .next()
                    .unwrap_or_default()
                    .to_string();
                Error::FrameworkSyntax {
                    origin: origin.to_string(),
                    line: inner.line(),
                    column: inner.column(),
                    message: if path == "." || inner.is_syntax() || inner.is_eof() {
                        message
                    } else {
                        format!("{path}: {message}")
                    },
                }
            })?;
        // Text after the framework's closing brace (a second framework pasted below the
        // first, a stray word) is refused, not ignored: it is not part of what mus reads.
        deserializer.end().map_err(|inner| Error::FrameworkSyntax {
            origin: origin.to_string(),
            line: inner.line(),
            column: inner.column(),
            message: "text after the framework's closing `}`; the file must hold one \
                          JSON object and nothing after it"
                .into(),
        })?;
        Ok(framework)
    }

    /// Every problem with the framework, each with the path of the offending item.
    pub fn problems(&self) -> Vec<String> {
        let mut p = Problems::default();
        self.head_problems(&mut p);
        self.value_problems(&mut p);
        self.principle_problems(&mut p);
        self.level_problems(&mut p);
        self.topic_problems(&mut p);
        p.0
    }

    /// The framework's own fields: its schema version, id, source and printed texts.
    fn head_problems(&self, p: &mut Problems) {
        if self.schema_version != SCHEMA_VERSION {
            p.push(
                "schema_version",
                format!(
                    "is {}, this version of mus reads {SCHEMA_VERSION}",
                    self.schema_version
                ),
            );
        }
        p.text("id", &self.id);
        p.text("source", &self.source);
        for (path, text) in [
            ("organisation", &self.organisation),
            ("name", &self.name),
            ("version", &self.version),
            ("core_task", &self.core_task),
            ("values_intro", &self.values_intro),
        ] {
            p.printed(path, text);
        }
        p.slug("id", &self.id);
    }

    /// The values: at least one, each with a unique id and printable texts.
    fn value_problems(&self, p: &mut Problems) {
        if self.values.is_empty() {
            p.push(
                "values",
                "is empty: a framework needs at least one value".into(),
            );
        }
        let mut ids = HashMap::new();
        for (i, v) in self.values.iter().enumerate() {
            let at = format!("values[{i}]");
            p.id(&at, &v.id, &mut ids);
            p.printed(&format!("{at}.name"), &v.name);
            p.printed(&format!("{at}.description"), &v.description);
            p.printed_all(&format!("{at}.questions"), &v.questions);
        }
    }

    /// The principles: at least one, each with a unique id that can name fields, and
    /// printable texts; no two named alike.
    fn principle_problems(&self, p: &mut Problems) {
        if self.principles.is_empty() {
            p.push(
                "principles",
                "is missing or empty: a framework needs at least one principle".into(),
            );
        }
        let mut ids = HashMap::new();
        for (i, pr) in self.principles.iter().enumerate() {
            let at = format!("principles[{i}]");
            p.id(&at, &pr.id, &mut ids);
            p.field_group(&at, &pr.id);
            p.printed(&format!("{at}.name"), &pr.name);
            p.printed(&format!("{at}.summary"), &pr.summary);
            p.nonempty(&format!("{at}.description"), pr.description.len());
            p.printed_all(&format!("{at}.description"), &pr.description);
            p.nonempty(&format!("{at}.questions"), pr.questions.len());
            p.printed_all(&format!("{at}.questions"), &pr.questions);
            p.texts(&format!("{at}.aliases"), &pr.aliases);
        }
        p.ambiguous_names(
            "principles",
            self.principles
                .iter()
                .map(|x| (x.id.as_str(), x.name.as_str(), &x.aliases)),
        );
    }

    /// The levels: at least one, each with a unique id, and expectations under every
    /// principle and only under known ones; no two named alike.
    fn level_problems(&self, p: &mut Problems) {
        if self.levels.is_empty() {
            p.push(
                "levels",
                "is missing or empty: a framework needs at least one level".into(),
            );
        }
        let principle_ids: Vec<&str> = self.principles.iter().map(|x| x.id.as_str()).collect();
        let mut ids = HashMap::new();
        for (i, level) in self.levels.iter().enumerate() {
            let at = format!("levels[{i}]");
            p.id(&at, &level.id, &mut ids);
            p.printed(&format!("{at}.name"), &level.name);
            p.texts(&format!("{at}.aliases"), &level.aliases);
            for (j, e) in level.expectations.iter().enumerate() {
                let at = format!("{at}.expectations[{j}]");
                if !principle_ids.contains(&e.principle.as_str()) {
                    p.push(
                        &format!("{at}.principle"),
                        format!(
                            "names unknown principle '{}'; the principles are: {}",
                            e.principle,
                            principle_ids.join(", ")
                        ),
                    );
                }
                p.printed(&format!("{at}.text"), &e.text);
                p.printed(&format!("{at}.self_question"), &e.self_question);
                p.printed(&format!("{at}.manager_question"), &e.manager_question);
            }
            for principle in &principle_ids {
                if !level.expectations.iter().any(|e| e.principle == *principle) {
                    p.push(
                        &at,
                        format!(
                            "level '{}' has no expectations under principle '{principle}'",
                            level.id
                        ),
                    );
                }
            }
        }
        p.ambiguous_names(
            "levels",
            self.levels
                .iter()
                .map(|x| (x.id.as_str(), x.name.as_str(), &x.aliases)),
        );
    }

    /// The topics: unique ids, none a principle's, and printable texts.
    fn topic_problems(&self, p: &mut Problems) {
        let mut ids = HashMap::new();
        for (i, t) in self.topics.iter().enumerate() {
            let at = format!("topics[{i}]");
            p.id(&at, &t.id, &mut ids);
            // Principles and topics name the answer fields alike (`<id>.spm1`): one id for
            // both would make two fields of one name, which no PDF form can hold.
            if let Some(j) = self.principles.iter().position(|pr| pr.id == t.id) {
                p.push(
                    &format!("{at}.id"),
                    format!(
                        "'{}' is also the id of principles[{j}]; principles and topics name the guide's answer fields ({}.spm1), so their ids must differ",
                        t.id, t.id
                    ),
                );
            }
            p.field_group(&at, &t.id);
            p.printed(&format!("{at}.title"), &t.title);
            p.printed(&format!("{at}.intro"), &t.intro);
            p.nonempty(&format!("{at}.questions"), t.questions.len());
            p.printed_all(&format!("{at}.questions"), &t.questions);
        }
    }

    pub fn level(&self, id: &str) -> Option<&Level> {
        self.levels.iter().find(|l| l.id == id)
    }

    pub fn principle(&self, id: &str) -> Option<&Principle> {
        self.principles.iter().find(|p| p.id == id)
    }

    /// The principles a guide of focus `ids` takes up, in framework order: every one when
    /// `ids` is empty.
    pub fn focus<'a, 'b>(&'a self, ids: &'b [String]) -> impl Iterator<Item = &'a Principle> + 'b
    where
        'a: 'b,
    {
        self.principles
            .iter()
            .filter(move |p| ids.is_empty() || ids.contains(&p.id))
    }

    /// The level a person means by `input` (id, name or alias, with or without æ/ø/å).
    pub fn resolve_level(&self, input: &str) -> Result<&Level> {
        let candidates: Vec<Candidate> = self
            .levels
            .iter()
            .map(|l| Candidate {
                id: &l.id,
                names: std::iter::once(l.name.as_str())
                    .chain(l.aliases.iter().map(String::as_str))
                    .collect(),
            })
            .collect();
        let id = text::resolve("role", input, &candidates)?;
        Ok(self.level(id).expect("resolved ids exist"))
    }

    /// The principle a person means by `input`.
    pub fn resolve_principle(&self, input: &str) -> Result<&Principle> {
        let candidates: Vec<Candidate> = self
            .principles
            .iter()
            .map(|p| Candidate {
                id: &p.id,
                names: std::iter::once(p.name.as_str())
                    .chain(p.aliases.iter().map(String::as_str))
                    .collect(),
            })
            .collect();
        let id = text::resolve("principle", input, &candidates)?;
        Ok(self.principle(id).expect("resolved ids exist"))
    }

    /// Resolves the focus list (each entry may itself be comma-separated) to principle
    /// ids in framework order, without duplicates. An empty list means every principle.
    pub fn resolve_focus<S: AsRef<str>>(&self, inputs: &[S]) -> Result<Vec<&Principle>> {
        let mut wanted = Vec::new();
        let mut given = false;
        for input in inputs {
            given = true;
            for part in input.as_ref().split([',', ';', '|']) {
                if !part.trim().is_empty() {
                    wanted.push(self.resolve_principle(part)?.id.clone());
                }
            }
        }
        if given && wanted.is_empty() {
            // An empty shell variable must not silently widen the guide to every principle.
            return Err(BaseError::Empty {
                option: "--focus".into(),
                what: "name at least one principle, or leave --focus out for all of them".into(),
            }
            .into());
        }
        Ok(self.focus(&wanted).collect())
    }

    /// The JSON text of this framework, as `mus framework export` prints it.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("a framework serializes");
        text.push('\n');
        text
    }
}

/// The form-field groups the built-in guide template names itself: the dialogue's facts,
/// the development plan and the signatures.
const GUIDE_FIELD_GROUPS: [&str; 3] = ["samtale", "plan", "underskrift"];

/// Collects validation problems as `path: message` lines.
#[derive(Default)]
struct Problems(Vec<String>);

impl Problems {
    fn push(&mut self, path: &str, message: String) {
        self.0.push(format!("{path}: {message}"));
    }

    /// A text that must not be empty, nor hold a control character (a BEL or an escape
    /// sequence pasted from a terminal), which no font can show.
    fn text(&mut self, path: &str, text: &str) {
        if text.trim().is_empty() {
            self.push(path, "is empty".into());
        } else if let Some(c) = text.chars().find(|c| c.is_control()) {
            self.push(
                path,
                format!(
                    "contains the control character U+{:04X}; remove it",
                    c as u32
                ),
            );
        }
    }

    /// A text the guide prints: also every character must be in the embedded fonts, or it
    /// would come out as an empty box (an emoji, CJK).
    fn printed(&mut self, path: &str, text: &str) {
        let before = self.0.len();
        self.text(path, text);
        if self.0.len() == before {
            if let Err(BaseError::MissingGlyph {
                character,
                code,
                font,
                ..
            }) = crate::base::fonts::FontSet::builtin().check_coverage(path, text)
            {
                self.push(
                    path,
                    format!(
                        "the character '{character}' (U+{code:04X}) is not in the guide's fonts ({font})"
                    ),
                );
            }
        }
    }

    fn printed_all(&mut self, path: &str, texts: &[String]) {
        for (i, t) in texts.iter().enumerate() {
            self.printed(&format!("{path}[{i}]"), t);
        }
    }

    /// The guide's own form fields are grouped under these names (templates/guide.md.hbs):
    /// a principle or topic of the same id would put its answers into that group.
    fn field_group(&mut self, at: &str, id: &str) {
        if GUIDE_FIELD_GROUPS.contains(&id) {
            self.push(
                &format!("{at}.id"),
                format!(
                    "'{id}' names one of the guide's own field groups ({}); choose another id",
                    GUIDE_FIELD_GROUPS.join(", ")
                ),
            );
        }
    }

    fn texts(&mut self, path: &str, texts: &[String]) {
        for (i, t) in texts.iter().enumerate() {
            self.text(&format!("{path}[{i}]"), t);
        }
    }

    fn nonempty(&mut self, path: &str, len: usize) {
        if len == 0 {
            self.push(path, "is empty".into());
        }
    }

    fn slug(&mut self, path: &str, id: &str) {
        if !id.is_empty()
            && !id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            self.push(
                path,
                format!("'{id}' is not a valid id: use lower-case a-z, 0-9 and '-' (e.g. 'saet-retning')"),
            );
        }
    }

    fn id<'a>(&mut self, at: &str, id: &'a str, seen: &mut HashMap<&'a str, String>) {
        let path = format!("{at}.id");
        self.text(&path, id);
        self.slug(&path, id);
        if let Some(first) = seen.get(id) {
            self.push(&path, format!("duplicate id '{id}' (also {first})"));
        } else {
            seen.insert(id, at.to_string());
        }
    }

    /// Two items answering to the same name would make `--role`/`--focus` ambiguous.
    /// Names are compared in both foldings `--role` and `--focus` accept.
    fn ambiguous_names<'a>(
        &mut self,
        list: &str,
        items: impl Iterator<Item = (&'a str, &'a str, &'a Vec<String>)>,
    ) {
        let mut owner: HashMap<String, &str> = HashMap::new();
        let mut reported = std::collections::HashSet::new();
        for (id, name, aliases) in items {
            for n in std::iter::once(id)
                .chain(std::iter::once(name))
                .chain(aliases.iter().map(String::as_str))
            {
                for key in text::keys(n) {
                    match owner.get(&key) {
                        Some(other) if *other != id => {
                            if reported.insert((other.to_string(), id, n)) {
                                self.push(
                                    list,
                                    format!("the name '{n}' is used by both '{other}' and '{id}'"),
                                );
                            }
                        }
                        _ => {
                            owner.insert(key, id);
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`Framework::builtin`] does not look for problems; this is where they are looked for.
    #[test]
    fn the_builtin_framework_has_no_problems() {
        let framework = Framework::builtin().unwrap();
        assert_eq!(framework.problems(), Vec::<String>::new());
        assert!(Framework::from_json(BUILTIN_JSON, BUILTIN_ORIGIN).is_ok());
    }

    /// Text after the framework's JSON was ignored: a framework with a stray word (or a
    /// second framework) below it made guides as if it were not there.
    #[test]
    fn text_after_the_framework_is_refused_where_it_starts() {
        let framework = BUILTIN_JSON.trim_end();
        let last = framework.lines().count();
        let width = framework.lines().last().unwrap().chars().count();
        for (after, line, column) in [
            ("\nnoget mere", last + 1, 1),
            ("\n  {}", last + 1, 3),
            ("}", last, width + 1),
        ] {
            let text = format!("{framework}{after}");
            let error = Framework::from_json(&text, "ramme.json").unwrap_err();
            let Error::FrameworkSyntax {
                origin,
                line: at_line,
                column: at_column,
                message,
            } = &error
            else {
                panic!("{after:?}: {error}");
            };
            assert_eq!(origin, "ramme.json");
            assert_eq!((*at_line, *at_column), (line, column), "{after:?}: {error}");
            assert!(message.contains("after the framework"), "{message}");
        }
        // Trailing white space is not text.
        let spaced = format!("{framework}\n\n  \n");
        assert!(Framework::from_json(&spaced, "ramme.json").is_ok());
    }
}
