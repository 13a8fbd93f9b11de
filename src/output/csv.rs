//! Results as CSV: a header of column names, then one record per row. Each
//! field is the value's table text (strings bare, see `table::cell`), and
//! null is the empty field.

use std::io;

use crate::graph::Graph;
use crate::query::value::{QueryResult, Value};

use super::table::cell;

/// Writes `result` as CSV to `w`.
pub fn write(w: impl io::Write, graph: &Graph, result: &QueryResult) -> io::Result<()> {
    let mut out = ::csv::Writer::from_writer(w);
    out.write_record(&result.columns)
        .map_err(io::Error::other)?;
    for row in &result.rows {
        out.write_record(row.iter().map(|v| match v {
            Value::Null => String::new(),
            v => cell(graph, v),
        }))
        .map_err(io::Error::other)?;
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::PropertyValue;

    #[test]
    fn header_then_records() {
        let mut g = Graph::new();
        let n = g.add_node(["Person"], [("name", PropertyValue::from("Hu, Jintao"))]);
        let result = QueryResult {
            columns: vec!["n".into(), "x".into()],
            rows: vec![
                vec![Value::Node(n), Value::Null],
                vec![Value::from("say \"hi\""), Value::List(vec![Value::Int(1)])],
            ],
            ..QueryResult::default()
        };
        let mut out = Vec::new();
        write(&mut out, &g, &result).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "n,x\n\"(:Person {name: \"\"Hu, Jintao\"\"})\",\n\"say \"\"hi\"\"\",[1]\n"
        );
    }
}
