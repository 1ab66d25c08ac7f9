//! HTTP to the cluster: the engine URL, credentials from the environment, JSON
//! requests, and retries with backoff when the cluster is busy or a node goes away.
//! This module knows nothing of articles or queries.

use crate::error::{Error, Result};
use serde_json::Value;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// Attempts of one request before giving up (the waits between them add up to ~1 min).
const ATTEMPTS: u32 = 8;
/// The first wait after a failed attempt; each next one doubles, up to [`MAX_WAIT`].
const FIRST_WAIT: Duration = Duration::from_millis(500);
const MAX_WAIT: Duration = Duration::from_secs(15);
/// The HTTP client's own limit on one request: longer than the server-side `timeout`
/// baoku gives `_bulk` (30 s), so that a cluster without a manager answers before the
/// connection is given up.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(90);
/// Largest answer read (a page of hits with their bodies is a few MB).
const MAX_ANSWER_BYTES: u64 = 256 * 1024 * 1024;

/// Where the engine is: `http(s)://host:port[/prefix]/INDEX`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineUrl {
    /// The cluster's base URLs, without the index (several when `BAOKU_ENGINE_NODES`
    /// names other nodes to fail over to).
    pub bases: Vec<String>,
    /// The index name.
    pub index: String,
}

impl EngineUrl {
    /// Reads `http://127.0.0.1:9200/news`: the last path segment is the index.
    ///
    /// ```
    /// use baoku::cluster::EngineUrl;
    ///
    /// let url = EngineUrl::parse("http://127.0.0.1:9200/news").unwrap();
    /// assert_eq!(url.bases, ["http://127.0.0.1:9200"]);
    /// assert_eq!(url.index, "news");
    /// assert!(EngineUrl::parse("http://127.0.0.1:9200").is_err());
    /// assert!(EngineUrl::parse("127.0.0.1:9200/news").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<EngineUrl> {
        let text = text.trim().trim_end_matches('/');
        let bad = |why: &str| {
            Error::Engine(format!(
                "engine URL {text:?}: {why} (expected http://HOST:PORT/INDEX, e.g. http://127.0.0.1:9200/news)"
            ))
        };
        let rest = text
            .strip_prefix("http://")
            .or_else(|| text.strip_prefix("https://"))
            .ok_or_else(|| bad("it must start with http:// or https://"))?;
        let Some((_, path)) = rest.split_once('/') else {
            return Err(bad("it names no index"));
        };
        let index = path.rsplit('/').next().unwrap_or(path);
        let valid = !index.is_empty()
            && !index.starts_with(['_', '-', '+', '.'])
            && index
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_-.+".contains(c));
        if !valid {
            return Err(bad(&format!(
                "{index:?} is no valid index name (lowercase letters, digits, - _ . +; not starting with _ - +)"
            )));
        }
        let base = &text[..text.len() - index.len() - 1];
        Ok(EngineUrl {
            bases: vec![base.to_string()],
            index: index.to_string(),
        })
    }
}

/// The environment variable naming the PEM file of the certificate authorities an
/// https cluster's certificates are checked against (a cluster's own, self-signed
/// CA, as Elasticsearch 8 and OpenSearch's security plugin make by default).
pub const CA_VARIABLE: &str = "BAOKU_ENGINE_CA";

/// The certificates in the PEM file at `path`: at least one, or an error naming it.
fn ca_certificates(path: &Path) -> Result<Vec<ureq::tls::Certificate<'static>>> {
    let bad = |what: String| Error::Engine(format!("{CA_VARIABLE}={}: {what}", path.display()));
    let pem = std::fs::read(path).map_err(|e| bad(e.to_string()))?;
    let mut certificates = Vec::new();
    for item in ureq::tls::parse_pem(&pem) {
        // A key beside the certificates is not for us: it is left alone.
        let item = item.map_err(|e| bad(format!("not a PEM file: {e}")))?;
        if let ureq::tls::PemItem::Certificate(certificate) = item {
            certificates.push(certificate);
        }
    }
    if certificates.is_empty() {
        return Err(bad(
            "holds no certificate (-----BEGIN CERTIFICATE-----)".into()
        ));
    }
    Ok(certificates)
}

