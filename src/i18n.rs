//! French user-facing text, from the Fluent files in `locales/fr/`.
//!
//! The files are embedded in the binary. Code asks for a message with [`tr!`] (plain text: buttons, callback
//! notifications) or [`tr_html!`] (an [`Html`] message body, whose variables are escaped). Message ids are string
//! literals so that the consistency test (`tests/api/i18n.rs`) can check every id and variable against the files.
//! Unicode isolation marks are off: Telegram shows them as stray characters on some phones.

use std::sync::LazyLock;

use fluent_bundle::{FluentArgs, FluentResource, FluentValue, concurrent::FluentBundle};
use unic_langid::langid;

use crate::text::{Html, escape};

/// The Fluent sources, in load order. `tests/api/i18n.rs` checks this lists every file of `locales/fr/`.
pub const SOURCES: &[(&str, &str)] = &[
    ("main.ftl", include_str!("../locales/fr/main.ftl")),
    ("questions.ftl", include_str!("../locales/fr/questions.ftl")),
    ("course.ftl", include_str!("../locales/fr/course.ftl")),
    ("announcements.ftl", include_str!("../locales/fr/announcements.ftl")),
    ("reminders.ftl", include_str!("../locales/fr/reminders.ftl")),
    ("team.ftl", include_str!("../locales/fr/team.ftl")),
    ("editor.ftl", include_str!("../locales/fr/editor.ftl")),
];

/// The loaded French bundle.
pub struct Locale {
    bundle: FluentBundle<FluentResource>,
}

static FRENCH: LazyLock<Locale> = LazyLock::new(|| Locale::load(SOURCES).expect("embedded Fluent files are valid"));

/// The French locale, loaded once.
pub fn fr() -> &'static Locale {
    &FRENCH
}

/// A message variable: how each Rust value becomes a Fluent value, escaped or not.
pub trait Arg {
    fn to_fluent(&self, html: bool) -> FluentValue<'static>;
}

impl Arg for str {
    fn to_fluent(&self, html: bool) -> FluentValue<'static> {
        FluentValue::from(if html { escape(self) } else { self.to_owned() })
    }
}

impl Arg for String {
    fn to_fluent(&self, html: bool) -> FluentValue<'static> {
        self.as_str().to_fluent(html)
    }
}

impl<T: Arg + ?Sized> Arg for &T {
    fn to_fluent(&self, html: bool) -> FluentValue<'static> {
        (**self).to_fluent(html)
    }
}

macro_rules! numeric_arg {
    ($($t:ty),*) => {$(
        impl Arg for $t {
            fn to_fluent(&self, _html: bool) -> FluentValue<'static> {
                FluentValue::from(*self)
            }
        }
    )*};
}
numeric_arg!(i32, i64, u32, u64, usize, f64);

impl Locale {
    /// Parses the sources; an error lists every problem.
    pub fn load(sources: &[(&str, &str)]) -> Result<Self, String> {
        let mut bundle = FluentBundle::new_concurrent(vec![langid!("fr")]);
        bundle.set_use_isolating(false);
        for (name, source) in sources {
            let resource =
                FluentResource::try_new((*source).to_owned()).map_err(|(_, errors)| format!("{name}: {errors:?}"))?;
            bundle.add_resource(resource).map_err(|errors| format!("{name}: {errors:?}"))?;
        }
        Ok(Self { bundle })
    }

    /// Formats message `id` with `args`. A missing message or variable is a bug caught by the tests; at run time
    /// it is logged and the message id is shown rather than crashing the handler.
    pub fn format(&self, id: &str, args: &[(&str, FluentValue<'static>)]) -> String {
        let Some(pattern) = self.bundle.get_message(id).and_then(|message| message.value()) else {
            tracing::error!(message_id = id, "missing Fluent message");
            return id.to_owned();
        };
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(*name, value.clone());
        }
        let mut errors = Vec::new();
        let text = self.bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
        if !errors.is_empty() {
            tracing::error!(message_id = id, ?errors, "Fluent formatting errors");
        }
        text.into_owned()
    }

    /// Whether the bundle has message `id` (for tests and checks).
    #[must_use]
    pub fn has(&self, id: &str) -> bool {
        self.bundle.has_message(id)
    }

    pub(crate) fn html(&self, id: &str, args: &[(&str, FluentValue<'static>)]) -> Html {
        Html::trusted(self.format(id, args))
    }
}

/// Plain French text for message `id`: `tr!("menu-ask")`, `tr!("progress", done = 2, total = 5)`.
#[macro_export]
macro_rules! tr {
    ($id:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::i18n::fr().format($id, &[$((stringify!($name), $crate::i18n::Arg::to_fluent(&$value, false))),*])
    };
}

/// Telegram-HTML French text for message `id`, variables escaped: `tr_html!("greeting", first_name = name)`.
#[macro_export]
macro_rules! tr_html {
    ($id:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::i18n::fr().html($id, &[$((stringify!($name), $crate::i18n::Arg::to_fluent(&$value, true))),*])
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_are_escaped_in_html_but_not_in_plain_text() {
        let locale = Locale::load(&[("t.ftl", "hello = Bonjour <b>{ $name }</b> !")]).unwrap();
        let name = "<i>Zoé & Co</i>".to_fluent(true);
        assert_eq!(
            locale.html("hello", &[("name", name)]).as_str(),
            "Bonjour <b>&lt;i&gt;Zoé &amp; Co&lt;/i&gt;</b> !"
        );
        let plain = locale.format("hello", &[("name", "Zoé & Co".to_fluent(false))]);
        assert_eq!(plain, "Bonjour <b>Zoé & Co</b> !");
    }

    #[test]
    fn isolation_marks_are_off() {
        let locale = Locale::load(&[("t.ftl", "n = { $count } modules")]).unwrap();
        assert_eq!(locale.format("n", &[("count", 3.to_fluent(false))]), "3 modules");
    }

    #[test]
    fn the_embedded_files_load() {
        assert!(fr().has("start-greeting"));
    }

    #[test]
    fn counts_agree_in_number_through_fluent_selectors() {
        let summary = |modules: i64, questions: i64| {
            crate::tr!(
                "privacy-summary",
                telegram_id = 42,
                first_name = "Inès",
                first_seen = "lundi 23 novembre 2026 à 10 h",
                last_seen = "mardi 1er décembre 2026 à 9 h 05",
                reminders = "yes",
                modules = modules,
                questions = questions
            )
        };
        assert!(summary(0, 0).contains("aucun module vu") && summary(0, 0).contains("aucune question posée"));
        let one = summary(1, 1);
        assert!(one.contains("1 module vu") && one.contains("1 question posée, avec la réponse donnée"), "{one}");
        let many = summary(2, 3);
        assert!(many.contains("2 modules vus") && many.contains("3 questions posées, avec les réponses"), "{many}");
        assert!(crate::tr!("admin-reload-failed", count = 1).contains("(1 problème)"));
        assert!(crate::tr!("admin-reload-failed", count = 4).contains("(4 problèmes)"));
        let group = |count: i64, waiting: i64| {
            crate::tr!("inbox-group", number = 1, question = "q", count = count, waiting = waiting, forwarded = 0)
        };
        assert!(group(1, 1).contains("1 fois · 1 en attente · aucune transmise"), "{}", group(1, 1));
        assert!(group(3, 0).contains("3 fois · toutes répondues"), "{}", group(3, 0));
        assert!(group(3, 2).contains("2 en attente"), "{}", group(3, 2));
        assert!(!crate::tr!("smalltalk-laughter").contains("Contente"), "one voice: no feminine adjective for the bot");
    }
}
