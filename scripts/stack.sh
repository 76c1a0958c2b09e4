#!/usr/bin/env bash
# Local stack: Redis, MariaDB, RabbitMQ and etcd as plain processes on 127.0.0.1, data and logs
# under .run/, then the three seckill services. Idempotent: a part already running is left alone.
#
#   scripts/stack.sh up|down|status          whole stack (SCALE=N up: N instances of each service)
#   scripts/stack.sh infra-up|infra-down     only the four servers
#   scripts/stack.sh start|stop|kill NAME    one part (redis mariadb rabbitmq etcd lb, product order
#                                            gateway: the first instance, product-2 ...: the others)
#   scripts/stack.sh certs                   new CA and service certificates (restart services)
#
# SCALE=N (1-9, default 1): instance k of a service listens on its ports plus 100 x (k - 1) and
# logs to .run/<service>-<k>.log; with N > 1, nginx (lb) spreads HTTP over the gateways and
# SECKILL_GATEWAY_URL is nginx's. The scale is remembered (.run/scale) until the next `up`.
#
# Ports are the stack's choice (STACK_*_PORT; defaults below). A service reads its settings only
# as SECKILL_<KEY> (grpc.port is SECKILL_GRPC_PORT, db.port SECKILL_DB_PORT), which this script
# sets from them; the database's name, user and password and the admin account are service
# settings, so the stack reads them under those same names.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUN=${SECKILL_RUN_DIR:-$ROOT/.run}
BIN=${SECKILL_BIN_DIR:-$ROOT/build/bin}

REDIS_PORT=${STACK_REDIS_PORT:-17379}
DB_PORT=${SECKILL_DB_PORT:-17306}
AMQP_PORT=${STACK_AMQP_PORT:-17672}
AMQP_DIST_PORT=${STACK_AMQP_DIST_PORT:-17673}
AMQP_METRICS_PORT=${STACK_AMQP_METRICS_PORT:-17674} # rabbitmq_prometheus: /metrics, /metrics/per-object
EPMD_PORT=${STACK_EPMD_PORT:-17369}
ETCD_PORT=${STACK_ETCD_PORT:-17479}
ETCD_PEER_PORT=${STACK_ETCD_PEER_PORT:-17480}
PRODUCT_PORT=${STACK_PRODUCT_GRPC_PORT:-17501}
ORDER_PORT=${STACK_ORDER_GRPC_PORT:-17502}
PRODUCT_HEALTH_PORT=${STACK_PRODUCT_HTTP_PORT:-17511}
ORDER_HEALTH_PORT=${STACK_ORDER_HTTP_PORT:-17512}
GATEWAY_PORT=${STACK_GATEWAY_HTTP_PORT:-17580}
GATEWAY_PROBE_PORT=${STACK_GATEWAY_PROBE_PORT:-17581} # its operators' port: /metrics, probes
LB_PORT=${STACK_LB_HTTP_PORT:-17590}

DB_NAME=${SECKILL_DB_NAME:-seckill}
DB_USER=${SECKILL_DB_USER:-seckill}
ADMIN_USER=${SECKILL_ADMIN_USER:-admin}
JWT_SECRET_FILE=$RUN/jwt.secret
TLS=$RUN/tls
# One certificate per caller identity (libs/rpc/mutual_tls.h names them).
TLS_IDENTITIES="seckill-gateway seckill-gateway-admin seckill-order seckill-product"

