//! `accelerateur`: a Telegram bot serving a free e-commerce training programme to French small businesses.
//!
//! A tour: [`config::Settings`] is read once from the environment; [`startup::Application`] opens the
//! [`storage::Db`] (SQLite or PostgreSQL), connects to the Bot API through [`telegram::Telegram`] and runs the
//! dptree [`telegram::schema::schema`]. Every word users read comes from [`i18n`] (Fluent files in `locales/fr/`)
//! and reaches Telegram as escaped [`text::Html`].

/// Announcements: reading what trainers type while composing one.
pub mod announcements;
/// Command-line interface (clap).
pub mod cli;
/// The current time, injectable for tests.
pub mod clock;
/// Typed settings from the environment.
pub mod config;
/// The FAQ index and curriculum in force, swapped atomically on reload.
pub mod content;
/// Progress through the curriculum (pure functions).
pub mod course;
/// Chapters and modules of the training programme, loaded from `faq/curriculum.toml`.
pub mod curriculum;
/// The delivery worker that drains the outbox (announcements, notes to trainers), paced and retried.
pub mod delivery;
/// The admins' FAQ editor in chat: drafts and the checks of each step.
pub mod editor;
/// The FAQ: content loading and validation, normalisation, index, matcher, evaluation.
pub mod faq;
/// Dates and times the French way (« mardi 1er décembre à 10 h »).
pub mod french;
/// Properties checked by the fuzz targets (`tests/fuzz/`) and by the replay of their seed corpus.
pub mod fuzz_checks;
/// French messages from Fluent files.
pub mod i18n;
/// The trainers' inbox: unanswered questions grouped by similarity.
pub mod inbox;
/// Prometheus metrics: the recorder and the few calls that feed it.
pub mod observe;
/// The webinar reminder scheduler: queues each session's reminders into the delivery queue when due.
pub mod reminders;
/// The daily purge of question logs older than the retention period.
pub mod retention;
/// Roles (merchant, trainer, admin): read from the database per update, seeded from the configuration, granted
/// and revoked by admins in the bot; one interface for routing, notifications, command menus and the sandbox.
pub mod roles;
/// `accelerateur sandbox`: the bot in a browser chat page, through the Bot API emulator.
pub mod sandbox;
/// Builds and runs the bot.
pub mod startup;
/// `/stats`: the programme's figures for trainers and admins.
pub mod stats;
/// The database: the only module that runs SQL.
pub mod storage;
/// The Bot API gateway, routing table and handlers.
pub mod telegram;
/// Local Telegram Bot API: integration tests and the browser sandbox run the bot against it.
pub mod telegram_emulator;
/// Logging set-up.
pub mod telemetry;
/// HTML-escaped text for Telegram.
pub mod text;
/// The HTTP server: health, readiness, metrics, and the webhook when enabled.
pub mod web;
/// The daily webinar's schedule.
pub mod webinar;
/// The Monday summary of `/stats` to the admins who asked for it.
pub mod weekly;
