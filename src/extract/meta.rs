//! Metadata written into the text of a page: labelled fields (`日期:…`, `来源：…`,
//! `【责任编辑：…】`, several on one line), bare date lines, and datelines at the
//! start of the body (`新华社北京5月17日电（记者 张三）`, `【明報專訊】`).
//!
//! Labels are matched on the normalised line (simplified, half-width), so that
//! traditional (`來源`, `編輯`) and full-width (`来源：`) forms need no extra patterns;
//! values are cut from the original line, so names stay as written.

use super::boilerplate::{compact, is_address_line, is_widget, strip_end_marker};
use super::date::{find_date, parse_date_value};
use crate::analyze::{normalize, Normalized};
use crate::article::Date;
use regex::Regex;
use std::sync::LazyLock;

/// Which article field a label fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Date,
    Source,
    Author,
    Editor,
    Url,
    /// Page furniture with a label (`字号:`, `浏览次数:`): recognised so it ends the
    /// value before it, otherwise ignored.
    Ignore,
}

/// The metadata found on one line.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Meta {
    pub date: Option<Date>,
    pub source: Option<String>,
    pub author: Option<String>,
    pub editor: Option<String>,
    pub url: Option<String>,
}

impl Meta {
    pub fn is_empty(&self) -> bool {
        self.date.is_none()
            && self.source.is_none()
            && self.author.is_none()
            && self.editor.is_none()
            && self.url.is_none()
    }

    /// Fills the fields still unknown in `self` from `other`.
    pub fn fill_from(&mut self, other: Meta) {
        self.date = self.date.or(other.date);
        self.source = self.source.take().or(other.source);
        self.author = self.author.take().or(other.author);
        self.editor = self.editor.take().or(other.editor);
        self.url = self.url.take().or(other.url);
    }
}

// Longer labels first where one contains another (责任编辑 before 编辑), although
// leftmost matching already prefers the longer one when it starts earlier.
const LABELS: &[(&str, Key)] = &[
    ("发布时间", Key::Date),
    ("发布日期", Key::Date),
    ("发表时间", Key::Date),
    ("发表日期", Key::Date),
    ("出版日期", Key::Date),
    ("发稿时间", Key::Date),
    ("刊发时间", Key::Date),
    ("更新时间", Key::Ignore),
    ("最后更新", Key::Ignore),
    ("日期", Key::Date),
    ("时间", Key::Date),
    ("信息来源", Key::Source),
    ("文章来源", Key::Source),
    ("新闻来源", Key::Source),
    ("来源", Key::Source),
    ("稿源", Key::Source),
    ("出处", Key::Source),
    ("本报记者", Key::Author),
    ("记者", Key::Author),
    ("作者", Key::Author),
    ("撰文", Key::Author),
    ("撰稿", Key::Author),
    ("文字", Key::Author),
    ("文", Key::Author),
    ("责任编辑", Key::Editor),
    ("值班编辑", Key::Editor),
    ("网络编辑", Key::Editor),
    ("编辑", Key::Editor),
    ("责编", Key::Editor),
    // Only labels that name the article's own address: a bare 网址/链接 in a footer
    // is usually the publisher's home page.
    ("原文链接", Key::Url),
    ("原文地址", Key::Url),
    ("原文网址", Key::Url),
    ("本文链接", Key::Url),
    ("本文地址", Key::Url),
    ("字号", Key::Ignore),
    ("字体", Key::Ignore),
    ("浏览次数", Key::Ignore),
    ("点击", Key::Ignore),
    ("阅读", Key::Ignore),
    ("浏览", Key::Ignore),
    ("浏览量", Key::Ignore),
    ("阅读量", Key::Ignore),
    ("点击数", Key::Ignore),
    ("点击量", Key::Ignore),
    ("分享到", Key::Ignore),
    ("审核", Key::Ignore),
    ("校对", Key::Ignore),
    ("摄影", Key::Ignore),
    ("图", Key::Ignore),
];

/// `label:` (or `label ` for 记者/作者, which pages often write with a space), optionally
/// inside an opening bracket. Group 1: the bracket, group 2: the label.
static LABEL: LazyLock<Regex> = LazyLock::new(|| {
    let alternatives: Vec<String> = LABELS.iter().map(|(l, _)| regex::escape(l)).collect();
    Regex::new(&format!(
        r"([【\[(<]?)\s*({})\s*[:/]\s*",
        alternatives.join("|")
    ))
    .expect("valid regex")
});

