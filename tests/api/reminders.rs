//! Webinar reminders (issue 11), with the manual clock: the onboarding question and `/rappels`, the reminder at
//! 10:00 Paris time across daylight-saving changes, the catch-up after a restart, cancelled days, public holidays,
//! special sessions, trainers' changes, blocked merchants, and two schedulers on one database. The reminder goes
//! through the delivery queue (`deliver_all`), as everything the bot sends on its own.

use accelerateur::telegram_emulator::{ButtonKind, ChatMessage};
use jiff::civil::date;

use crate::helpers::{TRAINER, TestApp, assert_no_rejected_calls, fr, labels, spawn_app, spawn_app_with};

const JOIN: &str = "▶️ Rejoindre le webinaire";
const STOP: &str = "🔕 Ne plus recevoir ces rappels";
const DEFAULT_URL: &str = "https://visio.example.org/accelerateur";

/// The merchant opens the bot and answers yes to the onboarding question.
async fn subscribe(app: &TestApp, id: i64) {
    let user = app.user(id);
    let greeting = user.sends("/start").await;
    user.presses(greeting.message_id, "🔔 Oui, me le rappeler").await;
    assert!(app.db.user(user.user_id()).await.unwrap().reminders_enabled);
}

fn reminders_received(app: &TestApp, id: i64) -> Vec<ChatMessage> {
    app.user(id).bot_messages().into_iter().filter(|m| m.text.contains("Webinaire aujourd'hui")).collect()
}

/// Steps the scheduler at `at` and sends what is due; returns how many deliveries were attempted.
async fn at(app: &TestApp, instant: &str) -> usize {
    app.set_time(instant);
    app.tick_reminders().await;
    app.deliver_all().await
}

fn url_of(message: &ChatMessage, label: &str) -> Option<String> {
    message.buttons.iter().flatten().find(|b| b.text == fr(label)).and_then(|b| match &b.kind {
        ButtonKind::Url(url) => Some(url.clone()),
        ButtonKind::Callback(_) => None,
    })
}

#[tokio::test]
async fn an_opted_in_merchant_gets_one_reminder_at_ten_with_the_link_and_can_stop_them_in_one_tap() {
    let app = spawn_app().await;
    let user = app.user(3101);
    let greeting = user.sends("/start").await;
    assert!(greeting.text.contains(&fr("Voulez-vous un rappel")), "{}", greeting.text);
    assert_eq!(labels(&greeting)[..2], [fr("🔔 Oui, me le rappeler"), "Non merci".to_owned()]);
    user.presses(greeting.message_id, "🔔 Oui, me le rappeler").await;
    let screen = user.message(greeting.message_id);
    assert!(screen.text.contains("Rappels activés"), "{}", screen.text);
    assert!(!user.sends("/start").await.text.contains("Voulez-vous un rappel"), "asked once");

    assert_eq!(at(&app, "2026-11-23T08:59:59Z").await, 0, "nothing before 10:00 Paris");
    assert_eq!(at(&app, "2026-11-23T09:00:00Z").await, 1);
    assert_eq!(at(&app, "2026-11-23T09:20:00Z").await, 0, "once per session");
    let reminders = reminders_received(&app, 3101);
    assert_eq!(reminders.len(), 1);
    let reminder = &reminders[0];
    assert!(reminder.text.contains(&fr("Webinaire aujourd'hui à 10 h")), "{}", reminder.text);
    assert!(reminder.text.contains("Questions-réponses en direct avec un formateur"), "{}", reminder.text);
    assert_eq!(url_of(reminder, JOIN).as_deref(), Some(DEFAULT_URL));
    assert_eq!(labels(reminder), [fr(JOIN), fr(STOP)]);

    user.presses(reminder.message_id, STOP).await;
    assert!(!app.db.user(user.user_id()).await.unwrap().reminders_enabled);
    assert_eq!(labels(&user.message(reminder.message_id)), [fr(JOIN)], "the link stays, the stop button goes");
    assert_eq!(at(&app, "2026-11-24T09:00:00Z").await, 0, "opted out: nothing the next day");
    assert_eq!(reminders_received(&app, 3101).len(), 1);
    assert_no_rejected_calls(&app);
}

