//! Rendering query results: as JSON lines (the contract of `spec/cli.md`,
//! which the TCK runner reads), as an aligned table for people, and as CSV.
//!
//! This is the only module that knows those formats. Nodes and relationships
//! reach it as ids and are materialised here, from the graph as it is at
//! output time (a deleted one still prints, with what is left of it). It
//! never evaluates anything and never changes the graph.

pub mod csv;
pub mod json;
pub mod table;

/// Values nested deeper than this (lists in lists ...) are cut short in the
/// output, so that printing never exhausts the stack.
pub const MAX_DEPTH: usize = 256;
