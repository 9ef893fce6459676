//! Keeping under Telegram's limits, before Telegram has to say so.
//!
//! [`Pacer`] is a rate for the whole bot (a `governor` token bucket), lowered after a 429 and restored once Telegram
//! has been quiet for a while: the delivery worker has one at `ACCEL_SEND_RATE`, direct replies another at their
//! share ([`crate::config::DeliverySettings::reply_rate`]), so together they stay under Telegram's 30 messages/s.
//! [`ChatPacer`] keeps each chat under Telegram's per-chat limits (one message a second, twenty a minute), for
//! direct replies. Both wait only as long as the budget requires (teloxide's `Throttle`, used before, checked its
//! queue every 250 ms, which put a quarter of a second on every reply).

use std::{
    num::NonZeroU32,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU32, Ordering},
    },
    time::{Duration, Instant},
};

use governor::{DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota, RateLimiter};
use teloxide::types::ChatId;

/// How long without a 429 before the configured rate is restored.
const RECOVERY: Duration = Duration::from_secs(60);

/// Shared by the worker's concurrent sends.
#[derive(Clone)]
pub struct Pacer {
    configured: NonZeroU32,
    state: Arc<Mutex<PacerState>>,
    /// Waiters take their turn in order (tokio's mutex is fair): left to `governor`, every waiter wakes at the same
    /// instant and a random one wins, so at saturation some replies waited 5 times longer than the average.
    turns: Arc<tokio::sync::Mutex<()>>,
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
        Self { configured: rate, state: Arc::new(Mutex::new(state)), turns: Arc::new(tokio::sync::Mutex::new(())) }
    }

    /// Waits for the next send slot, first come, first served.
    pub async fn until_ready(&self) {
        let _turn = self.turns.lock().await;
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

/// Per-chat limits for direct replies, shared by every handler (cheap to clone).
///
/// Two buckets per chat: one message a second after a burst of two (an answer split in two parts, or a reply and
/// its menu, leave together), and at most 19 in any minute (a burst of 9, then one every 6 s: 9 + 60/6 = 19 under
/// Telegram's 20). Chats idle long enough to have refilled both buckets are forgotten every
/// [`ChatPacer::FORGET_EVERY`] sends, so memory follows the chats active in the last minute, not every chat ever seen.
#[derive(Clone)]
pub struct ChatPacer {
    per_second: Arc<DefaultKeyedRateLimiter<i64>>,
    per_minute: Arc<DefaultKeyedRateLimiter<i64>>,
    sends: Arc<AtomicU32>,
}

impl Default for ChatPacer {
    fn default() -> Self {
        let two = NonZeroU32::new(2).expect("non-zero");
        let nine = NonZeroU32::new(9).expect("non-zero");
        let per_second = Quota::per_second(NonZeroU32::MIN).allow_burst(two);
        let per_minute = Quota::with_period(Duration::from_secs(6)).expect("non-zero period").allow_burst(nine);
        Self {
            per_second: Arc::new(RateLimiter::keyed(per_second)),
            per_minute: Arc::new(RateLimiter::keyed(per_minute)),
            sends: Arc::new(AtomicU32::new(0)),
        }
    }
}

impl ChatPacer {
    /// How many sends between two sweeps of the chats that no longer need a bucket.
    pub const FORGET_EVERY: u32 = 4096;

    /// Waits until one more message to `chat` keeps within its limits.
    pub async fn until_ready(&self, chat: ChatId) {
        if self.sends.fetch_add(1, Ordering::Relaxed) % Self::FORGET_EVERY == Self::FORGET_EVERY - 1 {
            self.forget_idle();
        }
        self.per_second.until_key_ready(&chat.0).await;
        self.per_minute.until_key_ready(&chat.0).await;
    }

    /// Drops the buckets of chats that are back to full.
    pub fn forget_idle(&self) {
        for limiter in [&self.per_second, &self.per_minute] {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }

    /// How many chats have a bucket (for tests).
    #[must_use]
    pub fn chats(&self) -> usize {
        self.per_minute.len()
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

    #[tokio::test]
    async fn a_chat_gets_a_burst_of_two_then_one_message_a_second() {
        let pacer = ChatPacer::default();
        let start = Instant::now();
        for _ in 0..4 {
            pacer.until_ready(ChatId(7)).await;
        }
        // Two at once, then one a second; another chat is not held up.
        let elapsed = start.elapsed();
        assert!(elapsed >= Duration::from_millis(1900) && elapsed < Duration::from_millis(2600), "{elapsed:?}");
        let other = Instant::now();
        pacer.until_ready(ChatId(8)).await;
        assert!(other.elapsed() < Duration::from_millis(50));
    }

    #[test]
    fn idle_chats_are_forgotten() {
        let pacer = ChatPacer::default();
        for chat in 0..100 {
            assert!(pacer.per_second.check_key(&chat).is_ok() && pacer.per_minute.check_key(&chat).is_ok());
        }
        assert_eq!(pacer.chats(), 100);
        // Nothing is forgotten while its bucket is not full again.
        pacer.forget_idle();
        assert_eq!(pacer.chats(), 100);
    }
}
