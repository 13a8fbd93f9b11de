//! Parsing: query text to [`ast`](crate::query::ast), with nom 8 on `&str`.
//!
//! The lexeme helpers skip whitespace and comments and match keywords
//! case-insensitively on word boundaries; every node gets a byte [`Span`]
//! into the source; `cut` follows each committing clause keyword. A failed
//! parse reports the furthest offset reached with what was expected there
//! and what was found, and a distinct [`ErrorCode::UnexpectedEnd`] when the
//! input stopped inside a statement (the REPL reads on). Semantic checks
//! (scopes, types, aggregation rules) are not made here; `query::plan` does.
//!
//! # Example: split a script and parse each statement
//! ```
//! use newsgraph::query::parse::{parse_statement_in, split_statements};
//! let src = "MATCH (p:Person) RETURN p.name; RETURN 1 + 2 AS three";
//! let spans = split_statements(src);
//! assert_eq!(spans.len(), 2);
//! let second = parse_statement_in(src, spans[1]).unwrap();
//! assert_eq!(second.to_string(), "RETURN 1 + 2 AS three");
//! ```

mod clause;
mod expr;
mod lexeme;
mod pattern;

use lexeme::{P, PErr};

use crate::query::ast::{Expr, Statement};
use crate::query::error::{ErrorCode, QueryError};
use crate::span::Span;

pub use lexeme::MAX_DEPTH;

/// Parses one statement (an optional trailing `;` is allowed). Spans are
/// byte offsets into `src`.
pub fn parse_statement(src: &str) -> Result<Statement, QueryError> {
    parse_statement_in(src, Span::new(0, src.len()))
}

/// Parses the statement at `span` of `src` (e.g. one returned by
/// [`split_statements`]); spans in the tree and in errors are byte offsets
/// into the whole `src`.
pub fn parse_statement_in(src: &str, span: Span) -> Result<Statement, QueryError> {
    let text = src.get(span.range()).unwrap_or("");
    run_parser(span.end as usize, text, |p| p.statement(text))
}

/// Parses a standalone expression, e.g. for a REPL helper or a test.
/// Pattern predicates are accepted, as in `WHERE`.
pub fn parse_expression(src: &str) -> Result<Expr, QueryError> {
    run_parser(src.len(), src, |p| p.where_expr(src))
}

/// Stack a parse may use on the caller's thread. A nesting level costs up
/// to ~20 KiB of stack in a debug build (measured: 100 nested lists
/// overflowed a 2 MiB test thread before the budget existed), so ordinary
/// queries fit, and any thread (2 MiB by default) has room to spare.
const INLINE_STACK: usize = 256 << 10;

/// Stack of the thread that parses input too deep for [`INLINE_STACK`]:
/// room for [`MAX_DEPTH`] levels in a debug build. The pages are only
/// touched by deep input.
const PARSER_STACK: usize = 64 << 20;

/// Runs `parse` on this thread within [`INLINE_STACK`]; input that needs
/// more is parsed again on a thread of its own with [`PARSER_STACK`], so
/// that the depth limit, not the caller's stack, bounds the recursion.
fn run_parser<'s, T: Send>(
    end: usize,
    text: &'s str,
    parse: impl Fn(&P) -> lexeme::PResult<'s, T> + Sync,
) -> Result<T, QueryError> {
    let p = P::new(end, INLINE_STACK);
    let result = finish(&p, text, parse(&p));
    if !p.out_of_stack() {
        return result;
    }
    std::thread::scope(|scope| {
        let handle = std::thread::Builder::new()
            .name("newsgraph-parse".into())
            .stack_size(PARSER_STACK)
            .spawn_scoped(scope, || {
                // A margin below the thread's stack for the frames above
                // the parser and for the error path.
                let p = P::new(end, PARSER_STACK - (1 << 20));
                finish(&p, text, parse(&p))
            });
        match handle {
            // A panic is a bug; it is passed on unchanged, not hidden.
            Ok(handle) => handle
                .join()
                .unwrap_or_else(|payload| std::panic::resume_unwind(payload)),
            Err(e) => Err(QueryError::new(
                ErrorCode::MemoryLimit,
                Span::default(),
                format!("cannot start the parser thread: {e}"),
            )),
        }
    })
}

/// Splits `src` into the spans of its statements at top-level `;` (not
/// inside strings, quoted names or comments). Each span is
/// trimmed of surrounding whitespace; pieces holding only whitespace and
/// comments are dropped. An unterminated string or comment runs to the end.
///
/// ```
/// use newsgraph::query::parse::split_statements;
/// let src = "RETURN ';' // a ; in a comment\n; RETURN 2;";
/// let spans: Vec<&str> = split_statements(src).iter().map(|s| &src[s.range()]).collect();
/// assert_eq!(spans, ["RETURN ';' // a ; in a comment", "RETURN 2"]);
/// ```
pub fn split_statements(src: &str) -> Vec<Span> {
    let mut spans = Vec::new();
    let bytes = src.as_bytes();
    let mut piece_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            q @ (b'\'' | b'"' | b'`') => {
                i += 1;
                while i < bytes.len() && bytes[i] != q {
                    // Backslash escapes only exist in strings.
                    if bytes[i] == b'\\' && q != b'`' {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i += 2;
            }
            b';' => {
                push_piece(src, piece_start, i, &mut spans);
                i += 1;
                piece_start = i;
            }
            _ => i += 1,
        }
    }
    push_piece(src, piece_start, src.len(), &mut spans);
    spans
}

