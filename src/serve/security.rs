//! Who may use the server, and what every response says to the browser: the `Host` check
//! (against DNS rebinding), same-origin checks on every POST, CSRF tokens, the login on
//! network addresses, and the security headers. One middleware, [`guard`], around every
//! route, so no page can be reached around it.
//!
//! The model is Jupyter's (a token and a host check) and Datasette's (a CSRF token bound to
//! a cookie): a page of another site open in the same browser must not be able to read a
//! page of mus or post a form to it.

use std::net::IpAddr;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use super::mutex::lock;
use super::random::random_hex;
use super::state::AppState;
use crate::base::files::hex;

/// The cookie a browser's CSRF tokens are bound to.
pub const CSRF_COOKIE: &str = "mus_csrf";
/// The cookie of a logged-in browser (only with a login token).
pub const SESSION_COOKIE: &str = "mus_session";
/// The hidden form field that carries the CSRF token.
pub const CSRF_FIELD: &str = "csrf";

/// No script but the server's own files, no frames, forms only to the server itself.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self'; img-src 'self' data:; font-src 'self'; object-src 'none'; \
    base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// This browser's CSRF cookie value, put into the request by [`guard`] for the handlers.
#[derive(Clone, Debug)]
pub struct CsrfCookie(pub String);

fn mac(secret: &[u8], purpose: &str, value: &str) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(purpose.as_bytes());
    mac.update(&[0]);
    mac.update(value.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

impl AppState {
    /// The CSRF token for forms shown to the browser holding `cookie`.
    pub fn csrf_token(&self, cookie: &CsrfCookie) -> String {
        hex(&mac(&self.0.secret, "csrf", &cookie.0))
    }

    /// Whether `token` (from a form) belongs to the browser holding `cookie`.
    pub fn csrf_ok(&self, cookie: &CsrfCookie, token: Option<&str>) -> bool {
        token.is_some_and(|t| same_secret(&self.csrf_token(cookie), t))
    }

    /// Whether `given` is the login token (compared in constant time).
    pub fn token_ok(&self, given: &str) -> bool {
        self.config()
            .token
            .as_deref()
            .is_some_and(|t| same_secret(t, given.trim()))
    }

    /// Starts a logged-in session; returns its cookie value.
    pub fn new_session(&self) -> String {
        let id = random_hex(32);
        lock(&self.0.sessions).insert(id.clone());
        id
    }

    fn logged_in(&self, headers: &HeaderMap) -> bool {
        cookie(headers, SESSION_COOKIE).is_some_and(|id| lock(&self.0.sessions).contains(&id))
    }
}

/// Compares two secrets without leaking where they differ (lengths are not secret).
fn same_secret(expected: &str, given: &str) -> bool {
    expected.len() == given.len() && bool::from(expected.as_bytes().ct_eq(given.as_bytes()))
}

/// A cookie's value from the request's `Cookie` headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.to_string())
}

/// `Set-Cookie` for a cookie only this server's pages send back, never to scripts.
pub fn set_cookie(name: &str, value: &str) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Strict"
    ))
    .expect("cookie values are hex")
}

/// Every request passes here: host, origin, login, CSRF cookie; every response leaves
/// with the security headers.
pub async fn guard(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let headers = request.headers();
    let Some(host) = allowed_host(&state, headers) else {
        return finish(state.refusal(
            StatusCode::FORBIDDEN,
            "Ukendt adresse",
            "Serveren svarer kun på den adresse, den er startet på. Åbn siden fra den \
             adresse, mus serve skrev, da den startede.",
        ));
    };
    let unsafe_method = !matches!(*request.method(), Method::GET | Method::HEAD);
    if unsafe_method && !same_origin(headers, &host) {
        return finish(state.refusal(
            StatusCode::FORBIDDEN,
            "Formularen kom fra en anden side",
            "Serveren tager kun imod formularer fra sine egne sider. Åbn siden igen fra \
             mus serve's adresse og send formularen derfra.",
        ));
    }
    let path = request.uri().path();
    let open_path = path == "/login" || path.starts_with("/assets/");
    if state.config().token.is_some() && !open_path && !state.logged_in(headers) {
        if unsafe_method {
            return finish(state.refusal(
                StatusCode::FORBIDDEN,
                "Du er ikke logget ind",
                "Log ind med adgangskoden og send formularen igen.",
            ));
        }
        return finish(Redirect::to("/login").into_response());
    }
    let existing = cookie(headers, CSRF_COOKIE)
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()));
    let (value, fresh) = match existing {
        Some(v) => (v, false),
        None => (random_hex(32), true),
    };
    request.extensions_mut().insert(CsrfCookie(value.clone()));
    let mut response = next.run(request).await;
    if fresh {
        response
            .headers_mut()
            .append(header::SET_COOKIE, set_cookie(CSRF_COOKIE, &value));
    }
    finish(response)
}

