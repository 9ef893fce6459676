//! From scores to what the merchant sees: an answer, up to three suggestions, or an honest
//! "je ne sais pas".
//!
//! [`FaqIndex::ask`] normalises the question (smalltalk and empty messages stop there), ranks the
//! entries (see [`crate::faq::index`]) and turns the ranking into a decision with two small
//! quadratic logistic models over the same [`FEATURES`] confidence features (the best and second
//! scores, their gap, the best entry's coverage, closeness and evidence, the question's length in
//! information, the runner-up's coverage and closeness, the share of the question's words the best
//! entry matches, and the shares of the question's weight that are unknown, typo-corrected or
//! known only from answers):
//! - the *answer model* estimates the probability that the best entry is the right one; at or
//!   above [`Thresholds::answer`] the merchant gets the **answer**;
//! - otherwise the *scope model* estimates the probability that the message is about the
//!   programme at all; at or above [`Thresholds::suggest`] the merchant is offered up to three
//!   **suggestions** (the best entries scoring at least `suggest_ratio` × the best score);
//! - otherwise **fallback**.
//!
//! A raw score alone cannot tell "one distinctive word matched" from "one common word matched";
//! the features let the models weigh how much of the message the entry explains, how much of it
//! the FAQ has never seen, and how clear the lead is.
//!
//! On the calibration questions, thresholds on the best score and its lead answered 83.5%
//! directly; this decision (with the index's ownership weighting) answers 90% cross-validated,
//! and the pairwise products add about two points over a linear model (cross-validated too).
//!
//! Nothing here is guessed: [`crate::faq::calibrate`] fits both models and chooses the two
//! probability thresholds on realistic labelled questions (`faq/calibration/questions-round*.tsv`),
//! leave-one-variant-out and off-topic messages, and writes `faq/calibration/thresholds.toml`,
//! which the content loader reads.

use serde::{Deserialize, Serialize};

use crate::faq::index::{Analysis, FaqIndex, QueryTerm, QuestionWeight, Scored};
pub use crate::faq::lexicon::SmalltalkKind;
use crate::faq::normalize::fold_words;

/// Number of confidence features read from the lexical ranking (see [`Scores::features`]).
pub const LEXICAL_FEATURES: usize = 13;

/// Number of confidence features: the lexical ones, then the intent model's probability of the
/// best and second entries and of "out of scope".
pub const FEATURES: usize = LEXICAL_FEATURES + 3;

/// Entries the intent model adds to the lexical candidates (its most probable ones).
pub const INTENT_CANDIDATES: usize = 3;

/// Bound of the standardised features (see [`Logistic::standardise`]).
pub const STANDARD_CLIP: f32 = 3.0;

/// Number of terms a [`Logistic`] model weighs: the features, then the product of every pair
/// of them (squares included).
pub const MODEL_TERMS: usize = FEATURES + FEATURES * (FEATURES + 1) / 2;

/// A quadratic logistic model: the features are standardised (`(x - mean) / scale`), expanded
/// with their pairwise products ([`MODEL_TERMS`] terms), and
/// `P = 1 / (1 + exp(-(bias + weights · terms)))`. The products let the model say "a high score
/// counts only with a clear lead" or "unknown words matter more in short messages".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Logistic {
    pub mean: [f32; FEATURES],
    pub scale: [f32; FEATURES],
    pub bias: f32,
    /// [`MODEL_TERMS`] weights: one per feature, then one per product `i <= j`, row by row.
    pub weights: Vec<f32>,
}

impl Logistic {
    /// A model on the raw features only (no products), for hand-written defaults.
    #[must_use]
    pub fn linear(bias: f32, linear: [f32; FEATURES]) -> Self {
        let mut weights = vec![0.0; MODEL_TERMS];
        weights[..FEATURES].copy_from_slice(&linear);
        Self { mean: [0.0; FEATURES], scale: [1.0; FEATURES], bias, weights }
    }

