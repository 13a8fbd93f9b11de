//! Runs the head of a read pipeline on several threads.
//!
//! A segment fed one row whose first operator is a pattern source (a
//! non-optional `MATCH`, or `CountPerNode`) is cut into shares: the first
//! step of the source with more than one candidate is split into
//! contiguous ranges (`Share`). Threads take shares as they finish the last
//! one, and run the source and the row-by-row operators after it (filters,
//! projections, further matches) up to the first operator that needs all
//! rows: a grouping, a sort, or the segment's end.
//!
//! A thread that takes the share right after its last one goes on feeding
//! the same grouping or list of rows (a run); each run's result is kept
//! apart, and the results are merged in share order, so that the rows and
//! their order are the ones one thread would make: groups are merged in
//! the order they first appeared, sorted runs are merged with the earlier
//! share first among equals, and plain rows are put one after the other.
//! Only sums of floats can differ, in their last bits, as their terms are
//! added in another grouping.
//!
//! The calling thread starts alone; the others start once it has worked
//! `Parallelism::helpers_after`, and only while what it made merges
//! cheaply (not a grouping where most rows made a group of their own,
//! whose merge would cost what making it did).
//!
//! Small graphs run on one thread (`Parallelism::min_graph_size`), as do
//! segments with `SKIP` or `LIMIT` before any sort (they stop early when run
//! on one thread) and groupings with DISTINCT aggregates other than
//! `count`, `min` and `max`.

use std::cell::Cell;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

use indexmap::IndexMap;

use super::ops::{self, Grouping, PartialGroups, SortKey};
use super::{Ctx, Deleted, Guard, Row, Share, SplitMemo};
use crate::graph::Graph;
use crate::query::aggregate::Accumulator;
use crate::query::error::QueryError;
use crate::query::plan::{Expr, Op};
use crate::query::value::Value;

/// How many shares each thread's worth of work is cut into: shares are
/// taken as threads come free, so a share that turns out heavy (a hub
/// among the candidates) leaves the others to the other threads.
const SHARES_PER_THREAD: usize = 8;

/// Stack of each worker thread, as for the statement's own thread: the
/// evaluator recurses once per level of a nested expression.
const WORKER_STACK: usize = 256 << 20;

/// Where a segment's head ends, and what takes the head's rows.
#[derive(Debug, Clone, Copy)]
pub(super) struct Cut<'p> {
    /// The operators run on every thread: the source and the row-by-row
    /// ones after it.
    head: usize,
    breaker: Breaker<'p>,
}

/// What the threads' rows go to.
#[derive(Debug, Clone, Copy)]
enum Breaker<'p> {
    /// `Op::Aggregate`: each share groups its rows, and the groups are merged.
    Aggregate(&'p Op),
    /// `Op::Sort`: each share sorts its rows, and the runs are merged.
    Sort {
        keys: &'p [(Expr, bool)],
        top: Option<&'p Expr>,
    },
    /// The rows are put one after the other.
    Concat,
}

impl Breaker<'_> {
    /// Whether the breaker is a sort that keeps only its best rows.
    fn is_top(&self) -> bool {
        matches!(self, Breaker::Sort { top: Some(_), .. })
    }
}

/// What one run of shares made.
enum Made {
    Groups(PartialGroups),
    /// Sorted rows, each with its sort keys.
    Sorted(Vec<(Row, Vec<SortKey>)>),
    Rows(Vec<Row>),
}

