//! Lexemes: whitespace and comments, keywords, symbols, names, string and
//! number literals. Every helper skips leading whitespace and comments, so
//! a token's span starts at its first character and ends right after it.
//!
//! Failures are recorded in the parser's furthest-failure tracker with what
//! was expected; only errors with a specific code (a bad number literal, an
//! unterminated string) are raised directly as hard errors.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};

use nom::IResult;
use nom::error::{ErrorKind as NomErrorKind, ParseError};

use crate::query::ast::{Expr, Ident, Literal, is_reserved};
use crate::query::error::{ErrorCode, QueryError};
use crate::span::Span;

/// The parser's error: `Soft` failures carry nothing (what was expected is
/// in the tracker, at the furthest offset reached); `Hard` ones are final.
#[derive(Debug)]
pub(crate) enum PErr {
    /// An ordinary failure; alternatives may still match.
    Soft,
    /// An error with its own code and span, e.g. `IntegerOverflow`.
    Hard(QueryError),
}

impl ParseError<&str> for PErr {
    fn from_error_kind(_: &str, _: NomErrorKind) -> Self {
        PErr::Soft
    }

    fn append(_: &str, _: NomErrorKind, other: Self) -> Self {
        other
    }
}

/// A parse result over `&str` with [`PErr`].
pub(crate) type PResult<'a, T> = IResult<&'a str, T, PErr>;

/// How deeply expressions may nest before the parser gives up. Each level
/// costs a few stack frames; 500 levels stay below a 2 MiB thread stack
/// (the test harness's default; see the `deep_nesting` test) and far above
/// what a person writes.
pub const MAX_DEPTH: u32 = 500;

/// Parsed expressions by (offset, pattern predicates allowed, depth): the
/// offset after each and its tree, or `None` for a soft failure.
pub(crate) type ParsedExprs = HashMap<(usize, bool, u32), Option<(usize, Expr)>>;

/// The furthest point the parser reached and what it expected there.
#[derive(Debug, Default)]
pub(crate) struct Furthest {
    /// Absolute byte offset.
    pub offset: usize,
    /// What would have been accepted there, in the order first tried.
    pub expected: Vec<&'static str>,
}

/// Parser state shared by all productions of one statement.
pub(crate) struct P {
    /// Absolute offset of the end of the input: a rest `r` starts at
    /// `end - r.len()`.
    end: usize,
    /// Current expression nesting depth.
    pub depth: Cell<u32>,
    /// The furthest failure so far.
    pub furthest: RefCell<Furthest>,
    /// Whether a relationship pattern may stand as a boolean expression
    /// (inside `WHERE` and `exists(...)` only, as the TCK requires).
    pub patterns: Cell<bool>,
    /// Offsets where a pattern predicate was tried and did not parse: a
    /// `(` nested in `(` would otherwise be tried both as a pattern and as
    /// an expression at every level, in time exponential in the depth.
    pub not_patterns: RefCell<HashSet<usize>>,
    /// Expressions already parsed, by (offset, pattern predicates allowed,
    /// depth): where `[` may open a list or a comprehension, each level
    /// would otherwise parse what it holds twice, in time exponential in
    /// the nesting. `None` records a soft failure.
    pub parsed: RefCell<ParsedExprs>,
    /// An offset where failures are summarised by one label already
    /// recorded (e.g. "an expression" rather than each kind of atom).
    quiet_at: Cell<Option<usize>>,
    /// The stack address where the parse began.
    stack_base: usize,
    /// How many bytes of stack the parse may use.
    stack_budget: usize,
    /// Set when [`P::enter`] failed for lack of stack.
    out_of_stack: Cell<bool>,
}

/// The address of a local variable: the current depth of the stack. Only
/// differences are used, and only as a measure (the stack grows downwards
/// on the supported targets; `abs_diff` makes the direction irrelevant).
#[inline(never)]
fn stack_address() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

