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
}
