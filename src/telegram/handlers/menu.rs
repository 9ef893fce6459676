//! `/start`, `/aide`, the main menu and its simple entries (ask, webinars, reminders).

use teloxide::types::{CallbackQuery, ChatId, MaybeInaccessibleMessage, Message, MessageId, UserId};

use super::{HandlerResult, course};
use crate::{
    clock::AppClock,
    content::LiveContent,
    course::next_to_watch,
    curriculum::content::Module,
    startup::BotSettings,
    storage::{Db, users::Role},
    telegram::{Telegram, callback::MenuItem, keyboards, schema::role_of},
    text::Html,
    tr_html, webinar,
};

/// The module to offer under "Reprendre": the next one, once the merchant has started the curriculum.
async fn resume_module(db: &Db, content: &LiveContent, user: UserId) -> Option<Module> {
    let seen = db.seen_modules(user).await.ok()?;
    if seen.is_empty() {
        return None;
    }
    next_to_watch(&content.index().content().curriculum, &seen).cloned()
}

/// `/start`: the greeting and the menu; staff also see the forwarded questions they could not be told about.
pub async fn start(tg: Telegram, db: Db, content: LiveContent, settings: BotSettings, msg: Message) -> HandlerResult {
    let Some(user) = msg.from.as_ref() else { return Ok(()) };
    let resume = resume_module(&db, &content, user.id).await;
    let text = tr_html!("start-greeting", first_name = user.first_name);
    tg.send(msg.chat.id, text, Some(keyboards::main_menu(resume.as_ref()))).await.checked()?;
    if role_of(user.id, &settings, &db).await >= Role::Trainer {
        super::staff::pending_forwards(&tg, &db, msg.chat.id, user.id).await?;
    }
    Ok(())
}

pub async fn menu(tg: Telegram, db: Db, content: LiveContent, msg: Message) -> HandlerResult {
    let Some(user) = msg.from.as_ref() else { return Ok(()) };
    let resume = resume_module(&db, &content, user.id).await;
    tg.send(msg.chat.id, tr_html!("menu-title"), Some(keyboards::main_menu(resume.as_ref()))).await.checked()?;
    Ok(())
}

pub async fn help(tg: Telegram, msg: Message) -> HandlerResult {
    tg.send(msg.chat.id, tr_html!("help-text"), Some(keyboards::back_to_menu())).await.checked()?;
    Ok(())
}

pub async fn webinars(tg: Telegram, msg: Message, settings: BotSettings, clock: AppClock) -> HandlerResult {
    let keyboard = keyboards::webinars(settings.webinar_url.as_ref());
    tg.send(msg.chat.id, webinars_text(&settings, &clock), Some(keyboard)).await.checked()?;
    Ok(())
}

pub async fn reminders(tg: Telegram, msg: Message) -> HandlerResult {
    tg.send(msg.chat.id, tr_html!("reminders-soon"), Some(keyboards::back_to_menu())).await.checked()?;
    Ok(())
}

/// A press on one of the main menu's buttons: the screen replaces the menu in the same message.
pub async fn menu_item(
    tg: Telegram,
    db: Db,
    content: LiveContent,
    query: CallbackQuery,
    item: MenuItem,
    settings: BotSettings,
    clock: AppClock,
) -> HandlerResult {
    let (text, keyboard) = match item {
        MenuItem::Course => return course::chapters(tg, db, content, query).await,
        MenuItem::Resume => return course::resume(tg, db, content, settings, query).await,
        MenuItem::Home => {
            let resume = resume_module(&db, &content, query.from.id).await;
            (tr_html!("menu-title"), keyboards::main_menu(resume.as_ref()))
        }
        MenuItem::Ask => (tr_html!("ask-prompt"), keyboards::back_to_menu()),
        MenuItem::Webinars => (webinars_text(&settings, &clock), keyboards::webinars(settings.webinar_url.as_ref())),
        MenuItem::Reminders => (tr_html!("reminders-soon"), keyboards::back_to_menu()),
        MenuItem::Help => (tr_html!("help-text"), keyboards::back_to_menu()),
    };
    tg.replace(query, text, keyboard, None).await.checked()?;
    Ok(())
}

fn webinars_text(settings: &BotSettings, clock: &AppClock) -> Html {
    let next = webinar::next_session(clock.now(), &settings.timezone);
    let how_to_join = match settings.webinar_url {
        Some(_) => tr_html!("webinars-join-below"),
        None => tr_html!("webinars-join-later"),
    };
    Html::paragraphs([tr_html!("webinars-text", next_session = webinar::french_date(&next)), how_to_join])
}

/// The chat and message a button was pressed on (the message may be too old for Telegram to send it back).
#[must_use]
pub fn origin(query: &CallbackQuery) -> Option<(ChatId, Option<MessageId>)> {
    match &query.message {
        Some(MaybeInaccessibleMessage::Regular(message)) => Some((message.chat.id, Some(message.id))),
        Some(MaybeInaccessibleMessage::Inaccessible(message)) => Some((message.chat.id, None)),
        None => Some((ChatId::from(query.from.id), None)),
    }
}
