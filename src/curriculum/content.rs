//! Loading and validating `faq/curriculum.toml`, and the content error type shared with the FAQ.
//!
//! [`Curriculum::load`] parses the file and checks it (module ids unique, `[a-z0-9-]`, at most 40
//! characters, each chapter with 4 to 8 modules, paths that build a valid link). Every problem is
//! reported as a [`ContentError`] naming the file and the item, in an English sentence, so that
//! `accelerateur faq check` can list them all at once.

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Chapter ids of the curriculum, in order (the FAQ adds `programme`).
pub const CHAPTER_IDS: &[&str] = &["preparer", "boutique", "marketplace", "marque", "trafic", "logistique", "ventes"];

/// Longest allowed id for chapters, modules and FAQ entries.
pub const MAX_ID_LEN: usize = 40;

/// One problem found in the content files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentError {
    pub file: PathBuf,
    /// The item concerned, if any.
    pub item: Option<Item>,
    pub problem: Problem,
}

/// What a content problem is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Entry(String),
    Module(String),
    Chapter(String),
}

/// A content problem, typed: English for the command line ([`fmt::Display`]), French for admins in the bot
/// ([`ContentError::french`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    CannotRead {
        error: String,
    },
    Toml {
        at: Option<(usize, usize)>,
        detail: String,
    },
    ChapterMissing,
    UnknownChapterId,
    ChapterModuleCount {
        count: usize,
    },
    InvalidId {
        chars: Option<usize>,
    },
    DuplicateModuleId,
    UnknownChapter {
        chapter: String,
    },
    ChapterMismatch {
        chapter: String,
        expected: String,
    },
    InvalidPath {
        path: String,
    },
    QuestionEmpty,
    QuestionTooLong {
        chars: usize,
        max: usize,
    },
    TooFewVariants {
        count: usize,
        min: usize,
    },
    AnswerEmpty,
    AnswerTooLong {
        chars: usize,
        max: usize,
    },
    MessageTooLong {
        units: usize,
        max: usize,
    },
    UnknownModule {
        module: String,
    },
    TooManyModules {
        count: usize,
    },
    InvalidLink {
        link: String,
    },
    DuplicateEntryId {
        first: PathBuf,
    },
    MandatoryMissing,
    MandatoryElsewhere {
        chapter: String,
    },
    InvalidSource {
        source: String,
    },
    /// A review warning: the answer states a fact (`kind`, in English: "an amount") and the entry has no sources.
    UnsourcedFact {
        kind: String,
        fragment: String,
    },
    NoReviewDate,
    ReviewInFuture {
        date: String,
    },
    ReviewStale {
        date: String,
        months: i32,
    },
}

impl ContentError {
    #[must_use]
    pub fn new(file: &Path, item: Option<Item>, problem: Problem) -> Self {
        Self { file: file.to_owned(), item, problem }
    }

    /// A TOML syntax or shape error, located by line and column.
    #[must_use]
    pub fn toml(file: &Path, text: &str, error: &toml::de::Error) -> Self {
        let at = error.span().map(|span| {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.chars().rev().take_while(|&c| c != '\n').count() + 1;
            (line, column)
        });
        Self::new(file, None, Problem::Toml { at, detail: error.message().to_owned() })
    }

    /// The problem in French, for admins reloading content from the bot (file names and ids as they are).
    #[must_use]
    pub fn french(&self) -> String {
        use crate::tr;
        let problem = self.problem.french();
        let file = self.file.display().to_string();
        match &self.item {
            None => tr!("content-problem", file = file, problem = problem),
            Some(item) => {
                let item = match item {
                    Item::Entry(id) => tr!("content-item-entry", id = id),
                    Item::Module(id) => tr!("content-item-module", id = id),
                    Item::Chapter(id) => tr!("content-item-chapter", id = id),
                };
                tr!("content-problem-item", file = file, item = item, problem = problem)
            }
        }
    }
}

