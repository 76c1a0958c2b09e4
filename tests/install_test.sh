#!/usr/bin/env bash
# `cmake --install BUILD --prefix <empty folder>` installs a runnable set: each service answers
# --version from the folder, and the pages, the migrations and the example configuration are there.
#   tests/install_test.sh BUILD_DIR
set -euo pipefail
BUILD=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cmake --install "$BUILD" --prefix "$dir" >"$dir.log" 2>&1 || { cat "$dir.log"; rm -f "$dir.log"; exit 1; }
rm -f "$dir.log"
failed=0
for s in gateway product order; do
  out=$("$dir/bin/seckill-$s" --version 2>&1) || { echo "FAIL: seckill-$s --version exited non-zero: $out"; failed=1; continue; }
  if [[ "$out" =~ ^seckill-$s\ [0-9]+\.[0-9]+\.[0-9]+\ \((Release|Debug|RelWithDebInfo|MinSizeRel|)\)$ ]]; then
    echo "ok: $out"
  else
    echo "FAIL: seckill-$s --version said '$out'"
    failed=1
  fi
done
for f in share/seckill/web/index.html share/seckill/web/console.html share/seckill/web/api.js \
         share/seckill/web/store.js share/seckill/web/messages.js share/seckill/web/console.js share/seckill/web/style.css \
         share/seckill/configs/gateway.yaml share/seckill/configs/flow-rules.json \
         lib/systemd/system/seckill-gateway.service lib/systemd/system/seckill-order.service \
         lib/systemd/system/seckill-product.service; do
  [ -s "$dir/$f" ] || { echo "FAIL: $f not installed"; failed=1; }
done
migrations=$(find "$dir/share/seckill/sql/migrations" -name '*.sql' | wc -l)
[ "$migrations" -gt 0 ] || { echo "FAIL: no migrations installed"; failed=1; }
[ "$failed" -eq 0 ] && echo "install: a runnable set in an empty prefix ($migrations migrations)"
exit "$failed"
