//! Matcher speed: index build and one question on the shipped FAQ, and one question on a
//! synthetic 10,000-entry FAQ (generated here, deterministic).
//!
//! Targets (contract): match <= 50 µs on the shipped FAQ, <= 1 ms on 10,000 entries; build
//! <= 50 ms on the shipped FAQ. Run: `cargo bench --bench matcher`.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};

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

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

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
    c.bench_function("build index (shipped FAQ)", |b| {
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
