//! Tidy checks in the rust-analyzer manner: the house rules that a reviewer would otherwise
//! have to remember, as tests. Every source file opens with a `//!` paragraph; imports never
//! climb a layer and no files import each other in a circle; `docs/SCHEMA.md` is what the
//! schema generates; `config.yaml`, the README's configuration table and the settings name the
//! same keys.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use uniprot_etl::config::Settings;

/// The repository root.
fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![dir.to_owned()];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn every_source_file_opens_with_a_module_doc() {
    let root = root();
    let mut missing = Vec::new();
    for dir in [
        "src",
        "tests",
        "benches",
        "xtask/src",
        "fuzz/fuzz_targets",
        "build.rs",
    ] {
        let path = root.join(dir);
        let files = if path.is_file() {
            vec![path]
        } else {
            rust_files(&path)
        };
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
            if !first.starts_with("//!") {
                missing.push(file.strip_prefix(&root).unwrap().display().to_string());
            }
        }
    }
    assert!(
        missing.is_empty(),
        "files without a `//!` paragraph: {missing:#?}"
    );
}

/// The library's layers, lowest first: a module may import only modules of lower layers (and
/// itself). The command line (`cli`) is the top layer; the binary (`main.rs`) sits on it.
const LAYERS: &[&[&str]] = &[
    &["interrupt"],
    &["error"],
    &["config", "table"],
    &["parse", "writer", "isoform"],
    &["pipeline"],
    &["dataset", "ledger"],
    &["export"],
    &["run", "lab"],
    &["cli"],
];

/// The top-level module a library file belongs to (`src/pipeline/order.rs` → `pipeline`).
fn top_module(file: &Path) -> Option<String> {
    let relative = file.strip_prefix(root().join("src")).ok()?;
    let first = relative.components().next()?.as_os_str().to_str()?;
    Some(first.trim_end_matches(".rs").to_owned())
}

/// The `crate::NAME` modules a file's code names (comments and doc text excluded).
fn crate_imports(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for line in code_lines(text) {
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            let after = &rest[at + "crate::".len()..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                found.insert(name);
            }
            rest = after;
        }
        // `use crate::{a, b::c}` names several.
        if let Some(group) = line.trim_start().strip_prefix("use crate::{") {
            for part in group.split(',') {
                let name: String = part
                    .trim()
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    found.insert(name);
                }
            }
        }
    }
    found
}

/// The lines of code of a file, without comments, up to its unit tests.
fn code_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .take_while(|line| line.trim() != "#[cfg(test)]")
        .filter(|line| !line.trim_start().starts_with("//"))
}

#[test]
fn no_import_climbs_a_layer() {
    let layer_of: BTreeMap<&str, usize> = LAYERS
        .iter()
        .enumerate()
        .flat_map(|(layer, modules)| modules.iter().map(move |m| (*m, layer)))
        .collect();
    let mut climbs = Vec::new();
    for file in rust_files(&root().join("src")) {
        let Some(module) = top_module(&file) else {
            continue;
        };
        if module == "main" || module == "lib" {
            continue;
        }
        let Some(&own) = layer_of.get(module.as_str()) else {
            panic!("src/{module} is in no layer of LAYERS: add it");
        };
        let text = std::fs::read_to_string(&file).unwrap();
        for import in crate_imports(&text) {
            let Some(&theirs) = layer_of.get(import.as_str()) else {
                climbs.push(format!(
                    "{}: imports unknown crate::{import}",
                    file.display()
                ));
                continue;
            };
            if import != module && theirs >= own {
                climbs.push(format!(
                    "{} ({module}) imports crate::{import}",
                    file.display()
                ));
            }
        }
    }
    assert!(climbs.is_empty(), "imports that climb a layer: {climbs:#?}");
}

/// The module path of a library file (`src/pipeline/order.rs` → `pipeline::order`,
/// `src/table/mod.rs` → `table`).
fn module_path(file: &Path) -> String {
    let relative = file.strip_prefix(root().join("src")).unwrap();
    let mut parts: Vec<String> = relative
        .components()
        .map(|c| {
            c.as_os_str()
                .to_string_lossy()
                .trim_end_matches(".rs")
                .to_owned()
        })
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts.join("::")
}

