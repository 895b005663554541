//! Interned strings for the distinct-value states (`dcount`): each distinct string once, in
//! order of first appearance, its bytes back to back in one buffer, and a hash table of ids.
//!
//! Strings are hashed straight from the Arrow string buffer, without the row encoding the
//! other types go through (a copy of every value, twice its length for short strings, and a
//! buffer per batch). Hashes use the fixed seed of the group keys' table, so a partial
//! state's hashes stay valid in the state it merges into.

use super::group_keys::hash_key;
use hashbrown::HashTable;
use hashbrown::hash_table::Entry;

/// Distinct strings and their ids.
#[derive(Default)]
pub(super) struct StrIds {
    bytes: Vec<u8>,
    /// `ends[v]` is where string `v` ends in `bytes` (it starts where `v - 1` ends).
    ends: Vec<usize>,
    hashes: Vec<u64>,
    table: HashTable<u32>,
}

impl StrIds {
    /// The number of distinct strings.
    pub(super) fn len(&self) -> usize {
        self.ends.len()
    }

    /// About the bytes the strings, their ends and hashes, and the index take.
    pub(super) fn held_bytes(&self) -> usize {
        self.bytes.capacity() + self.ends.capacity() * 16 + self.table.capacity() * 4
    }

    /// String `v` and its hash.
    pub(super) fn get(&self, v: usize) -> (&[u8], u64) {
        let start = if v == 0 { 0 } else { self.ends[v - 1] };
        (&self.bytes[start..self.ends[v]], self.hashes[v])
    }

    /// Makes room for `n` more strings (a merge knows how many it may add).
    pub(super) fn reserve(&mut self, n: usize) {
        let hashes = &self.hashes;
        self.table.reserve(n, |&v| hashes[v as usize]);
        self.hashes.reserve(n);
        self.ends.reserve(n);
    }

    /// The id of `s`, a new one if unseen.
    pub(super) fn id_of(&mut self, s: &[u8]) -> u32 {
        self.id_of_hashed(s, hash_key(s))
    }

    /// [`StrIds::id_of`] with the string's hash known.
    pub(super) fn id_of_hashed(&mut self, s: &[u8], hash: u64) -> u32 {
        let (bytes, ends, hashes) = (&self.bytes, &self.ends, &self.hashes);
        let at = |v: u32| {
            let v = v as usize;
            let start = if v == 0 { 0 } else { ends[v - 1] };
            &bytes[start..ends[v]]
        };
        match self
            .table
            .entry(hash, |&v| at(v) == s, |&v| hashes[v as usize])
        {
            Entry::Occupied(e) => *e.get(),
            Entry::Vacant(e) => {
                let v = self.ends.len() as u32;
                e.insert(v);
                self.bytes.extend_from_slice(s);
                self.ends.push(self.bytes.len());
                self.hashes.push(hash);
                v
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::StrIds;

    /// Ids are handed out in order of first appearance, repeats find their id, `""` is a
    /// string like any other, and a string is read back as it went in.
    #[test]
    fn interns_in_order_of_first_appearance() {
        let mut ids = StrIds::default();
        let input = ["b", "", "a", "b", "ab", "", "a"];
        let got: Vec<u32> = input.iter().map(|s| ids.id_of(s.as_bytes())).collect();
        assert_eq!(got, vec![0, 1, 2, 0, 3, 1, 2]);
        assert_eq!(ids.len(), 4);
        let back: Vec<&[u8]> = (0..ids.len()).map(|v| ids.get(v).0).collect();
        assert_eq!(back, vec![&b"b"[..], b"", b"a", b"ab"]);
    }
}
