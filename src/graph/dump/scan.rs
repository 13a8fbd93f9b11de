//! The record scanner of the fast path: reads the lines of one chunk of a
//! dump into records, away from the store, so that it can run on a worker
//! thread while [`super::lines`] checks and adds the records of the chunk
//! before it, in file order.
//!
//! It reads the records [`super::write`] produces (ids, label and key
//! strings without escapes, strings, non-negative integers, booleans and
//! `{"date":...}`) straight from the line. Labels, types and keys get
//! symbols of the scanner's own (the store's interner belongs to the thread
//! that adds records), which `lines` maps to the store's in record order, so
//! that the store's symbols come out numbered as a one-thread load numbers
//! them. String values are shared through the scanner's own table.
//!
//! It never decides that a dump is bad: a line it does not read (anything
//! but a record, or a record with a float, a list, a map, an escape or white
//! space) is left as [`Item::Text`] for `lines` to read, and a record it
//! finds wrong is [`Item::Wrong`], for the slow path to name the problem.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::{Mutex, PoisonError};

use super::{FxHasher, Props, SharedStrings};
use crate::graph::{PartialDate, PropertyValue, Str, Sym};

/// One line of a chunk, as the scanner read it.
pub(super) struct Line {
    /// Where the line ends in the chunk (its line break, if any, follows).
    pub(super) end: usize,
    /// Whether the line ends with a comma (which is no part of its record).
    pub(super) comma: bool,
    /// The record read from it, if any.
    pub(super) item: Item,
}

/// What the scanner made of a line.
pub(super) enum Item {
    /// `[id,[labels...],{properties}]`, with the scanner's symbols.
    Node {
        /// The node's id.
        id: u32,
        /// Its labels.
        labels: Vec<Sym>,
        /// Its properties.
        props: Props,
    },
    /// `[id,source,target,"TYPE",{properties}]`, with the scanner's symbols.
    Edge {
        /// The edge's id.
        id: u32,
        /// Its source and target.
        ends: [u32; 2],
        /// Its type.
        ty: Sym,
        /// Its properties.
        props: Props,
    },
    /// Not a record the scanner reads: a line of the layout around the
    /// records, or a record to read with serde_json.
    Text,
    /// A record of this kind (`edge` or not) that is wrong, such as one with
    /// a key twice or a bad date.
    Wrong {
        /// Whether the record has the shape of an edge.
        edge: bool,
    },
}

/// The lines of one chunk, read.
pub(super) struct Chunk {
    /// One entry a line, in order.
    pub(super) lines: Vec<Line>,
    /// The spellings of the symbols this chunk used first, in the order of
    /// the scanner's symbols: together, the chunks a scanner read spell
    /// every symbol it gave out.
    pub(super) names: Vec<Box<str>>,
}

/// Why the scanner stopped reading a record.
enum Bail {
    /// The record holds something left to serde_json.
    Serde,
    /// The record is wrong; the slow path will say how.
    Wrong,
}

/// How many string values are looked up together (see
/// [`SharedStrings::get_batch`]): their cache misses overlap.
const BATCH: usize = 16;

/// A string value waiting for its shared copy: the line and the property
/// entry it goes to.
struct Pending<'t> {
    line: usize,
    entry: usize,
    text: &'t str,
}

/// The string values of one load, shared by its scanners.
///
/// One table for all scanners, locked for a batch of look-ups at a time:
/// a table each gave every string both scanners met a copy in each (the
/// 166k documents of a 1M-edge dump, 5 MB), and two tables to grow and free.
#[derive(Default)]
pub(super) struct Pool {
    strings: SharedStrings,
    /// Whether the node records' strings were let go.
    in_edges: bool,
}

/// Reads chunks of one dump in order; one scanner a thread.
pub(super) struct Scanner<'p> {
    names: LocalNames,
    strings: &'p Mutex<Pool>,
    /// A record's properties as they are read, reused from record to record.
    scratch: Props,
    /// Whether an edge record was read yet.
    in_edges: bool,
}

