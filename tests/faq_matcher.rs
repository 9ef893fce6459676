//! The matcher on the shipped content: validation, calibration and the dev-set targets.
//!
//! `ACCEL_WRITE_CALIBRATION=1 cargo test --release --test faq_matcher calibration -- --nocapture`
//! re-calibrates and writes `faq/calibration/thresholds.toml`.

use std::path::{Path, PathBuf};

use accelerateur::faq::calibrate::{CalibrationOptions, calibrate, cross_validate};
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
/// see it. Absent on a lone clone (or a CI checkout placed elsewhere): the dev-set checks are then skipped with a
/// note; the cross-validated calibration checks above do not depend on it.
fn dev_set() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/eval/dev-questions.tsv")
}

fn dev_report() -> Option<(accelerateur::faq::EvalReport, String)> {
    let path = dev_set();
    if !path.exists() {
        println!("note: {} absent, dev-set evaluation skipped", path.display());
        return None;
    }
    let mut out = Vec::new();
    let report = commands::eval(&index(), &path, &mut out).unwrap();
    Some((report, String::from_utf8_lossy(&out).into_owned()))
}

/// The labelled messages of every writing round (`faq/calibration/questions-round*.tsv`).
fn round_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(faq_dir().join("calibration"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("questions-round")))
        .collect();
    files.sort();
    files
}

/// Floors on the labelled calibration messages (in-sample for the decision: an optimistic
/// figure; the intent model has seen them too).
#[test]
fn calibration_questions_do_not_regress() {
    use accelerateur::faq::eval::{evaluate, read_cases};
    let index = index();
    let cases: Vec<_> = round_files().iter().flat_map(|f| read_cases(f).unwrap()).collect();
    let report = evaluate(&index, &cases);
    let text = format!("{report:?}");
    assert!(report.in_scope > 1700, "{text}");
    assert!(report.direct >= 89.0, "{text}");
    assert!(report.resolved >= 96.0, "{text}");
    assert!(report.wrong <= 2.5, "{text}");
    // The `-` lines are near-domain traps; the 4% budget is over them and `hors-sujet.txt`
    // together.
    assert!(report.out_of_scope_answered <= 7.0, "{text}");
}

/// The whole calibration procedure, judged out of sample (leave-one-round-out over the labelled
/// messages, intent model and decision refitted without the held-out round). The honest forecast.
#[test]
fn cross_validated_calibration_does_not_regress() {
    let cv = cross_validate(&index(), &CalibrationOptions::default());
    let r = cv.realistic;
    let text = format!("{cv:?}");
    // 90.6 / 97.4 / 0.7, off-topic 3.6% answered and 18.9% shown when written (six rounds;
    // lexical view alone: 78.9 / 91.5 / 1.4, 4.3%). The floors are issue 17's targets.
    assert!(r.samples > 1700, "{text}");
    assert!(r.direct >= 90.0, "{text}");
    assert!(r.resolved >= 97.0, "{text}");
    assert!(r.wrong <= 2.0, "{text}");
    assert!(cv.off_topic_answered <= 5.0, "{text}");
    assert!(cv.off_topic_shown <= 25.0, "{text}");
}

