//! The book's reference page (`book/src/reference.md`) names every public item of `aio`, and
//! nothing that is not one.
//!
//! The public items are read from the runtime's source, starting at `crates/aio/src/lib.rs`:
//! its `pub use` re-exports, the `pub fn`, `pub struct`, `pub enum`, `pub trait`, `pub type`,
//! `pub const` and `pub static` items of every public module (`pub mod`, followed into its
//! file), the public modules themselves, and every `#[macro_export]` macro (which lives at the
//! crate's root wherever it is defined). `#[doc(hidden)]` items are left out, as rustdoc leaves
//! them out. An item is recognised at the start of a line, as rustfmt writes it; anything
//! indented (a method in an `impl`, an item inside a function) is not a crate item.
//!
//! In the reference, each table row is `| asyncio | aio | taught in |`. Every backticked span
//! in the middle column that starts with `aio::` names an item, exactly as a path: `aio::run`,
//! `aio::sync::Queue`, `aio::gather!` (a macro, with its `!`). Methods are written without the
//! `aio::` prefix (`Task::cancel`), and are not checked.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use workspace_checks::{files_with_extension, read, root};

/// `path` relative to the workspace root, for messages.
fn shown(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// A public item of `aio`.
#[derive(Debug, Clone)]
struct Item {
    /// As the reference names it: `aio::sync::Queue`, `aio::gather!`.
    path: String,
    /// `fn`, `struct`, `macro`, `module`, …
    kind: String,
    /// Where it is defined (or re-exported, when the definition cannot be found), and the line.
    file: PathBuf,
    line: usize,
    /// The first sentence of its doc comment, to suggest the asyncio name.
    doc: String,
}

/// The folder holding the files of `file`'s child modules: `lib.rs` and `mod.rs` keep them
/// beside themselves, `foo.rs` in `foo/`.
fn child_dir(file: &Path) -> PathBuf {
    let dir = file.parent().unwrap();
    match file.file_stem().unwrap().to_str().unwrap() {
        "lib" | "mod" => dir.to_path_buf(),
        stem => dir.join(stem),
    }
}

/// The file of module `name`, declared in `parent`.
fn module_file(parent: &Path, name: &str) -> PathBuf {
    let dir = child_dir(parent);
    let flat = dir.join(format!("{name}.rs"));
    if flat.exists() {
        return flat;
    }
    let nested = dir.join(name).join("mod.rs");
    assert!(
        nested.exists(),
        "module `{name}` of {}: neither {} nor {} exists",
        shown(parent),
        shown(&flat),
        shown(&nested)
    );
    nested
}

/// One item-level declaration at the start of a line: its kind and name, if `line` is a
/// `pub` item (not `pub(crate)` and the like).
fn declaration(line: &str) -> Option<(&'static str, String)> {
    let rest = line.strip_prefix("pub ")?;
    let words: Vec<&str> = rest.split_whitespace().collect();
    let mut at = 0;
    // Function qualifiers: `pub const fn`, `pub async fn`, `pub unsafe fn`, `pub extern "C" fn`.
    while at < words.len() {
        match words[at] {
            "async" | "unsafe" | "extern" => at += 1,
            w if w.starts_with('"') => at += 1, // The ABI of `extern "C"`.
            // `const fn` (a function), not `const NAME` (a constant).
            "const"
                if matches!(
                    words.get(at + 1),
                    Some(&("fn" | "async" | "unsafe" | "extern"))
                ) =>
            {
                at += 1
            }
            _ => break,
        }
    }
    let kind = match *words.get(at)? {
        "fn" => "fn",
        "struct" => "struct",
        "enum" => "enum",
        "trait" => "trait",
        "type" => "type",
        "const" => "const",
        "static" => "static",
        "union" => "union",
        "mod" => "module",
        _ => return None,
    };
    let name = identifier(words.get(at + 1)?);
    (!name.is_empty()).then_some((kind, name))
}

fn identifier(text: &str) -> String {
    text.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// A file's lines, each with the attributes and doc comment lines just above it.
struct Line<'a> {
    number: usize,
    text: &'a str,
    attributes: Vec<&'a str>,
    doc: String,
}

fn lines_with_attributes(text: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut attributes = Vec::new();
    let mut doc = Vec::new();
    for (i, text) in text.lines().enumerate() {
        if text.starts_with("#[") {
            attributes.push(text);
        } else if let Some(d) = text.strip_prefix("///") {
            doc.push(d.trim());
        } else {
            out.push(Line {
                number: i + 1,
                text,
                attributes: std::mem::take(&mut attributes),
                doc: std::mem::take(&mut doc).join(" "),
            });
        }
    }
    out
}

fn hidden(attributes: &[&str]) -> bool {
    attributes
        .iter()
        .any(|a| a.replace(' ', "") == "#[doc(hidden)]")
}

/// The names a `use` tree brings in, each with the path it comes from:
/// `a::{b, c::d as e}` gives `(b, a::b)` and `(e, a::c::d)`.
fn use_tree(prefix: &str, tree: &str, out: &mut Vec<(String, String)>) {
    let tree = tree.trim();
    if tree.is_empty() {
        return;
    }
    let join = |a: &str, b: &str| {
        if a.is_empty() {
            b.to_string()
        } else {
            format!("{a}::{b}")
        }
    };
    if let Some(open) = tree.find('{') {
        let head = tree[..open].trim().trim_end_matches("::");
        let inner = &tree[open + 1..tree.rfind('}').expect("a `use` brace is closed")];
        let mut depth = 0;
        let mut start = 0;
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    use_tree(&join(prefix, head), &inner[start..i], out);
                    start = i + 1;
                }
                _ => {}
            }
        }
        use_tree(&join(prefix, head), &inner[start..], out);
        return;
    }
    let (path, alias) = match tree.split_once(" as ") {
        Some((path, alias)) => (path.trim(), Some(alias.trim())),
        None => (tree, None),
    };
    let full = join(prefix, path);
    let last = full.rsplit("::").next().unwrap();
    assert!(
        last != "*",
        "`pub use {full}`: a glob re-export; this test cannot list what it exports. Re-export \
         the items by name"
    );
    let name = match (alias, last) {
        (Some(alias), _) => alias.to_string(),
        (None, "self") => full.rsplit("::").nth(1).unwrap().to_string(),
        (None, last) => last.to_string(),
    };
    out.push((name, full));
}

