//! `dialogues`: teloxide dialogue states kept in our database ([`DbDialogueStorage`]), one JSON row per kind of
//! conversation and chat, so a conversation in progress survives a restart and any replica can take the next
//! update. Each state type has its own kind (`announce`, `staff`): one chat can hold one of each.

use std::{marker::PhantomData, sync::Arc};

use futures::future::BoxFuture;
use serde::{Serialize, de::DeserializeOwned};
use teloxide::{dispatching::dialogue::Storage, types::ChatId};

use super::{Db, DbError, on_pool};

/// [`Storage`] over [`Db`] for any serde state `D` (teloxide's own PostgreSQL storage is missing in 0.17.0).
pub struct DbDialogueStorage<D> {
    db: Db,
    kind: &'static str,
    clock: crate::clock::AppClock,
    state: PhantomData<fn() -> D>,
}

impl<D> DbDialogueStorage<D> {
    /// The storage in `dialogues`.
    #[must_use]
    pub fn new(db: Db, clock: crate::clock::AppClock, kind: &'static str) -> Arc<Self> {
        Arc::new(Self { db, kind, clock, state: PhantomData })
    }
}

impl Db {
    /// The kinds of conversation in progress in `chat`: a row whose state is not the idle one (every state type's
    /// default is its unit variant `Idle`, stored as `"Idle"`). Read once per update by `telegram::sender`, so the
    /// routing table looks up only the conversations in progress.
    pub async fn open_dialogues(&self, chat: ChatId) -> Result<Vec<String>, DbError> {
        let sql = "SELECT kind FROM dialogues WHERE chat_id = $1 AND state <> '\"Idle\"'";
        Ok(on_pool!(self, pool => sqlx::query_scalar(sql).bind(chat.0).fetch_all(pool).await)?)
    }
}

const UPSERT: &str = "INSERT INTO dialogues (kind, chat_id, state, updated_at) VALUES ($4, $1, $2, $3) \
     ON CONFLICT (kind, chat_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at";

impl<D> Storage<D> for DbDialogueStorage<D>
where
    D: Serialize + DeserializeOwned + Send + 'static,
{
    type Error = DbError;

    fn remove_dialogue(self: Arc<Self>, chat_id: ChatId) -> BoxFuture<'static, Result<(), Self::Error>>
    where
        D: Send + 'static,
    {
        Box::pin(async move {
            let sql = "DELETE FROM dialogues WHERE chat_id = $1 AND kind = $2";
            on_pool!(&self.db, pool => sqlx::query(sql).bind(chat_id.0).bind(self.kind).execute(pool).await.map(|_| ()))?;
            Ok(())
        })
    }

    fn update_dialogue(self: Arc<Self>, chat_id: ChatId, dialogue: D) -> BoxFuture<'static, Result<(), Self::Error>>
    where
        D: Send + 'static,
    {
        Box::pin(async move {
            let state = serde_json::to_string(&dialogue).map_err(anyhow::Error::from)?;
            let now = self.clock.unix();
            on_pool!(&self.db, pool => sqlx::query(UPSERT).bind(chat_id.0).bind(state).bind(now).bind(self.kind).execute(pool).await.map(|_| ()))?;
            Ok(())
        })
    }

    fn get_dialogue(self: Arc<Self>, chat_id: ChatId) -> BoxFuture<'static, Result<Option<D>, Self::Error>> {
        Box::pin(async move {
            let sql = "SELECT state FROM dialogues WHERE chat_id = $1 AND kind = $2";
            let row: Option<(String,)> = on_pool!(&self.db, pool => sqlx::query_as(sql).bind(chat_id.0).bind(self.kind).fetch_optional(pool).await)?;
            // A state from an older version of the bot that no longer parses starts the dialogue over.
            Ok(row.and_then(|(state,)| serde_json::from_str(&state).ok()))
        })
    }
}
