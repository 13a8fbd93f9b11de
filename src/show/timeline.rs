//! The timeline picture: dated relationships along a time axis, one row per
//! person or country, each mark spanning the precision of its date.
//!
//! Reads the graph and the scene, never changes them; knows nothing of the
//! network layout.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::svg::{self, NO_LABEL_COLOUR, escape, num, text_width};
use super::{Options, Scene, edge_date, node_name, primary_label};
use crate::graph::{EdgeId, Graph, NodeId, PartialDate};

const MARGIN: f64 = 24.0;
const TITLE_HEIGHT: f64 = 48.0;
const PLOT_WIDTH: f64 = 900.0;
const LANE: f64 = 22.0;
const BAR: f64 = 17.0;
const ROW_PAD: f64 = 6.0;
const TEXT_SIZE: f64 = 11.0;
const NAME_SIZE: f64 = 12.0;
const AXIS_HEIGHT: f64 = 34.0;
const LEGEND_HEIGHT: f64 = 44.0;
/// The narrowest mark, so that a date known to the day stays visible.
const MIN_BAR: f64 = 7.0;
/// Labels that name counterparts are shortened to this many characters.
const LABEL_CHARS: usize = 40;

/// The labels that get rows of their own, in row order.
const ROW_LABELS: [&str; 2] = ["Person", "Country"];

struct Event {
    edge: EdgeId,
    ty: String,
    date: PartialDate,
    start: i64,
    end: i64,
    /// The row's node is the relationship's source.
    outgoing: bool,
    counterpart: String,
    lane: usize,
    x0: f64,
    x1: f64,
    /// Where the label starts.
    text_x: f64,
    text: String,
}

