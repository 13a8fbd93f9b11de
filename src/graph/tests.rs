use super::*;

fn person(g: &mut Graph, name: &str) -> NodeId {
    g.add_node(["Person"], [("name", PropertyValue::string(name))])
}

#[test]
fn indexes_follow_node_and_edge_deletes() {
    let mut g = Graph::new();
    let hu = person(&mut g, "Hu Jintao");
    let noda = person(&mut g, "Yoshihiko Noda");
    let japan = g.add_node(["Country"], [("name", PropertyValue::string("Japan"))]);
    let met = g.add_edge(hu, noda, "MET", []).unwrap();
    let official = g.add_edge(noda, japan, "OFFICIAL_OF", []).unwrap();
    assert_eq!(g.nodes_with_label("Person").collect::<Vec<_>>(), [hu, noda]);
    assert_eq!(g.edges_with_type("MET").collect::<Vec<_>>(), [met]);

    assert_eq!(g.remove_node(noda), Err(GraphError::NodeHasEdges(noda.0)));
    assert_eq!(g.detach_remove_node(noda).unwrap(), [official, met]);
    assert_eq!(g.nodes_with_label("Person").collect::<Vec<_>>(), [hu]);
    assert_eq!(g.type_count("MET"), 0);
    assert_eq!(g.type_count("OFFICIAL_OF"), 0);
    assert!(g.lookup_name("yoshihiko noda").is_empty());
    assert_eq!(g.lookup_name("JAPAN"), [japan]);
    // Ids of the survivors do not move.
    assert_eq!(g.node(japan).unwrap().name(), Some("Japan"));
    let wen = person(&mut g, "Wen Jiabao");
    assert_ne!(wen, hu);
    assert_eq!(g.edges_at(hu, Direction::Both, None).count(), 0);
}

#[test]
fn aliases_are_looked_up_without_case() {
    let mut g = Graph::new();
    let noda = person(&mut g, "Yoshihiko Noda");
    assert!(g.add_alias(noda, "Noda"));
    assert!(g.add_alias(noda, "Prime Minister Noda"));
    assert!(!g.add_alias(noda, "noda"));
    assert!(!g.add_alias(noda, "YOSHIHIKO NODA"));
    assert_eq!(g.lookup_name("noda"), [noda]);
    assert_eq!(g.lookup_name("prime minister NODA"), [noda]);
    g.set_node_property(noda, "name", PropertyValue::string("Noda"));
    assert!(g.lookup_name("Yoshihiko Noda").is_empty());
    assert_eq!(g.lookup_name("noda"), [noda]);
    g.remove_node_property(noda, "aliases");
    assert_eq!(g.lookup_name("noda"), [noda], "still the name");
    assert!(g.lookup_name("prime minister noda").is_empty());
}

#[test]
fn labels_and_properties_change_in_place() {
    let mut g = Graph::new();
    let n = g.add_node(["A"], [("x", PropertyValue::Int(1))]);
    assert!(g.add_label(n, "B"));
    assert!(!g.add_label(n, "A"));
    assert!(g.remove_label(n, "A"));
    assert_eq!(g.labels().collect::<Vec<_>>(), [("B", 1)]);
    assert_eq!(
        g.set_node_property(n, "x", PropertyValue::Int(2)),
        Some(PropertyValue::Int(1))
    );
    assert_eq!(
        g.set_node_property(n, "x", PropertyValue::Null),
        Some(PropertyValue::Int(2))
    );
    assert!(g.node(n).unwrap().properties().is_empty());
}

#[test]
fn self_loops_are_reported_once() {
    let mut g = Graph::new();
    let a = g.add_node(["A"], []);
    let e = g.add_edge(a, a, "T", []).unwrap();
    assert_eq!(
        g.edges_at(a, Direction::Both, None).collect::<Vec<_>>(),
        [(e, a)]
    );
    assert_eq!(
        g.edges_at(a, Direction::Incoming, None).collect::<Vec<_>>(),
        [(e, a)]
    );
}

#[test]
fn graphs_rebuilt_with_ids_keep_their_holes() {
    let n = |i| NodeId(i);
    let g = Graph::with_ids(
        vec![
            (n(0), vec!["A".into()], vec![]),
            (
                n(3),
                vec!["B".into()],
                vec![("name".into(), PropertyValue::string("x"))],
            ),
        ],
        vec![(EdgeId(2), n(0), n(3), "T".into(), vec![])],
    )
    .unwrap();
    assert_eq!(g.node_ids().collect::<Vec<_>>(), [n(0), n(3)]);
    assert_eq!(g.edge_ids().collect::<Vec<_>>(), [EdgeId(2)]);
    assert_eq!(g.lookup_name("X"), [n(3)]);
    let dangling = Graph::with_ids(
        vec![(n(0), vec![], vec![])],
        vec![(EdgeId(0), n(0), n(1), "T".into(), vec![])],
    );
    assert_eq!(dangling.err(), Some(GraphError::NoSuchNode(1)));
}

