//! Any text that is not a command is a question: match it, record it, and reply with an answer, suggestions,
//! an honest "je ne sais pas", or a friendly word for small talk. Also the buttons those replies carry:
//! a suggestion, 👍 / 👎, and "pass my question to a trainer".

use std::time::Duration;

use teloxide::types::{
    CallbackQuery, ChatId, InlineKeyboardMarkup, MaybeInaccessibleMessage, Message, MessageId, User, UserId,
};

use super::HandlerResult;
use crate::{
    clock::AppClock,
    content::LiveContent,
    faq::{
        lexicon::SmalltalkKind,
        matcher::{Match, Outcome},
    },
    observe, roles,
    startup::BotSettings,
    storage::{
        Db, DbError,
        deliveries::{DeliveryKind, Payload},
        questions::NewQuestion,
    },
    telegram::{Telegram, keyboards},
    text::Html,
    tr, tr_html,
};

/// Longest question text kept in the database (Telegram allows 4,096 characters).
const STORED_CHARS: usize = 1000;

/// How long recording a question may hold up its answer: past this, the merchant gets the answer without the
/// buttons that need the record (👍 / 👎, "transmettre"), rather than no answer.
const RECORD_PATIENCE: Duration = Duration::from_secs(2);

pub async fn question(
    tg: Telegram,
    db: Db,
    content: LiveContent,
    settings: BotSettings,
    clock: AppClock,
    msg: Message,
    text: String,
) -> HandlerResult {
    let Some(user) = msg.from.as_ref() else { return Ok(()) };
    let index = content.index();
    // Matching is CPU work: off the async workers, so no message can delay the others.
    let found = {
        let (index, text) = (index.clone(), text.clone());
        tokio::task::spawn_blocking(move || {
            let started = std::time::Instant::now();
            let found = index.ask(&text);
            observe::matched(found.outcome.kind(), started.elapsed());
            found
        })
        .await?
    };
    let question_id =
        match tokio::time::timeout(RECORD_PATIENCE, record(&db, user.id, &text, &found, clock.unix())).await {
            Ok(Ok(id)) => Some(id),
            Ok(Err(error)) => {
                tracing::error!(error = ?error, "cannot record a question; answering without its buttons");
                None
            }
            Err(_) => {
                tracing::error!("recording a question timed out; answering without its buttons");
                None
            }
        };
    let (reply, keyboard) = match &found.outcome {
        Outcome::Answer(candidate) => match index.entry(&candidate.id) {
            Some(_) => keyboards::answer_card(&index, question_id, &candidate.id, None),
            None => keyboards::fallback(question_id, index.looks_on_topic(&text)),
        },
        Outcome::Suggest(candidates) => keyboards::suggestions(&index, question_id, candidates),
        Outcome::Fallback => keyboards::fallback(question_id, index.looks_on_topic(&text)),
        Outcome::Empty => (tr_html!("question-empty"), keyboards::main_menu(None)),
        Outcome::Smalltalk(kind) => {
            // Small talk is answered even when the database cannot say whether it is the first of the day.
            let first_today = first_smalltalk_today(&db, &settings, &clock, user.id).await.unwrap_or_else(|error| {
                tracing::warn!(error = ?error, "cannot count today's small talk; showing the menu");
                true
            });
            let (reply, with_menu) = smalltalk(*kind, first_today);
            return tg.send(msg.chat.id, reply, with_menu.then(|| keyboards::main_menu(None))).await.checked();
        }
    };
    tg.send(msg.chat.id, reply, Some(keyboard)).await.checked()
}

/// Whether the small talk just recorded is the user's first today (programme time zone).
async fn first_smalltalk_today(
    db: &Db,
    settings: &BotSettings,
    clock: &AppClock,
    user: UserId,
) -> anyhow::Result<bool> {
    let midnight = clock.now().to_zoned(settings.timezone.clone()).start_of_day()?.timestamp().as_second();
    Ok(db.count_outcome_since(user, "smalltalk", midnight).await? <= 1)
}

