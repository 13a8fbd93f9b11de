//! The dump: round trips and the table of bad dumps, each with its exact
//! message (the command line's exit status for them is in tests/cli.rs).

use std::sync::Arc;

use expect_test::{Expect, expect};
use indexmap::IndexMap;
use newsgraph::graph::dump;
use newsgraph::graph::{Direction, Graph, PartialDate, PropertyValue};

fn text_of(g: &Graph) -> String {
    let mut out = Vec::new();
    dump::write(g, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// A graph with every kind of value, a deleted node and a deleted edge.
fn every_kind() -> Graph {
    let mut g = Graph::new();
    let hu = g.add_node(["Person"], [("name", "Hu Jintao".into())]);
    let gone = g.add_node(["Person"], [("name", "Nobody".into())]);
    let noda = g.add_node(
        ["Person"],
        [
            ("name", "Yoshihiko Noda".into()),
            ("title", "Prime Minister".into()),
        ],
    );
    g.add_alias(noda, "Noda");
    let china = g.add_node(["Country"], [("name", "China".into())]);
    let mut inner = IndexMap::new();
    inner.insert(Arc::from("currency"), PropertyValue::from("USD"));
    inner.insert(Arc::from("rate"), PropertyValue::Float(0.5));
    g.add_edge(gone, hu, "MET", []).unwrap();
    g.add_edge(
        noda,
        china,
        "VISITED",
        [
            ("date", PartialDate::parse("2011-12-25").unwrap().into()),
            ("doc", "seed".into()),
            (
                "sentence",
                "Noda arrived in Beijing on \"Sunday\".\n".into(),
            ),
            ("modality", "asserted".into()),
        ],
    )
    .unwrap();
    g.add_edge(
        china,
        china,
        "TRADED_WITH",
        [
            ("amount", PropertyValue::Int(300_000_000_000)),
            ("year", PropertyValue::Int(2011)),
            ("share", PropertyValue::Float(2.0)),
            ("growth", PropertyValue::Float(-1.5e-7)),
            ("nan", PropertyValue::Float(f64::NAN)),
            ("inf", PropertyValue::Float(f64::INFINITY)),
            ("extra", PropertyValue::Map(Box::new(inner))),
            (
                "mixed",
                PropertyValue::List(vec![
                    PropertyValue::Null,
                    "2011".into(),
                    PartialDate::year(2011).into(),
                    PropertyValue::List(vec![]),
                ]),
            ),
            ("flag", false.into()),
            ("unicode", "北京 — Noda".into()),
        ],
    )
    .unwrap();
    g.detach_remove_node(gone).unwrap();
    g
}

#[test]
fn save_load_save_gives_identical_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g.json");
    let g = every_kind();
    dump::save(&g, &path).unwrap();
    let first = std::fs::read(&path).unwrap();
    let loaded = dump::load(&path).unwrap();
    dump::save(&loaded, &path).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), first);
    assert_eq!(text_of(&loaded).as_bytes(), first);
}

#[test]
fn a_loaded_graph_keeps_ids_indexes_and_types() {
    let g = dump::read(&text_of(&every_kind()), "g.json").unwrap();
    let noda = g.lookup_name("noda")[0];
    assert_eq!(noda.0, 2);
    assert_eq!(g.node(noda).unwrap().name(), Some("Yoshihiko Noda"));
    assert_eq!(g.label_count("Person"), 2);
    assert_eq!(g.type_count("MET"), 0);
    let trade: Vec<_> = g.edges_with_type("TRADED_WITH").collect();
    assert_eq!(trade.len(), 1);
    let edge = g.edge(trade[0]).unwrap();
    assert_eq!(trade[0].0, 2);
    assert_eq!(edge.property("year"), Some(&PropertyValue::Int(2011)));
    assert_eq!(edge.property("share"), Some(&PropertyValue::Float(2.0)));
    assert!(matches!(edge.property("nan"), Some(PropertyValue::Float(f)) if f.is_nan()));
    let visited = g.edges_at(noda, Direction::Outgoing, g.sym("VISITED"));
    let (visit, _) = visited.into_iter().next().unwrap();
    assert_eq!(
        g.edge(visit).unwrap().property("date"),
        Some(&PropertyValue::Date(
            PartialDate::parse("2011-12-25").unwrap()
        ))
    );
}

#[test]
fn an_empty_graph_round_trips() {
    let text = text_of(&Graph::new());
    assert_eq!(
        text,
        "{\"format\":\"newsgraph\",\"version\":1,\n\"nodes\":[\n],\n\"edges\":[\n]}\n"
    );
    let g = dump::read(&text, "g.json").unwrap();
    assert_eq!((g.node_count(), g.edge_count()), (0, 0));
}

const HEAD: &str = r#"{"format":"newsgraph","version":1,"#;

#[track_caller]
fn check(bytes: &[u8], expect: Expect) {
    let err = dump::read_bytes(bytes, "g.json").unwrap_err();
    expect.assert_eq(&err.to_string());
}

fn with(nodes: &str, edges: &str) -> String {
    format!("{HEAD}\n\"nodes\":[\n{nodes}\n],\n\"edges\":[\n{edges}\n]}}\n")
}

const NODES: &str = "[0,[\"Person\"],{\"name\":\"Hu\"}],\n[1,[],{}]";

