//! [`LiveContent`]: the FAQ index and curriculum the bot serves, loaded at start-up and swapped atomically when an
//! admin reloads them. A reload that fails validation keeps the current content and reports every problem.

use std::{
    path::{Path, PathBuf},
    sync::Arc,
};

use arc_swap::ArcSwap;

use crate::{
    curriculum::content::{ContentErrors, Curriculum},
    faq::{content::FaqContent, index::FaqIndex},
};

/// Shared, swappable content; cheap to clone.
#[derive(Clone)]
pub struct LiveContent {
    current: Arc<ArcSwap<FaqIndex>>,
    dir: PathBuf,
}

impl LiveContent {
    /// Loads and validates `dir`, then builds the matcher's index.
    pub fn load(dir: &Path) -> Result<Self, ContentErrors> {
        let index = FaqIndex::build(&FaqContent::load_dir(dir)?);
        Ok(Self { current: Arc::new(ArcSwap::from_pointee(index)), dir: dir.to_path_buf() })
    }

    /// The content in force now. Hold the `Arc` for the duration of one update, not longer.
    #[must_use]
    pub fn index(&self) -> Arc<FaqIndex> {
        self.current.load_full()
    }

    /// Re-reads the directory; on success the new content replaces the old for every later update.
    pub fn reload(&self) -> Result<(usize, usize), ContentErrors> {
        let index = FaqIndex::build(&FaqContent::load_dir(&self.dir)?);
        let counts = (index.content().entries.len(), index.content().curriculum.modules.len());
        self.current.store(Arc::new(index));
        Ok(counts)
    }
}

/// Shorthand for handlers that only need the curriculum.
pub fn curriculum(index: &FaqIndex) -> &Curriculum {
    &index.content().curriculum
}
