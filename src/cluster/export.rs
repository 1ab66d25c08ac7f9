//! Every match of a query on a cluster, as [`crate::Archive::export`] gives it: the
//! matches' scores, dates and fingerprints fetched in pages (`trend.rs`'s
//! `every_match`), put in the search's order by the embedded archive's code
//! (`research::export`), and their articles read a page at a time (`_mget`) as the
//! export goes: memory holds the ordered matches and one page of articles. Keyword
//! in context reads the same export. This module must not print.

use super::query::dsl;
use super::Cluster;
use crate::article::Article;
use crate::error::{Error, Result};
use crate::research::export::{export_order, marking, ArticleStore};
use crate::research::kwic::kwic_request;
use crate::research::{Export, Kwic, KwicOptions};
use crate::search::collect::Candidate;
use crate::search::{understand_with, SearchRequest};
use std::time::Instant;

/// Articles read per `_mget` as an export goes.
const BATCH: usize = 200;

impl Cluster {
    /// Every article `request` matches as written, reprints included, in its order,
    /// read a page at a time ([`crate::Archive::export`]).
    pub fn export(&self, request: &SearchRequest, snippets: bool) -> Result<Export> {
        let (expr, notes) =
            understand_with(&request.query, &request.filters, None, || self.outlets())?;
        let (mut matches, ids) = self.every_match(&dsl(&expr), !expr.has_no_words())?;
        export_order(&mut matches, request, expr.has_no_words());
        let (highlighter, snippets) = marking(&expr, request, snippets);
        let store = Box::new(Fetched {
            cluster: self.clone(),
            ids,
        });
        Ok(Export::new(
            matches,
            notes,
            store,
            BATCH,
            highlighter,
            snippets,
        ))
    }

    /// Every occurrence of `request`'s words in its matches' bodies, one line each
    /// ([`crate::Archive::kwic`]), read through [`Cluster::export`].
    pub fn kwic(&self, request: &SearchRequest, options: &KwicOptions) -> Result<Kwic> {
        let started = Instant::now();
        let export = self.export(&kwic_request(request, options)?, false)?;
        Kwic::of(export, options, started)
    }
}

/// The articles of a cluster's matches, by their place in `ids`.
struct Fetched {
    cluster: Cluster,
    ids: Vec<String>,
}

impl ArticleStore for Fetched {
    fn articles(&mut self, matches: &[Candidate]) -> Result<Vec<Article>> {
        let wanted: Vec<&str> = matches
            .iter()
            .map(|m| self.ids[m.address.doc_id as usize].as_str())
            .collect();
        let mut found = self.cluster.articles(&wanted)?;
        wanted
            .iter()
            .map(|id| {
                found.remove(*id).ok_or_else(|| {
                    Error::Engine(format!(
                        "{}: the article {id} was deleted during the export; export again",
                        self.cluster.url()
                    ))
                })
            })
            .collect()
    }
}
