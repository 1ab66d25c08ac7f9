//! Names of people, places and organisations in a text, read off the words that
//! segmentation already cut (no second pass over the text).
//!
//! A word is a name when jieba's dictionary tags it so (`nr`/`nrfg`/`nrt` person,
//! `ns` place, `nt` organisation) and it is not one of the tagged words that news text
//! mostly uses as a common word; or, for a person, when it is a word the HMM found (not
//! in the dictionary) of two or three characters that starts with a common surname.
//! The rules and what they cost in precision were measured on the three corpora of
//! `../shared/corpus` (bench/entities/, bench/README.md § Entities).
//!
//! Names are folded as the analyzer folds all text (NFKC, lowercase, traditional →
//! simplified), so 曾蔭權 and 曾荫权 are one name, shown in simplified characters.
//!
//! This module owns what counts as a name; it must not know about fields or queries.

use super::normalize::Normalized;
use super::{is_cjk, segment, Span};
use serde::{Deserialize, Serialize};

/// The kinds of names baoku finds in articles.
///
/// ```
/// use baoku::analyze::EntityKind;
/// assert_eq!("person".parse::<EntityKind>(), Ok(EntityKind::Person));
/// assert_eq!(EntityKind::Org.name(), "org");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    /// A person (王毅, 曾荫权, 特朗普).
    Person,
    /// A place (新疆, 香港, 北京).
    Place,
    /// An organisation (世界卫生组织, 国务院, 新华社).
    Org,
}

impl EntityKind {
    /// Every kind, in the order fields and facets list them.
    pub const ALL: [EntityKind; 3] = [EntityKind::Person, EntityKind::Place, EntityKind::Org];

    /// The name of the kind: its field, facet and query prefix (`person:王毅`).
    pub fn name(self) -> &'static str {
        match self {
            EntityKind::Person => "person",
            EntityKind::Place => "place",
            EntityKind::Org => "org",
        }
    }

    fn code(self) -> u8 {
        match self {
            EntityKind::Person => 1,
            EntityKind::Place => 2,
            EntityKind::Org => 3,
        }
    }
}

impl std::fmt::Display for EntityKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for EntityKind {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        EntityKind::ALL
            .into_iter()
            .find(|kind| kind.name() == text)
            .ok_or_else(|| format!("{text:?} is no kind of name (person, place or org)"))
    }
}

/// The names found in a text, folded (simplified characters), each once, in the order
/// they first appear.
///
/// ```
/// let found = baoku::analyze::entities("國務院總理李克強在北京會見世界衛生組織總幹事。");
/// assert_eq!(found.person, ["李克强"]);
/// assert_eq!(found.place, ["北京"]);
/// assert_eq!(found.org, ["国务院", "世界卫生组织"]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entities {
    /// People.
    #[serde(default)]
    pub person: Vec<String>,
    /// Places.
    #[serde(default)]
    pub place: Vec<String>,
    /// Organisations.
    #[serde(default)]
    pub org: Vec<String>,
}

impl Entities {
    /// The names of one kind.
    pub fn of(&self, kind: EntityKind) -> &[String] {
        match kind {
            EntityKind::Person => &self.person,
            EntityKind::Place => &self.place,
            EntityKind::Org => &self.org,
        }
    }

    /// The names of one kind, to add to.
    pub fn of_mut(&mut self, kind: EntityKind) -> &mut Vec<String> {
        match kind {
            EntityKind::Person => &mut self.person,
            EntityKind::Place => &mut self.place,
            EntityKind::Org => &mut self.org,
        }
    }

    /// Whether no name was found.
    pub fn is_empty(&self) -> bool {
        EntityKind::ALL.iter().all(|&kind| self.of(kind).is_empty())
    }

    fn add(&mut self, kind: EntityKind, name: &str) {
        let names = self.of_mut(kind);
        if !names.iter().any(|n| n == name) {
            names.push(name.to_string());
        }
    }
}

