#!/usr/bin/env python3
"""Generate `qa_passages`: ~1,100 short passages cut from ../shared/corpus and ~4 questions
on each, the small-collection yardstick that mirrors the reviewers' held-out question set
(4,221 questions over 1,104 short encyclopedia-style passages, one judged passage each).

Deterministic (fixed seed; jieba 0.42.1, opencc-python-reimplemented 0.1.7), so running it
again on the same corpus writes the same files:

    /tmp/baoku-bench-venv/bin/python bench/relevance/make_passages.py [--out WORK/data/qa_passages.jsonl]

It reuses make_queries.py (corpus reader, exact-duplicate groups, jieba) and
make_questions.py (sentence splitting, folding, the question builder, the short-question
templates, the traditional forms and the pasted-text dressing) by import. It writes

    OUT                           the passages as JSON Lines: {"id", "title", "body", "date":
                                  null, "source": null, "author": null, "url": null} — the
                                  corpus every engine indexes alone (not in the repository:
                                  the text belongs to the news owners)
    queries/qa_passages.tsv       qid <TAB> question
    qrels/qa_passages.tsv         qid <TAB> group <TAB> passage id
    kinds/qa_passages.tsv         qid <TAB> kind[,flag...]

(`--corpus-only` writes only OUT: what bench/peers/run.py does when OUT is missing.)

**Passages.** One per article at most: the article's title (its leading 【tag】 removed)
and a contiguous stretch of its body, whole sentences, 200-600 characters (a length drawn
uniformly, the stretch starting at a random sentence; the CCTV lead-in 央视网消息（新闻联播）：
dropped). From the three corpora in proportion to their sizes (703 cctv_xwlb, 333 hkcnews
— traditional text — and 68 zh_inews: 1,104). A stretch is kept only when it is mostly
CJK text without mojibake, has at least three sentences a question can be written from,
its title is not another passage's title (normalised) and no passage of another exact-
duplicate group shares much of its text (character 5-grams: more than 15% of the smaller
one's shingles in common): no duplicates or near-duplicates.

**Questions** (about 3 long + 1 short a passage), with make_questions.py's recipe:

* long (more than 8 letters/digits/CJK characters): from a sentence (15-80 characters) of
  the passage — a slot (person, place, organisation, date, number, object noun) replaced
  by its interrogative, words dropped, 请问 / 你知道…吗 / 呢 sometimes; the kinds kept in
  balance (who / what / when / where / how_many). A passage's long questions come from
  different sentences where it has enough. Sentences found in more than 5 articles of the
  whole corpus (boilerplate) are never used. Judged: the passage and every other passage
  holding the same sentence (normalised).
* short (a quarter; at most 8 letters/digits/CJK characters): a name or term central to the
  passage in a template (X是谁？ X是什么？ X在哪里？ X是什么机构？ 谁执导X？ X表示了什么？…):
  the title's entity when the title has one (a person, place, organisation, proper noun,
  or a rare noun of ≥3 characters; one the body repeats first), else a term of a sentence
  of the passage: one the passage uses twice, then a name, place, organisation or proper
  noun, then a rare noun. X occurs in no other passage, so the judged answer is exactly
  the passage. A passage with no such term is made up for by a second short question on
  a later passage, so that the share stays about a quarter.
* hkcnews passages: 55% of their questions in the passage's traditional characters (Hong
  Kong interrogatives; flag `traditional`), 45% in simplified over the traditional text
  (flag `simp_on_trad`).
* about one in seven pasted (flag `pasted`): odd or unbalanced quotes, 《》, brackets, a
  colon label, dashes, an ellipsis, emoji, full-width digits.
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
import make_queries as mq  # noqa: E402  (corpus reader, duplicate groups, jieba)
import make_questions as mqs  # noqa: E402  (sentences, folding, the question builder, pasted text)

SEED = 20261202
SET = "qa_passages"
PREFIX = "qp"
# passages per corpus, in proportion to the corpus sizes (74,504 / 35,325 / 7,246 articles)
PLAN = {"cctv_xwlb": 703, "hkcnews": 333, "zh_inews": 68}
PASSAGE_MIN, PASSAGE_MAX = 200, 600
LONG_PER_PASSAGE = 3
TRAD_SHARE = 0.55  # hkcnews questions written in traditional characters; the rest simplified
NEAR_DUP = 0.15  # share of the smaller passage's 5-gram shingles in common that makes a near-duplicate
SHINGLE = 5
DEFAULT_OUT = Path("/tmp/baoku-bench/data/qa_passages.jsonl")

# a passage's sentence: up to a terminal mark (and the closing quotes after it) or a line end
PASSAGE_SENT = re.compile(r"[^。！？!?\n]*(?:[。！？!?]+[”’」』）)》\"']*|\n+|$)")
TERMINAL = re.compile(r"[。！？!?][”’」』）)》\"']*\s*$")
MOJIBAKE = re.compile(r"[\ufffd\uff61-\uff9f\u0080-\u009f]|[\u3400-\u9fff]\?[\u3400-\u9fff]")
LEAD_IN = re.compile(r"^\s*(?:[^，。：:]{0,30}消息\s*[（(][^）)]*[）)]\s*[:：]\s*)?(?:(?:本台消息|央视网消息)[，,：:]?\s*)?")


def sentence_spans(body):
    """(start, end) of each sentence of body, in order, covering it."""
    out = []
    for m in PASSAGE_SENT.finditer(body):
        if m.end() > m.start():
            out.append((m.start(), m.end()))
    return out


def letters(text):
    return [c for c in text if unicodedata.category(c)[0] in "LN"]


def shingles(text):
    s = "".join(letters(mqs.fold(text)))
    return {s[i:i + SHINGLE] for i in range(len(s) - SHINGLE + 1)}


def question_sentences(body):
    """Sentences of a passage a question may be written from (make_questions' rule)."""
    return [s for s in mqs.split_sentences(body) if 15 <= len(s) <= 80 and mqs.CJK_CHAR.search(s)]


class SentenceCounts:
    """How many articles of the whole corpus hold each sentence (normalised): boilerplate."""

    def __init__(self, corpus):
        self.docs = collections.defaultdict(set)
        for d in corpus.docs:
            for s in mqs.split_sentences(d.get("body")):
                if 15 <= len(s) <= 80:
                    self.docs[self.key(s)].add(d["id"])

    @staticmethod
    def key(s):
        return hashlib.blake2b(mqs.sentence_key(s).encode(), digest_size=12).digest()

    def count(self, s):
        return len(self.docs.get(self.key(s), ()))


def cut_passage(rng, doc, counts):
    """A passage of one article, or None: title + a whole-sentence stretch of 200-600 characters."""
    title = mqs.strip_title_tags(doc.get("title"))
    body = doc.get("body") or ""
    if len(letters(title)) < 4 or len(body) < PASSAGE_MIN or MOJIBAKE.search(title):
        return None
    spans = sentence_spans(body)
    if len(spans) < 3:
        return None
    target = rng.randint(PASSAGE_MIN, PASSAGE_MAX)
    starts = list(range(len(spans)))
    rng.shuffle(starts)
    for first in starts[:6]:
        a = spans[first][0]
        if first == 0:
            a += LEAD_IN.match(body).end()  # the CCTV lead-in is no part of a passage
        end = None
        for k in range(first, len(spans)):
            b = spans[k][1]
            text = body[a:b].strip()
            if len(text) > PASSAGE_MAX:
                break
            if TERMINAL.search(body[a:b]) or b == len(body):
                end = b
                if len(text) >= target:
                    break
        if end is None:
            continue
        text = re.sub(r"[ \t\u3000]*\n\s*", "\n", body[a:end].strip())
        if not PASSAGE_MIN <= len(text) <= PASSAGE_MAX or MOJIBAKE.search(text):
            continue
        vis = letters(text)
        if sum(1 for c in vis if mqs.CJK_CHAR.match(c)) < 0.7 * len(vis):
            continue
        usable = [s for s in question_sentences(text) if counts.count(s) <= mqs.MAX_SENTENCE_DOCS]
        if len(usable) < 3:
            continue
        return title, text
    return None


def pick_passages(rng, corpus, counts, by_file):
    chosen, titles = [], set()
    index = collections.defaultdict(set)  # shingle → chosen passage numbers
    for file, n in PLAN.items():
        docs = list(by_file[file])
        rng.shuffle(docs)
        groups = set()
        got = 0
        for d in docs:
            if got >= n:
                break
            g = corpus.group_of[d["id"]]
            if g in groups:
                continue
            cut = cut_passage(rng, d, counts)
            if not cut:
                continue
            title, text = cut
            tkey = mq.norm_key(title)
            if tkey in titles:
                continue
            sh = shingles(title + text)
            common = collections.Counter()
            for x in sh:
                for k in index.get(x, ()):
                    common[k] += 1
            if any(c > NEAR_DUP * min(len(sh), chosen[k]["_n"]) for k, c in common.items()):
                continue
            k = len(chosen)
            for x in sh:
                index[x].add(k)
            groups.add(g)
            titles.add(tkey)
            chosen.append({"id": f"{PREFIX}{k + 1:04d}-{d['id']}", "title": title, "body": text, "_file": file, "_n": len(sh), "_article": d["id"]})
            got += 1
        if got < n:
            sys.exit(f"{file}: only {got} passages of {n}")
    return chosen


# ----------------------------------------------------------------------------- questions


def long_questions(rng, seg, p, counts, kind_counts, seen, n, trad_share):
    """Up to n long questions from different sentences of passage p, the kinds kept in
    balance over the whole set: every sentence is tried with every kind of slot, then the
    questions are picked one by one, each time of the kind asked least so far (a second
    question from a used sentence only when the passage has too few sentences)."""
    trad_text = p["_file"] == "hkcnews"
    sents = [s for s in question_sentences(p["body"]) if counts.count(s) <= mqs.MAX_SENTENCE_DOCS]
    rng.shuffle(sents)
    cands = []
    for s in sents:
        s2 = mqs.clean_sentence(s)
        if len(s2) < 15:
            continue
        toks = mqs.tokenize(seg, s2, trad_text)
        kinds = list(mqs.KINDS)
        rng.shuffle(kinds)
        got = set()
        for want in kinds:
            r = mqs.build_long(rng, toks, want)
            if not r or r[2] in got:
                continue
            parts, wh, kind, wh_first = r
            mode = None if not trad_text else ("trad" if rng.random() < trad_share else "simp")
            q = mqs.render(seg, rng, parts, wh, kind, wh_first, mode == "trad")
            if mqs.visible_len(q) <= 8 or len(q) > 48 or q in seen:
                continue
            got.add(kind)
            flags = [kind] + (["traditional"] if mode == "trad" else []) + (["simp_on_trad"] if mode == "simp" else [])
            words = [pt[1] if mode == "trad" else pt[0] for pt in parts if not pt[2] and pt[3] in mqs.CONTENT_FLAGS]
            cands.append({"q": q, "kinds": flags, "sentence": s, "words": words})
    out, used = [], collections.Counter()
    while len(out) < n and cands:
        fresh = [c for c in cands if not used[c["sentence"]]] or cands
        c = min(fresh, key=lambda c: kind_counts[c["kinds"][0]])
        out.append(c)
        seen.add(c["q"])
        kind_counts[c["kinds"][0]] += 1
        used[c["sentence"]] += 1
        cands = [x for x in cands if x is not c and not (x["sentence"] == c["sentence"] and x["kinds"][0] == c["kinds"][0]) and x["q"] not in seen]
    return out


def term_class(t):
    """make_questions' short-question classes of a token, or None."""
    x = t.simp
    if not mqs.CJK_WORD.match(x) or x in mqs.STOP_NOUNS or x in mqs.TITLE_WORDS:
        return None
    if t.flag == "nr" and 2 <= len(x) <= 5 and mqs.looks_like_name(x):
        return "nr"
    if t.flag == "ns" and 2 <= len(x) <= 6 and x.endswith(mqs.PLACE_SUFFIX):
        return "ns"
    if t.flag == "nt" and 3 <= len(x) <= 6:
        return "nt"
    if (t.flag == "nz" and 2 <= len(x) <= 6) or (t.flag == "n" and 3 <= len(x) <= 6):
        return "n"
    return None


DF: dict[str, int] = {}  # folded term → passages holding it


def short_question(rng, seg, p, folded, seen, trad_share, avoid=()):
    """One short question on the passage's central term (its title entity when it has one)."""
    trad_text = p["_file"] == "hkcnews"
    me = folded[p["id"]]
    body_f = mqs.fold(p["body"])

    def unique(t):
        x = mqs.fold(t.simp)
        if len(x) < 2 or x not in me:
            return False
        if x not in DF:
            DF[x] = sum(1 for v in folded.values() if x in v)
        return DF[x] == 1

    # the title's entity: a term of the title that no other passage holds (one the body
    # repeats first)
    title_opts = [(term_class(t), t) for t in mqs.tokenize(seg, p["title"], trad_text)]
    title_opts = [(c, t) for c, t in title_opts if c and unique(t) and t.simp not in avoid and (c != "n" or mqs.word_freq(t.simp) < 200)]
    title_opts.sort(key=lambda o: mqs.fold(o[1].simp) not in body_f)
    # else a term of a sentence: one the passage uses twice, then a name, place, organisation
    # or proper noun, then a noun
    sent_opts = []
    for s in question_sentences(p["body"]):
        toks = mqs.tokenize(seg, mqs.clean_sentence(s), trad_text)
        for i, t in enumerate(toks):
            c = term_class(t)
            if c and unique(t) and t.simp not in avoid:
                sent_opts.append((c, t, toks, i, me.count(mqs.fold(t.simp)) >= 2))
    twice = [o for o in sent_opts if o[4] and (o[0] != "n" or mqs.word_freq(o[1].simp) < 200)]
    proper = [o for o in sent_opts if not o[4] and o[0] != "n"]
    # a common noun said once (积极响应, 身份证件) is not what the passage is about
    nouns = [o for o in sent_opts if not o[4] and o[0] == "n" and mqs.word_freq(o[1].simp) < 20]
    mode = None if not trad_text else ("trad" if rng.random() < trad_share else "simp")
    tries = []
    if title_opts:
        for c, t in title_opts:
            # the sentence where the body uses it, for a verb beside it
            ctx = next(((toks, i) for c2, t2, toks, i, _ in sent_opts if t2.simp == t.simp), (None, None))
            tries.append((c, t, ctx[0], ctx[1], "title"))
    for pool in (twice, proper, nouns):
        order = pool[:]
        rng.shuffle(order)
        tries += [(c, t, toks, i, "body") for c, t, toks, i, _ in order]
    for c, t, toks, i, where in tries:
        kind, tpl = rng.choice(mqs.SHORT_TEMPLATES[c])
        if toks is not None:
            if i > 0 and toks[i - 1].simp in mqs.TRANSITIVE and c in ("nr", "n") and rng.random() < 0.6:
                kind, tpl = "who", "谁" + toks[i - 1].simp + ("了" if rng.random() < 0.4 else "") + "{X}"
            elif i + 1 < len(toks) and toks[i + 1].simp in mqs.SAY_VERBS and c in ("nr", "nt") and rng.random() < 0.6:
                kind, tpl = "what", "{X}" + toks[i + 1].simp + "了什么"
        if mode == "trad":
            X = t.text
            q = mqs.trad_of(None, tpl.replace("{X}", "\x00")).replace("\x00", X)
        else:
            X = t.simp
            q = tpl.replace("{X}", X)
        e = rng.random()
        q += "？" if e < 0.75 else ("?" if e < 0.88 else "")
        if mqs.visible_len(q) > 8 or q in seen:
            continue
        seen.add(q)
        flags = [kind, "short"] + (["traditional"] if mode == "trad" else []) + (["simp_on_trad"] if mode == "simp" else [])
        return {"q": q, "kinds": flags, "sentence": "", "words": [X], "term": X, "term_simp": t.simp, "term_from": where}
    return None


def judged(p, row, sent_index):
    """The passage, and every other passage holding the question's sentence."""
    out = [p["id"]]
    if row["sentence"]:
        out += sorted(i for i in sent_index.get(mqs.sentence_key(row["sentence"]), ()) if i != p["id"])
    return out


# ----------------------------------------------------------------------------- main


def write_passages(path, passages):
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    with open(tmp, "w", encoding="utf-8") as fh:
        for p in passages:
            rec = {"id": p["id"], "title": p["title"], "body": p["body"], "date": None, "source": None, "author": None, "url": None}
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    tmp.rename(path)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=HERE.parent.parent.parent / "shared" / "corpus")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"the passages' JSON Lines (default {DEFAULT_OUT})")
    ap.add_argument("--corpus-only", action="store_true", help="write only the passages, not the query files")
    ap.add_argument("--dest", type=Path, default=HERE, help="where queries/, qrels/ and kinds/ are written (default: bench/relevance)")
    ap.add_argument("--sample", type=Path, help="also write every question with its passage and sentence here (JSON lines), to read")
    args = ap.parse_args()

    print("reading corpus …", file=sys.stderr)
    corpus = mq.Corpus(args.corpus)
    seg = mq.Segmenter()
    by_file = collections.defaultdict(list)
    for d in corpus.docs:
        by_file[d["_file"]].append(d)
    print("sentence counts …", file=sys.stderr)
    counts = SentenceCounts(corpus)

    def rng(name):
        return random.Random(f"{SEED}:{name}")

    passages = pick_passages(rng("passages"), corpus, counts, by_file)
    write_passages(args.out, passages)
    print(f"{len(passages)} passages → {args.out} ({collections.Counter(p['_file'] for p in passages)})", file=sys.stderr)
    if args.corpus_only:
        return

    folded = {p["id"]: mqs.fold(p["title"]) + "\n" + mqs.fold(p["body"]) for p in passages}
    sent_index = collections.defaultdict(set)
    for p in passages:
        for s in question_sentences(p["body"]):
            sent_index[mqs.sentence_key(s)].add(p["id"])

    print("questions …", file=sys.stderr)
    seen: set[str] = set()
    kind_counts = collections.Counter()
    rows = []
    qr = rng("questions")
    short_missing = 0
    for p in passages:
        got = long_questions(qr, seg, p, counts, kind_counts, seen, LONG_PER_PASSAGE, TRAD_SHARE)
        sq = [short_question(qr, seg, p, folded, seen, TRAD_SHARE)]
        # a second short question (another term) makes up for passages that had none
        if sq[0] and short_missing > 0:
            sq.append(short_question(qr, seg, p, folded, seen, TRAD_SHARE, avoid={sq[0]["term_simp"]}))
            short_missing -= 1 if sq[-1] else 0
        elif not sq[0]:
            short_missing += 1
        for row in got + [x for x in sq if x]:
            row["passage"] = p["id"]
            row["answers"] = judged(p, row, sent_index)
            rows.append(row)
    rng("order").shuffle(rows)
    pr = rng("paste")
    for row in rows:
        if pr.random() < mqs.PASTED_SHARE:
            row["q"] = mqs.paste(pr, row["q"], row["words"])
            row["kinds"].append("pasted")

    for d in ("queries", "qrels", "kinds"):
        (args.dest / d).mkdir(parents=True, exist_ok=True)
    with open(args.dest / "queries" / f"{SET}.tsv", "w", encoding="utf-8") as fq, \
            open(args.dest / "qrels" / f"{SET}.tsv", "w", encoding="utf-8") as fj, \
            open(args.dest / "kinds" / f"{SET}.tsv", "w", encoding="utf-8") as fk:
        for i, row in enumerate(rows, 1):
            qid = f"{PREFIX}{i:04d}"
            row["qid"] = qid
            fq.write(f"{qid}\t{row['q']}\n")
            fk.write(f"{qid}\t{','.join(row['kinds'])}\n")
            for g, pid in enumerate(row["answers"], 1):  # no duplicates among passages: one id a group
                fj.write(f"{qid}\t{g}\t{pid}\n")
    kinds = collections.Counter(k for row in rows for k in row["kinds"])
    by_corpus = collections.Counter(row["passage"].split("-", 1)[1].split("-")[0] for row in rows)
    print(f"{len(rows)} questions ({len(rows) / len(passages):.2f} a passage): {dict(kinds)}; by corpus {dict(by_corpus)}", file=sys.stderr)
    short_title = sum(1 for r in rows if r.get("term_from") == "title")
    print(f"short questions on the title's entity: {short_title} of {kinds['short']}; questions judged on more than one passage: {sum(1 for r in rows if len(r['answers']) > 1)}", file=sys.stderr)
    if args.sample:
        by_id = {p["id"]: p for p in passages}
        with open(args.sample, "w", encoding="utf-8") as fh:
            for row in rows:
                p = by_id[row["passage"]]
                fh.write(json.dumps({"qid": row["qid"], "q": row["q"], "kinds": row["kinds"], "sentence": row["sentence"], "term": row.get("term"),
                                     "answers": row["answers"], "title": p["title"], "body": p["body"]}, ensure_ascii=False) + "\n")
    print("done", file=sys.stderr)


if __name__ == "__main__":
    main()
