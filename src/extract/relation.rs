//! Relations from triggers: where a trigger's subject and object are
//! (its frame), which mentions may fill them (the relation type's labels),
//! pronoun and group resolution, modality and the date of each relation.

use crate::graph::PartialDate;
use crate::lexicon::{Cue, CueEffect, Frame, Gender, GroupKind, Label, Lexicon, Modality};
use crate::text::{Document, Sentence};

use super::mention::{Entities, Mention, MentionKind, Role};
use super::temporal::DateExpr;

/// A relation found in a sentence, before deduplication.
#[derive(Debug, Clone)]
pub struct Found {
    /// Index of the relation type.
    pub relation: usize,
    /// Subject entity.
    pub subject: usize,
    /// Object entity.
    pub object: usize,
    /// Modality.
    pub modality: Modality,
    /// Date.
    pub date: Option<PartialDate>,
    /// First token of the trigger.
    pub trigger: usize,
}

/// What the sentence-level resolver knows about the document so far.
pub struct Context<'a> {
    /// The lexicon.
    pub lex: &'a Lexicon,
    /// The document.
    pub doc: &'a Document,
    /// Entities found so far.
    pub ents: &'a Entities,
    /// The first person of the last sentence that named one.
    pub topic: Option<usize>,
    /// The paragraph of that sentence.
    pub topic_paragraph: Option<u32>,
    /// Whether the sentence begins inside a quotation that an earlier
    /// sentence of its paragraph opened.
    pub starts_quoted: bool,
    /// The first person or country acting in the last sentence that had one.
    pub last_agent: Option<usize>,
    /// The entity the dateline's place stands for.
    pub dateline: Option<usize>,
}

const BARRIERS: [&str; 12] = [
    "after",
    "before",
    "since",
    "which",
    "that",
    "who",
    "when",
    "where",
    "following",
    "while",
    "because",
    "until",
];

fn compatible(ents: &Entities, e: usize, female: bool) -> bool {
    match ents.gender.get(&e) {
        Some(Gender::Male) => !female,
        Some(Gender::Female) => female,
        None => true,
    }
}

fn is_person(ents: &Entities, e: usize) -> bool {
    ents.list.get(e).is_some_and(|x| x.label == Label::Person)
}

/// The entities each mention of a sentence stands for, in one buffer.
#[derive(Debug, Clone, Default)]
pub struct Resolved {
    entities: Vec<usize>,
    /// Where each mention's entities end in `entities`.
    ends: Vec<usize>,
}

impl Resolved {
    fn push(&mut self, entities: &[usize]) {
        self.entities.extend_from_slice(entities);
        self.ends.push(self.entities.len());
    }

    /// The entities of mention `mi` (none past the last mention).
    pub fn get(&self, mi: usize) -> &[usize] {
        let start = match mi.checked_sub(1) {
            Some(prev) => self.ends.get(prev).copied().unwrap_or(0),
            None => 0,
        };
        let end = self.ends.get(mi).copied().unwrap_or(start);
        self.entities.get(start..end).unwrap_or(&[])
    }
}

/// An entry of [`Entities::recency`]: sentence, token, entity, locative.
type Recency = (usize, usize, usize, bool);

/// The entity of the last entry of `recency` in (sentence, token) order
/// that `keep` accepts; of entries at the same place, the one recorded
/// last. (What a stable sort by place, read backwards, finds first.)
fn latest(recency: &[Recency], keep: impl Fn(&Recency) -> bool) -> Option<usize> {
    let mut best: Option<&Recency> = None;
    for r in recency {
        if keep(r) && best.is_none_or(|b| (r.0, r.1) >= (b.0, b.1)) {
            best = Some(r);
        }
    }
    best.map(|r| r.2)
}

