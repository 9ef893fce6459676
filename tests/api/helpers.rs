//! `spawn_app()`: the real bot, built by the same `Application::build` as `main`, against the Telegram Bot API
//! emulator and a fresh database (a SQLite file in a temporary directory, or a PostgreSQL database named for the
//! test when `ACCEL_TEST_POSTGRES` holds a server URL). Tests talk to it only as Telegram users would.

use std::{
    sync::{
        Arc, LazyLock,
        atomic::{AtomicU32, Ordering},
    },
    time::Duration,
};

use accelerateur::{
    clock::{AppClock, Clock as _, ManualClock},
    config::{BotToken, CommonSettings, DatabaseUrl, Settings, TelegramSettings},
    delivery::DeliveryWorker,
    reminders::ReminderScheduler,
    startup::Application,
    storage::Db,
    telegram_emulator::{ButtonKind, ChatMessage, EmulatedUser, Emulator, EmulatorConfig, NonText, RunningServer},
};
use sqlx::{Connection, Executor, PgConnection};
use teloxide::types::UserId;
use tokio::task::JoinHandle;

/// How long a test waits for the bot before failing.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// Ids with roles in every test app.
pub const ADMIN: i64 = 9001;
pub const TRAINER: i64 = 9002;

/// Logs go to stderr only when `TEST_LOG` is set.
static TRACING: LazyLock<()> = LazyLock::new(|| {
    if std::env::var_os("TEST_LOG").is_some() {
        accelerateur::telemetry::init("info,accelerateur=debug");
    }
});

/// A database that exists for one test and is removed afterwards.
pub struct TestDatabase {
    pub url: DatabaseUrl,
    _dir: Option<tempfile::TempDir>,
    postgres: Option<(String, String)>,
}

impl TestDatabase {
    pub async fn create() -> Self {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        match std::env::var("ACCEL_TEST_POSTGRES").ok().filter(|url| !url.is_empty()) {
            Some(server) => {
                let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
                let name =
                    format!("accel_test_{}_{}_{nanos}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed));
                let mut admin = PgConnection::connect(&server).await.expect("ACCEL_TEST_POSTGRES must be reachable");
                admin.execute(format!(r#"CREATE DATABASE "{name}""#).as_str()).await.unwrap();
                let base = server.rsplit_once('/').map_or(server.as_str(), |(base, _)| base);
                let url = DatabaseUrl::parse(&format!("{base}/{name}")).unwrap();
                Self { url, _dir: None, postgres: Some((server.clone(), name)) }
            }
            None => {
                let dir = tempfile::tempdir().unwrap();
                let url = DatabaseUrl::parse(&format!("sqlite://{}", dir.path().join("bot.db").display())).unwrap();
                Self { url, _dir: Some(dir), postgres: None }
            }
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some((server, name)) = self.postgres.take() else { return };
        // Drop runs outside async; a short-lived runtime on another thread removes the database.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(async {
                if let Ok(mut admin) = PgConnection::connect(&server).await {
                    let _ = admin.execute(format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#).as_str()).await;
                }
            });
        })
        .join();
    }
}

/// The running bot, its emulator and its database.
pub struct TestApp {
    pub emulator: Emulator,
    pub db: Db,
    pub clock: Arc<ManualClock>,
    pub settings: Settings,
    /// The bot's own HTTP server (health, metrics, webhook), when the settings ask for one.
    pub http: Option<std::net::SocketAddr>,
    _server: RunningServer,
    running: Option<JoinHandle<anyhow::Result<()>>>,
    worker: Option<DeliveryWorker>,
    scheduler: Option<ReminderScheduler>,
    _database: TestDatabase,
}

/// Monday 23 November 2026, 09:00 in Paris: one hour before the webinar.
pub const START_TIME: &str = "2026-11-23T08:00:00Z";

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Like [`spawn_app`], with the settings adjusted first (e.g. another content directory).
pub async fn spawn_app_with(configure: impl FnOnce(&mut Settings)) -> TestApp {
    LazyLock::force(&TRACING);
    let (emulator, server) = Emulator::spawn(EmulatorConfig::default()).await.unwrap();
    let database = TestDatabase::create().await;
    let mut common = CommonSettings::from_source(&[
        ("ACCEL_ADMINS", "9001"),
        ("ACCEL_TRAINERS", "9002"),
        ("ACCEL_TIMEZONE", "Europe/Paris"),
        ("ACCEL_WEBINAR_URL", "https://visio.example.org/accelerateur"),
    ])
    .unwrap();
    common.database = database.url.clone();
    common.faq_dir = Some(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("faq"));
    // Tests drive the delivery worker by hand (`deliver_all`), with the manual clock.
    common.delivery.background = false;
    let telegram = TelegramSettings { token: BotToken::new(emulator.token()), api_url: Some(server.api_url()) };
    let mut settings = Settings::with_common(common, telegram);
    configure(&mut settings);
    let clock = Arc::new(ManualClock::new(START_TIME.parse().unwrap()));
    let mut app = TestApp {
        emulator,
        db: Db::connect(&database.url).await.unwrap(),
        clock,
        settings,
        http: None,
        _server: server,
        running: None,
        worker: None,
        scheduler: None,
        _database: database,
    };
    app.start().await;
    app
}

impl TestApp {
    async fn start(&mut self) {
        let clock = AppClock::new(self.clock.clone());
        let app = Application::build(self.settings.clone(), clock).await.expect("the bot starts");
        self.worker = Some(app.delivery_worker());
        self.scheduler = Some(app.reminder_scheduler());
        self.http = app.http_addr();
        self.running = Some(tokio::spawn(app.run_until_stopped()));
    }

