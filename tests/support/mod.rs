//! Helpers shared by the integration tests: running the real
//! `baoku` binary, measuring its peak memory, generating corpora, listing the ids an
//! index holds. Not a test file itself.
#![allow(dead_code)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The `baoku` binary with none of its settings from the environment (`BAOKU_INDEX`,
/// `NO_COLOR`, fault injection): each test says what it wants.
pub fn baoku_command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_baoku"));
    command
        .env_remove("BAOKU_INDEX")
        .env_remove("BAOKU_ENGINE")
        .env_remove("NO_COLOR")
        .env_remove("BAOKU_TEST_FAIL_WRITES_AFTER");
    command
}

/// [`baoku_command`] on the index in `index`.
pub fn baoku(index: &Path) -> Command {
    let mut command = baoku_command();
    command.arg("--index").arg(index);
    command
}

pub fn run(index: &Path, args: &[&str]) -> Output {
    baoku(index).args(args).output().unwrap()
}

/// What the command wrote to stderr (which must be UTF-8).
pub fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8")
}

/// What the command wrote to stdout (which must be UTF-8).
pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

/// An index of `sample_corpus/`, built once per test binary for the tests that only
/// read it.
pub fn sample_index() -> &'static Path {
    static INDEX: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_dir, index) = INDEX.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let index = index_sample_corpus(dir.path());
        (dir, index)
    });
    index
}

/// `baoku search --json ARGS` on `index`: its one JSON document and exit status
/// (0 or 1; anything else fails the test).
pub fn search_json(index: &Path, args: &[&str]) -> (Value, i32) {
    let output = baoku(index)
        .arg("search")
        .arg("--json")
        .args(args)
        .output()
        .unwrap();
    let code = output.status.code().unwrap();
    assert!(
        code == 0 || code == 1,
        "{args:?}: exit {code}: {}",
        stderr(&output)
    );
    let text = stdout(&output);
    assert_eq!(text.lines().count(), 1, "exactly one JSON document: {text}");
    (serde_json::from_str(&text).expect("valid JSON"), code)
}

/// The results with only the hits that match as written (not the partial hits that
/// follow a short list of exact ones).
pub fn exact_hits(mut results: Value) -> Value {
    if let Some(hits) = results["hits"].as_array_mut() {
        hits.retain(|h| h["partial"] == false);
    }
    results
}

/// The titles of a search document's hits, in order.
pub fn titles(results: &Value) -> Vec<String> {
    hit_strings(results, "title")
}

/// The ids of a search document's hits, in order.
pub fn hit_ids(results: &Value) -> Vec<String> {
    hit_strings(results, "id")
}

/// One string field of every hit, in order ("" where it is null).
pub fn hit_strings(results: &Value, key: &str) -> Vec<String> {
    results["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| h[key].as_str().unwrap_or("").to_string())
        .collect()
}

/// A search document's `total`.
pub fn total(results: &Value) -> u64 {
    results["total"].as_u64().expect("total")
}

/// The characters of `text` that a highlight `[start, end)` covers; the range must be
/// non-empty and inside the text.
pub fn chars_of(text: &str, range: &Value) -> String {
    let start = range[0].as_u64().unwrap() as usize;
    let end = range[1].as_u64().unwrap() as usize;
    assert!(start < end, "empty range {range}");
    let chars: Vec<char> = text.chars().collect();
    assert!(end <= chars.len(), "range {range} outside {text:?}");
    chars[start..end].iter().collect()
}

/// The titles of the articles that match `query` as written (up to 100): none when
/// only a relaxed answer was found, and without the partial hits that follow a short
/// list of exact ones.
pub fn exact_titles(index: &Path, query: &str) -> Vec<String> {
    let (results, _) = search_json(index, &["--limit", "100", query]);
    if results["mode"] != "all" {
        return Vec::new();
    }
    titles(&exact_hits(results))
}

/// The project's `sample_corpus/` folder.
pub fn sample_corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_corpus")
}

