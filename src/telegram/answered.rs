//! Every update gets an answer: [`always_answered`] wraps the routing table so that a handler that fails (a
//! database that refuses a write, a reply Telegram rejected, a panic) still leaves the user with a French apology
//! and, for a button, a stopped spinner. Handlers stay free of that concern: they return errors with `?`.
//!
//! Expected failures (an expired button, a missing row) are answered by the handlers themselves; only the
//! unexpected reach this wrapper, which apologises once, then hands the error on to the dispatcher's error handler
//! (logged there).

use std::{ops::ControlFlow, panic::AssertUnwindSafe};

use futures::FutureExt as _;
use teloxide::{
    dispatching::UpdateHandler,
    dptree::{self, di::DependencyMap},
    types::{ChatId, Update, UpdateKind},
};

use super::Telegram;
use crate::{tr, tr_html};

/// `routes`, with an apology sent to the user whenever a handler fails or panics.
#[must_use]
pub fn always_answered(routes: UpdateHandler<anyhow::Error>) -> UpdateHandler<anyhow::Error> {
    let sig = routes.sig().clone();
    let description = routes.description().clone();
    dptree::from_fn_with_description(
        description,
        move |deps: DependencyMap, cont| {
            let routes = routes.clone();
            async move {
                let update = deps.get::<Update>();
                let tg = deps.get::<Telegram>();
                let result = AssertUnwindSafe(routes.execute(deps, cont)).catch_unwind().await;
                let error = match result {
                    Ok(ControlFlow::Break(Err(error))) => error,
                    Ok(flow) => return flow,
                    Err(panic) => anyhow::anyhow!("handler panicked: {}", panic_message(&panic)),
                };
                apologise(&tg, &update).await;
                ControlFlow::Break(Err(error))
            }
        },
        sig,
    )
}

/// "Pardon, un problème technique…" to whoever sent the update, and the button's spinner stopped.
async fn apologise(tg: &Telegram, update: &Update) {
    match &update.kind {
        UpdateKind::Message(message) | UpdateKind::EditedMessage(message) if message.chat.is_private() => {
            let _ = tg.send(message.chat.id, tr_html!("technical-problem"), None).await;
        }
        UpdateKind::CallbackQuery(query) => {
            tg.answer_callback(query.id.clone(), Some(tr!("technical-problem-short"))).await;
            let _ = tg.send(ChatId::from(query.from.id), tr_html!("technical-problem"), None).await;
        }
        _ => {}
    }
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> &str {
    panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)")
}
