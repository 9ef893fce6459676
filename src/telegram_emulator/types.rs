//! The emulator's data shapes: the public records tests and the sandbox read
//! (`ChatMessage`, `JournalEntry`, ...) and the builders of the Telegram JSON
//! objects (`User`, `Chat`, `Message`, `Update`) that teloxide deserialises.
//!
//! Every JSON builder here is checked against teloxide's own types in the
//! tests at the bottom, so a shape teloxide cannot read fails here first.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// A Telegram user the emulator acts as.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmulatedUser {
    pub id: i64,
    pub first_name: String,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default = "default_language_code")]
    pub language_code: String,
}

fn default_language_code() -> String {
    "fr".to_owned()
}

impl EmulatedUser {
    /// A French-speaking user with only a first name.
    #[must_use]
    pub fn new(id: i64, first_name: &str) -> Self {
        Self {
            id,
            first_name: first_name.to_owned(),
            last_name: None,
            username: None,
            language_code: default_language_code(),
        }
    }

    /// The user the emulator creates when an unknown id acts.
    #[must_use]
    pub fn placeholder(id: i64) -> Self {
        Self::new(id, &format!("Utilisateur {id}"))
    }
}

/// A message without text a user can send.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NonText {
    Sticker,
    Photo,
    Voice,
    Location,
    Document,
}

/// What a message entity does, spelled as Telegram's `type` field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EntityKind {
    Mention,
    Hashtag,
    Cashtag,
    BotCommand,
    Url,
    Email,
    PhoneNumber,
    Bold,
    Italic,
    Underline,
    Strikethrough,
    Spoiler,
    Blockquote,
    ExpandableBlockquote,
    Code,
    Pre {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        language: Option<String>,
    },
    TextLink {
        url: String,
    },
    CustomEmoji {
        custom_emoji_id: String,
    },
}

/// A Telegram message entity; `offset` and `length` count UTF-16 code units.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    #[serde(flatten)]
    pub kind: EntityKind,
    pub offset: usize,
    pub length: usize,
}

impl Entity {
    #[must_use]
    pub fn new(kind: EntityKind, offset: usize, length: usize) -> Self {
        Self { kind, offset, length }
    }

    /// UTF-16 offset just past the entity.
    #[must_use]
    pub fn end(&self) -> usize {
        self.offset + self.length
    }
}

/// An inline keyboard button.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Button {
    pub text: String,
    #[serde(flatten)]
    pub kind: ButtonKind,
}

/// What pressing a button does. Serialised as Telegram does:
/// `{"callback_data": ".."}` or `{"url": ".."}` beside `text`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ButtonKind {
    #[serde(rename = "callback_data")]
    Callback(String),
    #[serde(rename = "url")]
    Url(String),
}

/// One message of a private chat, in its current state (edits applied).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessage {
    pub message_id: i32,
    pub from_bot: bool,
    /// Plain text after entity parsing (empty for a non-text message).
    pub text: String,
    pub entities: Vec<Entity>,
    /// Safe HTML rendering of `text` and `entities`, for display.
    pub html: String,
    /// The parse mode the bot asked for, as sent (`"HTML"`, `"MarkdownV2"`).
    pub parse_mode: Option<String>,
    pub buttons: Vec<Vec<Button>>,
    pub edited: bool,
    pub edit_count: u32,
    /// Unix time of sending.
    pub date: i64,
    pub non_text: Option<NonText>,
    /// The file of a document message (`sendDocument`); `text` and `entities` are then its caption.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<Document>,
}

/// A file the bot sent with `sendDocument`, as uploaded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub file_id: String,
    pub file_name: Option<String>,
    pub mime_type: Option<String>,
    /// The uploaded bytes (not sent to the sandbox page, which shows the name and size).
    #[serde(skip)]
    pub content: Vec<u8>,
    pub file_size: usize,
}

/// One Bot API call, as the emulator received and answered it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JournalEntry {
    /// Increases by one per call, from 1.
    pub seq: u64,
    /// The method name as sent (teloxide sends `SendMessage`).
    pub method: String,
    pub chat_id: Option<i64>,
    pub params: Value,
    /// HTTP status of the answer.
    pub status: u16,
    /// The `description` of an error answer.
    pub error: Option<String>,
}

impl JournalEntry {
    /// Whether this call was `method` (case-insensitive).
    #[must_use]
    pub fn is(&self, method: &str) -> bool {
        self.method.eq_ignore_ascii_case(method)
    }
}

/// An accepted `answerCallbackQuery`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallbackAnswer {
    pub callback_query_id: String,
    pub text: Option<String>,
    pub show_alert: bool,
}

/// The commands last set by `setMyCommands` for one scope and language.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CommandSet {
    /// The scope as sent, `{"type":"default"}` when none was.
    pub scope: Value,
    pub language_code: Option<String>,
    /// `(command, description)` pairs in order.
    pub commands: Vec<(String, String)>,
}

/// The bot's identity, as `getMe` reports it.
#[derive(Clone, Debug)]
pub(crate) struct BotIdentity {
    pub id: i64,
    pub username: String,
    pub first_name: String,
}

impl BotIdentity {
    pub fn user_json(&self) -> Value {
        json!({
            "id": self.id,
            "is_bot": true,
            "first_name": self.first_name,
            "username": self.username,
        })
    }

    pub fn me_json(&self) -> Value {
        let mut me = self.user_json();
        let extra = json!({
            "can_join_groups": true,
            "can_read_all_group_messages": false,
            "supports_inline_queries": false,
            "can_connect_to_business": false,
            "has_main_web_app": false,
        });
        merge(&mut me, extra);
        me
    }
}

