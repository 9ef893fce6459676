//! The replies for what the bot does not handle: unknown commands, non-text messages, expired buttons.

use teloxide::types::{CallbackQuery, Me, Message};

use super::{HandlerResult, menu::origin};
use crate::{
    storage::Db,
    telegram::{Telegram, commands, keyboards, sender::Sender},
    tr, tr_html,
};

/// An unknown command: say what the bot understands, and suggest the closest command the user may use.
pub async fn unknown_command(tg: Telegram, db: Db, sender: Sender, msg: Message) -> HandlerResult {
    let role = sender.role(&db).await;
    let text = match msg.text().and_then(|typed| commands::closest(typed, role)) {
        Some(command) => tr_html!("unknown-command-closest", command = format!("/{command}")),
        None => tr_html!("unknown-command"),
    };
    tg.send(msg.chat.id, text, None).await.checked()?;
    Ok(())
}

pub async fn non_text(tg: Telegram, msg: Message) -> HandlerResult {
    tg.send(msg.chat.id, tr_html!("non-text"), None).await.checked()?;
    Ok(())
}

/// A button whose data we cannot use (forged, from an older menu): say so and show a fresh menu.
pub async fn expired_button(tg: Telegram, query: CallbackQuery) -> HandlerResult {
    tracing::debug!(data = ?query.data, "stale or unknown button");
    if let Some((chat, _)) = origin(&query) {
        tg.send(chat, tr_html!("menu-expired"), Some(keyboards::main_menu(None))).await.checked()?;
    }
    tg.answer_callback(query.id, Some(tr!("menu-expired"))).await;
    Ok(())
}

/// A command addressed to the bot in a group: it works in private chats only, and says where.
pub async fn private_only(tg: Telegram, me: Me, msg: Message) -> HandlerResult {
    let link = format!("https://t.me/{}", me.username());
    tg.send(msg.chat.id, tr_html!("private-only", link = link), None).await.checked()
}

/// A staff command from a merchant.
pub async fn not_allowed(tg: Telegram, msg: Message) -> HandlerResult {
    tg.send(msg.chat.id, tr_html!("not-allowed"), None).await.checked()?;
    Ok(())
}

/// An admin command from someone who is not an admin (a trainer is part of the team: the reason is the role).
pub async fn admins_only(tg: Telegram, msg: Message) -> HandlerResult {
    tg.send(msg.chat.id, tr_html!("admins-only"), None).await.checked()?;
    Ok(())
}

/// A staff button pressed by someone who is not (or no longer) staff.
pub async fn button_not_allowed(tg: Telegram, query: CallbackQuery) -> HandlerResult {
    tg.answer_callback(query.id, Some(tr!("not-allowed"))).await;
    Ok(())
}
