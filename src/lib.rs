//! newsgraph reads news articles, builds a knowledge graph of who VISITED
//! where, who MET whom, who CONDOLED whom and which countries TRADED_WITH
//! each other, and answers openCypher queries over it.
//!
//! The modules follow the pipeline, in reading order:
//! articles -> [`text`] -> [`extract`] -> [`graph`] -> [`query`] -> [`output`], [`repl`], [`cli`].
#![warn(missing_docs)]

pub mod cli;
pub mod extract;
pub mod files;
pub mod graph;
pub mod hash;
pub mod interchange;
pub mod lexicon;
pub mod output;
pub mod query;
pub mod repl;
pub mod show;
pub mod span;
pub mod text;
