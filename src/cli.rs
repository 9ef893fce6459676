//! The command line: `accelerateur [run]`, `migrate`, and the content tools.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

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