/// A byline on its own line, with a space instead of a colon: `本报记者  刘晓峰、孙雨晴`.
static BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:本报记者|特约记者|见习记者|记者|作者|通讯员)\s+[^\s。，,!?；;:]")
        .expect("valid regex")
});

/// A role word inside a value: `吉林日报记者 孙翠翠`, `（记者 张三 通讯员 李四）`.
static ROLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(本报记者|特约记者|见习记者|实习记者|记者|通讯员|实习生|作者)")
        .expect("valid regex")
});

/// Agencies and outlets whose datelines (`新华社北京5月17日电`) name the source.
const AGENCIES: &[&str] = &[
    "新华社",
    "中新社",
    "中新网",
    "中国新闻网",
    "人民网",
    "央视网",
    "央视新闻",
    "中央社",
    "光明网",
    "澎湃新闻",
    "路透社",
    "法新社",
    "美联社",
    "共同社",
    "塔斯社",
    "韩联社",
];

/// A dateline: agency, optional place, date, 电/讯, and an optional (记者 …).
static DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:([\p{Han}]{2,14}?)(?:\d{1,2}月)?\d{1,2}日(?:电|讯|消息)|本报讯)\s*(?:\(\s*([^)]{1,40})\))?")
        .expect("valid regex")
});

/// `（中央社記者張三台北22日電）` — the CNA form: the reporter before place and day.
static CNA_DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^[(]\s*(中央社|[\p{Han}]{2,5}社)\s*(?:记者|特派员)\s*([^)]{2,40}?)\s*(\d{1,2})日电\s*[)]",
    )
    .expect("valid regex")
});

/// `【明報專訊】`, `【星島日報報道】`: the source in a bracket before the first paragraph.
static NEWS_FLASH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^【\s*([\p{Han}]{2,8}?)\s*(?:专讯|讯|报道|快讯)\s*】").expect("valid regex")
});

/// Places that follow the reporter's name in CNA datelines.
const DATELINE_PLACES: &[&str] = &[
    "台北",
    "新北",
    "桃园",
    "台中",
    "台南",
    "高雄",
    "基隆",
    "新竹",
    "嘉义",
    "苗栗",
    "彰化",
    "南投",
    "云林",
    "屏东",
    "宜兰",
    "花莲",
    "台东",
    "澎湖",
    "金门",
    "马祖",
    "香港",
    "澳门",
    "北京",
    "上海",
    "东京",
    "首尔",
    "华盛顿",
    "纽约",
    "旧金山",
    "洛杉矶",
    "伦敦",
    "巴黎",
    "柏林",
    "新加坡",
    "曼谷",
    "雅加达",
    "吉隆坡",
    "马尼拉",
    "河内",
    "布鲁塞尔",
    "日内瓦",
    "莫斯科",
    "悉尼",
    "多伦多",
    "温哥华",
];

fn key_of(label: &str) -> Key {
    LABELS
        .iter()
        .find(|(l, _)| *l == label)
        .map_or(Key::Ignore, |(_, k)| *k)
}

/// A line normalised for matching, with the way back to the original.
pub struct Line<'a> {
    pub original: &'a str,
    pub norm: Normalized,
}

impl<'a> Line<'a> {
    pub fn new(original: &'a str) -> Self {
        Line {
            original,
            norm: normalize(original),
        }
    }

    /// The original text behind normalised bytes `start..end`.
    fn original_of(&self, start: usize, end: usize) -> &'a str {
        let text = self.norm.text();
        let cs = text[..start].chars().count();
        let ce = cs + text[start..end].chars().count();
        let (from, to) = self.norm.original_byte_range(cs, ce);
        &self.original[from..to]
    }
}

