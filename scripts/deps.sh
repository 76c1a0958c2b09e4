#!/usr/bin/env bash
# Installs every Debian 12 package needed to build, run and test seckill, then the pinned npm
# packages of tools/openapi, tools/buf and tests/browser. Idempotent: does nothing when all are
# present. Uses sudo for apt-get when not root. Exits 0 exactly when everything needed is
# installed, and leaves /usr/sbin/policy-rc.d as it found it.
#
# SECKILL_POLICY_RC_D moves the policy file and SECKILL_SKIP_NPM=1 skips the npm step (for
# scripts/deps_test.sh, which runs this script against stub apt-get/dpkg-query commands).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)

PACKAGES=(
  # build
  cmake ninja-build ccache pkg-config g++ make
  # libraries: Boost is used for Asio, Beast (headers) and JSON only, so not libboost1.81-all-dev,
  # which pulls OpenMPI, gfortran, ICU and python3-dev (about 263 packages)
  libboost1.81-dev libboost-json1.81-dev libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev
  protobuf-compiler libabsl-dev libhiredis-dev librabbitmq-dev libmariadb-dev libspdlog-dev
  libfmt-dev libyaml-cpp-dev libcli11-dev libsodium-dev libssl-dev
  # tests, benchmarks and the style check
  libgtest-dev libgmock-dev libbenchmark-dev clang-format-14 clang-tidy-14
  # the fuzzers (scripts/fuzz.sh): clang with libFuzzer and the sanitizers' runtimes
  clang-14 libclang-common-14-dev libclang-rt-14-dev
  # servers the local stack runs, and the tools its scripts use
  redis-server redis-tools mariadb-server mariadb-client rabbitmq-server etcd-server etcd-client
  curl jq procps iproute2 iptables amqp-tools wrk openssl
  # make bench: the nginx baseline, its plot, CPU pinning (taskset), the Redis baseline
  nginx gnuplot-nox util-linux
  # the browser e2e test of the storefront and the console (tests/browser: playwright-core drives it)
  chromium fonts-dejavu-core
  # the deployment assets' test (tests/deploy_test.py): docker-compose's `config`, YAML
  docker-compose python3-yaml
)
# The OpenAPI validator (tools/openapi) runs on Node.js. A machine that already has a node with
# npm (e.g. NodeSource's nodejs, which bundles npm and conflicts with Debian's npm) keeps it.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  PACKAGES+=(nodejs npm)
fi

install_packages() {
  missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    echo "[deps] all ${#PACKAGES[@]} packages present"
    return 0
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
  # instances, so keep the package scripts from starting anything (policy-rc.d exit 101). A policy
  # file that was already there is the machine's own and is left exactly as it is.
  policy=${SECKILL_POLICY_RC_D:-/usr/sbin/policy-rc.d}
  created_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
    $SUDO chmod +x "$policy"
    created_policy=1
  fi
  # Restored on any exit (apt-get failing ends the script under `set -e`) with the script's own
  # status, never the clean-up's.
  restore_policy() {
    if [ "$created_policy" -eq 1 ]; then
      $SUDO rm -f "$policy"
      created_policy=0
    fi
  }
  trap 'status=$?; restore_policy || true; exit $status' EXIT

  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
  restore_policy
  trap - EXIT

  still_missing=()
  for p in "${missing[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || still_missing+=("$p")
  done
  if [ ${#still_missing[@]} -ne 0 ]; then
    echo "[deps] error: apt-get finished but these are still not installed: ${still_missing[*]}" >&2
    exit 1
  fi
  echo "[deps] packages done"
}

# The node_modules of each npm tool (tools/openapi: the OpenAPI check; tools/buf: the proto
# linter; tests/browser: playwright-core, which drives Debian's chromium and downloads no browser),
# installed from its lockfile (npm ci) unless that lockfile was installed already.
install_npm_packages() {
  local dir stamp
  for dir in "$ROOT/tools/openapi" "$ROOT/tools/buf" "$ROOT/tests/browser"; do
    stamp=$dir/node_modules/.seckill-lock.sha256
    if [ -f "$stamp" ] && sha256sum -c --status "$stamp" 2>/dev/null; then
      echo "[deps] npm packages of ${dir#"$ROOT"/} present"
      continue
    fi
    echo "[deps] npm ci in ${dir#"$ROOT"/}"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    (cd "$dir" && sha256sum package-lock.json) | sed "s|  |  $dir/|" >"$stamp"
  done
}

install_packages
if [ -z "${SECKILL_SKIP_NPM:-}" ]; then install_npm_packages; fi
echo "[deps] done"