/// Resolves every non-object pronoun, the speaker and the pairs of a
/// sentence's mentions; object pronouns resolve per relation.
pub fn resolve(
    ctx: &Context,
    si: usize,
    sent: &Sentence,
    lowers: &crate::extract::Lowered,
    mentions: &[Mention],
) -> Resolved {
    let doc = ctx.doc;
    let ents = ctx.ents;
    let word = |i: usize| lowers.word(i);
    // A comma is a punctuation token: words are not sliced out to be compared.
    let first_comma = sent
        .tokens
        .iter()
        .position(|t| t.kind == crate::text::TokenKind::Punct && doc.slice(t.span) == ",");
    let participial = word(0).ends_with("ing")
        && word(0).starts_with(|c: char| c.is_uppercase())
        && !["During", "Following"].contains(&word(0));
    // "During his stay in Beijing, ...": an opener's pronoun looks back to
    // the paragraph's topic, or, in a paragraph's first sentence, forward
    // to the sentence's subject.
    let opener = first_comma.is_some()
        && [
            "During",
            "In",
            "On",
            "At",
            "After",
            "Before",
            "While",
            "Following",
        ]
        .contains(&word(0));
    let opener = opener
        || (["\u{201c}", "\"", "“"].contains(&word(0))
            && ["During", "In", "On", "At", "After"].contains(&word(1)));
    let persons_here: Vec<(usize, usize)> = mentions
        .iter()
        .filter_map(|m| match m.kind {
            MentionKind::Entity(e) if is_person(ents, e) => Some((m.start, e)),
            _ => None,
        })
        .collect();
    let recent_before = |tok: usize, female: bool| {
        latest(&ents.recency, |r| {
            (r.0, r.1) < (si, tok) && is_person(ents, r.2) && compatible(ents, r.2, female)
        })
    };
    // The entities a mention other than a name stands for, added to `out`.
    let others = |m: &Mention, out: &mut Vec<usize>| {
        match &m.kind {
            MentionKind::Entity(e) => out.push(*e),
            MentionKind::Pronoun { female, object } => {
                if *object {
                    // Resolved per relation, with the subject excluded.
                    return;
                }
                let female = *female;
                // "..., who was on his working visit": the person before "who".
                let who = (m.start.saturating_sub(5)..m.start)
                    .rev()
                    .find(|&k| word(k) == "who");
                if let Some(w) = who
                    && let Some(p) = mentions.iter().rev().find(|x| {
                        x.ext_end <= w
                            && x.ext_end + 1 >= w
                            && matches!(x.kind, MentionKind::Entity(e) if is_person(ents, e))
                    })
                    && let MentionKind::Entity(e) = p.kind
                {
                    out.push(e);
                    return;
                }
                let new_paragraph = ctx.topic_paragraph != Some(sent.paragraph);
                let speech = (0..m.start).rev().find(|&k| {
                    [
                        "said",
                        "stated",
                        "says",
                        "added",
                        "noted",
                        "explained",
                        "told",
                    ]
                    .contains(&word(k))
                });
                if let Some(k) = speech
                    && let Some(p) = mentions.iter().find(|x| {
                        x.ext_end == k && matches!(x.kind, MentionKind::Entity(e) if is_person(ents, e) && compatible(ents, e, female))
                    })
                        && let MentionKind::Entity(e) = p.kind {
                            out.push(e);
                    return;
                        }
                if (participial || (opener && new_paragraph))
                    && first_comma.is_some_and(|c| m.start < c)
                    && let Some(&(_, e)) = persons_here.iter().find(|(t, e)| {
                        first_comma.is_some_and(|c| *t > c) && compatible(ents, *e, female)
                    })
                {
                    out.push(e);
                    return;
                }
                if let Some(&(_, e)) = persons_here
                    .iter()
                    .find(|(t, e)| *t < m.start && compatible(ents, *e, female))
                {
                    out.push(e);
                    return;
                }
                if let Some(t) = ctx.topic.filter(|&t| compatible(ents, t, female)) {
                    out.push(t);
                    return;
                }
                if let Some(e) = recent_before(m.start, female) {
                    out.push(e);
                    return;
                }
                if let Some(&(_, e)) = persons_here
                    .iter()
                    .find(|(t, e)| *t > m.start && compatible(ents, *e, female))
                {
                    out.push(e);
                }
            }
            MentionKind::FirstPerson => {
                // The speaker: "..., Liu said" / "said Secretary Pritzker" /
                // "Lidington said “we ...”".
                let speech = (0..sent.tokens.len()).find(|&k| {
                    ["said", "stated", "says", "added", "explained", "told"].contains(&word(k))
                });
                let speaker = speech.and_then(|k| {
                    mentions.iter().find_map(|x| match x.kind {
                        MentionKind::Entity(e)
                            if is_person(ents, e) && (x.ext_end == k || x.ext_start == k + 1) =>
                        {
                            Some(e)
                        }
                        _ => None,
                    })
                });
                out.extend(speaker.or(ctx.topic).or(ctx.last_agent));
            }
            MentionKind::Pair(kind) => {
                let want = match kind {
                    GroupKind::PairPerson => Label::Person,
                    _ => Label::Country,
                };
                // The two most recent entities of the kind before the pair.
                let eligible = |r: &Recency| {
                    (r.0, r.1) < (si, m.start)
                        && !r.3
                        && !(want == Label::Person && r.0 == si)
                        && ents.list.get(r.2).is_some_and(|x| x.label == want)
                };
                if let Some(first) = latest(&ents.recency, eligible)
                    && let Some(second) = latest(&ents.recency, |r| eligible(r) && r.2 != first)
                {
                    out.extend([first, second]);
                }
            }
        }
    };
    let mut resolved = Resolved {
        entities: Vec::with_capacity(mentions.len()),
        ends: Vec::with_capacity(mentions.len()),
    };
    for m in mentions {
        match m.kind {
            // A name needs no search and no vector of its own.
            MentionKind::Entity(e) => resolved.push(&[e]),
            _ => {
                others(m, &mut resolved.entities);
                resolved.ends.push(resolved.entities.len());
            }
        }
    }
    resolved
}

