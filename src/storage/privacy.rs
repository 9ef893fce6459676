//! A merchant's data, all of it: exported on request and erased on request (GDPR articles 15, 17 and 20).
//! Erasing the `users` row removes questions, feedback and progress with it (`ON DELETE CASCADE`).

use serde::Serialize;
use teloxide::types::UserId;

use super::{Db, DbResult, on_pool, questions::QuestionRecord};

/// Everything stored about one user, in a portable shape.
#[derive(Debug, Clone, Serialize)]
pub struct UserExport {
    pub telegram_id: u64,
    pub first_name: String,
    pub role: &'static str,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub reminders_enabled: bool,
    pub modules_seen: Vec<ModuleSeen>,
    pub questions: Vec<QuestionExport>,
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
}

impl Db {
    /// Everything stored about `user`; `NotFound` if nothing is.
    pub async fn export_user(&self, user: UserId) -> DbResult<UserExport> {
        let profile = self.user(user).await?;
        let sql = "SELECT module_id, seen_at FROM module_progress WHERE user_id = $1 ORDER BY seen_at, module_id";
        let modules_seen: Vec<ModuleSeen> =
            on_pool!(self, pool => sqlx::query_as(sql).bind(user.0 as i64).fetch_all(pool).await)?;
        let mut questions = Vec::new();
        for QuestionRecord { id, text, outcome, faq_id, forwarded_at, created_at, .. } in
            self.questions_of(user).await?
        {
            let helpful = self.feedback_of(id, user).await?;
            questions.push(QuestionExport {
                text,
                asked_at: created_at,
                outcome,
                faq_id,
                forwarded_to_trainer: forwarded_at.is_some(),
                helpful,
            });
        }
        Ok(UserExport {
            telegram_id: user.0,
            first_name: profile.first_name,
            role: profile.role.as_str(),
            created_at: profile.created_at,
            last_seen_at: profile.last_seen_at,
            reminders_enabled: profile.reminders_enabled,
            modules_seen,
            questions,
        })
    }

    /// Deletes everything stored about `user`; returns whether there was anything.
    pub async fn erase_user(&self, user: UserId) -> DbResult<bool> {
        let sql = "DELETE FROM users WHERE id = $1";
        let deleted = on_pool!(self, pool => sqlx::query(sql).bind(user.0 as i64).execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(deleted > 0)
    }
}
