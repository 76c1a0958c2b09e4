#!/usr/bin/env bash
# `make bench`: the system measured side by side with its baselines, in one run
# (docs/performance.md says how and why). A stack of its own (Release binaries, data under
# .run/bench) inside a network namespace this script creates, so it never meets a `make up`
# stack and its traffic stays on loopback. The servers (nginx, Redis, MariaDB, RabbitMQ, etcd,
# the three services) are pinned to CPU 0, the load generator to CPU 1.
#
# For each closed-loop path, ROUNDS rounds of SECONDS each after a warm-up, interleaved with the
# baselines (nginx, healthz, read, sold out, 429, Redis, nginx, ... per round; then the stock
# path with the gateway's sold-out mark off, against Redis; then the drain and accepted orders,
# against the publisher alone, seckill-publish-bench; each of these three paths run in every
# round with the services as deployed (mutual TLS, telemetry on), in plain text and with
# telemetry off, to show what TLS and telemetry cost them; then one gRPC hop with mutual TLS, against the same hop in plain text, seckill-rpc-bench):
# throughput, latency
# p50/p99/p99.9 (wrk, 64 connections), CPU µs per request of every server process (utime+stime
# from /proc/PID/stat over the run), and the median ratio to the baseline. Every run is checked:
# a path that answers the wrong thing fails the bench, however fast it was. Then the rush a user
# quotes: 100,000 buyers for 10,000 units (seckill-bench, stack and load generator sharing both
# cores), with its invariants checked and its throughput and latency per second plotted. Last,
# as root, the stock path with telemetry on and off at the same time on two stacks side by side
# (scripts/bench_pair.sh, row O1p), which the machine's drift cannot bias as it can O1.
#
#   scripts/bench.sh      results: .run/bench/results/{bench.json,table.md,rush.png,...}
#
# Knobs: BENCH_ROUNDS (3), BENCH_TLS_ROUNDS (6: the paths run three ways), BENCH_SECONDS (8),
# BENCH_CONNECTIONS (64), BENCH_RUSH_BUYERS (100000),
# BENCH_RUSH_STOCK (10000; 0 skips the rush), BENCH_PROFILE (1: `perf record` samples the stack's
# processes during each path's last round and writes where their CPU went to profile.ROW.txt;
# off by default, as sampling costs the measured run some throughput).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
export SECKILL_BIN_DIR=${SECKILL_BIN_DIR:-$ROOT/build-release/bin}
for b in seckill-gateway seckill-order seckill-product seckill-bench seckill-publish-bench seckill-rpc-bench; do
  [ -x "$SECKILL_BIN_DIR/$b" ] || { echo "bench: $SECKILL_BIN_DIR/$b is missing (make bench builds it)" >&2; exit 2; }
done

if [ -z "${SECKILL_BENCH_NETNS:-}" ]; then
  if [ "$(id -u)" = 0 ]; then exec unshare -n env SECKILL_BENCH_NETNS=1 "$0" "$@"; fi
  exec unshare -rn env SECKILL_BENCH_NETNS=1 "$0" "$@"
fi
ip link set lo up

ROUNDS=${BENCH_ROUNDS:-3}
# The paths run three ways (as deployed, plain text, telemetry off) take more rounds: the cost
# they measure is a few percent, and this machine drifts by more than that between runs a
# minute apart.
TLS_ROUNDS=${BENCH_TLS_ROUNDS:-6}
DURATION=${BENCH_SECONDS:-8}
CONNS=${BENCH_CONNECTIONS:-64}
RUSH_BUYERS=${BENCH_RUSH_BUYERS:-100000}
RUSH_STOCK=${BENCH_RUSH_STOCK:-10000}
PROFILE=${BENCH_PROFILE:-0}
[ "$PROFILE" != 1 ] || command -v perf >/dev/null || { echo "BENCH_PROFILE=1 needs perf: apt-get install linux-perf" >&2; exit 2; }
NGINX_PORT=17590

export SECKILL_RUN_DIR=$ROOT/.run/bench
RUN=$SECKILL_RUN_DIR
OUT=$RUN/results
exec 3>&2
log() { printf '[bench] %s\n' "$*" >&3; }
die() { log "error: $*"; exit 1; }
stack() { "$ROOT/scripts/stack.sh" "$@"; }

if [ "$(nproc)" -ge 2 ]; then
  SERVER_CPU=0 LOAD_CPU=1
else
  SERVER_CPU=0 LOAD_CPU=0
  log "one CPU only: servers and load generator share it, the ratios mean less"
fi
on_servers() { taskset -c "$SERVER_CPU" "$@"; }
on_load() { taskset -c "$LOAD_CPU" "$@"; }

rm -rf "$RUN"
mkdir -p "$OUT" "$RUN/nginx"
trap '[ -f "$RUN/nginx/nginx.pid" ] && kill "$(cat "$RUN/nginx/nginx.pid")" 2>/dev/null; stack down >/dev/null 2>&1 || true' EXIT

# --- flow-control rules: the production file with the order route's limits lifted, so the sold
# out row measures the sold-out answer and not a 429; the 429 row swaps in a zero threshold.
jq '(.flowRules[] | select(.id == "order-route-qps") | .threshold) = 100000000
  | (.hotspotRules[] | select(.resource == "POST /api/v1/activities/{id}/orders") | .threshold) = 100000000' \
  "$ROOT/configs/flow-rules.json" >"$RUN/rules.open.json"
