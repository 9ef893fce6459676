//! The operator's view of the webinar reminders: the real binary (`accelerateur run`), started under a shifted wall
//! clock with libfaketime (Debian package `faketime`, installed by `.ci/run`) a minute before 10:00 Paris time on
//! a weekday, sends one reminder to an opted-in merchant just after 10:00; two processes on one database send one
//! reminder per merchant. No test-only switch: the binary reads the system clock as in production. `TZDIR` points
//! at an empty directory, so the time zone comes from the tz database bundled in the binary.
//! Without `faketime` these tests print a note and pass, unless `CI` is set: in CI they must run.

use std::{
    path::Path,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use accelerateur::{
    storage::Db,
    telegram_emulator::{Emulator, EmulatorConfig},
};
use teloxide::types::UserId;

use crate::helpers::TestDatabase;

const TOKEN: &str = "123456789:AAreminder-clock";

/// Whether `faketime` can be run; `false` (with a note) only outside CI.
fn faketime_available() -> bool {
    let found = Command::new("faketime").arg("--help").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok();
    if found {
        return true;
    }
    let in_ci = std::env::var("CI").is_ok_and(|value| !value.is_empty() && value != "false" && value != "0");
    assert!(!in_ci, "CI is set but faketime is missing: apt-get install -y faketime");
    eprintln!("note: shifted-clock test skipped: faketime not found (apt-get install -y faketime)");
    false
}

/// `accelerateur run` under `faketime`, its wall clock starting at `fake_utc` (`YYYY-MM-DD hh:mm:ss`, UTC).
fn start_bot(api_url: &str, database: &str, fake_utc: &str, dir: &Path) -> Child {
    let faq = Path::new(env!("CARGO_MANIFEST_DIR")).join("faq");
    let empty_tzdir = dir.join("no-zoneinfo");
    std::fs::create_dir_all(&empty_tzdir).unwrap();
    Command::new("faketime")
        .arg(fake_utc)
        .arg(env!("CARGO_BIN_EXE_accelerateur"))
        .arg("run")
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("TZ", "UTC")
        // Only the wall clock moves; timers keep the real monotonic clock.
        .env("FAKETIME_DONT_FAKE_MONOTONIC", "1")
        .env("TZDIR", &empty_tzdir)
        .env("TELOXIDE_TOKEN", TOKEN)
        .env("TELOXIDE_API_URL", api_url)
        .env("DATABASE_URL", database)
        .env("ACCEL_FAQ_DIR", faq)
        // Two processes at once (and other tests): each HTTP server on a port of its own.
        .env("ACCEL_LISTEN", "127.0.0.1:0")
        .env("ACCEL_TIMEZONE", "Europe/Paris")
        .env("ACCEL_WEBINAR_URL", "https://visio.example.org/accelerateur")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(if std::env::var_os("TEST_LOG").is_some() { Stdio::inherit() } else { Stdio::null() })
        .spawn()
        .expect("faketime starts the binary")
}

fn reminders(emulator: &Emulator, chat: i64) -> usize {
    emulator.bot_messages(chat).iter().filter(|m| m.text.contains("Webinaire aujourd'hui")).count()
}

/// Merchants `ids`, opted in or not, known to the bot and to the emulator.
async fn merchants(db: &Db, emulator: &Emulator, ids: impl Iterator<Item = i64>, opted_in: bool) {
    let now = jiff::Timestamp::now().as_second();
    for id in ids {
        db.touch_user(UserId(id.unsigned_abs()), "Commerçant", now).await.unwrap();
        db.set_reminders(UserId(id.unsigned_abs()), opted_in).await.unwrap();
        emulator.open_chat(id);
    }
}

async fn wait_until(what: &str, limit: Duration, mut done: impl FnMut() -> bool) -> Duration {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < limit, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    start.elapsed()
}

#[tokio::test]
async fn the_real_binary_a_minute_before_ten_sends_the_reminder_just_after_ten() {
    if !faketime_available() {
        return;
    }
    let config = EmulatorConfig { token: TOKEN.to_owned(), ..EmulatorConfig::default() };
    let (emulator, server) = Emulator::spawn(config).await.unwrap();
    let database = TestDatabase::create().await;
    let db = Db::open(&database.url).await.unwrap();
    merchants(&db, &emulator, [4201].into_iter(), true).await;
    merchants(&db, &emulator, [4202].into_iter(), false).await;

    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    // Monday 7 December 2026, 09:59:00 in Paris (UTC+1).
    let mut bot = start_bot(server.api_url().as_ref(), database.url.expose(), "2026-12-07 08:59:00", dir.path());
    wait_until("the reminder arrives", Duration::from_secs(120), || reminders(&emulator, 4201) > 0).await;
    let elapsed = started.elapsed();
    // By the bot's own (shifted) clock the reminders were queued at 10:00 or just after, never before; by the
    // real clock they left about a minute after the start at 09:59 (the wrapper's clock starts within a second of
    // the spawn, so the real elapsed time is only bounded loosely below).
    let day = jiff::civil::date(2026, 12, 7);
    let run = db.reminder_run(day).await.unwrap().expect("the day's reminders were queued");
    let ten = jiff::civil::date(2026, 12, 7).at(10, 0, 0, 0).in_tz("Europe/Paris").unwrap().timestamp().as_second();
    assert_eq!(run.due_at, ten);
    assert!((ten..=ten + 3).contains(&run.created_at), "queued at {} for {ten}", run.created_at);
    assert!(elapsed >= Duration::from_secs(58), "sent {elapsed:?} after the start at 09:59");
    assert!(elapsed <= Duration::from_secs(63), "sent {elapsed:?} after 09:59, not just after 10:00");
    tokio::time::sleep(Duration::from_secs(2)).await;
    bot.kill().unwrap();
    bot.wait().unwrap();
    assert_eq!((reminders(&emulator, 4201), reminders(&emulator, 4202)), (1, 0));
    let reminder = emulator.bot_messages(4201).into_iter().find(|m| m.text.contains("Webinaire")).unwrap();
    assert!(reminder.text.contains("Webinaire aujourd'hui à 10\u{a0}h"), "{}", reminder.text);
    eprintln!("reminder observed {elapsed:?} after the bot started at 09:59:00 (fake clock)");
}

#[tokio::test]
async fn two_bot_processes_on_one_database_send_one_reminder_per_merchant() {
    if !faketime_available() {
        return;
    }
    const MERCHANTS: std::ops::Range<i64> = 4300..4340;
    let config = EmulatorConfig { token: TOKEN.to_owned(), ..EmulatorConfig::default() };
    let (emulator, server) = Emulator::spawn(config).await.unwrap();
    let database = TestDatabase::create().await;
    let db = Db::open(&database.url).await.unwrap();
    merchants(&db, &emulator, MERCHANTS, true).await;

    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let api = server.api_url().to_string();
    // Tuesday 8 December 2026, 09:59:30 in Paris, for both.
    let mut bots = [
        start_bot(&api, database.url.expose(), "2026-12-08 08:59:30", dir_a.path()),
        start_bot(&api, database.url.expose(), "2026-12-08 08:59:30", dir_b.path()),
    ];
    wait_until("every merchant has a reminder", Duration::from_secs(120), || {
        MERCHANTS.clone().all(|id| reminders(&emulator, id) > 0)
    })
    .await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    for bot in &mut bots {
        assert!(bot.try_wait().unwrap().is_none(), "both processes are still running");
        bot.kill().unwrap();
        bot.wait().unwrap();
    }
    let counts: Vec<usize> = MERCHANTS.map(|id| reminders(&emulator, id)).collect();
    assert!(counts.iter().all(|count| *count == 1), "reminders per merchant: {counts:?}");
}
