//! Every production in grammar/cypher.ebnf has an example, and every
//! example parses and prints back as Cypher that parses to the same tree.

use newsgraph::query::parse::{parse_script, parse_statement};

const GRAMMAR: &str = include_str!("../grammar/cypher.ebnf");

/// The example statements: the text of each `(* example: ... *)` line.
fn examples() -> Vec<(usize, &'static str)> {
    GRAMMAR
        .lines()
        .enumerate()
        .filter_map(|(n, line)| {
            let body = line
                .trim()
                .strip_prefix("(* example:")?
                .strip_suffix("*)")?;
            Some((n + 1, body.trim()))
        })
        .collect()
}

#[test]
fn every_production_has_an_example() {
    let lines: Vec<&str> = GRAMMAR.lines().collect();
    let mut missing = Vec::new();
    let mut productions = 0;
    for (n, line) in lines.iter().enumerate() {
        let is_production = line
            .split_once(" = ")
            .is_some_and(|(name, _)| !name.is_empty() && name.chars().all(char::is_alphanumeric));
        if !is_production {
            continue;
        }
        productions += 1;
        // The example follows the production's last line (the one with `;`).
        let example = lines[n..]
            .iter()
            .position(|l| l.trim_end().ends_with(';'))
            .and_then(|end| lines.get(n + end + 1))
            .is_some_and(|l| l.trim_start().starts_with("(* example:"));
        if !example {
            missing.push(format!("cypher.ebnf:{}: {line}", n + 1));
        }
    }
    assert!(productions > 50, "only {productions} productions found");
    assert!(
        missing.is_empty(),
        "productions without an example:\n{}",
        missing.join("\n")
    );
}

#[test]
fn every_example_parses_and_round_trips() {
    let examples = examples();
    assert!(examples.len() > 50);
    let mut failures = Vec::new();
    for (line, example) in examples {
        for (span, result) in parse_script(example) {
            match result {
                Ok(stmt) => {
                    let printed = stmt.to_string();
                    match parse_statement(&printed) {
                        Ok(again) if again.to_string() == printed => {}
                        Ok(again) => failures
                            .push(format!("cypher.ebnf:{line}: {printed} reprints as {again}")),
                        Err(e) => {
                            failures.push(format!("cypher.ebnf:{line}: {printed}: {}", e.message))
                        }
                    }
                }
                Err(e) => failures.push(format!(
                    "cypher.ebnf:{line}: {}: {} at {}",
                    &example[span.range()],
                    e.message,
                    e.span.start
                )),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
