//! The webinar schedule's changes (`webinar_sessions`), the reminder fan-out (`reminder_runs` + `deliveries`) and
//! the merchants' reminder choice.
//!
//! Exactly once per merchant and session: [`Db::fan_out_reminders`] inserts the session's `reminder_runs` row and
//! the deliveries in one transaction. A second scheduler (a restart, another process on the same PostgreSQL) finds
//! the row and queues nothing; on PostgreSQL its insert waits for the first transaction and then conflicts, on
//! SQLite `BEGIN IMMEDIATE` serialises the two. The deliveries' own key (`reminder`, day, chat) backs it up.

use jiff::civil::{Date, Time};
use teloxide::types::UserId;

use super::{
    Db, DbResult,
    deliveries::{DeliveryKind, Payload},
    on_pool, on_tx,
};
use crate::webinar::SessionChange;

#[derive(sqlx::FromRow)]
struct ChangeRow {
    local_date: String,
    start_time: String,
    title: Option<String>,
    url: Option<String>,
    cancelled: bool,
}

impl ChangeRow {
    fn into_change(self) -> Option<SessionChange> {
        Some(SessionChange {
            date: self.local_date.parse().ok()?,
            start: Time::strptime("%H:%M", &self.start_time).ok()?,
            title: self.title,
            url: self.url,
            cancelled: self.cancelled,
        })
    }
}

/// A session's fan-out record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct ReminderRun {
    pub due_at: i64,
    pub recipients: i64,
    /// The session had ended when the bot came back: nothing was queued.
    pub skipped: bool,
    /// When the scheduler queued the reminders (or recorded the skip), by the bot's clock.
    pub created_at: i64,
}

/// What [`Db::fan_out_reminders`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FanOut {
    /// This many reminders were queued now.
    Queued(u64),
    /// The session's reminders were already queued (or skipped) by someone.
    AlreadyDone,
}

const SELECT_CHANGES: &str = "SELECT local_date, start_time, title, url, cancelled FROM webinar_sessions \
     WHERE local_date >= $1 AND local_date <= $2 ORDER BY local_date";
const UPSERT_CHANGE: &str = "INSERT INTO webinar_sessions (local_date, start_time, title, url, cancelled, updated_by, \
     updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (local_date) DO UPDATE SET \
     start_time = excluded.start_time, title = excluded.title, url = excluded.url, cancelled = excluded.cancelled, \
     updated_by = excluded.updated_by, updated_at = excluded.updated_at";
const INSERT_RUN: &str = "INSERT INTO reminder_runs (local_date, due_at, skipped, created_at) VALUES ($1, $2, $3, $4) \
     ON CONFLICT (local_date) DO NOTHING RETURNING local_date";
/// Merchants who asked for reminders and can be reached.
const SUBSCRIBERS: &str = "FROM users u WHERE u.reminders_enabled AND NOT u.blocked";

impl Db {
    /// The trainers' changes to the days from `from` to `to`, inclusive.
    pub async fn session_changes(&self, from: Date, to: Date) -> DbResult<Vec<SessionChange>> {
        let (from, to) = (from.to_string(), to.to_string());
        let rows: Vec<ChangeRow> =
            on_pool!(self, pool => sqlx::query_as(SELECT_CHANGES).bind(&from).bind(&to).fetch_all(pool).await)?;
        Ok(rows.into_iter().filter_map(ChangeRow::into_change).collect())
    }

    /// Records a change to one day (replacing an earlier change of that day). A new title or link of a day whose
    /// reminders are queued but not all sent also reaches the reminders still waiting.
    pub async fn save_session_change(
        &self,
        change: &SessionChange,
        reminder: Option<&Payload>,
        by: i64,
        now: i64,
    ) -> DbResult<()> {
        let mut tx = self.begin().await?;
        let start = change.start.strftime("%H:%M").to_string();
        on_tx!(&mut tx, conn => sqlx::query(UPSERT_CHANGE).bind(change.date.to_string()).bind(start)
            .bind(change.title.as_deref()).bind(change.url.as_deref()).bind(change.cancelled).bind(by).bind(now)
            .execute(conn).await.map(|_| ()))?;
        if let Some(payload) = reminder {
            let (label, url) = payload.button.as_ref().map(|b| (b.label.as_str(), b.url.as_str())).unzip();
            let sql = "UPDATE outbox_payloads SET text = $2, button_label = $3, button_url = $4 \
                 WHERE id = (SELECT payload_id FROM reminder_runs WHERE local_date = $1)";
            on_tx!(&mut tx, conn => sqlx::query(sql).bind(change.date.to_string()).bind(&payload.text).bind(label)
                .bind(url).execute(conn).await.map(|_| ()))?;
        }
        tx.commit().await
    }

