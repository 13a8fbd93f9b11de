//! Query error.
