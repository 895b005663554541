//! Error rendering: the only place that turns a [`hunt::Diagnostic`] (or any other error) into
//! text for the user.
//!
//! A diagnostic with a span becomes an ariadne report over the query text, with a caret and
//! label under the span and the help as a `Help:` line. One without a span is a single
//! `kind: message` line (plus `help: …`). Colour only when stderr is a terminal and `NO_COLOR`
//! is not set.

use std::io::{IsTerminal, Write};
use std::ops::Range;

use ariadne::{Color, Config, IndexType, Label, Report, ReportKind};

/// Whether error output may use colour: stderr is a terminal and `NO_COLOR` is unset or empty
/// (<https://no-color.org>).
pub fn use_color() -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    !no_color && std::io::stderr().is_terminal()
}

/// Renders a query diagnostic to a string. `source_name` names the query in the report header
/// (`query`, a file path, `<stdin>`); `source` is the query text the span indexes into.
pub fn render_diagnostic(
    diag: &hunt::Diagnostic,
    source_name: &str,
    source: &str,
    color: bool,
) -> String {
    let Some(span) = diag.span.clone() else {
        return plain(diag.kind.as_str(), &diag.message, diag.help.as_deref());
    };
    let span = clamp_span(source, span);
    // A very long line (a generated one-line query) or control characters are shown as a
    // window around the span instead; the header keeps the real line and column.
    let window = excerpt(source, &span);
    let (source, span) = match &window {
        Some(w) => (w.text.as_str(), w.span.clone()),
        None => (source, span),
    };
    // An error at the very end of the query (say, a missing expression) has an empty span
    // there; ariadne draws no label for it, so point at a blank column added after the last
    // visible character (trailing whitespace and newlines dropped, they show nothing).
    let padded;
    let (source, span) = if span.is_empty() {
        let end = source.trim_end().len();
        padded = format!("{} ", &source[..end]);
        (padded.as_str(), end..end + 1)
    } else {
        (source, span)
    };
    // `ReportKind::Custom` ignores `with_color(false)` in ariadne 0.5, so every report is an
    // `Error:` and a kind other than plain "error" leads the message.
    let message = if diag.kind == "error" {
        diag.message.clone()
    } else {
        format!("{}: {}", diag.kind, diag.message)
    };
    let id = source_name.to_owned();
    let mut label = Label::new((id.clone(), span.clone()));
    if color {
        label = label.with_color(Color::Red);
    }
    if let Some(text) = &diag.label {
        label = label.with_message(text);
    }
    let mut report = Report::build(ReportKind::Error, (id.clone(), span))
        .with_config(
            Config::default()
                .with_color(color)
                .with_index_type(IndexType::Byte),
        )
        .with_message(message)
        .with_label(label);
    if let Some(help) = &diag.help {
        report = report.with_help(help);
    }
    let mut out = Vec::new();
    match report
        .finish()
        .write(ariadne::sources([(id.clone(), source)]), &mut out)
    {
        Ok(()) => {
            let text = String::from_utf8_lossy(&out).into_owned();
            match &window {
                Some(w) => text.replacen(
                    &format!("[ {id}:{}:{} ]", w.shown.0, w.shown.1),
                    &format!("[ {id}:{}:{} ]", w.real.0, w.real.1),
                    1,
                ),
                None => text,
            }
        }
        // ariadne only fails on a write error, which a Vec never gives; keep the message anyway.
        Err(_) => plain(diag.kind.as_str(), &diag.message, diag.help.as_deref()),
    }
}

/// Renders an error that is not about the query text (bad flag, unreadable file, …) as
/// `error: message: cause: cause`.
pub fn render_error(err: &anyhow::Error) -> String {
    format!("error: {err:#}\n")
}

/// Writes rendered error text to stderr, ignoring failures (there is nowhere else to report them).
pub fn eprint(text: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = stderr.write_all(text.as_bytes());
    let _ = stderr.flush();
}

fn plain(kind: &str, message: &str, help: Option<&str>) -> String {
    let mut out = format!("{kind}: {message}\n");
    if let Some(help) = help {
        out.push_str(&format!("help: {help}\n"));
    }
    out
}

/// The longest line shown whole in a report; a longer one is cut to a window.
const MAX_SHOWN_LINE: usize = 160;
/// Characters shown on each side of the span in a window.
const WINDOW_CONTEXT: usize = 60;
/// The most characters of the span itself shown in a window.
const WINDOW_SPAN: usize = 80;

