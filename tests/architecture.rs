//! The layers of `src/`, kept (ARCHITECTURE.md draws them): every `crate::`, `super::`
//! and `self::` path in a file under `src/` may name only its own part of the tree or a
//! layer below it, and no two files form an import cycle. A failure names the file, the
//! line and the path that breaks the rule.
//!
//! Test modules (`#[cfg(test)] mod tests`) are not read: a test may build what it checks
//! with help from above.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Bottom to top. A part is a folder directly under `src/` (or `lib`, `main`). A part may
/// name its own files and the parts of lower layers; parts in one layer stand side by side
/// and do not name each other.
const LAYERS: &[(&str, &[&str])] = &[
    ("the foundation", &["base"]),
    ("signed bytes; laying out blocks", &["signature", "layout"]),
    ("the model", &["model"]),
    ("the PDF writer", &["pdf"]),
    ("the two pipelines", &["compose", "archive"]),
    ("the MED report", &["report"]),
    ("the operations", &["app"]),
    ("the web pages", &["serve"]),
    (
        "the command line (one of its commands starts the web pages)",
        &["cli"],
    ),
    ("the crate root", &["lib", "main"]),
];

/// Files allowed directly in `src/`: everything else lives in its layer's folder.
const TOP_LEVEL_FILES: &[&str] = &["lib.rs", "main.rs"];

fn layer_of(part: &str) -> Option<usize> {
    LAYERS.iter().position(|(_, parts)| parts.contains(&part))
}

/// A module of the crate as a path (`["archive", "index"]`) and the file that holds it.
struct Module {
    path: Vec<String>,
    file: PathBuf,
}

fn modules(src: &Path) -> Vec<Module> {
    let mut out = Vec::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(src).unwrap();
                let mut parts: Vec<String> = rel
                    .iter()
                    .map(|p| p.to_string_lossy().into_owned())
                    .collect();
                let last = parts.pop().unwrap();
                let stem = last.trim_end_matches(".rs").to_string();
                if stem != "mod" {
                    parts.push(stem);
                }
                out.push(Module {
                    path: parts,
                    file: path,
                });
            }
        }
    }
    out.sort_by(|a, b| a.file.cmp(&b.file));
    out
}

/// The code of a file without its test module and without comment lines, with each
/// line's number.
fn code_lines(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut lines = text.lines().enumerate().peekable();
    while let Some((i, line)) = lines.next() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("#[cfg(test)]") {
            if let Some((_, next)) = lines.peek() {
                if next.trim_start().starts_with("mod ") && line.starts_with('#') {
                    break;
                }
            }
        }
        if trimmed.starts_with("//") {
            continue;
        }
        let code = match line.find(" //") {
            Some(at) if !line[..at].contains('"') => &line[..at],
            _ => line,
        };
        out.push((i + 1, code.to_string()));
    }
    out
}

/// Every path a file names through `crate::`, `super::` or `self::`, with use-groups
/// (`crate::a::{b, c::{d}}`) expanded, each with the line it starts on.
fn named_paths(text: &str) -> Vec<(usize, String)> {
    let lines = code_lines(text);
    let mut joined = String::new();
    let mut line_at = Vec::new();
    for (number, line) in &lines {
        for _ in 0..=line.len() {
            line_at.push(*number);
        }
        joined.push_str(line);
        joined.push('\n');
    }
    let bytes = joined.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let rest = &joined[i..];
        let start_ok = i == 0
            || !(bytes[i - 1].is_ascii_alphanumeric()
                || bytes[i - 1] == b'_'
                || bytes[i - 1] == b':');
        let root = ["crate::", "super::", "self::"]
            .into_iter()
            .find(|r| rest.starts_with(r));
        match root {
            Some(root) if start_ok => {
                let (paths, used) = path_at(rest);
                for p in paths {
                    out.push((line_at[i], p));
                }
                i += used.max(root.len());
            }
            _ => i += rest.chars().next().map_or(1, char::len_utf8),
        }
    }
    out
}

/// The path (or use-group of paths) at the start of `text`, and how many bytes it spans.
fn path_at(text: &str) -> (Vec<String>, usize) {
    let mut prefix = String::new();
    let mut i = 0;
    let bytes = text.as_bytes();
    loop {
        let start = i;
        while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
            i += 1;
        }
        prefix.push_str(&text[start..i]);
        if text[i..].starts_with("::{") {
            let open = i + 2;
            let close = matching_brace(text, open);
            let mut out = Vec::new();
            for item in split_top_level(&text[open + 1..close]) {
                let item = item.trim();
                if item.is_empty() {
                    continue;
                }
                let (inner, _) = path_at(item);
                for p in inner {
                    out.push(if p == "self" {
                        prefix.clone()
                    } else {
                        format!("{prefix}::{p}")
                    });
                }
            }
            return (out, close + 1);
        }
        if text[i..].starts_with("::")
            && text[i + 2..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        {
            prefix.push_str("::");
            i += 2;
            continue;
        }
        return (vec![prefix], i);
    }
}

