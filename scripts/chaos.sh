#!/usr/bin/env bash
# Fault-injection suite (docs/reliability.md, fault matrix). For each fault and seed: an open-loop
# sale runs (seckill-bench --rate), the fault is injected 2 s in, healed HOLD seconds later, and
# after the sale has drained the bench checks I1-I4 over the whole request history; I5 (every dead
# letter is a FAILED order or was replayed) is checked here in SQL. One table at the end.
#
#   scripts/chaos.sh [--seeds N] [FAULT...]     faults: F1 F2 F4 F5 F6 F8 F10 F11 F19 F20, and with
#                                               two instances of each service: F3 F16 F22 F23 F24
#                                               (default: all)
#
# The faults of one instance run on a stack of one instance each; those of many on one started
# with SCALE=2 (nginx in front of the gateways), after them.
#
# It runs inside a network namespace it creates (`unshare -n`, lo only), with its own stack under
# .run/chaos, so it never touches a stack started by `make up` and its traffic stays on loopback.
# Every wait is bounded: a sale lasts SALE_S seconds, its drain at most DRAIN_S.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${SECKILL_BIN_DIR:-$ROOT/build/bin}

if [ -z "${SECKILL_CHAOS_NETNS:-}" ]; then
  if [ "$(id -u)" = 0 ]; then
    exec unshare -n env SECKILL_CHAOS_NETNS=1 "$0" "$@"
  fi
  exec unshare -rn env SECKILL_CHAOS_NETNS=1 "$0" "$@"
fi
ip link set lo up

SEEDS=3
FAULTS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seeds) SEEDS=$2; shift 2 ;;
    F*) FAULTS+=("$1"); shift ;;
    *) echo "usage: $0 [--seeds N] [F1 F2 F4 F5 F6 F8 F10 F11 F19 F20 F3 F16 F22 F23 F24]" >&2; exit 2 ;;
  esac
done
[ ${#FAULTS[@]} -gt 0 ] || FAULTS=(F1 F2 F4 F5 F6 F8 F10 F11 F19 F20 F3 F16 F22 F23 F24)
# How many instances of each service a fault needs.
scale_of() { case "$1" in F3|F16|F22|F23|F24) echo 2 ;; *) echo 1 ;; esac; }

export SECKILL_RUN_DIR=$ROOT/.run/chaos
RUN=$SECKILL_RUN_DIR
# Reservations stranded by a kill are swept within seconds, not the production two minutes.
export SECKILL_STOCK_RESERVATION_TTL_S=${SECKILL_STOCK_RESERVATION_TTL_S:-5}
export SECKILL_STOCK_SWEEP_INTERVAL_S=${SECKILL_STOCK_SWEEP_INTERVAL_S:-1}
# Likewise the queued orders a killed order instance left unpublished: recorded by the order
# service's sweep within seconds, not the production minute and a half.
export SECKILL_ORDER_RESUME_QUEUED_AFTER_S=${SECKILL_ORDER_RESUME_QUEUED_AFTER_S:-10}
export SECKILL_ORDER_EXPIRY_SWEEP_INTERVAL_S=${SECKILL_ORDER_EXPIRY_SWEEP_INTERVAL_S:-2}
RATE=${CHAOS_RATE:-100}        # requests per second during the sale
BUYERS=${CHAOS_BUYERS:-2500}   # one attempt each: the sale lasts BUYERS / RATE seconds
STOCK=${CHAOS_STOCK:-2000}     # below the demand, so the sale sells out unless a fault stops it
DRAIN_S=${CHAOS_DRAIN_S:-60}
DB_DOWN_S=${CHAOS_DB_DOWN_S:-30}

stack() { "$ROOT/scripts/stack.sh" "$@"; }
exec 3>&2  # the terminal's stderr, for messages from steps whose own output is silenced
log() { printf '[chaos] %s\n' "$*" >&3; }
sql() { mariadb -S "$RUN/mariadb/m.sock" -u"$(id -un)" -N -B seckill -e "$1"; }