/// What a report shows instead of a query whose span's line is too long or holds control
/// characters: the lines before it left empty (so the line number stays), then `…`, the
/// text around the span with control characters escaped, `…`.
struct Excerpt {
    text: String,
    span: Range<usize>,
    /// 1-based line and column ariadne will print for `span` in `text`, and the real ones.
    shown: (usize, usize),
    real: (usize, usize),
}

fn excerpt(source: &str, span: &Range<usize>) -> Option<Excerpt> {
    let line_start = source[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = source[span.start..]
        .find('\n')
        .map_or(source.len(), |i| span.start + i);
    let line = &source[line_start..line_end];
    let odd = |c: char| c.is_control() && c != '\t' && c != '\r';
    if line.chars().count() <= MAX_SHOWN_LINE && !line.chars().any(odd) {
        return None;
    }
    // The span's part on its first line, at most WINDOW_SPAN characters.
    let end = span.end.min(line_end);
    let end = source[span.start..end]
        .char_indices()
        .nth(WINDOW_SPAN)
        .map_or(end, |(i, _)| span.start + i);
    let from = source[line_start..span.start]
        .char_indices()
        .rev()
        .nth(WINDOW_CONTEXT - 1)
        .map_or(line_start, |(i, _)| line_start + i);
    let to = source[end..line_end]
        .char_indices()
        .nth(WINDOW_CONTEXT)
        .map_or(line_end, |(i, _)| end + i);
    let line_no = source[..line_start].matches('\n').count();
    let mut text = "\n".repeat(line_no);
    if from > line_start {
        text.push('…');
    }
    let mut new_span = text.len()..text.len();
    let mut i = from;
    for c in source[from..to].chars() {
        if i == span.start {
            new_span.start = text.len();
        }
        if i == end {
            new_span.end = text.len();
        }
        if c == '\t' || !odd(c) {
            text.push(c);
        } else {
            text.extend(c.escape_default());
        }
        i += c.len_utf8();
    }
    if i == end {
        new_span.end = text.len();
    }
    if new_span.end < new_span.start {
        new_span.end = new_span.start;
    }
    if to < line_end {
        text.push('…');
    }
    // The shown line starts after the `line_no` newlines.
    let shown = (
        line_no + 1,
        text[line_no..new_span.start].chars().count() + 1,
    );
    let real = (
        line_no + 1,
        source[line_start..span.start].chars().count() + 1,
    );
    Some(Excerpt {
        text,
        span: new_span,
        shown,
        real,
    })
}

/// Keeps a span inside the text and on char boundaries, and at least one character wide where
/// the text allows, so ariadne always has something to underline. A span at the very end
/// (an error at end of input) stays empty and points after the last character.
fn clamp_span(source: &str, span: Range<usize>) -> Range<usize> {
    let floor = |mut i: usize| {
        i = i.min(source.len());
        while !source.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = floor(span.start);
    let mut end = floor(span.end.max(start));
    if end == start {
        if let Some(c) = source[start..].chars().next() {
            end = start + c.len_utf8();
        }
    }
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diag(span: Option<Range<usize>>, help: Option<&str>) -> hunt::Diagnostic {
        hunt::Diagnostic {
            kind: hunt::DiagnosticKind::Invalid,
            message: "unknown column `Nmae`".to_owned(),
            span,
            label: Some("not found in `T`".to_owned()),
            help: help.map(str::to_owned),
        }
    }

    #[test]
    fn span_report_underlines_the_column() {
        let q = "T | where Nmae > 1";
        let out = render_diagnostic(
            &diag(Some(10..14), Some("did you mean `Name`?")),
            "query",
            q,
            false,
        );
        assert_eq!(
            out,
            "\
Error: unknown column `Nmae`
   ╭─[ query:1:11 ]
   │
 1 │ T | where Nmae > 1
   │           ──┬─  
   │             ╰─── not found in `T`
   │ 
   │ Help: did you mean `Name`?
───╯
"
        );
    }

    #[test]
    fn custom_kind_and_second_line() {
        let q = "T\n| where x ==";
        let d = hunt::Diagnostic {
            kind: hunt::DiagnosticKind::Syntax,
            message: "expected an expression".to_owned(),
            span: Some(q.len()..q.len()),
            label: Some("here".to_owned()),
            help: None,
        };
        let out = render_diagnostic(&d, "q.kql", q, false);
        // A trailing newline (as in a query file) does not move the caret to an empty line.
        let with_newline = format!("{q}\n");
        let d2 = hunt::Diagnostic {
            span: Some(with_newline.len()..with_newline.len()),
            ..d
        };
        assert_eq!(render_diagnostic(&d2, "q.kql", &with_newline, false), out);
        assert_eq!(
            out,
            "\
Error: syntax error: expected an expression
   ╭─[ q.kql:2:13 ]
   │
 2 │ | where x ==
   │             ┬  
   │             ╰── here
───╯
"
        );
    }

    #[test]
    fn no_span_is_one_line() {
        let out = render_diagnostic(&diag(None, None), "query", "T", false);
        assert_eq!(out, "error: unknown column `Nmae`\n");
        let out = render_diagnostic(&diag(None, Some("try this")), "query", "T", false);
        assert_eq!(out, "error: unknown column `Nmae`\nhelp: try this\n");
    }

    #[test]
    fn spans_are_clamped() {
        assert_eq!(clamp_span("abc", 5..9), 3..3);
        assert_eq!(clamp_span("abc", 1..1), 1..2);
        assert_eq!(clamp_span("aé", 2..3), 1..3);
        assert_eq!(clamp_span("abc", 2..1), 2..3);
        // Out-of-range spans still render.
        let out = render_diagnostic(&diag(Some(40..50), None), "query", "T | x", false);
        assert!(out.contains("unknown column"), "{out}");
    }

    #[test]
    fn a_long_line_is_shown_as_a_window_around_the_span() {
        // 100,000 characters on one line, the error in the middle.
        let head = "x".repeat(50_000);
        let q = format!("print a = 1 + {head} Nmae {head}");
        let at = q.find("Nmae").unwrap_or(0);
        let out = render_diagnostic(&diag(Some(at..at + 4), None), "query", &q, false);
        assert!(out.len() < 1_000, "{} bytes", out.len());
        assert!(out.contains(&format!("[ query:1:{} ]", at + 1)), "{out}");
        let lines: Vec<&str> = out.lines().collect();
        let code = lines
            .iter()
            .position(|l| l.contains(" │ ") && l.contains("Nmae"))
            .unwrap_or_else(|| panic!("{out}"));
        assert!(
            lines[code].contains("│ …x") && lines[code].ends_with("x…"),
            "{out}"
        );
        // The underline starts under the span's first character.
        let col = |l: &str, pat: &str| l.find(pat).map(|b| l[..b].chars().count());
        assert_eq!(col(lines[code], "Nmae"), col(lines[code + 1], "─"), "{out}");
    }

    #[test]
    fn control_characters_in_the_shown_line_are_escaped() {
        let q = "print a = '\u{1b}[31m' + Nmae";
        let at = q.find("Nmae").unwrap_or(0);
        let out = render_diagnostic(&diag(Some(at..at + 4), None), "query", q, false);
        assert!(!out.contains('\u{1b}'), "{out:?}");
        assert!(out.contains("\\u{1b}[31m"), "{out}");
        assert!(out.contains(&format!("[ query:1:{} ]", at + 1)), "{out}");
        let lines: Vec<&str> = out.lines().collect();
        let code = lines
            .iter()
            .position(|l| l.contains(" │ ") && l.contains("Nmae"))
            .unwrap_or(0);
        let col = |l: &str, pat: &str| l.find(pat).map(|b| l[..b].chars().count());
        assert_eq!(col(lines[code], "Nmae"), col(lines[code + 1], "─"), "{out}");
        // A second line keeps its number.
        let q2 = format!("T\n{q}");
        let out = render_diagnostic(&diag(Some(at + 2..at + 6), None), "query", &q2, false);
        assert!(out.contains(&format!("[ query:2:{} ]", at + 1)), "{out}");
        assert!(out.contains(" 2 │ print"), "{out}");
    }

    #[test]
    fn color_codes_only_when_asked() {
        let q = "T | where Nmae > 1";
        let plain = render_diagnostic(&diag(Some(10..14), None), "query", q, false);
        assert!(!plain.contains('\x1b'));
        let colored = render_diagnostic(&diag(Some(10..14), None), "query", q, true);
        assert!(colored.contains('\x1b'));
    }
}
