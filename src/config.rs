//! Typed configuration, read once from the environment (and an optional `.env` file).
//!
//! [`Settings`] is the one place where a knob gets its name, its type and its default. Resolution fails with a
//! [`ConfigError`] that names the variable and what it expects; `main` prints it on one line and exits with code 2.
//! Secrets ([`BotToken`], passwords inside [`DatabaseUrl`]) are redacted in every `Debug` and `Display`.

use std::{fmt, path::PathBuf};

use teloxide::types::UserId;
use url::Url;

/// Everything the running bot needs to know about its environment.
#[derive(Debug, Clone)]
pub struct Settings {
    pub telegram: TelegramSettings,
    pub common: CommonSettings,
}

#[derive(Debug, Clone)]
pub struct TelegramSettings {
    pub token: BotToken,
    /// Another Bot API server (a local `telegram-bot-api`, or the emulator); `None` means api.telegram.org.
    pub api_url: Option<Url>,
}

/// Telegram user ids given elevated roles by the operator.
#[derive(Debug, Clone, Default)]
pub struct RoleSettings {
    pub admins: Vec<UserId>,
    pub trainers: Vec<UserId>,
}

impl RoleSettings {
    /// Trainers, then admins who are not also trainers.
    #[must_use]
    pub fn staff(&self) -> Vec<UserId> {
        let mut staff = self.trainers.clone();
        staff.extend(self.admins.iter().filter(|id| !self.trainers.contains(id)));
        staff
    }
}

/// The bot token. Never printed.
#[derive(Clone)]
pub struct BotToken(String);

impl BotToken {
    #[must_use]
    pub fn new(token: impl Into<String>) -> Self {
        Self(token.into())
    }

    /// The secret itself, for the one place that hands it to teloxide.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for BotToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BotToken([redacted])")
    }
}

/// A `DATABASE_URL`; its password is masked when shown.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

/// The database engine, chosen by the URL scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl DatabaseUrl {
    pub const DEFAULT: &'static str = "sqlite://accelerateur.db";

    pub fn parse(raw: &str) -> Result<Self, ConfigError> {
        let url = Self(raw.trim().to_owned());
        match url.backend() {
            Some(_) => Ok(url),
            None => Err(ConfigError::invalid(
                "DATABASE_URL",
                "a URL starting with sqlite:// or postgres:// (e.g. sqlite://accelerateur.db)",
                &url.redacted(),
            )),
        }
    }

    #[must_use]
    pub fn backend(&self) -> Option<Backend> {
        let lower = self.0.to_ascii_lowercase();
        if lower.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }

    /// The URL with its secret, for the one place that connects.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The URL with any password replaced by `***`.
    #[must_use]
    pub fn redacted(&self) -> String {
        match Url::parse(&self.0) {
            Ok(mut url) if url.password().is_some() => {
                let _ = url.set_password(Some("***"));
                url.to_string()
            }
            _ => self.0.clone(),
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({})", self.redacted())
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// A configuration problem an operator can fix; displayed as one English line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "TELOXIDE_TOKEN is not set: create a bot with @BotFather in Telegram (/newbot), then export TELOXIDE_TOKEN=<the token it gives you>, or run `accelerateur sandbox` to try the bot without Telegram"
    )]
    MissingToken,
    #[error("{variable} is invalid: expected {expected}, got {got:?}")]
    Invalid { variable: &'static str, expected: &'static str, got: String },
}

impl ConfigError {
    fn invalid(variable: &'static str, expected: &'static str, got: &str) -> Self {
        Self::Invalid { variable, expected, got: got.to_owned() }
    }
}

/// Where configuration values come from: the process environment in production, a map in tests.
pub trait Source {
    fn get(&self, name: &str) -> Option<String>;
}

/// The process environment, after loading `.env` (if present) without overriding real variables.
pub struct Environment;

impl Environment {
    #[must_use]
    pub fn load() -> Self {
        let _ = dotenvy::dotenv();
        Self
    }
}