jq '(.flowRules[] | select(.id == "order-route-qps") | .threshold) = 0' "$RUN/rules.open.json" >"$RUN/rules.reject.json"
cp "$RUN/rules.open.json" "$RUN/flow-rules.json"
use_rules() { cp "$RUN/rules.$1.json" "$RUN/flow-rules.json.tmp" && mv "$RUN/flow-rules.json.tmp" "$RUN/flow-rules.json"; sleep 0.5; }

log "starting the stack (Release, pinned to CPU $SERVER_CPU) and nginx"
on_servers "$ROOT/scripts/stack.sh" up >/dev/null
cat >"$RUN/nginx/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $RUN/nginx/nginx.pid;
error_log $RUN/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  server { listen 127.0.0.1:$NGINX_PORT; location / { return 200; } }
  # The services' OTLP collector (tracing.endpoint of the stack): takes the kept spans, and keeps
  # nothing, as a collector on another machine would cost these processes nothing more.
  server { listen 127.0.0.1:4318; client_max_body_size 64m; location = /v1/traces { return 200 '{}'; } }
}
EOF
on_servers nginx -c "$RUN/nginx/nginx.conf" -p "$RUN/nginx" &
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$NGINX_PORT/" >/dev/null && break; sleep 0.1; done

setting() { sed -n "s|^$1=||p" "$RUN/stack.env"; }
GATEWAY=$(setting SECKILL_GATEWAY_URL)
REDIS_PORT=$(setting SECKILL_REDIS_URL | sed 's|.*:||')
# redis_as URL_KEY ARGS...: redis-cli as the user of that URL (SECKILL_REDIS_URL is the product
# service's, SECKILL_REDIS_OPS_URL the operator's), its password in the environment.
redis_user() { setting "$1" | sed -E 's|redis://([^:]*):.*|\1|'; }
redis_pass() { setting "$1" | sed -E 's|redis://[^:]*:([^@]*)@.*|\1|'; }
redis_as() {
  local key=$1; shift
  REDISCLI_AUTH=$(redis_pass "$key") redis-cli --no-auth-warning --user "$(redis_user "$key")" -p "$REDIS_PORT" "$@"
}
api() { # api METHOD PATH [BODY] [TOKEN]
  curl -sS -X "$1" "$GATEWAY$2" -H 'Content-Type: application/json' ${4:+-H "Authorization: Bearer $4"} \
    ${3:+--data "$3"}
}
ADMIN=$(api POST /api/v1/sessions "{\"username\":\"$(setting SECKILL_ADMIN_USER)\",\"password\":\"$(setting SECKILL_ADMIN_PASSWORD)\"}" | jq -r .token)
[ -n "$ADMIN" ] && [ "$ADMIN" != null ] || die "admin login failed"
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
PRODUCT=$(api POST /admin/v1/products '{"name":"bench","price_cents":100}' "$ADMIN" | jq -r .product_id)
SOLD_OUT=$(api POST /admin/v1/activities "{\"product_id\":\"$PRODUCT\",\"title\":\"bench sold out\",\"price_cents\":100,\"stock\":1,\"start_at\":\"$(iso $(($(date +%s) - 5)))\",\"end_at\":\"$(iso $(($(date +%s) + 86400)))\"}" "$ADMIN" | jq -r .activity_id)
log "creating 10,000 buyers with tokens"
api POST /admin/v1/users:bulk '{"prefix":"benchbuyer","count":10000,"password":"bench-password"}' "$ADMIN" |
  jq -r '.users[].token' >"$RUN/tokens.txt"
[ "$(wc -l <"$RUN/tokens.txt")" -eq 10000 ] || die "bulk buyers failed"
# The one unit goes to the first buyer: from here on the activity is sold out.
first=$(head -1 "$RUN/tokens.txt")
[ "$(api POST "/api/v1/activities/$SOLD_OUT/orders" '' "$first" | jq -r .status)" = QUEUED ] || die "could not sell the unit"

# --- measuring ----------------------------------------------------------------------------------
CLK_TCK=$(getconf CLK_TCK)
pid_of() {
  case "$1" in
    nginx) cat "$RUN/nginx/nginx.pid" ;; redis) cat "$RUN/redis/redis.pid" ;;
    mariadb) cat "$RUN/mariadb/m.pid" ;; rabbitmq) cat "$RUN/rabbitmq/rabbitmq.pid" ;;
    *) cat "$RUN/$1.pid" ;;
  esac
}
PROCESSES=(nginx gateway order product redis rabbitmq mariadb)
cpu_ticks() { # utime+stime of each process and its children (nginx's worker), in PROCESSES order
  local p pid
  for p in "${PROCESSES[@]}"; do
    pid=$(pid_of "$p")
    cat "/proc/$pid/stat" $(pgrep -P "$pid" | sed 's|.*|/proc/&/stat|') 2>/dev/null |
      awk '{ t += $14 + $15 } END { print t + 0 }'
  done | tr '\n' ' '
}
# {"gateway": µs per request, ...} for the processes that used CPU.
cpu_json() { # cpu_json BEFORE AFTER REQUESTS
  local -a before=($1) after=($2)
  local i out="" us
  for i in "${!PROCESSES[@]}"; do
    # Below 0.5 µs is a process idling through the run, not serving it.
    us=$(awk -v d=$((after[i] - before[i])) -v t="$CLK_TCK" -v n="$3" 'BEGIN { if (n > 0 && d * 1e6 / t / n >= 0.5) printf "%.1f", d * 1e6 / t / n }')
    [ -n "$us" ] && out+="${out:+,}\"${PROCESSES[i]}\":$us"
  done
  echo "{$out}"
}
flow_blocked() { api GET /admin/v1/flow/metrics '' "$ADMIN" | jq '[.resources[] | select(.resource == "POST /api/v1/activities/{id}/orders") | .blocked[]] | add // 0'; }
orders_of_sold_out() { api GET "/admin/v1/activities/$SOLD_OUT/stats" '' "$ADMIN" | jq '.orders | add'; }

