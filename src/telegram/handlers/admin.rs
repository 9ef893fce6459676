//! Admin commands: re-read the FAQ and curriculum from the database now; an entry's revisions, and restoring one.

use jiff::Timestamp;
use teloxide::types::{CallbackQuery, ChatId, InlineKeyboardMarkup, Message};

use super::HandlerResult;
use crate::{
    content::{ContentUpdateError, LiveContent},
    curriculum::content::ContentErrors,
    french,
    startup::BotSettings,
    storage::Db,
    telegram::{Telegram, callback::CallbackData, keyboards},
    text::{Html, escape},
    tr, tr_html,
};

/// How many content problems a reply lists (the rest are counted).
const PROBLEMS_SHOWN: usize = 10;

pub async fn reload_content(tg: Telegram, content: LiveContent, msg: Message) -> HandlerResult {
    // Re-reads the database now (every process also does it by itself within seconds of a change); the index is
    // built on a blocking thread while the current one keeps answering.
    let reply = match content.reload().await {
        Ok((entries, modules)) => tr_html!("admin-reloaded", entries = entries, modules = modules),
        Err(ContentUpdateError::NotFound) => anyhow::bail!("no content to reload"),
        Err(ContentUpdateError::Unexpected(error)) => return Err(error),
        Err(ContentUpdateError::Invalid(errors)) => {
            problems(tr_html!("admin-reload-failed", count = errors.0.len()), &errors)
        }
    };
    tg.send(msg.chat.id, reply, None).await.checked()?;
    Ok(())
}

/// Revisions listed by `/faq_historique`.
const REVISIONS_SHOWN: i64 = 10;

/// `/faq_historique <id>`: an entry's last revisions (who, when, what), each with a button restoring it.
pub async fn history(tg: Telegram, db: Db, settings: BotSettings, msg: Message, id: String) -> HandlerResult {
    let id = id.trim();
    if id.is_empty() {
        tg.send(msg.chat.id, tr_html!("admin-history-usage"), None).await.checked()?;
        return Ok(());
    }
    let revisions = db.entry_revisions(id, REVISIONS_SHOWN).await?;
    if revisions.is_empty() {
        tg.send(msg.chat.id, tr_html!("admin-history-none", id = id), None).await.checked()?;
        return Ok(());
    }
    let mut lines = Vec::new();
    let mut buttons = Vec::new();
    for (i, revision) in revisions.iter().enumerate() {
        let at = Timestamp::from_second(revision.at)?.to_zoned(settings.timezone.clone());
        let change = match (&revision.before, &revision.after) {
            (None, _) => "created",
            (_, None) => "deleted",
            _ => "changed",
        };
        lines.push(tr_html!(
            "admin-history-line",
            revision = revision.id,
            date = french::day_with_year_and_time(&at),
            author = revision.author.as_str(),
            change = change
        ));
        // The newest revision of an entry that exists is its current text: nothing to restore.
        if i > 0 || revision.after.is_none() {
            let label = tr!("admin-history-restore", revision = revision.id);
            buttons.push(vec![keyboards::button(label, &CallbackData::RestoreRevision { revision: revision.id })]);
        }
    }
    let text =
        Html::paragraphs([tr_html!("admin-history-title", id = id, count = revisions.len()), Html::lines(lines)]);
    tg.send(msg.chat.id, text, Some(InlineKeyboardMarkup::new(buttons))).await.checked()?;
    Ok(())
}

/// The restore button of `/faq_historique`: the entry as it was after that revision (before it, for a
/// deletion), validated like any change, recorded as a new revision.
pub async fn restore(tg: Telegram, content: LiveContent, query: CallbackQuery, revision: i64) -> HandlerResult {
    let author = format!("{} ({})", query.from.first_name, query.from.id);
    let reply = match content.restore(revision, &author).await {
        Ok((id, applied)) => match applied.first_revision {
            Some(new) => tr_html!("admin-restored", id = id, revision = revision, new = new),
            None => tr_html!("admin-restore-unchanged", id = id, revision = revision),
        },
        Err(ContentUpdateError::NotFound) => tr_html!("admin-restore-not-found"),
        Err(ContentUpdateError::Invalid(errors)) => {
            problems(tr_html!("admin-restore-refused", count = errors.0.len()), &errors)
        }
        Err(ContentUpdateError::Unexpected(error)) => return Err(error),
    };
    let chat = query.message.as_ref().map_or(ChatId::from(query.from.id), |message| message.chat().id);
    tg.send(chat, reply, None).await.checked()?;
    tg.answer_callback(query.id, None).await;
    Ok(())
}

/// A heading and the first [`PROBLEMS_SHOWN`] content problems, in French.
pub(crate) fn problems(heading: Html, errors: &ContentErrors) -> Html {
    let lines = errors.0.iter().take(PROBLEMS_SHOWN).map(|e| Html::trusted(format!("• {}", escape(&e.french()))));
    Html::paragraphs([heading, Html::lines(lines)])
}
