//! [`Html`]: text that is safe to send to Telegram with `ParseMode::Html`.
//!
//! The only ways to get one are escaping arbitrary text ([`Html::escape`]) or formatting a Fluent message whose
//! variables were escaped ([`crate::i18n`]). Send helpers accept nothing else, so an unescaped `<` or `&` from a
//! user name, an FAQ answer or a broadcast cannot reach Telegram.

use std::fmt;

/// A count as French readers write it: `10 000`, `1 240` (a narrow no-break space between thousands).
#[must_use]
pub fn french_number(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202F}');
        }
        out.push(digit);
    }
    out
}

/// `text` cut to at most `chars` characters, with `…` when something was cut.
#[must_use]
pub fn shortened(text: &str, chars: usize) -> String {
    match text.char_indices().nth(chars) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

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

    /// Markup a trainer wrote for an announcement. It is sent as is: Telegram checks it when the preview is
    /// sent to its author, and nothing is queued until that preview was accepted.
    #[must_use]
    pub fn staff_markup(markup: String) -> Self {
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

    /// A message made of several parts (a Fluent message, a list, a footer…), each its own paragraph.
    ///
    /// This is the one way parts of a message are put together. Fluent drops the blank lines that end a
    /// message, so a part can never carry its own separator: the separator is added here, one blank line
    /// between non-empty parts, whatever newlines the parts start or end with.
    #[must_use]
    pub fn paragraphs(parts: impl IntoIterator<Item = Html>) -> Self {
        let parts: Vec<String> = parts
            .into_iter()
            .map(|part| part.0.trim_matches('\n').to_owned())
            .filter(|part| !part.trim().is_empty())
            .collect();
        Self(parts.join("\n\n"))
    }

    /// One part per line (a list), with no blank line between them.
    #[must_use]
    pub fn lines(parts: impl IntoIterator<Item = Html>) -> Self {
        Self::join(parts, "\n")
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

    /// Cuts the text into messages Telegram accepts: each at most `limit` UTF-16 code units of visible text
    /// (Telegram's unit: an emoji counts two), cut at line ends where possible, inside a line at a space, never
    /// inside a tag or an entity. Tags open across a cut are closed at the end of one part and reopened at the
    /// start of the next, so every part is valid HTML on its own. Blank parts are dropped.
    #[must_use]
    pub fn split(&self, limit: usize) -> Vec<Html> {
        let limit = limit.max(16);
        if visible_utf16(&self.0) <= limit {
            return vec![self.clone()];
        }
        let mut parts = Vec::new();
        let mut current = String::new();
        let mut current_len = 0;
        let mut open: Vec<OpenTag> = Vec::new();
        for line in self.0.split_inclusive('\n') {
            for piece in pieces(line, limit) {
                let len = visible_utf16(piece);
                if current_len + len > limit && current_len > 0 {
                    close_tags(&mut current, &open);
                    parts.push(Html(std::mem::take(&mut current)));
                    current_len = 0;
                    for tag in &open {
                        current.push_str(&tag.markup);
                    }
                }
                current.push_str(piece);
                current_len += len;
                track_tags(piece, &mut open);
            }
        }
        parts.push(Html(current));
        parts.retain(|part| !part.plain_text().is_empty());
        parts
    }
}

/// Telegram's limit on one message's text, in UTF-16 code units.
pub const MESSAGE_LIMIT: usize = 4096;

/// A tag left open: its full markup (to reopen it) and its name (to close it).
struct OpenTag {
    markup: String,
    name: String,
}

/// Length of the visible text (tags removed, an entity counted as its one character) in UTF-16 code units.
fn visible_utf16(html: &str) -> usize {
    let (mut len, mut in_tag, mut in_entity) = (0, false, false);
    for c in html.chars() {
        match c {
            '<' if !in_tag => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if in_tag => {}
            '&' => {
                in_entity = true;
                len += 1;
            }
            ';' if in_entity => in_entity = false,
            _ if in_entity => {}
            c => len += c.len_utf16(),
        }
    }
    len
}

/// A line cut into pieces of at most `limit` visible units: at the last space before the limit, otherwise where
/// the limit falls, never inside a tag or an entity.
fn pieces(line: &str, limit: usize) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut rest = line;
    while visible_utf16(rest) > limit {
        let (mut len, mut in_tag, mut in_entity) = (0, false, false);
        let (mut cut, mut last_space) = (rest.len(), None);
        for (i, c) in rest.char_indices() {
            // A cut may fall before `c` only outside tags and entities.
            let boundary = !in_tag && !in_entity;
            let width = if in_tag {
                in_tag = c != '>';
                0
            } else if in_entity {
                in_entity = c != ';';
                0
            } else if c == '<' {
                in_tag = true;
                0
            } else if c == '&' {
                in_entity = true;
                1
            } else {
                c.len_utf16()
            };
            if boundary && len + width > limit {
                cut = i;
                break;
            }
            len += width;
            if !in_tag && !in_entity && c == ' ' {
                last_space = Some(i + 1);
            }
        }
        let cut = match last_space {
            Some(space) if space > 0 => space,
            _ => cut,
        };
        if cut == 0 || cut >= rest.len() {
            break;
        }
        pieces.push(&rest[..cut]);
        rest = &rest[cut..];
    }
    pieces.push(rest);
    pieces
}

fn track_tags(piece: &str, open: &mut Vec<OpenTag>) {
    let mut rest = piece;
    while let Some(start) = rest.find('<') {
        let Some(end) = rest[start..].find('>') else { break };
        let markup = &rest[start..=start + end];
        let inner = &markup[1..markup.len() - 1];
        if let Some(name) = inner.strip_prefix('/') {
            let name = name.trim();
            if let Some(position) = open.iter().rposition(|tag| tag.name == name) {
                open.truncate(position);
            }
        } else {
            let name = inner.split(|c: char| c.is_whitespace()).next().unwrap_or_default().to_owned();
            open.push(OpenTag { markup: markup.to_owned(), name });
        }
        rest = &rest[start + end + 1..];
    }
}

fn close_tags(text: &mut String, open: &[OpenTag]) {
    for tag in open.iter().rev() {
        text.push_str("</");
        text.push_str(&tag.name);
        text.push('>');
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
    fn counts_are_grouped_by_thousands_the_french_way() {
        assert_eq!(french_number(0), "0");
        assert_eq!(french_number(999), "999");
        assert_eq!(french_number(1240), "1\u{202F}240");
        assert_eq!(french_number(10_000), "10\u{202F}000");
        assert_eq!(french_number(-1_234_567), "-1\u{202F}234\u{202F}567");
    }

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
        let html = Html::join([Html::bold("a < b & c"), Html::escape("\"d\"")], " ");
        assert_eq!(html.plain_text(), "a < b & c \"d\"");
    }

    #[test]
    fn short_text_is_one_part() {
        let html = Html::escape("Bonjour");
        assert_eq!(html.split(MESSAGE_LIMIT), vec![html]);
    }

    #[test]
    fn long_text_is_cut_at_line_ends_within_the_utf16_limit() {
        // 300 lines of 20 emoji: 40 UTF-16 units each, 12,000 units in all.
        let line = "😀".repeat(20);
        let html = Html::escape(&vec![line.as_str(); 300].join("\n"));
        let parts = html.split(MESSAGE_LIMIT);
        assert!(parts.len() >= 3, "{} parts", parts.len());
        for part in &parts {
            assert!(visible_utf16(part.as_str()) <= MESSAGE_LIMIT);
            assert!(part.as_str().trim_matches('\n').split('\n').all(|l| l == line), "a line was cut");
        }
        let total: usize = parts.iter().map(|p| p.as_str().matches('😀').count()).sum();
        assert_eq!(total, 6000, "nothing is lost");
    }

    #[test]
    fn a_line_longer_than_the_limit_is_cut_at_spaces_and_never_inside_an_entity() {
        let html = Html::escape(&"a&b ".repeat(3000));
        let parts = html.split(100);
        for part in &parts {
            assert!(visible_utf16(part.as_str()) <= 100, "{}", part.as_str());
            assert!(
                !part.as_str().contains("&am ")
                    && part.as_str().matches('&').count() == part.as_str().matches("&amp;").count()
            );
        }
        let joined: String = parts.iter().map(Html::as_str).collect();
        assert_eq!(joined, html.as_str());
    }

    #[test]
    fn tags_open_across_a_cut_are_closed_and_reopened() {
        let body = vec!["ligne"; 100].join("\n");
        let html = Html(format!("<b>Titre</b>\n<pre>{body}</pre>"));
        let parts = html.split(120);
        assert!(parts.len() > 2);
        for part in &parts[1..] {
            assert!(part.as_str().starts_with("<pre>"), "{}", part.as_str());
            assert!(part.as_str().ends_with("</pre>"), "{}", part.as_str());
        }
    }

    #[test]
    fn paragraphs_are_separated_by_one_blank_line_whatever_the_parts_end_with() {
        let parts = [
            Html::escape("Titre"),
            Html::escape("\nCorps\n\n"),
            Html::escape(""),
            Html::lines([Html::escape("• a"), Html::escape("• b")]),
        ];
        assert_eq!(Html::paragraphs(parts).as_str(), "Titre\n\nCorps\n\n• a\n• b");
    }

    #[test]
    fn joining_escapes_the_separator() {
        assert_eq!(Html::join([Html::bold("a"), Html::escape("b")], " & ").as_str(), "<b>a</b> &amp; b");
    }
}
