//! Calibration of the matcher's [`Thresholds`] on questions written for calibration, so the dev
//! set stays a fair check.
//!
//! Three sources, none taken from an evaluation set:
//! 1. *Realistic in-scope questions*: the labelled lines of `faq/calibration/questions.tsv`
//!    (`question<TAB>id`, `-` for out of scope), written by people who never saw the dev set, asked
//!    against the full index. They look like real traffic: long stories, short fragments, words
//!    the content never uses.
//! 2. *Leave-one-variant-out*: every variant of every entry is asked with that variant left out
//!    (its postings are skipped and words found only in it count as unknown, so typo correction
//!    applies; IDF is kept, a small leak). Variants are written next to their entry and are
//!    harder than real questions once removed, so on their own they give thresholds that are too
//!    strict (many right best entries become suggestions); here they are a safety net.
//! 3. *Out of scope*: `faq/calibration/hors-sujet.txt` plus the `-` lines of `questions.tsv`
//!    (smalltalk, near-domain traps). Smalltalk and empty messages count as not answered.
//!
//! Objective, explicit: `answer`, `margin` and `suggest` are chosen on a grid (steps of 0.01) to
//! maximise `direct(realistic) + RESOLVED_WEIGHT × resolved(realistic) + LOO_WEIGHT ×
//! direct(leave-one-out)` subject to
//! - at most [`OFF_TOPIC_BUDGET`] of the off-topic messages answered or given suggestions,
//! - at most [`WRONG_BUDGET`] wrong direct answers among the realistic questions,
//! - at most [`LOO_WRONG_BUDGET`] among the left-out variants.
//!
//! `answer` may be below `suggest`: a clear lead (`margin`) at a modest score is an answer, a
//! modest score without a lead is not even a suggestion. For each `answer`/`margin`, the lowest
//! `suggest` within the off-topic budget is taken (a higher one only loses suggestions); ties
//! go to the first (lowest) thresholds found.
//! - Without `questions.tsv` the leave-one-out set alone plays the realistic part.
//!
//! The budgets are below the issue-3 targets (wrong <= 3%, off-topic <= 5%) to keep a margin for
//! hidden questions. The routine prints the chosen thresholds and the figures behind them;
//! [`write_thresholds`] stores them in `faq/calibration/thresholds.toml`, which
//! [`FaqContent::load_dir`] reads.
//!
//! [`FaqContent::load_dir`]: crate::faq::content::FaqContent::load_dir

use std::io::Write;
use std::path::Path;

use anyhow::Context;

use crate::faq::eval::EvalCase;
use crate::faq::index::FaqIndex;
use crate::faq::matcher::{Scores, Thresholds};

/// Largest share of off-topic messages allowed to get suggestions or an answer.
pub const OFF_TOPIC_BUDGET: f64 = 0.03;
/// Largest share of realistic in-scope questions allowed to get a wrong direct answer.
pub const WRONG_BUDGET: f64 = 0.025;
/// Largest share of left-out variants allowed to get a wrong direct answer.
pub const LOO_WRONG_BUDGET: f64 = 0.03;
/// Weight of the leave-one-out direct rate in the objective.
pub const LOO_WEIGHT: f64 = 0.25;
/// Weight of the resolved rate (answered right or suggested) in the objective.
pub const RESOLVED_WEIGHT: f64 = 0.5;
const SUGGEST_RATIO: f32 = 0.5;

#[derive(Debug, Clone)]
struct Sample {
    first: f32,
    second: f32,
    /// `Some(true)` when the best entry is the expected one; `None` off topic.
    right: Option<bool>,
    /// Expected entry within the top 3 with its score.
    expected_score: Option<f32>,
}

/// Figures of one set of questions under the chosen thresholds (percentages).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SetFigures {
    pub samples: usize,
    /// Best entry right, before thresholds.
    pub top1: f64,
    pub direct: f64,
    pub resolved: f64,
    pub wrong: f64,
}

/// The outcome of a calibration run.
#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    pub thresholds: Thresholds,
    pub in_scope_samples: usize,
    /// Percentage of left-out variants whose best entry is right, before thresholds.
    pub top1: f64,
    pub off_topic_samples: usize,
    /// Percentages over left-out variants.
    pub direct: f64,
    pub resolved: f64,
    pub wrong: f64,
    /// Percentage of off-topic messages answered or given suggestions.
    pub off_topic_answered: f64,
    /// Figures on the realistic questions of `questions.tsv`, when present.
    pub realistic: Option<SetFigures>,
}

