//! Query plan.
