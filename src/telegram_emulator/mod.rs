//! A local Telegram Bot API: the bot talks to it exactly as to
//! `api.telegram.org`, while tests and the browser sandbox act as users and
//! watch what the bot does.
//!
//! [`Emulator`] owns the emulated world (users, private chats, pending
//! updates, callback queries, commands, a journal of every call). Built from
//! an [`EmulatorConfig`], it serves two HTTP surfaces from one
//! [`Emulator::router`]:
//!
//! - the Bot API under `/bot{token}/{method}` (`bot_api`), with Telegram's
//!   JSON shapes, status codes and error descriptions (`parse_mode` checks
//!   formatted text, `faults` scripts 429/5xx/400/403 and flood control);
//! - a control API under `/control/...` (`control`) for the sandbox page.
//!
//! [`Emulator::spawn`] binds `127.0.0.1:0` and returns a [`RunningServer`]
//! whose [`RunningServer::api_url`] goes to `Bot::set_api_url`. Tests act with
//! [`Emulator::send_text`] / [`Emulator::press_button`] and wait with
//! [`Emulator::wait_for_bot_messages`] / [`Emulator::wait_until`], which wake
//! on state changes rather than polling.
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! use accelerateur::telegram_emulator::{Emulator, EmulatorConfig};
//! use std::time::Duration;
//!
//! let (emulator, server) = Emulator::spawn(EmulatorConfig::default()).await?;
//! let bot = teloxide::Bot::new("sandbox-token").set_api_url(server.api_url());
//! // ... start the bot's dispatcher with `bot` ...
//! emulator.send_text(42, "/start");
//! let replies = emulator.wait_for_bot_messages(42, 1, Duration::from_secs(5)).await?;
//! # let _ = (bot, replies);
//! # Ok(())
//! # }
//! ```

mod bot_api; // Bot API methods over HTTP, webhook delivery
mod control; // control routes for the sandbox page
mod faults; // injected faults and flood control
mod parse_mode; // HTML / MarkdownV2 / Markdown -> text + entities, and back to HTML
mod state; // the emulated world and its change notifications
mod types; // public records and Telegram JSON shapes

use std::future::IntoFuture;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::Instant;

pub use bot_api::{MAX_CAPTION_UTF16, MAX_UPLOAD_BYTES};
pub use faults::{Fault, FaultKind, RateLimit};
pub use parse_mode::{FormattedText, MAX_TEXT_UTF16, ParseError, ParseMode, parse, render_html, utf16_len};
pub use types::{
    Button, ButtonKind, CallbackAnswer, ChatMessage, CommandSet, Document, EmulatedUser, Entity, EntityKind,
    JournalEntry, NonText,
};

use state::Shared;

/// Who the emulated bot is and how strict Telegram is with it.
#[derive(Clone, Debug)]
pub struct EmulatorConfig {
    /// The only token accepted; other tokens get 401 "Unauthorized".
    pub token: String,
    pub bot_id: i64,
    pub bot_username: String,
    pub bot_first_name: String,
    /// Sends beyond these get 429 with `retry_after`.
    pub rate_limit: RateLimit,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self {
            token: "sandbox-token".to_owned(),
            bot_id: 1_000_000,
            bot_username: "accelerateur_bot".to_owned(),
            bot_first_name: "Accélérateur".to_owned(),
            rate_limit: RateLimit::default(),
        }
    }
}

/// Why an emulator action or wait failed. Messages are English sentences
/// (the control API returns them as `{"error": ..}`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmulatorError {
    #[error("message {message_id} does not exist in chat {chat_id}")]
    MessageNotFound { chat_id: i64, message_id: i32 },
    #[error("message {message_id} in chat {chat_id} was sent by the user, not by the bot")]
    NotABotMessage { chat_id: i64, message_id: i32 },
    #[error("message {message_id} in chat {chat_id} has no button with callback data {data:?}")]
    NoSuchButton { chat_id: i64, message_id: i32, data: String },
    #[error("timed out after {waited:?} waiting for {what}")]
    Timeout { waited: Duration, what: String },
}

/// The state shared by the routes of one served router.
#[derive(Clone)]
pub(crate) struct AppState {
    shared: Arc<Shared>,
    /// Turns true when the server stops, so long polls return at once.
    stop: watch::Receiver<bool>,
}

/// A local Telegram Bot API. Cheap to clone; clones share one world.
#[derive(Clone)]
pub struct Emulator {
    shared: Arc<Shared>,
}

impl Emulator {
    #[must_use]
    pub fn new(config: EmulatorConfig) -> Self {
        Self { shared: Arc::new(Shared::new(config)) }
    }

    /// The Bot API (`/bot{token}/{method}`) and the control API (`/control/..`).
    pub fn router(&self) -> Router {
        self.router_with_stop(self.shared.never_stop.subscribe())
    }

