//! [`WeeklySummary`]: every Monday from 08:00 in the programme's time zone, the `/stats` report queued for each admin
//! who asked for it (`/resume_hebdo`, `users.weekly_summary`).
//!
//! Exactly once per admin and week whoever runs it: the deliveries are unique on (kind `weekly_summary`, the
//! Monday's date, the chat), so a second replica or a restart queues nothing more; a step that queues nothing rolls
//! back its payload. A summary missed while the bot was down leaves when it comes back, on that Monday only. The
//! reminder scheduler's loop runs the step ([`crate::reminders::ReminderScheduler::tick`]); the delivery worker
//! sends.

use jiff::{Timestamp, civil::Weekday};

use crate::{
    clock::AppClock,
    content::{LiveContent, curriculum},
    storage::{
        Db,
        deliveries::{DeliveryKind, Payload},
    },
    telegram::handlers::staff::stats_text,
    text::Html,
    tr_html,
};

/// The local hour the summary leaves on Mondays.
pub const HOUR: i8 = 8;

/// Queues the Monday summary. Cheap to clone.
#[derive(Clone)]
pub struct WeeklySummary {
    db: Db,
    clock: AppClock,
    tz: jiff::tz::TimeZone,
    content: LiveContent,
}

impl WeeklySummary {
    #[must_use]
    pub fn new(db: Db, clock: AppClock, tz: jiff::tz::TimeZone, content: LiveContent) -> Self {
        Self { db, clock, tz, content }
    }

    /// Queues this Monday's summary for the admins who asked for it and have not got it yet; returns how many
    /// deliveries were queued (0 outside Monday from 08:00, or when done already).
    #[tracing::instrument(name = "weekly_summary_tick", skip_all)]
    pub async fn tick(&self) -> anyhow::Result<usize> {
        let now = self.clock.now();
        let local = now.to_zoned(self.tz.clone());
        if local.weekday() != Weekday::Monday || local.hour() < HOUR {
            return Ok(0);
        }
        let admins = self.db.weekly_summary_admins().await?;
        if admins.is_empty() {
            return Ok(0);
        }
        let payload = self.summary(now).await?;
        let (key, now) = (local.date().to_string(), now.as_second());
        let mut tx = self.db.begin().await?;
        let payload = tx.insert_payload(&payload, now).await?;
        let mut queued = 0;
        for admin in admins {
            queued += usize::from(tx.enqueue(DeliveryKind::WeeklySummary, &key, admin, payload, now, now).await?);
        }
        if queued > 0 {
            tx.commit().await?;
            tracing::info!(week = %key, queued, "weekly summary queued");
        }
        Ok(queued)
    }

    async fn summary(&self, now: Timestamp) -> anyhow::Result<Payload> {
        let index = self.content.index();
        let report = crate::stats::gather(&self.db, curriculum(&index), now.as_second()).await?;
        let text = Html::paragraphs([tr_html!("weekly-title"), stats_text(&report, &index)]);
        Ok(Payload { text: text.into_string(), button: None })
    }
}