async fn record(db: &Db, user: UserId, text: &str, found: &Match, now: i64) -> anyhow::Result<i64> {
    let stored: String = text.chars().take(STORED_CHARS).collect();
    let question = NewQuestion {
        user_id: user,
        text: &stored,
        outcome: found.outcome.kind(),
        faq_id: found.best.as_ref().map(|best| best.id.as_str()),
        score: found.best.as_ref().map(|best| f64::from(best.score)),
        now,
    };
    Ok(db.record_question(question).await?)
}

/// Whether `question_id` is one of the user's recorded questions; `Ok(false)` for a stale or forged id (and for
/// the id 0 of a question that could not be recorded), an error when the database cannot tell.
async fn owns_question(db: &Db, question_id: i64, user: UserId) -> anyhow::Result<bool> {
    match db.question_of(question_id, user).await {
        Ok(_) => Ok(true),
        Err(DbError::NotFound) => Ok(false),
        Err(DbError::Other(error)) => Err(error),
    }
}

/// A one-line reply to small talk, and whether the menu goes with it: only with the first greeting of the day
/// (the menu stays one `/start` away the rest of the time).
fn smalltalk(kind: SmalltalkKind, first_today: bool) -> (Html, bool) {
    match kind {
        SmalltalkKind::Greeting if first_today => (tr_html!("smalltalk-greeting"), true),
        SmalltalkKind::Greeting => (tr_html!("smalltalk-greeting-again"), false),
        SmalltalkKind::Thanks => (tr_html!("smalltalk-thanks"), false),
        SmalltalkKind::Acknowledgement => (tr_html!("smalltalk-ok"), false),
        SmalltalkKind::Goodbye => (tr_html!("smalltalk-goodbye"), false),
        SmalltalkKind::Laughter => (tr_html!("smalltalk-laughter"), false),
        SmalltalkKind::AboutBot => (tr_html!("smalltalk-about-bot"), false),
        SmalltalkKind::HowAreYou => (tr_html!("smalltalk-how-are-you"), false),
    }
}

/// A suggestion was chosen: the suggestion message becomes that answer.
pub async fn suggestion(
    tg: Telegram,
    db: Db,
    content: LiveContent,
    query: CallbackQuery,
    (question_id, faq_id): (i64, String),
) -> HandlerResult {
    let index = content.index();
    // A suggestion shown for a question that could not be recorded carries the id 0: its answer is still shown.
    let recorded = question_id != 0 && owns_question(&db, question_id, query.from.id).await?;
    if (question_id != 0 && !recorded) || index.entry(&faq_id).is_none() {
        return super::fallback::expired_button(tg, query).await;
    }
    let (text, keyboard) = keyboards::answer_card(&index, recorded.then_some(question_id), &faq_id, None);
    tg.replace(query, text, keyboard, None).await.checked()?;
    Ok(())
}

/// 👍 / 👎: recorded (a second press changes the vote), and the card says thank you.
pub async fn feedback(
    tg: Telegram,
    db: Db,
    content: LiveContent,
    clock: AppClock,
    query: CallbackQuery,
    (question_id, faq_id, helpful): (i64, String, bool),
) -> HandlerResult {
    let index = content.index();
    if !owns_question(&db, question_id, query.from.id).await? || index.entry(&faq_id).is_none() {
        return super::fallback::expired_button(tg, query).await;
    }
    db.record_feedback(question_id, query.from.id, &faq_id, helpful, clock.unix()).await?;
    let (text, keyboard) = keyboards::answer_card(&index, Some(question_id), &faq_id, Some(helpful));
    tg.replace(query, text, keyboard, Some(tr!("feedback-thanks"))).await.checked()?;
    Ok(())
}

