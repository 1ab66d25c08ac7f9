//! Fingerprints of an article: an exact hash of its title and body (the same text,
//! ignoring spacing, punctuation, width and script) and a SimHash of the body for
//! near-duplicates (the same wire story reprinted with another header, footer or a
//! few edited lines).
//!
//! The exact hash covers the title as well as the body: archives hold different
//! articles with one boilerplate body (a video page's stock text), and those must
//! not be taken for copies of each other.

use super::is_word_char;
use super::normalize::normalize_cached;
use crate::article::Article;
use xxhash_rust::xxh3::{xxh3_64, Xxh3};

/// Characters per shingle: four CJK characters are about two words.
const SHINGLE_CHARS: usize = 4;

/// The searchable characters of `body`, normalised: what both fingerprints hash.
///
/// A body is normalised once for both fingerprints and the duplicate check (the
/// writer asks for its content hash before it builds the document, which asks again):
/// [`normalize_cached`] keeps the last long text of the thread.
fn content_chars(body: &str) -> Vec<char> {
    normalize_cached(body)
        .text()
        .chars()
        .filter(|&c| is_word_char(c))
        .collect()
}

/// Hash of the letters, digits and CJK characters of the title and the body, after
/// normalisation: equal for articles that differ only in spacing, punctuation,
/// width or script.
pub fn content_hash(article: &Article) -> u64 {
    let mut hasher = Xxh3::new();
    let mut buffer = [0u8; 4];
    for c in content_chars(article.title.as_deref().unwrap_or("")) {
        hasher.update(c.encode_utf8(&mut buffer).as_bytes());
    }
    hasher.update(&[0]);
    for c in content_chars(&article.body) {
        hasher.update(c.encode_utf8(&mut buffer).as_bytes());
    }
    hasher.digest()
}

/// The id of an article that brings none of its own (no record id, no article URL):
/// 16 hex digits of a hash of what the article is — its headline, date, source and
/// body, each reduced to letters, digits and CJK characters after normalisation — so
/// that the same article keeps its id wherever its file lies, is copied, moved,
/// mounted elsewhere or re-encoded (GBK or UTF-8), and whatever its spacing, width or
/// script.
///
/// ```
/// use baoku::{Article, Date};
/// use baoku::analyze::fingerprint::content_id;
///
/// let article = Article {
///     title: Some("在新起点上接续奋斗".into()),
///     date: Date::new(2022, 5, 17),
///     source: Some("吉林日报".into()),
///     body: "全省脱贫群众人均收入达到12079元。".into(),
///     ..Article::default()
/// };
/// let traditional = Article {
///     title: Some("在新起點上接續奮鬥".into()),
///     body: "全省脫貧群眾人均收入達到１２０７９元".into(),
///     ..article.clone()
/// };
/// assert_eq!(content_id(&article), content_id(&traditional));
/// assert_eq!(content_id(&article).len(), 16);
/// ```
pub fn content_id(article: &Article) -> String {
    let mut hasher = Xxh3::new();
    let mut buffer = [0u8; 4];
    let mut add = |text: &str| {
        for c in content_chars(text) {
            hasher.update(c.encode_utf8(&mut buffer).as_bytes());
        }
        hasher.update(&[0]);
    };
    add(article.title.as_deref().unwrap_or(""));
    add(&article.date.map(|d| d.to_string()).unwrap_or_default());
    add(article.source.as_deref().unwrap_or(""));
    add(&article.body);
    format!("{:016x}", hasher.digest())
}

/// 64-bit SimHash over character shingles of the normalised body. Reprints of one
/// story differ in a few bits; unrelated articles in about 32.
pub fn simhash(body: &str) -> u64 {
    let chars = content_chars(body);
    if chars.is_empty() {
        return 0;
    }
    let mut weights = [0i32; 64];
    let mut shingle = String::with_capacity(SHINGLE_CHARS * 4);
    let windows = chars.len().saturating_sub(SHINGLE_CHARS) + 1;
    for start in 0..windows {
        shingle.clear();
        shingle.extend(&chars[start..(start + SHINGLE_CHARS).min(chars.len())]);
        let hash = xxh3_64(shingle.as_bytes());
        // Without a branch, so that the compiler vectorises it: +1 for a set bit, -1
        // for a clear one.
        for (bit, weight) in weights.iter_mut().enumerate() {
            *weight += ((hash >> bit) & 1) as i32 * 2 - 1;
        }
    }
    weights
        .iter()
        .enumerate()
        .filter(|(_, &w)| w > 0)
        .fold(0u64, |acc, (bit, _)| acc | (1 << bit))
}

/// Bits in which two SimHashes differ.
pub fn distance(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str = "新华社北京5月19日电 国务院新闻办公室19日举行新闻发布会，介绍今年以来农业农村经济运行情况。农业农村部有关负责人表示，全国夏粮生产形势总体较好，冬小麦长势好于常年，农民收入保持较快增长，乡村振兴各项工作稳步推进。下一步将抓紧抓实夏收夏种，确保颗粒归仓。";

    fn article(title: &str, body: &str) -> Article {
        Article {
            title: Some(title.to_string()),
            body: body.to_string(),
            ..Article::default()
        }
    }

    #[test]
    fn exact_hash_ignores_spacing_width_and_script() {
        let hash = |t: &str, b: &str| content_hash(&article(t, b));
        assert_eq!(
            hash("标题", STORY),
            hash("标 题", &STORY.replace('，', " , "))
        );
        assert_eq!(hash("", "鄉村振興 ＡＩ"), hash("", "乡村振兴ai"));
        assert_ne!(
            hash("标题", STORY),
            hash("标题", &STORY.replace("19日", "20日"))
        );
        // One stock body under two headlines is two articles.
        assert_ne!(
            hash("根雕店失火", "视频加载中"),
            hash("考研＋期末", "视频加载中")
        );
        // The boundary between title and body counts.
        assert_ne!(hash("ab", "c"), hash("a", "bc"));
    }

    #[test]
    fn reprints_are_near_and_other_stories_far() {
        let reprint = format!("（来源：人民网）{STORY}（责任编辑：张三）");
        let edited = STORY.replace("稳步推进", "扎实推进");
        let other = "南京长江大桥于1968年建成通车，是长江上第一座由我国自行设计建造的双层式铁路、公路两用桥。上层公路桥连通南北，下层铁路桥让津浦铁路和沪宁铁路实现贯通，火车过江从此告别轮渡。";
        let original = simhash(STORY);
        assert!(
            distance(original, simhash(&reprint)) <= 8,
            "{}",
            distance(original, simhash(&reprint))
        );
        assert!(distance(original, simhash(&edited)) <= 8);
        assert!(
            distance(original, simhash(other)) >= 16,
            "{}",
            distance(original, simhash(other))
        );
        assert_eq!(simhash(""), 0);
    }
}
