#!/usr/bin/env bash
# The second half of `make lint`: clang-tidy-14 with the checks of .clang-tidy on every C++ source
# outside tests and benchmarks, against a built tree (it reads BUILD_DIR's compile_commands.json
# and the generated headers). Runs one clang-tidy per core; fails listing every finding.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
cd "$ROOT"
TIDY=${CLANG_TIDY:-clang-tidy-14}
command -v "$TIDY" >/dev/null || { echo "tidy: $TIDY is missing (make deps installs it)" >&2; exit 2; }
[ -f "$BUILD_DIR/compile_commands.json" ] || { echo "tidy: no $BUILD_DIR/compile_commands.json (build first)" >&2; exit 2; }
mapfile -t files < <(git ls-files --cached --others --exclude-standard 'libs/*.cc' 'services/*.cc' 'tools/*.cc' | grep -v -e '_test\.cc$' -e '_benchmark\.cc$')
[ ${#files[@]} -gt 0 ] || { echo "tidy: no sources found" >&2; exit 2; }
log=$(mktemp)
trap 'rm -f "$log"' EXIT
start=$(date +%s)
# xargs exits non-zero when any clang-tidy does; the findings are read from the log either way.
printf '%s\n' "${files[@]}" |
  xargs -P "$(nproc)" -n 4 "$TIDY" -p "$BUILD_DIR" --quiet >"$log" 2>&1 || true
findings=$(grep -E '^[^ ]+:[0-9]+:[0-9]+: (error|warning):' "$log" | sort -u || true)
if [ -n "$findings" ]; then
  echo "tidy: findings of .clang-tidy's checks (fix them, or NOLINT(check) with the reason):" >&2
  echo "$findings" >&2
  exit 1
fi
if grep -q -E 'error: |Error while processing' "$log"; then
  echo "tidy: clang-tidy failed:" >&2; cat "$log" >&2; exit 2
fi
echo "tidy: ${#files[@]} C++ sources clean ($(( $(date +%s) - start )) s)"
