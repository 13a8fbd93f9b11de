//! The versioned JSON dump: record types of its own (never a derive on the
//! store), atomic saves and a loader that validates everything.
//!
//! # Layout (version 1)
//!
//! One JSON object whose fields come in this order, with one record a line
//! so that a diff or `grep` of two dumps reads naturally:
//!
//! ```text
//! {"format":"newsgraph","version":1,
//! "nodes":[
//! [0,["Person"],{"name":"Hu Jintao","aliases":["Hu"]}],
//! [1,["Country"],{"name":"Japan"}]
//! ],
//! "edges":[
//! [0,0,1,"VISITED",{"date":{"date":"2011-12"},"doc":"seed"}]
//! ]}
//! ```
//!
//! A node record is `[id, [labels...], {properties}]`; an edge record is
//! `[id, source, target, type, {properties}]`. Ids are the store's own, so
//! they survive a save and a load; ids left free by deletes stay free.
//! Records are written in ascending id order and properties in their
//! insertion order, which makes save, load, save give identical bytes.
//!
//! Property values keep their types apart without guessing: `null`,
//! booleans, strings and lists are JSON's own; an integer is a JSON integer;
//! a float always carries a fraction or an exponent (`1.0`, `1e300`); the
//! rest are objects with one tag: `{"map":{...}}`, `{"date":"2011-12"}`, and
//! `{"float":"NaN"}` / `{"float":"Infinity"}` / `{"float":"-Infinity"}` for
//! what JSON numbers cannot say. So a string that looks like a date stays a
//! string and `1` never comes back as `1.0`.
//!
//! The loader reads records straight into a [`Graph`] (no JSON tree in
//! between), shares equal string values, builds the store's indexes once at
//! the end, and reports the first problem as `FILE:LINE:COLUMN: what is
//! wrong`, the position being just past the offending token. Dumps in the
//! layout above take a fast path (module `lines`) whose scanner (module
//! `scan`) reads the record lines itself, on two threads that take chunks
//! of lines in turn, while the calling thread adds the records in file
//! order, so that the graph is the one a single thread builds; anything
//! else, and every error, goes through serde_json on the whole text on the
//! calling thread. It only touches the filesystem in [`save`] (through
//! [`crate::files::atomic`]) and [`load`] (which reads the file a chunk at
//! a time, and whole only when the fast path gives up).

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::{self, Read as _, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use indexmap::IndexMap;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq, SerializeTuple};
use serde::{Serialize, Serializer};

use super::{
    DateError, EdgeId, EdgeRef, Graph, NodeId, NodeRef, PartialDate, Properties, PropertyValue,
    Str, Sym,
};
use crate::files::atomic::write_atomic;
use crate::span::LineIndex;
mod lines;
mod scan;

/// The `format` field of every dump.
pub const FORMAT: &str = "newsgraph";
/// The dump version this build writes and reads.
pub const VERSION: u64 = 1;

/// Ids beyond the records read so far are filled with placeholders that are
/// removed at the end; this many are always allowed, and four per record
/// beyond that, so that a forged id of four billion cannot exhaust memory.
const FREE_HOLES: usize = 1 << 20;

/// Why a dump could not be saved or loaded.
#[derive(Debug, thiserror::Error)]
pub enum DumpError {
    /// Reading or writing the file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: io::Error,
    },
    /// The file is not a valid dump.
    #[error("{file}:{line}:{column}: {problem}")]
    Invalid {
        /// The file's name as given.
        file: String,
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column (in characters) of the problem.
        column: usize,
        /// What is wrong.
        problem: Problem,
    },
}

impl DumpError {
    /// The problem, when the file was read but is not a valid dump.
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            DumpError::Invalid { problem, .. } => Some(problem),
            DumpError::Io { .. } => None,
        }
    }
}

/// What is wrong with a dump's content, each variant with the input that
/// triggers it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Problem {
    /// A file of zero bytes, or only whitespace.
    #[error("empty file, expected a newsgraph dump")]
    Empty,
    /// Bytes that are not UTF-8 or control bytes that no JSON text holds,
    /// such as a binary file or a compressed dump.
    #[error("binary data, not a newsgraph dump")]
    NotText,
    /// JSON that does not parse, or a record of the wrong shape:
    /// `[0,["Person"]` (truncated), `[0,[7],{}]` (a label that is no string).
    #[error("{0}")]
    Json(String),
    /// `{"format":"graphml",...}`.
    #[error("not a newsgraph dump: format is {0:?}, expected \"newsgraph\"")]
    WrongFormat(String),
    /// `{"format":"newsgraph","version":2,...}`: written by a newer build.
    #[error("dump version {0} is not supported; this build reads version {VERSION}")]
    UnsupportedVersion(u64),
    /// `{"version":1,"format":"newsgraph",...}`: fields out of their order.
    #[error("expected field `{expected}`, found `{found}`")]
    UnexpectedField {
        /// The field that belongs here.
        expected: &'static str,
        /// The field found instead.
        found: String,
    },
    /// `{"format":"newsgraph","version":1,"nodes":[]}`: no `edges`.
    #[error("missing field `{0}`")]
    MissingField(&'static str),
    /// Two node records with one id.
    #[error("duplicate node id {0}")]
    DuplicateNode(u32),
    /// Two edge records with one id.
    #[error("duplicate edge id {0}")]
    DuplicateEdge(u32),
    /// `[0,0,9,"MET",{}]` where no node 9 exists.
    #[error("edge {edge} ends at node {node}, which the dump does not hold")]
    DanglingEdge {
        /// The edge's id.
        edge: u32,
        /// The missing node's id.
        node: u32,
    },
    /// An id so far beyond the records read that the ids in between, all
    /// free, would take more memory than the dump justifies.
    #[error("id {0} leaves too many ids unused before it")]
    TooSparse(u32),
    /// `[0,["Person","Person"],{}]`.
    #[error("duplicate label {0:?}")]
    DuplicateLabel(String),
    /// `{"name":"a","name":"b"}`.
    #[error("duplicate property key {0:?}")]
    DuplicateKey(String),
    /// `{"name":null}`: a dump leaves absent properties out.
    #[error("property {0:?} is null; absent properties are left out of a dump")]
    NullProperty(String),
    /// `18446744073709551615` where an integer property was expected.
    #[error("integer {0} does not fit in 64 signed bits")]
    IntegerRange(u64),
    /// `{"date":"2011-13"}`.
    #[error(transparent)]
    BadDate(#[from] DateError),
    /// `{"float":"nan"}`: only `NaN`, `Infinity` and `-Infinity` are tagged.
    #[error("expected \"NaN\", \"Infinity\" or \"-Infinity\" after \"float\", found {0:?}")]
    BadFloat(String),
    /// `{"when":"2011"}`: an object value must be one of the tagged forms.
    #[error(
        "unknown tagged value {0:?}; a value object is {{\"map\":{{...}}}}, {{\"date\":\"YYYY-MM-DD\"}} or {{\"float\":\"NaN\"}}"
    )]
    UnknownTag(String),
    /// `{}` where a property value was expected.
    #[error(
        "an empty object is no value; a value object is {{\"map\":{{...}}}}, {{\"date\":\"YYYY-MM-DD\"}} or {{\"float\":\"NaN\"}}"
    )]
    EmptyObject,
    /// `{"map":{},"date":"2011"}`: a tagged value has exactly one key.
    #[error("a tagged value has exactly one key")]
    TagNotAlone,
    /// `[0,["Person"],{},1]` or `[0,["Person"]]`.
    #[error("a {0} record is {1}")]
    RecordShape(&'static str, &'static str),
}

