#!/usr/bin/env bash
# The style check `make test` runs first: every C++ source of the repository formatted as
# .clang-format says (clang-format 14, Debian's clang-format-14), and the protos clean under
# `buf lint` (proto/buf.yaml; buf from tools/buf, which make deps installs). Fails listing what
# is not; `scripts/lint.sh --fix` formats the C++. `make lint` runs scripts/tidy.sh next.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
FORMAT=${CLANG_FORMAT:-clang-format-14}
command -v "$FORMAT" >/dev/null || { echo "lint: $FORMAT is missing (make deps installs it)" >&2; exit 2; }
mapfile -t files < <(git ls-files --cached --others --exclude-standard '*.cc' '*.h' 2>/dev/null || find libs services tools tests -name '*.cc' -o -name '*.h')
[ ${#files[@]} -gt 0 ] || { echo "lint: no sources found" >&2; exit 2; }
if [ "${1:-}" = --fix ]; then
  "$FORMAT" -i "${files[@]}"
  exit 0
fi
bad=$("$FORMAT" --dry-run "${files[@]}" 2>&1 | sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: warning:.*/\1/p' | sort -u)
if [ -n "$bad" ]; then
  echo "lint: not formatted as .clang-format says (scripts/lint.sh --fix formats them):" >&2
  echo "$bad" >&2
  exit 1
fi
echo "lint: ${#files[@]} C++ sources formatted"
BUF=$ROOT/tools/buf/node_modules/.bin/buf
[ -x "$BUF" ] || { echo "lint: $BUF is missing (make deps installs it)" >&2; exit 2; }
(cd proto && "$BUF" lint) || { echo "lint: buf lint found the problems above in proto/" >&2; exit 1; }
echo "lint: $(cd proto && find . -name '*.proto' | wc -l) protos clean under buf lint"
