//! The Bot API over HTTP: `POST /bot{token}/{method}` with JSON, form or
//! query parameters, answered with Telegram's `{"ok":..}` envelopes, status
//! codes and exact error descriptions. Each call is checked against injected
//! faults, journaled, and handled on the shared state.
//!
//! Webhook delivery lives here too: `setWebhook` starts a task that POSTs
//! queued updates to the bot instead of holding them for `getUpdates`.

use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use serde_json::{Map, Value, json};
use tokio::time::Instant;

use super::AppState;
use super::faults::FaultKind;
use super::parse_mode::{self, FormattedText, MAX_TEXT_UTF16, ParseMode};
use super::state::{Shared, State as EmulatedState, StoredMessage, Webhook, unix_now};
use super::types::{Button, ButtonKind, CallbackAnswer, CommandSet, Entity, chat_full_info_json};

/// Longest `getUpdates` hold, in seconds.
const MAX_POLL_TIMEOUT: u64 = 50;

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/{bot_token}/{method}", any(handle))
}

/// A Bot API error answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    pub status: u16,
    pub description: String,
    pub retry_after: Option<u32>,
}

impl Failure {
    fn new(status: u16, description: impl Into<String>) -> Self {
        Self { status, description: description.into(), retry_after: None }
    }

    fn bad_request(detail: &str) -> Self {
        Self::new(400, format!("Bad Request: {detail}"))
    }

    fn forbidden(detail: &str) -> Self {
        Self::new(403, format!("Forbidden: {detail}"))
    }

    fn not_found() -> Self {
        Self::new(404, "Not Found")
    }

    fn too_many_requests(retry_after: u32) -> Self {
        Self {
            status: 429,
            description: format!("Too Many Requests: retry after {retry_after}"),
            retry_after: Some(retry_after),
        }
    }

    fn from_fault(kind: FaultKind) -> Option<Self> {
        Some(match kind {
            FaultKind::TooManyRequests { retry_after } => Self::too_many_requests(retry_after),
            FaultKind::ServerError { status } => {
                let reason = StatusCode::from_u16(status)
                    .ok()
                    .and_then(|s| s.canonical_reason())
                    .unwrap_or("Internal Server Error");
                Self::new(status, reason)
            }
            FaultKind::BadRequest { description } => match description.strip_prefix("Bad Request: ") {
                Some(detail) => Self::bad_request(detail),
                None => Self::bad_request(&description),
            },
            FaultKind::Forbidden { description } => match description.strip_prefix("Forbidden: ") {
                Some(detail) => Self::forbidden(detail),
                None => Self::forbidden(&description),
            },
            FaultKind::Delay { .. } | FaultKind::DropConnection => return None,
        })
    }

    fn body(&self) -> Value {
        let mut body = json!({
            "ok": false,
            "error_code": self.status,
            "description": self.description,
        });
        if let Some(retry_after) = self.retry_after {
            body["parameters"] = json!({ "retry_after": retry_after });
        }
        body
    }
}

