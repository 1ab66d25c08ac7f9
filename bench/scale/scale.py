#!/usr/bin/env python3
"""baoku at a million articles and beyond (issue 16): `bench/run.sh --only scale`.

For each size (default 117k and 1M articles; `--sizes 117k,1M,3M`) it writes the first N
synthetic articles of bench/scale/generate.py (one deterministic stream: a smaller size is
a prefix of a larger one), indexes them with baoku and measures:

- index wall time, MB/s of JSON Lines, µs per article, index bytes and bytes ÷ raw;
- peak memory of the indexing process: the kernel's high-water mark (`ru_maxrss`, what
  `/usr/bin/time` reports) and, sampled every 0.2 s from /proc/PID/status, the largest
  anonymous (`RssAnon`: heap, buffers — what the process owns) and file-backed
  (`RssFile`: mapped index files, pages the kernel can drop and reread) parts;
- warm latency (`search --batch`, second of two passes, `took_ms`) of the 300 two-word
  queries (top 10 with 3 snippets) and of the 560 `qa_cctv` questions (as users run
  them: default mode, top 10 with snippets);
- one-shot: the median wall time of 7 new processes answering one two-word query.

It writes WORK/results/scale-TIME/{results.json,tables.md,scale.svg}; `--svg FILE`
writes the plot there too (bench/scale/scale.svg is the one bench/README.md shows).
`--reuse` keeps an index whose stamp says it was built from the same file by the same
binary, so that query-side changes can be measured without a 20-minute rebuild.
"""
from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "peers"))
import run as bench  # noqa: E402  (bench/peers/run.py: log, sh, percentiles, read_tsv, dir_bytes)

GENERATOR = HERE / "generate.py"
TWO_WORD = bench.REL / "queries" / "two_word.tsv"
QUESTIONS = bench.REL / "queries" / "qa_cctv.tsv"
SIZES = {"117k": 117_075, "1M": 1_000_000, "3M": 3_000_000}


def parse_size(text: str) -> int:
    if text in SIZES:
        return SIZES[text]
    t = text.lower().replace(",", "").replace("_", "")
    mult = 1_000_000 if t.endswith("m") else 1000 if t.endswith("k") else 1
    try:
        return int(float(t.rstrip("mk")) * mult)
    except ValueError:
        sys.exit(f"--sizes: {text!r} is not a number of articles (e.g. 117k, 1M, 250000)")


def label(n: int) -> str:
    return f"{n / 1e6:g}M" if n >= 1_000_000 else f"{n / 1000:.0f}k"


def synthetic(env, n: int) -> Path:
    """WORK/data/synth_N.jsonl: the first n generated articles (a prefix of a larger file
    when there is one)."""
    data = env.work / "data"
    data.mkdir(parents=True, exist_ok=True)
    out = data / f"synth_{n}.jsonl"
    if out.exists():
        return out
    bigger = sorted((int(p.stem.split("_")[1]), p) for p in data.glob("synth_*.jsonl") if p.stem.split("_")[1].isdigit() and int(p.stem.split("_")[1]) > n)
    tmp = out.with_suffix(".part")
    if bigger:
        bench.log(f"{out.name}: the first {n:,} lines of {bigger[0][1].name}")
        with open(bigger[0][1], "rb") as src, open(tmp, "wb") as dst:
            for i, line in enumerate(src):
                if i == n:
                    break
                dst.write(line)
    else:
        bench.sh([sys.executable, str(GENERATOR), "--articles", str(n), "--out", str(tmp), "--corpus", env.args.corpus])
    tmp.rename(out)
    return out


