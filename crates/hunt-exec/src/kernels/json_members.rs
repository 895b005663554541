//! A bag's members found once for every member a query reads: `d.a`, `d.b` and `d.c`
//! over one dynamic column of one batch scan each row's JSON text once, not three times.
//!
//! `summarize count() by tostring(d.Id), tolong(d.Level) | ... sum(tolong(d.Count))`
//! evaluates three member accesses over the same column array, each on its own. The
//! first one over an array indexes where every top-level member of every row lies
//! ([`BagIndex`]); later ones over the same array look their key up in that index. The
//! index is kept per thread for the last few arrays, tied to the array's allocation by a
//! `Weak` reference: while it is held the allocation is not freed, so its address cannot
//! come back for another array, and once the array is dropped the entry no longer
//! matches (and holds none of its buffers).
//!
//! The answers are [`json_scan::member`]'s, which is defined through [`members`]: the
//! last member when a key repeats (as serde_json keeps it), and text the scan is unsure
//! of parsed with serde_json as before.

use super::json_scan::{self, Found, Scratch};
use arrow::array::{Array, ArrayRef, StringArray, StringBuilder};
use serde_json::Value;
use std::cell::RefCell;
use std::ops::Range;
use std::rc::Rc;
use std::sync::{Arc, Weak};

/// One top-level member of a bag: where its key's contents and its value lie in the
/// text, and whether the value is compact JSON as hunt stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// The key's contents (without quotes; the scan refuses keys with escapes).
    pub key: Range<usize>,
    /// The value's span.
    pub value: Range<usize>,
    /// Whether the value is stored as it is (see [`json_scan::Found`]).
    pub compact: bool,
}

/// The members of the JSON bag `text`, in order, into `out` (cleared first):
/// `Some(true)` for a bag, `Some(false)` for JSON that is not a bag, `None` when the
/// scan cannot tell (then parse).
///
/// ```
/// use hunt_exec::kernels::{json_members::members, json_scan::Scratch};
/// let (mut out, mut s) = (Vec::new(), Scratch::default());
/// let t = r#"{"a":1, "b" : {"c":"x"},"a":2.0}"#;
/// assert_eq!(members(t, &mut out, &mut s), Some(true));
/// let m: Vec<(&str, &str, bool)> =
///     out.iter().map(|m| (&t[m.key.clone()], &t[m.value.clone()], m.compact)).collect();
/// assert_eq!(m, [("a", "1", true), ("b", r#"{"c":"x"}"#, true), ("a", "2.0", false)]);
/// assert_eq!(members("[1]", &mut out, &mut s), Some(false));
/// assert_eq!(members(r#"{"a\"":1}"#, &mut out, &mut s), None);
/// ```
pub fn members(text: &str, out: &mut Vec<Member>, s: &mut Scratch) -> Option<bool> {
    out.clear();
    let b = text.as_bytes();
    let mut gaps = true;
    let start = json_scan::ws(b, 0, &mut gaps);
    if b.get(start) != Some(&b'{') {
        return json_scan::document(text, s).map(|_| false);
    }
    let mut i = json_scan::ws(b, start + 1, &mut gaps);
    if b.get(i) != Some(&b'}') {
        // Keys are compared by the caller, not tracked (`gaps` stays clear of them).
        let mut untracked = Scratch::default();
        loop {
            let mut no = false;
            let (key, value) = json_scan::key_then_colon(b, i, &mut no, &mut untracked)?;
            // A key with escapes would need decoding to compare.
            if b[key.clone()].contains(&b'\\') {
                return None;
            }
            let (end, compact) = json_scan::value_end(b, value, s)?;
            out.push(Member {
                key,
                value: value..end,
                compact,
            });
            let j = json_scan::ws(b, end, &mut gaps);
            match b.get(j) {
                Some(b',') => i = json_scan::ws(b, j + 1, &mut gaps),
                Some(b'}') => {
                    i = j;
                    break;
                }
                _ => return None,
            }
        }
    }
    (json_scan::ws(b, i + 1, &mut gaps) == b.len()).then_some(true)
}

/// The value of member `key` among `ms` (members of `text`): the last one, as serde_json
/// keeps a repeated key.
pub fn find(text: &str, ms: &[Member], key: &str) -> Option<Found> {
    let (b, key) = (text.as_bytes(), key.as_bytes());
    ms.iter()
        .rev()
        .find(|m| &b[m.key.clone()] == key)
        .map(|m| (m.value.clone(), m.compact))
}

