//! The JSON API: `/api/search`, `/api/articles/{id}` (and its `/similar`), `/api/stats` and `/healthz`.
//!
//! Each handler reads its parameters, checks the HTTP limits (page size, offset,
//! snippet sizes), asks the library, and serialises the library's own types: a search
//! answers with exactly the [`baoku::SearchResults`] document of `baoku search
//! --json`. Work on the index is CPU-bound, so it runs on tokio's blocking pool, at
//! most `concurrency` at a time, within a deadline; a repeated search is answered from
//! the [`AnswerCache`] while the index has no new commit. Every failure is a JSON body
//! `{"error": "..."}`: 4xx for what the client sent (an invalid query is 400), 503
//! when the server is too busy to answer in time, 500 only for a fault of the index.
//! Parameters are read exactly as `schema/openapi.json` states them (a value the
//! document calls invalid is refused, one it calls valid is searched), and an error
//! names the parameter and value (`since=2022-13: …`). The `path` of an article's
//! source file is shown only to callers on this machine unless `--show-paths`.
//! No query logic lives here.

use super::access::Access;
use super::cache::AnswerCache;
use super::limits::Clients;
use super::metrics::Metrics;
use super::ServeOptions;
use axum::body::Bytes;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{ConnectInfo, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use baoku::analyze::normalize_str;
use baoku::engine::Engine;
use baoku::research::{SimilarOptions, MAX_SIMILAR};
use baoku::search::{FacetSet, Filters, Period, Sort};
use baoku::snippet::FRAGMENT_CHARS;
use baoku::{Archive, SearchRequest, SnippetOptions};
use serde_json::json;
use std::convert::Infallible;
use std::hash::{Hash, Hasher};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Most hits one API request returns: a larger `limit` is refused (page with `offset`).
pub const MAX_LIMIT: usize = 100;
/// Requests that may wait for a free search slot; past this the server answers 503
/// at once rather than queue work it cannot finish within the timeout.
pub const MAX_WAITING: usize = 256;
/// Deepest page: an `offset` beyond this is refused (ranking must sort that far).
pub const MAX_OFFSET: usize = 10_000;
/// Most snippets per hit.
pub const MAX_SNIPPETS: usize = 10;
/// Years a `since` or `until` may name: the library's dates run from 1000, and no
/// news archive reaches 3000 (the bound keeps the OpenAPI pattern exact and simple).
pub const YEARS: std::ops::RangeInclusive<i32> = 1000..=2999;
/// What `q` must hold to be searched (the `pattern` of `q` in `schema/openapi.json`,
/// which a test holds equal): a letter or a digit, in any script. The query language
/// refuses more (a misspelt field, an impossible `date:`), each with its own message.
pub const QUERY_PATTERN: &str = r"[\p{L}\p{N}]";

/// The values a yes/no parameter takes; the empty value (`?facets`) is yes.
pub const FLAG_VALUES: &[(&str, bool)] = &[
    ("true", true),
    ("false", false),
    ("1", true),
    ("0", false),
    ("yes", true),
    ("no", false),
    ("on", true),
    ("off", false),
    ("", true),
];

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

/// What every handler shares: the engine (the archive or a cluster), the limits on
/// work done with it, who may ask, and the counters.
#[derive(Debug)]
pub struct AppState {
    engine: Engine,
    permits: Arc<Semaphore>,
    /// Places in the queue for a search slot ([`MAX_WAITING`]).
    waiting: Arc<Semaphore>,
    timeout: Duration,
    answers: AnswerCache,
    access: Arc<Access>,
    clients: Arc<Clients>,
    metrics: Arc<Metrics>,
    show_paths: bool,
    cors: Option<HeaderValue>,
}

impl AppState {
    /// State for serving `engine` with the limits of `options`, the tokens of
    /// `access`, counting in `metrics`.
    pub fn new(
        engine: Engine,
        options: &ServeOptions,
        access: Arc<Access>,
        metrics: Arc<Metrics>,
    ) -> Arc<AppState> {
        Arc::new(AppState {
            engine,
            permits: Arc::new(Semaphore::new(options.concurrency.max(1))),
            waiting: Arc::new(Semaphore::new(MAX_WAITING)),
            timeout: options.timeout,
            answers: AnswerCache::new(options.cache_bytes),
            access,
            clients: Clients::new(options.clients),
            metrics,
            show_paths: options.show_paths,
            cors: options
                .cors
                .as_deref()
                .and_then(|origin| HeaderValue::from_str(origin).ok()),
        })
    }

    /// Whether answers are kept for repeated requests: by the embedded archive, which
    /// knows when its index changed; a cluster's answers are asked for each time.
    pub(super) fn caches(&self) -> bool {
        self.answers.enabled() && matches!(self.engine, Engine::Embedded(_))
    }

    /// The tokens requests are checked against.
    pub fn access(&self) -> &Access {
        &self.access
    }

    /// The per-client limits and their state.
    pub fn clients(&self) -> &Arc<Clients> {
        &self.clients
    }

    /// The counters.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// The one origin other than its own whose pages may call the API (`--cors`).
    pub fn cors(&self) -> Option<&HeaderValue> {
        self.cors.as_ref()
    }

    /// Articles in the index as of the last commit the server saw (a cluster is
    /// asked, off the async threads).
    pub async fn num_articles(&self) -> Result<u64, ApiError> {
        let engine = self.engine.clone();
        match tokio::task::spawn_blocking(move || engine.num_articles()).await {
            Ok(count) => count.map_err(ApiError::from),
            Err(_) => Err(internal_error()),
        }
    }

    /// Runs `work` on the blocking pool once a permit is free, within the deadline.
    async fn on_index<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Engine) -> baoku::Result<T> + Send + 'static,
    {
        self.on_index_holding(work)
            .await
            .map(|(value, _permit)| value)
    }

    /// As [`AppState::on_index`], and hands back the search slot with the answer:
    /// work that goes on after it (the rows of an export, written while the client
    /// reads them) keeps counting against `concurrency` until it drops the permit.
    pub(super) async fn on_index_holding<T, F>(
        &self,
        work: F,
    ) -> Result<(T, OwnedSemaphorePermit), ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Engine) -> baoku::Result<T> + Send + 'static,
    {
        let engine = self.engine.clone();
        let permits = Arc::clone(&self.permits);
        let waiting = Arc::clone(&self.waiting).try_acquire_owned().map_err(|_| {
            self.metrics.rejected("server_busy");
            ApiError::unavailable("the server is busy: try again shortly")
        })?;
        let run = async move {
            let permit = permits
                .acquire_owned()
                .await
                .expect("the search semaphore is never closed");
            drop(waiting);
            // The permit moves into the task: a search that outlives its deadline
            // still counts against the limit until it really ends.
            let task = tokio::task::spawn_blocking(move || (work(&engine), permit));
            match task.await {
                Ok((result, permit)) => result.map(|value| (value, permit)).map_err(ApiError::from),
                Err(_) => Err(internal_error()),
            }
        };
        match tokio::time::timeout(self.timeout, run).await {
            Ok(result) => result,
            Err(_) => {
                self.metrics.rejected("timeout");
                Err(ApiError::unavailable(&format!(
                    "no answer within {} s: the server is busy or the query too costly",
                    self.timeout.as_secs_f64()
                )))
            }
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
    /// An answer with this status and message.
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
        }
    }

    pub(super) fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    fn unavailable(message: &str) -> ApiError {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, message)
    }
}

