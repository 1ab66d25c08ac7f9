//! Micro-benchmarks of the three stages where indexing and answering spend their own
//! time (the rest is tantivy's): the analyzer, the extractors and the snippet
//! generator. They run on articles kept in `sample_corpus/`, and on a real news page
//! from `../shared/fixtures` when it is beside the project.
//!
//! `cargo bench --bench micro` (add a filter such as `analyze` to run one group).
//! Throughput is reported in bytes of input text, so the figures compare with the
//! MB/s of `bench/run.sh`.

use baoku::analyze::{self, normalize, BigramTokenizer, WordTokenizer};
use baoku::extract::{extract_html_page, extract_text_page, ExtractOptions};
use baoku::snippet::Highlighter;
use baoku::SnippetOptions;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use tantivy::tokenizer::{TokenStream, Tokenizer};

fn project_file(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// The seed article (simplified, 3,180 characters of body) and a Hong Kong article in
/// traditional characters, as the extractor gives them.
fn bodies() -> Vec<(&'static str, String)> {
    [
        ("seed_simplified", "sample_corpus/000_d3d1353f545500ab.txt"),
        (
            "mingpao_traditional",
            "sample_corpus/017_mingpao_rural_revitalization.txt",
        ),
    ]
    .into_iter()
    .map(|(name, path)| {
        let text = std::fs::read_to_string(project_file(path)).expect("sample corpus file");
        let article = extract_text_page(&text).expect("sample article extracts");
        (name, article.body)
    })
    .collect()
}

fn analyzer(c: &mut Criterion) {
    analyze::warm_up();
    let mut group = c.benchmark_group("analyze");
    for (name, body) in bodies() {
        group.throughput(Throughput::Bytes(body.len() as u64));
        group.bench_function(format!("normalize/{name}"), |b| {
            b.iter(|| normalize(black_box(&body)))
        });
        let normalized = normalize(&body);
        group.bench_function(format!("words/{name}"), |b| {
            b.iter(|| analyze::words_of(black_box(&normalized)))
        });
        group.bench_function(format!("bigrams/{name}"), |b| {
            b.iter(|| analyze::bigrams_of(black_box(&normalized)))
        });
        // What indexing one body costs the analyzer: both of its tantivy tokenizers,
        // drained as tantivy's indexer drains them (the second reuses the first's
        // normalisation). Each iteration gets a text of its own, as in a real run,
        // so that no normalisation is reused across iterations.
        group.bench_function(format!("index_body/{name}"), |b| {
            let mut words = WordTokenizer;
            let mut bigrams = BigramTokenizer;
            let mut serial = 0u64;
            b.iter_batched(
                || {
                    serial += 1;
                    format!("{body}{serial}")
                },
                |text| {
                    let mut count = 0usize;
                    let mut stream = words.token_stream(&text);
                    while stream.advance() {
                        count += stream.token().text.len();
                    }
                    let mut stream = bigrams.token_stream(&text);
                    while stream.advance() {
                        count += stream.token().text.len();
                    }
                    count
                },
                BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

/// A real news page from the fixtures when `../shared` is beside the project, else
/// the seed article set in the markup of a typical news site.
fn news_page() -> (String, String) {
    let fixture =
        project_file("../shared/fixtures/html/trafilatura/xinhuanet.com.c_1125597921.html");
    if let Ok(html) = std::fs::read_to_string(&fixture) {
        return ("xinhuanet_fixture".into(), html);
    }
    let seed = std::fs::read_to_string(project_file("sample_corpus/000_d3d1353f545500ab.txt"))
        .expect("seed article");
    let article = extract_text_page(&seed).expect("seed extracts");
    let mut html = String::from(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>在新起点上接续奋斗_吉林日报</title>\
         <meta name=\"pubdate\" content=\"2022-05-17\"><script>var x = 1;</script></head><body>\
         <nav><a href=\"/\">首页</a><a href=\"/news\">新闻</a><a href=\"/jl\">吉林</a></nav>\
         <div class=\"article\"><h1>在新起点上接续奋斗</h1>\
         <div class=\"info\">2022-05-17 08:30 来源：吉林日报 作者：孙翠翠</div><div class=\"content\">",
    );
    for paragraph in article.body.split('\n') {
        html.push_str("<p>");
        html.push_str(paragraph);
        html.push_str("</p>");
    }
    html.push_str(
        "</div><div class=\"editor\">责任编辑：初慧</div></div>\
         <ul class=\"related\"><li><a href=\"/a\">相关新闻一</a></li><li><a href=\"/b\">相关新闻二</a></li></ul>\
         <footer>版权所有 吉林日报社 备案号：吉ICP备00000000号</footer></body></html>",
    );
    ("seed_in_markup".into(), html)
}

fn extractors(c: &mut Criterion) {
    let mut group = c.benchmark_group("extract");

    let seed = std::fs::read_to_string(project_file("sample_corpus/000_d3d1353f545500ab.txt"))
        .expect("seed article");
    group.throughput(Throughput::Bytes(seed.len() as u64));
    group.bench_function("text_page/seed", |b| {
        b.iter(|| extract_text_page(black_box(&seed)))
    });

    let (name, html) = news_page();
    group.throughput(Throughput::Bytes(html.len() as u64));
    group.bench_function(format!("html_page/{name}"), |b| {
        b.iter(|| {
            extract_html_page(
                black_box(&html),
                Some("http://www.news.cn/c_1125597921.htm"),
            )
        })
    });

    // JSON Lines as the corpus exports have it: 200 records with aliased field names,
    // through the same reader and field mapping `baoku index` uses.
    let article = extract_text_page(&seed).expect("seed extracts");
    let mut jsonl = String::new();
    for n in 0..200 {
        let record = serde_json::json!({
            "news_id": format!("jl-{n}"),
            "headline": article.title,
            "content": article.body,
            "pub_date": "2022年05月17日",
            "media": "吉林日报",
        });
        jsonl.push_str(&record.to_string());
        jsonl.push('\n');
    }
    let options = ExtractOptions::default();
    group.throughput(Throughput::Bytes(jsonl.len() as u64));
    group.bench_function("jsonl/200_records", |b| {
        b.iter(|| {
            let articles =
                baoku::extract_bytes("export.jsonl", black_box(jsonl.as_bytes()), &options);
            assert_eq!(articles.len(), 200);
            articles
        })
    });
    group.finish();
}

fn snippets(c: &mut Criterion) {
    analyze::warm_up();
    let mut group = c.benchmark_group("snippets");
    let options = SnippetOptions::default();
    for (name, body) in bodies() {
        group.throughput(Throughput::Bytes(body.len() as u64));
        for query in [
            ["乡村振兴", "收入"],
            ["鄉村振興", "收入"],
            ["黑木耳", "产值"],
        ] {
            let label = query.join("+");
            // As a search does it: one highlighter per query, then each hit's body.
            group.bench_function(format!("{label}/{name}"), |b| {
                b.iter_batched(
                    || Highlighter::new(&query),
                    |highlighter| highlighter.snippets(black_box(&body), &options),
                    BatchSize::SmallInput,
                )
            });
        }
    }
    group.finish();
}

criterion_group!(benches, analyzer, extractors, snippets);
criterion_main!(benches);
