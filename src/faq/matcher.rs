//! From scores to what the merchant sees: an answer, up to three suggestions, or an honest
//! "je ne sais pas".
//!
//! [`FaqIndex::ask`] normalises the question (smalltalk and empty messages stop there), ranks the
//! entries (see [`crate::faq::index`]) and applies [`Thresholds`]:
//! - **answer** when the best score reaches `answer` *and* leads the second-best entry by at least
//!   `margin` (two close topics are a question we are not sure about);
//! - **suggest** the best entries (at most three) whose score reaches `suggest` and at least
//!   `suggest_ratio` × the best score;
//! - otherwise **fallback**.
//!
//! The thresholds are not guessed: [`crate::faq::calibrate`] measures them on the content itself
//! (leave-one-variant-out for in-scope questions, `faq/calibration/hors-sujet.txt` for
//! off-topic ones) and writes `faq/calibration/thresholds.toml`, which the content loader reads.

use serde::{Deserialize, Serialize};

use crate::faq::index::{Analysis, FaqIndex, Scored};
pub use crate::faq::lexicon::SmalltalkKind;

/// Decision thresholds on scores in `[0, 1]`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    /// Minimum best score for a direct answer.
    pub answer: f32,
    /// Minimum lead of the best entry over the second for a direct answer.
    pub margin: f32,
    /// Minimum score for an entry to be suggested.
    pub suggest: f32,
    /// A suggestion must score at least this fraction of the best score.
    pub suggest_ratio: f32,
}

impl Default for Thresholds {
    /// Conservative values used when no calibration file is present.
    fn default() -> Self {
        Self { answer: 0.45, margin: 0.05, suggest: 0.30, suggest_ratio: 0.6 }
    }
}

/// An entry and its score.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub id: String,
    pub score: f32,
}

/// What to do with a message.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Answer(Candidate),
    /// One to three candidates, best first.
    Suggest(Vec<Candidate>),
    Fallback,
    /// Nothing left after normalisation ("??!", emoji only).
    Empty,
    Smalltalk(SmalltalkKind),
}

impl Outcome {
    /// `answer`, `suggest`, `fallback` (also for `Empty`) or `smalltalk`.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Answer(_) => "answer",
            Self::Suggest(_) => "suggest",
            Self::Fallback | Self::Empty => "fallback",
            Self::Smalltalk(_) => "smalltalk",
        }
    }

    /// The candidates the merchant is shown, best first.
    #[must_use]
    pub fn shown(&self) -> &[Candidate] {
        match self {
            Self::Answer(c) => std::slice::from_ref(c),
            Self::Suggest(cs) => cs,
            _ => &[],
        }
    }
}

/// The matcher's verdict on one message.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    pub outcome: Outcome,
    /// The best-scoring entry, for records, even on fallback.
    pub best: Option<Candidate>,
}

/// Best and second-best scores of a question, before thresholds (calibration input).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Scores {
    pub ranked: Vec<Scored>,
}

impl Scores {
    pub fn first(&self) -> f32 {
        self.ranked.first().map_or(0.0, |s| s.score)
    }
    pub fn second(&self) -> f32 {
        self.ranked.get(1).map_or(0.0, |s| s.score)
    }
}

const RANK_LIMIT: usize = 4;

impl FaqIndex {
    /// Matches a merchant's message against the FAQ.
    #[must_use]
    pub fn ask(&self, question: &str) -> Match {
        self.ask_with(question, &self.content.thresholds, None)
    }

    pub(crate) fn ask_with(&self, question: &str, thresholds: &Thresholds, excluded_text: Option<u32>) -> Match {
        match self.analyze(question) {
            Analysis::Empty => Match { outcome: Outcome::Empty, best: None },
            Analysis::Smalltalk(kind) => Match { outcome: Outcome::Smalltalk(kind), best: None },
            Analysis::Terms { terms, unknown } => {
                let ranked = self.rank(&terms, unknown, RANK_LIMIT, excluded_text);
                self.decide(&Scores { ranked }, thresholds)
            }
        }
    }

    /// Scores only (no thresholds); `None` for smalltalk and empty messages.
    pub(crate) fn scores(&self, question: &str, excluded_text: Option<u32>) -> Option<Scores> {
        match self.analyze(question) {
            Analysis::Terms { terms, unknown } => {
                Some(Scores { ranked: self.rank(&terms, unknown, RANK_LIMIT, excluded_text) })
            }
            _ => None,
        }
    }

    pub(crate) fn decide(&self, scores: &Scores, t: &Thresholds) -> Match {
        let candidate = |s: &Scored| Candidate { id: self.entry_at(s.entry).id.clone(), score: s.score };
        let best = scores.ranked.first().map(candidate);
        let (first, second) = (scores.first(), scores.second());
        let outcome = if first >= t.answer && first - second >= t.margin {
            Outcome::Answer(candidate(&scores.ranked[0]))
        } else if first >= t.suggest {
            Outcome::Suggest(
                scores
                    .ranked
                    .iter()
                    .take(3)
                    .filter(|s| s.score >= t.suggest && s.score >= first * t.suggest_ratio)
                    .map(candidate)
                    .collect(),
            )
        } else {
            Outcome::Fallback
        };
        Match { outcome, best }
    }
}
