//! A ripgrep-style harness: a temporary folder and the `newsgraph` binary
//! run inside it, with assertions on its exit status and output.

#![allow(dead_code)] // Each test binary uses a different part of the harness.

use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// A temporary folder that tests write inputs into and run commands in.
pub struct TestDir {
    dir: tempfile::TempDir,
}

impl TestDir {
    /// A fresh, empty folder.
    pub fn new() -> TestDir {
        TestDir {
            dir: tempfile::tempdir().expect("a temporary folder"),
        }
    }

    /// The folder's path.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The path of `name` inside the folder.
    pub fn join(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes `contents` to `name` inside the folder.
    pub fn create(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("creating a folder");
        }
        std::fs::write(&path, contents).expect("writing a test file");
        path
    }

    /// The text of `name` inside the folder.
    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.join(name)).expect("reading a test file")
    }

    /// A `newsgraph` command that runs in this folder.
    pub fn command(&self) -> TestCommand {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_newsgraph"));
        cmd.current_dir(self.path());
        TestCommand { cmd, stdin: None }
    }
}

/// One run of `newsgraph`, built up with arguments.
pub struct TestCommand {
    cmd: Command,
    stdin: Option<Vec<u8>>,
}

impl TestCommand {
    /// Adds arguments.
    pub fn args<I, S>(&mut self, args: I) -> &mut TestCommand
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.cmd.args(args);
        self
    }

    /// Feeds `input` on standard input.
    pub fn stdin(&mut self, input: impl Into<Vec<u8>>) -> &mut TestCommand {
        self.stdin = Some(input.into());
        self
    }

    /// Runs the command to its end.
    pub fn output(&mut self) -> Output {
        self.cmd
            .stdin(if self.stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = self.cmd.spawn().expect("newsgraph starts");
        if let Some(input) = self.stdin.take() {
            let mut pipe = child.stdin.take().expect("a piped stdin");
            // A command that exits early closes the pipe; that is its right.
            let _ = pipe.write_all(&input);
        }
        child.wait_with_output().expect("newsgraph runs")
    }

    /// Runs the command, asserts success and returns standard output.
    #[track_caller]
    pub fn stdout(&mut self) -> String {
        let out = self.output();
        assert!(
            out.status.success(),
            "{:?} failed with {}:\n{}",
            self.cmd,
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("UTF-8 output")
    }

    /// Runs the command, asserts failure and returns standard error.
    #[track_caller]
    pub fn stderr_of_failure(&mut self) -> String {
        let out = self.output();
        assert!(
            !out.status.success(),
            "{:?} should have failed:\n{}",
            self.cmd,
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8(out.stderr).expect("UTF-8 error output")
    }
}
