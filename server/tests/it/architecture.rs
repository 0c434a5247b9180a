//! The house rules the compiler does not check: the modules of `app/src` and
//! `server/src` import each other without circles, so each layer can be read
//! (and changed) knowing only what lies below it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module: its path below the crate root (`[]` is the root itself).
type Module = Vec<String>;

/// Every module of the crate at `src`, by its file.
fn modules(src: &Path) -> BTreeMap<Module, PathBuf> {
    let mut found = BTreeMap::new();
    let mut dirs = vec![src.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path.strip_prefix(src).unwrap().with_extension("");
                let mut module: Module = relative
                    .iter()
                    .map(|part| part.to_string_lossy().into_owned())
                    .collect();
                if matches!(
                    module.last().map(String::as_str),
                    Some("mod" | "lib" | "main")
                ) {
                    module.pop();
                }
                found.insert(module, path);
            }
        }
    }
    found
}

/// The paths a file names through `crate::`, `super::` and `self::`,
/// brace groups expanded; comments and the tests at its end are left out.
fn named_paths(text: &str) -> Vec<Vec<String>> {
    let code: String = text
        .split("#[cfg(test)]\nmod tests")
        .next()
        .unwrap_or("")
        .lines()
        .map(|line| relative_use(line.split("//").next().unwrap_or("")))
        .collect::<Vec<_>>()
        .join("\n");
    let mut paths = Vec::new();
    let bytes = code.as_bytes();
    for start in 0..code.len() {
        let word_start =
            start == 0 || !(bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_');
        if !word_start || !code.is_char_boundary(start) {
            continue;
        }
        let rest = &code[start..];
        let Some(keyword) = ["crate::", "super::", "self::"]
            .into_iter()
            .find(|k| rest.starts_with(k))
        else {
            continue;
        };
        let mut path = vec![keyword.trim_end_matches("::").to_owned()];
        let mut tail = &rest[keyword.len()..];
        loop {
            if tail.starts_with('{') {
                expand_group(&path, tail, &mut paths);
                break;
            }
            let len = tail
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(tail.len());
            path.push(tail[..len].to_owned());
            match tail[len..].strip_prefix("::") {
                Some(after) => tail = after,
                None => {
                    paths.push(path);
                    break;
                }
            }
        }
    }
    paths
}

/// `use child::x` names a child module the way `use self::child::x` does
/// (a path naming an external crate resolves to the module itself).
fn relative_use(line: &str) -> String {
    let trimmed = line.trim_start();
    let after_vis = ["pub use ", "pub(crate) use ", "use "]
        .into_iter()
        .find_map(|prefix| trimmed.strip_prefix(prefix).map(|rest| (prefix, rest)));
    match after_vis {
        Some((prefix, rest))
            if !["crate::", "super::", "self::", "::"]
                .iter()
                .any(|k| rest.starts_with(k)) =>
        {
            format!("{prefix}self::{rest}")
        }
        _ => line.to_owned(),
    }
}

/// The paths of the `{…}` group at the start of `text` (nested groups too),
/// each after `prefix`.
fn expand_group(prefix: &[String], text: &str, paths: &mut Vec<Vec<String>>) {
    let mut depth = 0;
    let mut item_start = 1;
    for (i, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' | ',' if depth == 1 => {
                let item = text[item_start..i]
                    .trim()
                    .split(" as ")
                    .next()
                    .unwrap_or("");
                let mut path = prefix.to_vec();
                let mut rest = item;
                while let Some((head, tail)) = rest.split_once("::") {
                    path.push(head.to_owned());
                    rest = tail;
                }
                if rest.starts_with('{') {
                    expand_group(&path, rest, paths);
                } else if !rest.is_empty() {
                    path.push(rest.to_owned());
                    paths.push(path);
                }
                item_start = i + 1;
                if c == '}' {
                    return;
                }
            }
            '}' => depth -= 1,
            _ => {}
        }
    }
}

/// Which module imports which: an edge to the innermost module a path names.
/// A module naming its own ancestors (other than the crate root) is not
/// counted: that is how submodules reach their parent's private parts.
/// A macro exported at the crate root (`#[macro_export]`) lives in the module
/// that defines it: a path to it is an edge to that module, not to the root.
fn exported_macros(modules: &BTreeMap<Module, PathBuf>) -> BTreeMap<String, Module> {
    let mut found = BTreeMap::new();
    for (module, file) in modules {
        let text = std::fs::read_to_string(file).unwrap();
        for (at, _) in text.match_indices("#[macro_export]") {
            let rest = text[at..].split("macro_rules!").nth(1).unwrap_or("");
            let name: String = rest
                .trim_start()
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            found.insert(name, module.clone());
        }
    }
    found
}

