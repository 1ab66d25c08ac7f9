//! The query language, ranking and result options of `baoku search`, end to end on
//! `sample_corpus/` plus a few articles written here to show reprints and proximity.

mod support;

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;
use support::{
    baoku, exact_hits, hit_ids, index_sample_corpus_with, stderr, titles, total, FILLER,
};

fn extra_articles() -> Vec<Value> {
    let story = "新华社北京3月1日电 国务院常务会议部署稳定经济增长的一揽子措施，要求加大减税降费力度，扩大有效投资，稳定就业和物价，保障能源安全，支持中小微企业渡过难关。会议指出，当前经济运行面临新的下行压力，要坚持稳字当头、稳中求进，把稳增长放在更加突出的位置。会议要求，各地区各部门要抓紧出台配套政策，确保各项措施尽快落地见效，为市场主体纾困解难，推动经济平稳健康发展。会议还研究了其他事项。";
    let records = [
        json!({"id": "wire-1", "title": "国常会部署稳增长措施", "date": "2022-03-01", "source": "新华社", "body": story}),
        // The same wire story reprinted with its own header and footer.
        json!({"id": "wire-2", "title": "国务院部署稳增长一揽子措施", "date": "2022-03-02", "source": "地方日报",
               "body": format!("（来源：新华社）{story}（责任编辑：王五）")}),
        // 黄河 and 湿地 close together, then far apart; otherwise the same text.
        json!({"id": "near", "title": "生态保护简讯一", "date": "2020-06-01", "source": "测试报",
               "body": format!("黄河湿地保护取得进展。{FILLER}{FILLER}")}),
        json!({"id": "far", "title": "生态保护简讯二", "date": "2020-06-02", "source": "测试报",
               "body": format!("黄河保护取得进展。{FILLER}{FILLER}湿地。")}),
    ];
    records.to_vec()
}

/// An index of sample_corpus and the extra articles, built once.
fn index() -> &'static Path {
    static INDEX: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_dir, index) = INDEX.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let index = index_sample_corpus_with(dir.path(), &extra_articles());
        (dir, index)
    });
    index
}

fn run(args: &[&str]) -> Output {
    baoku(index()).arg("search").args(args).output().unwrap()
}

fn json(args: &[&str]) -> Value {
    let output = baoku(index())
        .args(["search", "--json", "--limit", "100"])
        .args(args)
        .output()
        .unwrap();
    let code = output.status.code().unwrap();
    assert!(code <= 1, "{args:?}: {}", stderr(&output));
    // The hits that match as written: the partial ones that follow a short list are
    // tested in questions.rs.
    exact_hits(serde_json::from_slice(&output.stdout).unwrap())
}

#[test]
fn or_not_and_groups() {
    let income = total(&json(&["收入"]));
    let rural = total(&json(&["乡村振兴"]));
    let both = total(&json(&["收入 乡村振兴"]));
    let either = json(&["收入 OR 乡村振兴"]);
    assert_eq!(total(&either), income + rural - both);
    let income_only = json(&["收入 -乡村振兴"]);
    assert_eq!(total(&income_only), income - both);
    assert_eq!(json(&["收入 NOT 乡村振兴"])["total"], income_only["total"]);
    // Exclusions only: every article holding neither word.
    let articles = |query: &str| total(&json(&[query, "--no-collapse"]));
    let neither = articles("-收入 -乡村振兴");
    assert!(neither > 0);
    assert_eq!(
        neither,
        articles("-无此词语") - articles("收入 OR 乡村振兴")
    );
    let grouped = json(&["(苹果 OR 茶叶) 收入"]);
    assert!(titles(&grouped).iter().any(|t| t.contains("苹果")));
    assert!(titles(&grouped).iter().any(|t| t.contains("茶")));
    assert_eq!(grouped["mode"], "all");
}

