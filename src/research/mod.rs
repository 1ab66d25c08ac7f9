//! The research workbench: what a researcher asks of all the matches of a query
//! rather than of its best page — how they spread over time ([`trend`]), all of them
//! as a spreadsheet or JSON lines ([`export`]), every occurrence in its context
//! ([`kwic`]) — and of one article opened from them: where the query is in it, its
//! reprints, articles like it ([`reading`]).
//!
//! Each feature takes any query of the language with the same [`Filters`] as a
//! search and counts every matching article exactly; each answers with a serde type
//! that is the JSON of its command (`baoku trend --json`) and of its HTTP route.
//! This module counts and reads; it must not print.
//!
//! [`Filters`]: crate::search::Filters

pub mod export;
pub mod kwic;
pub mod reading;
pub mod trend;

pub use export::{Export, Field, Row};
pub use kwic::{Kwic, KwicOptions, KwicResults, KwicSort, Line};
pub use reading::{Highlights, RawArticle, Reading, Related, SimilarOptions, MAX_SIMILAR};
pub use trend::{Interval, Point, Series, Trend, TrendRequest, MAX_PERIODS, MAX_QUERIES};