# profile_start ROW ROUND / profile_stop ROW: with BENCH_PROFILE=1, samples the stack's processes
# (perf from Debian) through the last round of ROW, then writes the flat profile by process and
# object, and by function, to profile.ROW.txt.
profile_start() {
  # The last round of ROW (the stock path's rounds are numbered after the others').
  [ "$PROFILE" = 1 ] && [ "$1" != nginx ] && [ $(($2 % ROUNDS)) -eq 0 ] || return 0
  local p pids=""
  # (Command substitution per file: some pid files end without a newline.)
  for p in gateway order product redis rabbitmq mariadb; do pids+="${pids:+,}$(pid_of "$p")"; done
  perf record -q -F 997 -p "$pids" -o "$OUT/perf.$1.data" >"$OUT/perf.$1.log" 2>&1 &
  PERF_PID=$!
}
profile_stop() {
  [ -n "${PERF_PID:-}" ] || return 0
  kill -INT "$PERF_PID" 2>/dev/null || true
  wait "$PERF_PID" || true
  PERF_PID=
  local p names=""
  for p in gateway order product redis rabbitmq mariadb; do names+="$(pid_of "$p")=$p "; done
  { # The samples by process, then by process, object and function.
    echo "# samples by process"
    perf script -i "$OUT/perf.$1.data" -F pid 2>/dev/null | awk -v names="$names" '
      BEGIN { split(names, kv, " "); for (i in kv) { split(kv[i], p, "="); name[p[1]] = p[2] } }
      { n[$1]++; total++ }
      END { for (pid in n) printf "%6.1f%%  %s\n", 100 * n[pid] / total, (pid in name) ? name[pid] : pid }' |
      sort -rn
    perf report -i "$OUT/perf.$1.data" --stdio --sort comm,dso,sym --percent-limit 0.7
  } >"$OUT/profile.$1.txt" 2>>"$OUT/perf.$1.log" || true
  if [ -s "$OUT/profile.$1.txt" ]; then rm -f "$OUT/perf.$1.log"; else log "no profile of $1: $(tail -3 "$OUT/perf.$1.log")"; fi
  rm -f "$OUT/perf.$1.data"
}

# wrk_run ROW ROUND URL METHOD PATH [TOKENS]: one measured run, appended to raw.jsonl.
wrk_run() {
  local row=$1 round=$2 url=$3 method=$4 path=$5 tokens=${6:-}
  local before after result blocked_before blocked_after
  on_load wrk -t1 -c"$CONNS" -d2s -s "$ROOT/tools/bench/wrk/paths.lua" "$url" -- "$method" "$path" $tokens >/dev/null
  blocked_before=$(flow_blocked)
  profile_start "$row" "$round"
  before=$(cpu_ticks)
  result=$(on_load wrk -t1 -c"$CONNS" -d"${DURATION}s" -s "$ROOT/tools/bench/wrk/paths.lua" "$url" -- "$method" "$path" $tokens | tail -1)
  after=$(cpu_ticks)
  profile_stop "$row"
  blocked_after=$(flow_blocked)
  jq -c --arg row "$row" --argjson round "$round" --argjson cpu "$(cpu_json "$before" "$after" "$(jq .requests <<<"$result")")" \
    --argjson blocked $((blocked_after - blocked_before)) \
    '. + {row: $row, round: $round, rps: (.requests / .seconds), cpu_us: $cpu, blocked: $blocked}' <<<"$result" >>"$OUT/raw.jsonl"
  check_run "$row" "$(tail -1 "$OUT/raw.jsonl")"
}
# What each path must answer: all 2xx, or all 4xx of the right kind.
check_run() {
  local row=$1 run=$2 bad=""
  case "$row" in
    nginx|healthz|read) [ "$(jq '.status_4xx_5xx + .socket_errors' <<<"$run")" -eq 0 ] || bad="errors" ;;
    sold_out|stock_path|stock_path_plain|stock_path_telemetry_off) [ "$(jq '.status_4xx_5xx == .requests and .blocked == 0 and .socket_errors == 0' <<<"$run")" = true ] || bad="not every answer a 409"
              [ "$(orders_of_sold_out)" -eq 1 ] || bad="a sold-out activity gained an order" ;;
    reject) [ "$(jq '.status_4xx_5xx == .requests and .blocked >= .requests' <<<"$run")" = true ] || bad="not every answer a 429" ;;
  esac
  if [ -n "$bad" ]; then log "FAILED run: $row: $bad: $run"; FAILED=1; fi
}

