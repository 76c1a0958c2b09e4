#include "services/order/adapters/redis_queued_orders.h"

#include "fmt/format.h"
#include "libs/base/numbers.h"

namespace seckill::order::adapters {
namespace {

// KEYS: the buyer's hash, the activity's set, the set of all. ARGV: order id, entry, added_ms,
// ttl_ms, the order's member of the set of all. (The set of all is trimmed by AddedBefore, not
// here: the accept path's script stays one command longer than before it existed, ~1 µs of
// Redis CPU, where trimming and expiring it here too cost ~3.)
constexpr const char* kAddScript = R"lua(
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. (tonumber(ARGV[3]) - tonumber(ARGV[4])))
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[5])
return 1
)lua";

// KEYS: the set of all, then for each order its buyer's hash and its activity's set. ARGV: for
// each order its id and its member of the set of all.
constexpr const char* kRemoveScript = R"lua(
local n = #ARGV / 2
for i = 1, n do
  redis.call('HDEL', KEYS[2 * i], ARGV[2 * i - 1])
  redis.call('ZREM', KEYS[2 * i + 1], ARGV[2 * i - 1])
  redis.call('ZREM', KEYS[1], ARGV[2 * i])
end
return n
)lua";

constexpr const char* kAllKey = "{queued}:all";

std::string UserKey(uint64_t user_id) { return fmt::format("{{queued}}:u:{}", user_id); }
std::string ActivityKey(uint64_t activity_id) {
  return fmt::format("{{queued}}:a:{}", activity_id);
}
std::string AllMember(const domain::Order& o) {
  return fmt::format("{}|{}", o.order_id, o.user_id);
}

struct Entry {
  domain::Order order;
  int64_t added_at_ms = 0;
};

std::string EncodeEntry(const domain::Order& o, int64_t added_at_ms) {
  return fmt::format("{}|{}|{}|{}|{}", o.activity_id, o.quantity, o.amount_cents, o.created_at_ms,
                     added_at_ms);
}

absl::StatusOr<Entry> DecodeEntry(std::string_view order_id, std::string_view text,
                                  uint64_t user_id) {
  std::vector<std::string_view> parts;
  for (size_t at = 0;;) {
    const size_t bar = text.find('|', at);
    parts.push_back(text.substr(at, bar == std::string_view::npos ? bar : bar - at));
    if (bar == std::string_view::npos) break;
    at = bar + 1;
  }
  const auto id = base::ParseInteger<uint64_t>(order_id);
  if (parts.size() == 5 && id) {
    const auto activity = base::ParseInteger<uint64_t>(parts[0]);
    const auto quantity = base::ParseInteger<int64_t>(parts[1]);
    const auto amount = base::ParseInteger<int64_t>(parts[2]);
    const auto created = base::ParseInteger<int64_t>(parts[3]);
    const auto added = base::ParseInteger<int64_t>(parts[4]);
    if (activity && quantity && amount && created && added) {
      return Entry{domain::Order{*id, *activity, user_id, *quantity, *amount,
                                 domain::OrderStatus::kQueued, *created},
                   *added};
    }
  }
  return absl::InternalError(fmt::format("queued order {}: unreadable entry", order_id));
}

}  // namespace

base::Async<redis::Reply> RedisQueuedOrders::Call(std::vector<std::string> command) const {
  const std::string name = command.front();
  auto calling = redis::Await(*client_, std::move(command));
  absl::StatusOr<redis::Reply> reply = co_await std::move(calling);
  if (reply.ok() && reply->type == redis::Reply::Type::kError) {
    co_return redis::ErrorReplyStatus(name, reply->str);
  }
  co_return reply;
}

base::AsyncStatus RedisQueuedOrders::Add(const domain::Order& order) {
  const int64_t now = clock_.NowMs();
  auto adding =
      Call({"EVAL", kAddScript, "3", UserKey(order.user_id), ActivityKey(order.activity_id),
            kAllKey, std::to_string(order.order_id), EncodeEntry(order, now), std::to_string(now),
            std::to_string(ttl_ms_), AllMember(order)});
  const absl::StatusOr<redis::Reply> added = co_await std::move(adding);
  co_return added.status();
}

