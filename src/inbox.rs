//! The trainers' inbox (`/questions`): recent questions the bot fell back on or only suggested for, and those
//! merchants passed to a trainer, grouped by similarity.
//!
//! Similarity uses the matcher's own normalisation ([`crate::faq::normalize`]): folded words without stop words,
//! stemmed. Two questions go together when their stem sets overlap enough ([`SIMILAR`], Jaccard); questions with
//! no content word at all are grouped by their folded text. Questions arrive newest first, so groups come out
//! newest first too, each with its count, how many are still waiting for a trainer, and its best guess (the FAQ
//! entry the matcher ranked first most often in the group).

use std::collections::{BTreeSet, HashMap};

use crate::{
    faq::normalize::{Normalizer, fold_words},
    storage::questions::QuestionRecord,
};

/// Least Jaccard overlap of stem sets for two questions to be "the same question".
pub const SIMILAR: f64 = 0.5;

/// Questions that are asked the same way.
#[derive(Debug, Clone, PartialEq)]
pub struct QuestionGroup {
    /// The newest question's text, shown for the group.
    pub text: String,
    /// Question ids, newest first.
    pub ids: Vec<i64>,
    /// The newest question not answered by a trainer yet (what *Répondre* answers).
    pub waiting: Option<i64>,
    /// How many were passed to a trainer by the merchant.
    pub forwarded: usize,
    /// How many a trainer answered.
    pub answered: usize,
    /// The FAQ entry the matcher ranked first most often.
    pub best_guess: Option<String>,
    pub newest_at: i64,
    stems: BTreeSet<String>,
    guesses: HashMap<String, usize>,
}

impl QuestionGroup {
    #[must_use]
    pub fn count(&self) -> usize {
        self.ids.len()
    }
}

/// Groups `questions` (newest first) by similarity; groups come out newest first.
#[must_use]
pub fn group(questions: &[QuestionRecord]) -> Vec<QuestionGroup> {
    let normalizer = Normalizer::new();
    let mut groups: Vec<QuestionGroup> = Vec::new();
    for question in questions {
        let mut stems: BTreeSet<String> = normalizer.terms(&question.text).into_iter().map(|t| t.stem).collect();
        if stems.is_empty() {
            stems.insert(format!("={}", fold_words(&question.text).join(" ")));
        }
        let found = groups.iter_mut().find(|group| jaccard(&group.stems, &stems) >= SIMILAR);
        let group = match found {
            Some(group) => group,
            None => {
                groups.push(QuestionGroup {
                    text: question.text.clone(),
                    ids: Vec::new(),
                    waiting: None,
                    forwarded: 0,
                    answered: 0,
                    best_guess: None,
                    newest_at: question.created_at,
                    stems: stems.clone(),
                    guesses: HashMap::new(),
                });
                groups.last_mut().expect("just pushed")
            }
        };
        group.ids.push(question.id);
        group.forwarded += usize::from(question.forwarded_at.is_some());
        if question.answered_at.is_some() {
            group.answered += 1;
        } else if group.waiting.is_none() {
            group.waiting = Some(question.id);
        }
        if let Some(faq_id) = &question.faq_id {
            *group.guesses.entry(faq_id.clone()).or_default() += 1;
        }
    }
    for group in &mut groups {
        // Most frequent guess; ties go to the smallest id so the result does not depend on hashing.
        group.best_guess =
            group.guesses.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0))).map(|(id, _)| id.clone());
    }
    groups
}

fn jaccard(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f64 {
    let union = a.union(b).count();
    if union == 0 {
        return 0.0;
    }
    a.intersection(b).count() as f64 / union as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question(id: i64, text: &str, faq_id: Option<&str>) -> QuestionRecord {
        QuestionRecord {
            id,
            user_id: 1,
            text: text.to_owned(),
            outcome: "fallback".to_owned(),
            faq_id: faq_id.map(str::to_owned),
            score: None,
            forwarded_at: None,
            created_at: 1000 - id,
            answered_at: None,
            answered_by: None,
        }
    }

    #[test]
    fn questions_asked_alike_share_a_group_newest_first() {
        let questions = [
            question(1, "Comment vendre des licornes en peluche ?", Some("a")),
            question(2, "Quel transporteur pour la Corse ?", None),
            question(3, "comment VENDRE des licornes en peluches", Some("b")),
            question(4, "vendre licornes peluche comment", Some("b")),
        ];
        let groups = group(&questions);
        assert_eq!(groups.len(), 2, "{groups:#?}");
        assert_eq!(groups[0].ids, [1, 3, 4]);
        assert_eq!(groups[0].text, "Comment vendre des licornes en peluche ?");
        assert_eq!(groups[0].best_guess.as_deref(), Some("b"));
        assert_eq!(groups[0].waiting, Some(1));
        assert_eq!(groups[1].ids, [2]);
        assert_eq!(groups[1].best_guess, None);
    }

    #[test]
    fn messages_without_content_words_group_by_their_text() {
        let groups = group(&[question(1, "et alors ?", None), question(2, "Et alors", None), question(3, "ok", None)]);
        assert_eq!(groups.iter().map(QuestionGroup::count).collect::<Vec<_>>(), [2, 1]);
    }
}
