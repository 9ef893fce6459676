//! The `accelerateur` binary: parse the command line, load the settings, hand over to the library.

use std::process::ExitCode;

use clap::Parser;

use accelerateur::{
    cli::{Cli, CliCommand, FaqCommand},
    clock::AppClock,
    config::{CommonSettings, Environment, Settings},
    sandbox::{self, SandboxOptions},
    startup::Application,
    storage::Db,
    telemetry,
};

/// Exit code for a configuration the operator must fix.
const EXIT_CONFIG: u8 = 2;

fn main() -> ExitCode {
    limit_malloc_arenas();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("cannot start the async runtime")
        .block_on(start())
}

/// At most two malloc arenas. glibc gives each thread that allocates an arena of its own (up to 8 per core) and keeps
/// what it freed there, which cost about 7 MB of peak RSS under load (`examples/load_bench.rs`, README "Load
/// figures"); two keep contention low on the machines the bot runs on. Called before any other thread exists.
/// (mimalloc, tried instead, doubled the peak RSS.)
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; no other thread is running yet.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

async fn start() -> ExitCode {
    let cli = Cli::parse();
    telemetry::init("info");
    let env = match Environment::load() {
        Ok(env) => env,
        Err(error) => return config_error(&error),
    };
    let result = match cli.command() {
        CliCommand::Run => match Settings::from_source(&env) {
            Ok(settings) => {
                telemetry::hide_all(&settings.secrets());
                run(settings).await
            }
            Err(error) => return config_error(&error),
        },
        CliCommand::Migrate => match CommonSettings::from_source(&env) {
            Ok(settings) => {
                telemetry::hide_all(&settings.secrets());
                migrate(settings).await
            }
            Err(error) => return config_error(&error),
        },
        CliCommand::Sandbox(args) => match SandboxOptions::from_cli(args, &env) {
            Ok(options) => sandbox::run(options).await,
            Err(error) => return config_error(&error),
        },
        CliCommand::Faq { command: command @ (FaqCommand::Import { .. } | FaqCommand::Export { .. }) } => {
            match CommonSettings::from_source(&env) {
                Ok(settings) => {
                    telemetry::hide_all(&settings.secrets());
                    return match content::transfer(command, &settings).await {
                        Ok(true) => ExitCode::SUCCESS,
                        Ok(false) => ExitCode::FAILURE,
                        Err(error) => report(&error),
                    };
                }
                Err(error) => return config_error(&error),
            }
        }
        content_command => {
            let settings = match CommonSettings::from_source(&env) {
                Ok(settings) => settings,
                Err(error) => return config_error(&error),
            };
            let faq_dir = settings.faq_dir.unwrap_or_else(|| "faq".into());
            return match content::run(content_command, &faq_dir) {
                Ok(true) => ExitCode::SUCCESS,
                Ok(false) => ExitCode::FAILURE,
                Err(error) => report(&error),
            };
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => report(&error),
    }
}

/// One line on standard error, the whole cause chain, secrets scrubbed.
fn report(error: &anyhow::Error) -> ExitCode {
    let line = format!("{error:#}").replace('\n', " ");
    eprintln!("error: {}", telemetry::scrub(&line));
    ExitCode::FAILURE
}

fn config_error(error: &accelerateur::config::ConfigError) -> ExitCode {
    eprintln!("error: {error}");
    ExitCode::from(EXIT_CONFIG)
}

async fn run(settings: Settings) -> anyhow::Result<()> {
    tracing::info!(database = %settings.common.database, "starting");
    let app = Application::build(settings, AppClock::system()).await?;
    let stop = app.stop_token();
    tokio::spawn(async move {
        stop_signal().await;
        tracing::info!("shutting down");
        stop.cancel();
    });
    app.run_until_stopped().await
}

/// Ctrl-C, or SIGTERM (systemd, docker stop) on Unix.
async fn stop_signal() {
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(term) => term,
            Err(error) => {
                tracing::warn!(error = %error, "cannot listen for SIGTERM");
                let _ = tokio::signal::ctrl_c().await;
                return;
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}

async fn migrate(settings: CommonSettings) -> anyhow::Result<()> {
    let db = Db::open(&settings.database).await?;
    db.close().await;
    eprintln!("migrations applied to {}", settings.database);
    Ok(())
}

/// The content tools: `faq check`, `faq calibrate`, `ask`, `eval`. `Ok(false)` means "ran, found problems".
mod content {
    use std::{io::Write as _, path::Path};

    use anyhow::Context as _;

    use accelerateur::{
        cli::{CliCommand, FaqCommand},
        config::CommonSettings,
        content::{ContentUpdateError, IMPORT_AUTHOR, export_files, import_files},
        faq::{commands, content::FaqContent, files::ContentFiles, index::FaqIndex},
        storage::Db,
    };

    pub fn run(command: &CliCommand, faq_dir: &Path) -> anyhow::Result<bool> {
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        match command {
            CliCommand::Faq { command: FaqCommand::Check { dir, strict } } => {
                let today = jiff::Zoned::now().date();
                commands::check(dir.as_deref().unwrap_or(faq_dir), *strict, today, &mut out)
            }
            CliCommand::Faq { command: FaqCommand::Calibrate { write, cross_validate } } => {
                commands::calibrate(&load(faq_dir)?, faq_dir, *write, *cross_validate, &mut out)?;
                Ok(true)
            }
            CliCommand::Ask { json: true, question: None } => {
                commands::ask_json_lines(&load(faq_dir)?, &mut std::io::stdin().lock(), &mut out)?;
                Ok(true)
            }
            CliCommand::Ask { json, question: Some(question) } => {
                let index = load(faq_dir)?;
                if *json {
                    writeln!(out, "{}", commands::match_json(question, &index.ask(question)))?;
                } else {
                    commands::ask(&index, question, &mut out)?;
                }
                Ok(true)
            }
            CliCommand::Ask { json: false, question: None } => {
                anyhow::bail!(
                    "give a question, e.g. accelerateur ask \"frais de port offerts ?\", or --json to read stdin"
                )
            }
            CliCommand::Eval { file } => Ok(commands::eval(&load(faq_dir)?, file, &mut out)?.meets_targets()),
            CliCommand::Faq { command: FaqCommand::Import { .. } | FaqCommand::Export { .. } }
            | CliCommand::Run
            | CliCommand::Migrate
            | CliCommand::Sandbox(_) => unreachable!("handled by main"),
        }
    }

    /// `faq import DIR` and `faq export DIR`, against DATABASE_URL. `Ok(false)`: the import was refused.
    pub async fn transfer(command: &FaqCommand, settings: &CommonSettings) -> anyhow::Result<bool> {
        let db = Db::open(&settings.database).await?;
        let outcome = match command {
            FaqCommand::Import { dir } => {
                let files = ContentFiles::read_dir(dir);
                let now = jiff::Timestamp::now().as_second();
                match import_files(&db, &files, dir, IMPORT_AUTHOR, now).await {
                    Ok(report) => {
                        println!(
                            "imported {}: {} change(s) recorded as revisions, content version {}{}",
                            dir.display(),
                            report.revisions,
                            report.version,
                            match report.kept {
                                0 => String::new(),
                                n => format!("; {n} entries of the database are not in the directory (kept)"),
                            }
                        );
                        Ok(true)
                    }
                    Err(ContentUpdateError::Invalid(errors)) => {
                        for error in &errors.0 {
                            println!("{error}");
                        }
                        eprintln!("error: {} problem(s); nothing was imported", errors.0.len());
                        Ok(false)
                    }
                    Err(error) => Err(error.into()),
                }
            }
            FaqCommand::Export { dir } => {
                let files = export_files(&db).await?;
                anyhow::ensure!(files.get("curriculum.toml").is_some(), "the database holds no content yet");
                files.write_dir(dir).with_context(|| format!("cannot write into {}", dir.display()))?;
                println!("exported the content to {}", dir.display());
                Ok(true)
            }
            _ => unreachable!("only import and export"),
        };
        db.close().await;
        outcome
    }

    fn load(dir: &Path) -> anyhow::Result<FaqIndex> {
        let content = FaqContent::load_dir(dir).map_err(|errors| {
            anyhow::anyhow!("{errors}\nrun `accelerateur faq check {}` for details", dir.display())
        })?;
        Ok(FaqIndex::build(&content))
    }
}
