//! How `baoku search` answers queries as people type and paste them (issue 13): short
//! questions, pasted text with odd quotes and brackets, words given as separate
//! arguments, `-word` on the command line, and `NEAR`. The real binary, on
//! `sample_corpus/` plus a few articles written here.

mod support;

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use support::{baoku, chars_of, hit_ids, index_sample_corpus_with, stderr, stdout, titles, FILLER};

/// Articles that show exclusions and distances.
fn extra_articles() -> Vec<Value> {
    let records = [
        json!({"id": "typhoon-drill", "title": "沿海城市举行防台风演习", "date": "2023-07-01",
               "source": "测试报", "body": format!("台风季来临前，多地举行防汛防台风演习。{FILLER}")}),
        json!({"id": "typhoon-landfall", "title": "台风在沿海登陆", "date": "2023-07-20",
               "source": "测试报", "body": format!("今年第5号台风今晨登陆，当地转移群众。{FILLER}")}),
        // 黄河 and 湿地 side by side, then more than a hundred characters apart.
        json!({"id": "near", "title": "生态保护简讯一", "date": "2020-06-01", "source": "测试报",
               "body": format!("黄河湿地保护取得进展。{FILLER}{FILLER}")}),
        json!({"id": "far", "title": "生态保护简讯二", "date": "2020-06-02", "source": "测试报",
               "body": format!("黄河保护取得进展。{FILLER}{FILLER}{FILLER}湿地。")}),
        json!({"id": "reverse", "title": "生态保护简讯三", "date": "2020-06-03", "source": "测试报",
               "body": format!("湿地与黄河相连。{FILLER}")}),
        // A name in traditional characters, and its halves as words of another text.
        json!({"id": "name-whole", "title": "特首宣布新措施", "date": "2021-05-04", "source": "測試報",
               "body": format!("行政長官林鄭月娥今日宣布，政府將推出新的防疫措施。{FILLER}")}),
        json!({"id": "name-halves", "title": "人名简讯", "date": "2021-05-05", "source": "测试报",
               "body": format!("郑月是一个人名，月娥也是。长江大桥今日通车。{FILLER}")}),
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

/// `baoku search --json ARGS…`: the decoded document and the exit status.
fn search(args: &[&str]) -> (Value, i32) {
    let output = baoku(index())
        .args(["search", "--json"])
        .args(args)
        .output()
        .unwrap();
    let code = output.status.code().unwrap();
    assert!(code <= 1, "{args:?}: {}", stderr(&output));
    (serde_json::from_slice(&output.stdout).unwrap(), code)
}

fn notes(results: &Value) -> Vec<String> {
    results["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn short_questions_are_answered() {
    // Under eight characters, matching nothing as written: answered in relaxed mode,
    // the question words left out.
    for (question, title) in [
        ("黑木耳是什么？", "小木耳撑起大产业 汪清农民增收有门道"),
        ("谁拍到了大熊猫？", "红外相机再次拍到野生大熊猫“母子同框”"),
        (
            "漓江在哪里",
            "广西桂林强降雨致漓江超警 当地紧急转移群众1.6万余人",
        ),
    ] {
        let (results, code) = search(&[question]);
        assert_eq!(code, 0, "{question}");
        assert_eq!(results["mode"], "relaxed", "{question}");
        assert_eq!(titles(&results)[0], title, "{question}");
        // The question words themselves are not highlighted.
        for snippet in results["hits"][0]["snippets"].as_array().unwrap() {
            for range in snippet["highlights"].as_array().unwrap() {
                let marked = chars_of(snippet["text"].as_str().unwrap(), range);
                assert!(
                    !["什么", "谁", "哪里", "是"].contains(&marked.as_str()),
                    "{marked}"
                );
            }
        }
    }
}

#[test]
fn a_query_whose_words_occur_somewhere_never_answers_nothing() {
    // 量子 occurs nowhere, 黑木耳 does: the articles with 黑木耳 answer.
    let (results, code) = search(&["量子 黑木耳"]);
    assert_eq!(code, 0);
    assert_eq!(results["mode"], "relaxed");
    assert!(titles(&results)[0].contains("木耳"));
    // Words found nowhere at all: nothing, exit status 1, and the terminal says so.
    let output = baoku(index())
        .args(["search", "企鹅冰川"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("No articles match"));
}

#[test]
fn pasted_text_is_searched_with_a_note() {
    // (query, a word of the note, or "" when nothing needs one)
    for (query, note) in [
        ("“黑木耳 产值", "never closed"),
        ("黑木耳 产值”", "never closed"),
        ("(黑木耳 产值", "never closed"),
        ("黑木耳) 产值", "has no ( before it"),
        ("OR 黑木耳", "has nothing before it"),
        ("黑木耳 NOT", "has nothing after it"),
        ("Note: 黑木耳", "not a field"),
        ("“黑木耳\"产值", ""),
        ("”黑木耳“的产值", ""),
        ("「黑木耳『产值", ""),
        ("《黑木耳》产值", ""),
        ("时间：2023年 黑木耳", ""),
        ("黑木耳——产值🍄", ""),
    ] {
        let output = baoku(index())
            .args(["search", "--json", query])
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(0),
            "{query}: {}",
            stderr(&output)
        );
        let results: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert!(
            titles(&results).iter().any(|t| t.contains("木耳")),
            "{query}: {:?}",
            titles(&results)
        );
        let noted = notes(&results);
        if note.is_empty() {
            assert!(noted.is_empty(), "{query}: {noted:?}");
        } else {
            assert!(noted.iter().any(|n| n.contains(note)), "{query}: {noted:?}");
            // The terminal prints the same notes on stderr, one line each.
            let text = baoku(index()).args(["search", query]).output().unwrap();
            let err = stderr(&text);
            assert_eq!(err.lines().count(), noted.len(), "{err}");
            assert!(err.contains(note), "{err}");
        }
    }
}

#[test]
fn only_nothing_to_search_and_impossible_fields_and_dates_are_errors() {
    for (query, message) in [
        ("titel:黑木耳", "did you mean title:?"),
        ("date:2022-13", "not a date"),
        ("，。！🎉", "no letters, digits or Chinese characters"),
        ("“”", "no letters, digits or Chinese characters"),
    ] {
        let output = baoku(index()).args(["search", query]).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{query}");
        let err = stderr(&output);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(message), "{query}: {err}");
    }
    // Years and months written the Chinese way are dates.
    let (results, _) = search(&["date:2024年6月 漓江"]);
    assert_eq!(results["total"], 1);
}

#[test]
fn words_are_taken_as_typed_on_the_command_line() {
    // Two arguments are one query; the same answer as the quoted form.
    let (apart, _) = search(&["乡村振兴", "收入"]);
    let (together, _) = search(&["乡村振兴 收入"]);
    assert_eq!(apart["query"], "乡村振兴 收入");
    assert_eq!(hit_ids(&apart), hit_ids(&together));
    assert!(apart["total"].as_u64().unwrap() >= 3);
    // A word with a leading dash after the first word excludes it, and flags after it
    // still work.
    let (both, _) = search(&["台风"]);
    let (without, _) = search(&["台风", "-演习", "--limit", "5"]);
    assert!(hit_ids(&both).contains(&"typhoon-drill".to_string()));
    assert!(!hit_ids(&without).contains(&"typhoon-drill".to_string()));
    assert!(hit_ids(&without).contains(&"typhoon-landfall".to_string()));
    assert_eq!(without["query"], "台风 -演习");
    // Flags before the words, and an exclusion no flag could be spelt like.
    let output = baoku(index())
        .args(["search", "-n", "1", "--json", "-演习", "台风"])
        .output()
        .unwrap();
    let first: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(hit_ids(&first), ["typhoon-landfall"]);
    // The same exclusion in --batch.
    let dir = tempfile::tempdir().unwrap();
    let batch = dir.path().join("queries.txt");
    std::fs::write(&batch, "q1\t台风 -演习\n").unwrap();
    let output = baoku(index())
        .args(["search", "--batch"])
        .arg(&batch)
        .output()
        .unwrap();
    let line: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(line["qid"], "q1");
    assert_eq!(line["total"], without["total"]);
    assert!(line["notes"].as_array().unwrap().is_empty());
}

#[test]
fn near_finds_words_within_a_distance_in_either_order() {
    let found = |query: &str| {
        // The three share most of their text: reprints of each other, shown apart.
        let mut found = hit_ids(&search(&[query, "--no-collapse"]).0);
        found.retain(|id| ["near", "far", "reverse"].contains(&id.as_str()));
        found.sort();
        found
    };
    assert_eq!(found("黄河 NEAR/5 湿地"), ["near", "reverse"]);
    assert_eq!(found("湿地 NEAR/0 黄河"), ["near"]);
    assert_eq!(found("\"黄河 湿地\"~5"), ["near", "reverse"]);
    assert_eq!(found("黄河 NEAR/200 湿地"), ["far", "near", "reverse"]);
    assert_eq!(found("黄河 NEAR 湿地"), ["near", "reverse"]);
    // On a real article: the words are highlighted where they stand.
    let (results, code) = search(&["黑木耳 NEAR/10 产值"]);
    assert_eq!(code, 0);
    assert_eq!(results["mode"], "all");
    let hit = &results["hits"][0];
    assert_eq!(titles(&results), ["在新起点上接续奋斗"]);
    let snippet = &hit["snippets"][0];
    let marked: Vec<String> = snippet["highlights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| chars_of(snippet["text"].as_str().unwrap(), r))
        .collect();
    assert!(marked.iter().any(|m| m.contains("黑木耳")), "{marked:?}");
    assert!(marked.iter().any(|m| m.contains("产值")), "{marked:?}");
}

/// Every highlighted piece of every hit's title and snippets.
fn highlighted(results: &Value) -> Vec<(String, String)> {
    let mut pieces = Vec::new();
    for hit in results["hits"].as_array().unwrap() {
        let id = hit["id"].as_str().unwrap().to_string();
        for snippet in hit["snippets"].as_array().unwrap() {
            let text = snippet["text"].as_str().unwrap();
            for range in snippet["highlights"].as_array().unwrap() {
                pieces.push((id.clone(), chars_of(text, range)));
            }
        }
    }
    pieces
}

#[test]
fn a_name_is_highlighted_whole_never_in_halves() {
    // The question's words may match only part of a name (郑月); the highlight takes
    // the whole name the text writes, 林鄭月娥, not 林【鄭月】娥.
    for question in ["林郑月娥宣布了什么", "林鄭月娥宣佈了甚麼？", "谁是林郑月娥"]
    {
        let (results, _) = search(&[question]);
        let pieces = highlighted(&results);
        let on_name: Vec<&str> = pieces
            .iter()
            .filter(|(id, _)| id == "name-whole")
            .map(|(_, p)| p.as_str())
            .collect();
        assert!(on_name.contains(&"林鄭月娥"), "{question}: {pieces:?}");
        assert!(
            on_name
                .iter()
                .all(|p| !p.contains('鄭') || p.contains("林鄭月娥")),
            "{question}: half a name marked: {pieces:?}"
        );
    }
    // Where the text has the halves as words of their own, they stay as they are,
    // and a word inside a longer one the query does not hold is not widened.
    let (results, _) = search(&["郑月 大桥"]);
    let pieces = highlighted(&results);
    assert!(
        pieces.contains(&("name-halves".into(), "郑月".into())),
        "{pieces:?}"
    );
    assert!(
        pieces.contains(&("name-halves".into(), "大桥".into())),
        "{pieces:?}"
    );
}

#[test]
fn few_exact_matches_are_followed_by_partial_ones() {
    // One article holds 黄河湿地 as a phrase; others hold 黄河 or 湿地 alone.
    let (results, _) = search(&["黄河湿地"]);
    assert_eq!(results["mode"], "all");
    assert_eq!(results["total"], 1);
    let hits = results["hits"].as_array().unwrap();
    assert_eq!(hits[0]["id"], "near");
    assert_eq!(hits[0]["partial"], false);
    assert!(hits.len() > 1);
    assert!(hits[1..].iter().all(|h| h["partial"] == true));
    // Sorted by date, only the exact matches.
    let (dated, _) = search(&["黄河湿地", "--sort", "date"]);
    assert_eq!(hit_ids(&dated), ["near"]);
    // The terminal says where the partial ones begin.
    let text = stdout(
        &baoku(index())
            .args(["search", "黄河湿地"])
            .output()
            .unwrap(),
    );
    assert!(
        text.contains("Articles holding only some of the words"),
        "{text}"
    );
}

#[test]
fn the_query_syntax_has_one_source_shown_everywhere() {
    // Every form of the table behind `--help` is in the README and on the page.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let page = std::fs::read_to_string(root.join("src/serve/page/index.html")).unwrap();
    let help = stdout(&baoku(index()).args(["search", "--help"]).output().unwrap());
    for (example, _) in baoku::search::query::SYNTAX {
        assert!(help.contains(example), "--help lacks {example}");
        // The operator or field each example shows.
        let key = [
            "NEAR/", "~", " OR ", "-", "title:", "source:", "person:", "place:", "org:", "date:",
            "\"",
        ]
        .into_iter()
        .find(|k| example.contains(k));
        if let Some(key) = key {
            assert!(readme.contains(key), "README lacks {key} ({example})");
            assert!(
                page.contains(key.trim()) || key == "~" || key == "\"",
                "the page's hint lacks {key} ({example})"
            );
        }
    }
}

#[test]
fn search_help_fits_80_columns() {
    use unicode_width::UnicodeWidthStr;
    for columns in ["80", "200"] {
        let output = baoku(index())
            .env("COLUMNS", columns)
            .args(["search", "--help"])
            .output()
            .unwrap();
        let help = stdout(&output);
        let widest = help.lines().map(|l| (l.width(), l)).max().unwrap();
        assert!(
            widest.0 <= 80,
            "COLUMNS={columns}: {} columns: {}",
            widest.0,
            widest.1
        );
        // The table stays a table: no line of it is cut into single words.
        assert!(help.contains("收入 NEAR/10 增收"), "{help}");
    }
}

/// Closing quotes and brackets that belong to the sentence before them.
const CLOSERS: &str = "”’」』）)】》〉］]";

fn assert_no_snippet_opens_with_a_closer(index: &Path, queries: &[&str]) -> usize {
    let mut seen = 0;
    for query in queries {
        let output = baoku(index)
            .args([
                "search",
                "--json",
                "--limit",
                "50",
                "--snippets",
                "10",
                query,
            ])
            .output()
            .unwrap();
        let results: Value = serde_json::from_slice(&output.stdout).unwrap();
        for hit in results["hits"].as_array().unwrap() {
            for snippet in hit["snippets"].as_array().unwrap() {
                let text = snippet["text"].as_str().unwrap();
                let first = text.trim_start_matches('…').chars().next();
                assert!(
                    !first.is_some_and(|c| CLOSERS.contains(c)),
                    "{query}: a snippet opens with closing punctuation: {text}"
                );
                seen += 1;
            }
        }
    }
    seen
}

#[test]
fn snippets_never_open_with_closing_punctuation() {
    let seen = assert_no_snippet_opens_with_a_closer(
        index(),
        &[
            "收入", "农民", "记者", "表示", "发展", "我们", "群众", "说", "元", "年",
        ],
    );
    assert!(seen > 100, "{seen} snippets");
}

/// The same over 2,100 real articles of the shared corpora (skipped without them).
#[test]
fn snippets_of_real_news_never_open_with_closing_punctuation() {
    use std::io::BufRead;
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let dir = tempfile::tempdir().unwrap();
    let sample = dir.path().join("sample.jsonl");
    let mut lines = String::new();
    for name in [
        "cctv_xwlb.jsonl.zst",
        "hkcnews.jsonl.zst",
        "zh_inews.jsonl.zst",
    ] {
        let Ok(file) = std::fs::File::open(corpus.join(name)) else {
            eprintln!("skipped: ../shared/corpus/{name} is not here");
            return;
        };
        let reader = std::io::BufReader::new(zstd::stream::read::Decoder::new(file).unwrap());
        for line in reader.lines().step_by(11).take(700) {
            lines.push_str(&line.unwrap());
            lines.push('\n');
        }
    }
    std::fs::write(&sample, lines).unwrap();
    let index = dir.path().join("index");
    let output = baoku(&index).arg("index").arg(&sample).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let seen = assert_no_snippet_opens_with_a_closer(
        &index,
        &[
            "表示", "记者", "香港", "政府", "发展", "我们", "他说", "警方", "市民", "经济", "中国",
            "说",
        ],
    );
    assert!(seen > 1000, "{seen} snippets");
}

/// Lines of a shared corpus (every `step`-th, at most `take`), or `None` without it.
fn shared_lines(name: &str, step: usize, take: usize) -> Option<Vec<String>> {
    use std::io::BufRead;
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus")
        .join(name);
    let file = std::fs::File::open(path).ok()?;
    let reader = std::io::BufReader::new(zstd::stream::read::Decoder::new(file).unwrap());
    Some(
        reader
            .lines()
            .step_by(step)
            .take(take)
            .map(Result::unwrap)
            .collect(),
    )
}

/// Segment files of an index.
fn segments(index: &Path) -> usize {
    std::fs::read_dir(index)
        .unwrap()
        .filter(|entry| entry.as_ref().unwrap().path().extension() == Some("store".as_ref()))
        .count()
}

/// The same archive answers the same, whether it was written in one run (one segment)
/// or grown by a second run (several): questions and partial fills are ranked from
/// where the words stand in each article, and ties are not broken by where an article
/// happens to be in the index. Real articles (skipped without `../shared`).
#[test]
fn answers_do_not_depend_on_how_the_archive_is_split_into_segments() {
    let (Some(cctv), Some(hk)) = (
        shared_lines("cctv_xwlb.jsonl.zst", 13, 2400),
        shared_lines("hkcnews.jsonl.zst", 31, 500),
    ) else {
        eprintln!("skipped: ../shared/corpus is not here");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    // Furniture is learned per source within a run: the second run brings a source of
    // its own, so both archives hold the same text.
    let (first, second) = (dir.path().join("first"), dir.path().join("second"));
    for (folder, lines) in [(&first, &cctv), (&second, &hk)] {
        std::fs::create_dir_all(folder).unwrap();
        std::fs::write(folder.join("part.jsonl"), lines.join("\n") + "\n").unwrap();
    }
    let index_of = |name: &str, runs: &[&[&Path]]| {
        let index = dir.path().join(name);
        for inputs in runs {
            let output = baoku(&index)
                .args(["index", "--quiet"])
                .args(*inputs)
                .output()
                .unwrap();
            assert!(output.status.success(), "{}", stderr(&output));
        }
        index
    };
    let whole = index_of("whole", &[&[&first, &second]]);
    let grown = index_of("grown", &[&[&first], &[&first, &second]]);
    assert_eq!(segments(&whole), 1);
    assert!(segments(&grown) >= 2, "{} segments", segments(&grown));

    // Queries pairing words of headlines from both sources: most match no article as
    // written (relaxed), some fill a short exact list with partial hits.
    let headline = |line: &String| -> Vec<char> {
        let record: Value = serde_json::from_str(line).unwrap();
        record["title"]
            .as_str()
            .unwrap_or("")
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect()
    };
    let mut queries = String::new();
    for n in 0..200 {
        let a = headline(&cctv[(n * 7) % cctv.len()]);
        let b = headline(&hk[(n * 3) % hk.len()]);
        if a.len() < 6 || b.len() < 4 {
            continue;
        }
        let at = n % (a.len() - 4);
        let word_a: String = a[at..at + 2 + n % 3].iter().collect();
        let word_b: String = b[n % (b.len() - 3)..][..2].iter().collect();
        let query = match n % 3 {
            0 => format!("{word_a} {word_b}"),
            1 => format!("{word_a}是什么"),
            _ => format!(
                "{word_a} {word_b} {}",
                a[a.len() - 2..].iter().collect::<String>()
            ),
        };
        queries.push_str(&format!("q{n}\t{query}\n"));
    }
    let batch = dir.path().join("queries.tsv");
    std::fs::write(&batch, &queries).unwrap();
    let answers = |index: &Path| -> Vec<Value> {
        let output = baoku(index)
            .args(["search", "--batch"])
            .arg(&batch)
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", stderr(&output));
        stdout(&output)
            .lines()
            .map(|line| {
                let mut answer: Value = serde_json::from_str(line).unwrap();
                answer.as_object_mut().unwrap().remove("took_ms");
                for hit in answer["hits"].as_array_mut().unwrap() {
                    hit.as_object_mut().unwrap().remove("path");
                }
                answer
            })
            .collect()
    };
    let (from_whole, from_grown) = (answers(&whole), answers(&grown));
    assert_eq!(from_whole.len(), queries.lines().count());
    let relaxed = from_whole.iter().filter(|a| a["mode"] == "relaxed").count();
    let partial = from_whole
        .iter()
        .filter(|a| {
            a["hits"]
                .as_array()
                .unwrap()
                .iter()
                .any(|h| h["partial"] == true)
        })
        .count();
    assert!(
        relaxed >= 50 && partial >= 5,
        "{relaxed} relaxed, {partial} with partial hits"
    );
    for (whole, grown) in from_whole.iter().zip(&from_grown) {
        let (mut whole, mut grown) = (whole.clone(), grown.clone());
        // A common word's count stops early ("at least"), after however many articles
        // each segment gave before the best were sure: a bound, not a count.
        if whole["total_is_lower_bound"] == true && grown["total_is_lower_bound"] == true {
            whole["total"] = Value::Null;
            grown["total"] = Value::Null;
        }
        assert!(whole == grown, "{}:\n{whole}\n{grown}", whole["query"]);
    }
}
