//! The house rules of `crate/src`, read from the source itself: its parts
//! depend only on those below them, no module imports another that imports
//! it back, and no part grows past a quarter of the crate.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// The parts, lowest first: each may use those before it, never after.
/// `error.rs` sits under all of them.
const PARTS: [&str; 8] = ["x509", "rules", "output", "read", "judge", "make", "ca", "binding"];

struct SourceFile {
    /// `part/module`, e.g. `read/material`.
    module: String,
    part: String,
    /// The code, without comment lines.
    text: String,
    lines: usize,
}

fn sources() -> Vec<SourceFile> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    for part in fs::read_dir(&src).unwrap() {
        let part = part.unwrap().path();
        if !part.is_dir() {
            continue;
        }
        let part_name = part.file_name().unwrap().to_string_lossy().into_owned();
        for file in fs::read_dir(&part).unwrap() {
            let file = file.unwrap().path();
            assert!(file.extension().is_some_and(|e| e == "rs"), "{} is not a module file: one folder level only", file.display());
            let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
            // Comments may link anywhere; only code is a dependency.
            let text = fs::read_to_string(&file).unwrap();
            let code = text.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
            files.push(SourceFile {
                module: format!("{part_name}/{stem}"),
                part: part_name.clone(),
                text: code,
                lines: text.lines().count(),
            });
        }
    }
    files
}

/// Every `crate::part::module` a file names, grouped imports included
/// (`crate::x509::{key::PrivateKey, text}` names `x509/key` and `x509/text`).
fn modules_named(text: &str) -> BTreeSet<String> {
    let mut named = BTreeSet::new();
    let mut rest = text;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        let part: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        let after = &rest[part.len()..];
        let Some(after) = after.strip_prefix("::") else {
            continue;
        };
        if let Some(group) = after.strip_prefix('{') {
            // Only the first segment of each top-level item of the group.
            let (mut depth, mut item_start) = (0usize, true);
            let mut current = String::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && (c.is_alphanumeric() || c == '_') => current.push(c),
                    _ => {
                        if item_start && !current.is_empty() {
                            named.insert(format!("{part}/{current}"));
                            current.clear();
                            item_start = false;
                        }
                    }
                }
            }
            if !current.is_empty() {
                named.insert(format!("{part}/{current}"));
            }
        } else {
            let module: String = after.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            named.insert(format!("{part}/{module}"));
        }
    }
    named
}

#[test]
fn parts_depend_only_on_parts_below_them() {
    let rank = |part: &str| PARTS.iter().position(|p| *p == part);
    let mut arrows_up = Vec::new();
    for file in sources() {
        let own = rank(&file.part).unwrap_or_else(|| panic!("crate/src/{} is not one of the parts {PARTS:?}", file.part));
        for named in modules_named(&file.text) {
            let part = named.split('/').next().unwrap();
            if let Some(theirs) = rank(part)
                && theirs > own
            {
                arrows_up.push(format!("{} uses {named}", file.module));
            }
        }
    }
    assert!(arrows_up.is_empty(), "arrows back up the parts {PARTS:?}:\n{}", arrows_up.join("\n"));
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let files = sources();
    let known: BTreeSet<String> = files.iter().map(|f| f.module.clone()).collect();
    let graph: BTreeMap<String, BTreeSet<String>> = files
        .iter()
        .map(|f| {
            let uses = modules_named(&f.text).into_iter().filter(|m| *m != f.module && known.contains(m)).collect();
            (f.module.clone(), uses)
        })
        .collect();
    // Depth-first search; a grey module met again closes a circle.
    fn visit<'a>(
        module: &'a str,
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        colour: &mut BTreeMap<&'a str, bool>,
        path: &mut Vec<&'a str>,
    ) -> Option<Vec<String>> {
        match colour.get(module) {
            Some(false) => {
                let start = path.iter().position(|m| *m == module).unwrap();
                return Some(path[start..].iter().map(|m| m.to_string()).chain([module.to_string()]).collect());
            }
            Some(true) => return None,
            None => {}
        }
        colour.insert(module, false);
        path.push(module);
        for next in &graph[module] {
            if let Some(circle) = visit(next, graph, colour, path) {
                return Some(circle);
            }
        }
        path.pop();
        colour.insert(module, true);
        None
    }
    let mut colour = BTreeMap::new();
    for module in graph.keys() {
        if let Some(circle) = visit(module, &graph, &mut colour, &mut Vec::new()) {
            panic!("modules import each other: {}", circle.join(" → "));
        }
    }
}

