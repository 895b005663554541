//! Pseudonymization: identity values replaced by keyed, stable pseudonyms, as Insider Risk
//! Management shows users by default.
//!
//! A pseudonym is `anon-` and the first 16 hex digits of HMAC-SHA-256(key, lower-case
//! value): the same value gets the same pseudonym under the same key (across queries, runs
//! and columns, so joins and counts on pseudonyms agree), another key gives another one, and
//! without the key nothing maps it back. The key lives outside the data directory (a file or
//! the `HUNT_PSEUDONYM_KEY` environment variable).
//!
//! The query runs on the real data; its result is then rewritten: every cell of an identity
//! column (by name) becomes its pseudonym, and every occurrence of a real identity value of
//! the tables the query read, inside any string or dynamic cell of any column (renamed,
//! concatenated, collected into sets), is replaced by its pseudonym. Pseudonyms written in
//! the query are turned back into the real values before it runs, so filters on a pseudonym
//! work; a real identity written in the query is refused.

use crate::IrmError;
use aho_corasick::{AhoCorasick, MatchKind};
use arrow::array::{Array, ArrayRef, StringArray};
use arrow::datatypes::DataType;
use hmac::{Hmac, Mac};
use hunt::{Engine, QueryResult, RecordBatch};
use sha2::Sha256;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::Arc;

/// The identity columns pseudonymized by default (the IRM and Defender tables' user columns).
pub const IDENTITY_COLUMNS: &[&str] = &[
    "AccountUpn",
    "AccountObjectId",
    "AccountName",
    "AccountDisplayName",
    "AccountSid",
    "AccountEmail",
    "UserAlternateEmails",
    "RecipientEmailAddress",
    "InitiatingProcessAccountUpn",
    "InitiatingProcessAccountName",
    "InitiatingProcessAccountSid",
    "InitiatingProcessAccountObjectId",
    "SenderFromAddress",
    "SenderMailFromAddress",
    "RequestAccountName",
    "RequestAccountSid",
];

/// The environment variable holding the key.
pub const KEY_ENV: &str = "HUNT_PSEUDONYM_KEY";

/// The prefix of every pseudonym.
pub const PREFIX: &str = "anon-";

/// Identity values shorter than this are replaced only in identity columns, not inside
/// other text (a two-letter account name would otherwise rewrite unrelated words).
const MIN_SWEEP_LEN: usize = 4;

/// The secret key of the pseudonyms. Its bytes are never printed.
#[derive(Clone)]
pub struct PseudonymKey(Vec<u8>);

impl std::fmt::Debug for PseudonymKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PseudonymKey(…)")
    }
}

impl PseudonymKey {
    /// A key from its bytes; at least 16.
    pub fn from_bytes(bytes: &[u8]) -> Result<PseudonymKey, IrmError> {
        if bytes.len() < 16 {
            return Err(IrmError::Key(format!(
                "the pseudonym key has {} bytes; use at least 16 (e.g. `head -c 32 /dev/urandom | base64`)",
                bytes.len()
            )));
        }
        Ok(PseudonymKey(bytes.to_vec()))
    }
    /// The key in `path` (trailing whitespace ignored).
    pub fn from_file(path: &Path) -> Result<PseudonymKey, IrmError> {
        let bytes = std::fs::read(path).map_err(|e| {
            IrmError::Key(format!(
                "cannot read pseudonym key file {}: {e}",
                path.display()
            ))
        })?;
        let end = bytes
            .iter()
            .rposition(|b| !b.is_ascii_whitespace())
            .map_or(0, |i| i + 1);
        PseudonymKey::from_bytes(&bytes[..end])
    }
    /// The key in [`KEY_ENV`], if set and not empty.
    pub fn from_env() -> Option<Result<PseudonymKey, IrmError>> {
        let v = std::env::var(KEY_ENV).ok().filter(|v| !v.is_empty())?;
        Some(PseudonymKey::from_bytes(v.trim().as_bytes()))
    }
    /// The pseudonym of `value`.
    pub fn pseudonym(&self, value: &str) -> String {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.0) else {
            // HMAC accepts keys of any length; this branch is unreachable.
            return format!("{PREFIX}0000000000000000");
        };
        mac.update(b"hunt-pseudonym-v1\0");
        mac.update(value.to_lowercase().as_bytes());
        let digest = mac.finalize().into_bytes();
        let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
        format!("{PREFIX}{hex}")
    }
}

