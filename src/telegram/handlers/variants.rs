//! *Ajouter comme variante de…* (trainers and admins): from a question group of `/questions` or a forwarded
//! question, the nearest FAQ entries (the matcher's own ranking, [`FaqIndex::nearest`]) are offered as buttons,
//! with *Chercher* to find another entry by typing words (same ranking); choosing one adds the question's text to
//! that entry's variants through [`LiveContent::save_entry`], which validates the content, records a revision with
//! the trainer as author and puts the new index in force at once.

use teloxide::types::{CallbackQuery, ChatId, InlineKeyboardMarkup, Message};

use super::{HandlerResult, admin::problems, inbox::stored, menu::origin};
use crate::{
    content::{ContentUpdateError, LiveContent},
    faq::{index::FaqIndex, normalize::fold_words},
    storage::{Db, DbError, questions::QuestionRecord},
    telegram::{
        Telegram,
        callback::CallbackData,
        dialogue::{ReplyDialogue, ReplyState},
        keyboards,
    },
    text::{Html, shortened},
    tr, tr_html,
};

/// Best guesses offered under a question.
const GUESSES: usize = 3;
/// Entries a search offers.
const FOUND: usize = 5;
/// Longest entry question on a button.
const LABEL_CHARS: usize = 60;

/// The question a button is about; `None` when it no longer exists (erased, purged).
async fn question(db: &Db, question_id: i64) -> anyhow::Result<Option<QuestionRecord>> {
    match db.question(question_id).await {
        Ok(question) => Ok(Some(question)),
        Err(DbError::NotFound) => Ok(None),
        Err(DbError::Other(error)) => Err(error),
    }
}

fn chat_of(query: &CallbackQuery) -> ChatId {
    origin(query).map_or(ChatId::from(query.from.id), |(chat, _)| chat)
}

/// *Ajouter comme variante de…*: the question, its nearest entries as buttons, and *Chercher*.
pub async fn choose(
    tg: Telegram,
    db: Db,
    content: LiveContent,
    query: CallbackQuery,
    question_id: i64,
) -> HandlerResult {
    let Some(question) = question(&db, question_id).await? else {
        return super::fallback::expired_button(tg, query).await;
    };
    let index = content.index();
    let (ranking, text) = (index.clone(), question.text.clone());
    let nearest = tokio::task::spawn_blocking(move || ranking.nearest(&text, GUESSES)).await?;
    let heading = if nearest.is_empty() {
        tr_html!("variant-no-guess", question = question.text.as_str())
    } else {
        tr_html!("variant-choose", question = question.text.as_str())
    };
    tg.send(chat_of(&query), heading, Some(entry_keyboard(&index, question_id, &nearest))).await.checked()?;
    tg.answer_callback(query.id, None).await;
    Ok(())
}

/// *Chercher*: the trainer's next message is a search.
pub async fn start_search(
    tg: Telegram,
    db: Db,
    dialogue: ReplyDialogue,
    query: CallbackQuery,
    question_id: i64,
) -> HandlerResult {
    if question(&db, question_id).await?.is_none() {
        return super::fallback::expired_button(tg, query).await;
    }
    stored(dialogue.update(ReplyState::SearchingEntry { question_id }).await)?;
    tg.send(chat_of(&query), tr_html!("variant-search-ask"), None).await.checked()?;
    tg.answer_callback(query.id, None).await;
    Ok(())
}

/// The words of a search: the entries the matcher ranks first for them, as buttons (and *Chercher* again).
pub async fn receive_search(
    tg: Telegram,
    content: LiveContent,
    dialogue: ReplyDialogue,
    question_id: i64,
    msg: Message,
) -> HandlerResult {
    let Some(words) = msg.text().map(str::trim).filter(|text| !text.is_empty()).map(str::to_owned) else {
        tg.send(msg.chat.id, tr_html!("variant-search-ask"), None).await.checked()?;
        return Ok(());
    };
    stored(dialogue.exit().await)?;
    let index = content.index();
    // An entry id typed as such comes first.
    let mut found: Vec<String> = index.entry(&words).map(|entry| vec![entry.id.clone()]).unwrap_or_default();
    let ranking = index.clone();
    let ranked = tokio::task::spawn_blocking(move || ranking.nearest(&words, FOUND)).await?;
    for id in ranked {
        if !found.contains(&id) {
            found.push(id);
        }
    }
    found.truncate(FOUND);
    let heading = if found.is_empty() { tr_html!("variant-search-none") } else { tr_html!("variant-search-found") };
    tg.send(msg.chat.id, heading, Some(entry_keyboard(&index, question_id, &found))).await.checked()
}

/// One button per entry (its question), then *Chercher*.
fn entry_keyboard(index: &FaqIndex, question_id: i64, ids: &[String]) -> InlineKeyboardMarkup {
    let mut rows: Vec<_> = ids
        .iter()
        .filter_map(|id| index.entry(id))
        .map(|entry| {
            let data = CallbackData::AddVariant { question_id, faq_id: entry.id.clone() };
            vec![keyboards::button(shortened(&entry.question, LABEL_CHARS), &data)]
        })
        .collect();
    rows.push(vec![keyboards::button(tr!("variant-search"), &CallbackData::VariantSearch { question_id })]);
    InlineKeyboardMarkup::new(rows)
}

/// An entry chosen: the question becomes one of its variants (a revision by this trainer), or the problems are
/// shown and nothing changes.
pub async fn add(
    tg: Telegram,
    db: Db,
    content: LiveContent,
    query: CallbackQuery,
    (question_id, faq_id): (i64, String),
) -> HandlerResult {
    let index = content.index();
    let (Some(question), Some(entry)) = (question(&db, question_id).await?, index.entry(&faq_id)) else {
        return super::fallback::expired_button(tg, query).await;
    };
    let variant = question.text.trim().to_owned();
    let folded = fold_words(&variant);
    let reply = if std::iter::once(&entry.question).chain(&entry.variants).any(|known| fold_words(known) == folded) {
        tr_html!("variant-already", entry = entry.question.as_str())
    } else {
        let mut changed = entry.clone();
        changed.variants.push(variant);
        let author = format!("{} ({})", query.from.first_name, query.from.id);
        match content.save_entry(&changed, &author).await {
            Ok(applied) => tr_html!(
                "variant-added",
                entry = entry.question.as_str(),
                revision = applied.first_revision.unwrap_or_default()
            ),
            Err(ContentUpdateError::Invalid(errors)) => {
                problems(tr_html!("variant-refused", count = errors.0.len()), &errors)
            }
            Err(ContentUpdateError::NotFound) => tr_html!("variant-gone"),
            Err(ContentUpdateError::Unexpected(error)) => return Err(error),
        }
    };
    send_and_answer(&tg, query, reply).await
}

async fn send_and_answer(tg: &Telegram, query: CallbackQuery, text: Html) -> HandlerResult {
    tg.send(chat_of(&query), text, None).await.checked()?;
    tg.answer_callback(query.id, None).await;
    Ok(())
}
