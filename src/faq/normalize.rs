//! Text normalisation shared by the FAQ index and the questions asked against it.
//!
//! One job: turn a French message typed on a phone into comparable words. Steps, in order:
//! lower-case; everything that is neither a letter, a digit nor an apostrophe becomes a space
//! (emoji and punctuation disappear, hyphens split words); accents are folded with `deunicode`;
//! elisions (`l'`, `d'`, `j'`, `qu'`, `c'`, `n'`, `s'`, `m'`) are dropped, except `t'`, which becomes
//! `tu` (a stop word, but smalltalk phrases such as "tu es un robot" need it). The result is a list
//! of *words* ([`fold_words`]). [`Normalizer::term`] then turns a content word into a [`Term`] that
//! keeps both its raw (folded) form and its French Snowball stem: a typo changes the stem, so typo
//! tolerance works on raw forms while scoring works on stems.
//!
//! SMS abbreviations and synonyms are domain knowledge: they live in `faq/lexicon.toml` and are
//! applied by [`crate::faq::lexicon::Lexicon`]; stop words are plain French and live here.

use rust_stemmers::{Algorithm, Stemmer};

/// Elided prefixes dropped before an apostrophe (`l'achat` -> `achat`).
const ELISIONS: &[&str] = &["l", "d", "j", "qu", "c", "n", "s", "t", "m", "jusqu", "lorsqu", "puisqu", "quoiqu"];

/// French words that carry no topic: articles, pronouns, auxiliaries, fillers.
/// Interrogatives such as `combien`, `quand`, `pourquoi` are kept: IDF weighting makes them cheap
/// where they are common, and they separate "how much" from "when" where they are not.
const STOP_WORDS: &[&str] = &[
    "a",
    "ai",
    "aie",
    "aient",
    "ait",
    "as",
    "au",
    "aux",
    "avec",
    "avez",
    "avoir",
    "avons",
    "ont",
    "b",
    "bah",
    "ben",
    "bien",
    "bref",
    "c",
    "ca",
    "ce",
    "ceci",
    "cela",
    "celle",
    "celles",
    "celui",
    "ces",
    "cet",
    "cette",
    "ceux",
    "chez",
    "ci",
    "d",
    "dans",
    "de",
    "des",
    "dois",
    "doit",
    "donc",
    "du",
    "e",
    "elle",
    "elles",
    "en",
    "encore",
    "es",
    "est",
    "et",
    "etais",
    "etait",
    "etant",
    "ete",
    "etes",
    "etre",
    "eu",
    "eux",
    "faire",
    "fais",
    "fait",
    "faut",
    "falloir",
    "hein",
    "i",
    "il",
    "ils",
    "j",
    "je",
    "l",
    "la",
    "le",
    "les",
    "leur",
    "leurs",
    "lui",
    "m",
    "ma",
    "mais",
    "me",
    "meme",
    "mes",
    "moi",
    "mon",
    "n",
    "ne",
    "ni",
    "nos",
    "notre",
    "nous",
    "o",
    "on",
    "ou",
    "par",
    "pas",
    "peu",
    "peut",
    "peux",
    "pouvez",
    "pouvoir",
    "puis",
    "qu",
    "que",
    "quelque",
    "qui",
    "s",
    "sa",
    "sans",
    "se",
    "ses",
    "si",
    "sois",
    "soit",
    "son",
    "sont",
    "suis",
    "sur",
    "t",
    "ta",
    "te",
    "tes",
    "toi",
    "ton",
    "tu",
    "un",
    "une",
    "unes",
    "uns",
    "vais",
    "va",
    "veux",
    "veut",
    "voila",
    "vos",
    "votre",
    "vous",
    "vouloir",
    "voudrais",
    "voudrait",
    "y",
    "ya",
    "plait",
    "tres",
    "trop",
    "aussi",
    "alors",
    "deja",
    "tout",
    "tous",
    "toute",
    "toutes",
    "svp",
    "stp",
    "merci",
    "bonjour",
    "bonsoir",
    "salut",
    "madame",
    "monsieur",
    "quoi",
    "est-ce",
    "estce",
    "possible",
    "exactement",
    "vraiment",
    "quand-meme",
    "quelle",
    "quelles",
    "quel",
    "quels",
    "lequel",
    "laquelle",
    "lesquels",
    "dire",
    "savoir",
    "sais",
    "sait",
    "mettre",
    "mets",
    "met",
    "ok",
    "oui",
    "non",
    "pour",
    "comment",
    "comme",
    "dont",
    "apres",
    "chaque",
    "h",
    "k",
    "p",
    "r",
    "u",
    "v",
    "w",
    "x",
    "z",
    "g",
    "f",
];

/// A content word: its folded raw form and its stem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub raw: String,
    pub stem: String,
}

