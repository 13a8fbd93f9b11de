//! The only module that touches the filesystem for data: reading articles and
//! replacing files atomically. Every other module takes `&str`, `impl Read` or
//! `impl Write`.

pub mod articles;
pub mod atomic;
