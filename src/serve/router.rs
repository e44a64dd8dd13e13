//! The routes, and the layers every request passes: the body limit and [`guard`] (host,
//! origin, login, CSRF cookie, security headers). The archive's routes exist only when
//! the server was started with `--archive`.

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::{middleware, Router};

use super::assets::asset;
use super::handlers::{arkiv, batch, front, guide, login, not_found};
use super::limits::REQUEST_MAX;
use super::security::guard;
use super::state::AppState;

/// The whole web front end, ready to serve (or to test with `tower::ServiceExt::oneshot`).
pub fn router(state: AppState) -> Router {
    let mut routes = Router::new()
        .route("/", get(front::show))
        .route("/login", get(login::show).post(login::submit))
        .route("/guide", get(guide::show).post(guide::make))
        .route("/batch", get(batch::show).post(batch::check))
        .route("/batch/run", post(batch::run))
        .route("/batch/job/{key}", get(batch::job))
        .route("/batch/job/{key}/status", get(batch::status))
        .route("/batch/job/{key}/zip", get(batch::zip))
        .route("/assets/{*path}", get(asset));
    if state.config().archive.is_some() {
        routes = routes
            .route("/arkiv", get(arkiv::show))
            .route("/arkiv/add", post(arkiv::add))
            .route("/arkiv/status", post(arkiv::status))
            .route("/arkiv/report", post(arkiv::report))
            .route("/arkiv/plans", post(arkiv::plans));
    }
    routes
        .fallback(not_found)
        // The multipart framing on top of REQUEST_MAX of content; the form reader counts
        // the content itself and answers in Danish.
        .layer(DefaultBodyLimit::max(REQUEST_MAX + 1024 * 1024))
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state)
}
