//! The FAQ search index, built once from [`FaqContent`] and shared read-only by the bot.
//!
//! Every entry contributes several *texts*: its question, each variant, its keywords and its
//! answer, each with a field weight ([`FIELD_WEIGHTS`]). Texts are normalised like questions
//! (folding, SMS expansion, stop words, stemming, synonym concepts) and stored in an inverted
//! index `term -> [(entry, text, field weight)]`. Each term has an IDF over entries, counted on
//! questions, variants and keywords (answers only for terms found nowhere else: answers mention
//! many topics in passing).
//!
//! Typo tolerance never scans the entries: a question word unknown to the index is looked up in
//! the vocabulary of raw (folded, unstemmed) words of questions, variants and keywords, first by
//! a French phonetic key, then in a SymSpell-style deletion neighbourhood (Damerau-Levenshtein
//! distance 1 for words of 6 letters or more, 2 from 8 letters), and replaced by the closest
//! words at a reduced weight.
//!
//! Scoring (`FaqIndex::rank`) combines, per entry:
//! - *coverage*: the share of the question's informative weight (sum of IDF of its terms, unknown
//!   words included at [`UNKNOWN_WORD_IDF`] × the largest IDF, the total capped at
//!   [`COVERAGE_CAP`] so that long messages are not sunk by their story) found anywhere in the
//!   entry, each term counted with the best field weight where it occurs;
//! - *closeness*: the best cosine (binary terms weighted by IDF) between the question and one of
//!   the entry's question or variants;
//! - *evidence*: `min(1, mass / EVIDENCE_FULL) ^ EVIDENCE_POWER`, where mass is the matched
//!   weight, so that one common word ("jour", "test") cannot carry a match on its own.
//!
//! `score = (COVERAGE_SHARE × coverage + (1 - COVERAGE_SHARE) × closeness) × evidence`, in
//! `[0, 1]`.
//!
//! *Ownership*: an entry earns a term's weight in proportion to how much it owns the term, the
//! share of its question, variants and keywords that use it ([`ScoringParams::ownership_floor`]):
//! "instagram" in most of the Instagram entry's variants counts fully there, and only in part in
//! an entry where one variant mentions it in passing. It raised top-1 on the calibration
//! questions from 93.8% to 95.8% and on left-out variants from 87% to 89.5%.
//!
//! *Verb forms*: Snowball keeps the `-ent` of third-person plural `-er` verbs ("commencent"), so
//! such a word unknown to the index is tried as its singular before any typo correction.
//!
//! *One word, one piece of evidence*: a question word can yield several terms (the word, its
//! synonym concept, other typo corrections). They form a group: the question counts the group
//! once, at the weight of its most common reading, and an entry earns the best of what it matches
//! in the group. Counting the word and its concept separately let one ambiguous word ("raconte",
//! "recette", "heure") carry off-topic messages to confident scores.
//!
//! *Long messages*: [`FaqIndex::clause_weights`] can weight the words outside the clause that asks
//! (`?` or an interrogative) at [`CONTEXT_WEIGHT`]; measured on the calibration questions it did
//! not help (the story often names the topic), so it is off (1.0).
//!
//! The ownership constants (0.4 floor, full from 10% of the texts) were chosen by the same
//! sweep, on the calibration objective, among floors 0.2–1 and fulls 0.1–0.35.
//!
//! The constants were chosen with `objective_sweep` in `tests/faq_matcher.rs`: each setting is
//! calibrated ([`crate::faq::calibrate`]) and judged by the calibration objective on
//! `faq/calibration/questions-round*.tsv`, leave-one-out and the off-topic messages, not on the dev set
//! (unknown words at 1.5 × the largest IDF and `EVIDENCE_FULL` 12 came out best; differences
//! between the best settings are within a point or two). Turning scores into an answer,
//! suggestions or a fallback is the matcher's job.

use std::cell::RefCell;
use std::collections::HashMap;

use crate::faq::content::{FaqContent, FaqEntry};
use crate::faq::lexicon::SmalltalkKind;
use crate::faq::normalize::{Normalizer, fold_words, phonetic_key};

/// Field weights: question, variant, keyword, answer.
pub const FIELD_WEIGHTS: [f32; 4] = [1.0, 0.6, 1.0, 0.35];
/// Share of coverage in the score; the rest is closeness to the best question/variant.
pub const COVERAGE_SHARE: f32 = 0.7;
/// Matched informative weight (sum of IDF × field weight) from which a match counts fully;
/// below it, the score is scaled by `(mass / EVIDENCE_FULL) ^ EVIDENCE_POWER`, so that one common
/// word ("jour", "test") cannot make a confident answer on its own.
pub const EVIDENCE_FULL: f32 = 12.0;
pub const EVIDENCE_POWER: f32 = 0.5;
/// Weight, relative to the rarest known term, of a question word the FAQ never uses.
pub const UNKNOWN_WORD_IDF: f32 = 1.5;

