//! The research routes: `/api/trend`, `/api/kwic`, `/api/export`. Parameters are read as
//! `schema/openapi.json` states them, with the helpers and errors of [`super::api`];
//! the answers are the library's own types, as the matching commands print them with
//! `--json`, and an export is the file `baoku search --export` writes, streamed. No
//! counting or CSV writing lives here.

use super::api::{
    answer, filters, flag, known_once, number, param_error, read_search, searchable, value_of,
    ApiError, AppState, Caller,
};
use axum::body::{Body, Bytes};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{header, HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};
use baoku::output::{write_export_header, write_export_row, OutputFormat};
use baoku::research::{Export, Field, Interval, KwicOptions, KwicSort, TrendRequest, MAX_QUERIES};
use baoku::SearchRequest;
use std::io::{self, Write};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::sync::mpsc;

/// The query parameters `/api/trend` understands; `q` may be given up to
/// [`MAX_QUERIES`] times, one series each.
pub const TREND_PARAMS: &[&str] = &[
    "q", "by", "since", "until", "source", "author", "share", "collapse",
];

/// `GET /api/trend`: the [`baoku::research::Trend`] of `baoku trend --json`.
pub async fn trend(
    State(state): State<Arc<AppState>>,
    params: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(params) = params.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let request = trend_request(&params)?;
    // Search keys are JSON objects and the stats key a path: none starts so.
    let key = match state.caches() {
        true => Some(format!(
            "/api/trend {}",
            serde_json::to_string(&request).map_err(|_| ApiError::bad_request("q: unreadable"))?
        )),
        false => None,
    };
    answer(&state, key, move |engine| engine.trend(&request)).await
}

/// Builds the library request from `/api/trend` parameters.
pub fn trend_request(params: &[(String, String)]) -> Result<TrendRequest, ApiError> {
    known_once(params, TREND_PARAMS, &["q"])?;
    let queries: Vec<String> = params
        .iter()
        .filter(|(name, _)| name == "q")
        .map(|(_, value)| value.clone())
        .collect();
    if queries.is_empty() {
        return Err(ApiError::bad_request(
            "missing parameter q (a query; repeat it to compare several)",
        ));
    }
    if queries.len() > MAX_QUERIES {
        return Err(ApiError::bad_request(format!(
            "q is given {} times: at most {MAX_QUERIES} queries",
            queries.len()
        )));
    }
    for query in &queries {
        searchable(query)?;
    }
    let by = match value_of(params, "by") {
        None => Interval::default(),
        Some(text) => text
            .parse::<Interval>()
            .map_err(|reason| param_error("by", text, &reason))?,
    };
    let defaults = TrendRequest::default();
    Ok(TrendRequest {
        queries,
        filters: filters(params)?,
        by,
        collapse: flag(value_of(params, "collapse"), "collapse", defaults.collapse)?,
        share: flag(value_of(params, "share"), "share", defaults.share)?,
    })
}

/// The query parameters `/api/kwic` understands.
pub const KWIC_PARAMS: &[&str] = &[
    "q", "width", "limit", "sort", "since", "until", "source", "author",
];

/// Lines one `/api/kwic` answer holds at most, and when not told.
pub const KWIC_MAX_LINES: usize = 1000;
/// Lines of an `/api/kwic` answer when not told.
pub const KWIC_DEFAULT_LINES: usize = 100;
/// Characters of context on each side an `/api/kwic` line may have.
pub const KWIC_MAX_WIDTH: usize = 100;

/// `GET /api/kwic`: the lines of `baoku kwic --json` in one
/// [`baoku::research::KwicResults`].
pub async fn kwic(
    State(state): State<Arc<AppState>>,
    params: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(params) = params.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let (request, options) = kwic_request(&params)?;
    let key = match state.caches() {
        true => Some(format!(
            "/api/kwic {} {}",
            serde_json::to_string(&request).map_err(|_| ApiError::bad_request("q: unreadable"))?,
            serde_json::to_string(&options).map_err(|_| ApiError::bad_request("q: unreadable"))?
        )),
        false => None,
    };
    answer(&state, key, move |engine| {
        engine
            .kwic(&request, &options)?
            .into_results(&request.query)
    })
    .await
}

