//! Browsing the curriculum: chapters, a chapter's modules (paged), module cards, "marquer comme vu", progress.
//! Navigation edits the message the button was pressed on; every press is answered, after the edit.

use std::collections::HashSet;

use teloxide::types::{CallbackQuery, Message, UserId};

use super::{HandlerResult, fallback::expired_button, menu::origin};
use crate::{
    clock::AppClock,
    content::LiveContent,
    course,
    curriculum::content::Curriculum,
    startup::BotSettings,
    storage::Db,
    telegram::{
        Telegram,
        keyboards::{self, Screen},
    },
    tr, tr_html, webinar,
};

async fn seen(db: &Db, user: UserId) -> anyhow::Result<HashSet<String>> {
    Ok(db.seen_modules(user).await?)
}

/// The card of module `module_id` as `user` sees it, or `None` when no such module exists (a stale button).
async fn module_card(
    db: &Db,
    content: &LiveContent,
    settings: &BotSettings,
    user: UserId,
    module_id: &str,
) -> anyhow::Result<Option<Screen>> {
    let index = content.index();
    let curriculum = &index.content().curriculum;
    let Some(module) = curriculum.module(module_id) else { return Ok(None) };
    Ok(Some(keyboards::module_screen(curriculum, module, &seen(db, user).await?, &settings.course_url)))
}

/// `/parcours`: the chapters with progress, as a new message.
pub async fn course_command(tg: Telegram, db: Db, content: LiveContent, msg: Message) -> HandlerResult {
    let Some(user) = msg.from.as_ref() else { return Ok(()) };
    let index = content.index();
    let (text, keyboard) = keyboards::chapters_screen(&index.content().curriculum, &seen(&db, user.id).await?);
    tg.send(msg.chat.id, text, Some(keyboard)).await.checked()?;
    Ok(())
}

/// `/progression`: progress per chapter and the next module, as a new message.
pub async fn progress_command(tg: Telegram, db: Db, content: LiveContent, msg: Message) -> HandlerResult {
    let Some(user) = msg.from.as_ref() else { return Ok(()) };
    let index = content.index();
    let (text, keyboard) = keyboards::progress_screen(&index.content().curriculum, &seen(&db, user.id).await?);
    tg.send(msg.chat.id, text, Some(keyboard)).await.checked()?;
    Ok(())
}

/// Shows `screen` in place of the pressed message, then answers the press.
async fn show_in_place(
    tg: &Telegram,
    query: CallbackQuery,
    screen: Screen,
    notification: Option<String>,
) -> HandlerResult {
    tg.replace(query, screen.0, screen.1, notification).await.checked()
}

/// A module opened from an FAQ answer: a new message, so the answer stays readable above it.
pub async fn open_module(
    tg: Telegram,
    db: Db,
    content: LiveContent,
    settings: BotSettings,
    query: CallbackQuery,
    module_id: String,
) -> HandlerResult {
    let Some((text, keyboard)) = module_card(&db, &content, &settings, query.from.id, &module_id).await? else {
        return expired_button(tg, query).await;
    };
    if let Some((chat, _)) = origin(&query) {
        tg.send(chat, text, Some(keyboard)).await.checked()?;
    }
    tg.answer_callback(query.id, None).await;
    Ok(())
}

/// Shows a screen built from the curriculum and the presser's progress in place of the pressed message.
async fn show_progress_screen(
    tg: Telegram,
    db: Db,
    content: LiveContent,
    query: CallbackQuery,
    build: fn(&Curriculum, &HashSet<String>) -> Screen,
) -> HandlerResult {
    let index = content.index();
    let screen = build(&index.content().curriculum, &seen(&db, query.from.id).await?);
    show_in_place(&tg, query, screen, None).await?;
    Ok(())
}

pub async fn chapters(tg: Telegram, db: Db, content: LiveContent, query: CallbackQuery) -> HandlerResult {
    show_progress_screen(tg, db, content, query, keyboards::chapters_screen).await
}

pub async fn chapter(
    tg: Telegram,
    db: Db,
    content: LiveContent,
    query: CallbackQuery,
    (chapter_id, page): (String, u8),
) -> HandlerResult {
    let index = content.index();
    let seen = seen(&db, query.from.id).await?;
    match keyboards::chapter_screen(&index.content().curriculum, &chapter_id, usize::from(page), &seen) {
        Some(screen) => show_in_place(&tg, query, screen, None).await?,
        None => expired_button(tg, query).await?,
    }
    Ok(())
}

pub async fn module(
    tg: Telegram,
    db: Db,
    content: LiveContent,
    settings: BotSettings,
    query: CallbackQuery,
    module_id: String,
) -> HandlerResult {
    match module_card(&db, &content, &settings, query.from.id, &module_id).await? {
        Some(screen) => show_in_place(&tg, query, screen, None).await?,
        None => expired_button(tg, query).await?,
    }
    Ok(())
}

/// "✅ Marquer comme vu": persisted, the card updates; finishing the last module sends the attestation.
pub async fn mark_seen(
    tg: Telegram,
    db: Db,
    content: LiveContent,
    settings: BotSettings,
    clock: AppClock,
    query: CallbackQuery,
    module_id: String,
) -> HandlerResult {
    let index = content.index();
    let curriculum = &index.content().curriculum;
    let Some(module) = curriculum.module(&module_id) else { return expired_button(tg, query).await };
    let user = query.from.clone();
    let newly = db.mark_module_seen(user.id, &module.id, clock.unix()).await?;
    let seen = seen(&db, user.id).await?;
    let screen = keyboards::module_screen(curriculum, module, &seen, &settings.course_url);
    let notification = if newly { tr!("module-marked") } else { tr!("module-was-seen") };
    let chat = origin(&query).map(|(chat, _)| chat);
    show_in_place(&tg, query, screen, Some(notification)).await?;
    if newly
        && course::is_finished(curriculum, &seen)
        && let Some(chat) = chat
    {
        let date = webinar::french_day(clock.now().to_zoned(settings.timezone.clone()).date());
        let text =
            tr_html!("course-finished", first_name = user.first_name, modules = curriculum.modules.len(), date = date);
        tg.send(chat, text, Some(keyboards::main_menu(None))).await.checked()?;
    }
    Ok(())
}

pub async fn progress(tg: Telegram, db: Db, content: LiveContent, query: CallbackQuery) -> HandlerResult {
    show_progress_screen(tg, db, content, query, keyboards::progress_screen).await
}

/// "Reprendre": the next module to watch, or the chapters once everything is seen.
pub async fn resume(
    tg: Telegram,
    db: Db,
    content: LiveContent,
    settings: BotSettings,
    query: CallbackQuery,
) -> HandlerResult {
    let index = content.index();
    let curriculum = &index.content().curriculum;
    let seen = seen(&db, query.from.id).await?;
    let screen = match course::next_to_watch(curriculum, &seen) {
        Some(next) => keyboards::module_screen(curriculum, next, &seen, &settings.course_url),
        None => keyboards::chapters_screen(curriculum, &seen),
    };
    show_in_place(&tg, query, screen, None).await?;
    Ok(())
}
