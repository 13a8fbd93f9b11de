//! The SVG text itself: escaping, number formatting, text-width estimates
//! and the colours of labels and relationship types.
//!
//! Both pictures (the network and the timeline) write through these helpers,
//! so that every document is escaped the same way and prints the same bytes
//! for the same input. Nothing here knows about the graph.

use super::layout::Point;

/// Escapes text for an XML attribute value or element content.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 forbids most control characters even as references;
            // a name scraped from the news may carry one, so it becomes a space.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push(' '),
            '\u{FFFE}' | '\u{FFFF}' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Formats a coordinate with one decimal, the same bytes on every run.
pub(crate) fn num(x: f64) -> String {
    if x.is_finite() {
        let s = format!("{x:.1}");
        // "-0.0" and "0.0" are one number; print it one way.
        if s == "-0.0" { "0.0".to_string() } else { s }
    } else {
        "0.0".to_string()
    }
}

/// An upper estimate of the width of `text` in a sans-serif font of `size`
/// pixels. Browsers do not tell us the real width, and a label that runs
/// past the view box is cut off, so the estimate errs on the wide side:
/// Latin letters average about 0.55 em in Helvetica, Arial and DejaVu Sans;
/// 0.62 em covers capitals, and wide scripts (CJK) take a whole em.
pub(crate) fn text_width(text: &str, size: f64) -> f64 {
    text.chars()
        .map(|c| {
            if c.is_ascii() {
                0.62
            } else if (c as u32) >= 0x1100 {
                1.0
            } else {
                0.7
            }
        })
        .sum::<f64>()
        * size
}

/// Cuts a label to `max` characters, ending it with an ellipsis.
pub(crate) fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

/// Colours for the labels of the extraction contract, chosen to be told
/// apart by people with the common colour-vision deficiencies (Okabe-Ito).
const LABEL_COLOURS: &[(&str, &str)] = &[
    ("Person", "#0072B2"),
    ("Country", "#D55E00"),
    ("Organization", "#009E73"),
    ("Place", "#CC79A7"),
];

/// Colours for the relationship types of the extraction contract.
const TYPE_COLOURS: &[(&str, &str)] = &[
    ("MET", "#0072B2"),
    ("VISITED", "#E69F00"),
    ("CONDOLED", "#7B4FA0"),
    ("TRADED_WITH", "#009E73"),
    ("OFFICIAL_OF", "#8C8C8C"),
];

/// Colours for every other label or type, picked by a hash of its name so a
/// label keeps its colour from one picture to the next.
const SPARE_COLOURS: &[&str] = &[
    "#56B4E9", "#F0A500", "#B2182B", "#4D9221", "#762A83", "#1B7837", "#B35806", "#2166AC",
    "#8E0152", "#5E3C99",
];

/// The colour of nodes without any label.
pub(crate) const NO_LABEL_COLOUR: &str = "#9E9E9E";

/// The colour of a node label.
pub(crate) fn label_colour(label: &str) -> &'static str {
    lookup(LABEL_COLOURS, label)
}

/// The colour of a relationship type.
pub(crate) fn type_colour(ty: &str) -> &'static str {
    lookup(TYPE_COLOURS, ty)
}

