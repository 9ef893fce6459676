//! [`ReminderScheduler`]: queues each webinar session's reminders into the delivery queue when they are due.
//!
//! A step ([`ReminderScheduler::tick`]) looks at today's session in the programme's time zone. From its reminder
//! time (`ACCEL_REMINDER_TIME` before a default 10:00 session, as long before a special session's start) until the
//! session ends, it fans the reminder out to every subscriber in one transaction
//! ([`crate::storage::webinars`]): once per session whoever runs it, so a restart sends a reminder missed while the
//! bot was down, and a second process sends nothing more. A session that ended before any step saw it is recorded
//! as skipped and logged. The delivery worker does the sending (pacing, 429, 403), woken at once. The loop
//! ([`ReminderScheduler::run`]) sleeps until the next reminder is due, looking again at least every few seconds
//! for trainers' changes; tests call `tick` with the manual clock instead.

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use tokio_util::sync::CancellationToken;
use url::Url;

use crate::{
    clock::AppClock,
    config::CommonSettings,
    delivery::DeliveryWorker,
    storage::{
        Db,
        deliveries::{LinkButton, Payload},
        webinars::FanOut,
    },
    text::Html,
    tr, tr_html,
    webinar::{self, Schedule, Session},
    weekly::WeeklySummary,
};

/// The longest the loop sleeps without looking (a session a trainer adds for the next minutes is seen in time).
const MAX_PAUSE: Duration = Duration::from_secs(10);
/// Pause after the database failed.
const ERROR_PAUSE: Duration = Duration::from_secs(5);
/// A fan-out later than this after its due time is a catch-up (the bot was down), and logged as one.
const LATE: SignedDuration = SignedDuration::from_secs(60);

/// Queues webinar reminders. Cheap to clone.
#[derive(Clone)]
pub struct ReminderScheduler {
    db: Db,
    clock: AppClock,
    tz: jiff::tz::TimeZone,
    default_url: Option<Url>,
    /// How long before a session's start its reminder leaves.
    lead: SignedDuration,
    worker: DeliveryWorker,
    /// The Monday summary to admins, looked at on each step.
    weekly: Option<WeeklySummary>,
}

impl ReminderScheduler {
    #[must_use]
    pub fn new(db: Db, clock: AppClock, settings: &CommonSettings, worker: DeliveryWorker) -> Self {
        let lead = webinar::default_start().duration_since(settings.reminder_time);
        let (tz, default_url) = (settings.timezone.clone(), settings.webinar_url.clone());
        Self { db, clock, tz, default_url, lead, worker, weekly: None }
    }

    /// Also queues the admins' Monday summary on each step.
    #[must_use]
    pub fn with_weekly_summary(self, weekly: WeeklySummary) -> Self {
        Self { weekly: Some(weekly), ..self }
    }

    /// Queues today's reminders if they are due and nobody queued them yet, or records them as skipped when the
    /// session is over. Returns when the next reminder is due (today's or tomorrow's), if known.
    #[tracing::instrument(name = "reminder_tick", skip_all)]
    pub async fn tick(&self) -> anyhow::Result<Option<Timestamp>> {
        if let Some(weekly) = &self.weekly {
            match weekly.tick().await {
                Ok(0) => {}
                Ok(_) => self.worker.wake(),
                Err(error) => tracing::error!(error.cause_chain = ?error, "cannot queue the weekly summary"),
            }
        }
        let now = self.clock.now();
        let today = now.to_zoned(self.tz.clone()).date();
        let tomorrow = today.tomorrow()?;
        let changes = self.db.session_changes(today, tomorrow).await?;
        let schedule = Schedule { tz: &self.tz, default_url: self.default_url.as_ref(), changes: &changes };
        if let Some(session) = schedule.session_on(today) {
            let due = session.start.timestamp() - self.lead;
            if now >= due && now < session.end() {
                self.fan_out(&session, due, now).await?;
            } else if now >= session.end() && self.db.skip_reminders(today, due.as_second(), now.as_second()).await? {
                tracing::warn!(session = %today, "the session ended while the bot was down: its reminders are skipped");
            }
        }
        let next = [today, tomorrow]
            .into_iter()
            .filter_map(|day| schedule.session_on(day))
            .map(|session| session.start.timestamp() - self.lead)
            .find(|due| *due > now);
        Ok(next)
    }

    async fn fan_out(&self, session: &Session, due: Timestamp, now: Timestamp) -> anyhow::Result<()> {
        let payload = reminder(session);
        let FanOut::Queued(recipients) =
            self.db.fan_out_reminders(session.date, &payload, due.as_second(), now.as_second()).await?
        else {
            return Ok(());
        };
        self.worker.wake();
        let late = now.duration_since(due);
        if late > LATE {
            tracing::warn!(session = %session.date, recipients, late_secs = late.as_secs(), "reminders missed while the bot was down are sent now");
        } else {
            tracing::info!(session = %session.date, recipients, "webinar reminders queued");
        }
        Ok(())
    }

    /// The background loop: a step, then sleep until the next reminder is due (at most [`MAX_PAUSE`]).
    pub async fn run(self, stop: CancellationToken) -> anyhow::Result<()> {
        while !stop.is_cancelled() {
            let pause = match self.tick().await {
                Ok(next) => pause_until(next, self.clock.now()),
                Err(error) => {
                    tracing::error!(error.cause_chain = ?error, "reminder step failed");
                    ERROR_PAUSE
                }
            };
            tokio::select! {
                () = stop.cancelled() => {}
                () = tokio::time::sleep(pause) => {}
            }
        }
        Ok(())
    }
}

/// How long to sleep before `next` (at most [`MAX_PAUSE`]).
fn pause_until(next: Option<Timestamp>, now: Timestamp) -> Duration {
    let Some(next) = next else { return MAX_PAUSE };
    Duration::try_from(next.duration_since(now)).unwrap_or_default().min(MAX_PAUSE)
}

/// The reminder as subscribers get it: the day's title, the time, and a *Rejoindre le webinaire* button when there
/// is a link (the *Ne plus recevoir ces rappels* button is added by the delivery worker for every reminder).
#[must_use]
pub fn reminder(session: &Session) -> Payload {
    let title = session.title.clone().unwrap_or_else(|| tr!("webinar-default-title"));
    let time = crate::french::time(&session.start);
    let how_to_join = match session.url {
        Some(_) => tr_html!("reminder-join-below"),
        None => tr_html!("webinars-join-later"),
    };
    let text = Html::paragraphs([tr_html!("reminder-text", time = time, title = title), how_to_join]);
    let button = session.url.clone().map(|url| LinkButton { label: tr!("webinar-join"), url });
    Payload { text: text.into_string(), button }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_loop_sleeps_until_the_reminder_and_never_long() {
        let now: Timestamp = "2026-11-23T08:59:58.5Z".parse().unwrap();
        let due: Timestamp = "2026-11-23T09:00:00Z".parse().unwrap();
        assert_eq!(pause_until(Some(due), now), Duration::from_millis(1500));
        assert_eq!(pause_until(Some(now), due), Duration::ZERO, "a past time means now");
        assert_eq!(pause_until(None, now), MAX_PAUSE);
        assert_eq!(pause_until(Some(due + SignedDuration::from_hours(20)), now), MAX_PAUSE);
    }
}
