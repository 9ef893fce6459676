//! Multi-step conversations as teloxide dialogues, kept in the database through [`DbDialogueStorage`] so a
//! restart mid-way loses nothing: the composition of an announcement (`/annonce`, [`AnnounceState`]; ids only, the
//! text and button live in the draft row) and an admin adding a trainer (`/formateurs`, [`StaffState`]).

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use teloxide::dispatching::dialogue::{Dialogue, ErasedStorage, Storage as _};

use crate::{
    clock::AppClock,
    editor::Draft,
    storage::{Db, announcements::Audience, dialogues::DbDialogueStorage},
};

/// The kind each conversation is stored under in `dialogues` (one row per kind and chat).
pub const ANNOUNCE: &str = "announce";
pub const STAFF: &str = "staff";
pub const REPLY: &str = "reply";
pub const FAQ: &str = "faq";

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
    DbDialogueStorage::<AnnounceState>::new(db, clock, ANNOUNCE).erase()
}

/// Where an admin is in managing the team.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum StaffState {
    /// Not adding anyone.
    #[default]
    Idle,
    /// Waiting for a message forwarded from the future trainer, or their numeric id.
    AwaitingPerson,
}

/// The storage injected into the dispatcher for [`StaffState`].
pub type StaffStorage = Arc<ErasedStorage<StaffState>>;
/// The dialogue the team handlers receive.
pub type StaffDialogue = Dialogue<StaffState, ErasedStorage<StaffState>>;

#[must_use]
pub fn staff_storage(db: Db, clock: AppClock) -> StaffStorage {
    DbDialogueStorage::<StaffState>::new(db, clock, STAFF).erase()
}

/// A reply in progress, kept in `dialogues` under its own kind (`reply`) next to [`AnnounceState`]'s.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReplyState {
    #[default]
    Idle,
    /// A trainer is writing the reply to question `question_id`.
    Writing { question_id: i64 },
    /// A merchant is writing their one follow-up to reply `reply_id`.
    FollowingUp { reply_id: i64 },
    /// A trainer is typing words to find the entry question `question_id` is a variant of.
    SearchingEntry { question_id: i64 },
}

pub type ReplyStorage = Arc<ErasedStorage<ReplyState>>;
pub type ReplyDialogue = Dialogue<ReplyState, ErasedStorage<ReplyState>>;

#[must_use]
pub fn reply_storage(db: Db, clock: AppClock) -> ReplyStorage {
    DbDialogueStorage::<ReplyState>::new(db, clock, REPLY).erase()
}

/// Where an admin is in the FAQ editor (`/faq`, `/faq_nouvelle`), kept in `dialogues` under kind `faq`. A new
/// entry goes question → variants → answer → chapter → modules → confirmation; the other states wait for one text
/// that changes one field of entry `id`, or for search words.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum FaqState {
    #[default]
    Idle,
    /// Waiting for the question of a new entry.
    Question { draft: Draft },
    /// Collecting variants, one per message, until *Terminé*.
    Variants { draft: Draft },
    /// Waiting for the answer (again, to replace the one previewed), or *Valider la réponse*.
    Answer { draft: Draft },
    /// Waiting for a chapter button.
    Chapter { draft: Draft },
    /// Waiting for module buttons, then *Terminé*.
    Modules { draft: Draft },
    /// The whole entry shown; waiting for *Enregistrer*.
    Confirm { draft: Draft },
    /// Waiting for the new question of entry `id`.
    EditQuestion { id: String },
    /// Waiting for the new answer of entry `id`.
    EditAnswer { id: String },
    /// Waiting for one more variant of entry `id`.
    AddVariant { id: String },
    /// Waiting for search words.
    Search,
}

pub type FaqStorage = Arc<ErasedStorage<FaqState>>;
pub type FaqDialogue = Dialogue<FaqState, ErasedStorage<FaqState>>;

#[must_use]
pub fn faq_storage(db: Db, clock: AppClock) -> FaqStorage {
    DbDialogueStorage::<FaqState>::new(db, clock, FAQ).erase()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Db::open_dialogues` skips idle rows by their stored text: every state type's default must be stored so.
    #[test]
    fn every_idle_state_is_stored_as_the_text_the_routing_table_skips() {
        let idle = "\"Idle\"";
        assert_eq!(serde_json::to_string(&AnnounceState::default()).unwrap(), idle);
        assert_eq!(serde_json::to_string(&StaffState::default()).unwrap(), idle);
        assert_eq!(serde_json::to_string(&ReplyState::default()).unwrap(), idle);
        assert_eq!(serde_json::to_string(&FaqState::default()).unwrap(), idle);
        assert_ne!(serde_json::to_string(&AnnounceState::Text).unwrap(), idle);
    }
}
