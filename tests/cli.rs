//! The `baoku` binary end to end: index `sample_corpus/`, search it, decode the JSON,
//! and check what a user would see — titles, dates, and highlights on the query words.

mod support;

use serde_json::Value;
use std::path::Path;
use support::{
    baoku_command, chars_of, exact_hits, sample_corpus, sample_index, search_json, stderr, stdout,
    titles,
};

/// The document of `baoku search --json ARGS` with only the hits that match as
/// written (the partial ones that follow a short list are tested in questions.rs).
fn search(args: &[&str]) -> Value {
    exact_hits(search_json(sample_index(), args).0)
}

/// Every highlight must cover query words and nothing else (after normalisation:
/// 鄉村振興 covers 乡村振兴).
fn assert_highlights_on(results: &Value, words: &[&str]) {
    let mut seen = 0;
    for hit in results["hits"].as_array().unwrap() {
        let mut marked = Vec::new();
        for snippet in hit["snippets"].as_array().unwrap() {
            let text = snippet["text"].as_str().unwrap();
            for range in snippet["highlights"].as_array().unwrap() {
                marked.push(chars_of(text, range));
            }
        }
        if let Some(title) = hit["title"].as_str() {
            for range in hit["title_highlights"].as_array().unwrap() {
                marked.push(chars_of(title, range));
            }
        }
        for piece in marked {
            let mut rest = baoku::analyze::normalize_str(&piece);
            for word in words {
                rest = rest.replace(word, "");
            }
            assert!(
                rest.is_empty(),
                "highlight {piece:?} is not made of {words:?}"
            );
            seen += 1;
        }
    }
    assert!(seen > 0, "no highlights at all");
}

