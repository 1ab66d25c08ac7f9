//! What each signal of relaxed ranking is worth, measured on the judged sets of
//! `bench/relevance/` (see bench/README.md § Ranking ablation).
//!
//! ```sh
//! cargo bench --bench ranking -- --index /tmp/baoku-bench/idx/all qa_cctv qa_hkcnews qa_inews
//! cargo bench --bench ranking -- --index DIR --ablate SET...     # each signal switched off
//! cargo bench --bench ranking -- --index DIR --tune SET...       # coordinate ascent on half
//! cargo bench --bench ranking -- --index DIR --set window=2,title=0.5 SET...
//! ```
//!
//! Queries are split in two halves by a hash of their id: `--tune` chooses weights on
//! the first half only and reports both, so that a gain that holds on the second half
//! is not an artefact of tuning. MRR@10, Recall@10 and nDCG@10 (binary gains, one per
//! judged group) as in `bench/relevance/score.py`.

use baoku::search::RankParams;
use baoku::{Archive, SearchRequest, SnippetOptions};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

struct Query {
    #[allow(dead_code)]
    qid: String,
    text: String,
    /// Judged groups: each a set of ids.
    groups: Vec<HashSet<String>>,
    train: bool,
    /// Its kinds (`who`, `short`, `pasted`…), from `kinds/SET.tsv` when there is one.
    kinds: Vec<String>,
}

#[derive(Debug, Default, Clone)]
struct Scores {
    took: Vec<f64>,
    mrr: f64,
    recall: f64,
    ndcg: f64,
    empty: usize,
    n: usize,
}

impl Scores {
    fn add(&mut self, other: &Scores) {
        self.mrr += other.mrr;
        self.recall += other.recall;
        self.ndcg += other.ndcg;
        self.empty += other.empty;
        self.n += other.n;
        self.took.extend(&other.took);
    }

    fn show(&self) -> String {
        let n = self.n.max(1) as f64;
        let mut took = self.took.clone();
        took.sort_by(f64::total_cmp);
        let at = |p: f64| {
            took.get(((took.len() as f64 - 1.0) * p) as usize)
                .copied()
                .unwrap_or(0.0)
        };
        format!(
            "MRR@10 {:.4}  R@10 {:.4}  nDCG@10 {:.4}  empty {} / {}  took_ms p50 {:.2} p99 {:.2}",
            self.mrr / n,
            self.recall / n,
            self.ndcg / n,
            self.empty,
            self.n,
            at(0.5),
            at(0.99)
        )
    }

    fn mrr(&self) -> f64 {
        self.mrr / self.n.max(1) as f64
    }
}

fn read_set(relevance: &Path, name: &str) -> Vec<Query> {
    let read = |dir: &str| {
        std::fs::read_to_string(relevance.join(dir).join(format!("{name}.tsv")))
            .unwrap_or_else(|e| panic!("{dir}/{name}.tsv: {e}"))
    };
    let mut groups: HashMap<String, HashMap<String, HashSet<String>>> = HashMap::new();
    for line in read("qrels").lines().filter(|l| !l.trim().is_empty()) {
        let parts: Vec<&str> = line.split('\t').collect();
        groups
            .entry(parts[0].to_string())
            .or_default()
            .entry(parts[1].to_string())
            .or_default()
            .insert(parts[2].to_string());
    }
    let kinds: HashMap<String, Vec<String>> =
        std::fs::read_to_string(relevance.join("kinds").join(format!("{name}.tsv")))
            .unwrap_or_default()
            .lines()
            .filter_map(|line| line.split_once('\t'))
            .map(|(qid, kinds)| {
                (
                    qid.to_string(),
                    kinds.split(',').map(str::to_string).collect(),
                )
            })
            .collect();
    read("queries")
        .lines()
        .filter_map(|line| line.split_once('\t'))
        .filter_map(|(qid, text)| {
            let judged = groups.get(qid)?;
            let hash = qid.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
            });
            Some(Query {
                qid: qid.to_string(),
                text: text.to_string(),
                groups: judged.values().cloned().collect(),
                train: hash % 2 == 0,
                kinds: kinds.get(qid).cloned().unwrap_or_default(),
            })
        })
        .collect()
}

fn score_query(archive: &Archive, query: &Query, params: &RankParams) -> Scores {
    let request = SearchRequest {
        limit: 10,
        snippets: SnippetOptions {
            max_snippets: 0,
            ..SnippetOptions::default()
        },
        ..SearchRequest::new(query.text.clone())
    };
    let (ids, took): (Vec<String>, f64) = match archive.search_with(&request, params) {
        Ok(results) => (
            results.hits.into_iter().map(|h| h.id).collect(),
            results.took_ms,
        ),
        Err(_) => (Vec::new(), 0.0),
    };
    let mut scores = Scores {
        took: vec![took],
        n: 1,
        empty: usize::from(ids.is_empty()),
        ..Scores::default()
    };
    let group_of = |id: &str| query.groups.iter().position(|g| g.contains(id));
    let mut found: HashSet<usize> = HashSet::new();
    let mut dcg = 0.0;
    for (rank, id) in ids.iter().take(10).enumerate() {
        if let Some(group) = group_of(id) {
            if found.is_empty() {
                scores.mrr = 1.0 / (rank + 1) as f64;
            }
            if found.insert(group) {
                dcg += 1.0 / ((rank + 2) as f64).log2();
            }
        }
    }
    let ideal: f64 = (0..query.groups.len().min(10))
        .map(|rank| 1.0 / ((rank + 2) as f64).log2())
        .sum();
    scores.recall = found.len() as f64 / query.groups.len().max(1) as f64;
    scores.ndcg = if ideal > 0.0 { dcg / ideal } else { 0.0 };
    scores
}

