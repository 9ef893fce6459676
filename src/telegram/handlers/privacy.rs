//! `/mes_donnees` (export everything stored about me) and `/supprimer_mes_donnees` (erase it, after confirmation).

use teloxide::types::{CallbackQuery, InlineKeyboardMarkup, Message};

use super::HandlerResult;
use crate::{
    storage::{Db, DbError},
    telegram::{Telegram, callback::CallbackData, keyboards},
    text::{Html, escape},
    tr, tr_html,
};

/// Characters of JSON per message (Telegram's limit is 4,096 after parsing; HTML escaping adds a little).
const CHUNK_CHARS: usize = 3000;

pub async fn export(tg: Telegram, db: Db, msg: Message) -> HandlerResult {
    let Some(user) = msg.from.as_ref() else { return Ok(()) };
    let export = match db.export_user(user.id).await {
        Ok(export) => export,
        Err(DbError::NotFound) => {
            tg.send(msg.chat.id, tr_html!("privacy-nothing"), None).await.checked()?;
            return Ok(());
        }
        Err(error) => return Err(error.into()),
    };
    let json = serde_json::to_string_pretty(&export)?;
    tg.send(
        msg.chat.id,
        tr_html!("privacy-export-intro", questions = export.questions.len(), modules = export.modules_seen.len()),
        None,
    )
    .await
    .checked()?;
    for chunk in chunks(&json, CHUNK_CHARS) {
        tg.send(msg.chat.id, Html::trusted(format!("<pre>{}</pre>", escape(&chunk))), None).await.checked()?;
    }
    Ok(())
}

/// Splits on line boundaries into pieces of at most `max` characters (a longer line is cut).
fn chunks(text: &str, max: usize) -> Vec<String> {
    let mut pieces = vec![String::new()];
    for line in text.lines() {
        let mut line: String = line.chars().take(max).collect();
        line.push('\n');
        let current = pieces.last_mut().expect("never empty");
        if current.chars().count() + line.chars().count() > max {
            pieces.push(line);
        } else {
            current.push_str(&line);
        }
    }
    pieces.retain(|piece| !piece.trim().is_empty());
    pieces
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

#[cfg(test)]
mod tests {
    use super::chunks;

    #[test]
    fn long_exports_are_split_on_lines_within_the_limit() {
        let text = (0..100).map(|i| format!("line {i} {}", "x".repeat(50))).collect::<Vec<_>>().join("\n");
        let pieces = chunks(&text, 500);
        assert!(pieces.len() > 10);
        assert!(pieces.iter().all(|p| p.chars().count() <= 500));
        assert_eq!(pieces.concat().lines().count(), 100);
    }
}
