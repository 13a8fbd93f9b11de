//! A force-directed layout (Fruchterman and Reingold, 1991) with a
//! deterministic start, an overlap-removal pass and component packing.
//!
//! The input is abstract (indices, undirected links, radii); the output is
//! one centre per node in pixels. There is no randomness: the start is a
//! golden-angle spiral in breadth-first order from the best-connected node,
//! so the same graph gives the same picture on every run. Nothing here knows
//! about the graph store or SVG.

use std::collections::{BTreeMap, HashMap, VecDeque};

/// The ideal distance between linked nodes, in pixels.
const IDEAL: f64 = 95.0;
/// The free space between a node circle and an edge it is not part of.
const LINE_CLEARANCE: f64 = 14.0;
/// Components up to this many nodes get their nodes moved off edges.
const CLEAR_LINES_UP_TO: usize = 150;
/// Nodes farther apart than this many ideal distances do not repel.
const CUTOFF: f64 = 3.0;
/// The smallest free space between two node circles, in pixels.
const GAP: f64 = 14.0;
/// The free space between packed components, in pixels: room for the
/// names under the nodes.
const COMPONENT_GAP: f64 = 36.0;
/// The side of an obstacle grid cell when packing components.
const CELL: f64 = 48.0;
/// The distance between the points of an edge that other components avoid.
const EDGE_PROBE_STEP: f64 = 20.0;
/// Components of more nodes than this find near pairs with a grid.
const GRID_FROM: usize = 500;
/// A budget of pair visits per component: large components get fewer
/// iterations.
const WORK: f64 = 2.0e7;
/// The golden angle in radians; successive spiral points never line up.
const GOLDEN_ANGLE: f64 = 2.399_963_229_728_653;

/// A point in pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Point {
    pub(crate) x: f64,
    pub(crate) y: f64,
}

/// Lays out `radii.len()` nodes joined by `links` (pairs of indices; loops
/// and duplicates are allowed and ignored). The largest connected component
/// is centred on the origin and the others are packed around it, largest
/// first. Node circles never overlap: every pair is at least the sum of
/// their radii plus a gap apart.
pub(crate) fn layout(radii: &[f64], links: &[(usize, usize)]) -> Vec<Point> {
    let n = radii.len();
    let mut adjacency: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b) in links {
        if a != b && a < n && b < n {
            adjacency[a].push(b);
            adjacency[b].push(a);
        }
    }
    for list in &mut adjacency {
        list.sort_unstable();
        list.dedup();
    }
    let mut positions = vec![Point { x: 0.0, y: 0.0 }; n];
    let mut obstacles = Obstacles {
        grid: HashMap::new(),
        max_radius: radii.iter().copied().fold(0.0, f64::max),
    };
    // Where the last component of each size was put: a component of the
    // same size cannot fit earlier on the spiral, so its search starts
    // there, which keeps thousands of loners from rescanning the spiral.
    let mut resume: BTreeMap<usize, usize> = BTreeMap::new();
    for component in components(&adjacency) {
        let local = lay_component(&component, &adjacency, radii);
        let probes = probes(&local, &component, &adjacency, radii);
        let centre = bbox_centre(&local);
        let start = resume.get(&component.len()).copied().unwrap_or(0);
        let (at, index) = free_spot(&obstacles, &probes, centre, start);
        resume.insert(component.len(), index);
        for probe in &probes {
            obstacles.add(
                Point {
                    x: probe.at.x - centre.x + at.x,
                    y: probe.at.y - centre.y + at.y,
                },
                probe.radius,
            );
        }
        for (i, &node) in component.iter().enumerate() {
            if let (Some(p), Some(slot)) = (local.get(i), positions.get_mut(node)) {
                *slot = Point {
                    x: p.x - centre.x + at.x,
                    y: p.y - centre.y + at.y,
                };
            }
        }
    }
    positions
}

/// The connected components, largest first (ties by smallest index), each
/// in breadth-first order from its best-connected node.
fn components(adjacency: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let n = adjacency.len();
    let mut seen = vec![false; n];
    let mut members: Vec<Vec<usize>> = Vec::new();
    for start in 0..n {
        if seen[start] {
            continue;
        }
        let mut component = Vec::new();
        let mut stack = vec![start];
        seen[start] = true;
        while let Some(v) = stack.pop() {
            component.push(v);
            for &w in &adjacency[v] {
                if !seen[w] {
                    seen[w] = true;
                    stack.push(w);
                }
            }
        }
        component.sort_unstable();
        members.push(component);
    }
    members.sort_by(|a, b| b.len().cmp(&a.len()).then(a.first().cmp(&b.first())));
    members
        .into_iter()
        .map(|component| breadth_first(&component, adjacency))
        .collect()
}