/// True when `s` has the shape of a pseudonym.
pub fn is_pseudonym(s: &str) -> bool {
    s.strip_prefix(PREFIX)
        .is_some_and(|h| h.len() == 16 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The real identity values of some tables, with their pseudonyms under one key.
pub struct Identities {
    key: PseudonymKey,
    columns: Vec<String>,
    /// Pseudonym → a real value (lower case).
    by_pseudonym: HashMap<String, String>,
    /// Matches real values of at least [`MIN_SWEEP_LEN`] bytes, ignoring ASCII case.
    matcher: Option<AhoCorasick>,
    /// The pseudonym of each matcher pattern.
    replacements: Vec<String>,
    /// The patterns that look like what a filter on a person would name (an address, an
    /// id, a display name): writing one in a query is refused.
    refusable: Vec<bool>,
}

impl Identities {
    /// Collects the identity values of `tables` in `engine`: the distinct values of each
    /// identity column ([`IDENTITY_COLUMNS`] and `extra_columns`) they have, plus the
    /// addresses inside multi-valued columns (`UserAlternateEmails`). With a `token`, the
    /// scans stop when it is cancelled (the query this serves was given up).
    pub fn collect(
        engine: &Engine,
        tables: &[String],
        extra_columns: &[String],
        key: &PseudonymKey,
        token: Option<&hunt::CancelToken>,
    ) -> Result<Identities, IrmError> {
        let run = |q: &str| match token {
            // The caller's policy already allowed these tables.
            Some(t) => engine.query_guarded_cancellable(q, &hunt::AllowAll, &mut Vec::new(), t),
            None => engine.query(q),
        };
        let columns: Vec<String> = IDENTITY_COLUMNS
            .iter()
            .map(|s| s.to_string())
            .chain(extra_columns.iter().cloned())
            .collect();
        let mut values: BTreeSet<String> = BTreeSet::new();
        let email = regex::Regex::new(r#"[^\s;,"'\[\]{}<>]+@[^\s;,"'\[\]{}<>]+"#)
            .map_err(|e| IrmError::Invalid(e.to_string()))?;
        for t in tables {
            let schema = run(&format!("['{}'] | take 0", escape_name(t)))?.schema;
            for f in &schema.fields {
                if !columns.iter().any(|c| c == &f.name) {
                    continue;
                }
                let q = format!(
                    "['{}'] | where isnotempty(['{c}']) | project v = tostring(['{c}']) | distinct v",
                    escape_name(t),
                    c = escape_name(&f.name)
                );
                for b in run(&q)?.batches {
                    let col = b.column(0);
                    for r in 0..b.num_rows() {
                        let v = hunt::format::cell_text(col, r, hunt::KqlType::String);
                        for m in email.find_iter(&v) {
                            values.insert(m.as_str().to_lowercase());
                        }
                        if !v.is_empty() {
                            values.insert(v.to_lowercase());
                        }
                    }
                }
            }
        }
        Identities::from_values(values, columns, key)
    }

    /// Identities from known values.
    pub fn from_values(
        values: impl IntoIterator<Item = String>,
        columns: Vec<String>,
        key: &PseudonymKey,
    ) -> Result<Identities, IrmError> {
        let mut by_pseudonym = HashMap::new();
        let mut patterns = Vec::new();
        let mut replacements = Vec::new();
        let mut refusable = Vec::new();
        for v in values {
            let v = v.to_lowercase();
            let p = key.pseudonym(&v);
            if v.len() >= MIN_SWEEP_LEN {
                patterns.push(v.clone());
                replacements.push(p.clone());
                refusable.push(
                    v.contains('@')
                        || v.contains(' ')
                        || v.starts_with("s-1-")
                        || (v.len() == 36 && v.matches('-').count() == 4),
                );
            }
            by_pseudonym.insert(p, v);
        }
        let matcher = if patterns.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(&patterns)
                    .map_err(|e| IrmError::Invalid(format!("identity matcher: {e}")))?,
            )
        };
        Ok(Identities {
            key: key.clone(),
            columns,
            by_pseudonym,
            matcher,
            replacements,
            refusable,
        })
    }

    /// The real value (lower case) behind `pseudonym`.
    pub fn reveal(&self, pseudonym: &str) -> Option<&str> {
        self.by_pseudonym.get(pseudonym).map(String::as_str)
    }

    /// Number of distinct identity values.
    pub fn len(&self) -> usize {
        self.by_pseudonym.len()
    }

    /// True when the tables hold no identity value.
    pub fn is_empty(&self) -> bool {
        self.by_pseudonym.is_empty()
    }

    /// Refuses a query text that names a real identity (an address, object id, SID or
    /// display name of the data).
    pub fn check_query(&self, kql: &str) -> Result<(), IrmError> {
        let Some(m) = &self.matcher else {
            return Ok(());
        };
        for hit in m.find_iter(kql) {
            if self.refusable[hit.pattern().as_usize()] {
                return Err(IrmError::RealIdentity {
                    span: hit.range(),
                    message: "the query names a real identity, which pseudonymization hides".into(),
                });
            }
        }
        Ok(())
    }

    /// The query with each pseudonym replaced by the real value, so a filter on a pseudonym
    /// selects that user's rows.
    pub fn restore(&self, kql: &str) -> Result<String, IrmError> {
        let re = regex::Regex::new(&format!("{PREFIX}[0-9a-fA-F]{{16}}"))
            .map_err(|e| IrmError::Invalid(e.to_string()))?;
        let mut out = String::with_capacity(kql.len());
        let mut last = 0;
        for m in re.find_iter(kql) {
            let p = m.as_str().to_lowercase();
            let real = self
                .reveal(&p)
                .ok_or_else(|| IrmError::UnknownPseudonym(m.as_str().to_string()))?;
            if real.contains(['"', '\'', '\\']) {
                return Err(IrmError::Invalid(format!(
                    "the identity behind `{}` holds quotes; it cannot be used in a filter",
                    m.as_str()
                )));
            }
            out.push_str(&kql[last..m.start()]);
            out.push_str(real);
            last = m.end();
        }
        out.push_str(&kql[last..]);
        Ok(out)
    }

    /// The result with identity columns and identity values pseudonymized.
    pub fn apply(&self, mut result: QueryResult) -> Result<QueryResult, IrmError> {
        let mut batches = Vec::with_capacity(result.batches.len());
        for b in &result.batches {
            let mut cols: Vec<ArrayRef> = Vec::with_capacity(b.num_columns());
            for (i, col) in b.columns().iter().enumerate() {
                let name = b.schema().field(i).name().clone();
                let whole = self.columns.iter().any(|c| *c == name);
                cols.push(self.apply_column(col, whole)?);
            }
            let rb = RecordBatch::try_new(b.schema(), cols)
                .map_err(|e| IrmError::Invalid(format!("pseudonymizing a result: {e}")))?;
            batches.push(rb);
        }
        result.batches = batches;
        Ok(result)
    }

    fn apply_column(&self, col: &ArrayRef, whole: bool) -> Result<ArrayRef, IrmError> {
        let strings = match col.data_type() {
            DataType::Utf8 => col.clone(),
            DataType::LargeUtf8 | DataType::Utf8View | DataType::Dictionary(_, _) => {
                arrow::compute::cast(col, &DataType::Utf8)
                    .map_err(|e| IrmError::Invalid(format!("pseudonymizing a result: {e}")))?
            }
            _ => return Ok(col.clone()),
        };
        let Some(s) = strings.as_any().downcast_ref::<StringArray>() else {
            return Ok(col.clone());
        };
        let out: StringArray = s
            .iter()
            .map(|v| {
                v.map(|v| {
                    if whole && !v.is_empty() && !is_pseudonym(v) {
                        self.key.pseudonym(v)
                    } else {
                        self.sweep(v)
                    }
                })
            })
            .collect();
        let out: ArrayRef = Arc::new(out);
        if col.data_type() == &DataType::Utf8 {
            Ok(out)
        } else {
            arrow::compute::cast(&out, col.data_type())
                .map_err(|e| IrmError::Invalid(format!("pseudonymizing a result: {e}")))
        }
    }

    /// `text` with every real identity value replaced by its pseudonym.
    pub fn sweep(&self, text: &str) -> String {
        match &self.matcher {
            Some(m) => m.replace_all(text, &self.replacements),
            None => text.to_string(),
        }
    }
}

/// A table or column name inside `['…']`.
fn escape_name(name: &str) -> String {
    name.replace('\\', "\\\\").replace('\'', "\\'")
}
