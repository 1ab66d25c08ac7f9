#!/usr/bin/env python3
"""Generate the judged question sets and the topical sets from ../shared/corpus.

Deterministic (fixed seed, jieba 0.42.1, opencc-python-reimplemented 0.1.7's tables),
so running it again on the same corpus writes the same files; the files are committed:

    /tmp/baoku-bench-venv/bin/python bench/relevance/make_questions.py

(bench/run.sh makes that venv and installs jieba, opencc-python-reimplemented and
pyahocorasick into it.) It reuses make_queries.py (the corpus reader, the exact-duplicate
groups, jieba, OpenCC, the qrels writer) and writes, under bench/relevance/:

    queries/<set>.tsv   qid <TAB> question
    qrels/<set>.tsv     qid <TAB> group <TAB> id   (a group: an article and its exact duplicates)
    kinds/<set>.tsv     qid <TAB> kind[,flag...]   e.g. "who", "when,traditional,pasted"

Question sets — qa_cctv, qa_hkcnews, qa_inews — each question written from one real
sentence (15-80 characters) of one article that answers it:

* **long** questions: a slot of the sentence that jieba posseg tags as a person (nr →
  谁 / 哪位<title>), a place (ns → 哪里 / 哪个地方 / 在哪), an organisation (nt → 哪个机构 /
  什么组织 / 哪家单位), a date (m+年/月/日, t with digits → 什么时候 / 哪一年 / 哪天 / 几月),
  a number with its measure (m+q → 多少<q> / 几<q>) or an object noun (n → 什么 /
  什么<head noun>) is replaced by the interrogative; the question keeps the clause of the
  slot (and a neighbouring clause when that is short), drops sentence openers (据了解,
  本台消息…), most adverbs, conjunctions, modal particles, relative times, and a random
  share of particles, prepositions, pronouns, adjectives, numbers and noun modifiers;
  a subject slot is sometimes moved to the end (…的是谁？), 请问 / 你知道…吗 / 呢 are
  added sometimes, and it ends with ？, ? or nothing. Judged: the article and every other
  article containing the same answer sentence (normalised: NFKC, lowercase, character
  traditional→simplified, whitespace removed); sentences found in more than
  MAX_SENTENCE_DOCS articles are boilerplate and never used.
* **short** questions (≤ 8 letters/digits/CJK characters): a rare but real term X of
  the sentence (a jieba nr/ns/nt/nz word, or an n word of ≥ 3 characters, in 1-5
  articles of the three corpora) in a template — X是谁？ X是什么？ X在哪里？ 谁<verb>X？
  X<verb>了什么？ … Judged: the articles where X is prominent (in the title, or at least
  twice in title + body); when no article is, every article containing X.
* hkcnews questions are about half written in the article's traditional characters
  (flag `traditional`, interrogatives in Hong Kong forms: 誰, 甚麼, 哪裡…) and half
  converted to simplified over the traditional text (flag `simp_on_trad`).
* about one in seven is **pasted** (flag `pasted`): mixed or unbalanced quotes (“…" ”…“
  「…『 "…”), 《》 around a name, brackets, a colon label (时间：2021年, 地点：, 问：),
  dashes, an ellipsis, an emoji, full-width digits.

Topical sets — topical_cctv, topical_hkcnews: the editor's tag that opens a title
(【新思想引领新征程】…) as the query, with quotes, 《》 and —— / · (which a user would not
type) turned into spaces; tags carried by 5-500 articles, at most TOPICAL_MAX per corpus
(a fixed-seed sample), format labels (圖輯, 多片, 視頻…) left out. Judged: every article
whose title carried the tag, or a longer tag that begins with it and a separator
(【在希望的田野上·三夏时节】 counts for 在希望的田野上). The index they are scored on
has the tags stripped from the titles (strip_title_tags; bench/peers/run.py writes
those copies of cctv_xwlb and hkcnews and indexes each alone).
"""
from __future__ import annotations

import argparse
import collections
import hashlib
import json
import random
import re
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import make_queries as mq  # noqa: E402  (the shared corpus reader, duplicate groups, jieba, OpenCC)

SEED = 20261201
MAX_SENTENCE_DOCS = 5  # an answer sentence in more articles than this is boilerplate
SHORT_MAX_DF = 5
TOPICAL_MIN, TOPICAL_MAX_DOCS, TOPICAL_MAX = 5, 500, 200
# questions per corpus: (long, short)
PLAN = {"qa_cctv": ("cctv_xwlb", 420, 140), "qa_hkcnews": ("hkcnews", 330, 110), "qa_inews": ("zh_inews", 210, 70)}
PASTED_SHARE = 0.14
KINDS = ("who", "what", "when", "where", "how_many")

# ----------------------------------------------------------------------------- text helpers

SENT_SPLIT = re.compile(r"(?<=[。！？!?；;])|\n+")
CJK_CHAR = re.compile(r"[\u3400-\u9fff]")
CJK_WORD = re.compile(r"^[\u3400-\u9fff]+$")
DIGIT = re.compile(r"[0-9０-９]")
CN_NUM = "〇零一二两三四五六七八九十百千万亿"
CLAUSE_SEP = set("，,：:；;")
OPENERS = ("据了解", "据悉", "据介绍", "据统计", "据报道", "记者了解到", "记者获悉", "本台消息", "另外", "此外", "同时", "与此同时",
           "目前", "近日", "日前", "据称", "此前", "其中", "而且", "但是", "不过", "因此", "所以", "然而", "另一方面", "据報道", "據了解",
           "據悉", "據報道", "據介紹", "與此同時", "此外", "另外", "不過", "因此", "其中")
STOP_NOUNS = set(mq.STOPWORDS) | set("""记者 时候 地方 问题 情况 方面 工作 东西 人们 大家 有关 其中 消息 报道 新闻 视频 图片 本台 央视网 联播
    事情 方式 部分 过程 结果 原因 问题 内容 时间 期间 目前 当地 这里 那里 一些 人员 单位 有人 全国 国家 社会 群众 我国""".split())