base::AsyncStatus RedisQueuedOrders::Remove(const std::vector<domain::Order>& orders) {
  if (orders.empty()) co_return absl::OkStatus();
  std::vector<std::string> command = {"EVAL", kRemoveScript, std::to_string(1 + 2 * orders.size()),
                                      kAllKey};
  command.reserve(4 + 4 * orders.size());
  for (const domain::Order& o : orders) {
    command.push_back(UserKey(o.user_id));
    command.push_back(ActivityKey(o.activity_id));
  }
  for (const domain::Order& o : orders) {
    command.push_back(std::to_string(o.order_id));
    command.push_back(AllMember(o));
  }
  auto removing = Call(std::move(command));
  const absl::StatusOr<redis::Reply> removed = co_await std::move(removing);
  co_return removed.status();
}

base::Async<std::optional<domain::Order>> RedisQueuedOrders::Find(uint64_t order_id,
                                                                  uint64_t user_id) {
  const std::string id = std::to_string(order_id);
  auto reading = Call({"HGET", UserKey(user_id), id});
  const absl::StatusOr<redis::Reply> reply = co_await std::move(reading);
  if (!reply.ok()) co_return reply.status();
  if (reply->type == redis::Reply::Type::kNil) co_return std::optional<domain::Order>();
  absl::StatusOr<Entry> entry = DecodeEntry(id, reply->str, user_id);
  if (!entry.ok()) co_return entry.status();
  if (clock_.NowMs() - entry->added_at_ms >= ttl_ms_) co_return std::optional<domain::Order>();
  co_return std::optional<domain::Order>(entry->order);
}

base::Async<std::vector<domain::Order>> RedisQueuedOrders::ForUser(uint64_t user_id) {
  auto reading = Call({"HGETALL", UserKey(user_id)});
  const absl::StatusOr<redis::Reply> reply = co_await std::move(reading);
  if (!reply.ok()) co_return reply.status();
  const int64_t now = clock_.NowMs();
  std::vector<domain::Order> orders;
  for (size_t i = 0; i + 1 < reply->elements.size(); i += 2) {
    absl::StatusOr<Entry> entry =
        DecodeEntry(reply->elements[i].str, reply->elements[i + 1].str, user_id);
    if (!entry.ok()) co_return entry.status();
    if (now - entry->added_at_ms < ttl_ms_) orders.push_back(entry->order);
  }
  co_return orders;
}

base::Async<int64_t> RedisQueuedOrders::CountForActivity(uint64_t activity_id) {
  // Live entries: added less than a TTL ago (the bound is exclusive, as in Find).
  const std::string oldest = fmt::format("({}", clock_.NowMs() - ttl_ms_);
  auto counting = Call({"ZCOUNT", ActivityKey(activity_id), oldest, "+inf"});
  const absl::StatusOr<redis::Reply> reply = co_await std::move(counting);
  if (!reply.ok()) co_return reply.status();
  co_return reply->AsInteger();
}

base::Async<std::vector<domain::Order>> RedisQueuedOrders::AddedBefore(int64_t before_ms,
                                                                       size_t limit) {
  // The entries a TTL old are forgotten first (Add does not trim this set; the sweep calls this
  // every run), then the rest added before `before_ms` are listed.
  const int64_t forgotten = clock_.NowMs() - ttl_ms_;
  auto trimming = Call({"ZREMRANGEBYSCORE", kAllKey, "-inf", std::to_string(forgotten)});
  if (absl::StatusOr<redis::Reply> trimmed = co_await std::move(trimming); !trimmed.ok()) {
    co_return trimmed.status();
  }
  auto listing = Call({"ZRANGEBYSCORE", kAllKey, fmt::format("({}", forgotten),
                       fmt::format("({}", before_ms), "LIMIT", "0", std::to_string(limit)});
  const absl::StatusOr<redis::Reply> members = co_await std::move(listing);
  if (!members.ok()) co_return members.status();
  std::vector<domain::Order> orders;
  for (const redis::Reply& member : members->elements) {
    const std::string_view text = member.str;
    const size_t bar = text.find('|');
    const auto user_id = base::ParseInteger<uint64_t>(
        bar == std::string_view::npos ? std::string_view() : text.substr(bar + 1));
    if (!user_id) {
      co_return absl::InternalError(fmt::format("queued orders: unreadable member '{}'", text));
    }
    const std::string order_id(text.substr(0, bar));
    auto reading = Call({"HGET", UserKey(*user_id), order_id});
    const absl::StatusOr<redis::Reply> reply = co_await std::move(reading);
    if (!reply.ok()) co_return reply.status();
    if (reply->type == redis::Reply::Type::kNil) continue;  // removed since it was listed
    absl::StatusOr<Entry> entry = DecodeEntry(order_id, reply->str, *user_id);
    if (!entry.ok()) co_return entry.status();
    orders.push_back(entry->order);
  }
  co_return orders;
}

}  // namespace seckill::order::adapters
