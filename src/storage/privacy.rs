//! A user's data, all of it: exported on request, erased on request (GDPR articles 15, 17 and 20), and the
//! question logs purged once older than the retention period.
//!
//! [`PERSONAL_COLUMNS`] lists every column that holds a Telegram user id (a private chat id is the same number) and
//! what erasure does with it: the user's own rows are deleted; where they acted as staff (an announcement written,
//! a webinar changed, a reply to a merchant) the row stays and their id is cleared. A test compares this list with
//! the schema itself ([`Db::user_columns`]), so a new table holding a user id cannot be forgotten here.
//! Texts that quote a merchant outside their own rows are erased with them: the note that passed their question to
//! the trainers and the replies they received (`outbox_payloads`).

use serde::Serialize;
use teloxide::types::UserId;

use super::{Db, DbResult, on_pool, on_tx, questions::QuestionRecord};

/// What erasing a user does with one column holding their id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Erasure {
    /// The user's own rows: deleted.
    Delete,
    /// Rows about others, where the user acted as staff: kept, the id cleared (NULL, or 0 where it is required).
    Anonymise,
}

/// Every `(table, column)` holding a user id, and what erasure does with it. Export covers them all.
pub const PERSONAL_COLUMNS: &[(&str, &str, Erasure)] = &[
    ("users", "id", Erasure::Delete),
    ("questions", "user_id", Erasure::Delete),
    ("questions", "answered_by", Erasure::Anonymise),
    ("feedback", "user_id", Erasure::Delete),
    ("module_progress", "user_id", Erasure::Delete),
    ("deliveries", "chat_id", Erasure::Delete),
    ("dialogues", "chat_id", Erasure::Delete),
    ("announcements", "author_id", Erasure::Anonymise),
    ("webinar_sessions", "updated_by", Erasure::Anonymise),
    ("trainer_replies", "trainer_id", Erasure::Anonymise),
];

/// Whether a column name says it holds a user id (`user_id`, `chat_id`, `author_id`, `trainer_id`, `updated_by`…):
/// the rule the schema check applies to every table. `users.id` is the one unnamed case.
#[must_use]
pub fn names_a_user(table: &str, column: &str) -> bool {
    let column = column.to_ascii_lowercase();
    (table == "users" && column == "id")
        || ["user_id", "chat_id", "author_id", "trainer_id", "merchant_id", "staff_id", "sender_id"]
            .iter()
            .any(|suffix| column == *suffix || column.ends_with(&format!("_{suffix}")))
        || column.ends_with("_by")
}