    /// The model's probability for these features (0 if the model is malformed).
    #[must_use]
    pub fn probability(&self, features: &[f32; FEATURES]) -> f32 {
        if self.weights.len() != MODEL_TERMS {
            return 0.0;
        }
        let mut z = self.bias;
        model_terms(&self.standardise(features), |i, t| z += self.weights[i] * t);
        1.0 / (1.0 + (-z).exp())
    }

    /// `(x - mean) / scale`, feature by feature, clipped to `±STANDARD_CLIP`: a message unlike
    /// any the model was fitted on must not push a squared term to extremes.
    #[must_use]
    pub fn standardise(&self, features: &[f32; FEATURES]) -> [f32; FEATURES] {
        let mut x = [0.0; FEATURES];
        for (j, v) in x.iter_mut().enumerate() {
            *v = ((features[j] - self.mean[j]) / self.scale[j]).clamp(-STANDARD_CLIP, STANDARD_CLIP);
        }
        x
    }
}

/// Calls `f(index, value)` for every model term of standardised features, in weight order.
pub(crate) fn model_terms(x: &[f32; FEATURES], mut f: impl FnMut(usize, f32)) {
    for (i, v) in x.iter().enumerate() {
        f(i, *v);
    }
    let mut k = FEATURES;
    for i in 0..FEATURES {
        for j in i..FEATURES {
            f(k, x[i] * x[j]);
            k += 1;
        }
    }
}

/// Decision thresholds and the models they apply to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    /// Minimum probability, by `answer_model`, that the best entry is right, for a direct answer.
    pub answer: f32,
    /// Minimum probability, by `scope_model`, that the message is in scope, for suggestions.
    pub suggest: f32,
    /// A suggestion must score at least this fraction of the best score.
    pub suggest_ratio: f32,
    /// The ranking's score of an entry is its lexical score plus this weight × the intent
    /// model's probability for it.
    #[serde(default)]
    pub intent_weight: f32,
    pub answer_model: Logistic,
    pub scope_model: Logistic,
}

impl Default for Thresholds {
    /// Conservative models used when no calibration file is present: an answer needs
    /// `best + 4 × lead >= 0.7` (0.45 with a 0.06 lead, 0.6 with a 0.03 lead), suggestions a best
    /// score of 0.3.
    fn default() -> Self {
        let mut answer = [0.0; FEATURES];
        answer[0] = 10.0;
        answer[2] = 40.0;
        let mut scope = [0.0; FEATURES];
        scope[0] = 10.0;
        Self {
            answer: 0.5,
            suggest: 0.5,
            suggest_ratio: 0.6,
            intent_weight: 0.0,
            answer_model: Logistic::linear(-7.0, answer),
            scope_model: Logistic::linear(-3.0, scope),
        }
    }
}

/// An entry and its score.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub id: String,
    /// In [0, 1]: the ranking score (lexical score + `intent_weight` × intent probability) divided by its
    /// largest possible value, `1 + intent_weight`. Shown and recorded only; decisions use the features.
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

/// The ranking of a question and what the decision models need to know about it.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Scores {
    /// Best first. Lexical fields as ranked by the index; `score` is the lexical score plus
    /// [`Thresholds::intent_weight`] × the intent probability once [`Scores::merged`].
    pub ranked: Vec<Scored>,
    /// The intent model's probability of each ranked entry (0 without a model).
    pub intent: Vec<f32>,
    /// The intent model's probability that the message is out of scope (0 without a model).
    pub out_of_scope: f32,
    /// The question's informative weight and how much of it is unknown, corrected or known only
    /// from answers.
    pub question: QuestionWeight,
}

impl Scores {
    pub fn first(&self) -> f32 {
        self.ranked.first().map_or(0.0, |s| s.score)
    }
    pub fn second(&self) -> f32 {
        self.ranked.get(1).map_or(0.0, |s| s.score)
    }

