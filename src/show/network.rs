//! The network picture: nodes as circles coloured by label and named,
//! relationships as arrows labelled by type and date, a legend and a title.
//!
//! Reads the graph and the scene, never changes them. The layout comes from
//! [`super::layout`]; this file decides sizes, names, curves and the SVG.

use std::collections::BTreeMap;
use std::f64::consts::PI;
use std::fmt::Write as _;

use super::layout::{Point, layout};
use super::svg::{self, NO_LABEL_COLOUR, Rect, escape, num, text_width};
use super::{Options, Scene, edge_date, node_name, primary_label};
use crate::graph::{EdgeId, Graph, NodeId};

const MARGIN: f64 = 24.0;
const TITLE_HEIGHT: f64 = 44.0;
const NAME_SIZE: f64 = 12.0;
const EDGE_LABEL_SIZE: f64 = 9.5;
const LEGEND_SIZE: f64 = 12.0;
const LEGEND_LINE: f64 = 20.0;
/// The distance between the apexes of parallel edges.
const PARALLEL_SPACING: f64 = 26.0;
/// Scenes up to this many nodes name every node, even where names touch.
const ALWAYS_NAME: usize = 40;
/// Names longer than this many characters are shortened.
const NAME_CHARS: usize = 28;

struct Node {
    id: NodeId,
    name: String,
    label: Option<String>,
    colour: &'static str,
    degree: usize,
    radius: f64,
    at: Point,
    /// Where the name is written (centre of the baseline), when it is.
    name_at: Option<Point>,
}

struct Edge {
    id: EdgeId,
    source: usize,
    target: usize,
    ty: String,
    date: Option<String>,
    /// SVG path data, in layout coordinates.
    path: Vec<PathPart>,
    /// The middle of the curve and the angle of the text there, in degrees.
    label_at: Point,
    label_angle: f64,
    labelled: bool,
    /// Start, control and end of a quadratic curve (all but self-loops).
    quad: Option<[Point; 3]>,
}

enum PathPart {
    Move(Point),
    Quad(Point, Point),
    Cubic(Point, Point, Point),
}

/// Renders `scene` as a standalone SVG document.
pub(crate) fn render(graph: &Graph, scene: &Scene, options: &Options) -> String {
    let mut nodes: Vec<Node> = scene
        .nodes()
        .filter_map(|id| {
            let node = graph.node(id)?;
            let label = primary_label(&node);
            Some(Node {
                id,
                name: node_name(&node),
                colour: label.as_deref().map_or(NO_LABEL_COLOUR, svg::label_colour),
                label,
                degree: 0,
                radius: 0.0,
                at: Point { x: 0.0, y: 0.0 },
                name_at: None,
            })
        })
        .collect();
    let index: BTreeMap<NodeId, usize> = nodes.iter().enumerate().map(|(i, n)| (n.id, i)).collect();
    let mut edges: Vec<Edge> = scene
        .edges()
        .filter_map(|id| {
            let edge = graph.edge(id)?;
            Some(Edge {
                id,
                source: *index.get(&edge.source())?,
                target: *index.get(&edge.target())?,
                ty: edge.edge_type().to_string(),
                date: edge_date(&edge).map(|d| d.to_string()),
                path: Vec::new(),
                label_at: Point { x: 0.0, y: 0.0 },
                label_angle: 0.0,
                labelled: false,
                quad: None,
            })
        })
        .collect();
    for e in &edges {
        for end in [e.source, e.target] {
            if let Some(n) = nodes.get_mut(end) {
                n.degree += 1;
            }
        }
    }
    for n in &mut nodes {
        n.radius = (8.0 + 2.2 * (n.degree as f64).sqrt()).min(22.0);
    }
    let radii: Vec<f64> = nodes.iter().map(|n| n.radius).collect();
    let links: Vec<(usize, usize)> = edges.iter().map(|e| (e.source, e.target)).collect();
    for (n, at) in nodes.iter_mut().zip(layout(&radii, &links)) {
        n.at = at;
    }
    place_names(&mut nodes, &links, options);
    shape_edges(&mut edges, &nodes);
    choose_edge_labels(&mut edges, &nodes, options);
    place_edge_labels(&mut edges, &nodes);
    write_svg(&nodes, &edges, options)
}

