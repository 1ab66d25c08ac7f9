#!/usr/bin/env python3
"""How good `baoku similar` is, on the shared corpora, with judgments we did not make for it.

Two measures, each over hundreds of seed articles:

1. Reprints first. Every article of the archive that has reprints (body fingerprints
   within 3 bits; found by `baoku show --json`'s "reprints") is a seed: with
   `--reprints`, its reprints must be the first results, all of them; without, none of
   them may appear.
2. Same subject, not unrelated. The topical sets of bench/relevance (topical_cctv,
   topical_hkcnews: every article whose title carried an editor's series tag such as
   【新春走基层】 is judged for that tag) on copies of the corpora whose titles lost
   their tags (as bench/peers/run.py scores them), so that the tag's words cannot be
   what makes two articles "similar": for seeds drawn from each tag's articles, the
   share of `similar`'s top 5 and top 10 that carry the same tag (precision, a lower
   bound: an article of the same subject outside the series counts as wrong), beside
   what a random pick would give (the tag's share of the corpus) and beside a search
   for the seed's headline (`baoku search TITLE`, the obvious alternative).

    bench/reading/similar_eval.py --baoku target/release/baoku --work /tmp/similar
        [--seeds-per-topic 2] [--max-reprint-seeds 300]

Indexes are built under WORK (once; reused when present). Prints a table and writes
WORK/similar_eval.json. Run alone on the machine (flock /tmp/baoku-bench.lock …).
"""
from __future__ import annotations

import argparse
import collections
import json
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench" / "relevance"))
from make_questions import strip_title_tags  # noqa: E402

SHARED = ROOT.parent / "shared" / "corpus"
TOPICAL = {"topical_cctv": "cctv_xwlb", "topical_hkcnews": "hkcnews"}


def run_json(baoku: str, index: Path, args: list[str]):
    out = subprocess.run([baoku, "--index", str(index), *args, "--json"], capture_output=True, text=True)
    if out.returncode not in (0, 1):
        raise SystemExit(f"baoku {' '.join(args)}: {out.stderr.strip()}")
    return json.loads(out.stdout) if out.stdout.strip() else None


def stripped_copy(corpus: str, work: Path) -> Path:
    out = work / f"{corpus}.stripped.jsonl"
    if out.exists():
        return out
    src = SHARED / f"{corpus}.jsonl.zst"
    tmp = out.with_suffix(".part")
    with subprocess.Popen(["zstdcat", str(src)], stdout=subprocess.PIPE, text=True, encoding="utf-8") as p, \
            open(tmp, "w", encoding="utf-8") as dst:
        for line in p.stdout:
            if line.strip():
                rec = json.loads(line)
                rec["title"] = strip_title_tags(rec.get("title"))
                dst.write(json.dumps(rec, ensure_ascii=False) + "\n")
    tmp.rename(out)
    return out


def build(baoku: str, corpus_file: Path, index: Path):
    if (index / "meta.json").exists():
        return
    t = time.perf_counter()
    subprocess.run([baoku, "--index", str(index), "index", "--quiet", str(corpus_file)], check=True)
    print(f"indexed {corpus_file.name} in {time.perf_counter() - t:.0f} s", file=sys.stderr)


def qrels(name: str) -> dict[str, list[str]]:
    topics: dict[str, list[str]] = collections.defaultdict(list)
    for line in (ROOT / "bench" / "relevance" / "qrels" / f"{name}.tsv").read_text(encoding="utf-8").splitlines():
        qid, _, doc = line.split("\t")[:3]
        topics[qid].append(doc)
    return topics


