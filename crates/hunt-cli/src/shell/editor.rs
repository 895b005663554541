//! The line editor's KQL knowledge: when a query is complete, how to colour it, and what
//! to complete at the cursor (tables, columns of the tables named earlier in the query,
//! tabular operators after `|`, functions).

use nu_ansi_term::{Color, Style};
use reedline::{Completer, Highlighter, Span, StyledText, Suggestion, ValidationResult, Validator};

/// Tabular operators offered after a `|`.
pub const OPERATORS: &[&str] = &[
    "where",
    "project",
    "project-away",
    "project-keep",
    "project-rename",
    "project-reorder",
    "extend",
    "summarize",
    "count",
    "distinct",
    "sort by",
    "order by",
    "top",
    "take",
    "limit",
    "join",
    "lookup",
    "union",
    "mv-expand",
    "mv-apply",
    "parse",
    "parse-where",
    "serialize",
    "make-series",
    "evaluate",
    "render",
    "getschema",
    "top-nested",
    "scan",
    "as",
    "invoke",
    "make-graph",
    "sample",
    "search",
    "facet",
    "partition",
];

/// Words coloured as keywords besides the operators.
const KEYWORDS: &[&str] = &[
    "let",
    "by",
    "on",
    "kind",
    "and",
    "or",
    "not",
    "in",
    "has",
    "contains",
    "startswith",
    "endswith",
    "between",
    "asc",
    "desc",
    "with",
    "true",
    "false",
    "datatable",
    "print",
    "range",
    "from",
    "to",
    "step",
    "matches",
    "regex",
    "has_any",
    "has_all",
    "in~",
];

/// A query is complete when it ends with `;` or a blank line; a dot command or an empty
/// line at once.
pub struct QueryValidator;

impl Validator for QueryValidator {
    fn validate(&self, line: &str) -> ValidationResult {
        let t = line.trim_end_matches([' ', '\t']);
        if t.trim().is_empty()
            || t.trim_start().starts_with('.')
            || t.trim_end().ends_with(';')
            || t.ends_with("\n\n")
            || t.ends_with('\n')
        {
            ValidationResult::Complete
        } else {
            ValidationResult::Incomplete
        }
    }
}

/// A token of the highlighter's small lexer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Word,
    Str,
    Num,
    Comment,
    Other,
}

/// Splits `s` into (kind, byte range) tokens covering all of it.
fn tokens(s: &str) -> Vec<(Tok, std::ops::Range<usize>)> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let start = i;
        let c = b[i];
        let kind = if c == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
            Tok::Comment
        } else if c == b'"' || c == b'\'' {
            i += 1;
            while i < b.len() && b[i] != c {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i = (i + 1).min(b.len());
            Tok::Str
        } else if c.is_ascii_digit() {
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.') {
                i += 1;
            }
            Tok::Num
        } else if c.is_ascii_alphabetic() || c == b'_' {
            while i < b.len() && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'_' | b'-')) {
                i += 1;
            }
            Tok::Word
        } else {
            i += 1;
            while i < b.len()
                && !b[i].is_ascii_alphanumeric()
                && !matches!(b[i], b'_' | b'"' | b'\'' | b'/')
            {
                i += 1;
            }
            Tok::Other
        };
        // Keep char boundaries: a multi-byte character is never split.
        while i < b.len() && !s.is_char_boundary(i) {
            i += 1;
        }
        out.push((kind, start..i));
    }
    out
}

/// Colours KQL: keywords and operators, known table names, strings, numbers, comments.
pub struct KqlHighlighter {
    /// Table names of the engine.
    pub tables: Vec<String>,
}

impl Highlighter for KqlHighlighter {
    fn highlight(&self, line: &str, _cursor: usize) -> StyledText {
        let mut out = StyledText::new();
        for (kind, range) in tokens(line) {
            let text = &line[range];
            let style = match kind {
                Tok::Comment => Style::new().fg(Color::DarkGray),
                Tok::Str => Style::new().fg(Color::Green),
                Tok::Num => Style::new().fg(Color::Purple),
                Tok::Word if OPERATORS.contains(&text) || KEYWORDS.contains(&text) => {
                    Style::new().fg(Color::Blue).bold()
                }
                Tok::Word if self.tables.iter().any(|t| t == text) => Style::new().fg(Color::Cyan),
                _ => Style::new(),
            };
            out.push((style, text.to_owned()));
        }
        out
    }
}

