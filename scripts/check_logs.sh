#!/usr/bin/env bash
# Checks the local stack's logs after a run (`make test` and `make demo` call it):
#   1. every line the services wrote since MARK is one JSON object (log.format json), and each
#      request line (the gateway's access log, message "request") carries a trace_id and span_id;
#   2. no secret of the stack (a password, the JWT key, the message key) and no bearer token
#      appears in any log under .run, whatever wrote it.
# Usage: check_logs.sh --mark FILE      remember where each service log ends now
#        check_logs.sh --since FILE     check what was written after the mark (and all logs for 2)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUN=$ROOT/.run
die() { echo "check_logs: $*" >&2; exit 1; }
service_logs() { find "$RUN" -maxdepth 1 -name 'gateway*.log' -o -maxdepth 1 -name 'product*.log' -o -maxdepth 1 -name 'order*.log' | sort; }

case "${1:-}" in
  --mark)
    [ -n "${2:-}" ] || die "--mark needs a file"
    : > "$2"
    for f in $(service_logs); do echo "$f $(stat -c %s "$f")" >> "$2"; done
    exit 0 ;;
  --since) [ -f "${2:-}" ] || die "--since needs the file --mark wrote" ;;
  *) die "usage: check_logs.sh --mark FILE | --since FILE" ;;
esac
command -v jq >/dev/null || die "jq is missing (make deps installs it)"

failures=0 lines=0 requests=0
for f in $(service_logs); do
  offset=$(awk -v f="$f" '$1 == f { print $2 }' "$2"); offset=${offset:-0}
  new=$(mktemp)
  tail -c +"$((offset + 1))" "$f" > "$new"
  n=$(wc -l < "$new")
  lines=$((lines + n))
  # Line by line, so a bad line is named (by number only: it might hold a secret): jq reads each
  # as JSON and must find a log object.
  bad=$(jq -R -r --argjson base "$(head -c "$offset" "$f" | wc -l)" '(try (fromjson | if type == "object" and has("time") and has("level") and has("service") and has("message") then empty else "not a log object" end) catch "not JSON") as $why | "  line \(input_line_number + $base): \($why)"' "$new" | head -3)
  if [ -n "$bad" ]; then echo "check_logs: $f:"$'\n'"$bad" >&2; failures=$((failures + 1)); fi
  untraced=$(jq -R -r 'try (fromjson | select(.message == "request") | select(((.trace_id // "") | test("^[0-9a-f]{32}$") | not) or ((.span_id // "") | test("^[0-9a-f]{16}$") | not)) | tostring) catch empty' "$new" | head -3)
  if [ -n "$untraced" ]; then echo "check_logs: request lines without trace ids in $f:"$'\n'"$untraced" >&2; failures=$((failures + 1)); fi
  requests=$((requests + $(jq -R -r 'try (fromjson | select(.message == "request") | 1) catch empty' "$new" | wc -l)))
  rm -f "$new"
done

# The secrets: every value of secrets.env, the JWT key; tokens by their shape (a JWT's header).
secrets=()
if [ -f "$RUN/secrets.env" ]; then
  while IFS='=' read -r key value; do
    [[ "$key" =~ ^[A-Z_]+$ ]] && [ ${#value} -ge 8 ] && secrets+=("$value")
  done < "$RUN/secrets.env"
fi
[ -f "$RUN/jwt.secret" ] && secrets+=("$(cat "$RUN/jwt.secret")")
[ ${#secrets[@]} -gt 0 ] || die "no secrets found in $RUN/secrets.env: is the stack set up?"
mapfile -t logs < <(find "$RUN" -name '*.log' -type f)
[ ${#logs[@]} -gt 0 ] || die "no logs under $RUN"
for secret in "${secrets[@]}"; do
  if found=$(grep -lF -- "$secret" "${logs[@]}" 2>/dev/null); then
    echo "check_logs: a secret of the stack is written in: $found" >&2; failures=$((failures + 1))
  fi
done
if found=$(grep -lE 'eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}' "${logs[@]}" 2>/dev/null); then
  echo "check_logs: a bearer token is written in: $found" >&2; failures=$((failures + 1))
fi

[ "$failures" = 0 ] || die "$failures finding(s)"
echo "check_logs: $lines new service log lines, all JSON ($requests request lines, each with trace ids); no secret or token in ${#logs[@]} logs (${#secrets[@]} secrets looked for)"