/// The file of module `name` as seen from module file `from`: a child module of `from`, or a
/// module that `from` imports under that name (`use event_loop::{task, timers};` in `lib.rs`
/// lets `crate::task` name `event_loop/task.rs`).
fn submodule_file(from: &Path, name: &str) -> Option<PathBuf> {
    let dir = child_dir(from);
    let flat = dir.join(format!("{name}.rs"));
    let nested = dir.join(name).join("mod.rs");
    if let Some(file) = [flat, nested].into_iter().find(|f| f.exists()) {
        return Some(file);
    }
    let text = fs::read_to_string(from).ok()?;
    let lines = lines_with_attributes(&text);
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].text;
        i += 1;
        if !line.starts_with("use ") {
            continue;
        }
        let mut statement = line["use ".len()..].to_string();
        while !statement.contains(';') && i < lines.len() {
            statement.push(' ');
            statement.push_str(lines[i].text);
            i += 1;
        }
        let mut names = Vec::new();
        use_tree("", statement.split(';').next().unwrap(), &mut names);
        if let Some((_, source)) = names.into_iter().find(|(imported, _)| imported == name) {
            let mut file = from.to_path_buf();
            for segment in source.split("::") {
                file = submodule_file(&file, segment)?;
            }
            return Some(file);
        }
    }
    None
}