/// Writes `graph` to `path` atomically: a reader, or a crash at any moment,
/// sees the old dump whole or the new one.
pub fn save(graph: &Graph, path: &Path) -> Result<(), DumpError> {
    write_atomic(path, |w| write(graph, w)).map_err(|source| DumpError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// How many bytes the fast path reads at a time (then on to the end of
/// the line): big enough that handing a chunk to a thread costs nothing
/// next to reading it, small enough that the chunks in flight stay out of
/// the peak memory. Under the fuzzer (`cargo fuzz` builds with
/// `--cfg fuzzing`) chunks are a few lines, so that its small inputs take
/// the threaded path and put every kind of line at a chunk's edge.
const CHUNK: usize = if cfg!(fuzzing) { 64 } else { 1 << 20 };

/// Reads the dump at `path`; errors name the path as given.
///
/// The file is read a megabyte at a time by the fast path of [`lines`],
/// which keeps a copy of it (84 MB for a million edges) out of the peak
/// memory of every command that loads a graph. Only when that gives up is
/// the file read whole, to load it with serde_json or name the problem with
/// [`read_bytes`]'s exact positions; both paths accept the same dumps.
pub fn load(path: &Path) -> Result<Graph, DumpError> {
    let io_error = |source| DumpError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io_error)?;
    if let Some(graph) = lines::load(FileChunks::new(file, CHUNK)).map_err(io_error)? {
        return Ok(graph);
    }
    let bytes = std::fs::read(path).map_err(io_error)?;
    let name = path.display().to_string();
    read_slow(checked_text(&bytes, &name)?, &name)
}

/// A file in chunks of whole lines of at least `size` bytes (the last
/// chunk may be shorter and lack its line break).
struct FileChunks<R> {
    file: R,
    size: usize,
    len: Option<usize>,
    /// The start of a line that the last chunk cut.
    carry: Vec<u8>,
    /// Chunks read and handed back, whose memory holds the next ones (fresh
    /// memory costs a page fault a page).
    spare: Vec<Vec<u8>>,
    done: bool,
}

impl FileChunks<std::fs::File> {
    fn new(file: std::fs::File, size: usize) -> FileChunks<std::fs::File> {
        let len = file
            .metadata()
            .ok()
            .and_then(|m| usize::try_from(m.len()).ok());
        FileChunks {
            file,
            size,
            len,
            carry: Vec::new(),
            spare: Vec::new(),
            done: false,
        }
    }
}

impl<R: io::Read> lines::Source for FileChunks<R> {
    type Chunk = Vec<u8>;

    fn next_chunk(&mut self) -> io::Result<Option<Vec<u8>>> {
        if self.done {
            return Ok(None);
        }
        let mut buf = self.spare.pop().unwrap_or_default();
        buf.clear();
        buf.append(&mut self.carry);
        loop {
            let before = buf.len();
            buf.reserve(self.size);
            let read = (&mut self.file)
                .take(self.size as u64)
                .read_to_end(&mut buf);
            let read = read.inspect_err(|_| self.done = true)?;
            if read == 0 {
                self.done = true;
                return Ok((!buf.is_empty()).then_some(buf));
            }
            // A line longer than a chunk: read on.
            if let Some(last) = buf[before..].iter().rposition(|&b| b == b'\n') {
                self.carry.extend_from_slice(&buf[before + last + 1..]);
                buf.truncate(before + last + 1);
                return Ok(Some(buf));
            }
        }
    }

    fn recycle(&mut self, chunk: Vec<u8>) {
        self.spare.push(chunk);
    }

    fn len(&self) -> Option<usize> {
        self.len
    }
}

/// A text in chunks of whole lines of at least `size` bytes (the last
/// chunk may be shorter and lack its line break).
struct TextChunks<'t> {
    rest: &'t [u8],
    size: usize,
    len: usize,
}

fn text_chunks(text: &str, size: usize) -> TextChunks<'_> {
    TextChunks {
        rest: text.as_bytes(),
        size,
        len: text.len(),
    }
}

impl<'t> lines::Source for TextChunks<'t> {
    type Chunk = &'t [u8];

    fn next_chunk(&mut self) -> io::Result<Option<&'t [u8]>> {
        if self.rest.is_empty() {
            return Ok(None);
        }
        let after = self.rest.get(self.size..);
        let cut = match after.and_then(|r| r.iter().position(|&b| b == b'\n')) {
            Some(i) => self.size + i + 1,
            None => self.rest.len(),
        };
        let (chunk, rest) = self.rest.split_at(cut);
        self.rest = rest;
        Ok(Some(chunk))
    }

    fn recycle(&mut self, _: &'t [u8]) {}

    fn len(&self) -> Option<usize> {
        Some(self.len)
    }
}

/// Reads a dump from bytes that may not be text; `name` is the file name
/// used in errors.
pub fn read_bytes(bytes: &[u8], name: &str) -> Result<Graph, DumpError> {
    read(checked_text(bytes, name)?, name)
}