/// Scores of the training half, the other half, and all.
fn evaluate(archive: &Archive, sets: &[(String, Vec<Query>)], params: &RankParams) -> [Scores; 3] {
    let mut out: [Scores; 3] = Default::default();
    for (_, queries) in sets {
        for query in queries {
            let s = score_query(archive, query, params);
            out[if query.train { 0 } else { 1 }].add(&s);
            out[2].add(&s);
        }
    }
    out
}

fn set_param(params: &mut RankParams, name: &str, value: f32) {
    match name {
        "candidates" => params.candidates = value as usize,
        "pairs" => params.pairs = value,
        "words" => params.words = value,
        "coverage" => params.coverage = value,
        "window" => params.window = value,
        "window_chars" => params.window_chars = value as u32,
        "title" => params.title = value,
        "runs" => params.runs = value,
        "word_boost" => params.word_boost = value,
        "pair_boost" => params.pair_boost = value,
        "fill" => params.fill = value != 0.0,
        other => panic!("unknown parameter {other}"),
    }
}

fn get_param(params: &RankParams, name: &str) -> f32 {
    match name {
        "candidates" => params.candidates as f32,
        "pairs" => params.pairs,
        "words" => params.words,
        "coverage" => params.coverage,
        "window" => params.window,
        "window_chars" => params.window_chars as f32,
        "title" => params.title,
        "runs" => params.runs,
        "word_boost" => params.word_boost,
        "pair_boost" => params.pair_boost,
        "fill" => f32::from(u8::from(params.fill)),
        other => panic!("unknown parameter {other}"),
    }
}

const SIGNALS: &[&str] = &["pairs", "words", "coverage", "window", "title", "runs"];

fn main() {
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let mut index = PathBuf::from("/tmp/baoku-bench/idx/all");
    let mut params = RankParams::default();
    let mut mode = "score";
    let mut names = Vec::new();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--index" => index = PathBuf::from(args.next().expect("--index DIR")),
            "--ablate" => mode = "ablate",
            "--tune" => mode = "tune",
            "--set" => {
                for pair in args.next().expect("--set a=1,b=2").split(',') {
                    let (name, value) = pair.split_once('=').expect("name=value");
                    set_param(&mut params, name, value.parse().expect("a number"));
                }
            }
            _ => names.push(arg),
        }
    }
    let relevance = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/relevance");
    if !index.exists() {
        eprintln!(
            "skipped: no index at {} (bench/run.sh builds one; or --index DIR)",
            index.display()
        );
        return;
    }
    let archive = Archive::open(&index).expect("open the index");
    let sets: Vec<(String, Vec<Query>)> = names
        .iter()
        .map(|n| (n.clone(), read_set(&relevance, n)))
        .collect();
    let report = |label: &str, params: &RankParams| {
        let [train, test, all] = evaluate(&archive, &sets, params);
        println!("{label:<28} all: {}", all.show());
        println!(
            "{:<28} half A: {}  |  half B: {}",
            "",
            train.show(),
            test.show()
        );
        [train, test, all]
    };
    println!("{params:?}");
    let mut by_kind: std::collections::BTreeMap<String, Scores> = Default::default();
    for (name, queries) in &sets {
        let mut all = Scores::default();
        for query in queries {
            let s = score_query(&archive, query, &params);
            for kind in &query.kinds {
                by_kind.entry(kind.clone()).or_default().add(&s);
            }
            all.add(&s);
        }
        println!("{name:<28} {}", all.show());
    }
    for (kind, scores) in &by_kind {
        println!("  kind {kind:<21} {}", scores.show());
    }
    report("default", &params);
    match mode {
        "ablate" => {
            for signal in SIGNALS {
                let mut without = params;
                set_param(&mut without, signal, 0.0);
                report(&format!("without {signal}"), &without);
            }
            for chars in [20.0, 30.0, 60.0, 100.0] {
                let mut other = params;
                set_param(&mut other, "window_chars", chars);
                report(&format!("window_chars={chars}"), &other);
            }
            for candidates in [50.0, 100.0, 400.0] {
                let mut other = params;
                set_param(&mut other, "candidates", candidates);
                report(&format!("candidates={candidates}"), &other);
            }
        }
        "tune" => {
            let mut best = params;
            let mut best_score = evaluate(&archive, &sets, &best)[0].mrr();
            for round in 0..3 {
                let mut improved = false;
                for name in SIGNALS
                    .iter()
                    .chain(&["window_chars", "word_boost", "pair_boost"])
                {
                    let current = get_param(&best, name);
                    let steps: Vec<f32> = if *name == "window_chars" {
                        vec![20.0, 30.0, 40.0, 60.0, 80.0]
                    } else {
                        [0.0, 0.5, 0.75, 1.5, 2.0]
                            .iter()
                            .map(|f| f * current.max(0.2))
                            .collect()
                    };
                    for value in steps {
                        let mut trial = best;
                        set_param(&mut trial, name, value);
                        let score = evaluate(&archive, &sets, &trial)[0].mrr();
                        if score > best_score + 1e-4 {
                            best_score = score;
                            best = trial;
                            improved = true;
                            println!("round {round}: {name}={value} → half A MRR@10 {score:.4}");
                        }
                    }
                }
                if !improved {
                    break;
                }
            }
            println!("{best:?}");
            report("tuned", &best);
        }
        _ => {}
    }
}
