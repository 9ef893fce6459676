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
    pub server: ServerSettings,
}

/// The HTTP server (health, readiness, metrics) and how updates arrive.
#[derive(Debug, Clone, Default)]
pub struct ServerSettings {
    /// Where the HTTP server listens (`ACCEL_LISTEN`, default `127.0.0.1:8443`; port 0 picks one); `None` runs no
    /// server (the sandbox, most tests).
    pub listen: Option<std::net::SocketAddr>,
    /// Webhook mode when set; long polling otherwise.
    pub webhook: Option<WebhookSettings>,
}

impl ServerSettings {
    pub const DEFAULT_LISTEN: &'static str = "127.0.0.1:8443";

    fn from_source(source: &impl Source) -> Result<Self, ConfigError> {
        let raw = source.get("ACCEL_LISTEN").unwrap_or_else(|| Self::DEFAULT_LISTEN.to_owned());
        let listen = raw.trim().parse().map_err(|_| {
            ConfigError::invalid("ACCEL_LISTEN", "an address and port such as 127.0.0.1:8443 or [::]:8443", &raw)
        })?;
        let webhook = match source.get("ACCEL_WEBHOOK_URL") {
            None => None,
            Some(raw) => {
                let url = Url::parse(raw.trim())
                    .ok()
                    .filter(|url| matches!(url.scheme(), "http" | "https") && url.host_str().is_some())
                    .ok_or_else(|| {
                        ConfigError::invalid(
                            "ACCEL_WEBHOOK_URL",
                            "the public https URL Telegram posts updates to, e.g. https://bot.example.org/telegram",
                            &raw,
                        )
                    })?;
                let secret = source.get("ACCEL_WEBHOOK_SECRET").ok_or(ConfigError::MissingWebhookSecret)?;
                Some(WebhookSettings { url, secret: WebhookSecret::parse(secret.trim())? })
            }
        };
        Ok(Self { listen: Some(listen), webhook })
    }
}

/// Telegram posts updates to `url` with `secret` in the `X-Telegram-Bot-Api-Secret-Token` header.
#[derive(Debug, Clone)]
pub struct WebhookSettings {
    pub url: Url,
    pub secret: WebhookSecret,
}

/// The webhook's shared secret (`ACCEL_WEBHOOK_SECRET`): 1 to 256 characters among `A-Z a-z 0-9 _ -`, as Telegram
/// requires. Never printed.
#[derive(Clone)]
pub struct WebhookSecret(String);

