//! `/mes_donnees` (export everything stored about me) and `/supprimer_mes_donnees` (erase it, after confirmation).

use teloxide::types::{CallbackQuery, InlineKeyboardMarkup, Message};

use super::HandlerResult;
use jiff::Timestamp;

use crate::{
    french,
    startup::BotSettings,
    storage::{Db, DbError},
    telegram::{Telegram, callback::CallbackData, keyboards},
    tr, tr_html,
};

/// Name of the attached export.
const EXPORT_FILE: &str = "mes-donnees-accelerateur.json";

/// `/mes_donnees`: a readable summary (French dates, counts), then everything as a JSON file attachment.
pub async fn export(tg: Telegram, db: Db, settings: BotSettings, msg: Message) -> HandlerResult {
    let Some(user) = msg.from.as_ref() else { return Ok(()) };
    let export = match db.export_user(user.id).await {
        Ok(export) => export,
        Err(DbError::NotFound) => {
            tg.send(msg.chat.id, tr_html!("privacy-nothing"), None).await.checked()?;
            return Ok(());
        }
        Err(error) => return Err(error.into()),
    };
    let date = |seconds: i64| -> anyhow::Result<String> {
        Ok(french::day_with_year_and_time(&Timestamp::from_second(seconds)?.to_zoned(settings.timezone.clone())))
    };
    let summary = tr_html!(
        "privacy-summary",
        telegram_id = export.telegram_id,
        first_name = export.first_name,
        first_seen = date(export.created_at)?,
        last_seen = date(export.last_seen_at)?,
        reminders = if export.reminders_enabled { "yes" } else { "no" },
        modules = export.modules_seen.len(),
        questions = export.questions.len()
    );
    tg.send(msg.chat.id, summary, None).await.checked()?;
    let json = serde_json::to_string_pretty(&export)?;
    tg.send_document(msg.chat.id, EXPORT_FILE, json.into_bytes(), tr_html!("privacy-file-caption")).await.checked()?;
    Ok(())
}

pub async fn ask_erase(tg: Telegram, msg: Message) -> HandlerResult {
    let keyboard = InlineKeyboardMarkup::new(vec![
        vec![keyboards::button(tr!("privacy-erase-confirm"), &CallbackData::Erase { confirmed: true })],
        vec![keyboards::button(tr!("privacy-erase-cancel"), &CallbackData::Erase { confirmed: false })],
    ]);
    tg.send(msg.chat.id, tr_html!("privacy-erase-question"), Some(keyboard)).await.checked()?;
    Ok(())
}

pub async fn erase(tg: Telegram, db: Db, query: CallbackQuery, confirmed: bool) -> HandlerResult {
    let text = if confirmed {
        db.erase_user(query.from.id).await?;
        tracing::info!("a user erased their data");
        tr_html!("privacy-erased")
    } else {
        tr_html!("privacy-erase-cancelled")
    };
    tg.replace(query, text, InlineKeyboardMarkup::default(), None).await.checked()?;
    Ok(())
}
