//! The application's one HTTP server: `/healthz`, `/readyz`, `/metrics`, and Telegram's webhook when enabled.
//!
//! [`router`] merges the parts ([`health`], [`metrics`], and the webhook router teloxide builds, see [`webhook`]);
//! [`serve`] runs it until told to stop. The server listens on `ACCEL_LISTEN` in both update modes, so probes and
//! scrapes work the same with long polling and with the webhook.

/// Liveness and readiness probes.
pub mod health;
/// The Prometheus scrape endpoint.
pub mod metrics;
/// Webhook mode: `setWebhook` and teloxide's axum router.
pub mod webhook;

use std::future::IntoFuture as _;

use axum::Router;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::{clock::AppClock, content::LiveContent, storage::Db};

/// What the probes and the scrape read.
#[derive(Clone)]
pub struct WebState {
    pub db: Db,
    pub content: LiveContent,
    pub clock: AppClock,
    /// Cancelled when the application starts stopping: readiness turns false at once.
    pub stopping: CancellationToken,
}

/// Every route of the server; `webhook` is teloxide's router when in webhook mode.
pub fn router(state: WebState, webhook: Option<Router>) -> Router {
    let own = Router::new().merge(health::router()).merge(metrics::router()).with_state(state);
    match webhook {
        Some(webhook) => own.merge(webhook),
        None => own,
    }
}

/// Histogram buffers are drained this often, scraped or not.
const UPKEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// Serves `router` on `listener` until `stop` is cancelled; connections in progress are finished first.
pub async fn serve(listener: TcpListener, router: Router, stop: CancellationToken) -> anyhow::Result<()> {
    let upkeep = tokio_util::task::AbortOnDropHandle::new(tokio::spawn(async {
        let mut every = tokio::time::interval(UPKEEP_EVERY);
        loop {
            every.tick().await;
            crate::observe::upkeep();
        }
    }));
    axum::serve(listener, router).with_graceful_shutdown(stop.cancelled_owned()).into_future().await?;
    drop(upkeep);
    Ok(())
}
