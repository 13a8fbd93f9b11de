//! Amounts of money: "300 billion U.S. dollars", "$6.5 billion",
//! "USD 27.2 billion", "45 billion roubles".

use crate::lexicon::{Cue, Lexicon};
use crate::span::Span;

/// An amount in a sentence: its value in units, its currency, its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Amount {
    /// The value in whole currency units.
    pub value: i64,
    /// ISO currency code.
    pub currency: String,
    /// Where it is written.
    pub span: Span,
}

fn cue_at<'a>(
    lexicon: &'a Lexicon,
    hits: &[(usize, usize, usize)],
    at: usize,
) -> Option<(usize, &'a Cue)> {
    hits.iter()
        .find(|(s, _, _)| *s == at)
        .and_then(|(_, e, p)| {
            lexicon
                .cues(*p)
                .iter()
                .find(|c| matches!(c, Cue::Scale(_) | Cue::Currency(_)))
                .map(|c| (*e, c))
        })
}

/// Every amount with a currency in `text[span]`; `hits` are the cue
/// matches `(start, end, pattern)` inside it.
pub fn amounts(
    text: &str,
    span: Span,
    hits: &[(usize, usize, usize)],
    lexicon: &Lexicon,
) -> Vec<Amount> {
    // Every amount has a currency, and every currency is a cue.
    let has_currency = hits.iter().any(|&(_, _, p)| {
        lexicon
            .cues(p)
            .iter()
            .any(|c| matches!(c, Cue::Currency(_)))
    });
    if !has_currency {
        return Vec::new();
    }
    let s = text.get(span.range()).unwrap_or("");
    let base = span.start as usize;
    let mut out = Vec::new();
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() || (i > 0 && bytes[i - 1].is_ascii_alphanumeric()) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len()
            && (bytes[i].is_ascii_digit()
                || ((bytes[i] == b'.' || bytes[i] == b',')
                    && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)))
        {
            i += 1;
        }
        let number: f64 = match s[start..i].replace(',', "").parse() {
            Ok(n) => n,
            Err(_) => continue,
        };
        let skip_ws = |mut j: usize| {
            while j < bytes.len() && bytes[j] == b' ' {
                j += 1;
            }
            j
        };
        let mut j = skip_ws(i);
        let mut value = number;
        let mut currency = None;
        let mut end = i;
        if let Some((e, Cue::Scale(k))) = cue_at(lexicon, hits, base + j) {
            value *= *k as f64;
            end = e - base;
            j = skip_ws(end);
        }
        if let Some((e, Cue::Currency(c))) = cue_at(lexicon, hits, base + j) {
            currency = Some(c.clone());
            end = e - base;
        }
        let mut begin = start;
        if currency.is_none() {
            // A currency written before: "$6.5 billion", "USD 27.2 billion".
            let before = s[..start].trim_end();
            if let Some((hs, _, p)) = hits
                .iter()
                .find(|(_, e, _)| *e == base + before.len())
                .copied()
                && let Some(Cue::Currency(c)) = lexicon
                    .cues(p)
                    .iter()
                    .find(|c| matches!(c, Cue::Currency(_)))
            {
                currency = Some(c.clone());
                begin = hs - base;
            }
        }
        if let Some(currency) = currency
            && value.is_finite()
            && value.abs() < 9.0e18
        {
            out.push(Amount {
                value: value.round() as i64,
                currency,
                span: Span::new(base + begin, base + end),
            });
        }
        i = end.max(i);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(s: &str) -> Vec<(i64, String)> {
        let lex = Lexicon::bundled();
        let hits: Vec<_> = lex
            .cue_hits(s)
            .iter()
            .map(|h| (h.start, h.end, h.pattern))
            .collect();
        amounts(s, Span::new(0, s.len()), &hits, &lex)
            .into_iter()
            .map(|a| (a.value, a.currency))
            .collect()
    }

    #[test]
    fn amounts_with_scales_and_currencies() {
        assert_eq!(
            read("an historic 300 billion U.S. dollars in two-way trade"),
            [(300_000_000_000, "USD".to_string())]
        );
        assert_eq!(
            read("the $6.5 billion mark"),
            [(6_500_000_000, "USD".to_string())]
        );
        assert_eq!(
            read("USD 27.2 billion last year"),
            [(27_200_000_000, "USD".to_string())]
        );
        assert_eq!(
            read("over 45 billion roubles"),
            [(45_000_000_000, "RUB".to_string())]
        );
        assert_eq!(read("grew by 11.5 percent"), []);
    }
}
