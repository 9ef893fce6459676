//! What the queue does after a send: [`transition`] maps a [`SendOutcome`] to a [`Transition`], with exponential
//! backoff and jitter for transient failures. Pure, so the rules are tested here.

use std::time::Duration;

use crate::{storage::deliveries::Transition, telegram::SendOutcome};

/// First pause after a transient failure; doubled for each further failure.
const BACKOFF_BASE_SECS: i64 = 2;
/// Longest pause between two attempts.
const BACKOFF_MAX_SECS: i64 = 600;

/// The queue transition for `outcome`, given the transient failures so far and the time (Unix seconds).
/// `jitter` in `[0, 1)` spreads retries: the pause is between half and all of the exponential delay.
#[must_use]
pub fn transition(outcome: &SendOutcome, attempts: i32, max_attempts: u32, now: i64, jitter: f64) -> Transition {
    match outcome {
        SendOutcome::Sent(_) | SendOutcome::Unchanged => Transition::Sent,
        SendOutcome::Unreachable => Transition::Unreachable,
        SendOutcome::RetryAfter(wait) => Transition::RetryAt {
            at: now + ceil_secs(*wait),
            counted: false,
            error: "429 Too Many Requests".to_owned(),
        },
        SendOutcome::Transient(reason) => {
            let failures = attempts.saturating_add(1);
            if u32::try_from(failures).unwrap_or(u32::MAX) >= max_attempts {
                return Transition::Failed(reason.clone());
            }
            Transition::RetryAt { at: now + backoff_secs(attempts, jitter), counted: true, error: reason.clone() }
        }
        SendOutcome::Rejected(reason) => Transition::Failed(reason.clone()),
    }
}

fn ceil_secs(wait: Duration) -> i64 {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    i64::try_from(secs.max(1)).unwrap_or(i64::MAX)
}

/// `base · 2^attempts`, capped, times a factor in `[0.5, 1)`; at least one second.
fn backoff_secs(attempts: i32, jitter: f64) -> i64 {
    let exponent = u32::try_from(attempts.clamp(0, 20)).unwrap_or(0);
    let delay = BACKOFF_BASE_SECS.saturating_mul(1_i64 << exponent).min(BACKOFF_MAX_SECS);
    let factor = 0.5 + jitter.clamp(0.0, 1.0) / 2.0;
    ((delay as f64 * factor).round() as i64).max(1)
}

#[cfg(test)]
mod tests {
    use teloxide::types::MessageId;

    use super::*;

    const NOW: i64 = 1_000_000;

    #[test]
    fn delivered_and_unreachable_end_the_delivery() {
        assert_eq!(transition(&SendOutcome::Sent(MessageId(1)), 0, 8, NOW, 0.3), Transition::Sent);
        assert_eq!(transition(&SendOutcome::Unreachable, 3, 8, NOW, 0.3), Transition::Unreachable);
    }

    #[test]
    fn a_429_waits_retry_after_without_using_an_attempt() {
        let outcome = SendOutcome::RetryAfter(Duration::from_millis(2500));
        let Transition::RetryAt { at, counted, .. } = transition(&outcome, 7, 8, NOW, 0.9) else { panic!() };
        assert_eq!((at, counted), (NOW + 3, false));
    }

    #[test]
    fn transient_failures_back_off_exponentially_within_the_jitter_band() {
        let outcome = SendOutcome::Transient("Bad Gateway".to_owned());
        for (attempts, full) in [(0, 2), (1, 4), (3, 16), (10, 600)] {
            for jitter in [0.0, 0.5, 0.999] {
                let Transition::RetryAt { at, counted: true, .. } = transition(&outcome, attempts, 20, NOW, jitter)
                else {
                    panic!("attempt {attempts} should be retried")
                };
                let wait = at - NOW;
                assert!(wait >= full / 2 && wait <= full, "attempt {attempts}, jitter {jitter}: {wait}s");
            }
        }
    }

    #[test]
    fn the_last_allowed_transient_failure_fails_the_delivery() {
        let outcome = SendOutcome::Transient("Gateway Timeout".to_owned());
        assert!(matches!(transition(&outcome, 6, 8, NOW, 0.0), Transition::RetryAt { .. }));
        assert_eq!(transition(&outcome, 7, 8, NOW, 0.0), Transition::Failed("Gateway Timeout".to_owned()));
    }

    #[test]
    fn a_rejected_message_is_not_retried() {
        let outcome = SendOutcome::Rejected("Bad Request: can't parse entities".to_owned());
        assert!(matches!(transition(&outcome, 0, 8, NOW, 0.0), Transition::Failed(_)));
    }
}
