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
    /// Work on the content: check it, calibrate the matcher.
    Faq {
        #[command(subcommand)]
        command: FaqCommand,
    },
    /// Show what the matcher does with a question.
    Ask {
        /// Read one question per line on stdin and write one JSON object per line.
        #[arg(long)]
        json: bool,
        /// The question (omit with --json to read stdin).
        question: Option<String>,
    },
    /// Measure the matcher on `question<TAB>expected` lines (`-` = nothing should be answered).
    Eval {
        /// The TSV file (a header line first).
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum FaqCommand {
    /// Validate the FAQ, the curriculum and the lexicon; print every problem with its file and entry.
    Check {
        /// Content directory (default: ACCEL_FAQ_DIR, else `faq`).
        dir: Option<PathBuf>,
    },
    /// Choose the matcher's thresholds from the content's own variants and the off-topic file.
    Calibrate {
        /// Write the chosen thresholds into the content directory.
        #[arg(long)]
        write: bool,
    },
}

impl Cli {
    #[must_use]
    pub fn command(&self) -> &CliCommand {
        self.command.as_ref().unwrap_or(&CliCommand::Run)
    }
}
