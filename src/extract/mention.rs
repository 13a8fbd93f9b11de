//! Mentions of persons, countries, organisations and places in one
//! sentence, and their resolution to the document's entities
//! (coreference within a document: surnames, title + surname, titles
//! alone, nationality words, "the Japanese people").
//!
//! Persons are found by cues, never by capitalisation alone: a title or an
//! honorific before the name, a title in apposition after it, a name the
//! document already gave, coordination with a cued name, or a speaker line.

use std::borrow::{Borrow, Cow};
use std::collections::HashMap;

use crate::hash::FastBuild;
use crate::lexicon::{Entry, EntryKind, Gender, GroupKind, Label, Lexicon};
use crate::span::Span;
use crate::text::{Document, Sentence, TokenKind};

use super::facts::Entity;

/// What a mention refers to.
#[derive(Debug, Clone, PartialEq)]
pub enum MentionKind {
    /// A named (or title-resolved) entity.
    Entity(usize),
    /// he, him, his, she, her.
    Pronoun {
        /// she/her.
        female: bool,
        /// him, or her used as an object.
        object: bool,
    },
    /// I, we, my, our, us: the speaker of a quote.
    FirstPerson,
    /// "the two leaders", "both nations".
    Pair(GroupKind),
}

/// How an entity mention is used in its sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A relation end like any other.
    Normal,
    /// A nationality adjective ("Chinese exports"): context, not an end.
    Adjective,
    /// Part of a person's title ("Chinese President"): consumed.
    Tie,
    /// After "in"/"at" ("in Hanoi, Vietnam"): where, not who.
    Locative,
}

/// A mention in a sentence, by token indices.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    /// First token of the name.
    pub start: usize,
    /// One past its last token.
    pub end: usize,
    /// First token including titles before it.
    pub ext_start: usize,
    /// One past the last token including apposition after it.
    pub ext_end: usize,
    /// What it refers to.
    pub kind: MentionKind,
    /// How it is used.
    pub role: Role,
    /// Written with a possessive "'s".
    pub possessive: bool,
    /// The label of an entity mention.
    pub label: Option<Label>,
}

/// A title tie found in a sentence: person, country or organisation, title.
#[derive(Debug, Clone)]
pub struct Tie {
    /// The person entity.
    pub person: usize,
    /// The country or organisation entity.
    pub target: usize,
    /// The title.
    pub title: String,
    /// The sentence index.
    pub sentence: usize,
}

/// The document's entities as they are found, and the indexes that
/// resolve later mentions to them.
#[derive(Debug, Default)]
pub struct Entities {
    /// The entities, in order of first mention.
    pub list: Vec<Entity>,
    /// Name -> entity, one table per label (indexed by `Label as usize`).
    by_name: [HashMap<String, usize, FastBuild>; 4],
    /// Lower-cased name tokens of each person entity.
    person_tokens: HashMap<usize, Vec<String>, FastBuild>,
    /// Person entity -> gender, when known.
    pub gender: HashMap<usize, Gender, FastBuild>,
    /// Person entity -> the country or organisation its title ties it to.
    pub tie_of: HashMap<usize, usize, FastBuild>,
    /// Person entity -> a title with no tie yet, and where it was read.
    pub untied: HashMap<usize, (String, usize, Option<usize>), FastBuild>,
    /// Mention order: (sentence, token, entity, locative).
    pub recency: Vec<(usize, usize, usize, bool)>,
}

/// `str::trim`, without decoding a character when both ends are ASCII and
/// no space (the usual case).
fn trim(s: &str) -> &str {
    let plain = |b: Option<&u8>| b.is_some_and(|&b| b.is_ascii() && !char::from(b).is_whitespace());
    if plain(s.as_bytes().first()) && plain(s.as_bytes().last()) {
        s
    } else {
        s.trim()
    }
}

/// Whether `written`, a token as written, lower-cases to `stored`, a
/// lower-cased token (ASCII needs no new string).
fn lowers_to(written: &str, stored: &str) -> bool {
    if written.is_ascii() {
        // `stored` has no ASCII capitals: ignoring ASCII case is lower-casing.
        stored.eq_ignore_ascii_case(written)
    } else {
        stored == written.to_lowercase()
    }
}

impl Entities {
    /// No entities yet, with room in the tables every news article fills
    /// (countries and persons), so that they do not grow step by step.
    pub fn with_room() -> Entities {
        fn table<K, V>() -> HashMap<K, V, FastBuild> {
            HashMap::with_capacity_and_hasher(8, FastBuild::default())
        }
        let mut ents = Entities {
            person_tokens: table(),
            gender: table(),
            tie_of: table(),
            ..Entities::default()
        };
        for label in [Label::Person, Label::Country] {
            ents.by_name[label as usize] = table();
        }
        ents
    }

    /// Forgets every entity, keeping the tables' room for the next document.
    pub fn clear(&mut self) {
        // A document with very many entities does not leave its room to
        // every later one.
        const KEPT_ROOM: usize = 1024;
        self.list.clear();
        for table in &mut self.by_name {
            table.clear();
            table.shrink_to(KEPT_ROOM);
        }
        self.person_tokens.clear();
        self.person_tokens.shrink_to(KEPT_ROOM);
        self.gender.clear();
        self.gender.shrink_to(KEPT_ROOM);
        self.tie_of.clear();
        self.tie_of.shrink_to(KEPT_ROOM);
        self.untied.clear();
        self.untied.shrink_to(KEPT_ROOM);
        self.recency.clear();
        self.recency.shrink_to(KEPT_ROOM);
    }