#[test]
fn rural_income_query_ranks_articles_with_highlights() {
    let results = search(&["乡村振兴 收入"]);
    assert_eq!(results["query"], "乡村振兴 收入");
    let hits = results["hits"].as_array().unwrap();
    assert_eq!(results["total"].as_u64().unwrap() as usize, hits.len());
    assert!(hits.len() >= 5, "{:?}", titles(&results));

    let seed = hits
        .iter()
        .find(|h| h["title"] == "在新起点上接续奋斗")
        .expect("the seed article is found");
    assert_eq!(seed["date"], "2022-05-17");
    assert_eq!(seed["source"], "吉林日报");
    assert_eq!(seed["author"], "孙翠翠");
    assert_eq!(seed["url"], Value::Null);
    assert_eq!(seed["id"].as_str().unwrap().len(), 16);
    assert!(!seed["snippets"].as_array().unwrap().is_empty());
    assert!(seed["snippets"].as_array().unwrap().len() <= 3);

    // Ranked: scores never increase down the list; the article with 乡村振兴 in its
    // headline and 收入 throughout comes first.
    let scores: Vec<f64> = hits.iter().map(|h| h["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    assert_eq!(hits[0]["title"], "乡村振兴让农民钱袋子鼓起来");
    assert_eq!(hits[0]["title_highlights"], serde_json::json!([[0, 4]]));
    // Every hit has both words somewhere: the apple article (收入 only) is not here.
    assert!(!titles(&results).iter().any(|t| t.contains("苹果")));

    assert_highlights_on(&results, &["乡村振兴", "收入"]);
}

#[test]
fn traditional_and_simplified_find_each_other() {
    let traditional = search(&["鄉村振興"]);
    let titles_t = titles(&traditional);
    assert!(
        titles_t.contains(&"在新起点上接续奋斗".to_string()),
        "{titles_t:?}"
    );
    let simplified = search(&["乡村振兴"]);
    assert!(titles(&simplified)
        .iter()
        .any(|t| t.contains("鄉村振興見成效")));
    assert_eq!(traditional["total"], simplified["total"]);
    assert_highlights_on(&simplified, &["乡村振兴"]);
}

#[test]
fn full_width_and_case_are_folded() {
    let results = search(&["１２６６２元"]);
    assert!(titles(&results).contains(&"在新起点上接续奋斗".to_string()));
    assert_highlights_on(&results, &["12662元"]);

    let ai = search(&["ＡＩ"]);
    let lower = search(&["ai"]);
    assert_eq!(ai["total"], lower["total"]);
    assert!(ai["total"].as_u64().unwrap() >= 2);
    assert_highlights_on(&ai, &["ai"]);
}

#[test]
fn unspaced_runs_are_phrases() {
    let bridge = search(&["南京市长江大桥"]);
    assert!(
        titles(&bridge).iter().any(|t| t.contains("南京长江大桥")),
        "{bridge}"
    );
    let fungus = search(&["黑木耳年产值"]);
    assert_eq!(titles(&fungus), ["在新起点上接续奋斗"]);
    // The same characters out of order are not the phrase: nothing matches as
    // written, and the relaxed answer holds both words.
    let (reordered, code) = search_json(sample_index(), &["年产值黑木耳"]);
    assert_eq!((code, reordered["mode"].as_str()), (0, Some("relaxed")));
    assert_eq!(titles(&reordered)[0], "在新起点上接续奋斗");
}

#[test]
fn quoted_phrases_keep_their_spaces() {
    let spaced = search(&["\"全省一盘棋 脱贫群众\""]);
    assert_eq!(titles(&spaced), ["在新起点上接续奋斗"]);
}

#[test]
fn gbk_articles_are_searchable() {
    let results = search(&["蒙顶山 茶农"]);
    assert_eq!(titles(&results), ["蒙顶山下茶香浓 茶农增收有奔头"]);
}

#[test]
fn limit_and_offset_page_through_an_exact_total() {
    let all = search(&["收入", "--limit", "100"]);
    let total = all["total"].as_u64().unwrap();
    assert_eq!(all["hits"].as_array().unwrap().len() as u64, total);
    let page = search(&["收入", "--limit", "2", "--offset", "1"]);
    assert_eq!(page["total"].as_u64().unwrap(), total);
    assert_eq!(titles(&page), titles(&all)[1..3]);
}

#[test]
fn terminal_output_marks_words_with_colour_only() {
    let run = |extra: &[&str], no_color: bool| {
        let mut command = baoku_command();
        command
            .arg("--index")
            .arg(sample_index())
            .arg("search")
            .arg("黑木耳")
            .args(extra);
        if no_color {
            command.env("NO_COLOR", "1");
        }
        stdout(&command.output().unwrap())
    };
    // Piped: the text as it is, no brackets a headline could hold itself (【法治动态】).
    let plain = run(&[], false);
    assert!(
        plain.contains("黑木耳") && !plain.contains("【黑木耳】"),
        "{plain}"
    );
    assert!(!plain.contains('\x1b'));
    assert!(plain.contains("2022-05-17  吉林日报  孙翠翠"), "{plain}");
    let coloured = run(&["--color", "always"], false);
    assert!(coloured.contains("\x1b[1;31m黑木耳\x1b[0m"), "{coloured}");
    assert!(!run(&["--color", "never"], true).contains('\x1b'));
}

#[test]
fn no_match_exits_1_and_errors_exit_2_with_one_line() {
    let output = baoku_command()
        .arg("--index")
        .arg(sample_index())
        .args(["search", "企鹅冰川"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("No articles match"));

    for (query, message) in [("  ", "empty"), ("，，", "no letters")] {
        let output = baoku_command()
            .arg("--index")
            .arg(sample_index())
            .args(["search", query])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{query:?}");
        let err = stderr(&output);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.starts_with("baoku: invalid query: ") && err.contains(message),
            "{err}"
        );
    }

    let missing = tempfile::tempdir().unwrap();
    let output = baoku_command()
        .arg("--index")
        .arg(missing.path().join("nothing-here"))
        .args(["search", "收入"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert_eq!(err.lines().count(), 1, "{err}");
    // The command it suggests creates the index it looked for.
    let wanted = missing.path().join("nothing-here");
    assert!(
        err.contains("no baoku index at")
            && err.contains(&format!("baoku --index {} index PATH", wanted.display())),
        "{err}"
    );
    assert!(!wanted.exists(), "search must not create an index");

    // A path that is not there: said once, and no index is made for it.
    let output = baoku_command()
        .arg("--index")
        .arg(&wanted)
        .args(["index", "/no/such/folder"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert_eq!(err.matches("No such file or directory").count(), 1, "{err}");
    assert!(err.starts_with("baoku: /no/such/folder: "), "{err}");
    assert!(!wanted.exists(), "no index for a run that read nothing");
}

#[test]
fn reindexing_replaces_instead_of_duplicating() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let run = || {
        baoku_command()
            .arg("--index")
            .arg(&index)
            .arg("index")
            .arg(sample_corpus())
            .output()
            .unwrap()
    };
    let first = run();
    assert!(first.status.success(), "{}", stderr(&first));
    let summary = stderr(&first);
    assert!(
        summary.contains("indexed 24 articles (24 new, 0 replaced); 24 inputs read"),
        "{summary}"
    );
    let second = run();
    let summary = stderr(&second);
    assert!(
        summary.contains("(0 new, 0 replaced), 24 unchanged"),
        "{summary}"
    );
    assert!(summary.contains("24 articles in the index"), "{summary}");
    // --rebuild reads everything again into a fresh index.
    let rebuilt = baoku_command()
        .arg("--index")
        .arg(&index)
        .args(["index", "--rebuild"])
        .arg(sample_corpus())
        .output()
        .unwrap();
    let summary = stderr(&rebuilt);
    assert!(
        summary.contains("indexed 24 articles (24 new, 0 replaced)"),
        "{summary}"
    );
    let (results, _) = search_json(&index, &["在新起点上接续奋斗"]);
    assert_eq!(results["total"], 1);
}

#[test]
fn index_location_comes_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("from-env");
    let seed = sample_corpus().join("000_d3d1353f545500ab.txt");
    let output = baoku_command()
        .env("BAOKU_INDEX", &index)
        .arg("index")
        .arg(&seed)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let output = baoku_command()
        .env("BAOKU_INDEX", &index)
        .args(["search", "--json", "孙翠翠"])
        .output()
        .unwrap();
    let results: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(titles(&results), ["在新起点上接续奋斗"]);
}

#[test]
fn unreadable_inputs_are_reported_and_the_rest_indexed() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("inputs");
    std::fs::create_dir(&inputs).unwrap();
    std::fs::copy(
        sample_corpus().join("000_d3d1353f545500ab.txt"),
        inputs.join("seed.txt"),
    )
    .unwrap();
    std::fs::write(inputs.join("broken.txt"), b"\xff\xfe\xfa\x00binary\x00").unwrap();
    std::fs::write(inputs.join("latin1.txt"), b"caf\xe9 \xff\xfe au lait").unwrap();
    std::fs::write(inputs.join("notes.pdf"), "%PDF").unwrap();
    let index = dir.path().join("index");
    let output = baoku_command()
        .arg("--index")
        .arg(&index)
        .arg("index")
        .arg(&inputs)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "some inputs failed");
    let err = stderr(&output);
    assert!(
        err.contains("latin1.txt: not UTF-8, GBK/GB18030 or Big5 text"),
        "{err}"
    );
    assert!(err.contains("broken.txt: "), "{err}");
    assert!(err.contains("1 file of another type skipped"), "{err}");
    assert!(err.contains("indexed 1 article "), "{err}");
    let (results, _) = search_json(&index, &["孙翠翠"]);
    assert_eq!(results["total"], 1);
}

#[test]
fn an_index_of_another_version_is_refused_until_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let seed = sample_corpus().join("000_d3d1353f545500ab.txt");
    assert!(baoku_command()
        .arg("--index")
        .arg(&index)
        .arg("index")
        .arg(&seed)
        .status()
        .unwrap()
        .success());
    let version_file = index.join("baoku.json");
    let text = std::fs::read_to_string(&version_file).unwrap();
    let mut version: Value = serde_json::from_str(&text).unwrap();
    version["analyzer_version"] = Value::from(0);
    std::fs::write(&version_file, version.to_string()).unwrap();

    let output = baoku_command()
        .arg("--index")
        .arg(&index)
        .args(["search", "收入"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("analyzer v0") && err.contains("--rebuild"),
        "{err}"
    );

    let output = baoku_command()
        .arg("--index")
        .arg(&index)
        .args(["index", "--rebuild"])
        .arg(&seed)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let (results, code) = search_json(&index, &["收入"]);
    assert_eq!((results["total"].as_u64(), code), (Some(1), 0));
}

#[test]
fn rebuild_refuses_to_replace_a_folder_that_is_not_an_index() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("thesis.docx"), "precious").unwrap();
    let output = baoku_command()
        .arg("--index")
        .arg(dir.path())
        .args(["index", "--rebuild"])
        .arg(sample_corpus())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("is not a baoku index"));
    assert!(dir.path().join("thesis.docx").exists());
}

