//! The fast path of a load: the layout [`super::write`] gives, one record a
//! line, read by a scanner made for it.
//!
//! serde_json's streaming reader spent most of a load's parsing time copying
//! every string through its scratch buffer and dispatching each token through
//! the visitors. This scanner reads the records `write` produces (ids, label
//! and key strings without escapes, strings, non-negative integers, booleans
//! and `{"date":...}`) straight from the line. A record with anything else
//! (a float, a list, a map, an escape, white space) is handed to serde_json
//! whole, through the same seeds the slow path uses, and any file whose
//! lines do not follow the layout exactly makes the caller start over with
//! serde_json on the whole text. So the fast path never needs to report an
//! error: on any problem it gives up, and the slow path finds the problem
//! again and reports it with its exact position. Both paths add records
//! through one [`Loader`], so they accept the same dumps and build the same
//! graph.

use serde::de::DeserializeSeed;

use super::{EdgeSeed, Loader, NodeSeed, Props};
use crate::graph::{Graph, PartialDate, PropertyValue, Sym};

/// The fast path cannot read this file; the slow path will, or will say why.
#[derive(Debug)]
pub(super) struct GiveUp;

/// Why the scanner stopped reading a record.
enum Bail {
    /// The record holds something the scanner leaves to serde_json.
    Serde,
    /// The record is wrong; the slow path will say how.
    GiveUp,
}

impl From<GiveUp> for Bail {
    fn from(_: GiveUp) -> Bail {
        Bail::GiveUp
    }
}

/// Where in the layout the next line belongs.
#[derive(Clone, Copy, PartialEq)]
enum State {
    Head,
    NodesOpen,
    Nodes(Next),
    EdgesOpen,
    Edges(Next),
    /// After `]}`: only white space may follow.
    Tail,
}

/// What may come next inside a list of records.
#[derive(Clone, Copy, PartialEq)]
enum Next {
    /// A record or the end of the list (right after `[`).
    Any,
    /// A record (after a comma).
    Record,
    /// The end of the list (after a record without a comma).
    End,
}

const HEAD: &str = r#"{"format":"newsgraph","version":1,"#;
const NODES: &str = r#""nodes":["#;
const NODES_END: &str = "],";
const EDGES: &str = r#""edges":["#;
const EDGES_END: &str = "]}";

/// The serde_json nesting limit is 128 and the slow path reads a record
/// three levels deeper than a lone record; a record with this many brackets
/// goes to the slow path, so that both paths agree on what is too deep.
const MAX_BRACKETS: usize = 100;

/// A load in progress on the fast path, fed one line at a time.
pub(super) struct Lines {
    loader: Loader,
    state: State,
}

impl Lines {
    pub(super) fn new() -> Lines {
        Lines {
            loader: Loader::new(),
            state: State::Head,
        }
    }

    /// Reads one line, without its line break.
    pub(super) fn line(&mut self, line: &str) -> Result<(), GiveUp> {
        self.state = match self.state {
            State::Head if line == HEAD => State::NodesOpen,
            State::NodesOpen if line == NODES => State::Nodes(Next::Any),
            State::Nodes(next) if line == NODES_END && next != Next::Record => {
                // Node names and ids are mostly unique; give the table to edges' strings.
                self.loader.strings.clear();
                State::EdgesOpen
            }
            State::Nodes(next) if next != Next::End => State::Nodes(self.record(line, false)?),
            State::EdgesOpen if line == EDGES => State::Edges(Next::Any),
            State::Edges(next) if line == EDGES_END && next != Next::Record => State::Tail,
            State::Edges(next) if next != Next::End => State::Edges(self.record(line, true)?),
            State::Tail if line.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\r')) => State::Tail,
            _ => return Err(GiveUp),
        };
        Ok(())
    }

    /// The graph, once every line was read.
    pub(super) fn finish(self) -> Result<Graph, GiveUp> {
        match self.state {
            State::Tail => Ok(self.loader.finish()),
            _ => Err(GiveUp),
        }
    }

    /// Reads one record line; what may follow depends on its comma.
    fn record(&mut self, line: &str, edge: bool) -> Result<Next, GiveUp> {
        let (text, next) = match line.strip_suffix(',') {
            Some(text) => (text, Next::Record),
            None => (line, Next::End),
        };
        let mut scan = Scan {
            text,
            bytes: text.as_bytes(),
            pos: 0,
        };
        let scanned = if edge {
            scan.edge(&mut self.loader)
        } else {
            scan.node(&mut self.loader)
        };
        match scanned {
            Ok(()) => Ok(next),
            Err(Bail::GiveUp) => Err(GiveUp),
            Err(Bail::Serde) => {
                self.serde_record(text, edge)?;
                Ok(next)
            }
        }
    }