/// Parses a line that consists of labelled metadata (and possibly a bare date before
/// the first label). Returns `None` when the line is not a metadata line: then it is
/// body text or furniture, and none of its content is metadata. An empty [`Meta`]
/// means the line holds only labelled furniture (`阅读量：3826`, `分享到：`).
pub fn parse_meta_line(original: &str) -> Option<Meta> {
    let line = Line::new(original);
    let text = line.norm.text();
    if text.chars().count() > 160 || text.trim().is_empty() {
        return None;
    }
    if BYLINE.is_match(text) && text.chars().count() <= 40 {
        let author = clean_people(original)?;
        return Some(Meta {
            author: Some(author),
            ..Meta::default()
        });
    }
    let labels: Vec<_> = LABEL
        .captures_iter(text)
        .filter(|c| label_is_standalone(text, c.get(2).expect("group 2").start(), &c[2]))
        .collect();

    let lead_end = labels
        .first()
        .map_or(text.len(), |c| c.get(0).expect("group 0").start());
    let lead = text[..lead_end].trim();
    let mut meta = Meta::default();
    if !lead.is_empty() {
        // Text before the first label: a bare date (`2022-05-19 10:21:35 来源：…`), or a
        // short widget or site name (`【纠错】`). Anything longer is prose.
        if lead.contains(['。', '!', '?', '"', '“']) {
            return None;
        }
        match find_date(lead) {
            Some((date, range)) if range.start <= 24 => meta.date = Some(date),
            _ if lead.chars().count() <= 10 => {}
            _ => return None,
        }
    }
    if labels.is_empty() {
        // A bare date line: the date and little else (time, weekday, update note).
        return (meta.date.is_some() && text.chars().count() <= 48).then_some(meta);
    }

    let mut found_field = meta.date.is_some();
    let mut only_furniture = meta.date.is_none();
    for (i, caps) in labels.iter().enumerate() {
        let whole = caps.get(0).expect("group 0");
        let bracket = &caps[1];
        let value_end = labels
            .get(i + 1)
            .map_or(text.len(), |next| next.get(0).expect("group 0").start());
        let mut value_norm = &text[whole.end()..value_end];
        if !bracket.is_empty() {
            let close = match bracket {
                "【" => '】',
                "[" => ']',
                "<" => '>',
                _ => ')',
            };
            if let Some(at) = value_norm.find(close) {
                value_norm = &value_norm[..at];
            }
        }
        let start = whole.end();
        let value = clean_value(line.original_of(start, start + value_norm.len()));
        let key = key_of(&caps[2]);
        only_furniture &= key == Key::Ignore;
        if value.is_empty() {
            continue;
        }
        match key {
            Key::Date => {
                if meta.date.is_none() {
                    meta.date = parse_date_value(value_norm);
                }
                found_field |= meta.date.is_some();
            }
            Key::Source => {
                let (source, author) = split_source_and_author(&value);
                if meta.source.is_none() && !source.is_empty() {
                    meta.source = Some(source);
                }
                if meta.author.is_none() {
                    meta.author = author;
                }
                found_field = true;
            }
            Key::Author => {
                if meta.author.is_none() {
                    meta.author = clean_people(&value);
                }
                found_field = true;
            }
            Key::Editor => {
                if meta.editor.is_none() {
                    meta.editor = clean_people(&value);
                }
                found_field = true;
            }
            Key::Url => {
                let url = value.trim();
                if meta.url.is_none()
                    && (url.starts_with("http://")
                        || url.starts_with("https://")
                        || url.starts_with("www."))
                {
                    meta.url = Some(url.to_string());
                }
                found_field = true;
            }
            Key::Ignore => found_field = true,
        }
    }
    if only_furniture {
        return Some(Meta::default());
    }
    (found_field && !meta.is_empty()).then_some(meta)
}

/// One-character labels (文, 图) only count at the start of the line or after a
/// separator; otherwise `全文:` or `原文:` inside prose would look like a byline.
fn label_is_standalone(text: &str, at: usize, label: &str) -> bool {
    if label.chars().count() > 1 {
        return true;
    }
    text[..at]
        .chars()
        .next_back()
        .is_none_or(|c| c.is_whitespace() || "|/【[(<,;，、".contains(c))
}

/// Trims separators, brackets and stray punctuation around a value.
fn clean_value(value: &str) -> String {
    let trim_chars: &[char] = &[
        ' ', '\t', '\u{3000}', '\u{a0}', '|', '｜', '/', '】', '【', '[', ']', '(', ')', '（',
        '）', ':', '：', ',', '，', ';', '；', '、', '。', '<', '>', '《', '》',
    ];
    value.trim_matches(trim_chars).to_string()
}

