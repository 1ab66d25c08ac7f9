//! What an index already holds, input by input: `inputs.json` beside the index files.
//!
//! An input (a file; an archive or record file as a whole) is listed only once every
//! one of its articles is committed, with the size and modification time it had. A
//! later run skips inputs listed with the same size and time. The file is rewritten
//! after each commit: if a run dies between a commit and the rewrite, the inputs of
//! that commit are read again next time, which replaces their articles — the safe
//! direction.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const FILE_NAME: &str = "inputs.json";
const VERSION: u32 = 1;

/// The state of one fully indexed input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputState {
    /// Size in bytes when it was read.
    pub size: u64,
    /// Modification time (ns since the epoch) when it was read.
    pub mtime_ns: u64,
    /// Articles it gave (stored, not counting duplicates).
    pub articles: u64,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct ManifestFile {
    version: u32,
    inputs: BTreeMap<String, InputState>,
}

/// The inputs an index holds completely.
#[derive(Debug)]
pub struct Manifest {
    path: PathBuf,
    inputs: BTreeMap<String, InputState>,
}

impl Manifest {
    /// Reads the manifest of the index in `dir` (empty if there is none yet, or if it
    /// is unreadable: then every input is simply read again).
    pub fn load(dir: &Path) -> Manifest {
        let path = dir.join(FILE_NAME);
        let inputs = std::fs::read_to_string(&path)
            .ok()
            .and_then(|text| serde_json::from_str::<ManifestFile>(&text).ok())
            .filter(|file| file.version == VERSION)
            .map(|file| file.inputs)
            .unwrap_or_default();
        Manifest { path, inputs }
    }

    /// The recorded state of an input.
    pub fn get(&self, key: &str) -> Option<&InputState> {
        self.inputs.get(key)
    }

    /// Records an input as completely indexed.
    pub fn set(&mut self, key: String, state: InputState) {
        self.inputs.insert(key, state);
    }

    /// Forgets an input (it changed, failed, or disappeared).
    pub fn remove(&mut self, key: &str) -> Option<InputState> {
        self.inputs.remove(key)
    }

    /// Writes the manifest atomically (temporary file, then rename).
    pub fn save(&self) -> Result<()> {
        let file = ManifestFile {
            version: VERSION,
            inputs: self.inputs.clone(),
        };
        let temporary = self.path.with_extension("json.tmp");
        let text = serde_json::to_string(&file).expect("serialisable");
        std::fs::write(&temporary, text).map_err(|e| Error::io(&temporary, e))?;
        std::fs::rename(&temporary, &self.path).map_err(|e| Error::io(&self.path, e))
    }
}

/// The key an input is known by in the index (its `input` field and the manifest):
/// its canonical path as text. Bytes that are not UTF-8 (possible in Unix file names)
/// are written `\xNN`, so that two such names never share a key.
pub fn input_key(path: &Path) -> String {
    if let Some(text) = path.to_str() {
        return text.to_string();
    }
    let mut key = String::new();
    for chunk in path.as_os_str().as_encoded_bytes().utf8_chunks() {
        key.push_str(chunk.valid());
        for byte in chunk.invalid() {
            key.push_str(&format!("\\x{byte:02x}"));
        }
    }
    key
}

/// The path an input key names: the key itself, or, for a name that was not UTF-8,
/// the path whose `\xNN` escapes are the bytes they stand for.
pub fn key_path(key: &str) -> PathBuf {
    let literal = PathBuf::from(key);
    if !key.contains("\\x") || literal.exists() {
        return literal;
    }
    let bytes = key.as_bytes();
    let mut raw = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let escaped = bytes[at..]
            .starts_with(b"\\x")
            .then(|| bytes.get(at + 2..at + 4))
            .flatten()
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                raw.push(byte);
                at += 4;
            }
            None => {
                raw.push(bytes[at]);
                at += 1;
            }
        }
    }
    PathBuf::from(<std::ffi::OsString as std::os::unix::ffi::OsStringExt>::from_vec(raw))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_tolerates_damage() {
        let dir = tempfile::tempdir().unwrap();
        let mut manifest = Manifest::load(dir.path());
        assert!(manifest.get("a").is_none());
        let state = InputState {
            size: 10,
            mtime_ns: 20,
            articles: 3,
        };
        manifest.set("a".into(), state);
        manifest.save().unwrap();
        assert_eq!(Manifest::load(dir.path()).get("a"), Some(&state));
        std::fs::write(dir.path().join(FILE_NAME), "{not json").unwrap();
        assert!(Manifest::load(dir.path()).get("a").is_none());
    }

    #[test]
    fn names_that_are_not_utf8_have_distinct_keys_that_lead_back_to_them() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        let a = dir
            .path()
            .join(std::ffi::OsStr::from_bytes(b"\xff\xfe.txt"));
        let b = dir
            .path()
            .join(std::ffi::OsStr::from_bytes(b"\xff\xfd.txt"));
        std::fs::write(&a, "x").unwrap();
        assert_ne!(input_key(&a), input_key(&b));
        assert!(
            input_key(&a).ends_with("\\xff\\xfe.txt"),
            "{}",
            input_key(&a)
        );
        assert_eq!(key_path(&input_key(&a)), a);
        assert!(key_path(&input_key(&a)).exists());
        assert_eq!(
            key_path("/plain/path.txt"),
            PathBuf::from("/plain/path.txt")
        );
    }
}
