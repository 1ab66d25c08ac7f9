//! The names (`person`, `place`, `org`) each hit shows, read from the segments' name
//! columns.
//!
//! A column keeps each name once, in a compressed dictionary of blocks, and each
//! article its names' ordinals. Reading one name decompresses its block (~20 µs with a
//! new zstd context each time), and ten hits name ~100: on CCTV that was 60 % of a
//! two-word query's time. So each segment's dictionary of a kind is decoded whole
//! once its lookups would have cost about as much as decoding it
//! ([`NAMES_PER_LOOKUP`]), and read from memory from then on: a process that answers
//! one query never pays for a whole dictionary, one that answers many pays at most
//! about twice what it would have had it known. Memory is the decoded dictionaries of
//! the segments searched (26,688 names, 260 KB of text, on 74,504 CCTV items), and a
//! segment's goes when a searcher no longer holds it.

use crate::analyze::{Entities, EntityKind};
use crate::error::Result;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use tantivy::columnar::StrColumn;
use tantivy::index::SegmentId;
use tantivy::{DocAddress, Searcher};

/// A dictionary is decoded whole once it was read name by name once per this many
/// names it holds: one name read alone costs about what decoding this many in a row
/// does (20 µs against 0.12 µs a name on CCTV).
pub(crate) const NAMES_PER_LOOKUP: usize = 128;

/// The decoded name dictionaries of the segments searched.
pub(crate) struct NameCache {
    /// [`NAMES_PER_LOOKUP`], but for tests (0: never decode whole; `usize::MAX`: at
    /// the first lookup).
    names_per_lookup: usize,
    segments: Mutex<HashMap<SegmentId, Arc<SegmentNames>>>,
}

impl Default for NameCache {
    fn default() -> Self {
        NameCache::with_names_per_lookup(NAMES_PER_LOOKUP)
    }
}

#[derive(Default)]
struct SegmentNames {
    kinds: [KindNames; 3],
}

#[derive(Default)]
struct KindNames {
    lookups: AtomicUsize,
    whole: OnceLock<Vec<Box<str>>>,
}

impl NameCache {
    fn with_names_per_lookup(names_per_lookup: usize) -> Self {
        NameCache {
            names_per_lookup,
            segments: Mutex::default(),
        }
    }

    /// The names the article at `address` holds (folded, as indexing found them; in
    /// the order the column gives them, each once).
    pub(crate) fn names_at(&self, searcher: &Searcher, address: DocAddress) -> Result<Entities> {
        let reader = searcher.segment_reader(address.segment_ord);
        let segment = self.segment(searcher, reader.segment_id());
        let fast = reader.fast_fields();
        let mut names = Entities::default();
        let mut text = String::new();
        for (at, kind) in EntityKind::ALL.into_iter().enumerate() {
            let Some(column) = fast.str(kind.name())? else {
                continue;
            };
            let cache = &segment.kinds[at];
            let out = names.of_mut(kind);
            for ord in column.ords().values_for_doc(address.doc_id) {
                let name = match cache.whole_if_worth_it(&column, self.names_per_lookup)? {
                    Some(whole) => whole.get(ord as usize).map(|name| &**name),
                    None => {
                        text.clear();
                        let found = column
                            .ord_to_str(ord, &mut text)
                            .map_err(tantivy::TantivyError::from)?;
                        found.then_some(text.as_str())
                    }
                };
                if let Some(name) = name {
                    if !out.iter().any(|known| known == name) {
                        out.push(name.to_string());
                    }
                }
            }
        }
        Ok(names)
    }

    /// The cache of the segment `id`, made on first use; segments that `searcher`
    /// no longer holds (merged away) are forgotten then.
    fn segment(&self, searcher: &Searcher, id: SegmentId) -> Arc<SegmentNames> {
        let mut segments = self.segments.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(found) = segments.get(&id) {
            return Arc::clone(found);
        }
        let live: HashSet<SegmentId> = searcher
            .segment_readers()
            .iter()
            .map(|reader| reader.segment_id())
            .collect();
        segments.retain(|id, _| live.contains(id));
        Arc::clone(segments.entry(id).or_default())
    }
}

