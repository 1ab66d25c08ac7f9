//! Relevance-ordered searches with more matches than `search::EXACT_TOTAL_UP_TO`
//! skip what cannot reach the page (issue 16): the hits must be exactly those of a
//! search that looks at every match (facets force one), and `total` says it is a
//! lower bound.

mod support;

use serde_json::Value;
use std::path::Path;
use support::{baoku, run, search_json, stderr, stdout};

fn search(index: &Path, args: &[&str]) -> Value {
    search_json(index, args).0
}

/// 2,400 articles that all hold 经济 and 发展, as often and in bodies as long as a
/// simple generator makes them differ, some with a word in the title.
fn corpus(dir: &Path) -> std::path::PathBuf {
    let fillers = [
        "会议强调",
        "各地区各部门",
        "要抓紧落实",
        "推动高质量",
        "民生保障",
        "科技创新",
        "乡村振兴",
    ];
    let mut text = String::new();
    for n in 0..2400usize {
        let mut body = String::new();
        for i in 0..(n % 13 + 2) {
            body.push_str(fillers[(n * 7 + i * 3) % fillers.len()]);
            body.push_str(&format!("第{n}号第{i}段。"));
            if (n + i) % 5 == 0 {
                body.push_str("经济");
            }
            if (n * 3 + i) % 7 == 0 {
                body.push_str("发展");
            }
        }
        body.push_str("经济与发展。");
        let title = match n % 9 {
            0 => format!("经济发展报道{n}"),
            3 => format!("经济观察{n}"),
            _ => format!("地方新闻{n}"),
        };
        let record = serde_json::json!({"id": format!("a{n:05}"), "title": title,
            "date": format!("2021-{:02}-{:02}", n % 12 + 1, n % 28 + 1), "source": "测试日报", "body": body});
        text.push_str(&record.to_string());
        text.push('\n');
    }
    let path = dir.join("many.jsonl");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn pruned_top_hits_are_those_of_a_full_collection() {
    let dir = tempfile::tempdir().unwrap();
    let input = corpus(dir.path());
    let index = dir.path().join("index");
    let out = baoku(&index).arg("index").arg(&input).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));

    let mut skipped_some = false;
    for (query, limit) in [("经济 发展", "10"), ("经济 发展", "40"), ("经济", "10")] {
        let pruned = search(&index, &["--limit", limit, "--no-collapse", query]);
        let full = search(
            &index,
            &["--limit", limit, "--no-collapse", "--facets", query],
        );
        let hits = |v: &Value| -> Vec<(String, f64)> {
            v["hits"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| {
                    (
                        h["id"].as_str().unwrap().to_string(),
                        h["score"].as_f64().unwrap(),
                    )
                })
                .collect()
        };
        assert_eq!(hits(&pruned), hits(&full), "{query} --limit {limit}");
        assert_eq!(full["total"], 2400, "{query}: facets count every match");
        assert_eq!(full["total_is_lower_bound"], false);
        let total = pruned["total"].as_u64().unwrap();
        assert!((1000..=2400).contains(&total), "{query}: total {total}");
        if total < 2400 {
            assert_eq!(
                pruned["total_is_lower_bound"], true,
                "{query}: total {total}"
            );
            skipped_some = true;
        }
    }
    assert!(
        skipped_some,
        "no search skipped anything: the test corpus no longer exercises pruning"
    );
    // Date order needs every match: exact.
    let by_date = search(&index, &["--sort", "date", "经济 发展"]);
    assert_eq!(by_date["total"], 2400);
    assert_eq!(by_date["total_is_lower_bound"], false);

    // A person reading the terminal is told the count is a lower bound.
    let out = run(&index, &["search", "--no-collapse", "经济 发展"]);
    let text = stdout(&out);
    let first = text.lines().next().unwrap_or_default();
    let pruned = search(&index, &["--no-collapse", "经济 发展"]);
    if pruned["total_is_lower_bound"] == true {
        assert!(first.starts_with("at least "), "{first}");
    }
}
