//! The outbox: `outbox_payloads` (what is sent) and `deliveries` (to whom, and how far it got).
//!
//! Deliveries are enqueued inside the caller's [`Tx`], claimed in batches with a lease by the delivery worker,
//! sent outside any transaction, and closed by [`Db::record_delivery`]. The claim is the statement whose dialects
//! differ: PostgreSQL skips rows another replica is claiming (`FOR UPDATE SKIP LOCKED`); SQLite has a single
//! writer, so its `UPDATE … RETURNING` is atomic as it is. A lease that expires (a crash between claim and
//! record) makes the row claimable again.

use super::{Db, DbResult, Tx, on_pool, on_tx};

/// What a delivery is one of; with the source key and the chat it makes a delivery unique.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryKind {
    Announcement,
    TrainerNote,
    /// A webinar reminder; the source key is the session's local day.
    Reminder,
    /// A trainer's notice that a day's webinar is cancelled; the source key is the day.
    WebinarNotice,
    /// A trainer's reply to a merchant's question; the source key is the reply id.
    TrainerReply,
    /// The Monday summary to an admin who asked for it; the source key is the Monday's date.
    WeeklySummary,
}

impl DeliveryKind {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Announcement => "announcement",
            Self::TrainerNote => "trainer_note",
            Self::Reminder => "reminder",
            Self::WebinarNotice => "webinar_notice",
            Self::TrainerReply => "trainer_reply",
            Self::WeeklySummary => "weekly_summary",
        }
    }
}

/// A message as it will be sent: Telegram HTML and an optional link button under it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Payload {
    pub text: String,
    pub button: Option<LinkButton>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LinkButton {
    pub label: String,
    pub url: String,
}

#[derive(sqlx::FromRow)]
struct PayloadRow {
    text: String,
    button_label: Option<String>,
    button_url: Option<String>,
}

impl From<PayloadRow> for Payload {
    fn from(row: PayloadRow) -> Self {
        let button = match (row.button_label, row.button_url) {
            (Some(label), Some(url)) => Some(LinkButton { label, url }),
            _ => None,
        };
        Self { text: row.text, button }
    }
}

/// A delivery a worker holds a lease on.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ClaimedDelivery {
    pub id: i64,
    pub chat_id: i64,
    pub payload_id: i64,
    pub announcement_id: Option<i64>,
    /// [`DeliveryKind::as_str`].
    pub kind: String,
    /// What the delivery is about (announcement id, question id, reply id, day).
    pub source_key: String,
    /// Transient failures so far.
    pub attempts: i32,
}

/// How a send attempt ends for the queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transition {
    /// Telegram accepted it.
    Sent,
    /// The chat cannot receive it (blocked, deactivated, gone): done, not retried.
    Unreachable,
    /// Try again at `at` (Unix seconds); `counted` when it used up one of the attempts (not for a 429).
    RetryAt { at: i64, counted: bool, error: String },
    /// Given up: attempts exhausted, or Telegram refused the message itself.
    Failed(String),
    /// Not attempted (the worker is stopping): the lease is given back, claimable again at once.
    Released,
}

impl Transition {
    /// A short name, for metrics.
    #[must_use]
    pub fn label(&self) -> &'static str {
        match self {
            Self::Sent => "sent",
            Self::Unreachable => "unreachable",
            Self::RetryAt { .. } => "retry",
            Self::Failed(_) => "failed",
            Self::Released => "released",
        }
    }
}

/// The pending part of the outbox at one instant (for `/metrics`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct QueueStats {
    /// Pending and due now.
    pub due: i64,
    /// Pending and due later (scheduled announcements, retries waiting for their time).
    pub scheduled: i64,
    /// When the oldest due delivery became due (Unix seconds).
    pub oldest_due_at: Option<i64>,
}

/// Where the deliveries of one announcement stand.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct DeliveryCounts {
    pub pending: i64,
    pub sent: i64,
    pub unreachable: i64,
    pub failed: i64,
    pub cancelled: i64,
}