def status_kb(pid: int):
    """RssAnon and RssFile (+RssShmem) of a live process, in kB, or None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    got = {}
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key in ("RssAnon", "RssFile", "RssShmem", "VmRSS"):
            got[key] = int(value.split()[0])
    return got


def index_measured(env, index_dir: Path, file: Path):
    """Index file into index_dir; wall time, index bytes and the memory peaks."""
    if index_dir.exists():
        shutil.rmtree(index_dir)
    bench.warm_page_cache([file])
    cmd = [env.baoku, "--index", str(index_dir), "index", str(file)]
    bench.log("$", " ".join(cmd))
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peaks = {"RssAnon": 0, "RssFile": 0, "RssShmem": 0, "VmRSS": 0}
    stderr_tail = []

    def drain():
        assert proc.stderr is not None
        for line in proc.stderr:
            stderr_tail.append(line.decode("utf-8", "replace"))
            del stderr_tail[:-50]

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        now = status_kb(proc.pid)
        if now:
            for k, v in now.items():
                peaks[k] = max(peaks[k], v)
        time.sleep(0.2)
    wall = time.perf_counter() - t0
    reader.join(timeout=5)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"indexing {file} failed ({proc.returncode}): {''.join(stderr_tail)[-3000:]}")
    raw = file.stat().st_size
    size = bench.dir_bytes(index_dir)
    docs = bench.corpus_docs([file])
    r = {
        "docs": docs, "bytes": raw, "seconds": wall, "mb_s": raw / 1e6 / wall, "us_per_doc": wall / docs * 1e6,
        "index_bytes": size, "size_ratio": size / raw,
        "peak_rss_mb": usage.ru_maxrss / 1024, "peak_anon_mb": peaks["RssAnon"] / 1024, "peak_file_mb": (peaks["RssFile"] + peaks["RssShmem"]) / 1024,
        "summary": next((line.strip() for line in reversed(stderr_tail) if line.startswith("baoku:")), None),
    }
    bench.log(f"  {wall:.1f} s, {r['mb_s']:.2f} MB/s, {size / 1e6:.0f} MB ({r['size_ratio']:.2f}× raw), peak RSS {r['peak_rss_mb']:.0f} MB "
              f"(anon ≤ {r['peak_anon_mb']:.0f}, file ≤ {r['peak_file_mb']:.0f})")
    return r


def latency(env, index_dir: Path, queries: Path, tag: str, raw_dir: Path):
    engine = bench.Baoku(env)
    res = engine.batch(index_dir, queries, 10, 3)
    bench.write_jsonl(raw_dir / f"scale_{tag}_{queries.stem}.jsonl", res)
    lat = bench.percentiles([r.get("took_ms") for r in res])
    relaxed = sum(1 for r in res if r.get("mode") == "relaxed")
    bound = sum(1 for r in res if r.get("total_is_lower_bound"))
    bench.log(f"  {queries.stem}: p50 {lat['p50']:.2f} / p95 {lat['p95']:.2f} / p99 {lat['p99']:.2f} ms ({relaxed} relaxed)")
    return {"latency": lat, "queries": len(res), "relaxed": relaxed, "total_lower_bound": bound}


def oneshot(env, index_dir: Path):
    queries = [q for _, q in bench.read_tsv(TWO_WORD)[: bench.ONESHOT_RUNS]]
    return bench.measure_oneshot(bench.Baoku(env), index_dir, queries)


def svg_plot(rows) -> str:
    """Two panels over the number of articles (log scale): indexing (MB/s, µs/article
    ÷ 100, peak anonymous and file-backed memory ÷ 1,000 MB) and latency (ms)."""
    rows = sorted(rows, key=lambda r: r["index"]["docs"])
    W, H, pad = 880, 330, 56
    panel_w = (W - 3 * pad) / 2

    def xmap(n, x0):
        import math
        lo, hi = math.log10(min(r["index"]["docs"] for r in rows) / 1.5), math.log10(max(r["index"]["docs"] for r in rows) * 1.5)
        return x0 + (math.log10(n) - lo) / (hi - lo) * panel_w

    def panel(x0, title, series, unit):
        top = max([v for _, pts, _ in series for _, v in pts if v is not None] + [1]) * 1.15
        out = [f'<text x="{x0 + panel_w / 2}" y="22" text-anchor="middle" font-size="14" font-weight="bold">{title}</text>',
               f'<line x1="{x0}" y1="{H - pad}" x2="{x0 + panel_w}" y2="{H - pad}" stroke="#444"/>',
               f'<line x1="{x0}" y1="{pad - 20}" x2="{x0}" y2="{H - pad}" stroke="#444"/>']
        for i in range(5):
            v = top * i / 4
            y = H - pad - (v / top) * (H - 2 * pad + 20)
            out.append(f'<text x="{x0 - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="10">{v:.3g}</text>')
            out.append(f'<line x1="{x0}" y1="{y:.1f}" x2="{x0 + panel_w}" y2="{y:.1f}" stroke="#ddd"/>')
        for r in rows:
            x = xmap(r["index"]["docs"], x0)
            out.append(f'<text x="{x:.1f}" y="{H - pad + 16}" text-anchor="middle" font-size="10">{label(r["index"]["docs"])}</text>')
        out.append(f'<text x="{x0 + panel_w / 2}" y="{H - pad + 32}" text-anchor="middle" font-size="11">articles (log scale); y: {unit}</text>')
        for k, (name, pts, colour) in enumerate(series):
            xy = [(xmap(n, x0), H - pad - (v / top) * (H - 2 * pad + 20)) for n, v in pts if v is not None]
            out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in xy)}"/>')
            out += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>' for x, y in xy]
            out.append(f'<rect x="{x0 + 8}" y="{pad - 14 + 14 * k}" width="10" height="3" fill="{colour}"/>'
                       f'<text x="{x0 + 22}" y="{pad - 10 + 14 * k}" font-size="10">{name}</text>')
        return out

    def pts(f):
        return [(r["index"]["docs"], f(r)) for r in rows]

    def lat(r, s, p):
        x = r.get("latency", {}).get(s, {}).get("latency")
        return x and x[p]

    left = panel(pad, "indexing", [
        ("MB/s", pts(lambda r: r["index"]["mb_s"]), "#1f77b4"),
        ("ms per article", pts(lambda r: r["index"]["us_per_doc"] / 1000), "#9467bd"),
        ("peak anonymous GB", pts(lambda r: r["index"]["peak_anon_mb"] / 1000), "#d62728"),
        ("peak file-backed GB", pts(lambda r: r["index"]["peak_file_mb"] / 1000), "#ff7f0e"),
        ("index ÷ raw", pts(lambda r: r["index"]["size_ratio"]), "#2ca02c"),
    ], "MB/s, GB, ratio")
    right = panel(2 * pad + panel_w, "query latency (took_ms)", [
        ("two-word p50", pts(lambda r: lat(r, "two_word", "p50")), "#1f77b4"),
        ("two-word p99", pts(lambda r: lat(r, "two_word", "p99")), "#aec7e8"),
        ("question p50", pts(lambda r: lat(r, "qa_cctv", "p50")), "#d62728"),
        ("question p99", pts(lambda r: lat(r, "qa_cctv", "p99")), "#ff9896"),
        ("one-shot (wall)", pts(lambda r: r.get("oneshot", {}).get("median_ms")), "#2ca02c"),
    ], "ms")
    body = "\n".join(left + right)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H + 10}" viewBox="0 0 {W} {H + 10}" font-family="sans-serif">\n'
            f'<rect width="100%" height="100%" fill="white"/>\n{body}\n</svg>\n')


def table(rows) -> str:
    head = ["articles", "JSONL MB", "index s", "MB/s", "µs/article", "index MB", "× raw", "peak RSS MB", "anon / file MB",
            "two-word p50 / p95 / p99 ms", "question p50 / p99 ms", "one-shot ms"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in sorted(rows, key=lambda r: r["index"]["docs"]):
        ix = r["index"]
        tw = r["latency"]["two_word"]["latency"]
        qa = r["latency"]["qa_cctv"]["latency"]
        lines.append("| " + " | ".join([
            f"{ix['docs']:,}", f"{ix['bytes'] / 1e6:,.0f}", f"{ix['seconds']:.1f}", f"{ix['mb_s']:.2f}", f"{ix['us_per_doc']:.0f}",
            f"{ix['index_bytes'] / 1e6:,.0f}", f"{ix['size_ratio']:.2f}", f"{ix['peak_rss_mb']:,.0f}", f"{ix['peak_anon_mb']:,.0f} / {ix['peak_file_mb']:,.0f}",
            f"{tw['p50']:.2f} / {tw['p95']:.2f} / {tw['p99']:.2f}", f"{qa['p50']:.2f} / {qa['p99']:.2f}", f"{r['oneshot']['median_ms']:.0f}",
        ]) + " |")
    return "\n".join(lines) + "\n"


def binary_stamp(path: str):
    st = Path(path).stat()
    return [path, st.st_size, int(st.st_mtime)]


def run_scale(env, results_dir: Path, raw_dir: Path):
    a = env.args
    sizes = [parse_size(s.strip()) for s in a.sizes.split(",") if s.strip()]
    rows = []
    results = {"baoku": env.baoku, "sizes": {}}
    for n in sorted(sizes, reverse=True):  # the largest first: the smaller files are its prefixes
        synthetic(env, n)
    for n in sorted(sizes):
        file = synthetic(env, n)
        d = env.work / "indexes" / f"synth_{n}_baoku"
        stamp = d / ".bench_index.json"
        key = {"file": bench.files_stamp([file]), "binary": binary_stamp(env.baoku)}
        r = None
        if a.reuse and stamp.exists():
            saved = json.loads(stamp.read_text())
            if saved.get("key") == key or (a.reuse_any_binary and saved.get("key", {}).get("file") == key["file"] and bench.Baoku(env).index_ok(d)):
                bench.log(f"reuse {d.name} (built {saved['index'].get('built', '?')})")
                r = dict(saved["index"], reused=True)
        if r is None:
            r = index_measured(env, d, file)
            r["built"] = time.strftime("%Y-%m-%d %H:%M")
            stamp.write_text(json.dumps({"key": key, "index": r}))
        row = {"index": r, "latency": {}}
        for q in (TWO_WORD, QUESTIONS):
            row["latency"][q.stem] = latency(env, d, q, label(n), raw_dir)
        row["oneshot"] = oneshot(env, d)
        rows.append(row)
        results["sizes"][label(n)] = row
        (results_dir / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1))
    md = f"### baoku on synthetic articles (bench/scale)\n\n{table(rows)}"
    svg = svg_plot(rows)
    (results_dir / "scale.svg").write_text(svg)
    if a.svg:
        Path(a.svg).write_text(svg)
    return md
