//! Reading articles: `.txt` files with an optional header, `.jsonl` files,
//! folders walked recursively and standard input.
