//! [`LiveContent`]: the FAQ index and curriculum the bot serves, read from the database and swapped atomically
//! whenever the content changes, in every process.
//!
//! The database is the source of truth ([`crate::storage::content`]). An empty database is filled at start-up from
//! `ACCEL_FAQ_DIR` when it is set, else from the copy of `faq/` embedded in the binary ([`ContentFiles::shipped`]);
//! from then on the content changes only through [`import_files`] (`accelerateur faq import`), [`LiveContent::save_entry`],
//! [`LiveContent::delete_entry`] and [`LiveContent::restore`] (the admins' chat commands). Each of them validates
//! the *whole* resulting content as `faq check` does before writing anything, so the database always holds content
//! that loads, and each change is recorded as a revision.
//!
//! Propagation: every process polls the content version ([`LiveContent::spawn_watcher`], every
//! [`POLL_INTERVAL`]); when it moves, the process reads the content, builds the new index on a blocking thread
//! (the old one keeps answering meanwhile) and swaps it in. The process that made a change swaps at once.

use std::{
    path::{Path, PathBuf},
    sync::{
        Arc, Weak,
        atomic::{AtomicI64, Ordering},
    },
    time::Duration,
};

use anyhow::Context;
use arc_swap::ArcSwap;
use tokio_util::sync::CancellationToken;

use crate::{
    curriculum::content::{ContentErrors, Curriculum},
    faq::{
        content::{FAQ_CHAPTERS, FaqContent, FaqEntry, FaqFile},
        files::{self, ContentFiles},
        index::FaqIndex,
    },
    storage::{
        Db, DbError,
        content::{Applied, ContentChange, StoredContent, StoredEntry},
    },
};

/// How often each process looks for a new content version.
pub const POLL_INTERVAL: Duration = Duration::from_secs(2);

/// The author of changes made by `faq import` and by the first start.
pub const IMPORT_AUTHOR: &str = "import";

/// Shared, swappable content; cheap to clone.
#[derive(Clone)]
pub struct LiveContent {
    current: Arc<ArcSwap<FaqIndex>>,
    /// The database version of the content in force (0 for a directory).
    version: Arc<AtomicI64>,
    source: Source,
    /// One rebuild at a time in this process, so an older read never replaces a newer one.
    rebuilding: Arc<tokio::sync::Mutex<()>>,
}

#[derive(Clone)]
enum Source {
    Dir(PathBuf),
    Db(Db),
}

/// Why a change to the content was not made.
#[derive(Debug, thiserror::Error)]
pub enum ContentUpdateError {
    /// The content would not be valid; nothing was written.
    #[error("{0}")]
    Invalid(ContentErrors),
    /// No such entry or revision.
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<DbError> for ContentUpdateError {
    fn from(error: DbError) -> Self {
        match error {
            DbError::NotFound => Self::NotFound,
            DbError::Other(error) => Self::Unexpected(error),
        }
    }
}

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportReport {
    /// Revisions recorded (entries and files whose text changed).
    pub revisions: usize,
    /// Entries in the database that the directory does not have (kept: import never deletes).
    pub kept: usize,
    pub version: i64,
}

impl LiveContent {
    /// Loads and validates `dir`, then builds the matcher's index (command-line tools, tests); [`Self::reload`]
    /// re-reads the directory.
    pub fn load(dir: &Path) -> Result<Self, ContentErrors> {
        let index = FaqIndex::build(&FaqContent::load_dir(dir)?);
        Ok(Self::new(index, 0, Source::Dir(dir.to_path_buf())))
    }

    /// The content of the database, filled first if it is empty: from `seed` (`ACCEL_FAQ_DIR`) when given, else
    /// from the content embedded in the binary.
    ///
    /// # Errors
    /// A seed directory that does not hold valid content (every problem listed), or a database error.
    pub async fn open(db: &Db, seed: Option<&Path>) -> anyhow::Result<Self> {
        if db.content_version().await? == 0 {
            let (files, base) = match seed {
                Some(dir) => (ContentFiles::read_dir(dir), dir.to_path_buf()),
                None => (ContentFiles::shipped(), PathBuf::from("faq")),
            };
            let report = import_files(db, &files, &base, IMPORT_AUTHOR, jiff::Timestamp::now().as_second())
                .await
                .map_err(|error| match (error, seed) {
                    (ContentUpdateError::Invalid(errors), Some(dir)) => invalid_seed(dir, &errors),
                    (error, _) => anyhow::Error::new(error).context("cannot import the content into the database"),
                })?;
            tracing::info!(from = %base.display(), revisions = report.revisions, "content imported into the database");
        } else if let Some(dir) = seed {
            tracing::info!(
                dir = %dir.display(),
                "the database already holds the content: ACCEL_FAQ_DIR is not read (use `accelerateur faq import`)"
            );
        }
        let (index, version) = build_from_db(db).await?.map_err(|errors| {
            anyhow::anyhow!("the content in the database is not valid: {errors}; fix it with `accelerateur faq import`")
        })?;
        Ok(Self::new(index, version, Source::Db(db.clone())))
    }

