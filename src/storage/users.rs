//! The `users` table: who talked to the bot, their role, whether they blocked it, their reminder choice.
//! A row with `last_seen_at = 0` is someone given a role before they ever wrote to the bot (see `crate::roles`).

use teloxide::types::UserId;

use super::{Db, DbResult, on_pool};
use crate::roles::{Role, StaffMember};

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
    /// An admin's opt-in to the Monday summary (`/resume_hebdo`).
    pub weekly_summary: bool,
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
    weekly_summary: bool,
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
            weekly_summary: row.weekly_summary,
        }
    }
}

/// A first message from someone given a role before they wrote counts as their first visit (`created_at`).
const UPSERT_SEEN: &str = "INSERT INTO users (id, first_name, created_at, last_seen_at) VALUES ($1, $2, $3, $3) \
     ON CONFLICT (id) DO UPDATE SET first_name = excluded.first_name, last_seen_at = excluded.last_seen_at, \
     blocked = FALSE, created_at = CASE WHEN users.last_seen_at = 0 THEN excluded.created_at ELSE users.created_at END \
     RETURNING role";
/// A configured role: creates the row of someone who never wrote; never demotes (an admin stays an admin).
const SEED_ROLE: &str = "INSERT INTO users (id, first_name, role, created_at, last_seen_at) VALUES ($1, '', $2, $3, 0) \
     ON CONFLICT (id) DO UPDATE SET role = excluded.role WHERE users.role = 'merchant' OR excluded.role = 'admin'";
/// The row of someone about to be granted a role (kept as it is when they already have one).
const ENSURE_USER: &str = "INSERT INTO users (id, first_name, created_at, last_seen_at) VALUES ($1, $2, $3, 0) \
     ON CONFLICT (id) DO UPDATE SET first_name = CASE WHEN users.first_name = '' THEN excluded.first_name \
     ELSE users.first_name END";
const SELECT_STAFF: &str = "SELECT id, first_name, role, last_seen_at, blocked FROM users WHERE role <> 'merchant'";
const SELECT_USER: &str = "SELECT id, first_name, role, created_at, last_seen_at, blocked, reminders_enabled, weekly_summary FROM users \
     WHERE id = $1";

impl Db {
    /// Records that a user just wrote to the bot: creates them, refreshes their name, clears `blocked`; returns
    /// their role (read by the same statement).
    pub async fn touch_user(&self, id: UserId, first_name: &str, now: i64) -> DbResult<Role> {
        let (role,): (String,) = on_pool!(self, pool => sqlx::query_as(UPSERT_SEEN).bind(id.0 as i64).bind(first_name).bind(now).fetch_one(pool).await)?;
        Ok(Role::parse(&role))
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

    /// Turns an admin's weekly summary on or off; returns the new setting.
    pub async fn toggle_weekly_summary(&self, id: UserId) -> DbResult<bool> {
        let sql = "UPDATE users SET weekly_summary = NOT weekly_summary WHERE id = $1 RETURNING weekly_summary";
        Ok(on_pool!(self, pool => sqlx::query_scalar(sql).bind(id.0 as i64).fetch_one(pool).await)?)
    }

    /// The admins who asked for the weekly summary and can receive it.
    pub async fn weekly_summary_admins(&self) -> DbResult<Vec<i64>> {
        let sql = "SELECT id FROM users WHERE role = 'admin' AND weekly_summary AND NOT blocked AND last_seen_at > 0 \
                   ORDER BY id";
        Ok(on_pool!(self, pool => sqlx::query_scalar(sql).fetch_all(pool).await)?)
    }

    pub async fn set_reminders(&self, id: UserId, enabled: bool) -> DbResult<()> {
        let sql = "UPDATE users SET reminders_enabled = $2 WHERE id = $1";
        on_pool!(self, pool => sqlx::query(sql).bind(id.0 as i64).bind(enabled).execute(pool).await.map(|_| ()))?;
        Ok(())
    }

    /// The stored role of `id`; merchant for someone the database does not know.
    pub async fn role(&self, id: UserId) -> DbResult<Role> {
        let sql = "SELECT role FROM users WHERE id = $1";
        let row: Option<(String,)> =
            on_pool!(self, pool => sqlx::query_as(sql).bind(id.0 as i64).fetch_optional(pool).await)?;
        Ok(row.map_or(Role::Merchant, |(role,)| Role::parse(&role)))
    }

    /// Every trainer and admin: admins first, then by name.
    pub async fn staff(&self) -> DbResult<Vec<StaffMember>> {
        let rows: Vec<(i64, String, String, i64, bool)> =
            on_pool!(self, pool => sqlx::query_as(SELECT_STAFF).fetch_all(pool).await)?;
        let mut staff: Vec<StaffMember> = rows
            .into_iter()
            .map(|(id, first_name, role, last_seen_at, blocked)| StaffMember {
                id: UserId(id as u64),
                first_name,
                role: Role::parse(&role),
                reachable: last_seen_at > 0 && !blocked,
            })
            .collect();
        staff
            .sort_by_cached_key(|member| (std::cmp::Reverse(member.role), member.first_name.to_lowercase(), member.id));
        Ok(staff)
    }

    /// Grants a configured role (see [`SEED_ROLE`]).
    pub async fn seed_role(&self, id: UserId, role: Role, now: i64) -> DbResult<()> {
        on_pool!(self, pool => sqlx::query(SEED_ROLE).bind(id.0 as i64).bind(role.as_str()).bind(now).execute(pool).await.map(|_| ()))?;
        Ok(())
    }

    /// Makes a merchant a trainer, creating the row of someone who never wrote; returns the role they had.
    pub async fn grant_trainer(&self, id: UserId, first_name: &str, now: i64) -> DbResult<Role> {
        let mut tx = self.begin().await?;
        let sql = "SELECT role FROM users WHERE id = $1";
        let before: String = super::on_tx!(&mut tx, conn => {
            sqlx::query(ENSURE_USER).bind(id.0 as i64).bind(first_name).bind(now).execute(&mut *conn).await?;
            sqlx::query_scalar(sql).bind(id.0 as i64).fetch_one(&mut *conn).await
        })?;
        let before = Role::parse(&before);
        if before == Role::Merchant {
            let sql = "UPDATE users SET role = 'trainer' WHERE id = $1";
            super::on_tx!(&mut tx, conn => sqlx::query(sql).bind(id.0 as i64).execute(&mut *conn).await.map(|_| ()))?;
        }
        tx.commit().await?;
        Ok(before)
    }

    /// Makes a trainer or admin a merchant again; returns whether they were staff.
    pub async fn revoke_staff(&self, id: UserId) -> DbResult<bool> {
        let sql = "UPDATE users SET role = 'merchant' WHERE id = $1 AND role <> 'merchant'";
        let changed =
            on_pool!(self, pool => sqlx::query(sql).bind(id.0 as i64).execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(changed > 0)
    }

    /// Number of users who opened the bot, and of those who did not block it.
    pub async fn count_users(&self) -> DbResult<(i64, i64)> {
        let sql =
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN blocked THEN 0 ELSE 1 END), 0) FROM users WHERE last_seen_at > 0";
        let counts: (i64, i64) = on_pool!(self, pool => sqlx::query_as(sql).fetch_one(pool).await)?;
        Ok(counts)
    }
}
