//! Ingesting real archives with the `baoku` binary: every format, compressed and in
//! tar archives, legacy encodings, field mapping, incremental runs, pruning,
//! duplicates, bad input and the real corpora in `../shared` (skipped without them).

mod support;

use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use support::{articles, exact_titles, index_sample_corpus, run, stderr, stdout};

fn search_titles(index: &Path, query: &str) -> Vec<String> {
    exact_titles(index, query)
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

fn jsonl(records: &[Value]) -> String {
    records.iter().map(|r| format!("{r}\n")).collect()
}

/// A folder `inputs/` with a JSON Lines feed in it, and an index beside it, in a
/// temporary folder: what incremental runs are tried on.
struct Feed {
    _dir: tempfile::TempDir,
    inputs: PathBuf,
    file: PathBuf,
    index: PathBuf,
}

impl Feed {
    fn new() -> Feed {
        let dir = tempfile::tempdir().unwrap();
        let inputs = dir.path().join("inputs");
        std::fs::create_dir(&inputs).unwrap();
        Feed {
            file: inputs.join("feed.jsonl"),
            index: dir.path().join("index"),
            inputs,
            _dir: dir,
        }
    }

    /// Writes the feed again, a little later than before so that its modification
    /// time changes.
    fn write(&self, records: &[Value]) {
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&self.file, jsonl(records)).unwrap();
    }

    /// `baoku index inputs/` with these extra arguments.
    fn index(&self, args: &[&str]) -> std::process::Output {
        let mut all = vec!["index"];
        all.extend_from_slice(args);
        all.push(self.inputs.to_str().unwrap());
        run(&self.index, &all)
    }
}

const SEED: &str = "sample_corpus/000_d3d1353f545500ab.txt";

fn seed() -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(SEED)).unwrap()
}

/// A folder holding one input of every kind baoku reads.
fn mixed_archive(dir: &Path) -> PathBuf {
    let inputs = dir.join("inputs");
    std::fs::create_dir_all(inputs.join("nested")).unwrap();

    let records = jsonl(&[
        json!({"news_id": "n1", "headline": "黄河流域生态保护取得新进展", "content": "<p>今年以来，沿黄九省区持续推进生态保护。</p><p>水土流失面积进一步减少。</p>", "pubdate": 1652718600, "media": "黄河日报", "authors": ["王河", "李川"]}),
        json!({"news_id": "n2", "title": "只有标题的快讯", "body": ""}),
    ]) + "{\"news_id\": \"n3\", \"title\": broken\n"
        + &jsonl(&[
            json!({"id": "n4", "title": "冬奥场馆赛后利用", "text": "张家口赛区的场馆正在转型为大众滑雪场地。", "date": "2022年05月17日"}),
        ]);
    std::fs::write(inputs.join("feed.jsonl.gz"), gzip(records.as_bytes())).unwrap();

    let array = json!([
        {"guid": "a1", "标题": "数组里的第一篇", "正文": "第一篇的正文讲的是茶叶采摘。", "发布时间": "2021-04-12 09:30:00"},
        {"guid": "a2", "title": "数组里的第二篇", "article": "第二篇的正文讲的是苹果丰收。"}
    ]);
    std::fs::write(inputs.join("export.json"), array.to_string()).unwrap();

    let markdown = "---\ntitle: 静态站点里的文章\ndate: 2023-03-08\nauthor: 陈写\ntags: [博客, 存档]\n---\n\n# 静态站点里的文章\n\n这篇文章来自一个静态网站的存档，讲的是**档案数字化**。\n";
    let mut tar = tar::Builder::new(Vec::new());
    for (name, bytes) in [
        ("site/posts/archive.md", markdown.as_bytes().to_vec()),
        ("site/seed.txt", seed()),
        ("site/logo.png", vec![0x89, b'P', b'N', b'G', 0, 0]),
    ] {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        tar.append_data(&mut header, name, bytes.as_slice())
            .unwrap();
    }
    let tar_bytes = tar.into_inner().unwrap();
    let zst = zstd::encode_all(tar_bytes.as_slice(), 3).unwrap();
    std::fs::write(inputs.join("site.tar.zst"), zst).unwrap();

    let sogou = "<doc>\n<url>http://news.sohu.com/20120612/n345428229.shtml</url>\n<docno>s1</docno>\n<contenttitle>公安机关销毁非法枪支</contenttitle>\n<content>中广网唐山６月１２日消息（记者汤一亮）今天上午，统一销毁非法枪爆物品活动在河北唐山启动。</content>\n</doc>\n<doc>\n<url>http://news.sohu.com/20120531/n344566706.shtml</url>\n<docno>s2</docno>\n<contenttitle>中国驻英大使谈中英关系</contenttitle>\n<content></content>\n</doc>\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(sogou);
    std::fs::write(inputs.join("nested/SogouCA.dat"), gbk).unwrap();

    let traditional = "颱風蘭恩增強為中颱\n2023/08/29 14:30\n（中央社記者林芳瑜台北29日電）中度颱風蘭恩持續朝台灣東南部海面接近，氣象局提醒民眾注意強風豪雨。\n";
    let (big5, _, _) = encoding_rs::BIG5.encode(traditional);
    std::fs::write(inputs.join("nested/typhoon.txt"), big5).unwrap();
    std::fs::write(inputs.join("nested/photo.jpg"), [0xff, 0xd8, 0xff]).unwrap();
    inputs
}