    fn new(index: FaqIndex, version: i64, source: Source) -> Self {
        Self {
            current: Arc::new(ArcSwap::from_pointee(index)),
            version: Arc::new(AtomicI64::new(version)),
            source,
            rebuilding: Arc::new(tokio::sync::Mutex::new(())),
        }
    }

    /// The content in force now. Hold the `Arc` for the duration of one update, not longer.
    #[must_use]
    pub fn index(&self) -> Arc<FaqIndex> {
        self.current.load_full()
    }

    /// The database version of the content in force.
    #[must_use]
    pub fn version(&self) -> i64 {
        self.version.load(Ordering::Acquire)
    }

    /// Reads the content again (from the database, or the directory) and swaps it in; returns the counts of
    /// entries and modules. Invalid content keeps the current one.
    ///
    /// # Errors
    /// `Invalid` with every problem, or a database error.
    pub async fn reload(&self) -> Result<(usize, usize), ContentUpdateError> {
        let _one_at_a_time = self.rebuilding.lock().await;
        let (index, version) = match &self.source {
            Source::Dir(dir) => {
                let dir = dir.clone();
                let built =
                    tokio::task::spawn_blocking(move || FaqContent::load_dir(&dir).map(|c| FaqIndex::build(&c)))
                        .await
                        .context("the index build panicked")?;
                (built.map_err(ContentUpdateError::Invalid)?, 0)
            }
            Source::Db(db) => build_from_db(db).await?.map_err(ContentUpdateError::Invalid)?,
        };
        let counts = (index.content().entries.len(), index.content().curriculum.modules.len());
        self.current.store(Arc::new(index));
        self.version.store(version, Ordering::Release);
        Ok(counts)
    }

    /// Reloads if the database holds another version than the one in force.
    ///
    /// # Errors
    /// See [`Self::reload`].
    pub async fn refresh(&self) -> Result<bool, ContentUpdateError> {
        let Source::Db(db) = &self.source else { return Ok(false) };
        if db.content_version().await? == self.version() {
            return Ok(false);
        }
        self.reload().await?;
        Ok(true)
    }

