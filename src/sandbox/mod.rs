//! `accelerateur sandbox`: the whole bot in a browser, without a Telegram account.
//!
//! [`spawn`] starts one axum server that serves the web chat page (`/`, `/assets/*`, embedded in the binary), the
//! demo personas (`/sandbox/personas`) and, merged from [`Emulator::router`], the local Bot API (`/bot{token}/*`)
//! and its control API (`/control/*`). The real [`Application`] runs in the same process against that Bot API,
//! exactly as it would against Telegram, with its SQLite database in the data directory. The page acts as the
//! demo merchants, the trainer or the admin through the control API and shows each chat's transcript.
//!
//! [`run`] is the command: spawn, print "Sandbox ready: open …", wait for Ctrl-C, stop cleanly. The browser test
//! (`tests/browser.rs`) uses [`spawn`] on port 0.

use std::{
    future::IntoFuture,
    net::{IpAddr, Ipv4Addr, SocketAddr},
    path::PathBuf,
    time::Duration,
};

use anyhow::Context;
use axum::{
    Json, Router,
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
    routing::get,
};
use serde::Serialize;
use teloxide::types::UserId;
use tokio::{net::TcpListener, sync::oneshot, task::JoinHandle};
use tokio_util::sync::CancellationToken;
use url::Url;

mod guard;

pub use guard::{KEY_HEADER, SandboxGuard};

use crate::{
    cli::SandboxArgs,
    clock::AppClock,
    config::{BotToken, CommonSettings, ConfigError, DatabaseUrl, RoleSettings, Settings, Source, TelegramSettings},
    roles::Role,
    startup::Application,
    telegram_emulator::{EmulatedUser, Emulator, EmulatorConfig},
};

/// How long a stop waits for the bot to finish its current update before giving up on it.
const BOT_STOP_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a stop lets open requests (a page's long poll) finish before closing their connections.
const SERVER_STOP_TIMEOUT: Duration = Duration::from_secs(2);

/// Everything `accelerateur sandbox` can be told.
#[derive(Debug, Clone)]
pub struct SandboxOptions {
    pub host: IpAddr,
    /// `0` picks a free port (tests).
    pub port: u16,
    /// Holds the SQLite database (created if missing).
    pub data_dir: PathBuf,
    /// Another database instead of the one in `data_dir`.
    pub database: Option<DatabaseUrl>,
    /// Time zone, FAQ directory and course URL; its database and roles are replaced by the sandbox's.
    pub common: CommonSettings,
}

impl SandboxOptions {
    pub const DEFAULT_PORT: u16 = 8080;

    /// The defaults (127.0.0.1:8080, `./sandbox-data`) with the given common settings.
    #[must_use]
    pub fn new(common: CommonSettings) -> Self {
        Self {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: Self::DEFAULT_PORT,
            data_dir: PathBuf::from("sandbox-data"),
            database: None,
            common,
        }
    }

    /// Resolves the command line and the environment; `DATABASE_URL` is ignored unless `--database-url` is given.
    pub fn from_cli(args: &SandboxArgs, source: &impl Source) -> Result<Self, ConfigError> {
        let common = CommonSettings::from_source(&WithoutDatabaseUrl(source))?;
        let database =
            args.database_url.as_deref().map(DatabaseUrl::parse).transpose().map_err(|error| match error {
                ConfigError::Invalid { expected, got, .. } => {
                    ConfigError::Invalid { variable: "--database-url", expected, got }
                }
                other => other,
            })?;
        Ok(Self { host: args.host, port: args.port, data_dir: args.data_dir.clone(), database, common })
    }

    fn database_url(&self) -> anyhow::Result<DatabaseUrl> {
        if let Some(url) = &self.database {
            return Ok(url.clone());
        }
        let path = self.data_dir.join("sandbox.db");
        DatabaseUrl::parse(&format!("sqlite://{}", path.display())).context("invalid data directory")
    }
}

/// A [`Source`] that hides `DATABASE_URL`: the sandbox keeps its own database.
struct WithoutDatabaseUrl<'a, S>(&'a S);

impl<S> Source for WithoutDatabaseUrl<'_, S>
where
    S: Source,
{
    fn get(&self, name: &str) -> Option<String> {
        if name == "DATABASE_URL" { None } else { self.0.get(name) }
    }
}

