//! Issue 2 acceptance: greeting and menu, help, non-text messages, escaping, 429, blocked users, commands, roles.

use std::time::{Duration, Instant};

use accelerateur::telegram_emulator::{ButtonKind, Fault, FaultKind, NonText};

use crate::helpers::{ADMIN, TRAINER, fr, labels, spawn_app};

#[tokio::test]
async fn start_greets_the_merchant_by_name_with_the_five_menu_buttons() {
    let app = spawn_app().await;
    let reply = app.user(101).named("Camille").sends("/start").await;
    assert!(reply.text.starts_with("Bonjour Camille"), "{}", reply.text);
    let menu = ["❓ Poser une question", "🎓 Parcours de formation", "📅 Webinaires", "🔔 Mes rappels", "ℹ️ Aide"];
    // The first time, the reminders question's two answers come first.
    assert_eq!(labels(&reply)[2..], menu);
    assert_eq!(labels(&app.user(101).sends("/start").await), menu);
    let user = app.db.user(app.user(101).user_id()).await.unwrap();
    assert_eq!(user.first_name, "Camille");
    assert!(!user.blocked);
}

#[tokio::test]
async fn aide_explains_what_the_bot_does() {
    let app = spawn_app().await;
    let reply = app.user(102).sends("/aide").await;
    assert!(reply.text.contains("Ce que je sais faire"), "{}", reply.text);
    assert!(reply.text.contains("/parcours"));
}

#[tokio::test]
async fn stickers_photos_voice_and_locations_get_a_polite_reply() {
    let app = spawn_app().await;
    let user = app.user(103);
    for kind in [NonText::Sticker, NonText::Photo, NonText::Voice, NonText::Location] {
        let reply = user.sends_non_text(kind).await;
        assert!(reply.text.contains("Je ne sais lire que les messages écrits"), "{kind:?}: {}", reply.text);
    }
}

#[tokio::test]
async fn unknown_commands_say_what_the_bot_understands() {
    let app = spawn_app().await;
    let reply = app.user(104).sends("/recette").await;
    assert!(reply.text.contains("Je ne connais pas cette commande"), "{}", reply.text);
    let reply = app.user(104).sends("/parcour").await;
    assert!(reply.text.contains(&fr("Vouliez-vous dire /parcours ?")), "{}", reply.text);
}

#[tokio::test]
async fn a_name_full_of_markup_reads_literally_without_a_parse_error() {
    let app = spawn_app().await;
    let reply = app.user(105).named("<b>Zoé & Co</b>").sends("/start").await;
    assert!(reply.text.starts_with("Bonjour <b>Zoé & Co</b>"), "{}", reply.text);
    let rejected: Vec<_> = app.emulator.journal().into_iter().filter(|call| call.status >= 400).collect();
    assert!(rejected.is_empty(), "Telegram rejected: {rejected:#?}");
}

#[tokio::test]
async fn a_429_delays_the_reply_which_arrives_once() {
    let app = spawn_app().await;
    app.emulator
        .inject_fault(Fault::new(FaultKind::TooManyRequests { retry_after: 1 }).on_method("sendMessage").times(1));
    let started = Instant::now();
    let reply = app.user(106).sends("/aide").await;
    assert!(started.elapsed() >= Duration::from_secs(1), "the retry waited {:?}", started.elapsed());
    assert!(reply.text.contains("Ce que je sais faire"));
    let sends: Vec<_> =
        app.emulator.journal().into_iter().filter(|call| call.method.eq_ignore_ascii_case("sendMessage")).collect();
    assert_eq!(sends.iter().map(|call| call.status).collect::<Vec<_>>(), [429, 200]);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(app.user(106).bot_messages().len(), 1, "the reply arrived exactly once");
}

#[tokio::test]
async fn a_server_error_is_retried_and_the_reply_still_arrives_once() {
    let app = spawn_app().await;
    app.emulator.inject_fault(Fault::new(FaultKind::ServerError { status: 502 }).on_method("sendMessage").times(1));
    let reply = app.user(112).sends("/aide").await;
    assert!(reply.text.contains("Ce que je sais faire"));
    let sends: Vec<_> =
        app.emulator.journal().into_iter().filter(|call| call.method.eq_ignore_ascii_case("sendMessage")).collect();
    assert_eq!(sends.iter().map(|call| call.status).collect::<Vec<_>>(), [502, 200]);
    assert_eq!(app.user(112).bot_messages().len(), 1);
}

