//! The binary's behaviour at the command line: configuration errors are one English line and exit code 2.

use std::process::{Command, Output};

fn run(env: &[(&str, &str)], args: &[&str]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_accelerateur"));
    command.args(args).current_dir(dir.path()).env_clear().env("PATH", std::env::var("PATH").unwrap_or_default());
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().unwrap()
}

fn stderr_lines(output: &Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stderr).lines().map(str::to_owned).collect()
}

#[test]
fn no_token_is_one_line_naming_the_variable_and_exit_code_2() {
    let output = run(&[], &["run"]);
    assert_eq!(output.status.code(), Some(2));
    let lines = stderr_lines(&output);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains("TELOXIDE_TOKEN") && lines[0].contains("@BotFather"), "{}", lines[0]);
}

#[test]
fn malformed_admin_ids_are_one_line_naming_the_variable_and_exit_code_2() {
    let output = run(&[("TELOXIDE_TOKEN", "123:SECRET-TOKEN"), ("ACCEL_ADMINS", "42,bob")], &[]);
    assert_eq!(output.status.code(), Some(2));
    let lines = stderr_lines(&output);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains("ACCEL_ADMINS"), "{}", lines[0]);
    assert!(!lines[0].contains("SECRET-TOKEN"));
}

#[test]
fn migrate_creates_the_sqlite_file() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("x.db").display());
    let output = run(&[("DATABASE_URL", &url)], &["migrate"]);
    assert!(output.status.success(), "{:?}", stderr_lines(&output));
    assert!(dir.path().join("x.db").exists());
}

#[test]
fn help_describes_the_subcommands() {
    let output = run(&[], &["--help"]);
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success());
    assert!(help.contains("migrate") && help.contains("run"), "{help}");
}
