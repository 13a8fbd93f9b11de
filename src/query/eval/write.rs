//! The updating clauses: `CREATE`, `MERGE`, `SET`, `REMOVE` and `DELETE`.
//! Each takes its input rows whole, changes the graph row by row, and
//! counts what changed in the statement's stats the way the TCK observes
//! it: a property is an (entity, key, value) triple, so overwriting a value
//! is one set and one removal, and deleting an entity removes its
//! properties too. Label counts are settled once per statement by the
//! caller, from the labels in use before and after.

use indexmap::{IndexMap, IndexSet};

use super::expr::at;
use super::pattern::Matcher;
use super::{Changes, Ctx, Deleted, Entity, Guard, Row};
use crate::graph::{Direction, EdgeId, Graph, GraphError, NodeId, PropertyValue};
use crate::query::error::{ErrorCode, QueryError};
use crate::query::plan::{CreatePattern, Expr, Op, SetItem};
use crate::query::value::Value;
use crate::span::Span;

struct Env<'a> {
    params: &'a IndexMap<String, Value>,
    guard: &'a Guard,
    width: usize,
}

impl Env<'_> {
    fn eval(
        &self,
        graph: &Graph,
        deleted: &Deleted,
        e: &Expr,
        row: &Row,
    ) -> Result<Value, QueryError> {
        let ctx = Ctx {
            graph,
            params: self.params,
            guard: self.guard,
            deleted,
            width: self.width,
            keys: Default::default(),
        };
        ctx.eval(e, row)
    }
}

fn error(code: ErrorCode, message: impl Into<String>) -> QueryError {
    QueryError {
        code,
        span: Span::default(),
        message: message.into(),
    }
}

fn graph_error(e: GraphError) -> QueryError {
    match e {
        GraphError::NodeHasEdges(_) => error(ErrorCode::DeleteConnectedNode, e.to_string()),
        _ => error(ErrorCode::DeletedEntityAccess, e.to_string()),
    }
}

/// Applies one updating operator to all `rows`; returns the rows that go on.
pub fn apply(
    graph: &mut Graph,
    op: &Op,
    rows: Vec<Row>,
    params: &IndexMap<String, Value>,
    guard: &Guard,
    deleted: &mut Deleted,
    stats: &mut Changes,
) -> Result<Vec<Row>, QueryError> {
    let env = Env {
        params,
        guard,
        width: rows.first().map_or(0, Vec::len),
    };
    match op {
        Op::Create { patterns } => {
            let mut out = Vec::with_capacity(rows.len());
            for mut row in rows {
                guard.tick()?;
                for p in patterns {
                    create(graph, &env, deleted, stats, p, &mut row, false)?;
                }
                out.push(row);
            }
            Ok(out)
        }
        Op::Merge {
            pattern,
            create: spec,
            new_slots,
            on_create,
            on_match,
        } => {
            let mut out = Vec::new();
            for row in rows {
                guard.tick()?;
                let matches: Vec<Row> = {
                    let ctx = Ctx {
                        graph,
                        params,
                        guard,
                        deleted,
                        width: env.width,
                        keys: Default::default(),
                    };
                    Matcher::new(
                        &ctx,
                        std::slice::from_ref(pattern),
                        None,
                        false,
                        new_slots,
                        row.clone(),
                    )
                    .collect::<Result<_, _>>()?
                };
                if matches.is_empty() {
                    let mut row = row;
                    create(graph, &env, deleted, stats, spec, &mut row, true)?;
                    for item in on_create {
                        set(graph, &env, deleted, stats, item, &row, false)?;
                    }
                    out.push(row);
                } else {
                    for m in matches {
                        for item in on_match {
                            set(graph, &env, deleted, stats, item, &m, false)?;
                        }
                        out.push(m);
                    }
                }
            }
            Ok(out)
        }
        Op::Set(items) => {
            for row in &rows {
                guard.tick()?;
                for item in items {
                    set(graph, &env, deleted, stats, item, row, false)?;
                }
            }
            Ok(rows)
        }
        Op::Remove(items) => {
            for row in &rows {
                guard.tick()?;
                for item in items {
                    set(graph, &env, deleted, stats, item, row, true)?;
                }
            }
            Ok(rows)
        }
        Op::Delete {
            exprs,
            detach,
            span,
        } => {
            delete(graph, &env, deleted, stats, exprs, *detach, &rows).map_err(at(*span))?;
            Ok(rows)
        }
        _ => Ok(rows),
    }
}

/// Evaluates a property map for a new entity; nulls are left out.
fn props(
    graph: &Graph,
    env: &Env<'_>,
    deleted: &Deleted,
    entries: &[(std::sync::Arc<str>, Expr)],
    row: &Row,
    merging: bool,
) -> Result<Vec<(std::sync::Arc<str>, PropertyValue)>, QueryError> {
    let mut out = Vec::with_capacity(entries.len());
    for (k, e) in entries {
        let v = env.eval(graph, deleted, e, row)?;
        if matches!(v, Value::Null) {
            if merging {
                return Err(error(
                    ErrorCode::MergeReadOwnWrites,
                    format!("MERGE cannot match or create a null property `{k}`"),
                ));
            }
            continue;
        }
        out.push((k.clone(), v.to_property()?));
    }
    Ok(out)
}

