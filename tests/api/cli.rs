//! The binary's behaviour at the command line: configuration errors are one English line naming the variable,
//! bad settings stop the start, and no secret ever reaches the output.

use std::{
    io::{Read, Write},
    net::TcpListener,
    path::Path,
    process::{Command, Output},
};

fn run(env: &[(&str, &str)], args: &[&str]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    run_in(dir.path(), env, args)
}

fn run_in(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_accelerateur"));
    command.args(args).current_dir(dir).env_clear().env("PATH", std::env::var("PATH").unwrap_or_default());
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

fn faq_dir() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("faq").display().to_string()
}

/// Runs the bot with `env` and checks it stops at once with one line on stderr containing `needle`.
fn assert_start_fails_naming(env: &[(&str, &str)], needle: &str) -> String {
    let faq = faq_dir();
    let mut full = vec![
        ("TELOXIDE_TOKEN", "123456:AAnotused"),
        ("TELOXIDE_API_URL", "http://127.0.0.1:9"),
        ("ACCEL_FAQ_DIR", faq.as_str()),
    ];
    full.extend_from_slice(env);
    let output = run(&full, &["run"]);
    assert!(!output.status.success());
    let lines = stderr_lines(&output);
    let errors: Vec<_> = lines.iter().filter(|line| line.starts_with("error")).collect();
    assert_eq!(errors.len(), 1, "{lines:?}");
    assert!(errors[0].contains(needle), "{lines:?}");
    errors[0].clone()
}

#[test]
fn a_sqlite_url_without_a_file_is_refused() {
    for url in ["sqlite://", "sqlite::memory:"] {
        let output = run(&[("TELOXIDE_TOKEN", "123:abc"), ("DATABASE_URL", url)], &["run"]);
        assert_eq!(output.status.code(), Some(2));
        let lines = stderr_lines(&output);
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(lines[0].contains("DATABASE_URL"), "{}", lines[0]);
    }
}

#[test]
fn a_read_only_database_stops_the_start_naming_database_url() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bot.db");
    let migrate = run(&[("DATABASE_URL", &format!("sqlite://{}", file.display()))], &["migrate"]);
    assert!(migrate.status.success(), "{:?}", stderr_lines(&migrate));
    let url = format!("sqlite://{}?mode=ro", file.display());
    let line = assert_start_fails_naming(&[("DATABASE_URL", &url)], "DATABASE_URL");
    assert!(line.contains("does not accept writes"), "{line}");
}

#[test]
fn a_missing_content_directory_is_one_line_naming_accel_faq_dir() {
    let line = assert_start_fails_naming(&[("ACCEL_FAQ_DIR", "/nonexistent/faq")], "ACCEL_FAQ_DIR=/nonexistent/faq");
    assert!(line.contains("more problems"), "{line}");
}

#[test]
fn a_malformed_env_file_is_one_line_exit_2_without_its_values() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".env"), "ACCEL_ADMINS=1\nTELOXIDE_TOKEN 'SECRET-IN-DOTENV\n").unwrap();
    let output = run_in(dir.path(), &[], &["run"]);
    assert_eq!(output.status.code(), Some(2));
    let lines = stderr_lines(&output);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains(".env") && lines[0].contains("line 2"), "{}", lines[0]);
    assert!(!lines[0].contains("SECRET-IN-DOTENV"), "{}", lines[0]);
}

/// A Bot API server that answers every request with an HTML page echoing the request line (and so the token in
/// the path), as some proxies' error pages do.
fn spawn_echoing_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(20) {
            let Ok(mut stream) = stream else { continue };
            let mut buffer = [0u8; 4096];
            let read = stream.read(&mut buffer).unwrap_or(0);
            let request = String::from_utf8_lossy(&buffer[..read]);
            let first_line = request.lines().next().unwrap_or_default().to_owned();
            let body = format!("<html><body>No route for {first_line}</body></html>");
            let response = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(response.as_bytes());
        }
    });
    format!("http://{address}")
}

#[test]
fn no_secret_reaches_the_output_when_the_api_echoes_the_token() {
    let api = spawn_echoing_server();
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("bot.db").display());
    let faq = faq_dir();
    let token = "123456789:AAHsuperSECRETtokenVALUE42";
    let output = run(
        &[
            ("TELOXIDE_TOKEN", token),
            ("TELOXIDE_API_URL", &api),
            ("DATABASE_URL", &db),
            ("ACCEL_FAQ_DIR", &faq),
            ("RUST_LOG", "trace"),
        ],
        &["run"],
    );
    let all = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(!output.status.success(), "{all}");
    assert!(all.contains("No route for"), "the server's page is reported (scrubbed): {all}");
    assert!(!all.contains("AAHsuperSECRETtokenVALUE42"), "{all}");
    assert!(all.contains("[redacted]"), "{all}");
}

#[test]
fn no_database_password_reaches_the_output() {
    for url in ["postgres://bot:hunter2pass@127.0.0.1:9/x", "postgres://bot@127.0.0.1:9/x?password=hunter2pass"] {
        let output = run(&[("DATABASE_URL", url)], &["migrate"]);
        let all = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
        assert!(!output.status.success(), "{all}");
        assert!(all.contains("DATABASE_URL"), "{all}");
        assert!(!all.contains("hunter2pass"), "{all}");
    }
}

#[test]
fn run_warns_when_module_links_still_point_to_the_placeholder_and_logs_without_colour() {
    // Nothing listens on port 9: the bot stops after the configuration checks, which is all this test needs.
    let faq = concat!(env!("CARGO_MANIFEST_DIR"), "/faq");
    let env = [("TELOXIDE_TOKEN", "123:abc"), ("TELOXIDE_API_URL", "http://127.0.0.1:9/"), ("ACCEL_FAQ_DIR", faq)];
    let output = run(&env, &["run"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("ACCEL_COURSE_URL is not set"), "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "no colour codes when stderr is not a terminal: {stderr}");

    let configured = [("ACCEL_COURSE_URL", "https://cours.example.org/parcours/"), env[0], env[1], env[2]];
    let stderr = String::from_utf8_lossy(&run(&configured, &["run"]).stderr).into_owned();
    assert!(!stderr.contains("ACCEL_COURSE_URL is not set"), "{stderr}");
}