#[tokio::test]
async fn a_user_who_blocked_the_bot_is_flagged_and_nothing_crashes() {
    let app = spawn_app().await;
    let user = app.user(107).named("Karim");
    user.sends("/start").await;
    // Karim writes, then blocks the bot before the reply leaves.
    app.emulator.inject_fault(Fault::new(FaultKind::Delay { millis: 300 }).on_method("sendMessage").for_chat(107));
    app.emulator.send_text(107, "/aide");
    app.emulator.set_blocked(107, true);
    let id = user.user_id();
    let db = app.db.clone();
    let deadline = Instant::now() + crate::helpers::PATIENCE;
    while !db.user(id).await.unwrap().blocked {
        assert!(Instant::now() < deadline, "the user was never flagged as blocked");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // The bot keeps serving others, and the user is welcome back once they unblock it.
    assert!(app.user(108).sends("/aide").await.text.contains("Ce que je sais faire"));
    app.emulator.set_blocked(107, false);
    assert!(user.sends("/start").await.text.starts_with("Bonjour Karim"));
    assert!(!db.user(id).await.unwrap().blocked);
}

#[tokio::test]
async fn commands_are_registered_per_role_with_french_descriptions() {
    let app = spawn_app().await;
    let sets = app.emulator.commands();
    let default = sets.iter().find(|set| set.scope["type"] == "default").expect("default commands");
    let names: Vec<_> = default.commands.iter().map(|(name, _)| name.as_str()).collect();
    assert!(names.contains(&"start") && names.contains(&"parcours") && !names.contains(&"stats"), "{names:?}");
    assert!(default.commands.iter().any(|(_, description)| description == "Parcours de formation"));
    let for_chat = |id: i64| {
        sets.iter()
            .find(|set| set.scope["type"] == "chat" && set.scope["chat_id"] == id)
            .map(|set| set.commands.iter().map(|(name, _)| name.clone()).collect::<Vec<_>>())
            .unwrap_or_default()
    };
    assert!(
        for_chat(TRAINER).contains(&"stats".to_owned()) && !for_chat(TRAINER).contains(&"recharger_faq".to_owned())
    );
    assert!(for_chat(ADMIN).contains(&"recharger_faq".to_owned()));
}

#[tokio::test]
async fn staff_commands_are_refused_to_merchants_and_served_to_trainers() {
    let app = spawn_app().await;
    let refused = app.user(109).sends("/stats").await;
    assert!(refused.text.contains("réservée à l'équipe"), "{}", refused.text);
    let stats = app.user(TRAINER).sends("/stats").await;
    assert!(stats.text.contains("Statistiques") && stats.text.contains(&fr("Commerçants : 1")), "{}", stats.text);
}

#[tokio::test]
async fn the_webinar_entry_gives_the_next_session_in_paris_time() {
    let app = spawn_app().await;
    let reply = app.user(110).sends("/webinaires").await;
    assert!(reply.text.contains(&fr("lundi 23 novembre à 10 h")), "{}", reply.text);
    let join = reply.buttons.iter().flatten().find(|b| b.text == "▶️ Rejoindre le webinaire").expect("a join button");
    assert!(matches!(&join.kind, ButtonKind::Url(url) if url == "https://visio.example.org/accelerateur"));
}

#[tokio::test]
async fn menu_buttons_edit_the_menu_in_place_and_always_answer() {
    let app = spawn_app().await;
    let user = app.user(111);
    let menu = user.sends("/start").await;
    user.presses(menu.message_id, "ℹ️ Aide").await;
    let edited = user.message(menu.message_id);
    assert!(edited.edited && edited.text.contains("Ce que je sais faire"), "{}", edited.text);
    user.presses(menu.message_id, "⬅️ Menu principal").await;
    assert_eq!(labels(&user.message(menu.message_id)).len(), 5);
    assert_eq!(user.bot_messages().len(), 1, "navigation sent no new message");
    assert!(app.emulator.pending_callbacks().is_empty());
}
