//! Merging the facts of documents into the graph, resolving names across
//! documents: one node per real entity. A full name joins the node of that
//! name (or of an alias); a lone surname ("President Hu") joins a person
//! only when exactly one known person fits; two people who share a
//! surname stay apart. Documents are merged in the order given, so the
//! result does not depend on how they were extracted.

use crate::extract::{DocFacts, Entity};
use crate::lexicon::Label;

use super::{Graph, NodeId, PropertyValue};

fn tokens(name: &str) -> Vec<String> {
    name.split_whitespace().map(str::to_lowercase).collect()
}

fn is_label(graph: &Graph, node: NodeId, label: &str) -> bool {
    graph
        .node(node)
        .is_some_and(|n| n.labels().any(|l| l == label))
}

/// The node an entity of a document stands for, made when new.
fn resolve(graph: &mut Graph, entity: &Entity) -> NodeId {
    let label = entity.label.as_str();
    let same_label: Vec<NodeId> = graph
        .lookup_name(&entity.name)
        .iter()
        .copied()
        .filter(|&n| is_label(graph, n, label))
        .collect();
    let exact = same_label.iter().copied().find(|&n| {
        graph
            .node(n)
            .and_then(|x| x.name())
            .is_some_and(|name| name.eq_ignore_ascii_case(&entity.name))
    });
    if let Some(n) = exact {
        return n;
    }
    if entity.label == Label::Person {
        let toks = tokens(&entity.name);
        if toks.len() == 1 {
            // "President Hu": only when one known person answers to "Hu"
            // (by an alias, or as the first word of a name: "Hu Jintao").
            let mut same_label = same_label;
            if same_label.is_empty() {
                same_label = graph
                    .nodes_with_label(label)
                    .filter(|&n| {
                        graph
                            .node(n)
                            .and_then(|x| x.name())
                            .is_some_and(|name| tokens(name).first() == toks.first())
                    })
                    .collect();
            }
            if let [one] = same_label[..] {
                return one;
            }
            if same_label.len() > 1 {
                let titled: Vec<NodeId> = same_label
                    .iter()
                    .copied()
                    .filter(|&n| {
                        graph
                            .node(n)
                            .and_then(|x| x.property("title"))
                            .and_then(|t| t.as_str())
                            == entity.title.as_deref()
                    })
                    .collect();
                if let [one] = titled[..] {
                    return one;
                }
            }
        } else {
            // A full name joins a node known by one of its forms, or a
            // node named by its surname alone, when just one fits.
            if let [one] = same_label[..] {
                return one;
            }
            let mut partial: Vec<NodeId> = Vec::new();
            for t in [toks.first(), toks.last()].into_iter().flatten() {
                for &n in graph.lookup_name(t) {
                    let single = graph
                        .node(n)
                        .and_then(|x| x.name())
                        .is_some_and(|name| tokens(name).len() == 1);
                    if single && is_label(graph, n, label) && !partial.contains(&n) {
                        partial.push(n);
                    }
                }
            }
            if let [one] = partial[..] {
                let old = graph
                    .node(one)
                    .and_then(|x| x.name())
                    .unwrap_or_default()
                    .to_string();
                graph.set_node_property(one, "name", PropertyValue::string(&entity.name));
                graph.add_alias(one, &old);
                return one;
            }
        }
    }
    let mut props = vec![("name", PropertyValue::string(&entity.name))];
    if let Some(c) = &entity.country
        && entity.label != Label::Country
    {
        props.push(("country", PropertyValue::string(c)));
    }
    graph.add_node([label], props)
}

/// Adds the entities and relations of `docs` to `graph`, in order.
pub fn merge(graph: &mut Graph, docs: &[DocFacts]) {
    for doc in docs {
        let mut nodes = Vec::with_capacity(doc.entities.len());
        for entity in &doc.entities {
            let node = resolve(graph, entity);
            for alias in &entity.aliases {
                graph.add_alias(node, alias);
            }
            if entity.label == Label::Person {
                let toks: Vec<&str> = entity.name.split_whitespace().collect();
                if toks.len() > 1
                    && let Some(last) = toks.last()
                {
                    graph.add_alias(node, last);
                }
                if let Some(title) = &entity.title {
                    let has = graph.node(node).and_then(|n| n.property("title")).is_some();
                    if !has {
                        graph.set_node_property(node, "title", PropertyValue::string(title));
                    }
                }
            }
            if !entity.mentions.is_empty() {
                let mut list = match graph.node(node).and_then(|n| n.property("mentions")) {
                    Some(PropertyValue::List(items)) => items.clone(),
                    _ => Vec::new(),
                };
                for m in &entity.mentions {
                    list.push(PropertyValue::string(format!(
                        "{}:{}-{}",
                        doc.doc, m.start, m.end
                    )));
                }
                graph.set_node_property(node, "mentions", PropertyValue::List(list));
            }
            nodes.push(node);
        }
        for r in &doc.relations {
            let (Some(&s), Some(&o)) = (nodes.get(r.subject), nodes.get(r.object)) else {
                continue;
            };
            if s == o {
                continue;
            }
            let mut props: Vec<(&str, PropertyValue)> = vec![
                ("doc", PropertyValue::string(&doc.doc)),
                ("sentence", PropertyValue::string(&r.sentence_text)),
                (
                    "sentence_start",
                    PropertyValue::Int(i64::from(r.sentence.start)),
                ),
                (
                    "sentence_end",
                    PropertyValue::Int(i64::from(r.sentence.end)),
                ),
            ];
            if let Some(d) = r.date {
                props.push(("date", PropertyValue::Date(d)));
            }
            props.push(("modality", PropertyValue::string(r.modality.as_str())));
            if let Some(a) = r.amount {
                props.push(("amount", PropertyValue::Int(a)));
            }
            if let Some(c) = &r.currency {
                props.push(("currency", PropertyValue::string(c)));
            }
            if let Some(d) = r.date.filter(|_| r.amount.is_some()) {
                props.push(("year", PropertyValue::Int(i64::from(d.get_year()))));
            }
            if let Some(t) = &r.title {
                props.push(("title", PropertyValue::string(t)));
            }
            // Adding an edge between two existing nodes cannot fail.
            let _ = graph.add_edge(s, o, &r.ty, props);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::extract_text;
    use crate::lexicon::Lexicon;

    fn names(graph: &Graph) -> Vec<String> {
        graph
            .nodes_with_label("Person")
            .filter_map(|n| graph.node(n).and_then(|x| x.name()).map(str::to_string))
            .collect()
    }

    #[test]
    fn surnames_join_only_when_one_person_fits() {
        let lex = Lexicon::bundled();
        let mut g = Graph::new();
        let a = extract_text(
            &lex,
            "a",
            "Chinese President Hu Jintao met with Japanese Prime Minister Yoshihiko Noda.",
        );
        let b = extract_text(
            &lex,
            "b",
            "President Hu met with Prime Minister Noda again.",
        );
        merge(&mut g, &[a, b]);
        assert_eq!(names(&g), ["Hu Jintao", "Yoshihiko Noda"]);
        let c = extract_text(
            &lex,
            "c",
            "Chinese Vice Premier Hu Chunhua met with Japanese Foreign Minister Taro Kono.",
        );
        let d = extract_text(&lex, "d", "Mr. Hu met with Minister Kono.");
        merge(&mut g, &[c, d]);
        let all = names(&g);
        assert!(all.contains(&"Hu Chunhua".to_string()));
        assert!(all.contains(&"Hu".to_string()), "{all:?}");
    }
}
