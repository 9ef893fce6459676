//! The admins' FAQ editor in chat, without Telegram: a [`Draft`] being created or edited, and the checks each step
//! runs before moving on.
//!
//! Each step checks its own field as `faq check` does ([`crate::faq::check::entry_problems`]: lengths, number of
//! variants, links, modules) plus what only makes sense while typing: a variant that repeats the question, another
//! variant or a wording of another entry (compared folded, as the matcher reads them). Problems come back as French
//! sentences; the handler stays on the step. The final save validates the whole content again
//! ([`crate::content::LiveContent::save_entry`]).

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::{
    curriculum::content::{Curriculum, MAX_ID_LEN, Problem},
    faq::{
        check::{MIN_VARIANTS, entry_problems},
        content::FaqEntry,
        index::FaqIndex,
        normalize::fold_words,
    },
    tr,
};

/// The shortest answer accepted in chat (`faq check` only refuses an empty one; a few words are a slip).
pub const MIN_ANSWER_CHARS: usize = 20;

/// The longest variant accepted (a variant is a way of asking, not a paragraph).
pub const MAX_VARIANT_CHARS: usize = 200;

/// An entry being created (`id: None`) or edited, kept in the dialogue state so it survives a restart.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    /// The entry being edited; `None` while creating one.
    pub id: Option<String>,
    pub question: String,
    pub variants: Vec<String>,
    pub answer: String,
    pub chapter: String,
    pub modules: Vec<String>,
}

impl Draft {
    /// A new entry starting from `question` (empty, or a merchant's question from `/questions`).
    #[must_use]
    pub fn new(question: &str) -> Self {
        Self { question: question.trim().to_owned(), ..Self::default() }
    }

    /// An existing entry, to change its chapter and modules.
    #[must_use]
    pub fn of(entry: &FaqEntry) -> Self {
        Self {
            id: Some(entry.id.clone()),
            question: entry.question.clone(),
            variants: entry.variants.clone(),
            answer: entry.answer.clone(),
            chapter: entry.chapter.clone(),
            modules: entry.modules.clone(),
        }
    }

    /// The entry this draft makes, with `id`, reviewed on `today`.
    #[must_use]
    pub fn entry(&self, id: &str, today: jiff::civil::Date) -> FaqEntry {
        FaqEntry {
            id: id.to_owned(),
            chapter: self.chapter.clone(),
            question: self.question.clone(),
            variants: self.variants.clone(),
            keywords: Vec::new(),
            answer: self.answer.trim().to_owned(),
            modules: self.modules.clone(),
            sources: Vec::new(),
            reviewed: Some(today),
        }
    }
}

/// A field as the matcher reads it: folded words.
fn folded(text: &str) -> String {
    fold_words(text).join(" ")
}

/// The French problems `faq check` finds in `entry` among `wanted` (the step's field).
fn problems_of(entry: &FaqEntry, curriculum: Option<&Curriculum>, wanted: fn(&Problem) -> bool) -> Vec<String> {
    entry_problems(entry, curriculum).iter().filter(|problem| wanted(problem)).map(Problem::french).collect()
}

/// A placeholder entry carrying one field to check.
fn probe() -> FaqEntry {
    Draft { chapter: "programme".to_owned(), ..Draft::default() }.entry("brouillon", jiff::civil::date(2026, 1, 1))
}

/// The entry (other than `except`) that already has this wording as its question or a variant.
fn wording_owner<'a>(index: &'a FaqIndex, text: &str, except: Option<&str>) -> Option<&'a FaqEntry> {
    let wanted = folded(text);
    index
        .content()
        .entries
        .iter()
        .filter(|entry| Some(entry.id.as_str()) != except)
        .find(|entry| std::iter::once(&entry.question).chain(&entry.variants).any(|wording| folded(wording) == wanted))
}

/// Problems with a question (for a new entry or a change of an existing one's).
#[must_use]
pub fn check_question(index: &FaqIndex, question: &str, except: Option<&str>) -> Vec<String> {
    let mut entry = probe();
    entry.question = question.trim().to_owned();
    let mut problems =
        problems_of(&entry, None, |p| matches!(p, Problem::QuestionEmpty | Problem::QuestionTooLong { .. }));
    if problems.is_empty()
        && let Some(owner) = wording_owner(index, question, except)
    {
        problems.push(tr!("editor-duplicate-elsewhere", id = owner.id.as_str()));
    }
    problems
}

