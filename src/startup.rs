//! [`Application`]: builds the running bot from [`Settings`] (database, Telegram client, dispatcher) and runs it.
//!
//! `main` and the integration tests use the same `build`, so tests exercise the real start-up path.

use std::sync::Arc;

use anyhow::Context;
use teloxide::{
    adaptors::throttle::Limits,
    dispatching::{DefaultKey, ShutdownToken},
    error_handlers::LoggingErrorHandler,
    prelude::*,
    requests::RequesterExt,
};

use crate::{
    clock::AppClock,
    config::{CommonSettings, DEFAULT_COURSE_URL, RoleSettings, Settings},
    content::LiveContent,
    storage::{Db, users::Role},
    telegram::{Telegram, Tg, commands, schema::schema},
};

/// The configuration handlers see (database password and bot token redacted in `Debug`).
pub type BotSettings = Arc<CommonSettings>;

/// The bot, ready to run.
pub struct Application {
    dispatcher: Dispatcher<Tg, anyhow::Error, DefaultKey>,
    db: Db,
}

impl Application {
    /// Opens and migrates the database, connects to the Bot API, registers commands and assembles the dispatcher.
    pub async fn build(settings: Settings, clock: AppClock) -> anyhow::Result<Self> {
        crate::telemetry::hide_all(&settings.secrets());
        if settings.common.course_url.as_str() == DEFAULT_COURSE_URL {
            tracing::warn!(
                course_url = DEFAULT_COURSE_URL,
                "ACCEL_COURSE_URL is not set: module buttons point to a placeholder domain; set it to your course platform"
            );
        }
        let dir = &settings.common.faq_dir;
        let content = LiveContent::load(dir).map_err(|errors| {
            let first = errors.0.first().map(ToString::to_string).unwrap_or_default();
            let more = match errors.0.len() {
                0 | 1 => String::new(),
                n => format!(" (and {} more problems)", n - 1),
            };
            anyhow::anyhow!(
                "ACCEL_FAQ_DIR={} does not hold valid content: {first}{more}; run `accelerateur faq check {}`",
                dir.display(),
                dir.display()
            )
        })?;
        let db = Db::open(&settings.common.database).await?;
        let mut bot = Bot::new(settings.telegram.token.expose());
        if let Some(url) = settings.telegram.api_url.clone() {
            bot = bot.set_api_url(url);
        }
        let bot: Tg = bot.throttle(Limits::default());
        let me = bot.get_me().await.context("cannot reach the Telegram Bot API (is TELOXIDE_TOKEN right?)")?;
        match &settings.telegram.api_url {
            Some(url) => tracing::info!(username = me.username(), api = %url, "connected to the Bot API"),
            None => tracing::info!(username = me.username(), "connected to Telegram"),
        }

        let staff = configured_staff(&settings.common.roles);
        if let Err(error) = commands::register(&bot, &staff).await {
            tracing::warn!(error = %error, "cannot register the command lists; continuing");
        }

        let config: BotSettings = Arc::new(settings.common.clone());
        let dispatcher = Dispatcher::builder(bot.clone(), schema())
            .dependencies(dptree::deps![Telegram::new(bot, db.clone()), db.clone(), clock, config, content])
            .default_handler(|update| async move {
                tracing::debug!(update_id = update.id.0, "update ignored");
            })
            .error_handler(LoggingErrorHandler::with_custom_text("a handler failed"))
            .build();
        Ok(Self { dispatcher, db })
    }

    /// A token that stops the dispatcher gracefully.
    #[must_use]
    pub fn shutdown_token(&self) -> ShutdownToken {
        self.dispatcher.shutdown_token()
    }

    #[must_use]
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Long-polls Telegram and handles updates until the shutdown token (or Ctrl-C, if enabled) stops it.
    pub async fn run_until_stopped(mut self) {
        self.dispatcher.dispatch().await;
        self.db.close().await;
    }
}

fn configured_staff(roles: &RoleSettings) -> Vec<(UserId, Role)> {
    let admins = roles.admins.iter().map(|id| (*id, Role::Admin));
    let trainers = roles.trainers.iter().filter(|id| !roles.admins.contains(id)).map(|id| (*id, Role::Trainer));
    admins.chain(trainers).collect()
}
