//! Issue 12 item 3 (the FAQ editor in chat) and issue 13 item 3 (*Nouvelle entrée* from `/questions`): an admin
//! creates an entry step by step (each bad step answered in French, the dialogue staying put, even across a
//! restart), merchants get it at once; changes of an existing entry are revisions in `/faq_historique`; the
//! editor's buttons are refused to merchants and trainers.

use accelerateur::{
    content::LiveContent,
    faq::content::FaqEntry,
    telegram::{
        callback::{CallbackData, FaqAction},
        keyboards::module_label,
    },
    telegram_emulator::ChatMessage,
};

use crate::helpers::{ADMIN, TRAINER, TestApp, assert_no_rejected_calls, curriculum, fr, labels, spawn_app};

const QUESTION: &str = "Peut-on vendre des licornes en peluche ?";
const ANSWER: &str =
    "Oui, les licornes en peluche se vendent bien. Voir https://www.service-public.fr/ pour les règles.";

fn last(app: &TestApp, user: i64) -> ChatMessage {
    app.user(user).bot_messages().last().expect("a bot message").clone()
}

/// Presses `label` under the last bot message of `user`, and returns the bot's message after it.
async fn press(app: &TestApp, user: i64, label: &str) -> ChatMessage {
    let message = last(app, user).message_id;
    app.user(user).presses(message, label).await;
    last(app, user)
}

#[tokio::test]
async fn an_entry_created_in_chat_answers_merchants_at_once_and_survives_a_restart_mid_way() {
    let mut app = spawn_app().await;
    assert!(!app.user(1401).sends(QUESTION).await.text.contains("se vendent bien"));
    let admin = ADMIN;
    app.user(admin).named("Awa").sends("/start").await;

    let asked = app.user(admin).sends("/faq_nouvelle").await;
    assert!(asked.text.contains("Nouvelle entrée"), "{}", asked.text);
    assert_eq!(labels(&asked), ["Annuler"]);
    // A question already asked elsewhere is refused, and the step stays.
    let taken = app.user(admin).sends("Comment créer un site e-commerce sans savoir coder ?").await;
    assert!(taken.text.contains(&fr("déjà celle de la question « creer-site »")), "{}", taken.text);
    let variants = app.user(admin).sends(QUESTION).await;
    assert!(variants.text.contains("d'autres façons de la poser"), "{}", variants.text);

    let added = app.user(admin).sends("vendre des licornes").await;
    assert!(added.text.starts_with("Une variante enregistrée"), "{}", added.text);
    // A duplicate variant: French error, nothing added.
    let duplicate = app.user(admin).sends("Vendre des LICORNES !").await;
    assert!(duplicate.text.contains("déjà dans cette question"), "{}", duplicate.text);
    // Too few variants: the step stays.
    let few = press(&app, admin, "✅ Terminé").await;
    assert!(few.text.contains("À corriger") && few.text.contains("variante"), "{}", few.text);

    // The bot restarts mid-creation: the draft is in the database.
    app.restart().await;
    for variant in ["licorne en peluche a vendre", "cmt vendre mes licornes"] {
        app.user(admin).sends(variant).await;
    }
    let fourth = app.user(admin).sends("les peluches licorne ca se vend ?").await;
    assert!(fourth.text.starts_with("4 variantes enregistrées"), "the draft survived the restart: {}", fourth.text);
    let ask_answer = press(&app, admin, "✅ Terminé").await;
    assert!(ask_answer.text.contains("Envoyez la réponse"), "{}", ask_answer.text);

    // Too short an answer, then a bad link: French errors, the step stays.
    let short = app.user(admin).sends("Oui.").await;
    assert!(short.text.contains("trop courte"), "{}", short.text);
    let link = app.user(admin).sends("Oui, tout se vend. Voir https://exa mple pour les détails.").await;
    assert!(link.text.contains(&fr("lien « https://exa » invalide")), "{}", link.text);
    let preview = app.user(admin).sends_expecting(ANSWER, 2).await;
    assert_eq!(preview[0].text, format!("{}\n\n{}", fr(QUESTION), fr(ANSWER)), "the answer as merchants see it");
    assert!(preview[1].text.contains("telle que les commerçants la recevront"), "{}", preview[1].text);

    let chapters = press(&app, admin, "✅ Valider la réponse").await;
    let curriculum = curriculum();
    let boutique = curriculum.chapter("boutique").unwrap();
    assert!(labels(&chapters).contains(&boutique.title), "{:?}", labels(&chapters));
    let modules = press(&app, admin, &boutique.title).await;
    let module = curriculum.modules_of("boutique").next().unwrap();
    assert!(labels(&modules).contains(&module_label(module)), "{:?}", labels(&modules));
    // The module toggles in place.
    let message = modules.message_id;
    app.user(admin).presses(message, &module_label(module)).await;
    assert!(labels(&app.user(admin).message(message)).contains(&format!("✅ {}", module_label(module))));
    let confirm = press(&app, admin, "✅ Terminé").await;
    assert!(confirm.text.contains("Enregistrer cette question") && confirm.text.contains(QUESTION), "{}", confirm.text);
    let saved = press(&app, admin, "✅ Enregistrer").await;
    assert!(
        saved.text.contains("peut-on-vendre-des-licornes-en") && saved.text.contains("est enregistrée"),
        "{}",
        saved.text
    );

    // The merchant's question is answered directly, in this process, with no restart.
    for asked in [QUESTION, "cmt vendre mes licornes"] {
        let reply = app.user(1401).sends(asked).await;
        assert!(reply.text.contains("se vendent bien"), "{asked}: {}", reply.text);
        assert!(labels(&reply).contains(&module_label(module)), "{:?}", labels(&reply));
    }
    let revisions = app.db.entry_revisions("peut-on-vendre-des-licornes-en", 10).await.unwrap();
    assert_eq!(revisions.len(), 1);
    assert_eq!(revisions[0].author, format!("Awa ({admin})"));
    assert_no_rejected_calls(&app);
}

