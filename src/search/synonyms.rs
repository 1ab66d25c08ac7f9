//! Synonyms and aliases: groups of names that find each other, at query time.
//!
//! A synonyms file holds one group a line, its names separated by commas
//! (`特朗普,川普,特朗普总统`, `世卫组织,世界卫生组织,WHO`); `#` starts a comment. A
//! word or quoted phrase of a query that is one of a group's names (compared
//! normalised: traditional, full-width and capital letters fold as everywhere) is
//! searched as any of them — the index is not touched — and a `source:` filter (or
//! `--source`) naming one admits the outlets of every name of its group
//! (`人民日报,人民网－人民日报`). [`Synonyms::expand`] is the one place a query is
//! expanded: search, trends, export and keyword-in-context lines all pass through it
//! (`search::understand`). This module reads the file and rewrites queries; it must
//! not search.

use crate::analyze::{is_word_char, normalize_str};
use crate::error::{Error, Result};
use crate::search::query::{EntityFilter, Expr, SourceFilter, Term};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The file name baoku looks for beside an index directory.
pub const SYNONYMS_FILE: &str = "synonyms.txt";

/// Groups of names that find each other.
///
/// ```
/// use baoku::search::Synonyms;
///
/// let synonyms = Synonyms::parse("# people\n特朗普,川普,特朗普总统\n", "synonyms.txt")?;
/// assert_eq!(synonyms.group_of("川普").unwrap(), ["特朗普", "川普", "特朗普总统"]);
/// assert!(synonyms.group_of("拜登").is_none());
///
/// let error = Synonyms::parse("特朗普,川普\n川普\n", "synonyms.txt").unwrap_err();
/// assert_eq!(error.to_string(), "synonyms.txt:2: a group needs two names or more, separated by commas");
/// # Ok::<(), baoku::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Synonyms {
    /// Where the groups were read from, as notes name it.
    path: PathBuf,
    /// Each group's names as written, with the line it is on.
    groups: Vec<(usize, Vec<String>)>,
    /// A normalised name → its group.
    by_name: HashMap<String, usize>,
}

