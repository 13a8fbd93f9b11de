//! Errors of the query language: one [`QueryError`] type for parsing,
//! planning and evaluation.
//!
//! Each [`ErrorCode`] names the openCypher error detail the TCK expects
//! (`UndefinedVariable`, `InvalidNumberLiteral`, ...) and maps to its
//! [`ErrorKind`] (`SyntaxError`, `TypeError`, ...). Positions are kept as a
//! byte [`Span`]; line and column are computed only where the error is
//! printed, never formatted into the message.

use std::fmt;

use crate::span::Span;

/// An error of a query statement: what went wrong, where, and a message for
/// people (without position; the CLI adds `line:column`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct QueryError {
    /// The openCypher error detail.
    pub code: ErrorCode,
    /// The offending source text (byte offsets into the statement source).
    pub span: Span,
    /// A human-readable description, e.g. `Variable `b` not defined`.
    pub message: String,
}

impl QueryError {
    /// An error with the given code, span and message.
    pub fn new(code: ErrorCode, span: Span, message: impl Into<String>) -> QueryError {
        QueryError {
            code,
            span,
            message: message.into(),
        }
    }

    /// Whether the input ended while a statement was still open (a missing
    /// `)`, an unclosed string, `MATCH (n) RETURN` ...): the REPL reads
    /// another line instead of reporting the error.
    pub fn is_unexpected_end(&self) -> bool {
        self.code == ErrorCode::UnexpectedEnd
    }

    /// The openCypher kind of this error.
    pub fn kind(&self) -> ErrorKind {
        self.code.kind()
    }
}

/// The openCypher error classification (the `<Kind>` of the TCK's
/// "a `<Kind>` should be raised"), plus one kind of our own for a run that
/// was stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The query is not well-formed or not valid (raised before running).
    SyntaxError,
    /// The query is well-formed but means something not allowed.
    SemanticError,
    /// A value of the wrong type met an operator or function at run time.
    TypeError,
    /// A function argument has the right type but an invalid value.
    ArgumentError,
    /// A deleted node or relationship was read.
    EntityNotFound,
    /// A write would leave the graph inconsistent (e.g. a dangling
    /// relationship).
    ConstraintVerificationFailed,
    /// A parameter used by the query was not given.
    ParameterMissing,
    /// Not an openCypher kind: the run was stopped by cancellation, a time
    /// limit or a memory budget.
    Interrupted,
}

impl ErrorKind {
    /// The kind's name as the TCK writes it.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::SyntaxError => "SyntaxError",
            ErrorKind::SemanticError => "SemanticError",
            ErrorKind::TypeError => "TypeError",
            ErrorKind::ArgumentError => "ArgumentError",
            ErrorKind::EntityNotFound => "EntityNotFound",
            ErrorKind::ConstraintVerificationFailed => "ConstraintVerificationFailed",
            ErrorKind::ParameterMissing => "ParameterMissing",
            ErrorKind::Interrupted => "Interrupted",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The openCypher error detail, each documented by an input that raises it.
///
/// A few details occur under more than one kind in the TCK
/// (`InvalidArgumentType` is a SyntaxError, a TypeError or an ArgumentError
/// depending on where it is found); those have one variant per kind, and
/// [`ErrorCode::name`] gives the shared detail name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    // ---- SyntaxError, raised by the parser ----
    /// `MATCH (n) RETURN n +` and `RETURN 1 1`: a token that does not fit.
    UnexpectedSyntax,
    /// `MATCH (n` or `RETURN 'abc`: the input ends inside a statement.
    /// Reported under the detail name `UnexpectedSyntax`.
    UnexpectedEnd,
    /// `RETURN 0x` or `RETURN 1a`: a malformed number.
    InvalidNumberLiteral,
    /// `RETURN 9223372036854775808`: an integer literal beyond 64 bits.
    IntegerOverflow,
    /// `RETURN 1e309`: a float literal beyond the f64 range.
    FloatingPointOverflow,
    /// `RETURN '\uH'`: a malformed `\u` escape.
    InvalidUnicodeLiteral,
    /// A character that may not appear in a query, e.g. a non-breaking space
    /// or other unexpected Unicode outside strings.
    InvalidUnicodeCharacter,
    /// `MATCH (a)-[:A*1..2 {x: 1}]->(b)` written in a form the grammar
    /// forbids, e.g. `-[]-->` or a bad arrow.
    InvalidRelationshipPattern,
    /// `RETURN ((((...` nested deeper than the parser's limit.
    NestingTooDeep,