RMQ=/usr/lib/rabbitmq/bin
log() { printf '[stack] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# --- secrets -----------------------------------------------------------------------------------
# Each stack's passwords are its own: generated on its first start into $RUN/secrets.env (0600),
# kept across restarts. A SECKILL_DB_PASSWORD or SECKILL_ADMIN_PASSWORD in the environment wins
# for the database's or the admin account's.
# Rotating one: edit (or delete) the file and run `stack.sh down` then `up`.
SECRETS=$RUN/secrets.env
# Letters and digits only (about 180 bits): a secret that began with '-' was read as an option by
# rabbitmqctl (`make up` failed one time in 64 with "Invalid options for this command").
new_secret() { head -c 24 /dev/urandom | base64 | tr -d '+/='; }
load_secrets() {
  mkdir -p "$RUN"
  if [ ! -s "$SECRETS" ]; then
    (umask 077; cat > "$SECRETS" <<SECRETS
# Written once by scripts/stack.sh: this stack's passwords.
DB_PASSWORD=$(new_secret)
REDIS_PRODUCT_PASSWORD=$(new_secret)
REDIS_OPS_PASSWORD=$(new_secret)
REDIS_ORDER_PASSWORD=$(new_secret)
AMQP_PASSWORD=$(new_secret)
ETCD_ROOT_PASSWORD=$(new_secret)
ETCD_SERVICE_PASSWORD=$(new_secret)
MESSAGE_KEY=$(new_secret)$(new_secret)
ADMIN_PASSWORD=$(new_secret)
SECRETS
    )
  fi
  chmod 600 "$SECRETS"
  # A secrets file from before a secret existed gets it added.
  grep -q '^MESSAGE_KEY=' "$SECRETS" || echo "MESSAGE_KEY=$(new_secret)$(new_secret)" >>"$SECRETS"
  grep -q '^ADMIN_PASSWORD=' "$SECRETS" || echo "ADMIN_PASSWORD=$(new_secret)" >>"$SECRETS"
  grep -q '^ETCD_SERVICE_PASSWORD=' "$SECRETS" || echo "ETCD_SERVICE_PASSWORD=$(new_secret)" >>"$SECRETS"
  grep -q '^REDIS_ORDER_PASSWORD=' "$SECRETS" || echo "REDIS_ORDER_PASSWORD=$(new_secret)" >>"$SECRETS"
  # shellcheck disable=SC1090
  . "$SECRETS"
  DB_PASSWORD=${SECKILL_DB_PASSWORD:-$DB_PASSWORD}
  # The gateway sets the admin's password to this one at every start.
  ADMIN_PASSWORD=${SECKILL_ADMIN_PASSWORD:-$ADMIN_PASSWORD}
}
load_secrets
REDIS_PRODUCT_USER=seckill-product
REDIS_OPS_USER=seckill-ops
REDIS_ORDER_USER=seckill-order
AMQP_USER=seckill
AMQP_VHOST=seckill
ETCD_SERVICE_USER=seckill
etcdctl_root() { ETCDCTL_API=3 etcdctl --endpoints="127.0.0.1:$ETCD_PORT" --user "root:$ETCD_ROOT_PASSWORD" "$@"; }

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

wait_until() { # wait_until SECONDS WHAT CMD...
  local limit=$1 what=$2; shift 2
  local deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -ge $deadline ] && die "$what not ready after ${limit}s (logs under $RUN)"
    sleep 0.2
  done
}

wait_until_quiet() { # like wait_until, but returns 1 instead of exiting
  local limit=$1; shift
  local deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -ge $deadline ] && return 1
    sleep 0.2
  done
}

rabbit_env() {
  export HOME=$RUN/rabbitmq RABBITMQ_NODENAME=seckill@localhost RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
    RABBITMQ_NODE_PORT=$AMQP_PORT RABBITMQ_DIST_PORT=$AMQP_DIST_PORT \
    RABBITMQ_MNESIA_BASE=$RUN/rabbitmq/mnesia RABBITMQ_LOG_BASE=$RUN/rabbitmq/log \
    RABBITMQ_PID_FILE=$RUN/rabbitmq/rabbitmq.pid RABBITMQ_ENABLED_PLUGINS_FILE=$RUN/rabbitmq/enabled_plugins \
    RABBITMQ_CONFIG_FILE=$RUN/rabbitmq/rabbitmq.conf \
    ERL_EPMD_PORT=$EPMD_PORT ERL_EPMD_ADDRESS=127.0.0.1
  # Erlang's schedulers spin while they wait for work ("busy wait"); on a host whose cores the
  # broker shares with the services that spinning is CPU taken from them. Off, a scheduler sleeps.
  # Erlang distribution (how rabbitmqctl reaches the node) listens on 127.0.0.1 only.
  export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="+sbwt none +sbwtdcpu none +sbwtdio none -kernel inet_dist_use_interface {127,0,0,1}"
}

# --- Redis -----------------------------------------------------------------------------------
start_redis() {
  mkdir -p "$RUN/redis"
  if pid_alive "$RUN/redis/redis.pid"; then return; fi
  # Users: scripts/redis-users.sh, the one list of who may do what (the compose init uses it too).
  (umask 077; REDIS_PRODUCT_USER=$REDIS_PRODUCT_USER REDIS_ORDER_USER=$REDIS_ORDER_USER \
    REDIS_OPS_USER=$REDIS_OPS_USER REDIS_PRODUCT_PASSWORD=$REDIS_PRODUCT_PASSWORD \
    REDIS_ORDER_PASSWORD=$REDIS_ORDER_PASSWORD REDIS_OPS_PASSWORD=$REDIS_OPS_PASSWORD \
    "$ROOT/scripts/redis-users.sh" > "$RUN/redis/users.acl")
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$RUN/redis" \
    --appendonly yes --appendfsync everysec --save "" --pidfile "$RUN/redis/redis.pid" \
    --logfile "$RUN/redis/redis.log" --aclfile "$RUN/redis/users.acl"
  wait_until 10 redis sh -c "REDISCLI_AUTH='$REDIS_OPS_PASSWORD' redis-cli --no-auth-warning --user $REDIS_OPS_USER -p $REDIS_PORT ping | grep -q PONG"
}
stop_redis() { stop_pidfile "$RUN/redis/redis.pid" redis; }