# The sold-out activity's ledger keys, in the order seckill_reserve takes them.
SOLD_OUT_KEYS=()
for k in info remaining buyers resv idem inflight pending; do SOLD_OUT_KEYS+=("{act:$SOLD_OUT}:$k"); done
redis_run() { # redis_run ROUND PIPELINE
  local before after csv n=$((40000 * $2 > 400000 ? 400000 : 40000 * $2))
  before=$(cpu_ticks)
  # As the product service's user: the same ACL checks as production's calls.
  csv=$(on_load redis-benchmark -p "$REDIS_PORT" --user "$(redis_user SECKILL_REDIS_URL)" \
        -a "$(redis_pass SECKILL_REDIS_URL)" -c 50 -P "$2" -n "$n" --csv \
        FCALL seckill_reserve 7 "${SOLD_OUT_KEYS[@]}" 1 999999999 1 | tail -1 | tr -d '"')
  after=$(cpu_ticks)
  jq -nc --arg row "redis_P$2" --argjson round "$1" --argjson n "$n" --argjson rps "$(cut -d, -f2 <<<"$csv")" \
    --argjson p50 "$(cut -d, -f5 <<<"$csv")" --argjson p99 "$(cut -d, -f7 <<<"$csv")" \
    --argjson cpu "$(cpu_json "$before" "$after" "$n")" \
    '{row: $row, round: $round, rps: $rps, requests: $n, p50_us: ($p50 * 1000), p99_us: ($p99 * 1000), cpu_us: $cpu}' >>"$OUT/raw.jsonl"
}
# R_ins: single-row INSERTs into the orders table, one connection (as the consumer has), each its
# own transaction, with the stack's durability (innodb_flush_log_at_trx_commit=1).
ins_run() { # ins_run ROUND
  local before after out seconds n=3000
  before=$(cpu_ticks)
  out=$(on_load mariadb-slap -h 127.0.0.1 -P "$(setting SECKILL_DB_PORT)" -u "$(setting SECKILL_DB_USER)" \
        -p"$(setting SECKILL_DB_PASSWORD)" --create-schema="$(setting SECKILL_DB_NAME)" --concurrency=1 \
        --number-of-queries=$n --query="INSERT INTO orders (id, activity_id, user_id, quantity, amount_cents, status, created_at_ms, updated_at_ms) VALUES (UUID_SHORT(), 18446744073709551615, 1, 1, 100, 'CREATED', 0, 0)" 2>&1)
  after=$(cpu_ticks)
  seconds=$(sed -n 's/.*Average number of seconds to run all queries: \([0-9.]*\) seconds.*/\1/p' <<<"$out")
  [ -n "$seconds" ] || { log "FAILED run: R_ins: $out"; FAILED=1; return; }
  jq -nc --argjson round "$1" --argjson n "$n" --argjson s "$seconds" --argjson cpu "$(cpu_json "$before" "$after" "$n")" \
    '{row: "inserts", round: $round, requests: $n, seconds: $s, rps: ($n / $s), cpu_us: $cpu}' >>"$OUT/raw.jsonl"
}
sql() { mariadb -h 127.0.0.1 -P "$(setting SECKILL_DB_PORT)" -u "$(setting SECKILL_DB_USER)" -p"$(setting SECKILL_DB_PASSWORD)" -N -B "$(setting SECKILL_DB_NAME)" -e "$1"; }
# R_pub: the project's publisher alone, confirmed publishes to a quorum queue declared like the
# order queue, as many in flight as wrk has connections.
pub_run() { # pub_run ROUND
  local before after out n=20000 count seconds p50 p99 p999
  before=$(cpu_ticks)
  out=$(on_load "$SECKILL_BIN_DIR/seckill-publish-bench" --stack-env "$RUN/stack.env" --messages $n --window "$CONNS" 2>&1)
  after=$(cpu_ticks)
  read -r count seconds < <(sed -n 's/^  confirmed *\([0-9]*\) in \([0-9.]*\) s.*/\1 \2/p' <<<"$out")
  read -r p50 p99 p999 < <(sed -n 's/^  latency *p50 \([0-9.]*\) ms  p99 \([0-9.]*\) ms  p99.9 \([0-9.]*\) ms/\1 \2 \3/p' <<<"$out")
  [ "${count:-0}" -eq "$n" ] || { log "FAILED run: R_pub: $out"; FAILED=1; return; }
  jq -nc --argjson round "$1" --argjson n "$n" --argjson s "$seconds" --argjson p50 "$p50" --argjson p99 "$p99" \
    --argjson p999 "$p999" --argjson cpu "$(cpu_json "$before" "$after" "$n")" \
    '{row: "publish", round: $round, requests: $n, seconds: $s, rps: ($n / $s), p50_us: ($p50 * 1000),
      p99_us: ($p99 * 1000), p999_us: ($p999 * 1000), cpu_us: $cpu}' >>"$OUT/raw.jsonl"
}
# The production Function on the sold-out keys answers SOLD_OUT (4: REFUSAL_SOLD_OUT in
# proto/seckill/common/v1/refusal.proto): the baseline does the real work.
reply=$(redis_as SECKILL_REDIS_URL FCALL seckill_reserve 7 "${SOLD_OUT_KEYS[@]}" 1 999999999 1 | head -1)
[ "$reply" = 4 ] || die "the Redis baseline's call answers '$reply', not 4 (SOLD_OUT)"

