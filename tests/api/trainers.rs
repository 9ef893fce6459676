//! Issue 13 acceptance (the trainers' loop): `/questions` groups what the bot could not answer, a trainer's reply
//! reaches the merchant (who may write back once), `/stats` figures against a seeded database, and privacy:
//! `/mes_donnees` covers every table, erasure leaves nothing about the merchant in any table, and the retention
//! purge removes old questions and nothing else.

use accelerateur::{
    clock::AppClock,
    retention::RetentionPurge,
    storage::{privacy::PERSONAL_COLUMNS, questions::NewQuestion},
};
use teloxide::types::UserId;

use accelerateur::clock::Clock as _;

use crate::{
    faq::{OFF_TOPIC, index},
    helpers::{PATIENCE, TRAINER, TestApp, assert_no_rejected_calls, fr, labels, spawn_app},
};

fn now(app: &TestApp) -> i64 {
    app.clock.now().as_second()
}

/// The trainer opens the bot (Telegram lets the bot write only to people who did), then `merchant` passes
/// `question` to the trainers; the note is delivered. Returns the note as the trainer sees it.
async fn forwarded_note(
    app: &TestApp,
    merchant: i64,
    name: &str,
    question: &str,
) -> accelerateur::telegram_emulator::ChatMessage {
    if app.emulator.bot_messages(TRAINER).is_empty() {
        app.user(TRAINER).named("Nadia").sends("/start").await;
    }
    let before = app.emulator.bot_messages(TRAINER).len();
    let reply = app.user(merchant).named(name).sends(&format!("/formateur {question}")).await;
    assert!(reply.text.contains("transmise"), "{}", reply.text);
    app.deliver_all().await;
    let notes = app.emulator.wait_for_bot_messages(TRAINER, before + 1, PATIENCE).await.unwrap();
    notes.last().unwrap().clone()
}

#[tokio::test]
async fn a_fallback_question_appears_in_its_group_with_its_count() {
    let app = spawn_app().await;
    app.user(1301).sends("recette de la blanquette de veau").await;
    app.user(1302).sends(OFF_TOPIC[0]).await;
    app.user(1303).sends("Quelle recette pour une blanquette de veau ?").await;

    let page = app.user(TRAINER).sends("/questions").await;
    let text = &page.text;
    assert!(text.contains("2 sujets"), "{text}");
    // Newest group first: the blanquette (asked last), twice, then the other question once.
    let blanquette = text.find("blanquette de veau ?").expect("the newest wording names the group");
    let other = text.find(OFF_TOPIC[0]).expect("the other question has its own group");
    assert!(blanquette < other, "{text}");
    assert!(
        text.contains("1. Quelle recette pour une blanquette de veau ?\n2 fois · 2 en attente · aucune transmise"),
        "{text}"
    );
    assert!(text.contains("2. "), "{text}");
    assert_eq!(
        labels(&page),
        [
            "✍️ Répondre au n° 1",
            "➕ Ajouter le n° 1 comme variante",
            "✍️ Répondre au n° 2",
            "➕ Ajouter le n° 2 comme variante"
        ]
    );
    // The old command is an alias.
    assert_eq!(app.user(TRAINER).sends("/sans_reponse").await.text, page.text);
    let refused = app.user(1304).sends("/questions").await;
    assert!(refused.text.contains("réservée à l'équipe"), "{}", refused.text);
    assert_no_rejected_calls(&app);
}

#[tokio::test]
async fn many_groups_are_paginated_with_buttons() {
    let app = spawn_app().await;
    for i in 0..12 {
        // Distinct content words: twelve groups.
        app.user(1310 + i).sends(&format!("zorglub{i} {}", "blablabla 🤔 ".repeat(80))).await;
    }
    let trainer = app.user(TRAINER);
    let first = trainer.sends("/questions").await;
    assert!(first.text.contains("12 sujets") && first.text.contains("page 1/3"), "{}", first.text);
    assert!(first.text.contains("zorglub11") && !first.text.contains("zorglub6 "), "{}", first.text);
    assert!(first.text.contains('…'), "long questions are shortened: {}", first.text);
    trainer.presses(first.message_id, "Suivants ▶️").await;
    let second = trainer.message(first.message_id);
    assert!(second.text.contains("page 2/3") && second.text.contains("zorglub6 "), "{}", second.text);
    trainer.presses(first.message_id, "◀️ Précédents").await;
    assert!(trainer.message(first.message_id).text.contains("page 1/3"));
    assert_no_rejected_calls(&app);
}

