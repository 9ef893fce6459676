//! Matcher speed: index build, intent model training and one question on the shipped FAQ, and one
//! question on a synthetic 10,000-entry FAQ (generated here, deterministic).
//!
//! Targets (issue 17): match <= 100 µs on the shipped FAQ, <= 1 ms on 10,000 entries; intent
//! training <= 2 s on the shipped FAQ. Building an index of content already trained reuses the
//! cached intent model (what a test or an unchanged reload does). Run: `cargo bench --bench matcher`.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};

use accelerateur::faq::intent::{IntentModel, IntentParams, examples};
use accelerateur::faq::{FaqContent, FaqEntry, FaqIndex};

/// Questions typed the way merchants type them (written for the bench, not from any eval set).
const QUESTIONS: &[&str] = &[
    "cmt je fais pr vendre sur amazon ?",
    "c koi les frais de port que je dois mettre",
    "ma boutik en ligne marche pas sur portable",
    "je veu deposer mon logo a l inpi",
    "combien ca coute un site shopify",
    "bonjour, comment relancer un client qui a laissé son panier ?",
    "quel transporteur pour des colis lourds",
    "merci",
    "quelle heure il est a tokyo",
    "tva pour vendre en belgique",
];

fn shipped() -> FaqContent {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("faq");
    FaqContent::load_dir(&dir).unwrap_or_else(|e| panic!("{e}"))
}

#[path = "support/rng.rs"]
mod rng;
use rng::Rng;

/// A pronounceable vocabulary and Zipf-like word picks.
fn synthetic(entries: usize, lexicon_from: &FaqContent) -> (FaqContent, Vec<String>) {
    const SYLLABLES: &[&str] = &[
        "ba", "co", "di", "fa", "ge", "lo", "mi", "na", "po", "ra", "se", "tu", "vi", "za", "bre", "cla", "dro", "fri",
        "gli", "pla", "tra", "ven", "mon", "sur", "ter", "qui", "lan", "por",
    ];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let vocabulary: Vec<String> = (0..30_000)
        .map(|_| {
            let n = 2 + rng.below(3);
            (0..n).map(|_| SYLLABLES[rng.below(SYLLABLES.len())]).collect()
        })
        .collect();
    let word = |rng: &mut Rng| {
        // Zipf-like: squares favour the first words.
        let r = rng.below(1 << 16) as f64 / f64::from(1 << 16);
        let i = ((r * r * r) * vocabulary.len() as f64) as usize;
        vocabulary[i.min(vocabulary.len() - 1)].clone()
    };
    let sentence = |rng: &mut Rng, n: usize| -> String { (0..n).map(|_| word(rng)).collect::<Vec<_>>().join(" ") };
    let mut questions = Vec::new();
    let list: Vec<FaqEntry> = (0..entries)
        .map(|i| {
            let question = format!("comment {} ?", sentence(&mut rng, 6));
            if i % (entries / 20).max(1) == 0 {
                questions.push(question.replace("co", "ko"));
            }
            FaqEntry {
                id: format!("entree-{i}"),
                chapter: "boutique".to_owned(),
                question,
                variants: (0..8).map(|_| sentence(&mut rng, 7)).collect(),
                keywords: (0..4).map(|_| word(&mut rng)).collect(),
                answer: sentence(&mut rng, 60),
                modules: vec![],
                sources: vec![],
                reviewed: None,
            }
        })
        .collect();
    let content = FaqContent::from_parts(list, lexicon_from.lexicon.clone(), lexicon_from.thresholds.clone());
    (content, questions)
}

fn bench(c: &mut Criterion) {
    let content = shipped();
    let params = IntentParams::default();
    let training: Vec<_> = examples(&content, &params).into_iter().map(|g| g.example).collect();
    let mut slow = c.benchmark_group("slow");
    slow.sample_size(10);
    slow.bench_function("train the intent model (shipped FAQ)", |b| {
        b.iter(|| IntentModel::train(&content.lexicon, content.entries.len() + 1, black_box(&training), &params));
    });
    slow.finish();
    c.bench_function("build index, intent model cached (shipped FAQ)", |b| {
        b.iter(|| FaqIndex::build(black_box(&content)));
    });
    let index = FaqIndex::build(&content);
    let mut i = 0;
    c.bench_function("ask (shipped FAQ)", |b| {
        b.iter(|| {
            i = (i + 1) % QUESTIONS.len();
            index.ask(black_box(QUESTIONS[i]))
        });
    });

    let (big, questions) = synthetic(10_000, &content);
    let big_index = FaqIndex::build(&big);
    let mut j = 0;
    c.bench_function("ask (synthetic 10,000 entries)", |b| {
        b.iter(|| {
            j = (j + 1) % questions.len();
            big_index.ask(black_box(&questions[j]))
        });
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(std::time::Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