impl<'p> Scanner<'p> {
    /// A scanner that shares string values through `strings`.
    pub(super) fn new(strings: &'p Mutex<Pool>) -> Scanner<'p> {
        Scanner {
            names: LocalNames::default(),
            strings,
            scratch: Vec::new(),
            in_edges: false,
        }
    }

    /// Reads the lines of `bytes`, which end where a line ends, into
    /// `lines` (emptied first); `None` when they are not UTF-8.
    pub(super) fn chunk(&mut self, bytes: &[u8], mut lines: Vec<Line>) -> Option<Chunk> {
        // A line break is never inside a character, so whole lines are
        // valid UTF-8 on their own when the file is.
        let text = std::str::from_utf8(bytes).ok()?;
        lines.clear();
        let mut pending: Vec<Pending> = Vec::with_capacity(BATCH);
        // The lines as `str::split_terminator('\n')` gives them.
        let mut start = 0;
        while start < text.len() {
            let line = self.line(text, start, &mut pending, &mut lines);
            start = line.end + 1;
            lines.push(line);
            if pending.len() >= BATCH {
                self.share(&mut pending, &mut lines);
            }
        }
        self.share(&mut pending, &mut lines);
        Some(Chunk {
            lines,
            names: self.names.take_new(),
        })
    }

    /// Reads the line of `text` that starts at `start`. A record is read
    /// first and its line's end found where the record ends, so that a
    /// chunk of records is read in one pass; any other line is looked for
    /// its end.
    fn line<'t>(
        &mut self,
        text: &'t str,
        start: usize,
        pending: &mut Vec<Pending<'t>>,
        lines: &mut [Line],
    ) -> Line {
        let mut scan = Scan {
            text,
            bytes: text.as_bytes(),
            pos: start,
            line: lines.len(),
        };
        let mark = pending.len();
        match scan.record(self, pending, lines) {
            Ok((item, comma)) => Line {
                end: scan.pos,
                comma,
                item,
            },
            Err((bail, edge)) => {
                pending.truncate(mark);
                let end = text.as_bytes()[start..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(text.len(), |n| start + n);
                Line {
                    end,
                    comma: text.as_bytes()[start..end].ends_with(b","),
                    item: match bail {
                        Bail::Serde => Item::Text,
                        Bail::Wrong => Item::Wrong { edge },
                    },
                }
            }
        }
    }

    /// Gives the pending string values their shared copies.
    fn share(&mut self, pending: &mut Vec<Pending>, lines: &mut [Line]) {
        if pending.is_empty() {
            return;
        }
        // A scanner that panicked holding the lock left the table whole:
        // it only panics between look-ups.
        let mut pool = self.strings.lock().unwrap_or_else(PoisonError::into_inner);
        for batch in pending.chunks(BATCH) {
            let mut texts = [""; BATCH];
            for (t, p) in texts.iter_mut().zip(batch) {
                *t = p.text;
            }
            pool.strings.share(&texts[..batch.len()], |i, shared| {
                let p = &batch[i];
                if let Some(Line {
                    item: Item::Node { props, .. } | Item::Edge { props, .. },
                    ..
                }) = lines.get_mut(p.line)
                    && let Some((_, value)) = props.get_mut(p.entry)
                {
                    // The stand-in is a null, which owns nothing to drop.
                    std::mem::forget(std::mem::replace(
                        value,
                        PropertyValue::String(Str::from(shared)),
                    ));
                }
            });
        }
        pending.clear();
    }

    /// Called on the first edge record: node names and ids are mostly
    /// unique, so the table is emptied for the edges' strings.
    fn start_edges(&mut self, pending: &mut Vec<Pending>, lines: &mut [Line]) {
        if !self.in_edges {
            self.share(pending, lines);
            let mut pool = self.strings.lock().unwrap_or_else(PoisonError::into_inner);
            if !pool.in_edges {
                pool.strings.clear();
                pool.in_edges = true;
            }
            self.in_edges = true;
        }
    }
}

/// The scanner's symbols: each spelling met gets the next number.
#[derive(Default)]
struct LocalNames {
    syms: HashMap<Box<str>, Sym, BuildHasherDefault<FxHasher>>,
    spellings: Vec<Box<str>>,
    /// Each spelling as a dump writes it, in quotes, by symbol.
    quoted: Vec<Quoted>,
    /// How many spellings were handed out with chunks already.
    handed: usize,
    /// The symbol last read at each place of a record (see [`LocalNames::sym`]).
    last: [Option<Sym>; PLACES],
}

/// Places in a record whose names are remembered: the type or the first
/// labels, then the first keys; later ones share the last place.
const PLACES: usize = 24;
/// The first place of the keys.
const KEY_PLACES: usize = 4;

impl LocalNames {
    /// The name last read at `place` in a record, if the bytes at hand
    /// spell it in quotes, with the length of that.
    fn guess(&self, place: usize, bytes: &[u8]) -> Option<(Sym, usize)> {
        let sym = self.last[place.min(PLACES - 1)]?;
        let quoted = self.quoted.get(sym.index())?;
        quoted.starts(bytes).then_some((sym, quoted.len))
    }

    /// The symbol of `s`, read at `place` in its record.
    fn sym(&mut self, place: usize, s: &str) -> Sym {
        let sym = match self.syms.get(s) {
            Some(&sym) => sym,
            None => {
                let sym = Sym::from_index(self.spellings.len());
                self.spellings.push(s.into());
                self.quoted.push(Quoted::new(s));
                self.syms.insert(s.into(), sym);
                sym
            }
        };
        self.last[place.min(PLACES - 1)] = Some(sym);
        sym
    }

