//! The neo4j-admin CSV layout, both ways: `nodes.csv` with `:ID`, `:LABEL`
//! and property columns, `edges.csv` with `:START_ID`, `:END_ID`, `:TYPE`
//! and property columns.
//!
//! Header fields are `name`, `name:type` or a bare `:role`. Roles: `:ID`
//! (also `name:ID`, which keeps the id as the string property `name`, as
//! neo4j does), `:LABEL` (several labels joined by `;`), `:START_ID`,
//! `:END_ID`, `:TYPE`, `:IGNORE`; `:ID(space)`, `:START_ID(space)` and
//! `:END_ID(space)` keep ids of different spaces apart. Types: `int`,
//! `long`, `short`, `byte` (integers), `float`, `double`, `boolean`,
//! `string`, `char`, `date` (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`), each also
//! as an array `type[]` whose items are joined by `;`. An untyped column is
//! a string. An empty cell is an absent property.
//!
//! Import gives nodes and edges ids in file order. Export writes them in
//! ascending id order with the node id in the `:ID` column, so a graph
//! whose ids have no gaps comes back with the same ids; after deletes the
//! ids close up. What the layout cannot say comes back differently: an
//! empty string or an empty list (an empty cell is absent), a list whose
//! strings hold `;`, and lists of mixed items and maps, which are exported
//! as JSON text in a string column. A column whose values mix integers and
//! floats is exported as `double`; one that mixes other types, as strings.
//!
//! This module reads bytes and writes to `impl Write`; the command line
//! opens the files.

use std::collections::{HashMap, HashSet};
use std::io::{self, Write};

use indexmap::IndexMap;

use crate::graph::dump::SharedStrings;
use crate::graph::{Graph, NodeId, PartialDate, Properties, PropertyValue, Sym};

/// Why a CSV file could not be imported: `FILE:LINE: message`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {problem}")]
pub struct ImportError {
    /// The file's name as given.
    pub file: String,
    /// 1-based line where the offending record starts.
    pub line: u64,
    /// What is wrong.
    pub problem: CsvProblem,
}

/// What is wrong with an imported CSV file, each with the input that
/// triggers it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CsvProblem {
    /// A file with no header line.
    #[error("empty file, expected a header line")]
    Empty,
    /// A nodes header without `:ID`, or an edges header without `:TYPE`.
    #[error("the header has no {0} column")]
    MissingColumn(&'static str),
    /// `:ID,:ID` or `name,name`.
    #[error("column {0:?} appears twice in the header")]
    DuplicateColumn(String),
    /// `amount:money`, or `:START_ID` in a nodes file.
    #[error("column {0:?}: unknown type or role {1:?}")]
    UnknownType(String, String),
    /// A row with more or fewer cells than the header.
    #[error("expected {expected} fields as in the header, found {found}")]
    FieldCount {
        /// Fields in the header.
        expected: usize,
        /// Fields in this row.
        found: usize,
    },
    /// `12x` in an `amount:long` column.
    #[error("column {column:?}: expected {expected}, found {found:?}")]
    BadValue {
        /// The header field.
        column: String,
        /// What the type needs.
        expected: &'static str,
        /// The cell.
        found: String,
    },
    /// An empty `:ID` cell.
    #[error("empty {0} cell")]
    EmptyId(&'static str),
    /// Two nodes rows with one id.
    #[error("duplicate node id {0:?}")]
    DuplicateId(String),
    /// An edge whose end names no node of the nodes file.
    #[error("{role} {id:?} names no node of the nodes file")]
    UnknownId {
        /// `:START_ID` or `:END_ID`.
        role: &'static str,
        /// The id as written.
        id: String,
    },
    /// A cell that is not UTF-8.
    #[error("not UTF-8 text")]
    NotUtf8,
    /// A `"` that opens a field and is never closed before the end of the file.
    #[error("a quote opened on this line is never closed")]
    OpenQuote,
    /// Anything the CSV reader itself reports.
    #[error("{0}")]
    Csv(String),
}

/// The type of a property column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scalar {
    Int,
    Float,
    Bool,
    String,
    Date,
}