/// Reorders a component breadth-first from its highest-degree node, so that
/// neighbours start near each other on the spiral.
fn breadth_first(component: &[usize], adjacency: &[Vec<usize>]) -> Vec<usize> {
    let Some(&root) = component.iter().max_by(|a, b| {
        adjacency[**a]
            .len()
            .cmp(&adjacency[**b].len())
            .then(b.cmp(a))
    }) else {
        return Vec::new();
    };
    let mut order = Vec::with_capacity(component.len());
    let mut seen = std::collections::BTreeSet::new();
    let mut queue = VecDeque::from([root]);
    seen.insert(root);
    while let Some(v) = queue.pop_front() {
        order.push(v);
        for &w in &adjacency[v] {
            if seen.insert(w) {
                queue.push_back(w);
            }
        }
    }
    order
}

/// Fruchterman-Reingold on one component; positions are in the order of
/// `component`.
fn lay_component(component: &[usize], adjacency: &[Vec<usize>], radii: &[f64]) -> Vec<Point> {
    let m = component.len();
    let mut local_index = vec![usize::MAX; adjacency.len()];
    for (i, &v) in component.iter().enumerate() {
        local_index[v] = i;
    }
    let links: Vec<(usize, usize)> = component
        .iter()
        .enumerate()
        .flat_map(|(i, &v)| {
            let local_index = &local_index;
            adjacency[v]
                .iter()
                .map(move |w| (i, local_index[*w]))
                .filter(|(i, j)| i < j)
        })
        .collect();
    let r: Vec<f64> = component
        .iter()
        .map(|v| radii.get(*v).copied().unwrap_or(10.0))
        .collect();
    let mut pos: Vec<Point> = (0..m)
        .map(|i| {
            let angle = i as f64 * GOLDEN_ANGLE;
            let radius = IDEAL * 0.7 * (i as f64).sqrt();
            Point {
                x: radius * angle.cos(),
                y: radius * angle.sin(),
            }
        })
        .collect();
    if m > 1 {
        // Small components visit every pair; large ones about forty near
        // neighbours per node (see `near_pairs`).
        let visits = if m <= GRID_FROM { m * m } else { m * 40 };
        let iterations = (WORK / visits as f64).clamp(30.0, 400.0) as usize;
        // Small scenes get longer edges: there is room, and their labels need it.
        let k = IDEAL * (1.0 + 6.0 / (m as f64 + 6.0));
        let mut temperature = k * (m as f64).sqrt();
        let cooling = (1.0f64 / 200.0).powf(1.0 / iterations as f64);
        let mut shift = vec![Point { x: 0.0, y: 0.0 }; m];
        let mut visited = 0usize;
        for _ in 0..iterations {
            // Crowded components (a hub with thousands of leaves) have far
            // more near pairs than the estimate: stop when the budget is
            // spent, with a layout that is rougher but comes in time.
            if visited as f64 > WORK * 5.0 {
                break;
            }
            for s in shift.iter_mut() {
                *s = Point { x: 0.0, y: 0.0 };
            }
            // Only near nodes push, as in the grid variant of the paper:
            // otherwise the leaves of a hub with a hundred of them push the
            // hub's other branches far out, and every step is quadratic.
            for_near_pairs(&mut pos, CUTOFF * k, |pos, i, j| {
                visited += 1;
                let (dx, dy, d) = apart(pos[i], pos[j], i, j);
                if d > CUTOFF * k {
                    return;
                }
                // Bigger circles push harder: the ideal gap grows with them.
                let reach = k + r[i] + r[j];
                let force = reach * reach / d;
                let (fx, fy) = (dx / d * force, dy / d * force);
                shift[i].x += fx;
                shift[i].y += fy;
                shift[j].x -= fx;
                shift[j].y -= fy;
            });
            for &(i, j) in &links {
                let (dx, dy, d) = apart(pos[i], pos[j], i, j);
                let force = d * d / k;
                let (fx, fy) = (dx / d * force, dy / d * force);
                shift[i].x -= fx;
                shift[i].y -= fy;
                shift[j].x += fx;
                shift[j].y += fy;
            }
            for (p, s) in pos.iter_mut().zip(&shift) {
                // A weak pull to the centre keeps loosely tied branches in.
                let sx = s.x - p.x * 0.05;
                let sy = s.y - p.y * 0.05;
                let len = (sx * sx + sy * sy).sqrt();
                if len > 0.0 {
                    let step = len.min(temperature);
                    p.x += sx / len * step;
                    p.y += sy / len * step;
                }
            }
            temperature *= cooling;
        }
    }
    if m <= CLEAR_LINES_UP_TO {
        clear_lines(&mut pos, &r, &links);
    }
    remove_overlaps(&mut pos, &r);
    pos
}

