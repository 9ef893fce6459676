//! [`Application`]: builds the running bot from [`Settings`] and runs its parts until told to stop.
//!
//! [`Application::build`] opens the database, connects to the Bot API and assembles the parts that run: the
//! dispatcher (updates in, by long polling or the webhook; direct replies out), the delivery worker (the outbox:
//! announcements, notes to trainers, webinar reminders), the reminder scheduler (which queues reminders when due,
//! and at start-up those missed while the bot was down), the retention purge (question logs past
//! `ACCEL_QUESTION_RETENTION_DAYS`, daily) and the HTTP server (`web`: probes, metrics, the webhook).
//! [`Application::run_until_stopped`] runs them side by side under one [`CancellationToken`] and, as soon as one
//! of them stops, stops the others and reports which one stopped and why. Stopping is graceful and bounded
//! ([`STOP_TIMEOUT`]): no new updates, handlers in progress finish, unsent claimed deliveries are released, then
//! the server closes. `main`, the sandbox and the integration tests all use `build`.

use std::{net::SocketAddr, num::NonZeroU32, sync::Arc, time::Duration};

use anyhow::Context;
use futures::future::BoxFuture;
use teloxide::{dispatching::ShutdownToken, error_handlers::LoggingErrorHandler, prelude::*};
use tokio::{net::TcpListener, time::Instant};
use tokio_util::{sync::CancellationToken, task::AbortOnDropHandle};

use crate::{
    clock::AppClock,
    config::{CommonSettings, DEFAULT_COURSE_URL, DeliverySettings, Settings},
    content::LiveContent,
    delivery::DeliveryWorker,
    reminders::ReminderScheduler,
    retention::RetentionPurge,
    roles,
    storage::Db,
    telegram::{Telegram, dialogue, schema::schema},
    web::{self, WebState},
    weekly::WeeklySummary,
};

/// The configuration handlers see (database password and bot token redacted in `Debug`).
pub type BotSettings = Arc<CommonSettings>;

/// How long stopping may take in all (handlers in progress, sends under way, the server's open requests), so the
/// process exits within the 10 s a supervisor such as systemd or Kubernetes usually grants.
pub const STOP_TIMEOUT: Duration = Duration::from_secs(9);

/// The bot, ready to run.
pub struct Application {
    /// The dispatcher reading updates (long polling or the webhook), as one future.
    updates: BoxFuture<'static, ()>,
    dispatcher_stop: ShutdownToken,
    worker: DeliveryWorker,
    reminders: ReminderScheduler,
    retention: RetentionPurge,
    http: Option<(TcpListener, axum::Router)>,
    http_addr: Option<SocketAddr>,
    db: Db,
    stop: CancellationToken,
    background_delivery: bool,
}

