//! A forgiving lexical scan of what is being typed, for highlighting,
//! completion and "is this statement finished?".
//!
//! It never fails and knows no grammar: it only tells strings, comments,
//! backticked names, numbers, words, parameters and single punctuation
//! characters apart, and which brackets are still open. Whether a text is a
//! valid statement is the parser's business (`query::parse`).

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A name or keyword: a letter or `_`, then letters, digits or `_`.
    Word,
    /// A number literal (`12`, `1.5e3`, `0x1F`).
    Number,
    /// A quoted string; `closed` is false when the text ends inside it.
    String {
        /// Whether the closing quote was found.
        closed: bool,
    },
    /// A backticked name; `closed` is false when the text ends inside it.
    Backtick {
        /// Whether the closing backtick was found.
        closed: bool,
    },
    /// A `//` or `/* */` comment; `closed` is false for an open block comment.
    Comment {
        /// Whether the comment ended.
        closed: bool,
    },
    /// A parameter, `$name`.
    Param,
    /// Whitespace.
    Space,
    /// Any other single character.
    Punct(char),
}

/// One token: its kind and byte range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// What it is.
    pub kind: Kind,
    /// Byte offset of its first character.
    pub start: usize,
    /// Byte offset one past its last character.
    pub end: usize,
}

impl Token {
    /// The token's text in `src`.
    pub fn text<'s>(&self, src: &'s str) -> &'s str {
        src.get(self.start..self.end).unwrap_or("")
    }

    /// Whether the token is whitespace or a comment.
    pub fn is_trivia(&self) -> bool {
        matches!(self.kind, Kind::Space | Kind::Comment { .. })
    }
}

/// Splits `src` into tokens that cover it without gaps.
pub fn tokens(src: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut chars = src.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        let mut end_of = |pred: &dyn Fn(char) -> bool| {
            let mut end = start + c.len_utf8();
            while let Some(&(i, d)) = chars.peek() {
                if !pred(d) {
                    break;
                }
                end = i + d.len_utf8();
                chars.next();
            }
            end
        };
        let (kind, end) = if c.is_whitespace() {
            (Kind::Space, end_of(&|d| d.is_whitespace()))
        } else if c.is_alphabetic() || c == '_' {
            (Kind::Word, end_of(&|d| d.is_alphanumeric() || d == '_'))
        } else if c.is_ascii_digit() {
            (Kind::Number, number_end(src, start))
        } else if c == '$' {
            (Kind::Param, end_of(&|d| d.is_alphanumeric() || d == '_'))
        } else if c == '\'' || c == '"' {
            let (end, closed) = quoted_end(src, start, c);
            (Kind::String { closed }, end)
        } else if c == '`' {
            let (end, closed) = backtick_end(src, start);
            (Kind::Backtick { closed }, end)
        } else if c == '/' && src[start..].starts_with("//") {
            let end = src[start..].find('\n').map_or(src.len(), |i| start + i);
            (Kind::Comment { closed: true }, end)
        } else if c == '/' && src[start..].starts_with("/*") {
            match src[start + 2..].find("*/") {
                Some(i) => (Kind::Comment { closed: true }, start + 2 + i + 2),
                None => (Kind::Comment { closed: false }, src.len()),
            }
        } else {
            (Kind::Punct(c), start + c.len_utf8())
        };
        while chars.peek().is_some_and(|&(i, _)| i < end) {
            chars.next();
        }
        out.push(Token { kind, start, end });
    }
    out
}

/// The end of the number literal starting at `start`.
fn number_end(src: &str, start: usize) -> usize {
    let bytes = src.as_bytes();
    let mut i = start;
    let digits = |i: &mut usize, hex: bool| {
        while *i < bytes.len()
            && (bytes[*i].is_ascii_digit() || (hex && bytes[*i].is_ascii_hexdigit()))
        {
            *i += 1;
        }
    };
    if src[start..].starts_with("0x") || src[start..].starts_with("0o") {
        i += 2;
        digits(&mut i, true);
        return i;
    }
    digits(&mut i, false);
    // A fraction needs a digit after the dot: `1..3` is a range, not `1.`.
    if bytes.get(i) == Some(&b'.') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i += 1;
        digits(&mut i, false);
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(bytes.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        if bytes.get(j).is_some_and(u8::is_ascii_digit) {
            i = j;
            digits(&mut i, false);
        }
    }
    i
}

/// The end of the string opened by `quote` at `start`, and whether it closed.
fn quoted_end(src: &str, start: usize, quote: char) -> (usize, bool) {
    let mut escaped = false;
    for (i, c) in src[start + 1..].char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == quote {
            return (start + 1 + i + 1, true);
        }
    }
    (src.len(), false)
}

/// The end of the backticked name at `start` (a doubled backtick escapes one).
fn backtick_end(src: &str, start: usize) -> (usize, bool) {
    let bytes = src.as_bytes();
    let mut i = start + 1;
    while i < bytes.len() {
        if bytes[i] == b'`' {
            if bytes.get(i + 1) == Some(&b'`') {
                i += 2;
                continue;
            }
            return (i + 1, true);
        }
        i += 1;
    }
    (src.len(), false)
}

/// Brackets that are open at the end, and closing brackets without a match,
/// as byte offsets, outside strings and comments.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Brackets {
    /// Offsets of `(`, `[` and `{` never closed, outermost first.
    pub open: Vec<usize>,
    /// Offsets of `)`, `]` and `}` that close nothing, or the wrong thing.
    pub stray: Vec<usize>,
}

