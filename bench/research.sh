#!/usr/bin/env bash
# The research workbench's speed targets (issue 17) on the three shared corpora
# (~117k articles):
#   trend   a month-by-month trend of common words over every year, warm: the
#           engine's took_ms and the wall time of GET /api/trend (cache off), p50/p95
#           over 30 requests after 3 to warm up; target ≤ 50 ms.
#
#   flock /tmp/baoku-bench.lock bench/research.sh [--baoku BIN] [--work DIR] [--runs N] [--index DIR]
#
# BIN defaults to target/release/baoku (built with `cargo build --release` when
# missing); the index of ../shared/corpus/*.jsonl.zst is built once in WORK (default
# /tmp/baoku-research) and reused while this baoku can open it; --index measures an
# index built elsewhere instead (the 1M articles of `bench/run.sh --only scale`).
# Take the lock: the numbers mean nothing while another benchmark runs. Prints a
# Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."

BAOKU=target/release/baoku
WORK=/tmp/baoku-research
RUNS=30
while [ $# -gt 0 ]; do
  case "$1" in
    --baoku) BAOKU=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    --index) GIVEN_INDEX=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "research.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ -x "$BAOKU" ] || cargo build --release
CORPUS=../shared/corpus
INDEX=${GIVEN_INDEX:-$WORK/index}
mkdir -p "$WORK"

if [ -n "${GIVEN_INDEX:-}" ]; then
  "$BAOKU" --index "$INDEX" stats >/dev/null || { echo "research.sh: --index $INDEX: this baoku cannot open it" >&2; exit 1; }
elif ! "$BAOKU" --index "$INDEX" stats >/dev/null 2>&1; then
  rm -rf "$INDEX"
  echo "research.sh: indexing the shared corpora into $INDEX (once)" >&2
  "$BAOKU" --index "$INDEX" index --quiet "$CORPUS"/cctv_xwlb.jsonl.zst \
    "$CORPUS"/hkcnews.jsonl.zst "$CORPUS"/zh_inews.jsonl.zst
fi
ARTICLES=$("$BAOKU" --index "$INDEX" stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["articles"])')

SERVER=""
LOGS=$(mktemp -d /tmp/baoku-research-bench.XXXXXX)
cleanup() {
  if [ -n "$SERVER" ]; then kill -TERM "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  rm -rf "$LOGS"
}
trap cleanup EXIT
"$BAOKU" --index "$INDEX" serve --addr 127.0.0.1:0 --cache 0 --rate 0 >"$LOGS/stdout" 2>"$LOGS/stderr" &
SERVER=$!
for _ in $(seq 100); do
  grep -q "baoku serving" "$LOGS/stdout" 2>/dev/null && break
  sleep 0.1
done
URL=$(sed -n 's/^baoku serving //p' "$LOGS/stdout")
URL=${URL%/}
[ -n "$URL" ] || { echo "research.sh: the server did not start:" >&2; cat "$LOGS/stderr" >&2; exit 1; }

# One line per case: a label and the query string of /api/trend.
measure() {
  local label=$1 params=$2
  python3 - "$URL/api/trend?$params" "$RUNS" "$label" <<'EOF'
import json, statistics, sys, time, urllib.request
url, runs, label = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def once():
    started = time.perf_counter()
    with urllib.request.urlopen(url) as answer:
        body = json.load(answer)
    return body, (time.perf_counter() - started) * 1000
for _ in range(3):
    once()
took, wall = [], []
for _ in range(runs):
    body, ms = once()
    took.append(body["took_ms"])
    wall.append(ms)
def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]
totals = " / ".join(str(s["total"]) for s in body["series"])
periods = len(body["series"][0]["points"])
print(f"| {label} | {totals} | {periods} | {pct(took, 50):.1f} | {pct(took, 95):.1f} | {pct(wall, 50):.1f} | {pct(wall, 95):.1f} |")
EOF
}

enc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1"; }
echo
echo "Trend, warm (GET /api/trend, cache off, $RUNS runs), $ARTICLES articles, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
echo
echo "| case | matches (stories or articles) | periods | took_ms p50 | took_ms p95 | wall ms p50 | wall ms p95 |"
echo "|---|---|---|---|---|---|---|"
measure "中国 by month, reprints once" "q=$(enc 中国)&by=month"
measure "中国 by month, every article" "q=$(enc 中国)&by=month&collapse=false"
measure "发展 by month, with shares" "q=$(enc 发展)&by=month&share=true"
measure "台风 vs 暴雨 by month" "q=$(enc 台风)&q=$(enc 暴雨)&by=month"
measure "\"习近平\" OR 总书记, since 2020, by week" "q=$(enc '"习近平" OR 总书记')&since=2020&by=week"
