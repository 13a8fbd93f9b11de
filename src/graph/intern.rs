//! Interning of labels, relationship types and property keys.

use indexmap::IndexSet;

use crate::hash::FastBuild;

/// An interned label, relationship type or property key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sym(u32);

impl Sym {
    /// The symbol's position in its interner.
    pub fn index(self) -> usize {
        self.0 as usize
    }

    /// The symbol at `index` of some table other than the store's: a
    /// loader's own numbering, mapped to the store's before it gets there.
    pub(in crate::graph) fn from_index(index: usize) -> Sym {
        Sym(u32::try_from(index).unwrap_or(u32::MAX))
    }
}

/// A table that gives each distinct string one `Sym`, in first-seen order.
#[derive(Debug, Clone, Default)]
pub struct Interner {
    strings: IndexSet<Box<str>, FastBuild>,
}

impl Interner {
    /// The symbol of `s`, adding it when new.
    pub fn intern(&mut self, s: &str) -> Sym {
        if let Some(i) = self.strings.get_index_of(s) {
            return Sym(i as u32);
        }
        let (i, _) = self.strings.insert_full(s.into());
        Sym(i as u32)
    }

    /// The symbol of `s`, if it was ever interned.
    pub fn get(&self, s: &str) -> Option<Sym> {
        self.strings.get_index_of(s).map(|i| Sym(i as u32))
    }

    /// The string of a symbol.
    pub fn resolve(&self, sym: Sym) -> &str {
        &self.strings[sym.index()]
    }

    /// How many symbols there are: they are numbered from 0 on.
    pub fn len(&self) -> usize {
        self.strings.len()
    }

    /// Whether no string was interned yet.
    pub fn is_empty(&self) -> bool {
        self.strings.is_empty()
    }
}
