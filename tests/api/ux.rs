//! Issue 15 acceptance: what a merchant and a trainer read on a phone. Messages made of several parts keep their
//! paragraphs, figures agree with each other, a forwarded question keeps its answer on screen and is never lost,
//! the fallback is short and forwards only programme questions, small talk gets one line.

use accelerateur::storage::content::ContentChange;

use crate::{
    faq::{CLEAR, OFF_TOPIC, VAGUE, app_with_faq, first_with, index, shipped_faq},
    helpers::{ADMIN, PATIENCE, TRAINER, assert_no_rejected_calls, fr, labels, spawn_app},
    support_fs::copy_dir,
};

#[tokio::test]
async fn titles_stay_on_their_own_paragraph() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&shipped_faq(), dir.path());
    let app = app_with_faq(dir.path()).await;
    let user = app.user(1501);

    let webinars = user.sends("/webinaires").await.text;
    assert!(webinars.contains(&fr("lundi 23 novembre à 10 h.\n\nPour la rejoindre")), "{webinars}");
    let progress = user.sends("/progression").await.text;
    assert!(progress.starts_with("📈 Ma progression\n\n▫️ 1. "), "{progress}");

    user.sends("Qui a gagné le match du PSG hier soir ?").await;
    let unanswered = app.user(TRAINER).sends("/questions").await.text;
    assert!(unanswered.contains("page 1/1\n\n1. "), "{unanswered}");

    // Content broken behind the bot's back (a manual SQL change): `/recharger_faq` refuses it and lists why.
    let broken = ContentChange::File { path: "ventes.toml".to_owned(), body: Some("[[entry]\nid = ".to_owned()) };
    app.db.apply_content(&[broken], "sql", 0).await.unwrap();
    let refused = app.user(ADMIN).sends("/recharger_faq").await.text;
    assert!(refused.contains(&fr("(1 problème) ; l'ancien reste en ligne.\n\n• ")), "{refused}");
    // Admins read content problems in French; the command line keeps English.
    assert!(refused.contains(&fr("ventes.toml : erreur de syntaxe TOML ligne 1, colonne 8")), "{refused}");
    assert!(!refused.contains("TOML error"), "{refused}");
    assert_no_rejected_calls(&app);
}

#[tokio::test]
async fn a_trainer_is_told_an_admin_command_is_for_administrators() {
    let app = spawn_app().await;
    let reply = app.user(TRAINER).sends("/recharger_faq").await;
    assert_eq!(reply.text, "Cette commande est réservée aux administrateurs du bot.");
    let merchant = app.user(1502).sends("/stats").await;
    assert_eq!(merchant.text, "Cette commande est réservée à l'équipe du programme.");
}

#[tokio::test]
async fn stats_parts_never_exceed_their_whole() {
    let app = spawn_app().await;
    let index = index();
    app.user(TRAINER).sends("/start").await;
    let merchant = app.user(1503);
    let card = merchant.sends(first_with(&index, "answer", CLEAR)).await;
    merchant.presses(card.message_id, "👎 Non").await;
    merchant.presses(card.message_id, "📨 Transmettre à un formateur").await;
    merchant.sends(first_with(&index, "suggest", VAGUE)).await;
    merchant.sends(first_with(&index, "fallback", OFF_TOPIC)).await;
    merchant.sends("merci").await;
    app.user(1504).sends("/formateur mon site ne s'affiche plus").await;

    let q = app.db.question_stats().await.unwrap();
    assert_eq!(q.questions, q.answer + q.suggest + q.fallback);
    assert_eq!((q.questions, q.answer, q.suggest, q.fallback, q.forwarded, q.smalltalk), (3, 1, 1, 1, 2, 1));
    let stats = app.user(TRAINER).sends("/stats").await.text;
    for line in [
        "Questions posées : 3",
        "• répondues : 1",
        "• suggestions proposées : 1",
        "• sans réponse : 1",
        "Transmises à un formateur : 2",
        "Messages de politesse : 1",
        "👍 0 · 👎 1",
    ] {
        assert!(stats.contains(&fr(line)), "{line:?} in {stats}");
    }
    assert!(!stats.contains("dont 2 transmises"), "{stats}");
}

#[tokio::test]
async fn a_question_forwarded_before_any_trainer_opened_the_bot_waits_for_them() {
    let app = spawn_app().await;
    let reply = app.user(1505).named("Inès").sends("/formateur comment relier mon nom de domaine ?").await;
    assert!(reply.text.contains("Aucun formateur n'est joignable dans le bot pour le moment"), "{}", reply.text);
    assert!(reply.buttons.is_empty());

    let replies = app.user(TRAINER).sends_expecting("/start", 2).await;
    let pending = &replies[1].text;
    assert!(pending.contains("Questions transmises avant votre arrivée (1)"), "{pending}");
    assert!(pending.contains("comment relier mon nom de domaine ?"), "what the merchant wrote, as written: {pending}");

    let merchant = app.user(1506).sends_expecting("/start", 1).await;
    assert_eq!(merchant.len(), 1, "merchants see no staff list");
    assert_no_rejected_calls(&app);
}

#[tokio::test]
async fn the_fallback_is_short_and_forwards_only_programme_questions() {
    let app = spawn_app().await;
    let index = index();
    let candidates = [
        "la fibre est coupée dans la rue de la boutique depuis hier, qui appeler ?",
        "mon propriétaire veut vendre les murs de ma boutique, est-ce que je suis prioritaire pour acheter ?",
    ];
    let on_topic = candidates
        .iter()
        .find(|q| index.ask(q).outcome.kind() == "fallback" && index.looks_on_topic(q))
        .expect("one of them falls back and looks on topic");
    let user = app.user(1507);
    let reply = user.sends(on_topic).await;
    assert_eq!(labels(&reply), ["📨 Transmettre à un formateur", "🎓 Parcourir les chapitres"]);
    assert!(reply.text.contains("Un formateur peut vous répondre"), "{}", reply.text);

    let weather = "quel temps fait-il à Lyon";
    assert_eq!(index.ask(weather).outcome.kind(), "fallback");
    let reply = user.sends(weather).await;
    assert!(!labels(&reply).iter().any(|l| l.contains("formateur")), "{:?}", labels(&reply));

    user.presses(reply.message_id, "🎓 Parcourir les chapitres").await;
    assert!(user.message(reply.message_id).text.contains("Parcours de formation"));
    assert_no_rejected_calls(&app);
}

#[tokio::test]
async fn small_talk_gets_one_line_and_the_menu_only_with_the_first_greeting() {
    let app = spawn_app().await;
    let user = app.user(1508);
    let first = user.sends("bjr").await;
    assert_eq!(labels(&first).len(), 5, "the first greeting of the day shows the menu");
    for text in ["bjr", "merci !", "ok"] {
        let reply = user.sends(text).await;
        assert!(reply.buttons.is_empty(), "{text:?}: {:?}", labels(&reply));
        assert_eq!(reply.text.lines().count(), 1, "{text:?}: {}", reply.text);
    }
    app.emulator.wait_for_bot_messages(1508, 4, PATIENCE).await.unwrap();
}
