//! Tokens with byte spans, and sentences that survive "Jan.", "U.S.",
//! "Mr.", "No. 2", quotes and initials.

use crate::lexicon::Lexicon;
use crate::span::Span;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Starts with a letter ("Noda", "U.S.", "Myung-bak", "Japan's").
    Word,
    /// Starts with a digit ("2011", "6.5", "35,000").
    Number,
    /// Anything else, one character at a time.
    Punct,
}

/// A token: its kind and byte span in the document's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Byte span in the document's text.
    pub span: Span,
    /// Its kind.
    pub kind: TokenKind,
}

/// A sentence: its span (trimmed) and tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    /// Byte span in the document's text.
    pub span: Span,
    /// The tokens, in order.
    pub tokens: Vec<Token>,
    /// The paragraph (block of lines between blank lines) it belongs to.
    pub paragraph: u32,
}

/// Which bytes are ASCII letters and digits: one load a byte where the
/// tokenizer runs through a word.
static ASCII_ALPHANUMERIC: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    table
};

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '’'
}

/// Splits `text[range]` into tokens whose spans are offsets into `text`.
pub fn tokenize(text: &str, start: usize, end: usize, lexicon: &Lexicon) -> Vec<Token> {
    let mut tokens = Vec::new();
    tokenize_into(text, start, end, lexicon, &mut tokens);
    tokens
}

/// [`tokenize`], appending to `tokens` (a buffer the caller reuses).
fn tokenize_into(text: &str, start: usize, end: usize, lexicon: &Lexicon, tokens: &mut Vec<Token>) {
    let bytes = text.as_bytes();
    let bytes_end = end.min(text.len());
    let mut i = start;
    while i < bytes_end {
        // The most common character of all.
        if bytes[i] == b' ' {
            i += 1;
            continue;
        }
        // ASCII needs no decoding.
        let c = match bytes[i] {
            b if b.is_ascii() => char::from(b),
            _ => match text[i..bytes_end].chars().next() {
                Some(c) => c,
                None => break,
            },
        };
        if c.is_whitespace() {
            i += c.len_utf8();
            continue;
        }
        if c.is_alphanumeric() {
            let word_start = i;
            let numeric = c.is_ascii_digit();
            i += c.len_utf8();
            loop {
                // ASCII letters and digits continue a word whatever follows.
                let rest = bytes.get(i..bytes_end).unwrap_or(&[]);
                i += rest
                    .iter()
                    .position(|&b| !ASCII_ALPHANUMERIC[usize::from(b)])
                    .unwrap_or(rest.len());
                // Any other ASCII character but these four ends the word
                // (the common case: a space), without decoding what follows.
                if i >= bytes_end
                    || (bytes[i].is_ascii() && !matches!(bytes[i], b'\'' | b'-' | b'.' | b','))
                {
                    break;
                }
                let mut chars = text[i..bytes_end].chars();
                let Some(d) = chars.next() else { break };
                let next = chars.next();
                // Letters and digits; an apostrophe before a letter
                // ("Japan's"); a hyphen before a lower-case letter or a digit
                // ("Myung-bak", "two-way", "1-2"); a decimal point or a
                // thousands comma inside a number.
                let continues = d.is_alphanumeric()
                    || (is_apostrophe(d) && next.is_some_and(|n| n.is_alphabetic()))
                    || (d == '-' && next.is_some_and(|n| n.is_lowercase() || n.is_ascii_digit()))
                    || (numeric
                        && (d == '.' || d == ',')
                        && next.is_some_and(|n| n.is_ascii_digit()));
                if continues {
                    i += d.len_utf8();
                } else {
                    break;
                }
            }
            // Periods that belong to the word: initials, "U.S.", abbreviations.
            if !numeric {
                loop {
                    if i >= bytes_end || bytes[i] != b'.' {
                        break;
                    }
                    let word = &text[word_start..i];
                    // The part after the word's last period (a period is ASCII).
                    let last_part = match word.bytes().rposition(|b| b == b'.') {
                        Some(p) => word.get(p + 1..).unwrap_or(""),
                        None => word,
                    };
                    let mut last_chars = last_part.chars();
                    let single = last_chars.next().is_some() && last_chars.next().is_none();
                    let abbrev = lexicon.is_abbreviation(&text[word_start..=i]);
                    if abbrev || single {
                        i += 1;
                        // "U.S.": a single letter and a period may follow.
                        let mut rest = text[i..bytes_end].chars();
                        match (rest.next(), rest.next()) {
                            (Some(a), Some('.')) if a.is_alphabetic() => {
                                i += a.len_utf8();
                            }
                            _ => break,
                        }
                    } else {
                        break;
                    }
                }
            }
            let kind = if numeric {
                TokenKind::Number
            } else {
                TokenKind::Word
            };
            tokens.push(Token {
                span: Span::new(word_start, i),
                kind,
            });
            continue;
        }
        tokens.push(Token {
            span: Span::new(i, i + c.len_utf8()),
            kind: TokenKind::Punct,
        });
        i += c.len_utf8();
    }
}