/// "Transmettre à un formateur": flag the question and tell the trainers, once. The answer (or suggestions) stays
/// on screen without the forward button; a short new message says what happens next.
pub async fn forward(tg: Telegram, db: Db, clock: AppClock, query: CallbackQuery, question_id: i64) -> HandlerResult {
    let question = match db.question_of(question_id, query.from.id).await {
        Ok(question) => question,
        Err(DbError::NotFound) => return super::fallback::expired_button(tg, query).await,
        Err(DbError::Other(error)) => return Err(error),
    };
    let reached = notify_trainers(&db, &clock, &query.from, question_id, &question.text).await?;
    if let Some((chat, message, keyboard)) = pressed_keyboard(&query) {
        // A second press (a double tap, a re-delivered update) finds the button already gone: nothing to edit.
        let kept = keyboards::without_forward(keyboard);
        if &kept != keyboard {
            tg.edit_keyboard(chat, message, kept).await.checked()?;
        }
    }
    if let Some((chat, _)) = super::menu::origin(&query) {
        tg.send(chat, forward_confirmation(reached), None).await.checked()?;
    }
    tg.answer_callback(query.id, Some(tr!("forward-done-short"))).await;
    Ok(())
}

/// The chat, message and keyboard a button was pressed on, when Telegram sent them.
fn pressed_keyboard(query: &CallbackQuery) -> Option<(ChatId, MessageId, &InlineKeyboardMarkup)> {
    match &query.message {
        Some(MaybeInaccessibleMessage::Regular(message)) => {
            Some((message.chat.id, message.id, message.reply_markup()?))
        }
        _ => None,
    }
}

/// What the merchant is told once their question is passed on: honest about whether a trainer has it now.
fn forward_confirmation(reached: bool) -> Html {
    if reached { tr_html!("forward-done") } else { tr_html!("forward-done-later") }
}

/// `/formateur <message>`: straight to the trainers, recorded like a forwarded question.
pub async fn to_trainer(tg: Telegram, db: Db, clock: AppClock, msg: Message, text: String) -> HandlerResult {
    let Some(user) = msg.from.as_ref() else { return Ok(()) };
    if text.trim().is_empty() {
        tg.send(msg.chat.id, tr_html!("trainer-how"), None).await.checked()?;
        return Ok(());
    }
    let stored: String = text.trim().chars().take(STORED_CHARS).collect();
    let question = NewQuestion {
        user_id: user.id,
        text: &stored,
        outcome: "trainer",
        faq_id: None,
        score: None,
        now: clock.unix(),
    };
    let question_id = db.record_question(question).await?;
    let reached = notify_trainers(&db, &clock, user, question_id, &stored).await?;
    tg.send(msg.chat.id, forward_confirmation(reached), None).await.checked()?;
    Ok(())
}

/// Marks the question as forwarded and, the first time only, queues it for every trainer and admin who can
/// receive it (they opened the bot and did not block it), in one transaction; the delivery worker sends it.
/// All of them also find it in `/sans_reponse`, and staff who had never opened the bot see it on their first
/// `/start`. Returns whether at least one reachable trainer exists and the note was queued for them (a question
/// forwarded before counts as queued).
async fn notify_trainers(db: &Db, clock: &AppClock, from: &User, question_id: i64, text: &str) -> anyhow::Result<bool> {
    // Every trainer and admin in the database, now. Telegram refuses messages to people who never opened the
    // bot; skip them and those who blocked it.
    let recipients: Vec<ChatId> = roles::reachable_staff(db).await?.into_iter().map(ChatId::from).collect();
    let now = clock.unix();
    let mut tx = db.begin().await?;
    if !tx.forward_question(question_id, from.id, now).await? {
        tx.commit().await?;
        return Ok(true);
    }
    let note = tr_html!("forward-to-trainer", first_name = from.first_name, question = text);
    let payload = tx.insert_payload(&Payload { text: note.into_string(), button: None }, now).await?;
    let reached = !recipients.is_empty();
    for chat in recipients {
        tx.enqueue(DeliveryKind::TrainerNote, &question_id.to_string(), chat.0, payload, now, now).await?;
    }
    tx.commit().await?;
    Ok(reached)
}
