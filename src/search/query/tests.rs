//! The query language, form by form.

use super::lex::one_edit_apart;
use super::*;

/// A compact rendering of the tree, to state expectations in one line.
fn show(expr: &Expr) -> String {
    let term = |t: &Term| {
        format!(
            "{}{}{}",
            t.scope,
            if t.quoted { "\"" } else { "" },
            t.normalized
        )
    };
    match expr {
        Expr::Term(t) => term(t),
        Expr::Near(n) => format!(
            "near{}({})",
            n.within,
            n.terms.iter().map(term).collect::<Vec<_>>().join(" ")
        ),
        Expr::Source(s) => format!("source{}{}", if s.exact { "=" } else { "~" }, s.typed),
        Expr::Entity(e) => format!("{}={}", e.kind, e.name),
        Expr::Date(r) => format!(
            "date[{}..{})",
            r.from.map(|d| d.to_string()).unwrap_or_default(),
            r.until.map(|d| d.to_string()).unwrap_or_default()
        ),
        Expr::And(parts) => format!(
            "({})",
            parts.iter().map(show).collect::<Vec<_>>().join(" & ")
        ),
        Expr::Or(parts) => format!(
            "({})",
            parts.iter().map(show).collect::<Vec<_>>().join(" | ")
        ),
        Expr::Not(inner) => format!("-{}", show(inner)),
    }
}

fn parsed(query: &str) -> String {
    show(&parse_query(query).unwrap_or_else(|e| panic!("{query}: {e}")))
}

/// The tree and the notes.
fn noted(query: &str) -> (String, Vec<String>) {
    let parsed = parse(query).unwrap_or_else(|e| panic!("{query}: {e}"));
    (show(&parsed.expr), parsed.notes)
}

fn error(query: &str) -> String {
    parse_query(query).unwrap_err().to_string()
}

#[test]
fn words_phrases_and_punctuation() {
    assert_eq!(parsed("乡村振兴 收入"), "(乡村振兴 & 收入)");
    assert_eq!(parsed("  乡村振兴，收入 "), "(乡村振兴 & 收入)");
    assert_eq!(
        parsed("\"machine learning\" ＡＩ"),
        "(\"machine learning & ai)"
    );
    assert_eq!(parsed("“鄉村振興”"), "\"乡村振兴");
    assert_eq!(parsed("95.42% 1,000"), "(95.42% & 1,000)");
    assert_eq!(parsed("南京市长江大桥"), "南京市长江大桥");
    assert_eq!(parsed("乡村振兴——收入🌾"), "(乡村振兴 & 收入)");
    assert_eq!(
        parsed("劳尔·卡斯特罗 COVID-19"),
        "(劳尔·卡斯特罗 & covid-19)"
    );
    assert_eq!(parsed("时间：2021年"), "(时间 & 2021年)");
    assert_eq!(parsed("\"长江 大桥\""), "(\"长江大桥 | \"长江 大桥)");
    assert_eq!(parsed("\"machine  learning\""), "\"machine  learning");
}

#[test]
fn operators_and_groups() {
    assert_eq!(
        parsed("乡村振兴 收入 OR 增收"),
        "(乡村振兴 & (收入 | 增收))"
    );
    assert_eq!(parsed("(乡村 OR 农村) 振兴"), "((乡村 | 农村) & 振兴)");
    assert_eq!(
        parsed("台风 -演习 NOT \"防灾 演练\""),
        "(台风 & -演习 & -(\"防灾演练 | \"防灾 演练))"
    );
    assert_eq!(parsed("-广告"), "-广告");
    assert_eq!(parsed("a AND b"), "(a & b)");
    assert_eq!(parsed("- 第一条"), "第一条");
}