fn create(
    graph: &mut Graph,
    env: &Env<'_>,
    deleted: &Deleted,
    stats: &mut Changes,
    p: &CreatePattern,
    row: &mut Row,
    merging: bool,
) -> Result<(), QueryError> {
    for n in &p.nodes {
        if n.bound {
            match &row[n.slot] {
                Value::Node(id) if graph.node(*id).is_some() => continue,
                Value::Node(_) => {
                    return Err(error(
                        ErrorCode::DeletedEntityAccess,
                        "cannot create a relationship to a deleted node",
                    ));
                }
                other => {
                    return Err(error(
                        ErrorCode::InvalidArgumentValue,
                        format!("cannot create a relationship from a {}", other.type_name()),
                    ));
                }
            }
        }
        let values = props(graph, env, deleted, &n.props, row, merging)?;
        let id = graph.add_node(
            n.labels.iter().map(|l| &**l),
            values.iter().map(|(k, v)| (&**k, v.clone())),
        );
        stats.created(Entity::Node(id), values.iter().map(|(k, _)| &**k));
        row[n.slot] = Value::Node(id);
    }
    for r in &p.rels {
        let (Value::Node(from), Value::Node(to)) = (&row[r.from], &row[r.to]) else {
            return Err(error(
                ErrorCode::InvalidArgumentValue,
                "cannot create a relationship with a null end",
            ));
        };
        let (from, to) = (*from, *to);
        let values = props(graph, env, deleted, &r.props, row, merging)?;
        let id = graph
            .add_edge(
                from,
                to,
                &r.ty,
                values.iter().map(|(k, v)| (&**k, v.clone())),
            )
            .map_err(graph_error)?;
        stats.created(Entity::Edge(id), values.iter().map(|(k, _)| &**k));
        row[r.slot] = Value::Relationship(id);
    }
    if let Some((slot, parts)) = &p.path {
        let ctx = Ctx {
            graph,
            params: env.params,
            guard: env.guard,
            deleted,
            width: env.width,
            keys: Default::default(),
        };
        let path = ctx.path(parts, row);
        row[*slot] = path;
    }
    Ok(())
}

/// An entity's current value under `key`.
fn get_prop(graph: &Graph, target: &Value, key: &str) -> Option<PropertyValue> {
    match target {
        Value::Node(id) => graph.node(*id)?.property(key).cloned(),
        Value::Relationship(id) => graph.edge(*id)?.property(key).cloned(),
        _ => None,
    }
}

/// Writes one property and counts the triple change.
fn put_prop(
    graph: &mut Graph,
    stats: &mut Changes,
    target: &Value,
    key: &str,
    value: Option<PropertyValue>,
) -> Result<(), QueryError> {
    let old = get_prop(graph, target, key);
    if old == value {
        return Ok(());
    }
    let new = value.unwrap_or(PropertyValue::Null);
    match target {
        Value::Node(id) => {
            if graph.node(*id).is_none() {
                return Err(error(
                    ErrorCode::DeletedEntityAccess,
                    format!("node {} was deleted", id.0),
                ));
            }
            graph.set_node_property(*id, key, new);
        }
        Value::Relationship(id) => {
            graph
                .set_edge_property(*id, key, new)
                .map_err(graph_error)?;
        }
        _ => return Ok(()),
    }
    let entity = match target {
        Value::Node(id) => Entity::Node(*id),
        Value::Relationship(id) => Entity::Edge(*id),
        _ => return Ok(()),
    };
    stats.touched(entity, key, old);
    Ok(())
}

