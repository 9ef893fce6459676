//! The FAQ: content loading and validation, and the matcher that answers merchants' questions.
//!
//! Tour of the main types:
//! - [`FaqContent`] ([`content`]): entries, curriculum, lexicon and calibrated thresholds, loaded
//!   from the `faq/` directory and validated by [`check`] (`accelerateur faq check`).
//! - [`FaqIndex`] ([`index`]): built once from the content; `Send + Sync`, the bot swaps it
//!   atomically on reload. Normalisation ([`normalize`]) and the domain vocabulary ([`lexicon`])
//!   make "cmt ouvrir une boutik" meet "Comment ouvrir une boutique en ligne ?".
//! - [`FaqIndex::ask`] ([`matcher`]) returns a [`Match`]: an [`Outcome`] (answer, suggestions,
//!   fallback, empty, smalltalk) and the best candidate for records.
//! - [`intent`]: a supervised intent model (one class per entry and one out of scope) trained
//!   with the index; its probabilities are features of the decision and candidates for
//!   suggestions.
//! - [`eval`] and [`calibrate`] measure the matcher on question files and choose the thresholds;
//!   [`review`] flags answers stating unsourced facts and stale review dates;
//!   [`commands`] holds the bodies of `accelerateur faq check|ask|eval`.

pub mod calibrate;
pub mod check;
pub mod commands;
pub mod content;
pub mod eval;
pub mod files;
pub mod index;
pub mod intent;
pub mod lexicon;
pub mod matcher;
pub mod normalize;
pub mod review;

pub use crate::curriculum::content::{ContentError, ContentErrors};
pub use content::{FaqContent, FaqEntry, LabelledMessage};
pub use eval::EvalReport;
pub use index::FaqIndex;
pub use lexicon::SmalltalkKind;
pub use matcher::{Candidate, Match, Outcome, Thresholds};
