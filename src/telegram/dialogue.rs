//! The composition of an announcement (`/annonce`) as a teloxide dialogue: [`AnnounceState`], kept in the
//! database through [`DbDialogueStorage`] so a restart mid-composition loses nothing. The state holds ids only;
//! the text and button live in the draft row.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use teloxide::dispatching::dialogue::{Dialogue, ErasedStorage, Storage as _};

use crate::{
    clock::AppClock,
    storage::{Db, announcements::Audience, dialogues::DbDialogueStorage},
};

/// Where a trainer is in composing an announcement.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum AnnounceState {
    /// Not composing.
    #[default]
    Idle,
    /// Waiting for the text.
    Text,
    /// Waiting for a link button (`Libellé | https://…`) or *Sans bouton*.
    Button { draft: i64 },
    /// Preview shown; waiting for the audience.
    Audience { draft: i64 },
    /// Waiting for *Envoyer maintenant*, *Programmer* or *Annuler*.
    Confirm { draft: i64, audience: Audience },
    /// Waiting for a date and time.
    Time { draft: i64, audience: Audience },
}

/// The storage injected into the dispatcher.
pub type AnnounceStorage = Arc<ErasedStorage<AnnounceState>>;
/// The dialogue handlers receive.
pub type AnnounceDialogue = Dialogue<AnnounceState, ErasedStorage<AnnounceState>>;

#[must_use]
pub fn storage(db: Db, clock: AppClock) -> AnnounceStorage {
    DbDialogueStorage::<AnnounceState>::new(db, clock).erase()
}

/// A reply in progress, kept in its own table (`reply_dialogues`) next to [`AnnounceState`]'s.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReplyState {
    #[default]
    Idle,
    /// A trainer is writing the reply to question `question_id`.
    Writing { question_id: i64 },
    /// A merchant is writing their one follow-up to reply `reply_id`.
    FollowingUp { reply_id: i64 },
}

pub type ReplyStorage = Arc<ErasedStorage<ReplyState>>;
pub type ReplyDialogue = Dialogue<ReplyState, ErasedStorage<ReplyState>>;

#[must_use]
pub fn reply_storage(db: Db, clock: AppClock) -> ReplyStorage {
    DbDialogueStorage::<ReplyState>::in_table(db, clock, "reply_dialogues").erase()
}
