//! What the benchmark scripts (`examples/*_bench.rs`) run against: the Bot API emulator with the given limits and a
//! migrated database (`DATABASE_URL` when set, a fresh SQLite file in a temporary directory otherwise).

use accelerateur::{
    config::DatabaseUrl,
    storage::Db,
    telegram_emulator::{Emulator, EmulatorConfig, RateLimit, RunningServer},
};

pub struct BenchStage {
    pub emulator: Emulator,
    pub server: RunningServer,
    pub database: DatabaseUrl,
    pub db: Db,
    /// Holds the SQLite file; also a working directory for a child process.
    pub dir: tempfile::TempDir,
}

/// `token` must look like a real token when a child process checks it.
pub async fn bench_stage(token: &str, rate_limit: RateLimit) -> anyhow::Result<BenchStage> {
    let config = EmulatorConfig { token: token.to_owned(), rate_limit, ..Default::default() };
    let (emulator, server) = Emulator::spawn(config).await?;
    let dir = tempfile::tempdir()?;
    let database = match std::env::var("DATABASE_URL") {
        Ok(url) => DatabaseUrl::parse(&url)?,
        Err(_) => DatabaseUrl::parse(&format!("sqlite://{}", dir.path().join("bench.db").display()))?,
    };
    let db = Db::open(&database).await?;
    Ok(BenchStage { emulator, server, database, db, dir })
}