/// A request that got no answer: a node down or a connection lost may answer the next
/// time, a certificate that is not trusted will not.
fn transport_failure(method: &str, url: &str, error: ureq::Error) -> Failure {
    let tls = match &error {
        ureq::Error::Rustls(_) | ureq::Error::Tls(_) => true,
        ureq::Error::Io(io) => io
            .get_ref()
            .is_some_and(|inner| inner.is::<rustls::Error>()),
        _ => false,
    };
    match tls {
        true => Failure::Refused(format!(
            "{method} {url}: {error}; if the cluster has a certificate authority of its own, name its PEM file in {CA_VARIABLE}"
        )),
        false => Failure::Transient(format!("{method} {url}: {error}")),
    }
}

/// A failed request: whether sending it again may succeed.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Busy (429), a server error (5xx) or no connection: try again later.
    Transient(String),
    /// The cluster refused the request (4xx): sending it again will not help.
    Refused(String),
}

/// The connection to one index of a cluster.
#[derive(Debug, Clone)]
pub(crate) struct Client {
    agent: ureq::Agent,
    pub(crate) url: EngineUrl,
    authorization: Option<String>,
}

/// A cluster's answer: HTTP status and the decoded JSON body.
pub(crate) struct Answer {
    pub status: u16,
    pub body: Value,
}

impl Client {
    /// A client for `url`; credentials come from `BAOKU_ENGINE_API_KEY`, or
    /// `BAOKU_ENGINE_USER` and `BAOKU_ENGINE_PASSWORD`; `BAOKU_ENGINE_NODES` (URLs
    /// separated by commas) adds nodes to fail over to; `BAOKU_ENGINE_CA` names a PEM
    /// file of the certificate authorities to trust for https (instead of the web's).
    pub(crate) fn new(mut url: EngineUrl) -> Result<Client> {
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let mut tls = ureq::tls::TlsConfig::builder();
        if let Some(path) = env(CA_VARIABLE) {
            tls = tls.root_certs(ureq::tls::RootCerts::Specific(Arc::new(ca_certificates(
                Path::new(&path),
            )?)));
        }
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(REQUEST_TIMEOUT))
            .http_status_as_error(false)
            .tls_config(tls.build())
            .build();
        let authorization = match (
            env("BAOKU_ENGINE_API_KEY"),
            env("BAOKU_ENGINE_USER"),
            env("BAOKU_ENGINE_PASSWORD"),
        ) {
            (Some(key), _, _) => Some(format!("ApiKey {key}")),
            (None, Some(user), password) => Some(format!(
                "Basic {}",
                base64(format!("{user}:{}", password.unwrap_or_default()).as_bytes())
            )),
            _ => None,
        };
        if let Some(nodes) = env("BAOKU_ENGINE_NODES") {
            for node in nodes.split(',').map(|n| n.trim().trim_end_matches('/')) {
                if !node.is_empty() && !url.bases.iter().any(|b| b == node) {
                    url.bases.push(node.to_string());
                }
            }
        }
        Ok(Client {
            agent: config.into(),
            url,
            authorization,
        })
    }

    /// The index's URL on the first node, for messages.
    pub(crate) fn index_url(&self) -> String {
        format!("{}/{}", self.url.bases[0], self.url.index)
    }

    /// One attempt at `method path` on node `node` (`path` after the index, e.g.
    /// `/_search`; an empty index path for cluster-wide paths starting with `//`).
    fn attempt(
        &self,
        node: usize,
        method: &str,
        path: &str,
        body: Option<(&str, &str)>,
    ) -> std::result::Result<Answer, Failure> {
        let base = &self.url.bases[node % self.url.bases.len()];
        let url = match path.strip_prefix("//") {
            Some(cluster_path) => format!("{base}/{cluster_path}"),
            None => format!("{base}/{}{path}", self.url.index),
        };
        let mut response = {
            let result = match (method, body) {
                ("GET", None) => self.with_auth(self.agent.get(&url)).call(),
                ("HEAD", None) => self.with_auth(self.agent.head(&url)).call(),
                ("DELETE", None) => self.with_auth(self.agent.delete(&url)).call(),
                ("PUT", Some((kind, body))) => self
                    .with_auth(self.agent.put(&url))
                    .header("Content-Type", kind)
                    .send(body),
                (_, Some((kind, body))) => self
                    .with_auth(self.agent.post(&url))
                    .header("Content-Type", kind)
                    .send(body),
                (_, None) => self.with_auth(self.agent.post(&url)).send_empty(),
            };
            result.map_err(|e| transport_failure(method, &url, e))?
        };
        let status = response.status().as_u16();
        let text = response
            .body_mut()
            .with_config()
            .limit(MAX_ANSWER_BYTES)
            .read_to_string()
            .map_err(|e| Failure::Transient(format!("{method} {url}: reading the answer: {e}")))?;
        let body = match text.trim() {
            "" => Value::Null,
            text => serde_json::from_str(text).unwrap_or(Value::String(text.to_string())),
        };
        let reason = || format!("{method} {url}: HTTP {status}: {}", error_reason(&body));
        match status {
            429 | 500..=599 => Err(Failure::Transient(reason())),
            // 404 is an answer (no such article, no such index), not a failure.
            400..=403 | 405..=499 => Err(Failure::Refused(reason())),
            _ => Ok(Answer { status, body }),
        }
    }

    fn with_auth<B>(&self, request: ureq::RequestBuilder<B>) -> ureq::RequestBuilder<B> {
        match &self.authorization {
            Some(value) => request.header("Authorization", value),
            None => request,
        }
    }

    /// Sends a request, again with backoff while the failure is transient, moving to
    /// the next node after a connection failure.
    pub(crate) fn request(
        &self,
        method: &str,
        path: &str,
        body: Option<(&str, &str)>,
    ) -> Result<Answer> {
        self.request_with(method, path, body, &mut |_| {})
    }

    /// [`request`](Client::request), telling `retrying` of each failed attempt.
    pub(crate) fn request_with(
        &self,
        method: &str,
        path: &str,
        body: Option<(&str, &str)>,
        retrying: &mut dyn FnMut(&str),
    ) -> Result<Answer> {
        let mut wait = FIRST_WAIT;
        let mut node = 0;
        for attempt in 1..=ATTEMPTS {
            match self.attempt(node, method, path, body) {
                Ok(answer) => return Ok(answer),
                Err(Failure::Refused(reason)) => return Err(Error::Engine(reason)),
                Err(Failure::Transient(reason)) if attempt == ATTEMPTS => {
                    return Err(Error::Engine(format!(
                        "{reason} (gave up after {ATTEMPTS} attempts; the cluster is down or overloaded — run the same command again when it answers)"
                    )))
                }
                Err(Failure::Transient(reason)) => {
                    retrying(&reason);
                    node += 1;
                    std::thread::sleep(wait);
                    wait = (wait * 2).min(MAX_WAIT);
                }
            }
        }
        unreachable!("the last attempt returns")
    }

    /// A JSON request whose answer must be a success (2xx).
    pub(crate) fn json(&self, method: &str, path: &str, body: &Value) -> Result<Value> {
        let text = body.to_string();
        let body = (!body.is_null()).then_some(("application/json", text.as_str()));
        let answer = self.request(method, path, body)?;
        match answer.status {
            200..=299 => Ok(answer.body),
            status => Err(Error::Engine(format!(
                "{method} {}{path}: HTTP {status}: {}",
                self.index_url(),
                error_reason(&answer.body)
            ))),
        }
    }
}