    /// Both views in one ranking: the lexical candidates and the intent model's
    /// [`INTENT_CANDIDATES`] most probable entries (with zero lexical fields when the index did
    /// not rank them), each scored `lexical + weight × probability`, best first, at most
    /// [`RANK_LIMIT`]. `probabilities` is the intent model's output (entries, then out of scope);
    /// `None` keeps the lexical ranking.
    pub fn merged(&self, probabilities: Option<&[f32]>, weight: f32) -> Self {
        let Some(p) = probabilities.filter(|p| p.len() > 1) else {
            return Self { intent: vec![0.0; self.ranked.len()], out_of_scope: 0.0, ..self.clone() };
        };
        let entries = p.len() - 1;
        let mut ranked: Vec<Scored> = self.ranked.clone();
        let mut top: Vec<usize> = (0..entries).collect();
        let k = INTENT_CANDIDATES.min(entries);
        top.select_nth_unstable_by(k - 1, |&a, &b| p[b].total_cmp(&p[a]).then(a.cmp(&b)));
        for &e in &top[..k] {
            if !ranked.iter().any(|s| s.entry as usize == e) {
                ranked.push(Scored {
                    entry: e as u32,
                    score: 0.0,
                    coverage: 0.0,
                    closeness: 0.0,
                    evidence: 0.0,
                    matched_words: 0.0,
                });
            }
        }
        let prob = |s: &Scored| p.get(s.entry as usize).copied().unwrap_or(0.0);
        for s in &mut ranked {
            s.score += weight * prob(s);
        }
        ranked.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.entry.cmp(&b.entry)));
        ranked.truncate(RANK_LIMIT);
        Self { intent: ranked.iter().map(prob).collect(), ranked, out_of_scope: p[entries], question: self.question }
    }

    /// The confidence features, in [`Logistic`] order: best score, second score, their
    /// gap, best coverage, best closeness, best evidence, unknown share, `ln(1 + weight)`,
    /// second coverage, second closeness, share of the known words the best entry matches, share
    /// of the weight read through typo corrections, share known only from answers; then the
    /// intent model's probabilities of the best and second entries and of "out of scope".
    pub fn features(&self) -> [f32; FEATURES] {
        let at = |i: usize| self.ranked.get(i).copied();
        let (first, second) = (at(0), at(1));
        let get = |s: Option<Scored>, f: fn(&Scored) -> f32| s.as_ref().map_or(0.0, f);
        [
            self.first(),
            self.second(),
            self.first() - self.second(),
            get(first, |s| s.coverage),
            get(first, |s| s.closeness),
            get(first, |s| s.evidence),
            self.question.unknown_share,
            self.question.total.ln_1p(),
            get(second, |s| s.coverage),
            get(second, |s| s.closeness),
            get(first, |s| s.matched_words),
            self.question.corrected_share,
            self.question.answer_only_share,
            self.intent.first().copied().unwrap_or(0.0),
            self.intent.get(1).copied().unwrap_or(0.0),
            self.out_of_scope,
        ]
    }
}