#[test]
fn every_format_is_read_and_bad_records_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = mixed_archive(dir.path());
    let index = dir.path().join("index");
    let output = run(&index, &["index", inputs.to_str().unwrap()]);
    let err = stderr(&output);
    assert_eq!(
        output.status.code(),
        Some(1),
        "a malformed line makes the run incomplete: {err}"
    );
    assert!(err.contains("feed.jsonl.gz:3: malformed JSON"), "{err}");
    assert!(
        err.contains("2 files of other types skipped"),
        "png in the tar and jpg: {err}"
    );
    assert!(err.contains("indexed 10 articles"), "{err}");
    assert_eq!(articles(&index), 10);

    // JSON Lines, gzip, aliases, HTML body, epoch date in China time.
    let output = run(&index, &["search", "--json", "黄河流域"]);
    let results: Value = serde_json::from_slice(&output.stdout).unwrap();
    let hit = &results["hits"][0];
    assert_eq!(hit["id"], "n1");
    assert_eq!(hit["date"], "2022-05-17");
    assert_eq!(hit["source"], "黄河日报");
    assert_eq!(hit["author"], "王河、李川");
    assert_eq!(search_titles(&index, "只有标题的快讯"), ["只有标题的快讯"]);
    assert_eq!(search_titles(&index, "冬奥场馆"), ["冬奥场馆赛后利用"]);
    // A JSON array with Chinese field names.
    assert_eq!(search_titles(&index, "茶叶采摘"), ["数组里的第一篇"]);
    assert_eq!(search_titles(&index, "苹果丰收"), ["数组里的第二篇"]);
    // Markdown front matter and the seed text page, both inside a .tar.zst.
    assert_eq!(search_titles(&index, "档案数字化"), ["静态站点里的文章"]);
    assert_eq!(
        search_titles(&index, "黑木耳年产值"),
        ["在新起点上接续奋斗"]
    );
    // Sogou records in GBK, the title-only one included.
    assert_eq!(search_titles(&index, "非法枪支"), ["公安机关销毁非法枪支"]);
    assert_eq!(
        search_titles(&index, "中英关系"),
        ["中国驻英大使谈中英关系"]
    );
    // Big5 text, found with a simplified query.
    assert_eq!(search_titles(&index, "台风"), ["颱風蘭恩增強為中颱"]);
}

