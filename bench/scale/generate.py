#!/usr/bin/env python3
"""Write N synthetic news articles, deterministically, from ../shared/corpus (issue 16).

Each article is a real headline over 4-14 real sentences drawn at random from the three
shared corpora (cctv_xwlb, hkcnews, zh_inews), with a real-looking date (2000-2026), an
outlet, an author and a url. Sentences are deduplicated before drawing, so no two bodies
are exact or near duplicates (the chance that two of a million articles share more than
one sentence is negligible), and the mix is pessimistic for an index: every article's
vocabulary is scattered across the three corpora.

One random stream draws every article in order, so the first K articles of an N-article
file are the K-article file: `--articles 1000000` and `--articles 117075` agree on their
first 117,075 lines, which is what makes a scale curve of one kind of article.

    python3 bench/scale/generate.py --articles 1000000 --out /tmp/baoku-bench/data/synth_1000k.jsonl

Standard library only; the corpora are read with the `zstd` command (Debian `zstd`).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
CORPORA = ["cctv_xwlb", "hkcnews", "zh_inews"]
SEED = 16
# sentence ends: Chinese and Western full stops, question and exclamation marks
SENTENCE = re.compile(r"[^。！？!?\n]*[。！？!?]+[”」』\"']?")
OUTLETS = [
    "新华社", "人民日报", "中国新闻网", "央视新闻", "光明日报", "经济日报", "澎湃新闻", "南方都市报",
    "新京报", "北京青年报", "解放日报", "文汇报", "羊城晚报", "齐鲁晚报", "华西都市报", "钱江晚报",
    "明報", "星島日報", "香港01", "眾新聞 Citizen News", "東方日報", "大公報", "文匯報", "信報",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建国志红梅林海波斌辉鹏飞宇浩然晨曦雪松云峰亮文博思远嘉欣子涵雨萱俊"


def read_corpus(corpus: Path):
    """(titles, sentences) of the three corpora, in file order; sentences deduplicated."""
    titles, sentences, seen = [], [], set()
    for name in CORPORA:
        path = corpus / f"{name}.jsonl.zst"
        if not path.exists():
            sys.exit(f"{path}: not found (the shared corpus is expected beside the repository; --corpus DIR)")
        proc = subprocess.Popen(["zstd", "-d", "-q", "-c", str(path)], stdout=subprocess.PIPE)
        assert proc.stdout is not None
        for lineno, raw in enumerate(proc.stdout, 1):
            if not raw.strip():
                continue
            try:
                rec = json.loads(raw)
            except ValueError as e:
                sys.exit(f"{path}:{lineno}: not JSON: {e}")
            title = (rec.get("title") or "").strip()
            if len(title) >= 4:
                titles.append(title)
            for m in SENTENCE.finditer(rec.get("body") or ""):
                s = m.group(0).strip()
                if len(s) >= 8 and s not in seen:
                    seen.add(s)
                    sentences.append(s)
        if proc.wait() != 0:
            sys.exit(f"{path}: zstd exited {proc.returncode}")
    return titles, sentences


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def articles(n: int, titles, sentences, seed: int = SEED):
    """The first n synthetic articles, as dicts in the corpus's JSON Lines shape."""
    rng = random.Random(seed)
    first = dt.date(2000, 1, 1).toordinal()
    days = dt.date(2026, 6, 30).toordinal() - first
    for i in range(n):
        date = dt.date.fromordinal(first + rng.randrange(days))
        outlet = rng.choice(OUTLETS)
        k = rng.randint(4, 14)
        picked = [rng.choice(sentences) for _ in range(k)]
        # paragraphs of 1-4 sentences, as news bodies have
        paras, j = [], 0
        while j < k:
            step = rng.randint(1, 4)
            paras.append("".join(picked[j:j + step]))
            j += step
        yield {
            "id": f"synth-{i:08d}",
            "title": rng.choice(titles),
            "date": date.isoformat(),
            "source": outlet,
            "author": f"记者 {person(rng)}" if rng.random() < 0.7 else None,
            "url": f"https://news.example.cn/{date:%Y%m/%d}/{i:08d}.html",
            "body": "\n".join(paras),
        }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, required=True, help="how many articles to write")
    ap.add_argument("--out", required=True, help="the JSON Lines file to write")
    ap.add_argument("--corpus", default=str(REPO.parent / "shared" / "corpus"))
    ap.add_argument("--seed", type=int, default=SEED)
    a = ap.parse_args()
    if a.articles <= 0:
        sys.exit(f"--articles {a.articles}: must be a positive number")
    titles, sentences = read_corpus(Path(a.corpus))
    out = Path(a.out)
    tmp = out.with_suffix(".part")
    with open(tmp, "w", encoding="utf-8") as fh:
        for rec in articles(a.articles, titles, sentences, a.seed):
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    tmp.rename(out)
    print(f"{out}: {a.articles:,} articles from {len(titles):,} titles and {len(sentences):,} sentences, {out.stat().st_size / 1e6:,.0f} MB", file=sys.stderr)


if __name__ == "__main__":
    main()
