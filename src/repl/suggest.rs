//! "Did you mean": the closest known name to a misspelled one.
//!
//! Distances are Damerau-Levenshtein (optimal string alignment) over
//! characters, ignoring case, so that `Persn`, `persON` and `Preson` all
//! find `Person`. This module knows nothing of where the names come from.

/// The edit distance between `a` and `b`, ignoring case; adjacent
/// transpositions count as one edit.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().flat_map(char::to_lowercase).collect();
    let b: Vec<char> = b.chars().flat_map(char::to_lowercase).collect();
    // Three rows of the dynamic-programming table are enough for
    // transpositions: the current one and the two before it.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            cur[j] = d;
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The candidate closest to `word`, when it is close enough to be a likely
/// typo: at most one edit for short words, two for longer ones, and never
/// the word itself. Ties go to the earlier candidate.
pub fn closest<'c>(word: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let limit = if word.chars().count() <= 4 { 1 } else { 2 };
    candidates
        .into_iter()
        .filter(|c| *c != word)
        .map(|c| (distance(word, c), c))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(distance("Person", "Person"), 0);
        assert_eq!(distance("Persn", "Person"), 1);
        assert_eq!(distance("Preson", "Person"), 1);
        assert_eq!(distance("person", "PERSON"), 0);
        assert_eq!(distance("", "MET"), 3);
        assert_eq!(distance("VISTED", "VISITED"), 1);
    }

    #[test]
    fn closest_names() {
        let labels = ["Person", "Country", "Organization", "Place"];
        assert_eq!(closest("Persn", labels), Some("Person"));
        assert_eq!(closest("Contry", labels), Some("Country"));
        assert_eq!(closest("Topic", labels), None);
        assert_eq!(closest("Person", labels), None);
        assert_eq!(closest("MT", ["MET", "VISITED"]), Some("MET"));
    }
}
