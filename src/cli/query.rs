//! `newsgraph query`: runs one query, or every `;`-separated statement on
//! standard input, on one graph, and prints each statement's result as a
//! table, JSON lines or CSV. Exits non-zero when any statement failed;
//! writes the graph back (atomically) only with `--write`.

use std::io::{self, BufWriter, Read, Write};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use indexmap::IndexMap;

use super::{Error, QueryArgs, ResultFormat};
use crate::graph::{Graph, dump};
use crate::output;
use crate::query::{self, RunOptions, StatementOutcome, Value};
use crate::span::LineIndex;

/// The intermediate results a statement may hold before it stops with a
/// clear error, rather than being killed by the system (issue 7).
const MEMORY_BUDGET: usize = 2 << 30;

/// How many rows a table shows before it says how many it left out.
const TABLE_ROWS: usize = 1000;

/// Runs `newsgraph query`.
pub fn run(args: &QueryArgs) -> Result<ExitCode, Error> {
    let mut graph = match &args.graph {
        Some(path) => dump::load(path).map_err(|e| Error::Message(e.to_string()))?,
        None => Graph::new(),
    };
    let mut options = RunOptions {
        timeout: args
            .timeout
            .and_then(|s| Duration::try_from_secs_f64(s).ok()),
        memory_budget: Some(args.memory_limit.map_or(MEMORY_BUDGET, |mb| {
            usize::try_from(mb << 20).unwrap_or(usize::MAX)
        })),
        ..RunOptions::default()
    };
    if let Some(n) = args.threads {
        options.parallelism.threads = usize::from(n);
    }
    for p in &args.params {
        let (name, value) = parse_param(p).map_err(Error::Message)?;
        options.params.insert(name, value);
    }
    let src = match &args.query {
        Some(q) => q.clone(),
        None => {
            let mut s = String::new();
            io::stdin().read_to_string(&mut s)?;
            s
        }
    };
    let outcomes = query::run(&mut graph, &src, &options);
    let failed = outcomes.iter().any(|o| o.result.is_err());
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    for outcome in &outcomes {
        print_outcome(&mut out, &graph, outcome, &src, args.format)?;
    }
    out.flush()?;
    if args.write
        && let Some(path) = &args.graph
    {
        dump::save(&graph, path).map_err(|e| Error::Message(e.to_string()))?;
    }
    // The process ends here: handing a million edges back to the allocator
    // one by one would cost a fifth of the load time for nothing.
    std::mem::forget(graph);
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn print_outcome(
    out: &mut impl Write,
    graph: &Graph,
    outcome: &StatementOutcome,
    src: &str,
    format: ResultFormat,
) -> io::Result<()> {
    match (format, &outcome.result) {
        (ResultFormat::Json, _) => output::json::write_statement(out, graph, &outcome.result, src),
        (ResultFormat::Table, Ok(result)) => {
            writeln!(out, "{}", output::table::render(graph, result, TABLE_ROWS))
        }
        (ResultFormat::Csv, Ok(result)) => output::csv::write(out, graph, result),
        (_, Err(e)) => {
            let at = LineIndex::new(src).line_col(e.span.start as usize);
            eprintln!(
                "newsgraph: query:{}:{}: {} ({}): {}",
                at.line,
                at.column,
                e.code.kind(),
                e.code.name(),
                e.message
            );
            Ok(())
        }
    }
}

/// Reads `--param name=JSON`.
fn parse_param(arg: &str) -> Result<(String, Value), String> {
    let (name, json) = arg
        .split_once('=')
        .ok_or_else(|| format!("--param {arg}: expected NAME=JSON"))?;
    let json: serde_json::Value = serde_json::from_str(json)
        .map_err(|e| format!("--param {name}: the value is not JSON: {e}"))?;
    Ok((name.trim_start_matches('$').to_string(), from_json(json)))
}

/// A JSON value as a query value: numbers without a fraction are integers.
fn from_json(json: serde_json::Value) -> Value {
    match json {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        serde_json::Value::String(s) => Value::String(s.into()),
        serde_json::Value::Array(items) => Value::List(items.into_iter().map(from_json).collect()),
        serde_json::Value::Object(map) => Value::Map(
            map.into_iter()
                .map(|(k, v)| (Arc::from(k), from_json(v)))
                .collect::<IndexMap<_, _>>()
                .into(),
        ),
    }
}