#[tokio::test]
async fn the_reminders_screen_shows_the_state_and_one_tap_changes_it() {
    let app = spawn_app().await;
    let user = app.user(3102);
    let greeting = user.sends("/start").await;
    user.presses(greeting.message_id, "Non merci").await;
    assert!(user.message(greeting.message_id).text.contains("Rappels désactivés"));

    let screen = user.sends("/rappels").await;
    assert!(screen.text.contains("Rappels désactivés") && screen.text.contains(&fr("à 10 h")), "{}", screen.text);
    assert_eq!(labels(&screen), ["🔔 Activer les rappels", "⬅️ Menu principal"]);
    user.presses(screen.message_id, "🔔 Activer les rappels").await;
    let screen = user.message(screen.message_id);
    assert!(screen.text.contains("Rappels activés"), "{}", screen.text);
    assert_eq!(labels(&screen), ["🔕 Désactiver les rappels", "⬅️ Menu principal"]);
    assert!(app.db.user(user.user_id()).await.unwrap().reminders_enabled);

    let menu = user.sends("/menu").await;
    user.presses(menu.message_id, "🔔 Mes rappels").await;
    let from_menu = user.message(menu.message_id);
    assert!(from_menu.text.contains("Rappels activés"), "{}", from_menu.text);
    user.presses(menu.message_id, "🔕 Désactiver les rappels").await;
    assert!(!app.db.user(user.user_id()).await.unwrap().reminders_enabled);
    assert_eq!(at(&app, "2026-11-23T09:00:00Z").await, 0);
    assert_no_rejected_calls(&app);
}

#[tokio::test]
async fn reminders_stay_at_ten_paris_time_across_daylight_saving_changes() {
    let app = spawn_app().await;
    subscribe(&app, 3103).await;
    // (a second before, the due instant): 10:00 in Paris is 09:00 UTC in winter, 08:00 UTC in summer.
    let days = [
        ("2026-11-23T08:59:59Z", "2026-11-23T09:00:00Z"),
        ("2027-03-26T08:59:59Z", "2027-03-26T09:00:00Z"), // Friday before the change of 28 March 2027
        ("2027-03-30T07:59:59Z", "2027-03-30T08:00:00Z"), // Tuesday after it (Monday 29 is Easter Monday)
        ("2027-10-29T07:59:59Z", "2027-10-29T08:00:00Z"), // Friday before the change of 31 October 2027
        ("2027-11-01T08:59:59Z", "2027-11-01T09:00:00Z"), // Monday after it, a holiday: nothing
    ];
    let mut expected = 0;
    for (before, due) in days {
        assert_eq!(at(&app, before).await, 0, "nothing at {before}");
        let holiday = due.starts_with("2027-11-01");
        assert_eq!(at(&app, due).await, usize::from(!holiday), "at {due}");
        expected += usize::from(!holiday);
    }
    assert_eq!(reminders_received(&app, 3103).len(), expected);
}

#[tokio::test]
async fn the_2026_changes_move_the_reminder_to_the_right_utc_hour() {
    // Separate app: the dates above are in 2027; these are the 2026 changes (29 March and 25 October).
    let app = spawn_app().await;
    subscribe(&app, 3104).await;
    app.set_time("2026-03-27T08:00:00Z");
    for (before, due) in [
        ("2026-03-27T08:59:59Z", "2026-03-27T09:00:00Z"),
        ("2026-03-30T07:59:59Z", "2026-03-30T08:00:00Z"),
        ("2026-10-23T07:59:59Z", "2026-10-23T08:00:00Z"),
        ("2026-10-26T08:59:59Z", "2026-10-26T09:00:00Z"),
    ] {
        assert_eq!(at(&app, before).await, 0, "nothing at {before}");
        assert_eq!(at(&app, due).await, 1, "one at {due}");
    }
    assert_eq!(at(&app, "2026-03-29T08:00:00Z").await, 0, "the Sunday of the change has no session");
    assert_eq!(reminders_received(&app, 3104).len(), 4);
}

