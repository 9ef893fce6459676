//! Validation of a content directory: what `accelerateur faq check` reports.
//!
//! [`check_dir`] lists every problem at once, each with its file, entry id and an English
//! sentence: TOML syntax errors (line and column), duplicate or malformed ids, mandatory topics
//! missing (the list ships in the crate: `faq/topics.tsv`), unknown chapter or a chapter that does
//! not match its file, fewer than [`MIN_VARIANTS`] variants, empty or too long answers, Telegram
//! messages over 4096 UTF-16 units, unknown module ids, invalid links (in answers and in
//! `sources`), curriculum problems and a lexicon that does not parse.
//!
//! [`check_dir_at`] also returns the review warnings of [`crate::faq::review`]: an answer stating
//! an amount, a percentage, a deadline or a law without `sources`, an entry without a `reviewed`
//! date or reviewed more than 12 months before the given day. Warnings do not stop the content
//! from loading; `faq check --strict` fails on them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::curriculum::content::{ContentError, Curriculum, Item, Problem, is_valid_id};
use crate::faq::content::{FAQ_CHAPTERS, FaqContent, FaqEntry, FaqFile};
use crate::faq::files::{self, ContentFiles};
use crate::faq::lexicon::Lexicon;
use crate::faq::matcher::Thresholds;
use crate::faq::normalize::Normalizer;
use crate::faq::review::{MAX_REVIEW_AGE_MONTHS, is_stale, stated_facts};

/// Mandatory topics (`id<TAB>chapter<TAB>question`, header line), a copy of the shared list.
pub const MANDATORY_TOPICS: &str = include_str!("../../faq/topics.tsv");
pub const MIN_VARIANTS: usize = 4;
pub const MAX_ANSWER_CHARS: usize = 900;
pub const MAX_TELEGRAM_UTF16: usize = 4096;
pub const MAX_QUESTION_CHARS: usize = 100;

/// Every problem in a content directory; empty means the content can be loaded.
#[must_use]
pub fn check_dir(dir: &Path) -> Vec<ContentError> {
    read_dir(dir, None).1
}

/// What `faq check` found: problems that stop the content from loading, and review warnings.
#[derive(Debug, Default)]
pub struct CheckReport {
    pub errors: Vec<ContentError>,
    pub warnings: Vec<ContentError>,
}

/// Problems and review warnings of a content directory, staleness measured on `today`.
#[must_use]
pub fn check_dir_at(dir: &Path, today: jiff::civil::Date) -> CheckReport {
    let (_, errors, warnings) = read_dir(dir, Some(today));
    CheckReport { errors, warnings }
}

/// Review warnings of one entry (see [`crate::faq::review`]).
fn review_warnings(file: &Path, entry: &FaqEntry, today: jiff::civil::Date) -> Vec<ContentError> {
    let warn = |problem: Problem| ContentError::new(file, Some(Item::Entry(entry.id.clone())), problem);
    let mut warnings = Vec::new();
    if entry.sources.is_empty()
        && let Some((kind, fragment)) = stated_facts(&entry.answer).into_iter().next()
    {
        warnings.push(warn(Problem::UnsourcedFact { kind: kind.as_str().to_owned(), fragment: fragment.to_string() }));
    }
    match entry.reviewed {
        None => warnings.push(warn(Problem::NoReviewDate)),
        Some(date) if date > today => warnings.push(warn(Problem::ReviewInFuture { date: date.to_string() })),
        Some(date) if is_stale(date, today) => {
            warnings.push(warn(Problem::ReviewStale { date: date.to_string(), months: MAX_REVIEW_AGE_MONTHS }));
        }
        Some(_) => {}
    }
    warnings
}

/// `(id, chapter)` of the mandatory topics.
#[must_use]
pub fn mandatory_topics() -> Vec<(&'static str, &'static str)> {
    MANDATORY_TOPICS
        .lines()
        .skip(1)
        .filter_map(|line| {
            let mut cols = line.split('\t');
            Some((cols.next()?.trim(), cols.next()?.trim()))
        })
        .filter(|(id, _)| !id.is_empty())
        .collect()
}

/// The message the bot sends for an entry, as Telegram HTML.
#[must_use]
pub fn rendered_message(entry: &FaqEntry) -> String {
    format!("<b>{}</b>\n\n{}", escape_html(&entry.question), escape_html(entry.answer.trim()))
}

fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The http(s) links in a text, trailing punctuation removed.
fn links(text: &str) -> impl Iterator<Item = &str> {
    text.split_whitespace()
        .filter_map(|w| w.find("http://").or_else(|| w.find("https://")).map(|i| &w[i..]))
        .map(|w| w.trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '»', '"', '\'']))
}

fn link_is_valid(link: &str) -> bool {
    match url::Url::parse(link) {
        Ok(u) => {
            matches!(u.scheme(), "http" | "https")
                && u.host_str().is_some_and(|h| h.contains('.') && !h.starts_with('.'))
        }
        Err(_) => false,
    }
}

/// The problems `faq check` finds in one entry on its own (length, variants, links, modules against
/// `curriculum`), without file or item: what the chat editor checks at each step.
#[must_use]
pub fn entry_problems(entry: &FaqEntry, curriculum: Option<&Curriculum>) -> Vec<Problem> {
    check_entry(Path::new(""), &entry.chapter, entry, curriculum).into_iter().map(|e| e.problem).collect()
}

fn check_entry(file: &Path, chapter: &str, entry: &FaqEntry, curriculum: Option<&Curriculum>) -> Vec<ContentError> {
    let item = Some(Item::Entry(entry.id.clone()));
    let err = |problem: Problem| ContentError::new(file, item.clone(), problem);
    let mut errors = Vec::new();
    if !is_valid_id(&entry.id) {
        errors.push(err(Problem::InvalidId { chars: None }));
    }
    if !FAQ_CHAPTERS.contains(&entry.chapter.as_str()) {
        errors.push(err(Problem::UnknownChapter { chapter: entry.chapter.clone() }));
    } else if entry.chapter != chapter {
        errors.push(err(Problem::ChapterMismatch { chapter: entry.chapter.clone(), expected: chapter.to_owned() }));
    }
    if entry.question.trim().is_empty() {
        errors.push(err(Problem::QuestionEmpty));
    } else if entry.question.chars().count() > MAX_QUESTION_CHARS {
        errors.push(err(Problem::QuestionTooLong { chars: entry.question.chars().count(), max: MAX_QUESTION_CHARS }));
    }
    let variants = entry.variants.iter().filter(|v| !v.trim().is_empty()).count();
    if variants < MIN_VARIANTS {
        errors.push(err(Problem::TooFewVariants { count: variants, min: MIN_VARIANTS }));
    }
    let answer = entry.answer.trim();
    let chars = answer.chars().count();
    if answer.is_empty() {
        errors.push(err(Problem::AnswerEmpty));
    } else if chars > MAX_ANSWER_CHARS {
        errors.push(err(Problem::AnswerTooLong { chars, max: MAX_ANSWER_CHARS }));
    }
    let utf16 = rendered_message(entry).encode_utf16().count();
    if utf16 > MAX_TELEGRAM_UTF16 {
        errors.push(err(Problem::MessageTooLong { units: utf16, max: MAX_TELEGRAM_UTF16 }));
    }
    if let Some(curriculum) = curriculum {
        for module in &entry.modules {
            if curriculum.module(module).is_none() {
                errors.push(err(Problem::UnknownModule { module: module.clone() }));
            }
        }
    }
    if entry.modules.len() > 3 {
        errors.push(err(Problem::TooManyModules { count: entry.modules.len() }));
    }
    for link in links(&entry.answer) {
        if !link_is_valid(link) {
            errors.push(err(Problem::InvalidLink { link: link.to_owned() }));
        }
    }
    for source in &entry.sources {
        if !link_is_valid(source) || source.trim() != source {
            errors.push(err(Problem::InvalidSource { source: source.clone() }));
        }
    }
    errors
}

/// Parses the text of one chapter's FAQ file (`file` names it in the errors) and checks each entry against the
/// chapter and, when given, the curriculum: the entries if the text parsed, and every problem found in it.
/// Duplicates across files and mandatory topics are checked by [`check_dir`].
#[must_use]
pub fn check_chapter_str(
    file: &Path,
    chapter: &str,
    text: &str,
    curriculum: Option<&Curriculum>,
) -> (Option<Vec<FaqEntry>>, Vec<ContentError>) {
    match toml::from_str::<FaqFile>(text) {
        Ok(parsed) => {
            let errors = parsed.entry.iter().flat_map(|e| check_entry(file, chapter, e, curriculum)).collect();
            (Some(parsed.entry), errors)
        }
        Err(e) => (None, vec![ContentError::toml(file, text, &e)]),
    }
}

