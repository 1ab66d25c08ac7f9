//! `baoku serve`: the real binary on a loopback port, asked over plain HTTP/1.1.
//!
//! Every test starts its own server (`--addr 127.0.0.1:0`, the URL read from its
//! first line of output) and stops it when done. The API must answer exactly what
//! `baoku search --json` prints, refuse bad requests with 4xx JSON, never expose a
//! file, follow new commits, and stop cleanly on SIGTERM. The last test drives the
//! page in headless Chromium (`tests/browser/`).

mod support;

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::Duration;
use support::{baoku, chars_of, percent_encode, sample_corpus, sample_index, signal, wait_for};

/// A running `baoku serve`; killed when dropped (unless stopped by a test).
struct Server {
    child: Child,
    addr: SocketAddr,
    /// The URL it printed (http:// or https://).
    url: String,
    /// Sent as `Authorization: Bearer …` by [`Server::get`].
    token: Option<String>,
    /// Its stderr, collected in a file.
    logs: tempfile::TempDir,
}

impl Server {
    fn start(index: &Path) -> Server {
        Server::start_with(index, &[])
    }

    fn start_with(index: &Path, args: &[&str]) -> Server {
        Server::spawn(index, "127.0.0.1:0", args)
    }

    /// A server that requires `token`; [`Server::get`] sends it.
    fn start_with_token(index: &Path, token: &str, args: &[&str]) -> Server {
        let mut server = Server::spawn(index, "127.0.0.1:0", &[&["--token", token], args].concat());
        server.token = Some(token.to_string());
        server
    }

    fn spawn(index: &Path, addr: &str, args: &[&str]) -> Server {
        Server::spawn_with_env(index, addr, args, None)
    }

    /// With `token` in BAOKU_TOKEN (and none there otherwise).
    fn spawn_with_env(index: &Path, addr: &str, args: &[&str], token: Option<&str>) -> Server {
        let logs = tempfile::tempdir().unwrap();
        let mut command = baoku(index);
        match token {
            Some(token) => command.env("BAOKU_TOKEN", token),
            None => command.env_remove("BAOKU_TOKEN"),
        };
        let mut child = command
            .args(["serve", "--addr", addr])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(logs.path().join("stderr")).unwrap())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("baoku serving ")
            .unwrap_or_else(|| {
                let stderr =
                    std::fs::read_to_string(logs.path().join("stderr")).unwrap_or_default();
                panic!("first line names the URL: {line:?}; stderr: {stderr}")
            })
            .to_string();
        let authority = url
            .trim_start_matches("http://")
            .trim_start_matches("https://")
            .trim_end_matches('/');
        let port = authority.rsplit(':').next().unwrap().parse().unwrap();
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        Server {
            child,
            addr,
            url,
            token: None,
            logs,
        }
    }

    fn url(&self) -> String {
        self.url.clone()
    }

    /// What the server wrote on stderr so far.
    fn stderr(&self) -> String {
        std::fs::read_to_string(self.logs.path().join("stderr")).unwrap()
    }

    /// `GET path` (already percent-encoded as needed), with the server's token if any.
    fn get(&self, path: &str) -> Response {
        self.request("GET", path, &[])
    }

    /// Asks each path and expects a 400 whose error holds the message beside it.
    fn assert_refused(&self, cases: &[(&str, &str)]) {
        for (path, message) in cases {
            let response = self.get(path);
            assert_eq!(response.status, 400, "{path}");
            assert!(
                response.error().contains(message),
                "{path}: {}",
                response.error()
            );
        }
    }

    /// A request with the server's token (if any) and `headers`.
    fn request(&self, method: &str, path: &str, headers: &[(&str, &str)]) -> Response {
        let bearer = self.token.as_ref().map(|t| format!("Bearer {t}"));
        let mut all: Vec<(&str, &str)> = headers.to_vec();
        if let Some(bearer) = &bearer {
            all.push(("Authorization", bearer));
        }
        http(self.addr, method, path, &all)
    }

    /// `GET /api/search` with these parameters, which must succeed.
    fn search(&self, params: &[(&str, &str)]) -> Value {
        let response = self.get(&format!("/api/search?{}", query_string(params)));
        assert_eq!(response.status, 200, "{params:?}: {}", response.text());
        response.json()
    }

    /// The value of one sample of `/metrics`.
    fn metric(&self, sample: &str) -> f64 {
        let text = self.get("/metrics").text();
        text.lines()
            .find_map(|line| line.strip_prefix(sample)?.strip_prefix(' ')?.parse().ok())
            .unwrap_or_else(|| panic!("{sample} not in /metrics:\n{text}"))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP answer.
#[derive(Debug)]
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    /// The message of a JSON error answer, which must be `{"error": "..."}`.
    fn error(&self) -> String {
        assert_eq!(
            self.header("content-type"),
            Some("application/json"),
            "{}",
            self.text()
        );
        let body = self.json();
        let message = body["error"].as_str().unwrap_or_else(|| panic!("{body}"));
        assert_eq!(body.as_object().unwrap().len(), 1, "{body}");
        message.to_string()
    }
}

/// A minimal HTTP/1.1 client: one request per connection, the path sent as given.
fn http(addr: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)]) -> Response {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    parse_response(raw)
}

/// A whole HTTP/1.1 answer as read from a connection that the server closed.
fn parse_response(raw: Vec<u8>) -> Response {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a header block");
    let head = String::from_utf8(raw[..split].to_vec()).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        body = dechunk(&body);
    }
    Response {
        status,
        headers,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let end = data.windows(2).position(|w| w == b"\r\n").unwrap();
        let size =
            usize::from_str_radix(std::str::from_utf8(&data[..end]).unwrap().trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[end + 2..end + 2 + size]);
        data = &data[end + 4 + size..];
    }
}

