//! `/guide`: one leader's guide. The form's fields are `mus guide`'s options; *Lav guide*
//! returns the PDF under the file name the command line gives it, or the form again, as
//! typed, with each error beside its field.

use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use serde_json::{json, Value};

use super::blocking;
use crate::app::guide::{make_guide, GuideRequest};
use crate::app::Input;
use crate::serve::danish::{field_error, FieldError};
use crate::serve::pages::{download, Nav};
use crate::serve::posted::{self, Form};
use crate::serve::security::CsrfCookie;
use crate::serve::state::AppState;

/// The guide form as typed.
#[derive(Debug, Default, Clone)]
struct Typed {
    role: String,
    focus: Vec<String>,
    name: String,
    manager: String,
    unit: String,
    date: String,
    no_form: bool,
}

impl Typed {
    fn from_form(form: &Form) -> Typed {
        let text = |n: &str| form.get(n).unwrap_or_default().to_string();
        Typed {
            role: text("role"),
            focus: form.all("focus"),
            name: text("name"),
            manager: text("manager"),
            unit: text("unit"),
            date: text("date"),
            no_form: form.checked("no_form"),
        }
    }
}

pub async fn show(
    State(state): State<AppState>,
    Extension(cookie): Extension<CsrfCookie>,
) -> Response {
    page(&state, &cookie, StatusCode::OK, &Typed::default(), &[])
}

pub async fn make(
    State(state): State<AppState>,
    Extension(cookie): Extension<CsrfCookie>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let form = match posted::accept(&state, &cookie, multipart).await {
        Ok(form) => form,
        Err(refusal) => return refusal,
    };
    let typed = Typed::from_form(&form);
    let config = state.config();
    let some = |s: &str| Some(s.to_string()).filter(|s| !s.trim().is_empty());
    let request = GuideRequest {
        framework: config.framework_path.clone(),
        templates: config.templates_dir.clone(),
        role: typed.role.clone(),
        focus: typed.focus.clone(),
        name: some(&typed.name),
        manager: some(&typed.manager),
        unit: some(&typed.unit),
        date: some(&typed.date),
        form: !typed.no_form,
        previous: form.file("previous").cloned().map(Input::Upload),
        epoch: config.epoch,
    };
    if typed.role.trim().is_empty() {
        let error = FieldError {
            field: Some("role"),
            message: "Vælg lederens niveau.".into(),
        };
        return page(&state, &cookie, StatusCode::BAD_REQUEST, &typed, &[error]);
    }
    match blocking(&state, move || make_guide(&request)).await {
        Ok(Ok(made)) => download("application/pdf", &made.file_name, made.pdf),
        Ok(Err(e)) => page(
            &state,
            &cookie,
            StatusCode::BAD_REQUEST,
            &typed,
            &[field_error(&e)],
        ),
        Err(refusal) => refusal,
    }
}

fn page(
    state: &AppState,
    cookie: &CsrfCookie,
    status: StatusCode,
    typed: &Typed,
    errors: &[FieldError],
) -> Response {
    let framework = &state.config().framework;
    let error_of = |field: &str| {
        errors
            .iter()
            .find(|e| e.field == Some(field))
            .map(|e| e.message.clone())
    };
    let levels: Vec<Value> = framework
        .levels
        .iter()
        .map(|l| {
            json!({
                "id": l.id,
                "name": l.name,
                "hint": level_hint(l),
                "checked": typed.role == l.id,
            })
        })
        .collect();
    let principles: Vec<Value> = framework
        .principles
        .iter()
        .map(|p| {
            json!({
                "id": p.id,
                "name": p.name,
                "summary": p.summary,
                "checked": typed.focus.contains(&p.id),
            })
        })
        .collect();
    let field = |name: &str, value: &str| json!({ "value": value, "error": error_of(name) });
    let summary: Vec<Value> = errors
        .iter()
        .map(|e| json!({ "id": e.field.unwrap_or("main"), "message": e.message }))
        .collect();
    state.page(
        status,
        "guide",
        "Samtaleguide",
        Nav::Guide,
        Some(cookie),
        json!({
            "errors": summary,
            "levels": levels,
            "principles": principles,
            "role_error": error_of("role"),
            "focus_error": error_of("focus"),
            "name": field("name", &typed.name),
            "manager": field("manager", &typed.manager),
            "unit": field("unit", &typed.unit),
            "date": field("date", &typed.date),
            "previous": { "error": error_of("previous") },
            "no_form": typed.no_form,
        }),
    )
}

/// A level's short description: how many expectations it has, and the first of them.
fn level_hint(level: &crate::model::framework::Level) -> String {
    let first = level
        .expectations
        .first()
        .map(|e| shorten(&e.text, 110))
        .unwrap_or_default();
    format!("{} forventninger, fx: {first}", level.expectations.len())
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(a, _)| a);
    format!("{}…", cut.trim_end_matches([',', '.', ';', ':']))
}
