#!/usr/bin/env python3
"""Generate the benchmark query sets and their judgments from ../shared/corpus.

Deterministic: a fixed seed, jieba 0.42.1's built-in dictionary and OpenCC's t2s table,
so running it again on the same corpus writes the same files. The generated files are
committed; regenerate only when the corpus or the recipe changes:

    /tmp/baoku-bench-venv/bin/python bench/relevance/make_queries.py

(bench/run.sh creates that venv; this script also needs `opencc`, which run.sh installs
only when asked to regenerate.)

Writes, under bench/relevance/:

    queries/<set>.tsv   qid <TAB> query          one query a line
    qrels/<set>.tsv     qid <TAB> group <TAB> id  judged answers (relevance sets only)

A judged answer is a *group*: the article plus every exact duplicate of it in the corpus
(same title and body once spacing, punctuation, width and case are ignored), because an
engine that stores duplicates once may return any one of them. A query is answered when
any id of a group is returned.

Performance sets (latency, not judged): two_word, single_word, phrase (cctv_xwlb), and
traditional (hkcnews: half as written in traditional characters, half converted to
simplified, so their answers are traditional text).

Relevance sets (judged): ki_cctv, ki_hkcnews_trad, ki_hkcnews_simp, ki_inews (known
item: 2-3 keywords of one article's title, AND-ed; the answer is that article), and
questions (natural-language questions written by hand in questions.tsv, with the
answer articles checked by reading them).
"""
from __future__ import annotations

import argparse
import collections
import hashlib
import io
import json
import random
import re
import sys
import unicodedata
from pathlib import Path

SEED = 20240517
HERE = Path(__file__).resolve().parent
CORPUS_FILES = ["cctv_xwlb.jsonl.zst", "hkcnews.jsonl.zst", "zh_inews.jsonl.zst"]

# jieba part-of-speech tags of content words: nouns, names, places, organisations,
# other proper nouns, verbs, verbal nouns, idioms, abbreviations, fixed expressions.
CONTENT_POS = {"n", "nr", "ns", "nt", "nz", "v", "vn", "an", "i", "j", "l", "nrt"}
# Frequent words that carry little meaning in news text (on top of the POS filter).
STOPWORDS = set(
    """我们 你们 他们 她们 它们 这个 那个 这些 那些 一个 一些 进行 表示 没有 可以 已经
    通过 这样 因为 所以 但是 而且 以及 还是 或者 如果 就是 不是 自己 什么 怎么 这里 那里
    目前 今天 昨天 明天 今年 去年 记者 报道 消息 新闻 联播 时间 问题 情况 工作 方面 有关
    相关 including 认为 指出 强调 要求 希望 需要 成为 开始 继续 出现 发生 来到 起来 看到
    知道 觉得 告诉 说道 地方 东西 时候 现在 同时 其中 之后 以后 之前 以来 这种 各种 主要
    重要 一定 不断 进一步 全面 有效 积极 共同 实现 加强 推进 推动 坚持 提高 发展
    央视网 新闻联播 中国网络电视台 央视 视频 编辑 文字 采取 超过 达到 登陆""".split()
)
CJK = re.compile(r"^[\u3400-\u9fff]+$")
NOUN_POS = {"n", "nr", "ns", "nt", "nz", "vn", "i", "j", "l", "nrt"}


