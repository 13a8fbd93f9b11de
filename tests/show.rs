//! Pictures: the SVG of the network and of the timeline, parsed back with
//! an XML parser, and the seed graph rendered to PNG in headless Chromium.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use indexmap::IndexMap;
use newsgraph::graph::{EdgeId, Graph, NodeId, PartialDate, PropertyValue};
use newsgraph::query::value::{Path as GraphPath, Value};
use newsgraph::show::{self, Options, Scene, ShowError};

/// The seed article's fifteen facts, as spec/extraction.md's seed table
/// gives them.
fn seed() -> Graph {
    let mut g = Graph::new();
    let node = |g: &mut Graph, label: &str, name: &str| {
        g.add_node([label], [("name", PropertyValue::string(name))])
    };
    let liu = node(&mut g, "Person", "Liu Zhenmin");
    let hu = node(&mut g, "Person", "Hu Jintao");
    let wen = node(&mut g, "Person", "Wen Jiabao");
    let wu = node(&mut g, "Person", "Wu Bangguo");
    let noda = node(&mut g, "Person", "Yoshihiko Noda");
    let china = node(&mut g, "Country", "China");
    let japan = node(&mut g, "Country", "Japan");
    let embassy = node(&mut g, "Organization", "Japanese Embassy");
    g.add_alias(noda, "Noda");
    let year = || PropertyValue::Date(PartialDate::year(2011));
    let december =
        || PropertyValue::Date(PartialDate::month(2011, 12).unwrap_or(PartialDate::year(2011)));
    let title = |t: &str| [("title", PropertyValue::string(t))];
    let mut edge = |s, t, ty: &str, props: Vec<(&'static str, PropertyValue)>| {
        g.add_edge(s, t, ty, props).expect("both ends exist");
    };
    edge(
        liu,
        china,
        "OFFICIAL_OF",
        title("Assistant Foreign Minister").to_vec(),
    );
    edge(hu, china, "OFFICIAL_OF", title("President").to_vec());
    edge(wen, china, "OFFICIAL_OF", title("Premier").to_vec());
    edge(wu, china, "OFFICIAL_OF", title("top legislator").to_vec());
    edge(noda, japan, "OFFICIAL_OF", title("Prime Minister").to_vec());
    edge(china, japan, "CONDOLED", vec![("date", year())]);
    edge(hu, embassy, "VISITED", vec![("date", year())]);
    edge(hu, japan, "CONDOLED", vec![("date", year())]);
    edge(wen, japan, "VISITED", vec![("date", year())]);
    edge(wen, japan, "CONDOLED", vec![("date", year())]);
    edge(noda, china, "VISITED", vec![("date", december())]);
    edge(hu, noda, "MET", vec![("date", december())]);
    edge(wu, noda, "MET", vec![("date", december())]);
    edge(wen, noda, "MET", vec![("date", december())]);
    edge(
        china,
        japan,
        "TRADED_WITH",
        vec![
            ("amount", PropertyValue::Int(300_000_000_000)),
            ("currency", PropertyValue::string("USD")),
            ("year", PropertyValue::Int(2011)),
            // A date as text, the other form the timeline reads.
            ("date", PropertyValue::string("2011")),
        ],
    );
    g
}

/// A graph of `n` people in a few components: a big one with hubs, some
/// pairs and some loners, with parallel edges and a self-loop. Built with
/// arithmetic only, so it is the same on every run.
fn synthetic(n: u32) -> Graph {
    let mut g = Graph::new();
    let ids: Vec<NodeId> = (0..n)
        .map(|i| {
            let label = ["Person", "Country", "Organization", "Place", "Ship"][(i % 5) as usize];
            g.add_node(
                [label],
                [("name", PropertyValue::string(format!("Entity {i}")))],
            )
        })
        .collect();
    let big = n * 7 / 10;
    for i in 1..big {
        let parent = (i * 37 + 11) % i;
        let _ = g.add_edge(ids[i as usize], ids[parent as usize], "MET", []);
        if i % 3 == 0 {
            let other = (i * 13 + 5) % big;
            let _ = g.add_edge(ids[other as usize], ids[i as usize], "VISITED", []);
        }
    }
    // Pairs.
    for i in (big..n - n / 10).step_by(2) {
        if i + 1 < n {
            let _ = g.add_edge(ids[i as usize], ids[i as usize + 1], "TRADED_WITH", []);
        }
    }
    // Parallel edges both ways and a loop.
    let _ = g.add_edge(ids[1], ids[0], "MET", []);
    let _ = g.add_edge(ids[0], ids[1], "CONDOLED", []);
    let _ = g.add_edge(ids[2], ids[2], "MET", []);
    g
}

