//! Statements, queries, `UNION`, and the clauses. Each clause keyword
//! commits (`cut`): once `MATCH` is read, a malformed pattern is an error
//! at that pattern, not a reason to try another clause.

use nom::Parser;
use nom::combinator::cut;

use super::lexeme::{P, PResult};
use crate::query::ast::{
    Clause, Create, Delete, Expr, ExprKind, Match, Merge, MergeAction, Prefix, Projection,
    ProjectionItem, Query, Remove, RemoveItem, Return, SetClause, SetItem, SingleQuery, SortItem,
    Statement, Union, Unwind, With,
};

/// Keywords that start a clause.
const CLAUSE_WORDS: &[&str] = &[
    "MATCH", "OPTIONAL", "UNWIND", "MERGE", "CREATE", "SET", "DELETE", "DETACH", "REMOVE", "WITH",
    "RETURN",
];

impl P {
    /// `[EXPLAIN | PROFILE] query`.
    pub fn statement<'a>(&self, i: &'a str) -> PResult<'a, Statement> {
        let (i, start) = self.start(i)?;
        let (i, prefix) = if let Ok((rest, _)) = self.kw(i, "EXPLAIN") {
            (rest, Some(Prefix::Explain))
        } else if let Ok((rest, _)) = self.kw(i, "PROFILE") {
            (rest, Some(Prefix::Profile))
        } else {
            (i, None)
        };
        let (i, query) = self.query(i)?;
        let span = self.span_from(start, i);
        Ok((
            i,
            Statement {
                prefix,
                query,
                span,
            },
        ))
    }

    /// Whether a clause keyword comes next.
    pub fn starts_clause(&self, i: &str) -> bool {
        CLAUSE_WORDS.iter().any(|w| self.at_kw(i, w))
    }

    /// `single (UNION [ALL] single)*`.
    pub fn query<'a>(&self, i: &'a str) -> PResult<'a, Query> {
        let (i, start) = self.start(i)?;
        let (mut i, first) = self.single_query(i)?;
        let mut unions = Vec::new();
        while let Ok((rest, union_span)) = self.kw(i, "UNION") {
            let (rest, all) = match self.kw(rest, "ALL") {
                Ok((rest, _)) => (rest, true),
                Err(_) => (rest, false),
            };
            let (rest, query) = cut(|i| self.single_query(i)).parse(rest)?;
            let span = union_span.to(self.span_from(union_span.start as usize, rest));
            unions.push(Union { all, query, span });
            i = rest;
        }
        let span = self.span_from(start, i);
        Ok((
            i,
            Query {
                first,
                unions,
                span,
            },
        ))
    }

    /// One or more clauses.
    fn single_query<'a>(&self, i: &'a str) -> PResult<'a, SingleQuery> {
        let (i, start) = self.start(i)?;
        let (mut i, first) = self.clause(i)?;
        let mut clauses = vec![first];
        loop {
            match self.clause(i) {
                Ok((rest, c)) => {
                    clauses.push(c);
                    i = rest;
                }
                Err(nom::Err::Error(_)) => break,
                Err(e) => return Err(e),
            }
        }
        let span = self.span_from(start, i);
        Ok((i, SingleQuery { clauses, span }))
    }

    /// Any clause.
    fn clause<'a>(&self, i: &'a str) -> PResult<'a, Clause> {
        let (i, start) = self.start(i)?;
        if let Ok((rest, _)) = self.kw2(i, "OPTIONAL", "MATCH") {
            return cut(|i| self.match_body(i, true, start)).parse(rest);
        }
        if let Ok((rest, _)) = self.kw(i, "MATCH") {
            return cut(|i| self.match_body(i, false, start)).parse(rest);
        }
        if let Ok((rest, _)) = self.kw(i, "WITH") {
            return cut(|i| {
                let (i, projection) = self.projection(i)?;
                let (i, where_) = self.opt_where(i)?;
                let span = self.span_from(start, i);
                Ok((
                    i,
                    Clause::With(With {
                        projection,
                        where_,
                        span,
                    }),
                ))
            })
            .parse(rest);
        }
        if let Ok((rest, _)) = self.kw(i, "RETURN") {
            return cut(|i| {
                let (i, projection) = self.projection(i)?;
                let span = self.span_from(start, i);
                Ok((i, Clause::Return(Return { projection, span })))
            })
            .parse(rest);
        }
        if let Ok((rest, _)) = self.kw(i, "UNWIND") {
            return cut(|i| {
                let (i, expr) = self.expr(i)?;
                let (i, _) = self.kw(i, "AS")?;
                let (i, variable) = self.variable(i)?;
                let span = self.span_from(start, i);
                Ok((
                    i,
                    Clause::Unwind(Unwind {
                        expr,
                        variable,
                        span,
                    }),
                ))
            })
            .parse(rest);
        }
        if let Ok((rest, _)) = self.kw(i, "CREATE") {
            return cut(|i| {
                let (i, pattern) = self.pattern(i)?;
                let span = self.span_from(start, i);
                Ok((i, Clause::Create(Create { pattern, span })))
            })
            .parse(rest);
        }
        if let Ok((rest, _)) = self.kw(i, "MERGE") {
            return cut(|i| self.merge_body(i, start)).parse(rest);
        }
        if let Ok((rest, _)) = self.kw(i, "SET") {
            return cut(|i| {
                let (i, items) = self.set_items(i)?;
                let span = self.span_from(start, i);
                Ok((i, Clause::Set(SetClause { items, span })))
            })
            .parse(rest);
        }
        if let Ok((rest, _)) = self.kw(i, "REMOVE") {
            return cut(|i| self.remove_body(i, start)).parse(rest);
        }
        let (i, detach) = match self.kw(i, "DETACH") {
            Ok((rest, _)) => (cut(|i| self.kw(i, "DELETE")).parse(rest)?.0, true),
            Err(_) => match self.kw(i, "DELETE") {
                Ok((rest, _)) => (rest, false),
                Err(_) => {
                    for word in CLAUSE_WORDS {
                        self.expected(i, word);
                    }
                    return self.fail(i, "a clause");
                }
            },
        };
        cut(|i| {
            let (i, exprs) = self.expr_list(i)?;
            let span = self.span_from(start, i);
            Ok((
                i,
                Clause::Delete(Delete {
                    detach,
                    exprs,
                    span,
                }),
            ))
        })
        .parse(i)
    }

    /// After `[OPTIONAL] MATCH`.
    fn match_body<'a>(&self, i: &'a str, optional: bool, start: usize) -> PResult<'a, Clause> {
        let (i, pattern) = self.pattern(i)?;
        let (i, where_) = self.opt_where(i)?;
        let span = self.span_from(start, i);
        Ok((
            i,
            Clause::Match(Match {
                optional,
                pattern,
                where_,
                span,
            }),
        ))
    }

    /// After `MERGE`.
    fn merge_body<'a>(&self, i: &'a str, start: usize) -> PResult<'a, Clause> {
        let (mut i, pattern) = self.pattern_part(i)?;
        let mut actions = Vec::new();
        while let Ok((rest, on)) = self.kw(i, "ON") {
            let (rest, on_create) = if let Ok((rest, _)) = self.kw(rest, "CREATE") {
                (rest, true)
            } else {
                (self.kw(rest, "MATCH")?.0, false)
            };
            let (rest, _) = self.kw(rest, "SET")?;
            let (rest, items) = self.set_items(rest)?;
            let span = self.span_from(on.start as usize, rest);
            actions.push(MergeAction {
                on_create,
                items,
                span,
            });
            i = rest;
        }
        let span = self.span_from(start, i);
        Ok((
            i,
            Clause::Merge(Merge {
                pattern,
                actions,
                span,
            }),
        ))
    }

    /// `item, item, ...` of `SET`.
    fn set_items<'a>(&self, mut i: &'a str) -> PResult<'a, Vec<SetItem>> {
        let mut items = Vec::new();
        loop {
            let (rest, item) = self.set_item(i)?;
            items.push(item);
            match self.sym(rest, ",") {
                Ok((rest, _)) => i = rest,
                Err(_) => return Ok((rest, items)),
            }
        }
    }

    /// `n.key = e`, `n = e`, `n += e` or `n:A:B`.
    fn set_item<'a>(&self, i: &'a str) -> PResult<'a, SetItem> {
        let (i, start) = self.start(i)?;
        if let Ok((rest, variable)) = self.variable(i) {
            if let Ok((rest, _)) = self.sym(rest, "+=") {
                let (rest, value) = self.expr(rest)?;
                let span = self.span_from(start, rest);
                return Ok((
                    rest,
                    SetItem::Update {
                        variable,
                        value,
                        span,
                    },
                ));
            }
            if let Ok((rest, _)) = self.sym_not(rest, "=", &['~']) {
                let (rest, value) = self.expr(rest)?;
                let span = self.span_from(start, rest);
                return Ok((
                    rest,
                    SetItem::Replace {
                        variable,
                        value,
                        span,
                    },
                ));
            }
            if self.at_sym(rest, ":") {
                let (rest, labels) = self.labels(rest)?;
                let span = self.span_from(start, rest);
                return Ok((
                    rest,
                    SetItem::Labels {
                        variable,
                        labels,
                        span,
                    },
                ));
            }
        }
        let (rest, (entity, key)) = self.property_target(i)?;
        let (rest, _) = self.sym_not(rest, "=", &['~'])?;
        let (rest, value) = self.expr(rest)?;
        let span = self.span_from(start, rest);
        Ok((
            rest,
            SetItem::Property {
                entity,
                key,
                value,
                span,
            },
        ))
    }

    /// An expression ending in a property lookup, split into the entity
    /// and the key: `n.address.city` gives (`n.address`, `city`).
    fn property_target<'a>(&self, i: &'a str) -> PResult<'a, (Expr, crate::query::ast::Ident)> {
        let (rest, e) = self.expr_bp(i, 12)?;
        match e.kind {
            ExprKind::Property { base, key } => Ok((rest, (*base, key))),
            _ => self.fail(i, "a property such as `n.name`"),
        }
    }

    /// After `REMOVE`.
    fn remove_body<'a>(&self, i: &'a str, start: usize) -> PResult<'a, Clause> {
        let mut items = Vec::new();
        let mut i = i;
        loop {
            let (i2, item_start) = self.start(i)?;
            let (rest, item) = match self.variable(i2) {
                Ok((rest, variable)) if self.at_sym(rest, ":") => {
                    let (rest, labels) = self.labels(rest)?;
                    let span = self.span_from(item_start, rest);
                    (
                        rest,
                        RemoveItem::Labels {
                            variable,
                            labels,
                            span,
                        },
                    )
                }
                _ => {
                    let (rest, (entity, key)) = self.property_target(i2)?;
                    let span = self.span_from(item_start, rest);
                    (rest, RemoveItem::Property { entity, key, span })
                }
            };
            items.push(item);
            match self.sym(rest, ",") {
                Ok((rest, _)) => i = rest,
                Err(_) => {
                    let span = self.span_from(start, rest);
                    return Ok((rest, Clause::Remove(Remove { items, span })));
                }
            }
        }
    }

    /// `e, e, ...`.
    fn expr_list<'a>(&self, mut i: &'a str) -> PResult<'a, Vec<Expr>> {
        let mut items = Vec::new();
        loop {
            let (rest, e) = self.expr(i)?;
            items.push(e);
            match self.sym(rest, ",") {
                Ok((rest, _)) => i = rest,
                Err(_) => return Ok((rest, items)),
            }
        }
    }

    /// The body of `WITH` and `RETURN`.
    fn projection<'a>(&self, i: &'a str) -> PResult<'a, Projection> {
        let (i, start) = self.start(i)?;
        let (i, distinct) = match self.kw(i, "DISTINCT") {
            Ok((rest, _)) => (rest, true),
            Err(_) => (i, false),
        };
        let (mut i, star) = match self.sym(i, "*") {
            Ok((rest, _)) => (rest, true),
            Err(_) => (i, false),
        };
        let mut items = Vec::new();
        let mut need_item = !star;
        loop {
            if !need_item {
                match self.sym(i, ",") {
                    Ok((rest, _)) => i = rest,
                    Err(_) => break,
                }
            }
            let (rest, item_start) = self.start(i)?;
            let (rest, expr) = self.expr(rest)?;
            let (rest, alias) = match self.kw(rest, "AS") {
                Ok((rest, _)) => {
                    let (rest, v) = self.variable(rest)?;
                    (rest, Some(v))
                }
                Err(_) => (rest, None),
            };
            let span = self.span_from(item_start, rest);
            items.push(ProjectionItem { expr, alias, span });
            i = rest;
            need_item = false;
        }
        let mut order_by = Vec::new();
        if let Ok((rest, _)) = self.kw2(i, "ORDER", "BY") {
            i = rest;
            loop {
                let (rest, item_start) = self.start(i)?;
                let (rest, expr) = self.expr(rest)?;
                let (rest, descending) = if let Ok((r, _)) = self.kw(rest, "DESCENDING") {
                    (r, true)
                } else if let Ok((r, _)) = self.kw(rest, "DESC") {
                    (r, true)
                } else if let Ok((r, _)) = self.kw(rest, "ASCENDING") {
                    (r, false)
                } else if let Ok((r, _)) = self.kw(rest, "ASC") {
                    (r, false)
                } else {
                    (rest, false)
                };
                let span = self.span_from(item_start, rest);
                order_by.push(SortItem {
                    expr,
                    descending,
                    span,
                });
                i = rest;
                match self.sym(i, ",") {
                    Ok((rest, _)) => i = rest,
                    Err(_) => break,
                }
            }
        }
        let (i, skip) = match self.kw(i, "SKIP") {
            Ok((rest, _)) => {
                let (rest, e) = self.expr(rest)?;
                (rest, Some(e))
            }
            Err(_) => (i, None),
        };
        let (i, limit) = match self.kw(i, "LIMIT") {
            Ok((rest, _)) => {
                let (rest, e) = self.expr(rest)?;
                (rest, Some(e))
            }
            Err(_) => (i, None),
        };
        let span = self.span_from(start, i);
        Ok((
            i,
            Projection {
                distinct,
                star,
                items,
                order_by,
                skip,
                limit,
                span,
            },
        ))
    }
}
