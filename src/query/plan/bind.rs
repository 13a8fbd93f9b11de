//! Binding: walks the AST clause by clause with a scope of variables, gives
//! every variable a slot, raises the semantic errors openCypher (and the
//! TCK) name, and emits the operators.

use std::collections::HashSet;
use std::sync::Arc;

use indexmap::IndexMap;

use super::pattern::{NodePart, PathPart, RelPart, lower_path};
use super::{
    AggregateCall, BinaryOp, CreateNode, CreatePattern, CreateRel, Expr, MapItem, Mode, Op,
    PathParts, PatternPlan, PropKey, Quantifier, QueryPlan, SetItem, Slot, StatementPlan, UnaryOp,
};
use crate::graph::{Direction, Graph};
use crate::query::ast;
use crate::query::error::{ErrorCode, QueryError};
use crate::query::functions::{self, ValueType};
use crate::query::value::Value;
use crate::span::Span;

/// What a variable is known to hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Node,
    Rel,
    RelList,
    Path,
    /// A value known not to be a node, relationship or path.
    Value,
    /// Anything (a parameter, a function's result, a property).
    Unknown,
}

fn err(code: ErrorCode, span: Span, message: impl Into<String>) -> QueryError {
    QueryError {
        code,
        span,
        message: message.into(),
    }
}

/// Plans a parsed statement. `src` is the text the statement's spans index
/// (column names are taken from it as written).
pub fn plan_statement(
    statement: &ast::Statement,
    src: &str,
    graph: &Graph,
) -> Result<StatementPlan, QueryError> {
    let mode = match statement.prefix {
        None => Mode::Run,
        Some(ast::Prefix::Explain) => Mode::Explain,
        Some(ast::Prefix::Profile) => Mode::Profile,
    };
    let q = &statement.query;
    let mut parts = Vec::new();
    let mut union_all = Vec::new();
    let (mut first, columns) = Binder::new(src, graph).single(&q.first)?;
    super::optimize::optimize(&mut first);
    parts.push(first);
    for u in &q.unions {
        let (mut part, cols) = Binder::new(src, graph).single(&u.query)?;
        super::optimize::optimize(&mut part);
        if cols != columns {
            return Err(err(
                ErrorCode::InvalidClauseComposition,
                u.span,
                "every query of a UNION must return the same columns",
            ));
        }
        if union_all.last().is_some_and(|a| *a != u.all) {
            return Err(err(
                ErrorCode::InvalidClauseComposition,
                u.span,
                "UNION and UNION ALL cannot be mixed",
            ));
        }
        union_all.push(u.all);
        parts.push(part);
    }
    Ok(StatementPlan {
        columns,
        parts,
        union_all,
        mode,
    })
}

struct Binder<'s> {
    src: &'s str,
    graph: &'s Graph,
    names: Vec<String>,
    kinds: Vec<Kind>,
    scope: IndexMap<String, Slot>,
    /// Aggregate calls found while lowering a projection item; `None` where
    /// aggregates are not allowed.
    aggregates: Option<Vec<AggregateCall>>,
    in_aggregate: bool,
    /// Slots declared by the clause being bound (for relationship reuse).
    clause_rels: HashSet<Slot>,
    /// While binding `ORDER BY`: the text of each projected item and its slot.
    projected: Vec<(String, Slot)>,
}

/// A projected column: its name, its text (for matching `ORDER BY`
/// expressions), its expression or the variable `*` carries, and its span.
type Entry<'a> = (String, String, Option<&'a ast::Expr>, Option<Slot>, Span);

