//! [`Sender`]: who sent a private update, read from the database once, when it arrives.
//!
//! Every private update refreshes its sender's row (creates it, refreshes the name, clears `blocked`), and that
//! same statement returns the sender's role; beside it, one query lists the kinds of conversation open in the chat
//! (`dialogues`). The routing table's guards and conversation branches read both from here instead of asking the
//! database once per guard and once per kind of conversation: a merchant's question costs three round trips
//! (this pair, side by side, then recording the question) instead of six, and teloxide never writes an idle row
//! for a conversation nobody started. The role is still read for every update, so a role granted or revoked
//! applies to the very next one. When the database fails or is slow (each read waits at most a second), the update
//! is answered anyway: the role is then read again by the guard that needs it (a merchant if that fails too:
//! privileges are never granted by an error), and a message whose conversations could not be read is taken as a
//! question (a merchant gets an answer rather than an apology; a conversation in progress takes the next message).

use std::time::Duration;

use teloxide::types::{Update, UserId};

use crate::{
    clock::AppClock,
    roles::{Role, role_of},
    storage::{Db, DbResult},
};

/// How long recording the sender may hold up the answer.
const TRACK_PATIENCE: Duration = Duration::from_secs(1);

/// The sender of a private update, as the database saw them when it arrived.
#[derive(Debug, Clone)]
pub struct Sender {
    user: Option<UserId>,
    /// `None` when the database did not say.
    role: Option<Role>,
    /// The kinds of conversation in progress in this chat (empty when the database did not say).
    open: Vec<String>,
}

impl Sender {
    /// Records the sender of `update` and reads their role and open conversations, side by side (taken by the
    /// routing table as it is: `map_async(Sender::track)`).
    pub async fn track(update: Update, db: Db, clock: AppClock) -> Self {
        let Some(user) = update.from() else {
            return Self { user: None, role: Some(Role::Merchant), open: Vec::new() };
        };
        let touch = patiently("recording the user", db.touch_user(user.id, &user.first_name, clock.unix()));
        let open = async {
            match update.chat() {
                Some(chat) => patiently(
                    "reading the open conversations (the message is taken as a question)",
                    db.open_dialogues(chat.id),
                )
                .await
                .unwrap_or_default(),
                None => Vec::new(),
            }
        };
        let (role, open) = tokio::join!(touch, open);
        Self { user: Some(user.id), role, open }
    }

    /// The sender's role: the one read on arrival, or read now if the database did not give it then.
    pub async fn role(&self, db: &Db) -> Role {
        match (self.role, self.user) {
            (Some(role), _) => role,
            (None, Some(user)) => role_of(db, user).await,
            (None, None) => Role::Merchant,
        }
    }

    /// Whether a conversation of `kind` is in progress in this chat.
    #[must_use]
    pub fn is_in(&self, kind: &str) -> bool {
        self.open.iter().any(|open| open == kind)
    }
}

/// `read`, given at most [`TRACK_PATIENCE`]; `None`, logged, when the database fails or does not answer in time.
async fn patiently<T>(what: &str, read: impl Future<Output = DbResult<T>>) -> Option<T> {
    match tokio::time::timeout(TRACK_PATIENCE, read).await {
        Ok(Ok(value)) => Some(value),
        Ok(Err(error)) => {
            tracing::error!(error = ?error, "{what} failed");
            None
        }
        Err(_) => {
            tracing::error!("{what} timed out");
            None
        }
    }
}
