//! Scripted failures and flood control: the faults a test or the sandbox
//! injects (`Fault`, consumed per matching call) and the rate limiter that
//! answers 429 like Telegram once sends exceed `RateLimit`.
//!
//! Time is `tokio::time::Instant`, so tests with a paused clock can step
//! through a rate-limit window without sleeping.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::time::Instant;

/// A failure to answer instead of handling matching calls, `times` times.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fault {
    /// Method name, case-insensitive; `None` matches every method, the bot's
    /// next `getUpdates` poll included, so name the method to hit a send.
    #[serde(default)]
    pub method: Option<String>,
    /// Only calls about this chat; `None` matches every call.
    #[serde(default)]
    pub chat_id: Option<i64>,
    pub kind: FaultKind,
    /// How many matching calls fail; the fault is gone after that.
    #[serde(default = "one")]
    pub times: u32,
}

fn one() -> u32 {
    1
}

impl Fault {
    /// A fault for the next call of any method about any chat.
    #[must_use]
    pub fn new(kind: FaultKind) -> Self {
        Self { method: None, chat_id: None, kind, times: 1 }
    }

    #[must_use]
    pub fn on_method(mut self, method: &str) -> Self {
        self.method = Some(method.to_owned());
        self
    }

    #[must_use]
    pub fn for_chat(mut self, chat_id: i64) -> Self {
        self.chat_id = Some(chat_id);
        self
    }

    #[must_use]
    pub fn times(mut self, times: u32) -> Self {
        self.times = times;
        self
    }

    fn matches(&self, method: &str, chat_id: Option<i64>) -> bool {
        let method_matches = self.method.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(method));
        let chat_matches = self.chat_id.is_none_or(|c| chat_id == Some(c));
        method_matches && chat_matches && self.times > 0
    }
}

/// What an injected fault does. JSON: `{"type":"too_many_requests","retry_after":3}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FaultKind {
    /// 429 "Too Many Requests: retry after N" with `parameters.retry_after`.
    TooManyRequests { retry_after: u32 },
    /// An HTTP 5xx (or any status) with Telegram's JSON error body. Note that
    /// teloxide waits 10 s after any 5xx before reporting it.
    ServerError { status: u16 },
    /// 400 with this description ("Bad Request: " is added when missing).
    BadRequest { description: String },
    /// 403 with this description ("Forbidden: " is added when missing),
    /// e.g. "user is deactivated".
    Forbidden { description: String },
    /// Wait this long, then handle the call normally.
    Delay { millis: u64 },
    /// Close the connection without an answer; the call is not carried out. The client sees a network error
    /// ("connection closed before message completed"), as when a proxy or Telegram's front end drops it.
    DropConnection,
}

/// The pending injected faults, first match wins.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    pending: Vec<Fault>,
}

impl Faults {
    pub fn add(&mut self, fault: Fault) {
        if fault.times > 0 {
            self.pending.push(fault);
        }
    }

    pub fn clear(&mut self) {
        self.pending.clear();
    }

    pub fn list(&self) -> Vec<Fault> {
        self.pending.clone()
    }

    /// Consumes one use of the first fault matching this call.
    pub fn take(&mut self, method: &str, chat_id: Option<i64>) -> Option<FaultKind> {
        let index = self.pending.iter().position(|f| f.matches(method, chat_id))?;
        let fault = &mut self.pending[index];
        fault.times -= 1;
        let kind = fault.kind.clone();
        if fault.times == 0 {
            self.pending.remove(index);
        }
        Some(kind)
    }
}

/// How many sends Telegram accepts before answering 429. `None` = unlimited.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateLimit {
    #[serde(default)]
    pub per_chat_per_minute: Option<u32>,
    #[serde(default)]
    pub global_per_second: Option<u32>,
}

/// Sliding windows of accepted sends, per chat (one minute) and overall
/// (one second).
#[derive(Debug, Default)]
pub(crate) struct RateLimiter {
    limit: RateLimit,
    per_chat: HashMap<i64, VecDeque<Instant>>,
    global: VecDeque<Instant>,
}

const CHAT_WINDOW: Duration = Duration::from_secs(60);
const GLOBAL_WINDOW: Duration = Duration::from_secs(1);

impl RateLimiter {
    pub fn new(limit: RateLimit) -> Self {
        Self { limit, ..Self::default() }
    }

