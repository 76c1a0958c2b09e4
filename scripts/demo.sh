#!/usr/bin/env bash
# A flash sale on the local stack: 100 units, 2,000 buyers trying twice each at concurrency 200,
# then the report and the invariant check. BUILD_DIR is the build whose services run (`make demo`
# passes the Release build). Stops the stack afterwards unless KEEP=1.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
cd "$ROOT"
finish() {
  local rc=$?
  if [ -z "${KEEP:-}" ]; then "$ROOT/scripts/stack.sh" down || true; else echo "stack left running (make down stops it)"; fi
  exit $rc
}
trap finish EXIT
scripts/stack.sh infra-up >/dev/null
# The services measured must be this build's binaries, even if a stack was already up.
for s in gateway order product; do scripts/stack.sh stop "$s" >/dev/null; done
log_mark=$(mktemp)
scripts/check_logs.sh --mark "$log_mark"
SECKILL_BIN_DIR="$BUILD_DIR/bin" scripts/stack.sh up >/dev/null
"$BUILD_DIR/bin/seckill-bench" --stock "${STOCK:-100}" --buyers "${BUYERS:-2000}" \
  --concurrency "${CONCURRENCY:-200}" --attempts "${ATTEMPTS:-2}"
# What the services logged during the sale: JSON lines, trace ids on requests, no secrets.
scripts/check_logs.sh --since "$log_mark"
