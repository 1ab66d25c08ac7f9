//! The exceptions of the `baoku` module: one base class, `baoku.Error`, and a subclass
//! for each kind of [`baoku::Error`] a caller may want to catch on its own. The
//! message is always the library's own one-line message.

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;

create_exception!(
    baoku,
    Error,
    PyException,
    "Everything baoku raises: the library's one-line message (what went wrong, and where)."
);
create_exception!(
    baoku,
    IndexMissing,
    Error,
    "There is no baoku index at the path (create one with Archive.create)."
);
create_exception!(
    baoku,
    NotAnIndex,
    Error,
    "The directory exists and holds other files, not a baoku index."
);
create_exception!(
    baoku,
    IndexVersion,
    Error,
    "The index was built by a baoku with another schema or analyzer version."
);
create_exception!(
    baoku,
    IndexInUse,
    Error,
    "Another writer (in this process or another) is writing the index."
);
create_exception!(
    baoku,
    IndexWriteError,
    Error,
    "Writing the index failed (a full disk, an I/O error); it keeps its last commit."
);
create_exception!(
    baoku,
    InvalidQuery,
    Error,
    "The query cannot be understood."
);
create_exception!(
    baoku,
    InvalidArticle,
    Error,
    "An input or a record holds no article baoku can read."
);
create_exception!(
    baoku,
    InvalidArgument,
    Error,
    "An argument has a value baoku does not accept (a date, a sort order, a format…)."
);

/// Adds the exception classes to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("Error", py.get_type::<Error>())?;
    m.add("IndexMissing", py.get_type::<IndexMissing>())?;
    m.add("NotAnIndex", py.get_type::<NotAnIndex>())?;
    m.add("IndexVersion", py.get_type::<IndexVersion>())?;
    m.add("IndexInUse", py.get_type::<IndexInUse>())?;
    m.add("IndexWriteError", py.get_type::<IndexWriteError>())?;
    m.add("InvalidQuery", py.get_type::<InvalidQuery>())?;
    m.add("InvalidArticle", py.get_type::<InvalidArticle>())?;
    m.add("InvalidArgument", py.get_type::<InvalidArgument>())?;
    Ok(())
}

/// The Python exception for a library error, with the library's message.
pub(crate) fn to_py(error: baoku::Error) -> PyErr {
    let message = error.to_string();
    match error {
        baoku::Error::IndexMissing { .. } => IndexMissing::new_err(message),
        baoku::Error::NotAnIndex { .. } => NotAnIndex::new_err(message),
        baoku::Error::IndexVersion { .. } => IndexVersion::new_err(message),
        baoku::Error::IndexInUse { .. } => IndexInUse::new_err(message),
        baoku::Error::IndexWrite { .. } | baoku::Error::Merge { .. } => {
            IndexWriteError::new_err(message)
        }
        baoku::Error::Query(_) => InvalidQuery::new_err(message),
        baoku::Error::Extract { .. } => InvalidArticle::new_err(message),
        _ => Error::new_err(message),
    }
}

/// `InvalidArgument` for the argument `name`: `since: "2021-13" is not a date…`.
pub(crate) fn invalid_argument(name: &str, reason: impl std::fmt::Display) -> PyErr {
    InvalidArgument::new_err(format!("{name}: {reason}"))
}
