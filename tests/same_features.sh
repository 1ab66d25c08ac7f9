#!/usr/bin/env bash
# Fails when building the tests would turn on features of a dependency that the binary
# is built without: `cargo test --release` would then compile that dependency and
# everything above it (tantivy) a second time after `cargo build --release`. Only
# baoku itself may differ (its test builds add `fault-injection`).
set -euo pipefail
cd "$(dirname "$0")/.."
features() {
  cargo tree -e "$1" -f "{p} [{f}]" --prefix none | sed 's/ (\*)$//' | sort -u
}
normal=$(features normal)
changed=$(comm -13 <(echo "$normal") <(features normal,dev) | while read -r name version rest; do
  if [ "$name" != baoku ] && grep -q "^$name $version " <<<"$normal"; then
    echo "$name $version: $(grep "^$name $version " <<<"$normal" | cut -d' ' -f3-) → $rest"
  fi
done)
if [ -n "$changed" ]; then
  echo "tests/same_features.sh: the tests' dev-dependencies change the features of:" >&2
  echo "$changed" >&2
  echo "pin an older dev-dependency in Cargo.lock (cargo update -p NAME --precise V) or turn the feature on for the binary" >&2
  exit 1
fi
