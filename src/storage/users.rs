//! The `users` table: who talked to the bot, their role, whether they blocked it, their reminder choice.

use teloxide::types::UserId;

use super::{Db, DbResult, on_pool};

/// What a user may do. Ordered: an admin can do everything a trainer can.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Merchant,
    Trainer,
    Admin,
}

impl Role {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Merchant => "merchant",
            Self::Trainer => "trainer",
            Self::Admin => "admin",
        }
    }

    #[must_use]
    pub fn parse(raw: &str) -> Self {
        match raw {
            "admin" => Self::Admin,
            "trainer" => Self::Trainer,
            _ => Self::Merchant,
        }
    }
}

/// One row of `users`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub first_name: String,
    pub role: Role,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub blocked: bool,
    pub reminders_enabled: bool,
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    first_name: String,
    role: String,
    created_at: i64,
    last_seen_at: i64,
    blocked: bool,
    reminders_enabled: bool,
}

impl From<UserRow> for User {
    fn from(row: UserRow) -> Self {
        Self {
            id: UserId(row.id as u64),
            first_name: row.first_name,
            role: Role::parse(&row.role),
            created_at: row.created_at,
            last_seen_at: row.last_seen_at,
            blocked: row.blocked,
            reminders_enabled: row.reminders_enabled,
        }
    }
}

const UPSERT_SEEN: &str = "INSERT INTO users (id, first_name, created_at, last_seen_at) VALUES ($1, $2, $3, $3) \
     ON CONFLICT (id) DO UPDATE SET first_name = excluded.first_name, last_seen_at = excluded.last_seen_at, blocked = FALSE";
const SELECT_USER: &str =
    "SELECT id, first_name, role, created_at, last_seen_at, blocked, reminders_enabled FROM users WHERE id = $1";

impl Db {
    /// Records that a user just wrote to the bot: creates them, refreshes their name, clears `blocked`.
    pub async fn touch_user(&self, id: UserId, first_name: &str, now: i64) -> DbResult<()> {
        on_pool!(self, pool => sqlx::query(UPSERT_SEEN).bind(id.0 as i64).bind(first_name).bind(now).execute(pool).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn user(&self, id: UserId) -> DbResult<User> {
        let row: UserRow = on_pool!(self, pool => sqlx::query_as(SELECT_USER).bind(id.0 as i64).fetch_one(pool).await)?;
        Ok(row.into())
    }

    /// Flags a user who blocked the bot (or whose account is gone); returns whether a row was changed.
    pub async fn set_blocked(&self, id: UserId, blocked: bool) -> DbResult<bool> {
        let sql = "UPDATE users SET blocked = $2 WHERE id = $1";
        let result = on_pool!(self, pool => sqlx::query(sql).bind(id.0 as i64).bind(blocked).execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(result > 0)
    }

    pub async fn set_reminders(&self, id: UserId, enabled: bool) -> DbResult<()> {
        let sql = "UPDATE users SET reminders_enabled = $2 WHERE id = $1";
        on_pool!(self, pool => sqlx::query(sql).bind(id.0 as i64).bind(enabled).execute(pool).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn set_role(&self, id: UserId, role: Role) -> DbResult<()> {
        let sql = "UPDATE users SET role = $2 WHERE id = $1";
        let changed = on_pool!(self, pool => sqlx::query(sql).bind(id.0 as i64).bind(role.as_str()).execute(pool).await.map(|r| r.rows_affected()))?;
        if changed == 0 {
            return Err(super::DbError::NotFound);
        }
        Ok(())
    }

    /// Number of users, and of those who did not block the bot.
    pub async fn count_users(&self) -> DbResult<(i64, i64)> {
        let sql = "SELECT COUNT(*), COALESCE(SUM(CASE WHEN blocked THEN 0 ELSE 1 END), 0) FROM users";
        let counts: (i64, i64) = on_pool!(self, pool => sqlx::query_as(sql).fetch_one(pool).await)?;
        Ok(counts)
    }
}
