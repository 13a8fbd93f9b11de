//! Pictures: what a query returns, drawn as a standalone SVG.
//!
//! - [`Scene`] says what to draw: node and relationship ids of one graph,
//!   filled from ids, from the values of a query result
//!   ([`Scene::collect`], [`Scene::from_rows`]) or around a named node
//!   ([`around`]).
//! - [`render_svg`] draws the network: a force-directed layout of its own
//!   (deterministic: the same graph gives the same bytes), nodes coloured by
//!   label and named, edges labelled by type and date, a legend and a title.
//! - [`render_timeline`] draws the dated relationships along a time axis,
//!   one row per person or country.
//!
//! This module only reads the graph. It does not run queries or know about
//! the command line: callers hand it a graph and a scene and write the
//! returned text where they like. The one exception is [`repl`], the thin
//! adapter behind the REPL's `:show`, `:timeline` and `:around`, which
//! writes the file it is asked for.
//!
//! # Example: the people Yoshihiko Noda met
//!
//! ```
//! use newsgraph::graph::{Graph, PropertyValue};
//! use newsgraph::show::{self, Options};
//!
//! let mut g = Graph::new();
//! let noda = g.add_node(["Person"], [("name", "Yoshihiko Noda".into())]);
//! let hu = g.add_node(["Person"], [("name", "Hu Jintao".into())]);
//! let date = PropertyValue::Date(newsgraph::graph::PartialDate::month(2011, 12).unwrap());
//! g.add_edge(hu, noda, "MET", [("date", date)]).unwrap();
//!
//! g.add_alias(noda, "Noda");
//! let scene = show::around(&g, "Noda", 1).unwrap();
//! let svg = show::render_svg(&g, &scene, &Options::titled("Who met Noda"));
//! assert!(svg.contains("Hu Jintao") && svg.contains("MET 2011-12"));
//! let timeline = show::render_timeline(&g, &scene, &Options::titled("When"));
//! assert!(timeline.contains("2011-12"));
//! ```

mod collect;
mod layout;
mod network;
pub mod repl;
mod scene;
mod svg;
mod timeline;

pub use scene::{Scene, around};

use crate::graph::{EdgeRef, NodeRef, PartialDate, PropertyValue};

/// How a picture is drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The heading on top of the picture, also its SVG `<title>`.
    pub title: String,
    /// At most this many node names are written, best-connected first; in
    /// scenes of more than 40 nodes a name that would cover another is also
    /// left out. Every node keeps its name as a hover tooltip.
    pub max_node_labels: usize,
    /// Scenes with at most this many relationships label every one; larger
    /// scenes label only relationships between named nodes, up to this many.
    pub max_edge_labels: usize,
}

impl Options {
    /// The default options with a title.
    pub fn titled(title: impl Into<String>) -> Options {
        Options {
            title: title.into(),
            ..Options::default()
        }
    }
}

impl Default for Options {
    fn default() -> Options {
        Options {
            title: "newsgraph".to_string(),
            max_node_labels: 60,
            max_edge_labels: 80,
        }
    }
}

/// Why a picture cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShowError {
    /// `:around "Nobody"`: no node has this name or alias.
    #[error("no node is named {0:?}")]
    UnknownName(String),
}

/// Draws the nodes and relationships of `scene` as a standalone SVG
/// document (no scripts, fonts or images from elsewhere).
///
/// Each node is a `<g class="node" id="n{id}">` holding a circle, its name
/// (unless hidden in a large scene) and a tooltip; each relationship is a
/// `<g class="edge" id="e{id}">` holding its path, its label and a tooltip.
pub fn render_svg(graph: &crate::graph::Graph, scene: &Scene, options: &Options) -> String {
    network::render(graph, scene, options)
}

/// Draws the dated relationships of `scene` along a time axis, one row per
/// person or country at either end (other nodes get a row only when neither
/// end is a person or a country). A date known to the year spans the year,
/// one known to the month spans the month.
///
/// Each mark is a `<g class="event" data-edge="{id}">` in a
/// `<g class="row" id="row-n{id}">`. A scene without dated relationships
/// gives a picture that says so; [`dated_edge_count`] tells beforehand.
pub fn render_timeline(graph: &crate::graph::Graph, scene: &Scene, options: &Options) -> String {
    timeline::render(graph, scene, options)
}

/// How many relationships of `scene` have a date the timeline can place.
pub fn dated_edge_count(graph: &crate::graph::Graph, scene: &Scene) -> usize {
    scene
        .edges()
        .filter(|e| graph.edge(*e).as_ref().and_then(edge_date).is_some())
        .count()
}

/// The date of a relationship: its `date` property, as a date or as text in
/// the form `2011`, `2011-12` or `2011-12-27`.
pub(crate) fn edge_date(edge: &EdgeRef<'_>) -> Option<PartialDate> {
    match edge.property("date")? {
        PropertyValue::Date(d) => Some(*d),
        PropertyValue::String(s) => PartialDate::parse(s.trim()).ok(),
        _ => None,
    }
}

/// A node's name for people: its `name` property, else its first label
/// and id.
pub(crate) fn node_name(node: &NodeRef<'_>) -> String {
    match node.name() {
        Some(name) => name.to_string(),
        None => match node.labels().next() {
            Some(label) => format!("{label} #{}", node.id().0),
            None => format!("#{}", node.id().0),
        },
    }
}

/// The label that colours a node: its first.
pub(crate) fn primary_label(node: &NodeRef<'_>) -> Option<String> {
    node.labels().next().map(str::to_string)
}
