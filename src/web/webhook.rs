//! Webhook mode: Telegram posts each update to `ACCEL_WEBHOOK_URL`; teloxide's axum router receives it on our own
//! server and feeds the dispatcher. A request without the right `X-Telegram-Bot-Api-Secret-Token` header
//! (`ACCEL_WEBHOOK_SECRET`) gets 401 from [`require_secret`], which compares in constant time (`subtle`) before
//! teloxide's handler sees the request (its own check compares with `==`, so it only ever meets the right secret);
//! the handler answers 503 once the dispatcher stops taking updates (Telegram then retries, reaching another
//! replica).
//!
//! Every replica registers the same URL and secret at start (`setWebhook` is idempotent) and none deletes the
//! webhook when it stops: with several replicas behind one URL, one replica leaving must not cut the others off.
//! (teloxide's `axum_to_router` deletes it on stop, hence `axum_no_setup` plus our own `setWebhook`.)

use std::{convert::Infallible, net::SocketAddr};

use anyhow::Context as _;
use axum::{
    Router,
    extract::Request,
    http::StatusCode,
    middleware::{self, Next},
    response::{IntoResponse as _, Response},
};
use subtle::ConstantTimeEq as _;
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
    let options = Options::new(address, settings.url.clone()).secret_token(secret.clone());
    let (listener, _stopped, router) = axum_no_setup(options);
    let secret: std::sync::Arc<str> = secret.into();
    let router = router.layer(middleware::from_fn(move |request: Request, next: Next| {
        let secret = secret.clone();
        async move { require_secret(&secret, request, next).await }
    }));
    Ok((listener, router))
}

/// Telegram's header carrying the secret given to `setWebhook`.
const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";

/// 401 unless the request carries the webhook secret; compared in constant time, so the answer's timing tells
/// nothing about how much of a guess was right.
async fn require_secret(secret: &str, request: Request, next: Next) -> Response {
    let given = request.headers().get(SECRET_HEADER).map_or(&[][..], |value| value.as_bytes());
    if bool::from(given.ct_eq(secret.as_bytes())) {
        next.run(request).await
    } else {
        StatusCode::UNAUTHORIZED.into_response()
    }
}