fn text_key(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl<'s> Binder<'s> {
    fn new(src: &'s str, graph: &'s Graph) -> Binder<'s> {
        Binder {
            src,
            graph,
            names: Vec::new(),
            kinds: Vec::new(),
            scope: IndexMap::new(),
            aggregates: None,
            in_aggregate: false,
            clause_rels: HashSet::new(),
            projected: Vec::new(),
        }
    }

    fn text(&self, span: Span) -> &'s str {
        self.src.get(span.range()).unwrap_or("")
    }

    fn slot(&mut self, name: &str, kind: Kind) -> Slot {
        self.names.push(name.to_string());
        self.kinds.push(kind);
        self.names.len() - 1
    }

    fn anon(&mut self, kind: Kind) -> Slot {
        let n = format!("anon_{}", self.names.len());
        self.slot(&n, kind)
    }

    fn declare(&mut self, name: &str, kind: Kind) -> Slot {
        let s = self.slot(name, kind);
        self.scope.insert(name.to_string(), s);
        s
    }

    fn lookup(&self, id: &ast::Ident) -> Result<Slot, QueryError> {
        self.scope.get(&id.name).copied().ok_or_else(|| {
            err(
                ErrorCode::UndefinedVariable,
                id.span,
                format!("variable `{}` is not defined", id.name),
            )
        })
    }

    fn single(mut self, q: &ast::SingleQuery) -> Result<(QueryPlan, Vec<String>), QueryError> {
        let mut ops = Vec::new();
        let mut columns = Vec::new();
        let mut output = Vec::new();
        let n = q.clauses.len();
        for (i, clause) in q.clauses.iter().enumerate() {
            let last = i + 1 == n;
            match clause {
                ast::Clause::Match(m) => self.match_clause(m, &mut ops)?,
                ast::Clause::Unwind(u) => {
                    let expr = self.predicate(&u.expr)?;
                    if self.scope.contains_key(&u.variable.name) {
                        return Err(err(
                            ErrorCode::VariableAlreadyBound,
                            u.variable.span,
                            format!("variable `{}` is already bound", u.variable.name),
                        ));
                    }
                    let slot = self.declare(&u.variable.name, Kind::Unknown);
                    ops.push(Op::Unwind { expr, slot });
                }
                ast::Clause::With(w) => {
                    self.projection(&w.projection, false, w.where_.as_ref(), &mut ops)?;
                }
                ast::Clause::Return(r) => {
                    if !last {
                        return Err(err(
                            ErrorCode::InvalidClauseComposition,
                            r.span,
                            "RETURN must be the last clause",
                        ));
                    }
                    let (c, o) = self.projection(&r.projection, true, None, &mut ops)?;
                    columns = c;
                    output = o;
                }
                ast::Clause::Create(c) => self.create_clause(c, &mut ops)?,
                ast::Clause::Merge(m) => self.merge_clause(m, &mut ops)?,
                ast::Clause::Set(s) => {
                    let items = s
                        .items
                        .iter()
                        .map(|i| self.set_item(i))
                        .collect::<Result<_, _>>()?;
                    ops.push(Op::Set(items));
                }
                ast::Clause::Remove(r) => {
                    let items = r
                        .items
                        .iter()
                        .map(|i| self.remove_item(i))
                        .collect::<Result<_, _>>()?;
                    ops.push(Op::Remove(items));
                }
                ast::Clause::Delete(d) => {
                    let mut exprs = Vec::new();
                    for e in &d.exprs {
                        if matches!(e.kind, ast::ExprKind::HasLabels { .. }) {
                            return Err(err(
                                ErrorCode::InvalidDelete,
                                e.span,
                                "DELETE takes nodes, relationships or paths, not labels; use REMOVE",
                            ));
                        }
                        let x = self.expr(e)?;
                        let folded = self.fold_check(&x, e.span)?;
                        if folded
                            .as_ref()
                            .is_some_and(|v| !matches!(v, Value::Null | Value::List(_)))
                        {
                            return Err(err(
                                ErrorCode::InvalidArgumentType,
                                e.span,
                                "DELETE takes nodes, relationships or paths",
                            ));
                        }
                        if let Some(t) = static_type(&x, &self.kinds)
                            && !matches!(
                                t,
                                ValueType::Node
                                    | ValueType::Relationship
                                    | ValueType::Path
                                    | ValueType::Null
                                    | ValueType::List
                            )
                        {
                            return Err(err(
                                ErrorCode::InvalidArgumentType,
                                e.span,
                                "DELETE takes nodes, relationships or paths",
                            ));
                        }
                        exprs.push(x);
                    }
                    ops.push(Op::Delete {
                        exprs,
                        detach: d.detach,
                        span: d.span,
                    });
                }
            }
            if last
                && !matches!(
                    clause,
                    ast::Clause::Return(_)
                        | ast::Clause::Create(_)
                        | ast::Clause::Merge(_)
                        | ast::Clause::Set(_)
                        | ast::Clause::Remove(_)
                        | ast::Clause::Delete(_)
                )
            {
                return Err(err(
                    ErrorCode::InvalidClauseComposition,
                    clause.span(),
                    "a query must end with RETURN or an updating clause",
                ));
            }
        }
        Ok((
            QueryPlan {
                ops,
                width: self.names.len(),
                output,
                names: self.names,
            },
            columns,
        ))
    }

    // ---- patterns ----

    /// Resolves a path pattern's variables to slots for matching: bound
    /// variables keep their slot, new ones enter the scope.
    fn match_path(
        &mut self,
        variable: Option<&ast::Ident>,
        shortest: Option<ast::Shortest>,
        path: &ast::PathPattern,
        new_slots: &mut Vec<Slot>,
    ) -> Result<PathPart, QueryError> {
        let mut nodes = vec![self.match_node(&path.start, new_slots)?];
        let mut rels = Vec::new();
        for step in &path.steps {
            rels.push(self.match_rel(&step.rel, new_slots)?);
            nodes.push(self.match_node(&step.node, new_slots)?);
        }
        let path_slot = match variable {
            Some(v) => {
                if self.scope.contains_key(&v.name) {
                    return Err(err(
                        ErrorCode::VariableAlreadyBound,
                        v.span,
                        format!("variable `{}` is already bound", v.name),
                    ));
                }
                let s = self.declare(&v.name, Kind::Path);
                new_slots.push(s);
                Some(s)
            }
            None => None,
        };
        if shortest.is_some() && rels.len() != 1 {
            return Err(err(
                ErrorCode::InvalidRelationshipPattern,
                path.span,
                "shortestPath needs a pattern of one relationship",
            ));
        }
        Ok(PathPart {
            path: path_slot,
            shortest: shortest.map(|s| s == ast::Shortest::All),
            nodes,
            rels,
        })
    }

    fn kind_conflict(&self, id: &ast::Ident, slot: Slot, want: &[Kind]) -> Result<(), QueryError> {
        let k = self.kinds.get(slot).copied().unwrap_or(Kind::Unknown);
        if k == Kind::Unknown || want.contains(&k) {
            Ok(())
        } else {
            Err(err(
                ErrorCode::VariableTypeConflict,
                id.span,
                format!("variable `{}` is not a {}", id.name, kind_word(want[0])),
            ))
        }
    }

    fn match_node(
        &mut self,
        n: &ast::NodePattern,
        new_slots: &mut Vec<Slot>,
    ) -> Result<NodePart, QueryError> {
        let slot = match &n.variable {
            Some(v) => match self.scope.get(&v.name).copied() {
                Some(s) => {
                    self.kind_conflict(v, s, &[Kind::Node])?;
                    s
                }
                None => {
                    let s = self.declare(&v.name, Kind::Node);
                    new_slots.push(s);
                    s
                }
            },
            None => {
                let s = self.anon(Kind::Node);
                new_slots.push(s);
                s
            }
        };
        // The rarest label first: the scan starts from it (index statistics).
        let mut labels: Vec<Arc<str>> = n
            .labels
            .iter()
            .map(|l| Arc::from(l.name.as_str()))
            .collect();
        labels.sort_by_key(|l| self.graph.label_count(l));
        Ok(NodePart {
            slot,
            labels,
            props: self.prop_map(n.properties.as_ref())?,
        })
    }

    fn match_rel(
        &mut self,
        r: &ast::RelPattern,
        new_slots: &mut Vec<Slot>,
    ) -> Result<RelPart, QueryError> {
        let kind = if r.length.is_some() {
            Kind::RelList
        } else {
            Kind::Rel
        };
        let (slot, bound) = match &r.variable {
            Some(v) => match self.scope.get(&v.name).copied() {
                Some(s) => {
                    if self.clause_rels.contains(&s) {
                        return Err(err(
                            ErrorCode::RelationshipUniquenessViolation,
                            v.span,
                            format!("relationship `{}` is used twice in one pattern", v.name),
                        ));
                    }
                    self.kind_conflict(
                        v,
                        s,
                        if kind == Kind::RelList {
                            &[Kind::RelList, Kind::Value]
                        } else {
                            &[Kind::Rel]
                        },
                    )?;
                    (s, true)
                }
                None => {
                    let s = self.declare(&v.name, kind);
                    new_slots.push(s);
                    self.clause_rels.insert(s);
                    (s, false)
                }
            },
            None => {
                let s = self.anon(kind);
                new_slots.push(s);
                (s, false)
            }
        };
        Ok(RelPart {
            slot,
            bound,
            types: r.types.iter().map(|t| Arc::from(t.name.as_str())).collect(),
            props: self.prop_map(r.properties.as_ref())?,
            direction: direction(r.direction),
            range: r.length.map(|l| (l.min.unwrap_or(1), l.max)),
        })
    }

    /// A pattern's property map: a map literal (a parameter is refused).
    fn prop_map(&mut self, e: Option<&ast::Expr>) -> Result<Vec<(Arc<str>, Expr)>, QueryError> {
        let Some(e) = e else {
            return Ok(Vec::new());
        };
        match &e.kind {
            ast::ExprKind::Map(entries) => entries
                .iter()
                .map(|(k, v)| Ok((Arc::from(k.name.as_str()), self.expr(v)?)))
                .collect(),
            ast::ExprKind::Parameter(_) => Err(err(
                ErrorCode::InvalidParameterUse,
                e.span,
                "a parameter cannot stand for a pattern's property map",
            )),
            _ => Err(err(
                ErrorCode::InvalidArgumentType,
                e.span,
                "a pattern's properties must be a map",
            )),
        }
    }

    fn bound_slots(&self) -> HashSet<Slot> {
        self.scope.values().copied().collect()
    }

    fn match_clause(&mut self, m: &ast::Match, ops: &mut Vec<Op>) -> Result<(), QueryError> {
        let mut bound = self.bound_slots();
        let mut rels = Vec::new();
        let mut new_slots = Vec::new();
        let mut patterns = Vec::new();
        self.clause_rels.clear();
        for part in &m.pattern.parts {
            let path = self.match_path(
                part.variable.as_ref(),
                part.shortest,
                &part.path,
                &mut new_slots,
            )?;
            patterns.push(lower_path(&path, &mut bound, &mut rels));
        }
        self.clause_rels.clear();
        let filter = match &m.where_ {
            Some(w) => Some(self.condition(w)?),
            None => None,
        };
        ops.push(Op::Match {
            patterns,
            filter,
            optional: m.optional,
            new_slots,
            span: m.span,
            exists_from: None,
        });
        Ok(())
    }

    /// Resolves a path pattern for `CREATE` (or the creating half of `MERGE`).
    fn create_path(
        &mut self,
        part: &ast::PatternPart,
        merging: bool,
    ) -> Result<(CreatePattern, Vec<Slot>), QueryError> {
        let mut out = CreatePattern::default();
        if part.path.steps.is_empty()
            && let Some(v) = &part.path.start.variable
            && self.scope.contains_key(&v.name)
        {
            return Err(err(
                ErrorCode::VariableAlreadyBound,
                v.span,
                format!("variable `{}` is already bound", v.name),
            ));
        }
        let mut node_slots = vec![self.create_node(&part.path.start, &mut out, merging)?];
        for step in &part.path.steps {
            let r = &step.rel;
            let left = node_slots.last().copied().unwrap_or(0);
            let right = self.create_node(&step.node, &mut out, merging)?;
            node_slots.push(right);
            if let Some(v) = &r.variable
                && self.scope.contains_key(&v.name)
            {
                return Err(err(
                    ErrorCode::VariableAlreadyBound,
                    v.span,
                    format!("variable `{}` is already bound", v.name),
                ));
            }
            if r.types.len() != 1 {
                return Err(err(
                    ErrorCode::NoSingleRelationshipType,
                    r.span,
                    "a relationship to create needs exactly one type",
                ));
            }
            if r.length.is_some() {
                return Err(err(
                    ErrorCode::CreatingVarLength,
                    r.span,
                    "cannot create a variable-length relationship",
                ));
            }
            let (from, to) = match r.direction {
                ast::Direction::Right => (left, right),
                ast::Direction::Left => (right, left),
                _ if merging => (left, right),
                _ => {
                    return Err(err(
                        ErrorCode::RequiresDirectedRelationship,
                        r.span,
                        "a relationship to create needs a direction",
                    ));
                }
            };
            let slot = match &r.variable {
                Some(v) => self.declare(&v.name, Kind::Rel),
                None => self.anon(Kind::Rel),
            };
            let props = self.prop_map(r.properties.as_ref())?;
            out.rels.push(CreateRel {
                slot,
                from,
                to,
                ty: Arc::from(r.types[0].name.as_str()),
                props,
            });
        }
        if let Some(v) = &part.variable {
            if self.scope.contains_key(&v.name) {
                return Err(err(
                    ErrorCode::VariableAlreadyBound,
                    v.span,
                    format!("variable `{}` is already bound", v.name),
                ));
            }
            let slot = self.declare(&v.name, Kind::Path);
            out.path = Some((
                slot,
                PathParts {
                    start: node_slots[0],
                    hops: out
                        .rels
                        .iter()
                        .map(|r| r.slot)
                        .zip(node_slots.iter().skip(1).copied())
                        .collect(),
                },
            ));
        }
        Ok((out, node_slots))
    }

    fn create_node(
        &mut self,
        n: &ast::NodePattern,
        out: &mut CreatePattern,
        merging: bool,
    ) -> Result<Slot, QueryError> {
        let described = !n.labels.is_empty() || n.properties.is_some();
        if let Some(v) = &n.variable
            && let Some(s) = self.scope.get(&v.name).copied()
        {
            self.kind_conflict(v, s, &[Kind::Node])?;
            let created_here = out.nodes.iter().any(|c| c.slot == s && !c.bound);
            if described || (merging && created_here) {
                return Err(err(
                    ErrorCode::VariableAlreadyBound,
                    v.span,
                    format!("variable `{}` is already bound", v.name),
                ));
            }
            if !out.nodes.iter().any(|c| c.slot == s) {
                out.nodes.push(CreateNode {
                    slot: s,
                    bound: true,
                    labels: Vec::new(),
                    props: Vec::new(),
                });
            }
            return Ok(s);
        }
        let props = self.prop_map(n.properties.as_ref())?;
        let slot = match &n.variable {
            Some(v) => self.declare(&v.name, Kind::Node),
            None => self.anon(Kind::Node),
        };
        out.nodes.push(CreateNode {
            slot,
            bound: false,
            labels: n
                .labels
                .iter()
                .map(|l| Arc::from(l.name.as_str()))
                .collect(),
            props,
        });
        Ok(slot)
    }

    fn create_clause(&mut self, c: &ast::Create, ops: &mut Vec<Op>) -> Result<(), QueryError> {
        let mut patterns = Vec::new();
        for part in &c.pattern.parts {
            if part.shortest.is_some() {
                return Err(err(
                    ErrorCode::InvalidRelationshipPattern,
                    part.span,
                    "CREATE cannot create a shortest path",
                ));
            }
            patterns.push(self.create_path(part, false)?.0);
        }
        ops.push(Op::Create { patterns });
        Ok(())
    }

    fn merge_clause(&mut self, m: &ast::Merge, ops: &mut Vec<Op>) -> Result<(), QueryError> {
        let before = self.scope.clone();
        let mut bound = self.bound_slots();
        // First the creating half, which checks what may be created and
        // declares the new variables; the matching half reuses its slots.
        let (create, node_slots) = self.create_path(&m.pattern, true)?;
        let mut nodes = Vec::new();
        let all_nodes = std::iter::once(&m.pattern.path.start)
            .chain(m.pattern.path.steps.iter().map(|s| &s.node));
        for (n, slot) in all_nodes.zip(&node_slots) {
            nodes.push(NodePart {
                slot: *slot,
                labels: n
                    .labels
                    .iter()
                    .map(|l| Arc::from(l.name.as_str()))
                    .collect(),
                props: self.prop_map(n.properties.as_ref())?,
            });
        }
        let mut rels = Vec::new();
        for (step, c) in m.pattern.path.steps.iter().zip(&create.rels) {
            rels.push(RelPart {
                slot: c.slot,
                bound: false,
                types: step
                    .rel
                    .types
                    .iter()
                    .map(|t| Arc::from(t.name.as_str()))
                    .collect(),
                props: c.props.clone(),
                direction: direction(step.rel.direction),
                range: None,
            });
        }
        let path = PathPart {
            path: create.path.as_ref().map(|(s, _)| *s),
            shortest: None,
            nodes,
            rels,
        };
        let mut rel_slots = Vec::new();
        let pattern: PatternPlan = lower_path(&path, &mut bound, &mut rel_slots);
        let new_slots: Vec<Slot> = self
            .scope
            .iter()
            .filter(|(k, _)| !before.contains_key(*k))
            .map(|(_, s)| *s)
            .chain(create.nodes.iter().filter(|n| !n.bound).map(|n| n.slot))
            .chain(create.rels.iter().map(|r| r.slot))
            .collect();
        let mut on_create = Vec::new();
        let mut on_match = Vec::new();
        for action in &m.actions {
            for item in &action.items {
                let item = self.set_item(item)?;
                if action.on_create {
                    on_create.push(item);
                } else {
                    on_match.push(item);
                }
            }
        }
        ops.push(Op::Merge {
            pattern,
            create,
            new_slots,
            on_create,
            on_match,
        });
        Ok(())
    }

    fn set_item(&mut self, item: &ast::SetItem) -> Result<SetItem, QueryError> {
        Ok(match item {
            ast::SetItem::Property {
                entity, key, value, ..
            } => SetItem::Property {
                target: self.expr(entity)?,
                key: Arc::from(key.name.as_str()),
                value: self.expr(value)?,
            },
            ast::SetItem::Replace {
                variable, value, ..
            } => SetItem::Properties {
                target: Expr::Slot(self.lookup(variable)?),
                value: self.expr(value)?,
                merge: false,
            },
            ast::SetItem::Update {
                variable, value, ..
            } => SetItem::Properties {
                target: Expr::Slot(self.lookup(variable)?),
                value: self.expr(value)?,
                merge: true,
            },
            ast::SetItem::Labels {
                variable, labels, ..
            } => SetItem::Labels {
                target: Expr::Slot(self.lookup(variable)?),
                labels: labels.iter().map(|l| Arc::from(l.name.as_str())).collect(),
            },
        })
    }

    fn remove_item(&mut self, item: &ast::RemoveItem) -> Result<SetItem, QueryError> {
        Ok(match item {
            ast::RemoveItem::Property { entity, key, .. } => SetItem::Property {
                target: self.expr(entity)?,
                key: Arc::from(key.name.as_str()),
                value: Expr::Literal(Value::Null),
            },
            ast::RemoveItem::Labels {
                variable, labels, ..
            } => SetItem::Labels {
                target: Expr::Slot(self.lookup(variable)?),
                labels: labels.iter().map(|l| Arc::from(l.name.as_str())).collect(),
            },
        })
    }

    // ---- projections ----

    /// Binds `WITH` / `RETURN`; returns the column names and their slots.
    fn projection(
        &mut self,
        p: &ast::Projection,
        is_return: bool,
        where_: Option<&ast::Expr>,
        ops: &mut Vec<Op>,
    ) -> Result<(Vec<String>, Vec<Slot>), QueryError> {
        // (column name, text key for ORDER BY matching, AST expression or a
        // variable carried by `*`).
        let mut entries: Vec<Entry<'_>> = Vec::new();
        if p.star {
            let mut vars: Vec<(String, Slot)> =
                self.scope.iter().map(|(k, s)| (k.clone(), *s)).collect();
            vars.sort();
            if vars.is_empty() && p.items.is_empty() && is_return {
                return Err(err(
                    ErrorCode::NoVariablesInScope,
                    p.span,
                    "RETURN * needs variables in scope",
                ));
            }
            for (name, slot) in vars {
                entries.push((name.clone(), name, None, Some(slot), p.span));
            }
        }
        let mut no_alias = None;
        for item in &p.items {
            // The item's own span keeps parentheses written around the expression.
            let text = if item.alias.is_none() {
                self.text(item.span).trim()
            } else {
                self.text(item.expr.span)
            };
            let name = match &item.alias {
                Some(a) => a.name.clone(),
                None => {
                    if !is_return
                        && !matches!(item.expr.kind, ast::ExprKind::Variable(_))
                        && no_alias.is_none()
                    {
                        // Reported after the checks of ORDER BY, which the
                        // TCK expects to win.
                        no_alias = Some(err(
                            ErrorCode::NoExpressionAlias,
                            item.span,
                            "an expression in WITH needs an alias (AS name)",
                        ));
                    }
                    match &item.expr.kind {
                        ast::ExprKind::Variable(v) => v.clone(),
                        _ => text.to_string(),
                    }
                }
            };
            if entries.iter().any(|e| e.0 == name) {
                return Err(err(
                    ErrorCode::ColumnNameConflict,
                    item.span,
                    format!("the column name `{name}` is used twice"),
                ));
            }
            entries.push((name, text_key(text), Some(&item.expr), None, item.span));
        }
        // Lower every item, collecting aggregates.
        let mut keys = Vec::new();
        let mut agg_items = Vec::new();
        let mut all_aggs = Vec::new();
        let mut new_scope: IndexMap<String, Slot> = IndexMap::new();
        let mut slots = Vec::new();
        let mut key_texts = Vec::new();
        for (name, key, e, carried, _span) in &entries {
            let (lowered, aggs) = match (e, carried) {
                (Some(e), _) => self.with_aggregates(e)?,
                (None, Some(s)) => (Expr::Slot(*s), Vec::new()),
                (None, None) => (Expr::Literal(Value::Null), Vec::new()),
            };
            let kind = match &lowered {
                Expr::Slot(s) => self.kinds.get(*s).copied().unwrap_or(Kind::Unknown),
                other => match static_type(other, &self.kinds) {
                    Some(
                        ValueType::Bool
                        | ValueType::Int
                        | ValueType::Float
                        | ValueType::String
                        | ValueType::List
                        | ValueType::Map,
                    ) => Kind::Value,
                    _ => Kind::Unknown,
                },
            };
            let slot = self.slot(name, kind);
            slots.push(slot);
            new_scope.insert(name.clone(), slot);
            if aggs.is_empty() {
                keys.push((lowered, slot));
                key_texts.push(key.clone());
            } else {
                all_aggs.extend(aggs);
                agg_items.push((lowered, slot));
            }
        }
        let aggregating = !all_aggs.is_empty();
        if aggregating {
            for (_, key, e, _, span) in &entries {
                if let Some(e) = e
                    && contains_aggregate(e)
                {
                    self.check_grouping(e, &key_texts, key, *span, false)?;
                }
            }
            ops.push(Op::Aggregate {
                keys,
                aggregates: all_aggs,
                items: agg_items,
            });
        } else {
            ops.push(Op::Project { items: keys });
        }
        if p.distinct {
            ops.push(Op::Distinct {
                slots: slots.clone(),
            });
        }
        // ORDER BY (and the WHERE of WITH) see the projected names and, unless
        // the projection aggregates or is DISTINCT, the variables from
        // before; an expression written as a projected item reads that
        // item's column, and new aggregates join the grouping.
        // After aggregation or DISTINCT only the projected names remain.
        let old_scope = std::mem::take(&mut self.scope);
        if !(aggregating || p.distinct) {
            self.scope = old_scope;
        }
        for (k, v) in &new_scope {
            self.scope.insert(k.clone(), *v);
        }
        self.projected = entries
            .iter()
            .zip(&slots)
            .filter(|(e, _)| e.2.is_some())
            .map(|(e, s)| (e.1.clone(), *s))
            .collect();
        let mut sort_keys = Vec::new();
        let mut extra_aggs = Vec::new();
        let mut failure = None;
        let mut allowed = key_texts.clone();
        allowed.extend(entries.iter().map(|e| e.0.clone()));
        for s in &p.order_by {
            if aggregating && contains_aggregate(&s.expr) {
                let own = text_key(self.text(s.expr.span));
                if let Err(e) = self.check_grouping(&s.expr, &allowed, &own, s.span, true) {
                    failure = Some(e);
                    break;
                }
            }
            let lowered = if aggregating {
                self.with_aggregates(&s.expr).map(|(e, aggs)| {
                    extra_aggs.extend(aggs);
                    e
                })
            } else {
                self.predicate(&s.expr)
            };
            match lowered {
                Ok(e) => sort_keys.push((e, s.descending)),
                Err(e) => {
                    failure = Some(e);
                    break;
                }
            }
        }
        let filter = match (failure.is_none(), where_) {
            (true, Some(w)) => match self.condition(w) {
                Ok(f) => Some(f),
                Err(e) => {
                    failure = Some(e);
                    None
                }
            },
            _ => None,
        };
        self.projected.clear();
        if let Some(e) = failure.or(no_alias) {
            return Err(e);
        }
        if !extra_aggs.is_empty()
            && let Some(Op::Aggregate { aggregates, .. }) = ops
                .iter_mut()
                .rev()
                .find(|o| matches!(o, Op::Aggregate { .. }))
        {
            aggregates.extend(extra_aggs);
        }
        self.scope = new_scope;
        let skip = match &p.skip {
            Some(e) => Some(self.constant(e, "SKIP")?),
            None => None,
        };
        let limit = match &p.limit {
            Some(e) => Some(self.constant(e, "LIMIT")?),
            None => None,
        };
        if !sort_keys.is_empty() {
            let top = limit.as_ref().map(|l| match &skip {
                Some(s) => Expr::Binary(BinaryOp::Add, Box::new(s.clone()), Box::new(l.clone())),
                None => l.clone(),
            });
            ops.push(Op::Sort {
                keys: sort_keys,
                top,
            });
        }
        if let Some(s) = skip {
            ops.push(Op::Skip(s));
        }
        if let Some(l) = limit {
            ops.push(Op::Limit(l));
        }
        if let Some(f) = filter {
            ops.push(Op::Filter(f));
        }
        let names = entries.into_iter().map(|e| e.0).collect();
        Ok((names, slots))
    }

    /// `SKIP` / `LIMIT`: an expression without variables.
    fn constant(&mut self, e: &ast::Expr, clause: &str) -> Result<Expr, QueryError> {
        let saved = std::mem::take(&mut self.scope);
        let lowered = self.expr(e);
        self.scope = saved;
        let lowered = lowered.map_err(|x| {
            if x.code == ErrorCode::UndefinedVariable {
                err(
                    ErrorCode::NonConstantExpression,
                    e.span,
                    format!("{clause} needs a constant expression"),
                )
            } else {
                x
            }
        })?;
        if let Expr::Literal(v) = &lowered {
            match v {
                Value::Int(n) if *n < 0 => {
                    return Err(err(
                        ErrorCode::NegativeIntegerArgument,
                        e.span,
                        format!("{clause} needs a non-negative integer"),
                    ));
                }
                Value::Int(_) => {}
                _ => {
                    return Err(err(
                        ErrorCode::InvalidArgumentType,
                        e.span,
                        format!("{clause} needs an integer"),
                    ));
                }
            }
        }
        Ok(lowered)
    }

    /// Checks that the parts of an aggregating item outside its aggregates
    /// are grouping keys (else `AmbiguousAggregationExpression`).
    fn check_grouping(
        &self,
        e: &ast::Expr,
        key_texts: &[String],
        own: &str,
        span: Span,
        order_by: bool,
    ) -> Result<(), QueryError> {
        let mut stack = vec![e];
        while let Some(e) = stack.pop() {
            let text = text_key(self.text(e.span));
            // Only variables and property reads count as grouping keys
            // inside an aggregating expression (openCypher 9, 4.4.5).
            let simple = matches!(e.kind, ast::ExprKind::Variable(_))
                || matches!(&e.kind, ast::ExprKind::Property { base, .. }
                    if matches!(base.kind, ast::ExprKind::Variable(_)));
            if simple && key_texts.contains(&text) && text != own {
                continue;
            }
            match &e.kind {
                ast::ExprKind::FunctionCall { name, .. } if functions::is_aggregate(&name.name) => {
                }
                ast::ExprKind::CountStar => {}
                ast::ExprKind::Variable(v) => {
                    // A variable that no projected expression mentions is
                    // simply out of scope.
                    let mentioned = key_texts.iter().any(|k| {
                        k.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                            .any(|w| w == v)
                    });
                    if order_by && !mentioned {
                        return Err(err(
                            ErrorCode::UndefinedVariable,
                            e.span,
                            format!("variable `{v}` is not defined"),
                        ));
                    }
                    return Err(err(
                        ErrorCode::AmbiguousAggregationExpression,
                        span,
                        format!("`{v}` is used beside an aggregate but is not a grouping key"),
                    ));
                }
                _ => stack.extend(children(e)),
            }
        }
        Ok(())
    }

    fn with_aggregates(&mut self, e: &ast::Expr) -> Result<(Expr, Vec<AggregateCall>), QueryError> {
        let saved = self.aggregates.replace(Vec::new());
        let lowered = self.root(e);
        let aggs = std::mem::replace(&mut self.aggregates, saved).unwrap_or_default();
        Ok((lowered?, aggs))
    }

    /// A `WHERE` condition: a value known not to be a boolean is refused.
    fn condition(&mut self, e: &ast::Expr) -> Result<Expr, QueryError> {
        let x = self.predicate(e)?;
        match static_type(&x, &self.kinds) {
            Some(ValueType::Bool | ValueType::Null) | None => Ok(x),
            Some(_) => Err(err(
                ErrorCode::InvalidArgumentType,
                e.span,
                "WHERE needs a boolean condition",
            )),
        }
    }

    fn predicate(&mut self, e: &ast::Expr) -> Result<Expr, QueryError> {
        let saved = self.aggregates.take();
        let r = self.root(e);
        self.aggregates = saved;
        r
    }

    // ---- expressions ----

    /// A constant expression that would fail with a type error fails now,
    /// at compile time, as openCypher's static checks do.
    fn fold_check(&self, e: &Expr, span: Span) -> Result<Option<Value>, QueryError> {
        if !is_constant(e, &mut Vec::new()) {
            return Ok(None);
        }
        let params = IndexMap::new();
        let guard = crate::query::eval::Guard::new(None, None, Some(1 << 24), span);
        let deleted = crate::query::eval::Deleted::default();
        let ctx = crate::query::eval::Ctx {
            graph: self.graph,
            params: &params,
            guard: &guard,
            deleted: &deleted,
            width: self.names.len(),
            keys: Default::default(),
        };
        match ctx.eval(e, &vec![Value::Null; self.names.len()]) {
            Ok(v) => Ok(Some(v)),
            Err(x) if x.code == ErrorCode::TypeInvalidArgumentType => {
                Err(err(ErrorCode::InvalidArgumentType, span, x.message))
            }
            Err(_) => Ok(None),
        }
    }

    /// Lowers a whole expression (a projection item, a predicate, a list
    /// to unwind) and checks it statically.
    fn root(&mut self, e: &ast::Expr) -> Result<Expr, QueryError> {
        let x = self.expr(e)?;
        self.fold_check(&x, e.span)?;
        Ok(x)
    }

    fn expr(&mut self, e: &ast::Expr) -> Result<Expr, QueryError> {
        use ast::ExprKind as K;
        if !self.projected.is_empty() && !matches!(e.kind, K::Variable(_) | K::Literal(_)) {
            let text = text_key(self.text(e.span));
            if let Some((_, slot)) = self.projected.iter().find(|(t, _)| *t == text) {
                return Ok(Expr::Slot(*slot));
            }
        }
        Ok(match &e.kind {
            K::Literal(l) => Expr::Literal(match l {
                ast::Literal::Integer { value, .. } => Value::Int(*value),
                ast::Literal::Float { value, .. } => Value::Float(*value),
                ast::Literal::String(s) => Value::String(s.as_str().into()),
                ast::Literal::Bool(b) => Value::Bool(*b),
                ast::Literal::Null => Value::Null,
            }),
            K::Parameter(p) => Expr::Parameter(p.clone()),
            K::Variable(v) => match self.scope.get(v) {
                Some(s) => Expr::Slot(*s),
                None => {
                    return Err(err(
                        ErrorCode::UndefinedVariable,
                        e.span,
                        format!("variable `{v}` is not defined"),
                    ));
                }
            },
            K::List(items) => Expr::List(
                items
                    .iter()
                    .map(|i| self.expr(i))
                    .collect::<Result<_, _>>()?,
            ),
            K::Map(entries) => Expr::Map(
                entries
                    .iter()
                    .map(|(k, v)| Ok((Arc::from(k.name.as_str()), self.expr(v)?)))
                    .collect::<Result<_, QueryError>>()?,
            ),
            K::Property { base, key } => {
                let b = self.expr(base)?;
                if let Some(t) = static_type(&b, &self.kinds)
                    && matches!(
                        t,
                        ValueType::Bool
                            | ValueType::Int
                            | ValueType::Float
                            | ValueType::String
                            | ValueType::List
                            | ValueType::Path
                    )
                {
                    return Err(err(
                        ErrorCode::InvalidArgumentType,
                        e.span,
                        "only nodes, relationships and maps have properties",
                    ));
                }
                Expr::Property(Box::new(b), PropKey::new(&key.name))
            }
            K::Index { base, index } => {
                let b = self.expr(base)?;
                let i = self.expr(index)?;
                let bt = static_type(&b, &self.kinds);
                let it = static_type(&i, &self.kinds);
                let bad = match (bt, it) {
                    (Some(ValueType::List), Some(t)) => {
                        !matches!(t, ValueType::Int | ValueType::Null)
                    }
                    (Some(ValueType::Map), Some(t)) => {
                        !matches!(t, ValueType::String | ValueType::Null)
                    }
                    (Some(ValueType::Bool | ValueType::Int | ValueType::Float), _) => true,
                    _ => false,
                };
                if bad {
                    return Err(err(
                        ErrorCode::InvalidArgumentType,
                        e.span,
                        "this value cannot be indexed so",
                    ));
                }
                Expr::Index(Box::new(b), Box::new(i))
            }
            K::Slice { base, from, to } => Expr::Slice(
                Box::new(self.expr(base)?),
                match from {
                    Some(f) => Some(Box::new(self.expr(f)?)),
                    None => None,
                },
                match to {
                    Some(t) => Some(Box::new(self.expr(t)?)),
                    None => None,
                },
            ),
            K::HasLabels { base, labels } => Expr::HasLabels(
                Box::new(self.expr(base)?),
                labels.iter().map(|l| Arc::from(l.name.as_str())).collect(),
            ),
            K::Unary { op, operand } => {
                let x = self.expr(operand)?;
                let op = match op {
                    ast::UnaryOp::Not => {
                        self.check_boolean(&x, operand.span)?;
                        UnaryOp::Not
                    }
                    ast::UnaryOp::Neg => UnaryOp::Neg,
                    ast::UnaryOp::Plus => UnaryOp::Plus,
                };
                let node = Expr::Unary(op, Box::new(x));
                if op == UnaryOp::Neg {
                    Expr::Located(e.span, Box::new(node))
                } else {
                    node
                }
            }
            K::Binary { op, lhs, rhs } => {
                let a = self.expr(lhs)?;
                let b = self.expr(rhs)?;
                let op = binary(*op);
                if matches!(op, BinaryOp::And | BinaryOp::Or | BinaryOp::Xor) {
                    self.check_boolean(&a, lhs.span)?;
                    self.check_boolean(&b, rhs.span)?;
                }
                let node = Expr::Binary(op, Box::new(a), Box::new(b));
                if matches!(
                    op,
                    BinaryOp::Add
                        | BinaryOp::Sub
                        | BinaryOp::Mul
                        | BinaryOp::Div
                        | BinaryOp::Rem
                        | BinaryOp::Pow
                ) {
                    Expr::Located(e.span, Box::new(node))
                } else {
                    node
                }
            }
            K::IsNull { expr, negated } => Expr::IsNull(Box::new(self.expr(expr)?), *negated),
            K::Case {
                operand,
                whens,
                else_,
            } => Expr::Case {
                operand: match operand {
                    Some(o) => Some(Box::new(self.expr(o)?)),
                    None => None,
                },
                whens: whens
                    .iter()
                    .map(|w| Ok((self.expr(&w.when)?, self.expr(&w.then)?)))
                    .collect::<Result<_, QueryError>>()?,
                default: match else_ {
                    Some(d) => Some(Box::new(self.expr(d)?)),
                    None => None,
                },
            },
            K::FunctionCall {
                namespace,
                name,
                distinct,
                args,
            } => {
                let mut full = String::new();
                for n in namespace {
                    full.push_str(&n.name);
                    full.push('.');
                }
                full.push_str(&name.name);
                let lower = full.to_lowercase();
                if functions::is_aggregate(&lower) {
                    self.aggregate(&lower, *distinct, args, e.span)?
                } else {
                    if !functions::exists(&lower) {
                        return Err(err(
                            ErrorCode::UnknownFunction,
                            name.span,
                            format!("unknown function `{full}`"),
                        ));
                    }
                    let lowered: Vec<Expr> = args
                        .iter()
                        .map(|a| self.expr(a))
                        .collect::<Result<_, _>>()?;
                    if let Some((min, max)) = functions::arity(&lower)
                        && (lowered.len() < min || lowered.len() > max)
                    {
                        return Err(err(
                            ErrorCode::InvalidArgumentType,
                            e.span,
                            format!("{full}() takes {min} to {max} arguments"),
                        ));
                    }
                    let types: Vec<Option<ValueType>> = lowered
                        .iter()
                        .map(|a| static_type(a, &self.kinds))
                        .collect();
                    functions::check_static(&lower, &types).map_err(|mut x| {
                        x.span = e.span;
                        x
                    })?;
                    Expr::Call {
                        name: lower,
                        args: lowered,
                        span: e.span,
                    }
                }
            }
            K::CountStar => self.aggregate("count", false, &[], e.span)?,
            K::ListComprehension {
                variable,
                list,
                filter,
                map,
            } => {
                let list = self.expr(list)?;
                let saved = self.scope.clone();
                let slot = self.declare(&variable.name, Kind::Unknown);
                let r = (|| -> Result<_, QueryError> {
                    let filter = match filter {
                        Some(f) => Some(Box::new(self.predicate(f)?)),
                        None => None,
                    };
                    let map = match map {
                        Some(m) => Some(Box::new(self.predicate(m)?)),
                        None => None,
                    };
                    Ok((filter, map))
                })();
                self.scope = saved;
                let (filter, map) = r?;
                Expr::ListComprehension {
                    slot,
                    list: Box::new(list),
                    filter,
                    map,
                }
            }
            K::Quantified {
                quantifier,
                variable,
                list,
                filter,
            } => {
                let list = self.expr(list)?;
                let saved = self.scope.clone();
                let slot = self.declare(&variable.name, Kind::Unknown);
                let predicate = match filter {
                    Some(f) => self.predicate(f),
                    None => Ok(Expr::Slot(slot)),
                };
                self.scope = saved;
                Expr::Quantified {
                    kind: match quantifier {
                        ast::Quantifier::All => Quantifier::All,
                        ast::Quantifier::Any => Quantifier::Any,
                        ast::Quantifier::None => Quantifier::None,
                        ast::Quantifier::Single => Quantifier::Single,
                    },
                    slot,
                    list: Box::new(list),
                    predicate: Box::new(predicate?),
                }
            }
            K::PatternComprehension {
                variable,
                pattern,
                filter,
                map,
            } => {
                let saved = self.scope.clone();
                let r = (|| -> Result<_, QueryError> {
                    let mut new_slots = Vec::new();
                    let path = self.match_path(variable.as_ref(), None, pattern, &mut new_slots)?;
                    let mut bound: HashSet<Slot> = saved.values().copied().collect();
                    let plan = lower_path(&path, &mut bound, &mut Vec::new());
                    let filter = match filter {
                        Some(f) => Some(Box::new(self.predicate(f)?)),
                        None => None,
                    };
                    let map = self.expr(map)?;
                    Ok((plan, filter, map))
                })();
                self.scope = saved;
                let (plan, filter, map) = r?;
                Expr::PatternComprehension {
                    pattern: Box::new(plan),
                    filter,
                    map: Box::new(map),
                }
            }
            K::PatternPredicate(path) if path.steps.is_empty() => {
                return Err(err(
                    ErrorCode::InvalidArgumentType,
                    e.span,
                    "a single node is not a pattern predicate",
                ));
            }
            K::PatternPredicate(path) => {
                let saved = self.scope.clone();
                let r = (|| -> Result<_, QueryError> {
                    self.no_new_variables(path)?;
                    let mut new_slots = Vec::new();
                    let part = self.match_path(None, None, path, &mut new_slots)?;
                    let mut bound: HashSet<Slot> = saved.values().copied().collect();
                    Ok(lower_path(&part, &mut bound, &mut Vec::new()))
                })();
                self.scope = saved;
                Expr::Exists {
                    patterns: vec![r?],
                    filter: None,
                }
            }
            K::Exists(body) => self.exists(body, e.span)?,
            K::MapProjection { base, items } => {
                let slot = self.lookup(base)?;
                let mut out = Vec::new();
                for item in items {
                    out.push(match item {
                        ast::MapProjectionItem::Property(k) => {
                            MapItem::Property(Arc::from(k.name.as_str()))
                        }
                        ast::MapProjectionItem::AllProperties(_) => MapItem::All,
                        ast::MapProjectionItem::Literal(k, v) => {
                            MapItem::Entry(Arc::from(k.name.as_str()), self.expr(v)?)
                        }
                        ast::MapProjectionItem::Variable(v) => {
                            MapItem::Entry(Arc::from(v.name.as_str()), Expr::Slot(self.lookup(v)?))
                        }
                    });
                }
                Expr::MapProjection(Box::new(Expr::Slot(slot)), out)
            }
        })
    }

    /// A pattern used as a predicate may not introduce variables.
    fn no_new_variables(&self, path: &ast::PathPattern) -> Result<(), QueryError> {
        let ids = std::iter::once(path.start.variable.as_ref())
            .chain(
                path.steps
                    .iter()
                    .flat_map(|s| [s.rel.variable.as_ref(), s.node.variable.as_ref()]),
            )
            .flatten();
        for id in ids {
            if !self.scope.contains_key(&id.name) {
                return Err(err(
                    ErrorCode::UndefinedVariable,
                    id.span,
                    format!("variable `{}` is not defined", id.name),
                ));
            }
        }
        Ok(())
    }

    fn exists(&mut self, body: &ast::ExistsBody, span: Span) -> Result<Expr, QueryError> {
        let saved_scope = self.scope.clone();
        let saved_aggs = self.aggregates.take();
        let r = (|| -> Result<Expr, QueryError> {
            let (patterns, where_): (Vec<&ast::Pattern>, Vec<&ast::Expr>) = match body {
                ast::ExistsBody::Pattern { pattern, where_ } => {
                    (vec![pattern], where_.iter().collect())
                }
                ast::ExistsBody::Query(q) => {
                    if !q.unions.is_empty() {
                        return Err(err(
                            ErrorCode::Unsupported,
                            span,
                            "EXISTS { ... UNION ... } is not supported",
                        ));
                    }
                    let simple = q.first.clauses.iter().all(|c| match c {
                        ast::Clause::Match(m) => !m.optional,
                        ast::Clause::Return(_) => true,
                        _ => false,
                    });
                    if !simple {
                        return self.exists_query(&q.first);
                    }
                    let mut ps = Vec::new();
                    let mut ws = Vec::new();
                    for c in &q.first.clauses {
                        match c {
                            ast::Clause::Match(m) if !m.optional => {
                                ps.push(&m.pattern);
                                ws.extend(m.where_.as_ref());
                            }
                            ast::Clause::Return(_) => {}
                            ast::Clause::Match(_)
                            | ast::Clause::With(_)
                            | ast::Clause::Unwind(_) => {
                                return Err(err(
                                    ErrorCode::Unsupported,
                                    c.span(),
                                    "EXISTS subqueries may hold MATCH clauses only",
                                ));
                            }
                            _ => {
                                return Err(err(
                                    ErrorCode::InvalidClauseComposition,
                                    c.span(),
                                    "an EXISTS subquery cannot update the graph",
                                ));
                            }
                        }
                    }
                    (ps, ws)
                }
            };
            let mut bound = self.bound_slots();
            let mut rels = Vec::new();
            let mut plans = Vec::new();
            self.clause_rels.clear();
            for pattern in patterns {
                for part in &pattern.parts {
                    let mut new_slots = Vec::new();
                    let path = self.match_path(
                        part.variable.as_ref(),
                        part.shortest,
                        &part.path,
                        &mut new_slots,
                    )?;
                    plans.push(lower_path(&path, &mut bound, &mut rels));
                }
            }
            self.clause_rels.clear();
            let mut filter: Option<Expr> = None;
            for w in where_ {
                let p = self.predicate(w)?;
                filter = Some(match filter {
                    Some(f) => Expr::Binary(BinaryOp::And, Box::new(f), Box::new(p)),
                    None => p,
                });
            }
            Ok(Expr::Exists {
                patterns: plans,
                filter: filter.map(Box::new),
            })
        })();
        self.scope = saved_scope;
        self.aggregates = saved_aggs;
        r
    }

    /// `EXISTS { MATCH ... WITH ... RETURN ... }`: the subquery's reading
    /// clauses, run from the outer row; true when they give any row.
    fn exists_query(&mut self, q: &ast::SingleQuery) -> Result<Expr, QueryError> {
        let mut ops = Vec::new();
        for c in &q.clauses {
            match c {
                ast::Clause::Match(m) => self.match_clause(m, &mut ops)?,
                ast::Clause::With(w) => {
                    self.projection(&w.projection, false, w.where_.as_ref(), &mut ops)?;
                }
                ast::Clause::Unwind(u) => {
                    let expr = self.predicate(&u.expr)?;
                    let slot = self.declare(&u.variable.name, Kind::Unknown);
                    ops.push(Op::Unwind { expr, slot });
                }
                ast::Clause::Return(r) => {
                    self.projection(&r.projection, true, None, &mut ops)?;
                }
                _ => {
                    return Err(err(
                        ErrorCode::InvalidClauseComposition,
                        c.span(),
                        "an EXISTS subquery cannot update the graph",
                    ));
                }
            }
        }
        Ok(Expr::ExistsQuery(ops))
    }

    fn aggregate(
        &mut self,
        name: &str,
        distinct: bool,
        args: &[ast::Expr],
        span: Span,
    ) -> Result<Expr, QueryError> {
        if self.in_aggregate {
            return Err(err(
                ErrorCode::NestedAggregation,
                span,
                "an aggregate cannot contain another",
            ));
        }
        if self.aggregates.is_none() {
            return Err(err(
                ErrorCode::InvalidAggregation,
                span,
                "aggregates are only allowed in WITH and RETURN",
            ));
        }
        self.in_aggregate = true;
        let lowered: Result<Vec<Expr>, QueryError> = args.iter().map(|a| self.expr(a)).collect();
        self.in_aggregate = false;
        let lowered = lowered?;
        if lowered.iter().any(contains_volatile) {
            return Err(err(
                ErrorCode::NonConstantExpression,
                span,
                "an aggregate's argument cannot call a random function",
            ));
        }
        let mut lowered = lowered.into_iter();
        let arg = lowered.next();
        let extra = lowered.next();
        if name == "count" && arg.is_none() && !args.is_empty() {
            return Err(err(
                ErrorCode::InvalidArgumentType,
                span,
                "count() needs an argument",
            ));
        }
        let slot = self.anon(Kind::Unknown);
        if let Some(aggs) = self.aggregates.as_mut() {
            aggs.push(AggregateCall {
                name: name.to_string(),
                distinct,
                arg,
                extra,
                slot,
            });
        }
        Ok(Expr::Slot(slot))
    }

    /// A literal operand of `AND`, `OR`, `XOR` or `NOT` must be a boolean.
    fn check_boolean(&self, e: &Expr, span: Span) -> Result<(), QueryError> {
        match static_type(e, &self.kinds) {
            Some(ValueType::Bool | ValueType::Null) | None => Ok(()),
            Some(_) => Err(err(
                ErrorCode::InvalidArgumentType,
                span,
                "a boolean operator needs boolean operands",
            )),
        }
    }
}