fn query_string(params: &[(&str, &str)]) -> String {
    params
        .iter()
        .map(|(n, v)| format!("{}={}", percent_encode(n), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// `baoku search --json` with the command-line form of the same parameters.
fn cli_search(index: &Path, params: &[(&str, &str)]) -> Value {
    let mut command = baoku(index);
    command.args(["search", "--json"]);
    let mut query = None;
    for (name, value) in params {
        match *name {
            "q" => {
                query = Some(*value);
                &mut command
            }
            "facets" | "recent" => {
                assert_eq!(*value, "true");
                command.arg(format!("--{name}"))
            }
            "collapse" => {
                assert_eq!(*value, "false");
                command.arg("--no-collapse")
            }
            "snippet_chars" => command.args(["--snippet-chars", value]),
            other => command.arg(format!("--{other}")).arg(value),
        };
    }
    command.arg("--").arg(query.expect("q"));
    let output = command.output().unwrap();
    assert!(output.status.code().unwrap() <= 1, "{output:?}");
    serde_json::from_slice(&output.stdout).unwrap()
}

/// The document without `took_ms`, the one field that differs run to run.
fn without_time(mut results: Value) -> Value {
    results
        .as_object_mut()
        .unwrap()
        .remove("took_ms")
        .expect("took_ms");
    results
}

#[test]
fn search_api_answers_exactly_what_search_json_prints() {
    let index = sample_index();
    let server = Server::start(index);
    let cases: &[&[(&str, &str)]] = &[
        &[("q", "乡村振兴 收入")],
        &[("q", "乡村振兴"), ("facets", "true")],
        &[("q", "鄉村振興"), ("limit", "2"), ("offset", "1")],
        &[
            ("q", "收入"),
            ("sort", "date"),
            ("since", "2021"),
            ("until", "2022-06"),
        ],
        &[
            ("q", "收入 OR 台风"),
            ("sort", "oldest"),
            ("facets", "true"),
            ("limit", "50"),
        ],
        &[("q", "乡村振兴"), ("source", "吉林日报")],
        &[("q", "乡村振兴"), ("author", "孙翠翠")],
        &[("q", "新华社"), ("collapse", "false"), ("facets", "true")],
        &[
            ("q", "乡村振兴"),
            ("snippets", "1"),
            ("snippet_chars", "30"),
        ],
        &[("q", "国务院常务会议部署了哪些稳定经济增长的措施？")],
        &[("q", "没有这个词组合 乡村振兴")],
        &[("q", "南京市长江大桥"), ("recent", "true")],
    ];
    for params in cases {
        let api = without_time(server.search(params));
        let cli = without_time(cli_search(index, params));
        assert_eq!(api, cli, "GET /api/search with {params:?}");
    }
    // The one shown in the README has hits, facets and highlights to compare.
    let sample = server.search(&[("q", "乡村振兴 收入"), ("facets", "true")]);
    assert!(sample["total"].as_u64().unwrap() >= 2, "{sample}");
    assert!(sample["facets"]["source"].as_array().unwrap().len() >= 2);
}

#[test]
fn kwic_api_answers_the_lines_kwic_json_prints() {
    let index = support::sample_index();
    let server = Server::start(index);
    for params in [
        &[("q", "乡村振兴")][..],
        &[
            ("q", "收入"),
            ("width", "6"),
            ("limit", "7"),
            ("sort", "left"),
        ],
        &[
            ("q", "鄉村振興 OR 台风"),
            ("sort", "oldest"),
            ("since", "2021"),
        ],
        &[("q", "发展"), ("source", "新华"), ("sort", "right")],
    ] {
        let response = server.get(&format!("/api/kwic?{}", query_string(params)));
        assert_eq!(response.status, 200, "{params:?}: {}", response.text());
        let api = response.json();
        let mut command = baoku(index);
        command.args(["kwic", "--json"]);
        if !params.iter().any(|(name, _)| *name == "limit") {
            command.args(["--limit", "100"]);
        }
        for (name, value) in &params[1..] {
            command.arg(format!("--{name}")).arg(value);
        }
        let output = command.arg("--").arg(params[0].1).output().unwrap();
        assert!(output.status.code().unwrap() <= 1, "{output:?}");
        let cli: Vec<Value> = support::stdout(&output)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert!(!cli.is_empty(), "{params:?}");
        assert_eq!(
            api["lines"].as_array().unwrap(),
            &cli,
            "GET /api/kwic with {params:?}"
        );
        assert_eq!(api["query"], params[0].1);
        assert!(api["articles"].as_u64().unwrap() > 0);
    }
    server.assert_refused(&[
        ("/api/kwic", "missing parameter q"),
        (
            "/api/kwic?q=a&sort=up",
            "sort=up: must be date, oldest, left or right",
        ),
        ("/api/kwic?q=a&width=101", "width=101: must be 1 to 100"),
        ("/api/kwic?q=titel%3Aa", "titel"),
    ]);
}

#[test]
fn the_server_applies_its_synonyms_to_every_route() {
    let dir = tempfile::tempdir().unwrap();
    let groups = dir.path().join("groups.txt");
    std::fs::write(&groups, "台风,暴雨\n").unwrap();
    let index = support::sample_index();
    let plain = Server::start(index);
    let server = Server::start_with(index, &["--synonyms", groups.to_str().unwrap()]);
    let search = |server: &Server| server.get("/api/search?q=%E5%8F%B0%E9%A3%8E").json();
    let (with, without) = (search(&server), search(&plain));
    assert!(with["total"].as_u64() > without["total"].as_u64(), "{with}");
    let note = "台风 also as 暴雨 (groups.txt:1)";
    assert_eq!(with["notes"][0], note);
    let kwic = server
        .get("/api/kwic?q=%E5%8F%B0%E9%A3%8E&limit=1000")
        .json();
    assert_eq!(kwic["notes"][0], note);
    assert!(kwic["lines"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["match"] == "暴雨"));
    let trend = server.get("/api/trend?q=%E5%8F%B0%E9%A3%8E").json();
    assert_eq!(trend["series"][0]["notes"][0], note);
}

#[test]
fn trend_api_answers_exactly_what_trend_json_prints() {
    let index = support::sample_index();
    let server = Server::start(index);
    let cases: &[&[(&str, &str)]] = &[
        &[("q", "乡村振兴")],
        &[("q", "乡村振兴"), ("q", "收入 OR 台风"), ("by", "year")],
        &[
            ("q", "发展"),
            ("by", "week"),
            ("collapse", "false"),
            ("share", "true"),
        ],
        &[
            ("q", "鄉村振興"),
            ("since", "2021"),
            ("until", "2022-06"),
            ("by", "day"),
        ],
        &[("q", "发展"), ("source", "新华"), ("share", "true")],
        &[("q", "没有这个词")],
    ];
    for params in cases {
        let response = server.get(&format!("/api/trend?{}", query_string(params)));
        assert_eq!(response.status, 200, "{params:?}: {}", response.text());
        let api = without_time(response.json());
        let mut command = baoku(index);
        command.args(["trend", "--json"]);
        let mut queries = Vec::new();
        for (name, value) in *params {
            match *name {
                "q" => queries.push(*value),
                "collapse" => {
                    command.arg("--no-collapse");
                }
                "share" => {
                    command.arg("--share");
                }
                other => {
                    command.arg(format!("--{other}")).arg(value);
                }
            }
        }
        let output = command.arg("--").args(&queries).output().unwrap();
        assert!(output.status.code().unwrap() <= 1, "{output:?}");
        let cli = without_time(serde_json::from_slice(&output.stdout).unwrap());
        assert_eq!(api, cli, "GET /api/trend with {params:?}");
    }
    let two = server.get("/api/trend?q=%E4%B9%A1%E6%9D%91&q=%E5%8F%91%E5%B1%95&by=year");
    let series = two.json()["series"].as_array().unwrap().clone();
    assert_eq!(series.len(), 2);
    assert!(series[0]["total"].as_u64().unwrap() > 0);
    server.assert_refused(&[
        ("/api/trend", "missing parameter q"),
        (
            "/api/trend?q=a&by=hour",
            "by=hour: must be day, week, month or year",
        ),
        ("/api/trend?q=a&by=day&by=day", "twice"),
        ("/api/trend?q=titel%3Aa", "titel"),
        ("/api/trend?q=a&limit=3", "unknown parameter \"limit\""),
    ]);
}

#[test]
fn export_api_streams_exactly_the_file_search_export_writes() {
    let index = sample_index();
    let server = Server::start(index);
    let cases: &[&[(&str, &str)]] = &[
        &[("q", "收入")],
        &[
            ("q", "发展"),
            ("sort", "oldest"),
            ("fields", "date,id,title,snippet"),
            ("snippet_chars", "30"),
        ],
        &[("q", "乡村振兴"), ("format", "jsonl"), ("since", "2021")],
        &[
            ("q", "中国"),
            ("sort", "date"),
            ("source", ""),
            ("fields", "id,body"),
        ],
        &[("q", "没有这个词")],
    ];
    for params in cases {
        let response = server.get(&format!("/api/export?{}", query_string(params)));
        assert_eq!(response.status, 200, "{params:?}: {}", response.text());
        let mut command = baoku(index);
        command.arg("search");
        let mut query = "";
        let mut format = "csv";
        for (name, value) in *params {
            match *name {
                "q" => query = value,
                "format" => format = value,
                "snippet_chars" => {
                    command.args(["--snippet-chars", value]);
                }
                // An empty filter is no filter, as on the command line without it.
                _ if value.is_empty() => {}
                other => {
                    command.arg(format!("--{other}")).arg(value);
                }
            }
        }
        let output = command
            .args(["--export", format, "--", query])
            .output()
            .unwrap();
        assert!(output.status.code().unwrap() <= 1, "{output:?}");
        assert!(
            response.body == output.stdout,
            "GET /api/export with {params:?}:\n{}\n--export:\n{}",
            response.text(),
            support::stdout(&output)
        );
        // As many rows as the search's total (reprints included), and the header says so.
        let search: Vec<(&str, &str)> = params
            .iter()
            .copied()
            .filter(|(name, _)| ["q", "since", "until", "source", "author"].contains(name))
            .collect();
        let found =
            server.search(&[search.as_slice(), &[("limit", "0"), ("sort", "date")]].concat());
        // A query nothing matches as written is answered by relaxed matches; an
        // export, like `--export`, holds only what matches as written.
        let total = match found["mode"].as_str() {
            Some("all") => found["total"].as_u64().unwrap(),
            _ => 0,
        };
        assert_eq!(
            response.header("x-baoku-total"),
            Some(total.to_string().as_str())
        );
        let text = response.text();
        let rows = match format {
            "csv" => {
                assert!(text.starts_with('\u{feff}'), "a byte order mark");
                // No field of these exports holds a line break or a quote... except
                // bodies, whose rows are counted by the CLI's own output above.
                text.matches("\r\n").count() as u64 - 1
            }
            _ => text.lines().count() as u64,
        };
        if !params.iter().any(|(_, v)| v.contains("body")) {
            assert_eq!(rows, total, "{params:?}");
        }
        let expected_type = match format {
            "csv" => "text/csv; charset=utf-8",
            _ => "application/x-ndjson",
        };
        assert_eq!(response.header("content-type"), Some(expected_type));
        let disposition = response.header("content-disposition").unwrap();
        assert!(
            disposition.starts_with("attachment; filename=\"baoku-")
                && disposition
                    .contains(&format!("filename*=UTF-8''baoku-{}", percent_encode(query))),
            "{disposition}"
        );
    }
    server.assert_refused(&[
        ("/api/export", "missing parameter q"),
        (
            "/api/export?q=a&format=xlsx",
            "format=xlsx: must be csv or jsonl",
        ),
        (
            "/api/export?q=a&fields=id,titel",
            "fields=id,titel: no field \"titel\"",
        ),
        (
            "/api/export?q=a&fields=id,id",
            "fields=id,id: id is named twice",
        ),
        ("/api/export?q=a&limit=3", "unknown parameter \"limit\""),
        (
            "/api/export?q=a&sort=a&sort=a",
            "parameter \"sort\" given twice",
        ),
        (
            "/api/export?q=a&until=2021-02-30",
            "until=2021-02-30: no such date",
        ),
        ("/api/export?q=titel%3Aa", "titel"),
    ]);
    assert_eq!(
        server.metric("baoku_http_requests_total{route=\"export\",status=\"200\"}"),
        cases.len() as f64
    );

    let guarded = Server::start_with_token(index, TOKEN, &[]);
    let path = "/api/export?q=%E6%94%B6%E5%85%A5";
    for refused in [None, Some("Bearer not-the-token-0123456789")] {
        let response = status_with(&guarded, path, refused);
        assert_eq!(response.status, 401, "{refused:?}");
        assert!(response.error().contains("token"));
    }
    let with_token = guarded.get(path);
    assert_eq!(with_token.status, 200);
    assert_eq!(with_token.header("x-baoku-total"), Some("8"));
}

#[test]
fn repeated_searches_are_answered_from_the_cache_and_it_can_be_turned_off() {
    let path = "/api/search?q=%E4%B9%A1%E6%9D%91%E6%8C%AF%E5%85%B4&facets=true";
    let server = Server::start(sample_index());
    let first = server.get(path);
    assert_eq!(first.header("x-baoku-cache"), Some("miss"));
    // The reader reloads once soon after it opens the index (which empties the
    // cache); after that the answer stays.
    let mut cached = None;
    assert!(
        wait_for(Duration::from_secs(10), || {
            let again = server.get(path);
            let hit = again.header("x-baoku-cache") == Some("hit");
            cached = Some(again);
            hit
        }),
        "a repeated search is answered from the cache"
    );
    let cached = cached.unwrap();
    assert_eq!(without_time(cached.json()), without_time(first.json()));
    // The same request spelled differently (defaults written out) is the same answer,
    // byte for byte.
    let second = server.get(&format!("{path}&limit=10&sort=relevance&collapse=true"));
    assert_eq!(second.header("x-baoku-cache"), Some("hit"));
    assert!(second.body == cached.body, "{}", second.text());
    assert_eq!(second.header("content-type"), Some("application/json"));
    let other = server.get(&format!("{path}&limit=3"));
    assert_eq!(other.header("x-baoku-cache"), Some("miss"));

    let uncached = Server::start_with(sample_index(), &["--cache", "0"]);
    for _ in 0..2 {
        let response = uncached.get(path);
        assert_eq!(response.status, 200);
        assert_eq!(response.header("x-baoku-cache"), None);
        assert_eq!(without_time(response.json()), without_time(first.json()));
    }
}

#[test]
fn highlights_are_character_ranges_of_the_query_words() {
    let server = Server::start(sample_index());
    let results = server.search(&[("q", "乡村振兴 收入")]);
    let hits = results["hits"].as_array().unwrap();
    assert!(!hits.is_empty());
    let mut marked = Vec::new();
    // The exact matches (partial ones after them mark the words they hold).
    for hit in hits.iter().filter(|h| h["partial"] == false) {
        let title = hit["title"].as_str().unwrap_or("");
        for range in hit["title_highlights"].as_array().unwrap() {
            marked.push(chars_of(title, range));
        }
        for snippet in hit["snippets"].as_array().unwrap() {
            let text = snippet["text"].as_str().unwrap();
            for range in snippet["highlights"].as_array().unwrap() {
                marked.push(chars_of(text, range));
            }
        }
    }
    assert!(marked.iter().any(|m| m == "乡村振兴"), "{marked:?}");
    assert!(marked.iter().any(|m| m == "收入"), "{marked:?}");
    // The traditional spelling in the one Taiwanese article is the same word.
    assert!(
        marked
            .iter()
            .all(|m| ["乡村振兴", "鄉村振興", "收入"].contains(&m.as_str())),
        "only the query words are marked: {marked:?}"
    );
}

#[test]
fn paging_walks_every_hit_once() {
    let server = Server::start(sample_index());
    let all = server.search(&[("q", "中国 OR 记者 OR 收入"), ("limit", "100")]);
    let every: Vec<&str> = all["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap())
        .collect();
    assert!(every.len() > 6, "{every:?}");
    let mut paged = Vec::new();
    for offset in (0..every.len() + 3).step_by(3) {
        let page = server.search(&[
            ("q", "中国 OR 记者 OR 收入"),
            ("limit", "3"),
            ("offset", &offset.to_string()),
        ]);
        assert_eq!(
            page["total"], all["total"],
            "total is the same on every page"
        );
        for hit in page["hits"].as_array().unwrap() {
            paged.push(hit["id"].as_str().unwrap().to_string());
        }
    }
    assert_eq!(paged, every);
}

#[test]
fn bad_requests_get_a_4xx_json_error_naming_the_problem() {
    let server = Server::start(sample_index());
    let long = "字".repeat(1001);
    let cases: &[(&str, u16, &str)] = &[
        (
            "/api/search?q=titel%3A%E4%B9%A1",
            400,
            "did you mean title:",
        ),
        ("/api/search?q=date%3A2022-13", 400, "not a date"),
        ("/api/search?q=auther:x", 400, "did you mean author:"),
        ("/api/search?q=", 400, "q=: nothing to search for"),
        ("/api/search", 400, "missing parameter q"),
        (
            "/api/search?q=a&sort=score",
            400,
            "relevance, date or oldest",
        ),
        ("/api/search?q=a&limit=101", 400, "at most 100"),
        ("/api/search?q=a&limit=-1", 400, "whole number"),
        ("/api/search?q=a&limit=1e3", 400, "whole number"),
        (
            "/api/search?q=a&offset=10001",
            400,
            "offset=10001: at most 10000",
        ),
        (
            "/api/search?q=a&offset=99999999999999999999999",
            400,
            "at most 10000",
        ),
        (
            "/api/search?q=a&since=4003-53",
            400,
            "since=4003-53: the year must be 1000 to 2999",
        ),
        (
            "/api/search?q=a&since=2021%2F03",
            400,
            "since=2021/03: write a year, month or day as 2021, 2021-03 or 2021-03-08",
        ),
        ("/api/search?q=a&limit=", 400, "limit=: not a whole number"),
        ("/api/search?q=a&sort=Date", 400, "sort=Date: must be"),
        ("/api/search?q=a&facets=maybe", 400, "true or false"),
        ("/api/search?q=a&since=2022-13", 400, "2022-13"),
        ("/api/search?q=a&until=yesterday", 400, "yesterday"),
        ("/api/search?q=a&snippets=11", 400, "at most 10"),
        ("/api/search?q=a&snippet_chars=5", 400, "10 to 2000"),
        ("/api/search?q=a&lmit=5", 400, "unknown parameter \"lmit\""),
        ("/api/search?q=a&q=b", 400, "twice"),
        ("/api/articles/nosuchid", 404, "no article"),
        ("/api/nothing", 404, "no such page"),
        ("/api", 404, "no such page"),
    ];
    for (path, status, needle) in cases {
        let response = server.get(path);
        assert_eq!(response.status, *status, "{path}: {}", response.text());
        let message = response.error();
        assert!(
            message.contains(needle),
            "{path}: {message:?} should mention {needle:?}"
        );
        assert!(!message.contains('\n'), "one line: {message:?}");
    }
    let response = server.get(&format!("/api/search?q={}", percent_encode(&long)));
    assert_eq!(response.status, 400);
    assert!(response.error().contains("1001 characters"));
    // A huge query string is refused without being searched.
    let response = server.get(&format!("/api/search?q={}", "a".repeat(100_000)));
    assert!((400..500).contains(&response.status), "{}", response.status);
    let response = server.request("POST", "/api/search?q=a", &[("Content-Length", "0")]);
    assert_eq!(response.status, 405);
    assert!(response.error().contains("GET"));
    let response = server.request("DELETE", "/api/articles/x", &[]);
    assert_eq!(response.status, 405);
    // The server is still well after all that.
    assert_eq!(server.get("/healthz").status, 200);
}

#[test]
fn articles_are_served_by_id() {
    let index = sample_index();
    let server = Server::start(index);
    let results = server.search(&[("q", "乡村振兴 收入")]);
    let hit = &results["hits"][0];
    let id = hit["id"].as_str().unwrap();
    let response = server.get(&format!("/api/articles/{}", percent_encode(id)));
    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(response.header("content-type"), Some("application/json"));
    let article = response.json();
    let shown = support::run(index, &["show", "--json", id]);
    assert!(shown.status.success());
    let cli: Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(article, cli, "the article as `baoku show --json` prints it");
    assert_eq!(article["title"], hit["title"]);
    assert!(article["body"].as_str().unwrap().chars().count() > 100);
    assert!(article.get("raw").is_none(), "raw only when asked for");

    // `raw` adds what the input wrote, as `show --raw --json` prints it.
    let raw = server.get(&format!("/api/articles/{}?raw=1", percent_encode(id)));
    assert_eq!(raw.status, 200, "{}", raw.text());
    let shown = support::run(index, &["show", "--raw", "--json", id]);
    let cli: Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(raw.json(), cli);
    assert!(cli["raw"]["body"].is_string(), "{cli}");
    let bad = server.get(&format!("/api/articles/{}?raw=maybe", percent_encode(id)));
    assert_eq!(bad.status, 400);
    assert!(bad.error().contains("raw"), "{}", bad.error());

    let missing = server.get("/api/articles/0000000000000000");
    assert_eq!(missing.status, 404);
    assert!(missing.error().contains("0000000000000000"));
    let odd = server.get("/api/articles/%E4%B9%A1%2F..%2F..");
    assert_eq!(odd.status, 404, "an id is only an id: {}", odd.text());
}

#[test]
fn health_stats_and_the_openapi_document() {
    let index = sample_index();
    let server = Server::start(index);
    let health = server.get("/healthz");
    assert_eq!(health.status, 200);
    assert_eq!(health.json()["status"], "ok");
    assert_eq!(health.json()["articles"], 24);

    let stats = server.get("/api/stats");
    assert_eq!(stats.status, 200);
    let cli = support::run(index, &["stats", "--json"]);
    let cli: Value = serde_json::from_slice(&cli.stdout).unwrap();
    assert_eq!(stats.json(), cli, "as `baoku stats --json` prints it");

    let openapi = server.get("/api/openapi.json");
    assert_eq!(openapi.status, 200);
    let kept =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/openapi.json")).unwrap();
    assert_eq!(
        openapi.body, kept,
        "the served description is schema/openapi.json"
    );
    // Every path it describes answers (path parameters filled in).
    let document = openapi.json();
    for path in document["paths"].as_object().unwrap().keys() {
        let concrete = path.replace("{id}", "0000000000000000");
        let query = match concrete.as_str() {
            "/api/search" | "/api/trend" | "/api/kwic" | "/api/export" => "?q=a",
            _ => "",
        };
        let response = server.get(&format!("{concrete}{query}"));
        assert!(
            response.status == 200 || (response.status == 404 && path.contains('{')),
            "{path}: {}",
            response.status
        );
    }
}

#[test]
fn the_page_and_its_files_are_embedded() {
    let server = Server::start(sample_index());
    let page = server.get("/");
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let html = page.text();
    assert!(html.contains(r#"<input id="q""#), "{html}");
    for attribute in ["src=\"", "href=\""] {
        for (at, _) in html.match_indices(attribute) {
            let target = &html[at + attribute.len()..];
            assert!(
                target.starts_with('/') || target.starts_with("data:"),
                "nothing is loaded from elsewhere: {}",
                &target[..target.len().min(60)]
            );
        }
    }
    let csp = page.header("content-security-policy").unwrap();
    assert!(csp.contains("script-src 'self'"), "{csp}");

    let script = server.get("/app.js");
    assert_eq!(script.status, 200);
    assert!(script
        .header("content-type")
        .unwrap()
        .starts_with("text/javascript"));
    assert!(script.text().contains("/api/search"));
    let style = server.get("/style.css");
    assert_eq!(style.status, 200);
    assert!(style
        .header("content-type")
        .unwrap()
        .starts_with("text/css"));

    // Revalidation: the same ETag gets 304 without a body.
    let etag = script.header("etag").unwrap().to_string();
    let again = server.request("GET", "/app.js", &[("If-None-Match", &etag)]);
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());

    // A shared address is the page itself; the script reads the state from it.
    let shared = server.get("/?q=%E4%B9%A1%E6%9D%91%E6%8C%AF%E5%85%B4&source=x&page=2");
    assert_eq!(shared.status, 200);
    assert_eq!(shared.body, page.body);
}

#[test]
fn no_file_is_reachable_through_a_path() {
    let server = Server::start(sample_index());
    for path in [
        "/../../etc/passwd",
        "/static/..%2f..%2fCargo.toml",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/..%2F..%2F..%2Fetc%2Fpasswd",
        "/app.js/../../Cargo.toml",
        "/Cargo.toml",
        "/src/main.rs",
        "/schema/openapi.json",
        "/api/../Cargo.toml",
        "/api/articles/..%2F..%2FCargo.toml",
        "/api/articles/../../../etc/passwd",
        "//etc/passwd",
        "/meta.json",
        "/inputs.json",
    ] {
        let response = server.get(path);
        assert_eq!(response.status, 404, "{path}: {}", response.text());
        let body = response.text();
        assert!(
            !body.contains("[package]") && !body.contains("root:") && !body.contains("segments"),
            "{path} leaked a file: {body}"
        );
        response.error();
    }
}

#[test]
fn concurrent_searches_all_answer() {
    let server = Server::start_with(sample_index(), &["--concurrency", "2"]);
    let addr = server.addr;
    let threads: Vec<_> = (0..8)
        .map(|i| {
            std::thread::spawn(move || {
                let queries = ["乡村振兴 收入", "台风", "鄉村振興", "南京市长江大桥"];
                for round in 0..10 {
                    let q = queries[(i + round) % queries.len()];
                    let path = format!("/api/search?q={}&facets=true", percent_encode(q));
                    let response = http(addr, "GET", &path, &[]);
                    assert_eq!(response.status, 200, "{}", response.text());
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
}

#[test]
fn new_commits_are_searched_without_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let (first, later) = (dir.path().join("first"), dir.path().join("later"));
    std::fs::create_dir_all(&first).unwrap();
    std::fs::create_dir_all(&later).unwrap();
    for (n, entry) in std::fs::read_dir(sample_corpus()).unwrap().enumerate() {
        let path = entry.unwrap().path();
        let target = if n % 2 == 0 { &first } else { &later };
        std::fs::copy(&path, target.join(path.file_name().unwrap())).unwrap();
    }
    std::fs::write(
        later.join("new.txt"),
        "鹦鹉螺号科考船抵达深圳\n\n日期：2023-03-01 来源：测试日报\n\n鹦鹉螺号科考船今天完成了为期三个月的南海深潜考察任务，\
         带回了大量珍贵的深海生物样本。科考队员表示，这次考察发现了多个新物种。\n",
    )
    .unwrap();
    let index = dir.path().join("index");
    assert!(
        support::run(&index, &["index", "-q", first.to_str().unwrap()])
            .status
            .success()
    );
    let server = Server::start(&index);
    let before = server.get("/healthz").json()["articles"].as_u64().unwrap();
    let absent = server.search(&[("q", "鹦鹉螺号")]);
    assert_eq!(absent["total"], 0);
    // Asked again, the answer comes from the cache, which the commit must empty.
    assert!(wait_for(Duration::from_secs(10), || {
        let again = server.get("/api/search?q=%E9%B9%A6%E9%B9%89%E8%9E%BA%E5%8F%B7");
        again.header("x-baoku-cache") == Some("hit")
            && without_time(again.json()) == without_time(absent.clone())
    }));

    let output = support::run(&index, &["index", "-q", later.to_str().unwrap()]);
    assert!(output.status.success(), "{output:?}");
    let found = wait_for(Duration::from_secs(10), || {
        server.search(&[("q", "鹦鹉螺号")])["total"] == 1
    });
    assert!(
        found,
        "the new article is found without restarting the server"
    );
    let after = server.get("/healthz").json()["articles"].as_u64().unwrap();
    assert_eq!(after, 25, "all of sample_corpus/ and the new page");
    assert!(after > before);
    let hit = &server.search(&[("q", "鹦鹉螺号")])["hits"][0];
    let article = server.get(&format!("/api/articles/{}", hit["id"].as_str().unwrap()));
    assert_eq!(article.json()["source"], "测试日报");
}

#[test]
fn sigterm_stops_the_server_cleanly() {
    for name in ["TERM", "INT"] {
        let mut server = Server::start(sample_index());
        assert_eq!(server.get("/healthz").status, 200);
        signal(server.child.id(), name);
        let mut status = None;
        assert!(
            wait_for(Duration::from_secs(10), || {
                status = server.child.try_wait().unwrap();
                status.is_some()
            }),
            "SIG{name} stops the server"
        );
        assert_eq!(status.unwrap().code(), Some(0), "SIG{name}: exit status 0");
        assert!(
            TcpStream::connect(server.addr).is_err(),
            "nothing listens any more"
        );
    }
}

#[test]
fn silent_connections_are_closed_and_the_server_keeps_answering() {
    // --read-timeout 2: a request head not received within 2 s closes the connection.
    let server = Server::start_with(sample_index(), &["--read-timeout", "2"]);
    let silent = TcpStream::connect(server.addr).unwrap();
    let mut halfway = TcpStream::connect(server.addr).unwrap();
    halfway
        .write_all(b"GET /api/search?q=a HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    let started = std::time::Instant::now();
    for mut stream in [silent, halfway] {
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        let mut rest = Vec::new();
        let _ = stream.read_to_end(&mut rest);
        assert!(
            rest.is_empty() || rest.starts_with(b"HTTP/1.1 4"),
            "{}",
            String::from_utf8_lossy(&rest)
        );
    }
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(1500) && waited < Duration::from_secs(6),
        "closed after {waited:?}"
    );
    // A connection in use stays open across requests, and the server is well.
    let mut kept = TcpStream::connect(server.addr).unwrap();
    for _ in 0..2 {
        kept.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
        let mut buf = [0u8; 512];
        let n = kept.read(&mut buf).unwrap();
        assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
    }
    assert_eq!(server.get("/healthz").status, 200);
}

#[test]
fn a_client_that_never_finishes_its_request_cannot_keep_the_server_running() {
    let mut server = Server::start(sample_index());
    let mut stalled = TcpStream::connect(server.addr).unwrap();
    stalled
        .write_all(b"GET /api/search?q=a HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    signal(server.child.id(), "TERM");
    let mut status = None;
    assert!(
        wait_for(Duration::from_secs(20), || {
            status = server.child.try_wait().unwrap();
            status.is_some()
        }),
        "the server stops within its 10 s grace"
    );
    assert_eq!(status.unwrap().code(), Some(0));
}

#[test]
fn bad_addresses_and_missing_indexes_are_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    let output = baoku(&dir.path().join("none"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = support::stderr(&output);
    assert!(stderr.contains("no baoku index"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");

    let server = Server::start(sample_index());
    let taken = server.addr.to_string();
    let output = baoku(sample_index())
        .args(["serve", "--addr", &taken])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = support::stderr(&output);
    assert!(
        stderr.contains(&format!("cannot listen on {taken}")),
        "{stderr}"
    );

    let output = baoku(sample_index())
        .args(["serve", "--addr", "localhost"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let help = baoku(sample_index())
        .args(["serve", "--help"])
        .output()
        .unwrap();
    assert!(support::stdout(&help).contains("127.0.0.1:7700"));
}

/// The search page in headless Chromium, on a server that requires a token:
/// `tests/browser/search.mjs` gives a wrong then the right token, types a Chinese
/// query, holds the trend chart to `baoku trend --json`, brushes it, compares a second
/// query, exports a CSV and holds it to `search --export csv`, filters, pages, opens
/// an article and checks a phone-width screen.
#[test]
fn the_page_works_in_a_real_browser() {
    let Some(chromium) = support::browser() else {
        return;
    };
    let token = "browser-test-token-0123456789";
    // The sample corpus and a reprint of its seed article, so that a hit has one.
    let dir = tempfile::tempdir().unwrap();
    let index = support::index_sample_corpus_with(dir.path(), &[support::seed_reprint()]);
    let server = Server::start_with_token(&index, token, &[]);
    let shots = std::env::temp_dir().join("baoku-browser-screenshots");
    let printed = support::run_browser_script(
        &chromium,
        "search.mjs",
        &[&server.url(), shots.to_str().unwrap(), token],
        &[
            ("BAOKU_BROWSER_BIN", Path::new(env!("CARGO_BIN_EXE_baoku"))),
            ("BAOKU_BROWSER_INDEX", &index),
        ],
    );
    eprintln!("{}", printed.trim());
}

// ---- a server others can reach: tokens, limits, slow clients, TLS, CORS ----------

const TOKEN: &str = "newsroom-token-0123456789abcdef";

/// The status of `GET path` with `authorization` as the Authorization header.
fn status_with(server: &Server, path: &str, authorization: Option<&str>) -> Response {
    let headers: Vec<(&str, &str)> = authorization
        .map(|value| vec![("Authorization", value)])
        .unwrap_or_default();
    http(server.addr, "GET", path, &headers)
}

/// `baoku serve --addr ADDR ARGS…` must refuse to start: exit status 2 and one line
/// on stderr, which is returned.
fn refused_to_serve(addr: &str, args: &[&str]) -> String {
    let output = baoku(sample_index())
        .env_remove("BAOKU_TOKEN")
        .args(["serve", "--addr", addr])
        .args(args)
        .output()
        .unwrap();
    let stderr = support::stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
    stderr
}

#[test]
fn every_route_wants_the_token_except_the_page_the_description_and_health() {
    let server = Server::start_with_token(sample_index(), TOKEN, &[]);
    let id = server.search(&[("q", "乡村振兴")])["hits"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let article = format!("/api/articles/{}", percent_encode(&id));
    let right = format!("Bearer {TOKEN}");
    let lower = format!("bearer {TOKEN}");
    let wrong = format!("Bearer {TOKEN}x");
    let prefix = format!("Bearer {}", &TOKEN[..TOKEN.len() - 1]);
    let basic = format!("Basic {TOKEN}");
    let protected = [
        "/api/search?q=%E4%B9%A1%E6%9D%91%E6%8C%AF%E5%85%B4",
        article.as_str(),
        "/api/stats",
        "/metrics",
    ];
    for path in protected {
        for refused in [
            None,
            Some(wrong.as_str()),
            Some(prefix.as_str()),
            Some(basic.as_str()),
            Some("Bearer "),
        ] {
            let response = status_with(&server, path, refused);
            assert_eq!(
                response.status,
                401,
                "{path} with {refused:?}: {}",
                response.text()
            );
            assert_eq!(
                response.header("www-authenticate"),
                Some("Bearer realm=\"baoku\"")
            );
            assert!(response.error().contains("token"), "{path}");
        }
        for accepted in [&right, &lower] {
            let response = status_with(&server, path, Some(accepted));
            assert_eq!(
                response.status,
                200,
                "{path} with the token: {}",
                response.text()
            );
        }
    }
    // A wrong token gets nothing: not even whether an article exists.
    let missing = status_with(&server, "/api/articles/0000000000000000", None);
    assert_eq!(missing.status, 401);
    for open in [
        "/",
        "/app.js",
        "/style.css",
        "/api/openapi.json",
        "/healthz",
    ] {
        assert_eq!(
            status_with(&server, open, None).status,
            200,
            "{open} is open"
        );
    }
    assert_eq!(
        status_with(&server, "/nothing", None).status,
        401,
        "unknown paths too"
    );
    // Refusals are counted; no token is written anywhere.
    assert!(server.metric("baoku_requests_rejected_total{reason=\"unauthorized\"}") >= 20.0);
    let metrics = server.get("/metrics").text();
    let stderr = server.stderr();
    for text in [&metrics, &stderr] {
        assert!(
            !text.contains(TOKEN) && !text.contains(&TOKEN[..12]),
            "{text}"
        );
    }
    assert!(stderr.contains("API requests need a token"), "{stderr}");
}

#[test]
fn tokens_come_from_the_environment_or_a_file_that_is_read_again() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens");
    let (alice, bob) = ("alice-0123456789abcdef", "bob-0123456789abcdef00");
    std::fs::write(&file, format!("# one per colleague\n{alice}\n")).unwrap();
    let server = Server::start_with(sample_index(), &["--token-file", file.to_str().unwrap()]);
    let ask =
        |token: &str| status_with(&server, "/api/stats", Some(&format!("Bearer {token}"))).status;
    assert_eq!((ask(alice), ask(bob)), (200, 401));
    std::fs::write(&file, format!("{bob}\n")).unwrap();
    assert!(
        wait_for(Duration::from_secs(10), || ask(alice) == 401
            && ask(bob) == 200),
        "a changed token file is read again without a restart"
    );
    // A broken version is not taken: the tokens before it stay.
    std::fs::write(&file, "short\n").unwrap();
    assert!(wait_for(Duration::from_secs(10), || server
        .stderr()
        .contains("keeping the tokens")));
    assert_eq!(ask(bob), 200);
    assert!(server
        .stderr()
        .contains("tokens:1: a token must be at least 16 characters"));
    assert!(!server.stderr().contains(bob) && !server.stderr().contains("short\n"));

    // BAOKU_TOKEN, and a help text that does not show it.
    let from_env = Server::spawn_with_env(sample_index(), "127.0.0.1:0", &[], Some(TOKEN));
    let ask = |token: Option<&str>| {
        let authorization = token.map(|t| format!("Bearer {t}"));
        status_with(&from_env, "/api/stats", authorization.as_deref()).status
    };
    assert_eq!((ask(None), ask(Some(TOKEN))), (401, 200));
    drop(from_env);
    let help = baoku(sample_index())
        .args(["serve", "--help"])
        .env("BAOKU_TOKEN", TOKEN)
        .output()
        .unwrap();
    let help = support::stdout(&help);
    assert!(
        help.contains("BAOKU_TOKEN") && !help.contains(TOKEN),
        "{help}"
    );
}

#[test]
fn an_exposed_address_without_a_token_is_refused_in_one_line() {
    for addr in ["0.0.0.0:0", "[::]:0"] {
        let stderr = refused_to_serve(addr, &[]);
        assert!(
            stderr.contains("refusing to serve")
                && stderr.contains("--token")
                && stderr.contains("--public"),
            "{stderr}"
        );
    }
    for bad in [
        &["--token", "short"][..],
        &["--token-file", "/nonexistent/tokens"][..],
    ] {
        let stderr = refused_to_serve("127.0.0.1:0", bad);
        assert!(
            !stderr.contains("short"),
            "the token is not repeated: {stderr}"
        );
    }
    // --public says the archive is meant to be public; a token is the other way.
    // (Nothing is sent to these addresses but over loopback.)
    let public = Server::spawn(sample_index(), "0.0.0.0:0", &["--public"]);
    assert_eq!(public.get("/api/stats").status, 200);
    assert!(wait_for(Duration::from_secs(5), || public
        .stderr()
        .contains("needs no token (--public)")));
    drop(public);
    let guarded = Server::spawn(sample_index(), "0.0.0.0:0", &["--token", TOKEN]);
    assert_eq!(guarded.get("/api/stats").status, 401);
    assert!(wait_for(Duration::from_secs(5), || guarded
        .stderr()
        .contains("over plain HTTP")));
}

#[test]
fn a_client_over_its_rate_gets_429_with_retry_after() {
    let server = Server::start_with(sample_index(), &["--rate", "2"]);
    // Bursts of twice the rate are allowed.
    for n in 0..4 {
        assert_eq!(server.get("/api/stats").status, 200, "request {n}");
    }
    let refused = server.get("/api/stats");
    assert_eq!(refused.status, 429, "{}", refused.text());
    assert_eq!(refused.header("retry-after"), Some("1"));
    assert!(
        refused.error().contains("at most 2 a second"),
        "{}",
        refused.text()
    );
    assert_eq!(
        server.get("/healthz").status,
        200,
        "a monitor is never refused"
    );
    std::thread::sleep(Duration::from_millis(1100));
    assert_eq!(
        server.get("/api/stats").status,
        200,
        "the rate allows more a moment later"
    );
    assert!(server.metric("baoku_requests_rejected_total{reason=\"rate_limited\"}") >= 1.0);
}

/// A TCP connection to `server` from loopback address `from` (127.0.0.2, …).
fn connect_from(from: [u8; 4], server: SocketAddr) -> TcpStream {
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    socket.bind(&SocketAddr::from((from, 0)).into()).unwrap();
    socket.connect(&server.into()).unwrap();
    socket.into()
}

/// Whether the server closes `stream` (without answering) within `limit`.
fn closed_within(stream: &mut TcpStream, limit: Duration) -> bool {
    stream.set_read_timeout(Some(limit)).unwrap();
    let mut buf = [0u8; 64];
    match stream.read(&mut buf) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => !matches!(
            e.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        ),
    }
}

#[test]
fn one_client_cannot_hold_every_connection() {
    let server = Server::start_with(sample_index(), &["--client-connections", "3"]);
    let mut held: Vec<TcpStream> = (0..3)
        .map(|_| TcpStream::connect(server.addr).unwrap())
        .collect();
    let mut fourth = TcpStream::connect(server.addr).unwrap();
    assert!(
        closed_within(&mut fourth, Duration::from_secs(3)),
        "a fourth connection is closed at once"
    );
    // Another machine (another loopback address here) is served.
    let mut other = connect_from([127, 0, 0, 2], server.addr);
    other
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut answer = Vec::new();
    other.read_to_end(&mut answer).unwrap();
    assert!(
        answer.starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&answer)
    );
    // A connection given back makes room again.
    held.pop();
    assert!(wait_for(Duration::from_secs(5), || {
        let mut again = TcpStream::connect(server.addr).unwrap();
        again
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .is_ok()
            && {
                let mut answer = Vec::new();
                let _ = again.read_to_end(&mut answer);
                answer.starts_with(b"HTTP/1.1 200")
            }
    }));
    // The metrics are read on a connection of their own: with every connection
    // given back, whether or not the server has yet seen the last one close.
    drop(held);
    assert!(
        server.metric("baoku_connections_closed_total{reason=\"too_many_connections\"}") >= 1.0
    );
}

/// Slowloris: 200 connections from four other loopback addresses, each trickling its
/// request head a byte at a time, never finishing. A normal client must still be
/// answered within 1 s all along, and every trickler must be cut at the head deadline
/// (2 s here), not later. Loopback only, bounded to about 8 s.
#[test]
fn trickling_connections_are_cut_and_do_not_stop_a_normal_client() {
    const TRICKLERS: usize = 200;
    let deadline = Duration::from_secs(2);
    let server = Server::start_with(sample_index(), &["--read-timeout", "2"]);
    let addr = server.addr;
    let started = std::time::Instant::now();
    let mut tricklers: Vec<(TcpStream, Option<Duration>)> = (0..TRICKLERS)
        .map(|i| {
            let mut stream = connect_from([127, 0, 0, 2 + (i % 4) as u8], addr);
            stream.write_all(b"GET /api/search?q=").unwrap();
            stream.set_nonblocking(true).unwrap();
            (stream, None)
        })
        .collect();
    let normal = std::thread::spawn(move || {
        let mut slowest = Duration::ZERO;
        let begun = std::time::Instant::now();
        while begun.elapsed() < Duration::from_secs(4) {
            let asked = std::time::Instant::now();
            let response = http(
                addr,
                "GET",
                "/api/search?q=%E4%B9%A1%E6%9D%91%E6%8C%AF%E5%85%B4",
                &[],
            );
            assert_eq!(response.status, 200);
            slowest = slowest.max(asked.elapsed());
            std::thread::sleep(Duration::from_millis(100));
        }
        slowest
    });
    let mut buf = [0u8; 256];
    while started.elapsed() < Duration::from_secs(8)
        && tricklers.iter().any(|(_, cut)| cut.is_none())
    {
        for (stream, cut) in tricklers.iter_mut().filter(|(_, cut)| cut.is_none()) {
            let _ = stream.write(b"a");
            let gone = match stream.read(&mut buf) {
                Ok(0) => true,
                // The 408 answer, then the close.
                Ok(_) => false,
                Err(e) => e.kind() != std::io::ErrorKind::WouldBlock,
            };
            if gone {
                *cut = Some(started.elapsed());
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let slowest = normal.join().unwrap();
    assert!(
        slowest < Duration::from_secs(1),
        "a normal client waited {slowest:?}"
    );
    let cuts: Vec<Duration> = tricklers.iter().filter_map(|(_, cut)| *cut).collect();
    assert_eq!(cuts.len(), TRICKLERS, "every trickling connection is cut");
    let (first, last) = (cuts.iter().min().unwrap(), cuts.iter().max().unwrap());
    eprintln!(
        "slowloris: {TRICKLERS} trickling connections cut {first:?}–{last:?} after they opened \
         (deadline {deadline:?}); slowest answer to the normal client {slowest:?}"
    );
    assert!(
        *first >= deadline - Duration::from_millis(300)
            && *last <= deadline + Duration::from_secs(3),
        "cut between {first:?} and {last:?} for a {deadline:?} deadline"
    );
    assert!(
        server.metric("baoku_connections_closed_total{reason=\"header_timeout\"}")
            >= TRICKLERS as f64
    );
}

#[test]
fn oversized_requests_are_refused_before_any_work() {
    let server = Server::start(sample_index());
    let body = server.request("GET", "/api/search?q=a", &[("Content-Length", "5")]);
    // (The body itself is never sent, nor waited for.)
    assert_eq!(body.status, 413, "{}", body.text());
    assert!(body.error().contains("no body"));
    let long = server.get(&format!("/api/search?q={}", "%E5%AD%97".repeat(2000)));
    assert_eq!(long.status, 414, "{}", long.text());
    assert!(long.error().contains("at most 16384"));
    let filler = "x".repeat(1000);
    let headers: Vec<(String, &str)> = (0..40)
        .map(|i| (format!("X-Filler-{i}"), filler.as_str()))
        .collect();
    let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (n.as_str(), *v)).collect();
    let huge = server.request("GET", "/healthz", &headers);
    assert_eq!(huge.status, 431);
    assert_eq!(server.get("/healthz").status, 200);
}

#[test]
fn metrics_count_requests_latency_refusals_and_the_cache() {
    let server = Server::start(sample_index());
    for _ in 0..3 {
        assert_eq!(server.get("/api/search?q=%E5%8F%B0%E9%A3%8E").status, 200);
    }
    assert_eq!(server.get("/api/search?q=a&limit=999").status, 400);
    let response = server.get("/metrics");
    assert_eq!(response.status, 200);
    assert_eq!(
        response.header("content-type"),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
    assert_eq!(
        server.metric("baoku_http_requests_total{route=\"search\",status=\"200\"}"),
        3.0
    );
    assert_eq!(
        server.metric("baoku_http_requests_total{route=\"search\",status=\"400\"}"),
        1.0
    );
    assert_eq!(
        server.metric("baoku_http_request_duration_seconds_count{route=\"search\"}"),
        4.0
    );
    assert!(
        server.metric("baoku_cache_hits_total") + server.metric("baoku_cache_misses_total") >= 3.0
    );
    assert_eq!(server.metric("baoku_articles"), 24.0);
    assert!(server.metric("baoku_connections_accepted_total") >= 5.0);
}

#[test]
fn cross_origin_reads_are_off_unless_one_origin_is_named() {
    let intranet = "https://intranet.example.org";
    let preflight = [
        ("Origin", intranet),
        ("Access-Control-Request-Method", "GET"),
        ("Access-Control-Request-Headers", "authorization"),
    ];
    let closed = Server::start(sample_index());
    let response = closed.request("GET", "/api/stats", &[("Origin", intranet)]);
    assert_eq!(response.status, 200);
    assert_eq!(response.header("access-control-allow-origin"), None);
    assert_eq!(
        closed.request("OPTIONS", "/api/stats", &preflight).status,
        405
    );

    let open = Server::start_with_token(sample_index(), TOKEN, &["--cors", intranet]);
    let response = open.request("GET", "/api/stats", &[("Origin", intranet)]);
    assert_eq!(
        response.header("access-control-allow-origin"),
        Some(intranet)
    );
    assert!(response.header("vary").unwrap().contains("origin"));
    // The preflight carries no token; it is answered all the same.
    let answer = http(open.addr, "OPTIONS", "/api/stats", &preflight);
    assert_eq!(answer.status, 204);
    assert_eq!(answer.header("access-control-allow-origin"), Some(intranet));
    assert!(answer
        .header("access-control-allow-headers")
        .unwrap()
        .contains("authorization"));
    // A 401 is readable by the allowed page too (so it can ask for the token).
    let refused = http(open.addr, "GET", "/api/stats", &[("Origin", intranet)]);
    assert_eq!(refused.status, 401);
    assert_eq!(
        refused.header("access-control-allow-origin"),
        Some(intranet)
    );
    for other in [
        "https://evil.example",
        "https://intranet.example.org.evil.example",
        "null",
    ] {
        let response = open.request("GET", "/api/stats", &[("Origin", other)]);
        assert_eq!(
            response.header("access-control-allow-origin"),
            None,
            "{other}"
        );
        let preflight = [("Origin", other), ("Access-Control-Request-Method", "GET")];
        assert_ne!(
            http(open.addr, "OPTIONS", "/api/stats", &preflight).status,
            204,
            "{other}"
        );
    }
    let stderr = refused_to_serve(
        "127.0.0.1:0",
        &["--cors", "https://intranet.example.org/page"],
    );
    assert!(stderr.contains("no path"), "{stderr}");
}

/// A TLS client that trusts only `cert` (PEM), asking `request` on a new connection.
fn https(addr: SocketAddr, cert: &str, request: &str) -> Response {
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(rustls::pki_types::CertificateDer::from_pem_slice(cert.as_bytes()).unwrap())
        .unwrap();
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
    let connection = rustls::ClientConnection::new(std::sync::Arc::new(config), name).unwrap();
    let mut tls = rustls::StreamOwned::new(connection, TcpStream::connect(addr).unwrap());
    tls.sock
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    tls.write_all(request.as_bytes()).unwrap();
    let mut raw = Vec::new();
    match tls.read_to_end(&mut raw) {
        Ok(_) => {}
        // A server that closes without close_notify after `Connection: close`.
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {}
        Err(e) => panic!("TLS read: {e}"),
    }
    parse_response(raw)
}

#[test]
fn https_with_a_self_signed_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let (cert, key) = (certified.cert.pem(), certified.signing_key.serialize_pem());
    let (cert_file, key_file) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert_file, &cert).unwrap();
    std::fs::write(&key_file, &key).unwrap();
    let (cert_arg, key_arg) = (cert_file.to_str().unwrap(), key_file.to_str().unwrap());
    let server = Server::start_with_token(
        sample_index(),
        TOKEN,
        &["--tls-cert", cert_arg, "--tls-key", key_arg],
    );
    assert!(
        server.url().starts_with("https://127.0.0.1:"),
        "{}",
        server.url()
    );
    let ask = |path: &str, token: bool| {
        let authorization = if token {
            format!("Authorization: Bearer {TOKEN}\r\n")
        } else {
            String::new()
        };
        https(server.addr, &cert, &format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n{authorization}Connection: close\r\n\r\n"))
    };
    assert_eq!(ask("/healthz", false).status, 200);
    assert_eq!(ask("/api/stats", false).status, 401);
    let search = ask("/api/search?q=%E4%B9%A1%E6%9D%91%E6%8C%AF%E5%85%B4", true);
    assert_eq!(search.status, 200);
    assert_eq!(
        without_time(search.json()),
        without_time(cli_search(sample_index(), &[("q", "乡村振兴")])),
        "the same answer over TLS"
    );
    // Plain HTTP to the TLS port gets no HTTP answer, and breaks nothing.
    let mut plain = TcpStream::connect(server.addr).unwrap();
    plain
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    plain
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut raw = Vec::new();
    let _ = plain.read_to_end(&mut raw);
    assert!(
        !raw.starts_with(b"HTTP/"),
        "{}",
        String::from_utf8_lossy(&raw)
    );
    assert_eq!(ask("/healthz", false).status, 200);

    // Bad files are one-line errors naming the flag.
    let garbage = dir.path().join("garbage.pem");
    std::fs::write(&garbage, "not a key").unwrap();
    let other_key = rcgen::KeyPair::generate().unwrap().serialize_pem();
    let other_key_file = dir.path().join("other.pem");
    std::fs::write(&other_key_file, other_key).unwrap();
    for (args, needle) in [
        (
            vec![
                "--tls-cert",
                cert_arg,
                "--tls-key",
                garbage.to_str().unwrap(),
            ],
            "--tls-key",
        ),
        (
            vec!["--tls-cert", "/nonexistent.pem", "--tls-key", key_arg],
            "--tls-cert /nonexistent.pem",
        ),
        (
            vec!["--tls-cert", key_arg, "--tls-key", key_arg],
            "--tls-cert",
        ),
        (
            vec![
                "--tls-cert",
                cert_arg,
                "--tls-key",
                other_key_file.to_str().unwrap(),
            ],
            "does not fit",
        ),
        (
            vec!["--tls-cert", cert_arg],
            "--tls-cert and --tls-key go together",
        ),
    ] {
        let stderr = refused_to_serve("127.0.0.1:0", &args);
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
    }
}
