#!/usr/bin/env bash
# Prints Redis's users.acl for the stack, the one list of who may do what in Redis: nobody without
# a password (default off); the product service may call the stock functions and the commands
# they run, on the ledger's keys only; the order service may run its scripts and the reads of the
# queued orders (services/order/adapters/redis_queued_orders.h), on their keys only; the operator
# may do anything. The file holds the passwords' SHA-256 only.
# Used by scripts/stack.sh (`make up`) and by the compose stack's init (deploy/docker/init.sh).
# Reads REDIS_{PRODUCT,ORDER,OPS}_PASSWORD and, optionally, REDIS_{PRODUCT,ORDER,OPS}_USER.
set -euo pipefail
: "${REDIS_PRODUCT_PASSWORD:?}" "${REDIS_ORDER_PASSWORD:?}" "${REDIS_OPS_PASSWORD:?}"
hash() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }
cat <<ACL
user default off
user ${REDIS_PRODUCT_USER:-seckill-product} on #$(hash "$REDIS_PRODUCT_PASSWORD") resetkeys ~{act:* resetchannels -@all +fcall +fcall_ro +function|load +info +ping +time +get +set +del +exists +incrby +decrby +hget +hset +hdel +hexists +hincrby +hmget +pexpireat +zadd +zrem +zrangebyscore
user ${REDIS_ORDER_USER:-seckill-order} on #$(hash "$REDIS_ORDER_PASSWORD") resetkeys ~{queued}:* resetchannels -@all +eval +ping +hget +hgetall +zcount +zrangebyscore +hset +hdel +pexpire +zadd +zrem +zremrangebyscore
user ${REDIS_OPS_USER:-seckill-ops} on #$(hash "$REDIS_OPS_PASSWORD") ~* &* +@all
ACL