/// Candidates kept in a ranking (lexical ones asked from the index, then after merging).
const RANK_LIMIT: usize = 5;

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
                let lexical = self.score_terms(question, &terms, unknown, excluded_text);
                self.decide(&self.with_intent(&lexical, question, thresholds), thresholds)
            }
        }
    }

    /// The lexical ranking merged with this index's intent model (see [`Scores::merged`]).
    fn with_intent(&self, lexical: &Scores, question: &str, t: &Thresholds) -> Scores {
        let question = crate::faq::index::capped(question);
        let probabilities = self.intent.as_ref().map(|m| m.probabilities(question, &self.content.lexicon));
        lexical.merged(probabilities.as_deref(), t.intent_weight)
    }

    /// The lexical ranking only (no thresholds, no intent model); `None` for smalltalk and empty
    /// messages.
    pub(crate) fn lexical_scores(&self, question: &str, excluded_text: Option<u32>) -> Option<Scores> {
        match self.analyze(question, excluded_text) {
            Analysis::Terms { terms, unknown } => Some(self.score_terms(question, &terms, unknown, excluded_text)),
            _ => None,
        }
    }

    /// Both views merged as [`FaqIndex::ask`] merges them; `None` for smalltalk and empty
    /// messages.
    pub(crate) fn scores(&self, question: &str, excluded_text: Option<u32>) -> Option<Scores> {
        let lexical = self.lexical_scores(question, excluded_text)?;
        Some(self.with_intent(&lexical, question, &self.content.thresholds))
    }

    fn score_terms(&self, question: &str, terms: &[QueryTerm], unknown: f32, excluded_text: Option<u32>) -> Scores {
        let groups = self.groups(terms);
        let bare_word =
            unknown <= 0.0 && groups.len() == 1 && fold_words(crate::faq::index::capped(question)).len() == 1;
        Scores {
            ranked: self.rank(terms, &groups, unknown, RANK_LIMIT, excluded_text),
            intent: Vec::new(),
            out_of_scope: 0.0,
            question: QuestionWeight { bare_word, ..self.question_weight(terms, &groups, unknown) },
        }
    }

    /// The decision's inputs in words (ranking, probabilities, thresholds), for `ask` and content
    /// writers; `None` for smalltalk and empty messages.
    #[must_use]
    pub fn explain_decision(&self, question: &str) -> Option<String> {
        let scores = self.scores(question, None)?;
        let t = &self.content.thresholds;
        let c = confidence(&scores, t);
        let ranked: Vec<String> = scores
            .ranked
            .iter()
            .zip(&scores.intent)
            .map(|(s, p)| {
                format!(
                    "{} {:.2} (coverage {:.2}, closeness {:.2}, evidence {:.2}, intent {:.2})",
                    self.entry_at(s.entry).id,
                    s.score,
                    s.coverage,
                    s.closeness,
                    s.evidence,
                    p
                )
            })
            .collect();
        Some(format!(
            "ranked: {}\n  unknown share {:.2}; intent out of scope {:.2}; P(best right) {:.2} (answer at {:.2}); P(in scope) {:.2} (suggest at {:.2})",
            ranked.join("; "),
            scores.question.unknown_share,
            scores.out_of_scope,
            c.right,
            t.answer,
            c.in_scope,
            t.suggest
        ))
    }

    /// The ids of the entries nearest to `text`, best first, at most `limit` (at most the ranking's own
    /// [`RANK_LIMIT`]): the ranking [`FaqIndex::ask`] decides on, without its thresholds. Trainers pick among them
    /// when they add a question as a variant, and admins search the FAQ editor with it; empty for smalltalk and
    /// messages without words.
    #[must_use]
    pub fn nearest(&self, text: &str, limit: usize) -> Vec<String> {
        let Some(scores) = self.scores(text, None) else { return Vec::new() };
        scores.ranked.iter().filter(|s| s.score > 0.0).take(limit).map(|s| self.entry_at(s.entry).id.clone()).collect()
    }

    /// Whether a message the bot could not answer still looks like a question on the programme's subjects: it
    /// uses a word of the lexicon's `[domain]` list. Fallbacks offer to pass only those to a trainer.
    #[must_use]
    pub fn looks_on_topic(&self, question: &str) -> bool {
        self.content.lexicon.mentions_domain(question, &self.normalizer)
    }

    pub(crate) fn decide(&self, scores: &Scores, t: &Thresholds) -> Match {
        let scale = 1.0 + t.intent_weight.max(0.0);
        let candidate =
            |s: &Scored| Candidate { id: self.entry_at(s.entry).id.clone(), score: (s.score / scale).clamp(0.0, 1.0) };
        let best = scores.ranked.first().map(candidate);
        let outcome = match decision(scores, t) {
            Decision::Answer => Outcome::Answer(candidate(&scores.ranked[0])),
            Decision::Suggest(n) => Outcome::Suggest(scores.ranked[..n].iter().map(candidate).collect()),
            Decision::Fallback => Outcome::Fallback,
        };
        Match { outcome, best }
    }
}

