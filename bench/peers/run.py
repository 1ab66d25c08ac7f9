#!/usr/bin/env python3
"""Run baoku and its peers on the same inputs and queries; print the tables.

Usually started through bench/run.sh (which makes the venv first). Steps:

  setup      apt (liblucene8-java, time), the venv's pip packages, javac of the Lucene
             driver, `cargo build --release` of baoku
  data       decompress ../shared/corpus/*.jsonl.zst into the work directory
  perf       per engine: index the cctv_xwlb corpus under /usr/bin/time -v (wall time,
             peak RSS), index bytes, warm latency of the query sets (each engine's own
             engine time per query, second of two passes), one-shot process latency
             (median of 7); then the same on all three corpora (117k articles), and
             baoku alone on 10k and 40k articles (scaling)
  relevance  every engine answers the judged query sets on the all-corpora index
             (top 100); bench/relevance/score.py computes MRR@10, Recall@10/100
  questions  the generated question sets (qa_*, on the all-corpora index), the topical
             sets (topical_*, each on its own tag-stripped corpus) and qa_passages (4,349
             questions on a corpus of 1,104 short passages, indexed alone: the reviewers'
             held-out setting): baoku as its users run it, the peers with OR of the analysed
             tokens of the query (BM25); MRR@10, Recall@10, nDCG@10 per set and per kind.
             Part of `relevance`; alone with `--only questions` (indexes are reused when
             they are still good); qa_passages alone with `--only passages` (5-10 min)

Everything is written to WORK/results/ (raw outputs, results.json, tables.md).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

# no __pycache__ folders in the repository, here or in the peer processes
sys.dont_write_bytecode = True
os.environ["PYTHONDONTWRITEBYTECODE"] = "1"

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
REL = REPO / "bench" / "relevance"
sys.path.insert(0, str(REL))
import score  # noqa: E402  (bench/relevance/score.py)
from make_questions import strip_title_tags  # noqa: E402  (bench/relevance/make_questions.py)

CORPORA = ["cctv_xwlb", "hkcnews", "zh_inews"]
PERF_SETS = ["two_word", "single_word", "phrase"]  # on the cctv index
FULL_PERF_SETS = ["two_word", "single_word", "phrase", "traditional"]  # on the all-corpora index
REL_SETS = ["ki_cctv", "ki_hkcnews_trad", "ki_hkcnews_simp", "ki_inews", "questions"]
QA_SETS = ["qa_cctv", "qa_hkcnews", "qa_inews"]  # on the all-corpora index
TOPICAL_SETS = {"topical_cctv": "cctv_xwlb", "topical_hkcnews": "hkcnews"}  # each on its tag-stripped corpus
# on its own small corpus of 1,104 passages that bench/relevance/make_passages.py cuts from the
# three corpora (written into WORK/data, not the repository); the peers answer it twice, without
# and with a 3x title boost, and the stronger of the two is the one compared
PASSAGE_SET = "qa_passages"
PASSAGE_BOOSTS = (1.0, 3.0)
LUCENE_JARS = ["core", "analyzers-common", "analyzers-smartcn", "highlighter", "queries", "memory"]
JAVA_OPTS = ["-Xmx1g"]  # a cap; the JVM sizes its heap below it as it needs
ONESHOT_RUNS = 7
# opencc and pyahocorasick: bench/relevance/make_questions.py (and the import above)
PIP_PACKAGES = ["tantivy==0.27.0", "jieba==0.42.1", "zstandard==0.25.0", "opencc-python-reimplemented==0.1.7", "pyahocorasick==2.3.1"]

ENGINE_LABELS = {
    "baoku": "baoku",
    "tantivy-py": "tantivy-py 0.27, CJK bigrams",
    "lucene-cjk": "Lucene 8.7 CJKAnalyzer",
    "lucene-smartcn": "Lucene 8.7 SmartChineseAnalyzer",
    "sqlite-fts5": "SQLite FTS5 + jieba",
}


def log(*a):
    print(f"[{dt.datetime.now():%H:%M:%S}]", *a, file=sys.stderr, flush=True)


def sh(cmd, **kw):
    log("$", " ".join(map(str, cmd)) if isinstance(cmd, list) else cmd)
    return subprocess.run(cmd, check=True, **kw)


# ----------------------------------------------------------------------------- setup


class Env:
    def __init__(self, args):
        self.args = args
        self.work = Path(args.work)
        self.py = str(Path(args.venv) / "bin" / "python")
        target = os.environ.get("CARGO_TARGET_DIR") or str(REPO / "target")
        self.baoku = args.baoku or str(Path(target) / "release" / "baoku")
        self.classes = self.work / "classes"
        self.cp = ":".join([str(self.classes)] + [f"/usr/share/java/lucene-{j}-8.7.0.jar" for j in LUCENE_JARS])
        self.has_batch = False


def setup(env: Env):
    a = env.args
    if a.only == "scale":
        # baoku alone, and the scale scripts need only Python's standard library and zstd
        if not os.path.exists("/usr/bin/zstd") and not a.skip_install:
            sh(["apt-get", "install", "-y", "-q", "zstd"], stdout=subprocess.DEVNULL)
        if not a.skip_build:
            sh(["cargo", "build", "--release", "--quiet"], cwd=REPO)
        env.has_batch = True
        return
    if not a.skip_install:
        need = [p for p, probe in (("liblucene8-java", "/usr/share/java/lucene-core-8.7.0.jar"), ("time", "/usr/bin/time"), ("zstd", "/usr/bin/zstd")) if not os.path.exists(probe)]
        if need:
            sh(["apt-get", "update", "-q"], stdout=subprocess.DEVNULL)
            sh(["apt-get", "install", "-y", "-q", *need], stdout=subprocess.DEVNULL)
        if not Path(env.py).exists():
            sh([sys.executable, "-m", "venv", a.venv])
        sh([env.py, "-m", "pip", "install", "-q", *PIP_PACKAGES])
    env.classes.mkdir(parents=True, exist_ok=True)
    sh(["javac", "-nowarn", "-d", str(env.classes), "-cp", env.cp, str(HERE / "LuceneBench.java")], stderr=subprocess.DEVNULL)
    if not a.skip_build:
        sh(["cargo", "build", "--release", "--quiet"], cwd=REPO)
    help_text = subprocess.run([env.baoku, "search", "--help"], capture_output=True, text=True).stdout
    env.has_batch = "--batch" in help_text
    log("baoku:", env.baoku, "(search --batch available)" if env.has_batch else "(no --batch: one process per query, no warm latency)")


# ----------------------------------------------------------------------------- data


def prepare_data(env: Env):
    """Decompressed corpora plus the subsets: {name: [jsonl files]}."""
    data = env.work / "data"
    data.mkdir(parents=True, exist_ok=True)
    for c in CORPORA:
        out = data / f"{c}.jsonl"
        if not out.exists():
            tmp = out.with_suffix(".part")
            with open(tmp, "wb") as fh:
                sh(["zstd", "-d", "-q", "-c", str(Path(env.args.corpus) / f"{c}.jsonl.zst")], stdout=fh)
            tmp.rename(out)
    sets = {"cctv": [data / "cctv_xwlb.jsonl"], "all": [data / f"{c}.jsonl" for c in CORPORA]}
    if env.args.quick:
        # every 8th article, plus every judged answer so that relevance still makes sense
        judged = set()
        for s in REL_SETS + QA_SETS + list(TOPICAL_SETS):
            judged |= {doc for q in score.read_qrels(REL / "qrels" / f"{s}.tsv").values() for g in q.values() for doc in g}
        quick = {}
        for c in CORPORA:
            out = data / f"quick_{c}.jsonl"
            with open(data / f"{c}.jsonl", encoding="utf-8") as src, open(out, "w", encoding="utf-8") as dst:
                for i, line in enumerate(src):
                    if i % 8 == 0 or json.loads(line)["id"] in judged:
                        dst.write(line)
            quick[c] = out
        sets = {"cctv": [quick["cctv_xwlb"]], "all": [quick[c] for c in CORPORA]}
        src = quick
    elif env.args.only not in ("questions", "passages"):
        src = {c: data / f"{c}.jsonl" for c in CORPORA}
        lines = []
        for c in CORPORA:
            with open(data / f"{c}.jsonl", encoding="utf-8") as fh:
                lines.extend(line for line in fh if line.strip())
        for n in (10_000, 40_000):
            out = data / f"sample_{n // 1000}k.jsonl"
            if not out.exists():
                keep = sorted(random.Random(n).sample(range(len(lines)), n))
                with open(out, "w", encoding="utf-8") as fh:
                    fh.writelines(lines[i] for i in keep)
            sets[f"{n // 1000}k"] = [out]
    if env.args.only in (None, "relevance", "questions", "passages"):
        sets[PASSAGE_SET] = [passages_corpus(env, data)]
    if env.args.only in (None, "relevance", "questions"):
        src = src if env.args.quick else {c: data / f"{c}.jsonl" for c in CORPORA}
        # the topical sets are scored on copies whose titles lost their 【tag】
        for name, c in TOPICAL_SETS.items():
            out = data / f"{'quick_' if env.args.quick else ''}{name}.jsonl"
            if not out.exists() or out.stat().st_mtime < Path(src[c]).stat().st_mtime:
                tmp = out.with_suffix(".part")
                with open(src[c], encoding="utf-8") as fh, open(tmp, "w", encoding="utf-8") as dst:
                    for line in fh:
                        if line.strip():
                            rec = json.loads(line)
                            rec["title"] = strip_title_tags(rec.get("title"))
                            dst.write(json.dumps(rec, ensure_ascii=False) + "\n")
                tmp.rename(out)
            sets[name] = [out]
    return sets


def passages_corpus(env: Env, data: Path):
    """WORK/data/qa_passages.jsonl, made by make_passages.py (deterministic) when it is
    missing or does not hold every judged passage of the committed qrels."""
    out = data / f"{PASSAGE_SET}.jsonl"
    judged = {doc for q in score.read_qrels(REL / "qrels" / f"{PASSAGE_SET}.tsv").values() for g in q.values() for doc in g}

    def missing():
        if not out.exists():
            return judged
        with open(out, encoding="utf-8") as fh:
            have = {json.loads(line)["id"] for line in fh if line.strip()}
        return judged - have

    if missing():
        sh([env.py, str(REL / "make_passages.py"), "--corpus-only", "--corpus", env.args.corpus, "--out", str(out)])
        gone = missing()
        if gone:
            raise RuntimeError(f"{out}: {len(gone)} judged passages of qrels/{PASSAGE_SET}.tsv are not in the generated corpus (e.g. {sorted(gone)[0]}): "
                               "the corpus or the generator changed; regenerate the set with make_passages.py")
    return out


def corpus_bytes(files):
    return sum(Path(f).stat().st_size for f in files)


def corpus_docs(files):
    n = 0
    for f in files:
        with open(f, "rb") as fh:
            n += sum(1 for line in fh if line.strip())
    return n


def warm_page_cache(files):
    for f in files:
        with open(f, "rb") as fh:
            while fh.read(1 << 22):
                pass


def dir_bytes(path):
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            try:
                total += os.lstat(os.path.join(root, f)).st_size
            except FileNotFoundError:
                pass
    return total


# ----------------------------------------------------------------------------- engines


class Engine:
    name = "?"

    def __init__(self, env: Env):
        self.env = env

    def index_cmd(self, index_dir, files):
        raise NotImplementedError

    def batch(self, index_dir, queries_file, limit, snippets, extra=(), or_mode=False, or_title_boost=None):
        """Run a query file; return parsed result lines of the measured pass. or_mode: the
        peers answer with the OR of the query's tokens (baoku ignores it: its default);
        or_title_boost: the peers' title weight in that mode (default: their own, 1)."""
        raise NotImplementedError

    def index_ok(self, index_dir):
        """Can this engine still read an index it built earlier?"""
        return True

    def oneshot_cmd(self, index_dir, query):
        raise NotImplementedError


