//! `announcements`: a trainer's message to many merchants, from draft to final report.
//!
//! A draft holds its payload while the trainer composes it. [`Db::confirm_announcement`] turns the draft into
//! one delivery per recipient in one transaction, and only once: the draft id is the idempotency key, so a
//! double tap on *Envoyer* or a re-delivered update queues nothing more. A scheduled announcement's deliveries
//! simply become due at its time. Statuses: `draft` → `queued` → `done`, or `stopped` / `cancelled`.

use super::{
    Db, DbResult,
    deliveries::{DeliveryCounts, DeliveryKind, Payload},
    on_pool, on_tx,
};

/// Who receives an announcement.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Audience {
    /// Every merchant who did not block the bot.
    All,
    /// Merchants who asked for the webinar reminders.
    Reminders,
    /// Merchants who have marked at least one module of this chapter as seen.
    Chapter(String),
}

impl Audience {
    #[must_use]
    pub fn encode(&self) -> String {
        match self {
            Self::All => "all".to_owned(),
            Self::Reminders => "reminders".to_owned(),
            Self::Chapter(id) => format!("chapter:{id}"),
        }
    }

    #[must_use]
    pub fn decode(raw: &str) -> Option<Self> {
        match raw {
            "all" => Some(Self::All),
            "reminders" => Some(Self::Reminders),
            _ => raw.strip_prefix("chapter:").map(|id| Self::Chapter(id.to_owned())),
        }
    }

    /// The `WHERE` condition on `users u` selecting the audience; module ids are bound from `$first` on.
    fn condition(&self, filter: &AudienceFilter, first: usize) -> String {
        let modules = &filter.modules;
        // Staff (their role is in the row) and people given a role before they ever wrote are not an audience.
        let mut base = "u.role = 'merchant' AND NOT u.blocked AND u.last_seen_at > 0".to_owned();
        if !filter.staff.is_empty() {
            // Numbers from the caller, not user input.
            let ids: Vec<String> = filter.staff.iter().map(i64::to_string).collect();
            base = format!("{base} AND u.id NOT IN ({})", ids.join(", "));
        }
        match self {
            Self::All => base.to_owned(),
            Self::Reminders => format!("{base} AND u.reminders_enabled"),
            Self::Chapter(_) if modules.is_empty() => format!("{base} AND FALSE"),
            Self::Chapter(_) => {
                let placeholders: Vec<String> = (first..first + modules.len()).map(|n| format!("${n}")).collect();
                format!(
                    "{base} AND u.id IN (SELECT user_id FROM module_progress WHERE module_id IN ({}))",
                    placeholders.join(", ")
                )
            }
        }
    }
}

/// What narrows an audience besides its kind: the modules of its chapter, and ids to leave out (staff are left
/// out by their role already).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AudienceFilter {
    pub modules: Vec<String>,
    pub staff: Vec<i64>,
}

/// Where an announcement stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnnouncementStatus {
    Draft,
    Queued,
    Done,
    Stopped,
    Cancelled,
}

