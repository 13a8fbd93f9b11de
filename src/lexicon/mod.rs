//! The user-extendable tables of `data/lexicon/` (countries, demonyms,
//! places, organisations, titles, relation types and their triggers,
//! modality cues, amounts) and the automata built from them.
//!
//! The bundled tables are embedded with `include_str!`; a folder of tables
//! with the same file names extends them (see [`Lexicon::from_tables`]).
//! Every table is matched in one aho-corasick pass. This module holds no
//! extraction logic and does no I/O.

mod scan;
mod tsv;

use std::collections::{HashMap, HashSet};

use crate::hash::FastBuild;

use scan::Scanner;

pub use tsv::LexiconError;

/// The node labels the extractor produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Label {
    /// A named human.
    Person,
    /// A sovereign state or territory.
    Country,
    /// An institution, body, ministry, company or agency.
    Organization,
    /// A city, region, building or site.
    Place,
}

impl Label {
    /// The label as the graph spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Label::Person => "Person",
            Label::Country => "Country",
            Label::Organization => "Organization",
            Label::Place => "Place",
        }
    }

    fn parse(s: &str) -> Option<Label> {
        match s {
            "Person" => Some(Label::Person),
            "Country" => Some(Label::Country),
            "Organization" => Some(Label::Organization),
            "Place" => Some(Label::Place),
            _ => None,
        }
    }
}

/// What a gazetteer entry names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryKind {
    /// A country's name or alias; `canonical` is its short name.
    Country,
    /// A nationality adjective or noun; `canonical` is the country.
    Demonym,
    /// A place; `country` is where it lies.
    Place,
    /// An organisation; `country` is the state it belongs to, if any.
    Organization,
    /// A position ("Prime Minister"); `country` is its default state.
    Title,
    /// A form of address that precedes a name ("Mr.", "H.E.").
    Honorific,
    /// A word that qualifies a title ("Deputy", "Acting").
    Modifier,
    /// A word naming what a ministry covers ("Foreign", "Affairs").
    Portfolio,
    /// A word that ends an organisation's name ("Embassy").
    Head,
    /// A word that ends a region's name ("Province", "Territory").
    Region,
}

/// One entry of the case-sensitive gazetteer.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The entry's kind.
    pub kind: EntryKind,
    /// The canonical name it stands for (the surface itself for titles).
    pub canonical: String,
    /// The country a place, organisation or title belongs to.
    pub country: Option<String>,
}

/// Where the ends of a relation are found around its trigger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frame {
    /// Subject before, object after.
    Forward,
    /// Object before, subject after.
    Passive,
    /// The person named right after visits the dateline's place.
    Guest,
    /// Both ends anywhere in the sentence (or the two entities it refers to).
    Pair,
    /// "A hosted B at C": B, named after the phrase, visits the place after "at".
    Host,
}

/// What a modality cue does to a trigger that follows it in its clause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Modality {
    /// It happened or is happening.
    Asserted,
    /// It will, may or is meant to happen.
    Planned,
    /// It did not happen.
    Negated,
}

impl Modality {
    /// The value of an edge's `modality` property.
    pub fn as_str(self) -> &'static str {
        match self {
            Modality::Asserted => "asserted",
            Modality::Planned => "planned",
            Modality::Negated => "negated",
        }
    }
}

/// What a group word does after a nationality or "the two".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupKind {
    /// "the Japanese people": the country itself.
    Collective,
    /// "the two leaders": two persons.
    PairPerson,
    /// "the two nations": two countries.
    PairCountry,
}

/// One entry of the case-insensitive cue automaton.
#[derive(Debug, Clone, PartialEq)]
pub enum Cue {
    /// A trigger of relation type `relation` (an index into [`Lexicon::relations`]).
    Trigger {
        /// Index of the relation type.
        relation: usize,
        /// Where its ends are.
        frame: Frame,
    },
    /// A modality cue; `types` empty means every type.
    Modality {
        /// What it does.
        effect: CueEffect,
        /// The relation types it applies to (all when empty).
        types: Vec<String>,
    },
    /// A group word.
    Group(GroupKind),
    /// A number word ("billion") and its value.
    Scale(u64),
    /// A currency word and its ISO code.
    Currency(String),
}

/// The effect of a modality cue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CueEffect {
    /// Makes the relation planned.
    Planned,
    /// Makes it negated.
    Negated,
    /// Cancels the trigger for the listed types.
    Excluded,
}

