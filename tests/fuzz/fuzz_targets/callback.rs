//! Fuzz target `callback`: the callback-data parser and its round trip.
//! Properties and time budget: `accelerateur::fuzz_checks::check_callback`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    accelerateur::fuzz_checks::check_callback(&String::from_utf8_lossy(data));
});