impl From<baoku::Error> for ApiError {
    fn from(error: baoku::Error) -> ApiError {
        match error {
            // The query language's own message, about the `q` parameter.
            baoku::Error::Query(message) => ApiError::bad_request(format!("q: {message}")),
            // A request whose parts are each valid but not together (the library says which).
            baoku::Error::Request(message) => ApiError::bad_request(message),
            // What a cluster engine does not do yet (the message names it).
            baoku::Error::Unsupported(message) => {
                ApiError::new(StatusCode::NOT_IMPLEMENTED, message)
            }
            // The cluster's URL and answer stay in the server's log.
            baoku::Error::Engine(message) => {
                eprintln!("baoku serve: {message}");
                ApiError::new(
                    StatusCode::BAD_GATEWAY,
                    "the search cluster did not answer; the server's log says why",
                )
            }
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

/// Who is asking: a caller on this machine may see the `path` of articles.
#[derive(Debug, Clone, Copy)]
pub struct Caller {
    /// The request came over loopback.
    pub local: bool,
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Caller, Infallible> {
        let local = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .is_some_and(|info| info.0.ip().is_loopback());
        Ok(Caller { local })
    }
}

impl AppState {
    /// Whether answers to `caller` leave out the paths of source files.
    pub(super) fn hides_paths(&self, caller: Caller) -> bool {
        !self.show_paths && !caller.local
    }
}

/// `GET /api/search`: the [`baoku::SearchResults`] of the request the parameters describe.
pub async fn search(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    params: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(params) = params.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let request = search_request(&params)?;
    let hide_paths = state.hides_paths(caller);
    // The request with every default filled in: equal requests, equal keys.
    let key = match state.caches() {
        true => {
            let canonical = serde_json::to_string(&request).map_err(|_| internal_error())?;
            Some(if hide_paths {
                format!("no paths {canonical}")
            } else {
                canonical
            })
        }
        false => None,
    };
    answer(&state, key, move |engine| {
        let mut results = engine.search(&request)?;
        if hide_paths {
            for hit in &mut results.hits {
                hit.path = None;
            }
        }
        Ok(results)
    })
    .await
}

/// Answers from the cache under `key` when it holds an answer for the index as it
/// is now, else runs `work` on the index and keeps its JSON there. Without a key (the
/// cache is off) it only runs `work`.
pub(super) async fn answer<T, F>(
    state: &AppState,
    key: Option<String>,
    work: F,
) -> Result<Response, ApiError>
where
    T: serde::Serialize + Send + 'static,
    F: FnOnce(&Engine) -> baoku::Result<T> + Send + 'static,
{
    let (Some(key), Engine::Embedded(archive)) = (key, &state.engine) else {
        return Ok(Json(state.on_index(work).await?).into_response());
    };
    // Taken before the work: the answer is at least as new as this version.
    let version = index_version(archive);
    if let Some(answer) = state.answers.get(&key, version) {
        state.metrics.cache(true);
        return Ok(json_bytes(answer, "hit"));
    }
    state.metrics.cache(false);
    let answer = state
        .on_index(move |engine| Ok(serde_json::to_vec(&work(engine)?).map(Bytes::from)))
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

/// The query parameters `/api/articles/{id}` understands.
pub const ARTICLE_PARAMS: &[&str] = &["q", "raw"];

/// The query parameters `/api/articles/{id}/similar` understands.
pub const SIMILAR_PARAMS: &[&str] = &["limit", "reprints"];

/// `GET /api/articles/{id}`: one whole article opened for reading — the
/// [`baoku::research::Reading`] of `baoku show --json`: the article, its reprints and,
/// with `q`, where the query's words are in it, with `raw` its headline and body as
/// the input wrote them (`show --raw --json`) — or 404.
pub async fn article(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    id: Result<Path<String>, PathRejection>,
    params: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Path(id) = id.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let Query(params) = params.map_err(|e| ApiError::bad_request(e.body_text()))?;
    known_once(&params, ARTICLE_PARAMS, &[])?;
    let query = value_of(&params, "q").map(str::to_string);
    if let Some(query) = &query {
        searchable(query)?;
    }
    let raw = flag(value_of(&params, "raw"), "raw", false)?;
    let wanted = id.clone();
    let hide_paths = state.hides_paths(caller);
    match state
        .on_index(move |engine| engine.read(&wanted, query.as_deref()))
        .await?
    {
        Some(mut reading) => {
            if hide_paths {
                reading.article.path = None;
            }
            if raw {
                reading = reading.with_raw();
            }
            Ok(Json(reading).into_response())
        }
        None => Err(no_article(&id)),
    }
}

/// `GET /api/articles/{id}/similar`: the articles most like this one, as `baoku
/// similar --json` prints them (`{"id", "similar": [...]}`), or 404.
pub async fn similar(
    State(state): State<Arc<AppState>>,
    id: Result<Path<String>, PathRejection>,
    params: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Path(id) = id.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let Query(params) = params.map_err(|e| ApiError::bad_request(e.body_text()))?;
    known_once(&params, SIMILAR_PARAMS, &[])?;
    let defaults = SimilarOptions::default();
    let options = SimilarOptions {
        limit: number(
            value_of(&params, "limit"),
            "limit",
            defaults.limit,
            1..=MAX_SIMILAR,
        )?,
        reprints: flag(value_of(&params, "reprints"), "reprints", defaults.reprints)?,
    };
    let wanted = id.clone();
    match state
        .on_index(move |engine| engine.embedded("similar")?.similar(&wanted, &options))
        .await?
    {
        Some(similar) => Ok(Json(json!({ "id": id, "similar": similar })).into_response()),
        None => Err(no_article(&id)),
    }
}

fn no_article(id: &str) -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, format!("no article with id {id:?}"))
}

/// `GET /api/stats`: the [`baoku::Stats`] of the archive, as `baoku stats --json`.
/// Computing them reads every article's fast fields, and the page asks on every
/// visit: kept in the answer cache like searches (a search key is a JSON object, so
/// this one cannot collide).
pub async fn stats(State(state): State<Arc<AppState>>) -> Result<Response, ApiError> {
    let key = state.caches().then(|| "/api/stats".to_string());
    answer(&state, key, |engine| engine.stats()).await
}

/// `GET /healthz`: the server is up and has an index open (never waits for a search;
/// with a cluster engine, 502 when the cluster does not answer).
pub async fn healthz(State(state): State<Arc<AppState>>) -> Result<Response, ApiError> {
    let articles = state.num_articles().await?;
    Ok(Json(json!({ "status": "ok", "articles": articles })).into_response())
}

/// Any other path: 404 with a JSON body.
pub async fn not_found(uri: Uri) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        format!("no such page: {}", uri.path()),
    )
}

