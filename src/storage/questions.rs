//! The `questions` and `feedback` tables: every question asked, its outcome, and every 👍 / 👎.
//! They feed statistics and the loop where trainers answer what the bot could not.

use teloxide::types::UserId;

use super::{Db, DbResult, Tx, on_pool, on_tx};

/// A question as the matcher saw it, ready to be recorded.
#[derive(Debug, Clone)]
pub struct NewQuestion<'a> {
    pub user_id: UserId,
    pub text: &'a str,
    pub outcome: &'a str,
    pub faq_id: Option<&'a str>,
    pub score: Option<f64>,
    pub now: i64,
}

/// A recorded question.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct QuestionRecord {
    pub id: i64,
    pub user_id: i64,
    pub text: String,
    pub outcome: String,
    pub faq_id: Option<String>,
    pub score: Option<f64>,
    pub forwarded_at: Option<i64>,
    pub created_at: i64,
    /// When a trainer replied, and who (cleared if that trainer erased their data).
    pub answered_at: Option<i64>,
    pub answered_by: Option<i64>,
}

/// The figures of `/stats`, each defined once so that parts never exceed their whole.
///
/// Every message is recorded once with one outcome. `questions` counts the questions the bot handled and is
/// exactly `answer + suggest + fallback`; small talk and `/formateur` messages (outcome `trainer`) are counted
/// apart. `forwarded` counts distinct messages passed to a trainer (after a 👎, from a suggestion or a fallback,
/// or through `/formateur`): a figure of its own, not a part of `fallback`. `helpful` and `not_helpful` count
/// votes on answers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuestionStats {
    pub questions: i64,
    pub answer: i64,
    pub suggest: i64,
    pub fallback: i64,
    pub smalltalk: i64,
    pub forwarded: i64,
    pub helpful: i64,
    pub not_helpful: i64,
}

pub(super) const SELECT_QUESTION: &str = "SELECT id, user_id, text, outcome, faq_id, score, forwarded_at, created_at, answered_at, answered_by FROM questions";

impl Db {
    pub async fn record_question(&self, question: NewQuestion<'_>) -> DbResult<i64> {
        let sql = "INSERT INTO questions (user_id, text, outcome, faq_id, score, created_at) \
                   VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
        let NewQuestion { user_id, text, outcome, faq_id, score, now } = question;
        let (id,): (i64,) = on_pool!(self, pool => sqlx::query_as(sql)
            .bind(user_id.0 as i64).bind(text).bind(outcome).bind(faq_id).bind(score).bind(now)
            .fetch_one(pool).await)?;
        Ok(id)
    }

    /// The question `id` if it was asked by `user_id` (a button cannot act on someone else's question).
    pub async fn question_of(&self, id: i64, user_id: UserId) -> DbResult<QuestionRecord> {
        let sql = format!("{SELECT_QUESTION} WHERE id = $1 AND user_id = $2");
        let row = on_pool!(self, pool => sqlx::query_as(&sql).bind(id).bind(user_id.0 as i64).fetch_one(pool).await)?;
        Ok(row)
    }

