//! Extraction: a pure function from a lexicon and a document to the facts
//! it states (mentions, coreference, relations, dates, amounts, modality).
//! It never touches the graph, files or the REPL, and it never fails on
//! bad prose: what it cannot read becomes a [`Diagnostic`] or nothing.
//!
//! [`ingest_paths`] is the convenience the CLI, the REPL and bare
//! `newsgraph` share: read, extract in parallel, merge in document order.

pub mod amount;
pub mod facts;
pub mod mention;
pub mod relation;
pub mod temporal;

use std::cell::Cell;
use std::path::PathBuf;
use std::time::Instant;

use rayon::prelude::*;

use crate::files::articles::{self, Article};
use crate::graph::{Graph, PartialDate};
use crate::lexicon::{Cue, EntryKind, GroupKind, Label, Lexicon, Modality};
use crate::span::Span;
use crate::text::{Document, Meta, Sentence, TokenKind};

pub use facts::Diagnostic;
pub use facts::{DocFacts, Entity, Relation};

use mention::{Entities, MentionKind, Role};
use relation::Context;

/// The words of a sentence as written and lower-cased: comparisons in the
/// extractor run once per token and must not allocate or re-slice the text.
/// One value serves every sentence of a document in turn.
#[derive(Debug, Default)]
pub struct Lowered<'t> {
    buf: String,
    /// Where each word's lower case lies in `buf`.
    bounds: Vec<(usize, usize)>,
    /// Each word as written.
    words: Vec<&'t str>,
}

impl<'t> Lowered<'t> {
    /// The words of `sent`, a sentence of `text`.
    pub fn of_sentence(text: &'t str, sent: &Sentence) -> Lowered<'t> {
        let mut lowered = Lowered::default();
        lowered.fill(text, sent);
        lowered
    }

    /// Room for the words of the longest of `sentences`, so that filling
    /// in one sentence after another does not grow the buffers step by step.
    pub fn reserve_for(&mut self, sentences: &[Sentence]) {
        let tokens = sentences.iter().map(|s| s.tokens.len()).max().unwrap_or(0);
        let bytes = sentences.iter().map(|s| s.span.range().len()).max();
        self.buf.reserve(bytes.unwrap_or(0));
        self.bounds.reserve(tokens);
        self.words.reserve(tokens);
    }

    /// Replaces the words with those of `sent`, a sentence of `text`: the
    /// sentence is lower-cased in one piece (ASCII), and a word with other
    /// characters gets its full lower case after it.
    pub fn fill(&mut self, text: &'t str, sent: &Sentence) {
        let base = sent.span.start as usize;
        self.buf.clear();
        self.buf.push_str(text.get(sent.span.range()).unwrap_or(""));
        self.buf.make_ascii_lowercase();
        self.words.clear();
        self.words.extend(
            sent.tokens
                .iter()
                .map(|t| text.get(t.span.range()).unwrap_or("")),
        );
        self.bounds.clear();
        let within = |t: &crate::text::Token| {
            (
                (t.span.start as usize).saturating_sub(base),
                (t.span.end as usize).saturating_sub(base),
            )
        };
        if self.buf.is_ascii() {
            self.bounds.extend(sent.tokens.iter().map(within));
            return;
        }
        for (t, &written) in sent.tokens.iter().zip(&self.words) {
            let (start, end) = within(t);
            // Lower-casing leaves other bytes where they are: the lowered
            // sentence tells whether the word is ASCII.
            let ascii = self
                .buf
                .as_bytes()
                .get(start..end)
                .is_some_and(|b| b.is_ascii());
            if ascii || written.is_ascii() {
                self.bounds.push((start, end));
            } else {
                let at = self.buf.len();
                self.buf.push_str(&written.to_lowercase());
                self.bounds.push((at, self.buf.len()));
            }
        }
    }

    /// Word `i`, lower-cased ("" past the end).
    pub fn get(&self, i: usize) -> &str {
        self.bounds
            .get(i)
            .and_then(|&(start, end)| self.buf.get(start..end))
            .unwrap_or("")
    }

    /// Word `i` as written ("" past the end).
    pub fn word(&self, i: usize) -> &'t str {
        self.words.get(i).copied().unwrap_or("")
    }
}