impl Application {
    /// Opens and migrates the database, connects to the Bot API, registers commands and assembles the parts.
    pub async fn build(settings: Settings, clock: AppClock) -> anyhow::Result<Self> {
        crate::telemetry::hide_all(&settings.secrets());
        crate::observe::handle();
        if settings.common.course_url.as_str() == DEFAULT_COURSE_URL {
            tracing::warn!(
                course_url = DEFAULT_COURSE_URL,
                "ACCEL_COURSE_URL is not set: module buttons point to a placeholder domain; set it to your course platform"
            );
        }
        let db = Db::open(&settings.common.database).await?;
        let content = LiveContent::open(&db, settings.common.faq_dir.as_deref()).await?;
        let mut bot = Bot::new(settings.telegram.token.expose());
        if let Some(url) = settings.telegram.api_url.clone() {
            bot = bot.set_api_url(url);
        }
        // Direct replies get what the delivery worker leaves of Telegram's per-bot budget.
        let delivery = settings.common.delivery.clone();
        if delivery.rate.get() > DeliverySettings::TELEGRAM_RATE {
            tracing::warn!(rate = delivery.rate.get(), "ACCEL_SEND_RATE is above Telegram's limit: expect 429s");
        }
        if delivery.reply_rate.is_some_and(|rate| rate > DeliverySettings::TELEGRAM_RATE) {
            tracing::warn!(rate = delivery.reply_rate, "ACCEL_REPLY_RATE is above Telegram's limit: expect 429s");
        }
        let me = bot.get_me().await.context("cannot reach the Telegram Bot API (is TELOXIDE_TOKEN right?)")?;
        match &settings.telegram.api_url {
            Some(url) => tracing::info!(username = me.username(), api = %url, "connected to the Bot API"),
            None => tracing::info!(username = me.username(), "connected to Telegram"),
        }

        // The configured roles seed the database, which is the source of truth from then on (`crate::roles`).
        roles::seed(&db, &settings.common.roles, clock.unix())
            .await
            .context("cannot record ACCEL_ADMINS / ACCEL_TRAINERS in the database")?;
        if let Err(error) = roles::register_menus(&db, &bot).await {
            tracing::warn!(error = %error, "cannot register the command lists; continuing");
        }

        let reply_rate = NonZeroU32::new(delivery.reply_rate()).unwrap_or(NonZeroU32::MIN);
        let tg = Telegram::new(bot.clone(), db.clone(), reply_rate);
        let worker = DeliveryWorker::new(db.clone(), tg.clone(), clock.clone(), delivery.clone());
        let weekly = WeeklySummary::new(db.clone(), clock.clone(), settings.common.timezone.clone(), content.clone());
        let reminders = ReminderScheduler::new(db.clone(), clock.clone(), &settings.common, worker.clone())
            .with_weekly_summary(weekly);
        // Start-up catch-up: a reminder missed while the bot was down leaves now if its session has not ended.
        if let Err(error) = reminders.tick().await {
            tracing::error!(error.cause_chain = ?error, "cannot look for missed webinar reminders; the scheduler retries");
        }
        let retention = RetentionPurge::new(db.clone(), clock.clone(), settings.common.question_retention_days);
        let dialogues = dialogue::storage(db.clone(), clock.clone());
        let staff_dialogues = dialogue::staff_storage(db.clone(), clock.clone());
        let replies = dialogue::reply_storage(db.clone(), clock.clone());
        let faq_dialogues = dialogue::faq_storage(db.clone(), clock.clone());
        let config: BotSettings = Arc::new(settings.common.clone());
        let stop = CancellationToken::new();
        content.spawn_watcher(crate::content::POLL_INTERVAL, stop.clone());
        let web_state =
            WebState { db: db.clone(), content: content.clone(), clock: clock.clone(), stopping: stop.clone() };
        let mut dispatcher = Dispatcher::builder(bot.clone(), schema())
            .dependencies(dptree::deps![
                tg,
                db.clone(),
                clock,
                config,
                content,
                dialogues,
                staff_dialogues,
                replies,
                faq_dialogues
            ])
            .default_handler(|update| async move {
                tracing::debug!(update_id = update.id.0, "update ignored");
            })
            .error_handler(LoggingErrorHandler::with_custom_text("a handler failed"))
            .build();
        let dispatcher_stop = dispatcher.shutdown_token();

        let (http, http_addr, updates): (_, _, BoxFuture<'static, ()>) = match settings.server.listen {
            None if settings.server.webhook.is_some() => anyhow::bail!("webhook mode needs ACCEL_LISTEN"),
            None => (None, None, Box::pin(async move { dispatcher.dispatch().await })),
            Some(address) => {
                let listener = TcpListener::bind(address)
                    .await
                    .with_context(|| format!("ACCEL_LISTEN: cannot listen on {address}"))?;
                let local = listener.local_addr()?;
                tracing::info!(address = %local, "HTTP server listening (/healthz, /readyz, /metrics)");
                match &settings.server.webhook {
                    Some(webhook) => {
                        let (updates, router) = web::webhook::listener(&bot, webhook, local).await?;
                        tracing::info!(url = %webhook.url, "webhook mode");
                        let errors = LoggingErrorHandler::with_custom_text("the webhook listener failed");
                        let run = async move { dispatcher.dispatch_with_listener(updates, errors).await };
                        (Some((listener, web::router(web_state, Some(router)))), Some(local), Box::pin(run) as _)
                    }
                    None => {
                        let run = async move { dispatcher.dispatch().await };
                        (Some((listener, web::router(web_state, None))), Some(local), Box::pin(run) as _)
                    }
                }
            }
        };
        Ok(Self {
            updates,
            dispatcher_stop,
            worker,
            reminders,
            retention,
            http,
            http_addr,
            db,
            stop,
            background_delivery: delivery.background,
        })
    }

