#!/usr/bin/env bash
# Every relative link in README.md and docs/**/*.md points at a file or folder that exists inside
# this repository (the project stands alone: nothing may lead outside the clone). Web links and
# in-page anchors are not followed. Lists each broken link and fails if there is one, or if no
# link was checked at all.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

checked=0 broken=0
while IFS= read -r file; do
  dir=$(dirname "$file")
  # Inline links [text](target) and images ![alt](target); the target ends at ')' or a space
  # (a title may follow).
  while IFS= read -r target; do
    case "$target" in
      http://*|https://*|mailto:*|'#'*) continue ;;
    esac
    path=${target%%#*}
    checked=$((checked + 1))
    resolved=$(realpath -m "$dir/$path")
    if [ ! -e "$resolved" ]; then
      echo "$file: broken link ($target): no such file"; broken=$((broken + 1))
    elif [ "${resolved#"$ROOT"/}" = "$resolved" ]; then
      echo "$file: link leaves the repository ($target)"; broken=$((broken + 1))
    fi
  done < <(grep -oE '!?\[[^]]*\]\([^) ]+' "$file" | sed -E 's/^!?\[[^]]*\]\(//')
done < <(find README.md docs -name '*.md' -not -path '*/node_modules/*' | sort)

echo "links: $checked checked, $broken broken"
[ "$checked" -gt 0 ] && [ "$broken" -eq 0 ]