#[test]
fn bad_dumps_each_get_their_message() {
    check(
        b"",
        expect!["g.json:1:1: empty file, expected a newsgraph dump"],
    );
    check(
        b" \n\n",
        expect!["g.json:1:1: empty file, expected a newsgraph dump"],
    );
    check(
        b"{\"format\":\xff\xfe",
        expect!["g.json:1:11: binary data, not a newsgraph dump"],
    );
    check(
        b"\x00\x01\x02",
        expect!["g.json:1:1: binary data, not a newsgraph dump"],
    );
    check(
        br#"{"format":"newsgraph","version":1,"nodes":[[0,["Person"],{"na"#,
        expect!["g.json:1:61: EOF while parsing a string"],
    );
    check(
        &with(NODES, "").as_bytes()[..60],
        expect!["g.json:3:15: EOF while parsing an object"],
    );
    check(
        br#"[1,2]"#,
        expect![
            "g.json:1:1: invalid type: sequence, expected a newsgraph dump (an object with format, version, nodes and edges)"
        ],
    );
    check(
        br#"{"format":"graphml","version":1,"nodes":[],"edges":[]}"#,
        expect![[
            r#"g.json:1:19: not a newsgraph dump: format is "graphml", expected "newsgraph""#
        ]],
    );
    check(
        br#"{"format":"newsgraph","version":2,"nodes":[],"edges":[]}"#,
        expect!["g.json:1:33: dump version 2 is not supported; this build reads version 1"],
    );
    check(
        br#"{"version":1,"format":"newsgraph","nodes":[],"edges":[]}"#,
        expect!["g.json:1:10: expected field `format`, found `version`"],
    );
    check(
        br#"{"format":"newsgraph","version":1,"nodes":[]}"#,
        expect!["g.json:1:45: missing field `edges`"],
    );
    check(
        br#"{"format":"newsgraph","version":1,"nodes":[],"edges":[],"more":1}"#,
        expect!["g.json:1:62: unknown field `more` after `edges`"],
    );
    check(
        format!("{} x", with("", "")).as_bytes(),
        expect!["g.json:8:2: trailing characters"],
    );
    check(
        with("[0,[],{}],\n[0,[],{}]", "").as_bytes(),
        expect!["g.json:4:3: duplicate node id 0"],
    );
    check(
        with(NODES, "[0,0,1,\"MET\",{}],\n[0,1,0,\"MET\",{}]").as_bytes(),
        expect!["g.json:8:3: duplicate edge id 0"],
    );
    check(
        with(NODES, "[0,0,7,\"MET\",{}]").as_bytes(),
        expect!["g.json:7:7: edge 0 ends at node 7, which the dump does not hold"],
    );
    check(
        with("[2,[],{}]", "[0,1,2,\"MET\",{}]").as_bytes(),
        expect!["g.json:6:5: edge 0 ends at node 1, which the dump does not hold"],
    );
    check(
        with("[4000000000,[],{}]", "").as_bytes(),
        expect!["g.json:3:12: id 4000000000 leaves too many ids unused before it"],
    );
    check(
        with("[-1,[],{}]", "").as_bytes(),
        expect!["g.json:3:3: invalid value: integer `-1`, expected u32"],
    );
    check(
        with("[0,[\"A\",\"A\"],{}]", "").as_bytes(),
        expect![[r#"g.json:3:13: duplicate label "A""#]],
    );
    check(
        with("[0,[7],{}]", "").as_bytes(),
        expect!["g.json:3:5: invalid type: integer `7`, expected a string"],
    );
    check(
        with("[0,[],{\"a\":1,\"a\":2}]", "").as_bytes(),
        expect![[r#"g.json:3:16: duplicate property key "a""#]],
    );
    check(
        with("[0,[],{\"a\":null}]", "").as_bytes(),
        expect![[r#"g.json:3:16: property "a" is null; absent properties are left out of a dump"#]],
    );
    check(
        with("[0,[],{\"a\":18446744073709551615}]", "").as_bytes(),
        expect!["g.json:3:31: integer 18446744073709551615 does not fit in 64 signed bits"],
    );
    check(
        with("[0,[],{\"a\":{\"date\":\"2011-13\"}}]", "").as_bytes(),
        expect![[
            r#"g.json:3:29: expected a date as YYYY, YYYY-MM or YYYY-MM-DD, found "2011-13""#
        ]],
    );
    check(
        with("[0,[],{\"a\":{\"float\":\"nan\"}}]", "").as_bytes(),
        expect![[
            r#"g.json:3:26: expected "NaN", "Infinity" or "-Infinity" after "float", found "nan""#
        ]],
    );
    check(
        with("[0,[],{\"a\":{\"when\":\"2011\"}}]", "").as_bytes(),
        expect![[
            r#"g.json:3:18: unknown tagged value "when"; a value object is {"map":{...}}, {"date":"YYYY-MM-DD"} or {"float":"NaN"}"#
        ]],
    );
    check(
        with("[0,[],{\"a\":{\"map\":{},\"date\":\"2011\"}}]", "").as_bytes(),
        expect!["g.json:3:27: a tagged value has exactly one key"],
    );
    check(
        with("[0,[\"A\"]]", "").as_bytes(),
        expect!["g.json:3:9: a node record is [id, [labels...], {properties}]"],
    );
    check(
        with("[0,[],{},1]", "").as_bytes(),
        expect!["g.json:3:11: a node record is [id, [labels...], {properties}]"],
    );
    check(
        with(NODES, "[0,0,1,{}]").as_bytes(),
        expect!["g.json:7:7: invalid type: map, expected a string"],
    );
    check(
        with(NODES, "[0,0,1,\"MET\",{\"a\":[1,{\"map\":{\"k\":{}}}]}]").as_bytes(),
        expect![[
            r#"g.json:7:35: an empty object is no value; a value object is {"map":{...}}, {"date":"YYYY-MM-DD"} or {"float":"NaN"}"#
        ]],
    );
    let deep = format!("[0,[],{{\"a\":{}1{}}}]", "[".repeat(200), "]".repeat(200));
    check(
        with(&deep, "").as_bytes(),
        expect!["g.json:3:135: recursion limit exceeded"],
    );
}