/// Copies the fields of `extra` (an object) into `target` (an object).
pub(crate) fn merge(target: &mut Value, extra: Value) {
    if let (Value::Object(target), Value::Object(extra)) = (target, extra) {
        target.extend(extra);
    }
}

pub(crate) fn user_json(user: &EmulatedUser) -> Value {
    let mut value = json!({
        "id": user.id,
        "is_bot": false,
        "first_name": user.first_name,
        "language_code": user.language_code,
    });
    if let Some(last_name) = &user.last_name {
        value["last_name"] = json!(last_name);
    }
    if let Some(username) = &user.username {
        value["username"] = json!(username);
    }
    value
}

/// The private chat with `user` (its id is the user's id).
pub(crate) fn chat_json(user: &EmulatedUser) -> Value {
    let mut value = json!({
        "id": user.id,
        "type": "private",
        "first_name": user.first_name,
    });
    if let Some(last_name) = &user.last_name {
        value["last_name"] = json!(last_name);
    }
    if let Some(username) = &user.username {
        value["username"] = json!(username);
    }
    value
}

/// `getChat`'s `ChatFullInfo` for the private chat with `user`.
pub(crate) fn chat_full_info_json(user: &EmulatedUser) -> Value {
    let mut value = chat_json(user);
    merge(
        &mut value,
        json!({
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": true,
                "limited_gifts": true,
                "unique_gifts": true,
                "premium_subscription": true,
            },
        }),
    );
    value
}

pub(crate) fn inline_keyboard_json(buttons: &[Vec<Button>]) -> Value {
    json!({ "inline_keyboard": buttons })
}

/// The content fields of a non-text message (`sticker`, `photo`, ...).
pub(crate) fn non_text_json(kind: NonText, message_id: i32) -> Value {
    let file_id = format!("emulated-file-{message_id}");
    let unique_id = format!("emulated-unique-{message_id}");
    match kind {
        NonText::Sticker => json!({ "sticker": {
            "file_id": file_id, "file_unique_id": unique_id, "type": "regular",
            "width": 512, "height": 512, "is_animated": false, "is_video": false,
            "emoji": "👍", "file_size": 20_480,
        }}),
        NonText::Photo => json!({ "photo": [
            { "file_id": format!("{file_id}-s"), "file_unique_id": format!("{unique_id}-s"),
              "width": 90, "height": 90, "file_size": 1_024 },
            { "file_id": file_id, "file_unique_id": unique_id,
              "width": 800, "height": 800, "file_size": 65_536 },
        ]}),
        NonText::Voice => json!({ "voice": {
            "file_id": file_id, "file_unique_id": unique_id, "duration": 3,
            "mime_type": "audio/ogg", "file_size": 8_192,
        }}),
        NonText::Location => json!({ "location": { "latitude": 48.8566, "longitude": 2.3522 } }),
        NonText::Document => json!({ "document": {
            "file_id": file_id, "file_unique_id": unique_id, "file_name": "document.pdf",
            "mime_type": "application/pdf", "file_size": 32_768,
        }}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user() -> EmulatedUser {
        EmulatedUser {
            id: 42,
            first_name: "Marie".to_owned(),
            last_name: Some("Curie".to_owned()),
            username: Some("marie".to_owned()),
            language_code: "fr".to_owned(),
        }
    }

    #[test]
    fn me_json_is_read_by_teloxide() {
        let bot =
            BotIdentity { id: 7, username: "accelerateur_bot".to_owned(), first_name: "Accélérateur".to_owned() };
        let me: teloxide::types::Me = serde_json::from_value(bot.me_json()).unwrap();
        assert_eq!(me.username(), "accelerateur_bot");
        assert!(me.user.is_bot);
    }

    #[test]
    fn user_and_chat_json_are_read_by_teloxide() {
        let u: teloxide::types::User = serde_json::from_value(user_json(&user())).unwrap();
        assert_eq!(u.language_code.as_deref(), Some("fr"));
        let c: teloxide::types::Chat = serde_json::from_value(chat_json(&user())).unwrap();
        assert!(c.is_private());
        let full: teloxide::types::ChatFullInfo = serde_json::from_value(chat_full_info_json(&user())).unwrap();
        assert_eq!(full.id.0, 42);
    }

    #[test]
    fn entities_serialise_like_telegram() {
        let e = Entity::new(EntityKind::TextLink { url: "https://a.fr/".to_owned() }, 1, 2);
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            json!({"type":"text_link","url":"https://a.fr/","offset":1,"length":2})
        );
        let pre = Entity::new(EntityKind::Pre { language: None }, 0, 3);
        assert_eq!(serde_json::to_value(&pre).unwrap(), json!({"type":"pre","offset":0,"length":3}));
        let t: teloxide::types::MessageEntity = serde_json::from_value(serde_json::to_value(&e).unwrap()).unwrap();
        assert_eq!(t.offset, 1);
    }

    #[test]
    fn buttons_serialise_like_telegram() {
        let b = Button { text: "Go".to_owned(), kind: ButtonKind::Callback("x".to_owned()) };
        assert_eq!(serde_json::to_value(&b).unwrap(), json!({"text":"Go","callback_data":"x"}));
        let u: Button = serde_json::from_value(json!({"text":"Site","url":"https://a.fr"})).unwrap();
        assert_eq!(u.kind, ButtonKind::Url("https://a.fr".to_owned()));
        let markup: teloxide::types::InlineKeyboardMarkup =
            serde_json::from_value(inline_keyboard_json(&[vec![b, u]])).unwrap();
        assert_eq!(markup.inline_keyboard[0].len(), 2);
    }
}
