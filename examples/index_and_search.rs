//! Build an archive from code, then search it.
//!
//! ```sh
//! cargo run --example index_and_search
//! ```
//!
//! Articles can come from your own database or CMS: fill in `Article` and upsert it.
//! Files in any format baoku reads go through `extract_file` / `extract_bytes` first.

use baoku::{extract_bytes, Archive, Article, Date, SearchRequest, SnippetOptions};

fn main() -> baoku::Result<()> {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let archive = Archive::create(dir.path().join("archive"))?;

    // 1. Articles built in code. Re-using an id replaces the article.
    let mut writer = archive.writer()?;
    for (id, title, date, body) in [
        (
            "cms-1001",
            "乡村振兴让农民钱袋子鼓起来",
            Date::new(2021, 9, 14),
            "近年来，于都县把促进农民增收作为全面推进乡村振兴的中心任务，农民收入持续增长。",
        ),
        (
            "cms-1002",
            "南京长江大桥恢复通车",
            Date::new(2018, 12, 29),
            "改造后的南京长江大桥恢复通车，桥面更平整，照明系统换成了节能灯具。",
        ),
    ] {
        writer.upsert(&Article {
            id: id.into(),
            title: Some(title.into()),
            date,
            source: Some("示例日报".into()),
            body: body.into(),
            ..Article::default()
        })?;
    }

    // 2. Articles extracted from bytes: here a JSON Lines export, in traditional script.
    let export = "{\"id\": \"hk-7\", \"title\": \"港商投資鄉村振興\", \"date\": \"2021-03-08\", \"content\": \"廣東清遠古村活化，村民收入明顯增加。\"}\n";
    for item in extract_bytes("export.jsonl", export.as_bytes(), &Default::default()) {
        match item {
            Ok(article) => {
                writer.upsert(&article)?;
            }
            Err(problem) => eprintln!("skipped {problem}"),
        }
    }
    writer.commit()?;

    // 3. Search: simplified finds traditional, words in any order, snippets in characters.
    let mut request = SearchRequest::new("乡村振兴 收入");
    request.snippets = SnippetOptions {
        max_snippets: 1,
        fragment_chars: 40,
    };
    let results = archive.search(&request)?;
    println!("{} articles match {:?}", results.total, results.query);
    for hit in &results.hits {
        let date = hit.date.map(|d| d.to_string()).unwrap_or_default();
        println!(
            "{:6.2}  {date}  {}",
            hit.score,
            hit.title.as_deref().unwrap_or("(untitled)")
        );
        for snippet in &hit.snippets {
            println!("        {}", mark(&snippet.text, &snippet.highlights));
        }
    }

    // The same results, as the JSON `baoku search --json` prints.
    println!("{}", serde_json::to_string(&results).expect("serialisable"));
    Ok(())
}

/// Puts 【】 around the highlighted characters.
fn mark(text: &str, highlights: &[[usize; 2]]) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if highlights.iter().any(|[start, _]| *start == i) {
            out.push('【');
        }
        out.push(c);
        if highlights.iter().any(|[_, end]| *end == i + 1) {
            out.push('】');
        }
    }
    out
}
