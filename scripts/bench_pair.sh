#!/usr/bin/env bash
# `make bench`'s telemetry pair (row O1p): what telemetry costs the stock path (P1), measured with
# both variants serving at the same time, so that the machine's drift falls on both alike (runs a
# minute apart differ here by up to 40% in rate, which rows O1-O3 cannot see through).
#
# Two whole stacks (servers and services, Release), each in a network namespace of its own and in a
# CPU cgroup capped at 45% of CPU 0, where both are pinned; a wrk on CPU 1 for each. (Without the
# caps one side's pipeline stalls and the other takes the CPU: rates of 40 against 6,000.) Side A
# runs the services with telemetry on and side B with it off, then the two swap (the services
# restarted), so that what differs between the stacks themselves cancels: per window, on / off;
# per phase, the median of its windows; the cost, the geometric mean of the two phases' medians.
#
#   scripts/bench_pair.sh OUT     (as root: cgroups and namespaces) writes OUT/pair.jsonl and
#                                 prints the row
# Knobs: BENCH_PAIR_PATH (P1, the default: the stock path, the gateway's sold-out mark off, row
# O1p; P4: the same orders answered by the mark, the gateway alone, row O4p, files
# OUT/pair-p4.*; P2: accepted orders, each reserved, published with its confirm and written to
# MariaDB, row O2p, files OUT/pair-p2.*), BENCH_PAIR_WINDOWS (6 a phase), BENCH_PAIR_SECONDS (8 a
# window), SECKILL_BIN_DIR (the Release build's, build-release/bin, as bench.sh: a Debug build
# costs five times the CPU a request).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
export SECKILL_BIN_DIR=${SECKILL_BIN_DIR:-$ROOT/build-release/bin}
WINDOWS=${BENCH_PAIR_WINDOWS:-6}
PAIR_PATH=${BENCH_PAIR_PATH:-P1}
case "$PAIR_PATH" in
  P1) FILES=pair ROW="| O1p | P1, the stock path, both variants at once (45% of CPU 0 each) |" MARK=(SECKILL_ACTIVITY_SOLD_OUT_TTL_MS=0) ;;
  P4) FILES=pair-p4 ROW="| O4p | P4, sold out answered by the gateway's mark, both variants at once (45% of CPU 0 each) |" MARK=() ;;
  P2) FILES=pair-p2 ROW="| O2p | P2, accepted orders, both variants at once (45% of CPU 0 each) |" MARK=() ;;
  *) echo "bench_pair: BENCH_PAIR_PATH is P1, P4 or P2, not '$PAIR_PATH'" >&2; exit 2 ;;
esac
SECONDS_PER_WINDOW=${BENCH_PAIR_SECONDS:-8}
STEP=$((SECONDS_PER_WINDOW + 2))

# --- the cgroups: v2 (Debian 12's default) or v1's cpu controller -----------------------------
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
  CG_ROOT=/sys/fs/cgroup
  cg_make() { mkdir -p "$CG_ROOT/$1" && echo "45000 100000" >"$CG_ROOT/$1/cpu.max"; }
else
  CG_ROOT=/sys/fs/cgroup/cpu
  cg_make() {
    mkdir -p "$CG_ROOT/$1"
    echo 100000 >"$CG_ROOT/$1/cpu.cfs_period_us"
    echo 45000 >"$CG_ROOT/$1/cpu.cfs_quota_us"
  }
fi
cg_enter() { echo "$2" >"$CG_ROOT/$1/cgroup.procs"; }

# --- one side: runs in its own network namespace ---------------------------------------------
if [ "${1:-}" = --side ]; then
  ID=$2 FIRST=$3 SECOND=$4 OUT=$5
  ip link set lo up
  cg_enter "seckill-pair-$ID" $$
  # The load generator leaves the cgroup: the cap is the servers'.
  load() { sh -c "echo \$\$ >'$CG_ROOT/cgroup.procs'; exec taskset -c 1 \"\$@\"" load "$@"; }
  export SECKILL_RUN_DIR=$OUT/pair-$ID
  RUN=$SECKILL_RUN_DIR
  rm -rf "$RUN"
  mkdir -p "$RUN/nginx"
  # Set before the stack comes up: a side whose `stack up` fails stops what it did start.
  trap 'kill "$(cat "$RUN/nginx/nginx.pid" 2>/dev/null)" 2>/dev/null; "$ROOT/scripts/stack.sh" down >/dev/null 2>&1 || true' EXIT
  taskset -c 0 "$ROOT/scripts/stack.sh" up >"$RUN/up.log" 2>&1 || { echo "side $ID: stack up failed" >&2; exit 1; }
  cat >"$RUN/nginx/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $RUN/nginx/nginx.pid;
