//! Operational metrics: the Prometheus recorder and the few calls that feed it.
//!
//! Instrumentation stays in a handful of central places, each calling one function here: the dispatcher's entry
//! ([`update_handled`], wrapped around the routing table by `telegram::observed`), the matcher's call site
//! ([`matched`]), the gateway ([`telegram_error`]) and the delivery worker ([`delivery_done`]). Queue gauges are
//! read from the database when `/metrics` is scraped ([`set_queue`]), so every replica reports the shared queue.
//! The recorder is process-wide (the `metrics` facade); [`handle`] installs it on first use and renders it.

use std::{sync::OnceLock, time::Duration};

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

/// Updates handled, by `kind` (message, callback_query, …) and `result` (ok, error, ignored).
pub const UPDATES: &str = "accel_updates_total";
/// Time from an update entering the routing table to its handler returning, by `kind`.
pub const UPDATE_SECONDS: &str = "accel_update_handling_seconds";
/// Questions answered, by matcher `outcome` (answer, suggest, fallback, smalltalk).
pub const ANSWERS: &str = "accel_answers_total";
/// Time the matcher took for one question.
pub const MATCHER_SECONDS: &str = "accel_matcher_seconds";
/// Failed Bot API calls, by `method` and `code` (HTTP status, or `network`).
pub const TELEGRAM_ERRORS: &str = "accel_telegram_errors_total";
/// Delivery attempts of the outbox, by `result` (sent, unreachable, retry, failed, released).
pub const DELIVERIES: &str = "accel_deliveries_total";
/// Pending deliveries, by `state`: `due` (may be sent now) or `scheduled` (later: schedule, retry, backoff).
pub const QUEUE_DEPTH: &str = "accel_delivery_queue_depth";
/// How long the oldest due delivery has been waiting (0 when none is due).
pub const QUEUE_OLDEST_DUE_AGE: &str = "accel_delivery_oldest_due_age_seconds";

/// Latency buckets, in seconds: fine below 20 ms (the reply target), coarse up to Telegram's timeouts.
const LATENCY_BUCKETS: &[f64] =
    &[0.0005, 0.001, 0.002, 0.005, 0.01, 0.015, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// The process-wide recorder, installed on first call.
pub fn handle() -> &'static PrometheusHandle {
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_seconds".to_owned()), LATENCY_BUCKETS)
            .expect("the bucket list is not empty")
            .build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("another metrics recorder is installed; /metrics will stay empty");
        }
        describe();
        handle
    })
}

fn describe() {
    metrics::describe_counter!(UPDATES, "Telegram updates handled, by kind and result");
    metrics::describe_histogram!(UPDATE_SECONDS, metrics::Unit::Seconds, "Handling time of one update");
    metrics::describe_counter!(ANSWERS, "Questions answered, by matcher outcome");
    metrics::describe_histogram!(MATCHER_SECONDS, metrics::Unit::Seconds, "Matching time of one question");
    metrics::describe_counter!(TELEGRAM_ERRORS, "Failed Bot API calls, by method and code");
    metrics::describe_counter!(DELIVERIES, "Outbox delivery attempts, by result");
    metrics::describe_gauge!(QUEUE_DEPTH, "Pending deliveries, due now or scheduled later");
    metrics::describe_gauge!(QUEUE_OLDEST_DUE_AGE, metrics::Unit::Seconds, "Wait of the oldest due delivery");
}

/// The text exposition of every metric (histogram buffers drained first).
#[must_use]
pub fn render() -> String {
    let handle = handle();
    handle.run_upkeep();
    handle.render()
}

/// Drains histogram buffers; run now and then so a process nobody scrapes does not accumulate samples.
pub fn upkeep() {
    handle().run_upkeep();
}

pub fn update_handled(kind: &'static str, result: &'static str, elapsed: Duration) {
    metrics::counter!(UPDATES, "kind" => kind, "result" => result).increment(1);
    metrics::histogram!(UPDATE_SECONDS, "kind" => kind).record(elapsed.as_secs_f64());
}

pub fn matched(outcome: &'static str, elapsed: Duration) {
    metrics::counter!(ANSWERS, "outcome" => outcome).increment(1);
    metrics::histogram!(MATCHER_SECONDS).record(elapsed.as_secs_f64());
}

pub fn telegram_error(method: &'static str, code: &'static str) {
    metrics::counter!(TELEGRAM_ERRORS, "method" => method, "code" => code).increment(1);
}

pub fn delivery_done(result: &'static str) {
    metrics::counter!(DELIVERIES, "result" => result).increment(1);
}

/// The queue as the database sees it now.
pub fn set_queue(due: i64, scheduled: i64, oldest_due_age_secs: i64) {
    metrics::gauge!(QUEUE_DEPTH, "state" => "due").set(due as f64);
    metrics::gauge!(QUEUE_DEPTH, "state" => "scheduled").set(scheduled as f64);
    metrics::gauge!(QUEUE_OLDEST_DUE_AGE).set(oldest_due_age_secs.max(0) as f64);
}