    /// Cancels a day: records it, cancels its reminders not yet sent, and queues `notice` to every subscriber
    /// (once per day and chat). Returns how many notices were queued.
    pub async fn cancel_session(
        &self,
        change: &SessionChange,
        notice: Option<&Payload>,
        by: i64,
        now: i64,
    ) -> DbResult<u64> {
        let mut tx = self.begin().await?;
        let day = change.date.to_string();
        let start = change.start.strftime("%H:%M").to_string();
        on_tx!(&mut tx, conn => sqlx::query(UPSERT_CHANGE).bind(&day).bind(start).bind(change.title.as_deref())
            .bind(change.url.as_deref()).bind(true).bind(by).bind(now).execute(conn).await.map(|_| ()))?;
        let cancel = "UPDATE deliveries SET status = 'cancelled', done_at = $3 \
             WHERE kind = $1 AND source_key = $2 AND status = 'pending'";
        on_tx!(&mut tx, conn => sqlx::query(cancel).bind(DeliveryKind::Reminder.as_str()).bind(&day).bind(now)
            .execute(conn).await.map(|_| ()))?;
        let mut queued = 0;
        if let Some(notice) = notice {
            let payload_id = tx.insert_payload(notice, now).await?;
            let fan_out = format!(
                "INSERT INTO deliveries (kind, source_key, chat_id, payload_id, next_attempt_at, created_at) \
                 SELECT $1, $2, u.id, $3, $4, $4 {SUBSCRIBERS} ON CONFLICT (kind, source_key, chat_id) DO NOTHING"
            );
            queued = on_tx!(&mut tx, conn => sqlx::query(&fan_out).bind(DeliveryKind::WebinarNotice.as_str())
                .bind(&day).bind(payload_id).bind(now).execute(conn).await.map(|r| r.rows_affected()))?;
        }
        tx.commit().await?;
        Ok(queued)
    }

    /// Queues the reminder of the session on `day` to every subscriber, due at `due_at`, unless the session's
    /// reminders were already queued or skipped. The run record and the deliveries commit together.
    pub async fn fan_out_reminders(&self, day: Date, payload: &Payload, due_at: i64, now: i64) -> DbResult<FanOut> {
        let mut tx = self.begin().await?;
        let day = day.to_string();
        let inserted: Option<(String,)> = on_tx!(&mut tx, conn => sqlx::query_as(INSERT_RUN).bind(&day).bind(due_at)
            .bind(false).bind(now).fetch_optional(conn).await)?;
        if inserted.is_none() {
            return Ok(FanOut::AlreadyDone);
        }
        let payload_id = tx.insert_payload(payload, now).await?;
        let fan_out = format!(
            "INSERT INTO deliveries (kind, source_key, chat_id, payload_id, next_attempt_at, created_at) \
             SELECT $1, $2, u.id, $3, $4, $5 {SUBSCRIBERS} ON CONFLICT (kind, source_key, chat_id) DO NOTHING"
        );
        let queued = on_tx!(&mut tx, conn => sqlx::query(&fan_out).bind(DeliveryKind::Reminder.as_str()).bind(&day)
            .bind(payload_id).bind(due_at).bind(now).execute(conn).await.map(|r| r.rows_affected()))?;
        let record = "UPDATE reminder_runs SET payload_id = $2, recipients = $3 WHERE local_date = $1";
        on_tx!(&mut tx, conn => sqlx::query(record).bind(&day).bind(payload_id).bind(queued as i64)
            .execute(conn).await.map(|_| ()))?;
        tx.commit().await?;
        Ok(FanOut::Queued(queued))
    }

    /// Records that the session on `day` ended before its reminders could be queued; returns whether this call
    /// recorded it (so it is logged once).
    pub async fn skip_reminders(&self, day: Date, due_at: i64, now: i64) -> DbResult<bool> {
        let day = day.to_string();
        let inserted: Option<(String,)> = on_pool!(self, pool => sqlx::query_as(INSERT_RUN).bind(&day).bind(due_at)
            .bind(true).bind(now).fetch_optional(pool).await)?;
        Ok(inserted.is_some())
    }

    /// The fan-out record of the session on `day`, if its reminders were queued or skipped.
    pub async fn reminder_run(&self, day: Date) -> DbResult<Option<ReminderRun>> {
        let sql = "SELECT due_at, recipients, skipped, created_at FROM reminder_runs WHERE local_date = $1";
        let run = on_pool!(self, pool => sqlx::query_as(sql).bind(day.to_string()).fetch_optional(pool).await)?;
        Ok(run)
    }

    /// Subscribers who can be reached (for trainers' lists and the benchmark).
    pub async fn count_subscribers(&self) -> DbResult<i64> {
        let sql = format!("SELECT COUNT(*) {SUBSCRIBERS}");
        let count: (i64,) = on_pool!(self, pool => sqlx::query_as(&sql).fetch_one(pool).await)?;
        Ok(count.0)
    }

    /// Records the merchant's answer to the onboarding question, or a change made later.
    pub async fn choose_reminders(&self, id: UserId, enabled: bool) -> DbResult<()> {
        let sql = "UPDATE users SET reminders_enabled = $2, reminders_asked = TRUE WHERE id = $1";
        on_pool!(self, pool => sqlx::query(sql).bind(id.0 as i64).bind(enabled).execute(pool).await.map(|_| ()))?;
        Ok(())
    }

    /// Whether `/start` should still ask about reminders; asking marks it asked, so it is asked once.
    pub async fn ask_about_reminders_once(&self, id: UserId) -> DbResult<bool> {
        let sql = "UPDATE users SET reminders_asked = TRUE WHERE id = $1 AND NOT reminders_asked";
        let changed =
            on_pool!(self, pool => sqlx::query(sql).bind(id.0 as i64).execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(changed > 0)
    }
}
