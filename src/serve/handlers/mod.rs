//! One file per page: read the form, call the operation in [`crate::app`], render its
//! result. CPU work (a PDF, a roster check, the archive) runs on the blocking pool, so a
//! slow request never holds up another.

pub mod arkiv;
pub mod batch;
pub mod front;
pub mod guide;
pub mod login;

use axum::http::StatusCode;
use axum::response::Response;

use super::state::AppState;

/// Runs `work` on the blocking pool; a panic in it becomes a Danish 500 page.
pub async fn blocking<T: Send + 'static>(
    state: &AppState,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Response> {
    tokio::task::spawn_blocking(work).await.map_err(|_| {
        state.refusal(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Der skete en fejl",
            "Serveren kunne ikke gøre det færdigt. Intet er gemt. Prøv igen, og kontakt den, \
             der driver serveren, hvis det sker igen.",
        )
    })
}

/// `GET` of a page that does not exist.
pub async fn not_found(axum::extract::State(state): axum::extract::State<AppState>) -> Response {
    state.refusal(
        StatusCode::NOT_FOUND,
        "Siden findes ikke",
        "Adressen findes ikke på denne server. Brug menuen øverst.",
    )
}
