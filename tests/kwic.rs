//! Keyword in context and synonyms from the command line: `baoku kwic` on
//! `sample_corpus/` (its JSON lines checked against the stored bodies, its text
//! measured in display columns) and `--synonyms`, `synonyms.txt` and `--no-synonyms`
//! on articles written here, through search, trend, export and kwic alike.

mod support;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use support::{run, sample_index, stderr, stdout};
use unicode_width::UnicodeWidthStr;

fn kwic_lines(index: &Path, args: &[&str]) -> (Vec<Value>, i32) {
    let output = run(index, &[&["kwic", "--json"], args].concat());
    let code = output.status.code().unwrap();
    assert!(code <= 1, "{args:?}: {}", stderr(&output));
    let lines = stdout(&output)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    (lines, code)
}

fn body_of(index: &Path, id: &str) -> Vec<char> {
    let output = run(index, &["show", "--json", id]);
    assert!(output.status.success(), "{}", stderr(&output));
    let article: Value = serde_json::from_str(&stdout(&output)).unwrap();
    article["body"].as_str().unwrap().chars().collect()
}

fn text(value: &Value) -> &str {
    value.as_str().unwrap()
}

#[test]
fn every_line_is_the_body_as_written_at_its_offset() {
    let index = sample_index();
    let (lines, code) = kwic_lines(index, &["--width", "8", "乡村振兴"]);
    assert_eq!(code, 0);
    assert!(lines.len() >= 20, "{}", lines.len());
    let mut bodies = std::collections::HashMap::new();
    for line in &lines {
        let mut keys: Vec<&str> = line
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            ["date", "id", "left", "match", "offset", "right", "source"]
        );
        let id = text(&line["id"]);
        let body = bodies
            .entry(id.to_string())
            .or_insert_with(|| body_of(index, id));
        let at = line["offset"].as_u64().unwrap() as usize;
        let (left, matched, right) = (
            text(&line["left"]),
            text(&line["match"]),
            text(&line["right"]),
        );
        let n = matched.chars().count();
        assert_eq!(body[at..at + n].iter().collect::<String>(), matched);
        let l = left.chars().count();
        assert!(l <= 8 && (l == 8 || l == at), "{line}");
        assert_eq!(body[at - l..at].iter().collect::<String>(), left);
        let r = right.chars().count();
        assert!(r <= 8, "{line}");
        assert_eq!(body[at + n..at + n + r].iter().collect::<String>(), right);
    }
    // A simplified query finds the traditional article, shown as written.
    let matches: Vec<&str> = lines.iter().map(|l| text(&l["match"])).collect();
    assert!(matches.contains(&"鄉村振興"), "{matches:?}");
    assert!(matches.iter().all(|m| *m == "鄉村振興" || *m == "乡村振兴"));
    // Newest articles first, each article's lines in the order of its text.
    let order: Vec<(String, u64)> = lines
        .iter()
        .map(|l| (text(&l["date"]).to_string(), l["offset"].as_u64().unwrap()))
        .collect();
    for pair in order.windows(2) {
        assert!(pair[0].0 >= pair[1].0, "{pair:?}");
    }
    let (first, _) = kwic_lines(index, &["--limit", "3", "乡村振兴"]);
    assert_eq!(first.len(), 3);
    assert_eq!(
        first.iter().map(|l| &l["offset"]).collect::<Vec<_>>(),
        lines
            .iter()
            .take(3)
            .map(|l| &l["offset"])
            .collect::<Vec<_>>()
    );
}

#[test]
fn left_and_right_sorts_order_by_the_folded_context() {
    let index = sample_index();
    let (all, _) = kwic_lines(index, &["--sort", "left", "乡村振兴"]);
    let key = |l: &Value| -> String {
        let folded = baoku::analyze::normalize_str(text(&l["left"]));
        folded.chars().rev().collect()
    };
    let keys: Vec<String> = all.iter().map(key).collect();
    assert!(keys.windows(2).all(|w| w[0] <= w[1]), "{keys:?}");
    // A limit keeps the first lines of the same order.
    let (five, _) = kwic_lines(index, &["--sort", "left", "--limit", "5", "乡村振兴"]);
    assert_eq!(five, all[..5]);
    let (right, _) = kwic_lines(index, &["--sort", "right", "乡村振兴"]);
    let keys: Vec<String> = right
        .iter()
        .map(|l| baoku::analyze::normalize_str(text(&l["right"])))
        .collect();
    assert!(keys.windows(2).all(|w| w[0] <= w[1]), "{keys:?}");
    assert_eq!(right.len(), all.len());
}

