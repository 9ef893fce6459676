//! A supervised intent model beside the lexical index: one class per FAQ entry plus an
//! out-of-scope class, trained when the index is built.
//!
//! *Features* ([`features`]): the question is folded and its SMS abbreviations expanded like the
//! matcher's input ([`fold_words`], [`Lexicon::expand`]); then
//! - character n-grams of 2 to 5 characters inside each word padded with spaces (word-boundary
//!   aware, like scikit-learn's `char_wb`), so "boutik" shares " bou", "bout", "outi" with
//!   "boutique";
//! - word unigrams (French stems) and bigrams of consecutive content stems, plus the lexicon's
//!   synonym concepts;
//! - optionally a phonetic key per word ([`phonetic_key`]), see [`IntentParams::phonetic`], or
//!   the character n-grams of that key, see [`IntentParams::phonetic_grams`].
//!
//! Each feature is hashed (64-bit FNV-1a, then mixed) and the vector is scaled to unit length.
//! Extraction is linear in the input: at most [`MAX_WORDS`] words of at most [`MAX_WORD_CHARS`]
//! characters are read.
//!
//! *Model*: multinomial logistic regression, `P(class) = softmax(b + W x)`, over the features seen
//! in at least two training examples (a hashed feature unseen in training carries no weight, so only
//! those get a row; one seen once only fits its own example: dropping those halves the rows, and the
//! peak memory of training, with the same cross-validated figures, see README).
//! Trained by stochastic gradient descent with an L2 penalty (weights kept as `scale × V` so the
//! penalty costs O(1) per step), a learning rate decaying per epoch, and a fixed shuffle seed:
//! the same content always gives the same model.
//!
//! *Training data* ([`examples`]): each entry's question, variants and keywords (weighted
//! [`IntentParams::keyword_weight`]), and the labelled calibration messages of the content
//! directory (`faq/calibration/`): `questions-round*.tsv` lines for their entry (or out of scope
//! for `-`), `hors-sujet.txt` for the out-of-scope class.
//!
//! Training the shipped FAQ takes well under a second in a release build; the trained model is
//! shared through a small process-wide cache keyed by its raw training data and the lexicon's
//! source ([`IntentModel::cached`]),
//! so building several indexes of the same content (tests, a reload that changed nothing) trains
//! once, and any content change retrains.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Arc, Mutex};

use crate::faq::content::FaqContent;
use crate::faq::lexicon::Lexicon;
use crate::faq::normalize::{Normalizer, fold_words, is_stop_word, phonetic_key};

/// Words read from a message (the rest is ignored: extraction stays linear in the input).
pub const MAX_WORDS: usize = 100;
/// Characters read from one word.
pub const MAX_WORD_CHARS: usize = 24;
/// Above this many entries no intent model is trained (training cost grows with entries ×
/// examples); the decision then sees the lexical view only.
pub const MAX_CLASSES: usize = 2_000;

/// Default of [`IntentParams::min_examples_per_feature`].
const MIN_EXAMPLES: u32 = 2;

/// Training settings (defaults chosen by cross-validation, see [`crate::faq::calibrate`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IntentParams {
    pub epochs: usize,
    /// Initial learning rate; epoch `k` uses `learning_rate / (1 + k)`.
    pub learning_rate: f32,
    /// L2 penalty per example.
    pub l2: f32,
    /// Weight of an entry's keywords as training examples (variants and questions weigh 1).
    pub keyword_weight: f32,
    /// Weight of a labelled calibration message.
    pub message_weight: f32,
    /// Add a phonetic key per word to the features.
    pub phonetic: bool,
    /// Add character n-grams (2 to 4) of each word's phonetic key ([`phonetic_key`]) to the
    /// features, so spellings by sound ("koi", "boutik", "expedié") share grams with the
    /// spelling they sound like.
    pub phonetic_grams: bool,
    /// A feature gets a weight row only when at least this many training examples have it.
    pub min_examples_per_feature: u32,
    pub seed: u64,
}

impl Default for IntentParams {
    fn default() -> Self {
        Self {
            epochs: 10,
            learning_rate: 8.0,
            l2: 1e-6,
            keyword_weight: 0.5,
            message_weight: 2.0,
            phonetic: false,
            phonetic_grams: true,
            min_examples_per_feature: MIN_EXAMPLES,
            seed: 0x5eed_0f1a_7e17,
        }
    }
}

/// One training example: a text, its class (entry index; the entry count for out of scope) and
/// its weight.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub text: String,
    pub class: u32,
    pub weight: f32,
}

