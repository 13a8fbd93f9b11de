//! Aggregating functions of the query language.
