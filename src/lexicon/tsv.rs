//! Reading the tab-separated tables of `data/lexicon/`: comments (`#`) and
//! blank lines are skipped, and every problem names `file:line`.

/// What is wrong with a line of a lexicon table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct LexiconError {
    /// The table's file name, as given to the loader.
    pub file: String,
    /// The 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// One data line of a table: its number and its columns (trimmed).
#[derive(Debug, Clone)]
pub struct Row<'a> {
    /// 1-based line number.
    pub line: usize,
    /// The columns, split on tabs.
    pub cols: Vec<&'a str>,
}

impl Row<'_> {
    /// Column `i`, or the empty string when the line has fewer columns.
    pub fn col(&self, i: usize) -> &str {
        self.cols.get(i).copied().unwrap_or("")
    }
}

/// Splits a table into rows of between `min` and `max` columns.
///
/// `# comment` lines and blank lines are skipped.
pub fn rows<'a>(
    file: &str,
    text: &'a str,
    min: usize,
    max: usize,
) -> Result<Vec<Row<'a>>, LexiconError> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches('\r');
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').map(str::trim).collect();
        let n = cols.len();
        if n < min || n > max {
            let expected = if min == max {
                format!("{min}")
            } else {
                format!("{min} to {max}")
            };
            return Err(LexiconError {
                file: file.to_string(),
                line: i + 1,
                message: format!("expected {expected} columns, found {n}"),
            });
        }
        if cols[0].is_empty() {
            return Err(LexiconError {
                file: file.to_string(),
                line: i + 1,
                message: "the first column is empty".to_string(),
            });
        }
        out.push(Row { line: i + 1, cols });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_skip_comments_and_name_bad_lines() {
        let text = "# a comment\nChina\tPRC\n\nJapan\n";
        let r = rows("countries.tsv", text, 1, 2).unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(r[1].line, 4);
        assert_eq!(r[0].col(1), "PRC");
        let err = rows("titles.tsv", "a\tb\tc\td\n", 1, 3).unwrap_err();
        assert_eq!(
            err.to_string(),
            "titles.tsv:1: expected 1 to 3 columns, found 4"
        );
    }
}