/// A known path with another method than GET (or HEAD).
pub async fn method_not_allowed(method: Method) -> Response {
    let mut response = ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("{method} is not supported here: the server only reads (GET)"),
    )
    .into_response();
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
    response
}

/// Builds the library request from `/api/search` parameters, with the API's limits.
///
/// The names and meanings are those of `baoku search` (`q` is the query); an empty
/// `since`, `until`, `source` or `author` is the same as leaving it out, so that a
/// form's empty fields mean "no filter". Values are taken exactly as written (no
/// trimming, no other spellings), as `schema/openapi.json` states them.
pub fn search_request(params: &[(String, String)]) -> Result<SearchRequest, ApiError> {
    known_once(params, SEARCH_PARAMS, &[])?;
    read_search(params)
}

/// The [`SearchRequest`] of the `/api/search` parameters present (the others at
/// their defaults), for every route that searches: the caller has refused the
/// parameters it does not take ([`known_once`]).
pub(super) fn read_search(params: &[(String, String)]) -> Result<SearchRequest, ApiError> {
    let get = |name: &str| value_of(params, name);
    let query = get("q").ok_or_else(|| ApiError::bad_request("missing parameter q (the query)"))?;
    searchable(query)?;
    let defaults = SearchRequest::default();
    let limit = number(get("limit"), "limit", defaults.limit, 0..=MAX_LIMIT)?;
    let offset = number(get("offset"), "offset", defaults.offset, 0..=MAX_OFFSET)?;
    let max_snippets = number(
        get("snippets"),
        "snippets",
        defaults.snippets.max_snippets,
        0..=MAX_SNIPPETS,
    )?;
    let fragment_chars = number(
        get("snippet_chars"),
        "snippet_chars",
        defaults.snippets.fragment_chars,
        FRAGMENT_CHARS,
    )?;
    let sort = match get("sort") {
        None => Sort::default(),
        Some(text) => match ["relevance", "date", "oldest"].contains(&text) {
            true => text
                .parse::<Sort>()
                .map_err(|r| param_error("sort", text, &r))?,
            false => {
                return Err(param_error(
                    "sort",
                    text,
                    "must be relevance, date or oldest",
                ))
            }
        },
    };
    let facets = facet_choice(get("facets"))?;
    Ok(SearchRequest {
        query: query.to_string(),
        filters: filters(params)?,
        sort,
        recent: flag(get("recent"), "recent", defaults.recent)?,
        limit,
        offset,
        snippets: SnippetOptions {
            max_snippets,
            fragment_chars,
        },
        collapse: flag(get("collapse"), "collapse", defaults.collapse)?,
        facets: facets.is_some(),
        facet_set: facets.unwrap_or_default(),
    })
}