/// Splits `吉林日报记者 孙翠翠` into the outlet and the reporter.
fn split_source_and_author(value: &str) -> (String, Option<String>) {
    let line = Line::new(value);
    let text = line.norm.text();
    match ROLE.find(text) {
        Some(role) if role.start() > 0 => {
            let source = clean_value(line.original_of(0, role.start()));
            let author = clean_people(line.original_of(role.start(), text.len()));
            (source, author)
        }
        _ => (clean_value(value), None),
    }
}

/// Cleans a list of people: drops role words (记者, 通讯员…), keeps the names as
/// written; several names stay separated as the page separated them, except that
/// role words between names become `、`.
pub fn clean_people(value: &str) -> Option<String> {
    let line = Line::new(value);
    let text = line.norm.text();
    let mut names: Vec<String> = Vec::new();
    let mut last = 0;
    let mut push = |piece: &str| {
        let piece = clean_value(piece);
        if !piece.is_empty() {
            names.push(piece);
        }
    };
    for role in ROLE.find_iter(text) {
        push(line.original_of(last, role.start()));
        last = role.end();
    }
    push(line.original_of(last, text.len()));
    let joined = names.join("、");
    // A value that is a sentence rather than names is not a byline.
    let plausible = !joined.is_empty()
        && joined.chars().count() <= 40
        && !joined.contains(['。', '！', '？', '!', '?']);
    plausible.then_some(joined)
}

/// Drops `(完)` and a trailing `（责任编辑：…）` from the last paragraph (recording what
/// the parenthesis says in `meta`), and trailing paragraphs that are only furniture
/// (a counter, a widget, a labelled address: `网址：http://…`) or were left empty.
pub(super) fn strip_trailing_metadata(paragraphs: &mut Vec<String>, meta: &mut Meta) {
    let chars_of = |text: &str| -> (Vec<char>, Vec<char>) {
        (
            text.chars().collect(),
            crate::analyze::normalize_str(text).chars().collect(),
        )
    };
    let trimmed = |chars: &[char]| chars.iter().collect::<String>().trim_end().to_string();
    while let Some(last) = paragraphs.last_mut() {
        let (chars, norm_chars) = chars_of(last);
        // Cut the original through character counts: normalisation keeps them for
        // all but rare compatibility characters.
        if chars.len() != norm_chars.len() {
            break;
        }
        let normalized: String = norm_chars.iter().collect();
        if let Some(cut) = strip_end_marker(&normalized) {
            *last = trimmed(&chars[..normalized[..cut].chars().count()]);
        }
        let (chars, norm_chars) = chars_of(last);
        if let Some(open) = norm_chars
            .iter()
            .rposition(|&c| c == '(' || c == '【' || c == '[')
        {
            let tail: String = chars[open..].iter().collect();
            if let Some(tail_meta) =
                parse_meta_line(&tail).filter(|m| m.editor.is_some() || m.source.is_some())
            {
                meta.fill_from(tail_meta);
                *last = trimmed(&chars[..open]);
            }
        }
        let compact_last = compact(&crate::analyze::normalize_str(last));
        if last.is_empty() || is_widget(&compact_last) || is_address_line(&compact_last) {
            paragraphs.pop();
            continue;
        }
        break;
    }
}

/// What a date label says the date is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateLabel {
    /// When the article was published: `发布时间`, `发表于`, `日期`, `时间`, `Posted`.
    Published,
    /// When it was last changed: `更新时间`, `最后更新` (a date of last resort).
    Updated,
}

/// A date label and what follows it up to the date: `发表于 `, `发布时间：`, `日期:`,
/// `Posted by 某某 at `, `Published on `. Matched on normalised text, at the start of
/// the line or after a space or separator (so that `长时间` in prose is no label).
static DATE_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:^|[\s|/【\[(<,;，、])(?:(发表于|发布于|发表时间|发布时间|发布日期|发表日期|发稿时间|出版日期|刊发时间|日期|时间|更新时间|更新于|最后更新|更新日期|posted(?:\s+by\s+.{1,30}?\s+(?:on|at)|\s+(?:on|at))?|published(?:\s+on)?))\s*[:]?\s*",
    )
    .expect("valid regex")
});