/// Finds the names of people, places and organisations in `text`.
///
/// See [`Entities`] for an example.
pub fn entities(text: &str) -> Entities {
    let normalized = super::normalize(text);
    let spans = super::word_spans(&normalized);
    entities_of(&normalized, &spans)
}

/// The names among already cut words (`spans`, as [`super::word_spans`] gives them:
/// sorted by position, a long word after the words inside it).
pub(crate) fn entities_of(normalized: &Normalized, spans: &[Span]) -> Entities {
    let text = normalized.text();
    // The words the plain segmentation cut: the longest at its position, not inside
    // an earlier word (search mode adds the dictionary words inside them).
    let mut words: Vec<(&str, usize)> = Vec::with_capacity(spans.len() / 2 + 1);
    let mut covered_to = 0u32;
    for (i, span) in spans.iter().enumerate() {
        let longest_here = spans
            .get(i + 1)
            .is_none_or(|next| next.position != span.position);
        let end = span.position + span.char_len;
        if longest_here && end > covered_to {
            covered_to = end;
            words.push((
                &text[span.text.0 as usize..span.text.1 as usize],
                span.char_len as usize,
            ));
        }
    }
    let mut found = Entities::default();
    for (i, &(word, chars)) in words.iter().enumerate() {
        let before = i.checked_sub(1).map_or("", |b| words[b].0);
        let after = words.get(i + 1).map_or("", |a| a.0);
        if INSTITUTIONS.contains(&word) {
            // 公安局, 人民法院: an organisation only with the place before it
            // (杭州市公安局); alone, the kind of institution, not one of them.
            let (previous, previous_chars) = i.checked_sub(1).map_or(("", 0), |b| words[b]);
            if kind_of(previous, previous_chars, false) == Some(EntityKind::Place) {
                found.add(EntityKind::Org, &format!("{previous}{word}"));
            }
            continue;
        }
        // A title before (外长王毅) or a verb of speech after (王毅表示) vouches for a
        // two-character name.
        let vouched = TITLES.contains(&before) || SPEECH.contains(&after);
        if let Some(kind) = kind_of(word, chars, vouched) {
            found.add(kind, word);
        }
    }
    found
}

/// Kinds of institution rather than names of one: an organisation when a place
/// stands before them (measured in bench/entities/).
const INSTITUTIONS: &[&str] = &[
    "公安局",
    "公安厅",
    "派出所",
    "人民法院",
    "中级人民法院",
    "高级人民法院",
    "人民检察院",
    "检察院",
    "人民政府",
    "政府",
    "市委",
    "县委",
    "省委",
    "教育局",
    "广电局",
    "交警大队",
    "消防大队",
    "地方法院",
    "美术馆",
    "博物馆",
    "图书馆",
    "气象台",
    "新闻台",
    "农委",
];

