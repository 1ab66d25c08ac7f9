//! The content of a query for relaxed matching: its words without the question words
//! and particles (whole words only), each weighed later by its rarity, and the runs of
//! adjacent content words as the query has them (司马 + 晏 = 司马晏).

use crate::analyze::{is_dictionary_word, query_words};
use crate::search::query::{Expr, Scope, Term};

/// One content word of the query.
#[derive(Debug, Clone)]
pub(crate) struct Unit {
    /// The word, normalised.
    pub text: String,
    /// Where it is looked for.
    pub scope: Scope,
    /// Its weight: how rare it is in the archive.
    pub weight: f32,
}

/// A run of adjacent content words (`司马` + `晏`), as the query has them.
#[derive(Debug, Clone)]
pub(crate) struct Run {
    pub(crate) text: String,
    pub(crate) scope: Scope,
    pub(crate) units: Vec<usize>,
}

/// The query's content, ready to rank with.
#[derive(Debug, Clone)]
pub(crate) struct Content {
    pub units: Vec<Unit>,
    pub(crate) runs: Vec<Run>,
}

impl Content {
    /// Terms to highlight: the runs (whole names) and each word — a lone character
    /// only when the query has nothing longer, since alone it would light up
    /// everywhere.
    pub fn highlight_terms(&self) -> Vec<Term> {
        let runs = self
            .runs
            .iter()
            .filter(|r| r.units.len() > 1)
            .map(|r| (&r.text, r.scope));
        let longer = self.units.iter().any(|u| u.text.chars().count() > 1);
        let units = self
            .units
            .iter()
            .filter(|u| !longer || u.text.chars().count() > 1)
            .map(|u| (&u.text, u.scope));
        runs.chain(units)
            .filter_map(|(text, scope)| Term::new(text, false, scope))
            .collect()
    }
}

/// Whole words that ask or bind rather than tell: left out of relaxed matching.
const FUNCTION_WORDS: &[&str] = &[
    // Question words.
    "什么",
    "甚么",
    "啥",
    "怎么",
    "怎样",
    "怎么样",
    "如何",
    "为什么",
    "为何",
    "干嘛",
    "哪",
    "哪儿",
    "哪里",
    "哪些",
    "哪个",
    "哪位",
    "哪年",
    "哪天",
    "哪家",
    "哪种",
    "哪一年",
    "哪一天",
    "哪一个",
    "哪一位",
    "哪一种",
    "何",
    "何时",
    "何地",
    "何处",
    "何人",
    "何种",
    "何以",
    "谁",
    "几",
    "多少",
    "多久",
    "多大",
    "多长",
    "多高",
    "多远",
    "多重",
    "是否",
    "是不是",
    "有没有",
    "能否",
    "可否",
    "请问",
    "吗",
    "呢",
    "吧",
    "啊",
    "呀",
    "么",
    "嘛",
    "什么样",
    "什么时候",
    "什么地方",
    "什么人",
    // Particles, pronouns and the like.
    "的",
    "了",
    "是",
    "在",
    "和",
    "与",
    "及",
    "等",
    "也",
    "都",
    "还",
    "就",
    "又",
    "把",
    "被",
    "对",
    "从",
    "向",
    "到",
    "给",
    "以",
    "于",
    "并",
    "而",
    "或",
    "这",
    "那",
    "这些",
    "那些",
    "这个",
    "那个",
    "其",
    "之",
    "着",
    "过",
    "得",
    "地",
    "我",
    "你",
    "他",
    "她",
    "它",
    "我们",
    "你们",
    "他们",
    "她们",
    "它们",
    "有",
    "会",
    "能",
    "要",
    "将",
    "该",
    "可以",
    "一个",
    "呢",
    "the",
    "a",
    "an",
    "of",
    "and",
    "or",
    "to",
    "in",
    "on",
    "is",
    "are",
    "was",
    "were",
    "be",
    "what",
    "how",
    "why",
    "which",
    "who",
    "whom",
    "when",
    "where",
    "does",
    "do",
    "did",
];

/// Question words followed by a measure word (几个, 哪年, 多少次) ask too.
const ASKING_PREFIXES: &[&str] = &["哪", "几", "多少", "什么", "何"];
const MEASURES: &[&str] = &[
    "个", "年", "月", "日", "号", "天", "次", "位", "名", "人", "种", "样", "家", "国", "岁", "条",
    "项", "部", "所", "座", "本", "只", "件", "台", "辆", "架", "艘", "场", "届", "期", "分", "秒",
    "点", "时", "里", "儿", "处", "边", "些", "方", "类", "吨", "元", "米", "亿", "万", "倍", "层",
    "块", "张", "篇", "首", "支", "队", "门", "股", "公里", "一年", "一天", "一个", "一位", "一种",
    "一次", "一家", "钱", "岁数", "时候",
];

