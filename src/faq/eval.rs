//! Evaluation of the matcher on a question file (`question<TAB>expected`, header line, `-` when
//! nothing should be answered): the figures of issue 3.
//!
//! - *direct*: in-scope questions answered directly with the expected entry;
//! - *resolved*: in-scope questions whose expected entry is answered or among the suggestions;
//! - *wrong*: in-scope questions answered directly with another entry;
//! - *out-of-scope answered*: out-of-scope questions that got a direct answer (the issue's
//!   figure: "answered" is the `answer` outcome throughout);
//! - *out-of-scope suggested*: out-of-scope questions that got suggestions or an answer, reported
//!   beside it (smalltalk, empty and fallback count as neither).
//!
//! All rates are percentages of their group.

use std::path::Path;
use std::time::Instant;

use anyhow::Context;

use crate::faq::index::FaqIndex;
use crate::faq::matcher::{Candidate, Outcome};

/// One evaluation question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalCase {
    pub question: String,
    /// `None` when nothing should be answered.
    pub expected: Option<String>,
}

/// A question the matcher did not get directly right.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalMiss {
    pub question: String,
    pub expected: Option<String>,
    pub outcome: &'static str,
    pub shown: Vec<Candidate>,
    pub best: Option<Candidate>,
}

/// Evaluation figures; rates are percentages.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalReport {
    pub questions: usize,
    pub in_scope: usize,
    pub out_of_scope: usize,
    pub direct: f64,
    pub resolved: f64,
    pub wrong: f64,
    pub out_of_scope_answered: f64,
    /// Out-of-scope questions given suggestions or an answer.
    pub out_of_scope_shown: f64,
    /// Mean matching time per question, in microseconds.
    pub micros_per_question: f64,
    pub misses: Vec<EvalMiss>,
}

impl EvalReport {
    /// Whether the issue-3 targets are met.
    #[must_use]
    pub fn meets_targets(&self) -> bool {
        self.direct >= 90.0 && self.resolved >= 97.0 && self.wrong <= 3.0 && self.out_of_scope_answered <= 5.0
    }
}

/// Reads a `question<TAB>expected` file with a header line.
///
/// # Errors
/// Unreadable file or a line without a tab.
pub fn read_cases(path: &Path) -> anyhow::Result<Vec<EvalCase>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    parse_cases(path, &text)
}

/// Parses the text of a `question<TAB>expected` file; `path` names it in errors.
///
/// # Errors
/// A line without a tab.
pub fn parse_cases(path: &Path, text: &str) -> anyhow::Result<Vec<EvalCase>> {
    text.lines()
        .enumerate()
        .skip(1)
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, line)| {
            let (question, expected) =
                line.rsplit_once('\t').with_context(|| format!("{}:{}: no tab", path.display(), n + 1))?;
            let expected = expected.trim();
            Ok(EvalCase {
                question: question.to_owned(),
                expected: (expected != "-" && !expected.is_empty()).then(|| expected.to_owned()),
            })
        })
        .collect()
}

fn percent(n: usize, d: usize) -> f64 {
    if d == 0 { 0.0 } else { 100.0 * n as f64 / d as f64 }
}

/// Runs every case through the index.
#[must_use]
pub fn evaluate(index: &FaqIndex, cases: &[EvalCase]) -> EvalReport {
    let (mut direct, mut resolved, mut wrong, mut oos_answered, mut oos_shown) = (0, 0, 0, 0, 0);
    let mut misses = Vec::new();
    let start = Instant::now();
    let matches: Vec<_> = cases.iter().map(|c| index.ask(&c.question)).collect();
    let elapsed = start.elapsed();
    for (case, m) in cases.iter().zip(&matches) {
        let shown = m.outcome.shown();
        let ok = match &case.expected {
            Some(expected) => {
                let answered = matches!(&m.outcome, Outcome::Answer(c) if &c.id == expected);
                if answered {
                    direct += 1;
                }
                if shown.iter().any(|c| &c.id == expected) {
                    resolved += 1;
                }
                if matches!(&m.outcome, Outcome::Answer(c) if &c.id != expected) {
                    wrong += 1;
                }
                answered
            }
            None => {
                let answered = matches!(&m.outcome, Outcome::Answer(_));
                oos_answered += usize::from(answered);
                oos_shown += usize::from(!shown.is_empty());
                !answered
            }
        };
        if !ok {
            misses.push(EvalMiss {
                question: case.question.clone(),
                expected: case.expected.clone(),
                outcome: m.outcome.kind(),
                shown: shown.to_vec(),
                best: m.best.clone(),
            });
        }
    }
    let in_scope = cases.iter().filter(|c| c.expected.is_some()).count();
    let out_of_scope = cases.len() - in_scope;
    EvalReport {
        questions: cases.len(),
        in_scope,
        out_of_scope,
        direct: percent(direct, in_scope),
        resolved: percent(resolved, in_scope),
        wrong: percent(wrong, in_scope),
        out_of_scope_answered: percent(oos_answered, out_of_scope),
        out_of_scope_shown: percent(oos_shown, out_of_scope),
        micros_per_question: elapsed.as_secs_f64() * 1e6 / cases.len().max(1) as f64,
        misses,
    }
}
