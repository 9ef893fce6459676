//! `/metrics`: every metric in Prometheus' text format ([`crate::observe`]), with the delivery queue's gauges read
//! from the database at scrape time (so each replica reports the shared queue; a dashboard takes their `max`).

use std::time::Duration;

use axum::{Router, extract::State, http::header, response::IntoResponse, routing::get};

use super::WebState;
use crate::observe;

/// Longest wait for the queue figures; past it the scrape answers with the previous ones.
const DB_PATIENCE: Duration = Duration::from_secs(2);

pub fn router() -> Router<WebState> {
    Router::new().route("/metrics", get(metrics))
}

async fn metrics(State(state): State<WebState>) -> impl IntoResponse {
    let now = state.clock.unix();
    match tokio::time::timeout(DB_PATIENCE, state.db.queue_stats(now)).await {
        Ok(Ok(stats)) => observe::set_queue(stats.due, stats.scheduled, stats.oldest_due_at.map_or(0, |at| now - at)),
        Ok(Err(error)) => tracing::warn!(error = ?error, "metrics: cannot read the delivery queue"),
        Err(_) => tracing::warn!("metrics: reading the delivery queue timed out"),
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], observe::render())
}