impl Problem {
    /// The problem alone in French, without file or item (the chat editor's steps).
    #[must_use]
    pub fn french(&self) -> String {
        use crate::tr;
        match self {
            Problem::CannotRead { .. } => tr!("content-cannot-read"),
            Problem::Toml { at: Some((line, column)), .. } => tr!("content-toml-at", line = *line, column = *column),
            Problem::Toml { at: None, .. } => tr!("content-toml"),
            Problem::ChapterMissing => tr!("content-chapter-missing"),
            Problem::UnknownChapterId => tr!("content-unknown-chapter-id", expected = CHAPTER_IDS.join(", ")),
            Problem::ChapterModuleCount { count } => tr!("content-chapter-module-count", count = *count),
            Problem::InvalidId { .. } => tr!("content-invalid-id", max = MAX_ID_LEN),
            Problem::DuplicateModuleId => tr!("content-duplicate-module"),
            Problem::UnknownChapter { chapter } => tr!("content-unknown-chapter", chapter = chapter),
            Problem::ChapterMismatch { chapter, expected } => {
                tr!("content-chapter-mismatch", chapter = chapter, expected = expected)
            }
            Problem::InvalidPath { path } => tr!("content-invalid-path", path = path),
            Problem::QuestionEmpty => tr!("content-question-empty"),
            Problem::QuestionTooLong { chars, max } => tr!("content-question-too-long", chars = *chars, max = *max),
            Problem::TooFewVariants { count, min } => tr!("content-too-few-variants", count = *count, min = *min),
            Problem::AnswerEmpty => tr!("content-answer-empty"),
            Problem::AnswerTooLong { chars, max } => tr!("content-answer-too-long", chars = *chars, max = *max),
            Problem::MessageTooLong { units, max } => tr!("content-message-too-long", units = *units, max = *max),
            Problem::UnknownModule { module } => tr!("content-unknown-module", module = module),
            Problem::TooManyModules { count } => tr!("content-too-many-modules", count = *count),
            Problem::InvalidLink { link } => tr!("content-invalid-link", link = link),
            Problem::DuplicateEntryId { first } => {
                tr!("content-duplicate-entry", first = first.display().to_string())
            }
            Problem::MandatoryMissing => tr!("content-mandatory-missing"),
            Problem::MandatoryElsewhere { chapter } => tr!("content-mandatory-elsewhere", chapter = chapter),
            Problem::InvalidSource { source } => tr!("content-invalid-source", source = source),
            Problem::UnsourcedFact { fragment, .. } => tr!("content-unsourced-fact", fragment = fragment),
            Problem::NoReviewDate => tr!("content-no-review-date"),
            Problem::ReviewInFuture { date } => tr!("content-review-in-future", date = date),
            Problem::ReviewStale { date, months } => tr!("content-review-stale", date = date, months = *months),
        }
    }
}

impl fmt::Display for Item {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Entry(id) => write!(f, "entry \"{id}\""),
            Self::Module(id) => write!(f, "module \"{id}\""),
            Self::Chapter(id) => write!(f, "chapter \"{id}\""),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::CannotRead { error } => write!(f, "cannot read file: {error}"),
            Self::Toml { at: Some((line, column)), detail } => {
                write!(f, "TOML error at line {line}, column {column}: {detail}")
            }
            Self::Toml { at: None, detail } => write!(f, "TOML error: {detail}"),
            Self::ChapterMissing => f.write_str("chapter is missing"),
            Self::UnknownChapterId => write!(f, "unknown chapter id (expected one of {})", CHAPTER_IDS.join(", ")),
            Self::ChapterModuleCount { count } => write!(f, "chapter has {count} modules (expected 4 to 8)"),
            Self::InvalidId { chars: Some(chars) } => {
                write!(f, "id must be [a-z0-9-] and at most {MAX_ID_LEN} characters ({chars} characters)")
            }
            Self::InvalidId { chars: None } => write!(f, "id must be [a-z0-9-] and at most {MAX_ID_LEN} characters"),
            Self::DuplicateModuleId => f.write_str("duplicate module id"),
            Self::UnknownChapter { chapter } => write!(f, "unknown chapter \"{chapter}\""),
            Self::ChapterMismatch { chapter, expected } => {
                write!(f, "chapter \"{chapter}\" does not match the file (expected \"{expected}\")")
            }
            Self::InvalidPath { path } => write!(f, "invalid path \"{path}\" (expected [a-z0-9-/], relative)"),
            Self::QuestionEmpty => f.write_str("question is empty"),
            Self::QuestionTooLong { chars, max } => write!(f, "question is {chars} characters (max {max})"),
            Self::TooFewVariants { count, min } => write!(f, "{count} variants (min {min})"),
            Self::AnswerEmpty => f.write_str("answer is empty"),
            Self::AnswerTooLong { chars, max } => write!(f, "answer is {chars} characters (max {max})"),
            Self::MessageTooLong { units, max } => {
                write!(f, "rendered Telegram message is {units} UTF-16 units (max {max})")
            }
            Self::UnknownModule { module } => write!(f, "unknown module \"{module}\""),
            Self::TooManyModules { count } => write!(f, "{count} modules (max 3)"),
            Self::InvalidLink { link } => write!(f, "invalid link \"{link}\" in the answer"),
            Self::DuplicateEntryId { first } => write!(f, "duplicate id (first defined in {})", first.display()),
            Self::MandatoryMissing => f.write_str("mandatory topic is missing"),
            Self::MandatoryElsewhere { chapter } => write!(f, "mandatory topic belongs to chapter \"{chapter}\""),
            Self::InvalidSource { source } => write!(f, "invalid source \"{source}\" (an http or https URL)"),
            Self::UnsourcedFact { kind, fragment } => {
                write!(f, "answer states {kind} (\"{fragment}\") but the entry has no sources")
            }
            Self::NoReviewDate => f.write_str("no review date (reviewed = YYYY-MM-DD)"),
            Self::ReviewInFuture { date } => write!(f, "review date {date} is in the future"),
            Self::ReviewStale { date, months } => write!(f, "last reviewed {date}, more than {months} months ago"),
        }
    }
}