impl KindNames {
    /// The whole dictionary of `column`, decoded now if one more lookup makes that
    /// worth it, or `None` while reading names one by one is still cheaper.
    fn whole_if_worth_it(
        &self,
        column: &StrColumn,
        names_per_lookup: usize,
    ) -> Result<Option<&[Box<str>]>> {
        if let Some(whole) = self.whole.get() {
            return Ok(Some(whole));
        }
        let lookups = self.lookups.fetch_add(1, Ordering::Relaxed) + 1;
        if lookups.saturating_mul(names_per_lookup) < column.num_terms() {
            return Ok(None);
        }
        let mut whole = Vec::with_capacity(column.num_terms());
        let mut stream = column
            .dictionary()
            .stream()
            .map_err(tantivy::TantivyError::from)?;
        while stream.advance() {
            whole.push(String::from_utf8_lossy(stream.key()).into());
        }
        // Two threads may both decode; either result is the same dictionary.
        Ok(Some(self.whole.get_or_init(|| whole)))
    }
}

#[cfg(test)]
mod tests {
    use super::NameCache;
    use crate::{Archive, Article};

    /// Names read one by one and from the decoded dictionary are the same, and they
    /// are the article's.
    #[test]
    fn names_are_the_same_read_alone_or_from_the_whole_dictionary() {
        let dir = tempfile::tempdir().unwrap();
        let archive = Archive::create(dir.path()).unwrap();
        let mut writer = archive.writer().unwrap();
        let people = ["王毅", "李强", "习近平", "拜登", "普京", "马克龙"];
        let places = ["北京", "上海", "新疆", "西藏", "广州", "深圳"];
        for n in 0..60 {
            let (a, b) = (people[n % 6], people[(n + 1) % 6]);
            let place = places[n % 6];
            writer
                .upsert(&Article {
                    id: format!("a{n}"),
                    title: Some(format!("{a}在{place}会见{b}")),
                    body: format!("{a}今天在{place}会见了{b}，双方就第{n}项合作交换了意见。"),
                    ..Article::default()
                })
                .unwrap();
            if n == 30 {
                writer.commit().unwrap();
            }
        }
        writer.commit().unwrap();
        archive.reload().unwrap();
        let searcher = archive.searcher();
        let addresses: Vec<_> = (0..60)
            .map(|n| {
                archive
                    .address_of(&searcher, &format!("a{n}"))
                    .unwrap()
                    .unwrap()
            })
            .collect();
        let read = |cache: &NameCache| -> Vec<_> {
            addresses
                .iter()
                .map(|&a| cache.names_at(&searcher, a).unwrap())
                .collect()
        };
        let alone = NameCache::with_names_per_lookup(0);
        let whole = NameCache::with_names_per_lookup(usize::MAX);
        let (one_by_one, decoded) = (read(&alone), read(&whole));
        assert_eq!(one_by_one, decoded);
        assert_eq!(
            read(&whole),
            decoded,
            "read again from the decoded dictionaries"
        );
        let decoded_any = |cache: &NameCache| {
            let segments = cache.segments.lock().unwrap();
            segments.len() == searcher.segment_readers().len()
                && segments
                    .values()
                    .any(|s| s.kinds.iter().any(|k| k.whole.get().is_some()))
        };
        assert!(decoded_any(&whole) && !decoded_any(&alone));
        // Each article's names are those analysis finds in its headline and body.
        for (n, names) in decoded.iter().enumerate() {
            let article = archive.get(&format!("a{n}")).unwrap().unwrap();
            let mut expected = crate::analyze::entities(article.title.as_deref().unwrap());
            let in_body = crate::analyze::entities(&article.body);
            for kind in crate::analyze::EntityKind::ALL {
                let want = expected.of_mut(kind);
                want.extend(in_body.of(kind).iter().cloned());
                want.sort();
                want.dedup();
            }
            let mut found = names.clone();
            for kind in crate::analyze::EntityKind::ALL {
                found.of_mut(kind).sort();
            }
            assert_eq!(found, expected, "a{n}");
        }
        assert!(decoded
            .iter()
            .any(|names| !names.person.is_empty() && !names.place.is_empty()));
    }
}