/// Moves nodes off the lines of edges they are not part of, so that an
/// edge never seems to pass through a node; the edge's ends move the other
/// way. A few sweeps settle small scenes; it costs nodes times edges per
/// sweep, hence only for components up to [`CLEAR_LINES_UP_TO`] nodes.
fn clear_lines(pos: &mut [Point], r: &[f64], links: &[(usize, usize)]) {
    for _ in 0..40 {
        let mut moved = false;
        for v in 0..pos.len() {
            for &(a, b) in links {
                if v == a || v == b {
                    continue;
                }
                let (pa, pb, pv) = (pos[a], pos[b], pos[v]);
                let (dx, dy) = (pb.x - pa.x, pb.y - pa.y);
                let len2 = dx * dx + dy * dy;
                if len2 < 1.0 {
                    continue;
                }
                let t = ((pv.x - pa.x) * dx + (pv.y - pa.y) * dy) / len2;
                if !(0.05..=0.95).contains(&t) {
                    continue;
                }
                let (qx, qy) = (pa.x + t * dx, pa.y + t * dy);
                let (ox, oy) = (pv.x - qx, pv.y - qy);
                let d = (ox * ox + oy * oy).sqrt();
                let need = r[v] + LINE_CLEARANCE;
                if d >= need {
                    continue;
                }
                // Away from the line, or to a fixed side when on it.
                let (ux, uy) = if d > 0.01 {
                    (ox / d, oy / d)
                } else {
                    let len = len2.sqrt();
                    (-dy / len, dx / len)
                };
                let push = (need - d) / 2.0;
                pos[v].x += ux * push;
                pos[v].y += uy * push;
                for end in [a, b] {
                    pos[end].x -= ux * push / 2.0;
                    pos[end].y -= uy * push / 2.0;
                }
                moved = true;
            }
        }
        if !moved {
            break;
        }
    }
}

/// Calls `visit` with the positions and each pair `(i, j)`, `i < j`, of
/// points that may be `reach` apart or less (`visit` checks the distance):
/// every pair for up to [`GRID_FROM`] points, where that is cheaper than a
/// grid; the pairs `near_pairs` finds beyond.
fn for_near_pairs(
    pos: &mut [Point],
    reach: f64,
    mut visit: impl FnMut(&mut [Point], usize, usize),
) {
    let m = pos.len();
    if m <= GRID_FROM {
        for i in 0..m {
            for j in (i + 1)..m {
                visit(pos, i, j);
            }
        }
    } else {
        for (i, j) in near_pairs(pos, reach) {
            visit(pos, i, j);
        }
    }
}

/// The pairs `(i, j)`, `i < j`, of points at most `reach` apart, in a
/// fixed order (by `i`, then by cell, then by `j`) so that sums over them
/// are the same on every run. A grid of `reach`-sized cells keeps this
/// linear in the number of points when they are spread out.
fn near_pairs(pos: &[Point], reach: f64) -> Vec<(usize, usize)> {
    let cell = reach.max(1.0);
    let key = |p: &Point| ((p.x / cell).floor() as i64, (p.y / cell).floor() as i64);
    let mut grid: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
    for (i, p) in pos.iter().enumerate() {
        grid.entry(key(p)).or_default().push(i);
    }
    let mut pairs = Vec::new();
    for (i, p) in pos.iter().enumerate() {
        let (cx, cy) = key(p);
        for gx in (cx - 1)..=(cx + 1) {
            for gy in (cy - 1)..=(cy + 1) {
                let Some(members) = grid.get(&(gx, gy)) else {
                    continue;
                };
                for &j in members.iter().filter(|j| **j > i) {
                    let q = pos[j];
                    if (p.x - q.x).powi(2) + (p.y - q.y).powi(2) <= reach * reach {
                        pairs.push((i, j));
                    }
                }
            }
        }
    }
    pairs
}

