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
    /// The item concerned, already formatted: `entry "creer-site"`, `module "boutique-x"`.
    pub item: Option<String>,
    /// An English sentence.
    pub message: String,
}

impl ContentError {
    #[must_use]
    pub fn new(file: &Path, item: Option<String>, message: impl Into<String>) -> Self {
        Self { file: file.to_owned(), item, message: message.into() }
    }

    /// A TOML syntax or shape error, located by line and column.
    #[must_use]
    pub fn toml(file: &Path, text: &str, error: &toml::de::Error) -> Self {
        let message = match error.span() {
            Some(span) => {
                let before = &text[..span.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let column = before.chars().rev().take_while(|&c| c != '\n').count() + 1;
                format!("TOML error at line {line}, column {column}: {}", error.message())
            }
            None => format!("TOML error: {}", error.message()),
        };
        Self::new(file, None, message)
    }
}

impl fmt::Display for ContentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.file.display())?;
        if let Some(item) = &self.item {
            write!(f, "{item}: ")?;
        }
        f.write_str(&self.message)
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
            Err(e) => (None, vec![ContentError::new(path, None, format!("cannot read file: {e}"))]),
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
        let chapter_item = |id: &str| Some(format!("chapter \"{id}\""));
        let module_item = |id: &str| Some(format!("module \"{id}\""));
        for id in CHAPTER_IDS {
            if self.chapter(id).is_none() {
                errors.push(ContentError::new(file, chapter_item(id), "chapter is missing"));
            }
        }
        for chapter in &self.chapters {
            if !CHAPTER_IDS.contains(&chapter.id.as_str()) {
                errors.push(ContentError::new(
                    file,
                    chapter_item(&chapter.id),
                    format!("unknown chapter id (expected one of {})", CHAPTER_IDS.join(", ")),
                ));
                continue;
            }
            let count = self.modules_of(&chapter.id).count();
            if !(4..=8).contains(&count) {
                errors.push(ContentError::new(
                    file,
                    chapter_item(&chapter.id),
                    format!("chapter has {count} modules (expected 4 to 8)"),
                ));
            }
        }
        let mut seen = HashSet::new();
        let base = url::Url::parse("https://formation.example.org/cours/").expect("valid base");
        for module in &self.modules {
            let item = module_item(&module.id);
            if !is_valid_id(&module.id) {
                errors.push(ContentError::new(
                    file,
                    item.clone(),
                    format!(
                        "id must be [a-z0-9-] and at most {MAX_ID_LEN} characters ({} characters)",
                        module.id.len()
                    ),
                ));
            }
            if !seen.insert(module.id.as_str()) {
                errors.push(ContentError::new(file, item.clone(), "duplicate module id"));
            }
            if self.chapter(&module.chapter).is_none() {
                errors.push(ContentError::new(file, item.clone(), format!("unknown chapter \"{}\"", module.chapter)));
            }
            let path_ok = !module.path.is_empty()
                && !module.path.starts_with('/')
                && !module.path.contains("//")
                && module.path.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'/');
            let link_ok = module.link(&base).as_str().starts_with(base.as_str());
            if !path_ok || !link_ok {
                errors.push(ContentError::new(
                    file,
                    item,
                    format!("invalid path \"{}\" (expected [a-z0-9-/], relative)", module.path),
                ));
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