/// The first labelled date on a line: `发表于 2004年12月27日 12:40`, `发表于:2005-07-31`,
/// `发布时间：2023-10-08`, `Posted by 某某 at 2006-01-15 10:30`. The date must follow
/// its label directly. Lines longer than a metadata line are prose: none.
pub fn labelled_date(original: &str) -> Option<(Date, DateLabel)> {
    let norm = crate::analyze::normalize_str(original);
    if norm.chars().count() > 160 {
        return None;
    }
    for caps in DATE_LABEL.captures_iter(&norm) {
        let label = caps[1].to_lowercase();
        let rest = &norm[caps.get(0).expect("group 0").end()..];
        let Some((date, range)) = find_date(rest) else {
            continue;
        };
        // `find_date` may take one character before the date (its left boundary).
        if range.start > 1 {
            continue;
        }
        let kind = if label.starts_with("更新") || label == "最后更新" {
            DateLabel::Updated
        } else {
            DateLabel::Published
        };
        return Some((date, kind));
    }
    None
}

/// A date in the dateline that opens the text: `【看中国2005年07月03日报道】`,
/// `（新华社北京2019年3月8日电）`, `本报2019年3月8日讯`. Only a full date counts, inside a
/// bracket at the very start or followed by 电, 讯 or 报道 within the first 40
/// characters.
pub fn dateline_date(first_paragraph: &str) -> Option<Date> {
    let head: String = crate::analyze::normalize_str(first_paragraph)
        .chars()
        .take(40)
        .collect();
    let (date, range) = find_date(&head)?;
    let matched = &head[range.clone()];
    // The match may end with the character after the day (its right boundary).
    let boundary = matched
        .chars()
        .next_back()
        .filter(|c| !c.is_ascii_digit())
        .map_or(0, char::len_utf8);
    let after = head[range.end - boundary..].trim_start_matches(['日', ' ']);
    let before = &head[..range.start];
    let bracketed = head.starts_with(['【', '[', '('])
        && head
            .find(['】', ']', ')'])
            .is_some_and(|at| at + 3 >= range.end);
    let wire = ["电", "讯", "报道", "消息"]
        .iter()
        .any(|w| after.starts_with(w));
    ((bracketed || wire) && !before.contains(['。', '，'])).then_some(date)
}

/// What a dateline at the start of the first paragraph says.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Dateline {
    pub source: Option<String>,
    pub author: Option<String>,
}

