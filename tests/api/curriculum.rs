//! Issue 4 acceptance: browsing chapters and modules by editing one message, progress that survives restarts,
//! paging, and buttons that are forged, oversized or older than the running bot.

use accelerateur::curriculum::content::{Curriculum, Module};

use crate::helpers::{TestUser, assert_no_rejected_calls, curriculum, fr, labels, spawn_app};

fn chapter_label(c: &Curriculum, number: u8, done: usize) -> String {
    let chapter = c.chapters.iter().find(|ch| ch.number == number).unwrap();
    let total = c.modules_of(&chapter.id).count();
    // The same marks as `/progression`: not started ▫️, started ▶️, finished ✅.
    let mark = match done {
        0 => "▫️",
        d if d == total => "✅",
        _ => "▶️",
    };
    format!("{mark} {number}. {} — {done}/{total}", chapter.title)
}

fn module_label(module: &Module) -> String {
    fr(&format!("🎬 {} · {} min", module.title, module.minutes))
}

fn modules_of(c: &Curriculum, number: u8) -> Vec<&Module> {
    let chapter = c.chapters.iter().find(|ch| ch.number == number).unwrap();
    c.modules_of(&chapter.id).collect()
}

async fn open_first_chapter(user: &TestUser<'_>, c: &Curriculum) -> i32 {
    let list = user.sends("/parcours").await;
    user.presses(list.message_id, &chapter_label(c, 1, 0)).await;
    list.message_id
}

#[tokio::test]
async fn chapter_module_next_and_back_all_edit_one_message() {
    let app = spawn_app().await;
    let c = curriculum();
    let user = app.user(201);
    let screen = open_first_chapter(&user, &c).await;
    let first = modules_of(&c, 1);
    let chapter_screen = user.message(screen);
    assert!(
        chapter_screen.text.contains(&c.chapters[0].title) || chapter_screen.text.contains("Chapitre 1"),
        "{chapter_screen:#?}"
    );

    user.presses(screen, &module_label(first[0])).await;
    let card = user.message(screen);
    assert!(card.text.contains(&first[0].title) && card.text.contains(&first[0].summary), "{}", card.text);
    let watch = card.buttons.iter().flatten().find(|b| b.text.starts_with("▶️")).expect("a watch button");
    assert!(
        matches!(&watch.kind, accelerateur::telegram_emulator::ButtonKind::Url(url) if url.ends_with(&first[0].path))
    );

    user.presses(screen, "Module suivant ➡️").await;
    assert!(user.message(screen).text.contains(&first[1].title));
    user.presses(screen, "⬅️ Retour").await;
    assert!(labels(&user.message(screen)).contains(&module_label(first[1])));

    assert_eq!(user.bot_messages().len(), 1, "navigation never sends a new message");
    assert!(user.message(screen).edit_count >= 4);
    assert!(app.emulator.pending_callbacks().is_empty(), "every press was answered");
    assert_no_rejected_calls(&app);
}

#[tokio::test]
async fn the_last_module_of_a_chapter_leads_to_the_next_chapter() {
    let app = spawn_app().await;
    let c = curriculum();
    let user = app.user(202);
    let screen = open_first_chapter(&user, &c).await;
    let first = modules_of(&c, 1);
    user.presses(screen, &module_label(first[0])).await;
    for _ in 1..first.len() {
        user.presses(screen, "Module suivant ➡️").await;
    }
    assert!(user.message(screen).text.contains(&first.last().unwrap().title));
    user.presses(screen, "Module suivant ➡️").await;
    let second_chapter = c.chapters.iter().find(|ch| ch.number == 2).unwrap();
    let card = user.message(screen);
    assert!(card.text.contains(&modules_of(&c, 2)[0].title), "{}", card.text);
    assert!(card.text.contains(&second_chapter.title));
    assert_no_rejected_calls(&app);
}

#[tokio::test]
async fn a_chapter_longer_than_a_screen_pages_back_and_forth() {
    let app = spawn_app().await;
    let c = curriculum();
    let user = app.user(203);
    let screen = open_first_chapter(&user, &c).await;
    let modules = modules_of(&c, 1);
    assert!(modules.len() > 5, "the test needs a chapter with more than 5 modules");
    let page_one = labels(&user.message(screen));
    assert!(page_one.contains(&module_label(modules[4])) && !page_one.contains(&module_label(modules[5])));
    user.presses(screen, "Suivants ▶️").await;
    let page_two = labels(&user.message(screen));
    assert!(page_two.contains(&module_label(modules[5])) && !page_two.contains(&module_label(modules[0])));
    assert!(!page_two.contains(&"Suivants ▶️".to_owned()), "no next page after the last");
    user.presses(screen, "◀️ Précédents").await;
    assert_eq!(labels(&user.message(screen)), page_one);
    // The "back" of a module on page two returns to page two.
    user.presses(screen, "Suivants ▶️").await;
    user.presses(screen, &module_label(modules[6])).await;
    user.presses(screen, "⬅️ Retour").await;
    assert_eq!(labels(&user.message(screen)), page_two);
    assert_no_rejected_calls(&app);
}

