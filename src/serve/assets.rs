//! The files the pages load, compiled into the binary: Det Fælles Designsystem's
//! stylesheet, fonts and icons (vendored by `scripts/vendor-dkfds.sh`, MIT; fonts OFL,
//! icons Apache-2.0: `assets/dkfds/LICENSE.md`), mus's own few styles, and the script that
//! updates a batch's progress (the pages work without it).

use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

mod dkfds {
    include!("assets/dkfds_files.rs");
}

const OWN: &[(&str, &[u8])] = &[
    ("mus.css", include_bytes!("assets/mus.css")),
    ("mus-progress.js", include_bytes!("assets/mus-progress.js")),
];

/// `GET /assets/{*path}`.
pub async fn asset(Path(path): Path<String>) -> Response {
    let bytes = match path.strip_prefix("dkfds/") {
        Some(rest) => dkfds::FILES.iter().find(|(p, _)| *p == rest),
        None => OWN.iter().find(|(p, _)| *p == path),
    };
    match bytes {
        Some((name, bytes)) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static(content_type(name)),
            )],
            *bytes,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "findes ikke").into_response(),
    }
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next() {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("woff2") => "font/woff2",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_stylesheet_and_its_licence_are_vendored() {
        assert!(super::dkfds::FILES
            .iter()
            .any(|(p, b)| *p == "css/dkfds.min.css" && b.len() > 100_000));
        let licence = include_str!("assets/dkfds/LICENSE.md");
        assert!(licence.contains("MIT"));
    }
}
