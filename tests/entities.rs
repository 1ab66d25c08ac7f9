//! Names of people, places and organisations (issue 17 §4) through the real binary:
//! `person:` `place:` `org:` filters, `--facets=person,place,org`, and the names on
//! hits and in `show --json`.

mod support;

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use support::{baoku, index_records, search_json, stderr, stdout, total};

/// A query every article matches (it only excludes a word none has).
const EVERY_ARTICLE: &str = "-无此词语";

/// Articles naming people in traditional and simplified characters, and one naming
/// nobody.
fn index() -> &'static Path {
    static INDEX: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_dir, index) = INDEX.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let records = [
            json!({"id": "hk1", "title": "特首表態", "source": "香港電台",
                   "body": "行政長官曾蔭權今日表示，香港經濟保持穩定，梁振英出席記者會。"}),
            json!({"id": "cn1", "title": "总理会见", "source": "新华社",
                   "body": "行政长官曾荫权在北京会见国务院总理李克强，双方就香港经济交换意见。"}),
            json!({"id": "cn2", "title": "国务院常务会议", "source": "新华社",
                   "body": "国务院总理李克强主持召开国务院常务会议，部署稳就业措施。"}),
            json!({"id": "cn3", "title": "外长谈疫情", "source": "新华社",
                   "body": "国务委员兼外长王毅表示，中方支持世界卫生组织在抗疫中发挥作用。"}),
            json!({"id": "none", "title": "天气", "source": "本报",
                   "body": "今天上午天气晴朗，他在博客上写道，心情很好。"}),
        ];
        let index = index_records(dir.path(), &records);
        (dir, index)
    });
    index
}

fn search(args: &[&str]) -> Value {
    search_json(index(), args).0
}

