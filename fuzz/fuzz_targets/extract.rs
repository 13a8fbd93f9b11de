//! The ingest path without the file system, on arbitrary bytes: reading an
//! input as a `.txt` article or as `.jsonl` lines (the first byte chooses),
//! document reading, extraction and the merge into a graph. Whatever the
//! bytes, this gives facts, warnings and a graph, never a panic.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use newsgraph::extract::extract;
use newsgraph::files::articles::read_bytes;
use newsgraph::graph::{Graph, merge};
use newsgraph::lexicon::Lexicon;
use newsgraph::text::Document;

fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(Lexicon::bundled)
}

fuzz_target!(|data: &[u8]| {
    let Some((&kind, bytes)) = data.split_first() else {
        return;
    };
    let jsonl = kind & 1 == 1;
    let (mut articles, mut warnings) = (Vec::new(), Vec::new());
    read_bytes(
        Path::new("fuzz.txt"),
        "fuzz",
        bytes,
        jsonl,
        &mut articles,
        &mut warnings,
    );
    let lex = lexicon();
    let facts: Vec<_> = articles
        .into_iter()
        .map(|a| {
            let doc = Document::parse(&a.id, a.text, &a.meta, lex);
            extract(lex, &doc).0
        })
        .collect();
    let mut graph = Graph::new();
    merge::merge(&mut graph, &facts);
});