TITLE_WORDS = set("""主席 总理 总统 部长 书记 省长 市长 县长 委员长 主任 局长 厅长 司长 董事长 总经理 经理 校长 院长 教授 博士 主教练 教练 球员 队长
    首相 国王 外长 大使 发言人 代表 委员 议员 警司 法官 官员 行政长官 特首 主持人 导演 演员 歌手 作家 医生 老师 村民 村支书 队员 选手 局长
    副主席 副总理 副总统 副部长 副书记 副省长 副市长 议长 署长 处长 科长 总裁 创始人 负责人 主任委员""".split())
UNIT_AS_TIME = ("年", "月", "日", "号")
SURNAMES = set("".join("""
    王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦
    付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包
    宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏
    席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝""".split()))
COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "司徒", "东方", "皇甫", "慕容", "令狐", "夏侯", "公孙", "尉迟", "长孙", "宇文", "端木")
GENERIC_PLACES = {"中国", "我国", "新中国", "全国", "中华", "国内", "国外", "海外", "本港", "内地", "各地", "当地", "境外", "全球", "世界", "全省", "全市"}
TRANSITIVE = set("""杀 杀害 打 起诉 控告 收购 创办 创立 建立 发明 设计 拍摄 执导 主演 演唱 写 撰写 发现 领导 指挥 接任 担任 出任 邀请 会见 接见 殴打 袭击
    举报 批评 资助 赞助 收养 救 救出 培养 训练 主持 提出 发布 宣布 推出 获得 签署 举办 研发 完成 加盟 收藏 捐赠 开发 监制 编写 作曲 创作 扮演 饰演 题写 修建""".split())
SAY_VERBS = set("说 表示 指出 提出 发布 宣布 推出 获得 签署 举办 研发 完成 发现 强调 透露 回应 承认 建议 呼吁 要求 决定 开发 创作 修建 捐赠".split())


NOT_NAMES = set("师傅 师生 文明 黄淮 柏林 贺卡 华北 欧佩克 雅马哈 高达 金牌 石油 田园 马路 龙头 江山 白宫 关心 方便 万家 陆续 高峰 常委 林业 向前".split())
NOT_NAME_LAST = set("书局会部厅院所站网报台机器车证法案号队组委处科办区县市省镇村路街园馆场厂店司业品物费率价线点期节")
NAME_ENDINGS = ("师傅", "先生", "女士", "老师", "阿姨", "大爷", "同学", "师兄", "书记", "经理", "总", "某", "某某")
PLACE_SUFFIX = ("省", "市", "县", "区", "镇", "乡", "村", "街", "路", "山", "河", "湖", "岛", "港", "湾", "州", "国", "城", "站", "桥", "寺",
                "庙", "馆", "园", "江", "海", "峡", "谷", "岭", "洲", "道", "府", "屯", "坝", "堡", "营", "庄", "沟", "湾", "泉", "口", "林",
                "社区", "大厦", "广场", "机场", "公园", "大街", "新区", "盆地", "高原", "半岛", "群岛", "景区", "古镇", "码头", "水库", "邨", "苑", "里")


def word_freq(w):
    import jieba

    return jieba.dt.FREQ.get(w) or 0


def looks_like_name(simp, orig_flag=""):
    """A jieba nr that is likely a person: a dotted foreign name, or a Chinese name with a
    known surname that is not a common dictionary word jieba happens to tag nr (师傅,
    柏林, 文明)."""
    if "·" in simp or "•" in simp:
        return len(simp) >= 4
    if simp in NOT_NAMES or simp.endswith(NAME_ENDINGS) or word_freq(simp) > 600 or simp[-1] in NOT_NAME_LAST:
        return False
    if 2 <= len(simp) <= 3 and simp[0] in SURNAMES:
        return True
    return 3 <= len(simp) <= 4 and simp.startswith(COMPOUND_SURNAMES)


def looks_like_place(simp):
    return simp.endswith(PLACE_SUFFIX) or (len(simp) >= 2 and word_freq(simp) > 0 and simp not in NOT_NAMES)
EMOJI = ["🤔", "😂", "👍", "🙏", "❓", "🔥", "😮", "👀", "💡", "😅"]
TRAD_WH = {"谁": "誰", "哪里": "哪裡", "哪个地方": "哪個地方", "在哪": "在哪", "哪个机构": "哪個機構", "什么组织": "甚麼組織",
           "哪家单位": "哪家單位", "哪个部门": "哪個部門", "什么时候": "甚麼時候", "哪一年": "哪一年", "哪天": "哪天", "几月": "幾月",
           "多少": "多少", "几": "幾", "什么": "甚麼", "请问": "請問", "吗": "嗎", "呢": "呢", "的是": "的是", "哪位": "哪位",
           "你知道": "你知道", "是": "是", "了": "了", "在": "在", "位于": "位於", "是什么": "是甚麼", "是谁": "是誰", "是什么人": "是甚麼人",
           "指什么": "指甚麼", "在哪里": "在哪裡", "是哪个机构": "是哪個機構", "是什么机构": "是甚麼機構", "是做什么的": "是做甚麼的",
           "的": "的", "哪里的": "哪裡的", "哪个地方的": "哪個地方的", "问": "問", "时间": "時間", "地点": "地點", "问题": "問題",
           "百分之多少": "百分之多少", "哪个": "哪個", "什么人": "甚麼人", "在哪儿": "在哪兒"}

_TS_CHAR = None


def ts_char_table():
    """Character-level traditional→simplified table (OpenCC's TSCharacters, first choice):
    keeps the length, fast enough for every sentence of the corpora."""
    global _TS_CHAR
    if _TS_CHAR is None:
        import opencc

        path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
        table = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if len(parts) >= 2 and len(parts[0]) == 1 and len(parts[1]) == 1:
                table[ord(parts[0])] = parts[1]
        _TS_CHAR = table
    return _TS_CHAR