#[test]
fn extract_prints_what_the_indexer_stores() {
    let output = baoku_command()
        .arg("extract")
        .arg(sample_corpus().join("000_d3d1353f545500ab.txt"))
        .arg(sample_corpus().join("010_sichuan_tea_income_gbk.txt"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let lines: Vec<Value> = stdout(&output)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    let seed = &lines[0];
    for (field, value) in [
        ("title", "在新起点上接续奋斗"),
        ("subtitle", "我省巩固拓展脱贫攻坚成果同乡村振兴有效衔接综述"),
        ("date", "2022-05-17"),
        ("source", "吉林日报"),
        ("author", "孙翠翠"),
        ("editor", "初慧"),
    ] {
        assert_eq!(seed[field], value, "{field}");
    }
    assert_eq!(seed["url"], Value::Null);
    let body = seed["body"].as_str().unwrap();
    assert!(body.starts_with("5月的吉林乡村") && body.ends_with("胜利召开。"));
    for furniture in [
        "天气预报",
        "吉林城乡网-",
        "责任编辑",
        "相关信息",
        "版权所有",
        "备案号",
        "技术支持",
    ] {
        assert!(!body.contains(furniture), "{furniture}");
    }
    assert_eq!(lines[1]["source"], "四川日报");

    let output = baoku_command()
        .arg("extract")
        .arg("/no/such/file.txt")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).starts_with("baoku: /no/such/file.txt: "));
}

