//! Telegram's formatting rules: `parse_mode` HTML, MarkdownV2 and legacy
//! Markdown turned into plain text plus entities (UTF-16 offsets), with the
//! error details Telegram gives, and the reverse: a safe HTML rendering of
//! text and entities for display in the sandbox.
//!
//! The parsers follow TDLib's (`MessageEntity.cpp`), which the Bot API uses,
//! including their error texts, with one deliberate difference: a named HTML
//! entity other than `&lt;`, `&gt;`, `&amp;` and `&quot;` (say `&nbsp;`) is
//! rejected, where Telegram would show it literally, so a bot escaping text
//! the wrong way fails in tests instead of showing `&nbsp;` to people.

use super::types::{Entity, EntityKind};

/// Most UTF-16 code units a message text may have after entity parsing.
pub const MAX_TEXT_UTF16: usize = 4096;

/// A `parse_mode` value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParseMode {
    Html,
    MarkdownV2,
    Markdown,
}

impl ParseMode {
    /// Telegram reads parse modes case-insensitively.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().as_str() {
            "html" => Some(Self::Html),
            "markdownv2" => Some(Self::MarkdownV2),
            "markdown" => Some(Self::Markdown),
            _ => None,
        }
    }
}

/// Plain text and its entities.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FormattedText {
    pub text: String,
    pub entities: Vec<Entity>,
}

/// Why a text could not be parsed: the part Telegram puts after
/// `"Bad Request: can't parse entities: "`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ParseError(pub String);

/// Parses `input` in `mode`, then normalises it as Telegram does (see
/// [`normalize`]).
pub fn parse(input: &str, mode: ParseMode) -> Result<FormattedText, ParseError> {
    let parsed = match mode {
        ParseMode::Html => parse_html(input)?,
        ParseMode::MarkdownV2 => parse_markdown_v2(input)?,
        ParseMode::Markdown => parse_markdown(input)?,
    };
    Ok(normalize(parsed))
}

/// Length of `s` in UTF-16 code units, Telegram's unit for lengths.
#[must_use]
pub fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// What Telegram does to every message text: trims whitespace at both ends,
/// clips entities to what is left, drops empty entities and entities inside
/// `code`/`pre`, and sorts them by offset (outer before inner).
#[must_use]
pub fn normalize(formatted: FormattedText) -> FormattedText {
    let FormattedText { text, entities } = formatted;
    let total = utf16_len(&text);
    let trimmed_start = text.trim_start();
    let lead = total - utf16_len(trimmed_start);
    let trimmed = trimmed_start.trim_end();
    let kept = utf16_len(trimmed);
    let mut out: Vec<Entity> = entities
        .into_iter()
        .filter_map(|e| {
            let start = e.offset.max(lead);
            let end = e.end().min(lead + kept);
            (end > start).then(|| Entity::new(e.kind, start - lead, end - start))
        })
        .collect();
    out.sort_by(|a, b| a.offset.cmp(&b.offset).then(b.length.cmp(&a.length)));
    let code_spans: Vec<(usize, usize)> = out
        .iter()
        .filter(|e| matches!(e.kind, EntityKind::Code | EntityKind::Pre { .. }))
        .map(|e| (e.offset, e.end()))
        .collect();
    let mut result = Vec::with_capacity(out.len());
    for e in out {
        let is_code = matches!(e.kind, EntityKind::Code | EntityKind::Pre { .. });
        let inside_code = code_spans.iter().any(|&(start, end)| {
            start <= e.offset && e.end() <= end && !(is_code && (start, end) == (e.offset, e.end()))
        });
        if !inside_code && !result.contains(&e) {
            result.push(e);
        }
    }
    FormattedText { text: trimmed.to_owned(), entities: result }
}

/// The text between UTF-16 offsets `start` and `end`.
fn utf16_slice(text: &str, start: usize, end: usize) -> String {
    let units: Vec<u16> = text.encode_utf16().collect();
    String::from_utf16_lossy(&units[start.min(units.len())..end.min(units.len())])
}

/// `url` entities Telegram adds to a message text: `http(s)://…` and `www.…` at the start of a word, up to the
/// next space, without trailing punctuation, outside existing links and code.
#[must_use]
pub fn detect_urls(text: &str, entities: &[Entity]) -> Vec<Entity> {
    let taken: Vec<(usize, usize)> = entities
        .iter()
        .filter(|e| matches!(e.kind, EntityKind::TextLink { .. } | EntityKind::Code | EntityKind::Pre { .. }))
        .map(|e| (e.offset, e.end()))
        .collect();
    let mut found = Vec::new();
    let mut utf16 = 0;
    let mut previous: Option<char> = None;
    for (index, c) in text.char_indices() {
        let starts_word = previous.is_none_or(|p| p.is_whitespace() || matches!(p, '(' | '«' | '\u{a0}'));
        let rest = &text[index..];
        let is_url = ["https://", "http://", "www."].iter().any(|prefix| rest.starts_with(prefix));
        if starts_word && is_url && found.last().is_none_or(|e: &Entity| e.end() <= utf16) {
            let word = rest.split(char::is_whitespace).next().unwrap_or_default();
            let url = word.trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '»', '"', '\'', '\u{a0}', '\u{202f}']);
            let length = utf16_len(url);
            let end = utf16 + length;
            let overlaps = taken.iter().any(|&(start, stop)| utf16 < stop && start < end);
            if url.len() > "https://".len().min(word.len()) && url.contains('.') && !overlaps {
                found.push(Entity::new(EntityKind::Url, utf16, length));
            }
        }
        utf16 += c.len_utf16();
        previous = Some(c);
    }
    found
}