/// The bytes as text, unless they are not UTF-8 or hold control bytes.
fn checked_text<'b>(bytes: &'b [u8], name: &str) -> Result<&'b str, DumpError> {
    // JSON text holds no control bytes but tab and line breaks, even inside
    // strings, so the first one marks binary data as surely as bad UTF-8.
    let control = bytes
        .iter()
        .position(|&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'));
    let utf8 = std::str::from_utf8(bytes);
    let bad = match (&utf8, control) {
        (Ok(_), None) => None,
        (Ok(_), Some(c)) => Some(c),
        (Err(e), c) => Some(c.map_or(e.valid_up_to(), |c| c.min(e.valid_up_to()))),
    };
    match (utf8, bad) {
        (Ok(text), None) => Ok(text),
        (_, bad) => {
            // Report the position of the first bad byte within the valid text before it.
            let end = bad.unwrap_or(0).min(bytes.len());
            let valid = std::str::from_utf8(&bytes[..end]).unwrap_or("");
            let at = LineIndex::new(valid).line_col(valid.len());
            Err(DumpError::Invalid {
                file: name.to_string(),
                line: at.line,
                column: at.column,
                problem: Problem::NotText,
            })
        }
    }
}

/// Reads a dump from text; `name` is the file name used in errors.
pub fn read(text: &str, name: &str) -> Result<Graph, DumpError> {
    if let Ok(Some(graph)) = lines::load(text_chunks(text, CHUNK)) {
        return Ok(graph);
    }
    read_slow(text, name)
}

/// Reads a dump from text with serde_json, whatever its layout, and names
/// the first problem with its exact position.
fn read_slow(text: &str, name: &str) -> Result<Graph, DumpError> {
    let invalid = |line: usize, column: usize, problem: Problem| DumpError::Invalid {
        file: name.to_string(),
        line,
        column,
        problem,
    };
    if text.trim().is_empty() {
        return Err(invalid(1, 1, Problem::Empty));
    }
    let mut loader = Loader::new();
    let mut de = serde_json::Deserializer::from_str(text);
    let outcome = DumpSeed {
        loader: &mut loader,
    }
    .deserialize(&mut de)
    .and_then(|()| de.end());
    match outcome {
        Ok(()) => Ok(loader.finish()),
        Err(e) => {
            let problem = loader
                .problem
                .take()
                .unwrap_or_else(|| Problem::Json(json_message(&e)));
            // serde_json counts columns in bytes; errors give characters.
            let (line, column) = char_position(text, e.line(), e.column());
            Err(invalid(line, column, problem))
        }
    }
}

/// serde_json's message without the position it appends.
fn json_message(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    full.strip_suffix(&suffix).unwrap_or(&full).to_string()
}

/// Turns serde_json's line and byte column into a line and a character
/// column, at least 1.
fn char_position(text: &str, line: usize, byte_column: usize) -> (usize, usize) {
    let line = line.max(1);
    let Some(line_text) = text.split('\n').nth(line - 1) else {
        return (line, byte_column.max(1));
    };
    let mut end = byte_column.min(line_text.len());
    while !line_text.is_char_boundary(end) {
        end -= 1;
    }
    (line, line_text[..end].chars().count().max(1))
}

/// Writes `graph` as a version-1 dump.
pub fn write(graph: &Graph, mut w: impl Write) -> io::Result<()> {
    let w = &mut w;
    write!(
        w,
        "{{\"format\":\"{FORMAT}\",\"version\":{VERSION},\n\"nodes\":["
    )?;
    let mut first = true;
    for id in graph.node_ids() {
        let Some(node) = graph.node(id) else { continue };
        w.write_all(if first { b"\n" } else { b",\n" })?;
        first = false;
        serde_json::to_writer(&mut *w, &NodeRecord(node))?;
    }
    w.write_all(b"\n],\n\"edges\":[")?;
    let mut first = true;
    for id in graph.edge_ids() {
        let Some(edge) = graph.edge(id) else { continue };
        w.write_all(if first { b"\n" } else { b",\n" })?;
        first = false;
        serde_json::to_writer(&mut *w, &EdgeRecord(edge))?;
    }
    w.write_all(b"\n]}\n")
}

/// The fixed head of a version-1 dump, `{"format":"newsgraph","version":1,...}`;
/// the records follow it as `nodes` and `edges`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DumpV1;

impl DumpV1 {
    /// The fields of a dump, in the order they must appear.
    pub const FIELDS: [&'static str; 4] = ["format", "version", "nodes", "edges"];
}

/// One node as a dump writes it: `[id, [labels...], {properties}]`.
#[derive(Clone, Copy)]
pub struct NodeRecord<'g>(pub NodeRef<'g>);

/// One edge as a dump writes it: `[id, source, target, type, {properties}]`.
#[derive(Clone, Copy)]
pub struct EdgeRecord<'g>(pub EdgeRef<'g>);

/// A property value in the dump's encoding (see the module docs).
#[derive(Clone, Copy)]
pub struct DumpValue<'a>(pub &'a PropertyValue);

struct Labels<'g>(NodeRef<'g>);

struct PropsOut<'g>(&'g Graph, &'g super::Properties);

impl Serialize for NodeRecord<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut t = s.serialize_tuple(3)?;
        t.serialize_element(&self.0.id().0)?;
        t.serialize_element(&Labels(self.0))?;
        t.serialize_element(&PropsOut(self.0.graph, self.0.properties()))?;
        t.end()
    }
}

impl Serialize for EdgeRecord<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let e = self.0;
        let mut t = s.serialize_tuple(5)?;
        t.serialize_element(&e.id().0)?;
        t.serialize_element(&e.source().0)?;
        t.serialize_element(&e.target().0)?;
        t.serialize_element(e.edge_type())?;
        t.serialize_element(&PropsOut(e.graph, e.properties()))?;
        t.end()
    }
}

impl Serialize for Labels<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.labels())
    }
}

impl Serialize for PropsOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.1.len()))?;
        for (key, value) in self.1.iter() {
            m.serialize_entry(self.0.resolve(key), &DumpValue(value))?;
        }
        m.end()
    }
}

impl Serialize for DumpValue<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            PropertyValue::Null => s.serialize_unit(),
            PropertyValue::Bool(b) => s.serialize_bool(*b),
            PropertyValue::Int(i) => s.serialize_i64(*i),
            PropertyValue::Float(f) if f.is_finite() => s.serialize_f64(*f),
            PropertyValue::Float(f) => {
                let text = if f.is_nan() {
                    "NaN"
                } else if *f > 0.0 {
                    "Infinity"
                } else {
                    "-Infinity"
                };
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("float", text)?;
                m.end()
            }
            PropertyValue::String(text) => s.serialize_str(text),
            PropertyValue::List(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(&DumpValue(item))?;
                }
                seq.end()
            }
            PropertyValue::Map(map) => {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("map", &DumpMap(map))?;
                m.end()
            }
            PropertyValue::Date(date) => {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("date", &date.to_string())?;
                m.end()
            }
        }
    }
}

