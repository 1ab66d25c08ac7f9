//! `baoku check`: verifies an index without changing it.
//!
//! It checks that the versions recorded in `baoku.json` are this build's, that the
//! tantivy schema is the embedded one, that every file of every committed segment is
//! there and matches its checksum, and that each live article has exactly one id and
//! no id is held by two live articles. Problems are returned as [`Damage`], in plain
//! words; the caller says how to repair them. This module only reads: it must not
//! write, lock or repair anything.

use super::version::IndexVersion;
use crate::error::{Error, Result};
use crate::schema::IndexSchema;
use std::path::{Path, PathBuf};
use tantivy::index::SegmentComponent;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocSet, Index, TERMINATED};

/// Most examples of one kind of problem named in a report.
const EXAMPLES: usize = 5;

/// Something wrong with an index, in words a user can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Damage {
    /// What is wrong.
    pub what: String,
}

impl std::fmt::Display for Damage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.what)
    }
}

/// What [`check_index`] found.
#[derive(Debug, Clone, Default)]
pub struct CheckReport {
    /// Live articles in the last commit.
    pub articles: u64,
    /// Segments in the last commit.
    pub segments: usize,
    /// Segment files whose checksum was verified.
    pub files_checked: usize,
    /// Problems found; none means the index is healthy.
    pub damage: Vec<Damage>,
}

impl CheckReport {
    /// Whether no problem was found.
    pub fn healthy(&self) -> bool {
        self.damage.is_empty()
    }

    fn damaged(&mut self, what: impl Into<String>) {
        self.damage.push(Damage { what: what.into() });
    }
}

/// Verifies the index in `dir`. A missing directory, or one that is not an index at
/// all, is an error; everything wrong inside an index is reported as [`Damage`].
pub fn check_index(dir: &Path) -> Result<CheckReport> {
    if !dir.is_dir() || super::is_empty_dir(dir)? {
        return Err(Error::IndexMissing {
            path: dir.to_path_buf(),
        });
    }
    let mut report = CheckReport::default();
    match IndexVersion::read(dir) {
        Ok(Some(version)) => {
            if let Err(error) = version.check(dir) {
                report.damaged(error.to_string());
            }
        }
        Ok(None) if dir.join("meta.json").exists() => {
            report.damaged("baoku.json (the schema and analyzer versions) is missing");
        }
        Ok(None) => {
            return Err(Error::NotAnIndex {
                path: dir.to_path_buf(),
            })
        }
        Err(error) => report.damaged(format!(
            "baoku.json (the schema and analyzer versions) cannot be read: {error}"
        )),
    }
    let index = match Index::open_in_dir(dir) {
        Ok(index) => index,
        Err(error) => {
            report.damaged(format!(
                "meta.json (the list of committed segments) cannot be read: {error}"
            ));
            return Ok(report);
        }
    };
    if index.schema() != *IndexSchema::embedded().tantivy_schema() {
        report.damaged("the fields recorded in meta.json are not those of this baoku's schema");
    }
    check_files(dir, &index, &mut report)?;
    if report.healthy() {
        check_ids(&index, &mut report)?;
    }
    Ok(report)
}

/// Every file of every committed segment is present and matches its checksum.
fn check_files(dir: &Path, index: &Index, report: &mut CheckReport) -> Result<()> {
    let metas = match index.searchable_segment_metas() {
        Ok(metas) => metas,
        Err(error) => {
            report.damaged(format!("meta.json cannot be read: {error}"));
            return Ok(());
        }
    };
    report.segments = metas.len();
    let (mut missing, mut corrupt) = (Vec::<PathBuf>::new(), Vec::<String>::new());
    for meta in &metas {
        let mut components = vec![
            SegmentComponent::Postings,
            SegmentComponent::Positions,
            SegmentComponent::Terms,
            SegmentComponent::Store,
            SegmentComponent::FastFields,
            SegmentComponent::FieldNorms,
        ];
        if meta.has_deletes() {
            components.push(SegmentComponent::Delete);
        }
        for component in components {
            let file = meta.relative_path(component);
            if !dir.join(&file).exists() {
                missing.push(file);
                continue;
            }
            report.files_checked += 1;
            match index.directory().validate_checksum(&file) {
                Ok(true) => {}
                Ok(false) => corrupt.push(format!("{} (checksum mismatch)", file.display())),
                Err(error) => corrupt.push(format!("{} ({error})", file.display())),
            }
        }
    }
    if !missing.is_empty() {
        report.damaged(format!(
            "{} segment file(s) of the last commit are missing: {}",
            missing.len(),
            examples(missing.iter().map(|p| p.display().to_string()))
        ));
    }
    if !corrupt.is_empty() {
        report.damaged(format!(
            "{} segment file(s) are damaged: {}",
            corrupt.len(),
            examples(corrupt.into_iter())
        ));
    }
    Ok(())
}

