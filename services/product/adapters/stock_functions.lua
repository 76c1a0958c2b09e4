#!lua name=seckill_stock
-- The stock ledger of every activity, as Redis Functions (loaded with FUNCTION LOAD REPLACE;
-- unlike EVALSHA scripts they survive restarts and replicate). Each call touches only keys of
-- one activity, all under the hash tag {act:ID}:
--   KEYS[1] {act:ID}:info       hash: stock, price_cents, start_ms, end_ms, limit, expire_at
--   KEYS[2] {act:ID}:remaining  integer: units free to reserve
--   KEYS[3] {act:ID}:buyers     hash: user_id -> units held (reserved or confirmed)
--   KEYS[4] {act:ID}:resv       hash: order_id -> "user|qty|state|idempotency_key"
--                                state R (reserved), C (confirmed), X (released)
--   KEYS[5] {act:ID}:idem       hash: "user|idempotency_key" -> order_id
--   KEYS[6] {act:ID}:inflight   integer: units in state R
--   KEYS[7] {act:ID}:pending    sorted set: order_id of each R reservation not yet known to be
--                                published, scored by when it was made (Redis time, ms), for
--                                the sweep of stale ones
-- Replies are arrays of strings, the outcome first. A buyer's refusal is spelled as a number of
-- seckill.common.v1.Refusal (proto/seckill/common/v1/refusal.proto), which every service passes
-- on as it is; REFUSAL below holds them.
-- Retention: when `expire_at` is set (the activity's end plus the ledger's retention, ms), the
-- per-order keys (buyers, resv, idem, pending) expire then, so memory stays bounded by recent
-- sales; info, remaining and inflight stay for the stock figures.

-- The numbers of seckill.common.v1.Refusal (a test compares each name and number with the proto).
local REFUSAL = {
  REFUSAL_UNSPECIFIED = 0,
  REFUSAL_ACTIVITY_NOT_FOUND = 1,
  REFUSAL_NOT_STARTED = 2,
  REFUSAL_ENDED = 3,
  REFUSAL_SOLD_OUT = 4,
  REFUSAL_PURCHASE_LIMIT = 5,
}

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function parse_reservation(record)
  return string.match(record, '^([^|]*)|([^|]*)|([^|]*)|(.*)$')
end

-- Sets the expiry of the per-order keys that exist (`expire_at`: '' or nil for none).
local function expire_records(keys, expire_at)
  if not expire_at or expire_at == '' then return end
  for _, i in ipairs({3, 4, 5, 7}) do redis.call('PEXPIREAT', keys[i], expire_at) end
end

-- ARGV: stock, price_cents, start_ms, end_ms, limit, expire_at ('' for none). Creates the
-- ledger once; a second call for the same activity changes nothing (stock is never reset by a
-- retry).
local function seed(keys, args)
  if redis.call('EXISTS', keys[1]) == 1 then return {'EXISTS'} end
  redis.call('HSET', keys[1], 'stock', args[1], 'price_cents', args[2], 'start_ms', args[3],
             'end_ms', args[4], 'limit', args[5])
  if args[6] and args[6] ~= '' then redis.call('HSET', keys[1], 'expire_at', args[6]) end
  redis.call('SET', keys[2], args[1])
  redis.call('SET', keys[6], '0')
  return {'SEEDED'}
end