struct DumpMap<'a>(&'a IndexMap<Arc<str>, PropertyValue>);

impl Serialize for DumpMap<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (key, value) in self.0 {
            m.serialize_entry(&**key, &DumpValue(value))?;
        }
        m.end()
    }
}

/// The state of one load: the graph built so far (unindexed until
/// [`Loader::finish`]), the placeholders that stand in for free ids, shared
/// strings, and the typed problem behind the last error (serde carries only
/// its text).
struct Loader {
    graph: Graph,
    /// `true` at the ids that hold a placeholder, not a record.
    node_hole: Vec<bool>,
    edge_hole: Vec<bool>,
    holes: usize,
    records: usize,
    /// The placeholder node that placeholder edges loop on, made on the
    /// first free edge id; no record's edge may touch it.
    anchor: Option<NodeId>,
    strings: SharedStrings,
    names: Names,
    problem: Option<Problem>,
}

impl Loader {
    fn new() -> Loader {
        Loader {
            graph: Graph::new(),
            node_hole: Vec::new(),
            edge_hole: Vec::new(),
            holes: 0,
            records: 0,
            anchor: None,
            strings: SharedStrings::default(),
            names: Names::default(),
            problem: None,
        }
    }

    /// Keeps `problem` for the caller and hands serde an error carrying its text.
    fn fail<E: de::Error>(&mut self, problem: Problem) -> E {
        let e = E::custom(&problem);
        self.problem = Some(problem);
        e
    }

    /// The symbol of a label, type or key.
    fn sym(&mut self, s: &str) -> Sym {
        self.names.sym(&mut self.graph, s)
    }

    fn make_room(&mut self, id: u32) -> Result<(), Problem> {
        let wanted = (id as usize).saturating_sub(self.node_hole.len().max(self.edge_hole.len()));
        if self.holes + wanted > FREE_HOLES + 4 * self.records {
            return Err(Problem::TooSparse(id));
        }
        self.holes += wanted;
        Ok(())
    }

    /// Makes room for `more` edges beyond those in the store.
    fn reserve_edges(&mut self, more: usize) {
        self.graph.reserve_edges_unindexed(more);
    }

    /// Checks a node record's id as soon as it is read.
    fn check_node_id(&mut self, id: u32) -> Result<(), Problem> {
        match self.node_hole.get(id as usize) {
            Some(false) => Err(Problem::DuplicateNode(id)),
            Some(true) => Ok(()),
            None => self.make_room(id),
        }
    }

    /// Fails on a label that a node lists twice.
    fn check_labels(&self, labels: &[Sym]) -> Result<(), Problem> {
        for (i, label) in labels.iter().enumerate() {
            if labels[..i].contains(label) {
                return Err(Problem::DuplicateLabel(self.graph.resolve(*label).into()));
            }
        }
        Ok(())
    }

    /// Adds a node record whose id passed [`Loader::check_node_id`].
    fn add_node(&mut self, id: u32, labels: Vec<Sym>, props: Vec<(Sym, PropertyValue)>) {
        self.records += 1;
        let index = id as usize;
        let props = Properties::from_entries(props);
        if index < self.node_hole.len() {
            // A free id below ones already read: fill its placeholder in.
            self.graph.replace_node_unindexed(NodeId(id), labels, props);
            self.node_hole[index] = false;
            return;
        }
        while self.node_hole.len() < index {
            self.graph
                .push_node_unindexed(Vec::new(), Properties::default());
            self.node_hole.push(true);
        }
        self.graph.push_node_unindexed(labels, props);
        self.node_hole.push(false);
    }

    fn check_edge_id(&mut self, id: u32) -> Result<(), Problem> {
        match self.edge_hole.get(id as usize) {
            Some(false) => Err(Problem::DuplicateEdge(id)),
            Some(true) => Ok(()),
            None => self.make_room(id),
        }
    }

    fn check_end(&self, edge: u32, node: u32) -> Result<(), Problem> {
        match self.node_hole.get(node as usize) {
            Some(false) => Ok(()),
            _ => Err(Problem::DanglingEdge { edge, node }),
        }
    }

    /// Adds an edge record whose id and ends passed their checks.
    fn add_edge(
        &mut self,
        id: u32,
        ends: [u32; 2],
        ty: Sym,
        props: Vec<(Sym, PropertyValue)>,
    ) -> Result<(), Problem> {
        self.records += 1;
        let index = id as usize;
        if index < self.edge_hole.len() {
            // A free id below ones already read: drop its placeholder, whose
            // slot the store reuses first.
            self.graph.remove_edge_unindexed(EdgeId(id));
        } else {
            if self.edge_hole.len() < index {
                let anchor = self.anchor();
                let free = self.sym("");
                while self.edge_hole.len() < index {
                    self.graph
                        .push_edge_unindexed(anchor, anchor, free, Properties::default());
                    self.edge_hole.push(true);
                }
            }
            self.edge_hole.push(true);
        }
        let made = self.graph.push_edge_unindexed(
            NodeId(ends[0]),
            NodeId(ends[1]),
            ty,
            Properties::from_entries(props),
        );
        if made != Some(EdgeId(id)) {
            return Err(Problem::Json(format!("edge {id} could not keep its id")));
        }
        self.edge_hole[index] = false;
        Ok(())
    }

    fn anchor(&mut self) -> NodeId {
        match self.anchor {
            Some(a) => a,
            None => {
                let a = self
                    .graph
                    .push_node_unindexed(Vec::new(), Properties::default());
                self.node_hole.push(true);
                self.anchor = Some(a);
                a
            }
        }
    }

    /// Removes the placeholders, leaving their ids free, and builds the
    /// store's indexes.
    fn finish(self) -> Graph {
        let Loader {
            mut graph,
            node_hole,
            anchor,
            strings,
            names,
            ..
        } = self;
        // The pools are done with; freeing them before the indexes are
        // built keeps them out of the peak memory.
        drop((strings, names));
        if let Some(anchor) = anchor {
            // Every placeholder edge loops on the anchor and nothing else does.
            graph.remove_node_unindexed(anchor);
        }
        for (i, hole) in node_hole.iter().enumerate() {
            if *hole && Some(NodeId(i as u32)) != anchor {
                graph.remove_node_unindexed(NodeId(i as u32));
            }
        }
        graph.reindex();
        graph
    }
}