    /// Polls the content version every `every` until `stop` is cancelled or every clone of this content is
    /// dropped; a new version is built aside and swapped in.
    pub fn spawn_watcher(&self, every: Duration, stop: CancellationToken) {
        let Source::Db(db) = self.source.clone() else { return };
        let current: Weak<ArcSwap<FaqIndex>> = Arc::downgrade(&self.current);
        let (version, rebuilding) = (Arc::downgrade(&self.version), Arc::downgrade(&self.rebuilding));
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    () = stop.cancelled() => return,
                    () = tokio::time::sleep(every) => {}
                }
                let (Some(current), Some(version), Some(rebuilding)) =
                    (current.upgrade(), version.upgrade(), rebuilding.upgrade())
                else {
                    return;
                };
                let content = Self { current, version, rebuilding, source: Source::Db(db.clone()) };
                match content.refresh().await {
                    Ok(true) => tracing::info!(version = content.version(), "new content version in force"),
                    Ok(false) => {}
                    Err(error) => tracing::error!(error = %error, "cannot refresh the content; the current one stays"),
                }
            }
        });
    }

    fn db(&self) -> Result<&Db, ContentUpdateError> {
        match &self.source {
            Source::Db(db) => Ok(db),
            Source::Dir(_) => Err(anyhow::anyhow!("content read from a directory cannot be edited").into()),
        }
    }

    /// One entry as stored (the text admins wrote, before the typography merchants read).
    ///
    /// # Errors
    /// `NotFound`, or a database error.
    pub async fn stored_entry(&self, id: &str) -> Result<FaqEntry, ContentUpdateError> {
        let stored = self.db()?.stored_content().await?;
        let entry = stored.entries.iter().find(|e| e.id == id).ok_or(ContentUpdateError::NotFound)?;
        Ok(files::parse_block(&entry.body).context("a stored entry does not parse")?)
    }

    /// Writes one entry (new, or replacing the one with its id), after validating the whole content with it;
    /// it is in force in this process on return, in the others within [`POLL_INTERVAL`].
    ///
    /// # Errors
    /// `Invalid` with the problems of the resulting content; nothing is written then.
    pub async fn save_entry(&self, entry: &FaqEntry, author: &str) -> Result<Applied, ContentUpdateError> {
        let db = self.db()?;
        let current = db.stored_content().await?;
        let mut wanted = current.clone();
        put_entry(&mut wanted, &entry.id, &entry.chapter, files::entry_block(entry));
        self.write(db, (&current, &wanted), author).await
    }

    /// Deletes an entry, if the content stays valid without it (mandatory topics cannot be deleted).
    ///
    /// # Errors
    /// `NotFound`, or `Invalid` with the problems of the resulting content.
    pub async fn delete_entry(&self, id: &str, author: &str) -> Result<Applied, ContentUpdateError> {
        let db = self.db()?;
        let current = db.stored_content().await?;
        let mut wanted = current.clone();
        wanted.entries.retain(|e| e.id != id);
        if wanted.entries.len() == current.entries.len() {
            return Err(ContentUpdateError::NotFound);
        }
        self.write(db, (&current, &wanted), author).await
    }

    /// Puts an entry back as it was after revision `revision` (as it was before it, for a deletion); the restore
    /// is itself a revision.
    ///
    /// # Errors
    /// `NotFound` (no such entry revision), or `Invalid` with the problems of the resulting content.
    pub async fn restore(&self, revision: i64, author: &str) -> Result<(String, Applied), ContentUpdateError> {
        let db = self.db()?;
        let revision = db.content_revision(revision).await?;
        let Some(block) = revision.after.clone().or(revision.before.clone()).filter(|_| revision.kind == "entry")
        else {
            return Err(ContentUpdateError::NotFound);
        };
        let entry = files::parse_block(&block).context("a stored revision does not parse")?;
        let current = db.stored_content().await?;
        let mut wanted = current.clone();
        put_entry(&mut wanted, &entry.id, &entry.chapter, block);
        Ok((entry.id, self.write(db, (&current, &wanted), author).await?))
    }

    /// Validates `wanted` as a whole, writes what differs from the database, and swaps the new content in.
    async fn write(
        &self,
        db: &Db,
        (current, wanted): (&StoredContent, &StoredContent),
        author: &str,
    ) -> Result<Applied, ContentUpdateError> {
        FaqContent::from_files(&files_of(wanted), Path::new("")).map_err(ContentUpdateError::Invalid)?;
        let changes = changes_to(wanted, current);
        let applied = db.apply_content(&changes, author, jiff::Timestamp::now().as_second()).await?;
        self.refresh().await?;
        Ok(applied)
    }
}

/// Shorthand for handlers that only need the curriculum.
pub fn curriculum(index: &FaqIndex) -> &Curriculum {
    &index.content().curriculum
}

fn invalid_seed(dir: &Path, errors: &ContentErrors) -> anyhow::Error {
    let first = errors.0.first().map(ToString::to_string).unwrap_or_default();
    let more = match errors.0.len() {
        0 | 1 => String::new(),
        n => format!(" (and {} more problems)", n - 1),
    };
    anyhow::anyhow!(
        "ACCEL_FAQ_DIR={} does not hold valid content: {first}{more}; run `accelerateur faq check {}`",
        dir.display(),
        dir.display()
    )
}

/// Reads the database's content and builds its index on a blocking thread: `Ok(Err(..))` if it is not valid.
async fn build_from_db(db: &Db) -> anyhow::Result<Result<(FaqIndex, i64), ContentErrors>> {
    let stored = db.stored_content().await?;
    let version = stored.version;
    tokio::task::spawn_blocking(move || {
        FaqContent::from_files(&files_of(&stored), Path::new("")).map(|content| (FaqIndex::build(&content), version))
    })
    .await
    .context("the index build panicked")
}

/// The content files of stored content: each chapter file is its preamble then its entries' blocks in order.
#[must_use]
pub fn files_of(stored: &StoredContent) -> ContentFiles {
    let mut files: ContentFiles = stored.files.iter().cloned().collect();
    for chapter in FAQ_CHAPTERS {
        let path = files::chapter_file(chapter);
        let mut text = files.get(&path).unwrap_or_default().to_owned();
        for entry in stored.entries.iter().filter(|e| e.chapter == *chapter) {
            text.push_str(&entry.body);
        }
        files.insert(&path, text);
    }
    files
}

