//! The query parser on arbitrary text: every statement that
//! `split_statements` finds parses or fails with an error, never a panic;
//! a statement that parses prints as canonical Cypher that parses again and
//! prints the same text (the round trip of `Display`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use newsgraph::query::parse::{parse_statement, parse_statement_in, split_statements};

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    for span in split_statements(src) {
        assert!(
            src.get(span.range()).is_some(),
            "a statement span lies inside the source"
        );
        if let Ok(statement) = parse_statement_in(src, span) {
            let printed = statement.to_string();
            let again = parse_statement(&printed)
                .unwrap_or_else(|e| panic!("printed statement {printed:?} does not parse: {e:?}"));
            assert_eq!(printed, again.to_string(), "printing is a fixed point");
        }
    }
});