/// A string borrowed from the dump when it has no escapes.
type CowStr<'de> = Cow<'de, str>;

/// A record's properties, in order.
type Props = Vec<(Sym, PropertyValue)>;

/// The labels, types and property keys met so far with their symbols, so
/// that each spelling costs one look-up of a fast hash and no allocation
/// (the store's interner hashes with SipHash and, behind a reader, serde
/// gives no borrowed strings).
#[derive(Default)]
struct Names {
    syms: HashMap<Box<str>, Sym, BuildHasherDefault<FxHasher>>,
}

impl Names {
    fn sym(&mut self, graph: &mut Graph, s: &str) -> Sym {
        if let Some(&sym) = self.syms.get(s) {
            return sym;
        }
        let sym = graph.intern(s);
        self.syms.insert(s.into(), sym);
        sym
    }
}

/// Shares equal string values: a million edges cite 9k dates and 166k
/// documents over and over, and one copy of each instead of one per edge
/// keeps 90 MB out of the 1M-edge graph (an `Arc<str>` of ten bytes takes a
/// 48-byte block). It is an open-addressing table of every string seen,
/// with each string's hash beside it.
///
/// A look-up costs two cache misses that nothing else in a load has in
/// cache: the table slot and the string's block (its text and count). One
/// after another they cost 200 ns here, half a second for a 1M-edge dump;
/// [`SharedStrings::get_batch`] first touches the slots, then the blocks,
/// of many strings, so that their misses overlap.
pub struct SharedStrings {
    slots: Vec<Option<(u64, Arc<str>)>>,
    len: usize,
}

impl Default for SharedStrings {
    fn default() -> Self {
        SharedStrings {
            slots: vec![None; SharedStrings::MIN_SLOTS],
            len: 0,
        }
    }
}

impl SharedStrings {
    const MIN_SLOTS: usize = 1 << 10;

    /// A copy of `s`, shared with every earlier equal string.
    pub fn get(&mut self, s: &str) -> Arc<str> {
        self.get_hashed(hash_str(s), s)
    }

    /// `s` as a string value: inline when short, else shared.
    pub fn text(&mut self, s: &str) -> Str {
        Str::inline(s).unwrap_or_else(|| Str::from(self.get(s)))
    }

    /// Shared copies of `strings`, in order, appended to `out`. The misses
    /// of the look-ups overlap: first every slot is read, then the block of
    /// every string found there, and only then are the strings compared, so
    /// no read waits for another.
    pub fn get_batch(&mut self, strings: &[&str], out: &mut Vec<Arc<str>>) {
        self.share(strings, |_, shared| out.push(shared));
    }

    /// Shared copies of `strings`, handed to `put` with their positions, in
    /// order, the misses overlapping as in [`SharedStrings::get_batch`].
    pub(crate) fn share(&mut self, strings: &[&str], mut put: impl FnMut(usize, Arc<str>)) {
        const BATCH: usize = 16;
        let mut hashes = [0u64; BATCH];
        for (n, batch) in strings.chunks(BATCH).enumerate() {
            let start = n * BATCH;
            for (h, s) in hashes.iter_mut().zip(batch) {
                *h = hash_str(s);
            }
            let hashes = &hashes[..batch.len()];
            let mask = self.slots.len() - 1;
            // The values read are folded into `touched` only so that the
            // reads are not optimised away.
            let mut touched = 0u64;
            for h in hashes {
                if let Some((slot_hash, _)) = &self.slots[*h as usize & mask] {
                    touched ^= slot_hash;
                }
            }
            for h in hashes {
                if let Some((slot_hash, shared)) = &self.slots[*h as usize & mask]
                    && slot_hash == h
                {
                    touched ^= u64::from(shared.as_bytes().first().copied().unwrap_or(0));
                }
            }
            std::hint::black_box(touched);
            for (i, (h, s)) in hashes.iter().zip(batch).enumerate() {
                put(start + i, self.get_hashed(*h, s));
            }
        }
    }

    fn get_hashed(&mut self, hash: u64, s: &str) -> Arc<str> {
        let mask = self.slots.len() - 1;
        let mut i = hash as usize & mask;
        loop {
            match &self.slots[i] {
                Some((h, shared)) if *h == hash && **shared == *s => return shared.clone(),
                Some(_) => i = (i + 1) & mask,
                None => break,
            }
        }
        let shared: Arc<str> = Arc::from(s);
        self.slots[i] = Some((hash, shared.clone()));
        self.len += 1;
        // Linear probing stays short while three slots in four at most are taken.
        if self.len * 4 > self.slots.len() * 3 {
            self.grow();
        }
        shared
    }

    fn grow(&mut self) {
        let bigger = vec![None; self.slots.len() * 2];
        let old = std::mem::replace(&mut self.slots, bigger);
        let mask = self.slots.len() - 1;
        for (hash, shared) in old.into_iter().flatten() {
            let mut i = hash as usize & mask;
            while self.slots[i].is_some() {
                i = (i + 1) & mask;
            }
            self.slots[i] = Some((hash, shared));
        }
    }

    /// Forgets every string, so that the memory of the table is freed.
    pub fn clear(&mut self) {
        *self = SharedStrings::default();
    }
}

fn hash_str(s: &str) -> u64 {
    let mut hasher = FxHasher::default();
    hasher.write(s.as_bytes());
    hasher.finish()
}

/// The multiply-rotate hash of rustc (FxHash): the strings pooled here come
/// from one file, not from an adversary racing a server, so SipHash's
/// protection is not worth its time on millions of look-ups.
#[derive(Default, Clone, Copy)]
struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(c);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(K);
        }
        let mut word = [0u8; 8];
        let rest = chunks.remainder();
        word[..rest.len()].copy_from_slice(rest);
        self.0 =
            (self.0.rotate_left(5) ^ u64::from_le_bytes(word) ^ rest.len() as u64).wrapping_mul(K);
    }

    fn write_u8(&mut self, i: u8) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(i)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn finish(&self) -> u64 {
        // FxHash alone leaves the low bits, which pick the bucket, blind to
        // the high bytes of each word: `doc0012345` and `doc0012346` would
        // collide. MurmurHash3's finalizer mixes every bit into every bit.
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}

