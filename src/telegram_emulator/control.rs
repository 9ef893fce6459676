//! The control API the sandbox page uses to drive and watch the emulator:
//! act as users, script faults and flood control, read transcripts and the
//! journal, and long-poll `/control/state` to learn when anything changed.
//!
//! Bodies and answers are JSON; errors are `{"error": "English sentence"}`
//! with a 4xx status.

use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tokio::time::Instant;

use super::AppState;
use super::faults::{Fault, RateLimit};
use super::parse_mode::{MAX_TEXT_UTF16, utf16_len};
use super::types::{EmulatedUser, NonText};

/// Longest `/control/state` hold, in seconds.
const MAX_STATE_TIMEOUT: u64 = 60;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/control/state", get(state))
        .route("/control/chats", get(chats))
        .route("/control/chats/{chat_id}/messages", get(messages))
        .route("/control/users", get(users).post(upsert_user))
        .route("/control/users/{id}/messages", post(user_message))
        .route("/control/users/{id}/callbacks", post(user_callback))
        .route("/control/users/{id}/blocked", post(user_blocked))
        .route("/control/faults", get(faults).post(add_fault).delete(clear_faults))
        .route("/control/rate-limit", axum::routing::put(set_rate_limit))
        .route("/control/journal", get(journal))
        .route("/control/callback-answers", get(callback_answers))
        .route("/control/commands", get(commands))
}

/// A refused control request.
struct ControlError {
    status: StatusCode,
    message: String,
}

impl ControlError {
    fn bad_request(message: impl Into<String>) -> Self {
        Self { status: StatusCode::BAD_REQUEST, message: message.into() }
    }
}

impl IntoResponse for ControlError {
    fn into_response(self) -> Response {
        (self.status, Json(json!({ "error": self.message }))).into_response()
    }
}

type ControlResult = Result<Json<Value>, ControlError>;

fn body<T: DeserializeOwned>(bytes: &Bytes) -> Result<T, ControlError> {
    serde_json::from_slice(bytes).map_err(|e| ControlError::bad_request(format!("The request body is not valid: {e}.")))
}

fn user_id(raw: &str) -> Result<i64, ControlError> {
    raw.parse().map_err(|_| ControlError::bad_request(format!("\"{raw}\" is not a user id.")))
}

#[derive(Deserialize)]
struct StateQuery {
    #[serde(default)]
    since: u64,
    #[serde(default)]
    timeout: u64,
}

async fn state(State(app): State<AppState>, Query(query): Query<StateQuery>) -> Json<Value> {
    let deadline = Instant::now() + Duration::from_secs(query.timeout.min(MAX_STATE_TIMEOUT));
    let mut changes = app.shared.subscribe();
    let mut stop = app.stop.clone();
    loop {
        let version = *changes.borrow_and_update();
        if version > query.since {
            return Json(json!({ "version": version }));
        }
        tokio::select! {
            changed = changes.changed() => {
                if changed.is_err() {
                    break;
                }
            }
            () = tokio::time::sleep_until(deadline) => break,
            _ = stop.wait_for(|s| *s) => break,
        }
    }
    Json(json!({ "version": app.shared.version() }))
}

async fn chats(State(app): State<AppState>) -> Json<Value> {
    let chats: Vec<Value> = app.shared.read(|s| {
        s.chats
            .iter()
            .map(|(id, chat)| {
                json!({
                    "id": id,
                    "user": s.users.get(id),
                    "blocked": chat.blocked,
                    "message_count": chat.messages.len(),
                })
            })
            .collect()
    });
    Json(Value::Array(chats))
}

async fn messages(State(app): State<AppState>, Path(chat_id): Path<String>) -> ControlResult {
    let chat_id = user_id(&chat_id)?;
    let transcript = app.shared.read(|s| s.transcript(chat_id));
    Ok(Json(json!(transcript)))
}

