//! Expressions: precedence climbing over openCypher's operator levels
//! (OR < XOR < AND < NOT < comparison < string/list/null predicates <
//! `+ -` < `* / %` < `^` < unary `+ -` < postfix), then atoms.

use nom::Parser;
use nom::combinator::opt;

use super::lexeme::{P, PErr, PResult, is_ident_continue};
use crate::query::ast::{
    BinaryOp, CaseWhen, ExistsBody, Expr, ExprKind, Ident, Literal, MapProjectionItem, Quantifier,
    UnaryOp,
};
use crate::span::Span;

/// Precedence of `NOT`.
const NOT_PREC: u8 = 4;
/// Precedence of `IS [NOT] NULL`.
const PREDICATE_PREC: u8 = 6;
/// Precedence of unary `+` and `-`.
const UNARY_PREC: u8 = 10;

impl P {
    /// A full expression.
    pub fn expr<'a>(&self, i: &'a str) -> PResult<'a, Expr> {
        let at = self.off(i);
        let key = (at, self.patterns.get(), self.depth.get());
        if let Some(hit) = self.parsed.borrow().get(&key) {
            return match hit {
                Some((end, e)) => Ok((i.get(end - at..).unwrap_or(""), e.clone())),
                None => Err(nom::Err::Error(PErr::Soft)),
            };
        }
        let result = self.expr_bp(i, 0);
        match &result {
            Ok((rest, e)) => {
                let end = self.off(rest);
                self.parsed.borrow_mut().insert(key, Some((end, e.clone())));
            }
            Err(nom::Err::Error(PErr::Soft)) => {
                self.parsed.borrow_mut().insert(key, None);
            }
            Err(_) => {}
        }
        result
    }

    /// An expression in a context where a pattern predicate may stand
    /// (`WHERE`).
    pub fn where_expr<'a>(&self, i: &'a str) -> PResult<'a, Expr> {
        let saved = self.patterns.replace(true);
        let result = self.expr(i);
        self.patterns.set(saved);
        result
    }

    /// Precedence climbing: parses operators binding at least `min`.
    pub fn expr_bp<'a>(&self, i: &'a str, min: u8) -> PResult<'a, Expr> {
        // Depth counts nesting and also every operator or lookup that wraps
        // the tree built so far (`1 + 1 + ...` nests to the left), so the
        // tree handed on is never deeper than the limit.
        let saved = self.depth.get();
        self.enter(i)?;
        let result = self.expr_bp_inner(i, min);
        self.depth.set(saved);
        result
    }

    fn expr_bp_inner<'a>(&self, i: &'a str, min: u8) -> PResult<'a, Expr> {
        let (i, start) = self.start(i)?;
        let (mut i, mut lhs) = if let Ok((rest, _)) = self.kw(i, "NOT") {
            let (rest, operand) = self.expr_bp(rest, NOT_PREC)?;
            let span = self.span_from(start, rest);
            (rest, unary(UnaryOp::Not, operand, span))
        } else if let Some(op) = self.unary_sign(i) {
            let (rest, ()) = self.ws(&i[1..])?;
            if op == UnaryOp::Neg && starts_number(rest) && !self.number_then_postfix(rest) {
                // The minus is folded into the literal so that the range
                // check sees `-9223372036854775808` whole.
                let (rest, (lit, span)) = self.number(rest, Some(start))?;
                (rest, Expr::new(ExprKind::Literal(lit), span))
            } else {
                let (rest, operand) = self.expr_bp(rest, UNARY_PREC)?;
                let span = self.span_from(start, rest);
                (rest, unary(op, operand, span))
            }
        } else {
            self.postfix(i)?
        };
        // The right operand of the last comparison, to continue a chain
        // `a < b < c` as `a < b AND b < c`.
        let mut chain: Option<Expr> = None;
        loop {
            if let Some((rest, negated)) = self.is_null(i) {
                if PREDICATE_PREC < min {
                    break;
                }
                self.enter(i)?;
                let span = self.span_from(start, rest);
                lhs = Expr::new(
                    ExprKind::IsNull {
                        expr: Box::new(lhs),
                        negated,
                    },
                    span,
                );
                i = rest;
                chain = None;
                continue;
            }
            let Some((rest, op)) = self.binary_op(i) else {
                break;
            };
            let prec = op.precedence();
            if prec < min {
                break;
            }
            self.enter(i)?;
            if op.is_comparison() {
                let (rest, rhs) = self.expr_bp(rest, prec + 1)?;
                let end = self.off(rest);
                lhs = match chain.take() {
                    Some(prev) => {
                        let cmp_span = Span::new(prev.span.start as usize, end);
                        let cmp = binary(op, prev, rhs.clone(), cmp_span);
                        binary(BinaryOp::And, lhs, cmp, Span::new(start, end))
                    }
                    None => binary(op, lhs, rhs.clone(), Span::new(start, end)),
                };
                chain = Some(rhs);
                i = rest;
                continue;
            }
            let (rest, rhs) = self.expr_bp(rest, prec + 1)?;
            let span = self.span_from(start, rest);
            lhs = binary(op, lhs, rhs, span);
            chain = None;
            i = rest;
        }
        Ok((i, lhs))
    }

    /// Whether the number literal at `i` is followed by a lookup, index or
    /// label (`-1.5.x` is `-(1.5.x)`, so the sign must not be folded).
    fn number_then_postfix(&self, i: &str) -> bool {
        let Ok((rest, _)) = self.number(i, None) else {
            return false;
        };
        match self.ws(rest) {
            Ok((rest, ())) => {
                rest.starts_with(['[', ':']) || (rest.starts_with('.') && !rest.starts_with(".."))
            }
            Err(_) => false,
        }
    }

    /// A unary `-` or `+` at `i` (already past whitespace), not an arrow.
    fn unary_sign(&self, i: &str) -> Option<UnaryOp> {
        if i.starts_with('-') && !i.starts_with("->") {
            Some(UnaryOp::Neg)
        } else if i.starts_with('+') && !i.starts_with("+=") {
            Some(UnaryOp::Plus)
        } else {
            self.expected(i, "an expression");
            None
        }
    }

    /// `IS NULL` or `IS NOT NULL` next; returns the rest and `negated`.
    fn is_null<'a>(&self, i: &'a str) -> Option<(&'a str, bool)> {
        let (i, _) = self.quietly(i, "an operator", |i| self.kw(i, "IS")).ok()?;
        if let Ok((rest, _)) = self.kw(i, "NULL") {
            return Some((rest, false));
        }
        let (i, _) = self.kw(i, "NOT").ok()?;
        let (rest, _) = self.kw(i, "NULL").ok()?;
        Some((rest, true))
    }

    /// The binary operator next, if any.
    fn binary_op<'a>(&self, i: &'a str) -> Option<(&'a str, BinaryOp)> {
        self.quietly(i, "an operator", |i| self.binary_op_inner(i))
    }

    fn binary_op_inner<'a>(&self, i: &'a str) -> Option<(&'a str, BinaryOp)> {
        let (i, ()) = self.ws(i).ok()?;
        let symbols: [(&str, BinaryOp); 13] = [
            ("=~", BinaryOp::RegexMatch),
            ("<>", BinaryOp::Ne),
            ("<=", BinaryOp::Le),
            (">=", BinaryOp::Ge),
            ("=", BinaryOp::Eq),
            ("<", BinaryOp::Lt),
            (">", BinaryOp::Gt),
            ("+", BinaryOp::Add),
            ("-", BinaryOp::Sub),
            ("*", BinaryOp::Mul),
            ("/", BinaryOp::Div),
            ("%", BinaryOp::Mod),
            ("^", BinaryOp::Pow),
        ];
        for (s, op) in symbols {
            if let Some(rest) = i.strip_prefix(s) {
                // `<-` and `->` belong to patterns, `+=` to SET: `(a)<--(b)`
                // outside WHERE is a syntax error (the TCK says so), not
                // `(a) < --(b)`. Write `a < -1` with a space.
                let arrow = (s == "<" && rest.starts_with('-'))
                    || (s == "-" && rest.starts_with('>'))
                    || (s == "+" && rest.starts_with('='));
                if !arrow {
                    return Some((rest, op));
                }
            }
        }
        let words: [(&str, BinaryOp); 6] = [
            ("OR", BinaryOp::Or),
            ("XOR", BinaryOp::Xor),
            ("AND", BinaryOp::And),
            ("CONTAINS", BinaryOp::Contains),
            ("IN", BinaryOp::In),
            ("STARTS", BinaryOp::StartsWith),
        ];
        for (w, op) in words {
            if let Ok((rest, _)) = self.kw(i, w) {
                if op == BinaryOp::StartsWith {
                    let (rest, _) = self.kw(rest, "WITH").ok()?;
                    return Some((rest, op));
                }
                return Some((rest, op));
            }
        }
        if let Ok((rest, _)) = self.kw2(i, "ENDS", "WITH") {
            return Some((rest, BinaryOp::EndsWith));
        }
        None
    }

    /// An atom followed by property lookups, indexing, slicing and at most
    /// one label predicate.
    fn postfix<'a>(&self, i: &'a str) -> PResult<'a, Expr> {
        let (i, start) = self.start(i)?;
        let (mut i, mut e) = self.atom(i)?;
        loop {
            if let Ok((rest, _)) = self.sym_not(i, ".", &['.']) {
                self.enter(i)?;
                let (rest, key) = self.name(rest)?;
                let span = self.span_from(start, rest);
                e = Expr::new(
                    ExprKind::Property {
                        base: Box::new(e),
                        key,
                    },
                    span,
                );
                i = rest;
            } else if let Ok((rest, _)) = self.sym(i, "[") {
                self.enter(i)?;
                let (rest, e2) = self.subscript(rest, e, start)?;
                e = e2;
                i = rest;
            } else {
                break;
            }
        }
        if self.at_sym(i, ":") {
            let (rest, labels) = self.labels(i)?;
            let span = self.span_from(start, rest);
            e = Expr::new(
                ExprKind::HasLabels {
                    base: Box::new(e),
                    labels,
                },
                span,
            );
            i = rest;
        }
        Ok((i, e))
    }

    /// After `base[`: an index `[i]` or a slice `[from..to]`.
    fn subscript<'a>(&self, i: &'a str, base: Expr, start: usize) -> PResult<'a, Expr> {
        let base = Box::new(base);
        if let Ok((rest, _)) = self.sym(i, "..") {
            let (rest, to) = opt(|i| self.expr(i)).parse(rest)?;
            let (rest, _) = self.sym(rest, "]")?;
            let kind = ExprKind::Slice {
                base,
                from: None,
                to: to.map(Box::new),
            };
            return Ok((rest, Expr::new(kind, self.span_from(start, rest))));
        }
        let (rest, index) = self.expr(i)?;
        if let Ok((rest, _)) = self.sym(rest, "..") {
            let (rest, to) = opt(|i| self.expr(i)).parse(rest)?;
            let (rest, _) = self.sym(rest, "]")?;
            let kind = ExprKind::Slice {
                base,
                from: Some(Box::new(index)),
                to: to.map(Box::new),
            };
            return Ok((rest, Expr::new(kind, self.span_from(start, rest))));
        }
        let (rest, _) = self.sym(rest, "]")?;
        let kind = ExprKind::Index {
            base,
            index: Box::new(index),
        };
        Ok((rest, Expr::new(kind, self.span_from(start, rest))))
    }

    /// `:A:B` (at least one label).
    pub fn labels<'a>(&self, mut i: &'a str) -> PResult<'a, Vec<Ident>> {
        let mut labels = Vec::new();
        while let Ok((rest, _)) = self.sym(i, ":") {
            let (rest, label) = self.name(rest)?;
            labels.push(label);
            i = rest;
        }
        if labels.is_empty() {
            return self.fail(i, ":");
        }
        Ok((i, labels))
    }

    /// A literal, parameter, variable, function call, list, map,
    /// comprehension, CASE, EXISTS, pattern predicate or parenthesized
    /// expression.
    fn atom<'a>(&self, i: &'a str) -> PResult<'a, Expr> {
        self.quietly(i, "an expression", |i| self.atom_inner(i))
    }

    fn atom_inner<'a>(&self, i: &'a str) -> PResult<'a, Expr> {
        let (i, start) = self.start(i)?;
        let first = i.chars().next();
        match first {
            Some('0'..='9') => {
                let (rest, (lit, span)) = self.number(i, None)?;
                return Ok((rest, Expr::new(ExprKind::Literal(lit), span)));
            }
            Some('.') if i[1..].starts_with(|c: char| c.is_ascii_digit()) => {
                let (rest, (lit, span)) = self.number(i, None)?;
                return Ok((rest, Expr::new(ExprKind::Literal(lit), span)));
            }
            Some('\'' | '"') => {
                let (rest, (s, span)) = self.string(i)?;
                return Ok((rest, Expr::new(ExprKind::Literal(Literal::String(s)), span)));
            }
            Some('$') => {
                let after = &i[1..];
                let (rest, name) = if after.starts_with(|c: char| c.is_ascii_digit()) {
                    let len = after.find(|c| !is_ident_continue(c)).unwrap_or(after.len());
                    (&after[len..], after[..len].to_string())
                } else if after.starts_with(char::is_whitespace) {
                    return self.fail(after, "a parameter name");
                } else {
                    let (rest, name) = self.name(after)?;
                    (rest, name.name)
                };
                return Ok((
                    rest,
                    Expr::new(ExprKind::Parameter(name), self.span_from(start, rest)),
                ));
            }
            Some('[') => return self.list_like(i, start),
            Some('{') => {
                let (rest, entries) = self.map_literal(i)?;
                return Ok((
                    rest,
                    Expr::new(ExprKind::Map(entries), self.span_from(start, rest)),
                ));
            }
            Some('(') => return self.paren_or_pattern(i, start),
            _ => {}
        }
        for (word, lit) in [
            ("TRUE", Literal::Bool(true)),
            ("FALSE", Literal::Bool(false)),
            ("NULL", Literal::Null),
        ] {
            if let Ok((rest, span)) = self.kw(i, word) {
                return Ok((rest, Expr::new(ExprKind::Literal(lit), span)));
            }
        }
        if self.at_kw(i, "CASE") {
            return self.case(i, start);
        }
        if self.at_kw(i, "EXISTS") {
            let (after, _) = self.kw(i, "EXISTS")?;
            if self.at_sym(after, "{") {
                return self.exists_subquery(after, start);
            }
        }
        let (rest, name) = match self.name(i) {
            Ok(ok) => ok,
            Err(nom::Err::Error(_)) => return self.fail(i, "an expression"),
            Err(e) => return Err(e),
        };
        if self.at_sym(rest, "(") {
            return self.call(i, name, rest, start);
        }
        if self.at_sym(rest, ".")
            && !self.at_sym(rest, "..")
            && let Some(result) = self.namespaced_call(name.clone(), rest, start)
        {
            return result;
        }
        if !i.starts_with('`') && crate::query::ast::is_reserved(&name.name) {
            return self.fail(i, "an expression");
        }
        if self.at_sym(rest, "{") {
            return self.map_projection(name, rest, start);
        }
        Ok((rest, Expr::new(ExprKind::Variable(name.name), name.span)))
    }

    /// `ns.ns2.name(`: a namespaced function call, or `None` when the
    /// dotted names are not followed by `(` (then they are property
    /// lookups).
    fn namespaced_call<'a>(
        &self,
        first: Ident,
        mut i: &'a str,
        start: usize,
    ) -> Option<PResult<'a, Expr>> {
        let mut parts = vec![first];
        while let Ok((rest, _)) = self.sym_not(i, ".", &['.']) {
            let (rest, part) = self.name(rest).ok()?;
            parts.push(part);
            i = rest;
        }
        if !self.at_sym(i, "(") {
            return None;
        }
        let name = parts.pop()?;
        Some(self.call_args(i, parts, name, start))
    }

    /// After a name followed by `(`: a quantifier, `count(*)`, or a call.
    fn call<'a>(
        &self,
        at_name: &'a str,
        name: Ident,
        rest: &'a str,
        start: usize,
    ) -> PResult<'a, Expr> {
        let quantifier = match name.name.to_ascii_lowercase().as_str() {
            "all" => Some(Quantifier::All),
            "any" => Some(Quantifier::Any),
            "none" => Some(Quantifier::None),
            "single" => Some(Quantifier::Single),
            _ => None,
        };
        if let Some(q) = quantifier
            && !at_name.starts_with('`')
        {
            let (after, _) = self.sym(rest, "(")?;
            if let Ok((after, variable)) = self.variable(after)
                && let Ok((after, _)) = self.kw(after, "IN")
            {
                let (after, list) = self.expr(after)?;
                let (after, filter) = self.opt_where(after)?;
                let (after, _) = self.sym(after, ")")?;
                let kind = ExprKind::Quantified {
                    quantifier: q,
                    variable,
                    list: Box::new(list),
                    filter: filter.map(Box::new),
                };
                return Ok((after, Expr::new(kind, self.span_from(start, after))));
            }
        }
        if name.name.eq_ignore_ascii_case("count") && !at_name.starts_with('`') {
            let (after, _) = self.sym(rest, "(")?;
            if let Ok((after, _)) = self.sym(after, "*")
                && let Ok((after, _)) = self.sym(after, ")")
            {
                return Ok((
                    after,
                    Expr::new(ExprKind::CountStar, self.span_from(start, after)),
                ));
            }
        }
        self.call_args(rest, Vec::new(), name, start)
    }

    /// `(DISTINCT? args)` of a function call.
    fn call_args<'a>(
        &self,
        i: &'a str,
        namespace: Vec<Ident>,
        name: Ident,
        start: usize,
    ) -> PResult<'a, Expr> {
        let (i, _) = self.sym(i, "(")?;
        let (i, distinct) = match self.kw(i, "DISTINCT") {
            Ok((rest, _)) => (rest, true),
            Err(_) => (i, false),
        };
        // `exists((a)-->(b))` takes a pattern predicate wherever it stands.
        let is_exists = namespace.is_empty() && name.name.eq_ignore_ascii_case("exists");
        let saved = self.patterns.get();
        if is_exists {
            self.patterns.set(true);
        }
        let result = self.comma_list(i, ")");
        self.patterns.set(saved);
        let (i, args) = result?;
        let kind = ExprKind::FunctionCall {
            namespace,
            name,
            distinct,
            args,
        };
        Ok((i, Expr::new(kind, self.span_from(start, i))))
    }

    /// Comma-separated expressions up to the closing symbol (consumed).
    fn comma_list<'a>(&self, i: &'a str, close: &'static str) -> PResult<'a, Vec<Expr>> {
        let mut items = Vec::new();
        if let Ok((rest, _)) = self.sym(i, close) {
            return Ok((rest, items));
        }
        let mut i = i;
        loop {
            let (rest, e) = self.expr(i)?;
            items.push(e);
            if let Ok((rest, _)) = self.sym(rest, ",") {
                i = rest;
                continue;
            }
            let (rest, _) = self.sym(rest, close)?;
            return Ok((rest, items));
        }
    }

    /// `WHERE expr`, if present.
    pub fn opt_where<'a>(&self, i: &'a str) -> PResult<'a, Option<Expr>> {
        match self.kw(i, "WHERE") {
            Ok((rest, _)) => {
                let (rest, e) = self.where_expr(rest)?;
                Ok((rest, Some(e)))
            }
            Err(_) => Ok((i, None)),
        }
    }

    /// `[`: a list comprehension, a pattern comprehension or a list literal.
    fn list_like<'a>(&self, i: &'a str, start: usize) -> PResult<'a, Expr> {
        let (after, _) = self.sym(i, "[")?;
        // `[x IN list ...]` is a comprehension, as in openCypher's grammar;
        // if it does not close like one (`[x IN l, 2]`), it is a list.
        if let Ok((rest, variable)) = self.variable(after)
            && let Ok((rest, _)) = self.kw(rest, "IN")
        {
            match self.list_comprehension(rest, variable, start) {
                Err(nom::Err::Error(_)) => {}
                result => return result,
            }
        }
        if let Some(result) = self.pattern_comprehension(after, start) {
            return result;
        }
        let (rest, items) = self.comma_list(after, "]")?;
        Ok((
            rest,
            Expr::new(ExprKind::List(items), self.span_from(start, rest)),
        ))
    }

    /// The rest of `[x IN list WHERE .. | expr]` after `IN`.
    fn list_comprehension<'a>(
        &self,
        i: &'a str,
        variable: Ident,
        start: usize,
    ) -> PResult<'a, Expr> {
        let (rest, list) = self.expr(i)?;
        let (rest, filter) = self.opt_where(rest)?;
        let (rest, map) = match self.sym(rest, "|") {
            Ok((rest, _)) => {
                let (rest, e) = self.expr(rest)?;
                (rest, Some(e))
            }
            Err(_) => (rest, None),
        };
        let (rest, _) = self.sym(rest, "]")?;
        let kind = ExprKind::ListComprehension {
            variable,
            list: Box::new(list),
            filter: filter.map(Box::new),
            map: map.map(Box::new),
        };
        Ok((rest, Expr::new(kind, self.span_from(start, rest))))
    }

    /// `[p = (a)-->(b) WHERE .. | expr]` after `[`, or `None` when what
    /// follows is not a relationship pattern.
    fn pattern_comprehension<'a>(&self, i: &'a str, start: usize) -> Option<PResult<'a, Expr>> {
        let (i, variable) = match self.variable(i) {
            Ok((rest, v)) => match self.sym_not(rest, "=", &['~']) {
                Ok((rest, _)) => (rest, Some(v)),
                Err(_) => return None,
            },
            Err(_) => (i, None),
        };
        let (i, pattern) = match self.path_pattern(i) {
            Ok((rest, p)) if !p.steps.is_empty() => (rest, p),
            Ok(_) | Err(nom::Err::Error(_)) => return None,
            Err(e) => return Some(Err(e)),
        };
        // Only `WHERE` or `|` after the pattern makes a comprehension;
        // otherwise it is a list holding a pattern predicate.
        if !self.at_kw(i, "WHERE") && !self.at_sym(i, "|") {
            return None;
        }
        // Committed to a comprehension: failures are final, as after `cut`.
        let body = || -> PResult<'a, Expr> {
            let (i, filter) = self.opt_where(i)?;
            let (i, _) = self.sym(i, "|")?;
            let (i, map) = self.expr(i)?;
            let (i, _) = self.sym(i, "]")?;
            let kind = ExprKind::PatternComprehension {
                variable,
                pattern: Box::new(pattern),
                filter: filter.map(Box::new),
                map: Box::new(map),
            };
            Ok((i, Expr::new(kind, self.span_from(start, i))))
        };
        Some(body().map_err(|e| match e {
            nom::Err::Error(e) => nom::Err::Failure(e),
            e => e,
        }))
    }

    /// `{key: value, ...}`.
    pub fn map_literal<'a>(&self, i: &'a str) -> PResult<'a, Vec<(Ident, Expr)>> {
        let (mut i, _) = self.sym(i, "{")?;
        let mut entries = Vec::new();
        if let Ok((rest, _)) = self.sym(i, "}") {
            return Ok((rest, entries));
        }
        loop {
            let (rest, key) = self.name(i)?;
            let (rest, _) = self.sym(rest, ":")?;
            let (rest, value) = self.expr(rest)?;
            entries.push((key, value));
            if let Ok((rest, _)) = self.sym(rest, ",") {
                i = rest;
                continue;
            }
            let (rest, _) = self.sym(rest, "}")?;
            return Ok((rest, entries));
        }
    }

    /// `base{.key, .*, key: expr, variable}`.
    fn map_projection<'a>(&self, base: Ident, i: &'a str, start: usize) -> PResult<'a, Expr> {
        let (mut i, _) = self.sym(i, "{")?;
        let mut items = Vec::new();
        if let Ok((rest, _)) = self.sym(i, "}") {
            let kind = ExprKind::MapProjection { base, items };
            return Ok((rest, Expr::new(kind, self.span_from(start, rest))));
        }
        loop {
            let (rest, item) = if let Ok((rest, dot)) = self.sym(i, ".") {
                if let Ok((rest, star)) = self.sym(rest, "*") {
                    (rest, MapProjectionItem::AllProperties(dot.to(star)))
                } else {
                    let (rest, key) = self.name(rest)?;
                    (rest, MapProjectionItem::Property(key))
                }
            } else {
                let (rest, key) = self.name(i)?;
                if let Ok((rest, _)) = self.sym(rest, ":") {
                    let (rest, value) = self.expr(rest)?;
                    (rest, MapProjectionItem::Literal(key, value))
                } else {
                    (rest, MapProjectionItem::Variable(key))
                }
            };
            items.push(item);
            if let Ok((rest, _)) = self.sym(rest, ",") {
                i = rest;
                continue;
            }
            let (rest, _) = self.sym(rest, "}")?;
            let kind = ExprKind::MapProjection { base, items };
            return Ok((rest, Expr::new(kind, self.span_from(start, rest))));
        }
    }

    /// `(`: a pattern predicate (where allowed) or a parenthesized
    /// expression.
    fn paren_or_pattern<'a>(&self, i: &'a str, start: usize) -> PResult<'a, Expr> {
        let at = self.off(i);
        if self.patterns.get() && !self.not_patterns.borrow().contains(&at) {
            match self.path_pattern(i) {
                Ok((rest, p)) if !p.steps.is_empty() => {
                    let span = self.span_from(start, rest);
                    return Ok((
                        rest,
                        Expr::new(ExprKind::PatternPredicate(Box::new(p)), span),
                    ));
                }
                Err(e @ nom::Err::Failure(_)) => return Err(e),
                _ => {
                    self.not_patterns.borrow_mut().insert(at);
                }
            }
        }
        let (i, _) = self.sym(i, "(")?;
        let (i, e) = self.expr(i)?;
        let (i, _) = self.sym(i, ")")?;
        Ok((i, e))
    }

    /// `CASE [operand] WHEN .. THEN .. [ELSE ..] END`.
    fn case<'a>(&self, i: &'a str, start: usize) -> PResult<'a, Expr> {
        let (i, _) = self.kw(i, "CASE")?;
        let (mut i, operand) = if self.at_kw(i, "WHEN") {
            (i, None)
        } else {
            let (rest, e) = self.expr(i)?;
            (rest, Some(Box::new(e)))
        };
        let mut whens = Vec::new();
        while let Ok((rest, _)) = self.kw(i, "WHEN") {
            let (rest, when) = self.expr(rest)?;
            let (rest, _) = self.kw(rest, "THEN")?;
            let (rest, then) = self.expr(rest)?;
            whens.push(CaseWhen { when, then });
            i = rest;
        }
        if whens.is_empty() {
            return self.fail(i, "WHEN");
        }
        let (i, else_) = match self.kw(i, "ELSE") {
            Ok((rest, _)) => {
                let (rest, e) = self.expr(rest)?;
                (rest, Some(Box::new(e)))
            }
            Err(_) => (i, None),
        };
        let (i, _) = self.kw(i, "END")?;
        let kind = ExprKind::Case {
            operand,
            whens,
            else_,
        };
        Ok((i, Expr::new(kind, self.span_from(start, i))))
    }

    /// After `EXISTS`: `{ pattern [WHERE ..] }` or `{ query }`.
    fn exists_subquery<'a>(&self, i: &'a str, start: usize) -> PResult<'a, Expr> {
        let (i, _) = self.sym(i, "{")?;
        let body = if self.starts_clause(i) {
            let (rest, query) = self.query(i)?;
            (rest, ExistsBody::Query(query))
        } else {
            let (rest, pattern) = self.pattern(i)?;
            let (rest, where_) = self.opt_where(rest)?;
            (rest, ExistsBody::Pattern { pattern, where_ })
        };
        let (i, body) = body;
        let (i, _) = self.sym(i, "}")?;
        Ok((
            i,
            Expr::new(ExprKind::Exists(Box::new(body)), self.span_from(start, i)),
        ))
    }
}

/// A unary expression.
fn unary(op: UnaryOp, operand: Expr, span: Span) -> Expr {
    Expr::new(
        ExprKind::Unary {
            op,
            operand: Box::new(operand),
        },
        span,
    )
}

/// A binary expression.
fn binary(op: BinaryOp, lhs: Expr, rhs: Expr, span: Span) -> Expr {
    Expr::new(
        ExprKind::Binary {
            op,
            lhs: Box::new(lhs),
            rhs: Box::new(rhs),
        },
        span,
    )
}

/// Whether `i` starts with a number literal (`1`, `.5`).
pub(crate) fn starts_number(i: &str) -> bool {
    let b = i.as_bytes();
    match b.first() {
        Some(c) if c.is_ascii_digit() => true,
        Some(b'.') => b.get(1).is_some_and(u8::is_ascii_digit),
        _ => false,
    }
}