/// Folds text into words: lower-case, accents folded, punctuation and emoji removed, elisions
/// dropped. Digits are kept. No stop-word removal, no stemming.
#[must_use]
pub fn fold_words(text: &str) -> Vec<String> {
    let mut cleaned = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_alphanumeric() {
            cleaned.extend(c.to_lowercase());
        } else if matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '`' | '\u{02bc}') {
            cleaned.push('\'');
        } else {
            cleaned.push(' ');
        }
    }
    let folded = deunicode::deunicode(&cleaned).to_lowercase();
    let mut words = Vec::new();
    for chunk in folded.split_whitespace() {
        let mut parts = chunk.split('\'').filter(|p| !p.is_empty()).peekable();
        while let Some(part) = parts.next() {
            let elided = parts.peek().is_some() && ELISIONS.contains(&part);
            if elided {
                // "t'es", "t'as": the elided "tu" matters to smalltalk phrases ("tu es un robot").
                if part == "t" {
                    words.push("tu".to_owned());
                }
                continue;
            }
            // deunicode may turn a letter into several characters with spaces or symbols.
            for w in part.split(|c: char| !c.is_ascii_alphanumeric()) {
                if !w.is_empty() {
                    words.push(w.to_owned());
                }
            }
        }
    }
    words
}

/// Whether a folded word is a French stop word.
#[must_use]
pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.contains(&word)
}

/// Stems French words (Snowball) and builds [`Term`]s. Cheap to share: `Send + Sync`.
pub struct Normalizer {
    stemmer: Stemmer,
}

impl Default for Normalizer {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for Normalizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Normalizer(french)")
    }
}

impl Normalizer {
    #[must_use]
    pub fn new() -> Self {
        Self { stemmer: Stemmer::create(Algorithm::French) }
    }

    /// The French stem of a folded word. Digits are returned unchanged.
    #[must_use]
    pub fn stem(&self, word: &str) -> String {
        if word.bytes().any(|b| b.is_ascii_digit()) {
            return word.to_owned();
        }
        self.stemmer.stem(word).into_owned()
    }

    #[must_use]
    pub fn term(&self, word: &str) -> Term {
        Term { raw: word.to_owned(), stem: self.stem(word) }
    }

    /// Folded words without stop words, as terms. Abbreviations and synonyms are not applied
    /// here (see the lexicon).
    #[must_use]
    pub fn terms(&self, text: &str) -> Vec<Term> {
        fold_words(text).iter().filter(|w| !is_stop_word(w)).map(|w| self.term(w)).collect()
    }
}

/// A rough French phonetic key, so that `boutik` meets `boutique`, `foto` meets `photo` and
/// `fer` meets `faire`. Applied to folded words only.
#[must_use]
pub fn phonetic_key(word: &str) -> String {
    let mut s = word.to_owned();
    for (from, to) in [
        ("eaux", "o"),
        ("eau", "o"),
        ("au", "o"),
        ("ph", "f"),
        ("qu", "k"),
        ("ck", "k"),
        ("ch", "§"),
        ("ai", "e"),
        ("ei", "e"),
        ("ez", "e"),
        ("er", "e"),
        ("et", "e"),
        ("oi", "wa"),
        ("ou", "u"),
        ("en", "an"),
        ("em", "an"),
        ("am", "an"),
        ("y", "i"),
        ("h", ""),
        ("w", "v"),
    ] {
        s = s.replace(from, to);
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(chars.len());
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        let c = match c {
            'c' if matches!(next, Some('e' | 'i')) => 's',
            'c' => 'k',
            'g' if matches!(next, Some('e' | 'i')) => 'j',
            'z' => 's',
            'x' => 's',
            other => other,
        };
        if out.ends_with(c) {
            continue;
        }
        out.push(c);
    }
    while out.len() > 2 && out.ends_with(['e', 's', 't', 'd', 'x', 'p']) {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_do_not_matter() {
        assert_eq!(fold_words("Créer ma boutique à Noël"), ["creer", "ma", "boutique", "a", "noel"]);
        assert_eq!(fold_words("ÉTÉ"), ["ete"]);
    }

    #[test]
    fn elisions_are_dropped() {
        assert_eq!(fold_words("l'achat d’un site qu'il faut"), ["achat", "un", "site", "il", "faut"]);
        assert_eq!(fold_words("j'ai c'est"), ["ai", "est"]);
    }

    #[test]
    fn punctuation_and_emoji_disappear_digits_stay() {
        assert_eq!(fold_words("frais de port ?!! 😀 14 jours"), ["frais", "de", "port", "14", "jours"]);
        assert!(fold_words("??! 🙏🙏").is_empty());
    }

    #[test]
    fn stop_words_are_removed_and_words_stemmed() {
        let n = Normalizer::new();
        let terms = n.terms("Je veux créer des boutiques");
        let stems: Vec<_> = terms.iter().map(|t| t.stem.as_str()).collect();
        assert_eq!(stems, ["cre", "boutiqu"]);
        assert_eq!(terms[1].raw, "boutiques");
    }

    #[test]
    fn phonetic_spellings_share_a_key() {
        assert_eq!(phonetic_key("boutik"), phonetic_key("boutique"));
        assert_eq!(phonetic_key("foto"), phonetic_key("photo"));
        assert_eq!(phonetic_key("fer"), phonetic_key("faire"));
        assert_eq!(phonetic_key("koi"), phonetic_key("quoi"));
        assert_ne!(phonetic_key("site"), phonetic_key("stock"));
    }
}