/// A relation type of `relations.tsv`.
#[derive(Debug, Clone)]
pub struct RelationType {
    /// The edge type, e.g. `MET`.
    pub name: String,
    /// Labels its subject may carry.
    pub subject: Vec<Label>,
    /// Labels its object may carry.
    pub object: Vec<Label>,
    /// Whether `a -[r]- b` and `b -[r]- a` are one fact.
    pub symmetric: bool,
}

/// A given name's grammatical gender, for pronoun agreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gender {
    /// he, him, his.
    Male,
    /// she, her.
    Female,
}

/// The names of the tables, in load order.
pub const TABLES: [&str; 12] = [
    "countries.tsv",
    "demonyms.tsv",
    "places.tsv",
    "organizations.tsv",
    "titles.tsv",
    "relations.tsv",
    "triggers.tsv",
    "modality.tsv",
    "amounts.tsv",
    "groups.tsv",
    "abbreviations.txt",
    "nonnames.txt",
];

const GIVEN_NAMES: &str = "given_names.tsv";

fn bundled_text(name: &str) -> &'static str {
    match name {
        "countries.tsv" => include_str!("../../data/lexicon/countries.tsv"),
        "demonyms.tsv" => include_str!("../../data/lexicon/demonyms.tsv"),
        "places.tsv" => include_str!("../../data/lexicon/places.tsv"),
        "organizations.tsv" => include_str!("../../data/lexicon/organizations.tsv"),
        "titles.tsv" => include_str!("../../data/lexicon/titles.tsv"),
        "relations.tsv" => include_str!("../../data/lexicon/relations.tsv"),
        "triggers.tsv" => include_str!("../../data/lexicon/triggers.tsv"),
        "modality.tsv" => include_str!("../../data/lexicon/modality.tsv"),
        "amounts.tsv" => include_str!("../../data/lexicon/amounts.tsv"),
        "groups.tsv" => include_str!("../../data/lexicon/groups.tsv"),
        "abbreviations.txt" => include_str!("../../data/lexicon/abbreviations.txt"),
        "nonnames.txt" => include_str!("../../data/lexicon/nonnames.txt"),
        GIVEN_NAMES => include_str!("../../data/lexicon/given_names.tsv"),
        _ => "",
    }
}

/// Every table and automaton the extractor reads.
#[derive(Debug, Clone)]
pub struct Lexicon {
    entries: Vec<Vec<Entry>>,
    entity_scanner: Scanner,
    cues: Vec<Vec<Cue>>,
    cue_scanner: Scanner,
    relations: Vec<RelationType>,
    abbreviations: HashSet<String, FastBuild>,
    nonnames: HashSet<String, FastBuild>,
    given: HashMap<String, Gender, FastBuild>,
    place_country: HashMap<String, String, FastBuild>,
    org_country: HashMap<String, String, FastBuild>,
    countries: HashSet<String, FastBuild>,
}

/// A match of the gazetteer or the cue automaton: byte range and entries.
#[derive(Debug, Clone, Copy)]
pub struct Hit {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// The pattern's index (into entries or cues).
    pub pattern: usize,
}

#[derive(Default)]
struct Builder {
    surfaces: Vec<String>,
    index: HashMap<String, usize>,
    entries: Vec<Vec<Entry>>,
}

impl Builder {
    fn add(&mut self, surface: &str, entry: Entry) {
        // An alias of spaces names nothing (and the automaton takes no
        // empty pattern).
        if surface.is_empty() {
            return;
        }
        let i = *self.index.entry(surface.to_string()).or_insert_with(|| {
            self.surfaces.push(surface.to_string());
            self.entries.push(Vec::new());
            self.surfaces.len() - 1
        });
        self.entries[i].push(entry);
    }
}

#[derive(Default)]
struct CueBuilder {
    surfaces: Vec<String>,
    index: HashMap<String, usize>,
    cues: Vec<Vec<Cue>>,
}

impl CueBuilder {
    fn add(&mut self, surface: &str, cue: Cue) {
        let key = surface.to_lowercase();
        let i = *self.index.entry(key.clone()).or_insert_with(|| {
            self.surfaces.push(key);
            self.cues.push(Vec::new());
            self.surfaces.len() - 1
        });
        self.cues[i].push(cue);
    }
}

fn err(file: &str, line: usize, message: impl Into<String>) -> LexiconError {
    LexiconError {
        file: file.to_string(),
        line,
        message: message.into(),
    }
}

