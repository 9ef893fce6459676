//! [`Html`]: text that is safe to send to Telegram with `ParseMode::Html`.
//!
//! The only ways to get one are escaping arbitrary text ([`Html::escape`]) or formatting a Fluent message whose
//! variables were escaped ([`crate::i18n`]). Send helpers accept nothing else, so an unescaped `<` or `&` from a
//! user name, an FAQ answer or a broadcast cannot reach Telegram.

use std::fmt;

/// Telegram-HTML text, escaped by construction.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Html(String);

impl Html {
    /// Escapes `<`, `>`, `&` and `"`: the text will read literally.
    #[must_use]
    pub fn escape(text: &str) -> Self {
        Self(escape(text))
    }

    /// Markup produced by our own Fluent messages; only `i18n` may call this.
    pub(crate) fn trusted(markup: String) -> Self {
        Self(markup)
    }

    /// Bold text, escaped.
    #[must_use]
    pub fn bold(text: &str) -> Self {
        Self(format!("<b>{}</b>", escape(text)))
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    #[must_use]
    pub fn into_string(self) -> String {
        self.0
    }

    /// Appends another piece of HTML.
    #[must_use]
    pub fn push(mut self, other: &Html) -> Self {
        self.0.push_str(&other.0);
        self
    }

    /// Joins pieces with a separator that is itself HTML.
    #[must_use]
    pub fn join(parts: impl IntoIterator<Item = Html>, separator: &str) -> Self {
        let parts: Vec<String> = parts.into_iter().map(Html::into_string).collect();
        Self(parts.join(&escape(separator)))
    }

    /// The text as Telegram will show it (tags removed, entities decoded): what `Message::text()` returns
    /// for a message sent with this HTML, used to skip edits that would change nothing.
    #[must_use]
    pub fn plain_text(&self) -> String {
        let mut out = String::with_capacity(self.0.len());
        let mut in_tag = false;
        for c in self.0.chars() {
            match c {
                '<' => in_tag = true,
                '>' if in_tag => in_tag = false,
                c if !in_tag => out.push(c),
                _ => {}
            }
        }
        out.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&").trim().to_owned()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }
}

impl fmt::Display for Html {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Escapes text for Telegram's HTML parse mode.
#[must_use]
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_are_escaped() {
        assert_eq!(Html::escape("<b>Zoé & Co</b>").as_str(), "&lt;b&gt;Zoé &amp; Co&lt;/b&gt;");
    }

    #[test]
    fn markdown_characters_are_left_alone_in_html() {
        assert_eq!(Html::escape("a_b*c").as_str(), "a_b*c");
    }

    #[test]
    fn plain_text_is_what_telegram_shows() {
        let html = Html::bold("a < b & c").push(&Html::escape(" \"d\""));
        assert_eq!(html.plain_text(), "a < b & c \"d\"");
    }

    #[test]
    fn joining_escapes_the_separator() {
        assert_eq!(Html::join([Html::bold("a"), Html::escape("b")], " & ").as_str(), "<b>a</b> &amp; b");
    }
}
