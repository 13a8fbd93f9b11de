//! Query ast.