/// `bot_command` entities Telegram adds to a user's text (`/start`, `/aide@bot`).
#[must_use]
pub fn detect_bot_commands(text: &str) -> Vec<Entity> {
    let mut entities = Vec::new();
    let mut utf16 = 0;
    let mut previous: Option<char> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((index, c)) = chars.next() {
        let starts_word = previous.is_none_or(char::is_whitespace);
        if c == '/' && starts_word {
            let rest = &text[index + 1..];
            let name_len = rest.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'_').count();
            if (1..=64).contains(&name_len) {
                let mut len = 1 + name_len;
                let after = &rest[name_len..];
                if let Some(mention) = after.strip_prefix('@') {
                    let user_len = mention.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'_').count();
                    if user_len > 0 {
                        len += 1 + user_len;
                    }
                }
                let next = text[index + len..].chars().next();
                if next.is_none_or(|n| !n.is_alphanumeric() && n != '/') {
                    entities.push(Entity::new(EntityKind::BotCommand, utf16, len));
                    // The command is ASCII: one UTF-16 unit per byte.
                    for _ in 1..len {
                        chars.next();
                    }
                    utf16 += len;
                    previous = Some('x');
                    continue;
                }
            }
        }
        utf16 += c.len_utf16();
        previous = Some(c);
    }
    entities
}

/// Checks a link target as Telegram does for text links: `http(s)://` and
/// `tg://` links, or a bare domain that gets `http://`. Returns it
/// normalised, or `None` when Telegram would drop the link.
#[must_use]
pub fn check_link(link: &str) -> Option<String> {
    let link = link.trim();
    let lower = link.to_ascii_lowercase();
    if lower.starts_with("tg://") {
        return url::Url::parse(link).ok().map(String::from);
    }
    let candidate = if lower.starts_with("http://") || lower.starts_with("https://") {
        link.to_owned()
    } else if lower.contains("://") || link.is_empty() {
        return None;
    } else {
        format!("http://{link}")
    };
    let parsed = url::Url::parse(&candidate).ok()?;
    let host = parsed.host_str()?;
    host.contains('.').then(|| parsed.to_string())
}

/// Builds plain text while counting its UTF-16 length.
#[derive(Default)]
struct TextBuilder {
    text: String,
    utf16: usize,
}

impl TextBuilder {
    fn push(&mut self, c: char) {
        self.text.push(c);
        self.utf16 += c.len_utf16();
    }
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n' | b'\x0b' | b'\x0c')
}

fn byte_at(b: &[u8], i: usize) -> u8 {
    b.get(i).copied().unwrap_or(0)
}

fn char_at(input: &str, i: usize) -> char {
    input[i..].chars().next().expect("index inside the text")
}

const HTML_TAGS: &[&str] = &[
    "a",
    "b",
    "strong",
    "i",
    "em",
    "s",
    "strike",
    "del",
    "u",
    "ins",
    "tg-spoiler",
    "tg-emoji",
    "span",
    "pre",
    "code",
    "blockquote",
];

/// Decodes the HTML character reference at `input[i]` (`&`). `Ok(None)` means
/// the `&` is literal.
fn decode_html_entity(input: &str, i: usize) -> Result<Option<(char, usize)>, ParseError> {
    let b = input.as_bytes();
    let mut end = i + 1;
    let code = if byte_at(b, end) == b'#' {
        end += 1;
        let mut value: u32 = 0;
        let hex = byte_at(b, end) == b'x';
        if hex {
            end += 1;
        }
        loop {
            let c = byte_at(b, end);
            let digit = match (hex, c) {
                (true, _) if c.is_ascii_hexdigit() => char::from(c).to_digit(16),
                (false, _) if c.is_ascii_digit() => char::from(c).to_digit(10),
                _ => None,
            };
            let Some(digit) = digit else { break };
            value = value * if hex { 16 } else { 10 } + digit;
            end += 1;
            if value >= 0x10ffff {
                return Ok(None);
            }
        }
        if value == 0 {
            return Ok(None);
        }
        value
    } else {
        while byte_at(b, end).is_ascii_alphabetic() {
            end += 1;
        }
        let name = &input[i + 1..end];
        match name {
            "lt" => u32::from('<'),
            "gt" => u32::from('>'),
            "amp" => u32::from('&'),
            "quot" => u32::from('"'),
            _ if !name.is_empty() && byte_at(b, end) == b';' => {
                return Err(ParseError(format!("Unsupported HTML entity \"&{name};\" at byte offset {i}")));
            }
            _ => return Ok(None),
        }
    };
    if byte_at(b, end) == b';' {
        end += 1;
    }
    Ok(char::from_u32(code).map(|c| (c, end)))
}

struct OpenTag {
    name: String,
    argument: String,
    offset: usize,
    text_start: usize,
}

/// An entity being built; `code` keeps its language until a `pre` takes it.
struct Pending {
    entity: Entity,
    code_language: Option<String>,
}

