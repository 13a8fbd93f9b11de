//! Replacing a file whole or not at all: a temporary file in the same
//! folder, a buffered write, fsync, rename over the target, fsync of the
//! folder.
//!
//! A reader sees either the old file or the new one, never a mix, and a
//! process killed at any moment leaves the old file intact (at worst a stray
//! `.newsgraph-*.tmp` file beside it, which the next save does not reuse).
//! This module knows nothing of what is written.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// Writes `path` atomically with what `write` produces.
///
/// The temporary file lives in the target's folder, because a rename is
/// only atomic within one filesystem. If `write` fails, the temporary file
/// is removed and the target is left untouched.
///
/// # Example
///
/// ```
/// # let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("hello.txt");
/// newsgraph::files::atomic::write_atomic(&path, |w| w.write_all(b"hello\n")).unwrap();
/// assert_eq!(std::fs::read_to_string(&path).unwrap(), "hello\n");
/// ```
pub fn write_atomic<F>(path: &Path, write: F) -> io::Result<()>
where
    F: FnOnce(&mut dyn Write) -> io::Result<()>,
{
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if path.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::IsADirectory,
            "is a folder, not a file",
        ));
    }
    let mut builder = tempfile::Builder::new();
    builder.prefix(".newsgraph-").suffix(".tmp");
    // A temporary file is private (0600); the file it becomes keeps the mode
    // of the one it replaces, or gets the usual one for a new file.
    #[cfg(unix)]
    let mode = {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(path).map_or(0o666, |m| m.permissions().mode() & 0o7777);
        std::fs::Permissions::from_mode(mode)
    };
    #[cfg(unix)]
    builder.permissions(mode.clone());
    let temp = builder.tempfile_in(folder)?;
    // 256 KiB: big enough that a dump of a million edges is a few hundred
    // write calls rather than hundreds of thousands.
    let mut buffered = BufWriter::with_capacity(256 * 1024, temp);
    write(&mut buffered)?;
    let temp = buffered.into_inner().map_err(|e| e.into_error())?;
    // The mode given at creation was narrowed by the umask; an existing
    // file's mode is restored exactly.
    #[cfg(unix)]
    if path.exists() {
        temp.as_file().set_permissions(mode)?;
    }
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|e| e.error)?;
    sync_folder(folder)
}

/// Makes the rename itself durable: on Linux a rename is only on disk once
/// the folder holding it is synced.
#[cfg(unix)]
fn sync_folder(folder: &Path) -> io::Result<()> {
    File::open(folder)?.sync_all()
}

/// Folders cannot be opened for syncing on other systems; the rename is as
/// durable as the system makes it.
#[cfg(not(unix))]
fn sync_folder(_folder: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.json");
        write_atomic(&path, |w| w.write_all(b"old")).unwrap();
        let err = write_atomic(&path, |w| {
            w.write_all(b"half")?;
            Err(io::Error::other("stopped"))
        })
        .unwrap_err();
        assert_eq!(err.to_string(), "stopped");
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("g.json")]);
    }

    #[test]
    fn a_second_write_replaces_and_a_folder_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.txt");
        write_atomic(&path, |w| w.write_all(b"x")).unwrap();
        write_atomic(&path, |w| w.write_all(b"y")).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"y");
        assert!(write_atomic(dir.path(), |w| w.write_all(b"z")).is_err());
    }
}
