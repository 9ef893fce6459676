//! The properties the fuzz targets check, one function per target, shared by the libFuzzer targets in
//! `tests/fuzz/` and by `tests/fuzz_corpus.rs`, which replays their seed corpus on the stable toolchain.
//!
//! Each check takes any string and panics when the library panics, when a property below does not hold, or when
//! one call into the library is slow: a call is timed with [`Instant`], and if it takes more than the budget it
//! is run again, up to [`TIMING_ATTEMPTS`] times in all; the check fails when every attempt is over budget (so a
//! scheduler pause on a busy machine is not reported as a slow input). The budget is [`call_budget`]: 10 ms in
//! an optimised build (what `cargo fuzz` builds, with AddressSanitizer), looser in a debug build.

use std::path::Path;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::curriculum::content::{ContentError, Curriculum};
use crate::faq::check::check_chapter_str;
use crate::faq::lexicon::Lexicon;
use crate::faq::normalize::{Normalizer, fold_words};
use crate::faq::{Candidate, FaqContent, FaqIndex, Outcome, Thresholds};
use crate::telegram::callback::{CallbackData, MAX_BYTES};
use crate::telegram_emulator::{Entity, FormattedText, ParseMode, parse, render_html, utf16_len};

/// Budget of one call in an optimised build.
pub const RELEASE_BUDGET: Duration = Duration::from_millis(10);
/// Budget of one call in a debug build (`cargo test`), about 20 times slower than an optimised one.
pub const DEBUG_BUDGET: Duration = Duration::from_millis(200);
/// How many times an over-budget call is run before it counts as slow.
pub const TIMING_ATTEMPTS: usize = 3;

/// The time one call may take in this build: [`RELEASE_BUDGET`] or [`DEBUG_BUDGET`].
#[must_use]
pub fn call_budget() -> Duration {
    if cfg!(debug_assertions) { DEBUG_BUDGET } else { RELEASE_BUDGET }
}

/// Runs `call`, timed as described in the module documentation; panics naming `what` if it is slow.
fn timed<T>(what: &str, input: &str, mut call: impl FnMut() -> T) -> T {
    let budget = call_budget();
    let mut fastest = Duration::MAX;
    for _ in 0..TIMING_ATTEMPTS {
        let start = Instant::now();
        let result = call();
        let elapsed = start.elapsed();
        if elapsed <= budget {
            return result;
        }
        fastest = fastest.min(elapsed);
    }
    let shown: String = input.chars().take(200).collect();
    panic!("{what} took {fastest:?} (budget {budget:?}) on {} bytes starting {shown:?}", input.len());
}

/// The shipped content directory (`faq/`).
#[must_use]
pub fn shipped_faq_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/faq"))
}

/// The index of the shipped FAQ, built once per process.
///
/// # Panics
/// If the shipped content does not load.
pub fn shipped_index() -> &'static FaqIndex {
    static INDEX: OnceLock<FaqIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let content = FaqContent::load_dir(shipped_faq_dir()).unwrap_or_else(|e| panic!("{e}"));
        FaqIndex::build(&content)
    })
}

/// Target `matcher`: normalisation and matching of any message on the shipped FAQ. Every candidate shown or
/// recorded is a known entry with a finite score in [0, 1]; suggestions are one to three.
///
/// # Panics
/// On a failed property or a slow call.
pub fn check_question(text: &str) {
    let index = shipped_index();
    let found = timed("FaqIndex::ask", text, || index.ask(text));
    let known = |c: &Candidate| {
        assert!(index.entry(&c.id).is_some(), "unknown entry {:?} for {text:?}", c.id);
        assert!(c.score.is_finite() && (0.0..=1.0).contains(&c.score), "score {} for {text:?}", c.score);
    };
    found.outcome.shown().iter().chain(&found.best).for_each(known);
    match &found.outcome {
        Outcome::Suggest(list) => assert!((1..=3).contains(&list.len()), "{} suggestions for {text:?}", list.len()),
        Outcome::Empty | Outcome::Smalltalk(_) => assert!(found.best.is_none(), "a best entry for {text:?}"),
        Outcome::Answer(_) | Outcome::Fallback => {}
    }
}

