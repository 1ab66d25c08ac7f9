//! The `baoku.json` file beside the tantivy files: which schema and analyzer built
//! the index. Tokens depend on both, so an index built with others would give
//! silently wrong results; it is refused instead.

use crate::analyze::ANALYZER_VERSION;
use crate::error::{Error, Result};
use crate::schema::IndexSchema;
use serde::{Deserialize, Serialize};
use std::path::Path;

const FILE_NAME: &str = "baoku.json";
const FORMAT: &str = "baoku-index";

/// The versions an index was built with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexVersion {
    format: String,
    /// Version of `schema/schema.toml`.
    pub schema_version: u32,
    /// [`ANALYZER_VERSION`] of the analyzer.
    pub analyzer_version: u32,
    /// The baoku release that created the index.
    pub created_by: String,
}

impl IndexVersion {
    /// The versions of this build.
    pub fn current() -> IndexVersion {
        IndexVersion {
            format: FORMAT.to_string(),
            schema_version: IndexSchema::embedded().version(),
            analyzer_version: ANALYZER_VERSION,
            created_by: format!("baoku {}", env!("CARGO_PKG_VERSION")),
        }
    }

    /// Reads the versions recorded in `dir`; `None` when the directory holds no such file.
    pub fn read(dir: &Path) -> Result<Option<IndexVersion>> {
        let path = dir.join(FILE_NAME);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io(&path, e)),
        };
        let version: IndexVersion = serde_json::from_str(&text).map_err(|e| Error::Io {
            path: path.clone(),
            source: std::io::Error::new(std::io::ErrorKind::InvalidData, e),
        })?;
        Ok((version.format == FORMAT).then_some(version))
    }

    /// Refuses an index whose versions differ from this build's.
    pub fn check(&self, dir: &Path) -> Result<()> {
        let current = IndexVersion::current();
        if self.schema_version == current.schema_version
            && self.analyzer_version == current.analyzer_version
        {
            return Ok(());
        }
        Err(Error::IndexVersion {
            path: dir.to_path_buf(),
            found_schema: self.schema_version,
            found_analyzer: self.analyzer_version,
            schema: current.schema_version,
            analyzer: current.analyzer_version,
        })
    }

    /// Writes the file atomically (a temporary file renamed into place).
    pub fn write(&self, dir: &Path) -> Result<()> {
        let path = dir.join(FILE_NAME);
        let temporary = dir.join(format!("{FILE_NAME}.tmp"));
        let text = serde_json::to_string_pretty(self).expect("serialisable");
        std::fs::write(&temporary, text + "\n").map_err(|e| Error::io(&temporary, e))?;
        std::fs::rename(&temporary, &path).map_err(|e| Error::io(&path, e))
    }
}
