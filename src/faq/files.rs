//! [`ContentFiles`]: the content as its files (relative path → text), whatever holds them: a content directory,
//! the copy of `faq/` embedded in the binary ([`ContentFiles::shipped`]) or the database
//! ([`crate::storage::content`]). Validation ([`crate::faq::check`]) reads a `ContentFiles`, so a directory and the
//! database are checked by the same code; `faq export` writes one back to a directory byte for byte.
//!
//! A chapter's FAQ file is also split into its *preamble* (the comments before the first `[[entry]]`) and one TOML
//! *block* per entry ([`split_chapter`]); the database stores the blocks, so an entry's revisions are readable TOML
//! and a chapter file is rebuilt by concatenation. [`entry_block`] writes an entry edited in the bot in the same
//! layout as the shipped files.

use std::collections::BTreeMap;
use std::path::Path;

use crate::faq::content::{FAQ_CHAPTERS, FaqEntry, FaqFile};

pub const CURRICULUM: &str = "curriculum.toml";
pub const LEXICON: &str = "lexicon.toml";
pub const THRESHOLDS: &str = "calibration/thresholds.toml";
pub const OFF_TOPIC: &str = "calibration/hors-sujet.txt";

/// The content directory as shipped in the repository, embedded at compile time.
const SHIPPED: &[(&str, &str)] = &[
    ("programme.toml", include_str!("../../faq/programme.toml")),
    ("preparer.toml", include_str!("../../faq/preparer.toml")),
    ("boutique.toml", include_str!("../../faq/boutique.toml")),
    ("marketplace.toml", include_str!("../../faq/marketplace.toml")),
    ("marque.toml", include_str!("../../faq/marque.toml")),
    ("trafic.toml", include_str!("../../faq/trafic.toml")),
    ("logistique.toml", include_str!("../../faq/logistique.toml")),
    ("ventes.toml", include_str!("../../faq/ventes.toml")),
    (CURRICULUM, include_str!("../../faq/curriculum.toml")),
    (LEXICON, include_str!("../../faq/lexicon.toml")),
    (THRESHOLDS, include_str!("../../faq/calibration/thresholds.toml")),
    (OFF_TOPIC, include_str!("../../faq/calibration/hors-sujet.txt")),
    ("calibration/questions-round1.tsv", include_str!("../../faq/calibration/questions-round1.tsv")),
    ("calibration/questions-round2.tsv", include_str!("../../faq/calibration/questions-round2.tsv")),
    ("calibration/questions-round3.tsv", include_str!("../../faq/calibration/questions-round3.tsv")),
    ("calibration/questions-round4.tsv", include_str!("../../faq/calibration/questions-round4.tsv")),
    ("calibration/questions-round5.tsv", include_str!("../../faq/calibration/questions-round5.tsv")),
    ("calibration/questions-round6.tsv", include_str!("../../faq/calibration/questions-round6.tsv")),
];

/// Content files by relative path (`/` separated), in path order; files that could not be read are kept with
/// their error so validation reports them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContentFiles {
    files: BTreeMap<String, String>,
    unreadable: BTreeMap<String, String>,
}

/// The file of a chapter's FAQ entries.
#[must_use]
pub fn chapter_file(chapter: &str) -> String {
    format!("{chapter}.toml")
}

/// Whether `path` is a calibration round (`calibration/questions-round*.tsv`).
#[must_use]
pub fn is_round(path: &str) -> bool {
    path.strip_prefix("calibration/").is_some_and(|name| name.starts_with("questions-round") && name.ends_with(".tsv"))
}

impl ContentFiles {
    /// The `faq/` directory embedded in the binary.
    #[must_use]
    pub fn shipped() -> Self {
        SHIPPED.iter().map(|(path, text)| ((*path).to_owned(), (*text).to_owned())).collect()
    }