    fn router_with_stop(&self, stop: watch::Receiver<bool>) -> Router {
        let app = AppState { shared: Arc::clone(&self.shared), stop };
        Router::new().merge(control::router()).merge(bot_api::router()).with_state(app)
    }

    /// Starts an emulator on `127.0.0.1` with a free port.
    pub async fn spawn(config: EmulatorConfig) -> std::io::Result<(Self, RunningServer)> {
        let emulator = Self::new(config);
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let server = emulator.serve(listener)?;
        Ok((emulator, server))
    }

    /// Serves this emulator on `listener` (the sandbox picks its own port).
    pub fn serve(&self, listener: TcpListener) -> std::io::Result<RunningServer> {
        let addr = listener.local_addr()?;
        let (stop, stop_rx) = watch::channel(false);
        let router = self.router_with_stop(stop_rx.clone());
        let mut shutdown_rx = stop_rx;
        let task = tokio::spawn(
            axum::serve(listener, router)
                .with_graceful_shutdown(async move {
                    let _ = shutdown_rx.wait_for(|s| *s).await;
                })
                .into_future(),
        );
        Ok(RunningServer { addr, stop, task: Some(task) })
    }

    /// The token the emulator accepts.
    #[must_use]
    pub fn token(&self) -> String {
        self.shared.read(|s| s.token.clone())
    }

    // ---- acting as users ----

    /// Adds a user or replaces their profile.
    pub fn upsert_user(&self, user: EmulatedUser) {
        self.shared.mutate(|s| s.upsert_user(user));
    }

    /// Every known user, by id.
    #[must_use]
    pub fn users(&self) -> Vec<EmulatedUser> {
        self.shared.read(|s| s.users.values().cloned().collect())
    }

    /// The user writes `text` in their private chat with the bot; queues a
    /// `message` update and returns the message id.
    pub fn send_text(&self, user_id: i64, text: &str) -> i32 {
        self.shared.mutate(|s| s.user_sends(user_id, text, None))
    }

    /// The user sends a sticker, photo, voice note, location or document.
    pub fn send_non_text(&self, user_id: i64, kind: NonText) -> i32 {
        self.shared.mutate(|s| s.user_sends(user_id, "", Some(kind)))
    }

    /// User `user_id` writes `text` in group `group_id` (negative, as Telegram's group ids are).
    pub fn send_group_text(&self, group_id: i64, user_id: i64, text: &str) -> i32 {
        self.shared.mutate(|s| s.user_sends_in_group(group_id, user_id, text))
    }

    /// Queues an update as given: `kind` is the update's field (`edited_message`, `channel_post`, ...) and
    /// `payload` its JSON value. Returns the update id.
    pub fn send_raw_update(&self, kind: &str, payload: serde_json::Value) -> u32 {
        self.shared.mutate(|s| s.queue_raw_update(kind, payload))
    }

    /// User `user_id` sends a message update of any shape in the private chat (`kind` is `message`,
    /// `edited_message`...; `fields` the message's fields beyond id, sender, chat and date). Returns the update id.
    pub fn send_private_raw(&self, user_id: i64, kind: &str, fields: serde_json::Value) -> u32 {
        self.shared.mutate(|s| s.user_sends_raw(user_id, kind, fields))
    }

    /// The user presses the inline button carrying `data` on bot message
    /// `message_id`; queues a `callback_query` update and returns its id.
    pub fn press_button(&self, user_id: i64, message_id: i32, data: &str) -> Result<String, EmulatorError> {
        self.shared.mutate(|s| s.press(user_id, message_id, data, true))
    }

    /// Like [`Self::press_button`] without any check: forged or stale data,
    /// or a message that no longer exists.
    pub fn press_raw(&self, user_id: i64, message_id: i32, data: &str) -> String {
        self.shared.mutate(|s| s.press(user_id, message_id, data, false)).expect("unchecked presses cannot fail")
    }

    /// While blocked, every send or edit to the user's chat gets 403
    /// "Forbidden: bot was blocked by the user". A user who writes or presses
    /// a button has unblocked the bot again, as in Telegram.
    pub fn set_blocked(&self, user_id: i64, blocked: bool) {
        self.shared.mutate(|s| s.set_blocked(user_id, blocked));
    }

    /// The user opened a chat with the bot some time ago (the bot may write to them) without any update now:
    /// how benchmarks and crash tests seed thousands of recipients.
    pub fn open_chat(&self, user_id: i64) {
        self.set_blocked(user_id, false);
    }

    // ---- faults ----

    pub fn inject_fault(&self, fault: Fault) {
        self.shared.mutate(|s| s.faults.add(fault));
    }

    pub fn clear_faults(&self) {
        self.shared.mutate(|s| s.faults.clear());
    }

