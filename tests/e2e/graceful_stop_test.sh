#!/usr/bin/env bash
# Each service, started on spare ports against the running stack, serves, then stops on SIGTERM
# with exit code 0. Usage: graceful_stop_test.sh SOURCE_DIR BIN_DIR
set -uo pipefail
SRC=$1 BIN=$2
set -a; . "$SRC/.run/stack.env"; set +a
failures=0
port=17690
for svc in gateway order product; do
  port=$((port + 1))
  SECKILL_HTTP_PORT=$port SECKILL_GRPC_PORT=$((port + 100)) SECKILL_PROBE_PORT=$((port + 200)) \
    SECKILL_TLS_CERT_FILE=$SECKILL_TLS_DIR/seckill-$svc.crt SECKILL_TLS_KEY_FILE=$SECKILL_TLS_DIR/seckill-$svc.key \
    "$BIN/seckill-$svc" --config "$SRC/configs/$svc.yaml" >"/tmp/seckill-graceful-$svc.log" 2>&1 &
  pid=$!
  up=0
  for _ in $(seq 50); do
    if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then up=1; break; fi
    sleep 0.2
  done
  kill -TERM "$pid"
  wait "$pid"; rc=$?
  if [ "$up" = 1 ] && [ "$rc" = 0 ]; then
    echo "ok: seckill-$svc served, then stopped on SIGTERM with exit code 0"
  else
    echo "FAIL: seckill-$svc served=$up exit=$rc (log /tmp/seckill-graceful-$svc.log)"
    failures=$((failures + 1))
  fi
done
echo "$((3 - failures)) passed, $failures failed"
[ "$failures" = 0 ]
