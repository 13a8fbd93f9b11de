//! Planning: binds variables to row slots, raises the semantic errors
//! (`UndefinedVariable`, `VariableAlreadyBound`, ...) with spans, and lowers
//! the AST to the operators below, choosing index look-ups for node
//! patterns. It never reads graph data; `eval` does.
//!
//! A row is a fixed-width vector of values, one slot per variable the
//! statement ever binds (hidden slots hold anonymous pattern parts, the
//! loop variables of comprehensions and aggregate results). Projections
//! write new slots instead of rebuilding rows, so `ORDER BY` after `WITH`
//! or `RETURN` sees both the projected names and, where openCypher allows
//! it, the variables from before.

mod bind;
mod explain;
mod optimize;
mod pattern;

use std::sync::Arc;
use std::sync::OnceLock;

pub use bind::plan_statement;
pub use explain::render;

use crate::graph::{Direction, Graph, Sym};
use crate::query::value::Value;
use crate::span::Span;

/// The index of a value in a row.
pub type Slot = usize;

/// A planned statement: one query, or several joined by `UNION`.
#[derive(Debug, Clone)]
pub struct StatementPlan {
    /// The result columns, named as written or by their alias.
    pub columns: Vec<String>,
    /// The single queries, in order; more than one for `UNION`.
    pub parts: Vec<QueryPlan>,
    /// For each `UNION` between parts: true for `UNION ALL`.
    pub union_all: Vec<bool>,
    /// How the statement was prefixed.
    pub mode: Mode,
}

/// Whether the statement runs, is only explained, or runs with row counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Run and return rows.
    #[default]
    Run,
    /// `EXPLAIN`: return the plan without running it.
    Explain,
    /// `PROFILE`: run, then return the plan with the rows each operator made.
    Profile,
}

/// One single query (the part between `UNION`s): a pipeline of operators.
#[derive(Debug, Clone)]
pub struct QueryPlan {
    /// The operators, each consuming the rows of the one before.
    pub ops: Vec<Op>,
    /// How many slots a row has.
    pub width: usize,
    /// The slots that make the result columns, in column order; empty when
    /// the query ends in an update clause.
    pub output: Vec<Slot>,
    /// A name for each slot, for `EXPLAIN` (anonymous parts get `anon_N`).
    pub names: Vec<String>,
}