#[tokio::test]
async fn the_trainers_reply_reaches_the_merchant_who_may_write_back_once() {
    let app = spawn_app().await;
    let note = forwarded_note(&app, 1320, "Karim", "mon site ne s'affiche plus").await;
    assert!(labels(&note).contains(&"✍️ Répondre".to_owned()), "{:?}", labels(&note));
    let trainer = app.user(TRAINER);
    trainer.presses(note.message_id, "✍️ Répondre").await;
    let prompt = trainer.bot_messages().pop().unwrap();
    assert!(prompt.text.contains("Votre réponse à Karim") && prompt.text.contains("mon site ne s'affiche plus"));

    let sent = trainer.sends("Videz le cache de votre navigateur, puis rechargez la page.").await;
    assert!(sent.text.contains("Réponse envoyée à Karim"), "{}", sent.text);
    let question = app.db.questions_of(UserId(1320)).await.unwrap().pop().unwrap();
    assert_eq!(question.answered_by, Some(TRAINER));
    assert_eq!(question.answered_at, Some(now(&app)));

    let merchant = app.user(1320);
    let before = merchant.bot_messages().len();
    assert_eq!(app.deliver_all().await, 1, "the reply goes through the delivery queue");
    let reply = app.emulator.wait_for_bot_messages(1320, before + 1, PATIENCE).await.unwrap().pop().unwrap();
    assert!(reply.text.contains("Réponse de Nadia"), "{}", reply.text);
    assert!(reply.text.contains(&fr("Votre question : mon site ne s'affiche plus")), "{}", reply.text);
    assert!(reply.text.contains("Videz le cache de votre navigateur"), "{}", reply.text);

    merchant.presses(reply.message_id, "↩️ Répondre").await;
    let confirmation = merchant.sends("Merci, ça marche !").await;
    assert!(confirmation.text.contains("Message transmis"), "{}", confirmation.text);
    let before = trainer.bot_messages().len();
    assert_eq!(app.deliver_all().await, 1, "the follow-up goes to the trainer who replied, only");
    let followup = app.emulator.wait_for_bot_messages(TRAINER, before + 1, PATIENCE).await.unwrap().pop().unwrap();
    assert!(followup.text.contains("Karim vous répond") && followup.text.contains("ça marche"), "{}", followup.text);

    // Once only; the next message is a question again.
    merchant.presses(reply.message_id, "↩️ Répondre").await;
    assert!(merchant.bot_messages().pop().unwrap().text.contains("déjà répondu"));
    assert_no_rejected_calls(&app);
}

