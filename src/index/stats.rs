//! What an archive holds: counts, date range, sources, duplicates, size on disk.

use super::Archive;
use crate::article::Date;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// How many sources [`Stats::top_sources`] lists.
const TOP_SOURCES: usize = 10;

/// A summary of an archive (`baoku stats`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    /// Number of articles.
    pub articles: u64,
    /// Earliest publication date.
    pub first_date: Option<Date>,
    /// Latest publication date.
    pub last_date: Option<Date>,
    /// Articles without a date.
    pub undated: u64,
    /// Number of distinct sources.
    pub sources: u64,
    /// The sources with the most articles, most first.
    pub top_sources: Vec<SourceCount>,
    /// Articles without a source.
    pub without_source: u64,
    /// Articles that have the same body fingerprint (SimHash) as another article:
    /// reprints that search results collapse.
    pub near_duplicates: u64,
    /// Bytes the index takes on disk.
    pub index_bytes: u64,
    /// Segments of the index (fewer is faster to search).
    pub segments: usize,
    /// Schema version the index was built with.
    pub schema_version: u32,
    /// Analyzer version the index was built with.
    pub analyzer_version: u32,
}

/// A source and its number of articles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceCount {
    /// The source, as written in the articles.
    pub value: String,
    /// Articles from it.
    pub count: u64,
}

impl Archive {
    /// Summarises the archive as of the latest commit this handle has seen.
    pub fn stats(&self) -> Result<Stats> {
        let searcher = self.searcher();
        let mut first: Option<i64> = None;
        let mut last: Option<i64> = None;
        let mut undated = 0u64;
        let mut without_source = 0u64;
        let mut sources: HashMap<String, u64> = HashMap::new();
        let mut fingerprints: HashMap<u64, u64> = HashMap::new();
        let mut name = String::new();
        for segment in searcher.segment_readers() {
            let fast = segment.fast_fields();
            let dates = fast.date("date")?;
            let simhash = fast.u64("simhash")?;
            let source = fast.str("source")?;
            let mut source_counts: HashMap<u64, u64> = HashMap::new();
            for doc in segment.doc_ids_alive() {
                match dates.first(doc) {
                    Some(date) => {
                        let day = date.into_timestamp_secs().div_euclid(86_400);
                        first = Some(first.map_or(day, |f| f.min(day)));
                        last = Some(last.map_or(day, |l| l.max(day)));
                    }
                    None => undated += 1,
                }
                match source.as_ref().and_then(|s| s.ords().first(doc)) {
                    Some(ord) => *source_counts.entry(ord).or_default() += 1,
                    None => without_source += 1,
                }
                if let Some(hash) = simhash.first(doc) {
                    *fingerprints.entry(hash).or_default() += 1;
                }
            }
            if let Some(source) = &source {
                for (ord, count) in source_counts {
                    name.clear();
                    source
                        .ord_to_str(ord, &mut name)
                        .map_err(tantivy::TantivyError::from)?;
                    *sources.entry(name.clone()).or_default() += count;
                }
            }
        }
        let mut top: Vec<SourceCount> = sources
            .iter()
            .map(|(value, &count)| SourceCount {
                value: value.clone(),
                count,
            })
            .collect();
        top.sort_by(|a, b| b.count.cmp(&a.count).then(a.value.cmp(&b.value)));
        top.truncate(TOP_SOURCES);
        let version = super::IndexVersion::read(self.dir())?.ok_or_else(|| Error::NotAnIndex {
            path: self.dir().to_path_buf(),
        })?;
        Ok(Stats {
            articles: searcher.num_docs(),
            first_date: first.and_then(Date::from_days_since_epoch),
            last_date: last.and_then(Date::from_days_since_epoch),
            undated,
            sources: sources.len() as u64,
            top_sources: top,
            without_source,
            near_duplicates: fingerprints
                .values()
                .filter(|&&n| n > 1)
                .map(|n| n - 1)
                .sum(),
            index_bytes: dir_size(self.dir()),
            segments: searcher.segment_readers().len(),
            schema_version: version.schema_version,
            analyzer_version: version.analyzer_version,
        })
    }
}

fn dir_size(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok()?.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}