class Baoku(Engine):
    name = "baoku"

    def index_cmd(self, index_dir, files):
        return [self.env.baoku, "--index", str(index_dir), "index", *map(str, files)]

    def oneshot_cmd(self, index_dir, query):
        return [self.env.baoku, "--index", str(index_dir), "search", "--json", "--limit", "10", query]

    def index_ok(self, index_dir):
        p = subprocess.run([self.env.baoku, "--index", str(index_dir), "search", "--json", "--limit", "1", "新闻"], capture_output=True, text=True)
        return p.returncode in (0, 1)

    def batch(self, index_dir, queries_file, limit, snippets, extra=(), or_mode=False, or_title_boost=None):
        qs = read_tsv(queries_file)
        if not self.env.has_batch:
            return self._per_process(index_dir, qs, limit, extra)
        # two passes in one process: the first (qid "warm:…") warms caches and lazy
        # initialisation; only the second is kept
        tmp = self.env.work / "tmp_batch.tsv"
        with open(tmp, "w", encoding="utf-8") as fh:
            for p in ("warm:", ""):
                for qid, q in qs:
                    fh.write(f"{p}{qid}\t{q}\n")
        cmd = [self.env.baoku, "--index", str(index_dir), "search", "--batch", str(tmp), "--limit", str(limit), "--snippets", str(snippets), *extra]
        out = run_capture(cmd)
        res = []
        for line in out.splitlines():
            d = json.loads(line)
            if str(d.get("qid", "")).startswith("warm:"):
                continue
            r = {"qid": d.get("qid"), "total": d.get("total"), "mode": d.get("mode"), "took_ms": d.get("took_ms"), "hits": [h["id"] for h in d.get("hits", [])]}
            if d.get("total_is_lower_bound"):
                r["total_is_lower_bound"] = True
            if d.get("error"):
                r["error"] = d["error"]
            if d.get("notes"):
                r["notes"] = d["notes"]
            res.append(r)
        return res

    def _per_process(self, index_dir, qs, limit, extra):
        res = []
        for qid, q in qs:
            p = subprocess.run([self.env.baoku, "--index", str(index_dir), "search", "--json", "--limit", str(limit), *extra, "--", q], capture_output=True, text=True)
            if p.returncode not in (0, 1):
                res.append({"qid": qid, "total": 0, "mode": None, "took_ms": None, "hits": [], "error": p.stderr.strip()[-300:] or f"exit {p.returncode}"})
                continue
            d = json.loads(p.stdout) if p.stdout.strip() else {"total": 0, "hits": []}
            res.append({"qid": qid, "total": d.get("total"), "mode": d.get("mode"), "took_ms": None, "hits": [h["id"] for h in d.get("hits", [])]})
        return res