/// The type of the edges that tie a titled person to a state or body.
pub const OFFICIAL_OF: &str = "OFFICIAL_OF";

fn hits_in(hits: &[(usize, usize, usize)], span: Span) -> &[(usize, usize, usize)] {
    let a = hits.partition_point(|h| h.0 < span.start as usize);
    let b = hits.partition_point(|h| h.0 < span.end as usize);
    hits.get(a..b.max(a)).unwrap_or(&[])
}

/// Whether one date, written out, starts the other ("2011" and "2011-12").
fn compatible_dates(a: Option<PartialDate>, b: Option<PartialDate>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => {
            let four_digit = |d: PartialDate| (0..=9999).contains(&d.get_year());
            if four_digit(a) && four_digit(b) {
                // Fixed-width fields: a prefix of the text is a prefix of
                // the fields (a day is written only after a month).
                let agree = |x: Option<u8>, y: Option<u8>| x.is_none() || y.is_none() || x == y;
                let day = |d: PartialDate| d.get_month().and(d.get_day());
                a.get_year() == b.get_year()
                    && agree(a.get_month(), b.get_month())
                    && agree(day(a), day(b))
            } else {
                let (x, y) = (a.to_string(), b.to_string());
                x.starts_with(&y) || y.starts_with(&x)
            }
        }
        _ => true,
    }
}

thread_local! {
    /// The entity tables of the thread's last document, emptied: the next
    /// document fills them without allocating them anew.
    static SPARE_ENTITIES: Cell<Option<Entities>> = const { Cell::new(None) };
}

