//! Fuzz target `content`: the FAQ, curriculum, lexicon and thresholds TOML loaders on any text.
//! Properties and time budget: `accelerateur::fuzz_checks::check_content`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    accelerateur::fuzz_checks::check_content(&String::from_utf8_lossy(data));
});