/// Where `ops`, a read-only segment, can be split over threads; `None`
/// when it cannot.
pub(super) fn cut(ops: &[Op]) -> Option<Cut<'_>> {
    match ops.first()? {
        Op::Match {
            optional: false, ..
        }
        | Op::CountPerNode { .. } => {}
        _ => return None,
    }
    let head = 1 + ops[1..]
        .iter()
        .take_while(|op| {
            matches!(
                op,
                Op::Filter(_) | Op::Project { .. } | Op::Match { .. } | Op::Unwind { .. }
            )
        })
        .count();
    let breaker = match ops.get(head) {
        Some(agg @ Op::Aggregate { aggregates, .. })
            if aggregates
                .iter()
                .all(|c| Accumulator::mergeable(&c.name, c.distinct)) =>
        {
            Breaker::Aggregate(agg)
        }
        Some(Op::Sort { keys, top }) => Breaker::Sort {
            keys,
            top: top.as_ref(),
        },
        None | Some(Op::Distinct { .. }) => Breaker::Concat,
        Some(_) => return None,
    };
    Some(Cut { head, breaker })
}

/// Whether a segment fed `inputs` rows is worth splitting on `graph`.
pub(super) fn worth(graph: &Graph, guard: &Guard, inputs: usize) -> bool {
    let p = guard.parallelism;
    inputs == 1
        && p.threads > 1
        && graph.node_count().saturating_add(graph.edge_count()) >= p.min_graph_size
}

/// What `run` reads.
pub(super) struct Segment<'a> {
    /// The graph.
    pub graph: &'a Graph,
    /// The statement's parameters.
    pub params: &'a IndexMap<String, Value>,
    /// The statement's guard.
    pub guard: &'a Guard,
    /// What the statement deleted so far.
    pub deleted: &'a Deleted,
    /// Slots a row has.
    pub width: usize,
    /// The segment's operators.
    pub ops: &'a [Op],
    /// Rows each operator yielded (for `PROFILE`).
    pub counts: &'a [Cell<u64>],
}