/// Reads the facts of one document.
///
/// # Example
/// ```
/// use newsgraph::{extract, lexicon::Lexicon, text::{Document, Meta}};
/// let lex = Lexicon::bundled();
/// let doc = Document::parse("d", "Chinese President Hu Jintao met with Japanese Prime Minister Yoshihiko Noda on Monday.".into(), &Meta::default(), &lex);
/// let (facts, _) = extract::extract(&lex, &doc);
/// assert!(facts.relations.iter().any(|r| r.ty == "MET"));
/// ```
pub fn extract(lex: &Lexicon, doc: &Document) -> (DocFacts, Vec<Diagnostic>) {
    let body = doc.text.get(doc.body_start..).unwrap_or("");
    let shift =
        |h: crate::lexicon::Hit| (h.start + doc.body_start, h.end + doc.body_start, h.pattern);
    let entity_hits: Vec<_> = lex.entity_hits(body).into_iter().map(shift).collect();
    let cue_hits: Vec<_> = lex.cue_hits(body).into_iter().map(shift).collect();
    let mut ents = SPARE_ENTITIES.take().unwrap_or_else(Entities::with_room);
    let mut diagnostics = Vec::new();

    // The dateline's place: "BEIJING" -> China.
    let dateline = doc.dateline.as_ref().and_then(|d| {
        let place: String = d
            .place
            .split(',')
            .map(|part| {
                part.split_whitespace()
                    .map(|w| {
                        let mut cs = w.chars();
                        match cs.next() {
                            Some(f) => f
                                .to_uppercase()
                                .chain(cs.flat_map(char::to_lowercase))
                                .collect::<String>(),
                            None => String::new(),
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect::<Vec<_>>()
            .join(", ");
        let hits = lex.entity_hits(&place);
        let entries: Vec<_> = hits.iter().flat_map(|h| lex.entries(h.pattern)).collect();
        let country = entries.iter().find_map(|e| match e.kind {
            EntryKind::Country => Some(e.canonical.clone()),
            EntryKind::Place => e.country.clone(),
            _ => None,
        })?;
        Some((country, d.agency.is_some() || d.date.is_some()))
    });
    let dateline_entity = dateline
        .as_ref()
        .map(|(c, _)| ents.named(Label::Country, c, None));

    let mut found: Vec<(usize, relation::Found)> = Vec::new();
    let mut ties = Vec::new();
    let mut scene: Option<PartialDate> = None;
    let mut topic: Option<usize> = None;
    let mut topic_paragraph: Option<u32> = None;
    let mut quoted = false;
    let mut paragraph = None;
    let mut last_agent: Option<usize> = None;
    let mut lowers = Lowered::default();
    lowers.reserve_for(&doc.sentences);
    let mut buffers = mention::SentenceBuffers::default();
    // The group and currency cues of a sentence, kept across sentences.
    let mut group_hits: Vec<(usize, usize, GroupKind)> = Vec::new();
    let mut currencies: Vec<(usize, usize)> = Vec::new();
    let mut dates = Vec::new();
    for (si, sent) in doc.sentences.iter().enumerate() {
        let e_hits = hits_in(&entity_hits, sent.span);
        let c_hits = hits_in(&cue_hits, sent.span);
        if paragraph != Some(sent.paragraph) {
            quoted = false;
            paragraph = Some(sent.paragraph);
        }
        group_hits.clear();
        group_hits.extend(c_hits.iter().filter_map(|&(s, e, p)| {
            lex.cues(p).iter().find_map(|c| match c {
                Cue::Group(g) => Some((s, e, *g)),
                _ => None,
            })
        }));
        currencies.clear();
        currencies.extend(
            c_hits
                .iter()
                .filter(|&&(_, _, p)| lex.cues(p).iter().any(|c| matches!(c, Cue::Currency(_))))
                .map(|&(s, e, _)| (s, e)),
        );
        // The sentence's words lower-cased once, for the readers below.
        lowers.fill(&doc.text, sent);
        let sm = mention::sentence_mentions(
            lex,
            &mut buffers,
            doc,
            si,
            sent,
            &lowers,
            &mut ents,
            e_hits,
            &group_hits,
            &currencies,
        );
        ties.extend(sm.ties);
        let reference = scene
            .filter(|d| d.get_day().is_some())
            .or(doc.reference_date())
            .or(scene);
        temporal::date_exprs_into(&doc.text, &sent.tokens, &lowers, reference, &mut dates);
        let ctx = Context {
            lex,
            doc,
            ents: &ents,
            topic,
            topic_paragraph,
            starts_quoted: quoted,
            last_agent,
            dateline: dateline_entity,
        };
        let resolved = relation::resolve(&ctx, si, sent, &lowers, &sm.mentions);
        let fallback = scene.or(doc.date);
        let rels = relation::relations(
            &ctx,
            si,
            sent,
            &lowers,
            &sm.mentions,
            &resolved,
            c_hits,
            &dates,
            fallback,
        );
        // The scene: a date line, a year or month, or a day that opens the sentence.
        let first_thing = sm
            .mentions
            .iter()
            .map(|m| m.ext_start)
            .chain(rels.iter().map(|r| r.trigger))
            .min()
            .unwrap_or(usize::MAX);
        let date_tokens: usize = dates.iter().map(|d| d.end - d.start).sum();
        let words = sent
            .tokens
            .iter()
            .filter(|t| t.kind == TokenKind::Word)
            .count();
        for d in &dates {
            let heading = sent.tokens.len() <= date_tokens + 8 && words <= 6 && rels.is_empty();
            let coarse = d.date.get_day().is_none() && d.absolute;
            if heading || coarse || d.end <= first_thing {
                scene = Some(d.date);
            }
        }
        for (mi, m) in sm.mentions.iter().enumerate() {
            let Some(&e) = resolved.get(mi).first() else {
                continue;
            };
            let label = ents.list.get(e).map(|x| x.label);
            if label == Some(Label::Person) && !matches!(m.kind, MentionKind::FirstPerson) {
                topic = Some(e);
                topic_paragraph = Some(sent.paragraph);
                break;
            }
        }
        if let Some(m) = sm.mentions.iter().enumerate().find(|(mi, m)| {
            m.role == Role::Normal
                && resolved.get(*mi).first().is_some_and(|&e| {
                    matches!(
                        ents.list.get(e).map(|x| x.label),
                        Some(Label::Person | Label::Country)
                    )
                })
        }) {
            last_agent = resolved.get(m.0).first().copied();
        }
        found.extend(rels.into_iter().map(|r| (si, r)));
        buffers.recycle(sm.mentions);
        // Quotation marks are one-character punctuation tokens.
        for (i, t) in sent.tokens.iter().enumerate() {
            if t.kind != TokenKind::Punct {
                continue;
            }
            match lowers.word(i) {
                "“" => quoted = true,
                "”" => quoted = false,
                "\"" => quoted = !quoted,
                _ => {}
            }
        }
    }

    let mut relations: Vec<Relation> = Vec::new();
    let sentence_of = |si: usize| doc.sentences.get(si).map(|s| s.span).unwrap_or_default();
    // Titles first: they come from the names themselves.
    let mut tied: Vec<(usize, usize)> = Vec::new();
    for t in &ties {
        if tied.contains(&(t.person, t.target)) {
            continue;
        }
        tied.push((t.person, t.target));
        let span = sentence_of(t.sentence);
        relations.push(Relation {
            ty: OFFICIAL_OF.to_string(),
            subject: t.person,
            object: t.target,
            symmetric: false,
            sentence: span,
            sentence_text: doc.slice(span).to_string(),
            date: None,
            modality: Modality::Asserted,
            amount: None,
            currency: None,
            title: Some(t.title.clone()).filter(|t| !t.is_empty()),
        });
    }
    let mut untied: Vec<_> = ents.untied.iter().map(|(p, v)| (*p, v.clone())).collect();
    untied.sort_by_key(|(p, _)| *p);
    for (person, (title, si, default)) in untied {
        if tied.iter().any(|(p, _)| *p == person) {
            continue;
        }
        // A wire story's own officials belong to the dateline's country.
        let wire = dateline
            .as_ref()
            .filter(|(_, wire)| *wire)
            .and(dateline_entity);
        let Some(target) = default.or(wire) else {
            continue;
        };
        tied.push((person, target));
        let span = sentence_of(si);
        relations.push(Relation {
            ty: OFFICIAL_OF.to_string(),
            subject: person,
            object: target,
            symmetric: false,
            sentence: span,
            sentence_text: doc.slice(span).to_string(),
            date: None,
            modality: Modality::Asserted,
            amount: None,
            currency: None,
            title: Some(title),
        });
    }
    let mut sentence_amount: Option<(usize, Option<(i64, String)>)> = None;
    for (si, f) in found {
        let Some(rel) = lex.relations().get(f.relation) else {
            continue;
        };
        let (mut s, mut o) = (f.subject, f.object);
        if rel.symmetric && o < s {
            std::mem::swap(&mut s, &mut o);
        }
        let span = sentence_of(si);
        let (amount, currency) = if rel.symmetric || rel.name == "TRADED_WITH" {
            // Relations come in sentence order: a sentence's amount is read once.
            if sentence_amount.as_ref().is_none_or(|(at, _)| *at != si) {
                let sentence_cues = hits_in(&cue_hits, span);
                let first = amount::amounts(&doc.text, span, sentence_cues, lex)
                    .into_iter()
                    .next();
                sentence_amount = Some((si, first.map(|a| (a.value, a.currency))));
            }
            match sentence_amount.as_ref().and_then(|(_, a)| a.clone()) {
                Some((value, currency)) => (Some(value), Some(currency)),
                None => (None, None),
            }
        } else {
            (None, None)
        };
        let amount = amount.filter(|_| rel.subject.contains(&Label::Country));
        let currency = currency.filter(|_| amount.is_some());
        // One fact per pair and event: the same relation again with a
        // compatible date adds nothing.
        let country_of = |e: usize| {
            ents.list
                .get(e)
                .filter(|x| x.label == Label::Place)
                .and_then(|x| x.country.as_deref())
        };
        let dup = relations.iter_mut().find(|r| {
            r.ty == rel.name
                && r.modality == f.modality
                && compatible_dates(r.date, f.date)
                && r.subject == s
                && (r.object == o
                    || (rel.name == "VISITED"
                        && (country_of(o) == ents.list.get(r.object).map(|x| x.name.as_str())
                            || country_of(r.object) == ents.list.get(o).map(|x| x.name.as_str()))))
        });
        if let Some(r) = dup {
            if r.amount.is_none() && amount.is_some() {
                r.amount = amount;
                r.currency = currency;
            }
            if r.date.is_none() {
                r.date = f.date;
            }
            continue;
        }
        relations.push(Relation {
            ty: rel.name.clone(),
            subject: s,
            object: o,
            symmetric: rel.symmetric,
            sentence: span,
            sentence_text: doc.slice(span).to_string(),
            date: f.date,
            modality: f.modality,
            amount,
            currency,
            title: None,
        });
    }
    if doc.sentences.is_empty() && !doc.text.trim().is_empty() {
        diagnostics.push(Diagnostic {
            span: Span::new(0, doc.text.len()),
            message: "no sentences found".to_string(),
        });
    }
    let entities = std::mem::take(&mut ents.list);
    ents.clear();
    SPARE_ENTITIES.set(Some(ents));
    (
        DocFacts {
            doc: doc.id.clone(),
            sentences: doc.sentences.len(),
            entities,
            relations,
        },
        diagnostics,
    )
}

/// What an ingest did: counts and what went wrong along the way.
#[derive(Debug, Clone, Default)]
pub struct IngestReport {
    /// Articles read.
    pub articles: usize,
    /// Sentences read.
    pub sentences: usize,
    /// Nodes in the graph afterwards.
    pub nodes: usize,
    /// Edges in the graph afterwards, by type.
    pub edges_by_type: Vec<(String, usize)>,
    /// Seconds spent.
    pub seconds: f64,
    /// Warnings (skipped files and lines, lossy decoding).
    pub warnings: Vec<String>,
    /// Errors (unreadable paths); the rest was still ingested.
    pub errors: Vec<String>,
}

/// Extracts every article in parallel (output does not depend on the
/// thread count).
pub fn extract_all(lex: &Lexicon, articles: &[Article], threads: Option<usize>) -> Vec<DocFacts> {
    extract_all_with(lex, articles, threads, &|| {})
}

/// [`extract_all`], calling `done` after each article (for a progress bar).
pub fn extract_all_with(
    lex: &Lexicon,
    articles: &[Article],
    threads: Option<usize>,
    done: &(dyn Fn() + Sync),
) -> Vec<DocFacts> {
    let work = || {
        articles
            .par_iter()
            .map(|a| {
                let doc = Document::parse(&a.id, a.text.clone(), &a.meta, lex);
                let facts = extract(lex, &doc).0;
                done();
                facts
            })
            .collect::<Vec<_>>()
    };
    match threads.and_then(|t| rayon::ThreadPoolBuilder::new().num_threads(t).build().ok()) {
        Some(pool) => pool.install(work),
        None => work(),
    }
}

/// Reads `paths`, extracts their articles in parallel and merges them into
/// `graph` in document order.
pub fn ingest_paths(
    graph: &mut Graph,
    paths: &[PathBuf],
    lexicon: &Lexicon,
    threads: Option<usize>,
) -> IngestReport {
    let started = Instant::now();
    let (articles, warnings, errors) = articles::read_paths(paths);
    let mut report = ingest_articles(graph, &articles, lexicon, threads);
    report.warnings = warnings.iter().map(ToString::to_string).collect();
    report.errors = errors.iter().map(ToString::to_string).collect();
    report.seconds = started.elapsed().as_secs_f64();
    report
}

/// Extracts and merges articles already read.
pub fn ingest_articles(
    graph: &mut Graph,
    articles: &[Article],
    lexicon: &Lexicon,
    threads: Option<usize>,
) -> IngestReport {
    let started = Instant::now();
    let facts = extract_all(lexicon, articles, threads);
    crate::graph::merge::merge(graph, &facts);
    IngestReport {
        articles: articles.len(),
        sentences: facts.iter().map(|f| f.sentences).sum(),
        nodes: graph.node_count(),
        edges_by_type: graph
            .edge_types()
            .map(|(t, n)| (t.to_string(), n))
            .collect(),
        seconds: started.elapsed().as_secs_f64(),
        warnings: Vec::new(),
        errors: Vec::new(),
    }
}

/// Parses and extracts one text: a convenience for tests and the REPL.
pub fn extract_text(lex: &Lexicon, id: &str, text: &str) -> DocFacts {
    let doc = Document::parse(id, text.to_string(), &Meta::default(), lex);
    extract(lex, &doc).0
}
