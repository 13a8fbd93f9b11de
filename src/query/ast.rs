//! The syntax tree of the openCypher subset, exactly as written.
//!
//! Literals keep their source text (an integer written `0x1F` stays `0x1F`
//! beside its value), every node carries the [`Span`] of its source text, and
//! `Display` prints canonical Cypher that parses back to the same tree (spans
//! aside). There are no semantic checks here: binding, scoping and typing
//! belong to `query::plan`; this module never looks at a graph.
//!
//! Two normalisations happen in the parser and are visible in the tree:
//! a comparison chain `a < b <= c` becomes `a < b AND b <= c`, and a minus
//! sign directly before a number literal is folded into the literal (so that
//! `-9223372036854775808` is a valid integer).

use std::fmt;

use crate::span::Span;

/// Words that are printed inside backticks when they name a variable, label,
/// type or key, so that the printed query parses back the same.
///
/// The parser refuses these as bare variable names; as property keys, labels
/// and function names it accepts them, but printing always quotes them to
/// stay on the safe side.
pub const RESERVED_WORDS: &[&str] = &[
    "ALL",
    "AND",
    "AS",
    "ASC",
    "ASCENDING",
    "BY",
    "CALL",
    "CASE",
    "CONTAINS",
    "CREATE",
    "DELETE",
    "DESC",
    "DESCENDING",
    "DETACH",
    "DISTINCT",
    "ELSE",
    "END",
    "ENDS",
    "EXISTS",
    "EXPLAIN",
    "FALSE",
    "IN",
    "IS",
    "LIMIT",
    "MATCH",
    "MERGE",
    "NOT",
    "NULL",
    "ON",
    "OPTIONAL",
    "OR",
    "ORDER",
    "PROFILE",
    "REMOVE",
    "RETURN",
    "SET",
    "SKIP",
    "STARTS",
    "THEN",
    "TRUE",
    "UNION",
    "UNWIND",
    "WHEN",
    "WHERE",
    "WITH",
    "XOR",
    "YIELD",
];

/// Whether `word` is one of [`RESERVED_WORDS`] (case-insensitive).
pub fn is_reserved(word: &str) -> bool {
    RESERVED_WORDS.iter().any(|r| r.eq_ignore_ascii_case(word))
}

/// Whether `name` can be written without backticks: a letter or `_`, then
/// letters, digits or `_`, and not a reserved word.
pub fn is_plain_name(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if c.is_alphabetic() || c == '_' => {}
        _ => return false,
    }
    chars.all(|c| c.is_alphanumeric() || c == '_') && !is_reserved(name)
}

/// Writes a name, inside backticks (doubling inner backticks) when needed.
fn write_name(f: &mut fmt::Formatter<'_>, name: &str) -> fmt::Result {
    if is_plain_name(name) {
        f.write_str(name)
    } else {
        write!(f, "`{}`", name.replace('`', "``"))
    }
}

/// Writes `items` separated by `sep`.
fn write_joined<T: fmt::Display>(
    f: &mut fmt::Formatter<'_>,
    items: &[T],
    sep: &str,
) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(sep)?;
        }
        write!(f, "{item}")?;
    }
    Ok(())
}

/// A name as written: a variable, label, relationship type, property key,
/// map key or function name. Backticks are removed, `` `a``b` `` becomes
/// ``a`b``.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Ident {
    /// The name without backticks.
    pub name: String,
    /// Where it was written (backticks included).
    pub span: Span,
}

impl Ident {
    /// A name with the given span.
    pub fn new(name: impl Into<String>, span: Span) -> Ident {
        Ident {
            name: name.into(),
            span,
        }
    }
}

impl fmt::Display for Ident {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_name(f, &self.name)
    }
}

/// One statement: an optional `EXPLAIN`/`PROFILE` prefix and a query.
///
/// `EXPLAIN MATCH (n) RETURN n`
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// `EXPLAIN` or `PROFILE`, if written.
    pub prefix: Option<Prefix>,
    /// The query itself.
    pub query: Query,
    /// The whole statement without the trailing `;`.
    pub span: Span,
}

/// A statement prefix asking for the plan rather than (or beside) the rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Prefix {
    /// `EXPLAIN`: show the plan, run nothing.
    Explain,
    /// `PROFILE`: run, and count rows per operator.
    Profile,
}

/// Single queries joined by `UNION` / `UNION ALL`.
///
/// `MATCH (a) RETURN a.name AS n UNION ALL MATCH (b) RETURN b.name AS n`
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// The first single query.
    pub first: SingleQuery,
    /// The following ones, each with its `UNION` kind.
    pub unions: Vec<Union>,
    /// The whole query.
    pub span: Span,
}

/// One `UNION [ALL] single-query` part.
#[derive(Debug, Clone, PartialEq)]
pub struct Union {
    /// `UNION ALL` (keep duplicates) rather than `UNION`.
    pub all: bool,
    /// The query after the keyword.
    pub query: SingleQuery,
    /// From `UNION` to the end of the query.
    pub span: Span,
}

/// A sequence of clauses, e.g. `MATCH (n) WITH n RETURN n`.
#[derive(Debug, Clone, PartialEq)]
pub struct SingleQuery {
    /// The clauses in order.
    pub clauses: Vec<Clause>,
    /// From the first to the last clause.
    pub span: Span,
}

/// One clause.
#[derive(Debug, Clone, PartialEq)]
pub enum Clause {
    /// `MATCH` or `OPTIONAL MATCH`.
    Match(Match),
    /// `WITH`.
    With(With),
    /// `RETURN`.
    Return(Return),
    /// `UNWIND`.
    Unwind(Unwind),
    /// `CREATE`.
    Create(Create),
    /// `MERGE`.
    Merge(Merge),
    /// `SET`.
    Set(SetClause),
    /// `REMOVE`.
    Remove(Remove),
    /// `DELETE` or `DETACH DELETE`.
    Delete(Delete),
}