/// Names the best-connected nodes first, each around its circle wherever
/// it covers the least of the names and circles already there, and then of
/// the edges (taken as straight lines between centres). In a large scene a
/// name that would cover another name or a circle is left out (it stays in
/// the node's tooltip); crossing an edge only makes a place less good.
fn place_names(nodes: &mut [Node], links: &[(usize, usize)], options: &Options) {
    let mut order: Vec<usize> = (0..nodes.len()).collect();
    order.sort_by(|a, b| nodes[*b].degree.cmp(&nodes[*a].degree).then(a.cmp(b)));
    let always = nodes.len() <= ALWAYS_NAME.min(options.max_node_labels);
    let mut taken: Vec<Rect> = Vec::new();
    for &i in order.iter().take(options.max_node_labels) {
        let n = &nodes[i];
        let text = svg::shorten(&n.name, NAME_CHARS);
        let w = text_width(&text, NAME_SIZE);
        let (x, y, r) = (n.at.x, n.at.y, n.radius);
        let side = r + 4.0 + w / 2.0;
        let (below, above, middle) = (y + r + NAME_SIZE + 1.0, y - r - 4.0, y + NAME_SIZE * 0.35);
        let diagonal = r * 0.7 + 2.0 + w / 2.0;
        let candidates = [
            Point { x, y: below },
            Point { x, y: above },
            Point {
                x: x + side,
                y: middle,
            },
            Point {
                x: x - side,
                y: middle,
            },
            Point {
                x: x + diagonal,
                y: y + r * 0.7 + NAME_SIZE,
            },
            Point {
                x: x - diagonal,
                y: y + r * 0.7 + NAME_SIZE,
            },
            Point {
                x: x + diagonal,
                y: y - r * 0.7 - 2.0,
            },
            Point {
                x: x - diagonal,
                y: y - r * 0.7 - 2.0,
            },
        ];
        let mut best: Option<(f64, f64, Point, Rect)> = None;
        for c in candidates {
            let rect = Rect::text(c.x, c.y, w, NAME_SIZE);
            let hard: f64 = taken.iter().map(|t| t.overlap(&rect)).sum::<f64>()
                + nodes
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != i)
                    .map(|(_, m)| rect.overlap_circle(m.at.x, m.at.y, m.radius))
                    .sum::<f64>();
            // A pixel of line under a name costs about as much as a few
            // square pixels of another name.
            let soft: f64 = links
                .iter()
                .filter_map(|(a, b)| Some((nodes.get(*a)?.at, nodes.get(*b)?.at)))
                .map(|(a, b)| rect.clipped_length(a, b) * 6.0)
                .sum();
            if best.as_ref().is_none_or(|(h, so, ..)| hard + soft < h + so) {
                best = Some((hard, soft, c, rect));
            }
        }
        if let Some((hard, _, at, rect)) = best
            && (always || hard == 0.0)
        {
            taken.push(rect);
            nodes[i].name_at = Some(at);
        }
    }
}