/// The rows of the segment `seg` fed `row`, its head run on several
/// threads as `cut` says.
pub(super) fn run(seg: &Segment<'_>, cut: Cut<'_>, row: Row) -> Result<Vec<Row>, QueryError> {
    let threads = seg.guard.parallelism.threads.max(1);
    let shares = threads * SHARES_PER_THREAD;
    let next = AtomicUsize::new(0);
    let memo = SplitMemo::default();
    let failed = AtomicBool::new(false);
    let results: Mutex<Vec<Option<Result<Made, QueryError>>>> =
        Mutex::new((0..shares).map(|_| None).collect());
    let head_counts: Mutex<Vec<u64>> = Mutex::new(vec![0; cut.head]);
    // What every thread reads (the statement's guard and counters are the
    // calling thread's own).
    let (graph, params, deleted, width, head) = (
        seg.graph,
        seg.params,
        seg.deleted,
        seg.width,
        &seg.ops[..cut.head],
    );
    // `before_share` runs before each share is taken, told whether what
    // the thread made so far merges cheaply.
    let work = |guard: &Guard, before_share: &mut dyn FnMut(bool)| {
        let ctx = Ctx {
            graph,
            params,
            guard,
            deleted,
            width,
            keys: Default::default(),
        };
        let counts: Vec<Cell<u64>> = (0..cut.head).map(|_| Cell::new(0)).collect();
        // The run being fed: its first and last share.
        let mut open: Option<(usize, usize, Open)> = None;
        loop {
            before_share(open.as_ref().is_none_or(|(_, _, o)| o.merges_cheaply()));
            let share = next.fetch_add(1, Ordering::Relaxed);
            if share >= shares || failed.load(Ordering::Relaxed) {
                break;
            }
            // Top-k keeps few rows a share; a run would keep them all.
            let continues = !cut.breaker.is_top()
                && open.as_ref().is_some_and(|(_, last, _)| last + 1 == share);
            if !continues && let Some((first, _, run)) = open.take() {
                let made = run.close(&ctx, cut.breaker);
                if made.is_err() {
                    failed.store(true, Ordering::Relaxed);
                }
                lock(&results)[first] = Some(made);
            }
            let (first, last, run) =
                open.get_or_insert_with(|| (share, share, Open::new(&ctx, cut.breaker)));
            *last = share;
            let fed = run.feed(&ctx, head, &row, Share::new(share, shares, &memo), &counts);
            if let Err(e) = fed {
                failed.store(true, Ordering::Relaxed);
                lock(&results)[*first] = Some(Err(e));
                open = None;
                break;
            }
        }
        if let Some((first, _, run)) = open.take() {
            let made = run.close(&ctx, cut.breaker);
            if made.is_err() {
                failed.store(true, Ordering::Relaxed);
            }
            lock(&results)[first] = Some(made);
        }
        for (total, c) in lock(&head_counts).iter_mut().zip(&counts) {
            *total += c.get();
        }
    };
    // Every thread, the calling one too, charges one count.
    let count = seg.guard.shared_count();
    let mine = seg.guard.share(&count);
    let mut helpers: Vec<Guard> = (1..threads).map(|_| seg.guard.share(&count)).collect();
    let started = Instant::now();
    std::thread::scope(|scope| {
        let mut start_helpers = |merges_cheaply: bool| {
            if helpers.is_empty()
                || !merges_cheaply
                || started.elapsed() < seg.guard.parallelism.helpers_after
                || next.load(Ordering::Relaxed) >= shares
            {
                return;
            }
            for guard in helpers.drain(..) {
                let work = &work;
                // A thread that cannot start leaves its shares to the others.
                let _ = std::thread::Builder::new()
                    .name("newsgraph-share".into())
                    .stack_size(WORKER_STACK)
                    .spawn_scoped(scope, move || work(&guard, &mut |_| {}));
            }
        };
        work(&mine, &mut start_helpers);
    });
    for (cell, total) in seg.counts.iter().zip(lock(&head_counts).iter()) {
        cell.set(cell.get() + total);
    }

    let mut made = Vec::with_capacity(shares);
    let mut first_error = None;
    for result in into_inner(results) {
        match result {
            Some(Ok(m)) => made.push(m),
            Some(Err(e)) => {
                first_error.get_or_insert(e);
            }
            // A share inside a run, or one not taken after a failure.
            None => {}
        }
    }
    if let Some(e) = first_error {
        return Err(e);
    }

    let ctx = Ctx {
        graph: seg.graph,
        params: seg.params,
        guard: seg.guard,
        deleted: seg.deleted,
        width: seg.width,
        keys: Default::default(),
    };
    let merged = merge(&ctx, cut.breaker, made)?;
    let rest_from = match cut.breaker {
        Breaker::Concat => cut.head,
        _ => {
            if let Some(cell) = seg.counts.get(cut.head) {
                cell.set(cell.get() + merged.len() as u64);
            }
            cut.head + 1
        }
    };
    let rest = &seg.ops[rest_from..];
    let iter = ops::build(
        &ctx,
        rest,
        Box::new(merged.into_iter().map(Ok)),
        &seg.counts[rest_from..],
    );
    let mut out = Vec::new();
    for row in iter {
        let row = row?;
        seg.guard.charge(row.len())?;
        out.push(row);
    }
    Ok(out)
}

/// A run of consecutive shares one thread did, still being fed: a share
/// right after the last one continues it, so that a thread running alone
/// keeps one grouping or one list of rows, as without shares.
enum Open<'a> {
    /// A grouping, with the rows it was fed (boxed: a grouping is large).
    Groups(Box<Grouping<'a>>, u64),
    Rows(Vec<Row>),
}

