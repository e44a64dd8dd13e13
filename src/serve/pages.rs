//! The pages: handlebars templates (in `pages/`, compiled into the binary) rendered with
//! what a handler found. Every page shares `layout.hbs` (header, menu, `lang="da"`, skip
//! link); rendering decides nothing.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use handlebars::Handlebars;
use serde_json::{json, Value};

use super::security::CsrfCookie;
use super::state::AppState;
use crate::app::error::Result;
use crate::compose::error::Error as ComposeError;

/// The templates, by name.
const TEMPLATES: &[(&str, &str)] = &[
    ("layout", include_str!("pages/layout.hbs")),
    ("textfield", include_str!("pages/textfield.hbs")),
    ("filefield", include_str!("pages/filefield.hbs")),
    ("errorsummary", include_str!("pages/errorsummary.hbs")),
    ("front", include_str!("pages/front.hbs")),
    ("login", include_str!("pages/login.hbs")),
    ("guide", include_str!("pages/guide.hbs")),
    ("batch", include_str!("pages/batch.hbs")),
    ("batch_preview", include_str!("pages/batch_preview.hbs")),
    ("batch_job", include_str!("pages/batch_job.hbs")),
    ("arkiv", include_str!("pages/arkiv.hbs")),
    ("arkiv_added", include_str!("pages/arkiv_added.hbs")),
    ("arkiv_status", include_str!("pages/arkiv_status.hbs")),
    ("refusal", include_str!("pages/refusal.hbs")),
];

pub struct Pages {
    hb: Handlebars<'static>,
}

impl Pages {
    pub fn new() -> Result<Pages> {
        let mut hb = Handlebars::new();
        hb.set_strict_mode(false);
        for (name, text) in TEMPLATES {
            hb.register_template_string(name, *text)
                .map_err(|e| ComposeError::TemplateOther {
                    file: format!("src/serve/pages/{name}.hbs"),
                    message: e.to_string(),
                })?;
        }
        Ok(Pages { hb })
    }

    /// The page `name` rendered with `data`.
    pub fn render(&self, name: &str, data: &Value) -> String {
        // The templates are compiled in and tested; a failure here is a bug in them.
        self.hb
            .render(name, data)
            .unwrap_or_else(|e| panic!("page template {name}: {e}"))
    }
}

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