    /// The entity of a country, organisation or place, made when new.
    pub fn named(&mut self, label: Label, name: &str, country: Option<&str>) -> usize {
        if let Some(&i) = self.by_name[label as usize].get(name) {
            return i;
        }
        self.list.push(Entity {
            label,
            name: name.to_string(),
            aliases: Vec::new(),
            title: None,
            mentions: Vec::new(),
            country: country.map(str::to_string),
        });
        let i = self.list.len() - 1;
        self.by_name[label as usize].insert(name.to_string(), i);
        i
    }

    fn note(&mut self, entity: usize, surface: &str, span: Span) {
        if let Some(e) = self.list.get_mut(entity) {
            let s = trim(surface);
            if !s.is_empty()
                && !s.eq_ignore_ascii_case(&e.name)
                && !e.aliases.iter().any(|a| a.eq_ignore_ascii_case(s))
            {
                e.aliases.push(s.to_string());
            }
            if !e.mentions.contains(&span) {
                e.mentions.push(span);
            }
        }
    }

    /// The person entity a name (its tokens as written) refers to: an
    /// earlier person sharing its tokens, or a new one.
    fn person<S: Borrow<str>>(&mut self, tokens: &[S]) -> usize {
        let written = |i: usize| tokens.get(i).map_or("", |t| t.borrow());
        // Whether all of `tokens` are among `toks`, and one token or the
        // same first and last tokens; and the same the other way round.
        let ends_agree = |toks: &[String]| {
            toks.first().is_some_and(|x| lowers_to(written(0), x))
                && toks
                    .last()
                    .is_some_and(|x| lowers_to(written(tokens.len().saturating_sub(1)), x))
        };
        let written_in = |toks: &[String]| {
            !tokens.is_empty()
                && tokens
                    .iter()
                    .all(|t| toks.iter().any(|x| lowers_to(t.borrow(), x)))
                && (tokens.len() == 1 || ends_agree(toks))
        };
        let known_in = |toks: &[String]| {
            !toks.is_empty()
                && toks
                    .iter()
                    .all(|x| tokens.iter().any(|t| lowers_to(t.borrow(), x)))
                && (toks.len() == 1 || ends_agree(toks))
        };
        let mut best: Option<usize> = None;
        for (&e, toks) in &self.person_tokens {
            let same = toks.len() == tokens.len()
                && toks
                    .iter()
                    .zip(tokens)
                    .all(|(x, t)| lowers_to(t.borrow(), x));
            if same || written_in(toks) || known_in(toks) {
                // The most recently mentioned candidate wins.
                let last = |x: usize| {
                    self.recency
                        .iter()
                        .rposition(|r| r.2 == x)
                        .map_or(0, |p| p + 1)
                };
                if best.is_none_or(|b| last(e) > last(b) || same) {
                    best = Some(e);
                    if same {
                        break;
                    }
                }
            }
        }
        let lower = || -> Vec<String> {
            tokens
                .iter()
                .map(|t| {
                    let t: &str = t.borrow();
                    // The same as `to_lowercase` on ASCII, without its Unicode tables.
                    if t.is_ascii() {
                        t.to_ascii_lowercase()
                    } else {
                        t.to_lowercase()
                    }
                })
                .collect()
        };
        let joined = || tokens.join(" ");
        match best {
            Some(e) => {
                let known_len = self.person_tokens.get(&e).map_or(0, Vec::len);
                if tokens.len() > known_len {
                    // A fuller form: it becomes the canonical name.
                    let name = joined();
                    let old = std::mem::replace(&mut self.list[e].name, name.clone());
                    self.person_tokens.insert(e, lower());
                    if !self.list[e].aliases.contains(&old) {
                        self.list[e].aliases.push(old);
                    }
                    self.list[e].aliases.retain(|a| a != &name);
                    self.by_name[Label::Person as usize].insert(name, e);
                }
                e
            }
            None => {
                let name = joined();
                self.list.push(Entity {
                    label: Label::Person,
                    name: name.clone(),
                    aliases: Vec::new(),
                    title: None,
                    mentions: Vec::new(),
                    country: None,
                });
                let e = self.list.len() - 1;
                self.person_tokens.insert(e, lower());
                self.by_name[Label::Person as usize].insert(name, e);
                e
            }
        }
    }

    /// Whether a name token, as written, belongs to a known person.
    fn known_token(&self, token: &str) -> bool {
        if !token.is_ascii() {
            let lower = name_case(token).to_lowercase();
            return self
                .person_tokens
                .values()
                .any(|toks| toks.contains(&lower));
        }
        // The stored tokens are lower-cased: an ASCII one equals the
        // token's lower case exactly when it equals the token ignoring case.
        self.person_tokens
            .values()
            .any(|toks| toks.iter().any(|t| t.eq_ignore_ascii_case(token)))
    }

    /// The most recent person whose title is `title` (ignoring case).
    fn by_title(&self, title: &str, tie: Option<usize>) -> Option<usize> {
        self.recency.iter().rev().map(|r| r.2).find(|&e| {
            self.list.get(e).is_some_and(|ent| {
                ent.label == Label::Person
                    && ent
                        .title
                        .as_deref()
                        .is_some_and(|t| t.eq_ignore_ascii_case(title) || tie.is_some())
                    && tie.is_none_or(|c| self.tie_of.get(&e) == Some(&c))
            })
        })
    }
}

/// A gazetteer item over tokens of a sentence.
#[derive(Debug, Clone)]
struct Gaz<'l> {
    start: usize,
    end: usize,
    entry: &'l Entry,
}

