//! `faq check` on a deliberately broken content directory (`tests/fixtures/faq-broken/`), and its
//! review warnings (`--strict`) on the shipped content and on copies of it with one fixture entry
//! from `tests/fixtures/faq-review/` added.

use std::fs;
use std::path::{Path, PathBuf};

use jiff::civil::{Date, date};

use accelerateur::faq::FaqContent;
use accelerateur::faq::check::check_dir;
use accelerateur::faq::commands;

#[path = "support/fs.rs"]
mod support_fs;
use support_fs::copy_dir;

fn broken() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/faq-broken")
}

fn messages() -> Vec<String> {
    check_dir(&broken()).iter().map(ToString::to_string).collect()
}

fn assert_reported(fragment: &str) {
    let all = messages();
    assert!(all.iter().any(|m| m.contains(fragment)), "no {fragment:?} in {all:#?}");
}

#[test]
fn toml_syntax_errors_give_file_line_and_column() {
    assert_reported("programme.toml: TOML error at line 5, column");
}

#[test]
fn duplicate_ids_are_reported() {
    assert_reported("boutique.toml: entry \"creer-site\": duplicate id");
}

#[test]
fn too_long_answers_are_reported_with_their_length() {
    assert_reported("entry \"trop-long\": answer is 1019 characters (max 900)");
}

#[test]
fn unknown_modules_are_reported() {
    assert_reported("entry \"creer-site\": unknown module \"boutique-module-inexistant\"");
}

#[test]
fn invalid_links_are_reported() {
    assert_reported("invalid link \"https://exa\"");
    let all = messages();
    assert!(!all.iter().any(|m| m.contains("francenum")), "{all:#?}");
}

#[test]
fn broken_content_does_not_load_and_check_says_so() {
    assert!(FaqContent::load_dir(&broken()).is_err());
    let (ok, text) = check(&broken(), false);
    assert!(!ok);
    assert!(text.trim_end().ends_with("problem(s) found"), "{text}");
}

/// The day the shipped content was last reviewed in full.
const TODAY: Date = date(2026, 12, 3);

fn shipped() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("faq")
}

fn check(dir: &Path, strict: bool) -> (bool, String) {
    let mut out = Vec::new();
    let ok = commands::check(dir, strict, TODAY, &mut out).unwrap();
    (ok, String::from_utf8(out).unwrap())
}

/// A copy of the shipped content with `tests/fixtures/faq-review/<fixture>` appended to `ventes.toml`.
fn shipped_plus(fixture: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&shipped(), dir.path());
    let extra =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/faq-review").join(fixture))
            .unwrap();
    let ventes = dir.path().join("ventes.toml");
    let text = fs::read_to_string(&ventes).unwrap() + "\n" + &extra;
    fs::write(ventes, text).unwrap();
    dir
}

#[test]
fn the_shipped_content_passes_check_strict() {
    let (ok, text) = check(&shipped(), true);
    assert!(ok, "{text}");
    assert!(!text.contains("warning:"), "{text}");
}

#[test]
fn an_unsourced_amount_is_a_warning_and_fails_strict() {
    let dir = shipped_plus("unsourced-amount.toml");
    let (ok, text) = check(dir.path(), false);
    assert!(ok, "a warning does not stop the content: {text}");
    assert!(
        text.contains("ventes.toml: entry \"seuil-sans-source\": answer states an amount (\"85 000 €\") but the entry has no sources"),
        "{text}"
    );
    assert!(FaqContent::load_dir(dir.path()).is_ok(), "the bot still loads it");
    let (ok, text) = check(dir.path(), true);
    assert!(!ok, "{text}");
    assert!(text.trim_end().ends_with("1 warning(s), failing with --strict"), "{text}");
}

#[test]
fn a_review_older_than_twelve_months_is_a_warning_and_fails_strict() {
    let dir = shipped_plus("stale-review.toml");
    let (ok, text) = check(dir.path(), false);
    assert!(ok, "{text}");
    assert!(text.contains("entry \"revue-perimee\": last reviewed 2025-11-20, more than 12 months ago"), "{text}");
    let (ok, text) = check(dir.path(), true);
    assert!(!ok, "{text}");
}