rm -rf "$RUN"
mkdir -p "$RUN/reports"
db_pid() { cat "$RUN/mariadb/m.pid" 2>/dev/null; }
trap 'kill -CONT "$(db_pid)" 2>/dev/null; stack down >/dev/null 2>&1 || true' EXIT
SCALE=0
setting() { sed -n "s|^$1=||p" "$RUN/stack.env"; }
# use_scale N: the stack runs N instances of each service (restarted when it ran another number).
use_scale() {
  [ "$1" = "$SCALE" ] && return 0
  [ "$SCALE" = 0 ] || stack down >/dev/null
  SCALE=$1 stack up >/dev/null
  SCALE=$1
  AMQP_URL=$(setting SECKILL_AMQP_URL)
  AMQP_PORT=$(sed -n 's|.*@[^:]*:\([0-9]*\)/.*|\1|p' <<<"$AMQP_URL")
  IFS=, read -r -a ORDER_PROBES <<<"$(setting SECKILL_ORDER_HEALTH_URLS)"
  IFS=, read -r -a PRODUCT_PROBES <<<"$(setting SECKILL_PRODUCT_HEALTH_URLS)"
}

# inject FAULT / heal FAULT: each pair is one row of the fault matrix.
# F6 lasts 15 s (the fault matrix), well past the publisher's 5 s confirm timeout; F16 (etcd
# down) 30 s, longer than the instances' registration leases (10 s); F24 (two instances join)
# keeps them 5 s, then they leave gracefully.
hold_s() {
  case "$1" in F8) echo "$DB_DOWN_S" ;; F6) echo 15 ;; F16) echo 30 ;; F24) echo 5 ;; F19|F20) echo 0 ;; *) echo 3 ;; esac
}
# F19 is the load tool's: one more buyer sends 50 orders at once at 2 s, and again after the sale.
# After F6, messages the publisher gave up on can still reach the broker with TCP's backed-off
# retransmissions (seconds after the heal, past the end of the sale): the checks wait for them.
bench_args() {
  case "$1" in
    F6) echo "--settle-s 20" ;;
    F19) echo "--duplicate-burst 50 --burst-at-ms 2000" ;;
  esac
}
# The services' counters (GET /metrics on their probe ports): publish compensations, stale
# reservations swept, redeliveries, one triple per instance (order 1, product 1, order 2, ...).
# An instance that is down counts 0.
counter() { curl -s --max-time 2 "$1/metrics" | awk -v n="$2" '$1 == n { v = $2 } END { print v + 0 }'; }
counters() {
  local k
  for k in "${!ORDER_PROBES[@]}"; do
    echo "$(counter "${ORDER_PROBES[$k]}" seckill_order_compensations_total)" \
         "$(counter "${PRODUCT_PROBES[$k]}" seckill_product_stale_reservations_released_total)" \
         "$(counter "${ORDER_PROBES[$k]}" seckill_order_redeliveries_total)"
  done | tr '\n' ' '
}
# Which instance the fault restarts (its counters start again from 0), as SERVICE K.
restarts() { case "$1" in F1) echo "order 1" ;; F2) echo "product 1" ;; F22) echo "product 2" ;; F23) echo "order 2" ;; esac; }
# A silent partition: every packet to or from the broker's port vanishes (no RST, no FIN), in
# this namespace only.
partition() { iptables "$1" INPUT -p tcp --dport "$AMQP_PORT" -j DROP && iptables "$1" INPUT -p tcp --sport "$AMQP_PORT" -j DROP; }
inject() {
  case "$1" in
    # The consumer (and publisher) mid-batch: with MariaDB frozen for a second the consumer holds
    # deliveries it cannot commit yet, and dies holding them (they are redelivered).
    F1) kill -STOP "$(db_pid)"; sleep 1; stack kill order; kill -CONT "$(db_pid)" ;;
    F2) stack kill product ;;      # between the Redis reservation and the publish
    F4) stack kill rabbitmq ;;     # broker crash during publishing
    F5) stack stop rabbitmq ;;     # broker graceful stop
    F6) partition -A || { log "iptables failed: F6 needs it (make deps)"; exit 2; } ;;  # confirms never come
    F20) amqp-publish --url "$AMQP_URL" -e seckill.orders -r order.placed -p -b "$POISON" \
           || { log "amqp-publish failed: F20 needs amqp-tools (make deps)"; exit 2; } ;;
    F8) stack kill mariadb ;;      # database down, then crash recovery
    F10|F11) stack kill redis ;;   # Redis crash
    F3) stack kill gateway-2 ;;    # one gateway of two: nginx sends the rest to the other
    F16) stack stop etcd ;;        # the sale goes on with the last known instances
    F22) stack kill product-2 ;;   # one product instance of two, mid-sale
    F23) stack kill order-2 ;;     # one order instance of two: its unacked deliveries go to the other
    F24) stack start product-3; stack start order-3 ;;  # instances join mid-sale
  esac
}
heal() {
  case "$1" in
    F1) stack start order ;;
    F2) stack start product ;;
    F4|F5) stack start rabbitmq ;;
    F6) partition -D ;;
    F8) stack start mariadb ;;
    F10) rm -rf "$RUN/redis/appendonlydir"; stack start redis ;;  # came back with nothing
    F11) stack start redis ;;                                      # came back from its AOF
    F3) stack start gateway-2 ;;
    F16) stack start etcd ;;
    F22) stack start product-2 ;;
    F23) stack start order-2 ;;
    F24) stack stop order-3; stack stop product-3 ;;
  esac
}