#[tokio::test]
async fn marked_modules_survive_a_restart_and_show_in_progression() {
    let mut app = spawn_app().await;
    let c = curriculum();
    let first = modules_of(&c, 1);
    let screen = {
        let user = app.user(204);
        let screen = open_first_chapter(&user, &c).await;
        user.presses(screen, &module_label(first[0])).await;
        user.presses(screen, "✅ Marquer comme vu").await;
        assert!(labels(&user.message(screen)).contains(&"✅ Déjà vu".to_owned()));
        // Pressing it again changes nothing and must not make Telegram complain.
        user.presses(screen, "✅ Déjà vu").await;
        screen
    };
    app.restart().await;
    let user = app.user(204);
    let progress = user.sends("/progression").await;
    let chapter = c.chapters.iter().find(|ch| ch.number == 1).unwrap();
    assert!(progress.text.contains(&fr(&format!("▶️ 1. {} : 1/{}", chapter.title, first.len()))), "{}", progress.text);
    assert!(progress.text.contains(&fr(&format!("Prochain module : {}", first[1].title))), "{}", progress.text);
    // The card sent before the restart still works.
    user.presses(screen, "Module suivant ➡️").await;
    assert!(user.message(screen).text.contains(&first[1].title));
    // The main menu offers to resume, and the chapter list shows progress.
    let menu = user.sends("/start").await;
    assert!(labels(&menu).contains(&fr(&format!("▶️ Reprendre : {}", first[1].title))), "{:?}", labels(&menu));
    user.presses(menu.message_id, &format!("▶️ Reprendre : {}", first[1].title)).await;
    assert!(user.message(menu.message_id).text.contains(&first[1].summary));
    let list = user.sends("/parcours").await;
    assert!(labels(&list).contains(&chapter_label(&c, 1, 1)), "{:?}", labels(&list));
    assert_no_rejected_calls(&app);
}

#[tokio::test]
async fn forged_and_oversized_callback_data_get_a_fresh_menu() {
    let app = spawn_app().await;
    let user = app.user(205);
    let list = user.sends("/parcours").await;
    let forged = ["mod:n-existe-pas", "ch:preparer:abc", "seen:../../etc", "s:1:creer-site", "zzz", &"x".repeat(64)];
    for (i, data) in forged.iter().enumerate() {
        user.presses_raw(list.message_id, data).await;
        let messages = user.bot_messages();
        assert_eq!(messages.len(), i + 2, "one fresh menu per stale press ({data})");
        assert!(messages.last().unwrap().text.contains("Ce menu a expiré"), "{data}");
        assert_eq!(labels(messages.last().unwrap()).len(), 5);
    }
    let answers = app.emulator.callback_answers();
    assert_eq!(answers.len(), forged.len());
    assert!(
        answers
            .iter()
            .all(|answer| answer.text.as_deref() == Some(fr("Ce menu a expiré : voici le menu à jour.").as_str()))
    );
    assert_no_rejected_calls(&app);
}

#[tokio::test]
async fn finishing_the_last_module_sends_the_attestation() {
    let app = spawn_app().await;
    let c = curriculum();
    let user = app.user(206).named("Camille");
    user.sends("/start").await;
    let id = user.user_id();
    let all: Vec<&Module> = c.modules.iter().collect();
    for module in &all[..all.len() - 1] {
        app.db.mark_module_seen(id, &module.id, 0).await.unwrap();
    }
    let progress = user.sends("/progression").await;
    user.presses(progress.message_id, &format!("▶️ Reprendre : {}", all.last().unwrap().title)).await;
    let before = user.bot_messages().len();
    user.presses(progress.message_id, "✅ Marquer comme vu").await;
    let messages = app.emulator.wait_for_bot_messages(206, before + 1, crate::helpers::PATIENCE).await.unwrap();
    let attestation = messages.last().unwrap();
    assert!(attestation.text.contains("Félicitations Camille") && attestation.text.contains("Attestation de suivi"));
    assert!(attestation.text.contains(&format!("{} modules", all.len())));
    // The test clock starts on 23 November 2026 (Paris): the date is written the French way.
    assert!(attestation.text.contains("le 23 novembre 2026."), "{}", attestation.text);
}