#[test]
fn a_closed_pipe_ends_quietly() {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = baoku_command()
        .arg("--index")
        .arg(sample_index())
        .args(["search", "收入", "--limit", "100"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        status.code() == Some(0) || status.code() == Some(1),
        "{status:?} {err}"
    );
}

fn stats_json(index: &Path) -> Value {
    let output = baoku_command()
        .arg("--index")
        .arg(index)
        .args(["stats", "--json"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    serde_json::from_str(&stdout(&output)).expect("valid JSON")
}

#[test]
fn a_run_that_writes_most_of_the_archive_leaves_one_segment() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let extra = dir.path().join("extra");
    std::fs::create_dir(&extra).unwrap();
    let index_run = |path: &Path| {
        let output = baoku_command()
            .arg("--index")
            .arg(&index)
            .args(["index", "--batch", "4"])
            .arg(path)
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", stderr(&output));
    };

    // Committed every 4 articles: several segments, merged into one at the end.
    index_run(&sample_corpus());
    let stats = stats_json(&index);
    let articles = stats["articles"].as_u64().unwrap();
    assert!(articles >= 20, "{stats}");
    assert_eq!(stats["segments"], 1, "{stats}");
    let (found, _) = search_json(&index, &["乡村振兴 收入"]);
    assert!(found["total"].as_u64().unwrap() >= 2, "{found}");

    // A small addition is not worth rewriting the archive for.
    std::fs::write(
        extra.join("new.txt"),
        "春耕时节农机忙\n2024年03月20日08:16 | 来源：人民网\n各地抢抓农时，春耕生产有序推进，农机手们忙着整地播种。",
    )
    .unwrap();
    index_run(&extra);
    let stats = stats_json(&index);
    assert_eq!(stats["articles"].as_u64().unwrap(), articles + 1, "{stats}");
    assert_eq!(stats["segments"], 2, "{stats}");
    let (found, _) = search_json(&index, &["春耕"]);
    assert_eq!(found["hits"][0]["title"], "春耕时节农机忙", "{found}");
}

#[test]
fn a_source_is_found_by_any_part_of_its_name_and_exactly_with_equals() {
    let sources = |args: &[&str]| -> Vec<String> {
        let (results, _) = search_json(sample_index(), args);
        let mut found: Vec<String> = results["hits"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|h| h["partial"] == false)
            .map(|h| h["source"].as_str().unwrap_or("").to_string())
            .collect();
        found.sort();
        found.dedup();
        found
    };
    // 人民日报 is in 人民网－人民日报 and 人民网－人民日报海外版.
    assert_eq!(
        sources(&["--source", "人民日报"]),
        ["人民网－人民日报", "人民网－人民日报海外版"]
    );
    assert_eq!(
        sources(&["--source", "=人民网－人民日报"]),
        ["人民网－人民日报"]
    );
    assert_eq!(
        sources(&["source:\"人民网－人民日报海外版\""]),
        ["人民网－人民日报海外版"]
    );
    // Traditional and full-width spellings of a name find it too.
    assert_eq!(sources(&["--source", "中央社"]), ["中央社"]);
    // A name no outlet has: nothing, and a note naming the largest outlets.
    let (none, code) = search_json(sample_index(), &["收入", "--source", "=人民日报"]);
    assert_eq!(code, 1);
    let note = none["notes"][0].as_str().unwrap();
    assert!(
        note.contains("is no outlet") && note.contains("新华网"),
        "{note}"
    );
}

#[test]
fn filters_alone_list_articles_newest_first() {
    let (results, code) = search_json(sample_index(), &["--source", "新华"]);
    assert_eq!(code, 0);
    let dates: Vec<&str> = results["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["date"].as_str().unwrap())
        .collect();
    assert!(dates.len() >= 3, "{dates:?}");
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
    let text = stdout(
        &baoku_command()
            .arg("--index")
            .arg(sample_index())
            .args(["search", "--since", "2024"])
            .output()
            .unwrap(),
    );
    assert!(text.contains("match the filters (newest first)"), "{text}");
    // A filter that leaves nothing of what the words match says so.
    let (empty, code) = search_json(sample_index(), &["黑木耳", "--since", "2024"]);
    assert_eq!(code, 1);
    let note = empty["notes"][0].as_str().unwrap();
    assert!(
        note.contains("match without the filter on dates from 2024-01-01"),
        "{note}"
    );
}

#[test]
fn stats_say_how_many_sources_are_not_listed() {
    let text = stdout(
        &baoku_command()
            .arg("--index")
            .arg(sample_index())
            .arg("stats")
            .output()
            .unwrap(),
    );
    // 17 sources, 10 listed.
    assert!(text.contains("sources    17"), "{text}");
    assert!(text.contains("… and 7 more"), "{text}");
}

#[test]
fn completions_and_the_manual_come_from_the_flags() {
    for (shell, marker) in [
        ("bash", "_baoku()"),
        ("zsh", "#compdef baoku"),
        ("fish", "complete -c baoku"),
    ] {
        let output = baoku_command()
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(output.status.success());
        let script = stdout(&output);
        assert!(script.contains(marker), "{shell}: {script}");
        assert!(script.contains("snippet-chars"), "{shell}");
    }
    let man = stdout(&baoku_command().arg("man").output().unwrap());
    assert!(
        man.starts_with(".ie") && man.contains(".TH baoku 1"),
        "{man}"
    );
    assert!(man.contains("search"), "{man}");
    // A closed pipe ends it quietly.
    let mut child = baoku_command()
        .args(["completions", "bash"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert!(!stderr(&output).contains("panicked"), "{}", stderr(&output));
}

#[test]
fn the_summary_counts_in_words_and_only_text_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    std::fs::copy(
        sample_corpus().join("000_d3d1353f545500ab.txt"),
        inputs.join("seed.txt"),
    )
    .unwrap();
    // A binary named like text: refused, and not counted as megabytes of text.
    let mut binary = vec![0u8; 2_000_000];
    for (i, b) in binary.iter_mut().enumerate() {
        *b = (i * 7919 % 251) as u8;
    }
    std::fs::write(inputs.join("photo.txt"), &binary).unwrap();
    let output = baoku_command()
        .arg("--index")
        .arg(dir.path().join("index"))
        .arg("index")
        .arg(&inputs)
        .output()
        .unwrap();
    let summary = stderr(&output);
    let line = summary.lines().last().unwrap();
    assert!(
        line.contains("indexed 1 article (1 new, 0 replaced)"),
        "{line}"
    );
    assert!(line.contains("1 input or record failed"), "{line}");
    assert!(line.contains("2 inputs read"), "{line}");
    assert!(line.contains("1 article in the index"), "{line}");
    assert!(
        line.contains("kB of text"),
        "the binary is not text: {line}"
    );
    assert!(!line.contains("0.0 MB/s"), "{line}");
}
