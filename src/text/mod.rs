//! Document reading: the header block, the headline, the publication date,
//! the dateline, and sentences and tokens with byte spans.
//!
//! It knows nothing about entities, relations or graphs, and does no I/O:
//! it takes the article's text as a `&str`.

pub mod date;
mod token;

use crate::graph::PartialDate;
use crate::lexicon::Lexicon;
use crate::span::Span;

pub use token::{MAX_SENTENCE_TOKENS, Sentence, Token, TokenKind, sentences, tokenize};

/// Metadata given beside the text (a `.jsonl` line's fields).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Meta {
    /// The headline.
    pub title: Option<String>,
    /// The publication date as written (`2012-01-09`, `unknown`, ...).
    pub date: Option<String>,
    /// Where the article came from.
    pub url: Option<String>,
}

/// "BEIJING, Jan. 8 (Xinhua) --": where and when a story was filed, and by whom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dateline {
    /// The place as written ("BEIJING", "Bandar Seri Begawan, Brunei Darussalam").
    pub place: String,
    /// The date, its year taken from the publication date.
    pub date: Option<PartialDate>,
    /// The news agency, when named in brackets.
    pub agency: Option<String>,
    /// The dateline's span in the text.
    pub span: Span,
}

/// An article read into sentences and tokens.
#[derive(Debug, Clone)]
pub struct Document {
    /// The document's id (file stem or `.jsonl` `id`).
    pub id: String,
    /// The whole text as given; every span points into it.
    pub text: String,
    /// Where the body starts (after the header block).
    pub body_start: usize,
    /// The headline, from the header or the first line.
    pub title: Option<String>,
    /// The article's URL, from the header.
    pub url: Option<String>,
    /// The publication date.
    pub date: Option<PartialDate>,
    /// The dateline, when the story opens with one.
    pub dateline: Option<Dateline>,
    /// The sentences of the body.
    pub sentences: Vec<Sentence>,
}

impl Document {
    /// Reads `text` (with an optional `key: value` header ended by a blank
    /// line) and `meta` (which the header overrides) into a document.
    pub fn parse(id: &str, text: String, meta: &Meta, lexicon: &Lexicon) -> Document {
        let (header, body_start) = read_header(&text);
        let get = |key: &str| {
            header
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
        };
        let title = get("title").or_else(|| meta.title.clone());
        let url = get("url").or_else(|| meta.url.clone());
        let date_text = get("date").or_else(|| meta.date.clone());
        let mut date = date_text.as_deref().and_then(|d| {
            PartialDate::parse(d.trim())
                .ok()
                .or_else(|| date::find_full_date(d))
        });
        if date.is_none() {
            // "09:02, January 09, 2012" in one of the first lines.
            date = text[body_start..]
                .lines()
                .filter(|l| !l.trim().is_empty())
                .take(6)
                .find_map(|l| (l.len() < 80).then(|| date::find_full_date(l)).flatten());
        }
        let sentences = sentences(&text, body_start, text.len(), lexicon);
        let dateline = sentences
            .iter()
            .take(6)
            .find_map(|s| read_dateline(&text, s.span, date));
        let title = title.or_else(|| {
            sentences.first().and_then(|s| {
                let t = &text[s.span.range()];
                (!t.ends_with('.') && t.len() < 200).then(|| t.to_string())
            })
        });
        Document {
            id: id.to_string(),
            text,
            body_start,
            title,
            url,
            date,
            dateline,
            sentences,
        }
    }

    /// The text of a span.
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }

    /// The date relative expressions count from: the dateline's day when it
    /// has one, else the publication date.
    pub fn reference_date(&self) -> Option<PartialDate> {
        self.dateline
            .as_ref()
            .and_then(|d| d.date)
            .filter(|d| d.get_day().is_some())
            .or(self.date)
    }
}

/// The `key: value` lines at the top of `text`, when a blank line ends
/// them; and where the body starts.
fn read_header(text: &str) -> (Vec<(String, String)>, usize) {
    let mut fields = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        if content.trim().is_empty() {
            if fields.is_empty() {
                return (Vec::new(), 0);
            }
            return (fields, offset + line.len());
        }
        let Some((key, value)) = content.split_once(':') else {
            return (Vec::new(), 0);
        };
        let key = key.trim();
        if key.is_empty()
            || key.len() > 20
            || !key
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '_' || c == '-')
        {
            return (Vec::new(), 0);
        }
        fields.push((key.to_string(), value.trim().to_string()));
        offset += line.len();
    }
    (Vec::new(), 0)
}

