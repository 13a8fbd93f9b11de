//! Extraction, corpus-driven: every article in `tests/extract/` is ingested
//! on its own and its graph exported as triples (the contract's format),
//! compared with the `.triples` file beside it (`UPDATE_EXPECT=1` refreshes
//! them). Property tests check that no input makes extraction panic.

use std::path::PathBuf;
use std::sync::OnceLock;

use expect_test::{ExpectFile, expect_file};
use newsgraph::extract::{self, ingest_paths};
use newsgraph::graph::Graph;
use newsgraph::interchange::triples;
use newsgraph::lexicon::Lexicon;
use proptest::prelude::*;

fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(Lexicon::bundled)
}

fn triples_of(paths: &[PathBuf]) -> String {
    let lex = lexicon();
    let mut graph = Graph::new();
    let report = ingest_paths(&mut graph, paths, lex, Some(1));
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let mut out = Vec::new();
    triples::write(&graph, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[track_caller]
fn check(name: &str, expect: ExpectFile) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/extract")
        .join(format!("{name}.txt"));
    expect.assert_eq(&triples_of(&[path]));
}

macro_rules! corpus {
    ($($name:ident),* $(,)?) => {$(
        #[test]
        fn $name() {
            check(stringify!($name), expect_file![concat!("extract/", stringify!($name), ".triples")]);
        }
    )*};
}

corpus!(
    met_with,
    held_talks,
    received,
    visit_to,
    visiting_dateline,
    talks_between,
    condolences,
    trade,
    respectively,
    pronouns,
    counterpart,
    dates,
    modality,
    headers,
);

/// The seed article gives exactly the 15 facts of the spec's table.
#[test]
fn seed_holds_the_fifteen_facts() {
    let seed = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/sample/seed.txt");
    let lex = Lexicon::bundled();
    let mut graph = Graph::new();
    ingest_paths(&mut graph, &[seed], &lex, Some(1));
    let mut facts: Vec<String> = graph
        .edge_ids()
        .filter_map(|e| graph.edge(e))
        .map(|e| {
            let name = |n| {
                graph
                    .node(n)
                    .and_then(|x| x.name())
                    .unwrap_or("?")
                    .to_string()
            };
            let prop = |k: &str| match e.property(k) {
                Some(newsgraph::graph::PropertyValue::Date(d)) => d.to_string(),
                Some(v) => v.as_str().map_or_else(|| format!("{v:?}"), str::to_string),
                None => "-".to_string(),
            };
            format!(
                "{} {} {} | {} {} {} {}",
                name(e.source()),
                e.edge_type(),
                name(e.target()),
                prop("date"),
                prop("modality"),
                prop("title"),
                prop("amount"),
            )
        })
        .collect();
    facts.sort();
    expect_test::expect![[r#"
        China CONDOLED Japan | 2011 asserted - -
        China TRADED_WITH Japan | 2011 asserted - Int(300000000000)
        Hu Jintao CONDOLED Japan | 2011 asserted - -
        Hu Jintao MET Yoshihiko Noda | 2011-12 asserted - -
        Hu Jintao OFFICIAL_OF China | - asserted President -
        Hu Jintao VISITED Japanese Embassy | 2011 asserted - -
        Liu Zhenmin OFFICIAL_OF China | - asserted Assistant Foreign Minister -
        Wen Jiabao CONDOLED Japan | 2011 asserted - -
        Wen Jiabao MET Yoshihiko Noda | 2011-12 asserted - -
        Wen Jiabao OFFICIAL_OF China | - asserted Premier -
        Wen Jiabao VISITED Japan | 2011 asserted - -
        Wu Bangguo OFFICIAL_OF China | - asserted top legislator -
        Yoshihiko Noda MET Wu Bangguo | 2011-12 asserted - -
        Yoshihiko Noda OFFICIAL_OF Japan | - asserted Prime Minister -
        Yoshihiko Noda VISITED China | 2011-12 asserted - -
    "#]]
    .assert_eq(&(facts.join("\n") + "\n"));
}

/// Extraction does not depend on the number of threads.
#[test]
fn output_is_independent_of_threads() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/extract");
    let lex = Lexicon::bundled();
    let (articles, _, _) = newsgraph::files::articles::read_paths(&[dir]);
    let one = extract::extract_all(&lex, &articles, Some(1));
    let two = extract::extract_all(&lex, &articles, Some(2));
    assert_eq!(one, two);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// No text makes extraction panic.
    #[test]
    fn any_text_extracts(text in "\\PC{0,400}") {
        let _ = extract::extract_text(lexicon(), "p", &text);
    }

    /// Nor does text made of the words extraction reacts to.
    #[test]
    fn news_like_text_extracts(words in proptest::collection::vec(
        prop_oneof![
            Just("President"), Just("Hu"), Just("Jintao"), Just("met"), Just("with"),
            Just("visited"), Just("China"), Just("Japanese"), Just("the"), Just("two"),
            Just("nations"), Just("leaders"), Just("he"), Just("his"), Just("her"),
            Just(","), Just("."), Just("\""), Just("“"), Just("("), Just(")"), Just("of"),
            Just("Mr."), Just("U.S."), Just("on"), Just("Sunday"), Just("March"), Just("11"),
            Just("2011"), Just("300"), Just("billion"), Just("dollars"), Just("two-way"),
            Just("trade"), Just("condolences"), Just("to"), Just("and"), Just("will"),
            Just("not"), Just("visiting"), Just("BEIJING,"), Just("Jan."), Just("8"),
            Just("(Xinhua)"), Just("--"), Just("\n"), Just("\n\n"), Just("Minister"),
            Just("Embassy"), Just("side"), Just(":"), Just("von"), Just("der"),
        ],
        0..80,
    )) {
        let text = words.join(" ");
        let _ = extract::extract_text(lexicon(), "p", &text);
    }
}
