//! Reminder timeliness benchmark (a script, not a test): SUBSCRIBERS merchants opted in to the webinar reminders,
//! the real application with its background scheduler and delivery worker, against the Bot API emulator with
//! Telegram's limits enforced (30 messages/s per bot, 20 per minute per chat). The application's clock is the
//! system clock shifted so that a Monday's 10:00 (Paris) comes five seconds after start. Prints when the first and
//! the last reminder reached the emulator, measured from the scheduled time, against the minimum the send rate
//! allows ((SUBSCRIBERS - 1) / ACCEL_SEND_RATE).
//!
//! `cargo run --release --example reminder_bench -- [SUBSCRIBERS=10000] [ACCEL_SEND_RATE=20]`
//! (`DATABASE_URL=postgres://…` to run on PostgreSQL; a fresh SQLite file otherwise).

use std::{
    sync::{
        Arc,
        atomic::{AtomicI64, Ordering},
    },
    time::{Duration, Instant},
};

use accelerateur::{
    clock::{AppClock, Clock},
    config::{BotToken, CommonSettings, Settings, TelegramSettings},
    startup::Application,
    telegram_emulator::RateLimit,
};
use jiff::{SignedDuration, Timestamp};
use teloxide::types::UserId;

#[path = "../benches/support/stage.rs"]
mod stage;
use stage::{BenchStage, bench_stage};

const FIRST_SUBSCRIBER: i64 = 2_000_000;
/// Monday 7 December 2026, 10:00 in Paris.
const SESSION: &str = "2026-12-07T09:00:00Z";
const LEAD: Duration = Duration::from_secs(5);

/// The system clock, shifted by some milliseconds (only this script does that; the bot uses the system clock).
/// The shift is set once the application is built, so start-up time is not counted as lateness.
struct Shifted(Arc<AtomicI64>);

impl Clock for Shifted {
    fn now(&self) -> Timestamp {
        Timestamp::now() + SignedDuration::from_millis(self.0.load(Ordering::SeqCst))
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let subscribers: i64 = args.next().map_or(Ok(10_000), |raw| raw.parse())?;
    let rate: u32 = args.next().map_or(Ok(20), |raw| raw.parse())?;

    let limits = RateLimit { per_chat_per_minute: Some(20), global_per_second: Some(30) };
    let BenchStage { emulator, server, database, db, dir: _dir } = bench_stage("123456789:AAbench", limits).await?;
    let now = Timestamp::now().as_second();
    for chat in FIRST_SUBSCRIBER..FIRST_SUBSCRIBER + subscribers {
        db.touch_user(UserId(chat.unsigned_abs()), "Commerçant", now).await?;
        db.set_reminders(UserId(chat.unsigned_abs()), true).await?;
        emulator.open_chat(chat);
    }

    let rate_setting = rate.to_string();
    let mut common = CommonSettings::from_source(&[
        ("ACCEL_SEND_RATE", rate_setting.as_str()),
        ("ACCEL_WEBINAR_URL", "https://visio.example.org/accelerateur"),
    ])?;
    common.database = database.clone();
    let telegram = TelegramSettings { token: BotToken::new(emulator.token()), api_url: Some(server.api_url()) };
    let session: Timestamp = SESSION.parse()?;
    // While the application starts, its clock reads an hour before the reminder.
    let shift = Arc::new(AtomicI64::new(
        (session.duration_since(Timestamp::now()) - SignedDuration::from_hours(1)).as_millis() as i64,
    ));
    let clock = AppClock::new(Arc::new(Shifted(shift.clone())));
    let app = Application::build(Settings::with_common(common, telegram), clock).await?;
    let scheduled = Instant::now() + LEAD;
    let lead = SignedDuration::try_from(LEAD)?;
    shift.store((session.duration_since(Timestamp::now()) - lead).as_millis() as i64, Ordering::SeqCst);
    let stop = app.stop_token();
    let running = tokio::spawn(app.run_until_stopped());
    println!("{subscribers} subscribers at ACCEL_SEND_RATE={rate} on {:?}; reminder due in {LEAD:?}", db.backend());

    let expected = usize::try_from(subscribers)?;
    let mut first = None;
    let mut last_report = Instant::now();
    loop {
        let sent = emulator.bot_messages_sent();
        if sent > 0 && first.is_none() {
            first = Some(Instant::now());
        }
        if sent >= expected {
            break;
        }
        if last_report.elapsed() >= Duration::from_secs(30) {
            println!("  {sent} / {expected}");
            last_report = Instant::now();
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let last = Instant::now();
    stop.cancel();
    running.await??;

    let since =
        |at: Instant| at.checked_duration_since(scheduled).map_or(-(scheduled - at).as_secs_f64(), |d| d.as_secs_f64());
    let first = since(first.unwrap_or(last));
    let last = since(last);
    let minimum = (subscribers - 1) as f64 / f64::from(rate);
    let throttled = emulator.journal().iter().filter(|entry| entry.status == 429).count();
    println!("first reminder {:.3} s after the scheduled time (target: within 1 s)", first);
    println!(
        "last reminder {last:.1} s after it; the rate's minimum is {minimum:.1} s: {:.2} % of it (target: at most 105 %)",
        100.0 * last / minimum
    );
    println!("429 received: {throttled}");
    Ok(())
}