/// Builds the library request and options from `/api/kwic` parameters.
pub fn kwic_request(params: &[(String, String)]) -> Result<(SearchRequest, KwicOptions), ApiError> {
    known_once(params, KWIC_PARAMS, &[])?;
    let query = value_of(params, "q")
        .ok_or_else(|| ApiError::bad_request("missing parameter q (the query)"))?;
    searchable(query)?;
    let sort = match value_of(params, "sort") {
        None => KwicSort::default(),
        Some(text) => text
            .parse::<KwicSort>()
            .map_err(|reason| param_error("sort", text, &reason))?,
    };
    let options = KwicOptions {
        width: number(
            value_of(params, "width"),
            "width",
            KwicOptions::default().width,
            1..=KWIC_MAX_WIDTH,
        )?,
        limit: Some(number(
            value_of(params, "limit"),
            "limit",
            KWIC_DEFAULT_LINES,
            1..=KWIC_MAX_LINES,
        )?),
        sort,
    };
    let request = SearchRequest {
        query: query.to_string(),
        filters: filters(params)?,
        ..SearchRequest::default()
    };
    Ok((request, options))
}

/// The query parameters `/api/export` understands: those of `/api/search` that an
/// export uses (an export has every match, so no `limit`, `offset` or `collapse`),
/// the file's `format` and its `fields`.
pub const EXPORT_PARAMS: &[&str] = &[
    "q",
    "format",
    "fields",
    "since",
    "until",
    "source",
    "author",
    "sort",
    "recent",
    "snippet_chars",
];

/// Bytes of the file gathered before they are handed to the connection.
const EXPORT_CHUNK_BYTES: usize = 64 * 1024;
/// Chunks written ahead of what the client has read: with [`EXPORT_CHUNK_BYTES`], the
/// most an export holds in memory besides its list of matches.
const EXPORT_CHUNKS_AHEAD: usize = 4;

/// What `/api/export` writes: the request, the file's format and its columns.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportRequest {
    /// Which articles, in which order.
    pub search: SearchRequest,
    /// CSV (with a byte order mark and a header row) or JSON lines.
    pub format: OutputFormat,
    /// The columns, in order.
    pub fields: Vec<Field>,
}

/// Builds the export from `/api/export` parameters: `/api/search`'s parameters read
/// as it reads them, `format` (`csv`, the default, or `jsonl`) and `fields` (names of
/// [`Field::ALL`], comma-separated without spaces, each once).
pub fn export_request(params: &[(String, String)]) -> Result<ExportRequest, ApiError> {
    known_once(params, EXPORT_PARAMS, &[])?;
    let search = read_search(params)?;
    let format = match value_of(params, "format") {
        None | Some("csv") => OutputFormat::Csv,
        Some("jsonl") => OutputFormat::Jsonl,
        Some(text) => return Err(param_error("format", text, "must be csv or jsonl")),
    };
    let fields = match value_of(params, "fields") {
        None => Field::DEFAULT.to_vec(),
        // Values are read as written: the command line's `--fields "id, title"`
        // spelling is not one the API document allows.
        Some(text) if text.contains(char::is_whitespace) => {
            return Err(param_error(
                "fields",
                text,
                "names separated by commas, without spaces",
            ))
        }
        Some(text) => Field::list(text).map_err(|reason| param_error("fields", text, &reason))?,
    };
    Ok(ExportRequest {
        search,
        format,
        fields,
    })
}

/// `GET /api/export`: every match of the query, reprints included, in the search's
/// order, as the file `baoku search --export` writes — streamed: the matches are
/// collected within the request deadline, then each article is read and written while
/// the client reads what came before, in bounded memory. The export keeps its search
/// slot until its last row. A fault after the first bytes ends the connection without
/// the closing chunk, so that a client sees a broken transfer, never a short file.
pub async fn export(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    params: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(params) = params.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let ExportRequest {
        search,
        format,
        fields,
    } = export_request(&params)?;
    let hide_paths = state.hides_paths(caller);
    let snippets = fields.contains(&Field::Snippet);
    let disposition = attachment(&search.query, format);
    let (export, permit) = state
        .on_index_holding(move |engine| engine.export(&search, snippets))
        .await?;
    let total = export.total;
    let (sender, receiver) = mpsc::channel(EXPORT_CHUNKS_AHEAD);
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let mut out = Chunks {
            buffer: Vec::with_capacity(EXPORT_CHUNK_BYTES),
            sender,
        };
        if let Err(error) = write_rows(export, &fields, format, hide_paths, &mut out) {
            // The client left (nothing to tell), or a row could not be read: end the
            // body with an error rather than let a short file look whole.
            let _ = out.sender.blocking_send(Err(error));
        }
    });
    let content_type = match format {
        OutputFormat::Csv => "text/csv; charset=utf-8",
        _ => "application/x-ndjson",
    };
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CONTENT_DISPOSITION, disposition),
            (
                HeaderName::from_static("x-baoku-total"),
                HeaderValue::from(total),
            ),
        ],
        Body::new(Streamed(receiver)),
    )
        .into_response())
}

