//! How much a request may carry, and the Danish answer (413) to one that carries more.
//! Uploads are read into memory up to these limits, so nothing from a request is written
//! to disk unless an operation writes it (the archive, a batch's temporary folder).

use axum::http::StatusCode;
use axum::response::Response;

use super::state::AppState;

/// A roster (CSV, Excel, JSON).
pub const ROSTER_MAX: usize = 10 * 1024 * 1024;
/// One guide (last year's, or a signed one for the archive).
pub const GUIDE_MAX: usize = 20 * 1024 * 1024;
/// A whole request (many signed guides at once).
pub const REQUEST_MAX: usize = 200 * 1024 * 1024;
/// A text field: names, dates, ids.
pub const TEXT_MAX: usize = 64 * 1024;

/// The most a form field may carry, by its name.
pub fn field_max(name: &str) -> usize {
    match name {
        "roster" => ROSTER_MAX,
        "previous" | "files" => GUIDE_MAX,
        _ => TEXT_MAX,
    }
}

/// What the field holds, in Danish, for the message.
fn what(name: &str) -> &'static str {
    match name {
        "roster" => "En medarbejderliste",
        "previous" => "Sidste års guide",
        "files" => "En underskrevet guide",
        _ => "Et tekstfelt",
    }
}

/// `10 MB` (binary megabytes, as Windows shows file sizes).
pub fn megabytes(bytes: usize) -> String {
    format!("{} MB", bytes / (1024 * 1024))
}

impl AppState {
    /// 413 for a field over its limit.
    pub fn field_too_large(&self, field: &str) -> Response {
        let max = field_max(field);
        let text = if max >= 1024 * 1024 {
            format!(
                "{} må højst fylde {}. Filen er ikke gemt nogen steder.",
                what(field),
                megabytes(max)
            )
        } else {
            format!("{} må højst have {} tegn.", what(field), max)
        };
        self.refusal(StatusCode::PAYLOAD_TOO_LARGE, "Filen er for stor", &text)
    }

    /// 413 for a request over [`REQUEST_MAX`].
    pub fn request_too_large(&self) -> Response {
        self.refusal(
            StatusCode::PAYLOAD_TOO_LARGE,
            "For meget på én gang",
            &format!(
                "Én sending må højst fylde {}. Send filerne i flere omgange. Intet er gemt.",
                megabytes(REQUEST_MAX)
            ),
        )
    }
}