/// The relations of one sentence (`lowers`: its words lower-cased).
#[allow(clippy::too_many_arguments)]
pub fn relations(
    ctx: &Context,
    si: usize,
    sent: &Sentence,
    lowers: &crate::extract::Lowered,
    mentions: &[Mention],
    resolved: &Resolved,
    cue_hits: &[(usize, usize, usize)],
    dates: &[DateExpr],
    fallback_date: Option<PartialDate>,
) -> Vec<Found> {
    let lex = ctx.lex;
    let ents = ctx.ents;
    let toks = &sent.tokens;
    let n = toks.len();
    let word = |i: usize| lowers.word(i);
    let lower = |i: usize| lowers.get(i);
    let tok_start = |b: usize| {
        let i = toks.partition_point(|t| (t.span.start as usize) < b);
        (i < toks.len()).then_some(i)
    };
    let tok_end = |b: usize| {
        let i = toks.partition_point(|t| t.span.end as usize <= b);
        (i > 0).then_some(i)
    };
    let _ = si;

    let label_of = |e: usize| ents.list.get(e).map(|x| x.label);
    // Which tokens are inside quotation marks.
    let mut quoted = Vec::with_capacity(n);
    let mut inside = ctx.starts_quoted;
    for (i, t) in toks.iter().enumerate() {
        // Quotation marks are one-character punctuation tokens.
        let w = match t.kind {
            crate::text::TokenKind::Punct => lowers.word(i),
            _ => "",
        };
        match w {
            "“" => inside = true,
            "”" => inside = false,
            "\"" => inside = !inside,
            _ => {}
        }
        quoted.push(inside && !matches!(w, "“" | "\""));
    }
    let mut out = Vec::new();
    let mut agents: Vec<(usize, usize)> = Vec::new();

    // Modality and exclusion cues by token.
    let mut mod_cues: Vec<(usize, usize, CueEffect, &[String])> = Vec::new();
    for &(s, e, p) in cue_hits {
        for cue in lex.cues(p) {
            if let Cue::Modality { effect, types } = cue
                && let (Some(ts), Some(te)) = (tok_start(s), tok_end(e))
            {
                mod_cues.push((ts, te, *effect, types.as_slice()));
            }
        }
    }

    for &(s, e, p) in cue_hits {
        let (Some(ts), Some(te)) = (tok_start(s), tok_end(e)) else {
            continue;
        };
        for cue in lex.cues(p) {
            let Cue::Trigger { relation, frame } = cue else {
                continue;
            };
            let Some(rel) = lex.relations().get(*relation) else {
                continue;
            };
            let applies =
                |types: &[String]| types.is_empty() || types.iter().any(|t| t == &rel.name);
            let excluded = mod_cues.iter().any(|&(cs, ce, eff, types)| {
                eff == CueEffect::Excluded
                    && applies(types)
                    && ((ce <= ts && ce + 3 >= ts) || (cs >= ts && cs < te))
            });
            if excluded {
                continue;
            }
            // The clause starts after the last ";" or ":" of the twelve
            // tokens before the trigger, or with them.
            let window_start = ts.saturating_sub(12);
            let clause_start = (window_start..ts)
                .rev()
                .find(|&k| [";", ":"].contains(&word(k)))
                .map_or(window_start, |k| k + 1);
            let mut modality = Modality::Asserted;
            for &(cs, _, eff, types) in &mod_cues {
                if cs >= clause_start && cs < ts && applies(types) {
                    match eff {
                        CueEffect::Negated if cs + 4 >= ts => modality = Modality::Negated,
                        CueEffect::Planned if modality == Modality::Asserted => {
                            modality = Modality::Planned
                        }
                        _ => {}
                    }
                }
            }
            if ts > 0 && lower(ts - 1) == "to" && ["visit", "meet"].contains(&lower(ts)) {
                modality = Modality::Planned;
            }
            // "the need to coordinate Minister Lavrov's visit to Japan": a
            // visit that an infinitive governs has not happened yet.
            if rel.name == "VISITED" && modality == Modality::Asserted {
                let governed = (ts.saturating_sub(5)..ts).any(|k| {
                    lower(k) == "to"
                        && toks
                            .get(k + 1)
                            .is_some_and(|t| t.kind == crate::text::TokenKind::Word)
                        && word(k + 1).starts_with(|c: char| c.is_lowercase())
                        && !["the", "a", "an", "his", "her", "their", "its"].contains(&lower(k + 1))
                });
                if governed {
                    modality = Modality::Planned;
                }
            }
            let date = pick_date(&word, ts, te, dates).or(fallback_date);
            // Nobody visits their own country.
            let own_country = |person: usize, place: usize| {
                let country = |e: usize| {
                    ents.list.get(e).and_then(|x| match x.label {
                        Label::Country => Some(x.name.as_str()),
                        Label::Place => x.country.as_deref(),
                        _ => None,
                    })
                };
                let tied = ents.tie_of.get(&person).copied();
                rel.name == "VISITED"
                    && tied.is_some_and(|t| {
                        ents.list.get(t).is_some_and(|x| x.label == Label::Country)
                            && country(t).is_some()
                            && country(t) == country(place)
                    })
            };
            let emit = |subject: usize, object: usize, out: &mut Vec<Found>| {
                if subject != object && !own_country(subject, object) {
                    out.push(Found {
                        relation: *relation,
                        subject,
                        object,
                        modality,
                        date,
                        trigger: ts,
                    });
                }
            };
            let eligible = |m: &Mention, labels: &[Label], as_object: bool| -> bool {
                match m.role {
                    Role::Tie | Role::Adjective => return false,
                    Role::Locative if !as_object => return false,
                    _ => {}
                }
                if as_object && m.possessive && rel.name == "VISITED" {
                    return false;
                }
                if as_object
                    && m.possessive
                    && matches!(
                        m.kind,
                        MentionKind::Pronoun { .. } | MentionKind::FirstPerson
                    )
                {
                    return false;
                }
                if as_object && !rel.symmetric && matches!(m.kind, MentionKind::Pair(_)) {
                    return false;
                }
                if quoted.get(m.start).copied().unwrap_or(false)
                    != quoted.get(ts).copied().unwrap_or(false)
                {
                    return false;
                }
                // "we" outside a quote is the publisher, not a participant.
                if matches!(m.kind, MentionKind::FirstPerson)
                    && !quoted.get(m.start).copied().unwrap_or(false)
                {
                    return false;
                }
                // "condolences to the family of X": X is not addressed.
                if as_object
                    && m.ext_start >= 2
                    && lower(m.ext_start - 1) == "of"
                    && ["family", "families", "relatives", "widow", "friends"]
                        .contains(&lower(m.ext_start - 2))
                {
                    return false;
                }
                match &m.kind {
                    MentionKind::Entity(e) => label_of(*e).is_some_and(|l| labels.contains(&l)),
                    MentionKind::Pronoun { .. } | MentionKind::FirstPerson => {
                        labels.contains(&Label::Person) || labels.contains(&Label::Country)
                    }
                    MentionKind::Pair(g) => match g {
                        GroupKind::PairPerson => labels.contains(&Label::Person),
                        GroupKind::PairCountry => labels.contains(&Label::Country),
                        GroupKind::Collective => false,
                    },
                }
            };
            let ents_of = |mi: usize, exclude: &[usize], subject_count: usize| -> Vec<usize> {
                let m = &mentions[mi];
                let r = resolved.get(mi).to_vec();
                let r = if let MentionKind::Pronoun {
                    female,
                    object: true,
                } = m.kind
                {
                    object_pronoun(ctx, si, sent, mentions, mi, female, exclude)
                        .into_iter()
                        .collect()
                } else {
                    r
                };
                // The agents of the sentence only keep "him" off them; a
                // name stays what it says.
                let keep_off: &[usize] = if matches!(m.kind, MentionKind::Pronoun { .. }) {
                    exclude
                } else {
                    &exclude[..exclude.len().min(subject_count)]
                };
                r.into_iter()
                    .filter(|e| !keep_off.contains(e) && label_of(*e).is_some())
                    .collect()
            };
            let connector_gap = |a: usize, b: usize| {
                (a..b).all(|k| [",", "and", "as", "well", "the", "both"].contains(&lower(k)))
            };
            match frame {
                Frame::Forward | Frame::Passive => {
                    // "the sympathy of the Chinese government": the one
                    // after "of" feels it; who receives it is not said here.
                    if *frame == Frame::Forward && lower(te) == "of" {
                        continue;
                    }
                    let (left_labels, right_labels) = if *frame == Frame::Forward {
                        (&rel.subject, &rel.object)
                    } else {
                        (&rel.object, &rel.subject)
                    };
                    let left = left_group(
                        mentions,
                        ts,
                        |m| eligible(m, left_labels, *frame == Frame::Passive),
                        connector_gap,
                    );
                    let mut left_ents: Vec<usize> = Vec::new();
                    for mi in &left {
                        for e in ents_of(*mi, &[], 0) {
                            if label_of(e).is_some_and(|l| left_labels.contains(&l))
                                && !left_ents.contains(&e)
                            {
                                left_ents.push(e);
                            }
                        }
                    }
                    let mut subject_from_right = false;
                    let opener = [
                        "During",
                        "In",
                        "On",
                        "At",
                        "After",
                        "Before",
                        "While",
                        "Following",
                    ]
                    .contains(&word(0))
                        || ["Visiting", "Touring"].contains(&word(0));
                    if left_ents.is_empty() && *frame == Frame::Forward && opener {
                        // "During a trip to Japan, Premier Wen visited ...".
                        if let Some(c) = (te..n).find(|&k| word(k) == ",")
                            && let Some(mi) = mentions
                                .iter()
                                .position(|m| m.start > c && eligible(m, left_labels, false))
                        {
                            left_ents = ents_of(mi, &[], 0)
                                .into_iter()
                                .filter(|e| label_of(*e).is_some_and(|l| left_labels.contains(&l)))
                                .collect();
                            subject_from_right = true;
                        }
                    }
                    let window = if rel.symmetric { 20 } else { 12 };
                    let mut exclude = left_ents.clone();
                    exclude.extend(agents.iter().filter(|a| a.0 == *relation).map(|a| a.1));
                    let right = right_group(
                        mentions,
                        &word,
                        te,
                        window,
                        |m| eligible(m, right_labels, *frame == Frame::Forward),
                        connector_gap,
                    );
                    let mut right_ents: Vec<usize> = Vec::new();
                    for mi in &right {
                        for e in ents_of(*mi, &exclude, left_ents.len()) {
                            if label_of(e).is_some_and(|l| right_labels.contains(&l))
                                && !right_ents.contains(&e)
                            {
                                right_ents.push(e);
                            }
                        }
                    }
                    if right_ents.is_empty() && !subject_from_right && rel.name == "CONDOLED" {
                        right_ents = fallback_country(ctx, mentions, resolved, ts, &left_ents);
                    }
                    let (subjects, objects) = if *frame == Frame::Forward {
                        (left_ents, right_ents)
                    } else {
                        (right_ents, left_ents)
                    };
                    agents.extend(subjects.iter().map(|&e| (*relation, e)));
                    if objects.is_empty() {
                        if rel.symmetric && subjects.len() >= 2 {
                            for a in 0..subjects.len() {
                                for b in a + 1..subjects.len() {
                                    emit(subjects[a], subjects[b], &mut out);
                                }
                            }
                        }
                        continue;
                    }
                    let mut subjects = subjects;
                    if rel.name == "VISITED" && *frame == Frame::Forward {
                        // "Burt visited Taunton with Minister Jeremy Browne".
                        if let Some(last) = right.last() {
                            let after = mentions[*last].ext_end;
                            if lower(after) == "with"
                                && let Some(ci) = mentions.iter().position(|m| {
                                    m.ext_start == after + 1
                                        && matches!(m.kind, MentionKind::Entity(e) if is_person(ents, e))
                                })
                            {
                                subjects.extend(ents_of(ci, &[], 0));
                            }
                        }
                    }
                    for &s in &subjects {
                        for &o in &objects {
                            emit(s, o, &mut out);
                        }
                    }
                }
                Frame::Guest => {
                    let Some(place) = ctx.dateline else { continue };
                    if let Some(mi) = mentions.iter().position(|m| {
                        m.ext_start >= te
                            && m.ext_start <= te + 1
                            && matches!(m.kind, MentionKind::Entity(e) if is_person(ents, e))
                    }) {
                        for s in ents_of(mi, &[], 0) {
                            emit(s, place, &mut out);
                        }
                    }
                }
                Frame::Host => {
                    let Some(mi) = mentions.iter().position(|m| {
                        m.ext_start >= te
                            && m.ext_start <= te + 1
                            && matches!(m.kind, MentionKind::Entity(e) if is_person(ents, e))
                    }) else {
                        continue;
                    };
                    let after = mentions[mi].ext_end;
                    let Some(at) = (after..n.min(after + 4)).find(|&k| lower(k) == "at") else {
                        continue;
                    };
                    if let Some(pi) = mentions.iter().position(|m| {
                        m.start > at && m.start <= at + 3 && eligible(m, &rel.object, true)
                    }) {
                        for s in ents_of(mi, &[], 0) {
                            for o in ents_of(pi, &[], 0) {
                                emit(s, o, &mut out);
                            }
                        }
                    }
                }
                Frame::Pair => {
                    let labels = &rel.subject;
                    let mut pair: Vec<usize> = Vec::new();
                    for (mi, m) in mentions.iter().enumerate() {
                        if let MentionKind::Pair(_) = m.kind
                            && eligible(m, labels, false)
                        {
                            pair = resolved.get(mi).to_vec();
                            if pair.len() == 2 {
                                break;
                            }
                        }
                    }
                    if pair.len() < 2 {
                        let mut cands: Vec<(usize, usize)> = Vec::new();
                        for (mi, m) in mentions.iter().enumerate() {
                            if m.role == Role::Locative {
                                continue;
                            }
                            for &e in resolved.get(mi) {
                                if label_of(e).is_some_and(|l| labels.contains(&l))
                                    && matches!(m.kind, MentionKind::Entity(_))
                                {
                                    let d = m.start.abs_diff(ts);
                                    cands.push((d, e));
                                }
                            }
                        }
                        cands.sort();
                        pair.clear();
                        for (_, e) in cands {
                            if !pair.contains(&e) {
                                pair.push(e);
                            }
                        }
                        pair.truncate(2);
                        if pair.len() < 2 && labels.contains(&Label::Country) {
                            for e in salient_countries(ents) {
                                if pair.len() < 2 && !pair.contains(&e) {
                                    pair.push(e);
                                }
                            }
                        }
                    }
                    if let [a, b] = pair[..] {
                        emit(a, b, &mut out);
                    }
                }
            }
        }
    }
    out
}

