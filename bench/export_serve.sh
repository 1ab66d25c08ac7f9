#!/usr/bin/env bash
# Export over HTTP (issue 17 §2): every match of a query that matches at least 100k
# of the three shared corpora's ~117k articles, streamed by GET /api/export, as CSV
# (the default columns, and with snippets) and as JSON lines; beside it the same
# export by the command line. Reports rows, bytes, seconds, articles/s and the
# server's resident memory: its peak (VmHWM of /proc/PID/status), which counts the
# pages of the index files it has read through mmap, and the peak of its own memory
# (RssAnon, sampled every 20 ms during each export); target ≥ 20,000 articles/s in
# ≤ 200 MB. One export is run first to warm the page cache.
#
#   flock /tmp/baoku-bench.lock bench/export_serve.sh [--baoku BIN] [--work DIR] [--query Q] [--index DIR]
#
# BIN defaults to target/release/baoku (built with `cargo build --release` when
# missing); the index of ../shared/corpus/*.jsonl.zst is built once in WORK (default
# /tmp/baoku-export-serve, never ../shared) and reused while this baoku can open it;
# --index measures an index built elsewhere instead (the 1M articles of
# `bench/run.sh --only scale`).
# Q defaults to `的 OR 是 OR 在`. Take the lock: the numbers mean nothing while
# another benchmark runs. Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."

BAOKU=target/release/baoku
WORK=/tmp/baoku-export-serve
QUERY="的 OR 是 OR 在"
while [ $# -gt 0 ]; do
  case "$1" in
    --baoku) BAOKU=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    --index) GIVEN_INDEX=$2; shift 2 ;;
    --query) QUERY=$2; shift 2 ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "export_serve.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ -x "$BAOKU" ] || cargo build --release
CORPUS=../shared/corpus
INDEX=${GIVEN_INDEX:-$WORK/index}
mkdir -p "$WORK"

if [ -n "${GIVEN_INDEX:-}" ]; then
  "$BAOKU" --index "$INDEX" stats >/dev/null || { echo "export_serve.sh: --index $INDEX: this baoku cannot open it" >&2; exit 1; }
elif ! "$BAOKU" --index "$INDEX" stats >/dev/null 2>&1; then
  rm -rf "$INDEX"
  echo "export_serve.sh: indexing the shared corpora into $INDEX (once)" >&2
  "$BAOKU" --index "$INDEX" index --quiet "$CORPUS"/cctv_xwlb.jsonl.zst \
    "$CORPUS"/hkcnews.jsonl.zst "$CORPUS"/zh_inews.jsonl.zst
fi
ARTICLES=$("$BAOKU" --index "$INDEX" stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["articles"])')

SERVER=""
LOGS=$(mktemp -d /tmp/baoku-export-bench.XXXXXX)
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
[ -n "$URL" ] || { echo "export_serve.sh: the server did not start:" >&2; cat "$LOGS/stderr" >&2; exit 1; }

enc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1"; }
hwm() { awk '/^VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$SERVER/status"; }
rss() { awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$SERVER/status"; }
anon() { awk '/^RssAnon/ {printf "%.0f", $2 / 1024}' "/proc/$SERVER/status"; }
Q=$(enc "$QUERY")
# A search first, so that the index is open and warm as it is for any export.
curl -sf "$URL/api/search?q=$Q&limit=0" -o "$LOGS/search.json"
MATCHES=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["total"])' "$LOGS/search.json")
[ "$MATCHES" -ge 100000 ] || echo "export_serve.sh: warning: $QUERY matches $MATCHES articles, fewer than 100k" >&2
BEFORE_RSS=$(rss)
BEFORE_HWM=$(hwm)
BEFORE_ANON=$(anon)
# Warm: every stored article read once, as a researcher's second export finds them.
curl -sf "$URL/api/export?q=$Q&format=jsonl" -o /dev/null

echo
echo "Export over HTTP (GET /api/export), $ARTICLES articles, query \`$QUERY\` ($MATCHES matches), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ)"
echo
echo "server before the exports: ${BEFORE_RSS} MB resident (${BEFORE_ANON} MB its own), peak ${BEFORE_HWM} MB"
echo
echo "| export | rows | MB | seconds | articles/s | server peak RSS (VmHWM, MB) | server's own memory, peak (RssAnon, MB) |"
echo "|---|---|---|---|---|---|---|"
measure() {
  local label=$1 params=$2
  local out peak=0
  ( while :; do anon; echo; sleep 0.02; done ) >"$LOGS/anon" 2>/dev/null &
  local sampler=$!
  out=$(curl -sf -D "$LOGS/headers" -o "$LOGS/body" -w '%{size_download} %{time_total}' "$URL/api/export?q=$Q&$params")
  kill "$sampler"; wait "$sampler" 2>/dev/null || true
  peak=$(sort -n "$LOGS/anon" | tail -1)
  local bytes=${out% *} seconds=${out#* }
  local rows
  rows=$(tr -d '\r' <"$LOGS/headers" | sed -n 's/^x-baoku-total: //Ip')
  if [[ "$params" == *jsonl* ]]; then
    local lines
    lines=$(wc -l <"$LOGS/body")
    [ "$lines" -eq "$rows" ] || { echo "export_serve.sh: $lines lines, X-Baoku-Total $rows" >&2; exit 1; }
  fi
  python3 -c 'import sys; rows, b, s, label, hwm, anon = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6]; print(f"| {label} | {rows:,} | {b / 1e6:.1f} | {s:.2f} | {rows / s:,.0f} | {hwm} | {anon} |")' \
    "$rows" "$bytes" "$seconds" "$label" "$(hwm)" "$peak"
}
measure "CSV, default columns" "format=csv"
measure "JSON lines, default columns" "format=jsonl"
measure "CSV, id,date,title,snippet" "format=csv&fields=id,date,title,snippet"
measure "CSV, default columns, oldest first" "format=csv&sort=oldest"

# The same export by the command line, for comparison (its own process: peak RSS
# from GNU time when there is one, else from the kernel's accounting of the child).
python3 - "$BAOKU" "$INDEX" "$QUERY" <<'PY'
import resource, subprocess, sys, time
baoku, index, query = sys.argv[1:4]
started = time.perf_counter()
with open("/dev/null", "wb") as sink:
    subprocess.run([baoku, "--index", index, "search", "--export", "csv", "--", query], stdout=sink, check=True)
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(f"\ncommand line, `search --export csv`: {seconds:.2f} s, peak {peak:.0f} MB resident")
PY
