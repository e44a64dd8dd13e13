//! The errors of the operations, said in Danish for the pages. The command line speaks
//! English; the web speaks Danish. Where a reason carries details only the operation knows
//! (a roster's row, a signature's fault), the Danish sentence comes first and the detail
//! after it, as the command line gives it.

use crate::app::Error;
use crate::archive::Fault;
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

/// The Danish sentence for a file the archive refused, by the kind of its first reason;
/// the command line's reasons follow it on the page as the detail.
pub fn refusal(fault: Fault) -> &'static str {
    match fault {
        Fault::Unreadable => {
            "Filen kan ikke læses på én bestemt måde: den er afkortet, beskadiget eller kan \
             læses på flere måder, så det er uklart, hvad der blev underskrevet (et kendt \
             angreb på underskrevne PDF-filer)."
        }
        Fault::NotAGuide => "Filen er ikke en samtaleguide lavet af mus.",
        Fault::IdentityChanged => {
            "Guidens oplysninger (leder, enhed, dato) er ændret, efter den blev underskrevet."
        }
        Fault::GuideIdTaken => "Arkivet har allerede en anden guide med samme id.",
        Fault::NotIndexed => {
            "En fil med guidens navn ligger allerede i arkivets mappe uden at være registreret. \
             Bed den, der passer arkivet, om at køre «mus archive verify»."
        }
        Fault::InvalidSignature => "En underskrift er ugyldig.",
        Fault::ChangedAfterSigning => "Filen er ændret, efter den blev underskrevet.",
        Fault::ForbiddenByCertification => {
            "Filen er certificeret, så den ikke må ændres, men den er ændret bagefter."
        }
        Fault::WrongSigner => "En underskrift er sat af en anden end den, der skal underskrive.",
        Fault::NotTrusted => {
            "En underskrift kan ikke godkendes: certifikatet hører ikke til de betroede, eller \
             det er tilbagekaldt."
        }
        Fault::SharedKey => "To underskrifter er sat med den samme nøgle.",
        Fault::Unaccounted => {
            "En senere underskrift eller et tidsstempel tegner på siderne efter den sidste \
             personlige underskrift."
        }
        Fault::FilledInAfterSigning => {
            "Der er udfyldt felter, efter den sidste underskrift blev sat."
        }
        Fault::Unsigned => {
            "Guiden er ikke underskrevet af alle, den nævner. En guide underskrevet på papir \
             kan arkiveres som ikke underskrevet."
        }
    }
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