def norm_key(text: str) -> str:
    """Letters and digits only, NFKC, lowercase: the exact-duplicate key of a text."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return "".join(c for c in text if unicodedata.category(c)[0] in "LN")


def read_corpus(corpus_dir: Path):
    import zstandard

    for name in CORPUS_FILES:
        with open(corpus_dir / name, "rb") as fh:
            reader = io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(fh), encoding="utf-8")
            for line in reader:
                if line.strip():
                    doc = json.loads(line)
                    doc["_file"] = name.split(".")[0]
                    yield doc


class Corpus:
    def __init__(self, corpus_dir: Path):
        self.docs = list(read_corpus(corpus_dir))
        self.by_id = {d["id"]: d for d in self.docs}
        # exact-duplicate groups
        self.group_of: dict[str, str] = {}
        self.members: dict[str, list[str]] = collections.defaultdict(list)
        titles: dict[str, set[str]] = collections.defaultdict(set)
        for d in self.docs:
            tkey = norm_key(d.get("title"))
            key = hashlib.sha1((tkey + "\x00" + norm_key(d.get("body"))).encode()).hexdigest()
            self.group_of[d["id"]] = key
            self.members[key].append(d["id"])
            titles[tkey].add(key)
        self.title_groups = titles

    def group_ids(self, doc_id: str) -> list[str]:
        return self.members[self.group_of[doc_id]]

    def title_is_unique(self, doc) -> bool:
        """No article with another text has the same title (duplicates are fine)."""
        return len(self.title_groups[norm_key(doc.get("title"))]) == 1


class Segmenter:
    def __init__(self):
        import jieba
        import jieba.analyse
        import jieba.posseg

        jieba.setLogLevel(60)
        jieba.initialize()
        self.jieba = jieba
        self.analyse = jieba.analyse
        self.posseg = jieba.posseg
        self._t2s = None

    def t2s(self, text: str) -> str:
        if self._t2s is None:
            import opencc

            self._t2s = opencc.OpenCC("t2s")
        return self._t2s.convert(text)

    def simplified_view(self, text: str):
        """(simplified text, same_length): same_length means offsets map 1:1 to text."""
        simp = self.t2s(text)
        return simp, len(simp) == len(text)

    def content_words(self, text: str, pos_tags=CONTENT_POS) -> list[tuple[int, str]]:
        """(offset, word) of content words, in order."""
        out, pos = [], 0
        for pair in self.posseg.cut(text):
            w, flag = pair.word, pair.flag
            if flag in pos_tags and 2 <= len(w) <= 6 and CJK.match(w) and w not in STOPWORDS:
                out.append((pos, w))
            pos += len(w)
        return out


def distinct(words):
    seen, out = set(), []
    for off, w in words:
        if w not in seen:
            seen.add(w)
            out.append((off, w))
    return out


def article_text(doc, max_chars=1500):
    return (doc.get("title") or "") + "。" + (doc.get("body") or "")[:max_chars]


def words_for(seg: Segmenter, doc, traditional: bool, max_chars=1500, pos_tags=CONTENT_POS):
    """Content words of an article; for traditional text, the words as written there."""
    text = article_text(doc, max_chars)
    if not traditional:
        return distinct(seg.content_words(text, pos_tags))
    simp, same = seg.simplified_view(text)
    if not same:
        return []
    return distinct((off, text[off : off + len(w)]) for off, w in seg.content_words(simp, pos_tags))


def sample_docs(rng, docs, n, pred=lambda d: True):
    pool = [d for d in docs if pred(d)]
    rng.shuffle(pool)
    return pool


def gen_two_word(rng, seg, docs, n, traditional=False, to_simplified=False):
    out, seen = [], set()
    for d in sample_docs(rng, docs, n):
        words = words_for(seg, d, traditional)
        if len(words) < 4:
            continue
        a, b = sorted(rng.sample(words, 2))
        q = f"{a[1]} {b[1]}"
        if to_simplified:
            q = seg.t2s(q)
        if q in seen:
            continue
        seen.add(q)
        out.append((q, d["id"]))
        if len(out) == n:
            break
    return out


def gen_single(rng, seg, docs, n):
    """One noun-like word of an article."""
    out, seen = [], set()
    for d in sample_docs(rng, docs, n):
        words = words_for(seg, d, False, pos_tags=NOUN_POS)
        if len(words) < 2:
            continue
        w = rng.choice(words)[1]
        if w in seen:
            continue
        seen.add(w)
        out.append((w, d["id"]))
        if len(out) == n:
            break
    return out


def gen_phrase(rng, seg, docs, n):
    """A run of 3-6 characters from a title, cut at jieba word boundaries."""
    out, seen = [], set()
    for d in sample_docs(rng, docs, n):
        toks = list(seg.jieba.cut(d.get("title") or ""))
        windows = []
        for i in range(len(toks)):
            s = ""
            for j in range(i, len(toks)):
                s += toks[j]
                if not CJK.match(toks[j]) or len(s) > 6:
                    break
                if len(s) >= 3 and j > i:  # at least two words: a real phrase
                    windows.append(s)
        windows = [w for w in windows if not any(sw in w for sw in ("联播", "快讯")) and w not in seen]
        if windows:
            w = rng.choice(windows)
            seen.add(w)
            out.append((w, d["id"]))
        if len(out) == n:
            break
    return out


def title_keywords(seg: Segmenter, doc, traditional: bool, k: int):
    title = doc.get("title") or ""
    if traditional:
        simp, same = seg.simplified_view(title)
        if not same:
            return None
    else:
        simp = title
    tags = [
        t
        for t in seg.analyse.extract_tags(simp, topK=8)
        if len(t) >= 2 and t not in STOPWORDS and re.match(r"^[\w\u3400-\u9fff]+$", t) and not t.isdigit()
    ]
    tags = tags[:k]
    if len(tags) < 2 or not any(CJK.match(t) for t in tags):
        return None
    spans = []
    for t in tags:
        i = simp.find(t)
        if i < 0:
            return None
        spans.append((i, title[i : i + len(t)] if traditional else t))
    spans.sort()
    # overlapping keywords would make a strange query
    for (i, a), (j, _) in zip(spans, spans[1:]):
        if i + len(a) > j:
            return None
    return " ".join(w for _, w in spans)


def gen_known_item(rng, seg, corpus: Corpus, docs, n, traditional=False, to_simplified=False):
    out = []
    pool = sample_docs(
        rng,
        docs,
        n,
        lambda d: len(norm_key(d.get("title"))) >= 6 and len(d.get("body") or "") >= 50 and corpus.title_is_unique(d),
    )
    seen_groups = set()
    for d in pool:
        g = corpus.group_of[d["id"]]
        if g in seen_groups:
            continue
        q = title_keywords(seg, d, traditional, rng.choice((2, 3)))
        if not q:
            continue
        if to_simplified:
            q = seg.t2s(q)
        seen_groups.add(g)
        out.append((q, d["id"]))
        if len(out) == n:
            break
    return out


def write_set(name, rows, corpus: Corpus | None, prefix):
    qdir, jdir = HERE / "queries", HERE / "qrels"
    qdir.mkdir(exist_ok=True)
    with open(qdir / f"{name}.tsv", "w", encoding="utf-8") as fq:
        for i, (q, _) in enumerate(rows, 1):
            fq.write(f"{prefix}{i:03d}\t{q}\n")
    if corpus is None:
        return
    jdir.mkdir(exist_ok=True)
    with open(jdir / f"{name}.tsv", "w", encoding="utf-8") as fj:
        for i, (_, answers) in enumerate(rows, 1):
            if isinstance(answers, str):
                answers = [answers]
            done = set()
            for g, a in enumerate(answers, 1):
                for doc_id in corpus.group_ids(a):
                    if doc_id not in done:
                        done.add(doc_id)
                        fj.write(f"{prefix}{i:03d}\t{g}\t{doc_id}\n")


def read_questions():
    rows = []
    with open(HERE / "questions.tsv", encoding="utf-8") as fh:
        for line in fh:
            if not line.strip() or line.startswith("#"):
                continue
            qid, question, ids = line.rstrip("\n").split("\t")[:3]
            rows.append((qid, question, [i.strip() for i in ids.split(",") if i.strip()]))
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=HERE.parent.parent.parent / "shared" / "corpus")
    args = ap.parse_args()

    print("reading corpus …", file=sys.stderr)
    corpus = Corpus(args.corpus)
    seg = Segmenter()
    by_file = collections.defaultdict(list)
    for d in corpus.docs:
        by_file[d["_file"]].append(d)
    cctv, hkc, inews = by_file["cctv_xwlb"], by_file["hkcnews"], by_file["zh_inews"]

    # Every set has its own generator seeded from SEED and its name, so changing one
    # set's recipe leaves the others as they were.
    def rng(name):
        return random.Random(f"{SEED}:{name}")

    print("performance sets …", file=sys.stderr)
    write_set("two_word", gen_two_word(rng("two_word"), seg, cctv, 300), None, "tw")
    write_set("single_word", gen_single(rng("single_word"), seg, cctv, 200), None, "sw")
    write_set("phrase", gen_phrase(rng("phrase"), seg, cctv, 200), None, "ph")
    trad = gen_two_word(rng("trad"), seg, hkc, 100, traditional=True)
    simp = gen_two_word(rng("trad-simp"), seg, hkc, 100, traditional=True, to_simplified=True)
    write_set("traditional", trad + simp, None, "tr")

    print("known-item sets …", file=sys.stderr)
    write_set("ki_cctv", gen_known_item(rng("ki_cctv"), seg, corpus, cctv, 300), corpus, "kc")
    ki_hkc = gen_known_item(rng("ki_hkc"), seg, corpus, hkc, 150, traditional=True)
    write_set("ki_hkcnews_trad", ki_hkc, corpus, "kt")
    write_set("ki_hkcnews_simp", [(seg.t2s(q), a) for q, a in ki_hkc], corpus, "ks")
    write_set("ki_inews", gen_known_item(rng("ki_inews"), seg, corpus, inews, 100), corpus, "ki")

    print("questions …", file=sys.stderr)
    rows = []
    for i, (qid, question, ids) in enumerate(read_questions(), 1):
        if qid != f"nq{i:03d}":
            sys.exit(f"questions.tsv: expected qid nq{i:03d}, found {qid}")
        missing = [i for i in ids if i not in corpus.by_id]
        if missing:
            sys.exit(f"questions.tsv: {qid}: unknown ids {missing}")
        rows.append((question, ids))
    write_set("questions", rows, corpus, "nq")
    print("done", file=sys.stderr)


if __name__ == "__main__":
    main()
