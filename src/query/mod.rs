//! The openCypher subset: parsing, binding and planning, evaluation. It reaches
//! the graph only through `graph`'s public API and knows nothing of text,
//! extraction, the REPL or output formats.
//!
//! The facade is [`run`]: it splits a source text into statements, and
//! parses, plans and runs each in order on one graph. A statement that fails
//! leaves its error in its outcome and the next one still runs.
//!
//! # Example: who met whom
//!
//! ```
//! use newsgraph::graph::Graph;
//! use newsgraph::query::{run, RunOptions};
//!
//! let mut graph = Graph::new();
//! let src = "CREATE (:Person {name: 'Hu Jintao'})-[:MET]->(:Person {name: 'Yoshihiko Noda'});
//!            MATCH (a:Person)-[:MET]->(b {name: 'Yoshihiko Noda'}) RETURN a.name";
//! let outcomes = run(&mut graph, src, &RunOptions::default());
//! let result = outcomes[1].result.as_ref().unwrap();
//! assert_eq!(result.columns, ["a.name"]);
//! assert_eq!(result.rows.len(), 1);
//! ```

pub mod aggregate;
pub mod ast;
pub mod error;
pub mod eval;
pub mod functions;
pub mod parse;
pub mod plan;
pub mod value;

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use indexmap::IndexMap;

use crate::graph::Graph;
use crate::span::Span;
use error::QueryError;
use plan::Mode;

pub use value::{QueryResult, Stats, Value};

/// How statements run: parameters and limits.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// The values of `$name` parameters.
    pub params: IndexMap<String, Value>,
    /// Set to true (from another thread) to stop the running statement.
    pub cancel: Option<Arc<AtomicBool>>,
    /// Stop a statement that runs longer than this.
    pub timeout: Option<Duration>,
    /// Stop a statement that would hold more than about this many bytes of
    /// intermediate rows.
    pub memory_budget: Option<usize>,
    /// How many threads a statement may use, and on graphs of what size.
    pub parallelism: eval::Parallelism,
}

/// What one statement of a source text gave.
#[derive(Debug, Clone)]
pub struct StatementOutcome {
    /// Where the statement is in the source.
    pub span: Span,
    /// Its rows and stats, or why it failed.
    pub result: Result<QueryResult, QueryError>,
}

/// Runs every `;`-separated statement of `src` on `graph`, in order. After
/// a failing statement the next ones still run.
pub fn run(graph: &mut Graph, src: &str, options: &RunOptions) -> Vec<StatementOutcome> {
    let statements = || {
        parse::split_statements(src)
            .into_iter()
            .filter(|span| !src[span.range()].trim().is_empty())
            .map(|span| StatementOutcome {
                span,
                result: run_one(graph, src, span, options),
            })
            .collect()
    };
    with_query_stack(statements).unwrap_or_else(|e| {
        vec![StatementOutcome {
            span: Span::new(0, src.len()),
            result: Err(e),
        }]
    })
}

/// Stack reserved for binding, planning and evaluating. The parser admits
/// expressions [`parse::MAX_DEPTH`] levels deep, and the binder and the
/// evaluator recurse once per level too: in a debug build 499 nested list
/// literals overflowed the 8 MiB main thread in the binder (found by the
/// bad-input suite, tests/bad_input.rs). The pages are only touched by deep
/// input.
const QUERY_STACK: usize = 256 << 20;

/// Runs `work` on a scoped thread with [`QUERY_STACK`] bytes of stack, so
/// that the parser's depth limit, not the caller's stack, bounds recursion.
fn with_query_stack<T: Send>(work: impl FnOnce() -> T + Send) -> Result<T, QueryError> {
    std::thread::scope(|scope| {
        let handle = std::thread::Builder::new()
            .name("newsgraph-query".into())
            .stack_size(QUERY_STACK)
            .spawn_scoped(scope, work);
        match handle {
            // A panic is a bug; it is passed on unchanged, not hidden.
            Ok(handle) => Ok(handle
                .join()
                .unwrap_or_else(|payload| std::panic::resume_unwind(payload))),
            Err(e) => Err(QueryError::new(
                error::ErrorCode::MemoryLimit,
                Span::default(),
                format!("cannot start the query thread: {e}"),
            )),
        }
    })
}

/// Parses, plans and runs the statement at `span` of `src`.
fn run_one(
    graph: &mut Graph,
    src: &str,
    span: Span,
    options: &RunOptions,
) -> Result<QueryResult, QueryError> {
    let started = Instant::now();
    let text = &src[span.range()];
    let statement = parse::parse_statement(text).map_err(|e| shift(e, span.start))?;
    let plan = plan::plan_statement(&statement, text, graph).map_err(|e| shift(e, span.start))?;
    let guard = eval::Guard::new(
        options.cancel.clone(),
        options.timeout.map(|t| started + t),
        options.memory_budget,
        Span::new(0, text.len()),
    )
    .with_parallelism(options.parallelism);
    // A failing statement changes nothing: an updating one runs on the
    // graph with a copy kept to put back.
    let updates = plan.mode != Mode::Explain
        && plan
            .parts
            .iter()
            .any(|p| p.ops.iter().any(plan::Op::is_update));
    let backup = updates.then(|| graph.clone());
    let restore = move |graph: &mut Graph, e: QueryError| {
        if let Some(b) = backup {
            *graph = b;
        }
        shift_runtime(e, span, text.len())
    };
    let mut result = match plan.mode {
        Mode::Explain => explained(plan::render(&plan, None)),
        Mode::Run => match eval::run_plan(graph, &plan, &options.params, &guard, None) {
            Ok(r) => r,
            Err(e) => return Err(restore(graph, e)),
        },
        Mode::Profile => {
            let mut profile = eval::Profile::new();
            let mut result =
                match eval::run_plan(graph, &plan, &options.params, &guard, Some(&mut profile)) {
                    Ok(r) => r,
                    Err(e) => return Err(restore(graph, e)),
                };
            let text = plan::render(&plan, Some(&profile));
            result.columns = vec!["plan".into()];
            result.rows = vec![vec![Value::String(text.into())]];
            result
        }
    };
    result.stats.elapsed_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    Ok(result)
}

fn explained(text: String) -> QueryResult {
    QueryResult {
        columns: vec!["plan".into()],
        rows: vec![vec![Value::String(text.into())]],
        stats: Stats::default(),
    }
}

/// Moves an error's span from statement-relative to source-relative.
fn shift(mut e: QueryError, offset: u32) -> QueryError {
    e.span = Span {
        start: e.span.start.saturating_add(offset),
        end: e.span.end.saturating_add(offset),
    };
    e
}

/// Runtime errors without a position point at the whole statement.
fn shift_runtime(mut e: QueryError, span: Span, len: usize) -> QueryError {
    if e.span == Span::default() {
        e.span = Span::new(0, len);
    }
    shift(e, span.start)
}

/// The plan of the single statement `src`, as `EXPLAIN` shows it.
pub fn explain(graph: &Graph, src: &str) -> Result<String, QueryError> {
    with_query_stack(|| {
        let statement = parse::parse_statement(src)?;
        let plan = plan::plan_statement(&statement, src, graph)?;
        Ok(plan::render(&plan, None))
    })?
}