fn unicorns() -> FaqEntry {
    FaqEntry {
        id: "licornes".to_owned(),
        chapter: "programme".to_owned(),
        question: QUESTION.to_owned(),
        variants: ["vendre des licornes", "licorne en peluche a vendre", "cmt vendre mes licornes", "peluche licorne"]
            .map(str::to_owned)
            .to_vec(),
        keywords: vec![],
        answer: "Première réponse sur les licornes.".to_owned(),
        modules: vec![],
        sources: vec![],
        reviewed: Some(jiff::civil::date(2026, 12, 3)),
    }
}

#[tokio::test]
async fn edits_variants_and_deletion_are_revisions_in_faq_historique() {
    let app = spawn_app().await;
    LiveContent::open(&app.db, None).await.unwrap().save_entry(&unicorns(), "import").await.unwrap();
    app.user(ADMIN).named("Awa").sends("/start").await;
    let admin = ADMIN;

    // Find it by words, through the matcher's ranking.
    let menu = app.user(admin).sends("/faq").await;
    assert!(labels(&menu).contains(&"🔎 Rechercher".to_owned()), "{:?}", labels(&menu));
    let programme = labels(&menu).into_iter().find(|l| l.starts_with("Le programme (")).unwrap();
    let list = press(&app, admin, &programme).await;
    assert!(list.text.contains("Le programme"), "{}", list.text);
    press(&app, admin, "📚 Menu de la FAQ").await;
    press(&app, admin, "🔎 Rechercher").await;
    let found = app.user(admin).sends("licornes peluche").await;
    assert_eq!(labels(&found)[0], fr(QUESTION), "{:?}", labels(&found));
    let view = press(&app, admin, QUESTION).await;
    assert!(view.text.contains(&fr("Identifiant : licornes")) && view.text.contains("4 variantes"), "{}", view.text);

    press(&app, admin, "✏️ Réponse").await;
    let saved = app.user(admin).sends("Nouvelle réponse : les licornes se vendent toute l'année.").await;
    assert!(saved.text.contains("est enregistrée (révision n°"), "{}", saved.text);
    assert!(app.user(1402).sends(QUESTION).await.text.contains("toute l'année"));

    press(&app, admin, "➕ Variante").await;
    let duplicate = app.user(admin).sends("Comment créer un site e-commerce sans savoir coder ?").await;
    assert!(duplicate.text.contains("creer-site"), "a wording of another entry is refused: {}", duplicate.text);
    let added = app.user(admin).sends("ou acheter des licornes a revendre").await;
    assert!(added.text.contains("5 variantes"), "{}", added.text);

    let variants = press(&app, admin, "➖ Variante").await;
    assert_eq!(labels(&variants).len(), 6, "{:?}", labels(&variants));
    let removed = press(&app, admin, "🗑 peluche licorne").await;
    assert!(removed.text.contains("4 variantes") && !removed.text.contains("• peluche licorne"), "{}", removed.text);
    // Below the minimum: refused in French, nothing written.
    press(&app, admin, "➖ Variante").await;
    let refused = press(&app, admin, "🗑 vendre des licornes").await;
    assert!(refused.text.contains("À corriger"), "{}", refused.text);
    press(&app, admin, "◀️ Retour à la question").await;

    press(&app, admin, "✏️ Question").await;
    let renamed = app.user(admin).sends("Les licornes en peluche se vendent-elles ?").await;
    assert!(renamed.text.contains("Les licornes en peluche se vendent-elles"), "{}", renamed.text);

    let ask = press(&app, admin, "🗑 Supprimer").await;
    assert!(ask.text.contains(&fr("Supprimer « licornes »")), "{}", ask.text);
    let deleted = press(&app, admin, "Oui, supprimer").await;
    assert!(deleted.text.contains("est supprimée"), "{}", deleted.text);
    assert!(!app.user(1402).sends(QUESTION).await.text.contains("toute l'année"));

    let history = app.user(admin).sends("/faq_historique licornes").await;
    assert!(history.text.contains(&fr("Historique de « licornes » (6 révisions")), "{}", history.text);
    let by_awa = history.text.matches(&format!("· Awa ({admin}) ·")).count();
    assert_eq!(by_awa, 5, "answer, added variant, removed variant, question, deletion: {}", history.text);
    assert!(history.text.contains("suppression"), "{}", history.text);
    assert_no_rejected_calls(&app);
}

