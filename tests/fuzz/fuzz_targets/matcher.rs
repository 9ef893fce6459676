//! Fuzz target `matcher`: normalisation and matching of any message on the shipped FAQ.
//! Properties and time budget: `accelerateur::fuzz_checks::check_question`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    accelerateur::fuzz_checks::check_question(&String::from_utf8_lossy(data));
});
