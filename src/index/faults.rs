//! Fault injection for tests: a tantivy [`Directory`] that fails its writes, as a
//! full disk does, after a number of bytes.
//!
//! It is compiled only with the `fault-injection` feature, which test builds turn on
//! (never a release build), and switched on by the environment variable
//! `BAOKU_TEST_FAIL_WRITES_AFTER=BYTES`, read when an archive is opened, so that the
//! tests of the real `baoku` binary can make a commit fail halfway. Otherwise the
//! index is opened on the archive's directory (`index/directory.rs`) as it is. This module must not change
//! what is written, only whether a write succeeds.

use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    AntiCallToken, Directory, DirectoryLock, FileHandle, Lock, TerminatingWrite, WatchCallback,
    WatchHandle, WritePtr,
};

/// The environment variable that turns fault injection on.
pub(crate) const FAIL_WRITES_AFTER: &str = "BAOKU_TEST_FAIL_WRITES_AFTER";

/// The tantivy directory for the index in `dir`: the archive's directory, wrapped in a
/// [`FailingDirectory`] when [`FAIL_WRITES_AFTER`] is set.
pub(crate) fn open_directory(dir: &Path) -> tantivy::Result<Box<dyn Directory>> {
    let archive = super::directory::ArchiveDirectory::open(dir)?;
    let limit = std::env::var(FAIL_WRITES_AFTER)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok());
    Ok(match limit {
        Some(bytes) => Box::new(FailingDirectory::new(archive, bytes)),
        None => Box::new(archive),
    })
}

/// A directory whose writes fail with "no space left on device" once `budget` bytes
/// have been written through it (all files together, `meta.json` included).
#[derive(Debug, Clone)]
pub(crate) struct FailingDirectory<D> {
    inner: D,
    budget: Arc<AtomicU64>,
}

impl<D: Directory + Clone> FailingDirectory<D> {
    /// Wraps `inner`, allowing `budget` bytes of writes.
    pub(crate) fn new(inner: D, budget: u64) -> Self {
        FailingDirectory {
            inner,
            budget: Arc::new(AtomicU64::new(budget)),
        }
    }
}

fn spend(budget: &AtomicU64, bytes: usize) -> io::Result<()> {
    let wanted = bytes as u64;
    let granted = budget.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| {
        left.checked_sub(wanted)
    });
    granted.map(drop).map_err(|_| {
        budget.store(0, Ordering::SeqCst);
        io::Error::new(
            io::ErrorKind::StorageFull,
            format!("No space left on device (injected by {FAIL_WRITES_AFTER})"),
        )
    })
}

struct FailingWriter {
    inner: WritePtr,
    budget: Arc<AtomicU64>,
}

impl Write for FailingWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        spend(&self.budget, buf.len())?;
        self.inner.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl TerminatingWrite for FailingWriter {
    fn terminate_ref(&mut self, token: AntiCallToken) -> io::Result<()> {
        self.inner.terminate_ref(token)
    }
}

impl<D: Directory + Clone> Directory for FailingDirectory<D> {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        let inner = self.inner.open_write(path)?;
        Ok(BufWriter::new(Box::new(FailingWriter {
            inner,
            budget: self.budget.clone(),
        })))
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        spend(&self.budget, data.len())?;
        self.inner.atomic_write(path, data)
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.inner.sync_directory()
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        // The inner directory's locks (flock for the archive's directory), not the trait's
        // default file-exists locks, which a killed process would leave behind.
        self.inner.acquire_lock(lock)
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }
}
