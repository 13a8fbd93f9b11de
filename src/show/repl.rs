//! The REPL's picture commands, `:show`, `:timeline` and `:around`: thin
//! adapters from a [`Session`] to the renderers, plugged into the REPL's
//! command table (`repl::commands::COMMANDS`) as its module doc invites.
//!
//! They read the session's graph and last result and write one SVG file
//! (atomically); they change neither the graph nor the result.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{Options, Scene, around, dated_edge_count, render_svg, render_timeline};
use crate::files::atomic::write_atomic;
use crate::repl::commands::{CommandError, Flow};
use crate::repl::session::Session;

/// `:show [FILE.svg]`: draws every node, relationship and path of the last
/// result (to `show.svg` without FILE).
pub fn repl_show(
    session: &mut Session,
    arg: &str,
    out: &mut dyn Write,
) -> Result<Flow, CommandError> {
    draw_last(session, arg, out, false)
}

/// `:timeline [FILE.svg]`: draws the dated relationships of the last result
/// along a time axis (to `timeline.svg` without FILE).
pub fn repl_timeline(
    session: &mut Session,
    arg: &str,
    out: &mut dyn Write,
) -> Result<Flow, CommandError> {
    draw_last(session, arg, out, true)
}

/// The usage line of `:around`.
const AROUND_USAGE: &str = ":around \"NAME\" [DEPTH] [FILE.svg]";

/// `:around "Yoshihiko Noda" [DEPTH] [FILE.svg]`: draws every relationship
/// within DEPTH hops (default 1) of the named node (to `around.svg`).
pub fn repl_around(
    session: &mut Session,
    arg: &str,
    out: &mut dyn Write,
) -> Result<Flow, CommandError> {
    let Some((name, rest)) = split_name(arg) else {
        return Err(CommandError::Usage(AROUND_USAGE));
    };
    let mut depth = 1u32;
    let mut file = None;
    for word in rest.split_whitespace() {
        match word.parse::<u32>() {
            Ok(d) if file.is_none() => depth = d,
            _ if file.is_none() => file = Some(unquote(word)),
            _ => return Err(CommandError::Usage(AROUND_USAGE)),
        }
    }
    let graph = session.graph();
    let scene = match around(graph, &name, depth) {
        Ok(scene) => scene,
        Err(e) => {
            writeln!(out, "{e}")?;
            return Ok(Flow::Continue);
        }
    };
    let hops = if depth == 1 { "hop" } else { "hops" };
    let options = Options::titled(format!("Around {name} ({depth} {hops})"));
    let path = file.unwrap_or_else(|| PathBuf::from("around.svg"));
    write_svg(&path, &render_svg(graph, &scene, &options))?;
    writeln!(out, "drew {} to {}", size(&scene), path.display())?;
    Ok(Flow::Continue)
}

fn draw_last(
    session: &mut Session,
    arg: &str,
    out: &mut dyn Write,
    timeline: bool,
) -> Result<Flow, CommandError> {
    let graph = session.graph();
    let Some(result) = session.last_result() else {
        writeln!(
            out,
            "no result yet: run a query that returns nodes, relationships or paths first"
        )?;
        return Ok(Flow::Continue);
    };
    let scene = Scene::from_rows(graph, &result.rows);
    if scene.is_empty() {
        writeln!(
            out,
            "the last result holds no nodes, relationships or paths; return them to draw them, e.g.\n  \
             MATCH p = (a:Person)-[:MET]-(b) RETURN p;"
        )?;
        return Ok(Flow::Continue);
    }
    let arg = arg.trim();
    let (default, title) = if timeline {
        ("timeline.svg", "Timeline of the last result")
    } else {
        ("show.svg", "The last result")
    };
    let path = if arg.is_empty() {
        PathBuf::from(default)
    } else {
        unquote(arg)
    };
    let options = Options::titled(title);
    let svg = if timeline {
        render_timeline(graph, &scene, &options)
    } else {
        render_svg(graph, &scene, &options)
    };
    write_svg(&path, &svg)?;
    if timeline {
        let dated = dated_edge_count(graph, &scene);
        writeln!(
            out,
            "drew {dated} dated relationships to {}",
            path.display()
        )?;
    } else {
        writeln!(out, "drew {} to {}", size(&scene), path.display())?;
    }
    Ok(Flow::Continue)
}

fn size(scene: &Scene) -> String {
    format!(
        "{} nodes and {} relationships",
        scene.node_count(),
        scene.edge_count()
    )
}

fn write_svg(path: &Path, svg: &str) -> Result<(), CommandError> {
    write_atomic(path, |w: &mut dyn Write| w.write_all(svg.as_bytes())).map_err(|source| {
        CommandError::File {
            path: path.to_path_buf(),
            source,
        }
    })
}

/// A path as typed, without surrounding quotes.
fn unquote(arg: &str) -> PathBuf {
    let inner = ['"', '\'']
        .iter()
        .find_map(|q| arg.strip_prefix(*q).and_then(|a| a.strip_suffix(*q)));
    PathBuf::from(inner.unwrap_or(arg))
}

/// Splits `"Yoshihiko Noda" 2 file.svg` into the name and the rest. An
/// unquoted name runs up to the first word that is a number or ends in
/// `.svg`.
fn split_name(arg: &str) -> Option<(String, &str)> {
    let arg = arg.trim();
    for q in ['"', '\''] {
        if let Some(inner) = arg.strip_prefix(q) {
            let end = inner.find(q)?;
            let name = inner.get(..end)?.trim();
            let rest = inner.get(end + q.len_utf8()..)?;
            return (!name.is_empty()).then(|| (name.to_string(), rest));
        }
    }
    let mut end = arg.len();
    let mut offset = 0;
    for word in arg.split_inclusive(char::is_whitespace) {
        let w = word.trim();
        if offset > 0 && (w.parse::<u32>().is_ok() || w.ends_with(".svg")) {
            end = offset;
            break;
        }
        offset += word.len();
    }
    let name = arg.get(..end)?.trim();
    (!name.is_empty()).then(|| (name.to_string(), arg.get(end..).unwrap_or("")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_from_depth_and_file() {
        let s = |a| split_name(a).map(|(n, r)| (n, r.trim().to_string()));
        assert_eq!(
            s(r#""Yoshihiko Noda" 2 x.svg"#),
            Some(("Yoshihiko Noda".into(), "2 x.svg".into()))
        );
        assert_eq!(
            s("Yoshihiko Noda 2"),
            Some(("Yoshihiko Noda".into(), "2".into()))
        );
        assert_eq!(s("Noda"), Some(("Noda".into(), String::new())));
        assert_eq!(s("Noda out.svg"), Some(("Noda".into(), "out.svg".into())));
        assert_eq!(s(r#""unclosed"#), None);
        assert_eq!(s("  "), None);
    }
}