/// The vector from `b` to `a` and its length; coincident points get a
/// small fixed direction that depends only on their indices.
fn apart(a: Point, b: Point, i: usize, j: usize) -> (f64, f64, f64) {
    let (dx, dy) = (a.x - b.x, a.y - b.y);
    let d = (dx * dx + dy * dy).sqrt();
    if d > 0.01 {
        (dx, dy, d)
    } else {
        let angle = (i * 7 + j * 13) as f64;
        (0.01 * angle.cos(), 0.01 * angle.sin(), 0.01)
    }
}

/// Pushes overlapping circles apart, then, if any pair is still too close,
/// scales the whole component up until none is: scaling multiplies every
/// distance by the same factor, so one factor settles every pair.
fn remove_overlaps(pos: &mut [Point], r: &[f64]) {
    let reach = 2.0 * r.iter().copied().fold(0.0, f64::max) + GAP;
    let mut visited = 0usize;
    for _ in 0..60 {
        // A crowded component can have millions of near pairs; past the
        // budget the scaling below settles what is left.
        if visited as f64 > WORK * 5.0 {
            break;
        }
        let mut moved = false;
        for_near_pairs(pos, reach, |pos, i, j| {
            visited += 1;
            let need = r[i] + r[j] + GAP;
            let (dx, dy, d) = apart(pos[i], pos[j], i, j);
            if d < need {
                let push = (need - d) / 2.0 + 0.01;
                let (ux, uy) = (dx / d, dy / d);
                pos[i].x += ux * push;
                pos[i].y += uy * push;
                pos[j].x -= ux * push;
                pos[j].y -= uy * push;
                moved = true;
            }
        });
        if !moved {
            return;
        }
    }
    // Coincident points cannot be scaled apart: move one of each pair
    // aside along the fixed direction first.
    for_near_pairs(pos, reach, |pos, i, j| {
        if pos[i] == pos[j] {
            let (dx, dy, d) = apart(pos[i], pos[j], i, j);
            let need = r[i] + r[j] + GAP;
            pos[j].x -= dx / d * need;
            pos[j].y -= dy / d * need;
        }
    });
    let mut factor: f64 = 1.0;
    for_near_pairs(pos, reach, |pos, i, j| {
        let need = r[i] + r[j] + GAP;
        let d = ((pos[i].x - pos[j].x).powi(2) + (pos[i].y - pos[j].y).powi(2)).sqrt();
        if d < need {
            factor = factor.max(need / d.max(1e-6) * 1.001);
        }
    });
    if factor > 1.0 {
        for p in pos.iter_mut() {
            p.x *= factor;
            p.y *= factor;
        }
    }
}

/// The middle of the box around the points.
fn bbox_centre(pos: &[Point]) -> Point {
    if pos.is_empty() {
        return Point { x: 0.0, y: 0.0 };
    }
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for p in pos {
        x0 = x0.min(p.x);
        y0 = y0.min(p.y);
        x1 = x1.max(p.x);
        y1 = y1.max(p.y);
    }
    Point {
        x: (x0 + x1) / 2.0,
        y: (y0 + y1) / 2.0,
    }
}

/// A point that must keep clear of other components: a node centre with
/// its radius, or a point along an edge with radius 0.
#[derive(Debug, Clone, Copy)]
struct Probe {
    at: Point,
    radius: f64,
}