# --- MariaDB ---------------------------------------------------------------------------------
# The database's administrator: this OS user, through the unix socket only (unix_socket
# authentication: there is no password to guess over TCP).
DB_ADMIN=$(id -un)
mdb() { mariadb -S "$RUN/mariadb/m.sock" -u"$DB_ADMIN" "$@"; }
start_mariadb() {
  # A temporary folder of its own: stacks side by side (bench_pair.sh) must not share /tmp's
  # temporary tables (two installs at once failed there: "Unknown table 'mysql.tmp_user_sys'").
  mkdir -p "$RUN/mariadb/tmp"
  if ! pid_alive "$RUN/mariadb/m.pid"; then
    if [ ! -d "$RUN/mariadb/data/mysql" ]; then
      mariadb-install-db --datadir="$RUN/mariadb/data" --auth-root-authentication-method=socket \
        --auth-root-socket-user="$DB_ADMIN" --skip-test-db --user=root --tmpdir="$RUN/mariadb/tmp" \
        >"$RUN/mariadb/install.log" 2>&1 || die "mariadb-install-db failed: see $RUN/mariadb/install.log"
    fi
    nohup mariadbd --no-defaults --datadir="$RUN/mariadb/data" --port="$DB_PORT" --bind-address=127.0.0.1 \
      --socket="$RUN/mariadb/m.sock" --pid-file="$RUN/mariadb/m.pid" --user=root --tmpdir="$RUN/mariadb/tmp" \
      --log-error="$RUN/mariadb/mariadb.log" --innodb-flush-log-at-trx-commit=1 \
      --max-connections=500 >/dev/null 2>&1 &
    # (A data folder from before the socket rule has root with no password: `select 1` as
    # root works there, once, for the lock below.)
    wait_until 30 mariadb sh -c "mariadb -S '$RUN/mariadb/m.sock' -u'$DB_ADMIN' -e 'select 1' || mariadb -S '$RUN/mariadb/m.sock' -uroot -e 'select 1'"
  fi
  if ! mdb -e 'select 1' >/dev/null 2>&1; then
    mariadb -S "$RUN/mariadb/m.sock" -uroot <<SQL
CREATE USER IF NOT EXISTS '$DB_ADMIN'@'localhost' IDENTIFIED VIA unix_socket;
GRANT ALL ON *.* TO '$DB_ADMIN'@'localhost' WITH GRANT OPTION;
SQL
  fi
  # root only through the socket, no other root or anonymous account; the services' user reads
  # and writes the seckill database's rows and nothing else (no DDL: the migrations run here, as
  # the administrator).
  mdb <<SQL
ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket;
DROP USER IF EXISTS 'root'@'127.0.0.1', 'root'@'::1', ''@'localhost', ''@'$(hostname)', 'root'@'$(hostname)';
CREATE DATABASE IF NOT EXISTS \`$DB_NAME\` CHARACTER SET utf8mb4;
CREATE USER IF NOT EXISTS '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASSWORD';
CREATE USER IF NOT EXISTS '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASSWORD';
ALTER USER '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASSWORD';
ALTER USER '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASSWORD';
REVOKE ALL PRIVILEGES, GRANT OPTION FROM '$DB_USER'@'127.0.0.1', '$DB_USER'@'localhost';
GRANT SELECT, INSERT, UPDATE, DELETE ON \`$DB_NAME\`.* TO '$DB_USER'@'127.0.0.1', '$DB_USER'@'localhost';
SQL
  migrate
}
# Applies sql/migrations/NNN_*.sql once each, in order, recording them in schema_migrations.
migrate() {
  mdb "$DB_NAME" -e "CREATE TABLE IF NOT EXISTS schema_migrations (version VARCHAR(64) PRIMARY KEY, applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)"
  local f v
  for f in "$ROOT"/sql/migrations/*.sql; do
    v=$(basename "$f" .sql)
    if [ -z "$(mdb -N "$DB_NAME" -e "SELECT 1 FROM schema_migrations WHERE version='$v'")" ]; then
      log "migration $v"
      { cat "$f"; echo "; INSERT INTO schema_migrations(version) VALUES ('$v');"; } | mdb "$DB_NAME"
    fi
  done
}
stop_mariadb() { stop_pidfile "$RUN/mariadb/m.pid" mariadb; }

# --- RabbitMQ --------------------------------------------------------------------------------
start_rabbitmq() {
  mkdir -p "$RUN/rabbitmq/log"
  ( rabbit_env
    if pid_alive "$RABBITMQ_PID_FILE"; then exit 0; fi
    # The broker's own metrics (queue depth, consumers, rates) for Prometheus, on loopback only,
    # per queue (the order queue and the dead letters are told apart).
    echo '[rabbitmq_prometheus].' > "$RABBITMQ_ENABLED_PLUGINS_FILE"
    cat > "$RUN/rabbitmq/rabbitmq.conf" <<CONF
prometheus.tcp.ip = 127.0.0.1
prometheus.tcp.port = $AMQP_METRICS_PORT
prometheus.return_per_object_metrics = true
CONF
    "$RMQ/rabbitmq-server" -detached >"$RUN/rabbitmq/log/start.out" 2>&1
    wait_until 10 "rabbitmq pid file" test -s "$RABBITMQ_PID_FILE"
    timeout 60 "$RMQ/rabbitmqctl" wait "$RABBITMQ_PID_FILE" >/dev/null 2>&1 || die "rabbitmq not ready: see $RUN/rabbitmq/log"
  )
  # The services' own user and vhost; guest is gone.
  # (Retried: just after `rabbitmqctl wait` a node may still refuse changes for a moment.)
  ( rabbit_env
    ctl() { timeout 60 "$RMQ/rabbitmqctl" "$@" >>"$RUN/rabbitmq/log/ctl.out" 2>&1; }
    list() { timeout 60 "$RMQ/rabbitmqctl" -q "$@" 2>>"$RUN/rabbitmq/log/ctl.out"; }
    set_up_user() {
      { list list_vhosts | grep -qx "$AMQP_VHOST" || ctl add_vhost "$AMQP_VHOST"; } &&
        { ctl add_user "$AMQP_USER" "$AMQP_PASSWORD" || ctl change_password "$AMQP_USER" "$AMQP_PASSWORD"; } &&
        ctl set_permissions -p "$AMQP_VHOST" "$AMQP_USER" '.*' '.*' '.*' &&
        { ctl delete_user guest || ! list list_users | grep -q '^guest'; }
    }
    for _ in $(seq 20); do set_up_user && exit 0; sleep 1; done
    die "rabbitmq: cannot set up the $AMQP_USER user and vhost: see $RUN/rabbitmq/log/ctl.out"
  )
}
stop_rabbitmq() {
  ( rabbit_env
    if pid_alive "$RABBITMQ_PID_FILE"; then
      timeout 60 "$RMQ/rabbitmqctl" stop "$RABBITMQ_PID_FILE" >/dev/null 2>&1 || kill -9 "$(cat "$RABBITMQ_PID_FILE")" 2>/dev/null || true
    fi
    rm -f "$RABBITMQ_PID_FILE"
    # The node's own epmd, found by the port we gave it.
    pkill -f "epmd.*-port $EPMD_PORT" 2>/dev/null || true
    pkill -f "erl_epmd_port $EPMD_PORT" 2>/dev/null || true
    for p in $(pgrep -x epmd 2>/dev/null); do
      tr '\0' '\n' </proc/$p/environ 2>/dev/null | grep -qx "ERL_EPMD_PORT=$EPMD_PORT" && kill "$p" 2>/dev/null || true
    done
  )
}

# --- etcd ------------------------------------------------------------------------------------
start_etcd() {
  mkdir -p "$RUN/etcd"
  if pid_alive "$RUN/etcd/etcd.pid"; then return; fi
  nohup etcd --name seckill --data-dir "$RUN/etcd/data" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "seckill=http://127.0.0.1:$ETCD_PEER_PORT" >"$RUN/etcd/etcd.log" 2>&1 &
  echo $! > "$RUN/etcd/etcd.pid"
  # (Once authentication is on, the health check needs the credentials too.)
  wait_until 15 etcd sh -c "ETCDCTL_API=3 etcdctl --endpoints=127.0.0.1:$ETCD_PORT --user 'root:$ETCD_ROOT_PASSWORD' endpoint health || ETCDCTL_API=3 etcdctl --endpoints=127.0.0.1:$ETCD_PORT endpoint health"
  # Authentication on: a request without credentials is refused. root administers; the services
  # share one user that may read and write only under /seckill/ (their registrations).
  local e=(env ETCDCTL_API=3 etcdctl --endpoints="127.0.0.1:$ETCD_PORT")
  if "${e[@]}" get /seckill/auth-probe >/dev/null 2>&1; then  # answered without credentials
    "${e[@]}" user add "root:$ETCD_ROOT_PASSWORD" >/dev/null 2>&1 || true
    "${e[@]}" user grant-role root root >/dev/null 2>&1 || true
    "${e[@]}" auth enable >/dev/null || die "etcd: cannot enable authentication"
  fi
  if ! etcdctl_root role get seckill-services >/dev/null 2>&1; then
    etcdctl_root role add seckill-services >/dev/null
    etcdctl_root role grant-permission seckill-services --prefix=true readwrite /seckill/ >/dev/null
  fi
  if ! etcdctl_root user get "$ETCD_SERVICE_USER" >/dev/null 2>&1; then
    etcdctl_root user add "$ETCD_SERVICE_USER:$ETCD_SERVICE_PASSWORD" >/dev/null
    etcdctl_root user grant-role "$ETCD_SERVICE_USER" seckill-services >/dev/null
  else  # the password follows the secrets file (a rotation)
    etcdctl_root user passwd "$ETCD_SERVICE_USER" --interactive=false <<<"$ETCD_SERVICE_PASSWORD" >/dev/null
  fi
}
stop_etcd() { stop_pidfile "$RUN/etcd/etcd.pid" etcd; }

# --- mutual TLS ------------------------------------------------------------------------------
# The stack's own CA and one certificate (EC P-256) per identity, its common name and DNS name
# the identity, for client and server use. Made once per stack; `stack.sh certs` makes them
# anew (a rotation: restart the services after). Keys are 0600 in a 0700 folder.
make_certs() {
  local force=${1:-} id missing=0
  mkdir -p "$TLS"; chmod 700 "$TLS"
  for id in ca $TLS_IDENTITIES; do [ -s "$TLS/$id.crt" ] && [ -s "$TLS/$id.key" ] || missing=1; done
  [ "$missing" = 1 ] || [ -n "$force" ] || return 0
  command -v openssl >/dev/null || die "openssl is missing: run 'make deps'"
  log "making the stack's CA and service certificates in $TLS"
  ( umask 077; set -e
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 825 \
      -subj "/CN=seckill local CA" -addext "basicConstraints=critical,CA:TRUE" \
      -addext "keyUsage=critical,keyCertSign,cRLSign" -keyout "$TLS/ca.key" -out "$TLS/ca.crt" 2>/dev/null
    for id in $TLS_IDENTITIES; do
      openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$id" \
        -keyout "$TLS/$id.key" -out "$TLS/$id.csr" 2>/dev/null
      printf 'subjectAltName=DNS:%s\nextendedKeyUsage=serverAuth,clientAuth\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n' \
        "$id" > "$TLS/$id.ext"
      openssl x509 -req -in "$TLS/$id.csr" -CA "$TLS/ca.crt" -CAkey "$TLS/ca.key" -CAcreateserial \
        -days 825 -extfile "$TLS/$id.ext" -out "$TLS/$id.crt" 2>/dev/null
      rm -f "$TLS/$id.csr" "$TLS/$id.ext"
    done ) || die "making the TLS certificates failed"
}

# --- services --------------------------------------------------------------------------------
write_env() {
  # The JWT key and stack.env (which holds the passwords) are secrets: readable by their owner
  # only, also when an older stack left them world-readable.
  [ -f "$JWT_SECRET_FILE" ] || (umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$JWT_SECRET_FILE")
  chmod 600 "$JWT_SECRET_FILE"
  (umask 077; : >>"$RUN/stack.env")
  chmod 600 "$RUN/stack.env"
  cat > "$RUN/stack.env" <<ENV
# Written by scripts/stack.sh; source it to reach the local stack.
SECKILL_GATEWAY_URL=$(if [ "$(scale)" -gt 1 ]; then echo "http://127.0.0.1:$LB_PORT"; else echo "http://127.0.0.1:$GATEWAY_PORT"; fi)
SECKILL_GATEWAY_URLS=$(instance_urls gateway)
SECKILL_ADMIN_USER=$ADMIN_USER
SECKILL_ADMIN_PASSWORD=$ADMIN_PASSWORD
SECKILL_DB_HOST=127.0.0.1
SECKILL_DB_PORT=$DB_PORT
SECKILL_DB_USER=$DB_USER
SECKILL_DB_PASSWORD=$DB_PASSWORD
SECKILL_DB_NAME=$DB_NAME
SECKILL_REDIS_URL=redis://$REDIS_PRODUCT_USER:$REDIS_PRODUCT_PASSWORD@127.0.0.1:$REDIS_PORT
SECKILL_QUEUED_ORDERS_REDIS_URL=redis://$REDIS_ORDER_USER:$REDIS_ORDER_PASSWORD@127.0.0.1:$REDIS_PORT
SECKILL_REDIS_OPS_URL=redis://$REDIS_OPS_USER:$REDIS_OPS_PASSWORD@127.0.0.1:$REDIS_PORT
SECKILL_AMQP_URL=amqp://$AMQP_USER:$AMQP_PASSWORD@127.0.0.1:$AMQP_PORT/$AMQP_VHOST
SECKILL_ETCD_ENDPOINTS=http://127.0.0.1:$ETCD_PORT
SECKILL_ETCD_USER=$ETCD_SERVICE_USER
SECKILL_ETCD_PASSWORD=$ETCD_SERVICE_PASSWORD
SECKILL_PRODUCT_INSTANCE_ADDR=127.0.0.1:$PRODUCT_PORT
SECKILL_ORDER_INSTANCE_ADDR=127.0.0.1:$ORDER_PORT
SECKILL_PRODUCT_HEALTH_URL=http://127.0.0.1:$PRODUCT_HEALTH_PORT
SECKILL_ORDER_HEALTH_URL=http://127.0.0.1:$ORDER_HEALTH_PORT
SECKILL_PRODUCT_HEALTH_URLS=$(instance_urls product)
SECKILL_ORDER_HEALTH_URLS=$(instance_urls order)
SECKILL_GATEWAY_HEALTH_URL=http://127.0.0.1:$GATEWAY_PROBE_PORT
SECKILL_RABBITMQ_METRICS_URL=http://127.0.0.1:$AMQP_METRICS_PORT
SECKILL_TRACING_ENDPOINT=${STACK_TRACING_ENDPOINT:-http://127.0.0.1:4318}
SECKILL_GATEWAY_HEALTH_URLS=$(instance_urls gateway probe_port_of)
SECKILL_JWT_SECRET=$(cat "$JWT_SECRET_FILE")
SECKILL_MESSAGES_KEY=$MESSAGE_KEY
SECKILL_FLOW_RULES_FILE=$RUN/flow-rules.json
SECKILL_WEB_DIR=$ROOT/web
SECKILL_TLS_DIR=$TLS
SECKILL_TLS_CA_FILE=$TLS/ca.crt
SECKILL_TLS_ADMIN_CERT_FILE=$TLS/seckill-gateway-admin.crt
SECKILL_TLS_ADMIN_KEY_FILE=$TLS/seckill-gateway-admin.key
ENV
  write_prometheus_targets
  # The live flow-control rules: edit this copy and the gateway reloads it within a second.
  [ -f "$RUN/flow-rules.json" ] || cp "$ROOT/configs/flow-rules.json" "$RUN/flow-rules.json"
}

# --- instances ---------------------------------------------------------------------------------
SCALE_FILE=$RUN/scale
scale() { if [ -s "$SCALE_FILE" ]; then cat "$SCALE_FILE"; else echo 1; fi; }
set_scale() { # set_scale N: from `make up SCALE=N`
  [[ "$1" =~ ^[1-9]$ ]] || die "SCALE must be 1-9, not '$1'"
  mkdir -p "$RUN"; echo "$1" > "$SCALE_FILE"
}
instance() { if [ "$2" -eq 1 ]; then echo "$1"; else echo "$1-$2"; fi; } # instance SERVICE K
nth_port() { echo $(($1 + 100 * ($2 - 1))); } # nth_port BASE K
http_port_of() { # http_port_of SERVICE K: its probes (the gateway: its API)
  case $1 in product) nth_port "$PRODUCT_HEALTH_PORT" "$2" ;; order) nth_port "$ORDER_HEALTH_PORT" "$2" ;;
             gateway) nth_port "$GATEWAY_PORT" "$2" ;; esac
}
probe_port_of() { # probe_port_of SERVICE K: its /metrics, /healthz, /readyz
  case $1 in gateway) nth_port "$GATEWAY_PROBE_PORT" "$2" ;; *) http_port_of "$1" "$2" ;; esac
}
grpc_port_of() {
  case $1 in product) nth_port "$PRODUCT_PORT" "$2" ;; order) nth_port "$ORDER_PORT" "$2" ;; esac
}
instance_urls() { # instance_urls SERVICE [PORT_OF]: each instance's URL (default http_port_of: the gateway's API, the others' probes), comma-separated
  local k urls=() port_of=${2:-http_port_of}
  for k in $(seq "$(scale)"); do urls+=("http://127.0.0.1:$("$port_of" "$1" "$k")"); done
  (IFS=,; echo "${urls[*]}")
}

# Prometheus's targets (deploy/prometheus/prometheus.yml reads this file): every instance's
# operators' port, by service, and the broker's own metrics.
write_prometheus_targets() {
  local groups=() svc k list
  for svc in gateway product order; do
    list=()
    for k in $(seq "$(scale)"); do list+=("\"127.0.0.1:$(probe_port_of "$svc" "$k")\""); done
    groups+=("{\"targets\": [$(IFS=,; echo "${list[*]}")], \"labels\": {\"service\": \"seckill-$svc\"}}")
  done
  groups+=("{\"targets\": [\"127.0.0.1:$AMQP_METRICS_PORT\"], \"labels\": {\"service\": \"rabbitmq\"}}")
  mkdir -p "$RUN/prometheus"
  (IFS=,; echo "[${groups[*]}]") > "$RUN/prometheus/targets.json"
}

start_service() { # start_service SERVICE [K]
  local name=$1 k=${2:-1} id health_port grpc_port probe_port pidf
  id=$(instance "$name" "$k"); pidf="$RUN/$id.pid"
  health_port=$(http_port_of "$name" "$k"); grpc_port=$(grpc_port_of "$name" "$k")
  probe_port=$(probe_port_of "$name" "$k")
  [ -x "$BIN/seckill-$name" ] || die "$BIN/seckill-$name is not built: run 'make build'"
  if pid_alive "$pidf"; then return; fi
  set -a; . "$RUN/stack.env"; set +a
  # STACK_TELEMETRY=off: no spans, no request duration histograms, no sampled access log (the
  # bench's rows without telemetry, against which its cost is measured).
  if [ "${STACK_TELEMETRY:-on}" = off ]; then
    export SECKILL_TRACING_ENDPOINT='' SECKILL_METRICS_REQUEST_DURATIONS=off SECKILL_LOG_ACCESS_PERCENT=0
  fi
  SECKILL_HTTP_PORT=$health_port SECKILL_GRPC_PORT=$grpc_port SECKILL_PROBE_PORT=$probe_port \
    SECKILL_TLS_CERT_FILE=$TLS/seckill-$name.crt SECKILL_TLS_KEY_FILE=$TLS/seckill-$name.key \
    nohup "$BIN/seckill-$name" --config "$ROOT/configs/$name.yaml" >>"$RUN/$id.log" 2>&1 &
  echo $! > "$pidf"
  if ! wait_until_quiet 30 curl -fsS "http://127.0.0.1:$health_port/readyz"; then
    kill -0 "$(cat "$pidf")" 2>/dev/null || rm -f "$pidf"
    tail -n 20 "$RUN/$id.log" >&2
    die "seckill-$id not ready after 30s (log: $RUN/$id.log)"
  fi
}
stop_service() { stop_pidfile "$RUN/$(instance "$1" "${2:-1}").pid" "seckill-$(instance "$1" "${2:-1}")"; }
start_product() { start_service product; }
start_order() { start_service order; }
start_gateway() { start_service gateway; }
stop_product() { stop_service product; }
stop_order() { stop_service order; }
stop_gateway() { stop_service gateway; }
# Every instance of each service, the products first (the orders call them, the gateways both).
start_services() {
  local k name
  for name in product order gateway; do
    for k in $(seq "$(scale)"); do start_service "$name" "$k"; done
  done
}
# Every instance that runs, whatever the scale it was started with; the gateways first.
stop_services() {
  local name k
  for name in gateway order product; do
    for k in 9 8 7 6 5 4 3 2 1; do
      if [ -f "$RUN/$(instance "$name" "$k").pid" ]; then stop_service "$name" "$k"; fi
    done
  done
}

# --- nginx in front of the gateways (SCALE > 1) -------------------------------------------------
start_lb() {
  mkdir -p "$RUN/lb"
  if pid_alive "$RUN/lb/nginx.pid"; then return; fi
  local k servers=""
  for k in $(seq "$(scale)"); do
    servers+="    server 127.0.0.1:$(http_port_of gateway "$k") max_fails=1 fail_timeout=2s;"$'\n'
  done
  # A gateway that refuses the connection is skipped for the next one; a request a gateway may
  # have started is never sent twice (proxy_next_upstream without non_idempotent).
  cat > "$RUN/lb/nginx.conf" <<EOF
worker_processes 1;
pid $RUN/lb/nginx.pid;
error_log $RUN/lb/error.log warn;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path $RUN/lb/body;
  proxy_temp_path $RUN/lb/proxy;
  upstream gateways {
$servers    keepalive 128;
  }
  server {
    listen 127.0.0.1:$LB_PORT backlog=4096;
    location / {
      proxy_pass http://gateways;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For \$remote_addr;
      proxy_next_upstream error timeout;
      proxy_connect_timeout 1s;
    }
  }
}
EOF
  nginx -c "$RUN/lb/nginx.conf" -p "$RUN/lb" >/dev/null
  wait_until 10 nginx curl -fsS "http://127.0.0.1:$LB_PORT/healthz"
}
stop_lb() { stop_pidfile "$RUN/lb/nginx.pid" nginx; }

stop_pidfile() { # stop_pidfile PIDFILE NAME: SIGTERM, then SIGKILL after 20 s
  local pidf=$1 name=$2 pid i
  [ -f "$pidf" ] || return 0
  pid=$(cat "$pidf")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then log "$name did not stop on SIGTERM; killing"; kill -9 "$pid" 2>/dev/null || true; fi
  fi
  rm -f "$pidf"
}
kill_pidfile() { [ -f "$1" ] && kill -9 "$(cat "$1")" 2>/dev/null; rm -f "$1"; }

status_line() { # status_line NAME PIDFILE
  if pid_alive "$2"; then printf '%-9s running  pid %s\n' "$1" "$(cat "$2")"; else printf '%-9s stopped\n' "$1"; fi
}
status() {
  status_line redis "$RUN/redis/redis.pid"
  status_line mariadb "$RUN/mariadb/m.pid"
  status_line rabbitmq "$RUN/rabbitmq/rabbitmq.pid"
  status_line etcd "$RUN/etcd/etcd.pid"
  local name k
  for name in product order gateway; do
    for k in $(seq "$(scale)"); do status_line "$(instance "$name" "$k")" "$RUN/$(instance "$name" "$k").pid"; done
  done
  [ "$(scale)" -eq 1 ] || status_line lb "$RUN/lb/nginx.pid"
}

infra_up() { mkdir -p "$RUN"; start_redis; start_etcd; start_mariadb; start_rabbitmq; make_certs; write_env; }
infra_down() { stop_etcd; stop_rabbitmq; stop_mariadb; stop_redis; }

# A service instance's name (product, order-2 ...) as "SERVICE K"; fails for any other name.
parse_instance() { [[ "$1" =~ ^(product|order|gateway)(-([2-9]))?$ ]] && echo "${BASH_REMATCH[1]} ${BASH_REMATCH[3]:-1}"; }

case "${1:-}" in
  up) set_scale "${SCALE:-1}"; infra_up; start_services
      if [ "$(scale)" -gt 1 ]; then start_lb; fi
      url=$(sed -n 's|^SECKILL_GATEWAY_URL=||p' "$RUN/stack.env")
      log "stack is up ($(scale) of each service); gateway at $url (settings in $RUN/stack.env)"
      echo "$url" ;;
  down) stop_lb; stop_services; infra_down ;;
  infra-up) infra_up ;;
  infra-down) infra_down ;;
  status) status ;;
  env) write_env ;;
  certs) make_certs force ;;
  migrate) migrate ;;
  start|stop|kill)
    [ -n "${2:-}" ] || die "$1 NAME"
    if inst=$(parse_instance "$2"); then
      # shellcheck disable=SC2086 # "SERVICE K": two words
      case $1 in start) start_service $inst ;; stop) stop_service $inst ;;
                 kill) kill_pidfile "$RUN/$2.pid" ;; esac
    else
      case "$1 $2" in
        "kill redis") kill_pidfile "$RUN/redis/redis.pid" ;; "kill mariadb") kill_pidfile "$RUN/mariadb/m.pid" ;;
        "kill etcd") kill_pidfile "$RUN/etcd/etcd.pid" ;; "kill rabbitmq") ( rabbit_env; kill_pidfile "$RABBITMQ_PID_FILE" ) ;;
        "kill lb") kill_pidfile "$RUN/lb/nginx.pid" ;; kill*) die "kill NAME" ;;
        *) "$1_$2" ;;
      esac
    fi ;;
  *) echo "usage: [SCALE=N] $0 up|down|status|infra-up|infra-down|env|certs|migrate|start NAME|stop NAME|kill NAME" >&2; exit 2 ;;
esac
