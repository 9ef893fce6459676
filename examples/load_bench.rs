//! Load benchmark (a script, not a test): questions handled end to end by the real binary, through the Bot API
//! emulator. Each question comes from a different merchant (so Telegram's per-chat limit plays no part); CONCURRENCY
//! merchants ask at once, each waiting for the reply before the next merchant asks. Prints questions per second,
//! update→reply latency (p50, p99, max; from the update queued in the emulator to the reply recorded by it) and the
//! bot process's peak RSS (`VmHWM`).
//!
//! ```text
//! cargo build --release && cargo run --release --example load_bench -- [polling|webhook] [QUESTIONS=20000] [CONCURRENCY=32] [--real-limits]
//! ```
//! `DATABASE_URL=postgres://…` runs it on PostgreSQL (the database must exist and be empty of other data; it is
//! migrated); a fresh SQLite file otherwise. `ACCEL_BIN` names the binary (default `target/release/accelerateur`).
//!
//! By default Telegram's limits are lifted on both sides (the emulator enforces none, the bot's `ACCEL_REPLY_RATE` is
//! 100,000) to measure the bot itself. `--real-limits` puts them back (emulator: 30 messages/s per bot, 20 per minute
//! per chat; bot: its default budget) while an announcement to 5,000 merchants goes out at `ACCEL_SEND_RATE`=20: the
//! bot should send at Telegram's 30 messages/s without a single 429.

use std::{
    path::Path,
    process::{Child, Command, Stdio},
    sync::{
        Arc, Mutex,
        atomic::{AtomicI64, Ordering},
    },
    time::{Duration, Instant},
};

