//! Webhook mode: Telegram posts each update to `ACCEL_WEBHOOK_URL`; teloxide's axum router receives it on our own
//! server and feeds the dispatcher. Its handler answers 401 to a request without the right
//! `X-Telegram-Bot-Api-Secret-Token` header (`ACCEL_WEBHOOK_SECRET`), and 503 once the dispatcher stops taking
//! updates (Telegram then retries, reaching another replica).
//!
//! Every replica registers the same URL and secret at start (`setWebhook` is idempotent) and none deletes the
//! webhook when it stops: with several replicas behind one URL, one replica leaving must not cut the others off.
//! (teloxide's `axum_to_router` deletes it on stop, hence `axum_no_setup` plus our own `setWebhook`.)

use std::{convert::Infallible, net::SocketAddr};

use anyhow::Context as _;
use axum::Router;
use teloxide::{
    payloads::SetWebhookSetters as _,
    requests::Requester as _,
    update_listeners::{
        UpdateListener,
        webhooks::{Options, axum_no_setup},
    },
};

use crate::{config::WebhookSettings, telegram::Tg};

/// Registers the webhook with Telegram and returns the update listener for the dispatcher with the router that
/// feeds it (to merge into the application's server listening on `address`).
pub async fn listener(
    bot: &Tg,
    settings: &WebhookSettings,
    address: SocketAddr,
) -> anyhow::Result<(impl UpdateListener<Err = Infallible> + use<>, Router)> {
    let secret = settings.secret.expose().to_owned();
    bot.set_webhook(settings.url.clone())
        .secret_token(secret.clone())
        .drop_pending_updates(false)
        .await
        .context("Telegram refused the webhook (setWebhook): check ACCEL_WEBHOOK_URL")?;
    let options = Options::new(address, settings.url.clone()).secret_token(secret);
    let (listener, _stopped, router) = axum_no_setup(options);
    Ok((listener, router))
}