fn doc(svg: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("not XML: {e}\n{svg}"))
}

fn class_is(n: &roxmltree::Node<'_, '_>, class: &str) -> bool {
    n.attribute("class")
        .is_some_and(|c| c.split_whitespace().any(|x| x == class))
}

fn with_class<'a, 'i>(d: &'a roxmltree::Document<'i>, class: &str) -> Vec<roxmltree::Node<'a, 'i>> {
    d.descendants()
        .filter(|n| n.is_element() && class_is(n, class))
        .collect()
}

fn number(n: &roxmltree::Node<'_, '_>, attr: &str) -> f64 {
    n.attribute(attr)
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{attr} of {n:?}"))
}

fn texts(d: &roxmltree::Document<'_>) -> Vec<String> {
    d.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or("").to_string())
        .collect()
}

struct Circle {
    x: f64,
    y: f64,
    r: f64,
}

fn node_circles(d: &roxmltree::Document<'_>) -> Vec<Circle> {
    with_class(d, "node")
        .iter()
        .map(|g| {
            let c = g
                .children()
                .find(|c| c.has_tag_name("circle"))
                .expect("a node has a circle");
            Circle {
                x: number(&c, "cx"),
                y: number(&c, "cy"),
                r: number(&c, "r"),
            }
        })
        .collect()
}

/// Checks that every circle, every text anchor, every line and every path
/// point lies inside the view box.
fn assert_inside(d: &roxmltree::Document<'_>) {
    let root = d.root_element();
    let vb: Vec<f64> = root
        .attribute("viewBox")
        .expect("a viewBox")
        .split_whitespace()
        .map(|v| v.parse().expect("a number"))
        .collect();
    let (x0, y0, x1, y1) = (vb[0], vb[1], vb[0] + vb[2], vb[1] + vb[3]);
    let inside = |x: f64, y: f64, what: &str| {
        assert!(
            (x0..=x1).contains(&x) && (y0..=y1).contains(&y),
            "{what} at ({x}, {y}) is outside the view box {vb:?}"
        );
    };
    for n in d.descendants().filter(|n| n.is_element()) {
        match n.tag_name().name() {
            "circle" => {
                let (x, y, r) = (number(&n, "cx"), number(&n, "cy"), number(&n, "r"));
                inside(x - r, y - r, "circle");
                inside(x + r, y + r, "circle");
            }
            "text" => inside(number(&n, "x"), number(&n, "y"), "text"),
            "line" => {
                inside(number(&n, "x1"), number(&n, "y1"), "line");
                inside(number(&n, "x2"), number(&n, "y2"), "line");
            }
            "rect" => {
                let (x, y) = (number(&n, "x"), number(&n, "y"));
                inside(x, y, "rect");
                inside(x + number(&n, "width"), y + number(&n, "height"), "rect");
            }
            "path" if n.parent().is_some_and(|p| p.has_tag_name("g")) => {
                let d = n.attribute("d").expect("path data");
                let numbers: Vec<f64> = d
                    .split(|c: char| c.is_ascii_alphabetic() || c == ',' || c == ' ')
                    .filter(|s| !s.is_empty())
                    .map(|s| s.parse().expect("a coordinate"))
                    .collect();
                for pair in numbers.chunks(2) {
                    inside(pair[0], pair[1], "path point");
                }
            }
            _ => {}
        }
    }
}

fn assert_no_overlap(circles: &[Circle]) {
    for (i, a) in circles.iter().enumerate() {
        for b in &circles[i + 1..] {
            let d = ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt();
            assert!(
                d >= a.r + b.r,
                "circles at ({}, {}) and ({}, {}) overlap",
                a.x,
                a.y,
                b.x,
                b.y
            );
        }
    }
}

