//! What a guide carries into next year's: last year's development plan and ratings, and
//! whether that guide was signed. Read from a returned guide by `archive::answers`;
//! printed by the next guide (`compose::guide`) and summed up by the report.

use chrono::NaiveDate;

use crate::model::identity::GuideIdentity;

/// The columns of the development plan, as the built-in template names them
/// (`plan.<row>.<column>`): Mål, Handling, Hvem, Frist, Opfølgning.
pub const PLAN_COLUMNS: [&str; 5] = ["maal", "handling", "hvem", "frist", "opfoelgning"];

/// One row of last year's development plan; a column left empty is "".
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct PlanRow {
    /// The row's number in last year's plan (1-based).
    pub row: u32,
    pub maal: String,
    pub handling: String,
    pub hvem: String,
    pub frist: String,
    pub opfoelgning: String,
}

/// Last year's two ratings of one expectation, by its number in last year's guide.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Rating {
    /// The principle the expectation stands under.
    pub principle: String,
    /// Numbered through last year's whole guide (`<principle>.forventning<number>`).
    pub number: u32,
    /// The leader's own rating.
    pub leader: Option<u8>,
    /// The manager's rating.
    pub manager: Option<u8>,
}

/// Whether last year's guide was signed by everyone it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signing {
    /// Every required signer signed, intact, and nothing was filled in after the last
    /// signature; `last` is the day of the last personal signature in Danish time
    /// (`archive::answers::danish_day`).
    Signed { last: Option<NaiveDate> },
    /// Not (fully, or soundly) signed: its values are nobody's agreement; `reason` says why.
    Unsigned { reason: String },
}

/// What this year's guide carries over from last year's: the plan and the ratings only.
#[derive(Debug, Clone, PartialEq)]
pub struct Carried {
    /// Last year's identity: whose guide it was, its level, focus and dialogue date.
    pub identity: GuideIdentity,
    /// The plan's rows that have anything written in them, in row order.
    pub plan: Vec<PlanRow>,
    /// The expectations rated by anyone, in number order.
    pub ratings: Vec<Rating>,
    /// Ratings that cannot be read because several of their buttons are on (a reader shows
    /// them all checked), by field name: not carried over, and said so.
    pub unclear: Vec<String>,
    pub signing: Signing,
}

impl Carried {
    pub fn signed(&self) -> bool {
        matches!(self.signing, Signing::Signed { .. })
    }

    /// The day the plan was agreed: the last personal signature's, else (unsigned, or a
    /// signature without a time) last year's dialogue date.
    pub fn date(&self) -> NaiveDate {
        match self.signing {
            Signing::Signed { last: Some(day) } => day,
            _ => self.identity.dialogue_date,
        }
    }

    /// Last year's ratings of expectation `number` (numbered as last year's guide did).
    pub fn rating(&self, number: u32) -> Option<&Rating> {
        self.ratings.iter().find(|r| r.number == number)
    }
}
