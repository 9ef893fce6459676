//! The trainers' loop: `/questions` (recent questions the bot could not answer, grouped, paginated), *Répondre*
//! (a trainer writes the answer; the merchant receives it through the delivery queue, their question quoted), and
//! the merchant's one follow-up to that answer, passed to the same trainer. Writing a reply and writing a follow-up
//! are dialogue states ([`ReplyState`]), kept in the database.

use teloxide::types::{CallbackQuery, ChatId, InlineKeyboardMarkup, Message};

use super::{HandlerResult, menu::origin};
use crate::{
    clock::AppClock,
    content::LiveContent,
    inbox::{self, QuestionGroup},
    storage::{
        Db, DbError,
        deliveries::Payload,
        replies::{NewFollowUp, NewReply},
    },
    telegram::{
        Telegram,
        callback::{CallbackData, FaqAction},
        dialogue::{ReplyDialogue, ReplyState},
        keyboards,
    },
    text::Html,
    tr, tr_html,
};

/// Groups per page of `/questions`.
pub const PAGE_SIZE: usize = 5;
/// How far back `/questions` looks.
const WINDOW_SECONDS: i64 = 30 * 24 * 3600;
/// The most questions `/questions` groups.
const LOADED: i64 = 500;
/// Longest question text a group shows.
const SHOWN_CHARS: usize = 200;
/// Longest reply or follow-up kept (Telegram allows 4,096 characters; the quote takes some).
const STORED_CHARS: usize = 3000;

/// Dialogue storage errors are boxed trait objects; anyhow takes them through their message.
pub(crate) fn stored<T>(result: Result<T, Box<dyn std::error::Error + Send + Sync>>) -> anyhow::Result<T> {
    result.map_err(|error| anyhow::anyhow!(error))
}

/// `/questions` (and `/sans_reponse`): the first page.
pub async fn questions(tg: Telegram, db: Db, content: LiveContent, clock: AppClock, msg: Message) -> HandlerResult {
    let admin = is_admin(&db, msg.from.as_ref().map(|user| user.id)).await;
    let (text, keyboard) = page(&db, &content, &clock, 0, admin).await?;
    let keyboard = (!keyboard.inline_keyboard.is_empty()).then_some(keyboard);
    tg.send(msg.chat.id, text, keyboard).await.checked()
}

/// ◀️ / ▶️ under `/questions`: the page replaces the previous one.
pub async fn questions_page(
    tg: Telegram,
    db: Db,
    content: LiveContent,
    clock: AppClock,
    query: CallbackQuery,
    page_number: u8,
) -> HandlerResult {
    let admin = is_admin(&db, Some(query.from.id)).await;
    let (text, keyboard) = page(&db, &content, &clock, usize::from(page_number), admin).await?;
    tg.replace(query, text, keyboard, None).await.checked()
}

async fn page(
    db: &Db,
    content: &LiveContent,
    clock: &AppClock,
    page: usize,
    admin: bool,
) -> anyhow::Result<(Html, InlineKeyboardMarkup)> {
    let questions = db.unanswered_questions(clock.unix() - WINDOW_SECONDS, LOADED).await?;
    let groups = tokio::task::spawn_blocking(move || inbox::group(&questions)).await?;
    if groups.is_empty() {
        return Ok((tr_html!("inbox-empty"), InlineKeyboardMarkup::default()));
    }
    let pages = groups.len().div_ceil(PAGE_SIZE);
    let page = page.min(pages - 1);
    let index = content.index();
    let first = page * PAGE_SIZE;
    let shown = &groups[first..(first + PAGE_SIZE).min(groups.len())];
    let mut parts = vec![tr_html!("inbox-title", groups = groups.len(), page = page + 1, pages = pages)];
    let mut rows = Vec::new();
    for (number, group) in (first + 1..).zip(shown) {
        let guess = group.best_guess.as_deref().and_then(|id| index.entry(id)).map(|entry| entry.question.clone());
        parts.push(group_card(number, group, guess));
        if let Some(question_id) = group.waiting {
            rows.push(vec![keyboards::button(
                tr!("inbox-reply", number = number),
                &CallbackData::Reply { question_id },
            )]);
        }
        if let Some(&question_id) = group.ids.first() {
            let label = tr!("inbox-variant", number = number);
            rows.push(vec![keyboards::button(label, &CallbackData::VariantOf { question_id })]);
        }
        // Admins turn the question into a new FAQ entry (the editor's creation dialogue, prefilled).
        if admin && let Some(&question_id) = group.ids.first() {
            let data = CallbackData::Faq(FaqAction::FromQuestion { question_id });
            rows.push(vec![keyboards::button(tr!("inbox-new-entry", number = number), &data)]);
        }
    }
    let mut navigation = Vec::new();
    if page > 0 {
        navigation
            .push(keyboards::button(tr!("inbox-previous"), &CallbackData::Questions { page: page_byte(page - 1) }));
    }
    if page + 1 < pages {
        navigation.push(keyboards::button(tr!("inbox-next"), &CallbackData::Questions { page: page_byte(page + 1) }));
    }
    if !navigation.is_empty() {
        rows.push(navigation);
    }
    Ok((Html::paragraphs(parts), InlineKeyboardMarkup::new(rows)))
}

/// Whether `user` is an admin now (the FAQ editor's buttons are theirs only).
async fn is_admin(db: &Db, user: Option<teloxide::types::UserId>) -> bool {
    match user {
        Some(user) => crate::roles::role_of(db, user).await >= crate::roles::Role::Admin,
        None => false,
    }
}

fn page_byte(page: usize) -> u8 {
    u8::try_from(page).unwrap_or(99).min(99)
}

