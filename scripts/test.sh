#!/usr/bin/env bash
# Runs every test in one CTest run: unit, integration (the real Redis, RabbitMQ and MariaDB) and
# e2e (the three services, freshly started from this build). Starts the local stack if needed and
# stops it afterwards if it started it (KEEP=1 leaves it running). Fails if no test ran.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
cd "$ROOT"

started=0
# (Not `status | grep -q`: with pipefail, grep's early exit would fail the pipeline.)
case "$(scripts/stack.sh status)" in *"redis     running"*) ;; *) started=1 ;; esac
finish() {
  local rc=$?
  if [ "$started" = 1 ] && [ -z "${KEEP:-}" ]; then "$ROOT/scripts/stack.sh" down || true; fi
  exit $rc
}
trap finish EXIT

scripts/stack.sh infra-up
# The services under test must be this build's binaries.
for s in gateway order product; do scripts/stack.sh stop "$s"; done
log_mark=$(mktemp)
scripts/check_logs.sh --mark "$log_mark"
SECKILL_BIN_DIR="$BUILD_DIR/bin" scripts/stack.sh up >/dev/null

cd "$BUILD_DIR"
# Unit tests run in parallel; integration and e2e tests share the stack (RESOURCE_LOCK).
ctest --output-on-failure --no-tests=error -j2 --timeout 900
# What the services logged during the tests: JSON lines, trace ids on requests, no secrets.
"$ROOT/scripts/check_logs.sh" --since "$log_mark"