/// Adds `src[start..end]`, trimmed, unless it holds only whitespace and
/// comments.
fn push_piece(src: &str, start: usize, end: usize, spans: &mut Vec<Span>) {
    let end = end.min(src.len());
    let Some(piece) = src.get(start..end) else {
        return;
    };
    let p = P::new(end, INLINE_STACK);
    let meaningful = match p.ws(piece) {
        Ok((rest, ())) => !rest.is_empty(),
        // An unterminated comment: keep it, so that parsing reports it.
        Err(_) => true,
    };
    if meaningful {
        let lead = piece.len() - piece.trim_start().len();
        let trimmed = piece.trim();
        spans.push(Span::new(start + lead, start + lead + trimmed.len()));
    }
}

/// Parses every statement of a script: the span of each statement with
/// its tree or error. A syntax error ends only its own statement.
pub fn parse_script(src: &str) -> Vec<(Span, Result<Statement, QueryError>)> {
    split_statements(src)
        .into_iter()
        .map(|span| (span, parse_statement_in(src, span)))
        .collect()
}

/// Turns a parser result into the tree or the best error: a hard error as
/// raised, else the furthest failure; requires the whole input (but an
/// optional `;`) to be consumed.
fn finish<T>(p: &P, text: &str, result: lexeme::PResult<'_, T>) -> Result<T, QueryError> {
    match result {
        Ok((rest, value)) => {
            let rest = match p.ws(rest) {
                Ok((rest, ())) => rest,
                Err(e) => return Err(soft_or_hard(p, text, e)),
            };
            let rest = rest.strip_prefix(';').unwrap_or(rest);
            match p.ws(rest) {
                Ok(("", ())) => Ok(value),
                Ok((rest, ())) => {
                    p.expected(rest, "end of input");
                    Err(furthest_error(p, text))
                }
                Err(e) => Err(soft_or_hard(p, text, e)),
            }
        }
        Err(e) => Err(soft_or_hard(p, text, e)),
    }
}

fn soft_or_hard(p: &P, text: &str, e: nom::Err<PErr>) -> QueryError {
    match e {
        nom::Err::Error(PErr::Hard(err)) | nom::Err::Failure(PErr::Hard(err)) => err,
        _ => furthest_error(p, text),
    }
}

/// The error at the furthest offset the parser reached.
fn furthest_error(p: &P, text: &str) -> QueryError {
    let furthest = p.furthest.borrow();
    let end = p.off("");
    let base = end - text.len();
    let offset = furthest.offset.clamp(base, end);
    let rest = text.get(offset - base..).unwrap_or("");
    let expected = describe_expected(&furthest.expected);
    let at_end = matches!(p.ws(rest), Ok(("", ())));
    if at_end {
        return QueryError::new(
            ErrorCode::UnexpectedEnd,
            Span::at(end),
            format!("unexpected end of input: expected {expected}"),
        );
    }
    let found = found_token(rest);
    let span = Span::new(offset, offset + found.len());
    let first = rest.chars().next().unwrap_or(' ');
    let code = if !first.is_ascii() && !first.is_alphanumeric() && !first.is_whitespace() {
        ErrorCode::InvalidUnicodeCharacter
    } else {
        ErrorCode::UnexpectedSyntax
    };
    QueryError::new(code, span, format!("expected {expected}, found `{found}`"))
}

/// The token at the start of `rest`: a word, or one character.
fn found_token(rest: &str) -> &str {
    let word = rest
        .find(|c: char| !lexeme::is_ident_continue(c))
        .unwrap_or(rest.len());
    if word > 0 {
        return &rest[..word];
    }
    let len = rest.chars().next().map_or(0, char::len_utf8);
    &rest[..len]
}

/// `X`, `X or Y`, `one of X, Y, Z`, with at most eight named.
fn describe_expected(expected: &[&'static str]) -> String {
    const MAX: usize = 8;
    let shown: Vec<String> = expected
        .iter()
        .take(MAX)
        .map(|e| {
            if e.starts_with("a ") || e.starts_with("an ") || e.starts_with("end ") {
                (*e).to_string()
            } else {
                format!("`{e}`")
            }
        })
        .collect();
    let more = if expected.len() > MAX { ", ..." } else { "" };
    match shown.as_slice() {
        [] => "something else".to_string(),
        [one] => one.clone(),
        [a, b] if more.is_empty() => format!("{a} or {b}"),
        _ => format!("one of {}{more}", shown.join(", ")),
    }
}

#[cfg(test)]
mod tests;
