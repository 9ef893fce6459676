//! The emulated Telegram world behind one mutex: users, their private chats
//! with the bot, the queue of updates the bot has not confirmed, callback
//! queries, commands, the journal of calls, faults and flood control.
//!
//! Every change bumps a version published on a `watch` channel; waits (long
//! polling, `wait_until`, the control page's `/control/state`) re-check their
//! condition on each new version instead of polling with sleeps.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use tokio::sync::watch;
use tokio::time::Instant;

use super::EmulatorConfig;
use super::EmulatorError;
use super::faults::{Faults, RateLimiter};
use super::parse_mode::{detect_bot_commands, render_html};
use super::types::{
    BotIdentity, Button, ButtonKind, CallbackAnswer, ChatMessage, CommandSet, Document, EmulatedUser, Entity,
    JournalEntry, NonText, chat_json, inline_keyboard_json, merge, non_text_json, user_json,
};

/// The journal keeps this many latest calls, so a long-running sandbox does
/// not grow without bound.
pub(crate) const JOURNAL_CAPACITY: usize = 10_000;

/// Seconds since the Unix epoch, Telegram's `date`.
pub(crate) fn unix_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// A message as the emulator stores it.
#[derive(Clone, Debug)]
pub(crate) struct StoredMessage {
    pub message_id: i32,
    pub from_bot: bool,
    pub date: i64,
    pub edit_date: Option<i64>,
    pub text: String,
    pub entities: Vec<Entity>,
    pub parse_mode: Option<String>,
    pub buttons: Vec<Vec<Button>>,
    pub edit_count: u32,
    pub non_text: Option<NonText>,
    pub document: Option<Document>,
}

impl StoredMessage {
    pub fn to_chat_message(&self) -> ChatMessage {
        ChatMessage {
            message_id: self.message_id,
            from_bot: self.from_bot,
            text: self.text.clone(),
            entities: self.entities.clone(),
            html: render_html(&self.text, &self.entities),
            parse_mode: self.parse_mode.clone(),
            buttons: self.buttons.clone(),
            edited: self.edit_date.is_some(),
            edit_count: self.edit_count,
            date: self.date,
            non_text: self.non_text,
            document: self.document.clone(),
        }
    }

    pub fn has_callback(&self, data: &str) -> bool {
        self.buttons.iter().flatten().any(|b| b.kind == ButtonKind::Callback(data.to_owned()))
    }
}

/// The private chat between the bot and one user (same id).
#[derive(Debug, Default)]
pub(crate) struct Chat {
    pub messages: Vec<StoredMessage>,
    next_message_id: i32,
    pub blocked: bool,
}

impl Chat {
    pub fn message(&self, message_id: i32) -> Option<&StoredMessage> {
        self.messages.iter().find(|m| m.message_id == message_id)
    }

    pub fn message_mut(&mut self, message_id: i32) -> Option<&mut StoredMessage> {
        self.messages.iter_mut().find(|m| m.message_id == message_id)
    }

    pub fn allocate_id(&mut self) -> i32 {
        self.next_message_id += 1;
        self.next_message_id
    }
}

/// An update waiting for the bot to fetch and confirm it.
#[derive(Clone, Debug)]
pub(crate) struct PendingUpdate {
    pub id: u32,
    pub body: Value,
}

#[derive(Debug)]
pub(crate) struct CallbackRecord {
    pub chat_id: i64,
    pub answered: bool,
}

/// A webhook set by `setWebhook`; `generation` tells its pusher task when it
/// has been replaced or deleted.
#[derive(Clone, Debug)]
pub(crate) struct Webhook {
    pub url: String,
    pub secret_token: Option<String>,
    pub generation: u64,
    pub last_error: Option<(i64, String)>,
}

pub(crate) struct State {
    pub token: String,
    pub bot: BotIdentity,
    pub users: BTreeMap<i64, EmulatedUser>,
    pub chats: BTreeMap<i64, Chat>,
    pub updates: VecDeque<PendingUpdate>,
    next_update_id: u32,
    pub callbacks: HashMap<String, CallbackRecord>,
    callback_order: Vec<String>,
    next_callback: u64,
    pub callback_answers: Vec<CallbackAnswer>,
    pub commands: Vec<CommandSet>,
    pub journal: VecDeque<JournalEntry>,
    next_seq: u64,
    pub faults: Faults,
    pub limiter: RateLimiter,
    pub webhook: Option<Webhook>,
    pub webhook_generation: u64,
    /// Bumped by each `getUpdates`, so an older one still waiting learns it
    /// was superseded (Telegram answers it 409).
    pub poller_generation: u64,
}

