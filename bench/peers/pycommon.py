"""What the Python peers share: reading the corpus, query words, the batch/one-shot loop.

Each peer module defines `build(index_dir, files)` and a `Searcher(index_dir)` whose
`run(query, limit, snippets)` returns (total, mode, hits) where hits are dicts with at
least "id" (and "title", "snippet" when snippets are asked for). `main(peer)` turns
that into the command line shared by every peer:

    python PEER.py index  --index DIR FILE.jsonl...
    python PEER.py batch  --index DIR --queries FILE [--limit 10] [--snippets 3|0] [--passes 2] [--mode or]
    python PEER.py search --index DIR [--limit 10] QUERY
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time

# baoku splits an unquoted query at whitespace and sentence punctuation; so do the peers.
WORD_SPLIT = re.compile(r"[\s\u3000，。！？；、,.!?;:：]+")


def words(query: str) -> list[str]:
    return [w for w in WORD_SPLIT.split(query) if w]


# For a question a user of these engines gets the OR of the analysed tokens of the whole
# text; the text between quotes, brackets and emoji is what gets analysed.
OR_SPLIT = re.compile(r"[^\w]+")


def or_words(query: str) -> list[str]:
    return [w for w in OR_SPLIT.split(query) if w]


def read_jsonl(files):
    for name in files:
        with open(name, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    yield line


def read_queries(path):
    out = []
    with open(path, encoding="utf-8") as fh:
        for i, line in enumerate(fh, 1):
            line = line.rstrip("\n")
            if not line.strip():
                continue
            qid, _, q = line.partition("\t") if "\t" in line else (str(i), "", line)
            out.append((qid, q))
    return out


def main(peer):
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["index", "batch", "search"])
    ap.add_argument("--index", required=True)
    ap.add_argument("--queries")
    ap.add_argument("--limit", type=int, default=10)
    ap.add_argument("--snippets", type=int, default=3)
    ap.add_argument("--passes", type=int, default=2)
    ap.add_argument("--mode", choices=["strict", "or"], default="strict", help="strict (every word, then relaxed) or or (any token, BM25)")
    ap.add_argument("rest", nargs="*")
    a = ap.parse_intermixed_args()
    out = sys.stdout
    if a.cmd == "index":
        t0 = time.perf_counter()
        n = peer.build(a.index, a.rest)
        print(json.dumps({"docs": n, "seconds": round(time.perf_counter() - t0, 3)}))
    elif a.cmd == "batch":
        s = peer.Searcher(a.index)
        qs = read_queries(a.queries)
        # earlier passes warm caches; only the last pass is written
        for p in range(1, a.passes + 1):
            for qid, q in qs:
                t0 = time.perf_counter()
                total, mode, hits = s.run(q, a.limit, a.snippets, or_mode=a.mode == "or")
                took = (time.perf_counter() - t0) * 1000
                if p == a.passes:
                    out.write(
                        json.dumps(
                            {"qid": qid, "query": q, "total": total, "mode": mode, "took_ms": round(took, 4), "hits": [h["id"] for h in hits]},
                            ensure_ascii=False,
                        )
                        + "\n"
                    )
        out.flush()
    else:
        if len(a.rest) != 1:
            sys.exit("search takes one QUERY")
        s = peer.Searcher(a.index)
        total, mode, hits = s.run(a.rest[0], a.limit, 3)
        print(json.dumps({"query": a.rest[0], "total": total, "mode": mode, "hits": hits}, ensure_ascii=False))
        sys.exit(0 if total else 1)
