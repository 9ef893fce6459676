//! Issue 13, item 4 (weekly summary): an admin opts in with `/resume_hebdo`; every Monday from 08:00 Europe/Paris
//! the `/stats` report is queued for them once, whoever runs the step and however often (driven by the manual
//! clock, as the reminder tests are).

use teloxide::types::UserId;

use crate::helpers::{ADMIN, PATIENCE, TRAINER, assert_no_rejected_calls, spawn_app};

fn summaries(app: &crate::helpers::TestApp, user: i64) -> usize {
    app.emulator.bot_messages(user).iter().filter(|m| m.text.contains("Résumé de la semaine")).count()
}

#[tokio::test]
async fn opted_in_admins_get_the_summary_once_every_monday_at_eight_paris_time() {
    let app = spawn_app().await;
    // Sunday 29 November 2026, noon in Paris.
    app.set_time("2026-11-29T11:00:00Z");
    let admin = app.user(ADMIN);
    let on = admin.sends("/resume_hebdo").await;
    assert!(on.text.contains("chaque lundi à 8"), "{}", on.text);
    assert!(app.db.user(UserId(ADMIN as u64)).await.unwrap().weekly_summary);
    app.user(TRAINER).sends("/start").await;
    app.user(1501).sends("Comment créer mon site ?").await;
    let refused = app.user(TRAINER).sends("/resume_hebdo").await;
    assert!(refused.text.contains("réservée aux administrateurs"), "{}", refused.text);

    app.tick_reminders().await;
    // Monday 30 November, 07:59 in Paris (UTC+1): not yet.
    app.set_time("2026-11-30T06:59:00Z");
    app.tick_reminders().await;
    assert_eq!(app.deliver_all().await, 0, "nothing before Monday 08:00");

    // 08:00 in Paris: two schedulers (as two replicas would) step at once, then again: one summary.
    app.set_time("2026-11-30T07:00:00Z");
    let (a, b) = (app.reminder_scheduler(), app.reminder_scheduler());
    let (first, second) = tokio::join!(a.tick(), b.tick());
    first.unwrap();
    second.unwrap();
    app.advance(3600);
    app.tick_reminders().await;
    assert_eq!(app.deliver_all().await, 1, "one summary, to the one admin who asked");
    app.emulator.wait_until(|e| !e.bot_messages(ADMIN).is_empty(), PATIENCE).await.unwrap();
    let summary = admin.bot_messages().pop().unwrap();
    assert!(summary.text.contains("Résumé de la semaine"), "{}", summary.text);
    assert!(summary.text.contains("Statistiques"), "the /stats figures: {}", summary.text);
    assert_eq!(summaries(&app, TRAINER), 0, "trainers do not get it");

    // The next Monday again; once the admin opts out, nothing.
    app.set_time("2026-12-07T07:30:00Z");
    app.tick_reminders().await;
    assert_eq!(app.deliver_all().await, 1);
    let off = admin.sends("/resume_hebdo").await;
    assert!(off.text.contains("ne recevrez plus"), "{}", off.text);
    app.set_time("2026-12-14T08:00:00Z");
    app.tick_reminders().await;
    assert_eq!(app.deliver_all().await, 0);
    assert_eq!(summaries(&app, ADMIN), 2);
    assert_no_rejected_calls(&app);
}
