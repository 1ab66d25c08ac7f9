//! A bounded cache of search answers, valid for one commit of the index.
//!
//! Readers of a news archive ask the same things again and again (the day's story,
//! a shared link, the next page and back), and a search costs milliseconds of CPU
//! while a cached answer costs microseconds. Each answer is kept as the exact bytes
//! sent, under the canonical form of its [`baoku::SearchRequest`], together with the
//! version of the index it was computed on (a fingerprint of the searcher's segments
//! and deletes, which changes with every commit that changes anything): when the
//! server's reader moves to a new version, everything cached is dropped, so an answer
//! is never older than the commit the server sees.
//!
//! Eviction is two-generational (a cheap approximation of least-recently-used):
//! new answers go into `current`; when it holds half the byte budget it becomes
//! `previous` and the old `previous` is dropped; an answer found in `previous` moves
//! back into `current`.

use axum::body::Bytes;
use std::collections::HashMap;
use std::sync::Mutex;

/// Cached search answers, at most `budget` bytes of them (keys included).
#[derive(Debug)]
pub struct AnswerCache {
    budget: usize,
    maps: Mutex<Maps>,
}

#[derive(Debug, Default)]
struct Maps {
    version: Option<u64>,
    current: HashMap<String, Bytes>,
    current_bytes: usize,
    previous: HashMap<String, Bytes>,
}

impl Maps {
    /// Drops everything computed on another version of the index than `version`.
    fn follow(&mut self, version: u64) {
        if self.version != Some(version) {
            self.version = Some(version);
            self.current.clear();
            self.previous.clear();
            self.current_bytes = 0;
        }
    }

    fn insert(&mut self, key: String, answer: Bytes, half_budget: usize) {
        let size = key.len() + answer.len();
        if self.current_bytes + size > half_budget {
            self.previous = std::mem::take(&mut self.current);
            self.current_bytes = 0;
        }
        self.current_bytes += size;
        let key_len = key.len();
        if let Some(old) = self.current.insert(key, answer) {
            self.current_bytes -= key_len + old.len();
        }
    }
}

impl AnswerCache {
    /// A cache of at most `budget` bytes; 0 caches nothing.
    pub fn new(budget: usize) -> AnswerCache {
        AnswerCache {
            budget,
            maps: Mutex::new(Maps::default()),
        }
    }

    /// Whether answers are cached at all.
    pub fn enabled(&self) -> bool {
        self.budget > 0
    }

    /// The answer to `key` computed on this `version` of the index, if it is held.
    /// Asking with a new version empties the cache.
    pub fn get(&self, key: &str, version: u64) -> Option<Bytes> {
        if !self.enabled() {
            return None;
        }
        let mut maps = self.maps.lock().unwrap_or_else(|e| e.into_inner());
        maps.follow(version);
        if let Some(answer) = maps.current.get(key) {
            return Some(answer.clone());
        }
        let (key, answer) = maps.previous.remove_entry(key)?;
        maps.insert(key, answer.clone(), self.budget / 2);
        Some(answer)
    }

    /// Keeps `answer` to `key`, computed on `version` of the index or a later one
    /// (the version is read before searching, so an answer is never older than its
    /// label). An answer for another version than the cache holds is not kept.
    pub fn put(&self, key: String, version: u64, answer: Bytes) {
        let half = self.budget / 2;
        if !self.enabled() || key.len() + answer.len() > half {
            return;
        }
        let mut maps = self.maps.lock().unwrap_or_else(|e| e.into_inner());
        if maps.version == Some(version) {
            maps.insert(key, answer, half);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(n: usize) -> Bytes {
        Bytes::from(vec![b'x'; n])
    }

    #[test]
    fn answers_are_kept_for_one_version_of_the_index() {
        let cache = AnswerCache::new(10_000);
        assert_eq!(cache.get("a", 1), None);
        cache.put("a".into(), 1, bytes(10));
        assert_eq!(cache.get("a", 1).map(|b| b.len()), Some(10));
        assert_eq!(cache.get("b", 1), None);
        assert_eq!(cache.get("a", 2), None, "a new commit drops old answers");
        assert_eq!(cache.get("a", 1), None);
        cache.put("a".into(), 1, bytes(10));
        assert!(cache.get("a", 1).is_some());
        assert_eq!(cache.get("b", 7), None);
        cache.put("c".into(), 1, bytes(10));
        cache.put("b".into(), 7, bytes(10));
        assert!(cache.get("b", 7).is_some());
        assert_eq!(
            cache.get("c", 7),
            None,
            "an answer for another version is not kept"
        );
    }

    #[test]
    fn the_budget_bounds_what_is_held_and_recent_answers_survive() {
        let cache = AnswerCache::new(1_000);
        assert_eq!(cache.get("q0", 1), None);
        cache.put("too big".into(), 1, bytes(600));
        assert_eq!(cache.get("too big", 1), None);
        for i in 0..100 {
            cache.put(format!("q{i}"), 1, bytes(99));
            // q0 is asked for all the time: it stays.
            assert!(cache.get("q0", 1).is_some(), "after q{i}");
        }
        let maps = cache.maps.lock().unwrap();
        let held: usize = maps
            .current
            .iter()
            .chain(&maps.previous)
            .map(|(k, v)| k.len() + v.len())
            .sum();
        assert!(held <= 1_000, "{held} bytes held");
        assert!(maps.current.len() + maps.previous.len() < 12);
    }

    #[test]
    fn a_zero_budget_caches_nothing() {
        let cache = AnswerCache::new(0);
        assert_eq!(cache.get("a", 1), None);
        cache.put("a".into(), 1, bytes(1));
        assert_eq!(cache.get("a", 1), None);
    }
}
