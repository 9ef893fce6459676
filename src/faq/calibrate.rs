//! Calibration of the matcher's [`Thresholds`] on the content itself, so the dev set stays a fair
//! check.
//!
//! Method:
//! 1. *In scope, leave-one-variant-out*: every variant of every entry is asked against the index
//!    with that variant left out (its postings are skipped and words found only in it count as
//!    unknown, so typo correction applies; IDF is kept, a small leak), and its
//!    best and second-best scores are recorded with whether the best entry is the right one.
//! 2. *Out of scope*: every line of `faq/calibration/hors-sujet.txt` (off-topic messages written
//!    for this purpose, not taken from any evaluation set) is scored the same way; smalltalk and
//!    empty messages count as not answered.
//! 3. `suggest` is the lowest score such that at most [`OFF_TOPIC_BUDGET`] of off-topic messages
//!    reach it (they would get suggestions); `answer` (never below `suggest`) and `margin` are then
//!    chosen on a grid to maximise direct answers minus [`WRONG_COST`] × wrong answers, subject
//!    to at most [`WRONG_BUDGET`] wrong answers among the left-out variants.
//!
//! The routine prints the chosen thresholds and the figures behind them; [`write_thresholds`]
//! stores them in `faq/calibration/thresholds.toml`, which [`FaqContent::load_dir`] reads.
//!
//! [`FaqContent::load_dir`]: crate::faq::content::FaqContent::load_dir

use std::io::Write;
use std::path::Path;

use anyhow::Context;

use crate::faq::index::FaqIndex;
use crate::faq::matcher::{Scores, Thresholds};

/// Largest share of off-topic messages allowed to get suggestions or an answer.
pub const OFF_TOPIC_BUDGET: f64 = 0.05;
/// Largest share of left-out variants allowed to get a wrong direct answer.
pub const WRONG_BUDGET: f64 = 0.03;
/// How many right answers a wrong answer costs.
pub const WRONG_COST: f64 = 2.0;
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

/// Measures the content and chooses thresholds.
#[must_use]
pub fn calibrate(index: &FaqIndex, off_topic: &[String]) -> Calibration {
    let mut inside = Vec::new();
    for (e, entry) in index.content().entries.iter().enumerate() {
        for (variant, text) in index.variant_texts(e as u32) {
            inside.push(sample(index, &entry.variants[variant], Some(e as u32), Some(text)));
        }
    }
    let outside: Vec<Sample> = off_topic.iter().map(|q| sample(index, q, None, None)).collect();

    // 1. suggest: the off-topic budget decides.
    let mut off_scores: Vec<f32> = outside.iter().map(|s| s.first).collect();
    off_scores.sort_by(|a, b| b.total_cmp(a));
    let allowed = (OFF_TOPIC_BUDGET * outside.len() as f64).floor() as usize;
    let suggest = off_scores.get(allowed).map_or(0.2, |s| s + 0.005).max(0.05);

    // 2. answer and margin on a grid.
    let n = inside.len().max(1) as f64;
    let mut best: Option<(f64, Thresholds)> = None;
    for a in 0..=100 {
        let answer = a as f32 / 100.0;
        if answer < suggest {
            continue;
        }
        for m in 0..=30 {
            let margin = m as f32 / 100.0;
            let (mut right, mut wrong) = (0usize, 0usize);
            for s in &inside {
                if s.first >= answer && s.first - s.second >= margin {
                    if s.right == Some(true) { right += 1 } else { wrong += 1 }
                }
            }
            if wrong as f64 / n > WRONG_BUDGET {
                continue;
            }
            let value = right as f64 - WRONG_COST * wrong as f64;
            if best.as_ref().is_none_or(|(v, _)| value > *v) {
                best = Some((value, Thresholds { answer, margin, suggest, suggest_ratio: SUGGEST_RATIO }));
            }
        }
    }
    let thresholds = best.map_or_else(Thresholds::default, |(_, t)| t);
    let (mut direct, mut resolved, mut wrong) = (0, 0, 0);
    for s in &inside {
        let answered = s.first >= thresholds.answer && s.first - s.second >= thresholds.margin;
        match (answered, s.right) {
            (true, Some(true)) => direct += 1,
            (true, _) => wrong += 1,
            _ => {}
        }
        let shown = if answered {
            s.right == Some(true)
        } else {
            s.first >= thresholds.suggest
                && s.expected_score.is_some_and(|x| x >= thresholds.suggest && x >= s.first * thresholds.suggest_ratio)
        };
        if shown {
            resolved += 1;
        }
    }
    let top1 = inside.iter().filter(|s| s.right == Some(true)).count();
    let off_answered = outside.iter().filter(|s| s.first >= thresholds.suggest).count();
    Calibration {
        thresholds,
        in_scope_samples: inside.len(),
        top1: 100.0 * top1 as f64 / n,
        off_topic_samples: outside.len(),
        direct: 100.0 * direct as f64 / n,
        resolved: 100.0 * resolved as f64 / n,
        wrong: 100.0 * wrong as f64 / n,
        off_topic_answered: 100.0 * off_answered as f64 / outside.len().max(1) as f64,
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
    )
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
    let text = format!(
        "# Written by the calibration routine (src/faq/calibrate.rs); do not edit by hand.\n\
         # {} left-out variants: direct {:.1}%, resolved {:.1}%, wrong {:.1}%.\n\
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