struct StrSeed;

impl<'de> DeserializeSeed<'de> for StrSeed {
    type Value = CowStr<'de>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<CowStr<'de>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for StrSeed {
    type Value = CowStr<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<CowStr<'de>, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<CowStr<'de>, E> {
        Ok(Cow::Owned(v.to_string()))
    }
}

/// A label, type or key, as its symbol.
struct NameSeed<'l> {
    loader: &'l mut Loader,
}

impl<'de> DeserializeSeed<'de> for NameSeed<'_> {
    type Value = Sym;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Sym, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for NameSeed<'_> {
    type Value = Sym;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Sym, E> {
        Ok(self.loader.sym(v))
    }
}

struct LabelsSeed<'l> {
    loader: &'l mut Loader,
}

impl<'de> DeserializeSeed<'de> for LabelsSeed<'_> {
    type Value = Vec<Sym>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for LabelsSeed<'_> {
    type Value = Vec<Sym>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of labels")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut labels = Vec::with_capacity(1);
        while let Some(label) = seq.next_element_seed(NameSeed {
            loader: &mut *self.loader,
        })? {
            labels.push(label);
        }
        Ok(labels)
    }
}

/// The whole dump.
struct DumpSeed<'l> {
    loader: &'l mut Loader,
}

impl<'de> DeserializeSeed<'de> for DumpSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for DumpSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a newsgraph dump (an object with format, version, nodes and edges)")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let loader = self.loader;
        for expected in DumpV1::FIELDS {
            let Some(key) = map.next_key_seed(StrSeed)? else {
                return Err(loader.fail(Problem::MissingField(expected)));
            };
            if key != expected {
                return Err(loader.fail(Problem::UnexpectedField {
                    expected,
                    found: key.into_owned(),
                }));
            }
            match expected {
                "format" => {
                    let format = map.next_value_seed(StrSeed)?;
                    if format != FORMAT {
                        return Err(loader.fail(Problem::WrongFormat(format.into_owned())));
                    }
                }
                "version" => {
                    let version: u64 = map.next_value()?;
                    if version != VERSION {
                        return Err(loader.fail(Problem::UnsupportedVersion(version)));
                    }
                }
                "nodes" => map.next_value_seed(Records {
                    loader: &mut *loader,
                    edges: false,
                })?,
                _ => {
                    // Node names and ids are mostly unique; give the slots to edges' strings.
                    loader.strings.clear();
                    map.next_value_seed(Records {
                        loader: &mut *loader,
                        edges: true,
                    })?
                }
            }
        }
        if let Some(key) = map.next_key_seed(StrSeed)? {
            return Err(de::Error::custom(format_args!(
                "unknown field `{key}` after `edges`"
            )));
        }
        Ok(())
    }
}

/// The `nodes` or the `edges` list.
struct Records<'l> {
    loader: &'l mut Loader,
    edges: bool,
}

impl<'de> DeserializeSeed<'de> for Records<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Records<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(if self.edges {
            "a list of edge records"
        } else {
            "a list of node records"
        })
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        if self.edges {
            while seq
                .next_element_seed(EdgeSeed {
                    loader: &mut *self.loader,
                })?
                .is_some()
            {}
        } else {
            while seq
                .next_element_seed(NodeSeed {
                    loader: &mut *self.loader,
                })?
                .is_some()
            {}
        }
        Ok(())
    }
}

const NODE_SHAPE: &str = "[id, [labels...], {properties}]";
const EDGE_SHAPE: &str = "[id, source, target, type, {properties}]";

/// The error for a record with too few or too many items.
fn shape<E: de::Error>(loader: &mut Loader, edge: bool) -> E {
    loader.fail(if edge {
        Problem::RecordShape("edge", EDGE_SHAPE)
    } else {
        Problem::RecordShape("node", NODE_SHAPE)
    })
}

/// Fails unless the record has no more items.
fn end_of_record<'de, A: SeqAccess<'de>>(
    seq: &mut A,
    loader: &mut Loader,
    edge: bool,
) -> Result<(), A::Error> {
    match seq.next_element::<IgnoredAny>()? {
        None => Ok(()),
        Some(_) => Err(shape(loader, edge)),
    }
}

struct NodeSeed<'l> {
    loader: &'l mut Loader,
}

impl<'de> DeserializeSeed<'de> for NodeSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for NodeSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a node record {NODE_SHAPE}")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let l = self.loader;
        let Some(id) = seq.next_element::<u32>()? else {
            return Err(shape(l, false));
        };
        if let Err(p) = l.check_node_id(id) {
            return Err(l.fail(p));
        }
        let Some(labels) = seq.next_element_seed(LabelsSeed { loader: &mut *l })? else {
            return Err(shape(l, false));
        };
        if let Err(p) = l.check_labels(&labels) {
            return Err(l.fail(p));
        }
        let Some(props) = seq.next_element_seed(PropsSeed { loader: &mut *l })? else {
            return Err(shape(l, false));
        };
        end_of_record(&mut seq, l, false)?;
        l.add_node(id, labels, props);
        Ok(())
    }
}

struct EdgeSeed<'l> {
    loader: &'l mut Loader,
}

impl<'de> DeserializeSeed<'de> for EdgeSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for EdgeSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "an edge record {EDGE_SHAPE}")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let l = self.loader;
        let Some(id) = seq.next_element::<u32>()? else {
            return Err(shape(l, true));
        };
        if let Err(p) = l.check_edge_id(id) {
            return Err(l.fail(p));
        }
        let mut ends = [0u32; 2];
        for end in &mut ends {
            let Some(node) = seq.next_element::<u32>()? else {
                return Err(shape(l, true));
            };
            if let Err(p) = l.check_end(id, node) {
                return Err(l.fail(p));
            }
            *end = node;
        }
        let Some(ty) = seq.next_element_seed(NameSeed { loader: &mut *l })? else {
            return Err(shape(l, true));
        };
        let Some(props) = seq.next_element_seed(PropsSeed { loader: &mut *l })? else {
            return Err(shape(l, true));
        };
        end_of_record(&mut seq, l, true)?;
        if let Err(p) = l.add_edge(id, ends, ty, props) {
            return Err(l.fail(p));
        }
        Ok(())
    }
}

/// A record's property object: keys in order, no duplicates, no nulls.
struct PropsSeed<'l> {
    loader: &'l mut Loader,
}

