//! The `accelerateur` binary: parse the command line, load the settings, hand over to the library.

use std::process::ExitCode;

use clap::Parser;

use accelerateur::{
    cli::{Cli, CliCommand},
    clock::AppClock,
    config::{CommonSettings, Environment, Settings},
    sandbox::{self, SandboxOptions},
    startup::Application,
    storage::Db,
    telemetry,
};

/// Exit code for a configuration the operator must fix.
const EXIT_CONFIG: u8 = 2;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    telemetry::init("info");
    let env = Environment::load();
    let result = match cli.command() {
        CliCommand::Run => match Settings::from_source(&env) {
            Ok(settings) => run(settings).await,
            Err(error) => return config_error(&error),
        },
        CliCommand::Migrate => match CommonSettings::from_source(&env) {
            Ok(settings) => migrate(settings).await,
            Err(error) => return config_error(&error),
        },
        CliCommand::Sandbox(args) => match SandboxOptions::from_cli(args, &env) {
            Ok(options) => sandbox::run(options).await,
            Err(error) => return config_error(&error),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn config_error(error: &accelerateur::config::ConfigError) -> ExitCode {
    eprintln!("error: {error}");
    ExitCode::from(EXIT_CONFIG)
}

async fn run(settings: Settings) -> anyhow::Result<()> {
    tracing::info!(database = %settings.database, "starting");
    let app = Application::build(settings, AppClock::system()).await?;
    let token = app.shutdown_token();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            tracing::info!("shutting down");
            if let Ok(done) = token.shutdown() {
                done.await;
            }
        }
    });
    app.run_until_stopped().await;
    Ok(())
}

async fn migrate(settings: CommonSettings) -> anyhow::Result<()> {
    let db = Db::open(&settings.database).await?;
    db.close().await;
    eprintln!("migrations applied to {}", settings.database);
    Ok(())
}