/// `facets`: yes/no (source and month), or the facets to count
/// (`facets=person,place,org,source,month`).
fn facet_choice(value: Option<&str>) -> Result<Option<FacetSet>, ApiError> {
    let Some(text) = value else {
        return Ok(None);
    };
    if let Some((_, yes)) = FLAG_VALUES.iter().find(|(spelling, _)| *spelling == text) {
        return Ok(yes.then(FacetSet::default));
    }
    text.parse::<FacetSet>().map(Some).map_err(|_| {
        param_error(
            "facets",
            text,
            "must be true or false (or 1/0, yes/no, on/off), or facets from source, month, person, place, org",
        )
    })
}

/// Refuses a parameter not in `known`, and one given twice unless it is `repeatable`.
pub(super) fn known_once(
    params: &[(String, String)],
    known: &[&str],
    repeatable: &[&str],
) -> Result<(), ApiError> {
    for (i, (name, _)) in params.iter().enumerate() {
        if !known.contains(&name.as_str()) {
            return Err(ApiError::bad_request(format!(
                "unknown parameter {name:?}; known: {}",
                known.join(", ")
            )));
        }
        if !repeatable.contains(&name.as_str())
            && params[..i].iter().any(|(earlier, _)| earlier == name)
        {
            return Err(ApiError::bad_request(format!(
                "parameter {name:?} given twice"
            )));
        }
    }
    Ok(())
}

