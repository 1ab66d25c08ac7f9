//! The research routes: `/api/trend`, `/api/kwic`. Parameters are read as `schema/openapi.json`
//! states them, with the helpers and errors of [`super::api`]; the answers are the
//! library's own types, as the matching commands print them with `--json`. No
//! counting lives here.

use super::api::{
    answer, filters, flag, known_once, number, param_error, searchable, value_of, ApiError,
    AppState,
};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::Response;
use baoku::research::{Interval, KwicOptions, KwicSort, TrendRequest, MAX_QUERIES};
use baoku::SearchRequest;
use std::sync::Arc;

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
}