/// Gives every edge its curve. Edges between the same two nodes (in either
/// direction) bow out to alternate sides by growing offsets, measured from
/// the line between the lower and the higher node index, so that an edge
/// and its reverse never coincide. Self-loops grow in size instead.
fn shape_edges(edges: &mut [Edge], nodes: &[Node]) {
    let mut groups: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
    for (i, e) in edges.iter().enumerate() {
        let key = (e.source.min(e.target), e.source.max(e.target));
        groups.entry(key).or_default().push(i);
    }
    for ((lo, hi), members) in groups {
        let count = members.len();
        for (k, &i) in members.iter().enumerate() {
            let (Some(a), Some(b)) = (nodes.get(lo), nodes.get(hi)) else {
                continue;
            };
            let e = &mut edges[i];
            if lo == hi {
                shape_loop(e, a, k);
                continue;
            }
            let offset = (k as f64 - (count as f64 - 1.0) / 2.0) * PARALLEL_SPACING;
            let (dx, dy) = (b.at.x - a.at.x, b.at.y - a.at.y);
            let len = (dx * dx + dy * dy).sqrt().max(0.01);
            let (nx, ny) = (-dy / len, dx / len);
            let control = Point {
                x: (a.at.x + b.at.x) / 2.0 + nx * offset * 2.0,
                y: (a.at.y + b.at.y) / 2.0 + ny * offset * 2.0,
            };
            let (from, to) = if e.source == lo { (a, b) } else { (b, a) };
            let start = towards(from.at, control, from.radius);
            // The arrowhead's tip ends on the target's rim.
            let end = towards(to.at, control, to.radius + 1.0);
            e.label_at = Point {
                x: 0.25 * start.x + 0.5 * control.x + 0.25 * end.x,
                y: 0.25 * start.y + 0.5 * control.y + 0.25 * end.y,
            };
            let angle = (end.y - start.y).atan2(end.x - start.x) * 180.0 / PI;
            e.label_angle = upright(angle);
            e.quad = Some([start, control, end]);
            e.path = vec![PathPart::Move(start), PathPart::Quad(control, end)];
        }
    }
}

/// An angle in degrees turned so that text along it is never upside down.
fn upright(angle: f64) -> f64 {
    if angle > 90.0 {
        angle - 180.0
    } else if angle < -90.0 {
        angle + 180.0
    } else {
        angle
    }
}

/// Moves each edge label along its curve (from the middle towards either
/// end) to where it covers the least of the node circles, the names and
/// the edge labels already placed.
fn place_edge_labels(edges: &mut [Edge], nodes: &[Node]) {
    let mut taken: Vec<Rect> = nodes
        .iter()
        .filter_map(|n| {
            let at = n.name_at?;
            let w = text_width(&svg::shorten(&n.name, NAME_CHARS), NAME_SIZE);
            Some(Rect::text(at.x, at.y, w, NAME_SIZE))
        })
        .collect();
    for e in edges.iter_mut().filter(|e| e.labelled) {
        let w = text_width(&edge_text(e), EDGE_LABEL_SIZE);
        let Some([s, c, end]) = e.quad else {
            taken.push(turned_box(e.label_at, w, EDGE_LABEL_SIZE, e.label_angle));
            continue;
        };
        let mut best: Option<(f64, Point, f64, Rect)> = None;
        for t in [0.5, 0.4, 0.6, 0.3, 0.7] {
            let u = 1.0 - t;
            let at = Point {
                x: u * u * s.x + 2.0 * u * t * c.x + t * t * end.x,
                y: u * u * s.y + 2.0 * u * t * c.y + t * t * end.y,
            };
            let (dx, dy) = (
                2.0 * u * (c.x - s.x) + 2.0 * t * (end.x - c.x),
                2.0 * u * (c.y - s.y) + 2.0 * t * (end.y - c.y),
            );
            let angle = upright(dy.atan2(dx) * 180.0 / PI);
            let rect = turned_box(at, w, EDGE_LABEL_SIZE, angle);
            let cover: f64 = taken.iter().map(|r| r.overlap(&rect)).sum::<f64>()
                + nodes
                    .iter()
                    .map(|n| rect.overlap_circle(n.at.x, n.at.y, n.radius))
                    .sum::<f64>();
            if best.as_ref().is_none_or(|(b, ..)| cover < *b) {
                best = Some((cover, at, angle, rect));
            }
        }
        if let Some((_, at, angle, rect)) = best {
            e.label_at = at;
            e.label_angle = angle;
            taken.push(rect);
        }
    }
}

