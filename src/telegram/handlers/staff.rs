//! Commands for trainers and admins: statistics and the questions the bot could not answer.

use teloxide::types::Message;

use super::HandlerResult;
use crate::{
    storage::Db,
    telegram::Telegram,
    text::{Html, escape},
    tr_html,
};

/// How many unanswered questions `/sans_reponse` lists.
const UNANSWERED_SHOWN: i64 = 15;

pub async fn stats(tg: Telegram, db: Db, msg: Message) -> HandlerResult {
    let (users, reachable) = db.count_users().await?;
    let q = db.question_stats().await?;
    let text = tr_html!(
        "staff-stats",
        users = users,
        reachable = reachable,
        answered = q.answer,
        suggested = q.suggest,
        unanswered = q.fallback,
        smalltalk = q.smalltalk,
        forwarded = q.forwarded,
        helpful = q.helpful,
        not_helpful = q.not_helpful
    );
    tg.send(msg.chat.id, text, None).await.checked()?;
    Ok(())
}

pub async fn unanswered(tg: Telegram, db: Db, msg: Message) -> HandlerResult {
    let questions = db.unanswered_questions(UNANSWERED_SHOWN).await?;
    if questions.is_empty() {
        tg.send(msg.chat.id, tr_html!("staff-unanswered-none"), None).await.checked()?;
        return Ok(());
    }
    let lines = questions.iter().map(|q| {
        let forwarded = if q.forwarded_at.is_some() { "📨 " } else { "" };
        Html::trusted(format!("• {forwarded}<i>{}</i>", escape(&q.text)))
    });
    let text = tr_html!("staff-unanswered-title", count = questions.len()).push(&Html::join(lines, "\n"));
    tg.send(msg.chat.id, text, None).await.checked()?;
    Ok(())
}