def fold(text: str) -> str:
    """NFKC, lowercase, character traditional→simplified (length-preserving after NFKC)."""
    return unicodedata.normalize("NFKC", text or "").lower().translate(ts_char_table())


def sentence_key(sentence: str) -> str:
    return re.sub(r"\s+", "", fold(sentence))


def split_sentences(body: str):
    for s in SENT_SPLIT.split(body or ""):
        s = s.strip()
        if s:
            yield s


def visible_len(q: str) -> int:
    """Letters, digits and CJK characters: what 'short' counts."""
    return sum(1 for c in q if unicodedata.category(c)[0] in "LN")


# ----------------------------------------------------------------------------- title tags


TAG_RE = re.compile(r"^\s*【([^【】]{1,60})】")


def title_tags(title: str) -> list[str]:
    """The editor's tags that open a title: 【A】【B】title → [A, B]."""
    tags, t = [], title or ""
    while True:
        m = TAG_RE.match(t)
        if not m:
            return tags
        tags.append(m.group(1).strip())
        t = t[m.end():]


def strip_title_tags(title: str) -> str:
    """The title without its leading 【…】 tags (what the topical indexes store)."""
    t = title or ""
    while True:
        m = TAG_RE.match(t)
        if not m:
            return t.strip()
        t = t[m.end():]


# ----------------------------------------------------------------------------- tokens


class Tok:
    __slots__ = ("text", "simp", "flag", "orig")

    def __init__(self, text, simp, flag, orig=""):
        self.text, self.simp, self.flag, self.orig = text, simp, flag, orig or flag

    def __repr__(self):
        return f"{self.text}/{self.flag}"


def is_numeric(s):
    return bool(s) and (DIGIT.search(s) or all(c in CN_NUM + "几多余点" for c in s))


def tokenize(seg, sentence: str, trad: bool):
    """posseg tokens (as written + simplified), with numbers, dates and names merged."""
    if trad:
        simp = seg.t2s(sentence)
        if len(simp) != len(sentence):
            simp = sentence.translate(ts_char_table())
    else:
        simp = sentence
    raw, pos = [], 0
    for p in seg.posseg.cut(simp):
        w = p.word
        raw.append(Tok(sentence[pos:pos + len(w)], w, p.flag))
        pos += len(w)
    out = []
    i = 0
    while i < len(raw):
        t = raw[i]
        # numbers: a run of m tokens, with a following q / time word / %
        if t.flag in ("m", "mq") and (DIGIT.search(t.simp) or t.simp[:1] in "〇零一二两三四五六七八九十几") and t.simp not in ("万岁", "一些", "一点"):
            j = i + 1
            while j < len(raw) and (raw[j].flag in ("m", "mq") or (raw[j].simp in ("%", "％", ".", "点"))):
                j += 1
            if j < len(raw) and (raw[j].flag == "q" and len(raw[j].simp) <= 3 or raw[j].simp in ("年底", "年初", "月底", "月初", "年末", "月末", "年中", "中旬", "上旬", "下旬")):
                j += 1
            if j < len(raw) and raw[j].simp in ("中", "初", "底", "末", "上旬", "中旬", "下旬"):
                j += 1
            text = "".join(x.text for x in raw[i:j])
            simp_t = "".join(x.simp for x in raw[i:j])
            out.append(Tok(text, simp_t, "NUM"))
            i = j
            continue
        # names: 劳尔·卡斯特罗·鲁斯
        if t.flag in ("nr", "nrt", "nrfg"):
            j = i + 1
            while j + 1 < len(raw) and raw[j].simp in ("·", "•", "・") and raw[j + 1].flag in ("nr", "nrt", "nrfg", "nz", "x"):
                j += 2
            out.append(Tok("".join(x.text for x in raw[i:j]), "".join(x.simp for x in raw[i:j]), "nr", "nrt" if any(x.flag == "nrt" for x in raw[i:j]) else "nr"))
            i = j
            continue
        # places: 湖北省 武汉市
        if t.flag == "ns":
            j = i + 1
            while j < len(raw) and raw[j].flag == "ns":
                j += 1
            out.append(Tok("".join(x.text for x in raw[i:j]), "".join(x.simp for x in raw[i:j]), "ns"))
            i = j
            continue
        out.append(t)
        i += 1
    return out


def num_kind(tok: Tok):
    s = tok.simp
    if s.startswith("第") or not is_numeric(s[:1]):
        return None
    if not DIGIT.search(s) and (s[0] == "一" or len(s) < 2):
        return None  # 一些, 一起, 一道: not a number anyone asks for
    if re.match(r"^(?:[0-9０-９]{4}|[〇零一二三四五六七八九]{4})\s*年", s) or re.match(r"^(?:[0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})\s*月", s):
        return "when"
    if re.match(r"^[0-9０-９]{1,2}\s*[日号]", s):
        return None  # 27号 (a day) or 4号 (高炉): ambiguous
    m = re.match(r"^([0-9０-９.,，%％〇零一二两三四五六七八九十百千万亿几多余点]+)(.*)$", s)
    if not m:
        return None
    unit = m.group(2)
    if not unit and "%" not in s and "％" not in s:
        return None
    if unit.startswith(("年", "月", "日", "号", "时", "点", "分", "秒")) and not unit.startswith(("年来", "年间", "个月", "日内")):
        return None  # 3年 (a duration) or 8点: ambiguous, leave it
    return "how_many"


def time_wh(rng, s):
    if "月" in s and ("日" in s or "号" in s):
        return rng.choice(["什么时候", "什么时候", "哪天"])
    if "月" in s:
        return rng.choice(["什么时候", "几月"])
    if "年" in s:
        return rng.choice(["什么时候", "哪一年", "哪一年"])
    return "什么时候"


