//! Interchange formats: the neo4j-admin CSV round trip and its errors,
//! GraphML read back by a real XML parser, triples checked field by field,
//! DOT escaping.

use std::sync::Arc;

use expect_test::{Expect, expect};
use indexmap::IndexMap;
use newsgraph::graph::{Graph, PartialDate, PropertyValue, dump};
use newsgraph::interchange::{dot, graphml, neo4j_csv, triples};

fn dump_text(g: &Graph) -> String {
    let mut out = Vec::new();
    dump::write(g, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn csv_of(g: &Graph) -> (String, String) {
    let (mut nodes, mut edges) = (Vec::new(), Vec::new());
    neo4j_csv::write_nodes(g, &mut nodes).unwrap();
    neo4j_csv::write_edges(g, &mut edges).unwrap();
    (
        String::from_utf8(nodes).unwrap(),
        String::from_utf8(edges).unwrap(),
    )
}

/// A graph of the seed article's kind, with every type a CSV column can carry.
fn seed_like() -> Graph {
    let mut g = Graph::new();
    let hu = g.add_node(
        ["Person"],
        [
            ("name", "Hu Jintao".into()),
            ("title", "President".into()),
            (
                "aliases",
                PropertyValue::List(vec!["Hu".into(), "President Hu".into()]),
            ),
        ],
    );
    let noda = g.add_node(
        ["Person", "Leader"],
        [
            ("name", "Yoshihiko Noda".into()),
            ("aliases", PropertyValue::List(vec!["Noda".into()])),
        ],
    );
    let china = g.add_node(
        ["Country"],
        [("name", "China".into()), ("member", true.into())],
    );
    let japan = g.add_node(
        ["Country"],
        [("name", "Japan".into()), ("member", false.into())],
    );
    g.add_edge(
        hu,
        noda,
        "MET",
        [
            ("doc", "seed".into()),
            (
                "sentence",
                "Hu met Noda, who said \"thanks\",\nin Beijing.".into(),
            ),
            ("date", PartialDate::parse("2011-12").unwrap().into()),
            ("modality", "asserted".into()),
        ],
    )
    .unwrap();
    g.add_edge(
        china,
        japan,
        "TRADED_WITH",
        [
            ("doc", "seed".into()),
            ("date", PartialDate::year(2011).into()),
            ("amount", PropertyValue::Int(300_000_000_000)),
            ("share", PropertyValue::Float(0.25)),
            ("years", PropertyValue::List(vec![2010.into(), 2011.into()])),
        ],
    )
    .unwrap();
    g.add_edge(noda, china, "VISITED", [("doc", "seed".into())])
        .unwrap();
    g
}

#[test]
fn csv_export_is_the_neo4j_admin_layout() {
    let (nodes, edges) = csv_of(&seed_like());
    expect![[r#"
        :ID,:LABEL,name,title,aliases:string[],member:boolean
        0,Person,Hu Jintao,President,Hu;President Hu,
        1,Person;Leader,Yoshihiko Noda,,Noda,
        2,Country,China,,,true
        3,Country,Japan,,,false
    "#]]
    .assert_eq(&nodes);
    expect![[r#"
        :START_ID,:END_ID,:TYPE,doc,sentence,date:date,modality,amount:long,share:double,years:long[]
        0,1,MET,seed,"Hu met Noda, who said ""thanks"",
        in Beijing.",2011-12,asserted,,,
        2,3,TRADED_WITH,seed,,2011,,300000000000,0.25,2010;2011
        1,2,VISITED,seed,,,,,,
    "#]]
    .assert_eq(&edges);
}

#[test]
fn csv_export_then_import_gives_the_same_graph() {
    let g = seed_like();
    let (nodes, edges) = csv_of(&g);
    let back =
        neo4j_csv::import(nodes.as_bytes(), "nodes.csv", edges.as_bytes(), "edges.csv").unwrap();
    assert_eq!(dump_text(&back), dump_text(&g));
    assert_eq!(back.lookup_name("president hu").len(), 1);
}

#[test]
fn csv_round_trip_closes_up_ids_after_deletes() {
    let mut g = seed_like();
    let extra = g.add_node(["Place"], [("name", "Beijing".into())]);
    g.detach_remove_node(newsgraph::graph::NodeId(0)).unwrap();
    let (nodes, edges) = csv_of(&g);
    let back = neo4j_csv::import(nodes.as_bytes(), "n", edges.as_bytes(), "e").unwrap();
    assert_eq!(back.node_count(), g.node_count());
    assert_eq!(back.edge_count(), g.edge_count());
    // Ids close up: the old node 1 is now node 0, and Beijing moved down too.
    assert_eq!(back.lookup_name("Yoshihiko Noda")[0].0, 0);
    assert_eq!(back.lookup_name("Beijing")[0].0, extra.0 - 1);
    let (nodes2, edges2) = csv_of(&back);
    let again = neo4j_csv::import(nodes2.as_bytes(), "n", edges2.as_bytes(), "e").unwrap();
    assert_eq!(dump_text(&again), dump_text(&back));
}

#[test]
fn csv_special_values_survive_or_fall_back_as_documented() {
    let mut g = Graph::new();
    let mut map = IndexMap::new();
    map.insert(Arc::from("k"), PropertyValue::Int(1));
    g.add_node(
        ["Thing"],
        [
            ("nan", PropertyValue::Float(f64::NAN)),
            ("inf", PropertyValue::Float(f64::NEG_INFINITY)),
            ("whole", PropertyValue::Float(3.0)),
            ("map", PropertyValue::Map(Box::new(map))),
            ("semi", PropertyValue::List(vec!["a;b".into()])),
            (
                "dates",
                PropertyValue::List(vec![PartialDate::year(2011).into()]),
            ),
        ],
    );
    g.add_node(["Thing"], [("whole", PropertyValue::Int(4))]);
    let (nodes, edges) = csv_of(&g);
    expect![[r#"
        :ID,:LABEL,nan:double,inf:double,whole:double,map,semi,dates:date[]
        0,Thing,NaN,-Infinity,3.0,"{""map"":{""k"":1}}","[""a;b""]",2011
        1,Thing,,,4.0,,,
    "#]]
    .assert_eq(&nodes);
    let back = neo4j_csv::import(nodes.as_bytes(), "n", edges.as_bytes(), "e").unwrap();
    let n = back.node(newsgraph::graph::NodeId(0)).unwrap();
    assert!(matches!(n.property("nan"), Some(PropertyValue::Float(f)) if f.is_nan()));
    assert_eq!(
        n.property("inf"),
        Some(&PropertyValue::Float(f64::NEG_INFINITY))
    );
    assert_eq!(n.property("map"), Some(&"{\"map\":{\"k\":1}}".into()));
    assert_eq!(
        n.property("dates"),
        Some(&PropertyValue::List(vec![PartialDate::year(2011).into()]))
    );
}

#[test]
fn csv_import_reads_typed_columns_labels_and_empty_cells() {
    let nodes = "id:ID,name,:LABEL,born:int,score:float,flag:boolean,tags:string[],:IGNORE\n\
                 p1,Hu Jintao,Person;Leader,1942,0.5,TRUE,a;b,x\n\
                 c1,China,Country,,,,,y\n";
    let edges = ":START_ID,:END_ID,:TYPE,amount:long,year:int,when:date\n\
                 p1,c1,OFFICIAL_OF,,,\n\
                 c1,c1,TRADED_WITH,300000000000,2011,2011-12\n";
    let g = neo4j_csv::import(nodes.as_bytes(), "n", edges.as_bytes(), "e").unwrap();
    expect![[r#"
        {"format":"newsgraph","version":1,
        "nodes":[
        [0,["Person","Leader"],{"id":"p1","name":"Hu Jintao","born":1942,"score":0.5,"flag":true,"tags":["a","b"]}],
        [1,["Country"],{"id":"c1","name":"China"}]
        ],
        "edges":[
        [0,0,1,"OFFICIAL_OF",{}],
        [1,1,1,"TRADED_WITH",{"amount":300000000000,"year":2011,"when":{"date":"2011-12"}}]
        ]}
    "#]]
    .assert_eq(&dump_text(&g));
}

#[track_caller]
fn check_csv(nodes: &str, edges: &str, expect: Expect) {
    let err = neo4j_csv::import(nodes.as_bytes(), "nodes.csv", edges.as_bytes(), "edges.csv")
        .unwrap_err();
    expect.assert_eq(&err.to_string());
}

const NODES: &str = ":ID,name,:LABEL\na,A,Person\nb,B,Person\n";
const EDGES: &str = ":START_ID,:END_ID,:TYPE\na,b,MET\n";

#[test]
fn bad_csv_files_each_get_their_message() {
    check_csv(
        "",
        EDGES,
        expect!["nodes.csv:1: empty file, expected a header line"],
    );
    check_csv(
        "name,:LABEL\nA,Person\n",
        EDGES,
        expect!["nodes.csv:1: the header has no :ID column"],
    );
    check_csv(
        NODES,
        ":START_ID,:TYPE\na,MET\n",
        expect!["edges.csv:1: the header has no :END_ID column"],
    );
    check_csv(
        ":ID,name,name\na,A,B\n",
        EDGES,
        expect![[r#"nodes.csv:1: column "name" appears twice in the header"#]],
    );
    check_csv(
        ":ID,amount:money\na,1\n",
        EDGES,
        expect![[r#"nodes.csv:1: column "amount:money": unknown type or role "money""#]],
    );
    check_csv(
        ":ID,:START_ID\na,b\n",
        EDGES,
        expect![[r#"nodes.csv:1: column ":START_ID": unknown type or role "START_ID""#]],
    );
    check_csv(
        ":ID,name\na,A\nb\n",
        EDGES,
        expect!["nodes.csv:3: expected 2 fields as in the header, found 1"],
    );
    check_csv(
        ":ID,amount:long\na,1\nb,12x\n",
        EDGES,
        expect![[r#"nodes.csv:3: column "amount:long": expected an integer, found "12x""#]],
    );
    check_csv(
        ":ID,score:double\na,NaNa\n",
        EDGES,
        expect![[r#"nodes.csv:2: column "score:double": expected a number, found "NaNa""#]],
    );
    check_csv(
        ":ID,flag:boolean\na,yes\n",
        EDGES,
        expect![[r#"nodes.csv:2: column "flag:boolean": expected true or false, found "yes""#]],
    );
    check_csv(
        ":ID,years:int[]\na,2011;x\n",
        EDGES,
        expect![[r#"nodes.csv:2: column "years:int[]": expected an integer, found "x""#]],
    );
    check_csv(
        ":ID,when:date\na,2011-13\n",
        EDGES,
        expect![[
            r#"nodes.csv:2: column "when:date": expected a date as YYYY, YYYY-MM or YYYY-MM-DD, found "2011-13""#
        ]],
    );
    check_csv(
        ":ID\na\n\nb\na\n",
        EDGES,
        expect![[r#"nodes.csv:5: duplicate node id "a""#]],
    );
    check_csv(
        ":ID\n\n,\n",
        EDGES,
        expect!["nodes.csv:3: expected 1 fields as in the header, found 2"],
    );
    check_csv(":ID,x\n,1\n", EDGES, expect!["nodes.csv:2: empty :ID cell"]);
    check_csv(
        NODES,
        ":START_ID,:END_ID,:TYPE\na,b,MET\na,zz,MET\n",
        expect![[r#"edges.csv:3: :END_ID "zz" names no node of the nodes file"#]],
    );
    check_csv(
        NODES,
        ":START_ID,:END_ID,:TYPE\na,b,\n",
        expect!["edges.csv:2: empty :TYPE cell"],
    );
    check_csv(
        ":ID,name\na,\"A\nb,B\n",
        EDGES,
        expect!["nodes.csv:2: a quote opened on this line is never closed"],
    );
    check_csv(
        NODES,
        ":START_ID,:END_ID,:TYPE,note\na,b,MET,fine\nb,a,MET,\"open\n",
        expect!["edges.csv:3: a quote opened on this line is never closed"],
    );
    let err = neo4j_csv::import(b":ID,name\na,\xff\n", "nodes.csv", b"", "edges.csv");
    assert_eq!(err.unwrap_err().to_string(), "nodes.csv:2: not UTF-8 text");
}

#[test]
fn csv_with_id_spaces_keeps_them_apart() {
    let nodes = "id:ID(Person),name,:LABEL\n1,Hu,Person\n";
    let countries = ":ID(Country),name,:LABEL\n1,China,Country\n";
    let mut g = neo4j_csv::import(nodes.as_bytes(), "n", b":START_ID,:END_ID,:TYPE\n", "e");
    assert!(g.is_ok());
    // Two spaces in one nodes file is the neo4j way of several files; here
    // the spaces are per column, so a nodes file with the other space works
    // when imported on its own.
    g = neo4j_csv::import(
        countries.as_bytes(),
        "n",
        b":START_ID(Country),:END_ID(Country),:TYPE\n1,1,TRADED_WITH\n",
        "e",
    );
    assert_eq!(g.unwrap().edge_count(), 1);
    let err = neo4j_csv::import(
        nodes.as_bytes(),
        "n",
        b":START_ID(Country),:END_ID(Person),:TYPE\n1,1,X\n",
        "e",
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "e:2: :START_ID \"1\" names no node of the nodes file"
    );
}

#[test]
fn graphml_reads_back_with_typed_keys() {
    let g = seed_like();
    let mut out = Vec::new();
    graphml::write(&g, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "graphml");
    let keys: Vec<(String, String, String)> = root
        .children()
        .filter(|n| n.has_tag_name("key"))
        .map(|k| {
            (
                k.attribute("for").unwrap().to_string(),
                k.attribute("attr.name").unwrap().to_string(),
                k.attribute("attr.type").unwrap().to_string(),
            )
        })
        .collect();
    let typed = |side: &str, name: &str| {
        keys.iter()
            .find(|(s, n, _)| s == side && n == name)
            .map(|(_, _, t)| t.as_str())
    };
    assert_eq!(typed("node", "name"), Some("string"));
    assert_eq!(typed("node", "member"), Some("boolean"));
    assert_eq!(typed("edge", "amount"), Some("long"));
    assert_eq!(typed("edge", "share"), Some("double"));
    assert_eq!(typed("edge", "years"), Some("string"));
    assert_eq!(typed("edge", "type"), Some("string"));
    let graph = root.children().find(|n| n.has_tag_name("graph")).unwrap();
    assert_eq!(graph.attribute("edgedefault"), Some("directed"));
    let nodes: Vec<_> = graph
        .children()
        .filter(|n| n.has_tag_name("node"))
        .collect();
    let edges: Vec<_> = graph
        .children()
        .filter(|n| n.has_tag_name("edge"))
        .collect();
    assert_eq!((nodes.len(), edges.len()), (4, 3));
    let key_id = |side: &str, name: &str| {
        root.children()
            .find(|k| {
                k.has_tag_name("key")
                    && k.attribute("for") == Some(side)
                    && k.attribute("attr.name") == Some(name)
            })
            .and_then(|k| k.attribute("id"))
            .unwrap()
            .to_string()
    };
    let data = |el: &roxmltree::Node, key: &str| {
        el.children()
            .find(|d| d.has_tag_name("data") && d.attribute("key") == Some(key))
            .and_then(|d| d.text())
            .map(str::to_string)
    };
    assert_eq!(data(&nodes[1], "labels").as_deref(), Some(":Person:Leader"));
    assert_eq!(
        data(&nodes[1], &key_id("node", "aliases")).as_deref(),
        Some("[\"Noda\"]")
    );
    let met = &edges[0];
    assert_eq!(
        (met.attribute("source"), met.attribute("target")),
        (Some("n0"), Some("n1"))
    );
    assert_eq!(
        data(met, &key_id("edge", "sentence")).as_deref(),
        Some("Hu met Noda, who said \"thanks\",\nin Beijing.")
    );
    assert_eq!(
        data(met, &key_id("edge", "date")).as_deref(),
        Some("2011-12")
    );
    assert_eq!(
        data(&edges[1], &key_id("edge", "amount")).as_deref(),
        Some("300000000000")
    );
    assert_eq!(
        data(&edges[1], &key_id("edge", "share")).as_deref(),
        Some("0.25")
    );
}

#[test]
fn triples_follow_the_contract_field_by_field() {
    let g = seed_like();
    let mut out = Vec::new();
    triples::write(&g, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3);
    let order = [
        "subject",
        "subject_label",
        "relation",
        "object",
        "object_label",
        "doc",
        "sentence",
        "date",
        "modality",
        "properties",
    ];
    for line in &lines {
        let positions: Vec<usize> = order
            .iter()
            .map(|k| line.find(&format!("\"{k}\":")).unwrap())
            .collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{line}");
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(v.as_object().unwrap().len(), order.len());
    }
    let met: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(met["subject"], "Hu Jintao");
    assert_eq!(met["subject_label"], "Person");
    assert_eq!(met["relation"], "MET");
    assert_eq!(met["object"], "Yoshihiko Noda");
    assert_eq!(met["object_label"], "Person");
    assert_eq!(met["doc"], "seed");
    assert_eq!(
        met["sentence"],
        "Hu met Noda, who said \"thanks\",\nin Beijing."
    );
    assert_eq!(met["date"], "2011-12");
    assert_eq!(met["modality"], "asserted");
    assert_eq!(met["properties"], serde_json::json!({}));
    expect![[r#"{"subject":"China","subject_label":"Country","relation":"TRADED_WITH","object":"Japan","object_label":"Country","doc":"seed","sentence":null,"date":"2011","modality":null,"properties":{"amount":300000000000,"share":0.25,"years":[2010,2011]}}"#]]
        .assert_eq(lines[1]);
}

#[test]
fn dot_names_nodes_and_escapes_text() {
    let mut g = Graph::new();
    let a = g.add_node(["Person"], [("name", "Say \"hi\" \\N\nnow".into())]);
    let b = g.add_node(["Place"], []);
    g.add_edge(a, b, "VISITED", []).unwrap();
    let mut out = Vec::new();
    dot::write(&g, &mut out).unwrap();
    expect![[r#"
        digraph newsgraph {
          node [shape=box];
          n0 [label="Say \"hi\" \\N\nnow\n:Person"];
          n1 [label=":Place"];
          n0 -> n1 [label="VISITED"];
        }
    "#]]
    .assert_eq(&String::from_utf8(out).unwrap());
}