impl WebhookSecret {
    pub fn parse(raw: &str) -> Result<Self, ConfigError> {
        let valid =
            (1..=256).contains(&raw.len()) && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if !valid {
            return Err(ConfigError::invalid(
                "ACCEL_WEBHOOK_SECRET",
                "1 to 256 characters among A-Z, a-z, 0-9, _ and - (e.g. from `openssl rand -hex 32`; value hidden)",
                "[redacted]",
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    /// The secret itself, for the one place that hands it to teloxide.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookSecret([redacted])")
    }
}

#[derive(Debug, Clone)]
pub struct TelegramSettings {
    pub token: BotToken,
    /// Another Bot API server (a local `telegram-bot-api`, or the emulator); `None` means api.telegram.org.
    pub api_url: Option<Url>,
}

/// Telegram user ids given elevated roles by the operator: they seed the database at start-up (`crate::roles`).
#[derive(Debug, Clone, Default)]
pub struct RoleSettings {
    pub admins: Vec<UserId>,
    pub trainers: Vec<UserId>,
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
            Some(Backend::Sqlite) if url.sqlite_path().is_none() => Err(ConfigError::invalid(
                "DATABASE_URL",
                "a SQLite file path such as sqlite://accelerateur.db (an empty path or :memory: would keep nothing)",
                &url.redacted(),
            )),
            Some(_) => Ok(url),
            None => Err(ConfigError::invalid(
                "DATABASE_URL",
                "a URL starting with sqlite:// or postgres:// (e.g. sqlite://accelerateur.db)",
                &url.redacted(),
            )),
        }
    }

    /// The file of a SQLite URL; `None` when it names none (`sqlite://`, `sqlite::memory:`, `mode=memory`) or is
    /// not a SQLite URL.
    #[must_use]
    pub fn sqlite_path(&self) -> Option<&str> {
        if self.backend() != Some(Backend::Sqlite) {
            return None;
        }
        let rest = self.0.split_once(':').map(|(_, rest)| rest)?;
        let rest = rest.strip_prefix("//").unwrap_or(rest);
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        let in_memory = path == ":memory:" || query.split('&').any(|pair| pair.eq_ignore_ascii_case("mode=memory"));
        (!path.trim().is_empty() && !in_memory).then_some(path)
    }

    /// The password inside the URL, if any (user info or a `password=` query parameter), to scrub from output.
    #[must_use]
    pub fn password(&self) -> Option<String> {
        let url = Url::parse(&self.0).ok()?;
        let from_query = url.query_pairs().find(|(key, _)| is_password_key(key)).map(|(_, value)| value.into_owned());
        let from_user_info = url.password().map(percent_decode);
        from_user_info.or(from_query).filter(|p| !p.is_empty())
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

    /// The URL with any password replaced by `***`: in the user info, in a `password=` (or `pass`, `pwd`,
    /// `sslpassword`) query parameter; a URL too malformed to parse shows only its scheme.
    #[must_use]
    pub fn redacted(&self) -> String {
        let Ok(mut url) = Url::parse(&self.0) else {
            let scheme = self.0.split_once(':').map_or("", |(scheme, _)| scheme);
            return format!("{scheme}:[unparsable URL hidden]");
        };
        if url.password().is_some() {
            let _ = url.set_password(Some("***"));
        }
        if url.query_pairs().any(|(key, _)| is_password_key(&key)) {
            let pairs: Vec<(String, String)> = url
                .query_pairs()
                .map(|(key, value)| {
                    let value = if is_password_key(&key) { "***".to_owned() } else { value.into_owned() };
                    (key.into_owned(), value)
                })
                .collect();
            url.query_pairs_mut().clear().extend_pairs(pairs);
        }
        url.to_string()
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

fn is_password_key(key: &str) -> bool {
    ["password", "pass", "pwd", "sslpassword"].iter().any(|name| key.eq_ignore_ascii_case(name))
}

fn percent_decode(text: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", text.replace('+', "%2B")).as_bytes())
        .next()
        .map_or_else(|| text.to_owned(), |(_, value)| value.into_owned())
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
    #[error(
        "ACCEL_WEBHOOK_SECRET is not set: webhook mode (ACCEL_WEBHOOK_URL) needs a secret Telegram sends back with every update, e.g. export ACCEL_WEBHOOK_SECRET=$(openssl rand -hex 32)"
    )]
    MissingWebhookSecret,
    #[error("the .env file in the working directory is malformed: {0} (fix or remove it; real variables win over it)")]
    MalformedDotenv(String),
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
    /// Reads `.env` if there is one; a file that exists but does not parse is an error, not silently skipped.
    pub fn load() -> Result<Self, ConfigError> {
        match dotenvy::dotenv() {
            Ok(_) => Ok(Self),
            Err(error) if error.not_found() => Ok(Self),
            Err(error) => Err(ConfigError::MalformedDotenv(dotenv_problem(&error))),
        }
    }
}

/// Where a `.env` file is wrong, without echoing its text (a value may be a secret).
fn dotenv_problem(error: &dotenvy::Error) -> String {
    match error {
        dotenvy::Error::LineParse(line, _) => {
            let number = std::fs::read_to_string(".env")
                .ok()
                .and_then(|text| text.lines().position(|l| l.contains(line.as_str()) || line.contains(l.trim())));
            match number {
                Some(index) => format!("line {} cannot be parsed", index + 1),
                None => "a line cannot be parsed".to_owned(),
            }
        }
        dotenvy::Error::Io(io) => format!("cannot read it ({})", io.kind()),
        _ => "it cannot be parsed".to_owned(),
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
    /// `ACCEL_FAQ_DIR`: a content directory (FAQ, curriculum, lexicon) imported into an empty database at start-up
    /// instead of the content embedded in the binary; the default directory of the `faq` tools (else `faq`).
    pub faq_dir: Option<PathBuf>,
    /// Base URL that curriculum module paths are appended to.
    pub course_url: Url,
    /// Where merchants join the live webinar (a video-conference room), if the operator has one.
    pub webinar_url: Option<Url>,
    /// When webinar reminders leave on a default day (`ACCEL_REMINDER_TIME`, local time, at most the session's
    /// 10:00 start); a special session's reminder leaves as long before its own start.
    pub reminder_time: jiff::civil::Time,
    pub delivery: DeliverySettings,
    /// How long questions are kept, in days (`ACCEL_QUESTION_RETENTION_DAYS`, default 180); older ones are purged
    /// daily.
    pub question_retention_days: u32,
}

/// How the delivery worker drains the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliverySettings {
    /// Messages per second the worker may send (`ACCEL_SEND_RATE`); the rest of Telegram's ~30/s is left to
    /// direct replies.
    pub rate: std::num::NonZeroU32,
    /// Transient failures (5xx, timeouts) before a delivery is recorded as failed (`ACCEL_SEND_MAX_ATTEMPTS`).
    pub max_attempts: u32,
    /// How long a claimed delivery stays reserved to its worker (`ACCEL_DELIVERY_LEASE_SECS`); after a crash,
    /// it is sent again once this has passed.
    pub lease_secs: i64,
    /// Deliveries claimed at once; also the most that can be sent twice after a crash (`ACCEL_DELIVERY_BATCH`).
    pub batch: u32,
    /// Run the worker and the reminder scheduler in the background (tests drive them by hand instead).
    pub background: bool,
    /// How many replicas share the bot's Telegram budget (`ACCEL_REPLICAS`): each takes an equal share of the
    /// delivery rate and of the replies' rate.
    pub replicas: std::num::NonZeroU32,
    /// Direct replies per second for the whole bot (`ACCEL_REPLY_RATE`); `None`: what the delivery rate leaves of
    /// Telegram's ~30/s, minus [`Self::SAFETY_MARGIN`]. Above that only makes sense against the emulator (load benchmarks).
    pub reply_rate: Option<u32>,
}

impl DeliverySettings {
    /// Telegram allows about 30 messages per second per bot.
    pub const TELEGRAM_RATE: u32 = 30;
    /// Messages per second left unused by default: replies and deliveries (two `telegram::pacer::Pacer`s) keep to
    /// their own buckets, so at full load both together can put a 31st message into Telegram's
    /// one-second window; two spare messages absorb that (measured with `load_bench --real-limits`).
    pub const SAFETY_MARGIN: u32 = 2;
    /// Above [`Self::TELEGRAM_RATE`] Telegram answers 429: higher rates only make sense against the emulator
    /// (crash tests, benchmarks), and start-up warns about them.
    pub const MAX_RATE: u32 = 1000;

    fn from_source(source: &impl Source) -> Result<Self, ConfigError> {
        let rate = parse_number(
            source,
            "ACCEL_SEND_RATE",
            20,
            1..=Self::MAX_RATE,
            "messages per second, 1 to 1000 (Telegram allows about 30)",
        )?;
        let max_attempts =
            parse_number(source, "ACCEL_SEND_MAX_ATTEMPTS", 8, 1..=100, "a number of attempts, 1 to 100")?;
        let lease_secs = parse_number(source, "ACCEL_DELIVERY_LEASE_SECS", 60, 2..=3600, "seconds, 2 to 3600")?;
        let batch = parse_number(source, "ACCEL_DELIVERY_BATCH", 16, 1..=500, "a batch size, 1 to 500")?;
        let replicas = parse_number(source, "ACCEL_REPLICAS", 1, 1..=64, "a number of replicas, 1 to 64")?;
        let reply_rate = match source.get("ACCEL_REPLY_RATE") {
            None => None,
            Some(_) => Some(parse_number(
                source,
                "ACCEL_REPLY_RATE",
                0,
                1..=100_000,
                "replies per second, 1 to 100000 (Telegram allows about 30 in all)",
            )?),
        };
        Ok(Self {
            rate: std::num::NonZeroU32::new(rate).unwrap_or(std::num::NonZeroU32::MIN),
            max_attempts,
            lease_secs: i64::from(lease_secs),
            batch,
            background: true,
            replicas: std::num::NonZeroU32::new(replicas).unwrap_or(std::num::NonZeroU32::MIN),
            reply_rate,
        })
    }

    /// The share of Telegram's budget left to direct replies, for this replica (at least one message per second).
    #[must_use]
    pub fn reply_rate(&self) -> u32 {
        let whole_bot = self
            .reply_rate
            .unwrap_or_else(|| (Self::TELEGRAM_RATE - Self::SAFETY_MARGIN).saturating_sub(self.rate.get()));
        (whole_bot / self.replicas.get()).max(1)
    }

    /// This replica's share of the delivery rate (at least one message per second).
    #[must_use]
    pub fn replica_rate(&self) -> std::num::NonZeroU32 {
        std::num::NonZeroU32::new(self.rate.get() / self.replicas.get()).unwrap_or(std::num::NonZeroU32::MIN)
    }
}

fn parse_number(
    source: &impl Source,
    variable: &'static str,
    default: u32,
    range: std::ops::RangeInclusive<u32>,
    expected: &'static str,
) -> Result<u32, ConfigError> {
    match source.get(variable) {
        None => Ok(default),
        Some(raw) => raw
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|value| range.contains(value))
            .ok_or_else(|| ConfigError::invalid(variable, expected, &raw)),
    }
}

impl CommonSettings {
    /// The secret values in these settings (the database password), for [`crate::telemetry::hide`].
    #[must_use]
    pub fn secrets(&self) -> Vec<String> {
        self.database.password().into_iter().collect()
    }

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
        let faq_dir = source.get("ACCEL_FAQ_DIR").filter(|dir| !dir.trim().is_empty()).map(PathBuf::from);
        let course_url = parse_base_url(source.get("ACCEL_COURSE_URL"))?;
        let webinar_url = match source.get("ACCEL_WEBINAR_URL") {
            None => None,
            Some(raw) => Some(parse_http_url(&raw).ok_or_else(|| {
                ConfigError::invalid("ACCEL_WEBINAR_URL", "an http(s) URL of the live webinar room", &raw)
            })?),
        };
        let reminder_time = parse_reminder_time(source.get("ACCEL_REMINDER_TIME"))?;
        let delivery = DeliverySettings::from_source(source)?;
        let question_retention_days =
            parse_number(source, "ACCEL_QUESTION_RETENTION_DAYS", 180, 1..=3650, "a number of days, 1 to 3650")?;
        Ok(Self {
            database,
            roles,
            timezone,
            faq_dir,
            course_url,
            webinar_url,
            reminder_time,
            delivery,
            question_retention_days,
        })
    }
}