#[tokio::test]
async fn stats_figures_match_a_seeded_database() {
    let app = spawn_app().await;
    let now = now(&app);
    let day = 24 * 3600;
    // Four merchants: seen today, 10 days ago, 40 days ago; one subscribed to reminders; the trainer is not one.
    for (id, seen) in [(1330, now), (1331, now - 10 * day), (1332, now - 40 * day), (1333, now - 2 * day)] {
        app.db.touch_user(UserId(id), "Marchand", seen).await.unwrap();
    }
    app.db.touch_user(UserId(TRAINER as u64), "Nadia", now).await.unwrap();
    app.db.set_reminders(UserId(1333), true).await.unwrap();
    let ask = |user: u64, text: &'static str, outcome: &'static str, faq_id: Option<&'static str>| NewQuestion {
        user_id: UserId(user),
        text,
        outcome,
        faq_id,
        score: None,
        now,
    };
    let mut answered = Vec::new();
    for _ in 0..3 {
        answered
            .push(app.db.record_question(ask(1330, "frais de port", "answer", Some("frais-livraison"))).await.unwrap());
    }
    answered.push(app.db.record_question(ask(1331, "tva", "answer", Some("tva-en-ligne"))).await.unwrap());
    app.db.record_question(ask(1331, "vendre", "suggest", Some("tva-en-ligne"))).await.unwrap();
    app.db.record_question(ask(1332, "licornes en peluche", "fallback", None)).await.unwrap();
    app.db.record_question(ask(1333, "licorne en peluche", "fallback", None)).await.unwrap();
    app.db.record_feedback(answered[0], UserId(1330), "frais-livraison", true, now).await.unwrap();
    app.db.record_feedback(answered[1], UserId(1330), "frais-livraison", true, now).await.unwrap();
    app.db.record_feedback(answered[3], UserId(1331), "tva-en-ligne", false, now).await.unwrap();
    let curriculum = crate::helpers::curriculum();
    let first_chapter = accelerateur::course::chapters(&curriculum)[0].clone();
    for module in curriculum.modules_of(&first_chapter.id) {
        app.db.mark_module_seen(UserId(1330), &module.id, now).await.unwrap();
    }
    let one = curriculum.modules_of(&first_chapter.id).next().unwrap().id.clone();
    app.db.mark_module_seen(UserId(1331), &one, now).await.unwrap();

    let stats = app.user(TRAINER).sends("/stats").await.text;
    let index = index();
    for line in [
        "Commerçants : 4 · actifs sur 7 jours : 2 · sur 30 jours : 3".to_owned(),
        "Abonnés aux rappels des webinaires : 1".to_owned(),
        "Questions posées : 7".to_owned(),
        "• répondues : 4 (57\u{a0}%)".to_owned(),
        "• suggestions proposées : 1 (14\u{a0}%)".to_owned(),
        "• sans réponse : 2 (29\u{a0}%)".to_owned(),
        "👍 2 · 👎 1 (67\u{a0}% positifs)".to_owned(),
        "Annonces envoyées : 0 (0 messages remis)".to_owned(),
        format!(
            "• {} (3)\n• {} (1)",
            index.entry("frais-livraison").unwrap().question,
            index.entry("tva-en-ligne").unwrap().question
        ),
        "• licorne en peluche (2)".to_owned(),
        format!("• {}. {} : 2 · 1", first_chapter.number, first_chapter.title),
    ] {
        assert!(stats.contains(&fr(&line)), "{line:?} in {stats}");
    }
    assert_no_rejected_calls(&app);
}

#[tokio::test]
async fn every_column_holding_a_user_id_is_covered_by_export_and_erasure() {
    let app = spawn_app().await;
    let in_schema: Vec<(String, String)> = app.db.user_columns().await.unwrap();
    let mut covered: Vec<(String, String)> =
        PERSONAL_COLUMNS.iter().map(|(table, column, _)| ((*table).to_owned(), (*column).to_owned())).collect();
    covered.sort();
    assert_eq!(
        in_schema, covered,
        "a table holds a user id that src/storage/privacy.rs does not export and erase (PERSONAL_COLUMNS)"
    );
}

