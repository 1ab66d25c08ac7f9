//! The HTML extractor against the shared fixture pages (`../shared/fixtures/html`, next
//! to the repository): per-page expectations on a handful of pages, and aggregate
//! thresholds on the 200 CCTV pages so that a regression fails.
//!
//! The fixtures are not part of the repository. When the folder is absent the tests
//! print why and pass; CI has it.
//!
//! Body quality is measured as `bench/html_eval/compare.py` measures it: the
//! character-bigram F1 of the NFKC-normalised texts with all whitespace removed.

use baoku::extract::extract_html_page;
use baoku::Article;
use serde_json::Value;
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use unicode_normalization::UnicodeNormalization;

fn fixtures() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/html");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "skipping: {} is absent (the shared fixtures are not in the repository)",
            dir.display()
        );
        None
    }
}

fn read(path: &Path) -> String {
    String::from_utf8_lossy(
        &std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
    .into_owned()
}

fn extract(html: &str, url: Option<&str>, name: &str) -> Article {
    extract_html_page(html, url).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn bigrams(text: &str) -> HashMap<(char, char), usize> {
    let chars: Vec<char> = text.nfkc().filter(|c| !c.is_whitespace()).collect();
    let mut counts = HashMap::new();
    for pair in chars.windows(2) {
        *counts.entry((pair[0], pair[1])).or_insert(0) += 1;
    }
    counts
}

/// Character-bigram F1 with multiset intersection; both empty = 1, one empty = 0.
fn bigram_f1(predicted: &str, expected: &str) -> f64 {
    let (a, b) = (bigrams(predicted), bigrams(expected));
    let (na, nb): (usize, usize) = (a.values().sum(), b.values().sum());
    if na == 0 && nb == 0 {
        return 1.0;
    }
    if na == 0 || nb == 0 {
        return 0.0;
    }
    let common: usize = a
        .iter()
        .map(|(k, n)| (*n).min(b.get(k).copied().unwrap_or(0)))
        .sum();
    2.0 * common as f64 / (na + nb) as f64
}

fn text_of_html(markup: &str) -> String {
    let fragment = scraper::Html::parse_fragment(markup);
    fragment
        .root_element()
        .text()
        .collect::<Vec<_>>()
        .join("\n")
}

fn same_ws(a: &str, b: &str) -> bool {
    a.split_whitespace().eq(b.split_whitespace())
}

#[test]
fn bigram_f1_is_the_benchmark_metric() {
    assert_eq!(bigram_f1("", ""), 1.0);
    assert_eq!(bigram_f1("新闻", ""), 0.0);
    assert_eq!(bigram_f1("乡村 振兴", "乡村振兴"), 1.0);
    // 3 bigrams each, 2 shared.
    assert!((bigram_f1("乡村振兴", "乡村振作") - 2.0 / 3.0).abs() < 1e-9);
}

#[test]
fn readability_pages() {
    let Some(dir) = fixtures() else { return };
    // Readability's expected text keeps a few lines this extractor deliberately moves
    // to metadata (责任编辑) or drops as furniture, so the bar is below 1.
    for (name, min_f1) in [
        ("gmw", 0.97),
        ("qq", 0.88),
        ("youth", 0.97),
        ("pixnet", 0.97),
    ] {
        let page = dir.join("readability").join(name);
        let article = extract(&read(&page.join("source.html")), None, name);
        let f1 = bigram_f1(
            &article.body,
            &text_of_html(&read(&page.join("expected.html"))),
        );
        assert!(f1 >= min_f1, "{name}: body F1 {f1:.3} < {min_f1}");
    }
    let gmw = extract(&read(&dir.join("readability/gmw/source.html")), None, "gmw");
    assert_eq!(
        gmw.title.as_deref(),
        Some("宇航员在太空中喝酒会怎么样？后果很严重")
    );
    assert_eq!(gmw.editor.as_deref(), Some("肖春芳"));
    assert!(!gmw.body.contains("责任编辑"));
}

#[test]
fn newspaper4k_pages() {
    let Some(dir) = fixtures() else { return };
    let dir = dir.join("newspaper4k");
    for stem in [
        "chinese_article",
        "chinese_article_001",
        "chinese_article_002",
    ] {
        let metadata: Value =
            std::fs::read_to_string(dir.join(format!("{stem}.expected-metadata.json")))
                .ok()
                .and_then(|t| serde_json::from_str(&t).ok())
                .unwrap_or(Value::Null);
        let url = metadata["url"].as_str();
        let article = extract(&read(&dir.join(format!("{stem}.html"))), url, stem);
        let f1 = bigram_f1(
            &article.body,
            &read(&dir.join(format!("{stem}.expected.txt"))),
        );
        assert!(f1 >= 0.95, "{stem}: body F1 {f1:.3}");
        if let Some(title) = metadata["title"].as_str() {
            assert_eq!(article.title.as_deref(), Some(title), "{stem}");
        }
        if let Some(date) = metadata["publish_date"].as_str() {
            assert_eq!(
                article.date.map(|d| d.to_string()).as_deref(),
                Some(&date[..10]),
                "{stem}"
            );
        }
    }
    let bbc = extract(&read(&dir.join("chinese_article.html")), None, "bbc");
    // <title> is `headline - BBC中文网 - 两岸三地`; the <h1> is the headline.
    assert_eq!(bbc.title.as_deref(), Some("港特首梁振英就住宅违建事件道歉"));
    // The image caption is not part of the story.
    assert!(!bbc
        .body
        .contains("梁振英同时遭到泛民主派和亲北京阵营议员质问"));
}

#[test]
fn trafilatura_pages() {
    let Some(dir) = fixtures() else { return };
    let dir = dir.join("trafilatura");
    let expected: serde_json::Map<String, Value> =
        serde_json::from_str(&read(&dir.join("expected.json"))).expect("expected.json");
    for (url, e) in &expected {
        let file = e["file"].as_str().expect("file");
        if file.starts_with("baike.") {
            // An encyclopedia entry, not a news page: its expected title keeps the
            // `_百度百科` suffix and its date is the entry's update time.
            continue;
        }
        let article = extract(&read(&dir.join(file)), Some(url), file);
        assert_eq!(article.title.as_deref(), e["title"].as_str(), "{file}");
        assert_eq!(
            article.date.map(|d| d.to_string()).as_deref(),
            e["date"].as_str(),
            "{file}"
        );
        let body: String = article.body.split_whitespace().collect();
        for snippet in e["with"].as_array().expect("with") {
            let snippet: String = snippet
                .as_str()
                .unwrap_or_default()
                .split_whitespace()
                .collect();
            assert!(body.contains(&snippet), "{file}: {snippet} is missing");
        }
        for snippet in e["without"].as_array().expect("without") {
            let snippet: String = snippet
                .as_str()
                .unwrap_or_default()
                .split_whitespace()
                .collect();
            assert!(!body.contains(&snippet), "{file}: {snippet} is furniture");
        }
    }
}

struct CctvPage {
    name: String,
    html: String,
    url: String,
    title: String,
    date: String,
    body: String,
}

/// The CCTV pages and their manifest, decompressed in memory.
fn cctv_pages(dir: &Path) -> Vec<CctvPage> {
    let file = std::fs::File::open(dir.join("cctv_html_dev.tar.zst")).expect("CCTV archive");
    let mut tar = tar::Archive::new(zstd::Decoder::new(file).expect("zstd stream"));
    let mut files = HashMap::new();
    for entry in tar.entries().expect("tar entries") {
        let mut entry = entry.expect("tar entry");
        let path = entry
            .path()
            .expect("member path")
            .to_string_lossy()
            .into_owned();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).expect("member bytes");
        let inner = path
            .split_once('/')
            .map_or(path.clone(), |(_, rest)| rest.to_string());
        files.insert(inner, bytes);
    }
    let manifest = String::from_utf8_lossy(&files["manifest.jsonl"]).into_owned();
    manifest
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let row: Value = serde_json::from_str(line).expect("manifest row");
            let field = |name: &str| row[name].as_str().unwrap_or_default().to_string();
            let html = &files[&field("html")];
            CctvPage {
                name: field("html"),
                html: String::from_utf8_lossy(html).into_owned(),
                url: field("url"),
                title: field("expected_title"),
                date: field("expected_date"),
                body: field("expected_body"),
            }
        })
        .collect()
}