/// The nearest eligible mention left of `ts`, with the mentions
/// coordinated with it ("A and B met with C").
fn left_group(
    mentions: &[Mention],
    ts: usize,
    eligible: impl Fn(&Mention) -> bool,
    connector_gap: impl Fn(usize, usize) -> bool,
) -> Vec<usize> {
    let Some(first) = mentions
        .iter()
        .rposition(|m| m.ext_end <= ts && eligible(m))
    else {
        return Vec::new();
    };
    let mut group = vec![first];
    let mut cur = first;
    while let Some(prev) = mentions[..cur]
        .iter()
        .rposition(|m| m.ext_end <= mentions[cur].ext_start && eligible(m))
    {
        if connector_gap(mentions[prev].ext_end, mentions[cur].ext_start)
            && mentions[prev].ext_end < mentions[cur].ext_start
        {
            group.push(prev);
            cur = prev;
        } else {
            break;
        }
    }
    group
}

/// The first eligible mention right of `te` before a clause break, with
/// the mentions coordinated with it.
fn right_group<'w>(
    mentions: &[Mention],
    word: &impl Fn(usize) -> &'w str,
    te: usize,
    window: usize,
    eligible: impl Fn(&Mention) -> bool,
    connector_gap: impl Fn(usize, usize) -> bool,
) -> Vec<usize> {
    // Where the object search stops: a comma, semicolon or colon outside
    // brackets, or the window's end (brackets do not count toward it).
    let mut k = te;
    let mut depth = 0usize;
    let mut counted = 0usize;
    let stop;
    loop {
        let w = word(k);
        if w.is_empty() {
            stop = k;
            break;
        }
        match w {
            "(" => depth += 1,
            ")" => depth = depth.saturating_sub(1),
            ":" if word(k.wrapping_sub(1)).starts_with(|c: char| c.is_ascii_digit())
                && word(k + 1).starts_with(|c: char| c.is_ascii_digit()) => {}
            "," | ";" | ":" | "\"" | "“" | "”" if depth == 0 => {
                stop = k;
                break;
            }
            _ => {}
        }
        if depth == 0 {
            counted += 1;
        }
        if counted > window {
            stop = k;
            break;
        }
        k += 1;
    }
    let Some(first) = mentions
        .iter()
        .position(|m| m.ext_start >= te && m.start < stop && eligible(m))
    else {
        return Vec::new();
    };
    let mut group = vec![first];
    let mut cur = first;
    while let Some(next) = mentions
        .iter()
        .position(|m| m.ext_start >= mentions[cur].ext_end && eligible(m))
    {
        if connector_gap(mentions[cur].ext_end, mentions[next].ext_start)
            && mentions[cur].ext_end < mentions[next].ext_start
        {
            group.push(next);
            cur = next;
        } else {
            break;
        }
    }
    group
}

