//! The `baoku` Python module: baoku's archives searched and built in-process, with
//! the same index, analysis and results as the `baoku` command.
//!
//! Everything here is a thin layer over the library API ([`baoku::Archive`],
//! [`baoku::SearchRequest`], [`baoku::ingest::index_paths`]…): this crate converts
//! between Python values and the library's types, releases the GIL while the library
//! works, and turns [`baoku::Error`] into Python exceptions. It must not search,
//! analyse or extract anything itself: every rule has its home in the library.
//!
//! | file | what it owns |
//! |---|---|
//! | `archive.rs` | `baoku.Archive`: open, create, search, get, stats, index |
//! | `writer.rs` | `baoku.Writer`: upserts of dicts, deletes, commits, the context manager |
//! | `results.rs` | `SearchResults`, `Hit`, `Snippet`, `Article`, `Match`, `Stats`, `IndexReport` |
//! | `convert.rs` | Python ⇄ library values: dates, periods, records, JSON |
//! | `errors.rs` | the exception classes under `baoku.Error` |

mod archive;
mod convert;
mod errors;
mod results;
mod writer;

use pyo3::prelude::*;

/// baoku (报库): full-text search for Chinese news archives.
#[pymodule]
#[pyo3(name = "baoku")]
fn baoku_python(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<archive::Archive>()?;
    m.add_class::<archive::Matches>()?;
    m.add_class::<writer::Writer>()?;
    m.add_class::<results::SearchResults>()?;
    m.add_class::<results::Hit>()?;
    m.add_class::<results::Snippet>()?;
    m.add_class::<results::Article>()?;
    m.add_class::<results::Match>()?;
    m.add_class::<results::Stats>()?;
    m.add_class::<results::IndexReport>()?;
    m.add_class::<results::Problem>()?;
    errors::register(m)
}
