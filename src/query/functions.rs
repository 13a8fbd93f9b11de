//! Scalar functions of the query language.