fn parse_html(input: &str) -> Result<FormattedText, ParseError> {
    let b = input.as_bytes();
    let err = |s: String| Err(ParseError(s));
    let mut out = TextBuilder::default();
    let mut open: Vec<OpenTag> = Vec::new();
    let mut entities: Vec<Pending> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'&'
            && let Some((ch, next)) = decode_html_entity(input, i)?
        {
            out.push(ch);
            i = next;
            continue;
        }
        if c != b'<' {
            let ch = char_at(input, i);
            out.push(ch);
            i += ch.len_utf8();
            continue;
        }
        let begin = i;
        i += 1;
        if byte_at(b, i) != b'/' {
            let name_begin = i;
            while i < b.len() && !is_space(b[i]) && b[i] != b'>' {
                i += 1;
            }
            if i >= b.len() {
                return err(format!("Unclosed start tag at byte offset {begin}"));
            }
            let name = input[name_begin..i].to_ascii_lowercase();
            if !HTML_TAGS.contains(&name.as_str()) {
                return err(format!("Unsupported start tag \"{name}\" at byte offset {begin}"));
            }
            let mut argument = String::new();
            while byte_at(b, i) != b'>' {
                while i < b.len() && is_space(b[i]) {
                    i += 1;
                }
                if i >= b.len() {
                    return err(format!("Unclosed start tag at byte offset {begin}"));
                }
                if b[i] == b'>' {
                    break;
                }
                let attribute_begin = i;
                while i < b.len() && !is_space(b[i]) && b[i] != b'=' && b[i] != b'>' {
                    i += 1;
                }
                let attribute = input[attribute_begin..i].to_ascii_lowercase();
                if attribute.is_empty() {
                    return err(format!("Empty attribute name in the tag \"{name}\" at byte offset {begin}"));
                }
                while i < b.len() && is_space(b[i]) {
                    i += 1;
                }
                if byte_at(b, i) != b'=' {
                    if name == "blockquote" && attribute == "expandable" {
                        argument = "1".to_owned();
                        continue;
                    }
                    return err(format!(
                        "Expected equal sign in declaration of an attribute of the tag \"{name}\" at byte offset {begin}"
                    ));
                }
                i += 1;
                while i < b.len() && is_space(b[i]) {
                    i += 1;
                }
                if i >= b.len() {
                    return err(format!("Unclosed start tag \"{name}\" at byte offset {begin}"));
                }
                let value = if b[i] != b'\'' && b[i] != b'"' {
                    let token_begin = i;
                    while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.' || b[i] == b'-') {
                        i += 1;
                    }
                    if i < b.len() && !is_space(b[i]) && b[i] != b'>' {
                        return err(format!("Unexpected end of name token at byte offset {token_begin}"));
                    }
                    input[token_begin..i].to_ascii_lowercase()
                } else {
                    let quote = b[i];
                    i += 1;
                    let mut value = String::new();
                    while i < b.len() && b[i] != quote {
                        if b[i] == b'&'
                            && let Some((ch, next)) = decode_html_entity(input, i)?
                        {
                            value.push(ch);
                            i = next;
                            continue;
                        }
                        let ch = char_at(input, i);
                        value.push(ch);
                        i += ch.len_utf8();
                    }
                    if i < b.len() {
                        i += 1;
                    }
                    value
                };
                if i >= b.len() {
                    return err(format!("Unclosed start tag at byte offset {begin}"));
                }
                match (name.as_str(), attribute.as_str()) {
                    ("a", "href") | ("tg-emoji", "emoji-id") => argument = value,
                    ("code", "class") if value.starts_with("language-") => {
                        argument = value["language-".len()..].to_owned();
                    }
                    ("span", "class") if value.starts_with("tg-") => {
                        argument = value["tg-".len()..].to_owned();
                    }
                    ("blockquote", "expandable") => argument = "1".to_owned(),
                    _ => {}
                }
            }
            if name == "span" && argument != "spoiler" {
                return err(format!("Tag \"span\" must have class \"tg-spoiler\" at byte offset {begin}"));
            }
            open.push(OpenTag { name, argument, offset: out.utf16, text_start: out.text.len() });
            i += 1;
        } else {
            let Some(top) = open.pop() else {
                return err(format!("Unexpected end tag at byte offset {begin}"));
            };
            i += 1;
            let name_begin = i;
            while i < b.len() && !is_space(b[i]) && b[i] != b'>' {
                i += 1;
            }
            let end_name = input[name_begin..i].to_ascii_lowercase();
            while i < b.len() && is_space(b[i]) {
                i += 1;
            }
            if byte_at(b, i) != b'>' {
                return err(format!("Unclosed end tag at byte offset {begin}"));
            }
            if !end_name.is_empty() && end_name != top.name {
                return err(format!(
                    "Unmatched end tag at byte offset {begin}, expected \"</{}>\", found \"</{end_name}>\"",
                    top.name
                ));
            }
            i += 1;
            let length = out.utf16 - top.offset;
            if length > 0 {
                close_html_tag(top, length, &out.text, &mut entities)?;
            }
        }
    }
    if let Some(top) = open.last() {
        return err(format!("Can't find end tag corresponding to start tag \"{}\"", top.name));
    }
    Ok(FormattedText { text: out.text, entities: entities.into_iter().map(|p| p.entity).collect() })
}

fn close_html_tag(tag: OpenTag, length: usize, text: &str, entities: &mut Vec<Pending>) -> Result<(), ParseError> {
    let offset = tag.offset;
    let kind = match tag.name.as_str() {
        "i" | "em" => EntityKind::Italic,
        "b" | "strong" => EntityKind::Bold,
        "s" | "strike" | "del" => EntityKind::Strikethrough,
        "u" | "ins" => EntityKind::Underline,
        "tg-spoiler" | "span" => EntityKind::Spoiler,
        "tg-emoji" => match tag.argument.parse::<i64>() {
            Ok(id) if id > 0 => EntityKind::CustomEmoji { custom_emoji_id: tag.argument },
            _ => {
                return Err(ParseError("Invalid custom emoji identifier specified".to_owned()));
            }
        },
        "a" => {
            let target = if tag.argument.is_empty() { text[tag.text_start..].to_owned() } else { tag.argument };
            match check_link(&target) {
                Some(url) => EntityKind::TextLink { url },
                None => return Ok(()),
            }
        }
        "blockquote" if tag.argument.is_empty() => EntityKind::Blockquote,
        "blockquote" => EntityKind::ExpandableBlockquote,
        "pre" => {
            if let Some(last) = entities.last_mut()
                && last.entity.kind == EntityKind::Code
                && (last.entity.offset, last.entity.length) == (offset, length)
                && last.code_language.is_some()
            {
                last.entity.kind = EntityKind::Pre { language: last.code_language.take() };
                return Ok(());
            }
            EntityKind::Pre { language: None }
        }
        "code" => {
            entities.push(Pending {
                entity: Entity::new(EntityKind::Code, offset, length),
                code_language: Some(tag.argument).filter(|l| !l.is_empty()),
            });
            return Ok(());
        }
        other => unreachable!("tag {other} was accepted at its start"),
    };
    entities.push(Pending { entity: Entity::new(kind, offset, length), code_language: None });
    Ok(())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum MdKind {
    Bold,
    Italic,
    Underline,
    Strikethrough,
    Spoiler,
    Code,
    Pre,
    PreCode,
    TextUrl,
    CustomEmoji,
}

impl MdKind {
    /// TDLib's name for the entity type, used in error texts.
    fn name(self) -> &'static str {
        match self {
            Self::Bold => "Bold",
            Self::Italic => "Italic",
            Self::Underline => "Underline",
            Self::Strikethrough => "Strikethrough",
            Self::Spoiler => "Spoiler",
            Self::Code => "Code",
            Self::Pre => "Pre",
            Self::PreCode => "PreCode",
            Self::TextUrl => "TextUrl",
            Self::CustomEmoji => "CustomEmoji",
        }
    }

    fn is_code(self) -> bool {
        matches!(self, Self::Code | Self::Pre | Self::PreCode)
    }
}