-- ARGV: order_id, user_id, quantity (a positive integer: the services validate it before),
-- idempotency_key ('' for none; any text: the record keeps it last and the user id, a number,
-- first, so a '|' in it is read back whole).
-- Reply: {refusal, order_id, price_cents, remaining, duplicate}: refusal 0 when reserved (or when
-- this order_id was reserved before: a replay changes nothing); duplicate '1' when the idempotency
-- key made an order before, which order_id then names.
local function reserve(keys, args)
  local order_id, user_id, idem = args[1], args[2], args[4] or ''
  local qty = tonumber(args[3])
  if not qty or qty < 1 or qty ~= math.floor(qty) then
    return redis.error_reply('ERR seckill_reserve: quantity must be a positive integer')
  end
  local function answer(refusal, price, remaining)
    return {tostring(refusal), order_id, price, tostring(remaining), '0'}
  end
  if redis.call('EXISTS', keys[1]) == 0 then
    return answer(REFUSAL.REFUSAL_ACTIVITY_NOT_FOUND, '0', 0)
  end
  local info = redis.call('HMGET', keys[1], 'price_cents', 'start_ms', 'end_ms', 'limit',
                          'expire_at')
  local price = info[1]
  local remaining = tonumber(redis.call('GET', keys[2]) or '0')
  if idem ~= '' then
    local existing = redis.call('HGET', keys[5], user_id .. '|' .. idem)
    if existing then return {'0', existing, price, tostring(remaining), '1'} end
  end
  if redis.call('HEXISTS', keys[4], order_id) == 1 then
    return answer(REFUSAL.REFUSAL_UNSPECIFIED, price, remaining)  -- a replay: nothing changes
  end
  local now = now_ms()
  if now < tonumber(info[2]) then return answer(REFUSAL.REFUSAL_NOT_STARTED, price, remaining) end
  if now >= tonumber(info[3]) then return answer(REFUSAL.REFUSAL_ENDED, price, remaining) end
  local held = tonumber(redis.call('HGET', keys[3], user_id) or '0')
  if held + qty > tonumber(info[4]) then
    return answer(REFUSAL.REFUSAL_PURCHASE_LIMIT, price, remaining)
  end
  if remaining < qty then return answer(REFUSAL.REFUSAL_SOLD_OUT, price, remaining) end
  remaining = redis.call('DECRBY', keys[2], qty)
  redis.call('HINCRBY', keys[3], user_id, qty)
  redis.call('HSET', keys[4], order_id, user_id .. '|' .. qty .. '|R|' .. idem)
  redis.call('INCRBY', keys[6], qty)
  redis.call('ZADD', keys[7], now, order_id)
  if idem ~= '' then redis.call('HSET', keys[5], user_id .. '|' .. idem, order_id) end
  -- Every time: a key emptied meanwhile (idem, pending) is created anew without an expiry.
  expire_records(keys, info[5])
  return answer(REFUSAL.REFUSAL_UNSPECIFIED, price, remaining)
end

-- RESERVED -> RELEASED for one reservation already read (shared by release and the sweep).
local function release_reserved(keys, order_id, user, qty, idem)
  redis.call('HSET', keys[4], order_id, user .. '|' .. qty .. '|X|' .. idem)
  redis.call('INCRBY', keys[2], qty)
  redis.call('HINCRBY', keys[3], user, -tonumber(qty))
  redis.call('DECRBY', keys[6], qty)
  redis.call('ZREM', keys[7], order_id)
  if idem ~= '' then redis.call('HDEL', keys[5], user .. '|' .. idem) end
end

-- ARGV: order_id. RESERVED -> RELEASED, returning the units exactly once.
-- Reply: {outcome, quantity_returned}.
local function release(keys, args)
  local record = redis.call('HGET', keys[4], args[1])
  if not record then return {'RESERVATION_NOT_FOUND', '0'} end
  local user, qty, state, idem = parse_reservation(record)
  if state == 'X' then return {'ALREADY_RELEASED', '0'} end
  if state == 'C' then return {'ALREADY_CONFIRMED', '0'} end
  release_reserved(keys, args[1], user, qty, idem)
  return {'RELEASED', qty}
end

-- ARGV: order_id, user_id, quantity, amount_cents: what the order's message claims.
-- RESERVED -> CONFIRMED, by the order consumer before it writes the order; a released
-- reservation can then never become an order. The claim must be the reservation's own (its buyer,
-- its units, those units at the activity's price): a message that says otherwise was not made
-- from this reservation and is answered MISMATCH, nothing changed. Reply: {outcome, quantity}.
local function confirm(keys, args)
  local record = redis.call('HGET', keys[4], args[1])
  if not record then return {'RESERVATION_NOT_FOUND', '0'} end
  local user, qty, state, idem = parse_reservation(record)
  local price = tonumber(redis.call('HGET', keys[1], 'price_cents'))
  -- Ids are compared as text: Lua's numbers cannot hold every 64-bit id.
  if user ~= args[2] or tonumber(qty) ~= tonumber(args[3]) or not price
      or tonumber(args[4]) ~= price * tonumber(qty) then
    return {'MISMATCH', qty}
  end
  if state == 'C' then return {'ALREADY_CONFIRMED', qty} end
  if state == 'X' then return {'RELEASED', qty} end
  redis.call('HSET', keys[4], args[1], user .. '|' .. qty .. '|C|' .. idem)
  redis.call('DECRBY', keys[6], qty)
  redis.call('ZREM', keys[7], args[1])
  return {'CONFIRMED', qty}