#[test]
fn seed_network_has_one_element_per_node_and_edge() {
    let g = seed();
    let svg = show::render_svg(&g, &Scene::whole(&g), &Options::titled("Seed"));
    let d = doc(&svg);
    let nodes = with_class(&d, "node");
    let edges = with_class(&d, "edge");
    assert_eq!(nodes.len(), 8);
    assert_eq!(edges.len(), 15);
    let node_ids: BTreeSet<&str> = nodes.iter().filter_map(|n| n.attribute("id")).collect();
    let edge_ids: BTreeSet<&str> = edges.iter().filter_map(|n| n.attribute("id")).collect();
    assert_eq!(node_ids.len(), 8, "ids are unique");
    assert_eq!(edge_ids.len(), 15, "ids are unique");
    let all = texts(&d);
    for name in [
        "Liu Zhenmin",
        "Hu Jintao",
        "Wen Jiabao",
        "Wu Bangguo",
        "Yoshihiko Noda",
        "China",
        "Japan",
        "Japanese Embassy",
    ] {
        assert!(all.iter().any(|t| t == name), "{name} is named: {all:?}");
    }
    for label in [
        "MET 2011-12",
        "VISITED 2011",
        "TRADED_WITH 2011",
        "OFFICIAL_OF",
        "Seed",
    ] {
        assert!(all.iter().any(|t| t == label), "{label}: {all:?}");
    }
    for legend in [
        "Person (5)",
        "Country (2)",
        "Organization (1)",
        "MET (3)",
        "OFFICIAL_OF (5)",
    ] {
        assert!(all.iter().any(|t| t == legend), "legend {legend}: {all:?}");
    }
    // Each edge has its own arrowhead colour per type, all defined inside.
    for e in &edges {
        let path = e
            .children()
            .find(|c| c.has_tag_name("path"))
            .expect("a path");
        let marker = path.attribute("marker-end").expect("an arrowhead");
        let id = marker.trim_start_matches("url(#").trim_end_matches(')');
        assert!(
            d.descendants().any(|n| n.attribute("id") == Some(id)),
            "{id}"
        );
    }
    assert_inside(&d);
    assert_no_overlap(&node_circles(&d));
}

#[test]
fn the_svg_is_standalone() {
    let g = seed();
    let svg = show::render_svg(&g, &Scene::whole(&g), &Options::default());
    let d = doc(&svg);
    for n in d.descendants().filter(|n| n.is_element()) {
        assert!(
            !n.has_tag_name("script") && !n.has_tag_name("image"),
            "{n:?}"
        );
        for a in n.attributes() {
            assert!(!a.value().contains("http") || a.name() == "xmlns", "{a:?}");
        }
    }
    assert!(!svg.contains("@import") && !svg.contains("url(http"));
}

#[test]
fn fifty_nodes_never_overlap_and_stay_inside() {
    let g = synthetic(50);
    let svg = show::render_svg(&g, &Scene::whole(&g), &Options::titled("Fifty"));
    let d = doc(&svg);
    let circles = node_circles(&d);
    assert_eq!(circles.len(), 50);
    assert_eq!(with_class(&d, "edge").len(), g.edge_count());
    assert_no_overlap(&circles);
    assert_inside(&d);
}

#[test]
fn the_same_graph_gives_the_same_bytes() {
    let (a, b) = (synthetic(60), synthetic(60));
    let options = Options::titled("Same");
    let one = show::render_svg(&a, &Scene::whole(&a), &options);
    assert_eq!(one, show::render_svg(&b, &Scene::whole(&b), &options));
    assert_eq!(one, show::render_svg(&a, &Scene::whole(&a), &options));
    let (s1, s2) = (seed(), seed());
    assert_eq!(
        show::render_timeline(&s1, &Scene::whole(&s1), &options),
        show::render_timeline(&s2, &Scene::whole(&s2), &options)
    );
}

#[test]
fn three_hundred_nodes_hide_minor_names_and_centre_the_largest_component() {
    let g = synthetic(300);
    let options = Options::titled("Three hundred");
    let svg = show::render_svg(&g, &Scene::whole(&g), &options);
    let d = doc(&svg);
    assert_eq!(with_class(&d, "node").len(), 300);
    let named = with_class(&d, "name").len();
    assert!(
        named > 10 && named <= options.max_node_labels,
        "{named} names"
    );
    // Hidden names stay in the tooltip.
    for node in with_class(&d, "node") {
        let title = node.children().find(|c| c.has_tag_name("title"));
        assert!(
            title
                .and_then(|t| t.text())
                .is_some_and(|t| t.starts_with("Entity "))
        );
    }
    let labelled_edges = with_class(&d, "etype").len();
    assert!(
        labelled_edges <= options.max_edge_labels,
        "{labelled_edges}"
    );
    assert_no_overlap(&node_circles(&d));
    assert_inside(&d);

    // Node 0 is the root of the largest component (the first 210 entities);
    // its members' centre lies near the middle of all the circles.
    let circles = node_circles(&d);
    let mean = |cs: &[&Circle]| {
        let n = cs.len() as f64;
        (
            cs.iter().map(|c| c.x).sum::<f64>() / n,
            cs.iter().map(|c| c.y).sum::<f64>() / n,
        )
    };
    let (x0, x1) = circles
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), c| (a.min(c.x), b.max(c.x)));
    let (y0, y1) = circles
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), c| (a.min(c.y), b.max(c.y)));
    let largest: Vec<&Circle> = circles.iter().take(210).collect();
    let (cx, cy) = mean(&largest);
    assert!(
        (cx - (x0 + x1) / 2.0).abs() < (x1 - x0) * 0.2,
        "x {cx} in {x0}..{x1}"
    );
    assert!(
        (cy - (y0 + y1) / 2.0).abs() < (y1 - y0) * 0.2,
        "y {cy} in {y0}..{y1}"
    );
}

