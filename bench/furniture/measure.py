#!/usr/bin/env python3
"""Furniture removed from the shared corpora's records: how many articles lost how many
lines, what is still at the end of hkcnews bodies, and a sample of changed articles.

    python3 bench/furniture/measure.py [BAOKU] > bench/furniture/results.md

BAOKU is the binary (default target/release/baoku). Each corpus is read twice: as it
is (zstd -dc) and as `baoku extract` reads it; articles are matched by id. Lines are
the body's non-empty lines; Markdown rendering keeps lines, so the lines an article
lost are the furniture removed at its head and tail. The sample (every Nth changed
article, 50 in all) lists id, title and the lines removed.
"""
import collections, json, os, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.path.join(ROOT, "..", "shared", "corpus")
BAOKU = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "release", "baoku")
APPEALS = ("請支持《眾新聞》", "月費訂戶")
SAMPLE = 50  # 10 + 30 + 10 below


def lines(body):
    return [l.strip() for l in (body or "").split("\n") if l.strip()]


def main():
    if not os.path.isdir(SHARED):
        print("../shared/corpus is absent: nothing to measure", file=sys.stderr)
        return
    changed_all = []
    print("| corpus | articles | lost lines | lost 1 | 2–3 | 4–7 | 8+ | ending in the appeal before → after | ending in `---` before → after |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name in sorted(os.listdir(SHARED)):
        if not name.endswith(".jsonl.zst"):
            continue
        path = os.path.join(SHARED, name)
        raw = {}
        with subprocess.Popen(["zstd", "-dc", path], stdout=subprocess.PIPE) as p:
            for line in p.stdout:
                r = json.loads(line)
                raw[r["id"]] = r
        lost = collections.Counter()
        appeal = [0, 0]
        rule = [0, 0]
        n = 0
        with subprocess.Popen([BAOKU, "extract", path], stdout=subprocess.PIPE) as p:
            for line in p.stdout:
                a = json.loads(line)
                r = raw.get(a["id"])
                if r is None:
                    continue
                n += 1
                before, after = lines(r["body"]), lines(a["body"])
                for i, ls in enumerate((before, after)):
                    tail = ls[-1] if ls else ""
                    appeal[i] += any(x in tail for x in APPEALS)
                    rule[i] += tail == "---"
                k = len(before) - len(after)
                if k > 0:
                    lost[k] += 1
                    changed_all.append((name, a["id"], a.get("title"), k, before, after))
        bucket = lambda lo, hi: sum(c for k, c in lost.items() if lo <= k <= hi)
        print(f"| {name} | {n} | {sum(lost.values())} | {bucket(1,1)} | {bucket(2,3)} | {bucket(4,7)} | {bucket(8,10**9)} | {appeal[0]} → {appeal[1]} | {rule[0]} → {rule[1]} |")
    print()
    print(f"## A sample of {SAMPLE} changed articles (evenly spaced: 10 CCTV, 30 hkcnews, 10 zh_inews)")
    print()
    sample = []
    for corpus, wanted in (("cctv", 10), ("hkcnews", 30), ("zh_inews", 10)):
        of = [c for c in changed_all if c[0].startswith(corpus)]
        sample += of[:: max(1, len(of) // wanted)][:wanted]
    for name, id_, title, k, before, after in sample:
        # The removed lines: those before the kept first line and after the kept last one.
        start = next((i for i, l in enumerate(before) if l.replace("*", "") == (after[0] if after else "").replace("*", "")), 0)
        removed = before[:start] + before[start + len(after):]
        shown = " ⏎ ".join(l[:40] for l in removed)
        print(f"- `{id_}` {title} — {k} lines: {shown}")


if __name__ == "__main__":
    main()
