//! `Str`, the text of a string value: short texts are kept inline, longer
//! ones in one shared block.
//!
//! Most strings of a news graph are short (dates, document ids, names), and
//! a query reads them by the hundred thousand. Kept inline, reading,
//! copying, comparing and dropping one touches no other memory; as an
//! `Arc<str>` each of those followed a pointer to a block somewhere on the
//! heap and counted a reference there.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::Arc;

/// The longest text kept inline, in bytes: what fits beside a length and a
/// tag in the 24 bytes an `Arc<str>` and its tag take anyway.
pub const INLINE_MAX: usize = 22;

/// An immutable string value: cheap to copy, with the text in place when it
/// is at most [`INLINE_MAX`] bytes long and shared otherwise.
#[derive(Clone)]
pub struct Str(Repr);

#[derive(Clone)]
enum Repr {
    Inline { len: u8, bytes: [u8; INLINE_MAX] },
    Shared(Arc<str>),
}

impl Str {
    /// The text.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Inline { len, bytes } => {
                let bytes = &bytes[..usize::from(*len)];
                // SAFETY: inline bytes are only ever copied whole from a
                // `&str` (see `inline`), so they are valid UTF-8.
                unsafe { std::str::from_utf8_unchecked(bytes) }
            }
            Repr::Shared(s) => s,
        }
    }

    /// The text as a shared block (a copy for an inline text).
    pub fn to_arc(&self) -> Arc<str> {
        match &self.0 {
            Repr::Inline { .. } => Arc::from(self.as_str()),
            Repr::Shared(s) => s.clone(),
        }
    }

    /// `s` held in place, when it is short enough; `None` for a longer
    /// text, which takes a shared block.
    pub fn inline(s: &str) -> Option<Str> {
        let len = u8::try_from(s.len())
            .ok()
            .filter(|n| usize::from(*n) <= INLINE_MAX)?;
        let mut bytes = [0u8; INLINE_MAX];
        bytes[..s.len()].copy_from_slice(s.as_bytes());
        Some(Str(Repr::Inline { len, bytes }))
    }
}

impl Default for Str {
    fn default() -> Self {
        Str(Repr::Inline {
            len: 0,
            bytes: [0; INLINE_MAX],
        })
    }
}

impl Deref for Str {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for Str {
    fn from(s: &str) -> Str {
        Str::inline(s).unwrap_or_else(|| Str(Repr::Shared(Arc::from(s))))
    }
}

impl From<String> for Str {
    fn from(s: String) -> Str {
        Str::inline(&s).unwrap_or_else(|| Str(Repr::Shared(Arc::from(s))))
    }
}

impl From<Arc<str>> for Str {
    /// Keeps sharing a long text; a short one is copied inline.
    fn from(s: Arc<str>) -> Str {
        Str::inline(&s).unwrap_or(Str(Repr::Shared(s)))
    }
}

impl From<&Arc<str>> for Str {
    fn from(s: &Arc<str>) -> Str {
        Str::inline(s).unwrap_or_else(|| Str(Repr::Shared(s.clone())))
    }
}

impl PartialEq for Str {
    fn eq(&self, other: &Str) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Str {}

impl PartialOrd for Str {
    fn partial_cmp(&self, other: &Str) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Str {
    fn cmp(&self, other: &Str) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Hash for Str {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl fmt::Debug for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_str_takes_no_more_room_than_an_arc_and_its_tag() {
        assert_eq!(std::mem::size_of::<Str>(), 24);
    }

    #[test]
    fn short_and_long_texts_read_back_whole_and_compare_by_text() {
        let short = "2015-03-04";
        let edge = "x".repeat(INLINE_MAX);
        let long = "y".repeat(INLINE_MAX + 1);
        for s in [short, edge.as_str(), long.as_str(), "", "Zürich–Genève"] {
            let a = Str::from(s);
            let b = Str::from(Arc::<str>::from(s));
            assert_eq!(a.as_str(), s);
            assert_eq!(a, b);
            assert_eq!(&*a.to_arc(), s);
            assert_eq!(format!("{a:?}"), format!("{s:?}"));
        }
        let (abc, y) = (Str::from("abc"), Str::from(long.as_str()));
        assert_eq!(abc.cmp(&y), Ordering::Less);
        assert!(matches!(Str::from(short).0, Repr::Inline { .. }));
        assert!(matches!(Str::from(long.as_str()).0, Repr::Shared(_)));
    }
}