class PythonPeer(Engine):
    script = "?"

    def index_cmd(self, index_dir, files):
        return [self.env.py, str(HERE / self.script), "index", "--index", str(index_dir), *map(str, files)]

    def oneshot_cmd(self, index_dir, query):
        return [self.env.py, str(HERE / self.script), "search", "--index", str(index_dir), "--limit", "10", query]

    def batch(self, index_dir, queries_file, limit, snippets, extra=(), or_mode=False, or_title_boost=None):
        cmd = [self.env.py, str(HERE / self.script), "batch", "--index", str(index_dir), "--queries", str(queries_file), "--limit", str(limit), "--snippets", str(snippets)]
        if or_mode:
            cmd += ["--mode", "or"]
        env = None if or_title_boost is None else dict(os.environ, BENCH_OR_TITLE_BOOST=str(or_title_boost))
        return [json.loads(line) for line in run_capture(cmd, env).splitlines()]


class TantivyPy(PythonPeer):
    name = "tantivy-py"
    script = "tantivy_py.py"


class SqliteFts5(PythonPeer):
    name = "sqlite-fts5"
    script = "sqlite_fts5.py"


class Lucene(Engine):
    def __init__(self, env, analyzer):
        super().__init__(env)
        self.analyzer = analyzer
        self.name = f"lucene-{analyzer}"

    def _java(self, *args, props=()):
        return ["java", *JAVA_OPTS, *props, "-cp", self.env.cp, "LuceneBench", *args, "--analyzer", self.analyzer]

    def index_cmd(self, index_dir, files):
        return self._java("index", "--index", str(index_dir), *map(str, files))

    def oneshot_cmd(self, index_dir, query):
        return self._java("search", "--index", str(index_dir), "--limit", "10", query)

    def batch(self, index_dir, queries_file, limit, snippets, extra=(), or_mode=False, or_title_boost=None):
        props = () if or_title_boost is None else (f"-Dbench.orTitleBoost={or_title_boost}",)
        cmd = self._java("batch", "--index", str(index_dir), "--queries", str(queries_file), "--limit", str(limit), "--snippets", str(snippets), *(["--mode", "or"] if or_mode else []), props=props)
        return [json.loads(line) for line in run_capture(cmd).splitlines()]