impl AnnouncementStatus {
    fn parse(raw: &str) -> Self {
        match raw {
            "queued" => Self::Queued,
            "done" => Self::Done,
            "stopped" => Self::Stopped,
            "cancelled" => Self::Cancelled,
            _ => Self::Draft,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Announcement {
    pub id: i64,
    pub author_id: i64,
    pub payload_id: i64,
    pub status: AnnouncementStatus,
    pub audience: Option<Audience>,
    pub send_at: Option<i64>,
    pub recipients: i64,
    pub progress_message_id: Option<i64>,
    pub created_at: i64,
}

#[derive(sqlx::FromRow)]
struct AnnouncementRow {
    id: i64,
    author_id: i64,
    payload_id: i64,
    status: String,
    audience: Option<String>,
    send_at: Option<i64>,
    recipients: i64,
    progress_message_id: Option<i64>,
    created_at: i64,
}

impl From<AnnouncementRow> for Announcement {
    fn from(row: AnnouncementRow) -> Self {
        Self {
            id: row.id,
            author_id: row.author_id,
            payload_id: row.payload_id,
            status: AnnouncementStatus::parse(&row.status),
            audience: row.audience.as_deref().and_then(Audience::decode),
            send_at: row.send_at,
            recipients: row.recipients,
            progress_message_id: row.progress_message_id,
            created_at: row.created_at,
        }
    }
}

const SELECT_ANNOUNCEMENT: &str = "SELECT id, author_id, payload_id, status, audience, send_at, recipients, \
     progress_message_id, created_at FROM announcements";

/// What confirming a draft did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirmation {
    /// Queued now, for this many recipients.
    Queued { recipients: i64 },
    /// Already confirmed (double tap, re-delivered update) or cancelled: nothing more was queued.
    AlreadyDone,
}

impl Db {
    /// Creates a draft announcement by `author` with its text; returns its id.
    pub async fn create_draft(&self, author: i64, payload: &Payload, now: i64) -> DbResult<i64> {
        let mut tx = self.begin().await?;
        let payload_id = tx.insert_payload(payload, now).await?;
        let sql = "INSERT INTO announcements (author_id, payload_id, created_at) VALUES ($1, $2, $3) RETURNING id";
        let id: (i64,) =
            on_tx!(&mut tx, conn => sqlx::query_as(sql).bind(author).bind(payload_id).bind(now).fetch_one(conn).await)?;
        tx.commit().await?;
        Ok(id.0)
    }

    /// Replaces the text or button of a draft (not once it is confirmed).
    pub async fn update_draft(&self, id: i64, payload: &Payload) -> DbResult<()> {
        let sql = "UPDATE outbox_payloads SET text = $2, button_label = $3, button_url = $4 WHERE id = \
             (SELECT payload_id FROM announcements WHERE id = $1 AND status = 'draft')";
        let (label, url) = payload.button.as_ref().map(|b| (b.label.as_str(), b.url.as_str())).unzip();
        on_pool!(self, pool => sqlx::query(sql).bind(id).bind(&payload.text).bind(label).bind(url).execute(pool).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn announcement(&self, id: i64) -> DbResult<Announcement> {
        let sql = format!("{SELECT_ANNOUNCEMENT} WHERE id = $1");
        let row: AnnouncementRow = on_pool!(self, pool => sqlx::query_as(&sql).bind(id).fetch_one(pool).await)?;
        Ok(row.into())
    }

    /// How many merchants `audience` reaches now.
    pub async fn count_audience(&self, audience: &Audience, filter: &AudienceFilter) -> DbResult<i64> {
        let sql = format!("SELECT COUNT(*) FROM users u WHERE {}", audience.condition(filter, 1));
        let count: (i64,) = on_pool!(self, pool => {
            let mut query = sqlx::query_as(&sql);
            for module in &filter.modules {
                query = query.bind(module);
            }
            query.fetch_one(pool).await
        })?;
        Ok(count.0)
    }

    /// Turns draft `id` into one delivery per recipient, due at `send_at`, in one transaction; a draft already
    /// confirmed or cancelled queues nothing.
    pub async fn confirm_announcement(
        &self,
        id: i64,
        audience: &Audience,
        filter: &AudienceFilter,
        send_at: i64,
        now: i64,
    ) -> DbResult<Confirmation> {
        let mut tx = self.begin().await?;
        let claim = "UPDATE announcements SET status = 'queued', audience = $2, send_at = $3, confirmed_at = $4 \
             WHERE id = $1 AND status = 'draft' RETURNING payload_id";
        let payload: Option<(i64,)> = on_tx!(&mut tx, conn => sqlx::query_as(claim).bind(id).bind(audience.encode()).bind(send_at).bind(now).fetch_optional(conn).await)?;
        let Some((payload_id,)) = payload else { return Ok(Confirmation::AlreadyDone) };
        let fan_out = format!(
            "INSERT INTO deliveries (kind, source_key, chat_id, payload_id, announcement_id, next_attempt_at, \
             created_at) SELECT $1, $2, u.id, $3, $4, $5, $6 FROM users u WHERE {} \
             ON CONFLICT (kind, source_key, chat_id) DO NOTHING",
            audience.condition(filter, 7)
        );
        let recipients = on_tx!(&mut tx, conn => {
            let mut query = sqlx::query(&fan_out)
                .bind(DeliveryKind::Announcement.as_str())
                .bind(id.to_string())
                .bind(payload_id)
                .bind(id)
                .bind(send_at)
                .bind(now);
            for module in &filter.modules {
                query = query.bind(module);
            }
            query.execute(conn).await.map(|r| r.rows_affected())
        })?;
        let recipients = i64::try_from(recipients).unwrap_or(i64::MAX);
        let sql = "UPDATE announcements SET recipients = $2 WHERE id = $1";
        on_tx!(&mut tx, conn => sqlx::query(sql).bind(id).bind(recipients).execute(conn).await.map(|_| ()))?;
        tx.commit().await?;
        Ok(Confirmation::Queued { recipients })
    }

    /// Drops a draft the trainer abandoned (*Annuler*), payload included.
    pub async fn discard_draft(&self, id: i64) -> DbResult<bool> {
        let sql = "UPDATE announcements SET status = 'cancelled' WHERE id = $1 AND status = 'draft'";
        let changed = on_pool!(self, pool => sqlx::query(sql).bind(id).execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(changed > 0)
    }

    /// Stops a queued announcement: its pending deliveries are cancelled (sends in flight still complete).
    /// `status` is `stopped` for one that started, `cancelled` for one still waiting for its time.
    pub async fn stop_announcement(&self, id: i64, now: i64) -> DbResult<bool> {
        let mut tx = self.begin().await?;
        let sql = "UPDATE announcements SET status = CASE WHEN send_at > $2 THEN 'cancelled' ELSE 'stopped' END \
             WHERE id = $1 AND status = 'queued'";
        let changed = on_tx!(&mut tx, conn => sqlx::query(sql).bind(id).bind(now).execute(conn).await.map(|r| r.rows_affected()))?;
        let sql = "UPDATE deliveries SET status = 'cancelled', done_at = $2 WHERE announcement_id = $1 AND status = 'pending'";
        on_tx!(&mut tx, conn => sqlx::query(sql).bind(id).bind(now).execute(conn).await.map(|_| ()))?;
        tx.commit().await?;
        Ok(changed > 0)
    }

    /// Marks a queued announcement whose deliveries all ended as done; `true` for the one caller that did it
    /// (who then sends the final report, once even with several workers).
    pub async fn finish_announcement(&self, id: i64) -> DbResult<bool> {
        let sql = "UPDATE announcements SET status = 'done' WHERE id = $1 AND status = 'queued' \
             AND NOT EXISTS (SELECT 1 FROM deliveries WHERE announcement_id = $1 AND status = 'pending')";
        let changed = on_pool!(self, pool => sqlx::query(sql).bind(id).execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(changed > 0)
    }

    /// Records the author's progress message.
    pub async fn set_progress_message(&self, id: i64, message_id: i64) -> DbResult<()> {
        let sql = "UPDATE announcements SET progress_message_id = $2 WHERE id = $1";
        on_pool!(self, pool => sqlx::query(sql).bind(id).bind(message_id).execute(pool).await.map(|_| ()))?;
        Ok(())
    }

    /// Takes the right to edit the progress message now if the last edit is older than `not_since`.
    pub async fn take_progress_turn(&self, id: i64, now: i64, not_since: i64) -> DbResult<bool> {
        let sql =
            "UPDATE announcements SET progress_at = $2 WHERE id = $1 AND (progress_at IS NULL OR progress_at <= $3)";
        let changed = on_pool!(self, pool => sqlx::query(sql).bind(id).bind(now).bind(not_since).execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(changed > 0)
    }

    /// The latest confirmed announcements, newest first, with their delivery counts.
    pub async fn recent_announcements(&self, limit: i64) -> DbResult<Vec<(Announcement, DeliveryCounts)>> {
        let sql = format!("{SELECT_ANNOUNCEMENT} WHERE confirmed_at IS NOT NULL ORDER BY id DESC LIMIT $1");
        let rows: Vec<AnnouncementRow> =
            on_pool!(self, pool => sqlx::query_as(&sql).bind(limit).fetch_all(pool).await)?;
        let mut list = Vec::with_capacity(rows.len());
        for row in rows {
            let counts = self.announcement_counts(row.id).await?;
            list.push((row.into(), counts));
        }
        Ok(list)
    }
}