fn matching_brace(text: &str, open: usize) -> usize {
    let mut depth = 0;
    for (i, c) in text[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return open + i;
                }
            }
            _ => {}
        }
    }
    text.len() - 1
}

fn split_top_level(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&text[start..]);
    out
}

/// The module a path names: the longest prefix that is a module of the crate.
fn resolve(
    module: &[String],
    is_dir_module: bool,
    path: &str,
    known: &BTreeSet<Vec<String>>,
) -> Option<Vec<String>> {
    let mut segments: Vec<&str> = path.split("::").collect();
    let mut base: Vec<String> = match segments.first() {
        Some(&"crate") => Vec::new(),
        Some(&"self") => module.to_vec(),
        Some(&"super") => {
            // In `a/mod.rs` (module `a`) and in `a/b.rs` (module `a::b`), `super` is the
            // parent of the module.
            let _ = is_dir_module;
            module[..module.len().saturating_sub(1)].to_vec()
        }
        _ => return None,
    };
    segments.remove(0);
    while segments.first() == Some(&"super") {
        base.pop();
        segments.remove(0);
    }
    let mut full = base;
    full.extend(segments.iter().map(|s| s.to_string()));
    (0..=full.len())
        .rev()
        .map(|n| full[..n].to_vec())
        .find(|candidate| known.contains(candidate))
}

struct Edge {
    from: usize,
    to: usize,
    line: usize,
    path: String,
}

#[test]
fn layers_import_only_downwards_and_form_no_cycle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mods = modules(&src);
    let known: BTreeSet<Vec<String>> = mods.iter().map(|m| m.path.clone()).collect();
    let index: BTreeMap<Vec<String>, usize> = mods
        .iter()
        .enumerate()
        .map(|(i, m)| (m.path.clone(), i))
        .collect();
    let mut problems = Vec::new();

    for entry in fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_file() && !TOP_LEVEL_FILES.contains(&name.as_str()) {
            problems.push(format!(
                "src/{name}: a loose file at the top of src/; it belongs in its layer's folder"
            ));
        }
    }

    let part = |m: &Module| -> String {
        m.path
            .first()
            .cloned()
            .unwrap_or_else(|| m.file.file_stem().unwrap().to_string_lossy().into_owned())
    };
    let mut edges = Vec::new();
    let mut reported = BTreeSet::new();
    for (from, m) in mods.iter().enumerate() {
        let own = part(m);
        let Some(own_layer) = layer_of(&own) else {
            problems.push(format!(
                "{}: the part `{own}` is in no layer of tests/architecture.rs (place it, and draw it in ARCHITECTURE.md)",
                display(&m.file)
            ));
            continue;
        };
        let text = fs::read_to_string(&m.file).unwrap();
        let is_dir_module = m.file.file_name().is_some_and(|f| f == "mod.rs");
        for (line, path) in named_paths(&text) {
            let Some(target) = resolve(&m.path, is_dir_module, &path, &known) else {
                continue;
            };
            if target == m.path || target.is_empty() {
                continue;
            }
            let to = index[&target];
            let theirs = part(&mods[to]);
            if theirs != own && reported.insert((from, line, theirs.clone())) {
                let their_layer = layer_of(&theirs).unwrap_or(usize::MAX);
                if their_layer >= own_layer {
                    problems.push(format!(
                        "{}:{line}: `{path}` names `{theirs}` ({}) from `{own}` ({}): a part may name only its own files and lower layers",
                        display(&m.file),
                        LAYERS.get(their_layer).map_or("no layer", |l| l.0),
                        LAYERS[own_layer].0,
                    ));
                }
            }
            // A module's own submodules are part of it (`mod.rs` declaring and
            // re-exporting its children is not an import cycle).
            if !target.starts_with(&m.path) {
                edges.push(Edge {
                    from,
                    to,
                    line,
                    path,
                });
            }
        }
    }

    for cycle in cycles(mods.len(), &edges) {
        let mut steps = Vec::new();
        for pair in cycle.windows(2) {
            let edge = edges
                .iter()
                .find(|e| e.from == pair[0] && e.to == pair[1])
                .unwrap();
            steps.push(format!(
                "{}:{} names `{}`",
                display(&mods[edge.from].file),
                edge.line,
                edge.path
            ));
        }
        problems.push(format!("an import cycle: {}", steps.join(" → ")));
    }

    assert!(
        problems.is_empty(),
        "{} problem(s) with the layers of src/:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

fn display(path: &Path) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// The cycles of the module graph, one per strongly connected component (Tarjan), each
/// as a closed walk `a → b → … → a`.
fn cycles(n: usize, edges: &[Edge]) -> Vec<Vec<usize>> {
    let mut next: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); n];
    for e in edges {
        next[e.from].insert(e.to);
    }
    let mut found = Vec::new();
    for component in strongly_connected(&next) {
        if component.len() < 2 {
            continue;
        }
        // A closed walk inside the component, from its first member: breadth-first back
        // to the start.
        let start = component[0];
        let members: BTreeSet<usize> = component.iter().copied().collect();
        let mut parent = vec![usize::MAX; n];
        let mut queue = std::collections::VecDeque::from([start]);
        let mut end = None;
        'search: while let Some(v) = queue.pop_front() {
            for &w in &next[v] {
                if !members.contains(&w) {
                    continue;
                }
                if w == start {
                    end = Some(v);
                    break 'search;
                }
                if parent[w] == usize::MAX {
                    parent[w] = v;
                    queue.push_back(w);
                }
            }
        }
        let mut walk = vec![start];
        let mut v = end.unwrap();
        while v != start {
            walk.push(v);
            v = parent[v];
        }
        walk.push(start);
        walk.reverse();
        found.push(walk);
    }
    found
}

