//! Regular expressions whose pattern comes from the data (a column, one per row): each
//! distinct pattern is compiled once per batch, not once per row, in a small cache.
//!
//! An invalid pattern is the user's error ([`ExecError::Function`], which the evaluator
//! places at the call's span), with a long pattern abbreviated in the message.

use crate::error::{ExecError, Result};
use regex::Regex;
use std::collections::HashMap;

/// How many distinct patterns are kept; past that the cache starts over (a column of
/// unique patterns costs one compilation per row, as it must).
const CAPACITY: usize = 64;

/// Compiled patterns by their text.
#[derive(Default)]
pub struct RegexCache {
    compiled: HashMap<String, Regex>,
}

impl RegexCache {
    /// An empty cache.
    pub fn new() -> RegexCache {
        RegexCache::default()
    }
    /// The compiled form of `pattern`, compiling it on first use.
    pub fn get(&mut self, pattern: &str) -> Result<&Regex> {
        if !self.compiled.contains_key(pattern) {
            if self.compiled.len() >= CAPACITY {
                self.compiled.clear();
            }
            let re = compile(pattern)?;
            self.compiled.insert(pattern.to_string(), re);
        }
        self.compiled
            .get(pattern)
            .ok_or_else(|| ExecError::Internal("regex cache lost an entry".into()))
    }
}

/// Compiles `pattern`; an invalid one is a user error.
pub fn compile(pattern: &str) -> Result<Regex> {
    Regex::new(pattern).map_err(|e| ExecError::Function(invalid_regex(pattern, &e)))
}

/// The message for an invalid regular expression: the pattern (abbreviated when long)
/// and the reason.
pub fn invalid_regex(pattern: &str, e: &regex::Error) -> String {
    let reason = match e {
        // The syntax error's own text repeats the whole pattern with a caret; the first
        // and last lines carry the reason.
        regex::Error::Syntax(text) => text
            .lines()
            .filter(|l| l.starts_with("error:"))
            .map(|l| l.trim_start_matches("error:").trim().to_string())
            .next()
            .unwrap_or_else(|| text.clone()),
        other => other.to_string(),
    };
    format!(
        "invalid regular expression `{}`: {reason}",
        hunt_syntax::abbreviate(pattern)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compiles_each_pattern_once_and_reports_invalid_ones() {
        let mut c = RegexCache::new();
        assert!(c.get("a+b").map(|r| r.is_match("xaab")).unwrap_or(false));
        assert!(c.get("^z").map(|r| !r.is_match("a")).unwrap_or(false));
        assert_eq!(c.compiled.len(), 2);
        assert!(c.get("a+b").is_ok());
        assert_eq!(c.compiled.len(), 2);
        match c.get("a(b") {
            Err(ExecError::Function(m)) => {
                assert!(m.starts_with("invalid regular expression `a(b`: "), "{m}");
                assert!(m.contains("unclosed group"), "{m}");
            }
            other => panic!("{other:?}"),
        }
    }
}