#[test]
fn text_lines_stand_aligned_on_the_match() {
    let index = sample_index();
    let output = run(
        index,
        &["kwic", "--color", "never", "--width", "10", "收入"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let shown = stdout(&output);
    let lines: Vec<&str> = shown.lines().collect();
    assert!(lines.len() > 5, "{shown}");
    let columns: Vec<usize> = lines
        .iter()
        .map(|line| {
            let at = line.find(" 收入 ").expect("the match between spaces");
            line[..at].width()
        })
        .collect();
    assert!(columns.iter().all(|&c| c == columns[0]), "{shown}");
    assert_eq!(columns[0], 10 + 2 + 20);
    assert!(lines.iter().all(|l| l.starts_with("20")), "{shown}");
    // Nothing matches: nothing printed, exit 1.
    let none = run(index, &["kwic", "没有这个词语"]);
    assert_eq!(none.status.code(), Some(1));
    assert!(stdout(&none).is_empty());
    let wide = run(index, &["kwic", "--width", "501", "收入"]);
    assert_eq!(wide.status.code(), Some(2));
    assert!(stderr(&wide).contains("--width"), "{}", stderr(&wide));
}

/// Articles about one man under three names, a health agency under three, and two
/// names of one outlet; no `synonyms.txt` is beside this index.
fn written_index() -> &'static Path {
    static INDEX: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_dir, index) = INDEX.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let articles = [
            (
                "a1",
                Some("2020-01-05"),
                "人民日报",
                "川普宣布对进口钢铁加征关税。",
            ),
            (
                "a2",
                Some("2020-02-05"),
                "人民网－人民日报",
                "特朗普总统在白宫发表讲话。",
            ),
            (
                "a3",
                Some("2020-03-05"),
                "新华社",
                "特朗普与国会就预算达成协议。",
            ),
            (
                "a4",
                Some("2020-03-06"),
                "新华社",
                "世界卫生组织发布新冠疫情报告。",
            ),
            (
                "a5",
                Some("2020-03-07"),
                "明報",
                "世衛組織總幹事表示疫情可控。",
            ),
            (
                "a6",
                Some("2020-03-08"),
                "新华社",
                "WHO officials met in Geneva.",
            ),
        ];
        let index = support::index_articles(dir.path(), &articles);
        (dir, index)
    });
    index
}

const GROUPS: &str =
    "# people\n特朗普,川普,特朗普总统\n世卫组织,世界卫生组织,WHO\n人民日报,人民网－人民日报\n";

fn synonyms_file() -> PathBuf {
    let path = written_index().parent().unwrap().join("groups.txt");
    if !path.exists() {
        std::fs::write(&path, GROUPS).unwrap();
    }
    path
}

fn search(index: &Path, args: &[&str]) -> Value {
    let (results, _) = support::search_json(index, args);
    results
}

