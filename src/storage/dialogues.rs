//! `dialogues`: teloxide dialogue states kept in our database ([`DbDialogueStorage`]), one JSON row per chat, so a
//! conversation in progress survives a restart and any replica can take the next update.

use std::{marker::PhantomData, sync::Arc};

use futures::future::BoxFuture;
use serde::{Serialize, de::DeserializeOwned};
use teloxide::{dispatching::dialogue::Storage, types::ChatId};

use super::{Db, DbError, on_pool};

/// [`Storage`] over [`Db`] for any serde state `D` (teloxide's own PostgreSQL storage is missing in 0.17.0).
pub struct DbDialogueStorage<D> {
    db: Db,
    clock: crate::clock::AppClock,
    /// The table holding this kind of dialogue: each kind needs its own, since teloxide writes the default state
    /// of a kind whenever it reads a chat without one.
    table: &'static str,
    state: PhantomData<fn() -> D>,
}

impl<D> DbDialogueStorage<D> {
    /// The storage in `dialogues`.
    #[must_use]
    pub fn new(db: Db, clock: crate::clock::AppClock) -> Arc<Self> {
        Self::in_table(db, clock, "dialogues")
    }

    /// The storage in `table` (same columns as `dialogues`).
    #[must_use]
    pub fn in_table(db: Db, clock: crate::clock::AppClock, table: &'static str) -> Arc<Self> {
        Arc::new(Self { db, clock, table, state: PhantomData })
    }
}

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
            let sql = format!("DELETE FROM {} WHERE chat_id = $1", self.table);
            on_pool!(&self.db, pool => sqlx::query(&sql).bind(chat_id.0).execute(pool).await.map(|_| ()))?;
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
            let sql = format!(
                "INSERT INTO {} (chat_id, state, updated_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (chat_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
                self.table
            );
            on_pool!(&self.db, pool => sqlx::query(&sql).bind(chat_id.0).bind(state).bind(now).execute(pool).await.map(|_| ()))?;
            Ok(())
        })
    }

    fn get_dialogue(self: Arc<Self>, chat_id: ChatId) -> BoxFuture<'static, Result<Option<D>, Self::Error>> {
        Box::pin(async move {
            let sql = format!("SELECT state FROM {} WHERE chat_id = $1", self.table);
            let row: Option<(String,)> =
                on_pool!(&self.db, pool => sqlx::query_as(&sql).bind(chat_id.0).fetch_optional(pool).await)?;
            // A state from an older version of the bot that no longer parses starts the dialogue over.
            Ok(row.and_then(|(state,)| serde_json::from_str(&state).ok()))
        })
    }
}