/// A plan operator. Each names the openCypher clause it implements.
#[derive(Debug, Clone)]
pub enum Op {
    /// `MATCH` / `OPTIONAL MATCH`: extends each row with every match of the
    /// patterns (relationship isomorphism within the clause), filtered by
    /// the clause's `WHERE`.
    Match {
        /// The patterns, each lowered to steps.
        patterns: Vec<PatternPlan>,
        /// The clause's `WHERE`.
        filter: Option<Expr>,
        /// `OPTIONAL MATCH`: a row with no match is kept with `new_slots` null.
        optional: bool,
        /// The slots the clause binds.
        new_slots: Vec<Slot>,
        /// Where the clause is written.
        span: Span,
        /// The first step from which on the steps bind only variables that
        /// nothing after the clause reads, where duplicate rows do not
        /// matter: those steps stop at their first match.
        exists_from: Option<usize>,
    },
    /// `MATCH (a)-[r]-(b)` whose rows only feed counts grouped by `a`: one
    /// row per node with a match, holding the node and, in `count`, how
    /// many relationships match at it (read from the adjacency lists).
    CountPerNode {
        /// Where the nodes come from (a label scan or all nodes).
        source: NodeSource,
        /// The node's slot.
        node: Slot,
        /// Labels the node must carry.
        labels: Vec<Arc<str>>,
        /// The relationships counted at each node.
        expand: Expand,
        /// The slot that receives the count.
        count: Slot,
    },
    /// `MATCH ()-[r]->()` whose rows only feed counts grouped by `type(r)`:
    /// one row per relationship type, holding one relationship of the type
    /// in `rel` and the number of relationships of the type in `count`.
    CountPerType {
        /// The slot of the relationship.
        rel: Slot,
        /// The types counted; empty for all.
        types: Vec<Arc<str>>,
        /// The slot that receives the count.
        count: Slot,
    },
    /// `WHERE` after `WITH`: keeps rows whose predicate is true.
    Filter(Expr),
    /// `UNWIND list AS x`: one row per element.
    Unwind {
        /// The list.
        expr: Expr,
        /// The slot of `x`.
        slot: Slot,
    },
    /// `WITH` / `RETURN` without aggregates: computes the items into new slots.
    Project {
        /// Each item and its slot.
        items: Vec<(Expr, Slot)>,
    },
    /// `DISTINCT`: keeps the first row of each distinct tuple of `slots`.
    Distinct {
        /// The slots compared.
        slots: Vec<Slot>,
    },
    /// `WITH` / `RETURN` with aggregates: groups by the non-aggregate items.
    Aggregate {
        /// The grouping keys and their slots.
        keys: Vec<(Expr, Slot)>,
        /// The aggregate calls, each filling its slot per group.
        aggregates: Vec<AggregateCall>,
        /// The items that use aggregates, computed from the group's row.
        items: Vec<(Expr, Slot)>,
    },
    /// `ORDER BY`, with an optional limit that turns it into a top-k.
    Sort {
        /// Sort keys; true for descending.
        keys: Vec<(Expr, bool)>,
        /// `SKIP` + `LIMIT` when both are known constants: only that many rows are kept.
        top: Option<Expr>,
    },
    /// `SKIP n`.
    Skip(Expr),
    /// `LIMIT n`.
    Limit(Expr),
    /// `CREATE`: makes the nodes and relationships of the patterns.
    Create {
        /// The patterns to create.
        patterns: Vec<CreatePattern>,
    },
    /// `MERGE`: matches the pattern or creates it whole.
    Merge {
        /// How to match the pattern.
        pattern: PatternPlan,
        /// How to create it when it does not match.
        create: CreatePattern,
        /// The slots the pattern binds (null before matching).
        new_slots: Vec<Slot>,
        /// `ON CREATE SET` items.
        on_create: Vec<SetItem>,
        /// `ON MATCH SET` items.
        on_match: Vec<SetItem>,
    },
    /// `SET`: properties and labels.
    Set(Vec<SetItem>),
    /// `REMOVE`: properties and labels.
    Remove(Vec<SetItem>),
    /// `DELETE` / `DETACH DELETE`.
    Delete {
        /// The entities (or lists, paths) to delete.
        exprs: Vec<Expr>,
        /// `DETACH`: deletes a node's relationships too.
        detach: bool,
        /// Where the clause is written.
        span: Span,
    },
}

impl Op {
    /// Whether the operator changes the graph (and so must see its input whole).
    pub fn is_update(&self) -> bool {
        matches!(
            self,
            Op::Create { .. } | Op::Merge { .. } | Op::Set(_) | Op::Remove(_) | Op::Delete { .. }
        )
    }
}

/// One aggregate call of a projection.
#[derive(Debug, Clone)]
pub struct AggregateCall {
    /// The function, lower-cased (`count`, `collect`, ...).
    pub name: String,
    /// `DISTINCT` inside the call.
    pub distinct: bool,
    /// The argument; `None` for `count(*)`.
    pub arg: Option<Expr>,
    /// A second argument (the percentile of `percentileCont`).
    pub extra: Option<Expr>,
    /// The slot that receives the result.
    pub slot: Slot,
}

/// A `SET` or `REMOVE` item.
#[derive(Debug, Clone)]
pub enum SetItem {
    /// `SET e.key = value`; `REMOVE e.key` has a null value.
    Property {
        /// The entity.
        target: Expr,
        /// The key.
        key: Arc<str>,
        /// The value.
        value: Expr,
    },
    /// `SET e = map` (replace) or `SET e += map` (merge).
    Properties {
        /// The entity.
        target: Expr,
        /// The map (or an entity whose properties are copied).
        value: Expr,
        /// `+=`: keeps the properties the map does not mention.
        merge: bool,
    },
    /// `SET n:A:B` or `REMOVE n:A:B`.
    Labels {
        /// The node.
        target: Expr,
        /// The labels.
        labels: Vec<Arc<str>>,
    },
}

