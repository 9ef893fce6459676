//! [`Clock`]: the current time, injected so that tests control it.

use std::sync::{Arc, Mutex};

use jiff::Timestamp;

/// A source of "now".
pub trait Clock: Send + Sync {
    fn now(&self) -> Timestamp;
}

/// The system clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// A clock that only moves when told to (tests, the sandbox's time travel).
#[derive(Debug)]
pub struct ManualClock(Mutex<Timestamp>);

impl ManualClock {
    #[must_use]
    pub fn new(start: Timestamp) -> Self {
        Self(Mutex::new(start))
    }

    pub fn set(&self, now: Timestamp) {
        *self.0.lock().expect("clock lock") = now;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        *self.0.lock().expect("clock lock")
    }
}

/// The clock handed to handlers and workers.
#[derive(Clone)]
pub struct AppClock(Arc<dyn Clock>);

impl AppClock {
    #[must_use]
    pub fn new(clock: Arc<dyn Clock>) -> Self {
        Self(clock)
    }

    #[must_use]
    pub fn system() -> Self {
        Self(Arc::new(SystemClock))
    }

    #[must_use]
    pub fn now(&self) -> Timestamp {
        self.0.now()
    }

    /// Unix seconds, as stored in the database.
    #[must_use]
    pub fn unix(&self) -> i64 {
        self.now().as_second()
    }
}