impl<'a> Open<'a> {
    fn new(ctx: &'a Ctx<'a>, breaker: Breaker<'a>) -> Open<'a> {
        match breaker {
            Breaker::Aggregate(Op::Aggregate {
                keys,
                aggregates,
                items,
            }) => Open::Groups(Box::new(Grouping::new(ctx, keys, aggregates, items)), 0),
            _ => Open::Rows(Vec::new()),
        }
    }

    /// Whether merging what the run made costs little beside making it:
    /// not so for a grouping where most rows made a group of their own.
    fn merges_cheaply(&self) -> bool {
        match self {
            Open::Groups(g, rows) => g.group_count().saturating_mul(2) <= *rows as usize,
            Open::Rows(_) => true,
        }
    }

    /// Feeds the run the rows share `share` of the head `head` makes
    /// from `row`.
    fn feed(
        &mut self,
        ctx: &'a Ctx<'a>,
        head: &'a [Op],
        row: &Row,
        share: Share<'a>,
        counts: &'a [Cell<u64>],
    ) -> Result<(), QueryError> {
        let rows = || {
            ops::build_shared(
                ctx,
                head,
                Box::new(std::iter::once(Ok(row.clone()))),
                counts,
                share,
            )
        };
        match self {
            Open::Groups(grouping, fed) => {
                if let [source] = head
                    && ops::pushes_rows(source)
                {
                    ops::push_rows(ctx, source, row.clone(), share, &mut |r| {
                        counts[0].set(counts[0].get() + 1);
                        *fed += 1;
                        grouping.add(r)?;
                        Ok(true)
                    })
                } else {
                    for r in rows() {
                        *fed += 1;
                        grouping.add(&r?)?;
                    }
                    Ok(())
                }
            }
            Open::Rows(out) => {
                for r in rows() {
                    out.push(r?);
                }
                Ok(())
            }
        }
    }

    /// What the run made.
    fn close(self, ctx: &'a Ctx<'a>, breaker: Breaker<'a>) -> Result<Made, QueryError> {
        match (self, breaker) {
            (Open::Groups(grouping, _), _) => Ok(Made::Groups((*grouping).into_partial())),
            (Open::Rows(rows), Breaker::Sort { keys, top }) => {
                let sorted = ops::sort(ctx, Box::new(rows.into_iter().map(Ok)), keys, top)?;
                let mut run = Vec::with_capacity(sorted.len());
                for r in sorted {
                    let k = keys
                        .iter()
                        .map(|(e, _)| ctx.eval(e, &r).map(SortKey::new))
                        .collect::<Result<Vec<_>, _>>()?;
                    run.push((r, k));
                }
                Ok(Made::Sorted(run))
            }
            (Open::Rows(rows), _) => Ok(Made::Rows(rows)),
        }
    }
}

/// The shares' results, in share order, as the breaker's rows.
fn merge<'a>(
    ctx: &'a Ctx<'a>,
    breaker: Breaker<'a>,
    made: Vec<Made>,
) -> Result<Vec<Row>, QueryError> {
    match breaker {
        Breaker::Aggregate(Op::Aggregate {
            keys,
            aggregates,
            items,
        }) => {
            let mut grouping = Grouping::new(ctx, keys, aggregates, items);
            for m in made {
                if let Made::Groups(groups) = m {
                    grouping.absorb(groups)?;
                }
            }
            grouping.finish()
        }
        Breaker::Sort { keys, top } => {
            let runs: Vec<_> = made
                .into_iter()
                .filter_map(|m| match m {
                    Made::Sorted(run) => Some(run),
                    _ => None,
                })
                .collect();
            let cmp =
                |a: &(Row, Vec<SortKey>), b: &(Row, Vec<SortKey>)| ops::order_by(keys, &a.1, &b.1);
            let merged = ops::merge_runs(ctx, runs, &cmp)?;
            let mut rows: Vec<Row> = merged.into_iter().map(|(r, _)| r).collect();
            if let Some(e) = top {
                rows.truncate(ops::count_arg(ctx, e, "LIMIT")?);
            }
            Ok(rows)
        }
        Breaker::Aggregate(_) | Breaker::Concat => Ok(made
            .into_iter()
            .flat_map(|m| match m {
                Made::Rows(rows) => rows,
                _ => Vec::new(),
            })
            .collect()),
    }
}

/// The mutex's value, even after a thread panicked holding it (the panic
/// is passed on when the scope ends).
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn into_inner<T>(m: Mutex<T>) -> T {
    m.into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