/// A labelled calibration message as a training example, with its fold group.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupedExample {
    pub example: Example,
    /// Fold group (see [`crate::faq::content::LabelledMessage::group`]); `None` for the
    /// content's own texts that are never held out (questions, keywords).
    pub group: Option<usize>,
    /// For a variant: `(entry, variant index)`, so calibration can tell which left-out variant
    /// it is.
    pub variant: Option<(u32, usize)>,
}

/// The training examples of a content: entries' questions, variants and keywords, and the
/// labelled calibration messages (unknown ids skipped). Variants get the fold group
/// `(entry + variant) % groups` so that calibration can hold a share of them out.
#[must_use]
pub fn examples(content: &FaqContent, params: &IntentParams) -> Vec<GroupedExample> {
    let groups = content.calibration.iter().map(|m| m.group + 1).max().unwrap_or(1);
    let oos = content.entries.len() as u32;
    let mut out = Vec::new();
    let plain = |text: &str, class: u32, weight: f32| Example { text: text.to_owned(), class, weight };
    for (e, entry) in content.entries.iter().enumerate() {
        let e32 = e as u32;
        out.push(GroupedExample { example: plain(&entry.question, e32, 1.0), group: None, variant: None });
        for (i, v) in entry.variants.iter().enumerate() {
            out.push(GroupedExample {
                example: plain(v, e32, 1.0),
                group: Some((e + i) % groups),
                variant: Some((e32, i)),
            });
        }
        for k in &entry.keywords {
            out.push(GroupedExample { example: plain(k, e32, params.keyword_weight), group: None, variant: None });
        }
    }
    let ids: HashMap<&str, u32> = content.entries.iter().enumerate().map(|(e, x)| (x.id.as_str(), e as u32)).collect();
    for m in &content.calibration {
        let class = match &m.expected {
            None => oos,
            Some(id) => match ids.get(id.as_str()) {
                Some(&e) => e,
                None => continue,
            },
        };
        out.push(GroupedExample {
            example: plain(&m.text, class, params.message_weight),
            group: Some(m.group),
            variant: None,
        });
    }
    out
}

/// FNV-1a over the bytes, then a SplitMix64 finaliser (hash maps use the high and low bits).
fn hash_bytes(kind: u8, parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ u64::from(kind);
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            h = (h ^ 0x1f).wrapping_mul(0x0100_0000_01b3);
        }
        for &b in *part {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// A hasher for keys that are already hashes.
#[derive(Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type FeatureMap = HashMap<u64, u32, BuildHasherDefault<Prehashed>>;

const CHAR_GRAM: u8 = 1;
const UNIGRAM: u8 = 2;
const BIGRAM: u8 = 3;
const CONCEPT: u8 = 4;
const PHONETIC: u8 = 5;
const PHONETIC_GRAM: u8 = 6;

/// Which optional views [`features`] adds (see [`IntentParams`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Views {
    pub phonetic: bool,
    pub phonetic_grams: bool,
}

impl IntentParams {
    /// The optional feature views of these settings.
    #[must_use]
    pub fn views(&self) -> Views {
        Views { phonetic: self.phonetic, phonetic_grams: self.phonetic_grams }
    }
}

/// The hashed features of a text, each with its value, the vector scaled to unit length
/// (sorted by hash, duplicates summed).
#[must_use]
pub fn features(text: &str, lexicon: &Lexicon, normalizer: &Normalizer, views: Views) -> Vec<(u64, f32)> {
    let mut out = feature_counts(text, lexicon, normalizer, views);
    let norm = norm(&out);
    if norm > 0.0 {
        for f in &mut out {
            f.1 /= norm;
        }
    }
    out
}

/// Euclidean length of a feature vector.
fn norm(features: &[(u64, f32)]) -> f32 {
    features.iter().map(|f| f.1 * f.1).sum::<f32>().sqrt()
}