/// The host the request names, when it is one this server answers to.
fn allowed_host(state: &AppState, headers: &HeaderMap) -> Option<String> {
    let raw = headers
        .get(header::HOST)?
        .to_str()
        .ok()?
        .to_ascii_lowercase();
    let listen = state.config().listen;
    let (name, port) = split_host(&raw)?;
    if port != listen.port() {
        return None;
    }
    let ok = match name.parse::<IpAddr>() {
        // An address typed in is no rebinding: the name is what a rebinding attack controls.
        Ok(ip) if listen.ip().is_unspecified() => ip.is_loopback() || !ip.is_unspecified(),
        Ok(ip) => ip == listen.ip() || (listen.ip().is_loopback() && ip.is_loopback()),
        Err(_) => {
            (name == "localhost" && (listen.ip().is_loopback() || listen.ip().is_unspecified()))
                || state.config().hosts.contains(&name)
        }
    };
    ok.then_some(raw)
}

/// `host:port`, `[v6]:port`, or a host without a port (port 80).
fn split_host(raw: &str) -> Option<(String, u16)> {
    if let Some(rest) = raw.strip_prefix('[') {
        let (ip, after) = rest.split_once(']')?;
        let port = match after.strip_prefix(':') {
            Some(p) => p.parse().ok()?,
            None if after.is_empty() => 80,
            None => return None,
        };
        return Some((ip.to_string(), port));
    }
    match raw.rsplit_once(':') {
        Some((name, port)) => Some((name.to_string(), port.parse().ok()?)),
        None => Some((raw.to_string(), 80)),
    }
}

/// A form may be posted only from this server's own pages: the browser's `Origin` (or,
/// without it, `Sec-Fetch-Site`) says where it came from. A client that sends neither
/// (a script, an old browser) still needs the CSRF token.
///
/// Under `Referrer-Policy: no-referrer` browsers send `Origin: null` even for a form
/// posted from the same origin (Fetch standard, "serializing a request origin"); then
/// `Sec-Fetch-Site` must say `same-origin`.
fn same_origin(headers: &HeaderMap, host: &str) -> bool {
    let site = headers.get("sec-fetch-site").map(|s| s.as_bytes());
    match headers
        .get(header::ORIGIN)
        .map(|o| o.to_str().unwrap_or_default())
    {
        Some("null") => site == Some(b"same-origin"),
        Some(origin) => {
            origin.eq_ignore_ascii_case(&format!("http://{host}"))
                && site.is_none_or(|s| s == b"same-origin")
        }
        None => site.is_none_or(|s| s == b"same-origin"),
    }
}

/// The headers every response carries: nothing cached (the pages and files hold personal
/// data), no script or style from anywhere else, no sniffing, no referrer, no framing.
pub fn finish(mut response: Response) -> Response {
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CACHE_CONTROL, "no-store"),
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    headers.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_split_with_and_without_ports() {
        assert_eq!(
            split_host("127.0.0.1:8717"),
            Some(("127.0.0.1".into(), 8717))
        );
        assert_eq!(split_host("[::1]:8717"), Some(("::1".into(), 8717)));
        assert_eq!(split_host("localhost"), Some(("localhost".into(), 80)));
        assert_eq!(split_host("evil.example:x"), None);
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "ab"));
    }
}