def count_wh(rng, s):
    if "%" in s or "％" in s:
        return "百分之多少", ""
    m = re.match(r"^([0-9０-９.,，〇零一二两三四五六七八九十百千万亿几多余点]+)(.*)$", s)
    num, unit = m.group(1), m.group(2)
    unit = unit.lstrip("多余")
    # 1500万吨 → 多少万吨 ; 3000多名 → 多少名 ; 5个 → 几个
    scale = ""
    while num and num[-1] in "万亿千百":
        scale = num[-1] + scale
        num = num[:-1]
    small = num.isdigit() and int(num) < 10 and not scale and "." not in num
    if small and rng.random() < 0.7:
        return "几", unit
    return "多少", scale + unit


# ----------------------------------------------------------------------------- long questions

DROP_P = {  # part-of-speech → chance a token of it is left out of the question
    "d": 0.85, "c": 0.8, "y": 1.0, "e": 1.0, "o": 1.0, "x": 1.0, "ul": 0.6, "uz": 0.8, "ug": 0.8, "uv": 0.7, "ud": 0.7,
    "uj": 0.35, "u": 0.5, "p": 0.3, "r": 0.5, "a": 0.45, "ad": 0.7, "an": 0.2, "b": 0.4, "f": 0.3, "t": 0.9, "tg": 0.9,
    "z": 0.6, "NUM": 0.15, "m": 0.5, "q": 0.4, "k": 0.5, "h": 0.5, "s": 0.3, "zg": 0.6, "df": 0.7, "dg": 0.8,
}
KEEP_BEFORE_WH = {"在", "于", "到", "去", "来自", "赴", "前往", "抵达", "向", "和", "与", "同", "对", "从", "被", "由", "给", "为"}
CONTENT_FLAGS = {"n", "nr", "ns", "nt", "nz", "v", "vn", "l", "i", "j", "an", "NUM", "eng"}


def clauses(toks):
    out, cur = [], []
    for i, t in enumerate(toks):
        if t.flag == "x" and t.simp in CLAUSE_SEP:
            if cur:
                out.append(cur)
            cur = []
        else:
            cur.append(i)
    if cur:
        out.append(cur)
    return out


def cjk_len(toks, idx):
    return sum(len(CJK_CHAR.findall(toks[i].simp)) for i in idx)


def slot_candidates(toks):
    cands = []
    for i, t in enumerate(toks):
        s = t.simp
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        prv = toks[i - 1] if i > 0 else None
        if t.flag == "nr" and 2 <= len(s.replace("·", "")) <= 12 and CJK_CHAR.search(s):
            if (looks_like_name(s, t.orig) and not (nxt is not None and nxt.flag in ("n", "nz", "m", "NUM", "q", "f", "k"))
                    and not (prv is not None and prv.flag in ("NUM", "m", "q", "a", "ns"))):
                cands.append(("who", i))
        elif (t.flag == "ns" and len(s) >= 2 and s not in STOP_NOUNS and s not in GENERIC_PLACES and looks_like_place(s)
              and not (nxt is not None and (nxt.simp in ("成立", "建国") or (nxt.flag == "n" and len(nxt.simp) == 1)))):
            cands.append(("where", i))
        elif t.flag == "nt" and len(s) >= 3:
            cands.append(("what_org", i))
        elif t.flag == "NUM":
            k = num_kind(t)
            if k:
                cands.append((k, i))
        elif t.flag in ("n", "nz") and len(s) >= 2 and CJK_WORD.match(s) and s not in STOP_NOUNS and s not in TITLE_WORDS:
            # an object noun: after a verb (possibly with modifiers between)
            j = i - 1
            while j >= 0 and toks[j].flag in ("n", "a", "b", "nz", "uj", "ns", "NUM", "an"):
                j -= 1
            if j >= 0 and toks[j].flag == "v" and (i + 1 == len(toks) or (toks[i + 1].flag in ("x", "uj", "c", "ul", "y", "v") and toks[i + 1].simp not in ("、", "和", "及", "与", "等"))):
                cands.append(("what", i))
    return cands


def wh_for(rng, kind, toks, i):
    """(interrogative, first index replaced, last index replaced + 1, kind)."""
    t = toks[i]
    if kind == "who":
        # 国家主席胡锦涛 → 哪位国家主席 ; 胡锦涛 → 谁
        j = i
        while j > 0 and toks[j - 1].flag == "n" and toks[j - 1].simp in TITLE_WORDS | {"国家", "国务院", "外交部", "中央"}:
            j -= 1
        if j < i and toks[i - 1].simp in TITLE_WORDS and rng.random() < 0.6:
            return "哪位" + "".join(x.simp for x in toks[j:i]), j, i + 1, "who", True
        return "谁", i, i + 1, "who", False
    if kind == "where":
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        prev = toks[i - 1].simp if i > 0 else ""
        if nxt is not None and nxt.flag in ("n", "nt", "vn", "nz"):
            return rng.choice(["哪里的", "哪个地方的"]), i, i + 1, "where", False
        if prev == "在" and rng.random() < 0.4:
            return "哪", i, i + 1, "where", False
        return rng.choice(["哪里", "哪里", "哪个地方"]), i, i + 1, "where", False
    if kind == "what_org":
        return rng.choice(["哪个机构", "什么组织", "哪家单位", "哪个部门"]), i, i + 1, "what", False
    if kind == "when":
        return time_wh(rng, t.simp), i, i + 1, "when", False
    if kind == "how_many":
        wh, unit = count_wh(rng, t.simp)
        return wh + unit, i, i + 1, "how_many", False
    # what: an object noun phrase; keep its head when it has modifiers
    j = i
    while j > 0 and toks[j - 1].flag in ("n", "nz", "b", "an") and i - j < 3:
        j -= 1
    if j < i and rng.random() < 0.6:
        return "什么" + t.simp, j, i + 1, "what", True
    return "什么", j, i + 1, "what", False


