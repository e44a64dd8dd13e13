//! `/login`: on a network address, the login token opens a session (a cookie only this
//! server's pages send back).

use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use serde_json::json;

use crate::serve::pages::Nav;
use crate::serve::posted;
use crate::serve::security::{set_cookie, CsrfCookie, SESSION_COOKIE};
use crate::serve::state::AppState;

pub async fn show(
    State(state): State<AppState>,
    Extension(cookie): Extension<CsrfCookie>,
) -> Response {
    if state.config().token.is_none() {
        return Redirect::to("/").into_response();
    }
    page(&state, &cookie, StatusCode::OK, None)
}

pub async fn submit(
    State(state): State<AppState>,
    Extension(cookie): Extension<CsrfCookie>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let form = match posted::accept(&state, &cookie, multipart).await {
        Ok(form) => form,
        Err(refusal) => return refusal,
    };
    if !state.token_ok(form.get("token").unwrap_or_default()) {
        return page(
            &state,
            &cookie,
            StatusCode::FORBIDDEN,
            Some("Adgangskoden er forkert. Skriv den, som den står i filen."),
        );
    }
    let session = state.new_session();
    let mut response = Redirect::to("/").into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, set_cookie(SESSION_COOKIE, &session));
    response
}

fn page(
    state: &AppState,
    cookie: &CsrfCookie,
    status: StatusCode,
    error: Option<&str>,
) -> Response {
    let errors: Vec<_> = error
        .iter()
        .map(|m| json!({ "id": "token", "message": m }))
        .collect();
    state.page(
        status,
        "login",
        "Log ind",
        Nav::None,
        Some(cookie),
        json!({ "token_error": error, "errors": errors }),
    )
}
