//! Merging the facts of documents into the graph, resolving names across
//! documents.
