//! Site furniture learned from the archive: the real binary indexes JSON Lines whose
//! bodies end with a subscription appeal and carry Markdown emphasis, and neither
//! shows in snippets or in `show`; a quote a few articles share stays.

use std::process::Command;

fn baoku(index: &std::path::Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_baoku"))
        .arg("--index")
        .arg(index)
        .args(args)
        .output()
        .expect("run baoku");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn learned_furniture_is_not_indexed_and_extract_shows_the_cleaned_body() {
    let dir = tempfile::tempdir().unwrap();
    let feed = dir.path().join("feed.jsonl");
    let appeal = "請加入成為眾新聞的月費訂戶，長期支持我們的工作。";
    let quote = "「香港是我家，我們要守護它。」";
    let mut lines = String::new();
    for n in 0..30 {
        let shared = if n % 10 == 0 {
            format!("\\n{quote}")
        } else {
            String::new()
        };
        lines.push_str(&format!(
            "{{\"id\": \"a{n}\", \"title\": \"第{n}篇_眾新聞\", \"source\": \"眾新聞\", \"body\": \"今日第{n}篇報道講述**海港**的變化，碼頭工人談生計。{shared}\\n\\n---\\n\\n{appeal}\\n\\n月費訂戶 網址：hkcnews.com/aboutus/#subscribe\"}}\n"
        ));
    }
    std::fs::write(&feed, lines).unwrap();
    let index = dir.path().join("index");
    baoku(&index, &["index", feed.to_str().unwrap()]);

    let found = baoku(&index, &["search", "--json", "海港 碼頭"]);
    let results: serde_json::Value = serde_json::from_str(found.lines().next().unwrap()).unwrap();
    let hits = results["hits"].as_array().expect("hits");
    assert!(!hits.is_empty(), "{found}");
    assert!(
        !found.contains("月費訂戶") && !found.contains("**"),
        "{found}"
    );
    let appeal_search = Command::new(env!("CARGO_BIN_EXE_baoku"))
        .arg("--index")
        .arg(&index)
        .args(["search", "--json", "月費訂戶"])
        .output()
        .unwrap();
    // Exit status 1: found nothing (the appeal is not indexed).
    assert_eq!(appeal_search.status.code(), Some(1), "{appeal_search:?}");

    let shown = baoku(&index, &["show", "--json", "a0"]);
    assert!(
        !shown.contains("月費訂戶") && !shown.contains("**"),
        "{shown}"
    );
    assert!(
        shown.contains(quote),
        "a quote three articles share stays: {shown}"
    );
    assert!(
        shown.contains("第0篇") && !shown.contains("第0篇_眾新聞"),
        "{shown}"
    );

    let extracted = baoku(&index, &["extract", feed.to_str().unwrap()]);
    let first: serde_json::Value = serde_json::from_str(extracted.lines().next().unwrap()).unwrap();
    assert_eq!(
        first["body"],
        format!("今日第0篇報道講述海港的變化，碼頭工人談生計。\n{quote}")
    );
}
