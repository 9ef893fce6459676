//! Who may drive the sandbox: [`SandboxGuard`] lets through only requests that a page served by this sandbox, or
//! the bot in this process, can make.
//!
//! - `Host` must be an IP literal or `localhost` with the sandbox's port: a web page cannot reach the sandbox
//!   through a DNS name it controls (DNS rebinding).
//! - `Origin`, when present, must be this same host: another site's page cannot post to it.
//! - The control API (`/control/*`, `/sandbox/*`) needs the per-run key the page is given in its HTML (a cross-site
//!   page cannot read it) in the `X-Sandbox-Key` header, and a `POST` must be `application/json` (so even a
//!   "simple" cross-site form post is refused before anything happens).
//! - The Bot API (`/bot{token}/*`) is guarded by its random per-run token, as Telegram's is.

use std::sync::Arc;

use axum::{
    body::Body,
    extract::{Request, State},
    http::{HeaderMap, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

/// Header carrying the page's key.
pub const KEY_HEADER: &str = "x-sandbox-key";

/// The per-run secrets and the port the sandbox serves.
#[derive(Clone)]
pub struct SandboxGuard(Arc<GuardData>);

struct GuardData {
    key: String,
    port: u16,
}

impl SandboxGuard {
    #[must_use]
    pub fn new(port: u16) -> Self {
        Self(Arc::new(GuardData { key: random_secret(), port }))
    }

    /// The key the page must send back.
    #[must_use]
    pub fn key(&self) -> &str {
        &self.0.key
    }

    /// Why a request is refused, or `None` when it may go on.
    #[must_use]
    pub fn refusal(&self, method: &Method, path: &str, headers: &HeaderMap) -> Option<(StatusCode, &'static str)> {
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or_default();
        if !self.is_own_host(host) {
            return Some((StatusCode::MISDIRECTED_REQUEST, "unknown Host: open the sandbox at the address it printed"));
        }
        if let Some(origin) = headers.get(header::ORIGIN) {
            let same = origin.to_str().ok().and_then(|o| o.strip_prefix("http://")).is_some_and(|o| o == host);
            if !same {
                return Some((StatusCode::FORBIDDEN, "cross-origin requests are refused"));
            }
        }
        if path.starts_with("/control/") || path.starts_with("/sandbox/") {
            let key = headers.get(KEY_HEADER).and_then(|k| k.to_str().ok());
            if key != Some(self.key()) {
                return Some((StatusCode::FORBIDDEN, "missing or wrong sandbox key"));
            }
            let json = headers.get(header::CONTENT_TYPE).and_then(|c| c.to_str().ok()).is_some_and(|c| {
                c.split(';').next().is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"))
            });
            if *method == Method::POST && !json {
                return Some((StatusCode::UNSUPPORTED_MEDIA_TYPE, "the control API accepts application/json only"));
            }
        }
        None
    }

    fn is_own_host(&self, host: &str) -> bool {
        let (name, port) = match host.rsplit_once(':') {
            Some((name, port)) if !name.ends_with(']') || host.starts_with('[') => (name, port),
            _ => return false,
        };
        let name = name.trim_start_matches('[').trim_end_matches(']');
        port.parse::<u16>() == Ok(self.0.port)
            && (name.eq_ignore_ascii_case("localhost") || name.parse::<std::net::IpAddr>().is_ok())
    }
}

/// The axum middleware applying [`SandboxGuard::refusal`] to every request.
pub async fn check(State(guard): State<SandboxGuard>, request: Request<Body>, next: Next) -> Response {
    match guard.refusal(request.method(), request.uri().path(), request.headers()) {
        Some((status, reason)) => {
            tracing::warn!(path = request.uri().path(), reason, "sandbox request refused");
            (status, reason).into_response()
        }
        None => next.run(request).await,
    }
}

/// 128 random bits as hex, from the operating system's generator.
#[must_use]
pub fn random_secret() -> String {
    format!("{:032x}", rand::random::<u128>())
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn the_page_itself_is_served_to_own_hosts_only() {
        let guard = SandboxGuard::new(8080);
        for host in ["127.0.0.1:8080", "localhost:8080", "[::1]:8080", "192.168.1.20:8080"] {
            assert_eq!(guard.refusal(&Method::GET, "/", &headers(&[("host", host)])), None, "{host}");
        }
        for host in ["evil.example:8080", "127.0.0.1:9090", "", "127.0.0.1"] {
            assert!(guard.refusal(&Method::GET, "/", &headers(&[("host", host)])).is_some(), "{host}");
        }
    }

    #[test]
    fn control_requests_need_the_key_json_and_no_foreign_origin() {
        let guard = SandboxGuard::new(8080);
        let key = guard.key().to_owned();
        let good = [("host", "127.0.0.1:8080"), (KEY_HEADER, key.as_str()), ("content-type", "application/json")];
        assert_eq!(guard.refusal(&Method::POST, "/control/users/1/messages", &headers(&good)), None);
        let same_origin = [good[0], good[1], good[2], ("origin", "http://127.0.0.1:8080")];
        assert_eq!(guard.refusal(&Method::POST, "/control/users/1/messages", &headers(&same_origin)), None);

        let foreign = [good[0], good[1], good[2], ("origin", "https://evil.example")];
        let text_plain = [good[0], good[1], ("content-type", "text/plain")];
        let no_key = [good[0], good[2]];
        let wrong_key = [good[0], (KEY_HEADER, "0000"), good[2]];
        for case in [&foreign[..], &text_plain[..], &no_key[..], &wrong_key[..]] {
            assert!(guard.refusal(&Method::POST, "/control/users/1/messages", &headers(case)).is_some(), "{case:?}");
        }
    }

    #[test]
    fn keys_differ_between_runs() {
        assert_ne!(SandboxGuard::new(1).key(), SandboxGuard::new(1).key());
        assert_eq!(random_secret().len(), 32);
    }
}
