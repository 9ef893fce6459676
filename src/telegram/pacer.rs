//! [`Pacer`]: the worker's own rate limit (a `governor` token bucket), lowered after a 429 and restored once
//! Telegram has been quiet for a while. Direct replies do not go through it: they have their own share.

use std::{
    num::NonZeroU32,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};

/// How long without a 429 before the configured rate is restored.
const RECOVERY: Duration = Duration::from_secs(60);

/// Shared by the worker's concurrent sends.
#[derive(Clone)]
pub struct Pacer {
    configured: NonZeroU32,
    state: Arc<Mutex<PacerState>>,
}

struct PacerState {
    rate: NonZeroU32,
    limiter: Arc<DefaultDirectRateLimiter>,
    last_slowdown: Option<Instant>,
}

fn limiter(rate: NonZeroU32) -> Arc<DefaultDirectRateLimiter> {
    // A burst of one: sends are spread evenly over each second instead of leaving in clumps.
    Arc::new(RateLimiter::direct(Quota::per_second(rate).allow_burst(NonZeroU32::MIN)))
}

impl Pacer {
    #[must_use]
    pub fn new(rate: NonZeroU32) -> Self {
        let state = PacerState { rate, limiter: limiter(rate), last_slowdown: None };
        Self { configured: rate, state: Arc::new(Mutex::new(state)) }
    }

    /// Waits for the next send slot.
    pub async fn until_ready(&self) {
        let limiter = {
            let mut state = self.state.lock().expect("pacer lock");
            if state.rate < self.configured && state.last_slowdown.is_some_and(|at| at.elapsed() >= RECOVERY) {
                tracing::info!(rate = self.configured.get(), "no 429 for a while, sending at the configured rate");
                state.rate = self.configured;
                state.limiter = limiter(self.configured);
                state.last_slowdown = None;
            }
            state.limiter.clone()
        };
        limiter.until_ready().await;
    }

    /// Telegram answered 429: send 25 % slower (at least one message per second) until it has been quiet.
    pub fn slow_down(&self) {
        let mut state = self.state.lock().expect("pacer lock");
        let slower = NonZeroU32::new(state.rate.get() * 3 / 4).unwrap_or(NonZeroU32::MIN);
        tracing::warn!(from = state.rate.get(), to = slower.get(), "Telegram asked to slow down");
        state.rate = slower;
        state.limiter = limiter(slower);
        state.last_slowdown = Some(Instant::now());
    }

    /// The rate in force, in messages per second.
    #[must_use]
    pub fn rate(&self) -> u32 {
        self.state.lock().expect("pacer lock").rate.get()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_429_lowers_the_rate_down_to_one_per_second() {
        let pacer = Pacer::new(NonZeroU32::new(20).unwrap());
        pacer.slow_down();
        assert_eq!(pacer.rate(), 15);
        for _ in 0..20 {
            pacer.slow_down();
        }
        assert_eq!(pacer.rate(), 1);
    }

    #[tokio::test]
    async fn sends_are_spread_over_the_second() {
        let pacer = Pacer::new(NonZeroU32::new(20).unwrap());
        let start = Instant::now();
        for _ in 0..11 {
            pacer.until_ready().await;
        }
        // The first slot is free, the next ten come every 50 ms.
        let elapsed = start.elapsed();
        assert!(elapsed >= Duration::from_millis(480) && elapsed < Duration::from_millis(900), "{elapsed:?}");
    }
}
