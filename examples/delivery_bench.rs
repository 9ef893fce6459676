//! Delivery throughput benchmark (a script, not a test): one announcement to RECIPIENTS merchants through the real
//! application and its background delivery worker, against the Bot API emulator with Telegram's limits enforced
//! (30 messages/s per bot, 20 per minute per chat), while ten other merchants take turns asking a question every
//! half second. Prints the sustained delivery rate against `ACCEL_SEND_RATE`, the 429s received and the reply
//! latencies (p50, p99, max).
//!
//! `cargo run --release --example delivery_bench -- [RECIPIENTS=10000] [ACCEL_SEND_RATE=20]`
//! (`DATABASE_URL=postgres://…` to run on PostgreSQL; a fresh SQLite file otherwise).

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use accelerateur::{
    clock::AppClock,
    config::{BotToken, CommonSettings, Settings, TelegramSettings},
    startup::Application,
    storage::{
        announcements::{Audience, AudienceFilter},
        deliveries::Payload,
    },
    telegram_emulator::{Emulator, RateLimit},
};
use teloxide::types::UserId;

#[path = "../benches/support/stage.rs"]
mod stage;
use stage::{BenchStage, bench_stage};

const FIRST_RECIPIENT: i64 = 1_000_000;
const TRAINER: i64 = 9002;
/// The merchants who ask questions while the announcement goes out (not in its audience).
const ASKERS: std::ops::Range<i64> = 41..51;
const QUESTION_EVERY: Duration = Duration::from_millis(500);

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let recipients: i64 = args.next().map_or(Ok(10_000), |raw| raw.parse())?;
    let rate: u32 = args.next().map_or(Ok(20), |raw| raw.parse())?;

    let limits = RateLimit { per_chat_per_minute: Some(20), global_per_second: Some(30) };
    let BenchStage { emulator, server, database, db, dir: _dir } = bench_stage("123456789:AAbench", limits).await?;
    let now = jiff::Timestamp::now().as_second();
    for chat in (FIRST_RECIPIENT..FIRST_RECIPIENT + recipients).chain(ASKERS) {
        db.touch_user(UserId(chat.unsigned_abs()), "Commerçant", now).await?;
        emulator.open_chat(chat);
    }
    emulator.open_chat(TRAINER);

    let (trainer, rate_setting) = (TRAINER.to_string(), rate.to_string());
    let mut common = CommonSettings::from_source(&[
        ("ACCEL_TRAINERS", trainer.as_str()),
        ("ACCEL_SEND_RATE", rate_setting.as_str()),
    ])?;
    common.database = database.clone();
    let telegram = TelegramSettings { token: BotToken::new(emulator.token()), api_url: Some(server.api_url()) };
    let app = Application::build(Settings::with_common(common, telegram), AppClock::system()).await?;
    let stop = app.stop_token();
    let running = tokio::spawn(app.run_until_stopped());

    let payload = Payload { text: "<b>Atelier</b> jeudi : venez avec vos questions !".to_owned(), button: None };
    let draft = db.create_draft(TRAINER, &payload, now).await?;
    let filter = AudienceFilter { modules: Vec::new(), staff: ASKERS.collect() };
    let start = Instant::now();
    db.confirm_announcement(draft, &Audience::All, &filter, jiff::Timestamp::now().as_second(), now).await?;
    println!("{recipients} recipients queued at ACCEL_SEND_RATE={rate} on {:?}", db.backend());

    let done = Arc::new(AtomicBool::new(false));
    let asking = tokio::spawn(ask_questions(emulator.clone(), done.clone()));
    let mut last_report = Instant::now();
    while db.pending_deliveries().await? > 0 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        if last_report.elapsed() >= Duration::from_secs(30) {
            let counts = db.announcement_counts(draft).await?;
            println!("  {:>5.0} s: {} / {recipients}", start.elapsed().as_secs_f64(), counts.finished());
            last_report = Instant::now();
        }
    }
    let elapsed = start.elapsed().as_secs_f64();
    done.store(true, Ordering::Relaxed);
    let mut latencies = asking.await?;
    let counts = db.announcement_counts(draft).await?;
    stop.cancel();
    running.await??;

    let throttled = emulator.journal().iter().filter(|entry| entry.status == 429).count();
    let achieved = counts.sent as f64 / elapsed;
    latencies.sort();
    let percentile = |p: f64| latencies[((latencies.len() as f64 * p).ceil() as usize).saturating_sub(1)];
    println!(
        "delivered {} (unreachable {}, failed {}) in {elapsed:.1} s",
        counts.sent, counts.unreachable, counts.failed
    );
    println!("sustained rate {achieved:.2}/s = {:.1} % of {rate}/s", 100.0 * achieved / f64::from(rate));
    println!("429 received: {throttled}");
    println!(
        "replies to {} questions during the run: p50 {:?}, p99 {:?}, max {:?}",
        latencies.len(),
        percentile(0.50),
        percentile(0.99),
        latencies.last().copied().unwrap_or_default()
    );
    Ok(())
}

/// The askers take turns: a question, then the time until the bot's reply shows in their chat.
async fn ask_questions(emulator: Emulator, done: Arc<AtomicBool>) -> Vec<Duration> {
    let mut latencies = Vec::new();
    for asker in ASKERS.cycle() {
        if done.load(Ordering::Relaxed) {
            break;
        }
        let before = emulator.bot_messages(asker).len();
        let sent = Instant::now();
        emulator.send_text(asker, "Comment fixer mes frais de port ?");
        match emulator.wait_for_bot_messages(asker, before + 1, Duration::from_secs(30)).await {
            Ok(_) => latencies.push(sent.elapsed()),
            Err(error) => eprintln!("no reply: {error}"),
        }
        tokio::time::sleep(QUESTION_EVERY.saturating_sub(sent.elapsed())).await;
    }
    latencies
}
