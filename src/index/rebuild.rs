//! Replacing an archive by a fresh one, built beside it: the old archive stays whole
//! and searchable until the new one is complete, and a failed or abandoned build
//! leaves it as it was.

use super::{is_empty_dir, remove_leftovers, sibling, Archive, IndexVersion, WriterLock};
use crate::error::{Error, Result};
use std::path::Path;

/// What the build step of [`Archive::rebuild`] made of the fresh archive.
#[derive(Debug)]
pub enum Built<T> {
    /// Complete: it takes the old archive's place.
    Complete(T),
    /// Not complete (an interrupted run): it is thrown away and the old one kept.
    Abandoned(T),
}

impl Archive {
    /// Builds a fresh archive beside `dir` with `build`, then puts it in place of
    /// `dir`, and returns what `build` returned.
    ///
    /// The old archive is locked against writers for the whole run (their work would
    /// be lost at the swap) and stays searchable, untouched, until the new one is
    /// complete. If `build` fails or returns [`Built::Abandoned`], the fresh archive is
    /// removed and `dir` left as it was. This is also how an archive of another baoku
    /// version is upgraded. `dir` must be a baoku archive, empty, or absent: any other
    /// folder is refused ([`Error::NotAnIndex`]) rather than replaced.
    ///
    /// ```
    /// use baoku::index::Built;
    /// use baoku::{Archive, Article};
    ///
    /// let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("archive");
    /// let count = Archive::rebuild(&path, |fresh| {
    ///     let mut writer = fresh.writer()?;
    ///     let mut article = Article::default();
    ///     article.id = "a1".into();
    ///     article.title = Some("乡村振兴".into());
    ///     writer.upsert(&article)?;
    ///     writer.commit()?;
    ///     Ok(Built::Complete(1))
    /// })?;
    /// assert_eq!(count, 1);
    /// assert_eq!(Archive::open(&path)?.stats()?.articles, 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn rebuild<T>(dir: &Path, build: impl FnOnce(&Archive) -> Result<Built<T>>) -> Result<T> {
        let existing = if dir.exists() {
            IndexVersion::read(dir)?
        } else {
            None
        };
        if dir.exists() && existing.is_none() && !is_empty_dir(dir)? {
            return Err(Error::NotAnIndex {
                path: dir.to_path_buf(),
            });
        }
        // The old archive is held for the whole rebuild: a writer that came in
        // meanwhile would lose its work when the new archive is put in place.
        let _lock = match existing {
            Some(_) => {
                let lock = WriterLock::acquire(dir)?;
                remove_leftovers(dir);
                Some(lock)
            }
            None => None,
        };
        let fresh = sibling(dir, "rebuild");
        if fresh.exists() {
            std::fs::remove_dir_all(&fresh).map_err(|e| Error::io(&fresh, e))?;
        }
        let built = Archive::create(&fresh).and_then(|archive| build(&archive));
        let value = match built {
            Ok(Built::Complete(value)) => value,
            Ok(Built::Abandoned(value)) => {
                // Half an archive must not replace a whole one.
                let _ = std::fs::remove_dir_all(&fresh);
                return Ok(value);
            }
            Err(error) => {
                // Best effort: the error that stopped the build is the one to report.
                let _ = std::fs::remove_dir_all(&fresh);
                return Err(error);
            }
        };
        if dir.exists() {
            let old = sibling(dir, "old");
            std::fs::rename(dir, &old).map_err(|e| Error::io(dir, e))?;
            std::fs::rename(&fresh, dir).map_err(|e| Error::io(dir, e))?;
            std::fs::remove_dir_all(&old).map_err(|e| Error::io(&old, e))?;
        } else {
            std::fs::rename(&fresh, dir).map_err(|e| Error::io(dir, e))?;
        }
        Ok(value)
    }
}