/// The hashed features of a text with how many times each occurs (sorted by hash), before
/// [`features`] scales them to unit length.
fn feature_counts(text: &str, lexicon: &Lexicon, normalizer: &Normalizer, views: Views) -> Vec<(u64, f32)> {
    let mut words = fold_words(text);
    words.truncate(MAX_WORDS);
    let mut words = lexicon.expand(words);
    words.truncate(MAX_WORDS);
    let mut out: Vec<(u64, f32)> = Vec::with_capacity(words.len() * 20);
    let mut padded: Vec<u8> = Vec::with_capacity(MAX_WORD_CHARS + 2);
    let mut stems: Vec<String> = Vec::with_capacity(words.len());
    for word in &words {
        // Folded words are ASCII: bytes are characters.
        let bytes = &word.as_bytes()[..word.len().min(MAX_WORD_CHARS)];
        padded.clear();
        padded.push(b' ');
        padded.extend_from_slice(bytes);
        padded.push(b' ');
        for n in 2..=5 {
            for gram in padded.windows(n) {
                out.push((hash_bytes(CHAR_GRAM, &[gram]), 1.0));
            }
        }
        let stem = normalizer.stem(word);
        out.push((hash_bytes(UNIGRAM, &[stem.as_bytes()]), 1.0));
        if views.phonetic || views.phonetic_grams {
            let key = phonetic_key(word.get(..bytes.len()).unwrap_or(word));
            if views.phonetic {
                out.push((hash_bytes(PHONETIC, &[key.as_bytes()]), 1.0));
            }
            if views.phonetic_grams {
                // The key is at most as long as the (bounded) word, ASCII except for '§'.
                padded.clear();
                padded.push(b' ');
                padded.extend_from_slice(key.as_bytes());
                padded.push(b' ');
                for n in 2..=4 {
                    for gram in padded.windows(n) {
                        out.push((hash_bytes(PHONETIC_GRAM, &[gram]), 1.0));
                    }
                }
            }
        }
        if !is_stop_word(word) {
            stems.push(stem);
        }
    }
    for pair in stems.windows(2) {
        out.push((hash_bytes(BIGRAM, &[pair[0].as_bytes(), pair[1].as_bytes()]), 1.0));
    }
    let before = stems.len();
    lexicon.apply_synonyms(&mut stems, |_| true);
    for concept in &stems[before.min(stems.len())..] {
        out.push((hash_bytes(CONCEPT, &[concept.as_bytes()]), 1.0));
    }
    out.sort_unstable_by_key(|f| f.0);
    out.dedup_by(|b, a| {
        if a.0 == b.0 {
            a.1 += b.1;
            true
        } else {
            false
        }
    });
    out
}

/// The training set in one flat buffer (compressed sparse rows): each example's hashed features
/// are mapped to weight rows as they are extracted, so no per-example feature vector is kept and
/// the peak memory of training is the weights plus this buffer. A cell is a weight row and a
/// count (5 bytes, not the 8 of a row and an `f32`): its value, `count / norm`, is computed when
/// the example is visited, exactly as [`features`] computes it.
struct TrainingRows {
    /// Hashed feature → weight row.
    rows: FeatureMap,
    /// `cell_rows[starts[i]..starts[i + 1]]` (and the same span of `cell_counts`) are example
    /// `i`'s cells.
    starts: Vec<usize>,
    cell_rows: Vec<u32>,
    cell_counts: Vec<u8>,
    /// Each kept example's class, weight and norm (length of its count vector).
    labels: Vec<(usize, f32, f32)>,
}

impl TrainingRows {
    /// Extracts the features of `examples`; examples outside `0..classes` or without weight
    /// are skipped.
    fn new(lexicon: &Lexicon, classes: usize, examples: &[Example], params: &IntentParams) -> Self {
        let normalizer = Normalizer::new();
        let mut out = Self {
            rows: FeatureMap::default(),
            starts: vec![0],
            cell_rows: Vec::new(),
            cell_counts: Vec::new(),
            labels: Vec::with_capacity(examples.len()),
        };
        let trained = |x: &&Example| (x.class as usize) < classes && x.weight > 0.0;
        // Features too rare to generalise get no row (counted on a first pass: extraction is cheap).
        let mut counts = FeatureMap::default();
        if params.min_examples_per_feature > 1 {
            for x in examples.iter().filter(trained) {
                for (h, _) in feature_counts(&x.text, lexicon, &normalizer, params.views()) {
                    *counts.entry(h).or_insert(0) += 1;
                }
            }
        }
        let kept = |h: &u64| {
            params.min_examples_per_feature <= 1 || counts.get(h).is_some_and(|&n| n >= params.min_examples_per_feature)
        };
        for x in examples.iter().filter(trained) {
            let features = feature_counts(&x.text, lexicon, &normalizer, params.views());
            let norm = norm(&features);
            for (h, count) in features.into_iter().filter(|(h, _)| kept(h)) {
                let next = out.rows.len() as u32;
                let row = *out.rows.entry(h).or_insert(next);
                // Counts are whole numbers; one above 255 (a word repeated many times) takes
                // several cells.
                let mut left = count as u32;
                while left > 0 {
                    let part = left.min(u32::from(u8::MAX));
                    out.cell_rows.push(row);
                    out.cell_counts.push(part as u8);
                    left -= part;
                }
            }
            out.starts.push(out.cell_rows.len());
            out.labels.push((x.class as usize, x.weight, norm));
        }
        out
    }