/// The module paths a file's code names, through `crate::` or `super::`, resolved against
/// `modules` (the longest known prefix of each path).
fn file_imports(file: &Path, text: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let own = module_path(file);
    // `super` of `a::b` is `a`, whether the file is a/b.rs or a/b/mod.rs; `self` is `a::b`.
    let parent = match own.rsplit_once("::") {
        Some((parent, _)) => parent.to_owned(),
        None => String::new(),
    };
    let mut found = BTreeSet::new();
    for line in code_lines(text) {
        let bases = [
            ("crate::", String::new()),
            ("super::", parent.clone()),
            ("self::", own.clone()),
        ];
        for (prefix, base) in bases {
            let mut rest = line;
            while let Some(at) = rest.find(prefix) {
                let after = &rest[at + prefix.len()..];
                let path: String = after
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':')
                    .collect();
                let full = if base.is_empty() {
                    path.clone()
                } else {
                    format!("{base}::{path}")
                };
                // The longest module prefix of the path.
                let mut candidate = full.trim_end_matches(':').to_owned();
                loop {
                    if modules.contains(&candidate) {
                        if candidate != own {
                            found.insert(candidate);
                        }
                        break;
                    }
                    match candidate.rsplit_once("::") {
                        Some((shorter, _)) => candidate = shorter.to_owned(),
                        None => break,
                    }
                }
                rest = after;
            }
        }
    }
    found
}

#[test]
fn no_files_import_each_other_in_a_circle() {
    let files = rust_files(&root().join("src"));
    let modules: BTreeSet<String> = files.iter().map(|f| module_path(f)).collect();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let imports = file_imports(file, &text, &modules);
        edges.insert(module_path(file), imports);
    }
    // A module's `mod.rs` declares and re-exports its children: an edge from a child back to its
    // own parent is a climb, and with the parent's edge down it is a circle.
    let mut circles = Vec::new();
    for (from, targets) in &edges {
        for to in targets {
            if to < from && edges.get(to).is_some_and(|back| back.contains(from)) {
                circles.push(format!("{from} <-> {to}"));
            }
        }
    }
    // Longer circles: depth-first search for a path back to the start.
    for start in edges.keys() {
        let mut stack: Vec<(String, Vec<String>)> = vec![(start.clone(), vec![start.clone()])];
        let mut seen = BTreeSet::new();
        while let Some((node, path)) = stack.pop() {
            for next in edges.get(&node).into_iter().flatten() {
                if next == start && path.len() > 2 {
                    circles.push(path.join(" -> ") + " -> " + start);
                } else if seen.insert(next.clone()) {
                    let mut longer = path.clone();
                    longer.push(next.clone());
                    stack.push((next.clone(), longer));
                }
            }
        }
    }
    assert!(
        circles.is_empty(),
        "files importing each other: {circles:#?}"
    );
}

#[test]
fn the_schema_page_is_what_the_schema_generates() {
    let path = root().join("docs/SCHEMA.md");
    let page = std::fs::read_to_string(&path).unwrap();
    let updated = uniprot_etl::table::docs::update(&page)
        .expect("docs/SCHEMA.md has the generated part's markers");
    assert!(
        page == updated,
        "docs/SCHEMA.md is stale: run `cargo xtask schema-doc`"
    );
}

/// The `section.key` names of a YAML mapping two levels deep.
fn yaml_keys(text: &str) -> BTreeSet<String> {
    let value: serde_yaml_ng::Value = serde_yaml_ng::from_str(text).unwrap();
    let mut keys = BTreeSet::new();
    for (section, inner) in value.as_mapping().unwrap() {
        let section = section.as_str().unwrap();
        for key in inner.as_mapping().unwrap().keys() {
            keys.insert(format!("{section}.{}", key.as_str().unwrap()));
        }
    }
    keys
}

#[test]
fn config_file_readme_and_settings_name_the_same_keys() {
    let settings = yaml_keys(&Settings::default().to_yaml());
    let file = yaml_keys(&std::fs::read_to_string(root().join("config.yaml")).unwrap());
    assert_eq!(file, settings, "config.yaml and the settings");
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let section = readme
        .split("\n## Configuration")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("README has a Configuration section");
    let table: BTreeSet<String> = section
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .filter_map(|rest| rest.split('`').next())
        .map(str::to_owned)
        .collect();
    assert_eq!(
        table, settings,
        "the README's configuration table and the settings"
    );
}
