#pragma once

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "libs/redis/async_client.h"
#include "services/product/domain/stock_ledger.h"

namespace seckill::product::adapters {

// The Redis Function library (stock_functions.lua), embedded at build time.
const std::string& StockFunctionsSource();
// Loads (or replaces) the library into the Redis at host:port, retrying while Redis is still
// starting (about 10 s). Blocking: for start-up, before the first request.
absl::Status LoadStockFunctions(const std::string& host, int port);

// StockLedger on Redis: each operation is one FCALL of the seckill_stock library, touching only
// keys under the activity's hash tag {act:ID}. If Redis answers that the function is missing
// (a restart without persistence), the library is loaded again and the call retried once.
class RedisStockLedger final : public domain::StockLedger {
 public:
  // `retention_ms`: see StockLedger; the per-order keys get a Redis expiry at the activity's end
  // plus it.
  explicit RedisStockLedger(std::shared_ptr<redis::AsyncClient> client,
                            int64_t retention_ms = kKeepForever)
      : client_(std::move(client)), retention_ms_(retention_ms) {}

  void Seed(uint64_t activity_id, const domain::ActivityTerms& terms,
            domain::Callback<bool> done) override;
  void Reserve(const domain::ReservationRequest& request,
               domain::Callback<domain::ReserveResult> done) override;
  void Release(uint64_t activity_id, uint64_t order_id,
               domain::Callback<domain::ReleaseResult> done) override;
  void Confirm(uint64_t activity_id, uint64_t order_id,
               domain::Callback<domain::ConfirmResult> done) override;
  void Cancel(uint64_t activity_id, uint64_t order_id,
              domain::Callback<domain::ReleaseResult> done) override;
  void MarkPublished(uint64_t activity_id, uint64_t order_id, domain::Callback<bool> done) override;
  void ReserveMany(uint64_t activity_id, const std::vector<domain::ReservationRequest>& requests,
                   domain::Callback<std::vector<domain::ReserveResult>> done) override;
  void ConfirmMany(uint64_t activity_id, const std::vector<uint64_t>& order_ids,
                   domain::Callback<std::vector<domain::ConfirmResult>> done) override;
  void MarkPublishedMany(uint64_t activity_id, const std::vector<uint64_t>& order_ids,
                         domain::Callback<std::vector<bool>> done) override;
  void Snapshot(uint64_t activity_id, domain::Callback<domain::StockSnapshot> done) override;
  // Redis' run_id (INFO server).
  void InstanceId(domain::Callback<std::string> done) override;
  void Adjust(uint64_t activity_id, int64_t expected_remaining, int64_t delta,
              domain::Callback<domain::AdjustResult> done) override;
  void Revive(uint64_t activity_id, uint64_t order_id,
              domain::Callback<domain::ReviveResult> done) override;
  void Reseed(uint64_t activity_id, const domain::ActivityTerms& terms,
              const std::vector<domain::LiveOrder>& live, domain::Callback<int64_t> done) override;
  void SweepStale(uint64_t activity_id, int64_t older_than_ms, int64_t limit,
                  domain::Callback<domain::SweepResult> done) override;

 private:
  using Strings = std::vector<std::string>;
  // FCALL `function` over the activity's keys; the reply as strings.
  void Call(const char* function, uint64_t activity_id, Strings args,
            std::function<void(absl::StatusOr<Strings>)> done);
  // The same, the reply as Redis gave it (an array: an error reply is an error status).
  void CallRaw(const char* function, uint64_t activity_id, Strings args,
               std::function<void(absl::StatusOr<redis::Reply>)> done, bool retried = false);
  // FCALL seckill_many: `function` once per entry of `calls` (each with the same number of
  // arguments), all over the activity's keys; each call's reply as strings, parsed by `parse`.
  template <class T>
  void CallMany(const char* function, uint64_t activity_id, const std::vector<Strings>& calls,
                absl::StatusOr<T> (*parse)(const Strings&), domain::Callback<std::vector<T>> done);

  // seckill_release and seckill_cancel share their reply.
  void ReleaseCall(const char* function, uint64_t activity_id, uint64_t order_id,
                   domain::Callback<domain::ReleaseResult> done);

  // The time the activity's per-order keys expire, as an argument ("" with no retention).
  std::string ExpireAt(const domain::ActivityTerms& terms) const;

  std::shared_ptr<redis::AsyncClient> client_;
  int64_t retention_ms_;
};

}  // namespace seckill::product::adapters
