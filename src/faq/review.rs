//! Review metadata of FAQ entries: which answers state facts that need a source, and which
//! entries have not been checked against their sources for too long.
//!
//! Merchants act on the answers, so an answer that states an amount, a percentage, a legal
//! deadline or a law must name where it comes from (`sources`), and someone must re-read it
//! against those sources at least every [`MAX_REVIEW_AGE_MONTHS`] months (`reviewed`). Both are
//! *warnings* of `faq check` (the bot still loads the content); `faq check --strict` fails on them.
//!
//! The fact detector is a deliberately simple heuristic over the answer's text ([`stated_facts`]):
//! - an **amount**: a number next to a currency (`39 €`, `0,20 $`, `£135`, `10 000 euros`);
//! - a **percentage**: a number followed by `%`;
//! - a **deadline**: a number of days, months or years (`14 jours`, `12 mois`, `2 ans`), in
//!   figures or in words from "deux" up;
//! - a **law**: an article (`art. 293 B`, `article L221-18`), a code (`Code de commerce`), a
//!   `loi`, a `directive`, a European `règlement`, the `CGI` or the `CIBS`.
//!
//! It over-reports on purpose (a delivery time in days counts as a deadline): the cost of a
//! false alarm is one source URL, the cost of a miss is a merchant acting on a guess.

use std::sync::LazyLock;

use jiff::{ToSpan, civil::Date};
use regex::Regex;

/// An entry whose `reviewed` date is older than this is reported as stale.
pub const MAX_REVIEW_AGE_MONTHS: i32 = 12;

/// What kind of checkable fact an answer states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactKind {
    Amount,
    Percentage,
    Deadline,
    Law,
}

impl FactKind {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Amount => "an amount",
            Self::Percentage => "a percentage",
            Self::Deadline => "a deadline",
            Self::Law => "a law or an article",
        }
    }
}

const NUMBER: &str = r"\d(?:[\d\u{a0}\u{202f} .,]*\d)?";
const WORD_NUMBERS: &str = "deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|quinze|vingt|trente|quarante";

static PATTERNS: LazyLock<Vec<(FactKind, Regex)>> = LazyLock::new(|| {
    let re = |s: &str| Regex::new(s).expect("valid fact pattern");
    vec![
        (
            FactKind::Amount,
            re(&format!(
                r"(?i)[€$£][\u{{a0}}\u{{202f}} ]?\d|{NUMBER}[\u{{a0}}\u{{202f}} ]?(?:[€$£]|(?:euros?|dollars?|EUR)\b)"
            )),
        ),
        (FactKind::Percentage, re(&format!(r"{NUMBER}[\u{{a0}}\u{{202f}} ]?%"))),
        (
            FactKind::Deadline,
            re(&format!(r"(?i)(?:\b\d+|\b(?:{WORD_NUMBERS}))[\u{{a0}}\u{{202f}} ](?:jours?|mois|ans|années?)\b")),
        ),
        (
            FactKind::Law,
            re(
                r"(?i)\b(?:art\.|article)\s?[LRD]?\.?\s?\d|\bcode (?:de |du |des |civil|général)|\bloi\b|\bdirective\b|\brèglement (?:européen|\(UE\)|UE|\d)|\bCGI\b|\bCIBS\b",
            ),
        ),
    ]
});

/// The checkable facts stated in a text, each with the first fragment that revealed it.
#[must_use]
pub fn stated_facts(text: &str) -> Vec<(FactKind, &str)> {
    PATTERNS.iter().filter_map(|(kind, re)| re.find(text).map(|m| (*kind, m.as_str()))).collect()
}

/// Whether an entry reviewed on `reviewed` is overdue on `today`.
#[must_use]
pub fn is_stale(reviewed: Date, today: Date) -> bool {
    reviewed.checked_add(MAX_REVIEW_AGE_MONTHS.months()).is_ok_and(|due| due < today)
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    fn kinds(text: &str) -> Vec<FactKind> {
        stated_facts(text).into_iter().map(|(k, _)| k).collect()
    }

    #[test]
    fn amounts_are_numbers_next_to_a_currency() {
        for text in
            ["39 € HT par mois", "0,20 $ par annonce", "£135 ou moins", "10 000 € par an", "85\u{a0}000 €", "5 euros"]
        {
            assert_eq!(kinds(text), [FactKind::Amount], "{text}");
        }
        assert_eq!(stated_facts("seuil de 10 000 € par an")[0].1, "10 000 €");
        assert!(kinds("2 ou 3 options, 4 à 6 photos, 13 tags, 1 500 pixels").is_empty());
    }

    #[test]
    fn percentages_deadlines_and_laws_are_recognised() {
        assert_eq!(kinds("commission de 6,5 % sur la vente"), [FactKind::Percentage]);
        assert_eq!(kinds("remboursez sous 14 jours"), [FactKind::Deadline]);
        assert_eq!(kinds("deux mois pour former opposition"), [FactKind::Deadline]);
        assert_eq!(kinds("garantie de 2 ans"), [FactKind::Deadline]);
        for text in [
            "art. 293 B du CGI",
            "article L221-18",
            "article 1641 du Code civil",
            "la loi du 9 juin 2023",
            "le règlement européen P2B",
            "directive Omnibus",
        ] {
            assert!(kinds(text).contains(&FactKind::Law), "{text}");
        }
        assert!(kinds("règlement par carte, 10 h, 3 à 4 minutes, 2 semaines").is_empty());
    }

    #[test]
    fn a_review_is_stale_after_more_than_twelve_months() {
        let today = date(2026, 12, 3);
        assert!(!is_stale(date(2025, 12, 3), today));
        assert!(is_stale(date(2025, 12, 2), today));
        assert!(!is_stale(date(2026, 12, 3), today));
    }
}