fn respond(result: &Result<Value, Failure>) -> Response {
    let (status, body) = match result {
        Ok(value) => (200, json!({ "ok": true, "result": value })),
        Err(failure) => (failure.status, failure.body()),
    };
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

/// Largest file a bot may upload (Telegram's limit for `sendDocument` through the Bot API).
pub const MAX_UPLOAD_BYTES: usize = 50 * 1024 * 1024;

/// Longest caption, in UTF-16 code units after entity parsing.
pub const MAX_CAPTION_UTF16: usize = 1024;

/// A file part of a `multipart/form-data` call.
#[derive(Debug, Clone)]
pub(crate) struct Upload {
    file_name: Option<String>,
    mime_type: Option<String>,
    content: Vec<u8>,
}

/// The parameters of one call, whatever way they came, and the files uploaded with it (by part name).
#[derive(Debug, Default)]
pub(crate) struct Params(Map<String, Value>, std::collections::HashMap<String, Upload>);

impl Params {
    /// Like [`Params::parse`], reading `multipart/form-data` bodies too (file uploads such as `sendDocument`).
    async fn parse_any(query: Option<&str>, headers: &HeaderMap, body: Bytes) -> Result<Self, Failure> {
        let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
        if !content_type.to_ascii_lowercase().starts_with("multipart/") {
            return Self::parse(query, headers, &body);
        }
        if body.len() > MAX_UPLOAD_BYTES + 64 * 1024 {
            return Err(Failure::new(413, "Request Entity Too Large"));
        }
        let mut params = Self::parse(query, &HeaderMap::new(), &[])?;
        let boundary =
            multer::parse_boundary(content_type).map_err(|_| Failure::bad_request("can't parse multipart"))?;
        let stream = futures::stream::once(async move { Ok::<Bytes, std::convert::Infallible>(body) });
        let mut multipart = multer::Multipart::new(stream, boundary);
        let broken = |_| Failure::bad_request("can't parse multipart");
        while let Some(field) = multipart.next_field().await.map_err(broken)? {
            let name = field.name().unwrap_or_default().to_owned();
            let file_name = field.file_name().map(str::to_owned);
            let mime_type = field.content_type().map(ToString::to_string);
            let content = field.bytes().await.map_err(broken)?.to_vec();
            if file_name.is_some() {
                params.0.insert(name.clone(), json!({ "file_name": file_name, "size": content.len() }));
                params.1.insert(name, Upload { file_name, mime_type, content });
            } else {
                params.0.insert(name, Value::String(String::from_utf8_lossy(&content).into_owned()));
            }
        }
        Ok(params)
    }

    fn parse(query: Option<&str>, headers: &HeaderMap, body: &[u8]) -> Result<Self, Failure> {
        let mut map = Map::new();
        if let Some(query) = query {
            for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
                map.insert(k.into_owned(), Value::String(v.into_owned()));
            }
        }
        let content_type =
            headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
        if content_type.starts_with("application/x-www-form-urlencoded") {
            for (k, v) in url::form_urlencoded::parse(body) {
                map.insert(k.into_owned(), Value::String(v.into_owned()));
            }
        } else if content_type.starts_with("multipart/") {
            return Err(Failure::bad_request("multipart requests are not supported by the emulator"));
        } else if !body.iter().all(u8::is_ascii_whitespace) {
            match serde_json::from_slice::<Value>(body) {
                Ok(Value::Object(object)) => map.extend(object),
                _ => return Err(Failure::bad_request("can't parse JSON object")),
            }
        }
        Ok(Self(map, std::collections::HashMap::new()))
    }

    /// The file sent as parameter `key`: an upload in that part, or `attach://<part>` naming one. Anything else
    /// would be a file id or URL of a file already on Telegram's servers, which the emulator does not have.
    fn upload(&self, key: &str) -> Result<&Upload, Failure> {
        if let Some(upload) = self.1.get(key) {
            return Ok(upload);
        }
        match self.string(key) {
            None => Err(Failure::bad_request(&format!("there is no {key} in the request"))),
            Some(value) => match value.strip_prefix("attach://") {
                Some(part) => {
                    self.1.get(part).ok_or_else(|| Failure::bad_request(&format!("there is no {key} in the request")))
                }
                None => Err(Failure::bad_request("wrong remote file identifier specified: Wrong string length")),
            },
        }
    }

    fn to_value(&self) -> Value {
        Value::Object(self.0.clone())
    }

    fn string(&self, key: &str) -> Option<String> {
        match self.0.get(key)? {
            Value::String(s) => Some(s.clone()),
            Value::Null => None,
            other => Some(other.to_string()),
        }
    }

    fn i64(&self, key: &str) -> Option<i64> {
        match self.0.get(key)? {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    fn bool(&self, key: &str) -> bool {
        match self.0.get(key) {
            Some(Value::Bool(b)) => *b,
            Some(Value::String(s)) => s == "true" || s == "1",
            Some(Value::Number(n)) => n.as_i64() == Some(1),
            _ => false,
        }
    }

    /// A structured parameter; form bodies carry them as JSON strings.
    fn json(&self, key: &str) -> Option<Value> {
        match self.0.get(key)? {
            Value::Null => None,
            Value::String(s) => Some(serde_json::from_str(s).unwrap_or_else(|_| Value::String(s.clone()))),
            other => Some(other.clone()),
        }
    }

    /// The chat a call is about, for faults and the journal.
    fn chat_id_hint(&self) -> Option<i64> {
        self.i64("chat_id")
    }

    fn chat_id(&self) -> Result<i64, Failure> {
        match self.0.get("chat_id") {
            None | Some(Value::Null) => Err(Failure::bad_request("chat_id is empty")),
            Some(Value::String(s)) if s.is_empty() => Err(Failure::bad_request("chat_id is empty")),
            _ => self.i64("chat_id").ok_or_else(|| Failure::bad_request("chat not found")),
        }
    }

    fn message_id(&self) -> Result<i32, Failure> {
        if self.0.contains_key("inline_message_id") && !self.0.contains_key("message_id") {
            return Err(Failure::bad_request("inline messages are not supported by the emulator"));
        }
        self.i64("message_id")
            .and_then(|id| i32::try_from(id).ok())
            .ok_or_else(|| Failure::bad_request("message identifier is not specified"))
    }
}

async fn handle(
    State(app): State<AppState>,
    Path((bot_token, method)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(token) = bot_token.strip_prefix("bot") else {
        return respond(&Err(Failure::not_found()));
    };
    let shared = &app.shared;
    let params = match Params::parse_any(query.as_deref(), &headers, body).await {
        Ok(params) => params,
        Err(failure) => {
            let result = Err(failure);
            journal(shared, &method, None, &Params::default(), &result);
            return respond(&result);
        }
    };
    let chat_id = params.chat_id_hint();
    if shared.read(|s| s.token != token) {
        let result = Err(Failure::new(401, "Unauthorized"));
        journal(shared, &method, chat_id, &params, &result);
        return respond(&result);
    }
    let fault = shared.mutate(|s| s.faults.take(&method, chat_id));
    if let Some(FaultKind::Delay { millis }) = &fault {
        tokio::time::sleep(Duration::from_millis(*millis)).await;
    }
    if fault == Some(FaultKind::DropConnection) {
        shared.mutate(|s| {
            s.record_call(&method, chat_id, params.to_value(), 0, Some("connection dropped by the emulator".into()));
        });
        // Unwinding out of the handler ends the connection's task, so the socket closes with no response. (Not
        // `panic!`: `resume_unwind` skips the panic hook, so nothing is printed.)
        std::panic::resume_unwind(Box::new("emulated dropped connection"));
    }
    let name = method.to_ascii_lowercase();
    let result = match fault.and_then(Failure::from_fault) {
        Some(failure) => Err(failure),
        None if name == "getupdates" => get_updates(&app, &params).await,
        None => {
            let result = shared.mutate(|s| call(s, &name, &params));
            if name == "setwebhook" && result.is_ok() {
                start_webhook_pusher(shared);
            }
            result
        }
    };
    let journal_chat = chat_id.or_else(|| callback_chat(shared, &params));
    journal(shared, &method, journal_chat, &params, &result);
    respond(&result)
}

fn callback_chat(shared: &Shared, params: &Params) -> Option<i64> {
    let id = params.string("callback_query_id")?;
    shared.read(|s| s.callbacks.get(&id).map(|c| c.chat_id))
}

fn journal(shared: &Shared, method: &str, chat_id: Option<i64>, params: &Params, result: &Result<Value, Failure>) {
    let (status, error) = match result {
        Ok(_) => (200, None),
        Err(f) => (f.status, Some(f.description.clone())),
    };
    shared.mutate(|s| s.record_call(method, chat_id, params.to_value(), status, error));
}

/// Handles every method but `getUpdates`, on the locked state.
fn call(state: &mut EmulatedState, method: &str, params: &Params) -> Result<Value, Failure> {
    match method {
        "getme" => Ok(state.bot.me_json()),
        "logout" | "close" => Ok(json!(true)),
        "deletewebhook" => {
            if params.bool("drop_pending_updates") {
                state.updates.clear();
            }
            state.webhook = None;
            state.webhook_generation += 1;
            Ok(json!(true))
        }
        "setwebhook" => set_webhook(state, params),
        "getwebhookinfo" => Ok(webhook_info(state)),
        "sendmessage" => send_message(state, params),
        "senddocument" => send_document(state, params),
        "editmessagetext" => edit_message_text(state, params),
        "editmessagereplymarkup" => edit_message_reply_markup(state, params),
        "deletemessage" => delete_message(state, params),
        "answercallbackquery" => answer_callback_query(state, params),
        "setmycommands" => set_my_commands(state, params),
        "getmycommands" => get_my_commands(state, params),
        "deletemycommands" => delete_my_commands(state, params),
        "sendchataction" => {
            let chat_id = params.chat_id()?;
            reachable_chat(state, chat_id)?;
            if params.string("action").is_none_or(|a| a.is_empty()) {
                return Err(Failure::bad_request("action is empty"));
            }
            Ok(json!(true))
        }
        "getchat" => {
            let chat_id = params.chat_id()?;
            if !state.chats.contains_key(&chat_id) {
                return Err(Failure::bad_request("chat not found"));
            }
            let user = state.user(chat_id);
            Ok(chat_full_info_json(&user))
        }
        _ => Err(Failure::not_found()),
    }
}

/// The chat exists and the user has not blocked the bot.
fn reachable_chat(state: &EmulatedState, chat_id: i64) -> Result<(), Failure> {
    match state.chats.get(&chat_id) {
        None => Err(Failure::bad_request("chat not found")),
        Some(chat) if chat.blocked => Err(Failure::forbidden("bot was blocked by the user")),
        Some(_) => Ok(()),
    }
}

/// The text of `sendMessage`/`editMessageText` after entity parsing, and the
/// parse mode as sent.
///
/// Like the Bot API: a missing or empty `text` is "message text is empty";
/// a text that parses to nothing but whitespace is TDLib's "message must be
/// non-empty".
fn formatted_text(params: &Params) -> Result<(FormattedText, Option<String>), Failure> {
    let text = params.string("text").unwrap_or_default();
    if text.is_empty() {
        return Err(Failure::bad_request("message text is empty"));
    }
    formatted(text, params)
}

/// `text` (a message text or a caption) parsed with the call's `parse_mode` or `entities`.
fn formatted(text: String, params: &Params) -> Result<(FormattedText, Option<String>), Failure> {
    let mode_name = params.string("parse_mode").filter(|m| !m.is_empty());
    let formatted = match &mode_name {
        Some(name) => {
            let mode = ParseMode::from_name(name).ok_or_else(|| Failure::bad_request("unsupported parse_mode"))?;
            parse_mode::parse(&text, mode).map_err(|e| Failure::bad_request(&format!("can't parse entities: {e}")))?
        }
        None => {
            let entities = match params.json("entities") {
                Some(value) => serde_json::from_value::<Vec<Entity>>(value)
                    .map_err(|_| Failure::bad_request("can't parse entities JSON object"))?,
                None => Vec::new(),
            };
            parse_mode::normalize(FormattedText { text, entities })
        }
    };
    if formatted.text.is_empty() {
        return Err(Failure::bad_request("message must be non-empty"));
    }
    // Like Telegram, links written as plain text become `url` entities.
    let mut formatted = formatted;
    let urls = parse_mode::detect_urls(&formatted.text, &formatted.entities);
    if !urls.is_empty() {
        formatted.entities.extend(urls);
        formatted = parse_mode::normalize(formatted);
    }
    Ok((formatted, mode_name))
}

fn too_long(formatted: &FormattedText) -> bool {
    parse_mode::utf16_len(&formatted.text) > MAX_TEXT_UTF16
}

const OTHER_BUTTON_FIELDS: &[&str] = &[
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
];

/// The inline keyboard of `reply_markup` (empty when absent; other reply
/// markups are accepted and not shown).
fn inline_keyboard(params: &Params) -> Result<Vec<Vec<Button>>, Failure> {
    let Some(markup) = params.json("reply_markup") else {
        return Ok(Vec::new());
    };
    let invalid = || Failure::bad_request("can't parse reply keyboard markup JSON object");
    let Value::Object(markup) = markup else {
        return Err(invalid());
    };
    let Some(rows) = markup.get("inline_keyboard") else {
        return Ok(Vec::new());
    };
    let rows = rows.as_array().ok_or_else(invalid)?;
    let mut keyboard = Vec::with_capacity(rows.len());
    for row in rows {
        let row = row.as_array().ok_or_else(|| {
            Failure::bad_request("field \"inline_keyboard\" of the InlineKeyboardMarkup should be an Array of Arrays")
        })?;
        let buttons: Result<Vec<Button>, Failure> = row.iter().map(parse_button).collect();
        let buttons = buttons?;
        if !buttons.is_empty() {
            keyboard.push(buttons);
        }
    }
    Ok(keyboard)
}

fn parse_button(value: &Value) -> Result<Button, Failure> {
    let unparsable = |why: &str| Failure::bad_request(&format!("can't parse inline keyboard button: {why}"));
    let object = value.as_object().ok_or_else(|| unparsable("InlineKeyboardButton must be an Object"))?;
    let text = match object.get("text") {
        Some(Value::String(text)) => text.clone(),
        _ => return Err(unparsable("Field \"text\" must be of type String")),
    };
    if text.trim().is_empty() {
        return Err(Failure::bad_request("BUTTON_TEXT_INVALID"));
    }
    // Telegram reads an empty `callback_data` as no callback data at all.
    let callback = object.get("callback_data").filter(|v| !v.is_null() && v.as_str() != Some(""));
    let url = object.get("url").filter(|v| !v.is_null());
    let kind = match (callback, url) {
        (Some(_), Some(_)) => {
            return Err(unparsable("a button must have exactly one of the fields \"callback_data\" and \"url\""));
        }
        (Some(data), None) => {
            let data = data.as_str().ok_or_else(|| Failure::bad_request("BUTTON_DATA_INVALID"))?;
            if data.len() > 64 {
                return Err(Failure::bad_request("BUTTON_DATA_INVALID"));
            }
            ButtonKind::Callback(data.to_owned())
        }
        (None, Some(url)) => {
            let url = url.as_str().unwrap_or_default();
            if let Some(reason) = button_url_problem(url) {
                return Err(Failure::bad_request(&format!("inline keyboard button URL '{url}' is invalid: {reason}")));
            }
            ButtonKind::Url(url.to_owned())
        }
        (None, None) if OTHER_BUTTON_FIELDS.iter().any(|f| object.contains_key(*f)) => {
            return Err(unparsable("the emulator supports only \"callback_data\" and \"url\" buttons"));
        }
        (None, None) => {
            return Err(unparsable("Text buttons are unallowed in the inline keyboard"));
        }
    };
    Ok(Button { text, kind })
}

/// Why Telegram would refuse this button URL, if it would.
fn button_url_problem(url: &str) -> Option<&'static str> {
    let Ok(parsed) = url::Url::parse(url) else {
        return Some("Wrong HTTP URL");
    };
    match parsed.scheme() {
        "tg" => None,
        "http" | "https" => match parsed.host_str() {
            None | Some("") => Some("URL host is empty"),
            Some(host) if !host.contains('.') => Some("Wrong HTTP URL"),
            Some(_) => None,
        },
        _ => Some("Unsupported URL protocol"),
    }
}

fn send_message(state: &mut EmulatedState, params: &Params) -> Result<Value, Failure> {
    let chat_id = params.chat_id()?;
    reachable_chat(state, chat_id)?;
    let now = Instant::now();
    state.limiter.check(chat_id, now).map_err(Failure::too_many_requests)?;
    let (formatted, parse_mode) = formatted_text(params)?;
    if too_long(&formatted) {
        return Err(Failure::bad_request("message is too long"));
    }
    let buttons = inline_keyboard(params)?;
    state.limiter.record(chat_id, now);
    let chat = state.chats.get_mut(&chat_id).expect("checked reachable");
    let message = StoredMessage {
        message_id: chat.allocate_id(),
        from_bot: true,
        date: unix_now(),
        edit_date: None,
        text: formatted.text,
        entities: formatted.entities,
        parse_mode,
        buttons,
        edit_count: 0,
        non_text: None,
        document: None,
    };
    chat.messages.push(message.clone());
    Ok(state.message_json(chat_id, &message))
}

/// `sendDocument` with an uploaded file (multipart), an optional caption (parsed like a text) and keyboard.
fn send_document(state: &mut EmulatedState, params: &Params) -> Result<Value, Failure> {
    let chat_id = params.chat_id()?;
    reachable_chat(state, chat_id)?;
    let now = Instant::now();
    state.limiter.check(chat_id, now).map_err(Failure::too_many_requests)?;
    let upload = params.upload("document")?;
    if upload.content.is_empty() {
        return Err(Failure::bad_request("file must be non-empty"));
    }
    if upload.content.len() > MAX_UPLOAD_BYTES {
        return Err(Failure::new(413, "Request Entity Too Large"));
    }
    let (caption, parse_mode) = match params.string("caption").filter(|c| !c.is_empty()) {
        Some(caption) => formatted(caption, params)?,
        None => (FormattedText { text: String::new(), entities: Vec::new() }, None),
    };
    if parse_mode::utf16_len(&caption.text) > MAX_CAPTION_UTF16 {
        return Err(Failure::bad_request("message caption is too long"));
    }
    let buttons = inline_keyboard(params)?;
    state.limiter.record(chat_id, now);
    let chat = state.chats.get_mut(&chat_id).expect("checked reachable");
    let message_id = chat.allocate_id();
    let document = super::types::Document {
        file_id: format!("doc-{chat_id}-{message_id}"),
        file_name: upload.file_name.clone(),
        mime_type: upload.mime_type.clone(),
        content: upload.content.clone(),
        file_size: upload.content.len(),
    };
    let message = StoredMessage {
        message_id,
        from_bot: true,
        date: unix_now(),
        edit_date: None,
        text: caption.text,
        entities: caption.entities,
        parse_mode,
        buttons,
        edit_count: 0,
        non_text: None,
        document: Some(document),
    };
    chat.messages.push(message.clone());
    Ok(state.message_json(chat_id, &message))
}

/// The bot message an edit targets, with Telegram's refusals.
fn editable(state: &mut EmulatedState, chat_id: i64, message_id: i32) -> Result<&mut StoredMessage, Failure> {
    reachable_chat(state, chat_id)?;
    let chat = state.chats.get_mut(&chat_id).expect("checked reachable");
    let message = chat.message_mut(message_id).ok_or_else(|| Failure::bad_request("message to edit not found"))?;
    if !message.from_bot {
        return Err(Failure::bad_request("message can't be edited"));
    }
    Ok(message)
}

const NOT_MODIFIED: &str = "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";

fn edit_message_text(state: &mut EmulatedState, params: &Params) -> Result<Value, Failure> {
    let chat_id = params.chat_id()?;
    let message_id = params.message_id()?;
    let message = editable(state, chat_id, message_id)?;
    if message.non_text.is_some() || message.document.is_some() {
        return Err(Failure::bad_request("there is no text in the message to edit"));
    }
    let (formatted, parse_mode) = formatted_text(params)?;
    if too_long(&formatted) {
        return Err(Failure::bad_request("MESSAGE_TOO_LONG"));
    }
    // Like Telegram: an edit without `reply_markup` removes the keyboard.
    let buttons = inline_keyboard(params)?;
    if message.text == formatted.text && message.entities == formatted.entities && message.buttons == buttons {
        return Err(Failure::bad_request(NOT_MODIFIED));
    }
    message.text = formatted.text;
    message.entities = formatted.entities;
    message.parse_mode = parse_mode;
    message.buttons = buttons;
    message.edit_date = Some(unix_now());
    message.edit_count += 1;
    let message = message.clone();
    Ok(state.message_json(chat_id, &message))
}

fn edit_message_reply_markup(state: &mut EmulatedState, params: &Params) -> Result<Value, Failure> {
    let chat_id = params.chat_id()?;
    let message_id = params.message_id()?;
    let buttons = inline_keyboard(params)?;
    let message = editable(state, chat_id, message_id)?;
    if message.buttons == buttons {
        return Err(Failure::bad_request(NOT_MODIFIED));
    }
    message.buttons = buttons;
    message.edit_count += 1;
    let message = message.clone();
    Ok(state.message_json(chat_id, &message))
}

fn delete_message(state: &mut EmulatedState, params: &Params) -> Result<Value, Failure> {
    let chat_id = params.chat_id()?;
    let message_id = params.message_id()?;
    let chat = state.chats.get_mut(&chat_id).ok_or_else(|| Failure::bad_request("chat not found"))?;
    let before = chat.messages.len();
    chat.messages.retain(|m| m.message_id != message_id);
    if chat.messages.len() == before {
        return Err(Failure::bad_request("message to delete not found"));
    }
    Ok(json!(true))
}

fn answer_callback_query(state: &mut EmulatedState, params: &Params) -> Result<Value, Failure> {
    let invalid = || Failure::bad_request("query is too old and response timeout expired or query ID is invalid");
    let id = params.string("callback_query_id").ok_or_else(invalid)?;
    let text = params.string("text").filter(|t| !t.is_empty());
    if text.as_ref().is_some_and(|t| t.chars().count() > 200) {
        return Err(Failure::bad_request("MESSAGE_TOO_LONG"));
    }
    let record = state.callbacks.get_mut(&id).ok_or_else(invalid)?;
    if record.answered {
        return Err(invalid());
    }
    record.answered = true;
    state.callback_answers.push(CallbackAnswer { callback_query_id: id, text, show_alert: params.bool("show_alert") });
    Ok(json!(true))
}

/// The scope and language a commands call is about.
fn command_key(params: &Params) -> (Value, Option<String>) {
    let scope = params.json("scope").filter(Value::is_object).unwrap_or_else(|| json!({ "type": "default" }));
    let language = params.string("language_code").filter(|l| !l.is_empty());
    (scope, language)
}

fn set_my_commands(state: &mut EmulatedState, params: &Params) -> Result<Value, Failure> {
    let invalid = || Failure::bad_request("can't parse commands JSON object");
    let list = params.json("commands").ok_or_else(invalid)?;
    let list = list.as_array().ok_or_else(invalid)?;
    if list.len() > 100 {
        return Err(Failure::bad_request("too many commands specified"));
    }
    let mut commands = Vec::with_capacity(list.len());
    for item in list {
        let command = item.get("command").and_then(Value::as_str).ok_or_else(invalid)?;
        let description = item.get("description").and_then(Value::as_str).ok_or_else(invalid)?;
        let command = command.strip_prefix('/').unwrap_or(command);
        let valid_command = (1..=32).contains(&command.len())
            && command.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !valid_command {
            return Err(Failure::bad_request("BOT_COMMAND_INVALID"));
        }
        if !(1..=256).contains(&description.chars().count()) {
            return Err(Failure::bad_request("command description must be non-empty"));
        }
        commands.push((command.to_owned(), description.to_owned()));
    }
    let (scope, language_code) = command_key(params);
    state.commands.retain(|c| !(c.scope == scope && c.language_code == language_code));
    if !commands.is_empty() {
        state.commands.push(CommandSet { scope, language_code, commands });
    }
    Ok(json!(true))
}

fn get_my_commands(state: &EmulatedState, params: &Params) -> Result<Value, Failure> {
    let (scope, language_code) = command_key(params);
    let commands: Vec<Value> = state
        .commands
        .iter()
        .find(|c| c.scope == scope && c.language_code == language_code)
        .map(|c| {
            c.commands
                .iter()
                .map(|(command, description)| json!({ "command": command, "description": description }))
                .collect()
        })
        .unwrap_or_default();
    Ok(Value::Array(commands))
}

fn delete_my_commands(state: &mut EmulatedState, params: &Params) -> Result<Value, Failure> {
    let (scope, language_code) = command_key(params);
    state.commands.retain(|c| !(c.scope == scope && c.language_code == language_code));
    Ok(json!(true))
}

fn set_webhook(state: &mut EmulatedState, params: &Params) -> Result<Value, Failure> {
    let url = params.string("url").unwrap_or_default();
    if params.bool("drop_pending_updates") {
        state.updates.clear();
    }
    state.webhook_generation += 1;
    if url.is_empty() {
        state.webhook = None;
        return Ok(json!(true));
    }
    let parsed = url::Url::parse(&url)
        .map_err(|_| Failure::bad_request("bad webhook: HTTPS url must be provided for webhook"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(Failure::bad_request("bad webhook: HTTPS url must be provided for webhook"));
    }
    state.webhook = Some(Webhook {
        url,
        secret_token: params.string("secret_token").filter(|s| !s.is_empty()),
        generation: state.webhook_generation,
        last_error: None,
    });
    Ok(json!(true))
}

fn webhook_info(state: &EmulatedState) -> Value {
    let mut info = json!({
        "url": state.webhook.as_ref().map_or("", |w| w.url.as_str()),
        "has_custom_certificate": false,
        "pending_update_count": state.updates.len(),
    });
    if let Some(webhook) = &state.webhook {
        info["max_connections"] = json!(40);
        if let Some((date, message)) = &webhook.last_error {
            info["last_error_date"] = json!(date);
            info["last_error_message"] = json!(message);
        }
    }
    info
}

async fn get_updates(app: &AppState, params: &Params) -> Result<Value, Failure> {
    let shared = &app.shared;
    let offset = params.i64("offset").unwrap_or(0);
    let limit = usize::try_from(params.i64("limit").unwrap_or(100).clamp(1, 100)).unwrap_or(100);
    let timeout = u64::try_from(params.i64("timeout").unwrap_or(0).max(0)).unwrap_or(0).min(MAX_POLL_TIMEOUT);
    let registered = shared.mutate(|s| {
        if s.webhook.is_some() {
            return Err(Failure::new(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
            ));
        }
        s.confirm_updates(offset);
        s.poller_generation += 1;
        Ok(s.poller_generation)
    });
    let generation = registered?;
    let deadline = Instant::now() + Duration::from_secs(timeout);
    let found = shared
        .wait_for(
            |s| {
                if s.poller_generation != generation {
                    return Some(Err(Failure::new(
                        409,
                        "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
                    )));
                }
                let ready: Vec<Value> = s
                    .updates
                    .iter()
                    .filter(|u| offset <= 0 || i64::from(u.id) >= offset)
                    .take(limit)
                    .map(|u| u.body.clone())
                    .collect();
                (!ready.is_empty()).then_some(Ok(ready))
            },
            deadline,
            Some(app.stop.clone()),
        )
        .await;
    match found {
        Some(result) => result.map(Value::Array),
        None => Ok(json!([])),
    }
}

/// Starts delivering updates to the webhook just set; the task ends when the
/// webhook is replaced or deleted.
fn start_webhook_pusher(shared: &std::sync::Arc<Shared>) {
    let Some(webhook) = shared.read(|s| s.webhook.clone()) else {
        return;
    };
    let shared = std::sync::Arc::clone(shared);
    tokio::spawn(async move {
        let far = Instant::now() + Duration::from_secs(60 * 60 * 24 * 365);
        loop {
            let next = shared
                .wait_for(
                    |s| match &s.webhook {
                        Some(w) if w.generation == webhook.generation => s.updates.front().cloned().map(Some),
                        _ => Some(None),
                    },
                    far,
                    None,
                )
                .await;
            let Some(Some(update)) = next else { return };
            let mut request = shared.http.post(&webhook.url).json(&update.body);
            if let Some(secret) = &webhook.secret_token {
                request = request.header("X-Telegram-Bot-Api-Secret-Token", secret);
            }
            let outcome = match request.timeout(Duration::from_secs(60)).send().await {
                Ok(response) if response.status().is_success() => Ok(()),
                Ok(response) => Err(format!("Wrong response from the webhook: {}", response.status())),
                Err(e) => Err(format!("Connection failed: {e}")),
            };
            let delivered = outcome.is_ok();
            shared.mutate(|s| {
                if delivered {
                    if s.updates.front().is_some_and(|u| u.id == update.id) {
                        s.updates.pop_front();
                    }
                } else if let Some(w) = s.webhook.as_mut().filter(|w| w.generation == webhook.generation) {
                    w.last_error = outcome.err().map(|e| (unix_now(), e));
                }
            });
            if !delivered {
                tracing::warn!(url = %webhook.url, "emulated webhook delivery failed, retrying in 1s");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::telegram_emulator::EmulatorConfig;
    use crate::telegram_emulator::types::NonText;

    fn run(state: &mut EmulatedState, method: &str, params: Value) -> Result<Value, Failure> {
        let Value::Object(map) = params else { panic!("params are an object") };
        call(state, &method.to_ascii_lowercase(), &Params(map, std::collections::HashMap::new()))
    }

    fn state_with_chat() -> EmulatedState {
        let mut state = EmulatedState::new(EmulatorConfig::default());
        state.user_sends(42, "/start", None);
        state
    }

    #[test]
    fn a_users_sticker_cannot_be_edited() {
        let mut state = state_with_chat();
        let sticker = state.user_sends(42, "", Some(NonText::Sticker));
        let err = run(&mut state, "editMessageText", json!({"chat_id": 42, "message_id": sticker, "text": "x"}));
        assert_eq!(err.unwrap_err().description, "Bad Request: message can't be edited");
    }

    #[test]
    fn edits_longer_than_the_limit_get_telegrams_edit_error() {
        let mut state = state_with_chat();
        let sent = run(&mut state, "sendMessage", json!({"chat_id": 42, "text": "x"})).unwrap();
        let err = run(
            &mut state,
            "editMessageText",
            json!({"chat_id": 42, "message_id": sent["message_id"], "text": "a".repeat(4097)}),
        );
        assert_eq!(err.unwrap_err().description, "Bad Request: MESSAGE_TOO_LONG");
    }

    #[test]
    fn explicit_entities_are_used_without_parse_mode() {
        let mut state = state_with_chat();
        let sent = run(
            &mut state,
            "sendMessage",
            json!({"chat_id": 42, "text": "gras", "entities": [{"type": "bold", "offset": 0, "length": 4}]}),
        )
        .unwrap();
        assert_eq!(sent["entities"], json!([{"type": "bold", "offset": 0, "length": 4}]));
    }

    #[test]
    fn get_chat_answers_full_info_teloxide_reads() {
        let mut state = state_with_chat();
        let info = run(&mut state, "getChat", json!({"chat_id": "42"})).unwrap();
        let parsed: teloxide::types::ChatFullInfo = serde_json::from_value(info).unwrap();
        assert_eq!(parsed.id.0, 42);
        let err = run(&mut state, "getChat", json!({"chat_id": "@someone"}));
        assert_eq!(err.unwrap_err().description, "Bad Request: chat not found");
    }

    #[test]
    fn unsupported_parse_modes_are_refused() {
        let mut state = state_with_chat();
        let err = run(&mut state, "sendMessage", json!({"chat_id": 42, "text": "x", "parse_mode": "BBCode"}));
        assert_eq!(err.unwrap_err().description, "Bad Request: unsupported parse_mode");
    }

    #[test]
    fn long_callback_answers_are_refused() {
        let mut state = state_with_chat();
        let id = state.press(42, 1, "x", false).unwrap();
        let err = run(&mut state, "answerCallbackQuery", json!({"callback_query_id": id, "text": "a".repeat(201)}));
        assert_eq!(err.unwrap_err().description, "Bad Request: MESSAGE_TOO_LONG");
    }

    #[test]
    fn webhook_info_reports_the_url_and_pending_updates() {
        let mut state = state_with_chat();
        run(&mut state, "setWebhook", json!({"url": "https://bot.exemple.fr/hook"})).unwrap();
        let info = run(&mut state, "getWebhookInfo", json!({})).unwrap();
        let parsed: teloxide::types::WebhookInfo = serde_json::from_value(info).unwrap();
        assert_eq!(parsed.url.map(String::from).as_deref(), Some("https://bot.exemple.fr/hook"));
        assert_eq!(parsed.pending_update_count, 1);
        let err = run(&mut state, "setWebhook", json!({"url": "ftp://x.fr"}));
        assert_eq!(err.unwrap_err().description, "Bad Request: bad webhook: HTTPS url must be provided for webhook");
    }
}