#[test]
fn parallel_edges_are_drawn_apart() {
    let mut g = Graph::new();
    let a = g.add_node(["Person"], [("name", "A".into())]);
    let b = g.add_node(["Person"], [("name", "B".into())]);
    let mut edges = Vec::new();
    for (s, t, ty) in [
        (a, b, "MET"),
        (a, b, "MET"),
        (b, a, "MET"),
        (b, a, "CONDOLED"),
    ] {
        edges.push(g.add_edge(s, t, ty, []).expect("ends exist"));
    }
    let svg = show::render_svg(&g, &Scene::whole(&g), &Options::default());
    let d = doc(&svg);
    let paths: BTreeSet<&str> = with_class(&d, "edge")
        .iter()
        .filter_map(|e| e.children().find(|c| c.has_tag_name("path")))
        .filter_map(|p| p.attribute("d"))
        .collect();
    assert_eq!(paths.len(), 4, "four different curves: {paths:?}");
    let label_points: BTreeSet<(i64, i64)> = with_class(&d, "etype")
        .iter()
        .map(|t| (number(t, "x") as i64, number(t, "y") as i64))
        .collect();
    assert_eq!(label_points.len(), 4, "four label places: {label_points:?}");
    assert_inside(&d);
}

#[test]
fn names_are_escaped() {
    let mut g = Graph::new();
    let weird = "<Tom & \"Jerry\"> 'Ltd'";
    let a = g.add_node(["Organization"], [("name", weird.into())]);
    let b = g.add_node(["Odd<label>"], []);
    g.add_edge(a, b, "A&B", [("date", "2011-12-27".into())])
        .expect("ends exist");
    let options = Options::titled("Tom & Jerry <3");
    let svg = show::render_svg(&g, &Scene::whole(&g), &options);
    let d = doc(&svg);
    let all = texts(&d);
    assert!(all.iter().any(|t| t == weird), "{all:?}");
    assert!(all.iter().any(|t| t == "A&B 2011-12-27"), "{all:?}");
    assert!(
        all.iter().any(|t| t == "Odd<label> #1"),
        "a node without a name: {all:?}"
    );
    assert!(all.iter().any(|t| t == "Tom & Jerry <3"));
    let timeline = show::render_timeline(&g, &Scene::whole(&g), &options);
    let d = doc(&timeline);
    let all = texts(&d);
    assert!(
        all.iter().any(|t| t.starts_with("A&B → Odd<label>")),
        "{all:?}"
    );
}

#[test]
fn an_empty_scene_still_draws() {
    let g = Graph::new();
    let d_svg = show::render_svg(&g, &Scene::new(), &Options::default());
    let d = doc(&d_svg);
    assert!(with_class(&d, "node").is_empty());
    assert_inside(&d);
    let t = show::render_timeline(&g, &Scene::new(), &Options::default());
    assert!(
        texts(&doc(&t))
            .iter()
            .any(|t| t == "No dated relationships to draw.")
    );
}

