//! The `module_progress` table: which curriculum modules each merchant marked as seen.

use std::collections::HashSet;

use teloxide::types::UserId;

use super::{Db, DbResult, on_pool};

impl Db {
    /// Marks a module as seen; returns false if it already was.
    pub async fn mark_module_seen(&self, user_id: UserId, module_id: &str, now: i64) -> DbResult<bool> {
        let sql = "INSERT INTO module_progress (user_id, module_id, seen_at) VALUES ($1, $2, $3) \
                   ON CONFLICT (user_id, module_id) DO NOTHING";
        let changed = on_pool!(self, pool => sqlx::query(sql).bind(user_id.0 as i64).bind(module_id).bind(now).execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(changed > 0)
    }

    pub async fn seen_modules(&self, user_id: UserId) -> DbResult<HashSet<String>> {
        let sql = "SELECT module_id FROM module_progress WHERE user_id = $1";
        let rows: Vec<(String,)> =
            on_pool!(self, pool => sqlx::query_as(sql).bind(user_id.0 as i64).fetch_all(pool).await)?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }
}