error_log $RUN/nginx/error.log;
events { worker_connections 64; }
http {
  access_log off;
  server { listen 127.0.0.1:4318; client_max_body_size 64m; location = /v1/traces { return 200 '{}'; } }
}
EOF
  taskset -c 0 nginx -c "$RUN/nginx/nginx.conf" -p "$RUN/nginx" >/dev/null 2>&1 &
  setting() { sed -n "s|^$1=||p" "$RUN/stack.env"; }
  GATEWAY=$(setting SECKILL_GATEWAY_URL)
  api() {
    curl -sS -X "$1" "$GATEWAY$2" -H 'Content-Type: application/json' ${4:+-H "Authorization: Bearer $4"} ${3:+--data "$3"}
  }
  iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
  admin=$(api POST /api/v1/sessions "{\"username\":\"$(setting SECKILL_ADMIN_USER)\",\"password\":\"$(setting SECKILL_ADMIN_PASSWORD)\"}" | jq -r .token)
  product=$(api POST /admin/v1/products '{"name":"pair","price_cents":100}' "$admin" | jq -r .product_id)
  # P1 and P4: an activity of one unit, sold before the windows, so every order is answered 409.
  # P2: stock and a per-buyer limit no window can exhaust (10,000 buyers of up to 1,000 each).
  if [ "$PAIR_PATH" = P2 ]; then stock=1000000 limit=1000; else stock=1 limit=1; fi
  activity=$(api POST /admin/v1/activities "{\"product_id\":\"$product\",\"title\":\"pair $PAIR_PATH\",\"price_cents\":100,\"stock\":$stock,\"limit_per_user\":$limit,\"start_at\":\"$(iso $(($(date +%s) - 5)))\",\"end_at\":\"$(iso $(($(date +%s) + 86400)))\"}" "$admin" | jq -r .activity_id)
  api POST /admin/v1/users:bulk '{"prefix":"pairbuyer","count":10000,"password":"pair-password"}' "$admin" |
    jq -r '.users[].token' >"$RUN/tokens.txt"
  [ "$(wc -l <"$RUN/tokens.txt")" -eq 10000 ] || { echo "side $ID: bulk buyers failed" >&2; exit 1; }
  if [ "$PAIR_PATH" != P2 ]; then
    # The unit to the first buyer; retried while the new sale's stock is still being loaded
    # into Redis (503, "retry in a few seconds"), for 10 s at most.
    for _ in $(seq 20); do
      sold=$(api POST "/api/v1/activities/$activity/orders" '' "$(head -1 "$RUN/tokens.txt")")
      [ "$(jq -r .status <<<"$sold")" = QUEUED ] && break
      sleep 0.5
    done
    [ "$(jq -r .status <<<"$sold")" = QUEUED ] || { echo "side $ID: could not sell the unit: $sold" >&2; exit 1; }
  fi
  # barrier NAME: both sides here; echoes the common start, 5 s after the later arrived.
  barrier() {
    touch "$OUT/$1.$ID"
    for _ in $(seq 600); do [ -f "$OUT/$1.A" ] && [ -f "$OUT/$1.B" ] && break; sleep 0.5; done
    [ -f "$OUT/$1.A" ] && [ -f "$OUT/$1.B" ] || { echo "side $ID: the other side never reached $1" >&2; exit 1; }
    echo $(($(stat -c %Y "$OUT/$1.A" "$OUT/$1.B" | sort -n | tail -1) + 5))
  }
  # utime+stime of gateway, order, product and Redis, in clock ticks
  ticks() {
    local p
    for p in "$RUN/gateway.pid" "$RUN/order.pid" "$RUN/product.pid" "$RUN/redis/redis.pid"; do
      awk '{ print $14 + $15 }' "/proc/$(cat "$p")/stat"
    done | tr '\n' ' '
  }
  phase() { # phase NUMBER VARIANT
    local s start result before after
    for s in gateway order product; do "$ROOT/scripts/stack.sh" stop "$s" >/dev/null; done
    export STACK_TELEMETRY=$2
    taskset -c 0 "$ROOT/scripts/stack.sh" start product >/dev/null
    taskset -c 0 "$ROOT/scripts/stack.sh" start order >/dev/null
    env "${MARK[@]}" taskset -c 0 "$ROOT/scripts/stack.sh" start gateway >/dev/null
    start=$(barrier "phase$1")
    while [ "$(date +%s)" -lt $((start - 3)) ]; do sleep 0.1; done
    load wrk -t1 -c64 -d2s -s "$ROOT/tools/bench/wrk/paths.lua" "$GATEWAY" -- POST "/api/v1/activities/$activity/orders" "$RUN/tokens.txt" >/dev/null
    for w in $(seq "$WINDOWS"); do
      while [ "$(date +%s)" -lt $((start + (w - 1) * STEP)) ]; do sleep 0.1; done
      before=$(ticks)
      result=$(load wrk -t1 -c64 -d"${SECONDS_PER_WINDOW}s" -s "$ROOT/tools/bench/wrk/paths.lua" "$GATEWAY" -- POST "/api/v1/activities/$activity/orders" "$RUN/tokens.txt" | tail -1)
      after=$(ticks)
      jq -c --arg side "$ID" --arg variant "$2" --argjson phase "$1" --argjson window "$w" \
        --arg before "$before" --arg after "$after" --argjson tck "$(getconf CLK_TCK)" --arg path "$PAIR_PATH" \
        '.requests as $n | ($before | split(" ") | map(select(. != "") | tonumber)) as $b
         | ($after | split(" ") | map(select(. != "") | tonumber)) as $a
         | {side: $side, variant: $variant, phase: $phase, window: $window, rps: (.requests / .seconds),
            cpu_us: ([range(4)] | map({key: ["gateway", "order", "product", "redis"][.],
                                       value: (($a[.] - $b[.]) * 1e6 / $tck / $n * 10 | round / 10)}) | from_entries),
            answered_right: (.socket_errors == 0 and (if $path == "P2" then .status_4xx_5xx == 0
                                                       else .status_4xx_5xx == .requests end))}' <<<"$result"
    done
  }
  phase 1 "$FIRST"
  phase 2 "$SECOND"
  if [ "$PAIR_PATH" = P2 ]; then
    # Drained, and the books hold: every unit reserved is an order in the database.
    for _ in $(seq 600); do
      stats=$(api GET "/admin/v1/activities/$activity/stats" '' "$admin")
      [ "$(jq '.orders.QUEUED + .reserved' <<<"$stats")" -eq 0 ] && break
      sleep 0.1
    done
    jq -e '.orders.QUEUED == 0 and .reserved == 0 and .orders.CREATED > 0
           and .stock == .remaining + .orders.CREATED' <<<"$stats" >/dev/null ||
      echo '{"side":"'"$ID"'","books_broken":true}'
  else
    [ "$(api GET "/admin/v1/activities/$activity/stats" '' "$admin" | jq '.orders | add')" -eq 1 ] ||
      echo '{"side":"'"$ID"'","books_broken":true}'
  fi
  exit 0
