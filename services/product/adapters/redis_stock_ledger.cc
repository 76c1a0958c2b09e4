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

absl::Status LoadStockFunctions(const redis::Endpoint& server) {
  redis::SyncClient client(server, std::chrono::milliseconds(1000));
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
                           : o == "MISMATCH"          ? ConfirmOutcome::kMismatch
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

// seckill_confirm's arguments for a claim.
std::vector<std::string> ConfirmArgs(const domain::ReservationClaim& claim) {
  return {std::to_string(claim.order_id), std::to_string(claim.user_id),
          std::to_string(claim.quantity), std::to_string(claim.amount_cents)};
}

std::vector<std::vector<std::string>> OrderIdCalls(const std::vector<uint64_t>& order_ids) {
  std::vector<std::vector<std::string>> calls;
  calls.reserve(order_ids.size());
  for (uint64_t id : order_ids) calls.push_back({std::to_string(id)});
  return calls;
}

absl::StatusOr<bool> ParseSeeded(const std::vector<std::string>& r) {
  if (r.empty()) return absl::InternalError("seckill_seed: empty reply");
  return r[0] == "SEEDED";
}

// seckill_release and seckill_cancel share their reply.
absl::StatusOr<domain::ReleaseResult> ParseRelease(const std::vector<std::string>& r) {
  if (r.size() != 2) return absl::InternalError("release/cancel: bad reply");
  const std::string& o = r[0];
  ReleaseOutcome outcome = o == "RELEASED"            ? ReleaseOutcome::kReleased
                           : o == "ALREADY_RELEASED"  ? ReleaseOutcome::kAlreadyReleased
                           : o == "ALREADY_CONFIRMED" ? ReleaseOutcome::kAlreadyConfirmed
                                                      : ReleaseOutcome::kNotFound;
  return domain::ReleaseResult{outcome, ToInt(r[1])};
}

absl::StatusOr<domain::StockSnapshot> ParseSnapshot(const std::vector<std::string>& r) {
  if (r.size() != 4) return absl::InternalError("seckill_snapshot: bad reply");
  return domain::StockSnapshot{r[0] == "1", ToInt(r[1]), ToInt(r[2]), ToInt(r[3])};
}

absl::StatusOr<domain::AdjustResult> ParseAdjust(const std::vector<std::string>& r) {
  if (r.size() != 2) return absl::InternalError("seckill_adjust: bad reply");
  const std::string& o = r[0];
  using O = domain::AdjustOutcome;
  O outcome = o == "ADJUSTED"   ? O::kAdjusted
              : o == "CHANGED"  ? O::kChanged
              : o == "NEGATIVE" ? O::kNegative
                                : O::kActivityNotFound;
  return domain::AdjustResult{outcome, ToInt(r[1])};
}

absl::StatusOr<domain::ReviveResult> ParseRevive(const std::vector<std::string>& r) {
  if (r.size() != 3) return absl::InternalError("seckill_revive: bad reply");
  SECKILL_ASSIGN_OR_RETURN(domain::Refusal refusal, ParseRefusal(r[2]));
  const std::string& o = r[0];
  using O = domain::ReviveOutcome;
  return domain::ReviveResult{o == "REVIVED"        ? O::kRevived
                              : o == "NOT_RELEASED" ? O::kNotReleased
                              : o == "REFUSED"      ? O::kRefused
                                                    : O::kNotFound,
                              refusal};
}

absl::StatusOr<int64_t> ParseReseeded(const std::vector<std::string>& r) {
  if (r.size() != 2) return absl::InternalError("seckill_reseed: bad reply");
  return ToInt(r[1]);
}

absl::StatusOr<domain::SweepResult> ParseSwept(const std::vector<std::string>& r) {
  if (r.size() != 2) return absl::InternalError("seckill_sweep: bad reply");
  return domain::SweepResult{ToInt(r[0]), ToInt(r[1])};
}

}  // namespace

base::Async<redis::Reply> RedisStockLedger::Command(Strings command) {
  return redis::Await(*client_, std::move(command));
}