/// Problems with one more variant for `draft` (its question and variants so far).
#[must_use]
pub fn check_variant(index: &FaqIndex, draft: &Draft, variant: &str) -> Vec<String> {
    let variant = variant.trim();
    let chars = variant.chars().count();
    if variant.is_empty() || folded(variant).is_empty() {
        return vec![tr!("editor-variant-empty")];
    }
    if chars > MAX_VARIANT_CHARS {
        return vec![tr!("editor-variant-too-long", chars = chars, max = MAX_VARIANT_CHARS)];
    }
    let wanted = folded(variant);
    if std::iter::once(&draft.question).chain(&draft.variants).any(|wording| folded(wording) == wanted) {
        return vec![tr!("editor-duplicate-here")];
    }
    match wording_owner(index, variant, draft.id.as_deref()) {
        Some(owner) => vec![tr!("editor-duplicate-elsewhere", id = owner.id.as_str())],
        None => Vec::new(),
    }
}

/// Problems with the variants when the admin says they are done.
#[must_use]
pub fn check_variants(draft: &Draft) -> Vec<String> {
    let mut entry = probe();
    entry.variants.clone_from(&draft.variants);
    problems_of(&entry, None, |p| matches!(p, Problem::TooFewVariants { .. }))
}

/// Problems with an answer (length, message size once escaped, links).
#[must_use]
pub fn check_answer(question: &str, answer: &str) -> Vec<String> {
    let mut entry = probe();
    entry.question = question.to_owned();
    entry.answer = answer.trim().to_owned();
    let chars = entry.answer.chars().count();
    if (1..MIN_ANSWER_CHARS).contains(&chars) {
        return vec![tr!("editor-answer-too-short", chars = chars, min = MIN_ANSWER_CHARS)];
    }
    problems_of(&entry, None, |p| {
        matches!(
            p,
            Problem::AnswerEmpty
                | Problem::AnswerTooLong { .. }
                | Problem::MessageTooLong { .. }
                | Problem::InvalidLink { .. }
        )
    })
}

/// Problems with the modules chosen.
#[must_use]
pub fn check_modules(curriculum: &Curriculum, modules: &[String]) -> Vec<String> {
    let mut entry = probe();
    entry.modules = modules.to_vec();
    problems_of(&entry, Some(curriculum), |p| {
        matches!(p, Problem::TooManyModules { .. } | Problem::UnknownModule { .. })
    })
}

/// An id for a new entry made from its question (`vendre-sur-amazon`), unique in `index`.
#[must_use]
pub fn new_id(index: &FaqIndex, question: &str) -> String {
    let mut base = String::new();
    for word in fold_words(question) {
        let word: String = word.chars().filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit()).collect();
        if word.is_empty() {
            continue;
        }
        let wanted = if base.is_empty() { word.len() } else { base.len() + 1 + word.len() };
        if wanted > MAX_ID_LEN - 3 {
            break;
        }
        if !base.is_empty() {
            base.push('-');
        }
        base.push_str(&word);
    }
    if base.is_empty() {
        base = "entree".to_owned();
    }
    let taken: HashSet<&str> = index.content().entries.iter().map(|entry| entry.id.as_str()).collect();
    if !taken.contains(base.as_str()) {
        return base;
    }
    (2..100).map(|n| format!("{base}-{n}")).find(|id| !taken.contains(id.as_str())).unwrap_or(base)
}

/// How many variants an entry needs (shown while collecting them).
#[must_use]
pub fn min_variants() -> usize {
    MIN_VARIANTS
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::faq::content::FaqContent;

    fn index() -> FaqIndex {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("faq");
        FaqIndex::build(&FaqContent::load_dir(&dir).unwrap())
    }

    #[test]
    fn a_variant_repeating_a_wording_is_refused() {
        let index = index();
        let draft = Draft { question: "Peut-on vendre des licornes ?".to_owned(), ..Draft::default() };
        assert!(check_variant(&index, &draft, "vendre des licornes").is_empty());
        assert_eq!(check_variant(&index, &draft, "Peut-on vendre des LICORNES").len(), 1);
        let taken = &index.content().entries[0].variants[0];
        assert!(check_variant(&index, &draft, taken)[0].contains(&index.content().entries[0].id));
    }

    #[test]
    fn short_answers_and_bad_links_are_refused() {
        assert!(!check_answer("Q ?", "").is_empty());
        assert!(!check_answer("Q ?", "Voir https://exa mple").is_empty());
        assert!(check_answer("Q ?", "Voir https://www.service-public.fr/ pour tout savoir.").is_empty());
    }

    #[test]
    fn new_ids_are_slugs_and_unique() {
        let index = index();
        assert_eq!(new_id(&index, "Peut-on vendre des licornes en peluche ?"), "peut-on-vendre-des-licornes-en");
        let taken = index.content().entries[0].id.clone();
        let question = taken.replace('-', " ");
        assert_eq!(new_id(&index, &question), format!("{taken}-2"));
    }
}