/// An index of `sample_corpus/` made in `dir` by `baoku index`; returns its path.
pub fn index_sample_corpus(dir: &Path) -> PathBuf {
    let index = dir.join("index");
    let output = run(&index, &["index", sample_corpus().to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    index
}

/// A sentence of nothing in particular, to pad articles written by the tests.
pub const FILLER: &str =
    "会议还听取了其他方面的工作汇报，并对下一阶段的任务作出了部署安排，要求各部门认真抓好落实。";

/// The id of the seed article of `sample_corpus/` (在新起点上接续奋斗, 吉林日报,
/// 2022-05-17): derived from what it is, the same on every machine.
pub const SEED_ID: &str = "e6b4d57ddc20e96b";

/// A reprint of the seed article as a record: id `seed-reprint`, 新华网, 2022-05-18,
/// the seed's body behind the wire's dateline (an exact copy is not stored twice), so
/// that a search collapses the two into one hit with one reprint.
pub fn seed_reprint() -> Value {
    let seed = run(sample_index(), &["show", SEED_ID, "--json"]);
    let seed: Value = serde_json::from_slice(&seed.stdout).unwrap();
    serde_json::json!({
        "id": "seed-reprint", "title": seed["title"], "date": "2022-05-18",
        "source": "新华网",
        "body": format!("新华网长春5月18日电 {}", seed["body"].as_str().unwrap()),
    })
}

/// An index of `sample_corpus/` and the JSON `records` (written to `extra.jsonl` in
/// `dir`), made in `dir/index` by `baoku index`; returns its path.
pub fn index_sample_corpus_with(dir: &Path, records: &[Value]) -> PathBuf {
    let extra = dir.join("extra.jsonl");
    let lines: String = records.iter().map(|r| format!("{r}\n")).collect();
    std::fs::write(&extra, lines).unwrap();
    let index = dir.join("index");
    let output = baoku(&index)
        .arg("index")
        .arg(sample_corpus())
        .arg(&extra)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    index
}

/// An index of the JSON `records` alone (written to `records.jsonl` in `dir`), made
/// in `dir/index` by `baoku index`; returns its path.
pub fn index_records(dir: &Path, records: &[Value]) -> PathBuf {
    let file = dir.join("records.jsonl");
    let lines: String = records.iter().map(|r| format!("{r}\n")).collect();
    std::fs::write(&file, lines).unwrap();
    let index = dir.join("index");
    let output = baoku(&index)
        .args(["index", "--quiet"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    index
}

/// An index of short articles `(id, date, source, body)`, each titled "`id` 报道",
/// made by [`index_records`].
pub fn index_articles(dir: &Path, articles: &[(&str, Option<&str>, &str, &str)]) -> PathBuf {
    let records: Vec<Value> = articles
        .iter()
        .map(|(id, date, source, body)| {
            serde_json::json!({
                "id": id, "title": format!("{id} 报道"), "date": date, "source": source, "body": body,
            })
        })
        .collect();
    index_records(dir, &records)
}

/// Starts `baoku index` in the background, its output in files under `logs`.
pub fn spawn_index(index: &Path, args: &[&str], logs: &Path) -> Child {
    std::fs::create_dir_all(logs).unwrap();
    baoku(index)
        .arg("index")
        .args(args)
        .stdout(Stdio::from(
            std::fs::File::create(logs.join("stdout")).unwrap(),
        ))
        .stderr(Stdio::from(
            std::fs::File::create(logs.join("stderr")).unwrap(),
        ))
        .spawn()
        .unwrap()
}

/// Runs a command to its end and returns its output with its peak resident memory
/// (VmHWM, in MB), sampled from /proc while it runs.
pub fn run_measured(mut command: Command) -> (Output, u64) {
    let logs = tempfile::tempdir().unwrap();
    let (out, err) = (logs.path().join("out"), logs.path().join("err"));
    let mut child = command
        .stdout(Stdio::from(std::fs::File::create(&out).unwrap()))
        .stderr(Stdio::from(std::fs::File::create(&err).unwrap()))
        .spawn()
        .unwrap();
    let status_file = PathBuf::from(format!("/proc/{}/status", child.id()));
    let mut peak_kb = 0u64;
    let status = loop {
        if let Ok(text) = std::fs::read_to_string(&status_file) {
            if let Some(line) = text.lines().find(|l| l.starts_with("VmHWM:")) {
                let kb: u64 = line
                    .split_whitespace()
                    .nth(1)
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(0);
                peak_kb = peak_kb.max(kb);
            }
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let output = Output {
        status,
        stdout: std::fs::read(&out).unwrap(),
        stderr: std::fs::read(&err).unwrap(),
    };
    (output, peak_kb / 1024)
}

/// Articles in the index, as `baoku stats` counts them.
pub fn articles(index: &Path) -> u64 {
    let output = run(index, &["stats", "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let stats: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    stats["articles"].as_u64().unwrap()
}

/// The id of every live article, in no particular order (duplicates kept).
pub fn ids(index: &Path) -> Vec<String> {
    use tantivy::schema::Value;
    let archive = baoku::Archive::open(index).unwrap();
    let searcher = archive.searcher();
    let field = archive.schema().fields().id;
    let mut ids = Vec::new();
    for (ordinal, segment) in searcher.segment_readers().iter().enumerate() {
        for doc in 0..segment.max_doc() {
            if segment.is_deleted(doc) {
                continue;
            }
            let stored: tantivy::TantivyDocument = searcher
                .doc(tantivy::DocAddress::new(ordinal as u32, doc))
                .unwrap();
            ids.push(
                stored
                    .get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap()
                    .to_string(),
            );
        }
    }
    ids
}

/// A JSON Lines corpus of `files` files of `per_file` distinct articles each, named
/// so that walking order is file order; returns every id in reading order.
pub fn synthetic_corpus(dir: &Path, files: usize, per_file: usize) -> Vec<String> {
    synthetic_corpus_named(dir, "f", files, per_file)
}

/// Like [`synthetic_corpus`], with ids and texts that start with `prefix`.
pub fn synthetic_corpus_named(
    dir: &Path,
    prefix: &str,
    files: usize,
    per_file: usize,
) -> Vec<String> {
    std::fs::create_dir_all(dir).unwrap();
    let mut all = Vec::new();
    for f in 0..files {
        let mut text = String::new();
        for n in 0..per_file {
            let id = format!("{prefix}{f:03}-{n:05}");
            let body = format!(
                "{prefix}第{f}号文件第{n}篇报道。吉林省乡村振兴局揭牌，全省脱贫群众人均收入达到{}元，\
                 比上年增长{}.{}%。记者走访了{}个村，农民专业合作社{}家，产业项目{}个。",
                10_000 + n * 7 + f,
                n % 17,
                f % 10,
                n % 300 + 1,
                (n * 13 + f) % 997,
                (n * 31 + f * 7) % 503
            );
            let record = serde_json::json!({
                "id": id,
                "title": format!("乡村振兴第{f}组第{n}篇"),
                "date": format!("2022-{:02}-{:02}", n % 12 + 1, n % 28 + 1),
                "source": "测试日报",
                "body": body.repeat(3),
            });
            text.push_str(&record.to_string());
            text.push('\n');
            all.push(id);
        }
        std::fs::write(dir.join(format!("part-{f:03}.jsonl")), text).unwrap();
    }
    all
}

/// Waits until `condition` holds, at most `limit`.
pub fn wait_for(limit: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if condition() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    false
}

/// Sends a signal (`INT`, `TERM`) to a process.
pub fn signal(pid: u32, name: &str) {
    let status = Command::new("kill")
        .arg(format!("-{name}"))
        .arg(pid.to_string())
        .status()
        .unwrap();
    assert!(status.success());
}

/// A small deterministic random generator (xorshift), so that a failing run of the
/// kill tests can be repeated with the seed it prints.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A duration uniformly in `[0, max)`.
    pub fn below(&mut self, max: Duration) -> Duration {
        let nanos = max.as_nanos().max(1) as u64;
        Duration::from_nanos(self.next() % nanos)
    }
}

/// Chromium, node and playwright-core for the scripts in `tests/browser/`: Chromium's
/// path when all three are here, else `None` after saying `skipping browser test: …`
/// — a failure when `BAOKU_REQUIRE_BROWSER` is set (CI installs them; `.ci/run`).
pub fn browser() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let chromium = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    let skip = if !chromium.exists() {
        format!(
            "{} not found (apt-get install chromium, or set CHROMIUM)",
            chromium.display()
        )
    } else if Command::new("node").arg("--version").output().is_err() {
        "node not found (apt-get install nodejs npm)".to_string()
    } else if !root
        .join("tests/browser/node_modules/playwright-core")
        .is_dir()
    {
        "playwright-core not installed (run `npm ci` in tests/browser)".to_string()
    } else {
        return Some(chromium);
    };
    assert!(
        std::env::var_os("BAOKU_REQUIRE_BROWSER").is_none(),
        "browser test required but cannot run: {skip}"
    );
    eprintln!("skipping browser test: {skip}");
    None
}

/// Runs `tests/browser/SCRIPT` with node, `args` and the environment variables `envs`
/// (none of baoku's own from the test's environment), and asserts that it passed (it
/// prints `… passed` on its last line); returns what it printed.
pub fn run_browser_script(
    chromium: &Path,
    script: &str,
    args: &[&str],
    envs: &[(&str, &Path)],
) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = Command::new("node")
        .arg(root.join("tests/browser").join(script))
        .args(args)
        .env("CHROMIUM", chromium)
        .envs(envs.iter().copied())
        .env_remove("BAOKU_INDEX")
        .env_remove("BAOKU_ENGINE")
        .output()
        .unwrap();
    let (out, err) = (stdout(&output), stderr(&output));
    assert!(
        output.status.success() && out.contains(" passed"),
        "browser test {script} failed:\n{out}\n{err}"
    );
    out
}

/// `text` as it stands in a URL's query (every byte but the unreserved ones escaped).
pub fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The `text` blocks of the README section that starts at `heading` and ends before
/// the next heading starting with `until` (`"\n## "`, `"\n### "`).
pub fn readme_blocks(heading: &str, until: &str) -> Vec<String> {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let start = readme.find(heading).expect("the README section");
    let end = start + readme[start..].find(until).expect("a section after it");
    readme[start..end]
        .split("```text\n")
        .skip(1)
        .map(|b| b.split("```").next().unwrap().to_string())
        .collect()
}

/// Runs each `$ baoku …` line of `blocks` on the sample index, in `dir`, and asserts
/// that it prints exactly the lines below it (but for the time a search took);
/// returns how many ran.
pub fn run_readme_examples(blocks: &[String], dir: &Path) -> usize {
    let mut ran = 0;
    for block in blocks {
        let mut lines = block.lines().peekable();
        while let Some(line) = lines.next() {
            let Some(command) = line.strip_prefix("$ baoku ") else {
                continue;
            };
            let mut expected = String::new();
            while let Some(next) = lines.next_if(|l| !l.starts_with("$ ")) {
                expected.push_str(next);
                expected.push('\n');
            }
            let args: Vec<&str> = command.split_whitespace().collect();
            let output = baoku(sample_index())
                .args(&args)
                .current_dir(dir)
                .output()
                .unwrap();
            assert!(output.status.success(), "{command}: {}", stderr(&output));
            assert_eq!(
                without_timing(&stdout(&output)),
                without_timing(&expected),
                "README: $ baoku {command}"
            );
            ran += 1;
        }
    }
    ran
}

/// `text` with the time a search took (`· 6.2 ms` ending its first line) left out: it
/// is never the same twice.
fn without_timing(text: &str) -> String {
    text.lines()
        .map(|line| match line.rsplit_once(" · ") {
            Some((head, tail))
                if tail
                    .strip_suffix(" ms")
                    .is_some_and(|n| n.parse::<f64>().is_ok()) =>
            {
                format!("{head} · … ms")
            }
            _ => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}