#[test]
fn no_part_holds_more_than_a_quarter_of_the_lines() {
    let mut lines: BTreeMap<String, usize> = BTreeMap::new();
    for file in sources() {
        *lines.entry(file.part).or_default() += file.lines;
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let top: usize = fs::read_dir(&src)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| fs::read_to_string(p).unwrap().lines().count())
        .sum();
    let total = top + lines.values().sum::<usize>();
    let too_big: Vec<String> =
        lines.iter().filter(|(_, n)| **n * 4 > total).map(|(part, n)| format!("{part}/: {n} of {total} lines")).collect();
    assert!(too_big.is_empty(), "parts over a quarter of crate/src: {too_big:?}");
}

#[test]
fn the_reader_of_imports_sees_grouped_and_plain_paths() {
    let named = modules_named("use crate::x509::{key::{PrivateKey, KeyAlgorithm}, text};\nuse crate::read::budget::ReadBudget;");
    assert_eq!(named.into_iter().collect::<Vec<_>>(), ["read/budget", "x509/key", "x509/text"]);
}

/// Every item `lib.rs` re-exports (the crate's API) has a doc comment where it is defined.
#[test]
fn every_item_of_the_curated_api_is_documented() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = fs::read_to_string(src.join("lib.rs")).unwrap();
    let mut undocumented = Vec::new();
    let mut checked = 0;
    for line in lib.lines().filter_map(|l| l.strip_prefix("pub use ")) {
        let line = line.trim_end_matches(';');
        let (path, names) = match line.split_once("::{") {
            Some((path, names)) => (path.to_string(), names.trim_end_matches('}').split(", ").map(String::from).collect()),
            None => {
                let (path, name) = line.rsplit_once("::").unwrap();
                (path.to_string(), vec![name.to_string()])
            }
        };
        let segments: Vec<&str> = path.split("::").collect();
        // `part::module` is part/module.rs; a bare `part` is part.rs or part/mod.rs.
        let file = match segments.as_slice() {
            [part] if src.join(format!("{part}.rs")).exists() => src.join(format!("{part}.rs")),
            [part] => src.join(part).join("mod.rs"),
            [part, module, ..] => src.join(part).join(format!("{module}.rs")),
            [] => unreachable!("a use path has a segment"),
        };
        let text = fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let lines: Vec<&str> = text.lines().collect();
        for name in names.iter().filter(|n| *n != "self") {
            let definition = lines.iter().position(|l| {
                ["pub struct ", "pub enum ", "pub fn ", "pub trait ", "pub type "].iter().any(|kind| {
                    l.strip_prefix(kind).is_some_and(|rest| {
                        rest.strip_prefix(name.as_str()).is_some_and(|after| after.starts_with(['<', '(', ' ', '{', ';']))
                    })
                })
            });
            let Some(at) = definition else {
                undocumented.push(format!("{name}: no definition found in {}", file.display()));
                continue;
            };
            checked += 1;
            let above = lines[..at].iter().rev().find(|l| !l.trim_start().starts_with("#["));
            if !above.is_some_and(|l| l.trim_start().starts_with("///")) {
                undocumented.push(format!("{name} ({})", file.display()));
            }
        }
    }
    assert!(checked > 40, "only {checked} items found: the reader of lib.rs is broken");
    assert!(undocumented.is_empty(), "items of the crate's API without a doc comment:\n{}", undocumented.join("\n"));
}