    /// Reads one record with serde_json, as the slow path would.
    fn serde_record(&mut self, text: &str, edge: bool) -> Result<(), GiveUp> {
        let brackets = text.bytes().filter(|b| matches!(b, b'[' | b'{')).count();
        if brackets > MAX_BRACKETS {
            return Err(GiveUp);
        }
        let mut de = serde_json::Deserializer::from_str(text);
        let loader = &mut self.loader;
        let read = if edge {
            EdgeSeed { loader }.deserialize(&mut de)
        } else {
            NodeSeed { loader }.deserialize(&mut de)
        };
        read.and_then(|()| de.end()).map_err(|_| GiveUp)
    }
}

/// A cursor over one record.
struct Scan<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Scan<'a> {
    /// `[id,[labels...],{properties}]`, checked and added to the store.
    fn node(&mut self, loader: &mut Loader) -> Result<(), Bail> {
        self.eat(b'[')?;
        let id = self.id()?;
        self.eat(b',')?;
        self.eat(b'[')?;
        let mut labels: Vec<Sym> = Vec::with_capacity(1);
        if !self.try_eat(b']') {
            loop {
                labels.push(loader.sym(self.string()?));
                if self.try_eat(b']') {
                    break;
                }
                self.eat(b',')?;
            }
        }
        self.eat(b',')?;
        let props = self.props(loader)?;
        self.end()?;
        // The checks come after the whole record was read: a record handed
        // to serde_json must find the loader as it was.
        loader.check_node_id(id).map_err(|_| GiveUp)?;
        loader.check_labels(&labels).map_err(|_| GiveUp)?;
        loader.add_node(id, labels, props);
        Ok(())
    }

    /// `[id,source,target,"TYPE",{properties}]`, checked and added.
    fn edge(&mut self, loader: &mut Loader) -> Result<(), Bail> {
        self.eat(b'[')?;
        let id = self.id()?;
        self.eat(b',')?;
        let source = self.id()?;
        self.eat(b',')?;
        let target = self.id()?;
        self.eat(b',')?;
        let ty = loader.sym(self.string()?);
        self.eat(b',')?;
        let props = self.props(loader)?;
        self.end()?;
        loader.check_edge_id(id).map_err(|_| GiveUp)?;
        loader.check_end(id, source).map_err(|_| GiveUp)?;
        loader.check_end(id, target).map_err(|_| GiveUp)?;
        loader
            .add_edge(id, [source, target], ty, props)
            .map_err(|_| GiveUp)?;
        Ok(())
    }

    /// `{"key":value,...}` with distinct keys.
    fn props(&mut self, loader: &mut Loader) -> Result<Props, Bail> {
        self.eat(b'{')?;
        if self.try_eat(b'}') {
            return Ok(Vec::new());
        }
        // Read into the loader's scratch list, then copy out at the exact
        // size: one allocation a record, never grown or shrunk in place.
        let mut scratch = std::mem::take(&mut loader.scratch);
        scratch.clear();
        let read = self.entries(loader, &mut scratch);
        let props = read.map(|()| {
            let mut props = Vec::with_capacity(scratch.len());
            props.append(&mut scratch);
            props
        });
        loader.scratch = scratch;
        props
    }

    fn entries(&mut self, loader: &mut Loader, props: &mut Props) -> Result<(), Bail> {
        // String values are pooled together once the record is read, so
        // that their cache misses overlap; until then they hold a null.
        let mut strings: Vec<&str> = Vec::new();
        loop {
            let key = loader.sym(self.string()?);
            self.eat(b':')?;
            if props.iter().any(|(k, _)| *k == key) {
                return Err(Bail::GiveUp);
            }
            let value = if self.bytes.get(self.pos) == Some(&b'"') {
                strings.push(self.string()?);
                PropertyValue::Null
            } else {
                self.value()?
            };
            props.push((key, value));
            if self.try_eat(b'}') {
                break;
            }
            self.eat(b',')?;
        }
        let mut shared = std::mem::take(&mut loader.shared);
        shared.clear();
        loader.strings.get_batch(&strings, &mut shared);
        let mut shared_values = shared.drain(..);
        for (_, value) in props.iter_mut() {
            if *value == PropertyValue::Null
                && let Some(s) = shared_values.next()
            {
                *value = PropertyValue::String(s);
            }
        }
        drop(shared_values);
        loader.shared = shared;
        Ok(())
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
                let date = PartialDate::parse(self.string()?).map_err(|_| Bail::GiveUp)?;
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
    fn string(&mut self) -> Result<&'a str, Bail> {
        self.eat(b'"')?;
        let start = self.pos;
        loop {
            match self.bytes.get(self.pos) {
                Some(b'"') => break,
                Some(b'\\' | 0..=0x1f) | None => return Err(Bail::Serde),
                Some(_) => self.pos += 1,
            }
        }
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

    /// The closing `]`, and nothing after it.
    fn end(&mut self) -> Result<(), Bail> {
        self.eat(b']')?;
        if self.pos == self.bytes.len() {
            Ok(())
        } else {
            Err(Bail::Serde)
        }
    }
}