/// The value of the first parameter so named.
pub(super) fn value_of<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// Whether `text` has something to search for: [`QUERY_PATTERN`] matches it.
fn searchable_text(text: &str) -> bool {
    static SEARCHABLE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let searchable = SEARCHABLE.get_or_init(|| regex::Regex::new(QUERY_PATTERN).expect("valid"));
    searchable.is_match(text)
}

/// Refuses a `q` with nothing to search for ([`QUERY_PATTERN`]).
pub(super) fn searchable(query: &str) -> Result<(), ApiError> {
    match searchable_text(query) {
        true => Ok(()),
        false => Err(param_error(
            "q",
            query,
            "nothing to search for: a query needs a letter, digit or Chinese character",
        )),
    }
}

/// The `since`, `until`, `source` and `author` filters: an empty or blank value is
/// no filter.
pub(super) fn filters(params: &[(String, String)]) -> Result<Filters, ApiError> {
    let get = |name: &str| value_of(params, name);
    let filter = |name: &str| {
        get(name)
            .filter(|v| !v.trim().is_empty())
            .map(str::to_string)
    };
    Ok(Filters {
        since: period(get("since"), "since")?,
        until: period(get("until"), "until")?,
        source: match filter("source") {
            Some(name) if names_no_outlet(&name) => {
                return Err(param_error("source", &name, "needs an outlet name"))
            }
            source => source,
        },
        author: match filter("author").filter(|a| !normalize_str(a).trim().is_empty()) {
            Some(name) if !searchable_text(&name) => {
                return Err(param_error(
                    "author",
                    &name,
                    "nothing to search for: a name needs a letter, digit or Chinese character",
                ))
            }
            author => author,
        },
    })
}

/// Whether a `source` names no outlet once its `=` (exactly) and quotes are read as
/// `search::understand` reads them (it refuses such a filter at search time, as if
/// about `q`; refused here, the error names the parameter and the document can say
/// which values these are). The same reading as `understand`'s: keep the two alike.
fn names_no_outlet(source: &str) -> bool {
    baoku::search::query::SourceFilter::new(source, source.trim().starts_with('"'))
        .typed
        .trim_matches('"')
        .is_empty()
}

/// A parameter's value as an error message shows it: escaped, and cut when long.
fn shown(value: &str) -> String {
    const MOST: usize = 40;
    let mut out: String = value
        .chars()
        .take(MOST)
        .flat_map(char::escape_debug)
        .collect();
    if value.chars().count() > MOST {
        out.push('…');
    }
    out
}

/// `name=value: reason`, the form of every parameter error.
pub(super) fn param_error(name: &str, value: &str, reason: &str) -> ApiError {
    ApiError::bad_request(format!("{name}={}: {reason}", shown(value)))
}

/// A whole number parameter in `range`: ASCII digits only.
pub(super) fn number(
    value: Option<&str>,
    name: &str,
    default: usize,
    range: std::ops::RangeInclusive<usize>,
) -> Result<usize, ApiError> {
    let Some(text) = value else {
        return Ok(default);
    };
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(param_error(name, text, "not a whole number"));
    }
    // All digits: only too many of them can fail to parse.
    let value = text.parse::<usize>().unwrap_or(usize::MAX);
    if !range.contains(&value) {
        let reason = match (*range.start(), name) {
            (0, "limit") => format!("at most {} (page with offset)", range.end()),
            (0, _) => format!("at most {}", range.end()),
            (start, _) => format!("must be {start} to {}", range.end()),
        };
        return Err(param_error(name, text, &reason));
    }
    Ok(value)
}