/// What to do with a ranking, before entries are named: answer the best entry, suggest the first
/// `n` entries, or fall back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    Answer,
    Suggest(usize),
    Fallback,
}

/// The two models' probabilities for one ranking.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct Confidence {
    /// That the best entry is the right one.
    pub right: f32,
    /// That the message is about the programme at all.
    pub in_scope: f32,
}

pub(crate) fn confidence(scores: &Scores, t: &Thresholds) -> Confidence {
    let features = scores.features();
    Confidence { right: t.answer_model.probability(&features), in_scope: t.scope_model.probability(&features) }
}

pub(crate) fn decision(scores: &Scores, t: &Thresholds) -> Decision {
    decide_on(scores, confidence(scores, t), t)
}

/// The decision for a ranking whose probabilities are known (calibration computes them once).
pub(crate) fn decide_on(scores: &Scores, c: Confidence, t: &Thresholds) -> Decision {
    let Some(best) = scores.ranked.first() else {
        return Decision::Fallback;
    };
    // Answers mention many things in passing: a message whose known words all come from answers
    // ("il fait beau", "je m'ennuie") shares no vocabulary with any question, and is not
    // understood, whatever the models say about such rare inputs.
    if scores.question.unknown_share + scores.question.answer_only_share >= 0.999 {
        return Decision::Fallback;
    }
    // One word that several entries use in full and that the lexical view finds as close to
    // each ("livraison ?", "prix ?") names a subject, not a question: which entry it means is a
    // guess, so it gets suggestions at most. A word that is nearly a question of its own
    // ("siret ?") is still answered.
    let one_shared_word = scores.question.bare_word
        && scores.ranked[1..].iter().any(|s| s.coverage >= 0.999 && s.closeness >= best.closeness - 0.1);
    if c.right >= t.answer && !one_shared_word {
        Decision::Answer
    } else if c.in_scope >= t.suggest || (one_shared_word && c.right >= t.answer) {
        let floor = best.score * t.suggest_ratio;
        Decision::Suggest(scores.ranked.iter().take(3).take_while(|s| s.score >= floor).count())
    } else {
        Decision::Fallback
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
            sources: vec![],
            reviewed: None,
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
    fn words_known_only_from_answers_are_not_understood() {
        let lexicon = Lexicon::from_toml_str(LEXICON, &Normalizer::new()).unwrap();
        let mut shipping =
            entry("frais-livraison", "Faut-il offrir les frais de livraison ?", &["livraison offerte"], &[]);
        shipping.answer = "Sous la pluie comme au soleil, un colis bien emballé arrive.".to_owned();
        // Models and thresholds that answer everything: only the rule can stop an answer.
        let eager = Thresholds { answer: 0.0, suggest: 0.0, ..Thresholds::default() };
        let index = FaqIndex::build(&FaqContent::from_parts(vec![shipping], lexicon, eager));
        assert_eq!(index.ask("il y a du soleil").outcome, Outcome::Fallback);
        assert_eq!(index.ask("livraison sous le soleil").outcome.kind(), "answer");
    }

    #[test]
    fn close_scores_give_suggestions_not_an_answer() {
        let index = index();
        let scored = |entry, score| Scored {
            entry,
            score,
            coverage: score,
            closeness: score,
            evidence: 1.0,
            matched_words: 1.0,
        };
        let scores = Scores {
            ranked: vec![scored(0, 0.6), scored(2, 0.58)],
            question: QuestionWeight { total: 10.0, ..QuestionWeight::default() },
            ..Scores::default()
        };
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
