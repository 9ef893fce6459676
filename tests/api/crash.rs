//! Crash safety of the delivery queue, with the real binary: SIGKILL in the middle of a 2,000-recipient
//! announcement, start again, and every recipient gets the message; the duplicates stay within the bound the README
//! states (the sends of one batch, `ACCEL_DELIVERY_BATCH`).

use std::{
    path::Path,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use accelerateur::{
    storage::{
        Db,
        announcements::{Audience, AudienceFilter, Confirmation},
        deliveries::Payload,
    },
    telegram_emulator::{Emulator, EmulatorConfig},
};
use teloxide::types::UserId;

use crate::helpers::{TRAINER, TestDatabase};

const RECIPIENTS: i64 = 2_000;
const FIRST_RECIPIENT: i64 = 700_000;
const BATCH: usize = 16;
const TEXT: &str = "<b>Atelier</b> jeudi : crash test";

/// `accelerateur run` against the emulator, fast enough for a test (the emulator does not rate-limit here).
fn start_bot(api_url: &str, token: &str, database: &str, dir: &Path) -> Child {
    let faq = Path::new(env!("CARGO_MANIFEST_DIR")).join("faq");
    Command::new(env!("CARGO_BIN_EXE_accelerateur"))
        .arg("run")
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("TELOXIDE_TOKEN", token)
        .env("TELOXIDE_API_URL", api_url)
        .env("DATABASE_URL", database)
        .env("ACCEL_FAQ_DIR", faq)
        .env("ACCEL_TRAINERS", TRAINER.to_string())
        .env("ACCEL_SEND_RATE", "400")
        .env("ACCEL_DELIVERY_BATCH", BATCH.to_string())
        .env("ACCEL_DELIVERY_LEASE_SECS", "2")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(if std::env::var_os("TEST_LOG").is_some() { Stdio::inherit() } else { Stdio::null() })
        .spawn()
        .expect("the binary starts")
}

/// How many times each recipient received the announcement.
fn received(emulator: &Emulator) -> Vec<usize> {
    (FIRST_RECIPIENT..FIRST_RECIPIENT + RECIPIENTS)
        .map(|chat| emulator.bot_messages(chat).iter().filter(|m| m.text == "Atelier jeudi : crash test").count())
        .collect()
}

async fn wait_until(what: &str, limit: Duration, mut done: impl AsyncFnMut() -> bool) {
    let start = Instant::now();
    while !done().await {
        assert!(start.elapsed() < limit, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_sigkill_mid_announcement_loses_no_recipient_and_duplicates_at_most_one_batch() {
    // The binary checks the token's shape, as it would for a real one.
    let config = EmulatorConfig { token: "123456789:AAcrash-test".to_owned(), ..EmulatorConfig::default() };
    let (emulator, server) = Emulator::spawn(config).await.unwrap();
    let database = TestDatabase::create().await;
    let db = Db::open(&database.url).await.unwrap();
    let now = jiff::Timestamp::now().as_second();
    for chat in FIRST_RECIPIENT..FIRST_RECIPIENT + RECIPIENTS {
        db.touch_user(UserId(chat.unsigned_abs()), "Commerçant", now).await.unwrap();
        emulator.open_chat(chat);
    }
    emulator.open_chat(TRAINER);
    let draft = db.create_draft(TRAINER, &Payload { text: TEXT.to_owned(), button: None }, now).await.unwrap();
    let confirmation =
        db.confirm_announcement(draft, &Audience::All, &AudienceFilter::default(), now, now).await.unwrap();
    assert_eq!(confirmation, Confirmation::Queued { recipients: RECIPIENTS });

    let dir = tempfile::tempdir().unwrap();
    let (api_url, token, url) = (server.api_url().to_string(), emulator.token(), database.url.expose().to_owned());
    let mut bot = start_bot(&api_url, &token, &url, dir.path());
    wait_until("a quarter is sent", Duration::from_secs(60), async || {
        received(&emulator).iter().sum::<usize>() >= RECIPIENTS as usize / 4
    })
    .await;
    bot.kill().unwrap(); // SIGKILL
    bot.wait().unwrap();
    let at_kill = received(&emulator).iter().sum::<usize>();
    assert!(at_kill < RECIPIENTS as usize, "killed before the end ({at_kill} sent)");

    let mut bot = start_bot(&api_url, &token, &url, dir.path());
    wait_until("every delivery ended", Duration::from_secs(120), async || db.pending_deliveries().await.unwrap() == 0)
        .await;
    bot.kill().unwrap();
    bot.wait().unwrap();

    let counts = received(&emulator);
    let missed: Vec<i64> =
        counts.iter().zip(FIRST_RECIPIENT..).filter(|(count, _)| **count == 0).map(|(_, chat)| chat).collect();
    assert!(missed.is_empty(), "{} recipients never got it, e.g. {:?}", missed.len(), &missed[..missed.len().min(5)]);
    let duplicates: usize = counts.iter().map(|count| count - 1).sum();
    assert!(duplicates <= BATCH, "{duplicates} duplicates, more than one batch ({BATCH})");
    let figures = db.announcement_counts(draft).await.unwrap();
    assert_eq!((figures.sent, figures.total()), (RECIPIENTS, RECIPIENTS));
    eprintln!("SIGKILL after {at_kill} sends: {duplicates} duplicate(s), bound {BATCH}");
}
