//! Whole-graph conversion to and from other formats: triples, JSON, GraphML,
//! DOT and neo4j-admin CSV.
