//! The pages as responses: a template of [`super::render`] with what a handler found, and
//! what every page adds (title, menu, CSRF token); files to download.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::security::CsrfCookie;
use super::state::AppState;

/// Where a page sits in the menu.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    Front,
    Guide,
    Batch,
    Arkiv,
    None,
}

impl AppState {
    /// A page: `data` plus what the layout needs (title, menu, CSRF token).
    pub fn page(
        &self,
        status: StatusCode,
        template: &str,
        title: &str,
        nav: Nav,
        cookie: Option<&CsrfCookie>,
        mut data: Value,
    ) -> Response {
        let extra = json!({
            "title": title,
            "csrf": cookie.map(|c| self.csrf_token(c)),
            "archive": self.config().archive.is_some(),
            "login": self.config().token.is_some(),
            "nav_front": nav == Nav::Front,
            "nav_guide": nav == Nav::Guide,
            "nav_batch": nav == Nav::Batch,
            "nav_arkiv": nav == Nav::Arkiv,
            "version": env!("CARGO_PKG_VERSION"),
        });
        if let (Value::Object(d), Value::Object(e)) = (&mut data, extra) {
            d.extend(e);
        }
        html(status, self.0.pages.render(template, &data))
    }

    /// A page that says why a request was refused.
    pub fn refusal(&self, status: StatusCode, title: &str, text: &str) -> Response {
        self.page(
            status,
            "refusal",
            title,
            Nav::None,
            None,
            json!({ "heading": title, "text": text }),
        )
    }
}

pub fn html(status: StatusCode, body: String) -> Response {
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        )],
        body,
    )
        .into_response()
}

/// A file to download, under `file_name` (ASCII, made by mus, never a browser's).
pub fn download(content_type: &'static str, file_name: &str, bytes: Vec<u8>) -> Response {
    let disposition = format!(
        "attachment; filename=\"{}\"",
        file_name.replace(['"', '\\'], "_")
    );
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
            ),
        ],
        bytes,
    )
        .into_response()
}