#[test]
fn seed_timeline_has_a_row_per_person_or_country() {
    let g = seed();
    let scene = Scene::whole(&g);
    assert_eq!(show::dated_edge_count(&g, &scene), 10);
    let svg = show::render_timeline(&g, &scene, &Options::titled("Seed timeline"));
    let d = doc(&svg);
    let rows: Vec<&str> = with_class(&d, "row")
        .iter()
        .filter_map(|r| r.attribute("data-name"))
        .collect();
    // People first, then countries; the embassy has no row (Hu Jintao's
    // visit is on his row).
    assert_eq!(
        rows,
        [
            "Hu Jintao",
            "Wen Jiabao",
            "Wu Bangguo",
            "Yoshihiko Noda",
            "China",
            "Japan"
        ]
    );
    // Every dated edge is on the row of each end that is a person or a
    // country: 9 with two such ends, 1 (the embassy visit) with one.
    let events = with_class(&d, "event");
    assert_eq!(events.len(), 19);
    let edges: BTreeSet<&str> = events
        .iter()
        .filter_map(|e| e.attribute("data-edge"))
        .collect();
    assert_eq!(edges.len(), 10);
    let all = texts(&d);
    for label in [
        "MET → Yoshihiko Noda",
        "MET ← Hu Jintao",
        "VISITED → Japanese Embassy",
        "CONDOLED ← China",
        "TRADED_WITH → Japan",
        "2011-01",
        "Seed timeline",
    ] {
        assert!(all.iter().any(|t| t == label), "{label}: {all:?}");
    }
    let dates: BTreeSet<&str> = events
        .iter()
        .filter_map(|e| e.attribute("data-date"))
        .collect();
    assert_eq!(dates, BTreeSet::from(["2011", "2011-12"]));
    // Marks of the same row never share a lane where they overlap.
    for row in with_class(&d, "row") {
        let rects: Vec<(f64, f64, f64)> = row
            .descendants()
            .filter(|n| n.has_tag_name("g") && class_is(n, "event"))
            .filter_map(|e| e.children().find(|c| c.has_tag_name("rect")))
            .map(|r| {
                (
                    number(&r, "x"),
                    number(&r, "x") + number(&r, "width"),
                    number(&r, "y"),
                )
            })
            .collect();
        for (i, a) in rects.iter().enumerate() {
            for b in &rects[i + 1..] {
                assert!(a.2 != b.2 || a.1 <= b.0 || b.1 <= a.0, "{a:?} and {b:?}");
            }
        }
    }
    assert_inside(&d);
}

#[test]
fn around_follows_edges_up_to_the_depth() {
    let g = seed();
    let names = |scene: &Scene| -> Vec<String> {
        scene
            .nodes()
            .filter_map(|n| g.node(n).and_then(|n| n.name().map(str::to_string)))
            .collect()
    };
    let zero = show::around(&g, "yoshihiko noda", 0).expect("known");
    assert_eq!(names(&zero), ["Yoshihiko Noda"]);
    assert_eq!(zero.edge_count(), 0);
    let one = show::around(&g, "Noda", 1).expect("an alias");
    assert_eq!(
        names(&one),
        [
            "Hu Jintao",
            "Wen Jiabao",
            "Wu Bangguo",
            "Yoshihiko Noda",
            "China",
            "Japan"
        ]
    );
    assert_eq!(one.edge_count(), 5);
    let two = show::around(&g, "Noda", 2).expect("known");
    assert_eq!(two.node_count(), 8);
    assert_eq!(two.edge_count(), 15);
    assert_eq!(show::around(&g, "Noda", 50), Ok(two));
    assert_eq!(
        show::around(&g, "Nobody", 1),
        Err(ShowError::UnknownName("Nobody".to_string()))
    );
    let svg = show::render_svg(&g, &one, &Options::titled("Around Noda"));
    let d = doc(&svg);
    assert_eq!(with_class(&d, "node").len(), 6);
    assert_eq!(with_class(&d, "edge").len(), 5);
}

#[test]
fn scenes_skip_ids_that_name_nothing() {
    let g = seed();
    let scene = Scene::from_ids(&g, [NodeId(0), NodeId(999)], [EdgeId(11), EdgeId(999)]);
    // Edge 11 is Hu Jintao MET Yoshihiko Noda: both ends come along.
    assert_eq!(
        scene.nodes().collect::<Vec<_>>(),
        [NodeId(0), NodeId(1), NodeId(4)]
    );
    assert_eq!(scene.edges().collect::<Vec<_>>(), [EdgeId(11)]);
}