/// How a node pattern finds its candidates.
#[derive(Debug, Clone)]
pub enum NodeSource {
    /// The variable is already bound: the candidate is its value.
    Bound,
    /// Look the name up in the name and alias index, then check it exactly.
    Name(Expr),
    /// Scan the nodes carrying this label.
    Label(Arc<str>),
    /// Look up the names and aliases that start with this ASCII prefix
    /// (ignoring case) in the name index; the clause's `WHERE`, which
    /// asked for `n.name STARTS WITH prefix`, checks each exactly.
    NamePrefix(Arc<str>),
    /// Scan every node.
    All,
}

/// A check of a node's or relationship's properties and labels.
#[derive(Debug, Clone, Default)]
pub struct EntityFilter {
    /// Labels the node must carry.
    pub labels: Vec<Arc<str>>,
    /// Properties that must equal these values.
    pub props: Vec<(Arc<str>, Expr)>,
}

/// A step of a pattern match; steps run in order, each binding slots.
#[derive(Debug, Clone)]
pub enum Step {
    /// Binds (or checks) one node.
    Node {
        /// The node's slot.
        slot: Slot,
        /// Where the candidates come from.
        source: NodeSource,
        /// What a candidate must satisfy.
        filter: EntityFilter,
        /// Whether the node's properties are read later: the matcher then
        /// loads the candidates' records ahead (see `Expand::warm`).
        warm: bool,
    },
    /// Follows one relationship, or a variable-length chain of them, from a
    /// bound node to a node it binds or checks.
    Expand(Expand),
    /// `shortestPath` / `allShortestPaths` between two bound nodes.
    Shortest(Shortest),
}

/// An expansion step (`(a)-[r:T]->(b)` or `(a)-[r*1..3]->(b)`).
#[derive(Debug, Clone)]
pub struct Expand {
    /// The bound node to expand from.
    pub from: Slot,
    /// The relationship's slot (a list of relationships when variable-length).
    pub rel: Slot,
    /// The node reached.
    pub to: Slot,
    /// Whether `rel` was bound before the clause.
    pub rel_bound: bool,
    /// Whether `to` is bound before this step (then it is checked, not bound).
    pub to_bound: bool,
    /// The direction as traversed from `from`.
    pub direction: Direction,
    /// Allowed types; empty for any.
    pub types: Vec<Arc<str>>,
    /// Properties each relationship must have.
    pub rel_props: Vec<(Arc<str>, Expr)>,
    /// `*min..max` for a variable-length relationship.
    pub range: Option<(u64, Option<u64>)>,
    /// What the reached node must satisfy.
    pub to_filter: EntityFilter,
    /// Relationship slots the same clause bound earlier (isomorphism).
    pub distinct_from: Vec<Slot>,
    /// Whether the expansion runs against the written direction (the
    /// pattern was anchored to the right of this relationship); a
    /// variable-length list is then reversed so it reads as written.
    pub reversed: bool,
    /// Whether the operators after the expansion read properties of the
    /// relationship (`r.date`) and of the node reached (`p.name`): the
    /// matcher then loads their records ahead, a batch at a time.
    pub warm: Warm,
    /// The graph's symbol for the one type in `types`, once looked up
    /// (see [`Expand::single_type`]).
    pub type_sym: OnceLock<Sym>,
}

impl Expand {
    /// The graph's symbol for the expansion's type, when it allows exactly
    /// one and the graph has it; looked up by name once.
    pub fn single_type(&self, graph: &Graph) -> Option<Sym> {
        let [one] = self.types.as_slice() else {
            return None;
        };
        if let Some(&sym) = self.type_sym.get() {
            return Some(sym);
        }
        let sym = graph.sym(one)?;
        Some(*self.type_sym.get_or_init(|| sym))
    }
}

/// Which records an expansion loads ahead of reading them (see
/// `Expand::warm`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Warm {
    /// The relationships' records and property lists.
    pub rels: bool,
    /// The reached nodes' records and property lists.
    pub nodes: bool,
}