fn import_graph(src: &Path) -> BTreeMap<Module, BTreeSet<Module>> {
    let modules = modules(src);
    let macros = exported_macros(&modules);
    let mut graph = BTreeMap::new();
    for (module, file) in &modules {
        let mut targets = BTreeSet::new();
        for named in named_paths(&std::fs::read_to_string(file).unwrap()) {
            let mut path: Module = match named[0].as_str() {
                "crate" if named.len() == 2 && macros.contains_key(&named[1]) => {
                    let home = &macros[&named[1]];
                    if home != module {
                        targets.insert(home.clone());
                    }
                    continue;
                }
                "crate" => Vec::new(),
                _ => module.clone(),
            };
            let mut rest = &named[1..];
            if named[0] == "super" {
                path.pop();
            }
            while rest.first().is_some_and(|p| p == "super") {
                path.pop();
                rest = &rest[1..];
            }
            path.extend(rest.iter().cloned());
            let target = (0..=path.len())
                .rev()
                .map(|n| path[..n].to_vec())
                .find(|candidate| modules.contains_key(candidate))
                .unwrap_or_default();
            let ancestor = target.len() < module.len() && module.starts_with(&target);
            if target != *module && (!ancestor || target.is_empty()) {
                targets.insert(target);
            }
        }
        graph.insert(module.clone(), targets);
    }
    graph
}

/// The import circles of `graph`: its strongly connected parts larger than one.
fn circles(graph: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<Vec<String>> {
    // Kosaraju: finish order on the graph, then parts on the reversed graph.
    fn finish(
        v: &Module,
        graph: &BTreeMap<Module, BTreeSet<Module>>,
        seen: &mut BTreeSet<Module>,
        order: &mut Vec<Module>,
    ) {
        if seen.insert(v.clone()) {
            for w in &graph[v] {
                finish(w, graph, seen, order);
            }
            order.push(v.clone());
        }
    }
    let mut seen = BTreeSet::new();
    let mut order = Vec::new();
    for v in graph.keys() {
        finish(v, graph, &mut seen, &mut order);
    }
    let mut reversed: BTreeMap<Module, BTreeSet<Module>> =
        graph.keys().map(|k| (k.clone(), BTreeSet::new())).collect();
    for (v, targets) in graph {
        for w in targets {
            reversed.get_mut(w).unwrap().insert(v.clone());
        }
    }
    let mut assigned = BTreeSet::new();
    let mut parts = Vec::new();
    for v in order.iter().rev() {
        let mut part = Vec::new();
        finish(v, &reversed, &mut assigned, &mut part);
        if part.len() > 1 {
            let mut names: Vec<String> = part
                .iter()
                .map(|m| {
                    if m.is_empty() {
                        "<crate root>".to_owned()
                    } else {
                        m.join("::")
                    }
                })
                .collect();
            names.sort();
            parts.push(names);
        }
    }
    parts
}

#[test]
fn the_modules_of_app_and_server_import_each_other_without_circles() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for src in [root.join("../app/src"), root.join("src")] {
        let graph = import_graph(&src);
        assert!(graph.len() > 20, "{} modules read in {src:?}", graph.len());
        assert_eq!(circles(&graph), Vec::<Vec<String>>::new(), "in {src:?}");
    }
}

#[test]
fn a_circle_is_found() {
    let dir = std::env::temp_dir().join(format!("lobby-graph-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(dir.join("pages")).unwrap();
    let write = |file: &str, text: &str| std::fs::write(dir.join(file), text).unwrap();
    write("lib.rs", "mod pages;\nuse crate::pages::home::Home;\n");
    write("pages/mod.rs", "pub mod home;\n");
    write(
        "pages/home.rs",
        "use crate::{i18n::t, helper};\n// crate::ignored\n",
    );
    write(
        "i18n.rs",
        "pub fn t() {}\n#[cfg(test)]\nmod tests { use super::*; }\n",
    );
    let graph = import_graph(&dir);
    assert_eq!(
        circles(&graph),
        vec![vec!["<crate root>".to_owned(), "pages::home".to_owned()]]
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