/// See [`ScoringParams::context_weight`]. 1 (off): on the calibration questions, weighting the
/// story around the asking clause at 0.3 or 0.5 lowered the objective (`objective_sweep`).
pub const CONTEXT_WEIGHT: f32 = 1.0;
/// Content words from which a message is long enough to look for its asking clause.
pub const LONG_MESSAGE_WORDS: usize = 6;
/// Folded interrogative words that mark the asking clause when no clause ends with `?`.
const INTERROGATIVES: &[&str] =
    &["comment", "combien", "pourquoi", "quand", "quel", "quelle", "quels", "quelles", "quoi", "lequel", "laquelle"];
const CLAUSE_ENDS: &[char] = &['.', '!', '?', ';', ',', ':', '\n', '\u{2026}'];

/// See [`ScoringParams::ownership_floor`].
pub const OWNERSHIP_FLOOR: f32 = 0.4;
pub const OWNERSHIP_FULL: f32 = 0.1;

/// See [`ScoringParams::coverage_cap`].
pub const COVERAGE_CAP: f32 = 16.0;

/// The scoring knobs, defaulting to the constants above; calibration sweeps may vary them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScoringParams {
    pub field_weights: [f32; 4],
    pub coverage_share: f32,
    pub evidence_full: f32,
    pub evidence_power: f32,
    pub unknown_word_idf: f32,
    /// Question weight above which coverage stops growing harder to reach: long messages tell a
    /// story around the question, and their extra words should not sink the match.
    pub coverage_cap: f32,
    /// Index pairs of consecutive words as terms of their own ("frais port", "nom domaine").
    pub bigrams: bool,
    /// Term weight = IDF ^ `idf_power`: above 1, rare words dominate more.
    pub idf_power: f32,
    /// Weight of the words outside the asking clause of a long message (1 = no difference).
    pub context_weight: f32,
    /// How much an entry "owns" a term: an entry earns `floor + (1 - floor) × min(1, share /
    /// full)` of a term's weight, where `share` is the fraction of its question, variants and
    /// keywords that use the term. A word in most of an entry's variants ("instagram" in the
    /// Instagram entry) says more about it than a word one variant uses in passing. `floor` 1
    /// turns this off.
    pub ownership_floor: f32,
    pub ownership_full: f32,
}

impl Default for ScoringParams {
    fn default() -> Self {
        Self {
            field_weights: FIELD_WEIGHTS,
            coverage_share: COVERAGE_SHARE,
            evidence_full: EVIDENCE_FULL,
            evidence_power: EVIDENCE_POWER,
            unknown_word_idf: UNKNOWN_WORD_IDF,
            coverage_cap: COVERAGE_CAP,
            bigrams: false,
            idf_power: 1.0,
            context_weight: CONTEXT_WEIGHT,
            ownership_floor: OWNERSHIP_FLOOR,
            ownership_full: OWNERSHIP_FULL,
        }
    }
}

/// Weight factor of a word reached through its phonetic key or at edit distance 1 or 2.
const PHONETIC_FACTOR: f32 = 0.9;
const DISTANCE_FACTORS: [f32; 3] = [1.0, 0.8, 0.6];
/// Weight factor of a known stem that extends the question word's stem.
const STEM_PREFIX_FACTOR: f32 = 0.9;
const MIN_PREFIX: usize = 5;
/// Largest edit distance typo correction tries.
const MAX_EDIT_DISTANCE: usize = 2;

/// The matcher reads at most this many characters of a message (Telegram allows 4,096): a question is asked in
/// its first lines, and the cap bounds the work one message can cause.
pub const MAX_QUESTION_CHARS: usize = 1000;
/// ... and at most this many words of it (after folding: some scripts fold one character into several words).
pub const MAX_QUESTION_WORDS: usize = 100;
/// Unknown words of one message that get typo correction (those of the asking clause first); the others count as
/// unknown. Real questions have a handful; a flood of gibberish words would otherwise cost one neighbourhood each.
pub const MAX_CORRECTED_WORDS: usize = 12;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    Question = 0,
    Variant = 1,
    Keyword = 2,
    Answer = 3,
}

#[derive(Debug, Clone, Copy)]
struct Posting {
    entry: u32,
    text: u32,
    weight: f32,
}

#[derive(Debug, Clone)]
struct TextInfo {
    entry: u32,
    field: Field,
    /// Position of the variant in its entry (0 for other fields).
    ordinal: u32,
    /// Square root of the sum of IDF of its distinct terms.
    norm: f32,
}

/// What a question becomes before scoring.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Analysis {
    /// Nothing left after normalisation.
    Empty,
    Smalltalk(SmalltalkKind),
    /// Known terms with their typo factor and context weight (see
    /// [`FaqIndex::clause_weights`]), and the summed weight of unknown words.
    Terms {
        terms: Vec<QueryTerm>,
        unknown: f32,
    },
}

/// A question term: `(term, typo factor, context weight, group)`. Terms of one group come from
/// the same question word (the word, its synonym concept, other typo corrections) and count once:
/// the best of them.
pub(crate) type QueryTerm = (u32, f32, f32, u32);