impl DeliveryCounts {
    #[must_use]
    pub fn total(&self) -> i64 {
        self.pending + self.sent + self.unreachable + self.failed + self.cancelled
    }

    /// Deliveries that reached an end.
    #[must_use]
    pub fn finished(&self) -> i64 {
        self.total() - self.pending
    }
}

const INSERT_PAYLOAD: &str =
    "INSERT INTO outbox_payloads (text, button_label, button_url, created_at) VALUES ($1, $2, $3, $4) RETURNING id";
const INSERT_DELIVERY: &str = "INSERT INTO deliveries (kind, source_key, chat_id, payload_id, announcement_id, \
     next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (kind, source_key, chat_id) DO NOTHING";
const CLAIM_SQLITE: &str = "UPDATE deliveries SET lease_until = $1 WHERE id IN (SELECT id FROM deliveries \
     WHERE status = 'pending' AND next_attempt_at <= $2 AND (lease_until IS NULL OR lease_until <= $2) \
     ORDER BY next_attempt_at, id LIMIT $3) \
     RETURNING id, chat_id, payload_id, announcement_id, kind, source_key, attempts";
const CLAIM_POSTGRES: &str = "UPDATE deliveries SET lease_until = $1 WHERE id IN (SELECT id FROM deliveries \
     WHERE status = 'pending' AND next_attempt_at <= $2 AND (lease_until IS NULL OR lease_until <= $2) \
     ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED) \
     RETURNING id, chat_id, payload_id, announcement_id, kind, source_key, attempts";
const COUNTS: &str = "SELECT \
     COALESCE(SUM(CASE WHEN status = 'pending' THEN 1 ELSE 0 END), 0) AS pending, \
     COALESCE(SUM(CASE WHEN status = 'sent' THEN 1 ELSE 0 END), 0) AS sent, \
     COALESCE(SUM(CASE WHEN status = 'unreachable' THEN 1 ELSE 0 END), 0) AS unreachable, \
     COALESCE(SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END), 0) AS failed, \
     COALESCE(SUM(CASE WHEN status = 'cancelled' THEN 1 ELSE 0 END), 0) AS cancelled \
     FROM deliveries WHERE announcement_id = $1";

impl Tx {
    /// Stores a message to send; returns its id for [`Tx::enqueue`].
    pub async fn insert_payload(&mut self, payload: &Payload, now: i64) -> DbResult<i64> {
        let (label, url) = payload.button.as_ref().map(|b| (b.label.as_str(), b.url.as_str())).unzip();
        let id: (i64,) = on_tx!(self, conn => sqlx::query_as(INSERT_PAYLOAD).bind(&payload.text).bind(label).bind(url).bind(now).fetch_one(conn).await)?;
        Ok(id.0)
    }

    /// Queues `payload_id` for `chat`, due at `due_at`; a delivery that already exists for the same kind,
    /// source and chat is left alone. Returns whether a row was added.
    pub async fn enqueue(
        &mut self,
        kind: DeliveryKind,
        source_key: &str,
        chat: i64,
        payload_id: i64,
        due_at: i64,
        now: i64,
    ) -> DbResult<bool> {
        let added = on_tx!(self, conn => sqlx::query(INSERT_DELIVERY)
            .bind(kind.as_str()).bind(source_key).bind(chat).bind(payload_id).bind(None::<i64>).bind(due_at).bind(now)
            .execute(conn).await.map(|r| r.rows_affected()))?;
        Ok(added > 0)
    }
}

impl Db {
    /// Leases up to `limit` due deliveries until `lease_until`, oldest due first.
    pub async fn claim_deliveries(&self, now: i64, lease_until: i64, limit: i64) -> DbResult<Vec<ClaimedDelivery>> {
        let mut claimed: Vec<ClaimedDelivery> = match self {
            Self::Sqlite(pool) => {
                sqlx::query_as(CLAIM_SQLITE).bind(lease_until).bind(now).bind(limit).fetch_all(pool).await?
            }
            Self::Postgres(pool) => {
                sqlx::query_as(CLAIM_POSTGRES).bind(lease_until).bind(now).bind(limit).fetch_all(pool).await?
            }
        };
        claimed.sort_by_key(|delivery| delivery.id);
        Ok(claimed)
    }

