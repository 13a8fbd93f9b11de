//! The fast path of a load: the layout [`super::write`] gives, one record a
//! line, read in chunks of whole lines.
//!
//! serde_json's streaming reader spent most of a load's parsing time copying
//! every string through its scratch buffer and dispatching each token through
//! the visitors. Here the records are read by the scanner of module `scan`,
//! on two worker threads that take the chunks in turn, while this thread
//! follows the layout line by line and checks and adds the records of each
//! chunk in file order. A record the scanner leaves alone (a float, a list,
//! a map, an escape, white space) is read with serde_json, through the same
//! seeds the slow path uses, and any file whose lines do not follow the
//! layout exactly makes the caller start over with serde_json on the whole
//! text. So the fast path never needs to report an error: on any problem it
//! gives up, and the slow path finds the problem again and reports it with
//! its exact position. Both paths add records through one [`Loader`], so
//! they accept the same dumps and build the same graph, and since records
//! and symbols are added in file order, the threads change nothing in it.

use std::io;
use std::sync::{Mutex, mpsc};
use std::thread;

use serde::de::DeserializeSeed;

use super::scan::{Chunk, Item, Line, Pool, Scanner};
use super::{EdgeSeed, Loader, NodeSeed, Props};
use crate::graph::{Graph, Sym};

/// The fast path cannot read this file; the slow path will, or will say why.
#[derive(Debug)]
pub(super) struct GiveUp;

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

/// How many threads scan. The loads this is for run on two cores, and a
/// scanner takes two thirds of a load's time; this thread adds records
/// meanwhile.
const SCANNERS: usize = 2;

/// How many chunks each scanner may have waiting or read ahead of this
/// thread: enough that neither side waits for the other, few enough that
/// the chunks in flight stay a few megabytes.
const AHEAD: usize = 2;

/// Where the fast path gets its chunks: each of whole lines (the last one
/// may lack its line break).
pub(super) trait Source {
    /// A chunk of bytes.
    type Chunk: AsRef<[u8]> + Send;

    /// The next chunk, `None` at the end.
    fn next_chunk(&mut self) -> io::Result<Option<Self::Chunk>>;

    /// Takes back a chunk that was read, so that its memory holds the next.
    fn recycle(&mut self, chunk: Self::Chunk);

    /// How many bytes there are in all, when known.
    fn len(&self) -> Option<usize>;
}

/// A chunk on its way to a scanner, with the list its lines go into (the
/// lists go round, as the chunks' memory does).
type ToScanner<C> = (C, Vec<Line>);

/// A chunk back from a scanner, with what the scanner read.
type FromScanner<C> = (C, Option<Chunk>);