/// Reads a content directory: the content if every file parsed, all problems found, and the review
/// warnings of the entries when `today` is given.
pub(crate) fn read_dir(
    dir: &Path,
    today: Option<jiff::civil::Date>,
) -> (Option<FaqContent>, Vec<ContentError>, Vec<ContentError>) {
    read_files(&ContentFiles::read_dir(dir), dir, today)
}

/// The text of a required file, or the problem of its absence.
fn required<'a>(files: &'a ContentFiles, base: &Path, path: &str) -> Result<&'a str, ContentError> {
    files.get(path).ok_or_else(|| {
        let error = files.unreadable(path).unwrap_or("missing").to_owned();
        ContentError::new(&base.join(path), None, Problem::CannotRead { error })
    })
}

/// Like [`read_dir`], on content files wherever they come from; `base` prefixes file names in the problems.
pub(crate) fn read_files(
    files: &ContentFiles,
    base: &Path,
    today: Option<jiff::civil::Date>,
) -> (Option<FaqContent>, Vec<ContentError>, Vec<ContentError>) {
    let dir = base;
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let normalizer = Normalizer::new();

    let curriculum = match required(files, base, files::CURRICULUM) {
        Ok(text) => {
            let (curriculum, curriculum_errors) = Curriculum::from_toml_str(&base.join(files::CURRICULUM), text);
            errors.extend(curriculum_errors);
            curriculum
        }
        Err(e) => {
            errors.push(e);
            None
        }
    };

    let lexicon_path = base.join(files::LEXICON);
    let lexicon = match required(files, base, files::LEXICON) {
        Ok(text) => match Lexicon::from_toml_str(text, &normalizer) {
            Ok(l) => Some(l),
            Err(e) => {
                errors.push(ContentError::toml(&lexicon_path, text, &e));
                None
            }
        },
        Err(e) => {
            errors.push(e);
            None
        }
    };

    let thresholds_path = base.join(files::THRESHOLDS);
    let thresholds = match files.get(files::THRESHOLDS) {
        Some(text) => match toml::from_str::<Thresholds>(text) {
            Ok(t) => Some(t),
            Err(e) => {
                errors.push(ContentError::toml(&thresholds_path, text, &e));
                None
            }
        },
        None => Some(Thresholds::default()),
    };

    let calibration = match crate::faq::content::calibration_of(files, base) {
        Ok(messages) => messages,
        Err(e) => {
            errors.push(ContentError::new(
                &dir.join("calibration"),
                None,
                Problem::CannotRead { error: format!("{e:#}") },
            ));
            Vec::new()
        }
    };

    let mut entries: Vec<FaqEntry> = Vec::new();
    let mut seen: HashMap<String, PathBuf> = HashMap::new();
    let mut all_parsed = true;
    for chapter in FAQ_CHAPTERS {
        let path = dir.join(files::chapter_file(chapter));
        let text = match required(files, base, &files::chapter_file(chapter)) {
            Ok(t) => t,
            Err(e) => {
                errors.push(e);
                all_parsed = false;
                continue;
            }
        };
        let (parsed, file_errors) = check_chapter_str(&path, chapter, text, curriculum.as_ref());
        errors.extend(file_errors);
        let Some(parsed) = parsed else {
            all_parsed = false;
            continue;
        };
        for entry in parsed {
            if let Some(today) = today {
                warnings.extend(review_warnings(&path, &entry, today));
            }
            if let Some(first) = seen.get(&entry.id) {
                errors.push(ContentError::new(
                    &path,
                    Some(Item::Entry(entry.id.clone())),
                    Problem::DuplicateEntryId { first: first.clone() },
                ));
            } else {
                seen.insert(entry.id.clone(), path.clone());
            }
            entries.push(entry);
        }
    }
    if all_parsed {
        for (id, chapter) in mandatory_topics() {
            match entries.iter().find(|e| e.id == id) {
                None => errors.push(ContentError::new(
                    &dir.join(format!("{chapter}.toml")),
                    Some(Item::Entry((*id).to_owned())),
                    Problem::MandatoryMissing,
                )),
                Some(e) if e.chapter != chapter => errors.push(ContentError::new(
                    &dir.join(format!("{}.toml", e.chapter)),
                    Some(Item::Entry((*id).to_owned())),
                    Problem::MandatoryElsewhere { chapter: (*chapter).to_owned() },
                )),
                Some(_) => {}
            }
        }
    }

    let content = match (all_parsed, curriculum, lexicon, thresholds) {
        (true, Some(curriculum), Some(lexicon), Some(thresholds)) => {
            Some(FaqContent { entries, curriculum, lexicon, thresholds, calibration })
        }
        _ => None,
    };
    (content, errors, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(answer: &str) -> FaqEntry {
        FaqEntry {
            id: "creer-site".to_owned(),
            chapter: "boutique".to_owned(),
            question: "Comment créer un site ?".to_owned(),
            variants: vec!["a".into(), "b".into(), "c".into(), "d".into()],
            keywords: vec![],
            answer: answer.to_owned(),
            modules: vec![],
            sources: vec![],
            reviewed: Some(jiff::civil::date(2026, 12, 3)),
        }
    }

    fn messages(e: &FaqEntry) -> Vec<String> {
        check_entry(Path::new("faq/boutique.toml"), "boutique", e, None).iter().map(ToString::to_string).collect()
    }

    #[test]
    fn answers_over_900_characters_are_reported_with_file_and_entry() {
        let e = entry(&"é".repeat(1023));
        assert_eq!(messages(&e), ["faq/boutique.toml: entry \"creer-site\": answer is 1023 characters (max 900)"]);
    }

    #[test]
    fn links_must_parse_and_trailing_punctuation_is_ignored() {
        assert!(messages(&entry("Voir https://www.service-public.fr/professionnels.")).is_empty());
        let errors = messages(&entry("Voir https://exa mple et https://."));
        assert_eq!(errors.len(), 2, "{errors:?}");
    }

    #[test]
    fn the_telegram_message_is_measured_after_html_escaping() {
        let mut e = entry(&"<".repeat(800));
        e.question = "&".repeat(100);
        // 800 × "&lt;" + 100 × "&amp;" = 3200 + 500 units, fine.
        assert!(messages(&e).is_empty());
        e.answer = "<>".repeat(450);
        e.question = "&".repeat(100);
        assert!(messages(&e).iter().any(|m| m.contains("UTF-16")), "{:?}", messages(&e));
    }

    #[test]
    fn an_unsourced_fact_and_a_missing_or_stale_review_date_are_warnings() {
        let today = jiff::civil::date(2026, 12, 3);
        let file = Path::new("faq/boutique.toml");
        let warnings =
            |e: &FaqEntry| -> Vec<String> { review_warnings(file, e, today).iter().map(ToString::to_string).collect() };
        let mut e = entry("Comptez 39 € HT par mois.");
        assert_eq!(
            warnings(&e),
            [
                "faq/boutique.toml: entry \"creer-site\": answer states an amount (\"39 €\") but the entry has no sources"
            ]
        );
        e.sources = vec!["https://sell.amazon.fr/tarifs".to_owned()];
        assert!(warnings(&e).is_empty());
        e.reviewed = Some(jiff::civil::date(2025, 11, 30));
        assert_eq!(
            warnings(&e),
            ["faq/boutique.toml: entry \"creer-site\": last reviewed 2025-11-30, more than 12 months ago"]
        );
        e.reviewed = None;
        assert!(warnings(&e)[0].ends_with("no review date (reviewed = YYYY-MM-DD)"));
        assert!(messages(&e).is_empty(), "warnings are not errors");
    }

    #[test]
    fn sources_must_be_urls() {
        let mut e = entry("Voir la source.");
        e.sources = vec!["service-public.gouv.fr".to_owned(), "https://www.service-public.gouv.fr/".to_owned()];
        assert_eq!(
            messages(&e),
            [
                "faq/boutique.toml: entry \"creer-site\": invalid source \"service-public.gouv.fr\" (an http or https URL)"
            ]
        );
    }

    #[test]
    fn the_mandatory_topics_ship_in_the_crate() {
        let topics = mandatory_topics();
        assert!(topics.len() >= 90);
        assert!(topics.contains(&("creer-site", "boutique")));
    }
}
