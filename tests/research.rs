//! The research workbench from the command line: `baoku trend` on articles written
//! here (known dates, a reprinted story, an undated article) and on `sample_corpus/`,
//! its JSON decoded, its CSV parsed, its chart measured in display columns.

mod support;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use support::{run, sample_index, stderr, stdout};
use unicode_width::UnicodeWidthStr;

/// A typhoon story reprinted by two outlets, rainstorms over three months, an
/// undated typhoon article.
fn written_index() -> &'static Path {
    static INDEX: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_dir, index) = INDEX.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let story =
            "台风“梅花”今晨在浙江舟山登陆，中心附近最大风力十四级，沿海各地转移群众二十万人，\
                     渔船全部回港避风，铁路部门停运多趟列车，防汛部门启动一级应急响应。";
        let articles = [
            ("t1", Some("2022-05-03"), "新华社", story),
            ("t2", Some("2022-05-04"), "人民日报", story),
            (
                "t3",
                Some("2022-07-09"),
                "新华社",
                "台风过后，暴雨又至，城区多处积水。",
            ),
            (
                "r1",
                Some("2022-06-01"),
                "浙江日报",
                "暴雨红色预警发布，学校停课一天。",
            ),
            (
                "r2",
                Some("2022-06-20"),
                "浙江日报",
                "连日暴雨致山体滑坡，交通中断。",
            ),
            ("u1", None, "新华社", "台风季将至，专家提醒储备物资。"),
        ];
        let index = support::index_articles(dir.path(), &articles);
        (dir, index)
    });
    index
}

fn trend_json(index: &Path, args: &[&str]) -> Value {
    let output = run(index, &[&["trend", "--json"], args].concat());
    assert!(output.status.code().unwrap() <= 1, "{}", stderr(&output));
    serde_json::from_str(&stdout(&output)).expect("one JSON document")
}