def topical(baoku: str, index: Path, name: str, seeds_per_topic: int, rng: random.Random):
    topics = qrels(name)
    articles = run_json(baoku, index, ["stats"])["articles"]
    rows = {"similar@5": [], "similar@10": [], "title search@5": [], "title search@10": [], "chance": [], "empty": 0}
    latencies = []
    for qid, docs in sorted(topics.items()):
        judged = set(docs)
        for seed in rng.sample(docs, min(seeds_per_topic, len(docs))):
            t = time.perf_counter()
            similar = run_json(baoku, index, ["similar", seed, "--limit", "10"])
            latencies.append(time.perf_counter() - t)
            got = [r["id"] for r in (similar or {}).get("similar", [])]
            if not got:
                rows["empty"] += 1
            article = run_json(baoku, index, ["show", seed])
            title = (article or {}).get("title") or ""
            found = []
            if title.strip():
                res = run_json(baoku, index, ["search", title, "--limit", "11", "--snippets", "0"])
                found = [h["id"] for h in (res or {}).get("hits", []) if h["id"] != seed][:10]
            for label, ids in (("similar", got), ("title search", found)):
                for k in (5, 10):
                    rows[f"{label}@{k}"].append(sum(i in judged for i in ids[:k]) / k)
            rows["chance"].append((len(judged) - 1) / max(articles - 1, 1))
    mean = {k: (sum(v) / len(v) if isinstance(v, list) and v else v) for k, v in rows.items()}
    mean["seeds"] = len(rows["chance"])
    latencies.sort()
    mean["similar p50 ms (one process per call)"] = 1000 * latencies[len(latencies) // 2]
    return mean


def reprint_seeds(baoku: str, index: Path, rng: random.Random, limit: int):
    """Articles with reprints: found by searching fingerprint-collapsed stories."""
    seen, seeds = set(), []
    for word in ["新华社", "记者", "发展", "会议", "香港", "政府", "经济", "市民", "报道", "表示", "中国", "警方"]:
        res = run_json(baoku, index, ["search", word, "--limit", "100", "--snippets", "0"])
        for hit in (res or {}).get("hits", []):
            if hit["similar"] > 0 and hit["id"] not in seen:
                seen.add(hit["id"])
                seeds.append(hit["id"])
    rng.shuffle(seeds)
    return seeds[:limit]


def reprints(baoku: str, index: Path, seeds: list[str]):
    first, leaked, complete = 0, 0, 0
    for seed in seeds:
        own = {r["id"] for r in run_json(baoku, index, ["show", seed])["reprints"]}
        with_ = [r["id"] for r in run_json(baoku, index, ["similar", seed, "--reprints", "--limit", "100"])["similar"]]
        without = [r["id"] for r in run_json(baoku, index, ["similar", seed, "--limit", "10"])["similar"]]
        head = set(with_[: len(own)])
        first += head == own
        complete += own <= set(with_)
        leaked += bool(own & set(without))
    n = len(seeds)
    return {"seeds": n, "reprints first (all of them)": first / n if n else 0,
            "every reprint listed": complete / n if n else 0, "reprint leaked without --reprints": leaked / n if n else 0}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--baoku", default=str(ROOT / "target" / "release" / "baoku"))
    ap.add_argument("--work", default="/tmp/baoku-similar")
    ap.add_argument("--seeds-per-topic", type=int, default=2)
    ap.add_argument("--max-reprint-seeds", type=int, default=300)
    args = ap.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    rng = random.Random(20261202)
    report = {}
    for name, corpus in TOPICAL.items():
        copy = stripped_copy(corpus, work)
        index = work / f"{corpus}.index"
        build(args.baoku, copy, index)
        report[name] = topical(args.baoku, index, name, args.seeds_per_topic, rng)
        seeds = reprint_seeds(args.baoku, index, rng, args.max_reprint_seeds // 2)
        report[f"reprints_{corpus}"] = reprints(args.baoku, index, seeds)
    (work / "similar_eval.json").write_text(json.dumps(report, ensure_ascii=False, indent=1))
    for name, row in report.items():
        print(name)
        for key, value in row.items():
            print(f"  {key:40} {value:.3f}" if isinstance(value, float) else f"  {key:40} {value}")


if __name__ == "__main__":
    main()