impl Scalar {
    fn parse(name: &str) -> Option<Scalar> {
        Some(match name.to_ascii_lowercase().as_str() {
            "int" | "long" | "short" | "byte" => Scalar::Int,
            "float" | "double" => Scalar::Float,
            "boolean" => Scalar::Bool,
            "string" | "char" => Scalar::String,
            "date" => Scalar::Date,
            _ => return None,
        })
    }

    fn expected(self) -> &'static str {
        match self {
            Scalar::Int => "an integer",
            Scalar::Float => "a number",
            Scalar::Bool => "true or false",
            Scalar::String => "a string",
            Scalar::Date => "a date as YYYY, YYYY-MM or YYYY-MM-DD",
        }
    }

    /// The name an exported header gives the type.
    fn export_name(self) -> &'static str {
        match self {
            Scalar::Int => "long",
            Scalar::Float => "double",
            Scalar::Bool => "boolean",
            Scalar::String => "string",
            Scalar::Date => "date",
        }
    }
}

/// What one header field says.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Column {
    Id {
        space: String,
        property: Option<String>,
    },
    Label,
    Start(String),
    End(String),
    Type,
    Ignore,
    Property {
        key: String,
        scalar: Scalar,
        array: bool,
    },
}

/// Whether a header field plays a role.
type ColumnTest = fn(&Column) -> bool;

fn parse_column(field: &str, edges: bool) -> Result<Column, CsvProblem> {
    let (name, kind) = match field.rfind(':') {
        // `name :ID` names `name`, as a bare `name ` does once trimmed: the
        // same key either way, so a duplicate is caught here and export's
        // header reads back (found by fuzzing, issue #7).
        Some(i) => (field[..i].trim_end(), Some(&field[i + 1..])),
        None => (field, None),
    };
    let Some(kind) = kind else {
        return Ok(Column::Property {
            key: name.to_string(),
            scalar: Scalar::String,
            array: false,
        });
    };
    let unknown = || CsvProblem::UnknownType(field.to_string(), kind.to_string());
    let (role, space) = match kind.find('(') {
        Some(i) if kind.ends_with(')') => (&kind[..i], kind[i + 1..kind.len() - 1].to_string()),
        Some(_) => return Err(unknown()),
        None => (kind, String::new()),
    };
    let column = match (role.to_ascii_uppercase().as_str(), edges) {
        ("ID", false) => Column::Id {
            space,
            property: (!name.is_empty()).then(|| name.to_string()),
        },
        ("LABEL", false) if space.is_empty() => Column::Label,
        ("START_ID", true) => Column::Start(space),
        ("END_ID", true) => Column::End(space),
        ("TYPE", true) if space.is_empty() => Column::Type,
        ("IGNORE", _) if space.is_empty() => Column::Ignore,
        _ if space.is_empty() && !name.is_empty() => {
            let (base, array) = match role.strip_suffix("[]") {
                Some(b) => (b, true),
                None => (role, false),
            };
            let scalar = Scalar::parse(base).ok_or_else(unknown)?;
            Column::Property {
                key: name.to_string(),
                scalar,
                array,
            }
        }
        _ => return Err(unknown()),
    };
    Ok(column)
}

/// Reads a graph from the bytes of a nodes file and an edges file; the
/// names are used in errors.
pub fn import(
    nodes: &[u8],
    nodes_name: &str,
    edges: &[u8],
    edges_name: &str,
) -> Result<Graph, ImportError> {
    let mut importer = Importer::default();
    importer.read(nodes, nodes_name, false)?;
    // Node names and ids are mostly unique; give the shared slots to edges' strings.
    importer.strings.clear();
    importer.read(edges, edges_name, true)?;
    Ok(importer.graph)
}

