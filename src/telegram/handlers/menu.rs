//! `/start`, `/aide`, the main menu and its simple entries (ask, webinars, reminders).

use teloxide::types::{CallbackQuery, MaybeInaccessibleMessage, Message, MessageId};

use super::HandlerResult;
use crate::{
    clock::AppClock,
    startup::BotSettings,
    telegram::{Telegram, callback::MenuItem, keyboards},
    tr_html, webinar,
};

pub async fn start(tg: Telegram, msg: Message) -> HandlerResult {
    let first_name = msg.from.as_ref().map_or("", |user| user.first_name.as_str()).to_owned();
    tg.send(msg.chat.id, tr_html!("start-greeting", first_name = first_name), Some(keyboards::main_menu())).await;
    Ok(())
}

pub async fn menu(tg: Telegram, msg: Message) -> HandlerResult {
    tg.send(msg.chat.id, tr_html!("menu-title"), Some(keyboards::main_menu())).await;
    Ok(())
}

pub async fn help(tg: Telegram, msg: Message) -> HandlerResult {
    tg.send(msg.chat.id, tr_html!("help-text"), Some(keyboards::back_to_menu())).await;
    Ok(())
}

pub async fn webinars(tg: Telegram, msg: Message, settings: BotSettings, clock: AppClock) -> HandlerResult {
    tg.send(msg.chat.id, webinars_text(&settings, &clock), Some(keyboards::back_to_menu())).await;
    Ok(())
}

pub async fn reminders(tg: Telegram, msg: Message) -> HandlerResult {
    tg.send(msg.chat.id, tr_html!("reminders-soon"), Some(keyboards::back_to_menu())).await;
    Ok(())
}

/// A press on one of the main menu's buttons: the screen replaces the menu in the same message.
pub async fn menu_item(
    tg: Telegram,
    query: CallbackQuery,
    item: MenuItem,
    settings: BotSettings,
    clock: AppClock,
) -> HandlerResult {
    tg.answer_callback(query.id.clone(), None).await;
    let Some((chat, message)) = origin(&query) else { return Ok(()) };
    let (text, keyboard) = match item {
        MenuItem::Home => (tr_html!("menu-title"), keyboards::main_menu()),
        MenuItem::Ask => (tr_html!("ask-prompt"), keyboards::back_to_menu()),
        MenuItem::Webinars => (webinars_text(&settings, &clock), keyboards::back_to_menu()),
        MenuItem::Reminders => (tr_html!("reminders-soon"), keyboards::back_to_menu()),
        MenuItem::Help => (tr_html!("help-text"), keyboards::back_to_menu()),
        MenuItem::Course | MenuItem::Resume => (tr_html!("feature-soon"), keyboards::back_to_menu()),
    };
    tg.show(chat, message, text, Some(keyboard)).await;
    Ok(())
}

fn webinars_text(settings: &BotSettings, clock: &AppClock) -> crate::text::Html {
    let next = webinar::next_session(clock.now(), &settings.timezone);
    tr_html!("webinars-text", next_session = webinar::french_date(&next))
}

/// The chat and message a button was pressed on (the message may be too old for Telegram to send it back).
#[must_use]
pub fn origin(query: &CallbackQuery) -> Option<(teloxide::types::ChatId, Option<MessageId>)> {
    match &query.message {
        Some(MaybeInaccessibleMessage::Regular(message)) => Some((message.chat.id, Some(message.id))),
        Some(MaybeInaccessibleMessage::Inaccessible(message)) => Some((message.chat.id, None)),
        None => Some((teloxide::types::ChatId::from(query.from.id), None)),
    }
}

/// Entries whose feature is not built yet say so politely.
pub async fn course_soon(tg: Telegram, msg: Message) -> HandlerResult {
    tg.send(msg.chat.id, tr_html!("feature-soon"), Some(keyboards::main_menu())).await;
    Ok(())
}
