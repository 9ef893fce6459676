//! Replays every seed of every fuzz target (`tests/fuzz/corpus/<target>/`) through the same checks as the
//! libFuzzer targets (`accelerateur::fuzz_checks`), so the corpus runs in `cargo test` on the stable toolchain.
//! Crash inputs worth keeping are added to the corpus, and so are replayed here too.

use std::path::{Path, PathBuf};

use accelerateur::fuzz_checks::{check_callback, check_content, check_formatted, check_question};

/// Seed files of one target, sorted; at least a dozen, so a moved folder cannot make the test pass empty.
fn seeds(target: &str) -> Vec<(PathBuf, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz/corpus").join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .collect();
    files.sort();
    assert!(files.len() >= 12, "{}: only {} seeds", dir.display(), files.len());
    files
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            // The targets see invalid UTF-8 the same way.
            let text = String::from_utf8_lossy(&bytes).into_owned();
            (path, text)
        })
        .collect()
}

fn replay(target: &str, check: fn(&str)) {
    for (path, text) in seeds(target) {
        if let Err(panic) = std::panic::catch_unwind(|| check(&text)) {
            let message = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("(no message)");
            panic!("seed {} fails: {message}", path.display());
        }
    }
}

#[test]
fn matcher_seeds_pass() {
    replay("matcher", check_question);
}

#[test]
fn content_seeds_pass() {
    replay("content", check_content);
}

#[test]
fn callback_seeds_pass() {
    replay("callback", check_callback);
}

#[test]
fn parse_mode_seeds_pass() {
    replay("parse_mode", check_formatted);
}