FAILED=0
: >"$OUT/raw.jsonl"
for round in $(seq 1 "$ROUNDS"); do
  log "round $round of $ROUNDS"
  wrk_run nginx "$round" "http://127.0.0.1:$NGINX_PORT" GET /
  wrk_run healthz "$round" "$GATEWAY" GET /healthz
  wrk_run read "$round" "$GATEWAY" GET "/api/v1/activities/$SOLD_OUT"
  wrk_run sold_out "$round" "$GATEWAY" POST "/api/v1/activities/$SOLD_OUT/orders" "$RUN/tokens.txt"
  use_rules reject
  wrk_run reject "$round" "$GATEWAY" POST "/api/v1/activities/$SOLD_OUT/orders" "$RUN/tokens.txt"
  use_rules open
  redis_run "$round" 1
  redis_run "$round" 16
  ins_run "$round"
done

# --- the paths whose requests cross the services' gRPC hops, each round three times: the services
# as deployed (mutual TLS, telemetry on: metrics, the sampled access log, tracing at its 1% with
# nginx taking the spans as the OTLP collector), restarted in plain text (grpc.transport
# plaintext), and restarted in mutual TLS with telemetry off (stack.sh's STACK_TELEMETRY=off), the
# order rotated every round; each pair of runs in a round measures what mutual TLS (rows *_plain)
# or telemetry (rows *_telemetry_off) costs the path.
# P1, the stock path: every order crosses every hop to Redis. The gateway runs without its
# sold-out mark (activity.sold_out_ttl_ms = 0) for these rounds (the accept path never sells out,
# so the mark does not touch it), interleaved with the Redis baseline again (rounds numbered on,
# so each ratio pairs runs of the same round).
# services_with VARIANT: the three services restarted as VARIANT (mutual-tls, plaintext or
# telemetry-off; every `stack.sh start` after this inherits it, as the drain's restart of the order
# service must).
services_with() {
  local s
  for s in gateway order product; do stack stop "$s" >/dev/null; done
  case $1 in
    plaintext) export SECKILL_GRPC_TRANSPORT=plaintext STACK_TELEMETRY=on ;;
    telemetry-off) export SECKILL_GRPC_TRANSPORT=mutual-tls STACK_TELEMETRY=off ;;
    *) export SECKILL_GRPC_TRANSPORT=mutual-tls STACK_TELEMETRY=on ;;
  esac
  on_servers "$ROOT/scripts/stack.sh" start product >/dev/null
  on_servers "$ROOT/scripts/stack.sh" start order >/dev/null
  SECKILL_ACTIVITY_SOLD_OUT_TTL_MS=0 on_servers "$ROOT/scripts/stack.sh" start gateway >/dev/null
  settle_mariadb
}
# Waits (15 s at most) until MariaDB is idle on the servers' CPU: its background work on the
# bench's earlier writes (flushing, purge) would otherwise be counted against whichever variant's
# run it overlaps (docs/performance.md, "What telemetry costs").
settle_mariadb() {
  local pid before after
  pid=$(pid_of mariadb)
  for _ in $(seq 15); do
    before=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
    sleep 1
    after=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
    [ $((after - before)) -le 1 ] && return 0
  done
  log "MariaDB still busy after 15 s; measuring anyway"
}
variants_of_round() { # the three, the first one rotated every round
  local variants=(mutual-tls plaintext telemetry-off) i=$(($1 % 3))
  echo "${variants[@]:i} ${variants[@]:0:i}"
}
suffix_of() { case $1 in plaintext) echo _plain ;; telemetry-off) echo _telemetry_off ;; esac; }
for round in $(seq 1 "$TLS_ROUNDS"); do
  for variant in $(variants_of_round "$round"); do
    log "stock path, round $round of $TLS_ROUNDS, services: $variant"
    services_with "$variant"
    wrk_run "stock_path$(suffix_of "$variant")" "$((ROUNDS + round))" "$GATEWAY" POST "/api/v1/activities/$SOLD_OUT/orders" "$RUN/tokens.txt"
  done
  redis_run "$((ROUNDS + round))" 1
done

