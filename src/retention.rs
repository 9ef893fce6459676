//! [`RetentionPurge`]: questions older than `ACCEL_QUESTION_RETENTION_DAYS` (default 180) are deleted, once a day.
//!
//! A step ([`RetentionPurge::step`]) deletes, at the injected clock's time, every question asked before the
//! retention period, with what quotes it (feedback, trainers' replies, the notes that passed it to the trainers);
//! see [`crate::storage::Db::purge_questions_before`]. The loop ([`RetentionPurge::run`]) steps at start-up and
//! then every [`PERIOD`]; tests call `step` with the manual clock.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::{clock::AppClock, storage::Db};

/// How often the purge runs.
pub const PERIOD: Duration = Duration::from_secs(24 * 3600);
/// Pause after the database failed.
const ERROR_PAUSE: Duration = Duration::from_secs(60);

/// Deletes old question logs. Cheap to clone.
#[derive(Clone)]
pub struct RetentionPurge {
    db: Db,
    clock: AppClock,
    retention_days: u32,
}

impl RetentionPurge {
    #[must_use]
    pub fn new(db: Db, clock: AppClock, retention_days: u32) -> Self {
        Self { db, clock, retention_days }
    }

    /// Deletes the questions older than the retention period at the clock's time; returns how many went.
    #[tracing::instrument(name = "retention_purge", skip_all)]
    pub async fn step(&self) -> anyhow::Result<u64> {
        let before = self.clock.unix() - i64::from(self.retention_days) * 24 * 3600;
        let purged = self.db.purge_questions_before(before).await?;
        if purged > 0 {
            tracing::info!(purged, retention_days = self.retention_days, "old questions purged");
        }
        Ok(purged)
    }

    /// The background loop: a step now, then one a day, until `stop` is cancelled.
    pub async fn run(self, stop: CancellationToken) -> anyhow::Result<()> {
        while !stop.is_cancelled() {
            let pause = match self.step().await {
                Ok(_) => PERIOD,
                Err(error) => {
                    tracing::error!(error.cause_chain = ?error, "retention purge failed");
                    ERROR_PAUSE
                }
            };
            tokio::select! {
                () = stop.cancelled() => {}
                () = tokio::time::sleep(pause) => {}
            }
        }
        Ok(())
    }
}