/// Reads the off-topic file (one message per line, `#` comments).
///
/// # Errors
/// Unreadable file.
pub fn read_off_topic(path: &Path) -> anyhow::Result<Vec<String>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(str::to_owned).collect())
}

fn sample(index: &FaqIndex, question: &str, expected: Option<u32>, excluded: Option<u32>) -> Sample {
    let scores = index.scores(question, excluded).unwrap_or(Scores { ranked: Vec::new() });
    Sample {
        first: scores.first(),
        second: scores.second(),
        right: expected.map(|e| scores.ranked.first().is_some_and(|s| s.entry == e)),
        expected_score: expected.and_then(|e| scores.ranked.iter().take(3).find(|s| s.entry == e).map(|s| s.score)),
    }
}

fn answered(s: &Sample, t: &Thresholds) -> bool {
    s.first >= t.answer && s.first - s.second >= t.margin
}

fn figures(samples: &[Sample], t: &Thresholds) -> SetFigures {
    let (mut direct, mut resolved, mut wrong) = (0, 0, 0);
    for s in samples {
        let answered = answered(s, t);
        match (answered, s.right) {
            (true, Some(true)) => direct += 1,
            (true, _) => wrong += 1,
            _ => {}
        }
        let shown = if answered {
            s.right == Some(true)
        } else {
            s.first >= t.suggest && s.expected_score.is_some_and(|x| x >= t.suggest && x >= s.first * t.suggest_ratio)
        };
        if shown {
            resolved += 1;
        }
    }
    let n = samples.len().max(1) as f64;
    let top1 = samples.iter().filter(|s| s.right == Some(true)).count();
    SetFigures {
        samples: samples.len(),
        top1: 100.0 * top1 as f64 / n,
        direct: 100.0 * direct as f64 / n,
        resolved: 100.0 * resolved as f64 / n,
        wrong: 100.0 * wrong as f64 / n,
    }
}

/// Measures the content (leave-one-out and off-topic messages only) and chooses thresholds.
#[must_use]
pub fn calibrate(index: &FaqIndex, off_topic: &[String]) -> Calibration {
    calibrate_with(index, off_topic, &[])
}

/// Measures the content, the realistic questions (`question`, expected id or `None` off topic)
/// and the off-topic messages, and chooses thresholds by the objective of the module docs.
/// Questions whose expected id is unknown to the index are skipped.
#[must_use]
pub fn calibrate_with(index: &FaqIndex, off_topic: &[String], realistic: &[EvalCase]) -> Calibration {
    let mut loo = Vec::new();
    for (e, entry) in index.content().entries.iter().enumerate() {
        for (variant, text) in index.variant_texts(e as u32) {
            loo.push(sample(index, &entry.variants[variant], Some(e as u32), Some(text)));
        }
    }
    let mut real = Vec::new();
    let mut outside: Vec<Sample> = off_topic.iter().map(|q| sample(index, q, None, None)).collect();
    for case in realistic {
        match &case.expected {
            None => outside.push(sample(index, &case.question, None, None)),
            Some(id) => {
                if let Some(e) = index.entry_index(id) {
                    real.push(sample(index, &case.question, Some(e), None));
                }
            }
        }
    }

    // answer, margin and suggest on a grid; answered/wrong do not depend on suggest.
    let count = |samples: &[Sample], t: &Thresholds| {
        let (mut right, mut wrong) = (0usize, 0usize);
        for s in samples {
            if answered(s, t) {
                if s.right == Some(true) { right += 1 } else { wrong += 1 }
            }
        }
        let n = samples.len().max(1) as f64;
        (right as f64 / n, wrong as f64 / n)
    };
    let (objective_set, wrong_budget) = if real.is_empty() { (&loo, LOO_WRONG_BUDGET) } else { (&real, WRONG_BUDGET) };
    let off_allowed = (OFF_TOPIC_BUDGET * outside.len() as f64).floor() as usize;
    let mut best: Option<(f64, Thresholds)> = None;
    for a in 20..=100 {
        let answer = a as f32 / 100.0;
        for m in 0..=30 {
            let margin = m as f32 / 100.0;
            let t = Thresholds { answer, margin, suggest: 1.0, suggest_ratio: SUGGEST_RATIO };
            let (loo_right, loo_wrong) = count(&loo, &t);
            if loo_wrong > LOO_WRONG_BUDGET {
                continue;
            }
            let (right, wrong) = count(objective_set, &t);
            if wrong > wrong_budget {
                continue;
            }
            let off_answered = outside.iter().filter(|s| answered(s, &t)).count();
            if off_answered > off_allowed {
                continue;
            }
            for g in 20..=80 {
                let t = Thresholds { suggest: g as f32 / 100.0, ..t };
                let off = outside.iter().filter(|s| answered(s, &t) || s.first >= t.suggest).count();
                if off > off_allowed {
                    continue;
                }
                let resolved = figures(objective_set, &t).resolved / 100.0;
                let value = right + RESOLVED_WEIGHT * resolved + LOO_WEIGHT * loo_right;
                if best.as_ref().is_none_or(|(v, _)| value > *v + 1e-9) {
                    best = Some((value, t));
                }
                // Higher suggest thresholds only lose resolved questions.
                break;
            }
        }
    }
    let thresholds = best.map_or_else(Thresholds::default, |(_, t)| t);
    let l = figures(&loo, &thresholds);
    let off_answered = outside.iter().filter(|s| answered(s, &thresholds) || s.first >= thresholds.suggest).count();
    Calibration {
        thresholds,
        in_scope_samples: loo.len(),
        top1: l.top1,
        off_topic_samples: outside.len(),
        direct: l.direct,
        resolved: l.resolved,
        wrong: l.wrong,
        off_topic_answered: 100.0 * off_answered as f64 / outside.len().max(1) as f64,
        realistic: (!real.is_empty()).then(|| figures(&real, &thresholds)),
    }
}