/// What kind of name a whole word of `chars` characters is, if any; `vouched`: where
/// it stands says it is a person's name (after a title, before a verb of speech, alone
/// in a byline).
fn kind_of(word: &str, chars: usize, vouched: bool) -> Option<EntityKind> {
    if chars < 2 || !word.chars().all(is_cjk) {
        return None;
    }
    let mut letters = word.chars();
    let (first, last) = (letters.next()?, letters.next_back()?);
    let second = word.chars().nth(1)?;
    match segment::name_entry(word) {
        Some((frequency, code)) => {
            let kind = EntityKind::ALL.into_iter().find(|k| k.code() == code)?;
            let trusted = match kind {
                // Two-character person words of the dictionary are mostly common
                // words (博客, 施政, 弘扬); four and more with jieba's default
                // frequency of 3 are phrases (今天上午, 大力支持).
                // Three: a surname first (胡锦涛) or a transliteration (特朗普); four
                // and more only transliterations (卡斯特罗), as 安全措施 and
                // 大红大紫 are tagged person too.
                EntityKind::Person => match chars {
                    2 => false,
                    3 => {
                        !NOT_NAME_ENDINGS.contains(last)
                            && !ADDRESSES.iter().any(|a| word.ends_with(a))
                            && (SURNAMES.contains(first)
                                || word.chars().all(|c| SOUNDS.contains(c)))
                    }
                    _ => frequency > 3 && word.chars().all(|c| SOUNDS.contains(c)),
                },
                EntityKind::Place | EntityKind::Org => true,
            };
            (trusted && !COMMON_WORDS.contains(&word)).then_some(kind)
        }
        // A word the HMM put together: a name if it starts with a surname and does
        // not end like a clause (林太说); two characters only next to a title or a
        // verb of speech (外长王毅, 王毅表示), as most such pairs are not names.
        None if (2..=3).contains(&chars)
            && SURNAMES.contains(first)
            && !NOT_GIVEN_NAME.contains(second)
            && !COMMON_WORDS.contains(&word)
            && !segment::is_dictionary_word(word) =>
        {
            match chars {
                3 => (!NOT_NAME_ENDINGS.contains(last)
                    && !NOT_GIVEN_NAME.contains(last)
                    && !ADDRESSES.iter().any(|a| word.ends_with(a)))
                .then_some(EntityKind::Person),
                2 => vouched.then_some(EntityKind::Person),
                _ => None,
            }
        }
        None => None,
    }
}

/// Whether `text` alone is a person's name as a byline shows it bare, with no label
/// (`赵丽华`, `吴静`, `陳敏`): what analysis takes for a person's name when a title
/// stands before it (so not `前天` or `高原`), and two-character dictionary names.
///
/// ```
/// use baoku::analyze::is_bare_person_name;
/// assert!(is_bare_person_name("赵丽华") && is_bare_person_name("吴静"));
/// assert!(is_bare_person_name("陳敏"));
/// assert!(!is_bare_person_name("前天") && !is_bare_person_name("新华社"));
/// assert!(!is_bare_person_name("李先生") && !is_bare_person_name("某某文旅"));
/// ```
pub fn is_bare_person_name(text: &str) -> bool {
    let text = super::normalize_str(text.trim());
    let chars = text.chars().count();
    // Standing alone among a byline's pieces vouches for it as a title would; and a
    // two-character name of the dictionary (李强), which running text mostly uses as
    // a common word, is a name there when a surname leads.
    kind_of(&text, chars, true) == Some(EntityKind::Person)
        || (chars == 2
            && text.chars().next().is_some_and(|c| SURNAMES.contains(c))
            && !COMMON_WORDS.contains(&text.as_str())
            && segment::name_entry(&text)
                .is_some_and(|(_, code)| code == EntityKind::Person.code()))
}

/// Tagged words that the news corpora use mostly as common words, or as another kind
/// of name than their tag (measured in bench/entities/).
#[rustfmt::skip]
const COMMON_WORDS: &[&str] = &[
    // place-tagged
    "东西", "城市", "深度", "美丽", "爱国", "上台", "上市", "福利", "外国", "两国", "新建",
    "串联", "山区", "上门", "入市", "馆里", "中峰", "远海", "堰塞湖", "多国", "原班人马", "长度",
    "加密", "古典", "宜家", "土地利用", "香港市民", "香港回归", "桥西", "下坡", "山寨", "古镇",
    "冰川", "回港", "安家", "湖泊", "江河", "治安", "普及", "高原", "都城", "两省区", "下半旗",
    "太极", "中美", "中德", "中日", "中俄", "中英", "中韩", "中非", "中欧", "美苏", "宜居",
    "天桥", "各乡镇",
    // organisation-tagged
    "上市公司", "党和政府", "中美关系", "中西部", "音乐会", "国际化", "新兴产业", "联合会",
    "新政府", "公立医院", "联合体", "国家有关", "监外执行", "全体同学", "联组会", "公共场所",
    "美国联邦", "重大进展", "中东部", "公共交通", "党政机关",
    // person-tagged
    "小圈子", "段时间", "高水平", "幼儿园", "强降雨", "许可证", "石家庄", "银行卡", "东一西",
    "安全法", "公开信", "智能化", "通知书", "小学生", "高新区", "申请人", "支付宝", "红黄绿",
    "安全性", "安全感", "阿富汗", "吉隆坡", "幸福感", "严重性", "介绍书", "红绿灯", "宣传部",
    "紫光阁", "马拉松", "养老金", "迪士尼", "何以堪", "阿根廷", "阿勒颇", "红卫兵", "幸存者",
    "索马里", "黑名单", "采取措施", "阿里巴巴", "曼彻斯特", "任重道远", "斯里兰卡", "顾名思义",
    "明显改善", "安全检查", "明显增强", "明显增加", "白金汉宫", "马尔代夫", "塞尔维亚",
    "万人", "时许", "左中右", "安老院", "康文署", "商经局", "安思危", "万企兴", "拉斯维加斯",
    "张家界",
];

