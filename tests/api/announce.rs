//! `/annonce` and `/annonces`: a trainer composes an announcement through the real bot; the delivery worker is
//! driven by hand (`deliver_all`) and every recipient's chat is read back from the emulator.

use accelerateur::{
    storage::deliveries::DeliveryCounts,
    telegram_emulator::{ButtonKind, ChatMessage, Fault, FaultKind},
};

use crate::helpers::{
    ADMIN, PATIENCE, TRAINER, TestApp, assert_no_rejected_calls, fr, labels, spawn_app, spawn_app_with,
};

const TEXT: &str = "<b>Atelier fiches produits</b> jeudi : <i>venez</i> avec vos questions &amp; vos photos !";
const BUTTON: &str = "Je m'inscris | https://exemple.fr/atelier";

/// Merchants who opened the bot.
async fn merchants(app: &TestApp, ids: impl IntoIterator<Item = i64>) -> Vec<i64> {
    let mut all = Vec::new();
    for id in ids {
        app.user(id).sends("/start").await;
        all.push(id);
    }
    all
}

/// `/annonce`, the text, then the button line (or *Sans bouton*): returns the preview and the audience question.
async fn compose(app: &TestApp, text: &str, button: Option<&str>) -> (ChatMessage, ChatMessage) {
    let trainer = app.user(TRAINER);
    let ask = trainer.sends("/annonce").await;
    assert!(ask.text.contains("Nouvelle annonce"), "{}", ask.text);
    let ask_button = trainer.sends(text).await;
    assert!(ask_button.text.contains("bouton lien"), "{}", ask_button.text);
    let before = trainer.bot_messages().len();
    match button {
        Some(line) => {
            app.emulator.send_text(TRAINER, line);
        }
        None => trainer.presses(ask_button.message_id, "Sans bouton").await,
    }
    let shown = app.emulator.wait_for_bot_messages(TRAINER, before + 3, PATIENCE).await.expect("preview and audience");
    (shown[before + 1].clone(), shown[before + 2].clone())
}

/// Presses the audience button whose label starts with `prefix`; returns the confirmation message.
async fn choose(app: &TestApp, audience: &ChatMessage, prefix: &str) -> ChatMessage {
    let label = labels(audience).into_iter().find(|label| label.starts_with(prefix)).expect("the audience button");
    app.user(TRAINER).presses(audience.message_id, &label).await;
    app.user(TRAINER).message(audience.message_id)
}

/// A composition without a button, addressed to every merchant: the preview and the confirmation message.
async fn to_every_merchant(app: &TestApp) -> (ChatMessage, ChatMessage) {
    let (preview, audience) = compose(app, TEXT, None).await;
    (preview, choose(app, &audience, "Tous les commerçants").await)
}

fn last_bot_message(app: &TestApp, chat: i64) -> Option<ChatMessage> {
    app.emulator.bot_messages(chat).pop()
}

fn received(app: &TestApp, chat: i64, preview: &ChatMessage) -> usize {
    app.emulator.bot_messages(chat).iter().filter(|m| m.text == preview.text).count()
}

async fn counts(app: &TestApp) -> DeliveryCounts {
    let (announcement, counts) = app.db.recent_announcements(1).await.unwrap().remove(0);
    assert_eq!(counts.total(), announcement.recipients);
    counts
}

