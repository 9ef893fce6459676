//! The integration tests: one binary, one module per feature. Each test spawns the real bot (`helpers::spawn_app`)
//! against the Telegram Bot API emulator and a fresh database, SQLite by default, PostgreSQL when
//! `ACCEL_TEST_POSTGRES` is set (see README), and acts only as Telegram users would.

mod announce;
mod cli;
mod content;
mod crash;
mod curriculum;
mod delivery;
mod editor;
mod faq;
mod foundation;
mod hardening;
mod helpers;
mod i18n;
mod ops;
mod pacing;
mod process;
mod reminder_clock;
mod reminders;
mod replicas;
mod roles;
mod shutdown;
#[path = "../support/fs.rs"]
mod support_fs;
mod trainers;
mod ux;
mod variants;
mod weekly;
