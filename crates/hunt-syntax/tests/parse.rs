//! Corpus tests: every `testdata/parse/ok/*.kql` parses and round-trips through
//! the canonical printer; every `testdata/parse/err/*.kql` fails with a span
//! inside the text and, when its first line is `// expect: text`, a message
//! containing `text`. Also reports (without failing) how much of the shared
//! conformance corpus parses.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use hunt_syntax::parse;

/// `*.kql` files in `dir`, sorted.
fn kql_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "kql"))
        .collect();
    files.sort();
    files
}

/// The workspace root (two levels above this crate).
fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Parses `src`, prints it, re-parses the print and checks the print is stable.
fn round_trip(src: &str) -> Result<String, String> {
    let q = parse(src).map_err(|e| format!("{e} at {:?}: `{}`", e.span, &src[e.span.range()]))?;
    let printed = q.to_string();
    let q2 = parse(&printed).map_err(|e| format!("print does not re-parse: {e}\n{printed}"))?;
    let printed2 = q2.to_string();
    if printed2 != printed {
        return Err(format!("print is not stable:\n{printed}\n---\n{printed2}"));
    }
    Ok(printed)
}

#[test]
fn ok_corpus_parses_and_round_trips() {
    let files = kql_files(&workspace().join("testdata/parse/ok"));
    assert!(
        files.len() >= 10,
        "expected the ok corpus, found {} files",
        files.len()
    );
    let mut failures = Vec::new();
    for f in &files {
        let src = std::fs::read_to_string(f).unwrap();
        if let Err(e) = round_trip(&src) {
            failures.push(format!("{}: {e}", f.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn err_corpus_fails_with_spans_inside_the_text() {
    let files = kql_files(&workspace().join("testdata/parse/err"));
    assert!(
        files.len() >= 5,
        "expected the err corpus, found {} files",
        files.len()
    );
    let mut failures = Vec::new();
    for f in &files {
        let src = std::fs::read_to_string(f).unwrap();
        match parse(&src) {
            Ok(q) => failures.push(format!("{}: parsed, but should not:\n{q}", f.display())),
            Err(e) => {
                let r = e.span.range();
                if r.end > src.len()
                    || !src.is_char_boundary(r.start)
                    || !src.is_char_boundary(r.end)
                {
                    failures.push(format!("{}: bad span {:?}", f.display(), e.span));
                }
                // The first line may name a part of the expected message.
                let expect = src
                    .lines()
                    .next()
                    .and_then(|l| l.strip_prefix("// expect: "));
                if let Some(want) = expect
                    && !e.message.contains(want.trim())
                {
                    failures.push(format!(
                        "{}: message {:?} lacks {want:?}",
                        f.display(),
                        e.message
                    ));
                }
                if e.message.is_empty() {
                    failures.push(format!("{}: empty message", f.display()));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Splits a parse-only file into queries: blank-line separated blocks, with
/// blocks that are only comments dropped. `literals.kql` stacks one-line
/// `print` queries without blank lines between them, so a block whose code
/// lines all start with `print ` is one query per line.
fn split_queries(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for line in text.lines().chain(std::iter::once("")) {
        if line.trim().is_empty() {
            let code: Vec<&str> = cur
                .lines()
                .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with("//"))
                .collect();
            if code.len() > 1 && code.iter().all(|l| l.starts_with("print ")) {
                out.extend(code.iter().map(|l| l.to_string()));
            } else if !code.is_empty() {
                out.push(cur.clone());
            }
            cur.clear();
        } else {
            cur.push_str(line);
            cur.push('\n');
        }
    }
    out
}

/// Reports how many shared conformance queries parse (and round-trip). Never
/// fails: run with `--nocapture` to see the numbers and the failures.
#[test]
fn report_conformance_parse_rate() {
    let root = workspace().join("../shared/conformance");
    if !root.is_dir() {
        return;
    }
    let verbose = std::env::var_os("HUNT_PARSE_VERBOSE").is_some();
    let report = |label: &str, queries: Vec<(String, String)>| {
        let total = queries.len();
        let mut ok = 0;
        for (name, q) in &queries {
            match round_trip(q) {
                Ok(_) => ok += 1,
                Err(e) if verbose => eprintln!("--- {name}\n{q}\n=> {e}\n"),
                Err(_) => {}
            }
        }
        eprintln!("conformance {label}: {ok}/{total} parse and round-trip");
    };
    let mut parse_only = Vec::new();
    for f in kql_files(&root.join("parse-only")) {
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        for (n, q) in split_queries(&text).into_iter().enumerate() {
            parse_only.push((format!("{}#{n}", f.display()), q));
        }
    }
    report("parse-only", parse_only);
    let defender = kql_files(&root.join("defender"))
        .into_iter()
        .map(|f| {
            (
                f.display().to_string(),
                std::fs::read_to_string(&f).unwrap_or_default(),
            )
        })
        .collect();
    report("defender", defender);
}
