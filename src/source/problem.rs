//! What went wrong with an input, and where: one type for every step that reads
//! inputs — walking folders, reading files and archives, extracting articles — so that
//! `baoku index`, `baoku extract` and the library name and count problems alike.
//!
//! This module owns the problem type and how I/O errors are classified; it must not
//! decide what is done about a problem (the caller skips, counts or stops).

use super::read::Origin;
use std::fmt;
use std::io;

/// Something wrong with an input, or with one document or record in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where: the file, the archive member, the record.
    pub origin: Origin,
    /// What kind of problem.
    pub kind: ProblemKind,
    /// What, in words.
    pub reason: String,
}

/// What kind of [`Problem`]. All but [`ProblemKind::Unsupported`] are failures: an
/// input that should have been read and was not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProblemKind {
    /// It could not be read: missing, no permission, an I/O error.
    Unreadable,
    /// It was read but is not what it claims to be, or holds no article: damaged
    /// compression or archive, undecodable text, malformed JSON, no article text.
    Malformed,
    /// A file baoku does not read (a photo in the folder or archive): skipped, not an
    /// error.
    Unsupported,
    /// Over a limit that keeps hostile inputs from exhausting memory: a document or a
    /// record too large, a decompression bomb.
    TooLarge,
}

impl ProblemKind {
    /// Whether the input should have been read: everything but unsupported files.
    pub fn is_failure(self) -> bool {
        self != ProblemKind::Unsupported
    }
}

impl Problem {
    /// A problem of `kind` at `origin`.
    pub fn new(origin: &Origin, kind: ProblemKind, reason: impl Into<String>) -> Problem {
        Problem {
            origin: origin.clone(),
            kind,
            reason: reason.into(),
        }
    }

    /// A problem from an I/O error while reading `origin` (see [`LimitExceeded`]).
    pub(crate) fn from_io(origin: &Origin, error: &io::Error) -> Problem {
        let kind = if error
            .get_ref()
            .is_some_and(|inner| inner.is::<LimitExceeded>())
        {
            ProblemKind::TooLarge
        } else if matches!(
            error.kind(),
            io::ErrorKind::InvalidData | io::ErrorKind::InvalidInput | io::ErrorKind::UnexpectedEof
        ) {
            ProblemKind::Malformed
        } else {
            ProblemKind::Unreadable
        };
        Problem::new(origin, kind, error.to_string())
    }

    /// Whether the input should have been read ([`ProblemKind::is_failure`]).
    pub fn is_failure(&self) -> bool {
        self.kind.is_failure()
    }
}

impl fmt::Display for Problem {
    /// `path[:member][:line]: reason`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.origin, self.reason)
    }
}

impl std::error::Error for Problem {}

/// A reading limit was hit, inside an [`io::Error`] from a stream (a line too long, a
/// decompression bomb), so that the problem it becomes is [`ProblemKind::TooLarge`].
#[derive(Debug)]
pub(crate) struct LimitExceeded(pub(crate) String);

impl LimitExceeded {
    /// The I/O error that carries it.
    pub(crate) fn error(reason: String) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidData, LimitExceeded(reason))
    }
}

impl fmt::Display for LimitExceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LimitExceeded {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn io_errors_are_classified() {
        let origin = Origin::file(Path::new("a.jsonl"));
        let kind = |e: io::Error| Problem::from_io(&origin, &e).kind;
        assert_eq!(
            kind(LimitExceeded::error("record longer than 16 MB".into())),
            ProblemKind::TooLarge
        );
        assert_eq!(
            kind(io::Error::new(
                io::ErrorKind::InvalidData,
                "corrupt deflate stream"
            )),
            ProblemKind::Malformed
        );
        assert_eq!(
            kind(io::Error::from(io::ErrorKind::PermissionDenied)),
            ProblemKind::Unreadable
        );
        let problem = Problem::from_io(&origin, &LimitExceeded::error("too long".into()));
        assert_eq!(problem.to_string(), "a.jsonl: too long");
        assert!(problem.is_failure());
    }
}
