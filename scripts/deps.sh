#!/usr/bin/env bash
# Installs every Debian 12 package needed to build, run and test seckill. Idempotent: does
# nothing when all are present. Uses sudo when not root.
set -euo pipefail

PACKAGES=(
  # build
  cmake ninja-build ccache pkg-config g++ make
  # libraries
  libboost1.81-all-dev libboost-json1.81-dev libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev
  protobuf-compiler libabsl-dev libhiredis-dev librabbitmq-dev libmariadb-dev libspdlog-dev
  libfmt-dev libyaml-cpp-dev libcli11-dev libsodium-dev libssl-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
  # servers the local stack runs, and the tools its scripts use
  redis-server redis-tools mariadb-server mariadb-client rabbitmq-server etcd-server etcd-client
  curl jq procps iproute2 iptables amqp-tools wrk
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "[deps] all ${#PACKAGES[@]} packages present"
  exit 0
fi
echo "[deps] installing: ${missing[*]}"

if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO="sudo"
else
  echo "[deps] error: need root to install packages. Run as root, or: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi

# Installing redis/mariadb/rabbitmq would start their system services; the project runs its own
# instances, so keep the package scripts from starting anything (policy-rc.d exit 101).
policy=/usr/sbin/policy-rc.d
restore_policy=""
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod +x "$policy"
  restore_policy=1
fi
cleanup() { [ -n "$restore_policy" ] && $SUDO rm -f "$policy"; }
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "[deps] done"
