//! The Fluent files and the code agree: every message the code asks for exists, every message exists for a
//! reason, and every call passes exactly the variables its message uses.

use std::{
    collections::{BTreeMap, BTreeSet},
    fs,
    path::{Path, PathBuf},
};

use fluent_syntax::ast::{Entry, Expression, InlineExpression, Pattern, PatternElement};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Message id -> variables its value uses, for every message of `locales/fr/*.ftl`.
fn ftl_messages() -> BTreeMap<String, BTreeSet<String>> {
    let mut messages = BTreeMap::new();
    for path in files_with_extension(&root().join("locales/fr"), "ftl") {
        let source = fs::read_to_string(&path).unwrap();
        let resource = fluent_syntax::parser::parse(source.as_str())
            .unwrap_or_else(|(_, errors)| panic!("{}: {errors:?}", path.display()));
        for entry in resource.body {
            if let Entry::Message(message) = entry {
                let mut variables = BTreeSet::new();
                if let Some(value) = &message.value {
                    collect_variables(value, &mut variables);
                }
                let previous = messages.insert(message.id.name.to_owned(), variables);
                assert!(previous.is_none(), "message {} is defined twice", message.id.name);
            }
        }
    }
    messages
}

fn collect_variables(pattern: &Pattern<&str>, out: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let PatternElement::Placeable { expression } = element {
            collect_expression(expression, out);
        }
    }
}

fn collect_expression(expression: &Expression<&str>, out: &mut BTreeSet<String>) {
    match expression {
        Expression::Inline(inline) => collect_inline(inline, out),
        Expression::Select { selector, variants } => {
            collect_inline(selector, out);
            for variant in variants {
                collect_variables(&variant.value, out);
            }
        }
    }
}

fn collect_inline(inline: &InlineExpression<&str>, out: &mut BTreeSet<String>) {
    match inline {
        InlineExpression::VariableReference { id } => {
            out.insert(id.name.to_owned());
        }
        InlineExpression::Placeable { expression } => collect_expression(expression, out),
        InlineExpression::FunctionReference { arguments, .. } => {
            for arg in &arguments.positional {
                collect_inline(arg, out);
            }
        }
        _ => {}
    }
}

/// One `tr!` / `tr_html!` call found in the sources.
#[derive(Debug)]
struct Call {
    location: String,
    id: String,
    args: BTreeSet<String>,
}

