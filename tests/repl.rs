//! The REPL as a person uses it: the real binary in a pseudo-terminal
//! (rexpect), typing, pressing Tab, Ctrl-C and Ctrl-D, and reading what
//! comes back; and as a script reads it, with standard input a pipe.
//!
//! Every session gets its own HOME and history file in a temporary folder,
//! and no colours (NO_COLOR), so that what is read is what is shown.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use rexpect::reader::Options;
use rexpect::session::{PtySession, spawn_with_options};

const BIN: &str = env!("CARGO_BIN_EXE_newsgraph");
const PROMPT: &str = "newsgraph> ";
/// Long enough for a loaded CI machine, short enough to fail fast.
const TIMEOUT_MS: u64 = 10_000;

/// A small graph of our own: four people, two countries, meetings with
/// their evidence.
const GRAPH_SCRIPT: &str = r#"
CREATE (hu:Person {name: "Hu Jintao", aliases: ["President Hu"]}),
       (noda:Person {name: "Yoshihiko Noda", aliases: ["Noda"]}),
       (wen:Person {name: "Wen Jiabao"}),
       (wu:Person {name: "Wu Bangguo"}),
       (cn:Country {name: "China"}),
       (jp:Country {name: "Japan"}),
       (hu)-[:MET {sentence: "Hu Jintao received Noda in the Great Hall.", doc: "visit", date: date("2011-12-25")}]->(noda),
       (wen)-[:MET {sentence: "Wen Jiabao held talks with Noda.", doc: "visit", date: date("2011-12-25")}]->(noda),
       (noda)-[:VISITED {sentence: "Noda visited China.", doc: "visit"}]->(cn),
       (hu)-[:OFFICIAL_OF {title: "President"}]->(cn),
       (noda)-[:OFFICIAL_OF {title: "Prime Minister"}]->(jp);
"#;

