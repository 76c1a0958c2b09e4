#pragma once

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "libs/redis/async_client.h"
#include "libs/tracing/tracer.h"
#include "services/product/domain/stock_ledger.h"

namespace seckill::product::adapters {

// The Redis Function library (stock_functions.lua), embedded at build time.
const std::string& StockFunctionsSource();
// Loads (or replaces) the library into the Redis at host:port, retrying while Redis is still
// starting (about 10 s). Blocking: for start-up, before the first request.
absl::Status LoadStockFunctions(const redis::Endpoint& server);

// StockLedger on Redis: each operation is one FCALL of the seckill_stock library, touching only
// keys under the activity's hash tag {act:ID}. If Redis answers that the function is missing
// (a restart without persistence), the library is loaded again and the call retried once.
class RedisStockLedger final : public domain::StockLedger {
 public:
  // `retention_ms`: see StockLedger; the per-order keys get a Redis expiry at the activity's end
  // plus it. `tracer` (null: none) records each reservation's part of the Redis call as a client
  // span of its request's trace.
  explicit RedisStockLedger(std::shared_ptr<redis::AsyncClient> client,
                            int64_t retention_ms = kKeepForever, tracing::Tracer* tracer = nullptr)
      : client_(std::move(client)), retention_ms_(retention_ms), tracer_(tracer) {}

  base::Async<bool> Seed(uint64_t activity_id, const domain::ActivityTerms& terms) override;
  base::Async<domain::ReserveResult> Reserve(const domain::ReservationRequest& request) override;
  base::Async<domain::ReleaseResult> Release(uint64_t activity_id, uint64_t order_id) override;
  base::Async<domain::ConfirmResult> Confirm(uint64_t activity_id,
                                             const domain::ReservationClaim& claim) override;
  base::Async<domain::ReleaseResult> Cancel(uint64_t activity_id, uint64_t order_id) override;
  base::Async<bool> MarkPublished(uint64_t activity_id, uint64_t order_id) override;
  base::Async<std::vector<domain::ReserveResult>> ReserveMany(
      uint64_t activity_id, const std::vector<domain::ReservationRequest>& requests) override;
  base::Async<std::vector<domain::ConfirmResult>> ConfirmMany(
      uint64_t activity_id, const std::vector<domain::ReservationClaim>& claims) override;
  base::Async<std::vector<bool>> MarkPublishedMany(uint64_t activity_id,
                                                   const std::vector<uint64_t>& order_ids) override;
  base::Async<domain::StockSnapshot> Snapshot(uint64_t activity_id) override;
  // Redis' run_id (INFO server).
  base::Async<std::string> InstanceId() override;
  base::Async<domain::AdjustResult> Adjust(uint64_t activity_id, int64_t expected_remaining,
                                           int64_t delta) override;
  base::Async<domain::ReviveResult> Revive(uint64_t activity_id, uint64_t order_id) override;
  base::Async<int64_t> Reseed(uint64_t activity_id, const domain::ActivityTerms& terms,
                              const std::vector<domain::LiveOrder>& live) override;
  base::Async<domain::SweepResult> SweepStale(uint64_t activity_id, int64_t older_than_ms,
                                              int64_t limit) override;

 private:
  using Strings = std::vector<std::string>;
  // One Redis command's reply (an error reply is a reply, not an error status).
  base::Async<redis::Reply> Command(Strings command);
  // FCALL `function` over the activity's keys; the array reply as Redis gave it (an error reply
  // is an error status). Loads the library again and retries once if Redis lost it.
  base::Async<redis::Reply> CallRaw(const char* function, uint64_t activity_id, Strings args);
  // The same, the reply's elements as strings.
  base::Async<Strings> Call(const char* function, uint64_t activity_id, Strings args);
  // FCALL seckill_many: `function` once per entry of `calls` (each with the same number of
  // arguments), all over the activity's keys; each call's reply as strings, parsed by `parse`.
  template <class T>
  base::Async<std::vector<T>> CallMany(const char* function, uint64_t activity_id,
                                       std::vector<Strings> calls,
                                       absl::StatusOr<T> (*parse)(const Strings&));
  // A single call whose reply `parse` reads.
  template <class T>
  base::Async<T> CallOne(const char* function, uint64_t activity_id, Strings args,
                         absl::StatusOr<T> (*parse)(const Strings&));

  // The time the activity's per-order keys expire, as an argument ("" with no retention).
  std::string ExpireAt(const domain::ActivityTerms& terms) const;

  std::shared_ptr<redis::AsyncClient> client_;
  int64_t retention_ms_;
  tracing::Tracer* tracer_;
};

}  // namespace seckill::product::adapters
