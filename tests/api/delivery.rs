//! The delivery queue through its first user, the notes to trainers (`/formateur`): retries after 429 and 5xx,
//! the lease a crashed worker leaves behind, and at most one note per question and trainer.

use accelerateur::{
    clock::Clock as _,
    storage::{
        announcements::{Audience, AudienceFilter},
        deliveries::Payload,
    },
    telegram_emulator::{Fault, FaultKind},
};
use teloxide::types::UserId;

use crate::helpers::{TRAINER, TestApp, assert_no_rejected_calls, spawn_app, spawn_app_with};

/// A merchant asks for a trainer; the trainer has opened the bot before.
async fn queue_one_note(app: &TestApp) {
    app.user(TRAINER).sends("/start").await;
    // Updates of one chat are handled in order: once /menu is answered, /start's handler (which also sends any
    // forwarded question still pending for a trainer) has finished, and cannot race the question below.
    app.user(TRAINER).sends("/menu").await;
    let reply = app.user(401).sends("/formateur comment fixer mes frais de port ?").await;
    assert!(reply.text.contains("transmise"), "{}", reply.text);
}

fn notes_received(app: &TestApp) -> usize {
    app.emulator.bot_messages(TRAINER).iter().filter(|m| m.text.contains("Question transmise")).count()
}

#[tokio::test]
async fn a_429_postpones_the_delivery_by_retry_after_and_no_more() {
    let app = spawn_app().await;
    queue_one_note(&app).await;
    app.emulator.inject_fault(
        Fault::new(FaultKind::TooManyRequests { retry_after: 5 }).on_method("sendMessage").for_chat(TRAINER),
    );
    assert_eq!(app.deliver_all().await, 1);
    assert_eq!((notes_received(&app), app.db.pending_deliveries().await.unwrap()), (0, 1));
    app.advance(4);
    assert_eq!(app.deliver_all().await, 0, "not before retry_after");
    app.advance(1);
    assert_eq!(app.deliver_all().await, 1);
    assert_eq!((notes_received(&app), app.db.pending_deliveries().await.unwrap()), (1, 0));
}

#[tokio::test]
async fn server_errors_are_retried_with_backoff_then_recorded_as_failed() {
    let app = spawn_app_with(|settings| settings.common.delivery.max_attempts = 2).await;
    queue_one_note(&app).await;
    app.emulator.inject_fault(
        Fault::new(FaultKind::ServerError { status: 502 }).on_method("sendMessage").for_chat(TRAINER).times(2),
    );
    assert_eq!(app.deliver_all().await, 1);
    assert_eq!(app.db.pending_deliveries().await.unwrap(), 1, "one failure is retried");
    assert_eq!(app.deliver_all().await, 0, "backoff: not retried at once");
    app.advance(2);
    assert_eq!(app.deliver_all().await, 1);
    assert_eq!(app.db.pending_deliveries().await.unwrap(), 0, "the second failure is the last allowed");
    app.advance(3600);
    assert_eq!(app.deliver_all().await, 0);
    assert_eq!(notes_received(&app), 0);
}

#[tokio::test]
async fn a_delivery_claimed_by_a_crashed_worker_is_sent_once_its_lease_expires() {
    let app = spawn_app().await;
    queue_one_note(&app).await;
    let now = app.clock.now().as_second();
    let lease = app.settings.common.delivery.lease_secs;
    // A worker that claimed the delivery and died before sending it.
    let claimed = app.db.claim_deliveries(now, now + lease, 10).await.unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(app.deliver_all().await, 0, "leased to the other worker");
    app.advance(lease);
    assert_eq!(app.deliver_all().await, 1);
    assert_eq!(notes_received(&app), 1);
    assert_eq!(app.deliver_all().await, 0);
    assert_no_rejected_calls(&app);
}

#[tokio::test]
async fn workers_claiming_side_by_side_send_each_delivery_once() {
    let app = spawn_app_with(|settings| {
        settings.common.delivery.rate = std::num::NonZeroU32::new(500).unwrap();
        settings.common.delivery.batch = 4;
    })
    .await;
    let now = app.clock.now().as_second();
    let chats: Vec<i64> = (1_000..1_120).collect();
    for chat in &chats {
        app.db.touch_user(UserId(chat.unsigned_abs()), "Commerçant", now).await.unwrap();
        app.emulator.open_chat(*chat);
    }
    let payload = Payload { text: "Deux ouvriers, un envoi".to_owned(), button: None };
    let draft = app.db.create_draft(TRAINER, &payload, now).await.unwrap();
    app.db.confirm_announcement(draft, &Audience::All, &AudienceFilter::default(), now, now).await.unwrap();

    let workers: Vec<_> = (0..3).map(|_| app.delivery_worker()).collect();
    let attempted = futures::future::join_all(workers.iter().map(|worker| worker.run_until_empty())).await;
    let attempted: usize = attempted.into_iter().map(Result::unwrap).sum();
    assert_eq!(attempted, chats.len(), "no delivery claimed twice");
    for chat in &chats {
        let received = app.emulator.bot_messages(*chat).iter().filter(|m| m.text == payload.text).count();
        assert_eq!(received, 1, "chat {chat}");
    }
    assert_eq!(app.db.pending_deliveries().await.unwrap(), 0);
}