impl Lexicon {
    /// The lexicon of the bundled `data/lexicon/` tables.
    ///
    /// # Example
    /// ```
    /// let lexicon = newsgraph::lexicon::Lexicon::bundled();
    /// assert!(lexicon.relation("MET").is_some());
    /// ```
    pub fn bundled() -> Lexicon {
        // Built once per process (the automata take a moment); a clone
        // shares them. The tables are compiled in and checked by a unit test.
        static BUNDLED: std::sync::OnceLock<Lexicon> = std::sync::OnceLock::new();
        BUNDLED
            .get_or_init(|| {
                Lexicon::from_tables(&[]).expect("the bundled lexicon tables are valid")
            })
            .clone()
    }

    fn empty() -> Lexicon {
        let scanner = Scanner::new(&[], false).expect("an automaton of no patterns builds");
        Lexicon {
            entries: Vec::new(),
            entity_scanner: scanner.clone(),
            cues: Vec::new(),
            cue_scanner: scanner,
            relations: Vec::new(),
            abbreviations: HashSet::default(),
            nonnames: HashSet::default(),
            given: HashMap::default(),
            place_country: HashMap::default(),
            org_country: HashMap::default(),
            countries: HashSet::default(),
        }
    }

    /// The bundled tables extended by `extra`: `(file name, text)` pairs
    /// whose names are among [`TABLES`] (or `given_names.tsv`); their lines
    /// are added after the bundled ones. Errors name `file:line`.
    pub fn from_tables(extra: &[(String, String)]) -> Result<Lexicon, LexiconError> {
        let mut texts: Vec<(String, String)> = TABLES
            .iter()
            .chain(std::iter::once(&GIVEN_NAMES))
            .map(|n| (n.to_string(), bundled_text(n).to_string()))
            .collect();
        for (name, text) in extra {
            match texts.iter().position(|(n, _)| n == name) {
                Some(_) => texts.push((name.clone(), text.clone())),
                None => return Err(err(name, 0, "not a lexicon table name")),
            }
        }
        let mut b = Builder::default();
        let mut c = CueBuilder::default();
        let mut lex = Lexicon::empty();
        // Relation types first: triggers refer to them.
        for (name, text) in texts.iter().filter(|(n, _)| n == "relations.tsv") {
            for row in tsv::rows(name, text, 4, 4)? {
                let labels = |col: &str| -> Result<Vec<Label>, LexiconError> {
                    col.split(',')
                        .map(|l| {
                            Label::parse(l.trim()).ok_or_else(|| {
                                err(name, row.line, format!("unknown label {:?}", l.trim()))
                            })
                        })
                        .collect()
                };
                let symmetric = match row.col(3) {
                    "symmetric" => true,
                    "directed" => false,
                    other => {
                        return Err(err(
                            name,
                            row.line,
                            format!("expected symmetric or directed, found {other:?}"),
                        ));
                    }
                };
                let rel = RelationType {
                    name: row.col(0).to_string(),
                    subject: labels(row.col(1))?,
                    object: labels(row.col(2))?,
                    symmetric,
                };
                match lex.relations.iter_mut().find(|r| r.name == rel.name) {
                    Some(r) => *r = rel,
                    None => lex.relations.push(rel),
                }
            }
        }
        for (name, text) in &texts {
            match name.as_str() {
                "countries.tsv" => {
                    for row in tsv::rows(name, text, 1, 2)? {
                        let canon = row.col(0).to_string();
                        lex.countries.insert(canon.clone());
                        let entry = Entry {
                            kind: EntryKind::Country,
                            canonical: canon.clone(),
                            country: Some(canon.clone()),
                        };
                        b.add(&canon, entry.clone());
                        for alias in row.col(1).split('|').filter(|a| !a.is_empty()) {
                            b.add(alias.trim(), entry.clone());
                        }
                    }
                }
                "demonyms.tsv" => {
                    for row in tsv::rows(name, text, 2, 2)? {
                        let entry = Entry {
                            kind: EntryKind::Demonym,
                            canonical: row.col(1).to_string(),
                            country: Some(row.col(1).to_string()),
                        };
                        b.add(row.col(0), entry);
                    }
                }
                "places.tsv" => {
                    for row in tsv::rows(name, text, 1, 2)? {
                        let country = Some(row.col(1)).filter(|c| !c.is_empty());
                        if let Some(c) = country {
                            lex.place_country
                                .insert(row.col(0).to_string(), c.to_string());
                        }
                        b.add(
                            row.col(0),
                            Entry {
                                kind: EntryKind::Place,
                                canonical: row.col(0).to_string(),
                                country: country.map(str::to_string),
                            },
                        );
                    }
                }
                "organizations.tsv" => {
                    for row in tsv::rows(name, text, 1, 3)? {
                        let country = Some(row.col(2)).filter(|c| !c.is_empty());
                        if let Some(c) = country {
                            lex.org_country
                                .insert(row.col(0).to_string(), c.to_string());
                        }
                        let entry = Entry {
                            kind: EntryKind::Organization,
                            canonical: row.col(0).to_string(),
                            country: country.map(str::to_string),
                        };
                        b.add(row.col(0), entry.clone());
                        for alias in row.col(1).split('|').filter(|a| !a.is_empty()) {
                            b.add(alias.trim(), entry.clone());
                        }
                    }
                }
                "titles.tsv" => {
                    for row in tsv::rows(name, text, 2, 3)? {
                        let kind = match row.col(1) {
                            "title" => EntryKind::Title,
                            "honorific" => EntryKind::Honorific,
                            "modifier" => EntryKind::Modifier,
                            "portfolio" => EntryKind::Portfolio,
                            "head" => EntryKind::Head,
                            "region" => EntryKind::Region,
                            other => {
                                return Err(err(
                                    name,
                                    row.line,
                                    format!(
                                        "expected title, honorific, modifier, portfolio, head or region, found {other:?}"
                                    ),
                                ));
                            }
                        };
                        let country = Some(row.col(2))
                            .filter(|c| !c.is_empty())
                            .map(str::to_string);
                        b.add(
                            row.col(0),
                            Entry {
                                kind,
                                canonical: row.col(0).to_string(),
                                country,
                            },
                        );
                    }
                }
                "triggers.tsv" => {
                    for row in tsv::rows(name, text, 3, 3)? {
                        let relation = lex
                            .relations
                            .iter()
                            .position(|r| r.name == row.col(0))
                            .ok_or_else(|| {
                                err(
                                    name,
                                    row.line,
                                    format!(
                                        "relation type {:?} is not in relations.tsv",
                                        row.col(0)
                                    ),
                                )
                            })?;
                        let frame = match row.col(2) {
                            "forward" => Frame::Forward,
                            "passive" => Frame::Passive,
                            "guest" => Frame::Guest,
                            "pair" => Frame::Pair,
                            "host" => Frame::Host,
                            other => {
                                return Err(err(
                                    name,
                                    row.line,
                                    format!(
                                        "expected forward, passive, guest, pair or host, found {other:?}"
                                    ),
                                ));
                            }
                        };
                        c.add(row.col(1), Cue::Trigger { relation, frame });
                    }
                }
                "modality.tsv" => {
                    for row in tsv::rows(name, text, 2, 3)? {
                        let effect = match row.col(1) {
                            "planned" => CueEffect::Planned,
                            "negated" => CueEffect::Negated,
                            "excluded" => CueEffect::Excluded,
                            other => {
                                return Err(err(
                                    name,
                                    row.line,
                                    format!(
                                        "expected planned, negated or excluded, found {other:?}"
                                    ),
                                ));
                            }
                        };
                        let types = row
                            .col(2)
                            .split(',')
                            .map(str::trim)
                            .filter(|t| !t.is_empty())
                            .map(str::to_string)
                            .collect();
                        c.add(row.col(0), Cue::Modality { effect, types });
                    }
                }
                "amounts.tsv" => {
                    for row in tsv::rows(name, text, 3, 3)? {
                        let cue = match row.col(1) {
                            "scale" => Cue::Scale(row.col(2).parse().map_err(|_| {
                                err(
                                    name,
                                    row.line,
                                    format!("expected a number, found {:?}", row.col(2)),
                                )
                            })?),
                            "currency" => Cue::Currency(row.col(2).to_string()),
                            other => {
                                return Err(err(
                                    name,
                                    row.line,
                                    format!("expected scale or currency, found {other:?}"),
                                ));
                            }
                        };
                        c.add(row.col(0), cue);
                    }
                }
                "groups.tsv" => {
                    for row in tsv::rows(name, text, 2, 2)? {
                        let kind = match row.col(1) {
                            "collective" => GroupKind::Collective,
                            "pair-person" => GroupKind::PairPerson,
                            "pair-country" => GroupKind::PairCountry,
                            other => {
                                return Err(err(
                                    name,
                                    row.line,
                                    format!(
                                        "expected collective, pair-person or pair-country, found {other:?}"
                                    ),
                                ));
                            }
                        };
                        c.add(row.col(0), Cue::Group(kind));
                    }
                }
                "abbreviations.txt" => {
                    for row in tsv::rows(name, text, 1, 1)? {
                        lex.abbreviations.insert(row.col(0).to_string());
                    }
                }
                "nonnames.txt" => {
                    for row in tsv::rows(name, text, 1, 1)? {
                        lex.nonnames.insert(row.col(0).to_string());
                    }
                }
                GIVEN_NAMES => {
                    for row in tsv::rows(name, text, 2, 2)? {
                        let g = match row.col(1) {
                            "m" => Gender::Male,
                            "f" => Gender::Female,
                            other => {
                                return Err(err(
                                    name,
                                    row.line,
                                    format!("expected m or f, found {other:?}"),
                                ));
                            }
                        };
                        lex.given.insert(row.col(0).to_string(), g);
                    }
                }
                _ => {}
            }
        }
        lex.entity_scanner = Scanner::new(&b.surfaces, false)?;
        lex.entries = b.entries;
        lex.cue_scanner = Scanner::new(&c.surfaces, true)?;
        lex.cues = c.cues;
        Ok(lex)
    }