impl fmt::Display for ContentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.file.display())?;
        if let Some(item) = &self.item {
            write!(f, "{item}: ")?;
        }
        write!(f, "{}", self.problem)
    }
}

/// All the problems found while loading content; loading fails if there is at least one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ContentErrors(pub Vec<ContentError>);

impl fmt::Display for ContentErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} content problem(s)", self.0.len())?;
        for e in &self.0 {
            write!(f, "\n  {e}")?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Chapter {
    pub id: String,
    pub number: u8,
    pub title: String,
    pub summary: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ModuleFormat {
    Video,
    Tutoriel,
    Webinaire,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Module {
    pub id: String,
    pub chapter: String,
    pub title: String,
    pub format: ModuleFormat,
    pub minutes: u32,
    pub summary: String,
    /// Appended to the course base URL.
    pub path: String,
}

impl Module {
    /// The module's page: `base` (treated as a directory) joined with the module's path.
    #[must_use]
    pub fn link(&self, base: &url::Url) -> url::Url {
        let mut base = base.clone();
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        base.join(self.path.trim_start_matches('/')).unwrap_or(base)
    }
}

/// Chapters and modules, in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Curriculum {
    #[serde(default, rename = "chapter")]
    pub chapters: Vec<Chapter>,
    #[serde(default, rename = "module")]
    pub modules: Vec<Module>,
}

/// Whether an id is `[a-z0-9-]`, non-empty and at most [`MAX_ID_LEN`] characters.
#[must_use]
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

impl Curriculum {
    /// Reads and validates a curriculum file.
    ///
    /// # Errors
    /// Every problem found, with file and item.
    pub fn load(path: &Path) -> Result<Self, ContentErrors> {
        let (curriculum, errors) = Self::load_checked(path);
        match curriculum {
            Some(c) if errors.is_empty() => Ok(c),
            _ => Err(ContentErrors(errors)),
        }
    }

    /// Reads a curriculum file and returns it (if it parses) with all its problems.
    #[must_use]
    pub fn load_checked(path: &Path) -> (Option<Self>, Vec<ContentError>) {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::from_toml_str(path, &text),
            Err(e) => (None, vec![ContentError::new(path, None, Problem::CannotRead { error: e.to_string() })]),
        }
    }

    /// Parses curriculum text and returns it (if it parses) with all its problems; `file` names it in the errors.
    #[must_use]
    pub fn from_toml_str(file: &Path, text: &str) -> (Option<Self>, Vec<ContentError>) {
        match toml::from_str::<Self>(text) {
            Ok(c) => {
                let errors = c.validate(file);
                (Some(c.typeset()), errors)
            }
            Err(e) => (None, vec![ContentError::toml(file, text, &e)]),
        }
    }

    /// Checks ids, module counts and paths; `file` is used in the errors.
    #[must_use]
    pub fn validate(&self, file: &Path) -> Vec<ContentError> {
        let mut errors = Vec::new();
        let chapter_item = |id: &str| Some(Item::Chapter(id.to_owned()));
        let module_item = |id: &str| Some(Item::Module(id.to_owned()));
        for id in CHAPTER_IDS {
            if self.chapter(id).is_none() {
                errors.push(ContentError::new(file, chapter_item(id), Problem::ChapterMissing));
            }
        }
        for chapter in &self.chapters {
            if !CHAPTER_IDS.contains(&chapter.id.as_str()) {
                errors.push(ContentError::new(file, chapter_item(&chapter.id), Problem::UnknownChapterId));
                continue;
            }
            let count = self.modules_of(&chapter.id).count();
            if !(4..=8).contains(&count) {
                errors.push(ContentError::new(file, chapter_item(&chapter.id), Problem::ChapterModuleCount { count }));
            }
        }
        let mut seen = HashSet::new();
        let base = url::Url::parse("https://formation.example.org/cours/").expect("valid base");
        for module in &self.modules {
            let item = module_item(&module.id);
            if !is_valid_id(&module.id) {
                errors.push(ContentError::new(file, item.clone(), Problem::InvalidId { chars: Some(module.id.len()) }));
            }
            if !seen.insert(module.id.as_str()) {
                errors.push(ContentError::new(file, item.clone(), Problem::DuplicateModuleId));
            }
            if self.chapter(&module.chapter).is_none() {
                errors.push(ContentError::new(
                    file,
                    item.clone(),
                    Problem::UnknownChapter { chapter: module.chapter.clone() },
                ));
            }
            let path_ok = !module.path.is_empty()
                && !module.path.starts_with('/')
                && !module.path.contains("//")
                && module.path.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'/');
            let link_ok = module.link(&base).as_str().starts_with(base.as_str());
            if !path_ok || !link_ok {
                errors.push(ContentError::new(file, item, Problem::InvalidPath { path: module.path.clone() }));
            }
        }
        errors
    }

    /// Titles and summaries with French no-break spaces ([`crate::french::typography`]).
    #[must_use]
    fn typeset(mut self) -> Self {
        for chapter in &mut self.chapters {
            chapter.title = crate::french::typography(&chapter.title);
            chapter.summary = crate::french::typography(&chapter.summary);
        }
        for module in &mut self.modules {
            module.title = crate::french::typography(&module.title);
            module.summary = crate::french::typography(&module.summary);
        }
        self
    }

    #[must_use]
    pub fn chapter(&self, id: &str) -> Option<&Chapter> {
        self.chapters.iter().find(|c| c.id == id)
    }

    #[must_use]
    pub fn module(&self, id: &str) -> Option<&Module> {
        self.modules.iter().find(|m| m.id == id)
    }

    /// Modules of a chapter, in viewing order.
    pub fn modules_of<'a>(&'a self, chapter_id: &'a str) -> impl Iterator<Item = &'a Module> + 'a {
        self.modules.iter().filter(move |m| m.chapter == chapter_id)
    }

    /// The module that follows `id` in its chapter, if any.
    #[must_use]
    pub fn next_module(&self, id: &str) -> Option<&Module> {
        let current = self.module(id)?;
        self.modules_of(&current.chapter).skip_while(|m| m.id != id).nth(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module(id: &str, chapter: &str, path: &str) -> Module {
        Module {
            id: id.to_owned(),
            chapter: chapter.to_owned(),
            title: "t".to_owned(),
            format: ModuleFormat::Video,
            minutes: 3,
            summary: "s".to_owned(),
            path: path.to_owned(),
        }
    }

    #[test]
    fn links_are_built_under_the_course_base() {
        let m = module("boutique-x", "boutique", "boutique/creer-site");
        let with_slash = url::Url::parse("https://cours.example.org/parcours/").unwrap();
        let without = url::Url::parse("https://cours.example.org/parcours").unwrap();
        assert_eq!(m.link(&with_slash).as_str(), "https://cours.example.org/parcours/boutique/creer-site");
        assert_eq!(m.link(&without), m.link(&with_slash));
    }

    #[test]
    fn ids_are_lowercase_ascii_and_short() {
        assert!(is_valid_id("boutique-creer-site"));
        assert!(!is_valid_id("Boutique"));
        assert!(!is_valid_id(&"a".repeat(41)));
        assert!(!is_valid_id("é"));
    }

    #[test]
    fn next_module_stays_in_its_chapter() {
        let c = Curriculum {
            chapters: vec![],
            modules: vec![module("a-1", "a", "a/1"), module("a-2", "a", "a/2"), module("b-1", "b", "b/1")],
        };
        assert_eq!(c.next_module("a-1").map(|m| m.id.as_str()), Some("a-2"));
        assert_eq!(c.next_module("a-2"), None);
    }

    #[test]
    fn toml_errors_give_line_and_column() {
        let text = "[[chapter]]\nid = \"x\"\nnumber = = 2\n";
        let err = toml::from_str::<Curriculum>(text).unwrap_err();
        let e = ContentError::toml(Path::new("faq/curriculum.toml"), text, &err);
        assert!(e.to_string().starts_with("faq/curriculum.toml: TOML error at line 3, column"), "{e}");
    }

    #[test]
    fn the_shipped_curriculum_is_valid() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("faq/curriculum.toml");
        if !path.exists() {
            println!("note: {} absent, skipped", path.display());
            return;
        }
        let c = Curriculum::load(&path).unwrap();
        assert_eq!(c.chapters.len(), CHAPTER_IDS.len());
    }
}