#[test]
fn cctv_pages_meet_the_benchmark() {
    let Some(dir) = fixtures() else { return };
    let pages = cctv_pages(&dir);
    assert_eq!(pages.len(), 200);
    let (mut titles, mut dates, mut f1_sum, mut worst) = (0, 0, 0.0, (1.0f64, String::new()));
    let mut misses = Vec::new();
    for page in &pages {
        let article = extract(&page.html, Some(&page.url), &page.name);
        if article
            .title
            .as_deref()
            .is_some_and(|t| same_ws(t, &page.title))
        {
            titles += 1;
        } else {
            misses.push(format!("{}: title {:?}", page.name, article.title));
        }
        if article.date.map(|d| d.to_string()) == Some(page.date.clone()) {
            dates += 1;
        } else {
            misses.push(format!("{}: date {:?}", page.name, article.date));
        }
        let f1 = bigram_f1(&article.body, &page.body);
        f1_sum += f1;
        if f1 < worst.0 {
            worst = (f1, page.name.clone());
        }
        assert_eq!(article.source.as_deref(), Some("央视网"), "{}", page.name);
        assert_eq!(
            article.url.as_deref(),
            Some(page.url.as_str()),
            "{}",
            page.name
        );
    }
    let n = pages.len() as f64;
    let (title_acc, date_acc, mean_f1) = (titles as f64 / n, dates as f64 / n, f1_sum / n);
    eprintln!(
        "CCTV: title {title_acc:.3}, date {date_acc:.3}, body F1 {mean_f1:.3} (worst {:.3} {})",
        worst.0, worst.1
    );
    // Achieved when written: 1.000, 1.000, 0.988 (the expected bodies keep some markup
    // comments and update-time lines that are not article text), worst page 0.71.
    assert!(
        title_acc >= 0.98,
        "title accuracy {title_acc:.3}: {misses:#?}"
    );
    assert!(date_acc >= 0.98, "date accuracy {date_acc:.3}: {misses:#?}");
    assert!(mean_f1 >= 0.975, "mean body F1 {mean_f1:.3}");
    assert!(worst.0 >= 0.6, "body F1 {:.3} on {}", worst.0, worst.1);
}

#[test]
fn cctv_page_in_detail() {
    let Some(dir) = fixtures() else { return };
    let pages = cctv_pages(&dir);
    let page = pages
        .iter()
        .find(|p| p.name.ends_with("VIDECsX95sanQyjGyz5eubal241203.shtml"))
        .expect("the page is in the manifest");
    let article = extract(&page.html, Some(&page.url), &page.name);
    // <title> and og:title carry a `[视频]` marker that is not part of the headline.
    assert_eq!(article.title.as_deref(), Some("李强同尼泊尔总理举行会谈"));
    assert_eq!(
        article.date.map(|d| d.to_string()).as_deref(),
        Some("2024-12-03")
    );
    assert_eq!(article.editor.as_deref(), Some("刘亮"));
    assert!(article
        .body
        .starts_with("央视网消息（新闻联播）：欢迎仪式后"));
    assert!(article.body.ends_with("吴政隆参加上述活动。"));
    assert_eq!(article.body.split('\n').count(), 6);
}
