//! The one place that owns the database: nothing else runs SQL.
//!
//! [`Db`] wraps one sqlx pool, SQLite or PostgreSQL, chosen by the `DATABASE_URL` scheme. Queries are written once
//! with `$1` placeholders (both engines accept them) and run on whichever pool is open through [`on_pool!`];
//! statements whose dialects differ are forked inside the aggregate's file. Timestamps are Unix seconds.
//! Several statements that must succeed together run in a [`Tx`] from [`Db::begin`] (storage functions taking
//! `&mut Tx` compose into one transaction, run through [`on_tx!`]).
//! One file per aggregate: [`users`], [`questions`], [`content`] (the FAQ, curriculum and lexicon, with
//! revisions), [`progress`], [`privacy`] (export and erasure), [`deliveries`] (the outbox the delivery worker
//! drains), [`announcements`], [`dialogues`], [`webinars`] (the webinar schedule's changes and the reminder fan-out)
//! and [`replies`] (trainers' answers to merchants).

pub mod announcements;
pub mod content;
pub mod deliveries;
pub mod dialogues;
pub mod privacy;
pub mod progress;
pub mod questions;
pub mod replies;
pub mod stats;
pub mod users;
pub mod webinars;

use std::{str::FromStr, time::Duration};

use anyhow::Context;
use sqlx::{
    PgPool, SqlitePool,
    postgres::PgPoolOptions,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};

use crate::config::{Backend, DatabaseUrl};

/// A handle on the database, cheap to clone.
#[derive(Debug, Clone)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs the same expression against whichever pool `db` holds.
macro_rules! on_pool {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::storage::Db::Sqlite($pool) => $body,
            $crate::storage::Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

/// A transaction on whichever engine the [`Db`] holds. Dropped without [`Tx::commit`], it rolls back.
#[derive(Debug)]
pub enum Tx {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

/// Runs the same expression against the connection of whichever transaction `tx` holds.
macro_rules! on_tx {
    ($tx:expr, $conn:ident => $body:expr) => {
        match $tx {
            $crate::storage::Tx::Sqlite($conn) => {
                let $conn = &mut **$conn;
                $body
            }
            $crate::storage::Tx::Postgres($conn) => {
                let $conn = &mut **$conn;
                $body
            }
        }
    };
}
pub(crate) use on_tx;

impl Tx {
    pub async fn commit(self) -> DbResult<()> {
        match self {
            Self::Sqlite(tx) => tx.commit().await?,
            Self::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }
}

/// Errors callers treat differently: a missing row, or anything else.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("row not found")]
    NotFound,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl From<sqlx::Error> for DbError {
    fn from(error: sqlx::Error) -> Self {
        match error {
            sqlx::Error::RowNotFound => Self::NotFound,
            other => Self::Other(other.into()),
        }
    }
}

pub type DbResult<T> = Result<T, DbError>;

impl Db {
    /// Opens the pool (creating a missing SQLite file, in WAL mode) without migrating.
    pub async fn connect(url: &DatabaseUrl) -> anyhow::Result<Self> {
        match url.backend() {
            Some(Backend::Sqlite) => {
                let options = SqliteConnectOptions::from_str(url.expose())
                    .with_context(|| format!("DATABASE_URL is not a valid SQLite URL: {url}"))?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(5))
                    // 512 KiB of page cache per connection instead of SQLite's 2 MiB: eight connections would
                    // otherwise keep 16 MiB of pages resident as the file grows; the OS caches the file anyway.
                    .pragma("cache_size", "-512");
                let pool = SqlitePoolOptions::new()
                    .max_connections(8)
                    .acquire_timeout(Duration::from_secs(5))
                    .connect_with(options)
                    .await
                    .with_context(|| format!("DATABASE_URL: cannot open the SQLite database {url}"))?;
                Ok(Self::Sqlite(pool))
            }
            Some(Backend::Postgres) => {
                let pool = PgPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect(url.expose())
                    .await
                    .with_context(|| format!("DATABASE_URL: cannot connect to the PostgreSQL database {url}"))?;
                Ok(Self::Postgres(pool))
            }
            None => anyhow::bail!("unsupported DATABASE_URL {url}: use sqlite:// or postgres://"),
        }
    }

    /// Applies the migrations embedded in the binary for this backend.
    pub async fn migrate(&self) -> anyhow::Result<()> {
        match self {
            Self::Sqlite(pool) => sqlx::migrate!("./migrations/sqlite").run(pool).await,
            Self::Postgres(pool) => sqlx::migrate!("./migrations/postgres").run(pool).await,
        }
        .context("cannot apply database migrations")
    }

    /// Connects, migrates and proves the database takes writes: what start-up does, so a read-only file, a
    /// database locked by another program or a read-only PostgreSQL session stops the start with one line naming
    /// `DATABASE_URL`, instead of every later question failing.
    pub async fn open(url: &DatabaseUrl) -> anyhow::Result<Self> {
        let db = Self::connect(url).await?;
        db.migrate().await.with_context(|| format!("DATABASE_URL: cannot prepare the database {url}"))?;
        db.check_writable()
            .await
            .with_context(|| format!("DATABASE_URL: the database {url} does not accept writes"))?;
        Ok(db)
    }

    /// A real write (SQLite: the header's `user_version`; PostgreSQL: the session must not be read-only).
    async fn check_writable(&self) -> anyhow::Result<()> {
        match self {
            Self::Sqlite(pool) => {
                sqlx::query("PRAGMA user_version = 1").execute(pool).await?;
            }
            Self::Postgres(pool) => {
                let (read_only,): (String,) = sqlx::query_as("SHOW transaction_read_only").fetch_one(pool).await?;
                anyhow::ensure!(read_only != "on", "the PostgreSQL session is read-only (a standby server?)");
            }
        }
        Ok(())
    }

    #[must_use]
    pub fn backend(&self) -> Backend {
        match self {
            Self::Sqlite(_) => Backend::Sqlite,
            Self::Postgres(_) => Backend::Postgres,
        }
    }

    /// Starts a transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`), so two writers
    /// queue on the busy timeout instead of failing when a read lock would have to be upgraded.
    pub async fn begin(&self) -> DbResult<Tx> {
        Ok(match self {
            Self::Sqlite(pool) => Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Self::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    /// A cheap query proving the database answers (readiness probe).
    pub async fn ping(&self) -> DbResult<()> {
        on_pool!(self, pool => sqlx::query("SELECT 1").execute(pool).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn close(&self) {
        on_pool!(self, pool => pool.close().await);
    }
}