#[derive(Default)]
struct Importer {
    graph: Graph,
    /// Node ids by id space and id as written.
    ids: HashMap<String, HashMap<Box<[u8]>, NodeId>>,
    /// One shared copy of each string value: a million edges cite a few
    /// thousand dates and documents.
    strings: SharedStrings,
}

impl Importer {
    fn read(&mut self, bytes: &[u8], name: &str, edges: bool) -> Result<(), ImportError> {
        let err = |line: u64, problem| ImportError {
            file: name.to_string(),
            line,
            problem,
        };
        let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        let mut record = csv::ByteRecord::new();
        let csv_err = |e: csv::Error| {
            let line = e.position().map_or(1, |p| p.line());
            err(line, CsvProblem::Csv(e.to_string()))
        };
        if !reader.read_byte_record(&mut record).map_err(csv_err)? {
            return Err(err(1, CsvProblem::Empty));
        }
        let mut columns = Vec::with_capacity(record.len());
        let mut seen = HashSet::new();
        let mut roles = HashSet::new();
        for field in record.iter() {
            let field = std::str::from_utf8(field).map_err(|_| err(1, CsvProblem::NotUtf8))?;
            let column = parse_column(field.trim(), edges).map_err(|p| err(1, p))?;
            // Property keys and roles are told apart: a property named
            // `Label` is no second `:LABEL` (found by fuzzing, issue #7).
            let duplicate = match &column {
                Column::Property { key, .. }
                | Column::Id {
                    property: Some(key),
                    ..
                } => !key.is_empty() && !seen.insert(key.clone()),
                Column::Ignore => false,
                other => !roles.insert(format!("{other:?}")),
            };
            if duplicate {
                return Err(err(1, CsvProblem::DuplicateColumn(field.to_string())));
            }
            columns.push(column);
        }
        let has = |f: fn(&Column) -> bool| columns.iter().any(f);
        let needed: &[(&'static str, ColumnTest)] = if edges {
            &[
                (":START_ID", |c| matches!(c, Column::Start(_))),
                (":END_ID", |c| matches!(c, Column::End(_))),
                (":TYPE", |c| matches!(c, Column::Type)),
            ]
        } else {
            &[(":ID", |c| matches!(c, Column::Id { .. }))]
        };
        for (role, test) in needed {
            if !has(*test) {
                return Err(err(1, CsvProblem::MissingColumn(role)));
            }
        }
        let headers: Vec<String> = record
            .iter()
            .map(|f| String::from_utf8_lossy(f).into_owned())
            .collect();
        let mut last_start = 0;
        let mut lines = LineCounter {
            bytes,
            offset: 0,
            line: 1,
        };
        loop {
            let more = reader.read_byte_record(&mut record).map_err(csv_err)?;
            if !more {
                break;
            }
            // The reader's own line numbers miss skipped blank lines, and its
            // byte offset points before them; count from the first byte of
            // the record itself.
            let mut start = record.position().map_or(0, |p| p.byte() as usize);
            while matches!(bytes.get(start), Some(b'\n' | b'\r')) {
                start += 1;
            }
            let line = lines.line_at(start);
            last_start = start;
            if record.len() == 1 && record.get(0).is_some_and(<[u8]>::is_empty) {
                continue; // a blank line
            }
            if record.len() != columns.len() {
                return Err(err(
                    line,
                    CsvProblem::FieldCount {
                        expected: columns.len(),
                        found: record.len(),
                    },
                ));
            }
            let mut props: Vec<(&str, PropertyValue)> = Vec::with_capacity(columns.len());
            let mut labels: Vec<&str> = Vec::new();
            let mut id: Option<(&str, &[u8])> = None;
            let (mut start, mut end, mut ty) = (None, None, None);
            for ((column, header), cell) in columns.iter().zip(&headers).zip(record.iter()) {
                let text = || std::str::from_utf8(cell).map_err(|_| err(line, CsvProblem::NotUtf8));
                match column {
                    Column::Id { space, property } => {
                        if cell.is_empty() {
                            return Err(err(line, CsvProblem::EmptyId(":ID")));
                        }
                        id = Some((space, cell));
                        if let Some(p) = property {
                            let v = PropertyValue::String(self.strings.text(text()?));
                            props.push((p, v));
                        }
                    }
                    Column::Label => {
                        labels.extend(text()?.split(';').map(str::trim).filter(|l| !l.is_empty()))
                    }
                    Column::Start(space) => start = Some(self.node_of(space, cell, ":START_ID")),
                    Column::End(space) => end = Some(self.node_of(space, cell, ":END_ID")),
                    Column::Type => ty = Some(text()?),
                    Column::Ignore => {}
                    Column::Property { key, scalar, array } => {
                        if cell.is_empty() {
                            continue;
                        }
                        let text = text()?;
                        let value = if *array {
                            let mut items = Vec::new();
                            for item in text.split(';') {
                                items.push(self.value(*scalar, item, header, line, name)?);
                            }
                            PropertyValue::List(items)
                        } else {
                            self.value(*scalar, text, header, line, name)?
                        };
                        props.push((key, value));
                    }
                }
            }
            if edges {
                let (Some(start), Some(end), Some(ty)) = (start, end, ty) else {
                    continue;
                };
                let start = start.map_err(|p| err(line, p))?;
                let end = end.map_err(|p| err(line, p))?;
                if ty.is_empty() {
                    return Err(err(line, CsvProblem::EmptyId(":TYPE")));
                }
                self.graph
                    .add_edge(start, end, ty, props)
                    .map_err(|e| err(line, CsvProblem::Csv(e.to_string())))?;
            } else {
                let Some((space, raw)) = id else { continue };
                let node = self.graph.add_node(labels, props);
                let known = self.ids.entry(space.to_string()).or_default();
                if known.insert(raw.into(), node).is_some() {
                    let shown = String::from_utf8_lossy(raw).into_owned();
                    return Err(err(line, CsvProblem::DuplicateId(shown)));
                }
            }
        }
        // A quote left open swallows the rest of the file into the last
        // record, so it is the only one that can show it: its raw text then
        // holds an odd number of quotes (a closed field holds an even number,
        // doubled quotes included).
        let tail = bytes.get(last_start..).unwrap_or_default();
        if tail.iter().filter(|&&b| b == b'"').count() % 2 == 1 {
            return Err(err(lines.line_at(last_start), CsvProblem::OpenQuote));
        }
        Ok(())
    }

    fn node_of(&self, space: &str, cell: &[u8], role: &'static str) -> Result<NodeId, CsvProblem> {
        self.ids
            .get(space)
            .and_then(|ids| ids.get(cell))
            .copied()
            .ok_or_else(|| CsvProblem::UnknownId {
                role,
                id: String::from_utf8_lossy(cell).into_owned(),
            })
    }

    fn value(
        &mut self,
        scalar: Scalar,
        text: &str,
        header: &str,
        line: u64,
        file: &str,
    ) -> Result<PropertyValue, ImportError> {
        let bad = || ImportError {
            file: file.to_string(),
            line,
            problem: CsvProblem::BadValue {
                column: header.to_string(),
                expected: scalar.expected(),
                found: text.to_string(),
            },
        };
        let t = text.trim();
        Ok(match scalar {
            Scalar::String => PropertyValue::String(self.strings.text(text)),
            Scalar::Int => PropertyValue::Int(t.parse().map_err(|_| bad())?),
            Scalar::Float => PropertyValue::Float(parse_float(t).ok_or_else(bad)?),
            Scalar::Bool => match t.to_ascii_lowercase().as_str() {
                "true" => PropertyValue::Bool(true),
                "false" => PropertyValue::Bool(false),
                _ => return Err(bad()),
            },
            Scalar::Date => PropertyValue::Date(PartialDate::parse(t).map_err(|_| bad())?),
        })
    }
}

/// A float as Java's `Double.parseDouble` writes them (`NaN`, `Infinity`)
/// or as Rust does.
/// Line numbers of byte offsets met in ascending order, counted once.
struct LineCounter<'a> {
    bytes: &'a [u8],
    offset: usize,
    line: u64,
}