/// A temporary home with a graph dump made by the REPL's own script mode.
struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Home {
        Home {
            dir: tempfile::tempdir().expect("temporary folder"),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// A dump of [`GRAPH_SCRIPT`] (plus `extra` statements), made by
    /// `newsgraph repl` reading a script.
    fn graph(&self, extra: &str) -> PathBuf {
        let dump = self.path("graph.json");
        let script = format!("{GRAPH_SCRIPT}\n{extra}\n:save {}\n", dump.display());
        let out = self.script(&[], &script);
        assert!(out.status.success(), "making the graph failed: {out:?}");
        dump
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.args(args)
            .env("HOME", self.dir.path())
            .env("NEWSGRAPH_HISTORY", self.path("history"))
            .env_remove("XDG_DATA_HOME")
            .env("NO_COLOR", "1")
            .env("TERM", "xterm");
        cmd
    }

    /// `newsgraph repl ARGS` with `script` on standard input.
    fn script(&self, args: &[&str], script: &str) -> std::process::Output {
        let mut cmd = self.command(&[&["repl"], args].concat());
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start newsgraph");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(script.as_bytes())
            .expect("write the script");
        child.wait_with_output().expect("newsgraph ends")
    }

    /// The REPL in a pseudo-terminal, waiting at its first prompt.
    fn repl(&self, args: &[&str]) -> PtySession {
        let cmd = self.command(args);
        let options = Options::new()
            .timeout_ms(Some(TIMEOUT_MS))
            .strip_ansi_escape_codes(true);
        let mut p = spawn_with_options(cmd, options).expect("start newsgraph in a pty");
        p.exp_string(PROMPT).expect("first prompt");
        p
    }
}

fn repl_on(home: &Home, dump: &Path) -> PtySession {
    home.repl(&["repl", dump.to_str().expect("utf-8 path")])
}

/// Types `text` (without Enter).
fn keys(p: &mut PtySession, text: &str) {
    p.send(text).expect("type");
    p.flush().expect("flush the keys");
}

/// Ctrl-D at an empty prompt; the process ends.
fn leave(mut p: PtySession) {
    p.send_control('d').expect("ctrl-d");
    p.exp_eof().expect("the REPL ends");
}

#[test]
fn multi_line_query_prints_a_table() {
    let home = Home::new();
    let mut p = repl_on(&home, &home.graph(""));
    p.send_line("MATCH (p:Person)").unwrap();
    p.send_line("RETURN p.name AS name").unwrap();
    p.send_line("ORDER BY name;").unwrap();
    // Continuation lines show a prompt of their own.
    p.exp_string("       ... ORDER BY name;").unwrap();
    p.exp_string("name").unwrap();
    p.exp_string("Hu Jintao").unwrap();
    p.exp_string("Wen Jiabao").unwrap();
    p.exp_string("Wu Bangguo").unwrap();
    p.exp_string("Yoshihiko Noda").unwrap();
    p.exp_regex(r"4 rows in [0-9.]+ m?s").unwrap();
    p.exp_string(PROMPT).unwrap();
    leave(p);
}

#[test]
fn tab_completes_labels_keys_and_names() {
    let home = Home::new();
    let mut p = repl_on(&home, &home.graph(""));
    // A label after `(:`.
    keys(&mut p, "MATCH (c:Cou");
    keys(&mut p, "\t");
    p.exp_string("Country").unwrap();
    // A property key after `.`.
    keys(&mut p, ") RETURN c.na");
    keys(&mut p, "\t");
    p.exp_string("c.name").unwrap();
    p.send_line(" ORDER BY c.name;").unwrap();
    p.exp_string("2 rows").unwrap();
    p.exp_string(PROMPT).unwrap();
    // An entity name inside a string, closed for us.
    keys(&mut p, "MATCH (p {name: \"Yosh");
    keys(&mut p, "\t");
    p.exp_string("Yoshihiko Noda\"").unwrap();
    p.send_line("}) RETURN p.name AS who;").unwrap();
    p.exp_string("Yoshihiko Noda").unwrap();
    p.exp_string("1 row").unwrap();
    p.exp_string(PROMPT).unwrap();
    leave(p);
}

#[test]
fn ctrl_c_drops_the_line_and_stops_a_long_query() {
    let home = Home::new();
    // Every pair of 40 nodes joined: the paths from one node are countless.
    let dense = "UNWIND range(1, 40) AS i CREATE (:N {i: i});\n\
                 MATCH (a:N), (b:N) WHERE a.i < b.i CREATE (a)-[:R]->(b);";
    let mut p = repl_on(&home, &home.graph(dense));
    // While typing: the line is dropped and never runs.
    p.send("MATCH (n:Person) RETURN count(n) AS dropped")
        .unwrap();
    p.send_control('c').unwrap();
    p.exp_string(PROMPT).unwrap();
    // While a query runs: it stops, the session goes on.
    p.send_line("MATCH path = (:N {i: 1})-[*]-() RETURN count(path);")
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    p.send_control('c').unwrap();
    p.exp_string("cancelled").unwrap();
    p.exp_string(PROMPT).unwrap();
    p.send_line("RETURN 40 + 2 AS answer;").unwrap();
    let before = p.exp_string("42").unwrap();
    assert!(
        !before.contains("dropped"),
        "the dropped line ran: {before}"
    );
    p.exp_string("1 row").unwrap();
    leave(p);
}

#[test]
fn history_is_kept_between_sessions() {
    let home = Home::new();
    let dump = home.graph("");
    let mut p = repl_on(&home, &dump);
    p.send_line("MATCH (c:Country)").unwrap();
    p.send_line("RETURN c.name AS remembered ORDER BY remembered;")
        .unwrap();
    p.exp_string("2 rows").unwrap();
    p.exp_string(PROMPT).unwrap();
    leave(p);

    let mut p = repl_on(&home, &dump);
    // Up brings back the whole two-line entry; Enter runs it again.
    keys(&mut p, "\x1b[A");
    p.exp_string("remembered ORDER BY remembered;").unwrap();
    p.send_line("").unwrap();
    p.exp_string("Japan").unwrap();
    p.exp_string("2 rows").unwrap();
    leave(p);
}

#[test]
fn why_shows_the_evidence_of_the_last_result() {
    let home = Home::new();
    let mut p = repl_on(&home, &home.graph(""));
    p.send_line(
        "MATCH (p)-[r:MET]-(:Person {name: \"Yoshihiko Noda\"}) RETURN p.name, r ORDER BY p.name;",
    )
    .unwrap();
    p.exp_string("2 rows").unwrap();
    p.send_line(":why").unwrap();
    p.exp_string("[1] Hu Jintao -[:MET]-> Yoshihiko Noda")
        .unwrap();
    p.exp_string("\"Hu Jintao received Noda in the Great Hall.\"")
        .unwrap();
    p.exp_string("doc: visit, date: 2011-12-25").unwrap();
    p.exp_string("[2] Wen Jiabao -[:MET]-> Yoshihiko Noda")
        .unwrap();
    p.exp_string(PROMPT).unwrap();
    leave(p);
}

#[test]
fn bare_newsgraph_opens_the_sample_and_why_shows_the_seed_sentence() {
    let home = Home::new();
    let mut p = home.repl(&[]);
    p.send_line("MATCH (p:Person)-[r:MET]-(:Person {name: \"Yoshihiko Noda\"})")
        .unwrap();
    p.send_line("RETURN p.name AS who, r ORDER BY who;")
        .unwrap();
    p.exp_string("Hu Jintao").unwrap();
    p.exp_regex(r"\d+ rows? in").unwrap();
    p.send_line(":why").unwrap();
    // The seed's sentence, whichever way the extractor points the edge.
    p.exp_string("[1] ").unwrap();
    p.exp_string("Hu Jintao").unwrap();
    p.exp_string("\"During his stay in Beijing,").unwrap();
    p.exp_string("doc: seed").unwrap();
    p.exp_string(PROMPT).unwrap();
    leave(p);
}

#[test]
fn syntax_error_points_at_the_column() {
    let home = Home::new();
    let mut p = repl_on(&home, &home.graph(""));
    p.send_line("MATCH (n) RETRN n;").unwrap();
    p.exp_string("SyntaxError").unwrap();
    p.exp_string("column 11").unwrap();
    // The line, then the caret under `RETRN` (both indented by two).
    p.exp_string("  MATCH (n) RETRN n;\r\n            ^")
        .unwrap();
    p.exp_string(PROMPT).unwrap();
    leave(p);
}

#[test]
fn did_you_mean_for_labels_and_commands() {
    let home = Home::new();
    let mut p = repl_on(&home, &home.graph(""));
    p.send_line("MATCH (p:Persn) RETURN p;").unwrap();
    p.exp_string("did you mean :Person?").unwrap();
    p.send_line(":shema").unwrap();
    p.exp_string("unknown command :shema (did you mean :schema?)")
        .unwrap();
    p.exp_string(PROMPT).unwrap();
    leave(p);
}

#[test]
fn ctrl_d_asks_before_dropping_unsaved_changes() {
    let home = Home::new();
    let mut p = repl_on(&home, &home.graph(""));
    p.send_line("CREATE (:Person {name: \"Li Keqiang\"});")
        .unwrap();
    p.exp_string("1 node created").unwrap();
    p.exp_string(PROMPT).unwrap();
    p.send_control('d').unwrap();
    p.exp_string("unsaved changes").unwrap();
    p.send_line("n").unwrap();
    p.exp_string(PROMPT).unwrap();
    p.send_control('d').unwrap();
    p.exp_string("Leave anyway?").unwrap();
    p.send_line("y").unwrap();
    p.exp_eof().unwrap();
}

#[test]
fn scripts_run_in_order_without_prompts() {
    let home = Home::new();
    let dump = home.graph("");
    let out = home.script(
        &[dump.to_str().unwrap()],
        ":format csv\nMATCH (c:Country)\nRETURN c.name AS country ORDER BY country;\n:stats\n",
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    assert!(!stdout.contains(PROMPT), "{stdout}");
    assert!(!stdout.contains('\x1b'), "no colours in scripts: {stdout}");
    assert!(stdout.starts_with("country\nChina\nJapan\n"), "{stdout}");
    assert!(stdout.contains("nodes:          6"), "{stdout}");
}

#[test]
fn fail_fast_stops_at_the_first_error() {
    let home = Home::new();
    let script = "RETURN 1 AS one;\nRETURN nope AS two;\nRETURN 3 AS three;\n";
    let out = home.script(&["--fail-fast"], script);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stdout.contains("one") && !stdout.contains("three"),
        "{stdout}"
    );
    assert!(stderr.contains("at line 2, column 8"), "{stderr}");

    let out = home.script(&[], script);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "a failed statement fails the script");
    assert!(
        stdout.contains("three"),
        "without --fail-fast the rest runs: {stdout}"
    );
}

