#!/usr/bin/env bash
# Load test of `baoku serve` on loopback: wrk with 16 connections for 10 s, each
# request a different realistic query (the judged query sets of bench/relevance,
# cycled), against an index of the full ../shared/corpus.
#
#   bench/serve_load.sh                       # build what is missing, run, report
#   bench/serve_load.sh --index DIR           # an existing full-corpus index
#   bench/serve_load.sh --connections 32 --duration 30s --params "&facets=true"
#
# Reports requests/s, latency p50/p90/p99/max and errors (non-2xx answers, socket
# errors), with the machine's load average at the time: with the server's answer cache
# off (every request is a search), as deployed (cache on; the 1,636 queries repeat
# within the run, so most are answered from it), and with the cache off and a token
# required on every request (what a newsroom's LAN server does). wrk is one client, so
# every server runs with the per-client limits lifted (--rate 0 --client-concurrency
# 64). A binary from before tokens and limits (--baoku OLD) gets the first two runs
# only. Needs wrk (installed with apt-get when missing) and python3 (to URL-encode the
# queries).
set -euo pipefail
cd "$(dirname "$0")/.."

INDEX=${BAOKU_LOAD_INDEX:-/tmp/baoku-bench/serve-index}
CONNECTIONS=16
DURATION=10s
THREADS=2
PARAMS=""
BAOKU=""
WARMUP=3s
while [ $# -gt 0 ]; do
  case "$1" in
    --index) INDEX=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --params) PARAMS=$2; shift 2 ;;
    --baoku) BAOKU=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; echo "options: --index DIR --connections N --duration 10s --threads N --params '&k=v' --baoku BIN --warmup 3s"; exit 0 ;;
    *) echo "serve_load.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

if ! command -v wrk >/dev/null; then
  echo "installing wrk" >&2
  apt-get install -y wrk >/dev/null
fi
if [ -z "$BAOKU" ]; then
  cargo build --release --quiet
  BAOKU=${CARGO_TARGET_DIR:-target}/release/baoku
fi

CORPUS=../shared/corpus
if ! "$BAOKU" --index "$INDEX" stats >/dev/null 2>&1; then
  echo "building the full-corpus index in $INDEX (a few minutes)" >&2
  rm -rf "$INDEX"
  mkdir -p "$(dirname "$INDEX")"
  "$BAOKU" --index "$INDEX" index --quiet "$CORPUS"/*.jsonl.zst
fi
ARTICLES=$("$BAOKU" --index "$INDEX" stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["articles"])')

WORK=$(mktemp -d /tmp/baoku-serve-load.XXXXXX)
SERVER=""
cleanup() {
  if [ -n "$SERVER" ]; then kill -TERM "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# One request path per query, URL-encoded, in a wrk script that cycles through them
# and prints the figures as one JSON line at the end.
python3 - "$WORK/load.lua" "$PARAMS" bench/relevance/queries/*.tsv <<'EOF'
import sys, urllib.parse
out, params, files = sys.argv[1], sys.argv[2], sys.argv[3:]
paths = []
for name in files:
    for line in open(name, encoding="utf-8"):
        parts = line.rstrip("\n").split("\t")
        if len(parts) >= 2 and parts[1].strip():
            paths.append("/api/search?q=" + urllib.parse.quote(parts[1].strip(), safe="") + params)
lua = ["paths = {"] + ["  %s," % ('"' + p + '"') for p in paths] + ["}"]
lua.append("""
counter = 0
-- BAOKU_LOAD_TOKEN, when set, is sent as the bearer token with every request.
local token = os.getenv("BAOKU_LOAD_TOKEN")
local headers = {}
if token and token ~= "" then headers["Authorization"] = "Bearer " .. token end
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1], headers)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %.2f, "rps": %.1f, "p50_ms": %.2f, "p90_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f, "non_2xx": %d, "socket_errors": %d}\\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, e.status, e.connect + e.read + e.write + e.timeout))
end
""")
open(out, "w", encoding="utf-8").write("\n".join(lua))
open(out.replace("load.lua", "paths"), "w", encoding="utf-8").write("\n".join(paths) + "\n")
print(f"{len(paths)} queries from {len(files)} query files", file=sys.stderr)
EOF

# What the binary supports: a server from before per-client limits needs no flags to
# lift them, and cannot require a token.
LIMITS=()
if "$BAOKU" serve --help | grep -q -- "--client-concurrency"; then
  LIMITS=(--rate 0 --client-concurrency 64)
fi
TOKEN=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
# Only the third run requires a token.
unset BAOKU_TOKEN

# One measured run against a fresh server started with the given options; with
# BAOKU_TOKEN set, the server requires it and wrk sends it.
measure() {
  local label=$1; shift
  "$BAOKU" --index "$INDEX" serve --addr 127.0.0.1:0 "${LIMITS[@]}" "$@" >"$WORK/stdout" 2>"$WORK/stderr" &
  SERVER=$!
  for _ in $(seq 100); do
    grep -q "baoku serving" "$WORK/stdout" 2>/dev/null && break
    sleep 0.1
  done
  local url
  url=$(sed -n 's/^baoku serving //p' "$WORK/stdout")
  [ -n "$url" ] || { echo "the server did not start:" >&2; cat "$WORK/stderr" >&2; exit 1; }
  BAOKU_LOAD_TOKEN=${BAOKU_TOKEN:-} wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s "$WORK/load.lua" "$url" >/dev/null
  local before after result
  before=$(cut -d' ' -f1-3 /proc/loadavg)
  BAOKU_LOAD_TOKEN=${BAOKU_TOKEN:-} wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -s "$WORK/load.lua" "$url" >"$WORK/wrk.txt"
  after=$(cut -d' ' -f1-3 /proc/loadavg)
  kill -TERM "$SERVER"; wait "$SERVER" || true; SERVER=""
  result=$(grep '^{' "$WORK/wrk.txt")
  echo "$result" | LABEL="$label" LOAD="load average before $before, after $after" python3 -c '
import json, os, sys
r = json.load(sys.stdin)
print(os.environ["LABEL"] + ": {rps:.0f} searches/s ({requests} requests in {seconds:.1f} s); latency p50 {p50_ms:.2f} ms, "
      "p90 {p90_ms:.2f} ms, p99 {p99_ms:.2f} ms, max {max_ms:.1f} ms; errors: {non_2xx} non-2xx, "
      "{socket_errors} socket; ".format(**r) + os.environ["LOAD"])
print("  " + json.dumps(dict(r, label=os.environ["LABEL"])))
'
}

echo "baoku serve on $ARTICLES articles, $(nproc) cores; wrk: $CONNECTIONS connections, $THREADS threads, $DURATION after a $WARMUP warm-up; $(wc -l < "$WORK/paths") queries cycled" >&2
# Every request searched: what the engine and the server sustain.
measure "no answer cache (--cache 0)" --cache 0
# As deployed: repeated requests are answered from the cache (the warm-up fills it).
measure "with the answer cache (default)"
# On a LAN: every request carries the token and is searched.
if [ ${#LIMITS[@]} -gt 0 ]; then
  BAOKU_TOKEN=$TOKEN measure "no answer cache, token required (--cache 0, BAOKU_TOKEN)" --cache 0
fi