end

-- ARGV: order_id. The order's message is with the broker (its publish was confirmed), so its
-- consumer will confirm the reservation or its dead letter will release it: the sweep must leave
-- it alone however long the queue takes (a database outage holds messages in the queue).
-- Reply: {outcome (MARKED|NOT_RESERVED|RESERVATION_NOT_FOUND)}.
local function published(keys, args)
  local record = redis.call('HGET', keys[4], args[1])
  if not record then return {'RESERVATION_NOT_FOUND'} end
  local _, _, state = parse_reservation(record)
  if state ~= 'R' then return {'NOT_RESERVED'} end
  redis.call('ZREM', keys[7], args[1])
  return {'MARKED'}
end

-- ARGV: order_id. An order cancelled (by its buyer, or unpaid past its deadline) gives its
-- units back: CONFIRMED -> RELEASED, or RESERVED -> RELEASED if it was never confirmed.
-- Idempotent: a second call returns nothing. Reply: {outcome, quantity_returned}.
local function cancel(keys, args)
  local record = redis.call('HGET', keys[4], args[1])
  if not record then return {'RESERVATION_NOT_FOUND', '0'} end
  local user, qty, state, idem = parse_reservation(record)
  if state == 'X' then return {'ALREADY_RELEASED', '0'} end
  redis.call('HSET', keys[4], args[1], user .. '|' .. qty .. '|X|' .. idem)
  redis.call('INCRBY', keys[2], qty)
  redis.call('HINCRBY', keys[3], user, -tonumber(qty))
  if state == 'R' then redis.call('DECRBY', keys[6], qty) end
  redis.call('ZREM', keys[7], args[1])
  if idem ~= '' then redis.call('HDEL', keys[5], user .. '|' .. idem) end
  return {'RELEASED', qty}
end

-- ARGV: order_id. An operator replays a dead-lettered order whose units were returned:
-- RELEASED -> CONFIRMED, taking the units again if they are still there and the buyer is within
-- the limit. Replaying twice takes them once. Reply: {outcome, remaining, refusal}, outcome one
-- of REVIVED, NOT_RELEASED (already live), REFUSED (refusal says why), RESERVATION_NOT_FOUND.
local function revive(keys, args)
  local record = redis.call('HGET', keys[4], args[1])
  if not record then return {'RESERVATION_NOT_FOUND', '0', '0'} end
  local user, qty, state, idem = parse_reservation(record)
  local remaining = tonumber(redis.call('GET', keys[2]) or '0')
  local function refused(refusal) return {'REFUSED', tostring(remaining), tostring(refusal)} end
  if state ~= 'X' then return {'NOT_RELEASED', tostring(remaining), '0'} end
  local limit = tonumber(redis.call('HGET', keys[1], 'limit') or '0')
  local held = tonumber(redis.call('HGET', keys[3], user) or '0')
  if held + tonumber(qty) > limit then return refused(REFUSAL.REFUSAL_PURCHASE_LIMIT) end
  if remaining < tonumber(qty) then return refused(REFUSAL.REFUSAL_SOLD_OUT) end
  remaining = redis.call('DECRBY', keys[2], qty)
  redis.call('HINCRBY', keys[3], user, qty)
  redis.call('HSET', keys[4], args[1], user .. '|' .. qty .. '|C|' .. idem)
  return {'REVIVED', tostring(remaining), '0'}
end

-- ARGV: stock, price_cents, start_ms, end_ms, limit, remaining, n_orders, then n_orders triples
-- (order_id, user_id, quantity) of the live orders, then expire_at ('' for none). Rebuilds the activity's ledger from the
-- database of record after Redis lost data: every key is replaced; live orders come back as
-- CONFIRMED reservations (so cancelling them still returns their units) and their buyers' units
-- are counted against the limit. Idempotency keys are not restored. Reply: {'RESEEDED', remaining}.
local function reseed(keys, args)
  for i = 1, 7 do redis.call('DEL', keys[i]) end
  redis.call('HSET', keys[1], 'stock', args[1], 'price_cents', args[2], 'start_ms', args[3],
             'end_ms', args[4], 'limit', args[5])
  redis.call('SET', keys[2], args[6])
  redis.call('SET', keys[6], '0')
  local n = tonumber(args[7])
  for i = 0, n - 1 do
    local order_id, user, qty = args[8 + 3 * i], args[9 + 3 * i], args[10 + 3 * i]
    redis.call('HSET', keys[4], order_id, user .. '|' .. qty .. '|C|')
    redis.call('HINCRBY', keys[3], user, qty)
  end
  local expire_at = args[8 + 3 * n]
  if expire_at and expire_at ~= '' then
    redis.call('HSET', keys[1], 'expire_at', expire_at)
    expire_records(keys, expire_at)
  end
  return {'RESEEDED', args[6]}
