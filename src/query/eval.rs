//! Query eval.
