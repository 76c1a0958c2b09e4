#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "boost/asio/awaitable.hpp"
#include "libs/tracing/tracer.h"
#include "services/gateway/api/admission.h"
#include "services/gateway/domain/activity.h"
#include "services/gateway/domain/order.h"

namespace seckill::rpc {
class ServiceChannel;
}

namespace seckill::gateway::api {

// One order to place; already validated at the edge.
struct OrderToPlace {
  uint64_t activity_id = 0;
  uint64_t user_id = 0;
  int64_t quantity = 1;
  std::string idempotency_key;  // empty: none
  std::string traceparent;
};

// The order service's answer to a placement: accepted (QUEUED) with its order id, or a refusal,
// which api/responses.h turns into HTTP (RefusalResponse).
struct Placement {
  domain::Refusal refusal = common::v1::REFUSAL_UNSPECIFIED;
  uint64_t order_id = 0;
  bool accepted() const { return refusal == common::v1::REFUSAL_UNSPECIFIED; }
};

// Paying or cancelling: done, or refused in the order's present state.
enum class Transition { kDone, kNotAllowed };

struct OrderStats {
  int64_t queued = 0;
  int64_t created = 0;
  int64_t paid = 0;
  int64_t cancelled = 0;
  int64_t failed = 0;
};

struct ReconcileReport {
  int64_t stock = 0;
  int64_t remaining = 0;
  int64_t reserved = 0;
  int64_t sold = 0;
  int64_t owed = 0;
  int64_t queued = 0;
  int64_t drift = 0;
  bool repaired = false;
  std::string note;
};

struct DeadLetter {
  uint64_t id = 0;
  std::string message_id;
  uint64_t order_id = 0;  // 0: not an order message
  std::string reason;
  int64_t received_at_ms = 0;
  bool replayed = false;
};

enum class ReplayOutcome { kReplayed, kAlreadyReplayed, kAlreadyLive, kNotAnOrder, kRefused };
struct ReplayResult {
  ReplayOutcome outcome = ReplayOutcome::kReplayed;
  domain::Refusal refusal = common::v1::REFUSAL_UNSPECIFIED;  // why, for kRefused
};

// The order service as the gateway's handlers use it: typed values in and out, each call
// through the "order" circuit breaker and with the backend timeout. "No such X" answers are
// NOT_FOUND statuses whose message a buyer can read; an order of another buyer is "no such
// order". The coroutines take their arguments by value: pass named values (libs/base/await.h).
class OrderClient {
 public:
  // `channel` follows the service's instances; null: every call answers UNAVAILABLE.
  // Each placement is a client span of its order's trace (`tracer`).
  OrderClient(std::shared_ptr<const rpc::ServiceChannel> channel, BackendGuard& guard,
              std::chrono::milliseconds timeout, tracing::Tracer& tracer);
  ~OrderClient();

  // Batched: the orders placed at the same time share PlaceOrders calls (base::Coalescer: at
  // once while fewer than kPlacementBatchesInFlight calls are out, else together in the next
  // one, each call's deadline counted from its oldest order's arrival). Each order keeps its own
  // result and its own breaker outcome. Not a coroutine: see libs/base/await.h.
  boost::asio::awaitable<absl::StatusOr<Placement>> Place(OrderToPlace order);
  boost::asio::awaitable<absl::StatusOr<std::vector<domain::Order>>> ListOrders(
      uint64_t user_id, std::string traceparent);
  boost::asio::awaitable<absl::StatusOr<domain::Order>> GetOrder(uint64_t order_id,
                                                                 uint64_t user_id,
                                                                 std::string traceparent);
  boost::asio::awaitable<absl::StatusOr<Transition>> PayOrder(uint64_t order_id, uint64_t user_id,
                                                              std::string traceparent);
  boost::asio::awaitable<absl::StatusOr<Transition>> CancelOrder(uint64_t order_id,
                                                                 uint64_t user_id,
                                                                 std::string traceparent);
  boost::asio::awaitable<absl::StatusOr<OrderStats>> GetOrderStats(uint64_t activity_id,
                                                                   std::string traceparent);
  boost::asio::awaitable<absl::StatusOr<ReconcileReport>> ReconcileStock(uint64_t activity_id,
                                                                         bool repair,
                                                                         std::string traceparent);
  boost::asio::awaitable<absl::StatusOr<std::vector<DeadLetter>>> ListDeadLetters(
      int limit, std::string traceparent);
  boost::asio::awaitable<absl::StatusOr<ReplayResult>> ReplayDeadLetter(uint64_t id,
                                                                        std::string traceparent);
  // Whether the service answers at all, for readiness; not through the breaker.
  boost::asio::awaitable<absl::Status> Probe();

  static constexpr size_t kPlacementBatchesInFlight = 4;
  static constexpr size_t kMaxPlacementBatch = 256;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
  BackendGuard& guard_;
  tracing::Tracer& tracer_;
  std::chrono::milliseconds timeout_;
};

}  // namespace seckill::gateway::api
