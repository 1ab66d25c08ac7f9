//! The JSON API: `/api/search`, `/api/articles/{id}`, `/api/stats` and `/healthz`.
//!
//! Each handler reads its parameters, checks the HTTP limits (page size, offset,
//! snippet sizes), asks the library, and serialises the library's own types: a search
//! answers with exactly the [`baoku::SearchResults`] document of `baoku search
//! --json`. Work on the index is CPU-bound, so it runs on tokio's blocking pool, at
//! most `concurrency` at a time, within a deadline; a repeated search is answered from
//! the [`AnswerCache`] while the index has no new commit. Every failure is a JSON body
//! `{"error": "..."}`: 4xx for what the client sent (an invalid query is 400), 503
//! when the server is too busy to answer in time, 500 only for a fault of the index.
//! No query logic lives here.

use super::cache::AnswerCache;
use super::ServeOptions;
use axum::body::Bytes;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderName, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use baoku::search::{Filters, Period, Sort};
use baoku::snippet::FRAGMENT_CHARS;
use baoku::{Archive, SearchRequest, SnippetOptions};
use serde_json::json;
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// Most hits one API request returns: a larger `limit` is refused (page with `offset`).
pub const MAX_LIMIT: usize = 100;
/// Requests that may wait for a free search slot; past this the server answers 503
/// at once rather than queue work it cannot finish within the timeout.
pub const MAX_WAITING: usize = 256;
/// Deepest page: an `offset` beyond this is refused (ranking must sort that far).
pub const MAX_OFFSET: usize = 10_000;
/// Most snippets per hit.
pub const MAX_SNIPPETS: usize = 10;

/// The query parameters `/api/search` understands; anything else is refused.
const SEARCH_PARAMS: &[&str] = &[
    "q",
    "since",
    "until",
    "source",
    "author",
    "sort",
    "limit",
    "offset",
    "facets",
    "collapse",
    "recent",
    "snippets",
    "snippet_chars",
];

/// What every handler shares: the archive and the limits on work done with it.
#[derive(Debug)]
pub struct AppState {
    archive: Archive,
    permits: Arc<Semaphore>,
    /// Places in the queue for a search slot ([`MAX_WAITING`]).
    waiting: Arc<Semaphore>,
    timeout: Duration,
    answers: AnswerCache,
}

impl AppState {
    /// State for serving `archive` with the concurrency and timeout of `options`.
    pub fn new(archive: Archive, options: &ServeOptions) -> Arc<AppState> {
        Arc::new(AppState {
            archive,
            permits: Arc::new(Semaphore::new(options.concurrency.max(1))),
            waiting: Arc::new(Semaphore::new(MAX_WAITING)),
            timeout: options.timeout,
            answers: AnswerCache::new(options.cache_bytes),
        })
    }

    /// Runs `work` on the blocking pool once a permit is free, within the deadline.
    async fn on_index<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Archive) -> baoku::Result<T> + Send + 'static,
    {
        let archive = self.archive.clone();
        let permits = Arc::clone(&self.permits);
        let waiting = Arc::clone(&self.waiting)
            .try_acquire_owned()
            .map_err(|_| ApiError::unavailable("the server is busy: try again shortly"))?;
        let run = async move {
            let permit = permits
                .acquire_owned()
                .await
                .expect("the search semaphore is never closed");
            drop(waiting);
            // The permit moves into the task: a search that outlives its deadline
            // still counts against the limit until it really ends.
            let task = tokio::task::spawn_blocking(move || {
                let _permit = permit;
                work(&archive)
            });
            match task.await {
                Ok(result) => result.map_err(ApiError::from),
                Err(_) => Err(internal_error()),
            }
        };
        match tokio::time::timeout(self.timeout, run).await {
            Ok(result) => result,
            Err(_) => Err(ApiError::unavailable(&format!(
                "no answer within {} s: the server is busy or the query too costly",
                self.timeout.as_secs_f64()
            ))),
        }
    }
}