impl Clause {
    /// The clause's span.
    pub fn span(&self) -> Span {
        match self {
            Clause::Match(c) => c.span,
            Clause::With(c) => c.span,
            Clause::Return(c) => c.span,
            Clause::Unwind(c) => c.span,
            Clause::Create(c) => c.span,
            Clause::Merge(c) => c.span,
            Clause::Set(c) => c.span,
            Clause::Remove(c) => c.span,
            Clause::Delete(c) => c.span,
        }
    }
}

/// `[OPTIONAL] MATCH pattern [WHERE expr]`.
///
/// `OPTIONAL MATCH (a)-[:MET]->(b) WHERE b.name STARTS WITH 'Y'`
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    /// `OPTIONAL MATCH`.
    pub optional: bool,
    /// The comma-separated pattern parts.
    pub pattern: Pattern,
    /// The `WHERE` filter.
    pub where_: Option<Expr>,
    /// The whole clause.
    pub span: Span,
}

/// The body shared by `WITH` and `RETURN`.
///
/// `DISTINCT a, b.name AS name ORDER BY name DESC SKIP 1 LIMIT 10`
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    /// `DISTINCT`.
    pub distinct: bool,
    /// `*` (all variables in scope), possibly followed by more items.
    pub star: bool,
    /// The projected items after `*` (if any).
    pub items: Vec<ProjectionItem>,
    /// `ORDER BY` items; empty when absent.
    pub order_by: Vec<SortItem>,
    /// `SKIP expr`.
    pub skip: Option<Expr>,
    /// `LIMIT expr`.
    pub limit: Option<Expr>,
    /// From the first item (or `DISTINCT`) to the end of the projection.
    pub span: Span,
}

/// `expr [AS alias]`. Without an alias, the column is named by the item's
/// source text (`span`, which keeps parentheses around the expression).
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectionItem {
    /// The projected expression.
    pub expr: Expr,
    /// The `AS` name.
    pub alias: Option<Ident>,
    /// The item with its alias.
    pub span: Span,
}

/// `expr [ASC|DESC]` in `ORDER BY`.
#[derive(Debug, Clone, PartialEq)]
pub struct SortItem {
    /// The sort key.
    pub expr: Expr,
    /// `DESC` / `DESCENDING`; `ASC` and nothing are ascending.
    pub descending: bool,
    /// The item with its direction keyword.
    pub span: Span,
}

/// `WITH projection [WHERE expr]`.
#[derive(Debug, Clone, PartialEq)]
pub struct With {
    /// Items, ordering and paging.
    pub projection: Projection,
    /// The filter after the projection.
    pub where_: Option<Expr>,
    /// The whole clause.
    pub span: Span,
}

/// `RETURN projection`.
#[derive(Debug, Clone, PartialEq)]
pub struct Return {
    /// Items, ordering and paging.
    pub projection: Projection,
    /// The whole clause.
    pub span: Span,
}

/// `UNWIND expr AS variable`.
#[derive(Debug, Clone, PartialEq)]
pub struct Unwind {
    /// The list to unwind.
    pub expr: Expr,
    /// The variable bound to each element.
    pub variable: Ident,
    /// The whole clause.
    pub span: Span,
}

/// `CREATE pattern`.
#[derive(Debug, Clone, PartialEq)]
pub struct Create {
    /// The pattern parts to create.
    pub pattern: Pattern,
    /// The whole clause.
    pub span: Span,
}

/// `MERGE part [ON CREATE SET ... | ON MATCH SET ...]*`.
#[derive(Debug, Clone, PartialEq)]
pub struct Merge {
    /// The single pattern part to find or create.
    pub pattern: PatternPart,
    /// The `ON CREATE` / `ON MATCH` actions in written order.
    pub actions: Vec<MergeAction>,
    /// The whole clause.
    pub span: Span,
}

/// `ON CREATE SET items` or `ON MATCH SET items`.
#[derive(Debug, Clone, PartialEq)]
pub struct MergeAction {
    /// `ON CREATE` (true) or `ON MATCH` (false).
    pub on_create: bool,
    /// The `SET` items.
    pub items: Vec<SetItem>,
    /// From `ON` to the last item.
    pub span: Span,
}

/// `SET item, ...`.
#[derive(Debug, Clone, PartialEq)]
pub struct SetClause {
    /// The items in order.
    pub items: Vec<SetItem>,
    /// The whole clause.
    pub span: Span,
}

/// One `SET` item.
#[derive(Debug, Clone, PartialEq)]
pub enum SetItem {
    /// `entity.key = value`, e.g. `n.name = 'Noda'`.
    Property {
        /// The node, relationship or map expression before the last `.key`.
        entity: Expr,
        /// The property key.
        key: Ident,
        /// The new value (`null` removes).
        value: Expr,
        /// The whole item.
        span: Span,
    },
    /// `n = {map}`: replace all properties.
    Replace {
        /// The entity variable.
        variable: Ident,
        /// The map (or entity) whose properties are copied.
        value: Expr,
        /// The whole item.
        span: Span,
    },
    /// `n += {map}`: add and overwrite properties.
    Update {
        /// The entity variable.
        variable: Ident,
        /// The map (or entity) whose properties are merged in.
        value: Expr,
        /// The whole item.
        span: Span,
    },
    /// `n:A:B`: add labels.
    Labels {
        /// The node variable.
        variable: Ident,
        /// The labels to add.
        labels: Vec<Ident>,
        /// The whole item.
        span: Span,
    },
}

impl SetItem {
    /// The item's span.
    pub fn span(&self) -> Span {
        match self {
            SetItem::Property { span, .. }
            | SetItem::Replace { span, .. }
            | SetItem::Update { span, .. }
            | SetItem::Labels { span, .. } => *span,
        }
    }
}

/// `REMOVE item, ...`.
#[derive(Debug, Clone, PartialEq)]
pub struct Remove {
    /// The items in order.
    pub items: Vec<RemoveItem>,
    /// The whole clause.
    pub span: Span,
}

/// One `REMOVE` item.
#[derive(Debug, Clone, PartialEq)]
pub enum RemoveItem {
    /// `entity.key`.
    Property {
        /// The expression before the last `.key`.
        entity: Expr,
        /// The property key.
        key: Ident,
        /// The whole item.
        span: Span,
    },
    /// `n:A:B`.
    Labels {
        /// The node variable.
        variable: Ident,
        /// The labels to remove.
        labels: Vec<Ident>,
        /// The whole item.
        span: Span,
    },
}