/// Each live article has exactly one id, and no id is held by two live articles.
///
/// The id terms of all segments are walked together in sorted order (a k-way merge of
/// the term dictionaries), so memory stays at one counter byte per document of the
/// largest segment, however many articles the index holds.
fn check_ids(index: &Index, report: &mut CheckReport) -> Result<()> {
    let reader = match index.reader() {
        Ok(reader) => reader,
        Err(error) => {
            report.damaged(format!("the segments cannot be opened: {error}"));
            return Ok(());
        }
    };
    let searcher = reader.searcher();
    report.articles = searcher.num_docs();
    let field = IndexSchema::embedded().fields().id;
    let segments = searcher.segment_readers();
    let inverted = segments
        .iter()
        .map(|segment| segment.inverted_index(field))
        .collect::<tantivy::Result<Vec<_>>>()?;
    let mut ids_per_doc: Vec<Vec<u8>> = segments
        .iter()
        .map(|segment| vec![0u8; segment.max_doc() as usize])
        .collect();
    let mut streams = Vec::with_capacity(inverted.len());
    for index in &inverted {
        let mut stream = index
            .terms()
            .stream()
            .map_err(tantivy::TantivyError::from)?;
        let live = stream.advance();
        streams.push((stream, live));
    }
    let (mut shared, mut shared_examples) = (0u64, Vec::new());
    while let Some(smallest) = streams
        .iter()
        .filter(|(_, live)| *live)
        .map(|(stream, _)| stream.key())
        .min()
        .map(<[u8]>::to_vec)
    {
        let mut holders = 0u64;
        for (ordinal, (stream, live)) in streams.iter_mut().enumerate() {
            if !*live || stream.key() != smallest.as_slice() {
                continue;
            }
            let mut postings = inverted[ordinal]
                .read_postings_from_terminfo(stream.value(), IndexRecordOption::Basic)
                .map_err(tantivy::TantivyError::from)?;
            let segment = &segments[ordinal];
            let mut doc = postings.doc();
            while doc != TERMINATED {
                if !segment.is_deleted(doc) {
                    holders += 1;
                    let count = &mut ids_per_doc[ordinal][doc as usize];
                    *count = count.saturating_add(1);
                }
                doc = postings.advance();
            }
            *live = stream.advance();
        }
        if holders > 1 {
            shared += 1;
            if shared_examples.len() < EXAMPLES {
                shared_examples.push(String::from_utf8_lossy(&smallest).into_owned());
            }
        }
    }
    let (mut without, mut several) = (0u64, 0u64);
    for (segment, counts) in segments.iter().zip(&ids_per_doc) {
        for (doc, count) in counts.iter().enumerate() {
            if segment.is_deleted(doc as u32) {
                continue;
            }
            match count {
                0 => without += 1,
                1 => {}
                _ => several += 1,
            }
        }
    }
    if shared > 0 {
        report.damaged(format!(
            "{shared} id(s) are held by more than one article (duplicates): {}",
            examples(shared_examples.into_iter())
        ));
    }
    if without > 0 {
        report.damaged(format!("{without} article(s) have no id"));
    }
    if several > 0 {
        report.damaged(format!("{several} article(s) have more than one id"));
    }
    Ok(())
}

fn examples(items: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = items.collect();
    let mut text = items
        .iter()
        .take(EXAMPLES)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > EXAMPLES {
        text.push_str(", …");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Archive, Article};

    fn article(id: &str, body: &str) -> Article {
        Article {
            id: id.into(),
            title: Some(format!("标题{id}")),
            body: body.into(),
            ..Article::default()
        }
    }

    #[test]
    fn a_healthy_index_is_healthy() {
        let dir = tempfile::tempdir().unwrap();
        let archive = Archive::create(dir.path().join("index")).unwrap();
        let mut writer = archive.writer().unwrap();
        writer.upsert(&article("a", "甲的正文。")).unwrap();
        writer.upsert(&article("b", "乙的正文。")).unwrap();
        writer.commit().unwrap();
        writer.upsert(&article("a", "甲改写后的正文。")).unwrap();
        writer.finish().unwrap();
        let report = check_index(archive.dir()).unwrap();
        assert!(report.healthy(), "{:?}", report.damage);
        assert_eq!(report.articles, 2);
        assert!(report.files_checked >= 6);
    }

    #[test]
    fn ids_held_twice_and_articles_without_id_are_damage() {
        let dir = tempfile::tempdir().unwrap();
        let archive = Archive::create(dir.path().join("index")).unwrap();
        let schema = archive.schema();
        // Written with plain tantivy, past the upsert that would have prevented it.
        let mut writer: tantivy::IndexWriter = archive
            .tantivy_index()
            .writer_with_num_threads(1, 20_000_000)
            .unwrap();
        writer
            .add_document(schema.to_document(&article("same", "一。"), None))
            .unwrap();
        writer.commit().unwrap();
        writer
            .add_document(schema.to_document(&article("same", "二。"), None))
            .unwrap();
        writer
            .add_document(tantivy::TantivyDocument::new())
            .unwrap();
        writer.commit().unwrap();
        drop(writer);
        let report = check_index(archive.dir()).unwrap();
        let said: Vec<String> = report.damage.iter().map(ToString::to_string).collect();
        assert_eq!(report.articles, 3);
        assert!(
            said.iter()
                .any(|d| d.contains("1 id(s) are held by more than one article")
                    && d.contains("same")),
            "{said:?}"
        );
        assert!(
            said.iter().any(|d| d.contains("1 article(s) have no id")),
            "{said:?}"
        );
    }

    #[test]
    fn a_missing_segment_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let archive = Archive::create(dir.path().join("index")).unwrap();
        let mut writer = archive.writer().unwrap();
        writer.upsert(&article("a", "甲的正文。")).unwrap();
        writer.finish().unwrap();
        let term = std::fs::read_dir(archive.dir())
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|e| e == "term"))
            .unwrap();
        std::fs::remove_file(&term).unwrap();
        let report = check_index(archive.dir()).unwrap();
        assert!(!report.healthy());
        assert!(
            report.damage[0].what.contains("missing"),
            "{:?}",
            report.damage
        );
    }
}