struct MdOpen {
    kind: MdKind,
    argument: String,
    offset: usize,
    byte: usize,
    text_start: usize,
}

const MARKDOWN_V2_RESERVED: &[u8] = b"_*[]()~`>#+-=|{}.!";

fn reserved(c: u8) -> ParseError {
    ParseError(format!("Character '{}' is reserved and must be escaped with the preceding '\\'", char::from(c)))
}

/// Skips the language and the first line break after an opening ```.
/// `i` points just after the backticks; returns the new position and the
/// language, if any.
fn skip_pre_header(input: &str, mut i: usize) -> (usize, Option<String>) {
    let b = input.as_bytes();
    let mut language = None;
    let mut language_end = i;
    while language_end < b.len() && !is_space(b[language_end]) && b[language_end] != b'`' {
        language_end += 1;
    }
    if i != language_end && language_end < b.len() && b[language_end] != b'`' {
        language = Some(input[i..language_end].to_owned());
        i = language_end;
    }
    let c = byte_at(b, i);
    if c == b'\n' || c == b'\r' {
        let n = byte_at(b, i + 1);
        i += if (n == b'\n' || n == b'\r') && n != c { 2 } else { 1 };
    }
    (i, language)
}

fn parse_markdown_v2(input: &str) -> Result<FormattedText, ParseError> {
    let b = input.as_bytes();
    let mut out = TextBuilder::default();
    let mut stack: Vec<MdOpen> = Vec::new();
    let mut entities: Vec<Entity> = Vec::new();
    let mut quote_start: Option<usize> = None;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let in_code = stack.last().is_some_and(|o| o.kind.is_code());
        if !in_code && (i == 0 || b[i - 1] == b'\n') {
            if c == b'>' {
                quote_start.get_or_insert(out.utf16);
                i += 1;
                continue;
            }
            if let Some(start) = quote_start.take() {
                close_quote(start, &out, &mut entities);
            }
        }
        if c == b'\\' && (1..=126).contains(&byte_at(b, i + 1)) {
            out.push(char::from(b[i + 1]));
            i += 2;
            continue;
        }
        if !MARKDOWN_V2_RESERVED.contains(&c) || (in_code && c != b'`') {
            let ch = char_at(input, i);
            out.push(ch);
            i += ch.len_utf8();
            continue;
        }
        let next = byte_at(b, i + 1);
        let is_end = match stack.last().map(|o| o.kind) {
            Some(MdKind::Bold) => c == b'*',
            Some(MdKind::Italic) => c == b'_' && next != b'_',
            Some(MdKind::Code) => c == b'`',
            Some(MdKind::Pre | MdKind::PreCode) => c == b'`' && next == b'`' && byte_at(b, i + 2) == b'`',
            Some(MdKind::TextUrl | MdKind::CustomEmoji) => c == b']',
            Some(MdKind::Underline) => c == b'_' && next == b'_',
            Some(MdKind::Strikethrough) => c == b'~',
            Some(MdKind::Spoiler) => c == b'|' && next == b'|',
            None => false,
        };
        if is_end {
            let open = stack.pop().expect("an entity is open");
            match open.kind {
                MdKind::Underline | MdKind::Spoiler => i += 1,
                MdKind::Pre | MdKind::PreCode => i += 2,
                _ => {}
            }
            let mut link = None;
            if matches!(open.kind, MdKind::TextUrl | MdKind::CustomEmoji) {
                if byte_at(b, i + 1) == b'(' {
                    i += 2;
                    let url_begin = i;
                    let mut url = String::new();
                    while i < b.len() && b[i] != b')' {
                        if b[i] == b'\\' && (1..=126).contains(&byte_at(b, i + 1)) {
                            url.push(char::from(b[i + 1]));
                            i += 2;
                            continue;
                        }
                        let ch = char_at(input, i);
                        url.push(ch);
                        i += ch.len_utf8();
                    }
                    if byte_at(b, i) != b')' {
                        return Err(ParseError(format!("Can't find end of a URL at byte offset {url_begin}")));
                    }
                    link = Some(url);
                } else {
                    link = Some(out.text[open.text_start..].to_owned());
                }
            }
            let length = out.utf16 - open.offset;
            let kind = match open.kind {
                MdKind::Bold => Some(EntityKind::Bold),
                MdKind::Italic => Some(EntityKind::Italic),
                MdKind::Underline => Some(EntityKind::Underline),
                MdKind::Strikethrough => Some(EntityKind::Strikethrough),
                MdKind::Spoiler => Some(EntityKind::Spoiler),
                MdKind::Code => Some(EntityKind::Code),
                MdKind::Pre => Some(EntityKind::Pre { language: None }),
                MdKind::PreCode => Some(EntityKind::Pre { language: Some(open.argument) }),
                MdKind::TextUrl => link.as_deref().and_then(check_link).map(|url| EntityKind::TextLink { url }),
                MdKind::CustomEmoji => {
                    let link = link.unwrap_or_default();
                    let id = link.strip_prefix("tg://emoji?id=").filter(|id| id.parse::<i64>().is_ok_and(|n| n > 0));
                    match id {
                        Some(id) => Some(EntityKind::CustomEmoji { custom_emoji_id: id.to_owned() }),
                        None => {
                            return Err(ParseError("Custom emoji URL must have an emoji identifier".to_owned()));
                        }
                    }
                }
            };
            if let Some(kind) = kind
                && length > 0
            {
                entities.push(Entity::new(kind, open.offset, length));
            }
            i += 1;
            continue;
        }
        let entity_byte = i;
        let kind = match c {
            b'_' if next == b'_' => {
                i += 1;
                MdKind::Underline
            }
            b'_' => MdKind::Italic,
            b'*' => MdKind::Bold,
            b'~' => MdKind::Strikethrough,
            b'|' if next == b'|' => {
                i += 1;
                MdKind::Spoiler
            }
            b'[' => MdKind::TextUrl,
            b'`' if next == b'`' && byte_at(b, i + 2) == b'`' => {
                let (after, language) = skip_pre_header(input, i + 3);
                stack.push(MdOpen {
                    kind: if language.is_some() { MdKind::PreCode } else { MdKind::Pre },
                    argument: language.unwrap_or_default(),
                    offset: out.utf16,
                    byte: entity_byte,
                    text_start: out.text.len(),
                });
                i = after;
                continue;
            }
            b'`' => MdKind::Code,
            b'!' if next == b'[' => {
                i += 1;
                MdKind::CustomEmoji
            }
            _ => return Err(reserved(c)),
        };
        stack.push(MdOpen {
            kind,
            argument: String::new(),
            offset: out.utf16,
            byte: entity_byte,
            text_start: out.text.len(),
        });
        i += 1;
    }
    if let Some(open) = stack.last() {
        return Err(ParseError(format!("Can't find end of {} entity at byte offset {}", open.kind.name(), open.byte)));
    }
    if let Some(start) = quote_start {
        close_quote(start, &out, &mut entities);
    }
    Ok(FormattedText { text: out.text, entities })
}