impl RemoveItem {
    /// The item's span.
    pub fn span(&self) -> Span {
        match self {
            RemoveItem::Property { span, .. } | RemoveItem::Labels { span, .. } => *span,
        }
    }
}

/// `[DETACH] DELETE expr, ...`.
#[derive(Debug, Clone, PartialEq)]
pub struct Delete {
    /// `DETACH DELETE`.
    pub detach: bool,
    /// The nodes, relationships or paths to delete.
    pub exprs: Vec<Expr>,
    /// The whole clause.
    pub span: Span,
}

/// Comma-separated pattern parts: `(a)-->(b), (c)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Pattern {
    /// The parts, at least one.
    pub parts: Vec<PatternPart>,
    /// From the first to the last part.
    pub span: Span,
}

/// `[p =] [shortestPath(...) | allShortestPaths(...) | path]`.
#[derive(Debug, Clone, PartialEq)]
pub struct PatternPart {
    /// The path variable of a named path `p = ...`.
    pub variable: Option<Ident>,
    /// `shortestPath` / `allShortestPaths` around the path.
    pub shortest: Option<Shortest>,
    /// The chain of nodes and relationships.
    pub path: PathPattern,
    /// The whole part, including `p =`.
    pub span: Span,
}

/// Which shortest paths a pattern part asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Shortest {
    /// `shortestPath(...)`: one shortest path.
    One,
    /// `allShortestPaths(...)`: every shortest path.
    All,
}

/// A node followed by zero or more (relationship, node) steps:
/// `(a)-[:MET]->(b)<-[:VISITED]-(c)`.
#[derive(Debug, Clone, PartialEq)]
pub struct PathPattern {
    /// The first node.
    pub start: NodePattern,
    /// The following relationships and nodes.
    pub steps: Vec<PathStep>,
    /// The whole chain.
    pub span: Span,
}

/// One `-[rel]-(node)` step of a path.
#[derive(Debug, Clone, PartialEq)]
pub struct PathStep {
    /// The relationship.
    pub rel: RelPattern,
    /// The node it leads to.
    pub node: NodePattern,
}

/// `(variable:Label1:Label2 {props})`.
#[derive(Debug, Clone, PartialEq)]
pub struct NodePattern {
    /// The node variable.
    pub variable: Option<Ident>,
    /// Labels the node must all have (or gets, when created).
    pub labels: Vec<Ident>,
    /// A map literal or a parameter.
    pub properties: Option<Expr>,
    /// From `(` to `)`.
    pub span: Span,
}

/// How a relationship pattern is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// `-->`: from the left node to the right node.
    Right,
    /// `<--`: from the right node to the left node.
    Left,
    /// `--`: either way.
    Undirected,
    /// `<-->`: either way (written with both heads).
    Both,
}

/// `-[variable:T1|T2 *min..max {props}]->`.
#[derive(Debug, Clone, PartialEq)]
pub struct RelPattern {
    /// The relationship (or, with a length, relationship list) variable.
    pub variable: Option<Ident>,
    /// Type alternatives; empty means any type.
    pub types: Vec<Ident>,
    /// The arrow drawn.
    pub direction: Direction,
    /// A variable length `*...`.
    pub length: Option<VarLength>,
    /// A map literal or a parameter.
    pub properties: Option<Expr>,
    /// From the first dash or arrow head to the last.
    pub span: Span,
}

/// `*`, `*2`, `*1..3`, `*..3`, `*2..`: bounds in hops. `*2` is stored as
/// `min == max == Some(2)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct VarLength {
    /// Lower bound; `None` means 1.
    pub min: Option<u64>,
    /// Upper bound; `None` means unbounded.
    pub max: Option<u64>,
    /// From `*` to the last bound.
    pub span: Span,
}

/// An expression with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What the expression is.
    pub kind: ExprKind,
    /// Its source text, without surrounding parentheses of the parent.
    pub span: Span,
}

impl Expr {
    /// An expression of `kind` spanning `span`.
    pub fn new(kind: ExprKind, span: Span) -> Expr {
        Expr { kind, span }
    }
}

/// A literal value as written.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// An integer: `text` as written (`42`, `0x2A`, `0o52`, `-7` when a minus
    /// was folded in), `value` already checked to fit an `i64`.
    Integer {
        /// The source text, without whitespace.
        text: String,
        /// Its value.
        value: i64,
    },
    /// A float: `text` as written (`1.5`, `.5`, `1e3`, `-2.0`), `value`
    /// already checked to be finite.
    Float {
        /// The source text, without whitespace.
        text: String,
        /// Its value.
        value: f64,
    },
    /// A string, escapes resolved.
    String(String),
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
}

/// A unary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    /// `NOT x`.
    Not,
    /// `-x`.
    Neg,
    /// `+x`.
    Plus,
}

/// A binary operator, from the loosest to the tightest binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    /// `OR`.
    Or,
    /// `XOR`.
    Xor,
    /// `AND`.
    And,
    /// `=`.
    Eq,
    /// `<>`.
    Ne,
    /// `<`.
    Lt,
    /// `>`.
    Gt,
    /// `<=`.
    Le,
    /// `>=`.
    Ge,
    /// `=~` (regular expression match of the whole string).
    RegexMatch,
    /// `STARTS WITH`.
    StartsWith,
    /// `ENDS WITH`.
    EndsWith,
    /// `CONTAINS`.
    Contains,
    /// `IN` (list membership).
    In,
    /// `+`.
    Add,
    /// `-`.
    Sub,
    /// `*`.
    Mul,
    /// `/`.
    Div,
    /// `%`.
    Mod,
    /// `^`.
    Pow,
}

