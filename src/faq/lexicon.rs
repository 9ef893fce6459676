//! The matcher's domain vocabulary, read from the human-editable `faq/lexicon.toml`.
//!
//! Four parts, all compared on folded words (see [`crate::faq::normalize`]):
//! - `[abbreviations]`: SMS spellings expanded to plain words (`cmt` -> `comment`, `jsp` ->
//!   `je sais pas`); an empty expansion deletes the word.
//! - `[[contextual]]`: abbreviations whose meaning depends on the previous word (`cb`: "combien"
//!   by default, "carte bancaire" after `par`, `la`, `payer`...).
//! - `synonyms`: groups of words or expressions that mean the same thing here (`frais de port`,
//!   `frais de livraison`, `frais d'envoi`). Every member adds the group's concept term, so a
//!   question and an entry that use different members still share a term.
//! - `[smalltalk]`: phrases by kind (greeting, thanks, ...). A message made only of such phrases
//!   (plus `fillers`) is smalltalk; in a real question they are removed before matching.

use std::collections::{HashMap, HashSet};

use serde::Deserialize;

use crate::faq::normalize::{Normalizer, fold_words, is_stop_word};

/// What a smalltalk message is, so the bot can answer in kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SmalltalkKind {
    Greeting,
    Thanks,
    /// "ok", "d'accord", "super".
    Acknowledgement,
    Goodbye,
    /// "mdr", "lol", "haha".
    Laughter,
    /// "t ki", "tu es un robot".
    AboutBot,
    HowAreYou,
}