/// Finds every `tr!("id", name = value, ...)` and `tr_html!(...)` call in `source`: (byte offset, id, argument names).
fn scan(source: &str) -> Vec<(usize, String, BTreeSet<String>)> {
    let start = regex::Regex::new(r#"\btr(?:_html)?!\(\s*"([^"]+)""#).unwrap();
    let named = regex::Regex::new(r"^\s*([a-z_][a-z0-9_]*)\s*=").unwrap();
    let mut calls = Vec::new();
    for found in start.captures_iter(source) {
        let whole = found.get(0).unwrap();
        let rest = &source[whole.end()..];
        // Split the remaining arguments at top-level commas, up to the closing parenthesis.
        let (mut depth, mut pieces, mut current) = (0usize, Vec::new(), String::new());
        for c in rest.chars() {
            match c {
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' if depth > 0 => depth -= 1,
                ')' => break,
                ',' if depth == 0 => {
                    pieces.push(std::mem::take(&mut current));
                    continue;
                }
                _ => {}
            }
            current.push(c);
        }
        pieces.push(current);
        let args = pieces.iter().filter_map(|piece| named.captures(piece)).map(|name| name[1].to_owned()).collect();
        calls.push((whole.start(), found[1].to_owned(), args));
    }
    calls
}

fn code_calls() -> Vec<Call> {
    let mut calls = Vec::new();
    for path in files_with_extension(&root().join("src"), "rs") {
        let source = fs::read_to_string(&path).unwrap();
        for (offset, id, args) in scan(&source) {
            let line_start = source[..offset].rfind('\n').map_or(0, |i| i + 1);
            if source[line_start..offset].trim_start().starts_with("//") {
                continue; // documentation examples
            }
            let line = source[..offset].lines().count();
            calls.push(Call { location: format!("{}:{line}", path.display()), id, args });
        }
    }
    calls
}

fn files_with_extension(dir: &Path, extension: &str) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == extension) {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn every_message_the_code_uses_exists_with_exactly_its_variables() {
    let messages = ftl_messages();
    let calls = code_calls();
    assert!(calls.len() > 20, "the scan found only {} calls: is the pattern broken?", calls.len());
    let mut problems = Vec::new();
    for call in &calls {
        match messages.get(&call.id) {
            None => problems.push(format!("{}: message {:?} is not in locales/fr", call.location, call.id)),
            Some(variables) if *variables != call.args => problems.push(format!(
                "{}: message {:?} uses variables {variables:?} but the call passes {:?}",
                call.location, call.id, call.args
            )),
            Some(_) => {}
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_message_in_the_files_is_used_by_the_code() {
    let used: BTreeSet<String> = code_calls().into_iter().map(|call| call.id).collect();
    let unused: Vec<String> = ftl_messages().into_keys().filter(|id| !used.contains(id)).collect();
    assert!(unused.is_empty(), "messages never used by the code: {unused:?}");
}

#[test]
fn every_ftl_file_is_embedded_in_the_binary() {
    let on_disk: BTreeSet<String> = files_with_extension(&root().join("locales/fr"), "ftl")
        .iter()
        .map(|path| path.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let embedded: BTreeSet<String> = accelerateur::i18n::SOURCES.iter().map(|(name, _)| (*name).to_owned()).collect();
    assert_eq!(on_disk, embedded);
}

#[test]
fn the_scanner_reads_arguments_with_nested_expressions() {
    let calls = scan(r#"let x = tr_html!("x", a = f(b, c), d = [1, 2], e = g == h); tr!("y");"#);
    let names: Vec<_> =
        calls.iter().map(|(_, id, args)| (id.as_str(), args.iter().cloned().collect::<Vec<_>>())).collect();
    assert_eq!(names, vec![("x", vec!["a".to_owned(), "d".to_owned(), "e".to_owned()]), ("y", vec![])]);
}

/// French typography in every message: a no-break space (U+00A0) before « : » and inside « », a narrow one
/// (U+202F) before « ? ! ; », « 10 h » never split, no « 10:00 » times and no « (s) » plurals (Fluent selectors).
#[test]
fn every_message_follows_french_typography() {
    let time = regex::Regex::new(r"\d:\d\d|\d h\b|\d min\b").unwrap();
    let mut problems = Vec::new();
    for path in files_with_extension(&root().join("locales/fr"), "ftl") {
        let source = fs::read_to_string(&path).unwrap();
        for (number, line) in source.lines().enumerate() {
            if line.trim_start().starts_with('#') {
                continue;
            }
            let chars: Vec<char> = line.chars().collect();
            for (i, &c) in chars.iter().enumerate() {
                let before = i.checked_sub(1).map(|j| chars[j]);
                let after = chars.get(i + 1).copied();
                let wrong = match c {
                    '?' | '!' | ';' => before != Some('\u{202f}'),
                    ':' | '»' => before != Some('\u{a0}'),
                    '«' => after != Some('\u{a0}'),
                    _ => false,
                };
                if wrong {
                    problems.push(format!("{}:{}: {c:?} in {line:?}", path.display(), number + 1));
                }
            }
            if time.is_match(line) || line.contains("(s)") {
                problems.push(format!("{}:{}: {line:?}", path.display(), number + 1));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// One voice for the bot: no adjective agreeing with the bot itself (« sûr », « contente », « désolé »…).
#[test]
fn the_bot_never_speaks_of_itself_with_a_gendered_adjective() {
    let gendered = regex::Regex::new(
        r"(?i)\bje (ne )?suis (pas )?(sûre?|contente?|ravie?|désolée?|prête?|certaine?)\b|\b(contente?|ravie?) de\b|\bdésolée?\b",
    )
    .unwrap();
    for path in files_with_extension(&root().join("locales/fr"), "ftl") {
        let source = fs::read_to_string(&path).unwrap();
        let found: Vec<&str> = source.lines().filter(|line| gendered.is_match(line)).collect();
        assert!(found.is_empty(), "{}: {found:?}", path.display());
    }
}
