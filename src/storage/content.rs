//! `content`: the FAQ entries, the other content files and their revisions (`faq_entries`, `content_files`,
//! `content_revisions`), and the content version every process polls (`content_version`).
//!
//! Writes go through [`Db::apply_content`] only: one transaction that first bumps the version (which also
//! serialises concurrent writers on both engines), then applies each change whose text differs and records it as a
//! revision (who, when, before, after). A set of changes that changes nothing leaves the version alone. What the
//! texts mean is not this module's business: [`crate::content`] validates them before writing.

use super::{Db, DbResult, on_pool, on_tx};

/// One entry as stored: its TOML block and its place in its chapter file.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredEntry {
    pub id: String,
    pub chapter: String,
    pub position: i64,
    pub body: String,
}

/// The whole content at one version.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoredContent {
    pub version: i64,
    /// `(path, body)`, by path.
    pub files: Vec<(String, String)>,
    /// By chapter, position, id.
    pub entries: Vec<StoredEntry>,
}

/// One change to apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContentChange {
    /// Write (`Some`) or remove (`None`) a file.
    File {
        path: String,
        body: Option<String>,
    },
    /// Write an entry at its place.
    PutEntry(StoredEntry),
    DeleteEntry {
        id: String,
    },
}

/// What a revision is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevisionKind {
    Entry,
    File,
}

impl RevisionKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Entry => "entry",
            Self::File => "file",
        }
    }
}

/// One recorded change.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Revision {
    pub id: i64,
    pub kind: String,
    /// The entry id or the file path.
    pub item: String,
    pub author: String,
    pub at: i64,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// What [`Db::apply_content`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Applied {
    /// The content version now.
    pub version: i64,
    /// Revisions recorded (0: nothing changed).
    pub revisions: usize,
    /// The first revision recorded, if any.
    pub first_revision: Option<i64>,
}

const INSERT_REVISION: &str = "INSERT INTO content_revisions (kind, item, author, at, before, after) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";

impl Db {
    /// The content version (0: nothing imported yet).
    pub async fn content_version(&self) -> DbResult<i64> {
        let sql = "SELECT version FROM content_version WHERE singleton = 1";
        let (version,): (i64,) = on_pool!(self, pool => sqlx::query_as(sql).fetch_one(pool).await)?;
        Ok(version)
    }

    /// Every file and entry, all from one version (read again if a writer got in between).
    pub async fn stored_content(&self) -> DbResult<StoredContent> {
        loop {
            let version = self.content_version().await?;
            let files: Vec<(String, String)> = on_pool!(self, pool => sqlx::query_as(
                "SELECT path, body FROM content_files ORDER BY path").fetch_all(pool).await)?;
            let entries: Vec<StoredEntry> = on_pool!(self, pool => sqlx::query_as(
                "SELECT id, chapter, position, body FROM faq_entries ORDER BY chapter, position, id")
                .fetch_all(pool).await)?;
            if self.content_version().await? == version {
                return Ok(StoredContent { version, files, entries });
            }
        }
    }

    /// Applies `changes` in one transaction, recording a revision for each text that changes; the version moves
    /// only if something changed.
    pub async fn apply_content(&self, changes: &[ContentChange], author: &str, now: i64) -> DbResult<Applied> {
        let mut tx = self.begin().await?;
        let bump = "UPDATE content_version SET version = version + 1 WHERE singleton = 1 RETURNING version";
        let (version,): (i64,) = on_tx!(&mut tx, conn => sqlx::query_as(bump).fetch_one(conn).await)?;
        let (mut revisions, mut first_revision, mut moved) = (0, None, false);
        for change in changes {
            let (kind, item, after) = match change {
                ContentChange::File { path, body } => (RevisionKind::File, path, body.as_deref()),
                ContentChange::PutEntry(entry) => (RevisionKind::Entry, &entry.id, Some(entry.body.as_str())),
                ContentChange::DeleteEntry { id } => (RevisionKind::Entry, id, None),
            };
            let before: Option<(String,)> = match kind {
                RevisionKind::File => on_tx!(&mut tx, conn => sqlx::query_as(
                    "SELECT body FROM content_files WHERE path = $1").bind(item).fetch_optional(conn).await)?,
                RevisionKind::Entry => on_tx!(&mut tx, conn => sqlx::query_as(
                    "SELECT body FROM faq_entries WHERE id = $1").bind(item).fetch_optional(conn).await)?,
            };
            let before = before.map(|(body,)| body);
            if let ContentChange::PutEntry(entry) = change {
                // The place can change without the text (an import reordering a chapter): no revision then.
                let sql = "INSERT INTO faq_entries (id, chapter, position, body) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (id) DO UPDATE SET chapter = excluded.chapter, position = excluded.position, \
                     body = excluded.body \
                     WHERE faq_entries.chapter <> excluded.chapter OR faq_entries.position <> excluded.position \
                     OR faq_entries.body <> excluded.body";
                let done = on_tx!(&mut tx, conn => sqlx::query(sql).bind(&entry.id).bind(&entry.chapter)
                    .bind(entry.position).bind(&entry.body).execute(conn).await.map(|done| done.rows_affected()))?;
                moved |= done > 0;
            }
            if before.as_deref() == after {
                continue;
            }
            match change {
                ContentChange::File { path, body: Some(body) } => {
                    let sql = "INSERT INTO content_files (path, body) VALUES ($1, $2) \
                         ON CONFLICT (path) DO UPDATE SET body = excluded.body";
                    on_tx!(&mut tx, conn => sqlx::query(sql).bind(path).bind(body).execute(conn).await.map(|_| ()))?;
                }
                ContentChange::File { path, body: None } => {
                    let sql = "DELETE FROM content_files WHERE path = $1";
                    on_tx!(&mut tx, conn => sqlx::query(sql).bind(path).execute(conn).await.map(|_| ()))?;
                }
                ContentChange::PutEntry(_) => {}
                ContentChange::DeleteEntry { id } => {
                    let sql = "DELETE FROM faq_entries WHERE id = $1";
                    on_tx!(&mut tx, conn => sqlx::query(sql).bind(id).execute(conn).await.map(|_| ()))?;
                }
            }
            let (revision,): (i64,) = on_tx!(&mut tx, conn => sqlx::query_as(INSERT_REVISION)
                .bind(kind.as_str()).bind(item).bind(author).bind(now).bind(&before).bind(after)
                .fetch_one(conn).await)?;
            first_revision.get_or_insert(revision);
            revisions += 1;
        }
        if revisions == 0 && !moved {
            // Dropping the transaction rolls the version back.
            return Ok(Applied { version: version - 1, revisions, first_revision });
        }
        tx.commit().await?;
        Ok(Applied { version, revisions, first_revision })
    }

    /// The revisions of an entry, newest first.
    pub async fn entry_revisions(&self, id: &str, limit: i64) -> DbResult<Vec<Revision>> {
        let sql = "SELECT id, kind, item, author, at, before, after FROM content_revisions \
             WHERE kind = 'entry' AND item = $1 ORDER BY id DESC LIMIT $2";
        Ok(on_pool!(self, pool => sqlx::query_as(sql).bind(id).bind(limit).fetch_all(pool).await)?)
    }

    /// One revision (`DbError::NotFound` if there is none with this id).
    pub async fn content_revision(&self, id: i64) -> DbResult<Revision> {
        let sql = "SELECT id, kind, item, author, at, before, after FROM content_revisions WHERE id = $1";
        Ok(on_pool!(self, pool => sqlx::query_as(sql).bind(id).fetch_one(pool).await)?)
    }
}