impl State {
    pub fn new(config: EmulatorConfig) -> Self {
        Self {
            bot: BotIdentity { id: config.bot_id, username: config.bot_username, first_name: config.bot_first_name },
            token: config.token,
            users: BTreeMap::new(),
            chats: BTreeMap::new(),
            updates: VecDeque::new(),
            next_update_id: 0,
            callbacks: HashMap::new(),
            callback_order: Vec::new(),
            next_callback: 0,
            callback_answers: Vec::new(),
            commands: Vec::new(),
            journal: VecDeque::new(),
            next_seq: 0,
            faults: Faults::default(),
            limiter: RateLimiter::new(config.rate_limit),
            webhook: None,
            webhook_generation: 0,
            poller_generation: 0,
        }
    }

    /// The user with this id, created as "Utilisateur {id}" when unknown.
    pub fn user(&mut self, user_id: i64) -> EmulatedUser {
        self.users.entry(user_id).or_insert_with(|| EmulatedUser::placeholder(user_id)).clone()
    }

    pub fn upsert_user(&mut self, user: EmulatedUser) {
        self.users.insert(user.id, user);
    }

    /// The chat with this user, opened if needed. A user acting in the chat
    /// has unblocked the bot, as Telegram's "Restart" button does.
    fn open_chat(&mut self, user_id: i64) -> &mut Chat {
        self.user(user_id);
        let chat = self.chats.entry(user_id).or_default();
        chat.blocked = false;
        chat
    }

    pub fn set_blocked(&mut self, user_id: i64, blocked: bool) {
        self.user(user_id);
        self.chats.entry(user_id).or_default().blocked = blocked;
    }

    fn queue_update(&mut self, kind: &str, payload: Value) -> u32 {
        self.next_update_id += 1;
        let id = self.next_update_id;
        let body = json!({ "update_id": id, kind: payload });
        self.updates.push_back(PendingUpdate { id, body });
        id
    }

    /// A user's message: stored in the chat and queued as a `message` update.
    pub fn user_sends(&mut self, user_id: i64, text: &str, non_text: Option<NonText>) -> i32 {
        let chat = self.open_chat(user_id);
        let message_id = chat.allocate_id();
        let entities = if non_text.is_none() { detect_bot_commands(text) } else { Vec::new() };
        let message = StoredMessage {
            message_id,
            from_bot: false,
            date: unix_now(),
            edit_date: None,
            text: if non_text.is_none() { text.to_owned() } else { String::new() },
            entities,
            parse_mode: None,
            buttons: Vec::new(),
            edit_count: 0,
            non_text,
            document: None,
        };
        let payload = self.message_json(user_id, &message);
        self.chats.get_mut(&user_id).expect("chat opened above").messages.push(message);
        self.queue_update("message", payload);
        message_id
    }

    /// A user's text message in a group (`group_id` < 0) the bot is a member of.
    pub fn user_sends_in_group(&mut self, group_id: i64, user_id: i64, text: &str) -> i32 {
        let user = self.user(user_id);
        let chat = self.chats.entry(group_id).or_default();
        let message_id = chat.allocate_id();
        let entities = detect_bot_commands(text);
        chat.messages.push(StoredMessage {
            message_id,
            from_bot: false,
            date: unix_now(),
            edit_date: None,
            text: text.to_owned(),
            entities: entities.clone(),
            parse_mode: None,
            buttons: Vec::new(),
            edit_count: 0,
            non_text: None,
            document: None,
        });
        let mut payload = json!({
            "message_id": message_id,
            "from": user_json(&user),
            "chat": { "id": group_id, "type": "supergroup", "title": "Groupe de commerçants" },
            "date": unix_now(),
            "text": text,
        });
        if !entities.is_empty() {
            payload["entities"] = json!(entities);
        }
        self.queue_update("message", payload);
        message_id
    }

    /// Queues an update as given (`kind` is its field: `channel_post`, `inline_query`, ...), for the kinds the
    /// emulator has no dedicated helper for.
    pub fn queue_raw_update(&mut self, kind: &str, payload: Value) -> u32 {
        self.queue_update(kind, payload)
    }

    /// Queues a `message`-like update (`kind` = `message`, `edited_message`, ...) in the private chat with
    /// `user_id`: the envelope (id, sender, chat, date) is the emulator's, `fields` adds the rest (`text`,
    /// `contact`, `forward_origin`, ...). The chat is opened, so the bot can answer, but nothing is stored in it.
    pub fn user_sends_raw(&mut self, user_id: i64, kind: &str, fields: Value) -> u32 {
        let user = self.user(user_id);
        let message_id = self.open_chat(user_id).allocate_id();
        let mut payload = json!({
            "message_id": message_id,
            "from": user_json(&user),
            "chat": chat_json(&user),
            "date": unix_now(),
        });
        if kind.starts_with("edited") {
            payload["edit_date"] = json!(unix_now());
        }
        merge(&mut payload, fields);
        self.queue_update(kind, payload)
    }