/// Reads a dateline at the start of the body's first paragraph, if there is one.
pub fn parse_dateline(first_paragraph: &str) -> Option<Dateline> {
    let line = Line::new(first_paragraph);
    let text = line.norm.text();

    if let Some(caps) = CNA_DATELINE.captures(text) {
        let agency = caps.get(1).expect("group 1");
        let people = caps.get(2).expect("group 2");
        let mut names_end = people.end();
        let names = people.as_str();
        if let Some(place) = DATELINE_PLACES.iter().find(|p| names.ends_with(*p)) {
            names_end -= place.len();
        } else if names.chars().count() >= 4 {
            // An unknown place: most are two characters.
            names_end -= names
                .chars()
                .rev()
                .take(2)
                .map(char::len_utf8)
                .sum::<usize>();
        } else {
            names_end = people.start();
        }
        return Some(Dateline {
            source: Some(clean_value(line.original_of(agency.start(), agency.end()))),
            author: clean_people(line.original_of(people.start(), names_end)),
        });
    }

    if let Some(caps) = NEWS_FLASH.captures(text) {
        let outlet = caps.get(1).expect("group 1");
        let source = clean_value(line.original_of(outlet.start(), outlet.end()));
        return (outlet.as_str() != "本报").then_some(Dateline {
            source: Some(source),
            author: None,
        });
    }

    let caps = DATELINE.captures(text)?;
    let source = caps.get(1).and_then(|agency| {
        let name = agency.as_str();
        AGENCIES
            .iter()
            .find(|a| name.starts_with(*a))
            .map(|a| clean_value(line.original_of(agency.start(), agency.start() + a.len())))
    });
    let author = caps.get(2).and_then(|people| {
        let inside = people.as_str();
        // Only a parenthesis that names reporters is a byline; `（上接1版）` is not.
        ROLE.is_match(inside)
            .then(|| clean_people(line.original_of(people.start(), people.end())))
            .flatten()
    });
    (source.is_some() || author.is_some()).then_some(Dateline { source, author })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(line: &str) -> Meta {
        parse_meta_line(line).unwrap_or_else(|| panic!("not a metadata line: {line}"))
    }

    /// A labelled address under the text is the page's, not the article's; within
    /// the text it stays.
    #[test]
    fn a_trailing_address_line_is_dropped() {
        let mut paragraphs: Vec<String> = [
            "报名网址：http://example.com/signup",
            "截止日期为本月底。",
            "(看中国首发) 网址: http://www.example.com/2007/07/15/a1.htm",
        ]
        .map(String::from)
        .to_vec();
        let mut meta = Meta::default();
        strip_trailing_metadata(&mut paragraphs, &mut meta);
        assert_eq!(
            paragraphs,
            ["报名网址：http://example.com/signup", "截止日期为本月底。"]
        );
    }

    #[test]
    fn seed_metadata_line() {
        let m = meta("日期:2022年05月17日 来源:吉林日报记者 孙翠翠");
        assert_eq!(m.date.map(|d| d.to_string()).as_deref(), Some("2022-05-17"));
        assert_eq!(m.source.as_deref(), Some("吉林日报"));
        assert_eq!(m.author.as_deref(), Some("孙翠翠"));
    }

    #[test]
    fn several_fields_one_line_with_separators() {
        let m =
            meta("发布时间：2022-05-21 09:30:00 | 来源：四川日报 | 作者：王小川 | 责任编辑：李四");
        assert_eq!(m.date.unwrap().to_string(), "2022-05-21");
        assert_eq!(m.source.as_deref(), Some("四川日报"));
        assert_eq!(m.author.as_deref(), Some("王小川"));
        assert_eq!(m.editor.as_deref(), Some("李四"));
    }

    #[test]
    fn bare_date_before_label() {
        let m = meta("2022年05月18日08:16 | 来源：人民网－人民日报");
        assert_eq!(m.date.unwrap().to_string(), "2022-05-18");
        assert_eq!(m.source.as_deref(), Some("人民网－人民日报"));
        let m = meta("2022-05-19 10:21:35 来源： 新华网");
        assert_eq!(m.source.as_deref(), Some("新华网"));
    }

    #[test]
    fn bracketed_and_traditional_labels() {
        let m = meta("【来源：浙江日报】【作者：陈明】");
        assert_eq!(m.source.as_deref(), Some("浙江日报"));
        assert_eq!(m.author.as_deref(), Some("陈明"));
        let m = meta("[作者:张三] [编辑:李四]");
        assert_eq!(m.author.as_deref(), Some("张三"));
        assert_eq!(m.editor.as_deref(), Some("李四"));
        let m = meta("（編輯：陳大文）1110522");
        assert_eq!(m.editor.as_deref(), Some("陳大文"));
        let m = meta("（责任编辑：张三、李四）");
        assert_eq!(m.editor.as_deref(), Some("张三、李四"));
        let m = meta("【纠错】 责任编辑： 王五");
        assert_eq!(m.editor.as_deref(), Some("王五"));
    }

    #[test]
    fn bylines_and_labelled_furniture() {
        assert_eq!(
            meta("本报记者  刘晓峰、孙雨晴").author.as_deref(),
            Some("刘晓峰、孙雨晴")
        );
        assert_eq!(meta("记者 王宇航").author.as_deref(), Some("王宇航"));
        assert_eq!(meta("作者：记者 俞佳琪").author.as_deref(), Some("俞佳琪"));
        assert_eq!(meta("阅读量：3826"), Meta::default());
        assert_eq!(meta("分享到："), Meta::default());
        assert_eq!(parse_meta_line("记者：今年的收入情况如何？"), None);
    }

    #[test]
    fn bare_date_lines() {
        assert!(meta("2022/05/22 14:30").date.is_some());
        assert!(meta("2022年5月23日 星期一").date.is_some());
    }

    #[test]
    fn prose_is_not_metadata() {
        for line in [
            "记者从省农业农村厅获悉，今年全省粮食播种面积稳定。",
            "5月的吉林乡村,绿意涌动、生机盎然。",
            "2021年是巩固拓展脱贫攻坚成果同乡村振兴有效衔接五年过渡期的第一年。一年来,省委、省政府坚决贯彻。",
            "全文:略",
        ] {
            assert_eq!(parse_meta_line(line), None, "{line}");
        }
    }

    /// Labelled dates, where each kind of page writes them (issue 19).
    #[test]
    fn labelled_dates() {
        let published = |line: &str| match labelled_date(line) {
            Some((date, DateLabel::Published)) => Some(date.to_string()),
            _ => None,
        };
        for (line, expected) in [
            ("发表于 2004年12月27日 12:40", "2004-12-27"),
            ("发表于:2005-07-31 12:30", "2005-07-31"),
            ("发表于 2005-7-31 12:30  只看该作者", "2005-07-31"),
            ("发布日期： 7/5/2005 9:23:57 PM　作者：张三", "2005-07-05"),
            (
                "Posted by 听雨轩 at 2006-01-15 10:30 | 评论 (3)",
                "2006-01-15",
            ),
            ("posted on 2006-01-15", "2006-01-15"),
            ("日期：2004/11/23", "2004-11-23"),
            ("时间: 2021-03-08 来源：县政府办", "2021-03-08"),
            ("帖子 12 注册 2003-3-1 发表于 2005-7-31", "2005-07-31"),
        ] {
            assert_eq!(published(line).as_deref(), Some(expected), "{line}");
        }
        assert_eq!(
            labelled_date("更新时间：2023年9月12日").map(|(d, k)| (d.to_string(), k)),
            Some(("2023-09-12".to_string(), DateLabel::Updated))
        );
        for line in [
            "注册 2003-3-1",
            "2005年9月 (606)",
            "经过长时间 2005年的努力",
            "发表于本报",
            "此前，市政府发布时间表称，2020年3月8日将完成改造，并在全市推广这一做法，让更多居民受益，这是一个很长的句子，远比元数据行长，它不是元数据，而是正文的一部分内容，继续写下去直到超过一百六十个字符为止，再多写一点，再多写一点，再多写一点，再多写一点，再多写一点，再多写一点，再多写一点。",
        ] {
            assert_eq!(published(line), None, "{line}");
        }
    }

    #[test]
    fn dates_in_datelines() {
        let date = |p: &str| dateline_date(p).map(|d| d.to_string());
        for (paragraph, expected) in [
            ("【看中国2005年07月03日报道】昨日上午，全市……", "2005-07-03"),
            ("新华社北京2019年3月8日电 记者从……获悉", "2019-03-08"),
            ("（2019年3月8日讯）本报记者……", "2019-03-08"),
        ] {
            assert_eq!(date(paragraph).as_deref(), Some(expected), "{paragraph}");
        }
        for paragraph in [
            "昨日上午，2019年3月8日，全市春季义务植树活动启动。",
            "新华社北京3月8日电 记者从……获悉",
            "1998年3月8日，他出生在一个小村庄，后来成为了一名记者报道家乡的变化。",
        ] {
            assert_eq!(date(paragraph), None, "{paragraph}");
        }
    }

    #[test]
    fn datelines() {
        let d = parse_dateline("新华社北京5月19日电（记者王某某、李某某）国务院新闻办公室19日举行")
            .unwrap();
        assert_eq!(d.source.as_deref(), Some("新华社"));
        assert_eq!(d.author.as_deref(), Some("王某某、李某某"));
        let d = parse_dateline("中新网5月20日电 (记者 张三)今年以来").unwrap();
        assert_eq!(d.source.as_deref(), Some("中新网"));
        assert_eq!(d.author.as_deref(), Some("张三"));
        let d = parse_dateline("（中央社記者張小明台北22日電）颱風").unwrap();
        assert_eq!(d.source.as_deref(), Some("中央社"));
        assert_eq!(d.author.as_deref(), Some("張小明"));
        let d = parse_dateline("【明報專訊】港府昨日公布").unwrap();
        assert_eq!(d.source.as_deref(), Some("明報"));
        let d = parse_dateline("本报讯（记者 张三 通讯员 李四）近日").unwrap();
        assert_eq!(d.source, None);
        assert_eq!(d.author.as_deref(), Some("张三、李四"));
        assert_eq!(parse_dateline("5月的吉林乡村,绿意涌动"), None);
        assert_eq!(parse_dateline("今年5月17日（星期二）上午"), None);
    }
}