#[tokio::test]
async fn nouvelle_entree_from_questions_starts_the_creation_prefilled() {
    let app = spawn_app().await;
    app.user(1403).sends(QUESTION).await;
    app.user(TRAINER).sends("/start").await;
    let trainer_page = app.user(TRAINER).sends("/questions").await;
    assert!(!labels(&trainer_page).iter().any(|l| l.contains("Nouvelle entrée")), "admins only");

    let page = app.user(ADMIN).sends("/questions").await;
    assert!(labels(&page).contains(&"➕ Nouvelle entrée avec le n° 1".to_owned()), "{:?}", labels(&page));
    let proposed = press(&app, ADMIN, "➕ Nouvelle entrée avec le n° 1").await;
    assert!(proposed.text.contains("d'un commerçant") && proposed.text.contains(QUESTION), "{}", proposed.text);
    let variants = press(&app, ADMIN, "✅ Garder cette question").await;
    assert!(variants.text.contains("d'autres façons") && variants.text.contains(QUESTION), "{}", variants.text);
    assert!(app.user(ADMIN).sends("vendre des licornes").await.text.starts_with("Une variante"));
    let cancelled = app.user(ADMIN).sends("/annuler").await;
    assert!(cancelled.text.contains("rien n'a été enregistré"), "{}", cancelled.text);
    // Out of the dialogue: a text is a question again.
    assert!(!app.user(ADMIN).sends("vendre des licornes").await.text.contains("variante"));
    assert_no_rejected_calls(&app);
}

#[tokio::test]
async fn merchants_and_trainers_cannot_use_the_editor() {
    let app = spawn_app().await;
    let merchant = 1404;
    app.user(merchant).sends("/start").await;
    app.user(TRAINER).sends("/start").await;
    for who in [merchant, TRAINER] {
        for command in ["/faq", "/faq_nouvelle"] {
            let reply = app.user(who).sends(command).await;
            assert!(reply.text.contains("réservée aux administrateurs"), "{who} {command}: {}", reply.text);
        }
        for action in [FaqAction::New, FaqAction::ConfirmDelete("creer-site".to_owned()), FaqAction::Menu] {
            let message = last(&app, who).message_id;
            app.user(who).presses_raw(message, &CallbackData::Faq(action).to_string()).await;
            let answer = app.emulator.callback_answers().last().and_then(|a| a.text.clone());
            assert_eq!(answer, Some(fr("Ce bouton est réservé aux administrateurs du bot.")));
        }
    }
    assert!(app.db.entry_revisions("creer-site", 10).await.unwrap().len() == 1, "nothing deleted");
    assert_no_rejected_calls(&app);
}