    /// Faults not used up yet.
    #[must_use]
    pub fn pending_faults(&self) -> Vec<Fault> {
        self.shared.read(|s| s.faults.list())
    }

    pub fn set_rate_limit(&self, limit: RateLimit) {
        self.shared.mutate(|s| s.limiter.set_limit(limit));
    }

    // ---- observing ----

    /// Every message of the chat in order, the user's and the bot's, in
    /// their current state.
    #[must_use]
    pub fn transcript(&self, chat_id: i64) -> Vec<ChatMessage> {
        self.shared.read(|s| s.transcript(chat_id))
    }

    /// The bot's messages of the chat, in order.
    #[must_use]
    pub fn bot_messages(&self, chat_id: i64) -> Vec<ChatMessage> {
        let mut messages = self.transcript(chat_id);
        messages.retain(|m| m.from_bot);
        messages
    }

    /// How many messages the bot has sent, all chats together (cheap enough to poll in benchmarks).
    #[must_use]
    pub fn bot_messages_sent(&self) -> usize {
        self.shared.read(|s| s.chats.keys().map(|chat| s.bot_message_count(*chat)).sum())
    }

    /// Waits until the chat holds at least `n` bot messages, and returns them all.
    pub async fn wait_for_bot_messages(
        &self,
        chat_id: i64,
        n: usize,
        timeout: Duration,
    ) -> Result<Vec<ChatMessage>, EmulatorError> {
        let deadline = Instant::now() + timeout;
        let found = self.shared.wait_for(|s| (s.bot_message_count(chat_id) >= n).then_some(()), deadline, None).await;
        match found {
            Some(()) => Ok(self.bot_messages(chat_id)),
            None => Err(EmulatorError::Timeout {
                waited: timeout,
                what: format!("{n} bot messages in chat {chat_id} (got {})", self.bot_messages(chat_id).len()),
            }),
        }
    }

    /// Waits until `condition` holds; it is re-evaluated after every change
    /// of the emulator's state.
    pub async fn wait_until<F>(&self, condition: F, timeout: Duration) -> Result<(), EmulatorError>
    where
        F: Fn(&Self) -> bool,
    {
        let deadline = Instant::now() + timeout;
        let mut changes = self.shared.subscribe();
        loop {
            changes.borrow_and_update();
            if condition(self) {
                return Ok(());
            }
            tokio::select! {
                changed = changes.changed() => {
                    if changed.is_err() {
                        break;
                    }
                }
                () = tokio::time::sleep_until(deadline) => break,
            }
        }
        if condition(self) {
            return Ok(());
        }
        Err(EmulatorError::Timeout { waited: timeout, what: "the condition".to_owned() })
    }

    /// Increases on every change; `/control/state` long-polls on it.
    #[must_use]
    pub fn version(&self) -> u64 {
        self.shared.version()
    }

    /// Every Bot API call received (the latest 10 000), oldest first.
    #[must_use]
    pub fn journal(&self) -> Vec<JournalEntry> {
        self.shared.read(|s| s.journal.iter().cloned().collect())
    }

    /// Accepted `answerCallbackQuery` calls, in order.
    #[must_use]
    pub fn callback_answers(&self) -> Vec<CallbackAnswer> {
        self.shared.read(|s| s.callback_answers.clone())
    }

    /// The commands set per (scope, language), last call wins.
    #[must_use]
    pub fn commands(&self) -> Vec<CommandSet> {
        self.shared.read(|s| s.commands.clone())
    }

    /// Ids of callback queries the bot has not answered yet, oldest first.
    #[must_use]
    pub fn pending_callbacks(&self) -> Vec<String> {
        self.shared.read(state::State::pending_callbacks)
    }

    /// Updates queued and not yet confirmed by the bot.
    #[must_use]
    pub fn pending_update_count(&self) -> usize {
        self.shared.read(|s| s.updates.len())
    }
}

/// An emulator being served over HTTP. Stops on drop or [`Self::shutdown`];
/// pending long polls then return at once.
pub struct RunningServer {
    addr: SocketAddr,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl RunningServer {
    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT/`
    #[must_use]
    pub fn base_url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// The base URL for `Bot::set_api_url`.
    #[must_use]
    pub fn api_url(&self) -> url::Url {
        url::Url::parse(&self.base_url()).expect("a socket address makes a valid URL")
    }

    /// Stops accepting connections, ends long polls and waits for the server.
    pub async fn shutdown(mut self) -> std::io::Result<()> {
        self.stop.send_replace(true);
        match self.task.take() {
            Some(task) => task.await.map_err(std::io::Error::other)?,
            None => Ok(()),
        }
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        self.stop.send_replace(true);
    }
}

#[cfg(test)]
mod tests;