/// Default base URL of the course platform (see README): an operator points it at their own.
pub const DEFAULT_COURSE_URL: &str = "https://formation.accelerateur.example/parcours/";

/// `HH:MM`, from midnight to the session's start; unset means the session's start.
fn parse_reminder_time(raw: Option<String>) -> Result<jiff::civil::Time, ConfigError> {
    let start = crate::webinar::default_start();
    let Some(raw) = raw else { return Ok(start) };
    jiff::civil::Time::strptime("%H:%M", raw.trim()).ok().filter(|time| *time <= start).ok_or_else(|| {
        ConfigError::invalid("ACCEL_REMINDER_TIME", "a local time HH:MM no later than 10:00, e.g. 09:45", &raw)
    })
}

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
    /// The secret values in these settings, for [`crate::telemetry::hide`].
    #[must_use]
    pub fn secrets(&self) -> Vec<String> {
        let mut secrets = self.common.secrets();
        secrets.push(self.telegram.token.expose().to_owned());
        secrets.extend(self.server.webhook.as_ref().map(|webhook| webhook.secret.expose().to_owned()));
        secrets
    }

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
        let server = ServerSettings::from_source(source)?;
        Ok(Self { server, ..Self::with_common(common, TelegramSettings { token: BotToken::new(token), api_url }) })
    }

    /// Settings without an HTTP server, in long polling mode (the sandbox, tests).
    #[must_use]
    pub fn with_common(common: CommonSettings, telegram: TelegramSettings) -> Self {
        Self { telegram, common, server: ServerSettings::default() }
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
        let error = Settings::from_source(&[("DATABASE_URL", "sqlite://bot.db")]).unwrap_err();
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
    }

    #[test]
    fn the_token_never_shows_in_debug_or_errors() {
        let settings = Settings::from_source(&[("TELOXIDE_TOKEN", "123:SECRET")]).unwrap();
        assert!(!format!("{settings:?}").contains("SECRET"));
        let error = Settings::from_source(&[("TELOXIDE_TOKEN", "SECRET with space")]).unwrap_err();
        assert!(!error.to_string().contains("SECRET"));
    }

    #[test]
    fn the_send_rate_leaves_room_for_replies_and_is_bounded() {
        let common = CommonSettings::from_source(&[]).unwrap();
        assert_eq!((common.delivery.rate.get(), common.delivery.reply_rate()), (20, 8));
        for raw in ["0", "1001", "fast"] {
            let error = CommonSettings::from_source(&[("ACCEL_SEND_RATE", raw)]).unwrap_err();
            assert!(error.to_string().starts_with("ACCEL_SEND_RATE is invalid"), "{error}");
        }
        for raw in ["28", "30", "200"] {
            let common = CommonSettings::from_source(&[("ACCEL_SEND_RATE", raw)]).unwrap();
            assert_eq!(common.delivery.reply_rate(), 1, "replies keep one message per second");
        }
    }

    #[test]
    fn reminders_leave_at_the_session_start_unless_set_earlier() {
        let start = jiff::civil::Time::constant(10, 0, 0, 0);
        assert_eq!(CommonSettings::from_source(&[]).unwrap().reminder_time, start);
        let early = CommonSettings::from_source(&[("ACCEL_REMINDER_TIME", "09:45")]).unwrap();
        assert_eq!(early.reminder_time, jiff::civil::Time::constant(9, 45, 0, 0));
        for raw in ["10:30", "9h", "25:00"] {
            let error = CommonSettings::from_source(&[("ACCEL_REMINDER_TIME", raw)]).unwrap_err();
            assert!(error.to_string().starts_with("ACCEL_REMINDER_TIME is invalid"), "{error}");
        }
    }

    #[test]
    fn the_http_server_listens_on_localhost_and_polling_is_the_default() {
        let settings = Settings::from_source(&[("TELOXIDE_TOKEN", "123:abc")]).unwrap();
        assert_eq!(settings.server.listen, Some("127.0.0.1:8443".parse().unwrap()));
        assert!(settings.server.webhook.is_none());
        let error = Settings::from_source(&[("TELOXIDE_TOKEN", "123:abc"), ("ACCEL_LISTEN", "8443")]).unwrap_err();
        assert!(error.to_string().starts_with("ACCEL_LISTEN is invalid"), "{error}");
    }

    #[test]
    fn webhook_mode_requires_a_valid_secret_that_never_shows() {
        let url = ("ACCEL_WEBHOOK_URL", "https://bot.example.org/telegram");
        let error = Settings::from_source(&[("TELOXIDE_TOKEN", "123:abc"), url]).unwrap_err();
        assert_eq!(error, ConfigError::MissingWebhookSecret);
        let bad = ("ACCEL_WEBHOOK_SECRET", "not secret!");
        let error = Settings::from_source(&[("TELOXIDE_TOKEN", "123:abc"), url, bad]).unwrap_err();
        assert!(
            error.to_string().starts_with("ACCEL_WEBHOOK_SECRET is invalid")
                && !error.to_string().contains("not secret")
        );
        let good = ("ACCEL_WEBHOOK_SECRET", "s3cret-Webhook_value");
        let settings = Settings::from_source(&[("TELOXIDE_TOKEN", "123:abc"), url, good]).unwrap();
        let webhook = settings.server.webhook.as_ref().unwrap();
        assert_eq!(webhook.url.path(), "/telegram");
        assert!(!format!("{settings:?}").contains("s3cret"));
        assert!(settings.secrets().contains(&"s3cret-Webhook_value".to_owned()));
    }

    #[test]
    fn replicas_share_the_budget_equally() {
        let common = CommonSettings::from_source(&[("ACCEL_REPLICAS", "2"), ("ACCEL_SEND_RATE", "20")]).unwrap();
        assert_eq!((common.delivery.replica_rate().get(), common.delivery.reply_rate()), (10, 4));
        let single = CommonSettings::from_source(&[]).unwrap();
        assert_eq!(single.delivery.replica_rate(), single.delivery.rate);
        let fast = CommonSettings::from_source(&[("ACCEL_REPLICAS", "2"), ("ACCEL_REPLY_RATE", "1000")]).unwrap();
        assert_eq!(fast.delivery.reply_rate(), 500);
        let error = CommonSettings::from_source(&[("ACCEL_REPLICAS", "0")]).unwrap_err();
        assert!(error.to_string().starts_with("ACCEL_REPLICAS is invalid"), "{error}");
    }

    #[test]
    fn database_passwords_are_masked() {
        let url = DatabaseUrl::parse("postgres://bot:hunter2@db/accel").unwrap();
        assert!(!format!("{url:?} {url}").contains("hunter2"));
        assert_eq!(url.backend(), Some(Backend::Postgres));
    }

    #[test]
    fn every_form_of_database_password_is_masked() {
        for raw in [
            "postgres://bot:hunter2@db/accel",
            "postgres://bot@db/accel?password=hunter2",
            "postgresql://db/accel?sslmode=require&PASSWORD=hunter2",
            "postgres://bot:hun%40ter2@db/accel",
            "postgres://bot:hunter2@db:notaport/accel",
        ] {
            let url = DatabaseUrl::parse(raw).unwrap();
            let shown = format!("{url:?} {url} {}", url.redacted());
            assert!(!shown.contains("hunter2") && !shown.contains("hun%40ter2"), "{shown}");
        }
        assert_eq!(
            DatabaseUrl::parse("postgres://bot:hun%40ter2@db/a").unwrap().password().as_deref(),
            Some("hun@ter2")
        );
        assert_eq!(DatabaseUrl::parse("postgres://db/a?password=x%20y").unwrap().password().as_deref(), Some("x y"));
    }

    #[test]
    fn sqlite_urls_must_name_a_file() {
        for raw in ["sqlite://", "sqlite:", "sqlite::memory:", "sqlite://x.db?mode=memory", "sqlite://  "] {
            let error = DatabaseUrl::parse(raw).unwrap_err();
            assert!(error.to_string().starts_with("DATABASE_URL is invalid"), "{raw}: {error}");
        }
        assert_eq!(DatabaseUrl::parse("sqlite://data/bot.db?mode=rwc").unwrap().sqlite_path(), Some("data/bot.db"));
        assert_eq!(DatabaseUrl::parse("sqlite:bot.db").unwrap().sqlite_path(), Some("bot.db"));
        assert_eq!(DatabaseUrl::parse("postgres://u@localhost/db").unwrap().sqlite_path(), None);
    }

    #[test]
    fn unknown_database_schemes_and_time_zones_are_rejected() {
        let error = CommonSettings::from_source(&[("DATABASE_URL", "mysql://x")]).unwrap_err();
        assert!(error.to_string().starts_with("DATABASE_URL is invalid"));
        let error = CommonSettings::from_source(&[("ACCEL_TIMEZONE", "Mars/Olympus")]).unwrap_err();
        assert!(error.to_string().starts_with("ACCEL_TIMEZONE is invalid"));
    }
}
