//! The research routes: `/api/trend`. Parameters are read as `schema/openapi.json`
//! states them, with the helpers and errors of [`super::api`]; the answers are the
//! library's own types, as the matching commands print them with `--json`. No
//! counting lives here.

use super::api::{
    answer, filters, flag, known_once, param_error, searchable, value_of, ApiError, AppState,
};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::Response;
use baoku::research::{Interval, TrendRequest, MAX_QUERIES};
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
    answer(&state, key, move |archive| archive.trend(&request)).await
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
