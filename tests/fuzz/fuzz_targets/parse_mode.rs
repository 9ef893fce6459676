//! Fuzz target `parse_mode`: the emulator's HTML (and Markdown) parse-mode checker.
//! Properties and time budget: `accelerateur::fuzz_checks::check_formatted`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    accelerateur::fuzz_checks::check_formatted(&String::from_utf8_lossy(data));
});