/// Where a re-exported item is defined: follows `source` (`net::TcpListener`,
/// `crate::sync::Event`, `super::x::Y`) from module file `from`. `None` if it cannot be found
/// (an item of another crate, or a re-export of a re-export).
fn definition(from: &Path, source: &str) -> Option<(PathBuf, usize, String, String)> {
    let src = root().join("crates/aio/src");
    let mut segments: Vec<&str> = source.split("::").collect();
    let name = segments.pop()?;
    let mut file = from.to_path_buf();
    for segment in segments {
        file = match segment {
            "crate" => src.join("lib.rs"),
            "self" => file,
            "super" => {
                let dir = child_dir(&file);
                let parent_dir = dir.parent()?;
                let candidates = [
                    parent_dir.join("mod.rs"),
                    parent_dir.join("lib.rs"),
                    parent_dir.with_extension("rs"),
                ];
                candidates.into_iter().find(|f| f.exists())?
            }
            module => submodule_file(&file, module)?,
        };
    }
    let text = fs::read_to_string(&file).ok()?;
    for line in lines_with_attributes(&text) {
        if let Some((kind, found)) = declaration(line.text) {
            if found == name {
                return Some((file, line.number, kind.to_string(), line.doc));
            }
        }
        if line.text.starts_with("macro_rules! ")
            && identifier(&line.text["macro_rules! ".len()..]) == name
        {
            return Some((file, line.number, "macro".to_string(), line.doc));
        }
    }
    None
}

/// Collects the public items of the module in `file`, whose path is `module` (`aio`,
/// `aio::sync`).
fn visit_module(file: &Path, module: &str, items: &mut Vec<Item>) {
    let text = read(file);
    let lines = lines_with_attributes(&text);
    let mut i = 0;
    while i < lines.len() {
        let line = &lines[i];
        i += 1;
        if hidden(&line.attributes) {
            continue;
        }
        if line.text.starts_with("pub use ") {
            // A `use` may span lines: read up to its `;`.
            let mut statement = line.text["pub use ".len()..].to_string();
            while !statement.contains(';') {
                statement.push(' ');
                statement.push_str(lines[i].text);
                i += 1;
            }
            let statement = statement.split(';').next().unwrap();
            let mut names = Vec::new();
            use_tree("", statement, &mut names);
            for (name, source) in names {
                let (def_file, def_line, kind, doc) = definition(file, &source).unwrap_or((
                    file.to_path_buf(),
                    line.number,
                    "re-export".to_string(),
                    String::new(),
                ));
                let path = format!("{module}::{name}");
                // A re-exported public module (`pub use io::fs;`): its items are public too.
                if kind == "module" {
                    let original = source.rsplit("::").next().unwrap();
                    visit_module(&module_file(&def_file, original), &path, items);
                }
                items.push(Item {
                    path,
                    kind,
                    file: def_file,
                    line: def_line,
                    doc,
                });
            }
            continue;
        }
        let Some((kind, name)) = declaration(line.text) else {
            continue;
        };
        let path = format!("{module}::{name}");
        items.push(Item {
            path: path.clone(),
            kind: kind.to_string(),
            file: file.to_path_buf(),
            line: line.number,
            doc: line.doc.clone(),
        });
        if kind == "module" {
            assert!(
                line.text.trim_end().ends_with(';'),
                "{}:{}: an inline public module; this test follows only `pub mod {name};` \
                 into its own file",
                shown(file),
                line.number
            );
            visit_module(&module_file(file, &name), &path, items);
        }
    }
}

/// Every public item of `aio`, by path.
fn public_items() -> BTreeMap<String, Item> {
    let src = root().join("crates/aio/src");
    let mut items = Vec::new();
    visit_module(&src.join("lib.rs"), "aio", &mut items);
    // `#[macro_export]` puts a macro at the crate's root, whichever module defines it.
    for file in files_with_extension(&src, "rs") {
        let text = read(&file);
        for line in lines_with_attributes(&text) {
            let exported = line
                .attributes
                .iter()
                .any(|a| a.starts_with("#[macro_export"));
            if exported && !hidden(&line.attributes) {
                let rest = line.text.strip_prefix("macro_rules! ").unwrap_or_else(|| {
                    panic!(
                        "{}:{}: #[macro_export] on something else than macro_rules!",
                        shown(&file),
                        line.number
                    )
                });
                items.push(Item {
                    path: format!("aio::{}!", identifier(rest)),
                    kind: "macro".into(),
                    file: file.clone(),
                    line: line.number,
                    doc: line.doc.clone(),
                });
            }
        }
    }
    items.into_iter().map(|i| (i.path.clone(), i)).collect()
}

