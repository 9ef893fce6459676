//! The `trainer_replies` table: a trainer's answer to a merchant's question, queued for the merchant in the
//! transaction that records it, and the merchant's one follow-up, queued for the same trainer.

use teloxide::types::UserId;

use super::{
    Db, DbResult,
    deliveries::{DeliveryKind, Payload},
    on_pool, on_tx,
};

/// A trainer's reply, ready to be recorded and sent.
#[derive(Debug, Clone)]
pub struct NewReply<'a> {
    pub question_id: i64,
    pub trainer: UserId,
    pub trainer_name: &'a str,
    pub text: &'a str,
    /// What the merchant receives (their question quoted).
    pub payload: &'a Payload,
    pub now: i64,
}

/// A recorded reply, with the merchant it went to.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReplyRecord {
    pub id: i64,
    pub question_id: i64,
    pub merchant_id: i64,
    pub trainer_id: Option<i64>,
    pub trainer_name: Option<String>,
    pub followup_at: Option<i64>,
}

/// The merchant's follow-up to a reply, ready to be recorded and passed to the trainer.
#[derive(Debug, Clone)]
pub struct NewFollowUp<'a> {
    pub reply_id: i64,
    pub merchant: UserId,
    pub text: &'a str,
    /// The note the trainer receives.
    pub note: &'a Payload,
    pub now: i64,
}

impl Db {
    /// Records a reply, marks the question answered (by whom, when) and queues the reply for the merchant, in one
    /// transaction; returns the reply id.
    pub async fn record_reply(&self, reply: NewReply<'_>) -> DbResult<i64> {
        let NewReply { question_id, trainer, trainer_name, text, payload, now } = reply;
        let mut tx = self.begin().await?;
        let sql = "UPDATE questions SET answered_at = $2, answered_by = $3 WHERE id = $1 RETURNING user_id";
        let (merchant,): (i64,) = on_tx!(&mut tx, conn => sqlx::query_as(sql).bind(question_id).bind(now).bind(trainer.0 as i64).fetch_one(conn).await)?;
        let sql = "INSERT INTO trainer_replies (question_id, trainer_id, trainer_name, text, created_at) \
                   VALUES ($1, $2, $3, $4, $5) RETURNING id";
        let (id,): (i64,) = on_tx!(&mut tx, conn => sqlx::query_as(sql).bind(question_id).bind(trainer.0 as i64).bind(trainer_name).bind(text).bind(now).fetch_one(conn).await)?;
        let payload_id = tx.insert_payload(payload, now).await?;
        tx.enqueue(DeliveryKind::TrainerReply, &id.to_string(), merchant, payload_id, now, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Reply `id` if it answered a question of `merchant` (a button cannot act on someone else's reply).
    pub async fn reply_to(&self, id: i64, merchant: UserId) -> DbResult<ReplyRecord> {
        let sql = "SELECT r.id, r.question_id, q.user_id AS merchant_id, r.trainer_id, r.trainer_name, r.followup_at \
                   FROM trainer_replies r JOIN questions q ON q.id = r.question_id WHERE r.id = $1 AND q.user_id = $2";
        let row = on_pool!(self, pool => sqlx::query_as(sql).bind(id).bind(merchant.0 as i64).fetch_one(pool).await)?;
        Ok(row)
    }

    /// Records the merchant's follow-up to reply `reply_id` as a question passed to the trainer who replied, and
    /// queues the note for that trainer. `None` when the follow-up was already used or the trainer is gone.
    pub async fn record_followup(&self, followup: NewFollowUp<'_>) -> DbResult<Option<i64>> {
        let NewFollowUp { reply_id, merchant, text, note, now } = followup;
        let reply = self.reply_to(reply_id, merchant).await?;
        let Some(trainer) = reply.trainer_id else { return Ok(None) };
        let mut tx = self.begin().await?;
        let sql = "UPDATE trainer_replies SET followup_at = $2 WHERE id = $1 AND followup_at IS NULL";
        let changed = on_tx!(&mut tx, conn => sqlx::query(sql).bind(reply_id).bind(now).execute(conn).await.map(|r| r.rows_affected()))?;
        if changed == 0 {
            return Ok(None);
        }
        let sql = "INSERT INTO questions (user_id, text, outcome, forwarded_at, created_at) \
                   VALUES ($1, $2, 'followup', $3, $3) RETURNING id";
        let (question_id,): (i64,) = on_tx!(&mut tx, conn => sqlx::query_as(sql).bind(merchant.0 as i64).bind(text).bind(now).fetch_one(conn).await)?;
        let payload_id = tx.insert_payload(note, now).await?;
        tx.enqueue(DeliveryKind::TrainerNote, &question_id.to_string(), trainer, payload_id, now, now).await?;
        tx.commit().await?;
        Ok(Some(question_id))
    }

    /// Question `id`, whoever asked it (for staff).
    pub async fn question(&self, id: i64) -> DbResult<super::questions::QuestionRecord> {
        let sql = format!("{} WHERE id = $1", super::questions::SELECT_QUESTION);
        let row = on_pool!(self, pool => sqlx::query_as(&sql).bind(id).fetch_one(pool).await)?;
        Ok(row)
    }
}
