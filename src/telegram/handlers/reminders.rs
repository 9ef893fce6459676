//! The merchant's side of the webinar reminders: `/rappels` and *Mes rappels* (the current state, one tap to
//! change it), the answer to the onboarding question under the first greeting, and *Ne plus recevoir ces rappels*
//! under a reminder (off at once; the reminder keeps its join button).

use teloxide::types::{CallbackQuery, MaybeInaccessibleMessage, Message, UserId};

use super::{HandlerResult, menu::origin};
use crate::{
    startup::BotSettings,
    storage::Db,
    telegram::{Telegram, callback::ReminderChoice, keyboards, keyboards::Screen},
    tr, tr_html,
};

/// `/rappels`.
pub async fn command(tg: Telegram, db: Db, settings: BotSettings, msg: Message) -> HandlerResult {
    let Some(user) = msg.from.as_ref() else { return Ok(()) };
    let (text, keyboard) = screen(&db, &settings, user.id).await?;
    tg.send(msg.chat.id, text, Some(keyboard)).await.checked()?;
    Ok(())
}

/// The reminders screen for `user`: its state and the button that changes it.
pub async fn screen(db: &Db, settings: &BotSettings, user: UserId) -> anyhow::Result<Screen> {
    let enabled = db.user(user).await?.reminders_enabled;
    Ok(screen_for(enabled, settings))
}

fn screen_for(enabled: bool, settings: &BotSettings) -> Screen {
    let time = reminder_time(settings);
    let text = if enabled { tr_html!("reminders-on", time = time) } else { tr_html!("reminders-off", time = time) };
    (text, keyboards::reminders(enabled))
}

/// « 10 h », « 9 h 45 »: when reminders leave on a default day.
fn reminder_time(settings: &BotSettings) -> String {
    let any_day = jiff::civil::date(2026, 1, 5).to_datetime(settings.reminder_time);
    any_day.to_zoned(jiff::tz::TimeZone::UTC).map(|at| crate::french::time(&at)).unwrap_or_default()
}

/// A reminder button: on or off (the screen shows the new state in place), or stop from under a reminder.
pub async fn choose(
    tg: Telegram,
    db: Db,
    settings: BotSettings,
    query: CallbackQuery,
    choice: ReminderChoice,
) -> HandlerResult {
    let enabled = choice == ReminderChoice::On;
    db.choose_reminders(query.from.id, enabled).await?;
    if choice == ReminderChoice::Stop {
        return stop(&tg, query).await;
    }
    let notice = if enabled { tr!("reminders-enabled-notice") } else { tr!("reminders-disabled-notice") };
    let (text, keyboard) = screen_for(enabled, &settings);
    tg.replace(query, text, keyboard, Some(notice)).await.checked()?;
    Ok(())
}

/// *Ne plus recevoir ces rappels*: the reminder loses that button and keeps its link.
async fn stop(tg: &Telegram, query: CallbackQuery) -> HandlerResult {
    if let (Some((chat, Some(message))), Some(MaybeInaccessibleMessage::Regular(shown))) =
        (origin(&query), query.message.as_ref())
        && let Some(markup) = shown.reply_markup()
    {
        tg.edit_keyboard(chat, message, keyboards::links_only(markup)).await.checked()?;
    }
    tg.answer_callback(query.id, Some(tr!("reminders-stopped-notice"))).await;
    Ok(())
}