    /// The spellings added since the last call.
    fn take_new(&mut self) -> Vec<Box<str>> {
        let new = self.spellings[self.handed..].to_vec();
        self.handed = self.spellings.len();
        new
    }
}

/// A name in quotes, to compare with the bytes of a record: most names are
/// short, and one word holds them.
struct Quoted {
    text: Box<[u8]>,
    /// The first eight bytes, and which of them count.
    word: u64,
    mask: u64,
    len: usize,
}

impl Quoted {
    fn new(s: &str) -> Quoted {
        let text: Box<[u8]> = [b"\"", s.as_bytes(), b"\""].concat().into();
        let mut word = [0u8; 8];
        let head = text.len().min(8);
        word[..head].copy_from_slice(&text[..head]);
        Quoted {
            word: u64::from_le_bytes(word),
            mask: u64::MAX >> (8 * (8 - head)),
            len: text.len(),
            text,
        }
    }

    /// Whether `bytes` start with the name in quotes.
    fn starts(&self, bytes: &[u8]) -> bool {
        match bytes.first_chunk::<8>() {
            Some(head) if self.len <= 8 => u64::from_le_bytes(*head) & self.mask == self.word,
            _ => bytes.starts_with(&self.text),
        }
    }
}

/// A cursor over one record.
struct Scan<'t> {
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
    /// The record's line in its chunk.
    line: usize,
}

impl<'t> Scan<'t> {
    /// A node or an edge record, told apart by what follows the id; on
    /// failure, why and whether the record is an edge.
    fn record(
        &mut self,
        scanner: &mut Scanner<'_>,
        pending: &mut Vec<Pending<'t>>,
        lines: &mut [Line],
    ) -> Result<(Item, bool), (Bail, bool)> {
        let serde = |bail| (bail, false);
        self.eat(b'[').map_err(serde)?;
        let id = self.id().map_err(serde)?;
        self.eat(b',').map_err(serde)?;
        let (item, edge) = if self.bytes.get(self.pos) == Some(&b'[') {
            (self.node(id, scanner, pending), false)
        } else {
            scanner.start_edges(pending, lines);
            (self.edge(id, scanner, pending), true)
        };
        let item = item.map_err(|b| (b, edge))?;
        let comma = self.end().map_err(|b| (b, edge))?;
        Ok((item, comma))
    }

    /// A name (label, type or key) at `place` in its record.
    fn name(&mut self, names: &mut LocalNames, place: usize) -> Result<Sym, Bail> {
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        if let Some((sym, len)) = names.guess(place, rest) {
            self.pos += len;
            return Ok(sym);
        }
        let s = self.string()?;
        Ok(names.sym(place, s))
    }

    /// The rest of a node record after `[id,`.
    fn node(
        &mut self,
        id: u32,
        scanner: &mut Scanner<'_>,
        pending: &mut Vec<Pending<'t>>,
    ) -> Result<Item, Bail> {
        self.eat(b'[')?;
        let mut labels: Vec<Sym> = Vec::with_capacity(1);
        if !self.try_eat(b']') {
            loop {
                labels.push(self.name(&mut scanner.names, labels.len())?);
                if self.try_eat(b']') {
                    break;
                }
                self.eat(b',')?;
            }
        }
        self.eat(b',')?;
        let props = self.props(scanner, pending)?;
        self.eat(b']')?;
        Ok(Item::Node { id, labels, props })
    }

    /// The rest of an edge record after `[id,`.
    fn edge(
        &mut self,
        id: u32,
        scanner: &mut Scanner<'_>,
        pending: &mut Vec<Pending<'t>>,
    ) -> Result<Item, Bail> {
        let source = self.id()?;
        self.eat(b',')?;
        let target = self.id()?;
        self.eat(b',')?;
        let ty = self.name(&mut scanner.names, 0)?;
        self.eat(b',')?;
        let props = self.props(scanner, pending)?;
        self.eat(b']')?;
        Ok(Item::Edge {
            id,
            ends: [source, target],
            ty,
            props,
        })
    }

    /// `{"key":value,...}` with distinct keys; string values wait in
    /// `pending` for their shared copies.
    fn props(
        &mut self,
        scanner: &mut Scanner<'_>,
        pending: &mut Vec<Pending<'t>>,
    ) -> Result<Props, Bail> {
        self.eat(b'{')?;
        if self.try_eat(b'}') {
            return Ok(Vec::new());
        }
        // Read into the scratch list, then copy out at the exact size: one
        // allocation a record, never grown or shrunk in place.
        let mut scratch = std::mem::take(&mut scanner.scratch);
        scratch.clear();
        let read = self.entries(scanner, &mut scratch, pending);
        let props = read.map(|()| {
            let mut props = Vec::with_capacity(scratch.len());
            props.append(&mut scratch);
            props
        });
        scanner.scratch = scratch;
        props
    }