#[tokio::test]
async fn export_covers_everything_and_erasure_leaves_nothing_about_the_merchant() {
    let app = spawn_app().await;
    let merchant_id = 1340;
    let note = forwarded_note(&app, merchant_id, "Karim", "comment relier mon nom de domaine").await;
    let trainer = app.user(TRAINER);
    trainer.presses(note.message_id, "✍️ Répondre").await;
    trainer.sends("Dans les réglages DNS de votre hébergeur.").await;
    app.deliver_all().await;
    let merchant = app.user(merchant_id);
    let reply = merchant.bot_messages().pop().unwrap();
    merchant.sends("/rappels").await;
    // A conversation in progress: the follow-up is being written.
    merchant.presses(reply.message_id, "↩️ Répondre").await;
    app.db.mark_module_seen(merchant.user_id(), "preparer-diagnostic", now(&app)).await.unwrap();

    let replies = merchant.sends_expecting("/mes_donnees", 2).await;
    let file = replies[1].document.as_ref().expect("the export is attached as a document");
    let json: serde_json::Value = serde_json::from_slice(&file.content).unwrap();
    assert_eq!(json["first_name"], "Karim");
    assert_eq!(json["questions"][0]["text"], "comment relier mon nom de domaine");
    assert_eq!(json["questions"][0]["trainer_replies"][0]["trainer_name"], "Nadia");
    assert_eq!(json["questions"][0]["trainer_replies"][0]["text"], "Dans les réglages DNS de votre hébergeur.");
    assert_eq!(json["messages_received"][0]["kind"], "trainer_reply");
    let conversations = json["conversations"].as_array().unwrap();
    assert!(conversations.iter().any(|c| c["state"].as_str().unwrap().contains("FollowingUp")), "{json:#}");
    assert_eq!(json["modules_seen"][0]["module_id"], "preparer-diagnostic");
    let trainer_export = app.db.export_user(UserId(TRAINER as u64)).await.unwrap();
    assert_eq!(trainer_export.as_staff.replies_written.len(), 1);

    let confirm = merchant.sends("/supprimer_mes_donnees").await;
    merchant.presses(confirm.message_id, "🗑️ Oui, tout effacer").await;
    for (table, column) in app.db.user_columns().await.unwrap() {
        let left = app.db.rows_with_user(&table, &column, merchant.user_id()).await.unwrap();
        assert_eq!(left, 0, "{table}.{column} still holds the merchant after erasure");
    }
    // No queued text quotes them either (the note to the trainer, the reply to them).
    let texts = app.db.payload_texts().await.unwrap();
    assert!(!texts.iter().any(|text| text.contains("Karim") || text.contains("nom de domaine")), "{texts:#?}");
    // The trainer's own data is untouched.
    assert!(app.db.user(UserId(TRAINER as u64)).await.is_ok());

    // A trainer who erases their data leaves their replies anonymous.
    let note = forwarded_note(&app, 1341, "Zoé", "ma boutique est hors ligne").await;
    trainer.presses(note.message_id, "✍️ Répondre").await;
    trainer.sends("Regardez votre abonnement.").await;
    app.db.erase_user(UserId(TRAINER as u64)).await.unwrap();
    for (table, column) in app.db.user_columns().await.unwrap() {
        let left = app.db.rows_with_user(&table, &column, UserId(TRAINER as u64)).await.unwrap();
        assert_eq!(left, 0, "{table}.{column} still holds the trainer after erasure");
    }
    let zoe = app.db.export_user(UserId(1341)).await.unwrap();
    assert_eq!(zoe.questions[0].trainer_replies[0].trainer_name, None);
    assert_eq!(zoe.questions[0].trainer_replies[0].text, "Regardez votre abonnement.");
}

#[tokio::test]
async fn the_retention_purge_removes_old_questions_and_nothing_else() {
    let app = spawn_app().await;
    let merchant = app.user(1350).named("Léa");
    merchant.sends("Peut-on vendre des licornes en peluche ?").await;
    app.db.mark_module_seen(merchant.user_id(), "preparer-diagnostic", now(&app)).await.unwrap();
    app.advance(100 * 24 * 3600);
    merchant.sends("Comment choisir un transporteur pour mes colis ?").await;
    let purge = RetentionPurge::new(app.db.clone(), AppClock::new(app.clock.clone()), 180);
    assert_eq!(purge.step().await.unwrap(), 0, "nothing is older than 180 days yet");

    app.advance(81 * 24 * 3600);
    assert_eq!(purge.step().await.unwrap(), 1);
    let left = app.db.questions_of(merchant.user_id()).await.unwrap();
    assert_eq!(left.len(), 1);
    assert!(left[0].text.contains("transporteur"));
    assert!(app.db.user(merchant.user_id()).await.is_ok(), "the merchant stays");
    assert_eq!(app.db.seen_modules(merchant.user_id()).await.unwrap().len(), 1, "their progress stays");
    assert_eq!(purge.step().await.unwrap(), 0, "a second run the same day finds nothing");
}