/// "him": the most recent person before the pronoun who is not the
/// subject or an agent of the sentence.
fn object_pronoun(
    ctx: &Context,
    si: usize,
    _sent: &Sentence,
    mentions: &[Mention],
    mi: usize,
    female: bool,
    exclude: &[usize],
) -> Option<usize> {
    let ents = ctx.ents;
    let ok = |e: usize| is_person(ents, e) && compatible(ents, e, female) && !exclude.contains(&e);
    for m in mentions[..mi].iter().rev() {
        if let MentionKind::Entity(e) = m.kind
            && ok(e)
        {
            return Some(e);
        }
    }
    latest(&ents.recency, |r| r.0 < si && ok(r.2))
}

/// A country to condole when the sentence names no recipient: the nearest
/// country of the sentence that is not the subject's own.
fn fallback_country(
    ctx: &Context,
    mentions: &[Mention],
    resolved: &Resolved,
    ts: usize,
    subjects: &[usize],
) -> Vec<usize> {
    let ents = ctx.ents;
    let own: Vec<usize> = subjects
        .iter()
        .filter_map(|s| ents.tie_of.get(s).copied())
        .chain(subjects.iter().copied())
        .collect();
    let mut best: Option<(usize, usize)> = None;
    for (mi, m) in mentions.iter().enumerate() {
        if m.role == Role::Tie {
            continue;
        }
        for &e in resolved.get(mi) {
            if ents.list.get(e).is_some_and(|x| x.label == Label::Country) && !own.contains(&e) {
                let d = m.start.abs_diff(ts) + if m.start < ts { 100 } else { 0 };
                if best.is_none_or(|(bd, _)| d < bd) {
                    best = Some((d, e));
                }
            }
        }
    }
    best.map(|(_, e)| vec![e]).unwrap_or_default()
}