fi

# --- both sides, then the row ------------------------------------------------------------------
OUT=$1
[ "$(id -u)" = 0 ] || { echo "bench_pair: needs root (cgroups, network namespaces)" >&2; exit 2; }
[ "$(nproc)" -ge 2 ] || { echo "bench_pair: needs 2 CPUs (servers on one, load on the other)" >&2; exit 2; }
for b in seckill-gateway seckill-order seckill-product; do
  [ -x "$SECKILL_BIN_DIR/$b" ] || { echo "bench_pair: $SECKILL_BIN_DIR/$b is missing (make bench builds it)" >&2; exit 2; }
done
rm -f "$OUT"/phase*.[AB] "$OUT/$FILES.jsonl"
for id in A B; do cg_make "seckill-pair-$id"; done
unshare -n "$0" --side A on off "$OUT" >"$OUT/$FILES.A.jsonl" 2>"$OUT/$FILES.A.err" &
a=$!
unshare -n "$0" --side B off on "$OUT" >"$OUT/$FILES.B.jsonl" 2>"$OUT/$FILES.B.err" &
b=$!
failed=0
wait "$a" || failed=1
wait "$b" || failed=1
for id in A B; do rmdir "$CG_ROOT/seckill-pair-$id" 2>/dev/null || true; done
cat "$OUT/$FILES.A.jsonl" "$OUT/$FILES.B.jsonl" >"$OUT/$FILES.jsonl"
if [ "$failed" -ne 0 ]; then
  echo "bench_pair: a side failed: $(cat "$OUT/$FILES.A.err" "$OUT/$FILES.B.err")" >&2
  exit 1
fi
if jq -se 'any(.[]; .answered_right == false or .books_broken == true)' "$OUT/$FILES.jsonl" >/dev/null; then
  echo "bench_pair: a run answered wrongly (P1, P4: not every answer a 409, or the sold-out activity sold; P2: not every answer a 202, or the books do not hold): $OUT/$FILES.jsonl" >&2
  exit 1
fi
jq -sr --arg row "$ROW" '
  def median: sort | if length % 2 == 1 then .[(length - 1) / 2] else (.[length / 2 - 1] + .[length / 2]) / 2 end;
  def r3: . * 1000 | round / 1000;
  [.[] | select(.window != null)] as $runs
  | [1, 2] | map(. as $p
      | [$runs[] | select(.phase == $p and .variant == "on")] as $on
      | [$runs[] | select(.phase == $p and .variant == "off")] as $off
      | {phase: $p, on_side: $on[0].side, ratios: [$on[] as $r | $off[] | select(.window == $r.window) | $r.rps / .rps],
         on: ([$on[].rps] | median), off: ([$off[].rps] | median)}
      | . + {median: (.ratios | median)}) as $phases
  | (($phases[0].median * $phases[1].median) | sqrt) as $cost
  | $row + " "
    + ($phases | map("phase \(.phase) (\(.on_side) on): \(.on | floor) / \(.off | floor) req/s, \(.median | r3) (\(.ratios | map(r3) | join(", ")))") | join("; "))
    + " | **\($cost | r3)** |"' "$OUT/$FILES.jsonl"
