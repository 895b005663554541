//! `hunt fmt`: a query in canonical form with its `//` comments kept.
//!
//! The canonical printer (`Display`, see `display.rs`) prints the AST, which has no
//! comments. [`format_query`] prints the same text and puts each comment back next to the
//! nearest *anchor*: the start of a statement, or an operator of a top-level pipeline (each
//! of which the printer puts on its own line). A comment on its own line goes on its own
//! line before the next anchor; a comment after code goes at the end of the line of the
//! anchor before it. So comments between statements and between pipeline operators — the
//! usual places in hunting queries — stay where they were; one inside an expression or a
//! nested subquery moves to the nearest such line, and is never dropped. The result is
//! checked: with its comments removed it parses and prints to the canonical text.

use crate::ast::{Query, Source, Statement};
use crate::{ParseError, parse};

/// A `//` comment of the source.
#[derive(Debug, Clone)]
struct Comment {
    /// Byte offset of `//`.
    start: usize,
    /// The text, `//` included, without the line end.
    text: String,
    /// Nothing but whitespace precedes it on its line.
    own_line: bool,
}

/// Where comments attach: the start of a statement, or of an operator of a statement's
/// top-level pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Anchor {
    pos: usize,
}

/// The query in canonical form, comments kept, ending in a newline.
pub fn format_query(src: &str) -> Result<String, ParseError> {
    let query = parse(src)?;
    let canonical = query.to_string();
    let comments = comments(src);
    if comments.is_empty() {
        return Ok(canonical + "\n");
    }
    let anchors = anchors(&query);
    // Comments before an anchor (own line), and after one (end of its line).
    let mut before: Vec<Vec<String>> = vec![Vec::new(); anchors.len() + 1];
    let mut after: Vec<Vec<String>> = vec![Vec::new(); anchors.len()];
    for c in comments.iter().cloned() {
        let next = anchors.iter().position(|a| a.pos > c.start);
        let prev = anchors.iter().rposition(|a| a.pos < c.start);
        match (c.own_line, prev, next) {
            (false, Some(p), _) => after[p].push(c.text),
            (_, _, Some(n)) => before[n].push(c.text),
            (_, _, None) => before[anchors.len()].push(c.text),
        }
    }
    let all: Vec<String> = comments.iter().map(|c| c.text.clone()).collect();
    let mut out = String::new();
    let push_before = |out: &mut String, list: &[String]| {
        for c in list {
            out.push_str(c);
            out.push('\n');
        }
    };
    let push_after = |out: &mut String, list: &[String]| {
        for c in list {
            out.push_str("  ");
            out.push_str(c);
        }
    };
    let mut a = 0;
    for (i, stmt) in query.statements.iter().enumerate() {
        if i > 0 {
            out.push_str(";\n");
        }
        // The statement's own anchor.
        push_before(&mut out, &before[a]);
        let stmt_anchor = a;
        a += 1;
        match stmt {
            Statement::Tabular(p) if !matches!(p.source, Source::Implicit(_)) => {
                out.push_str(&p.source.to_string());
                push_after(&mut out, &after[stmt_anchor]);
                for op in &p.ops {
                    out.push('\n');
                    push_before(&mut out, &before[a]);
                    out.push_str("| ");
                    out.push_str(&op.to_string());
                    push_after(&mut out, &after[a]);
                    a += 1;
                }
            }
            other => {
                out.push_str(&other.to_string());
                push_after(&mut out, &after[stmt_anchor]);
            }
        }
    }
    if !before[anchors.len()].is_empty() {
        out.push('\n');
        push_before(&mut out, &before[anchors.len()]);
        out.pop();
    }
    out.push('\n');
    // The comments are the only difference from the canonical text.
    let check = parse(&out).map(|q| q.to_string());
    match check {
        Ok(text) if text == canonical => Ok(out),
        // Should the placement ever disturb the query, the comments go first, all kept.
        _ => Ok(all.join("\n") + "\n" + &canonical + "\n"),
    }
}

/// The anchors of `query`, in source order.
fn anchors(query: &Query) -> Vec<Anchor> {
    let mut out = Vec::new();
    for stmt in &query.statements {
        match stmt {
            Statement::Tabular(p) if !matches!(p.source, Source::Implicit(_)) => {
                out.push(Anchor {
                    pos: p.span.start as usize,
                });
                for op in &p.ops {
                    out.push(Anchor {
                        pos: op.span.start as usize,
                    });
                }
            }
            other => out.push(Anchor {
                pos: statement_start(other),
            }),
        }
    }
    out
}

fn statement_start(s: &Statement) -> usize {
    let span = match s {
        Statement::Let { span, .. }
        | Statement::Set { span, .. }
        | Statement::QueryParameters { span, .. }
        | Statement::Alias { span, .. }
        | Statement::RestrictAccess { span, .. }
        | Statement::Sql { span, .. }
        | Statement::Pattern { span, .. } => *span,
        Statement::Tabular(p) => p.span,
    };
    span.start as usize
}

/// The `//` comments of `src`, skipping string literals (`'…'`, `"…"` with escapes,
/// verbatim `@'…'`/`@"…"`, and multi-line ```` ```…``` ````).
fn comments(src: &str) -> Vec<Comment> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut line_start = 0;
    while i < b.len() {
        match b[i] {
            b'\n' => {
                i += 1;
                line_start = i;
            }
            b'`' if src[i..].starts_with("```") => {
                i = src[i + 3..].find("```").map_or(b.len(), |e| i + 3 + e + 3);
            }
            q @ (b'\'' | b'"') => {
                let verbatim = i > 0 && b[i - 1] == b'@';
                i += 1;
                while i < b.len() && b[i] != q && b[i] != b'\n' {
                    i += if b[i] == b'\\' && !verbatim { 2 } else { 1 };
                }
                i += 1;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let end = src[i..].find('\n').map_or(b.len(), |e| i + e);
                out.push(Comment {
                    start: i,
                    text: src[i..end].trim_end().to_owned(),
                    own_line: src[line_start..i].trim().is_empty(),
                });
                i = end;
            }
            _ => i += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_comments_it_is_the_canonical_text() {
        let out = format_query("T|where x>1|take 5").expect("parses");
        assert_eq!(out, "T\n| where x > 1\n| take 5\n");
    }

    #[test]
    fn comments_between_statements_and_operators_stay() {
        let src = "// uploads of archives\nlet n = 5;\nT // the table\n// keep big ones\n| where x > n   // over n\n| take 10";
        let out = format_query(src).expect("parses");
        assert_eq!(
            out,
            "// uploads of archives\nlet n = 5;\nT  // the table\n// keep big ones\n| where x > n  // over n\n| take 10\n"
        );
        // Idempotent.
        assert_eq!(format_query(&out).expect("parses"), out);
    }

    #[test]
    fn comment_markers_in_strings_are_not_comments() {
        let src = "T | where Url == 'https://x' // real";
        let out = format_query(src).expect("parses");
        assert_eq!(out, "T\n| where Url == \"https://x\"  // real\n");
    }

    #[test]
    fn a_comment_inside_an_expression_moves_but_stays() {
        let src = "T\n| where x > 1\n    // inside\n    and y < 2\n| take 1";
        let out = format_query(src).expect("parses");
        assert!(out.contains("// inside"), "{out}");
        assert_eq!(format_query(&out).expect("parses"), out);
    }
}