#[test]
fn scenes_collect_nodes_edges_and_paths_anywhere_in_a_result() {
    let g = seed();
    let path = Value::Path(Box::new(GraphPath {
        nodes: vec![NodeId(1), NodeId(4)],
        relationships: vec![EdgeId(11)],
    }));
    let mut map = IndexMap::new();
    map.insert("who".into(), Value::Node(NodeId(7)));
    map.insert("n".into(), Value::Int(3));
    let rows = vec![
        vec![path, Value::String("text".into())],
        vec![
            Value::List(vec![Value::Map(map.into()), Value::Relationship(EdgeId(0))]),
            Value::Null,
        ],
        // An id the graph does not have (a deleted node) is left out.
        vec![
            Value::Node(NodeId(999)),
            Value::Date(PartialDate::year(2011)),
        ],
    ];
    let scene = Scene::from_rows(&g, &rows);
    assert_eq!(
        scene.nodes().collect::<Vec<_>>(),
        [NodeId(0), NodeId(1), NodeId(4), NodeId(5), NodeId(7)]
    );
    assert_eq!(scene.edges().collect::<Vec<_>>(), [EdgeId(0), EdgeId(11)]);

    // Deep nesting is walked without recursion.
    let mut deep = Value::Node(NodeId(2));
    for _ in 0..2000 {
        deep = Value::List(vec![deep]);
    }
    let mut scene = Scene::new();
    scene.collect(&g, [&deep]);
    assert_eq!(scene.nodes().collect::<Vec<_>>(), [NodeId(2)]);
    let mut value = deep;
    // Unwrap it by hand so that dropping it does not recurse either.
    while let Value::List(mut items) = value {
        value = items.pop().unwrap_or(Value::Null);
    }
}

#[test]
fn the_ingested_seed_article_draws_cleanly() {
    let mut g = Graph::new();
    let seed_txt = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample/seed.txt");
    let lexicon = newsgraph::lexicon::Lexicon::bundled();
    let report = newsgraph::extract::ingest_paths(&mut g, &[seed_txt], &lexicon, Some(1));
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let scene = Scene::whole(&g);
    let svg = show::render_svg(&g, &scene, &Options::titled("seed.txt"));
    let d = doc(&svg);
    assert_eq!(with_class(&d, "node").len(), g.node_count());
    assert_eq!(with_class(&d, "edge").len(), g.edge_count());
    assert!(
        texts(&d).iter().any(|t| t == "Yoshihiko Noda"),
        "{:?}",
        texts(&d)
    );
    assert_no_overlap(&node_circles(&d));
    assert_inside(&d);
    let timeline = show::render_timeline(&g, &scene, &Options::titled("seed.txt"));
    let d = doc(&timeline);
    assert!(!with_class(&d, "event").is_empty());
    assert_inside(&d);
}

// --- The command line -----------------------------------------------------

/// Saves the seed graph as a dump in a fresh folder.
fn seed_dump() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("seed.graph");
    newsgraph::graph::dump::save(&seed(), &path).expect("save the seed dump");
    (dir, path)
}

fn newsgraph(args: &[&std::ffi::OsStr]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_newsgraph"))
        .args(args)
        .output()
        .expect("run newsgraph")
}