/// Cross-validated figures of each component: the lexical view alone, the intent model as first
/// shipped, then each change since (phonetic n-grams, lower suggestion ratios, a fixed intent
/// weight, the off-topic budget) and the alternatives measured against the shipped setting.
/// `cargo test --release --test faq_matcher component_table -- --ignored --nocapture`
#[test]
#[ignore = "slow; run by hand when measuring"]
fn component_table() {
    use accelerateur::faq::calibrate::print_cross_validation;
    use accelerateur::faq::intent::IntentParams;
    let index = index();
    // The settings of the first shipped intent model (before round 5): intent weight chosen
    // among 0, 0.5, 1 and 2, suggestions from 40% of the best score, no phonetic n-grams,
    // off-topic budget 3%.
    let first = CalibrationOptions {
        intent: Some(IntentParams { phonetic_grams: false, ..IntentParams::default() }),
        intent_weights: vec![0.0, 0.5, 1.0, 2.0],
        suggest_ratios: vec![0.4, 0.5, 0.6],
        off_topic_answer_budget: 0.03,
        ..CalibrationOptions::default()
    };
    let with_grams = CalibrationOptions { intent: Some(IntentParams::default()), ..first.clone() };
    let low_ratios =
        CalibrationOptions { suggest_ratios: CalibrationOptions::default().suggest_ratios, ..with_grams.clone() };
    let fixed_weight = CalibrationOptions { intent_weights: vec![0.5], ..low_ratios.clone() };
    let shipped = CalibrationOptions::default();
    let settings = [
        (
            "lexical only, budgets 4% off-topic / 2.5% wrong (before issue 17)",
            CalibrationOptions { intent: None, off_topic_answer_budget: 0.04, wrong_budget: 0.025, ..first.clone() },
        ),
        ("lexical + intent as first shipped", first.clone()),
        (
            "first shipped + phonetic keys",
            CalibrationOptions {
                intent: Some(IntentParams { phonetic: true, phonetic_grams: false, ..IntentParams::default() }),
                ..first.clone()
            },
        ),
        ("first shipped + phonetic n-grams", with_grams),
        ("+ suggestions down to 20% of the best score", low_ratios),
        ("+ intent weight fixed at 0.5", fixed_weight.clone()),
        ("+ off-topic budget 3.5% (shipped)", shipped.clone()),
        ("lexical only, shipped decision settings", CalibrationOptions { intent: None, ..shipped.clone() }),
        (
            "shipped, 15 epochs",
            CalibrationOptions {
                intent: Some(IntentParams { epochs: 15, ..IntentParams::default() }),
                ..shipped.clone()
            },
        ),
        (
            "shipped, calibration messages weigh 3",
            CalibrationOptions {
                intent: Some(IntentParams { message_weight: 3.0, ..IntentParams::default() }),
                ..shipped.clone()
            },
        ),
        ("shipped, off-topic budget 4%", CalibrationOptions { off_topic_answer_budget: 0.04, ..shipped.clone() }),
        (
            "shipped, 30% of off-topic messages may get suggestions",
            CalibrationOptions { off_topic_shown_budget: 0.3, ..shipped.clone() },
        ),
        (
            "shipped without phonetic n-grams",
            CalibrationOptions {
                intent: Some(IntentParams { phonetic_grams: false, ..IntentParams::default() }),
                ..shipped.clone()
            },
        ),
        (
            "shipped with phonetic keys instead of n-grams",
            CalibrationOptions {
                intent: Some(IntentParams { phonetic: true, phonetic_grams: false, ..IntentParams::default() }),
                ..shipped.clone()
            },
        ),
        (
            "shipped, a feature gets a row when 3 training examples have it",
            CalibrationOptions {
                intent: Some(IntentParams { min_examples_per_feature: 3, ..IntentParams::default() }),
                ..shipped.clone()
            },
        ),
        (
            "shipped with phonetic keys and n-grams",
            CalibrationOptions { intent: Some(IntentParams { phonetic: true, ..IntentParams::default() }), ..shipped },
        ),
    ];
    // COMPONENTS=0,2 runs only those settings (one cross-validation takes a minute or two).
    let chosen: Option<Vec<usize>> =
        std::env::var("COMPONENTS").ok().map(|v| v.split(',').filter_map(|x| x.trim().parse().ok()).collect());
    for (i, (name, options)) in settings.into_iter().enumerate() {
        if chosen.as_ref().is_some_and(|c| !c.contains(&i)) {
            continue;
        }
        let start = std::time::Instant::now();
        let cv = cross_validate(&index, &options);
        let mut out = Vec::new();
        print_cross_validation(&cv, &mut out).unwrap();
        println!("== {name} ({:.1} s)\n{}", start.elapsed().as_secs_f64(), String::from_utf8_lossy(&out));
    }
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

/// Sweeps the scoring parameters; each setting is calibrated on the content and judged on the
/// calibration figures (LOO direct at the wrong-answer budget). The dev set is not read.
/// `cargo test --release --test faq_matcher sweep -- --ignored --nocapture`
#[test]
#[ignore = "slow; run by hand when tuning"]
fn scoring_parameter_sweep() {
    use accelerateur::faq::index::ScoringParams;
    let content = FaqContent::load_dir(&faq_dir()).unwrap();
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
        let c = calibrate(&index, &CalibrationOptions::default());
        println!(
            "coverage {} evidence {} cap {} variant weight {}: LOO top1 {:.1} direct {:.1} resolved {:.1} wrong {:.1} off-topic {:.1}",
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
/// (labelled rounds, leave-one-out, off-topic file). The dev set is not read.
/// `cargo test --release --test faq_matcher objective_sweep -- --ignored --nocapture`
#[test]
#[ignore = "slow; run by hand when tuning"]
fn objective_sweep() {
    use accelerateur::faq::index::ScoringParams;
    let content = FaqContent::load_dir(&faq_dir()).unwrap();
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
        let c = calibrate(&index, &CalibrationOptions::default());
        let r = c.realistic.unwrap_or_default();
        println!(
            "ownership {} full {} cov {}: real top1 {:.1} {:.1}/{:.1}/{:.1} loo {:.1} off {:.1}/{:.1}",
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

/// One word that several entries use alike names a subject, not a question: suggestions, never a
/// guessed answer; a word that is nearly a question of its own is answered.
#[test]
fn one_shared_word_gets_suggestions_not_a_guess() {
    let index = index();
    for subject in ["livraison ?", "prix ?", "colis ?", "webinaire ?", "marketplace ?"] {
        let outcome = index.ask(subject).outcome;
        assert_eq!(outcome.kind(), "suggest", "{subject}: {outcome:?}");
        assert!(outcome.shown().len() >= 2, "{subject}: {outcome:?}");
    }
    for (word, id) in [
        ("siret ?", "siret"),
        ("cookies", "cookies-rgpd"),
        ("logo", "logo"),
        ("Qu'est-ce qu'une marketplace ?", "marketplace-definition"),
    ] {
        let outcome = index.ask(word).outcome;
        assert_eq!(outcome.kind(), "answer", "{word}: {outcome:?}");
        assert_eq!(outcome.shown()[0].id, id, "{word}: {outcome:?}");
    }
}

/// The intent model alone, leave-one-round-out: top-1 and top-3 on the held-out round's in-scope
/// messages for a few training settings (trained without the round, its share of the variants
/// and of the off-topic lines, as in calibration).
/// `cargo test --release --test faq_matcher intent_sweep -- --ignored --nocapture`
#[test]
#[ignore = "slow; run by hand when tuning"]
fn intent_sweep() {
    use accelerateur::faq::intent::{IntentModel, IntentParams, examples};
    let content = FaqContent::load_dir(&faq_dir()).unwrap();
    let classes = content.entries.len() + 1;
    let groups = content.calibration.iter().map(|m| m.group + 1).max().unwrap();
    let mut settings = Vec::new();
    for epochs in [5, 10] {
        for learning_rate in [2.0, 4.0, 8.0] {
            for l2 in [1e-6, 1e-7] {
                settings.push(IntentParams {
                    epochs,
                    learning_rate,
                    l2,
                    message_weight: 2.0,
                    ..IntentParams::default()
                });
            }
        }
    }
    settings.push(IntentParams { phonetic: true, ..IntentParams::default() });
    for params in settings {
        let all = examples(&content, &params);
        let start = std::time::Instant::now();
        let (mut n, mut top1, mut top3, mut n4, mut top1_4) = (0, 0, 0, 0, 0);
        for k in 0..groups {
            let training: Vec<_> = all.iter().filter(|x| x.group != Some(k)).map(|x| x.example.clone()).collect();
            let model = IntentModel::train(&content.lexicon, classes, &training, &params);
            for m in content.calibration.iter().filter(|m| m.group == k) {
                let Some(e) = m.expected.as_ref().and_then(|id| content.entries.iter().position(|x| &x.id == id))
                else {
                    continue;
                };
                let p = model.probabilities(&m.text, &content.lexicon);
                let mut order: Vec<usize> = (0..classes).collect();
                order.sort_by(|&a, &b| p[b].total_cmp(&p[a]));
                n += 1;
                top1 += usize::from(order[0] == e);
                top3 += usize::from(order[..3].contains(&e));
                if k + 1 == groups {
                    n4 += 1;
                    top1_4 += usize::from(order[0] == e);
                }
            }
        }
        println!(
            "{params:?}: top-1 {:.1}%, top-3 {:.1}%, last round top-1 {:.1}% ({:.2} s per training)",
            100.0 * top1 as f64 / n as f64,
            100.0 * top3 as f64 / n as f64,
            100.0 * top1_4 as f64 / n4 as f64,
            start.elapsed().as_secs_f64() / groups as f64
        );
    }
}