/// Writes the header and every row of `export` (the CLI's writers) to `out`.
fn write_rows(
    export: Export,
    fields: &[Field],
    format: OutputFormat,
    hide_paths: bool,
    out: &mut Chunks,
) -> io::Result<()> {
    write_export_header(out, fields, format)?;
    for row in export {
        let mut row = row.map_err(|e| io::Error::other(e.to_string()))?;
        if hide_paths {
            row.article.path = None;
        }
        write_export_row(out, &row, fields, format)?;
    }
    out.flush()
}

/// An `io::Write` that hands what is written to the connection in chunks, waiting
/// while the client is [`EXPORT_CHUNKS_AHEAD`] chunks behind.
struct Chunks {
    buffer: Vec<u8>,
    sender: mpsc::Sender<io::Result<Bytes>>,
}

impl Write for Chunks {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(data);
        if self.buffer.len() >= EXPORT_CHUNK_BYTES {
            self.flush()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::replace(&mut self.buffer, Vec::with_capacity(EXPORT_CHUNK_BYTES));
        self.sender
            .blocking_send(Ok(Bytes::from(chunk)))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the client went away"))
    }
}

/// A response body of the chunks [`Chunks`] sends, ended when its sender is dropped.
struct Streamed(mpsc::Receiver<io::Result<Bytes>>);

impl hyper::body::Body for Streamed {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<hyper::body::Frame<Bytes>, io::Error>>> {
        self.0
            .poll_recv(cx)
            .map(|chunk| chunk.map(|chunk| chunk.map(hyper::body::Frame::data)))
    }
}

