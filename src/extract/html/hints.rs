//! What class and id names say about an element: furniture (`share`, `related`,
//! `pinglun`…), article containers (`article`, `zhengwen`, `TRS_Editor`…), headlines,
//! subtitles, and elements that hold the outlet or the writer.
//!
//! This module owns those word lists; it must not look at an element's text.

/// Class/id fragments of furniture, matched inside a class or id (`share-bar`,
/// `relatedNews`). Pinyin names are common on Chinese sites (分享 fenxiang, 推荐
/// tuijian, 评论 pinglun, 相关 xiangguan, 热门 remen).
const NEGATIVE_FRAGMENTS: &[&str] = &[
    "comment",
    "footer",
    "copyright",
    "share",
    "social",
    "related",
    "recommend",
    "sidebar",
    "breadcrumb",
    "crumb",
    "advert",
    "sponsor",
    "popup",
    "subscribe",
    "toolbar",
    "pagination",
    "pager",
    "qrcode",
    "hotnews",
    "navbar",
    "menu",
    "banner",
    "login",
    "fenxiang",
    "tuijian",
    "pinglun",
    "xiangguan",
    "remen",
    "ranking",
    "guess",
    "disclaimer",
    "masthead",
    "logo",
    "header",
    "widget",
    "bottom",
    "topbar",
    "weixin",
    "weibo",
    "caption",
    "loading",
    "player",
    "pinglun",
    "reply",
    "replies",
];

/// Whole class/id words of furniture, too short to match inside other words.
const NEGATIVE_WORDS: &[&str] = &[
    "nav", "ad", "ads", "adv", "gg", "foot", "side", "tag", "tags", "hot", "more", "top", "tool",
    "tools", "links", "rank", "xgxw", "xgwz", "ewm", "fx", "tj", "print", "zan", "search",
];

/// Class/id fragments of article containers (正文 zhengwen, 文章 wenzhang, 内容 neirong;
/// `TRS_Editor` is the body of pages made with the TRS CMS, common in China).
const POSITIVE_FRAGMENTS: &[&str] = &[
    "article",
    "content",
    "main",
    "text",
    "entry",
    "story",
    "detail",
    "zhengwen",
    "wenzhang",
    "neirong",
    "trs_editor",
    "post",
];

/// Whole class/id words of article containers.
const POSITIVE_WORDS: &[&str] = &["art", "con", "cont", "body", "nr", "zw", "txt"];

/// Class/id fragments of headline elements (标题 biaoti).
const TITLE_FRAGMENTS: &[&str] = &["title", "headline", "biaoti", "tit"];

fn hint_words(hints: &str) -> impl Iterator<Item = &str> {
    hints
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// -1 for a furniture hint, +1 for a content hint, 0 for neither. Furniture wins a
/// tie: `sidebar-content`, `comment-text` and `article-footer` are not the text. A
/// wrapper around the whole article that carries a furniture word is rescued in
/// [`Doc::build`], because it holds most of the page's sentences.
pub(super) fn hint_weight(hints: &str) -> i32 {
    if hints.trim().is_empty() {
        return 0;
    }
    let negative = NEGATIVE_FRAGMENTS.iter().any(|f| hints.contains(f))
        || hint_words(hints).any(|w| NEGATIVE_WORDS.contains(&w));
    if negative {
        return -1;
    }
    let positive = POSITIVE_FRAGMENTS.iter().any(|f| hints.contains(f))
        || hint_words(hints).any(|w| POSITIVE_WORDS.contains(&w));
    i32::from(positive)
}

pub(super) fn is_title_hint(hints: &str) -> bool {
    !hints.contains("sub")
        && hint_words(hints).any(|w| TITLE_FRAGMENTS.iter().any(|f| w.contains(f)))
}

/// `subtitle`, `sub-title`, `subhead`, 副标题 `fubiaoti`/`fbt`.
pub(super) fn is_subtitle_hint(hints: &str) -> bool {
    [
        "subtitle",
        "sub-title",
        "sub_title",
        "subhead",
        "fubiaoti",
        "fu-title",
    ]
    .iter()
    .any(|f| hints.contains(f))
        || hint_words(hints).any(|w| w == "fbt")
}

/// Elements that hold the outlet's name without a `来源` label (`<a class="source">`).
pub(super) fn is_source_hint(hints: &str) -> bool {
    hints.contains("laiyuan")
        || hint_words(hints)
            .any(|w| w.starts_with("source") || ["ly", "from", "comefrom"].contains(&w))
}

/// Elements that hold the writer's name without a `作者` label.
pub(super) fn is_author_hint(hints: &str) -> bool {
    ["author", "zuozhe", "byline", "writer", "reporter", "jizhe"]
        .iter()
        .any(|f| hints.contains(f))
}
