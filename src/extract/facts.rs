//! What extraction hands to the graph: the entities of one document and
//! the relations between them, with their evidence.

use crate::graph::PartialDate;
use crate::lexicon::{Label, Modality};
use crate::span::Span;

/// An entity of one document, after coreference.
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    /// Its label.
    pub label: Label,
    /// Its canonical name within the document (the fullest form given).
    pub name: String,
    /// Other surface forms resolved to it ("Noda", "Prime Minister Noda").
    pub aliases: Vec<String>,
    /// A person's title ("Prime Minister").
    pub title: Option<String>,
    /// Where it is mentioned by name (byte spans into the document's text).
    pub mentions: Vec<Span>,
    /// The country a place or organisation lies in, when the lexicon knows.
    pub country: Option<String>,
}

/// A relation stated by one sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Relation {
    /// The edge type (`MET`, `VISITED`, ..., or a type of the user's).
    pub ty: String,
    /// Index of the subject in [`DocFacts::entities`].
    pub subject: usize,
    /// Index of the object in [`DocFacts::entities`].
    pub object: usize,
    /// Whether the type is symmetric.
    pub symmetric: bool,
    /// The sentence's byte span in the document's text.
    pub sentence: Span,
    /// The sentence, verbatim.
    pub sentence_text: String,
    /// When it happened, as precisely as the text says.
    pub date: Option<PartialDate>,
    /// Whether it happened, is planned or did not happen.
    pub modality: Modality,
    /// An amount of money stated with it (trade volume).
    pub amount: Option<i64>,
    /// The amount's currency (ISO code).
    pub currency: Option<String>,
    /// The title behind an `OFFICIAL_OF` edge.
    pub title: Option<String>,
}

/// Everything one document states.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DocFacts {
    /// The document's id.
    pub doc: String,
    /// How many sentences it has.
    pub sentences: usize,
    /// Its entities.
    pub entities: Vec<Entity>,
    /// Its relations, in text order.
    pub relations: Vec<Relation>,
}

/// Something extraction noticed but could not use; never an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Where, in the document's text.
    pub span: Span,
    /// What.
    pub message: String,
}
