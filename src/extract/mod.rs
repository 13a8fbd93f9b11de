//! Extraction: a pure function from a lexicon and a document to the facts it
//! states (mentions, coreference, relations, dates, amounts, modality). It never
//! touches the graph, files or the REPL, and it never fails on bad prose.