impl Source for Environment {
    fn get(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|value| !value.trim().is_empty())
    }
}

impl<const N: usize> Source for [(&str, &str); N] {
    fn get(&self, name: &str) -> Option<String> {
        self.iter().find(|(key, _)| *key == name).map(|(_, value)| (*value).to_owned())
    }
}

/// The settings that do not involve the Telegram connection (enough for `migrate`, `faq`, `sandbox`); handlers
/// receive them as [`crate::startup::BotSettings`].
#[derive(Debug, Clone)]
pub struct CommonSettings {
    pub database: DatabaseUrl,
    pub roles: RoleSettings,
    pub timezone: jiff::tz::TimeZone,
    /// Directory holding the FAQ, the curriculum and the matcher's lexicon.
    pub faq_dir: PathBuf,
    /// Base URL that curriculum module paths are appended to.
    pub course_url: Url,
    /// Where merchants join the live webinar (a video-conference room), if the operator has one.
    pub webinar_url: Option<Url>,
}

impl CommonSettings {
    pub fn from_source(source: &impl Source) -> Result<Self, ConfigError> {
        let database =
            DatabaseUrl::parse(&source.get("DATABASE_URL").unwrap_or_else(|| DatabaseUrl::DEFAULT.to_owned()))?;
        let roles = RoleSettings {
            admins: parse_user_ids("ACCEL_ADMINS", source.get("ACCEL_ADMINS").as_deref())?,
            trainers: parse_user_ids("ACCEL_TRAINERS", source.get("ACCEL_TRAINERS").as_deref())?,
        };
        let tz_name = source.get("ACCEL_TIMEZONE").unwrap_or_else(|| "Europe/Paris".to_owned());
        let timezone = jiff::tz::TimeZone::get(tz_name.trim()).map_err(|_| {
            ConfigError::invalid("ACCEL_TIMEZONE", "an IANA time zone name such as Europe/Paris", &tz_name)
        })?;
        let faq_dir = PathBuf::from(source.get("ACCEL_FAQ_DIR").unwrap_or_else(|| "faq".to_owned()));
        let course_url = parse_base_url(source.get("ACCEL_COURSE_URL"))?;
        let webinar_url = match source.get("ACCEL_WEBINAR_URL") {
            None => None,
            Some(raw) => Some(parse_http_url(&raw).ok_or_else(|| {
                ConfigError::invalid("ACCEL_WEBINAR_URL", "an http(s) URL of the live webinar room", &raw)
            })?),
        };
        Ok(Self { database, roles, timezone, faq_dir, course_url, webinar_url })
    }
}

/// Default base URL of the course platform (see README): an operator points it at their own.
pub const DEFAULT_COURSE_URL: &str = "https://formation.accelerateur.example/parcours/";

fn parse_http_url(raw: &str) -> Option<Url> {
    Url::parse(raw.trim()).ok().filter(|url| matches!(url.scheme(), "http" | "https"))
}

