//! The layering that keeps the code easy to change, checked on the source: the rules
//! (`src/domain/`) know no HTTP (no `actix_web`, no `crate::error`) and no read model
//! (`src/read_model/`, which knows neither HTTP nor the store), and neither the domain's files
//! nor the store's import each other in a circle. No server is needed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The source of each module file directly in `folder` (`mod.rs` left out), by module name,
/// without comments and without its `#[cfg(test)]` module.
fn modules(folder: &str) -> BTreeMap<String, String> {
    // Read at run time (cargo sets it), so that the binary can be pointed at another tree.
    let root = std::env::var("CARGO_MANIFEST_DIR").unwrap_or(env!("CARGO_MANIFEST_DIR").into());
    let dir = Path::new(&root).join("src").join(folder);
    let mut modules = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path: PathBuf = entry.unwrap().path();
        let Some(name) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        let file = if path.is_dir() {
            path.join("mod.rs")
        } else if path.extension().is_some_and(|e| e == "rs") && name != "mod" {
            path.clone()
        } else {
            continue;
        };
        let text = std::fs::read_to_string(&file).unwrap();
        let code: String = text
            .split("#[cfg(test)]\nmod tests")
            .next()
            .unwrap()
            .lines()
            .map(|line| line.split("//").next().unwrap())
            .collect::<Vec<_>>()
            .join("\n");
        modules.insert(name.to_owned(), code);
    }
    modules
}

/// The sibling modules `code` names through `prefix` (`super::` or `crate::domain::`), also
/// in a group such as `super::{a, b::C}`.
fn named_after(code: &str, prefix: &str, siblings: &BTreeSet<String>) -> BTreeSet<String> {
    let ident = |s: &str| -> String {
        s.trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut named = BTreeSet::new();
    for (at, _) in code.match_indices(prefix) {
        let before = code[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        let rest = &code[at + prefix.len()..];
        let names: Vec<String> = if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let end = group
                .char_indices()
                .find(|&(_, c)| {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => return true,
                        '}' => depth -= 1,
                        _ => {}
                    }
                    false
                })
                .map_or(group.len(), |(i, _)| i);
            let mut top = Vec::new();
            let mut depth = 0;
            let mut start = 0;
            for (i, c) in group[..end].char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        top.push(ident(&group[start..i]));
                        start = i + 1;
                    }
                    _ => {}
                }
            }
            top.push(ident(&group[start..end]));
            top
        } else {
            vec![ident(rest)]
        };
        named.extend(names.into_iter().filter(|n| siblings.contains(n)));
    }
    named
}

/// Which sibling modules each module of `folder` imports.
fn import_graph(folder: &str) -> BTreeMap<String, BTreeSet<String>> {
    let modules = modules(folder);
    let siblings: BTreeSet<String> = modules.keys().cloned().collect();
    modules
        .iter()
        .map(|(name, code)| {
            let mut named = named_after(code, "super::", &siblings);
            named.extend(named_after(code, &format!("crate::{folder}::"), &siblings));
            named.remove(name);
            (name.clone(), named)
        })
        .collect()
}

/// Every import circle of `graph`, as the path that closes it (empty when there is none).
fn circles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
        found: &mut Vec<Vec<String>>,
    ) {
        if let Some(start) = path.iter().position(|n| n == node) {
            let mut circle = path[start..].to_vec();
            circle.push(node.to_owned());
            found.push(circle);
            return;
        }
        if done.contains(node) {
            return;
        }
        path.push(node.to_owned());
        for next in &graph[node] {
            visit(next, graph, path, done, found);
        }
        path.pop();
        done.insert(node.to_owned());
    }
    let mut found = Vec::new();
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        visit(node, graph, &mut Vec::new(), &mut done, &mut found);
    }
    found
}

#[test]
fn no_domain_file_imports_http_or_the_http_error_type() {
    let offenders: Vec<String> = modules("domain")
        .into_iter()
        .filter(|(_, code)| {
            code.contains("actix_web") || code.contains("actix::") || code.contains("crate::error")
        })
        .map(|(name, _)| name)
        .collect();
    assert!(
        offenders.is_empty(),
        "src/domain/ must know no HTTP; these files import actix_web or crate::error: {offenders:?}"
    );
}

#[test]
fn the_rules_import_no_read_model_and_the_read_models_neither_store_nor_http() {
    let domain_offenders: Vec<String> = modules("domain")
        .into_iter()
        .filter(|(_, code)| code.contains("read_model"))
        .map(|(name, _)| name)
        .collect();
    assert!(
        domain_offenders.is_empty(),
        "src/domain/ holds the rules, below the read models; these files import one: \
         {domain_offenders:?}"
    );
    let read_models = modules("read_model");
    assert!(!read_models.is_empty(), "src/read_model/ not found");
    let read_model_offenders: Vec<String> = read_models
        .into_iter()
        .filter(|(_, code)| {
            [
                "actix_web",
                "crate::error",
                "crate::store",
                "crate::routes",
                "crate::service",
            ]
            .iter()
            .any(|layer| code.contains(layer))
        })
        .map(|(name, _)| name)
        .collect();
    assert!(
        read_model_offenders.is_empty(),
        "src/read_model/ says what readers are shown and knows no store nor HTTP; these files \
         import one: {read_model_offenders:?}"
    );
}

