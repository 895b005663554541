//! KQL string predicates (`has`, `contains`, `startswith`, `=~`, …) over Utf8 arrays.
//!
//! Case-insensitive forms lower both sides (ASCII fast path, Unicode otherwise) into
//! one reused buffer per call, so no row allocates.
//! <https://learn.microsoft.com/kusto/query/datatypes-string-operators>

use arrow::array::{Array, BooleanArray, BooleanBuilder, StringArray};
use memchr::memmem::Finder;

/// How a needle must sit in the haystack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    /// Anywhere (`contains`).
    Contains,
    /// At the start (`startswith`).
    Prefix,
    /// At the end (`endswith`).
    Suffix,
    /// The whole value (`==`, `=~`).
    Equal,
    /// As whole term(s) (`has`).
    Term,
    /// At the start of a term (`hasprefix`).
    TermPrefix,
    /// At the end of a term (`hassuffix`).
    TermSuffix,
}

/// Kusto splits strings into terms at characters that are not alphanumeric.
/// Bytes of multi-byte UTF-8 characters count as alphanumeric (letters).
fn is_term_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80
}

/// Lower-cases `s` into `buf` (cleared first).
fn lower_into(s: &str, buf: &mut Vec<u8>) {
    buf.clear();
    if s.is_ascii() {
        buf.extend(s.bytes().map(|b| b.to_ascii_lowercase()));
    } else {
        let mut tmp = [0u8; 4];
        for c in s.chars().flat_map(char::to_lowercase) {
            buf.extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
        }
    }
}

/// The case-folded form of a needle.
pub fn fold(needle: &str) -> Vec<u8> {
    let mut v = Vec::new();
    lower_into(needle, &mut v);
    v
}

/// Does `needle` occur in `hay` as `mode` requires? Both already folded if case-insensitive.
fn matches(hay: &[u8], needle: &[u8], finder: &Finder<'_>, mode: Match) -> bool {
    match mode {
        Match::Equal => hay == needle,
        Match::Prefix => hay.starts_with(needle),
        Match::Suffix => hay.ends_with(needle),
        Match::Contains => finder.find(hay).is_some(),
        Match::Term | Match::TermPrefix | Match::TermSuffix => {
            if needle.is_empty() {
                // Kusto: `has ""` is true for every value.
                return true;
            }
            let check_left = mode != Match::TermSuffix && is_term_byte(needle[0]);
            let check_right = mode != Match::TermPrefix && is_term_byte(needle[needle.len() - 1]);
            finder.find_iter(hay).any(|at| {
                let left_ok = !check_left || at == 0 || !is_term_byte(hay[at - 1]);
                let end = at + needle.len();
                let right_ok = !check_right || end == hay.len() || !is_term_byte(hay[end]);
                left_ok && right_ok
            })
        }
    }
}

/// `hay has needle` for one pair of values (case-insensitive whole-term match).
///
/// ```
/// use hunt_exec::kernels::string::has_term;
/// assert!(has_term("Example number 2", "2"));
/// assert!(!has_term("this is an example", "exam"));
/// ```
pub fn has_term(hay: &str, needle: &str) -> bool {
    let (h, n) = (fold(hay), fold(needle));
    matches(&h, &n, &Finder::new(&n), Match::Term)
}

/// Tests every value of `values` against one constant needle. Nulls stay null.
///
/// ```
/// use arrow::array::StringArray;
/// use hunt_exec::kernels::string::{match_scalar, Match};
/// let v = StringArray::from(vec!["North America", "Americas"]);
/// let got = match_scalar(&v, "america", false, Match::Term);
/// assert_eq!(got.iter().collect::<Vec<_>>(), vec![Some(true), Some(false)]);
/// ```
pub fn match_scalar(
    values: &StringArray,
    needle: &str,
    case_sensitive: bool,
    mode: Match,
) -> BooleanArray {
    if !case_sensitive && needle.is_ascii() {
        return match_folded_ascii(values, &fold(needle), mode);
    }
    let needle_bytes: Vec<u8> = if case_sensitive {
        needle.as_bytes().to_vec()
    } else {
        fold(needle)
    };
    let finder = Finder::new(&needle_bytes);
    let mut buf = Vec::new();
    let mut out = BooleanBuilder::with_capacity(values.len());
    for v in values.iter() {
        match v {
            None => out.append_null(),
            Some(s) => {
                let hay: &[u8] = if case_sensitive {
                    s.as_bytes()
                } else {
                    lower_into(s, &mut buf);
                    &buf
                };
                out.append_value(matches(hay, &needle_bytes, &finder, mode));
            }
        }
    }
    out.finish()
}