    pub async fn payload(&self, id: i64) -> DbResult<Payload> {
        let sql = "SELECT text, button_label, button_url FROM outbox_payloads WHERE id = $1";
        let row: PayloadRow = on_pool!(self, pool => sqlx::query_as(sql).bind(id).fetch_one(pool).await)?;
        Ok(row.into())
    }

    /// Records how a send attempt ended and releases the lease. A delivery cancelled meanwhile stays cancelled
    /// unless it was in fact sent.
    pub async fn record_delivery(&self, id: i64, transition: &Transition, now: i64) -> DbResult<()> {
        match transition {
            Transition::Sent => {
                let sql = "UPDATE deliveries SET status = 'sent', lease_until = NULL, done_at = $2 WHERE id = $1";
                on_pool!(self, pool => sqlx::query(sql).bind(id).bind(now).execute(pool).await.map(|_| ()))?;
            }
            Transition::Unreachable => {
                let sql = "UPDATE deliveries SET status = 'unreachable', lease_until = NULL, done_at = $2 \
                     WHERE id = $1 AND status = 'pending'";
                on_pool!(self, pool => sqlx::query(sql).bind(id).bind(now).execute(pool).await.map(|_| ()))?;
            }
            Transition::RetryAt { at, counted, error } => {
                let sql = "UPDATE deliveries SET next_attempt_at = $2, attempts = attempts + $3, last_error = $4, \
                     lease_until = NULL WHERE id = $1 AND status = 'pending'";
                on_pool!(self, pool => sqlx::query(sql).bind(id).bind(*at).bind(i32::from(*counted)).bind(error.as_str()).execute(pool).await.map(|_| ()))?;
            }
            Transition::Released => {
                let sql = "UPDATE deliveries SET lease_until = NULL WHERE id = $1 AND status = 'pending'";
                on_pool!(self, pool => sqlx::query(sql).bind(id).execute(pool).await.map(|_| ()))?;
            }
            Transition::Failed(error) => {
                let sql = "UPDATE deliveries SET status = 'failed', lease_until = NULL, done_at = $2, \
                     last_error = $3, attempts = attempts + 1 WHERE id = $1 AND status = 'pending'";
                on_pool!(self, pool => sqlx::query(sql).bind(id).bind(now).bind(error.as_str()).execute(pool).await.map(|_| ()))?;
            }
        }
        Ok(())
    }

    /// Deliveries due now or later that no one has finished (for tests and the benchmark).
    pub async fn pending_deliveries(&self) -> DbResult<i64> {
        let sql = "SELECT COUNT(*) FROM deliveries WHERE status = 'pending'";
        let count: (i64,) = on_pool!(self, pool => sqlx::query_as(sql).fetch_one(pool).await)?;
        Ok(count.0)
    }

    /// Pending deliveries due at `now` and later, and since when the oldest due one has waited.
    pub async fn queue_stats(&self, now: i64) -> DbResult<QueueStats> {
        let sql = "SELECT \
             COALESCE(SUM(CASE WHEN next_attempt_at <= $1 THEN 1 ELSE 0 END), 0) AS due, \
             COALESCE(SUM(CASE WHEN next_attempt_at > $1 THEN 1 ELSE 0 END), 0) AS scheduled, \
             MIN(CASE WHEN next_attempt_at <= $1 THEN next_attempt_at END) AS oldest_due_at \
             FROM deliveries WHERE status = 'pending'";
        let stats = on_pool!(self, pool => sqlx::query_as(sql).bind(now).fetch_one(pool).await)?;
        Ok(stats)
    }

    /// Per-status counts of one announcement's deliveries.
    pub async fn announcement_counts(&self, announcement: i64) -> DbResult<DeliveryCounts> {
        let counts = on_pool!(self, pool => sqlx::query_as(COUNTS).bind(announcement).fetch_one(pool).await)?;
        Ok(counts)
    }
}
