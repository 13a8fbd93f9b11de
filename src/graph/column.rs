//! Integer edge properties by edge id: a copy of the integer values of
//! some keys, kept beside the edges' property lists.
//!
//! An aggregation over many edges (`sum(t.amount)` over a country's 17k
//! trade edges) reading each value from its edge's property list waits on
//! two cache misses an edge, the record and then the list, at random places
//! in a store of hundreds of megabytes. From a column it reads 8 bytes an
//! edge from one array, in the order of the ids.
//!
//! Columns are made when a graph is indexed in bulk (a load), for keys
//! whose integer values are dense enough in the range of ids they span;
//! from then on every change to an edge's properties updates them. A key
//! without a column is read from the property lists.

use super::{EdgeId, Properties, PropertyValue, Sym, bit, set_bit};

/// At most this many keys get a column.
const MAX_COLUMNS: usize = 16;

/// A key gets a column when at least one id in this many, in the range its
/// integer values span, has one: a column costs 8 bytes an id in its range.
const MIN_DENSITY: usize = 16;

/// The columns of a graph's integer edge properties.
#[derive(Debug, Clone, Default)]
pub(super) struct IntColumns {
    columns: Vec<(Sym, IntColumn)>,
}

/// One key's integer values, for the ids from `base` on.
#[derive(Debug, Clone, Default)]
struct IntColumn {
    base: u32,
    values: Vec<i64>,
    /// One bit per value: set when the edge has the key with an integer.
    present: Vec<u64>,
}

impl IntColumn {
    /// The value of edge `e`, if it has an integer under the key.
    #[inline]
    fn get(&self, e: EdgeId) -> Option<i64> {
        let i = e.0.checked_sub(self.base)? as usize;
        if !bit(&self.present, i) {
            return None;
        }
        self.values.get(i).copied()
    }

    /// Records that edge `e` has `value` (an integer or nothing).
    fn set(&mut self, e: EdgeId, value: Option<i64>) {
        let Some(value) = value else {
            if let Some(i) = e.0.checked_sub(self.base) {
                set_bit(&mut self.present, i as usize, false);
            }
            return;
        };
        self.cover(e);
        let i = (e.0 - self.base) as usize;
        self.values[i] = value;
        set_bit(&mut self.present, i, true);
    }

    /// Widens the column so that it covers `e`.
    fn cover(&mut self, e: EdgeId) {
        if self.values.is_empty() {
            self.base = e.0;
        }
        if e.0 < self.base {
            // Rare (an id below the range, freed and reused): move the
            // values up.
            let shift = (self.base - e.0) as usize;
            let old = std::mem::take(self);
            let len = shift + old.values.len();
            self.base = e.0;
            self.values = vec![0; len];
            self.present = vec![0; len.div_ceil(64)];
            for i in 0..old.values.len() {
                if let Some(v) = old.get(EdgeId(old.base + i as u32)) {
                    self.values[shift + i] = v;
                    set_bit(&mut self.present, shift + i, true);
                }
            }
            return;
        }
        let len = (e.0 - self.base) as usize + 1;
        if self.values.len() < len {
            self.values.resize(len, 0);
            self.present.resize(len.div_ceil(64), 0);
        }
    }
}

impl IntColumns {
    /// The columns of the edges `edges` gives (in ascending id): one for
    /// each key whose integer values are dense enough in their range.
    pub(super) fn build<'a>(edges: impl Iterator<Item = (EdgeId, &'a Properties)>) -> IntColumns {
        let mut found: Vec<(Sym, Vec<(EdgeId, i64)>)> = Vec::new();
        for (e, props) in edges {
            for (key, value) in props.iter() {
                let PropertyValue::Int(i) = value else {
                    continue;
                };
                match found.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, values)) => values.push((e, *i)),
                    None => found.push((key, vec![(e, *i)])),
                }
            }
        }
        let mut columns = Vec::new();
        for (key, values) in found {
            let (Some(first), Some(last)) = (values.first(), values.last()) else {
                continue;
            };
            let span = (last.0.0 - first.0.0) as usize + 1;
            if values.len() * MIN_DENSITY < span || columns.len() == MAX_COLUMNS {
                continue;
            }
            let mut column = IntColumn::default();
            column.cover(first.0);
            column.cover(last.0);
            for (e, v) in values {
                column.set(e, Some(v));
            }
            columns.push((key, column));
        }
        IntColumns { columns }
    }

    /// Whether `key` has a column.
    pub(super) fn has(&self, key: Sym) -> bool {
        self.columns.iter().any(|(k, _)| *k == key)
    }

    /// The answer of `key`'s column for edge `e`: `None` when the key has
    /// no column, else whether and which integer the edge has.
    #[inline]
    pub(super) fn get(&self, key: Sym, e: EdgeId) -> Option<Option<i64>> {
        let (_, column) = self.columns.iter().find(|(k, _)| *k == key)?;
        Some(column.get(e))
    }

    /// Records that edge `e`'s value under `key` is now `value`.
    pub(super) fn set(&mut self, e: EdgeId, key: Sym, value: Option<&PropertyValue>) {
        if let Some((_, column)) = self.columns.iter_mut().find(|(k, _)| *k == key) {
            column.set(e, int_of(value));
        }
    }

    /// Records that edge `e` now has the properties `props` (a new edge, or
    /// one removed with an empty list): every column is set or cleared.
    pub(super) fn set_all(&mut self, e: EdgeId, props: &Properties) {
        for (key, column) in &mut self.columns {
            column.set(e, int_of(props.get(*key)));
        }
    }
}

fn int_of(value: Option<&PropertyValue>) -> Option<i64> {
    match value {
        Some(PropertyValue::Int(i)) => Some(*i),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_column_widens_both_ways_and_keeps_its_values() {
        let mut column = IntColumn::default();
        for (id, v) in [(10, 1), (12, -5), (75, i64::MAX)] {
            column.set(EdgeId(id), Some(v));
        }
        column.set(EdgeId(3), Some(42));
        column.set(EdgeId(200), Some(0));
        column.set(EdgeId(12), None);
        let got: Vec<(u32, i64)> = (0..210)
            .filter_map(|id| column.get(EdgeId(id)).map(|v| (id, v)))
            .collect();
        assert_eq!(got, [(3, 42), (10, 1), (75, i64::MAX), (200, 0)]);
        // Clearing outside the range changes nothing and allocates nothing.
        let len = column.values.len();
        column.set(EdgeId(1), None);
        column.set(EdgeId(5000), None);
        assert_eq!(column.values.len(), len);
    }
}