/// Where the members of every row of one string array lie.
#[derive(Debug, Default)]
pub struct BagIndex {
    /// Per row: the range of its members in `members`, or what the row is otherwise.
    rows: Vec<Row>,
    members: Vec<Member>,
}

#[derive(Debug, Clone, Copy)]
enum Row {
    /// Null, or JSON that is not a bag: no member.
    NoMembers,
    /// Text the scan is unsure of: parse it.
    Unsure,
    /// A bag with these members.
    Bag(u32, u32),
}

impl BagIndex {
    /// Scans every row of `arr` once.
    pub fn build(arr: &StringArray) -> BagIndex {
        let (mut idx, mut s, mut ms) = (BagIndex::default(), Scratch::default(), Vec::new());
        idx.rows.reserve(arr.len());
        for v in arr.iter() {
            let row = match v.map(|t| members(t, &mut ms, &mut s)) {
                None | Some(Some(false)) => Row::NoMembers,
                Some(None) => Row::Unsure,
                Some(Some(true)) => {
                    let from = idx.members.len() as u32;
                    idx.members.append(&mut ms);
                    Row::Bag(from, idx.members.len() as u32)
                }
            };
            idx.rows.push(row);
        }
        idx
    }

    /// Member `key` of row `i` (whose text is `text`): `Some(None)` for none, `None` when
    /// the row takes a parse.
    pub fn get(&self, i: usize, text: &str, key: &str) -> Option<Option<Found>> {
        match self.rows.get(i)? {
            Row::NoMembers => Some(None),
            Row::Unsure => None,
            Row::Bag(from, to) => {
                Some(find(text, &self.members[*from as usize..*to as usize], key))
            }
        }
    }
}

/// Indexes of the last few arrays members were read from, per thread.
const MEMO_ENTRIES: usize = 4;

thread_local! {
    static MEMO: RefCell<Vec<(Weak<dyn Array>, Rc<BagIndex>)>> = const { RefCell::new(Vec::new()) };
}

/// The index of `arr` (a `StringArray`): the memo's when an earlier member access built
/// it for this very array, else built now and remembered.
fn index_of(arr: &ArrayRef, strs: &StringArray) -> Rc<BagIndex> {
    let at = Arc::as_ptr(arr) as *const ();
    MEMO.with(|m| {
        let mut m = m.borrow_mut();
        // Entries whose array is gone can never match again.
        m.retain(|(w, _)| w.strong_count() > 0);
        if let Some((_, idx)) = m.iter().find(|(w, _)| w.as_ptr() as *const () == at) {
            return idx.clone();
        }
        let idx = Rc::new(BagIndex::build(strs));
        if m.len() >= MEMO_ENTRIES {
            m.remove(0);
        }
        m.push((Arc::downgrade(arr), idx.clone()));
        idx
    })
}

/// `arr.key` for a constant `key` over the dynamic column `arr` (stored JSON text): the
/// member's stored text per row, null where there is none. `None` when `arr` is not a
/// string array (then evaluate as usual).
pub fn member_column(arr: &ArrayRef, key: &str) -> Option<ArrayRef> {
    let strs = arr.as_any().downcast_ref::<StringArray>()?;
    let idx = index_of(arr, strs);
    let mut b = StringBuilder::with_capacity(strs.len(), strs.len() * 8);
    for i in 0..strs.len() {
        if strs.is_null(i) {
            b.append_null();
            continue;
        }
        let text = strs.value(i);
        let fast = idx.get(i, text, key).and_then(|found| match found {
            None => Some(None),
            Some((r, compact)) => json_scan::stored_text(&text[r], compact),
        });
        match fast {
            Some(Some(t)) => b.append_value(t),
            Some(None) => b.append_null(),
            // Parsed as the library's member access does.
            None => match serde_json::from_str::<Value>(text) {
                Ok(Value::Object(m)) => match m.get(key) {
                    None | Some(Value::Null) => b.append_null(),
                    Some(v) => b.append_value(v.to_string()),
                },
                _ => b.append_null(),
            },
        }
    }
    Some(Arc::new(b.finish()))
}

#[cfg(test)]
#[path = "json_members_tests.rs"]
mod tests;
