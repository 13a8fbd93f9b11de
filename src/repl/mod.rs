//! The rustyline REPL: a thin adapter over the query engine and the graph.