impl LineCounter<'_> {
    fn line_at(&mut self, offset: usize) -> u64 {
        let offset = offset.min(self.bytes.len());
        if offset > self.offset {
            let newlines = self.bytes[self.offset..offset]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            self.line += newlines as u64;
            self.offset = offset;
        }
        self.line
    }
}

fn parse_float(t: &str) -> Option<f64> {
    match t {
        "NaN" => Some(f64::NAN),
        "Infinity" | "+Infinity" => Some(f64::INFINITY),
        "-Infinity" => Some(f64::NEG_INFINITY),
        _ if t
            .bytes()
            .any(|b| b.is_ascii_alphabetic() && !matches!(b, b'e' | b'E')) =>
        {
            None
        }
        _ => t.parse().ok(),
    }
}

/// How one exported column writes its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Scalar(Scalar),
    Array(Scalar),
    /// Anything else, as JSON text in a string column.
    Json,
}

impl Kind {
    fn of(value: &PropertyValue) -> Kind {
        match value {
            PropertyValue::List(items) => {
                let mut kind = None;
                for item in items {
                    let k = match item {
                        PropertyValue::String(s) if s.contains(';') || s.is_empty() => {
                            return Kind::Json;
                        }
                        PropertyValue::List(_) | PropertyValue::Map(_) | PropertyValue::Null => {
                            return Kind::Json;
                        }
                        other => scalar_of(other),
                    };
                    kind = Some(match kind {
                        None => k,
                        Some(prev) if prev == k => k,
                        Some(_) => return Kind::Json,
                    });
                }
                kind.map_or(Kind::Json, Kind::Array)
            }
            PropertyValue::Map(_) | PropertyValue::Null => Kind::Json,
            other => Kind::Scalar(scalar_of(other)),
        }
    }