# --- the accept path: every request reserves a unit and is published with a confirm. A buyer may
# buy up to 1,000 units per activity (the API's most), so 10,000 buyers cover 10,000,000 orders,
# and each run (and its warm-up) gets a fresh activity with ample stock.
new_activity() {
  api POST /admin/v1/activities "{\"product_id\":\"$PRODUCT\",\"title\":\"bench $1\",\"price_cents\":100,\"stock\":1000000,\"limit_per_user\":1000,\"start_at\":\"$(iso $(($(date +%s) - 5)))\",\"end_at\":\"$(iso $(($(date +%s) + 86400)))\"}" "$ADMIN" | jq -r .activity_id
}
# After the run: drained, and the books hold: every answered request is one order (a few more may
# have been accepted after wrk stopped counting), stock == remaining + sold.
check_accepted() { # check_accepted ACTIVITY RUN_JSON
  local stats n
  for _ in $(seq 600); do
    stats=$(api GET "/admin/v1/activities/$1/stats" '' "$ADMIN")
    [ "$(jq '.orders.QUEUED + .reserved' <<<"$stats")" -eq 0 ] && break
    sleep 0.1
  done
  n=$(jq .requests <<<"$2")
  jq -e --argjson n "$n" --argjson c "$CONNS" \
    '.orders.QUEUED == 0 and .reserved == 0 and .orders.CREATED >= $n and .orders.CREATED <= $n + $c
     and .stock == .remaining + .orders.CREATED' <<<"$stats" >/dev/null ||
    { log "FAILED run: accept: books do not hold after $n answers: $stats"; FAILED=1; }
}
# P6, the drain: 20,000 orders waiting in the order queue (their units reserved first, as
# PlaceOrder would have), written by the order service's consumer once it starts. Rows/s from the
# rows' own timestamps (first to last insert), against R_ins of the same round.
drain_run() { # drain_run ROW ROUND
  local row=$1 n=20000 act first_id first_user=1000000 span rows offset=0
  shift
  act=$(new_activity "$row $1")
  case $row in drain_plain) offset=50000000 ;; drain_telemetry_off) offset=25000000 ;; esac
  first_id=$((9000000000000 + offset + $1 * 100000))
  for i in $(seq 0 $((n - 1))); do
    echo "FCALL seckill_reserve 7 {act:$act}:info {act:$act}:remaining {act:$act}:buyers {act:$act}:resv {act:$act}:idem {act:$act}:inflight {act:$act}:pending $((first_id + i)) $((first_user + i)) 1"
  done | redis_as SECKILL_REDIS_OPS_URL --pipe >/dev/null  # --pipe ends with ECHO: the operator's
  stack stop order >/dev/null
  on_load "$SECKILL_BIN_DIR/seckill-publish-bench" --stack-env "$RUN/stack.env" --messages $n --window "$CONNS" \
    --order-queue --activity "$act" --first-order-id "$first_id" --first-user "$first_user" >/dev/null 2>&1 ||
    { log "FAILED run: drain: could not fill the order queue"; FAILED=1; }
  on_servers "$ROOT/scripts/stack.sh" start order >/dev/null
  for _ in $(seq 1200); do
    rows=$(sql "SELECT COUNT(*) FROM orders WHERE activity_id = $act AND status = 'CREATED'")
    [ "$rows" -ge "$n" ] && break
    sleep 0.1
  done
  span=$(sql "SELECT MAX(updated_at_ms) - MIN(updated_at_ms) FROM orders WHERE activity_id = $act")
  [ "$rows" -eq "$n" ] || { log "FAILED run: drain: $rows of $n orders CREATED"; FAILED=1; return; }
  jq -nc --argjson round "$1" --argjson n "$n" --argjson ms "$span" \
    --arg row "$row" '{row: $row, round: $round, requests: $n, seconds: ($ms / 1000), rps: ($n * 1000 / ([$ms, 1] | max)), cpu_us: {}}' >>"$OUT/raw.jsonl"
}
accept_run() { # accept_run ROW ROUND
  local warm target before after result
  warm=$(new_activity "warm-up $1 $2")
  on_load wrk -t1 -c"$CONNS" -d2s -s "$ROOT/tools/bench/wrk/paths.lua" "$GATEWAY" -- POST "/api/v1/activities/$warm/orders" "$RUN/tokens.txt" >/dev/null
  target=$(new_activity "$1 $2")
  profile_start "$1" "$2"
  before=$(cpu_ticks)
  result=$(on_load wrk -t1 -c"$CONNS" -d"${DURATION}s" -s "$ROOT/tools/bench/wrk/paths.lua" "$GATEWAY" -- POST "/api/v1/activities/$target/orders" "$RUN/tokens.txt" | tail -1)
  after=$(cpu_ticks)
  profile_stop "$1"
  jq -c --arg row "$1" --argjson round "$2" --argjson cpu "$(cpu_json "$before" "$after" "$(jq .requests <<<"$result")")" \
    '. + {row: $row, round: $round, rps: (.requests / .seconds), cpu_us: $cpu}' <<<"$result" >>"$OUT/raw.jsonl"
  [ "$(jq '.status_4xx_5xx + .socket_errors' <<<"$result")" -eq 0 ] ||
    { log "FAILED run: $1: not every answer a 202 (more requests than buyers?): $result"; FAILED=1; }
  check_accepted "$target" "$result"
}
if [ "$(wc -l <"$RUN/tokens.txt")" -ge 2 ]; then
  for round in $(seq 1 "$TLS_ROUNDS"); do
    for variant in $(variants_of_round "$round"); do
      log "drain and accept path, round $round of $TLS_ROUNDS, services: $variant"
      services_with "$variant"
      drain_run "drain$(suffix_of "$variant")" "$round"
      accept_run "accept$(suffix_of "$variant")" "$round"
    done
    pub_run "$round"
  done
fi
log "the services back in mutual TLS, with the sold-out mark"
for s in gateway order product; do stack stop "$s" >/dev/null; done
unset SECKILL_GRPC_TRANSPORT STACK_TELEMETRY
for s in product order gateway; do on_servers "$ROOT/scripts/stack.sh" start "$s" >/dev/null; done