    /// Records (or changes) a user's 👍 / 👎 on the answer to one of their questions.
    pub async fn record_feedback(
        &self,
        question_id: i64,
        user_id: UserId,
        faq_id: &str,
        helpful: bool,
        now: i64,
    ) -> DbResult<()> {
        let sql = "INSERT INTO feedback (question_id, user_id, faq_id, helpful, created_at) VALUES ($1, $2, $3, $4, $5) \
                   ON CONFLICT (question_id, user_id) DO UPDATE SET helpful = excluded.helpful, created_at = excluded.created_at";
        on_pool!(self, pool => sqlx::query(sql).bind(question_id).bind(user_id.0 as i64).bind(faq_id).bind(helpful).bind(now).execute(pool).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn feedback_of(&self, question_id: i64, user_id: UserId) -> DbResult<Option<bool>> {
        let sql = "SELECT helpful FROM feedback WHERE question_id = $1 AND user_id = $2";
        let row: Option<(bool,)> = on_pool!(self, pool => sqlx::query_as(sql).bind(question_id).bind(user_id.0 as i64).fetch_optional(pool).await)?;
        Ok(row.map(|(helpful,)| helpful))
    }

    /// The latest questions (asked at or after `since`) the bot could not answer or only suggested for, or that
    /// merchants passed to a trainer, newest first.
    pub async fn unanswered_questions(&self, since: i64, limit: i64) -> DbResult<Vec<QuestionRecord>> {
        let sql = format!(
            "{SELECT_QUESTION} WHERE (outcome IN ('fallback', 'suggest') OR forwarded_at IS NOT NULL) \
             AND created_at >= $1 ORDER BY id DESC LIMIT $2"
        );
        let rows = on_pool!(self, pool => sqlx::query_as(&sql).bind(since).bind(limit).fetch_all(pool).await)?;
        Ok(rows)
    }

    /// Questions passed to the trainers at or before `before` (a staff member's first visit: they were never told) and
    /// not before `since`, newest first.
    pub async fn forwarded_between(&self, since: i64, before: i64, limit: i64) -> DbResult<Vec<QuestionRecord>> {
        let sql = format!(
            "{SELECT_QUESTION} WHERE forwarded_at IS NOT NULL AND forwarded_at >= $1 AND forwarded_at <= $2 \
             ORDER BY forwarded_at DESC, id DESC LIMIT $3"
        );
        let rows =
            on_pool!(self, pool => sqlx::query_as(&sql).bind(since).bind(before).bind(limit).fetch_all(pool).await)?;
        Ok(rows)
    }

    /// How many messages `user_id` sent with outcome `outcome` since `since`.
    pub async fn count_outcome_since(&self, user_id: UserId, outcome: &str, since: i64) -> DbResult<i64> {
        let sql = "SELECT COUNT(*) FROM questions WHERE user_id = $1 AND outcome = $2 AND created_at >= $3";
        let (count,): (i64,) = on_pool!(self, pool => sqlx::query_as(sql).bind(user_id.0 as i64).bind(outcome).bind(since).fetch_one(pool).await)?;
        Ok(count)
    }

    pub async fn questions_of(&self, user_id: UserId) -> DbResult<Vec<QuestionRecord>> {
        let sql = format!("{SELECT_QUESTION} WHERE user_id = $1 ORDER BY id");
        let rows = on_pool!(self, pool => sqlx::query_as(&sql).bind(user_id.0 as i64).fetch_all(pool).await)?;
        Ok(rows)
    }

    pub async fn question_stats(&self) -> DbResult<QuestionStats> {
        let sql = "SELECT \
            COALESCE(SUM(CASE WHEN outcome = 'answer' THEN 1 ELSE 0 END), 0), \
            COALESCE(SUM(CASE WHEN outcome = 'suggest' THEN 1 ELSE 0 END), 0), \
            COALESCE(SUM(CASE WHEN outcome = 'fallback' THEN 1 ELSE 0 END), 0), \
            COALESCE(SUM(CASE WHEN outcome = 'smalltalk' THEN 1 ELSE 0 END), 0), \
            COALESCE(SUM(CASE WHEN forwarded_at IS NOT NULL THEN 1 ELSE 0 END), 0) FROM questions";
        let (answer, suggest, fallback, smalltalk, forwarded): (i64, i64, i64, i64, i64) =
            on_pool!(self, pool => sqlx::query_as(sql).fetch_one(pool).await)?;
        let sql = "SELECT COALESCE(SUM(CASE WHEN helpful THEN 1 ELSE 0 END), 0), \
                   COALESCE(SUM(CASE WHEN helpful THEN 0 ELSE 1 END), 0) FROM feedback";
        let (helpful, not_helpful): (i64, i64) = on_pool!(self, pool => sqlx::query_as(sql).fetch_one(pool).await)?;
        let questions = answer + suggest + fallback;
        Ok(QuestionStats { questions, answer, suggest, fallback, smalltalk, forwarded, helpful, not_helpful })
    }
}

impl Tx {
    /// Flags question `id` of `user_id` as passed to the trainers; `true` the first time only.
    pub async fn forward_question(&mut self, id: i64, user_id: UserId, now: i64) -> DbResult<bool> {
        let sql = "UPDATE questions SET forwarded_at = $3 WHERE id = $1 AND user_id = $2 AND forwarded_at IS NULL";
        let changed = on_tx!(self, conn => sqlx::query(sql).bind(id).bind(user_id.0 as i64).bind(now).execute(conn).await.map(|r| r.rows_affected()))?;
        Ok(changed > 0)
    }
}
