//! The writer lock: `baoku-writer.lock` beside tantivy's own `.tantivy-writer.lock`.
//!
//! It holds an OS-level advisory lock (`flock`, as tantivy's does), so the lock dies
//! with the process that took it: a `kill -9` leaves the file, never a lock that
//! blocks the next run. The file also records the pid of the writer, so that a second
//! writer can say which process is using the index.
//!
//! This module only locks; it must not read or write the index itself.

use crate::error::{Error, Result};
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

/// Name of the lock file in the index directory.
pub const LOCK_FILE: &str = "baoku-writer.lock";

/// Held while a process writes an index; released when dropped or when the process dies.
#[derive(Debug)]
pub(crate) struct WriterLock {
    _file: File,
}

impl WriterLock {
    /// Takes the lock of the index in `dir` at once, or fails with
    /// [`Error::IndexInUse`] naming the process that holds it.
    pub(crate) fn acquire(dir: &Path) -> Result<WriterLock> {
        let path = dir.join(LOCK_FILE);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut text = String::new();
                // The pid is a courtesy: an unreadable one still refuses the writer.
                let _ = file.read_to_string(&mut text);
                return Err(Error::IndexInUse {
                    path: dir.to_path_buf(),
                    pid: text.trim().parse().ok(),
                });
            }
            Err(TryLockError::Error(e)) => return Err(Error::io(&path, e)),
        }
        let pid = format!("{}\n", std::process::id());
        file.set_len(0)
            .and_then(|()| file.seek(SeekFrom::Start(0)))
            .and_then(|_| file.write_all(pid.as_bytes()))
            .map_err(|e| Error::io(&path, e))?;
        Ok(WriterLock { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_is_refused_with_the_pid_and_a_released_one_is_free() {
        let dir = tempfile::tempdir().unwrap();
        let first = WriterLock::acquire(dir.path()).unwrap();
        let error = WriterLock::acquire(dir.path()).unwrap_err();
        match &error {
            Error::IndexInUse { pid, .. } => assert_eq!(*pid, Some(std::process::id())),
            other => panic!("{other}"),
        }
        assert!(error.to_string().contains("in use"), "{error}");
        drop(first);
        // The file stays behind, as after a kill -9: it does not block.
        assert!(dir.path().join(LOCK_FILE).exists());
        WriterLock::acquire(dir.path()).unwrap();
    }
}
