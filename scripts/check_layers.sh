#!/usr/bin/env bash
# Enforces the dependency rule (docs/architecture.md): domain <- app <- {adapters, api} <- main.
# Lists every include that crosses a layer the wrong way and fails if there is one.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

violations=0
check() { # check LAYER_DIR FORBIDDEN_PATTERN WHY
  local dir=$1 pattern=$2 why=$3 hits
  [ -d "$dir" ] || return 0
  hits=$(grep -rnP "#include \"($pattern)" "$dir" --include='*.h' --include='*.cc' | grep -v '_test\.cc:' || true)
  if [ -n "$hits" ]; then
    echo "$why:"; echo "$hits" | sed 's/^/  /'
    violations=$((violations + $(echo "$hits" | wc -l)))
  fi
}

for svc in services/*/; do
  s=${svc%/}
  # seckill/common/ is the refusal vocabulary (a plain enum: docs/architecture.md); every other
  # generated proto is the wire, for api/, adapters/ and messaging/ only.
  check "$s/domain" "$s/(app|adapters|api|messaging)/|seckill/(?!common/)|libs/(redis|mysql|amqp|http|rpc|etcd|discovery)/|boost/|grpcpp/" \
    "$s/domain must include only the standard library, absl, libs/base and the refusal vocabulary"
  check "$s/app" "$s/(adapters|api|messaging)/|seckill/(?!common/)|libs/(redis|mysql|amqp|http|rpc|etcd|discovery)/|grpcpp/" \
    "$s/app must not include adapters, api, messaging, generated service protos or I/O libraries"
  check "$s/adapters" "$s/(app|api)/" "$s/adapters implement domain ports; they must not include app or api"
  check "$s/messaging" "$s/(app|adapters|api)/" "$s/messaging is a contract; it depends on the domain only"
done
# Libraries are service-agnostic.
check libs "services/|tools/|tests/" "libs must not include services, tools or tests"

if [ "$violations" -gt 0 ]; then
  echo "check_layers: $violations forbidden include(s)"
  exit 1
fi
echo "check_layers: dependency rule holds"