    /// The relation types, in table order.
    pub fn relations(&self) -> &[RelationType] {
        &self.relations
    }

    /// The relation type named `name`.
    pub fn relation(&self, name: &str) -> Option<&RelationType> {
        self.relations.iter().find(|r| r.name == name)
    }

    /// Gazetteer matches in `text` (case-sensitive, whole words,
    /// leftmost-longest), in text order.
    pub fn entity_hits(&self, text: &str) -> Vec<Hit> {
        self.entity_scanner.hits(text)
    }

    /// The entries of a gazetteer pattern.
    pub fn entries(&self, pattern: usize) -> &[Entry] {
        self.entries.get(pattern).map_or(&[], |v| v.as_slice())
    }

    /// Cue matches in `text` (ignoring ASCII case, whole words,
    /// leftmost-longest), in text order.
    pub fn cue_hits(&self, text: &str) -> Vec<Hit> {
        self.cue_scanner.hits(text)
    }

    /// The cues of a cue pattern.
    pub fn cues(&self, pattern: usize) -> &[Cue] {
        self.cues.get(pattern).map_or(&[], |v| v.as_slice())
    }

    /// Whether `word` (with its final period) is an abbreviation.
    pub fn is_abbreviation(&self, word: &str) -> bool {
        self.abbreviations.contains(word)
    }