/// Loads a dump from `source`; `None` when the fast path gives up. A
/// second chunk puts the scanning on [`SCANNERS`] threads, which take the
/// chunks in turn.
pub(super) fn load<S: Source>(mut source: S) -> io::Result<Option<Graph>> {
    let Some(first) = source.next_chunk()? else {
        return Ok(None);
    };
    let Some(second) = source.next_chunk()? else {
        // One chunk: threads would only cost their start.
        return load_here(source, [first]);
    };
    let mut waiting = Some((source, [first, second]));
    let pool = Mutex::new(Pool::default());
    let lines = thread::scope(|s| {
        let mut to_scanners = Vec::with_capacity(SCANNERS);
        let mut from_scanners = Vec::with_capacity(SCANNERS);
        let mut handles = Vec::with_capacity(SCANNERS);
        for _ in 0..SCANNERS {
            let (to, inbox) = mpsc::sync_channel::<ToScanner<S::Chunk>>(AHEAD);
            let (outbox, from) = mpsc::sync_channel::<FromScanner<S::Chunk>>(AHEAD);
            let pool = &pool;
            let spawned = thread::Builder::new().spawn_scoped(s, move || {
                let mut scanner = Scanner::new(pool);
                for (bytes, list) in inbox {
                    let chunk = scanner.chunk(bytes.as_ref(), list);
                    if outbox.send((bytes, chunk)).is_err() {
                        break;
                    }
                }
            });
            match spawned {
                Ok(handle) => handles.push(handle),
                // No thread to be had: the scanners started end with their
                // channels, and the load runs on this thread.
                Err(_) => return Ok(None),
            }
            to_scanners.push(to);
            from_scanners.push(from);
        }
        let Some((source, first)) = waiting.take() else {
            return Ok(None);
        };
        let lines = Lines::new(SCANNERS, source.len());
        // The channels go with `add_in_order`'s return, which ends the
        // scanners and frees their tables before the indexes are built.
        let added = add_in_order(lines, first, source, to_scanners, from_scanners);
        // A scanner that panicked left its chunks unread, and `add_in_order`
        // gave up on them: the slow path then reads the file, and reports
        // its problems as it would have.
        let mut panicked = false;
        for handle in handles {
            panicked |= handle.join().is_err();
        }
        added.map(|lines| lines.filter(|_| !panicked))
    })?;
    // The string table is done with before the indexes are built.
    drop(pool);
    match (lines, waiting) {
        (_, Some((source, first))) => load_here(source, first),
        (Some(lines), None) => Ok(lines.finish().ok()),
        (None, None) => Ok(None),
    }
}

/// Loads a dump on this thread alone, from the chunks `first` and then
/// `source`'s.
pub(super) fn load_here<S: Source>(
    mut source: S,
    first: impl IntoIterator<Item = S::Chunk>,
) -> io::Result<Option<Graph>> {
    let mut lines = Lines::new(1, source.len());
    let pool = Mutex::new(Pool::default());
    let mut scanner = Scanner::new(&pool);
    let mut list = Vec::new();
    let mut first = first.into_iter();
    loop {
        let bytes = match first.next() {
            Some(bytes) => bytes,
            None => match source.next_chunk()? {
                Some(bytes) => bytes,
                None => break,
            },
        };
        let Some(chunk) = scanner.chunk(bytes.as_ref(), list) else {
            return Ok(None);
        };
        match lines.chunk(0, bytes.as_ref(), chunk) {
            Ok(emptied) => list = emptied,
            Err(GiveUp) => return Ok(None),
        }
        source.recycle(bytes);
    }
    // The string table is done with before the indexes are built.
    drop(scanner);
    drop(pool);
    Ok(lines.finish().ok())
}

/// Hands the chunks to the scanners in turn and adds what they read, in
/// the order of the chunks; `None` when the fast path gives up.
fn add_in_order<S: Source>(
    mut lines: Lines,
    first: [S::Chunk; 2],
    mut source: S,
    to: Vec<mpsc::SyncSender<ToScanner<S::Chunk>>>,
    from: Vec<mpsc::Receiver<FromScanner<S::Chunk>>>,
) -> io::Result<Option<Lines>> {
    let mut first = first.into_iter();
    let mut lists: Vec<Vec<Line>> = Vec::new();
    let (mut sent, mut added) = (0, 0);
    let mut more = true;
    loop {
        while more && sent - added < SCANNERS * AHEAD {
            let bytes = match first.next() {
                Some(bytes) => bytes,
                None => match source.next_chunk()? {
                    Some(bytes) => bytes,
                    None => {
                        more = false;
                        break;
                    }
                },
            };
            let list = lists.pop().unwrap_or_default();
            if to[sent % SCANNERS].send((bytes, list)).is_err() {
                return Ok(None);
            }
            sent += 1;
        }
        if added == sent {
            return Ok(Some(lines));
        }
        let scanner = added % SCANNERS;
        let Ok((bytes, Some(chunk))) = from[scanner].recv() else {
            return Ok(None);
        };
        added += 1;
        match lines.chunk(scanner, bytes.as_ref(), chunk) {
            Ok(list) => lists.push(list),
            Err(GiveUp) => return Ok(None),
        }
        source.recycle(bytes);
    }
}