struct Row {
    node: NodeId,
    name: String,
    colour: &'static str,
    group: usize,
    events: Vec<Event>,
    lanes: usize,
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count (the inverse of [`days`]).
fn civil(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The days a partial date covers, as a half-open range.
fn span(date: &PartialDate) -> (i64, i64) {
    let y = i64::from(date.get_year());
    match (date.get_month(), date.get_day()) {
        (Some(m), Some(d)) => {
            let start = days(y, i64::from(m), i64::from(d));
            (start, start + 1)
        }
        (Some(m), None) => {
            let m = i64::from(m);
            let next = if m == 12 {
                days(y + 1, 1, 1)
            } else {
                days(y, m + 1, 1)
            };
            (days(y, m, 1), next)
        }
        _ => (days(y, 1, 1), days(y + 1, 1, 1)),
    }
}

/// Axis ticks: day counts and their labels, at most about ten.
fn ticks(from: i64, to: i64) -> Vec<(i64, String)> {
    let span_days = (to - from).max(1);
    if span_days <= 62 {
        let step = [1, 2, 7, 14]
            .into_iter()
            .find(|s| span_days / s <= 10)
            .unwrap_or(14);
        return (from..=to)
            .step_by(step as usize)
            .map(|d| {
                let (y, m, dd) = civil(d);
                (d, format!("{y:04}-{m:02}-{dd:02}"))
            })
            .collect();
    }
    let span_months = span_days / 30;
    let step = [1, 2, 3, 6, 12, 24, 60, 120, 240, 600, 1200]
        .into_iter()
        .find(|s| span_months / s <= 10)
        .unwrap_or(1200);
    let (y, m, _) = civil(from);
    // Months since year 0, rounded up to a multiple of the step.
    let mut month = y * 12 + (m - 1);
    if days(month.div_euclid(12), month.rem_euclid(12) + 1, 1) < from {
        month += 1;
    }
    month += (step - month.rem_euclid(step)) % step;
    let mut out = Vec::new();
    loop {
        let (ty, tm) = (month.div_euclid(12), month.rem_euclid(12) + 1);
        let d = days(ty, tm, 1);
        if d > to {
            break;
        }
        let label = if step >= 12 {
            format!("{ty:04}")
        } else {
            format!("{ty:04}-{tm:02}")
        };
        out.push((d, label));
        month += step;
    }
    out
}

fn row_group(graph: &Graph, node: NodeId) -> Option<usize> {
    let n = graph.node(node)?;
    let labels: Vec<&str> = n.labels().collect();
    ROW_LABELS.iter().position(|l| labels.contains(l))
}

/// Renders the timeline of `scene` as a standalone SVG document.
pub(crate) fn render(graph: &Graph, scene: &Scene, options: &Options) -> String {
    let mut rows: BTreeMap<NodeId, Row> = BTreeMap::new();
    for id in scene.edges() {
        let Some(edge) = graph.edge(id) else { continue };
        let Some(date) = edge_date(&edge) else {
            continue;
        };
        let (start, end) = span(&date);
        let (source, target) = (edge.source(), edge.target());
        let mut holders: Vec<(NodeId, bool)> = Vec::new();
        if row_group(graph, source).is_some() {
            holders.push((source, true));
        }
        if target != source && row_group(graph, target).is_some() {
            holders.push((target, false));
        }
        if holders.is_empty() {
            holders.push((source, true));
        }
        for (holder, outgoing) in holders {
            let other = if outgoing { target } else { source };
            let Some(holder_ref) = graph.node(holder) else {
                continue;
            };
            let counterpart = graph.node(other).map(|n| node_name(&n)).unwrap_or_default();
            let row = rows.entry(holder).or_insert_with(|| {
                let label = primary_label(&holder_ref);
                Row {
                    node: holder,
                    name: node_name(&holder_ref),
                    colour: label.as_deref().map_or(NO_LABEL_COLOUR, svg::label_colour),
                    group: row_group(graph, holder).unwrap_or(ROW_LABELS.len()),
                    events: Vec::new(),
                    lanes: 1,
                }
            });
            let arrow = if outgoing { "→" } else { "←" };
            row.events.push(Event {
                edge: id,
                ty: edge.edge_type().to_string(),
                date,
                start,
                end,
                outgoing,
                text: svg::shorten(
                    &format!("{} {arrow} {counterpart}", edge.edge_type()),
                    LABEL_CHARS,
                ),
                counterpart,
                lane: 0,
                x0: 0.0,
                x1: 0.0,
                text_x: 0.0,
            });
        }
    }
    let mut rows: Vec<Row> = rows.into_values().collect();
    for row in &mut rows {
        row.events.sort_by_key(|e| (e.start, e.end, e.edge));
    }
    rows.sort_by(|a, b| {
        let first = |r: &Row| r.events.first().map_or(i64::MAX, |e| e.start);
        (a.group, first(a), &a.name, a.node).cmp(&(b.group, first(b), &b.name, b.node))
    });

    let title = svg::shorten(&options.title, 120);
    let from = rows.iter().flat_map(|r| &r.events).map(|e| e.start).min();
    let to = rows.iter().flat_map(|r| &r.events).map(|e| e.end).max();
    let (Some(from), Some(to)) = (from, to) else {
        return empty(&title);
    };
    // A little room on both sides so that marks at the ends stay clear of
    // the frame.
    let pad = ((to - from) / 30).max(1);
    let (from, to) = (from - pad, to + pad);
    let name_width = rows
        .iter()
        .map(|r| text_width(&svg::shorten(&r.name, LABEL_CHARS), NAME_SIZE))
        .fold(0.0, f64::max)
        + 30.0;
    let left = MARGIN + name_width;
    let x_of = |d: i64| left + (d - from) as f64 / (to - from) as f64 * PLOT_WIDTH;

    // Lanes: each mark with its label takes the first lane free at its left end.
    let mut right = left + PLOT_WIDTH;
    for row in &mut rows {
        let mut lane_ends: Vec<f64> = Vec::new();
        for e in &mut row.events {
            e.x0 = x_of(e.start);
            e.x1 = x_of(e.end).max(e.x0 + MIN_BAR);
            let text_w = text_width(&e.text, TEXT_SIZE);
            // A label that does not fit in its mark goes right after it.
            e.text_x = if e.x1 - e.x0 >= text_w + 10.0 {
                e.x0 + 5.0
            } else {
                e.x1 + 4.0
            };
            let reach = e.x1.max(e.text_x + text_w) + 6.0;
            right = right.max(reach);
            let lane = match lane_ends.iter().position(|end| *end <= e.x0) {
                Some(l) => l,
                None => {
                    lane_ends.push(f64::MIN);
                    lane_ends.len() - 1
                }
            };
            if let Some(end) = lane_ends.get_mut(lane) {
                *end = reach;
            }
            e.lane = lane;
        }
        row.lanes = lane_ends.len().max(1);
    }

    let mut types: BTreeMap<&str, usize> = BTreeMap::new();
    for e in rows.iter().flat_map(|r| &r.events) {
        *types.entry(e.ty.as_str()).or_default() += 1;
    }
    let rows_height: f64 = rows
        .iter()
        .map(|r| r.lanes as f64 * LANE + 2.0 * ROW_PAD)
        .sum();
    let legend_width: f64 = types
        .keys()
        .map(|t| text_width(t, TEXT_SIZE) + 40.0)
        .sum::<f64>()
        + text_width(NOTE, TEXT_SIZE);
    let width = (right + MARGIN)
        .max(MARGIN * 2.0 + text_width(&title, 18.0))
        .max(left + legend_width + MARGIN)
        .ceil();
    let height = (TITLE_HEIGHT + rows_height + AXIS_HEIGHT + LEGEND_HEIGHT + MARGIN).ceil();

    let mut out = header(width, height, &title);
    let top = TITLE_HEIGHT;
    let bottom = top + rows_height;
    // Shade every other row first, so that the grid lines stay visible.
    let mut y = top;
    out.push_str(r#"<g class="bands">"#);
    for (i, row) in rows.iter().enumerate() {
        let h = row.lanes as f64 * LANE + 2.0 * ROW_PAD;
        if i % 2 == 0 {
            let _ = write!(
                out,
                r##"<rect x="{}" y="{}" width="{}" height="{}" fill="#f1f3f6"/>"##,
                num(MARGIN),
                num(y),
                num(right - MARGIN),
                num(h)
            );
        }
        y += h;
    }
    out.push_str("</g>");
    out.push_str(r#"<g class="grid">"#);
    let ticks = ticks(from, to);
    for (d, label) in &ticks {
        let x = num(x_of(*d));
        let _ = write!(
            out,
            r##"<line x1="{x}" y1="{}" x2="{x}" y2="{}" stroke="#ddd"/><text class="tick" x="{x}" y="{}">{}</text>"##,
            num(top),
            num(bottom + 5.0),
            num(bottom + 19.0),
            escape(label)
        );
    }
    let _ = write!(
        out,
        r##"<line class="axis" x1="{}" y1="{b}" x2="{}" y2="{b}" stroke="#555"/></g>"##,
        num(left),
        num(left + PLOT_WIDTH),
        b = num(bottom)
    );

    let mut y = top;
    for row in &rows {
        let h = row.lanes as f64 * LANE + 2.0 * ROW_PAD;
        let _ = write!(
            out,
            r#"<g class="row" id="row-n{}" data-name="{}">"#,
            row.node.0,
            escape(&row.name)
        );
        let mid = y + ROW_PAD + LANE / 2.0;
        let _ = write!(
            out,
            r#"<circle cx="{}" cy="{}" r="5" fill="{}"/><text class="rowname" x="{}" y="{}">{}</text>"#,
            num(MARGIN + 9.0),
            num(mid),
            row.colour,
            num(MARGIN + 20.0),
            num(mid + NAME_SIZE * 0.35),
            escape(&svg::shorten(&row.name, LABEL_CHARS))
        );
        for e in &row.events {
            let ey = y + ROW_PAD + e.lane as f64 * LANE + (LANE - BAR) / 2.0;
            let colour = svg::type_colour(&e.ty);
            // Wide marks are pale, so that the text on them stays readable
            // and a vague date does not shout louder than a precise one.
            let opacity = match (e.date.get_month(), e.date.get_day()) {
                (Some(_), Some(_)) => "0.9",
                (Some(_), None) => "0.45",
                _ => "0.22",
            };
            let (from_name, to_name) = if e.outgoing {
                (row.name.as_str(), e.counterpart.as_str())
            } else {
                (e.counterpart.as_str(), row.name.as_str())
            };
            let _ = write!(
                out,
                r#"<g class="event" data-edge="{}" data-date="{}"><rect x="{}" y="{}" width="{}" height="{}" rx="3" fill="{colour}" fill-opacity="{opacity}" stroke="{colour}"/><text x="{}" y="{}">{}</text><title>{} -[{}]-> {} ({})</title></g>"#,
                e.edge.0,
                e.date,
                num(e.x0),
                num(ey),
                num(e.x1 - e.x0),
                num(BAR),
                num(e.text_x),
                num(ey + BAR / 2.0 + TEXT_SIZE * 0.35),
                escape(&e.text),
                escape(from_name),
                escape(&e.ty),
                escape(to_name),
                e.date
            );
        }
        out.push_str("</g>");
        y += h;
    }

    let mut lx = left;
    let ly = bottom + AXIS_HEIGHT + 16.0;
    out.push_str(r#"<g class="legend">"#);
    for ty in types.keys() {
        let _ = write!(
            out,
            r#"<rect x="{}" y="{}" width="14" height="12" rx="2" fill="{}"/><text x="{}" y="{}">{}</text>"#,
            num(lx),
            num(ly - 10.0),
            svg::type_colour(ty),
            num(lx + 19.0),
            num(ly),
            escape(ty)
        );
        lx += text_width(ty, TEXT_SIZE) + 40.0;
    }
    let _ = write!(
        out,
        r#"<text class="note" x="{}" y="{}">{NOTE}</text>"#,
        num(lx),
        num(ly)
    );
    out.push_str("</g></svg>\n");
    out
}

/// Explains the marks' widths under the legend.
const NOTE: &str = "A mark spans what its date gives: a year, a month or a day.";

fn header(width: f64, height: f64, title: &str) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" class="newsgraph-timeline">"#,
        w = num(width),
        h = num(height)
    );
    let _ = write!(out, "<title>{}</title>", escape(title));
    out.push_str(concat!(
        "<style>",
        "text{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;fill:#222;font-size:11px}",
        ".title{font-size:18px;font-weight:bold}",
        ".rowname{font-size:12px}",
        ".tick{text-anchor:middle;fill:#555}",
        ".note{fill:#666;font-style:italic}",
        "</style>"
    ));
    let _ = write!(
        out,
        r##"<rect class="background" x="0" y="0" width="{}" height="{}" fill="#fff"/><text class="title" x="{}" y="{}">{}</text>"##,
        num(width),
        num(height),
        num(MARGIN),
        num(MARGIN + 6.0),
        escape(title)
    );
    out
}

fn empty(title: &str) -> String {
    let width = (MARGIN * 2.0 + text_width(title, 18.0)).max(420.0).ceil();
    let mut out = header(width, 100.0, title);
    let _ = write!(
        out,
        r#"<text class="empty" x="{}" y="74">No dated relationships to draw.</text></svg>"#,
        num(MARGIN)
    );
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_counts_round_trip() {
        assert_eq!(days(1970, 1, 1), 0);
        assert_eq!(days(2011, 12, 27), 15_335);
        for d in [-800_000, -1, 0, 59, 15_335, 20_000, 1_000_000] {
            let (y, m, dd) = civil(d);
            assert_eq!(days(y, m, dd), d);
        }
    }

    #[test]
    fn dates_span_their_precision() {
        let year = PartialDate::year(2012);
        assert_eq!(span(&year).1 - span(&year).0, 366);
        let feb = PartialDate::month(2011, 2).unwrap();
        assert_eq!(span(&feb).1 - span(&feb).0, 28);
        let day = PartialDate::day(2011, 12, 27).unwrap();
        assert_eq!(span(&day), (15_335, 15_336));
    }

    #[test]
    fn ticks_fit_the_span() {
        let t = ticks(days(2011, 1, 1), days(2012, 1, 1));
        assert_eq!(t.first().map(|x| x.1.as_str()), Some("2011-01"));
        assert!(t.len() <= 11, "{t:?}");
        let t = ticks(days(1990, 5, 1), days(2012, 1, 1));
        assert!(t.iter().all(|(_, l)| l.len() == 4), "{t:?}");
        let t = ticks(days(2011, 12, 20), days(2011, 12, 30));
        assert_eq!(t.first().map(|x| x.1.as_str()), Some("2011-12-20"));
    }
}
