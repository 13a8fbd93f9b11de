//! Renders a plan for `EXPLAIN` (and, with row counts, for `PROFILE`):
//! one line per operator in the order rows flow, match steps indented
//! under their clause, with each step's index use spelt out.

use std::fmt::Write as _;

use super::{
    BinaryOp, EntityFilter, Expr, NodeSource, Op, QueryPlan, SetItem, StatementPlan, Step, UnaryOp,
};
use crate::graph::Direction;
use crate::query::eval::Profile;
use crate::query::value::Value;

/// The plan as text; with a profile, each operator's row count too.
pub fn render(plan: &StatementPlan, profile: Option<&Profile>) -> String {
    let mut out = String::new();
    for (i, part) in plan.parts.iter().enumerate() {
        if i > 0 {
            let all = plan.union_all.get(i - 1).copied().unwrap_or(false);
            out.push_str(if all { "UnionAll\n" } else { "Union\n" });
        }
        let counts = profile.and_then(|p| p.get(i));
        render_part(&mut out, part, counts.map(Vec::as_slice));
    }
    if !plan.columns.is_empty() {
        let _ = writeln!(out, "Columns {}", plan.columns.join(", "));
    }
    out.truncate(out.trim_end().len());
    out
}

fn render_part(out: &mut String, part: &QueryPlan, counts: Option<&[u64]>) {
    let names = &part.names;
    for (i, op) in part.ops.iter().enumerate() {
        let rows = counts
            .and_then(|c| c.get(i))
            .map(|n| format!("  [{n} rows]"))
            .unwrap_or_default();
        let line = op_line(op, names);
        let _ = writeln!(out, "{line}{rows}");
        let steps: Vec<&Step> = match op {
            Op::Match { patterns, .. } => patterns.iter().flat_map(|p| &p.steps).collect(),
            Op::Merge { pattern, .. } => pattern.steps.iter().collect(),
            _ => Vec::new(),
        };
        for step in steps {
            let _ = writeln!(out, "  {}", step_line(step, names));
        }
    }
}

fn name(names: &[String], slot: usize) -> &str {
    names.get(slot).map_or("?", String::as_str)
}