/// A load in progress on the fast path, fed one chunk at a time.
struct Lines {
    loader: Loader,
    state: State,
    /// Each scanner's symbols, as the store's.
    syms: Vec<SymMap>,
    /// How many bytes there are in all, when known.
    len: Option<usize>,
    /// How many bytes the chunks before this one held.
    offset: usize,
    /// Where the edge records start, once the line before them was read.
    edges_start: Option<usize>,
    /// How many edge records were added.
    edges: usize,
    /// Whether room for the edges was made yet (see [`Lines::make_room`]).
    room: bool,
}

impl Lines {
    fn new(scanners: usize, len: Option<usize>) -> Lines {
        Lines {
            loader: Loader::new(),
            state: State::Head,
            syms: (0..scanners).map(|_| SymMap::default()).collect(),
            len,
            offset: 0,
            edges_start: None,
            edges: 0,
            room: false,
        }
    }

    /// Adds the lines of `bytes` as `scanner` read them; gives back the
    /// emptied list of lines.
    fn chunk(
        &mut self,
        scanner: usize,
        bytes: &[u8],
        mut chunk: Chunk,
    ) -> Result<Vec<Line>, GiveUp> {
        self.syms
            .get_mut(scanner)
            .ok_or(GiveUp)?
            .spellings
            .extend(chunk.names);
        let mut start = 0;
        for Line { end, comma, item } in chunk.lines.drain(..) {
            let next = if comma { Next::Record } else { Next::End };
            self.state = match (self.state, item) {
                (State::Nodes(n), Item::Node { id, labels, props }) if n != Next::End => {
                    self.node(scanner, id, labels, props)?;
                    State::Nodes(next)
                }
                (
                    State::Edges(n),
                    Item::Edge {
                        id,
                        ends,
                        ty,
                        props,
                    },
                ) if n != Next::End => {
                    self.edge(scanner, id, ends, ty, props)?;
                    self.edges += 1;
                    State::Edges(next)
                }
                (_, item) => {
                    let line = bytes.get(start..end).ok_or(GiveUp)?;
                    let line = std::str::from_utf8(line).map_err(|_| GiveUp)?;
                    let state = self.line(line, &item)?;
                    if state == State::Edges(Next::Any) {
                        self.edges_start = Some(self.offset + end + 1);
                    }
                    state
                }
            };
            start = end + 1;
        }
        self.offset += bytes.len();
        self.make_room();
        Ok(chunk.lines)
    }

    /// Makes room in the store for the edges still to come, once a chunk
    /// of them was read, estimated from the bytes left and the length of
    /// the edge lines so far (a little over, so that the store's list of
    /// edges never grows by copying: at a million edges it holds 48 MB, and
    /// growing it by doubling touched twice that).
    fn make_room(&mut self) {
        const SAMPLE: usize = 1000;
        // The room is allocated at once, which fails hard; past this many
        // edges (768 MB of them) the list grows as it fills instead. So a
        // file of a few records and gigabytes of trailing white space does
        // not ask for the room of a billion edges.
        const MOST: usize = 1 << 24;
        let (Some(len), Some(start)) = (self.len, self.edges_start) else {
            return;
        };
        if self.room || self.edges < SAMPLE {
            return;
        }
        self.room = true;
        let read = self.offset.saturating_sub(start);
        let left = len.saturating_sub(self.offset);
        // Lines get longer as ids get more digits, so this errs high.
        let more = left / (read / self.edges).max(1);
        self.loader.reserve_edges((more + more / 16).min(MOST));
    }

