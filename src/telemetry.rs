//! Logging: one tracing subscriber, filtered by `RUST_LOG` (default `info`), written to stderr (in colour only when
//! stderr is a terminal: a log file or a pipe gets plain text), with every registered secret scrubbed from every line.
//!
//! Secrets (the bot token, the database password) are registered with [`hide`] as soon as the settings are read.
//! Whatever prints later — a log line carrying a Telegram error that echoes the request path, a start-up error with
//! a server's response body — goes through [`scrub`], so a secret cannot reach a terminal or a log file.

use std::{
    borrow::Cow,
    io::{self, Write},
    sync::RwLock,
};

use tracing_subscriber::{EnvFilter, fmt, fmt::MakeWriter};

/// What replaces a secret in output.
pub const REDACTED: &str = "[redacted]";

static SECRETS: RwLock<Vec<String>> = RwLock::new(Vec::new());

/// Installs the global subscriber; a second call is a no-op.
pub fn init(default_filter: &str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter));
    let _ = fmt()
        .with_env_filter(filter)
        .with_writer(ScrubbedStderr)
        .with_ansi(io::IsTerminal::is_terminal(&io::stderr()))
        .with_target(false)
        .try_init();
}

/// Registers a secret to scrub from all output. A bot token's secret part (after `:`) is registered too, since
/// a server may echo it alone. Values too short to be secrets are ignored (they would mangle ordinary text).
pub fn hide(secret: &str) {
    let mut parts = vec![secret];
    if let Some((_, tail)) = secret.split_once(':') {
        parts.push(tail);
    }
    let mut secrets = SECRETS.write().unwrap_or_else(std::sync::PoisonError::into_inner);
    for part in parts {
        if part.len() >= 6 && !secrets.iter().any(|known| known == part) {
            secrets.push(part.to_owned());
        }
    }
    // Longest first, so a token is replaced whole before its tail is looked for.
    secrets.sort_by_key(|secret| std::cmp::Reverse(secret.len()));
}

/// Registers several secrets (see [`hide`]).
pub fn hide_all(secrets: &[String]) {
    secrets.iter().for_each(|secret| hide(secret));
}

/// `text` with every registered secret (also in its URL-encoded form) replaced by [`REDACTED`].
#[must_use]
pub fn scrub(text: &str) -> Cow<'_, str> {
    let secrets = SECRETS.read().unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut out = Cow::Borrowed(text);
    for secret in secrets.iter() {
        let encoded = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect::<String>();
        for form in [secret.as_str(), encoded.as_str()] {
            if out.contains(form) {
                out = Cow::Owned(out.replace(form, REDACTED));
            }
        }
    }
    out
}

/// Standard error, through [`scrub`]. The formatter writes each event in one call, so a secret is never split
/// across two writes.
struct ScrubbedStderr;

impl<'a> MakeWriter<'a> for ScrubbedStderr {
    type Writer = Self;

    fn make_writer(&'a self) -> Self::Writer {
        Self
    }
}

impl Write for ScrubbedStderr {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        io::stderr().write_all(scrub(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        io::stderr().flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registered_secrets_and_token_tails_are_scrubbed() {
        hide("123456:AAHsecretTOKENvalue");
        let line = "GET /bot123456:AAHsecretTOKENvalue/GetMe and AAHsecretTOKENvalue alone";
        let scrubbed = scrub(line);
        assert!(!scrubbed.contains("AAHsecretTOKENvalue"), "{scrubbed}");
        assert_eq!(scrubbed, "GET /bot[redacted]/GetMe and [redacted] alone");
    }

    #[test]
    fn url_encoded_secrets_are_scrubbed_too() {
        hide("p@ss w0rd!");
        assert_eq!(scrub("password=p%40ss+w0rd%21&x=1"), "password=[redacted]&x=1");
    }
}
