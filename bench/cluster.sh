#!/usr/bin/env bash
# The cluster engine beside the embedded index (issue 18): index throughput
# (articles/s, MB/s of text) and query latency (p50/p99 of `took_ms`, the library's
# own clock around each search, HTTP round trips included) for the bench queries, on
# the same articles: the first N of cctv_xwlb and hkcnews from ../shared/corpus.
#
#   flock /tmp/baoku-bench.lock bench/cluster.sh [N_PER_CORPUS (default 10000)] [NODES (2)]
#
# Starts its own OpenSearch cluster (tests/cluster/start.sh) under a temp folder and
# stops it at the end. The cluster's JVMs run on the same cores as baoku: the numbers
# are those of one small machine doing everything, not of a real cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000}
NODES=${2:-2}
# Built beforehand (`cargo build --release`): building here would replace the binary
# under a test run going on beside.
BAOKU=target/release/baoku
[ -x "$BAOKU" ] || { echo "bench/cluster.sh: build first: cargo build --release" >&2; exit 2; }
WORK=$(mktemp -d /tmp/baoku-bench-cluster.XXXXXX)
trap 'tests/cluster/stop.sh "$WORK/cluster" >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
mkdir -p "$WORK/corpus"
for corpus in cctv_xwlb hkcnews; do
  # (head closes the pipe early: zstd's SIGPIPE is expected)
  zstd -dc "../shared/corpus/$corpus.jsonl.zst" 2>/dev/null | head -n "$N" > "$WORK/corpus/$corpus.jsonl" || true
done
cat bench/relevance/queries/{ki_cctv,ki_hkcnews_trad,phrase,single_word,two_word,traditional,topical_cctv,topical_hkcnews}.tsv > "$WORK/queries.tsv"
URL=$(tests/cluster/start.sh "$WORK/cluster" "$NODES" | tail -1)
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); cluster: $NODES OpenSearch 2.19.6 nodes (-Xmx512m), 2 shards x 1 replica, on the same cores"

timed() { # prints seconds of wall-clock time of "$@" (its stderr to $WORK/log)
  local t0 t1
  t0=$(date +%s.%N); "$@" 2>>"$WORK/log" >/dev/null; t1=$(date +%s.%N)
  echo "$t0 $t1" | awk '{printf "%.2f", $2 - $1}'
}
text_mb=$(cat "$WORK"/corpus/*.jsonl | wc -c | awk '{printf "%.1f", $1 / 1e6}')
t_local=$(timed "$BAOKU" --index "$WORK/index" index -q "$WORK/corpus")
t_cluster=$(timed "$BAOKU" --engine "$URL/bench" index -q "$WORK/corpus")
articles=$("$BAOKU" --index "$WORK/index" stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["articles"])')
"$BAOKU" --index "$WORK/index" search --batch "$WORK/queries.tsv" > "$WORK/embedded.jsonl"
"$BAOKU" --engine "$URL/bench" search --batch "$WORK/queries.tsv" > "$WORK/cluster.jsonl"
python3 - "$articles" "$text_mb" "$t_local" "$t_cluster" "$WORK/embedded.jsonl" "$WORK/cluster.jsonl" <<'EOF'
import json, sys
articles, mb, t_local, t_cluster = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
def latencies(path):
    xs = sorted(json.loads(line)["took_ms"] for line in open(path))
    return len(xs), xs[len(xs) // 2], xs[min(len(xs) - 1, int(len(xs) * 0.99))]
print(f"{articles} articles, {mb} MB of JSON Lines")
print(f"{'engine':10} {'index s':>8} {'articles/s':>11} {'MB/s':>6} {'queries':>8} {'p50 ms':>7} {'p99 ms':>7}")
for name, seconds, path in [("embedded", t_local, sys.argv[5]), ("cluster", t_cluster, sys.argv[6])]:
    n, p50, p99 = latencies(path)
    print(f"{name:10} {seconds:8.1f} {articles / seconds:11.0f} {mb / seconds:6.2f} {n:8} {p50:7.1f} {p99:7.1f}")
EOF
echo "index size: embedded $(du -sh "$WORK/index" | cut -f1); cluster (primaries + replicas): $(curl -s "$URL/_cat/indices/bench?h=store.size")"
