//! Bodies of the `accelerateur faq` subcommands (`check`, `ask`, `eval`); the clap wiring lives
//! with the CLI. Output is English, for operators.

use std::io::{BufRead, Write};
use std::path::Path;

use serde_json::json;

use crate::faq::check::{CheckReport, check_dir_at};
use crate::faq::eval::{EvalReport, evaluate, read_cases};
use crate::faq::index::FaqIndex;
use crate::faq::matcher::{Candidate, Match, Outcome};

/// `faq check [--strict] DIR`: prints every problem, every review warning (stale dates measured on
/// `today`) and a summary line; returns whether the content passes (no problem, and with `strict`
/// no warning either).
///
/// # Errors
/// Write errors.
pub fn check(dir: &Path, strict: bool, today: jiff::civil::Date, out: &mut dyn Write) -> anyhow::Result<bool> {
    let CheckReport { errors, warnings } = check_dir_at(dir, today);
    for e in &errors {
        writeln!(out, "{e}")?;
    }
    for w in &warnings {
        writeln!(out, "warning: {w}")?;
    }
    let dir = dir.display();
    let warned = warnings.len();
    if !errors.is_empty() {
        writeln!(out, "{dir}: {warned} warning(s), {} problem(s) found", errors.len())?;
        Ok(false)
    } else if strict && warned > 0 {
        writeln!(out, "{dir}: {warned} warning(s), failing with --strict")?;
        Ok(false)
    } else {
        writeln!(out, "{dir}: content is valid, {warned} warning(s)")?;
        Ok(true)
    }
}

fn candidates(cs: &[Candidate]) -> String {
    cs.iter().map(|c| format!("{} ({:.2})", c.id, c.score)).collect::<Vec<_>>().join(", ")
}

fn describe(m: &Match) -> String {
    let best = m.best.as_ref().map_or_else(|| "no candidate".to_owned(), |c| format!("best {} ({:.2})", c.id, c.score));
    match &m.outcome {
        Outcome::Answer(c) => format!("answer {} (score {:.2})", c.id, c.score),
        Outcome::Suggest(cs) => format!("suggest {}", candidates(cs)),
        Outcome::Fallback => format!("fallback: not sure ({best})"),
        Outcome::Empty => "fallback: nothing left after normalisation".to_owned(),
        Outcome::Smalltalk(kind) => format!("smalltalk ({})", kind.as_str()),
    }
}

/// `faq ask QUESTION`: the outcome in words.
///
/// # Errors
/// Write errors.
pub fn ask(index: &FaqIndex, question: &str, out: &mut dyn Write) -> anyhow::Result<()> {
    let m = index.ask(question);
    writeln!(out, "{}", describe(&m))?;
    writeln!(out, "  terms: {}", index.explain(question))?;
    if let Some(why) = index.explain_decision(question) {
        writeln!(out, "  {why}")?;
    }
    Ok(())
}

/// The JSON object of one question (see the contract).
#[must_use]
pub fn match_json(question: &str, m: &Match) -> serde_json::Value {
    json!({
        "question": question,
        "outcome": m.outcome.kind(),
        "id": m.best.as_ref().map(|c| c.id.clone()),
        "score": m.best.as_ref().map(|c| c.score),
        "candidates": m.outcome.shown().iter().map(|c| json!({"id": c.id, "score": c.score})).collect::<Vec<_>>(),
    })
}

/// `faq ask --json`: one question per input line, one JSON object per output line.
///
/// # Errors
/// Read or write errors.
pub fn ask_json_lines(index: &FaqIndex, input: &mut dyn BufRead, out: &mut dyn Write) -> anyhow::Result<()> {
    for line in input.lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let m = index.ask(&line);
        writeln!(out, "{}", match_json(&line, &m))?;
    }
    Ok(())
}

/// `faq eval FILE`: evaluates the matcher on a `question<TAB>expected` file and prints the
/// figures and the misses.
///
/// # Errors
/// Unreadable file or write errors.
pub fn eval(index: &FaqIndex, tsv_path: &Path, out: &mut dyn Write) -> anyhow::Result<EvalReport> {
    let cases = read_cases(tsv_path)?;
    let report = evaluate(index, &cases);
    for miss in &report.misses {
        writeln!(
            out,
            "miss: {:?} expected {} got {} [{}] best {}",
            miss.question,
            miss.expected.as_deref().unwrap_or("-"),
            miss.outcome,
            candidates(&miss.shown),
            miss.best.as_ref().map_or_else(|| "-".to_owned(), |c| format!("{} ({:.2})", c.id, c.score)),
        )?;
    }
    writeln!(
        out,
        "{} questions ({} in scope, {} out of scope)",
        report.questions, report.in_scope, report.out_of_scope
    )?;
    writeln!(out, "direct accuracy:        {:5.1}% (target >= 90%)", report.direct)?;
    writeln!(out, "resolved:               {:5.1}% (target >= 97%)", report.resolved)?;
    writeln!(out, "wrong answers:          {:5.1}% of in-scope (target <= 3%)", report.wrong)?;
    writeln!(out, "out-of-scope answered:  {:5.1}% of out-of-scope (target <= 5%)", report.out_of_scope_answered)?;
    writeln!(
        out,
        "out-of-scope suggested: {:5.1}% of out-of-scope (answer or suggestions)",
        report.out_of_scope_shown
    )?;
    writeln!(out, "time per question:      {:.1} µs", report.micros_per_question)?;
    Ok(report)
}

/// `faq calibrate [--write]`: measures the content (the labelled messages of
/// `DIR/calibration/`, leave-one-variant-out), prints the chosen thresholds (and, with
/// `cross_validate`, out-of-sample figures of the procedure, one writing round held out at a time)
/// and, with `write`, stores them in `DIR/calibration/thresholds.toml` (the bot reads them at the
/// next load or reload). `index` must be built from `DIR`.
///
/// # Errors
/// Write errors.
pub fn calibrate(
    index: &FaqIndex,
    dir: &Path,
    write: bool,
    cross_validate: bool,
    out: &mut dyn Write,
) -> anyhow::Result<crate::faq::calibrate::Calibration> {
    use crate::faq::calibrate::{self, CalibrationOptions};
    let options = CalibrationOptions::default();
    let c = calibrate::calibrate(index, &options);
    calibrate::print(&c, out)?;
    if cross_validate {
        let cv = calibrate::cross_validate(index, &options);
        calibrate::print_cross_validation(&cv, out)?;
    }
    if write {
        calibrate::write_thresholds(dir, &c)?;
        writeln!(out, "written to {}", dir.join("calibration").join("thresholds.toml").display())?;
    }
    Ok(c)
}
