//! The one error type of the library.
//!
//! Every fallible public function returns [`Result<T>`]. Messages are one line, say
//! what went wrong and where (a path, a line, a character position), and never
//! contain a backtrace: the command-line tool prints them as they are.

use std::path::PathBuf;

/// Everything that can go wrong in baoku.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file or directory could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory involved.
        path: PathBuf,
        /// What the operating system reported.
        source: std::io::Error,
    },

    /// An input file could not be turned into an article.
    #[error("{}: {reason}", path.display())]
    Extract {
        /// The input file.
        path: PathBuf,
        /// Why no article came out of it.
        reason: String,
    },

    /// There is no baoku index at the given location.
    #[error("no baoku index at {}: run `baoku index <DIR>` to create one", path.display())]
    IndexMissing {
        /// Where the index was expected.
        path: PathBuf,
    },

    /// The directory exists but does not hold a baoku index.
    #[error("{} is not a baoku index (it exists and holds other files); choose another --index directory", path.display())]
    NotAnIndex {
        /// The directory.
        path: PathBuf,
    },

    /// The index was built by a baoku with a different schema or analyzer.
    #[error(
        "index at {} was built with schema v{found_schema}/analyzer v{found_analyzer}, this baoku uses schema v{schema}/analyzer v{analyzer}: re-index with `baoku index --rebuild ...`",
        path.display()
    )]
    IndexVersion {
        /// The index directory.
        path: PathBuf,
        /// Schema version recorded in the index.
        found_schema: u32,
        /// Analyzer version recorded in the index.
        found_analyzer: u32,
        /// Schema version of this build.
        schema: u32,
        /// Analyzer version of this build.
        analyzer: u32,
    },

    /// The query string cannot be understood.
    #[error("invalid query: {0}")]
    Query(String),

    /// The embedded schema file is inconsistent (a bug in this build, not in the input).
    #[error("schema/schema.toml: {0}")]
    Schema(String),

    /// tantivy reported an error while reading or writing the index.
    #[error("index error: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
}

/// The result type of every fallible function in baoku.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}