# --- R_grpc and T1: one gRPC hop alone (PlaceOrder answered at once), plain and with the
# services' mutual TLS and caller check, side by side in each round: what authenticating the
# services costs a call. seckill-rpc-bench runs server and client in one process, on the load's
# CPU.
log "gRPC hop, plain and mutual TLS: $ROUNDS rounds"
if ! on_load "$SECKILL_BIN_DIR/seckill-rpc-bench" --tls-dir "$RUN/tls" --rounds "$ROUNDS" \
    --window "$CONNS" --seconds "$DURATION" >>"$OUT/raw.jsonl" 2>"$OUT/rpc.err"; then
  log "FAILED run: gRPC hop: $(cat "$OUT/rpc.err")"
  FAILED=1
fi

# --- the rush a user quotes: both cores shared, as a buyer's machine would not be --------------
bench_sale() { # bench_sale NAME ARGS...: seckill-bench's report to NAME.txt
  local name=$1; shift
  local rc
  set +e
  "$@" >"$OUT/$name.txt" 2>&1
  rc=$?
  set -e
  [ $rc -eq 0 ] || { log "FAILED: $name: seckill-bench exit $rc"; cat "$OUT/$name.txt" >&3; FAILED=1; }
}
# --watch NAME=PID for every server process: seckill-bench reports their CPU over the sale and
# its drain only (not the setup, which registers every buyer).
watch_args() {
  local p
  for p in "${PROCESSES[@]}"; do [ "$p" = nginx ] || printf -- '--watch %s=%s ' "$p" "$(pid_of "$p")"; done
}
sale_json() { # sale_json ROW ROUND REPORT
  local report=$3 n rps p50 p99 max cpu
  n=$(sed -n 's/^  requests *\([0-9]*\) in.*/\1/p' "$report")
  rps=$(sed -n 's/.*= \([0-9.]*\) req\/s/\1/p' "$report")
  read -r p50 p99 max < <(sed -n 's/^  latency *p50 \([0-9.]*\) ms.*p99 \([0-9.]*\) ms  max \([0-9.]*\) ms/\1 \2 \3/p' "$report")
  # "  cpu          µs per request, sale and drain: gateway 41.0 | order 9.5 | ..." -> JSON
  cpu=$(sed -n 's/^  cpu .*drain: //p' "$report" | tr '|' '\n' |
        awk 'NF == 2 { printf "%s\"%s\":%s", (n++ ? "," : ""), $1, $2 } END { print "" }')
  jq -nc --arg row "$1" --argjson round "$2" --argjson n "${n:-0}" --argjson rps "${rps:-0}" \
    --argjson p50 "${p50:-0}" --argjson p99 "${p99:-0}" --argjson max "${max:-0}" \
    --argjson cpu "{$cpu}" \
    '{row: $row, round: $round, requests: $n, rps: $rps, p50_us: ($p50 * 1000), p99_us: ($p99 * 1000), max_us: ($max * 1000), cpu_us: $cpu}' >>"$OUT/raw.jsonl"
}
# Moves every server process (all threads, and nginx's worker) to CPUS.
pin_servers() {
  local p pid
  for p in "${PROCESSES[@]}"; do
    pid=$(pid_of "$p")
    for q in $pid $(pgrep -P "$pid"); do taskset -a -cp "$1" "$q" >/dev/null 2>&1 || true; done
  done
}
# --- open loop (seckill-bench --rate: each request sent when due, latency from when it was due,
# so a stalled server is not hidden by a load generator that waits for it): P7, p99 at half the
# measured maximum (sold out, accepted), and P5, goodput with ten times the accept path's
# measured maximum offered for 6 s under the production flow rules, and each service's memory
# before and after. Servers on CPU 0, seckill-bench on CPU 1, as for the rows above; 256
# connections for P7 (enough for its rates), 1,024 to offer P5's.
median_rps() { jq -s --arg row "$1" '[.[] | select(.row == $row) | .rps] | sort | .[(length - 1) / 2 | floor] // 0' "$OUT/raw.jsonl"; }
rss_kb() { local p t=0; for p in gateway order product; do t=$((t + $(awk '/^VmRSS/ { print $2 }' "/proc/$(pid_of "$p")/status"))); done; echo "$t"; }
open_run() { # open_run ROW RATE STOCK BUYERS ATTEMPTS CONNECTIONS
  local row=$1 rate=$2 rss_before rss_after accepted late
  rss_before=$(rss_kb)
  # shellcheck disable=SC2046
  bench_sale "$row" on_load "$SECKILL_BIN_DIR/seckill-bench" --stack-env "$RUN/stack.env" --stock "$3" \
    --buyers "$4" --attempts "$5" --limit-per-user 1000 --rate "$rate" --concurrency "$6" $(watch_args)
  rss_after=$(rss_kb)
  sale_json "$row" 1 "$OUT/$row.txt"
  accepted=$(sed -n 's/^  outcomes .*202: \([0-9]*\).*/\1/p' "$OUT/$row.txt")
  late=$(sed -n 's/^  pacing .* \([0-9]*\) late starts.*/\1/p' "$OUT/$row.txt")
  local last
  last=$(tail -1 "$OUT/raw.jsonl")
  jq -c --argjson rate "$rate" --argjson accepted "${accepted:-0}" --argjson before "$rss_before" --argjson after "$rss_after" \
    --argjson late "${late:-0}" \
    '. + {offered_rps: $rate, goodput_rps: ($accepted / (.requests / ([.rps, 1] | max))), late_starts: $late,
          rss_kb_before: $before, rss_kb_after: $after}' \
    <<<"$last" >"$OUT/raw.last" && sed -i '$d' "$OUT/raw.jsonl" && cat "$OUT/raw.last" >>"$OUT/raw.jsonl"
}
if [ "$(wc -l <"$RUN/tokens.txt")" -ge 2 ]; then
  sold_rate=$(awk -v r="$(median_rps sold_out)" 'BEGIN { printf "%d", r / 2 }')
  accept_rate=$(awk -v r="$(median_rps accept)" 'BEGIN { printf "%d", r / 2 }')
  if [ "$sold_rate" -gt 0 ] && [ "$accept_rate" -gt 0 ]; then
    log "open loop: sold out at $sold_rate/s, accepted at $accept_rate/s (half the measured maximum)"
    open_run open_sold_out "$sold_rate" 1 10000 $(( (sold_rate * 6 + 9999) / 10000 )) 256
    open_run open_accept "$accept_rate" 1000000 $(( accept_rate * 6 )) 1 256
    overload=$((accept_rate * 20))
    log "overload: $overload/s offered to the accept path (10x its maximum), production flow rules"
    cp "$ROOT/configs/flow-rules.json" "$RUN/rules.production.json"
    use_rules production
    open_run overload "$overload" 1000000 50000 $(( (overload * 6 + 49999) / 50000 )) 1024
    use_rules open
  fi
