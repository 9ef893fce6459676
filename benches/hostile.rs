//! Matcher cost on hostile input: the worst messages a user can send within Telegram's 4,096 characters.
//!
//! Contract (issue 9): each case <= 1 ms on the shipped FAQ. The matcher reads at most
//! `MAX_QUESTION_CHARS` characters and `MAX_QUESTION_WORDS` words, and never builds a typo neighbourhood for a word
//! longer than any it could be a typo of. Run: `cargo bench --bench hostile`.

use std::{hint::black_box, path::Path};

use criterion::{Criterion, criterion_group, criterion_main};

use accelerateur::faq::{FaqContent, FaqIndex};

#[path = "support/rng.rs"]
mod rng;
use rng::Rng;

/// A deterministic pseudo-random letter, Latin and Cyrillic mixed.
fn letter(rng: &mut Rng) -> char {
    const LETTERS: &[char] = &['a', 'e', 'i', 'o', 'u', 'r', 's', 't', 'n', 'l', 'é', 'è', 'ç', 'д', 'ж', 'я'];
    LETTERS[rng.below(LETTERS.len())]
}

fn word(rng: &mut Rng, len: usize) -> String {
    (0..len).map(|_| letter(rng)).collect()
}

fn cases() -> Vec<(&'static str, String)> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let one_word = "é".repeat(4096);
    let four_words = (0..4).map(|_| word(&mut rng, 1023)).collect::<Vec<_>>().join(" ");
    let random_words = (0..100).map(|i| word(&mut rng, 4 + (i % 12))).collect::<Vec<_>>().join(" ");
    let digits = "9".repeat(4096);
    let mixed = "pаypаl".repeat(682); // Latin and Cyrillic 'а' mixed, 4,092 characters, one word
    vec![
        ("one 4,096-character word", one_word),
        ("four 1,023-letter words", four_words),
        ("100 random words", random_words),
        ("4,096 digits", digits),
        ("mixed-script word", mixed),
    ]
}

fn bench(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("faq");
    let content = FaqContent::load_dir(&dir).unwrap_or_else(|e| panic!("{e}"));
    let index = FaqIndex::build(&content);
    let mut group = c.benchmark_group("hostile");
    for (name, text) in cases() {
        group.bench_function(name, |b| b.iter(|| black_box(index.ask(black_box(&text)))));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