def build_long(rng, toks, kind_want=None):
    """One question from a tokenized sentence, or None. Returns (question_parts, kind, info)."""
    cands = slot_candidates(toks)
    if not cands:
        return None
    if kind_want:
        pref = [c for c in cands if (c[0] == "what_org" and kind_want == "what") or c[0] == kind_want]
        if pref:
            cands = pref
    kind0, si = rng.choice(cands)
    wh, a, b, kind, keep_head = wh_for(rng, kind0, toks, si)
    cl = clauses(toks)
    ci = next((k for k, c in enumerate(cl) if si in c), None)
    if ci is None:
        return None
    lo = hi = ci
    if cjk_len(toks, [x for x in cl[ci] if not a <= x < b]) < 4 and not (ci + 1 < len(cl)):
        return None  # the slot's clause says nothing else (去年10月初以来): no question in it
    while cjk_len(toks, [x for c in cl[lo:hi + 1] for x in c]) < 12:
        if hi + 1 < len(cl) and (lo == 0 or rng.random() < 0.8):
            hi += 1
        elif lo > 0:
            lo -= 1
        else:
            break
    while cjk_len(toks, [x for c in cl[lo:hi + 1] for x in c]) > 34 and hi > ci:
        hi -= 1
    while cjk_len(toks, [x for c in cl[lo:hi + 1] for x in c]) > 34 and lo < ci:
        lo += 1
    window = [x for c in cl[lo:hi + 1] for x in c]
    if cjk_len(toks, window) > 40:
        return None
    # the slot phrase must be inside the window
    if a not in window:
        a = window[0] if window[0] > a else a
    parts = []  # [text_simp, text_written, is_wh, kept_flag]
    dropped = 0
    first_kept = None
    opener_done = False
    for k, idx in enumerate(window):
        t = toks[idx]
        if a <= idx < b:
            if idx == a:
                parts.append(["WH", "WH", True, "WH"])
                opener_done = True
                if first_kept is None:
                    first_kept = len(parts) - 1
            continue
        if (not opener_done and t.simp in mq.STOPWORDS and t.flag in ("t", "d", "c", "l")) or t.simp in OPENERS:
            dropped += 1
            continue
        opener_done = True
        p = DROP_P.get(t.flag, 0.0)
        adjacent = idx == a - 1 or idx == b
        if adjacent and (t.simp in KEEP_BEFORE_WH or t.flag in ("v", "p")):
            p = 0.0
        if t.flag in ("v", "vn", "nr", "ns", "nt", "nz", "eng", "i", "l", "j"):
            p = 0.0
        if t.flag == "n":
            # a noun that modifies the next noun is sometimes left out ("part of the modifiers")
            nxt = toks[idx + 1] if idx + 1 < len(toks) else None
            p = 0.15 if (nxt is not None and nxt.flag in ("n", "vn") and idx + 1 != a) else 0.0
        if t.simp == "的" and k + 1 < len(window) and window[k + 1] == a:
            p = 0.0
        if rng.random() < p:
            dropped += 1
            continue
        parts.append([t.simp, t.text, False, t.flag])
        if first_kept is None:
            first_kept = len(parts) - 1
    # tidy: no particle or preposition left dangling at the ends
    while parts and not parts[-1][2] and parts[-1][3] in ("uj", "ul", "p", "c", "u", "ud", "uz", "ug", "f", "d"):
        parts.pop()
        dropped += 1
    while parts and not parts[0][2] and parts[0][3] in ("uj", "ul", "p", "c", "u", "ud", "uz", "ug", "d", "y"):
        parts.pop(0)
        dropped += 1
    if not any(p[2] for p in parts):
        return None
    # 成为(成功)的什么 → 成为什么: no 的 left between a verb and the interrogative
    for k in range(1, len(parts) - 1):
        if parts[k][0] == "的" and parts[k + 1][2] and parts[k - 1][3] == "v":
            parts.pop(k)
            break
    if dropped == 0:
        # not a verbatim copy minus one word: leave out one more small word if there is one
        small = [k for k, p in enumerate(parts) if not p[2] and p[3] in ("uj", "ul", "p", "a", "b", "r", "m", "q", "NUM", "f", "t")]
        if small:
            parts.pop(rng.choice(small))
        else:
            return None
    content = [p for p in parts if not p[2] and p[3] in CONTENT_FLAGS]
    if len(content) < 2 or sum(len(CJK_CHAR.findall(p[0])) for p in content) < 5:
        return None
    wh_first = parts[0][2]
    return parts, wh, kind, wh_first


def trad_of(seg, text):
    """A simplified piece we insert, in Hong Kong traditional forms."""
    if text in TRAD_WH:
        return TRAD_WH[text]
    out = text
    for k in sorted(TRAD_WH, key=len, reverse=True):
        out = out.replace(k, "\x00" + str(list(TRAD_WH).index(k)) + "\x01")
    out = re.sub("\x00(\\d+)\x01", lambda m: TRAD_WH[list(TRAD_WH)[int(m.group(1))]], out)
    # anything else (a title word before 哪位): OpenCC
    return s2t(out)


_S2T = None


def s2t(text):
    global _S2T
    if _S2T is None:
        import opencc

        _S2T = opencc.OpenCC("s2hk")
    return _S2T.convert(text)


