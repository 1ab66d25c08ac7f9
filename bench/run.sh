#!/usr/bin/env bash
# Run baoku's benchmark suite: baoku and its peers on the same corpus and queries.
#   bench/run.sh                  # everything (about 45-60 min on 2 cores)
#   bench/run.sh --only perf      # performance only
#   bench/run.sh --only relevance # relevance only
#   bench/run.sh --quick          # a subset, to check that everything works (~5 min)
# See bench/README.md; `bench/run.sh --help` lists the options.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${BAOKU_BENCH_VENV:-/tmp/baoku-bench-venv}
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
export PYTHONDONTWRITEBYTECODE=1
exec "$VENV/bin/python" bench/peers/run.py --venv "$VENV" "$@"
