//! [`Application`]: builds the running bot from [`Settings`] and runs its parts until told to stop.
//!
//! [`Application::build`] opens the database, connects to the Bot API and assembles the parts that run: the
//! dispatcher (updates in, direct replies out), the delivery worker (the outbox: announcements, notes to
//! trainers, webinar reminders) and the reminder scheduler (which queues reminders when due, and at start-up those
//! missed while the bot was down). [`Application::run_until_stopped`] runs them side by side under one [`CancellationToken`] and, as
//! soon as one of them stops, stops the others and reports which one stopped and why. An HTTP server joins the
//! same `select!` when it exists. `main`, the sandbox and the integration tests all use `build`.

use std::{sync::Arc, time::Duration};

use anyhow::Context;
use teloxide::{
    adaptors::throttle::Limits, dispatching::DefaultKey, error_handlers::LoggingErrorHandler, prelude::*,
    requests::RequesterExt,
};
use tokio_util::{sync::CancellationToken, task::AbortOnDropHandle};

use crate::{
    clock::AppClock,
    config::{CommonSettings, DEFAULT_COURSE_URL, DeliverySettings, RoleSettings, Settings},
    content::LiveContent,
    delivery::DeliveryWorker,
    reminders::ReminderScheduler,
    storage::{Db, users::Role},
    telegram::{Telegram, Tg, commands, dialogue, schema::schema},
};

/// The configuration handlers see (database password and bot token redacted in `Debug`).
pub type BotSettings = Arc<CommonSettings>;

/// How long stopping waits for the update in hand and the batch in flight.
const STOP_TIMEOUT: Duration = Duration::from_secs(10);

/// The bot, ready to run.
pub struct Application {
    dispatcher: Dispatcher<Tg, anyhow::Error, DefaultKey>,
    worker: DeliveryWorker,
    reminders: ReminderScheduler,
    db: Db,
    stop: CancellationToken,
    background_delivery: bool,
}

impl Application {
    /// Opens and migrates the database, connects to the Bot API, registers commands and assembles the parts.
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
        // Direct replies get what the delivery worker leaves of Telegram's per-bot budget.
        let delivery = settings.common.delivery.clone();
        if delivery.rate.get() > DeliverySettings::TELEGRAM_RATE {
            tracing::warn!(rate = delivery.rate.get(), "ACCEL_SEND_RATE is above Telegram's limit: expect 429s");
        }
        let limits = Limits { messages_per_sec_overall: delivery.reply_rate(), ..Limits::default() };
        let bot: Tg = bot.throttle(limits);
        let me = bot.get_me().await.context("cannot reach the Telegram Bot API (is TELOXIDE_TOKEN right?)")?;
        match &settings.telegram.api_url {
            Some(url) => tracing::info!(username = me.username(), api = %url, "connected to the Bot API"),
            None => tracing::info!(username = me.username(), "connected to Telegram"),
        }

        let staff = configured_staff(&settings.common.roles);
        if let Err(error) = commands::register(&bot, &staff).await {
            tracing::warn!(error = %error, "cannot register the command lists; continuing");
        }

