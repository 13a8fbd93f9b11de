//! Syntax colours for the line being typed: keywords, labels and types,
//! strings, numbers, parameters, comments, and in red whatever is left
//! open (a quote, a backtick, a block comment) or closes nothing (a stray
//! bracket). Continuation lines show a dim `...` in their indent.
//!
//! Only called when the terminal takes colours; every colour is an SGR
//! sequence around the original text, so the display width never changes
//! (rustyline's rule for highlighters).

use std::fmt::Write as _;

use super::complete::KEYWORDS;
use super::lex::{self, Kind};

/// The prompt of a new statement.
pub const PROMPT: &str = "newsgraph> ";
/// The indent that continuation lines get, as wide as [`PROMPT`]; the
/// highlighter draws [`CONTINUATION`] over it.
pub const CONTINUATION_INDENT: &str = "           ";
/// What the indent of a continuation line shows, as wide as [`PROMPT`].
pub const CONTINUATION: &str = "       ... ";

const KEYWORD: &str = "\x1b[1;34m";
const NAME: &str = "\x1b[35m";
const STRING: &str = "\x1b[32m";
const NUMBER: &str = "\x1b[33m";
const PARAM: &str = "\x1b[36m";
const COMMENT: &str = "\x1b[90m";
const ERROR: &str = "\x1b[1;4;31m";
const COMMAND: &str = "\x1b[1;36m";
/// Dim text, for hints and the continuation marker.
pub const DIM: &str = "\x1b[2m";
/// Back to the terminal's default style.
pub const RESET: &str = "\x1b[0m";

/// `line` without colours, but with the continuation marker drawn over
/// the indent of continuation lines.
pub fn plain(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(nl) = rest.find('\n') {
        out.push_str(&rest[..=nl]);
        rest = &rest[nl + 1..];
        if let Some(after) = rest.strip_prefix(CONTINUATION_INDENT) {
            out.push_str(CONTINUATION);
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// `line` with colours.
pub fn highlight(line: &str) -> String {
    let mut out = String::with_capacity(line.len() * 2);
    if let Some(rest) = line.trim_start().strip_prefix(':') {
        let lead = line.len() - rest.len() - 1;
        let name_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let _ = write!(
            out,
            "{}{COMMAND}:{}{RESET}{}",
            &line[..lead],
            &rest[..name_end],
            &rest[name_end..]
        );
        return out;
    }
    let tokens = lex::tokens(line);
    let brackets = lex::brackets(&tokens);
    let mut after_colon = false;
    for (i, t) in tokens.iter().enumerate() {
        let text = t.text(line);
        let style = match t.kind {
            Kind::Space => {
                continuation(&mut out, text);
                continue;
            }
            Kind::Word if after_colon => Some(NAME),
            Kind::Word if KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(text)) => {
                // `count(` is the function, not the keyword of `COUNT { }`.
                let call = tokens
                    .get(i + 1)
                    .is_some_and(|n| n.kind == Kind::Punct('('));
                (!call || !text.eq_ignore_ascii_case("count")).then_some(KEYWORD)
            }
            Kind::Number => Some(NUMBER),
            Kind::String { closed: true } => Some(STRING),
            Kind::Backtick { closed: true } if after_colon => Some(NAME),
            Kind::String { closed: false }
            | Kind::Backtick { closed: false }
            | Kind::Comment { closed: false } => Some(ERROR),
            Kind::Comment { closed: true } => Some(COMMENT),
            Kind::Param => Some(PARAM),
            Kind::Punct(_)
                if brackets.stray.contains(&t.start) || brackets.open.contains(&t.start) =>
            {
                Some(ERROR)
            }
            _ => None,
        };
        match style {
            Some(style) => {
                let _ = write!(out, "{style}{text}{RESET}");
            }
            None => out.push_str(text),
        }
        if !t.is_trivia() {
            after_colon = match t.kind {
                Kind::Punct(':') => brackets_around(line, &tokens[..i]) != Some('{'),
                Kind::Punct('|') => lex::is_type_bar(line, &tokens, i),
                _ => false,
            };
        }
    }
    out
}

/// Writes whitespace, drawing the continuation marker over the indent that
/// follows each line break.
fn continuation(out: &mut String, space: &str) {
    let mut rest = space;
    while let Some(nl) = rest.find('\n') {
        out.push_str(&rest[..=nl]);
        rest = &rest[nl + 1..];
        if let Some(after) = rest.strip_prefix(CONTINUATION_INDENT) {
            let _ = write!(out, "{DIM}{CONTINUATION}{RESET}");
            rest = after;
        }
    }
    out.push_str(rest);
}

/// The innermost bracket open before the token `tokens.len()`.
fn brackets_around(line: &str, tokens: &[lex::Token]) -> Option<char> {
    let open = lex::brackets(tokens).open;
    open.last().and_then(|&at| line[at..].chars().next())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The highlighted text with styles written as `<k>`, `<n>`, ... and
    /// resets as `</>`.
    fn check(line: &str) -> String {
        let shown = highlight(line);
        [
            (KEYWORD, "<k>"),
            (NAME, "<n>"),
            (STRING, "<s>"),
            (NUMBER, "<0>"),
            (PARAM, "<$>"),
            (COMMENT, "<c>"),
            (ERROR, "<!>"),
            (COMMAND, "<:>"),
            (DIM, "<d>"),
            (RESET, "</>"),
        ]
        .iter()
        .fold(shown, |s, (code, tag)| s.replace(code, tag))
    }

    #[test]
    fn styles() {
        assert_eq!(
            check("MATCH (a:Person {name: 'Hu'})-[:MET]->(b) RETURN b, 1 // c"),
            "<k>MATCH</> (a:<n>Person</> {name: <s>'Hu'</>})-[:<n>MET</>]->(b) \
             <k>RETURN</> b, <0>1</> <c>// c</>"
        );
        assert_eq!(
            check("RETURN count(*), $x"),
            "<k>RETURN</> count(*), <$>$x</>"
        );
    }

    #[test]
    fn open_things_are_red() {
        assert_eq!(check("RETURN 'abc"), "<k>RETURN</> <!>'abc</>");
        assert_eq!(check("MATCH (a))"), "<k>MATCH</> (a)<!>)</>");
        assert_eq!(check("MATCH (a"), "<k>MATCH</> <!>(</>a");
    }

    #[test]
    fn continuation_lines_and_commands() {
        let line = format!("MATCH (a)\n{CONTINUATION_INDENT}RETURN a;");
        assert_eq!(
            check(&line),
            "<k>MATCH</> (a)\n<d>       ... </><k>RETURN</> a;"
        );
        assert_eq!(check(":help why"), "<:>:help</> why");
    }

    #[test]
    fn plain_lines_keep_the_marker() {
        let line = format!("MATCH (a)\n{CONTINUATION_INDENT}RETURN a;");
        assert_eq!(plain(&line), "MATCH (a)\n       ... RETURN a;");
    }

    #[test]
    fn width_is_kept() {
        let line = "MATCH (a:Person)-[r:MET|VISITED]->(b) WHERE b.name = \"x RETURN a";
        let shown = highlight(line);
        let stripped = shown
            .split('\x1b')
            .enumerate()
            .map(|(i, part)| {
                if i == 0 {
                    part
                } else {
                    part.split_once('m').map_or("", |p| p.1)
                }
            })
            .collect::<String>();
        assert_eq!(stripped, line);
    }
}