    /// Runs the delivery worker until nothing is due at the manual clock's time (zero2prod's
    /// `dispatch_all_pending_emails`); returns how many deliveries it attempted.
    pub async fn deliver_all(&self) -> usize {
        let worker = self.worker.as_ref().expect("the bot is running");
        worker.run_until_empty().await.expect("the delivery worker runs")
    }

    /// One step of the delivery worker (one batch).
    pub async fn deliver_one_batch(&self) {
        let worker = self.worker.as_ref().expect("the bot is running");
        worker.try_execute_batch().await.expect("the delivery worker runs");
    }

    /// A handle on the delivery worker; clones claim independently, as replicas would.
    pub fn delivery_worker(&self) -> DeliveryWorker {
        self.worker.clone().expect("the bot is running")
    }

    /// A handle on the reminder scheduler; it keeps working after a restart, as another process would.
    pub fn reminder_scheduler(&self) -> ReminderScheduler {
        self.scheduler.clone().expect("the bot is running")
    }

    /// One step of the reminder scheduler at the manual clock's time (queues the day's reminders when due).
    pub async fn tick_reminders(&self) {
        let scheduler = self.scheduler.as_ref().expect("the bot is running");
        scheduler.tick().await.expect("the reminder scheduler runs");
    }

    /// Sets the manual clock (an RFC 3339 instant, e.g. `2026-11-23T09:00:00Z`).
    pub fn set_time(&self, at: &str) {
        self.clock.set(at.parse().expect("an RFC 3339 instant"));
    }

    /// Moves the manual clock forward.
    pub fn advance(&self, seconds: i64) {
        let now = self.clock.now();
        self.clock.set(now + jiff::SignedDuration::from_secs(seconds));
    }

    /// Stops the bot abruptly (as a crash or a redeploy would) and starts a new instance on the same database.
    pub async fn restart(&mut self) {
        if let Some(running) = self.running.take() {
            running.abort();
            let _ = running.await;
        }
        self.start().await;
    }

    /// GETs or POSTs `path` on the bot's own HTTP server: the status and the body.
    pub async fn http_get(&self, path: &str) -> (u16, String) {
        let address = self.http.expect("the settings ask for an HTTP server");
        let response = reqwest::get(format!("http://{address}{path}")).await.expect("the HTTP server answers");
        (response.status().as_u16(), response.text().await.unwrap())
    }

    /// Acts as Telegram user `id` (a private chat with the bot).
    pub fn user(&self, id: i64) -> TestUser<'_> {
        TestUser { app: self, id }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(running) = self.running.take() {
            running.abort();
        }
    }
}

/// One user's side of the conversation.
pub struct TestUser<'a> {
    app: &'a TestApp,
    pub id: i64,
}