/// A demo identity the page can act as.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Persona {
    pub id: i64,
    pub first_name: &'static str,
    /// What they are in the programme (the page shows it on the identity switch); seeded as the bot's own roles.
    pub role: Role,
    /// A word about them, shown under the name (demo data, in French).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<&'static str>,
}

/// The demo identities, in the order the page lists them.
pub const PERSONAS: [Persona; 5] = [
    Persona { id: 1001, first_name: "Camille", role: Role::Merchant, detail: Some("boulangère") },
    Persona { id: 1002, first_name: "Karim", role: Role::Merchant, detail: None },
    Persona { id: 1003, first_name: "Zoé", role: Role::Merchant, detail: None },
    Persona { id: 9002, first_name: "Nadia", role: Role::Trainer, detail: None },
    Persona { id: 9001, first_name: "Alex", role: Role::Admin, detail: None },
];

fn demo_roles() -> RoleSettings {
    let ids = |role| {
        PERSONAS.iter().filter(move |p| p.role == role).filter_map(|p| u64::try_from(p.id).ok()).map(UserId).collect()
    };
    RoleSettings { admins: ids(Role::Admin), trainers: ids(Role::Trainer) }
}

/// A sandbox running in the background; stopped by [`RunningSandbox::shutdown`] (or aborted on drop).
pub struct RunningSandbox {
    base_url: Url,
    bound: SocketAddr,
    guard: SandboxGuard,
    emulator: Emulator,
    bot_stop: CancellationToken,
    bot: Option<JoinHandle<anyhow::Result<()>>>,
    server_stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<std::io::Result<()>>>,
}

impl RunningSandbox {
    /// The page's address, such as `http://127.0.0.1:8080/`.
    #[must_use]
    pub fn base_url(&self) -> &Url {
        &self.base_url
    }

    /// The address the server listens on (a wildcard host stays a wildcard here).
    #[must_use]
    pub fn bound_address(&self) -> SocketAddr {
        self.bound
    }

    /// The per-run key the page sends with every control request (`X-Sandbox-Key`).
    #[must_use]
    pub fn key(&self) -> &str {
        self.guard.key()
    }

    /// The emulator behind the page, for tests that want to look at the Bot API side.
    #[must_use]
    pub fn emulator(&self) -> &Emulator {
        &self.emulator
    }

    /// Waits until the bot or the web server stops on its own (a crash); normally never returns.
    pub async fn stopped(&mut self) -> anyhow::Result<()> {
        let (Some(bot), Some(server)) = (self.bot.as_mut(), self.server.as_mut()) else { return Ok(()) };
        tokio::select! {
            result = bot => {
                self.bot = None;
                result.context("the bot task failed")??;
                anyhow::bail!("the bot stopped")
            }
            result = server => {
                self.server = None;
                result.context("the web server task failed")?.context("the web server failed")?;
                anyhow::bail!("the web server stopped")
            }
        }
    }

    /// Stops the bot (letting it finish the update in hand), then the web server.
    pub async fn shutdown(mut self) -> anyhow::Result<()> {
        if let Some(bot) = self.bot.take() {
            self.bot_stop.cancel();
            let abort = bot.abort_handle();
            match tokio::time::timeout(BOT_STOP_TIMEOUT, bot).await {
                Ok(Ok(Err(error))) => tracing::warn!(error = ?error, "the bot stopped with an error"),
                Ok(_) => {}
                Err(_) => {
                    tracing::warn!("the bot did not stop in time; abandoning it");
                    abort.abort();
                }
            }
        }
        if let Some(stop) = self.server_stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            let abort = server.abort_handle();
            match tokio::time::timeout(SERVER_STOP_TIMEOUT, server).await {
                Ok(result) => result.context("the web server task failed")?.context("the web server failed")?,
                Err(_) => abort.abort(),
            }
        }
        Ok(())
    }
}

impl Drop for RunningSandbox {
    fn drop(&mut self) {
        if let Some(bot) = &self.bot {
            bot.abort();
        }
        if let Some(server) = &self.server {
            server.abort();
        }
    }
}

