//! FAQ entries and the content directory they are loaded from.
//!
//! A content directory (`faq/`) holds one TOML file per chapter (`programme.toml`,
//! `boutique.toml`...), `curriculum.toml`, `lexicon.toml`, and optionally
//! `calibration/thresholds.toml` written by the calibration routine, and the labelled
//! calibration messages (`calibration/questions-round*.tsv`, `calibration/hors-sujet.txt`) that
//! the decision is fitted on and the intent model ([`crate::faq::intent`]) is trained on.
//! [`FaqContent::load_dir`] reads and validates all of it (see [`crate::faq::check`]) and fails
//! on the first problem list (review warnings, see [`crate::faq::review`], never stop the content
//! from loading);
//! the format itself is described in `contracts/content-format.md`.

use std::path::Path;

use serde::Deserialize;

use crate::curriculum::content::{ContentErrors, Curriculum};
use crate::faq::files::{ContentFiles, OFF_TOPIC};
use crate::faq::lexicon::Lexicon;
use crate::faq::matcher::Thresholds;

/// Chapter ids of the FAQ files: the curriculum's seven plus `programme`.
pub const FAQ_CHAPTERS: &[&str] =
    &["programme", "preparer", "boutique", "marketplace", "marque", "trafic", "logistique", "ventes"];

/// One question the bot can answer.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaqEntry {
    pub id: String,
    pub chapter: String,
    /// Canonical question, shown on buttons.
    pub question: String,
    /// Other ways merchants ask it.
    pub variants: Vec<String>,
    /// Discriminating words and expressions.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Plain text, escaped before sending.
    pub answer: String,
    /// Related curriculum modules.
    #[serde(default)]
    pub modules: Vec<String>,
    /// Official pages the answer's facts come from (shown to merchants under the answer).
    #[serde(default)]
    pub sources: Vec<String>,
    /// Last time someone checked the answer against its sources (`reviewed = 2026-12-03`, a TOML date).
    #[serde(default, deserialize_with = "toml_date")]
    pub reviewed: Option<jiff::civil::Date>,
}

/// A TOML local date (`2026-12-03`, no time) as a civil date.
fn toml_date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<jiff::civil::Date>, D::Error> {
    use serde::de::Error;
    let value = toml::value::Datetime::deserialize(d)?;
    match (value.date, value.time, value.offset) {
        (Some(date), None, None) => {
            jiff::civil::Date::new(date.year.cast_signed(), date.month.cast_signed(), date.day.cast_signed())
                .map(Some)
                .map_err(D::Error::custom)
        }
        _ => Err(D::Error::custom(format!("expected a date like 2026-12-03, found {value}"))),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FaqFile {
    #[serde(default)]
    pub(crate) entry: Vec<FaqEntry>,
}

/// A labelled message of `calibration/`: a merchant message and the entry it asks for (`None`:
/// out of scope).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelledMessage {
    pub text: String,
    pub expected: Option<String>,
    /// Fold group for cross-validation: a writing round (`questions-round<N>.tsv` is group
    /// `N - 1` in file order) is one group, so no message is judged by a model that saw the
    /// messages written beside it; the lines of `hors-sujet.txt` are dealt to the groups in turn.
    pub group: usize,
}

/// Reads the labelled messages of `DIR/calibration/` (none if the directory is absent): every
/// `questions-round*.tsv` (`question<TAB>id` or `-`, header line), one group per file in name
/// order, then `hors-sujet.txt` (one out-of-scope message per line, `#` comments).
///
/// # Errors
/// An unreadable or malformed file.
pub fn read_calibration(dir: &Path) -> anyhow::Result<Vec<LabelledMessage>> {
    calibration_of(&ContentFiles::read_dir(dir), dir)
}

/// The labelled messages of content files (see [`read_calibration`]); `base` names the files in errors.
///
/// # Errors
/// A malformed file.
pub fn calibration_of(files: &ContentFiles, base: &Path) -> anyhow::Result<Vec<LabelledMessage>> {
    let mut out = Vec::new();
    let mut rounds = 0;
    for (group, (path, text)) in files.rounds().enumerate() {
        rounds += 1;
        for case in crate::faq::eval::parse_cases(&base.join(path), text)? {
            out.push(LabelledMessage { text: case.question, expected: case.expected, group });
        }
    }
    if let Some(text) = files.get(OFF_TOPIC) {
        let groups = rounds.max(1);
        for (i, text) in crate::faq::calibrate::parse_off_topic(text).into_iter().enumerate() {
            out.push(LabelledMessage { text, expected: None, group: i % groups });
        }
    }
    Ok(out)
}

/// Everything the matcher and the bot need from the content directory.
#[derive(Debug, Clone)]
pub struct FaqContent {
    pub entries: Vec<FaqEntry>,
    pub curriculum: Curriculum,
    pub lexicon: Lexicon,
    pub thresholds: Thresholds,
    /// Labelled calibration messages (empty when the content has none).
    pub calibration: Vec<LabelledMessage>,
}

impl FaqContent {
    /// Loads and validates a content directory.
    ///
    /// # Errors
    /// Every problem `faq check` would report.
    pub fn load_dir(dir: &Path) -> Result<Self, ContentErrors> {
        Self::from_files(&ContentFiles::read_dir(dir), dir)
    }

    /// Loads and validates content files; `base` prefixes the file names in errors.
    ///
    /// # Errors
    /// Every problem `faq check` would report.
    pub fn from_files(files: &ContentFiles, base: &Path) -> Result<Self, ContentErrors> {
        let (content, errors, _) = crate::faq::check::read_files(files, base, None);
        match content {
            Some(mut content) if errors.is_empty() => {
                // What merchants read gets French no-break spaces; matching ignores them.
                for entry in &mut content.entries {
                    entry.question = crate::french::typography(&entry.question);
                    entry.answer = crate::french::typography(&entry.answer);
                }
                Ok(content)
            }
            _ => Err(ContentErrors(errors)),
        }
    }

    /// Assembles content from parts without validation (tests, benches, synthetic FAQs).
    #[must_use]
    pub fn from_parts(entries: Vec<FaqEntry>, lexicon: Lexicon, thresholds: Thresholds) -> Self {
        Self { entries, curriculum: Curriculum::default(), lexicon, thresholds, calibration: Vec::new() }
    }

    #[must_use]
    pub fn entry(&self, id: &str) -> Option<&FaqEntry> {
        self.entries.iter().find(|e| e.id == id)
    }
}