#[tokio::test]
async fn a_reminder_missed_while_the_bot_was_down_is_sent_at_start_up_until_the_session_ends() {
    let mut app = spawn_app().await;
    subscribe(&app, 3105).await;
    app.set_time("2026-11-23T09:30:00Z"); // 10:30 in Paris: the bot was down at 10:00
    app.restart().await;
    assert_eq!(app.deliver_all().await, 1, "sent at start-up, without a scheduler step");
    app.set_time("2026-11-23T09:40:00Z");
    app.restart().await;
    app.tick_reminders().await;
    assert_eq!(app.deliver_all().await, 0, "never twice");

    // Down through Tuesday's whole session: skipped and recorded, nothing sent late.
    app.set_time("2026-11-24T10:30:00Z");
    app.restart().await;
    app.tick_reminders().await;
    assert_eq!(app.deliver_all().await, 0);
    let run = app.db.reminder_run(date(2026, 11, 24)).await.unwrap().expect("the skip is recorded");
    assert!(run.skipped && run.recipients == 0, "{run:?}");
    assert_eq!(at(&app, "2026-11-25T09:00:00Z").await, 1, "Wednesday as usual");
    assert_eq!(reminders_received(&app, 3105).len(), 2);
}

#[tokio::test]
async fn a_cancelled_day_has_no_reminder_and_subscribers_get_the_trainers_notice() {
    let app = spawn_app().await;
    subscribe(&app, 3106).await;
    app.user(3107).sends("/start").await; // not subscribed
    let reply = app.user(TRAINER).sends("/seance_annuler 24/11/2026 Formateur absent, reprise mercredi.").await;
    assert!(reply.text.contains("Webinaire annulé le mardi 24 novembre"), "{}", reply.text);
    assert!(reply.text.contains("1 abonné prévenu"), "{}", reply.text);
    assert_eq!(app.deliver_all().await, 1);
    let notice = app.user(3106).bot_messages().last().cloned().unwrap();
    assert!(notice.text.contains("Pas de webinaire le mardi 24 novembre"), "{}", notice.text);
    assert!(notice.text.contains("Formateur absent, reprise mercredi."), "{}", notice.text);
    assert!(app.user(3107).bot_messages().iter().all(|m| !m.text.contains("Pas de webinaire")));

    assert_eq!(at(&app, "2026-11-23T09:00:00Z").await, 1, "Monday as usual");
    assert_eq!(at(&app, "2026-11-24T09:00:00Z").await, 0, "cancelled Tuesday");
    let webinars = app.user(3106).sends("/webinaires").await;
    assert!(webinars.text.contains(&fr("Prochaine séance : mercredi 25 novembre à 10 h")), "{}", webinars.text);

    // Cancelled after its reminders were queued, before they left: they are cancelled too.
    app.set_time("2026-11-25T09:00:00Z");
    app.tick_reminders().await;
    app.user(TRAINER).sends("/seance_annuler 25/11/2026").await;
    assert_eq!(app.deliver_all().await, 0);
    assert_eq!(reminders_received(&app, 3106).len(), 1);
    assert_no_rejected_calls(&app);
}

#[tokio::test]
async fn public_holidays_have_no_webinar_unless_a_trainer_adds_a_special_session() {
    let app = spawn_app().await;
    subscribe(&app, 3108).await;
    app.set_time("2026-12-24T12:00:00Z");
    let webinars = app.user(3108).sends("/webinaires").await;
    assert!(webinars.text.contains(&fr("Prochaine séance : lundi 28 décembre à 10 h")), "{}", webinars.text);
    assert_eq!(at(&app, "2026-12-25T09:00:00Z").await, 0, "Christmas");

    app.set_time("2026-12-24T12:00:00Z");
    let reply =
        app.user(TRAINER).sends("/seance_ajouter 25/12/2026 14h Spécial Noël | https://visio.example.org/noel").await;
    assert!(
        reply.text.contains(&fr("Séance ajoutée : vendredi 25 décembre à 14 h, « Spécial Noël »")),
        "{}",
        reply.text
    );
    let webinars = app.user(3108).sends("/webinaires").await;
    assert!(webinars.text.contains(&fr("vendredi 25 décembre à 14 h : Spécial Noël")), "{}", webinars.text);
    let listed = app.user(TRAINER).sends("/seances").await;
    assert!(listed.text.contains("Spécial Noël (séance spéciale)"), "{}", listed.text);

    assert_eq!(at(&app, "2026-12-25T12:59:59Z").await, 0);
    assert_eq!(at(&app, "2026-12-25T13:00:00Z").await, 1, "14:00 in Paris");
    let reminder = reminders_received(&app, 3108).pop().unwrap();
    assert!(reminder.text.contains(&fr("Webinaire aujourd'hui à 14 h")), "{}", reminder.text);
    assert!(reminder.text.contains("Spécial Noël"), "{}", reminder.text);
    assert_eq!(url_of(&reminder, JOIN).as_deref(), Some("https://visio.example.org/noel"));
    assert_no_rejected_calls(&app);
}

