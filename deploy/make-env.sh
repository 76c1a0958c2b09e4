#!/usr/bin/env bash
# Writes deploy/.env for docker-compose.yml: every secret of the stack, random, made once (an
# existing file is kept; delete it to make new ones). Mode 0600; never commit it.
#   deploy/make-env.sh [FILE]
set -euo pipefail
out=${1:-$(cd "$(dirname "$0")" && pwd)/.env}
[ -e "$out" ] && { echo "$out exists: kept"; exit 0; }
# Letters and digits only, as scripts/stack.sh's (a leading '-' reads as an option to some tools).
secret() { head -c 24 /dev/urandom | base64 | tr -d '+/='; }
umask 077
cat >"$out" <<ENV
SECKILL_ADMIN_PASSWORD=$(secret)
SECKILL_JWT_SECRET=$(secret)$(secret)
SECKILL_MESSAGES_KEY=$(secret)$(secret)
SECKILL_DB_PASSWORD=$(secret)
MARIADB_ROOT_PASSWORD=$(secret)
REDIS_PRODUCT_PASSWORD=$(secret)
REDIS_ORDER_PASSWORD=$(secret)
REDIS_OPS_PASSWORD=$(secret)
AMQP_PASSWORD=$(secret)
ETCD_ROOT_PASSWORD=$(secret)
SECKILL_ETCD_PASSWORD=$(secret)
ENV
echo "wrote $out"