/// Last characters of three-character words that are not given names (幼儿园,
/// 李先生, 安全感).
const NOT_NAME_ENDINGS: &str =
    "性感金区证园卡法信化书者单部阁兵间某说是称指等和的在了就都也又则续县市省镇乡村以入够正眼里右鱼";

/// Characters that foreign names are transliterated with (特朗普, 默克尔, 克林顿): a
/// person-tagged word not starting with a surname is a name only if made of them
/// (not 多渠道, 黑木耳).
const SOUNDS: &str = "阿埃艾安奥巴拜贝比彼波伯布查达戴德迪蒂杜多厄尔法菲费弗福盖戈格古哈海汉豪赫亨胡华霍基吉加贾杰金卡凯坎科克库奎拉莱兰朗劳勒雷里利莉林卢鲁伦罗洛马玛迈麦曼梅门米莫默姆穆纳娜奈内尼宁纽诺帕佩皮普奇齐乔切琼萨塞桑瑟森沙莎尚舍什施斯松苏索塔泰坦汤特图托瓦万韦维温沃乌武西希谢辛休雅亚扬耶伊因英尤约泽扎詹珍";

/// Forms of address, which follow a surname but make no name (赵先生, 蒋先生).
const ADDRESSES: &[&str] = &["先生", "女士", "小姐", "太太", "老师", "阿姨", "师傅"];

/// Characters that are no part of a given name: 李某, 林太, 曾氏, 张姓, 梁生.
const NOT_GIVEN_NAME: &str = "某太氏姓先生说是有在为于";

/// Words that come before a person's name.
const TITLES: &[&str] = &[
    "外长",
    "部长",
    "主席",
    "总理",
    "总统",
    "书记",
    "省长",
    "市长",
    "局长",
    "主任",
    "委员",
    "议员",
    "记者",
    "教授",
    "院长",
    "董事长",
    "发言人",
    "司长",
    "特首",
    "校长",
    "会长",
    "经理",
    "总裁",
    "大使",
    "代表",
    "常委",
    "副总理",
    "副主席",
    "首相",
    "国务委员",
    "主播",
];

/// Words that come after a person's name.
const SPEECH: &[&str] = &[
    "说", "表示", "指出", "强调", "称", "认为", "介绍", "透露", "会见", "会谈", "同志", "先生",
    "女士", "主持", "出席", "宣布", "回应",
];