impl SmalltalkKind {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Greeting => "greeting",
            Self::Thanks => "thanks",
            Self::Acknowledgement => "acknowledgement",
            Self::Goodbye => "goodbye",
            Self::Laughter => "laughter",
            Self::AboutBot => "about_bot",
            Self::HowAreYou => "how_are_you",
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LexiconFile {
    #[serde(default)]
    abbreviations: HashMap<String, String>,
    #[serde(default)]
    contextual: Vec<ContextualFile>,
    #[serde(default)]
    synonyms: SynonymsFile,
    #[serde(default)]
    smalltalk: SmalltalkFile,
    #[serde(default)]
    domain: DomainFile,
}

/// Words of the programme's subjects (selling online), for [`Lexicon::mentions_domain`].
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct DomainFile {
    #[serde(default)]
    words: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SynonymsFile {
    #[serde(default)]
    groups: Vec<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ContextualFile {
    token: String,
    default: String,
    after: Vec<String>,
    replacement: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SmalltalkFile {
    #[serde(default)]
    greeting: Vec<String>,
    #[serde(default)]
    thanks: Vec<String>,
    #[serde(default)]
    acknowledgement: Vec<String>,
    #[serde(default)]
    goodbye: Vec<String>,
    #[serde(default)]
    laughter: Vec<String>,
    #[serde(default)]
    about_bot: Vec<String>,
    #[serde(default)]
    how_are_you: Vec<String>,
    #[serde(default)]
    fillers: Vec<String>,
}

#[derive(Debug, Clone)]
struct Contextual {
    default: Vec<String>,
    after: HashSet<String>,
    replacement: Vec<String>,
}

/// Smalltalk found in a message, and what is left once it is removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmalltalkSplit {
    /// Kind of the first smalltalk phrase found, if any.
    pub kind: Option<SmalltalkKind>,
    /// The words that are not smalltalk, in order.
    pub rest: Vec<String>,
}

/// The compiled lexicon. Built once with the index.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    abbreviations: HashMap<String, Vec<String>>,
    contextual: HashMap<String, Contextual>,
    /// Multi-word synonym phrases as stems, with their concept, longest first.
    phrases: Vec<(Vec<String>, usize)>,
    /// Single-stem synonyms.
    single: HashMap<String, usize>,
    /// Every stem of every synonym member.
    member_stems: HashSet<String>,
    concepts: Vec<String>,
    smalltalk: Vec<(Vec<String>, SmalltalkKind)>,
    fillers: HashSet<String>,
    /// Stems of the `domain` words.
    domain: HashSet<String>,
    /// A hash of the source text (0 for a lexicon built otherwise).
    fingerprint: u64,
}

impl Lexicon {
    /// Parses `lexicon.toml` text.
    ///
    /// # Errors
    /// TOML syntax or shape errors.
    pub fn from_toml_str(text: &str, normalizer: &Normalizer) -> Result<Self, toml::de::Error> {
        let file: LexiconFile = toml::from_str(text)?;
        let mut hasher = std::hash::DefaultHasher::new();
        std::hash::Hash::hash(text, &mut hasher);
        Ok(Self { fingerprint: std::hash::Hasher::finish(&hasher), ..Self::compile(file, normalizer) })
    }

    /// A hash of the source text the lexicon was compiled from: equal sources give equal
    /// fingerprints (a key for caches of what is derived from the lexicon).
    #[must_use]
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    fn compile(file: LexiconFile, normalizer: &Normalizer) -> Self {
        let mut lexicon = Self {
            abbreviations: file.abbreviations.into_iter().map(|(k, v)| (k, fold_words(&v))).collect(),
            ..Self::default()
        };
        for rule in file.contextual {
            lexicon.contextual.insert(
                rule.token,
                Contextual {
                    default: fold_words(&rule.default),
                    after: rule.after.into_iter().collect(),
                    replacement: fold_words(&rule.replacement),
                },
            );
        }
        for group in file.synonyms.groups {
            let Some(first) = group.first() else { continue };
            let concept = lexicon.concepts.len();
            lexicon.concepts.push(format!("~{}", fold_words(first).join("_")));
            for member in &group {
                let stems: Vec<String> = lexicon
                    .content_words(lexicon.expand(fold_words(member)))
                    .iter()
                    .map(|w| normalizer.stem(w))
                    .collect();
                lexicon.member_stems.extend(stems.iter().cloned());
                match stems.len() {
                    0 => {}
                    1 => {
                        lexicon.single.insert(stems[0].clone(), concept);
                    }
                    _ => lexicon.phrases.push((stems, concept)),
                }
            }
        }
        lexicon.phrases.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
        let st = file.smalltalk;
        for (kind, phrases) in [
            (SmalltalkKind::Greeting, st.greeting),
            (SmalltalkKind::Thanks, st.thanks),
            (SmalltalkKind::Acknowledgement, st.acknowledgement),
            (SmalltalkKind::Goodbye, st.goodbye),
            (SmalltalkKind::Laughter, st.laughter),
            (SmalltalkKind::AboutBot, st.about_bot),
            (SmalltalkKind::HowAreYou, st.how_are_you),
        ] {
            for phrase in phrases {
                let words = lexicon.expand(fold_words(&phrase));
                if !words.is_empty() {
                    lexicon.smalltalk.push((words, kind));
                }
            }
        }
        lexicon.smalltalk.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
        lexicon.fillers = st.fillers.iter().flat_map(|f| fold_words(f)).collect();
        lexicon.domain = file.domain.words.iter().flat_map(|w| fold_words(w)).map(|w| normalizer.stem(&w)).collect();
        lexicon.domain.retain(|stem| !is_stop_word(stem));
        lexicon
    }

    /// Whether `text` uses at least one word of the programme's subjects (`[domain]` in `lexicon.toml`): a message
    /// the bot cannot answer is offered to a trainer only then ("quel temps fait-il à Lyon" is not).
    #[must_use]
    pub fn mentions_domain(&self, text: &str, normalizer: &Normalizer) -> bool {
        self.expand(fold_words(text)).iter().any(|word| self.domain.contains(&normalizer.stem(word)))
    }

    /// Expands SMS abbreviations in folded words.
    #[must_use]
    pub fn expand(&self, words: Vec<String>) -> Vec<String> {
        let mut out: Vec<String> = Vec::with_capacity(words.len() + 4);
        for word in words {
            if let Some(rule) = self.contextual.get(&word) {
                let after = out.last().is_some_and(|prev| rule.after.contains(prev));
                let expansion = if after { &rule.replacement } else { &rule.default };
                out.extend(expansion.iter().cloned());
            } else if let Some(expansion) = self.abbreviations.get(&word) {
                out.extend(expansion.iter().cloned());
            } else {
                out.push(word);
            }
        }
        out
    }

    /// Words that carry meaning: not stop words, not smalltalk fillers.
    #[must_use]
    pub fn content_words(&self, words: Vec<String>) -> Vec<String> {
        words.into_iter().filter(|w| !is_stop_word(w)).collect()
    }

    /// Finds smalltalk phrases in expanded words and returns the rest.
    #[must_use]
    pub fn split_smalltalk(&self, words: &[String]) -> SmalltalkSplit {
        let mut kind = None;
        let mut rest = Vec::with_capacity(words.len());
        let mut i = 0;
        while i < words.len() {
            let found = self.smalltalk.iter().find(|(p, _)| words[i..].starts_with(p));
            match found {
                Some((p, k)) => {
                    kind.get_or_insert(*k);
                    i += p.len();
                }
                None => {
                    rest.push(words[i].clone());
                    i += 1;
                }
            }
        }
        SmalltalkSplit { kind, rest }
    }

    /// Whether the words left around smalltalk are only stop words and fillers.
    #[must_use]
    pub fn is_filler_only(&self, words: &[String]) -> bool {
        words.iter().all(|w| is_stop_word(w) || self.fillers.contains(w))
    }

    /// Adds concept terms for synonyms found in a sequence of stems: every member adds its
    /// group's concept; a single-word member is kept too when `keep` says so (the index keeps
    /// words it knows, so "etsy" still prefers entries naming Etsy), otherwise replaced.
    /// Returns, for each concept appended, the position of the first stem it comes from.
    pub fn apply_synonyms(&self, stems: &mut Vec<String>, keep: impl Fn(&str) -> bool) -> Vec<usize> {
        let mut added = Vec::new();
        let mut sources = Vec::new();
        let mut i = 0;
        while i < stems.len() {
            let found = self.phrases.iter().find(|(p, _)| stems[i..].starts_with(p));
            if let Some((p, concept)) = found {
                added.push(self.concepts[*concept].clone());
                sources.push(i);
                i += p.len();
                continue;
            }
            if let Some(&concept) = self.single.get(&stems[i]) {
                if keep(&stems[i]) {
                    added.push(self.concepts[concept].clone());
                    sources.push(i);
                } else {
                    stems[i] = self.concepts[concept].clone();
                }
            }
            i += 1;
        }
        stems.extend(added);
        sources
    }

    /// Whether a stem belongs to a synonym group.
    #[must_use]
    pub fn knows_stem(&self, stem: &str) -> bool {
        self.single.contains_key(stem) || self.phrases.iter().any(|(p, _)| p.iter().any(|s| s == stem))
    }

    /// Number of synonym groups, for reports.
    #[must_use]
    pub fn concept_count(&self) -> usize {
        self.concepts.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"
[abbreviations]
cmt = "comment"
jsp = "je sais pas"
pr = "pour"

[[contextual]]
token = "cb"
default = "combien"
after = ["par", "la", "en"]
replacement = "carte bancaire"

[synonyms]
groups = [["frais de livraison", "frais de port", "frais d'envoi"], ["instagram", "insta"]]

[smalltalk]
greeting = ["bonjour", "slt"]
thanks = ["merci", "merci beaucoup"]
about_bot = ["tu es un robot"]
fillers = ["beaucoup", "aide"]
"#;

    fn lexicon() -> (Lexicon, Normalizer) {
        let n = Normalizer::new();
        (Lexicon::from_toml_str(SAMPLE, &n).unwrap(), n)
    }

    fn words(s: &str) -> Vec<String> {
        fold_words(s)
    }

    #[test]
    fn sms_abbreviations_are_expanded() {
        let (lex, _) = lexicon();
        assert_eq!(lex.expand(words("cmt faire pr jsp")), words("comment faire pour je sais pas"));
    }

    #[test]
    fn cb_means_combien_unless_it_follows_a_payment_word() {
        let (lex, _) = lexicon();
        assert_eq!(lex.expand(words("cb ca coute")), words("combien ca coute"));
        assert_eq!(lex.expand(words("payer par cb")), words("payer par carte bancaire"));
    }

    #[test]
    fn synonym_expressions_share_a_concept() {
        let (lex, n) = lexicon();
        let stems = |s: &str| -> Vec<String> {
            let mut v: Vec<String> = lex.content_words(lex.expand(words(s))).iter().map(|w| n.stem(w)).collect();
            lex.apply_synonyms(&mut v, |_| false);
            v
        };
        let port = stems("frais de port offerts");
        let envoi = stems("les frais d'envoi");
        assert!(port.iter().any(|t| t.starts_with('~') && envoi.contains(t)));
        assert_eq!(stems("insta"), stems("instagram"));
    }

    #[test]
    fn smalltalk_is_split_from_the_rest() {
        let (lex, _) = lexicon();
        let split = lex.split_smalltalk(&words("Merci beaucoup pour votre aide"));
        assert_eq!(split.kind, Some(SmalltalkKind::Thanks));
        assert!(lex.is_filler_only(&split.rest));
        let split = lex.split_smalltalk(&words("bonjour cmt ouvrir une boutique"));
        assert_eq!(split.kind, Some(SmalltalkKind::Greeting));
        assert!(!lex.is_filler_only(&split.rest));
    }
}