#[test]
fn field_scopes() {
    // The headline (or its subtitle, as for the seed) must hold the words.
    let in_titles = titles(&json(&["title:乡村振兴"]));
    for title in &in_titles {
        assert!(
            title.contains("乡村振兴")
                || title.contains("鄉村振興")
                || title == "在新起点上接续奋斗",
            "{title}"
        );
    }
    assert!(in_titles.contains(&"乡村振兴让农民钱袋子鼓起来".to_string()));
    // 汪清's article has 乡村振兴 in its body only.
    assert!(!in_titles.iter().any(|t| t.contains("汪清")));
    assert!(titles(&json(&["body:乡村振兴"]))
        .iter()
        .any(|t| t.contains("汪清")));
    assert_eq!(titles(&json(&["author:孙翠翠"])), ["在新起点上接续奋斗"]);
    assert_eq!(
        titles(&json(&["source:吉林日报 收入"])),
        ["在新起点上接续奋斗"]
    );
    // source: finds an outlet by a part of its name; source:= only by all of it.
    assert_eq!(total(&json(&["source:吉林"])), 1);
    assert_eq!(total(&json(&["source:=吉林"])), 0);
    assert_eq!(
        titles(&json(&["source:\"人民网－人民日报海外版\""])),
        ["家门口的“长者食堂”暖了老人胃"]
    );
}

#[test]
fn dates_in_the_query_and_as_flags_agree() {
    let forms: [(&[&str], &[&str]); 5] = [
        (
            &["收入 date:2022"],
            &["收入", "--since", "2022", "--until", "2022"],
        ),
        (
            &["收入 date:2021-04..2022-05"],
            &["收入", "--since", "2021-04", "--until", "2022-05"],
        ),
        (
            &["收入 date:>=2021-09-14"],
            &["收入", "--since", "2021-09-14"],
        ),
        (&["收入 source:四川日报"], &["收入", "--source", "四川日报"]),
        (&["收入 author:吴晓燕"], &["收入", "--author", "吴晓燕"]),
    ];
    for (query, flags) in forms {
        let a = json(query);
        let b = json(flags);
        assert_eq!(hit_ids(&a), hit_ids(&b), "{query:?} vs {flags:?}");
        assert!(total(&a) > 0, "{query:?}");
    }
    for hit in json(&["收入", "--since", "2022-05", "--until", "2022-05"])["hits"]
        .as_array()
        .unwrap()
    {
        assert!(
            hit["date"].as_str().unwrap().starts_with("2022-05"),
            "{hit}"
        );
    }
}

#[test]
fn sorting_by_date() {
    let dates = |results: &Value| -> Vec<String> {
        results["hits"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|h| h["date"].as_str().map(str::to_string))
            .collect()
    };
    let newest = dates(&json(&["收入", "--sort", "date"]));
    assert!(newest.len() > 3);
    assert!(newest.windows(2).all(|w| w[0] >= w[1]), "{newest:?}");
    let oldest = dates(&json(&["收入", "--sort", "oldest"]));
    assert!(oldest.windows(2).all(|w| w[0] <= w[1]), "{oldest:?}");
    // --recent puts the newest of otherwise similar matches first.
    let recent = json(&["收入", "--recent"]);
    let plain = json(&["收入"]);
    assert_eq!(total(&recent), total(&plain));
}

#[test]
fn reprints_collapse_into_one_hit() {
    let collapsed = json(&["稳定经济增长"]);
    assert_eq!(total(&collapsed), 2);
    assert_eq!(collapsed["hits"].as_array().unwrap().len(), 1);
    assert_eq!(collapsed["hits"][0]["similar"], 1);
    let all = json(&["稳定经济增长", "--no-collapse"]);
    assert_eq!(all["hits"].as_array().unwrap().len(), 2);
    assert!(all["hits"]
        .as_array()
        .unwrap()
        .iter()
        .all(|h| h["similar"] == 0));
}

#[test]
fn words_close_together_rank_higher() {
    // The two texts are near-duplicates: without collapsing, both are listed.
    let results = json(&["黄河 湿地", "--no-collapse"]);
    assert_eq!(hit_ids(&results)[..2], ["near", "far"]);
}

