//! `/healthz`: the process answers. `/readyz`: it can serve (the database answers, content is loaded, it is not
//! stopping); 503 with the reason otherwise, so a load balancer sends updates elsewhere.

use std::time::Duration;

use axum::{Router, extract::State, http::StatusCode, routing::get};

use super::WebState;

/// Longest wait for the database before the probe says "not ready".
const DB_PATIENCE: Duration = Duration::from_secs(2);

pub fn router() -> Router<WebState> {
    Router::new().route("/healthz", get(healthz)).route("/readyz", get(readyz))
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn readyz(State(state): State<WebState>) -> (StatusCode, &'static str) {
    if state.stopping.is_cancelled() {
        return (StatusCode::SERVICE_UNAVAILABLE, "stopping\n");
    }
    match tokio::time::timeout(DB_PATIENCE, state.db.ping()).await {
        Ok(Ok(())) => {}
        Ok(Err(error)) => {
            tracing::warn!(error = ?error, "readiness: the database does not answer");
            return (StatusCode::SERVICE_UNAVAILABLE, "database unreachable\n");
        }
        Err(_) => return (StatusCode::SERVICE_UNAVAILABLE, "database too slow\n"),
    }
    if state.content.index().content().entries.is_empty() {
        return (StatusCode::SERVICE_UNAVAILABLE, "content not loaded\n");
    }
    (StatusCode::OK, "ready\n")
}