/// Everything stored about one user, in a portable shape.
#[derive(Debug, Clone, Serialize)]
pub struct UserExport {
    pub telegram_id: u64,
    pub first_name: String,
    pub role: &'static str,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub reminders_enabled: bool,
    /// An admin's opt-in to the Monday summary.
    pub weekly_summary: bool,
    pub modules_seen: Vec<ModuleSeen>,
    pub questions: Vec<QuestionExport>,
    /// Messages the bot queued for this user (announcements, reminders, trainers' replies, notes to staff).
    pub messages_received: Vec<MessageReceived>,
    /// Conversations in progress (an announcement being composed, a reply being written), as the bot keeps them.
    pub conversations: Vec<ConversationExport>,
    /// What the user did as a trainer or admin, if anything.
    pub as_staff: StaffExport,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ModuleSeen {
    pub module_id: String,
    pub seen_at: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct QuestionExport {
    pub text: String,
    pub asked_at: i64,
    pub outcome: String,
    pub faq_id: Option<String>,
    pub forwarded_to_trainer: bool,
    pub helpful: Option<bool>,
    pub answered_at: Option<i64>,
    pub trainer_replies: Vec<ReplyExport>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ReplyExport {
    pub trainer_name: Option<String>,
    pub text: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct MessageReceived {
    pub kind: String,
    pub status: String,
    pub text: String,
    pub queued_at: i64,
    pub done_at: Option<i64>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ConversationExport {
    pub state: String,
    pub updated_at: i64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct StaffExport {
    pub announcements_written: Vec<AnnouncementWritten>,
    pub webinar_changes: Vec<WebinarChange>,
    pub replies_written: Vec<ReplyWritten>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct AnnouncementWritten {
    pub id: i64,
    pub status: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct WebinarChange {
    pub local_date: String,
    pub updated_at: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ReplyWritten {
    pub question_id: i64,
    pub text: String,
    pub created_at: i64,
}

/// Deletes the payloads that quote a merchant's questions: the notes that passed them to the trainers (one payload
/// per question) and the replies to them (one payload per reply). Their deliveries go with them.
const DELETE_QUESTION_PAYLOADS: &str = "DELETE FROM outbox_payloads WHERE id IN ( \
     SELECT d.payload_id FROM deliveries d WHERE d.kind = 'trainer_note' AND d.source_key IN ( \
         SELECT CAST(q.id AS TEXT) FROM questions q WHERE {questions}) \
     UNION SELECT d.payload_id FROM deliveries d WHERE d.kind = 'trainer_reply' AND d.source_key IN ( \
         SELECT CAST(r.id AS TEXT) FROM trainer_replies r JOIN questions q ON q.id = r.question_id WHERE {questions}))";

impl Db {
    /// Everything stored about `user`; `NotFound` if nothing is.
    pub async fn export_user(&self, user: UserId) -> DbResult<UserExport> {
        let profile = self.user(user).await?;
        let id = user.0 as i64;
        let sql = "SELECT module_id, seen_at FROM module_progress WHERE user_id = $1 ORDER BY seen_at, module_id";
        let modules_seen: Vec<ModuleSeen> = on_pool!(self, pool => sqlx::query_as(sql).bind(id).fetch_all(pool).await)?;
        let mut questions = Vec::new();
        for QuestionRecord { id: question_id, text, outcome, faq_id, forwarded_at, created_at, answered_at, .. } in
            self.questions_of(user).await?
        {
            let helpful = self.feedback_of(question_id, user).await?;
            let sql = "SELECT trainer_name, text, created_at FROM trainer_replies WHERE question_id = $1 ORDER BY id";
            let trainer_replies: Vec<ReplyExport> =
                on_pool!(self, pool => sqlx::query_as(sql).bind(question_id).fetch_all(pool).await)?;
            questions.push(QuestionExport {
                text,
                asked_at: created_at,
                outcome,
                faq_id,
                forwarded_to_trainer: forwarded_at.is_some(),
                helpful,
                answered_at,
                trainer_replies,
            });
        }
        let sql = "SELECT d.kind, d.status, p.text, d.created_at AS queued_at, d.done_at FROM deliveries d \
                   JOIN outbox_payloads p ON p.id = d.payload_id WHERE d.chat_id = $1 ORDER BY d.id";
        let messages_received: Vec<MessageReceived> =
            on_pool!(self, pool => sqlx::query_as(sql).bind(id).fetch_all(pool).await)?;
        let sql = "SELECT state, updated_at FROM dialogues WHERE chat_id = $1";
        let conversations: Vec<ConversationExport> =
            on_pool!(self, pool => sqlx::query_as(sql).bind(id).fetch_all(pool).await)?;
        let sql = "SELECT id, status, created_at FROM announcements WHERE author_id = $1 ORDER BY id";
        let announcements_written = on_pool!(self, pool => sqlx::query_as(sql).bind(id).fetch_all(pool).await)?;
        let sql = "SELECT local_date, updated_at FROM webinar_sessions WHERE updated_by = $1 ORDER BY local_date";
        let webinar_changes = on_pool!(self, pool => sqlx::query_as(sql).bind(id).fetch_all(pool).await)?;
        let sql = "SELECT question_id, text, created_at FROM trainer_replies WHERE trainer_id = $1 ORDER BY id";
        let replies_written = on_pool!(self, pool => sqlx::query_as(sql).bind(id).fetch_all(pool).await)?;
        Ok(UserExport {
            telegram_id: user.0,
            first_name: profile.first_name,
            role: profile.role.as_str(),
            created_at: profile.created_at,
            last_seen_at: profile.last_seen_at,
            reminders_enabled: profile.reminders_enabled,
            weekly_summary: profile.weekly_summary,
            modules_seen,
            questions,
            messages_received,
            conversations,
            as_staff: StaffExport { announcements_written, webinar_changes, replies_written },
        })
    }

    /// Deletes everything stored about `user` and clears their id where they acted as staff, in one transaction;
    /// returns whether they had a profile.
    pub async fn erase_user(&self, user: UserId) -> DbResult<bool> {
        let id = user.0 as i64;
        let mut tx = self.begin().await?;
        let payloads = DELETE_QUESTION_PAYLOADS.replace("{questions}", "q.user_id = $1");
        let anonymise = [
            "UPDATE questions SET answered_by = NULL WHERE answered_by = $1",
            "UPDATE trainer_replies SET trainer_id = NULL, trainer_name = NULL WHERE trainer_id = $1",
            "UPDATE announcements SET author_id = 0 WHERE author_id = $1",
            "UPDATE webinar_sessions SET updated_by = 0 WHERE updated_by = $1",
        ];
        let delete = [
            payloads.as_str(),
            "DELETE FROM deliveries WHERE chat_id = $1",
            "DELETE FROM dialogues WHERE chat_id = $1",
            // Questions, feedback, progress and replies to their questions go with the profile (ON DELETE CASCADE).
            "DELETE FROM feedback WHERE user_id = $1",
            "DELETE FROM module_progress WHERE user_id = $1",
            "DELETE FROM questions WHERE user_id = $1",
        ];
        for sql in anonymise.iter().chain(&delete) {
            on_tx!(&mut tx, conn => sqlx::query(sql).bind(id).execute(conn).await.map(|_| ()))?;
        }
        let sql = "DELETE FROM users WHERE id = $1";
        let deleted =
            on_tx!(&mut tx, conn => sqlx::query(sql).bind(id).execute(conn).await.map(|r| r.rows_affected()))?;
        tx.commit().await?;
        Ok(deleted > 0)
    }

    /// Deletes the questions asked before `before` (Unix seconds), with their feedback, the trainers' replies and
    /// the queued texts quoting them; returns how many questions went. Users, progress and everything else stay.
    pub async fn purge_questions_before(&self, before: i64) -> DbResult<u64> {
        let mut tx = self.begin().await?;
        let payloads = DELETE_QUESTION_PAYLOADS.replace("{questions}", "q.created_at < $1");
        on_tx!(&mut tx, conn => sqlx::query(&payloads).bind(before).execute(conn).await.map(|_| ()))?;
        let sql = "DELETE FROM questions WHERE created_at < $1";
        let purged =
            on_tx!(&mut tx, conn => sqlx::query(sql).bind(before).execute(conn).await.map(|r| r.rows_affected()))?;
        tx.commit().await?;
        Ok(purged)
    }

    /// Every `(table, column)` of the schema whose name says it holds a user id ([`names_a_user`]), read from the
    /// database itself (`sqlite_master` / `information_schema`), sorted.
    pub async fn user_columns(&self) -> DbResult<Vec<(String, String)>> {
        let rows: Vec<(String, String)> = match self {
            Self::Sqlite(pool) => {
                let sql = "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p \
                           WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations'";
                sqlx::query_as(sql).fetch_all(pool).await?
            }
            Self::Postgres(pool) => {
                let sql = "SELECT CAST(table_name AS TEXT), CAST(column_name AS TEXT) FROM information_schema.columns \
                           WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations'";
                sqlx::query_as(sql).fetch_all(pool).await?
            }
        };
        let mut columns: Vec<_> = rows.into_iter().filter(|(table, column)| names_a_user(table, column)).collect();
        columns.sort();
        Ok(columns)
    }

    /// Every text in the outbox (the erasure check: none may quote an erased merchant).
    pub async fn payload_texts(&self) -> DbResult<Vec<String>> {
        let sql = "SELECT text FROM outbox_payloads ORDER BY id";
        let rows: Vec<(String,)> = on_pool!(self, pool => sqlx::query_as(sql).fetch_all(pool).await)?;
        Ok(rows.into_iter().map(|(text,)| text).collect())
    }

    /// How many rows of `table` hold `user` in `column` (the erasure check; names come from [`Db::user_columns`]).
    pub async fn rows_with_user(&self, table: &str, column: &str, user: UserId) -> DbResult<i64> {
        let valid = |name: &str| name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !valid(table) || !valid(column) {
            return Err(super::DbError::Other(anyhow::anyhow!("not a table or column name: {table}.{column}")));
        }
        let sql = format!("SELECT COUNT(*) FROM {table} WHERE {column} = $1");
        let (count,): (i64,) = on_pool!(self, pool => sqlx::query_as(&sql).bind(user.0 as i64).fetch_one(pool).await)?;
        Ok(count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_columns_are_recognised_by_name() {
        for (table, column) in
            [("users", "id"), ("questions", "user_id"), ("deliveries", "chat_id"), ("x", "answered_by")]
        {
            assert!(names_a_user(table, column), "{table}.{column}");
        }
        for (table, column) in [("questions", "id"), ("questions", "faq_id"), ("deliveries", "payload_id")] {
            assert!(!names_a_user(table, column), "{table}.{column}");
        }
    }

    #[test]
    fn every_listed_column_is_recognised() {
        for (table, column, _) in PERSONAL_COLUMNS {
            assert!(names_a_user(table, column), "{table}.{column}");
        }
    }
}