    /// Reads the content files of `dir` (chapters, curriculum, lexicon, `calibration/`); a missing required file
    /// is recorded as unreadable, a missing optional one (thresholds, calibration messages) is left out.
    #[must_use]
    pub fn read_dir(dir: &Path) -> Self {
        let mut out = Self::default();
        let required = FAQ_CHAPTERS.iter().map(|c| chapter_file(c)).chain([CURRICULUM.to_owned(), LEXICON.to_owned()]);
        for path in required {
            match std::fs::read_to_string(dir.join(&path)) {
                Ok(text) => out.insert(&path, text),
                Err(e) => {
                    out.unreadable.insert(path, e.to_string());
                }
            }
        }
        let mut optional = vec![THRESHOLDS.to_owned(), OFF_TOPIC.to_owned()];
        if let Ok(list) = std::fs::read_dir(dir.join("calibration")) {
            optional.extend(
                list.filter_map(Result::ok)
                    .filter_map(|e| e.file_name().to_str().map(|name| format!("calibration/{name}")))
                    .filter(|path| is_round(path)),
            );
        }
        for path in optional {
            let full = dir.join(&path);
            if !full.exists() {
                continue;
            }
            match std::fs::read_to_string(&full) {
                Ok(text) => out.insert(&path, text),
                Err(e) => {
                    out.unreadable.insert(path, e.to_string());
                }
            }
        }
        out
    }

    /// Writes every file under `dir` (creating `dir` and `dir/calibration`).
    ///
    /// # Errors
    /// A directory or file that cannot be written.
    pub fn write_dir(&self, dir: &Path) -> std::io::Result<()> {
        for (path, text) in &self.files {
            let full = dir.join(path);
            if let Some(parent) = full.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(full, text)?;
        }
        Ok(())
    }

    #[must_use]
    pub fn get(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(String::as_str)
    }

    /// Why `path` could not be read, if it was not.
    #[must_use]
    pub fn unreadable(&self, path: &str) -> Option<&str> {
        self.unreadable.get(path).map(String::as_str)
    }

    pub fn insert(&mut self, path: &str, text: String) {
        self.unreadable.remove(path);
        self.files.insert(path.to_owned(), text);
    }

    /// Every readable file, in path order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files.iter().map(|(path, text)| (path.as_str(), text.as_str()))
    }

    /// The calibration rounds, in path order.
    pub fn rounds(&self) -> impl Iterator<Item = (&str, &str)> {
        self.iter().filter(|(path, _)| is_round(path))
    }
}

impl FromIterator<(String, String)> for ContentFiles {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(iter: I) -> Self {
        Self { files: iter.into_iter().collect(), unreadable: BTreeMap::new() }
    }
}

/// A chapter file cut into its preamble and one block per `[[entry]]`, each block running up to the next entry's
/// header: `preamble + blocks.concat()` is the file's text exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitChapter {
    pub preamble: String,
    /// `(entry id, block)`, in file order.
    pub blocks: Vec<(String, String)>,
}

/// Splits a chapter file whose entries all start with a `[[entry]]` line. `None` when the text does not split
/// cleanly (each block must parse to exactly the entry at its place); the caller then writes every entry anew
/// with [`entry_block`].
#[must_use]
pub fn split_chapter(text: &str, entries: &[FaqEntry]) -> Option<SplitChapter> {
    let mut starts = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.trim_end() == "[[entry]]" {
            starts.push(offset);
        }
        offset += line.len();
    }
    if starts.len() != entries.len() {
        return None;
    }
    let preamble = text[..starts.first().copied().unwrap_or(text.len())].to_owned();
    if !toml::from_str::<FaqFile>(&preamble).ok()?.entry.is_empty() {
        return None;
    }
    let mut blocks = Vec::new();
    for (i, start) in starts.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(text.len());
        let block = &text[*start..end];
        let parsed = toml::from_str::<FaqFile>(block).ok()?.entry;
        if parsed.len() != 1 || parsed[0] != entries[i] {
            return None;
        }
        blocks.push((entries[i].id.clone(), block.to_owned()));
    }
    Some(SplitChapter { preamble, blocks })
}

/// Parses one entry's block.
///
/// # Errors
/// The TOML error, or a block holding other than one entry.
pub fn parse_block(block: &str) -> anyhow::Result<FaqEntry> {
    let mut entries = toml::from_str::<FaqFile>(block)?.entry;
    anyhow::ensure!(entries.len() == 1, "a block holds {} entries, not one", entries.len());
    Ok(entries.remove(0))
}

