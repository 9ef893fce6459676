//! The real binary as a child process, for the tests that kill, stop or multiply it (`crash`, `shutdown`,
//! `replicas`): start it against the emulator, seed an announcement to many recipients, count what each received.

use std::{
    path::Path,
    process::{Child, Command, ExitStatus, Stdio},
    time::{Duration, Instant},
};

use accelerateur::{
    storage::{
        Db,
        announcements::{Audience, AudienceFilter, Confirmation},
        deliveries::Payload,
    },
    telegram_emulator::{Emulator, EmulatorConfig, RunningServer},
};
use teloxide::types::UserId;

use crate::helpers::{TRAINER, TestDatabase};

/// What the binary runs against in these tests: an emulator, a fresh database, a working directory.
pub struct Stage {
    pub emulator: Emulator,
    pub db: Db,
    dir: tempfile::TempDir,
    api_url: String,
    database_url: String,
    _server: RunningServer,
    _database: TestDatabase,
}

impl Stage {
    /// `name` goes into the bot token, which the binary checks for a real token's shape.
    pub async fn new(name: &str) -> Self {
        let config = EmulatorConfig { token: format!("123456789:AA{name}"), ..EmulatorConfig::default() };
        let (emulator, server) = Emulator::spawn(config).await.unwrap();
        let database = TestDatabase::create().await;
        let db = Db::open(&database.url).await.unwrap();
        Self {
            emulator,
            db,
            dir: tempfile::tempdir().unwrap(),
            api_url: server.api_url().to_string(),
            database_url: database.url.expose().to_owned(),
            _server: server,
            _database: database,
        }
    }

    /// The emulator's Bot API URL, for `TELOXIDE_API_URL`.
    pub fn api_url(&self) -> &str {
        &self.api_url
    }

    /// The stage's database, for `DATABASE_URL`.
    pub fn database_url(&self) -> &str {
        &self.database_url
    }

    /// `accelerateur run` on this stage (see [`start_bot`]).
    pub fn start(&self, env: &[(&str, String)]) -> Child {
        start_bot(&self.api_url, &self.emulator.token(), &self.database_url, self.dir.path(), env)
    }

    /// Waits until at least `at_least` of the `count` chats from `first` on received `text`.
    pub async fn until_received(&self, (first, count): (i64, i64), text: &str, at_least: usize) {
        wait_until("enough recipients received it", Duration::from_secs(60), async || {
            received(&self.emulator, first, count, text).iter().sum::<usize>() >= at_least
        })
        .await;
    }

    /// Waits until no delivery is pending, at most `limit`.
    pub async fn until_delivered(&self, limit: Duration) {
        wait_until("every delivery ended", limit, async || self.db.pending_deliveries().await.unwrap() == 0).await;
    }
}

/// `accelerateur run` against the emulator at `api_url`, on `database`, with its HTTP server on a free port unless
/// `env` names one; `env` adds or overrides variables.
pub fn start_bot(api_url: &str, token: &str, database: &str, dir: &Path, env: &[(&str, String)]) -> Child {
    let faq = Path::new(env!("CARGO_MANIFEST_DIR")).join("faq");
    let mut command = Command::new(env!("CARGO_BIN_EXE_accelerateur"));
    command
        .arg("run")
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("TELOXIDE_TOKEN", token)
        .env("TELOXIDE_API_URL", api_url)
        .env("DATABASE_URL", database)
        .env("ACCEL_FAQ_DIR", faq)
        .env("ACCEL_TRAINERS", TRAINER.to_string())
        .env("ACCEL_LISTEN", "127.0.0.1:0");
    for (name, value) in env {
        command.env(name, value);
    }
    command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(if std::env::var_os("TEST_LOG").is_some() { Stdio::inherit() } else { Stdio::null() })
        .spawn()
        .expect("the binary starts")
}

/// Sends SIGTERM, as systemd or `docker stop` would.
pub fn terminate(bot: &Child) {
    let status = Command::new("kill").args(["-TERM", &bot.id().to_string()]).status().expect("kill runs");
    assert!(status.success(), "kill -TERM failed");
}

/// Waits for the process to exit, at most `limit`; `None` if it is still running.
pub async fn exit_within(bot: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if let Some(status) = bot.try_wait().expect("the child can be waited for") {
            return Some(status);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    None
}

/// A confirmed announcement of `text` to the `count` merchants from `first` on (who opened a chat with the bot), due
/// now, leaving out the users in `exclude`; returns its id.
pub async fn seed_announcement(
    db: &Db,
    emulator: &Emulator,
    (first, count): (i64, i64),
    text: &str,
    exclude: &[i64],
) -> i64 {
    let now = jiff::Timestamp::now().as_second();
    for chat in first..first + count {
        db.touch_user(UserId(chat.unsigned_abs()), "Commerçant", now).await.unwrap();
        emulator.open_chat(chat);
    }
    emulator.open_chat(TRAINER);
    let draft = db.create_draft(TRAINER, &Payload { text: text.to_owned(), button: None }, now).await.unwrap();
    let filter = AudienceFilter { modules: Vec::new(), staff: exclude.to_vec() };
    let confirmation = db.confirm_announcement(draft, &Audience::All, &filter, now, now).await.unwrap();
    assert_eq!(confirmation, Confirmation::Queued { recipients: count });
    draft
}

/// How many times each of `count` chats from `first` on received a message whose text is `text`.
pub fn received(emulator: &Emulator, first: i64, count: i64, text: &str) -> Vec<usize> {
    (first..first + count).map(|chat| emulator.bot_messages(chat).iter().filter(|m| m.text == text).count()).collect()
}

/// Polls `done` every 20 ms until it holds; fails the test after `limit`.
pub async fn wait_until(what: &str, limit: Duration, mut done: impl AsyncFnMut() -> bool) {
    let start = Instant::now();
    while !done().await {
        assert!(start.elapsed() < limit, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
