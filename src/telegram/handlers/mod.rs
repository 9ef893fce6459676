//! Handlers: small async functions that read the update, call one domain function and send one reply.
//! They take their dependencies as arguments (injected by the schema) and never build SQL or long texts inline.

pub mod fallback;
pub mod menu;
pub mod staff;

/// What every handler returns; errors reach the dispatcher's error handler and are logged.
pub type HandlerResult = anyhow::Result<()>;
