//! Patterns: comma-separated parts, named paths, `shortestPath`, node and
//! relationship patterns with types, lengths and properties.

use super::lexeme::{P, PResult};
use crate::query::ast::{
    Direction, Expr, ExprKind, Ident, NodePattern, PathPattern, PathStep, Pattern, PatternPart,
    RelPattern, Shortest, VarLength,
};
use crate::query::error::ErrorCode;
use crate::span::Span;

impl P {
    /// `part, part, ...`.
    pub fn pattern<'a>(&self, i: &'a str) -> PResult<'a, Pattern> {
        let (i, start) = self.start(i)?;
        let mut parts = Vec::new();
        let mut i = i;
        loop {
            let (rest, part) = self.pattern_part(i)?;
            parts.push(part);
            match self.sym(rest, ",") {
                Ok((rest, _)) => i = rest,
                Err(_) => {
                    return Ok((
                        rest,
                        Pattern {
                            parts,
                            span: self.span_from(start, rest),
                        },
                    ));
                }
            }
        }
    }

    /// `[p =] shortestPath(path) | allShortestPaths(path) | path`.
    pub fn pattern_part<'a>(&self, i: &'a str) -> PResult<'a, PatternPart> {
        let (i, start) = self.start(i)?;
        let (i, variable) = match self.variable(i) {
            Ok((rest, v)) => match self.sym_not(rest, "=", &['~']) {
                Ok((rest, _)) => (rest, Some(v)),
                Err(_) => (i, None),
            },
            Err(_) => (i, None),
        };
        let shortest = if self.at_kw(i, "shortestPath") {
            Some((Shortest::One, "shortestPath"))
        } else if self.at_kw(i, "allShortestPaths") {
            Some((Shortest::All, "allShortestPaths"))
        } else {
            None
        };
        let (i, shortest, path) = match shortest {
            Some((kind, word)) => {
                let (i, _) = self.kw(i, word)?;
                let (i, _) = self.sym(i, "(")?;
                let (i, path) = self.path_pattern(i)?;
                let (i, _) = self.sym(i, ")")?;
                (i, Some(kind), path)
            }
            None => {
                let (i, path) = self.path_pattern(i)?;
                (i, None, path)
            }
        };
        let span = self.span_from(start, i);
        Ok((
            i,
            PatternPart {
                variable,
                shortest,
                path,
                span,
            },
        ))
    }

    /// `(node) (-[rel]- (node))*`, or the same inside parentheses.
    pub fn path_pattern<'a>(&self, i: &'a str) -> PResult<'a, PathPattern> {
        let (i, start) = self.start(i)?;
        let (mut i, first) = match self.node(i) {
            Ok(ok) => ok,
            Err(nom::Err::Error(_)) if self.at_sym(i, "(") => {
                // A parenthesized path: `((a)-->(b))`. Nesting counts
                // towards the depth limit like any other.
                let saved = self.depth.get();
                self.enter(i)?;
                let result = self.sym(i, "(").and_then(|(rest, _)| {
                    let (rest, inner) = self.path_pattern(rest)?;
                    let (rest, _) = self.sym(rest, ")")?;
                    Ok((rest, inner))
                });
                self.depth.set(saved);
                return result;
            }
            Err(e) => return Err(e),
        };
        let mut steps = Vec::new();
        loop {
            let (rest, rel) = match self.rel(i) {
                Ok(ok) => ok,
                Err(nom::Err::Error(_)) => break,
                Err(e) => return Err(e),
            };
            let (rest, node) = self.node(rest)?;
            steps.push(PathStep { rel, node });
            i = rest;
        }
        let span = self.span_from(start, i);
        Ok((
            i,
            PathPattern {
                start: first,
                steps,
                span,
            },
        ))
    }

    /// `(variable:Label {props})`.
    pub fn node<'a>(&self, i: &'a str) -> PResult<'a, NodePattern> {
        let (i, start) = self.start(i)?;
        let (i, _) = self.sym(i, "(")?;
        let (i, variable) = match self.variable(i) {
            Ok((rest, v)) => (rest, Some(v)),
            Err(_) => (i, None),
        };
        let (i, ()) = self.ws(i)?;
        let (i, labels) = if i.starts_with(':') {
            self.labels(i)?
        } else {
            self.expected(i, ":");
            (i, Vec::new())
        };
        let (i, properties) = self.opt_properties(i)?;
        let (i, _) = self.sym(i, ")")?;
        let span = self.span_from(start, i);
        Ok((
            i,
            NodePattern {
                variable,
                labels,
                properties,
                span,
            },
        ))
    }

    /// A property map `{...}` or a parameter `$p`, if present.
    fn opt_properties<'a>(&self, i: &'a str) -> PResult<'a, Option<Expr>> {
        let (i, start) = self.start(i)?;
        if i.starts_with('{') {
            let (rest, entries) = self.map_literal(i)?;
            return Ok((
                rest,
                Some(Expr::new(
                    ExprKind::Map(entries),
                    self.span_from(start, rest),
                )),
            ));
        }
        if i.starts_with('$') {
            let (rest, e) = self.expr_bp(i, u8::MAX)?;
            return Ok((rest, Some(e)));
        }
        self.expected(i, "{");
        Ok((i, None))
    }

    /// `-->`, `<--`, `--`, `<-->`, each optionally with `[detail]`.
    fn rel<'a>(&self, i: &'a str) -> PResult<'a, RelPattern> {
        let (i, start) = self.start(i)?;
        let (i, left) = match self.sym(i, "<") {
            Ok((rest, _)) => (rest, true),
            Err(_) => (i, false),
        };
        let (i, _) = self.sym(i, "-")?;
        let (i, detail) = if self.at_sym(i, "[") {
            let (rest, d) = self.rel_detail(i)?;
            (rest, Some(d))
        } else {
            (i, None)
        };
        let (i, _) = self.sym(i, "-")?;
        let (i, right) = match self.sym(i, ">") {
            Ok((rest, _)) => (rest, true),
            Err(_) => (i, false),
        };
        let direction = match (left, right) {
            (false, true) => Direction::Right,
            (true, false) => Direction::Left,
            (false, false) => Direction::Undirected,
            (true, true) => Direction::Both,
        };
        let (variable, types, length, properties) = detail.unwrap_or_default();
        let span = self.span_from(start, i);
        Ok((
            i,
            RelPattern {
                variable,
                types,
                direction,
                length,
                properties,
                span,
            },
        ))
    }

    /// `[variable:T1|T2 *1..2 {props}]`.
    #[allow(clippy::type_complexity)]
    fn rel_detail<'a>(
        &self,
        i: &'a str,
    ) -> PResult<'a, (Option<Ident>, Vec<Ident>, Option<VarLength>, Option<Expr>)> {
        let (i, _) = self.sym(i, "[")?;
        let (i, variable) = match self.variable(i) {
            Ok((rest, v)) => (rest, Some(v)),
            Err(_) => (i, None),
        };
        let mut types = Vec::new();
        let mut i = i;
        if let Ok((rest, _)) = self.sym(i, ":") {
            let (rest, t) = self.name(rest)?;
            types.push(t);
            i = rest;
            while let Ok((rest, _)) = self.sym(i, "|") {
                let rest = self.sym(rest, ":").map_or(rest, |(r, _)| r);
                let (rest, t) = self.name(rest)?;
                types.push(t);
                i = rest;
            }
        }
        let (i, length) = self.var_length(i)?;
        let (i, properties) = self.opt_properties(i)?;
        let (i, _) = self.sym(i, "]")?;
        Ok((i, (variable, types, length, properties)))
    }

    /// `*`, `*2`, `*1..3`, `*..3`, `*2..`, if present.
    fn var_length<'a>(&self, i: &'a str) -> PResult<'a, Option<VarLength>> {
        let (i, start) = self.start(i)?;
        if i.starts_with("..") {
            return self.hard(
                ErrorCode::InvalidRelationshipPattern,
                Span::new(start, start + 2),
                "a length range needs `*` before it, as in `*1..3`",
            );
        }
        let Ok((i, _)) = self.sym(i, "*") else {
            return Ok((i, None));
        };
        let (i, ()) = self.ws(i)?;
        if i.starts_with('-') {
            let at = self.off(i);
            return self.hard(
                ErrorCode::InvalidRelationshipPattern,
                Span::new(at, at + 1),
                "a relationship length cannot be negative",
            );
        }
        let (i, min) = match self.uint(i) {
            Ok((rest, n)) => (rest, Some(n)),
            Err(nom::Err::Error(_)) => (i, None),
            Err(e) => return Err(e),
        };
        let (i, max) = match self.sym(i, "..") {
            Ok((rest, _)) => match self.uint(rest) {
                Ok((rest, n)) => (rest, Some(n)),
                Err(nom::Err::Error(_)) => (rest, None),
                Err(e) => return Err(e),
            },
            // `*2` means exactly two hops.
            Err(_) => (i, min),
        };
        Ok((
            i,
            Some(VarLength {
                min,
                max,
                span: self.span_from(start, i),
            }),
        ))
    }
}
