//! The matcher on the shipped content: validation, calibration and the dev-set targets.
//!
//! `ACCEL_WRITE_CALIBRATION=1 cargo test --release --test faq_matcher calibration -- --nocapture`
//! re-calibrates and writes `faq/calibration/thresholds.toml`.

use std::path::{Path, PathBuf};

use accelerateur::faq::calibrate::{calibrate, read_off_topic};
use accelerateur::faq::commands;
use accelerateur::faq::{FaqContent, FaqIndex};

fn faq_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("faq")
}

fn index() -> FaqIndex {
    let content = FaqContent::load_dir(&faq_dir()).unwrap_or_else(|e| panic!("{e}"));
    FaqIndex::build(&content)
}

#[test]
fn the_shipped_content_passes_check() {
    let mut out = Vec::new();
    let ok = commands::check(&faq_dir(), false, jiff::civil::date(2026, 12, 3), &mut out).unwrap();
    assert!(ok, "{}", String::from_utf8_lossy(&out));
}

#[test]
fn ask_json_lines_prints_one_object_per_question() {
    let index = index();
    let mut input: &[u8] = b"cmt choisir un nom de domaine pr mon site ?\n\nmerci !\n";
    let mut out = Vec::new();
    commands::ask_json_lines(&index, &mut input, &mut out).unwrap();
    let lines: Vec<serde_json::Value> =
        String::from_utf8(out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["outcome"], "answer");
    assert_eq!(lines[0]["id"], "nom-domaine");
    assert_eq!(lines[0]["candidates"][0]["id"], "nom-domaine");
    assert_eq!(lines[1]["outcome"], "smalltalk");
    assert!(lines[1]["id"].is_null());
    assert_eq!(lines[1]["candidates"].as_array().map(Vec::len), Some(0));
}

#[test]
fn calibration_prints_the_chosen_thresholds() {
    let write = std::env::var_os("ACCEL_WRITE_CALIBRATION").is_some();
    let mut out = Vec::new();
    let c = commands::calibrate(&index(), &faq_dir(), write, false, &mut out).unwrap();
    println!("{}", String::from_utf8_lossy(&out));
    assert!(c.off_topic_answered <= 5.0);
    assert!(c.wrong <= 3.0);
}

/// The held-out development set, kept beside the repository (`../shared/eval/`) so that content writers never
/// see it. Absent on a lone clone: the dev-set checks are skipped there, but never in CI (`CI` set).
fn dev_set() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/eval/dev-questions.tsv")
}

fn dev_report() -> Option<(accelerateur::faq::EvalReport, String)> {
    let path = dev_set();
    if !path.exists() {
        assert!(std::env::var_os("CI").is_none(), "{} is missing: CI must evaluate the dev set", path.display());
        println!("note: {} absent, dev-set evaluation skipped", path.display());
        return None;
    }
    let mut out = Vec::new();
    let report = commands::eval(&index(), &path, &mut out).unwrap();
    Some((report, String::from_utf8_lossy(&out).into_owned()))
}

/// Floors on the calibration questions (in-sample for the thresholds: an optimistic figure).
#[test]
fn calibration_questions_do_not_regress() {
    let mut out = Vec::new();
    let report = commands::eval(&index(), &faq_dir().join("calibration/questions.tsv"), &mut out).unwrap();
    let text = String::from_utf8_lossy(&out);
    println!("{text}");
    assert!(report.direct >= 89.0, "{text}");
    assert!(report.resolved >= 96.0, "{text}");
    assert!(report.wrong <= 2.5, "{text}");
    // Its `-` lines are near-domain traps (6.0% answered when written); the 4% budget is over
    // them and `hors-sujet.txt` together (3.9%).
    assert!(report.out_of_scope_answered <= 7.0, "{text}");
}

/// The whole calibration procedure, judged out of sample (5-fold cross-validation over the
/// labelled and off-topic messages): 90.2 / 96.0 / 0.9, off-topic 4.3% answered when written.
#[test]
fn cross_validated_calibration_does_not_regress() {
    use accelerateur::faq::calibrate::cross_validate;
    use accelerateur::faq::eval::read_cases;
    let off_topic = read_off_topic(&faq_dir().join("calibration/hors-sujet.txt")).unwrap();
    let realistic = read_cases(&faq_dir().join("calibration/questions.tsv")).unwrap();
    let (r, answered, shown) = cross_validate(&index(), &off_topic, &realistic, 5);
    let text = format!("{r:?}, off-topic answered {answered:.1}%, shown {shown:.1}%");
    assert!(r.samples > 600, "{text}");
    assert!(r.direct >= 88.0, "{text}");
    assert!(r.resolved >= 95.0, "{text}");
    assert!(r.wrong <= 2.0, "{text}");
    assert!(answered <= 5.0, "{text}");
    assert!(shown <= 25.0, "{text}");
}

/// Issue 3's acceptance: the dev set meets the targets (direct >= 90%, resolved >= 97%, wrong
/// <= 3%, out-of-scope answered <= 5%). Nothing was tuned on it: it is the check of a decision
/// fitted on `faq/calibration/` (90.6 / 97.9 / 1.0 / 5.0 when written; the off-topic figure is at
/// its limit, one message in twenty).
#[test]
fn dev_set_targets_are_met() {
    let Some((report, text)) = dev_report() else {
        return;
    };
    println!("{text}");
    assert!(report.meets_targets(), "{text}");
}