impl BinaryOp {
    /// The operator as written in canonical Cypher.
    pub fn as_str(self) -> &'static str {
        match self {
            BinaryOp::Or => "OR",
            BinaryOp::Xor => "XOR",
            BinaryOp::And => "AND",
            BinaryOp::Eq => "=",
            BinaryOp::Ne => "<>",
            BinaryOp::Lt => "<",
            BinaryOp::Gt => ">",
            BinaryOp::Le => "<=",
            BinaryOp::Ge => ">=",
            BinaryOp::RegexMatch => "=~",
            BinaryOp::StartsWith => "STARTS WITH",
            BinaryOp::EndsWith => "ENDS WITH",
            BinaryOp::Contains => "CONTAINS",
            BinaryOp::In => "IN",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Mod => "%",
            BinaryOp::Pow => "^",
        }
    }

    /// Binding strength (higher binds tighter), following openCypher:
    /// OR < XOR < AND < NOT < comparison < string/list/null predicates <
    /// `+ -` < `* / %` < `^` < unary `+ -` < postfix.
    pub fn precedence(self) -> u8 {
        match self {
            BinaryOp::Or => 1,
            BinaryOp::Xor => 2,
            BinaryOp::And => 3,
            BinaryOp::Eq
            | BinaryOp::Ne
            | BinaryOp::Lt
            | BinaryOp::Gt
            | BinaryOp::Le
            | BinaryOp::Ge => 5,
            BinaryOp::RegexMatch
            | BinaryOp::StartsWith
            | BinaryOp::EndsWith
            | BinaryOp::Contains
            | BinaryOp::In => 6,
            BinaryOp::Add | BinaryOp::Sub => 7,
            BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod => 8,
            BinaryOp::Pow => 9,
        }
    }

    /// Whether this is one of `= <> < > <= >=`.
    pub fn is_comparison(self) -> bool {
        self.precedence() == 5
    }
}

/// `all`, `any`, `none` or `single` over a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Quantifier {
    /// `all(x IN list WHERE pred)`.
    All,
    /// `any(x IN list WHERE pred)`.
    Any,
    /// `none(x IN list WHERE pred)`.
    None,
    /// `single(x IN list WHERE pred)`.
    Single,
}

impl Quantifier {
    /// The function name as written in canonical Cypher.
    pub fn as_str(self) -> &'static str {
        match self {
            Quantifier::All => "all",
            Quantifier::Any => "any",
            Quantifier::None => "none",
            Quantifier::Single => "single",
        }
    }
}

/// One `WHEN cond THEN value` of a `CASE`.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseWhen {
    /// The condition (generic form) or the value compared with the operand
    /// (simple form).
    pub when: Expr,
    /// The result.
    pub then: Expr,
}

/// One entry of a map projection `n{...}`.
#[derive(Debug, Clone, PartialEq)]
pub enum MapProjectionItem {
    /// `.key`: the property of that name.
    Property(Ident),
    /// `.*`: all properties.
    AllProperties(Span),
    /// `key: expr`.
    Literal(Ident, Expr),
    /// `v`: the variable `v` under its own name.
    Variable(Ident),
}

/// What an `EXISTS { ... }` subquery holds.
#[derive(Debug, Clone, PartialEq)]
pub enum ExistsBody {
    /// `EXISTS { (a)-->(b) WHERE b.x = 1 }`: a pattern with an optional filter.
    Pattern {
        /// The pattern parts.
        pattern: Pattern,
        /// The filter.
        where_: Option<Expr>,
    },
    /// `EXISTS { MATCH (a)-->(b) RETURN b }`: a full query.
    Query(Query),
}

/// What an expression is.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// A literal.
    Literal(Literal),
    /// `$name` or `$0`.
    Parameter(String),
    /// A variable.
    Variable(String),
    /// `[a, b, c]`.
    List(Vec<Expr>),
    /// `{key: value, ...}`.
    Map(Vec<(Ident, Expr)>),
    /// `base.key`.
    Property {
        /// The map, node or relationship.
        base: Box<Expr>,
        /// The key.
        key: Ident,
    },
    /// `base[index]` (list index or dynamic map key).
    Index {
        /// The list or map.
        base: Box<Expr>,
        /// The index or key.
        index: Box<Expr>,
    },
    /// `base[from..to]`, either bound optional.
    Slice {
        /// The list.
        base: Box<Expr>,
        /// Start (inclusive).
        from: Option<Box<Expr>>,
        /// End (exclusive).
        to: Option<Box<Expr>>,
    },
    /// `n:A:B` used as a predicate.
    HasLabels {
        /// The node (or relationship) expression.
        base: Box<Expr>,
        /// Labels that must all be present.
        labels: Vec<Ident>,
    },
    /// A unary operator.
    Unary {
        /// The operator.
        op: UnaryOp,
        /// Its operand.
        operand: Box<Expr>,
    },
    /// A binary operator (comparison chains are already split into `AND`s).
    Binary {
        /// The operator.
        op: BinaryOp,
        /// Left operand.
        lhs: Box<Expr>,
        /// Right operand.
        rhs: Box<Expr>,
    },
    /// `expr IS NULL` (or `IS NOT NULL` when `negated`).
    IsNull {
        /// The tested expression.
        expr: Box<Expr>,
        /// `IS NOT NULL`.
        negated: bool,
    },
    /// `CASE [operand] WHEN .. THEN .. [ELSE ..] END`.
    Case {
        /// The operand of the simple form.
        operand: Option<Box<Expr>>,
        /// The alternatives, at least one.
        whens: Vec<CaseWhen>,
        /// The `ELSE` value.
        else_: Option<Box<Expr>>,
    },
    /// `name(args)` or `ns.name(DISTINCT args)`.
    FunctionCall {
        /// Namespace parts before the name, e.g. `date` in `date.truncate`.
        namespace: Vec<Ident>,
        /// The function name as written (case preserved).
        name: Ident,
        /// `DISTINCT` before the arguments (aggregates).
        distinct: bool,
        /// The arguments.
        args: Vec<Expr>,
    },
    /// `count(*)`.
    CountStar,
    /// `[x IN list WHERE pred | expr]`.
    ListComprehension {
        /// The element variable.
        variable: Ident,
        /// The list.
        list: Box<Expr>,
        /// The `WHERE` filter.
        filter: Option<Box<Expr>>,
        /// The `| expr` mapping.
        map: Option<Box<Expr>>,
    },
    /// `[p = (a)-->(b) WHERE pred | expr]`.
    PatternComprehension {
        /// The path variable.
        variable: Option<Ident>,
        /// The relationship pattern.
        pattern: Box<PathPattern>,
        /// The `WHERE` filter.
        filter: Option<Box<Expr>>,
        /// The collected expression.
        map: Box<Expr>,
    },
    /// `all(x IN list WHERE pred)` and friends.
    Quantified {
        /// Which quantifier.
        quantifier: Quantifier,
        /// The element variable.
        variable: Ident,
        /// The list.
        list: Box<Expr>,
        /// The predicate.
        filter: Option<Box<Expr>>,
    },
    /// A relationship pattern used as a boolean: `(a)-[:MET]->(b)`.
    PatternPredicate(Box<PathPattern>),
    /// `EXISTS { ... }`.
    Exists(Box<ExistsBody>),
    /// `n{.name, .*, k: expr, v}`.
    MapProjection {
        /// The projected variable.
        base: Ident,
        /// The entries in order.
        items: Vec<MapProjectionItem>,
    },
}