/// A shortest-path step.
#[derive(Debug, Clone)]
pub struct Shortest {
    /// The start node (bound).
    pub from: Slot,
    /// The end node (bound).
    pub to: Slot,
    /// The slot of the relationship list, when named.
    pub rel: Slot,
    /// The slot of the path.
    pub path: Slot,
    /// `allShortestPaths`.
    pub all: bool,
    /// The direction as written.
    pub direction: Direction,
    /// Allowed types; empty for any.
    pub types: Vec<Arc<str>>,
    /// Properties each relationship must have.
    pub rel_props: Vec<(Arc<str>, Expr)>,
    /// The minimum (0 or 1) and maximum hop counts.
    pub range: (u64, Option<u64>),
}

/// A path pattern lowered to steps, plus how to assemble its named path.
#[derive(Debug, Clone)]
pub struct PatternPlan {
    /// The steps, anchor first.
    pub steps: Vec<Step>,
    /// `p = ...`: the path's slot and its parts in written order.
    pub path: Option<(Slot, PathParts)>,
}

/// The slots that make a path, in written order.
#[derive(Debug, Clone)]
pub struct PathParts {
    /// The first node.
    pub start: Slot,
    /// Each relationship (or list of them) and the node after it.
    pub hops: Vec<(Slot, Slot)>,
}

/// A pattern to create: nodes (new or bound) and relationships between them.
#[derive(Debug, Clone, Default)]
pub struct CreatePattern {
    /// The nodes in written order.
    pub nodes: Vec<CreateNode>,
    /// The relationships: (from node index, to node index, spec).
    pub rels: Vec<CreateRel>,
    /// `p = ...` in `CREATE` or `MERGE`.
    pub path: Option<(Slot, PathParts)>,
}

/// A node of a `CREATE` pattern.
#[derive(Debug, Clone)]
pub struct CreateNode {
    /// Its slot.
    pub slot: Slot,
    /// Bound before the clause: reused, not created.
    pub bound: bool,
    /// Labels of a new node.
    pub labels: Vec<Arc<str>>,
    /// Properties of a new node.
    pub props: Vec<(Arc<str>, Expr)>,
}

/// A relationship of a `CREATE` pattern.
#[derive(Debug, Clone)]
pub struct CreateRel {
    /// Its slot.
    pub slot: Slot,
    /// The slot of its start node.
    pub from: Slot,
    /// The slot of its end node.
    pub to: Slot,
    /// Its type.
    pub ty: Arc<str>,
    /// Its properties.
    pub props: Vec<(Arc<str>, Expr)>,
}

/// A unary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// `NOT`.
    Not,
    /// `-`.
    Neg,
    /// `+`.
    Plus,
}

/// A binary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    /// `+`.
    Add,
    /// `-`.
    Sub,
    /// `*`.
    Mul,
    /// `/`.
    Div,
    /// `%`.
    Rem,
    /// `^`.
    Pow,
    /// `=`.
    Eq,
    /// `<>`.
    Ne,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
    /// `AND`.
    And,
    /// `OR`.
    Or,
    /// `XOR`.
    Xor,
    /// `IN`.
    In,
    /// `STARTS WITH`.
    StartsWith,
    /// `ENDS WITH`.
    EndsWith,
    /// `CONTAINS`.
    Contains,
    /// `=~`.
    Regex,
}

/// A list quantifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantifier {
    /// `all(x IN l WHERE p)`.
    All,
    /// `any(...)`.
    Any,
    /// `none(...)`.
    None,
    /// `single(...)`.
    Single,
}

/// The key of a property read (`e.key`), with the graph's symbol for it
/// once a read has looked it up: the rows after the first read it
/// without a look-up by name. Symbols are never taken back within a
/// graph, and a plan runs against the one graph it was made for.
#[derive(Debug, Clone)]
pub struct PropKey {
    name: Arc<str>,
    sym: OnceLock<Sym>,
}

impl PropKey {
    /// The key `name`, not yet looked up.
    pub fn new(name: &str) -> PropKey {
        PropKey {
            name: Arc::from(name),
            sym: OnceLock::new(),
        }
    }

    /// The key's symbol in `graph`, if the graph has the key.
    pub fn sym(&self, graph: &Graph) -> Option<Sym> {
        if let Some(&sym) = self.sym.get() {
            return Some(sym);
        }
        let sym = graph.sym(&self.name)?;
        Some(*self.sym.get_or_init(|| sym))
    }
}

