//! `/batch`: a department's guides. The roster is checked as `mus batch --dry-run` checks
//! it and shown row by row with each row's problems; *Lav guides* runs the batch in the
//! background ([`crate::serve::jobs`]), shows its progress, and hands out one ZIP of the
//! guides and the manifest.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use serde_json::{json, Value};

use super::blocking;
use crate::app::batch::{BatchRequest, RosterCheck};
use crate::app::{Input, Upload};
use crate::serve::danish::{field_error, FieldError};
use crate::serve::jobs::{self, Job, State as JobState};
use crate::serve::pages::{download, Nav};
use crate::serve::posted;
use crate::serve::security::CsrfCookie;
use crate::serve::state::{AppState, Pending};

pub async fn show(
    State(state): State<AppState>,
    Extension(cookie): Extension<CsrfCookie>,
) -> Response {
    form_page(&state, &cookie, StatusCode::OK, "", "", &[])
}

/// The request the batch form describes; `out_dir` is set when it runs.
fn request(
    state: &AppState,
    roster: Upload,
    sheet: Option<String>,
    date: Option<String>,
) -> BatchRequest {
    let config = state.config();
    BatchRequest {
        roster: Input::Upload(roster),
        sheet,
        out_dir: std::path::PathBuf::new(),
        framework: config.framework_path.clone(),
        templates: config.templates_dir.clone(),
        date,
        epoch: config.epoch,
        jobs: None,
        keep_going: false,
        form: true,
        previous: None,
    }
}

/// `POST /batch`: the roster checked, nothing made.
pub async fn check(
    State(state): State<AppState>,
    Extension(cookie): Extension<CsrfCookie>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let form = match posted::accept(&state, &cookie, multipart).await {
        Ok(form) => form,
        Err(refusal) => return refusal,
    };
    let sheet = form.text("sheet");
    let date = form.text("date");
    let (sheet_typed, date_typed) = (
        sheet.clone().unwrap_or_default(),
        date.clone().unwrap_or_default(),
    );
    let Some(roster) = form.file("roster").cloned() else {
        let error = FieldError {
            field: Some("roster"),
            message: "Vælg filen med listen over lederne.".into(),
        };
        return form_page(
            &state,
            &cookie,
            StatusCode::BAD_REQUEST,
            &sheet_typed,
            &date_typed,
            &[error],
        );
    };
    let request = request(&state, roster.clone(), sheet.clone(), date.clone());
    let checked = blocking(&state, move || crate::app::batch::check(&request)).await;
    match checked {
        Ok(Ok(check)) => {
            let key = state.keep_roster(Pending {
                label: roster.label.clone(),
                bytes: roster.bytes,
                sheet,
                date,
                since: Instant::now(),
            });
            preview(&state, &cookie, &check, &key)
        }
        Ok(Err(e)) => form_page(
            &state,
            &cookie,
            StatusCode::BAD_REQUEST,
            &sheet_typed,
            &date_typed,
            &[field_error(&e)],
        ),
        Err(refusal) => refusal,
    }
}

fn form_page(
    state: &AppState,
    cookie: &CsrfCookie,
    status: StatusCode,
    sheet: &str,
    date: &str,
    errors: &[FieldError],
) -> Response {
    let error_of = |f: &str| {
        errors
            .iter()
            .find(|e| e.field == Some(f))
            .map(|e| e.message.clone())
    };
    let summary: Vec<Value> = errors
        .iter()
        .map(|e| {
            let id = e
                .field
                .filter(|f| matches!(*f, "sheet" | "date"))
                .unwrap_or("roster");
            json!({ "id": id, "message": e.message })
        })
        .collect();
    let roster_error = errors
        .iter()
        .find(|e| !matches!(e.field, Some("sheet" | "date")))
        .map(|e| e.message.clone());
    state.page(
        status,
        "batch",
        "Afdeling",
        Nav::Batch,
        Some(cookie),
        json!({
            "errors": summary,
            "roster": { "error": roster_error },
            "sheet": { "value": sheet, "error": error_of("sheet") },
            "date": { "value": date, "error": error_of("date") },
        }),
    )
}