fn close_quote(start: usize, out: &TextBuilder, entities: &mut Vec<Entity>) {
    let end = out.utf16 - usize::from(out.text.ends_with('\n'));
    if end > start {
        entities.push(Entity::new(EntityKind::Blockquote, start, end - start));
    }
}

/// Telegram's legacy `Markdown`: `*bold*`, `_italic_`, `` `code` ``,
/// ```` ```pre``` ```` and `[text](url)`, without nesting.
fn parse_markdown(input: &str) -> Result<FormattedText, ParseError> {
    let b = input.as_bytes();
    let mut out = TextBuilder::default();
    let mut entities = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next = byte_at(b, i + 1);
        if c == b'\\' && matches!(next, b'_' | b'*' | b'`' | b'[') {
            out.push(char::from(next));
            i += 2;
            continue;
        }
        if !matches!(c, b'_' | b'*' | b'`' | b'[') {
            let ch = char_at(input, i);
            out.push(ch);
            i += ch.len_utf8();
            continue;
        }
        let begin = i;
        let end_char = if c == b'[' { b']' } else { c };
        i += 1;
        let mut pre = false;
        let mut language = None;
        if c == b'`' && byte_at(b, i) == b'`' && byte_at(b, i + 1) == b'`' {
            pre = true;
            (i, language) = skip_pre_header(input, i + 2);
        }
        let offset = out.utf16;
        let text_start = out.text.len();
        while i < b.len() && (b[i] != end_char || (pre && !(byte_at(b, i + 1) == b'`' && byte_at(b, i + 2) == b'`'))) {
            let ch = char_at(input, i);
            out.push(ch);
            i += ch.len_utf8();
        }
        if i >= b.len() {
            return Err(ParseError(format!("Can't find end of the entity starting at byte offset {begin}")));
        }
        let length = out.utf16 - offset;
        let kind = match c {
            b'_' => Some(EntityKind::Italic),
            b'*' => Some(EntityKind::Bold),
            b'`' if pre => Some(EntityKind::Pre { language }),
            b'`' => Some(EntityKind::Code),
            _ => {
                let url = if byte_at(b, i + 1) == b'(' {
                    i += 2;
                    let url_begin = i;
                    while i < b.len() && b[i] != b')' {
                        i += char_at(input, i).len_utf8();
                    }
                    input[url_begin..i].to_owned()
                } else {
                    out.text[text_start..].to_owned()
                };
                check_link(&url).map(|url| EntityKind::TextLink { url })
            }
        };
        if let Some(kind) = kind
            && length > 0
        {
            entities.push(Entity::new(kind, offset, length));
        }
        i += if pre { 3 } else { 1 };
    }
    Ok(FormattedText { text: out.text, entities })
}

fn escape_html_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
}

