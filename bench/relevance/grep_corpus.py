#!/usr/bin/env python3
"""Judging aid: list the corpus articles that contain every given string.

    python3 bench/relevance/grep_corpus.py [--title] [--show ID] WORD [WORD ...]

Matches in title + body (only the title with --title); a WORD of the form a|b matches
either. Prints id, date, body length, title, and the first characters of the body.
Used to find and check the answer articles of questions.tsv; it needs the decompressed
corpus (bench/run.sh leaves it in /tmp/baoku-bench/data).
"""
import argparse
import json
from pathlib import Path

DATA = Path("/tmp/baoku-bench/data")
FILES = ["cctv_xwlb.jsonl", "hkcnews.jsonl", "zh_inews.jsonl"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--title", action="store_true")
    ap.add_argument("--show", help="print the whole article with this id")
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--limit", type=int, default=60)
    ap.add_argument("words", nargs="*")
    a = ap.parse_args()
    alts = [w.split("|") for w in a.words]
    n = 0
    for f in FILES:
        with open(a.data / f, encoding="utf-8") as fh:
            for line in fh:
                if a.show and a.show not in line:
                    continue
                d = json.loads(line)
                if a.show:
                    if d["id"] == a.show:
                        print(json.dumps(d, ensure_ascii=False, indent=1))
                        return
                    continue
                text = d["title"] if a.title else d["title"] + "\n" + (d["body"] or "")
                if all(any(w in text for w in alt) for alt in alts):
                    n += 1
                    if n <= a.limit:
                        print(f"{d['id']}\t{d['date']}\t{len(d['body'] or '')}\t{d['title']}\t{(d['body'] or '')[:60]!r}")
    print(f"# {n} articles")


if __name__ == "__main__":
    main()
