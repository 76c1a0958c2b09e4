#!/usr/bin/env bash
# The compose stack's set-up, run once before the servers and services start (and harmless to run
# again): what scripts/stack.sh does for `make up`, for containers. Reads the stack's secrets from
# its environment (deploy/.env, made by deploy/make-env.sh) and writes into the shared volumes:
#   /tls    the CA's certificate and one certificate and key per service identity (kept when present)
#   /tls-ca the CA's key, which no service mounts (a service able to read it could mint identities)
#   /redis  users.acl: no default user; each service only its commands and keys
# then, once MariaDB and etcd answer: the schema's migrations and the services' database user
# (rows only, no DDL), and etcd's authentication with the services' user (their /seckill/ keys).
set -euo pipefail
: "${REDIS_PRODUCT_PASSWORD:?}" "${REDIS_ORDER_PASSWORD:?}" "${REDIS_OPS_PASSWORD:?}"
: "${MARIADB_ROOT_PASSWORD:?}" "${SECKILL_DB_PASSWORD:?}" "${ETCD_ROOT_PASSWORD:?}" "${SECKILL_ETCD_PASSWORD:?}"
DB_NAME=${SECKILL_DB_NAME:-seckill} DB_USER=${SECKILL_DB_USER:-seckill}
ETCD_USER=${SECKILL_ETCD_USER:-seckill}
log() { printf '[init] %s\n' "$*"; }

# --- certificates (as stack.sh's make_certs) ---
umask 077
if [ ! -s /tls/ca.crt ] || [ ! -s /tls-ca/ca.key ]; then
  log "making the CA and service certificates"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 825 \
    -subj "/CN=seckill CA" -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" -keyout /tls-ca/ca.key -out /tls/ca.crt 2>/dev/null
  for id in seckill-gateway seckill-gateway-admin seckill-order seckill-product; do
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$id" \
      -keyout "/tls/$id.key" -out "/tls/$id.csr" 2>/dev/null
    printf 'subjectAltName=DNS:%s\nextendedKeyUsage=serverAuth,clientAuth\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n' \
      "$id" >"/tls/$id.ext"
    openssl x509 -req -in "/tls/$id.csr" -CA /tls/ca.crt -CAkey /tls-ca/ca.key -CAserial /tls-ca/ca.srl -CAcreateserial \
      -days 825 -extfile "/tls/$id.ext" -out "/tls/$id.crt" 2>/dev/null
    rm -f "/tls/$id.csr" "/tls/$id.ext"
  done
fi
# The services run as uid 10001 (the image's user): their keys are theirs to read, nobody else's.
chown -R 10001:10001 /tls
chmod 600 /tls/*.key

# --- Redis's users: scripts/redis-users.sh, as for `make up` ---
REDIS_PRODUCT_PASSWORD=$REDIS_PRODUCT_PASSWORD REDIS_ORDER_PASSWORD=$REDIS_ORDER_PASSWORD \
  REDIS_OPS_PASSWORD=$REDIS_OPS_PASSWORD "${SECKILL_REDIS_USERS:-seckill-redis-users}" >/redis/users.acl
chown 999:999 /redis/users.acl  # the redis image's user
[ "${SECKILL_INIT_ONLY_FILES:-0}" = 1 ] && { log "files done"; exit 0; }

# --- MariaDB: schema and the services' user (as stack.sh's start_mariadb and migrate) ---
mdb() { mariadb -h mariadb -uroot -p"$MARIADB_ROOT_PASSWORD" "$@"; }
for _ in $(seq 60); do mdb -e 'select 1' >/dev/null 2>&1 && break; sleep 2; done
mdb -e 'select 1' >/dev/null
mdb <<SQL
CREATE DATABASE IF NOT EXISTS \`$DB_NAME\` CHARACTER SET utf8mb4;
CREATE USER IF NOT EXISTS '$DB_USER'@'%' IDENTIFIED BY '$SECKILL_DB_PASSWORD';
ALTER USER '$DB_USER'@'%' IDENTIFIED BY '$SECKILL_DB_PASSWORD';
REVOKE ALL PRIVILEGES, GRANT OPTION FROM '$DB_USER'@'%';
GRANT SELECT, INSERT, UPDATE, DELETE ON \`$DB_NAME\`.* TO '$DB_USER'@'%';
SQL
mdb "$DB_NAME" -e "CREATE TABLE IF NOT EXISTS schema_migrations (version VARCHAR(64) PRIMARY KEY, applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)"
for f in /opt/seckill/share/seckill/sql/migrations/*.sql; do
  v=$(basename "$f" .sql)
  if [ -z "$(mdb -N "$DB_NAME" -e "SELECT 1 FROM schema_migrations WHERE version='$v'")" ]; then
    log "migration $v"
    { cat "$f"; echo "; INSERT INTO schema_migrations(version) VALUES ('$v');"; } | mdb "$DB_NAME"
  fi
done

# --- etcd: authentication on, the services' user (as stack.sh's start_etcd) ---
e() { ETCDCTL_API=3 etcdctl --endpoints=etcd:2379 "$@"; }
for _ in $(seq 60); do e --user "root:$ETCD_ROOT_PASSWORD" endpoint health >/dev/null 2>&1 || e endpoint health >/dev/null 2>&1 && break; sleep 2; done
if e get /seckill/auth-probe >/dev/null 2>&1; then  # answered without credentials: auth is off
  e user add "root:$ETCD_ROOT_PASSWORD" >/dev/null 2>&1 || true
  e user grant-role root root >/dev/null 2>&1 || true
  e auth enable >/dev/null
fi
r() { e --user "root:$ETCD_ROOT_PASSWORD" "$@"; }
r role get seckill-services >/dev/null 2>&1 || {
  r role add seckill-services >/dev/null
  r role grant-permission seckill-services --prefix=true readwrite /seckill/ >/dev/null
}
if r user get "$ETCD_USER" >/dev/null 2>&1; then
  r user passwd "$ETCD_USER" --interactive=false <<<"$SECKILL_ETCD_PASSWORD" >/dev/null
else
  r user add "$ETCD_USER:$SECKILL_ETCD_PASSWORD" >/dev/null
  r user grant-role "$ETCD_USER" seckill-services >/dev/null
fi
log "done"