base::Async<redis::Reply> RedisStockLedger::CallRaw(const char* function, uint64_t activity_id,
                                                    Strings args) {
  for (bool retried = false;; retried = true) {
    // Built per attempt from `args` (kept for the one retry), so the first costs one copy.
    Strings command = {"FCALL", function, std::to_string(kKeyCount)};
    command.reserve(3 + kKeyCount + args.size());
    for (std::string& key : Keys(activity_id)) command.push_back(std::move(key));
    command.insert(command.end(), args.begin(), args.end());
    auto calling = Command(std::move(command));
    absl::StatusOr<redis::Reply> reply = co_await std::move(calling);
    if (!reply.ok()) co_return reply.status();
    if (reply->type == redis::Reply::Type::kArray) co_return reply;
    if (reply->type != redis::Reply::Type::kError) {
      co_return absl::InternalError(fmt::format("redis {}: unexpected reply type", function));
    }
    if (retried || reply->str.find("Function not found") == std::string::npos) {
      co_return redis::ErrorReplyStatus(function, reply->str);
    }
    spdlog::warn("redis lost the seckill_stock functions; loading them again");
    Strings load = {"FUNCTION", "LOAD", "REPLACE", StockFunctionsSource()};
    auto loading = Command(std::move(load));
    absl::StatusOr<redis::Reply> loaded = co_await std::move(loading);
    if (!loaded.ok()) co_return loaded.status();
  }
}

base::Async<RedisStockLedger::Strings> RedisStockLedger::Call(const char* function,
                                                              uint64_t activity_id, Strings args) {
  auto calling = CallRaw(function, activity_id, std::move(args));
  absl::StatusOr<redis::Reply> reply = co_await std::move(calling);
  if (!reply.ok()) co_return reply.status();
  co_return TextsOf(*reply);
}

template <class T>
base::Async<T> RedisStockLedger::CallOne(const char* function, uint64_t activity_id, Strings args,
                                         absl::StatusOr<T> (*parse)(const Strings&)) {
  auto calling = Call(function, activity_id, std::move(args));
  absl::StatusOr<Strings> reply = co_await std::move(calling);
  if (!reply.ok()) co_return reply.status();
  co_return parse(*reply);
}

template <class T>
base::Async<std::vector<T>> RedisStockLedger::CallMany(const char* function, uint64_t activity_id,
                                                       std::vector<Strings> calls,
                                                       absl::StatusOr<T> (*parse)(const Strings&)) {
  if (calls.empty()) co_return std::vector<T>{};
  Strings args = {function, std::to_string(calls.front().size())};
  args.reserve(2 + calls.size() * calls.front().size());
  for (const Strings& call : calls) args.insert(args.end(), call.begin(), call.end());
  auto calling = CallRaw("seckill_many", activity_id, std::move(args));
  absl::StatusOr<redis::Reply> reply = co_await std::move(calling);
  if (!reply.ok()) co_return reply.status();
  if (reply->elements.size() != calls.size()) {
    co_return absl::InternalError(fmt::format("seckill_many {}: {} replies for {} calls", function,
                                              reply->elements.size(), calls.size()));
  }
  std::vector<T> results;
  results.reserve(calls.size());
  for (const redis::Reply& one : reply->elements) {
    absl::StatusOr<T> result = parse(TextsOf(one));
    if (!result.ok()) co_return result.status();
    results.push_back(std::move(*result));
  }
  co_return results;
}

std::string RedisStockLedger::ExpireAt(const domain::ActivityTerms& t) const {
  return retention_ms_ == kKeepForever ? std::string()
                                       : std::to_string(t.end_at_ms + retention_ms_);
}

base::Async<bool> RedisStockLedger::Seed(uint64_t activity_id, const domain::ActivityTerms& t) {
  Strings args = {std::to_string(t.stock),          std::to_string(t.price_cents),
                  std::to_string(t.start_at_ms),    std::to_string(t.end_at_ms),
                  std::to_string(t.limit_per_user), ExpireAt(t)};
  return CallOne("seckill_seed", activity_id, std::move(args), &ParseSeeded);
}

base::Async<domain::ReserveResult> RedisStockLedger::Reserve(
    const domain::ReservationRequest& req) {
  Strings args = ReserveArgs(req);
  return CallOne("seckill_reserve", req.activity_id, std::move(args), &ParseReserve);
}

base::Async<std::vector<domain::ReserveResult>> RedisStockLedger::ReserveMany(
    uint64_t activity_id, const std::vector<domain::ReservationRequest>& requests) {
  std::vector<Strings> calls;
  calls.reserve(requests.size());
  for (const domain::ReservationRequest& req : requests) calls.push_back(ReserveArgs(req));
  // `requests` is read before the first suspension only.
  std::vector<tracing::Span> spans;
  if (tracer_ != nullptr) {
    spans.reserve(requests.size());
    for (const domain::ReservationRequest& req : requests) {
      spans.push_back(
          tracer_->StartSpan("FCALL seckill_many", tracing::SpanKind::kClient, req.traceparent));
      spans.back()
          .Set("db.system", "redis")
          .Set("db.operation.name", "FCALL")
          .Set("db.query.text", "FCALL seckill_many (reserve)")
          .Set("seckill.batch_size", static_cast<int64_t>(requests.size()));
    }
  }
  auto calling = CallMany("reserve", activity_id, std::move(calls), &ParseReserve);
  absl::StatusOr<std::vector<domain::ReserveResult>> results = co_await std::move(calling);
  for (size_t i = 0; i < spans.size(); ++i) {
    if (!results.ok()) {
      spans[i].SetError(std::string(results.status().message()));
    } else if (i < results->size() && (*results)[i].refusal != common::v1::REFUSAL_UNSPECIFIED) {
      spans[i].SetBorrowed("seckill.refusal", common::v1::Refusal_Name((*results)[i].refusal));
    }
  }
  co_return results;
}