/// Whether `e` has the same value on every row: no variables (other than
/// the loop variables in `local`), parameters, patterns or random calls.
fn is_constant(e: &Expr, local: &mut Vec<Slot>) -> bool {
    match e {
        Expr::Literal(_) => true,
        Expr::Parameter(_)
        | Expr::PatternComprehension { .. }
        | Expr::Exists { .. }
        | Expr::Path(_)
        | Expr::ExistsQuery(_)
        | Expr::MapProjection(..) => false,
        Expr::Slot(s) => local.contains(s),
        Expr::Property(a, _)
        | Expr::Unary(_, a)
        | Expr::IsNull(a, _)
        | Expr::HasLabels(a, _)
        | Expr::Located(_, a) => is_constant(a, local),
        Expr::Index(a, b) | Expr::Binary(_, a, b) => is_constant(a, local) && is_constant(b, local),
        Expr::Slice(a, b, c) => {
            is_constant(a, local)
                && b.as_deref().is_none_or(|b| is_constant(b, local))
                && c.as_deref().is_none_or(|c| is_constant(c, local))
        }
        Expr::List(items) => items.iter().all(|i| is_constant(i, local)),
        Expr::Map(entries) => entries.iter().all(|(_, v)| is_constant(v, local)),
        Expr::Call { name, args, .. } => {
            !functions::is_volatile(name) && args.iter().all(|a| is_constant(a, local))
        }
        Expr::Case {
            operand,
            whens,
            default,
        } => {
            operand.as_deref().is_none_or(|o| is_constant(o, local))
                && whens
                    .iter()
                    .all(|(w, t)| is_constant(w, local) && is_constant(t, local))
                && default.as_deref().is_none_or(|d| is_constant(d, local))
        }
        Expr::ListComprehension {
            slot,
            list,
            filter,
            map,
        } => {
            if !is_constant(list, local) {
                return false;
            }
            local.push(*slot);
            let ok = filter.as_deref().is_none_or(|f| is_constant(f, local))
                && map.as_deref().is_none_or(|m| is_constant(m, local));
            local.pop();
            ok
        }
        Expr::Quantified {
            slot,
            list,
            predicate,
            ..
        } => {
            if !is_constant(list, local) {
                return false;
            }
            local.push(*slot);
            let ok = is_constant(predicate, local);
            local.pop();
            ok
        }
    }
}