impl TestUser<'_> {
    pub fn named(self, first_name: &str) -> Self {
        self.app.emulator.upsert_user(EmulatedUser::new(self.id, first_name));
        self
    }

    pub fn user_id(&self) -> UserId {
        UserId(self.id as u64)
    }

    /// Sends a text message and returns the bot's reply (the first new bot message).
    pub async fn sends(&self, text: &str) -> ChatMessage {
        let before = self.bot_messages().len();
        self.app.emulator.send_text(self.id, text);
        self.new_bot_messages(before, 1).await.remove(0)
    }

    /// Sends a text message and waits for `n` new bot messages.
    pub async fn sends_expecting(&self, text: &str, n: usize) -> Vec<ChatMessage> {
        let before = self.bot_messages().len();
        self.app.emulator.send_text(self.id, text);
        self.new_bot_messages(before, n).await
    }

    pub async fn sends_non_text(&self, kind: NonText) -> ChatMessage {
        let before = self.bot_messages().len();
        self.app.emulator.send_non_text(self.id, kind);
        self.new_bot_messages(before, 1).await.remove(0)
    }

    /// Presses the button labelled `label` (exact text) under bot message `message_id`; waits until the bot
    /// has answered the press (handlers answer after their edit or send).
    pub async fn presses(&self, message_id: i32, label: &str) {
        let message = self.message(message_id);
        let data = message
            .buttons
            .iter()
            .flatten()
            .find(|button| button.text == fr(label))
            .and_then(|button| match &button.kind {
                ButtonKind::Callback(data) => Some(data.clone()),
                ButtonKind::Url(_) => None,
            })
            .unwrap_or_else(|| panic!("no button {label:?} in {:#?}", message.buttons));
        let id = self.app.emulator.press_button(self.id, message_id, &data).expect("the button exists");
        self.wait_answered(&id).await;
    }

    /// Presses with arbitrary callback data (forged, stale), as a modified client could.
    pub async fn presses_raw(&self, message_id: i32, data: &str) {
        let id = self.app.emulator.press_raw(self.id, message_id, data);
        self.wait_answered(&id).await;
    }

    async fn wait_answered(&self, id: &str) {
        let id = id.to_owned();
        self.app
            .emulator
            .wait_until(move |emulator| !emulator.pending_callbacks().contains(&id), PATIENCE)
            .await
            .expect("the bot answers the button press");
    }

    pub fn bot_messages(&self) -> Vec<ChatMessage> {
        self.app.emulator.bot_messages(self.id)
    }

    pub fn message(&self, message_id: i32) -> ChatMessage {
        self.app
            .emulator
            .transcript(self.id)
            .into_iter()
            .find(|m| m.message_id == message_id)
            .expect("the message exists")
    }

    async fn new_bot_messages(&self, before: usize, n: usize) -> Vec<ChatMessage> {
        let messages =
            self.app.emulator.wait_for_bot_messages(self.id, before + n, PATIENCE).await.expect("the bot replies");
        messages[before..].to_vec()
    }
}

/// The shipped curriculum, to name chapters and modules as the bot should.
pub fn curriculum() -> accelerateur::curriculum::content::Curriculum {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("faq/curriculum.toml");
    accelerateur::curriculum::content::Curriculum::load(&path).expect("the shipped curriculum is valid")
}

/// No Bot API call was rejected (parse errors, "message is not modified", bad buttons...).
pub fn assert_no_rejected_calls(app: &TestApp) {
    let rejected: Vec<_> = app
        .emulator
        .journal()
        .into_iter()
        .filter(|call| call.status >= 400 && !call.method.eq_ignore_ascii_case("getUpdates"))
        .collect();
    assert!(rejected.is_empty(), "Telegram rejected: {rejected:#?}");
}

/// Button labels of a message, row by row.
pub fn labels(message: &ChatMessage) -> Vec<String> {
    message.buttons.iter().flatten().map(|button| button.text.clone()).collect()
}

/// Whether `rest` starts with a unit written after a number (« h », « min »), as a whole word.
fn unit_follows(rest: &[char]) -> bool {
    ["h", "min"].iter().any(|unit| {
        let unit: Vec<char> = unit.chars().collect();
        rest.starts_with(&unit) && !rest.get(unit.len()).is_some_and(|c| c.is_alphabetic())
    })
}

/// `text` with French typography, as the bot writes it: a narrow no-break space before « ? ! ; », a no-break
/// space before « : » and inside « » and « 10 h ». Tests write plain spaces and compare with what users read.
pub fn fr(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        let previous = i.checked_sub(1).map(|j| chars[j]);
        out.push(match (c, next) {
            (' ', Some('?' | '!' | ';')) => '\u{202f}',
            (' ', Some(':' | '»')) => '\u{a0}',
            (' ', _) if previous == Some('«') => '\u{a0}',
            (' ', Some('h' | 'm')) if previous.is_some_and(|p| p.is_ascii_digit()) && unit_follows(&chars[i + 1..]) => {
                '\u{a0}'
            }
            _ => c,
        });
    }
    out
}