/// Starts the web server and the bot; returns once the bot is connected and the page can be opened.
pub async fn spawn(options: SandboxOptions) -> anyhow::Result<RunningSandbox> {
    tokio::fs::create_dir_all(&options.data_dir)
        .await
        .with_context(|| format!("cannot create the data directory {}", options.data_dir.display()))?;
    let database = options.database_url()?;

    // A random token per run: nothing that reaches the port can act as the bot or read its updates without it.
    let token = format!("sandbox:{}", guard::random_secret());
    let emulator = Emulator::new(EmulatorConfig { token, ..EmulatorConfig::default() });
    for persona in PERSONAS {
        emulator.upsert_user(EmulatedUser::new(persona.id, persona.first_name));
    }

    let listener = TcpListener::bind(SocketAddr::new(options.host, options.port)).await.with_context(|| {
        format!("cannot listen on {}:{} (is the port taken? try --port)", options.host, options.port)
    })?;
    let address = listener.local_addr().context("cannot read the bound address")?;
    let base_url = page_url(address)?;

    let guard = SandboxGuard::new(address.port());
    let app = emulator
        .router()
        .merge(page_router(guard.key()))
        .layer(axum::middleware::from_fn_with_state(guard.clone(), guard::check));
    let (server_stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .into_future(),
    );

    let settings = Settings::with_common(
        CommonSettings { database, roles: demo_roles(), ..options.common },
        TelegramSettings { token: BotToken::new(emulator.token()), api_url: Some(base_url.clone()) },
    );
    let application = match Application::build(settings, AppClock::system()).await {
        Ok(application) => application,
        Err(error) => {
            server.abort();
            return Err(error.context("cannot start the bot"));
        }
    };
    let bot_stop = application.stop_token();
    let bot = tokio::spawn(application.run_until_stopped());

    Ok(RunningSandbox {
        base_url,
        bound: address,
        guard,
        emulator,
        bot_stop,
        bot: Some(bot),
        server_stop: Some(server_stop),
        server: Some(server),
    })
}

/// `accelerateur sandbox`: runs until Ctrl-C.
pub async fn run(options: SandboxOptions) -> anyhow::Result<()> {
    let exposed = !options.host.is_loopback();
    let mut sandbox = spawn(options).await?;
    if exposed {
        eprintln!(
            "warning: the sandbox listens on {}, reachable from the network: anyone who can reach this port can open \
             the page and act as every demo persona, including the admin (its database holds only demo data). Use \
             the default --host 127.0.0.1 unless you mean it.",
            sandbox.bound_address()
        );
    }
    println!(
        "Sandbox ready: listening on {}, open {}",
        sandbox.bound_address(),
        sandbox.base_url().as_str().trim_end_matches('/')
    );
    let crashed = tokio::select! {
        signal = tokio::signal::ctrl_c() => {
            signal.context("cannot listen for Ctrl-C")?;
            None
        }
        result = sandbox.stopped() => Some(result),
    };
    tracing::info!("stopping the sandbox");
    sandbox.shutdown().await?;
    match crashed {
        Some(result) => result,
        None => Ok(()),
    }
}

/// The address to open (and the one the bot calls): a wildcard host is reached through loopback.
fn page_url(address: SocketAddr) -> anyhow::Result<Url> {
    let ip = match address.ip() {
        ip if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        ip => ip,
    };
    Url::parse(&format!("http://{}/", SocketAddr::new(ip, address.port()))).context("invalid page URL")
}

// ---- The page ------------------------------------------------------------------------------------------------

const INDEX_HTML: &str = include_str!("assets/index.html");
const APP_JS: &str = include_str!("assets/app.js");
const STYLE_CSS: &str = include_str!("assets/style.css");

/// Only the page's own files and the same origin: even a rendering bug cannot load or run anything else.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// Where the page's HTML receives its per-run key.
const KEY_PLACEHOLDER: &str = "{{SANDBOX_KEY}}";

fn page_router(key: &str) -> Router {
    let index = INDEX_HTML.replace(KEY_PLACEHOLDER, key);
    Router::new()
        .route("/", get(move || async move { asset("text/html; charset=utf-8", index) }))
        .route("/assets/app.js", get(|| async { asset("text/javascript; charset=utf-8", APP_JS) }))
        .route("/assets/style.css", get(|| async { asset("text/css; charset=utf-8", STYLE_CSS) }))
        .route("/sandbox/personas", get(|| async { Json(PERSONAS) }))
}