/// `(period, count)` of a series.
fn points(series: &Value) -> Vec<(String, u64)> {
    series["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["period"].as_str().unwrap().to_string(),
                p["count"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn owned(pairs: &[(&str, u64)]) -> Vec<(String, u64)> {
    pairs.iter().map(|(p, c)| (p.to_string(), *c)).collect()
}

#[test]
fn trend_counts_each_story_once_in_its_first_month_and_every_reprint_when_asked() {
    let index = written_index();
    let trend = trend_json(index, &["台风", "暴雨"]);
    assert_eq!(trend["by"], "month");
    assert_eq!(trend["collapse"], true);
    let typhoon = &trend["series"][0];
    assert_eq!(typhoon["query"], "台风");
    // The reprint (t2) is counted with t1; the undated article apart.
    assert_eq!(
        points(typhoon),
        owned(&[("2022-05", 1), ("2022-06", 0), ("2022-07", 1)])
    );
    assert_eq!(
        (typhoon["total"].as_u64(), typhoon["undated"].as_u64()),
        (Some(3), Some(1))
    );
    assert_eq!(
        points(&trend["series"][1]),
        owned(&[("2022-05", 0), ("2022-06", 2), ("2022-07", 1)])
    );

    let all = trend_json(
        index,
        &[
            "台风",
            "--no-collapse",
            "--by",
            "day",
            "--since",
            "2022-05-04",
        ],
    );
    assert_eq!(all["collapse"], false);
    let days = points(&all["series"][0]);
    assert_eq!(days.first(), Some(&("2022-05-04".to_string(), 1)));
    assert_eq!(days.last(), Some(&("2022-07-09".to_string(), 1)));
    assert_eq!(days.len(), 67, "every day from May 4 to July 9");
    assert_eq!(days.iter().map(|(_, c)| c).sum::<u64>(), 2);
    // The filter leaves out the undated article too.
    assert_eq!(all["series"][0]["total"], 2);
}

#[test]
fn trend_without_collapse_sums_to_the_search_total_for_any_query() {
    let index = sample_index();
    for query in [
        "乡村振兴",
        "收入 OR 台风",
        "\"长江大桥\"",
        "发展 -经济",
        "source:新华 发展",
        "date:2021..2022 中国",
        "鄉村振興",
    ] {
        let output = run(index, &["search", "--json", "--no-collapse", "--", query]);
        let search: Value = serde_json::from_slice(&output.stdout).unwrap();
        let trend = trend_json(index, &["--no-collapse", "--by", "week", "--", query]);
        let series = &trend["series"][0];
        let counted: u64 = points(series).iter().map(|(_, c)| c).sum::<u64>()
            + series["undated"].as_u64().unwrap();
        assert_eq!(counted, search["total"].as_u64().unwrap(), "{query}");
        assert_eq!(series["total"], search["total"], "{query}");
    }
}

#[test]
fn trend_shares_are_counts_over_all_articles_of_the_period() {
    let index = written_index();
    let trend = trend_json(index, &["暴雨", "--share", "--no-collapse"]);
    let shares: Vec<(String, f64)> = trend["series"][0]["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["period"].as_str().unwrap().to_string(),
                p["share"].as_f64().unwrap(),
            )
        })
        .collect();
    // June: both articles are rainstorms; July: one of one; May: none of two.
    assert_eq!(
        shares,
        [("2022-06".to_string(), 1.0), ("2022-07".to_string(), 1.0)]
    );
    let source = trend_json(
        index,
        &["台风", "--share", "--no-collapse", "--source", "新华社"],
    );
    let may = &source["series"][0]["points"][0];
    assert_eq!(
        (may["period"].as_str(), may["share"].as_f64()),
        (Some("2022-05"), Some(1.0))
    );
}

#[test]
fn trend_csv_opens_in_a_spreadsheet_and_the_table_reads_in_a_terminal() {
    let index = written_index();
    let output = run(index, &["trend", "--csv", "台风", "暴雨 -积水"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.starts_with('\u{feff}'), "a byte order mark for Excel");
    let rows: Vec<&str> = text.trim_start_matches('\u{feff}').split("\r\n").collect();
    assert_eq!(
        rows,
        [
            "period,台风,暴雨 -积水",
            "2022-05,1,0",
            "2022-06,0,2",
            "2022-07,1,0",
            "undated,1,0",
            ""
        ]
    );

    let table = stdout(&run(index, &["trend", "台风", "暴雨"]));
    assert_eq!(
        table,
        "period   台风  暴雨\n2022-05     1     0\n2022-06     0     2\n2022-07     1     1\nundated     1     0\ntotal       3     3\n"
    );
}

#[test]
fn trend_charts_fit_80_columns_and_read_without_colour() {
    let index = sample_index();
    for args in [
        &["trend", "--chart", "乡村振兴"][..],
        &[
            "trend",
            "--chart",
            "--by",
            "year",
            "发展",
            "乡村",
            "一个非常非常长的查询词语组合",
        ][..],
        &["trend", "--chart", "--by", "day", "发展"][..],
        &["trend", "--chart", "--by", "week", "发展", "中国"][..],
    ] {
        let output = run(index, args);
        assert!(output.status.success(), "{args:?}: {}", stderr(&output));
        let text = stdout(&output);
        assert!(!text.contains('\x1b'), "no escape codes: {text}");
        for line in text.lines() {
            assert!(
                line.width() <= 80,
                "{args:?}: {} columns: {line}",
                line.width()
            );
        }
        assert!(text.contains('█'), "{args:?}: something is drawn: {text}");
    }
}

#[test]
fn trend_mistakes_are_one_line_errors() {
    let index = written_index();
    for (args, message) in [
        (
            &["trend", "--by", "hour", "台风"][..],
            "invalid value 'hour'",
        ),
        (&["trend", "titel:台风"][..], "titel"),
        (&["trend", "--since", "2022-13", "台风"][..], "2022-13"),
    ] {
        let output = run(index, args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let error = stderr(&output);
        assert_eq!(error.lines().count(), 1, "{error}");
        assert!(error.contains(message), "{args:?}: {error}");
    }
    let none = run(index, &["trend", "--json", "没有的词"]);
    assert_eq!(none.status.code(), Some(1), "nothing matched");
    let trend: Value = serde_json::from_slice(&none.stdout).unwrap();
    assert_eq!(trend["series"][0]["total"], 0);
    assert_eq!(trend["series"][0]["points"], serde_json::json!([]));
}

#[test]
fn export_writes_every_match_with_the_chosen_fields() {
    let index = sample_index();
    let output = run(index, &["search", "--json", "--no-collapse", "发展"]);
    let search: Value = serde_json::from_slice(&output.stdout).unwrap();
    let total = search["total"].as_u64().unwrap() as usize;
    assert!(total > 3, "a query with several matches");

    let csv = run(
        index,
        &["search", "发展", "--limit", "1", "--export", "csv"],
    );
    assert!(csv.status.success(), "{}", stderr(&csv));
    let text = stdout(&csv);
    assert!(
        text.starts_with("\u{feff}id,date,source,author,title,url\r\n"),
        "{text}"
    );
    // Every match, not the page of one; no field holds a line break here.
    assert_eq!(text.trim_end().split("\r\n").count(), total + 1, "{text}");

    let lines = run(
        index,
        &[
            "search",
            "发展",
            "--sort",
            "oldest",
            "--export",
            "jsonl",
            "--fields",
            "date,id,snippet",
        ],
    );
    let rows: Vec<Value> = stdout(&lines)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), total);
    let first = rows[0].as_object().unwrap();
    assert_eq!(first.keys().collect::<Vec<_>>(), ["date", "id", "snippet"]);
    // Traditional text (發展) matches too, and is shown as written.
    assert!(rows.iter().all(|r| {
        let snippet = r["snippet"].as_str().unwrap();
        snippet.contains("发展") || snippet.contains("發展")
    }));
    assert!(
        stdout(&lines).starts_with("{\"date\":"),
        "in the order named"
    );
    let dates: Vec<&str> = rows.iter().filter_map(|r| r["date"].as_str()).collect();
    assert!(
        dates.windows(2).all(|w| w[0] <= w[1]),
        "oldest first: {dates:?}"
    );

    let bad = run(
        index,
        &["search", "发展", "--export", "csv", "--fields", "id,titel"],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("no field \"titel\""),
        "{}",
        stderr(&bad)
    );
}

// ---- the reading view: show --query, reprints, similar --------------------------

fn show_json(index: &Path, args: &[&str]) -> Value {
    let output = run(index, &[&["show", "--json"], args].concat());
    assert!(output.status.success(), "{}", stderr(&output));
    serde_json::from_str(&stdout(&output)).unwrap()
}

fn ids_of(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect()
}

#[test]
fn show_lists_the_reprints_of_the_story_and_search_says_so() {
    let index = written_index();
    let t1 = show_json(index, &["t1"]);
    assert_eq!(ids_of(&t1["reprints"]), ["t2"]);
    assert_eq!(t1["reprints"][0]["source"], "人民日报");
    assert_eq!(t1["reprints"][0]["date"], "2022-05-04");
    assert_eq!(t1["reprints"][0]["reprint"], true);
    assert_eq!(ids_of(&show_json(index, &["t2"])["reprints"]), ["t1"]);
    assert!(show_json(index, &["r1"])["reprints"]
        .as_array()
        .unwrap()
        .is_empty());
    assert!(t1.get("highlights").is_none(), "no query, no highlights");

    let text = stdout(&run(index, &["show", "t1"]));
    assert!(text.contains("1 reprint of this story:"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.contains("2022-05-04") && l.contains("人民日报") && l.contains("id t2")),
        "{text}"
    );
    // The search that folds the reprint says where to list it.
    let text = stdout(&run(index, &["search", "梅花 舟山"]));
    assert!(
        text.contains("1 reprint folded in: `baoku show ID` lists"),
        "{text}"
    );
}

#[test]
fn show_with_a_query_marks_its_words_where_the_search_would() {
    let index = written_index();
    let reading = show_json(index, &["t3", "--query", "台风 暴雨"]);
    let body = reading["body"].as_str().unwrap();
    let marks: Vec<String> = reading["highlights"]["body"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| support::chars_of(body, r))
        .collect();
    assert_eq!(marks, ["台风", "暴雨"]);
    assert_eq!(reading["highlights"]["title"], serde_json::json!([]));
    let text = stdout(&run(index, &["show", "t3", "-q", "台风 暴雨"]));
    assert!(text.contains("2 matches of the query"), "{text}");
    let colour = stdout(&run(
        index,
        &["show", "t3", "-q", "暴雨", "--color", "always"],
    ));
    assert!(colour.contains("\x1b[1;31m暴雨\x1b[0m"), "{colour:?}");

    // Traditional text is marked as written for a simplified query.
    let sample = sample_index();
    let (results, _) = support::search_json(sample, &["鄉村振興 港商"]);
    let id = support::hit_ids(&results)[0].clone();
    let reading = show_json(sample, &[&id, "-q", "乡村振兴"]);
    let body = reading["body"].as_str().unwrap();
    let marks = reading["highlights"]["body"].as_array().unwrap();
    assert!(!marks.is_empty());
    assert!(
        marks
            .iter()
            .all(|r| support::chars_of(body, r) == "鄉村振興"),
        "{marks:?}"
    );

    // A query the language cannot read is refused in one line.
    let output = run(index, &["show", "t3", "-q", "titel:台风"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output).trim().lines().count(),
        1,
        "{}",
        stderr(&output)
    );
    // An unknown id.
    let output = run(index, &["show", "nope", "-q", "台风"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("no article with id \"nope\""));
}

#[test]
fn similar_finds_articles_of_the_same_subject_one_per_story() {
    let sample = sample_index();
    let similar = |args: &[&str]| -> Value {
        let output = run(sample, &[&["similar", "--json"], args].concat());
        assert!(output.status.success(), "{}", stderr(&output));
        serde_json::from_str(&stdout(&output)).unwrap()
    };
    // The seed is about farmers' incomes: the rural-income articles come first.
    let seed = similar(&[support::SEED_ID, "--limit", "3"]);
    let titles: Vec<&str> = seed["similar"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles.len(), 3);
    assert!(
        titles
            .iter()
            .all(|t| t.contains("农民") || t.contains("乡村")),
        "{titles:?}"
    );
    let scores: Vec<f64> = seed["similar"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["score"].as_f64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    assert!(!ids_of(&seed["similar"]).contains(&support::SEED_ID));

    // Reprints are left out, or listed first when asked for.
    let index = written_index();
    let run_similar = |args: &[&str]| -> Value {
        let output = run(index, &[&["similar", "--json"], args].concat());
        assert!(output.status.code().unwrap() <= 1, "{}", stderr(&output));
        serde_json::from_str(&stdout(&output)).unwrap()
    };
    assert!(!ids_of(&run_similar(&["t1"])["similar"]).contains(&"t2"));
    let with = run_similar(&["t1", "--reprints"]);
    assert_eq!(ids_of(&with["similar"])[0], "t2");
    assert_eq!(with["similar"][0]["reprint"], true);

    let output = run(sample, &["similar", "nope"]);
    assert_eq!(output.status.code(), Some(1));
    let output = run(sample, &["similar", support::SEED_ID, "--limit", "0"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn the_readmes_similar_example_is_what_the_command_prints() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let command = "$ baoku similar e6b4d57ddc20e96b --limit 3\n";
    let shown = &readme[readme.find(command).expect("the README shows it") + command.len()..];
    let shown = &shown[..shown.find("```").unwrap()];
    let printed = stdout(&run(
        sample_index(),
        &["similar", support::SEED_ID, "--limit", "3"],
    ));
    assert_eq!(printed, shown);
}