fn priority(kind: &EntryKind) -> u8 {
    match kind {
        EntryKind::Country => 0,
        EntryKind::Demonym => 1,
        EntryKind::Organization => 2,
        EntryKind::Place => 3,
        EntryKind::Title => 4,
        EntryKind::Honorific => 5,
        EntryKind::Modifier => 6,
        EntryKind::Portfolio => 7,
        EntryKind::Head => 8,
        EntryKind::Region => 9,
    }
}

/// Verbs whose subject a bare full name may be.
const SPEECH_VERBS: [&str; 16] = [
    "said",
    "says",
    "told",
    "added",
    "stated",
    "noted",
    "met",
    "visited",
    "held",
    "expressed",
    "sent",
    "arrived",
    "announced",
    "received",
    "welcomed",
    "offered",
];
const PARTICLES: [&str; 10] = [
    "von", "der", "de", "van", "bin", "al", "da", "di", "la", "le",
];
const CONNECTORS: [&str; 5] = ["of", "for", "to", "the", "and"];

/// Marks tokens `a..b` as used by a mention.
fn mark(consumed: &mut [bool], a: usize, b: usize) {
    for c in consumed.iter_mut().take(b).skip(a) {
        *c = true;
    }
}

/// Strips a possessive ending: "Japan's" -> ("Japan", true); "Mattis'" too.
pub fn strip_possessive(w: &str) -> (&str, bool) {
    for suffix in ["'s", "’s"] {
        if let Some(s) = w.strip_suffix(suffix) {
            return (s, true);
        }
    }
    if let Some(s) = w.strip_suffix('\'').or_else(|| w.strip_suffix('’'))
        && s.ends_with('s')
    {
        return (s, true);
    }
    (w, false)
}

/// "KISHIDA" -> "Kishida"; initials and mixed case stay.
fn name_case(w: &str) -> Cow<'_, str> {
    // Cheapest test first: most names have a lower-case letter.
    if w.chars().all(|c| !c.is_lowercase())
        && !w.contains('.')
        && w.chars().filter(|c| c.is_alphabetic()).count() > 1
    {
        let mut out = String::new();
        for (i, c) in w.chars().enumerate() {
            if i == 0 {
                out.push(c);
            } else {
                out.extend(c.to_lowercase());
            }
        }
        Cow::Owned(out)
    } else {
        Cow::Borrowed(w)
    }
}

/// Per-sentence tables of [`sentence_mentions`], kept across the sentences
/// of a document so that each sentence does not allocate them anew.
#[derive(Debug, Default)]
pub struct SentenceBuffers<'l> {
    /// Gazetteer items over tokens.
    gaz: Vec<Gaz<'l>>,
    /// The gazetteer item each token belongs to.
    at: Vec<Option<usize>>,
    /// Whether each token is a capitalised word.
    capitalised: Vec<bool>,
    /// Whether each token is used by a mention.
    consumed: Vec<bool>,
    /// The mentions of the sentence before, given back for their room.
    mentions: Vec<Mention>,
}

impl SentenceBuffers<'_> {
    /// Takes back a sentence's mentions once they are read, so that the
    /// next sentence's go into the same room.
    pub fn recycle(&mut self, mentions: Vec<Mention>) {
        self.mentions = mentions;
    }
}

/// The mentions of one sentence and the title ties it states.
pub struct SentenceMentions {
    /// Mentions in token order.
    pub mentions: Vec<Mention>,
    /// Title ties.
    pub ties: Vec<Tie>,
}

