//! The tantivy directory an archive is opened on: tantivy's `MmapDirectory`, except
//! that the stored articles (`.store` files) are read with positioned reads.
//!
//! A hit's article is one compressed block of the store (16 KiB), read once and
//! decompressed (tantivy keeps the decompressed block, not the mapped bytes), so
//! mapping it saves only a copy — and leaves every block ever read in the process's
//! resident memory: an export of every match of a 1M-article archive held 1.3 GB
//! resident, nearly all of it the store's mapped pages. Read with `pread`, the same
//! pages sit in the kernel's page cache, shared and dropped as the kernel likes, and
//! the process holds only what it decoded. Reads larger than a block
//! ([`POSITIONED_READ_MAX`]: the store's whole data when a merge stacks segments, the
//! index of its blocks) still go through the map, which needs no buffer of their size.
//! Every other file (postings, term dictionaries, fast fields) is mapped as before:
//! they are read in place, many times, in small pieces. This module must not change
//! what is read, only how.

use std::fs::File;
use std::io;
use std::ops::Range;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, OwnedBytes, WatchCallback,
    WatchHandle, WritePtr,
};
use tantivy::HasLen;

/// Reads of at most this many bytes of a store are positioned reads; longer ones are
/// served from the map. Far above a compressed block (16 KiB, a little more for one
/// long article), far below a segment's store.
pub(crate) const POSITIONED_READ_MAX: usize = 1 << 20;

/// An `MmapDirectory` whose `.store` files are read with positioned reads (see the
/// module's documentation).
#[derive(Debug, Clone)]
pub(crate) struct ArchiveDirectory {
    root: PathBuf,
    mapped: MmapDirectory,
}

impl ArchiveDirectory {
    /// The directory of the index in `dir`.
    pub(crate) fn open(dir: &Path) -> tantivy::Result<ArchiveDirectory> {
        Ok(ArchiveDirectory {
            root: dir.to_path_buf(),
            mapped: MmapDirectory::open(dir)?,
        })
    }
}

/// A store file: small reads positioned, large ones mapped.
#[derive(Debug)]
struct StoreFile {
    file: File,
    mapped: Arc<dyn FileHandle>,
}

impl FileHandle for StoreFile {
    fn read_bytes(&self, range: Range<usize>) -> io::Result<OwnedBytes> {
        if range.len() > POSITIONED_READ_MAX {
            return self.mapped.read_bytes(range);
        }
        let mut buffer = vec![0; range.len()];
        self.file.read_exact_at(&mut buffer, range.start as u64)?;
        Ok(OwnedBytes::new(buffer))
    }
}

impl HasLen for StoreFile {
    fn len(&self) -> usize {
        self.mapped.len()
    }
}

impl Directory for ArchiveDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        let mapped = self.mapped.get_file_handle(path)?;
        if path.extension().is_none_or(|e| e != "store") || mapped.len() == 0 {
            return Ok(mapped);
        }
        let full = self.root.join(path);
        let file = File::open(&full).map_err(|io_error| OpenReadError::IoError {
            io_error: Arc::new(io_error),
            filepath: full,
        })?;
        Ok(Arc::new(StoreFile { file, mapped }))
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.mapped.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.mapped.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.mapped.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.mapped.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.mapped.atomic_write(path, data)
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.mapped.sync_directory()
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        // The map's locks (flock), not the trait's default file-exists locks, which a
        // killed process would leave behind.
        self.mapped.acquire_lock(lock)
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.mapped.watch(watch_callback)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A store read through the directory gives the bytes on disk, read positioned
    /// or from the map.
    #[test]
    fn a_store_reads_the_same_bytes_small_or_large() {
        let dir = tempfile::tempdir().unwrap();
        let bytes: Vec<u8> = (0..POSITIONED_READ_MAX + 4096)
            .map(|i| (i * 7 % 251) as u8)
            .collect();
        std::fs::write(dir.path().join("a.store"), &bytes).unwrap();
        std::fs::write(dir.path().join("a.idx"), &bytes[..100]).unwrap();
        let directory = ArchiveDirectory::open(dir.path()).unwrap();
        let store = directory.get_file_handle(Path::new("a.store")).unwrap();
        assert_eq!(store.len(), bytes.len());
        for range in [
            0..10,
            5000..21384,
            0..bytes.len(),
            100..POSITIONED_READ_MAX + 101,
        ] {
            assert_eq!(
                store.read_bytes(range.clone()).unwrap().as_slice(),
                &bytes[range]
            );
        }
        let other = directory.get_file_handle(Path::new("a.idx")).unwrap();
        assert_eq!(other.read_bytes(0..100).unwrap().as_slice(), &bytes[..100]);
        let missing = directory.get_file_handle(Path::new("b.store"));
        assert!(matches!(missing, Err(OpenReadError::FileDoesNotExist(_))));
    }
}