    /// A press on a bot message's inline button. With `check`, the message
    /// must be a bot message of the chat carrying a button with this data.
    pub fn press(&mut self, user_id: i64, message_id: i32, data: &str, check: bool) -> Result<String, EmulatorError> {
        let user = self.user(user_id);
        let message = self.chats.get(&user_id).and_then(|c| c.message(message_id)).cloned();
        if check {
            let found = message.as_ref().ok_or(EmulatorError::MessageNotFound { chat_id: user_id, message_id })?;
            if !found.from_bot {
                return Err(EmulatorError::NotABotMessage { chat_id: user_id, message_id });
            }
            if !found.has_callback(data) {
                return Err(EmulatorError::NoSuchButton { chat_id: user_id, message_id, data: data.to_owned() });
            }
        }
        self.open_chat(user_id);
        let message_json = match &message {
            Some(m) => self.message_json(user_id, m),
            // Telegram's `InaccessibleMessage`: the message is gone.
            None => json!({ "chat": chat_json(&user), "message_id": message_id, "date": 0 }),
        };
        self.next_callback += 1;
        let id = (4_000_000_000_000_000_000_u64 + self.next_callback).to_string();
        let payload = json!({
            "id": id,
            "from": user_json(&user),
            "message": message_json,
            "chat_instance": format!("{}", 7_000_000_000_000_000_000_i64 + user_id),
            "data": data,
        });
        self.callbacks.insert(id.clone(), CallbackRecord { chat_id: user_id, answered: false });
        self.callback_order.push(id.clone());
        self.queue_update("callback_query", payload);
        Ok(id)
    }

    pub fn pending_callbacks(&self) -> Vec<String> {
        self.callback_order.iter().filter(|id| self.callbacks.get(*id).is_some_and(|c| !c.answered)).cloned().collect()
    }

    /// Telegram's `Message` JSON for a message of the chat with `chat_id`.
    pub fn message_json(&self, chat_id: i64, message: &StoredMessage) -> Value {
        let user = self.users.get(&chat_id).cloned().unwrap_or_else(|| EmulatedUser::placeholder(chat_id));
        let from = if message.from_bot { self.bot.user_json() } else { user_json(&user) };
        let mut value = json!({
            "message_id": message.message_id,
            "from": from,
            "chat": chat_json(&user),
            "date": message.date,
        });
        if let Some(edit_date) = message.edit_date {
            value["edit_date"] = json!(edit_date);
        }
        match (message.non_text, &message.document) {
            (Some(kind), _) => merge(&mut value, non_text_json(kind, message.message_id)),
            (None, Some(document)) => {
                value["document"] = json!({
                    "file_id": document.file_id,
                    "file_unique_id": document.file_id,
                    "file_name": document.file_name,
                    "mime_type": document.mime_type,
                    "file_size": document.file_size,
                });
                if !message.text.is_empty() {
                    value["caption"] = json!(message.text);
                }
                if !message.entities.is_empty() {
                    value["caption_entities"] = json!(message.entities);
                }
            }
            (None, None) => {
                value["text"] = json!(message.text);
                if !message.entities.is_empty() {
                    value["entities"] = json!(message.entities);
                }
            }
        }
        if !message.buttons.is_empty() {
            value["reply_markup"] = inline_keyboard_json(&message.buttons);
        }
        value
    }

    pub fn transcript(&self, chat_id: i64) -> Vec<ChatMessage> {
        self.chats
            .get(&chat_id)
            .map_or_else(Vec::new, |c| c.messages.iter().map(StoredMessage::to_chat_message).collect())
    }

    pub fn bot_message_count(&self, chat_id: i64) -> usize {
        self.chats.get(&chat_id).map_or(0, |c| c.messages.iter().filter(|m| m.from_bot).count())
    }

    pub fn record_call(
        &mut self,
        method: &str,
        chat_id: Option<i64>,
        params: Value,
        status: u16,
        error: Option<String>,
    ) {
        self.next_seq += 1;
        self.journal.push_back(JournalEntry {
            seq: self.next_seq,
            method: method.to_owned(),
            chat_id,
            params,
            status,
            error,
        });
        while self.journal.len() > JOURNAL_CAPACITY {
            self.journal.pop_front();
        }
    }

    /// Drops updates the bot confirmed: `offset` > 0 confirms every update
    /// below it; a negative `offset` keeps only the last `-offset` updates.
    pub fn confirm_updates(&mut self, offset: i64) {
        if offset > 0 {
            self.updates.retain(|u| i64::from(u.id) >= offset);
        } else if offset < 0 {
            let keep = usize::try_from(offset.unsigned_abs()).unwrap_or(usize::MAX);
            while self.updates.len() > keep {
                self.updates.pop_front();
            }
        }
    }
}