/// The probes of a laid-out component: its nodes, and points every
/// [`EDGE_PROBE_STEP`] pixels along its edges, so that no other component
/// lands on a line and looks connected to it.
fn probes(
    local: &[Point],
    component: &[usize],
    adjacency: &[Vec<usize>],
    radii: &[f64],
) -> Vec<Probe> {
    let mut out: Vec<Probe> = component
        .iter()
        .zip(local)
        .map(|(v, p)| Probe {
            at: *p,
            radius: radii.get(*v).copied().unwrap_or(10.0),
        })
        .collect();
    let position: BTreeMap<usize, Point> = component
        .iter()
        .copied()
        .zip(local.iter().copied())
        .collect();
    for &v in component {
        for &w in adjacency.get(v).map_or(&[][..], |a| a.as_slice()) {
            let (Some(a), Some(b)) = (position.get(&v), position.get(&w)) else {
                continue;
            };
            if v >= w {
                continue;
            }
            let len = ((b.x - a.x).powi(2) + (b.y - a.y).powi(2)).sqrt();
            let steps = (len / EDGE_PROBE_STEP).floor() as usize;
            for s in 1..steps {
                let t = s as f64 / steps as f64;
                out.push(Probe {
                    at: Point {
                        x: a.x + (b.x - a.x) * t,
                        y: a.y + (b.y - a.y) * t,
                    },
                    radius: 0.0,
                });
            }
        }
    }
    out
}

/// The probes of the components placed so far, in a grid of
/// [`CELL`]-pixel cells so that a look-up reads only nearby cells.
struct Obstacles {
    grid: HashMap<(i64, i64), Vec<Probe>>,
    /// The largest radius of any probe, so that look-ups know how far to read.
    max_radius: f64,
}

impl Obstacles {
    fn cell(p: Point) -> (i64, i64) {
        ((p.x / CELL).floor() as i64, (p.y / CELL).floor() as i64)
    }

    fn add(&mut self, at: Point, radius: f64) {
        self.grid
            .entry(Obstacles::cell(at))
            .or_default()
            .push(Probe { at, radius });
    }

    /// Whether a probe at `at` keeps [`COMPONENT_GAP`] clear of every
    /// obstacle.
    fn clear(&self, at: Point, radius: f64) -> bool {
        let reach = radius + self.max_radius + COMPONENT_GAP;
        let span = (reach / CELL).ceil() as i64;
        let (cx, cy) = Obstacles::cell(at);
        for gx in (cx - span)..=(cx + span) {
            for gy in (cy - span)..=(cy + span) {
                let Some(cell) = self.grid.get(&(gx, gy)) else {
                    continue;
                };
                for o in cell {
                    let d = ((o.at.x - at.x).powi(2) + (o.at.y - at.y).powi(2)).sqrt();
                    if d < o.radius + radius + COMPONENT_GAP {
                        return false;
                    }
                }
            }
        }
        true
    }
}

/// The first point on a golden-angle spiral around the origin, from index
/// `start` on, where the component (its probes, centred on `centre`) keeps
/// clear of every component placed before. The first component lands on
/// the origin.
fn free_spot(
    obstacles: &Obstacles,
    probes: &[Probe],
    centre: Point,
    start: usize,
) -> (Point, usize) {
    const STEP: f64 = 12.0;
    let mut index = start;
    loop {
        let angle = index as f64 * GOLDEN_ANGLE;
        let distance = STEP * (index as f64).sqrt();
        let at = Point {
            x: distance * angle.cos(),
            y: distance * angle.sin(),
        };
        let free = probes.iter().all(|p| {
            obstacles.clear(
                Point {
                    x: p.at.x - centre.x + at.x,
                    y: p.at.y - centre.y + at.y,
                },
                p.radius,
            )
        });
        if free {
            return (at, index);
        }
        index += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_apart(pos: &[Point], radii: &[f64]) {
        for i in 0..pos.len() {
            for j in (i + 1)..pos.len() {
                let d = ((pos[i].x - pos[j].x).powi(2) + (pos[i].y - pos[j].y).powi(2)).sqrt();
                assert!(d >= radii[i] + radii[j], "{i} and {j} overlap: {d}");
            }
        }
    }

    #[test]
    fn a_star_and_loose_nodes_do_not_overlap() {
        let radii = vec![12.0; 20];
        let links: Vec<(usize, usize)> = (1..12).map(|i| (0, i)).collect();
        let pos = layout(&radii, &links);
        assert_apart(&pos, &radii);
        // The star is the largest component, so its hub sits near the centre.
        let hub = pos[0];
        assert!(hub.x.abs() < IDEAL && hub.y.abs() < IDEAL, "{hub:?}");
        assert_eq!(pos, layout(&radii, &links), "deterministic");
    }

    #[test]
    fn empty_and_single() {
        assert!(layout(&[], &[]).is_empty());
        assert_eq!(layout(&[5.0], &[(0, 0)]), [Point { x: 0.0, y: 0.0 }]);
    }
}