fn strongly_connected(next: &[BTreeSet<usize>]) -> Vec<Vec<usize>> {
    struct State<'a> {
        next: &'a [BTreeSet<usize>],
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on_stack: Vec<bool>,
        stack: Vec<usize>,
        counter: usize,
        out: Vec<Vec<usize>>,
    }
    fn visit(s: &mut State, v: usize) {
        s.index[v] = Some(s.counter);
        s.low[v] = s.counter;
        s.counter += 1;
        s.stack.push(v);
        s.on_stack[v] = true;
        for &w in s.next[v].clone().iter() {
            match s.index[w] {
                None => {
                    visit(s, w);
                    s.low[v] = s.low[v].min(s.low[w]);
                }
                Some(i) if s.on_stack[w] => s.low[v] = s.low[v].min(i),
                _ => {}
            }
        }
        if Some(s.low[v]) == s.index[v] {
            let mut component = Vec::new();
            loop {
                let w = s.stack.pop().unwrap();
                s.on_stack[w] = false;
                component.push(w);
                if w == v {
                    break;
                }
            }
            component.sort();
            s.out.push(component);
        }
    }
    let n = next.len();
    let mut s = State {
        next,
        index: vec![None; n],
        low: vec![0; n],
        on_stack: vec![false; n],
        stack: Vec::new(),
        counter: 0,
        out: Vec::new(),
    };
    for v in 0..n {
        if s.index[v].is_none() {
            visit(&mut s, v);
        }
    }
    s.out
}

/// The checker itself: a group is expanded, `super` resolved, a comment ignored.
#[test]
fn the_checker_reads_groups_super_and_skips_comments() {
    let text = "//! see [`crate::report`]\nuse crate::{base::text::{self, slug}, model};\nuse super::index::Status;\nfn f() { crate::pdf::write(); } // crate::cli\n#[cfg(test)]\nmod tests {\n    use crate::cli;\n}\n";
    let paths: Vec<String> = named_paths(text).into_iter().map(|(_, p)| p).collect();
    assert_eq!(
        paths,
        [
            "crate::base::text",
            "crate::base::text::slug",
            "crate::model",
            "super::index::Status",
            "crate::pdf::write"
        ]
    );
    let known: BTreeSet<Vec<String>> = [
        vec!["archive".to_string()],
        vec!["archive".into(), "index".into()],
    ]
    .into_iter()
    .collect();
    assert_eq!(
        resolve(
            &["archive".into(), "policy".into()],
            false,
            "super::index::Status",
            &known
        ),
        Some(vec!["archive".to_string(), "index".to_string()])
    );
    let edges = [
        Edge {
            from: 0,
            to: 1,
            line: 1,
            path: String::new(),
        },
        Edge {
            from: 1,
            to: 2,
            line: 1,
            path: String::new(),
        },
        Edge {
            from: 2,
            to: 0,
            line: 1,
            path: String::new(),
        },
    ];
    assert_eq!(cycles(3, &edges), vec![vec![0, 1, 2, 0]]);
}

/// The longest a function in `src/` may be, in lines from `fn` to its closing brace.
const MAX_FUNCTION_LINES: usize = 120;