    // ---- SyntaxError, raised by the binder (compile time) ----
    /// `MATCH (a) RETURN b`: `b` is not bound.
    UndefinedVariable,
    /// `MATCH (a), (a)-[a]->()` or `CREATE (a) CREATE (a)`: the name is
    /// already bound in a way that forbids rebinding.
    VariableAlreadyBound,
    /// `MATCH (a)-[a]->()`: one name used as node and relationship.
    VariableTypeConflict,
    /// `RETURN size(1)` or `WITH 1 AS x MATCH (x)`: an argument (or a bound
    /// variable) of a type that cannot fit, known at compile time.
    InvalidArgumentType,
    /// `CREATE (a)-[:A|B]->(b)` or `CREATE (a)-->(b)`: a created
    /// relationship needs exactly one type.
    NoSingleRelationshipType,
    /// `CREATE (a)-[:T]-(b)`: a created relationship needs a direction.
    RequiresDirectedRelationship,
    /// `CREATE (a)-[:T*2]->(b)`: variable-length relationships cannot be
    /// created.
    CreatingVarLength,
    /// `MATCH (a) RETURN count(a) > 0 AND sum(a.x)` in a WHERE, or an
    /// aggregate in `WHERE`/`ORDER BY` where none is allowed.
    InvalidAggregation,
    /// `RETURN count(count(*))`: an aggregate inside an aggregate.
    NestedAggregation,
    /// `RETURN a.x + count(*)` when `a.x` is not a grouping key.
    AmbiguousAggregationExpression,
    /// `MATCH (n) RETURN n LIMIT n.x`: SKIP/LIMIT must not read rows.
    NonConstantExpression,
    /// `RETURN 1 SKIP -1`: a negative SKIP or LIMIT.
    NegativeIntegerArgument,
    /// `MATCH (n {name: $p}) ...` where a parameter is used where not
    /// allowed, e.g. `MATCH (n $map)`.
    InvalidParameterUse,
    /// `MATCH (a) DELETE a.name` or `DELETE 1 + 1`: not a node, relationship
    /// or path.
    InvalidDelete,
    /// `RETURN 1 AS a, 2 AS a`: two columns with the same name.
    ColumnNameConflict,
    /// `WITH a.x MATCH ...`: a non-variable `WITH` item needs `AS`.
    NoExpressionAlias,
    /// `RETURN foo(1)`: no such function.
    UnknownFunction,
    /// `MATCH (a)-[r]->(b)-[r]->(c)`: one relationship twice in a pattern.
    RelationshipUniquenessViolation,
    /// `RETURN *` or `WITH *` with no variable in scope.
    NoVariablesInScope,
    /// `MATCH (n) RETURN n UNION MATCH (n) RETURN n.x AS y`, or a clause
    /// where it may not stand (e.g. `RETURN 1 MATCH (n)`).
    InvalidClauseComposition,

    // ---- TypeError ----
    /// `WITH 1 AS x RETURN x.name` at run time, `[1][ 'a' ]`, `1 + true`:
    /// an operand of the wrong type.
    TypeInvalidArgumentType,
    /// `RETURN toInteger([1])`: an argument value that is not valid.
    InvalidArgumentValue,
    /// `WITH {a: 1} AS m RETURN m[1]`: a map indexed by a non-string.
    MapElementAccessByNonString,
    /// `CREATE (n {x: {a: 1}})`: a value a property cannot hold.
    InvalidPropertyType,

    // ---- ArgumentError ----
    /// `RETURN range(1, 'a')`: a function argument of the wrong type at run
    /// time (the TCK files this one under ArgumentError).
    ArgumentInvalidArgumentType,
    /// `RETURN range(1, 10, 0)` or `percentileCont(x, 2.0)`: a number out of
    /// the allowed range.
    NumberOutOfRange,

    // ---- SemanticError ----
    /// `MERGE (a {x: 1}) ON CREATE SET a.y = a.x` reading what it writes in a
    /// way openCypher forbids.
    MergeReadOwnWrites,
    /// Well-formed Cypher that newsgraph does not support (e.g. a construct
    /// outside the subset the grammar accepts but the planner cannot run).
    Unsupported,

    // ---- EntityNotFound ----
    /// `MATCH (n) DELETE n RETURN n.name`: reading a deleted entity.
    DeletedEntityAccess,

    // ---- ConstraintVerificationFailed ----
    /// `MATCH (n) DELETE n` when `n` still has relationships.
    DeleteConnectedNode,

    // ---- ParameterMissing ----
    /// `RETURN $x` when no parameter `x` was given.
    MissingParameter,

    // ---- Interrupted (not openCypher) ----
    /// The caller cancelled the run (Ctrl-C in the REPL).
    Cancelled,
    /// The run exceeded its time limit.
    Timeout,
    /// The run exceeded its memory budget.
    MemoryLimit,
}