/// An error answer: a status and `{"error": message}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
        }
    }

    fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    fn unavailable(message: &str) -> ApiError {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, message)
    }
}

impl From<baoku::Error> for ApiError {
    fn from(error: baoku::Error) -> ApiError {
        match error {
            baoku::Error::Query(_) => ApiError::bad_request(error.to_string()),
            // Paths of the server's files stay out of answers to clients.
            _ => ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the index could not be read",
            ),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(json!({ "error": self.message }))).into_response();
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response
    }
}

/// `GET /api/search`: the [`baoku::SearchResults`] of the request the parameters describe.
pub async fn search(
    State(state): State<Arc<AppState>>,
    params: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(params) = params.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let request = search_request(&params)?;
    // The request with every default filled in: equal requests, equal keys.
    let key = match state.answers.enabled() {
        true => Some(serde_json::to_string(&request).map_err(|_| internal_error())?),
        false => None,
    };
    answer(&state, key, move |archive| archive.search(&request)).await
}

/// Answers from the cache under `key` when it holds an answer for the index as it
/// is now, else runs `work` on the index and keeps its JSON there. Without a key (the
/// cache is off) it only runs `work`.
async fn answer<T, F>(state: &AppState, key: Option<String>, work: F) -> Result<Response, ApiError>
where
    T: serde::Serialize + Send + 'static,
    F: FnOnce(&Archive) -> baoku::Result<T> + Send + 'static,
{
    let Some(key) = key else {
        return Ok(Json(state.on_index(work).await?).into_response());
    };
    // Taken before the work: the answer is at least as new as this version.
    let version = index_version(&state.archive);
    if let Some(answer) = state.answers.get(&key, version) {
        return Ok(json_bytes(answer, "hit"));
    }
    let answer = state
        .on_index(move |archive| Ok(serde_json::to_vec(&work(archive)?).map(Bytes::from)))
        .await?
        .map_err(|_| internal_error())?;
    state.answers.put(key, version, answer.clone());
    Ok(json_bytes(answer, "miss"))
}

/// A fingerprint of what the archive's searcher sees: its segments and their deletes.
/// It changes with every commit that changes anything, and not when the reader merely
/// reloads the same commit.
fn index_version(archive: &Archive) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    archive.searcher().generation().segments().hash(&mut hasher);
    hasher.finish()
}

/// A JSON body already serialised, marked as served from the cache or not.
fn json_bytes(body: Bytes, cache: &'static str) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (
                HeaderName::from_static("x-baoku-cache"),
                HeaderValue::from_static(cache),
            ),
        ],
        body,
    )
        .into_response()
}

fn internal_error() -> ApiError {
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal error while answering",
    )
}

/// `GET /api/articles/{id}`: one whole [`baoku::Article`], or 404.
pub async fn article(
    State(state): State<Arc<AppState>>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let Path(id) = id.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let wanted = id.clone();
    match state.on_index(move |archive| archive.get(&wanted)).await? {
        Some(article) => Ok(Json(article).into_response()),
        None => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            format!("no article with id {id:?}"),
        )),
    }
}

/// `GET /api/stats`: the [`baoku::Stats`] of the archive, as `baoku stats --json`.
/// Computing them reads every article's fast fields, and the page asks on every
/// visit: kept in the answer cache like searches (a search key is a JSON object, so
/// this one cannot collide).
pub async fn stats(State(state): State<Arc<AppState>>) -> Result<Response, ApiError> {
    let key = state.answers.enabled().then(|| "/api/stats".to_string());
    answer(&state, key, |archive| archive.stats()).await
}

/// `GET /healthz`: the server is up and has an index open (never waits for a search).
pub async fn healthz(State(state): State<Arc<AppState>>) -> Response {
    Json(json!({ "status": "ok", "articles": state.archive.num_articles() })).into_response()
}

/// Any other path: 404 with a JSON body.
pub async fn not_found(uri: Uri) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        format!("no such page: {}", uri.path()),
    )
}