#[tokio::test]
async fn an_earlier_reminder_time_applies_to_special_sessions_too_and_titles_can_change() {
    let app = spawn_app_with(|settings| {
        settings.common.reminder_time = jiff::civil::Time::constant(9, 45, 0, 0);
    })
    .await;
    subscribe(&app, 3109).await;
    let reply = app.user(TRAINER).sends("/seance_ajouter 28/11/2026 11:30 Atelier photo du samedi").await;
    assert!(reply.text.contains("Atelier photo du samedi"), "{}", reply.text);
    let reply =
        app.user(TRAINER).sends("/seance_modifier 23/11/2026 Les frais de port | https://visio.example.org/b").await;
    assert!(reply.text.contains("Les frais de port"), "{}", reply.text);

    assert_eq!(at(&app, "2026-11-23T08:44:59Z").await, 0);
    assert_eq!(at(&app, "2026-11-23T08:45:00Z").await, 1, "09:45 in Paris");
    let monday = reminders_received(&app, 3109).pop().unwrap();
    assert!(monday.text.contains("Les frais de port"), "{}", monday.text);
    assert_eq!(url_of(&monday, JOIN).as_deref(), Some("https://visio.example.org/b"));

    // Saturday 11:30: the reminder leaves 15 minutes before, at 11:15 (10:15 UTC).
    app.set_time("2026-11-28T10:00:00Z");
    app.tick_reminders().await;
    app.user(TRAINER).sends("/seance_modifier 28/11/2026 Atelier photo, édition spéciale").await;
    assert_eq!(at(&app, "2026-11-28T10:14:59Z").await, 0);
    app.set_time("2026-11-28T10:15:00Z");
    app.tick_reminders().await;
    // Changed again after the reminders were queued: the waiting reminders follow.
    app.user(TRAINER).sends("/seance_modifier 28/11/2026 Atelier photo, dernière version").await;
    assert_eq!(app.deliver_all().await, 1);
    let saturday = reminders_received(&app, 3109).pop().unwrap();
    assert!(saturday.text.contains("Atelier photo, dernière version"), "{}", saturday.text);
    assert!(saturday.text.contains("à 11\u{a0}h\u{a0}30"), "{}", saturday.text);
    assert_eq!(url_of(&saturday, JOIN).as_deref(), Some(DEFAULT_URL));
    assert_no_rejected_calls(&app);
}

#[tokio::test]
async fn a_merchant_who_blocked_the_bot_is_flagged_by_the_queue_and_not_reminded_again() {
    let app = spawn_app().await;
    subscribe(&app, 3110).await;
    subscribe(&app, 3111).await;
    app.emulator.set_blocked(3110, true);
    assert_eq!(at(&app, "2026-11-23T09:00:00Z").await, 2);
    let blocked = app.db.user(app.user(3110).user_id()).await.unwrap();
    assert!(blocked.blocked, "the 403 flagged the merchant");
    assert_eq!(reminders_received(&app, 3111).len(), 1);
    assert_eq!(reminders_received(&app, 3110).len(), 0);
    assert_eq!(app.db.pending_deliveries().await.unwrap(), 0, "a 403 is not retried");
    assert_eq!(at(&app, "2026-11-24T09:00:00Z").await, 1, "only the reachable merchant is queued");
}

#[tokio::test]
async fn two_schedulers_on_one_database_queue_one_reminder_per_merchant() {
    let mut app = spawn_app().await;
    for id in 3120..3130 {
        subscribe(&app, id).await;
    }
    let first = app.reminder_scheduler();
    app.restart().await; // a second instance on the same database; `first` stays usable
    let second = app.reminder_scheduler();
    app.set_time("2026-11-23T09:00:00Z");
    let (a, b) = tokio::join!(first.tick(), second.tick());
    a.unwrap();
    b.unwrap();
    assert_eq!(app.deliver_all().await, 10);
    for id in 3120..3130 {
        assert_eq!(reminders_received(&app, id).len(), 1, "merchant {id}");
    }
    let run = app.db.reminder_run(date(2026, 11, 23)).await.unwrap().unwrap();
    assert_eq!((run.recipients, run.skipped), (10, false));
}
