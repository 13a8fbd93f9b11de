//! The rustyline helper: completion, colours, history hints and the
//! "is this statement finished?" check, each delegated to the module that
//! owns it ([`super::complete`], [`super::highlight`], [`super::input`]).
//!
//! It holds a [`Schema`] snapshot that the loop refreshes after each
//! command; it never touches the graph itself.

use std::borrow::Cow;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use rustyline::completion::{Completer, FilenameCompleter, Pair};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::{Hinter, HistoryHinter};
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Cmd, ConditionalEventHandler, Context, Event, EventContext, Helper, RepeatCount};

use super::complete::{self, ArgKind, Completion, Sources};
use super::highlight::{self, CONTINUATION_INDENT, DIM, RESET};
use super::input;
use super::schema::Schema;

/// Completion, colours, hints and validation for the REPL's editor.
pub struct ReplHelper {
    schema: Arc<Schema>,
    params: Vec<String>,
    commands: Vec<(&'static str, ArgKind)>,
    functions: Vec<&'static str>,
    files: FilenameCompleter,
    hinter: HistoryHinter,
    /// Set while the loop asks a yes-or-no question: the answer is a plain
    /// line, not a statement.
    asking: Arc<AtomicBool>,
    /// Whether to colour; without, only the continuation marker is drawn.
    colour: bool,
}

impl ReplHelper {
    /// A helper completing these commands and functions, colouring when
    /// `colour` is set; it stays quiet while `asking` is set.
    pub fn new(
        commands: Vec<(&'static str, ArgKind)>,
        functions: Vec<&'static str>,
        asking: Arc<AtomicBool>,
        colour: bool,
    ) -> Self {
        ReplHelper {
            colour,
            asking,
            schema: Arc::new(Schema::default()),
            params: Vec::new(),
            commands,
            functions,
            files: FilenameCompleter::new(),
            hinter: HistoryHinter::new(),
        }
    }

    /// Replaces the schema snapshot.
    pub fn set_schema(&mut self, schema: Arc<Schema>) {
        self.schema = schema;
    }

    /// Replaces the parameter names.
    pub fn set_params(&mut self, params: Vec<String>) {
        self.params = params;
    }
}

impl Completer for ReplHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        if self.asking.load(Ordering::SeqCst) {
            return Ok((pos, Vec::new()));
        }
        let sources = Sources {
            schema: &self.schema,
            commands: &self.commands,
            functions: &self.functions,
            params: &self.params,
        };
        match complete::complete(line, pos, &sources) {
            Completion::Path => self.files.complete(line, pos, ctx),
            Completion::Candidates(start, found) => Ok((
                start,
                found
                    .into_iter()
                    .map(|c| Pair {
                        display: c.display,
                        replacement: c.replacement,
                    })
                    .collect(),
            )),
        }
    }
}

impl Hinter for ReplHelper {
    type Hint = String;

    fn hint(&self, line: &str, pos: usize, ctx: &Context<'_>) -> Option<String> {
        if self.asking.load(Ordering::SeqCst) {
            return None;
        }
        // A hint that spans lines would be drawn below the prompt and
        // confuse more than help; only one-line hints are shown.
        self.hinter
            .hint(line, pos, ctx)
            .filter(|h| !h.contains('\n'))
    }
}

impl Highlighter for ReplHelper {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        if self.asking.load(Ordering::SeqCst) {
            return Cow::Borrowed(line);
        }
        if !self.colour {
            return Cow::Owned(highlight::plain(line));
        }
        Cow::Owned(highlight::highlight(line))
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if !self.colour {
            return Cow::Borrowed(hint);
        }
        Cow::Owned(format!("{DIM}{hint}{RESET}"))
    }

    fn highlight_char(&self, _line: &str, _pos: usize, _kind: CmdKind) -> bool {
        // Any character can open or close a string or a bracket and so
        // change the colours of the whole line.
        true
    }
}

impl Validator for ReplHelper {
    fn validate(&self, ctx: &mut ValidationContext<'_>) -> rustyline::Result<ValidationResult> {
        let answering = self.asking.load(Ordering::SeqCst);
        Ok(if answering || input::is_complete(ctx.input()) {
            ValidationResult::Valid(None)
        } else {
            ValidationResult::Incomplete
        })
    }
}

impl Helper for ReplHelper {}

/// Enter on an unfinished statement starts a continuation line indented
/// under the prompt (where the highlighter draws `...`); otherwise Enter
/// does what it always does.
pub struct ContinueLine {
    asking: Arc<AtomicBool>,
}

impl ContinueLine {
    /// The handler; it leaves Enter alone while `asking` is set.
    pub fn new(asking: Arc<AtomicBool>) -> Self {
        ContinueLine { asking }
    }
}

impl ConditionalEventHandler for ContinueLine {
    fn handle(
        &self,
        _evt: &Event,
        _n: RepeatCount,
        _positive: bool,
        ctx: &EventContext<'_>,
    ) -> Option<Cmd> {
        let line = ctx.line();
        let answering = self.asking.load(Ordering::SeqCst);
        (!answering && ctx.pos() == line.len() && !input::is_complete(line))
            .then(|| Cmd::Insert(1, format!("\n{CONTINUATION_INDENT}")))
    }
}
