//! The openCypher subset: parsing, binding and planning, evaluation. It reaches
//! the graph only through `graph`'s public API and knows nothing of text,
//! extraction, the REPL or output formats.

pub mod aggregate;
pub mod ast;
pub mod error;
pub mod eval;
pub mod functions;
pub mod parse;
pub mod plan;
pub mod value;