fn facet(results: &Value, name: &str) -> Vec<(String, u64)> {
    results["facets"][name]
        .as_array()
        .unwrap_or_else(|| panic!("facets.{name} is a list: {results}"))
        .iter()
        .map(|c| {
            (
                c["value"].as_str().unwrap().to_string(),
                c["count"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn each_facet_count_is_the_total_of_its_filter() {
    let results = search(&[EVERY_ARTICLE, "--facets=person,place,org"]);
    assert_eq!(total(&results), 5);
    for kind in ["person", "place", "org"] {
        let names = facet(&results, kind);
        assert!(!names.is_empty(), "{kind}: {results}");
        for (name, count) in names {
            let filtered = search(&[EVERY_ARTICLE, &format!("{kind}:{name}")]);
            assert_eq!(total(&filtered), count, "{kind}:{name}");
            for hit in filtered["hits"].as_array().unwrap() {
                let held: Vec<&str> = hit[kind]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|n| n.as_str().unwrap())
                    .collect();
                assert!(held.contains(&name.as_str()), "{kind}:{name} in {hit}");
            }
        }
    }
}

#[test]
fn traditional_and_simplified_names_are_one() {
    let results = search(&[EVERY_ARTICLE, "--facets", "person"]);
    let people = facet(&results, "person");
    assert!(people.contains(&("曾荫权".to_string(), 2)), "{people:?}");
    assert!(
        !people.iter().any(|(name, _)| name == "曾蔭權"),
        "{people:?}"
    );
    for typed in ["person:曾荫权", "person:曾蔭權", "person:\"曾 荫权\""] {
        assert_eq!(total(&search(&[typed])), 2, "{typed}");
    }
    // The other facets are left out when not chosen; `--facets` alone keeps today's.
    assert_eq!(results["facets"]["source"], json!([]));
    let plain = search(&["--facets", EVERY_ARTICLE]);
    assert!(plain["facets"].get("person").is_none(), "{plain}");
    assert_eq!(plain["facets"]["source"].as_array().unwrap().len(), 3);
}

#[test]
fn filters_combine_with_words_and_negation() {
    assert_eq!(total(&search(&["person:李克强"])), 2);
    assert_eq!(total(&search(&["常务会议 person:李克强"])), 1);
    assert_eq!(total(&search(&["--", "-person:李克强"])), 3);
    // A leading `-person:` is an exclusion, not the flags -p -e -r…
    assert_eq!(total(&search(&["-person:李克强"])), 3);
    assert_eq!(total(&search(&["-org:世界卫生组织", "-n", "1"])), 4);
    // Exclusions only: every article that has none of them.
    assert_eq!(total(&search(&["-person:李克强", "-香港"])), 2);
    assert_eq!(total(&search(&["香港", "-person:李克强"])), 1);
    assert_eq!(total(&search(&["org:世界卫生组织"])), 1);
    assert_eq!(total(&search(&["place:北京"])), 1);
    assert_eq!(total(&search(&["person:王毅 OR person:梁振英"])), 2);
    // A common word tagged as a name in the dictionary is no name.
    assert_eq!(total(&search(&["person:博客"])), 0);
}

#[test]
fn a_name_filter_finds_the_other_names_of_its_synonyms_group() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("names.txt");
    std::fs::write(&file, "王毅,王外长\n李克强,李总理\n").unwrap();
    let with = |args: &[&str]| {
        let mut all = vec!["--synonyms", file.to_str().unwrap()];
        all.extend_from_slice(args);
        search(&all)
    };
    let results = with(&["person:王外长"]);
    assert_eq!(total(&results), 1, "{results}");
    assert_eq!(results["hits"][0]["id"], "cn3");
    assert!(
        results["notes"]
            .to_string()
            .contains("person:王外长 also as 王毅 (names.txt:1)"),
        "{}",
        results["notes"]
    );
    // The name the article holds is the one highlighted.
    let snippet = &results["hits"][0]["snippets"][0];
    let marked = support::chars_of(snippet["text"].as_str().unwrap(), &snippet["highlights"][0]);
    assert_eq!(marked, "王毅");
    assert_eq!(total(&with(&["-person:李总理"])), 3);
    assert_eq!(total(&with(&["常务会议", "person:李总理"])), 1);
    // Without the file, no article is tagged with the other name.
    assert_eq!(total(&search(&["person:王外长"])), 0);
}

#[test]
fn a_filtered_name_is_highlighted_in_the_snippet() {
    let results = search(&["person:王毅"]);
    let hit = &results["hits"][0];
    let snippet = &hit["snippets"][0];
    let marked: Vec<String> = snippet["highlights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|range| support::chars_of(snippet["text"].as_str().unwrap(), range))
        .collect();
    assert_eq!(marked, ["王毅"], "{hit}");
}

#[test]
fn hits_and_show_carry_the_names() {
    let results = search(&["person:王毅"]);
    let hit = &results["hits"][0];
    assert_eq!(hit["id"], "cn3");
    assert_eq!(hit["person"], json!(["王毅"]));
    assert_eq!(hit["org"], json!(["世界卫生组织"]));
    let output = baoku(index())
        .args(["show", "hk1", "--json"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let article: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let people = article["person"].as_array().unwrap();
    assert!(people.contains(&json!("曾荫权")), "{article}");
    assert!(people.contains(&json!("梁振英")), "{article}");
    assert_eq!(article["place"], json!(["香港"]));
}

#[test]
fn bad_names_and_facets_are_one_line_errors() {
    for (args, expected) in [
        (&["person:"][..], "person: needs a value"),
        (&["--facets=persons", "香港"][..], "\"persons\" is no facet"),
    ] {
        let output = baoku(index()).arg("search").args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let message = stderr(&output);
        assert!(message.contains(expected), "{args:?}: {message}");
    }
}

/// The README's worked example (§ "People, places and organisations"), run on
/// `sample_corpus/`: each `$ baoku …` line must print exactly the lines below it.
#[test]
fn the_readme_example_prints_what_the_readme_shows() {
    let blocks = support::readme_blocks("### People, places and organisations", "\n### ");
    let dir = tempfile::tempdir().unwrap();
    let ran = support::run_readme_examples(&blocks, dir.path());
    assert!(ran >= 2, "{ran} examples");
}
