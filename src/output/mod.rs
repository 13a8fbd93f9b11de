//! Rendering query results as tables, JSON lines (the contract of
//! `spec/cli.md`) and CSV. It never evaluates anything.