impl ErrorCode {
    /// The openCypher kind this detail is raised under.
    pub fn kind(self) -> ErrorKind {
        use ErrorCode::*;
        match self {
            UnexpectedSyntax
            | UnexpectedEnd
            | InvalidNumberLiteral
            | IntegerOverflow
            | FloatingPointOverflow
            | InvalidUnicodeLiteral
            | InvalidUnicodeCharacter
            | InvalidRelationshipPattern
            | NestingTooDeep
            | UndefinedVariable
            | VariableAlreadyBound
            | VariableTypeConflict
            | InvalidArgumentType
            | NoSingleRelationshipType
            | RequiresDirectedRelationship
            | CreatingVarLength
            | InvalidAggregation
            | NestedAggregation
            | AmbiguousAggregationExpression
            | NonConstantExpression
            | NegativeIntegerArgument
            | InvalidParameterUse
            | InvalidDelete
            | ColumnNameConflict
            | NoExpressionAlias
            | UnknownFunction
            | RelationshipUniquenessViolation
            | NoVariablesInScope
            | InvalidClauseComposition => ErrorKind::SyntaxError,
            TypeInvalidArgumentType
            | InvalidArgumentValue
            | MapElementAccessByNonString
            | InvalidPropertyType => ErrorKind::TypeError,
            ArgumentInvalidArgumentType | NumberOutOfRange => ErrorKind::ArgumentError,
            MergeReadOwnWrites | Unsupported => ErrorKind::SemanticError,
            DeletedEntityAccess => ErrorKind::EntityNotFound,
            DeleteConnectedNode => ErrorKind::ConstraintVerificationFailed,
            MissingParameter => ErrorKind::ParameterMissing,
            Cancelled | Timeout | MemoryLimit => ErrorKind::Interrupted,
        }
    }

    /// The openCypher detail name as the TCK writes it
    /// (`UndefinedVariable`, `InvalidArgumentType`, ...).
    pub fn name(self) -> &'static str {
        use ErrorCode::*;
        match self {
            UnexpectedSyntax | UnexpectedEnd => "UnexpectedSyntax",
            InvalidNumberLiteral => "InvalidNumberLiteral",
            IntegerOverflow => "IntegerOverflow",
            FloatingPointOverflow => "FloatingPointOverflow",
            InvalidUnicodeLiteral => "InvalidUnicodeLiteral",
            InvalidUnicodeCharacter => "InvalidUnicodeCharacter",
            InvalidRelationshipPattern => "InvalidRelationshipPattern",
            NestingTooDeep => "NestingTooDeep",
            UndefinedVariable => "UndefinedVariable",
            VariableAlreadyBound => "VariableAlreadyBound",
            VariableTypeConflict => "VariableTypeConflict",
            InvalidArgumentType | TypeInvalidArgumentType | ArgumentInvalidArgumentType => {
                "InvalidArgumentType"
            }
            NoSingleRelationshipType => "NoSingleRelationshipType",
            RequiresDirectedRelationship => "RequiresDirectedRelationship",
            CreatingVarLength => "CreatingVarLength",
            InvalidAggregation => "InvalidAggregation",
            NestedAggregation => "NestedAggregation",
            AmbiguousAggregationExpression => "AmbiguousAggregationExpression",
            NonConstantExpression => "NonConstantExpression",
            NegativeIntegerArgument => "NegativeIntegerArgument",
            InvalidParameterUse => "InvalidParameterUse",
            InvalidDelete => "InvalidDelete",
            ColumnNameConflict => "ColumnNameConflict",
            NoExpressionAlias => "NoExpressionAlias",
            UnknownFunction => "UnknownFunction",
            RelationshipUniquenessViolation => "RelationshipUniquenessViolation",
            NoVariablesInScope => "NoVariablesInScope",
            InvalidClauseComposition => "InvalidClauseComposition",
            InvalidArgumentValue => "InvalidArgumentValue",
            MapElementAccessByNonString => "MapElementAccessByNonString",
            InvalidPropertyType => "InvalidPropertyType",
            NumberOutOfRange => "NumberOutOfRange",
            MergeReadOwnWrites => "MergeReadOwnWrites",
            Unsupported => "Unsupported",
            DeletedEntityAccess => "DeletedEntityAccess",
            DeleteConnectedNode => "DeleteConnectedNode",
            MissingParameter => "MissingParameter",
            Cancelled => "Cancelled",
            Timeout => "Timeout",
            MemoryLimit => "MemoryLimit",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.kind().name(), self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_details_keep_their_kind() {
        assert_eq!(
            ErrorCode::InvalidArgumentType.kind(),
            ErrorKind::SyntaxError
        );
        assert_eq!(
            ErrorCode::TypeInvalidArgumentType.kind(),
            ErrorKind::TypeError
        );
        assert_eq!(
            ErrorCode::ArgumentInvalidArgumentType.name(),
            ErrorCode::InvalidArgumentType.name()
        );
        assert_eq!(ErrorCode::UnexpectedEnd.name(), "UnexpectedSyntax");
        assert_eq!(
            ErrorCode::UndefinedVariable.to_string(),
            "SyntaxError.UndefinedVariable"
        );
    }

    #[test]
    fn unexpected_end_is_recognised() {
        let e = QueryError::new(ErrorCode::UnexpectedEnd, Span::at(3), "unexpected end");
        assert!(e.is_unexpected_end());
        assert_eq!(e.kind(), ErrorKind::SyntaxError);
    }
}
