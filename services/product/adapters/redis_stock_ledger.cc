#include "services/product/adapters/redis_stock_ledger.h"

#include <charconv>

#include "fmt/format.h"
#include "libs/base/backoff.h"
#include "libs/base/status.h"
#include "libs/redis/sync_client.h"
#include "services/product/adapters/stock_functions_source.h"
#include "spdlog/spdlog.h"

namespace seckill::product::adapters {

using domain::ConfirmOutcome;
using domain::ReleaseOutcome;

const std::string& StockFunctionsSource() {
  static const std::string kSource(kStockFunctionsLua);
  return kSource;
}

absl::Status LoadStockFunctions(const std::string& host, int port) {
  redis::SyncClient client(host, port, std::chrono::milliseconds(1000));
  return base::RetryAtStartup(
      50, std::chrono::milliseconds(200), "loading the Redis functions", [&] {
        auto reply = client.Command({"FUNCTION", "LOAD", "REPLACE", StockFunctionsSource()});
        if (!reply.ok()) return reply.status();
        if (reply->type == redis::Reply::Type::kError) return absl::UnavailableError(reply->str);
        return absl::OkStatus();
      });
}

namespace {

constexpr int kKeyCount = 7;

std::vector<std::string> Keys(uint64_t activity_id) {
  const std::string tag = fmt::format("{{act:{}}}", activity_id);
  return {tag + ":info", tag + ":remaining", tag + ":buyers", tag + ":resv",
          tag + ":idem", tag + ":inflight",  tag + ":pending"};
}

int64_t ToInt(const std::string& s) {
  int64_t value = 0;
  std::from_chars(s.data(), s.data() + s.size(), value);
  return value;
}

uint64_t ToUint(const std::string& s) {
  uint64_t value = 0;
  std::from_chars(s.data(), s.data() + s.size(), value);
  return value;
}

// A refusal number from the Lua functions: one of seckill.common.v1.Refusal, or an error (the
// functions loaded are newer than this binary).
absl::StatusOr<domain::Refusal> ParseRefusal(const std::string& s) {
  int number = -1;
  std::from_chars(s.data(), s.data() + s.size(), number);
  if (!common::v1::Refusal_IsValid(number)) {
    return absl::InternalError(fmt::format("unknown refusal '{}' from the stock functions", s));
  }
  return static_cast<domain::Refusal>(number);
}

// An array reply's elements as text (a nested or nil element: "").
std::vector<std::string> TextsOf(const redis::Reply& reply) {
  std::vector<std::string> values;
  values.reserve(reply.elements.size());
  for (const redis::Reply& element : reply.elements) {
    auto text = element.AsText();
    values.push_back(text.ok() ? *text : std::string());
  }
  return values;
}

absl::StatusOr<domain::ReserveResult> ParseReserve(const std::vector<std::string>& r) {
  if (r.size() != 5) return absl::InternalError("seckill_reserve: bad reply");
  SECKILL_ASSIGN_OR_RETURN(domain::Refusal refusal, ParseRefusal(r[0]));
  return domain::ReserveResult{refusal, r[4] == "1", ToUint(r[1]), ToInt(r[2]), ToInt(r[3])};
}

absl::StatusOr<domain::ConfirmResult> ParseConfirm(const std::vector<std::string>& r) {
  if (r.size() != 2) return absl::InternalError("seckill_confirm: bad reply");
  const std::string& o = r[0];
  ConfirmOutcome outcome = o == "CONFIRMED"           ? ConfirmOutcome::kConfirmed
                           : o == "ALREADY_CONFIRMED" ? ConfirmOutcome::kAlreadyConfirmed
                           : o == "RELEASED"          ? ConfirmOutcome::kReleased
                                                      : ConfirmOutcome::kNotFound;
  return domain::ConfirmResult{outcome, ToInt(r[1])};
}

absl::StatusOr<bool> ParseMarked(const std::vector<std::string>& r) {
  if (r.empty()) return absl::InternalError("seckill_published: empty reply");
  return r[0] == "MARKED";
}

std::vector<std::string> ReserveArgs(const domain::ReservationRequest& req) {
  return {std::to_string(req.order_id), std::to_string(req.user_id), std::to_string(req.quantity),
          req.idempotency_key};
}

// Relays a parsed reply to a single call's callback.
template <class T>
std::function<void(absl::StatusOr<std::vector<std::string>>)> Parsed(
    absl::StatusOr<T> (*parse)(const std::vector<std::string>&), domain::Callback<T> done) {
  return [parse, done = std::move(done)](absl::StatusOr<std::vector<std::string>> r) {
    if (!r.ok()) return done(r.status());
    done(parse(*r));
  };
}

}  // namespace

void RedisStockLedger::CallRaw(const char* function, uint64_t activity_id, Strings args,
                               std::function<void(absl::StatusOr<redis::Reply>)> done,
                               bool retried) {
  Strings command = {"FCALL", function, std::to_string(kKeyCount)};
  for (std::string& key : Keys(activity_id)) command.push_back(std::move(key));
  for (const std::string& arg : args) command.push_back(arg);
  client_->Command(std::move(command), [this, function, activity_id, args = std::move(args),
                                        done = std::move(done),
                                        retried](absl::StatusOr<redis::Reply> reply) mutable {
    if (!reply.ok()) {
      done(reply.status());
      return;
    }
    if (reply->type == redis::Reply::Type::kError) {
      if (!retried && reply->str.find("Function not found") != std::string::npos) {
        spdlog::warn("redis lost the seckill_stock functions; loading them again");
        client_->Command({"FUNCTION", "LOAD", "REPLACE", StockFunctionsSource()},
                         [this, function, activity_id, args = std::move(args),
                          done = std::move(done)](absl::StatusOr<redis::Reply> loaded) mutable {
                           if (!loaded.ok()) {
                             done(loaded.status());
                             return;
                           }
                           CallRaw(function, activity_id, std::move(args), std::move(done), true);
                         });
        return;
      }
      done(redis::ErrorReplyStatus(function, reply->str));
      return;
    }
    if (reply->type != redis::Reply::Type::kArray) {
      done(absl::InternalError(fmt::format("redis {}: unexpected reply type", function)));
      return;
    }
    done(std::move(*reply));
  });
}

void RedisStockLedger::Call(const char* function, uint64_t activity_id, Strings args,
                            std::function<void(absl::StatusOr<Strings>)> done) {
  CallRaw(function, activity_id, std::move(args),
          [done = std::move(done)](absl::StatusOr<redis::Reply> reply) {
            if (!reply.ok()) return done(reply.status());
            done(TextsOf(*reply));
          });
}

template <class T>
void RedisStockLedger::CallMany(const char* function, uint64_t activity_id,
                                const std::vector<Strings>& calls,
                                absl::StatusOr<T> (*parse)(const Strings&),
                                domain::Callback<std::vector<T>> done) {
  if (calls.empty()) return done(std::vector<T>{});
  Strings args = {function, std::to_string(calls.front().size())};
  args.reserve(2 + calls.size() * calls.front().size());
  for (const Strings& call : calls) args.insert(args.end(), call.begin(), call.end());
  CallRaw(
      "seckill_many", activity_id, std::move(args),
      [function, n = calls.size(), parse,
       done = std::move(done)](absl::StatusOr<redis::Reply> reply) {
        if (!reply.ok()) return done(reply.status());
        if (reply->elements.size() != n) {
          return done(absl::InternalError(fmt::format("seckill_many {}: {} replies for {} calls",
                                                      function, reply->elements.size(), n)));
        }
        std::vector<T> results;
        results.reserve(n);
        for (const redis::Reply& one : reply->elements) {
          absl::StatusOr<T> result = parse(TextsOf(one));
          if (!result.ok()) return done(result.status());
          results.push_back(std::move(*result));
        }
        done(std::move(results));
      });
}

std::string RedisStockLedger::ExpireAt(const domain::ActivityTerms& t) const {
  return retention_ms_ == kKeepForever ? std::string()
                                       : std::to_string(t.end_at_ms + retention_ms_);
}

void RedisStockLedger::Seed(uint64_t activity_id, const domain::ActivityTerms& t,
                            domain::Callback<bool> done) {
  Call("seckill_seed", activity_id,
       {std::to_string(t.stock), std::to_string(t.price_cents), std::to_string(t.start_at_ms),
        std::to_string(t.end_at_ms), std::to_string(t.limit_per_user), ExpireAt(t)},
       [done = std::move(done)](absl::StatusOr<Strings> r) {
         if (!r.ok()) return done(r.status());
         if (r->empty()) return done(absl::InternalError("seckill_seed: empty reply"));
         done((*r)[0] == "SEEDED");
       });
}

void RedisStockLedger::Reserve(const domain::ReservationRequest& req,
                               domain::Callback<domain::ReserveResult> done) {
  Call("seckill_reserve", req.activity_id, ReserveArgs(req),
       Parsed(&ParseReserve, std::move(done)));
}

void RedisStockLedger::ReserveMany(uint64_t activity_id,
                                   const std::vector<domain::ReservationRequest>& requests,
                                   domain::Callback<std::vector<domain::ReserveResult>> done) {
  std::vector<Strings> calls;
  calls.reserve(requests.size());
  for (const domain::ReservationRequest& req : requests) calls.push_back(ReserveArgs(req));
  CallMany("reserve", activity_id, calls, &ParseReserve, std::move(done));
}

void RedisStockLedger::Release(uint64_t activity_id, uint64_t order_id,
                               domain::Callback<domain::ReleaseResult> done) {
  ReleaseCall("seckill_release", activity_id, order_id, std::move(done));
}

void RedisStockLedger::Cancel(uint64_t activity_id, uint64_t order_id,
                              domain::Callback<domain::ReleaseResult> done) {
  ReleaseCall("seckill_cancel", activity_id, order_id, std::move(done));
}

void RedisStockLedger::ReleaseCall(const char* function, uint64_t activity_id, uint64_t order_id,
                                   domain::Callback<domain::ReleaseResult> done) {
  Call(function, activity_id, {std::to_string(order_id)},
       [done = std::move(done)](absl::StatusOr<Strings> r) {
         if (!r.ok()) return done(r.status());
         if (r->size() != 2) return done(absl::InternalError("release/cancel: bad reply"));
         const std::string& o = (*r)[0];
         ReleaseOutcome outcome = o == "RELEASED"            ? ReleaseOutcome::kReleased
                                  : o == "ALREADY_RELEASED"  ? ReleaseOutcome::kAlreadyReleased
                                  : o == "ALREADY_CONFIRMED" ? ReleaseOutcome::kAlreadyConfirmed
                                                             : ReleaseOutcome::kNotFound;
         done(domain::ReleaseResult{outcome, ToInt((*r)[1])});
       });
}

void RedisStockLedger::Confirm(uint64_t activity_id, uint64_t order_id,
                               domain::Callback<domain::ConfirmResult> done) {
  Call("seckill_confirm", activity_id, {std::to_string(order_id)},
       Parsed(&ParseConfirm, std::move(done)));
}

void RedisStockLedger::MarkPublished(uint64_t activity_id, uint64_t order_id,
                                     domain::Callback<bool> done) {
  Call("seckill_published", activity_id, {std::to_string(order_id)},
       Parsed(&ParseMarked, std::move(done)));
}

namespace {

std::vector<std::vector<std::string>> OrderIdCalls(const std::vector<uint64_t>& order_ids) {
  std::vector<std::vector<std::string>> calls;
  calls.reserve(order_ids.size());
  for (uint64_t id : order_ids) calls.push_back({std::to_string(id)});
  return calls;
}

}  // namespace

void RedisStockLedger::ConfirmMany(uint64_t activity_id, const std::vector<uint64_t>& order_ids,
                                   domain::Callback<std::vector<domain::ConfirmResult>> done) {
  CallMany("confirm", activity_id, OrderIdCalls(order_ids), &ParseConfirm, std::move(done));
}

void RedisStockLedger::MarkPublishedMany(uint64_t activity_id,
                                         const std::vector<uint64_t>& order_ids,
                                         domain::Callback<std::vector<bool>> done) {
  CallMany("published", activity_id, OrderIdCalls(order_ids), &ParseMarked, std::move(done));
}

void RedisStockLedger::Snapshot(uint64_t activity_id,
                                domain::Callback<domain::StockSnapshot> done) {
  Call("seckill_snapshot", activity_id, {}, [done = std::move(done)](absl::StatusOr<Strings> r) {
    if (!r.ok()) return done(r.status());
    if (r->size() != 4) return done(absl::InternalError("seckill_snapshot: bad reply"));
    done(domain::StockSnapshot{(*r)[0] == "1", ToInt((*r)[1]), ToInt((*r)[2]), ToInt((*r)[3])});
  });
}

void RedisStockLedger::Adjust(uint64_t activity_id, int64_t expected_remaining, int64_t delta,
                              domain::Callback<domain::AdjustResult> done) {
  Call("seckill_adjust", activity_id, {std::to_string(expected_remaining), std::to_string(delta)},
       [done = std::move(done)](absl::StatusOr<Strings> r) {
         if (!r.ok()) return done(r.status());
         if (r->size() != 2) return done(absl::InternalError("seckill_adjust: bad reply"));
         const std::string& o = (*r)[0];
         using O = domain::AdjustOutcome;
         O outcome = o == "ADJUSTED"   ? O::kAdjusted
                     : o == "CHANGED"  ? O::kChanged
                     : o == "NEGATIVE" ? O::kNegative
                                       : O::kActivityNotFound;
         done(domain::AdjustResult{outcome, ToInt((*r)[1])});
       });
}

void RedisStockLedger::Revive(uint64_t activity_id, uint64_t order_id,
                              domain::Callback<domain::ReviveResult> done) {
  Call("seckill_revive", activity_id, {std::to_string(order_id)},
       [done = std::move(done)](absl::StatusOr<Strings> r) {
         if (!r.ok()) return done(r.status());
         if (r->size() != 3) return done(absl::InternalError("seckill_revive: bad reply"));
         absl::StatusOr<domain::Refusal> refusal = ParseRefusal((*r)[2]);
         if (!refusal.ok()) return done(refusal.status());
         const std::string& o = (*r)[0];
         using O = domain::ReviveOutcome;
         done(domain::ReviveResult{o == "REVIVED"        ? O::kRevived
                                   : o == "NOT_RELEASED" ? O::kNotReleased
                                   : o == "REFUSED"      ? O::kRefused
                                                         : O::kNotFound,
                                   *refusal});
       });
}

void RedisStockLedger::Reseed(uint64_t activity_id, const domain::ActivityTerms& t,
                              const std::vector<domain::LiveOrder>& live,
                              domain::Callback<int64_t> done) {
  int64_t sold = 0;
  for (const domain::LiveOrder& o : live) sold += o.quantity;
  const int64_t remaining = std::max<int64_t>(t.stock - sold, 0);
  Strings args = {std::to_string(t.stock),          std::to_string(t.price_cents),
                  std::to_string(t.start_at_ms),    std::to_string(t.end_at_ms),
                  std::to_string(t.limit_per_user), std::to_string(remaining),
                  std::to_string(live.size())};
  for (const domain::LiveOrder& o : live) {
    args.push_back(std::to_string(o.order_id));
    args.push_back(std::to_string(o.user_id));
    args.push_back(std::to_string(o.quantity));
  }
  args.push_back(ExpireAt(t));
  Call("seckill_reseed", activity_id, std::move(args),
       [done = std::move(done)](absl::StatusOr<Strings> r) {
         if (!r.ok()) return done(r.status());
         if (r->size() != 2) return done(absl::InternalError("seckill_reseed: bad reply"));
         done(ToInt((*r)[1]));
       });
}

void RedisStockLedger::InstanceId(domain::Callback<std::string> done) {
  client_->Command({"INFO", "server"}, [done = std::move(done)](absl::StatusOr<redis::Reply> r) {
    if (!r.ok()) return done(r.status());
    constexpr std::string_view kField = "run_id:";
    const size_t at =
        r->type == redis::Reply::Type::kString ? r->str.find(kField) : std::string::npos;
    if (at == std::string::npos) return done(absl::InternalError("INFO server: no run_id"));
    const size_t from = at + kField.size();
    done(r->str.substr(from, r->str.find_first_of("\r\n", from) - from));
  });
}

void RedisStockLedger::SweepStale(uint64_t activity_id, int64_t older_than_ms, int64_t limit,
                                  domain::Callback<domain::SweepResult> done) {
  Call("seckill_sweep", activity_id, {std::to_string(older_than_ms), std::to_string(limit)},
       [done = std::move(done)](absl::StatusOr<Strings> r) {
         if (!r.ok()) return done(r.status());
         if (r->size() != 2) return done(absl::InternalError("seckill_sweep: bad reply"));
         done(domain::SweepResult{ToInt((*r)[0]), ToInt((*r)[1])});
       });
}

}  // namespace seckill::product::adapters
