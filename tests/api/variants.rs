//! Issue 13, item 3 (*Ajouter comme variante de…*): from `/questions` or a forwarded question, a trainer adds the
//! merchant's wording to an FAQ entry (a best guess, or an entry found by typing words); it is a revision by the
//! trainer, and the same question then gets the direct answer.

use teloxide::types::UserId;

use crate::helpers::{PATIENCE, TRAINER, TestApp, assert_no_rejected_calls, labels, spawn_app};

/// The matcher only suggests for it (`mots-cles`, `site-mobile`…); it is about hosting (`hebergement`).
const SLOW_PAGES: &str = "les clients trouvent mes pages trop lentes le soir";
/// Suggested for, with `hebergement` among the best guesses.
const PHOTO_HOSTING: &str = "où j'héberge mes photos de bougies";

async fn outcome_of_last_question(app: &TestApp, merchant: u64) -> String {
    app.db.questions_of(UserId(merchant)).await.unwrap().pop().unwrap().outcome
}

fn hosting_question() -> String {
    let files = accelerateur::faq::files::ContentFiles::shipped();
    let content = accelerateur::faq::content::FaqContent::from_files(&files, std::path::Path::new("faq")).unwrap();
    content.entries.iter().find(|e| e.id == "hebergement").unwrap().question.clone()
}

#[tokio::test]
async fn a_question_added_from_questions_by_search_gets_the_direct_answer() {
    let app = spawn_app().await;
    let merchant = app.user(1401);
    let first = merchant.sends(SLOW_PAGES).await;
    assert_eq!(outcome_of_last_question(&app, 1401).await, "suggest", "{}", first.text);

    let trainer = app.user(TRAINER).named("Nadia");
    let page = trainer.sends("/questions").await;
    assert!(labels(&page).contains(&"➕ Ajouter le n° 1 comme variante".to_owned()), "{:?}", labels(&page));
    trainer.presses(page.message_id, "➕ Ajouter le n° 1 comme variante").await;
    let choice = trainer.bot_messages().pop().unwrap();
    assert!(choice.text.contains(SLOW_PAGES), "{}", choice.text);
    let offered = labels(&choice);
    assert!((2..=4).contains(&offered.len()), "up to 3 guesses and the search: {offered:?}");
    assert_eq!(offered.last().unwrap(), "🔎 Chercher une fiche");

    trainer.presses(choice.message_id, "🔎 Chercher une fiche").await;
    assert!(trainer.bot_messages().pop().unwrap().text.contains("Tapez quelques mots"));
    let found = trainer.sends("hébergement du site").await;
    let hosting = hosting_question();
    assert!(labels(&found).contains(&hosting), "{:?}", labels(&found));
    trainer.presses(found.message_id, &hosting).await;
    let done = trainer.bot_messages().pop().unwrap();
    assert!(done.text.contains("Ajoutée comme variante de") && done.text.contains(&hosting), "{}", done.text);

    // A revision by the trainer, in the revisions table; in force at once.
    let revision = &app.db.entry_revisions("hebergement", 1).await.unwrap()[0];
    assert_eq!(revision.author, format!("Nadia ({TRAINER})"));
    assert!(revision.after.as_deref().unwrap().contains(SLOW_PAGES), "{revision:?}");
    assert!(done.text.contains(&format!("révision n° {}", revision.id)), "{}", done.text);
    let other = app.user(1402);
    other.sends(SLOW_PAGES).await;
    assert_eq!(outcome_of_last_question(&app, 1402).await, "answer");
    let answered = app.db.questions_of(UserId(1402)).await.unwrap().pop().unwrap();
    assert_eq!(answered.faq_id.as_deref(), Some("hebergement"));

    // Twice: nothing to change, no new revision.
    trainer.presses(found.message_id, &hosting).await;
    assert!(trainer.bot_messages().pop().unwrap().text.contains("a déjà cette formulation"));
    assert_eq!(app.db.entry_revisions("hebergement", 10).await.unwrap()[0].id, revision.id);
    assert_no_rejected_calls(&app);
}

#[tokio::test]
async fn a_forwarded_question_is_added_through_a_best_guess() {
    let app = spawn_app().await;
    let trainer = app.user(TRAINER).named("Nadia");
    trainer.sends("/start").await;
    let merchant = app.user(1410).named("Karim");
    merchant.sends(&format!("/formateur {PHOTO_HOSTING}")).await;
    let before = trainer.bot_messages().len();
    app.deliver_all().await;
    let note = app.emulator.wait_for_bot_messages(TRAINER, before + 1, PATIENCE).await.unwrap().pop().unwrap();
    assert_eq!(labels(&note), ["✍️ Répondre", "➕ Ajouter comme variante de…"]);

    trainer.presses(note.message_id, "➕ Ajouter comme variante de…").await;
    let choice = trainer.bot_messages().pop().unwrap();
    let hosting = hosting_question();
    assert!(labels(&choice).contains(&hosting), "a best guess: {:?}", labels(&choice));
    trainer.presses(choice.message_id, &hosting).await;
    assert!(trainer.bot_messages().pop().unwrap().text.contains("Ajoutée comme variante"));

    app.user(1411).sends(PHOTO_HOSTING).await;
    let answered = app.db.questions_of(UserId(1411)).await.unwrap().pop().unwrap();
    assert_eq!((answered.outcome.as_str(), answered.faq_id.as_deref()), ("answer", Some("hebergement")));
    assert_no_rejected_calls(&app);
}