#[test]
fn row_limit_pages_and_parameters() {
    let home = Home::new();
    let script = ":limit 2\nUNWIND range(1, 5) AS i RETURN i;\n:last\n:last\n:last all\n\
                 :param who => \"Wen\" + ' ' + 'Jiabao'\n:params\nRETURN $who AS who;\n";
    let out = home.script(&[], script);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    for line in [
        "5 rows, 2 shown (:last for more)",
        "rows 3-4 of 5 (:last for more)",
        "rows 5-5 of 5",
        "└───┘\n5 rows in",
        ":param who => \"Wen\" + ' ' + 'Jiabao'",
        "│ Wen Jiabao │",
    ] {
        assert!(stdout.contains(line), "{line:?} missing in:\n{stdout}");
    }
}

#[test]
fn ingest_save_load_and_export_from_a_script() {
    let home = Home::new();
    let articles = home.path("articles");
    std::fs::create_dir_all(&articles).unwrap();
    std::fs::write(
        articles.join("talks.txt"),
        "title: Leaders hold talks\ndate: 2012-03-02\n\nTOKYO, March 2 (Xinhua) -- Japanese Prime Minister \
         Yoshihiko Noda met with visiting Chinese Premier Wen Jiabao on Friday.\n",
    )
    .unwrap();
    let saved = home.path("saved.json");
    let exported = home.path("triples.jsonl");
    let script = format!(
        ":ingest {}\n:save {}\n:load {}\n:export triples {}\n:stats\n",
        articles.display(),
        saved.display(),
        saved.display(),
        exported.display()
    );
    let out = home.script(&[], &script);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    assert!(stdout.contains("read 1 article ("), "{stdout}");
    assert!(stdout.contains("documents:      1"), "{stdout}");
    assert!(stdout.contains("unsaved:        no"), "{stdout}");
    let triples = std::fs::read_to_string(&exported).unwrap();
    assert!(triples.contains("\"doc\":\"talks\""), "{triples}");
}
