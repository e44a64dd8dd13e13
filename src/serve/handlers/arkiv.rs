//! `/arkiv` (only with `--archive`): signed guides into the archive (the verdict per file
//! that `mus archive add` gives), the status of a roster, the MED report and the plans.

use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use serde_json::{json, Map, Value};

use super::blocking;
use crate::app::archive::{
    AddOptions, ListFilter, PlansRequest, ReportRequest, StatusRequest, Verdict,
};
use crate::app::Input;
use crate::serve::danish::{self, field_error};
use crate::serve::pages::{download, Nav};
use crate::serve::posted::{self, Form};
use crate::serve::security::CsrfCookie;
use crate::serve::state::AppState;

/// An error of one of the archive page's forms: the form (`files` for adding, `status`,
/// `report`, `plans`), the field, the message.
struct Problem {
    form: &'static str,
    field: &'static str,
    message: String,
}

pub async fn show(
    State(state): State<AppState>,
    Extension(cookie): Extension<CsrfCookie>,
) -> Response {
    page(&state, &cookie, StatusCode::OK, None, &[]).await
}

async fn page(
    state: &AppState,
    cookie: &CsrfCookie,
    status: StatusCode,
    typed: Option<(&'static str, &Form)>,
    problems: &[Problem],
) -> Response {
    let dir = archive_dir(state);
    let listed = {
        let dir = dir.clone();
        blocking(state, move || {
            crate::app::archive::list(&dir, &ListFilter::default())
        })
        .await
    };
    // A new archive folder has no index yet: it is empty, not broken.
    let guides = match listed {
        Ok(Ok(guides)) => guides,
        _ => Vec::new(),
    };
    let signed = guides
        .iter()
        .filter(|g| g.status.as_str() == "signed")
        .count();
    let year = crate::app::archive::current_year(state.config().epoch).to_string();
    let mut data = json!({
        "dir": dir.display().to_string(),
        "count": guides.len(),
        "signed": signed,
        "files": {},
        "status": { "year": year },
        "report": { "year": year, "min_group": "5" },
        "plans": { "year": year },
        "errors": problems.iter().map(|p| json!({
            "id": if p.form == "files" { "files".to_string() } else { format!("{}-{}", p.form, p.field) },
            "message": p.message,
        })).collect::<Vec<_>>(),
    });
    if let Some((name, form)) = typed {
        let section = data[name].as_object_mut().expect("a section");
        for field in ["year", "min_group", "unit", "sheet", "include_unsigned"] {
            if let Some(v) = form.get(field) {
                section.insert(field.into(), json!(v));
            }
        }
    }
    for p in problems {
        let section: &mut Map<String, Value> = data[p.form]
            .as_object_mut()
            .expect("every form has a section");
        let key = match (p.form, p.field) {
            ("files", _) => "error".to_string(),
            (_, "roster") => "roster".to_string(),
            (_, field) => format!("{field}_error"),
        };
        section.insert(key, json!(p.message));
    }
    state.page(status, "arkiv", "Arkiv", Nav::Arkiv, Some(cookie), data)
}

fn archive_dir(state: &AppState) -> std::path::PathBuf {
    state
        .config()
        .archive
        .clone()
        .expect("the archive routes exist only with --archive")
}

/// `POST /arkiv/add`: each file judged and, if its signatures let it in, archived.
pub async fn add(
    State(state): State<AppState>,
    Extension(cookie): Extension<CsrfCookie>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let mut form = match posted::accept(&state, &cookie, multipart).await {
        Ok(form) => form,
        Err(refusal) => return refusal,
    };
    let files: Vec<Input> = form
        .take_files("files")
        .into_iter()
        .map(Input::Upload)
        .collect();
    if files.is_empty() {
        let p = Problem {
            form: "files",
            field: "files",
            message: "Vælg en eller flere underskrevne guides (PDF).".into(),
        };
        return page(&state, &cookie, StatusCode::BAD_REQUEST, None, &[p]).await;
    }
    let options = AddOptions {
        allow_unsigned: form.checked("allow_unsigned"),
        anchors: state.config().anchors.clone(),
    };
    let trust_note = options.anchors.is_empty();
    let dir = archive_dir(&state);
    let added = blocking(&state, move || {
        crate::app::archive::add(&dir, &files, options)
    })
    .await;
    let report = match added {
        Ok(Ok(report)) => report,
        Ok(Err(e)) => return failed(&state, &e),
        Err(refusal) => return refusal,
    };
    let (mut accepted, mut unchanged, mut refused, mut unsigned_hint) = (0, 0, 0, false);
    let verdicts: Vec<Value> = report
        .verdicts
        .iter()
        .map(|(label, verdict)| {
            let (badge, word, text, detail) = match verdict {
                Verdict::Accepted(g) => {
                    accepted += 1;
                    let signed = g.status.as_str() == "signed";
                    (
                        if signed { "badge-success" } else { "badge-warning" },
                        if signed { "Arkiveret som underskrevet" } else { "Arkiveret som ikke underskrevet" },
                        format!("{}s guide, {}, version {}.", g.leader, g.guide_id, g.version),
                        g.path.clone(),
                    )
                }
                Verdict::Unchanged(g) => {
                    unchanged += 1;
                    (
                        "badge-info",
                        "Fandtes allerede",
                        format!("Den samme fil er allerede arkiveret ({}, version {}).", g.guide_id, g.version),
                        g.path.clone(),
                    )
                }
                Verdict::Refused(r) => {
                    refused += 1;
                    unsigned_hint |= r.unsigned_only();
                    ("badge-error", "Afvist", danish::refusal(r.fault).to_string(), r.reason.clone())
                }
                Verdict::Unreadable(message) => {
                    refused += 1;
                    ("badge-error", "Afvist", "Filen kunne ikke læses.".to_string(), message.clone())
                }
            };
            json!({ "label": label, "badge": badge, "verdict": word, "text": text, "detail": detail })
        })
        .collect();
    state.page(
        StatusCode::OK,
        "arkiv_added",
        "Lagt i arkivet",
        Nav::Arkiv,
        Some(&cookie),
        json!({
            "verdicts": verdicts,
            "accepted": accepted,
            "unchanged": unchanged,
            "refused": refused,
            "unsigned_hint": unsigned_hint,
            "trust_note": trust_note,
        }),
    )
}

/// A year typed in a form: four digits from 1900 to 2999, as the command line takes it.
fn year(form: &Form, name: &'static str, problems: &mut Vec<Problem>) -> i32 {
    let typed = form.get("year").unwrap_or_default().trim().to_string();
    match typed.parse::<i32>() {
        Ok(y) if (1900..=2999).contains(&y) => y,
        _ => {
            problems.push(Problem {
                form: name,
                field: "year",
                message: format!(
                    "«{typed}» er ikke et årstal. Skriv året med fire cifre, fx 2027."
                ),
            });
            0
        }
    }
}

fn roster(form: &Form, name: &'static str, problems: &mut Vec<Problem>) -> Option<Input> {
    let file = form.file("roster").cloned().map(Input::Upload);
    if file.is_none() {
        problems.push(Problem {
            form: name,
            field: "roster",
            message: "Vælg filen med listen over lederne (eller manifest.json).".into(),
        });
    }
    file
}

/// `POST /arkiv/status`: who on the roster has a signed guide for the year.
pub async fn status(
    State(state): State<AppState>,
    Extension(cookie): Extension<CsrfCookie>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let form = match posted::accept(&state, &cookie, multipart).await {
        Ok(form) => form,
        Err(refusal) => return refusal,
    };
    let mut problems = Vec::new();
    let roster_input = roster(&form, "status", &mut problems);
    let year = year(&form, "status", &mut problems);
    let Some(roster_input) = roster_input.filter(|_| problems.is_empty()) else {
        return page(
            &state,
            &cookie,
            StatusCode::BAD_REQUEST,
            Some(("status", &form)),
            &problems,
        )
        .await;
    };
    let dir = archive_dir(&state);
    let request = StatusRequest {
        roster: roster_input,
        sheet: form.text("sheet"),
        year,
    };
    let report = match blocking(&state, move || crate::app::archive::status(&dir, &request)).await {
        Ok(Ok(report)) => report,
        Ok(Err(e)) => {
            let field = match crate::app::field(&e) {
                Some("sheet") => "sheet",
                _ => "roster",
            };
            let p = Problem {
                form: "status",
                field,
                message: field_error(&e).message,
            };
            return page(
                &state,
                &cookie,
                StatusCode::BAD_REQUEST,
                Some(("status", &form)),
                &[p],
            )
            .await;
        }
        Err(refusal) => return refusal,
    };
    let count = |s: &str| {
        report
            .lines
            .iter()
            .filter(|l| l.standing.as_str() == s)
            .count()
    };
    let lines: Vec<Value> = report
        .lines
        .iter()
        .map(|l| {
            let (badge, word) = match l.standing.as_str() {
                "signed" => ("badge-success", "Underskrevet"),
                "unsigned" => ("badge-warning", "Ikke underskrevet"),
                _ => ("badge-error", "Mangler"),
            };
            json!({
                "row": l.person.row,
                "name": l.person.name,
                "unit": l.person.unit,
                "badge": badge,
                "standing": word,
                "guide": l.guide.as_ref().map(|g| format!("{} v{}", g.guide_id, g.version)).unwrap_or_default(),
            })
        })
        .collect();
    state.page(
        StatusCode::OK,
        "arkiv_status",
        "Status",
        Nav::Arkiv,
        Some(&cookie),
        json!({
            "origin": report.origin,
            "year": report.year,
            "total": report.lines.len(),
            "signed": count("signed"),
            "unsigned": count("unsigned"),
            "missing": count("missing"),
            "lines": lines,
            "unmatched": report.unmatched.len(),
        }),
    )
}

/// `POST /arkiv/report`: the MED report as a PDF.
pub async fn report(
    State(state): State<AppState>,
    Extension(cookie): Extension<CsrfCookie>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let form = match posted::accept(&state, &cookie, multipart).await {
        Ok(form) => form,
        Err(refusal) => return refusal,
    };
    let mut problems = Vec::new();
    let roster_input = roster(&form, "report", &mut problems);
    let year = year(&form, "report", &mut problems);
    let typed_min = form.get("min_group").unwrap_or_default().trim().to_string();
    let min_group = match typed_min.parse::<usize>() {
        Ok(n) if n >= 1 => n,
        _ => {
            problems.push(Problem {
                form: "report",
                field: "min_group",
                message: format!("«{typed_min}» er ikke et helt tal på 1 eller mere."),
            });
            0
        }
    };
    let Some(roster_input) = roster_input.filter(|_| problems.is_empty()) else {
        return page(
            &state,
            &cookie,
            StatusCode::BAD_REQUEST,
            Some(("report", &form)),
            &problems,
        )
        .await;
    };
    let request = ReportRequest {
        roster: roster_input,
        sheet: form.text("sheet"),
        year,
        unit: form.text("unit"),
        min_group,
        created: state
            .config()
            .epoch
            .unwrap_or_else(|| chrono::Utc::now().timestamp()),
    };
    let dir = archive_dir(&state);
    match blocking(&state, move || crate::app::archive::report(&dir, &request)).await {
        Ok(Ok(made)) => download(
            "application/pdf",
            &format!("mus-med-rapport-{year}.pdf"),
            made.pdf,
        ),
        Ok(Err(e)) => {
            let field = match crate::app::field(&e) {
                Some("unit") => "unit",
                Some("sheet") => "sheet",
                _ => "roster",
            };
            let p = Problem {
                form: "report",
                field,
                message: field_error(&e).message,
            };
            page(
                &state,
                &cookie,
                StatusCode::BAD_REQUEST,
                Some(("report", &form)),
                &[p],
            )
            .await
        }
        Err(refusal) => refusal,
    }
}

/// `POST /arkiv/plans`: the year's agreed development plans as CSV.
pub async fn plans(
    State(state): State<AppState>,
    Extension(cookie): Extension<CsrfCookie>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let form = match posted::accept(&state, &cookie, multipart).await {
        Ok(form) => form,
        Err(refusal) => return refusal,
    };
    let mut problems = Vec::new();
    let year = year(&form, "plans", &mut problems);
    if !problems.is_empty() {
        return page(
            &state,
            &cookie,
            StatusCode::BAD_REQUEST,
            Some(("plans", &form)),
            &problems,
        )
        .await;
    }
    let request = PlansRequest {
        year: Some(year),
        unit: form.text("unit"),
        include_unsigned: form.get("include_unsigned").is_some(),
    };
    let dir = archive_dir(&state);
    match blocking(&state, move || crate::app::archive::plans(&dir, &request)).await {
        Ok(Ok(plans)) => download(
            "text/csv; charset=utf-8",
            &format!("mus-planer-{year}.csv"),
            plans.csv,
        ),
        Ok(Err(e)) => failed(&state, &e),
        Err(refusal) => refusal,
    }
}

/// The archive itself failed (cannot be opened, index damaged).
fn failed(state: &AppState, error: &crate::app::Error) -> Response {
    state.refusal(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Arkivet kan ikke bruges",
        &format!("Arkivet kunne ikke åbnes eller skrives. Intet er ændret. ({error})"),
    )
}