#[test]
fn a_long_question_is_relaxed() {
    let question = json(&["国务院常务会议部署了哪些稳定经济增长的措施？"]);
    assert_eq!(question["mode"], "relaxed");
    assert!(
        ["wire-1", "wire-2"].contains(&hit_ids(&question)[0].as_str()),
        "{question}"
    );
    // A query that matches as written is not relaxed.
    assert_eq!(json(&["稳定经济增长"])["mode"], "all");
    // A short query that matches nothing as written is relaxed too.
    let short = json(&["年产值黑木耳"]);
    assert_eq!(short["mode"], "relaxed");
}

#[test]
fn facets_sum_to_total() {
    let results = json(&["收入", "--facets"]);
    let total = total(&results);
    for facet in ["source", "month"] {
        let counts = results["facets"][facet].as_array().unwrap();
        let sum: u64 = counts.iter().map(|c| c["count"].as_u64().unwrap()).sum();
        assert_eq!(sum, total, "{facet}");
    }
    assert!(results["facets"]["month"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["value"] == "2022-05"));
    assert!(json(&["收入"]).get("facets").is_none());
}

#[test]
fn json_extras_jsonl_and_batch() {
    let results = json(&["乡村振兴"]);
    assert!(results["took_ms"].as_f64().unwrap() >= 0.0);
    assert_eq!(results["mode"], "all");

    let output = run(&["--jsonl", "--limit", "3", "收入"]);
    let lines: Vec<Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert!(lines
        .iter()
        .all(|hit| hit["id"].is_string() && hit["snippets"].is_array()));

    let dir = tempfile::tempdir().unwrap();
    let batch = dir.path().join("queries.tsv");
    std::fs::write(&batch, "q1\t乡村振兴 收入\n南京长江大桥\nq3\ttitel:乡村\n").unwrap();
    let output = baoku(index())
        .args(["search", "--batch"])
        .arg(&batch)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "one query was malformed");
    let lines: Vec<Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["qid"], "q1");
    assert!(lines[0]["total"].as_u64().unwrap() >= 5);
    assert_eq!(lines[1]["qid"], "2");
    assert_eq!(
        lines[1]["hits"][0]["title"],
        "南京长江大桥：半个世纪的“桥”见证"
    );
    assert!(lines[2]["error"]
        .as_str()
        .unwrap()
        .contains("did you mean title:"));
}

#[test]
fn show_prints_one_article() {
    let hit = &json(&["黑木耳年产值"])["hits"][0];
    let id = hit["id"].as_str().unwrap();
    let output = baoku(index())
        .args(["show", "--json", id])
        .output()
        .unwrap();
    assert!(output.status.success());
    let article: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(article["title"], "在新起点上接续奋斗");
    assert!(article["body"].as_str().unwrap().ends_with("胜利召开。"));
    let text =
        String::from_utf8(baoku(index()).args(["show", id]).output().unwrap().stdout).unwrap();
    assert!(text.starts_with("在新起点上接续奋斗\n——我省巩固"), "{text}");
    let missing = baoku(index())
        .args(["show", "no-such-id"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(1));
}

#[test]
fn malformed_queries_are_one_line_errors() {
    for (query, message) in [
        ("titel:红", "unknown field"),
        ("date:2022-02-30", "not a date"),
        ("，。", "no letters"),
    ] {
        let output = run(&[query]);
        assert_eq!(output.status.code(), Some(2), "{query}");
        let err = String::from_utf8(output.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(message), "{query}: {err}");
    }
    // A 100 KB query (too long for a command-line argument, so through --batch).
    let dir = tempfile::tempdir().unwrap();
    let batch = dir.path().join("long.txt");
    std::fs::write(&batch, "字".repeat(100 * 1024)).unwrap();
    let output = baoku(index())
        .args(["search", "--batch"])
        .arg(&batch)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let line: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(
        line["error"]
            .as_str()
            .unwrap()
            .contains("102400 characters"),
        "{line}"
    );
    // A bad flag value is one line naming the flag and the value.
    let bad_flag = run(&["收入", "--since", "2022-13"]);
    assert_eq!(bad_flag.status.code(), Some(2));
    let err = String::from_utf8(bad_flag.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("'2022-13' for '--since") && err.contains("not a date"),
        "{err}"
    );
}