    /// The state after a line that is not a record read by the scanner,
    /// or is one out of its place.
    fn line(&mut self, line: &str, item: &Item) -> Result<State, GiveUp> {
        Ok(match self.state {
            State::Head if line == HEAD => State::NodesOpen,
            State::NodesOpen if line == NODES => State::Nodes(Next::Any),
            State::Nodes(next) if line == NODES_END && next != Next::Record => {
                // Node names and ids are mostly unique; give the table to edges' strings.
                self.loader.strings.clear();
                State::EdgesOpen
            }
            State::Nodes(next) if next != Next::End => {
                State::Nodes(self.record(line, false, item)?)
            }
            State::EdgesOpen if line == EDGES => State::Edges(Next::Any),
            State::Edges(next) if line == EDGES_END && next != Next::Record => State::Tail,
            State::Edges(next) if next != Next::End => State::Edges(self.record(line, true, item)?),
            State::Tail if line.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\r')) => State::Tail,
            _ => return Err(GiveUp),
        })
    }

    /// The graph, once every line was read.
    fn finish(self) -> Result<Graph, GiveUp> {
        match self.state {
            State::Tail => Ok(self.loader.finish()),
            _ => Err(GiveUp),
        }
    }

    /// Reads a record line the scanner did not read as a record of this
    /// kind; what may follow depends on its comma.
    fn record(&mut self, line: &str, edge: bool, item: &Item) -> Result<Next, GiveUp> {
        let (text, next) = match line.strip_suffix(',') {
            Some(text) => (text, Next::Record),
            None => (line, Next::End),
        };
        match item {
            Item::Wrong { edge: wrong_edge } if *wrong_edge == edge => return Err(GiveUp),
            // A record of the other kind fails its first item's check, as
            // every line the scanner leaves alone is read by serde_json.
            _ => self.serde_record(text, edge)?,
        }
        Ok(next)
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

    /// Checks and adds a node record read by `scanner`.
    fn node(
        &mut self,
        scanner: usize,
        id: u32,
        mut labels: Vec<Sym>,
        mut props: Props,
    ) -> Result<(), GiveUp> {
        let syms = self.syms.get_mut(scanner).ok_or(GiveUp)?;
        let loader = &mut self.loader;
        // In record order, as a one-thread load interns them.
        for label in &mut labels {
            *label = syms.sym(loader, *label)?;
        }
        for (key, _) in &mut props {
            *key = syms.sym(loader, *key)?;
        }
        loader.check_node_id(id).map_err(|_| GiveUp)?;
        loader.check_labels(&labels).map_err(|_| GiveUp)?;
        loader.add_node(id, labels, props);
        Ok(())
    }

    /// Checks and adds an edge record read by `scanner`.
    fn edge(
        &mut self,
        scanner: usize,
        id: u32,
        ends: [u32; 2],
        ty: Sym,
        mut props: Props,
    ) -> Result<(), GiveUp> {
        let syms = self.syms.get_mut(scanner).ok_or(GiveUp)?;
        let loader = &mut self.loader;
        let ty = syms.sym(loader, ty)?;
        for (key, _) in &mut props {
            *key = syms.sym(loader, *key)?;
        }
        loader.check_edge_id(id).map_err(|_| GiveUp)?;
        for end in ends {
            loader.check_end(id, end).map_err(|_| GiveUp)?;
        }
        loader.add_edge(id, ends, ty, props).map_err(|_| GiveUp)
    }
}

/// One scanner's symbols as the store's: each is interned when a record
/// using it is added, so the store's symbols keep file order.
#[derive(Default)]
struct SymMap {
    /// The scanner's spellings, by its symbol.
    spellings: Vec<Box<str>>,
    /// The store's symbol for each, once interned.
    store: Vec<Option<Sym>>,
}

impl SymMap {
    fn sym(&mut self, loader: &mut Loader, local: Sym) -> Result<Sym, GiveUp> {
        let i = local.index();
        if let Some(Some(sym)) = self.store.get(i) {
            return Ok(*sym);
        }
        let sym = loader.sym(self.spellings.get(i).ok_or(GiveUp)?);
        if self.store.len() <= i {
            self.store.resize(i + 1, None);
        }
        self.store[i] = Some(sym);
        Ok(sym)
    }
}