/// Whether a whole word of a query asks or binds rather than tells.
pub fn is_function_word(word: &str) -> bool {
    FUNCTION_WORDS.contains(&word)
        || ASKING_PREFIXES.iter().any(|prefix| {
            word.strip_prefix(prefix)
                .is_some_and(|rest| MEASURES.contains(&rest))
        })
}

/// The content words of a query's positive terms, in order, with their runs; when
/// every word is a function word, all of them (a query of only 什么 still searches).
pub(crate) fn content(expr: &Expr) -> Content {
    let mut content = collect_content(expr, true);
    if content.units.is_empty() {
        content = collect_content(expr, false);
    }
    content
}

fn collect_content(expr: &Expr, skip_function_words: bool) -> Content {
    let mut units: Vec<Unit> = Vec::new();
    let mut runs: Vec<Run> = Vec::new();
    for term in expr.positive_terms() {
        let mut run: Option<(Run, usize)> = None; // the open run and where it ends
        for (start, word) in query_words(&term.normalized) {
            if skip_function_words && is_function_word(&word) {
                runs.extend(run.take().map(|(r, _)| r));
                continue;
            }
            // A word the segmenter guessed may have taken a particle with it (尚恩有):
            // the particle asks nothing and would not be there in the text.
            let (start, word) = if skip_function_words {
                trim_particles(start, word)
            } else {
                (start, word)
            };
            let length = word.chars().count();
            let unit = match units
                .iter()
                .position(|u| u.text == word && u.scope == term.scope)
            {
                Some(existing) => existing,
                None => {
                    units.push(Unit {
                        text: word.clone(),
                        scope: term.scope,
                        weight: 0.0,
                    });
                    units.len() - 1
                }
            };
            match &mut run {
                Some((open, end)) if *end == start => {
                    open.text.push_str(&word);
                    open.units.push(unit);
                    *end = start + length;
                }
                _ => {
                    runs.extend(run.take().map(|(r, _)| r));
                    run = Some((
                        Run {
                            text: word.clone(),
                            scope: term.scope,
                            units: vec![unit],
                        },
                        start + length,
                    ));
                }
            }
        }
        runs.extend(run.take().map(|(r, _)| r));
    }
    Content { units, runs }
}

/// Characters that, at either end of a word the segmenter guessed (not in its
/// dictionary), are a particle or question word stuck to it: 尚恩有 → 尚恩.
const STUCK_PARTICLES: &str = "的了是在有和与及也都就又把被对从向到给以于并而或这那其之着过得地会能要将该吗呢吧啊呀么嘛谁几哪何";

fn trim_particles(start: usize, word: String) -> (usize, String) {
    if word.chars().count() < 3 || is_dictionary_word(&word) {
        return (start, word);
    }
    let mut chars: Vec<char> = word.chars().collect();
    let mut start = start;
    while chars.len() > 2 && STUCK_PARTICLES.contains(chars[chars.len() - 1]) {
        chars.pop();
    }
    while chars.len() > 2 && STUCK_PARTICLES.contains(chars[0]) {
        chars.remove(0);
        start += 1;
    }
    (start, chars.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::query::parse_query;

    fn words_of(query: &str) -> Vec<String> {
        content(&parse_query(query).unwrap())
            .units
            .into_iter()
            .map(|u| u.text)
            .collect()
    }

    #[test]
    fn question_words_are_left_out_as_whole_words_only() {
        assert!(!words_of("锣鼓经是什么？").contains(&"什么".to_string()));
        assert_eq!(words_of("尚恩有什么爱好？"), ["尚恩", "爱好"]);
        assert_eq!(words_of("几内亚的首都在哪里"), ["几内亚", "首都"]);
        assert_eq!(
            words_of("哪吒是谁"),
            [crate::analyze::normalize_str("哪吒")]
        );
        assert!(words_of("他几岁了").is_empty() || words_of("他几岁了") == ["他", "几岁", "了"]);
        assert_eq!(words_of("什么"), ["什么"]);
    }

    #[test]
    fn asking_words_with_a_measure_ask() {
        for word in ["几个", "哪年", "多少次", "什么时候", "何时", "哪一年"] {
            assert!(is_function_word(word), "{word}");
        }
        for word in ["几内亚", "哪吒", "何炅", "多少钱的事"] {
            assert!(!is_function_word(word), "{word}");
        }
    }

    #[test]
    fn runs_join_adjacent_content_words() {
        let content = content(&parse_query("谁杀了司马晏").unwrap());
        let runs: Vec<&str> = content.runs.iter().map(|r| r.text.as_str()).collect();
        assert!(runs.contains(&"司马晏"), "{runs:?}");
    }
}