/// A name as it is compared: normalised, spaces folded to one.
fn folded(name: &str) -> String {
    normalize_str(name)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

impl Synonyms {
    /// Reads a synonyms file. Every mistake is an error naming `path:line`.
    pub fn load(path: impl AsRef<Path>) -> Result<Synonyms> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            let line = e.as_bytes()[..e.utf8_error().valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            Error::Synonyms {
                path: path.to_path_buf(),
                line,
                reason: "not UTF-8 text".into(),
            }
        })?;
        Synonyms::parse(&text, path)
    }

    /// The synonyms file beside the index directory `index_dir` (in the folder that
    /// holds it: `baoku-index` → `synonyms.txt`), when there is one.
    pub fn beside(index_dir: &Path) -> Result<Option<Synonyms>> {
        let path = Synonyms::path_beside(index_dir);
        match path.is_file() {
            true => Synonyms::load(&path).map(Some),
            false => Ok(None),
        }
    }

    /// Where [`Synonyms::beside`] looks.
    pub fn path_beside(index_dir: &Path) -> PathBuf {
        index_dir
            .parent()
            .unwrap_or(Path::new(""))
            .join(SYNONYMS_FILE)
    }

    /// Reads groups from text; `path` is what errors and notes call it.
    pub fn parse(text: &str, path: impl AsRef<Path>) -> Result<Synonyms> {
        let path = path.as_ref();
        let mut synonyms = Synonyms {
            path: path.to_path_buf(),
            ..Synonyms::default()
        };
        for (n, line) in text.lines().enumerate() {
            let number = n + 1;
            let error = |reason: String| Error::Synonyms {
                path: path.to_path_buf(),
                line: number,
                reason,
            };
            let line = line.split('#').next().unwrap_or("").trim();
            let line = line.trim_start_matches('\u{feff}');
            if line.is_empty() {
                continue;
            }
            let names: Vec<String> = line
                .split([',', '，'])
                .map(|name| name.trim().to_string())
                .collect();
            if names.len() < 2 {
                return Err(error(
                    "a group needs two names or more, separated by commas".into(),
                ));
            }
            let group = synonyms.groups.len();
            let mut keys = Vec::new();
            for name in &names {
                if !normalize_str(name).chars().any(is_word_char) {
                    return Err(error(match name.is_empty() {
                        true => "an empty name between commas".into(),
                        false => format!("{name:?} holds nothing to search for"),
                    }));
                }
                let key = folded(name);
                if keys.contains(&key) {
                    return Err(error(format!("{name} is named twice in the group")));
                }
                if let Some(&other) = synonyms.by_name.get(&key) {
                    return Err(error(format!(
                        "{name} is already in the group of line {}",
                        synonyms.groups[other].0
                    )));
                }
                keys.push(key);
            }
            for key in keys {
                synonyms.by_name.insert(key, group);
            }
            synonyms.groups.push((number, names));
        }
        Ok(synonyms)
    }

    /// The file the groups came from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file's name without its folder, as notes give it: an HTTP caller is
    /// not told where the server keeps its files.
    fn file_name(&self) -> String {
        self.path.file_name().map_or_else(
            || self.path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        )
    }

    /// Number of groups.
    pub fn len(&self) -> usize {
        self.groups.len()
    }

    /// Whether there is no group.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// The group `name` is in (all its names as written, `name`'s own too).
    pub fn group_of(&self, name: &str) -> Option<&[String]> {
        self.by_name
            .get(&folded(name))
            .map(|&group| self.groups[group].1.as_slice())
    }

    /// Rewrites `expr` so that each word or phrase that is a group's name is any of
    /// the group's names, and each `source:` naming one admits them all; returns a
    /// note for each expansion (`川普 also as 特朗普, 特朗普总统 (synonyms.txt:1)`).
    /// Words under `NEAR` and excluded words are expanded too; names inside a longer
    /// word are not (a query for 川普访华 is one word).
    pub fn expand(&self, expr: &mut Expr) -> Vec<String> {
        let mut notes = Vec::new();
        self.rewrite(expr, &mut notes);
        notes.dedup();
        notes
    }

    fn rewrite(&self, expr: &mut Expr, notes: &mut Vec<String>) {
        match expr {
            Expr::Term(term) => {
                if let Some(alternatives) = self.alternatives(term, notes) {
                    *expr = Expr::Or(alternatives.into_iter().map(Expr::Term).collect());
                }
            }
            Expr::Near(near) => {
                // NEAR takes words and phrases only: each is left as it is, and the
                // group's other names join as a NEAR of their own.
                let mut variants: Vec<Vec<Term>> = vec![near.terms.clone()];
                for (i, term) in near.terms.iter().enumerate() {
                    if let Some(alternatives) = self.alternatives(term, notes) {
                        let mut more = Vec::new();
                        for variant in &variants {
                            for other in alternatives.iter().skip(1) {
                                let mut terms = variant.clone();
                                terms[i] = other.clone();
                                more.push(terms);
                            }
                        }
                        variants.extend(more);
                    }
                }
                if variants.len() > 1 {
                    let within = near.within;
                    *expr = Expr::Or(
                        variants
                            .into_iter()
                            .map(|terms| Expr::Near(crate::search::query::Near { terms, within }))
                            .collect(),
                    );
                }
            }
            Expr::Source(filter) => {
                if let Some(group) = self.by_name.get(&folded(&filter.typed)) {
                    let (line, names) = &self.groups[*group];
                    let typed = folded(&filter.typed);
                    let others: Vec<String> = names
                        .iter()
                        .filter(|n| folded(n) != typed)
                        .cloned()
                        .collect();
                    notes.push(format!(
                        "source {} also as {} ({}:{line})",
                        filter.typed,
                        others.join(", "),
                        self.file_name()
                    ));
                    filter.also = others;
                }
            }
            Expr::And(parts) | Expr::Or(parts) => {
                for part in parts {
                    self.rewrite(part, notes);
                }
            }
            Expr::Entity(filter) => {
                // `person:习主席` finds the articles naming 习近平 too, when one line
                // of the file holds both.
                let typed = folded(&filter.typed);
                if let Some(&group) = self.by_name.get(&typed) {
                    let (line, names) = &self.groups[group];
                    let mut added = Vec::new();
                    for name in names.iter().filter(|n| folded(n) != typed) {
                        if let Some(other) = EntityFilter::new(filter.kind, name) {
                            if !filter.names().any(|known| known == other.name) {
                                filter.also.push(other.name);
                                added.push(name.clone());
                            }
                        }
                    }
                    if !added.is_empty() {
                        notes.push(format!(
                            "{}:{} also as {} ({}:{line})",
                            filter.kind,
                            filter.typed,
                            added.join(", "),
                            self.file_name()
                        ));
                    }
                }
            }
            Expr::Not(inner) => self.rewrite(inner, notes),
            Expr::Date(_) => {}
        }
    }

    /// The term first, then the group's other names in the same scope, when the term
    /// is a group's name.
    fn alternatives(&self, term: &Term, notes: &mut Vec<String>) -> Option<Vec<Term>> {
        let key = folded(&term.normalized);
        let &group = self.by_name.get(&key)?;
        let (line, names) = &self.groups[group];
        let mut alternatives = vec![term.clone()];
        let mut added = Vec::new();
        for name in names {
            if folded(name) == key {
                continue;
            }
            // A name of several words is a phrase, as a quoted term is.
            let quoted = term.quoted || name.contains(char::is_whitespace);
            if let Some(other) = Term::new(name, quoted, term.scope) {
                added.push(name.clone());
                alternatives.push(other);
            }
        }
        notes.push(format!(
            "{} also as {} ({}:{line})",
            term.text,
            added.join(", "),
            self.file_name()
        ));
        Some(alternatives)
    }
}

