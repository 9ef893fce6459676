//! Direct replies keep under Telegram's limits by themselves (`telegram::pacer`): the whole bot's reply share, and
//! each chat's own limit, without holding up other chats.

use std::time::{Duration, Instant};

use accelerateur::telegram_emulator::RateLimit;

use crate::helpers::spawn_app_with;

/// Sends the emulator accepted, per chat, in the order it accepted them.
fn accepted_sends(app: &crate::helpers::TestApp, chat: i64) -> Vec<u64> {
    app.emulator
        .journal()
        .iter()
        .filter(|call| call.method.eq_ignore_ascii_case("sendMessage") && call.status == 200)
        .filter(|call| call.chat_id == Some(chat))
        .map(|call| call.seq)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_merchants_at_once_are_answered_at_the_reply_rate_without_a_429() {
    let app = spawn_app_with(|settings| settings.common.delivery.reply_rate = Some(28)).await;
    app.emulator.set_rate_limit(RateLimit { per_chat_per_minute: Some(20), global_per_second: Some(30) });
    let merchants: Vec<i64> = (1000..1060).collect();
    let start = Instant::now();
    for merchant in &merchants {
        app.emulator.send_text(*merchant, "frais de port offerts ?");
    }
    for merchant in &merchants {
        app.emulator
            .wait_for_bot_messages(*merchant, 1, Duration::from_secs(30))
            .await
            .unwrap_or_else(|e| panic!("merchant {merchant} got no answer: {e}"));
    }
    // 60 replies at 28/s take at least two seconds (the first leaves at once): the bot paced itself...
    let elapsed = start.elapsed();
    assert!(elapsed >= Duration::from_millis(2000), "60 replies in {elapsed:?}: not paced");
    // ...so Telegram (30/s) never had to say so.
    let refused = app.emulator.journal().iter().filter(|call| call.status == 429).count();
    assert_eq!(refused, 0, "429s received");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_chat_gets_two_at_once_then_one_a_second_while_others_are_not_held_up() {
    let app = spawn_app_with(|settings| settings.common.delivery.reply_rate = Some(28)).await;
    let (busy, other) = (1100, 1101);
    // Warm up: the first message of a new merchant may be answered with more than one message.
    app.user(busy).sends("bonjour").await;
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let before = accepted_sends(&app, busy).len();
    let start = Instant::now();
    for question in ["frais de port ?", "vendre sur amazon", "tva micro entreprise", "creer mon site"] {
        app.emulator.send_text(busy, question);
    }
    app.emulator.send_text(other, "frais de port offerts ?");
    let replies = app.emulator.wait_for_bot_messages(busy, before + 4, Duration::from_secs(30)).await.unwrap();
    let elapsed = start.elapsed();
    assert!(replies.len() >= before + 4);
    // Four messages in one chat: two at once, the third a second later, the fourth a second after that.
    assert!(elapsed >= Duration::from_millis(1900), "four messages to one chat in {elapsed:?}");
    app.emulator.wait_for_bot_messages(other, 1, Duration::from_secs(30)).await.unwrap();
    let busy_sends = accepted_sends(&app, busy);
    let other_sends = accepted_sends(&app, other);
    assert!(
        other_sends[0] < busy_sends[busy_sends.len() - 1],
        "the other merchant waited for the busy chat: {other_sends:?} after {busy_sends:?}"
    );
    assert_eq!(app.emulator.journal().iter().filter(|call| call.status == 429).count(), 0);
}
