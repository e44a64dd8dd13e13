//! `mus serve`: the pages, the operations behind them, and the security list of issue 20,
//! against the router (`tower::ServiceExt::oneshot`) and, where a socket matters, against
//! the binary on an ephemeral loopback port.

use std::io::Read;
use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use tower::ServiceExt;

use mus::serve::{router, AppState, ServeConfig};

const HOST: &str = "127.0.0.1:8717";

fn app(archive: Option<PathBuf>, token: Option<&str>) -> Router {
    let config =
        ServeConfig::local(HOST.parse().unwrap(), archive, token.map(str::to_string)).unwrap();
    router(AppState::new(config).unwrap())
}

struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

impl Reply {
    fn text(&self) -> String {
        unescape(&String::from_utf8_lossy(&self.body))
    }
}

/// HTML entities back to characters, so tests can look for the messages as written.
fn unescape(html: &str) -> String {
    html.replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#x60;", "`")
        .replace("&#x3D;", "=")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

async fn send(app: &Router, request: Request<Body>) -> Reply {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    Reply {
        status,
        headers,
        body,
    }
}

fn get(path: &str) -> Request<Body> {
    Request::get(path)
        .header(header::HOST, HOST)
        .body(Body::empty())
        .unwrap()
}

/// A browser session: the CSRF cookie and the token of the last page.
struct Browser {
    app: Router,
    cookies: Vec<(String, String)>,
}

enum Part<'a> {
    Text(&'a str, &'a str),
    File(&'a str, &'a str, &'a [u8]),
}

const BOUNDARY: &str = "----mus-test-boundary-7MA4YWxkTrZu0gW";

fn multipart(parts: &[Part]) -> Vec<u8> {
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match part {
            Part::Text(name, value) => {
                body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                        .as_bytes(),
                );
            }
            Part::File(name, file, bytes) => {
                body.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                    )
                    .as_bytes(),
                );
                body.extend_from_slice(bytes);
                body.extend_from_slice(b"\r\n");
            }
        }
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

