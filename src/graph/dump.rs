//! The versioned JSON dump: record types of its own (never a derive on the
//! store), atomic saves and a loader that validates everything.
