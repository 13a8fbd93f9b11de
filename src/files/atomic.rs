//! Replacing a file whole or not at all: a temporary file in the same folder,
//! fsync, rename.