fn parse_base_url(raw: Option<String>) -> Result<Url, ConfigError> {
    let raw = raw.unwrap_or_else(|| DEFAULT_COURSE_URL.to_owned());
    let mut url =
        Url::parse(raw.trim()).ok().filter(|url| matches!(url.scheme(), "http" | "https")).ok_or_else(|| {
            ConfigError::invalid(
                "ACCEL_COURSE_URL",
                "an http(s) URL such as https://formation.example.org/parcours/",
                &raw,
            )
        })?;
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

impl Settings {
    pub fn from_source(source: &impl Source) -> Result<Self, ConfigError> {
        let common = CommonSettings::from_source(source)?;
        let token = source.get("TELOXIDE_TOKEN").ok_or(ConfigError::MissingToken)?;
        if token.chars().any(char::is_whitespace) || !token.contains(':') {
            return Err(ConfigError::invalid(
                "TELOXIDE_TOKEN",
                "a token from @BotFather, shaped like 123456789:AA... (value hidden)",
                "[redacted]",
            ));
        }
        let api_url = match source.get("TELOXIDE_API_URL") {
            None => None,
            Some(raw) => {
                Some(Url::parse(raw.trim()).ok().filter(|url| matches!(url.scheme(), "http" | "https")).ok_or_else(
                    || ConfigError::invalid("TELOXIDE_API_URL", "an http(s) URL of a Bot API server", &raw),
                )?)
            }
        };
        Ok(Self::with_common(common, TelegramSettings { token: BotToken::new(token), api_url }))
    }

    #[must_use]
    pub fn with_common(common: CommonSettings, telegram: TelegramSettings) -> Self {
        Self { telegram, common }
    }
}

fn parse_user_ids(variable: &'static str, raw: Option<&str>) -> Result<Vec<UserId>, ConfigError> {
    let Some(raw) = raw else { return Ok(Vec::new()) };
    raw.split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| {
            part.parse::<u64>().ok().filter(|id| *id > 0).map(UserId).ok_or_else(|| {
                ConfigError::invalid(variable, "comma-separated numeric Telegram user ids, e.g. 12345,67890", raw)
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_token_says_how_to_get_one() {
        let error = Settings::from_source(&[("DATABASE_URL", "sqlite::memory:")]).unwrap_err();
        assert_eq!(error, ConfigError::MissingToken);
        assert!(error.to_string().contains("TELOXIDE_TOKEN") && error.to_string().contains("@BotFather"));
    }

    #[test]
    fn defaults_are_sqlite_paris_and_no_roles() {
        let settings = Settings::from_source(&[("TELOXIDE_TOKEN", "123:abc")]).unwrap();
        let common = &settings.common;
        assert_eq!(common.database.expose(), DatabaseUrl::DEFAULT);
        assert_eq!(common.timezone.iana_name(), Some("Europe/Paris"));
        assert!(common.roles.admins.is_empty() && common.roles.trainers.is_empty());
        assert_eq!(common.course_url.as_str(), DEFAULT_COURSE_URL);
        assert_eq!(common.webinar_url, None);
    }

    #[test]
    fn malformed_admin_ids_name_the_variable() {
        let error = Settings::from_source(&[("TELOXIDE_TOKEN", "123:abc"), ("ACCEL_ADMINS", "12,abc")]).unwrap_err();
        assert!(error.to_string().starts_with("ACCEL_ADMINS is invalid"), "{error}");
    }

    #[test]
    fn role_lists_accept_spaces_and_trailing_commas() {
        let settings =
            Settings::from_source(&[("TELOXIDE_TOKEN", "123:abc"), ("ACCEL_TRAINERS", " 12, 34 ,")]).unwrap();
        assert_eq!(settings.common.roles.trainers, vec![UserId(12), UserId(34)]);
        assert_eq!(settings.common.roles.staff(), vec![UserId(12), UserId(34)]);
    }

    #[test]
    fn the_token_never_shows_in_debug_or_errors() {
        let settings = Settings::from_source(&[("TELOXIDE_TOKEN", "123:SECRET")]).unwrap();
        assert!(!format!("{settings:?}").contains("SECRET"));
        let error = Settings::from_source(&[("TELOXIDE_TOKEN", "SECRET with space")]).unwrap_err();
        assert!(!error.to_string().contains("SECRET"));
    }

    #[test]
    fn database_passwords_are_masked() {
        let url = DatabaseUrl::parse("postgres://bot:hunter2@db/accel").unwrap();
        assert!(!format!("{url:?} {url}").contains("hunter2"));
        assert_eq!(url.backend(), Some(Backend::Postgres));
    }

    #[test]
    fn unknown_database_schemes_and_time_zones_are_rejected() {
        let error = CommonSettings::from_source(&[("DATABASE_URL", "mysql://x")]).unwrap_err();
        assert!(error.to_string().starts_with("DATABASE_URL is invalid"));
        let error = CommonSettings::from_source(&[("ACCEL_TIMEZONE", "Mars/Olympus")]).unwrap_err();
        assert!(error.to_string().starts_with("ACCEL_TIMEZONE is invalid"));
    }
}