/// Whether `e` calls a function whose value changes on each call.
fn contains_volatile(e: &Expr) -> bool {
    match e {
        Expr::Call { name, args, .. } => name == "rand" || args.iter().any(contains_volatile),
        Expr::Binary(_, a, b) => contains_volatile(a) || contains_volatile(b),
        Expr::Unary(_, a) | Expr::Property(a, _) | Expr::IsNull(a, _) | Expr::Located(_, a) => {
            contains_volatile(a)
        }
        Expr::List(items) => items.iter().any(contains_volatile),
        _ => false,
    }
}

fn kind_word(k: Kind) -> &'static str {
    match k {
        Kind::Node => "node",
        Kind::Rel => "relationship",
        Kind::RelList => "list of relationships",
        Kind::Path => "path",
        Kind::Value | Kind::Unknown => "value",
    }
}

fn direction(d: ast::Direction) -> Direction {
    match d {
        ast::Direction::Right => Direction::Outgoing,
        ast::Direction::Left => Direction::Incoming,
        ast::Direction::Undirected | ast::Direction::Both => Direction::Both,
    }
}

fn binary(op: ast::BinaryOp) -> BinaryOp {
    use ast::BinaryOp as A;
    match op {
        A::Or => BinaryOp::Or,
        A::Xor => BinaryOp::Xor,
        A::And => BinaryOp::And,
        A::Eq => BinaryOp::Eq,
        A::Ne => BinaryOp::Ne,
        A::Lt => BinaryOp::Lt,
        A::Gt => BinaryOp::Gt,
        A::Le => BinaryOp::Le,
        A::Ge => BinaryOp::Ge,
        A::RegexMatch => BinaryOp::Regex,
        A::StartsWith => BinaryOp::StartsWith,
        A::EndsWith => BinaryOp::EndsWith,
        A::Contains => BinaryOp::Contains,
        A::In => BinaryOp::In,
        A::Add => BinaryOp::Add,
        A::Sub => BinaryOp::Sub,
        A::Mul => BinaryOp::Mul,
        A::Div => BinaryOp::Div,
        A::Mod => BinaryOp::Rem,
        A::Pow => BinaryOp::Pow,
    }
}

