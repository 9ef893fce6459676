//! Everything Telegram: the gateway that sends ([`gateway`]), the routing table ([`schema`]), typed commands and
//! button payloads, keyboards, and the handlers behind them.

/// Every update gets an answer, even when its handler fails.
pub mod answered;
pub mod callback;
pub mod commands;
pub mod dialogue;
pub mod gateway;
pub mod handlers;
pub mod keyboards;
/// Every update counted and timed, around the routing table.
pub mod observed;
pub mod pacer;
pub mod schema;
pub mod sender;

pub use gateway::{SendOutcome, Telegram, Tg};