/// Sets an entry's block, keeping its place in its chapter, or last in its (new) chapter.
fn put_entry(stored: &mut StoredContent, id: &str, chapter: &str, body: String) {
    let last = stored.entries.iter().filter(|e| e.chapter == chapter).map(|e| e.position + 1).max().unwrap_or(0);
    match stored.entries.iter_mut().find(|e| e.id == id) {
        Some(existing) if existing.chapter == chapter => existing.body = body,
        Some(existing) => {
            *existing = StoredEntry { id: id.to_owned(), chapter: chapter.to_owned(), position: last, body }
        }
        None => {
            stored.entries.push(StoredEntry { id: id.to_owned(), chapter: chapter.to_owned(), position: last, body })
        }
    }
    stored.entries.sort_by(|a, b| (&a.chapter, a.position, &a.id).cmp(&(&b.chapter, b.position, &b.id)));
}

/// Every file and entry of `wanted` as changes, plus the deletion of the entries of `current` it no longer has
/// (the database skips what is identical).
fn changes_to(wanted: &StoredContent, current: &StoredContent) -> Vec<ContentChange> {
    let mut changes: Vec<ContentChange> = wanted
        .files
        .iter()
        .map(|(path, body)| ContentChange::File { path: path.clone(), body: Some(body.clone()) })
        .collect();
    changes.extend(wanted.entries.iter().cloned().map(ContentChange::PutEntry));
    changes.extend(
        current
            .entries
            .iter()
            .filter(|old| !wanted.entries.iter().any(|e| e.id == old.id))
            .map(|old| ContentChange::DeleteEntry { id: old.id.clone() }),
    );
    changes
}

/// Content files as database rows: the files that are not chapters as they are, and each chapter cut into its
/// preamble and entry blocks (entries written anew when a file does not cut cleanly). The files must be valid.
fn rows_of(content_files: &ContentFiles) -> anyhow::Result<StoredContent> {
    let mut stored = StoredContent::default();
    for (path, text) in content_files.iter() {
        let Some(chapter) = FAQ_CHAPTERS.iter().find(|c| files::chapter_file(c) == path) else {
            stored.files.push((path.to_owned(), text.to_owned()));
            continue;
        };
        let entries = toml::from_str::<FaqFile>(text).with_context(|| format!("{path} does not parse"))?.entry;
        let split = files::split_chapter(text, &entries).unwrap_or_else(|| files::SplitChapter {
            preamble: String::new(),
            blocks: entries.iter().map(|e| (e.id.clone(), files::entry_block(e))).collect(),
        });
        stored.files.push((path.to_owned(), split.preamble));
        for (position, (id, body)) in split.blocks.into_iter().enumerate() {
            stored.entries.push(StoredEntry { id, chapter: (*chapter).to_owned(), position: position as i64, body });
        }
    }
    Ok(stored)
}

/// Imports content files: validates them (every problem named with its file and entry), then validates the
/// content they give once merged with the database's (upsert by id: entries the files lack are kept, after the
/// imported ones of their chapter), then applies all of it in one transaction, or nothing. `base` prefixes the
/// file names in the problems.
///
/// # Errors
/// `Invalid` with every problem; nothing is written then.
pub async fn import_files(
    db: &Db,
    content_files: &ContentFiles,
    base: &Path,
    author: &str,
    now: i64,
) -> Result<ImportReport, ContentUpdateError> {
    FaqContent::from_files(content_files, base).map_err(ContentUpdateError::Invalid)?;
    let mut wanted = rows_of(content_files)?;
    let stored = db.stored_content().await?;
    for (path, body) in &stored.files {
        if !wanted.files.iter().any(|(p, _)| p == path) {
            wanted.files.push((path.clone(), body.clone()));
        }
    }
    let mut kept = 0;
    for entry in &stored.entries {
        if !wanted.entries.iter().any(|e| e.id == entry.id) {
            let last = wanted.entries.iter().filter(|e| e.chapter == entry.chapter).map(|e| e.position + 1).max();
            wanted.entries.push(StoredEntry { position: last.unwrap_or(0), ..entry.clone() });
            kept += 1;
        }
    }
    wanted.files.sort();
    wanted.entries.sort_by(|a, b| (&a.chapter, a.position, &a.id).cmp(&(&b.chapter, b.position, &b.id)));
    FaqContent::from_files(&files_of(&wanted), Path::new("")).map_err(ContentUpdateError::Invalid)?;
    let applied = db.apply_content(&changes_to(&wanted, &stored), author, now).await?;
    Ok(ImportReport { revisions: applied.revisions, kept, version: applied.version })
}

/// The database's content as files, to write with [`ContentFiles::write_dir`].
///
/// # Errors
/// A database error.
pub async fn export_files(db: &Db) -> anyhow::Result<ContentFiles> {
    Ok(files_of(&db.stored_content().await?))
}
