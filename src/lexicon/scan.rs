//! Whole-word, leftmost-longest matching of many patterns, with a search
//! loop of our own over the aho-corasick DFA.
//!
//! The crate's own search (`AhoCorasick::find_iter`) is generic over its
//! automata and checks every index; on prose, where nearly every byte is
//! scanned in the start state's neighbourhood, it cost about twenty
//! instructions a byte, more than half of which a plain loop over the bytes
//! does not need. The `Automaton` trait exists for such custom routines.

use std::sync::Arc;

use aho_corasick::automaton::Automaton;
use aho_corasick::dfa::DFA;
use aho_corasick::{Anchored, MatchKind};

use super::{Hit, LexiconError, err};

/// A leftmost-longest DFA of non-empty patterns, shared between clones.
#[derive(Debug, Clone)]
pub(super) struct Scanner {
    dfa: Arc<DFA>,
}

impl Scanner {
    /// A scanner of `patterns` (pattern `i` reports index `i`), ignoring
    /// ASCII case when asked. Patterns must not be empty.
    pub(super) fn new(patterns: &[String], ignore_case: bool) -> Result<Scanner, LexiconError> {
        let dfa = DFA::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .ascii_case_insensitive(ignore_case)
            // The loop below walks every byte itself.
            .prefilter(false)
            .build(patterns)
            .map_err(|e| err("lexicon", 0, e.to_string()))?;
        Ok(Scanner { dfa: Arc::new(dfa) })
    }

    /// The matches in `text` that are whole words, in text order: the
    /// non-overlapping leftmost-longest matches, each searched for from
    /// the end of the one before, then filtered.
    pub(super) fn hits(&self, text: &str) -> Vec<Hit> {
        // News prose has a hit every few words: room for one in 32 bytes
        // saves growing the vector step by step.
        let mut out = Vec::with_capacity(text.len() / 32);
        let mut at = 0;
        while let Some((start, end, pattern)) = self.find_from(text.as_bytes(), at) {
            if whole_word(text, start, end) {
                out.push(Hit {
                    start,
                    end,
                    pattern,
                });
            }
            // Patterns are never empty, so the search moves on.
            at = end.max(at + 1);
        }
        out
    }

    /// The leftmost-longest match in `bytes[from..]`: `(start, end, pattern)`.
    fn find_from(&self, bytes: &[u8], from: usize) -> Option<(usize, usize, usize)> {
        let dfa = &*self.dfa;
        let mut state = dfa.start_state(Anchored::No).ok()?;
        let mut found = None;
        let mut at = from;
        while let Some(rest) = bytes.get(at..) {
            // Runs of ordinary states are walked by `position`, whose loop
            // counts the bytes more cheaply than a hand-written one.
            let Some(step) = rest.iter().position(|&byte| {
                state = dfa.next_state(Anchored::No, state, byte);
                dfa.is_special(state)
            }) else {
                break;
            };
            if dfa.is_dead(state) {
                break;
            }
            at += step + 1;
            if dfa.is_match(state) {
                // A match state is entered on the pattern's last byte.
                let pattern = dfa.match_pattern(state, 0);
                found = Some((at - dfa.pattern_len(pattern), at, pattern.as_usize()));
            }
        }
        found
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// The character that starts at byte `at` of `text` (ASCII without decoding).
fn char_at(text: &str, at: usize) -> Option<char> {
    match text.as_bytes().get(at) {
        Some(&b) if b.is_ascii() => Some(char::from(b)),
        _ => text.get(at..)?.chars().next(),
    }
}

/// The character that ends at byte `at` of `text` (ASCII without decoding).
fn char_before(text: &str, at: usize) -> Option<char> {
    match at.checked_sub(1).and_then(|i| text.as_bytes().get(i)) {
        Some(&b) if b.is_ascii() => Some(char::from(b)),
        _ => text.get(..at)?.chars().next_back(),
    }
}

/// Whether `text[start..end]` neither starts nor ends inside a word.
fn whole_word(text: &str, start: usize, end: usize) -> bool {
    let first = char_at(text, start);
    let last = char_before(text, end);
    let before = char_before(text, start);
    let after = char_at(text, end);
    let left_ok = !(first.is_some_and(is_word_char) && before.is_some_and(is_word_char));
    let right_ok = !(last.is_some_and(is_word_char) && after.is_some_and(is_word_char));
    left_ok && right_ok
}

#[cfg(test)]
mod tests {
    use aho_corasick::AhoCorasick;

    use super::*;

    /// What the crate's own iterator finds, filtered the same way.
    fn reference(patterns: &[String], ignore_case: bool, text: &str) -> Vec<(usize, usize, usize)> {
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .ascii_case_insensitive(ignore_case)
            .build(patterns)
            .unwrap();
        ac.find_iter(text)
            .filter(|m| whole_word(text, m.start(), m.end()))
            .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
            .collect()
    }

    #[test]
    fn agrees_with_the_crates_own_search() {
        let patterns: Vec<String> = [
            "South Korea",
            "Korea",
            "Korean",
            "a",
            "I",
            "Prime Minister",
            "Minister",
            "met",
            "meet",
            "Côte d'Ivoire",
            "U.S.",
            "S. Korea",
            "the two",
            "two leaders",
        ]
        .iter()
        .map(ToString::to_string)
        .collect();
        let texts = [
            "XSouth Korea and South Korea met; the Korean Prime Minister",
            "a Minister-met MEET Meet U.S. S. Korea Côte d'Ivoire I a",
            "KoreaKorea Korea. Prime Ministers' met, a",
            "the two leaders, The Two Leaders",
            "",
            "I",
            "é",
        ];
        for ignore_case in [false, true] {
            let scanner = Scanner::new(&patterns, ignore_case).unwrap();
            for text in texts {
                let got: Vec<_> = scanner
                    .hits(text)
                    .iter()
                    .map(|h| (h.start, h.end, h.pattern))
                    .collect();
                assert_eq!(got, reference(&patterns, ignore_case, text), "{text:?}");
            }
        }
    }
}
