#!/usr/bin/env python3
"""What the Python package costs beside the engine (issue 20, "Measured").

1. Indexing throughput: `baoku index FILE.jsonl` against `w.upsert(json.loads(line))`
   of every line of the same JSON Lines file in `archive.writer()` (articles/s, MB/s
   of raw JSONL; the json.loads share is timed apart).
2. Per-query overhead on the index `baoku index` built: every query of the sets is
   searched once to warm up, then ROUNDS times, (a) from Python with
   `archive.search(q)` and (b) from Rust with `archive.search(&request)`
   (python/examples/search_overhead.rs), the two callers' rounds alternating so that
   both meet the machine's load alike; overhead = wall time of the call - the
   engine's own `took_ms`, p50/p99 over all calls. The Rust figure is what calling
   the library costs anyway, so the binding's cost is Python's minus Rust's. Reading
   every field of the 10 hits after the call (the objects convert lazily) is timed
   apart.

Run it from the repository root, with the package built in target/py-venv (as .ci/run
builds it) and under the benchmark lock:

    cargo build --release && cargo build --release -p baoku-python --example search_overhead
    (cd python && VIRTUAL_ENV=$PWD/../target/py-venv PATH=$PWD/../target/py-venv/bin:$PATH \\
        maturin develop --release -q)
    flock /tmp/baoku-bench.lock target/py-venv/bin/python bench/python/overhead.py

Everything it writes goes under --work (/tmp/baoku-bench/python): the decompressed
corpus, the two indexes, and results.json (the numbers printed, and every call's).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import baoku

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(REPO / "bench" / "peers"))
from pycommon import read_queries  # noqa: E402  (bench/peers/pycommon.py)

QUERIES = REPO / "bench" / "relevance" / "queries"
SETS = ["two_word", "ki_cctv", "qa_cctv"]
TARGET_US = 50


def p50_p99(values):
    """p50 and p99 of `values`, interpolated as bench/peers/run.py's percentiles()."""
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49], cuts[98]


def decompressed(corpus: Path, work: Path) -> Path:
    if corpus.suffix != ".zst":
        return corpus
    out = work / corpus.stem
    if not out.exists():
        with open(out.with_suffix(".part"), "wb") as fh:
            subprocess.run(["zstd", "-d", "-c", str(corpus)], stdout=fh, check=True)
        out.with_suffix(".part").rename(out)
    return out