/// Sweeps the scoring parameters; each setting is calibrated on the content (leave-one-variant-out
/// and the off-topic file) and judged on those figures (LOO direct at the wrong-answer budget).
/// Dev figures are printed for information only.
/// `cargo test --release --test faq_matcher sweep -- --ignored --nocapture`
#[test]
#[ignore = "slow; run by hand when tuning"]
fn scoring_parameter_sweep() {
    use accelerateur::faq::eval::{evaluate, read_cases};
    use accelerateur::faq::index::ScoringParams;
    let mut content = FaqContent::load_dir(&faq_dir()).unwrap();
    let off_topic = read_off_topic(&faq_dir().join("calibration/hors-sujet.txt")).unwrap();
    let dev = read_cases(&dev_set()).ok();
    let mut settings = Vec::new();
    for coverage_share in [0.5, 0.6, 0.7] {
        for evidence_full in [5.0, 8.0] {
            for coverage_cap in [12.0, 16.0, f32::INFINITY] {
                for variant_weight in [0.5, 0.6, 0.9] {
                    settings.push(ScoringParams {
                        coverage_share,
                        evidence_full,
                        coverage_cap,
                        field_weights: [1.0, variant_weight, 1.0, 0.35],
                        ..ScoringParams::default()
                    });
                }
            }
        }
    }
    for params in settings {
        let index = FaqIndex::build_with(&content, params);
        let c = calibrate(&index, &off_topic);
        content.thresholds = c.thresholds;
        let index = FaqIndex::build_with(&content, params);
        let d = dev.as_ref().map_or("-".to_owned(), |cases| {
            let d = evaluate(&index, cases);
            format!(
                "direct {:.1} resolved {:.1} wrong {:.1} oos {:.1}",
                d.direct, d.resolved, d.wrong, d.out_of_scope_answered
            )
        });
        println!(
            "coverage {} evidence {} cap {} variant weight {}: LOO top1 {:.1} direct {:.1} resolved {:.1} wrong {:.1} off-topic {:.1} | dev {d}",
            params.coverage_share,
            params.evidence_full,
            params.coverage_cap,
            params.field_weights[1],
            c.top1,
            c.direct,
            c.resolved,
            c.wrong,
            c.off_topic_answered
        );
    }
}

/// Sweeps the scoring parameters judged by the calibration objective on the calibration data
/// (`faq/calibration/questions.tsv`, leave-one-out, off-topic file); dev figures for information.
/// `cargo test --release --test faq_matcher objective_sweep -- --ignored --nocapture`
#[test]
#[ignore = "slow; run by hand when tuning"]
fn objective_sweep() {
    use accelerateur::faq::calibrate::calibrate_with;
    use accelerateur::faq::eval::{evaluate, read_cases};
    use accelerateur::faq::index::ScoringParams;
    let mut content = FaqContent::load_dir(&faq_dir()).unwrap();
    let off_topic = read_off_topic(&faq_dir().join("calibration/hors-sujet.txt")).unwrap();
    let realistic = read_cases(&faq_dir().join("calibration/questions.tsv")).unwrap();
    let dev = read_cases(&dev_set()).ok();
    let mut settings = Vec::new();
    for ownership_floor in [1.0, 0.6, 0.4, 0.2] {
        for ownership_full in [0.1, 0.2, 0.35] {
            for coverage_share in [0.6, 0.7] {
                settings.push(ScoringParams {
                    ownership_floor,
                    ownership_full,
                    coverage_share,
                    ..ScoringParams::default()
                });
            }
        }
    }
    for params in settings {
        let index = FaqIndex::build_with(&content, params);
        let c = calibrate_with(&index, &off_topic, &realistic);
        content.thresholds = c.thresholds;
        let index = FaqIndex::build_with(&content, params);
        let d = dev.as_ref().map_or("-".to_owned(), |cases| {
            let d = evaluate(&index, cases);
            format!("{:.1}/{:.1}/{:.1}/{:.1}", d.direct, d.resolved, d.wrong, d.out_of_scope_answered)
        });
        let r = c.realistic.unwrap_or_default();
        println!(
            "ownership {} full {} cov {}: real top1 {:.1} {:.1}/{:.1}/{:.1} loo {:.1} off {:.1}/{:.1} | dev {d}",
            params.ownership_floor,
            params.ownership_full,
            params.coverage_share,
            r.top1,
            r.direct,
            r.resolved,
            r.wrong,
            c.direct,
            c.off_topic_answered,
            c.off_topic_shown
        );
    }
}

/// Lists left-out variants that land on another entry (content overlap report).
/// `cargo test --release --test faq_matcher confusions -- --ignored --nocapture`
#[test]
#[ignore = "report for content writers"]
fn confusions_between_entries() {
    for (expected, variant, got) in accelerateur::faq::calibrate::confusions(&index()) {
        println!("{expected} -> {got}: {variant}");
    }
}

/// The examples of the brief, on the shipped content.
#[test]
fn the_briefs_examples_are_understood() {
    use accelerateur::faq::{Outcome, SmalltalkKind};
    let index = index();
    let shown = |q: &str| index.ask(q).outcome.shown().iter().map(|c| c.id.clone()).collect::<Vec<_>>();
    assert!(shown("cmt ouvrir une boutik en ligne").contains(&"creer-site".to_owned()));
    assert_eq!(shown("frais de port offerts ?"), ["frais-livraison"]);
    assert_eq!(index.ask("bonjour").outcome, Outcome::Smalltalk(SmalltalkKind::Greeting));
    assert_ne!(index.ask("bonjour, cmt ouvrir une boutik ?").outcome.kind(), "smalltalk");
    assert_eq!(index.ask("??!").outcome, Outcome::Empty);
}
