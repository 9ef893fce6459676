//! [`DeliveryWorker`]: a step function ([`DeliveryWorker::try_execute_batch`]) and the loop around it
//! ([`DeliveryWorker::run`]).
//!
//! A step claims up to `ACCEL_DELIVERY_BATCH` due deliveries with a lease, sends them (paced, concurrently)
//! outside any transaction, and records each outcome as soon as it is known. A crash between a send and its
//! record leaves the row leased; once the lease expires it is sent again, so a crash duplicates at most the
//! sends of one batch. Tests drive the step by hand ([`DeliveryWorker::run_until_empty`]) with the manual clock.

use std::{
    collections::{BTreeSet, HashMap},
    sync::Arc,
};

use futures::StreamExt as _;
use teloxide::types::ChatId;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::{policy, progress};
use crate::telegram::pacer::Pacer;
use crate::{
    clock::AppClock,
    config::DeliverySettings,
    observe,
    storage::{
        Db,
        deliveries::{ClaimedDelivery, DeliveryKind, Payload, Transition},
    },
    telegram::{
        SendOutcome, Telegram,
        callback::{CallbackData, ReminderChoice},
        keyboards,
    },
    text::Html,
    tr,
};

/// The buttons a kind of delivery carries under its text: *Ne plus recevoir ces rappels* under a reminder,
/// *Répondre* under a question passed to a trainer and under a trainer's reply (the merchant's one follow-up),
/// and *Ajouter comme variante de…* under a question passed to a trainer.
fn actions_under(delivery: &ClaimedDelivery) -> Vec<(String, CallbackData)> {
    let mut actions: Vec<_> = action_under(delivery).into_iter().collect();
    let question = delivery.source_key.parse::<i64>().ok().filter(|id| *id > 0);
    if let Some(question_id) = question.filter(|_| delivery.kind == DeliveryKind::TrainerNote.as_str()) {
        actions.push((tr!("variant-button"), CallbackData::VariantOf { question_id }));
    }
    actions
}

fn action_under(delivery: &ClaimedDelivery) -> Option<(String, CallbackData)> {
    let id = || delivery.source_key.parse::<i64>().ok().filter(|id| *id > 0);
    match delivery.kind.as_str() {
        kind if kind == DeliveryKind::Reminder.as_str() => {
            Some((tr!("reminders-stop"), CallbackData::Reminders(ReminderChoice::Stop)))
        }
        kind if kind == DeliveryKind::TrainerNote.as_str() => {
            id().map(|question_id| (tr!("reply-button"), CallbackData::Reply { question_id }))
        }
        kind if kind == DeliveryKind::TrainerReply.as_str() => {
            id().map(|reply_id| (tr!("followup-button"), CallbackData::FollowUp { reply_id }))
        }
        _ => None,
    }
}

/// Pause between two looks at an empty queue.
const IDLE_POLL: std::time::Duration = std::time::Duration::from_secs(1);
/// Pause after the database failed.
const ERROR_PAUSE: std::time::Duration = std::time::Duration::from_secs(5);

/// What one step did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExecutionOutcome {
    /// This many deliveries were attempted.
    TasksCompleted(usize),
    /// Nothing is due now.
    EmptyQueue,
}

/// Sends the outbox. Cheap to clone (the clones share the pacer).
#[derive(Clone)]
pub struct DeliveryWorker {
    db: Db,
    tg: Telegram,
    clock: AppClock,
    settings: DeliverySettings,
    pacer: Pacer,
    wake: Arc<Notify>,
}

impl DeliveryWorker {
    #[must_use]
    pub fn new(db: Db, tg: Telegram, clock: AppClock, settings: DeliverySettings) -> Self {
        let pacer = Pacer::new(settings.replica_rate());
        Self { db, tg, clock, settings, pacer, wake: Arc::new(Notify::new()) }
    }

    /// Ends the loop's idle pause at once: whoever queues deliveries due now (the reminder scheduler) calls it,
    /// so they do not wait for the next look at the queue.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Claims one batch of due deliveries, sends them and records the outcomes; then updates the progress of
    /// the announcements it touched.
    pub async fn try_execute_batch(&self) -> anyhow::Result<ExecutionOutcome> {
        self.try_execute_batch_until(&CancellationToken::new()).await
    }