def render(seg, rng, parts, wh, kind, wh_first, written_trad):
    """Join the kept words around the interrogative and dress it as a question."""
    def txt(p):
        return p[1] if written_trad else p[0]

    def ins(s):
        s = s.replace("甚麼", "什么") if not written_trad else s
        return trad_of(seg, s) if written_trad else s

    rest = [p for p in parts if not p[2]]
    if wh_first and kind in ("who", "what") and rng.random() < 0.45 and len(rest) >= 2:
        # 谁出任国家队主教练 → 出任国家队主教练的是谁
        body = "".join(txt(p) for p in rest)
        body = re.sub(r"[的了]$", "", body)
        q = body + ins("的是") + ins(wh)
    elif kind == "when" and wh_first and rng.random() < 0.35 and len(rest) >= 2:
        q = "".join(txt(p) for p in rest) + ins("是") + ins("什么时候")
    else:
        q = "".join(ins(wh) if p[2] else txt(p) for p in parts)
    q = re.sub(r"[，,、：:；;]+$", "", q)
    r = rng.random()
    tail = ""
    if r < 0.10:
        q = ins("请问") + q
    elif r < 0.16:
        q = ins("你知道") + q
        tail = ins("吗")
    elif r < 0.28:
        tail = ins("呢")
    e = rng.random()
    end = "？" if e < 0.74 else ("?" if e < 0.87 else "")
    return q + tail + end


# ----------------------------------------------------------------------------- pasted


def paste(rng, q, parts_text):
    """Dress a question as text pasted from a page or a chat: odd quotes, 《》, brackets,
    colon labels, dashes, emoji. parts_text: words of the question that may be quoted."""
    words = [w for w in parts_text if len(w) >= 2 and w in q and CJK_CHAR.search(w)]
    ops = rng.sample(["quote", "quote", "book", "bracket", "colon", "dash", "emoji", "ellipsis", "fullwidth"], 2)
    for op in ops:
        if op == "quote" and words:
            w = rng.choice(words)
            o, c = rng.choice([("“", '"'), ("”", "“"), ("「", "『"), ('"', "”"), ("“", ""), ("「", "」"), ("'", "’"), ("“", "”")])
            q = q.replace(w, o + w + c, 1)
        elif op == "book" and words:
            w = rng.choice(words)
            q = q.replace(w, rng.choice([("《", "》"), ("《", ""), ("<", ">")])[0] + w + rng.choice(["》", "》", ""]), 1)
        elif op == "bracket":
            q = rng.choice([lambda s: "（转）" + s, lambda s: s + "（急）", lambda s: "[求助]" + s, lambda s: "(" + s, lambda s: s + "】"])(q)
        elif op == "colon":
            nums = re.findall(r"(?:19|20)\d\d年|\d+月\d+日", q)
            if nums:
                n = nums[0]
                q = q.replace(n, "时间：" + n + "，", 1)
            else:
                q = rng.choice(["问：", "问题：", "Q:", "提问："]) + q
        elif op == "dash":
            q = rng.choice([lambda s: "——" + s, lambda s: s.replace("，", "——", 1) if "，" in s else s + "——", lambda s: "- " + s, lambda s: s + " --"])(q)
        elif op == "emoji":
            e = rng.choice(EMOJI)
            q = rng.choice([q + e, e + q, q + e + e])
        elif op == "ellipsis":
            q = rng.choice(["……", "...", "…"]) + q if rng.random() < 0.5 else q.rstrip("？?") + "……？"
        elif op == "fullwidth":
            q2 = q.translate({ord(c): chr(ord(c) + 0xFEE0) for c in "0123456789"})
            q = q2 if q2 != q else q + "？？"
    return q


# ----------------------------------------------------------------------------- the corpus side


class Archive:
    """Folded texts of every article and the answer-sentence index."""

    def __init__(self, corpus: mq.Corpus):
        self.corpus = corpus
        self.sent_docs: dict[bytes, set] = collections.defaultdict(set)
        self.folded = []  # (id, folded title, folded title + "\n" + body)
        for d in corpus.docs:
            title = fold(d.get("title"))
            self.folded.append((d["id"], len(title), title + "\n" + fold(d.get("body"))))
            for s in split_sentences(d.get("body")):
                if 15 <= len(s) <= 80:
                    self.sent_docs[hashlib.blake2b(sentence_key(s).encode(), digest_size=12).digest()].add(d["id"])

    def docs_with_sentence(self, s):
        return self.sent_docs.get(hashlib.blake2b(sentence_key(s).encode(), digest_size=12).digest(), set())

    def term_stats(self, terms):
        """{folded term: {doc id: (in title, occurrences in title + body)}} for every term,
        in one Aho-Corasick pass over the folded archive."""
        import ahocorasick

        A = ahocorasick.Automaton()
        for t in set(terms):
            A.add_word(t, t)
        A.make_automaton()
        stats = collections.defaultdict(dict)
        for doc_id, cut, text in self.folded:
            for end, t in A.iter(text):
                st = stats[t].get(doc_id)
                if st is None:
                    st = stats[t][doc_id] = [False, 0]
                st[1] += 1
                if end < cut:
                    st[0] = True
        return stats


def judged_for_sentence(arch: Archive, doc_id, sentence):
    ids = set(arch.docs_with_sentence(sentence)) | {doc_id}
    # one answer per duplicate group, the source first
    groups, out = set(), []
    for i in [doc_id] + sorted(ids - {doc_id}):
        g = arch.corpus.group_of[i]
        if g not in groups:
            groups.add(g)
            out.append(i)
    return out


def candidate_sentences(rng, docs):
    order = list(range(len(docs)))
    rng.shuffle(order)
    for k in order:
        d = docs[k]
        sents = [s for s in split_sentences(d.get("body")) if 15 <= len(s) <= 80 and CJK_CHAR.search(s)]
        if not sents:
            continue
        yield d, rng.choice(sents)


def clean_sentence(s):
    # the CCTV lead-in 中国网络电视台消息(新闻联播)：…
    s = re.sub(r"^[^，。：:]{0,30}消息[（(][^）)]*[）)][:：]", "", s)
    s = re.sub(r"^(本台消息|央视网消息)[，,：:]?", "", s)
    return s.strip()