impl SourceFilter {
    /// The names this filter stands for: what was typed and its aliases.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.typed.as_str()).chain(self.also.iter().map(String::as_str))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::query::parse;

    fn synonyms() -> Synonyms {
        Synonyms::parse(
            "特朗普,川普,特朗普总统\n世卫组织, 世界卫生组织, WHO  # 机构\n\n人民日报,人民网－人民日报\n",
            "syn.txt",
        )
        .unwrap()
    }

    fn terms(expr: &Expr) -> Vec<String> {
        expr.positive_terms()
            .iter()
            .map(|t| t.normalized.clone())
            .collect()
    }

    #[test]
    fn a_name_of_a_group_is_searched_as_every_name_of_it() {
        let mut expr = parse("川普 访华").unwrap().expr;
        let notes = synonyms().expand(&mut expr);
        assert_eq!(terms(&expr), ["川普", "特朗普", "特朗普总统", "访华"]);
        assert_eq!(notes, ["川普 also as 特朗普, 特朗普总统 (syn.txt:1)"]);
        // Traditional and capitals fold: 世衛組織 and who are names of line 2.
        let mut expr = parse("世衛組織 OR who").unwrap().expr;
        let notes = synonyms().expand(&mut expr);
        assert_eq!(terms(&expr).len(), 6, "{expr:?}");
        assert_eq!(notes.len(), 2, "{notes:?}");
    }

    #[test]
    fn a_name_filter_admits_the_names_of_its_group() {
        let synonyms = Synonyms::parse("习近平,习主席,習總書記\n", "syn.txt").unwrap();
        let mut expr = parse("person:习主席 会见").unwrap().expr;
        let notes = synonyms.expand(&mut expr);
        let filters = expr.positive_entities();
        assert_eq!(filters.len(), 1);
        // Traditional names fold as the index folded them.
        assert_eq!(
            filters[0].names().collect::<Vec<_>>(),
            ["习主席", "习近平", "习总书记"]
        );
        assert_eq!(
            notes,
            ["person:习主席 also as 习近平, 習總書記 (syn.txt:1)"]
        );
        // A name of no group, and a words' group that is not a filter's, stay.
        let mut expr = parse("person:王毅").unwrap().expr;
        assert!(synonyms.expand(&mut expr).is_empty());
        assert!(expr.positive_entities()[0].also.is_empty());
    }

    #[test]
    fn names_inside_longer_words_and_unknown_words_stay() {
        let mut expr = parse("川普访华 拜登").unwrap().expr;
        let before = expr.clone();
        assert!(synonyms().expand(&mut expr).is_empty());
        assert_eq!(expr, before);
    }

    #[test]
    fn sources_admit_their_aliases() {
        let mut expr = parse("source:=人民日报 台风").unwrap().expr;
        let notes = synonyms().expand(&mut expr);
        assert_eq!(
            notes,
            ["source 人民日报 also as 人民网－人民日报 (syn.txt:4)"]
        );
        let Expr::And(parts) = &expr else {
            panic!("{expr:?}")
        };
        let Expr::Source(filter) = &parts[0] else {
            panic!("{expr:?}")
        };
        assert!(filter.admits("人民网－人民日报") && filter.admits("人民日报"));
        assert!(!filter.admits("人民日报海外版"));
    }

    #[test]
    fn near_takes_each_name() {
        let mut expr = parse("川普 NEAR/5 关税").unwrap().expr;
        synonyms().expand(&mut expr);
        let Expr::Or(variants) = &expr else {
            panic!("{expr:?}")
        };
        assert_eq!(variants.len(), 3);
        assert!(variants.iter().all(|v| matches!(v, Expr::Near(_))));
    }

    #[test]
    fn every_mistake_names_its_line() {
        for (text, message) in [
            ("a,b\nc\n", "f.txt:2: a group needs two names or more"),
            ("a,,b", "f.txt:1: an empty name between commas"),
            ("a,!!", "f.txt:1: \"!!\" holds nothing to search for"),
            ("a,b\n\nc,A", "f.txt:3: A is already in the group of line 1"),
            ("川普,川普", "f.txt:1: 川普 is named twice in the group"),
        ] {
            let error = Synonyms::parse(text, "f.txt").unwrap_err().to_string();
            assert!(error.starts_with(message), "{text:?}: {error}");
        }
    }

    #[test]
    fn the_file_beside_an_index_is_in_its_parent_folder() {
        assert_eq!(
            Synonyms::path_beside(Path::new("baoku-index")),
            Path::new("synonyms.txt")
        );
        assert_eq!(
            Synonyms::path_beside(Path::new("/data/news/index")),
            Path::new("/data/news/synonyms.txt")
        );
    }
}