/// `Content-Disposition` of an export of `query`: `attachment` with an ASCII
/// `filename` for every client (the query's ASCII letters and digits, or `export`)
/// and the query itself in an RFC 5987 `filename*` for those that read it.
fn attachment(query: &str, format: OutputFormat) -> HeaderValue {
    let extension = match format {
        OutputFormat::Csv => "csv",
        _ => "jsonl",
    };
    let mut ascii = String::new();
    for c in query.chars() {
        match c.is_ascii_alphanumeric() {
            true => ascii.push(c),
            false if !ascii.is_empty() && !ascii.ends_with('-') => ascii.push('-'),
            false => {}
        }
    }
    let ascii: String = ascii.trim_end_matches('-').chars().take(40).collect();
    let ascii = match ascii.trim_end_matches('-') {
        "" => "export",
        name => name,
    };
    // Characters no file system takes, and spaces, become `_`.
    let named: String = query
        .chars()
        .map(
            |c| match c.is_control() || c.is_whitespace() || r#"/\:*?"<>|"#.contains(c) {
                true => '_',
                false => c,
            },
        )
        .take(60)
        .collect();
    let mut encoded = String::new();
    for byte in format!("baoku-{named}.{extension}").bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => encoded.push(byte as char),
            b'!' | b'#' | b'$' | b'&' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~' => {
                encoded.push(byte as char)
            }
            _ => encoded.push_str(&format!("%{byte:02X}")),
        }
    }
    HeaderValue::from_str(&format!(
        "attachment; filename=\"baoku-{ascii}.{extension}\"; filename*=UTF-8''{encoded}"
    ))
    .expect("ASCII only")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::api::params;

    fn refused(pairs: &[(&str, &str)]) -> String {
        let error = trend_request(&params(pairs)).expect_err("refused");
        format!("{error:?}")
    }

    #[test]
    fn parameters_mean_what_the_command_line_flags_mean() {
        let request = trend_request(&params(&[
            ("q", "台风"),
            ("q", "暴雨 -演习"),
            ("by", "week"),
            ("since", "2021"),
            ("source", ""),
            ("share", ""),
            ("collapse", "false"),
        ]))
        .unwrap();
        assert_eq!(request.queries, ["台风", "暴雨 -演习"]);
        assert_eq!(request.by, Interval::Week);
        assert_eq!(
            request.filters.since.map(|p| p.to_string()).as_deref(),
            Some("2021")
        );
        assert_eq!(request.filters.source, None);
        assert!(request.share && !request.collapse);
        let plain = trend_request(&params(&[("q", "台风")])).unwrap();
        assert_eq!(plain, TrendRequest::new(["台风"]));
    }

    #[test]
    fn every_refusal_names_its_parameter() {
        for (pairs, message) in [
            (vec![("by", "month")], "missing parameter q"),
            (
                vec![("q", "台风"), ("by", "Month")],
                "by=Month: must be day, week, month or year",
            ),
            (vec![("q", "台风"), ("by", "台风")], "by=台风"),
            (vec![("q", "!!")], "q=!!: nothing to search for"),
            (
                vec![("q", "台风"), ("limit", "3")],
                "unknown parameter \\\"limit\\\"",
            ),
            (
                vec![("q", "台风"), ("by", "day"), ("by", "day")],
                "parameter \\\"by\\\" given twice",
            ),
            (
                vec![("q", "台风"), ("share", "maybe")],
                "share=maybe: must be true or false",
            ),
            (
                vec![("q", "台风"), ("since", "2021-13")],
                "since=2021-13: no such date",
            ),
        ] {
            let got = refused(&pairs);
            assert!(got.contains(message), "{pairs:?}: {got}");
        }
        let eleven: Vec<(&str, &str)> = (0..11).map(|_| ("q", "台风")).collect();
        assert!(refused(&eleven).contains("q is given 11 times: at most 10 queries"));
    }

    #[test]
    fn the_openapi_document_describes_the_reading_routes_parameters() {
        let document: serde_json::Value =
            serde_json::from_str(crate::serve::page::OPENAPI_JSON).unwrap();
        for (path, known) in [
            ("/api/articles/{id}", crate::serve::api::ARTICLE_PARAMS),
            (
                "/api/articles/{id}/similar",
                crate::serve::api::SIMILAR_PARAMS,
            ),
        ] {
            let mut names: Vec<&str> = document["paths"][path]["get"]["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|p| p["in"] == "query")
                .map(|p| p["name"].as_str().unwrap())
                .collect();
            let mut known = known.to_vec();
            names.sort_unstable();
            known.sort_unstable();
            assert_eq!(
                names, known,
                "{path}: describe every parameter and no other"
            );
        }
        let limit = &document["paths"]["/api/articles/{id}/similar"]["get"]["parameters"][1];
        assert_eq!(limit["schema"]["maximum"], baoku::research::MAX_SIMILAR);
    }

    #[test]
    fn kwic_parameters_mean_what_the_flags_mean_and_refusals_name_them() {
        let (request, options) = kwic_request(&params(&[
            ("q", "台风"),
            ("width", "8"),
            ("limit", "5"),
            ("sort", "left"),
            ("source", "明报"),
        ]))
        .unwrap();
        assert_eq!(request.query, "台风");
        assert_eq!(request.filters.source.as_deref(), Some("明报"));
        assert_eq!(
            options,
            KwicOptions {
                width: 8,
                limit: Some(5),
                sort: KwicSort::Left
            }
        );
        let (_, plain) = kwic_request(&params(&[("q", "台风")])).unwrap();
        assert_eq!(plain.limit, Some(KWIC_DEFAULT_LINES));
        for (pairs, message) in [
            (vec![("width", "8")], "missing parameter q"),
            (vec![("q", "台风"), ("sort", "up")], "sort=up: must be date"),
            (
                vec![("q", "台风"), ("width", "0")],
                "width=0: must be 1 to 100",
            ),
            (
                vec![("q", "台风"), ("limit", "1001")],
                "limit=1001: must be 1 to 1000",
            ),
            (
                vec![("q", "台风"), ("by", "day")],
                "unknown parameter \\\"by\\\"",
            ),
            (
                vec![("q", "台风"), ("author", "»")],
                "author=»: nothing to search for",
            ),
        ] {
            let error = format!("{:?}", kwic_request(&params(&pairs)).expect_err("refused"));
            assert!(error.contains(message), "{pairs:?}: {error}");
        }
        let document: serde_json::Value =
            serde_json::from_str(crate::serve::page::OPENAPI_JSON).unwrap();
        let parameters = document["paths"]["/api/kwic"]["get"]["parameters"]
            .as_array()
            .expect("/api/kwic is described");
        let mut names: Vec<&str> = parameters
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        let mut known = KWIC_PARAMS.to_vec();
        names.sort_unstable();
        known.sort_unstable();
        assert_eq!(names, known, "describe every parameter and no other");
        let sorts: Vec<&str> = document["components"]["schemas"]["KwicSort"]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let names: Vec<&str> = KwicSort::ALL.iter().map(|(name, _)| *name).collect();
        assert_eq!(sorts, names);
    }

    #[test]
    fn the_openapi_document_describes_exactly_these_parameters() {
        let document: serde_json::Value =
            serde_json::from_str(crate::serve::page::OPENAPI_JSON).unwrap();
        let parameters = document["paths"]["/api/trend"]["get"]["parameters"]
            .as_array()
            .unwrap();
        let mut names: Vec<&str> = parameters
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        let mut known = TREND_PARAMS.to_vec();
        names.sort_unstable();
        known.sort_unstable();
        assert_eq!(names, known, "describe every parameter and no other");
        let q = &parameters[0]["schema"];
        assert_eq!(q["maxItems"], MAX_QUERIES);
        assert_eq!(q["items"]["pattern"], crate::serve::api::QUERY_PATTERN);
        assert_eq!(
            q["items"]["maxLength"],
            baoku::search::query::MAX_QUERY_CHARS
        );
        let intervals: Vec<&str> = document["components"]["schemas"]["Interval"]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let names: Vec<&str> = Interval::ALL.iter().map(|(name, _)| *name).collect();
        assert_eq!(intervals, names);
        for name in &intervals {
            assert!(trend_request(&params(&[("q", "台风"), ("by", name)])).is_ok());
        }
    }

    #[test]
    fn export_parameters_are_searchs_and_the_document_lists_them() {
        let request = export_request(&params(&[
            ("q", "台风"),
            ("format", "jsonl"),
            ("fields", "date,title,snippet"),
            ("sort", "oldest"),
            ("since", "2021"),
            ("snippet_chars", "40"),
        ]))
        .unwrap();
        assert_eq!(request.format, OutputFormat::Jsonl);
        assert_eq!(request.fields, [Field::Date, Field::Title, Field::Snippet]);
        assert_eq!(request.search.sort, baoku::search::Sort::Oldest);
        assert_eq!(request.search.snippets.fragment_chars, 40);
        let plain = export_request(&params(&[("q", "台风")])).unwrap();
        assert_eq!(plain.search, SearchRequest::new("台风"));
        assert_eq!(
            (plain.format, plain.fields),
            (OutputFormat::Csv, Field::DEFAULT.to_vec())
        );
        for (pairs, message) in [
            (vec![("format", "csv")], "missing parameter q"),
            (
                vec![("q", "台风"), ("format", "xlsx")],
                "format=xlsx: must be csv or jsonl",
            ),
            (
                vec![("q", "台风"), ("fields", "id,titel")],
                "fields=id,titel: no field \\\"titel\\\"",
            ),
            (
                vec![("q", "台风"), ("fields", "id,id")],
                "fields=id,id: id is named twice",
            ),
            (
                vec![("q", "台风"), ("fields", "id, title")],
                "without spaces",
            ),
            (vec![("q", "台风"), ("fields", "")], "fields=: no field"),
            (
                vec![("q", "台风"), ("limit", "5")],
                "unknown parameter \\\"limit\\\"",
            ),
            (
                vec![("q", "台风"), ("sort", "score")],
                "sort=score: must be relevance, date or oldest",
            ),
            (
                vec![("q", "台风"), ("since", "2021-13")],
                "since=2021-13: no such date",
            ),
        ] {
            let error = format!(
                "{:?}",
                export_request(&params(&pairs)).expect_err("refused")
            );
            assert!(error.contains(message), "{pairs:?}: {error}");
        }
        let document: serde_json::Value =
            serde_json::from_str(crate::serve::page::OPENAPI_JSON).unwrap();
        let parameters = document["paths"]["/api/export"]["get"]["parameters"]
            .as_array()
            .expect("/api/export is described");
        let mut names: Vec<&str> = parameters
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        let mut known = EXPORT_PARAMS.to_vec();
        names.sort_unstable();
        known.sort_unstable();
        assert_eq!(names, known, "describe every parameter and no other");
        let described: Vec<&str> = document["components"]["schemas"]["ExportField"]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let fields: Vec<&str> = Field::ALL.iter().map(|(name, _)| *name).collect();
        assert_eq!(described, fields);
    }

    #[test]
    fn an_export_is_named_for_its_query_in_ascii_and_in_full() {
        for (query, format, expected) in [
            (
                "台风",
                OutputFormat::Csv,
                "attachment; filename=\"baoku-export.csv\"; filename*=UTF-8''baoku-%E5%8F%B0%E9%A3%8E.csv",
            ),
            (
                "AI 芯片 \"2024\"",
                OutputFormat::Jsonl,
                "attachment; filename=\"baoku-AI-2024.jsonl\"; filename*=UTF-8''baoku-AI_%E8%8A%AF%E7%89%87__2024_.jsonl",
            ),
            (
                "a/b",
                OutputFormat::Csv,
                "attachment; filename=\"baoku-a-b.csv\"; filename*=UTF-8''baoku-a_b.csv",
            ),
        ] {
            assert_eq!(attachment(query, format).to_str().unwrap(), expected, "{query}");
        }
    }
}