def cpu_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def index_with_cli(baoku_bin: Path, jsonl: Path, index: Path) -> dict:
    shutil.rmtree(index, ignore_errors=True)
    cpu = cpu_seconds(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        [str(baoku_bin), "--index", str(index), "index", "--quiet", str(jsonl)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - started
    cpu = cpu_seconds(resource.RUSAGE_CHILDREN) - cpu
    return {"seconds": seconds, "cpu_seconds": cpu, "articles": len(baoku.Archive(index))}


def index_with_upsert(jsonl: Path, index: Path) -> dict:
    shutil.rmtree(index, ignore_errors=True)
    archive = baoku.Archive.create(index)
    cpu = cpu_seconds(resource.RUSAGE_SELF)
    started = time.perf_counter()
    with archive.writer() as w, open(jsonl, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                w.upsert(json.loads(line))
    seconds = time.perf_counter() - started
    cpu = cpu_seconds(resource.RUSAGE_SELF) - cpu
    # The share of json.loads alone: the records "built in Python".
    started = time.perf_counter()
    with open(jsonl, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                json.loads(line)
    loads = time.perf_counter() - started
    archive.reload()
    return {"seconds": seconds, "cpu_seconds": cpu, "json_loads_seconds": loads, "articles": len(archive)}


def read_hits(results) -> int:
    """Touches every field of every hit, as a notebook printing them would."""
    n = 0
    for hit in results:
        fields = (hit.id, hit.title, hit.title_highlights, hit.date, hit.source, hit.author,
                  hit.url, hit.score, hit.similar, hit.partial, hit.path)
        n += len(fields)
        for snippet in hit.snippets:
            n += len(snippet.text) + len(snippet.highlights)
    return n


def python_calls(archive, queries, timed: bool) -> list[dict]:
    """One search of every query; the timings, unless it is the warm-up round."""
    calls = []
    for qid, query in queries:
        started = time.perf_counter_ns()
        results = archive.search(query)
        wall = time.perf_counter_ns() - started
        started = time.perf_counter_ns()
        read_hits(results)
        read = time.perf_counter_ns() - started
        if timed:
            calls.append({"id": qid, "wall_us": wall / 1000, "took_us": results.took_ms * 1000,
                          "read_us": read / 1000, "hits": len(results)})
        # Freed here, not while the next call is timed (Rust drops its results untimed too).
        del results
    return calls


def rust_calls(example: Path, index: Path, query_files) -> list[dict]:
    """One timed search of every query by the Rust program (after its own warm-up)."""
    calls = []
    for path in query_files:
        out = subprocess.run([str(example), str(index), str(path), "1"],
                             capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            qid, wall_ns, took_ms = line.split("\t")
            calls.append({"id": qid, "wall_us": int(wall_ns) / 1000, "took_us": float(took_ms) * 1000})
    return calls


def overhead(calls) -> dict:
    over = [c["wall_us"] - c["took_us"] for c in calls]
    p50, p99 = p50_p99(over)
    took50, took99 = p50_p99([c["took_us"] for c in calls])
    out = {"calls": len(calls), "overhead_p50_us": p50, "overhead_p99_us": p99,
           "took_p50_ms": took50 / 1000, "took_p99_ms": took99 / 1000}
    if "read_us" in calls[0]:
        out["read_p50_us"], out["read_p99_us"] = p50_p99([c["read_us"] for c in calls])
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus" / "cctv_xwlb.jsonl.zst",
                    help="a JSON Lines file (.jsonl or .jsonl.zst) to index both ways")
    ap.add_argument("--sets", default=",".join(SETS),
                    help=f"query sets of bench/relevance/queries (default {','.join(SETS)})")
    ap.add_argument("--rounds", type=int, default=3, help="timed searches of each query (default 3)")
    ap.add_argument("--work", type=Path, default=Path("/tmp/baoku-bench/python"))
    ap.add_argument("--baoku", type=Path, default=REPO / "target" / "release" / "baoku")
    ap.add_argument("--example", type=Path, default=REPO / "target" / "release" / "examples" / "search_overhead")
    ap.add_argument("--skip-index", action="store_true", help="reuse the indexes of an earlier run")
    args = ap.parse_args()

    for path, build in [(args.baoku, "cargo build --release"),
                        (args.example, "cargo build --release -p baoku-python --example search_overhead")]:
        if not path.exists():
            print(f"overhead.py: {path} is missing: {build}", file=sys.stderr)
            return 2
    args.work.mkdir(parents=True, exist_ok=True)
    jsonl = decompressed(args.corpus, args.work)
    mb = jsonl.stat().st_size / 1e6
    cli_index, py_index = args.work / "cli-index", args.work / "upsert-index"
    result = {"corpus": str(args.corpus), "jsonl_mb": mb, "baoku": baoku.__version__}

    if not args.skip_index:
        result["index_cli"] = index_with_cli(args.baoku, jsonl, cli_index)
        result["index_upsert"] = index_with_upsert(jsonl, py_index)
        print(f"indexing {jsonl.name} ({mb:.0f} MB):")
        print("| how | articles | wall s | articles/s | MB/s | CPU s (all threads) |")
        print("|---|---|---|---|---|---|")
        for name, how in [("index_cli", "`baoku index FILE`"), ("index_upsert", "Python `w.upsert(json.loads(line))`")]:
            r = result[name]
            print(f"| {how} | {r['articles']:,} | {r['seconds']:.1f} | {r['articles'] / r['seconds']:,.0f} "
                  f"| {mb / r['seconds']:.1f} | {r['cpu_seconds']:.1f} |")
        print(f"(json.loads alone: {result['index_upsert']['json_loads_seconds']:.1f} s of the upserts')\n")

    sets = [s for s in args.sets.split(",") if s]
    files = [QUERIES / f"{s}.tsv" for s in sets]
    queries = [q for path in files for q in read_queries(path)]
    # Rounds alternate between the two callers, so that both meet the same load.
    archive = baoku.Archive(cli_index)
    python_calls(archive, queries, timed=False)
    python, rust = [], []
    for _ in range(args.rounds):
        rust += rust_calls(args.example, cli_index, files)
        python += python_calls(archive, queries, timed=True)
    result["search"] = {"sets": sets, "queries": len(queries), "rounds": args.rounds,
                        "python": overhead(python), "rust": overhead(rust)}
    s = result["search"]
    print(f"one search, {len(queries)} queries ({', '.join(sets)}) × {args.rounds} rounds, warm, "
          f"10 hits with 3 snippets; overhead = wall time of the call − took_ms:")
    print("| caller | calls | took_ms p50 / p99 | overhead p50 / p99 µs | reading the hits p50 / p99 µs |")
    print("|---|---|---|---|---|")
    for name, who in [("rust", "Rust `archive.search(&request)`"), ("python", "Python `archive.search(q)`")]:
        o = s[name]
        read = f"{o['read_p50_us']:.1f} / {o['read_p99_us']:.1f}" if "read_p50_us" in o else "–"
        print(f"| {who} | {o['calls']:,} | {o['took_p50_ms']:.2f} / {o['took_p99_ms']:.2f} "
              f"| {o['overhead_p50_us']:.1f} / {o['overhead_p99_us']:.1f} | {read} |")
    # The binding's own cost, query by query: the least overhead of its rounds from
    # Python minus the least from Rust (the least filters out the moments another
    # process had the CPU; what remains is what each call costs at best).
    best = {}
    for who, calls in [("python", python), ("rust", rust)]:
        for c in calls:
            key = (who, c["id"])
            best[key] = min(best.get(key, float("inf")), c["wall_us"] - c["took_us"])
    paired = [best[("python", qid)] - best[("rust", qid)] for qid, _ in queries]
    s["binding_p50_us"], s["binding_p99_us"] = p50_p99(paired)
    verdict = "within" if s["binding_p99_us"] <= TARGET_US else "above"
    print(f"\nthe binding's own cost per query (best of {args.rounds} rounds from Python − best from Rust, "
          f"{len(paired)} queries): p50 {s['binding_p50_us']:.1f} µs, p99 {s['binding_p99_us']:.1f} µs, "
          f"max {max(paired):.1f} µs ({verdict} the {TARGET_US} µs target at p99)")
    result["calls"] = {"python": python, "rust": rust}
    (args.work / "results.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