/// A yes/no parameter: one of [`FLAG_VALUES`], as written.
pub(super) fn flag(value: Option<&str>, name: &str, default: bool) -> Result<bool, ApiError> {
    let Some(text) = value else {
        return Ok(default);
    };
    FLAG_VALUES
        .iter()
        .find(|(spelling, _)| *spelling == text)
        .map(|(_, yes)| *yes)
        .ok_or_else(|| param_error(name, text, "must be true or false (or 1/0, yes/no, on/off)"))
}

/// A `since` or `until`: empty (no filter), or a year, month or day written
/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, a real date in [`YEARS`].
fn period(value: Option<&str>, name: &str) -> Result<Option<Period>, ApiError> {
    let text = match value {
        None | Some("") => return Ok(None),
        Some(text) => text,
    };
    let bytes = text.as_bytes();
    let shaped = matches!(bytes.len(), 4 | 7 | 10)
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !shaped {
        return Err(param_error(
            name,
            text,
            "write a year, month or day as 2021, 2021-03 or 2021-03-08",
        ));
    }
    let year: i32 = text[..4].parse().expect("four digits");
    if !YEARS.contains(&year) {
        return Err(param_error(
            name,
            text,
            &format!("the year must be {} to {}", YEARS.start(), YEARS.end()),
        ));
    }
    match text.parse::<Period>() {
        Ok(period) if period.to_string() == text => Ok(Some(period)),
        _ => Err(param_error(name, text, "no such date")),
    }
}