    /// Example `i`'s (row, value) cells written into `cells`, its class and its weight.
    fn example(&self, i: usize, cells: &mut Vec<(u32, f32)>) -> (usize, f32) {
        let (class, weight, norm) = self.labels[i];
        let span = self.starts[i]..self.starts[i + 1];
        cells.clear();
        cells.extend(
            self.cell_rows[span.clone()].iter().zip(&self.cell_counts[span]).map(|(&r, &c)| (r, f32::from(c) / norm)),
        );
        (class, weight)
    }
}

/// A hash of everything a trained model depends on: the settings, the number of classes, the
/// lexicon's source and every example's text, class and weight (the feature extraction itself is
/// code). Computed on the raw examples, so a cache hit costs no feature extraction.
fn training_key(lexicon: &Lexicon, classes: usize, examples: &[Example], params: &IntentParams) -> u64 {
    let mut key = hash_bytes(0, &[format!("{params:?}{classes}").as_bytes(), &lexicon.fingerprint().to_le_bytes()]);
    for x in examples {
        key = hash_bytes(0, &[&key.to_le_bytes(), x.text.as_bytes(), &x.class.to_le_bytes(), &x.weight.to_le_bytes()]);
    }
    key
}

/// A trained multinomial logistic regression over hashed features.
pub struct IntentModel {
    classes: usize,
    views: Views,
    rows: FeatureMap,
    /// `rows.len() × classes`, row-major.
    weights: Vec<f32>,
    bias: Vec<f32>,
    normalizer: Normalizer,
}

impl std::fmt::Debug for IntentModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "IntentModel({} classes, {} features)", self.classes, self.rows.len())
    }
}

/// Deterministic xorshift64* for shuffling.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

fn softmax(z: &mut [f32]) {
    let max = z.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0;
    for v in z.iter_mut() {
        *v = (*v - max).exp();
        sum += *v;
    }
    for v in z.iter_mut() {
        *v /= sum;
    }
}

/// Models kept by [`IntentModel::cached`] (the latest few trainings).
const CACHE_SIZE: usize = 4;

type Cache = Mutex<Vec<(u64, Arc<IntentModel>)>>;
static CACHE: Cache = Mutex::new(Vec::new());

impl IntentModel {
    /// Trains on `examples` (classes `0..classes`, the last one being out of scope).
    #[must_use]
    pub fn train(lexicon: &Lexicon, classes: usize, examples: &[Example], params: &IntentParams) -> Self {
        Self::train_rows(classes, TrainingRows::new(lexicon, classes, examples, params), params)
    }

    fn train_rows(classes: usize, data: TrainingRows, params: &IntentParams) -> Self {
        let normalizer = Normalizer::new();
        let mut weights = vec![0.0f32; data.rows.len() * classes];
        let mut bias = vec![0.0f32; classes];
        let mut scale = 1.0f32;
        let mut order: Vec<usize> = (0..data.labels.len()).collect();
        let mut rng = Rng(params.seed | 1);
        let mut z = vec![0.0f32; classes];
        let mut active: Vec<(usize, f32)> = Vec::with_capacity(classes);
        let mut cells: Vec<(u32, f32)> = Vec::new();
        for epoch in 0..params.epochs {
            for i in (1..order.len()).rev() {
                order.swap(i, (rng.next() % (i as u64 + 1)) as usize);
            }
            let eta = params.learning_rate / (1.0 + epoch as f32);
            for &i in &order {
                let (y, w) = data.example(i, &mut cells);
                let x = cells.as_slice();
                z.copy_from_slice(&bias);
                for &(f, v) in x {
                    let row = &weights[f as usize * classes..(f as usize + 1) * classes];
                    let sv = scale * v;
                    for (zc, wc) in z.iter_mut().zip(row) {
                        *zc += sv * wc;
                    }
                }
                softmax(&mut z);
                z[y] -= 1.0;
                scale *= 1.0 - eta * params.l2;
                for (b, g) in bias.iter_mut().zip(&z) {
                    *b -= eta * w * g;
                }
                // Classes the model is already sure about move nothing: only the others are
                // updated (most of them after the first epoch).
                active.clear();
                active.extend(z.iter().enumerate().filter(|(_, g)| g.abs() > 1e-4).map(|(c, g)| (c, *g)));
                for &(f, v) in x {
                    let step = eta * w * v / scale;
                    let row = &mut weights[f as usize * classes..(f as usize + 1) * classes];
                    for &(c, g) in &active {
                        row[c] -= step * g;
                    }
                }
                if scale < 1e-3 {
                    for wc in &mut weights {
                        *wc *= scale;
                    }
                    scale = 1.0;
                }
            }
        }
        for wc in &mut weights {
            *wc *= scale;
        }
        let TrainingRows { rows, .. } = data;
        Self { classes, views: params.views(), rows, weights, bias, normalizer }
    }

