//! Ctrl-C while a query runs.
//!
//! At the prompt the terminal is in raw mode and rustyline reads Ctrl-C as
//! a key (it cancels the line). While a query runs the terminal is in its
//! normal mode and Ctrl-C sends SIGINT, whose default action would end the
//! process and lose the session. [`install`] replaces that action with one
//! that only raises a flag; the loop that waits for the query passes the
//! flag on to the engine's cancel flag ([`take`]).
//!
//! The handler does nothing but store to a static atomic, which is
//! async-signal-safe. `libc::signal` was chosen over the `ctrlc` crate:
//! libc is already compiled for rustyline, and `ctrlc` would add a thread
//! and a self-pipe that this one flag does not need. Elsewhere than Unix
//! the default action stays (no query can then be cancelled with Ctrl-C).

use std::sync::atomic::{AtomicBool, Ordering};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

#[cfg(unix)]
extern "C" fn on_sigint(_signal: libc::c_int) {
    INTERRUPTED.store(true, Ordering::SeqCst);
}

/// Makes SIGINT raise the flag instead of ending the process.
pub fn install() {
    #[cfg(unix)]
    {
        let handler: extern "C" fn(libc::c_int) = on_sigint;
        // SAFETY: the handler only stores to a static atomic, which is
        // async-signal-safe; `signal` with a valid function pointer has no
        // other precondition. rustyline saves and restores this handler
        // around each prompt.
        unsafe {
            libc::signal(libc::SIGINT, handler as libc::sighandler_t);
        }
    }
}

/// Whether SIGINT arrived since the last call; clears the flag.
pub fn take() -> bool {
    INTERRUPTED.swap(false, Ordering::SeqCst)
}