fn shape_loop(e: &mut Edge, n: &Node, k: usize) {
    let size = 20.0 + 12.0 * k as f64;
    let (x, y, r) = (n.at.x, n.at.y, n.radius);
    let start = Point {
        x: x - r * 0.5,
        y: y - r * 0.866,
    };
    let end = Point {
        x: x + r * 0.5,
        y: y - r * 0.866 - 1.0,
    };
    let c1 = Point {
        x: x - size,
        y: y - r - size * 1.5,
    };
    let c2 = Point {
        x: x + size,
        y: y - r - size * 1.5,
    };
    e.label_at = Point {
        x,
        y: 0.125 * start.y + 0.375 * c1.y + 0.375 * c2.y + 0.125 * end.y - 6.0,
    };
    e.label_angle = 0.0;
    e.path = vec![PathPart::Move(start), PathPart::Cubic(c1, c2, end)];
}

/// The point on the rim of a circle around `centre` towards `to`.
fn towards(centre: Point, to: Point, radius: f64) -> Point {
    let (dx, dy) = (to.x - centre.x, to.y - centre.y);
    let len = (dx * dx + dy * dy).sqrt();
    if len < 0.01 {
        return centre;
    }
    Point {
        x: centre.x + dx / len * radius,
        y: centre.y + dy / len * radius,
    }
}

/// Labels every edge of a small scene; in a large one only the edges
/// between named nodes, the best-connected first, up to the limit.
fn choose_edge_labels(edges: &mut [Edge], nodes: &[Node], options: &Options) {
    if edges.len() <= options.max_edge_labels {
        for e in edges.iter_mut() {
            e.labelled = true;
        }
        return;
    }
    let weight = |e: &Edge| {
        nodes.get(e.source).map_or(0, |n| n.degree) + nodes.get(e.target).map_or(0, |n| n.degree)
    };
    let named = |i: usize| nodes.get(i).is_some_and(|n| n.name_at.is_some());
    let mut order: Vec<usize> = (0..edges.len())
        .filter(|i| named(edges[*i].source) && named(edges[*i].target))
        .collect();
    order.sort_by(|a, b| weight(&edges[*b]).cmp(&weight(&edges[*a])).then(a.cmp(b)));
    for i in order.into_iter().take(options.max_edge_labels) {
        edges[i].labelled = true;
    }
}

fn edge_text(e: &Edge) -> String {
    match &e.date {
        Some(d) => format!("{} {d}", e.ty),
        None => e.ty.clone(),
    }
}

/// The corners of a text box of `width` centred on `at`, turned by `angle`.
fn turned_box(at: Point, width: f64, size: f64, angle: f64) -> Rect {
    let (s, c) = (angle * PI / 180.0).sin_cos();
    let mut rect = Rect::empty();
    for (dx, dy) in [(-0.5, -0.6), (0.5, -0.6), (-0.5, 0.6), (0.5, 0.6)] {
        let (px, py) = (dx * width, dy * size);
        rect.include(at.x + px * c - py * s, at.y + px * s + py * c);
    }
    rect
}

