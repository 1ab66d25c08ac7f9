//! Site furniture: the lines of a saved page that are not the article.
//!
//! Lines are judged on their normalised, space-free form, so `吉 林 城 乡 网 版 权 所 有`
//! and `【打印】` are recognised like `版权所有` and `打印`. Judgements are
//! conservative: a line of real prose is never furniture just because it mentions a
//! furniture word.

/// Widgets and navigation that are furniture wherever they stand.
const WIDGETS: &[&str] = &[
    "天气预报",
    "小字号",
    "大字号",
    "中字号",
    "字号",
    "字体",
    "大中小",
    "小中大",
    "大",
    "中",
    "小",
    "打印",
    "打印本页",
    "打印本文",
    "关闭",
    "关闭窗口",
    "关闭本页",
    "返回顶部",
    "返回首页",
    "回到顶部",
    "首页",
    "登录",
    "注册",
    "收藏",
    "评论",
    "点赞",
    "分享",
    "分享到",
    "分享到:",
    "扫一扫",
    "微信扫一扫",
    "手机看新闻",
    "手机版",
    "参与互动",
    "我要评论",
    "纠错",
    "【纠错】",
    "查看评论",
    "复制链接",
    "放大",
    "缩小",
    "默认",
    "视频",
    "图片",
    "更多",
    "更多>>",
    "进入专题",
    "举报",
    "微博",
    "微信",
    "qq空间",
    "分享让更多人看到",
    "用微信扫码二维码",
    "分享至好友和朋友圈",
    "字级设定",
    "列印",
    "字级",
    "推荐",
    "赞",
];

/// Markers that begin the footer: everything after them is not the article.
const FOOTER_STARTS: &[&str] = &[
    "相关信息",
    "相关新闻",
    "相关阅读",
    "相关链接",
    "相关文章",
    "相关报道",
    "延伸阅读",
    "推荐阅读",
    "热点推荐",
    "热门推荐",
    "热门文章",
    "热门新闻",
    "猜你喜欢",
    "往期回顾",
    "上一篇",
    "下一篇",
    "分享让更多人看到",
    "【纠错】",
    "纠错",
    "打印本页",
    "关闭窗口",
    "返回顶部",
    "版权所有",
    "版权声明",
    "免责声明",
    "copyright",
    "©",
    "网站地图",
    "联系我们",
    "关于我们",
    "本网站",
    "本站",
    "扫一扫",
    "扫码",
    "广告服务",
    "网站声明",
];

/// Footer content that can stand anywhere in a footer line.
const FOOTER_ANYWHERE: &[&str] = &[
    "版权所有",
    "icp备",
    "icp证",
    "备案号",
    "举报电话",
    "举报邮箱",
    "违法和不良信息",
    "技术支持",
    "流量统计",
    "网安备",
    "未经书面授权",
    "未经授权",
    "不得转载",
    "禁止转载",
    "all rights reserved",
    "copyright",
    "©",
];

/// End-of-article markers used by news agencies.
const END_MARKERS: &[&str] = &["(完)", "【完】", "[完]", "完"];