def run_capture(cmd, env=None):
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if p.returncode not in (0, 1):
        raise RuntimeError(f"{cmd[:3]}… exited {p.returncode}: {p.stderr[-2000:]}")
    return p.stdout


def read_tsv(path):
    out = []
    with open(path, encoding="utf-8") as fh:
        for i, line in enumerate(fh, 1):
            line = line.rstrip("\n")
            if line.strip():
                qid, _, q = line.partition("\t")
                out.append((qid, q) if q else (str(i), qid))
    return out


# ----------------------------------------------------------------------------- measuring


def measure_index(engine: Engine, index_dir: Path, files, raw_bytes, docs):
    if index_dir.exists():
        shutil.rmtree(index_dir)
    index_dir.mkdir(parents=True)
    warm_page_cache(files)
    log(f"index {engine.name} → {index_dir.name}")
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-v", *engine.index_cmd(index_dir, files)], capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if p.returncode not in (0, 1):
        raise RuntimeError(f"indexing with {engine.name} failed ({p.returncode}): {p.stderr[-3000:]}")
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
    summary = [line for line in p.stderr.splitlines() if line.startswith("baoku:")]
    size = dir_bytes(index_dir)
    r = {
        "seconds": wall,
        "mb_s": raw_bytes / 1e6 / wall,
        "docs_s": docs / wall,
        "index_bytes": size,
        "size_ratio": size / raw_bytes,
        "peak_rss_mb": int(m.group(1)) / 1024 if m else None,
        "stdout": p.stdout.strip()[-500:],
        "summary": summary[-1] if summary else None,
    }
    log(f"  {wall:.1f} s, {r['mb_s']:.1f} MB/s, {size / 1e6:.0f} MB, RSS {r['peak_rss_mb']:.0f} MB")
    return r


def files_stamp(files):
    return [[str(f), Path(f).stat().st_size, int(Path(f).stat().st_mtime)] for f in files]


def ensure_index(engine: Engine, index_dir: Path, files, raw_bytes, docs, reuse):
    """measure_index, or (reuse) the index already there when it was built from the same
    files to the end and its engine can still read it; the stamp keeps its measurements."""
    stamp = index_dir / ".bench_index.json"
    if reuse and stamp.exists():
        try:
            saved = json.loads(stamp.read_text())
        except ValueError:
            saved = {}
        if saved.get("files") == files_stamp(files) and engine.index_ok(index_dir):
            log(f"reuse {engine.name} index {index_dir.name}")
            return dict(saved["index"], reused=True)
    r = measure_index(engine, index_dir, files, raw_bytes, docs)
    stamp.write_text(json.dumps({"files": files_stamp(files), "index": r}))
    return r


def percentiles(values):
    v = sorted(x for x in values if x is not None)
    if not v:
        return None

    def pct(p):
        k = (len(v) - 1) * p
        lo = int(k)
        hi = min(lo + 1, len(v) - 1)
        return v[lo] + (v[hi] - v[lo]) * (k - lo)

    return {"n": len(v), "p50": pct(0.5), "p95": pct(0.95), "p99": pct(0.99), "mean": sum(v) / len(v)}


def query_file(name, quick):
    path = REL / "queries" / f"{name}.tsv"
    if not quick:
        return path
    qs = read_tsv(path)[:40]
    out = Path(WORK_TMP) / f"quick_{name}.tsv"
    with open(out, "w", encoding="utf-8") as fh:
        fh.writelines(f"{a}\t{b}\n" for a, b in qs)
    return out


def measure_latency(engine, index_dir, sets, quick, raw_dir, tag, extra=()):
    out = {}
    for s in sets:
        log(f"latency {engine.name} {s}{' ' + ' '.join(extra) if extra else ''} ({tag})")
        res = engine.batch(index_dir, query_file(s, quick), 10, 3, extra)
        write_jsonl(raw_dir / f"latency_{tag}_{engine.name}{'_'.join([''] + [e.strip('-') for e in extra])}_{s}.jsonl", res)
        lat = percentiles([r.get("took_ms") for r in res])
        zero = sum(1 for r in res if not r.get("total"))
        out[s] = {"latency": lat, "queries": len(res), "no_hits": zero, "relaxed": sum(1 for r in res if r.get("mode") == "relaxed")}
    return out