def gen_long(rng, seg, arch, docs, n, trad_mode, seen):
    """trad_mode: None (simplified text), 'trad' (written as the article), 'simp' (simplified over traditional)."""
    out = []
    counts = collections.Counter()
    per_kind = n / len(KINDS)
    for d, s in candidate_sentences(rng, docs):
        if len(out) >= n:
            break
        s2 = clean_sentence(s)
        if len(s2) < 15:
            continue
        ids = arch.docs_with_sentence(s)
        if len(ids) > MAX_SENTENCE_DOCS:
            continue
        toks = tokenize(seg, s2, trad_mode is not None)
        want = min(KINDS, key=lambda k: (counts[k], rng.random()))
        if counts[want] >= per_kind * 1.3:
            want = None
        r = build_long(rng, toks, want)
        if not r:
            continue
        parts, wh, kind, wh_first = r
        if counts[kind] >= per_kind * 1.35:
            continue
        q = render(seg, rng, parts, wh, kind, wh_first, trad_mode == "trad")
        if visible_len(q) <= 8 or len(q) > 48 or q in seen:
            continue
        seen.add(q)
        counts[kind] += 1
        flags = [kind] + (["traditional"] if trad_mode == "trad" else []) + (["simp_on_trad"] if trad_mode == "simp" else [])
        words = [p[1] if trad_mode == "trad" else p[0] for p in parts if not p[2] and p[3] in CONTENT_FLAGS]
        out.append({"q": q, "answers": judged_for_sentence(arch, d["id"], s), "kinds": flags, "sentence": s, "doc": d["id"], "words": words})
    return out


SHORT_TEMPLATES = {
    "nr": [("who", "{X}是谁"), ("who", "{X}是谁"), ("who", "{X}是什么人"), ("who", "谁是{X}")],
    "ns": [("where", "{X}在哪里"), ("where", "{X}在哪"), ("where", "{X}位于哪里"), ("where", "{X}在哪儿")],
    "nt": [("what", "{X}是什么机构"), ("what", "{X}是做什么的"), ("what", "{X}是哪个机构")],
    "n": [("what", "{X}是什么"), ("what", "什么是{X}"), ("what", "{X}指什么")],
}


def short_candidates(rng, seg, docs, trad, limit):
    """(X written, X simplified, template kind, question simplified, doc id, sentence)."""
    out = []
    for d, s in candidate_sentences(rng, docs):
        if len(out) >= limit:
            break
        toks = tokenize(seg, clean_sentence(s), trad)
        opts = []
        for i, t in enumerate(toks):
            x = t.simp
            if not CJK_WORD.match(x.replace("·", "")) or x in STOP_NOUNS or x in TITLE_WORDS:
                continue
            if t.flag == "nr" and 2 <= len(x) <= 5:
                if looks_like_name(x) and "·" not in x:
                    opts.append(("nr", i))
            elif t.flag == "ns" and 2 <= len(x) <= 6 and x.endswith(PLACE_SUFFIX):
                opts.append(("ns", i))
            elif t.flag == "nt" and 3 <= len(x) <= 6:
                opts.append(("nt", i))
            elif t.flag == "nz" and 2 <= len(x) <= 6:
                opts.append(("n", i))
            elif t.flag == "n" and 3 <= len(x) <= 6:
                opts.append(("n", i))
        if not opts:
            continue
        cls, i = rng.choice(opts)
        t = toks[i]
        kind, tpl = rng.choice(SHORT_TEMPLATES[cls])
        # a verb beside the term makes the question more specific: 谁杀了司马晏 / 梅西加盟了什么
        if i > 0 and toks[i - 1].simp in TRANSITIVE and cls in ("nr", "n") and rng.random() < 0.6:
            kind, tpl = "who", "谁" + toks[i - 1].simp + ("了" if rng.random() < 0.4 else "") + "{X}"
        elif i + 1 < len(toks) and toks[i + 1].simp in SAY_VERBS and cls in ("nr", "nt") and rng.random() < 0.6:
            kind, tpl = "what", "{X}" + toks[i + 1].simp + "了什么"
        out.append((t.text if trad else t.simp, t.simp, kind, tpl, d["id"], s))
    return out


def gen_short(rng, seg, arch, docs, n, trad_mode, seen, pool_factor=30):
    cands = short_candidates(rng, seg, docs, trad_mode is not None, n * pool_factor)
    stats = arch.term_stats([fold(c[1]) for c in cands])
    out = []
    for xw, xs, kind, tpl, doc_id, s in cands:
        if len(out) >= n:
            break
        st = stats.get(fold(xs), {})
        if not (1 <= len(st) <= SHORT_MAX_DF) or doc_id not in st:
            continue
        written_trad = trad_mode == "trad"
        X = xw if written_trad else xs
        if written_trad:
            q = tpl.replace("{X}", "\x00")
            q = trad_of(None, q).replace("\x00", X)
        else:
            q = tpl.replace("{X}", X)
        e = rng.random()
        q += "？" if e < 0.75 else ("?" if e < 0.88 else "")
        if visible_len(q) > 8 or q in seen:
            continue
        prominent = sorted(i for i, (in_title, k) in st.items() if in_title or k >= 2)
        judged = prominent or sorted(st)
        # one answer per duplicate group
        groups, answers = set(), []
        for i in judged:
            g = arch.corpus.group_of[i]
            if g not in groups:
                groups.add(g)
                answers.append(i)
        seen.add(q)
        flags = [kind, "short"] + (["traditional"] if trad_mode == "trad" else []) + (["simp_on_trad"] if trad_mode == "simp" else [])
        out.append({"q": q, "answers": answers, "kinds": flags, "sentence": s, "doc": doc_id, "words": [X], "term": X})
    return out


# ----------------------------------------------------------------------------- topical

FORMAT_TAGS = {"图辑", "多片", "视频", "图片", "直播", "组图", "文字直播·不断更新", "文字直播·不斷更新", "專訪", "专访", "圖輯", "視頻", "圖片",
               "更新", "快讯", "快訊", "有片", "多圖", "多图", "組圖", "短片", "直播中"}