    fn merge(self, other: Kind) -> Kind {
        use Scalar::{Float, Int};
        match (self, other) {
            (a, b) if a == b => a,
            (Kind::Scalar(Int | Float), Kind::Scalar(Int | Float)) => Kind::Scalar(Float),
            (Kind::Array(Int | Float), Kind::Array(Int | Float)) => Kind::Array(Float),
            _ => Kind::Json,
        }
    }

    fn header(self, key: &str) -> String {
        match self {
            // A key holding `:` needs its type spelled out: the header is
            // split at its last `:`, so `a:b` would read as key `a` of type `b`.
            Kind::Scalar(Scalar::String) | Kind::Json if key.contains(':') => {
                format!("{key}:{}", Scalar::String.export_name())
            }
            Kind::Scalar(Scalar::String) | Kind::Json => key.to_string(),
            Kind::Scalar(s) => format!("{key}:{}", s.export_name()),
            Kind::Array(s) => format!("{key}:{}[]", s.export_name()),
        }
    }
}

fn scalar_of(value: &PropertyValue) -> Scalar {
    match value {
        PropertyValue::Int(_) => Scalar::Int,
        PropertyValue::Float(_) => Scalar::Float,
        PropertyValue::Bool(_) => Scalar::Bool,
        PropertyValue::Date(_) => Scalar::Date,
        _ => Scalar::String,
    }
}

/// The property columns of a set of property maps, in first-seen order.
fn columns<'g>(all: impl Iterator<Item = &'g Properties>) -> IndexMap<Sym, Kind> {
    let mut kinds: IndexMap<Sym, Kind> = IndexMap::new();
    for props in all {
        for (key, value) in props.iter() {
            let kind = Kind::of(value);
            kinds
                .entry(key)
                .and_modify(|k| *k = k.merge(kind))
                .or_insert(kind);
        }
    }
    kinds
}