/// The type of an expression when it is known at plan time.
fn static_type(e: &Expr, kinds: &[Kind]) -> Option<ValueType> {
    match e {
        Expr::Literal(v) => Some(ValueType::of(v)),
        Expr::List(_) | Expr::ListComprehension { .. } | Expr::PatternComprehension { .. } => {
            Some(ValueType::List)
        }
        Expr::Map(_) | Expr::MapProjection(..) => Some(ValueType::Map),
        Expr::Slot(s) => match kinds.get(*s) {
            Some(Kind::Node) => Some(ValueType::Node),
            Some(Kind::Rel) => Some(ValueType::Relationship),
            Some(Kind::Path) => Some(ValueType::Path),
            Some(Kind::RelList) => Some(ValueType::List),
            _ => None,
        },
        Expr::Exists { .. } | Expr::ExistsQuery(_) | Expr::IsNull(..) => Some(ValueType::Bool),
        _ => None,
    }
}

/// Whether an AST expression holds an aggregate call (outside nested scopes).
fn contains_aggregate(e: &ast::Expr) -> bool {
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        match &e.kind {
            ast::ExprKind::CountStar => return true,
            ast::ExprKind::FunctionCall {
                name, namespace, ..
            } if namespace.is_empty() && functions::is_aggregate(&name.name) => {
                return true;
            }
            _ => stack.extend(children(e)),
        }
    }
    false
}