/// `text` folded for matching: normalised, without any whitespace.
pub fn compact(normalized_line: &str) -> String {
    normalized_line
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// A widget or navigation line (`小字号`, `字体：小 中 大 分享到：`, `首页 > 财经 > 正文`,
/// a lone page counter such as `0`).
pub fn is_widget(compact: &str) -> bool {
    if compact.is_empty() {
        return false;
    }
    if WIDGETS.contains(&compact) || is_counter(compact) {
        return true;
    }
    if is_breadcrumb(compact) {
        return true;
    }
    // A line made only of widget words (`字体:小中大分享到:`, `【打印】【关闭】`).
    let mut rest = compact.trim_matches(|c: char| "【】[]()|:".contains(c));
    let mut guard = 0;
    while !rest.is_empty() && guard < 16 {
        guard += 1;
        let Some(w) = WIDGETS
            .iter()
            .filter(|w| rest.starts_with(*w))
            .max_by_key(|w| w.len())
        else {
            return false;
        };
        rest = rest[w.len()..].trim_start_matches(|c: char| "【】[]()|:".contains(c));
    }
    rest.is_empty()
}

/// A lone number (a view counter or page number left by the page's scripts).
fn is_counter(compact: &str) -> bool {
    compact.len() <= 8 && compact.chars().all(|c| c.is_ascii_digit())
}

/// `人民网 >> 社会`, `首页 > 财经 > 正文`, `当前位置：首页 > 新闻`.
fn is_breadcrumb(compact: &str) -> bool {
    let arrows =
        compact.matches('>').count() + compact.matches('›').count() + compact.matches('»').count();
    arrows >= 1
        && compact.chars().count() <= 40
        && !compact.contains(['。', '，', ','])
        && (arrows >= 2
            || compact.contains("首页")
            || compact.contains("正文")
            || compact.contains("位置"))
}

/// Whether this line starts the footer (related articles, copyright, share bars).
pub fn is_footer_start(compact: &str) -> bool {
    let lower = compact.to_lowercase();
    if lower.starts_with("相关") && lower.chars().count() <= 30 {
        // 相关新闻, 相关稿件, 相关字词：…: the related-articles block.
        return true;
    }
    if FOOTER_STARTS.iter().any(|m| lower.starts_with(m)) {
        // `相关新闻` as a heading, not a sentence that happens to start with it.
        let heading = lower.chars().count() <= 20 || !lower.contains(['，', '。', ',']);
        return heading || is_footer_line(&lower);
    }
    is_footer_line(&lower)
}

/// A copyright / registration / contact line.
fn is_footer_line(lower_compact: &str) -> bool {
    let hits = FOOTER_ANYWHERE
        .iter()
        .filter(|m| lower_compact.contains(*m))
        .count();
    hits >= 2 || (hits == 1 && lower_compact.chars().count() <= 80)
}

/// Labels of a line that only prints an address (matched on the normalised, lowercase,
/// space-free text, at the end of what stands before the address).
const ADDRESS_LABELS: &[&str] = &["网址", "链接", "地址", "网站", "url", "link"];

/// A line that only prints a web address under a label: `网址：http://…`,
/// `(看中国首发) 网址: http://www.…`, `本文链接：https://…`. Under an article's text it
/// is the page's or the site's address, not the article; within the text (`报名网址：…`
/// in a notice) it may be the article's, so callers only drop it at the end.
pub fn is_address_line(compact: &str) -> bool {
    let lower = compact.to_lowercase();
    let Some(at) = ["http://", "https://", "www."]
        .iter()
        .filter_map(|p| lower.find(p))
        .min()
    else {
        return false;
    };
    let (label, address) = lower.split_at(at);
    // Nothing but the address after the label (an address is ASCII).
    if !address.is_ascii() {
        return false;
    }
    let label = label.trim_end_matches([':', '：']);
    label.chars().count() <= 16 && ADDRESS_LABELS.iter().any(|l| label.ends_with(l))
}

/// An end-of-article marker on its own line: `(完)`, `（完）`.
pub fn is_end_marker(compact: &str) -> bool {
    END_MARKERS.contains(&compact)
}

/// Strips an end-of-article marker from the end of a paragraph: `……增长。(完)`.
pub fn strip_end_marker(normalized: &str) -> Option<usize> {
    let trimmed = normalized.trim_end();
    ["(完)", "【完】", "[完]"]
        .iter()
        .find(|m| trimmed.ends_with(*m))
        .map(|m| trimmed.len() - m.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::normalize_str;

    fn c(line: &str) -> String {
        compact(&normalize_str(line))
    }

    #[test]
    fn address_lines() {
        for line in [
            "(看中国首发) 网址: http://www.example-kzg.com/2007/07/15/a5388.htm",
            "网址：www.example.com",
            "本文链接：https://example.com/a/1.html",
            "URL: http://example.com/",
        ] {
            assert!(is_address_line(&c(line)), "{line}");
        }
        for line in [
            "报名请登录网址http://example.com，截止日期为本月底。",
            "http://example.com",
            "详情请见本报昨日刊发的长篇报道及其所附的全部网址：http://example.com",
            "网址：暂无",
            "市民可通过网站查询。",
        ] {
            assert!(!is_address_line(&c(line)), "{line}");
        }
    }

    #[test]
    fn widgets() {
        for line in [
            "天气预报",
            "小字号",
            "字体：小 中 大  分享到：",
            "【打印】 【关闭】",
            "0",
            "参与互动",
            "人民网 >> 社会",
            "中新网首页 > 财经 > 正文",
            "当前位置：首页 > 新闻中心",
        ] {
            assert!(is_widget(&c(line)), "{line}");
        }
        for line in ["5月的吉林乡村,绿意涌动、生机盎然。", "首页设计大赛今天开幕"]
        {
            assert!(!is_widget(&c(line)), "{line}");
        }
    }

    #[test]
    fn footers() {
        for line in [
            "相关信息",
            "吉 林 城 乡 网 版 权 所 有 , 未 经 书 面 授 权 禁 止 使 用",
            "版权所有:吉林日报社(吉林日报报业集团) 投诉举报电话:0431-88600732 备案号:吉ICP备18006035号 地址:长春市高新区火炬路1518号",
            "流量统计: 技术支持:迅达科技",
            "分享让更多人看到",
            "Copyright © 1997-2022 by www.people.com.cn all rights reserved",
        ] {
            assert!(is_footer_start(&c(line)), "{line}");
        }
        for line in [
            "相关新闻发布会上，省农业农村厅负责人介绍了今年以来全省农业生产的总体情况，并回答了记者提问，其中提到多项惠农措施。",
            "该公司表示，将依法维护作品版权，并已向法院提起诉讼，要求对方停止侵权、赔偿损失，同时呼吁行业加强自律，共同营造良好的创作环境和市场秩序。",
        ] {
            assert!(!is_footer_start(&c(line)), "{line}");
        }
    }
}