/// One group: the newest wording, how often it was asked, how many still wait, the best guess.
fn group_card(number: usize, group: &QuestionGroup, guess: Option<String>) -> Html {
    let waiting = group.count() - group.answered;
    let head = tr_html!(
        "inbox-group",
        number = number,
        question = shortened(&group.text),
        count = group.count(),
        waiting = waiting,
        forwarded = group.forwarded
    );
    let guess = match guess {
        Some(question) => tr_html!("inbox-guess", question = question),
        None => tr_html!("inbox-no-guess"),
    };
    Html::lines([head, guess])
}

/// A question as a group shows it: at most [`SHOWN_CHARS`] characters.
fn shortened(text: &str) -> String {
    crate::text::shortened(text, SHOWN_CHARS)
}

/// *Répondre*: the trainer is asked for the answer; the question is shown again so they know what they answer.
pub async fn start_reply(
    tg: Telegram,
    db: Db,
    dialogue: ReplyDialogue,
    query: CallbackQuery,
    question_id: i64,
) -> HandlerResult {
    let question = match db.question(question_id).await {
        Ok(question) => question,
        Err(DbError::NotFound) => return super::fallback::expired_button(tg, query).await,
        Err(DbError::Other(error)) => return Err(error),
    };
    let first_name = db.user(teloxide::types::UserId(question.user_id as u64)).await?.first_name;
    stored(dialogue.update(ReplyState::Writing { question_id }).await)?;
    if let Some((chat, _)) = origin(&query) {
        let text = tr_html!("reply-ask", first_name = first_name, question = question.text);
        tg.send(chat, text, None).await.checked()?;
    }
    tg.answer_callback(query.id, None).await;
    Ok(())
}

/// The trainer's answer: recorded, the question marked answered, and queued for the merchant.
pub async fn receive_reply(
    tg: Telegram,
    db: Db,
    clock: AppClock,
    dialogue: ReplyDialogue,
    question_id: i64,
    msg: Message,
) -> HandlerResult {
    let (Some(trainer), Some(text)) = (msg.from.as_ref(), typed_text(&msg)) else {
        tg.send(msg.chat.id, tr_html!("reply-text-only"), None).await.checked()?;
        return Ok(());
    };
    let question = db.question(question_id).await?;
    let merchant = db.user(teloxide::types::UserId(question.user_id as u64)).await?;
    let body = tr_html!(
        "reply-to-merchant",
        trainer = trainer.first_name.as_str(),
        question = question.text,
        answer = text.as_str()
    );
    let payload = Payload { text: body.into_string(), button: None };
    let reply = NewReply {
        question_id,
        trainer: trainer.id,
        trainer_name: &trainer.first_name,
        text: &text,
        payload: &payload,
        now: clock.unix(),
    };
    db.record_reply(reply).await?;
    stored(dialogue.exit().await)?;
    tg.send(msg.chat.id, tr_html!("reply-sent", first_name = merchant.first_name), None).await.checked()
}

/// *Répondre* under a trainer's answer: the merchant may write back once.
pub async fn start_followup(
    tg: Telegram,
    db: Db,
    dialogue: ReplyDialogue,
    query: CallbackQuery,
    reply_id: i64,
) -> HandlerResult {
    let reply = match db.reply_to(reply_id, query.from.id).await {
        Ok(reply) => reply,
        Err(DbError::NotFound) => return super::fallback::expired_button(tg, query).await,
        Err(DbError::Other(error)) => return Err(error),
    };
    let chat = ChatId::from(query.from.id);
    let text = match (&reply.trainer_name, reply.followup_at) {
        (Some(trainer), None) if reply.trainer_id.is_some() => {
            stored(dialogue.update(ReplyState::FollowingUp { reply_id }).await)?;
            tr_html!("followup-ask", trainer = trainer.as_str())
        }
        _ => tr_html!("followup-used"),
    };
    tg.send(chat, text, None).await.checked()?;
    tg.answer_callback(query.id, None).await;
    Ok(())
}

/// The merchant's follow-up: recorded as a question and passed to the trainer who answered.
pub async fn receive_followup(
    tg: Telegram,
    db: Db,
    clock: AppClock,
    dialogue: ReplyDialogue,
    reply_id: i64,
    msg: Message,
) -> HandlerResult {
    let (Some(merchant), Some(text)) = (msg.from.as_ref(), typed_text(&msg)) else {
        tg.send(msg.chat.id, tr_html!("reply-text-only"), None).await.checked()?;
        return Ok(());
    };
    let note = tr_html!("followup-to-trainer", first_name = merchant.first_name.as_str(), message = text.as_str());
    let note = Payload { text: note.into_string(), button: None };
    let followup = NewFollowUp { reply_id, merchant: merchant.id, text: &text, note: &note, now: clock.unix() };
    let recorded = db.record_followup(followup).await?;
    stored(dialogue.exit().await)?;
    let confirmation = if recorded.is_some() { tr_html!("followup-sent") } else { tr_html!("followup-used") };
    tg.send(msg.chat.id, confirmation, None).await.checked()
}

/// The text of a reply or follow-up, trimmed and at most [`STORED_CHARS`] long; `None` for anything else.
fn typed_text(msg: &Message) -> Option<String> {
    let text = msg.text().map(str::trim).filter(|text| !text.is_empty())?;
    Some(text.chars().take(STORED_CHARS).collect())
}

/// `/annuler` while writing a reply or a follow-up.
pub async fn abort(tg: Telegram, dialogue: ReplyDialogue, msg: Message) -> HandlerResult {
    stored(dialogue.exit().await)?;
    tg.send(msg.chat.id, tr_html!("reply-aborted"), None).await.checked()
}
