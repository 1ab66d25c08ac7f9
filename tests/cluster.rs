//! `--engine URL` against a real multi-node OpenSearch cluster (issue 18): the
//! embedded index and the cluster given the same articles must answer the bench
//! queries alike, and a node killed with `kill -9` in the middle of a bulk ingest
//! must neither lose nor duplicate an article.
//!
//! The cluster is started by `.ci/run` (`tests/cluster/start.sh DIR`), which passes
//! `BAOKU_CLUSTER_URL` and `BAOKU_CLUSTER_DIR` and sets `BAOKU_REQUIRE_CLUSTER=1`:
//! there a skip is a failure. Elsewhere, without them, the tests say
//! `skipping cluster tests: …` and pass. By hand:
//!
//! ```sh
//! export BAOKU_CLUSTER_DIR=/tmp/baoku-cluster
//! export BAOKU_CLUSTER_URL=$(tests/cluster/start.sh $BAOKU_CLUSTER_DIR)
//! cargo test --release --test cluster -- --nocapture
//! tests/cluster/stop.sh $BAOKU_CLUSTER_DIR
//! ```

mod support;

use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use support::*;

/// One test at a time: the kill test takes nodes away from everyone.
static CLUSTER: Mutex<()> = Mutex::new(());

/// The cluster's URL (and the folder start.sh ran it in, for the kill test), or
/// `None` after printing why the tests are skipped.
fn cluster() -> Option<(String, Option<PathBuf>)> {
    let url = std::env::var("BAOKU_CLUSTER_URL")
        .ok()
        .filter(|u| !u.is_empty());
    let dir = std::env::var("BAOKU_CLUSTER_DIR").ok().map(PathBuf::from);
    match url {
        Some(url) => Some((url.trim_end_matches('/').to_string(), dir)),
        None => {
            let why = match (which("java"), which("mvn")) {
                (false, _) => "no java (a JDK 17+) on PATH",
                (_, false) => "no mvn (Maven) on PATH",
                _ => {
                    "BAOKU_CLUSTER_URL is not set (start a cluster with tests/cluster/start.sh DIR)"
                }
            };
            assert!(
                std::env::var_os("BAOKU_REQUIRE_CLUSTER").is_none(),
                "BAOKU_REQUIRE_CLUSTER is set but the cluster tests cannot run: {why}"
            );
            eprintln!("skipping cluster tests: {why}");
            None
        }
    }
}

fn which(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
}

fn shared_corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")
}

/// `baoku --engine URL ARGS`.
fn on_engine(engine: &str, args: &[&str]) -> Output {
    let mut command = baoku_command();
    command.arg("--engine").arg(engine).args(args);
    command.output().unwrap()
}

/// A name no other run of the tests uses.
fn index_name(what: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!(
        "baoku-test-{what}-{}-{}",
        std::process::id(),
        nanos % 1_000_000_000
    )
}

fn http(method: &str, url: &str) -> (u16, Value) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into();
    let response = match method {
        "DELETE" => agent.delete(url).call(),
        "POST" => agent.post(url).send_empty(),
        _ => agent.get(url).call(),
    };
    match response {
        Ok(mut response) => {
            let status = response.status().as_u16();
            let text = response.body_mut().read_to_string().unwrap_or_default();
            (status, serde_json::from_str(&text).unwrap_or(Value::Null))
        }
        Err(_) => (0, Value::Null),
    }
}

/// Deletes a test's index and its record of the inputs read (`NAME.inputs`).
fn drop_index(engine: &str) {
    for name in [engine.to_string(), format!("{engine}.inputs")] {
        http("DELETE", &name);
    }
}

/// Documents in the index after a refresh, and whether each `_id` is held once.
fn count(url: &str, index: &str) -> u64 {
    http("POST", &format!("{url}/{index}/_refresh"));
    let (status, body) = http("GET", &format!("{url}/{index}/_count"));
    assert_eq!(status, 200, "{body}");
    body["count"].as_u64().unwrap()
}

/// `command serve --addr 127.0.0.1:0 ARGS` (a port of its own), stopped when dropped.
struct Served {
    child: std::process::Child,
    /// `http://127.0.0.1:PORT` or `https://…`, without the final slash.
    base: String,
}