/// Prints a calibration in English.
///
/// # Errors
/// Write errors.
pub fn print(c: &Calibration, out: &mut dyn Write) -> std::io::Result<()> {
    let t = &c.thresholds;
    writeln!(out, "calibration: {} left-out variants, {} off-topic messages", c.in_scope_samples, c.off_topic_samples)?;
    writeln!(
        out,
        "thresholds: answer >= {:.2} with margin >= {:.2}; suggest >= {:.2} (and >= {:.0}% of best)",
        t.answer,
        t.margin,
        t.suggest,
        t.suggest_ratio * 100.0
    )?;
    writeln!(
        out,
        "left-out variants: top-1 {:.1}%, direct {:.1}%, resolved {:.1}%, wrong {:.1}%; off-topic answered or suggested {:.1}%",
        c.top1, c.direct, c.resolved, c.wrong, c.off_topic_answered
    )?;
    if let Some(r) = &c.realistic {
        writeln!(
            out,
            "realistic questions ({}): top-1 {:.1}%, direct {:.1}%, resolved {:.1}%, wrong {:.1}%",
            r.samples, r.top1, r.direct, r.resolved, r.wrong
        )?;
    }
    Ok(())
}

/// Writes `calibration/thresholds.toml` under a content directory.
///
/// # Errors
/// I/O errors.
pub fn write_thresholds(dir: &Path, c: &Calibration) -> anyhow::Result<()> {
    let path = dir.join("calibration").join("thresholds.toml");
    let t = &c.thresholds;
    let body = format!(
        "answer = {:.3}\nmargin = {:.3}\nsuggest = {:.3}\nsuggest_ratio = {:.3}\n",
        t.answer, t.margin, t.suggest, t.suggest_ratio
    );
    let realistic = c.realistic.map_or_else(String::new, |r| {
        format!(
            "# {} realistic questions: direct {:.1}%, resolved {:.1}%, wrong {:.1}%.\n",
            r.samples, r.direct, r.resolved, r.wrong
        )
    });
    let text = format!(
        "# Written by the calibration routine (src/faq/calibrate.rs); do not edit by hand.\n\
         {realistic}# {} left-out variants: direct {:.1}%, resolved {:.1}%, wrong {:.1}%.\n\
         # {} off-topic messages: {:.1}% answered or suggested.\n{body}",
        c.in_scope_samples, c.direct, c.resolved, c.wrong, c.off_topic_samples, c.off_topic_answered
    );
    std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))
}

/// A left-out variant whose best entry is another one: `(expected id, variant, best id)`.
/// Useful to content writers: two entries that steal each other's variants overlap.
#[must_use]
pub fn confusions(index: &FaqIndex) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for (e, entry) in index.content().entries.iter().enumerate() {
        for (variant, text) in index.variant_texts(e as u32) {
            let question = &entry.variants[variant];
            let Some(scores) = index.scores(question, Some(text)) else {
                continue;
            };
            if let Some(best) = scores.ranked.first()
                && best.entry != e as u32
            {
                out.push((entry.id.clone(), question.clone(), index.entry_at(best.entry).id.clone()));
            }
        }
    }
    out
}