end

-- ARGV: age_ms, limit. Releases reservations still RESERVED after `age_ms` (the service that
-- made them died before publishing, or the publish never resolved), at most `limit` per call.
-- A message that does arrive later finds its reservation released: the order becomes FAILED.
-- Reply: {reservations released, units returned}.
local function sweep(keys, args)
  local cutoff = now_ms() - tonumber(args[1])
  local stale = redis.call('ZRANGEBYSCORE', keys[7], '-inf', cutoff, 'LIMIT', 0, tonumber(args[2]))
  local released, units = 0, 0
  for _, order_id in ipairs(stale) do
    local record = redis.call('HGET', keys[4], order_id)
    redis.call('ZREM', keys[7], order_id)
    if record then
      local user, qty, state, idem = parse_reservation(record)
      if state == 'R' then
        release_reserved(keys, order_id, user, qty, idem)
        released = released + 1
        units = units + tonumber(qty)
      end
    end
  end
  return {tostring(released), tostring(units)}
end

-- ARGV: expected_remaining, delta. The reconciler's repair: moves `remaining` by `delta` only
-- if it still is `expected_remaining` (nothing sold meanwhile) and stays >= 0.
-- Reply: {outcome (ADJUSTED|CHANGED|NEGATIVE|ACTIVITY_NOT_FOUND), remaining}.
local function adjust(keys, args)
  if redis.call('EXISTS', keys[1]) == 0 then return {'ACTIVITY_NOT_FOUND', '0'} end
  local remaining = tonumber(redis.call('GET', keys[2]) or '0')
  if remaining ~= tonumber(args[1]) then return {'CHANGED', tostring(remaining)} end
  local target = remaining + tonumber(args[2])
  if target < 0 then return {'NEGATIVE', tostring(remaining)} end
  redis.call('SET', keys[2], tostring(target))
  return {'ADJUSTED', tostring(target)}
end

-- Reply: {found (0|1), stock, remaining, inflight}, one consistent snapshot.
local function snapshot(keys, args)
  if redis.call('EXISTS', keys[1]) == 0 then return {'0', '0', '0', '0'} end
  return {'1', redis.call('HGET', keys[1], 'stock'), redis.call('GET', keys[2]) or '0',
          redis.call('GET', keys[6]) or '0'}
end

-- Many calls for one activity in one FCALL: ARGV = the function (reserve, confirm or
-- published), the number of arguments each call takes, then each call's arguments. Reply: each
-- call's reply, in order, as its own function gives it; each call sees the ones before it. One
-- FCALL instead of one per call: Redis parses, dispatches and answers once for the batch.
local batchable = {reserve = reserve, confirm = confirm, published = published}
local function many(keys, args)
  local call, per = batchable[args[1]], tonumber(args[2])
  if not call or not per or per < 1 or (#args - 2) % per ~= 0 then
    return redis.error_reply('seckill_many: expected a function, its argument count, then calls')
  end
  local replies = {}
  for first = 3, #args, per do
    replies[#replies + 1] = call(keys, {unpack(args, first, first + per - 1)})
  end
  return replies
end

redis.register_function('seckill_seed', seed)
redis.register_function('seckill_many', many)
redis.register_function('seckill_reserve', reserve)
redis.register_function('seckill_release', release)
redis.register_function('seckill_confirm', confirm)
redis.register_function('seckill_published', published)
redis.register_function('seckill_cancel', cancel)
redis.register_function('seckill_adjust', adjust)
redis.register_function('seckill_sweep', sweep)
redis.register_function('seckill_revive', revive)
redis.register_function('seckill_reseed', reseed)
redis.register_function{function_name = 'seckill_snapshot', callback = snapshot,
                        flags = {'no-writes'}}