impl Served {
    fn start(mut command: Command, args: &[&str]) -> Served {
        let mut child = command
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let base = line
            .trim()
            .strip_prefix("baoku serving ")
            .unwrap_or_else(|| panic!("serve printed {line:?}"))
            .trim_end_matches('/')
            .to_string();
        Served { child, base }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Writes the first `n` records of a shared corpus file into `out`, `per_file` to a
/// file; returns the files.
fn corpus_slice(name: &str, n: usize, per_file: usize, out: &Path) -> Vec<PathBuf> {
    let file = std::fs::File::open(shared_corpus().join(name)).unwrap();
    let reader = std::io::BufReader::new(zstd::Decoder::new(file).unwrap());
    let mut files = Vec::new();
    let mut writer: Option<std::fs::File> = None;
    for (i, line) in reader.lines().take(n).enumerate() {
        if i % per_file == 0 {
            let path = out.join(format!(
                "{}-{:03}.jsonl",
                name.split('.').next().unwrap(),
                i / per_file
            ));
            writer = Some(std::fs::File::create(&path).unwrap());
            files.push(path);
        }
        writeln!(writer.as_mut().unwrap(), "{}", line.unwrap()).unwrap();
    }
    files
}

/// The bench queries as `qid\tquery` lines.
fn bench_queries() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/relevance/queries");
    let mut text = String::new();
    for name in [
        "ki_cctv.tsv",
        "ki_hkcnews_trad.tsv",
        "ki_inews.tsv",
        "phrase.tsv",
        "single_word.tsv",
        "two_word.tsv",
        "traditional.tsv",
        "topical_cctv.tsv",
        "topical_hkcnews.tsv",
    ] {
        text.push_str(&std::fs::read_to_string(dir.join(name)).unwrap());
    }
    text
}

fn batch(output: &Output) -> HashMap<String, Value> {
    assert!(output.status.success(), "{}", stderr(output));
    stdout(output)
        .lines()
        .map(|line| {
            let record: Value = serde_json::from_str(line).unwrap();
            (record["qid"].as_str().unwrap().to_string(), record)
        })
        .collect()
}

/// An exact hit: id, score and title.
type Ranked = (String, f64, String);

/// The exact hits of a result (not the partial ones the embedded index adds when
/// few articles hold every word).
fn exact_hits(results: &Value) -> Vec<Ranked> {
    results["hits"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["partial"] != true)
        .map(|h| {
            (
                h["id"].as_str().unwrap().to_string(),
                h["score"].as_f64().unwrap(),
                h["title"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// Whether two top-10s hold the same articles, but for what the two engines' BM25
/// (which differ in detail: see README § "Past one machine") may put either way: an
/// article in one list only is a reprint of one in the other list only (same title:
/// collapsed the other way round), or it stands at the bottom within 10 % of that
/// list's last score (a near tie).
fn same_up_to_near_ties(a: &[Ranked], b: &[Ranked]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let only = |list: &[Ranked], other: &[Ranked]| -> Vec<Ranked> {
        list.iter()
            .filter(|(id, _, _)| !other.iter().any(|(o, _, _)| o == id))
            .cloned()
            .collect()
    };
    let (only_a, only_b) = (only(a, b), only(b, a));
    let explained = |mine: &[Ranked], list: &[Ranked], theirs: &[Ranked]| {
        let last = list.last().map_or(0.0, |(_, s, _)| *s);
        mine.iter().all(|(_, score, title)| {
            theirs
                .iter()
                .any(|(_, _, t)| t == title && !title.is_empty())
                || *score <= last * 1.10
        })
    };
    explained(&only_a, a, &only_b) && explained(&only_b, b, &only_a)
}

#[test]
fn the_cluster_answers_the_bench_queries_as_the_embedded_index_does() {
    let Some((url, _)) = cluster() else { return };
    if !shared_corpus().join("cctv_xwlb.jsonl.zst").exists() {
        assert!(
            std::env::var_os("BAOKU_REQUIRE_CLUSTER").is_none(),
            "../shared/corpus is not here"
        );
        eprintln!("skipping cluster tests: ../shared/corpus is not here");
        return;
    }
    let _one = CLUSTER.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    corpus_slice("cctv_xwlb.jsonl.zst", 10_000, 5_000, &corpus);
    corpus_slice("hkcnews.jsonl.zst", 6_000, 3_000, &corpus);
    corpus_slice("zh_inews.jsonl.zst", 4_000, 2_000, &corpus);
    let sample = sample_corpus();
    let inputs = [corpus.to_str().unwrap(), sample.to_str().unwrap()];
    let local = dir.path().join("index");
    let output = run(&local, &[&["index", "-q"][..], &inputs].concat());
    assert!(output.status.success(), "{}", stderr(&output));

    let index = index_name("parity");
    let engine = format!("{url}/{index}");
    let started = Instant::now();
    let output = on_engine(&engine, &[&["index"][..], &inputs].concat());
    let err = stderr(&output);
    assert!(output.status.success(), "{err}");
    assert!(
        err.contains(&format!("articles in the index → {engine}")),
        "{err}"
    );
    eprintln!(
        "cluster: {} ({:.1} s)",
        err.trim(),
        started.elapsed().as_secs_f64()
    );

    // The same articles, dates, outlets and reprints.
    let stats = |output: Output| -> Value {
        assert!(output.status.success(), "{}", stderr(&output));
        let mut stats: Value = serde_json::from_str(&stdout(&output)).unwrap();
        for size in ["index_bytes", "segments"] {
            stats.as_object_mut().unwrap().remove(size);
        }
        stats
    };
    let local_stats = stats(run(&local, &["stats", "--json"]));
    assert_eq!(stats(on_engine(&engine, &["stats", "--json"])), local_stats);
    let articles = local_stats["articles"].as_u64().unwrap();
    assert_eq!(count(&url, &index), articles);

    // The bench queries: totals and top-10s.
    let queries = dir.path().join("queries.tsv");
    std::fs::write(&queries, bench_queries()).unwrap();
    let queries = queries.to_str().unwrap();
    let embedded = batch(&run(&local, &["search", "--batch", queries]));
    let started = Instant::now();
    let clustered = batch(&on_engine(&engine, &["search", "--batch", queries]));
    let seconds = started.elapsed().as_secs_f64();
    let (mut compared, mut same_total, mut same_order, mut same_answer) = (0, 0, 0, 0);
    let mut different = Vec::new();
    // Relaxed answers (words that never meet in one article): the same mode, and
    // mostly the same candidates and best articles (the cluster re-ranks from the
    // articles' text, the embedded index from its positions; their BM25 differ).
    let (mut relaxed, mut relaxed_total, mut relaxed_first, mut overlap) = (0, 0, 0, 0.0);
    for (qid, mine) in &embedded {
        let theirs = &clustered[qid];
        if mine["mode"] == "relaxed" {
            assert_eq!(theirs["mode"], "relaxed", "{qid} {}", mine["query"]);
            let ids = |results: &Value| -> Vec<String> {
                results["hits"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|h| h["id"].as_str().unwrap().to_string())
                    .collect()
            };
            let (a, b) = (ids(mine), ids(theirs));
            relaxed += 1;
            relaxed_total += usize::from(mine["total"] == theirs["total"]);
            relaxed_first += usize::from(!a.is_empty() && a.first() == b.first());
            overlap += a.iter().filter(|id| b.contains(id)).count() as f64 / a.len().max(1) as f64;
            continue;
        }
        // A total past EXACT_TOTAL_UP_TO is a lower bound in the embedded index.
        if mine["total_is_lower_bound"] == true {
            continue;
        }
        compared += 1;
        let (a, b) = (exact_hits(mine), exact_hits(theirs));
        let total = mine["total"] == theirs["total"];
        same_total += usize::from(total);
        same_order += usize::from(a.iter().map(|h| &h.0).eq(b.iter().map(|h| &h.0)));
        if total && same_up_to_near_ties(&a, &b) {
            same_answer += 1;
        } else {
            different.push(format!(
                "{qid} {}: total {} / {}, top-10 {:?} / {:?}",
                mine["query"], mine["total"], theirs["total"], a, b
            ));
        }
    }
    eprintln!(
        "{compared} of {} bench queries compared ({seconds:.1} s on the cluster): same total {same_total}, same top-10 in the same order {same_order}, same answer up to near ties {same_answer}",
        embedded.len()
    );
    for line in different.iter().take(20) {
        eprintln!("  {line}");
    }
    let overlap = overlap / relaxed.max(1) as f64;
    eprintln!(
        "{relaxed} relaxed answers: same total {relaxed_total}, same best article {relaxed_first}, top-10s share {:.1} % of their articles",
        overlap * 100.0
    );
    assert!(relaxed >= 200, "only {relaxed} relaxed answers compared");
    assert!(
        relaxed_total * 10 >= relaxed * 9,
        "same relaxed total for {relaxed_total} of {relaxed}"
    );
    assert!(
        relaxed_first * 10 >= relaxed * 8,
        "same best article for {relaxed_first} of {relaxed}"
    );
    assert!(
        overlap >= 0.9,
        "relaxed top-10s share {overlap:.3} of their articles"
    );
    assert!(compared >= 200, "only {compared} queries compared");
    assert_eq!(same_total, compared, "every exact total is the same");
    assert!(
        same_answer * 10 >= compared * 9,
        "same answer for {same_answer} of {compared}"
    );

    // A traditional query finds the simplified articles; hits have the embedded
    // index's shape, snippets and highlights, character for character.
    let (mine, _) = search_json(&local, &["鄉村振興 收入"]);
    let output = on_engine(&engine, &["search", "--json", "鄉村振興 收入"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let theirs: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert!(total(&theirs) >= 1);
    assert_eq!(total(&theirs), total(&mine));
    let shape = |results: &Value| -> Vec<Value> {
        let mut hits: Vec<Value> = results["hits"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|h| h["partial"] != true)
            .cloned()
            .map(|mut hit| {
                hit.as_object_mut().unwrap().remove("score");
                hit
            })
            .collect();
        hits.sort_by_key(|h| h["id"].to_string());
        hits
    };
    // The same hits but for a near tie at the page's end (Lucene's BM25 is not
    // tantivy's); each hit both give has the same snippets and highlights.
    let (theirs_hits, mine_hits) = (shape(&theirs), shape(&mine));
    let common: Vec<&Value> = theirs_hits
        .iter()
        .filter(|h| mine_hits.iter().any(|m| m["id"] == h["id"]))
        .collect();
    assert!(
        common.len() + 1 >= mine_hits.len(),
        "{theirs_hits:?}\n{mine_hits:?}"
    );
    for hit in common {
        assert!(mine_hits.contains(hit), "{hit}");
    }
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&theirs), keys(&mine));
    assert!(titles(&theirs)
        .iter()
        .any(|t| t.contains("乡村振兴") || t.contains("接续奋斗")));

    // Filters, facets, sorting, a NEAR and an exclusion.
    for args in [
        &["--facets", "台风"][..],
        &["--sort", "date", "--since", "2015", "经济"],
        &["source:眾新聞 政府"],
        &["改革 NEAR/5 开放"],
        &["台风 -演习"],
        &["date:2013-05 国务院"],
        &["--facets=person,place,org,source", "台风"],
        &["person:习近平 经济"],
        &["place:香港 -person:梁振英"],
    ] {
        let (mine, _) = search_json(&local, args);
        let output = on_engine(&engine, &[&["search", "--json"][..], args].concat());
        let theirs: Value = serde_json::from_str(&stdout(&output)).unwrap();
        // Past 1,000 matches in relevance order the embedded total is a lower bound.
        if mine["total_is_lower_bound"] == true {
            assert!(total(&theirs) >= total(&mine), "{args:?}");
        } else {
            assert_eq!(theirs["total"], mine["total"], "{args:?}");
        }
        assert_eq!(theirs["facets"], mine["facets"], "{args:?}");
        if args.contains(&"date") {
            // Newest first: the same dates, the same articles but among those of the
            // page's last date, where ties are broken by score (Lucene's BM25 and
            // tantivy's differ in detail).
            let dates = |v: &Value| hit_strings(v, "date");
            assert_eq!(dates(&theirs), dates(&mine), "{args:?}");
            let last = dates(&mine).last().cloned();
            let before_last = |v: &Value| -> Vec<String> {
                v["hits"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|h| Some(h["date"].as_str().unwrap_or("").to_string()) != last)
                    .map(|h| h["id"].as_str().unwrap().to_string())
                    .collect()
            };
            assert_eq!(before_last(&theirs), before_last(&mine), "{args:?}");
        }
    }

    // `show` gives the article as the embedded index stores it.
    let id = hit_ids(&mine)[0].clone();
    let output = on_engine(&engine, &["show", "--json", &id]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        stdout(&run(&local, &["show", "--json", &id]))
    );
    // And what its input wrote, before cleaning (`raw_title`, `raw_body`).
    let output = on_engine(&engine, &["show", "--raw", "--json", &id]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        stdout(&run(&local, &["show", "--raw", "--json", &id]))
    );
    let output = on_engine(&engine, &["show", "no-such-article"]);
    assert_eq!(output.status.code(), Some(1));

    // Trends: the same counts in every period, reprints collapsed or not, with
    // shares, by every interval.
    for args in [
        &["台风", "暴雨"][..],
        &["--no-collapse", "--by", "year", "台风", "暴雨"],
        &["--share", "--since", "2015", "--until", "2019", "经济"],
        &[
            "--by", "week", "--since", "2017-01", "--until", "2017-03", "经济",
        ],
        &[
            "--by",
            "day",
            "--no-collapse",
            "--share",
            "source:眾新聞 政府",
        ],
        &["--by", "year", "乡村振兴 NEAR/10 收入", "改革 -开放"],
    ] {
        let trend = |output: Output| -> Value {
            assert!(output.status.success(), "{args:?}: {}", stderr(&output));
            let mut trend: Value = serde_json::from_str(&stdout(&output)).unwrap();
            trend.as_object_mut().unwrap().remove("took_ms");
            trend
        };
        let mine = trend(run(&local, &[&["trend", "--json"][..], args].concat()));
        let theirs = trend(on_engine(
            &engine,
            &[&["trend", "--json"][..], args].concat(),
        ));
        assert!(mine["series"][0]["total"].as_u64().unwrap() > 0, "{args:?}");
        assert_eq!(theirs, mine, "{args:?}");
    }

    // `export` copies the embedded index into another cluster index: the same stats
    // and answers as the index built from the inputs; a second run sends only what
    // changed since.
    let copy = index_name("copy");
    let copy_engine = format!("{url}/{copy}");
    let export = || -> String {
        let output = baoku(&local)
            .args(["export", "--engine", &copy_engine])
            .output()
            .unwrap();
        let err = stderr(&output);
        assert!(output.status.success(), "{err}");
        err
    };
    let err = export();
    assert!(
        err.contains(&format!("copied {articles} of {articles} articles")),
        "{err}"
    );
    assert_eq!(
        stats(on_engine(&copy_engine, &["stats", "--json"])),
        local_stats
    );
    for query in ["鄉村振興 收入", "台风 -演习", "改革 NEAR/5 开放"] {
        let answer = |engine: &str| -> Value {
            let output = on_engine(engine, &["search", "--json", "--facets", query]);
            serde_json::from_str(&stdout(&output)).unwrap()
        };
        let (copied, indexed) = (answer(&copy_engine), answer(&engine));
        assert_eq!(copied["total"], indexed["total"], "{query}");
        assert_eq!(copied["facets"], indexed["facets"], "{query}");
        if total(&indexed) <= 10 {
            assert_eq!(shape(&copied), shape(&indexed), "{query}");
        }
    }
    std::fs::write(
        corpus.join("late.jsonl"),
        r#"{"id": "late-1", "title": "晚到的稿件", "date": "2023-03-01", "body": "这篇稿件在第一次复制之后才进入索引。"}"#,
    )
    .unwrap();
    let output = run(&local, &[&["index", "-q"][..], &inputs].concat());
    assert!(output.status.success(), "{}", stderr(&output));
    let err = export();
    assert!(
        err.contains(&format!(
            "copied 1 of {} articles from {} ({articles} already there); {} articles in the index",
            articles + 1,
            local.display(),
            articles + 1
        )),
        "{err}"
    );
    drop_index(&copy_engine);

    // Commands the cluster engine does not have yet say so in one line.
    let output = on_engine(&engine, &["similar", &id]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("does not work with --engine yet"));

    drop_index(&format!("{url}/{index}"));
}

/// Runs `baoku index --engine` on `inputs` in the background and kills node `victim`
/// once the first bulk requests have been answered; returns the run's output.
fn index_and_kill(engine: &str, inputs: &[&str], cluster_dir: &Path, victim: u32) -> Output {
    let (url, index) = engine.rsplit_once('/').unwrap();
    let mut command = baoku_command();
    command
        .arg("--engine")
        .arg(engine)
        .arg("index")
        .args(inputs)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let child = command.spawn().unwrap();
    let indexing = wait_for(Duration::from_secs(60), || {
        let (status, body) = http("GET", &format!("{url}/{index}/_stats/indexing"));
        status == 200
            && body["_all"]["primaries"]["indexing"]["index_total"]
                .as_u64()
                .unwrap_or(0)
                >= 500
    });
    assert!(indexing, "the run never started sending articles");
    node_sh(cluster_dir, victim, "kill");
    child.wait_with_output().unwrap()
}

/// `tests/cluster/node.sh DIR NODE WHAT`.
fn node_sh(cluster_dir: &Path, node: u32, what: &str) {
    let status = Command::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cluster/node.sh"))
        .arg(cluster_dir)
        .arg(node.to_string())
        .arg(what)
        .status()
        .unwrap();
    assert!(status.success(), "node.sh {node} {what}");
}

fn restart_node(url: &str, cluster_dir: &Path, node: u32) {
    node_sh(cluster_dir, node, "start");
    let green = wait_for(Duration::from_secs(180), || {
        let (status, body) = http(
            "GET",
            &format!("{url}/_cluster/health?wait_for_status=green&wait_for_nodes=2&timeout=5s"),
        );
        status == 200 && body["status"] == "green"
    });
    assert!(green, "node{node} did not come back");
}

#[test]
fn a_node_killed_during_a_bulk_ingest_loses_and_duplicates_nothing() {
    let Some((url, dir)) = cluster() else { return };
    let Some(cluster_dir) = dir.filter(|d| d.join("node2/run.sh").exists()) else {
        assert!(
            std::env::var_os("BAOKU_REQUIRE_CLUSTER").is_none(),
            "BAOKU_CLUSTER_DIR does not hold a two-node cluster of tests/cluster/start.sh"
        );
        eprintln!(
            "skipping cluster tests: BAOKU_CLUSTER_DIR is not a folder of tests/cluster/start.sh"
        );
        return;
    };
    let _one = CLUSTER.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    // Synthetic articles: the test needs no shared corpus.
    let ids = synthetic_corpus(dir.path(), 8, 500);
    let corpus = dir.path().to_str().unwrap().to_string();
    let inputs = [corpus.as_str()];
    let expected = ids.iter().collect::<HashSet<_>>().len() as u64;

    // The data node that is not the one baoku talks to: the cluster promotes the
    // replicas and the run does not even notice.
    let data_index = index_name("kill-data");
    let index = data_index.clone();
    let engine = format!("{url}/{index}");
    let output = index_and_kill(&engine, &inputs, &cluster_dir, 2);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(count(&url, &index), expected);
    restart_node(&url, &cluster_dir, 2);
    assert_eq!(count(&url, &index), expected);

    // The node baoku talks to (and the cluster manager): the run retries, then stops
    // with a message that says what to do; once the node is back, the same command
    // completes, and a third run replaces every article without adding one.
    let index = index_name("kill-manager");
    let engine = format!("{url}/{index}");
    let output = index_and_kill(&engine, &inputs, &cluster_dir, 1);
    let err = stderr(&output);
    restart_node(&url, &cluster_dir, 1);
    if !output.status.success() {
        assert_eq!(output.status.code(), Some(2), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("run the same command again"), "{err}");
    }
    let output = on_engine(&engine, &[&["index"][..], &inputs].concat());
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(count(&url, &index), expected);
    // A third run reads nothing: the cluster holds every input as it is.
    let output = on_engine(&engine, &[&["index"][..], &inputs].concat());
    let err = stderr(&output);
    assert!(output.status.success(), "{err}");
    assert!(
        err.contains(&format!(
            "indexed 0 articles (0 new, 0 replaced), {expected} unchanged; 0 inputs read, 8 unchanged"
        )),
        "{err}"
    );
    // Without that record, every input is read again and every article replaced.
    http("DELETE", &format!("{engine}.inputs"));
    let output = on_engine(&engine, &[&["index"][..], &inputs].concat());
    let err = stderr(&output);
    assert!(output.status.success(), "{err}");
    assert!(
        err.contains(&format!("(0 new, {expected} replaced)")),
        "{err}"
    );
    assert_eq!(count(&url, &index), expected);
    for index in [data_index, index] {
        drop_index(&format!("{url}/{index}"));
    }
}

/// An https cluster with a certificate authority of its own (Elasticsearch 8 and
/// OpenSearch's security plugin make one by default): trusted when `BAOKU_ENGINE_CA`
/// names it, refused at once otherwise with a line that says what to set — not
/// retried for a minute as if the cluster were down. `baoku serve --tls-cert` stands
/// in for the cluster: the TLS handshake is the same, and its answer to a cluster
/// request (404, no such index) is what a cluster without that index says.
#[test]
fn an_https_cluster_with_its_own_certificate_authority_is_trusted_through_baoku_engine_ca() {
    let dir = tempfile::tempdir().unwrap();
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![
        rcgen::KeyUsagePurpose::KeyCertSign,
        rcgen::KeyUsagePurpose::DigitalSignature,
    ];
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = rcgen::Issuer::new(ca_params, &ca_key);
    let node_key = rcgen::KeyPair::generate().unwrap();
    let node_params =
        rcgen::CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()])
            .unwrap();
    let node_cert = node_params.signed_by(&node_key, &issuer).unwrap();
    let file = |name: &str, text: &str| -> String {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_string()
    };
    let ca = file("ca.pem", &ca_cert.pem());
    let cert = file("node.pem", &node_cert.pem());
    let key = file("node-key.pem", &node_key.serialize_pem());
    let not_pem = file("not-a-ca.pem", "no certificate here\n");

    let server = Served::start(
        baoku(sample_index()),
        &["--tls-cert", &cert, "--tls-key", &key],
    );
    let base = &server.base;
    assert!(base.starts_with("https://127.0.0.1:"), "{base}");
    let engine = format!("{base}/news");
    let stats = |ca: Option<&str>| -> (Output, Duration) {
        let started = Instant::now();
        let mut command = baoku_command();
        command.env_remove("BAOKU_ENGINE_CA");
        if let Some(ca) = ca {
            command.env("BAOKU_ENGINE_CA", ca);
        }
        let output = command
            .args(["--engine", &engine, "stats"])
            .output()
            .unwrap();
        (output, started.elapsed())
    };

    // Trusted: the handshake succeeds and the "cluster" answers that it has no
    // such index.
    let (output, _) = stats(Some(&ca));
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!("no baoku index at {engine}")),
        "{err}"
    );

    // Not trusted: one line, at once, naming the variable.
    let (output, took) = stats(None);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("UnknownIssuer") && err.contains("BAOKU_ENGINE_CA"),
        "{err}"
    );
    assert!(took < Duration::from_secs(20), "took {took:?}: {err}");

    // A file that holds no certificate is named.
    let (output, _) = stats(Some(&not_pem));
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!("BAOKU_ENGINE_CA={not_pem}")) && err.contains("no certificate"),
        "{err}"
    );
}

