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
- nDCG@10: binary gain 1 for the first returned article of each judged group (a second
  article of the same group gains nothing), discounted by log2(rank + 1), divided by the
  ideal DCG of min(groups, 10) relevant articles at the top.

A query missing from a run counts as answered with nothing; a line with an "error"
(baoku refused the query) counts as answered with nothing and is counted as an error.
Where kinds/SET.tsv exists (qid <TAB> kind[,flag…]), the scores are also given per kind
and flag (a question counts for each of its labels).
"""
from __future__ import annotations

import collections
import json
import math
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


def read_kinds(path):
    """{qid: [labels]} from kinds/SET.tsv, or {} when the set has none."""
    out = {}
    if Path(path).exists():
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    qid, labels = line.rstrip("\n").split("\t")
                    out[qid] = [x for x in labels.split(",") if x]
    return out


def per_query(qrels, rows):
    """{qid: {"rr", "r10", "r100", "ndcg10", "empty", "relaxed", "error"}}"""
    by_qid = {str(r["qid"]): r for r in rows}
    out = {}
    for qid, groups in qrels.items():
        row = by_qid.get(qid, {})
        ids = hit_ids(row)
        group_of = {d: g for g, docs in groups.items() for d in docs}
        rr = 0.0
        for rank, d in enumerate(ids[:10], 1):
            if d in group_of:
                rr = 1.0 / rank
                break
        seen, dcg = set(), 0.0
        for rank, d in enumerate(ids[:10], 1):
            g = group_of.get(d)
            if g is not None and g not in seen:
                seen.add(g)
                dcg += 1.0 / math.log2(rank + 1)
        idcg = sum(1.0 / math.log2(r + 1) for r in range(1, min(len(groups), 10) + 1))
        out[qid] = {
            "rr": rr,
            "r10": len({group_of[d] for d in ids[:10] if d in group_of}) / len(groups),
            "r100": len({group_of[d] for d in ids[:100] if d in group_of}) / len(groups),
            "ndcg10": dcg / idcg if idcg else 0.0,
            "empty": not ids,
            "relaxed": row.get("mode") == "relaxed",
            "error": bool(row.get("error")),
        }
    return out


def aggregate(pq, qids=None):
    qids = list(pq) if qids is None else [q for q in qids if q in pq]
    n = len(qids) or 1
    return {
        "queries": len(qids),
        "mrr10": sum(pq[q]["rr"] for q in qids) / n,
        "recall10": sum(pq[q]["r10"] for q in qids) / n,
        "recall100": sum(pq[q]["r100"] for q in qids) / n,
        "ndcg10": sum(pq[q]["ndcg10"] for q in qids) / n,
        "no_hits": sum(1 for q in qids if pq[q]["empty"]),
        "relaxed": sum(1 for q in qids if pq[q]["relaxed"]),
        "errors": sum(1 for q in qids if pq[q]["error"]),
    }


def question_tables(rel_dir: Path, runs, title, asked=None):
    """The question and topical sets: per set, then per kind over all the question sets.
    runs: {set: {engine: rows}} → (markdown, {set: {engine: {"all": m, "kinds": {kind: m}}}});
    asked: the only question ids scored, when not all were asked (--quick)."""
    engines = list(dict.fromkeys(e for s in runs.values() for e in s))
    metrics = {}
    per_q = {}  # engine → {(set, qid): per-query}
    labels_of = {}
    lines = [f"### {title}", "", "MRR@10 / Recall@10 / nDCG@10; in brackets: queries answered with nothing (of which errors).", ""]
    lines.append("| set | queries | " + " | ".join(engines) + " |")
    lines.append("|---|---|" + "---|" * len(engines))

    def cell(m, best_key, best):
        mark = "**" if best_key is not None and abs(m[best_key] - best) < 1e-12 else ""
        err = f" of which {m['errors']} errors" if m.get("errors") else ""
        return f"{mark}{m['mrr10']:.3f} / {m['recall10']:.3f} / {m['ndcg10']:.3f}{mark} ({m['no_hits']}{err})"

    for s, by_engine in runs.items():
        qrels = {q: g for q, g in read_qrels(rel_dir / "qrels" / f"{s}.tsv").items() if asked is None or q in asked}
        kinds = {q: k for q, k in read_kinds(rel_dir / "kinds" / f"{s}.tsv").items() if q in qrels}
        metrics[s] = {}
        for e, rows in by_engine.items():
            pq = per_query(qrels, rows)
            m = {"all": aggregate(pq), "kinds": {}}
            by_kind = collections.defaultdict(list)
            for qid, ls in kinds.items():
                for lab in ls:
                    by_kind[lab].append(qid)
            for lab, qids in sorted(by_kind.items()):
                m["kinds"][lab] = aggregate(pq, qids)
            metrics[s][e] = m
            if kinds:
                for qid, v in pq.items():
                    per_q.setdefault(e, {})[(s, qid)] = v
                    labels_of[(s, qid)] = kinds.get(qid, [])
        key = "ndcg10" if s.startswith("topical") else "mrr10"
        best = max(metrics[s][e]["all"][key] for e in by_engine)
        cells = [cell(metrics[s][e]["all"], key, best) if e in metrics[s] else "–" for e in engines]
        lines.append(f"| {s} | {len(qrels)} | " + " | ".join(cells) + " |")
    if per_q:
        # every question set together, and by kind
        allq = sorted(labels_of)
        order = ["who", "what", "when", "where", "how_many", "short", "traditional", "simp_on_trad", "pasted"]
        labs = sorted({lab for ls in labels_of.values() for lab in ls}, key=lambda x: (order.index(x) if x in order else 99, x))
        groups = [("all questions", allq)] + [(lab, [k for k in allq if lab in labels_of[k]]) for lab in labs]
        groups.append(("long (not short)", [k for k in allq if "short" not in labels_of[k]]))
        lines += ["", "Questions by kind (all question sets together; a question counts for each of its labels):", ""]
        lines.append("| kind | queries | " + " | ".join(engines) + " |")
        lines.append("|---|---|" + "---|" * len(engines))
        metrics["_questions_by_kind"] = {}
        for lab, keys in groups:
            ms = {e: aggregate(per_q[e], keys) for e in engines if e in per_q}
            metrics["_questions_by_kind"][lab] = ms
            best = max(m["mrr10"] for m in ms.values())
            lines.append(f"| {lab} | {len(keys)} | " + " | ".join(cell(ms[e], "mrr10", best) if e in ms else "–" for e in engines) + " |")
    return "\n".join(lines) + "\n", metrics


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
    kinds = read_kinds(HERE / "kinds" / f"{sys.argv[1]}.tsv")
    for path in sys.argv[2:]:
        with open(path, encoding="utf-8") as fh:
            rows = [json.loads(line) for line in fh if line.strip()]
        pq = per_query(qrels, rows)
        m = aggregate(pq)
        print(f"{path}: MRR@10 {m['mrr10']:.3f}  R@10 {m['recall10']:.3f}  nDCG@10 {m['ndcg10']:.3f}  R@100 {m['recall100']:.3f}  ({m['queries']} queries, {m['relaxed']} relaxed, {m['no_hits']} with nothing, {m['errors']} errors)")
        by_kind = collections.defaultdict(list)
        for qid, ls in kinds.items():
            for lab in ls:
                by_kind[lab].append(qid)
        for lab, qids in sorted(by_kind.items()):
            k = aggregate(pq, qids)
            print(f"  {lab:14s} {k['queries']:5d}  MRR@10 {k['mrr10']:.3f}  R@10 {k['recall10']:.3f}  nDCG@10 {k['ndcg10']:.3f}  ({k['no_hits']} with nothing)")


if __name__ == "__main__":
    main()
