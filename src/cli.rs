//! The command line: `accelerateur [run]`, `migrate`, and the content tools.

use std::{net::IpAddr, path::PathBuf};

use clap::{Args, Parser, Subcommand};

/// Telegram bot of the Accélérateur e-commerce training programme.
///
/// Configuration comes from the environment (or a `.env` file): TELOXIDE_TOKEN, TELOXIDE_API_URL, DATABASE_URL,
/// ACCEL_ADMINS, ACCEL_TRAINERS, ACCEL_TIMEZONE, ACCEL_FAQ_DIR, ACCEL_COURSE_URL. See README.md.
#[derive(Debug, Parser)]
#[command(name = "accelerateur", version, about, long_about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<CliCommand>,
}

#[derive(Debug, Subcommand)]
pub enum CliCommand {
    /// Run the bot against Telegram with long polling (the default).
    Run,
    /// Apply the database migrations embedded in the binary, then exit.
    Migrate,
    /// Try the whole bot in a browser, without Telegram: a local web chat page in front of the real bot and a
    /// built-in Bot API emulator (no TELOXIDE_TOKEN needed).
    Sandbox(SandboxArgs),
}

/// `accelerateur sandbox [--port 8080] [--host 127.0.0.1] [--data-dir ./sandbox-data]`.
#[derive(Debug, Clone, Args)]
pub struct SandboxArgs {
    /// Port of the web page (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Address to listen on; the default keeps the sandbox private to this machine.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: IpAddr,
    /// Directory of the sandbox's SQLite database (created if missing).
    #[arg(long, default_value = "sandbox-data")]
    pub data_dir: PathBuf,
    /// Use this database instead of the one in --data-dir (DATABASE_URL is ignored by the sandbox).
    #[arg(long)]
    pub database_url: Option<String>,
}

impl Cli {
    #[must_use]
    pub fn command(&self) -> &CliCommand {
        self.command.as_ref().unwrap_or(&CliCommand::Run)
    }
}

/// Where the FAQ lives unless told otherwise.
#[must_use]
pub fn default_faq_dir() -> PathBuf {
    PathBuf::from("faq")
}