#[test]
fn proximity() {
    assert_eq!(parsed("乡村振兴 NEAR/10 收入"), "near10(乡村振兴 收入)");
    assert_eq!(parsed("乡村振兴 NEAR 收入"), "near10(乡村振兴 收入)");
    assert_eq!(parsed("\"乡村振兴 收入\"~5"), "near5(\"乡村振兴 \"收入)");
    assert_eq!(parsed("\"乡村振兴\"~5"), "\"乡村振兴");
    assert_eq!(parsed("a NEAR/3 b NEAR/7 c 台风"), "(near7(a b c) & 台风)");
    assert_eq!(parsed("台风 OR a NEAR/3 b"), "(台风 | near3(a b))");
    let (tree, notes) = noted("title:乡村 NEAR/5 收入");
    assert_eq!(tree, "(title:乡村 & 收入)");
    assert!(notes[0].contains("read as AND"), "{notes:?}");
    let (tree, notes) = noted("收入 NEAR/99999 增收");
    assert_eq!(tree, "near1000(收入 增收)");
    assert_eq!(notes.len(), 1);
}

#[test]
fn fields_and_dates() {
    assert_eq!(parsed("title:乡村振兴 收入"), "(title:乡村振兴 & 收入)");
    assert_eq!(
        parsed("title: \"乡村 振兴\""),
        "(title:\"乡村振兴 | title:\"乡村 振兴)"
    );
    assert_eq!(parsed("Title：乡村振兴"), "title:乡村振兴");
    assert_eq!(parsed("author:孙翠翠"), "author:孙翠翠");
    assert_eq!(parsed("body:(收入 OR 增收)"), "(body:收入 | body:增收)");
    assert_eq!(parsed("source:\"Citizen News\""), "source=Citizen News");
    assert_eq!(parsed("source:=人民日报"), "source=人民日报");
    assert_eq!(parsed("source:人民日报"), "source~人民日报");
    assert_eq!(parsed("date:2022-05-17"), "date[2022-05-17..2022-05-18)");
    assert_eq!(parsed("date:2022-05"), "date[2022-05-01..2022-06-01)");
    assert_eq!(parsed("date:2022"), "date[2022-01-01..2023-01-01)");
    assert_eq!(parsed("date:2022年"), "date[2022-01-01..2023-01-01)");
    assert_eq!(parsed("date:2022年5月"), "date[2022-05-01..2022-06-01)");
    assert_eq!(
        parsed("date:２０２２年5月17日"),
        "date[2022-05-17..2022-05-18)"
    );
    assert_eq!(
        parsed("date:2021-01-01..2022-06-30"),
        "date[2021-01-01..2022-07-01)"
    );
    assert_eq!(parsed("date:>=2021-03"), "date[2021-03-01..)");
    assert_eq!(parsed("date:>=2021年3月"), "date[2021-03-01..)");
    assert_eq!(parsed("date:>2021-03"), "date[2021-04-01..)");
    assert_eq!(parsed("date:<2021"), "date[..2021-01-01)");
    assert_eq!(parsed("date:..2020/1/2"), "date[..2020-01-03)");
}

#[test]
fn pasted_text_is_searched_with_notes() {
    // Mixed, reversed and unbalanced quotes.
    assert_eq!(
        noted("“吾无汗马劳……\"这句话是什么意思？"),
        (
            "(\"吾无汗马劳...... & 这句话是什么意思)".to_string(),
            vec![]
        )
    );
    assert_eq!(
        noted("刺角瓜为什么又叫”角瓜“？"),
        ("(刺角瓜为什么又叫 & \"角瓜)".to_string(), vec![])
    );
    assert_eq!(noted("「他说『不』」").0, "\"他说『不』");
    assert_eq!(noted("「引渡条例『").0, "\"引渡条例");
    let (tree, notes) = noted("乡村 \"振兴");
    assert_eq!(tree, "(乡村 & 振兴)");
    assert!(notes[0].contains("the quote \" at character 4 is never closed"));
    // Parentheses without a partner, operators with nothing to join.
    let (tree, notes) = noted("(乡村 振兴");
    assert_eq!(tree, "(乡村 & 振兴)");
    assert!(notes[0].contains("( at character 1 is never closed"));
    let (tree, notes) = noted("乡村) 振兴)");
    assert_eq!(tree, "(乡村 & 振兴)");
    assert_eq!(notes.len(), 2);
    assert_eq!(noted("OR 收入").0, "收入");
    assert_eq!(noted("收入 OR").0, "收入");
    assert_eq!(noted("收入 OR OR 增收").0, "(收入 | 增收)");
    assert!(noted("收入 OR").1[0].contains("OR at character 4 has nothing after it"));
    assert_eq!(noted("收入 NOT").0, "收入");
    assert_eq!(noted("收入 (-)").0, "收入");
    // A word before a colon that is no field.
    let (tree, notes) = noted("Note: 台风 https://news.cn/a");
    assert_eq!(tree, "(note & 台风 & https & //news & cn/a)");
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(notes[0].starts_with("Note: at character 1 is not a field"));
}