/// The direct sub-expressions of `e` evaluated in its own scope.
fn children(e: &ast::Expr) -> Vec<&ast::Expr> {
    use ast::ExprKind as K;
    match &e.kind {
        K::Literal(_)
        | K::Parameter(_)
        | K::Variable(_)
        | K::CountStar
        | K::PatternPredicate(_)
        | K::Exists(_)
        | K::MapProjection { .. } => Vec::new(),
        K::List(items) => items.iter().collect(),
        K::Map(entries) => entries.iter().map(|(_, v)| v).collect(),
        K::Property { base, .. } | K::HasLabels { base, .. } => vec![base],
        K::Index { base, index } => vec![base, index],
        K::Slice { base, from, to } => std::iter::once(&**base)
            .chain(from.as_deref())
            .chain(to.as_deref())
            .collect(),
        K::Unary { operand, .. } => vec![operand],
        K::Binary { lhs, rhs, .. } => vec![lhs, rhs],
        K::IsNull { expr, .. } => vec![expr],
        K::Case {
            operand,
            whens,
            else_,
        } => operand
            .as_deref()
            .into_iter()
            .chain(whens.iter().flat_map(|w| [&w.when, &w.then]))
            .chain(else_.as_deref())
            .collect(),
        K::FunctionCall { args, .. } => args.iter().collect(),
        K::ListComprehension { list, .. } | K::Quantified { list, .. } => vec![list],
        K::PatternComprehension { .. } => Vec::new(),
    }
}
