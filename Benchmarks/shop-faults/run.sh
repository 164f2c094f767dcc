#!/usr/bin/env bash
# Root-cause accuracy on the real shop (not the simulator): one `shop demo` per fault kind, each in a
# non-entry service, and what the analyzer named. Needs `swift build` (debug) first; ~2 min per fault.
#   Benchmarks/shop-faults/run.sh [FAULT...]     e.g. inventory:pool_exhaustion payments:errors
set -uo pipefail
cd "$(dirname "$0")/../.."
BIN=${BIN:-.build/debug}
faults=("$@")
if [ ${#faults[@]} -eq 0 ]; then
  faults=(story inventory:pool_exhaustion payments:errors catalog:latency catalog:cpu:80 users:stop)
fi
correct=0
for fault in "${faults[@]}"; do
  args=()
  [ "$fault" != story ] && args=(--fault "$fault")
  log=$(mktemp)
  "$BIN/shop" demo --exit-after-diagnosis --work-dir "/tmp/shop-faults-$$" --healthy-seconds 40 --settle-seconds 10 \
    --incident-timeout 150 "${args[@]}" >"$log" 2>&1
  verdict=$(grep -E "^==> injected:|^==> no incident" "$log" | tail -1)
  echo "$fault: ${verdict#==> }"
  [[ "$verdict" == *": correct" ]] && correct=$((correct + 1))
  rm -f "$log"
done
rm -rf "/tmp/shop-faults-$$"
echo "correct root cause and kind: $correct of ${#faults[@]}"
