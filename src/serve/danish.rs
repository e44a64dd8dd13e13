//! The errors of the operations, said in Danish for the pages. The command line speaks
//! English; the web speaks Danish. Where a reason carries details only the operation knows
//! (a roster's row, a signature's fault), the Danish sentence comes first and the detail
//! after it, as the command line gives it.

use crate::app::Error;
use crate::base::error::Error as BaseError;
use crate::model::error::Error as ModelError;
use crate::signature::error::Error as SignatureError;

/// An error of a form, placed beside the field it concerns (`None`: above the form).
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    pub field: Option<&'static str>,
    pub message: String,
}

/// The Danish message for an error of the guide or batch form.
pub fn field_error(error: &Error) -> FieldError {
    let field = crate::app::field(error);
    FieldError {
        field,
        message: message(error, field),
    }
}

fn label(field: Option<&str>) -> &'static str {
    match field {
        Some("name") => "Lederens navn",
        Some("manager") => "Nærmeste leders navn",
        Some("unit") => "Enheden",
        _ => "Feltet",
    }
}

fn message(error: &Error, field: Option<&str>) -> String {
    if let Error::Previous { source, .. } = error {
        return format!(
            "Filen kan ikke følges op: den er ikke en guide lavet af mus, eller den er ændret, \
             så den ikke kan læses sikkert. ({source})"
        );
    }
    if let Some(error) = error.base() {
        if let Some(message) = base_message(error, field) {
            return message;
        }
    }
    match error.model() {
        Some(ModelError::Roster { message, .. }) => {
            return format!("Listen kan ikke læses. ({message})")
        }
        Some(ModelError::Sheet { wanted, sheets, .. }) => {
            return format!(
                "Projektmappen har intet ark, der hedder «{wanted}». Dens ark: {}.",
                sheets.join(", ")
            )
        }
        Some(ModelError::Rows { problems }) => {
            return format!(
                "{} rækker i listen har problemer. ({})",
                problems.len(),
                problems.join("; ")
            )
        }
        _ => {}
    }
    if let Some(SignatureError::UnreadablePdf { message, .. }) = error.signature() {
        return format!("Filen er ikke en PDF, der kan læses. ({message})");
    }
    format!("Det lykkedes ikke. ({error})")
}

/// The Danish message for an error of the foundation (a form's value), if it has one.
fn base_message(error: &BaseError, field: Option<&str>) -> Option<String> {
    Some(match error {
        BaseError::UnknownId { kind, input, .. } if *kind == "role" => {
            if input.trim().is_empty() {
                "Vælg lederens niveau.".into()
            } else {
                format!("Niveauet «{input}» findes ikke i ledelsesgrundlaget. Vælg et af niveauerne.")
            }
        }
        BaseError::UnknownId { input, .. } => format!(
            "Fokusprincippet «{input}» findes ikke i ledelsesgrundlaget. Vælg blandt principperne."
        ),
        BaseError::Date { value, .. } => format!(
            "«{value}» er ikke en dato. Skriv datoen som ÅÅÅÅ-MM-DD, fx 2027-01-15, med et år fra 1900 til 2999."
        ),
        BaseError::MissingGlyph {
            character, code, ..
        } => format!(
            "{} indeholder tegnet «{character}» (U+{code:04X}), som guidens skrifttyper ikke har. \
             Skrifttyperne dækker latinske, græske og kyrilliske bogstaver.",
            label(field)
        ),
        BaseError::Value { message, .. } if message.contains("control character") => format!(
            "{} indeholder et usynligt styretegn. Skriv det igen uden at kopiere det ind.",
            label(field)
        ),
        BaseError::Value { message, .. } if message.contains("characters long") => format!(
            "{} er for langt: højst {} tegn kan stå i guiden.",
            label(field),
            crate::app::inputs::MAX_FIELD_CHARS
        ),
        BaseError::Empty { .. } => format!("{} mangler.", label(field)),
        _ => return None,
    })
}

/// The Danish sentence for a file the archive refused; the command line's reason follows
/// it as the detail. The reasons are the archive's own (English) sentences: the words
/// matched here are the ones its rules use.
pub fn refusal(reason: &str, unsigned_only: bool) -> String {
    let has = |w: &str| reason.contains(w);
    if unsigned_only {
        "Guiden er ikke underskrevet af alle, den nævner. En guide underskrevet på papir kan \
         arkiveres som ikke underskrevet."
    } else if has("ambiguous") {
        "Filen kan læses på to forskellige måder, så det er uklart, hvad der blev underskrevet \
         (et kendt angreb på underskrevne PDF-filer)."
    } else if has("filled in after") {
        "Der er udfyldt felter, efter den sidste underskrift blev sat."
    } else if has("changed after signing") {
        "Filen er ændret, efter den blev underskrevet."
    } else if has("revoked") {
        "Et certifikat bag en underskrift er tilbagekaldt."
    } else if has("not a guide") || has("identity") || has("made by mus") {
        "Filen er ikke en samtaleguide lavet af mus."
    } else if has("archived") || has("guide id") {
        "Arkivet har allerede en anden guide med samme id."
    } else if has("signature") || has("signed") {
        "En underskrift er ugyldig, ufuldstændig eller sat af den forkerte person."
    } else {
        "Filen kan ikke arkiveres."
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guide_form_errors_are_danish_and_placed() {
        let e = Error::from(BaseError::Date {
            option: "--date".into(),
            value: "15/13/2027".into(),
        });
        let f = field_error(&e);
        assert_eq!(f.field, Some("date"));
        assert!(
            f.message.starts_with("«15/13/2027» er ikke en dato"),
            "{}",
            f.message
        );
        let e = Error::from(BaseError::MissingGlyph {
            field: "--name".into(),
            character: '丁',
            code: 0x4E01,
            font: "x".into(),
        });
        let f = field_error(&e);
        assert_eq!(f.field, Some("name"));
        assert!(
            f.message.contains("Lederens navn indeholder tegnet «丁»"),
            "{}",
            f.message
        );
    }
}
