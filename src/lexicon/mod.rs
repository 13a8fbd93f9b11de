//! The user-extendable tables of `data/lexicon/` (countries, demonyms,
//! titles, organisations, relation triggers) and the automata built from them.
//! It holds no extraction logic.