#[test]
fn malformed_queries_point_at_the_problem() {
    assert_eq!(noted("color:red").1.len(), 1);
    assert!(error("titel:乡村").contains("unknown field titel: (did you mean title:?"));
    assert!(error("auther:孙").contains("did you mean author:?"));
    assert!(error("sorce:x").contains("did you mean source:?"));
    assert!(error("date:2022-02-30").contains("not a date"));
    assert!(error("date:2022-13").contains("not a date"));
    assert!(error("date:2023..2022").contains("ends before it starts"));
    assert!(error("date:soon").contains("not a year"));
    assert!(error("   ").contains("empty"));
    assert!(error("，。!").contains("no letters"));
    assert!(error("“”").contains("no letters"));
    assert!(error("title:").contains("needs a value"));
    assert!(error(&"字".repeat(100_000)).contains("100000 characters"));
    assert!(error("-").contains("no letters"));
    assert!(error("🎉🎉").contains("no letters"));
}

#[test]
fn misspelt_fields_are_one_edit_from_a_field() {
    for (typed, field) in [
        ("titel", "title"),
        ("titl", "title"),
        ("tittle", "title"),
        ("dat", "date"),
        ("bdy", "body"),
    ] {
        assert!(one_edit_apart(typed, field), "{typed}");
    }
    for typed in ["note", "http", "time", "text", "data2", "ti"] {
        assert!(!FIELDS.iter().any(|f| one_edit_apart(typed, f)), "{typed}");
    }
}

proptest::proptest! {
    #[test]
    fn any_string_parses_or_is_a_documented_error(query in "\\PC{0,80}") {
        if let Err(e) = parse_query(&query) {
            let message = e.to_string();
            proptest::prop_assert!(!message.contains('\n'), "{message}");
            proptest::prop_assert!(message.starts_with("invalid query: "));
            let documented = [
                "the query is empty",
                "has no letters, digits or Chinese characters to search for",
                "unknown field",
                "not a date",
                "not a year",
                "not a month",
                "not a day",
                "ends before it starts",
                "needs a value",
                "needs an outlet name",
                "has nothing to search for",
            ];
            proptest::prop_assert!(
                documented.iter().any(|d| message.contains(d)),
                "undocumented error for {query:?}: {message}"
            );
        }
    }

    #[test]
    fn operator_soup_never_fails_without_a_field_or_date(
        parts in proptest::collection::vec(
            proptest::sample::select(vec![
                "(", ")", "\"", "“", "”", "「", "』", "OR", "NOT", "-", "NEAR", "NEAR/3",
                "~2", "乡村", "收入", "2022-05", "..", ">=", " ", "：", "，", "x:", "🎉",
            ]),
            0..14,
        )
    ) {
        let query: String = parts.concat();
        let has_words = query.contains("乡村") || query.contains("收入")
            || query.contains("2022") || query.contains('x');
        if has_words {
            let result = parse(&query);
            proptest::prop_assert!(result.is_ok(), "{query:?}: {result:?}");
        }
    }
}

#[test]
fn name_filters() {
    assert_eq!(parsed("person:王毅"), "person=王毅");
    assert_eq!(parsed("person:林鄭月娥"), "person=林郑月娥");
    assert_eq!(parsed("place:\"新 疆\""), "place=新疆");
    assert_eq!(
        parsed("疫情 org:世界卫生组织 -person:王毅"),
        "(疫情 & org=世界卫生组织 & -person=王毅)"
    );
    assert!(error("person:").contains("person: needs a value"));
    assert!(error("person:，").contains("person: needs a name"));
    assert!(error("persn:王毅").contains("person"));
}
