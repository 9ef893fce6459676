//! Graceful shutdown of the real binary: SIGTERM in the middle of an announcement while a merchant asks a question.
//! The process exits cleanly within 10 s; after a restart every recipient has the announcement exactly once and the
//! merchant exactly one answer. The lease is long (10 min) on purpose: the restart finishes well before it would
//! expire (start-up of a debug build on a loaded machine can take 30 s), which only happens if the stopping process
//! released the deliveries it had claimed and not sent.

use std::time::{Duration, Instant};

use crate::process::{Stage, exit_within, received, seed_announcement, terminate};

const RECIPIENTS: i64 = 1_500;
const FIRST_RECIPIENT: i64 = 710_000;
const ASKER: i64 = 4301;
const TEXT: &str = "<b>Atelier</b> vendredi : arrêt propre";
const SENT_TEXT: &str = "Atelier vendredi : arrêt propre";

fn settings() -> [(&'static str, String); 3] {
    [
        ("ACCEL_SEND_RATE", "300".to_owned()),
        ("ACCEL_DELIVERY_BATCH", "50".to_owned()),
        ("ACCEL_DELIVERY_LEASE_SECS", "600".to_owned()),
    ]
}

#[tokio::test]
async fn a_sigterm_mid_announcement_exits_within_ten_seconds_and_loses_or_doubles_nothing() {
    let stage = Stage::new("shutdown-test").await;
    let (emulator, db) = (&stage.emulator, &stage.db);
    let draft = seed_announcement(db, emulator, (FIRST_RECIPIENT, RECIPIENTS), TEXT, &[ASKER]).await;
    let sent = || received(emulator, FIRST_RECIPIENT, RECIPIENTS, SENT_TEXT);

    let mut bot = stage.start(&settings());
    stage.until_received((FIRST_RECIPIENT, RECIPIENTS), SENT_TEXT, RECIPIENTS as usize / 4).await;
    // A question arrives as the signal does: answered by this process or, if not taken yet, by the next.
    emulator.send_text(ASKER, "Comment fixer le prix de mes produits ?");
    tokio::time::sleep(Duration::from_millis(5)).await;
    terminate(&bot);
    let signalled = Instant::now();
    let status = exit_within(&mut bot, Duration::from_secs(10)).await;
    let Some(status) = status else {
        bot.kill().unwrap();
        panic!("still running 10 s after SIGTERM");
    };
    assert!(status.success(), "exit status after SIGTERM: {status}");
    let stopped_in = signalled.elapsed();
    let at_stop = sent().iter().sum::<usize>();
    assert!(at_stop < RECIPIENTS as usize, "stopped before the end ({at_stop} sent)");
    assert!(sent().iter().all(|count| *count <= 1), "a recipient got it twice before the restart");

    let mut bot = stage.start(&settings());
    // Well under the 10 min lease: nothing claimed by the stopped process is left waiting for its lease.
    stage.until_delivered(Duration::from_secs(180)).await;
    emulator.wait_for_bot_messages(ASKER, 1, Duration::from_secs(20)).await.expect("the question is answered");
    terminate(&bot);
    exit_within(&mut bot, Duration::from_secs(10)).await.expect("the second process stops too");

    let counts = sent();
    let wrong: Vec<(i64, usize)> =
        (FIRST_RECIPIENT..).zip(counts.iter().copied()).filter(|(_, count)| *count != 1).collect();
    assert!(
        wrong.is_empty(),
        "{} recipients got it not exactly once, e.g. {:?}",
        wrong.len(),
        &wrong[..wrong.len().min(5)]
    );
    let figures = db.announcement_counts(draft).await.unwrap();
    assert_eq!((figures.sent, figures.total()), (RECIPIENTS, RECIPIENTS));
    assert_eq!(emulator.bot_messages(ASKER).len(), 1, "the question was answered twice");
    eprintln!("SIGTERM after {at_stop} sends: exited in {stopped_in:?}, nothing lost or doubled");
}