impl ExprKind {
    /// Binding strength for printing: an operand that binds more loosely
    /// than its context needs parentheses.
    fn precedence(&self) -> u8 {
        match self {
            ExprKind::Binary { op, .. } => op.precedence(),
            ExprKind::Unary {
                op: UnaryOp::Not, ..
            } => 4,
            ExprKind::IsNull { .. } => 6,
            ExprKind::Unary { .. } => 10,
            ExprKind::Literal(Literal::Integer { text, .. } | Literal::Float { text, .. })
                if text.starts_with('-') =>
            {
                10
            }
            ExprKind::HasLabels { .. } => 11,
            ExprKind::Property { .. } | ExprKind::Index { .. } | ExprKind::Slice { .. } => 12,
            _ => 13,
        }
    }
}

/// Displays `e` in parentheses when it binds more loosely than `min`.
struct Operand<'a>(&'a Expr, u8);

impl fmt::Display for Operand<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.kind.precedence() < self.1 {
            write!(f, "({})", self.0)
        } else {
            write!(f, "{}", self.0)
        }
    }
}

/// Writes a string literal in single quotes with Cypher escapes.
pub fn write_string_literal(f: &mut impl fmt::Write, s: &str) -> fmt::Result {
    f.write_char('\'')?;
    for c in s.chars() {
        match c {
            '\'' => f.write_str("\\'")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\r' => f.write_str("\\r")?,
            '\t' => f.write_str("\\t")?,
            '\u{8}' => f.write_str("\\b")?,
            '\u{c}' => f.write_str("\\f")?,
            c if c.is_control() && (c as u32) <= 0xFFFF => write!(f, "\\u{:04X}", c as u32)?,
            c if c.is_control() => write!(f, "\\U{:08X}", c as u32)?,
            c => f.write_char(c)?,
        }
    }
    f.write_char('\'')
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Integer { text, .. } | Literal::Float { text, .. } => f.write_str(text),
            Literal::String(s) => write_string_literal(f, s),
            Literal::Bool(true) => f.write_str("true"),
            Literal::Bool(false) => f.write_str("false"),
            Literal::Null => f.write_str("null"),
        }
    }
}

/// Writes a parameter name after `$`: digits and plain names as they are.
fn write_parameter(f: &mut fmt::Formatter<'_>, name: &str) -> fmt::Result {
    f.write_str("$")?;
    if !name.is_empty() && name.chars().all(|c| c.is_ascii_digit()) {
        f.write_str(name)
    } else {
        write_name(f, name)
    }
}

/// Displays a label, relationship type or property key: these may be
/// reserved words (`n.count`, `:End`), so only names that are not plain
/// identifiers need backticks.
struct SchemaName<'a>(&'a Ident);

impl fmt::Display for SchemaName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_function_name(f, &self.0.name)
    }
}