use accelerateur::{
    config::DatabaseUrl,
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

/// Questions merchants ask, in turn (answers, suggestions, fallbacks and small talk all occur).
const QUESTIONS: &[&str] = &[
    "Comment fixer le prix de mes produits ?",
    "c koi le SEO",
    "Combien coûtent les frais de port pour la Belgique ?",
    "Comment créer ma boutique en ligne ?",
    "Est-ce que je dois déclarer mes ventes en ligne ?",
    "bonjour",
    "Comment faire des photos de mes produits avec mon téléphone ?",
    "Quel prestataire de paiement choisir ?",
    "J'ai oublié mon mot de passe de la formation",
    "Comment rédiger mes conditions générales de vente ?",
    "merci beaucoup !",
    "Comment gérer les retours clients ?",
    "Faut-il être sur Instagram pour vendre ?",
    "quelle est la météo demain à Lyon",
    "Comment calculer ma marge ?",
    "Le webinaire est à quelle heure ?",
];
const FIRST_ASKER: i64 = 2_000_000;
const FIRST_RECIPIENT: i64 = 5_000_000;
const ANNOUNCEMENT_RECIPIENTS: i64 = 5_000;
const TRAINER: i64 = 9002;
const WEBHOOK_SECRET: &str = "load-bench-secret";

struct Options {
    webhook: bool,
    questions: i64,
    concurrency: usize,
    real_limits: bool,
}

fn options() -> anyhow::Result<Options> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let real_limits = args.iter().any(|arg| arg == "--real-limits");
    let mut positional = args.iter().filter(|arg| !arg.starts_with("--"));
    let webhook = match positional.next().map(String::as_str) {
        None | Some("polling") => false,
        Some("webhook") => true,
        Some(other) => anyhow::bail!("mode {other:?}: polling or webhook"),
    };
    let questions = positional.next().map_or(Ok(20_000), |raw| raw.parse())?;
    let concurrency = positional.next().map_or(Ok(32), |raw| raw.parse())?;
    Ok(Options { webhook, questions, concurrency, real_limits })
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let options = options()?;
    let limits = if options.real_limits {
        RateLimit { per_chat_per_minute: Some(20), global_per_second: Some(30) }
    } else {
        RateLimit::default()
    };
    let BenchStage { emulator, server, database, db, dir } = bench_stage("123456789:AAload-bench", limits).await?;
    let now = jiff::Timestamp::now().as_second();
    if options.real_limits {
        for chat in FIRST_RECIPIENT..FIRST_RECIPIENT + ANNOUNCEMENT_RECIPIENTS {
            db.touch_user(UserId(chat.unsigned_abs()), "Commerçant", now).await?;
            emulator.open_chat(chat);
        }
        emulator.open_chat(TRAINER);
    }

    let mut bot = start_bot(&options, server.api_url().as_ref(), &emulator.token(), &database, dir.path())?;
    wait_ready(&emulator, &mut bot).await?;
    println!(
        "{} mode, {:?}, {} questions, {} at once, {}",
        if options.webhook { "webhook" } else { "polling" },
        db.backend(),
        options.questions,
        options.concurrency,
        if options.real_limits { "Telegram's limits on" } else { "limits lifted" }
    );
    if options.real_limits {
        let payload = Payload { text: "<b>Atelier</b> jeudi : venez avec vos questions !".to_owned(), button: None };
        let draft = db.create_draft(TRAINER, &payload, now).await?;
        let filter = AudienceFilter { modules: Vec::new(), staff: Vec::new() };
        db.confirm_announcement(draft, &Audience::All, &filter, now, now).await?;
    }

    let next = Arc::new(AtomicI64::new(FIRST_ASKER));
    let latencies = Arc::new(Mutex::new(Vec::with_capacity(usize::try_from(options.questions)?)));
    let start = Instant::now();
    let askers: Vec<_> = (0..options.concurrency)
        .map(|_| tokio::spawn(ask(emulator.clone(), next.clone(), FIRST_ASKER + options.questions, latencies.clone())))
        .collect();
    for asker in askers {
        asker.await?;
    }
    let elapsed = start.elapsed();
    let peak_rss_kib = peak_rss_kib(&bot);
    let throttled = emulator.journal().iter().filter(|call| call.status == 429).count();
    let sends = emulator.journal().iter().filter(|call| call.method.eq_ignore_ascii_case("sendMessage")).count();
    let _ = Command::new("kill").args(["-TERM", &bot.id().to_string()]).status();
    let _ = bot.wait();

    let mut latencies = std::mem::take(&mut *latencies.lock().expect("latencies"));
    latencies.sort();
    let percentile = |p: f64| latencies[((latencies.len() as f64 * p).ceil() as usize).saturating_sub(1)];
    println!(
        "answered {} questions in {:.2} s: {:.0} questions/s",
        latencies.len(),
        elapsed.as_secs_f64(),
        latencies.len() as f64 / elapsed.as_secs_f64()
    );
    println!(
        "update→reply: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        millis(percentile(0.50)),
        millis(percentile(0.99)),
        millis(latencies.last().copied().unwrap_or_default())
    );
    println!("bot peak RSS: {:.1} MB", peak_rss_kib as f64 / 1024.0);
    if options.real_limits {
        println!(
            "sendMessage accepted by the emulator (any, the announcement included; the journal keeps the last 10,000): {:.1}/s; 429 received: {throttled}",
            sends as f64 / elapsed.as_secs_f64()
        );
    } else {
        println!("429 received: {throttled}");
    }
    Ok(())
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// Takes merchant ids until `end`; each asks one question and waits for the reply.
async fn ask(emulator: Emulator, next: Arc<AtomicI64>, end: i64, latencies: Arc<Mutex<Vec<Duration>>>) {
    loop {
        let asker = next.fetch_add(1, Ordering::Relaxed);
        if asker >= end {
            return;
        }
        let question = QUESTIONS[usize::try_from(asker).unwrap_or(0) % QUESTIONS.len()];
        let sent = Instant::now();
        emulator.send_text(asker, question);
        match emulator.wait_for_bot_messages(asker, 1, Duration::from_secs(60)).await {
            Ok(_) => latencies.lock().expect("latencies").push(sent.elapsed()),
            Err(error) => eprintln!("no reply: {error}"),
        }
    }
}

fn start_bot(
    options: &Options,
    api_url: &str,
    token: &str,
    database: &DatabaseUrl,
    dir: &Path,
) -> anyhow::Result<Child> {
    let binary = std::env::var("ACCEL_BIN")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/target/release/accelerateur").to_owned());
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let mut command = Command::new(&binary);
    command
        .arg("run")
        .current_dir(dir)
        .env("TELOXIDE_TOKEN", token)
        .env("TELOXIDE_API_URL", api_url)
        .env("DATABASE_URL", database.expose())
        .env("ACCEL_FAQ_DIR", concat!(env!("CARGO_MANIFEST_DIR"), "/faq"))
        .env("ACCEL_TRAINERS", TRAINER.to_string())
        .env("ACCEL_LISTEN", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", std::env::var("RUST_LOG").unwrap_or_else(|_| "warn".to_owned()))
        .stdin(Stdio::null())
        .stdout(Stdio::null());
    if !options.real_limits {
        command.env("ACCEL_REPLY_RATE", "100000");
    }
    if options.webhook {
        command
            .env("ACCEL_WEBHOOK_URL", format!("http://127.0.0.1:{port}/telegram"))
            .env("ACCEL_WEBHOOK_SECRET", WEBHOOK_SECRET);
    }
    command.spawn().map_err(|error| anyhow::anyhow!("cannot start {binary}: {error} (cargo build --release first)"))
}

/// Waits until the bot answers a first question (start-up: migrations, content, the intent model).
async fn wait_ready(emulator: &Emulator, bot: &mut Child) -> anyhow::Result<()> {
    let probe = FIRST_ASKER - 1;
    emulator.send_text(probe, "bonjour");
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Some(status) = bot.try_wait()? {
            anyhow::bail!("the bot exited: {status}");
        }
        if emulator.wait_for_bot_messages(probe, 1, Duration::from_millis(200)).await.is_ok() {
            return Ok(());
        }
    }
    anyhow::bail!("the bot did not answer within 60 s")
}

/// The process's peak resident set (`VmHWM` in /proc), in KiB.
fn peak_rss_kib(bot: &Child) -> u64 {
    std::fs::read_to_string(format!("/proc/{}/status", bot.id()))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}