/// The state plus its change notifications.
pub(crate) struct Shared {
    state: Mutex<State>,
    version: watch::Sender<u64>,
    /// Never fires: the stop signal of routers not served by `spawn`.
    pub never_stop: watch::Sender<bool>,
    pub http: reqwest::Client,
}

impl Shared {
    pub fn new(config: EmulatorConfig) -> Self {
        Self {
            state: Mutex::new(State::new(config)),
            version: watch::Sender::new(0),
            never_stop: watch::Sender::new(false),
            http: reqwest::Client::new(),
        }
    }

    pub fn read<R>(&self, f: impl FnOnce(&State) -> R) -> R {
        let state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        f(&state)
    }

    /// Runs `f` on the state, then publishes a new version.
    pub fn mutate<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        let result = {
            let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
            f(&mut state)
        };
        self.version.send_modify(|v| *v += 1);
        result
    }

    pub fn version(&self) -> u64 {
        *self.version.borrow()
    }

    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.version.subscribe()
    }

    /// Waits until `check` returns `Some`, re-checking after every change,
    /// until `deadline` (`None` when reached) or `stop` turns true.
    pub async fn wait_for<R>(
        &self,
        mut check: impl FnMut(&State) -> Option<R>,
        deadline: Instant,
        mut stop: Option<watch::Receiver<bool>>,
    ) -> Option<R> {
        let mut changes = self.subscribe();
        loop {
            changes.borrow_and_update();
            if let Some(found) = self.read(&mut check) {
                return Some(found);
            }
            let stopped = async {
                match stop.as_mut() {
                    Some(stop) => {
                        // A dropped sender means nobody can stop us.
                        if stop.wait_for(|s| *s).await.is_err() {
                            std::future::pending::<()>().await;
                        }
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                changed = changes.changed() => {
                    if changed.is_err() {
                        return None;
                    }
                }
                () = tokio::time::sleep_until(deadline) => return self.read(&mut check),
                () = stopped => return None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> State {
        State::new(EmulatorConfig::default())
    }

    #[test]
    fn user_messages_queue_updates_with_increasing_ids() {
        let mut s = state();
        assert_eq!(s.user_sends(42, "/start", None), 1);
        assert_eq!(s.user_sends(42, "bonjour", None), 2);
        let ids: Vec<u32> = s.updates.iter().map(|u| u.id).collect();
        assert_eq!(ids, vec![1, 2]);
        assert_eq!(s.updates[0].body["message"]["entities"][0]["type"], "bot_command");
        assert_eq!(s.users[&42].first_name, "Utilisateur 42");
    }

    #[test]
    fn queued_updates_are_read_by_teloxide() {
        let mut s = state();
        s.user_sends(42, "salut", None);
        for kind in [NonText::Sticker, NonText::Photo, NonText::Voice, NonText::Location, NonText::Document] {
            s.user_sends(42, "", Some(kind));
        }
        s.press(42, 99, "stale", false).unwrap();
        for update in &s.updates {
            // teloxide reads updates from text (its `UpdateKind` needs borrowed keys).
            let parsed: teloxide::types::Update = serde_json::from_str(&update.body.to_string()).unwrap();
            assert!(!matches!(parsed.kind, teloxide::types::UpdateKind::Error(_)), "{}", update.body);
        }
    }

    #[test]
    fn confirming_drops_earlier_updates() {
        let mut s = state();
        for _ in 0..4 {
            s.user_sends(1, "x", None);
        }
        s.confirm_updates(3);
        assert_eq!(s.updates.front().map(|u| u.id), Some(3));
        s.confirm_updates(-1);
        assert_eq!(s.updates.len(), 1);
        assert_eq!(s.updates[0].id, 4);
    }

    #[test]
    fn pressing_checks_the_button_exists() {
        let mut s = state();
        s.user_sends(5, "hi", None);
        assert!(matches!(s.press(5, 1, "x", true), Err(EmulatorError::NotABotMessage { .. })));
        assert!(matches!(s.press(5, 9, "x", true), Err(EmulatorError::MessageNotFound { .. })));
    }

    #[test]
    fn journal_is_bounded() {
        let mut s = state();
        for _ in 0..JOURNAL_CAPACITY + 5 {
            s.record_call("GetMe", None, json!({}), 200, None);
        }
        assert_eq!(s.journal.len(), JOURNAL_CAPACITY);
        assert_eq!(s.journal.front().map(|e| e.seq), Some(6));
    }
}
