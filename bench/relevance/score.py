#!/usr/bin/env python3
"""Score ranked results against the judgments in bench/relevance/qrels/.

    python3 bench/relevance/score.py SET RUN.jsonl [RUN.jsonl ...]

A run file has one JSON line per query with at least {"qid", "hits": [id, ...]} (the
ids of the ranked articles; `baoku search --batch` lines, whose hits are objects with
an "id", are accepted too). For every query the judged answers are groups of ids (an
article and its exact duplicates); a group is found when any of its ids is returned.

- MRR@10: the mean of 1/rank of the first returned article that belongs to any judged
  group, 0 when none is in the top 10.
- Recall@k: the mean over queries of the share of judged groups found in the top k.

A query missing from a run counts as answered with nothing.
"""
from __future__ import annotations

import collections
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def read_qrels(path):
    """{qid: {group: set(ids)}}"""
    q = collections.defaultdict(lambda: collections.defaultdict(set))
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                qid, group, doc = line.rstrip("\n").split("\t")
                q[qid][group].add(doc)
    return {k: dict(v) for k, v in q.items()}


def hit_ids(row):
    return [h["id"] if isinstance(h, dict) else h for h in row.get("hits", [])]


def evaluate(qrels, rows):
    by_qid = {str(r["qid"]): r for r in rows}
    mrr = r10 = r100 = 0.0
    relaxed = empty = 0
    for qid, groups in qrels.items():
        row = by_qid.get(qid, {})
        ids = hit_ids(row)
        if not ids:
            empty += 1
        if row.get("mode") == "relaxed":
            relaxed += 1
        group_of = {d: g for g, docs in groups.items() for d in docs}
        for rank, d in enumerate(ids[:10], 1):
            if d in group_of:
                mrr += 1.0 / rank
                break
        r10 += len({group_of[d] for d in ids[:10] if d in group_of}) / len(groups)
        r100 += len({group_of[d] for d in ids[:100] if d in group_of}) / len(groups)
    n = len(qrels) or 1
    return {"queries": len(qrels), "mrr10": mrr / n, "recall10": r10 / n, "recall100": r100 / n, "relaxed": relaxed, "no_hits": empty}


def tables(rel_dir: Path, runs):
    """runs: {set: {engine: rows}} → (markdown, {set: {engine: metrics}})"""
    metrics = {}
    lines = ["### Relevance (all three corpora, top 100)", "", "MRR@10 / Recall@10 / Recall@100; in brackets: queries answered in relaxed mode, and with nothing.", ""]
    engines = list(dict.fromkeys(e for s in runs.values() for e in s))
    lines.append("| query set | queries | " + " | ".join(engines) + " |")
    lines.append("|---|---|" + "---|" * len(engines))
    for s, by_engine in runs.items():
        qrels = read_qrels(rel_dir / "qrels" / f"{s}.tsv")
        metrics[s] = {e: evaluate(qrels, rows) for e, rows in by_engine.items()}
        best = max(m["mrr10"] for m in metrics[s].values())
        cells = []
        for e in engines:
            m = metrics[s].get(e)
            if not m:
                cells.append("–")
                continue
            mark = "**" if m["mrr10"] == best else ""
            cells.append(f"{mark}{m['mrr10']:.3f}{mark} / {m['recall10']:.3f} / {m['recall100']:.3f} ({m['relaxed']}, {m['no_hits']})")
        lines.append(f"| {s} | {len(qrels)} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n", metrics


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    qrels = read_qrels(HERE / "qrels" / f"{sys.argv[1]}.tsv")
    for path in sys.argv[2:]:
        with open(path, encoding="utf-8") as fh:
            rows = [json.loads(line) for line in fh if line.strip()]
        m = evaluate(qrels, rows)
        print(f"{path}: MRR@10 {m['mrr10']:.3f}  R@10 {m['recall10']:.3f}  R@100 {m['recall100']:.3f}  ({m['queries']} queries, {m['relaxed']} relaxed, {m['no_hits']} with nothing)")


if __name__ == "__main__":
    main()