    /// Like [`Self::try_execute_batch`]; once `stop` is cancelled, the deliveries of the batch not yet sent are
    /// released (claimable at once by another replica or the next start) instead of waiting for their lease to
    /// expire. Sends already under way finish and are recorded.
    #[tracing::instrument(name = "delivery_batch", skip_all)]
    pub async fn try_execute_batch_until(&self, stop: &CancellationToken) -> anyhow::Result<ExecutionOutcome> {
        let now = self.clock.unix();
        let batch =
            self.db.claim_deliveries(now, now + self.settings.lease_secs, i64::from(self.settings.batch)).await?;
        if batch.is_empty() {
            return Ok(ExecutionOutcome::EmptyQueue);
        }
        let mut payloads = HashMap::new();
        for payload_id in batch.iter().map(|delivery| delivery.payload_id).collect::<BTreeSet<_>>() {
            payloads.insert(payload_id, self.db.payload(payload_id).await?);
        }
        futures::stream::iter(&batch)
            .for_each_concurrent(None, |delivery| self.deliver(delivery, &payloads[&delivery.payload_id], stop))
            .await;
        let announcements: BTreeSet<i64> = batch.iter().filter_map(|delivery| delivery.announcement_id).collect();
        progress::after_batch(&self.db, &self.tg, self.clock.unix(), &announcements).await;
        Ok(ExecutionOutcome::TasksCompleted(batch.len()))
    }

    /// One send, paced, and its outcome recorded.
    async fn deliver(&self, delivery: &ClaimedDelivery, payload: &Payload, stop: &CancellationToken) {
        let transition = match keyboards::delivery(payload.button.as_ref(), actions_under(delivery)) {
            Ok(keyboard) => {
                tokio::select! {
                    biased;
                    () = stop.cancelled() => {
                        self.record(delivery, &Transition::Released).await;
                        return;
                    }
                    () = self.pacer.until_ready() => {}
                }
                let text = Html::staff_markup(payload.text.clone());
                let outcome = self.tg.send_once(ChatId(delivery.chat_id), text, keyboard).await;
                if matches!(outcome, SendOutcome::RetryAfter(_)) {
                    self.pacer.slow_down();
                }
                let now = self.clock.unix();
                policy::transition(&outcome, delivery.attempts, self.settings.max_attempts, now, rand::random::<f64>())
            }
            Err(error) => Transition::Failed(error),
        };
        self.record(delivery, &transition).await;
    }

    async fn record(&self, delivery: &ClaimedDelivery, transition: &Transition) {
        observe::delivery_done(transition.label());
        if let Err(error) = self.db.record_delivery(delivery.id, transition, self.clock.unix()).await {
            // The lease will expire and the delivery be tried again: a possible duplicate, never a loss.
            tracing::error!(delivery_id = delivery.id, error = ?error, "cannot record a delivery outcome");
        }
    }

    /// Runs batches until nothing is due (tests, like zero2prod's `dispatch_all_pending_emails`); returns how
    /// many deliveries were attempted.
    pub async fn run_until_empty(&self) -> anyhow::Result<usize> {
        let mut attempted = 0;
        while let ExecutionOutcome::TasksCompleted(n) = self.try_execute_batch().await? {
            attempted += n;
        }
        Ok(attempted)
    }

    /// The background loop: a batch after another while there is work, a look every second otherwise. Stops
    /// as soon as `stop` is cancelled: sends under way finish, the rest of the batch is released.
    pub async fn run(self, stop: CancellationToken) -> anyhow::Result<()> {
        while !stop.is_cancelled() {
            let pause = match self.try_execute_batch_until(&stop).await {
                Ok(ExecutionOutcome::TasksCompleted(_)) => continue,
                Ok(ExecutionOutcome::EmptyQueue) => IDLE_POLL,
                Err(error) => {
                    tracing::error!(error.cause_chain = ?error, "delivery batch failed");
                    ERROR_PAUSE
                }
            };
            tokio::select! {
                () = stop.cancelled() => {}
                () = self.wake.notified() => {}
                () = tokio::time::sleep(pause) => {}
            }
        }
        Ok(())
    }
}
