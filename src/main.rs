//! The `newsgraph` binary: everything lives in the library; this only picks
//! the allocator and hands over to `newsgraph::cli::main`.

/// mimalloc: queries and extraction allocate many short-lived rows and
/// tokens, which it serves several times cheaper than the system's malloc
/// once a big graph has fragmented the heap. Its version 2 (the `v2`
/// feature) keeps the peak of a 1M-edge load about 40 MB lower than
/// version 3 and serves the query engine's small allocations in fewer
/// instructions.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    newsgraph::cli::main()
}
