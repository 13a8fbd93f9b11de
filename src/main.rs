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
    // A thread's first allocations make mimalloc look through the memory
    // that finished threads left (a load's parser threads leave hundreds of
    // megabytes) to take some of it over. A query's thread paid about 60 µs
    // for that on the 1M-edge graph, in every statement; the memory is
    // used all the same by the frees that land in it.
    // SAFETY: setting an option is a plain store in mimalloc's table of
    // options; it is done here, before any thread is started.
    unsafe {
        libmimalloc_sys::mi_option_set(libmimalloc_sys::mi_option_max_segment_reclaim, 0);
    }
    newsgraph::cli::main()
}