/// The rows as `--dry-run` sees them: each valid row's guide and file, each bad row's
/// problems.
fn preview(state: &AppState, cookie: &CsrfCookie, check: &RosterCheck, key: &str) -> Response {
    let framework = &state.config().framework;
    let level_name = |id: &str| {
        framework
            .levels
            .iter()
            .find(|l| l.id == id)
            .map_or(id.to_string(), |l| l.name.clone())
    };
    let principle_name = |id: &str| {
        framework
            .principles
            .iter()
            .find(|p| p.id == id)
            .map_or(id.to_string(), |p| p.name.clone())
    };
    let mut lines: BTreeMap<usize, Value> = BTreeMap::new();
    for e in &check.entries {
        let focus = if e.focus.is_empty() {
            "Alle".to_string()
        } else {
            e.focus
                .iter()
                .map(|f| principle_name(f))
                .collect::<Vec<_>>()
                .join(", ")
        };
        lines.insert(
            e.row,
            json!({
                "row": e.row,
                "name": e.people.name,
                "level": level_name(&e.level),
                "focus": focus,
                "date": e.date.to_string(),
                "file": e.file,
            }),
        );
    }
    let mut problem_rows = 0;
    for p in &check.problems {
        let line = lines.entry(p.row).or_insert_with(|| {
            problem_rows += 1;
            json!({ "row": p.row, "name": "", "level": "", "focus": "", "date": "", "problems": [] })
        });
        if let Some(list) = line.get_mut("problems").and_then(Value::as_array_mut) {
            list.push(json!(format!("Kolonnen «{}»: {}", p.column, p.message)));
        }
    }
    state.page(
        StatusCode::OK,
        "batch_preview",
        "Tjek af listen",
        Nav::Batch,
        Some(cookie),
        json!({
            "origin": check.origin,
            "rows": check.rows,
            "ready": check.entries.len(),
            "problems": !check.problems.is_empty(),
            "problem_rows": problem_rows,
            "lines": lines.into_values().collect::<Vec<_>>(),
            "key": key,
        }),
    )
}

/// `POST /batch/run`: starts the batch of a checked roster.
pub async fn run(
    State(state): State<AppState>,
    Extension(cookie): Extension<CsrfCookie>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let form = match posted::accept(&state, &cookie, multipart).await {
        Ok(form) => form,
        Err(refusal) => return refusal,
    };
    let Some(pending) = form.get("upload").and_then(|key| state.take_roster(key)) else {
        return state.refusal(
            StatusCode::GONE,
            "Listen er ikke her længere",
            "Listen er allerede brugt, eller den er for gammel. Send den igen fra siden Afdeling.",
        );
    };
    let job = match Job::new(pending.label.clone()) {
        Ok(job) => Arc::new(job),
        Err(_) => {
            return state.refusal(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Der er ikke plads",
                "Serveren kunne ikke lave en midlertidig mappe til guiderne.",
            )
        }
    };
    let stem = crate::app::inputs::slug(
        std::path::Path::new(&pending.label)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default(),
    );
    let zip_name = if stem.is_empty() {
        "mus-guides.zip".to_string()
    } else {
        format!("mus-guides-{stem}.zip")
    };
    let mut request = request(
        &state,
        Upload {
            label: pending.label,
            bytes: pending.bytes,
        },
        pending.sheet,
        pending.date,
    );
    request.out_dir = job.out_dir();
    request.keep_going = form.checked("keep_going");
    let key = crate::serve::random::random_hex(16);
    state.add_job(key.clone(), job.clone());
    jobs::start(job, request, zip_name);
    Redirect::to(&format!("/batch/job/{key}")).into_response()
}

/// `GET /batch/job/{key}`: progress, then the download.
pub async fn job(
    State(state): State<AppState>,
    Extension(cookie): Extension<CsrfCookie>,
    Path(key): Path<String>,
) -> Response {
    let Some(job) = state.job(&key) else {
        return gone(&state);
    };
    let mut data = json!({
        "key": key,
        "origin": job.origin,
        "done": job.done.load(Ordering::Relaxed),
        "total": job.total.load(Ordering::Relaxed),
    });
    match job.state() {
        JobState::Running => {
            data["script"] = json!("/assets/mus-progress.js");
        }
        JobState::Done {
            written, failures, ..
        } => {
            data["finished"] = json!(true);
            data["written"] = json!(written);
            data["failed"] = json!(failures.len());
            data["failures"] = json!(failures);
        }
        JobState::Failed(message) => {
            data["failed_error"] = json!(message);
        }
    }
    state.page(
        StatusCode::OK,
        "batch_job",
        "Guides til afdelingen",
        Nav::Batch,
        Some(&cookie),
        data,
    )
}

/// `GET /batch/job/{key}/status`: the counters, for the progress script.
pub async fn status(State(state): State<AppState>, Path(key): Path<String>) -> Response {
    let Some(job) = state.job(&key) else {
        return gone(&state);
    };
    let body = json!({
        "done": job.done.load(Ordering::Relaxed),
        "total": job.total.load(Ordering::Relaxed),
        "finished": !matches!(job.state(), JobState::Running),
    });
    (
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// `GET /batch/job/{key}/zip`: the guides and the manifest.
pub async fn zip(State(state): State<AppState>, Path(key): Path<String>) -> Response {
    let Some(job) = state.job(&key) else {
        return gone(&state);
    };
    match job.state() {
        JobState::Done { zip, zip_name, .. } => match tokio::fs::read(&zip).await {
            Ok(bytes) => download("application/zip", &zip_name, bytes),
            Err(_) => gone(&state),
        },
        _ => Redirect::to(&format!("/batch/job/{key}")).into_response(),
    }
}

fn gone(state: &AppState) -> Response {
    state.refusal(
        StatusCode::NOT_FOUND,
        "Guiderne er her ikke længere",
        "Guiderne slettes fra serveren efter to timer, og når serveren stopper. Lav dem igen fra siden Afdeling.",
    )
}
