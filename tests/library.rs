//! The library as other programs use it: shared handles, commits seen without
//! reopening (also commits made by another process), and plain tantivy access.

use baoku::{Archive, ArchiveWriter, Article, SearchRequest};
use std::path::Path;
use std::time::{Duration, Instant};

#[test]
fn handles_are_shareable_between_threads() {
    fn send_sync<T: Send + Sync + Clone>() {}
    fn send<T: Send>() {}
    send_sync::<Archive>();
    send::<ArchiveWriter>();
}

#[test]
fn a_reader_sees_commits_of_another_process_without_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let archive = Archive::create(&index).unwrap();
    assert_eq!(
        archive.search(&SearchRequest::new("黑木耳")).unwrap().total,
        0
    );

    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_corpus/000_d3d1353f545500ab.txt");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_baoku"))
        .arg("--index")
        .arg(&index)
        .args(["index", "--quiet"])
        .arg(&seed)
        .status()
        .unwrap();
    assert!(status.success());

    // The handle reloads on its own shortly after the commit.
    let started = Instant::now();
    loop {
        let total = archive.search(&SearchRequest::new("黑木耳")).unwrap().total;
        if total == 1 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "commit never seen"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn one_writer_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let archive = Archive::create(dir.path().join("index")).unwrap();
    let _writer = archive.writer().unwrap();
    let err = archive.writer().err().expect("a second writer is refused");
    assert!(
        matches!(err, baoku::Error::IndexInUse { pid: Some(pid), .. } if pid == std::process::id()),
        "{err}"
    );
    assert!(err.to_string().contains("in use"), "{err}");
}

#[test]
fn plain_tantivy_can_query_a_baoku_index() {
    let dir = tempfile::tempdir().unwrap();
    let archive = Archive::create(dir.path().join("index")).unwrap();
    let mut writer = archive.writer().unwrap();
    writer
        .upsert(&Article {
            id: "x".into(),
            title: Some("乡村振兴".into()),
            body: "全省脱贫群众人均收入达到12079元".into(),
            ..Article::default()
        })
        .unwrap();
    writer.commit().unwrap();
    drop(writer);

    let index = tantivy::Index::open_in_dir(dir.path().join("index")).unwrap();
    baoku::analyze::register_tokenizers(&index);
    let body = index.schema().get_field("body").unwrap();
    let parser = tantivy::query::QueryParser::for_index(&index, vec![body]);
    let query = parser.parse_query("收入").unwrap();
    let searcher = index.reader().unwrap().searcher();
    let count = searcher.search(&query, &tantivy::collector::Count).unwrap();
    assert_eq!(count, 1);
    // The analyzer the index used, token for token.
    let words: Vec<String> = baoku::analyze::words("人均收入")
        .into_iter()
        .map(|t| t.text)
        .collect();
    assert_eq!(words, ["人均", "人均收入", "收入"]);
}

#[test]
fn excluding_a_phrase_checks_every_candidate() {
    // One segment, in this order: articles with 收入 only, with the words of 乡村振兴
    // apart (its bigrams, not the phrase), and with the phrase. tantivy 0.27's
    // exclusion asked the phrase for candidates it had already passed
    // (quickwit-oss/tantivy#2811).
    let dir = tempfile::tempdir().unwrap();
    let (archive, mut writer) = one_thread_archive(dir.path(), false);
    let bodies = [
        "农民收入稳步增长。",
        "乡村的路修好了，村振作起来，振兴有望，收入提高。",
        "全面推进乡村振兴，农民收入持续增长。",
        "收入分配制度改革。",
    ];
    let mut expected = 0;
    for n in 0..400 {
        let body = bodies[n % bodies.len()];
        if !body.contains("乡村振兴") {
            expected += 1;
        }
        writer
            .upsert(&article(
                format!("a{n}"),
                format!("第{n}篇"),
                format!("{body}编号{n}。"),
            ))
            .unwrap();
    }
    writer.commit().unwrap();
    drop(writer);
    for query in ["收入 -乡村振兴", "收入 NOT 乡村振兴", "收入 -\"乡村振兴\""] {
        let mut request = SearchRequest::new(query);
        request.collapse = false;
        let results = archive.search(&request).unwrap();
        assert_eq!(results.total, expected, "{query}");
    }
}

#[test]
fn a_bulk_writer_merges_once_at_the_end() {
    let dir = tempfile::tempdir().unwrap();
    let (archive, mut writer) = one_thread_archive(dir.path(), true);
    let segments = || {
        archive
            .tantivy_index()
            .searchable_segment_ids()
            .unwrap()
            .len()
    };
    for batch in 0..10 {
        for n in 0..3 {
            writer
                .upsert(&article(
                    format!("b{batch}-{n}"),
                    format!("第{batch}批第{n}篇"),
                    format!("春耕生产有序推进，第{batch}批第{n}篇报道。"),
                ))
                .unwrap();
        }
        writer.commit().unwrap();
    }
    // tantivy's own policy would have merged ten small segments by now.
    assert_eq!(segments(), 10);
    assert!(writer.finish_compact(30).unwrap());
    assert_eq!(segments(), 1);
    let results = archive.search(&SearchRequest::new("春耕")).unwrap();
    assert_eq!(results.total, 30);
}

/// An article with just an id, a title and a body.
fn article(id: String, title: String, body: String) -> Article {
    Article {
        id,
        title: Some(title),
        body,
        ..Article::default()
    }
}

/// A new archive in `dir` and its writer, on one indexing thread (so that segments
/// are made only by commits).
fn one_thread_archive(dir: &Path, bulk: bool) -> (Archive, ArchiveWriter) {
    let archive = Archive::create(dir.join("index")).unwrap();
    let writer = archive
        .writer_with(baoku::index::WriterOptions {
            threads: 1,
            bulk,
            ..Default::default()
        })
        .unwrap();
    (archive, writer)
}