    /// The model of a content: trained on [`examples`], or taken from the process-wide cache when
    /// the same training data was seen recently. `None` above [`MAX_CLASSES`] entries or without
    /// entries.
    #[must_use]
    pub fn cached(content: &FaqContent, params: &IntentParams) -> Option<Arc<Self>> {
        let classes = content.entries.len() + 1;
        if !(2..=MAX_CLASSES + 1).contains(&classes) {
            return None;
        }
        let examples: Vec<Example> = examples(content, params).into_iter().map(|g| g.example).collect();
        let key = training_key(&content.lexicon, classes, &examples, params);
        // Held during training: index builds of the same content running at once (parallel
        // tests, a reload racing startup) wait for one training instead of each doing it.
        let mut cache = CACHE.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((_, model)) = cache.iter().find(|(k, _)| *k == key) {
            return Some(Arc::clone(model));
        }
        let data = TrainingRows::new(&content.lexicon, classes, &examples, params);
        drop(examples);
        let model = Arc::new(Self::train_rows(classes, data, params));
        if cache.len() >= CACHE_SIZE {
            cache.remove(0);
        }
        cache.push((key, Arc::clone(&model)));
        Some(model)
    }

    /// Number of classes (entries + 1; the last is out of scope).
    #[must_use]
    pub fn classes(&self) -> usize {
        self.classes
    }

    /// Class probabilities of a message (the last class is out of scope).
    #[must_use]
    pub fn probabilities(&self, text: &str, lexicon: &Lexicon) -> Vec<f32> {
        let mut z = self.bias.clone();
        for (h, v) in features(text, lexicon, &self.normalizer, self.views) {
            if let Some(&f) = self.rows.get(&h) {
                let row = &self.weights[f as usize * self.classes..(f as usize + 1) * self.classes];
                for (zc, wc) in z.iter_mut().zip(row) {
                    *zc += v * wc;
                }
            }
        }
        softmax(&mut z);
        z
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lexicon() -> Lexicon {
        Lexicon::from_toml_str("[abbreviations]\ncmt = \"comment\"\n", &Normalizer::new()).unwrap()
    }

    fn example(text: &str, class: u32) -> Example {
        Example { text: text.to_owned(), class, weight: 1.0 }
    }

    #[test]
    fn features_are_unit_length_and_bounded() {
        let f = features("Comment créer ma boutique ?", &lexicon(), &Normalizer::new(), Views::default());
        let norm: f32 = f.iter().map(|x| x.1 * x.1).sum();
        assert!((norm - 1.0).abs() < 1e-4);
        let long = "boutique ".repeat(10_000);
        let g = features(&long, &lexicon(), &Normalizer::new(), Views::default());
        assert!(g.len() < 40, "{}", g.len());
        assert!(features("", &lexicon(), &Normalizer::new(), Views::default()).is_empty());
    }

    #[test]
    fn abbreviations_and_spelling_share_features() {
        let lex = lexicon();
        let n = Normalizer::new();
        let a: Vec<u64> = features("cmt", &lex, &n, Views::default()).into_iter().map(|f| f.0).collect();
        let b: Vec<u64> = features("comment", &lex, &n, Views::default()).into_iter().map(|f| f.0).collect();
        assert_eq!(a, b);
    }

    #[test]
    fn a_trained_model_separates_its_classes_and_is_deterministic() {
        let data = vec![
            example("comment créer une boutique en ligne", 0),
            example("ouvrir un site marchand", 0),
            example("monter mon e-shop", 0),
            example("frais de livraison offerts", 1),
            example("qui paie le transport du colis", 1),
            example("livraison gratuite ou payante", 1),
            example("recette de la blanquette", 2),
            example("météo de demain", 2),
        ];
        let params = IntentParams::default();
        let model = IntentModel::train(&lexicon(), 3, &data, &params);
        let p = model.probabilities("cmt ouvrir une boutik", &lexicon());
        assert!(p[0] > p[1] && p[0] > p[2], "{p:?}");
        let q = model.probabilities("les frais de livraizon", &lexicon());
        assert!(q[1] > q[0] && q[1] > q[2], "{q:?}");
        assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-4);
        let again = IntentModel::train(&lexicon(), 3, &data, &params);
        assert_eq!(again.probabilities("cmt ouvrir une boutik", &lexicon()), p);
    }
}
