//! `faq check` on a deliberately broken content directory (`tests/fixtures/faq-broken/`).

use std::path::{Path, PathBuf};

use accelerateur::faq::FaqContent;
use accelerateur::faq::check::check_dir;
use accelerateur::faq::commands;

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
    let mut out = Vec::new();
    assert!(!commands::check(&broken(), &mut out).unwrap());
    let text = String::from_utf8(out).unwrap();
    assert!(text.trim_end().ends_with("problem(s) found"), "{text}");
}