#[tokio::test]
async fn every_merchant_receives_exactly_the_previewed_text_and_button_once() {
    let app = spawn_app().await;
    let audience_ids = merchants(&app, 501..=505).await;
    app.user(ADMIN).sends("/start").await;
    let (preview, audience) = compose(&app, TEXT, Some(BUTTON)).await;
    assert_eq!(preview.text, "Atelier fiches produits jeudi : venez avec vos questions & vos photos !");
    assert_eq!(preview.buttons[0][0].text, "Je m'inscris");
    assert_eq!(preview.buttons[0][0].kind, ButtonKind::Url("https://exemple.fr/atelier".to_owned()));
    assert!(labels(&audience).contains(&"Tous les commerçants (5)".to_owned()), "{:?}", labels(&audience));

    let confirm = choose(&app, &audience, "Tous les commerçants").await;
    assert!(confirm.text.contains(&fr("Destinataires : 5")), "{}", confirm.text);
    assert_eq!(app.deliver_all().await, 0, "nothing is queued before the confirmation");
    app.user(TRAINER).presses(confirm.message_id, "✅ Envoyer maintenant").await;
    let data = app.user(TRAINER).message(confirm.message_id);
    assert!(data.text.contains(&fr("Envoi en cours : 0 / 5")), "{}", data.text);
    // A second tap on the same confirmation (a double tap, a re-delivered update) queues nothing more.
    let draft = app.db.recent_announcements(1).await.unwrap()[0].0.id;
    app.user(TRAINER).presses_raw(confirm.message_id, &format!("an:go:{draft}")).await;

    assert_eq!(app.deliver_all().await, 5);
    for id in &audience_ids {
        let message = last_bot_message(&app, *id).unwrap();
        assert_eq!((message.html.as_str(), &message.buttons), (preview.html.as_str(), &preview.buttons), "chat {id}");
        assert_eq!(received(&app, *id, &preview), 1);
    }
    assert_eq!(received(&app, ADMIN, &preview), 0, "staff are not merchants");
    let report = app.user(TRAINER).message(confirm.message_id);
    assert!(report.text.contains("Annonce terminée") && report.text.contains(&fr("Reçue : 5")), "{}", report.text);
    assert!(report.buttons.is_empty(), "no stop button once it is over");
    assert_eq!(counts(&app).await, DeliveryCounts { sent: 5, ..DeliveryCounts::default() });
    assert_no_rejected_calls(&app);
}

#[tokio::test]
async fn annuler_sends_nothing() {
    let app = spawn_app().await;
    merchants(&app, 511..=512).await;
    let (_, confirm) = to_every_merchant(&app).await;
    app.user(TRAINER).presses(confirm.message_id, "Annuler").await;
    assert!(app.user(TRAINER).message(confirm.message_id).text.contains("rien n'a été envoyé"));
    assert_eq!(app.deliver_all().await, 0);
    assert!(app.db.recent_announcements(5).await.unwrap().is_empty());
    // `/annuler` in the middle of a composition too.
    app.user(TRAINER).sends("/annonce").await;
    let reply = app.user(TRAINER).sends("/annuler").await;
    assert!(reply.text.contains("Annonce annulée"), "{}", reply.text);
    let question = app.user(TRAINER).sends("livraison ?").await;
    assert!(!question.text.contains("bouton lien"), "back to normal: {}", question.text);
}