/// What a cluster's error answer says, in one line.
pub(crate) fn error_reason(body: &Value) -> String {
    let error = &body["error"];
    let reason = error["root_cause"][0]["reason"]
        .as_str()
        .or(error["reason"].as_str());
    match (error["type"].as_str(), reason) {
        (Some(kind), Some(reason)) => format!("{kind}: {reason}"),
        (Some(kind), None) => kind.to_string(),
        _ => {
            let text = body.to_string();
            text.chars().take(300).collect()
        }
    }
}

/// Standard base64 with padding (HTTP Basic credentials).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_are_standard_base64() {
        assert_eq!(base64(b"elastic:changeme"), "ZWxhc3RpYzpjaGFuZ2VtZQ==");
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64(b"abc"), "YWJj");
        assert_eq!(base64(b""), "");
    }

    #[test]
    fn engine_urls_name_the_index_last() {
        let url = EngineUrl::parse("https://search.example.org/es/news-2024/").unwrap();
        assert_eq!(url.bases, ["https://search.example.org/es"]);
        assert_eq!(url.index, "news-2024");
        for bad in [
            "http://h:9200/News",
            "http://h:9200/_all",
            "ftp://h/news",
            "http://h:9200/",
        ] {
            let error = EngineUrl::parse(bad).unwrap_err().to_string();
            assert!(error.contains("expected http://HOST:PORT/INDEX"), "{error}");
        }
    }
}