fn entity_keys(graph: &Graph, target: &Value) -> Vec<String> {
    let keys: Vec<crate::graph::Sym> = match target {
        Value::Node(id) => graph
            .node(*id)
            .map(|n| n.properties().iter().map(|(k, _)| k).collect())
            .unwrap_or_default(),
        Value::Relationship(id) => graph
            .edge(*id)
            .map(|e| e.properties().iter().map(|(k, _)| k).collect())
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    keys.into_iter()
        .map(|k| graph.resolve(k).to_string())
        .collect()
}

fn check_target(target: &Value, what: &str) -> Result<bool, QueryError> {
    match target {
        Value::Null => Ok(false),
        Value::Node(_) | Value::Relationship(_) => Ok(true),
        other => Err(error(
            ErrorCode::TypeInvalidArgumentType,
            format!(
                "{what} needs a node or a relationship, found {}",
                other.type_name()
            ),
        )),
    }
}

fn set(
    graph: &mut Graph,
    env: &Env<'_>,
    deleted: &Deleted,
    stats: &mut Changes,
    item: &SetItem,
    row: &Row,
    removing: bool,
) -> Result<(), QueryError> {
    match item {
        SetItem::Property { target, key, value } => {
            let t = env.eval(graph, deleted, target, row)?;
            let v = env.eval(graph, deleted, value, row)?;
            if !check_target(&t, "SET")? {
                return Ok(());
            }
            let v = match v {
                Value::Null => None,
                v => Some(v.to_property()?),
            };
            put_prop(graph, stats, &t, key, v)
        }
        SetItem::Properties {
            target,
            value,
            merge,
        } => {
            let t = env.eval(graph, deleted, target, row)?;
            let v = env.eval(graph, deleted, value, row)?;
            if !check_target(&t, "SET")? {
                return Ok(());
            }
            let entries: Vec<(String, Value)> = match v {
                Value::Map(m) => m.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
                Value::Null => Vec::new(),
                e @ (Value::Node(_) | Value::Relationship(_)) => entity_keys(graph, &e)
                    .into_iter()
                    .map(|k| {
                        let v = get_prop(graph, &e, &k)
                            .map_or(Value::Null, |p| Value::from_property(&p));
                        (k, v)
                    })
                    .collect(),
                other => {
                    return Err(error(
                        ErrorCode::TypeInvalidArgumentType,
                        format!("SET = needs a map, found {}", other.type_name()),
                    ));
                }
            };
            if !*merge {
                for k in entity_keys(graph, &t) {
                    if !entries.iter().any(|(n, _)| *n == k) {
                        put_prop(graph, stats, &t, &k, None)?;
                    }
                }
            }
            for (k, v) in entries {
                let v = match v {
                    Value::Null => None,
                    v => Some(v.to_property()?),
                };
                put_prop(graph, stats, &t, &k, v)?;
            }
            Ok(())
        }
        SetItem::Labels { target, labels } => {
            let t = env.eval(graph, deleted, target, row)?;
            match t {
                Value::Null => Ok(()),
                Value::Node(id) => {
                    if graph.node(id).is_none() {
                        return Err(error(
                            ErrorCode::DeletedEntityAccess,
                            format!("node {} was deleted", id.0),
                        ));
                    }
                    for l in labels {
                        if removing {
                            graph.remove_label(id, l);
                        } else {
                            graph.add_label(id, l);
                        }
                    }
                    Ok(())
                }
                other => Err(error(
                    ErrorCode::TypeInvalidArgumentType,
                    format!("labels belong to nodes, not to a {}", other.type_name()),
                )),
            }
        }
    }
}

fn delete(
    graph: &mut Graph,
    env: &Env<'_>,
    deleted: &mut Deleted,
    stats: &mut Changes,
    exprs: &[Expr],
    detach: bool,
    rows: &[Row],
) -> Result<(), QueryError> {
    let mut nodes: IndexSet<NodeId> = IndexSet::new();
    let mut edges: IndexSet<EdgeId> = IndexSet::new();
    for row in rows {
        env.guard.tick()?;
        for e in exprs {
            let v = env.eval(graph, deleted, e, row)?;
            collect_deletes(v, &mut nodes, &mut edges)?;
        }
    }
    for e in edges {
        if let Some(r) = graph.edge(e) {
            deleted
                .edge_types
                .insert(e, std::sync::Arc::from(r.edge_type()));
            stats.deleting(graph, Entity::Edge(e));
            graph.remove_edge(e).map_err(graph_error)?;
            deleted.edges.insert(e);
        }
    }
    for n in nodes {
        if graph.node(n).is_none() {
            continue;
        }
        if detach {
            let at: Vec<EdgeId> = graph
                .edges_at(n, Direction::Both, None)
                .map(|(e, _)| e)
                .collect();
            for e in at {
                if let Some(r) = graph.edge(e) {
                    deleted
                        .edge_types
                        .insert(e, std::sync::Arc::from(r.edge_type()));
                }
                stats.deleting(graph, Entity::Edge(e));
                graph.remove_edge(e).map_err(graph_error)?;
                deleted.edges.insert(e);
            }
        }
        stats.deleting(graph, Entity::Node(n));
        graph.remove_node(n).map_err(graph_error)?;
        deleted.nodes.insert(n);
    }
    Ok(())
}

fn collect_deletes(
    v: Value,
    nodes: &mut IndexSet<NodeId>,
    edges: &mut IndexSet<EdgeId>,
) -> Result<(), QueryError> {
    match v {
        Value::Null => {}
        Value::Node(n) => {
            nodes.insert(n);
        }
        Value::Relationship(e) => {
            edges.insert(e);
        }
        Value::Path(p) => {
            for e in p.relationships {
                collect_deletes(Value::Relationship(e), nodes, edges)?;
            }
            for n in p.nodes {
                collect_deletes(Value::Node(n), nodes, edges)?;
            }
        }
        Value::List(items) => {
            for i in items {
                collect_deletes(i, nodes, edges)?;
            }
        }
        other => {
            return Err(error(
                ErrorCode::TypeInvalidArgumentType,
                format!(
                    "DELETE needs a node, a relationship or a path, found {}",
                    other.type_name()
                ),
            ));
        }
    }
    Ok(())
}