/// A known path with another method than GET (or HEAD).
pub async fn method_not_allowed() -> ApiError {
    ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "only GET is supported here")
}

/// Builds the library request from `/api/search` parameters, with the API's limits.
///
/// The names and meanings are those of `baoku search` (`q` is the query); an empty
/// `since`, `until`, `source` or `author` is the same as leaving it out, so that a
/// form's empty fields mean "no filter".
pub fn search_request(params: &[(String, String)]) -> Result<SearchRequest, ApiError> {
    for (i, (name, _)) in params.iter().enumerate() {
        if !SEARCH_PARAMS.contains(&name.as_str()) {
            return Err(ApiError::bad_request(format!(
                "unknown parameter {name:?}; known: {}",
                SEARCH_PARAMS.join(", ")
            )));
        }
        if params[..i].iter().any(|(earlier, _)| earlier == name) {
            return Err(ApiError::bad_request(format!(
                "parameter {name:?} given twice"
            )));
        }
    }
    let get = |name: &str| {
        params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let filter = |name: &str| {
        get(name)
            .filter(|v| !v.trim().is_empty())
            .map(str::to_string)
    };
    let query = get("q").ok_or_else(|| ApiError::bad_request("missing parameter q (the query)"))?;
    let defaults = SearchRequest::default();
    let limit = number(get("limit"), "limit", defaults.limit)?;
    if limit > MAX_LIMIT {
        return Err(ApiError::bad_request(format!(
            "limit {limit} is too large: at most {MAX_LIMIT} (use offset to page)"
        )));
    }
    let offset = number(get("offset"), "offset", defaults.offset)?;
    if offset > MAX_OFFSET {
        return Err(ApiError::bad_request(format!(
            "offset {offset} is too deep: at most {MAX_OFFSET}"
        )));
    }
    let max_snippets = number(get("snippets"), "snippets", defaults.snippets.max_snippets)?;
    if max_snippets > MAX_SNIPPETS {
        return Err(ApiError::bad_request(format!(
            "snippets must be at most {MAX_SNIPPETS}"
        )));
    }
    let fragment_chars = number(
        get("snippet_chars"),
        "snippet_chars",
        defaults.snippets.fragment_chars,
    )?;
    if !FRAGMENT_CHARS.contains(&fragment_chars) {
        return Err(ApiError::bad_request(format!(
            "snippet_chars must be {} to {}",
            FRAGMENT_CHARS.start(),
            FRAGMENT_CHARS.end()
        )));
    }
    let sort = match get("sort").map(str::trim) {
        None | Some("") => Sort::default(),
        Some(text) => text
            .parse::<Sort>()
            .map_err(|reason| ApiError::bad_request(format!("sort {reason}")))?,
    };
    let period = |name: &str| -> Result<Option<Period>, ApiError> {
        filter(name)
            .map(|text| {
                text.parse::<Period>()
                    .map_err(|reason| ApiError::bad_request(format!("{name}={text}: {reason}")))
            })
            .transpose()
    };
    Ok(SearchRequest {
        query: query.to_string(),
        filters: Filters {
            since: period("since")?,
            until: period("until")?,
            source: filter("source"),
            author: filter("author"),
        },
        sort,
        recent: flag(get("recent"), "recent", defaults.recent)?,
        limit,
        offset,
        snippets: SnippetOptions {
            max_snippets,
            fragment_chars,
        },
        collapse: flag(get("collapse"), "collapse", defaults.collapse)?,
        facets: flag(get("facets"), "facets", defaults.facets)?,
    })
}

/// A non-negative whole number parameter.
fn number(value: Option<&str>, name: &str, default: usize) -> Result<usize, ApiError> {
    match value.map(str::trim) {
        None | Some("") => Ok(default),
        Some(text) => text.parse().map_err(|_| {
            ApiError::bad_request(format!("{name} must be a whole number, not {text:?}"))
        }),
    }
}

/// A yes/no parameter: `true`/`false`, `1`/`0`, `yes`/`no`, `on`/`off`; present but
/// empty (`?facets`) is yes.
fn flag(value: Option<&str>, name: &str, default: bool) -> Result<bool, ApiError> {
    match value.map(|v| v.trim().to_ascii_lowercase()).as_deref() {
        None => Ok(default),
        Some("" | "1" | "true" | "yes" | "on") => Ok(true),
        Some("0" | "false" | "no" | "off") => Ok(false),
        Some(other) => Err(ApiError::bad_request(format!(
            "{name} must be true or false, not {other:?}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    fn refused(pairs: &[(&str, &str)]) -> String {
        let error = search_request(&params(pairs)).expect_err("refused");
        assert_eq!(error.status, StatusCode::BAD_REQUEST);
        error.message
    }

    #[test]
    fn parameters_mean_what_the_command_line_flags_mean() {
        let request = search_request(&params(&[
            ("q", "乡村振兴 收入"),
            ("since", "2021"),
            ("until", "2022-06"),
            ("source", "吉林日报"),
            ("author", ""),
            ("sort", "date"),
            ("limit", "5"),
            ("offset", "10"),
            ("facets", ""),
            ("collapse", "false"),
            ("snippets", "2"),
            ("snippet_chars", "40"),
        ]))
        .unwrap();
        assert_eq!(request.query, "乡村振兴 收入");
        assert_eq!(
            request.filters.since.map(|p| p.to_string()).as_deref(),
            Some("2021")
        );
        assert_eq!(
            request.filters.until.map(|p| p.to_string()).as_deref(),
            Some("2022-06")
        );
        assert_eq!(request.filters.source.as_deref(), Some("吉林日报"));
        assert_eq!(request.filters.author, None, "an empty field is no filter");
        assert_eq!(request.sort, Sort::Date);
        assert_eq!((request.limit, request.offset), (5, 10));
        assert!(request.facets && !request.collapse && !request.recent);
        assert_eq!(request.snippets.max_snippets, 2);
        assert_eq!(request.snippets.fragment_chars, 40);

        let plain = search_request(&params(&[("q", "台风")])).unwrap();
        assert_eq!(plain, SearchRequest::new("台风"));
    }

    #[test]
    fn limit_is_capped_and_other_limits_refused() {
        let request = search_request(&params(&[("q", "台风"), ("limit", "100")])).unwrap();
        assert_eq!(request.limit, MAX_LIMIT);
        assert!(refused(&[("q", "台风"), ("limit", "101")]).contains("at most 100"));
        assert!(
            refused(&[("q", "台风"), ("offset", "99999999999999999999")]).contains("whole number")
        );
        assert!(refused(&[("q", "台风"), ("offset", "10001")]).contains("too deep"));
        assert!(refused(&[("q", "台风"), ("limit", "-1")]).contains("whole number"));
        assert!(refused(&[("q", "台风"), ("snippets", "11")]).contains("at most"));
        assert!(refused(&[("q", "台风"), ("snippet_chars", "5")]).contains("10 to 2000"));
        assert!(refused(&[("q", "台风"), ("sort", "score")]).contains("relevance"));
        assert!(refused(&[("q", "台风"), ("facets", "maybe")]).contains("true or false"));
        assert!(refused(&[("q", "台风"), ("lmit", "3")]).contains("unknown parameter"));
        assert!(refused(&[("q", "台风"), ("q", "暴雨")]).contains("twice"));
        assert!(refused(&[("limit", "3")]).contains("missing parameter q"));
    }

    #[test]
    fn query_errors_are_the_clients_and_index_errors_hide_paths() {
        let query = ApiError::from(baoku::Error::Query("unbalanced quote".into()));
        assert_eq!(query.status, StatusCode::BAD_REQUEST);
        let missing = ApiError::from(baoku::Error::IndexMissing {
            path: "/secret/place".into(),
        });
        assert_eq!(missing.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!missing.message.contains("/secret"));
    }
}