fn asset(content_type: &'static str, body: impl Into<axum::body::Body>) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
            (header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY)),
            (header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")),
        ],
        body.into(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personas_match_the_configured_roles() {
        let roles = demo_roles();
        assert_eq!(roles.admins, vec![UserId(9001)]);
        assert_eq!(roles.trainers, vec![UserId(9002)]);
        let merchants: Vec<_> = PERSONAS.iter().filter(|p| p.role == Role::Merchant).map(|p| p.id).collect();
        assert_eq!(merchants, [1001, 1002, 1003]);
    }

    #[test]
    fn the_database_lives_in_the_data_dir_unless_given() {
        let common = CommonSettings::from_source(&[("DATABASE_URL", "sqlite://ignored.db")]).unwrap();
        let mut options = SandboxOptions::new(common);
        options.data_dir = PathBuf::from("/tmp/sandbox-x");
        assert_eq!(options.database_url().unwrap().expose(), "sqlite:///tmp/sandbox-x/sandbox.db");
        options.database = Some(DatabaseUrl::parse("sqlite://elsewhere.db").unwrap());
        assert_eq!(options.database_url().unwrap().expose(), "sqlite://elsewhere.db");
    }

    #[test]
    fn database_url_from_the_environment_is_ignored() {
        let args = SandboxArgs {
            port: 0,
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            data_dir: PathBuf::from("d"),
            database_url: None,
        };
        let options =
            SandboxOptions::from_cli(&args, &[("DATABASE_URL", "mysql://not-even-valid"), ("ACCEL_FAQ_DIR", "f")])
                .unwrap();
        assert!(options.database.is_none());
        assert_eq!(options.common.faq_dir, Some(PathBuf::from("f")));
    }

    #[test]
    fn a_bad_database_url_names_the_flag() {
        let args = SandboxArgs {
            port: 0,
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            data_dir: PathBuf::from("d"),
            database_url: Some("nope".to_owned()),
        };
        let error = SandboxOptions::from_cli(&args, &[]).unwrap_err();
        assert!(error.to_string().starts_with("--database-url is invalid"), "{error}");
    }

    /// The whole wiring without a browser: page, personas, control API and the real bot behind one port.
    #[tokio::test]
    async fn one_server_serves_the_page_the_emulator_and_the_bot() {
        let data = tempfile::tempdir().unwrap();
        let mut common = CommonSettings::from_source(&[]).unwrap();
        common.faq_dir = Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("faq"));
        let options = SandboxOptions { port: 0, data_dir: data.path().join("nested"), ..SandboxOptions::new(common) };
        let sandbox = spawn(options).await.unwrap();
        let base = sandbox.base_url().clone();
        let http = reqwest::Client::new();

        let page = http.get(base.clone()).send().await.unwrap();
        assert!(page.headers()[header::CONTENT_SECURITY_POLICY].to_str().unwrap().contains("script-src 'self'"));
        assert!(page.text().await.unwrap().contains("assets/app.js"));
        let script = http.get(base.join("assets/app.js").unwrap()).send().await.unwrap();
        assert_eq!(script.headers()[header::CONTENT_TYPE], "text/javascript; charset=utf-8");
        let key = sandbox.key().to_owned();
        let personas: serde_json::Value = http
            .get(base.join("sandbox/personas").unwrap())
            .header(KEY_HEADER, &key)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(personas[0]["detail"], "boulangère");
        let users: serde_json::Value = http
            .get(base.join("control/users").unwrap())
            .header(KEY_HEADER, &key)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(users.as_array().map(Vec::len), Some(PERSONAS.len()));

        http.post(base.join("control/users/1001/messages").unwrap())
            .header(KEY_HEADER, &key)
            .json(&serde_json::json!({ "text": "/start" }))
            .send()
            .await
            .unwrap()
            .error_for_status()
            .unwrap();
        let replies = sandbox.emulator().wait_for_bot_messages(1001, 1, Duration::from_secs(10)).await.unwrap();
        assert!(replies[0].text.contains("Camille") && !replies[0].buttons.is_empty(), "{:?}", replies[0]);
        assert!(data.path().join("nested/sandbox.db").exists());

        tokio::time::timeout(Duration::from_secs(10), sandbox.shutdown()).await.unwrap().unwrap();
        assert!(http.get(base).send().await.is_err(), "the server is stopped");
    }

    /// What another web page open in the same browser could try: a simple cross-site form post, a request without
    /// the key, DNS rebinding (a foreign Host), and the old fixed Bot API token. None reaches the bot.
    #[tokio::test]
    async fn cross_site_pages_and_foreign_hosts_cannot_drive_the_sandbox() {
        let data = tempfile::tempdir().unwrap();
        let mut common = CommonSettings::from_source(&[]).unwrap();
        common.faq_dir = Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("faq"));
        let sandbox =
            spawn(SandboxOptions { port: 0, data_dir: data.path().to_owned(), ..SandboxOptions::new(common) })
                .await
                .unwrap();
        let base = sandbox.base_url().clone();
        let post = base.join("control/users/9001/messages").unwrap();
        let http = reqwest::Client::new();
        let key = sandbox.key().to_owned();

        let form_post = http
            .post(post.clone())
            .header(header::CONTENT_TYPE, "text/plain")
            .header(header::ORIGIN, "https://evil.example")
            .body(r#"{"text":"/recharger_faq"}"#)
            .send()
            .await
            .unwrap();
        assert!(form_post.status().is_client_error(), "{}", form_post.status());
        let without_key = http.post(post.clone()).json(&serde_json::json!({ "text": "/stats" })).send().await.unwrap();
        assert_eq!(without_key.status(), reqwest::StatusCode::FORBIDDEN);
        let text_plain_with_key = http
            .post(post.clone())
            .header(KEY_HEADER, &key)
            .header(header::CONTENT_TYPE, "text/plain")
            .body(r#"{"text":"/stats"}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(text_plain_with_key.status(), reqwest::StatusCode::UNSUPPORTED_MEDIA_TYPE);
        let rebound = http
            .post(post.clone())
            .header(header::HOST, format!("attacker.example:{}", base.port().unwrap()))
            .header(KEY_HEADER, &key)
            .json(&serde_json::json!({ "text": "/stats" }))
            .send()
            .await
            .unwrap();
        assert_eq!(rebound.status(), reqwest::StatusCode::MISDIRECTED_REQUEST);
        let page = http.get(base.clone()).header(header::HOST, "attacker.example").send().await.unwrap();
        assert!(page.status().is_client_error(), "the page (and its key) is not served to a foreign Host");
        let fixed_token = http.get(base.join("botsandbox-token/getMe").unwrap()).send().await.unwrap();
        assert_eq!(fixed_token.status(), reqwest::StatusCode::UNAUTHORIZED);

        let page = http.get(base.clone()).send().await.unwrap().text().await.unwrap();
        assert!(page.contains(&key) && !page.contains(KEY_PLACEHOLDER), "the page carries this run's key");
        let ok = http
            .post(post)
            .header(KEY_HEADER, &key)
            .json(&serde_json::json!({ "text": "/aide" }))
            .send()
            .await
            .unwrap();
        assert!(ok.status().is_success(), "{}", ok.status());
        let transcript = sandbox.emulator().wait_for_bot_messages(9001, 1, Duration::from_secs(10)).await.unwrap();
        let sent_by_user: Vec<_> = sandbox.emulator().transcript(9001).into_iter().filter(|m| !m.from_bot).collect();
        assert_eq!(sent_by_user.len(), 1, "only the keyed request reached the bot: {sent_by_user:?}");
        assert!(!transcript.is_empty());
        tokio::time::timeout(Duration::from_secs(10), sandbox.shutdown()).await.unwrap().unwrap();
    }

    #[test]
    fn a_wildcard_host_is_opened_through_loopback() {
        let url = page_url("0.0.0.0:8080".parse().unwrap()).unwrap();
        assert_eq!(url.as_str(), "http://127.0.0.1:8080/");
    }

    #[test]
    fn the_page_loads_only_its_own_files() {
        assert!(INDEX_HTML.contains("assets/app.js") && INDEX_HTML.contains("assets/style.css"));
        for page in [INDEX_HTML, STYLE_CSS, APP_JS] {
            assert!(!page.contains("//cdn") && !page.contains("fonts.googleapis"), "no external resources");
        }
        // The one HTML parse is `safeFragment`'s inert template, whose nodes are then copied by an allow-list.
        assert_eq!(APP_JS.matches("innerHTML").count(), 1);
        assert!(APP_JS.contains("template.innerHTML = html") && !APP_JS.contains("outerHTML"));
    }
}