/// Writes a function name: plain identifiers as they are (reserved words
/// like `exists` included, since `exists(` is unambiguous), others quoted.
fn write_function_name(f: &mut fmt::Formatter<'_>, name: &str) -> fmt::Result {
    let mut chars = name.chars();
    // These words begin other expressions (`NOT (x)`, `CASE ...`).
    let expression_word = ["NOT", "TRUE", "FALSE", "NULL", "CASE"]
        .iter()
        .any(|w| w.eq_ignore_ascii_case(name));
    let plain = matches!(chars.next(), Some(c) if c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
        && !expression_word;
    if plain {
        f.write_str(name)
    } else {
        write!(f, "`{}`", name.replace('`', "``"))
    }
}

fn write_labels(f: &mut fmt::Formatter<'_>, labels: &[Ident]) -> fmt::Result {
    for label in labels {
        write!(f, ":{}", SchemaName(label))?;
    }
    Ok(())
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let prec = self.kind.precedence();
        match &self.kind {
            ExprKind::Literal(lit) => write!(f, "{lit}"),
            ExprKind::Parameter(name) => write_parameter(f, name),
            ExprKind::Variable(name) => write_name(f, name),
            ExprKind::List(items) => {
                f.write_str("[")?;
                write_items_unambiguous(f, items)?;
                f.write_str("]")
            }
            ExprKind::Map(entries) => write_map(f, entries),
            ExprKind::Property { base, key } => {
                write!(f, "{}.{}", Operand(base, 12), SchemaName(key))
            }
            ExprKind::Index { base, index } => write!(f, "{}[{index}]", Operand(base, 12)),
            ExprKind::Slice { base, from, to } => {
                write!(f, "{}[", Operand(base, 12))?;
                if let Some(from) = from {
                    write!(f, "{from}")?;
                }
                f.write_str("..")?;
                if let Some(to) = to {
                    write!(f, "{to}")?;
                }
                f.write_str("]")
            }
            ExprKind::HasLabels { base, labels } => {
                write!(f, "{}", Operand(base, 12))?;
                write_labels(f, labels)
            }
            ExprKind::Unary { op, operand } => match op {
                UnaryOp::Not => write!(f, "NOT {}", Operand(operand, 4)),
                UnaryOp::Neg | UnaryOp::Plus => {
                    let sign = if *op == UnaryOp::Neg { "-" } else { "+" };
                    let inner = match &operand.kind {
                        // `-(1)` must not print as `-1`, which is the
                        // literal minus one (the parser folds the sign).
                        ExprKind::Literal(Literal::Integer { .. } | Literal::Float { .. }) => {
                            format!("({operand})")
                        }
                        _ => Operand(operand, 10).to_string(),
                    };
                    // `- -1` must not print as `--1`, nor `- +1` as `-+1`.
                    if inner.starts_with(['-', '+']) {
                        write!(f, "{sign} {inner}")
                    } else {
                        write!(f, "{sign}{inner}")
                    }
                }
            },
            ExprKind::Binary { op, lhs, rhs } => {
                // Comparisons do not nest without parentheses (a chain means
                // AND); the other operators are left-associative.
                let left_min = if op.is_comparison() { prec + 1 } else { prec };
                write!(
                    f,
                    "{} {} {}",
                    Operand(lhs, left_min),
                    op.as_str(),
                    Operand(rhs, prec + 1)
                )
            }
            ExprKind::IsNull { expr, negated } => {
                let not = if *negated { " NOT" } else { "" };
                write!(f, "{} IS{not} NULL", Operand(expr, 6))
            }
            ExprKind::Case {
                operand,
                whens,
                else_,
            } => {
                f.write_str("CASE")?;
                if let Some(operand) = operand {
                    write!(f, " {operand}")?;
                }
                for w in whens {
                    write!(f, " WHEN {} THEN {}", w.when, w.then)?;
                }
                if let Some(e) = else_ {
                    write!(f, " ELSE {e}")?;
                }
                f.write_str(" END")
            }
            ExprKind::FunctionCall {
                namespace,
                name,
                distinct,
                args,
            } => {
                for ns in namespace {
                    write_function_name(f, &ns.name)?;
                    f.write_str(".")?;
                }
                write_function_name(f, &name.name)?;
                f.write_str("(")?;
                if *distinct {
                    f.write_str("DISTINCT ")?;
                }
                let quantifier_name = ["all", "any", "none", "single"]
                    .iter()
                    .any(|q| q.eq_ignore_ascii_case(&name.name));
                if namespace.is_empty() && quantifier_name && !*distinct {
                    write_items_unambiguous(f, args)?;
                } else {
                    write_joined(f, args, ", ")?;
                }
                f.write_str(")")
            }
            ExprKind::CountStar => f.write_str("count(*)"),
            ExprKind::ListComprehension {
                variable,
                list,
                filter,
                map,
            } => {
                write!(f, "[{variable} IN {list}")?;
                if let Some(filter) = filter {
                    write!(f, " WHERE {filter}")?;
                }
                if let Some(map) = map {
                    write!(f, " | {map}")?;
                }
                f.write_str("]")
            }
            ExprKind::PatternComprehension {
                variable,
                pattern,
                filter,
                map,
            } => {
                f.write_str("[")?;
                if let Some(v) = variable {
                    write!(f, "{v} = ")?;
                }
                write!(f, "{pattern}")?;
                if let Some(filter) = filter {
                    write!(f, " WHERE {filter}")?;
                }
                write!(f, " | {map}]")
            }
            ExprKind::Quantified {
                quantifier,
                variable,
                list,
                filter,
            } => {
                write!(f, "{}({variable} IN {list}", quantifier.as_str())?;
                if let Some(filter) = filter {
                    write!(f, " WHERE {filter}")?;
                }
                f.write_str(")")
            }
            ExprKind::PatternPredicate(path) => write!(f, "{path}"),
            ExprKind::Exists(body) => match body.as_ref() {
                ExistsBody::Pattern { pattern, where_ } => {
                    write!(f, "EXISTS {{ {pattern}")?;
                    if let Some(w) = where_ {
                        write!(f, " WHERE {w}")?;
                    }
                    f.write_str(" }")
                }
                ExistsBody::Query(q) => write!(f, "EXISTS {{ {q} }}"),
            },
            ExprKind::MapProjection { base, items } => {
                write!(f, "{base}{{")?;
                write_joined(f, items, ", ")?;
                f.write_str("}")
            }
        }
    }
}

/// Writes comma-separated items, putting a first item `x IN list` in
/// parentheses: unparenthesized, `[x IN list]` and `any(x IN list)` would
/// read back as a comprehension and a quantifier.
fn write_items_unambiguous(f: &mut fmt::Formatter<'_>, items: &[Expr]) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        let ambiguous = i == 0
            && matches!(&item.kind, ExprKind::Binary { op: BinaryOp::In, lhs, .. }
                if matches!(lhs.kind, ExprKind::Variable(_)));
        if ambiguous {
            write!(f, "({item})")?;
        } else {
            write!(f, "{item}")?;
        }
    }
    Ok(())
}

fn write_map(f: &mut fmt::Formatter<'_>, entries: &[(Ident, Expr)]) -> fmt::Result {
    f.write_str("{")?;
    for (i, (k, v)) in entries.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{}: {v}", SchemaName(k))?;
    }
    f.write_str("}")
}

impl fmt::Display for MapProjectionItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MapProjectionItem::Property(key) => write!(f, ".{}", SchemaName(key)),
            MapProjectionItem::AllProperties(_) => f.write_str(".*"),
            MapProjectionItem::Literal(key, value) => write!(f, "{}: {value}", SchemaName(key)),
            MapProjectionItem::Variable(v) => write!(f, "{v}"),
        }
    }
}

impl fmt::Display for NodePattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(")?;
        if let Some(v) = &self.variable {
            write!(f, "{v}")?;
        }
        write_labels(f, &self.labels)?;
        if let Some(p) = &self.properties {
            if self.variable.is_some() || !self.labels.is_empty() {
                f.write_str(" ")?;
            }
            write!(f, "{p}")?;
        }
        f.write_str(")")
    }
}