#[test]
fn a_query_for_one_name_finds_all_highlighted_with_a_note() {
    let index = written_index();
    let file = synonyms_file();
    let file = file.to_str().unwrap();
    let plain = search(index, &["川普"]);
    assert_eq!(support::total(&plain), 1);
    let results = search(index, &["--synonyms", file, "川普"]);
    assert_eq!(support::total(&results), 3, "{results}");
    let notes: Vec<&str> = results["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(text)
        .collect();
    assert_eq!(notes, ["川普 also as 特朗普, 特朗普总统 (groups.txt:2)"]);
    let marked: Vec<String> = results["hits"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|hit| {
            let snippet = &hit["snippets"][0];
            snippet["highlights"]
                .as_array()
                .unwrap()
                .iter()
                .map(|range| support::chars_of(text(&snippet["text"]), range))
                .collect::<Vec<_>>()
        })
        .collect();
    for name in ["川普", "特朗普"] {
        assert!(marked.iter().any(|m| m.starts_with(name)), "{marked:?}");
    }
    // Folded like every query: traditional and capitals find the group too.
    let who = search(index, &["--synonyms", file, "世衛組織"]);
    assert_eq!(support::hit_ids(&who).len(), 3, "{who}");
    let who = search(index, &["--synonyms", file, "who"]);
    assert_eq!(support::total(&who), 3, "{who}");
    // Outlet aliases: source: one name admits the other.
    let people = search(index, &["--synonyms", file, "source:=人民日报"]);
    let mut ids = support::hit_ids(&people);
    ids.sort();
    assert_eq!(ids, ["a1", "a2"], "{people}");
    let people = search(
        index,
        &["--synonyms", file, "--source", "=人民日报", "特朗普"],
    );
    assert_eq!(support::total(&people), 2, "{people}");
}

#[test]
fn trend_export_and_kwic_expand_the_same_way() {
    let index = written_index();
    let file = synonyms_file();
    let file = file.to_str().unwrap();
    let output = run(
        index,
        &[
            "trend",
            "--json",
            "--by",
            "year",
            "--synonyms",
            file,
            "川普",
        ],
    );
    let trend: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(trend["series"][0]["total"], 3, "{trend}");
    assert!(text(&trend["series"][0]["notes"][0]).contains("also as"));
    let output = run(
        index,
        &["search", "--export", "jsonl", "--synonyms", file, "WHO"],
    );
    assert_eq!(stdout(&output).lines().count(), 3, "{}", stderr(&output));
    assert!(stderr(&output).contains("note: WHO also as 世卫组织, 世界卫生组织"));
    let (lines, _) = kwic_lines(index, &["--synonyms", file, "--sort", "oldest", "世卫组织"]);
    let matches: Vec<&str> = lines.iter().map(|l| text(&l["match"])).collect();
    assert_eq!(matches, ["世界卫生组织", "世衛組織", "WHO"]);
}

#[test]
fn synonyms_beside_the_index_are_picked_up_unless_turned_off() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let copied = run(
        &index,
        &[
            "index",
            "--quiet",
            written_index()
                .parent()
                .unwrap()
                .join("records.jsonl")
                .to_str()
                .unwrap(),
        ],
    );
    assert!(copied.status.success(), "{}", stderr(&copied));
    assert_eq!(support::total(&search(&index, &["川普"])), 1);
    std::fs::write(dir.path().join("synonyms.txt"), GROUPS).unwrap();
    let beside = search(&index, &["川普"]);
    assert_eq!(support::total(&beside), 3);
    assert!(text(&beside["notes"][0]).contains("(synonyms.txt:2)"));
    let off = search(&index, &["--no-synonyms", "川普"]);
    assert_eq!(support::total(&off), 1);
    assert!(off["notes"].as_array().unwrap().is_empty());
    // A mistake in the file is one line naming it and the line, for every command.
    std::fs::write(dir.path().join("synonyms.txt"), "特朗普,川普\n\n拜登\n").unwrap();
    for args in [
        &["search", "川普"][..],
        &["kwic", "川普"],
        &["trend", "川普"],
    ] {
        let output = run(&index, args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let error = stderr(&output);
        assert_eq!(error.lines().count(), 1, "{error}");
        assert!(
            error.contains("synonyms.txt:3: a group needs two names or more"),
            "{error}"
        );
    }
    assert!(run(&index, &["search", "--no-synonyms", "川普"])
        .status
        .success());
    let missing = run(
        &index,
        &["search", "--synonyms", "/nonexistent/groups.txt", "川普"],
    );
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("/nonexistent/groups.txt"));
}

/// The README's worked examples of keyword in context and synonyms, run on
/// `sample_corpus/` as written there: each `$ baoku …` line of a text block is run and
/// must print exactly the lines below it; the block that starts `# synonyms.txt` is
/// the file those examples read.
#[test]
fn the_readme_examples_print_what_the_readme_shows() {
    let blocks = support::readme_blocks("### Keyword in context", "\n## ");
    let dir = tempfile::tempdir().unwrap();
    let file = blocks
        .iter()
        .find(|b| b.starts_with("# synonyms.txt"))
        .expect("the synonyms file of the examples");
    std::fs::write(dir.path().join("synonyms.txt"), file).unwrap();
    let ran = support::run_readme_examples(&blocks, dir.path());
    assert!(ran >= 5, "{ran} examples");
}

#[test]
fn an_excluded_word_needs_no_quotes() {
    let index = sample_index();
    let (all, _) = kwic_lines(index, &["乡村振兴"]);
    let (without, code) = kwic_lines(index, &["乡村振兴", "-吉林"]);
    assert_eq!(code, 0);
    assert!(!without.is_empty() && without.len() < all.len());
    let (quoted, _) = kwic_lines(index, &["乡村振兴 -吉林"]);
    assert_eq!(without, quoted);
    // `-n` after a word is still the flag.
    let (three, _) = kwic_lines(index, &["乡村振兴", "-n", "3"]);
    assert_eq!(three.len(), 3);
}