/// The most common surnames (single characters).
const SURNAMES: &str = "习栗王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳穆司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂佟臧闵苟邬边卞姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩佘池查麻苑迟邝";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traditional_and_simplified_names_are_one() {
        let traditional = entities("行政長官曾蔭權今日表示，香港經濟保持穩定。");
        let simplified = entities("行政长官曾荫权今日表示，香港经济保持稳定。");
        assert_eq!(traditional.person, ["曾荫权"]);
        assert_eq!(traditional, simplified);
        assert_eq!(simplified.place, ["香港"]);
    }

    #[test]
    fn common_words_tagged_as_names_are_not_taken() {
        // 博客 and 施政 are `nr` in jieba's dictionary, 今天上午 too; 城市 is `ns`.
        let found = entities("今天上午，他在博客上谈施政，说这座城市很美。");
        assert!(found.person.is_empty(), "{found:?}");
        assert!(found.place.is_empty(), "{found:?}");
    }

    #[test]
    fn names_the_hmm_found_need_a_surname_and_two_characters_a_context() {
        // 梁振英 is in no dictionary; 王毅 is a name beside a title or a verb of speech.
        assert_eq!(entities("梁振英出席记者会").person, ["梁振英"]);
        assert_eq!(entities("外长王毅在会上").person, ["王毅"]);
        assert_eq!(entities("王毅表示欢迎").person, ["王毅"]);
        // 李某 (someone named Li) and 万人 are no names.
        assert!(entities("李某说有万人参加").person.is_empty());
    }

    #[test]
    fn leaders_are_people() {
        let found = entities("习近平、李克强、王岐山出席");
        assert_eq!(found.person, ["习近平", "李克强", "王岐山"]);
    }

    #[test]
    fn each_name_once_in_order() {
        let found = entities("李克强会见。李克强指出，国务院和新华社……");
        assert_eq!(found.person, ["李克强"]);
        assert_eq!(found.org, ["国务院", "新华社"]);
    }

    /// Not a test: writes what the rules find in ../shared/corpus, for measuring them
    /// (bench/entities/): every name of articles 3000–3599 of each corpus with its
    /// context (`/tmp/baoku-entities-sample.tsv`), and ten short articles from 5000
    /// on with their names (`/tmp/baoku-entities-recall.txt`).
    /// `cargo test --release --lib -- entities::tests::dump --ignored`
    #[test]
    #[ignore]
    fn dump() {
        use std::io::{BufRead, Write};
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
        let mut sample = std::fs::File::create("/tmp/baoku-entities-sample.tsv").unwrap();
        let mut recall = std::fs::File::create("/tmp/baoku-entities-recall.txt").unwrap();
        for name in [
            "cctv_xwlb.jsonl.zst",
            "hkcnews.jsonl.zst",
            "zh_inews.jsonl.zst",
        ] {
            let file = std::fs::File::open(corpus.join(name)).unwrap();
            let reader = std::io::BufReader::new(zstd::stream::read::Decoder::new(file).unwrap());
            let mut short = 0;
            for (n, line) in reader.lines().enumerate().take(8000) {
                if !(3000..3600).contains(&n) && (n < 5000 || short >= 10) {
                    continue;
                }
                let record: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
                let text = format!(
                    "{}\n{}",
                    record["title"].as_str().unwrap_or(""),
                    record["body"].as_str().unwrap_or("")
                );
                let found = entities(&text);
                if n < 3600 {
                    let folded = super::super::normalize_str(&text);
                    let chars: Vec<char> = folded.chars().collect();
                    for kind in EntityKind::ALL {
                        for found_name in found.of(kind) {
                            let rule = match segment::name_entry(found_name) {
                                Some((f, _)) => format!("dict:{f}"),
                                None => "hmm".to_string(),
                            };
                            let at = folded.find(found_name.as_str()).unwrap_or(0);
                            let at = folded[..at].chars().count();
                            let context: String = chars
                                [at.saturating_sub(12)..(at + 16).min(chars.len())]
                                .iter()
                                .collect::<String>()
                                .replace(['\n', '\t'], " ");
                            writeln!(
                                sample,
                                "{name}\t{n}\t{kind}\t{found_name}\t{rule}\t{context}"
                            )
                            .unwrap();
                        }
                    }
                } else if text.chars().count() < 500 {
                    short += 1;
                    writeln!(
                        recall,
                        "== {name} #{n}\n{text}\nperson {:?}\nplace {:?}\norg {:?}\n",
                        found.person, found.place, found.org
                    )
                    .unwrap();
                }
            }
        }
    }
}
