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

const APPEAL: &str = "請加入成為眾新聞的月費訂戶，長期支持我們的工作。";
const QUOTE: &str = "「香港是我家，我們要守護它。」";

/// Writes `feed.jsonl` in `dir`: 30 records of one source whose bodies carry Markdown
/// emphasis and end with the source's subscription appeal (learned as furniture),
/// every tenth with a quote (too rare to be furniture), and whose headlines carry the
/// site's name; and a 31st, `a30`, that ends with the appeal reworded, alone.
fn feed_with_furniture(dir: &std::path::Path) -> std::path::PathBuf {
    let feed = dir.join("feed.jsonl");
    let (appeal, quote) = (APPEAL, QUOTE);
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
    lines.push_str("{\"id\": \"a30\", \"title\": \"夜班\", \"source\": \"眾新聞\", \"body\": \"今日第30篇報道講述碼頭的夜班。\\n\\n請加入成為眾新聞的月費訂戶，長期支持我們。\"}\n");
    std::fs::write(&feed, lines).unwrap();
    feed
}

#[test]
fn learned_furniture_is_not_indexed_and_extract_shows_the_cleaned_body() {
    let dir = tempfile::tempdir().unwrap();
    let feed = feed_with_furniture(dir.path());
    let quote = QUOTE;
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
    // Exit status 1: found nothing (the appeal is not indexed, nor its rewording: the
    // source names itself in it).
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
    let reworded = extracted
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap())
        .find(|a| a["id"] == "a30")
        .expect("a30 extracted");
    assert_eq!(reworded["body"], "今日第30篇報道講述碼頭的夜班。");
}

/// `show --raw` gives back what cleaning took: the record's body with its Markdown
/// and the learned appeal, and its headline with the site's name; an article that
/// cleaning left alone is given as stored, and says so.
#[test]
fn show_raw_gives_the_record_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let feed = feed_with_furniture(dir.path());
    let plain = dir.path().join("plain.jsonl");
    std::fs::write(
        &plain,
        "{\"id\": \"p1\", \"title\": \"碼頭的早晨\", \"source\": \"明報\", \"body\": \"清晨六點，碼頭已經忙碌起來。\\n工人們開始一天的工作。\"}\n",
    )
    .unwrap();
    let index = dir.path().join("index");
    baoku(
        &index,
        &["index", feed.to_str().unwrap(), plain.to_str().unwrap()],
    );

    let shown = baoku(&index, &["show", "a3"]);
    assert!(
        !shown.contains("月費訂戶") && !shown.contains("**") && !shown.contains("_眾新聞"),
        "{shown}"
    );
    let raw = baoku(&index, &["show", "--raw", "a3"]);
    assert!(
        raw.contains(APPEAL) && raw.contains("**海港**") && raw.contains("第3篇_眾新聞"),
        "{raw}"
    );
    assert!(raw.contains("before cleaning"), "{raw}");

    let json = baoku(&index, &["show", "--raw", "--json", "a3"]);
    let reading: serde_json::Value = serde_json::from_str(&json).unwrap();
    let body = reading["body"].as_str().unwrap();
    let raw_body = reading["raw"]["body"].as_str().unwrap();
    assert!(!body.contains("月費訂戶") && !body.contains("**"), "{json}");
    assert!(
        raw_body.contains(APPEAL) && raw_body.contains("**海港**"),
        "{json}"
    );
    assert_eq!(reading["raw"]["title"], "第3篇_眾新聞");
    assert_eq!(reading["raw"]["changed"], true);
    // Without --raw the JSON is the article as indexed, nothing more.
    let plain_json: serde_json::Value =
        serde_json::from_str(&baoku(&index, &["show", "--json", "a3"])).unwrap();
    assert!(plain_json.get("raw").is_none(), "{plain_json}");

    let unchanged: serde_json::Value =
        serde_json::from_str(&baoku(&index, &["show", "--raw", "--json", "p1"])).unwrap();
    assert_eq!(unchanged["raw"]["body"], unchanged["body"]);
    assert_eq!(unchanged["raw"]["title"], unchanged["title"]);
    assert_eq!(unchanged["raw"]["changed"], false);
    let unchanged_text = baoku(&index, &["show", "--raw", "p1"]);
    assert!(
        unchanged_text.contains("cleaning changed nothing")
            && unchanged_text.contains("清晨六點，碼頭已經忙碌起來。"),
        "{unchanged_text}"
    );
}
