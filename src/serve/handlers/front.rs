//! `/`: what mus does, and the way to each page.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use serde_json::json;

use crate::serve::pages::Nav;
use crate::serve::security::CsrfCookie;
use crate::serve::state::AppState;

pub async fn show(
    State(state): State<AppState>,
    Extension(cookie): Extension<CsrfCookie>,
) -> Response {
    let f = &state.config().framework;
    let framework = format!("{} {}", f.organisation, f.name);
    state.page(
        StatusCode::OK,
        "front",
        "Forside",
        Nav::Front,
        Some(&cookie),
        json!({ "framework": framework }),
    )
}