/// `GET base + path` as JSON, with what the engines cannot share left out: the time
/// taken, the index's size on disk, and scores (Lucene's BM25 is not tantivy's; the
/// order they give is compared).
fn api(base: &str, path: &str) -> (u16, Value) {
    let (status, mut body) = http("GET", &format!("{base}{path}"));
    if let Some(object) = body.as_object_mut() {
        for local in ["took_ms", "index_bytes", "segments"] {
            object.remove(local);
        }
        for hit in object
            .get_mut("hits")
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            hit.as_object_mut().unwrap().remove("score");
        }
    }
    (status, body)
}

#[test]
fn serve_answers_from_the_cluster_as_from_the_index_directory() {
    let Some((url, _)) = cluster() else { return };
    let _one = CLUSTER.lock().unwrap_or_else(|e| e.into_inner());
    // The sample corpus and a reprint of its seed article, in both engines.
    let dir = tempfile::tempdir().unwrap();
    let local = index_sample_corpus_with(dir.path(), &[seed_reprint()]);
    let engine = format!("{url}/{}", index_name("serve"));
    let sample = sample_corpus();
    let extra = dir.path().join("extra.jsonl");
    let output = on_engine(
        &engine,
        &[
            "index",
            "-q",
            sample.to_str().unwrap(),
            extra.to_str().unwrap(),
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let mut command = baoku_command();
    command.args(["--engine", &engine]);
    let clustered = Served::start(command, &[]);
    let embedded = Served::start(baoku(&local), &[]);

    // The API answers alike: searches (facets, dates, relaxed), the reading view with
    // highlights and the story's reprints, stats and trends.
    let query = percent_encode("乡村振兴 收入");
    let paths = [
        format!("/api/search?q={query}&facets=true"),
        format!("/api/search?q={}&sort=date&limit=5", percent_encode("中国")),
        format!("/api/search?q={}", percent_encode("台风造成了哪些损失？")),
        format!("/api/articles/{SEED_ID}?q={query}"),
        "/api/articles/seed-reprint".to_string(),
        "/api/stats".to_string(),
        format!("/api/trend?q={query}&by=year"),
        format!("/api/kwic?q={query}&sort=left"),
        "/healthz".to_string(),
    ];
    for path in &paths {
        let (status, theirs) = api(&clustered.base, path);
        let (_, mine) = api(&embedded.base, path);
        assert_eq!(status, 200, "{path}: {theirs}");
        assert_eq!(theirs, mine, "{path}");
    }
    let (_, reading) = api(&clustered.base, &format!("/api/articles/{SEED_ID}"));
    let reprints: Vec<&str> = reading["reprints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(reprints, ["seed-reprint"], "{reading}");
    let (status, _) = api(&clustered.base, "/api/articles/no-such-article");
    assert_eq!(status, 404);

    // What a cluster does not do yet is a 501 that says so, not a wrong answer.
    {
        let path = format!("/api/articles/{SEED_ID}/similar");
        let (status, body) = api(&clustered.base, &path);
        assert_eq!(status, 501, "{path}: {body}");
        assert!(
            body["error"]
                .as_str()
                .is_some_and(|e| e.contains("not yet with --engine")),
            "{path}: {body}"
        );
    }

    // Every match exported, and every occurrence in context, as from the directory
    // (the same rows and lines; the order of near ties is each engine's own).
    for args in [
        &[
            "search",
            "收入",
            "--sort",
            "oldest",
            "--export",
            "csv",
            "--fields",
            "id,date,source,title,snippet",
        ][..],
        &[
            "search",
            "乡村振兴",
            "--export",
            "jsonl",
            "--fields",
            "id,title,body",
        ],
        &["kwic", "收入", "--json", "--sort", "left"],
    ] {
        let sorted = |output: Output| {
            assert!(output.status.success(), "{args:?}: {}", stderr(&output));
            let text = stdout(&output);
            let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
            lines.sort();
            lines
        };
        let theirs = sorted(on_engine(&engine, args));
        assert!(theirs.len() > 3, "{args:?}: {theirs:?}");
        assert_eq!(theirs, sorted(run(&local, args)), "{args:?}");
    }

    // The page's main path in a real browser, on the cluster.
    if let Some(chromium) = browser() {
        let articles = api(&embedded.base, "/healthz").1["articles"].to_string();
        let shots = std::env::temp_dir().join("baoku-browser-engine");
        let printed = run_browser_script(
            &chromium,
            "main_path.mjs",
            &[
                &format!("{}/", clustered.base),
                shots.to_str().unwrap(),
                &articles,
            ],
            &[],
        );
        eprintln!("{}", printed.trim());
    }
    drop(clustered);
    drop_index(&engine);
}

#[test]
fn a_second_run_into_the_cluster_reads_only_what_changed() {
    let Some((url, _)) = cluster() else { return };
    let _one = CLUSTER.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, ids: &[&str], broken: bool| {
        let mut text: String = ids
            .iter()
            .map(|id| {
                format!(
                    "{}\n",
                    serde_json::json!({"id": id, "title": format!("{id} 报道"), "date": "2023-03-01",
                        "body": format!("{id}：{FILLER}")})
                )
            })
            .collect();
        if broken {
            text.push_str("{\"id\": \"half\", \"body\": \n");
        }
        std::fs::write(dir.path().join(name), text).unwrap();
    };
    write("a.jsonl", &["a-1", "a-2"], false);
    write("b.jsonl", &["b-1"], false);
    let index = index_name("inputs");
    let engine = format!("{url}/{index}");
    let folder = dir.path().to_str().unwrap();
    // Succeeds, or, with c.jsonl's broken record, says so and exits 1.
    let index_run = || {
        let output = on_engine(&engine, &["index", folder]);
        let err = stderr(&output);
        let broken = dir.path().join("c.jsonl").exists();
        assert_eq!(output.status.code(), Some(i32::from(broken)), "{err}");
        err
    };
    let said = |err: &str, what: &str| assert!(err.contains(what), "expected {what:?} in: {err}");

    said(
        &index_run(),
        "indexed 3 articles (3 new, 0 replaced); 2 inputs read;",
    );
    // Nothing changed: nothing is read.
    said(
        &index_run(),
        "indexed 0 articles (0 new, 0 replaced), 3 unchanged; 0 inputs read, 2 unchanged;",
    );
    // One input changed: only it is read; an input with a broken record is read again
    // on every run, so that its problem is reported again.
    write("b.jsonl", &["b-1", "b-2"], false);
    write("c.jsonl", &["c-1"], true);
    let err = index_run();
    said(&err, "indexed 3 articles (2 new, 1 replaced), 2 unchanged");
    said(&err, "2 inputs read, 1 unchanged;");
    let err = index_run();
    said(&err, "indexed 1 article (0 new, 1 replaced)");
    said(&err, "1 input read, 2 unchanged;");
    assert_eq!(count(&url, &index), 5);
    // An index made again under the same name does not inherit the record.
    http("DELETE", &engine);
    said(&index_run(), "(5 new, 0 replaced)");

    drop_index(&engine);
}
