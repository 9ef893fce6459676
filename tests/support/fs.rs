//! File helpers shared by the test crates (`#[path]`-included: `tests/faq_check.rs`, `tests/api`).

use std::{fs, path::Path};

/// Copies the directory `from` into the existing directory `to`, recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}
