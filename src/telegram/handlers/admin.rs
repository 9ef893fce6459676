//! Admin commands: reload the FAQ and curriculum from disk without a redeploy.

use teloxide::types::Message;

use super::HandlerResult;
use crate::{
    content::LiveContent,
    telegram::Telegram,
    text::{Html, escape},
    tr_html,
};

/// How many content problems a reply lists (the rest are counted).
const PROBLEMS_SHOWN: usize = 10;

pub async fn reload_content(tg: Telegram, content: LiveContent, msg: Message) -> HandlerResult {
    // Reading the files, building the index and training the intent model is CPU work: off the async
    // workers, like matching.
    let reloaded = tokio::task::spawn_blocking(move || content.reload()).await?;
    let reply = match reloaded {
        Ok((entries, modules)) => tr_html!("admin-reloaded", entries = entries, modules = modules),
        Err(errors) => {
            let lines =
                errors.0.iter().take(PROBLEMS_SHOWN).map(|e| Html::trusted(format!("• {}", escape(&e.french()))));
            Html::paragraphs([tr_html!("admin-reload-failed", count = errors.0.len()), Html::lines(lines)])
        }
    };
    tg.send(msg.chat.id, reply, None).await.checked()?;
    Ok(())
}