#[test]
fn show_draws_what_a_query_returns() {
    let (dir, dump) = seed_dump();
    let out = dir.path().join("met.svg");
    let query = "MATCH p = (a:Person)-[:MET]->(b:Person) RETURN p";
    let run = newsgraph(&[
        "show".as_ref(),
        "-g".as_ref(),
        dump.as_os_str(),
        query.as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let svg = std::fs::read_to_string(&out).expect("the SVG was written");
    let d = doc(&svg);
    assert_eq!(
        with_class(&d, "node").len(),
        4,
        "Noda and the three who met him"
    );
    assert_eq!(with_class(&d, "edge").len(), 3);
    assert!(
        texts(&d).iter().any(|t| t == query),
        "the query is the title"
    );
    assert_inside(&d);

    let timeline = dir.path().join("when.svg");
    let run = newsgraph(&[
        "show".as_ref(),
        "-g".as_ref(),
        dump.as_os_str(),
        "MATCH (a)-[r]->(b) RETURN a, r, b".as_ref(),
        "-o".as_ref(),
        timeline.as_os_str(),
        "--timeline".as_ref(),
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let svg = std::fs::read_to_string(&timeline).expect("the SVG was written");
    assert_eq!(with_class(&doc(&svg), "event").len(), 19);
}

#[test]
fn show_reports_a_bad_query_and_writes_nothing() {
    let (dir, dump) = seed_dump();
    let out = dir.path().join("bad.svg");
    let run = newsgraph(&[
        "show".as_ref(),
        "-g".as_ref(),
        dump.as_os_str(),
        "MATCH (a RETURN a".as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert!(!run.status.success());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.starts_with("newsgraph: query:1:"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(!out.exists());

    let run = newsgraph(&[
        "show".as_ref(),
        "-g".as_ref(),
        dir.path().join("missing.graph").as_os_str(),
        "MATCH (a) RETURN a".as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert!(!run.status.success());
    assert!(String::from_utf8_lossy(&run.stderr).contains("missing.graph"));
}

#[test]
fn show_warns_when_there_is_nothing_to_draw() {
    let (dir, dump) = seed_dump();
    let out = dir.path().join("none.svg");
    let run = newsgraph(&[
        "show".as_ref(),
        "-g".as_ref(),
        dump.as_os_str(),
        "RETURN 1 AS one".as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert!(run.status.success());
    assert!(String::from_utf8_lossy(&run.stderr).contains("no nodes, relationships or paths"));
    assert!(
        with_class(
            &doc(&std::fs::read_to_string(&out).expect("written")),
            "node"
        )
        .is_empty()
    );
}

// --- The REPL's picture commands ---------------------------------------------

#[test]
fn repl_commands_draw_the_last_result_and_around_a_name() {
    use newsgraph::repl::commands::dispatch;
    use newsgraph::repl::session::Session;

    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut session = Session::new(seed(), None);
    let mut out = Vec::new();
    let show_path = dir.path().join("met.svg");
    dispatch(
        &mut session,
        &format!(":show {}", show_path.display()),
        &mut out,
    )
    .expect(":show");
    assert!(String::from_utf8_lossy(&out).starts_with("no result yet"));

    let ok = session
        .execute(
            "MATCH p = (a:Person)-[:MET]->(b) RETURN p;",
            1,
            &mut Vec::new(),
            &mut Vec::new(),
        )
        .expect("terminal output");
    assert!(ok);
    let mut out = Vec::new();
    dispatch(
        &mut session,
        &format!(":show {}", show_path.display()),
        &mut out,
    )
    .expect(":show");
    assert_eq!(
        String::from_utf8_lossy(&out),
        format!(
            "drew 4 nodes and 3 relationships to {}\n",
            show_path.display()
        )
    );
    let svg = std::fs::read_to_string(&show_path).expect("written");
    assert_eq!(with_class(&doc(&svg), "edge").len(), 3);

    let timeline_path = dir.path().join("when.svg");
    let mut out = Vec::new();
    dispatch(
        &mut session,
        &format!(":timeline '{}'", timeline_path.display()),
        &mut out,
    )
    .expect(":timeline");
    assert!(String::from_utf8_lossy(&out).starts_with("drew 3 dated relationships"));
    assert!(timeline_path.exists());

    let around_path = dir.path().join("noda.svg");
    let mut out = Vec::new();
    let line = format!(":around \"Yoshihiko Noda\" 1 {}", around_path.display());
    dispatch(&mut session, &line, &mut out).expect(":around");
    assert!(String::from_utf8_lossy(&out).starts_with("drew 6 nodes and 5 relationships"));
    let svg = std::fs::read_to_string(&around_path).expect("written");
    assert!(
        texts(&doc(&svg))
            .iter()
            .any(|t| t == "Around Yoshihiko Noda (1 hop)")
    );

    let mut out = Vec::new();
    dispatch(&mut session, ":around Nobody", &mut out).expect(":around");
    assert_eq!(
        String::from_utf8_lossy(&out),
        "no node is named \"Nobody\"\n"
    );
    assert!(dispatch(&mut session, ":around", &mut Vec::new()).is_err());
}

// --- Headless Chromium -----------------------------------------------------

/// Where a Chromium is: `NEWSGRAPH_CHROMIUM`, else the first of Debian's
/// and the usual names on the PATH.
fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("NEWSGRAPH_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let dirs = std::env::var_os("PATH")?;
    for name in [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ] {
        for dir in std::env::split_paths(&dirs) {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

/// How many image pixels a picture's pixel becomes: 2 makes the README's
/// pictures sharp on high-density screens.
const SCALE: u32 = 2;

/// Renders an SVG file of the given size to a PNG; Chromium gets a minute.
fn screenshot(chromium: &Path, svg: &Path, png: &Path, width: u32, height: u32) {
    let profile = tempfile::tempdir().expect("a temporary folder");
    let mut child = Command::new(chromium)
        .arg("--headless")
        .arg("--no-sandbox")
        .arg("--disable-gpu")
        .arg("--hide-scrollbars")
        .arg("--no-first-run")
        .arg(format!("--force-device-scale-factor={SCALE}"))
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("--window-size={width},{height}"))
        .arg(format!("file://{}", svg.display()))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", chromium.display()));
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                assert!(status.success(), "chromium failed: {status}");
                break;
            }
            Ok(None) if started.elapsed() > Duration::from_secs(60) => {
                let _ = child.kill();
                panic!("chromium did not finish within a minute");
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(100)),
            Err(e) => panic!("waiting for chromium: {e}"),
        }
    }
}

/// Decodes a PNG into RGBA pixels.
fn pixels(png_path: &Path) -> (u32, u32, Vec<[u8; 4]>) {
    let file = std::fs::File::open(png_path).expect("the screenshot exists");
    let mut decoder = png::Decoder::new(std::io::BufReader::new(file));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::ALPHA);
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("a size")];
    let info = reader.next_frame(&mut buf).expect("a frame");
    let bytes = &buf[..info.buffer_size()];
    let channels = info.color_type.samples();
    let px = bytes
        .chunks(channels)
        .map(|c| match c {
            [g, a] => [*g, *g, *g, *a],
            [r, g, b, a] => [*r, *g, *b, *a],
            [r, g, b] => [*r, *g, *b, 255],
            _ => [0, 0, 0, 0],
        })
        .collect();
    (info.width, info.height, px)
}

fn svg_size(svg: &str) -> (u32, u32) {
    let d = doc(svg);
    let root = d.root_element();
    (
        number(&root, "width").ceil() as u32,
        number(&root, "height").ceil() as u32,
    )
}

/// Renders an SVG in Chromium and checks the image is a picture: mostly
/// white background, yet a good share of non-white pixels and the colours
/// of the nodes and edges in it. Returns the PNG's bytes.
fn check_renders(chromium: &Path, svg: &str, colours: &[[u8; 3]]) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let svg_path = dir.path().join("picture.svg");
    let png_path = dir.path().join("picture.png");
    std::fs::write(&svg_path, svg).expect("write the SVG");
    let (w, h) = svg_size(svg);
    screenshot(chromium, &svg_path, &png_path, w, h);
    let (pw, ph, px) = pixels(&png_path);
    assert_eq!(
        (pw, ph),
        (w * SCALE, h * SCALE),
        "the screenshot has the picture's size"
    );
    let ink = px
        .iter()
        .filter(|p| p[0] < 235 || p[1] < 235 || p[2] < 235)
        .count();
    let share = ink as f64 / px.len() as f64;
    assert!(
        share > 0.01 && share < 0.6,
        "ink covers {:.1}% of the image",
        share * 100.0
    );
    for colour in colours {
        let near = px
            .iter()
            .any(|p| (0..3).all(|i| (i32::from(p[i]) - i32::from(colour[i])).abs() <= 6));
        assert!(near, "no pixel has the colour {colour:?}");
    }
    std::fs::read(&png_path).expect("read the PNG")
}

#[test]
fn seed_pictures_render_in_headless_chromium() {
    let Some(chromium) = chromium() else {
        let required = std::env::var_os("NEWSGRAPH_REQUIRE_CHROMIUM").is_some();
        assert!(
            !required,
            "NEWSGRAPH_REQUIRE_CHROMIUM is set but no chromium was found on PATH \
             (install it with `apt-get install -y chromium`, or set NEWSGRAPH_CHROMIUM)"
        );
        println!(
            "NOTE: seed_pictures_render_in_headless_chromium was NOT RUN: no chromium on PATH \
             (apt-get install -y chromium; NEWSGRAPH_REQUIRE_CHROMIUM=1 makes this a failure)"
        );
        eprintln!("NOTE: the headless Chromium picture test was not run: no chromium on PATH");
        return;
    };
    let g = seed();
    let scene = Scene::whole(&g);
    let met = show::render_svg(
        &g,
        &scene,
        &Options::titled("The seed article: who met, visited and condoled whom"),
    );
    // Person blue and Country orange nodes, the MET edge colour.
    let met_png = check_renders(&chromium, &met, &[[0x00, 0x72, 0xB2], [0xD5, 0x5E, 0x00]]);
    let timeline = show::render_timeline(&g, &scene, &Options::titled("The seed article: when"));
    let timeline_png = check_renders(&chromium, &timeline, &[[0x00, 0x72, 0xB2]]);
    // `NEWSGRAPH_UPDATE_DOCS=1 cargo test --test show` refreshes the
    // pictures the README shows.
    if std::env::var_os("NEWSGRAPH_UPDATE_DOCS").is_some() {
        let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
        std::fs::create_dir_all(&docs).expect("docs/");
        std::fs::write(docs.join("seed-met.png"), met_png).expect("write seed-met.png");
        std::fs::write(docs.join("seed-timeline.png"), timeline_png)
            .expect("write seed-timeline.png");
        std::fs::write(docs.join("seed-met.svg"), &met).expect("write seed-met.svg");
        std::fs::write(docs.join("seed-timeline.svg"), &timeline).expect("write seed-timeline.svg");
    }
}