/// Matches the brackets of `tokens`.
pub fn brackets(tokens: &[Token]) -> Brackets {
    let mut stack: Vec<(char, usize)> = Vec::new();
    let mut stray = Vec::new();
    for t in tokens {
        let Kind::Punct(c) = t.kind else { continue };
        match c {
            '(' | '[' | '{' => stack.push((c, t.start)),
            ')' | ']' | '}' => {
                let want = match c {
                    ')' => '(',
                    ']' => '[',
                    _ => '{',
                };
                if stack.last().is_some_and(|&(open, _)| open == want) {
                    stack.pop();
                } else {
                    stray.push(t.start);
                }
            }
            _ => {}
        }
    }
    Brackets {
        open: stack.into_iter().map(|(_, at)| at).collect(),
        stray,
    }
}

/// Whether the `|` at `tokens[bar]` separates relationship types, as in
/// `[:MET|VISITED]` or `[r:MET|:VISITED]`, rather than ending the head of
/// a list comprehension (`[n IN nodes(p) | n.name]`): the tokens before it,
/// back to the first that is not a name, `:` or `|`, include a `:`.
pub fn is_type_bar(src: &str, tokens: &[Token], bar: usize) -> bool {
    let before = tokens.get(..bar).unwrap_or(&[]);
    let mut saw_colon = false;
    for t in before.iter().rev().filter(|t| !t.is_trivia()) {
        match t.kind {
            Kind::Punct(':') => saw_colon = true,
            Kind::Punct('|') | Kind::Backtick { closed: true } => {}
            Kind::Word if !t.text(src).eq_ignore_ascii_case("IN") => {}
            _ => break,
        }
    }
    saw_colon
}

/// Whether the text is obviously not finished: it ends inside a string,
/// backticked name or block comment, or with a bracket still open, or its
/// last token is not a `;`.
pub fn looks_unfinished(src: &str) -> bool {
    let tokens = tokens(src);
    let open_token = tokens.iter().any(|t| {
        matches!(
            t.kind,
            Kind::String { closed: false }
                | Kind::Backtick { closed: false }
                | Kind::Comment { closed: false }
        )
    });
    if open_token || !brackets(&tokens).open.is_empty() {
        return true;
    }
    let last = tokens.iter().rev().find(|t| !t.is_trivia());
    last.is_some_and(|t| t.kind != Kind::Punct(';'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<(Kind, &str)> {
        tokens(src)
            .into_iter()
            .filter(|t| t.kind != Kind::Space)
            .map(|t| (t.kind, t.text(src)))
            .collect()
    }

    #[test]
    fn strings_comments_and_ranges() {
        assert_eq!(
            kinds("MATCH (a)-[*1..3]->(b {name: 'O\\'Hara'}) // x"),
            vec![
                (Kind::Word, "MATCH"),
                (Kind::Punct('('), "("),
                (Kind::Word, "a"),
                (Kind::Punct(')'), ")"),
                (Kind::Punct('-'), "-"),
                (Kind::Punct('['), "["),
                (Kind::Punct('*'), "*"),
                (Kind::Number, "1"),
                (Kind::Punct('.'), "."),
                (Kind::Punct('.'), "."),
                (Kind::Number, "3"),
                (Kind::Punct(']'), "]"),
                (Kind::Punct('-'), "-"),
                (Kind::Punct('>'), ">"),
                (Kind::Punct('('), "("),
                (Kind::Word, "b"),
                (Kind::Punct('{'), "{"),
                (Kind::Word, "name"),
                (Kind::Punct(':'), ":"),
                (Kind::String { closed: true }, "'O\\'Hara'"),
                (Kind::Punct('}'), "}"),
                (Kind::Punct(')'), ")"),
                (Kind::Comment { closed: true }, "// x"),
            ]
        );
    }

    #[test]
    fn numbers_and_params() {
        assert_eq!(
            kinds("$who 1.5e3 0x1F 2"),
            vec![
                (Kind::Param, "$who"),
                (Kind::Number, "1.5e3"),
                (Kind::Number, "0x1F"),
                (Kind::Number, "2"),
            ]
        );
    }

    #[test]
    fn unfinished_input() {
        assert!(looks_unfinished("MATCH (n)"));
        assert!(looks_unfinished("MATCH (n RETURN n;"));
        assert!(looks_unfinished("RETURN 'a;"));
        assert!(looks_unfinished("RETURN 1; /* open"));
        assert!(!looks_unfinished("RETURN 1; // done"));
        assert!(!looks_unfinished("RETURN ';' ;"));
        assert!(!looks_unfinished(""), "nothing to finish");
    }

    #[test]
    fn bars_between_types_or_in_comprehensions() {
        let bar = |src: &str| {
            let ts = tokens(src);
            let at = ts.iter().rposition(|t| t.kind == Kind::Punct('|')).unwrap();
            is_type_bar(src, &ts, at)
        };
        assert!(bar("MATCH (a)-[:MET|VISITED]"));
        assert!(bar("MATCH (a)-[r:MET | :VISITED]"));
        assert!(!bar("RETURN [n IN nodes(p) | n.name]"));
        assert!(!bar("RETURN [x IN list | x]"));
    }

    #[test]
    fn brackets_report_open_and_stray() {
        let b = brackets(&tokens("([)] {"));
        assert_eq!(b.open, vec![0, 5]);
        assert_eq!(b.stray, vec![2]);
    }

    #[test]
    fn multibyte_text_is_covered() {
        let src = "RETURN 'Çé' + ünïcode";
        let ts = tokens(src);
        assert_eq!(ts.last().map(|t| t.end), Some(src.len()));
        assert!(ts.windows(2).all(|w| w[0].end == w[1].start));
    }
}
