//! Reading articles: `.txt` files with an optional header, `.jsonl` files
//! (one article a line), folders walked recursively, and `-` for standard
//! input. Bad input loses nothing and stops nothing: non-UTF-8 text is
//! decoded lossily, binary and empty files are skipped, and every problem
//! is reported with its file (and line or byte offset).

use std::fmt;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::text::Meta;

/// One article: its id, text and metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    /// The document id: the file's stem, or the `.jsonl` line's `id`.
    pub id: String,
    /// The text (for `.txt`, the whole file including its header).
    pub text: String,
    /// Metadata given beside the text (`.jsonl` fields).
    pub meta: Meta,
}

/// A problem with one input: where, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file (or `-`).
    pub path: PathBuf,
    /// The 1-based line, for `.jsonl`.
    pub line: Option<usize>,
    /// What went wrong.
    pub message: String,
    /// Whether the input itself is bad (binary, empty, not UTF-8, not
    /// JSON), rather than a line that is not meant as an article.
    pub bad_input: bool,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.path.display(), line, self.message),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

fn problem(path: &Path, line: Option<usize>, message: impl Into<String>) -> Problem {
    Problem {
        path: path.to_path_buf(),
        line,
        message: message.into(),
        bad_input: true,
    }
}

/// Reads every article under `paths`: `(articles, warnings, errors)`.
///
/// Errors are unreadable paths; everything else that is wrong is a
/// warning, and the articles that could be read are returned either way.
pub fn read_paths(paths: &[PathBuf]) -> (Vec<Article>, Vec<Problem>, Vec<Problem>) {
    let mut articles = Vec::new();
    let mut warnings = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            let mut bytes = Vec::new();
            match io::stdin().lock().read_to_end(&mut bytes) {
                Ok(_) => read_bytes(path, "stdin", &bytes, false, &mut articles, &mut warnings),
                Err(e) => errors.push(problem(path, None, e.to_string())),
            }
            continue;
        }
        match fs::metadata(path) {
            Ok(m) if m.is_dir() => walk(path, &mut articles, &mut warnings, &mut errors, 0),
            Ok(_) => read_file(path, &mut articles, &mut warnings, &mut errors),
            Err(e) => errors.push(problem(path, None, e.to_string())),
        }
    }
    (articles, warnings, errors)
}

fn walk(
    dir: &Path,
    articles: &mut Vec<Article>,
    warnings: &mut Vec<Problem>,
    errors: &mut Vec<Problem>,
    depth: usize,
) {
    // Symbolic-link loops could recurse forever; 64 levels is plenty.
    if depth > 64 {
        warnings.push(problem(dir, None, "folder nesting too deep; skipped"));
        return;
    }
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            errors.push(problem(dir, None, e.to_string()));
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            walk(&path, articles, warnings, errors, depth + 1);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("txt" | "jsonl")
        ) {
            read_file(&path, articles, warnings, errors);
        }
    }
}

fn read_file(
    path: &Path,
    articles: &mut Vec<Article>,
    warnings: &mut Vec<Problem>,
    errors: &mut Vec<Problem>,
) {
    match fs::read(path) {
        Ok(bytes) => {
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let jsonl = path.extension().and_then(|e| e.to_str()) == Some("jsonl");
            read_bytes(path, &stem, &bytes, jsonl, articles, warnings);
        }
        Err(e) => errors.push(problem(path, None, e.to_string())),
    }
}

/// Reads one input's bytes as a `.txt` article or a `.jsonl` file.
pub fn read_bytes(
    path: &Path,
    id: &str,
    bytes: &[u8],
    jsonl: bool,
    articles: &mut Vec<Article>,
    warnings: &mut Vec<Problem>,
) {
    if bytes.iter().take(8192).any(|&b| b == 0) {
        warnings.push(problem(path, None, "binary file; skipped"));
        return;
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(e) => {
            warnings.push(problem(
                path,
                None,
                format!(
                    "not valid UTF-8 at byte {}; decoded lossily",
                    e.valid_up_to()
                ),
            ));
            String::from_utf8_lossy(bytes).into_owned()
        }
    };
    if text.trim().is_empty() {
        warnings.push(problem(path, None, "empty file; skipped"));
        return;
    }
    if !jsonl {
        articles.push(Article {
            id: id.to_string(),
            text,
            meta: Meta::default(),
        });
        return;
    }
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let value: serde_json::Value = match serde_json::from_str(line) {
            Ok(v) => v,
            Err(e) => {
                warnings.push(problem(path, Some(n), format!("not JSON ({e}); skipped")));
                continue;
            }
        };
        let field = |k: &str| value.get(k).and_then(|v| v.as_str()).map(str::to_string);
        let Some(text) = field("text") else {
            warnings.push(Problem {
                bad_input: false,
                ..problem(path, Some(n), "no \"text\" field; skipped")
            });
            continue;
        };
        let id = match value.get("id") {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(serde_json::Value::Number(x)) => x.to_string(),
            _ => format!("{id}-{n}"),
        };
        articles.push(Article {
            id,
            text,
            meta: Meta {
                title: field("title"),
                date: field("date"),
                url: field("url"),
            },
        });
    }
}

/// Reads the lexicon tables of a folder (`--lexicon DIR`): `(file name,
/// text)` for every file of the folder.
pub fn read_tables(dir: &Path) -> io::Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    let mut paths: Vec<PathBuf> = fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    for p in paths {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.ends_with(".tsv") || name.ends_with(".txt") {
            out.push((name, fs::read_to_string(&p)?));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_jsonl_and_bad_files() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fs::write(d.join("a.txt"), "date: 2012-01-09\n\nHu met Noda.").unwrap();
        fs::create_dir(d.join("sub")).unwrap();
        fs::write(
            d.join("sub/b.jsonl"),
            "{\"id\":\"b1\",\"text\":\"x\"}\n{\"doc\":\"gold\"}\n",
        )
        .unwrap();
        fs::write(d.join("c.txt"), b"caf\xe9 time").unwrap();
        fs::write(d.join("d.txt"), b"\0\0bin").unwrap();
        fs::write(d.join("e.txt"), "  \n").unwrap();
        fs::write(d.join("notes.md"), "ignored").unwrap();
        let missing = d.join("missing.txt");
        let (arts, warnings, errors) = read_paths(&[d.to_path_buf(), missing.clone()]);
        let ids: Vec<_> = arts.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["a", "c", "b1"]);
        let w: Vec<String> = warnings
            .iter()
            .map(|w| w.to_string().replace(&d.display().to_string(), "D"))
            .collect();
        assert_eq!(
            w,
            [
                "D/c.txt: not valid UTF-8 at byte 3; decoded lossily",
                "D/d.txt: binary file; skipped",
                "D/e.txt: empty file; skipped",
                "D/sub/b.jsonl:2: no \"text\" field; skipped",
            ]
        );
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0]
                .to_string()
                .starts_with(&missing.display().to_string())
        );
    }
}
