//! Handlers: small async functions that read the update, call one domain function and send one reply.
//! They take their dependencies as arguments (injected by the schema) and never build SQL or long texts inline.
//! Button handlers answer the press after their edit, so the spinner stops once the screen is up to date.

pub mod admin;
pub mod announce;
pub mod course;
pub mod editor;
pub mod fallback;
pub mod inbox;
pub mod menu;
pub mod privacy;
pub mod questions;
pub mod reminders;
pub mod sessions;
pub mod staff;
pub mod team;
pub mod variants;

/// What every handler returns; errors reach the dispatcher's error handler and are logged.
pub type HandlerResult = anyhow::Result<()>;
