//! Crash safety of the delivery queue, with the real binary: SIGKILL in the middle of a 2,000-recipient
//! announcement, start again, and every recipient gets the message; the duplicates stay within the bound the README
//! states (the sends of one batch, `ACCEL_DELIVERY_BATCH`).

use std::time::Duration;

use crate::process::{Stage, received, seed_announcement};

const RECIPIENTS: i64 = 2_000;
const FIRST_RECIPIENT: i64 = 700_000;
const BATCH: usize = 16;
const TEXT: &str = "<b>Atelier</b> jeudi : crash test";
const SENT_TEXT: &str = "Atelier jeudi : crash test";

/// Fast enough for a test (the emulator does not rate-limit here); a short lease so the restart resends soon.
fn settings() -> [(&'static str, String); 3] {
    [
        ("ACCEL_SEND_RATE", "400".to_owned()),
        ("ACCEL_DELIVERY_BATCH", BATCH.to_string()),
        ("ACCEL_DELIVERY_LEASE_SECS", "2".to_owned()),
    ]
}

#[tokio::test]
async fn a_sigkill_mid_announcement_loses_no_recipient_and_duplicates_at_most_one_batch() {
    let stage = Stage::new("crash-test").await;
    let (emulator, db) = (&stage.emulator, &stage.db);
    let draft = seed_announcement(db, emulator, (FIRST_RECIPIENT, RECIPIENTS), TEXT, &[]).await;
    let sent = || received(emulator, FIRST_RECIPIENT, RECIPIENTS, SENT_TEXT);

    let mut bot = stage.start(&settings());
    stage.until_received((FIRST_RECIPIENT, RECIPIENTS), SENT_TEXT, RECIPIENTS as usize / 4).await;
    bot.kill().unwrap(); // SIGKILL
    bot.wait().unwrap();
    let at_kill = sent().iter().sum::<usize>();
    assert!(at_kill < RECIPIENTS as usize, "killed before the end ({at_kill} sent)");

    let mut bot = stage.start(&settings());
    stage.until_delivered(Duration::from_secs(120)).await;
    bot.kill().unwrap();
    bot.wait().unwrap();

    let counts = sent();
    let missed: Vec<i64> =
        counts.iter().zip(FIRST_RECIPIENT..).filter(|(count, _)| **count == 0).map(|(_, chat)| chat).collect();
    assert!(missed.is_empty(), "{} recipients never got it, e.g. {:?}", missed.len(), &missed[..missed.len().min(5)]);
    let duplicates: usize = counts.iter().map(|count| count - 1).sum();
    assert!(duplicates <= BATCH, "{duplicates} duplicates, more than one batch ({BATCH})");
    let figures = db.announcement_counts(draft).await.unwrap();
    assert_eq!((figures.sent, figures.total()), (RECIPIENTS, RECIPIENTS));
    eprintln!("SIGKILL after {at_kill} sends: {duplicates} duplicate(s), bound {BATCH}");
}
