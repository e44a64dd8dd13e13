//! Making one leader's guide: a [`GuideRequest`] resolved (framework and templates loaded,
//! level and focus matched, names checked against the fonts, the date parsed, last year's
//! guide read) and rendered into PDF bytes. Writing the file is the caller's.

use std::path::PathBuf;

use chrono::NaiveDate;

use crate::app::inputs::{clean, creation_time, default_file_name, dialogue_date, load_framework};
use crate::app::{Error, Input, Result};
use crate::archive::answers::Carried;
use crate::base::fonts::FontSet;
use crate::base::text;
use crate::compose::guide::{Guide, People};
use crate::compose::templates::Templates;
use crate::model::framework::Framework;

/// What a guide is to be made of: the options of `mus guide` (and the fields of the web
/// form, named alike).
#[derive(Debug, Clone, Default)]
pub struct GuideRequest {
    /// A framework file; `None` is the built-in one.
    pub framework: Option<PathBuf>,
    /// A folder of templates; `None` is the built-in ones.
    pub templates: Option<PathBuf>,
    /// The level: its id or its Danish name.
    pub role: String,
    /// The focus principles (ids or names, a value may hold several separated by commas);
    /// none is all of them.
    pub focus: Vec<String>,
    pub name: Option<String>,
    pub manager: Option<String>,
    pub unit: Option<String>,
    /// `YYYY-MM-DD`; `None` is the day of `epoch`, else today.
    pub date: Option<String>,
    /// A fillable form with signature fields (`false`: print only).
    pub form: bool,
    /// Last year's guide, filled in and signed.
    pub previous: Option<Input>,
    /// `SOURCE_DATE_EPOCH`: the creation time of the PDF.
    pub epoch: Option<i64>,
}

/// A guide made.
#[derive(Debug, Clone)]
pub struct MadeGuide {
    pub pdf: Vec<u8>,
    pub pages: usize,
    /// The guide id (`2027-ABCD1234`).
    pub id: String,
    /// The file name the command line gives it (`mus-<name>-<date>.pdf`).
    pub file_name: String,
    /// What a person may want to know about `previous` before following it up.
    pub notes: Vec<String>,
}

/// A request resolved and validated: everything the guide is made from.
struct Resolved {
    framework: Framework,
    templates: Templates,
    level: String,
    focus: Vec<String>,
    people: People,
    date: NaiveDate,
    created: i64,
    form: bool,
    previous: Option<Carried>,
}

/// Makes the guide `request` describes. Nothing is written.
pub fn make_guide(request: &GuideRequest) -> Result<MadeGuide> {
    let resolved = Resolved::from_request(request)?;
    let notes = match &resolved.previous {
        Some(previous) => previous_notes(&resolved, previous),
        None => Vec::new(),
    };
    let guide = Guide::from_ids(
        &resolved.framework,
        &resolved.level,
        &resolved.focus,
        resolved.people.clone(),
        resolved.date,
        resolved.created,
        resolved.form,
    )
    .with_previous(resolved.previous.as_ref());
    let rendered = guide.render(&resolved.templates, FontSet::builtin())?;
    Ok(MadeGuide {
        pdf: rendered.pdf,
        pages: rendered.pages,
        id: rendered.id,
        file_name: default_file_name(&resolved.people.name, &resolved.level, resolved.date),
        notes,
    })
}

impl Resolved {
    fn from_request(request: &GuideRequest) -> Result<Resolved> {
        let framework = load_framework(request.framework.as_deref())?;
        let level = framework.resolve_level(&request.role)?.id.clone();
        let focus = framework
            .resolve_focus(&request.focus)?
            .iter()
            .map(|p| p.id.clone())
            .collect();
        let fonts = FontSet::builtin();
        let people = People {
            name: clean("--name", &request.name)?,
            manager: clean("--manager", &request.manager)?,
            unit: clean("--unit", &request.unit)?,
            employee_id: None,
        };
        fonts.check_coverage("--name", &people.name)?;
        fonts.check_coverage("--manager", &people.manager)?;
        fonts.check_coverage("--unit", &people.unit)?;
        let date = dialogue_date(request.date.as_deref(), request.epoch)?;
        let created = creation_time(date, request.epoch);
        let templates = match &request.templates {
            Some(dir) => Templates::from_dir(dir)?,
            None => Templates::builtin_for(request.previous.is_some())?,
        };
        let previous = match &request.previous {
            Some(input) => Some(read_previous(input)?),
            None => None,
        };
        Ok(Resolved {
            framework,
            templates,
            level,
            focus,
            people,
            date,
            created,
            form: request.form,
            previous,
        })
    }
}

/// Last year's guide: its plan and ratings.
fn read_previous(input: &Input) -> Result<Carried> {
    let bytes = input.read()?;
    crate::archive::answers::read(&bytes).map_err(|source| Error::Previous {
        path: PathBuf::from(input.label()),
        source,
    })
}

/// What a person may want to know before following up `previous`: that it is someone
/// else's guide, or not from before this one. Said, not refused: a leader may have
/// changed name, and a guide may be re-made.
fn previous_notes(resolved: &Resolved, previous: &Carried) -> Vec<String> {
    let then = &previous.identity;
    let mut notes = Vec::new();
    let name = &resolved.people.name;
    if !name.is_empty() && text::normalize(name) != text::normalize(&then.leader) {
        notes.push(format!(
            "it is the guide of {} ({}), and this one is for {name}",
            if then.leader.is_empty() {
                "no one named"
            } else {
                &then.leader
            },
            then.guide_id
        ));
    }
    if then.dialogue_date >= resolved.date {
        notes.push(format!(
            "its dialogue ({}) is not before this one ({})",
            then.dialogue_date, resolved.date
        ));
    }
    if !previous.signed() {
        notes.push("it is not signed by everyone it names: the plan is shown as not signed".into());
    }
    for name in &previous.unclear {
        notes.push(format!(
            "its rating {name} has several buttons checked: it is not carried over"
        ));
    }
    notes
}
