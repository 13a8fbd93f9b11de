//! Pictures: force-directed layout and standalone SVG of query results,
//! timelines and ego views.