    /// Whether a capitalised `word` never belongs to a person's name.
    pub fn is_nonname(&self, word: &str) -> bool {
        self.nonnames.contains(word)
    }

    /// The gender of a given name, when the table knows it.
    pub fn gender(&self, given: &str) -> Option<Gender> {
        self.given.get(given).copied()
    }

    /// The country a place lies in, when known.
    pub fn place_country(&self, place: &str) -> Option<&str> {
        self.place_country.get(place).map(String::as_str)
    }

    /// The country an organisation belongs to, when known.
    pub fn org_country(&self, org: &str) -> Option<&str> {
        self.org_country.get(org).map(String::as_str)
    }

    /// Whether `name` is a canonical country name.
    pub fn is_country(&self, name: &str) -> bool {
        self.countries.contains(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_tables_load() {
        let lex = Lexicon::from_tables(&[]).unwrap();
        assert!(lex.relations().len() >= 4);
        let hits = lex.entity_hits("Chinese President Hu visited the U.S. and Beijing.");
        let kinds: Vec<_> = hits
            .iter()
            .map(|h| lex.entries(h.pattern)[0].canonical.as_str())
            .collect();
        assert_eq!(kinds, ["China", "President", "United States", "Beijing"]);
    }

    #[test]
    fn extension_tables_add_lines_and_report_errors() {
        let extra = vec![(
            "countries.tsv".to_string(),
            "Freedonia\tFreedonian Republic\n".to_string(),
        )];
        let lex = Lexicon::from_tables(&extra).unwrap();
        assert!(lex.is_country("Freedonia"));
        let bad = vec![(
            "triggers.tsv".to_string(),
            "# x\nSPIED\tspied on\tforward\n".to_string(),
        )];
        let e = Lexicon::from_tables(&bad).unwrap_err();
        assert_eq!(
            e.to_string(),
            "triggers.tsv:2: relation type \"SPIED\" is not in relations.tsv"
        );
    }
}