fn op_line(op: &Op, names: &[String]) -> String {
    let list = |items: &[(Expr, usize)]| {
        items
            .iter()
            .map(|(e, s)| {
                let e = expr(e, names);
                let n = name(names, *s);
                if e == n { e } else { format!("{e} AS {n}") }
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    match op {
        Op::Match {
            optional,
            filter,
            exists_from,
            ..
        } => {
            let mut s = String::from(if *optional { "OptionalMatch" } else { "Match" });
            if let Some(f) = filter {
                let _ = write!(s, " WHERE {}", expr(f, names));
            }
            if let Some(k) = exists_from {
                let _ = write!(s, " (steps from {} only need to exist)", k + 1);
            }
            s
        }
        Op::CountPerNode {
            source,
            node,
            labels,
            expand,
            count,
        } => {
            let scan = match source {
                NodeSource::Label(l) => format!("label :{l}"),
                _ => "all nodes".to_string(),
            };
            let step = step_line(&Step::Expand(expand.clone()), names);
            let n = name(names, *node);
            let c = name(names, *count);
            let labels: String = labels.iter().map(|l| format!(":{l}")).collect();
            format!("CountPerNode ({n}{labels}) by {scan}, {c} = matches of {step}")
        }
        Op::CountPerType { rel, types, count } => {
            let which = if types.is_empty() {
                "every type".to_string()
            } else {
                types
                    .iter()
                    .map(|t| format!(":{t}"))
                    .collect::<Vec<_>>()
                    .join("|")
            };
            format!(
                "CountPerType ({}) from the type counts of {which} into {}",
                name(names, *rel),
                name(names, *count)
            )
        }
        Op::Filter(e) => format!("Filter {}", expr(e, names)),
        Op::Unwind { expr: e, slot } => {
            format!("Unwind {} AS {}", expr(e, names), name(names, *slot))
        }
        Op::Project { items } => format!("Project {}", list(items)),
        Op::Distinct { slots } => format!(
            "Distinct {}",
            slots
                .iter()
                .map(|s| name(names, *s))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Op::Aggregate {
            keys,
            aggregates,
            items,
        } => {
            let aggs = aggregates
                .iter()
                .map(|a| {
                    let arg = a.arg.as_ref().map_or("*".to_string(), |e| expr(e, names));
                    let d = if a.distinct { "DISTINCT " } else { "" };
                    format!("{}({d}{arg})", a.name)
                })
                .collect::<Vec<_>>()
                .join(", ");
            let mut s = format!("Aggregate keys [{}] aggregates [{aggs}]", list(keys));
            if !items.is_empty() {
                let _ = write!(s, " then {}", list(items));
            }
            s
        }
        Op::Sort { keys, top } => {
            let keys = keys
                .iter()
                .map(|(e, desc)| format!("{}{}", expr(e, names), if *desc { " DESC" } else { "" }))
                .collect::<Vec<_>>()
                .join(", ");
            match top {
                Some(t) => format!("Top {} by {keys}", expr(t, names)),
                None => format!("Sort by {keys}"),
            }
        }
        Op::Skip(e) => format!("Skip {}", expr(e, names)),
        Op::Limit(e) => format!("Limit {}", expr(e, names)),
        Op::Create { patterns } => {
            let n: usize = patterns
                .iter()
                .map(|p| p.nodes.iter().filter(|n| !n.bound).count())
                .sum();
            let r: usize = patterns.iter().map(|p| p.rels.len()).sum();
            format!("Create {n} nodes, {r} relationships")
        }
        Op::Merge {
            on_create,
            on_match,
            ..
        } => format!(
            "Merge (on create {} items, on match {} items)",
            on_create.len(),
            on_match.len()
        ),
        Op::Set(items) => format!("Set {}", set_items(items, names)),
        Op::Remove(items) => format!("Remove {}", set_items(items, names)),
        Op::Delete { exprs, detach, .. } => format!(
            "{}Delete {}",
            if *detach { "Detach" } else { "" },
            exprs
                .iter()
                .map(|e| expr(e, names))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn set_items(items: &[SetItem], names: &[String]) -> String {
    items
        .iter()
        .map(|i| match i {
            SetItem::Property { target, key, .. } => format!("{}.{key}", expr(target, names)),
            SetItem::Properties { target, merge, .. } => {
                format!(
                    "{} {}",
                    expr(target, names),
                    if *merge { "+=" } else { "=" }
                )
            }
            SetItem::Labels { target, labels } => {
                format!("{}:{}", expr(target, names), labels.join(":"))
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn filter_text(f: &EntityFilter, names: &[String]) -> String {
    let mut s = String::new();
    for l in &f.labels {
        let _ = write!(s, ":{l}");
    }
    if !f.props.is_empty() {
        let props = f
            .props
            .iter()
            .map(|(k, e)| format!("{k}: {}", expr(e, names)))
            .collect::<Vec<_>>()
            .join(", ");
        let _ = write!(s, " {{{props}}}");
    }
    s
}

fn arrow(d: Direction, inner: &str) -> String {
    match d {
        Direction::Outgoing => format!("-[{inner}]->"),
        Direction::Incoming => format!("<-[{inner}]-"),
        Direction::Both => format!("-[{inner}]-"),
    }
}

fn step_line(step: &Step, names: &[String]) -> String {
    match step {
        Step::Node {
            slot,
            source,
            filter,
            ..
        } => {
            let n = name(names, *slot);
            let f = filter_text(filter, names);
            match source {
                NodeSource::Bound => format!("Argument ({n}{f})"),
                NodeSource::Name(e) => {
                    format!("NodeByNameIndex ({n}{f}) name = {}", expr(e, names))
                }
                NodeSource::Label(l) => format!("NodeByLabelScan ({n}{f}) :{l}"),
                NodeSource::NamePrefix(p) => {
                    format!("NodeByNamePrefix ({n}{f}) name STARTS WITH {p:?}")
                }
                NodeSource::All => format!("AllNodesScan ({n}{f})"),
            }
        }
        Step::Expand(x) => {
            let mut inner = name(names, x.rel).to_string();
            if !x.types.is_empty() {
                let _ = write!(inner, ":{}", x.types.join("|"));
            }
            if let Some((min, max)) = x.range {
                let max = max.map_or(String::new(), |m| m.to_string());
                let _ = write!(inner, "*{min}..{max}");
            }
            let to = if x.to_bound {
                format!("{} (bound)", name(names, x.to))
            } else {
                format!("{}{}", name(names, x.to), filter_text(&x.to_filter, names))
            };
            let kind = if x.range.is_some() {
                "VarLengthExpand"
            } else {
                "Expand"
            };
            format!(
                "{kind} ({}){}({to})",
                name(names, x.from),
                arrow(x.direction, &inner)
            )
        }
        Step::Shortest(s) => {
            let kind = if s.all {
                "AllShortestPaths"
            } else {
                "ShortestPath"
            };
            let mut inner = name(names, s.rel).to_string();
            if !s.types.is_empty() {
                let _ = write!(inner, ":{}", s.types.join("|"));
            }
            format!(
                "{kind} ({}){}({}) bidirectional BFS",
                name(names, s.from),
                arrow(s.direction, &inner),
                name(names, s.to)
            )
        }
    }
}

fn binop(op: BinaryOp) -> &'static str {
    match op {
        BinaryOp::Add => "+",
        BinaryOp::Sub => "-",
        BinaryOp::Mul => "*",
        BinaryOp::Div => "/",
        BinaryOp::Rem => "%",
        BinaryOp::Pow => "^",
        BinaryOp::Eq => "=",
        BinaryOp::Ne => "<>",
        BinaryOp::Lt => "<",
        BinaryOp::Le => "<=",
        BinaryOp::Gt => ">",
        BinaryOp::Ge => ">=",
        BinaryOp::And => "AND",
        BinaryOp::Or => "OR",
        BinaryOp::Xor => "XOR",
        BinaryOp::In => "IN",
        BinaryOp::StartsWith => "STARTS WITH",
        BinaryOp::EndsWith => "ENDS WITH",
        BinaryOp::Contains => "CONTAINS",
        BinaryOp::Regex => "=~",
    }
}

fn literal(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => format!("{f:?}"),
        Value::String(s) => format!("{s:?}"),
        Value::List(items) => format!(
            "[{}]",
            items.iter().map(literal).collect::<Vec<_>>().join(", ")
        ),
        Value::Map(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, v)| format!("{k}: {}", literal(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => other.type_name().to_string(),
    }
}

/// An expression as Cypher-like text, variables by name.
pub fn expr(e: &Expr, names: &[String]) -> String {
    let list = |items: &[Expr]| {
        items
            .iter()
            .map(|i| expr(i, names))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match e {
        Expr::Literal(v) => literal(v),
        Expr::Parameter(p) => format!("${p}"),
        Expr::Slot(s) => name(names, *s).to_string(),
        Expr::Property(inner, k) => format!("{}.{k}", expr(inner, names)),
        Expr::Index(a, b) => format!("{}[{}]", expr(a, names), expr(b, names)),
        Expr::Slice(a, b, c) => format!(
            "{}[{}..{}]",
            expr(a, names),
            b.as_ref().map_or(String::new(), |b| expr(b, names)),
            c.as_ref().map_or(String::new(), |c| expr(c, names))
        ),
        Expr::List(items) => format!("[{}]", list(items)),
        Expr::Map(entries) => format!(
            "{{{}}}",
            entries
                .iter()
                .map(|(k, v)| format!("{k}: {}", expr(v, names)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Expr::Unary(op, inner) => match op {
            UnaryOp::Not => format!("NOT {}", expr(inner, names)),
            UnaryOp::Neg => format!("-{}", expr(inner, names)),
            UnaryOp::Plus => format!("+{}", expr(inner, names)),
        },
        Expr::Binary(op, a, b) => {
            format!("({} {} {})", expr(a, names), binop(*op), expr(b, names))
        }
        Expr::Located(_, inner) => expr(inner, names),
        Expr::IsNull(inner, negated) => format!(
            "{} IS {}NULL",
            expr(inner, names),
            if *negated { "NOT " } else { "" }
        ),
        Expr::HasLabels(inner, labels) => format!("{}:{}", expr(inner, names), labels.join(":")),
        Expr::Call { name: f, args, .. } => format!("{f}({})", list(args)),
        Expr::Case { .. } => "CASE ... END".into(),
        Expr::ListComprehension { slot, list: l, .. } => {
            format!("[{} IN {} ...]", name(names, *slot), expr(l, names))
        }
        Expr::Quantified {
            kind,
            slot,
            list: l,
            ..
        } => format!(
            "{}({} IN {} ...)",
            format!("{kind:?}").to_lowercase(),
            name(names, *slot),
            expr(l, names)
        ),
        Expr::PatternComprehension { .. } => "[pattern | ...]".into(),
        Expr::Exists { .. } => "EXISTS { pattern }".into(),
        Expr::ExistsQuery(_) => "EXISTS { query }".into(),
        Expr::Path(_) => "path".into(),
        Expr::MapProjection(base, _) => format!("{} {{...}}", expr(base, names)),
    }
}