/// A question's informative weight (known and unknown words) and the shares of it that the
/// index does not know, reads through a typo correction, or knows only from answers.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct QuestionWeight {
    pub total: f32,
    pub unknown_share: f32,
    pub corrected_share: f32,
    pub answer_only_share: f32,
    /// The message is one word, and the index knows it (set by the matcher, which sees the text).
    pub bare_word: bool,
}

/// A scored entry.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Scored {
    pub entry: u32,
    pub score: f32,
    /// Share of the question's weight the entry matches (see the module docs).
    pub coverage: f32,
    /// Best cosine with one of the entry's question or variants.
    pub closeness: f32,
    /// `min(1, mass / EVIDENCE_FULL) ^ EVIDENCE_POWER` (see the module docs).
    pub evidence: f32,
    /// Share of the question's known words that the entry matches.
    pub matched_words: f32,
}

#[derive(Default)]
struct Scratch {
    coverage: Vec<f32>,
    matched: Vec<u16>,
    closeness: Vec<f32>,
    text_dot: Vec<f32>,
    touched_entries: Vec<u32>,
    touched_texts: Vec<u32>,
    group_best: Vec<f32>,
    group_touched: Vec<u32>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// The inverted index and the content it was built from. `Send + Sync`; build once, share.
#[derive(Debug)]
pub struct FaqIndex {
    pub(crate) content: FaqContent,
    pub(crate) normalizer: Normalizer,
    term_ids: HashMap<String, u32>,
    stems: Vec<String>,
    /// Word stems (no concepts, no pairs), sorted, for prefix lookups.
    sorted_stems: Vec<(String, u32)>,
    idf: Vec<f32>,
    /// Terms found only in answers (answers mention many things in passing).
    answer_only: Vec<bool>,
    postings: Vec<Vec<Posting>>,
    texts: Vec<TextInfo>,
    /// Folded content words and the term of their stem.
    raw_words: Vec<(String, u32)>,
    raw_ids: HashMap<String, u32>,
    /// Stems memoised while building (emptied once the index is built).
    build_stems: HashMap<String, String>,
    deletions: HashMap<String, Vec<u32>>,
    /// Length in characters of the longest word typo correction can reach.
    longest_word: usize,
    phonetic: HashMap<String, Vec<u32>>,
    entry_ids: HashMap<String, u32>,
    unknown_idf: f32,
    params: ScoringParams,
    /// The intent model trained on the same content (see [`crate::faq::intent`]).
    pub(crate) intent: Option<std::sync::Arc<crate::faq::intent::IntentModel>>,
}

/// The first [`MAX_QUESTION_CHARS`] characters of a message.
#[must_use]
pub fn capped(text: &str) -> &str {
    match text.char_indices().nth(MAX_QUESTION_CHARS) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

fn deletions_of(word: &str, out: &mut Vec<String>) {
    let chars: Vec<char> = word.chars().collect();
    for i in 0..chars.len() {
        let mut s = String::with_capacity(word.len());
        s.extend(chars[..i].iter());
        s.extend(chars[i + 1..].iter());
        out.push(s);
    }
}

impl FaqIndex {
    /// Builds the index from loaded content.
    #[must_use]
    pub fn build(content: &FaqContent) -> Self {
        Self::build_with(content, ScoringParams::default())
    }

    /// Builds the index with explicit scoring parameters.
    #[must_use]
    pub fn build_with(content: &FaqContent, params: ScoringParams) -> Self {
        let normalizer = Normalizer::new();
        let mut index = Self {
            content: content.clone(),
            normalizer,
            term_ids: HashMap::new(),
            stems: Vec::new(),
            sorted_stems: Vec::new(),
            idf: Vec::new(),
            answer_only: Vec::new(),
            postings: Vec::new(),
            texts: Vec::new(),
            raw_words: Vec::new(),
            raw_ids: HashMap::new(),
            deletions: HashMap::new(),
            longest_word: 0,
            build_stems: HashMap::new(),
            phonetic: HashMap::new(),
            entry_ids: HashMap::new(),
            unknown_idf: 0.0,
            params,
            intent: crate::faq::intent::IntentModel::cached(content, &crate::faq::intent::IntentParams::default()),
        };
        let mut text_terms: Vec<Vec<u32>> = Vec::new();
        for (e, entry) in content.entries.iter().enumerate() {
            index.entry_ids.insert(entry.id.clone(), e as u32);
            let mut add = |index: &mut Self, text: &str, field: Field, ordinal: usize| {
                let terms = index.document_terms(text, field != Field::Answer);
                if terms.is_empty() {
                    return;
                }
                let t = index.texts.len() as u32;
                index.texts.push(TextInfo { entry: e as u32, field, ordinal: ordinal as u32, norm: 0.0 });
                for &term in &terms {
                    index.postings[term as usize].push(Posting {
                        entry: e as u32,
                        text: t,
                        weight: index.params.field_weights[field as usize],
                    });
                }
                text_terms.push(terms);
            };
            add(&mut index, &entry.question, Field::Question, 0);
            for (i, v) in entry.variants.iter().enumerate() {
                add(&mut index, v, Field::Variant, i);
            }
            if !entry.keywords.is_empty() {
                add(&mut index, &entry.keywords.join(" . "), Field::Keyword, 0);
            }
            add(&mut index, &entry.answer, Field::Answer, 0);
        }
        // IDF over entries (BM25 form, always positive). Document frequency counts the
        // question, variants and keywords; answers only for terms found nowhere else, since
        // answers mention many topics in passing.
        let n = content.entries.len().max(1) as f32;
        let texts = &index.texts;
        let idf_power = index.params.idf_power;
        index.idf = index
            .postings
            .iter()
            .map(|p| {
                let df_of = |primary: bool| {
                    let mut df = 0u32;
                    let mut last = u32::MAX;
                    for posting in p {
                        let field = texts[posting.text as usize].field;
                        if primary && field == Field::Answer {
                            continue;
                        }
                        if posting.entry != last {
                            df += 1;
                            last = posting.entry;
                        }
                    }
                    df
                };
                let df = match df_of(true) {
                    0 => df_of(false),
                    df => df,
                } as f32;
                ((n - df + 0.5) / (df + 0.5) + 1.0).ln().powf(idf_power)
            })
            .collect();
        index.answer_only = index
            .postings
            .iter()
            .map(|p| p.iter().all(|posting| index.texts[posting.text as usize].field == Field::Answer))
            .collect();
        index.apply_ownership();
        let max_idf = index.idf.iter().copied().fold(0.0, f32::max);
        index.unknown_idf = index.params.unknown_word_idf * max_idf.max(1.0);
        for (t, terms) in text_terms.iter().enumerate() {
            let sum: f32 = terms.iter().map(|&term| index.idf[term as usize]).sum();
            index.texts[t].norm = sum.sqrt();
        }
        index.sorted_stems = index
            .raw_words
            .iter()
            .map(|&(_, t)| (index.stems[t as usize].clone(), t))
            .filter(|(s, _)| !s.starts_with('~'))
            .collect();
        index.sorted_stems.sort();
        index.sorted_stems.dedup();
        index.build_stems = HashMap::new();
        // Typo neighbourhoods over raw words.
        for (i, (word, _)) in index.raw_words.iter().enumerate() {
            let i = i as u32;
            if word.len() >= 3 {
                index.phonetic.entry(phonetic_key(word)).or_default().push(i);
            }
            if word.len() >= 4 {
                index.longest_word = index.longest_word.max(word.chars().count());
                let mut dels = vec![word.clone()];
                deletions_of(word, &mut dels);
                for d in dels {
                    let slot = index.deletions.entry(d).or_default();
                    if slot.last() != Some(&i) {
                        slot.push(i);
                    }
                }
            }
        }
        index
    }

    /// Scales each posting by how much its entry owns the term (see
    /// [`ScoringParams::ownership_floor`]).
    fn apply_ownership(&mut self) {
        let (floor, full) = (self.params.ownership_floor, self.params.ownership_full.max(1e-6));
        if floor >= 1.0 {
            return;
        }
        let mut texts_per_entry = vec![0u32; self.content.entries.len()];
        for t in &self.texts {
            if t.field != Field::Answer {
                texts_per_entry[t.entry as usize] += 1;
            }
        }
        let texts = &self.texts;
        for postings in &mut self.postings {
            let mut start = 0;
            while start < postings.len() {
                let entry = postings[start].entry;
                let end = start + postings[start..].iter().take_while(|p| p.entry == entry).count();
                let using =
                    postings[start..end].iter().filter(|p| texts[p.text as usize].field != Field::Answer).count();
                let share = using as f32 / texts_per_entry[entry as usize].max(1) as f32;
                let factor = floor + (1.0 - floor) * (share / full).min(1.0);
                for p in &mut postings[start..end] {
                    p.weight *= factor;
                }
                start = end;
            }
        }
    }

    fn term_id(&mut self, stem: &str) -> u32 {
        if let Some(&id) = self.term_ids.get(stem) {
            return id;
        }
        let id = self.postings.len() as u32;
        self.term_ids.insert(stem.to_owned(), id);
        self.stems.push(stem.to_owned());
        self.postings.push(Vec::new());
        id
    }

    /// Distinct terms of a content text; records its raw words for typo lookups when `typo_vocabulary`
    /// (questions, variants and keywords: answers mention too much in passing).
    fn document_terms(&mut self, text: &str, typo_vocabulary: bool) -> Vec<u32> {
        let lexicon = &self.content.lexicon;
        let words = lexicon.content_words(lexicon.expand(fold_words(text)));
        // Content repeats the same few thousand words: stem each once per build.
        let mut stems: Vec<String> = words
            .iter()
            .map(|w| self.build_stems.entry(w.clone()).or_insert_with(|| self.normalizer.stem(w)).clone())
            .collect();
        let n_words = stems.len();
        self.content.lexicon.apply_synonyms(&mut stems, |_| true);
        if self.params.bigrams {
            let pairs: Vec<String> = stems[..n_words].windows(2).map(|w| format!("{} {}", w[0], w[1])).collect();
            stems.extend(pairs);
        }
        let mut terms = Vec::with_capacity(stems.len());
        for (i, stem) in stems.iter().enumerate() {
            let id = self.term_id(stem);
            if typo_vocabulary && i < n_words && !self.raw_ids.contains_key(&words[i]) {
                self.raw_ids.insert(words[i].clone(), self.raw_words.len() as u32);
                self.raw_words.push((words[i].clone(), id));
            }
            if !terms.contains(&id) {
                terms.push(id);
            }
        }
        terms
    }

    /// Closest raw content words to an unknown word, with their weight factor.
    ///
    /// Bounded whatever the word: a word longer than the longest indexed word plus the largest edit distance
    /// cannot be a typo of any of them and is not probed, so the deletion neighbourhood (O(n²) probes of n bytes)
    /// is built only for words of at most a few dozen letters.
    fn correct(&self, word: &str) -> Vec<(u32, f32)> {
        let len = word.chars().count();
        if len < 3 || len > self.longest_word + MAX_EDIT_DISTANCE {
            return Vec::new();
        }
        let key = phonetic_key(word);
        if key.len() >= 4
            && let Some(ids) = self.phonetic.get(&key)
            && ids.len() <= 2
        {
            return ids.iter().map(|&i| (i, PHONETIC_FACTOR)).collect();
        }
        if len < 6 {
            return Vec::new();
        }
        let max_distance = if len >= 8 { MAX_EDIT_DISTANCE } else { 1 };
        // Distance-1 deletions, then distance-2, each probe once (first-seen order kept: it breaks ties).
        let mut probes = vec![word.to_owned()];
        deletions_of(word, &mut probes);
        if max_distance == 2 {
            let first = probes.len();
            for i in 1..first {
                let d = probes[i].clone();
                deletions_of(&d, &mut probes);
            }
        }
        let mut seen = std::collections::HashSet::with_capacity(probes.len());
        probes.retain(|probe| seen.insert(probe.clone()));
        let mut best = usize::MAX;
        let mut found: Vec<u32> = Vec::new();
        for probe in &probes {
            let Some(ids) = self.deletions.get(probe) else {
                continue;
            };
            for &i in ids {
                if found.contains(&i) && best <= 1 {
                    continue;
                }
                let candidate = &self.raw_words[i as usize].0;
                let d = strsim::damerau_levenshtein(word, candidate);
                if d > max_distance || d > best {
                    continue;
                }
                if d < best {
                    best = d;
                    found.clear();
                }
                if !found.contains(&i) {
                    found.push(i);
                }
            }
        }
        if found.len() > 3 {
            found.truncate(3);
        }
        let factor = DISTANCE_FACTORS[best.min(2)];
        found.into_iter().map(|i| (i, factor)).collect()
    }

    /// Normalises a question into weighted terms, smalltalk or nothing.
    pub(crate) fn analyze(&self, question: &str, excluded_text: Option<u32>) -> Analysis {
        let question = capped(question);
        let lexicon = &self.content.lexicon;
        let mut words = fold_words(question);
        words.truncate(MAX_QUESTION_WORDS);
        let words = lexicon.expand(words);
        let split = lexicon.split_smalltalk(&words);
        if let Some(kind) = split.kind
            && lexicon.is_filler_only(&split.rest)
        {
            return Analysis::Smalltalk(kind);
        }
        let words = lexicon.content_words(split.rest);
        if words.is_empty() {
            return Analysis::Empty;
        }
        // Long messages: the clause that asks counts fully, the story around it less.
        let (words, weights) = match self.clause_weights(question, words.len()) {
            Some(pair) => pair,
            None => {
                let n = words.len();
                (words, vec![1.0; n])
            }
        };
        // Resolve each word to a stem the index or the lexicon knows (cheap lookups), then correct typos in the
        // unknown ones: at most MAX_CORRECTED_WORDS of them, those of the asking clause first, so a message of
        // many unknown words costs a bounded number of typo neighbourhoods.
        let resolved: Vec<Option<(String, f32)>> =
            words.iter().map(|word| self.resolve_known(word, excluded_text)).collect();
        let mut unknown: Vec<usize> = (0..words.len()).filter(|&w| resolved[w].is_none()).collect();
        unknown.sort_by(|&a, &b| weights[b].total_cmp(&weights[a]));
        unknown.truncate(MAX_CORRECTED_WORDS);
        let mut stems = Vec::with_capacity(words.len());
        let mut factors = Vec::with_capacity(words.len());
        let mut extra: Vec<QueryTerm> = Vec::new();
        for (w, (word, known)) in words.iter().zip(resolved).enumerate() {
            if let Some((stem, factor)) = known {
                stems.push(stem);
                factors.push(factor);
                continue;
            }
            let corrections = if unknown.contains(&w) { self.correct(word) } else { Vec::new() };
            match corrections.first() {
                Some(&(raw, factor)) => {
                    let raw_word = &self.raw_words[raw as usize].0;
                    stems.push(self.normalizer.stem(raw_word));
                    factors.push(factor);
                    for &(other, f) in &corrections[1..] {
                        extra.push((self.raw_words[other as usize].1, f, weights[w], w as u32));
                    }
                }
                None => {
                    stems.push(self.normalizer.stem(word));
                    factors.push(0.0);
                }
            }
        }
        let n_words = stems.len();
        let sources = lexicon.apply_synonyms(&mut stems, |s| self.term_ids.contains_key(s));
        let mut terms: Vec<QueryTerm> = Vec::with_capacity(stems.len());
        let mut unknown = 0.0;
        let mut unknown_seen: Vec<&str> = Vec::new();
        for (i, stem) in stems.iter().enumerate() {
            let group = if i < n_words { i } else { sources[i - n_words] };
            let factor = if i < n_words { factors[i] } else { 1.0 };
            let weight = weights[group];
            match self.term_ids.get(stem) {
                Some(&id) if factor > 0.0 => push_max(&mut terms, (id, factor, weight, group as u32)),
                _ => {
                    if !unknown_seen.contains(&stem.as_str()) {
                        unknown_seen.push(stem);
                        unknown += self.unknown_idf * weight;
                    }
                }
            }
        }
        for term in extra {
            push_max(&mut terms, term);
        }
        if self.params.bigrams {
            for i in 1..n_words {
                let pair = format!("{} {}", stems[i - 1], stems[i]);
                if let Some(&id) = self.term_ids.get(&pair) {
                    let factor = factors[i - 1].min(factors[i]);
                    if factor > 0.0 {
                        let group = (n_words + stems.len() + i) as u32;
                        push_max(&mut terms, (id, factor, weights[i - 1].min(weights[i]), group));
                    }
                }
            }
        }
        if terms.is_empty() && unknown == 0.0 {
            return Analysis::Empty;
        }
        Analysis::Terms { terms, unknown }
    }

    /// Content words of a long message with a weight per word: 1 in the clause that asks the
    /// question, [`ScoringParams::context_weight`] in the others. `None` (all words count fully)
    /// for short messages, single clauses, or when no clause asks (no `?`, no interrogative).
    ///
    /// Clauses are split at sentence punctuation and commas; the asking clause is the last one
    /// ending with `?`, else the last one with an interrogative word.
    fn clause_weights(&self, question: &str, content_words: usize) -> Option<(Vec<String>, Vec<f32>)> {
        let context = self.params.context_weight;
        if content_words < LONG_MESSAGE_WORDS || context >= 1.0 {
            return None;
        }
        let lexicon = &self.content.lexicon;
        // (content words, ends with '?', has an interrogative word)
        let mut clauses: Vec<(Vec<String>, bool, bool)> = Vec::new();
        let mut rest = question;
        while !rest.is_empty() {
            let end = rest.find(CLAUSE_ENDS).unwrap_or(rest.len());
            let asks = rest[end..].starts_with('?');
            let folded = lexicon.split_smalltalk(&lexicon.expand(fold_words(&rest[..end]))).rest;
            let interrogative = folded.iter().any(|w| INTERROGATIVES.contains(&w.as_str()));
            let words = lexicon.content_words(folded);
            if !words.is_empty() {
                clauses.push((words, asks, interrogative));
            } else if let Some(last) = clauses.last_mut() {
                last.1 |= asks;
            }
            rest = rest[end..].trim_start_matches(|c: char| CLAUSE_ENDS.contains(&c) || c.is_whitespace());
        }
        if clauses.len() < 2 {
            return None;
        }
        let asking = clauses
            .iter()
            .rposition(|(_, asks, _)| *asks)
            .or_else(|| clauses.iter().rposition(|(_, _, interrogative)| *interrogative))?;
        let mut words = Vec::with_capacity(content_words);
        let mut weights = Vec::with_capacity(content_words);
        for (c, (clause, _, _)) in clauses.into_iter().enumerate() {
            let weight = if c == asking { 1.0 } else { context };
            weights.extend(std::iter::repeat_n(weight, clause.len()));
            words.extend(clause);
        }
        Some((words, weights))
    }

    /// A word's stem when the index or the lexicon knows it, directly or as another form of a known word, with
    /// its weight factor; `None` for a word only typo correction could place.
    fn resolve_known(&self, word: &str, excluded_text: Option<u32>) -> Option<(String, f32)> {
        let stem = self.normalizer.stem(word);
        let known = self.term_ids.get(&stem).is_some_and(|&id| !self.only_in(id, excluded_text));
        if known || self.content.lexicon.knows_stem(&stem) {
            Some((stem, 1.0))
        } else if let Some(&raw) = self.raw_ids.get(word) {
            let term = self.raw_words[raw as usize].1;
            Some((self.stem_of_term(term).to_owned(), 1.0))
        } else if let Some(verb) = self.plural_verb_stem(word) {
            Some((verb, 1.0))
        } else {
            // Another form of a known verb or noun ("inscris" / "inscrire").
            self.stem_prefix_match(&stem).map(|prefixed| (self.stems[prefixed as usize].clone(), STEM_PREFIX_FACTOR))
        }
    }

    /// The known stem of a third-person plural verb ("commencent", "vendent"): Snowball leaves
    /// the `-ent` of `-er` verbs, so "commencent" would otherwise be "corrected" to another word.
    fn plural_verb_stem(&self, word: &str) -> Option<String> {
        let singular = word.strip_suffix("nt").filter(|w| w.ends_with('e') && w.len() >= 4)?;
        let stem = self.normalizer.stem(singular);
        self.term_ids.contains_key(&stem).then_some(stem)
    }

    /// The single known word stem that extends `stem` (at least [`MIN_PREFIX`] letters), if any:
    /// Snowball stems some forms of a verb shorter than others.
    fn stem_prefix_match(&self, stem: &str) -> Option<u32> {
        if stem.len() < MIN_PREFIX {
            return None;
        }
        let start = self.sorted_stems.partition_point(|(s, _)| s.as_str() < stem);
        let mut found = self.sorted_stems[start..].iter().take_while(|(s, _)| s.starts_with(stem));
        let first = found.next()?;
        // Ambiguous prefixes (several extensions) are left to typo correction.
        if found.next().is_some() { None } else { Some(first.1) }
    }

    /// Whether every posting of a term is in the excluded text (leave-one-out: the term would
    /// not exist in an index built without that text).
    fn only_in(&self, term: u32, excluded_text: Option<u32>) -> bool {
        excluded_text.is_some_and(|t| self.postings[term as usize].iter().all(|p| p.text == t))
    }

    fn stem_of_term(&self, term: u32) -> &str {
        &self.stems[term as usize]
    }

    /// Entries ranked by score, best first (at most `limit`), skipping `excluded_text` (used by
    /// leave-one-variant-out calibration).
    pub(crate) fn rank(
        &self,
        terms: &[QueryTerm],
        groups: &[(u32, f32)],
        unknown: f32,
        limit: usize,
        excluded_text: Option<u32>,
    ) -> Vec<Scored> {
        // One question word counts once. Its weight in the question is that of its most common
        // reading (a synonym concept is usually more common than the word itself), and an entry
        // earns the best of what it matches in the group (see `group_max`), so an entry that
        // uses a synonym covers the word fully.
        let total: f32 = groups.iter().map(|&(_, v)| v).sum::<f32>() + unknown;
        let dot_total: f32 =
            terms.iter().map(|&(t, _, weight, _)| self.idf[t as usize] * weight).sum::<f32>() + unknown;
        if total <= 0.0 {
            return Vec::new();
        }
        SCRATCH.with(|scratch| {
            let mut s = scratch.borrow_mut();
            let s = &mut *s;
            if s.coverage.len() < self.content.entries.len() {
                s.coverage.resize(self.content.entries.len(), 0.0);
                s.matched.resize(self.content.entries.len(), 0);
                s.closeness.resize(self.content.entries.len(), 0.0);
            }
            if s.text_dot.len() < self.texts.len() {
                s.text_dot.resize(self.texts.len(), 0.0);
            }
            if s.group_best.len() < self.content.entries.len() {
                s.group_best.resize(self.content.entries.len(), 0.0);
            }
            for &(group, _) in groups {
                for &(term, factor, weight, _) in terms.iter().filter(|t| t.3 == group) {
                    let w = self.idf[term as usize] * factor * weight;
                    let mut current = u32::MAX;
                    let mut best = 0.0f32;
                    for p in &self.postings[term as usize] {
                        if Some(p.text) == excluded_text {
                            continue;
                        }
                        if p.entry != current {
                            if current != u32::MAX {
                                group_max(s, current, w * best);
                            }
                            current = p.entry;
                            best = 0.0;
                        }
                        best = best.max(p.weight);
                        if matches!(self.texts[p.text as usize].field, Field::Question | Field::Variant) {
                            if s.text_dot[p.text as usize] == 0.0 {
                                s.touched_texts.push(p.text);
                            }
                            s.text_dot[p.text as usize] += w;
                        }
                    }
                    if current != u32::MAX {
                        group_max(s, current, w * best);
                    }
                }
                for i in 0..s.group_touched.len() {
                    let e = s.group_touched[i];
                    let v = std::mem::take(&mut s.group_best[e as usize]);
                    add_entry(s, e, v);
                    s.matched[e as usize] += 1;
                }
                s.group_touched.clear();
            }
            let qnorm = dot_total.sqrt();
            for &t in &s.touched_texts {
                let info = &self.texts[t as usize];
                let cos = s.text_dot[t as usize] / (qnorm * info.norm.max(1e-6));
                let slot = &mut s.closeness[info.entry as usize];
                *slot = slot.max(cos.min(1.0));
                s.text_dot[t as usize] = 0.0;
            }
            s.touched_texts.clear();
            let mut ranked: Vec<Scored> = s
                .touched_entries
                .iter()
                .map(|&e| {
                    let mass = s.coverage[e as usize];
                    let coverage = (mass / total.min(self.params.coverage_cap)).min(1.0);
                    let closeness = s.closeness[e as usize];
                    let p = &self.params;
                    let evidence = (mass / p.evidence_full).min(1.0).powf(p.evidence_power);
                    Scored {
                        entry: e,
                        score: (p.coverage_share * coverage + (1.0 - p.coverage_share) * closeness) * evidence,
                        coverage,
                        closeness,
                        evidence,
                        matched_words: f32::from(s.matched[e as usize]) / groups.len().max(1) as f32,
                    }
                })
                .collect();
            for &e in &s.touched_entries {
                s.coverage[e as usize] = 0.0;
                s.closeness[e as usize] = 0.0;
                s.matched[e as usize] = 0;
            }
            s.touched_entries.clear();
            let cmp = |a: &Scored, b: &Scored| b.score.total_cmp(&a.score).then(a.entry.cmp(&b.entry));
            if ranked.len() > limit {
                ranked.select_nth_unstable_by(limit, cmp);
                ranked.truncate(limit);
            }
            ranked.sort_unstable_by(cmp);
            ranked
        })
    }

    /// One weight per question word (group): that of its most common reading. Computed once per
    /// question and shared by [`Self::rank`] and [`Self::question_weight`].
    pub(crate) fn groups(&self, terms: &[QueryTerm]) -> Vec<(u32, f32)> {
        let mut groups: Vec<(u32, f32)> = Vec::with_capacity(terms.len());
        for &(t, _, weight, group) in terms {
            let v = self.idf[t as usize] * weight;
            match groups.iter_mut().find(|(g, _)| *g == group) {
                Some(slot) => slot.1 = slot.1.min(v),
                None => groups.push((group, v)),
            }
        }
        groups
    }

    /// What the decision needs to know about a question's words (see [`QuestionWeight`]).
    pub(crate) fn question_weight(&self, terms: &[QueryTerm], groups: &[(u32, f32)], unknown: f32) -> QuestionWeight {
        let total = groups.iter().map(|&(_, v)| v).sum::<f32>() + unknown;
        if total <= 0.0 {
            return QuestionWeight::default();
        }
        let share = |keep: &dyn Fn(&QueryTerm) -> bool| {
            let weight: f32 =
                groups.iter().filter(|&&(g, _)| terms.iter().filter(|t| t.3 == g).all(keep)).map(|&(_, v)| v).sum();
            weight / total
        };
        QuestionWeight {
            total,
            unknown_share: unknown / total,
            corrected_share: share(&|t| t.1 < 1.0),
            answer_only_share: share(&|t| self.answer_only[t.0 as usize]),
            bare_word: false,
        }
    }

    /// `(variant position, text id)` of an entry's indexed variants, for calibration.
    pub(crate) fn variant_texts(&self, entry: u32) -> Vec<(usize, u32)> {
        self.texts
            .iter()
            .enumerate()
            .filter(|(_, t)| t.entry == entry && t.field == Field::Variant)
            .map(|(i, t)| (t.ordinal as usize, i as u32))
            .collect()
    }

    pub(crate) fn entry_at(&self, i: u32) -> &FaqEntry {
        &self.content.entries[i as usize]
    }

    pub(crate) fn entry_index(&self, id: &str) -> Option<u32> {
        self.entry_ids.get(id).copied()
    }

    /// The entry with this id.
    #[must_use]
    pub fn entry(&self, id: &str) -> Option<&FaqEntry> {
        self.entry_index(id).map(|i| self.entry_at(i))
    }

    /// The content the index was built from.
    #[must_use]
    pub fn content(&self) -> &FaqContent {
        &self.content
    }

    /// The question's terms as the index sees them (`stem*factor/idf`), for `faq ask` and
    /// debugging.
    #[must_use]
    pub fn explain(&self, question: &str) -> String {
        match self.analyze(question, None) {
            Analysis::Terms { terms, unknown } => {
                let mut parts: Vec<String> = terms
                    .iter()
                    .map(|&(t, f, w, _)| {
                        format!("{}*{f:.1}x{w:.1}/{:.2}", self.stems[t as usize], self.idf[t as usize])
                    })
                    .collect();
                parts.push(format!("unknown={unknown:.2}"));
                parts.join(" ")
            }
            other => format!("{other:?}"),
        }
    }

    /// Number of distinct terms, for reports.
    #[must_use]
    pub fn term_count(&self) -> usize {
        self.idf.len()
    }
}

fn add_entry(s: &mut Scratch, entry: u32, value: f32) {
    let slot = &mut s.coverage[entry as usize];
    if *slot == 0.0 {
        s.touched_entries.push(entry);
    }
    *slot += value.max(f32::MIN_POSITIVE);
}

fn group_max(s: &mut Scratch, entry: u32, value: f32) {
    let slot = &mut s.group_best[entry as usize];
    if *slot == 0.0 {
        s.group_touched.push(entry);
    }
    *slot = slot.max(value.max(f32::MIN_POSITIVE));
}

fn push_max(terms: &mut Vec<QueryTerm>, term: QueryTerm) {
    match terms.iter_mut().find(|t| t.0 == term.0) {
        Some(slot) => {
            slot.1 = slot.1.max(term.1);
            slot.2 = slot.2.max(term.2);
        }
        None => terms.push(term),
    }
}
