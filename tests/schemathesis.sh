#!/usr/bin/env bash
# Fuzzes `baoku serve` against its own OpenAPI document with schemathesis (PyPI):
# every check (`--checks all`), a fixed seed, at least 500 generated requests, and
# not one failure. The document must be exactly as strict as the server: a value it
# allows must be searched, one it forbids refused with 4xx, every answer must match
# its schema, and an operation that needs the token must refuse a request without it.
#
#   tests/schemathesis.sh [BAOKU_BINARY]     # default: target/release/baoku
#
# Builds an index of sample_corpus/ in a temporary folder, starts a server there on
# loopback with a random token and the default limits, runs schemathesis with the
# token at 40 requests a second (under the server's per-client rate, so that no
# answer is a 429), then stops the server by its PID. Installs schemathesis in a
# virtual environment (BAOKU_SCHEMATHESIS_VENV, default /tmp/baoku-schemathesis).
set -euo pipefail
cd "$(dirname "$0")/.."

BAOKU=${1:-target/release/baoku}
VENV=${BAOKU_SCHEMATHESIS_VENV:-/tmp/baoku-schemathesis}
VERSION=4.32.5
SEED=2026
MIN_CASES=500

if ! "$VENV/bin/st" --version 2>/dev/null | grep -q "$VERSION"; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet "schemathesis==$VERSION"
fi

WORK=$(mktemp -d /tmp/baoku-schemathesis.XXXXXX)
SERVER=""
cleanup() {
  if [ -n "$SERVER" ]; then kill -TERM "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

"$BAOKU" --index "$WORK/index" index --quiet sample_corpus/ >/dev/null
TOKEN=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
BAOKU_TOKEN=$TOKEN "$BAOKU" --index "$WORK/index" serve --addr 127.0.0.1:0 >"$WORK/stdout" 2>"$WORK/stderr" &
SERVER=$!
for _ in $(seq 100); do
  grep -q "baoku serving" "$WORK/stdout" 2>/dev/null && break
  sleep 0.1
done
URL=$(sed -n 's/^baoku serving //p' "$WORK/stdout")
URL=${URL%/}
[ -n "$URL" ] || { echo "schemathesis.sh: the server did not start:" >&2; cat "$WORK/stderr" >&2; exit 1; }

status=0
(cd "$WORK" && "$VENV/bin/st" --no-color run "$OLDPWD/schema/openapi.json" --url "$URL" \
  -H "Authorization: Bearer $TOKEN" --checks all --seed "$SEED" --max-examples 200 \
  --workers 1 --rate-limit 40/s) >"$WORK/report.txt" 2>&1 || status=$?
kill -TERM "$SERVER"
wait "$SERVER" || true
SERVER=""

cases=$(sed -n 's/^ *\([0-9][0-9]*\) generated.*/\1/p' "$WORK/report.txt" | tail -1)
if [ "$status" -ne 0 ] || [ -z "$cases" ] || [ "$cases" -lt "$MIN_CASES" ]; then
  cat "$WORK/report.txt"
  echo "schemathesis.sh: exit status $status, ${cases:-no} test cases (at least $MIN_CASES wanted)" >&2
  exit 1
fi
if grep -q "panicked" "$WORK/stderr"; then
  cat "$WORK/stderr" >&2
  echo "schemathesis.sh: the server panicked" >&2
  exit 1
fi
if grep -q "$TOKEN" "$WORK/stderr" "$WORK/report.txt"; then
  echo "schemathesis.sh: the token was written out" >&2
  exit 1
fi
sed -n '/SUMMARY/,$p' "$WORK/report.txt"
echo "schemathesis: $cases test cases, seed $SEED, 0 failures"