    pub fn set_limit(&mut self, limit: RateLimit) {
        self.limit = limit;
    }

    /// `Err(retry_after)` in whole seconds (at least 1) when one more send to
    /// `chat_id` now would exceed a limit.
    pub fn check(&mut self, chat_id: i64, now: Instant) -> Result<(), u32> {
        prune(&mut self.global, now, GLOBAL_WINDOW);
        if let Some(limit) = self.limit.global_per_second
            && self.global.len() >= limit as usize
        {
            return Err(retry_after(&self.global, limit, now, GLOBAL_WINDOW));
        }
        let window = self.per_chat.entry(chat_id).or_default();
        prune(window, now, CHAT_WINDOW);
        if let Some(limit) = self.limit.per_chat_per_minute
            && window.len() >= limit as usize
        {
            return Err(retry_after(window, limit, now, CHAT_WINDOW));
        }
        Ok(())
    }

    /// Counts an accepted send.
    pub fn record(&mut self, chat_id: i64, now: Instant) {
        self.global.push_back(now);
        self.per_chat.entry(chat_id).or_default().push_back(now);
    }
}

fn prune(window: &mut VecDeque<Instant>, now: Instant, length: Duration) {
    while window.front().is_some_and(|&t| now.duration_since(t) >= length) {
        window.pop_front();
    }
}

/// Seconds until enough sends leave the window for one more to fit.
fn retry_after(window: &VecDeque<Instant>, limit: u32, now: Instant, length: Duration) -> u32 {
    let excess = window.len() + 1 - limit as usize;
    let frees_at = window.get(excess - 1).map_or(now + length, |&t| t + length);
    let wait = frees_at.saturating_duration_since(now);
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    u32::try_from(secs.max(1)).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fault_is_consumed_per_matching_call() {
        let mut faults = Faults::default();
        faults.add(Fault::new(FaultKind::ServerError { status: 502 }).on_method("sendmessage").for_chat(42).times(2));
        assert_eq!(faults.take("GetMe", None), None);
        assert_eq!(faults.take("SendMessage", Some(7)), None);
        assert!(faults.take("SendMessage", Some(42)).is_some());
        assert!(faults.take("SENDMESSAGE", Some(42)).is_some());
        assert_eq!(faults.take("SendMessage", Some(42)), None);
    }

    #[test]
    fn a_fault_without_method_or_chat_matches_everything() {
        let mut faults = Faults::default();
        faults.add(Fault::new(FaultKind::Delay { millis: 1 }));
        assert_eq!(faults.take("GetMe", None), Some(FaultKind::Delay { millis: 1 }));
        assert!(faults.list().is_empty());
    }

    #[test]
    fn fault_json_is_tagged_by_type() {
        let fault: Fault = serde_json::from_value(serde_json::json!({
            "method": "SendMessage",
            "kind": {"type": "too_many_requests", "retry_after": 3}
        }))
        .unwrap();
        assert_eq!(fault.kind, FaultKind::TooManyRequests { retry_after: 3 });
        assert_eq!(fault.times, 1);
    }

    #[test]
    fn per_chat_limit_answers_the_seconds_until_a_slot_frees() {
        let mut limiter = RateLimiter::new(RateLimit { per_chat_per_minute: Some(2), global_per_second: None });
        let start = Instant::now();
        for _ in 0..2 {
            limiter.check(1, start).unwrap();
            limiter.record(1, start);
        }
        assert_eq!(limiter.check(1, start), Err(60));
        assert_eq!(limiter.check(2, start), Ok(()));
        let later = start + Duration::from_millis(59_500);
        assert_eq!(limiter.check(1, later), Err(1));
        assert_eq!(limiter.check(1, start + CHAT_WINDOW), Ok(()));
    }

    #[test]
    fn global_limit_spans_chats() {
        let mut limiter = RateLimiter::new(RateLimit { per_chat_per_minute: None, global_per_second: Some(1) });
        let now = Instant::now();
        limiter.record(1, now);
        assert_eq!(limiter.check(2, now), Err(1));
        assert_eq!(limiter.check(2, now + GLOBAL_WINDOW), Ok(()));
    }

    #[test]
    fn unlimited_by_default() {
        let mut limiter = RateLimiter::default();
        let now = Instant::now();
        for _ in 0..1000 {
            limiter.record(1, now);
        }
        assert_eq!(limiter.check(1, now), Ok(()));
    }
}