/// Completes the word at the cursor.
pub struct KqlCompleter {
    /// Table names of the engine.
    pub tables: Vec<String>,
    /// Function names of the planner.
    pub functions: Vec<&'static str>,
    /// Columns of a table, by name (planned on demand).
    pub columns: Box<dyn Fn(&str) -> Vec<String> + Send>,
}

impl Completer for KqlCompleter {
    fn complete(&mut self, line: &str, pos: usize) -> Vec<Suggestion> {
        let before = &line[..pos.min(line.len())];
        let start = before
            .char_indices()
            .rev()
            .find(|(_, c)| !(c.is_alphanumeric() || *c == '_' || *c == '-'))
            .map_or(0, |(i, c)| i + c.len_utf8());
        let word = &before[start..];
        let prev = before[..start].trim_end();
        let span = Span::new(start, pos);
        let mut out: Vec<(String, &'static str)> = Vec::new();
        let at_start =
            prev.is_empty() || prev.ends_with(';') || prev.ends_with('(') || prev.ends_with('=');
        if prev.ends_with('|') {
            out.extend(OPERATORS.iter().map(|o| (o.to_string(), "operator")));
        } else {
            // Columns of every table named so far in the query.
            let named: Vec<&String> = self
                .tables
                .iter()
                .filter(|t| {
                    tokens(before)
                        .iter()
                        .any(|(k, r)| *k == Tok::Word && &before[r.clone()] == t.as_str())
                })
                .collect();
            for t in named {
                for c in (self.columns)(t) {
                    if !out.iter().any(|(v, _)| *v == c) {
                        out.push((c, "column"));
                    }
                }
            }
            out.extend(self.tables.iter().map(|t| (t.clone(), "table")));
            if !at_start {
                out.extend(self.functions.iter().map(|f| (f.to_string(), "function")));
            }
        }
        let lower = word.to_lowercase();
        out.into_iter()
            .filter(|(v, _)| v.to_lowercase().starts_with(&lower) && v != word)
            .map(|(value, what)| Suggestion {
                value,
                description: Some(what.to_owned()),
                span,
                append_whitespace: false,
                ..Suggestion::default()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validator_ends_queries_on_semicolon_or_blank_line() {
        let v = QueryValidator;
        assert!(matches!(
            v.validate("T | take 1"),
            ValidationResult::Incomplete
        ));
        assert!(matches!(
            v.validate("T | take 1;"),
            ValidationResult::Complete
        ));
        assert!(matches!(
            v.validate("T\n| take 1\n"),
            ValidationResult::Complete
        ));
        assert!(matches!(v.validate(".tables"), ValidationResult::Complete));
    }

    #[test]
    fn completes_columns_of_named_tables_and_operators() {
        let mut c = KqlCompleter {
            tables: vec!["Events".into(), "Alerts".into()],
            functions: vec!["count", "countif"],
            columns: Box::new(|t| match t {
                "Events" => vec!["Account".into(), "ActionType".into()],
                _ => vec!["AlertId".into()],
            }),
        };
        let mut vals = |s: &str| -> Vec<String> {
            c.complete(s, s.len())
                .into_iter()
                .map(|s| s.value)
                .collect()
        };
        assert_eq!(vals("Ev"), vec!["Events"]);
        assert_eq!(vals("Events | where Ac"), vec!["Account", "ActionType"]);
        assert!(vals("Events | ").contains(&"summarize".to_owned()));
        assert_eq!(vals("Events | summarize countif"), Vec::<String>::new());
        assert_eq!(vals("Events | summarize cou"), vec!["count", "countif"]);
    }

    #[test]
    fn highlighter_keeps_the_text() {
        let h = KqlHighlighter {
            tables: vec!["T".into()],
        };
        let q = "T | where x == 'é' // note";
        let styled = h.highlight(q, 0);
        let joined: String = styled.buffer.iter().map(|(_, s)| s.as_str()).collect();
        assert_eq!(joined, q);
    }
}
