#!/usr/bin/env bash
# Keyword in context (issue 17 §3) on the three shared corpora (~117k articles):
#   cli     `baoku kwic WORD --json` for every occurrence of a common word, written to
#           /dev/null: wall time (median of RUNS), lines and articles per second, peak
#           RSS; the same with --sort left --limit 100 (every line read, 100 kept).
#   api     GET /api/kwic (cache off) for the first 100 lines, newest first and sorted
#           by the left context: the engine's took_ms and the wall time, p50/p95 over
#           RUNS_API requests after 3 to warm up.
#
#   flock /tmp/baoku-bench.lock bench/kwic.sh [--baoku BIN] [--work DIR] [--runs N]
#
# BIN defaults to target/release/baoku (built with `cargo build --release` when
# missing); the index of ../shared/corpus/*.jsonl.zst is built once in WORK (default
# /tmp/baoku-research, the index bench/research.sh uses) and reused while this baoku
# can open it. Take the lock: the numbers mean nothing while another benchmark runs.
# Prints Markdown tables.
set -euo pipefail
cd "$(dirname "$0")/.."

BAOKU=target/release/baoku
WORK=/tmp/baoku-research
RUNS=3
RUNS_API=20
while [ $# -gt 0 ]; do
  case "$1" in
    --baoku) BAOKU=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "kwic.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ -x "$BAOKU" ] || cargo build --release
CORPUS=../shared/corpus
INDEX=$WORK/index
mkdir -p "$WORK"

if ! "$BAOKU" --index "$INDEX" stats >/dev/null 2>&1; then
  rm -rf "$INDEX"
  echo "kwic.sh: indexing the shared corpora into $INDEX (once)" >&2
  "$BAOKU" --index "$INDEX" index --quiet "$CORPUS"/cctv_xwlb.jsonl.zst \
    "$CORPUS"/hkcnews.jsonl.zst "$CORPUS"/zh_inews.jsonl.zst
fi
ARTICLES=$("$BAOKU" --index "$INDEX" stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["articles"])')

LOGS=$(mktemp -d /tmp/baoku-kwic-bench.XXXXXX)
SERVER=""
cleanup() {
  if [ -n "$SERVER" ]; then kill -TERM "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  rm -rf "$LOGS"
}
trap cleanup EXIT

# One row: a label, then the arguments of `baoku kwic`. Runs it RUNS times (after one
# to warm the page cache) and reports the median wall time and the peak RSS.
cli() {
  local label=$1
  shift
  "$BAOKU" --index "$INDEX" kwic --json --no-synonyms "$@" >/dev/null
  local times=() rss=0 seconds kb
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %M" -o "$LOGS/time" \
      "$BAOKU" --index "$INDEX" kwic --json --no-synonyms "$@" >"$LOGS/lines"
    read -r seconds kb <"$LOGS/time"
    times+=("$seconds")
    [ "$kb" -gt "$rss" ] && rss=$kb
  done
  local lines articles
  lines=$(wc -l <"$LOGS/lines")
  articles=$("$BAOKU" --index "$INDEX" search --json --no-synonyms --limit 0 --no-collapse --sort date -- "${@: -1}" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
  python3 - "$label" "$lines" "$articles" "$rss" "${times[@]}" <<'EOF'
import statistics, sys
label, lines, articles, rss = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
wall = statistics.median(float(t) for t in sys.argv[5:])
print(f"| {label} | {articles} | {lines} | {wall:.2f} | {articles / wall:,.0f} | {lines / wall:,.0f} | {rss / 1024:.0f} |")
EOF
}

echo
echo "baoku kwic --json > /dev/null, median of $RUNS runs, $ARTICLES articles, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
echo
echo "| case | matching articles | lines printed | wall s | articles/s | lines/s | peak RSS MB |"
echo "|---|---|---|---|---|---|---|"
cli "发展, every occurrence, newest first" 发展
cli "中国, every occurrence, newest first" 中国
cli "台风, every occurrence (traditional 颱風 too)" 台风
cli "发展, --sort left --limit 100" --sort left --limit 100 发展
cli "发展, --width 50" --width 50 发展

"$BAOKU" --index "$INDEX" serve --addr 127.0.0.1:0 --cache 0 --rate 0 --no-synonyms >"$LOGS/stdout" 2>"$LOGS/stderr" &
SERVER=$!
for _ in $(seq 100); do
  grep -q "baoku serving" "$LOGS/stdout" 2>/dev/null && break
  sleep 0.1
done
URL=$(sed -n 's/^baoku serving //p' "$LOGS/stdout")
URL=${URL%/}
[ -n "$URL" ] || { echo "kwic.sh: the server did not start:" >&2; cat "$LOGS/stderr" >&2; exit 1; }

api() {
  local label=$1 params=$2
  python3 - "$URL/api/kwic?$params" "$RUNS_API" "$label" <<'EOF'
import json, sys, time, urllib.request
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
print(f"| {label} | {body['articles']} | {len(body['lines'])} | {pct(took, 50):.1f} | {pct(took, 95):.1f} | {pct(wall, 50):.1f} | {pct(wall, 95):.1f} |")
EOF
}

enc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1"; }
echo
echo "GET /api/kwic, warm, cache off, $RUNS_API runs"
echo
echo "| case | matching articles | lines | took_ms p50 | took_ms p95 | wall ms p50 | wall ms p95 |"
echo "|---|---|---|---|---|---|---|"
api "发展, first 100, newest first" "q=$(enc 发展)&limit=100"
api "发展, first 100 by the left context" "q=$(enc 发展)&limit=100&sort=left"
api "台风, first 100, newest first" "q=$(enc 台风)&limit=100"