fn open_tag(kind: &EntityKind) -> Option<String> {
    let mut tag = String::new();
    match kind {
        EntityKind::Bold => tag.push_str("<b>"),
        EntityKind::Italic => tag.push_str("<i>"),
        EntityKind::Underline => tag.push_str("<u>"),
        EntityKind::Strikethrough => tag.push_str("<s>"),
        EntityKind::Spoiler => tag.push_str("<span class=\"tg-spoiler\">"),
        EntityKind::Code => tag.push_str("<code>"),
        EntityKind::Pre { language: None } => tag.push_str("<pre><code>"),
        EntityKind::Pre { language: Some(language) } => {
            tag.push_str("<pre><code class=\"language-");
            escape_html_into(&mut tag, language);
            tag.push_str("\">");
        }
        EntityKind::Blockquote => tag.push_str("<blockquote>"),
        EntityKind::ExpandableBlockquote => tag.push_str("<blockquote class=\"expandable\">"),
        EntityKind::TextLink { url } => {
            tag.push_str("<a href=\"");
            escape_html_into(&mut tag, url);
            tag.push_str("\" rel=\"noopener noreferrer\" target=\"_blank\">");
        }
        _ => return None,
    }
    Some(tag)
}

fn close_tag(kind: &EntityKind) -> &'static str {
    match kind {
        EntityKind::Bold => "</b>",
        EntityKind::Italic => "</i>",
        EntityKind::Underline => "</u>",
        EntityKind::Strikethrough => "</s>",
        EntityKind::Spoiler => "</span>",
        EntityKind::Code => "</code>",
        EntityKind::Pre { .. } => "</code></pre>",
        EntityKind::Blockquote | EntityKind::ExpandableBlockquote => "</blockquote>",
        EntityKind::TextLink { .. } => "</a>",
        _ => "",
    }
}

/// At UTF-16 `position`: closes the entities ending there (closing and
/// reopening those opened after them) and opens the ones starting there.
fn render_boundary<'a>(
    position: usize,
    shown: &[&'a Entity],
    next: &mut usize,
    stack: &mut Vec<&'a Entity>,
    html: &mut String,
) {
    if let Some(first_ending) = stack.iter().position(|e| e.end() <= position) {
        let reopen: Vec<&Entity> = stack.drain(first_ending..).collect();
        for e in reopen.iter().rev() {
            html.push_str(close_tag(&e.kind));
        }
        for e in reopen {
            if e.end() > position {
                html.push_str(&open_tag(&e.kind).unwrap_or_default());
                stack.push(e);
            }
        }
    }
    while *next < shown.len() && shown[*next].offset <= position {
        let e = shown[*next];
        *next += 1;
        if e.end() > position {
            html.push_str(&open_tag(&e.kind).unwrap_or_default());
            stack.push(e);
        }
    }
}