/// Reads the mentions of sentence `si` of `doc`, adding entities; matches
/// inside `skip` (money: "U.S. dollars") are not mentions. `lowers` holds
/// the sentence's words lower-cased; `buffers` are tables kept from the
/// sentence before.
#[allow(clippy::too_many_arguments)]
pub fn sentence_mentions<'l>(
    lex: &'l Lexicon,
    buffers: &mut SentenceBuffers<'l>,
    doc: &Document,
    si: usize,
    sent: &Sentence,
    lowers: &crate::extract::Lowered,
    ents: &mut Entities,
    entity_hits: &[(usize, usize, usize)],
    group_hits: &[(usize, usize, GroupKind)],
    skip: &[(usize, usize)],
) -> SentenceMentions {
    let toks = &sent.tokens;
    let n = toks.len();
    let word = |i: usize| lowers.word(i);
    let lower = |i: usize| lowers.get(i);
    let tok_of_start = |b: usize| {
        let i = toks.partition_point(|t| t.span.end as usize <= b);
        (i < toks.len()).then_some(i)
    };
    let tok_of_end = |b: usize| {
        toks.partition_point(|t| (t.span.start as usize) < b)
            .checked_sub(1)
    };

    let SentenceBuffers {
        gaz,
        at,
        capitalised,
        consumed,
        mentions: spare_mentions,
    } = buffers;
    // Gazetteer items over tokens.
    gaz.clear();
    for &(s, e, p) in entity_hits {
        // "U.S. dollars" is money, not the country.
        if skip.iter().any(|&(a, b)| s >= a && e <= b) {
            continue;
        }
        let (Some(ts), Some(te)) = (tok_of_start(s), tok_of_end(e)) else {
            continue;
        };
        if te < ts {
            continue;
        }
        let Some(entry) = lex.entries(p).iter().min_by_key(|en| priority(&en.kind)) else {
            continue;
        };
        // A match must start where its first token starts.
        if toks[ts].span.start as usize != s {
            continue;
        }
        gaz.push(Gaz {
            start: ts,
            end: te + 1,
            entry,
        });
    }
    at.clear();
    at.resize(n, None);
    for (gi, g) in gaz.iter().enumerate() {
        for slot in at.iter_mut().take(g.end).skip(g.start) {
            *slot = Some(gi);
        }
    }
    let (gaz, at): (&[Gaz], &[Option<usize>]) = (gaz, at);
    let kind_at = |i: usize| at.get(i).copied().flatten().map(|g| &gaz[g].entry.kind);
    // Capitalised words, looked at once: the readers below ask many times.
    capitalised.clear();
    capitalised.extend(toks.iter().map(|t| {
        t.kind == TokenKind::Word
            && match doc.text.as_bytes().get(t.span.start as usize) {
                // An ASCII first letter needs no decoding.
                Some(b) if b.is_ascii() => b.is_ascii_uppercase(),
                _ => doc.slice(t.span).starts_with(char::is_uppercase),
            }
    }));
    let capitalised: &[bool] = capitalised;
    let is_cap = |i: usize| capitalised.get(i).copied().unwrap_or(false);
    let blocks_name = |i: usize| {
        matches!(
            kind_at(i),
            Some(
                EntryKind::Country
                    | EntryKind::Demonym
                    | EntryKind::Place
                    | EntryKind::Organization
                    | EntryKind::Title
                    | EntryKind::Honorific
            )
        )
    };
    let name_tok =
        |i: usize| is_cap(i) && !blocks_name(i) && !lex.is_nonname(strip_possessive(word(i)).0);
    let adjacent = |a: usize, b: usize| {
        // Token b follows a with only spaces between.
        match (toks.get(a), toks.get(b)) {
            (Some(x), Some(y)) => doc
                .text
                .get(x.span.end as usize..y.span.start as usize)
                .is_some_and(|g| g.chars().all(|c| c == ' ' || c == '\n')),
            _ => false,
        }
    };

    // Organisations from head words: "Japanese Embassy", "National
    // Development and Reform Commission", "Prime Minister's Office",
    // "Ministry of Planning and Economic Affairs".
    let mut orgs: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < n {
        if matches!(kind_at(i), Some(EntryKind::Head | EntryKind::Region)) && is_cap(i) {
            let mut s = i;
            while s > 0 {
                let p = s - 1;
                let ok_word = is_cap(p)
                    && !matches!(kind_at(p), Some(EntryKind::Honorific))
                    && !lex.is_nonname(word(p));
                let and_inside = lower(p) == "and" && p > 0 && is_cap(p - 1) && s < i;
                if (ok_word || and_inside) && adjacent(p, s) {
                    s = p;
                } else {
                    break;
                }
            }
            let mut e = i + 1;
            if lower(e) == "of" {
                let mut k = e + 1;
                if lower(k) == "the" {
                    k += 1;
                }
                let mut last = None;
                while k < n && (is_cap(k) || (lower(k) == "and" && is_cap(k + 1))) {
                    if is_cap(k) {
                        last = Some(k);
                    }
                    k += 1;
                }
                if let Some(l) = last {
                    e = l + 1;
                }
            }
            // Only a multi-word name, or a nationality + head, is an organisation.
            if e - s >= 2 && !(s == i && e == i + 1) {
                orgs.push((s, e));
            }
            i = e.max(i + 1);
            continue;
        }
        i += 1;
    }
    let in_org = |i: usize| orgs.iter().any(|&(s, e)| i >= s && i < e);
    let is_region = |(_, e): (usize, usize)| kind_at(e - 1) == Some(&EntryKind::Region);

    let mut mentions = std::mem::take(spare_mentions);
    mentions.clear();
    mentions.reserve(gaz.len() + 8);
    let mut ties: Vec<Tie> = Vec::new();
    consumed.clear();
    consumed.resize(n, false);

    // Side context: "participants from the Chinese side".
    let mut sides: Vec<(usize, usize)> = Vec::new();
    for g in gaz {
        if matches!(g.entry.kind, EntryKind::Demonym | EntryKind::Country) && lower(g.end) == "side"
        {
            let c = ents.named(Label::Country, &g.entry.canonical, None);
            sides.push((g.start, c));
        }
    }

    // Chains of title words left of token `s`: (chain start, has title).
    let chain_left = |s: usize| -> (usize, bool) {
        let mut j = s;
        let mut has_title = false;
        while j > 0 {
            let k = j - 1;
            if let Some(gi) = at[k] {
                let g = &gaz[gi];
                let ok = matches!(
                    g.entry.kind,
                    EntryKind::Title
                        | EntryKind::Honorific
                        | EntryKind::Modifier
                        | EntryKind::Portfolio
                        | EntryKind::Head
                        | EntryKind::Region
                        | EntryKind::Country
                        | EntryKind::Demonym
                        | EntryKind::Organization
                        | EntryKind::Place
                );
                let possessive_break = strip_possessive(word(g.end - 1)).1
                    && !matches!(
                        g.entry.kind,
                        EntryKind::Country | EntryKind::Organization | EntryKind::Demonym
                    );
                if !ok || possessive_break {
                    break;
                }
                if matches!(g.entry.kind, EntryKind::Title | EntryKind::Honorific) {
                    has_title = true;
                }
                j = g.start;
                continue;
            }
            let w = lower(k);
            let portfolio_before = k > 0 && kind_at(k - 1) == Some(&EntryKind::Portfolio);
            let gaz_near = (k > 0 && at[k - 1].is_some())
                || (k > 1 && at[k - 2].is_some() && CONNECTORS.contains(&lower(k - 1)));
            if w == "and" {
                if portfolio_before {
                    j = k;
                    continue;
                }
            } else if CONNECTORS.contains(&w) && gaz_near {
                j = k;
                continue;
            }
            if w == "," && portfolio_before {
                j = k;
                continue;
            }
            if in_org(k)
                || (is_cap(k) && matches!(kind_at(j), Some(EntryKind::Head | EntryKind::Region)))
            {
                j = k;
                continue;
            }
            break;
        }
        while j < s && (CONNECTORS.contains(&lower(j)) || word(j) == ",") {
            j += 1;
        }
        (j, has_title)
    };

    // Chains right of token `e` (apposition): (chain end, has title).
    let chain_right = |e: usize| -> (usize, bool) {
        let mut j = e;
        let mut has_title = false;
        while j < n {
            if let Some(gi) = at[j] {
                let g = &gaz[gi];
                if !matches!(
                    g.entry.kind,
                    EntryKind::Title
                        | EntryKind::Modifier
                        | EntryKind::Portfolio
                        | EntryKind::Head
                        | EntryKind::Country
                        | EntryKind::Demonym
                        | EntryKind::Organization
                        | EntryKind::Place
                ) {
                    break;
                }
                if g.entry.kind == EntryKind::Title {
                    has_title = true;
                }
                j = g.end;
                continue;
            }
            let w = lower(j);
            let next_gaz = at.get(j + 1).copied().flatten().is_some()
                || (lower(j + 1) == "the"
                    && (at.get(j + 2).copied().flatten().is_some() || in_org(j + 2)));
            if (CONNECTORS.contains(&w) && w != "and" && next_gaz)
                || (w == "the" && is_cap(j + 1))
                || (w == "," && kind_at(j + 1) == Some(&EntryKind::Portfolio))
                || (w == "and" && kind_at(j + 1) == Some(&EntryKind::Portfolio))
            {
                j += 1;
                continue;
            }
            if in_org(j) {
                j += 1;
                continue;
            }
            if w == "of" || w == "for" || w == "to" {
                // "of the National Development and Reform Commission"
                if in_org(j + 1) || (lower(j + 1) == "the" && in_org(j + 2)) {
                    j += 1;
                    continue;
                }
            }
            break;
        }
        (j, has_title)
    };

    // The tie and title of a chain [a, b).
    let read_chain = |a: usize, b: usize, ents: &mut Entities| -> (Option<usize>, Option<String>) {
        let mut country = None;
        let mut org = None;
        let mut k = a;
        let mut segments: Vec<(usize, usize, bool)> = Vec::new();
        let mut seg: Option<(usize, usize, bool)> = None;
        while k < b {
            let prev = if k > a { lower(k - 1) } else { "" };
            let prev2 = if k > a + 1 { lower(k - 2) } else { "" };
            // "Ambassador to (the) X", "Minister for X": not X's official.
            let blocked = prev == "to"
                || prev == "for"
                || (prev == "the" && (prev2 == "to" || prev2 == "for"));
            if let Some(gi) = at[k] {
                let g = &gaz[gi];
                match g.entry.kind {
                    EntryKind::Country | EntryKind::Demonym if !blocked && country.is_none() => {
                        country = Some(ents.named(Label::Country, &g.entry.canonical, None));
                    }
                    EntryKind::Organization if !blocked && org.is_none() => {
                        org = Some(ents.named(
                            Label::Organization,
                            &g.entry.canonical,
                            g.entry.country.as_deref(),
                        ));
                    }
                    _ => {}
                }
                let titled = matches!(
                    g.entry.kind,
                    EntryKind::Title | EntryKind::Modifier | EntryKind::Portfolio
                );
                if titled {
                    let is_title = g.entry.kind == EntryKind::Title;
                    seg = Some(match seg {
                        Some((s, _, t)) => (s, g.end, t || is_title),
                        None => (g.start, g.end, is_title),
                    });
                } else if let Some(sg) = seg.take() {
                    segments.push(sg);
                }
                k = g.end;
                continue;
            }
            if in_org(k)
                && !blocked
                && let Some(&(s, e)) = orgs.iter().find(|&&(s, e)| k >= s && k < e)
            {
                if org.is_none() && !is_region((s, e)) {
                    let name = doc
                        .text
                        .get(toks[s].span.start as usize..toks[e - 1].span.end as usize)
                        .unwrap_or("")
                        .to_string();
                    org = Some(ents.named(Label::Organization, &name, None));
                }
                if let Some(sg) = seg.take() {
                    segments.push(sg);
                }
                k = e;
                continue;
            }
            let w = lower(k);
            if !(["of", "and", ","].contains(&w) && seg.is_some())
                && let Some(sg) = seg.take()
            {
                segments.push(sg);
            }
            k += 1;
        }
        if let Some(sg) = seg.take() {
            segments.push(sg);
        }
        let title = segments.iter().find(|s| s.2).map(|&(s, e, _)| {
            let mut e = e;
            while e > s && ["of", "and", ",", "the"].contains(&lower(e - 1)) {
                e -= 1;
            }
            // Words joined by spaces, but none before a comma.
            let mut title = String::new();
            for k in s..e {
                let w = word(k);
                if k > s && !w.starts_with(',') {
                    title.push(' ');
                }
                title.push_str(w);
            }
            title
        });
        (country.or(org), title)
    };

    // Person names.
    let mut i = 0;
    while i < n {
        if !name_tok(i) || consumed[i] || in_org(i) {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        // Inside a name, a capitalised word that would not start one
        // ("Theresa May", "Nguyen Van An") still belongs to it.
        let inner_tok = |k: usize| is_cap(k) && !blocks_name(k) && !in_org(k);
        let glued = |a: usize, b: usize| {
            toks.get(a)
                .zip(toks.get(b))
                .is_some_and(|(x, y)| x.span.end == y.span.start)
        };
        while j < n && (adjacent(j - 1, j) || glued(j - 1, j)) {
            if word(j) == "-" && glued(j - 1, j) && glued(j, j + 1) && inner_tok(j + 1) {
                // "Bruni-Rossi": a hyphen between two capitalised parts.
                j += 2;
            } else if (inner_tok(j) && adjacent(j - 1, j))
                || (PARTICLES.contains(&word(j))
                    && (name_tok(j + 1) || (PARTICLES.contains(&word(j + 1)) && name_tok(j + 2)))
                    && adjacent(j, j + 1))
            {
                j += 1;
            } else {
                break;
            }
            if strip_possessive(word(j - 1)).1 {
                break;
            }
        }
        // Leading portfolio words and unknown words before a head belong
        // to the title: "Foreign Affairs Koichiro Gemba", "Helmand
        // Province Gulabuddin Mangal".
        let mut s = i;
        if let Some(h) = (i..j)
            .rev()
            .find(|&k| matches!(kind_at(k), Some(EntryKind::Head | EntryKind::Region)))
            && h + 1 < j
        {
            s = h + 1;
        }
        while s < j
            && matches!(
                kind_at(s),
                Some(
                    EntryKind::Portfolio
                        | EntryKind::Modifier
                        | EntryKind::Head
                        | EntryKind::Region
                )
            )
        {
            s += 1;
        }
        let e = j.min(s + 4);
        if s >= e {
            i = j;
            continue;
        }
        let (cs, left_title) = chain_left(s);
        let mut ext_end = e;
        let mut right_title = false;
        let mut right_chain = None;
        if word(e) == "," {
            let mut k = e + 1;
            if ["the", "a"].contains(&lower(k)) {
                k += 1;
            }
            let (ce, t) = chain_right(k);
            // "Nick Clegg, Defence Secretary Liam Fox": the title is the
            // next person's, not an apposition.
            let next_is_name = name_tok(ce) && adjacent(ce - 1, ce);
            if t && !next_is_name {
                right_title = true;
                right_chain = Some((k, ce));
                ext_end = ce;
            }
        }
        let mut of_country = None;
        if lower(e) == "of" && !right_title {
            let k = if lower(e + 1) == "the" { e + 2 } else { e + 1 };
            if let Some(gi) = at.get(k).copied().flatten()
                && gaz[gi].entry.kind == EntryKind::Country
            {
                of_country = Some((gaz[gi].entry.canonical.clone(), gaz[gi].end));
            }
        }
        let name_text = doc
            .text
            .get(toks[s].span.start as usize..toks[e - 1].span.end as usize)
            .unwrap_or("");
        let name_words = || strip_possessive(name_text).0.split_whitespace();
        // Asked last, when no cheaper cue holds: it reads every known name.
        let known = || name_words().all(|w| ents.known_token(w));
        let before = if cs > 0 { lower(cs - 1) } else { "" };
        let after_person = cs > 0
            && (before == "and" || before == ",")
            && mentions
                .last()
                .is_some_and(|m: &Mention| m.label == Some(Label::Person) && m.ext_end + 1 == cs);
        let speaker = s == 0 && word(e) == ":" && e - s >= 2;
        // "Dmitry Medvedev sent ...", "..., Theresa May met ...": a full
        // name right before a verb of speech or diplomacy.
        let before_verb = e - s >= 2
            && e - s <= 3
            && SPEECH_VERBS.contains(&lower(e))
            && !lex.is_nonname(word(s));
        let subject_start = s == 0
            && e - s >= 2
            && e - s <= 3
            && toks.get(e).is_some_and(|t| t.kind == TokenKind::Word)
            && word(e).starts_with(|c: char| c.is_lowercase())
            && !CONNECTORS.contains(&lower(e));
        // "the Duke of Edinburgh": a name after "of" is a place, unless
        // a form of address says otherwise.
        let after_of = cs == s && s > 0 && lower(s - 1) == "of";
        let cued = !after_of
            && (left_title
                || right_title
                || (after_person && e - s >= 2)
                || speaker
                || subject_start
                || before_verb
                || known());
        if !cued {
            i = j;
            continue;
        }
        let name_words: Vec<Cow<str>> = name_words().map(name_case).collect();
        let entity = ents.person(&name_words);
        let span = Span {
            start: toks[s].span.start,
            end: toks[e - 1].span.end,
        };
        let written = doc.slice(span);
        let written = strip_possessive(written).0;
        ents.note(entity, written, span);
        // Gender from the given name or the form of address.
        if let std::collections::hash_map::Entry::Vacant(e) = ents.gender.entry(entity) {
            let addressed = |forms: &[&str]| (cs..s).map(&lower).any(|h| forms.contains(&h));
            let g = if addressed(&["ms.", "ms", "mrs.", "mrs", "madam", "queen"]) {
                Some(Gender::Female)
            } else if addressed(&["mr.", "mr", "sir", "king"]) {
                Some(Gender::Male)
            } else {
                name_words.first().and_then(|w| lex.gender(w.as_ref()))
            };
            if let Some(g) = g {
                e.insert(g);
            }
        }
        let mut tie = None;
        let mut title = None;
        if left_title {
            let (t, ti) = read_chain(cs, s, ents);
            tie = t;
            title = ti;
            mark(consumed, cs, s);
        }
        if let Some((a, b)) = right_chain {
            let (t, ti) = read_chain(a, b, ents);
            tie = tie.or(t);
            title = title.or(ti);
            mark(consumed, a, b);
        }
        // "Prime Ministers Naoto Kan of Japan and Wen Jiabao of China":
        // the title carries over the coordination.
        let prev_person = mentions.last().and_then(|m| match m.kind {
            MentionKind::Entity(p) if after_person => Some(p),
            _ => None,
        });
        if title.is_none() && of_country.is_some() {
            title = prev_person.and_then(|p| ents.list[p].title.clone());
        }
        if let Some((c, end)) = &of_country
            && tie.is_none()
            && (title.is_some() || ents.list[entity].title.is_some())
        {
            tie = Some(ents.named(Label::Country, c, None));
            mark(consumed, e, *end);
            ext_end = *end;
        }
        if tie.is_none() && title.is_some() && !ents.tie_of.contains_key(&entity) {
            // "Chinese President Hu Jintao and top legislator Wu Bangguo":
            // the nationality carries over the coordination.
            if after_person
                && before == "and"
                && let Some(p) = prev_person
            {
                tie = ties.iter().find(|t| t.person == p).map(|t| t.target);
            }
            if tie.is_none() {
                tie = sides.iter().rev().find(|(p, _)| *p < s).map(|(_, c)| *c);
            }
        }
        if let Some(t) = &title {
            if ents.list[entity].title.is_none() {
                ents.list[entity].title = Some(t.clone());
            }
            let alias = [t.as_str(), written].join(" ");
            ents.note(entity, &alias, span);
        }
        if let Some(target) = tie {
            ents.tie_of.entry(entity).or_insert(target);
            ents.untied.remove(&entity);
            ties.push(Tie {
                person: entity,
                target,
                title: title
                    .clone()
                    .or_else(|| ents.list[entity].title.clone())
                    .unwrap_or_default(),
                sentence: si,
            });
        } else if let Some(t) = &title
            && !ents.tie_of.contains_key(&entity)
        {
            let default = (cs..s)
                .filter_map(|k| at[k])
                .filter(|&g| gaz[g].entry.kind == EntryKind::Title)
                .filter_map(|g| gaz[g].entry.country.clone())
                .next()
                .map(|c| ents.named(Label::Country, &c, None));
            ents.untied
                .entry(entity)
                .or_insert((t.clone(), si, default));
        }
        mark(consumed, s, e);
        mentions.push(Mention {
            start: s,
            end: e,
            ext_start: cs.min(s),
            ext_end,
            kind: MentionKind::Entity(entity),
            role: Role::Normal,
            possessive: strip_possessive(word(e - 1)).1,
            label: Some(Label::Person),
        });
        ents.recency.push((si, s, entity, false));
        i = j.max(ext_end);
    }

    // Organisations from head words.
    for &(s, e) in &orgs {
        if (s..e).any(|k| consumed[k]) {
            continue;
        }
        let span = Span {
            start: toks[s].span.start,
            end: toks[e - 1].span.end,
        };
        let name = strip_possessive(doc.slice(span)).0.to_string();
        let country = at[s]
            .filter(|&g| matches!(gaz[g].entry.kind, EntryKind::Demonym | EntryKind::Country))
            .map(|g| gaz[g].entry.canonical.clone());
        let label = if is_region((s, e)) {
            Label::Place
        } else {
            Label::Organization
        };
        let ent = ents.named(label, &name, country.as_deref());
        ents.note(ent, &name, span);
        mark(consumed, s, e);
        mentions.push(Mention {
            start: s,
            end: e,
            ext_start: s,
            ext_end: e,
            kind: MentionKind::Entity(ent),
            role: Role::Normal,
            possessive: false,
            label: Some(label),
        });
        ents.recency.push((si, s, ent, false));
    }

    // Titles without a name: "the Foreign Secretary", "the Russian
    // President", "his Chinese counterpart".
    let mut k = 0;
    while k < n {
        let Some(gi) = at[k] else {
            k += 1;
            continue;
        };
        let g = &gaz[gi];
        if g.entry.kind != EntryKind::Title || consumed[k] {
            k = g.end.max(k + 1);
            continue;
        }
        let (cs, _) = chain_left(g.start);
        let mut ce = g.end;
        while let Some(gj) = at.get(ce).copied().flatten() {
            if matches!(
                gaz[gj].entry.kind,
                EntryKind::Title | EntryKind::Modifier | EntryKind::Portfolio
            ) {
                ce = gaz[gj].end;
            } else {
                break;
            }
        }
        if (cs..ce).any(|x| consumed[x]) || strip_possessive(word(ce - 1)).1 && in_org(ce) {
            k = ce;
            continue;
        }
        let (tie, title) = read_chain(cs, ce, ents);
        let of_follows = lower(ce) == "of";
        let title = title.unwrap_or_else(|| g.entry.canonical.clone());
        let target = ents
            .by_title(&title, tie)
            .filter(|_| !of_follows || tie.is_some());
        if let Some(p) = target {
            let span = Span {
                start: toks[cs].span.start,
                end: toks[ce - 1].span.end,
            };
            ents.note(p, strip_possessive(doc.slice(span)).0, span);
            mark(consumed, cs, ce);
            mentions.push(Mention {
                start: cs,
                end: ce,
                ext_start: cs,
                ext_end: ce,
                kind: MentionKind::Entity(p),
                role: Role::Normal,
                possessive: strip_possessive(word(ce - 1)).1,
                label: Some(Label::Person),
            });
            ents.recency.push((si, cs, p, false));
        } else if tie.is_some() {
            // "The message from the Russian President": the state speaks.
            if let Some(x) = (cs..ce)
                .find(|&x| matches!(kind_at(x), Some(EntryKind::Demonym | EntryKind::Country)))
                && let Some(gx) = at[x]
            {
                let c = ents.named(Label::Country, &gaz[gx].entry.canonical, None);
                mark(consumed, cs, ce);
                mentions.push(Mention {
                    start: x,
                    end: gaz[gx].end,
                    ext_start: cs,
                    ext_end: ce,
                    kind: MentionKind::Entity(c),
                    role: Role::Normal,
                    possessive: false,
                    label: Some(Label::Country),
                });
                ents.recency.push((si, x, c, false));
            }
        }
        k = ce.max(k + 1);
    }

    // Countries, places and organisations of the gazetteer.
    for g in gaz {
        if (g.start..g.end).any(|k| consumed[k]) {
            // A nationality inside a title still counts for "the two nations".
            if matches!(g.entry.kind, EntryKind::Country | EntryKind::Demonym) {
                let c = ents.named(Label::Country, &g.entry.canonical, None);
                mentions.push(Mention {
                    start: g.start,
                    end: g.end,
                    ext_start: g.start,
                    ext_end: g.end,
                    kind: MentionKind::Entity(c),
                    role: Role::Tie,
                    possessive: false,
                    label: Some(Label::Country),
                });
                ents.recency.push((si, g.start, c, false));
            }
            continue;
        }
        // "Africa Hot Foods", "Japan Airlines": a place name that starts a
        // longer name is not the place.
        if matches!(g.entry.kind, EntryKind::Country | EntryKind::Place)
            && adjacent(g.end - 1, g.end)
            && is_cap(g.end)
            && at[g.end].is_none()
            && !lex.is_nonname(word(g.end))
            && !strip_possessive(word(g.end - 1)).1
        {
            continue;
        }
        let (label, canonical) = match g.entry.kind {
            EntryKind::Country | EntryKind::Demonym => (Label::Country, &g.entry.canonical),
            EntryKind::Place => (Label::Place, &g.entry.canonical),
            EntryKind::Organization => (Label::Organization, &g.entry.canonical),
            _ => continue,
        };
        let ent = ents.named(label, canonical, g.entry.country.as_deref());
        let before_title = kind_at(g.end) == Some(&EntryKind::Title);
        let span = Span {
            start: toks[g.start].span.start,
            end: toks[g.end - 1].span.end,
        };
        let surface = strip_possessive(doc.slice(span)).0;
        let mut ext_end = g.end;
        let mut role = Role::Normal;
        if before_title {
            role = Role::Tie;
        }
        if g.entry.kind == EntryKind::Demonym {
            let next = word(g.end);
            let plural = surface.ends_with('s') && !surface.ends_with("ss");
            let collective = group_hits.iter().any(|&(s, _, kind)| {
                kind == GroupKind::Collective
                    && toks.get(g.end).is_some_and(|t| t.span.start as usize == s)
            });
            if collective {
                ext_end = g.end + 1;
                ents.note(ent, &[surface, next].join(" "), span);
            } else if !plural {
                role = Role::Adjective;
            }
        }
        let prev = if g.start > 0 { lower(g.start - 1) } else { "" };
        let prev_is_place = g.start >= 2
            && word(g.start - 1) == ","
            && mentions
                .iter()
                .any(|m| m.end == g.start - 1 && m.label == Some(Label::Place));
        if label == Label::Country
            && role == Role::Normal
            && (["in", "at"].contains(&prev) || prev_is_place)
        {
            role = Role::Locative;
        }
        ents.note(ent, surface, span);
        mentions.push(Mention {
            start: g.start,
            end: g.end,
            ext_start: g.start,
            ext_end,
            kind: MentionKind::Entity(ent),
            role,
            possessive: strip_possessive(word(g.end - 1)).1,
            label: Some(label),
        });
        ents.recency
            .push((si, g.start, ent, role == Role::Locative));
    }

    // Pronouns, the speaker, and "the two leaders".
    for k in 0..n {
        // Every word below has at most four letters (and lower-casing
        // yields none of them from a longer word).
        if toks[k].span.range().len() > 4 {
            continue;
        }
        let w = word(k);
        let kind = match w {
            "he" | "He" | "his" | "His" => Some(MentionKind::Pronoun {
                female: false,
                object: false,
            }),
            "him" | "Him" => Some(MentionKind::Pronoun {
                female: false,
                object: true,
            }),
            "she" | "She" => Some(MentionKind::Pronoun {
                female: true,
                object: false,
            }),
            "her" | "Her" => {
                let next = lower(k + 1);
                let object = toks.get(k + 1).is_none_or(|t| t.kind != TokenKind::Word)
                    || CONNECTORS.contains(&next)
                    || ["in", "at", "on", "with", "as", "that", "by"].contains(&next);
                Some(MentionKind::Pronoun {
                    female: true,
                    object,
                })
            }
            "I" | "we" | "We" | "my" | "My" | "our" | "Our" => Some(MentionKind::FirstPerson),
            _ => None,
        };
        if let Some(kind) = kind {
            mentions.push(Mention {
                start: k,
                end: k + 1,
                ext_start: k,
                ext_end: k + 1,
                kind,
                role: Role::Normal,
                possessive: matches!(w, "his" | "His" | "my" | "My" | "our" | "Our"),
                label: None,
            });
        }
        if ["two", "both"].contains(&lower(k))
            && let Some(&(_, _, g)) = group_hits.iter().find(|&&(s, _, g)| {
                g != GroupKind::Collective
                    && toks.get(k + 1).is_some_and(|t| t.span.start as usize == s)
            })
        {
            let start = if k > 0 && lower(k - 1) == "the" {
                k - 1
            } else {
                k
            };
            mentions.push(Mention {
                start,
                end: k + 2,
                ext_start: start,
                ext_end: k + 2,
                kind: MentionKind::Pair(g),
                role: Role::Normal,
                possessive: false,
                label: None,
            });
        }
    }
    mentions.sort_by_key(|m| (m.start, m.end));
    SentenceMentions { mentions, ties }
}
