//! The figures of `/stats` that are not about questions ([`super::questions::QuestionStats`]): merchants and their
//! activity, reminder subscribers, the topics asked most, curriculum progress and announcements sent.

use std::collections::{BTreeMap, HashSet};

use super::{Db, DbResult, on_pool};

/// Merchants, their activity and what reached them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AudienceStats {
    /// Users whose role is merchant (configured staff are seeded into the database at start-up, see `roles`).
    pub merchants: i64,
    /// Merchants seen in the last 7 and 30 days.
    pub active_7_days: i64,
    pub active_30_days: i64,
    /// Merchants subscribed to the webinar reminders who did not block the bot.
    pub reminder_subscribers: i64,
    /// Announcements that went out (sending, done or stopped), and the messages they delivered.
    pub announcements_sent: i64,
    pub announcement_messages: i64,
}

const DAY: i64 = 24 * 3600;

impl Db {
    /// The audience figures at `now`. The role column alone tells merchants from staff: the roles module seeds
    /// the configured staff into it.
    pub async fn audience_stats(&self, now: i64) -> DbResult<AudienceStats> {
        let sql = "SELECT COUNT(*), \
                   COALESCE(SUM(CASE WHEN last_seen_at >= $1 THEN 1 ELSE 0 END), 0), \
                   COALESCE(SUM(CASE WHEN last_seen_at >= $2 THEN 1 ELSE 0 END), 0), \
                   COALESCE(SUM(CASE WHEN reminders_enabled AND NOT blocked THEN 1 ELSE 0 END), 0) \
                   FROM users WHERE role = 'merchant' AND id <> 0";
        let (merchants, active_7_days, active_30_days, reminder_subscribers): (i64, i64, i64, i64) =
            on_pool!(self, pool => sqlx::query_as(sql).bind(now - 7 * DAY).bind(now - 30 * DAY).fetch_one(pool).await)?;
        let sql = "SELECT COUNT(*) FROM announcements WHERE status IN ('sending', 'done', 'stopped')";
        let (announcements_sent,): (i64,) = on_pool!(self, pool => sqlx::query_as(sql).fetch_one(pool).await)?;
        let sql = "SELECT COUNT(*) FROM deliveries WHERE kind = 'announcement' AND status = 'sent'";
        let (announcement_messages,): (i64,) = on_pool!(self, pool => sqlx::query_as(sql).fetch_one(pool).await)?;
        Ok(AudienceStats {
            merchants,
            active_7_days,
            active_30_days,
            reminder_subscribers,
            announcements_sent,
            announcement_messages,
        })
    }

    /// The FAQ entries answered most often (outcome `answer`), most asked first, ties by id.
    pub async fn top_topics(&self, limit: i64) -> DbResult<Vec<(String, i64)>> {
        let sql = "SELECT faq_id, COUNT(*) AS asked FROM questions WHERE outcome = 'answer' AND faq_id IS NOT NULL \
                   GROUP BY faq_id ORDER BY asked DESC, faq_id LIMIT $1";
        let rows = on_pool!(self, pool => sqlx::query_as(sql).bind(limit).fetch_all(pool).await)?;
        Ok(rows)
    }

    /// The modules each user marked as seen.
    pub async fn modules_seen_by_user(&self) -> DbResult<BTreeMap<i64, HashSet<String>>> {
        let sql = "SELECT user_id, module_id FROM module_progress";
        let rows: Vec<(i64, String)> = on_pool!(self, pool => sqlx::query_as(sql).fetch_all(pool).await)?;
        let mut seen: BTreeMap<i64, HashSet<String>> = BTreeMap::new();
        for (user, module) in rows {
            seen.entry(user).or_default().insert(module);
        }
        Ok(seen)
    }
}