/// One row of a table in the reference.
#[derive(Debug)]
struct Row {
    line: usize,
    asyncio: String,
    aio: String,
    taught: String,
}

/// Splits a table row on the `|` that are outside backticks.
fn cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut in_code = false;
    for c in inner.chars() {
        match c {
            '`' => {
                in_code = !in_code;
                cell.push(c);
            }
            '|' if !in_code => cells.push(std::mem::take(&mut cell).trim().to_string()),
            _ => cell.push(c),
        }
    }
    cells.push(cell.trim().to_string());
    cells
}

fn is_separator(cells: &[String]) -> bool {
    cells
        .iter()
        .all(|c| !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':' | ' ')))
}

/// The body rows of every table (not headers, not separators).
fn rows(text: &str) -> Vec<Row> {
    let lines: Vec<&str> = text.lines().collect();
    let mut rows = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if !line.trim_start().starts_with('|') {
            continue;
        }
        let row = cells(line);
        let next_is_separator = lines
            .get(i + 1)
            .is_some_and(|next| next.trim_start().starts_with('|') && is_separator(&cells(next)));
        if is_separator(&row) || next_is_separator {
            continue;
        }
        assert_eq!(
            row.len(),
            3,
            "book/src/reference.md:{}: a row has three cells, | asyncio | aio | taught in |: {line}",
            i + 1
        );
        rows.push(Row {
            line: i + 1,
            asyncio: row[0].clone(),
            aio: row[1].clone(),
            taught: row[2].clone(),
        });
    }
    rows
}