base::Async<domain::ReleaseResult> RedisStockLedger::Release(uint64_t activity_id,
                                                             uint64_t order_id) {
  Strings args = {std::to_string(order_id)};
  return CallOne("seckill_release", activity_id, std::move(args), &ParseRelease);
}

base::Async<domain::ReleaseResult> RedisStockLedger::Cancel(uint64_t activity_id,
                                                            uint64_t order_id) {
  Strings args = {std::to_string(order_id)};
  return CallOne("seckill_cancel", activity_id, std::move(args), &ParseRelease);
}

base::Async<domain::ConfirmResult> RedisStockLedger::Confirm(
    uint64_t activity_id, const domain::ReservationClaim& claim) {
  return CallOne("seckill_confirm", activity_id, ConfirmArgs(claim), &ParseConfirm);
}

base::Async<bool> RedisStockLedger::MarkPublished(uint64_t activity_id, uint64_t order_id) {
  Strings args = {std::to_string(order_id)};
  return CallOne("seckill_published", activity_id, std::move(args), &ParseMarked);
}

base::Async<std::vector<domain::ConfirmResult>> RedisStockLedger::ConfirmMany(
    uint64_t activity_id, const std::vector<domain::ReservationClaim>& claims) {
  std::vector<Strings> calls;
  calls.reserve(claims.size());
  for (const domain::ReservationClaim& claim : claims) calls.push_back(ConfirmArgs(claim));
  return CallMany("confirm", activity_id, std::move(calls), &ParseConfirm);
}

base::Async<std::vector<bool>> RedisStockLedger::MarkPublishedMany(
    uint64_t activity_id, const std::vector<uint64_t>& order_ids) {
  std::vector<Strings> calls = OrderIdCalls(order_ids);
  return CallMany("published", activity_id, std::move(calls), &ParseMarked);
}

base::Async<domain::StockSnapshot> RedisStockLedger::Snapshot(uint64_t activity_id) {
  Strings args;
  return CallOne("seckill_snapshot", activity_id, std::move(args), &ParseSnapshot);
}

base::Async<domain::AdjustResult> RedisStockLedger::Adjust(uint64_t activity_id,
                                                           int64_t expected_remaining,
                                                           int64_t delta) {
  Strings args = {std::to_string(expected_remaining), std::to_string(delta)};
  return CallOne("seckill_adjust", activity_id, std::move(args), &ParseAdjust);
}

base::Async<domain::ReviveResult> RedisStockLedger::Revive(uint64_t activity_id,
                                                           uint64_t order_id) {
  Strings args = {std::to_string(order_id)};
  return CallOne("seckill_revive", activity_id, std::move(args), &ParseRevive);
}

base::Async<int64_t> RedisStockLedger::Reseed(uint64_t activity_id, const domain::ActivityTerms& t,
                                              const std::vector<domain::LiveOrder>& live) {
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
  return CallOne("seckill_reseed", activity_id, std::move(args), &ParseReseeded);
}

base::Async<std::string> RedisStockLedger::InstanceId() {
  Strings info = {"INFO", "server"};
  auto asking = Command(std::move(info));
  absl::StatusOr<redis::Reply> r = co_await std::move(asking);
  if (!r.ok()) co_return r.status();
  constexpr std::string_view kField = "run_id:";
  const size_t at =
      r->type == redis::Reply::Type::kString ? r->str.find(kField) : std::string::npos;
  if (at == std::string::npos) co_return absl::InternalError("INFO server: no run_id");
  const size_t from = at + kField.size();
  co_return r->str.substr(from, r->str.find_first_of("\r\n", from) - from);
}

base::Async<domain::SweepResult> RedisStockLedger::SweepStale(uint64_t activity_id,
                                                              int64_t older_than_ms,
                                                              int64_t limit) {
  Strings args = {std::to_string(older_than_ms), std::to_string(limit)};
  return CallOne("seckill_sweep", activity_id, std::move(args), &ParseSwept);
}

}  // namespace seckill::product::adapters