/// Query parameters as the server receives them, for the unit tests of the routes.
#[cfg(test)]
pub(super) fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn limits_are_inclusive_and_every_refusal_names_its_parameter() {
        let request = search_request(&params(&[("q", "台风"), ("limit", "100")])).unwrap();
        assert_eq!(request.limit, MAX_LIMIT);
        let edges = search_request(&params(&[
            ("q", "台风"),
            ("limit", "0"),
            ("offset", "10000"),
            ("snippets", "0"),
            ("snippet_chars", "2000"),
            ("since", "2000-02-29"),
            ("until", "2999-12-31"),
            ("sort", "oldest"),
            ("recent", "on"),
        ]))
        .unwrap();
        assert_eq!((edges.limit, edges.offset), (0, MAX_OFFSET));
        assert!(edges.recent && edges.sort == Sort::Oldest);
        let table: &[(&str, &str, &str)] = &[
            ("limit", "101", "limit=101: at most 100 (page with offset)"),
            ("limit", "-1", "limit=-1: not a whole number"),
            ("limit", "+5", "limit=+5: not a whole number"),
            ("limit", " 5", "limit= 5: not a whole number"),
            ("limit", "", "limit=: not a whole number"),
            ("limit", "1e3", "limit=1e3: not a whole number"),
            ("offset", "10001", "offset=10001: at most 10000"),
            (
                "offset",
                "99999999999999999999",
                "offset=99999999999999999999: at most 10000",
            ),
            ("snippets", "11", "snippets=11: at most 10"),
            ("snippet_chars", "9", "snippet_chars=9: must be 10 to 2000"),
            (
                "snippet_chars",
                "2001",
                "snippet_chars=2001: must be 10 to 2000",
            ),
            (
                "sort",
                "score",
                "sort=score: must be relevance, date or oldest",
            ),
            (
                "sort",
                " date",
                "sort= date: must be relevance, date or oldest",
            ),
            ("sort", "", "sort=: must be relevance, date or oldest"),
            (
                "facets",
                "maybe",
                "facets=maybe: must be true or false (or 1/0, yes/no, on/off), or facets from source, month, person, place, org",
            ),
            (
                "collapse",
                "TRUE",
                "collapse=TRUE: must be true or false (or 1/0, yes/no, on/off)",
            ),
            ("since", "2022-13", "since=2022-13: no such date"),
            (
                "since",
                "4003-53",
                "since=4003-53: the year must be 1000 to 2999",
            ),
            ("since", "2023-02-29", "since=2023-02-29: no such date"),
            ("until", "1900-02-29", "until=1900-02-29: no such date"),
            (
                "until",
                "yesterday",
                "until=yesterday: write a year, month or day as 2021, 2021-03 or 2021-03-08",
            ),
            (
                "until",
                "2021年3月",
                "until=2021年3月: write a year, month or day as 2021, 2021-03 or 2021-03-08",
            ),
            (
                "since",
                "2021-3",
                "since=2021-3: write a year, month or day as 2021, 2021-03 or 2021-03-08",
            ),
            ("since", "0999", "since=0999: the year must be 1000 to 2999"),
            (
                "since",
                "2021\n",
                "since=2021\\n: write a year, month or day as 2021, 2021-03 or 2021-03-08",
            ),
        ];
        for (name, value, message) in table {
            assert_eq!(
                refused(&[("q", "台风"), (name, value)]),
                *message,
                "{name}={value}"
            );
        }
        assert!(refused(&[("q", "台风"), ("lmit", "3")])
            .starts_with("unknown parameter \"lmit\"; known: q, since"));
        assert_eq!(
            refused(&[("q", "台风"), ("q", "暴雨")]),
            "parameter \"q\" given twice"
        );
        assert_eq!(
            refused(&[("limit", "3")]),
            "missing parameter q (the query)"
        );
        let long = "字".repeat(100);
        assert_eq!(
            refused(&[("q", "台风"), ("since", &long)]),
            format!(
                "since={}…: write a year, month or day as 2021, 2021-03 or 2021-03-08",
                "字".repeat(40)
            ),
            "a long value is cut"
        );
    }

    #[test]
    fn empty_filters_are_no_filter_and_flags_read_as_written() {
        let request = search_request(&params(&[
            ("q", "台风"),
            ("since", ""),
            ("until", ""),
            ("source", " "),
            ("author", "\u{3000}"),
            ("facets", ""),
            ("collapse", "0"),
        ]))
        .unwrap();
        assert_eq!(request.filters, Filters::default());
        assert!(request.facets && !request.collapse);
    }

    /// The `/api/search` parameters of `schema/openapi.json`, `$ref`s resolved.
    fn described_parameters() -> Vec<(String, serde_json::Value)> {
        let document: serde_json::Value =
            serde_json::from_str(crate::serve::page::OPENAPI_JSON).unwrap();
        let resolve = |schema: &serde_json::Value| match schema["$ref"].as_str() {
            Some(reference) => {
                let name = reference.trim_start_matches("#/components/schemas/");
                document["components"]["schemas"][name].clone()
            }
            None => schema.clone(),
        };
        document["paths"]["/api/search"]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["name"].as_str().unwrap().to_string(),
                    resolve(&p["schema"]),
                )
            })
            .collect()
    }

    /// Whether the server takes `value` for parameter `name` (with a valid query).
    fn accepts(name: &str, value: &str) -> bool {
        let mut pairs = vec![("q", "台风")];
        if name != "q" {
            pairs.push((name, value));
        }
        search_request(&params(&pairs)).is_ok()
    }

    #[test]
    fn the_openapi_document_allows_exactly_what_the_server_accepts() {
        let described = described_parameters();
        let mut names: Vec<&str> = described.iter().map(|(n, _)| n.as_str()).collect();
        let mut known = SEARCH_PARAMS.to_vec();
        names.sort_unstable();
        known.sort_unstable();
        assert_eq!(
            names, known,
            "schema/openapi.json describes every parameter and no other"
        );
        let q = &described.iter().find(|(n, _)| n == "q").unwrap().1;
        assert_eq!(q["pattern"], QUERY_PATTERN, "q's pattern is the server's");
        assert_eq!(q["maxLength"], baoku::search::query::MAX_QUERY_CHARS);
        for (query, searched) in [
            ("台风", true),
            ("Ελένη", true),
            ("2021", true),
            ("ø", true),
            ("", false),
            ("  ", false),
            ("!?—", false),
            ("×", false),
        ] {
            let result = search_request(&params(&[("q", query)]));
            assert_eq!(result.is_ok(), searched, "q={query:?}: {result:?}");
        }
        for (name, schema) in &described {
            match schema["type"].as_str() {
                Some("integer") => {
                    let (min, max) = (
                        schema["minimum"].as_u64().unwrap(),
                        schema["maximum"].as_u64().unwrap(),
                    );
                    let default = schema["default"].as_u64().unwrap();
                    assert!(
                        accepts(name, &min.to_string()) && accepts(name, &max.to_string()),
                        "{name}"
                    );
                    assert!(!accepts(name, &(max + 1).to_string()), "{name}={}", max + 1);
                    if min > 0 {
                        assert!(!accepts(name, &(min - 1).to_string()), "{name}={}", min - 1);
                    }
                    for odd in ["", "-1", "+1", " 1", "1.0", "1e1", "0x1", "一"] {
                        assert!(!accepts(name, odd), "{name}={odd:?} is no integer");
                    }
                    let request = search_request(&params(&[("q", "台风")])).unwrap();
                    let actual = match name.as_str() {
                        "limit" => request.limit,
                        "offset" => request.offset,
                        "snippets" => request.snippets.max_snippets,
                        "snippet_chars" => request.snippets.fragment_chars,
                        other => panic!("{other}"),
                    };
                    assert_eq!(actual as u64, default, "{name}'s default");
                }
                Some("string") if schema["enum"].is_array() => {
                    let allowed: Vec<&str> = schema["enum"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|v| v.as_str().unwrap())
                        .collect();
                    for value in &allowed {
                        assert!(accepts(name, value), "{name}={value}");
                        let upper = value.to_uppercase();
                        if upper != *value {
                            assert!(!accepts(name, &upper), "{name}={upper}");
                        }
                        assert!(!accepts(name, &format!(" {value}")), "{name}= {value}");
                    }
                    for other in ["maybe", "null", "2"] {
                        assert_eq!(
                            accepts(name, other),
                            allowed.contains(&other),
                            "{name}={other}"
                        );
                    }
                }
                Some("string") if schema["pattern"].is_string() && name != "q" => {
                    let pattern = regex::Regex::new(schema["pattern"].as_str().unwrap()).unwrap();
                    let mut candidates: Vec<String> = Vec::new();
                    for year in [
                        999, 1000, 1001, 1582, 1900, 2000, 2021, 2023, 2024, 2100, 2400, 2999,
                        3000, 9999,
                    ] {
                        candidates.push(format!("{year:04}"));
                        for month in 0..=13 {
                            candidates.push(format!("{year:04}-{month:02}"));
                            for day in 0..=32 {
                                candidates.push(format!("{year:04}-{month:02}-{day:02}"));
                            }
                        }
                    }
                    for year in 1000..=2999 {
                        candidates.push(format!("{year}-02-29"));
                    }
                    for odd in [
                        "",
                        " ",
                        "2021-3",
                        "2021/03",
                        "2021.03.08",
                        "2021年3月",
                        "２０２１",
                        " 2021",
                        "2021\n",
                        "21",
                        "20210",
                        "2021-03-08T00:00",
                        // Blank as the server trims it (White_Space) and as ECMAScript
                        // reads \s (which has U+FEFF, not U+0085): the document lists it.
                        "\u{85}",
                        "\u{feff}",
                        "\u{3000}",
                        "\u{1c}",
                        "\u{200b}",
                        "\t \u{a0}",
                        // Outlets as `=` (exactly) and quotes leave them.
                        "=",
                        "\"\"",
                        "\" \"",
                        "= \"",
                        "\"=",
                        "= =",
                        " = ",
                        "=\"\u{3000}\"",
                        "=吉林日报",
                        "\"新华网\"",
                    ] {
                        candidates.push(odd.to_string());
                    }
                    for value in &candidates {
                        assert_eq!(
                            pattern.is_match(value),
                            accepts(name, value),
                            "{name}={value:?}: the document and the server disagree"
                        );
                    }
                }
                _ => {}
            }
        }
    }

    #[test]
    fn query_errors_are_the_clients_and_index_errors_hide_paths() {
        let query = ApiError::from(baoku::Error::Query("unbalanced quote".into()));
        assert_eq!(query.status, StatusCode::BAD_REQUEST);
        assert_eq!(query.message, "q: unbalanced quote");
        let missing = ApiError::from(baoku::Error::IndexMissing {
            path: "/secret/place".into(),
        });
        assert_eq!(missing.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!missing.message.contains("/secret"));
    }
}