    /// The address the HTTP server listens on (the port chosen when `ACCEL_LISTEN` asked for port 0).
    #[must_use]
    pub fn http_addr(&self) -> Option<SocketAddr> {
        self.http_addr
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

    /// Runs every part until the stop token is cancelled or one part stops; then stops the others, gracefully and
    /// within [`STOP_TIMEOUT`]. `Err` says which part stopped on its own, and why.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let Self {
            updates, dispatcher_stop, worker, reminders, retention, http, db, stop, background_delivery, ..
        } = self;
        // The parts are aborted if this future is dropped (a test's abrupt restart), never left running alone.
        let mut updates: AbortOnDropHandle<anyhow::Result<()>> = AbortOnDropHandle::new(tokio::spawn(async move {
            updates.await;
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
        let purge_stop = stop.child_token();
        let mut purge: AbortOnDropHandle<anyhow::Result<()>> = AbortOnDropHandle::new(tokio::spawn(async move {
            if background_delivery {
                retention.run(purge_stop).await
            } else {
                purge_stop.cancelled().await;
                Ok(())
            }
        }));
        // The server stops last, so probes say "stopping" (and the webhook 503) while the rest winds down.
        let server_stop = CancellationToken::new();
        let server_stopped = server_stop.clone();
        let mut server: AbortOnDropHandle<anyhow::Result<()>> = AbortOnDropHandle::new(tokio::spawn(async move {
            match http {
                Some((listener, router)) => web::serve(listener, router, server_stopped).await,
                None => {
                    server_stopped.cancelled().await;
                    Ok(())
                }
            }
        }));

        // Biased: a part that ends because the stop was requested (the worker's token is a child of `stop`) must not
        // be reported as having stopped on its own.
        let outcome = tokio::select! {
            biased;
            () = stop.cancelled() => {
                tracing::info!("stop requested");
                Ok(())
            }
            result = &mut updates => report_exit("dispatcher", result),
            result = &mut deliveries => report_exit("delivery worker", result),
            result = &mut scheduler => report_exit("reminder scheduler", result),
            result = &mut purge => report_exit("retention purge", result),
            result = &mut server => report_exit("HTTP server", result),
        };

        stop.cancel();
        let deadline = Instant::now() + STOP_TIMEOUT;
        match dispatcher_stop.shutdown() {
            // No more updates taken; the handlers in progress finish.
            Ok(done) => {
                let _ = tokio::time::timeout_at(deadline, done).await;
            }
            // Not started yet: nothing is being handled.
            Err(_) => updates.abort(),
        }
        for (name, task) in [
            ("dispatcher", &mut updates),
            ("delivery worker", &mut deliveries),
            ("reminder scheduler", &mut scheduler),
            ("retention purge", &mut purge),
            ("HTTP server", &mut server),
        ] {
            if name == "HTTP server" {
                server_stop.cancel();
            }
            if !task.is_finished() && tokio::time::timeout_at(deadline, &mut *task).await.is_err() {
                tracing::warn!(part = name, "did not stop in time; abandoning it");
                task.abort();
            }
        }
        if tokio::time::timeout_at(deadline + Duration::from_millis(500), db.close()).await.is_err() {
            tracing::warn!("the database pool did not close in time");
        }
        tracing::info!("stopped");
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
