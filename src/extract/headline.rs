//! Headlines as pages and exports write them: the headline, then channel and site
//! names (`标题_科技_腾讯网`, `标题 - BBC中文网 - 两岸三地`), perhaps a media marker
//! (`[视频]`, `(组图)`).
//!
//! This module owns the cleanup every format applies to a headline it has found
//! ([`clean_headline`]) and the test of whether a name is a site's ([`looks_like_site`]).
//! It must not decide which line or field is the headline: each format does that.

use regex::Regex;
use std::sync::LazyLock;

/// `[视频]`, `【组图】`, `(图)`: what kind of page it is, not part of the headline.
static MEDIA_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*[\[【(（]\s*(?:视频|組圖|组图|图文|圖文|图|圖|多图|高清组图|高清|音频|直播|图表)\s*[\]】)）]\s*")
        .expect("valid regex")
});
static MEDIA_SUFFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\s*[\[【(（]\s*(?:视频|組圖|组图|图文|圖文|图|圖|多图|附视频|高清组图|音频)\s*[\]】)）]\s*$")
        .expect("valid regex")
});

/// Separators between a headline and the site and channel names after it.
pub(crate) const SEPARATORS: &[&str] = &["_", "|", "｜", " - ", " – ", " — ", "-", "–", "::"];

/// Endings of site and outlet names: 新华网, 吉林日报, 新华社, 央视频道, 澎湃新闻…
const SITE_ENDINGS: &[&str] = &[
    "网",
    "網",
    "报",
    "報",
    "社",
    "台",
    "新闻",
    "新聞",
    "频道",
    "頻道",
    "客户端",
    "网站",
    "在线",
    "周刊",
    "杂志",
    "广播",
    // 之家: the "home of" sites (IT之家, win10之家, 太平洋汽车之家).
    "之家",
];

/// Domain endings that make an ASCII name a site (`XINHUANET.com`).
const DOMAIN_PARTS: &[&str] = &[".com", ".cn", ".net", ".org", ".gov"];

/// Channel names between the headline and the site are at most this long.
const MAX_CHANNEL_CHARS: usize = 8;

/// Site names are at most this long.
const MAX_SITE_CHARS: usize = 16;

/// A headline with media markers and the trailing site and channel names removed,
/// whitespace collapsed.
pub fn clean_headline(title: &str) -> String {
    let title = strip_media_markers(&collapse_spaces(title));
    for separator in SEPARATORS {
        let parts: Vec<&str> = title.split(separator).collect();
        if parts.len() < 2 {
            continue;
        }
        // The first part after the headline that names a site ends the headline; the
        // short parts between them are channel names.
        let Some(site_at) = (1..parts.len()).find(|&i| looks_like_site(parts[i].trim())) else {
            continue;
        };
        let mut keep = site_at;
        while keep > 1 {
            let part = parts[keep - 1].trim();
            if part.chars().count() <= MAX_CHANNEL_CHARS
                && !part.contains(['，', '。', '：', ':', '？', '！'])
            {
                keep -= 1;
            } else {
                break;
            }
        }
        let head = parts[..keep].join(separator).trim().to_string();
        if head.chars().count() >= 2 {
            return head;
        }
    }
    title
}

/// [`clean_headline`] for a headline taken from a field: `None` when nothing is left.
pub fn clean_headline_field(title: &str) -> Option<String> {
    Some(clean_headline(title)).filter(|t| !t.is_empty())
}

/// The headline without a leading or trailing media marker.
pub fn strip_media_markers(title: &str) -> String {
    let title = MEDIA_PREFIX.replace(title, "");
    let title = MEDIA_SUFFIX.replace(&title, "");
    title.trim().to_string()
}

/// Whether `name` reads as the name of a site or outlet: short, and ending the way
/// such names end (`新华网`, `吉林日报`, `BBC中文网`), or an address (`XINHUANET.com`).
pub fn looks_like_site(name: &str) -> bool {
    let n = name.chars().count();
    if n == 0 || n > MAX_SITE_CHARS {
        return false;
    }
    let lower = name.to_ascii_lowercase();
    if lower.is_ascii() && DOMAIN_PARTS.iter().any(|d| lower.contains(d)) {
        return true;
    }
    SITE_ENDINGS.iter().any(|s| name.ends_with(s))
}

/// Runs of whitespace as one space, none at either end.
pub fn collapse_spaces(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Input → cleaned headline: the specification of the cleanup, for every format.
    #[test]
    fn headline_cleanup_table() {
        for (input, expected) in [
            // Site suffixes, after any of the separators sites use.
            ("高铁网络再扩容_新华网", "高铁网络再扩容"),
            ("高铁网络再扩容 - 人民网", "高铁网络再扩容"),
            ("标题在此 | 澎湃新闻", "标题在此"),
            ("标题在此｜中国青年网", "标题在此"),
            ("县里召开春耕生产会议--某某日报", "县里召开春耕生产会议"),
            ("标题在此 – 联合早报", "标题在此"),
            ("标题在此 — 新华社", "标题在此"),
            ("标题在此::东方网", "标题在此"),
            ("Copyright notice - XINHUANET.com", "Copyright notice"),
            ("Win10更新推送新功能_win10之家", "Win10更新推送新功能"),
            // Channel names between the headline and the site go with it.
            ("标题在此_科技_腾讯网", "标题在此"),
            ("海外留学生看两会_教育频道_中国青年网", "海外留学生看两会"),
            ("标题在此 - BBC中文网 - 两岸三地", "标题在此"),
            // Media markers.
            ("[视频]李强同尼泊尔总理举行会谈", "李强同尼泊尔总理举行会谈"),
            ("春耕忙(组图)", "春耕忙"),
            ("【组图】春耕忙_新华网", "春耕忙"),
            // What is the headline stays.
            ("一带一路——合作共赢", "一带一路——合作共赢"),
            ("中国-东盟博览会开幕", "中国-东盟博览会开幕"),
            (
                "【央视快评】让明天的中国更美好",
                "【央视快评】让明天的中国更美好",
            ),
            (
                "王毅：中方愿同各方加强合作_外交部",
                "王毅：中方愿同各方加强合作_外交部",
            ),
            ("  城市书房  开进老街区 ", "城市书房 开进老街区"),
            ("", ""),
        ] {
            assert_eq!(clean_headline(input), expected, "clean_headline({input:?})");
        }
    }

    #[test]
    fn site_names() {
        for site in [
            "新华网",
            "吉林日报",
            "新華社",
            "央视新闻",
            "澎湃新闻客户端",
            "xinhuanet.com",
        ] {
            assert!(looks_like_site(site), "{site}");
        }
        for other in [
            "",
            "两岸三地",
            "外交部",
            "一个很长很长很长很长很长很长的名字网",
            "科技",
        ] {
            assert!(!looks_like_site(other), "{other}");
        }
    }
}