#[test]
fn extract_prints_every_record() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = mixed_archive(dir.path());
    let output = Command::new(env!("CARGO_BIN_EXE_baoku"))
        .arg("extract")
        .arg(inputs.join("feed.jsonl.gz"))
        .arg(inputs.join("site.tar.zst"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let lines: Vec<Value> = String::from_utf8(output.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let ids: Vec<&str> = lines.iter().map(|l| l["id"].as_str().unwrap()).collect();
    assert_eq!(&ids[..3], ["n1", "n2", "n4"]);
    assert_eq!(lines.len(), 5);
    assert!(lines[3]["path"]
        .as_str()
        .unwrap()
        .ends_with("site.tar.zst:site/posts/archive.md"));
    assert_eq!(lines[3]["author"], "陈写");
    assert!(stderr(&output).contains("feed.jsonl.gz:3: malformed JSON"));
}

/// `baoku extract` used to count an archive member of a type baoku does not read
/// (`site/logo.png`) as a failure, where `baoku index` passes it over.
#[test]
fn extract_passes_over_unsupported_archive_members_as_index_does() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = mixed_archive(dir.path());
    let archive = inputs.join("site.tar.zst");
    let output = run(
        &dir.path().join("index"),
        &["extract", archive.to_str().unwrap()],
    );
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{err}");
    assert!(!err.contains("logo.png"), "{err}");
    assert_eq!(stdout(&output).lines().count(), 2);
}

#[test]
fn explicit_field_names_and_a_forced_format() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("export.data");
    std::fs::write(
        &file,
        jsonl(&[json!({"docid": "x1", "head": "自定义字段名", "正文2": "用映射找到的正文。", "pub_time": "2020/1/2"})]),
    )
    .unwrap();
    let index = dir.path().join("index");
    let output = run(
        &index,
        &[
            "index",
            "--format",
            "jsonl",
            "--field",
            "id=docid",
            "--field",
            "title=head",
            "--field",
            "body=正文2",
            "--field",
            "date=pub_time",
            file.to_str().unwrap(),
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let output = run(&index, &["search", "--json", "映射"]);
    let results: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(results["hits"][0]["id"], "x1");
    assert_eq!(results["hits"][0]["title"], "自定义字段名");
    assert_eq!(results["hits"][0]["date"], "2020-01-02");

    let output = run(
        &index,
        &["index", "--field", "headline", file.to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("FIELD=NAME"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn reruns_skip_unchanged_inputs_and_replace_changed_ones() {
    let feed = Feed::new();
    let index = &feed.index;
    let records: Vec<Value> = (1..=5)
        .map(|i| json!({"id": format!("r{i}"), "title": format!("第{i}条新闻"), "body": format!("这是第{i}条新闻的正文，编号{i}。")}))
        .collect();
    feed.write(&records);
    std::fs::write(feed.inputs.join("seed.txt"), seed()).unwrap();

    assert!(feed.index(&[]).status.success());
    assert_eq!(articles(index), 6);

    let again = feed.index(&[]);
    let err = stderr(&again);
    assert!(
        err.contains("indexed 0 articles") && err.contains("6 unchanged"),
        "{err}"
    );
    assert!(err.contains("0 inputs read, 2 unchanged"), "{err}");

    // Drop record 3 and change record 5: the file's articles are replaced as a whole.
    let mut changed = records.clone();
    changed.remove(2);
    changed[3]["body"] = json!("第5条新闻改写过的正文。");
    feed.write(&changed);
    let output = feed.index(&[]);
    let err = stderr(&output);
    assert!(
        err.contains("indexed 4 articles (0 new, 4 replaced), 1 unchanged"),
        "{err}"
    );
    assert_eq!(articles(index), 5);
    assert!(search_titles(index, "第3条新闻").is_empty());
    assert_eq!(search_titles(index, "改写过的正文"), ["第5条新闻"]);

    // A removed input is pruned only when asked.
    std::fs::remove_file(&feed.file).unwrap();
    assert!(feed.index(&[]).status.success());
    assert_eq!(articles(index), 5);
    let output = feed.index(&["--prune"]);
    assert!(stderr(&output).contains("4 pruned"), "{}", stderr(&output));
    assert_eq!(articles(index), 1);
}

#[test]
fn a_changed_input_without_ids_keeps_what_moved_and_drops_what_went() {
    // Records without ids are keyed by line: when a line moves, its article gets
    // another id, and the article stored under the old one must neither block it as
    // a "duplicate" nor survive it.
    let feed = Feed::new();
    let index = &feed.index;
    let a = json!({"title": "甲地举办龙舟赛", "body": "甲地今天举办龙舟赛，二十支队伍参赛。"});
    let b = json!({"title": "乙地新建图书馆", "body": "乙地新建的图书馆今天开放，藏书十万册。"});
    let c = json!({"title": "丙地暴雨预警", "body": "丙地气象台发布暴雨橙色预警。"});
    feed.write(&[a.clone(), a.clone(), b.clone(), c.clone()]);
    let output = feed.index(&[]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(articles(index), 3, "the repeated record is stored once");

    // Line 2 (a copy of line 1) and line 3 go; b moves up to line 2, c to line 3.
    feed.write(&[a.clone(), b.clone(), c.clone()]);
    let output = feed.index(&[]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(articles(index), 3, "{}", stderr(&output));
    assert_eq!(search_titles(index, "图书馆"), ["乙地新建图书馆"]);
    assert_eq!(search_titles(index, "龙舟赛"), ["甲地举办龙舟赛"]);

    // Only b is left, on line 1, where a was.
    feed.write(&[b]);
    let output = feed.index(&[]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(articles(index), 1, "{}", stderr(&output));
    assert_eq!(search_titles(index, "图书馆"), ["乙地新建图书馆"]);
    assert!(search_titles(index, "龙舟赛").is_empty());
    assert!(search_titles(index, "暴雨").is_empty());
}

#[test]
fn exact_duplicates_are_stored_once() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("inputs");
    std::fs::create_dir(&inputs).unwrap();
    let story = json!({"title": "同一篇通稿", "body": "新华社北京5月19日电 国务院新闻办公室19日举行新闻发布会。"});
    let mut reprint = story.clone();
    reprint["body"] = json!("新华社北京5月19日电  国务院新闻办公室19日举行新闻发布会 。");
    let mut other_title = story.clone();
    other_title["title"] = json!("另一个标题");
    std::fs::write(inputs.join("a.jsonl"), jsonl(&[story])).unwrap();
    std::fs::write(inputs.join("b.jsonl"), jsonl(&[reprint, other_title])).unwrap();
    let index = dir.path().join("index");
    let output = run(&index, &["index", inputs.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("1 duplicate not stored"),
        "{}",
        stderr(&output)
    );
    assert_eq!(articles(&index), 2);
}

#[test]
fn strict_stops_at_the_first_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.jsonl");
    std::fs::write(
        &file,
        "{\"title\": \"好的\", \"body\": \"正文\"}\nnot json\n",
    )
    .unwrap();
    let index = dir.path().join("index");
    let output = run(&index, &["index", "--strict", file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("bad.jsonl:2: malformed JSON") && err.contains("--strict"),
        "{err}"
    );
    assert_eq!(articles(&index), 0, "nothing of the failed batch is kept");
}

#[test]
fn hostile_inputs_are_refused_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("inputs");
    std::fs::create_dir(&inputs).unwrap();
    // 64 MB of zeros in a few kilobytes: one "record" far over the limit.
    let zeros = vec![0u8; 64 * 1024 * 1024];
    std::fs::write(
        inputs.join("bomb.jsonl.zst"),
        zstd::encode_all(zeros.as_slice(), 3).unwrap(),
    )
    .unwrap();
    std::fs::write(inputs.join("truncated.txt.gz"), &gzip(&seed())[..400]).unwrap();
    std::fs::write(inputs.join("empty.txt"), "").unwrap();
    std::fs::write(inputs.join("nested.json"), "[".repeat(100_000)).unwrap();
    std::fs::write(inputs.join("ok.txt"), seed()).unwrap();
    let index = dir.path().join("index");
    let output = run(&index, &["index", inputs.to_str().unwrap()]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        err.contains("bomb.jsonl.zst:1: record longer than 16 MB"),
        "{err}"
    );
    assert!(err.contains("truncated.txt.gz: "), "{err}");
    assert!(err.contains("empty.txt: empty file"), "{err}");
    assert!(err.contains("nested.json: malformed JSON"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(articles(&index), 1);
}

#[test]
fn stats_describe_the_index() {
    let dir = tempfile::tempdir().unwrap();
    let index = index_sample_corpus(dir.path());
    let output = run(&index, &["stats", "--json"]);
    let stats: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(stats["articles"], 24);
    assert_eq!(stats["first_date"], "2019-07-20");
    assert_eq!(stats["last_date"], "2024-10-15");
    assert_eq!(stats["undated"], 1);
    assert_eq!(stats["top_sources"][0]["value"], "中国新闻网");
    assert_eq!(stats["top_sources"][0]["count"], 3);
    assert!(stats["index_bytes"].as_u64().unwrap() > 10_000);
    let text = String::from_utf8(run(&index, &["stats"]).stdout).unwrap();
    assert!(text.contains("articles   24"), "{text}");
}

/// The real corpora of `../shared/corpus`: zh_inews (web news, no metadata, many
/// title-only records) and the two Sogou samples must ingest without a single error.
#[test]
fn shared_corpora_ingest_without_errors() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if !corpus.join("zh_inews.jsonl.zst").exists() {
        eprintln!("skipped: ../shared/corpus is not here");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let output = run(
        &index,
        &[
            "index",
            corpus.join("zh_inews.jsonl.zst").to_str().unwrap(),
            corpus.join("sogou").to_str().unwrap(),
        ],
    );
    let err = stderr(&output);
    assert!(output.status.success(), "{err}");
    assert!(!err.contains("failed"), "{err}");
    // 7,246 records and 400 Sogou documents; identical title-and-body pairs stored once.
    let stored = articles(&index);
    let duplicates: u64 = err.find(" duplicate").map_or(0, |end| {
        let digits: String = err[..end]
            .chars()
            .rev()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.chars().rev().collect::<String>().parse().unwrap()
    });
    assert_eq!(stored + duplicates, 7_246 + 400, "{err}");
    assert!(!search_titles(&index, "周六晚到卖场听夜场摇滚").is_empty());
}

/// Ids must not depend on where the archive lies (issue 15): the same folder copied
/// under another name, moved, and re-encoded gives the same ids, and indexing the moved
/// copy into the same index adds nothing.
#[test]
fn ids_survive_copying_moving_and_re_encoding_an_archive() {
    let dir = tempfile::tempdir().unwrap();
    let here = dir.path().join("here/news");
    let there = dir.path().join("elsewhere/deep/copy");
    std::fs::create_dir_all(&here).unwrap();
    std::fs::create_dir_all(&there).unwrap();
    for entry in std::fs::read_dir(support::sample_corpus()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap();
        std::fs::copy(&path, here.join(name)).unwrap();
        std::fs::copy(&path, there.join(name)).unwrap();
    }
    // One article re-encoded as GB18030 in the copy.
    let seed = "000_d3d1353f545500ab.txt";
    let text = std::fs::read_to_string(here.join(seed)).unwrap();
    let (gbk, _, _) = encoding_rs::GB18030.encode(&text);
    std::fs::write(there.join(seed), &gbk).unwrap();

    let ids_of = |folder: &Path| -> Vec<String> {
        let output = support::run(dir.path(), &["extract", folder.to_str().unwrap()]);
        let mut ids: Vec<String> = String::from_utf8(output.stdout)
            .unwrap()
            .lines()
            .map(|l| {
                serde_json::from_str::<Value>(l).unwrap()["id"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        ids.sort();
        ids
    };
    let original = ids_of(&here);
    assert_eq!(original.len(), 24);
    assert_eq!(ids_of(&there), original);
    assert!(
        original.contains(&support::SEED_ID.to_string()),
        "{original:?}"
    );

    // Indexed from one place, then again from the other: the same 24 articles.
    let index = dir.path().join("index");
    let first = run(&index, &["index", here.to_str().unwrap()]);
    assert!(first.status.success(), "{}", stderr(&first));
    std::fs::rename(&here, dir.path().join("here/renamed")).unwrap();
    let second = run(&index, &["index", there.to_str().unwrap()]);
    assert!(second.status.success(), "{}", stderr(&second));
    assert!(stderr(&second).contains("0 new"), "{}", stderr(&second));
    assert_eq!(articles(&index), 24);
}