fn closing(c: char) -> bool {
    matches!(c, '"' | '\'' | '’' | '”' | ')' | ']')
}

/// Whether a line reads as a heading or a dateline rather than part of a
/// wrapped sentence: every word of four or more letters is capitalised.
fn heading_like(line: &str) -> bool {
    let t = line.trim();
    if t.is_empty() {
        return false;
    }
    // Fewer than four letters, or a capital first letter.
    let short_or_capitalised = |w: &str| {
        let mut letters = w.chars().filter(|c| c.is_alphabetic());
        match letters.next() {
            None => true,
            Some(first) => first.is_uppercase() || letters.take(3).count() < 3,
        }
    };
    t.split_whitespace().count() <= 14 && t.split_whitespace().all(short_or_capitalised)
}

/// The most tokens a sentence holds; longer runs are cut. News sentences
/// stay far below it.
pub const MAX_SENTENCE_TOKENS: usize = 400;

/// Splits `text[start..end]` into sentences.
pub fn sentences(text: &str, start: usize, end: usize, lexicon: &Lexicon) -> Vec<Sentence> {
    let end = end.min(text.len());
    // Blocks: paragraphs, and lines that stand alone (headings, list items,
    // lines that end a sentence) inside them.
    let mut blocks: Vec<(usize, usize, u32)> = Vec::new();
    let mut paragraph = 0u32;
    let mut block_start: Option<usize> = None;
    let mut line_start = start;
    let mut prev_line: Option<(usize, usize)> = None;
    let body = &text[start..end];
    let mut offset = start;
    for line in body.split_inclusive('\n') {
        let this_start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let this_end = this_start + content.len();
        if content.trim().is_empty() {
            if let Some(b) = block_start.take() {
                blocks.push((b, prev_line.map_or(b, |p| p.1), paragraph));
            }
            paragraph += 1;
            prev_line = None;
            line_start = offset;
            continue;
        }
        if let (Some(b), Some((ps, pe))) = (block_start, prev_line) {
            let prev = &text[ps..pe];
            let prev_trim = prev.trim_end();
            let ends_sentence = prev_trim.ends_with(['.', '!', '?', ':', '"', '”', ')']);
            let next_trim = content.trim_start();
            let next_list = next_trim.starts_with(|c: char| {
                c.is_ascii_digit() || matches!(c, '•' | '-' | '*' | '(' | '–')
            });
            if ends_sentence || next_list || heading_like(prev) {
                blocks.push((b, pe, paragraph));
                block_start = Some(this_start);
            }
        } else if block_start.is_none() {
            block_start = Some(this_start);
        }
        prev_line = Some((this_start, this_end));
        let _ = line_start;
    }
    if let Some(b) = block_start {
        blocks.push((b, prev_line.map_or(end, |p| p.1), paragraph));
    }
    let mut out = Vec::new();
    // Room for the largest block's tokens (a token and its space take four
    // bytes or more), so that the buffer does not grow step by step.
    let largest = blocks.iter().map(|&(bs, be, _)| be - bs).max().unwrap_or(0);
    let mut tokens = Vec::with_capacity(largest / 4 + 1);
    for (bs, be, para) in blocks {
        tokens.clear();
        tokenize_into(text, bs, be, lexicon, &mut tokens);
        // The current sentence is `tokens[first..k]`.
        let mut first = 0;
        let mut k = 0;
        while k < tokens.len() {
            // A run of text with no sentence end (one 100 MB line of prose)
            // is cut into pieces of a bounded length, so that the work
            // extraction does per sentence stays bounded too: mention and
            // relation finding scan a sentence's tokens once per match, and
            // a 64 KB sentence took 2.5 s, a 1 MB one minutes (issue #7).
            if k - first >= MAX_SENTENCE_TOKENS {
                push_sentence(&mut out, &tokens[first..k], para);
                first = k;
            }
            let t = tokens[k];
            // Only punctuation is sliced out: words cannot end a sentence.
            if t.kind == TokenKind::Punct && matches!(&text[t.span.range()], "." | "!" | "?") {
                // Closing quotes and brackets stay with the sentence.
                while let Some(n) = tokens.get(k + 1) {
                    let ns = &text[n.span.range()];
                    if n.kind == TokenKind::Punct
                        && ns.chars().all(closing)
                        && n.span.start == tokens[k].span.end
                    {
                        k += 1;
                    } else {
                        break;
                    }
                }
                let next_starts = tokens.get(k + 1).map(|n| {
                    let c = text[n.span.range()].chars().next().unwrap_or(' ');
                    c.is_uppercase()
                        || c.is_ascii_digit()
                        || matches!(c, '"' | '“' | '‘' | '\'' | '(' | '•' | '-')
                });
                if next_starts.unwrap_or(true) {
                    push_sentence(&mut out, &tokens[first..=k], para);
                    first = k + 1;
                }
            }
            k += 1;
        }
        push_sentence(&mut out, &tokens[first..], para);
    }
    out
}