impl fmt::Display for VarLength {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("*")?;
        match (self.min, self.max) {
            (None, None) => Ok(()),
            (Some(a), Some(b)) if a == b => write!(f, "{a}"),
            (min, max) => {
                if let Some(a) = min {
                    write!(f, "{a}")?;
                }
                f.write_str("..")?;
                if let Some(b) = max {
                    write!(f, "{b}")?;
                }
                Ok(())
            }
        }
    }
}

impl fmt::Display for RelPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (head, tail) = match self.direction {
            Direction::Right => ("-", "->"),
            Direction::Left => ("<-", "-"),
            Direction::Undirected => ("-", "-"),
            Direction::Both => ("<-", "->"),
        };
        f.write_str(head)?;
        let empty = self.variable.is_none()
            && self.types.is_empty()
            && self.length.is_none()
            && self.properties.is_none();
        if !empty {
            f.write_str("[")?;
            if let Some(v) = &self.variable {
                write!(f, "{v}")?;
            }
            for (i, t) in self.types.iter().enumerate() {
                f.write_str(if i == 0 { ":" } else { "|" })?;
                write!(f, "{}", SchemaName(t))?;
            }
            if let Some(len) = &self.length {
                write!(f, "{len}")?;
            }
            if let Some(p) = &self.properties {
                write!(f, " {p}")?;
            }
            f.write_str("]")?;
        }
        f.write_str(tail)
    }
}

impl fmt::Display for PathPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.start)?;
        for step in &self.steps {
            write!(f, "{}{}", step.rel, step.node)?;
        }
        Ok(())
    }
}

impl fmt::Display for PatternPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(v) = &self.variable {
            write!(f, "{v} = ")?;
        }
        match self.shortest {
            None => write!(f, "{}", self.path),
            Some(Shortest::One) => write!(f, "shortestPath({})", self.path),
            Some(Shortest::All) => write!(f, "allShortestPaths({})", self.path),
        }
    }
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_joined(f, &self.parts, ", ")
    }
}

impl fmt::Display for ProjectionItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.expr)?;
        if let Some(alias) = &self.alias {
            write!(f, " AS {alias}")?;
        }
        Ok(())
    }
}

impl fmt::Display for SortItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.expr)?;
        if self.descending {
            f.write_str(" DESC")?;
        }
        Ok(())
    }
}

impl fmt::Display for Projection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.distinct {
            f.write_str("DISTINCT ")?;
        }
        if self.star {
            f.write_str("*")?;
            if !self.items.is_empty() {
                f.write_str(", ")?;
            }
        }
        write_joined(f, &self.items, ", ")?;
        if !self.order_by.is_empty() {
            f.write_str(" ORDER BY ")?;
            write_joined(f, &self.order_by, ", ")?;
        }
        if let Some(skip) = &self.skip {
            write!(f, " SKIP {skip}")?;
        }
        if let Some(limit) = &self.limit {
            write!(f, " LIMIT {limit}")?;
        }
        Ok(())
    }
}

impl fmt::Display for SetItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SetItem::Property {
                entity, key, value, ..
            } => write!(f, "{}.{} = {value}", Operand(entity, 12), SchemaName(key)),
            SetItem::Replace {
                variable, value, ..
            } => write!(f, "{variable} = {value}"),
            SetItem::Update {
                variable, value, ..
            } => write!(f, "{variable} += {value}"),
            SetItem::Labels {
                variable, labels, ..
            } => {
                write!(f, "{variable}")?;
                write_labels(f, labels)
            }
        }
    }
}

impl fmt::Display for RemoveItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RemoveItem::Property { entity, key, .. } => {
                write!(f, "{}.{}", Operand(entity, 12), SchemaName(key))
            }
            RemoveItem::Labels {
                variable, labels, ..
            } => {
                write!(f, "{variable}")?;
                write_labels(f, labels)
            }
        }
    }
}

impl fmt::Display for MergeAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let on = if self.on_create { "CREATE" } else { "MATCH" };
        write!(f, "ON {on} SET ")?;
        write_joined(f, &self.items, ", ")
    }
}

impl fmt::Display for Clause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Clause::Match(m) => {
                if m.optional {
                    f.write_str("OPTIONAL ")?;
                }
                write!(f, "MATCH {}", m.pattern)?;
                if let Some(w) = &m.where_ {
                    write!(f, " WHERE {w}")?;
                }
                Ok(())
            }
            Clause::With(w) => {
                write!(f, "WITH {}", w.projection)?;
                if let Some(cond) = &w.where_ {
                    write!(f, " WHERE {cond}")?;
                }
                Ok(())
            }
            Clause::Return(r) => write!(f, "RETURN {}", r.projection),
            Clause::Unwind(u) => write!(f, "UNWIND {} AS {}", u.expr, u.variable),
            Clause::Create(c) => write!(f, "CREATE {}", c.pattern),
            Clause::Merge(m) => {
                write!(f, "MERGE {}", m.pattern)?;
                for action in &m.actions {
                    write!(f, " {action}")?;
                }
                Ok(())
            }
            Clause::Set(s) => {
                f.write_str("SET ")?;
                write_joined(f, &s.items, ", ")
            }
            Clause::Remove(r) => {
                f.write_str("REMOVE ")?;
                write_joined(f, &r.items, ", ")
            }
            Clause::Delete(d) => {
                if d.detach {
                    f.write_str("DETACH ")?;
                }
                f.write_str("DELETE ")?;
                write_joined(f, &d.exprs, ", ")
            }
        }
    }
}

impl fmt::Display for SingleQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_joined(f, &self.clauses, " ")
    }
}

impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.first)?;
        for u in &self.unions {
            let all = if u.all { " ALL" } else { "" };
            write!(f, " UNION{all} {}", u.query)?;
        }
        Ok(())
    }
}

impl fmt::Display for Statement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.prefix {
            Some(Prefix::Explain) => f.write_str("EXPLAIN ")?,
            Some(Prefix::Profile) => f.write_str("PROFILE ")?,
            None => {}
        }
        write!(f, "{}", self.query)
    }
}

