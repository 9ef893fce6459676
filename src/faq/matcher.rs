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
//! `answer` may be below `suggest`: a clear lead at a modest score is answered, a modest score
//! without a lead falls back.
//!
//! The thresholds are not guessed: [`crate::faq::calibrate`] chooses them by an explicit objective
//! on realistic labelled questions (`faq/calibration/questions.tsv`), leave-one-variant-out and
//! off-topic messages, and writes `faq/calibration/thresholds.toml`, which the content loader
//! reads.

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
        match self.analyze(question, excluded_text) {
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
        match self.analyze(question, excluded_text) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::faq::content::{FaqContent, FaqEntry};
    use crate::faq::lexicon::Lexicon;
    use crate::faq::normalize::Normalizer;

    const LEXICON: &str = r#"
[abbreviations]
cmt = "comment"
pr = "pour"
fo = "faut"

[synonyms]
groups = [["frais de livraison", "frais de port", "frais d'envoi"], ["boutique en ligne", "site marchand", "e-shop"]]

[smalltalk]
greeting = ["bonjour", "salut"]
thanks = ["merci"]
laughter = ["mdr"]
fillers = ["beaucoup"]
"#;

    fn entry(id: &str, question: &str, variants: &[&str], keywords: &[&str]) -> FaqEntry {
        FaqEntry {
            id: id.to_owned(),
            chapter: "boutique".to_owned(),
            question: question.to_owned(),
            variants: variants.iter().map(|v| (*v).to_owned()).collect(),
            keywords: keywords.iter().map(|v| (*v).to_owned()).collect(),
            answer: "Réponse.".to_owned(),
            modules: vec![],
        }
    }

    fn index() -> FaqIndex {
        let lexicon = Lexicon::from_toml_str(LEXICON, &Normalizer::new()).unwrap();
        let entries = vec![
            entry(
                "creer-site",
                "Comment créer une boutique en ligne ?",
                &["ouvrir un site marchand", "monter mon e-shop sans coder", "creer un site de vente"],
                &["creer site", "boutique en ligne"],
            ),
            entry(
                "frais-livraison",
                "Faut-il offrir les frais de livraison ?",
                &["livraison gratuite ou payante", "les frais d'envoi sont offerts ?", "qui paie le transport"],
                &["frais de port", "livraison offerte"],
            ),
            entry(
                "logo",
                "Comment créer un logo sans graphiste ?",
                &["faire mon logo moi meme", "dessiner un logo gratuit", "outil pour un logo"],
                &["logo", "graphiste"],
            ),
        ];
        FaqIndex::build(&FaqContent::from_parts(entries, lexicon, Thresholds::default()))
    }

    #[test]
    fn a_badly_typed_question_finds_its_entry() {
        // Ranking only: the default thresholds are not calibrated for this three-entry index.
        let index = index();
        let best = |q: &str| index.ask(q).best.map(|c| c.id);
        assert_eq!(best("cmt creer ma boutik en ligne").as_deref(), Some("creer-site"));
        assert_eq!(best("fo offrir les frais de port ?").as_deref(), Some("frais-livraison"));
    }

    #[test]
    fn accents_and_case_do_not_matter() {
        let index = index();
        assert_eq!(index.ask("COMMENT CRÉER UN LOGO"), index.ask("comment creer un logo"));
    }

    #[test]
    fn a_greeting_followed_by_a_question_is_a_question() {
        let index = index();
        let m = index.ask("bonjour, cmt dessiner un logo ?");
        assert_ne!(m.outcome.kind(), "smalltalk");
        assert_eq!(m.best.map(|c| c.id), Some("logo".to_owned()));
    }

    #[test]
    fn smalltalk_alone_is_smalltalk() {
        let index = index();
        assert_eq!(index.ask("bonjour !").outcome, Outcome::Smalltalk(SmalltalkKind::Greeting));
        assert_eq!(index.ask("merci beaucoup").outcome, Outcome::Smalltalk(SmalltalkKind::Thanks));
        assert_eq!(index.ask("mdr").outcome, Outcome::Smalltalk(SmalltalkKind::Laughter));
    }

    #[test]
    fn punctuation_or_emoji_only_is_empty() {
        let index = index();
        assert_eq!(index.ask("??!").outcome, Outcome::Empty);
        assert_eq!(index.ask("🙏🙏").outcome, Outcome::Empty);
    }

    #[test]
    fn unrelated_questions_are_not_answered() {
        let index = index();
        let m = index.ask("quelle est la recette de la blanquette de veau");
        assert!(m.outcome.shown().is_empty(), "{m:?}");
    }

    #[test]
    fn close_scores_give_suggestions_not_an_answer() {
        let index = index();
        let scores = Scores { ranked: vec![Scored { entry: 0, score: 0.6 }, Scored { entry: 2, score: 0.58 }] };
        let m = index.decide(&scores, &Thresholds::default());
        assert_eq!(m.outcome.kind(), "suggest");
        assert_eq!(m.outcome.shown().len(), 2);
        assert_eq!(m.best.map(|c| c.id), Some("creer-site".to_owned()));
    }

    #[test]
    fn the_index_can_be_shared_between_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<FaqIndex>();
    }
}