fn push_sentence(out: &mut Vec<Sentence>, tokens: &[Token], paragraph: u32) {
    if let (Some(first), Some(last)) = (tokens.first(), tokens.last()) {
        out.push(Sentence {
            span: Span {
                start: first.span.start,
                end: last.span.end,
            },
            tokens: tokens.to_vec(),
            paragraph,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<String> {
        let lex = Lexicon::bundled();
        sentences(text, 0, text.len(), &lex)
            .iter()
            .map(|s| text[s.span.range()].to_string())
            .collect()
    }

    #[test]
    fn abbreviations_initials_and_quotes_do_not_split() {
        let got = split(
            "BEIJING, Jan. 8 (Xinhua) -- Mr. Hu met James N. Mattis of the U.S. in Room No. 2 today. \"It went well,\" Hu said. Then\nthey left.\n\nNext paragraph!",
        );
        assert_eq!(
            got,
            [
                "BEIJING, Jan. 8 (Xinhua) -- Mr. Hu met James N. Mattis of the U.S. in Room No. 2 today.",
                "\"It went well,\" Hu said.",
                "Then\nthey left.",
                "Next paragraph!"
            ]
        );
    }

    #[test]
    fn headings_stand_alone() {
        let got = split("Japan-China Summit Meeting\nMay 22, 2011\nOn May 22, they met.");
        assert_eq!(
            got,
            [
                "Japan-China Summit Meeting",
                "May 22, 2011",
                "On May 22, they met."
            ]
        );
    }

    #[test]
    fn tokens_keep_hyphenated_names_and_numbers() {
        let lex = Lexicon::bundled();
        let text = "Lee Myung-bak's $6.5 billion U.S.-Liberia";
        let toks: Vec<&str> = tokenize(text, 0, text.len(), &lex)
            .iter()
            .map(|t| &text[t.span.range()])
            .collect();
        assert_eq!(
            toks,
            [
                "Lee",
                "Myung-bak's",
                "$",
                "6.5",
                "billion",
                "U.S.",
                "-",
                "Liberia"
            ]
        );
    }
}
