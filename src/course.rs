//! Progress through the curriculum: reading order across chapters, per-chapter counts, the next module to watch,
//! and how a chapter's modules are split into pages of buttons. Pure functions over [`Curriculum`] and the set of
//! modules a merchant has seen; the handlers in `telegram::handlers::course` render them.

use std::collections::HashSet;

use crate::curriculum::content::{Chapter, Curriculum, Module};

/// Module buttons per screen in a chapter.
pub const PAGE_SIZE: usize = 5;

/// A chapter with the merchant's progress in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChapterProgress<'a> {
    pub chapter: &'a Chapter,
    pub done: usize,
    pub total: usize,
}

impl ChapterProgress<'_> {
    #[must_use]
    pub fn is_complete(&self) -> bool {
        self.total > 0 && self.done == self.total
    }
}

/// Chapters in programme order.
#[must_use]
pub fn chapters(curriculum: &Curriculum) -> Vec<&Chapter> {
    let mut chapters: Vec<&Chapter> = curriculum.chapters.iter().collect();
    chapters.sort_by_key(|chapter| chapter.number);
    chapters
}

/// Every module in reading order: chapter by chapter, in file order within a chapter.
#[must_use]
pub fn reading_order(curriculum: &Curriculum) -> Vec<&Module> {
    chapters(curriculum).into_iter().flat_map(|chapter| curriculum.modules_of(&chapter.id)).collect()
}

/// The module after `id` in reading order: the last module of a chapter leads to the next chapter's first.
#[must_use]
pub fn following<'a>(curriculum: &'a Curriculum, id: &str) -> Option<&'a Module> {
    let order = reading_order(curriculum);
    let position = order.iter().position(|module| module.id == id)?;
    order.get(position + 1).copied()
}

/// The first module in reading order the merchant has not seen.
#[must_use]
pub fn next_to_watch<'a>(curriculum: &'a Curriculum, seen: &HashSet<String>) -> Option<&'a Module> {
    reading_order(curriculum).into_iter().find(|module| !seen.contains(&module.id))
}

/// Progress per chapter, in programme order.
#[must_use]
pub fn progress<'a>(curriculum: &'a Curriculum, seen: &HashSet<String>) -> Vec<ChapterProgress<'a>> {
    chapters(curriculum)
        .into_iter()
        .map(|chapter| {
            let modules: Vec<&Module> = curriculum.modules_of(&chapter.id).collect();
            let done = modules.iter().filter(|module| seen.contains(&module.id)).count();
            ChapterProgress { chapter, done, total: modules.len() }
        })
        .collect()
}

/// Whether every module of the curriculum is seen.
#[must_use]
pub fn is_finished(curriculum: &Curriculum, seen: &HashSet<String>) -> bool {
    !curriculum.modules.is_empty() && next_to_watch(curriculum, seen).is_none()
}

/// Number of pages of a chapter's module list.
#[must_use]
pub fn page_count(curriculum: &Curriculum, chapter_id: &str) -> usize {
    curriculum.modules_of(chapter_id).count().div_ceil(PAGE_SIZE).max(1)
}

/// The modules shown on page `page` of a chapter (clamped to the last page).
#[must_use]
pub fn page<'a>(curriculum: &'a Curriculum, chapter_id: &'a str, page: usize) -> (usize, Vec<&'a Module>) {
    let page = page.min(page_count(curriculum, chapter_id) - 1);
    (page, curriculum.modules_of(chapter_id).skip(page * PAGE_SIZE).take(PAGE_SIZE).collect())
}

/// The page of its chapter on which module `id` is listed.
#[must_use]
pub fn page_of(curriculum: &Curriculum, module: &Module) -> usize {
    curriculum.modules_of(&module.chapter).position(|m| m.id == module.id).unwrap_or(0) / PAGE_SIZE
}

/// Position of a module in its chapter (1-based) and the chapter's size.
#[must_use]
pub fn position_in_chapter(curriculum: &Curriculum, module: &Module) -> (usize, usize) {
    let modules: Vec<&Module> = curriculum.modules_of(&module.chapter).collect();
    let index = modules.iter().position(|m| m.id == module.id).unwrap_or(0);
    (index + 1, modules.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::curriculum::content::ModuleFormat;

    fn curriculum() -> Curriculum {
        let chapter =
            |id: &str, number| Chapter { id: id.to_owned(), number, title: id.to_uppercase(), summary: String::new() };
        let module = |id: &str, chapter: &str| Module {
            id: id.to_owned(),
            chapter: chapter.to_owned(),
            title: id.to_owned(),
            format: ModuleFormat::Video,
            minutes: 4,
            summary: String::new(),
            path: id.to_owned(),
        };
        let mut modules: Vec<Module> = (1..=7).map(|i| module(&format!("b-{i}"), "b")).collect();
        modules.insert(0, module("a-1", "a"));
        modules.insert(1, module("a-2", "a"));
        // Chapter "b" is listed first in the file but is chapter 2.
        Curriculum { chapters: vec![chapter("b", 2), chapter("a", 1)], modules }
    }

    fn seen(ids: &[&str]) -> HashSet<String> {
        ids.iter().map(|id| (*id).to_owned()).collect()
    }

    #[test]
    fn the_last_module_of_a_chapter_leads_to_the_next_chapter() {
        let c = curriculum();
        assert_eq!(following(&c, "a-1").unwrap().id, "a-2");
        assert_eq!(following(&c, "a-2").unwrap().id, "b-1");
        assert!(following(&c, "b-7").is_none());
    }

    #[test]
    fn the_next_module_to_watch_is_the_first_unseen_in_reading_order() {
        let c = curriculum();
        assert_eq!(next_to_watch(&c, &seen(&[])).unwrap().id, "a-1");
        assert_eq!(next_to_watch(&c, &seen(&["a-1", "a-2", "b-2"])).unwrap().id, "b-1");
        let all: Vec<&str> = c.modules.iter().map(|m| m.id.as_str()).collect();
        assert!(is_finished(&c, &seen(&all)));
    }

    #[test]
    fn progress_counts_seen_modules_per_chapter_in_programme_order() {
        let c = curriculum();
        let progress = progress(&c, &seen(&["a-1", "b-3", "unknown"]));
        let summary: Vec<_> = progress.iter().map(|p| (p.chapter.id.as_str(), p.done, p.total)).collect();
        assert_eq!(summary, [("a", 1, 2), ("b", 1, 7)]);
    }

    #[test]
    fn long_chapters_are_split_into_pages() {
        let c = curriculum();
        assert_eq!(page_count(&c, "b"), 2);
        let (number, modules) = page(&c, "b", 1);
        assert_eq!((number, modules.len()), (1, 2));
        assert_eq!(page(&c, "b", 9).0, 1, "a page past the end shows the last one");
        assert_eq!(page_of(&c, c.module("b-6").unwrap()), 1);
        assert_eq!(position_in_chapter(&c, c.module("b-6").unwrap()), (6, 7));
    }
}