#[tokio::test]
async fn markup_telegram_refuses_is_explained_and_the_text_asked_again() {
    let app = spawn_app().await;
    merchants(&app, 521..=521).await;
    let trainer = app.user(TRAINER);
    trainer.sends("/annonce").await;
    let ask = trainer.sends("<b>Atelier jeudi").await;
    let before = trainer.bot_messages().len();
    trainer.presses(ask.message_id, "Sans bouton").await;
    let shown = app.emulator.wait_for_bot_messages(TRAINER, before + 2, PATIENCE).await.unwrap();
    let explanation = &shown[before + 1];
    assert!(explanation.text.contains("Telegram refuse cette mise en forme"), "{}", explanation.text);
    assert!(explanation.text.contains("Rien n'a été envoyé"));
    // The composer asks for the text again; a fixed text goes on to the audience.
    let ask_button = trainer.sends("<b>Atelier jeudi</b>").await;
    assert!(ask_button.text.contains("bouton lien"), "{}", ask_button.text);
    assert_eq!(app.deliver_all().await, 0);
    assert!(app.db.recent_announcements(5).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_scheduled_announcement_goes_out_at_its_time_and_not_before() {
    let app = spawn_app().await;
    merchants(&app, 531..=533).await;
    let (preview, confirm) = to_every_merchant(&app).await;
    app.user(TRAINER).presses(confirm.message_id, "🕒 Programmer").await;
    assert!(app.user(TRAINER).message(confirm.message_id).text.contains("Quand l'envoyer"));
    let bad = app.user(TRAINER).sends("demain matin").await;
    assert!(bad.text.contains("Je n'ai pas compris cette date"), "{}", bad.text);
    // The test clock is Monday 23 November 2026, 09:00 in Paris.
    let done = app.user(TRAINER).sends("23/11/2026 10:30").await;
    assert!(done.text.contains("programmée pour lundi 23 novembre à 10\u{a0}h\u{a0}30"), "{}", done.text);

    let listing = app.user(TRAINER).sends("/annonces").await;
    assert!(listing.text.contains("programmée pour lundi 23 novembre à 10\u{a0}h\u{a0}30"), "{}", listing.text);
    assert_eq!(app.deliver_all().await, 0);
    app.advance(90 * 60 - 1);
    assert_eq!(app.deliver_all().await, 0, "one second early");
    app.advance(1);
    assert_eq!(app.deliver_all().await, 3);
    for id in 531..=533 {
        assert_eq!(received(&app, id, &preview), 1);
    }
    let report = app.user(TRAINER).bot_messages().pop().unwrap();
    assert!(report.text.contains(&fr("Reçue : 3")), "{}", report.text);
}

#[tokio::test]
async fn a_scheduled_announcement_can_be_cancelled_from_the_list() {
    let app = spawn_app().await;
    merchants(&app, 541..=542).await;
    let (_, confirm) = to_every_merchant(&app).await;
    app.user(TRAINER).presses(confirm.message_id, "🕒 Programmer").await;
    app.user(TRAINER).sends("23/11/2026 11:00").await;
    let listing = app.user(TRAINER).sends("/annonces").await;
    let id = app.db.recent_announcements(1).await.unwrap()[0].0.id;
    app.user(TRAINER).presses(listing.message_id, &format!("Annuler l'annonce n°{id}")).await;
    app.advance(3 * 3600);
    assert_eq!(app.deliver_all().await, 0);
    assert_eq!(counts(&app).await, DeliveryCounts { cancelled: 2, ..DeliveryCounts::default() });
    let listing = app.user(TRAINER).sends("/annonces").await;
    assert!(listing.text.contains("annulée"), "{}", listing.text);
}

#[tokio::test]
async fn stopping_an_announcement_cancels_what_was_not_sent() {
    let app = spawn_app_with(|settings| settings.common.delivery.batch = 2).await;
    merchants(&app, 551..=556).await;
    let (preview, confirm) = to_every_merchant(&app).await;
    app.user(TRAINER).presses(confirm.message_id, "✅ Envoyer maintenant").await;
    app.deliver_one_batch().await;
    app.user(TRAINER).presses(confirm.message_id, "⏹ Arrêter l'envoi").await;
    assert_eq!(app.deliver_all().await, 0);
    let report = app.user(TRAINER).message(confirm.message_id);
    assert!(
        report.text.contains(&fr("Reçue : 2")) && report.text.contains(&fr("Non envoyées (envoi arrêté) : 4")),
        "{}",
        report.text
    );
    let reached: usize = (551..=556).map(|id| received(&app, id, &preview)).sum();
    assert_eq!(reached, 2);
    assert_eq!(counts(&app).await, DeliveryCounts { sent: 2, cancelled: 4, ..DeliveryCounts::default() });
}

#[tokio::test]
async fn blocked_merchants_429_bursts_and_server_errors_add_up_to_the_audience() {
    let app = spawn_app_with(|settings| settings.common.delivery.max_attempts = 2).await;
    merchants(&app, 561..=570).await;
    let (preview, audience) = compose(&app, TEXT, None).await;
    let confirm = choose(&app, &audience, "Tous les commerçants (10)").await;
    app.user(TRAINER).presses(confirm.message_id, "✅ Envoyer maintenant").await;
    app.emulator.set_blocked(561, true);
    app.emulator.set_blocked(562, true);
    app.emulator
        .inject_fault(Fault::new(FaultKind::TooManyRequests { retry_after: 3 }).on_method("sendMessage").times(3));
    // 570 fails twice (the attempt limit), 569 once and then gets it.
    app.emulator.inject_fault(
        Fault::new(FaultKind::ServerError { status: 502 }).on_method("sendMessage").for_chat(570).times(2),
    );
    app.emulator.inject_fault(
        Fault::new(FaultKind::ServerError { status: 503 }).on_method("sendMessage").for_chat(569).times(1),
    );
    for _ in 0..10 {
        app.deliver_all().await;
        app.advance(60);
    }
    assert_eq!(app.db.pending_deliveries().await.unwrap(), 0);
    let counts = counts(&app).await;
    assert_eq!(counts, DeliveryCounts { sent: 7, unreachable: 2, failed: 1, ..DeliveryCounts::default() });
    for id in 563..=569 {
        assert_eq!(received(&app, id, &preview), 1, "chat {id}");
    }
    let report = app.user(TRAINER).message(confirm.message_id);
    assert!(
        report.text.contains(&fr("Reçue : 7"))
            && report.text.contains(&fr("Injoignables (bot bloqué, compte supprimé) : 2"))
    );
    assert!(report.text.contains(&fr("Échecs : 1")), "{}", report.text);
    let blocked = app.db.user(teloxide::types::UserId(561)).await.unwrap();
    assert!(blocked.blocked, "a merchant who blocked the bot is flagged");
}

#[tokio::test]
async fn a_composition_survives_a_restart() {
    let mut app = spawn_app().await;
    merchants(&app, 581..=581).await;
    app.user(TRAINER).sends("/annonce").await;
    app.user(TRAINER).sends(TEXT).await;
    app.restart().await;
    let before = app.user(TRAINER).bot_messages().len();
    app.emulator.send_text(TRAINER, BUTTON);
    let shown = app.emulator.wait_for_bot_messages(TRAINER, before + 3, PATIENCE).await.unwrap();
    assert!(shown[before + 2].text.contains("À qui l'envoyer"), "{}", shown[before + 2].text);
}

#[tokio::test]
async fn merchants_can_neither_announce_nor_press_announcement_buttons() {
    let app = spawn_app().await;
    merchants(&app, 591..=592).await;
    let merchant = app.user(591);
    for command in ["/annonce", "/annonces"] {
        let reply = merchant.sends(command).await;
        assert!(reply.text.contains("réservée à l'équipe"), "{command}: {}", reply.text);
    }
    // A trainer's composition, then a merchant forging its buttons.
    let (_, confirm) = to_every_merchant(&app).await;
    let draft = app.db.recent_announcements(1).await.unwrap().first().map(|(a, _)| a.id);
    assert_eq!(draft, None, "not confirmed yet");
    let menu = merchant.sends("/menu").await;
    for data in ["an:go:1", "an:at:1", "an:stop:1", "an:all", "an:x", "an:nob"] {
        merchant.presses_raw(menu.message_id, data).await;
    }
    let refusals = app
        .emulator
        .callback_answers()
        .iter()
        .filter(|a| a.text.as_deref().is_some_and(|t| t.contains("réservée")))
        .count();
    assert_eq!(refusals, 6);
    assert_eq!(app.deliver_all().await, 0);
    // The trainer's composition is untouched.
    app.user(TRAINER).presses(confirm.message_id, "✅ Envoyer maintenant").await;
    assert_eq!(app.deliver_all().await, 2);
}