impl std::ops::Deref for PropKey {
    type Target = str;

    fn deref(&self) -> &str {
        &self.name
    }
}

impl std::fmt::Display for PropKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)
    }
}

/// A bound expression: variables are slots, functions are checked.
#[derive(Debug, Clone)]
pub enum Expr {
    /// A constant.
    Literal(Value),
    /// `$name`.
    Parameter(String),
    /// A variable.
    Slot(Slot),
    /// `e.key`.
    Property(Box<Expr>, PropKey),
    /// `e[i]`.
    Index(Box<Expr>, Box<Expr>),
    /// `e[a..b]`.
    Slice(Box<Expr>, Option<Box<Expr>>, Option<Box<Expr>>),
    /// `[a, b]`.
    List(Vec<Expr>),
    /// `{k: v}`.
    Map(Vec<(Arc<str>, Expr)>),
    /// A unary operator.
    Unary(UnaryOp, Box<Expr>),
    /// A binary operator.
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `e IS NULL` (false) / `e IS NOT NULL` (true).
    IsNull(Box<Expr>, bool),
    /// `n:A:B`.
    HasLabels(Box<Expr>, Vec<Arc<str>>),
    /// A scalar function call.
    Call {
        /// The name, lower-cased.
        name: String,
        /// The arguments.
        args: Vec<Expr>,
        /// Where the call is written.
        span: Span,
    },
    /// `CASE`.
    Case {
        /// `CASE x WHEN ...`: the operand compared with each `WHEN`.
        operand: Option<Box<Expr>>,
        /// The `WHEN ... THEN ...` pairs.
        whens: Vec<(Expr, Expr)>,
        /// `ELSE`.
        default: Option<Box<Expr>>,
    },
    /// `[x IN list WHERE p | e]`.
    ListComprehension {
        /// The slot of `x`.
        slot: Slot,
        /// The list.
        list: Box<Expr>,
        /// `WHERE p`.
        filter: Option<Box<Expr>>,
        /// `| e`.
        map: Option<Box<Expr>>,
    },
    /// `all/any/none/single(x IN list WHERE p)`.
    Quantified {
        /// Which quantifier.
        kind: Quantifier,
        /// The slot of `x`.
        slot: Slot,
        /// The list.
        list: Box<Expr>,
        /// The predicate.
        predicate: Box<Expr>,
    },
    /// `[(a)-->(b) WHERE p | e]`.
    PatternComprehension {
        /// The pattern.
        pattern: Box<PatternPlan>,
        /// `WHERE p`.
        filter: Option<Box<Expr>>,
        /// `| e`.
        map: Box<Expr>,
    },
    /// A pattern used as a predicate, or `EXISTS { ... }`: true when it matches.
    Exists {
        /// The patterns.
        patterns: Vec<PatternPlan>,
        /// The subquery's `WHERE`.
        filter: Option<Box<Expr>>,
    },
    /// Assembles a named path from its slots.
    Path(PathParts),
    /// `EXISTS { MATCH ... WITH ... RETURN ... }`: true when the reading
    /// operators give a row for the current one.
    ExistsQuery(Vec<Op>),
    /// `n {.name, .*, k: v}`.
    MapProjection(Box<Expr>, Vec<MapItem>),
    /// Arithmetic with where it is written, so that an overflow or a
    /// division by zero points at it rather than at the statement.
    Located(Span, Box<Expr>),
}

impl Expr {
    /// The slot the expression reads, when it is a variable (possibly
    /// with its position).
    pub fn as_slot(&self) -> Option<Slot> {
        match self {
            Expr::Slot(s) => Some(*s),
            Expr::Located(_, inner) => inner.as_slot(),
            _ => None,
        }
    }
}

/// An item of a map projection.
#[derive(Debug, Clone)]
pub enum MapItem {
    /// `.key`: the entity's property.
    Property(Arc<str>),
    /// `.*`: every property.
    All,
    /// `key: value` (or a variable, under its own name).
    Entry(Arc<str>, Expr),
}