/// Safe HTML for display: every character of `text` escaped, entities as
/// tags. Overlapping entities are closed and reopened so tags always nest.
#[must_use]
pub fn render_html(text: &str, entities: &[Entity]) -> String {
    // A detected URL is a link to itself.
    let entities: Vec<Entity> = entities
        .iter()
        .map(|e| match e.kind {
            EntityKind::Url => {
                let shown = utf16_slice(text, e.offset, e.end());
                let url = if shown.starts_with("www.") { format!("https://{shown}") } else { shown };
                Entity::new(EntityKind::TextLink { url }, e.offset, e.length)
            }
            _ => e.clone(),
        })
        .collect();
    let mut shown: Vec<&Entity> = entities.iter().filter(|e| e.length > 0 && open_tag(&e.kind).is_some()).collect();
    shown.sort_by(|a, b| a.offset.cmp(&b.offset).then(b.length.cmp(&a.length)));
    let mut html = String::with_capacity(text.len() + 16);
    let mut stack: Vec<&Entity> = Vec::new();
    let mut next = 0;
    let mut position = 0;
    for c in text.chars() {
        render_boundary(position, &shown, &mut next, &mut stack, &mut html);
        escape_html_into(&mut html, c.encode_utf8(&mut [0; 4]));
        position += c.len_utf16();
    }
    render_boundary(position, &shown, &mut next, &mut stack, &mut html);
    for e in stack.iter().rev() {
        html.push_str(close_tag(&e.kind));
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(input: &str) -> FormattedText {
        parse(input, ParseMode::Html).unwrap()
    }

    fn html_err(input: &str) -> String {
        parse(input, ParseMode::Html).unwrap_err().0
    }

    fn md2(input: &str) -> FormattedText {
        parse(input, ParseMode::MarkdownV2).unwrap()
    }

    fn md2_err(input: &str) -> String {
        parse(input, ParseMode::MarkdownV2).unwrap_err().0
    }

    fn e(kind: EntityKind, offset: usize, length: usize) -> Entity {
        Entity::new(kind, offset, length)
    }

    #[test]
    fn urls_in_text_become_url_entities_and_links() {
        let text = "Voir https://www.service-public.fr/pro. Ou www.impots.gouv.fr, pas <code>";
        let urls = detect_urls(text, &[]);
        assert_eq!(urls, vec![e(EntityKind::Url, 5, 33), e(EntityKind::Url, 43, 18)]);
        let html = render_html(text, &urls);
        assert!(html.contains("<a href=\"https://www.service-public.fr/pro\""), "{html}");
        assert!(html.contains("<a href=\"https://www.impots.gouv.fr\""), "{html}");
        let linked = [e(EntityKind::TextLink { url: "https://a.fr".into() }, 5, 33)];
        assert!(detect_urls(text, &linked).iter().all(|u| u.offset != 5), "a link is not detected twice");
    }

    #[test]
    fn html_tags_become_entities_with_plain_text() {
        let parsed = html("<b>Bonjour</b> <i>à</i> <u>vous</u> <s>x</s>");
        assert_eq!(parsed.text, "Bonjour à vous x");
        assert_eq!(
            parsed.entities,
            vec![
                e(EntityKind::Bold, 0, 7),
                e(EntityKind::Italic, 8, 1),
                e(EntityKind::Underline, 10, 4),
                e(EntityKind::Strikethrough, 15, 1),
            ]
        );
    }

    #[test]
    fn html_synonyms_map_to_the_same_entities() {
        let parsed = html(
            "<strong>a</strong><em>b</em><ins>c</ins><del>d</del><strike>e</strike><tg-spoiler>f</tg-spoiler><span class=\"tg-spoiler\">g</span>",
        );
        let kinds: Vec<EntityKind> = parsed.entities.into_iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            vec![
                EntityKind::Bold,
                EntityKind::Italic,
                EntityKind::Underline,
                EntityKind::Strikethrough,
                EntityKind::Strikethrough,
                EntityKind::Spoiler,
                EntityKind::Spoiler,
            ]
        );
    }

    #[test]
    fn nested_html_tags_list_outer_entities_first() {
        let parsed = html("<b>gras <i>et italique</i></b>");
        assert_eq!(parsed.text, "gras et italique");
        assert_eq!(parsed.entities, vec![e(EntityKind::Bold, 0, 16), e(EntityKind::Italic, 5, 11)]);
    }

    #[test]
    fn offsets_count_utf16_units_so_emoji_count_twice() {
        let parsed = html("🚀 <b>Go</b> é");
        assert_eq!(parsed.entities, vec![e(EntityKind::Bold, 3, 2)]);
        assert_eq!(utf16_len("🚀"), 2);
    }

    #[test]
    fn html_entities_are_decoded() {
        let parsed = html("a &lt;b&gt; &amp; &quot;c&quot; &#233; &#x1F600; &lt");
        assert_eq!(parsed.text, "a <b> & \"c\" é 😀 <");
    }

    #[test]
    fn a_bare_ampersand_is_literal() {
        assert_eq!(html("R&D & co").text, "R&D & co");
        assert_eq!(html("&#0; &#xZZ;").text, "&#0; &#xZZ;");
    }

    #[test]
    fn unknown_named_entities_are_rejected() {
        assert_eq!(html_err("a&nbsp;b"), "Unsupported HTML entity \"&nbsp;\" at byte offset 1");
    }

    #[test]
    fn links_keep_their_target() {
        let parsed = html("<a href=\"https://exemple.fr/a?b=1&amp;c=2\">site</a>");
        assert_eq!(
            parsed.entities,
            vec![e(EntityKind::TextLink { url: "https://exemple.fr/a?b=1&c=2".to_owned() }, 0, 4)]
        );
        let bare = html("<a href='exemple.fr'>x</a>");
        assert_eq!(bare.entities[0].kind, EntityKind::TextLink { url: "http://exemple.fr/".to_owned() });
    }

    #[test]
    fn a_link_telegram_cannot_use_is_dropped_silently() {
        let parsed = html("<a href=\"javascript:alert(1)\">x</a>");
        assert_eq!(parsed.text, "x");
        assert!(parsed.entities.is_empty());
    }

    #[test]
    fn pre_with_code_language_becomes_one_pre_entity() {
        let parsed = html("<pre><code class=\"language-rust\">fn main() {}</code></pre>");
        assert_eq!(parsed.entities, vec![e(EntityKind::Pre { language: Some("rust".to_owned()) }, 0, 12)]);
        let plain = html("<pre>x</pre> <code>y</code>");
        assert_eq!(plain.entities, vec![e(EntityKind::Pre { language: None }, 0, 1), e(EntityKind::Code, 2, 1)]);
    }

    #[test]
    fn entities_inside_code_are_dropped() {
        let parsed = html("<code>a <b>b</b></code>");
        assert_eq!(parsed.entities, vec![e(EntityKind::Code, 0, 3)]);
    }

    #[test]
    fn blockquotes_and_custom_emoji_are_supported() {
        let parsed = html(
            "<blockquote>q</blockquote><blockquote expandable>r</blockquote><tg-emoji emoji-id=\"5368324170671202286\">👍</tg-emoji>",
        );
        let kinds: Vec<EntityKind> = parsed.entities.into_iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            vec![
                EntityKind::Blockquote,
                EntityKind::ExpandableBlockquote,
                EntityKind::CustomEmoji { custom_emoji_id: "5368324170671202286".to_owned() },
            ]
        );
    }

    #[test]
    fn tags_are_case_insensitive() {
        assert_eq!(html("<B>x</B>").entities, vec![e(EntityKind::Bold, 0, 1)]);
    }

    #[test]
    fn unknown_tags_are_rejected_with_their_byte_offset() {
        assert_eq!(html_err("Bonjour <foo>x</foo>"), "Unsupported start tag \"foo\" at byte offset 8");
        assert_eq!(html_err("<br/>"), "Unsupported start tag \"br/\" at byte offset 0");
    }

    #[test]
    fn a_bare_less_than_sign_is_rejected() {
        assert_eq!(html_err("1 < 2"), "Unsupported start tag \"\" at byte offset 2");
        assert_eq!(html_err("1 <"), "Unclosed start tag at byte offset 2");
    }

    #[test]
    fn unclosed_and_mismatched_tags_are_rejected() {
        assert_eq!(html_err("<b>gras"), "Can't find end tag corresponding to start tag \"b\"");
        assert_eq!(
            html_err("<b><i>x</b></i>"),
            "Unmatched end tag at byte offset 7, expected \"</i>\", found \"</b>\""
        );
        assert_eq!(html_err("x</b>"), "Unexpected end tag at byte offset 1");
        assert_eq!(html_err("<b>x</b"), "Unclosed end tag at byte offset 4");
    }

    #[test]
    fn span_needs_the_spoiler_class() {
        assert_eq!(html_err("<span>x</span>"), "Tag \"span\" must have class \"tg-spoiler\" at byte offset 0");
    }

    #[test]
    fn malformed_attributes_are_rejected() {
        assert_eq!(
            html_err("<a href>x</a>"),
            "Expected equal sign in declaration of an attribute of the tag \"a\" at byte offset 0"
        );
        assert_eq!(html_err("<a href=x/y>x</a>"), "Unexpected end of name token at byte offset 8");
    }

    #[test]
    fn text_is_trimmed_and_entities_follow() {
        let parsed = html("\n  <b>x</b> y  \n");
        assert_eq!(parsed.text, "x y");
        assert_eq!(parsed.entities, vec![e(EntityKind::Bold, 0, 1)]);
        assert_eq!(html("  <b> </b> ").text, "");
    }

    #[test]
    fn markdown_v2_formats_and_escapes() {
        let parsed = md2("*gras* _italique_ __souligné__ ~barré~ ||spoiler|| `code` 1\\.2\\!");
        assert_eq!(parsed.text, "gras italique souligné barré spoiler code 1.2!");
        let kinds: Vec<EntityKind> = parsed.entities.into_iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            vec![
                EntityKind::Bold,
                EntityKind::Italic,
                EntityKind::Underline,
                EntityKind::Strikethrough,
                EntityKind::Spoiler,
                EntityKind::Code,
            ]
        );
    }

    #[test]
    fn markdown_v2_links_and_pre_blocks() {
        let parsed = md2("[le site](https://exemple.fr/a\\)b) ```rust\nfn x() {}\n```");
        assert_eq!(parsed.text, "le site fn x() {}");
        assert_eq!(
            parsed.entities,
            vec![
                e(EntityKind::TextLink { url: "https://exemple.fr/a)b".to_owned() }, 0, 7),
                e(EntityKind::Pre { language: Some("rust".to_owned()) }, 8, 9),
            ]
        );
    }

    #[test]
    fn markdown_v2_nests_and_counts_utf16() {
        let parsed = md2("😀 *gras _et italique_*");
        assert_eq!(parsed.entities, vec![e(EntityKind::Bold, 3, 16), e(EntityKind::Italic, 8, 11)]);
    }

    #[test]
    fn markdown_v2_code_needs_no_escapes_but_backtick() {
        let parsed = md2("`a.b-c!`");
        assert_eq!(parsed.text, "a.b-c!");
    }

    #[test]
    fn markdown_v2_rejects_unescaped_reserved_characters() {
        assert_eq!(md2_err("Bonjour."), "Character '.' is reserved and must be escaped with the preceding '\\'");
        assert_eq!(md2_err("a - b"), "Character '-' is reserved and must be escaped with the preceding '\\'");
        assert_eq!(md2_err("a | b"), "Character '|' is reserved and must be escaped with the preceding '\\'");
        assert_eq!(md2_err("Wow!"), "Character '!' is reserved and must be escaped with the preceding '\\'");
    }

    #[test]
    fn markdown_v2_rejects_unclosed_entities() {
        assert_eq!(md2_err("*gras"), "Can't find end of Bold entity at byte offset 0");
        assert_eq!(md2_err("[x](https://a.fr"), "Can't find end of a URL at byte offset 4");
    }

    #[test]
    fn markdown_v2_blockquote_at_line_start() {
        let parsed = md2(">citation\n>suite\nfin");
        assert_eq!(parsed.text, "citation\nsuite\nfin");
        assert_eq!(parsed.entities, vec![e(EntityKind::Blockquote, 0, 14)]);
    }

    #[test]
    fn legacy_markdown_is_supported() {
        let parsed = parse("*a* _b_ `c` [d](https://e.fr)", ParseMode::Markdown).unwrap();
        assert_eq!(parsed.text, "a b c d");
        assert_eq!(parsed.entities.len(), 4);
        assert_eq!(
            parse("*a", ParseMode::Markdown).unwrap_err().0,
            "Can't find end of the entity starting at byte offset 0"
        );
    }

    #[test]
    fn parse_mode_names_are_case_insensitive() {
        assert_eq!(ParseMode::from_name("HTML"), Some(ParseMode::Html));
        assert_eq!(ParseMode::from_name("MarkdownV2"), Some(ParseMode::MarkdownV2));
        assert_eq!(ParseMode::from_name("markdown"), Some(ParseMode::Markdown));
        assert_eq!(ParseMode::from_name("rst"), None);
    }

    #[test]
    fn rendering_escapes_text_and_nests_tags() {
        let parsed = html("<b>a &lt;script&gt; <i>b</i></b> <a href=\"https://x.fr\">c</a>");
        assert_eq!(
            render_html(&parsed.text, &parsed.entities),
            "<b>a &lt;script&gt; <i>b</i></b> <a href=\"https://x.fr/\" rel=\"noopener noreferrer\" target=\"_blank\">c</a>"
        );
    }

    #[test]
    fn rendering_splits_overlapping_entities() {
        let entities = vec![e(EntityKind::Bold, 0, 3), e(EntityKind::Italic, 1, 4)];
        assert_eq!(render_html("abcdef", &entities), "<b>a<i>bc</i></b><i>de</i>f");
    }

    #[test]
    fn rendering_handles_emoji_offsets() {
        let entities = vec![e(EntityKind::Bold, 2, 1)];
        assert_eq!(render_html("😀x", &entities), "😀<b>x</b>");
    }

    #[test]
    fn bot_commands_are_detected_in_user_text() {
        assert_eq!(detect_bot_commands("/start"), vec![e(EntityKind::BotCommand, 0, 6)]);
        assert_eq!(detect_bot_commands("é /aide@accelerateur_bot ok"), vec![e(EntityKind::BotCommand, 2, 22)]);
        assert!(detect_bot_commands("a/b http://x.fr").is_empty());
    }

    #[test]
    fn links_are_checked_like_telegram() {
        assert_eq!(check_link("https://a.fr").as_deref(), Some("https://a.fr/"));
        assert_eq!(check_link("tg://user?id=1").as_deref(), Some("tg://user?id=1"));
        assert_eq!(check_link("localhost"), None);
        assert_eq!(check_link("ftp://a.fr"), None);
    }
}
