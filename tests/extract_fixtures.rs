//! Extractor fixtures: every article in `sample_corpus/` against the fields its layout
//! states (`tests/data/sample_expected.json`, written from the pages, not from the
//! extractor's output).

use baoku::extract_file;
use serde_json::Value;
use std::path::Path;

fn manifest() -> serde_json::Map<String, Value> {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sample_expected.json"),
    )
    .expect("manifest");
    serde_json::from_str(&text).expect("manifest is JSON")
}

#[test]
fn every_sample_article_extracts_as_its_layout_says() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_corpus");
    let manifest = manifest();
    let mut files: Vec<String> = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".txt"))
        .collect();
    files.sort();
    let listed: Vec<&String> = manifest.keys().collect();
    assert_eq!(
        files.iter().collect::<Vec<_>>(),
        listed,
        "sample_corpus and the manifest list different files"
    );

    let mut problems = Vec::new();
    for (name, expected) in &manifest {
        let article = match extract_file(&corpus.join(name)) {
            Ok(mut articles) if articles.len() == 1 => articles.remove(0),
            Ok(articles) => {
                problems.push(format!("{name}: {} articles, expected one", articles.len()));
                continue;
            }
            Err(e) => {
                problems.push(format!("{name}: {e}"));
                continue;
            }
        };
        let got = serde_json::to_value(&article).unwrap();
        for field in [
            "title", "subtitle", "date", "source", "author", "editor", "url",
        ] {
            if got[field] != expected[field] {
                problems.push(format!(
                    "{name} [{}]: {field} is {}, expected {}",
                    expected["layout"], got[field], expected[field]
                ));
            }
        }
        let body = &article.body;
        let starts = expected["body_starts_with"].as_str().unwrap();
        if !body.starts_with(starts) {
            let head: String = body.chars().take(30).collect();
            problems.push(format!("{name}: body starts {head:?}, expected {starts:?}"));
        }
        let ends = expected["body_ends_with"].as_str().unwrap();
        if !body.ends_with(ends) {
            let tail: String = body
                .chars()
                .rev()
                .take(30)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            problems.push(format!("{name}: body ends {tail:?}, expected {ends:?}"));
        }
        for needle in expected["body_contains"].as_array().unwrap() {
            let needle = needle.as_str().unwrap();
            if !body.contains(needle) {
                problems.push(format!("{name}: body lacks {needle:?}"));
            }
        }
        for needle in expected["body_excludes"].as_array().unwrap() {
            let needle = needle.as_str().unwrap();
            if body.contains(needle) {
                problems.push(format!("{name}: body still has furniture {needle:?}"));
            }
        }
        if body
            .lines()
            .any(|l| l.trim().chars().all(|c| c.is_ascii_digit()))
        {
            problems.push(format!("{name}: body has a line that is only a number"));
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn the_seed_article() {
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_corpus/000_d3d1353f545500ab.txt");
    let article = extract_file(&seed).unwrap().remove(0);
    assert_eq!(article.title.as_deref(), Some("在新起点上接续奋斗"));
    assert_eq!(
        article.subtitle.as_deref(),
        Some("我省巩固拓展脱贫攻坚成果同乡村振兴有效衔接综述")
    );
    assert_eq!(article.date.unwrap().to_string(), "2022-05-17");
    assert_eq!(article.source.as_deref(), Some("吉林日报"));
    assert_eq!(article.author.as_deref(), Some("孙翠翠"));
    assert_eq!(article.editor.as_deref(), Some("初慧"));
    assert!(article.body.starts_with("5月的吉林乡村"));
    assert!(article.body.ends_with("胜利召开。"));
    assert_eq!(article.id.len(), 16);
    // The same file always gets the same id.
    assert_eq!(extract_file(&seed).unwrap()[0].id, article.id);
}