impl NodePattern {
    /// The property map or parameter, if any.
    fn exprs(&self) -> impl Iterator<Item = &Expr> {
        self.properties.iter()
    }
}

impl PathPattern {
    /// The property expressions of its nodes and relationships, in order.
    pub fn exprs(&self) -> Vec<&Expr> {
        let mut out: Vec<&Expr> = self.start.exprs().collect();
        for step in &self.steps {
            out.extend(step.rel.properties.iter());
            out.extend(step.node.exprs());
        }
        out
    }
}

impl Pattern {
    /// The property expressions of all its parts, in order.
    pub fn exprs(&self) -> Vec<&Expr> {
        self.parts.iter().flat_map(|p| p.path.exprs()).collect()
    }
}

impl Expr {
    /// The direct subexpressions in source order, including property maps
    /// inside pattern predicates and comprehensions, but not the clauses of
    /// an `EXISTS { MATCH ... }` subquery (see [`Query::for_each_expr`]).
    pub fn children(&self) -> Vec<&Expr> {
        let mut out = Vec::new();
        match &self.kind {
            ExprKind::Literal(_)
            | ExprKind::Parameter(_)
            | ExprKind::Variable(_)
            | ExprKind::CountStar => {}
            ExprKind::List(items) => out.extend(items),
            ExprKind::Map(entries) => out.extend(entries.iter().map(|(_, v)| v)),
            ExprKind::Property { base, .. } | ExprKind::HasLabels { base, .. } => out.push(&**base),
            ExprKind::Index { base, index } => {
                out.push(&**base);
                out.push(&**index);
            }
            ExprKind::Slice { base, from, to } => {
                out.push(&**base);
                out.extend(from.as_deref());
                out.extend(to.as_deref());
            }
            ExprKind::Unary { operand, .. } => out.push(&**operand),
            ExprKind::Binary { lhs, rhs, .. } => {
                out.push(&**lhs);
                out.push(&**rhs);
            }
            ExprKind::IsNull { expr, .. } => out.push(&**expr),
            ExprKind::Case {
                operand,
                whens,
                else_,
            } => {
                out.extend(operand.as_deref());
                for w in whens {
                    out.push(&w.when);
                    out.push(&w.then);
                }
                out.extend(else_.as_deref());
            }
            ExprKind::FunctionCall { args, .. } => out.extend(args),
            ExprKind::ListComprehension {
                list, filter, map, ..
            } => {
                out.push(&**list);
                out.extend(filter.as_deref());
                out.extend(map.as_deref());
            }
            ExprKind::PatternComprehension {
                pattern,
                filter,
                map,
                ..
            } => {
                out.extend(pattern.exprs());
                out.extend(filter.as_deref());
                out.push(&**map);
            }
            ExprKind::Quantified { list, filter, .. } => {
                out.push(&**list);
                out.extend(filter.as_deref());
            }
            ExprKind::PatternPredicate(path) => out.extend(path.exprs()),
            ExprKind::Exists(body) => match body.as_ref() {
                ExistsBody::Pattern { pattern, where_ } => {
                    out.extend(pattern.exprs());
                    out.extend(where_.iter());
                }
                ExistsBody::Query(_) => {}
            },
            ExprKind::MapProjection { items, .. } => {
                for item in items {
                    if let MapProjectionItem::Literal(_, v) = item {
                        out.push(v);
                    }
                }
            }
        }
        out
    }

    /// Calls `f` on this expression and every subexpression, parents
    /// first, descending into `EXISTS { ... }` subqueries too. The parser
    /// bounds the depth, so the recursion is bounded for parsed trees.
    pub fn walk(&self, f: &mut dyn FnMut(&Expr)) {
        f(self);
        for child in self.children() {
            child.walk(f);
        }
        if let ExprKind::Exists(body) = &self.kind
            && let ExistsBody::Query(q) = body.as_ref()
        {
            q.for_each_expr(f);
        }
    }
}

impl Clause {
    /// The top-level expressions of the clause in source order: items,
    /// filters, ordering, paging, pattern property maps, written values.
    pub fn exprs(&self) -> Vec<&Expr> {
        fn projection(p: &Projection) -> Vec<&Expr> {
            let mut out: Vec<&Expr> = p.items.iter().map(|i| &i.expr).collect();
            out.extend(p.order_by.iter().map(|s| &s.expr));
            out.extend(p.skip.iter());
            out.extend(p.limit.iter());
            out
        }
        fn set_item(item: &SetItem) -> Vec<&Expr> {
            match item {
                SetItem::Property { entity, value, .. } => vec![entity, value],
                SetItem::Replace { value, .. } | SetItem::Update { value, .. } => vec![value],
                SetItem::Labels { .. } => Vec::new(),
            }
        }
        match self {
            Clause::Match(m) => {
                let mut out = m.pattern.exprs();
                out.extend(m.where_.iter());
                out
            }
            Clause::With(w) => {
                let mut out = projection(&w.projection);
                out.extend(w.where_.iter());
                out
            }
            Clause::Return(r) => projection(&r.projection),
            Clause::Unwind(u) => vec![&u.expr],
            Clause::Create(c) => c.pattern.exprs(),
            Clause::Merge(m) => {
                let mut out = m.pattern.path.exprs();
                for action in &m.actions {
                    out.extend(action.items.iter().flat_map(set_item));
                }
                out
            }
            Clause::Set(s) => s.items.iter().flat_map(set_item).collect(),
            Clause::Remove(r) => r
                .items
                .iter()
                .filter_map(|item| match item {
                    RemoveItem::Property { entity, .. } => Some(entity),
                    RemoveItem::Labels { .. } => None,
                })
                .collect(),
            Clause::Delete(d) => d.exprs.iter().collect(),
        }
    }
}

impl Query {
    /// Calls `f` on every expression of every clause (see [`Expr::walk`]).
    pub fn for_each_expr(&self, f: &mut dyn FnMut(&Expr)) {
        let singles = std::iter::once(&self.first).chain(self.unions.iter().map(|u| &u.query));
        for single in singles {
            for clause in &single.clauses {
                for e in clause.exprs() {
                    e.walk(f);
                }
            }
        }
    }
}