#[test]
fn typed_expansion_follows_inserts_and_deletes() {
    let mut g = Graph::new();
    let a = g.add_node(["A"], []);
    let b = g.add_node(["B"], []);
    let met = |g: &mut Graph, s, t| g.add_edge(s, t, "MET", []).unwrap();
    let e1 = met(&mut g, a, b);
    let e2 = g.add_edge(a, b, "VISITED", []).unwrap();
    let e3 = met(&mut g, b, a);
    let e4 = met(&mut g, a, a);
    let ty = g.sym("MET").unwrap();
    let typed = |g: &Graph, n, d| g.edges_at(n, d, Some(ty)).collect::<Vec<_>>();
    // Newest first, outgoing before incoming, a self-loop once: the order
    // the untyped walk gives, restricted to the type.
    assert_eq!(typed(&g, a, Direction::Both), [(e4, a), (e1, b), (e3, b)]);
    let untyped: Vec<_> = g
        .edges_at(a, Direction::Both, None)
        .filter(|(e, _)| *e != e2)
        .collect();
    assert_eq!(typed(&g, a, Direction::Both), untyped);
    assert_eq!(typed(&g, b, Direction::Incoming), [(e1, a)]);
    assert_eq!(g.typed_degree(a, Direction::Both, ty), 3);
    g.remove_edge(e1).unwrap();
    assert_eq!(typed(&g, a, Direction::Outgoing), [(e4, a)]);
    g.detach_remove_node(b).unwrap();
    assert_eq!(typed(&g, a, Direction::Both), [(e4, a)]);
    let c = g.add_node(["C"], []);
    assert_eq!(typed(&g, c, Direction::Both), []);
}

/// Whether `node` has a string name that shares no name or alias with any
/// other node, worked out from the properties alone.
fn unique_by_hand(g: &Graph, node: NodeId) -> bool {
    let keys = |n: NodeId| -> Vec<String> {
        let Some(r) = g.node(n) else {
            return Vec::new();
        };
        [NAME_KEY, ALIASES_KEY]
            .iter()
            .filter_map(|k| r.property(k))
            .flat_map(names_of)
            .map(|s| s.to_lowercase())
            .collect()
    };
    let string_named = g
        .node(node)
        .and_then(|r| r.property(NAME_KEY).cloned())
        .is_some_and(|v| matches!(v, PropertyValue::String(_)));
    let mine = keys(node);
    string_named
        && g.node_ids()
            .filter(|&o| o != node)
            .all(|o| keys(o).iter().all(|k| !mine.contains(k)))
}

#[test]
fn unique_names_follow_every_change_and_a_reload() {
    let mut g = Graph::new();
    let a = person(&mut g, "Anna Berg");
    let b = person(&mut g, "Bo Li");
    let c = person(&mut g, "anna berg");
    let d = g.add_node(["Person"], [("name", PropertyValue::Int(7))]);
    let e = person(&mut g, "Eva");
    let check = |g: &Graph, step: &str| {
        for n in g.node_ids() {
            assert_eq!(
                g.has_unique_name(n),
                unique_by_hand(g, n),
                "{step}: node {n:?}"
            );
        }
        let mut text = Vec::new();
        dump::write(g, &mut text).unwrap();
        let loaded = dump::read_bytes(&text, "g.json").unwrap();
        for n in loaded.node_ids() {
            assert_eq!(
                loaded.has_unique_name(n),
                g.has_unique_name(n),
                "{step}, reloaded: node {n:?}"
            );
        }
    };
    check(&g, "start");
    assert!(!g.has_unique_name(a) && g.has_unique_name(b) && !g.has_unique_name(d));
    g.set_node_property(c, NAME_KEY, PropertyValue::string("Cai"));
    check(&g, "renamed");
    assert!(g.has_unique_name(a));
    g.add_alias(b, "Eva");
    check(&g, "alias of another's name");
    assert!(!g.has_unique_name(e) && !g.has_unique_name(b));
    g.set_node_property(b, ALIASES_KEY, PropertyValue::Null);
    check(&g, "aliases removed");
    g.set_node_property(
        e,
        NAME_KEY,
        PropertyValue::List(vec![PropertyValue::string("Eva")]),
    );
    check(&g, "a list for a name");
    g.remove_node(a).unwrap();
    let f = person(&mut g, "Cai");
    check(&g, "deleted and added");
    assert!(!g.has_unique_name(f) && !g.has_unique_name(c));
    g.remove_node_property(f, NAME_KEY);
    check(&g, "name removed");
    assert!(g.has_unique_name(c));
}

#[test]
fn nodes_with_a_label_are_the_same_from_the_masks_and_the_sets() {
    // Person is on most nodes (read from the masks), Place on few (from
    // its set); labels come and go, and nodes are deleted.
    let mut g = Graph::new();
    let ids: Vec<NodeId> = (0..40)
        .map(|i| {
            let labels: &[&str] = if i % 10 == 0 { &["Place"] } else { &["Person"] };
            g.add_node(labels.iter().copied(), [])
        })
        .collect();
    g.add_label(ids[3], "Place");
    g.remove_label(ids[5], "Person");
    g.remove_node(ids[7]).unwrap();
    g.remove_node(ids[10]).unwrap();
    for label in ["Person", "Place", "Nothing"] {
        let by_hand: Vec<NodeId> = g
            .node_ids()
            .filter(|n| g.node(*n).unwrap().labels().any(|l| l == label))
            .collect();
        assert_eq!(
            g.nodes_with_label(label).collect::<Vec<_>>(),
            by_hand,
            "{label}"
        );
    }
    assert!(matches!(
        g.nodes_with_label("Person"),
        LabelNodes::Masks { .. }
    ));
    assert!(matches!(g.nodes_with_label("Place"), LabelNodes::Set(_)));
}
