//! Query value.