fn lookup(table: &[(&str, &'static str)], name: &str) -> &'static str {
    if let Some((_, colour)) = table.iter().find(|(n, _)| *n == name) {
        return colour;
    }
    // FNV-1a: tiny, and unlike std's hasher it is the same on every run.
    let mut hash: u32 = 0x811c_9dc5;
    for b in name.bytes() {
        hash ^= u32::from(b);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    SPARE_COLOURS
        .get(hash as usize % SPARE_COLOURS.len())
        .copied()
        .unwrap_or(NO_LABEL_COLOUR)
}

/// An axis-aligned box: used for the view box and for label collisions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rect {
    pub(crate) x0: f64,
    pub(crate) y0: f64,
    pub(crate) x1: f64,
    pub(crate) y1: f64,
}

impl Rect {
    /// An empty box that any `include` replaces.
    pub(crate) fn empty() -> Rect {
        Rect {
            x0: f64::INFINITY,
            y0: f64::INFINITY,
            x1: f64::NEG_INFINITY,
            y1: f64::NEG_INFINITY,
        }
    }

    /// The box of a text of `width` and `height` centred on x, with its
    /// baseline at `y`.
    pub(crate) fn text(x: f64, y: f64, width: f64, size: f64) -> Rect {
        Rect {
            x0: x - width / 2.0,
            y0: y - size,
            x1: x + width / 2.0,
            y1: y + size * 0.3,
        }
    }

    /// Grows the box to hold the point.
    pub(crate) fn include(&mut self, x: f64, y: f64) {
        self.x0 = self.x0.min(x);
        self.y0 = self.y0.min(y);
        self.x1 = self.x1.max(x);
        self.y1 = self.y1.max(y);
    }

    /// Grows the box to hold another.
    pub(crate) fn union(&mut self, other: &Rect) {
        self.include(other.x0, other.y0);
        self.include(other.x1, other.y1);
    }

    /// Whether the box holds nothing.
    pub(crate) fn is_empty(&self) -> bool {
        self.x0 > self.x1 || self.y0 > self.y1
    }

    /// The area shared with another box.
    pub(crate) fn overlap(&self, other: &Rect) -> f64 {
        let w = self.x1.min(other.x1) - self.x0.max(other.x0);
        let h = self.y1.min(other.y1) - self.y0.max(other.y0);
        if w > 0.0 && h > 0.0 { w * h } else { 0.0 }
    }

    /// The length of the segment from `a` to `b` that lies inside the box
    /// (Liang-Barsky clipping).
    pub(crate) fn clipped_length(&self, a: Point, b: Point) -> f64 {
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        let (mut t0, mut t1) = (0.0f64, 1.0f64);
        for (p, q) in [
            (-dx, a.x - self.x0),
            (dx, self.x1 - a.x),
            (-dy, a.y - self.y0),
            (dy, self.y1 - a.y),
        ] {
            if p == 0.0 {
                if q < 0.0 {
                    return 0.0;
                }
            } else {
                let t = q / p;
                if p < 0.0 {
                    t0 = t0.max(t);
                } else {
                    t1 = t1.min(t);
                }
            }
        }
        if t1 > t0 {
            (t1 - t0) * (dx * dx + dy * dy).sqrt()
        } else {
            0.0
        }
    }

    /// The area shared with a circle, approximated by the circle's box.
    pub(crate) fn overlap_circle(&self, cx: f64, cy: f64, r: f64) -> f64 {
        self.overlap(&Rect {
            x0: cx - r,
            y0: cy - r,
            x1: cx + r,
            y1: cy + r,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(
            escape("<b>\"Tom\" & 'Jerry'\u{1}</b>"),
            "&lt;b&gt;&quot;Tom&quot; &amp; &apos;Jerry&apos; &lt;/b&gt;"
        );
    }

    #[test]
    fn numbers_print_one_way() {
        assert_eq!(num(-0.01), "0.0");
        assert_eq!(num(12.345), "12.3");
        assert_eq!(num(f64::NAN), "0.0");
    }

    #[test]
    fn colours_are_stable() {
        assert_eq!(label_colour("Person"), "#0072B2");
        assert_eq!(label_colour("Ship"), label_colour("Ship"));
        assert_eq!(shorten("abcdef", 4), "abc…");
    }

    #[test]
    fn segments_are_clipped_to_boxes() {
        let r = Rect {
            x0: 0.0,
            y0: 0.0,
            x1: 10.0,
            y1: 10.0,
        };
        let p = |x, y| Point { x, y };
        assert_eq!(r.clipped_length(p(-5.0, 5.0), p(15.0, 5.0)), 10.0);
        assert_eq!(r.clipped_length(p(-5.0, 20.0), p(15.0, 20.0)), 0.0);
        assert_eq!(r.clipped_length(p(2.0, 2.0), p(2.0, 4.0)), 2.0);
    }
}