/// Countries of the document, most mentioned first (not counting places
/// where something happened).
fn salient_countries(ents: &Entities) -> Vec<usize> {
    let mut counts: Vec<(usize, usize, usize)> = Vec::new();
    for (pos, r) in ents.recency.iter().enumerate() {
        if r.3 || ents.list.get(r.2).is_none_or(|x| x.label != Label::Country) {
            continue;
        }
        match counts.iter_mut().find(|c| c.1 == r.2) {
            Some(c) => c.0 += 1,
            None => counts.push((1, r.2, pos)),
        }
    }
    counts.sort_by(|a, b| b.0.cmp(&a.0).then(a.2.cmp(&b.2)));
    counts.into_iter().take(2).map(|c| c.1).collect()
}

/// The date expression nearest the trigger that no clause boundary
/// separates from it.
fn pick_date<'w>(
    word: &impl Fn(usize) -> &'w str,
    ts: usize,
    te: usize,
    dates: &[DateExpr],
) -> Option<PartialDate> {
    let barrier_between = |a: usize, b: usize| {
        (a..b).any(|k| {
            let w = word(k);
            // "trade that reached ... last year" describes the trigger itself.
            BARRIERS.iter().any(|b| b.eq_ignore_ascii_case(w)) && k != te
        })
    };
    dates
        .iter()
        .filter(|d| {
            if d.end <= ts {
                !barrier_between(d.end, ts)
            } else {
                !barrier_between(te, d.start)
            }
        })
        .min_by_key(|d| {
            if d.end <= ts {
                ts - d.end
            } else {
                d.start.saturating_sub(te)
            }
        })
        .map(|d| d.date)
}
