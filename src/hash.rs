//! A fast, non-cryptographic hasher for the in-memory tables that are
//! hashed once per row: the symbol table read on every property access,
//! the groups of an aggregation, the rows of `DISTINCT`. The standard
//! SipHash resists flooding by chosen keys, which a local tool reading its
//! own user's data does not need, at several times the cost on short keys.

use std::hash::{BuildHasherDefault, Hasher};

/// The multiply-rotate hash of rustc's `FxHasher` (one word at a time).
#[derive(Debug, Default, Clone, Copy)]
pub struct FastHasher {
    hash: u64,
}

const K: u64 = 0xf135_7aea_2e62_a9c5;

impl FastHasher {
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(26) ^ word).wrapping_mul(K);
    }
}

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word) ^ ((rest.len() as u64) << 59));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        // Spread the high bits down: hashbrown takes its control bits from
        // the top seven and its bucket from the bottom.
        self.hash.rotate_left(20)
    }
}

/// Builds [`FastHasher`]s, for `HashMap`, `HashSet`, `IndexMap` and `IndexSet`.
pub type FastBuild = BuildHasherDefault<FastHasher>;

#[cfg(test)]
mod tests {
    use std::hash::BuildHasher;

    use super::FastBuild;

    #[test]
    fn different_short_keys_hash_apart() {
        let b = FastBuild::default();
        let keys = [
            "", "a", "b", "ab", "ba", "name", "names", "aliases", "a\0", "\0a",
        ];
        let hashes: std::collections::HashSet<u64> = keys.iter().map(|k| b.hash_one(k)).collect();
        assert_eq!(hashes.len(), keys.len());
    }
}