def measure_oneshot(engine, index_dir, queries):
    times = []
    subprocess.run(engine.oneshot_cmd(index_dir, queries[0]), capture_output=True)  # page cache
    for q in queries:
        t0 = time.perf_counter()
        p = subprocess.run(engine.oneshot_cmd(index_dir, q), capture_output=True)
        times.append((time.perf_counter() - t0) * 1000)
        if p.returncode not in (0, 1):
            raise RuntimeError(f"one-shot {engine.name} failed: {p.stderr[-1000:]}")
    log(f"one-shot {engine.name}: median {statistics.median(times):.0f} ms")
    return {"median_ms": statistics.median(times), "runs_ms": times}


def write_jsonl(path, rows):
    with open(path, "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")


WORK_TMP = "/tmp"


# ----------------------------------------------------------------------------- tables


def fmt(x, spec=".1f", none="–"):
    return none if x is None else format(x, spec)


def perf_table(title, corpus_info, rows, sets):
    lines = [f"### {title}", "", f"{corpus_info['docs']:,} articles, {corpus_info['bytes'] / 1e6:.0f} MB of raw JSON text.", ""]
    head = ["engine", "index s", "MB/s", "docs/s", "index MB", "× raw", "peak RSS MB"]
    for s in sets:
        head.append(f"{s} p50 / p95 / p99 ms")
    head.append("one-shot ms")
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + "---|" * len(head))
    for name, r in rows.items():
        ix = r.get("index", {})
        cells = [ENGINE_LABELS.get(name, name), fmt(ix.get("seconds")), fmt(ix.get("mb_s")), fmt(ix.get("docs_s"), ",.0f"), fmt(ix.get("index_bytes") and ix["index_bytes"] / 1e6, ".0f"), fmt(ix.get("size_ratio"), ".2f"), fmt(ix.get("peak_rss_mb"), ".0f")]
        for s in sets:
            lat = r.get("latency", {}).get(s, {}).get("latency")
            cells.append("n/a" if not lat else f"{lat['p50']:.2f} / {lat['p95']:.2f} / {lat['p99']:.2f}")
        os_ = r.get("oneshot")
        cells.append(fmt(os_ and os_["median_ms"], ".0f"))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def ratio_table(title, rows, sets):
    if "baoku" not in rows:
        return ""
    b = rows["baoku"]
    head = ["baoku ÷ peer", "index time", "index size", "peak RSS"] + [f"{s} p50 / p99" for s in sets] + ["one-shot"]
    lines = [f"### {title}", "", "Below 1 means baoku is faster / smaller than that peer (same run).", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]

    def rat(a, c):
        return None if a is None or c in (None, 0) else a / c

    for name, r in rows.items():
        if name == "baoku" or name.startswith("baoku"):
            continue
        bi, pi = b.get("index", {}), r.get("index", {})
        cells = [ENGINE_LABELS.get(name, name), fmt(rat(bi.get("seconds"), pi.get("seconds")), ".2f"), fmt(rat(bi.get("index_bytes"), pi.get("index_bytes")), ".2f"), fmt(rat(bi.get("peak_rss_mb"), pi.get("peak_rss_mb")), ".2f")]
        for s in sets:
            bl = b.get("latency", {}).get(s, {}).get("latency")
            pl = r.get("latency", {}).get(s, {}).get("latency")
            if bl and pl:
                cells.append(f"{bl['p50'] / pl['p50']:.2f} / {bl['p99'] / pl['p99']:.2f}")
            else:
                cells.append("n/a")
        bo, po = b.get("oneshot"), r.get("oneshot")
        cells.append(fmt(bo and po and bo["median_ms"] / po["median_ms"], ".2f"))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def scaling_table(scaling):
    head = ["articles", "MB", "index s", "MB/s", "µs/article", "index MB", "peak RSS MB", "two_word p50 / p99 ms", "traditional p50 / p99 ms"]
    lines = ["### baoku scaling", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for _, r in sorted(scaling.items(), key=lambda kv: kv[1]["docs"]):
        ix = r["index"]
        cells = [f"{r['docs']:,}", f"{r['bytes'] / 1e6:.0f}", fmt(ix["seconds"]), fmt(ix["mb_s"]), fmt(ix["seconds"] / r["docs"] * 1e6, ".0f"), fmt(ix["index_bytes"] / 1e6, ".0f"), fmt(ix["peak_rss_mb"], ".0f")]
        for s in ("two_word", "traditional"):
            lat = r.get("latency", {}).get(s, {}).get("latency")
            cells.append("n/a" if not lat else f"{lat['p50']:.2f} / {lat['p99']:.2f}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def extra_latency_table(extra):
    head = ["baoku on all corpora, two_word", "p50 ms", "p95 ms", "p99 ms"]
    lines = ["### baoku options (all corpora)", "", "| " + " | ".join(head) + " |", "|---|---|---|---|"]
    for label, r in extra.items():
        lat = r.get("two_word", {}).get("latency")
        if lat:
            lines.append(f"| {label} | {lat['p50']:.2f} | {lat['p95']:.2f} | {lat['p99']:.2f} |")
    return "\n".join(lines) + "\n"


def read_passage_qrels(asked=None):
    """The judgements of the passage questions (of those in `asked` only, when given: --quick)."""
    qrels = score.read_qrels(REL / "qrels" / f"{PASSAGE_SET}.tsv")
    return {q: g for q, g in qrels.items() if asked is None or q in asked}


def passage_boost_table(boost_runs, asked=None):
    """Each peer on qa_passages without and with the 3x title boost; → (markdown, {peer: chosen boost})."""
    qrels = read_passage_qrels(asked)
    lines = ["### qa_passages: the peers' title weight", "", "MRR@10 / Recall@10 / nDCG@10 of each peer with OR semantics, title weighted like the body (1×) or 3×; bold: the one in the table above.", ""]
    lines += ["| engine | " + " | ".join(f"title {b:g}×" for b in PASSAGE_BOOSTS) + " |", "|---|" + "---|" * len(PASSAGE_BOOSTS)]
    best = {}
    for n, by in boost_runs.items():
        ms = {b: score.aggregate(score.per_query(qrels, rows)) for b, rows in by.items()}
        best[n] = max(PASSAGE_BOOSTS, key=lambda b: (ms[b]["mrr10"], -b))
        cells = []
        for b in PASSAGE_BOOSTS:
            m = ms[b]
            mark = "**" if b == best[n] else ""
            cells.append(f"{mark}{m['mrr10']:.3f} / {m['recall10']:.3f} / {m['ndcg10']:.3f}{mark}")
        lines.append(f"| {n} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n", best


def passage_misses(pruns, corpus_file, raw_dir, peer="lucene-cjk", show=20):
    """The questions where baoku's first answer is not a judged passage and the peer's is:
    all of them in raw/passages_baoku_behind_<peer>.tsv, the first `show` in the tables."""
    if "baoku" not in pruns or peer not in pruns:
        return ""
    qrels = read_passage_qrels()
    qtext = dict(read_tsv(REL / "queries" / f"{PASSAGE_SET}.tsv"))
    kinds = score.read_kinds(REL / "kinds" / f"{PASSAGE_SET}.tsv")
    titles = {}
    with open(corpus_file, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                d = json.loads(line)
                titles[d["id"]] = d["title"]
    b_by = {str(r["qid"]): score.hit_ids(r) for r in pruns["baoku"]}
    p_by = {str(r["qid"]): score.hit_ids(r) for r in pruns[peer]}
    rows = []
    for qid, groups in qrels.items():
        ok = {d for g in groups.values() for d in g}
        b, p = b_by.get(qid, []), p_by.get(qid, [])
        if p[:1] and p[0] in ok and not (b[:1] and b[0] in ok):
            rank = next((i for i, d in enumerate(b[:100], 1) if d in ok), None)
            rows.append((qid, qtext.get(qid, ""), ",".join(kinds.get(qid, [])), rank, titles.get(b[0], "") if b else "(nothing)", titles.get(p[0], "")))
    with open(raw_dir / f"passages_baoku_behind_{peer}.tsv", "w", encoding="utf-8") as fh:
        fh.write("qid\tquestion\tkinds\tbaoku rank of the judged passage\tbaoku first\tpeer first (judged)\n")
        for r in rows:
            fh.write("\t".join("" if x is None else str(x) for x in r) + "\n")
    lines = [f"### qa_passages: {len(rows)} questions where {peer}'s first answer is the judged passage and baoku's is not", "",
             f"The first {min(show, len(rows))} (all in raw/passages_baoku_behind_{peer}.tsv).", "",
             "| qid | question | kinds | baoku's rank of it | baoku's first (title) | " + peer + "'s first = the judged passage (title) |", "|---|---|---|---|---|---|"]
    for qid, q, k, rank, bt, pt in rows[:show]:
        esc = lambda x: x.replace("|", "\\|")
        lines.append(f"| {qid} | {esc(q)} | {k} | {rank or '>100'} | {esc(bt)} | {esc(pt)} |")
    return "\n".join(lines) + "\n"


def empty_questions(qruns, show=20):
    """baoku's questions answered with nothing (or an error), to read."""
    rows = [(s, r) for s, by in qruns.items() for r in by.get("baoku", []) if not r.get("hits")]
    if not rows:
        return ""
    qtext = {}
    for s in qruns:
        qtext.update({f"{s}:{a}": b for a, b in read_tsv(REL / "queries" / f"{s}.tsv")})
    lines = [f"### baoku: questions answered with nothing ({len(rows)})", ""]
    for s, r in rows[:show]:
        why = f" — error: {r['error']}" if r.get("error") else ""
        key = f"{s}:{r['qid']}"
        lines.append(f"- `{s} {r['qid']}` {qtext.get(key, '')}{why}")
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- main


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", choices=["perf", "relevance", "questions", "passages", "scale"], help="run only the performance or the relevance half, or only the question and topical sets (qa_passages included), or only qa_passages, or only the synthetic scale run of bench/scale (not part of everything: 20+ min at 1M) (default: everything)")
    ap.add_argument("--sizes", default="117k,1M", help="with --only scale: how many synthetic articles, e.g. 117k,1M,3M")
    ap.add_argument("--reuse", action="store_true", help="with --only scale: keep an index built from the same file by the same binary")
    ap.add_argument("--reuse-any-binary", action="store_true", help="with --only scale --reuse: keep it whatever binary built it, if this one can still search it (query-side changes)")
    ap.add_argument("--svg", help="with --only scale: also write the scale plot to this file")
    ap.add_argument("--rebuild", action="store_true", help="with --only questions: build every index again instead of reusing good ones")
    ap.add_argument("--quick", action="store_true", help="every 8th article (plus the judged ones), 40 queries a set, no scaling run")
    ap.add_argument("--engines", default="baoku,tantivy-py,lucene-cjk,lucene-smartcn,sqlite-fts5", help="comma-separated subset")
    ap.add_argument("--full-engines", default=None, help="engines indexed on all three corpora for the performance table (default: all; relevance always uses all selected engines)")
    ap.add_argument("--work", default="/tmp/baoku-bench", help="work directory for data, indexes and results")
    ap.add_argument("--venv", default="/tmp/baoku-bench-venv")
    ap.add_argument("--corpus", default=str(REPO.parent / "shared" / "corpus"))
    ap.add_argument("--baoku", help="use this baoku binary instead of building one")
    ap.add_argument("--skip-install", action="store_true", help="do not run apt-get / pip")
    ap.add_argument("--skip-build", action="store_true", help="do not run cargo build")
    args = ap.parse_args()
    global WORK_TMP

    env = Env(args)
    env.work.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    results_dir = env.work / "results" / stamp
    raw = results_dir / "raw"
    raw.mkdir(parents=True)
    WORK_TMP = str(raw)
    t_start = time.perf_counter()

    setup(env)
    if args.only == "scale":
        sys.path.insert(0, str(REPO / "bench" / "scale"))
        import scale  # noqa: E402  (bench/scale/scale.py)

        md = scale.run_scale(env, results_dir, raw)
        md += f"\n_Total run time {(time.perf_counter() - t_start) / 60:.1f} min; raw outputs in {results_dir}._\n"
        (results_dir / "tables.md").write_text(md)
        print("\n" + md)
        log("results:", results_dir)
        return
    corpora = prepare_data(env)
    names = [e.strip() for e in args.engines.split(",") if e.strip()]
    make = {"baoku": lambda: Baoku(env), "tantivy-py": lambda: TantivyPy(env), "lucene-cjk": lambda: Lucene(env, "cjk"), "lucene-smartcn": lambda: Lucene(env, "smartcn"), "sqlite-fts5": lambda: SqliteFts5(env)}
    engines = {n: make[n]() for n in names}
    full_names = names if args.full_engines is None else [e for e in args.full_engines.split(",") if e in engines]
    do_perf = args.only in (None, "perf")
    do_rel = args.only in (None, "relevance")
    do_q = args.only in (None, "relevance", "questions")
    do_p = args.only in (None, "relevance", "questions", "passages")
    reuse = args.only in ("questions", "passages") and not args.rebuild
    idx_root = env.work / "indexes"

    info = {k: {"docs": corpus_docs(v), "bytes": corpus_bytes(v), "files": [str(f) for f in v]} for k, v in corpora.items()}
    results = {"started": stamp, "quick": args.quick, "baoku": env.baoku, "batch": env.has_batch, "corpora": info, "perf": {}, "perf_all": {}, "scaling": {}, "relevance": {}}
    oneshot_queries = [q for _, q in read_tsv(REL / "queries" / "two_word.tsv")[:ONESHOT_RUNS]]
    md = []

    def save():
        (results_dir / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1))

    if do_perf:
        for n, e in engines.items():
            r = results["perf"][n] = {}
            d = idx_root / f"cctv_{n}"
            r["index"] = measure_index(e, d, corpora["cctv"], info["cctv"]["bytes"], info["cctv"]["docs"])
            r["latency"] = measure_latency(e, d, PERF_SETS, args.quick, raw, "cctv")
            r["oneshot"] = measure_oneshot(e, d, oneshot_queries)
            save()
        if "baoku" in engines and not args.quick:
            # what users run: the .zst straight from the corpus folder (index only)
            zst = [Path(args.corpus) / "cctv_xwlb.jsonl.zst"]
            bz = results["perf"]["baoku (reading .zst)"] = {}
            bz["index"] = measure_index(engines["baoku"], idx_root / "cctv_baoku_zst", zst, info["cctv"]["bytes"], info["cctv"]["docs"])
            shutil.rmtree(idx_root / "cctv_baoku_zst", ignore_errors=True)
        md.append(perf_table("Performance: cctv_xwlb", info["cctv"], results["perf"], PERF_SETS))
        md.append(ratio_table("baoku ÷ peer: cctv_xwlb", results["perf"], PERF_SETS))
        print("\n".join(md), flush=True)

    need_all = [n for n in names if (do_rel or do_q or (do_perf and n in full_names))]
    if do_p:
        # the small passage corpus first: it takes a minute or two, the big ones much longer
        t_p = time.perf_counter()
        res_p = results["passages"] = {"index": {}}
        pruns, boost_runs = {}, {}
        for n, e in engines.items():
            d = idx_root / f"{PASSAGE_SET}_{n}"
            # never reused: it takes seconds, and so the answers are always those of this build
            res_p["index"][n] = ensure_index(e, d, corpora[PASSAGE_SET], info[PASSAGE_SET]["bytes"], info[PASSAGE_SET]["docs"], False)
            qfile = query_file(PASSAGE_SET, args.quick)
            if n == "baoku":
                log(f"passages {n}")
                pruns[n] = e.batch(d, qfile, 100, 0, or_mode=True)
                write_jsonl(raw / f"passages_{n}_{PASSAGE_SET}.jsonl", pruns[n])
                continue
            for b in PASSAGE_BOOSTS:
                log(f"passages {n} (OR, title {b:g}x)")
                rows = e.batch(d, qfile, 100, 0, or_mode=True, or_title_boost=b)
                write_jsonl(raw / f"passages_{n}_title{b:g}_{PASSAGE_SET}.jsonl", rows)
                boost_runs.setdefault(n, {})[b] = rows
            save()
        # --quick asks 40 of the questions: only those are scored
        asked = {q for q, _ in read_tsv(query_file(PASSAGE_SET, args.quick))} if args.quick else None
        bt, best = passage_boost_table(boost_runs, asked)
        for n in engines:
            if n != "baoku":
                pruns[n] = boost_runs[n][best[n]]
        pt, pm = score.question_tables(REL, {PASSAGE_SET: pruns}, "qa_passages: questions on 1,104 short passages (indexed alone; peers: OR of the query's tokens, BM25, the stronger title weight)", asked)
        res_p.update({"sets": pm, "title_boost": {n: {f"{b:g}": score.aggregate(score.per_query(read_passage_qrels(asked), r)) for b, r in by.items()} for n, by in boost_runs.items()},
                      "chosen_boost": best, "minutes": (time.perf_counter() - t_p) / 60})
        md += [pt, bt, passage_misses(pruns, corpora[PASSAGE_SET][0], raw)]
        print("\n".join(md[-3:]), flush=True)
        save()
    if args.only == "passages":
        need_all = []
    for n in need_all:
        e = engines[n]
        d = idx_root / f"all_{n}"
        r = results["perf_all"][n] = {}
        r["index"] = ensure_index(e, d, corpora["all"], info["all"]["bytes"], info["all"]["docs"], reuse)
        if do_perf and n in full_names:
            r["latency"] = measure_latency(e, d, FULL_PERF_SETS, args.quick, raw, "all")
            r["oneshot"] = measure_oneshot(e, d, oneshot_queries)
        save()
    if do_perf:
        rows = {n: r for n, r in results["perf_all"].items() if n in full_names}
        md.append(perf_table("Performance: all three corpora", info["all"], rows, FULL_PERF_SETS))
        md.append(ratio_table("baoku ÷ peer: all three corpora", rows, FULL_PERF_SETS))
        if "baoku" in engines:
            extra = {}
            d = idx_root / "all_baoku"
            for label, flags in (("default (relevance)", ()), ("--sort date", ("--sort", "date")), ("--facets", ("--facets",))):
                extra[label] = measure_latency(engines["baoku"], d, ["two_word"], args.quick, raw, "all_opts", flags)
            results["baoku_options"] = extra
            md.append(extra_latency_table(extra))
            if not args.quick:
                for k in ("10k", "40k"):
                    d = idx_root / f"scale_{k}_baoku"
                    s = results["scaling"][k] = {"docs": info[k]["docs"], "bytes": info[k]["bytes"]}
                    s["index"] = measure_index(engines["baoku"], d, corpora[k], info[k]["bytes"], info[k]["docs"])
                    s["latency"] = measure_latency(engines["baoku"], d, ["two_word", "traditional"], False, raw, f"scale_{k}")
                    shutil.rmtree(d, ignore_errors=True)
                full = results["perf_all"]["baoku"]
                results["scaling"]["all"] = {"docs": info["all"]["docs"], "bytes": info["all"]["bytes"], "index": full["index"], "latency": full.get("latency", {})}
                md.append(scaling_table(results["scaling"]))
        save()

    if do_rel:
        runs = {}
        for n, e in engines.items():
            d = idx_root / f"all_{n}"
            for s in REL_SETS:
                log(f"relevance {n} {s}")
                res = e.batch(d, REL / "queries" / f"{s}.tsv", 100, 0)
                path = raw / f"relevance_{n}_{s}.jsonl"
                write_jsonl(path, res)
                runs.setdefault(s, {})[n] = res
        table, metrics = score.tables(REL, runs)
        results["relevance"] = metrics
        md.append(table)
        save()

    if do_q:
        t_q = time.perf_counter()
        results["questions"] = {"index": {}}
        qruns, truns = {}, {}
        for n, e in engines.items():
            for s in QA_SETS:
                log(f"questions {n} {s}")
                res = e.batch(idx_root / f"all_{n}", REL / "queries" / f"{s}.tsv", 100, 0, or_mode=True)
                write_jsonl(raw / f"questions_{n}_{s}.jsonl", res)
                qruns.setdefault(s, {})[n] = res
        for s in TOPICAL_SETS:
            for n, e in engines.items():
                d = idx_root / f"{s}_{n}"
                results["questions"]["index"][f"{s}_{n}"] = ensure_index(e, d, corpora[s], info[s]["bytes"], info[s]["docs"], reuse)
                log(f"topical {n} {s}")
                res = e.batch(d, REL / "queries" / f"{s}.tsv", 100, 0, or_mode=True)
                write_jsonl(raw / f"topical_{n}_{s}.jsonl", res)
                truns.setdefault(s, {})[n] = res
                save()
        qt, qm = score.question_tables(REL, qruns, "Questions (all three corpora, 117k articles; peers: OR of the query's tokens, BM25)")
        tt, tm = score.question_tables(REL, truns, "Topical: an editor's tag as the query (each corpus alone, tags stripped from the titles; peers: OR, BM25)")
        results["questions"].update({"sets": qm, "topical": tm, "minutes": (time.perf_counter() - t_q) / 60})
        md += [qt, tt, empty_questions(qruns)]
        save()

    md.append(f"_Total run time {(time.perf_counter() - t_start) / 60:.1f} min; raw outputs in {results_dir}._\n")
    (results_dir / "tables.md").write_text("\n".join(md))
    print("\n" + "\n".join(md))
    log("results:", results_dir)


if __name__ == "__main__":
    main()