/// What a longer function must say in the comment above it: that it is one `match` over a
/// closed set, where splitting would only scatter it.
const LONG_MATCH_REASON: &str = "one `match` over a closed set";

/// Functions over [`MAX_FUNCTION_LINES`] lines in `text` (rustfmt's layout: a body ends at
/// the first `}` at its `fn`'s indent), as (line, name, length, the comment above it).
fn long_functions(text: &str) -> Vec<(usize, String, usize, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let Some(name) = fn_name(trimmed) else {
            i += 1;
            continue;
        };
        // The signature may span lines; a declaration without a body ends in `;`.
        let mut open = i;
        while open < lines.len()
            && !lines[open].trim_end().ends_with('{')
            && !lines[open].trim_end().ends_with(';')
        {
            open += 1;
        }
        if open == lines.len() || lines[open].trim_end().ends_with(';') {
            i = open + 1;
            continue;
        }
        let close = (open + 1..lines.len())
            .find(|&k| {
                let l = lines[k];
                l.len() > indent && l[..indent].trim().is_empty() && l[indent..].starts_with('}')
            })
            .unwrap_or(lines.len() - 1);
        let length = close - i + 1;
        if length > MAX_FUNCTION_LINES {
            let above: Vec<&str> = lines[..i]
                .iter()
                .rev()
                .map(|l| l.trim())
                .take_while(|l| l.starts_with("//") || l.starts_with("#["))
                .collect();
            out.push((i + 1, name, length, above.join(" ")));
        }
        i += 1;
    }
    out
}

/// The function a line declares (`pub(crate) async fn name…` → `name`).
fn fn_name(line: &str) -> Option<String> {
    let mut rest = line;
    for word in [
        "pub(crate) ",
        "pub(super) ",
        "pub ",
        "const ",
        "async ",
        "unsafe ",
    ] {
        rest = rest.strip_prefix(word).unwrap_or(rest);
    }
    let rest = rest.strip_prefix("fn ")?;
    let name: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty()).then_some(name)
}

#[test]
fn no_function_is_longer_than_a_reader_can_hold() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut problems = Vec::new();
    for module in modules(&src) {
        let text = fs::read_to_string(&module.file).unwrap();
        for (line, name, length, above) in long_functions(&text) {
            if !above.contains(LONG_MATCH_REASON) {
                problems.push(format!(
                    "{}:{line}: `{name}` is {length} lines (at most {MAX_FUNCTION_LINES}; a longer \
                     one must say in the comment above it that it is {LONG_MATCH_REASON} and why)",
                    display(&module.file)
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_length_check_finds_a_long_function_and_its_reason() {
    let body = "    x += 1;\n".repeat(MAX_FUNCTION_LINES);
    let text = format!(
        "/// Doc.\n// {LONG_MATCH_REASON}: every token kind.\npub(crate) fn long(\n    x: u8,\n) {{\n{body}}}\n\nfn short() {{\n}}\n"
    );
    let found = long_functions(&text);
    assert_eq!(found.len(), 1, "{found:?}");
    let (line, name, length, above) = &found[0];
    assert_eq!((*line, name.as_str()), (3, "long"));
    assert_eq!(*length, MAX_FUNCTION_LINES + 4);
    assert!(above.contains(LONG_MATCH_REASON));
}

/// No two files under `src/` share a stem, unless they are the same kind of thing in
/// parallel places: each layer's `mod.rs` and `error.rs`, and the files of the operations
/// and the front ends (`app/`, `cli/`, `serve/`), which are named after the job they do
/// (`app/guide.rs`, `cli/guide.rs` and `serve/handlers/guide.rs` make a guide) and so may
/// share a stem with each other and with the one file below them that the job is about.
#[test]
fn no_file_stem_means_two_things() {
    const PARALLEL: &[&str] = &["mod", "error"];
    const JOBS: &[&str] = &["app", "cli", "serve"];
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut seen: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for module in modules(&src) {
        let stem = module
            .file
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        if !PARALLEL.contains(&stem.as_str()) {
            seen.entry(stem).or_default().push(module.file.clone());
        }
    }
    let shared: Vec<String> = seen
        .into_iter()
        .filter(|(_, files)| {
            let below = files
                .iter()
                .filter(|f| {
                    let part = f.strip_prefix(&src).unwrap().iter().next().unwrap();
                    !JOBS.iter().any(|j| part == *j)
                })
                .count();
            below > 1
        })
        .map(|(stem, files)| {
            let files: Vec<String> = files.iter().map(|f| display(f)).collect();
            format!("{stem}: {}", files.join(", "))
        })
        .collect();
    assert!(
        shared.is_empty(),
        "file stems that mean two things:\n{}",
        shared.join("\n")
    );
}
