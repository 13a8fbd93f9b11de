//! Query parse.
