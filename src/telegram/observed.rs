//! [`observed`]: the routing table measured from the outside. Every update that enters it is counted by kind and
//! result, and its handling time recorded ([`crate::observe::update_handled`]); handlers know nothing of it.

use std::{ops::ControlFlow, time::Instant};

use teloxide::{
    dispatching::UpdateHandler,
    dptree::{self, di::DependencyMap},
    types::{Update, UpdateKind},
};

use crate::observe;

/// `routes`, with each update counted and timed.
#[must_use]
pub fn observed(routes: UpdateHandler<anyhow::Error>) -> UpdateHandler<anyhow::Error> {
    let sig = routes.sig().clone();
    let description = routes.description().clone();
    dptree::from_fn_with_description(
        description,
        move |deps: DependencyMap, cont| {
            let routes = routes.clone();
            async move {
                let kind = kind(&deps.get::<Update>());
                let started = Instant::now();
                let flow = routes.execute(deps, cont).await;
                let result = match &flow {
                    ControlFlow::Break(Ok(())) => "ok",
                    ControlFlow::Break(Err(_)) => "error",
                    ControlFlow::Continue(_) => "ignored",
                };
                observe::update_handled(kind, result, started.elapsed());
                flow
            }
        },
        sig,
    )
}

/// The update's kind as Telegram names it (a small, fixed set of label values).
fn kind(update: &Update) -> &'static str {
    match &update.kind {
        UpdateKind::Message(_) => "message",
        UpdateKind::EditedMessage(_) => "edited_message",
        UpdateKind::CallbackQuery(_) => "callback_query",
        UpdateKind::ChannelPost(_) | UpdateKind::EditedChannelPost(_) => "channel_post",
        UpdateKind::MyChatMember(_) | UpdateKind::ChatMember(_) => "chat_member",
        _ => "other",
    }
}
