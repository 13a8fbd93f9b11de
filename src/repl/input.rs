//! Where a statement ends: for the editor ("is this finished, or does Enter
//! start a continuation line?") and for scripts read from standard input
//! (statements and `:commands` in order, each with its first line).
//!
//! A `:command` is one line. A statement goes on until a top-level `;`,
//! and while a string, a backticked name, a block comment or a bracket is
//! open; the parser's "unexpected end" has the last word. In the editor an
//! empty line submits whatever was typed, so that a statement can always
//! be sent (and its error shown) without guessing what it lacks.

use super::lex;
use crate::query::parse;

/// Whether Enter should submit `text` rather than start a new line.
pub fn is_complete(text: &str) -> bool {
    let trimmed = text.trim();
    if trimmed.is_empty() || trimmed.starts_with(':') {
        return true;
    }
    if text.contains('\n')
        && text
            .rsplit('\n')
            .next()
            .is_some_and(|l| l.trim().is_empty())
    {
        return true;
    }
    !lex::looks_unfinished(text) && !parser_wants_more(text)
}

/// Whether the parser, which has the last word on where strings, names
/// and comments end, finds the last statement unterminated and cut short
/// ("unexpected end"). A statement followed by `;` is finished whatever
/// it lacks: Enter then shows its error instead of waiting for more.
fn parser_wants_more(text: &str) -> bool {
    let Some(last) = parse::split_statements(text).last().copied() else {
        return false;
    };
    let terminated = text
        .get(last.end as usize..)
        .is_some_and(|rest| rest.trim_start().starts_with(';'));
    !terminated && parse::parse_statement_in(text, last).is_err_and(|e| e.is_unexpected_end())
}

/// One unit of a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unit {
    /// A `:command` line, without its line break.
    Command(String),
    /// One or more statements, up to and including a `;` (or the end).
    Statements(String),
}

/// A unit with the 1-based line of the script it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// The script line where the unit starts.
    pub line: usize,
    /// The unit.
    pub unit: Unit,
}

/// Splits a script into commands and statements, in order. Text that holds
/// only whitespace and comments is dropped.
pub fn script_units(script: &str) -> Vec<Located> {
    let mut out = Vec::new();
    let mut buffer = String::new();
    let mut first_line = 1;
    for (i, line) in script.lines().enumerate() {
        if buffer.trim().is_empty() {
            buffer.clear();
            first_line = i + 1;
            if line.trim_start().starts_with(':') {
                out.push(Located {
                    line: i + 1,
                    unit: Unit::Command(line.trim().to_owned()),
                });
                continue;
            }
        }
        buffer.push_str(line);
        buffer.push('\n');
        if !lex::looks_unfinished(&buffer) || only_trivia(&buffer) {
            flush(&mut buffer, first_line, &mut out);
        }
    }
    flush(&mut buffer, first_line, &mut out);
    out
}

fn flush(buffer: &mut String, line: usize, out: &mut Vec<Located>) {
    if !only_trivia(buffer) {
        out.push(Located {
            line,
            unit: Unit::Statements(std::mem::take(buffer)),
        });
    }
    buffer.clear();
}

/// Whether `text` holds nothing but whitespace and closed comments.
fn only_trivia(text: &str) -> bool {
    lex::tokens(text).iter().all(|t| {
        matches!(
            t.kind,
            lex::Kind::Space | lex::Kind::Comment { closed: true }
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finished_or_not() {
        assert!(is_complete(""));
        assert!(is_complete(":help"));
        assert!(is_complete("RETURN 1;"));
        assert!(!is_complete("MATCH (a)"));
        assert!(!is_complete("MATCH (a {name: 'Hu;"));
        assert!(!is_complete("MATCH (a\n  RETURN a;"));
        assert!(is_complete("MATCH (a)\n   "), "an empty line submits");
        assert!(
            is_complete("MATCH (a) RETURN;"),
            "a ; ends it, error or not"
        );
        assert!(!parser_wants_more("RETURN 1;"));
        assert!(parser_wants_more("MATCH (a) RETURN"));
    }

    #[test]
    fn scripts_split_into_commands_and_statements() {
        let script = "// who met whom\n:format csv\nMATCH (a)\n  RETURN a;\n\n\
                      RETURN 'x;y'; RETURN 2;\n:stats\nRETURN 3";
        let units = script_units(script);
        let shown: Vec<(usize, &Unit)> = units.iter().map(|u| (u.line, &u.unit)).collect();
        assert_eq!(
            shown,
            [
                (2, &Unit::Command(":format csv".into())),
                (3, &Unit::Statements("MATCH (a)\n  RETURN a;\n".into())),
                (6, &Unit::Statements("RETURN 'x;y'; RETURN 2;\n".into())),
                (7, &Unit::Command(":stats".into())),
                (8, &Unit::Statements("RETURN 3\n".into())),
            ]
        );
    }
}