/// Target `content`: the text read as each kind of content file (a chapter's FAQ file, `curriculum.toml`,
/// `lexicon.toml`, `calibration/thresholds.toml`), as `faq check` reads them. Every error message can be
/// displayed, and a lexicon that parses can expand and split a question.
///
/// # Panics
/// On a failed property or a slow call.
pub fn check_content(text: &str) {
    let file = Path::new("faq/fuzz.toml");
    let curriculum = &shipped_index().content().curriculum;
    let show = |errors: &[ContentError]| errors.iter().map(ToString::to_string).collect::<Vec<_>>();

    let (entries, errors) =
        timed("check_chapter_str", text, || check_chapter_str(file, "boutique", text, Some(curriculum)));
    assert!(entries.is_some() || !errors.is_empty(), "a chapter file that did not parse reported no error");
    show(&errors);

    let (parsed, errors) = timed("Curriculum::from_toml_str", text, || Curriculum::from_toml_str(file, text));
    assert!(parsed.is_some() || !errors.is_empty(), "a curriculum that did not parse reported no error");
    show(&errors);

    let normalizer = Normalizer::new();
    if let Ok(lexicon) = timed("Lexicon::from_toml_str", text, || Lexicon::from_toml_str(text, &normalizer)) {
        let words = lexicon.expand(fold_words("Bonjour, cmt je paie par cb les frais de port ? merci"));
        let split = lexicon.split_smalltalk(&words);
        let _ = lexicon.is_filler_only(&split.rest);
    }

    if let Err(e) = timed("Thresholds", text, || toml::from_str::<Thresholds>(text)) {
        ContentError::toml(file, text, &e).to_string();
    }
}

/// Target `callback`: callback data from any button press. A parsed payload re-encodes to at most 64 bytes
/// (Telegram's limit) and parses back to itself; anything over 64 bytes is rejected.
///
/// # Panics
/// On a failed property or a slow call.
pub fn check_callback(raw: &str) {
    let Some(data) = timed("CallbackData::parse", raw, || CallbackData::parse(raw)) else { return };
    assert!(raw.len() <= MAX_BYTES, "{raw:?} is over {MAX_BYTES} bytes and parsed");
    let encoded = data.to_string();
    assert!(encoded.len() <= MAX_BYTES, "{data:?} encodes to {} bytes: {encoded:?}", encoded.len());
    assert_eq!(CallbackData::parse(&encoded), Some(data), "{raw:?} does not round-trip through {encoded:?}");
}

/// Target `parse_mode`: the emulator's formatting checker on any text, in each parse mode. Parsed text is
/// trimmed and its entities are non-empty and inside it; for HTML, the sandbox's rendering of the result
/// (`render_html`) parses back to the same text.
///
/// # Panics
/// On a failed property or a slow call.
pub fn check_formatted(input: &str) {
    for mode in [ParseMode::Html, ParseMode::MarkdownV2, ParseMode::Markdown] {
        let Ok(parsed) = timed("parse_mode::parse", input, || parse(input, mode)) else { continue };
        check_entities(&parsed, input, mode);
        if mode == ParseMode::Html {
            let html = timed("render_html", input, || render_html(&parsed.text, &parsed.entities));
            let again = parse(&html, ParseMode::Html)
                .unwrap_or_else(|e| panic!("rendering of {input:?} does not parse: {e} in {html:?}"));
            assert_eq!(again.text, parsed.text, "text changed through render_html({input:?}) = {html:?}");
        }
    }
}

fn check_entities(parsed: &FormattedText, input: &str, mode: ParseMode) {
    let FormattedText { text, entities } = parsed;
    assert_eq!(text.trim(), text, "{mode:?} text of {input:?} is not trimmed");
    let len = utf16_len(text);
    let inside = |e: &Entity| e.length > 0 && e.end() <= len;
    assert!(entities.iter().all(inside), "{mode:?} entities of {input:?} outside its {len}-unit text: {entities:?}");
}