async fn users(State(app): State<AppState>) -> Json<Value> {
    let users: Vec<EmulatedUser> = app.shared.read(|s| s.users.values().cloned().collect());
    Json(json!(users))
}

async fn upsert_user(State(app): State<AppState>, bytes: Bytes) -> ControlResult {
    let user: EmulatedUser = body(&bytes)?;
    if user.first_name.trim().is_empty() {
        return Err(ControlError::bad_request("A user needs a non-empty first_name."));
    }
    app.shared.mutate(|s| s.upsert_user(user.clone()));
    Ok(Json(json!(user)))
}

#[derive(Deserialize)]
struct UserMessage {
    text: Option<String>,
    non_text: Option<NonText>,
}

async fn user_message(State(app): State<AppState>, Path(id): Path<String>, bytes: Bytes) -> ControlResult {
    let id = user_id(&id)?;
    let message: UserMessage = body(&bytes)?;
    let message_id = match (message.text, message.non_text) {
        (Some(text), None) => {
            if text.trim().is_empty() {
                return Err(ControlError::bad_request("The message text is empty."));
            }
            if utf16_len(&text) > MAX_TEXT_UTF16 {
                return Err(ControlError::bad_request("The message text is longer than 4096 characters."));
            }
            app.shared.mutate(|s| s.user_sends(id, &text, None))
        }
        (None, Some(kind)) => app.shared.mutate(|s| s.user_sends(id, "", Some(kind))),
        _ => {
            return Err(ControlError::bad_request(
                "Send either \"text\" or \"non_text\" (sticker, photo, voice, location or document).",
            ));
        }
    };
    Ok(Json(json!({ "message_id": message_id })))
}

#[derive(Deserialize)]
struct Press {
    message_id: i32,
    data: String,
}

async fn user_callback(State(app): State<AppState>, Path(id): Path<String>, bytes: Bytes) -> ControlResult {
    let id = user_id(&id)?;
    let press: Press = body(&bytes)?;
    let callback_query_id = app
        .shared
        .mutate(|s| s.press(id, press.message_id, &press.data, true))
        .map_err(|e| ControlError::bad_request(format!("{}.", capitalise(&e.to_string()))))?;
    Ok(Json(json!({ "callback_query_id": callback_query_id })))
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

#[derive(Deserialize)]
struct Blocked {
    blocked: bool,
}

async fn user_blocked(State(app): State<AppState>, Path(id): Path<String>, bytes: Bytes) -> ControlResult {
    let id = user_id(&id)?;
    let blocked: Blocked = body(&bytes)?;
    app.shared.mutate(|s| s.set_blocked(id, blocked.blocked));
    Ok(Json(json!({ "blocked": blocked.blocked })))
}

async fn faults(State(app): State<AppState>) -> Json<Value> {
    Json(json!(app.shared.read(|s| s.faults.list())))
}

async fn add_fault(State(app): State<AppState>, bytes: Bytes) -> ControlResult {
    let fault: Fault = body(&bytes)?;
    app.shared.mutate(|s| s.faults.add(fault.clone()));
    Ok(Json(json!(fault)))
}

async fn clear_faults(State(app): State<AppState>) -> Json<Value> {
    app.shared.mutate(|s| s.faults.clear());
    Json(json!([]))
}

async fn set_rate_limit(State(app): State<AppState>, bytes: Bytes) -> ControlResult {
    let limit: RateLimit = body(&bytes)?;
    app.shared.mutate(|s| s.limiter.set_limit(limit));
    Ok(Json(json!(limit)))
}

async fn journal(State(app): State<AppState>) -> Json<Value> {
    Json(json!(app.shared.read(|s| s.journal.iter().cloned().collect::<Vec<_>>())))
}

async fn callback_answers(State(app): State<AppState>) -> Json<Value> {
    Json(json!(app.shared.read(|s| s.callback_answers.clone())))
}

async fn commands(State(app): State<AppState>) -> Json<Value> {
    Json(json!(app.shared.read(|s| s.commands.clone())))
}
