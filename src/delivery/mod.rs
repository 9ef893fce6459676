//! The delivery worker: drains the outbox (`storage::deliveries`) at its own pace, outside the update path.
//!
//! [`worker::DeliveryWorker`] claims due deliveries in batches with a lease, sends each once through the gateway,
//! and maps the [`crate::telegram::SendOutcome`] to a queue transition ([`policy`]). A [`crate::telegram::pacer::Pacer`]
//! keeps the worker under `ACCEL_SEND_RATE` and slows it down after a 429. [`progress`] keeps announcement authors
//! informed.

pub mod policy;
pub mod progress;
pub mod worker;

pub use worker::{DeliveryWorker, ExecutionOutcome};