impl Browser {
    fn new(app: Router) -> Browser {
        Browser {
            app,
            cookies: Vec::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep_cookies(&mut self, reply: &Reply) {
        for value in reply.headers.get_all(header::SET_COOKIE) {
            let pair = value.to_str().unwrap().split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            self.cookies.retain(|(n, _)| n != name);
            self.cookies.push((name.to_string(), value.to_string()));
        }
    }

    async fn get(&mut self, path: &str) -> Reply {
        let request = Request::get(path)
            .header(header::HOST, HOST)
            .header(header::COOKIE, self.cookie_header())
            .body(Body::empty())
            .unwrap();
        let reply = send(&self.app, request).await;
        self.keep_cookies(&reply);
        reply
    }

    /// The CSRF token of the form on `path`.
    async fn token(&mut self, path: &str) -> String {
        let page = self.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        let text = String::from_utf8(page.body).unwrap();
        let at = text.find("name=\"csrf\" value=\"").expect("a CSRF field") + 19;
        text[at..at + 64].to_string()
    }

    async fn post(&mut self, path: &str, parts: &[Part<'_>]) -> Reply {
        self.post_body(path, Body::from(multipart(parts))).await
    }

    /// A same-origin multipart POST of `body` as it is (a stream that may break off).
    async fn post_body(&mut self, path: &str, body: Body) -> Reply {
        let request = Request::post(path)
            .header(header::HOST, HOST)
            .header(header::ORIGIN, format!("http://{HOST}"))
            .header(header::COOKIE, self.cookie_header())
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(body)
            .unwrap();
        let reply = send(&self.app, request).await;
        self.keep_cookies(&reply);
        reply
    }
}

fn assert_security_headers(reply: &Reply, what: &str) {
    let h = |name: &str| {
        reply
            .headers
            .get(name)
            .unwrap_or_else(|| panic!("{what}: no {name}"))
            .to_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(h("cache-control"), "no-store", "{what}");
    assert_eq!(h("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(h("referrer-policy"), "no-referrer", "{what}");
    let csp = h("content-security-policy");
    assert!(csp.contains("script-src 'self'"), "{what}: {csp}");
    assert!(!csp.contains("unsafe-inline"), "{what}: {csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
}

fn mus() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("mus").unwrap();
    cmd.env_remove("SOURCE_DATE_EPOCH")
        .env_remove("MUS_ARCHIVE");
    cmd
}

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

#[tokio::test]
async fn every_page_renders_in_danish_with_the_security_headers() {
    let archive = tempfile::tempdir().unwrap();
    let app = app(Some(archive.path().join("arkiv")), None);
    for path in ["/", "/guide", "/batch", "/arkiv"] {
        let reply = send(&app, get(path)).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        let text = reply.text();
        assert!(
            text.starts_with("<!DOCTYPE html>\n<html lang=\"da\">"),
            "{path}"
        );
        assert!(text.contains("<main id=\"main\">"), "{path}");
        assert!(!text.contains("<script>"), "{path}: inline script");
        assert_security_headers(&reply, path);
    }
    // Refusals, missing pages and files carry them too.
    for path in [
        "/findes-ikke",
        "/assets/dkfds/css/dkfds.min.css",
        "/assets/mus.css",
    ] {
        let reply = send(&app, get(path)).await;
        assert_security_headers(&reply, path);
    }
    let css = send(&app, get("/assets/dkfds/css/dkfds.min.css")).await;
    assert_eq!(css.status, StatusCode::OK);
    assert_eq!(css.headers["content-type"], "text/css; charset=utf-8");
}

#[tokio::test]
async fn without_an_archive_there_is_no_archive_page() {
    let app = app(None, None);
    assert_eq!(
        send(&app, get("/arkiv")).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(!send(&app, get("/"))
        .await
        .text()
        .contains("href=\"/arkiv\""));
}

#[tokio::test]
async fn a_foreign_host_is_refused() {
    let app = app(None, None);
    for host in [
        "evil.example:8717",
        "evil.example",
        "127.0.0.1:9999",
        "10.0.0.5:8717",
    ] {
        let request = Request::get("/guide")
            .header(header::HOST, host)
            .body(Body::empty())
            .unwrap();
        let reply = send(&app, request).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{host}");
        assert!(reply.text().contains("Ukendt adresse"), "{host}");
        assert_security_headers(&reply, host);
    }
    for host in ["127.0.0.1:8717", "localhost:8717", "[::1]:8717"] {
        let request = Request::get("/guide")
            .header(header::HOST, host)
            .body(Body::empty())
            .unwrap();
        assert_eq!(send(&app, request).await.status, StatusCode::OK, "{host}");
    }
}

#[tokio::test]
async fn a_cross_site_post_is_refused() {
    let mut browser = Browser::new(app(None, None));
    let token = browser.token("/guide").await;
    let body = multipart(&[Part::Text("csrf", &token), Part::Text("role", "chef")]);
    for headers in [
        &[("origin", "http://evil.example")][..],
        &[("origin", "null")],
        &[("origin", "null"), ("sec-fetch-site", "cross-site")],
        &[("origin", "http://127.0.0.1:9999")],
        &[("sec-fetch-site", "cross-site")],
        &[("sec-fetch-site", "same-site")],
        &[
            ("origin", "http://127.0.0.1:8717"),
            ("sec-fetch-site", "cross-site"),
        ],
    ] {
        let mut request = Request::post("/guide").header(header::HOST, HOST);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = request
            .header(header::COOKIE, browser.cookie_header())
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(Body::from(body.clone()))
            .unwrap();
        let reply = send(&browser.app, request).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{headers:?}");
        assert!(reply.text().contains("Formularen kom fra en anden side"));
    }
}

/// Chromium posted the guide form with `Origin: null` (the pages' `Referrer-Policy:
/// no-referrer` makes it so) and the server refused its own form.
#[tokio::test]
async fn a_same_origin_post_with_a_null_origin_is_taken() {
    let mut browser = Browser::new(app(None, None));
    let token = browser.token("/guide").await;
    let request = Request::post("/guide")
        .header(header::HOST, HOST)
        .header("origin", "null")
        .header("sec-fetch-site", "same-origin")
        .header(header::COOKIE, browser.cookie_header())
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(multipart(&[
            Part::Text("csrf", &token),
            Part::Text("role", "chef"),
        ])))
        .unwrap();
    let reply = send(&browser.app, request).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.headers["content-type"], "application/pdf");
}

#[tokio::test]
async fn a_post_without_the_csrf_token_is_refused() {
    let mut browser = Browser::new(app(None, None));
    let token = browser.token("/guide").await;
    for parts in [
        vec![Part::Text("role", "chef")],
        vec![
            Part::Text("csrf", "0".repeat(64).as_str()),
            Part::Text("role", "chef"),
        ],
    ] {
        let reply = browser.post("/guide", &parts).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN);
        assert!(reply.text().contains("Formularen er udløbet"));
    }
    // The right token from another browser (another cookie) is no good either.
    let mut other = Browser::new(browser.app.clone());
    other.token("/guide").await;
    let reply = other
        .post(
            "/guide",
            &[Part::Text("csrf", &token), Part::Text("role", "chef")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    // And with it, the form goes through.
    let reply = browser
        .post(
            "/guide",
            &[Part::Text("csrf", &token), Part::Text("role", "chef")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.headers["content-type"], "application/pdf");
}

#[tokio::test]
async fn oversized_uploads_are_refused_with_413_in_danish() {
    let archive = tempfile::tempdir().unwrap();
    let mut browser = Browser::new(app(Some(archive.path().join("arkiv")), None));
    let token = browser.token("/batch").await;
    let roster = vec![b'a'; 10 * 1024 * 1024 + 1];
    let reply = browser
        .post(
            "/batch",
            &[
                Part::Text("csrf", &token),
                Part::File("roster", "stor.csv", &roster),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        reply
            .text()
            .contains("En medarbejderliste må højst fylde 10 MB"),
        "{}",
        reply.text()
    );
    assert_security_headers(&reply, "413");

    let guide = vec![b'%'; 20 * 1024 * 1024 + 1];
    let reply = browser
        .post(
            "/guide",
            &[
                Part::Text("csrf", &token),
                Part::Text("role", "chef"),
                Part::File("previous", "sidste.pdf", &guide),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(reply
        .text()
        .contains("Sidste års guide må højst fylde 20 MB"));

    // Eleven guides of 19 MB: each within its limit, the request over 200 MB.
    let one = vec![b'%'; 19 * 1024 * 1024];
    let mut parts = vec![Part::Text("csrf", &token)];
    for _ in 0..11 {
        parts.push(Part::File("files", "g.pdf", &one));
    }
    let reply = browser.post("/arkiv/add", &parts).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(reply.text().contains("Én sending må højst fylde 200 MB"));
    // Nothing was archived, nor the archive even begun.
    assert!(!archive.path().join("arkiv").exists());
}

#[test]
fn a_network_address_without_a_token_is_refused_at_start() {
    let out = mus()
        .args(["serve", "--listen", "0.0.0.0:0"])
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with(
            "error: --listen: 0.0.0.0:0 can be reached from other machines, and mus serve \
             listens there only with a login: give --token-file FILE"
        ),
        "{stderr}"
    );
    assert!(out.stdout.is_empty(), "it listened");
}

#[tokio::test]
async fn with_a_token_every_page_needs_the_login() {
    let mut browser = Browser::new(app(None, Some("rigtig-hemmelig-kode-1234")));
    let reply = browser.get("/guide").await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.headers["location"], "/login");
    let token = browser.token("/login").await;
    let reply = browser
        .post(
            "/guide",
            &[Part::Text("csrf", &token), Part::Text("role", "chef")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let reply = browser
        .post(
            "/login",
            &[
                Part::Text("csrf", &token),
                Part::Text("token", "forkert-kode-000000000"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert!(reply.text().contains("Adgangskoden er forkert"));
    let reply = browser
        .post(
            "/login",
            &[
                Part::Text("csrf", &token),
                Part::Text("token", "rigtig-hemmelig-kode-1234"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(browser.get("/guide").await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_guide_from_the_page_is_the_clis_guide_byte_for_byte() {
    let mut browser = Browser::new(app(None, None));
    let token = browser.token("/guide").await;
    let reply = browser
        .post(
            "/guide",
            &[
                Part::Text("csrf", &token),
                Part::Text("role", "leder-af-medarbejdere"),
                Part::Text("focus", "saet-retning"),
                Part::Text("focus", "opdyrk-potentialer"),
                Part::Text("name", "Łukasz Øster-Ågård"),
                Part::Text("manager", "Bodil Kjærgård"),
                Part::Text("unit", "Dagtilbud Nord"),
                Part::Text("date", "2027-01-15"),
                Part::File("previous", "", b""),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(
        reply.headers["content-disposition"],
        "attachment; filename=\"mus-lukasz-oester-aagaard-2027-01-15.pdf\""
    );
    let dir = tempfile::tempdir().unwrap();
    mus()
        .current_dir(dir.path())
        .args([
            "guide",
            "--role",
            "leder-af-medarbejdere",
            "--focus",
            "saet-retning,opdyrk-potentialer",
            "--name",
            "Łukasz Øster-Ågård",
            "--manager",
            "Bodil Kjærgård",
            "--unit",
            "Dagtilbud Nord",
            "--date",
            "2027-01-15",
        ])
        .assert()
        .success();
    let cli = std::fs::read(dir.path().join("mus-lukasz-oester-aagaard-2027-01-15.pdf")).unwrap();
    assert!(reply.body == cli, "the page's guide differs from the CLI's");
}

#[tokio::test]
async fn guide_errors_are_danish_beside_their_field_and_the_form_is_kept() {
    let mut browser = Browser::new(app(None, None));
    let token = browser.token("/guide").await;
    let reply = browser
        .post(
            "/guide",
            &[
                Part::Text("csrf", &token),
                Part::Text("role", "chef"),
                Part::Text("focus", "saet-retning"),
                Part::Text("name", "Åse Bjørk"),
                Part::Text("date", "2027-02-30"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let text = reply.text();
    // The summary links to the field; the message stands beside it.
    assert!(
        text.contains("<a href=\"#date\">«2027-02-30» er ikke en dato."),
        "{text}"
    );
    assert!(text.contains("<span class=\"form-error-message\" id=\"date-error\"><span class=\"sr-only\">Fejl: </span>«2027-02-30» er ikke en dato. Skriv datoen som ÅÅÅÅ-MM-DD"));
    assert!(text.contains("value=\"Åse Bjørk\""));
    assert!(text.contains("value=\"2027-02-30\""));
    assert!(text.contains("value=\"chef\" class=\"form-radio\" checked"));
    assert!(text.contains("value=\"saet-retning\" class=\"form-checkbox\" checked"));

    let reply = browser
        .post(
            "/guide",
            &[Part::Text("csrf", &token), Part::Text("name", "Åse")],
        )
        .await;
    assert!(reply
        .text()
        .contains("<a href=\"#role\">Vælg lederens niveau.</a>"));

    let reply = browser
        .post(
            "/guide",
            &[
                Part::Text("csrf", &token),
                Part::Text("role", "chef"),
                Part::Text("name", "丁"),
            ],
        )
        .await;
    assert!(reply
        .text()
        .contains("Lederens navn indeholder tegnet «丁» (U+4E01)"));

    let reply = browser
        .post(
            "/guide",
            &[
                Part::Text("csrf", &token),
                Part::Text("role", "chef"),
                Part::File("previous", "sidste.pdf", b"%PDF-1.7 ikke en guide"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(
        reply.text().contains("id=\"previous-error\""),
        "{}",
        reply.text()
    );
}

/// The problems `mus batch --dry-run` reports, as (row, column: message).
fn dry_run_problems(roster: &Path) -> Vec<(String, String)> {
    let out = mus()
        .args(["batch", "--dry-run", "--out-dir"])
        .arg(roster.parent().unwrap().join("ud"))
        .arg(roster)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let prefix = format!("error: {}:", roster.display());
    stderr
        .lines()
        .filter_map(|l| l.strip_prefix(&prefix))
        .map(|rest| {
            let (row, rest) = rest.split_once(": ").unwrap();
            let (column, message) = rest.split_once(": ").unwrap();
            (row.to_string(), format!("Kolonnen «{column}»: {message}"))
        })
        .collect()
}

#[tokio::test]
async fn a_roster_with_row_errors_shows_the_problems_dry_run_shows() {
    let dir = tempfile::tempdir().unwrap();
    let roster = dir.path().join("afdeling.csv");
    let text = "Navn;Rolle;Fokus;Dato\n\
                Mette Søgaard;chef;saet-retning;2027-01-15\n\
                Jens Hansen;kok;saet-retning;2027-01-15\n\
                Eva Lund;chef;retningsløs;31-02-2027\n";
    std::fs::write(&roster, text).unwrap();
    let expected = dry_run_problems(&roster);
    assert_eq!(expected.len(), 3, "{expected:?}");

    let mut browser = Browser::new(app(None, None));
    let token = browser.token("/batch").await;
    let reply = browser
        .post(
            "/batch",
            &[
                Part::Text("csrf", &token),
                Part::File("roster", "afdeling.csv", text.as_bytes()),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let page = reply.text();
    assert!(page.contains("2 af 3 rækker har problemer"), "{page}");
    for (row, problem) in &expected {
        assert!(
            page.contains(&format!("<td class=\"mus-nowrap\">{row}</td>")),
            "row {row}"
        );
        assert!(page.contains(problem.as_str()), "{problem}\n{page}");
    }
    assert!(
        page.contains("mette-soegaard-chef-2027-01-15.pdf"),
        "{page}"
    );
    assert!(page.contains("Lav guides (1)"));
}

#[tokio::test]
async fn the_batch_zip_holds_the_guides_and_the_manifest() {
    let mut browser = Browser::new(app(None, None));
    let token = browser.token("/batch").await;
    let roster = fixture("examples/afdeling.csv");
    let reply = browser
        .post(
            "/batch",
            &[
                Part::Text("csrf", &token),
                Part::File("roster", "afdeling.csv", &roster),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let page = String::from_utf8(reply.body).unwrap();
    let at = page.find("name=\"upload\" value=\"").unwrap() + 21;
    let key = page[at..at + 32].to_string();
    let reply = browser
        .post(
            "/batch/run",
            &[Part::Text("csrf", &token), Part::Text("upload", &key)],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let job = reply.headers["location"].to_str().unwrap().to_string();
    // Other requests are answered while the batch runs.
    assert_eq!(browser.get("/guide").await.status, StatusCode::OK);
    let mut finished = false;
    for _ in 0..600 {
        let status = browser.get(&format!("{job}/status")).await;
        let json: serde_json::Value = serde_json::from_slice(&status.body).unwrap();
        if json["finished"] == true {
            finished = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(finished, "the batch did not finish in a minute");
    let page = browser.get(&job).await.text();
    assert!(page.contains("guides er klar"), "{page}");
    let zip = browser.get(&format!("{job}/zip")).await;
    assert_eq!(zip.status, StatusCode::OK);
    assert_eq!(
        zip.headers["content-disposition"],
        "attachment; filename=\"mus-guides-afdeling.zip\""
    );
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip.body)).unwrap();
    let names: Vec<String> = archive.file_names().map(str::to_string).collect();
    assert!(names.contains(&"manifest.json".to_string()), "{names:?}");
    assert!(names.contains(&"manifest.csv".to_string()), "{names:?}");
    let mut manifest = String::new();
    archive
        .by_name("manifest.json")
        .unwrap()
        .read_to_string(&mut manifest)
        .unwrap();
    let manifest: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    let guides = manifest["guides"].as_array().unwrap();
    assert!(!guides.is_empty());
    for g in guides {
        let file = g["file"].as_str().unwrap();
        let mut pdf = Vec::new();
        archive
            .by_name(file)
            .unwrap()
            .read_to_end(&mut pdf)
            .unwrap();
        assert!(pdf.starts_with(b"%PDF-"), "{file}");
        assert_eq!(pdf.len() as u64, g["bytes"].as_u64().unwrap(), "{file}");
    }
    assert_eq!(names.len(), guides.len() + 2, "{names:?}");
}

/// `mus archive add`'s reason for refusing `file`.
fn cli_refusal(file: &Path) -> String {
    let archive = tempfile::tempdir().unwrap();
    let out = mus()
        .arg("archive")
        .arg("--archive")
        .arg(archive.path().join("a"))
        .arg("add")
        .arg(file)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let line = stderr
        .lines()
        .find(|l| l.starts_with("refused: "))
        .unwrap_or_else(|| panic!("not refused: {stderr}"));
    let prefix = format!("refused: {}: ", file.display());
    line.strip_prefix(&prefix).unwrap().to_string()
}

#[tokio::test]
async fn the_archive_page_takes_a_signed_guide_and_refuses_an_attack_with_the_clis_reason() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("arkiv");
    let mut browser = Browser::new(app(Some(archive.clone()), None));
    let token = browser.token("/arkiv").await;
    let good = fixture("tests/fixtures/attacks/wrong-name.pdf");
    let attack_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/attacks/shadow-hide.pdf");
    let attack = std::fs::read(&attack_path).unwrap();
    let reply = browser
        .post(
            "/arkiv/add",
            &[
                Part::Text("csrf", &token),
                Part::File("files", "god.pdf", &good),
                Part::File("files", "angreb.pdf", &attack),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let page = reply.text();
    assert!(
        page.contains("1 arkiveret, 0 fandtes allerede, 1 afvist"),
        "{page}"
    );
    assert!(page.contains("Arkiveret som underskrevet"));
    assert!(
        page.contains("Filen er ændret, efter den blev underskrevet."),
        "{page}"
    );
    assert!(page.contains(&cli_refusal(&attack_path)), "{page}");
    // The archive page counts it.
    assert!(browser
        .get("/arkiv")
        .await
        .text()
        .contains("1 guides, heraf 1 underskrevne"));
}

#[tokio::test]
async fn an_upload_named_dot_dot_writes_nothing_outside() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("a").join("arkiv");
    let mut browser = Browser::new(app(Some(archive.clone()), None));
    let token = browser.token("/arkiv").await;
    let good = fixture("tests/fixtures/attacks/wrong-name.pdf");
    let reply = browser
        .post(
            "/arkiv/add",
            &[
                Part::Text("csrf", &token),
                Part::File("files", "../../x.pdf", &good),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let page = reply.text();
    assert!(page.contains("<td>x.pdf</td>"), "{page}");
    // Only the archive folder was written.
    let top: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(top, ["a"]);
    let beside: Vec<_> = std::fs::read_dir(dir.path().join("a"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(beside, ["arkiv"]);
    let mut found = Vec::new();
    let mut stack = vec![archive.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            } else {
                found.push(e.file_name().to_string_lossy().into_owned());
            }
        }
    }
    assert!(!found.iter().any(|f| f == "x.pdf"), "{found:?}");
    assert!(found.iter().any(|f| f.ends_with(".pdf")), "{found:?}");
}

#[tokio::test]
async fn status_report_and_plans_come_from_the_archive() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("arkiv");
    let mut browser = Browser::new(app(Some(archive.clone()), None));
    let token = browser.token("/arkiv").await;
    let good = fixture("tests/fixtures/attacks/wrong-name.pdf");
    browser
        .post(
            "/arkiv/add",
            &[
                Part::Text("csrf", &token),
                Part::File("files", "god.pdf", &good),
            ],
        )
        .await;
    let roster = "Navn;Enhed\nŁukasz Øster-Ågård;Dagtilbud Nord\nEva Lund;Skole Syd\n";
    let reply = browser
        .post(
            "/arkiv/status",
            &[
                Part::Text("csrf", &token),
                Part::File("roster", "ledere.csv", roster.as_bytes()),
                Part::Text("year", "2027"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let page = reply.text();
    assert!(page.contains("Eva Lund"), "{page}");
    assert!(page.contains("Mangler"));

    let reply = browser
        .post(
            "/arkiv/status",
            &[
                Part::Text("csrf", &token),
                Part::File("roster", "ledere.csv", roster.as_bytes()),
                Part::Text("year", "27"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply
        .text()
        .contains("<a href=\"#status-year\">«27» er ikke et årstal."));

    let reply = browser
        .post(
            "/arkiv/report",
            &[
                Part::Text("csrf", &token),
                Part::File("roster", "ledere.csv", roster.as_bytes()),
                Part::Text("year", "2027"),
                Part::Text("min_group", "1"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.headers["content-type"], "application/pdf");
    assert!(reply.body.starts_with(b"%PDF-"));

    let reply = browser
        .post(
            "/arkiv/plans",
            &[Part::Text("csrf", &token), Part::Text("year", "2027")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.headers["content-disposition"],
        "attachment; filename=\"mus-planer-2027.csv\""
    );
}

#[test]
fn the_binary_serves_on_an_ephemeral_port_and_stops_on_sigterm() {
    use std::io::{BufRead, BufReader, Write};
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("mus"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.trim().to_string();
    assert!(
        url.starts_with("http://127.0.0.1:") && url.ends_with('/'),
        "{url}"
    );
    let addr = url.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET /guide HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    assert!(reply.starts_with("HTTP/1.1 200 OK"), "{reply}");
    assert!(reply.contains("Lav guide"));
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET /guide HTTP/1.1\r\nHost: evil.example:80\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    assert!(reply.starts_with("HTTP/1.1 403"), "{reply}");
    unsafe_kill_term(child.id());
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
}

#[cfg(unix)]
fn unsafe_kill_term(pid: u32) {
    // SAFETY: sends SIGTERM to the child this test started.
    unsafe {
        libc::kill(pid as i32, libc::SIGTERM);
    }
}

/// The plans' filters and a workbook's sheet, as the command line's `--unit`,
/// `--include-unsigned` and `--sheet`: the CSV is the operation's for the same request, and
/// an unknown sheet is said beside the sheet field.
#[tokio::test]
async fn plans_filters_and_the_roster_sheet_are_the_command_lines() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("arkiv");
    let mut browser = Browser::new(app(Some(archive.clone()), None));
    let token = browser.token("/arkiv").await;
    let guides: Vec<(String, Vec<u8>)> = ["pypdf", "pdfium", "pdfjs", "mupdf"]
        .iter()
        .map(|n| {
            let file = format!("tests/fixtures/choices/{n}.pdf");
            (format!("{n}.pdf"), fixture(&file))
        })
        .collect();
    let mut parts = vec![
        Part::Text("csrf", &token),
        Part::Text("allow_unsigned", "1"),
    ];
    for (name, bytes) in &guides {
        parts.push(Part::File("files", name, bytes));
    }
    let reply = browser.post("/arkiv/add", &parts).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());

    for (unit, include_unsigned) in [(None, true), (Some("Dagtilbud Nord"), false)] {
        let mut parts = vec![Part::Text("csrf", &token), Part::Text("year", "2027")];
        if let Some(unit) = unit {
            parts.push(Part::Text("unit", unit));
        }
        if include_unsigned {
            parts.push(Part::Text("include_unsigned", "1"));
        }
        let reply = browser.post("/arkiv/plans", &parts).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
        let expected = mus::app::archive::plans(
            &archive,
            &mus::app::archive::PlansRequest {
                year: Some(2027),
                unit: unit.map(str::to_string),
                include_unsigned,
            },
        )
        .unwrap();
        assert!(!expected.lines.is_empty(), "the fixtures have plans");
        assert_eq!(reply.body, expected.csv, "unit {unit:?}");
    }
    // The filter is applied: a unit nobody is in gives the header only.
    let reply = browser
        .post(
            "/arkiv/plans",
            &[
                Part::Text("csrf", &token),
                Part::Text("year", "2027"),
                Part::Text("unit", "Ingen Enhed"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        String::from_utf8_lossy(&reply.body)
            .trim_end()
            .lines()
            .count(),
        1
    );

    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("Ledere").unwrap();
    sheet.write(0, 0, "Navn").unwrap();
    sheet.write(1, 0, "Karen Lund").unwrap();
    let xlsx = book.save_to_buffer().unwrap();
    for (sheet, status) in [
        ("Ledere", StatusCode::OK),
        ("Forkert", StatusCode::BAD_REQUEST),
    ] {
        let reply = browser
            .post(
                "/arkiv/status",
                &[
                    Part::Text("csrf", &token),
                    Part::File("roster", "ledere.xlsx", &xlsx),
                    Part::Text("sheet", sheet),
                    Part::Text("year", "2027"),
                ],
            )
            .await;
        assert_eq!(reply.status, status, "{}", reply.text());
        if status == StatusCode::OK {
            assert!(reply.text().contains("Karen Lund"));
        } else {
            let page = reply.text();
            assert!(page.contains("<a href=\"#status-sheet\">"), "{page}");
            assert!(page.contains("intet ark, der hedder «Forkert»"), "{page}");
        }
    }
}

/// A department's batch runs in the background: the job reports its progress while it
/// runs, other pages are answered meanwhile, and the ZIP holds every guide and the
/// manifest. 150 rows keep the debug build's test short; `scripts/check-serve.py` runs
/// 1,000 in a real browser on the release build.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_batch_shows_progress_and_blocks_no_other_request() {
    const ROWS: usize = 150;
    let mut browser = Browser::new(app(None, None));
    let token = browser.token("/batch").await;
    let mut roster = String::from("Navn;Rolle;Fokus;Dato\n");
    let roles = [
        "leder-af-medarbejdere",
        "leder-af-ledere",
        "chef",
        "direktion",
    ];
    for i in 0..ROWS {
        roster.push_str(&format!(
            "Leder Nr. {i} Ødegård;{};saet-retning;2027-01-{:02}\n",
            roles[i % roles.len()],
            1 + i % 28
        ));
    }
    let reply = browser
        .post(
            "/batch",
            &[
                Part::Text("csrf", &token),
                Part::File("roster", "afdeling.csv", roster.as_bytes()),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let page = String::from_utf8(reply.body).unwrap();
    let at = page.find("name=\"upload\" value=\"").unwrap() + 21;
    let key = page[at..at + 32].to_string();
    let reply = browser
        .post(
            "/batch/run",
            &[Part::Text("csrf", &token), Part::Text("upload", &key)],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let job = reply.headers["location"].to_str().unwrap().to_string();
    let status = |reply: Reply| -> (u64, u64, bool) {
        let json: serde_json::Value = serde_json::from_slice(&reply.body).unwrap();
        (
            json["done"].as_u64().unwrap(),
            json["total"].as_u64().unwrap(),
            json["finished"] == true,
        )
    };
    // While it runs: a page and a guide are answered, and the count moves.
    let mut seen = Vec::new();
    let mut answered_while_running = 0;
    let finished = loop {
        let (done, total, finished) = status(browser.get(&format!("{job}/status")).await);
        seen.push(done);
        if finished {
            assert_eq!(total as usize, ROWS);
            break true;
        }
        let started = std::time::Instant::now();
        assert_eq!(browser.get("/guide").await.status, StatusCode::OK);
        let (_, _, still_running) = status(browser.get(&format!("{job}/status")).await);
        if !still_running {
            answered_while_running += 1;
            assert!(
                started.elapsed() < std::time::Duration::from_secs(5),
                "a page took {:?} while the batch ran",
                started.elapsed()
            );
        }
        if seen.len() > 3000 {
            break false;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert!(finished, "the batch did not finish in five minutes");
    assert!(answered_while_running > 0, "no page was asked while it ran");
    let moving: Vec<&u64> = seen
        .iter()
        .filter(|d| **d > 0 && (**d as usize) < ROWS)
        .collect();
    assert!(moving.len() >= 2, "no progress was seen: {seen:?}");
    let job_page = browser.get(&job).await.text();
    assert!(
        job_page.contains(&format!("{ROWS} guides er klar")),
        "{job_page}"
    );
    let zip = browser.get(&format!("{job}/zip")).await;
    let archive = zip::ZipArchive::new(std::io::Cursor::new(zip.body)).unwrap();
    assert_eq!(archive.len(), ROWS + 2);
}

/// A browser that disconnects in the middle of an upload: the request fails, nothing of it
/// is stored or left behind in the archive folder, and the same file uploaded whole is then
/// archived as usual.
#[tokio::test]
async fn a_browser_that_disconnects_mid_upload_leaves_the_archive_as_it_was() {
    use axum::body::Bytes;
    use http_body_util::channel::Channel;
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("arkiv");
    let mut browser = Browser::new(app(Some(archive.clone()), None));
    let token = browser.token("/arkiv").await;
    let good = fixture("tests/fixtures/attacks/wrong-name.pdf");
    let whole = multipart(&[
        Part::Text("csrf", &token),
        Part::File("files", "god.pdf", &good),
    ]);
    let files_before = files_under(&archive);

    let (mut sender, body) = Channel::<Bytes, std::io::Error>::new(4);
    sender
        .send_data(Bytes::copy_from_slice(&whole[..whole.len() / 2]))
        .await
        .unwrap();
    sender.abort(std::io::Error::new(
        std::io::ErrorKind::ConnectionReset,
        "the browser went away",
    ));
    let reply = browser.post_body("/arkiv/add", Body::new(body)).await;
    assert!(
        reply.status.is_client_error() || reply.status.is_server_error(),
        "{}: {}",
        reply.status,
        reply.text()
    );
    assert_eq!(
        files_under(&archive),
        files_before,
        "the archive folder changed"
    );

    let reply = browser
        .post(
            "/arkiv/add",
            &[
                Part::Text("csrf", &token),
                Part::File("files", "god.pdf", &good),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(
        reply
            .text()
            .contains("1 arkiveret, 0 fandtes allerede, 0 afvist"),
        "{}",
        reply.text()
    );
}

/// Every file under `dir`, relative to it (none when it does not exist).
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    out.sort();
    out
}