fi

if [ "$RUSH_STOCK" -gt 0 ]; then
  log "the rush: $RUSH_BUYERS buyers for $RUSH_STOCK units"
  pin_servers "0-$(($(nproc) - 1))"
  # shellcheck disable=SC2046
  bench_sale rush taskset -c 0-$(($(nproc) - 1)) "$SECKILL_BIN_DIR/seckill-bench" --stack-env "$RUN/stack.env" \
    --stock "$RUSH_STOCK" --buyers "$RUSH_BUYERS" --attempts 1 --concurrency 256 --history "$OUT/rush.csv" $(watch_args)
  sale_json rush 1 "$OUT/rush.txt"
  # Redis memory per reservation: every key of the rush's activity (its ledger, the buyers, the
  # reservation records, the idempotency index) over the units it sold.
  rush_activity=$(sed -n 's/^seckill-bench: activity \([0-9]*\),.*/\1/p' "$OUT/rush.txt")
  if [ -n "$rush_activity" ]; then
    bytes=0
    while read -r key; do
      [ -n "$key" ] && bytes=$((bytes + $(redis_as SECKILL_REDIS_OPS_URL MEMORY USAGE "$key" SAMPLES 0)))
    done < <(redis_as SECKILL_REDIS_OPS_URL --scan --pattern "{act:$rush_activity}:*")
    echo "redis $bytes bytes for the rush's $RUSH_STOCK reservations ($((bytes / RUSH_STOCK)) bytes each)" >"$OUT/redis_memory.txt"
  fi
fi

# --- O1p, O4p, O2p: telemetry on and off at the same time, two stacks side by side
# (scripts/bench_pair.sh): the cost of telemetry on the stock path, on the sold-out path the
# gateway answers alone and on accepted orders, which the machine's drift hides from O1 and O2.
# This stack first gives CPU 0 back.
stack down >/dev/null 2>&1 || true
if [ "$(id -u)" = 0 ]; then
  log "telemetry on and off side by side, stock path: two stacks, $((2 * ${BENCH_PAIR_WINDOWS:-6})) windows"
  BENCH_PAIR_PATH=P1 "$ROOT/scripts/bench_pair.sh" "$OUT" >"$OUT/pair.row" || { log "FAILED: the telemetry pair (see $OUT/pair.jsonl)"; FAILED=1; }
  log "telemetry on and off side by side, sold out by the gateway's mark: two stacks, $((2 * ${BENCH_PAIR_WINDOWS:-6})) windows"
  BENCH_PAIR_PATH=P4 "$ROOT/scripts/bench_pair.sh" "$OUT" >>"$OUT/pair.row" || { log "FAILED: the telemetry pair (see $OUT/pair-p4.jsonl)"; FAILED=1; }
  log "telemetry on and off side by side, accepted orders: two stacks, $((2 * ${BENCH_PAIR_WINDOWS:-6})) windows"
  BENCH_PAIR_PATH=P2 "$ROOT/scripts/bench_pair.sh" "$OUT" >>"$OUT/pair.row" || { log "FAILED: the telemetry pair (see $OUT/pair-p2.jsonl)"; FAILED=1; }
else
  log "not root: no telemetry pairs (O1p, O4p, O2p), which need cgroups and network namespaces"
fi

# --- the table --------------------------------------------------------------------------------
"$ROOT/scripts/bench_report.sh" "$OUT" "$ROUNDS" "$DURATION" "$CONNS" | tee "$OUT/table.md"
[ "$FAILED" -eq 0 ] || die "some runs answered wrongly (see above): their figures do not count"