impl<'de> DeserializeSeed<'de> for PropsSeed<'_> {
    type Value = Props;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for PropsSeed<'_> {
    type Value = Props;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object of properties")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let l = self.loader;
        let mut props: Props = Vec::new();
        while let Some(key) = map.next_key_seed(NameSeed { loader: &mut *l })? {
            if props.iter().any(|(k, _)| *k == key) {
                let key = l.graph.resolve(key).to_string();
                return Err(l.fail(Problem::DuplicateKey(key)));
            }
            let value = map.next_value_seed(ValueSeed { loader: &mut *l })?;
            if value == PropertyValue::Null {
                let key = l.graph.resolve(key).to_string();
                return Err(l.fail(Problem::NullProperty(key)));
            }
            props.push((key, value));
        }
        props.shrink_to_fit();
        Ok(props)
    }
}

/// One property value in the dump's encoding.
struct ValueSeed<'l> {
    loader: &'l mut Loader,
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_> {
    type Value = PropertyValue;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<PropertyValue, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_> {
    type Value = PropertyValue;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a property value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<PropertyValue, E> {
        Ok(PropertyValue::Null)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<PropertyValue, E> {
        Ok(PropertyValue::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<PropertyValue, E> {
        Ok(PropertyValue::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<PropertyValue, E> {
        match i64::try_from(v) {
            Ok(i) => Ok(PropertyValue::Int(i)),
            Err(_) => Err(self.loader.fail(Problem::IntegerRange(v))),
        }
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<PropertyValue, E> {
        Ok(PropertyValue::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<PropertyValue, E> {
        Ok(PropertyValue::String(self.loader.strings.text(v)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<PropertyValue, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(ValueSeed {
            loader: &mut *self.loader,
        })? {
            items.push(item);
        }
        Ok(PropertyValue::List(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PropertyValue, A::Error> {
        let l = self.loader;
        let Some(tag) = map.next_key_seed(StrSeed)? else {
            return Err(l.fail(Problem::EmptyObject));
        };
        let value = match &*tag {
            "map" => {
                let entries = map.next_value_seed(MapSeed { loader: &mut *l })?;
                PropertyValue::Map(Box::new(entries))
            }
            "date" => {
                let text = map.next_value_seed(StrSeed)?;
                match PartialDate::parse(&text) {
                    Ok(date) => PropertyValue::Date(date),
                    Err(e) => return Err(l.fail(Problem::BadDate(e))),
                }
            }
            "float" => {
                let text = map.next_value_seed(StrSeed)?;
                match &*text {
                    "NaN" => PropertyValue::Float(f64::NAN),
                    "Infinity" => PropertyValue::Float(f64::INFINITY),
                    "-Infinity" => PropertyValue::Float(f64::NEG_INFINITY),
                    _ => return Err(l.fail(Problem::BadFloat(text.into_owned()))),
                }
            }
            _ => return Err(l.fail(Problem::UnknownTag(tag.into_owned()))),
        };
        if map.next_key_seed(StrSeed)?.is_some() {
            return Err(l.fail(Problem::TagNotAlone));
        }
        Ok(value)
    }
}

/// The inside of `{"map":{...}}`.
struct MapSeed<'l> {
    loader: &'l mut Loader,
}

impl<'de> DeserializeSeed<'de> for MapSeed<'_> {
    type Value = IndexMap<Arc<str>, PropertyValue>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for MapSeed<'_> {
    type Value = IndexMap<Arc<str>, PropertyValue>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let l = self.loader;
        let mut entries = IndexMap::new();
        while let Some(key) = map.next_key_seed(StrSeed)? {
            if entries.contains_key(&*key) {
                return Err(l.fail(Problem::DuplicateKey(key.into_owned())));
            }
            let value = map.next_value_seed(ValueSeed { loader: &mut *l })?;
            entries.insert(l.strings.get(&key), value);
        }
        Ok(entries)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::Direction;

    fn dump(g: &Graph) -> String {
        let mut out = Vec::new();
        write(g, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn sample() -> Graph {
        let mut g = Graph::new();
        let hu = g.add_node(["Person"], [("name", "Hu Jintao".into())]);
        let gone = g.add_node(["Person"], [("name", "Gone".into())]);
        let japan = g.add_node(
            ["Country", "Place"],
            [
                ("name", "Japan".into()),
                ("aliases", PropertyValue::List(vec!["Nippon".into()])),
            ],
        );
        let mut map = IndexMap::new();
        map.insert(Arc::from("z"), PropertyValue::Int(1));
        map.insert(Arc::from("a"), PropertyValue::Float(1.0));
        let e0 = g
            .add_edge(
                hu,
                japan,
                "VISITED",
                [
                    ("date", PartialDate::parse("2011-12").unwrap().into()),
                    ("doc", "2011-12".into()),
                    ("n", PropertyValue::Int(3)),
                    ("x", PropertyValue::Float(3.0)),
                    ("nan", PropertyValue::Float(f64::NAN)),
                    ("inf", PropertyValue::Float(f64::NEG_INFINITY)),
                    ("m", PropertyValue::Map(Box::new(map))),
                    (
                        "l",
                        PropertyValue::List(vec![PropertyValue::Null, true.into()]),
                    ),
                ],
            )
            .unwrap();
        g.add_edge(gone, hu, "MET", []).unwrap();
        g.add_edge(hu, hu, "MET", [("quote", "a \"b\"\n".into())])
            .unwrap();
        g.detach_remove_node(gone).unwrap();
        let _ = e0;
        g
    }

    #[test]
    fn the_layout_is_one_record_a_line() {
        expect_test::expect![[r#"
            {"format":"newsgraph","version":1,
            "nodes":[
            [0,["Person"],{"name":"Hu Jintao"}],
            [2,["Country","Place"],{"name":"Japan","aliases":["Nippon"]}]
            ],
            "edges":[
            [0,0,2,"VISITED",{"date":{"date":"2011-12"},"doc":"2011-12","n":3,"x":3.0,"nan":{"float":"NaN"},"inf":{"float":"-Infinity"},"m":{"map":{"z":1,"a":1.0}},"l":[null,true]}],
            [2,0,0,"MET",{"quote":"a \"b\"\n"}]
            ]}
        "#]]
        .assert_eq(&dump(&sample()));
    }

    #[test]
    fn save_load_save_is_byte_identical_and_keeps_ids() {
        let first = dump(&sample());
        let g = read(&first, "g.json").unwrap();
        assert_eq!(dump(&g), first);
        assert_eq!(g.node_count(), 2);
        assert_eq!(g.edge_count(), 2);
        assert!(g.node(NodeId(1)).is_none());
        assert!(g.edge(EdgeId(1)).is_none());
        assert_eq!(g.lookup_name("nippon"), [NodeId(2)]);
        assert_eq!(g.edges_with_type("MET").collect::<Vec<_>>(), [EdgeId(2)]);
        assert_eq!(g.edge_types().count(), 2);
    }

    #[test]
    fn the_fast_path_builds_what_serde_builds() {
        let text = dump(&sample());
        let fast = lines::load(text_chunks(&text, CHUNK)).unwrap().unwrap();
        let slow = read_slow(&text, "g.json").unwrap();
        assert_eq!(dump(&fast), text);
        assert_eq!(dump(&slow), text);
        assert_eq!(fast.lookup_name("japan"), slow.lookup_name("japan"));
        assert_eq!(fast.lookup_name("nippon"), [NodeId(2)]);
        assert_eq!(
            fast.labels().collect::<Vec<_>>(),
            slow.labels().collect::<Vec<_>>()
        );
        assert_eq!(
            fast.edge_types().collect::<Vec<_>>(),
            slow.edge_types().collect::<Vec<_>>()
        );
        let hu = NodeId(0);
        for dir in [Direction::Outgoing, Direction::Incoming, Direction::Both] {
            let met = fast.sym("MET");
            assert_eq!(
                fast.edges_at(hu, dir, met).collect::<Vec<_>>(),
                slow.edges_at(hu, dir, met).collect::<Vec<_>>()
            );
            assert_eq!(
                fast.edges_at(hu, dir, None).collect::<Vec<_>>(),
                slow.edges_at(hu, dir, None).collect::<Vec<_>>()
            );
        }
    }

    /// Every symbol of `g`, in the store's order.
    fn symbols(g: &Graph) -> Vec<&str> {
        (0..g.symbols().len())
            .map(|i| g.resolve(Sym::from_index(i)))
            .collect()
    }

    /// A graph of many records, with free ids and values of every kind, so
    /// that small chunks put each kind of line at a chunk's edge.
    fn many() -> Graph {
        let mut g = sample();
        let kinds = ["Person", "Country", "Place"];
        let nodes: Vec<NodeId> = (0..40)
            .map(|i| {
                let labels = [kinds[i % 3], kinds[(i + 1) % 3]];
                let name = format!("n{}", i % 7);
                let extra = if i % 5 == 0 {
                    PropertyValue::Float(0.5)
                } else {
                    PropertyValue::Int(i as i64)
                };
                g.add_node(labels, [("name", name.into()), (kinds[i % 3], extra)])
            })
            .collect();
        for i in 0..200usize {
            let ty = ["MET", "VISITED", "SAID", "MET"][i % 4];
            let key = format!("k{}", i % 11);
            g.add_edge(
                nodes[i % 40],
                nodes[(i * 7) % 40],
                ty,
                [
                    ("doc", format!("d{}", i % 13).into()),
                    (key.as_str(), PropertyValue::Bool(i % 2 == 0)),
                ],
            )
            .unwrap();
        }
        g.detach_remove_node(nodes[3]).unwrap();
        g
    }

    #[test]
    fn threads_build_what_one_thread_builds() {
        let text = dump(&many());
        let whole = lines::load(text_chunks(&text, usize::MAX))
            .unwrap()
            .unwrap();
        let slow = read_slow(&text, "g.json").unwrap();
        assert_eq!(symbols(&whole), symbols(&slow));
        for size in [1, 40, 100, 1000] {
            let threaded = lines::load(text_chunks(&text, size)).unwrap().unwrap();
            assert_eq!(dump(&threaded), text, "chunks of {size}");
            assert_eq!(symbols(&threaded), symbols(&whole), "chunks of {size}");
            // As without a thread to be had.
            let here = lines::load_here(text_chunks(&text, size), [])
                .unwrap()
                .unwrap();
            assert_eq!(dump(&here), text, "chunks of {size}");
            assert_eq!(symbols(&here), symbols(&whole), "chunks of {size}");
            assert_eq!(
                threaded.labels().collect::<Vec<_>>(),
                whole.labels().collect::<Vec<_>>()
            );
            assert_eq!(
                threaded.edge_types().collect::<Vec<_>>(),
                whole.edge_types().collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn threads_give_up_where_one_thread_gives_up() {
        let text = dump(&many());
        let bad = [
            text.replacen("[2,[", "[0,[", 1),
            text.replacen("\"doc\":\"d3\"", "\"doc\":\"d3\",\"doc\":\"x\"", 1),
            text.replacen("],\n\"edges\"", "]\n\"edges\"", 1),
            format!("{text}x"),
        ];
        for bad in &bad {
            assert_ne!(bad, &text);
            for size in [1, 100, usize::MAX] {
                assert!(lines::load(text_chunks(bad, size)).unwrap().is_none());
            }
        }
    }

    #[test]
    fn a_file_loads_in_chunks_as_text_reads() {
        let text = dump(&sample());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.json");
        std::fs::write(&path, &text).unwrap();
        assert_eq!(dump(&load(&path).unwrap()), text);
        // A line the fast path does not follow sends the file to serde_json.
        std::fs::write(&path, text.replace("\n[0,", "\n [0,")).unwrap();
        assert_eq!(dump(&load(&path).unwrap()), text);
        std::fs::write(&path, text.replace("[2,[\"C", "[0,[\"C")).unwrap();
        let err = load(&path).unwrap_err().to_string();
        assert!(err.ends_with("g.json:4:3: duplicate node id 0"), "{err}");
    }

    #[test]
    fn records_out_of_order_keep_their_ids() {
        let text = r#"{"format":"newsgraph","version":1,"nodes":[[3,[],{}],[1,["A"],{}]],
            "edges":[[4,1,3,"R",{}],[0,3,1,"S",{}]]}"#;
        let g = read(text, "g.json").unwrap();
        let first = dump(&g);
        assert_eq!(
            first,
            "{\"format\":\"newsgraph\",\"version\":1,\n\"nodes\":[\n[1,[\"A\"],{}],\n[3,[],{}]\n],\n\"edges\":[\n[0,3,1,\"S\",{}],\n[4,1,3,\"R\",{}]\n]}\n"
        );
        assert_eq!(dump(&read(&first, "g.json").unwrap()), first);
    }
}
