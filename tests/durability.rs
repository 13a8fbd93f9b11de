//! Durability (issue #7): `newsgraph` killed with SIGKILL at a random moment
//! while it saves a graph (`query --write`, and the REPL's `:save`) leaves a
//! dump that loads and is either the old graph or the new one, byte for
//! byte. A few kills by default; `NEWSGRAPH_KILLS=100` runs a hundred.

use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use newsgraph::graph::dump;

/// The update every run makes: each node's counter goes up by one.
const UPDATE: &str = "MATCH (n) SET n.v = n.v + 1";

/// A dump of `n` people with a counter and a text, chained by MET edges:
/// large enough (about 1 MB) that a save takes a while.
fn old_dump(n: usize) -> String {
    let mut s = String::from("{\"format\":\"newsgraph\",\"version\":1,\n\"nodes\":[\n");
    for i in 0..n {
        let sep = if i + 1 < n { "," } else { "" };
        s.push_str(&format!(
            "[{i},[\"Person\"],{{\"name\":\"Person {i}\",\"v\":{i},\"note\":\"met the other leaders in Beijing\"}}]{sep}\n"
        ));
    }
    s.push_str("],\n\"edges\":[\n");
    for i in 1..n {
        let sep = if i + 1 < n { "," } else { "" };
        s.push_str(&format!("[{},{},{i},\"MET\",{{}}]{sep}\n", i - 1, i - 1));
    }
    s.push_str("]}\n");
    s
}

/// How a save is started: `query --write`, or a REPL script ending in `:save`.
#[derive(Clone, Copy, Debug)]
enum Saver {
    QueryWrite,
    ReplSave,
}

fn start(saver: Saver, dir: &Path) -> Child {
    let bin = env!("CARGO_BIN_EXE_newsgraph");
    match saver {
        Saver::QueryWrite => Command::new(bin)
            .current_dir(dir)
            .args(["query", "-g", "g.json", "--write", UPDATE])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
        Saver::ReplSave => {
            let mut child = Command::new(bin)
                .current_dir(dir)
                .args(["repl", "g.json"])
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            let script = format!("{UPDATE};\n:save\n");
            // The child may already be dead when the kill comes first.
            let _ = child.stdin.take().unwrap().write_all(script.as_bytes());
            child
        }
    }
}

/// A small xorshift generator: the kill moments need no more.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

/// Runs `saver` to the end once and gives the new dump and how long it took.
fn finished(saver: Saver, old: &str) -> (Vec<u8>, Duration) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("g.json"), old).unwrap();
    let started = Instant::now();
    let status = start(saver, dir.path()).wait().unwrap();
    let took = started.elapsed();
    assert!(status.success(), "{saver:?} runs");
    let new = std::fs::read(dir.path().join("g.json")).unwrap();
    assert_ne!(new, old.as_bytes(), "{saver:?} changes the dump");
    (new, took)
}

#[test]
fn killed_saves_leave_the_old_or_the_new_dump() {
    let kills: u64 = std::env::var("NEWSGRAPH_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(6);
    let old = old_dump(5_000);
    // The loader accepts what was written by hand, and it round-trips.
    assert!(dump::read(&old, "old.json").is_ok());
    let seed = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64)
        | 1;
    eprintln!("durability: seed {seed}, {kills} kills");
    let mut rng = Rng(seed);
    let savers = [Saver::QueryWrite, Saver::ReplSave];
    let done: Vec<(Vec<u8>, Duration)> = savers.iter().map(|&s| finished(s, &old)).collect();
    let (mut olds, mut news) = (0, 0);
    for k in 0..kills {
        let which = (k % 2) as usize;
        let (new, took) = &done[which];
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.json");
        std::fs::write(&path, &old).unwrap();
        let mut child = start(savers[which], dir.path());
        // Anywhere from the start to a little past a whole run.
        let wait = rng.below(took.as_micros() as u64 * 11 / 10);
        std::thread::sleep(Duration::from_micros(wait));
        let _ = child.kill();
        child.wait().unwrap();
        let on_disk = std::fs::read(&path).unwrap();
        let loaded = dump::load(&path);
        assert!(
            loaded.is_ok(),
            "kill {k} ({:?} after {wait} us): the dump does not load: {:?}",
            savers[which],
            loaded.err()
        );
        if on_disk == old.as_bytes() {
            olds += 1;
        } else if on_disk == *new {
            news += 1;
        } else {
            panic!(
                "kill {k} ({:?} after {wait} us): the dump is neither the old graph nor the new one",
                savers[which]
            );
        }
    }
    eprintln!("durability: {olds} old, {news} new");
}