/// What ends a dateline's place and date: "BEIJING, Jan. 8 (Xinhua) --".
const DATELINE_SEPARATORS: [&str; 6] = [" -- ", " — ", " – ", " - ", "--", "—"];

/// "BEIJING, Jan. 8 (Xinhua) --" at the start of a sentence.
fn read_dateline(text: &str, span: Span, published: Option<PartialDate>) -> Option<Dateline> {
    let s = text.get(span.range())?;
    // Up to the end of the character that spans byte 90.
    let mut window_end = s.len().min(90);
    while !s.is_char_boundary(window_end) {
        window_end += 1;
    }
    let window = &s[..window_end];
    // The place and date end at the first separator; every separator
    // starts with a space, a hyphen or the lead byte of a dash.
    let bytes = window.as_bytes();
    let cut = (0..bytes.len()).find(|&i| {
        // The byte after a space or a hyphen rules out most places at once.
        let may_start = match bytes[i] {
            b' ' => matches!(bytes.get(i + 1), Some(b'-' | 0xE2)),
            b'-' => bytes.get(i + 1) == Some(&b'-'),
            b => b == 0xE2,
        };
        may_start
            && DATELINE_SEPARATORS
                .iter()
                .any(|sep| bytes[i..].starts_with(sep.as_bytes()))
    })?;
    let prefix = &s[..cut];
    let (before_agency, agency) = match prefix.find('(') {
        Some(i) => (
            &prefix[..i],
            prefix[i + 1..]
                .split(')')
                .next()
                .map(|a| a.trim().to_string()),
        ),
        None => (prefix, None),
    };
    let mut place_parts = Vec::new();
    let mut date = None;
    for part in before_agency.split(',') {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let words: Vec<&str> = part.split_whitespace().collect();
        if let [m, d] = words.as_slice()
            && let (Some(month), Ok(day)) = (date::month_number(m), d.parse::<u8>())
        {
            let year = published.map(|p| {
                let y = p.get_year();
                if p.get_month().is_some_and(|pm| month > pm) {
                    y - 1
                } else {
                    y
                }
            });
            date = year.and_then(|y| PartialDate::day(y, month, day));
            continue;
        }
        if date.is_some()
            || !words
                .iter()
                .all(|w| w.starts_with(|c: char| c.is_uppercase()))
        {
            return None;
        }
        place_parts.push(part);
    }
    if place_parts.is_empty() || place_parts.len() > 2 {
        return None;
    }
    Some(Dateline {
        place: place_parts.join(", "),
        date,
        agency,
        span: Span::new(span.start as usize, span.start as usize + prefix.len()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_date_and_dateline() {
        let lex = Lexicon::bundled();
        let text =
            "title: Ties\ndate: 2012-01-09\n\nBEIJING, Jan. 8 (Xinhua) -- A diplomat spoke.\n";
        let doc = Document::parse("t", text.to_string(), &Meta::default(), &lex);
        assert_eq!(doc.title.as_deref(), Some("Ties"));
        assert_eq!(
            doc.date.map(|d| d.to_string()).as_deref(),
            Some("2012-01-09")
        );
        let dl = doc.dateline.unwrap();
        assert_eq!(dl.place, "BEIJING");
        assert_eq!(dl.agency.as_deref(), Some("Xinhua"));
        assert_eq!(
            dl.date.map(|d| d.to_string()).as_deref(),
            Some("2012-01-08")
        );
        assert_eq!(doc.sentences.len(), 1);
    }

    #[test]
    fn date_line_in_text_and_year_rollover() {
        let lex = Lexicon::bundled();
        let text = "Headline here\n\n09:02, January 02, 2012\n\nTOKYO, Dec. 30 (Kyodo) -- Something happened.";
        let doc = Document::parse("t", text.to_string(), &Meta::default(), &lex);
        assert_eq!(
            doc.date.map(|d| d.to_string()).as_deref(),
            Some("2012-01-02")
        );
        let dl = doc.dateline.unwrap();
        assert_eq!(
            dl.date.map(|d| d.to_string()).as_deref(),
            Some("2011-12-30")
        );
        assert_eq!(doc.title.as_deref(), Some("Headline here"));
    }
}
