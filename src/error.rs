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
    #[error("no baoku index at {0}: create it with `baoku --index {0} index PATH...` (the files and folders to index)", path.display())]
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

    /// Another process (or another writer in this one) is writing the index.
    #[error("index at {} is in use: {} is writing to it; wait for it to finish or stop it", path.display(), match pid { Some(pid) => format!("baoku process {pid}"), None => "another baoku process".to_string() })]
    IndexInUse {
        /// The index directory.
        path: PathBuf,
        /// The process holding the writer lock, as recorded in its lock file.
        pid: Option<u32>,
    },

    /// Merging the segments of a finished run into one failed (a full disk): every
    /// article is committed and searchable, the index is only not merged.
    #[error("could not merge the index at {} into one segment: {}; every article is committed and searchable", path.display(), plain_cause(cause))]
    Merge {
        /// The index directory.
        path: PathBuf,
        /// What tantivy (usually the operating system) reported.
        cause: tantivy::TantivyError,
    },

    /// Writing the index failed (a full disk, an I/O error): nothing of the current
    /// batch is kept, and the index holds its last commit.
    #[error("could not write the index at {}: {}; nothing of the current batch was kept, the index holds its last commit", path.display(), plain_cause(cause))]
    IndexWrite {
        /// The index directory.
        path: PathBuf,
        /// What tantivy (usually the operating system) reported.
        cause: tantivy::TantivyError,
    },

    /// A synonyms file holds a mistake.
    #[error("{}:{line}: {reason}", path.display())]
    Synonyms {
        /// The synonyms file.
        path: PathBuf,
        /// The line of the mistake, from 1.
        line: usize,
        /// What is wrong with it.
        reason: String,
    },

    /// The query string cannot be understood.
    #[error("invalid query: {0}")]
    Query(String),

    /// A request that cannot be answered as asked, though each part of it is valid
    /// (a daily trend over more days than it can draw).
    #[error("{0}")]
    Request(String),

    /// The embedded schema file is inconsistent (a bug in this build, not in the input).
    #[error("schema/schema.toml: {0}")]
    Schema(String),

    /// The search cluster of `--engine URL` could not be reached or refused a request;
    /// the message names the URL and what the cluster said.
    #[error("{0}")]
    Engine(String),

    /// What only the embedded archive does yet was asked of a cluster engine (`kwic`,
    /// `similar`, `export` with `--engine`); the message names it.
    #[error("{0}")]
    Unsupported(String),

    /// tantivy reported an error while reading or writing the index.
    #[error("index error: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
}

/// The result type of every fallible function in baoku.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The operating system's words for a tantivy I/O error, without tantivy's wrappers.
fn plain_cause(error: &tantivy::TantivyError) -> String {
    use tantivy::directory::error::{OpenReadError, OpenWriteError};
    use tantivy::TantivyError;
    match error {
        TantivyError::IoError(e) => e.to_string(),
        TantivyError::InternalError(message) => message.clone(),
        TantivyError::OpenWriteError(OpenWriteError::IoError { io_error, filepath })
        | TantivyError::OpenReadError(OpenReadError::IoError { io_error, filepath }) => {
            format!("{}: {io_error}", filepath.display())
        }
        other => other.to_string(),
    }
}

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}