/// Whether `c` may continue an unquoted name.
pub(crate) fn is_ident_continue(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Whether `c` may start an unquoted name.
pub(crate) fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

impl P {
    /// State for an input whose last byte is at absolute offset `end - 1`.
    /// `stack_budget` bounds the stack the parse may use below this call.
    pub fn new(end: usize, stack_budget: usize) -> P {
        P {
            end,
            depth: Cell::new(0),
            furthest: RefCell::new(Furthest::default()),
            patterns: Cell::new(false),
            not_patterns: RefCell::new(HashSet::new()),
            parsed: RefCell::new(HashMap::new()),
            quiet_at: Cell::new(None),
            stack_base: stack_address(),
            stack_budget,
            out_of_stack: Cell::new(false),
        }
    }

    /// Whether the parse stopped because it used up its stack budget
    /// (rather than exceeding [`MAX_DEPTH`]).
    pub fn out_of_stack(&self) -> bool {
        self.out_of_stack.get()
    }

    /// Enters one nesting level: fails hard past [`MAX_DEPTH`] or when the
    /// stack used since [`P::new`] exceeds the budget.
    pub fn enter(&self, i: &str) -> Result<(), nom::Err<PErr>> {
        let depth = self.depth.get() + 1;
        let used = self.stack_base.abs_diff(stack_address());
        if used > self.stack_budget {
            self.out_of_stack.set(true);
        }
        if depth > MAX_DEPTH || used > self.stack_budget {
            let at = self.off(i);
            return self.hard(
                ErrorCode::NestingTooDeep,
                Span::new(at, at + 1),
                format!("expression nested too deeply (the limit is {MAX_DEPTH} levels)"),
            );
        }
        self.depth.set(depth);
        Ok(())
    }

    /// The absolute offset where `rest` starts.
    pub fn off(&self, rest: &str) -> usize {
        self.end - rest.len()
    }

    /// The span from `start` to where `rest` starts.
    pub fn span_from(&self, start: usize, rest: &str) -> Span {
        Span::new(start, self.off(rest))
    }

    /// Records that `what` was expected at the start of `rest` and fails
    /// softly.
    pub fn fail<'a, T>(&self, rest: &'a str, what: &'static str) -> PResult<'a, T> {
        self.expected(rest, what);
        Err(nom::Err::Error(PErr::Soft))
    }

    /// Records that `what` was expected at the start of `rest`.
    pub fn expected(&self, rest: &str, what: &'static str) {
        let offset = self.off(rest);
        if self.quiet_at.get() == Some(offset) {
            return;
        }
        let mut f = self.furthest.borrow_mut();
        if offset > f.offset {
            f.offset = offset;
            f.expected.clear();
        }
        if offset == f.offset && !f.expected.contains(&what) {
            f.expected.push(what);
        }
    }

    /// Runs `f` with failures at the start of `i` (past whitespace)
    /// recorded only as `label`.
    pub fn quietly<'a, T>(
        &self,
        i: &'a str,
        label: &'static str,
        f: impl FnOnce(&'a str) -> T,
    ) -> T {
        let at = match self.ws(i) {
            Ok((rest, ())) => rest,
            Err(_) => i,
        };
        self.expected(at, label);
        let saved = self.quiet_at.replace(Some(self.off(at)));
        let result = f(i);
        self.quiet_at.set(saved);
        result
    }

    /// A hard error with `code` over `span`.
    pub fn hard<T>(
        &self,
        code: ErrorCode,
        span: Span,
        message: impl Into<String>,
    ) -> Result<T, nom::Err<PErr>> {
        Err(nom::Err::Failure(PErr::Hard(QueryError::new(
            code, span, message,
        ))))
    }

    /// Skips whitespace and `//` and `/* */` comments.
    pub fn ws<'a>(&self, mut i: &'a str) -> PResult<'a, ()> {
        loop {
            let trimmed = i.trim_start();
            if let Some(after) = trimmed.strip_prefix("//") {
                i = after.find('\n').map_or("", |n| &after[n..]);
            } else if let Some(after) = trimmed.strip_prefix("/*") {
                match after.find("*/") {
                    Some(n) => i = &after[n + 2..],
                    None => {
                        let start = self.off(trimmed);
                        return self.hard(
                            ErrorCode::UnexpectedEnd,
                            Span::new(start, self.end),
                            "unterminated comment: expected `*/`",
                        );
                    }
                }
            } else {
                return Ok((trimmed, ()));
            }
        }
    }

    /// Skips whitespace and returns the rest with the absolute offset of
    /// its start.
    pub fn start<'a>(&self, i: &'a str) -> PResult<'a, usize> {
        let (i, ()) = self.ws(i)?;
        Ok((i, self.off(i)))
    }

    /// A case-insensitive keyword, not followed by a name character.
    pub fn kw<'a>(&self, i: &'a str, word: &'static str) -> PResult<'a, Span> {
        let (i, start) = self.start(i)?;
        if self.peek_kw(i, word) {
            let rest = &i[word.len()..];
            Ok((rest, self.span_from(start, rest)))
        } else {
            self.fail(i, word)
        }
    }

    /// Whether `i` (already past whitespace) starts with keyword `word`.
    pub fn peek_kw(&self, i: &str, word: &str) -> bool {
        i.get(..word.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(word))
            && !i[word.len()..].starts_with(is_ident_continue)
    }

    /// Whether the next token (after whitespace) is keyword `word`.
    pub fn at_kw(&self, i: &str, word: &str) -> bool {
        match self.ws(i) {
            Ok((i, ())) => self.peek_kw(i, word),
            Err(_) => false,
        }
    }

    /// Two keywords in a row, e.g. `STARTS WITH`.
    pub fn kw2<'a>(
        &self,
        i: &'a str,
        first: &'static str,
        second: &'static str,
    ) -> PResult<'a, Span> {
        let (i, a) = self.kw(i, first)?;
        let (i, b) = self.kw(i, second)?;
        Ok((i, a.to(b)))
    }

    /// A punctuation symbol, exactly as given.
    pub fn sym<'a>(&self, i: &'a str, s: &'static str) -> PResult<'a, Span> {
        let (i, start) = self.start(i)?;
        match i.strip_prefix(s) {
            Some(rest) => Ok((rest, self.span_from(start, rest))),
            None => self.fail(i, s),
        }
    }

    /// A symbol that must not be followed by any of `not_followed`
    /// (e.g. `=` but not `=~`, `<` but not `<=`).
    pub fn sym_not<'a>(
        &self,
        i: &'a str,
        s: &'static str,
        not_followed: &[char],
    ) -> PResult<'a, Span> {
        let (rest, span) = self.sym(i, s)?;
        if rest.starts_with(not_followed) {
            let (i, ()) = self.ws(i)?;
            return self.fail(i, s);
        }
        Ok((rest, span))
    }

    /// Whether the next token (after whitespace) starts with `s`.
    pub fn at_sym(&self, i: &str, s: &str) -> bool {
        match self.ws(i) {
            Ok((i, ())) => i.starts_with(s),
            Err(_) => false,
        }
    }

    /// A name: plain (letters, digits, `_`, not starting with a digit) or
    /// in backticks. Reserved words are accepted (labels, keys, types).
    pub fn name<'a>(&self, i: &'a str) -> PResult<'a, Ident> {
        let (i, start) = self.start(i)?;
        if let Some(body) = i.strip_prefix('`') {
            let mut name = String::new();
            let mut rest = body;
            loop {
                match rest.find('`') {
                    None => {
                        return self.hard(
                            ErrorCode::UnexpectedEnd,
                            Span::new(start, self.end),
                            "unterminated quoted name: expected '`'",
                        );
                    }
                    Some(n) => {
                        name.push_str(&rest[..n]);
                        rest = &rest[n + 1..];
                        if let Some(after) = rest.strip_prefix('`') {
                            name.push('`');
                            rest = after;
                        } else {
                            return Ok((rest, Ident::new(name, self.span_from(start, rest))));
                        }
                    }
                }
            }
        }
        if !i.starts_with(is_ident_start) {
            return self.fail(i, "a name");
        }
        let len = i.find(|c| !is_ident_continue(c)).unwrap_or(i.len());
        let rest = &i[len..];
        Ok((rest, Ident::new(&i[..len], self.span_from(start, rest))))
    }

    /// A variable name: like [`P::name`], but an unquoted reserved word is
    /// refused.
    pub fn variable<'a>(&self, i: &'a str) -> PResult<'a, Ident> {
        let (i, ()) = self.ws(i)?;
        let (rest, ident) = self.name(i)?;
        if !i.starts_with('`') && is_reserved(&ident.name) {
            return self.fail(i, "a variable");
        }
        Ok((rest, ident))
    }

    /// A string literal in single or double quotes, escapes resolved.
    pub fn string<'a>(&self, i: &'a str) -> PResult<'a, (String, Span)> {
        let (i, start) = self.start(i)?;
        let quote = match i.chars().next() {
            Some(q @ ('\'' | '"')) => q,
            _ => return self.fail(i, "a string"),
        };
        let mut out = String::new();
        let mut rest = &i[1..];
        loop {
            let Some(n) = rest.find([quote, '\\']) else {
                return self.hard(
                    ErrorCode::UnexpectedEnd,
                    Span::new(start, self.end),
                    format!("unterminated string: expected `{quote}`"),
                );
            };
            out.push_str(&rest[..n]);
            let at = &rest[n..];
            if at.starts_with(quote) {
                let rest = &at[1..];
                return Ok((rest, (out, self.span_from(start, rest))));
            }
            rest = self.escape(at, &mut out)?;
        }
    }

    /// Resolves one escape sequence at `at` (which starts with `\`) into
    /// `out` and returns the rest.
    fn escape<'a>(&self, at: &'a str, out: &mut String) -> Result<&'a str, nom::Err<PErr>> {
        let esc_start = self.off(at);
        let mut chars = at[1..].chars();
        let simple = match chars.next() {
            None => {
                return self.hard(
                    ErrorCode::UnexpectedEnd,
                    Span::new(esc_start, self.end),
                    "unterminated string",
                );
            }
            Some('\\') => '\\',
            Some('\'') => '\'',
            Some('"') => '"',
            Some('b' | 'B') => '\u{8}',
            Some('f' | 'F') => '\u{c}',
            Some('n' | 'N') => '\n',
            Some('r' | 'R') => '\r',
            Some('t' | 'T') => '\t',
            Some(u @ ('u' | 'U')) => {
                let digits = if u == 'u' { 4 } else { 8 };
                let (code, rest) = self.hex_escape(at, digits)?;
                // A UTF-16 surrogate pair written as two `\u` escapes.
                if (0xD800..0xDC00).contains(&code)
                    && rest.starts_with("\\u")
                    && let Ok((low, after)) = self.hex_escape(rest, 4)
                    && (0xDC00..0xE000).contains(&low)
                    && let Some(c) =
                        char::from_u32(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00))
                {
                    out.push(c);
                    return Ok(after);
                }
                return match char::from_u32(code) {
                    Some(c) => {
                        out.push(c);
                        Ok(rest)
                    }
                    None => self.hard(
                        ErrorCode::InvalidUnicodeLiteral,
                        self.span_from(esc_start, rest),
                        format!("invalid Unicode code point {code:#X}"),
                    ),
                };
            }
            Some(other) => {
                let end = esc_start + 1 + other.len_utf8();
                return self.hard(
                    ErrorCode::UnexpectedSyntax,
                    Span::new(esc_start, end),
                    format!("invalid escape sequence `\\{other}`"),
                );
            }
        };
        out.push(simple);
        Ok(&at[2..])
    }

    /// Reads `\uXXXX` (or `\UXXXXXXXX`) at `at`; returns the code and rest.
    fn hex_escape<'a>(&self, at: &'a str, digits: usize) -> Result<(u32, &'a str), nom::Err<PErr>> {
        let esc_start = self.off(at);
        let body = &at[2..];
        let hex_len = body
            .char_indices()
            .take(digits)
            .take_while(|(_, c)| c.is_ascii_hexdigit())
            .count();
        if hex_len < digits {
            if body.len() == hex_len {
                return self.hard(
                    ErrorCode::UnexpectedEnd,
                    Span::new(esc_start, self.end),
                    "unterminated Unicode escape",
                );
            }
            return self.hard(
                ErrorCode::InvalidUnicodeLiteral,
                Span::new(esc_start, esc_start + 2 + hex_len),
                format!("invalid Unicode escape: expected {digits} hexadecimal digits"),
            );
        }
        match u32::from_str_radix(&body[..digits], 16) {
            Ok(code) => Ok((code, &body[digits..])),
            Err(_) => self.hard(
                ErrorCode::InvalidUnicodeLiteral,
                Span::new(esc_start, esc_start + 2 + digits),
                "invalid Unicode escape",
            ),
        }
    }

    /// A non-negative number literal: decimal, `0x` hexadecimal, `0o`
    /// octal integer, or a float (`1.5`, `.5`, `1e3`). With `negative`, the
    /// value is negated (a folded unary minus) and `text` gets the sign.
    pub fn number<'a>(&self, i: &'a str, negative: Option<usize>) -> PResult<'a, (Literal, Span)> {
        let (i, start) = self.start(i)?;
        let span_start = negative.unwrap_or(start);
        let bytes = i.as_bytes();
        let starts_number = match bytes.first() {
            Some(b) if b.is_ascii_digit() => true,
            Some(b'.') => bytes.get(1).is_some_and(u8::is_ascii_digit),
            _ => false,
        };
        if !starts_number {
            return self.fail(i, "a number");
        }
        let sign = if negative.is_some() { "-" } else { "" };
        let radix = match (bytes.first(), bytes.get(1)) {
            (Some(b'0'), Some(b'x' | b'X')) => Some(16),
            (Some(b'0'), Some(b'o' | b'O')) => Some(8),
            _ => None,
        };
        if let Some(radix) = radix {
            let body = &i[2..];
            let len = body
                .find(|c: char| !c.is_digit(radix))
                .unwrap_or(body.len());
            let rest = &body[len..];
            let word_end = rest.find(|c| !is_ident_continue(c)).unwrap_or(rest.len());
            let end_rest = &rest[word_end..];
            let span = Span::new(span_start, self.off(end_rest));
            if len == 0 || word_end > 0 {
                return self.hard(
                    ErrorCode::InvalidNumberLiteral,
                    span,
                    format!(
                        "invalid number literal `{}`",
                        &i[..i.len() - end_rest.len()]
                    ),
                );
            }
            let digits = &body[..len];
            let value = u64::from_str_radix(digits, radix)
                .ok()
                .and_then(|v| signed(v, negative.is_some()));
            let text = format!("{sign}{}", &i[..2 + len]);
            return match value {
                Some(value) => Ok((rest, (Literal::Integer { text, value }, span))),
                None => self.hard(
                    ErrorCode::IntegerOverflow,
                    span,
                    format!("integer literal `{text}` does not fit in 64 bits"),
                ),
            };
        }
        let int_len = i.find(|c: char| !c.is_ascii_digit()).unwrap_or(i.len());
        let mut len = int_len;
        let mut is_float = false;
        if i[len..].starts_with('.') && i[len + 1..].starts_with(|c: char| c.is_ascii_digit()) {
            is_float = true;
            len += 1;
            len += i[len..]
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(i.len() - len);
        }
        let after = &i[len..];
        if after.starts_with(['e', 'E']) {
            let mut exp = 1;
            if after[1..].starts_with(['+', '-']) {
                exp += 1;
            }
            let digits = after[exp..]
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(after.len() - exp);
            if digits > 0 {
                is_float = true;
                len += exp + digits;
            }
        }
        let rest = &i[len..];
        let word_end = rest.find(|c| !is_ident_continue(c)).unwrap_or(rest.len());
        if word_end > 0 {
            let end_rest = &rest[word_end..];
            return self.hard(
                ErrorCode::InvalidNumberLiteral,
                Span::new(span_start, self.off(end_rest)),
                format!(
                    "invalid number literal `{}`",
                    &i[..i.len() - end_rest.len()]
                ),
            );
        }
        let digits = &i[..len];
        let text = format!("{sign}{digits}");
        let span = Span::new(span_start, self.off(rest));
        if is_float {
            return match text.parse::<f64>() {
                Ok(value) if value.is_finite() => {
                    Ok((rest, (Literal::Float { text, value }, span)))
                }
                _ => self.hard(
                    ErrorCode::FloatingPointOverflow,
                    span,
                    format!("float literal `{text}` is out of range"),
                ),
            };
        }
        match digits
            .parse::<u64>()
            .ok()
            .and_then(|v| signed(v, negative.is_some()))
        {
            Some(value) => Ok((rest, (Literal::Integer { text, value }, span))),
            None => self.hard(
                ErrorCode::IntegerOverflow,
                span,
                format!("integer literal `{text}` does not fit in 64 bits"),
            ),
        }
    }

    /// An unsigned integer (for variable-length bounds).
    pub fn uint<'a>(&self, i: &'a str) -> PResult<'a, u64> {
        let (i, start) = self.start(i)?;
        let len = i.find(|c: char| !c.is_ascii_digit()).unwrap_or(i.len());
        if len == 0 {
            return self.fail(i, "an integer");
        }
        let rest = &i[len..];
        match i[..len].parse::<u64>() {
            Ok(v) => Ok((rest, v)),
            Err(_) => self.hard(
                ErrorCode::IntegerOverflow,
                self.span_from(start, rest),
                "length bound does not fit in 64 bits",
            ),
        }
    }
}

/// `v` as an `i64`, negated when `negative`; `None` when out of range.
fn signed(v: u64, negative: bool) -> Option<i64> {
    if negative {
        if v == 1 << 63 {
            Some(i64::MIN)
        } else {
            i64::try_from(v).ok().map(|v| -v)
        }
    } else {
        i64::try_from(v).ok()
    }
}