fn scalar_text(value: &PropertyValue, out: &mut String) {
    use std::fmt::Write as _;
    match value {
        PropertyValue::Int(i) => {
            let _ = write!(out, "{i}");
        }
        PropertyValue::Float(f) => out.push_str(&float_text(*f)),
        PropertyValue::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        PropertyValue::Date(d) => {
            let _ = write!(out, "{d}");
        }
        PropertyValue::String(s) => out.push_str(s),
        other => out.push_str(&super::json_text(other)),
    }
}

/// A float as both Rust and Java read it back exactly.
pub(crate) fn float_text(f: f64) -> String {
    if f.is_nan() {
        "NaN".to_string()
    } else if f.is_infinite() {
        if f > 0.0 { "Infinity" } else { "-Infinity" }.to_string()
    } else {
        format!("{f:?}")
    }
}

fn cell(value: &PropertyValue, kind: Kind) -> String {
    let mut out = String::new();
    match (kind, value) {
        (Kind::Json, PropertyValue::String(s)) => out.push_str(s),
        (Kind::Json, other) => out.push_str(&super::json_text(other)),
        (Kind::Array(Scalar::Float), PropertyValue::List(items)) => {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(';');
                }
                match item {
                    PropertyValue::Int(n) => out.push_str(&float_text(*n as f64)),
                    other => scalar_text(other, &mut out),
                }
            }
        }
        (Kind::Array(_), PropertyValue::List(items)) => {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(';');
                }
                scalar_text(item, &mut out);
            }
        }
        (Kind::Scalar(Scalar::Float), PropertyValue::Int(n)) => {
            out.push_str(&float_text(*n as f64))
        }
        (_, other) => scalar_text(other, &mut out),
    }
    out
}

/// Writes `nodes.csv`: `:ID,:LABEL,` then one column per property key.
pub fn write_nodes(graph: &Graph, w: impl Write) -> io::Result<()> {
    let nodes: Vec<_> = graph.node_ids().filter_map(|id| graph.node(id)).collect();
    let kinds = columns(nodes.iter().map(|n| n.properties()));
    let mut out = csv::Writer::from_writer(w);
    let mut header = vec![":ID".to_string(), ":LABEL".to_string()];
    header.extend(kinds.iter().map(|(k, kind)| kind.header(graph.resolve(*k))));
    out.write_record(&header)?;
    let mut row: Vec<String> = Vec::with_capacity(header.len());
    for node in nodes {
        row.clear();
        row.push(node.id().0.to_string());
        row.push(node.labels().collect::<Vec<_>>().join(";"));
        for (key, kind) in &kinds {
            row.push(
                node.properties()
                    .get(*key)
                    .map_or_else(String::new, |v| cell(v, *kind)),
            );
        }
        out.write_record(&row)?;
    }
    out.flush()
}

/// Writes `edges.csv`: `:START_ID,:END_ID,:TYPE,` then one column per
/// property key.
pub fn write_edges(graph: &Graph, w: impl Write) -> io::Result<()> {
    let edges: Vec<_> = graph.edge_ids().filter_map(|id| graph.edge(id)).collect();
    let kinds = columns(edges.iter().map(|e| e.properties()));
    let mut out = csv::Writer::from_writer(w);
    let mut header = vec![
        ":START_ID".to_string(),
        ":END_ID".to_string(),
        ":TYPE".to_string(),
    ];
    header.extend(kinds.iter().map(|(k, kind)| kind.header(graph.resolve(*k))));
    out.write_record(&header)?;
    let mut row: Vec<String> = Vec::with_capacity(header.len());
    for edge in edges {
        row.clear();
        row.push(edge.source().0.to_string());
        row.push(edge.target().0.to_string());
        row.push(edge.edge_type().to_string());
        for (key, kind) in &kinds {
            row.push(
                edge.properties()
                    .get(*key)
                    .map_or_else(String::new, |v| cell(v, *kind)),
            );
        }
        out.write_record(&row)?;
    }
    out.flush()
}