def tag_query(tag):
    """The tag as a user would type it: no quotes or 《》, dashes and dots as spaces."""
    q = re.sub(r"[“”\"「」『』《》〈〉‘’']", "", tag)
    q = re.sub(r"——|—|·|・|•|\||｜", " ", q)
    return re.sub(r"\s+", " ", q).strip()


def tag_carries(tag, query_tag):
    if tag == query_tag:
        return True
    return tag.startswith(query_tag) and tag[len(query_tag):len(query_tag) + 1] in ("·", "・", "—", " ", "：", ":", "|", "｜")


def gen_topical(rng, docs):
    counts = collections.Counter()
    doc_tags = []
    for d in docs:
        tags = title_tags(d.get("title"))
        doc_tags.append((d, tags))
        for t in tags:
            counts[t] += 1
    fmt = {tag_query(t).replace(" ", "") for t in FORMAT_TAGS}
    eligible = sorted(t for t, k in counts.items() if TOPICAL_MIN <= k <= TOPICAL_MAX_DOCS and tag_query(t).replace(" ", "") not in fmt and visible_len(tag_query(t)) >= 2)
    rng.shuffle(eligible)
    chosen = sorted(eligible[:TOPICAL_MAX], key=lambda t: -counts[t])
    # exact duplicates in the tag-stripped corpus
    group = {}
    for d, _ in doc_tags:
        group[d["id"]] = hashlib.sha1((mq.norm_key(strip_title_tags(d.get("title"))) + "\x00" + mq.norm_key(d.get("body"))).encode()).hexdigest()
    rows = []
    for t in chosen:
        ids = [d["id"] for d, tags in doc_tags if any(tag_carries(x, t) for x in tags)]
        by_group = collections.defaultdict(list)
        for i in ids:
            by_group[group[i]].append(i)
        rows.append({"q": tag_query(t), "tag": t, "groups": list(by_group.values())})
    return rows


# ----------------------------------------------------------------------------- writing


def write_question_set(name, prefix, rows, corpus):
    mq.write_set(name, [(r["q"], r["answers"]) for r in rows], corpus, prefix)
    kdir = HERE / "kinds"
    kdir.mkdir(exist_ok=True)
    with open(kdir / f"{name}.tsv", "w", encoding="utf-8") as fh:
        for i, r in enumerate(rows, 1):
            fh.write(f"{prefix}{i:03d}\t{','.join(r['kinds'])}\n")


def write_topical(name, prefix, rows):
    with open(HERE / "queries" / f"{name}.tsv", "w", encoding="utf-8") as fq, open(HERE / "qrels" / f"{name}.tsv", "w", encoding="utf-8") as fj:
        for i, r in enumerate(rows, 1):
            qid = f"{prefix}{i:03d}"
            fq.write(f"{qid}\t{r['q']}\n")
            for g, ids in enumerate(r["groups"], 1):
                for doc_id in ids:
                    fj.write(f"{qid}\t{g}\t{doc_id}\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=HERE.parent.parent.parent / "shared" / "corpus")
    ap.add_argument("--sample", type=Path, help="also write every question with its answer sentence here (JSON lines), to read")
    args = ap.parse_args()

    print("reading corpus …", file=sys.stderr)
    corpus = mq.Corpus(args.corpus)
    seg = mq.Segmenter()
    by_file = collections.defaultdict(list)
    for d in corpus.docs:
        by_file[d["_file"]].append(d)
    print("answer-sentence index …", file=sys.stderr)
    arch = Archive(corpus)

    def rng(name):
        return random.Random(f"{SEED}:{name}")

    seen: set[str] = set()
    everything = []
    for set_name, (file, n_long, n_short) in PLAN.items():
        print(f"{set_name} …", file=sys.stderr)
        docs = by_file[file]
        if file == "hkcnews":
            half_l, half_s = n_long * 55 // 100, n_short * 55 // 100
            rows = gen_long(rng(set_name + ":trad"), seg, arch, docs, half_l, "trad", seen)
            rows += gen_long(rng(set_name + ":simp"), seg, arch, docs, n_long - half_l, "simp", seen)
            rows += gen_short(rng(set_name + ":short-trad"), seg, arch, docs, half_s, "trad", seen)
            rows += gen_short(rng(set_name + ":short-simp"), seg, arch, docs, n_short - half_s, "simp", seen)
        else:
            rows = gen_long(rng(set_name), seg, arch, docs, n_long, None, seen)
            rows += gen_short(rng(set_name + ":short"), seg, arch, docs, n_short, None, seen)
        r = rng(set_name + ":order")
        r.shuffle(rows)
        pr = rng(set_name + ":paste")
        for row in rows:
            if pr.random() < PASTED_SHARE:
                row["q"] = paste(pr, row["q"], row["words"])
                row["kinds"].append("pasted")
        prefix = {"qa_cctv": "qc", "qa_hkcnews": "qh", "qa_inews": "qi"}[set_name]
        write_question_set(set_name, prefix, rows, corpus)
        kinds = collections.Counter(k for row in rows for k in row["kinds"])
        print(f"  {len(rows)} questions: {dict(kinds)}", file=sys.stderr)
        for i, row in enumerate(rows, 1):
            everything.append({"set": set_name, "qid": f"{prefix}{i:03d}", **{k: row[k] for k in ("q", "kinds", "sentence", "doc", "answers")}})

    print("topical sets …", file=sys.stderr)
    for name, file, prefix in (("topical_cctv", "cctv_xwlb", "tc"), ("topical_hkcnews", "hkcnews", "th")):
        rows = gen_topical(rng(name), by_file[file])
        write_topical(name, prefix, rows)
        print(f"  {name}: {len(rows)} tags, {sum(len(g) for r in rows for g in r['groups'])} judged articles", file=sys.stderr)

    if args.sample:
        with open(args.sample, "w", encoding="utf-8") as fh:
            for row in everything:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print("done", file=sys.stderr)


if __name__ == "__main__":
    main()