ROWS=()
FAILED=0
# The faults of one instance first, then those of two (one restart of the stack between).
ORDERED=()
for scale in 1 2; do
  for fault in "${FAULTS[@]}"; do [ "$(scale_of "$fault")" = "$scale" ] && ORDERED+=("$fault"); done
done
for fault in "${ORDERED[@]}"; do
  use_scale "$(scale_of "$fault")"
  runs=0 bad=0 worst_recover=0 outcomes="" failed_orders=0 dead_letters=0 compensations=0 swept=0 redeliveries=0
  declare -A per_invariant=([I1]=0 [I2]=0 [I3]=0 [I4]=0 [I5]=0)
  for seed in $(seq 1 "$SEEDS"); do
    report=$RUN/reports/$fault-seed$seed.txt
    dl_before=$(sql "SELECT COUNT(*) FROM dead_letters")
    POISON="chaos poison: $fault seed $seed at $(date +%s%N)"
    read -r -a c0 <<<"$(counters)"
    # shellcheck disable=SC2046
    "$BIN/seckill-bench" --stack-env "$RUN/stack.env" --stock "$STOCK" --buyers "$BUYERS" --attempts 1 \
      --rate "$RATE" --seed "$seed" --concurrency 200 --request-timeout-ms 5000 \
      --drain-timeout-s "$DRAIN_S" --history "$RUN/reports/$fault-seed$seed.csv" $(bench_args "$fault") \
      >"$report" 2>&1 &
    bench=$!
    sleep 2
    read -r -a c1 <<<"$(counters)"
    log "$fault seed $seed: inject"
    inject "$fault" >/dev/null 2>&1 || true
    sleep "$(hold_s "$fault")"
    heal "$fault" >/dev/null
    healed_ms=$(date +%s%3N)
    log "$fault seed $seed: healed"
    set +e; wait $bench; rc=$?; set -e
    runs=$((runs + 1))
    if [ $rc -eq 2 ]; then
      log "$fault seed $seed: the sale could not run:"; cat "$report" >&2
      bad=$((bad + 1)); FAILED=1; continue
    fi
    # Recovery: from the heal until the first request sent after it got a definite answer (202,
    # or 409 once sold out); when the sale ended before the heal, until the queue had drained
    # (nothing queued or reserved). A sale that never drained is an I2 violation.
    started_ms=$(sed -n 's/.*started at \([0-9]*\) ms.*/\1/p' "$report")
    sale_s=$(sed -n 's/^  requests .* in \([0-9.]*\) s.*/\1/p' "$report")
    drain_s=$(sed -n 's/^  drain *done in \([0-9.]*\) s.*/\1/p' "$report")
    recover=$(awk -F, -v heal=$((healed_ms - started_ms)) -v sale="$sale_s" -v drain="${drain_s:--1}" '
      NR > 1 && $4 / 1000 >= heal { later = 1 }
      NR > 1 && $4 / 1000 >= heal && ($6 == 202 || $6 == 409) { t = $5 / 1000 - heal; if (best == "" || t < best) best = t }
      END {
        if (drain < 0 || (later && best == "")) { print -1; exit }
        if (!later) best = (sale + drain) * 1000 - heal
        print best < 0 ? 0 : int(best / 1000 + 0.999) }' "$RUN/reports/$fault-seed$seed.csv")
    if [ "$recover" -lt 0 ] || [ "$recover" -gt 30 ]; then
      FAILED=1; log "$fault seed $seed: not answering and drained within 30 s of the heal"; recover=99
    fi
    [ "$recover" -gt $worst_recover ] && worst_recover=$recover
    for inv in I1 I2 I3 I4; do
      n=$(grep -c "VIOLATION $inv" "$report" || true)
      per_invariant[$inv]=$((per_invariant[$inv] + n))
    done
    grep -q "VIOLATION stats" "$report" && per_invariant[I4]=$((per_invariant[I4] + 1))
    # I5: a dead letter of an order that is neither FAILED nor replayed.
    i5=$(sql "SELECT COUNT(*) FROM dead_letters d LEFT JOIN orders o ON o.id = d.order_id
              WHERE d.order_id IS NOT NULL AND d.replayed_at_ms IS NULL AND (o.id IS NULL OR o.status <> 'FAILED')")
    if [ "$fault" = F20 ]; then  # the poison must be kept, as not an order
      kept=$(sql "SELECT COUNT(*) FROM dead_letters WHERE order_id IS NULL AND body = '$POISON'")
      [ "$kept" = 1 ] || { log "$fault seed $seed: the poison message was not kept as a dead letter"; i5=$((i5 + 1)); }
    fi
    per_invariant[I5]=$((per_invariant[I5] + i5))
    read -r -a c2 <<<"$(counters)"
    # Each counter's increase; the restarted instance's counts before the fault, then since.
    read -r restarted_service restarted_k _ <<<"$(restarts "$fault") x 0"
    d=(0 0 0)
    for i in "${!c2[@]}"; do
      k=$((i / 3 + 1)) kind=$((i % 3))
      case "$kind:$restarted_service:$k" in
        0:order:$restarted_k|2:order:$restarted_k|1:product:$restarted_k) d[kind]=$(( d[kind] + c1[i] - c0[i] + c2[i] )) ;;
        *) d[kind]=$(( d[kind] + c2[i] - c0[i] )) ;;
      esac
    done
    compensations=$((compensations + d[0])) swept=$((swept + d[1])) redeliveries=$((redeliveries + d[2]))
    dead_letters=$((dead_letters + $(sql "SELECT COUNT(*) FROM dead_letters") - dl_before))
    failed_orders=$((failed_orders + $(sed -n 's/.*; \([0-9]*\) FAILED$/\1/p' "$report")))
    [ $rc -ne 0 ] || [ "$i5" -ne 0 ] && { bad=$((bad + 1)); FAILED=1; log "$fault seed $seed: VIOLATIONS"; cat "$report" >&2; }
    # F16 must not stop the sale: with etcd down through all of it, every unit is still sold.
    if [ "$fault" = F16 ] && ! grep -q "outcomes *202: $STOCK " "$report"; then
      bad=$((bad + 1)); FAILED=1; log "$fault seed $seed: the sale did not go on while etcd was down"; cat "$report" >&2
    fi
    outcomes=$(sed -n 's/^  outcomes *//p' "$report" | sed 's/ | /, /g')  # a table cell: no pipes
    [ "$fault" = F19 ] && log "$fault seed $seed:$(sed -n 's/^  burst *[^:]*://p' "$report")"
  done
  ROWS+=("$(printf '| %-4s | %d | %d | %d | %d | %d | %d | %d | %2d s | %d | %d | %d | %d | %d | %s |' "$fault" "$runs" \
    "$bad" "${per_invariant[I1]}" "${per_invariant[I2]}" "${per_invariant[I3]}" "${per_invariant[I4]}" \
    "${per_invariant[I5]}" "$worst_recover" "$compensations" "$swept" "$redeliveries" "$failed_orders" \
    "$dead_letters" "$outcomes")")
  unset per_invariant
done

echo
echo "seckill chaos: $SEEDS seeds, sale of $STOCK units to $BUYERS buyers at $RATE req/s, fault at 2 s" \
  "(F3 F16 F22 F23 F24: two instances of each service, nginx in front of the gateways)"
echo "| fault | runs | failed runs | I1 | I2 | I3 | I4 | I5 | recovery after heal (worst) | compensations | stale reservations swept | redeliveries | FAILED orders | dead letters | last run's outcomes |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
echo "(reports and request histories: $RUN/reports)"
exit $FAILED
