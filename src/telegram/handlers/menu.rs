//! `/start` (with the reminders question the first time), `/aide`, `/webinaires`, the main menu and its simple
//! entries (ask, webinars, reminders).

use teloxide::types::{CallbackQuery, ChatId, MaybeInaccessibleMessage, Message, MessageId, UserId};

use super::{HandlerResult, course, reminders};
use crate::{
    clock::AppClock,
    content::LiveContent,
    course::next_to_watch,
    curriculum::content::Module,
    roles::Role,
    startup::BotSettings,
    storage::Db,
    telegram::{Telegram, callback::MenuItem, keyboards, sender::Sender},
    text::Html,
    tr_html,
    webinar::{self, Schedule},
};

/// How many sessions `/webinaires` lists.
const LISTED_SESSIONS: usize = 5;
/// How long the reminders question may hold up the greeting.
const ASK_PATIENCE: std::time::Duration = std::time::Duration::from_secs(1);

/// The module to offer under "Reprendre": the next one, once the merchant has started the curriculum.
async fn resume_module(db: &Db, content: &LiveContent, user: UserId) -> Option<Module> {
    let seen = db.seen_modules(user).await.ok()?;
    if seen.is_empty() {
        return None;
    }
    next_to_watch(&content.index().content().curriculum, &seen).cloned()
}

/// `/start`: the greeting and the menu; staff also see the forwarded questions they could not be told about.
pub async fn start(tg: Telegram, db: Db, content: LiveContent, sender: Sender, msg: Message) -> HandlerResult {
    let Some(user) = msg.from.as_ref() else { return Ok(()) };
    let resume = resume_module(&db, &content, user.id).await;
    let greeting = tr_html!("start-greeting", first_name = user.first_name);
    // Asked once; a database that does not answer in time leaves the question for another day.
    let ask = tokio::time::timeout(ASK_PATIENCE, db.ask_about_reminders_once(user.id)).await;
    let (text, keyboard) = match ask {
        Ok(Ok(true)) => (
            Html::paragraphs([greeting, tr_html!("start-reminders-question")]),
            keyboards::main_menu_asking_reminders(resume.as_ref()),
        ),
        _ => (greeting, keyboards::main_menu(resume.as_ref())),
    };
    tg.send(msg.chat.id, text, Some(keyboard)).await.checked()?;
    if sender.role(&db).await >= Role::Trainer {
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

pub async fn webinars(tg: Telegram, db: Db, msg: Message, settings: BotSettings, clock: AppClock) -> HandlerResult {
    let (text, keyboard) = webinars_screen(&db, &settings, &clock).await?;
    tg.send(msg.chat.id, text, Some(keyboard)).await.checked()?;
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
        MenuItem::Webinars => webinars_screen(&db, &settings, &clock).await?,
        MenuItem::Reminders => reminders::screen(&db, &settings, query.from.id).await?,
        MenuItem::Help => (tr_html!("help-text"), keyboards::back_to_menu()),
    };
    tg.replace(query, text, keyboard, None).await.checked()?;
    Ok(())
}

/// The next session, how to join it, and the coming sessions with their titles; the join button opens the next
/// session's room.
async fn webinars_screen(db: &Db, settings: &BotSettings, clock: &AppClock) -> anyhow::Result<keyboards::Screen> {
    let now = clock.now();
    let today = now.to_zoned(settings.timezone.clone()).date();
    let changes = db.session_changes(today, today.checked_add(jiff::ToSpan::days(62_i32))?).await?;
    let schedule = Schedule { tz: &settings.timezone, default_url: settings.webinar_url.as_ref(), changes: &changes };
    let sessions = schedule.coming(now, LISTED_SESSIONS);
    let Some(next) = sessions.first() else {
        return Ok((tr_html!("webinars-none"), keyboards::back_to_menu()));
    };
    let join = next.url.as_deref().and_then(|url| url::Url::parse(url).ok());
    let how_to_join = match join {
        Some(_) => tr_html!("webinars-join-below"),
        None => tr_html!("webinars-join-later"),
    };
    let items = sessions.iter().map(|session| {
        let title = session.title.clone().unwrap_or_else(|| crate::tr!("webinar-default-title"));
        tr_html!("webinars-coming-item", when = webinar::french_date(&session.start), title = title)
    });
    let coming = Html::lines(std::iter::once(tr_html!("webinars-coming-title")).chain(items));
    let next_session = webinar::french_date(&next.start);
    let text = Html::paragraphs([tr_html!("webinars-text", next_session = next_session), how_to_join, coming]);
    Ok((text, keyboards::webinars(join.as_ref())))
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