#[test]
fn the_domain_files_import_each_other_in_no_circle() {
    let graph = import_graph("domain");
    assert!(graph.len() > 5, "domain modules not found: {graph:?}");
    let found = circles(&graph);
    assert!(found.is_empty(), "import circles in src/domain/: {found:?}");
}

#[test]
fn the_store_files_import_each_other_in_no_circle() {
    let graph = import_graph("store");
    assert!(graph.len() > 5, "store modules not found: {graph:?}");
    let found = circles(&graph);
    assert!(found.is_empty(), "import circles in src/store/: {found:?}");
}

#[test]
fn the_circle_finder_finds_a_circle() {
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec!["a"]),
    ]
    .into_iter()
    .map(|(n, e)| (n.into(), e.into_iter().map(String::from).collect()))
    .collect();
    assert_eq!(circles(&graph), vec![vec!["a", "b", "c", "a"]]);
    let siblings: BTreeSet<String> = ["a", "b", "c"].map(String::from).into();
    assert_eq!(
        named_after("use super::{a::X, b, other::{c}};", "super::", &siblings),
        ["a", "b"].map(String::from).into()
    );
}

/// How many times each file under `src/` opens a transaction (`write_transaction(`,
/// `write_transaction_under(`, `bulk_transaction(`, `read_snapshot(`, `.transaction(`,
/// `begin_transaction(`, outside comments), by its path under `src/`.
fn transaction_openers() -> BTreeMap<String, usize> {
    fn walk(dir: &Path, root: &Path, found: &mut BTreeMap<String, usize>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, root, found);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let opened: usize = text
                .lines()
                .map(|line| line.split("//").next().unwrap())
                .map(|code| {
                    [
                        "write_transaction(",
                        "write_transaction_under(",
                        "bulk_transaction(",
                        "read_snapshot(",
                        ".transaction(",
                        "begin_transaction(",
                    ]
                    .iter()
                    .map(|opener| code.matches(opener).count())
                    .sum::<usize>()
                })
                .sum();
            if opened > 0 {
                let name = path.strip_prefix(root).unwrap().to_string_lossy();
                found.insert(name.replace('\\', "/"), opened);
            }
        }
    }
    let root = std::env::var("CARGO_MANIFEST_DIR").unwrap_or(env!("CARGO_MANIFEST_DIR").into());
    let src = Path::new(&root).join("src");
    let mut found = BTreeMap::new();
    walk(&src, &src, &mut found);
    found
}

#[test]
fn transactions_open_only_in_the_use_cases_and_the_background_work() {
    let outside: BTreeMap<String, usize> = transaction_openers()
        .into_iter()
        .filter(|(path, _)| !path.starts_with("service/"))
        .collect();
    // Each with why it may: none of them is a request's use case.
    let allowed: BTreeMap<String, usize> = [
        ("db/portable.rs", 3), // write_transaction, read_snapshot and bulk_transaction
        ("keys/checkpoints.rs", 2), // the key store's own database: witness rows, checkpoints
        ("keys/mod.rs", 3),    // likewise
        ("seed.rs", 1),        // the seeder, a command of its own
        ("store/audit.rs", 1), // the audit chain's sealing, in the background
        ("store/events.rs", 1), // the hourly prune of old events
        ("store/idempotency.rs", 2), // the Idempotency-Key middleware's claim, and its prune
        ("store/outbox.rs", 1), // the e-mail worker's failing of undeliverable reports
        ("store/queue.rs", 2), // both delivery workers' claim and record
        ("store/reports.rs", 1), // rewriting bodies stored before compact storage, at start-up
        ("store/sealed.rs", 1), // sealing what a migration set aside, at start-up
        // The folds of days and months, `stats rebuild`, and the read-only snapshot that the
        // statistics read several periods in.
        ("store/stats.rs", 4),
        ("store/users.rs", 1), // the prune of old sign-in failures
    ]
    .into_iter()
    .map(|(path, count)| (path.to_owned(), count))
    .collect();
    assert_eq!(
        outside, allowed,
        "transactions open outside src/service/ where they should not (or the list is stale)"
    );
    let routes: Vec<&String> = outside
        .keys()
        .filter(|path| path.starts_with("routes/") || path.starts_with("domain/"))
        .collect();
    assert!(
        routes.is_empty(),
        "routes or rules open transactions: {routes:?}"
    );
}
