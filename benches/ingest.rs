//! Extraction throughput: the bundled sample corpus and the extraction test
//! corpus, repeated to about 2 MB, extracted on one thread and on all
//! threads. divan reports bytes per second.
//!
//! `cargo bench --bench ingest`

use std::path::PathBuf;

use divan::Bencher;
use divan::counter::BytesCount;
use newsgraph::extract::extract_all;
use newsgraph::files::articles::{Article, read_paths};
use newsgraph::lexicon::Lexicon;

/// The binary's allocator (see `src/main.rs`), so that the bench measures
/// what `newsgraph` runs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    divan::main();
}

fn corpus() -> Vec<Article> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let (articles, _, _) = read_paths(&[root.join("data/sample"), root.join("tests/extract")]);
    let size: usize = articles.iter().map(|a| a.text.len()).sum::<usize>().max(1);
    let copies = (2_000_000 / size).max(1);
    (0..copies)
        .flat_map(|i| {
            articles.iter().map(move |a| Article {
                id: format!("{}-{i}", a.id),
                text: a.text.clone(),
                meta: a.meta.clone(),
            })
        })
        .collect()
}

fn bytes(articles: &[Article]) -> usize {
    articles.iter().map(|a| a.text.len()).sum()
}

#[divan::bench(sample_count = 11)]
fn one_thread(bencher: Bencher) {
    let lex = Lexicon::bundled();
    let articles = corpus();
    bencher
        .counter(BytesCount::new(bytes(&articles)))
        .bench(|| extract_all(&lex, &articles, Some(1)));
}

#[divan::bench(sample_count = 11)]
fn all_threads(bencher: Bencher) {
    let lex = Lexicon::bundled();
    let articles = corpus();
    bencher
        .counter(BytesCount::new(bytes(&articles)))
        .bench(|| extract_all(&lex, &articles, None));
}