fn write_svg(nodes: &[Node], edges: &[Edge], options: &Options) -> String {
    // The drawing's extent, in layout coordinates.
    let mut bounds = Rect::empty();
    for n in nodes {
        bounds.include(n.at.x - n.radius, n.at.y - n.radius);
        bounds.include(n.at.x + n.radius, n.at.y + n.radius);
        if let Some(at) = n.name_at {
            let w = text_width(&svg::shorten(&n.name, NAME_CHARS), NAME_SIZE);
            bounds.union(&Rect::text(at.x, at.y, w, NAME_SIZE));
        }
    }
    for e in edges {
        for part in &e.path {
            match part {
                PathPart::Move(p) => bounds.include(p.x, p.y),
                PathPart::Quad(c, p) => {
                    bounds.include(c.x, c.y);
                    bounds.include(p.x, p.y);
                }
                PathPart::Cubic(c1, c2, p) => {
                    bounds.include(c1.x, c1.y);
                    bounds.include(c2.x, c2.y);
                    bounds.include(p.x, p.y);
                }
            }
        }
        if e.labelled {
            let w = text_width(&edge_text(e), EDGE_LABEL_SIZE);
            bounds.union(&turned_box(e.label_at, w, EDGE_LABEL_SIZE, e.label_angle));
        }
    }
    if bounds.is_empty() {
        bounds = Rect {
            x0: 0.0,
            y0: 0.0,
            x1: 200.0,
            y1: 60.0,
        };
    }

    // The legend: labels, then relationship types, most frequent first.
    let mut label_counts: BTreeMap<(&str, &'static str), usize> = BTreeMap::new();
    for n in nodes {
        *label_counts
            .entry((n.label.as_deref().unwrap_or("(no label)"), n.colour))
            .or_default() += 1;
    }
    let mut type_counts: BTreeMap<&str, usize> = BTreeMap::new();
    for e in edges {
        *type_counts.entry(e.ty.as_str()).or_default() += 1;
    }
    let mut labels: Vec<((&str, &str), usize)> = label_counts.into_iter().collect();
    labels.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut types: Vec<(&str, usize)> = type_counts.into_iter().collect();
    types.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let legend_lines: Vec<String> = labels
        .iter()
        .map(|((l, _), c)| format!("{l} ({c})"))
        .chain(types.iter().map(|(t, c)| format!("{t} ({c})")))
        .collect();
    let legend_width = legend_lines
        .iter()
        .map(|l| text_width(l, LEGEND_SIZE))
        .fold(text_width("Relationships", LEGEND_SIZE), f64::max)
        + 36.0;
    let legend_height = LEGEND_LINE * (legend_lines.len() as f64 + 2.5);

    let draw_w = bounds.x1 - bounds.x0;
    let draw_h = bounds.y1 - bounds.y0;
    let title = svg::shorten(&options.title, 120);
    let width = (MARGIN * 3.0 + draw_w + legend_width)
        .max(MARGIN * 2.0 + text_width(&title, 18.0))
        .ceil();
    let height = (TITLE_HEIGHT + MARGIN + draw_h.max(legend_height)).ceil();
    // Layout coordinates to picture coordinates: the drawing sits under the
    // title, at the left margin.
    let dx = MARGIN - bounds.x0;
    let dy = TITLE_HEIGHT - bounds.y0 + (draw_h.max(legend_height) - draw_h) / 2.0;
    let map = |p: Point| (num(p.x + dx), num(p.y + dy));

    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" class="newsgraph-network">"#,
        w = num(width),
        h = num(height)
    );
    let _ = write!(out, "<title>{}</title>", escape(&title));
    out.push_str(concat!(
        "<style>",
        "text{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;fill:#222}",
        ".halo{paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}",
        ".edge path{fill:none;stroke-width:1.6;stroke-opacity:.85}",
        ".node circle{stroke:#fff;stroke-width:1.5}",
        ".name{font-size:12px;text-anchor:middle}",
        ".etype{font-size:9.5px;text-anchor:middle}",
        ".title{font-size:18px;font-weight:bold}",
        ".legend text{font-size:12px}",
        ".legend .head{font-weight:bold}",
        "</style>"
    ));
    out.push_str("<defs>");
    for (i, (ty, _)) in types.iter().enumerate() {
        let _ = write!(
            out,
            r#"<marker id="arrow{i}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0L10,5L0,10z" fill="{}"/></marker>"#,
            svg::type_colour(ty)
        );
    }
    out.push_str("</defs>");
    let _ = write!(
        out,
        r##"<rect class="background" x="0" y="0" width="{}" height="{}" fill="#fff"/>"##,
        num(width),
        num(height)
    );
    let _ = write!(
        out,
        r#"<text class="title" x="{}" y="{}">{}</text>"#,
        num(MARGIN),
        num(MARGIN + 6.0),
        escape(&title)
    );

    out.push_str(r#"<g class="edges">"#);
    for e in edges {
        let marker = types.iter().position(|(t, _)| *t == e.ty).unwrap_or(0);
        let colour = svg::type_colour(&e.ty);
        let mut d = String::new();
        for part in &e.path {
            let (cmd, points): (&str, Vec<Point>) = match part {
                PathPart::Move(p) => ("M", vec![*p]),
                PathPart::Quad(c, p) => ("Q", vec![*c, *p]),
                PathPart::Cubic(c1, c2, p) => ("C", vec![*c1, *c2, *p]),
            };
            d.push_str(cmd);
            let coords: Vec<String> = points
                .into_iter()
                .map(|p| {
                    let (x, y) = map(p);
                    format!("{x},{y}")
                })
                .collect();
            d.push_str(&coords.join(" "));
        }
        let from = nodes.get(e.source).map_or("", |n| n.name.as_str());
        let to = nodes.get(e.target).map_or("", |n| n.name.as_str());
        let _ = write!(
            out,
            r#"<g class="edge" id="e{}" data-type="{}"><path d="{d}" stroke="{colour}" marker-end="url(#arrow{marker})"/>"#,
            e.id.0,
            escape(&e.ty),
        );
        if e.labelled {
            let (x, y) = map(e.label_at);
            let _ = write!(
                out,
                r#"<text class="etype halo" x="{x}" y="{y}" dy="3.3" transform="rotate({} {x} {y})" fill="{colour}">{}</text>"#,
                num(e.label_angle),
                escape(&edge_text(e))
            );
        }
        let _ = write!(
            out,
            "<title>{} -[{}]-> {}</title></g>",
            escape(from),
            escape(&edge_text(e)),
            escape(to)
        );
    }
    out.push_str("</g>");

    out.push_str(r#"<g class="nodes">"#);
    for n in nodes {
        let (cx, cy) = map(n.at);
        let label = n.label.as_deref().unwrap_or("");
        let _ = write!(
            out,
            r#"<g class="node" id="n{}" data-label="{}"><circle cx="{cx}" cy="{cy}" r="{}" fill="{}"/>"#,
            n.id.0,
            escape(label),
            num(n.radius),
            n.colour
        );
        if let Some(at) = n.name_at {
            let (x, y) = map(at);
            let _ = write!(
                out,
                r#"<text class="name halo" x="{x}" y="{y}">{}</text>"#,
                escape(&svg::shorten(&n.name, NAME_CHARS))
            );
        }
        let _ = write!(
            out,
            "<title>{} ({})</title></g>",
            escape(&n.name),
            escape(label)
        );
    }
    out.push_str("</g>");

    let lx = MARGIN * 2.0 + draw_w;
    let mut ly = TITLE_HEIGHT + LEGEND_LINE * 0.5;
    out.push_str(r#"<g class="legend">"#);
    let _ = write!(
        out,
        r#"<text class="head" x="{}" y="{}">Labels</text>"#,
        num(lx),
        num(ly)
    );
    for ((label, colour), count) in &labels {
        ly += LEGEND_LINE;
        let _ = write!(
            out,
            r#"<circle cx="{}" cy="{}" r="6" fill="{colour}"/><text x="{}" y="{}">{} ({count})</text>"#,
            num(lx + 6.0),
            num(ly - 4.0),
            num(lx + 18.0),
            num(ly),
            escape(label)
        );
    }
    if !types.is_empty() {
        ly += LEGEND_LINE * 1.5;
        let _ = write!(
            out,
            r#"<text class="head" x="{}" y="{}">Relationships</text>"#,
            num(lx),
            num(ly)
        );
    }
    for (ty, count) in &types {
        ly += LEGEND_LINE;
        let _ = write!(
            out,
            r#"<line x1="{}" y1="{y}" x2="{}" y2="{y}" stroke="{}" stroke-width="3"/><text x="{}" y="{}">{} ({count})</text>"#,
            num(lx),
            num(lx + 13.0),
            svg::type_colour(ty),
            num(lx + 18.0),
            num(ly),
            escape(ty),
            y = num(ly - 4.0),
        );
    }
    out.push_str("</g></svg>\n");
    out
}
