//! A posted form, read whole into memory within [`super::limits`], with its CSRF token
//! checked before any handler sees it. Every form of mus is `multipart/form-data`, so one
//! reader serves them all.
//!
//! An uploaded file's name is kept only as a label for messages (its last part, without
//! any folder): nothing is ever written under a name a browser sent.

use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::http::StatusCode;
use axum::response::Response;

use super::limits::{field_max, REQUEST_MAX};
use super::security::{CsrfCookie, CSRF_FIELD};
use super::state::AppState;
use crate::app::Upload;

/// The fields of a posted form, in the order sent.
#[derive(Debug, Default)]
pub struct Form {
    values: Vec<(String, String)>,
    files: Vec<(String, Upload)>,
}

impl Form {
    /// The first value of a text field, if sent (possibly empty).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// A text field's value trimmed, `None` when missing or blank.
    pub fn text(&self, name: &str) -> Option<String> {
        self.get(name)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    }

    /// Every value of a repeated field (checkboxes).
    pub fn all(&self, name: &str) -> Vec<String> {
        self.values
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// Whether a checkbox is ticked.
    pub fn checked(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// The first file sent in a field.
    pub fn file(&self, name: &str) -> Option<&Upload> {
        self.files.iter().find(|(n, _)| n == name).map(|(_, u)| u)
    }

    /// Every file sent in a field, taken out of the form.
    pub fn take_files(&mut self, name: &str) -> Vec<Upload> {
        let (taken, kept) = std::mem::take(&mut self.files)
            .into_iter()
            .partition(|(n, _)| n == name);
        self.files = kept;
        taken.into_iter().map(|(_, u)| u).collect()
    }
}

/// Reads a posted form and checks its CSRF token; the refusal (400, 403 or 413, in
/// Danish) is the response to send.
pub async fn accept(
    state: &AppState,
    cookie: &CsrfCookie,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Form, Response> {
    let Ok(mut multipart) = multipart else {
        return Err(state.refusal(
            StatusCode::BAD_REQUEST,
            "Formularen kunne ikke læses",
            "Send formularen fra siden igen.",
        ));
    };
    let mut form = Form::default();
    let mut total = 0usize;
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(state.request_too_large())
            }
            Err(_) => return Err(broken(state)),
        };
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().map(label);
        let max = field_max(&name);
        let mut bytes = Vec::new();
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    total += chunk.len();
                    if total > REQUEST_MAX {
                        return Err(state.request_too_large());
                    }
                    if bytes.len() + chunk.len() > max {
                        return Err(state.field_too_large(&name));
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    return Err(state.request_too_large())
                }
                Err(_) => return Err(broken(state)),
            }
        }
        match file_name {
            // A file input left empty sends a part with no name and no content.
            Some(label) if label.is_empty() && bytes.is_empty() => {}
            Some(label) => form.files.push((name, Upload { label, bytes })),
            None => match String::from_utf8(bytes) {
                Ok(text) => form.values.push((name, text)),
                Err(_) => return Err(broken(state)),
            },
        }
    }
    if !state.csrf_ok(cookie, form.get(CSRF_FIELD)) {
        return Err(state.refusal(
            StatusCode::FORBIDDEN,
            "Formularen er udløbet",
            "Formularen havde ikke den kode, siden giver den, eller siden er for gammel. \
             Åbn siden igen og send formularen derfra.",
        ));
    }
    Ok(form)
}

fn broken(state: &AppState) -> Response {
    state.refusal(
        StatusCode::BAD_REQUEST,
        "Formularen kom ikke helt frem",
        "Forbindelsen blev afbrudt, eller formularen var ikke gyldig. Intet er gemt. Prøv igen.",
    )
}

/// The last part of an uploaded file's name (browsers on Windows have sent whole paths),
/// without control characters: a label for messages, never a path.
pub fn label(name: &str) -> String {
    name.rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::label;

    #[test]
    fn labels_lose_their_folders() {
        assert_eq!(label("../../x.pdf"), "x.pdf");
        assert_eq!(label("C:\\Users\\hr\\guide.pdf"), "guide.pdf");
        assert_eq!(label("a\u{0}b.pdf"), "ab.pdf");
    }
}