/// An entry as a TOML block in the layout of the shipped files (a blank line after it).
#[must_use]
pub fn entry_block(entry: &FaqEntry) -> String {
    use std::fmt::Write as _;
    let mut out = String::from("[[entry]]\n");
    let _ = writeln!(out, "id = {}", basic(&entry.id));
    let _ = writeln!(out, "chapter = {}", basic(&entry.chapter));
    let _ = writeln!(out, "question = {}", basic(&entry.question));
    out.push_str("variants = [\n");
    for variant in &entry.variants {
        let _ = writeln!(out, "  {},", basic(variant));
    }
    out.push_str("]\n");
    let _ = writeln!(out, "keywords = {}", inline_list(&entry.keywords));
    let _ = writeln!(out, "answer = \"\"\"\n{}\"\"\"", multiline(&entry.answer));
    let _ = writeln!(out, "modules = {}", inline_list(&entry.modules));
    if !entry.sources.is_empty() {
        let _ = writeln!(out, "sources = {}", inline_list(&entry.sources));
    }
    if let Some(date) = entry.reviewed {
        let _ = writeln!(out, "reviewed = {date}");
    }
    out.push('\n');
    out
}

fn inline_list(items: &[String]) -> String {
    format!("[{}]", items.iter().map(|s| basic(s)).collect::<Vec<_>>().join(", "))
}

/// A TOML basic string.
fn basic(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The body of a multi-line basic string (after the newline that TOML trims, before the closing quotes).
fn multiline(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 1);
    let mut quotes = 0;
    for c in s.chars() {
        match c {
            // Never three quotes in a row, nor a quote right before the closing ones.
            '"' if quotes == 2 => {
                out.push_str("\\\"");
                quotes = 0;
                continue;
            }
            '"' => out.push('"'),
            '\\' => out.push_str("\\\\"),
            '\n' | '\t' => out.push(c),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
        quotes = if c == '"' { quotes + 1 } else { 0 };
    }
    if out.ends_with('"') {
        out.pop();
        out.push_str("\\\"");
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(answer: &str) -> FaqEntry {
        FaqEntry {
            id: "creer-site".to_owned(),
            chapter: "boutique".to_owned(),
            question: "Comment \"créer\" un site ?".to_owned(),
            variants: vec!["a\\b".into(), "c\td".into(), "e".into(), "f".into()],
            keywords: vec!["site".into()],
            answer: answer.to_owned(),
            modules: vec![],
            sources: vec!["https://example.org/".into()],
            reviewed: Some(jiff::civil::date(2026, 12, 3)),
        }
    }

    #[test]
    fn an_entry_block_parses_back_to_the_same_entry() {
        for answer in ["Oui.\n", "Oui.", "Trois \"\"\" guillemets \"", "a\\b\r\nc\u{1}", "\"", "\"\""] {
            let e = entry(answer);
            let parsed = parse_block(&entry_block(&e)).unwrap();
            // TOML drops the newline right after the opening quotes, and the block always ends the answer with one.
            let expected = if answer.ends_with('\n') { answer.to_owned() } else { format!("{answer}\n") };
            assert_eq!(parsed.answer, expected, "{answer:?}");
            assert_eq!(FaqEntry { answer: e.answer.clone(), ..parsed }, e);
        }
    }

    #[test]
    fn the_shipped_chapters_split_into_blocks_and_back() {
        let files = ContentFiles::shipped();
        for chapter in FAQ_CHAPTERS {
            let text = files.get(&chapter_file(chapter)).unwrap();
            let entries = toml::from_str::<FaqFile>(text).unwrap().entry;
            let split = split_chapter(text, &entries).expect("the shipped file splits");
            let blocks: String = split.blocks.iter().map(|(_, b)| b.as_str()).collect();
            assert_eq!(format!("{}{blocks}", split.preamble), text);
        }
    }

    #[test]
    fn the_embedded_copy_is_the_content_directory() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("faq");
        if !dir.exists() {
            return;
        }
        assert_eq!(ContentFiles::read_dir(&dir), ContentFiles::shipped(), "add the new file to SHIPPED");
    }
}
