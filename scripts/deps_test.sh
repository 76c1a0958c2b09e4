#!/usr/bin/env bash
# Tests scripts/deps.sh without root side effects: stub apt-get, dpkg-query and sudo come first
# on PATH, the policy-rc.d path points into a temporary folder, the npm step is skipped.
# Cases: a policy file already present (the base-image case that used to exit 1) is left
# byte-for-byte and mode-for-mode as it was; an absent one exists during apt-get install and is
# gone afterwards; nothing missing runs no apt-get; a failing apt-get fails the script and still
# removes the policy file it created; a package apt-get did not install fails the script.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/bin"

# dpkg-query: every package is installed except those listed in $WORK/missing.
cat >"$WORK/bin/dpkg-query" <<'EOF'
#!/usr/bin/env bash
pkg=${!#}
if grep -qxF "$pkg" "$STUB_DIR/missing" 2>/dev/null; then exit 1; fi
printf 'install ok installed'
EOF
# apt-get: logs each call; `install` notes the policy file as it was during the install, then
# installs (removes from `missing`) what it was given, unless told to fail or to skip one.
cat >"$WORK/bin/apt-get" <<'EOF'
#!/usr/bin/env bash
echo "apt-get $*" >>"$STUB_DIR/apt.log"
if [ "$1" = install ]; then
  if [ -e "$SECKILL_POLICY_RC_D" ]; then cat "$SECKILL_POLICY_RC_D" >"$STUB_DIR/policy-during-install"; fi
  [ -n "${STUB_APT_FAIL:-}" ] && exit 100
  for arg in "$@"; do
    case "$arg" in -*|install) ;; "${STUB_APT_SKIP:-}") ;; *) sed -i "/^${arg}\$/d" "$STUB_DIR/missing" ;; esac
  done
fi
exit 0
EOF
printf '#!/bin/sh\nexec "$@"\n' >"$WORK/bin/sudo"
chmod +x "$WORK/bin/"*

passed=0 failed=0
check() { # check NAME CONDITION...
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $name"; fi
}

# run_case NAME MISSING_PACKAGES [ENV=VALUE...]: a fresh stub state; runs deps.sh, sets $rc, $out.
run_case() {
  local name=$1 missing=$2; shift 2
  export STUB_DIR=$WORK/$name
  mkdir -p "$STUB_DIR"
  printf '%s\n' $missing >"$STUB_DIR/missing"
  : >"$STUB_DIR/apt.log"
  out=$(env "$@" PATH="$WORK/bin:$PATH" STUB_DIR="$STUB_DIR" SECKILL_POLICY_RC_D="$STUB_DIR/policy-rc.d" \
        SECKILL_SKIP_NPM=1 bash "$ROOT/scripts/deps.sh" 2>&1)
  rc=$?
}

# 1. The machine has its own policy-rc.d: exit 0, the file unchanged.
export STUB_DIR=$WORK/present
mkdir -p "$STUB_DIR"
printf '#!/bin/sh\n# the machine'"'"'s own policy\nexit 0\n' >"$STUB_DIR/policy-rc.d"
chmod 0750 "$STUB_DIR/policy-rc.d"
before=$(sha256sum <"$STUB_DIR/policy-rc.d")$(stat -c %a "$STUB_DIR/policy-rc.d")
run_case present amqp-tools
after=$(sha256sum <"$STUB_DIR/policy-rc.d")$(stat -c %a "$STUB_DIR/policy-rc.d")
check "present: exit 0 (was $rc: $out)" [ "$rc" -eq 0 ]
check "present: policy-rc.d unchanged" [ "$before" = "$after" ]
check "present: installs exactly the missing package" grep -qE "^apt-get install .* amqp-tools$" "$STUB_DIR/apt.log"
check "present: reports done" grep -q "\[deps\] done" <<<"$out"

# 2. No policy-rc.d: one that refuses service starts exists during the install, none after.
run_case absent "amqp-tools wrk"
check "absent: exit 0 (was $rc: $out)" [ "$rc" -eq 0 ]
check "absent: policy-rc.d removed afterwards" [ ! -e "$STUB_DIR/policy-rc.d" ]
check "absent: policy said exit 101 during the install" grep -qx "exit 101" "$STUB_DIR/policy-during-install"
check "absent: both packages installed in one call" grep -qE "^apt-get install .* amqp-tools wrk$" "$STUB_DIR/apt.log"

# 3. Nothing missing: no apt-get at all.
run_case complete ""
check "complete: exit 0 (was $rc: $out)" [ "$rc" -eq 0 ]
check "complete: apt-get not run" [ ! -s "$STUB_DIR/apt.log" ]

# 4. apt-get fails: the script fails and still removes the policy file it made.
run_case apt_fails amqp-tools STUB_APT_FAIL=1
check "apt_fails: non-zero exit" [ "$rc" -ne 0 ]
check "apt_fails: policy-rc.d removed" [ ! -e "$STUB_DIR/policy-rc.d" ]

# 5. apt-get exits 0 but a package is still not installed: the script says so and fails.
run_case still_missing "amqp-tools wrk" STUB_APT_SKIP=wrk
check "still_missing: non-zero exit" [ "$rc" -ne 0 ]
check "still_missing: names the package" grep -q "still not installed: wrk" <<<"$out"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
