//! Document reading: header, dateline, publication date, sentences and
//! tokens with byte spans. It knows nothing about entities, relations or graphs.
