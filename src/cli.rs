//! The command line: `accelerateur [run]`, `migrate`, `sandbox`, and the content tools.

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
    /// Work on the content: check it, import it into the database or export it, calibrate the matcher.
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
    /// Validate the FAQ, the curriculum and the lexicon; print every problem with its file and entry, and the
    /// review warnings (a fact stated without sources, a review date missing or older than 12 months).
    Check {
        /// Fail on review warnings too (CI).
        #[arg(long)]
        strict: bool,
        /// Content directory (default: ACCEL_FAQ_DIR, else `faq`).
        dir: Option<PathBuf>,
    },
    /// Import a content directory into the database (DATABASE_URL): everything is validated first, then applied
    /// in one transaction or not at all; entries are matched by id (entries absent from DIR are kept), each change
    /// is recorded as a revision by "import". Running bots pick the new content up within seconds.
    Import {
        /// Content directory (same layout as `faq/`).
        dir: PathBuf,
    },
    /// Write the database's content (DATABASE_URL) into a directory, in the layout of `faq/` (stable order: an
    /// export of unchanged content is byte-identical).
    Export {
        /// Target directory (created if missing; files there are overwritten).
        dir: PathBuf,
    },
    /// Choose the matcher's thresholds from the content's own variants and the off-topic file.
    Calibrate {
        /// Write the chosen thresholds into the content directory.
        #[arg(long)]
        write: bool,
        /// Also measure the whole procedure out of sample (5-fold cross-validation over the
        /// labelled and off-topic messages).
        #[arg(long)]
        cross_validate: bool,
    },
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
