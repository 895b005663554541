//! The group keys of a hash aggregation: each group's row-encoded key, stored back to back
//! in one [`Rows`] buffer in order of first appearance, and a hash table of group ids.
//!
//! One buffer instead of a boxed key per group: a partial table per row group creates
//! thousands of groups, and allocating two buffers per group was most of its cost. Hashes
//! use a fixed seed so that a partial table's hashes are valid in the table it merges into.

use arrow::row::{Row, RowConverter, Rows};
use hashbrown::HashTable;
use hashbrown::hash_table::Entry;
use std::hash::BuildHasher;

/// The hasher of every key table (fixed, so hashes carry over between tables).
const HASHER: foldhash::fast::FixedState = foldhash::fast::FixedState::with_seed(0x6875_6e74);

/// The hash of an encoded key.
pub(super) fn hash_key(bytes: &[u8]) -> u64 {
    HASHER.hash_one(bytes)
}

/// Group keys in order of first appearance, and their index.
pub(super) struct GroupKeys {
    rows: Rows,
    hashes: Vec<u64>,
    table: HashTable<usize>,
}

impl GroupKeys {
    /// No groups yet; keys are encodings of `conv`.
    pub(super) fn new(conv: &RowConverter) -> GroupKeys {
        GroupKeys {
            rows: conv.empty_rows(0, 0),
            hashes: Vec::new(),
            table: HashTable::new(),
        }
    }

    /// About the bytes the keys, their hashes and the index take.
    pub(super) fn held_bytes(&self) -> usize {
        self.rows.size() + self.hashes.capacity() * 8 + self.table.capacity() * 8
    }

    /// The number of groups.
    pub(super) fn len(&self) -> usize {
        self.hashes.len()
    }

    /// Group `g`'s encoded key and its hash.
    pub(super) fn key(&self, g: usize) -> (Row<'_>, u64) {
        (self.rows.row(g), self.hashes[g])
    }

    /// The keys, in group order.
    pub(super) fn rows(&self) -> &Rows {
        &self.rows
    }

    /// Makes room for `n` more groups (a merge knows how many it may add).
    pub(super) fn reserve(&mut self, n: usize) {
        let hashes = &self.hashes;
        self.table.reserve(n, |&g| hashes[g]);
        self.hashes.reserve(n);
    }

    /// The group of `key` (made by this table's converter), a new one if unseen.
    pub(super) fn group_of(&mut self, key: Row<'_>) -> usize {
        let h = hash_key(key.as_ref());
        self.group_of_hashed(key, h)
    }

    /// [`GroupKeys::group_of`] with the key's hash known.
    pub(super) fn group_of_hashed(&mut self, key: Row<'_>, hash: u64) -> usize {
        let (rows, hashes) = (&self.rows, &self.hashes);
        let entry = self.table.entry(
            hash,
            |&g| rows.row(g).as_ref() == key.as_ref(),
            |&g| hashes[g],
        );
        match entry {
            Entry::Occupied(e) => *e.get(),
            Entry::Vacant(e) => {
                let g = self.hashes.len();
                e.insert(g);
                self.rows.push(key);
                self.hashes.push(hash);
                g
            }
        }
    }

    /// The group of `key`, if it has one.
    pub(super) fn get(&self, key: &[u8]) -> Option<usize> {
        let h = hash_key(key);
        self.table
            .find(h, |&g| self.rows.row(g).as_ref() == key)
            .copied()
    }

    /// Appends a group known to be new (the single integer key path keeps its own index).
    pub(super) fn push_new(&mut self, key: Row<'_>) -> usize {
        let h = hash_key(key.as_ref());
        let g = self.hashes.len();
        let hashes = &self.hashes;
        self.table.insert_unique(h, g, |&x| hashes[x]);
        self.rows.push(key);
        self.hashes.push(h);
        g
    }
}
