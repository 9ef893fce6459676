//! Keeps an announcement's author informed while it goes out: after each batch, the author's progress message
//! ("Envoi en cours : 1 240 / 10 000", with *Arrêter l'envoi*) is edited at most every [`PROGRESS_EVERY_SECS`],
//! and once no delivery is pending it becomes the final report. The database decides who edits (one replica,
//! one worker), so the report is sent once.

use std::collections::BTreeSet;

use teloxide::types::{ChatId, InlineKeyboardMarkup, MessageId};

use crate::{
    storage::{Db, DbResult, announcements::Announcement, deliveries::DeliveryCounts},
    telegram::{SendOutcome, Telegram, keyboards},
    text::{Html, french_number},
    tr_html,
};

/// Least time between two edits of a progress message.
pub const PROGRESS_EVERY_SECS: i64 = 3;

/// Called by the worker after a batch with the announcements whose deliveries it handled.
pub async fn after_batch(db: &Db, tg: &Telegram, now: i64, announcements: &BTreeSet<i64>) {
    for id in announcements {
        if let Err(error) = update(db, tg, now, *id).await {
            tracing::warn!(announcement_id = id, error = ?error, "cannot update an announcement's progress");
        }
    }
}

async fn update(db: &Db, tg: &Telegram, now: i64, id: i64) -> DbResult<()> {
    if db.finish_announcement(id).await? {
        let announcement = db.announcement(id).await?;
        let counts = db.announcement_counts(id).await?;
        show(db, tg, &announcement, report(&counts), false).await?;
    } else if db.take_progress_turn(id, now, now - PROGRESS_EVERY_SECS).await? {
        let announcement = db.announcement(id).await?;
        let counts = db.announcement_counts(id).await?;
        show(db, tg, &announcement, progress_text(&counts), true).await?;
    }
    Ok(())
}

/// "Envoi en cours : 1 240 / 10 000".
#[must_use]
pub fn progress_text(counts: &DeliveryCounts) -> Html {
    tr_html!("announce-progress", done = french_number(counts.finished()), total = french_number(counts.total()))
}

/// The final figures: delivered, unreachable, failed, not sent (stopped).
#[must_use]
pub fn report(counts: &DeliveryCounts) -> Html {
    tr_html!(
        "announce-report",
        total = french_number(counts.total()),
        sent = french_number(counts.sent),
        unreachable = french_number(counts.unreachable),
        failed = french_number(counts.failed),
        cancelled = french_number(counts.cancelled)
    )
}

/// Edits the author's progress message, with the stop button while it runs; sends one (and remembers it) when
/// there is none yet, as for a scheduled announcement.
pub async fn show(db: &Db, tg: &Telegram, announcement: &Announcement, text: Html, running: bool) -> DbResult<()> {
    let chat = ChatId(announcement.author_id);
    let keyboard =
        if running { keyboards::stop_announcement(announcement.id) } else { InlineKeyboardMarkup::default() };
    let message = announcement.progress_message_id.and_then(|id| i32::try_from(id).ok()).map(MessageId);
    if let SendOutcome::Sent(sent) = tg.show(chat, message, text, Some(keyboard)).await
        && Some(sent) != message
    {
        db.set_progress_message(announcement.id, i64::from(sent.0)).await?;
    }
    Ok(())
}