/// [`match_scalar`], case-insensitive, for an ASCII needle (already lower-case): the whole
/// value buffer is lower-cased in one pass, and `contains` searches it from row to row
/// instead of value by value, restarting at the next row after a hit or after a hit that
/// straddles two rows. A row with non-ASCII bytes is redone with full Unicode lower-casing
/// (the Kelvin sign `K` lower-cases to an ASCII `k`).
fn match_folded_ascii(values: &StringArray, needle: &[u8], mode: Match) -> BooleanArray {
    let n = values.len();
    let offsets = values.value_offsets();
    let base = offsets.first().map_or(0, |o| *o as usize);
    let end = offsets.last().map_or(0, |o| *o as usize);
    let data = &values.value_data()[base..end];
    let lowered = data.to_ascii_lowercase();
    let span = |i: usize| (offsets[i] as usize - base, offsets[i + 1] as usize - base);
    let finder = Finder::new(needle);
    let mut hit = vec![false; n];
    if mode == Match::Contains && !needle.is_empty() {
        let mut pos = 0;
        while let Some(at) = finder.find(&lowered[pos..]).map(|a| a + pos) {
            // The row holding `at`: the last row starting at or before it.
            let row = offsets.partition_point(|o| (*o as usize - base) <= at) - 1;
            let (_, row_end) = span(row);
            if at + needle.len() <= row_end {
                hit[row] = true;
                pos = row_end;
            } else {
                pos = span(row + 1).0;
            }
            if pos >= lowered.len() {
                break;
            }
        }
    } else {
        for (i, h) in hit.iter_mut().enumerate() {
            let (s, e) = span(i);
            *h = matches(&lowered[s..e], needle, &finder, mode);
        }
    }
    if !data.is_ascii() {
        let mut buf = Vec::new();
        for (i, h) in hit.iter_mut().enumerate() {
            let (s, e) = span(i);
            if !data[s..e].is_ascii() {
                lower_into(values.value(i), &mut buf);
                *h = matches(&buf, needle, &finder, mode);
            }
        }
    }
    BooleanArray::new(hit.into(), values.nulls().cloned())
}

/// Row-by-row form for a needle that is itself a column.
pub fn match_arrays(
    values: &StringArray,
    needles: &StringArray,
    case_sensitive: bool,
    mode: Match,
) -> BooleanArray {
    let mut hb = Vec::new();
    let mut nb = Vec::new();
    values
        .iter()
        .zip(needles.iter())
        .map(|(v, n)| {
            let (v, n) = (v?, n?);
            let (hay, needle): (&[u8], &[u8]) = if case_sensitive {
                (v.as_bytes(), n.as_bytes())
            } else {
                lower_into(v, &mut hb);
                lower_into(n, &mut nb);
                (&hb, &nb)
            };
            Some(matches(hay, needle, &Finder::new(needle), mode))
        })
        .collect()
}

/// Maps each string to a value with `f`, keeping nulls.
pub fn map_str<T>(values: &StringArray, mut f: impl FnMut(&str) -> T) -> Vec<Option<T>> {
    values.iter().map(|v| v.map(&mut f)).collect()
}

/// True where the value is null or empty (KQL's `isempty` on strings).
pub fn is_empty(values: &StringArray) -> BooleanArray {
    (0..values.len())
        .map(|i| Some(values.is_null(i) || values.value(i).is_empty()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn reference(h: &str, n: &str, mode: Match) -> bool {
        let (h, n) = (h.to_lowercase(), n.to_lowercase());
        let term = |c: char| c.is_ascii_alphanumeric() || !c.is_ascii();
        match mode {
            Match::Contains => h.contains(&n),
            Match::Prefix => h.starts_with(&n),
            Match::Suffix => h.ends_with(&n),
            Match::Equal => h == n,
            Match::Term | Match::TermPrefix | Match::TermSuffix => {
                if n.is_empty() {
                    return true;
                }
                h.match_indices(&n).any(|(at, _)| {
                    let before = h[..at].chars().next_back();
                    let after = h[at + n.len()..].chars().next();
                    let lo = mode == Match::TermSuffix
                        || !n.starts_with(term)
                        || before.is_none_or(|c| !term(c));
                    let hi = mode == Match::TermPrefix
                        || !n.ends_with(term)
                        || after.is_none_or(|c| !term(c));
                    lo && hi
                })
            }
        }
    }

    #[test]
    fn has_matches_whole_terms_only() {
        // Examples from the Kusto string operators page.
        let v = StringArray::from(vec![
            "North America",
            "Kusto: ad67d136-c1db-4f9f;KustoExplorerQueryRun",
        ]);
        let has = |n| {
            match_scalar(&v, n, false, Match::Term)
                .iter()
                .collect::<Vec<_>>()
        };
        assert_eq!(has("america"), vec![Some(true), Some(false)]);
        assert_eq!(has("c1db"), vec![Some(false), Some(true)]);
        assert_eq!(has("KustoExplorer"), vec![Some(false), Some(false)]);
        assert_eq!(has("ad67d136-c1db"), vec![Some(false), Some(true)]);
        let hp = match_scalar(&v, "kustoexp", false, Match::TermPrefix);
        assert_eq!(hp.value(1), true);
        let cs = match_scalar(&v, "america", true, Match::Term);
        assert_eq!(cs.value(0), false);
    }

    proptest! {
        #[test]
        fn kernels_match_reference(
            v in proptest::collection::vec("[a-cA-C .é_\u{212A}k-]{0,12}", 0..24),
            n in "[a-cA-C .ék]{0,3}",
            m in 0usize..7,
        ) {
            let mode = [Match::Contains, Match::Prefix, Match::Suffix, Match::Equal, Match::Term, Match::TermPrefix, Match::TermSuffix][m];
            let arr = StringArray::from(v.clone());
            let got = match_scalar(&arr, &n, false, mode);
            for (i, s) in v.iter().enumerate() {
                prop_assert_eq!(got.value(i), reference(s, &n, mode), "{:?} {:?} {:?}", s, n, mode);
            }
        }
    }
}