        let tg = Telegram::new(bot.clone(), db.clone());
        let worker = DeliveryWorker::new(db.clone(), tg.clone(), clock.clone(), delivery.clone());
        let reminders = ReminderScheduler::new(db.clone(), clock.clone(), &settings.common, worker.clone());
        // Start-up catch-up: a reminder missed while the bot was down leaves now if its session has not ended.
        if let Err(error) = reminders.tick().await {
            tracing::error!(error.cause_chain = ?error, "cannot look for missed webinar reminders; the scheduler retries");
        }
        let dialogues = dialogue::storage(db.clone(), clock.clone());
        let config: BotSettings = Arc::new(settings.common.clone());
        let dispatcher = Dispatcher::builder(bot, schema())
            .dependencies(dptree::deps![tg, db.clone(), clock, config, content, dialogues])
            .default_handler(|update| async move {
                tracing::debug!(update_id = update.id.0, "update ignored");
            })
            .error_handler(LoggingErrorHandler::with_custom_text("a handler failed"))
            .build();
        let stop = CancellationToken::new();
        Ok(Self { dispatcher, worker, reminders, db, stop, background_delivery: delivery.background })
    }

    /// Cancelling this token stops every part gracefully (Ctrl-C, SIGTERM, the sandbox's stop, tests).
    #[must_use]
    pub fn stop_token(&self) -> CancellationToken {
        self.stop.clone()
    }

    #[must_use]
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The delivery worker, for tests that drive it by hand (`background` off in the settings).
    #[must_use]
    pub fn delivery_worker(&self) -> DeliveryWorker {
        self.worker.clone()
    }

    /// The reminder scheduler, for tests that step it by hand (`background` off in the settings).
    #[must_use]
    pub fn reminder_scheduler(&self) -> ReminderScheduler {
        self.reminders.clone()
    }

    /// Runs every part until the stop token is cancelled or one part stops; then stops the others. `Err` says
    /// which part stopped on its own, and why.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let Self { mut dispatcher, worker, reminders, db, stop, background_delivery } = self;
        let dispatcher_stop = dispatcher.shutdown_token();
        // The parts are aborted if this future is dropped (a test's abrupt restart), never left running alone.
        let mut updates: AbortOnDropHandle<anyhow::Result<()>> = AbortOnDropHandle::new(tokio::spawn(async move {
            dispatcher.dispatch().await;
            Ok(())
        }));
        let worker_stop = stop.child_token();
        let mut deliveries: AbortOnDropHandle<anyhow::Result<()>> = AbortOnDropHandle::new(tokio::spawn(async move {
            if background_delivery {
                worker.run(worker_stop).await
            } else {
                worker_stop.cancelled().await;
                Ok(())
            }
        }));
        let scheduler_stop = stop.child_token();
        let mut scheduler: AbortOnDropHandle<anyhow::Result<()>> = AbortOnDropHandle::new(tokio::spawn(async move {
            if background_delivery {
                reminders.run(scheduler_stop).await
            } else {
                scheduler_stop.cancelled().await;
                Ok(())
            }
        }));

        let outcome = tokio::select! {
            // A part that stops because the token was cancelled did not stop on its own: the token is looked at first.
            biased;
            () = stop.cancelled() => {
                tracing::info!("stop requested");
                Ok(())
            }
            result = &mut updates => report_exit("dispatcher", result),
            result = &mut deliveries => report_exit("delivery worker", result),
            result = &mut scheduler => report_exit("reminder scheduler", result),
        };

        stop.cancel();
        if let Ok(done) = dispatcher_stop.shutdown() {
            let _ = tokio::time::timeout(STOP_TIMEOUT, done).await;
        }
        let parts = [
            ("dispatcher", &mut updates),
            ("delivery worker", &mut deliveries),
            ("reminder scheduler", &mut scheduler),
        ];
        for (name, task) in parts {
            if !task.is_finished() && tokio::time::timeout(STOP_TIMEOUT, &mut *task).await.is_err() {
                tracing::warn!(part = name, "did not stop in time; abandoning it");
                task.abort();
            }
        }
        db.close().await;
        outcome
    }
}

/// A part stopped before it was asked to: always an error, with what it said.
fn report_exit(part: &'static str, result: Result<anyhow::Result<()>, tokio::task::JoinError>) -> anyhow::Result<()> {
    let error = match result {
        Ok(Ok(())) => anyhow::anyhow!("{part} stopped on its own"),
        Ok(Err(error)) => error.context(format!("{part} failed")),
        Err(join) => anyhow::Error::new(join).context(format!("{part} crashed")),
    };
    tracing::error!(error.cause_chain = ?error, part, "a part of the bot stopped");
    Err(error)
}

fn configured_staff(roles: &RoleSettings) -> Vec<(UserId, Role)> {
    let admins = roles.admins.iter().map(|id| (*id, Role::Admin));
    let trainers = roles.trainers.iter().filter(|id| !roles.admins.contains(id)).map(|id| (*id, Role::Trainer));
    admins.chain(trainers).collect()
}