    fn entries(
        &mut self,
        scanner: &mut Scanner<'_>,
        props: &mut Props,
        pending: &mut Vec<Pending<'t>>,
    ) -> Result<(), Bail> {
        loop {
            let key = self.name(&mut scanner.names, KEY_PLACES + props.len())?;
            self.eat(b':')?;
            if props.iter().any(|(k, _)| *k == key) {
                return Err(Bail::Wrong);
            }
            let value = if self.bytes.get(self.pos) == Some(&b'"') {
                let text = self.string()?;
                if let Some(short) = Str::inline(text) {
                    // Short texts are kept inline: nothing to share.
                    PropertyValue::String(short)
                } else {
                    pending.push(Pending {
                        line: self.line,
                        entry: props.len(),
                        text,
                    });
                    // A stand-in until the shared copy comes.
                    PropertyValue::Null
                }
            } else {
                self.value()?
            };
            props.push((key, value));
            if self.try_eat(b'}') {
                return Ok(());
            }
            self.eat(b',')?;
        }
    }

    /// A non-negative integer, a boolean or `{"date":"..."}` (strings are
    /// read by the caller).
    fn value(&mut self) -> Result<PropertyValue, Bail> {
        match self.bytes.get(self.pos) {
            Some(b'0'..=b'9') => {
                let n = self.digits()?;
                // A fraction or an exponent makes a float: serde_json's.
                if matches!(self.bytes.get(self.pos), Some(b'.' | b'e' | b'E')) {
                    return Err(Bail::Serde);
                }
                i64::try_from(n)
                    .map(PropertyValue::Int)
                    .map_err(|_| Bail::Serde)
            }
            Some(b't') => self.word("true", PropertyValue::Bool(true)),
            Some(b'f') => self.word("false", PropertyValue::Bool(false)),
            Some(b'{') if self.bytes[self.pos..].starts_with(br#"{"date":""#) => {
                self.pos += br#"{"date":"#.len();
                let date = PartialDate::parse(self.string()?).map_err(|_| Bail::Wrong)?;
                self.eat(b'}')?;
                Ok(PropertyValue::Date(date))
            }
            _ => Err(Bail::Serde),
        }
    }

    fn word(&mut self, word: &str, value: PropertyValue) -> Result<PropertyValue, Bail> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(Bail::Serde)
        }
    }

    /// A string without escapes or control characters.
    fn string(&mut self) -> Result<&'t str, Bail> {
        self.eat(b'"')?;
        let start = self.pos;
        let rest = self.bytes.get(start..).unwrap_or_default();
        let len = rest
            .iter()
            .position(|&b| matches!(b, b'"' | b'\\' | 0..=0x1f))
            .ok_or(Bail::Serde)?;
        if rest[len] != b'"' {
            return Err(Bail::Serde);
        }
        self.pos += len;
        // Both ends are quotes, so both are character boundaries.
        let s = self.text.get(start..self.pos).ok_or(Bail::Serde)?;
        self.pos += 1;
        Ok(s)
    }

    /// An id: a JSON integer that fits in 32 bits.
    fn id(&mut self) -> Result<u32, Bail> {
        u32::try_from(self.digits()?).map_err(|_| Bail::Serde)
    }

    /// Decimal digits as JSON writes an integer (no leading zero).
    fn digits(&mut self) -> Result<u64, Bail> {
        let start = self.pos;
        let mut n: u64 = 0;
        while let Some(&b @ b'0'..=b'9') = self.bytes.get(self.pos) {
            n = n
                .checked_mul(10)
                .and_then(|n| n.checked_add(u64::from(b - b'0')))
                .ok_or(Bail::Serde)?;
            self.pos += 1;
        }
        let len = self.pos - start;
        if len == 0 || (len > 1 && self.bytes[start] == b'0') {
            return Err(Bail::Serde);
        }
        Ok(n)
    }

    fn try_eat(&mut self, b: u8) -> bool {
        let hit = self.bytes.get(self.pos) == Some(&b);
        self.pos += usize::from(hit);
        hit
    }

    fn eat(&mut self, b: u8) -> Result<(), Bail> {
        if self.try_eat(b) {
            Ok(())
        } else {
            Err(Bail::Serde)
        }
    }

    /// The end of a record's line after its closing `]`: the line break
    /// or the end of the chunk, after one comma or none; whether there was
    /// the comma. The position is left at the end of the line.
    fn end(&mut self) -> Result<bool, Bail> {
        let comma = self.try_eat(b',');
        match self.bytes.get(self.pos) {
            None | Some(b'\n') => Ok(comma),
            Some(_) => Err(Bail::Serde),
        }
    }
}