/// The backticked spans of `text`.
fn code_spans(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

/// The targets of the markdown links in `text`: `[x](target)`.
fn links(text: &str) -> Vec<&str> {
    text.match_indices("](")
        .filter_map(|(start, _)| {
            let rest = &text[start + 2..];
            rest.find(')').map(|end| &rest[..end])
        })
        .collect()
}

fn reference() -> String {
    read(root().join("book/src/reference.md"))
}

/// A lesson whose code names `item`, to suggest for its row: by its full path, or by its
/// name where the name is distinctive (it has a capital or an underscore).
fn suggested_lesson(item: &Item) -> Option<String> {
    let bare = item.path.trim_start_matches("aio::").trim_end_matches('!');
    let name = bare.rsplit("::").next().unwrap();
    let distinctive = name.chars().any(|c| c.is_uppercase() || c == '_');
    let mut lessons: Vec<PathBuf> = fs::read_dir(root().join("lessons"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("src").is_dir())
        .collect();
    lessons.sort();
    lessons.into_iter().find_map(|lesson| {
        let named = files_with_extension(&lesson.join("src"), "rs")
            .iter()
            .any(|file| {
                let text = read(file);
                text.contains(&format!("aio::{bare}"))
                    || (distinctive
                        && text.match_indices(name).any(|(at, _)| {
                            let before = text[..at].chars().next_back();
                            let after = text[at + name.len()..].chars().next();
                            let word = |c: Option<char>| {
                                c.is_some_and(|c| c.is_alphanumeric() || c == '_')
                            };
                            !word(before) && !word(after)
                        }))
            });
        let folder = lesson.file_name().unwrap().to_str().unwrap().to_string();
        named.then(|| format!("[lesson {}](lessons/{folder}.md)", &folder[..2]))
    })
}

/// The asyncio name an item's doc comment gives ("(asyncio's `Queue`)"), if any.
fn asyncio_name(doc: &str) -> Option<String> {
    let at = doc.find("asyncio's `").map(|i| i + "asyncio's `".len())?;
    let end = doc[at..].find('`')?;
    Some(format!("`{}`", &doc[at..at + end]))
}

#[test]
fn the_source_parser_finds_the_items_it_should() {
    // A guard on the parser itself: items of each kind it must recognise, and hidden ones
    // it must leave out.
    let items = public_items();
    for expected in [
        "aio::run",           // a re-exported fn
        "aio::Task",          // a re-exported struct
        "aio::TaskError",     // an enum
        "aio::Protocol",      // a trait
        "aio::DEFAULT_LIMIT", // a const
        "aio::gather!",       // an exported macro
        "aio::sync",          // a public module
        "aio::sync::Queue",   // a re-export inside a public module
        "aio::fs::read",      // a `pub async fn` in a public module
        "aio::sync::wait_list_visits",
    ] {
        assert!(
            items.contains_key(expected),
            "the parser missed {expected}: {:?}",
            items.keys().collect::<Vec<_>>()
        );
    }
    for hidden in ["aio::__MaybeDone", "aio::__boxed", "aio::__TupleChildren"] {
        assert!(!items.contains_key(hidden), "{hidden} is #[doc(hidden)]");
    }
    assert_eq!(items["aio::Task"].kind, "struct");
    assert_eq!(items["aio::gather"].kind, "fn");
    assert_eq!(items["aio::Protocol"].kind, "trait");
}

#[test]
fn the_reference_names_only_items_that_exist() {
    let items = public_items();
    let mut problems = Vec::new();
    for row in rows(&reference()) {
        for span in code_spans(&row.aio) {
            if !span.starts_with("aio::") || items.contains_key(span) {
                continue;
            }
            let last = span.rsplit("::").next().unwrap();
            let elsewhere: Vec<&str> = items
                .keys()
                .filter(|path| path.rsplit("::").next() == Some(last))
                .map(String::as_str)
                .collect();
            let hint = if elsewhere.is_empty() {
                "no public item has that name (a method is written without `aio::`, e.g. \
                 `Task::cancel`)"
                    .to_string()
            } else {
                format!("did you mean {}?", elsewhere.join(" or "))
            };
            problems.push(format!(
                "book/src/reference.md:{}: `{span}` is not a public item of aio: {hint}",
                row.line
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_reference_names_every_public_item() {
    let named: BTreeSet<String> = rows(&reference())
        .iter()
        .flat_map(|row| code_spans(&row.aio).into_iter().map(String::from))
        .collect();
    let missing: Vec<Item> = public_items()
        .into_values()
        .filter(|item| !named.contains(&item.path))
        .collect();
    if missing.is_empty() {
        return;
    }
    let rows: Vec<String> = missing
        .iter()
        .map(|item| {
            let asyncio = asyncio_name(&item.doc)
                .unwrap_or_else(|| "`asyncio.…` or (no asyncio equivalent)".to_string());
            let taught = suggested_lesson(item)
                .unwrap_or_else(|| "[a lesson or chapter](lessons/NN-topic.md)".to_string());
            format!(
                "| {asyncio} | `{}` | {taught} |\n    ({} at {}:{})",
                item.path,
                item.kind,
                shown(&item.file),
                item.line
            )
        })
        .collect();
    panic!(
        "book/src/reference.md does not name {} public item(s) of aio. Add these rows, each to \
         the table of its group (check the asyncio name and the lesson: they are guesses from \
         the item's doc comment and the lessons' code):\n\n{}\n",
        missing.len(),
        rows.join("\n")
    );
}

#[test]
fn every_row_says_what_asyncio_has_and_where_it_is_taught() {
    let text = reference();
    let rows = rows(&text);
    assert!(rows.len() > 50, "the reference has {} rows", rows.len());
    let mut problems = Vec::new();
    for row in &rows {
        if row.asyncio.is_empty() || row.aio.is_empty() || row.taught.is_empty() {
            problems.push(format!(
                "book/src/reference.md:{}: a cell is empty (write \"(no asyncio equivalent)\" \
                 or \"not in a lesson\" rather than nothing)",
                row.line
            ));
        }
    }
    // Every link goes to a page of the book.
    let src = root().join("book/src");
    for target in links(&text) {
        let file = target.split('#').next().unwrap();
        if file.starts_with("http") || file.is_empty() {
            continue;
        }
        if !src.join(file).is_file() {
            problems.push(format!(
                "book/src/reference.md links to {target}, but book/src/{file} does not exist"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let summary = read(src.join("SUMMARY.md"));
    assert!(
        summary.contains("(reference.md)"),
        "book/src/SUMMARY.md does not list reference.md"
    );
}
